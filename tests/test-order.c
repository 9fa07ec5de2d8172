/*
 * test-order: the order/payment state machine: creation (idempotency,
 * limits, seats), every transition, settle idempotency, late payments,
 * expiry, the simulator, the Daraja helpers, and 20 processes racing for
 * the last 3 seats. Orders with lines (a cart paid once): every line
 * granted once, seats of every ticket line or none, one currency, pay
 * what you want, each creator's share in their lists and figures.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "crypto.h"
#include "db.h"
#include "i18n.h"
#include "customer.h"
#include "order-detail.h"
#include "order.h"
#include "pay.h"
#include "product.h"
#include "stats.h"
#include "payment.h"
#include "testutil.h"

static const unsigned char test_key[32] = "0123456789abcdef0123456789abcdef";

static struct db *
open_db(char **pathp)
{
	char *path = tmp_path("order");
	struct db *db;
	char *cause = NULL;

	ck_assert_int_eq(db_open(path, &db, &cause), NY_OK);
	ck_assert_int_eq(db_migrate(db, &cause), NY_OK);
	ck_assert_int_eq(db_exec(db,
	    "INSERT INTO creators(id, handle, created_at) VALUES (1, 'amani', 0);"
	    "INSERT INTO products(id, creator_id, slug, kind, title, price_minor,"
	    " currency, status, created_at, updated_at) VALUES"
	    " (1, 1, 'song', 'download', 'A song', 50000, 'KES', 'published', 0, 0),"
	    " (2, 1, 'draft', 'download', 'Draft', 100, 'KES', 'draft', 0, 0);"
	    "INSERT INTO products(id, creator_id, slug, kind, title, price_minor,"
	    " currency, status, starts_at, venue, capacity, created_at, updated_at)"
	    " VALUES (3, 1, 'gig', 'ticket', 'Gig', 100000, 'KES', 'published',"
	    " 2000000000, 'Nairobi', 3, 0, 0);"
	    "INSERT INTO products(id, creator_id, slug, kind, title, price_minor,"
	    " currency, status, period_days, created_at, updated_at) VALUES"
	    " (4, 1, 'club', 'subscription', 'Club', 20000, 'KES', 'published',"
	    " 30, 0, 0);"
	    "INSERT INTO products(id, creator_id, slug, kind, title, price_minor,"
	    " currency, status, created_at, updated_at) VALUES"
	    " (5, 1, 'gift', 'download', 'A gift', 0, 'KES', 'published', 0, 0);"),
	    NY_OK);
	if (pathp != NULL)
		*pathp = path;
	else
		free(path);
	return db;
}

static int64_t
count(struct db *db, const char *sql)
{
	sqlite3_stmt *st = db_stmt(db, sql);
	int64_t v;

	ck_assert_ptr_nonnull(st);
	ck_assert_int_eq(sqlite3_step(st), SQLITE_ROW);
	v = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return v;
}

static int
buy(struct db *db, int64_t product, const char *phone, int qty,
    const char *idem, struct order *o)
{
	struct order_new in = {
		.product_id = product, .phone = phone, .quantity = qty,
		.locale = "sw", .idem_key = idem, .client_addr = "127.0.0.1",
		.provider = "sim",
	};

	return order_create(db, &in, o, NULL);
}

static struct pay_result
result(enum pay_outcome o, const char *reason, const char *receipt,
    int64_t amount)
{
	struct pay_result r = {
		.outcome = o, .result_code = o == PAY_PAID ? 0 : 1032,
		.reason = reason, .receipt = receipt, .amount_minor = amount,
		.desc = "test", .raw = "{\"raw\":1}",
	};

	return r;
}

static void
setup(void)
{
	char *cause = NULL;

	crypto_init_key(test_key);
	i18n_load(&cause);
	free(cause);
}

/*
 * open_db's shop and more for carts: creator 2's download (6) and ticket
 * (9, 2 seats), creator 1's USD download (7) and pay-what-you-want
 * download (8: minimum 100.00, suggested 250.00).
 */
static struct db *
cart_db(void)
{
	struct db *db = open_db(NULL);

	ck_assert_int_eq(db_exec(db,
	    "INSERT INTO creators(id, handle, created_at) VALUES (2, 'baraka', 0);"
	    "INSERT INTO products(id, creator_id, slug, kind, title, price_minor,"
	    " currency, status, created_at, updated_at) VALUES"
	    " (6, 2, 'beat', 'download', 'Beat', 30000, 'KES', 'published', 0, 0),"
	    " (7, 1, 'tee', 'download', 'Tee', 1000, 'USD', 'published', 0, 0);"
	    "INSERT INTO products(id, creator_id, slug, kind, title, price_minor,"
	    " currency, status, pwyw, suggested_minor, created_at, updated_at)"
	    " VALUES (8, 1, 'tip', 'download', 'Tip jar', 10000, 'KES',"
	    " 'published', 1, 25000, 0, 0);"
	    "INSERT INTO products(id, creator_id, slug, kind, title, price_minor,"
	    " currency, status, starts_at, venue, capacity, created_at, updated_at)"
	    " VALUES (9, 2, 'show', 'ticket', 'Show', 50000, 'KES', 'published',"
	    " 2000000000, 'Mombasa', 2, 0, 0);"), NY_OK);
	return db;
}

/* order_create of lines[0..n-1] for phone; *why gets the refusal. */
static enum ny_err
cart(struct db *db, const struct order_line_new *lines, int n,
    const char *phone, struct order *o, const char **why)
{
	struct order_new in = {
		.lines = lines, .nlines = n, .phone = phone, .locale = "en",
		.client_addr = "127.0.0.1", .provider = "sim", .why = why,
	};

	*why = NULL;
	return order_create(db, &in, o, NULL);
}

