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
int		 db_open(const char *path, struct db **out, char **cause);
void		 db_close(struct db *db);
sqlite3		*db_sqlite(struct db *db);

/*
 * Returns the cached prepared statement for sql (compiled on first use),
 * reset and with bindings cleared, or NULL if it does not compile (the
 * error is logged: SQL is constant, so that is a bug). Owned by db.
 */
sqlite3_stmt	*db_stmt(struct db *db, const char *sql);

/* BEGIN IMMEDIATE / COMMIT / ROLLBACK. Return NY_OK, NY_EBUSY or NY_EDB. */
int		 db_begin(struct db *db);
int		 db_commit(struct db *db);
void		 db_rollback(struct db *db);

/* Runs SQL without results (several statements allowed). */
int		 db_exec(struct db *db, const char *sql);

/* Maps an SQLite result code to an ny_err (CONSTRAINT_UNIQUE → EEXISTS). */
int		 db_err(int sqlite_rc);

/* Last SQLite error message of the connection (owned by db). */
const char	*db_errmsg(struct db *db);

/*
 * Applies the embedded migrations (migrations/NNNN_*.sql) newer than
 * PRAGMA user_version, each in one transaction. Refuses (NY_ETOONEW) a
 * database whose user_version is beyond the newest migration.
 */
int		 db_migrate(struct db *db, char **cause);
/* Newest migration number embedded in this program. */
int		 db_schema_version(void);

/*
 * Appends an event (kind such as "order", row_id the row that changed)
 * inside the caller's transaction. *seq (may be NULL) gets its seq.
 */
int		 db_event(struct db *db, const char *kind, int64_t row_id,
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
int		 db_events_since(struct db *db, int64_t after,
		     struct db_event *evs, int max, int *n);
/* Highest seq so far (0 when none). */
int		 db_events_last(struct db *db, int64_t *seq);

/*
 * Sets *changed to 1 when another connection committed since the previous
 * call on this connection (PRAGMA data_version), else 0. The first call
 * reports 1.
 */
int		 db_changed(struct db *db, int *changed);

/* Consistent online copy into file (replaced if it exists). */
int		 db_backup(struct db *db, const char *file, char **cause);

/* Fault injection for tests: the Nth next db_begin returns NY_EBUSY. */
void		 db_fault_busy_after(struct db *db, int n);

/* Helpers for reading columns as owned strings (never NULL: "" instead). */
char		*db_col_str(sqlite3_stmt *st, int col);

#endif
