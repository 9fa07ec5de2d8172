/*
 * order-create.c: order_create, the one transaction that makes an order:
 * the customer, the order and its lines (a cart has several), a discount
 * code's use, the payment for the total, the per-phone limits, a free
 * order's code and every ticket line's seat reservation. Reading,
 * confirming and refunding orders is order.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "customer.h"
#include "discount.h"
#include "i18n.h"
#include "metrics-app.h"
#include "order-int.h"
#include "outbox.h"
#include "product.h"

/* One line being made: what the buyer asked for and its product. */
struct oc_line {
	int64_t	 product_id;
	int64_t	 creator_id;
	int	 quantity;
	int64_t	 unit;		/* the price, or the amount a pwyw buyer pays */
	char	 kind[16];
	char	 currency[4];
	char	 title[256];
};

/* The whole cart: lines, their discounts (discount.h's view), the total. */
struct oc_cart {
	struct oc_line		 line[ORDER_MAX_LINES];
	struct discount_line	 disc[ORDER_MAX_LINES];
	int			 n;
	int64_t			 total;
};

/* Sets *in->why (when asked for) to key and returns rc. */
static enum ny_err
oc_refuse(const struct order_new *in, enum ny_err rc, const char *key)
{
	if (in->why != NULL)
		*in->why = key;
	return rc;
}

/*
 * The published product of line l into l (kind, currency, title, creator)
 * and its unit amount from the asked line a: the price, or for pay what
 * you want the amount typed (minimum ≤ it ≤ PRODUCT_PRICE_MAX), else the
 * suggested amount, else the minimum. Returns NY_OK, NY_ENOTFOUND (none,
 * not published, or its creator disabled), NY_EINVAL (amount, *why set)
 * or the db error.
 */
static enum ny_err
oc_product_get(struct db *db, const struct order_new *in,
    const struct order_line_new *a, struct oc_line *l)
{
	/* A disabled creator's products are off the shop (catalog.c): no new
	 * orders either, even from a form opened before. */
	sqlite3_stmt *st = db_stmt(db, "SELECT p.kind, p.currency,"
	    " p.price_minor, p.title, p.creator_id, p.pwyw,"
	    " coalesce(p.suggested_minor, -1) FROM products p"
	    " JOIN creators c ON c.id = p.creator_id WHERE p.id = ?"
	    " AND p.status = 'published' AND c.disabled_at IS NULL");
	int64_t price = 0, suggested = -1;
	int rc, pwyw = 0;

	if (st == NULL)
		return NY_EDB;
	sqlite3_bind_int64(st, 1, a->product_id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		db_col_buf(st, 0, l->kind, sizeof l->kind);
		db_col_buf(st, 1, l->currency, sizeof l->currency);
		price = sqlite3_column_int64(st, 2);
		db_col_buf(st, 3, l->title, sizeof l->title);
		l->creator_id = sqlite3_column_int64(st, 4);
		pwyw = sqlite3_column_int(st, 5);
		suggested = sqlite3_column_int64(st, 6);
	}
	sqlite3_reset(st);
	if (rc != SQLITE_ROW)
		return db_found(rc);
	l->product_id = a->product_id;
	l->quantity = a->quantity;
	l->unit = price;
	if (!pwyw)
		return NY_OK;
	if (a->has_amount) {
		if (a->amount_minor < price ||
		    a->amount_minor > PRODUCT_PRICE_MAX)
			return oc_refuse(in, NY_EINVAL, "co.err.amount");
		l->unit = a->amount_minor;
	} else if (suggested >= price && suggested <= PRODUCT_PRICE_MAX)
		l->unit = suggested;
	return NY_OK;
}

/*
 * Reads and checks every line of in into *c: at least one, at most
 * ORDER_MAX_LINES, each product once, quantities as order_form_check
 * takes them (more than one for tickets only), one currency. Returns
 * NY_OK or the refusal (*why set) or the db error.
 */
