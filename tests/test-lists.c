/*
 * test-lists: the console's Orders and Customers lists. order_list_find
 * narrows the creator's orders by status, product and a search (a piece
 * of the ref or title, or the digits a masked phone shows — never the
 * hidden ones), newest first, never another creator's; customer_list
 * gives the most recent buyer first with paid orders counted and totals
 * per currency (no conversion). Both find a phone by one rule
 * (phone_search_key): a whole number in any usual form, or the 1 to 3
 * digits the masked "…678" shows; a prefix finds nothing.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "customer.h"
#include "db.h"
#include "order.h"
#include "testutil.h"

static struct db *db;

/*
 * Creator 1 (amani) sells a KES song and a USD course; creator 2 (zuri)
 * a KES club. Customer 1 (…601) bought the song twice and the course
 * once (latest at 500); customer 2 (…702) the song at 300; customer 3
 * (…803) only has a failed and a refunded order; customer 4 bought only
 * from zuri.
 */
static void
setup(void)
{
	db = test_db("lists", NULL);
	ck_assert_int_eq(db_exec(db,
	    "INSERT INTO creators(id, handle, created_at) VALUES (1, 'amani', 0),"
	    " (2, 'zuri', 0);"
	    "INSERT INTO products(id, creator_id, slug, kind, title, price_minor,"
	    " currency, status, created_at, updated_at) VALUES"
	    " (1, 1, 'song', 'download', 'Nairobi Street Photography', 150000,"
	    " 'KES', 'published', 0, 0),"
	    " (2, 1, 'course', 'download', 'Kozi ya picha', 1200, 'USD',"
	    " 'published', 0, 0),"
	    " (3, 2, 'club', 'download', 'Zuri club', 1000, 'KES', 'published',"
	    " 0, 0);"
	    "INSERT INTO customers(id, phone, locale, created_at) VALUES"
	    " (1, '254712345601', 'sw', 0), (2, '254712345702', 'en', 0),"
	    " (3, '254712345803', 'en', 0), (4, '254712345904', 'en', 0);"
	    "INSERT INTO orders(id, ref, customer_id, product_id, amount_minor,"
	    " currency, status, created_at, updated_at, expires_at, paid_at)"
	    " VALUES"
	    " (1, 'RefAaa1', 1, 1, 150000, 'KES', 'paid', 100, 100, 200, 100),"
	    " (2, 'RefBbb2', 1, 1, 150000, 'KES', 'paid', 200, 200, 300, 200),"
	    " (3, 'RefCcc3', 1, 2, 1200, 'USD', 'paid', 500, 500, 600, 500),"
	    " (4, 'RefDdd4', 2, 1, 150000, 'KES', 'paid', 300, 300, 400, 300),"
	    " (5, 'RefEee5', 3, 1, 150000, 'KES', 'failed', 600, 600, 700,"
	    " NULL),"
	    " (6, 'RefFff6', 3, 2, 1200, 'USD', 'refunded', 650, 650, 700, 650),"
	    " (7, 'RefGgg7', 4, 3, 1000, 'KES', 'paid', 700, 700, 800, 700);"),
	    NY_OK);
	test_order_lines(db);
}

static void
teardown(void)
{
	db_close(db);
}

/* The ids of the orders f finds, newest first, as "6,5,4". */
static void
find(const struct order_find *f, char *buf, size_t len)
{
	struct order *v;
	int n, i;
	size_t k = 0;

	ck_assert_int_eq(order_list_find(db, f, 50, &v, &n), NY_OK);
	buf[0] = '\0';
	for (i = 0; i < n; i++)
		k += (size_t)snprintf(buf + k, len - k, "%s%lld", i ? "," : "",
		    (long long)v[i].id);
	free(v);
}

