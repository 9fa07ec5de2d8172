/*
 * download.c: download authorisation, limits and the download log. See
 * download.h.
 */
#include <stdio.h>
#include <string.h>

#include "download.h"
#include "entitlement.h"

/*
 * Reads the row of dl_fetch's query into *g; returns the entitlement's
 * state at now.
 */
static enum lib_state
dl_read(sqlite3_stmt *st, int64_t file_id, int64_t now, struct dl_grant *g)
{
	char ostatus[16];

	g->entitlement_id = sqlite3_column_int64(st, 0);
	g->file_id = file_id;
	g->product_id = sqlite3_column_int64(st, 1);
	db_col_buf(st, 2, g->name, sizeof g->name);
	db_col_buf(st, 3, g->sha256, sizeof g->sha256);
	g->size = sqlite3_column_int64(st, 4);
	g->limit = sqlite3_column_int(st, 5);
	db_col_buf(st, 8, ostatus, sizeof ostatus);
	g->used = sqlite3_column_int64(st, 11);
	g->count = download_copies(sqlite3_column_int(st, 9), g->used, g->size);
	db_col_buf(st, 10, g->mime, sizeof g->mime);
	return entitlement_state(now, sqlite3_column_int64(st, 6),
	    sqlite3_column_int(st, 7), ostatus);
}

/*
 * The file and the customer's entitlement to its product into *g. ent_id
 * > 0 selects by entitlement (signed URLs), else by customer. NY_OK,
 * NY_ENOTFOUND, NY_EDENIED (not active now) or the mapped error.
 */
static enum ny_err
dl_fetch(struct db *db, int64_t customer_id, int64_t ent_id, int64_t file_id,
    int64_t now, struct dl_grant *g)
{
	sqlite3_stmt *st = db_stmt(db,
	    "SELECT e.id, f.product_id, f.name, f.sha256, coalesce(b.size, 0),"
	    " coalesce(p.download_limit, 0), coalesce(e.expires_at, 0),"
	    " e.revoked_at IS NOT NULL, o.status,"
	    " (SELECT count(*) FROM downloads d WHERE d.entitlement_id = e.id"
	    "  AND d.file_id = f.id AND d.at >= e.downloads_reset_at),"
	    " coalesce(b.mime, 'application/octet-stream'),"
	    " (SELECT coalesce(sum(coalesce(d.bytes, b.size)), 0) FROM downloads d"
	    "  WHERE d.entitlement_id = e.id AND d.file_id = f.id"
	    "  AND d.at >= e.downloads_reset_at)"
	    " FROM product_files f JOIN products p ON p.id = f.product_id"
	    " JOIN entitlements e ON e.product_id = f.product_id"
	    " JOIN orders o ON o.id = e.order_id"
	    " LEFT JOIN blobs b ON b.sha256 = f.sha256"
	    " WHERE f.id = ?1 AND (e.id = ?2 OR (?2 = 0 AND e.customer_id = ?3))");
	enum lib_state state = LIB_ACTIVE;
	int rc;

	if (st == NULL)
		return NY_EDB;
	memset(g, 0, sizeof *g);
	sqlite3_bind_int64(st, 1, file_id);
	sqlite3_bind_int64(st, 2, ent_id);
	sqlite3_bind_int64(st, 3, customer_id);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW)
		state = dl_read(st, file_id, now, g);
	sqlite3_reset(st);
	if (rc != SQLITE_ROW)
		return db_found(rc);
	return state == LIB_ACTIVE ? NY_OK : NY_EDENIED;
}

enum ny_err
download_authorize(struct db *db, int64_t customer_id, int64_t file_id,
    int64_t now, struct dl_grant *g)
{
	enum ny_err rc;

	if (customer_id <= 0)
		return NY_ENOTFOUND;
	if ((rc = dl_fetch(db, customer_id, 0, file_id, now, g)) != NY_OK)
		return rc;
	return download_limited(g) ? NY_ELIMIT : NY_OK;
}