/* Three lines of three kinds, paid in one payment: all granted, once. */
START_TEST(cart_three_kinds_paid_once)
{
	struct db *db = cart_db();
	const struct order_line_new lines[] = {
		{ .product_id = 1, .quantity = 1 },
		{ .product_id = 3, .quantity = 2 },
		{ .product_id = 4, .quantity = 1 },
	};
	struct pay_result r = result(PAY_PAID, NULL, "QKCART1", 270000);
	const char *why;
	struct order o;
	int changed;

	ck_assert_int_eq(cart(db, lines, 3, "254712345678", &o, &why), NY_OK);
	ck_assert_ptr_null(why);
	ck_assert_int_eq(o.amount_minor, 50000 + 2 * 100000 + 20000);
	/* orders keeps the first line for one-product readers. */
	ck_assert_int_eq(o.product_id, 1);
	ck_assert_int_eq(o.quantity, 1);
	ck_assert_int_eq(count(db, "SELECT count(*) FROM order_lines"), 3);
	ck_assert_int_eq(count(db, "SELECT sum(amount_minor) FROM order_lines"),
	    270000);
	ck_assert_int_eq(count(db, "SELECT amount_minor FROM payments"), 270000);
	ck_assert_int_eq(count(db, "SELECT seats FROM reservations"
	    " WHERE product_id = 3"), 2);
	ck_assert_int_eq(payment_settle(db, o.payment_id, NULL, &r, &changed),
	    NY_OK);
	ck_assert_int_eq(changed, 1);
	ck_assert_int_eq(count(db, "SELECT count(*) FROM entitlements"
	    " WHERE order_id = 1"), 3);
	ck_assert_int_eq(count(db, "SELECT count(*) FROM entitlements"
	    " WHERE product_id = 4 AND expires_at IS NOT NULL"), 1);
	ck_assert_int_eq(count(db, "SELECT count(*) FROM tickets"
	    " WHERE product_id = 3"), 2);
	ck_assert_int_eq(count(db, "SELECT count(*) FROM reservations"), 0);
	/* One receipt naming every line. */
	ck_assert_int_eq(count(db, "SELECT count(*) FROM messages WHERE"
	    " kind = 'receipt' AND body LIKE '%A song%' AND body LIKE '%Gig%'"
	    " AND body LIKE '%Club%'"), 1);
	/* The seats are sold, not reserved twice. */
	{
		int64_t left;

		ck_assert_int_eq(order_seats_left(db, 3, &left), NY_OK);
		ck_assert_int_eq(left, 1);
	}
	/* Again: nothing more. */
	ck_assert_int_eq(payment_settle(db, o.payment_id, NULL, &r, &changed),
	    NY_OK);
	ck_assert_int_eq(changed, 0);
	ck_assert_int_eq(count(db, "SELECT count(*) FROM entitlements"), 3);
	ck_assert_int_eq(count(db, "SELECT count(*) FROM tickets"), 2);
	ck_assert_int_eq(count(db, "SELECT count(*) FROM messages"), 1);
	db_close(db);
}
END_TEST

/* One ticket line short of seats: refused, nothing reserved or made. */
START_TEST(cart_short_of_seats)
{
	struct db *db = cart_db();
	const struct order_line_new lines[] = {
		{ .product_id = 9, .quantity = 1 },	/* reserved first… */
		{ .product_id = 1, .quantity = 1 },
		{ .product_id = 3, .quantity = 2 },	/* …then short */
	};
	struct pay_result r;
	const char *why;
	struct order o, a;
	int64_t left;

	ck_assert_int_eq(buy(db, 3, "254700000001", 2, NULL, &a), NY_OK);
	ck_assert_int_eq(cart(db, lines, 3, "254712345678", &o, &why),
	    NY_ESTATE);
	ck_assert_str_eq(why, "co.err.soldout");
	ck_assert_int_eq(count(db, "SELECT count(*) FROM orders"), 1);
	ck_assert_int_eq(count(db, "SELECT count(*) FROM order_lines"), 1);
	ck_assert_int_eq(count(db, "SELECT count(*) FROM payments"), 1);
	ck_assert_int_eq(count(db, "SELECT count(*) FROM reservations"), 1);
	ck_assert_int_eq(count(db, "SELECT count(*) FROM reservations"
	    " WHERE product_id = 9"), 0);
	ck_assert_int_eq(order_seats_left(db, 9, &left), NY_OK);
	ck_assert_int_eq(left, 2);
	/* With the seats there, the same cart goes through. */
	r = result(PAY_FAILED, PAY_REASON_CANCELLED, NULL, -1);
	ck_assert_int_eq(payment_settle(db, a.payment_id, NULL, &r, NULL),
	    NY_OK);
	ck_assert_int_eq(cart(db, lines, 3, "254712345678", &o, &why), NY_OK);
	ck_assert_int_eq(count(db, "SELECT count(*) FROM reservations"
	    " WHERE order_id = 2"), 2);
	db_close(db);
}
END_TEST

/* A late payment gives a cart's goods only if every ticket line has seats. */
START_TEST(cart_late_payment_every_line)
{
	struct db *db = cart_db();
	const struct order_line_new lines[] = {
		{ .product_id = 3, .quantity = 1 },	/* seats stay */
		{ .product_id = 9, .quantity = 1 },	/* seats go */
	};
	struct pay_result exp = result(PAY_EXPIRED, NULL, NULL, -1);
	struct pay_result late = result(PAY_PAID, NULL, "QKLATE2", 150000);
	const char *why;
	struct order o, b;

	ck_assert_int_eq(cart(db, lines, 2, "254712345678", &o, &why), NY_OK);
	ck_assert_int_eq(payment_settle(db, o.payment_id, NULL, &exp, NULL),
	    NY_OK);
	ck_assert_int_eq(count(db, "SELECT count(*) FROM reservations"), 0);
	ck_assert_int_eq(buy(db, 9, "254700000009", 2, NULL, &b), NY_OK);
	ck_assert_int_eq(payment_settle(db, o.payment_id, NULL, &late, NULL),
	    NY_OK);
	ck_assert_int_eq(order_by_id(db, o.id, &o), NY_OK);
	ck_assert_int_eq(o.status, ORDER_EXPIRED);
	ck_assert_str_eq(o.failure, "late_refund");
	ck_assert_int_eq(count(db, "SELECT count(*) FROM entitlements"), 0);
	ck_assert_int_eq(count(db, "SELECT count(*) FROM tickets"), 0);
	db_close(db);
}
END_TEST

/* Carts refused before anything is written, each with its reason. */
START_TEST(cart_refusals)
{
	struct db *db = cart_db();
	struct order_line_new many[ORDER_MAX_LINES + 1];
	const struct order_line_new mixed[] = {
		{ .product_id = 1, .quantity = 1 },
		{ .product_id = 7, .quantity = 1 },
	};
	const struct order_line_new twice[] = {
		{ .product_id = 1, .quantity = 1 },
		{ .product_id = 1, .quantity = 1 },
	};
	const struct order_line_new qty[] = {
		{ .product_id = 6, .quantity = 1 },
		{ .product_id = 1, .quantity = 2 },
	};
	const struct order_line_new gone[] = {
		{ .product_id = 1, .quantity = 1 },
		{ .product_id = 2, .quantity = 1 },	/* a draft */
	};
	const char *why;
	struct order o;
	int i;

	ck_assert_int_eq(cart(db, mixed, 2, "254712345678", &o, &why),
	    NY_EINVAL);
	ck_assert_str_eq(why, "cart.err.currency");
	ck_assert_int_eq(cart(db, twice, 2, "254712345678", &o, &why),
	    NY_EINVAL);
	ck_assert_str_eq(why, "cart.err.lines");
	ck_assert_int_eq(cart(db, qty, 2, "254712345678", &o, &why),
	    NY_EINVAL);
	ck_assert_str_eq(why, "co.err.quantity");
	ck_assert_int_eq(cart(db, gone, 2, "254712345678", &o, &why),
	    NY_ENOTFOUND);
	for (i = 0; i <= ORDER_MAX_LINES; i++)
		many[i] = (struct order_line_new){ .product_id = 100 + i,
		    .quantity = 1 };
	ck_assert_int_eq(cart(db, many, ORDER_MAX_LINES + 1, "254712345678",
	    &o, &why), NY_EINVAL);
	ck_assert_str_eq(why, "cart.err.lines");
	ck_assert_int_eq(cart(db, many, -1, "254712345678", &o, &why),
	    NY_EINVAL);
	ck_assert_str_eq(why, "cart.err.lines");
	ck_assert_int_eq(count(db, "SELECT count(*) FROM orders"), 0);
	ck_assert_int_eq(count(db, "SELECT count(*) FROM customers"), 0);
	db_close(db);
}
END_TEST

