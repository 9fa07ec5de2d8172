/*
 * db.h: the SQLite connection every module uses. One struct db per thread
 * (or process); never share one across threads or fork().
 *
 * Writes go through db_begin (BEGIN IMMEDIATE) / db_commit / db_rollback.
 * Statements come from a per-connection cache (db_stmt) and must be
 * sqlite3_reset by the caller when done so no read transaction is left
 * open (that would hide other connections' commits and starve checkpoints).
 */
#ifndef NY_DB_H
#define NY_DB_H

#include <sqlite3.h>
#include <stdint.h>

#include "ny.h"

struct db;

/*
 * Opens (creating) the database at path with WAL, foreign_keys=ON,
 * busy_timeout=5000 and synchronous=FULL. Returns NY_OK and *out, or an
 * error with *cause (caller frees).
 */
enum ny_err	 db_open(const char *path, struct db **out, char **cause);
void		 db_close(struct db *db);
sqlite3		*db_sqlite(struct db *db);

/*
 * Returns the cached prepared statement for sql (compiled on first use),
 * reset and with bindings cleared, or NULL if it does not compile (the
 * error is logged: SQL is constant, so that is a bug). Owned by db.
 *
 * When NYOTA_SQL_TRACE names a file at db_open, each text compiled is
 * appended to it with the source file that prepared it, "file<TAB>sql"
 * (a test aid: tests/run-unit.sh has test-schema check the query plan of
 * everything the code prepares, and tell it from the tests' own SQL by
 * that file). Hence the macro: call db_stmt, never db_stmt_at.
 */
sqlite3_stmt	*db_stmt_at(struct db *db, const char *sql, const char *file);
#define db_stmt(db, sql)	db_stmt_at((db), (sql), __FILE__)

/* BEGIN IMMEDIATE / COMMIT / ROLLBACK. Return NY_OK, NY_EBUSY or NY_EDB. */
enum ny_err	 db_begin(struct db *db);
enum ny_err	 db_commit(struct db *db);
void		 db_rollback(struct db *db);

/*
 * Ends the transaction db_begin opened: commits when rc is NY_OK, else
 * rolls back. Returns rc, or db_commit's error.
 */
enum ny_err	 db_end(struct db *db, enum ny_err rc);

/*
 * A savepoint inside the caller's transaction, for work that may fail
 * without failing it (a sale alert beside the sale). db_savepoint opens
 * one. db_savepoint_end closes it: released when rc (the work's result)
 * is NY_OK, else rolled back to (the work is undone, the transaction goes
 * on). Returns NY_OK, or NY_EDB when that failed or SQLite had already
 * rolled back the whole transaction: then the caller must fail too.
 */
enum ny_err	 db_savepoint(struct db *db);
enum ny_err	 db_savepoint_end(struct db *db, enum ny_err rc);

/* Runs SQL without results (several statements allowed). */
enum ny_err	 db_exec(struct db *db, const char *sql);

/* Maps an SQLite result code to an ny_err (CONSTRAINT_UNIQUE → EEXISTS). */
enum ny_err	 db_err(int sqlite_rc);
/*
 * Maps the code of stepping a lookup: SQLITE_ROW → NY_OK, SQLITE_DONE (no
 * such row) → NY_ENOTFOUND, anything else as db_err.
 */
enum ny_err	 db_found(int sqlite_rc);

/* Last SQLite error message of the connection (owned by db). */
const char	*db_errmsg(struct db *db);

/*
 * Applies the embedded migrations (migrations/NNNN_*.sql) newer than
 * PRAGMA user_version, each in one transaction. Refuses (NY_ETOONEW) a
 * database whose user_version is beyond the newest migration.
 */
enum ny_err	 db_migrate(struct db *db, char **cause);
/* Newest migration number embedded in this program. */
int		 db_schema_version(void);

/*
 * Appends an event (kind such as "order", row_id the row that changed)
 * inside the caller's transaction. *seq (may be NULL) gets its seq.
 */
enum ny_err	 db_event(struct db *db, const char *kind, int64_t row_id,
		     int64_t *seq);

