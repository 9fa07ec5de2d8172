/*
 * backup.c: backups that are checked before they count, and a restore
 * that never mixes two databases (README "Backup and restore").
 *
 * Every file this writes goes to a temporary name in its final folder,
 * is fsync'ed and then renamed: a crash or a full disk leaves a stray
 * temporary, never a half backup under a backup's name. The temporary
 * names never match a backup's name or a content file's, so pruning and
 * mirroring skip them.
 */
#include <sys/file.h>
#include <sys/stat.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "backup.h"
#include "backup-int.h"
#include "log.h"

static int backup_corrupt;

void
backup_fault_corrupt(int on)
{
	backup_corrupt = on;
}

enum ny_err
backup_lock(const char *data_dir, int exclusive, int *fdp, char **cause)
{
	char *p = xasprintf("%s/nyota.lock", data_dir);
	int fd, e;

	*fdp = -1;
	if ((fd = open(p, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC,
	    0600)) < 0) {
		*cause = xasprintf("%s: %s", p, strerror(errno));
		free(p);
		return NY_EIO;
	}
	/* flock, not fcntl locks: they belong to the open file, so the
	 * console's forked connections keep holding it with their parent,
	 * and a second open in the same process conflicts (the tests). */
	if (flock(fd, (exclusive ? LOCK_EX : LOCK_SH) | LOCK_NB) != 0) {
		e = errno;
		close(fd);
		*cause = xasprintf("%s: %s", p, e == EWOULDBLOCK ?
		    "held by another process" : strerror(e));
		free(p);
		return e == EWOULDBLOCK ? NY_EBUSY : NY_EIO;
	}
	free(p);
	*fdp = fd;
	return NY_OK;
}

/* The folder path lies in (caller frees). */
char *
backup_parent(const char *path)
{
	char *p = xstrdup(path), *d = xstrdup(dirname(p));

	free(p);
	return d;
}

/* fsync of a closed file by name (SQLite's own handle is gone). */
static enum ny_err
backup_sync_file(const char *path)
{
	int fd, rc;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return NY_EIO;
	rc = fsync(fd);
	close(fd);
	return rc == 0 ? NY_OK : NY_EIO;
}

/*
 * Copies the database src into the new file tmp (0600) with the backup
 * API, in one step: one read transaction, so the copy is consistent even
 * while both servers write (WAL readers do not block them). The copy is
 * a plain rollback-journal file, the most portable kind.
 */
enum ny_err
backup_copy_db(sqlite3 *src, const char *tmp, char **cause)
{
	sqlite3 *dst = NULL;
	sqlite3_backup *b;
	int rc, fd;

	/* Created 0600 before SQLite opens it: a backup holds the sealed
	 * TOTP secrets and every buyer's phone number. */
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
	    0600)) < 0) {
		*cause = xasprintf("%s: %s", tmp, strerror(errno));
		return NY_EIO;
	}
	close(fd);
	rc = sqlite3_open_v2(tmp, &dst, SQLITE_OPEN_READWRITE, NULL);
	if (rc == SQLITE_OK) {
		if ((b = sqlite3_backup_init(dst, "main", src, "main")) == NULL)
			rc = sqlite3_errcode(dst);
		else {
			do {
				rc = sqlite3_backup_step(b, -1);
				if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED)
					sqlite3_sleep(50);
			} while (rc == SQLITE_BUSY || rc == SQLITE_LOCKED);
			sqlite3_backup_finish(b);
			if (rc == SQLITE_DONE)
				rc = sqlite3_exec(dst, "PRAGMA journal_mode=DELETE",
				    NULL, NULL, NULL);
		}
	}
	if (rc != SQLITE_OK) {
		*cause = xasprintf("%s: %s", tmp, dst ? sqlite3_errmsg(dst) :
		    sqlite3_errstr(rc));
		sqlite3_close(dst);
		unlink(tmp);
		return NY_EIO;
	}
	sqlite3_close(dst);
	if (backup_sync_file(tmp) != NY_OK) {
		*cause = xasprintf("%s: cannot sync: %s", tmp, strerror(errno));
		unlink(tmp);
		return NY_EIO;
	}
	return NY_OK;
}

