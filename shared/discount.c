/*
 * discount.c: discount codes: made and listed for the console, applied
 * and counted inside order_create's transaction. See discount.h.
 *
 * Money: a percentage takes floor(gross × value / 100) off a line, so the
 * creator never gets less than the percentage says (a 15 % code on KES
 * 0.99 takes 0.14, not 0.15); a fixed amount takes min(value, gross) off
 * each matching line (per line, not per unit), so no line goes below 0.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "discount.h"
#include "money.h"
#include "product.h"

enum ny_err
discount_code_norm(const char *in, char *out, size_t len)
{
	size_t i, n;
	char c;

	if (in == NULL || len < DISCOUNT_CODE_MAX + 1)
		return NY_EINVAL;
	while (*in == ' ' || *in == '\t')
		in++;
	n = strlen(in);
	while (n > 0 && (in[n - 1] == ' ' || in[n - 1] == '\t' ||
	    in[n - 1] == '\r' || in[n - 1] == '\n'))
		n--;
	if (n < DISCOUNT_CODE_MIN || n > DISCOUNT_CODE_MAX)
		return NY_EINVAL;
	for (i = 0; i < n; i++) {
		c = in[i];
		if (c >= 'a' && c <= 'z')
			c = (char)(c - 'a' + 'A');
		if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		    c == '_' || c == '-'))
			return NY_EINVAL;
		out[i] = c;
	}
	out[n] = '\0';
	return NY_OK;
}

/*
 * The checks that need no database: NY_OK, or NY_EINVAL with *why.
 * code gets the normalised code.
 */
static enum ny_err
discount_check(const struct discount *d, char *code, const char **why)
{
	*why = "discount.err.code";
	if (discount_code_norm(d->code, code, DISCOUNT_CODE_MAX + 1) != NY_OK)
		return NY_EINVAL;
	if (d->kind == DISCOUNT_PERCENT) {
		*why = "discount.err.percent";
		if (d->value < 1 || d->value > 100)
			return NY_EINVAL;
	} else if (d->kind == DISCOUNT_FIXED) {
		*why = "discount.err.value";
		if (d->value < 1 || d->value > PRODUCT_PRICE_MAX)
			return NY_EINVAL;
		*why = "discount.err.currency";
		if (!money_currency_ok(d->currency))
			return NY_EINVAL;
	} else {
		*why = "discount.err.value";
		return NY_EINVAL;
	}
	*why = "discount.err.dates";
	if (d->starts_at < 0 || d->ends_at < 0 || (d->ends_at > 0 &&
	    (d->ends_at <= d->starts_at || d->ends_at <= ny_now())))
		return NY_EINVAL;
	*why = "discount.err.uses";
	if (d->max_uses < 0 || d->max_per_phone < 0)
		return NY_EINVAL;
	*why = NULL;
	return NY_OK;
}

/*
 * A product-specific code's product must be the creator's, and a fixed
 * amount must be in its currency (it could never apply otherwise).
 */
