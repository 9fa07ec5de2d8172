/*
 * restore.c: a backup put back (README "Backup and restore"). Nothing is
 * replaced before the backup is known to be whole, Nyota's, and not newer
 * than this program; the database it replaces is kept, never merged.
 */
#include <sys/stat.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "backup.h"
#include "backup-int.h"
#include "blob.h"
#include "db.h"
#include "log.h"
#include "restore.h"

void
restore_result_free(struct restore_result *res)
{
	free(res->kept);
	memset(res, 0, sizeof *res);
}

enum ny_err
restore_check(const char *file, int *version, char **cause)
{
	char v[32], n[32];
	enum ny_err rc;
	struct stat sb;
	sqlite3 *h;

	*version = 0;
	if (stat(file, &sb) != 0) {
		*cause = xasprintf("%s: %s", file, strerror(errno));
		return errno == ENOENT ? NY_ENOTFOUND : NY_EIO;
	}
	if (!S_ISREG(sb.st_mode)) {
		*cause = xasprintf("%s: not a file", file);
		return NY_EINVAL;
	}
	if ((rc = backup_open_ro(file, &h, cause)) != NY_OK)
		return NY_EINVAL;
	if (backup_query(h, "PRAGMA user_version", v, sizeof v) != SQLITE_OK) {
		*cause = xasprintf("%s: not a SQLite database (%s)", file,
		    sqlite3_errmsg(h));
		sqlite3_close(h);
		return NY_EINVAL;
	}
	*version = atoi(v);
	/* The tables every version of Nyota has had since the first. */
	if (backup_query(h, "SELECT count(*) FROM sqlite_master WHERE "
	    "type = 'table' AND name IN ('creators', 'products', 'orders', "
	    "'payments', 'customers', 'blobs')", n, sizeof n) != SQLITE_OK ||
	    strcmp(n, "6") != 0 || *version < 1) {
		*cause = xasprintf("%s: not a Nyota database", file);
		sqlite3_close(h);
		return NY_EINVAL;
	}
	if (*version > db_schema_version()) {
		*cause = xasprintf("%s: schema version %d, this program knows "
		    "up to %d", file, *version, db_schema_version());
		sqlite3_close(h);
		return NY_ETOONEW;
	}
	rc = backup_integrity(h, file, cause);
	sqlite3_close(h);
	return rc;
}

/*
 * Sets the current database aside as db_path.before-restore-STAMP. A
 * checkpoint first folds its -wal into it, so the kept file is whole on
 * its own; if that fails (a damaged database), the -wal (and a hot
 * -journal) move with it under the matching names, where SQLite finds
 * them when the kept file is opened: nothing of it lost, nothing of it
 * left to be read into the restored one.
 */
/*
 * Undoes restore_set_aside: the kept database and its -wal / -journal go
 * back under db_path's names (a restore that could not finish leaves the
 * shop as it was, never without a database).
 */
static void
restore_put_back(const char *db_path, const char *kept)
{
	static const char *const sfx[] = { "", "-wal", "-journal" };
	char *a, *b;
	size_t i;

	for (i = 0; i < sizeof sfx / sizeof sfx[0]; i++) {
		a = xasprintf("%s%s", kept, sfx[i]);
		b = xasprintf("%s%s", db_path, sfx[i]);
		if (access(a, F_OK) == 0 && rename(a, b) != 0)
			log_error("restore: cannot put back", "path=%s", a);
		free(a);
		free(b);
	}
}

static enum ny_err
restore_set_aside(const char *db_path, const char *stamp, char **kept,
    char **cause)
{
	static const char *const sfx[] = { "-wal", "-journal" };
	char buf[64], *a, *b;
	struct stat sb;
	sqlite3 *h = NULL;
	size_t i;

	*kept = NULL;
	if (lstat(db_path, &sb) != 0)
		return NY_OK;
	if (sqlite3_open_v2(db_path, &h, SQLITE_OPEN_READWRITE, NULL) ==
	    SQLITE_OK && backup_query(h, "PRAGMA wal_checkpoint(TRUNCATE)",
	    buf, sizeof buf) != SQLITE_OK)
		log_warn("restore: current database not checkpointed",
		    "error=\"%s\"", sqlite3_errmsg(h));
	sqlite3_close(h);	/* the last connection: -wal goes if empty */
	*kept = xasprintf("%s.before-restore-%s", db_path, stamp);
	if (lstat(*kept, &sb) == 0) {
		*cause = xasprintf("%s: already exists", *kept);
		free(*kept);
		*kept = NULL;
		return NY_EEXISTS;
	}
	if (rename(db_path, *kept) != 0) {
		*cause = xasprintf("%s: cannot keep it: %s", db_path,
		    strerror(errno));
		free(*kept);
		*kept = NULL;
		return NY_EIO;
	}
	(void)chmod(*kept, 0600);
	for (i = 0; i < sizeof sfx / sizeof sfx[0]; i++) {
		a = xasprintf("%s%s", db_path, sfx[i]);
		b = xasprintf("%s%s", *kept, sfx[i]);
		/* A -wal not checkpointed is part of the data: kept with its
		 * file, or the restore stops with everything put back. */
		if (lstat(a, &sb) == 0 && sb.st_size > 0 && rename(a, b) != 0) {
			*cause = xasprintf("%s: cannot keep it: %s", a,
			    strerror(errno));
			free(a);
			free(b);
			restore_put_back(db_path, *kept);
			free(*kept);
			*kept = NULL;
			return NY_EIO;
		}
		free(a);
		free(b);
	}
	return NY_OK;
}

