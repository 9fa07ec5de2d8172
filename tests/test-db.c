/*
 * test-db: connection set-up, migrations, transactions, events,
 * data_version across connections and processes, backup, the row helpers
 * and the SQL trace hook.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "backup.h"
#include "db.h"
#include "testutil.h"

static struct db *
open_migrated(const char *path)
{
	struct db *db;
	char *cause = NULL;

	ck_assert_int_eq(db_open(path, &db, &cause), NY_OK);
	ck_assert_int_eq(db_migrate(db, &cause), NY_OK);
	return db;
}

static int
user_version(struct db *db)
{
	sqlite3_stmt *st = db_stmt(db, "PRAGMA user_version");
	int v;

	ck_assert_int_eq(sqlite3_step(st), SQLITE_ROW);
	v = sqlite3_column_int(st, 0);
	sqlite3_reset(st);
	return v;
}

START_TEST(migrate_empty_and_rerun)
{
	char *path = tmp_path("db");
	struct db *db = open_migrated(path);
	char *cause = NULL;

	ck_assert_int_eq(user_version(db), db_schema_version());
	ck_assert_int_ge(db_schema_version(), 1);
	/* Re-running changes nothing and succeeds. */
	ck_assert_int_eq(db_migrate(db, &cause), NY_OK);
	ck_assert_int_eq(user_version(db), db_schema_version());
	db_close(db);
	free(path);
}
END_TEST

START_TEST(refuses_newer_database)
{
	char *path = tmp_path("db");
	struct db *db = open_migrated(path);
	char *cause = NULL;

	ck_assert_int_eq(db_exec(db, "PRAGMA user_version=9999"), NY_OK);
	ck_assert_int_eq(db_migrate(db, &cause), NY_ETOONEW);
	ck_assert_ptr_nonnull(strstr(cause, "newer"));
	free(cause);
	db_close(db);
	free(path);
}
END_TEST

START_TEST(pragmas_set)
{
	char *path = tmp_path("db");
	struct db *db = open_migrated(path);
	sqlite3_stmt *st;

	st = db_stmt(db, "PRAGMA journal_mode");
	ck_assert_int_eq(sqlite3_step(st), SQLITE_ROW);
	ck_assert_str_eq((const char *)sqlite3_column_text(st, 0), "wal");
	sqlite3_reset(st);
	st = db_stmt(db, "PRAGMA foreign_keys");
	ck_assert_int_eq(sqlite3_step(st), SQLITE_ROW);
	ck_assert_int_eq(sqlite3_column_int(st, 0), 1);
	sqlite3_reset(st);
	st = db_stmt(db, "PRAGMA synchronous");
	ck_assert_int_eq(sqlite3_step(st), SQLITE_ROW);
	ck_assert_int_eq(sqlite3_column_int(st, 0), 2);	/* FULL */
	sqlite3_reset(st);
	st = db_stmt(db, "PRAGMA busy_timeout");
	ck_assert_int_eq(sqlite3_step(st), SQLITE_ROW);
	ck_assert_int_ge(sqlite3_column_int(st, 0), 1000);
	sqlite3_reset(st);
	db_close(db);
	free(path);
}
END_TEST

/* The same SQL gives the same prepared statement, reset and unbound. */
START_TEST(statement_cache)
{
	char *path = tmp_path("db");
	struct db *db = open_migrated(path);
	sqlite3_stmt *a, *b, *c;
	char sql[] = "SELECT ?1 + 1 FROM (SELECT 1 UNION ALL SELECT 2)";

	a = db_stmt(db, "SELECT ?1 + 1 FROM (SELECT 1 UNION ALL SELECT 2)");
	ck_assert_ptr_nonnull(a);
	sqlite3_bind_int(a, 1, 41);
	ck_assert_int_eq(sqlite3_step(a), SQLITE_ROW);
	ck_assert_int_eq(sqlite3_column_int(a, 0), 42);
	/* Left mid-way and bound: handed back reset and cleared, also when
	 * the SQL text lives elsewhere in memory. */
	b = db_stmt(db, sql);
	ck_assert_ptr_eq(a, b);
	ck_assert_int_eq(sqlite3_step(b), SQLITE_ROW);
	ck_assert_int_eq(sqlite3_column_type(b, 0), SQLITE_NULL);
	sqlite3_reset(b);
	c = db_stmt(db, "SELECT 2");
	ck_assert_ptr_nonnull(c);
	ck_assert_ptr_ne(a, c);
	/* Bad SQL: NULL, and the cache still works afterwards. */
	ck_assert_ptr_null(db_stmt(db, "SELEC nonsense"));
	ck_assert_ptr_eq(db_stmt(db, "SELECT 2"), c);
	db_close(db);
	free(path);
}
END_TEST

