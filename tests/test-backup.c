/*
 * test-backup: backups named, kept and pruned by their name pattern only;
 * a copy that fails integrity_check is refused and leaves nothing; the
 * content files mirrored once; restore refused while the lock is held, for
 * a newer schema and for what is not a Nyota database; a restore keeps
 * the current database (its -wal folded in) and never mixes it in.
 */
#include <check.h>
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "backup.h"
#include "blob.h"
#include "crypto.h"
#include "db.h"
#include "restore.h"
#include "setting.h"
#include "testutil.h"

static const unsigned char test_key[32] = "nyota-test-master-key-32-bytes!";

/* 2026-12-03 10:00:00 UTC */
#define T0	1796292000LL

static void
setup(void)
{
	crypto_init_key(test_key);
	ny_clock_set(T0);
}

static void
teardown(void)
{
	ny_clock_set(0);
	backup_fault_corrupt(0);
}

/* A data dir with a migrated database holding setting k = v. */
static struct db *
data_dir_db(char **dir, char **dbp, const char *v)
{
	struct db *db;
	char *cause = NULL;

	*dir = tmp_path("data");
	ck_assert_int_eq(ny_mkdirs(*dir, 0700), NY_OK);
	*dbp = xasprintf("%s/nyota.db", *dir);
	ck_assert_int_eq(db_open(*dbp, &db, &cause), NY_OK);
	ck_assert_int_eq(db_migrate(db, &cause), NY_OK);
	ck_assert_int_eq(setting_put(db, "k", v), NY_OK);
	return db;
}

static void
touch(const char *dir, const char *name)
{
	char *p = xasprintf("%s/%s", dir, name);
	int fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, 0600);

	ck_assert_int_ge(fd, 0);
	close(fd);
	free(p);
}

static int
exists(const char *dir, const char *name)
{
	char *p = xasprintf("%s/%s", dir, name);
	struct stat sb;
	int r = lstat(p, &sb) == 0;

	free(p);
	return r;
}

static int
mode_of(const char *path)
{
	struct stat sb;

	ck_assert_int_eq(stat(path, &sb), 0);
	return (int)(sb.st_mode & 0777);
}

/* Entries of dir, dot ones included, but not . and .. */
static int
entries(const char *dir)
{
	struct dirent *e;
	DIR *d = opendir(dir);
	int n = 0;

	ck_assert_ptr_nonnull(d);
	while ((e = readdir(d)) != NULL)
		if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
			n++;
	closedir(d);
	return n;
}

/* The setting k of the database at path, read fresh. */
static char *
setting_of(const char *path)
{
	struct db *db;
	char *cause = NULL, *v = NULL;

	ck_assert_int_eq(db_open(path, &db, &cause), NY_OK);
	ck_assert_int_eq(setting_get(db, "k", &v), NY_OK);
	db_close(db);
	return v;
}

START_TEST(name_pattern)
{
	ck_assert(backup_name_ok("nyota-20261203-100000Z.db"));
	ck_assert(!backup_name_ok("nyota-20261203-100000Z.db.tmp-12"));
	ck_assert(!backup_name_ok("nyota-20261203-100000.db"));
	ck_assert(!backup_name_ok("nyota-2026120-3100000Z.db"));
	ck_assert(!backup_name_ok("nyota-2026120x-100000Z.db"));
	ck_assert(!backup_name_ok("xnyota-20261203-100000Z.db"));
	ck_assert(!backup_name_ok("nyota.db"));
	ck_assert(!backup_name_ok(""));
}
END_TEST

