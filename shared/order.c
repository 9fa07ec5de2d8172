/*
 * order.c: creating orders (customer, order, payment, seat reservation in
 * one transaction), reading them, and the status table.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "crypto.h"
#include "customer.h"
#include "i18n.h"
#include "library.h"
#include "log.h"
#include "order.h"
#include "outbox.h"
#include "phone.h"

static const char *const order_names[] = {
	[ORDER_PENDING] = "pending",
	[ORDER_PAID] = "paid",
	[ORDER_FAILED] = "failed",
	[ORDER_EXPIRED] = "expired",
	[ORDER_REFUNDED] = "refunded",
};
#define ORDER_NSTATUS	(int)(sizeof order_names / sizeof order_names[0])

/* Allowed transitions: order_moves[from] has bit (1 << to). */
static const unsigned order_moves[] = {
	[ORDER_PENDING] = 1u << ORDER_PAID | 1u << ORDER_FAILED |
	    1u << ORDER_EXPIRED,
	[ORDER_PAID] = 1u << ORDER_REFUNDED,
	[ORDER_FAILED] = 0,
	[ORDER_EXPIRED] = 1u << ORDER_PAID,
	[ORDER_REFUNDED] = 0,
};

const char *
order_status_name(enum order_status s)
{
	if ((int)s < 0 || (int)s >= ORDER_NSTATUS)
		return "unknown";
	return order_names[s];
}

int
order_status_parse(const char *s, enum order_status *out)
{
	int i;

	for (i = 0; s != NULL && i < ORDER_NSTATUS; i++) {
		if (strcmp(s, order_names[i]) == 0) {
			*out = (enum order_status)i;
			return NY_OK;
		}
	}
	return NY_EINVAL;
}

int
order_transition_ok(enum order_status from, enum order_status to)
{
	if ((int)from < 0 || (int)from >= ORDER_NSTATUS ||
	    (int)to < 0 || (int)to >= ORDER_NSTATUS)
		return 0;
	return (order_moves[from] & (1u << to)) != 0;
}

int
order_status_final(enum order_status s)
{
	return s != ORDER_PENDING;
}

/* Copies a column into a fixed buffer, cutting at a UTF-8 boundary. */
static void
order_col(sqlite3_stmt *st, int col, char *buf, size_t len)
{
	const unsigned char *s = sqlite3_column_text(st, col);
	size_t n = s ? strlen((const char *)s) : 0;

	if (n >= len) {
		n = len - 1;
		while (n > 0 && (s[n] & 0xc0) == 0x80)
			n--;
	}
	if (n > 0)
		memcpy(buf, s, n);
	buf[n] = '\0';
}

#define ORDER_SELECT \
	"SELECT o.id, o.ref, o.customer_id, o.product_id, o.quantity," \
	" o.amount_minor, o.currency, o.status, o.locale," \
	" coalesce(o.failure, ''), o.created_at, o.updated_at, o.expires_at," \
	" coalesce(o.paid_at, 0), c.phone, p.slug, p.kind, p.title," \
	" coalesce(y.id, 0), coalesce(y.status, ''), coalesce(y.provider, '')," \
	" o.browser_hash IS NOT NULL" \
	" FROM orders o JOIN customers c ON c.id = o.customer_id" \
	" JOIN products p ON p.id = o.product_id" \
	" LEFT JOIN payments y ON y.order_id = o.id "

static void
order_row(sqlite3_stmt *st, struct order *o)
{
	char status[16];

	memset(o, 0, sizeof *o);
	o->id = sqlite3_column_int64(st, 0);
	order_col(st, 1, o->ref, sizeof o->ref);
	o->customer_id = sqlite3_column_int64(st, 2);
	o->product_id = sqlite3_column_int64(st, 3);
	o->quantity = sqlite3_column_int(st, 4);
	o->amount_minor = sqlite3_column_int64(st, 5);
	order_col(st, 6, o->currency, sizeof o->currency);
	order_col(st, 7, status, sizeof status);
	if (order_status_parse(status, &o->status) != NY_OK)
		o->status = ORDER_FAILED;
	order_col(st, 8, o->locale, sizeof o->locale);
	order_col(st, 9, o->failure, sizeof o->failure);
	o->created_at = sqlite3_column_int64(st, 10);
	o->updated_at = sqlite3_column_int64(st, 11);
	o->expires_at = sqlite3_column_int64(st, 12);
	o->paid_at = sqlite3_column_int64(st, 13);
	order_col(st, 14, o->phone, sizeof o->phone);
	phone_display(o->phone, 1, o->phone_masked, sizeof o->phone_masked);
	order_col(st, 15, o->product_slug, sizeof o->product_slug);
	order_col(st, 16, o->product_kind, sizeof o->product_kind);
	order_col(st, 17, o->product_title, sizeof o->product_title);
	o->payment_id = sqlite3_column_int64(st, 18);
	order_col(st, 19, o->payment_status, sizeof o->payment_status);
	order_col(st, 20, o->provider, sizeof o->provider);
	o->has_browser = sqlite3_column_int(st, 21);
}