/* Every statement of a big program fits: 400 distinct texts, each found
 * again afterwards. */
START_TEST(statement_cache_roomy)
{
	char *path = tmp_path("db");
	struct db *db = open_migrated(path);
	char *sql[400];
	sqlite3_stmt *st[400];
	int i;

	for (i = 0; i < 400; i++) {
		sql[i] = xasprintf("SELECT %d", i);
		st[i] = db_stmt(db, sql[i]);
		ck_assert_ptr_nonnull(st[i]);
	}
	for (i = 0; i < 400; i++)
		ck_assert_ptr_eq(db_stmt(db, sql[i]), st[i]);
	db_close(db);
	for (i = 0; i < 400; i++)
		free(sql[i]);
	free(path);
}
END_TEST

/* db_begin takes the write lock at once (BEGIN IMMEDIATE), so a second
 * writer learns it must wait before it reads anything. */
START_TEST(begin_is_immediate)
{
	char *path = tmp_path("db");
	struct db *a = open_migrated(path), *b = open_migrated(path);

	ck_assert_int_eq(db_begin(a), NY_OK);
	sqlite3_busy_timeout(db_sqlite(b), 0);
	ck_assert_int_eq(db_begin(b), NY_EBUSY);
	ck_assert_int_eq(sqlite3_get_autocommit(db_sqlite(b)), 1);
	db_rollback(a);
	ck_assert_int_eq(db_begin(b), NY_OK);
	db_rollback(b);
	db_close(a);
	db_close(b);
	free(path);
}
END_TEST

START_TEST(data_version_moves_on_foreign_commit)
{
	char *path = tmp_path("db");
	struct db *a = open_migrated(path), *b = open_migrated(path);
	int changed;

	ck_assert_int_eq(db_changed(a, &changed), NY_OK);
	ck_assert_int_eq(changed, 1);		/* first call */
	ck_assert_int_eq(db_changed(a, &changed), NY_OK);
	ck_assert_int_eq(changed, 0);
	/* Own commits do not count. */
	ck_assert_int_eq(db_begin(a), NY_OK);
	ck_assert_int_eq(db_event(a, "test", 1, NULL), NY_OK);
	ck_assert_int_eq(db_commit(a), NY_OK);
	ck_assert_int_eq(db_changed(a, &changed), NY_OK);
	ck_assert_int_eq(changed, 0);
	/* Another connection's do. */
	ck_assert_int_eq(db_begin(b), NY_OK);
	ck_assert_int_eq(db_event(b, "test", 2, NULL), NY_OK);
	ck_assert_int_eq(db_commit(b), NY_OK);
	ck_assert_int_eq(db_changed(a, &changed), NY_OK);
	ck_assert_int_eq(changed, 1);
	db_close(a);
	db_close(b);
	free(path);
}
END_TEST

START_TEST(events_read_since)
{
	char *path = tmp_path("db");
	struct db *db = open_migrated(path);
	struct db_event ev[8];
	int64_t s1, s2, last;
	int n;

	ck_assert_int_eq(db_begin(db), NY_OK);
	ck_assert_int_eq(db_event(db, "order", 7, &s1), NY_OK);
	ck_assert_int_eq(db_event(db, "product", 9, &s2), NY_OK);
	ck_assert_int_eq(db_commit(db), NY_OK);
	ck_assert_int_gt(s2, s1);
	ck_assert_int_eq(db_events_since(db, s1, ev, 8, &n), NY_OK);
	ck_assert_int_eq(n, 1);
	ck_assert_str_eq(ev[0].kind, "product");
	ck_assert_int_eq(ev[0].row_id, 9);
	ck_assert_int_eq(db_events_last(db, &last), NY_OK);
	ck_assert_int_eq(last, s2);
	db_close(db);
	free(path);
}
END_TEST

