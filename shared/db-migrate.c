/*
 * db-migrate.c: applies the embedded migrations/NNNN_name.sql files in
 * order. PRAGMA user_version holds the number of the last one applied; each
 * file runs in one transaction together with the user_version update, so a
 * crash leaves the database at a file boundary.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "assets.h"
#include "db.h"
#include "log.h"

/*
 * The number of a migration asset ("migrations/0007_x.sql" → 7) into *n.
 * Returns NY_OK, or NY_EINVAL for any other asset (*n untouched).
 */
static enum ny_err
migration_number(const char *path, int *n)
{
	int v = 0, i;

	if (strncmp(path, "migrations/", 11) != 0)
		return NY_EINVAL;
	path += 11;
	for (i = 0; i < 4; i++) {
		if (path[i] < '0' || path[i] > '9')
			return NY_EINVAL;
		v = v * 10 + (path[i] - '0');
	}
	if (path[4] != '_')
		return NY_EINVAL;
	*n = v;
	return NY_OK;
}

int
db_schema_version(void)
{
	const struct ny_asset *a;
	int max = 0, n;

	for (a = ny_assets; a->path != NULL; a++)
		if (migration_number(a->path, &n) == NY_OK && n > max)
			max = n;
	return max;
}

/*
 * PRAGMA user_version into *v, on a statement of its own: the migration
 * runs before anything is cached and the text never recurs. Returns NY_OK
 * or the mapped error.
 */
static enum ny_err
db_user_version(struct db *db, int *v)
{
	sqlite3_stmt *st;
	int rc;

	rc = sqlite3_prepare_v2(db_sqlite(db), "PRAGMA user_version", -1, &st,
	    NULL);
	if (rc != SQLITE_OK)
		return db_err(rc);
	rc = sqlite3_step(st);
	*v = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return db_found(rc);
}

/*
 * Applies migration a (number n) with the user_version update in one
 * transaction; nothing when another process got there first. Returns
 * NY_OK, or an error with *cause (caller frees).
 */
static enum ny_err
migration_apply(struct db *db, const struct ny_asset *a, int n, char **cause)
{
	char pragma[64];
	enum ny_err rc;
	int have;

	if ((rc = db_begin(db)) != NY_OK) {
		*cause = xasprintf("%s: cannot begin: %s", a->path,
		    db_errmsg(db));
		return rc;
	}
	/* Another process starting at the same time may have applied it:
	 * re-read under the write lock. */
	if ((rc = db_user_version(db, &have)) != NY_OK || have >= n) {
		db_rollback(db);
		return rc;
	}
	if (sqlite3_exec(db_sqlite(db), (const char *)a->data, NULL, NULL,
	    NULL) != SQLITE_OK) {
		*cause = xasprintf("%s: %s", a->path, db_errmsg(db));
		db_rollback(db);
		return NY_EDB;
	}
	snprintf(pragma, sizeof pragma, "PRAGMA user_version=%d", n);
	if (sqlite3_exec(db_sqlite(db), pragma, NULL, NULL, NULL) != SQLITE_OK ||
	    (rc = db_commit(db)) != NY_OK) {
		*cause = xasprintf("%s: %s", a->path, db_errmsg(db));
		db_rollback(db);
		return NY_EDB;
	}
	log_info("migration applied", "file=%s", a->path);
	return NY_OK;
}

enum ny_err
db_migrate(struct db *db, char **cause)
{
	const struct ny_asset *a, *next;
	int have, latest = db_schema_version(), n, best;
	enum ny_err rc;

	if ((rc = db_user_version(db, &have)) != NY_OK) {
		*cause = xasprintf("cannot read schema version: %s",
		    db_errmsg(db));
		return rc;
	}
	if (have > latest) {
		*cause = xasprintf("database schema %d is newer than this "
		    "program (%d): upgrade Nyota", have, latest);
		return NY_ETOONEW;
	}
	for (;;) {
		next = NULL;
		best = 0;
		for (a = ny_assets; a->path != NULL; a++) {
			if (migration_number(a->path, &n) == NY_OK &&
			    n > have && (next == NULL || n < best)) {
				next = a;
				best = n;
			}
		}
		if (next == NULL)
			return NY_OK;
		if ((rc = migration_apply(db, next, best, cause)) != NY_OK)
			return rc;
		have = best;
	}
}
