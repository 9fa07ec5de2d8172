/*
 * audit.c: the audit log. See audit.h.
 */
#include <stdint.h>
#include <stdlib.h>

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

static enum ny_err
audit_row_fill(void *arg, void *elem, sqlite3_stmt *st)
{
	struct audit_row *r = elem;

	(void)arg;
	r->id = sqlite3_column_int64(st, 0);
	r->at = sqlite3_column_int64(st, 1);
	db_col_buf(st, 2, r->actor, sizeof r->actor);
	db_col_buf(st, 3, r->action, sizeof r->action);
	db_col_buf(st, 4, r->detail, sizeof r->detail);
	db_col_buf(st, 5, r->addr, sizeof r->addr);
	return NY_OK;
}

enum ny_err
audit_list_creator(struct db *db, int64_t creator_id, int64_t before,
    int max, struct audit_row **rows, size_t *n)
{
	/* Walks audit_log_creator backwards from before: max rows read. */
	sqlite3_stmt *st = db_stmt(db, "SELECT id, at, actor, action, detail,"
	    " coalesce(addr, '') FROM audit_log WHERE creator_id = ?1"
	    " AND id < ?2 ORDER BY id DESC LIMIT ?3");
	enum ny_err rc;

	*rows = NULL;
	*n = 0;
	if (st != NULL) {
		sqlite3_bind_int64(st, 1, creator_id);
		sqlite3_bind_int64(st, 2, before > 0 ? before : INT64_MAX);
		sqlite3_bind_int(st, 3, max);
	}
	rc = db_rows(st, 0, rows, n, sizeof **rows, audit_row_fill, NULL);
	if (rc != NY_OK) {
		free(*rows);
		*rows = NULL;
		*n = 0;
	}
	return rc;
}
