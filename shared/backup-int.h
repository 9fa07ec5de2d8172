/*
 * backup-int.h: what backup.c shares with restore.c: the copy of a
 * database through SQLite's backup API and the checks of a copy, done the
 * same way in both directions.
 */
#ifndef NY_BACKUP_INT_H
#define NY_BACKUP_INT_H

#include <sqlite3.h>
#include <stddef.h>
#include <stdint.h>

#include "ny.h"

/* Copies the database src into the new file tmp (0600), fsync'ed. */
enum ny_err	 backup_copy_db(sqlite3 *src, const char *tmp, char **cause);
/* Opens path read-only: nothing in it or beside it changes. */
enum ny_err	 backup_open_ro(const char *path, sqlite3 **h, char **cause);
/* PRAGMA integrity_check of h: NY_OK, or NY_EINVAL with why. */
enum ny_err	 backup_integrity(sqlite3 *h, const char *path, char **cause);
/* Runs sql on h; the first column of its first row into buf ("" if none).
 * Returns the SQLite code. */
int		 backup_query(sqlite3 *h, const char *sql, char *buf,
		     size_t len);
/* The folder path lies in (caller frees). */
char		*backup_parent(const char *path);
/* "YYYYMMDD-HHMMSSZ" of t, UTC. */
void		 backup_stamp(int64_t t, char *buf, size_t len);

#endif
