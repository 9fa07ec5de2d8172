/*
 * order.c: the status table, reading orders, a free order's code check,
 * refunds and the checkout form check. Creating orders is order-create.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "order-int.h"
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

enum ny_err
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

#define ORDER_COLS \
	"SELECT o.id, o.ref, o.customer_id, o.product_id, o.quantity," \
	" o.amount_minor, o.currency, o.status, o.locale," \
	" coalesce(o.failure, ''), o.created_at, o.updated_at, o.expires_at," \
	" coalesce(o.paid_at, 0), c.phone, p.slug, p.kind," \
	" p.title || (SELECT CASE WHEN count(*) > 1" \
	"  THEN ' +' || (count(*) - 1) ELSE '' END FROM order_lines l" \
	"  WHERE l.order_id = o.id)," \
	" coalesce(y.id, 0), coalesce(y.status, ''), coalesce(y.provider, '')," \
	" o.browser_hash IS NOT NULL "
#define ORDER_SELECT ORDER_COLS \
	" FROM orders o JOIN customers c ON c.id = o.customer_id" \
	" JOIN products p ON p.id = o.product_id" \
	" LEFT JOIN payments y ON y.order_id = o.id "

static void
order_row(sqlite3_stmt *st, struct order *o)
{
	char status[16];

	memset(o, 0, sizeof *o);
	o->id = sqlite3_column_int64(st, 0);
	db_col_buf(st, 1, o->ref, sizeof o->ref);
	o->customer_id = sqlite3_column_int64(st, 2);
	o->product_id = sqlite3_column_int64(st, 3);
	o->quantity = sqlite3_column_int(st, 4);
	o->amount_minor = sqlite3_column_int64(st, 5);
	db_col_buf(st, 6, o->currency, sizeof o->currency);
	db_col_buf(st, 7, status, sizeof status);
	if (order_status_parse(status, &o->status) != NY_OK)
		o->status = ORDER_FAILED;
	db_col_buf(st, 8, o->locale, sizeof o->locale);
	db_col_buf(st, 9, o->failure, sizeof o->failure);
	o->created_at = sqlite3_column_int64(st, 10);
	o->updated_at = sqlite3_column_int64(st, 11);
	o->expires_at = sqlite3_column_int64(st, 12);
	o->paid_at = sqlite3_column_int64(st, 13);
	db_col_buf(st, 14, o->phone, sizeof o->phone);
	phone_display(o->phone, 1, o->phone_masked, sizeof o->phone_masked);
	db_col_buf(st, 15, o->product_slug, sizeof o->product_slug);
	db_col_buf(st, 16, o->product_kind, sizeof o->product_kind);
	db_col_buf(st, 17, o->product_title, sizeof o->product_title);
	o->payment_id = sqlite3_column_int64(st, 18);
	db_col_buf(st, 19, o->payment_status, sizeof o->payment_status);
	db_col_buf(st, 20, o->provider, sizeof o->provider);
	o->has_browser = sqlite3_column_int(st, 21);
}

/* Steps st (bound, one order) into *out: NY_OK, NY_ENOTFOUND, db error. */
static enum ny_err
order_read_one(sqlite3_stmt *st, struct order *out)
{
	int rc;

	if (st == NULL)
		return NY_EDB;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		order_row(st, out);
	sqlite3_reset(st);
	return db_found(rc);
}

enum ny_err
order_by_ref(struct db *db, const char *ref, struct order *out)
{
	sqlite3_stmt *st = db_stmt(db, ORDER_SELECT "WHERE o.ref = ?");

	if (st == NULL)
		return NY_EDB;
	sqlite3_bind_text(st, 1, ref, -1, SQLITE_STATIC);
	return order_read_one(st, out);
}

enum ny_err
order_by_id(struct db *db, int64_t id, struct order *out)
{
	sqlite3_stmt *st = db_stmt(db, ORDER_SELECT "WHERE o.id = ?");

	if (st == NULL)
		return NY_EDB;
	sqlite3_bind_int64(st, 1, id);
	return order_read_one(st, out);
}