/* Two processes append 300 events each at once: none may see SQLITE_BUSY. */
START_TEST(two_writers_no_busy)
{
	char *path = tmp_path("db");
	struct db *db = open_migrated(path);
	int64_t last;
	pid_t kids[2];
	int i, status;

	db_close(db);
	for (i = 0; i < 2; i++) {
		if ((kids[i] = fork()) == 0) {
			struct db *c = NULL;
			char *cause = NULL;
			int k;

			if (db_open(path, &c, &cause) != NY_OK)
				_exit(3);
			for (k = 0; k < 300; k++) {
				if (db_begin(c) != NY_OK ||
				    db_event(c, "w", k, NULL) != NY_OK ||
				    db_commit(c) != NY_OK)
					_exit(4);
			}
			db_close(c);
			_exit(0);
		}
	}
	for (i = 0; i < 2; i++) {
		ck_assert_int_eq(waitpid(kids[i], &status, 0), kids[i]);
		ck_assert(WIFEXITED(status));
		ck_assert_int_eq(WEXITSTATUS(status), 0);
	}
	db = open_migrated(path);
	ck_assert_int_eq(db_events_last(db, &last), NY_OK);
	ck_assert_int_eq(last, 600);
	db_close(db);
	free(path);
}
END_TEST

/* A backup taken while another process writes is consistent. */
START_TEST(backup_during_writes)
{
	char *path = tmp_path("db"), *bk = tmp_path("backup"), *cause = NULL;
	struct db *db = open_migrated(path), *copy;
	sqlite3_stmt *st;
	pid_t kid;
	int status, i;

	if ((kid = fork()) == 0) {
		struct db *c = NULL;
		int k;

		if (db_open(path, &c, &cause) != NY_OK)
			_exit(3);
		for (k = 0; k < 2000; k++) {
			if (db_begin(c) != NY_OK ||
			    db_event(c, "w", k, NULL) != NY_OK ||
			    db_commit(c) != NY_OK)
				_exit(4);
		}
		_exit(0);
	}
	for (i = 0; i < 5; i++) {
		ck_assert_int_eq(backup_file(db, bk, NULL, &cause), NY_OK);
		ck_assert_int_eq(db_open(bk, &copy, &cause), NY_OK);
		st = db_stmt(copy, "PRAGMA integrity_check");
		ck_assert_int_eq(sqlite3_step(st), SQLITE_ROW);
		ck_assert_str_eq((const char *)sqlite3_column_text(st, 0), "ok");
		sqlite3_reset(st);
		db_close(copy);
	}
	ck_assert_int_eq(waitpid(kid, &status, 0), kid);
	ck_assert_int_eq(WEXITSTATUS(status), 0);
	/* Private: it holds sealed secrets and buyers' phone numbers. */
	{
		struct stat sb;

		ck_assert_int_eq(stat(bk, &sb), 0);
		ck_assert_int_eq(sb.st_mode & 0777, 0600);
	}
	db_close(db);
	free(path);
	free(bk);
}
END_TEST

START_TEST(fault_injection_busy)
{
	char *path = tmp_path("db");
	struct db *db = open_migrated(path);

	db_fault_busy_after(db, 1);
	ck_assert_int_eq(db_begin(db), NY_EBUSY);
	ck_assert_int_eq(db_begin(db), NY_OK);
	db_rollback(db);
	db_close(db);
	free(path);
}
END_TEST