struct db_event {
	int64_t	 seq;
	char	 kind[32];
	int64_t	 row_id;
	int64_t	 at;
};
/*
 * Reads up to max events with seq > after, oldest first, into evs.
 * Returns NY_OK and *n.
 */
enum ny_err	 db_events_since(struct db *db, int64_t after,
		     struct db_event *evs, int max, int *n);
/* Highest seq so far (0 when none). */
enum ny_err	 db_events_last(struct db *db, int64_t *seq);

/*
 * Sets *changed to 1 when another connection committed since the previous
 * call on this connection (PRAGMA data_version), else 0. The first call
 * reports 1.
 */
enum ny_err	 db_changed(struct db *db, int *changed);

/* Fault injection for tests: the Nth next db_begin returns NY_EBUSY. */
void		 db_fault_busy_after(struct db *db, int n);

/*
 * Steps st once (a statement without result rows: INSERT, UPDATE,
 * DELETE), resets it and returns db_err of the step: NY_OK for
 * SQLITE_DONE, NY_EEXISTS for a UNIQUE clash, NY_EBUSY, NY_EDB... Runs in
 * whatever transaction the caller holds. st may be NULL (a db_stmt that
 * did not compile): NY_EDB.
 */
enum ny_err	 db_done(sqlite3_stmt *st);

/*
 * Steps st once ("SELECT 1 ... WHERE ..."), resets it and sets *found to
 * 1 when it returned a row, 0 when none. Returns NY_OK or the mapped
 * error (then *found is 0). st may be NULL: NY_EDB.
 */
enum ny_err	 db_exists(sqlite3_stmt *st, int *found);

/*
 * Steps st once ("SELECT id FROM ... WHERE ...", "SELECT count(*) ..."),
 * copies column 0 of the row into *out (out may be NULL: only whether a
 * row exists matters) and resets st. Returns NY_OK, NY_ENOTFOUND when
 * there is no row (*out untouched) or the mapped error. st may be NULL:
 * NY_EDB.
 */
enum ny_err	 db_int64(sqlite3_stmt *st, int64_t *out);

/*
 * Like db_done, for a write that must change exactly one row (an UPDATE
 * guarded by its WHERE, a DELETE by id): NY_OK when it changed a row,
 * none when it changed none (NY_ENOTFOUND for a missing row, NY_ESTATE
 * for a transition the row's state does not allow), else the mapped
 * error. *changed (may be NULL) gets the number of rows changed.
 */
enum ny_err	 db_one(sqlite3_stmt *st, enum ny_err none, int64_t *changed);

/*
 * The row iterator: calls fn(arg, st) for each row st returns, at most
 * max rows (0 = all), then resets st. fn reads the columns it needs and
 * returns NY_OK to go on; any other value stops the walk and is returned.
 * Returns NY_OK, fn's error or the mapped step error. st may be NULL (a
 * db_stmt that did not compile): NY_EDB.
 */
typedef enum ny_err db_row_fn(void *arg, sqlite3_stmt *st);
enum ny_err	 db_each(sqlite3_stmt *st, size_t max, db_row_fn *fn,
		     void *arg);

/*
 * Reads the rows of st into a growable array: for each row (at most max,
 * 0 = all) a zeroed element of size bytes is appended to the array *vp
 * points at (a `struct x **`, the array may start NULL) and fill(arg,
 * elem, st) reads the row into it. *n counts the elements. On an error
 * the rows read so far stay in the array: the caller frees them exactly
 * as it would after NY_OK. Returns NY_OK, fill's error or the mapped step
 * error; st may be NULL: NY_EDB.
 */
typedef enum ny_err db_fill_fn(void *arg, void *elem, sqlite3_stmt *st);
enum ny_err	 db_rows(sqlite3_stmt *st, size_t max, void *vp, size_t *n,
		     size_t size, db_fill_fn *fill, void *arg);

/* Helpers for reading columns as owned strings (never NULL: "" instead). */
char		*db_col_str(sqlite3_stmt *st, int col);
/*
 * Copies the text of column col into buf (len ≥ 1 bytes): "" for NULL,
 * cut at a UTF-8 character boundary when it does not fit.
 */
void		 db_col_buf(sqlite3_stmt *st, int col, char *buf, size_t len);

#endif