START_TEST(orders_newest_first_mine_only)
{
	struct order_find f = { .creator_id = 1 };
	struct order *v;
	char got[64];
	int n;

	find(&f, got, sizeof got);
	ck_assert_str_eq(got, "6,5,3,4,2,1");
	f.creator_id = 2;
	find(&f, got, sizeof got);
	ck_assert_str_eq(got, "7");
	f.creator_id = 0;
	ck_assert_int_eq(order_list_find(db, &f, 50, &v, &n), NY_EINVAL);
	f.creator_id = 1;
	f.status = "weird";
	ck_assert_int_eq(order_list_find(db, &f, 50, &v, &n), NY_EINVAL);
	f.status = NULL;
	ck_assert_int_eq(order_list_find(db, &f, 2, &v, &n), NY_OK);
	ck_assert_int_eq(n, 2);
	ck_assert_int_eq(v[0].id, 6);
	ck_assert_str_eq(v[0].phone_masked, "\u2026803");
	free(v);
}
END_TEST

START_TEST(orders_by_status_and_product)
{
	struct order_find f = { .creator_id = 1, .status = "paid" };
	char got[64];

	find(&f, got, sizeof got);
	ck_assert_str_eq(got, "3,4,2,1");
	f.product_id = 1;
	find(&f, got, sizeof got);
	ck_assert_str_eq(got, "4,2,1");
	f.status = NULL;
	f.product_id = 2;
	find(&f, got, sizeof got);
	ck_assert_str_eq(got, "6,3");
	/* Another creator's product is no filter to widen the view by. */
	f.product_id = 3;
	find(&f, got, sizeof got);
	ck_assert_str_eq(got, "");
}
END_TEST

START_TEST(orders_search)
{
	struct order_find f = { .creator_id = 1 };
	char got[64];

	f.text = "refbbb";		/* ref, case ignored */
	find(&f, got, sizeof got);
	ck_assert_str_eq(got, "2");
	f.text = "KOZI";		/* product title */
	find(&f, got, sizeof got);
	ck_assert_str_eq(got, "6,3");
	f.text = "702";			/* what "…702" shows */
	find(&f, got, sizeof got);
	ck_assert_str_eq(got, "4");
	f.text = "02";
	find(&f, got, sizeof got);
	ck_assert_str_eq(got, "4");
	/* Hidden digits of a phone find nothing. */
	f.text = "2547";
	find(&f, got, sizeof got);
	ck_assert_str_eq(got, "");
	f.text = "12345";
	find(&f, got, sizeof got);
	ck_assert_str_eq(got, "");
	f.text = "0712 34";
	find(&f, got, sizeof got);
	ck_assert_str_eq(got, "");
	f.text = "70";			/* shown, but not the end */
	find(&f, got, sizeof got);
	ck_assert_str_eq(got, "");
	/* A whole number, in any form, finds exactly that buyer. */
	f.text = "0712 345 702";
	find(&f, got, sizeof got);
	ck_assert_str_eq(got, "4");
	f.text = "+254712345601";
	find(&f, got, sizeof got);
	ck_assert_str_eq(got, "3,2,1");
	/* With a product filter and a status, all must hold. */
	f.text = "ref";
	f.product_id = 2;
	f.status = "paid";
	find(&f, got, sizeof got);
	ck_assert_str_eq(got, "3");
	f.text = "";
	f.product_id = 0;
	f.status = NULL;
	find(&f, got, sizeof got);
	ck_assert_str_eq(got, "6,5,3,4,2,1");
}
END_TEST