/* Keep K: the oldest named like a backup go, nothing else is touched. */
START_TEST(keep_prunes_by_name_only)
{
	char *dir, *dbp, *bk = tmp_path("bk"), *cause = NULL;
	struct backup_result res;
	struct db *db = data_dir_db(&dir, &dbp, "one");

	ck_assert_int_eq(mkdir(bk, 0700), 0);
	touch(bk, "nyota-20200101-000000Z.db");
	touch(bk, "nyota-20200101-000001Z.db");
	touch(bk, "nyota-20200101-000002Z.db");
	touch(bk, "nyota-2020.db");
	touch(bk, "nyota-20190101-000000Z.db.bak");
	touch(bk, "nyota-20190101-00000xZ.db");
	touch(bk, "other.db");
	ck_assert_int_eq(backup_dir(db, dir, bk, 2, &res, &cause), NY_OK);
	ck_assert_int_eq(res.removed, 2);
	ck_assert_int_gt(res.size, 0);
	ck_assert_str_eq(strrchr(res.file, '/') + 1,
	    "nyota-20261203-100000Z.db");
	ck_assert_int_eq(mode_of(res.file), 0600);
	ck_assert(!exists(bk, "nyota-20200101-000000Z.db"));
	ck_assert(!exists(bk, "nyota-20200101-000001Z.db"));
	ck_assert(exists(bk, "nyota-20200101-000002Z.db"));
	ck_assert(exists(bk, "nyota-2020.db"));
	ck_assert(exists(bk, "nyota-20190101-000000Z.db.bak"));
	ck_assert(exists(bk, "nyota-20190101-00000xZ.db"));
	ck_assert(exists(bk, "other.db"));
	/* The copy is a whole, current database. */
	ck_assert_str_eq(setting_of(res.file), "one");
	backup_result_free(&res);

	/* Keep 1: only the newest is left; a folder is made 0700. */
	free(bk);
	bk = tmp_path("bk");
	ny_clock_set(T0 + 1);
	ck_assert_int_eq(backup_dir(db, dir, bk, 1, &res, &cause), NY_OK);
	ck_assert_int_eq(mode_of(bk), 0700);
	backup_result_free(&res);
	ny_clock_set(T0 + 2);
	ck_assert_int_eq(backup_dir(db, dir, bk, 1, &res, &cause), NY_OK);
	ck_assert_int_eq(res.removed, 1);
	ck_assert(exists(bk, "nyota-20261203-100002Z.db"));
	ck_assert(!exists(bk, "nyota-20261203-100001Z.db"));
	backup_result_free(&res);
	db_close(db);
}
END_TEST

START_TEST(bad_keep_and_dir)
{
	char *dir, *dbp, *bk = tmp_path("bk"), *cause = NULL, *p;
	struct backup_result res;
	struct db *db = data_dir_db(&dir, &dbp, "one");

	ck_assert_int_eq(backup_dir(db, dir, bk, 0, &res, &cause), NY_EINVAL);
	free(cause);
	cause = NULL;
	ck_assert_int_eq(backup_dir(db, dir, bk, BACKUP_KEEP_MAX + 1, &res,
	    &cause), NY_EINVAL);
	free(cause);
	cause = NULL;
	ck_assert(!exists(bk, ""));
	p = xasprintf("%s/no/such", bk);
	ck_assert_int_eq(backup_dir(db, dir, p, 3, &res, &cause),
	    NY_ENOTFOUND);
	ck_assert_ptr_nonnull(strstr(cause, "/no/such"));
	free(cause);
	free(p);
	db_close(db);
}
END_TEST

/* A copy that fails integrity_check is no backup: nothing is named. */
START_TEST(corrupt_copy_refused)
{
	char *dir, *dbp, *bk = tmp_path("bk"), *cause = NULL, *f;
	struct backup_result res;
	struct db *db = data_dir_db(&dir, &dbp, "one");

	ck_assert_int_eq(mkdir(bk, 0700), 0);
	touch(bk, "nyota-20200101-000000Z.db");
	backup_fault_corrupt(1);
	ck_assert_int_eq(backup_dir(db, dir, bk, 1, &res, &cause), NY_EDB);
	ck_assert_ptr_nonnull(strstr(cause, "integrity"));
	free(cause);
	cause = NULL;
	/* The old one is not pruned for a failed copy; no temporary left. */
	ck_assert(exists(bk, "nyota-20200101-000000Z.db"));
	ck_assert_int_eq(entries(bk), 1);
	f = xasprintf("%s/one.db", bk);
	ck_assert_int_eq(backup_file(db, f, NULL, &cause), NY_EDB);
	free(cause);
	ck_assert_int_eq(entries(bk), 1);
	backup_fault_corrupt(0);
	cause = NULL;
	ck_assert_int_eq(backup_file(db, f, NULL, &cause), NY_OK);
	ck_assert_int_eq(entries(bk), 2);
	free(f);
	db_close(db);
}
END_TEST