static int
order_read_one(sqlite3_stmt *st, struct order *out)
{
	int rc;

	if (st == NULL)
		return NY_EDB;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		order_row(st, out);
	sqlite3_reset(st);
	if (rc == SQLITE_ROW)
		return NY_OK;
	return rc == SQLITE_DONE ? NY_ENOTFOUND : db_err(rc);
}

int
order_by_ref(struct db *db, const char *ref, struct order *out)
{
	sqlite3_stmt *st = db_stmt(db, ORDER_SELECT "WHERE o.ref = ?");

	if (st == NULL)
		return NY_EDB;
	sqlite3_bind_text(st, 1, ref, -1, SQLITE_STATIC);
	return order_read_one(st, out);
}

int
order_by_id(struct db *db, int64_t id, struct order *out)
{
	sqlite3_stmt *st = db_stmt(db, ORDER_SELECT "WHERE o.id = ?");

	if (st == NULL)
		return NY_EDB;
	sqlite3_bind_int64(st, 1, id);
	return order_read_one(st, out);
}

/* Steps st into a freshly allocated array of at most max orders. */
static int
order_read_list(sqlite3_stmt *st, int max, struct order **out, int *n)
{
	int rc;

	*out = NULL;
	*n = 0;
	if (st == NULL)
		return NY_EDB;
	if (max <= 0) {
		sqlite3_reset(st);
		return NY_OK;
	}
	*out = xcalloc((size_t)max, sizeof **out);
	while (*n < max && (rc = sqlite3_step(st)) == SQLITE_ROW)
		order_row(st, &(*out)[(*n)++]);
	if (*n < max && rc != SQLITE_DONE) {
		sqlite3_reset(st);
		free(*out);
		*out = NULL;
		*n = 0;
		return db_err(rc);
	}
	sqlite3_reset(st);
	return NY_OK;
}

int
order_list_recent(struct db *db, int64_t creator_id, const char *status,
    int max, struct order **out, int *n)
{
	enum order_status s;
	sqlite3_stmt *st;

	if (status != NULL && order_status_parse(status, &s) != NY_OK)
		return NY_EINVAL;
	st = db_stmt(db, ORDER_SELECT "WHERE (?3 = 0 OR p.creator_id = ?3)"
	    " AND (?1 IS NULL OR o.status = ?1)"
	    " ORDER BY o.created_at DESC, o.id DESC LIMIT ?2");
	if (st == NULL)
		return NY_EDB;
	if (status != NULL)
		sqlite3_bind_text(st, 1, status, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 2, max);
	sqlite3_bind_int64(st, 3, creator_id);
	return order_read_list(st, max, out, n);
}

int
order_list_pending_by_phone(struct db *db, const char *phone, int max,
    struct order **out, int *n)
{
	sqlite3_stmt *st = db_stmt(db, ORDER_SELECT
	    "WHERE c.phone = ?1 AND o.status = 'pending'"
	    " ORDER BY o.created_at DESC, o.id DESC LIMIT ?2");

	if (st == NULL)
		return NY_EDB;
	sqlite3_bind_text(st, 1, phone, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 2, max);
	return order_read_list(st, max, out, n);
}

