/*
 * test-schema.c: the migrations as a whole. Migration numbers are unique
 * (the runner would silently skip a second 0005_*); the CHECK, UNIQUE and
 * FOREIGN KEY constraints of DESIGN §7 refuse what they should; products_fts
 * follows inserts, updates and deletes; the hot lookups of the pages, the
 * console and the workers use an index; every foreign key whose parent
 * rows the code deletes has an index on the child column.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "assets.h"
#include "db.h"
#include "testutil.h"

static struct db *db;
static char *path;

static void
setup(void)
{
	db = test_db("schema", &path);
}

static void
teardown(void)
{
	db_close(db);
	free(path);
}

static int
ok(const char *sql)
{
	return db_exec(db, sql) == NY_OK;
}

START_TEST(migration_numbers_unique)
{
	const struct ny_asset *a, *b;
	int n = 0;

	for (a = ny_assets; a->path != NULL; a++) {
		if (strncmp(a->path, "migrations/", 11) != 0)
			continue;
		n++;
		ck_assert_msg(strlen(a->path) > 16 && a->path[15] == '_',
		    "%s: expected migrations/NNNN_name.sql", a->path);
		for (b = a + 1; b->path != NULL; b++)
			ck_assert_msg(strncmp(b->path, a->path, 15) != 0,
			    "%s and %s share a number: the runner would "
			    "apply only one", a->path, b->path);
	}
	ck_assert_int_ge(n, 1);
}
END_TEST

/* A creator, a customer, a published download, a pending order. */
static void
seed(void)
{
	ck_assert(ok("INSERT INTO creators(id, handle, created_at)"
	    " VALUES (1, 'amani', 1);"
	    "INSERT INTO customers(id, phone, created_at)"
	    " VALUES (1, '254712345678', 1);"
	    "INSERT INTO blobs(sha256, size, mime, created_at) VALUES"
	    " ('" "0123456789abcdef0123456789abcdef"
	    "0123456789abcdef0123456789abcdef', 3, 'image/png', 1);"
	    "INSERT INTO products(id, creator_id, slug, kind, title, summary,"
	    " price_minor, currency, status, created_at, updated_at)"
	    " VALUES (1, 1, 'nairobi-nights', 'download', 'Nairobi nights',"
	    " 'photos of the city', 50000, 'KES', 'published', 1, 1);"
	    "INSERT INTO orders(id, ref, customer_id, product_id, amount_minor,"
	    " currency, created_at, updated_at, expires_at)"
	    " VALUES (1, 'ref1', 1, 1, 50000, 'KES', 1, 1, 2);"
	    "INSERT INTO payments(order_id, provider, phone, amount_minor,"
	    " provider_ref, receipt, created_at, updated_at)"
	    " VALUES (1, 'sim', '254712345678', 50000, 'pr1', 'RC1', 1, 1);"
	    "INSERT INTO library_keys(customer_id, salt, token_hash, created_at)"
	    " VALUES (1, zeroblob(32), x'01', 1);"
	    "INSERT INTO tickets(order_id, product_id, customer_id, code,"
	    " created_at) VALUES (1, 1, 1, 'ABCD-EFGH', 1);"));
}