/* Removes db_path's -wal, -shm and -journal: none belongs to a new file. */
static void
restore_drop_sidecars(const char *db_path)
{
	static const char *const sfx[] = { "-wal", "-shm", "-journal" };
	size_t i;
	char *p;

	for (i = 0; i < sizeof sfx / sizeof sfx[0]; i++) {
		p = xasprintf("%s%s", db_path, sfx[i]);
		(void)unlink(p);
		free(p);
	}
}

struct restore_missing {
	const char	*data_dir;
	size_t		 n;
};

static enum ny_err
restore_missing_row(void *arg, sqlite3_stmt *st)
{
	struct restore_missing *m = arg;
	const char *sha = (const char *)sqlite3_column_text(st, 0);
	char path[4096];

	if (sha != NULL && blob_sha_ok(sha) && access(blob_path(m->data_dir,
	    sha, path, sizeof path), F_OK) != 0)
		m->n++;
	return NY_OK;
}

/* How many blobs the restored database lists have no file. */
static enum ny_err
restore_count_missing(const char *data_dir, const char *db_path,
    size_t *missing, char **cause)
{
	struct restore_missing m = { data_dir, 0 };
	enum ny_err rc;
	struct db *db;

	if ((rc = db_open(db_path, &db, cause)) != NY_OK)
		return rc;
	rc = db_each(db_stmt(db, "SELECT sha256 FROM blobs"), 0,
	    restore_missing_row, &m);
	db_close(db);
	*missing = m.n;
	if (rc != NY_OK)
		*cause = xasprintf("%s: cannot list the content files",
		    db_path);
	return rc;
}

enum ny_err
restore_run(const char *data_dir, const char *db_path, const char *file,
    struct restore_result *res, char **cause)
{
	char stamp[32], *dir, *src, *dst, *tmp;
	enum ny_err rc;
	sqlite3 *h;
	int fd;

	memset(res, 0, sizeof *res);
	if (ny_mkdirs(data_dir, 0700) != NY_OK) {
		*cause = xasprintf("%s: cannot create: %s", data_dir,
		    strerror(errno));
		return NY_EIO;
	}
	/* Held until the end: no server may start on a half restore. */
	if ((rc = backup_lock(data_dir, 1, &fd, cause)) != NY_OK)
		return rc;
	if ((rc = restore_check(file, &res->version, cause)) != NY_OK)
		goto out;
	/* The copy first, beside the database: a full disk or a failing
	 * read stops here with the current database still in place. */
	tmp = xasprintf("%s.restore-tmp-%d", db_path, (int)getpid());
	unlink(tmp);
	if ((rc = backup_open_ro(file, &h, cause)) == NY_OK) {
		rc = backup_copy_db(h, tmp, cause);
		sqlite3_close(h);
	}
	backup_stamp(ny_now(), stamp, sizeof stamp);
	if (rc == NY_OK)
		rc = restore_set_aside(db_path, stamp, &res->kept, cause);
	if (rc == NY_OK) {
		restore_drop_sidecars(db_path);
		if (rename(tmp, db_path) != 0) {
			*cause = xasprintf("%s: cannot rename into place: %s",
			    db_path, strerror(errno));
			rc = NY_EIO;
			if (res->kept != NULL) {
				restore_put_back(db_path, res->kept);
				free(res->kept);
				res->kept = NULL;
			}
		}
		dir = backup_parent(db_path);
		ny_sync_dir(dir);
		free(dir);
	}
	if (rc != NY_OK) {
		unlink(tmp);
		free(tmp);
		goto out;
	}
	free(tmp);
	res->placed = 1;
	dir = backup_parent(file);
	src = xasprintf("%s/files", dir);
	dst = xasprintf("%s/files", data_dir);
	rc = backup_mirror(src, dst, &res->copied, cause);
	free(dir);
	free(src);
	free(dst);
	if (rc == NY_OK)
		rc = restore_count_missing(data_dir, db_path, &res->missing,
		    cause);
out:
	close(fd);
	return rc;
}