/* Pay what you want: at least the minimum; typed, else suggested. */
START_TEST(cart_pay_what_you_want)
{
	struct db *db = cart_db();
	struct order_line_new l[] = {
		{ .product_id = 8, .quantity = 1, .has_amount = 1,
		  .amount_minor = 9999 },
		{ .product_id = 6, .quantity = 1 },
	};
	const char *why;
	struct order o;

	ck_assert_int_eq(cart(db, l, 2, "254712345678", &o, &why), NY_EINVAL);
	ck_assert_str_eq(why, "co.err.amount");
	l[0].amount_minor = PRODUCT_PRICE_MAX + 1;
	ck_assert_int_eq(cart(db, l, 2, "254712345678", &o, &why), NY_EINVAL);
	ck_assert_str_eq(why, "co.err.amount");
	ck_assert_int_eq(count(db, "SELECT count(*) FROM orders"), 0);
	l[0].amount_minor = 40000;
	ck_assert_int_eq(cart(db, l, 2, "254712345678", &o, &why), NY_OK);
	ck_assert_int_eq(o.amount_minor, 40000 + 30000);
	ck_assert_int_eq(count(db, "SELECT unit_minor FROM order_lines"
	    " WHERE product_id = 8"), 40000);
	/* Not typed: the suggested amount. An amount on a fixed price is
	 * ignored (the product's price holds). */
	l[0].has_amount = 0;
	l[1].has_amount = 1;
	l[1].amount_minor = 1;
	ck_assert_int_eq(cart(db, l, 2, "254700000002", &o, &why), NY_OK);
	ck_assert_int_eq(o.amount_minor, 25000 + 30000);
	db_close(db);
}
END_TEST

/* Two creators in one cart: each sees only their lines and share. */
START_TEST(cart_two_creators_share)
{
	struct db *db = cart_db();
	const struct order_line_new lines[] = {
		{ .product_id = 6, .quantity = 1 },	/* baraka 300.00 */
		{ .product_id = 1, .quantity = 1 },	/* amani 500.00 */
		{ .product_id = 4, .quantity = 1 },	/* amani 200.00 */
	};
	struct pay_result r = result(PAY_PAID, NULL, "QKCART2", 100000);
	struct order_find f1 = { .creator_id = 1 }, f2 = { .creator_id = 2 };
	struct order_find fp = { .creator_id = 1, .product_id = 4 };
	struct order_find fx = { .creator_id = 2, .product_id = 4 };
	struct order_detail d;
	struct customer_row *cr;
	struct order *v;
	struct stats s;
	const char *why;
	struct order o;
	int n;

	ck_assert_int_eq(cart(db, lines, 3, "254712345678", &o, &why), NY_OK);
	ck_assert_int_eq(payment_settle(db, o.payment_id, NULL, &r, NULL),
	    NY_OK);
	ck_assert_int_eq(order_list_find(db, &f1, 10, &v, &n), NY_OK);
	ck_assert_int_eq(n, 1);
	ck_assert_int_eq(v[0].amount_minor, 70000);
	ck_assert_str_eq(v[0].product_title, "A song +1");
	free(v);
	ck_assert_int_eq(order_list_find(db, &f2, 10, &v, &n), NY_OK);
	ck_assert_int_eq(n, 1);
	ck_assert_int_eq(v[0].amount_minor, 30000);
	ck_assert_str_eq(v[0].product_title, "Beat");
	free(v);
	/* A product filter finds the order by any of the creator's lines. */
	ck_assert_int_eq(order_list_find(db, &fp, 10, &v, &n), NY_OK);
	ck_assert_int_eq(n, 1);
	ck_assert_int_eq(v[0].amount_minor, 70000);
	free(v);
	ck_assert_int_eq(order_list_find(db, &fx, 10, &v, &n), NY_OK);
	ck_assert_int_eq(n, 0);
	free(v);
	ck_assert_int_eq(stats_get(db, 1, ny_now(), &s), NY_OK);
	ck_assert_int_eq(s.cur[0].today.sales, 1);
	ck_assert_int_eq(s.cur[0].today.revenue, 70000);
	ck_assert_int_eq(stats_get(db, 2, ny_now(), &s), NY_OK);
	ck_assert_int_eq(s.cur[0].today.sales, 1);
	ck_assert_int_eq(s.cur[0].today.revenue, 30000);
	ck_assert_int_eq(stats_get(db, 0, ny_now(), &s), NY_OK);
	ck_assert_int_eq(s.cur[0].today.revenue, 100000);
	/* The detail: baraka sees their line and share only. */
	ck_assert_int_eq(order_detail_get(db, 2, o.ref, 0, &d), NY_OK);
	ck_assert_int_eq(d.nlines, 1);
	ck_assert_int_eq(d.nlines_all, 3);
	ck_assert_int_eq(d.share_minor, 30000);
	ck_assert_str_eq(d.lines[0].title, "Beat");
	ck_assert_int_eq(order_detail_get(db, 0, o.ref, 0, &d), NY_OK);
	ck_assert_int_eq(d.nlines, 3);
	ck_assert_int_eq(d.share_minor, 100000);
	ck_assert_int_eq(order_detail_get(db, 3, o.ref, 0, &d), NY_ENOTFOUND);
	/* Customers: spent is the share too. */
	ck_assert_int_eq(customer_list(db, 2, NULL, 10, &cr, &n), NY_OK);
	ck_assert_int_eq(n, 1);
	ck_assert_int_eq(cr[0].total[0].minor, 30000);
	free(cr);
	db_close(db);
}
END_TEST

START_TEST(status_table)
{
	static const int ok[5][5] = {
		/* to: pending paid failed expired refunded */
		[ORDER_PENDING] = { 0, 1, 1, 1, 0 },
		[ORDER_PAID] = { 0, 0, 0, 0, 1 },
		[ORDER_FAILED] = { 0, 0, 0, 0, 0 },
		[ORDER_EXPIRED] = { 0, 1, 0, 0, 0 },
		[ORDER_REFUNDED] = { 0, 0, 0, 0, 0 },
	};
	enum order_status s;
	int a, b;

	for (a = 0; a < 5; a++) {
		for (b = 0; b < 5; b++)
			ck_assert_int_eq(order_transition_ok(a, b), ok[a][b]);
		ck_assert_int_eq(order_status_parse(order_status_name(a), &s),
		    NY_OK);
		ck_assert_int_eq((int)s, a);
		ck_assert_int_eq(order_status_final(a), a != ORDER_PENDING);
	}
	ck_assert_int_eq(order_status_parse("bogus", &s), NY_EINVAL);
	ck_assert_int_eq(order_transition_ok(ORDER_PAID, ORDER_PENDING), 0);
}
END_TEST