START_TEST(schema_checks_constraints)
{
	char *path = tmp_path("db");
	struct db *db = open_migrated(path);

	ck_assert_int_eq(db_exec(db, "INSERT INTO creators(handle, created_at)"
	    " VALUES ('amani', 1)"), NY_OK);
	/* Bad handle, negative price, unknown kind, bad status: refused. */
	ck_assert_int_ne(db_exec(db, "INSERT INTO creators(handle, created_at)"
	    " VALUES ('Bad Handle', 1)"), NY_OK);
	ck_assert_int_ne(db_exec(db, "INSERT INTO products(creator_id, slug,"
	    " kind, title, price_minor, currency, created_at, updated_at)"
	    " VALUES (1, 'x', 'download', 't', -1, 'KES', 1, 1)"), NY_OK);
	ck_assert_int_ne(db_exec(db, "INSERT INTO products(creator_id, slug,"
	    " kind, title, price_minor, currency, created_at, updated_at)"
	    " VALUES (1, 'x', 'car', 't', 1, 'KES', 1, 1)"), NY_OK);
	ck_assert_int_ne(db_exec(db, "INSERT INTO products(creator_id, slug,"
	    " kind, title, price_minor, currency, created_at, updated_at)"
	    " VALUES (1, 'x', 'subscription', 't', 1, 'KES', 1, 1)"), NY_OK);
	ck_assert_int_eq(db_exec(db, "INSERT INTO products(creator_id, slug,"
	    " kind, title, summary, price_minor, currency, created_at,"
	    " updated_at) VALUES (1, 'x', 'download', 'Nairobi nights',"
	    " 'photos', 1, 'KES', 1, 1)"), NY_OK);
	/* The FTS index follows. */
	{
		sqlite3_stmt *st = db_stmt(db, "SELECT count(*) FROM "
		    "products_fts WHERE products_fts MATCH 'nair*'");

		ck_assert_int_eq(sqlite3_step(st), SQLITE_ROW);
		ck_assert_int_eq(sqlite3_column_int(st, 0), 1);
		sqlite3_reset(st);
	}
	db_close(db);
	free(path);
}
END_TEST

struct kv {
	char	*k;
	int64_t	 n;
};

static enum ny_err
kv_fill(void *arg, void *elem, sqlite3_stmt *st)
{
	struct kv *r = elem;

	(void)arg;
	r->k = db_col_str(st, 0);
	r->n = sqlite3_column_int64(st, 1);
	return r->n == 99 ? NY_EINVAL : NY_OK;
}

static enum ny_err
sum_row(void *arg, sqlite3_stmt *st)
{
	*(int64_t *)arg += sqlite3_column_int64(st, 1);
	return NY_OK;
}

