/*
 * login.c: login throttling from the login_attempts table (see login.h).
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "audit.h"
#include "log.h"
#include "login.h"

#define LOGIN_HOUR	3600
#define LOGIN_DAY	86400

/*
 * The counters, each a query over login_attempts with ?1 handle, ?2
 * address key, ?3 lower bound of at, ?4 (handle only) the cap less one;
 * each gives count(*) and a time the wait is measured from.
 */
enum login_counter { LC_KEY, LC_PAIR, LC_ADDR, LC_HANDLE };

static const char *const login_sql[] = {
	/* Failures with a key since the handle's last success. */
	[LC_KEY] = "SELECT count(*), coalesce(max(at), 0) FROM login_attempts"
	    " WHERE handle = ?1 AND with_key = 1 AND ok = 0 AND at >= ?3"
	    " AND id > coalesce((SELECT max(id) FROM login_attempts"
	    " WHERE handle = ?1 AND ok = 1 AND at >= ?3), 0)",
	/* Failures of the pair since the pair's last success. */
	[LC_PAIR] = "SELECT count(*), coalesce(max(at), 0) FROM login_attempts"
	    " WHERE handle = ?1 AND addr = ?2 AND ok = 0 AND at >= ?3"
	    " AND id > coalesce((SELECT max(id) FROM login_attempts"
	    " WHERE handle = ?1 AND addr = ?2 AND ok = 1 AND at >= ?3), 0)",
	/* Failures from the address, any handle. */
	[LC_ADDR] = "SELECT count(*), coalesce(max(at), 0) FROM login_attempts"
	    " WHERE addr = ?2 AND ok = 0 AND at >= ?3",
	/* Failures on the handle, any address; the time of the newest one
	 * that must age out before the count drops under the cap. */
	[LC_HANDLE] = "SELECT count(*), coalesce((SELECT at FROM login_attempts"
	    " WHERE handle = ?1 AND ok = 0 AND at >= ?3"
	    " ORDER BY at DESC LIMIT 1 OFFSET ?4), 0) FROM login_attempts"
	    " WHERE handle = ?1 AND ok = 0 AND at >= ?3",
};

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

void
login_addr_key(const char *addr, char *buf, size_t len)
{
	unsigned char a6[16];
	char text[INET6_ADDRSTRLEN];

	snprintf(buf, len, "%s", addr != NULL ? addr : "");
	if (addr == NULL || inet_pton(AF_INET6, addr, a6) != 1)
		return;
	if (memcmp(a6, "\0\0\0\0\0\0\0\0\0\0\xff\xff", 12) == 0) {
		inet_ntop(AF_INET, a6 + 12, text, sizeof text);
		snprintf(buf, len, "%s", text);
		return;
	}
	memset(a6 + 8, 0, 8);
	inet_ntop(AF_INET6, a6, text, sizeof text);
	snprintf(buf, len, "%s/64", text);
}

/*
 * Runs counter which for t (address key akey) since since: *n the count,
 * *at its time. NY_OK or a db error (an aggregate always has its row).
 */
static enum ny_err
login_count(struct db *db, enum login_counter which, const struct login_try *t,
    const char *akey, int64_t since, int *n, int64_t *at)
{
	sqlite3_stmt *st = db_stmt(db, login_sql[which]);
	enum ny_err rc;

	if (st == NULL)
		return NY_EDB;
	sqlite3_bind_text(st, 1, t->handle, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, akey, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, since);
	if (which == LC_HANDLE)
		sqlite3_bind_int(st, 4, LOGIN_HANDLE_HOUR - 1);
	if ((rc = db_found(sqlite3_step(st))) == NY_OK) {
		*n = sqlite3_column_int(st, 0);
		*at = sqlite3_column_int64(st, 1);
	}
	sqlite3_reset(st);
	return rc;
}

/* Raises *worst to the wait growing delays give after n failures. */
static void
login_worse(int64_t *worst, int n, int64_t last, int free, int64_t now)
{
	int64_t w = last + login_delay(n, free) - now;

	if (n >= free && w > *worst)
		*worst = w;
}

/*
 * The limits of login.h for t at now: *wait_s 0 when t may be tried, else
 * the seconds to wait. Returns NY_OK or a db error.
 */
