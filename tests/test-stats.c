/*
 * test-stats: the dashboard's figures — periods in EAT days, the daily
 * series, top products, only paid orders of the creator, JSON, ids; every
 * currency apart (KES and USD sales, never added together), refunded
 * orders out of the sales and reported as refunds, late payments "to
 * refund" until their refund is done, sales counts equal to the Orders
 * screen's paid list. Also the currency gate of the catalog import
 * (catalog_import_pay, the one the operator's `import` runs): a product
 * published in a currency no configured method takes is refused with its
 * JSON path.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalog-io.h"
#include "db.h"
#include "order.h"
#include "stats.h"
#include "testutil.h"

/* 2026-11-25 12:00 EAT = 09:00 UTC */
#define NOW	1795597200

static struct db *
seeded(void)
{
	struct db *db = test_db("stats", NULL);
	char *sql;

	sql = xasprintf(
	    "INSERT INTO creators (id, handle, created_at) VALUES (1, 'amani', 0), (2, 'other', 0);"
	    "INSERT INTO products (id, creator_id, slug, kind, title, price_minor, currency, created_at, updated_at) VALUES"
	    " (1, 1, 'a', 'download', 'Alpha', 1000, 'KES', 0, 0),"
	    " (2, 1, 'b', 'download', 'Beta \"B\"', 500, 'KES', 0, 0),"
	    " (3, 2, 'c', 'download', 'Other', 9999, 'KES', 0, 0),"
	    " (4, 1, 'g', 'download', 'Gamma', 1500, 'USD', 0, 0);"
	    "INSERT INTO customers (id, phone, created_at) VALUES (1, '254712345678', 0);"
	    "INSERT INTO orders (ref, customer_id, product_id, amount_minor, currency, status, created_at, updated_at, expires_at, paid_at) VALUES"
	    " ('r1', 1, 1, 1000, 'KES', 'paid', 0, 0, 0, %d),"	/* today */
	    " ('r2', 1, 1, 1000, 'KES', 'paid', 0, 0, 0, %d),"	/* today, 00:30 EAT */
	    " ('r3', 1, 2, 500, 'KES', 'paid', 0, 0, 0, %d),"	/* yesterday 23:30 EAT */
	    " ('r4', 1, 2, 500, 'KES', 'paid', 0, 0, 0, %d),"	/* 10 days ago */
	    " ('r5', 1, 1, 1000, 'KES', 'pending', 0, 0, 0, NULL),"
	    " ('r6', 1, 3, 9999, 'KES', 'paid', 0, 0, 0, %d),"	/* other creator */
	    " ('r7', 1, 2, 500, 'KES', 'paid', 0, 0, 0, %d),"	/* 40 days ago */
	    " ('r11', 1, 4, 1500, 'USD', 'paid', 0, 0, 0, %d),"	/* today */
	    " ('r12', 1, 4, 1500, 'USD', 'paid', 0, 0, 0, %d),"	/* 3 days ago */
	    " ('r13', 1, 1, 1000, 'KES', 'refunded', 0, 0, 0, %d);"	/* paid today, refunded */
	    "INSERT INTO orders (ref, customer_id, product_id, amount_minor, currency, status, failure, created_at, updated_at, expires_at) VALUES"
	    " ('r8', 1, 2, 500, 'KES', 'expired', 'late_refund', 0, 0, 0),"	/* paid too late */
	    " ('r9', 1, 2, 500, 'KES', 'expired', 'expired', 0, 0, 0),"
	    " ('r10', 1, 3, 9999, 'KES', 'expired', 'late_refund', 0, 0, 0),"
	    " ('r14', 1, 2, 500, 'KES', 'expired', 'late_refund', 0, 0, 0),"	/* refund done */
	    " ('r15', 1, 4, 1500, 'USD', 'expired', 'late_refund', 0, 0, 0);"
	    "INSERT INTO payments (id, order_id, provider, phone, amount_minor, status, created_at, updated_at)"
	    " SELECT 1, id, 'sim', '254712345678', 500, 'paid', 0, 0 FROM orders WHERE ref = 'r14';"
	    "INSERT INTO refunds (order_id, payment_id, provider, how, status, amount_minor, currency, actor, created_at, updated_at)"
	    " SELECT id, 1, 'sim', 'sim', 'done', 500, 'KES', 'amani', 0, 0 FROM orders WHERE ref = 'r14';",
	    NOW, NOW - 11 * 3600 - 1800, NOW - 12 * 3600 - 1800,
	    NOW - 10 * 86400, NOW, NOW - 40 * 86400, NOW - 3600,
	    NOW - 3 * 86400, NOW - 7200);
	ck_assert_int_eq(db_exec(db, sql), NY_OK);
	test_order_lines(db);
	free(sql);
	return db;
}

