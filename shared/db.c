/*
 * db.c: connection set-up, the statement cache, transactions, events,
 * change detection and backup. The migration runner is in db-migrate.c.
 *
 * Debug hook: with NYOTA_SQL_TRACE=FILE in the environment, each SQL text
 * db_stmt compiles is appended to FILE, once per connection (the cache
 * compiles a text once), one line per statement: the source file that
 * prepared it, a tab, the SQL. The unit run collects the suite's SQL this
 * way and test-schema checks the query plan of every statement the code
 * really prepares (tests/run-unit.sh).
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "db.h"
#include "log.h"

/*
 * Open-addressed; more distinct statements than this is a bug. The code
 * has about 160 SQL texts in all and one connection (a test binary, a
 * console session) may touch most of them: keep the table under half full.
 */
#define DB_CACHE 1024

struct db_slot {
	const char	*sql;
	sqlite3_stmt	*st;
};

struct db {
	sqlite3		*h;
	struct db_slot	 cache[DB_CACHE];
	int64_t		 data_version;	/* -1 before the first db_changed */
	int		 fault_busy;	/* >0: count down, fail at 1 */
	int		 trace_fd;	/* NYOTA_SQL_TRACE file, or -1 */
};

enum ny_err
db_err(int rc)
{
	switch (rc & 0xff) {
	case SQLITE_OK:
	case SQLITE_DONE:
	case SQLITE_ROW:
		return NY_OK;
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		return NY_EBUSY;
	case SQLITE_CONSTRAINT:
		if (rc == SQLITE_CONSTRAINT_UNIQUE ||
		    rc == SQLITE_CONSTRAINT_PRIMARYKEY)
			return NY_EEXISTS;
		return NY_EINVAL;
	case SQLITE_NOTFOUND:
		return NY_ENOTFOUND;
	default:
		return NY_EDB;
	}
}

enum ny_err
db_found(int rc)
{
	if (rc == SQLITE_ROW)
		return NY_OK;
	return rc == SQLITE_DONE ? NY_ENOTFOUND : db_err(rc);
}

/*
 * The NYOTA_SQL_TRACE file opened for appending, or -1 when the variable
 * is unset or empty (the normal case: tracing then costs one compare per
 * compiled statement) or the file cannot be opened (tracing is a test aid,
 * never a reason to refuse a connection).
 */
static int
db_trace_open(void)
{
	const char *f = getenv("NYOTA_SQL_TRACE");

	if (f == NULL || *f == '\0')
		return -1;
	return open(f, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
}

/*
 * Appends "file<TAB>sql" to the trace as one line; in sql a backslash is
 * written as two, a newline as backslash-n and a tab as backslash-t, so a
 * statement written over several lines stays one record. One write(2)
 * per record: with O_APPEND, records of concurrent processes (the servers
 * of an integration test) do not interleave.
 */
static void
db_trace(int fd, const char *file, const char *sql)
{
	struct ny_buf b;
	const char *p;

	buf_init(&b, 0);
	buf_printf(&b, "%s\t", file);
	for (p = sql; *p != '\0'; p++) {
		if (*p == '\\')
			buf_adds(&b, "\\\\");
		else if (*p == '\n')
			buf_adds(&b, "\\n");
		else if (*p == '\t')
			buf_adds(&b, "\\t");
		else
			buf_add(&b, p, 1);
	}
	buf_add(&b, "\n", 1);
	if (write(fd, b.data, b.len) != (ssize_t)b.len)
		log_warn("sql trace write failed", "fd=%d", fd);
	buf_free(&b);
}

enum ny_err
db_open(const char *path, struct db **out, char **cause)
{
	struct db *db = xcalloc(1, sizeof *db);
	int rc;

	*out = NULL;
	db->data_version = -1;
	db->trace_fd = -1;
	/* Created 0600 before SQLite does it with 0644 & ~umask: the file
	 * holds sealed secrets and buyers' phone numbers. SQLite gives -wal
	 * and -shm the main file's mode. An existing file keeps its mode
	 * (app_secure tightens it); a failure here is SQLite's to report.
	 * O_EXCL matters: opening and closing a database file this process
	 * already has open would drop SQLite's POSIX locks on it (they are
	 * per process), which corrupts the other connections' locking. */
	if (path[0] != '\0' && path[0] != ':') {
		int fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);

		if (fd >= 0)
			close(fd);
	}
	rc = sqlite3_open_v2(path, &db->h, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);
	if (rc != SQLITE_OK) {
		*cause = xasprintf("%s: %s", path, db->h ?
		    sqlite3_errmsg(db->h) : sqlite3_errstr(rc));
		goto err;
	}
	sqlite3_extended_result_codes(db->h, 1);
	sqlite3_busy_timeout(db->h, 5000);
	rc = sqlite3_exec(db->h, "PRAGMA journal_mode=WAL;"
	    "PRAGMA foreign_keys=ON; PRAGMA synchronous=FULL;", NULL, NULL, NULL);
	if (rc != SQLITE_OK) {
		*cause = xasprintf("%s: %s", path, sqlite3_errmsg(db->h));
		goto err;
	}
	db->trace_fd = db_trace_open();
	*out = db;
	return NY_OK;
err:
	sqlite3_close_v2(db->h);
	free(db);
	return db_err(rc) == NY_EBUSY ? NY_EBUSY : NY_EDB;
}

