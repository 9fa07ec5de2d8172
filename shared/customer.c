/*
 * customer.c: buyers by phone. See customer.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "customer.h"
#include "phone.h"

static int
e164_ok(const char *s)
{
	size_t n = s ? strlen(s) : 0;

	if (n < 8 || n > 15 || s[0] == '0')
		return 0;
	return strspn(s, "0123456789") == n;
}

enum ny_err
customer_upsert_tx(struct db *db, const char *e164, const char *locale,
    int64_t *id)
{
	sqlite3_stmt *st;

	if (!e164_ok(e164) || (locale != NULL && strcmp(locale, "en") != 0 &&
	    strcmp(locale, "sw") != 0))
		return NY_EINVAL;
	/* The no-op DO UPDATE makes RETURNING give the existing row too. */
	st = db_stmt(db, "INSERT INTO customers(phone, locale, created_at) "
	    "VALUES (?1, coalesce(?2, 'en'), ?3) ON CONFLICT(phone) DO UPDATE "
	    "SET locale = coalesce(?2, locale) RETURNING id");
	if (st == NULL)
		return NY_EDB;
	sqlite3_bind_text(st, 1, e164, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, locale, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, ny_now());
	/* RETURNING: the row is written by the first step; its one row
	 * always comes (the upsert either inserts or updates). */
	return db_int64(st, id);
}

enum ny_err
customer_email_set_tx(struct db *db, int64_t id, const char *email)
{
	sqlite3_stmt *st = db_stmt(db, "UPDATE customers SET email = ?"
	    " WHERE id = ?");

	if (st == NULL)
		return NY_EDB;
	sqlite3_bind_text(st, 1, email, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, id);
	return db_done(st);
}

/* Steps st (bound, one customer) into *out: NY_OK, NY_ENOTFOUND, error. */
static enum ny_err
customer_get(sqlite3_stmt *st, struct customer *out)
{
	int rc;

	if (st == NULL)
		return NY_EDB;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		memset(out, 0, sizeof *out);
		out->id = sqlite3_column_int64(st, 0);
		db_col_buf(st, 1, out->phone, sizeof out->phone);
		db_col_buf(st, 2, out->locale, sizeof out->locale);
		out->created_at = sqlite3_column_int64(st, 3);
	}
	sqlite3_reset(st);
	return db_found(rc);
}

enum ny_err
customer_by_phone(struct db *db, const char *e164, struct customer *out)
{
	sqlite3_stmt *st = db_stmt(db, "SELECT id, phone, locale, created_at "
	    "FROM customers WHERE phone = ?");

	if (st != NULL)
		sqlite3_bind_text(st, 1, e164, -1, SQLITE_STATIC);
	return customer_get(st, out);
}

enum ny_err
customer_by_id(struct db *db, int64_t id, struct customer *out)
{
	sqlite3_stmt *st = db_stmt(db, "SELECT id, phone, locale, created_at "
	    "FROM customers WHERE id = ?");

	if (st != NULL)
		sqlite3_bind_int64(st, 1, id);
	return customer_get(st, out);
}

/* Adds the current row (one customer and currency) to r. */
static void
customer_add_row(sqlite3_stmt *st, struct customer_row *r)
{
	struct customer_total *t;

	r->orders += sqlite3_column_int(st, 4);
	if (r->ncur >= CUSTOMER_NCUR)
		return;		/* the schema allows no more currencies */
	t = &r->total[r->ncur++];
	db_col_buf(st, 3, t->currency, sizeof t->currency);
	t->minor = sqlite3_column_int64(st, 5);
}

/* Steps st (rows by customer, then currency) into at most max customers. */
static enum ny_err
customer_read_rows(sqlite3_stmt *st, int max, struct customer_row **out,
    int *n)
{
	struct customer_row *v = NULL, *r = NULL;
	int rc;

	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (r == NULL || r->id != sqlite3_column_int64(st, 0)) {
			if (*n >= max)
				break;
			v = xrealloc(v, ((size_t)*n + 1) * sizeof *v);
			r = &v[(*n)++];
			memset(r, 0, sizeof *r);
			r->id = sqlite3_column_int64(st, 0);
			db_col_buf(st, 1, r->phone, sizeof r->phone);
			phone_display(r->phone, 1, r->phone_masked,
			    sizeof r->phone_masked);
			db_col_buf(st, 2, r->locale, sizeof r->locale);
			r->last_at = sqlite3_column_int64(st, 6);
		}
		customer_add_row(st, r);
	}
	sqlite3_reset(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		free(v);
		*n = 0;
		return NY_EDB;
	}
	*out = v;
	return NY_OK;
}

enum ny_err
customer_list(struct db *db, int64_t creator_id, const char *search,
    int max, struct customer_row **out, int *n)
{
	sqlite3_stmt *st;
	char key[16];

	*out = NULL;
	*n = 0;
	if (creator_id <= 0)
		return NY_EINVAL;
	if (max <= 0)
		return NY_OK;
	if (search != NULL && search[0] != '\0' &&
	    !phone_search_key(search, NULL, key, sizeof key))
		return NY_OK;	/* nothing a masked phone may be found by */
	/*
	 * One row per customer and currency, the customer's latest
	 * purchase repeated on each (a window over the groups) so that a
	 * customer's rows stay together in the order of recency. The
	 * creator's lines first (CROSS JOIN): order_lines_creator, then
	 * each order by its key, never every order of the shop. Orders
	 * counted once each; spent is the sum of their lines (a cart
	 * shared with other creators: their share).
	 */
	st = db_stmt(db, "SELECT c.id, c.phone, c.locale, o.currency,"
	    " count(DISTINCT o.id), sum(l.amount_minor),"
	    " max(max(coalesce(o.paid_at, o.created_at)))"
	    " OVER (PARTITION BY c.id) AS last"
	    " FROM order_lines l CROSS JOIN orders o"
	    " ON o.id = l.order_id AND o.status = 'paid'"
	    " JOIN customers c ON c.id = o.customer_id"
	    " WHERE l.creator_id = ?1"
	    " AND (?2 IS NULL OR " PHONE_SEARCH_SQL("c.phone", "?2") ")"
	    " GROUP BY c.id, o.currency"
	    " ORDER BY last DESC, c.id DESC, o.currency");
	if (st == NULL)
		return NY_EDB;
	sqlite3_bind_int64(st, 1, creator_id);
	if (search != NULL && search[0] != '\0')
		sqlite3_bind_text(st, 2, key, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(st, 2);
	return customer_read_rows(st, max, out, n);
}
