/*
 * backup.h: backups and the restore (README "Backup and restore").
 *
 * A backup is the database, copied online with SQLite's backup API and
 * checked with PRAGMA integrity_check before it takes its name, plus the
 * content files (files/ab/cdef…) mirrored beside it. Keys are never in a
 * backup: a stolen backup must not open anything.
 *
 * DATA_DIR/nyota.lock keeps a restore (restore.h) and the servers apart:
 * each server holds a shared flock on it for its whole life; restore takes
 * it exclusive without waiting, so it refuses while either server runs
 * and a server refuses to start while a restore runs.
 */
#ifndef NY_BACKUP_H
#define NY_BACKUP_H

#include <stddef.h>
#include <stdint.h>

#include "db.h"

#define BACKUP_KEEP_MAX	1000

/*
 * Takes DATA_DIR/nyota.lock (created 0600), shared or exclusive, without
 * waiting. *fd gets the descriptor holding it (close it to let go; a
 * forked child shares it). Returns NY_OK, NY_EBUSY when another process
 * holds it in a conflicting way, NY_EIO (*cause set, caller frees).
 */
enum ny_err	 backup_lock(const char *data_dir, int exclusive, int *fd,
		     char **cause);

/*
 * Online copy of db into file: written under a temporary name (0600),
 * checked with PRAGMA integrity_check, fsync'ed, then renamed into place
 * (replacing file). *size (may be NULL) gets its size. NY_OK, NY_EDB when
 * the copy fails its check (nothing left behind), NY_EIO.
 */
enum ny_err	 backup_file(struct db *db, const char *file, int64_t *size,
		     char **cause);

/* 1 when name is a backup's file name: nyota-YYYYMMDD-HHMMSSZ.db. */
int		 backup_name_ok(const char *name);

struct backup_result {
	char	*file;		/* the backup written (backup_result_free) */
	int64_t	 size;
	size_t	 copied;	/* content files copied into DIR/files/ */
	size_t	 removed;	/* older backups deleted */
};
void		 backup_result_free(struct backup_result *res);

/*
 * `backup --keep K DIR`: backup_file into DIR/nyota-YYYYMMDD-HHMMSSZ.db
 * (the time in UTC; DIR created 0700 when missing, its parent must
 * exist), the content files of data_dir/files/ missing from DIR/files/
 * copied there, then the oldest backups beyond keep deleted (only files
 * named like one; the mirrored files stay). Returns NY_OK, NY_EINVAL (keep
 * not 1…BACKUP_KEEP_MAX), NY_ENOTFOUND (DIR's parent missing), NY_EDENIED
 * (DIR not writable), NY_EEXISTS (a backup of this second exists), NY_EDB,
 * NY_EIO; *cause says which (caller frees).
 */
enum ny_err	 backup_dir(struct db *db, const char *data_dir,
		     const char *dir, int keep, struct backup_result *res,
		     char **cause);

/*
 * Copies the content files (ab/cdef…, 2 + 62 hex digits) of the folder
 * src missing from dst (or of another size) into it: 0700 folders, 0600
 * files written under a temporary name and renamed. Anything else in src
 * is ignored; a missing src copies nothing. *copied counts the copies.
 */
enum ny_err	 backup_mirror(const char *src, const char *dst,
		     size_t *copied, char **cause);

/* Fault injection for tests: damage the next copies before their check. */
void		 backup_fault_corrupt(int on);

#endif