void
db_close(struct db *db)
{
	int i;

	if (db == NULL)
		return;
	for (i = 0; i < DB_CACHE; i++)
		sqlite3_finalize(db->cache[i].st);
	if (db->trace_fd >= 0)
		close(db->trace_fd);
	sqlite3_close_v2(db->h);
	free(db);
}

sqlite3 *
db_sqlite(struct db *db)
{
	return db->h;
}

const char *
db_errmsg(struct db *db)
{
	return sqlite3_errmsg(db->h);
}

static size_t
db_hash(const char *s)
{
	size_t h = 5381;

	while (*s)
		h = h * 33 + (unsigned char)*s++;
	return h;
}

sqlite3_stmt *
db_stmt_at(struct db *db, const char *sql, const char *file)
{
	size_t i, h = db_hash(sql);
	struct db_slot *sl;
	int rc;

	for (i = 0; i < DB_CACHE; i++) {
		sl = &db->cache[(h + i) % DB_CACHE];
		if (sl->sql == NULL)
			break;
		if (sl->sql == sql || strcmp(sl->sql, sql) == 0) {
			sqlite3_reset(sl->st);
			sqlite3_clear_bindings(sl->st);
			return sl->st;
		}
	}
	if (i == DB_CACHE) {
		log_error("statement cache full", "size=%d", DB_CACHE);
		abort();
	}
	rc = sqlite3_prepare_v3(db->h, sql, -1, SQLITE_PREPARE_PERSISTENT,
	    &sl->st, NULL);
	if (rc != SQLITE_OK) {
		log_error("sql does not compile", "err=\"%s\" sql=\"%.200s\"",
		    sqlite3_errmsg(db->h), sql);
		sl->st = NULL;
		return NULL;
	}
	sl->sql = sql;
	if (db->trace_fd >= 0)
		db_trace(db->trace_fd, file, sql);
	return sl->st;
}

enum ny_err
db_exec(struct db *db, const char *sql)
{
	int rc = sqlite3_exec(db->h, sql, NULL, NULL, NULL);

	if (rc != SQLITE_OK)
		log_warn("sql failed", "err=\"%s\"", sqlite3_errmsg(db->h));
	return db_err(rc);
}

enum ny_err
db_begin(struct db *db)
{
	if (db->fault_busy > 0 && --db->fault_busy == 0)
		return NY_EBUSY;
	return db_err(sqlite3_exec(db->h, "BEGIN IMMEDIATE", NULL, NULL, NULL));
}