START_TEST(create_and_idempotency)
{
	struct db *db = open_db(NULL);
	struct order o, o2;
	struct order_new in = {
		.product_id = 1, .phone = "254712345678", .quantity = 1,
		.locale = "sw", .idem_key = "k1", .provider = "sim",
	};
	int created;

	ck_assert_int_eq(order_create(db, &in, &o, &created), NY_OK);
	ck_assert_int_eq(created, 1);
	ck_assert_int_eq(o.status, ORDER_PENDING);
	ck_assert_int_eq(o.amount_minor, 50000);
	ck_assert_str_eq(o.currency, "KES");
	ck_assert_str_eq(o.locale, "sw");
	ck_assert_str_eq(o.payment_status, "new");
	ck_assert_str_eq(o.product_title, "A song");
	ck_assert_int_ge(strlen(o.ref), 22);
	ck_assert_int_eq(o.expires_at - o.created_at, ORDER_TIMEOUT_S);
	ck_assert_int_eq(count(db, "SELECT count(*) FROM events WHERE kind = 'order'"), 1);
	/* Double submit: same order, nothing written. */
	ck_assert_int_eq(order_create(db, &in, &o2, &created), NY_OK);
	ck_assert_int_eq(created, 0);
	ck_assert_int_eq(o2.id, o.id);
	ck_assert_str_eq(o2.ref, o.ref);
	ck_assert_int_eq(count(db, "SELECT count(*) FROM orders"), 1);
	ck_assert_int_eq(order_by_ref(db, o.ref, &o2), NY_OK);
	ck_assert_int_eq(o2.id, o.id);
	ck_assert_int_eq(order_by_ref(db, "nope", &o2), NY_ENOTFOUND);
	/* Refused input. */
	ck_assert_int_eq(buy(db, 2, "254712345678", 1, NULL, &o2), NY_ENOTFOUND);
	ck_assert_int_eq(buy(db, 99, "254712345678", 1, NULL, &o2), NY_ENOTFOUND);
	ck_assert_int_eq(buy(db, 1, "254712345678", 2, NULL, &o2), NY_EINVAL);
	ck_assert_int_eq(buy(db, 3, "254712345678", 11, NULL, &o2), NY_EINVAL);
	ck_assert_int_eq(buy(db, 1, "12", 1, NULL, &o2), NY_EINVAL);
	db_close(db);
}
END_TEST

START_TEST(idem_key_moves_after_final)
{
	struct db *db = open_db(NULL);
	struct order o, o2;
	struct pay_result r = result(PAY_FAILED, PAY_REASON_CANCELLED, NULL, -1);

	ny_clock_set(1800000000);
	ck_assert_int_eq(buy(db, 1, "254712345678", 1, "k", &o), NY_OK);
	ck_assert_int_eq(payment_settle(db, o.payment_id, NULL, &r, NULL), NY_OK);
	/* Still young: the same (failed) order answers. */
	ck_assert_int_eq(buy(db, 1, "254712345678", 1, "k", &o2), NY_OK);
	ck_assert_int_eq(o2.id, o.id);
	ny_clock_set(1800000000 + 61);
	ck_assert_int_eq(buy(db, 1, "254712345678", 1, "k", &o2), NY_OK);
	ck_assert_int_ne(o2.id, o.id);
	ck_assert_int_eq(o2.status, ORDER_PENDING);
	ny_clock_set(0);
	db_close(db);
}
END_TEST

START_TEST(pending_limit_per_phone)
{
	struct db *db = open_db(NULL);
	struct order o[4];
	struct pay_result r = result(PAY_FAILED, PAY_REASON_CANCELLED, NULL, -1);
	int i;

	for (i = 0; i < ORDER_MAX_PENDING; i++)
		ck_assert_int_eq(buy(db, 1, "254712345678", 1, NULL, &o[i]), NY_OK);
	ck_assert_int_eq(buy(db, 1, "254712345678", 1, NULL, &o[3]), NY_ELIMIT);
	ck_assert_int_eq(buy(db, 1, "254700000001", 1, NULL, &o[3]), NY_OK);
	/* One ends: room for one more. */
	ck_assert_int_eq(payment_settle(db, o[0].payment_id, NULL, &r, NULL), NY_OK);
	ck_assert_int_eq(buy(db, 1, "254712345678", 1, NULL, &o[3]), NY_OK);
	db_close(db);
}
END_TEST

/* An order from a given address and browser (the buyer cookie). */
static int
buy_from(struct db *db, int64_t product, const char *phone, const char *addr,
    const char *browser, struct order *o)
{
	struct order_new in = {
		.product_id = product, .phone = phone, .quantity = 1,
		.locale = "en", .client_addr = addr, .browser = browser,
		.provider = "sim",
	};

	return order_create(db, &in, o, NULL);
}

/*
 * A stranger's checkouts for someone else's phone use up only their own
 * (phone, browser) and (phone, address) allowance; the hourly cap per
 * phone never refuses a browser that has paid for that phone before.
 */
START_TEST(stranger_cannot_block_owner)
{
	struct db *db = open_db(NULL);
	struct pay_result paid = result(PAY_PAID, NULL, "QK1", 50000);
	struct order o, mine;
	char addr[32], br[48];
	int i;

	for (i = 0; i < ORDER_MAX_PENDING; i++)
		ck_assert_int_eq(buy_from(db, 1, "254712345678", "10.6.6.6",
		    "stranger-browser", &o), NY_OK);
	ck_assert_int_eq(buy_from(db, 1, "254712345678", "10.6.6.6",
	    "stranger-browser", &o), NY_ELIMIT);
	/* Same address, another browser: the address is full too. */
	ck_assert_int_eq(buy_from(db, 1, "254712345678", "10.6.6.6",
	    "other-browser", &o), NY_ELIMIT);
	/* The owner, elsewhere: fine; and pays. */
	ck_assert_int_eq(buy_from(db, 1, "254712345678", "10.1.1.1",
	    "owner-browser", &mine), NY_OK);
	ck_assert_int_eq(payment_settle(db, mine.payment_id, NULL, &paid, NULL),
	    NY_OK);
	ck_assert_int_eq(order_browser_ok(db, mine.id, "owner-browser"), 1);
	ck_assert_int_eq(order_browser_ok(db, mine.id, "stranger-browser"), 0);
	ck_assert_int_eq(order_browser_ok(db, mine.id, NULL), 0);
	/* Strangers from many addresses fill the hourly cap... */
	for (i = 0; i < ORDER_PHONE_HOURLY; i++) {
		snprintf(addr, sizeof addr, "10.7.0.%d", i);
		snprintf(br, sizeof br, "b%d", i);
		buy_from(db, 1, "254712345678", addr, br, &o);
	}
	ck_assert_int_eq(buy_from(db, 1, "254712345678", "10.8.0.1", "late",
	    &o), NY_ELIMIT);
	/* ...which never refuses the browser that paid for this phone. */
	ck_assert_int_eq(buy_from(db, 1, "254712345678", "10.1.1.1",
	    "owner-browser", &o), NY_OK);
	db_close(db);
}
END_TEST