/* The figures of currency cur in s (the test fails when absent). */
static const struct stats_money *
money(const struct stats *s, const char *cur)
{
	int i;

	for (i = 0; i < s->ncur; i++)
		if (strcmp(s->cur[i].currency, cur) == 0)
			return &s->cur[i];
	ck_abort_msg("no %s figures", cur);
	return NULL;
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
	const struct stats_money *kes;
	struct stats s;

	ck_assert_int_eq(stats_get(db, 1, NOW, &s), NY_OK);
	kes = &s.cur[0];
	ck_assert_str_eq(kes->currency, "KES");
	/* r13 was paid today but refunded: no sale, a refund. */
	ck_assert_int_eq(kes->today.sales, 2);
	ck_assert_int_eq(kes->today.revenue, 2000);
	ck_assert_int_eq(kes->today.refunds, 1);
	ck_assert_int_eq(kes->today.refunded, 1000);
	ck_assert_int_eq(kes->week.sales, 3);
	ck_assert_int_eq(kes->week.revenue, 2500);
	ck_assert_int_eq(kes->month.sales, 4);
	ck_assert_int_eq(kes->month.revenue, 3000);
	ck_assert_int_eq(kes->month.refunds, 1);
	ck_assert_int_eq(kes->daily[STATS_DAYS - 1], 2000);
	ck_assert_int_eq(kes->daily[STATS_DAYS - 2], 500);
	ck_assert_int_eq(kes->daily[STATS_DAYS - 11], 500);
	ck_assert_int_eq(s.pending, 1);
	/* r14's refund is done: only r8 is still to refund in KES. */
	ck_assert_int_eq(kes->refunds_due, 1);
	ck_assert_int_eq(kes->refunds_due_minor, 500);
	/* The whole shop includes the other creator. */
	ck_assert_int_eq(stats_get(db, 0, NOW, &s), NY_OK);
	ck_assert_int_eq(money(&s, "KES")->today.sales, 3);
	ck_assert_int_eq(money(&s, "KES")->refunds_due, 2);
	db_close(db);
}
END_TEST

START_TEST(currencies_apart)
{
	struct db *db = seeded();
	const struct stats_money *usd;
	struct stats s;

	ck_assert_int_eq(stats_get(db, 1, NOW, &s), NY_OK);
	ck_assert_int_eq(s.ncur, 2);
	/* KES has more sales: it is the main currency. */
	ck_assert_str_eq(s.cur[0].currency, "KES");
	usd = money(&s, "USD");
	ck_assert_int_eq(usd->today.sales, 1);
	ck_assert_int_eq(usd->today.revenue, 1500);
	ck_assert_int_eq(usd->week.sales, 2);
	ck_assert_int_eq(usd->month.revenue, 3000);
	ck_assert_int_eq(usd->daily[STATS_DAYS - 4], 1500);
	ck_assert_int_eq(usd->refunds_due, 1);
	ck_assert_int_eq(usd->refunds_due_minor, 1500);
	/* KES amounts never include USD ones. */
	ck_assert_int_eq(s.cur[0].today.revenue, 2000);
	ck_assert_int_eq(stats_sales(&s, 1), 3);
	ck_assert_int_eq(stats_sales(&s, 7), 5);
	ck_assert_int_eq(stats_sales(&s, STATS_DAYS), 6);
	/* Nothing sold: one currency, all zeros. */
	ck_assert_int_eq(stats_get(db, 99, NOW, &s), NY_OK);
	ck_assert_int_eq(s.ncur, 1);
	ck_assert_str_eq(s.cur[0].currency, "KES");
	ck_assert_int_eq(stats_sales(&s, STATS_DAYS), 0);
	db_close(db);
}
END_TEST

START_TEST(main_currency_by_sales)
{
	struct db *db = seeded();
	struct stats s;

	/* Three more USD sales: USD leads, KES follows. */
	ck_assert_int_eq(db_exec(db, "INSERT INTO orders (ref, customer_id,"
	    " product_id, amount_minor, currency, status, created_at,"
	    " updated_at, expires_at, paid_at) VALUES"
	    " ('u1', 1, 4, 1, 'USD', 'paid', 0, 0, 0, 1795590000),"
	    " ('u2', 1, 4, 1, 'USD', 'paid', 0, 0, 0, 1795590000),"
	    " ('u3', 1, 4, 1, 'USD', 'paid', 0, 0, 0, 1795590000)"), NY_OK);
	test_order_lines(db);
	ck_assert_int_eq(stats_get(db, 1, NOW, &s), NY_OK);
	ck_assert_str_eq(s.cur[0].currency, "USD");
	ck_assert_str_eq(s.cur[1].currency, "KES");
	db_close(db);
}
END_TEST