/* db_rows callback: one order row into the array element. */
static enum ny_err
order_fill(void *arg, void *elem, sqlite3_stmt *st)
{
	(void)arg;
	order_row(st, elem);
	return NY_OK;
}

/*
 * Steps st into a new array of at most max orders (*out, caller frees;
 * NULL when max ≤ 0). On an error nothing is returned.
 */
static enum ny_err
order_read_list(sqlite3_stmt *st, int max, struct order **out, int *n)
{
	size_t got = 0;
	enum ny_err rc;

	*out = NULL;
	*n = 0;
	if (st == NULL)
		return NY_EDB;
	if (max <= 0) {
		sqlite3_reset(st);
		return NY_OK;
	}
	if ((rc = db_rows(st, (size_t)max, out, &got, sizeof **out,
	    order_fill, NULL)) != NY_OK) {
		free(*out);
		*out = NULL;
		return rc;
	}
	*n = (int)got;
	return NY_OK;
}

enum ny_err
order_list_find(struct db *db, const struct order_find *f, int max,
    struct order **out, int *n)
{
	enum order_status s;
	sqlite3_stmt *st;
	char key[16];
	const char *text = f->text != NULL && f->text[0] != '\0' ? f->text :
	    NULL;

	*out = NULL;
	*n = 0;
	if (f->creator_id <= 0 ||
	    (f->status != NULL && order_status_parse(f->status, &s) != NY_OK))
		return NY_EINVAL;
	/*
	 * A creator sees the orders with a line of theirs, as their share:
	 * the sum of their lines, their first line's product ("Title +N"
	 * when they have several; min(l.id), the query's only min or max,
	 * makes the bare columns that line's). CROSS JOIN keeps their lines first (order_lines_creator,
	 * grouped in index order), then each order by its key, sorted in a
	 * temporary tree. Walking orders_created backwards would read every
	 * shop's orders to find one creator's match for a search. Product
	 * and title filters look at any of their lines (HAVING).
	 */
	st = db_stmt(db, "SELECT o.id, o.ref, o.customer_id, l.product_id,"
	    " l.quantity, sum(l.amount_minor), o.currency, o.status, o.locale,"
	    " coalesce(o.failure, ''), o.created_at, o.updated_at,"
	    " o.expires_at, coalesce(o.paid_at, 0), c.phone, p.slug, p.kind,"
	    " p.title || CASE WHEN count(*) > 1 THEN ' +' || (count(*) - 1)"
	    " ELSE '' END,"
	    " coalesce(y.id, 0), coalesce(y.status, ''),"
	    " coalesce(y.provider, ''), o.browser_hash IS NOT NULL, min(l.id)"
	    " FROM order_lines l CROSS JOIN orders o ON o.id = l.order_id"
	    " JOIN products p ON p.id = l.product_id"
	    " JOIN customers c ON c.id = o.customer_id"
	    " LEFT JOIN payments y ON y.order_id = o.id"
	    " WHERE l.creator_id = ?1 AND (?2 IS NULL OR o.status = ?2)"
	    " GROUP BY l.order_id"
	    " HAVING (?3 = 0 OR sum(l.product_id = ?3) > 0)"
	    " AND (?4 IS NULL OR instr(lower(o.ref), lower(?4)) > 0"
	    " OR sum(instr(lower(p.title), lower(?4)) > 0) > 0"
	    " OR " PHONE_SEARCH_SQL("c.phone", "?5") ")"
	    " ORDER BY o.created_at DESC, o.id DESC LIMIT ?6");
	if (st == NULL)
		return NY_EDB;
	sqlite3_bind_int64(st, 1, f->creator_id);
	if (f->status != NULL)
		sqlite3_bind_text(st, 2, f->status, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, f->product_id);
	if (text != NULL)
		sqlite3_bind_text(st, 4, text, -1, SQLITE_STATIC);
	if (phone_search_key(text, NULL, key, sizeof key))
		sqlite3_bind_text(st, 5, key, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int(st, 6, max);
	return order_read_list(st, max, out, n);
}

enum ny_err
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

/*
 * Column 0 of the one-row query sql (a literal, for the statement cache)
 * with ?1 = a into *v (0 when no row). Returns NY_OK, NY_ENOTFOUND or the
 * db error.
 */
static enum ny_err
order_scalar(struct db *db, const char *sql, int64_t a, int64_t *v)
{
	sqlite3_stmt *st = db_stmt(db, sql);

	*v = 0;
	if (st == NULL)
		return NY_EDB;
	sqlite3_bind_int64(st, 1, a);
	return db_int64(st, v);
}

enum ny_err
order_seats_left(struct db *db, int64_t product_id, int64_t *left)
{
	int64_t v;
	enum ny_err rc;

	/* Paid orders' lines hold their seats for good (refunded ones give
	 * them back); pending ones hold them through their reservation row
	 * (one per ticket line). */
	rc = order_scalar(db, "SELECT p.capacity"
	    " - (SELECT coalesce(sum(l.quantity), 0) FROM order_lines l"
	    "    CROSS JOIN orders o ON o.id = l.order_id"
	    "    WHERE l.product_id = p.id AND o.status = 'paid')"
	    " - (SELECT coalesce(sum(r.seats), 0) FROM reservations r"
	    "    WHERE r.product_id = p.id)"
	    " FROM products p WHERE p.id = ? AND p.capacity IS NOT NULL",
	    product_id, &v);
	*left = v > 0 ? v : 0;
	return rc;
}

/* db_rows callback: one order_lines row. */
static enum ny_err
order_line_fill(void *arg, void *elem, sqlite3_stmt *st)
{
	struct order_line *l = elem;

	(void)arg;
	l->product_id = sqlite3_column_int64(st, 0);
	l->creator_id = sqlite3_column_int64(st, 1);
	l->quantity = sqlite3_column_int(st, 2);
	l->unit_minor = sqlite3_column_int64(st, 3);
	l->discount_minor = sqlite3_column_int64(st, 4);
	l->amount_minor = sqlite3_column_int64(st, 5);
	l->period_days = sqlite3_column_int(st, 6);
	db_col_buf(st, 7, l->kind, sizeof l->kind);
	db_col_buf(st, 8, l->slug, sizeof l->slug);
	db_col_buf(st, 9, l->title, sizeof l->title);
	return NY_OK;
}

enum ny_err
order_lines_get(struct db *db, int64_t order_id, int64_t creator_id,
    struct order_line **out, int *n)
{
	/* The first line (orders.product_id) first, then as inserted. */
	sqlite3_stmt *st = db_stmt(db, "SELECT l.product_id, l.creator_id,"
	    " l.quantity, l.unit_minor, l.discount_minor, l.amount_minor,"
	    " coalesce(p.period_days, 0), p.kind, p.slug, p.title"
	    " FROM order_lines l JOIN orders o ON o.id = l.order_id"
	    " JOIN products p ON p.id = l.product_id"
	    " WHERE l.order_id = ?1 AND (?2 <= 0 OR l.creator_id = ?2)"
	    " ORDER BY l.product_id <> o.product_id, l.id");
	size_t got = 0;
	enum ny_err rc;