START_TEST(uniques)
{
	seed();
	/* slugs, handles, phones */
	ck_assert(!ok("INSERT INTO products(creator_id, slug, kind, title,"
	    " price_minor, currency, created_at, updated_at) VALUES"
	    " (1, 'nairobi-nights', 'download', 't', 1, 'KES', 1, 1)"));
	ck_assert(!ok("INSERT INTO creators(handle, created_at)"
	    " VALUES ('amani', 2)"));
	ck_assert(!ok("INSERT INTO customers(phone, created_at)"
	    " VALUES ('254712345678', 2)"));
	/* order refs, payment provider refs and receipts */
	ck_assert(!ok("INSERT INTO orders(ref, customer_id, product_id,"
	    " amount_minor, currency, created_at, updated_at, expires_at)"
	    " VALUES ('ref1', 1, 1, 1, 'KES', 1, 1, 2)"));
	ck_assert(ok("INSERT INTO orders(id, ref, customer_id, product_id,"
	    " amount_minor, currency, created_at, updated_at, expires_at)"
	    " VALUES (2, 'ref2', 1, 1, 1, 'KES', 1, 1, 2)"));
	ck_assert(!ok("INSERT INTO payments(order_id, provider, phone,"
	    " amount_minor, provider_ref, created_at, updated_at)"
	    " VALUES (2, 'sim', '254712345678', 1, 'pr1', 1, 1)"));
	ck_assert(!ok("INSERT INTO payments(order_id, provider, phone,"
	    " amount_minor, receipt, created_at, updated_at)"
	    " VALUES (2, 'sim', '254712345678', 1, 'RC1', 1, 1)"));
	/* one payment per order */
	ck_assert(!ok("INSERT INTO payments(order_id, provider, phone,"
	    " amount_minor, created_at, updated_at)"
	    " VALUES (1, 'sim', '254712345678', 1, 1, 1)"));
	/* library token hashes; one live key per customer */
	ck_assert(!ok("INSERT INTO customers(id, phone, created_at)"
	    " VALUES (2, '255754123456', 1);"
	    "INSERT INTO library_keys(customer_id, salt, token_hash,"
	    " created_at) VALUES (2, zeroblob(32), x'01', 1)"));
	ck_assert(!ok("INSERT INTO library_keys(customer_id, salt, token_hash,"
	    " created_at) VALUES (1, zeroblob(32), x'02', 1)"));
	/* ticket codes, invite code hashes, message dedupe keys */
	ck_assert(!ok("INSERT INTO tickets(order_id, product_id, customer_id,"
	    " code, created_at) VALUES (1, 1, 1, 'ABCD-EFGH', 2)"));
	ck_assert(ok("INSERT INTO invites(code_hash, created_at, expires_at)"
	    " VALUES (x'aa', 1, 2)"));
	ck_assert(!ok("INSERT INTO invites(code_hash, created_at, expires_at)"
	    " VALUES (x'aa', 1, 2)"));
	ck_assert(ok("INSERT INTO messages(to_phone, kind, body, dedupe_key,"
	    " created_at) VALUES ('254712345678', 'receipt', 'b', 'd1', 1)"));
	ck_assert(!ok("INSERT INTO messages(to_phone, kind, body, dedupe_key,"
	    " created_at) VALUES ('254712345678', 'receipt', 'b', 'd1', 1)"));
	/* one entitlement per customer and product */
	ck_assert(ok("INSERT INTO entitlements(customer_id, product_id,"
	    " order_id, starts_at) VALUES (1, 1, 1, 1)"));
	ck_assert(!ok("INSERT INTO entitlements(customer_id, product_id,"
	    " order_id, starts_at) VALUES (1, 1, 2, 1)"));
}
END_TEST

START_TEST(checks)
{
	seed();
	/* statuses */
	ck_assert(!ok("UPDATE orders SET status = 'done' WHERE id = 1"));
	ck_assert(!ok("UPDATE payments SET status = 'ok' WHERE order_id = 1"));
	ck_assert(!ok("UPDATE products SET status = 'live' WHERE id = 1"));
	ck_assert(!ok("INSERT INTO messages(to_phone, kind, body, status,"
	    " created_at) VALUES ('254712345678', 'receipt', 'b', 'x', 1)"));
	/* amounts ≥ 0, currencies, quantities */
	ck_assert(!ok("UPDATE orders SET amount_minor = -1 WHERE id = 1"));
	ck_assert(!ok("UPDATE payments SET amount_minor = -1"));
	ck_assert(!ok("UPDATE orders SET currency = 'EUR' WHERE id = 1"));
	ck_assert(!ok("UPDATE orders SET quantity = 0 WHERE id = 1"));
	/* kinds and their fields */
	ck_assert(!ok("UPDATE products SET kind = 'car' WHERE id = 1"));
	ck_assert(!ok("UPDATE products SET kind = 'ticket' WHERE id = 1"));
	ck_assert(!ok("UPDATE products SET kind = 'webinar' WHERE id = 1"));
	ck_assert(ok("UPDATE products SET kind = 'subscription',"
	    " period_days = 30 WHERE id = 1"));
	ck_assert(!ok("UPDATE products SET period_days = 0 WHERE id = 1"));
	/* phones are E.164 digits, slugs are URL-safe */
	ck_assert(!ok("UPDATE customers SET phone = '+254712345678'"));
	ck_assert(!ok("UPDATE customers SET phone = '0712 345 678'"));
	ck_assert(!ok("UPDATE products SET slug = 'Nairobi Nights'"));
	ck_assert(!ok("UPDATE products SET slug = '../x'"));
	ck_assert(!ok("INSERT INTO blobs(sha256, size, mime, created_at)"
	    " VALUES ('../../etc/passwd', 1, 'x', 1)"));
	ck_assert(!ok("INSERT INTO login_attempts(at, handle, addr, ok)"
	    " VALUES (1, 'a', 'b', 2)"));
}
END_TEST