enum ny_err
download_lookup(struct db *db, int64_t entitlement_id, int64_t file_id,
    int64_t now, struct dl_grant *g)
{
	if (entitlement_id <= 0)
		return NY_ENOTFOUND;
	return dl_fetch(db, 0, entitlement_id, file_id, now, g);
}

int
download_copies(int rows, int64_t used, int64_t size)
{
	if (size <= 0)
		return rows;
	/* To the nearest copy: a resumed copy (a little over one) is one,
	 * and "bytes=1-" (one byte short) is one too. */
	return (int)((used + size / 2) / size);
}

int
download_limited(const struct dl_grant *g)
{
	if (g->limit <= 0)
		return 0;
	/* Reached when no whole copy fits in the budget any more. */
	return g->count >= g->limit;
}

enum ny_err
download_sent(struct db *db, int64_t entitlement_id, int64_t file_id,
    int64_t *bytes)
{
	sqlite3_stmt *st = db_stmt(db,
	    "SELECT coalesce(sum(coalesce(d.bytes, b.size)), 0)"
	    " FROM downloads d JOIN entitlements e ON e.id = d.entitlement_id"
	    " JOIN product_files f ON f.id = d.file_id"
	    " LEFT JOIN blobs b ON b.sha256 = f.sha256"
	    " WHERE d.entitlement_id = ? AND d.file_id = ?"
	    " AND d.at >= e.downloads_reset_at");

	*bytes = 0;
	if (st != NULL) {
		sqlite3_bind_int64(st, 1, entitlement_id);
		sqlite3_bind_int64(st, 2, file_id);
	}
	/* An aggregate always has its one row. */
	return db_int64(st, bytes);
}

int64_t
download_budget(const struct dl_grant *g)
{
	return (int64_t)g->limit * g->size + g->size / 2;
}

enum ny_err
download_log(struct db *db, int64_t entitlement_id, int64_t file_id,
    const char *addr, int64_t now, int64_t bytes)
{
	sqlite3_stmt *st;
	enum ny_err rc;

	if ((rc = db_begin(db)) != NY_OK)
		return rc;
	st = db_stmt(db, "INSERT INTO downloads (entitlement_id, file_id, at,"
	    " addr, bytes) VALUES (?, ?, ?, ?, ?)");
	if (st != NULL) {
		sqlite3_bind_int64(st, 1, entitlement_id);
		sqlite3_bind_int64(st, 2, file_id);
		sqlite3_bind_int64(st, 3, now);
		if (addr != NULL)
			sqlite3_bind_text(st, 4, addr, -1, SQLITE_TRANSIENT);
		if (bytes >= 0)
			sqlite3_bind_int64(st, 5, bytes);
	}
	if ((rc = db_done(st)) == NY_OK)
		rc = db_event(db, "download", entitlement_id, NULL);
	return db_end(db, rc);
}

enum ny_err
download_reset(struct db *db, int64_t customer_id, int64_t product_id,
    int64_t now)
{
	sqlite3_stmt *st;
	enum ny_err rc;

	if ((rc = db_begin(db)) != NY_OK)
		return rc;
	/* now + 1: the downloads logged in this very second are before it. */
	st = db_stmt(db, "UPDATE entitlements SET downloads_reset_at = ?"
	    " WHERE customer_id = ? AND product_id = ?");
	if (st != NULL) {
		sqlite3_bind_int64(st, 1, now + 1);
		sqlite3_bind_int64(st, 2, customer_id);
		sqlite3_bind_int64(st, 3, product_id);
	}
	return db_end(db, db_one(st, NY_ENOTFOUND, NULL));
}

void
download_sign_msg(int64_t file_id, int64_t entitlement_id, int64_t exp,
    char *out, size_t len)
{
	snprintf(out, len, "dl:%lld:%lld:%lld", (long long)file_id,
	    (long long)entitlement_id, (long long)exp);
}