	*out = NULL;
	*n = 0;
	if (st == NULL)
		return NY_EDB;
	sqlite3_bind_int64(st, 1, order_id);
	sqlite3_bind_int64(st, 2, creator_id);
	if ((rc = db_rows(st, ORDER_MAX_LINES + 1, out, &got, sizeof **out,
	    order_line_fill, NULL)) != NY_OK) {
		free(*out);
		*out = NULL;
		return rc;
	}
	*n = (int)got;
	return NY_OK;
}

void
order_lines_title(const struct order_line *l, int n, char *buf, size_t len)
{
	char more[16] = "";
	size_t cut, ml;

	if (len == 0)
		return;
	buf[0] = '\0';
	if (n <= 0)
		return;
	if (n > 1)
		snprintf(more, sizeof more, " +%d", n - 1);
	ml = strlen(more);
	if (ml >= len)
		return;
	/* The title gives way to the count, at a character boundary. */
	cut = strlen(l[0].title);
	if (cut > len - 1 - ml) {
		cut = len - 1 - ml;
		while (cut > 0 && ((unsigned char)l[0].title[cut] & 0xc0) ==
		    0x80)
			cut--;
	}
	memcpy(buf, l[0].title, cut);
	memcpy(buf + cut, more, ml + 1);
}

void
order_browser_hash(const char *browser, unsigned char out[TOK_HASH_LEN])
{
	tok_hash_ctx("browser", browser, out);
}

void
order_code_hash(const char *ref, const char *code,
    unsigned char out[TOK_HASH_LEN])
{
	char ctx[ORDER_REF_LEN + 16];

	snprintf(ctx, sizeof ctx, "confirm:%s", ref);
	tok_hash_ctx(ctx, code, out);
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

/*
 * Inside order_confirm's transaction: counts the try, then compares.
 * Returns as order_confirm.
 */
static enum ny_err
order_confirm_tx(struct db *db, int64_t order_id, const char *code,
    int64_t now)
{
	sqlite3_stmt *st = db_stmt(db, "SELECT ref, confirm_hash, confirm_tries"
	    " FROM orders WHERE id = ? AND status = 'pending' AND amount_minor = 0"
	    " AND expires_at > ?");
	unsigned char h[TOK_HASH_LEN], stored[TOK_HASH_LEN];
	char ref[ORDER_REF_LEN + 2];
	int rc, tries = 0, have = 0;
	enum ny_err err;

	if (st == NULL)
		return NY_EDB;
	sqlite3_bind_int64(st, 1, order_id);
	sqlite3_bind_int64(st, 2, now);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		db_col_buf(st, 0, ref, sizeof ref);
		if ((have = sqlite3_column_bytes(st, 1) == TOK_HASH_LEN))
			memcpy(stored, sqlite3_column_blob(st, 1), TOK_HASH_LEN);
		tries = sqlite3_column_int(st, 2);
	}
	sqlite3_reset(st);
	/* No such pending free order in time: nothing to confirm. */
	if ((err = db_found(rc)) != NY_OK)
		return err == NY_ENOTFOUND ? NY_ESTATE : err;
	if (!have || tries >= ORDER_CONFIRM_TRIES)
		return NY_ELIMIT;
	if ((st = db_stmt(db, "UPDATE orders SET confirm_tries ="
	    " confirm_tries + 1 WHERE id = ?")) == NULL)
		return NY_EDB;
	sqlite3_bind_int64(st, 1, order_id);
	if ((err = db_done(st)) != NY_OK)
		return err;
	order_code_hash(ref, code, h);
	if (sodium_memcmp(h, stored, TOK_HASH_LEN) == 0)
		return NY_OK;
	return tries + 1 >= ORDER_CONFIRM_TRIES ? NY_ELIMIT : NY_EDENIED;
}

enum ny_err
order_confirm(struct db *db, int64_t order_id, const char *code)
{
	enum ny_err rc, err;
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
	err = db_end(db, rc == NY_EDENIED || rc == NY_ELIMIT ? NY_OK : rc);
	return err != NY_OK ? err : rc;
}

enum ny_err
order_library_key(struct db *db, int64_t customer_id, int64_t *key_id)
{
	return order_scalar(db, "SELECT id FROM library_keys"
	    " WHERE customer_id = ? AND revoked_at IS NULL AND email IS NULL", customer_id, key_id);
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

enum ny_err
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