/* One integer from a one-row query with int64 parameters ?1 and ?2. */
static int
order_scalar2(struct db *db, const char *sql, int64_t a, int64_t b,
    int64_t *v)
{
	sqlite3_stmt *st = db_stmt(db, sql);
	int rc;

	if (st == NULL)
		return NY_EDB;
	sqlite3_bind_int64(st, 1, a);
	if (sqlite3_bind_parameter_count(st) >= 2)
		sqlite3_bind_int64(st, 2, b);
	rc = sqlite3_step(st);
	*v = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	sqlite3_reset(st);
	if (rc == SQLITE_ROW)
		return NY_OK;
	return rc == SQLITE_DONE ? NY_ENOTFOUND : db_err(rc);
}

static int
order_scalar(struct db *db, const char *sql, int64_t a, int64_t *v)
{
	return order_scalar2(db, sql, a, 0, v);
}

int
order_seats_left(struct db *db, int64_t product_id, int64_t *left)
{
	int64_t v;
	int rc;

	/* Paid orders hold their seats for good (refunded ones give them
	 * back); pending ones hold them through their reservation row. */
	rc = order_scalar(db, "SELECT p.capacity"
	    " - (SELECT coalesce(sum(o.quantity), 0) FROM orders o"
	    "    WHERE o.product_id = p.id AND o.status = 'paid')"
	    " - (SELECT coalesce(sum(r.seats), 0) FROM reservations r"
	    "    WHERE r.product_id = p.id)"
	    " FROM products p WHERE p.id = ? AND p.capacity IS NOT NULL",
	    product_id, &v);
	*left = v > 0 ? v : 0;
	return rc;
}

struct order_product {
	char	 kind[16];
	char	 currency[4];
	int64_t	 price;
	char	 title[256];
};

static int
order_product_get(struct db *db, int64_t id, struct order_product *p)
{
	sqlite3_stmt *st = db_stmt(db, "SELECT kind, currency, price_minor,"
	    " title FROM products WHERE id = ? AND status = 'published'");
	int rc;

	if (st == NULL)
		return NY_EDB;
	sqlite3_bind_int64(st, 1, id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		order_col(st, 0, p->kind, sizeof p->kind);
		order_col(st, 1, p->currency, sizeof p->currency);
		p->price = sqlite3_column_int64(st, 2);
		order_col(st, 3, p->title, sizeof p->title);
	}
	sqlite3_reset(st);
	if (rc == SQLITE_ROW)
		return NY_OK;
	return rc == SQLITE_DONE ? NY_ENOTFOUND : db_err(rc);
}

/* The order an idempotency key already made, if any. */
static int
order_by_idem(struct db *db, const char *key, int64_t *id)
{
	sqlite3_stmt *st = db_stmt(db, "SELECT id FROM orders WHERE idem_key = ?");
	int rc;

	if (st == NULL)
		return NY_EDB;
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	*id = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	sqlite3_reset(st);
	if (rc == SQLITE_ROW)
		return NY_OK;
	return rc == SQLITE_DONE ? NY_ENOTFOUND : db_err(rc);
}

/*
 * A double-submitted form carries the same key: the order it made is the
 * answer while it is pending or younger than ORDER_IDEM_S. After that the
 * same form (same browser, phone, product) is a new purchase: the key
 * moves to the new order.
 */
#define ORDER_IDEM_S	60
static int
order_idem(struct db *db, const char *key, int64_t now, int64_t *id)
{
	sqlite3_stmt *st;
	int64_t young;
	int rc;

	if ((rc = order_by_idem(db, key, id)) != NY_OK)
		return rc;
	rc = order_scalar2(db, "SELECT status = 'pending' OR created_at > ?2"
	    " FROM orders WHERE id = ?1", *id, now - ORDER_IDEM_S, &young);
	if (rc != NY_OK || young)
		return rc;
	st = db_stmt(db, "UPDATE orders SET idem_key = NULL WHERE id = ?");
	if (st == NULL)
		return NY_EDB;
	sqlite3_bind_int64(st, 1, *id);
	rc = db_done(st);
	*id = 0;
	return rc == NY_OK ? NY_ENOTFOUND : rc;
}

/* What order_insert stores besides the form: secrets as keyed hashes. */
struct order_secrets {
	char		 ref[ORDER_REF_LEN + 2];
	unsigned char	 browser[TOK_HASH_LEN];	/* when has_browser */
	int		 has_browser;
	char		 code[8];		/* free orders: the code sent */
	unsigned char	 code_hash[TOK_HASH_LEN];
};

