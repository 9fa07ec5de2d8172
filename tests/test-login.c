/*
 * test-login: console login throttling — growing delays per handle and
 * per address, success resets a handle, a locked handle never locks
 * another, audit lines.
 */
#include <check.h>
#include <stdlib.h>

#include "db.h"
#include "login.h"
#include "testutil.h"

#define T0	1800000000

static struct db *
fresh_db(void)
{
	return test_db("login", NULL);
}

static void
fail_n(struct db *db, const char *handle, const char *addr, int n)
{
	int i;

	for (i = 0; i < n; i++)
		ck_assert_int_eq(login_record(db, handle, addr, 0), NY_OK);
}

static int
allowed(struct db *db, const char *handle, const char *addr, int64_t *w)
{
	return login_check_allowed(db, handle, addr, ny_now(), w) == NY_OK;
}

START_TEST(delays_grow)
{
	ck_assert_int_eq(login_delay(0, 5), 0);
	ck_assert_int_eq(login_delay(4, 5), 0);
	ck_assert_int_eq(login_delay(5, 5), 30);
	ck_assert_int_eq(login_delay(6, 5), 60);
	ck_assert_int_eq(login_delay(8, 5), 240);
	ck_assert_int_eq(login_delay(100, 5), LOGIN_MAX_DELAY);
}
END_TEST

START_TEST(handle_locked_then_released)
{
	struct db *db = fresh_db();
	int64_t w = 0;

	ny_clock_set(T0);
	fail_n(db, "amani", "10.0.0.1", LOGIN_HANDLE_FREE - 1);
	ck_assert(allowed(db, "amani", "10.0.0.1", &w));
	fail_n(db, "amani", "10.0.0.1", 1);
	ck_assert(!allowed(db, "amani", "10.0.0.1", &w));
	ck_assert_int_eq(w, 30);
	/* From another address too: the handle is what is guessed. */
	ck_assert(!allowed(db, "amani", "10.9.9.9", &w));
	ny_clock_set(T0 + 31);
	ck_assert(allowed(db, "amani", "10.0.0.1", &w));
	/* One more failure doubles the wait. */
	fail_n(db, "amani", "10.0.0.1", 1);
	ck_assert(!allowed(db, "amani", "10.0.0.1", &w));
	ck_assert_int_eq(w, 60);
	ny_clock_set(0);
	db_close(db);
}
END_TEST

START_TEST(lockout_isolated)
{
	struct db *db = fresh_db();
	int64_t w = 0;

	ny_clock_set(T0);
	fail_n(db, "amani", "10.0.0.1", LOGIN_HANDLE_FREE + 3);
	ck_assert(!allowed(db, "amani", "10.0.0.1", &w));
	/* Another creator, same address (same office NAT) and elsewhere. */
	ck_assert(allowed(db, "zawadi", "10.0.0.1", &w));
	ck_assert(allowed(db, "zawadi", "10.0.0.2", &w));
	ny_clock_set(0);
	db_close(db);
}
END_TEST

START_TEST(address_spraying_slowed)
{
	struct db *db = fresh_db();
	char h[16];
	int64_t w = 0;
	int i;

	ny_clock_set(T0);
	for (i = 0; i < LOGIN_ADDR_FREE; i++) {
		snprintf(h, sizeof h, "user%d", i);
		fail_n(db, h, "10.6.6.6", 1);
	}
	ck_assert(!allowed(db, "newname", "10.6.6.6", &w));
	ck_assert_int_gt(w, 0);
	/* Others elsewhere are untouched. */
	ck_assert(allowed(db, "newname", "10.0.0.7", &w));
	ny_clock_set(0);
	db_close(db);
}
END_TEST

START_TEST(success_resets_handle)
{
	struct db *db = fresh_db();
	int64_t w = 0;

	ny_clock_set(T0);
	fail_n(db, "amani", "10.0.0.1", LOGIN_HANDLE_FREE - 1);
	ck_assert_int_eq(login_record(db, "amani", "10.0.0.1", 1), NY_OK);
	ny_clock_set(T0 + 1);
	fail_n(db, "amani", "10.0.0.1", LOGIN_HANDLE_FREE - 1);
	ck_assert(allowed(db, "amani", "10.0.0.1", &w));
	ny_clock_set(0);
	db_close(db);
}
END_TEST

START_TEST(audited)
{
	struct db *db = fresh_db();
	sqlite3_stmt *st;

	fail_n(db, "amani", "10.0.0.1", 2);
	ck_assert_int_eq(login_record(db, "amani", "10.0.0.1", 1), NY_OK);
	st = db_stmt(db, "SELECT count(*), sum(action = 'login.fail') FROM"
	    " audit_log WHERE detail = 'amani' AND addr = '10.0.0.1'");
	ck_assert_int_eq(sqlite3_step(st), SQLITE_ROW);
	ck_assert_int_eq(sqlite3_column_int(st, 0), 3);
	ck_assert_int_eq(sqlite3_column_int(st, 1), 2);
	sqlite3_reset(st);
	db_close(db);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("login");
	TCase *tc = tcase_create("throttle");

	tcase_add_test(tc, delays_grow);
	tcase_add_test(tc, handle_locked_then_released);
	tcase_add_test(tc, lockout_isolated);
	tcase_add_test(tc, address_spraying_slowed);
	tcase_add_test(tc, success_resets_handle);
	tcase_add_test(tc, audited);
	suite_add_tcase(s, tc);
	return run_suite(s);
}
