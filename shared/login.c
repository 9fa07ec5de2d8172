/*
 * login.c: login throttling from the login_attempts table (see login.h).
 */
#include <string.h>

#include "audit.h"
#include "log.h"
#include "login.h"

int64_t
login_delay(int n, int free)
{
	int64_t d = 30;
	int i;

	if (n < free)
		return 0;
	for (i = free; i < n && d < LOGIN_MAX_DELAY; i++)
		d *= 2;
	return d > LOGIN_MAX_DELAY ? LOGIN_MAX_DELAY : d;
}

/*
 * Counts failures matching one column since a lower bound, and the time
 * of the newest. For the handle the bound moves up to its last success.
 */
static int
count_failures(struct db *db, int by_handle, const char *value,
    int64_t since, int *n, int64_t *last)
{
	sqlite3_stmt *st;
	int rc;

	st = by_handle ?
	    db_stmt(db, "SELECT count(*), coalesce(max(at), 0) FROM"
		" login_attempts WHERE handle = ?1 AND ok = 0 AND at >= ?2"
		" AND id > coalesce((SELECT max(id) FROM login_attempts"
		" WHERE handle = ?1 AND ok = 1), 0)") :
	    db_stmt(db, "SELECT count(*), coalesce(max(at), 0) FROM"
		" login_attempts WHERE addr = ?1 AND ok = 0 AND at >= ?2");
	if (st == NULL)
		return NY_EDB;
	sqlite3_bind_text(st, 1, value, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, since);
	rc = sqlite3_step(st);
	if (rc != SQLITE_ROW) {
		sqlite3_reset(st);
		return db_err(rc);
	}
	*n = sqlite3_column_int(st, 0);
	*last = sqlite3_column_int64(st, 1);
	sqlite3_reset(st);
	return NY_OK;
}

int
login_check_allowed(struct db *db, const char *handle, const char *addr,
    int64_t now, int64_t *wait_s)
{
	int n, err;
	int64_t last, w, worst = 0;

	err = count_failures(db, 1, handle, now - 86400, &n, &last);
	if (err != NY_OK)
		return err;
	w = last + login_delay(n, LOGIN_HANDLE_FREE) - now;
	if (n >= LOGIN_HANDLE_FREE && w > worst)
		worst = w;
	err = count_failures(db, 0, addr, now - 3600, &n, &last);
	if (err != NY_OK)
		return err;
	w = last + login_delay(n, LOGIN_ADDR_FREE) - now;
	if (n >= LOGIN_ADDR_FREE && w > worst)
		worst = w;
	*wait_s = worst;
	return worst > 0 ? NY_ELIMIT : NY_OK;
}

int
login_record(struct db *db, const char *handle, const char *addr, int ok)
{
	sqlite3_stmt *st;
	int64_t now = ny_now();
	int err;

	if ((err = db_begin(db)) != NY_OK)
		return err;
	st = db_stmt(db, "INSERT INTO login_attempts (at, handle, addr, ok)"
	    " VALUES (?, ?, ?, ?)");
	if (st == NULL)
		goto fail;
	sqlite3_bind_int64(st, 1, now);
	sqlite3_bind_text(st, 2, handle, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, addr, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 4, ok ? 1 : 0);
	if (db_done(st) != NY_OK || audit_log(db, "ssh",
	    ok ? "login.ok" : "login.fail", handle, addr) != NY_OK)
		goto fail;
	return db_commit(db);
fail:
	log_error("login record failed", "err=\"%s\"", db_errmsg(db));
	db_rollback(db);
	return NY_EDB;
}