/* The keyed hash of a browser secret (domain-separated from tokens). */
static void
order_browser_hash(const char *browser, unsigned char out[TOK_HASH_LEN])
{
	tok_hash_ctx("browser", browser, out);
}

/* The keyed hash of a free order's code, bound to the order's ref. */
static void
order_code_hash(const char *ref, const char *code,
    unsigned char out[TOK_HASH_LEN])
{
	char ctx[ORDER_REF_LEN + 16];

	snprintf(ctx, sizeof ctx, "confirm:%s", ref);
	tok_hash_ctx(ctx, code, out);
}

static int
order_insert(struct db *db, const struct order_new *in, int64_t customer,
    const struct order_product *p, const struct order_secrets *sec,
    int64_t now, int64_t *id)
{
	sqlite3_stmt *st = db_stmt(db, "INSERT INTO orders(ref, customer_id,"
	    " product_id, quantity, amount_minor, currency, status, locale,"
	    " idem_key, client_addr, created_at, updated_at, expires_at,"
	    " browser_hash, confirm_hash)"
	    " VALUES (?, ?, ?, ?, ?, ?, 'pending', ?, ?, ?, ?, ?, ?, ?, ?)");
	int64_t amount = p->price * in->quantity;
	int rc;

	if (st == NULL)
		return NY_EDB;
	sqlite3_bind_text(st, 1, sec->ref, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 2, customer);
	sqlite3_bind_int64(st, 3, in->product_id);
	sqlite3_bind_int(st, 4, in->quantity);
	sqlite3_bind_int64(st, 5, amount);
	sqlite3_bind_text(st, 6, p->currency, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 7, in->locale ? in->locale : "en", -1,
	    SQLITE_STATIC);
	if (in->idem_key != NULL)
		sqlite3_bind_text(st, 8, in->idem_key, -1, SQLITE_STATIC);
	if (in->client_addr != NULL)
		sqlite3_bind_text(st, 9, in->client_addr, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 10, now);
	sqlite3_bind_int64(st, 11, now);
	sqlite3_bind_int64(st, 12, now + (amount == 0 ? ORDER_CONFIRM_S :
	    in->timeout_s > 0 ? in->timeout_s : ORDER_TIMEOUT_S));
	if (sec->has_browser)
		sqlite3_bind_blob(st, 13, sec->browser, TOK_HASH_LEN,
		    SQLITE_TRANSIENT);
	if (amount == 0)
		sqlite3_bind_blob(st, 14, sec->code_hash, TOK_HASH_LEN,
		    SQLITE_TRANSIENT);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return db_err(rc);
	*id = sqlite3_last_insert_rowid(db_sqlite(db));
	return NY_OK;
}

/*
 * The payment row. A free one is never pushed: it is due only when the
 * order's wait for the code ends (the worker then expires it).
 */
static int
order_insert_payment(struct db *db, const struct order_new *in,
    int64_t order_id, int64_t amount, int64_t now)
{
	sqlite3_stmt *st = db_stmt(db, "INSERT INTO payments(order_id,"
	    " provider, phone, amount_minor, status, created_at, updated_at,"
	    " next_attempt_at) VALUES (?, ?, ?, ?, 'new', ?, ?, ?)");
	int rc;

	if (st == NULL)
		return NY_EDB;
	sqlite3_bind_int64(st, 1, order_id);
	sqlite3_bind_text(st, 2, in->provider, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, in->phone, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, amount);
	sqlite3_bind_int64(st, 5, now);
	sqlite3_bind_int64(st, 6, now);
	sqlite3_bind_int64(st, 7, amount == 0 ? now + ORDER_CONFIRM_S : 0);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? NY_OK : db_err(rc);
}

/*
 * Inside order_create's transaction: the per-phone limits (order.h). A
 * browser is the buyer cookie's hash; without one only the address counts.
 */