START_TEST(top_products_every_currency)
{
	struct db *db = seeded();
	struct stats s;
	int i, other = 0;

	ck_assert_int_eq(stats_get(db, 1, NOW, &s), NY_OK);
	ck_assert_int_eq(s.ntop, 3);
	/* Two sales each; revenue breaks the tie. */
	ck_assert_str_eq(s.top[0].title, "Gamma");
	ck_assert_str_eq(s.top[0].currency, "USD");
	ck_assert_int_eq(s.top[0].sales, 2);
	ck_assert_int_eq(s.top[0].revenue, 3000);
	ck_assert_str_eq(s.top[1].title, "Alpha");
	ck_assert_str_eq(s.top[1].currency, "KES");
	/* Alpha's refunded r13 is not a sale. */
	ck_assert_int_eq(s.top[1].sales, 2);
	ck_assert_int_eq(s.top[1].revenue, 2000);
	ck_assert_int_eq(stats_get(db, 0, NOW, &s), NY_OK);
	for (i = 0; i < s.ntop; i++)
		other += strcmp(s.top[i].title, "Other") == 0;
	ck_assert_int_eq(other, 1);
	db_close(db);
}
END_TEST

/* Sales of the last 30 days = the paid orders the Orders screen lists. */
START_TEST(sales_match_orders_screen)
{
	struct db *db = seeded();
	int64_t since = stats_day_start(NOW) - (STATS_DAYS - 1) * 86400;
	struct order *v = NULL;
	struct stats s;
	int n = 0, i, paid = 0;

	ck_assert_int_eq(stats_get(db, 1, NOW, &s), NY_OK);
	struct order_find f = { .creator_id = 1, .status = "paid" };

	ck_assert_int_eq(order_list_find(db, &f, 200, &v, &n), NY_OK);
	for (i = 0; i < n; i++)
		paid += v[i].paid_at >= since;
	ck_assert_int_eq(paid, 6);
	ck_assert_int_eq(stats_sales(&s, STATS_DAYS), paid);
	free(v);
	db_close(db);
}
END_TEST

/* A cart of two creators: each counts one sale of their share only. */
START_TEST(cart_share_per_creator)
{
	struct db *db = seeded();
	struct stats a0, b0, a1, b1, all0, all1;

	ck_assert_int_eq(stats_get(db, 1, NOW, &a0), NY_OK);
	ck_assert_int_eq(stats_get(db, 2, NOW, &b0), NY_OK);
	ck_assert_int_eq(stats_get(db, 0, NOW, &all0), NY_OK);
	ck_assert_int_eq(db_exec(db, "INSERT INTO orders (id, ref, customer_id,"
	    " product_id, amount_minor, currency, status, created_at,"
	    " updated_at, expires_at, paid_at) VALUES"
	    " (100, 'cart', 1, 1, 1700, 'KES', 'paid', 0, 0, 0, 1795597000);"
	    "INSERT INTO order_lines (order_id, product_id, creator_id,"
	    " quantity, unit_minor, amount_minor) VALUES"
	    " (100, 1, 1, 1, 1000, 1000), (100, 2, 1, 1, 500, 500),"
	    " (100, 3, 2, 1, 200, 200);"), NY_OK);
	ck_assert_int_eq(stats_get(db, 1, NOW, &a1), NY_OK);
	ck_assert_int_eq(stats_get(db, 2, NOW, &b1), NY_OK);
	ck_assert_int_eq(stats_get(db, 0, NOW, &all1), NY_OK);
	ck_assert_int_eq(money(&a1, "KES")->today.sales -
	    money(&a0, "KES")->today.sales, 1);
	ck_assert_int_eq(money(&a1, "KES")->today.revenue -
	    money(&a0, "KES")->today.revenue, 1500);
	ck_assert_int_eq(money(&b1, "KES")->today.sales -
	    money(&b0, "KES")->today.sales, 1);
	ck_assert_int_eq(money(&b1, "KES")->today.revenue -
	    money(&b0, "KES")->today.revenue, 200);
	ck_assert_int_eq(money(&all1, "KES")->today.sales -
	    money(&all0, "KES")->today.sales, 1);
	ck_assert_int_eq(money(&all1, "KES")->today.revenue -
	    money(&all0, "KES")->today.revenue, 1700);
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
	ck_assert_ptr_nonnull(strstr(j, "{\"currency\":\"KES\","));
	ck_assert_ptr_nonnull(strstr(j, "\"today\":{\"sales\":2,"
	    "\"revenue_minor\":2000,\"refunds\":1,\"refunded_minor\":1000}"));
	ck_assert_ptr_nonnull(strstr(j,
	    "\"sales\":{\"today\":3,\"7d\":5,\"30d\":6}"));
	ck_assert_ptr_nonnull(strstr(j, "\"title\":\"Beta \\\"B\\\"\""));
	ck_assert_ptr_nonnull(strstr(j,
	    "\"refunds_due\":{\"orders\":1,\"amount_minor\":500}"));
	ck_assert_ptr_nonnull(strstr(j, "{\"currency\":\"USD\",\"today\":"
	    "{\"sales\":1,\"revenue_minor\":1500,\"refunds\":0,"
	    "\"refunded_minor\":0},\"7d\":{\"sales\":2,"));
	ck_assert_ptr_nonnull(strstr(j,
	    "\"refunds_due\":{\"orders\":1,\"amount_minor\":1500}"));
	ck_assert_ptr_nonnull(strstr(j, "\"title\":\"Gamma\",\"currency\":"
	    "\"USD\",\"sales\":2,\"revenue_minor\":3000}"));
	free(j);
	db_close(db);
}
END_TEST