static enum ny_err
login_limits(struct db *db, const struct login_try *t, const char *akey,
    int64_t now, int64_t *wait_s)
{
	int64_t at, worst = 0;
	enum ny_err err;
	int n, pair;

	*wait_s = 0;
	if (t->with_key) {
		if ((err = login_count(db, LC_KEY, t, akey, now - LOGIN_DAY, &n,
		    &at)) != NY_OK)
			return err;
		login_worse(&worst, n, at, LOGIN_KEY_FREE, now);
		*wait_s = worst;
		return NY_OK;
	}
	if ((err = login_count(db, LC_PAIR, t, akey, now - LOGIN_DAY, &pair,
	    &at)) != NY_OK)
		return err;
	login_worse(&worst, pair, at, LOGIN_PAIR_FREE, now);
	if ((err = login_count(db, LC_ADDR, t, akey, now - LOGIN_HOUR, &n,
	    &at)) != NY_OK)
		return err;
	login_worse(&worst, n, at, LOGIN_ADDR_FREE, now);
	if (pair >= LOGIN_TRUST_FAILS) {
		if ((err = login_count(db, LC_HANDLE, t, akey,
		    now - LOGIN_HOUR, &n, &at)) != NY_OK)
			return err;
		/* Under the cap again once the newest counted failure but
		 * LOGIN_HANDLE_HOUR - 1 is older than an hour. */
		if (n >= LOGIN_HANDLE_HOUR && at + LOGIN_HOUR + 1 - now > worst)
			worst = at + LOGIN_HOUR + 1 - now;
	}
	*wait_s = worst;
	return NY_OK;
}

enum ny_err
login_check_allowed(struct db *db, const struct login_try *t, int64_t now,
    int64_t *wait_s)
{
	char akey[64];
	enum ny_err err;

	login_addr_key(t->addr, akey, sizeof akey);
	if ((err = login_limits(db, t, akey, now, wait_s)) != NY_OK)
		return err;
	return *wait_s > 0 ? NY_ELIMIT : NY_OK;
}

/*
 * Inserts one attempt row (in the caller's transaction); *id (may be
 * NULL) gets its id. NY_OK or a db error.
 */
static enum ny_err
login_insert(struct db *db, const struct login_try *t, const char *akey,
    int64_t now, int ok, int64_t *id)
{
	sqlite3_stmt *st = db_stmt(db, "INSERT INTO login_attempts"
	    " (at, handle, addr, ok, with_key) VALUES (?, ?, ?, ?, ?)");
	enum ny_err err;

	if (st == NULL)
		return NY_EDB;
	sqlite3_bind_int64(st, 1, now);
	sqlite3_bind_text(st, 2, t->handle, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, akey, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 4, ok ? 1 : 0);
	sqlite3_bind_int(st, 5, t->with_key ? 1 : 0);
	if ((err = db_done(st)) != NY_OK)
		return err;
	if (id != NULL)
		*id = sqlite3_last_insert_rowid(db_sqlite(db));
	return NY_OK;
}

enum ny_err
login_reserve(struct db *db, const struct login_try *t, int64_t *id,
    int64_t *wait_s)
{
	int64_t now = ny_now();
	char akey[64];
	enum ny_err err;

	*id = 0;
	*wait_s = 0;
	login_addr_key(t->addr, akey, sizeof akey);
	if ((err = db_begin(db)) != NY_OK)
		return err;
	err = login_limits(db, t, akey, now, wait_s);
	if (err == NY_OK && *wait_s > 0)
		err = NY_ELIMIT;
	if (err == NY_OK)
		err = login_insert(db, t, akey, now, 0, id);
	if (err == NY_ELIMIT) {
		db_rollback(db);
		return err;
	}
	return db_end(db, err);
}

/*
 * Inside the transaction: the audit line of a login, for the creator
 * whose handle was tried (none for "setup", "invite" or an unknown
 * handle), so the console's audit viewer shows them their logins and
 * the failed guesses on their handle.
 */
static enum ny_err
login_audit(struct db *db, const struct login_try *t, int ok)
{
	sqlite3_stmt *st = db_stmt(db,
	    "SELECT id FROM creators WHERE handle = ?");
	int64_t creator_id = 0;
	enum ny_err err;

	if (st != NULL)
		sqlite3_bind_text(st, 1, t->handle, -1, SQLITE_STATIC);
	if ((err = db_int64(st, &creator_id)) != NY_OK && err != NY_ENOTFOUND)
		return err;
	return audit_log_for(db, creator_id, "ssh", ok ? "login.ok" :
	    "login.fail", t->handle, t->addr);
}

enum ny_err
login_finish(struct db *db, const struct login_try *t, int64_t id, int ok)
{
	sqlite3_stmt *st;
	enum ny_err err;

	if ((err = db_begin(db)) != NY_OK)
		return err;
	if (ok) {
		st = db_stmt(db, "UPDATE login_attempts SET ok = 1 WHERE id = ?");
		if (st != NULL)
			sqlite3_bind_int64(st, 1, id);
		err = db_done(st);
	}
	if (err == NY_OK)
		err = login_audit(db, t, ok);
	if (err != NY_OK)
		log_error("login record failed", "err=\"%s\"", db_errmsg(db));
	return db_end(db, err);
}

enum ny_err
login_record(struct db *db, const struct login_try *t, int ok)
{
	char akey[64];
	enum ny_err err;

	login_addr_key(t->addr, akey, sizeof akey);
	if ((err = db_begin(db)) != NY_OK)
		return err;
	err = login_insert(db, t, akey, ny_now(), ok, NULL);
	if (err == NY_OK)
		err = login_audit(db, t, ok);
	return db_end(db, err);
}
