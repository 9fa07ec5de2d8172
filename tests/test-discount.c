/*
 * test-discount: discount codes: the code's form, what a creator may
 * create, the money taken off (percent rounds down, fixed per line, never
 * below 0, only lines of the code's currency), every refusal at checkout
 * (unknown, off, not started, expired, used up, per phone, wrong
 * product), a failed or expired order giving its use back, the console's
 * list with uses and revenue, and 20 threads racing for the last use:
 * through discount_apply_tx in a transaction of their own, and through
 * order_create as the storefront calls it.
 */
#include <check.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crypto.h"
#include "db.h"
#include "discount.h"
#include "i18n.h"
#include "order.h"
#include "testutil.h"

#define NOW	INT64_C(1800000000)

static const unsigned char test_key[32] = "0123456789abcdef0123456789abcdef";

/*
 * Two creators: amani (1) with a KES download (1), a KES ticket (2) and
 * a USD download (3); baraka (2) with a KES download (4). Customers 1-3.
 */
static struct db *
open_db(char **path)
{
	struct db *db = test_db("discount", path);

	ck_assert_int_eq(db_exec(db,
	    "INSERT INTO creators(id, handle, created_at) VALUES"
	    " (1, 'amani', 0), (2, 'baraka', 0);"
	    "INSERT INTO products(id, creator_id, slug, kind, title, price_minor,"
	    " currency, status, created_at, updated_at) VALUES"
	    " (1, 1, 'song', 'download', 'A song', 10000, 'KES', 'published', 0, 0),"
	    " (2, 1, 'gig', 'download', 'Gig', 99, 'KES', 'published', 0, 0),"
	    " (3, 1, 'ebook', 'download', 'E-book', 1500, 'USD', 'published', 0, 0),"
	    " (4, 2, 'beat', 'download', 'Beat', 20000, 'KES', 'published', 0, 0);"
	    "INSERT INTO customers(id, phone, created_at) VALUES"
	    " (1, '254700000001', 0), (2, '254700000002', 0),"
	    " (3, '254700000003', 0);"), NY_OK);
	return db;
}

/* A code of creator with these values (others none); returns its id. */
static int64_t
mk(struct db *db, int64_t creator, const char *code, int64_t product,
    enum discount_kind kind, int64_t value, const char *currency)
{
	struct discount d;
	const char *why = NULL;
	int64_t id = 0;

	memset(&d, 0, sizeof d);
	d.creator_id = creator;
	snprintf(d.code, sizeof d.code, "%s", code);
	d.product_id = product;
	d.kind = kind;
	d.value = value;
	snprintf(d.currency, sizeof d.currency, "%s", currency);
	ck_assert_int_eq(discount_create(db, &d, &id, &why), NY_OK);
	ck_assert_ptr_null(why);
	ck_assert_int_gt(id, 0);
	return id;
}

/* A line of product (its creator and currency as open_db made them). */
static struct discount_line
line(int64_t product, int64_t gross)
{
	struct discount_line l;

	memset(&l, 0, sizeof l);
	l.product_id = product;
	l.creator_id = product == 4 ? 2 : 1;
	snprintf(l.currency, sizeof l.currency, "%s", product == 3 ? "USD" :
	    "KES");
	l.gross_minor = gross;
	l.quantity = 1;
	return l;
}

/*
 * Inside the caller's transaction: an order of customer with the lines
 * (status status) and its uses, as order_create would write them.
 */
