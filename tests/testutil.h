/*
 * testutil.h: small helpers for the Check suites (header-only so each test
 * binary stays one file).
 */
#ifndef NY_TESTUTIL_H
#define NY_TESTUTIL_H

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "db.h"
#include "ny.h"

/* A fresh path under a per-process temp dir (caller frees). */
static inline char *
tmp_path(const char *name)
{
	static char dir[64];
	static int n;

	if (dir[0] == '\0') {
		snprintf(dir, sizeof dir, "/tmp/nyota-test.XXXXXX");
		if (mkdtemp(dir) == NULL)
			abort();
	}
	return xasprintf("%s/%s-%d-%d", dir, name, (int)getpid(), ++n);
}

/*
 * A fresh database at tmp_path(name) with every migration applied (the
 * test fails otherwise). *path (may be NULL) gets the file's path, which
 * the caller frees; close the database with db_close.
 */
static inline struct db *
test_db(const char *name, char **path)
{
	char *p = tmp_path(name), *cause = NULL;
	struct db *db;

	ck_assert_int_eq(db_open(p, &db, &cause), NY_OK);
	ck_assert_int_eq(db_migrate(db, &cause), NY_OK);
	if (path != NULL)
		*path = p;
	else
		free(p);
	return db;
}

/* The integer in the first column of the row sql returns (a count). */
static inline int64_t
sql_int(struct db *db, const char *sql)
{
	sqlite3_stmt *st = db_stmt(db, sql);
	int64_t n;

	ck_assert_int_eq(sqlite3_step(st), SQLITE_ROW);
	n = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return n;
}

/*
 * Every order a test inserted by hand gets its one line, as migration
 * 0012 gave the orders before it (order_create writes them itself):
 * readers count order_lines. Run after the INSERT INTO orders.
 */
static inline void
test_order_lines(struct db *db)
{
	ck_assert_int_eq(db_exec(db, "INSERT INTO order_lines(order_id,"
	    " product_id, creator_id, quantity, unit_minor, discount_minor,"
	    " amount_minor) SELECT o.id, o.product_id, p.creator_id,"
	    " o.quantity, o.amount_minor / o.quantity, 0, o.amount_minor"
	    " FROM orders o JOIN products p ON p.id = o.product_id"
	    " WHERE NOT EXISTS (SELECT 1 FROM order_lines l"
	    " WHERE l.order_id = o.id)"), NY_OK);
}

/* Runs a suite; returns the process exit status. */
static inline int
run_suite(Suite *s)
{
	SRunner *sr = srunner_create(s);
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}

#endif
