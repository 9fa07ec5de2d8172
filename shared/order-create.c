/*
 * order-create.c: order_create, the one transaction that makes an order:
 * the customer, the order, its payment, the per-phone limits, a free
 * order's code and a ticket's seat reservation. Reading, confirming and
 * refunding orders is order.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "customer.h"
#include "i18n.h"
#include "metrics-app.h"
#include "order-int.h"
#include "outbox.h"

struct order_product {
	char	 kind[16];
	char	 currency[4];
	int64_t	 price;
	char	 title[256];
};

/*
 * The published product id into *p. Returns NY_OK, NY_ENOTFOUND (none,
 * not published, or its creator disabled) or the db error.
 */
static enum ny_err
order_product_get(struct db *db, int64_t id, struct order_product *p)
{
	/* A disabled creator's products are off the shop (catalog.c): no new
	 * orders either, even from a form opened before. */
	sqlite3_stmt *st = db_stmt(db, "SELECT p.kind, p.currency,"
	    " p.price_minor, p.title FROM products p"
	    " JOIN creators c ON c.id = p.creator_id WHERE p.id = ?"
	    " AND p.status = 'published' AND c.disabled_at IS NULL");
	int rc;

	if (st == NULL)
		return NY_EDB;
	sqlite3_bind_int64(st, 1, id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		db_col_buf(st, 0, p->kind, sizeof p->kind);
		db_col_buf(st, 1, p->currency, sizeof p->currency);
		p->price = sqlite3_column_int64(st, 2);
		db_col_buf(st, 3, p->title, sizeof p->title);
	}
	sqlite3_reset(st);
	return db_found(rc);
}

/*
 * The order an idempotency key already made into *id (0 when none).
 * Returns NY_OK, NY_ENOTFOUND or the db error.
 */
static enum ny_err
order_by_idem(struct db *db, const char *key, int64_t *id)
{
	sqlite3_stmt *st = db_stmt(db, "SELECT id FROM orders WHERE idem_key = ?");

	*id = 0;
	if (st == NULL)
		return NY_EDB;
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	return db_int64(st, id);
}

/*
 * A double-submitted form carries the same key: the order it made is the
 * answer while it is pending or younger than ORDER_IDEM_S. After that the
 * same form (same browser, phone, product) is a new purchase: the key
 * moves to the new order.
 */
#define ORDER_IDEM_S	60
static enum ny_err
order_idem(struct db *db, const char *key, int64_t now, int64_t *id)
{
	sqlite3_stmt *st;
	int64_t young = 0;
	enum ny_err rc;

	if ((rc = order_by_idem(db, key, id)) != NY_OK)
		return rc;
	st = db_stmt(db, "SELECT status = 'pending' OR created_at > ?2"
	    " FROM orders WHERE id = ?1");
	if (st == NULL)
		return NY_EDB;
	sqlite3_bind_int64(st, 1, *id);
	sqlite3_bind_int64(st, 2, now - ORDER_IDEM_S);
	if ((rc = db_int64(st, &young)) != NY_OK || young)
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

/*
 * Inserts the pending order (its ref, hashes and expiry from sec and now)
 * into *id. Returns NY_OK or the db error.
 */
static enum ny_err
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
	enum ny_err rc;

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
	if ((rc = db_done(st)) != NY_OK)
		return rc;
	*id = sqlite3_last_insert_rowid(db_sqlite(db));
	return NY_OK;
}

/*
 * The payment row. A free one is never pushed: it is due only when the
 * order's wait for the code ends (the worker then expires it).
 */
static enum ny_err
order_insert_payment(struct db *db, const struct order_new *in,
    int64_t order_id, int64_t amount, int64_t now)
{
	sqlite3_stmt *st = db_stmt(db, "INSERT INTO payments(order_id,"
	    " provider, phone, amount_minor, status, created_at, updated_at,"
	    " next_attempt_at) VALUES (?, ?, ?, ?, 'new', ?, ?, ?)");

	if (st == NULL)
		return NY_EDB;
	sqlite3_bind_int64(st, 1, order_id);
	sqlite3_bind_text(st, 2, in->provider, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, in->phone, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, amount);
	sqlite3_bind_int64(st, 5, now);
	sqlite3_bind_int64(st, 6, now);
	sqlite3_bind_int64(st, 7, amount == 0 ? now + ORDER_CONFIRM_S : 0);
	return db_done(st);
}

/*
 * Inside order_create's transaction: the per-phone limits (order.h). A
 * browser is the buyer cookie's hash; without one only the address counts.
 */
static enum ny_err
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
		return db_found(rc);
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
static enum ny_err
order_queue_code_tx(struct db *db, int64_t order_id, int64_t customer,
    const struct order_new *in, const struct order_product *p,
    const char *code)
{
	const char *lang = in->locale ? in->locale : "en";
	char dedupe[48], *body;
	struct outbox_msg m;
	enum ny_err rc;

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

/*
 * Holds seats of ticket product_id for order_id when that many are left.
 * Returns NY_OK, NY_ESTATE (not enough seats) or the db error.
 */
static enum ny_err
order_reserve(struct db *db, int64_t order_id, int64_t product_id, int seats)
{
	sqlite3_stmt *st;
	int64_t left;
	enum ny_err rc;

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
	return db_done(st);
}

/* The body of order_create, inside its transaction. */
static enum ny_err
order_create_tx(struct db *db, const struct order_new *in, int64_t now,
    int64_t *id, int *created)
{
	struct order_product p;
	struct order_secrets sec;
	int64_t customer;
	enum ny_err rc;

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

enum ny_err
order_create(struct db *db, const struct order_new *in, struct order *out,
    int *created)
{
	int64_t id = 0;
	enum ny_err rc;
	int made = 0;

	if (created != NULL)
		*created = 0;
	if (in->phone == NULL || in->provider == NULL)
		return NY_EINVAL;
	if ((rc = db_begin(db)) != NY_OK)
		return rc;
	if ((rc = db_end(db, order_create_tx(db, in, ny_now(), &id,
	    &made))) != NY_OK)
		return rc;
	if (made)
		metrics_order("pending");
	if (created != NULL)
		*created = made;
	return order_by_id(db, id, out);
}