/* The code a free order sent to the phone (from the queued message). */
static void
sent_code(struct db *db, int64_t order_id, char code[8])
{
	sqlite3_stmt *st = db_stmt(db, "SELECT body FROM messages"
	    " WHERE kind = 'confirm_code' AND order_id = ?");
	const char *body, *d;

	ck_assert_ptr_nonnull(st);
	sqlite3_bind_int64(st, 1, order_id);
	ck_assert_int_eq(sqlite3_step(st), SQLITE_ROW);
	body = (const char *)sqlite3_column_text(st, 0);
	d = strpbrk(body, "0123456789");
	ck_assert_ptr_nonnull(d);
	memcpy(code, d, 6);
	code[6] = '\0';
	sqlite3_reset(st);
}

/* A free order waits for the code sent to the phone; tries are bounded. */
START_TEST(free_order_needs_the_phone_code)
{
	struct db *db = open_db(NULL);
	struct order o, o2;
	char code[8], wrong[8];
	int i;

	ck_assert_int_eq(buy_from(db, 5, "254712345678", "10.0.0.1", "br1", &o),
	    NY_OK);
	ck_assert_int_eq(o.status, ORDER_PENDING);
	ck_assert_int_eq(o.amount_minor, 0);
	/* Not pushed: the payment is due only when the order expires. */
	ck_assert_int_eq(count(db, "SELECT y.next_attempt_at = o.expires_at"
	    " FROM payments y JOIN orders o ON o.id = y.order_id"
	    " WHERE o.amount_minor = 0"), 1);
	sent_code(db, o.id, code);
	snprintf(wrong, sizeof wrong, "%06d", ((int)strtol(code, NULL, 10) + 1) % 1000000);
	ck_assert_int_eq(order_confirm(db, o.id, "12345"), NY_EDENIED);
	ck_assert_int_eq(order_confirm(db, o.id, wrong), NY_EDENIED);
	ck_assert_int_eq(order_confirm(db, o.id, code), NY_OK);
	/* Another order: ORDER_CONFIRM_TRIES wrong codes, then no more. */
	ck_assert_int_eq(buy_from(db, 5, "254700000009", "10.0.0.1", "br1",
	    &o2), NY_OK);
	sent_code(db, o2.id, code);
	snprintf(wrong, sizeof wrong, "%06d", ((int)strtol(code, NULL, 10) + 1) % 1000000);
	for (i = 0; i < ORDER_CONFIRM_TRIES - 1; i++)
		ck_assert_int_eq(order_confirm(db, o2.id, wrong), NY_EDENIED);
	ck_assert_int_eq(order_confirm(db, o2.id, wrong), NY_ELIMIT);
	ck_assert_int_eq(order_confirm(db, o2.id, code), NY_ELIMIT);
	/* A paid product has no code. */
	ck_assert_int_eq(buy_from(db, 1, "254700000009", "10.0.0.1", "br1",
	    &o2), NY_OK);
	ck_assert_int_eq(order_confirm(db, o2.id, "123456"), NY_ESTATE);
	db_close(db);
}
END_TEST

START_TEST(paid_grants_once)
{
	struct db *db = open_db(NULL);
	struct order o;
	struct payment p;
	struct pay_result r = result(PAY_PAID, NULL, "QK12ABC", 50000);
	int changed;

	ck_assert_int_eq(buy(db, 1, "254712345678", 1, NULL, &o), NY_OK);
	ck_assert_int_eq(payment_mark_pushed(db, o.payment_id, "ws_CO_1", 0), NY_OK);
	ck_assert_int_eq(payment_mark_pushed(db, o.payment_id, "ws_CO_1", 0), NY_ESTATE);
	ck_assert_int_eq(payment_settle(db, 0, "ws_CO_1", &r, &changed), NY_OK);
	ck_assert_int_eq(changed, 1);
	ck_assert_int_eq(order_by_id(db, o.id, &o), NY_OK);
	ck_assert_int_eq(o.status, ORDER_PAID);
	ck_assert_int_gt(o.paid_at, 0);
	ck_assert_str_eq(o.payment_status, "paid");
	ck_assert_int_eq(payment_get(db, o.payment_id, &p), NY_OK);
	ck_assert_str_eq(p.receipt, "QK12ABC");
	ck_assert_int_eq(count(db, "SELECT count(*) FROM entitlements"), 1);
	ck_assert_int_eq(count(db, "SELECT count(*) FROM library_keys"), 1);
	ck_assert_int_eq(count(db, "SELECT count(*) FROM messages WHERE"
	    " kind = 'receipt' AND locale = 'sw'"), 1);
	ck_assert_int_eq(count(db, "SELECT count(*) FROM payments WHERE"
	    " raw_callback = '{\"raw\":1}'"), 1);
	/* The same result three more times, and a late failure: nothing. */
	ck_assert_int_eq(payment_settle(db, 0, "ws_CO_1", &r, &changed), NY_OK);
	ck_assert_int_eq(changed, 0);
	ck_assert_int_eq(payment_settle(db, o.payment_id, NULL, &r, &changed), NY_OK);
	ck_assert_int_eq(changed, 0);
	r = result(PAY_FAILED, PAY_REASON_CANCELLED, NULL, -1);
	ck_assert_int_eq(payment_settle(db, o.payment_id, NULL, &r, &changed), NY_OK);
	ck_assert_int_eq(changed, 0);
	r = result(PAY_EXPIRED, NULL, NULL, -1);
	ck_assert_int_eq(payment_settle(db, o.payment_id, NULL, &r, &changed), NY_OK);
	ck_assert_int_eq(changed, 0);
	ck_assert_int_eq(order_by_id(db, o.id, &o), NY_OK);
	ck_assert_int_eq(o.status, ORDER_PAID);
	ck_assert_int_eq(count(db, "SELECT count(*) FROM entitlements"), 1);
	ck_assert_int_eq(count(db, "SELECT count(*) FROM messages"), 1);
	ck_assert_int_eq(payment_settle(db, 0, "unknown", &r, NULL), NY_ENOTFOUND);
	/* paid → refunded is refund.c's (test-refund.c). */
	db_close(db);
}
END_TEST