START_TEST(foreign_keys)
{
	seed();
	ck_assert(!ok("INSERT INTO products(creator_id, slug, kind, title,"
	    " price_minor, currency, created_at, updated_at)"
	    " VALUES (99, 'x', 'download', 't', 1, 'KES', 1, 1)"));
	ck_assert(!ok("INSERT INTO orders(ref, customer_id, product_id,"
	    " amount_minor, currency, created_at, updated_at, expires_at)"
	    " VALUES ('r9', 99, 1, 1, 'KES', 1, 1, 2)"));
	ck_assert(!ok("INSERT INTO product_files(product_id, name, sha256)"
	    " VALUES (1, 'a.zip', '" "ffffffffffffffffffffffffffffffff"
	    "ffffffffffffffffffffffffffffffff')"));
	/* a customer with orders cannot vanish */
	ck_assert(!ok("DELETE FROM customers WHERE id = 1"));
}
END_TEST

static int64_t
fts_count(const char *match)
{
	sqlite3_stmt *st = db_stmt(db, "SELECT count(*) FROM products_fts"
	    " WHERE products_fts MATCH ?");
	int64_t n;

	ck_assert_ptr_nonnull(st);
	sqlite3_bind_text(st, 1, match, -1, SQLITE_STATIC);
	ck_assert_int_eq(sqlite3_step(st), SQLITE_ROW);
	n = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return n;
}

START_TEST(fts_follows_products)
{
	seed();
	ck_assert_int_eq(fts_count("nairobi"), 1);
	ck_assert_int_eq(fts_count("photo*"), 1);
	ck_assert(ok("UPDATE products SET title = 'Mombasa mornings',"
	    " summary = 'picha za pwani' WHERE id = 1"));
	ck_assert_int_eq(fts_count("nairobi"), 0);
	ck_assert_int_eq(fts_count("mombasa"), 1);
	ck_assert_int_eq(fts_count("pwani"), 1);
	/* Price changes do not touch the index; it stays consistent. */
	ck_assert(ok("UPDATE products SET price_minor = 1 WHERE id = 1"));
	ck_assert(ok("INSERT INTO products_fts(products_fts)"
	    " VALUES ('integrity-check')"));
	ck_assert(ok("DELETE FROM tickets; DELETE FROM payments;"
	    " DELETE FROM orders; DELETE FROM products WHERE id = 1"));
	ck_assert_int_eq(fts_count("mombasa"), 0);
	ck_assert(ok("INSERT INTO products_fts(products_fts)"
	    " VALUES ('integrity-check')"));
}
END_TEST

/* Fails when the plan of sql reads a whole table. */
static void
uses_index(const char *sql)
{
	sqlite3_stmt *st;
	char *q = xasprintf("EXPLAIN QUERY PLAN %s", sql);
	const char *d;

	ck_assert_int_eq(sqlite3_prepare_v2(db_sqlite(db), q, -1, &st, NULL),
	    SQLITE_OK);
	while (sqlite3_step(st) == SQLITE_ROW) {
		d = (const char *)sqlite3_column_text(st, 3);
		ck_assert_msg(strncmp(d, "SCAN ", 5) != 0 ||
		    strstr(d, "INDEX") != NULL || strstr(d, "VIRTUAL") != NULL,
		    "%s: %s", sql, d);
	}
	sqlite3_finalize(st);
	free(q);
}