/* Content files copied once, private; restored into an empty data dir. */
START_TEST(files_mirrored_once)
{
	char *dir, *dbp, *bk = tmp_path("bk"), *cause = NULL, *d2, *db2;
	char sha[BLOB_SHA_LEN], path[4096];
	struct backup_result res;
	struct restore_result rr;
	struct db *db = data_dir_db(&dir, &dbp, "one");

	ck_assert_int_eq(blob_write_mem(dir, "hello", 5, "a.txt", sha, NULL),
	    NY_OK);
	ck_assert_int_eq(blob_add(db, sha, 5, "text/plain"), NY_OK);
	ck_assert_int_eq(backup_dir(db, dir, bk, 5, &res, &cause), NY_OK);
	ck_assert_int_eq(res.copied, 1);
	blob_path(bk, sha, path, sizeof path);
	ck_assert_int_eq(mode_of(path), 0600);
	*strrchr(path, '/') = '\0';
	ck_assert_int_eq(mode_of(path), 0700);
	backup_result_free(&res);
	ny_clock_set(T0 + 60);
	ck_assert_int_eq(backup_dir(db, dir, bk, 5, &res, &cause), NY_OK);
	ck_assert_int_eq(res.copied, 0);
	ck_assert_int_eq(res.removed, 0);

	/* Into a data dir that is gone: the files come back too. */
	d2 = tmp_path("data2");
	db2 = xasprintf("%s/nyota.db", d2);
	ck_assert_int_eq(restore_run(d2, db2, res.file, &rr, &cause), NY_OK);
	ck_assert_int_eq(rr.copied, 1);
	ck_assert_int_eq(rr.missing, 0);
	ck_assert_ptr_null(rr.kept);
	ck_assert_int_eq(mode_of(db2), 0600);
	ck_assert_str_eq(setting_of(db2), "one");
	blob_path(d2, sha, path, sizeof path);
	ck_assert_int_eq(mode_of(path), 0600);
	restore_result_free(&rr);

	/* A file the backup lacks: counted as missing, still restored. */
	blob_path(bk, sha, path, sizeof path);
	ck_assert_int_eq(unlink(path), 0);
	free(d2);
	free(db2);
	d2 = tmp_path("data3");
	db2 = xasprintf("%s/nyota.db", d2);
	ck_assert_int_eq(restore_run(d2, db2, res.file, &rr, &cause), NY_OK);
	ck_assert_int_eq(rr.copied, 0);
	ck_assert_int_eq(rr.missing, 1);
	restore_result_free(&rr);
	backup_result_free(&res);
	db_close(db);
}
END_TEST

/* Refused while a server holds the lock; exclusive refuses servers. */
START_TEST(lock_refusal)
{
	char *dir, *dbp, *bk = tmp_path("bk.db"), *cause = NULL, *v;
	struct restore_result rr;
	struct db *db = data_dir_db(&dir, &dbp, "one");
	int sfd, xfd;

	ck_assert_int_eq(backup_file(db, bk, NULL, &cause), NY_OK);
	ck_assert_int_eq(setting_put(db, "k", "two"), NY_OK);
	db_close(db);
	ck_assert_int_eq(backup_lock(dir, 0, &sfd, &cause), NY_OK);
	ck_assert_int_eq(restore_run(dir, dbp, bk, &rr, &cause), NY_EBUSY);
	free(cause);
	cause = NULL;
	v = setting_of(dbp);
	ck_assert_str_eq(v, "two");
	free(v);
	ck_assert_int_eq(entries(dir), 2);	/* nyota.db, nyota.lock */
	close(sfd);

	ck_assert_int_eq(backup_lock(dir, 1, &xfd, &cause), NY_OK);
	ck_assert_int_eq(backup_lock(dir, 0, &sfd, &cause), NY_EBUSY);
	free(cause);
	cause = NULL;
	close(xfd);
	ck_assert_int_eq(backup_lock(dir, 0, &sfd, &cause), NY_OK);
	close(sfd);
	ck_assert_int_eq(mode_of(xasprintf("%s/nyota.lock", dir)), 0600);

	ck_assert_int_eq(restore_run(dir, dbp, bk, &rr, &cause), NY_OK);
	v = setting_of(dbp);
	ck_assert_str_eq(v, "one");
	free(v);
	v = setting_of(rr.kept);
	ck_assert_str_eq(v, "two");
	free(v);
	restore_result_free(&rr);
}
END_TEST