static int
order_limits_tx(struct db *db, int64_t customer, const struct order_new *in,
    const struct order_secrets *sec, int64_t now)
{
	sqlite3_stmt *st = db_stmt(db, "SELECT"
	    " (SELECT count(*) FROM orders WHERE customer_id = ?1"
	    "  AND status = 'pending' AND expires_at > ?2 AND browser_hash = ?3),"
	    " (SELECT count(*) FROM orders WHERE customer_id = ?1"
	    "  AND status = 'pending' AND expires_at > ?2 AND client_addr = ?4),"
	    " (SELECT count(*) FROM orders WHERE customer_id = ?1"
	    "  AND created_at > ?2 - 3600),"
	    " EXISTS (SELECT 1 FROM orders WHERE customer_id = ?1"
	    "  AND browser_hash = ?3 AND paid_at IS NOT NULL)");
	int64_t by_browser, by_addr, hourly;
	int rc, owner;

	if (st == NULL)
		return NY_EDB;
	sqlite3_bind_int64(st, 1, customer);
	sqlite3_bind_int64(st, 2, now);
	if (sec->has_browser)
		sqlite3_bind_blob(st, 3, sec->browser, TOK_HASH_LEN,
		    SQLITE_STATIC);
	sqlite3_bind_text(st, 4, in->client_addr ? in->client_addr : "", -1,
	    SQLITE_STATIC);
	rc = sqlite3_step(st);
	by_browser = sqlite3_column_int64(st, 0);
	by_addr = sqlite3_column_int64(st, 1);
	hourly = sqlite3_column_int64(st, 2);
	owner = sqlite3_column_int(st, 3);
	sqlite3_reset(st);
	if (rc != SQLITE_ROW)
		return db_err(rc);
	if (by_browser >= ORDER_MAX_PENDING || by_addr >= ORDER_MAX_PENDING ||
	    (!owner && hourly >= ORDER_PHONE_HOURLY))
		return NY_ELIMIT;
	return NY_OK;
}

/*
 * Inside order_create's transaction: the code of a free order goes to the
 * phone on WhatsApp (the code is in the message body until it is sent —
 * worthless without the browser that made the order).
 */
static int
order_queue_code_tx(struct db *db, int64_t order_id, int64_t customer,
    const struct order_new *in, const struct order_product *p,
    const char *code)
{
	const char *lang = in->locale ? in->locale : "en";
	char dedupe[48], *body;
	struct outbox_msg m;
	int rc;

	body = i18n_fmt(lang, "msg.confirm_code", "code", code, "product",
	    p->title, NULL);
	snprintf(dedupe, sizeof dedupe, "confirm:%lld", (long long)order_id);
	memset(&m, 0, sizeof m);
	m.customer_id = customer;
	m.to_phone = in->phone;
	m.kind = "confirm_code";
	m.locale = lang;
	m.body = body;
	m.dedupe_key = dedupe;
	m.order_id = order_id;
	rc = outbox_queue_tx(db, &m, NULL);
	sodium_memzero(body, strlen(body));
	free(body);
	return rc;
}

static int
order_reserve(struct db *db, int64_t order_id, int64_t product_id, int seats)
{
	sqlite3_stmt *st;
	int64_t left;
	int rc;

	if ((rc = order_seats_left(db, product_id, &left)) != NY_OK)
		return rc;
	if (left < seats)
		return NY_ESTATE;
	st = db_stmt(db, "INSERT INTO reservations(order_id, product_id, seats)"
	    " VALUES (?, ?, ?)");
	if (st == NULL)
		return NY_EDB;
	sqlite3_bind_int64(st, 1, order_id);
	sqlite3_bind_int64(st, 2, product_id);
	sqlite3_bind_int(st, 3, seats);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? NY_OK : db_err(rc);
}