static enum ny_err
oc_cart_read(struct db *db, const struct order_new *in, struct oc_cart *c)
{
	struct order_line_new one;
	const struct order_line_new *a = in->lines;
	int i, j, n = in->nlines;
	enum ny_err rc;

	memset(c, 0, sizeof *c);
	if (n == 0) {
		memset(&one, 0, sizeof one);
		one.product_id = in->product_id;
		one.quantity = in->quantity;
		a = &one;
		n = 1;
	}
	if (n < 0 || n > ORDER_MAX_LINES || a == NULL)
		return oc_refuse(in, NY_EINVAL, "cart.err.lines");
	for (i = 0; i < n; i++) {
		for (j = 0; j < i; j++)
			if (a[j].product_id == a[i].product_id)
				return oc_refuse(in, NY_EINVAL,
				    "cart.err.lines");
		if ((rc = oc_product_get(db, in, &a[i], &c->line[i])) != NY_OK)
			return rc;
		if (a[i].quantity < 1 || a[i].quantity > ORDER_MAX_QUANTITY ||
		    (a[i].quantity > 1 &&
		    strcmp(c->line[i].kind, "ticket") != 0))
			return oc_refuse(in, NY_EINVAL, "co.err.quantity");
		if (strcmp(c->line[i].currency, c->line[0].currency) != 0)
			return oc_refuse(in, NY_EINVAL, "cart.err.currency");
		c->disc[i].product_id = c->line[i].product_id;
		c->disc[i].creator_id = c->line[i].creator_id;
		memcpy(c->disc[i].currency, c->line[i].currency,
		    sizeof c->disc[i].currency);
		c->disc[i].gross_minor = c->line[i].unit * a[i].quantity;
		c->disc[i].quantity = a[i].quantity;
	}
	c->n = n;
	return NY_OK;
}