enum ny_err
db_commit(struct db *db)
{
	int rc = sqlite3_exec(db->h, "COMMIT", NULL, NULL, NULL);

	if (rc != SQLITE_OK) {
		log_warn("commit failed", "err=\"%s\"", sqlite3_errmsg(db->h));
		db_rollback(db);
	}
	return db_err(rc);
}

void
db_rollback(struct db *db)
{
	if (!sqlite3_get_autocommit(db->h))
		sqlite3_exec(db->h, "ROLLBACK", NULL, NULL, NULL);
}

enum ny_err
db_end(struct db *db, enum ny_err rc)
{
	if (rc != NY_OK) {
		db_rollback(db);
		return rc;
	}
	return db_commit(db);
}

enum ny_err
db_savepoint(struct db *db)
{
	return db_err(sqlite3_exec(db->h, "SAVEPOINT ny_sp", NULL, NULL, NULL));
}

enum ny_err
db_savepoint_end(struct db *db, enum ny_err rc)
{
	if (rc == NY_OK)
		return db_err(sqlite3_exec(db->h, "RELEASE ny_sp", NULL, NULL,
		    NULL));
	if (sqlite3_get_autocommit(db->h) || sqlite3_exec(db->h,
	    "ROLLBACK TO ny_sp; RELEASE ny_sp", NULL, NULL, NULL) != SQLITE_OK)
		return NY_EDB;
	return NY_OK;
}

void
db_fault_busy_after(struct db *db, int n)
{
	db->fault_busy = n;
}

enum ny_err
db_done(sqlite3_stmt *st)
{
	int rc;

	if (st == NULL)
		return NY_EDB;
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	return db_err(rc);
}

enum ny_err
db_exists(sqlite3_stmt *st, int *found)
{
	int rc;

	*found = 0;
	if (st == NULL)
		return NY_EDB;
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc == SQLITE_ROW) {
		*found = 1;
		return NY_OK;
	}
	return db_err(rc);
}

enum ny_err
db_int64(sqlite3_stmt *st, int64_t *out)
{
	int rc;

	if (st == NULL)
		return NY_EDB;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW && out != NULL)
		*out = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return db_found(rc);
}

enum ny_err
db_one(sqlite3_stmt *st, enum ny_err none, int64_t *changed)
{
	int64_t n = 0;
	int rc;

	if (changed != NULL)
		*changed = 0;
	if (st == NULL)
		return NY_EDB;
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW)
		return db_err(rc);
	n = sqlite3_changes64(sqlite3_db_handle(st));
	if (changed != NULL)
		*changed = n;
	return n == 0 ? none : NY_OK;
}

enum ny_err
db_each(sqlite3_stmt *st, size_t max, db_row_fn *fn, void *arg)
{
	enum ny_err err = NY_OK;
	size_t rows = 0;
	int rc = SQLITE_DONE;

	if (st == NULL)
		return NY_EDB;
	while ((max == 0 || rows < max) &&
	    (rc = sqlite3_step(st)) == SQLITE_ROW) {
		rows++;
		if ((err = fn(arg, st)) != NY_OK)
			break;
	}
	sqlite3_reset(st);
	if (err != NY_OK)
		return err;
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? NY_OK : db_err(rc);
}

struct db_rows_ctx {
	char		*v;
	size_t		*n;
	size_t		 cap;
	size_t		 size;
	db_fill_fn	*fill;
	void		*arg;
};

static enum ny_err
db_rows_one(void *arg, sqlite3_stmt *st)
{
	struct db_rows_ctx *c = arg;
	void *elem;

	c->v = xgrow(c->v, &c->cap, *c->n + 1, c->size);
	elem = c->v + *c->n * c->size;
	memset(elem, 0, c->size);
	(*c->n)++;
	return c->fill(c->arg, elem, st);
}