/* The fault of the tests: one page of garbage in the middle of path. */
static void
backup_damage(const char *path)
{
	char junk[4096];
	int fd;

	memset(junk, 0xa5, sizeof junk);
	if ((fd = open(path, O_WRONLY | O_CLOEXEC)) >= 0) {
		(void)pwrite(fd, junk, sizeof junk, 4096);
		close(fd);
	}
}

/* The first text of a one-column statement on h into buf ("" if none). */
int
backup_query(sqlite3 *h, const char *sql, char *buf, size_t len)
{
	sqlite3_stmt *st;
	const unsigned char *t;
	int rc;

	buf[0] = '\0';
	if ((rc = sqlite3_prepare_v2(h, sql, -1, &st, NULL)) != SQLITE_OK)
		return rc;
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if ((t = sqlite3_column_text(st, 0)) != NULL)
			snprintf(buf, len, "%s", (const char *)t);
		rc = SQLITE_OK;
	} else if (rc == SQLITE_DONE)
		rc = SQLITE_OK;
	sqlite3_finalize(st);
	return rc;
}

/* PRAGMA integrity_check of the open h: NY_OK or NY_EINVAL with why. */
enum ny_err
backup_integrity(sqlite3 *h, const char *path, char **cause)
{
	char first[256];
	int rc;

	rc = backup_query(h, "PRAGMA integrity_check", first, sizeof first);
	if (rc == SQLITE_OK && strcmp(first, "ok") == 0)
		return NY_OK;
	*cause = xasprintf("%s: integrity check failed: %s", path,
	    rc == SQLITE_OK ? first : sqlite3_errmsg(h));
	return NY_EINVAL;
}

/* Opens path read-only, changing nothing in it (nor beside it). */
enum ny_err
backup_open_ro(const char *path, sqlite3 **h, char **cause)
{
	if (sqlite3_open_v2(path, h, SQLITE_OPEN_READONLY, NULL) !=
	    SQLITE_OK) {
		*cause = xasprintf("%s: %s", path, sqlite3_errmsg(*h));
		sqlite3_close(*h);
		*h = NULL;
		return NY_EIO;
	}
	return NY_OK;
}

enum ny_err
backup_file(struct db *db, const char *file, int64_t *size, char **cause)
{
	const char *live = sqlite3_db_filename(db_sqlite(db), "main");
	char *tmp, *dir;
	enum ny_err rc;
	struct stat sb, lb;
	sqlite3 *h;

	/* `backup data/nyota.db` would rename a copy over the open file. */
	if (live != NULL && stat(file, &sb) == 0 && stat(live, &lb) == 0 &&
	    sb.st_dev == lb.st_dev && sb.st_ino == lb.st_ino) {
		*cause = xasprintf("%s: is the database itself", file);
		return NY_EINVAL;
	}
	tmp = xasprintf("%s.tmp-%d", file, (int)getpid());
	unlink(tmp);
	if ((rc = backup_copy_db(db_sqlite(db), tmp, cause)) != NY_OK) {
		free(tmp);
		return rc;
	}
	if (backup_corrupt)
		backup_damage(tmp);
	/* Checked as written on disk, before it is called a backup: a copy
	 * that does not pass is no backup, and must not push out a good one
	 * when the old ones are pruned. */
	if ((rc = backup_open_ro(tmp, &h, cause)) == NY_OK) {
		rc = backup_integrity(h, file, cause);
		sqlite3_close(h);
		if (rc != NY_OK)
			rc = NY_EDB;
	}
	if (rc == NY_OK && (stat(tmp, &sb) != 0 || rename(tmp, file) != 0)) {
		*cause = xasprintf("%s: cannot rename into place: %s", file,
		    strerror(errno));
		rc = NY_EIO;
	}
	if (rc != NY_OK) {
		unlink(tmp);
		free(tmp);
		return rc;
	}
	dir = backup_parent(file);
	ny_sync_dir(dir);
	free(dir);
	if (size != NULL)
		*size = (int64_t)sb.st_size;
	free(tmp);
	return NY_OK;
}