/* The cart's total after discounts (each line never below 0). */
static void
oc_cart_total(struct oc_cart *c)
{
	int i;

	c->total = 0;
	for (i = 0; i < c->n; i++) {
		if (c->disc[i].discount_minor < 0 ||
		    c->disc[i].discount_minor > c->disc[i].gross_minor)
			c->disc[i].discount_minor = c->disc[i].discount_minor < 0 ?
			    0 : c->disc[i].gross_minor;
		c->total += c->disc[i].gross_minor - c->disc[i].discount_minor;
	}
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
 * into *id. The order keeps its first line's product and quantity (order.h)
 * and the cart's total. Returns NY_OK or the db error.
 */
static enum ny_err
order_insert(struct db *db, const struct order_new *in, int64_t customer,
    const struct oc_cart *c, const struct order_secrets *sec,
    int64_t now, int64_t *id)
{
	sqlite3_stmt *st = db_stmt(db, "INSERT INTO orders(ref, customer_id,"
	    " product_id, quantity, amount_minor, currency, status, locale,"
	    " idem_key, client_addr, created_at, updated_at, expires_at,"
	    " browser_hash, confirm_hash, email)"
	    " VALUES (?, ?, ?, ?, ?, ?, 'pending', ?, ?, ?, ?, ?, ?, ?, ?, ?)");
	int64_t amount = c->total;
	enum ny_err rc;

	if (st == NULL)
		return NY_EDB;
	sqlite3_bind_text(st, 1, sec->ref, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 2, customer);
	sqlite3_bind_int64(st, 3, c->line[0].product_id);
	sqlite3_bind_int(st, 4, c->line[0].quantity);
	sqlite3_bind_int64(st, 5, amount);
	sqlite3_bind_text(st, 6, c->line[0].currency, -1, SQLITE_TRANSIENT);
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
	if (in->email != NULL && in->email[0] != '\0')
		sqlite3_bind_text(st, 15, in->email, -1, SQLITE_STATIC);
	if ((rc = db_done(st)) != NY_OK)
		return rc;
	*id = sqlite3_last_insert_rowid(db_sqlite(db));
	return NY_OK;
}

/* The order's lines, with their unit price, discount and amount. */
static enum ny_err
order_insert_lines(struct db *db, int64_t order_id, const struct oc_cart *c)
{
	sqlite3_stmt *st;
	enum ny_err rc;
	int i;

	for (i = 0; i < c->n; i++) {
		st = db_stmt(db, "INSERT INTO order_lines(order_id, product_id,"
		    " creator_id, quantity, unit_minor, discount_minor,"
		    " amount_minor, discount_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
		if (st == NULL)
			return NY_EDB;
		sqlite3_bind_int64(st, 1, order_id);
		sqlite3_bind_int64(st, 2, c->line[i].product_id);
		sqlite3_bind_int64(st, 3, c->line[i].creator_id);
		sqlite3_bind_int(st, 4, c->line[i].quantity);
		sqlite3_bind_int64(st, 5, c->line[i].unit);
		sqlite3_bind_int64(st, 6, c->disc[i].discount_minor);
		sqlite3_bind_int64(st, 7, c->disc[i].gross_minor -
		    c->disc[i].discount_minor);
		if (c->disc[i].discount_id > 0)
			sqlite3_bind_int64(st, 8, c->disc[i].discount_id);
		if ((rc = db_done(st)) != NY_OK)
			return rc;
	}
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
    const struct order_new *in, const struct oc_cart *c, const char *code)
{
	const char *lang = in->locale ? in->locale : "en";
	char dedupe[48], title[300], *body;
	struct outbox_msg m;
	enum ny_err rc;

	/* One title, or the first and how many more ("Kitabu +2"). */
	if (c->n > 1)
		snprintf(title, sizeof title, "%s +%d", c->line[0].title,
		    c->n - 1);
	else
		snprintf(title, sizeof title, "%s", c->line[0].title);
	body = i18n_fmt(lang, "msg.confirm_code", "code", code, "product",
	    title, NULL);
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

/*
 * Every ticket line's seats, or none: the first line short of seats ends
 * the transaction (the caller rolls back the ones reserved before it).
 */
static enum ny_err
order_reserve_all(struct db *db, const struct order_new *in, int64_t order_id,
    const struct oc_cart *c)
{
	enum ny_err rc;
	int i;

	for (i = 0; i < c->n; i++) {
		if (strcmp(c->line[i].kind, "ticket") != 0)
			continue;
		rc = order_reserve(db, order_id, c->line[i].product_id,
		    c->line[i].quantity);
		if (rc == NY_ESTATE)
			return oc_refuse(in, rc, "co.err.soldout");
		if (rc != NY_OK)
			return rc;
	}
	return NY_OK;
}

/*
 * The discount code typed (if any) applied to the cart for customer: its
 * lines' discount_minor and discount_id. NY_OK, NY_EDENIED (*why set by
 * discount_apply_tx) or the db error.
 */
static enum ny_err
order_discount(struct db *db, const struct order_new *in, int64_t customer,
    struct oc_cart *c, int64_t now)
{
	const char *why = NULL;
	enum ny_err rc;

	if (in->discount_code == NULL || in->discount_code[0] == '\0')
		return NY_OK;
	rc = discount_apply_tx(db, in->discount_code, customer, now, c->disc,
	    c->n, &why);
	if (rc == NY_EDENIED)
		return oc_refuse(in, rc, why != NULL ? why :
		    "discount.err.unknown");
	return rc;
}

/* Whether a discount applied to some line of c. */
static int
order_has_discount(const struct oc_cart *c)
{
	int i;

	for (i = 0; i < c->n; i++)
		if (c->disc[i].discount_id > 0)
			return 1;
	return 0;
}

/* The body of order_create, inside its transaction. */
static enum ny_err
order_create_tx(struct db *db, const struct order_new *in, int64_t now,
    struct oc_cart *c, int64_t *id, int *created)
{
	struct order_secrets sec;
	int64_t customer;
	enum ny_err rc;

	if (in->idem_key != NULL &&
	    (rc = order_idem(db, in->idem_key, now, id)) != NY_ENOTFOUND)
		return rc;	/* NY_OK: the same order again */
	if ((rc = oc_cart_read(db, in, c)) != NY_OK)
		return rc;
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
	if ((rc = order_discount(db, in, customer, c, now)) != NY_OK)
		return rc;
	oc_cart_total(c);
	tok_random(16, sec.ref, sizeof sec.ref);
	if (c->total == 0) {
		snprintf(sec.code, sizeof sec.code, "%06u",
		    (unsigned)randombytes_uniform(1000000));
		order_code_hash(sec.ref, sec.code, sec.code_hash);
	}
	if ((rc = order_insert(db, in, customer, c, &sec, now, id)) != NY_OK ||
	    (rc = order_insert_lines(db, *id, c)) != NY_OK ||
	    (rc = order_insert_payment(db, in, *id, c->total, now)) != NY_OK)
		goto out;
	if (order_has_discount(c) && (rc = discount_record_tx(db, *id,
	    customer, c->disc, c->n, now)) != NY_OK)
		goto out;
	if (c->total == 0 && (rc = order_queue_code_tx(db, *id, customer, in,
	    c, sec.code)) != NY_OK)
		goto out;
	if ((rc = order_reserve_all(db, in, *id, c)) != NY_OK)
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
	struct oc_cart *c;
	int64_t id = 0;
	enum ny_err rc;
	int made = 0;

	if (created != NULL)
		*created = 0;
	if (in->why != NULL)
		*in->why = NULL;
	if (in->phone == NULL || in->provider == NULL)
		return NY_EINVAL;
	if ((rc = db_begin(db)) != NY_OK)
		return rc;
	c = xcalloc(1, sizeof *c);
	rc = db_end(db, order_create_tx(db, in, ny_now(), c, &id, &made));
	free(c);
	if (rc != NY_OK)
		return rc;
	if (made)
		metrics_order("pending");
	if (created != NULL)
		*created = made;
	return order_by_id(db, id, out);
}