enum ny_err
db_rows(sqlite3_stmt *st, size_t max, void *vp, size_t *n, size_t size,
    db_fill_fn *fill, void *arg)
{
	struct db_rows_ctx c = { .n = n, .size = size, .fill = fill,
	    .arg = arg };
	enum ny_err err;

	/*
	 * vp is the caller's `struct x **`: its pointer is read and written
	 * as a void * (object pointers share one representation on every
	 * platform we build for). The capacity starts at the count so an
	 * array that already holds rows grows on the next append.
	 */
	memcpy(&c.v, vp, sizeof c.v);
	c.cap = *n;
	err = db_each(st, max, db_rows_one, &c);
	memcpy(vp, &c.v, sizeof c.v);
	return err;
}

char *
db_col_str(sqlite3_stmt *st, int col)
{
	const unsigned char *s = sqlite3_column_text(st, col);

	return xstrdup(s ? (const char *)s : "");
}

void
db_col_buf(sqlite3_stmt *st, int col, char *buf, size_t len)
{
	const unsigned char *s = sqlite3_column_text(st, col);
	size_t n = s ? strlen((const char *)s) : 0;

	if (n >= len) {
		n = len - 1;
		/* Back off continuation bytes: never half a character. */
		while (n > 0 && (s[n] & 0xc0) == 0x80)
			n--;
	}
	if (n > 0)
		memcpy(buf, s, n);
	buf[n] = '\0';
}

enum ny_err
db_event(struct db *db, const char *kind, int64_t row_id, int64_t *seq)
{
	sqlite3_stmt *st = db_stmt(db,
	    "INSERT INTO events(kind, row_id, at) VALUES (?, ?, ?)");
	enum ny_err rc;

	if (st == NULL)
		return NY_EDB;
	sqlite3_bind_text(st, 1, kind, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, row_id);
	sqlite3_bind_int64(st, 3, ny_now());
	if ((rc = db_done(st)) != NY_OK)
		return rc;
	if (seq)
		*seq = sqlite3_last_insert_rowid(db->h);
	return NY_OK;
}

struct db_events_ctx {
	struct db_event	*evs;
	int		*n;
};

/* Reads one events row into the next slot of the caller's array. */
static enum ny_err
db_event_fill(void *arg, sqlite3_stmt *st)
{
	struct db_events_ctx *c = arg;
	struct db_event *e = &c->evs[(*c->n)++];
	const unsigned char *k = sqlite3_column_text(st, 1);

	e->seq = sqlite3_column_int64(st, 0);
	snprintf(e->kind, sizeof e->kind, "%s", k ? (const char *)k : "");
	e->row_id = sqlite3_column_int64(st, 2);
	e->at = sqlite3_column_int64(st, 3);
	return NY_OK;
}

enum ny_err
db_events_since(struct db *db, int64_t after, struct db_event *evs, int max,
    int *n)
{
	sqlite3_stmt *st = db_stmt(db, "SELECT seq, kind, row_id, at FROM events"
	    " WHERE seq > ? ORDER BY seq LIMIT ?");
	struct db_events_ctx c = { evs, n };

	*n = 0;
	if (st == NULL)
		return NY_EDB;
	if (max <= 0)
		return NY_OK;	/* LIMIT -1 would mean no limit at all */
	sqlite3_bind_int64(st, 1, after);
	sqlite3_bind_int(st, 2, max);
	return db_each(st, (size_t)max, db_event_fill, &c);
}

enum ny_err
db_events_last(struct db *db, int64_t *seq)
{
	sqlite3_stmt *st = db_stmt(db, "SELECT coalesce(max(seq), 0) FROM events");

	*seq = 0;
	return db_int64(st, seq);
}

enum ny_err
db_changed(struct db *db, int *changed)
{
	sqlite3_stmt *st = db_stmt(db, "PRAGMA data_version");
	int64_t v;
	int rc;

	if (st == NULL)
		return NY_EDB;
	rc = sqlite3_step(st);
	v = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	if (rc != SQLITE_ROW)
		return db_err(rc);
	*changed = v != db->data_version;
	db->data_version = v;
	return NY_OK;
}
