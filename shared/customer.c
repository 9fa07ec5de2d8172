/*
 * customer.c: buyers by phone. See customer.h.
 */
#include <stdio.h>
#include <string.h>

#include "customer.h"

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