START_TEST(failed_and_amount_mismatch)
{
	struct db *db = open_db(NULL);
	struct order o;
	struct pay_result r = result(PAY_FAILED, PAY_REASON_WRONG_PIN, NULL, -1);
	int changed;

	ck_assert_int_eq(buy(db, 1, "254712345678", 1, NULL, &o), NY_OK);
	ck_assert_int_eq(payment_settle(db, o.payment_id, NULL, &r, &changed), NY_OK);
	ck_assert_int_eq(changed, 1);
	ck_assert_int_eq(order_by_id(db, o.id, &o), NY_OK);
	ck_assert_int_eq(o.status, ORDER_FAILED);
	ck_assert_str_eq(o.failure, "wrong_pin");
	/* A paid result after failing changes nothing (no receipt-less late
	 * success resurrects a failed order). */
	r = result(PAY_PAID, NULL, "QK99", 50000);
	ck_assert_int_eq(payment_settle(db, o.payment_id, NULL, &r, &changed), NY_OK);
	ck_assert_int_eq(changed, 0);

	ck_assert_int_eq(buy(db, 1, "254712345678", 1, NULL, &o), NY_OK);
	r = result(PAY_PAID, NULL, "QK13", 100);
	ck_assert_int_eq(payment_settle(db, o.payment_id, NULL, &r, &changed), NY_OK);
	ck_assert_int_eq(order_by_id(db, o.id, &o), NY_OK);
	ck_assert_int_eq(o.status, ORDER_FAILED);
	ck_assert_str_eq(o.failure, "amount_mismatch");
	ck_assert_int_eq(count(db, "SELECT count(*) FROM entitlements"), 0);
	db_close(db);
}
END_TEST

START_TEST(expiry_and_late_payment)
{
	struct db *db = open_db(NULL);
	struct order o;
	struct pay_result r = result(PAY_EXPIRED, NULL, NULL, -1);
	int changed;

	ck_assert_int_eq(buy(db, 1, "254712345678", 1, NULL, &o), NY_OK);
	ck_assert_int_eq(payment_settle(db, o.payment_id, NULL, &r, &changed), NY_OK);
	ck_assert_int_eq(order_by_id(db, o.id, &o), NY_OK);
	ck_assert_int_eq(o.status, ORDER_EXPIRED);
	ck_assert_str_eq(o.failure, "expired");
	ck_assert_str_eq(o.payment_status, "expired");
	/* A late success without a receipt does not count ... */
	r = result(PAY_PAID, NULL, NULL, 50000);
	ck_assert_int_eq(payment_settle(db, o.payment_id, NULL, &r, &changed), NY_OK);
	ck_assert_int_eq(changed, 0);
	/* ... one the provider confirmed with a receipt gives the goods. */
	r = result(PAY_PAID, NULL, "QKLATE", 50000);
	ck_assert_int_eq(payment_settle(db, o.payment_id, NULL, &r, &changed), NY_OK);
	ck_assert_int_eq(changed, 1);
	ck_assert_int_eq(order_by_id(db, o.id, &o), NY_OK);
	ck_assert_int_eq(o.status, ORDER_PAID);
	ck_assert_int_eq(count(db, "SELECT count(*) FROM entitlements"), 1);
	ck_assert_int_eq(payment_settle(db, o.payment_id, NULL, &r, &changed), NY_OK);
	ck_assert_int_eq(changed, 0);
	db_close(db);
}
END_TEST

START_TEST(seats_reserved_and_released)
{
	struct db *db = open_db(NULL);
	struct order a, b, c, d;
	struct pay_result fail = result(PAY_FAILED, PAY_REASON_CANCELLED, NULL, -1);
	struct pay_result paid = result(PAY_PAID, NULL, "QKT1", 200000);
	struct pay_result exp = result(PAY_EXPIRED, NULL, NULL, -1);
	struct pay_result late = result(PAY_PAID, NULL, "QKT2", 100000);
	int64_t left;

	ck_assert_int_eq(order_seats_left(db, 3, &left), NY_OK);
	ck_assert_int_eq(left, 3);
	ck_assert_int_eq(buy(db, 3, "254700000001", 2, NULL, &a), NY_OK);
	ck_assert_int_eq(a.amount_minor, 200000);
	ck_assert_int_eq(buy(db, 3, "254700000002", 1, NULL, &b), NY_OK);
	ck_assert_int_eq(order_seats_left(db, 3, &left), NY_OK);
	ck_assert_int_eq(left, 0);
	ck_assert_int_eq(buy(db, 3, "254700000003", 1, NULL, &c), NY_ESTATE);
	/* b fails: its seat comes back. */
	ck_assert_int_eq(payment_settle(db, b.payment_id, NULL, &fail, NULL), NY_OK);
	ck_assert_int_eq(order_seats_left(db, 3, &left), NY_OK);
	ck_assert_int_eq(left, 1);
	ck_assert_int_eq(buy(db, 3, "254700000003", 1, NULL, &c), NY_OK);
	/* a pays: two tickets, its reservation turns into sold seats. */
	ck_assert_int_eq(payment_settle(db, a.payment_id, NULL, &paid, NULL), NY_OK);
	ck_assert_int_eq(count(db, "SELECT count(*) FROM tickets"), 2);
	ck_assert_int_eq(count(db, "SELECT count(*) FROM reservations"), 1);
	/* c expires, d takes the seat, then c's late payment: no seat left,
	 * money recorded, order flagged for a refund, never oversold. */
	ck_assert_int_eq(payment_settle(db, c.payment_id, NULL, &exp, NULL), NY_OK);
	ck_assert_int_eq(buy(db, 3, "254700000004", 1, NULL, &d), NY_OK);
	ck_assert_int_eq(payment_settle(db, c.payment_id, NULL, &late, NULL), NY_OK);
	ck_assert_int_eq(order_by_id(db, c.id, &c), NY_OK);
	ck_assert_int_eq(c.status, ORDER_EXPIRED);
	ck_assert_str_eq(c.failure, "late_refund");
	ck_assert_str_eq(c.payment_status, "paid");
	ck_assert_int_eq(count(db, "SELECT count(*) FROM tickets"), 2);
	db_close(db);
}
END_TEST

START_TEST(lists_for_console)
{
	struct db *db = open_db(NULL);
	struct order o, *v;
	struct pay_result paid = result(PAY_PAID, NULL, "QKL", 50000);
	int n;

	ck_assert_int_eq(buy(db, 1, "254712345678", 1, NULL, &o), NY_OK);
	ck_assert_int_eq(payment_settle(db, o.payment_id, NULL, &paid, NULL), NY_OK);
	ck_assert_int_eq(buy(db, 4, "254712345678", 1, NULL, &o), NY_OK);
	struct order_find f = { .creator_id = 1 };

	ck_assert_int_eq(order_list_find(db, &f, 10, &v, &n), NY_OK);
	ck_assert_int_eq(n, 2);
	ck_assert_str_eq(v[0].product_title, "Club");
	ck_assert_ptr_null(strstr(v[0].phone_masked, "712345"));
	ck_assert_ptr_nonnull(strstr(v[0].phone_masked, "678"));
	free(v);
	f.status = "paid";
	ck_assert_int_eq(order_list_find(db, &f, 10, &v, &n), NY_OK);
	ck_assert_int_eq(n, 1);
	ck_assert_str_eq(v[0].product_title, "A song");
	free(v);
	f.status = "weird";
	ck_assert_int_eq(order_list_find(db, &f, 10, &v, &n), NY_EINVAL);
	f.status = NULL;
	f.creator_id = 2;
	ck_assert_int_eq(order_list_find(db, &f, 10, &v, &n), NY_OK);
	ck_assert_int_eq(n, 0);
	free(v);
	ck_assert_int_eq(order_list_pending_by_phone(db, "254712345678", 5, &v,
	    &n), NY_OK);
	ck_assert_int_eq(n, 1);
	free(v);
	db_close(db);
}
END_TEST