/* Newer schema, not Nyota, not SQLite, damaged: refused, nothing moved. */
START_TEST(refusals)
{
	char *dir, *dbp, *bk = tmp_path("bk.db"), *cause = NULL, *sql, *v;
	struct restore_result rr;
	struct db *db = data_dir_db(&dir, &dbp, "one"), *other;
	int ver;
	FILE *f;

	ck_assert_int_eq(backup_file(db, bk, NULL, &cause), NY_OK);
	ck_assert_int_eq(restore_check(bk, &ver, &cause), NY_OK);
	ck_assert_int_eq(ver, db_schema_version());
	ck_assert_int_eq(db_open(bk, &other, &cause), NY_OK);
	sql = xasprintf("PRAGMA user_version = %d", db_schema_version() + 1);
	ck_assert_int_eq(db_exec(other, sql), NY_OK);
	free(sql);
	db_close(other);
	ck_assert_int_eq(restore_check(bk, &ver, &cause), NY_ETOONEW);
	free(cause);
	cause = NULL;
	ck_assert_int_eq(restore_run(dir, dbp, bk, &rr, &cause), NY_ETOONEW);
	ck_assert_int_eq(rr.version, db_schema_version() + 1);
	ck_assert_ptr_null(rr.kept);
	free(cause);
	cause = NULL;

	/* A SQLite database of something else. */
	free(bk);
	bk = tmp_path("other.db");
	ck_assert_int_eq(db_open(bk, &other, &cause), NY_OK);
	ck_assert_int_eq(db_exec(other, "CREATE TABLE t (x)"), NY_OK);
	db_close(other);
	ck_assert_int_eq(restore_run(dir, dbp, bk, &rr, &cause), NY_EINVAL);
	ck_assert_ptr_nonnull(strstr(cause, "not a Nyota database"));
	free(cause);
	cause = NULL;

	/* Not SQLite at all; missing. */
	ck_assert_ptr_nonnull(f = fopen(bk, "w"));
	for (int i = 0; i < 200; i++)
		fputs("this is not a database at all\n", f);
	fclose(f);
	ck_assert_int_eq(restore_run(dir, dbp, bk, &rr, &cause), NY_EINVAL);
	free(cause);
	cause = NULL;
	unlink(bk);
	ck_assert_int_eq(restore_run(dir, dbp, bk, &rr, &cause), NY_ENOTFOUND);
	free(cause);
	cause = NULL;

	/* Damaged: a backup taken with the fault. */
	backup_fault_corrupt(1);
	ck_assert_int_eq(backup_file(db, bk, NULL, &cause), NY_EDB);
	free(cause);
	cause = NULL;
	backup_fault_corrupt(0);

	db_close(db);
	ck_assert_int_eq(entries(dir), 2);	/* nyota.db, nyota.lock */
	v = setting_of(dbp);
	ck_assert_str_eq(v, "one");
	free(v);
}
END_TEST

/*
 * Rows still only in the current database's -wal (its writer killed, no
 * checkpoint) end up in the kept copy, not in the restored database.
 */
START_TEST(wal_kept_not_mixed)
{
	char *dir, *dbp, *bk = tmp_path("bk.db"), *cause = NULL, *v, *p;
	struct restore_result rr;
	struct db *db = data_dir_db(&dir, &dbp, "one");
	struct stat sb;
	pid_t pid;
	int status;

	ck_assert_int_eq(backup_file(db, bk, NULL, &cause), NY_OK);
	db_close(db);
	if ((pid = fork()) == 0) {
		if (db_open(dbp, &db, &cause) != NY_OK ||
		    db_exec(db, "PRAGMA wal_autocheckpoint = 0") != NY_OK ||
		    setting_put(db, "k", "in-wal") != NY_OK)
			_exit(1);
		_exit(0);	/* like kill -9: no close, no checkpoint */
	}
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert_int_eq(status, 0);
	p = xasprintf("%s-wal", dbp);
	ck_assert_int_eq(stat(p, &sb), 0);
	ck_assert_int_gt(sb.st_size, 0);
	ck_assert_int_eq(restore_run(dir, dbp, bk, &rr, &cause), NY_OK);
	ck_assert_ptr_nonnull(rr.kept);
	ck_assert_int_eq(mode_of(rr.kept), 0600);
	ck_assert_int_ne(stat(p, &sb), 0);	/* no stale -wal */
	v = setting_of(rr.kept);
	ck_assert_str_eq(v, "in-wal");
	free(v);
	v = setting_of(dbp);
	ck_assert_str_eq(v, "one");
	free(v);
	restore_result_free(&rr);
	free(p);
}
END_TEST

static Suite *
backup_suite(void)
{
	Suite *s = suite_create("backup");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, name_pattern);
	tcase_add_test(tc, keep_prunes_by_name_only);
	tcase_add_test(tc, bad_keep_and_dir);
	tcase_add_test(tc, corrupt_copy_refused);
	tcase_add_test(tc, files_mirrored_once);
	tcase_add_test(tc, lock_refusal);
	tcase_add_test(tc, refusals);
	tcase_add_test(tc, wal_kept_not_mixed);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return run_suite(backup_suite());
}