START_TEST(customers_totals_per_currency)
{
	struct customer_row *v;
	int n;

	ck_assert_int_eq(customer_list(db, 1, NULL, 50, &v, &n), NY_OK);
	/* Most recent buyer first; 3 has no paid order, 4 not ours. */
	ck_assert_int_eq(n, 2);
	ck_assert_int_eq(v[0].id, 1);
	ck_assert_str_eq(v[0].phone_masked, "\u2026601");
	ck_assert_str_eq(v[0].locale, "sw");
	ck_assert_int_eq(v[0].orders, 3);
	ck_assert_int_eq(v[0].last_at, 500);
	ck_assert_int_eq(v[0].ncur, 2);
	ck_assert_str_eq(v[0].total[0].currency, "KES");
	ck_assert_int_eq(v[0].total[0].minor, 300000);
	ck_assert_str_eq(v[0].total[1].currency, "USD");
	ck_assert_int_eq(v[0].total[1].minor, 1200);
	ck_assert_int_eq(v[1].id, 2);
	ck_assert_int_eq(v[1].orders, 1);
	ck_assert_int_eq(v[1].ncur, 1);
	ck_assert_int_eq(v[1].total[0].minor, 150000);
	free(v);
	/* max counts customers, not their currency rows. */
	ck_assert_int_eq(customer_list(db, 1, NULL, 1, &v, &n), NY_OK);
	ck_assert_int_eq(n, 1);
	ck_assert_int_eq(v[0].ncur, 2);
	free(v);
	ck_assert_int_eq(customer_list(db, 2, NULL, 50, &v, &n), NY_OK);
	ck_assert_int_eq(n, 1);
	ck_assert_int_eq(v[0].id, 4);
	free(v);
	ck_assert_int_eq(customer_list(db, 0, NULL, 50, &v, &n), NY_EINVAL);
}
END_TEST

START_TEST(customers_ordering_follows_new_sale)
{
	struct customer_row *v;
	int n;

	ck_assert_int_eq(db_exec(db, "INSERT INTO orders(id, ref, customer_id,"
	    " product_id, amount_minor, currency, status, created_at,"
	    " updated_at, expires_at, paid_at) VALUES (8, 'RefHhh8', 2, 1,"
	    " 150000, 'KES', 'paid', 900, 900, 1000, 900)"), NY_OK);
	test_order_lines(db);
	ck_assert_int_eq(customer_list(db, 1, "", 50, &v, &n), NY_OK);
	ck_assert_int_eq(n, 2);
	ck_assert_int_eq(v[0].id, 2);
	ck_assert_int_eq(v[0].orders, 2);
	ck_assert_int_eq(v[0].total[0].minor, 300000);
	ck_assert_int_eq(v[1].id, 1);
	free(v);
}
END_TEST

/* How many of creator 1's customers search finds; the first's id. */
static int
customers_found(const char *search, int64_t *first)
{
	struct customer_row *v;
	int n;

	ck_assert_int_eq(customer_list(db, 1, search, 50, &v, &n), NY_OK);
	*first = n > 0 ? v[0].id : 0;
	if (n == 0)
		ck_assert_ptr_null(v);
	free(v);
	return n;
}

START_TEST(customers_search)
{
	int64_t id;

	ck_assert_int_eq(customers_found("702", &id), 1);
	ck_assert_int_eq(id, 2);
	ck_assert_int_eq(customers_found("02", &id), 1);
	ck_assert_int_eq(id, 2);
	/* A whole number in any usual form finds exactly that buyer. */
	ck_assert_int_eq(customers_found("0712 345 601", &id), 1);
	ck_assert_int_eq(id, 1);
	ck_assert_int_eq(customers_found("+254 712 345 702", &id), 1);
	ck_assert_int_eq(id, 2);
	/*
	 * The console shows "…601": no other digits find anyone, or
	 * typing prefixes one by one would spell the whole number.
	 */
	ck_assert_int_eq(customers_found("2547", &id), 0);
	ck_assert_int_eq(customers_found("0712 34", &id), 0);
	ck_assert_int_eq(customers_found("2345", &id), 0);
	ck_assert_int_eq(customers_found("60", &id), 0);
	ck_assert_int_eq(customers_found("25471234560", &id), 0);
	/* Another creator's buyer stays hidden; letters match nothing. */
	ck_assert_int_eq(customers_found("904", &id), 0);
	ck_assert_int_eq(customers_found("0712 345 904", &id), 0);
	ck_assert_int_eq(customers_found("abc", &id), 0);
}
END_TEST

static Suite *
lists_suite(void)
{
	Suite *s = suite_create("lists");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, orders_newest_first_mine_only);
	tcase_add_test(tc, orders_by_status_and_product);
	tcase_add_test(tc, orders_search);
	tcase_add_test(tc, customers_totals_per_currency);
	tcase_add_test(tc, customers_ordering_follows_new_sale);
	tcase_add_test(tc, customers_search);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return run_suite(lists_suite());
}