START_TEST(sim_provider)
{
	struct db *db = open_db(NULL);
	struct ny_config cfg;
	struct order o;
	struct payment p;
	struct pay_answer a;
	void *st;
	char ref[72], *cause = NULL;
	int changed;

	memset(&cfg, 0, sizeof cfg);
	cfg.sim_auto = (char *)"approve";
	cfg.sim_delay_ms = 0;
	ck_assert_ptr_eq(pay_find("sim"), &pay_sim);
	ck_assert_ptr_eq(pay_find("mpesa"), &pay_mpesa);
	ck_assert_ptr_null(pay_find("paypal"));
	ck_assert_int_eq(pay_sim.init(&cfg, &st, &cause), NY_OK);
	ck_assert_int_eq(buy(db, 1, "254712345678", 1, NULL, &o), NY_OK);
	/* Not pushed yet: the handset has nothing to answer. */
	ck_assert_int_eq(pay_sim_answer(db, o.ref, 1, &changed), NY_ESTATE);
	ck_assert_int_eq(payment_get(db, o.payment_id, &p), NY_OK);
	ck_assert_int_eq(pay_sim.push(st, &p, ref, sizeof ref, NULL, 0, &cause), NY_OK);
	ck_assert_int_eq(payment_mark_pushed(db, p.id, ref, 0), NY_OK);
	ck_assert_int_eq(payment_get(db, o.payment_id, &p), NY_OK);
	ck_assert_int_eq(pay_sim.query(st, &p, NULL, &a), NY_OK);
	ck_assert_int_eq(a.final, 1);
	ck_assert_int_eq(a.result.outcome, PAY_PAID);
	pay_answer_clear(&a);
	/* The handset declines instead. */
	ck_assert_int_eq(pay_sim_answer(db, o.ref, 0, &changed), NY_OK);
	ck_assert_int_eq(changed, 1);
	ck_assert_int_eq(order_by_id(db, o.id, &o), NY_OK);
	ck_assert_int_eq(o.status, ORDER_FAILED);
	ck_assert_str_eq(o.failure, "cancelled");
	ck_assert_int_eq(pay_sim_answer(db, o.ref, 1, &changed), NY_ESTATE);
	pay_sim.free(st);
	db_close(db);
}
END_TEST

START_TEST(mpesa_helpers)
{
	static const char ok[] = "{\"Body\":{\"stkCallback\":{"
	    "\"MerchantRequestID\":\"29115-34620561-1\","
	    "\"CheckoutRequestID\":\"ws_CO_191220191020363925\","
	    "\"ResultCode\":0,\"ResultDesc\":\"The service request is processed"
	    " successfully.\",\"CallbackMetadata\":{\"Item\":["
	    "{\"Name\":\"Amount\",\"Value\":500},"
	    "{\"Name\":\"MpesaReceiptNumber\",\"Value\":\"NLJ7RT61SV\"},"
	    "{\"Name\":\"Balance\"},"
	    "{\"Name\":\"TransactionDate\",\"Value\":20191219102115},"
	    "{\"Name\":\"PhoneNumber\",\"Value\":254708374149}]}}}}";
	static const char cancel[] = "{\"Body\":{\"stkCallback\":{"
	    "\"MerchantRequestID\":\"1\",\"CheckoutRequestID\":\"ws_CO_2\","
	    "\"ResultCode\":1032,\"ResultDesc\":\"Request cancelled by user\"}}}";
	struct pay_answer a;
	char ts[16], *pw;

	pay_mpesa_timestamp(1455630987, ts, sizeof ts);	/* 13:56:27 UTC */
	ck_assert_str_eq(ts, "20160216165627");
	pw = pay_mpesa_password("174379", "bfb279f9aa9bdbcf158e97dd71a467cd2e0c"
	    "893059b10f78e6b72ada1ed2c919", "20160216165627");
	ck_assert_str_eq(pw, "MTc0Mzc5YmZiMjc5ZjlhYTliZGJjZjE1OGU5N2RkNzFhNDY3Y2"
	    "QyZTBjODkzMDU5YjEwZjc4ZTZiNzJhZGExZWQyYzkxOTIwMTYwMjE2MTY1NjI3");
	free(pw);
	ck_assert_int_eq(pay_mpesa_parse_callback(ok, strlen(ok), &a), NY_OK);
	ck_assert_str_eq(a.provider_ref, "ws_CO_191220191020363925");
	ck_assert_int_eq(a.result.outcome, PAY_PAID);
	ck_assert_str_eq(a.result.receipt, "NLJ7RT61SV");
	ck_assert_int_eq(a.result.amount_minor, 50000);
	pay_answer_clear(&a);
	ck_assert_int_eq(pay_mpesa_parse_callback(cancel, strlen(cancel), &a), NY_OK);
	ck_assert_int_eq(a.result.outcome, PAY_FAILED);
	ck_assert_str_eq(a.result.reason, "cancelled");
	pay_answer_clear(&a);
	ck_assert_int_eq(pay_mpesa_parse_callback("{", 1, &a), NY_EINVAL);
	ck_assert_int_eq(pay_mpesa_parse_callback("{\"Body\":{}}", 11, &a), NY_EINVAL);
	ck_assert_str_eq(payment_reason_for_code(1), "insufficient_funds");
	ck_assert_str_eq(payment_reason_for_code(1037), "unreachable");
	ck_assert_str_eq(payment_reason_for_code(2001), "wrong_pin");
	ck_assert_str_eq(payment_reason_for_code(1001), "busy");
	ck_assert_str_eq(payment_reason_for_code(1019), "expired");
	ck_assert_str_eq(payment_reason_for_code(9999), "failed");
	ck_assert_ptr_null(payment_reason_for_code(0));
}
END_TEST

