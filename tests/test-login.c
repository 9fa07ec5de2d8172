/*
 * test-login: console login throttling — growing delays per (handle,
 * address) and per address; a stranger's failures never lock a creator
 * out from another address or when the creator has a key; the per-handle
 * cap over many addresses; guesses reserved before they are checked,
 * also from parallel processes; IPv6 counted per /64; audit lines.
 */
#include <check.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "db.h"
#include "login.h"
#include "testutil.h"

#define T0	1800000000

static struct db *
fresh_db(char **path)
{
	return test_db("login", path);
}

static struct login_try
try_of(const char *handle, const char *addr, int with_key)
{
	struct login_try t = { handle, addr, with_key };

	return t;
}

static void
fail_n(struct db *db, const char *handle, const char *addr, int n)
{
	struct login_try t = try_of(handle, addr, 0);
	int i;

	for (i = 0; i < n; i++)
		ck_assert_int_eq(login_record(db, &t, 0), NY_OK);
}

static int
allowed_k(struct db *db, const char *handle, const char *addr, int key,
    int64_t *w)
{
	struct login_try t = try_of(handle, addr, key);

	return login_check_allowed(db, &t, ny_now(), w) == NY_OK;
}

static int
allowed(struct db *db, const char *handle, const char *addr, int64_t *w)
{
	return allowed_k(db, handle, addr, 0, w);
}