/* The body of order_create, inside its transaction. */
static int
order_create_tx(struct db *db, const struct order_new *in, int64_t now,
    int64_t *id, int *created)
{
	struct order_product p;
	struct order_secrets sec;
	int64_t customer;
	int rc;

	if (in->idem_key != NULL &&
	    (rc = order_idem(db, in->idem_key, now, id)) != NY_ENOTFOUND)
		return rc;	/* NY_OK: the same order again */
	if ((rc = order_product_get(db, in->product_id, &p)) != NY_OK)
		return rc;
	if (in->quantity < 1 || in->quantity > ORDER_MAX_QUANTITY ||
	    (in->quantity > 1 && strcmp(p.kind, "ticket") != 0))
		return NY_EINVAL;
	if ((rc = customer_upsert_tx(db, in->phone, in->locale ? in->locale :
	    "en", &customer)) != NY_OK)
		return rc;
	memset(&sec, 0, sizeof sec);
	if (in->browser != NULL && *in->browser != '\0') {
		order_browser_hash(in->browser, sec.browser);
		sec.has_browser = 1;
	}
	if ((rc = order_limits_tx(db, customer, in, &sec, now)) != NY_OK)
		return rc;
	tok_random(16, sec.ref, sizeof sec.ref);
	if (p.price * in->quantity == 0) {
		snprintf(sec.code, sizeof sec.code, "%06u",
		    (unsigned)randombytes_uniform(1000000));
		order_code_hash(sec.ref, sec.code, sec.code_hash);
	}
	if ((rc = order_insert(db, in, customer, &p, &sec, now, id)) != NY_OK ||
	    (rc = order_insert_payment(db, in, *id, p.price * in->quantity,
	    now)) != NY_OK)
		goto out;
	if (p.price * in->quantity == 0 && (rc = order_queue_code_tx(db, *id,
	    customer, in, &p, sec.code)) != NY_OK)
		goto out;
	if (strcmp(p.kind, "ticket") == 0 &&
	    (rc = order_reserve(db, *id, in->product_id, in->quantity)) != NY_OK)
		goto out;
	if ((rc = db_event(db, "order", *id, NULL)) != NY_OK)
		goto out;
	*created = 1;
out:
	sodium_memzero(&sec, sizeof sec);
	return rc;
}

int
order_create(struct db *db, const struct order_new *in, struct order *out,
    int *created)
{
	int64_t id = 0;
	int rc, made = 0;

	if (created != NULL)
		*created = 0;
	if (in->phone == NULL || in->provider == NULL)
		return NY_EINVAL;
	if ((rc = db_begin(db)) != NY_OK)
		return rc;
	rc = order_create_tx(db, in, ny_now(), &id, &made);
	if (rc != NY_OK) {
		db_rollback(db);
		return rc;
	}
	if ((rc = db_commit(db)) != NY_OK)
		return rc;
	if (created != NULL)
		*created = made;
	return order_by_id(db, id, out);
}

int
order_refund(struct db *db, int64_t order_id)
{
	sqlite3_stmt *st;
	int rc;

	if ((rc = db_begin(db)) != NY_OK)
		return rc;
	st = db_stmt(db, "UPDATE orders SET status = 'refunded', updated_at = ?"
	    " WHERE id = ? AND status = 'paid'");
	if (st == NULL) {
		rc = NY_EDB;
		goto out;
	}
	sqlite3_bind_int64(st, 1, ny_now());
	sqlite3_bind_int64(st, 2, order_id);
	rc = db_done(st);
	if (rc == NY_OK && sqlite3_changes(db_sqlite(db)) == 0) {
		int64_t one;

		rc = order_scalar(db, "SELECT 1 FROM orders WHERE id = ?",
		    order_id, &one);
		rc = rc == NY_OK ? NY_ESTATE : rc;
	}
	if (rc == NY_OK)
		rc = entitlement_revoke_order_tx(db, order_id, ny_now());
	if (rc == NY_OK)
		rc = db_event(db, "order", order_id, NULL);
out:
	if (rc != NY_OK) {
		db_rollback(db);
		return rc;
	}
	return db_commit(db);
}

int
order_browser_ok(struct db *db, int64_t order_id, const char *browser)
{
	sqlite3_stmt *st;
	unsigned char h[TOK_HASH_LEN];
	int rc, ok = 0;

	if (browser == NULL || *browser == '\0' || strlen(browser) > 128)
		return 0;
	if ((st = db_stmt(db, "SELECT browser_hash FROM orders WHERE id = ?"))
	    == NULL)
		return 0;
	sqlite3_bind_int64(st, 1, order_id);
	order_browser_hash(browser, h);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW && sqlite3_column_bytes(st, 0) == TOK_HASH_LEN)
		ok = sodium_memcmp(sqlite3_column_blob(st, 0), h,
		    TOK_HASH_LEN) == 0;
	sqlite3_reset(st);
	return ok;
}