START_TEST(worker_queue)
{
	struct db *db = open_db(NULL);
	struct order o[4];
	struct payment *v;
	struct pay_result exp = result(PAY_EXPIRED, NULL, NULL, -1);
	int i, n, n0, n1;
	char *raw;

	ck_assert_int_eq(buy(db, 1, "254700000001", 1, NULL, &o[0]), NY_OK);
	ck_assert_int_eq(buy(db, 1, "254700000002", 1, NULL, &o[1]), NY_OK);
	ck_assert_int_eq(buy(db, 4, "254700000003", 1, NULL, &o[2]), NY_OK);
	ck_assert_int_eq(buy(db, 4, "254700000004", 1, NULL, &o[3]), NY_OK);
	ck_assert_int_eq(payment_due(db, ny_now(), 1, 0, 10, &v, &n), NY_OK);
	ck_assert_int_eq(n, 4);
	ck_assert_str_eq(v[0].status, "new");
	ck_assert_str_eq(v[0].order_ref, o[0].ref);
	free(v);
	/* Two workers split the queue with no overlap. */
	ck_assert_int_eq(payment_due(db, ny_now(), 2, 0, 10, &v, &n0), NY_OK);
	for (i = 0; i < n0; i++)
		ck_assert_int_eq(v[i].id % 2, 0);
	free(v);
	ck_assert_int_eq(payment_due(db, ny_now(), 2, 1, 10, &v, &n1), NY_OK);
	for (i = 0; i < n1; i++)
		ck_assert_int_eq(v[i].id % 2, 1);
	free(v);
	ck_assert_int_eq(n0 + n1, 4);
	/* Postponed: not due; woken: due again. */
	ck_assert_int_eq(payment_postpone(db, o[0].payment_id, ny_now() + 100, 1,
	    "later"), NY_OK);
	ck_assert_int_eq(payment_due(db, ny_now(), 1, 0, 10, &v, &n), NY_OK);
	ck_assert_int_eq(n, 3);
	free(v);
	ck_assert_int_eq(payment_wake_all(db), NY_OK);
	ck_assert_int_eq(payment_due(db, ny_now(), 1, 0, 10, &v, &n), NY_OK);
	ck_assert_int_eq(n, 4);
	free(v);
	/* A final payment leaves the queue; a late callback brings an
	 * expired one back once, for confirmation. */
	ck_assert_int_eq(payment_settle(db, o[1].payment_id, NULL, &exp, NULL), NY_OK);
	ck_assert_int_eq(payment_due(db, ny_now(), 1, 0, 10, &v, &n), NY_OK);
	ck_assert_int_eq(n, 3);
	free(v);
	ck_assert_int_eq(payment_keep_raw(db, o[1].payment_id, "{\"late\":1}"), NY_OK);
	ck_assert_int_eq(payment_due(db, ny_now(), 1, 0, 10, &v, &n), NY_OK);
	ck_assert_int_eq(n, 4);
	ck_assert_str_eq(v[3].status, "expired");
	free(v);
	ck_assert_int_eq(payment_raw(db, o[1].payment_id, &raw), NY_OK);
	ck_assert_str_eq(raw, "{\"late\":1}");
	free(raw);
	ck_assert_int_eq(payment_postpone(db, o[1].payment_id, -1, 0, NULL), NY_OK);
	ck_assert_int_eq(payment_due(db, ny_now(), 1, 0, 10, &v, &n), NY_OK);
	ck_assert_int_eq(n, 3);
	free(v);
	db_close(db);
}
END_TEST

START_TEST(form_check)
{
	char phone[16];
	const char *err;
	int qty;

	ck_assert_int_eq(order_form_check("0712 345 678", NULL, "download",
	    phone, sizeof phone, &qty, &err), NY_OK);
	ck_assert_str_eq(phone, "254712345678");
	ck_assert_int_eq(qty, 1);
	ck_assert_int_eq(order_form_check("+254712345678", "3", "ticket",
	    phone, sizeof phone, &qty, &err), NY_OK);
	ck_assert_int_eq(qty, 3);
	ck_assert_int_eq(order_form_check("0712345678", "2", "download",
	    phone, sizeof phone, &qty, &err), NY_EINVAL);
	ck_assert_str_eq(err, "co.err.quantity");
	ck_assert_int_eq(order_form_check("0712345678", "11", "ticket",
	    phone, sizeof phone, &qty, &err), NY_EINVAL);
	ck_assert_int_eq(order_form_check("0712345678", "0x1", "ticket",
	    phone, sizeof phone, &qty, &err), NY_EINVAL);
	ck_assert_int_eq(order_form_check("", "1", "ticket",
	    phone, sizeof phone, &qty, &err), NY_EINVAL);
	ck_assert_str_eq(err, "phone.err.empty");
	ck_assert_int_eq(order_form_check("07123", "1", "ticket",
	    phone, sizeof phone, &qty, &err), NY_EINVAL);
	ck_assert_str_eq(err, "phone.err.length");
	ck_assert_int_eq(order_form_check(NULL, NULL, NULL,
	    phone, sizeof phone, &qty, &err), NY_EINVAL);
}
END_TEST

/* 20 processes, each with its own connection, race for 3 seats. */
START_TEST(no_oversell_20_buyers)
{
	char *path;
	struct db *db = open_db(&path);
	pid_t pids[20];
	int i, status, won = 0;

	db_close(db);
	for (i = 0; i < 20; i++) {
		if ((pids[i] = fork()) == 0) {
			struct db *mine;
			struct order o;
			char *cause = NULL, phone[16];
			int rc;

			if (db_open(path, &mine, &cause) != NY_OK)
				_exit(3);
			snprintf(phone, sizeof phone, "2547000001%02d", i);
			rc = buy(mine, 3, phone, 1, NULL, &o);
			db_close(mine);
			_exit(rc == NY_OK ? 0 : rc == NY_ESTATE ? 1 : 2);
		}
	}
	for (i = 0; i < 20; i++) {
		ck_assert_int_eq(waitpid(pids[i], &status, 0), pids[i]);
		ck_assert(WIFEXITED(status));
		ck_assert_int_le(WEXITSTATUS(status), 1);
		won += WEXITSTATUS(status) == 0;
	}
	ck_assert_int_eq(won, 3);
	{
		char *cause = NULL;

		ck_assert_int_eq(db_open(path, &db, &cause), NY_OK);
		ck_assert_int_eq(count(db, "SELECT sum(seats) FROM reservations"), 3);
		db_close(db);
	}
	free(path);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("order");
	TCase *tc = tcase_create("core");

	tcase_add_unchecked_fixture(tc, setup, NULL);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, status_table);
	tcase_add_test(tc, create_and_idempotency);
	tcase_add_test(tc, idem_key_moves_after_final);
	tcase_add_test(tc, pending_limit_per_phone);
	tcase_add_test(tc, paid_grants_once);
	tcase_add_test(tc, stranger_cannot_block_owner);
	tcase_add_test(tc, free_order_needs_the_phone_code);
	tcase_add_test(tc, failed_and_amount_mismatch);
	tcase_add_test(tc, expiry_and_late_payment);
	tcase_add_test(tc, seats_reserved_and_released);
	tcase_add_test(tc, lists_for_console);
	tcase_add_test(tc, sim_provider);
	tcase_add_test(tc, mpesa_helpers);
	tcase_add_test(tc, form_check);
	tcase_add_test(tc, worker_queue);
	tcase_add_test(tc, no_oversell_20_buyers);
	tcase_add_test(tc, cart_three_kinds_paid_once);
	tcase_add_test(tc, cart_short_of_seats);
	tcase_add_test(tc, cart_refusals);
	tcase_add_test(tc, cart_late_payment_every_line);
	tcase_add_test(tc, cart_pay_what_you_want);
	tcase_add_test(tc, cart_two_creators_share);
	suite_add_tcase(s, tc);
	return run_suite(s);
}