/* The lookups pages, console and workers make on growing tables. */
START_TEST(hot_lookups_use_indexes)
{
	static const char *const sqls[] = {
		/* storefront */
		"SELECT id FROM products WHERE slug = ?",
		"SELECT id FROM products WHERE status = 'published'"
		" ORDER BY published_at DESC, id DESC LIMIT 20",
		"SELECT id FROM products WHERE status = 'published'"
		" AND kind = ? ORDER BY published_at DESC LIMIT 20",
		"SELECT 1 FROM products WHERE cover_sha256 = ?"
		" AND status = 'published'",
		"SELECT id FROM creators WHERE handle = ?",
		"SELECT id FROM orders WHERE ref = ?",
		"SELECT id FROM orders WHERE idem_key = ?",
		"SELECT count(*) FROM orders WHERE customer_id = ?"
		" AND status = 'pending'",
		"SELECT sum(quantity) FROM orders WHERE product_id = ?"
		" AND status = 'paid'",
		"SELECT id FROM customers WHERE phone = ?",
		"SELECT id FROM library_keys WHERE token_hash = ?",
		"SELECT id FROM library_keys WHERE customer_id = ?"
		" AND revoked_at IS NULL",
		"SELECT id FROM entitlements WHERE customer_id = ?",
		"SELECT count(*) FROM downloads WHERE entitlement_id = ?"
		" AND file_id = ?",
		"SELECT id FROM product_files WHERE product_id = ?",
		"SELECT count(*) FROM recover_attempts WHERE phone = ? AND at > ?",
		"SELECT count(*) FROM recover_attempts WHERE addr = ? AND at > ?",
		"DELETE FROM recover_attempts WHERE at < ?",
		/* payments and callbacks */
		"SELECT id FROM payments WHERE provider_ref = ?",
		"SELECT id FROM payments WHERE order_id = ?",
		"SELECT id FROM payments WHERE status IN ('new', 'pending')"
		" AND next_attempt_at <= ?",
		"SELECT id FROM orders WHERE status = 'pending'"
		" AND expires_at <= ?",
		"UPDATE entitlements SET revoked_at = ? WHERE order_id = ?",
		"SELECT count(*) FROM tickets WHERE order_id = ?",
		/* outbox */
		"SELECT id FROM messages WHERE status = 'queued'"
		" AND next_attempt_at <= ? ORDER BY next_attempt_at LIMIT 10",
		"SELECT id FROM messages WHERE dedupe_key = ?",
		"SELECT id FROM entitlements WHERE expires_at <= ?",
		/* console */
		"SELECT id FROM orders ORDER BY created_at DESC LIMIT 50",
		"SELECT id FROM products WHERE creator_id = ?",
		"SELECT id FROM tickets WHERE code = ?",
		"SELECT id FROM messages WHERE customer_id = ?",
		"SELECT id FROM messages WHERE status = 'failed'"
		" ORDER BY id DESC LIMIT 200",
		"SELECT id FROM creator_keys WHERE fingerprint = ?",
		"SELECT count(*) FROM login_attempts WHERE handle = ? AND at > ?",
		"SELECT count(*) FROM login_attempts WHERE addr = ? AND at > ?",
		"SELECT seq FROM events WHERE seq > ? ORDER BY seq LIMIT 100",
		"SELECT id FROM audit_log WHERE at > ?",
	};
	size_t i;

	for (i = 0; i < sizeof sqls / sizeof *sqls; i++)
		uses_index(sqls[i]);
}
END_TEST

/* Fails unless the plan of sql mentions needle (an index and its use). */
static void
plan_has(const char *sql, const char *needle)
{
	sqlite3_stmt *st;
	char *q = xasprintf("EXPLAIN QUERY PLAN %s", sql);
	int found = 0;

	ck_assert_int_eq(sqlite3_prepare_v2(db_sqlite(db), q, -1, &st, NULL),
	    SQLITE_OK);
	while (sqlite3_step(st) == SQLITE_ROW)
		found |= strstr((const char *)sqlite3_column_text(st, 3),
		    needle) != NULL;
	sqlite3_finalize(st);
	ck_assert_msg(found, "%s: plan lacks %s", sql, needle);
	free(q);
}