int
backup_name_ok(const char *n)
{
	static const char pat[] = "nyota-DDDDDDDD-DDDDDDZ.db";
	size_t i;

	if (strlen(n) != sizeof pat - 1)
		return 0;
	for (i = 0; pat[i] != '\0'; i++) {
		if (pat[i] == 'D' ? (n[i] < '0' || n[i] > '9') : n[i] != pat[i])
			return 0;
	}
	return 1;
}

void
backup_result_free(struct backup_result *res)
{
	free(res->file);
	memset(res, 0, sizeof *res);
}

/* 1 when s is exactly n lower-case hex digits (a content file's parts). */
static int
backup_hex(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' &&
		    s[i] <= 'f')))
			return 0;
	return s[n] == '\0';
}

/* Copies the regular file src to dir/name through a temporary (0600). */
static enum ny_err
backup_copy_file(const char *src, const char *dir, const char *name,
    char **cause)
{
	char buf[65536], *tmp, *dst;
	int in, out = -1;
	enum ny_err rc = NY_EIO;
	struct stat sb;
	ssize_t n = 0;

	if ((in = open(src, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)) < 0) {
		*cause = xasprintf("%s: %s", src, strerror(errno));
		return NY_EIO;
	}
	/* A dot first: never taken for a content file by the next mirror. */
	tmp = xasprintf("%s/.%s.tmp-%d", dir, name, (int)getpid());
	dst = xasprintf("%s/%s", dir, name);
	if (fstat(in, &sb) != 0 || !S_ISREG(sb.st_mode))
		goto out;
	unlink(tmp);
	if ((out = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
	    0600)) < 0)
		goto out;
	while ((n = read(in, buf, sizeof buf)) > 0)
		if (write(out, buf, (size_t)n) != n) {
			n = -1;
			break;
		}
	if (n == 0 && fsync(out) == 0 && close(out) == 0) {
		out = -1;
		if (rename(tmp, dst) == 0)
			rc = NY_OK;
	}
out:
	if (rc != NY_OK) {
		*cause = xasprintf("%s: %s", dst, strerror(errno));
		unlink(tmp);
	}
	if (out >= 0)
		close(out);
	close(in);
	free(tmp);
	free(dst);
	return rc;
}

/* mkdir 0700 that accepts an existing folder. */
static enum ny_err
backup_mkdir(const char *path, char **cause)
{
	struct stat sb;

	if (mkdir(path, 0700) != 0 && errno != EEXIST) {
		*cause = xasprintf("%s: cannot create: %s", path,
		    strerror(errno));
		return errno == ENOENT ? NY_ENOTFOUND : errno == EACCES ||
		    errno == EROFS || errno == EPERM ? NY_EDENIED : NY_EIO;
	}
	if (stat(path, &sb) != 0 || !S_ISDIR(sb.st_mode)) {
		*cause = xasprintf("%s: not a folder", path);
		return NY_EIO;
	}
	return NY_OK;
}

/*
 * Mirrors the content files under src (files/ab/cdef…) into dst: depth 0
 * walks the two-letter folders, depth 1 copies the files missing in dst.
 * Names that are not a content file's are not ours, and left alone.
 */
static enum ny_err
backup_mirror_dir(const char *src, const char *dst, int depth,
    size_t *copied, char **cause)
{
	struct dirent *e;
	struct stat want, have;
	enum ny_err rc = NY_OK;
	char *s, *d;
	DIR *dp;

	if ((dp = opendir(src)) == NULL)
		return NY_OK;	/* missing, or not a folder: nothing of ours */
	if ((rc = backup_mkdir(dst, cause)) != NY_OK) {
		closedir(dp);
		return rc;
	}
	while (rc == NY_OK && (e = readdir(dp)) != NULL) {
		if (!backup_hex(e->d_name, depth == 0 ? 2 : 62))
			continue;
		s = xasprintf("%s/%s", src, e->d_name);
		d = xasprintf("%s/%s", dst, e->d_name);
		if (depth == 0)
			rc = backup_mirror_dir(s, d, 1, copied, cause);
		/* Content-addressed and written by rename: a file of the same
		 * name and size is the same file. */
		else if (lstat(s, &want) == 0 && S_ISREG(want.st_mode) &&
		    (stat(d, &have) != 0 || !S_ISREG(have.st_mode) ||
		    have.st_size != want.st_size) &&
		    (rc = backup_copy_file(s, dst, e->d_name, cause)) == NY_OK)
			(*copied)++;
		free(s);
		free(d);
	}
	closedir(dp);
	return rc;
}