static enum ny_err
discount_product_ok(struct db *db, const struct discount *d, const char **why)
{
	sqlite3_stmt *st = db_stmt(db, "SELECT currency FROM products"
	    " WHERE id = ? AND creator_id = ?");
	char currency[4] = "";
	int rc;

	if (d->product_id == 0)
		return NY_OK;
	if (st == NULL)
		return NY_EDB;
	sqlite3_bind_int64(st, 1, d->product_id);
	sqlite3_bind_int64(st, 2, d->creator_id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		db_col_buf(st, 0, currency, sizeof currency);
	sqlite3_reset(st);
	if (rc == SQLITE_DONE) {
		*why = "discount.err.product_mine";
		return NY_EINVAL;
	}
	if (rc != SQLITE_ROW)
		return db_err(rc);
	if (d->kind == DISCOUNT_FIXED && strcmp(currency, d->currency) != 0) {
		*why = "discount.err.currency";
		return NY_EINVAL;
	}
	return NY_OK;
}

/* "creator:HANDLE" of creator_id into buf: the audit line's actor. */
static enum ny_err
discount_actor(struct db *db, int64_t creator_id, char *buf, size_t len)
{
	sqlite3_stmt *st = db_stmt(db, "SELECT handle FROM creators"
	    " WHERE id = ?");
	char handle[64] = "";
	int rc;

	if (st == NULL)
		return NY_EDB;
	sqlite3_bind_int64(st, 1, creator_id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		db_col_buf(st, 0, handle, sizeof handle);
	sqlite3_reset(st);
	snprintf(buf, len, "creator:%s", handle);
	return db_found(rc);
}

/* Binds an optional integer: NULL for 0. */
static void
discount_bind_opt(sqlite3_stmt *st, int col, int64_t v)
{
	if (v > 0)
		sqlite3_bind_int64(st, col, v);
	else
		sqlite3_bind_null(st, col);
}

/* discount_create inside its transaction. */
static enum ny_err
discount_create_tx(struct db *db, const struct discount *d, const char *code,
    int64_t *id, const char **why)
{
	sqlite3_stmt *st;
	char actor[80], detail[160];
	int64_t newid;
	enum ny_err rc;

	rc = discount_actor(db, d->creator_id, actor, sizeof actor);
	if (rc == NY_ENOTFOUND) {
		*why = "discount.err.product_mine";
		return NY_EINVAL;
	}
	if (rc != NY_OK || (rc = discount_product_ok(db, d, why)) != NY_OK)
		return rc;
	st = db_stmt(db, "INSERT INTO discount_codes(creator_id, code,"
	    " product_id, kind, value, currency, starts_at, ends_at, max_uses,"
	    " max_per_phone, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?,"
	    " ?, ?)");
	if (st == NULL)
		return NY_EDB;
	sqlite3_bind_int64(st, 1, d->creator_id);
	sqlite3_bind_text(st, 2, code, -1, SQLITE_STATIC);
	discount_bind_opt(st, 3, d->product_id);
	sqlite3_bind_text(st, 4, d->kind == DISCOUNT_PERCENT ? "percent" :
	    "fixed", -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 5, d->value);
	if (d->kind == DISCOUNT_FIXED)
		sqlite3_bind_text(st, 6, d->currency, -1, SQLITE_STATIC);
	discount_bind_opt(st, 7, d->starts_at);
	discount_bind_opt(st, 8, d->ends_at);
	discount_bind_opt(st, 9, d->max_uses);
	discount_bind_opt(st, 10, d->max_per_phone);
	sqlite3_bind_int64(st, 11, ny_now());
	if ((rc = db_done(st)) != NY_OK) {
		if (rc == NY_EEXISTS)
			*why = "discount.err.exists";
		return rc;
	}
	newid = sqlite3_last_insert_rowid(db_sqlite(db));
	if (id != NULL)
		*id = newid;
	/* The code itself stays out: the log is read by operators, the code
	 * may be meant for a few buyers. */
	snprintf(detail, sizeof detail, "id=%lld %s=%lld%s%s product=%lld",
	    (long long)newid, d->kind == DISCOUNT_PERCENT ? "percent" :
	    "fixed", (long long)d->value, d->kind == DISCOUNT_FIXED ? " " : "",
	    d->kind == DISCOUNT_FIXED ? d->currency : "",
	    (long long)d->product_id);
	if ((rc = audit_log_for(db, d->creator_id, actor, "discount.create",
	    detail, NULL)) != NY_OK)
		return rc;
	return db_event(db, "discount", newid, NULL);
}

enum ny_err
discount_create(struct db *db, const struct discount *d, int64_t *id,
    const char **why)
{
	char code[DISCOUNT_CODE_MAX + 1];
	const char *w = NULL;
	enum ny_err rc;

	if (why == NULL)
		why = &w;
	*why = NULL;
	if (d->creator_id <= 0) {
		*why = "discount.err.product_mine";
		return NY_EINVAL;
	}
	if ((rc = discount_check(d, code, why)) != NY_OK)
		return rc;
	if ((rc = db_begin(db)) != NY_OK)
		return rc;
	return db_end(db, discount_create_tx(db, d, code, id, why));
}

enum ny_err
discount_set_enabled(struct db *db, int64_t creator_id, int64_t id, int on)
{
	sqlite3_stmt *st;
	char actor[80], detail[48];
	enum ny_err rc;

	if ((rc = db_begin(db)) != NY_OK)
		return rc;
	/* Turning off keeps the first time it went off; on clears it. */
	st = db_stmt(db, "UPDATE discount_codes SET disabled_at = CASE WHEN ?3"
	    " THEN NULL ELSE coalesce(disabled_at, ?4) END"
	    " WHERE id = ?1 AND creator_id = ?2");
	if (st != NULL) {
		sqlite3_bind_int64(st, 1, id);
		sqlite3_bind_int64(st, 2, creator_id);
		sqlite3_bind_int(st, 3, on ? 1 : 0);
		sqlite3_bind_int64(st, 4, ny_now());
	}
	snprintf(detail, sizeof detail, "id=%lld", (long long)id);
	if ((rc = db_one(st, NY_ENOTFOUND, NULL)) != NY_OK ||
	    (rc = discount_actor(db, creator_id, actor, sizeof actor)) !=
	    NY_OK || (rc = audit_log_for(db, creator_id, actor, on ?
	    "discount.enable" : "discount.disable", detail, NULL)) != NY_OK)
		return db_end(db, rc);
	return db_end(db, db_event(db, "discount", id, NULL));
}

/* Reads one discount_codes row (the columns of discount_list). */
static enum ny_err
discount_fill(void *arg, void *elem, sqlite3_stmt *st)
{
	struct discount *d = elem;

	(void)arg;
	d->id = sqlite3_column_int64(st, 0);
	d->creator_id = sqlite3_column_int64(st, 1);
	db_col_buf(st, 2, d->code, sizeof d->code);
	d->product_id = sqlite3_column_int64(st, 3);
	d->kind = strcmp((const char *)sqlite3_column_text(st, 4),
	    "percent") == 0 ? DISCOUNT_PERCENT : DISCOUNT_FIXED;
	d->value = sqlite3_column_int64(st, 5);
	db_col_buf(st, 6, d->currency, sizeof d->currency);
	d->starts_at = sqlite3_column_int64(st, 7);
	d->ends_at = sqlite3_column_int64(st, 8);
	d->max_uses = sqlite3_column_int64(st, 9);
	d->max_per_phone = sqlite3_column_int64(st, 10);
	d->created_at = sqlite3_column_int64(st, 11);
	d->disabled_at = sqlite3_column_int64(st, 12);
	db_col_buf(st, 13, d->product_title, sizeof d->product_title);
	return NY_OK;
}

/*
 * What the count rows of discount_list are matched against, and which
 * pair of figures a row (id, a, b) carries: uses and paid uses, or (money)
 * revenue and discount of the code's paid lines.
 */
struct discount_set {
	struct discount	*v;
	size_t		 n;
	int		 money;
};

/* db_each callback: one code's pair of figures. */
static enum ny_err
discount_count_row(void *arg, sqlite3_stmt *st)
{
	struct discount_set *s = arg;
	int64_t id = sqlite3_column_int64(st, 0);
	int64_t a = sqlite3_column_int64(st, 1), b = sqlite3_column_int64(st, 2);
	size_t i;

	for (i = 0; i < s->n; i++) {
		if (s->v[i].id != id)
			continue;
		if (s->money) {
			s->v[i].revenue_minor = a;
			s->v[i].discount_minor = b;
		} else {
			s->v[i].uses = a;
			s->v[i].paid_uses = b;
		}
	}
	return NY_OK;
}

/* Fills uses, paid_uses, revenue_minor and discount_minor of s. */
static enum ny_err
discount_counts(struct db *db, int64_t creator_id, struct discount_set *s)
{
	/* The creator's codes by the UNIQUE (creator_id, code) index, each
	 * one's uses by discount_uses' key, the order by id. */
	sqlite3_stmt *st = db_stmt(db, "SELECT d.id, count(*),"
	    " sum(o.status = 'paid') FROM discount_codes d"
	    " JOIN discount_uses u ON u.discount_id = d.id"
	    " JOIN orders o ON o.id = u.order_id"
	    " WHERE d.creator_id = ? AND o.status IN ('pending', 'paid')"
	    " GROUP BY d.id");
	enum ny_err rc;

	if (st == NULL)
		return NY_EDB;
	sqlite3_bind_int64(st, 1, creator_id);
	s->money = 0;
	if ((rc = db_each(st, 0, discount_count_row, s)) != NY_OK)
		return rc;
	/* Lines by the partial index order_lines_discount (the join's
	 * equality implies discount_id IS NOT NULL). */
	st = db_stmt(db, "SELECT d.id, sum(l.amount_minor),"
	    " sum(l.discount_minor) FROM discount_codes d"
	    " JOIN order_lines l ON l.discount_id = d.id"
	    " JOIN orders o ON o.id = l.order_id"
	    " WHERE d.creator_id = ? AND o.status = 'paid' GROUP BY d.id");
	if (st == NULL)
		return NY_EDB;
	sqlite3_bind_int64(st, 1, creator_id);
	s->money = 1;
	return db_each(st, 0, discount_count_row, s);
}

enum ny_err
discount_list(struct db *db, int64_t creator_id, struct discount **out,
    int *n)
{
	sqlite3_stmt *st = db_stmt(db, "SELECT d.id, d.creator_id, d.code,"
	    " coalesce(d.product_id, 0), d.kind, d.value,"
	    " coalesce(d.currency, ''), coalesce(d.starts_at, 0),"
	    " coalesce(d.ends_at, 0), coalesce(d.max_uses, 0),"
	    " coalesce(d.max_per_phone, 0), d.created_at,"
	    " coalesce(d.disabled_at, 0), coalesce(p.title, '')"
	    " FROM discount_codes d LEFT JOIN products p ON p.id = d.product_id"
	    " WHERE d.creator_id = ? ORDER BY d.id DESC");
	struct discount_set s = { NULL, 0, 0 };
	enum ny_err rc;

	*out = NULL;
	*n = 0;
	if (st == NULL)
		return NY_EDB;
	sqlite3_bind_int64(st, 1, creator_id);
	rc = db_rows(st, 0, &s.v, &s.n, sizeof *s.v, discount_fill, NULL);
	if (rc == NY_OK)
		rc = discount_counts(db, creator_id, &s);
	if (rc != NY_OK) {
		free(s.v);
		return rc;
	}
	*out = s.v;
	*n = (int)s.n;
	return NY_OK;
}
