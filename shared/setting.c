/*
 * setting.c: the settings table. See setting.h.
 */
#include "setting.h"

enum ny_err
setting_get(struct db *db, const char *key, char **out)
{
	sqlite3_stmt *st = db_stmt(db, "SELECT value FROM settings WHERE key = ?");
	int rc;

	if (st == NULL)
		return NY_EDB;
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*out = db_col_str(st, 0);
	sqlite3_reset(st);
	return db_found(rc);
}

enum ny_err
setting_put(struct db *db, const char *key, const char *value)
{
	sqlite3_stmt *st = db_stmt(db, "INSERT INTO settings(key, value) "
	    "VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value");

	if (st != NULL) {
		sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, value, -1, SQLITE_STATIC);
	}
	return db_done(st);
}

enum ny_err
setting_delete(struct db *db, const char *key)
{
	sqlite3_stmt *st = db_stmt(db, "DELETE FROM settings WHERE key = ?");

	if (st != NULL)
		sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	return db_done(st);
}