enum ny_err
backup_mirror(const char *src, const char *dst, size_t *copied,
    char **cause)
{
	enum ny_err rc;

	*copied = 0;
	if ((rc = backup_mirror_dir(src, dst, 0, copied, cause)) == NY_OK)
		ny_sync_dir(dst);
	return rc;
}

static int
backup_name_filter(const struct dirent *e)
{
	return backup_name_ok(e->d_name);
}

/* Deletes the oldest backups of dir beyond keep, never the one just made. */
static enum ny_err
backup_prune(const char *dir, int keep, const char *newest, size_t *removed,
    char **cause)
{
	struct dirent **es;
	char *p;
	int n, i;

	*removed = 0;
	/* The name sorts by time: YYYYMMDD-HHMMSS, fixed width, UTC. */
	if ((n = scandir(dir, &es, backup_name_filter, alphasort)) < 0) {
		*cause = xasprintf("%s: %s", dir, strerror(errno));
		return NY_EIO;
	}
	for (i = 0; i < n; i++) {
		if (i < n - keep && strcmp(es[i]->d_name, newest) != 0) {
			p = xasprintf("%s/%s", dir, es[i]->d_name);
			if (unlink(p) == 0)
				(*removed)++;
			else
				log_warn("old backup not removed", "file=%s "
				    "error=\"%s\"", p, strerror(errno));
			free(p);
		}
		free(es[i]);
	}
	free(es);
	ny_sync_dir(dir);
	return NY_OK;
}

/* "YYYYMMDD-HHMMSSZ" of t, UTC. */
void
backup_stamp(int64_t t, char *buf, size_t len)
{
	time_t tt = (time_t)t;
	struct tm tm;

	gmtime_r(&tt, &tm);
	strftime(buf, len, "%Y%m%d-%H%M%SZ", &tm);
}

enum ny_err
backup_dir(struct db *db, const char *data_dir, const char *dir, int keep,
    struct backup_result *res, char **cause)
{
	char stamp[32], *files, *mine;
	enum ny_err rc;
	struct stat sb;
	int tries;

	memset(res, 0, sizeof *res);
	if (keep < 1 || keep > BACKUP_KEEP_MAX) {
		*cause = xasprintf("--keep %d: from 1 to %d", keep,
		    BACKUP_KEEP_MAX);
		return NY_EINVAL;
	}
	if ((rc = backup_mkdir(dir, cause)) != NY_OK)
		return rc;
	if (access(dir, W_OK | X_OK) != 0) {
		*cause = xasprintf("%s: not writable: %s", dir,
		    strerror(errno));
		return NY_EDENIED;
	}
	/* Names are to the second: a second backup within the same second
	 * waits for the next rather than replacing the first. */
	for (tries = 0; ; tries++) {
		backup_stamp(ny_now(), stamp, sizeof stamp);
		free(res->file);
		res->file = xasprintf("%s/nyota-%s.db", dir, stamp);
		if (lstat(res->file, &sb) != 0)
			break;
		if (tries == 2) {
			*cause = xasprintf("%s: already exists", res->file);
			backup_result_free(res);
			return NY_EEXISTS;
		}
		sleep(1);
	}
	if ((rc = backup_file(db, res->file, &res->size, cause)) != NY_OK) {
		backup_result_free(res);
		return rc;
	}
	/* After the database: a blob is written before any row names it,
	 * so every file the copy refers to is on disk by now. */
	files = xasprintf("%s/files", data_dir);
	mine = xasprintf("%s/files", dir);
	rc = backup_mirror(files, mine, &res->copied, cause);
	free(files);
	free(mine);
	if (rc == NY_OK)
		rc = backup_prune(dir, keep, strrchr(res->file, '/') + 1,
		    &res->removed, cause);
	return rc;
}