START_TEST(row_helpers)
{
	char *path = tmp_path("rows.db");
	struct db *db = open_migrated(path);
	sqlite3_stmt *st;
	struct kv *v = NULL;
	size_t n = 0, i;
	int64_t sum = 0, changed = -1;

	ck_assert_int_eq(db_exec(db, "CREATE TABLE t(k TEXT, n INTEGER);"
	    "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c"
	    " WHERE x < 20) INSERT INTO t SELECT 'k' || x, x FROM c"), NY_OK);

	/* db_rows: every row, grown past its first capacity, in order. */
	st = db_stmt(db, "SELECT k, n FROM t ORDER BY n");
	ck_assert_int_eq(db_rows(st, 0, &v, &n, sizeof *v, kv_fill, NULL),
	    NY_OK);
	ck_assert_uint_eq(n, 20);
	ck_assert_str_eq(v[19].k, "k20");
	/* Appends to what is there; max bounds the rows read. */
	st = db_stmt(db, "SELECT k, n FROM t ORDER BY n");
	ck_assert_int_eq(db_rows(st, 3, &v, &n, sizeof *v, kv_fill, NULL),
	    NY_OK);
	ck_assert_uint_eq(n, 23);
	ck_assert_str_eq(v[22].k, "k3");
	/* fill's error stops the walk; the rows read so far stay. */
	ck_assert_int_eq(db_exec(db, "INSERT INTO t VALUES ('bad', 99)"), NY_OK);
	st = db_stmt(db, "SELECT k, n FROM t ORDER BY n");
	ck_assert_int_eq(db_rows(st, 0, &v, &n, sizeof *v, kv_fill, NULL),
	    NY_EINVAL);
	ck_assert_uint_eq(n, 44);
	ck_assert_str_eq(v[43].k, "bad");
	for (i = 0; i < n; i++)
		free(v[i].k);
	free(v);
	v = NULL;
	n = 0;
	ck_assert_int_eq(db_rows(NULL, 0, &v, &n, sizeof *v, kv_fill, NULL),
	    NY_EDB);
	ck_assert_ptr_null(v);

	/* db_each, and the statement is reset: a writer can commit. */
	st = db_stmt(db, "SELECT k, n FROM t WHERE n < 99");
	ck_assert_int_eq(db_each(st, 0, sum_row, &sum), NY_OK);
	ck_assert_int_eq(sum, 210);
	ck_assert_int_eq(db_begin(db), NY_OK);
	ck_assert_int_eq(db_commit(db), NY_OK);

	/* db_one: exactly one row, none, several, an error. */
	st = db_stmt(db, "UPDATE t SET n = n + 100 WHERE k = ?");
	sqlite3_bind_text(st, 1, "k1", -1, SQLITE_STATIC);
	ck_assert_int_eq(db_one(st, NY_ESTATE, &changed), NY_OK);
	ck_assert_int_eq(changed, 1);
	sqlite3_bind_text(st, 1, "nope", -1, SQLITE_STATIC);
	ck_assert_int_eq(db_one(st, NY_ESTATE, &changed), NY_ESTATE);
	ck_assert_int_eq(changed, 0);
	st = db_stmt(db, "DELETE FROM t WHERE n < 5");
	ck_assert_int_eq(db_one(st, NY_ENOTFOUND, &changed), NY_OK);
	ck_assert_int_eq(changed, 3);
	ck_assert_int_eq(db_exec(db, "CREATE TABLE u(k TEXT UNIQUE);"
	    "INSERT INTO u VALUES ('a')"), NY_OK);
	st = db_stmt(db, "INSERT INTO u VALUES ('a')");
	ck_assert_int_eq(db_one(st, NY_ENOTFOUND, NULL), NY_EEXISTS);
	ck_assert_int_eq(db_one(NULL, NY_ENOTFOUND, &changed), NY_EDB);
	db_close(db);
	free(path);
}
END_TEST

/*
 * NYOTA_SQL_TRACE: each text a connection compiles is recorded once, as
 * "file<TAB>sql" with newlines, tabs and backslashes escaped; a second
 * connection records it again; unset, nothing is written.
 */
START_TEST(sql_trace)
{
	char *path = tmp_path("trace.db"), *trace = tmp_path("trace.txt");
	char *text = NULL, *want;
	struct db *a, *b;
	size_t len;

	ck_assert_int_eq(setenv("NYOTA_SQL_TRACE", trace, 1), 0);
	a = open_migrated(path);
	b = open_migrated(path);
	ck_assert_ptr_nonnull(db_stmt(a, "SELECT 1"));
	ck_assert_ptr_nonnull(db_stmt(a, "SELECT 1"));
	ck_assert_ptr_nonnull(db_stmt(a, "SELECT\n\t'\\'"));
	ck_assert_ptr_nonnull(db_stmt(b, "SELECT 1"));
	ck_assert_int_eq(ny_read_file(trace, 4096, &text, &len), NY_OK);
	want = xasprintf("%s\tSELECT 1\n%s\tSELECT\\n\\t'\\\\'\n"
	    "%s\tSELECT 1\n", __FILE__, __FILE__, __FILE__);
	ck_assert_str_eq(text, want);
	free(want);
	free(text);
	db_close(a);
	db_close(b);
	/* Unset: a new connection writes nothing. */
	ck_assert_int_eq(unsetenv("NYOTA_SQL_TRACE"), 0);
	ck_assert_int_eq(unlink(trace), 0);
	a = open_migrated(path);
	ck_assert_ptr_nonnull(db_stmt(a, "SELECT 2"));
	ck_assert_int_eq(access(trace, F_OK), -1);
	db_close(a);
	free(trace);
	free(path);
}
END_TEST