/* A one-product catalog document in a temp file (caller frees the path). */
static char *
doc(const char *currency, const char *status)
{
	char *path = tmp_path("catalog.json"), *json;
	FILE *f;

	json = xasprintf("{\"version\":1,\"creators\":[{\"handle\":"
	    "\"amani\"}],\"products\":[{\"creator\":\"amani\",\"slug\":\"w\","
	    "\"kind\":\"webinar\",\"title\":\"T\",\"price_minor\":1000,"
	    "\"currency\":\"KES\",\"status\":\"draft\",\"webinar\":"
	    "{\"starts_at\":\"2027-02-03T17:00:00+03:00\"}},{\"creator\":"
	    "\"amani\",\"slug\":\"x\",\"kind\":\"webinar\",\"title\":\"T\","
	    "\"price_minor\":1000,\"currency\":\"%s\",\"status\":\"%s\","
	    "\"webinar\":{\"starts_at\":\"2027-02-03T17:00:00+03:00\"}}]}",
	    currency, status);
	ck_assert_ptr_nonnull(f = fopen(path, "w"));
	fputs(json, f);
	fclose(f);
	free(json);
	return path;
}

/* The import's result for doc(currency, status) under methods. */
static enum ny_err
import(const char *methods, const char *currency, const char *status,
    char **cause)
{
	struct db *db = test_db("gate", NULL);
	char *path = doc(currency, status), *data = tmp_path("data");
	enum ny_err rc;

	*cause = NULL;
	rc = catalog_import_pay(db, data, path, methods, NULL, cause);
	/* A refused document changes nothing. */
	if (rc != NY_OK)
		ck_assert_int_eq(sql_int(db, "SELECT count(*) FROM products"),
		    0);
	db_close(db);
	free(data);
	free(path);
	return rc;
}

START_TEST(import_currency_gate)
{
	char *cause;

	ck_assert_int_eq(import("mpesa", "USD", "published", &cause),
	    NY_EINVAL);
	ck_assert_str_eq(cause, "products[1].currency: USD: no configured"
	    " payment method (mpesa) takes it; import it as a draft or in a"
	    " currency they take");
	free(cause);
	ck_assert_int_eq(import("mpesa", "KES", "published", &cause), NY_OK);
	/* Drafts may wait for a method; stripe and sim take USD. */
	ck_assert_int_eq(import("mpesa", "USD", "draft", &cause), NY_OK);
	ck_assert_int_eq(import("mpesa,stripe", "USD", "published", &cause),
	    NY_OK);
	ck_assert_int_eq(import("sim", "USD", "published", &cause), NY_OK);
	/* No methods given: catalog_import, no check. */
	ck_assert_int_eq(import(NULL, "USD", "published", &cause), NY_OK);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("stats");
	TCase *tc = tcase_create("stats");
	TCase *gate = tcase_create("currency gate");

	tcase_add_test(tc, day_start_eat);
	tcase_add_test(tc, periods_and_series);
	tcase_add_test(tc, currencies_apart);
	tcase_add_test(tc, main_currency_by_sales);
	tcase_add_test(tc, top_products_every_currency);
	tcase_add_test(tc, sales_match_orders_screen);
	tcase_add_test(tc, json_output);
	tcase_add_test(tc, cart_share_per_creator);
	suite_add_tcase(s, tc);
	tcase_add_test(gate, import_currency_gate);
	suite_add_tcase(s, gate);
	return run_suite(s);
}
