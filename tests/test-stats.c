/*
 * test-stats: the dashboard's figures — periods in EAT days, the daily
 * series, top products, only paid orders of the creator, JSON, ids.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "stats.h"
#include "testutil.h"

/* 2026-11-25 12:00 EAT = 09:00 UTC */
#define NOW	1795597200

static struct db *
seeded(void)
{
	char *path = tmp_path("stats"), *cause = NULL, *sql;
	struct db *db;

	ck_assert_int_eq(db_open(path, &db, &cause), NY_OK);
	ck_assert_int_eq(db_migrate(db, &cause), NY_OK);
	free(path);
	sql = xasprintf(
	    "INSERT INTO creators (id, handle, created_at) VALUES (1, 'amani', 0), (2, 'other', 0);"
	    "INSERT INTO products (id, creator_id, slug, kind, title, price_minor, currency, created_at, updated_at) VALUES"
	    " (1, 1, 'a', 'download', 'Alpha', 1000, 'KES', 0, 0),"
	    " (2, 1, 'b', 'download', 'Beta \"B\"', 500, 'KES', 0, 0),"
	    " (3, 2, 'c', 'download', 'Other', 9999, 'KES', 0, 0);"
	    "INSERT INTO customers (id, phone, created_at) VALUES (1, '254712345678', 0);"
	    "INSERT INTO orders (ref, customer_id, product_id, amount_minor, currency, status, created_at, updated_at, expires_at, paid_at) VALUES"
	    " ('r1', 1, 1, 1000, 'KES', 'paid', 0, 0, 0, %d),"	/* today */
	    " ('r2', 1, 1, 1000, 'KES', 'paid', 0, 0, 0, %d),"	/* today, 00:30 EAT */
	    " ('r3', 1, 2, 500, 'KES', 'paid', 0, 0, 0, %d),"	/* yesterday 23:30 EAT */
	    " ('r4', 1, 2, 500, 'KES', 'paid', 0, 0, 0, %d),"	/* 10 days ago */
	    " ('r5', 1, 1, 1000, 'KES', 'pending', 0, 0, 0, NULL),"
	    " ('r6', 1, 3, 9999, 'KES', 'paid', 0, 0, 0, %d),"	/* other creator */
	    " ('r7', 1, 2, 500, 'KES', 'paid', 0, 0, 0, %d);"	/* 40 days ago */
	    "INSERT INTO orders (ref, customer_id, product_id, amount_minor, currency, status, failure, created_at, updated_at, expires_at) VALUES"
	    " ('r8', 1, 2, 500, 'KES', 'expired', 'late_refund', 0, 0, 0),"	/* paid too late */
	    " ('r9', 1, 2, 500, 'KES', 'expired', 'expired', 0, 0, 0),"
	    " ('r10', 1, 3, 9999, 'KES', 'expired', 'late_refund', 0, 0, 0);",
	    NOW, NOW - 11 * 3600 - 1800, NOW - 12 * 3600 - 1800,
	    NOW - 10 * 86400, NOW, NOW - 40 * 86400);
	ck_assert_int_eq(db_exec(db, sql), NY_OK);
	free(sql);
	return db;
}

START_TEST(day_start_eat)
{
	/* 2026-11-25 00:00 EAT is 2026-11-24 21:00 UTC. */
	ck_assert_int_eq(stats_day_start(NOW), NOW - 12 * 3600);
	ck_assert_int_eq(stats_day_start(NOW - 12 * 3600), NOW - 12 * 3600);
	ck_assert_int_eq(stats_day_start(NOW - 12 * 3600 - 1),
	    NOW - 36 * 3600);
}
END_TEST

START_TEST(periods_and_series)
{
	struct db *db = seeded();
	struct stats s;

	ck_assert_int_eq(stats_get(db, 1, NOW, &s), NY_OK);
	ck_assert_str_eq(s.currency, "KES");
	ck_assert_int_eq(s.today.sales, 2);
	ck_assert_int_eq(s.today.revenue, 2000);
	ck_assert_int_eq(s.week.sales, 3);
	ck_assert_int_eq(s.week.revenue, 2500);
	ck_assert_int_eq(s.month.sales, 4);
	ck_assert_int_eq(s.month.revenue, 3000);
	ck_assert_int_eq(s.daily[STATS_DAYS - 1], 2000);
	ck_assert_int_eq(s.daily[STATS_DAYS - 2], 500);
	ck_assert_int_eq(s.daily[STATS_DAYS - 11], 500);
	ck_assert_int_eq(s.pending, 1);
	ck_assert_int_eq(s.refunds_due, 1);
	ck_assert_int_eq(s.refunds_due_minor, 500);
	ck_assert_int_eq(s.ntop, 2);
	ck_assert_str_eq(s.top[0].title, "Alpha");
	ck_assert_int_eq(s.top[0].sales, 2);
	/* The whole shop includes the other creator. */
	ck_assert_int_eq(stats_get(db, 0, NOW, &s), NY_OK);
	ck_assert_int_eq(s.today.sales, 3);
	ck_assert_str_eq(s.top[0].title, "Other");
	ck_assert_int_eq(s.refunds_due, 2);
	db_close(db);
}
END_TEST

START_TEST(json_output)
{
	struct db *db = seeded();
	struct stats s;
	char *j;

	ck_assert_int_eq(stats_get(db, 1, NOW, &s), NY_OK);
	j = stats_json(&s);
	ck_assert_ptr_nonnull(strstr(j, "\"today\":{\"sales\":2,\"revenue_minor\":2000}"));
	ck_assert_ptr_nonnull(strstr(j, "\"title\":\"Beta \\\"B\\\"\""));
	ck_assert_ptr_nonnull(strstr(j,
	    "\"refunds_due\":{\"orders\":1,\"amount_minor\":500}"));
	free(j);
	db_close(db);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("stats");
	TCase *tc = tcase_create("stats");

	tcase_add_test(tc, day_start_eat);
	tcase_add_test(tc, periods_and_series);
	tcase_add_test(tc, json_output);
	suite_add_tcase(s, tc);
	return run_suite(s);
}
