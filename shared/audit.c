/*
 * audit.c: the audit log. See audit.h.
 */
#include "audit.h"

enum ny_err
audit_log(struct db *db, const char *actor, const char *action,
    const char *detail, const char *addr)
{
	return audit_log_for(db, 0, actor, action, detail, addr);
}

enum ny_err
audit_log_for(struct db *db, int64_t creator_id, const char *actor,
    const char *action, const char *detail, const char *addr)
{
	sqlite3_stmt *st = db_stmt(db, "INSERT INTO audit_log(at, actor, "
	    "action, detail, addr, creator_id) VALUES (?, ?, ?, ?, ?, ?)");

	if (st == NULL)
		return NY_EDB;
	sqlite3_bind_int64(st, 1, ny_now());
	sqlite3_bind_text(st, 2, actor ? actor : "system", -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, action, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, detail ? detail : "", -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, addr, -1, SQLITE_STATIC);
	if (creator_id > 0)
		sqlite3_bind_int64(st, 6, creator_id);
	else
		sqlite3_bind_null(st, 6);
	return db_done(st);
}