/* Reserves a guess; 1 when it may be checked (left as a failure). */
static int
reserve(struct db *db, const char *handle, const char *addr, int key)
{
	struct login_try t = try_of(handle, addr, key);
	int64_t id = 0, w = 0;
	int err = login_reserve(db, &t, &id, &w);

	ck_assert(err == NY_OK || err == NY_ELIMIT);
	if (err != NY_OK)
		return 0;
	ck_assert_int_gt(id, 0);
	ck_assert_int_eq(login_finish(db, &t, id, 0), NY_OK);
	return 1;
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

START_TEST(pair_locked_then_released)
{
	struct db *db = fresh_db(NULL);
	int64_t w = 0;

	ny_clock_set(T0);
	fail_n(db, "amani", "10.0.0.1", LOGIN_PAIR_FREE - 1);
	ck_assert(allowed(db, "amani", "10.0.0.1", &w));
	fail_n(db, "amani", "10.0.0.1", 1);
	ck_assert(!allowed(db, "amani", "10.0.0.1", &w));
	ck_assert_int_eq(w, 30);
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

/* Issue item 3: 30 wrong codes from one address lock out only it. */
START_TEST(stranger_cannot_lock_out)
{
	struct db *db = fresh_db(NULL);
	int64_t w = 0;
	int i, got = 0;

	ny_clock_set(T0);
	for (i = 0; i < 30; i++)
		got += reserve(db, "bob", "10.6.6.6", 0);
	ck_assert_int_eq(got, LOGIN_PAIR_FREE);
	ck_assert(!allowed(db, "bob", "10.6.6.6", &w));
	ck_assert(allowed(db, "bob", "10.0.0.2", &w));	/* bob at home */
	ck_assert(allowed_k(db, "bob", "10.6.6.6", 1, &w));	/* with his key */
	/* One failure an hour from the stranger keeps nobody else out. */
	for (i = 1; i <= 24; i++) {
		ny_clock_set(T0 + i * 3600);
		reserve(db, "bob", "10.6.6.6", 0);
		ck_assert(allowed(db, "bob", "10.0.0.2", &w));
	}
	/* The same for invites. */
	for (i = 0; i < 30; i++)
		reserve(db, "invite", "10.6.6.6", 0);
	ck_assert(!allowed(db, "invite", "10.6.6.6", &w));
	ck_assert(allowed(db, "invite", "10.0.0.3", &w));
	ny_clock_set(0);
	db_close(db);
}
END_TEST

/*
 * Many addresses: each fresh address gets its LOGIN_TRUST_FAILS guess(es),
 * then the handle's cap holds them all to LOGIN_HANDLE_HOUR an hour;
 * an address without failures still gets in, and so does the key.
 */
START_TEST(handle_cap_over_addresses)
{
	struct db *db = fresh_db(NULL);
	char a[32];
	int64_t w = 0;
	int i, k, got = 0, round1;

	ny_clock_set(T0);
	/* 100 addresses, 5 guesses each, interleaved. */
	for (k = 0; k < LOGIN_PAIR_FREE; k++)
		for (i = 0; i < 100; i++) {
			snprintf(a, sizeof a, "10.1.%d.%d", i / 250, i % 250);
			got += reserve(db, "bob", a, 0);
		}
	round1 = 100 * LOGIN_TRUST_FAILS;
	/* Everything the fresh addresses made, and nothing more. */
	ck_assert_int_eq(got, round1 > LOGIN_HANDLE_HOUR ? round1 :
	    LOGIN_HANDLE_HOUR);
	ck_assert(!allowed(db, "bob", "10.1.0.7", &w));
	ck_assert_int_gt(w, 3000);	/* until the hour has passed */
	/* An address with no failures, or the key: never refused. */
	ck_assert(allowed(db, "bob", "10.0.0.2", &w));
	fail_n(db, "bob", "10.0.0.2", LOGIN_TRUST_FAILS - 1);
	ck_assert(allowed(db, "bob", "10.0.0.2", &w));
	/* A success there clears its failures. */
	fail_n(db, "bob", "10.0.0.3", LOGIN_TRUST_FAILS);
	ck_assert(!allowed(db, "bob", "10.0.0.3", &w));
	{
		struct login_try t = try_of("bob", "10.0.0.3", 0);

		ck_assert_int_eq(login_record(db, &t, 1), NY_OK);
	}
	ck_assert(allowed(db, "bob", "10.0.0.3", &w));
	ck_assert(allowed_k(db, "bob", "10.1.0.7", 1, &w));
	/* An hour later the cap has room again. */
	ny_clock_set(T0 + 3601);
	ck_assert(allowed(db, "bob", "10.1.0.7", &w));
	ny_clock_set(0);
	db_close(db);
}
END_TEST

/* Few addresses: the cap is LOGIN_HANDLE_HOUR an hour, all included. */
START_TEST(handle_cap_is_hourly)
{
	struct db *db = fresh_db(NULL);
	char a[32];
	int64_t w = 0;
	int i, s, got = 0;

	/* 30 addresses, one guess each every 31 s (under every pair and
	 * address delay once past the free ones) for an hour. */
	for (s = 0; s < 3600; s += 31) {
		ny_clock_set(T0 + s);
		for (i = 0; i < 30; i++) {
			snprintf(a, sizeof a, "10.2.0.%d", i);
			got += reserve(db, "bob", a, 0);
		}
	}
	ck_assert_int_le(got, LOGIN_HANDLE_HOUR + 30 * LOGIN_TRUST_FAILS);
	ck_assert_int_ge(got, LOGIN_HANDLE_HOUR);
	ck_assert(allowed(db, "bob", "10.0.0.2", &w));
	ny_clock_set(0);
	db_close(db);
}
END_TEST

START_TEST(key_failures_apart)
{
	struct db *db = fresh_db(NULL);
	int64_t w = 0;
	int i, got = 0;

	ny_clock_set(T0);
	/* Without the key, from everywhere: does not slow the key. */
	fail_n(db, "bob", "10.0.0.9", 50);
	ck_assert(allowed_k(db, "bob", "10.0.0.9", 1, &w));
	/* With the key, its own growing delays. */
	for (i = 0; i < 10; i++)
		got += reserve(db, "bob", "10.0.0.1", 1);
	ck_assert_int_eq(got, LOGIN_KEY_FREE);
	ck_assert(!allowed_k(db, "bob", "10.0.0.2", 1, &w));
	ck_assert_int_eq(w, 30);
	ny_clock_set(0);
	db_close(db);
}
END_TEST

START_TEST(lockout_isolated)
{
	struct db *db = fresh_db(NULL);
	int64_t w = 0;

	ny_clock_set(T0);
	fail_n(db, "amani", "10.0.0.1", LOGIN_PAIR_FREE + 3);
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
	struct db *db = fresh_db(NULL);
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

START_TEST(success_resets_pair)
{
	struct db *db = fresh_db(NULL);
	struct login_try t = try_of("amani", "10.0.0.1", 0);
	int64_t w = 0, id = 0;

	ny_clock_set(T0);
	fail_n(db, "amani", "10.0.0.1", LOGIN_PAIR_FREE - 1);
	ck_assert_int_eq(login_reserve(db, &t, &id, &w), NY_OK);
	ck_assert_int_eq(login_finish(db, &t, id, 1), NY_OK);
	ny_clock_set(T0 + 1);
	fail_n(db, "amani", "10.0.0.1", LOGIN_PAIR_FREE - 1);
	ck_assert(allowed(db, "amani", "10.0.0.1", &w));
	ny_clock_set(0);
	db_close(db);
}
END_TEST

/* Issue item 4: a reserved guess counts before it is checked. */
START_TEST(reserved_before_checked)
{
	struct db *db = fresh_db(NULL);
	struct login_try t = try_of("bob", "10.0.0.1", 0);
	int64_t ids[LOGIN_PAIR_FREE + 1], w = 0;
	int i;

	ny_clock_set(T0);
	/* None settled yet, as with parallel connections. */
	for (i = 0; i < LOGIN_PAIR_FREE; i++)
		ck_assert_int_eq(login_reserve(db, &t, &ids[i], &w), NY_OK);
	ck_assert_int_eq(login_reserve(db, &t, &ids[i], &w), NY_ELIMIT);
	ck_assert_int_eq(w, 30);
	ck_assert_int_eq(sql_int(db, "SELECT count(*) FROM login_attempts"),
	    LOGIN_PAIR_FREE);
	/* The right code settles its row as a success. */
	ck_assert_int_eq(login_finish(db, &t, ids[0], 1), NY_OK);
	ck_assert_int_eq(sql_int(db, "SELECT count(*) FROM login_attempts"
	    " WHERE ok = 1"), 1);
	ny_clock_set(0);
	db_close(db);
}
END_TEST

/* The same from 20 processes with their own connections at once. */
START_TEST(reserve_across_processes)
{
	char *path = NULL, *cause = NULL;
	struct db *db = fresh_db(&path), *mine;
	int fds[2], i, st, got = 0;
	pid_t kids[20];
	char go;

	ck_assert_int_eq(pipe(fds), 0);
	for (i = 0; i < 20; i++) {
		kids[i] = fork();
		ck_assert_int_ge(kids[i], 0);
		if (kids[i] == 0) {
			struct login_try t = try_of("bob", "10.0.0.1", 0);
			int64_t id = 0, w = 0;
			int err;

			close(fds[1]);
			if (db_open(path, &mine, &cause) != NY_OK)
				_exit(3);
			(void)!read(fds[0], &go, 1);	/* all start together */
			err = login_reserve(mine, &t, &id, &w);
			db_close(mine);
			_exit(err == NY_OK ? 0 : err == NY_ELIMIT ? 1 : 2);
		}
	}
	close(fds[0]);
	close(fds[1]);		/* EOF: go */
	for (i = 0; i < 20; i++) {
		ck_assert_int_eq(waitpid(kids[i], &st, 0), kids[i]);
		ck_assert(WIFEXITED(st) && WEXITSTATUS(st) <= 1);
		got += WEXITSTATUS(st) == 0;
	}
	ck_assert_int_eq(got, LOGIN_PAIR_FREE);
	ck_assert_int_eq(sql_int(db, "SELECT count(*) FROM login_attempts"),
	    LOGIN_PAIR_FREE);
	db_close(db);
	free(path);
}
END_TEST

START_TEST(ipv6_per_64)
{
	struct db *db = fresh_db(NULL);
	char k[64];
	int64_t w = 0;

	login_addr_key("2001:db8:1:2:aaaa::1", k, sizeof k);
	ck_assert_str_eq(k, "2001:db8:1:2::/64");
	login_addr_key("::ffff:10.1.2.3", k, sizeof k);
	ck_assert_str_eq(k, "10.1.2.3");
	login_addr_key("10.1.2.3", k, sizeof k);
	ck_assert_str_eq(k, "10.1.2.3");
	login_addr_key("unknown", k, sizeof k);
	ck_assert_str_eq(k, "unknown");
	ny_clock_set(T0);
	fail_n(db, "bob", "2001:db8:1:2::1", LOGIN_PAIR_FREE - 1);
	/* Another address of the same /64 is the same client. */
	fail_n(db, "bob", "2001:db8:1:2::ffff", 1);
	ck_assert(!allowed(db, "bob", "2001:db8:1:2:1:2:3:4", &w));
	ck_assert(allowed(db, "bob", "2001:db8:1:3::1", &w));
	ny_clock_set(0);
	db_close(db);
}
END_TEST

START_TEST(audited)
{
	struct db *db = fresh_db(NULL);
	struct login_try t = try_of("amani", "10.0.0.1", 0);
	sqlite3_stmt *st;

	fail_n(db, "amani", "10.0.0.1", 2);
	ck_assert_int_eq(login_record(db, &t, 1), NY_OK);
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
	tcase_add_test(tc, pair_locked_then_released);
	tcase_add_test(tc, stranger_cannot_lock_out);
	tcase_add_test(tc, handle_cap_over_addresses);
	tcase_add_test(tc, handle_cap_is_hourly);
	tcase_add_test(tc, key_failures_apart);
	tcase_add_test(tc, lockout_isolated);
	tcase_add_test(tc, address_spraying_slowed);
	tcase_add_test(tc, success_resets_pair);
	tcase_add_test(tc, reserved_before_checked);
	tcase_add_test(tc, reserve_across_processes);
	tcase_add_test(tc, ipv6_per_64);
	tcase_add_test(tc, audited);
	suite_add_tcase(s, tc);
	return run_suite(s);
}