/* The indexes of 0005_indexes.sql serve the lookups they were made for. */
START_TEST(lookups_use_their_index)
{
	plan_has("SELECT 1 FROM blobs b WHERE b.sha256 = ? AND EXISTS"
	    " (SELECT 1 FROM products p WHERE p.cover_sha256 = b.sha256"
	    " AND p.status = 'published')", "products_cover (cover_sha256=?)");
	plan_has("UPDATE entitlements SET revoked_at = ? WHERE order_id = ?"
	    " AND revoked_at IS NULL", "entitlements_order (order_id=?)");
	plan_has("DELETE FROM recover_attempts WHERE at < ?",
	    "recover_attempts_at (at<?)");
	plan_has("SELECT id FROM messages WHERE status = ? ORDER BY id DESC"
	    " LIMIT 200", "messages_status (status=?)");
	plan_has("SELECT sum(o.amount_minor) FROM orders o JOIN products p"
	    " ON p.id = o.product_id WHERE o.status = 'paid' AND"
	    " (?1 = 0 OR p.creator_id = ?1) AND o.paid_at >= ?2",
	    "orders_paid (status=? AND paid_at>?)");
}
END_TEST

/*
 * Parents the code deletes rows from must have the child column indexed,
 * or each delete reads the whole child table to check the key. Parents
 * never deleted (orders, customers, … are history) are listed here.
 */
START_TEST(deleted_parents_have_indexed_children)
{
	static const char *const never_deleted[] = { "creators", "customers",
	    "orders", "entitlements", "messages", "library_keys", "products",
	    NULL };
	sqlite3_stmt *t, *fk, *ix;
	const char *tab, *parent, *col;
	int found, k;

	ck_assert_int_eq(sqlite3_prepare_v2(db_sqlite(db), "SELECT name FROM"
	    " sqlite_schema WHERE type = 'table' AND sql NOT LIKE"
	    " 'CREATE VIRTUAL%'", -1, &t, NULL), SQLITE_OK);
	while (sqlite3_step(t) == SQLITE_ROW) {
		tab = (const char *)sqlite3_column_text(t, 0);
		ck_assert_int_eq(sqlite3_prepare_v2(db_sqlite(db), "SELECT"
		    " \"table\", \"from\" FROM pragma_foreign_key_list(?)"
		    " WHERE seq = 0", -1, &fk, NULL), SQLITE_OK);
		sqlite3_bind_text(fk, 1, tab, -1, SQLITE_STATIC);
		while (sqlite3_step(fk) == SQLITE_ROW) {
			parent = (const char *)sqlite3_column_text(fk, 0);
			col = (const char *)sqlite3_column_text(fk, 1);
			for (k = 0; never_deleted[k] != NULL; k++)
				if (strcmp(parent, never_deleted[k]) == 0)
					break;
			if (never_deleted[k] != NULL)
				continue;
			/* Some index (or the primary key) starts with col. */
			ck_assert_int_eq(sqlite3_prepare_v2(db_sqlite(db),
			    "SELECT 1 FROM pragma_index_list(?1) l,"
			    " pragma_index_info(l.name) i WHERE i.seqno = 0"
			    " AND i.name = ?2 UNION ALL SELECT 1 FROM"
			    " pragma_table_info(?1) WHERE pk = 1 AND name = ?2",
			    -1, &ix, NULL), SQLITE_OK);
			sqlite3_bind_text(ix, 1, tab, -1, SQLITE_STATIC);
			sqlite3_bind_text(ix, 2, col, -1, SQLITE_STATIC);
			found = sqlite3_step(ix) == SQLITE_ROW;
			sqlite3_finalize(ix);
			ck_assert_msg(found, "%s.%s → %s has no index", tab,
			    col, parent);
		}
		sqlite3_finalize(fk);
	}
	sqlite3_finalize(t);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("schema");
	TCase *tc = tcase_create("schema");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, migration_numbers_unique);
	tcase_add_test(tc, uniques);
	tcase_add_test(tc, checks);
	tcase_add_test(tc, foreign_keys);
	tcase_add_test(tc, fts_follows_products);
	tcase_add_test(tc, hot_lookups_use_indexes);
	tcase_add_test(tc, lookups_use_their_index);
	tcase_add_test(tc, deleted_parents_have_indexed_children);
	suite_add_tcase(s, tc);
	return run_suite(s);
}
