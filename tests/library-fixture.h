/*
 * library-fixture.h: a small shop for the library, ticket and outbox
 * suites (header-only, one test binary each).
 *
 * Creator 1 "amani", creator 2 "baraka". Products: 1 download (limit 2,
 * two files), 2 subscription (30 days), 3 ticket (starts LF_START), 4
 * webinar (starts LF_START), 5 ticket of creator 2. Customers: 1 (sw),
 * 2 (en). Orders are inserted paid with lf_order.
 */
#ifndef NY_LIBRARY_FIXTURE_H
#define NY_LIBRARY_FIXTURE_H

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crypto.h"
#include "db.h"
#include "entitlement.h"
#include "i18n.h"
#include "testutil.h"

#define LF_T0		1900000000	/* the tests' "now" */
#define LF_START	(LF_T0 + 10 * 86400)
#define LF_PHONE1	"254712345678"
#define LF_PHONE2	"254722000111"

static const unsigned char lf_key[32] = "library-test-key-0123456789abcde";

static struct db *
lf_open(char **pathp)
{
	char *cause = NULL, *sql;
	struct db *db;

	crypto_init_key(lf_key);
	if (i18n_load(&cause) != NY_OK)
		free(cause);
	ny_clock_set(LF_T0);
	db = test_db("lib", pathp);
	sql = xasprintf(
	    "INSERT INTO creators(id, handle, display_name, created_at) VALUES"
	    " (1, 'amani', 'Amani Studio', 0), (2, 'baraka', '', 0);"
	    "INSERT INTO blobs(sha256, size, mime, created_at) VALUES"
	    " ('%064d', 11, 'application/zip', 0),"
	    " ('%063d1', 5, 'audio/mpeg', 0);"
	    "INSERT INTO products(id, creator_id, slug, kind, title, price_minor,"
	    " currency, status, download_limit, created_at, updated_at) VALUES"
	    " (1, 1, 'songs', 'download', 'Nairobi Nights', 50000, 'KES',"
	    " 'published', 2, 0, 0);"
	    "INSERT INTO products(id, creator_id, slug, kind, title, price_minor,"
	    " currency, status, period_days, created_at, updated_at) VALUES"
	    " (2, 1, 'club', 'subscription', 'Club', 20000, 'KES', 'published',"
	    " 30, 0, 0);"
	    "INSERT INTO products(id, creator_id, slug, kind, title, price_minor,"
	    " currency, status, starts_at, venue, capacity, created_at,"
	    " updated_at) VALUES (3, 1, 'gig', 'ticket', 'Gig', 100000, 'KES',"
	    " 'published', %d, 'Alliance Française, Nairobi', 100, 0, 0),"
	    " (5, 2, 'other-gig', 'ticket', 'Other', 100, 'KES', 'published',"
	    " %d, 'Mombasa', 10, 0, 0);"
	    "INSERT INTO products(id, creator_id, slug, kind, title, price_minor,"
	    " currency, status, starts_at, join_url, created_at, updated_at)"
	    " VALUES (4, 1, 'class', 'webinar', 'Class', 100, 'KES', 'published',"
	    " %d, 'https://meet.example/xyz', 0, 0);"
	    "INSERT INTO product_files(id, product_id, name, sha256, position)"
	    " VALUES (1, 1, 'nights.zip', '%064d', 0),"
	    " (2, 1, 'intro.mp3', '%063d1', 1),"
	    " (3, 2, 'issue-1.pdf', '%064d', 0);"
	    "INSERT INTO customers(id, phone, locale, created_at) VALUES"
	    " (1, '" LF_PHONE1 "', 'sw', 0), (2, '" LF_PHONE2 "', 'en', 0);",
	    0, 0, LF_START, LF_START, LF_START, 0, 0, 0);
	ck_assert_int_eq(db_exec(db, sql), NY_OK);
	free(sql);
	return db;
}

/* Inserts an order (status as given, paid_at now) and returns its id. */
static int64_t
lf_order(struct db *db, int64_t customer, int64_t product, int qty,
    const char *status)
{
	static int n;
	char *sql = xasprintf("INSERT INTO orders(ref, customer_id, product_id,"
	    " quantity, amount_minor, currency, status, locale, created_at,"
	    " updated_at, expires_at, paid_at) SELECT 'ref-%d-%d', %lld, %lld,"
	    " %d, price_minor * %d, currency, '%s', c.locale, %lld, %lld, %lld,"
	    " %lld FROM products, customers c WHERE products.id = %lld"
	    " AND c.id = %lld", (int)getpid(), ++n, (long long)customer,
	    (long long)product, qty, qty, status, (long long)ny_now(),
	    (long long)ny_now(), (long long)ny_now() + 120, (long long)ny_now(),
	    (long long)product, (long long)customer);

	int64_t id;

	ck_assert_int_eq(db_exec(db, sql), NY_OK);
	free(sql);
	id = sqlite3_last_insert_rowid(db_sqlite(db));
	/* Its one line, as order_create writes it. */
	sql = xasprintf("INSERT INTO order_lines(order_id, product_id,"
	    " creator_id, quantity, unit_minor, amount_minor) SELECT o.id,"
	    " o.product_id, p.creator_id, o.quantity, p.price_minor,"
	    " o.amount_minor FROM orders o JOIN products p ON p.id ="
	    " o.product_id WHERE o.id = %lld", (long long)id);
	ck_assert_int_eq(db_exec(db, sql), NY_OK);
	free(sql);
	return id;
}

/* Paid order + fulfilment in one transaction, as pay's settle does. */
static int64_t
lf_buy(struct db *db, int64_t customer, int64_t product, int qty)
{
	int64_t id = lf_order(db, customer, product, qty, "paid");

	ck_assert_int_eq(db_begin(db), NY_OK);
	ck_assert_int_eq(entitlement_fulfil_tx(db, id, "QWE123RTY", ny_now(), NULL),
	    NY_OK);
	ck_assert_int_eq(db_commit(db), NY_OK);
	return id;
}

static int64_t
lf_scalar(struct db *db, const char *sql)
{
	sqlite3_stmt *st = db_stmt(db, sql);
	int64_t v = -1;

	ck_assert_ptr_nonnull(st);
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return v;
}

#endif