static void
order_tx(struct db *db, const char *ref, int64_t customer,
    const struct discount_line *l, int n, const char *status)
{
	sqlite3_stmt *st = db_stmt(db, "INSERT INTO orders(ref, customer_id,"
	    " product_id, quantity, amount_minor, currency, status, created_at,"
	    " updated_at, expires_at) VALUES (?, ?, ?, 1, 0, ?, ?, 0, 0, 0)");
	int64_t order;
	int i;

	ck_assert_ptr_nonnull(st);
	sqlite3_bind_text(st, 1, ref, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 2, customer);
	sqlite3_bind_int64(st, 3, l[0].product_id);
	sqlite3_bind_text(st, 4, l[0].currency, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 5, status, -1, SQLITE_TRANSIENT);
	ck_assert_int_eq(db_done(st), NY_OK);
	order = sqlite3_last_insert_rowid(db_sqlite(db));
	for (i = 0; i < n; i++) {
		st = db_stmt(db, "INSERT INTO order_lines(order_id, product_id,"
		    " creator_id, quantity, unit_minor, discount_minor,"
		    " amount_minor, discount_id) VALUES (?, ?, ?, 1, ?, ?, ?,"
		    " nullif(?, 0))");
		sqlite3_bind_int64(st, 1, order);
		sqlite3_bind_int64(st, 2, l[i].product_id);
		sqlite3_bind_int64(st, 3, l[i].creator_id);
		sqlite3_bind_int64(st, 4, l[i].gross_minor);
		sqlite3_bind_int64(st, 5, l[i].discount_minor);
		sqlite3_bind_int64(st, 6, l[i].gross_minor -
		    l[i].discount_minor);
		sqlite3_bind_int64(st, 7, l[i].discount_id);
		ck_assert_int_eq(db_done(st), NY_OK);
	}
	ck_assert_int_eq(discount_record_tx(db, order, customer, l, n, NOW),
	    NY_OK);
}

/* A checkout: apply code, and when it applies make the order. */
static enum ny_err
checkout(struct db *db, const char *code, const char *ref, int64_t customer,
    struct discount_line *l, int n, int64_t now, const char **why)
{
	enum ny_err rc;

	if ((rc = db_begin(db)) != NY_OK)
		return rc;
	rc = discount_apply_tx(db, code, customer, now, l, n, why);
	if (rc == NY_OK)
		order_tx(db, ref, customer, l, n, "pending");
	return db_end(db, rc);
}

/* Applies code to the lines in a transaction rolled back: no order. */
static enum ny_err
try_code(struct db *db, const char *code, int64_t customer,
    struct discount_line *l, int n, int64_t now, const char **why)
{
	enum ny_err rc;

	ck_assert_int_eq(db_begin(db), NY_OK);
	rc = discount_apply_tx(db, code, customer, now, l, n, why);
	db_rollback(db);
	return rc;
}