START_TEST(stmt_and_tx_helpers)
{
	char *path = tmp_path("done.db");
	struct db *db = open_migrated(path);
	sqlite3_stmt *st;
	int64_t v = 0;
	int found = -1;

	ck_assert_int_eq(db_exec(db, "CREATE TABLE t(k TEXT UNIQUE)"), NY_OK);
	st = db_stmt(db, "INSERT INTO t(k) VALUES (?)");
	sqlite3_bind_text(st, 1, "a", -1, SQLITE_STATIC);
	ck_assert_int_eq(db_done(st), NY_OK);
	sqlite3_bind_text(st, 1, "a", -1, SQLITE_STATIC);
	ck_assert_int_eq(db_done(st), NY_EEXISTS);
	ck_assert_int_eq(db_done(NULL), NY_EDB);

	st = db_stmt(db, "SELECT 1 FROM t WHERE k = ?");
	sqlite3_bind_text(st, 1, "a", -1, SQLITE_STATIC);
	ck_assert_int_eq(db_exists(st, &found), NY_OK);
	ck_assert_int_eq(found, 1);
	sqlite3_bind_text(st, 1, "b", -1, SQLITE_STATIC);
	ck_assert_int_eq(db_exists(st, &found), NY_OK);
	ck_assert_int_eq(found, 0);
	found = -1;
	ck_assert_int_eq(db_exists(NULL, &found), NY_EDB);
	ck_assert_int_eq(found, 0);

	st = db_stmt(db, "SELECT count(*) FROM t WHERE k <> ?");
	sqlite3_bind_text(st, 1, "b", -1, SQLITE_STATIC);
	ck_assert_int_eq(db_int64(st, &v), NY_OK);
	ck_assert_int_eq(v, 1);
	st = db_stmt(db, "SELECT rowid FROM t WHERE k = ?");
	sqlite3_bind_text(st, 1, "b", -1, SQLITE_STATIC);
	v = 7;
	ck_assert_int_eq(db_int64(st, &v), NY_ENOTFOUND);
	ck_assert_int_eq(v, 7);
	sqlite3_bind_text(st, 1, "a", -1, SQLITE_STATIC);
	ck_assert_int_eq(db_int64(st, NULL), NY_OK);
	ck_assert_int_eq(db_int64(NULL, &v), NY_EDB);

	/* db_end: rolls back on an error and passes it on, else commits. */
	ck_assert_int_eq(db_begin(db), NY_OK);
	ck_assert_int_eq(db_exec(db, "INSERT INTO t(k) VALUES ('c')"), NY_OK);
	ck_assert_int_eq(db_end(db, NY_EINVAL), NY_EINVAL);
	ck_assert_int_eq(db_begin(db), NY_OK);
	ck_assert_int_eq(db_exec(db, "INSERT INTO t(k) VALUES ('d')"), NY_OK);
	ck_assert_int_eq(db_end(db, NY_OK), NY_OK);
	st = db_stmt(db, "SELECT count(*) FROM t WHERE k IN ('c', 'd')");
	ck_assert_int_eq(db_int64(st, &v), NY_OK);
	ck_assert_int_eq(v, 1);
	/* Both reset the statement: a writer can still commit. */
	ck_assert_int_eq(db_begin(db), NY_OK);
	ck_assert_int_eq(db_commit(db), NY_OK);
	db_close(db);
	free(path);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("db");
	TCase *tc = tcase_create("db");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, migrate_empty_and_rerun);
	tcase_add_test(tc, refuses_newer_database);
	tcase_add_test(tc, pragmas_set);
	tcase_add_test(tc, statement_cache);
	tcase_add_test(tc, statement_cache_roomy);
	tcase_add_test(tc, begin_is_immediate);
	tcase_add_test(tc, data_version_moves_on_foreign_commit);
	tcase_add_test(tc, events_read_since);
	tcase_add_test(tc, two_writers_no_busy);
	tcase_add_test(tc, backup_during_writes);
	tcase_add_test(tc, fault_injection_busy);
	tcase_add_test(tc, schema_checks_constraints);
	tcase_add_test(tc, stmt_and_tx_helpers);
	tcase_add_test(tc, row_helpers);
	tcase_add_test(tc, sql_trace);
	suite_add_tcase(s, tc);
	return run_suite(s);
}
