/*
 * webhook.c: see webhook.h.
 */
#include "webhook.h"

int
webhook_seen(struct db *db, const char *id)
{
	sqlite3_stmt *st = db_stmt(db,
	    "SELECT 1 FROM webhook_events WHERE id = ?");
	int found = 0;

	if (st == NULL)
		return 0;
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	return db_exists(st, &found) == NY_OK && found;
}

enum ny_err
webhook_record(struct db *db, const char *id, const char *provider,
    const char *type, int64_t order_id)
{
	sqlite3_stmt *st = db_stmt(db, "INSERT OR IGNORE INTO"
	    " webhook_events(id, provider, type, order_id, received_at)"
	    " VALUES (?, ?, ?, nullif(?, 0), ?)");

	if (st == NULL)
		return NY_EDB;
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, provider, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, type, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, order_id);
	sqlite3_bind_int64(st, 5, ny_now());
	return db_done(st);
}