START_TEST(code_norm)
{
	char out[DISCOUNT_CODE_MAX + 1];

	ck_assert_int_eq(discount_code_norm("  karibu-2026 ", out, sizeof out),
	    NY_OK);
	ck_assert_str_eq(out, "KARIBU-2026");
	ck_assert_int_eq(discount_code_norm("a_b", out, sizeof out), NY_OK);
	ck_assert_str_eq(out, "A_B");
	ck_assert_int_eq(discount_code_norm("ab", out, sizeof out), NY_EINVAL);
	ck_assert_int_eq(discount_code_norm("two words", out, sizeof out),
	    NY_EINVAL);
	ck_assert_int_eq(discount_code_norm("punguzo%", out, sizeof out),
	    NY_EINVAL);
	ck_assert_int_eq(discount_code_norm("ÄBCD", out, sizeof out),
	    NY_EINVAL);
	ck_assert_int_eq(discount_code_norm(
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456", out, sizeof out), NY_EINVAL);
	ck_assert_int_eq(discount_code_norm(
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345", out, sizeof out), NY_OK);
	ck_assert_int_eq(discount_code_norm("KARIBU", out, 8), NY_EINVAL);
}
END_TEST

/* discount_create's refusal of d: its error and locale key. */
static void
refused(struct db *db, const struct discount *d, enum ny_err err,
    const char *key)
{
	const char *why = NULL;

	ck_assert_int_eq(discount_create(db, d, NULL, &why), err);
	ck_assert_ptr_nonnull(why);
	ck_assert_str_eq(why, key);
}

START_TEST(create_rules)
{
	struct db *db = open_db(NULL);
	struct discount d, x;

	memset(&d, 0, sizeof d);
	d.creator_id = 1;
	snprintf(d.code, sizeof d.code, "karibu");
	d.kind = DISCOUNT_PERCENT;
	d.value = 0;
	refused(db, &d, NY_EINVAL, "discount.err.percent");
	d.value = 101;
	refused(db, &d, NY_EINVAL, "discount.err.percent");
	d.value = 10;
	x = d;
	snprintf(x.code, sizeof x.code, "no way");
	refused(db, &x, NY_EINVAL, "discount.err.code");
	x = d;
	x.kind = DISCOUNT_FIXED;
	x.value = 500;
	refused(db, &x, NY_EINVAL, "discount.err.currency");
	snprintf(x.currency, sizeof x.currency, "USD");
	x.product_id = 1;		/* a KES product */
	refused(db, &x, NY_EINVAL, "discount.err.currency");
	x.value = 0;
	refused(db, &x, NY_EINVAL, "discount.err.value");
	x = d;
	x.product_id = 4;		/* baraka's */
	refused(db, &x, NY_EINVAL, "discount.err.product_mine");
	x.product_id = 999;
	refused(db, &x, NY_EINVAL, "discount.err.product_mine");
	x = d;
	x.starts_at = ny_now() + 7200;
	x.ends_at = ny_now() + 3600;
	refused(db, &x, NY_EINVAL, "discount.err.dates");
	x.starts_at = 0;
	x.ends_at = ny_now() - 60;	/* over before it starts */
	refused(db, &x, NY_EINVAL, "discount.err.dates");
	x = d;
	x.max_uses = -1;
	refused(db, &x, NY_EINVAL, "discount.err.uses");
	ck_assert_int_eq(sql_int(db, "SELECT count(*) FROM discount_codes"), 0);

	mk(db, 1, "karibu", 0, DISCOUNT_PERCENT, 10, "");
	/* Same text, any case: taken for amani, free for baraka. */
	snprintf(d.code, sizeof d.code, " KARIBU ");
	refused(db, &d, NY_EEXISTS, "discount.err.exists");
	mk(db, 2, "Karibu", 4, DISCOUNT_FIXED, 5000, "KES");
	ck_assert_int_eq(sql_int(db, "SELECT count(*) FROM discount_codes"
	    " WHERE code = 'KARIBU'"), 2);
	/* Audited without the code, and the consoles told. */
	ck_assert_int_eq(sql_int(db, "SELECT count(*) FROM audit_log WHERE"
	    " action = 'discount.create' AND actor = 'creator:baraka'"
	    " AND creator_id = 2 AND detail NOT LIKE '%KARIBU%'"), 1);
	ck_assert_int_eq(sql_int(db, "SELECT count(*) FROM events"
	    " WHERE kind = 'discount'"), 2);
	db_close(db);
}
END_TEST

START_TEST(money_taken_off)
{
	struct db *db = open_db(NULL);
	struct discount_line l[3];
	const char *why = NULL;
	int64_t pc, fx;

	pc = mk(db, 1, "PC15", 0, DISCOUNT_PERCENT, 15, "");
	fx = mk(db, 1, "FIX50", 0, DISCOUNT_FIXED, 5000, "KES");
	/* 15 % rounds down: 99 → 14 (not 14.85), 10000 → 1500. */
	l[0] = line(1, 10000);
	l[1] = line(2, 99);
	l[2] = line(3, 1500);
	ck_assert_int_eq(try_code(db, "pc15", 1, l, 3, NOW, &why), NY_OK);
	ck_assert_int_eq(l[0].discount_minor, 1500);
	ck_assert_int_eq(l[1].discount_minor, 14);
	ck_assert_int_eq(l[2].discount_minor, 225);	/* any currency */
	ck_assert_int_eq(l[0].discount_id, pc);
	ck_assert_int_eq(l[2].discount_id, pc);
	/* Fixed: per line, at most the line, only KES lines. */
	ck_assert_int_eq(try_code(db, "FIX50", 1, l, 3, NOW, &why), NY_OK);
	ck_assert_int_eq(l[0].discount_minor, 5000);
	ck_assert_int_eq(l[1].discount_minor, 99);
	ck_assert_int_eq(l[2].discount_minor, 0);
	ck_assert_int_eq(l[2].discount_id, 0);
	ck_assert_int_eq(l[0].discount_id, fx);
	/* 100 % takes the whole line; a big line does not overflow. */
	mk(db, 1, "ALL", 1, DISCOUNT_PERCENT, 100, "");
	l[0] = line(1, INT64_C(1) << 56);
	ck_assert_int_eq(try_code(db, "all", 1, l, 1, NOW, &why), NY_OK);
	ck_assert_int_eq(l[0].discount_minor, INT64_C(1) << 56);
	mk(db, 1, "THIRD", 1, DISCOUNT_PERCENT, 33, "");
	l[0] = line(1, (INT64_C(1) << 56) + 99);
	ck_assert_int_eq(try_code(db, "third", 1, l, 1, NOW, &why), NY_OK);
	ck_assert_int_eq(l[0].discount_minor,
	    ((INT64_C(1) << 56) + 99) / 100 * 33 +
	    ((INT64_C(1) << 56) + 99) % 100 * 33 / 100);
	db_close(db);
}
END_TEST

START_TEST(refusals)
{
	struct db *db = open_db(NULL);
	struct discount_line l[2];
	struct discount d;
	const char *why = NULL;
	int64_t id;

	l[0] = line(1, 10000);
	ck_assert_int_eq(try_code(db, "NOPE", 1, l, 1, NOW, &why), NY_EDENIED);
	ck_assert_str_eq(why, "discount.err.unknown");
	ck_assert_int_eq(try_code(db, "x", 1, l, 1, NOW, &why), NY_EDENIED);
	ck_assert_str_eq(why, "discount.err.unknown");
	/* For the gig only: the song is not it. */
	mk(db, 1, "GIGONLY", 2, DISCOUNT_PERCENT, 10, "");
	ck_assert_int_eq(try_code(db, "gigonly", 1, l, 1, NOW, &why),
	    NY_EDENIED);
	ck_assert_str_eq(why, "discount.err.product");
	ck_assert_int_eq(l[0].discount_id, 0);
	/* Baraka's code, amani's product. */
	mk(db, 2, "BEATS", 0, DISCOUNT_PERCENT, 10, "");
	ck_assert_int_eq(try_code(db, "beats", 1, l, 1, NOW, &why), NY_EDENIED);
	ck_assert_str_eq(why, "discount.err.product");
	/* A fixed USD code and only KES lines. */
	mk(db, 1, "DOLLAR", 0, DISCOUNT_FIXED, 100, "USD");
	ck_assert_int_eq(try_code(db, "dollar", 1, l, 1, NOW, &why),
	    NY_EDENIED);
	ck_assert_str_eq(why, "discount.err.product");
	/* Dates: from NOW + 1 hour to NOW + 2 hours. */
	memset(&d, 0, sizeof d);
	d.creator_id = 1;
	snprintf(d.code, sizeof d.code, "LATER");
	d.kind = DISCOUNT_PERCENT;
	d.value = 20;
	d.starts_at = NOW + 3600;
	d.ends_at = NOW + 7200;
	ck_assert_int_eq(discount_create(db, &d, &id, NULL), NY_OK);
	ck_assert_int_eq(try_code(db, "later", 1, l, 1, NOW, &why), NY_EDENIED);
	ck_assert_str_eq(why, "discount.err.not_started");
	ck_assert_int_eq(try_code(db, "later", 1, l, 1, NOW + 3600, &why),
	    NY_OK);
	ck_assert_int_eq(try_code(db, "later", 1, l, 1, NOW + 7199, &why),
	    NY_OK);
	ck_assert_int_eq(try_code(db, "later", 1, l, 1, NOW + 7200, &why),
	    NY_EDENIED);
	ck_assert_str_eq(why, "discount.err.expired");
	/* Turned off: as if it did not exist; on again: works. */
	ck_assert_int_eq(discount_set_enabled(db, 2, id, 0), NY_ENOTFOUND);
	ck_assert_int_eq(discount_set_enabled(db, 1, id, 0), NY_OK);
	ck_assert_int_eq(try_code(db, "later", 1, l, 1, NOW + 3600, &why),
	    NY_EDENIED);
	ck_assert_str_eq(why, "discount.err.unknown");
	ck_assert_int_eq(discount_set_enabled(db, 1, id, 1), NY_OK);
	ck_assert_int_eq(try_code(db, "later", 1, l, 1, NOW + 3600, &why),
	    NY_OK);
	ck_assert_int_eq(sql_int(db, "SELECT count(*) FROM audit_log WHERE"
	    " action IN ('discount.enable', 'discount.disable')"), 2);
	db_close(db);
}
END_TEST

/* Two creators with the same code in one cart: each their own lines. */
START_TEST(two_creators_one_code)
{
	struct db *db = open_db(NULL);
	struct discount_line l[2];
	const char *why = NULL;
	int64_t a, b;

	a = mk(db, 1, "KARIBU", 0, DISCOUNT_PERCENT, 10, "");
	b = mk(db, 2, "KARIBU", 0, DISCOUNT_FIXED, 1000, "KES");
	l[0] = line(1, 10000);
	l[1] = line(4, 20000);
	ck_assert_int_eq(checkout(db, "karibu", "r1", 1, l, 2, NOW, &why),
	    NY_OK);
	ck_assert_int_eq(l[0].discount_id, a);
	ck_assert_int_eq(l[0].discount_minor, 1000);
	ck_assert_int_eq(l[1].discount_id, b);
	ck_assert_int_eq(l[1].discount_minor, 1000);
	ck_assert_int_eq(sql_int(db, "SELECT count(*) FROM discount_uses"), 2);
	/* Baraka's ran out: amani's still applies, baraka's line is whole. */
	ck_assert_int_eq(db_exec(db, "UPDATE discount_codes SET max_uses = 1"
	    " WHERE creator_id = 2"), NY_OK);
	ck_assert_int_eq(try_code(db, "karibu", 2, l, 2, NOW, &why), NY_OK);
	ck_assert_int_eq(l[0].discount_id, a);
	ck_assert_int_eq(l[1].discount_id, 0);
	ck_assert_int_eq(l[1].discount_minor, 0);
	ck_assert_int_eq(try_code(db, "karibu", 2, l + 1, 1, NOW, &why),
	    NY_EDENIED);
	ck_assert_str_eq(why, "discount.err.used_up");
	db_close(db);
}
END_TEST

START_TEST(per_phone_and_give_back)
{
	struct db *db = open_db(NULL);
	struct discount_line l[1];
	const char *why = NULL;
	int64_t id;

	id = mk(db, 1, "ONCE", 0, DISCOUNT_PERCENT, 50, "");
	ck_assert_int_eq(db_exec(db, "UPDATE discount_codes SET"
	    " max_per_phone = 1, max_uses = 2"), NY_OK);
	l[0] = line(1, 10000);
	ck_assert_int_eq(checkout(db, "once", "r1", 1, l, 1, NOW, &why), NY_OK);
	ck_assert_int_eq(l[0].discount_id, id);
	ck_assert_int_eq(checkout(db, "once", "r2", 1, l, 1, NOW, &why),
	    NY_EDENIED);
	ck_assert_str_eq(why, "discount.err.per_phone");
	ck_assert_int_eq(checkout(db, "once", "r3", 2, l, 1, NOW, &why), NY_OK);
	/* Two uses of two: the third phone is too late. */
	ck_assert_int_eq(checkout(db, "once", "r4", 3, l, 1, NOW, &why),
	    NY_EDENIED);
	ck_assert_str_eq(why, "discount.err.used_up");
	/* r1 paid, r3 expired: its use is back, for anyone but phone 1. */
	ck_assert_int_eq(db_exec(db, "UPDATE orders SET status = 'paid'"
	    " WHERE ref = 'r1'; UPDATE orders SET status = 'expired'"
	    " WHERE ref = 'r3'"), NY_OK);
	ck_assert_int_eq(checkout(db, "once", "r5", 1, l, 1, NOW, &why),
	    NY_EDENIED);
	ck_assert_str_eq(why, "discount.err.per_phone");
	ck_assert_int_eq(checkout(db, "once", "r6", 3, l, 1, NOW, &why), NY_OK);
	/* A failed one too. */
	ck_assert_int_eq(db_exec(db, "UPDATE orders SET status = 'failed'"
	    " WHERE ref = 'r6'"), NY_OK);
	ck_assert_int_eq(checkout(db, "once", "r7", 2, l, 1, NOW, &why), NY_OK);
	db_close(db);
}
END_TEST

START_TEST(list_uses_revenue)
{
	struct db *db = open_db(NULL);
	struct discount_line l[2];
	struct discount *v;
	const char *why = NULL;
	int64_t a, b;
	int n;

	a = mk(db, 1, "FIRST", 1, DISCOUNT_PERCENT, 10, "");
	b = mk(db, 1, "SECOND", 0, DISCOUNT_FIXED, 700, "KES");
	mk(db, 2, "OTHER", 0, DISCOUNT_PERCENT, 10, "");
	l[0] = line(1, 10000);
	ck_assert_int_eq(checkout(db, "first", "r1", 1, l, 1, NOW, &why), NY_OK);
	ck_assert_int_eq(checkout(db, "first", "r2", 2, l, 1, NOW, &why), NY_OK);
	ck_assert_int_eq(checkout(db, "first", "r3", 3, l, 1, NOW, &why), NY_OK);
	l[0] = line(1, 10000);
	l[1] = line(2, 99);
	ck_assert_int_eq(checkout(db, "second", "r4", 1, l, 2, NOW, &why),
	    NY_OK);
	ck_assert_int_eq(db_exec(db, "UPDATE orders SET status = 'paid'"
	    " WHERE ref IN ('r1', 'r2', 'r4');"
	    " UPDATE orders SET status = 'failed' WHERE ref = 'r3'"), NY_OK);
	ck_assert_int_eq(discount_list(db, 1, &v, &n), NY_OK);
	ck_assert_int_eq(n, 2);
	ck_assert_int_eq(v[0].id, b);		/* newest first */
	ck_assert_str_eq(v[0].code, "SECOND");
	ck_assert_int_eq(v[0].product_id, 0);
	ck_assert_str_eq(v[0].product_title, "");
	ck_assert_int_eq(v[0].kind, DISCOUNT_FIXED);
	ck_assert_str_eq(v[0].currency, "KES");
	ck_assert_int_eq(v[0].uses, 1);
	ck_assert_int_eq(v[0].paid_uses, 1);
	ck_assert_int_eq(v[0].revenue_minor, 10000 - 700);
	ck_assert_int_eq(v[0].discount_minor, 700 + 99);
	ck_assert_int_eq(v[1].id, a);
	ck_assert_str_eq(v[1].product_title, "A song");
	ck_assert_int_eq(v[1].uses, 2);		/* r3 failed */
	ck_assert_int_eq(v[1].paid_uses, 2);
	ck_assert_int_eq(v[1].revenue_minor, 2 * 9000);
	ck_assert_int_eq(v[1].discount_minor, 2 * 1000);
	ck_assert_int_eq(sql_int(db, "SELECT u.amount_minor FROM discount_uses"
	    " u JOIN orders o ON o.id = u.order_id WHERE o.ref = 'r4'"),
	    700 + 99);
	free(v);
	ck_assert_int_eq(discount_list(db, 3, &v, &n), NY_OK);
	ck_assert_int_eq(n, 0);
	free(v);
	db_close(db);
}
END_TEST

/* Every refusal a buyer or creator can meet has words in both languages. */
START_TEST(locale_keys)
{
	static const char *const keys[] = {
		"discount.err.unknown", "discount.err.not_started",
		"discount.err.expired", "discount.err.used_up",
		"discount.err.per_phone", "discount.err.product",
		"discount.err.code", "discount.err.value",
		"discount.err.percent", "discount.err.currency",
		"discount.err.dates", "discount.err.uses",
		"discount.err.exists", "discount.err.product_mine", NULL,
	};
	int i;

	for (i = 0; keys[i] != NULL; i++) {
		ck_assert_str_ne(i18n_get("en", keys[i]), keys[i]);
		ck_assert_str_ne(i18n_get("sw", keys[i]), i18n_get("en",
		    keys[i]));
	}
}
END_TEST

/* One racer: its own connection, its own phone, the same last use. */
struct racer {
	const char		*path;
	int			 i;
	pthread_barrier_t	*go;
	enum ny_err		 rc;
	const char		*why;
};

static void *
race_one(void *arg)
{
	struct racer *r = arg;
	struct discount_line l[1];
	struct db *db;
	char *cause = NULL, ref[16];

	r->rc = NY_EIO;
	if (db_open(r->path, &db, &cause) != NY_OK) {
		free(cause);
		pthread_barrier_wait(r->go);
		return NULL;
	}
	l[0] = line(1, 10000);
	snprintf(ref, sizeof ref, "race%d", r->i);
	pthread_barrier_wait(r->go);
	r->rc = checkout(db, "LAST", ref, 10 + r->i, l, 1, NOW, &r->why);
	db_close(db);
	return NULL;
}

START_TEST(race_20_for_the_last_use)
{
	struct racer r[20];
	pthread_t t[20];
	pthread_barrier_t go;
	char *path;
	struct db *db = open_db(&path);
	const char *why = NULL;
	int i, won = 0, used_up = 0;

	mk(db, 1, "LAST", 1, DISCOUNT_PERCENT, 50, "");
	ck_assert_int_eq(db_exec(db, "UPDATE discount_codes SET max_uses = 2;"
	    "WITH RECURSIVE k(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM k"
	    " WHERE i < 19) INSERT INTO customers(id, phone, created_at)"
	    " SELECT 10 + i, '2547100000' || printf('%02d', i), 0 FROM k"), NY_OK);
	/* One use gone already: one left for twenty buyers. */
	{
		struct discount_line l[1] = { line(1, 10000) };

		ck_assert_int_eq(checkout(db, "last", "r0", 1, l, 1, NOW, &why),
		    NY_OK);
	}
	ck_assert_int_eq(pthread_barrier_init(&go, NULL, 20), 0);
	for (i = 0; i < 20; i++) {
		r[i].path = path;
		r[i].i = i;
		r[i].go = &go;
		r[i].why = NULL;
		ck_assert_int_eq(pthread_create(&t[i], NULL, race_one, &r[i]),
		    0);
	}
	for (i = 0; i < 20; i++)
		ck_assert_int_eq(pthread_join(t[i], NULL), 0);
	pthread_barrier_destroy(&go);
	for (i = 0; i < 20; i++) {
		if (r[i].rc == NY_OK)
			won++;
		else if (r[i].rc == NY_EDENIED &&
		    strcmp(r[i].why, "discount.err.used_up") == 0)
			used_up++;
	}
	ck_assert_int_eq(won, 1);
	ck_assert_int_eq(used_up, 19);
	ck_assert_int_eq(sql_int(db, "SELECT count(*) FROM discount_uses"), 2);
	db_close(db);
	free(path);
}
END_TEST

/* One buyer through order_create, as the checkout form calls it. */
static void *
race_order(void *arg)
{
	struct racer *r = arg;
	struct order_new in;
	struct order o;
	struct db *db;
	char *cause = NULL, phone[16];

	r->rc = NY_EIO;
	if (db_open(r->path, &db, &cause) != NY_OK) {
		free(cause);
		pthread_barrier_wait(r->go);
		return NULL;
	}
	snprintf(phone, sizeof phone, "2547200000%02d", r->i);
	memset(&in, 0, sizeof in);
	in.product_id = 1;
	in.quantity = 1;
	in.phone = phone;
	in.discount_code = " last ";
	in.why = &r->why;
	in.locale = "en";
	in.provider = "sim";
	pthread_barrier_wait(r->go);
	r->rc = order_create(db, &in, &o, NULL);
	db_close(db);
	return NULL;
}

START_TEST(race_20_through_order_create)
{
	struct racer r[20];
	pthread_t t[20];
	pthread_barrier_t go;
	char *path;
	struct db *db = open_db(&path);
	int i, won = 0, used_up = 0;

	mk(db, 1, "LAST", 1, DISCOUNT_PERCENT, 50, "");
	ck_assert_int_eq(db_exec(db, "UPDATE discount_codes SET max_uses = 1"),
	    NY_OK);
	ck_assert_int_eq(pthread_barrier_init(&go, NULL, 20), 0);
	for (i = 0; i < 20; i++) {
		r[i].path = path;
		r[i].i = i;
		r[i].go = &go;
		r[i].why = NULL;
		ck_assert_int_eq(pthread_create(&t[i], NULL, race_order, &r[i]),
		    0);
	}
	for (i = 0; i < 20; i++)
		ck_assert_int_eq(pthread_join(t[i], NULL), 0);
	pthread_barrier_destroy(&go);
	for (i = 0; i < 20; i++) {
		if (r[i].rc == NY_OK)
			won++;
		else if (r[i].rc == NY_EDENIED && r[i].why != NULL &&
		    strcmp(r[i].why, "discount.err.used_up") == 0)
			used_up++;
	}
	ck_assert_int_eq(won, 1);
	ck_assert_int_eq(used_up, 19);
	ck_assert_int_eq(sql_int(db, "SELECT count(*) FROM orders"), 1);
	ck_assert_int_eq(sql_int(db, "SELECT amount_minor FROM orders"), 5000);
	ck_assert_int_eq(sql_int(db, "SELECT count(*) FROM discount_uses"), 1);
	ck_assert_int_eq(sql_int(db, "SELECT discount_minor FROM order_lines"),
	    5000);
	db_close(db);
	free(path);
}
END_TEST

static void
setup(void)
{
	char *cause = NULL;

	crypto_init_key(test_key);
	i18n_load(&cause);
	free(cause);
}

int
main(void)
{
	Suite *s = suite_create("discount");
	TCase *tc = tcase_create("core");

	tcase_add_unchecked_fixture(tc, setup, NULL);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, code_norm);
	tcase_add_test(tc, create_rules);
	tcase_add_test(tc, money_taken_off);
	tcase_add_test(tc, refusals);
	tcase_add_test(tc, two_creators_one_code);
	tcase_add_test(tc, per_phone_and_give_back);
	tcase_add_test(tc, list_uses_revenue);
	tcase_add_test(tc, locale_keys);
	tcase_add_test(tc, race_20_for_the_last_use);
	tcase_add_test(tc, race_20_through_order_create);
	suite_add_tcase(s, tc);
	return run_suite(s);
}