/* Inside order_confirm's transaction: counts the try, then compares. */
static int
order_confirm_tx(struct db *db, int64_t order_id, const char *code,
    int64_t now)
{
	sqlite3_stmt *st = db_stmt(db, "SELECT ref, confirm_hash, confirm_tries"
	    " FROM orders WHERE id = ? AND status = 'pending' AND amount_minor = 0"
	    " AND expires_at > ?");
	unsigned char h[TOK_HASH_LEN], stored[TOK_HASH_LEN];
	char ref[ORDER_REF_LEN + 2];
	int rc, tries = 0, have = 0;

	if (st == NULL)
		return NY_EDB;
	sqlite3_bind_int64(st, 1, order_id);
	sqlite3_bind_int64(st, 2, now);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		order_col(st, 0, ref, sizeof ref);
		if ((have = sqlite3_column_bytes(st, 1) == TOK_HASH_LEN))
			memcpy(stored, sqlite3_column_blob(st, 1), TOK_HASH_LEN);
		tries = sqlite3_column_int(st, 2);
	}
	sqlite3_reset(st);
	if (rc != SQLITE_ROW)
		return rc == SQLITE_DONE ? NY_ESTATE : db_err(rc);
	if (!have || tries >= ORDER_CONFIRM_TRIES)
		return NY_ELIMIT;
	if ((st = db_stmt(db, "UPDATE orders SET confirm_tries ="
	    " confirm_tries + 1 WHERE id = ?")) == NULL)
		return NY_EDB;
	sqlite3_bind_int64(st, 1, order_id);
	if ((rc = db_done(st)) != NY_OK)
		return rc;
	order_code_hash(ref, code, h);
	if (sodium_memcmp(h, stored, TOK_HASH_LEN) == 0)
		return NY_OK;
	return tries + 1 >= ORDER_CONFIRM_TRIES ? NY_ELIMIT : NY_EDENIED;
}

int
order_confirm(struct db *db, int64_t order_id, const char *code)
{
	int rc, err;
	size_t i, n = code != NULL ? strlen(code) : 0;

	if (n != 6)
		return NY_EDENIED;
	for (i = 0; i < n; i++)
		if (code[i] < '0' || code[i] > '9')
			return NY_EDENIED;
	if ((err = db_begin(db)) != NY_OK)
		return err;
	rc = order_confirm_tx(db, order_id, code, ny_now());
	/* A wrong try is committed too: it must count. */
	if (rc == NY_OK || rc == NY_EDENIED || rc == NY_ELIMIT) {
		if ((err = db_commit(db)) != NY_OK)
			return err;
		return rc;
	}
	db_rollback(db);
	return rc;
}

int
order_library_key(struct db *db, int64_t customer_id, int64_t *key_id)
{
	return order_scalar(db, "SELECT id FROM library_keys"
	    " WHERE customer_id = ? AND revoked_at IS NULL", customer_id, key_id);
}

static const char *
order_phone_key(enum phone_err e)
{
	switch (e) {
	case PHONE_EMPTY:
		return "phone.err.empty";
	case PHONE_CHARS:
		return "phone.err.chars";
	case PHONE_LENGTH:
		return "phone.err.length";
	case PHONE_COUNTRY:
		return "phone.err.country";
	default:
		return "phone.err.not_mobile";
	}
}

int
order_form_check(const char *phone_raw, const char *qty_raw, const char *kind,
    char *phone, size_t len, int *qty, const char **err_key)
{
	enum phone_err pe;
	int64_t n = 1;

	*qty = 0;
	*err_key = NULL;
	if (phone_raw == NULL || strlen(phone_raw) > 64)
		pe = phone_raw == NULL ? PHONE_EMPTY : PHONE_LENGTH;
	else
		pe = phone_normalize(phone_raw, NULL, phone, len);
	if (pe != PHONE_OK) {
		*err_key = order_phone_key(pe);
		return NY_EINVAL;
	}
	if (qty_raw != NULL && qty_raw[0] != '\0' &&
	    ny_parse_int(qty_raw, 1, ORDER_MAX_QUANTITY, &n) != NY_OK)
		n = 0;
	if (n == 0 || (n > 1 && (kind == NULL || strcmp(kind, "ticket") != 0))) {
		*err_key = "co.err.quantity";
		return NY_EINVAL;
	}
	*qty = (int)n;
	return NY_OK;
}
