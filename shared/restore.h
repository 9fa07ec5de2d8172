/*
 * restore.h: `nyota-console restore FILE`: a backup (backup.h) put back in
 * place of the database, checked first, under the exclusive lock, the
 * database it replaces kept aside (README "Backup and restore").
 */
#ifndef NY_RESTORE_H
#define NY_RESTORE_H

#include <stddef.h>

#include "ny.h"

/*
 * Checks that file can be restored: a SQLite database that passes
 * integrity_check, with Nyota's tables, whose schema (*version, PRAGMA
 * user_version) is not newer than db_schema_version(). Opened read-only:
 * file is not changed. NY_OK, NY_ENOTFOUND, NY_EINVAL (not SQLite, not
 * Nyota's, damaged: *cause says which), NY_ETOONEW.
 */
enum ny_err	 restore_check(const char *file, int *version, char **cause);

struct restore_result {
	char	*kept;		/* the previous database, or NULL if none */
	int	 version;	/* the backup's schema version */
	int	 placed;	/* 1 once the backup is in place at db_path */
	size_t	 copied;	/* content files copied back */
	size_t	 missing;	/* blobs the database lists, still missing */
};
void		 restore_result_free(struct restore_result *res);

/*
 * `restore FILE`: takes data_dir's lock exclusive (NY_EBUSY when a server
 * runs) and holds it throughout; restore_check; the current database (if
 * any) checkpointed and kept as db_path.before-restore-STAMP (its -wal
 * kept beside it if it could not be folded in); FILE copied to a
 * temporary name, fsync'ed and renamed to db_path, stale -wal/-shm
 * removed; the content files of FILE's folder files/ (if present) missing
 * from data_dir/files/ copied back; then the blobs still missing counted.
 */
enum ny_err	 restore_run(const char *data_dir, const char *db_path,
		     const char *file, struct restore_result *res,
		     char **cause);

#endif
