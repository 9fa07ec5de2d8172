/*
 * test-schema.c: the migrations as a whole. Migration numbers are unique
 * (the runner would silently skip a second 0005_*); the CHECK, UNIQUE and
 * FOREIGN KEY constraints of the schema refuse what they should;
 * products_fts follows inserts, updates and deletes; every statement the code prepares
 * during the unit suite walks no big table (prepared_sql_uses_indexes);
 * every foreign key whose parent rows the code deletes has an index on the
 * child column.
 */
#include <check.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

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

/*
 * The query plans of the SQL the code really prepares. tests/run-unit.sh
 * runs every other test binary with NYOTA_SQL_TRACE set (shared/db.c
 * appends "file<TAB>sql" for each statement db_stmt compiles), then this
 * one with NYOTA_SQL_PLANS naming that file: every distinct statement not
 * prepared by a test itself gets EXPLAIN QUERY PLAN against a migrated
 * database, and a walk over a whole big table fails, with or without an
 * index ("SCAN t", "SCAN t USING [COVERING] INDEX i"), unless the
 * statement is in plan_allowed below with its reason.
 */

/*
 * Tables that grow with sales, buyers, messages or time. Small or bounded
 * ones (creators, settings, invites, automations, reservations: a row per
 * pending ticket order, deleted when it ends) may be walked.
 */
static const char *const plan_big[] = {
	"orders", "payments", "entitlements", "downloads", "customers",
	"messages",		/* the outbox */
	"events", "audit_log", "login_attempts", "products", "product_files",
	"tickets", "library_keys", "recover_attempts", "automation_runs",
	"blobs",
	NULL
};

/*
 * Statements meant to walk a big table: the table, a piece of the SQL
 * that identifies the statement, and why the walk is right. An entry no
 * collected statement uses fails too, so the list cannot rot.
 */
struct plan_allow {
	const char	*table;
	const char	*sql;
	const char	*why;
};
static const struct plan_allow plan_allowed[] = {
	/* Sweeps, once at start. */
	{ "products", "WHERE width IS NULL AND (sha256 IN (SELECT cover_sha256",
	  "image_measure_legacy: at storefront start, covers and avatars"
	  " stored before images were measured" },
	{ "tickets", "WHERE code_sealed IS NULL AND code NOT LIKE 'h:%'",
	  "ticket_seal_legacy: at start, codes stored in clear before they"
	  " were hashed" },
	/* Once per restore: each content file listed, looked for on disk. */
	{ "blobs", "SELECT sha256 FROM blobs",
	  "restore_run: the restored database's files still missing" },
	/* Newest first, stopping after LIMIT matching rows: the screens
	 * show the latest page only. */
	{ "messages", "FROM messages ORDER BY id DESC LIMIT ?2",
	  "outbox_list (console): messages by rowid backwards" },
	{ "messages", "FROM messages WHERE (order_id IN (SELECT l.order_id FROM",
	  "outbox_list_creator (console): messages by rowid backwards" },
	/* One row per product, far fewer than the rows joined to them. */
	{ "products", "FROM products p CROSS JOIN entitlements e",
	  "outbox scheduler, webinar reminders: starts from products on"
	  " purpose (see outbox-schedule.c)" },
	/*
	 * Inserting a parent row (a customer, an entitlement, a product)
	 * compiles SQLite's probe of each child table for orphans of a
	 * deferred foreign key. It runs only while such a violation is
	 * pending (OP_FkIfZero skips it), never with our immediate keys;
	 * these children have no index on the key (they are never looked
	 * up that way; test deleted_parents_have_indexed_children).
	 */
	{ "library_keys", "INSERT INTO customers(",
	  "foreign key probe of library_keys.customer_id, skipped at run"
	  " time" },
	{ "automation_runs", "INSERT INTO entitlements (",
	  "foreign key probe of automation_runs.entitlement_id, skipped at"
	  " run time" },
	{ "tickets", "INSERT INTO products(",
	  "foreign key probe of tickets.product_id, skipped at run time" },
};
#define PLAN_NALLOWED	(sizeof plan_allowed / sizeof plan_allowed[0])

/* 1 when name is one of plan_big. */
static int
plan_is_big(const char *name, size_t n)
{
	size_t i;

	for (i = 0; plan_big[i] != NULL; i++)
		if (strlen(plan_big[i]) == n &&
		    strncmp(plan_big[i], name, n) == 0)
			return 1;
	return 0;
}

/* The identifiers of sql in order ('…' literals skipped), at most max. */
static size_t
plan_words(const char *sql, const char **w, size_t *wn, size_t max)
{
	const char *p = sql;
	size_t n = 0;

	while (*p != '\0' && n < max) {
		if (*p == '\'') {
			for (p++; *p != '\0' && *p != '\''; p++)
				;
			p += *p != '\0';
		} else if (isalpha((unsigned char)*p) || *p == '_') {
			w[n] = p;
			while (isalnum((unsigned char)*p) || *p == '_')
				p++;
			wn[n] = (size_t)(p - w[n]);
			n++;
		} else
			p++;
	}
	return n;
}

/* 1 when word i of w is s (case-insensitive, as SQL keywords are). */
static int
plan_word_is(const char **w, const size_t *wn, size_t i, const char *s)
{
	return wn[i] == strlen(s) && strncasecmp(w[i], s, wn[i]) == 0;
}

/*
 * The big table the plan's name x (n bytes) stands for in sql: x itself,
 * or the table x is an alias of ("orders o", "orders AS o"). NULL when x
 * is no big table (a small one, a subquery, a constant row). Copies the
 * table name into buf.
 */
static const char *
plan_big_table(const char *sql, const char *x, size_t n, char *buf,
    size_t len)
{
	const char *w[512];
	size_t wn[512], nw = plan_words(sql, w, wn, 512), i, k;

	if (plan_is_big(x, n)) {
		snprintf(buf, len, "%.*s", (int)n, x);
		return buf;
	}
	for (i = 0; i + 1 < nw; i++) {
		if (!plan_is_big(w[i], wn[i]))
			continue;
		k = plan_word_is(w, wn, i + 1, "AS") ? i + 2 : i + 1;
		if (k < nw && wn[k] == n && strncmp(w[k], x, n) == 0) {
			snprintf(buf, len, "%.*s", (int)wn[i], w[i]);
			return buf;
		}
	}
	return NULL;
}

/* The index in plan_allowed of the entry excusing table in sql, or -1. */
static int
plan_allow_find(const char *table, const char *sql)
{
	size_t i;

	for (i = 0; i < PLAN_NALLOWED; i++)
		if (strcmp(plan_allowed[i].table, table) == 0 &&
		    strstr(sql, plan_allowed[i].sql) != NULL)
			return (int)i;
	return -1;
}

/*
 * Runs EXPLAIN QUERY PLAN on sql (from file) and appends a line to bad
 * for each walk of a whole big table not allowed, or when sql does not
 * compile on the schema. used[i] is set for each allow entry that
 * excused a walk. Returns the number of lines added.
 */
static int
plan_check(sqlite3 *h, const char *file, const char *sql, struct ny_buf *bad,
    int used[PLAN_NALLOWED])
{
	char *q = xasprintf("EXPLAIN QUERY PLAN %s", sql), table[64];
	const char *d, *x;
	sqlite3_stmt *st;
	int nbad = 0, k;
	size_t n;

	if (sqlite3_prepare_v2(h, q, -1, &st, NULL) != SQLITE_OK) {
		buf_printf(bad, "%s: %s\n  %.300s\n", file, sqlite3_errmsg(h),
		    sql);
		free(q);
		return 1;
	}
	while (sqlite3_step(st) == SQLITE_ROW) {
		d = (const char *)sqlite3_column_text(st, 3);
		if (d == NULL || strncmp(d, "SCAN ", 5) != 0)
			continue;
		x = d + 5;
		n = strcspn(x, " ");
		if (plan_big_table(sql, x, n, table, sizeof table) == NULL)
			continue;
		if ((k = plan_allow_find(table, sql)) >= 0) {
			used[k] = 1;
			continue;
		}
		buf_printf(bad, "%s: %s walks big table %s\n  %.300s\n", file,
		    d, table, sql);
		nbad++;
	}
	sqlite3_finalize(st);
	free(q);
	return nbad;
}

/* Undoes db.c's trace escapes (\\, \n, \t) of s in place. */
static void
plan_unescape(char *s)
{
	char *o = s;

	for (; *s != '\0'; s++) {
		if (*s == '\\' && s[1] != '\0') {
			s++;
			*o++ = *s == 'n' ? '\n' : *s == 't' ? '\t' : *s;
		} else
			*o++ = *s;
	}
	*o = '\0';
}

static int
plan_line_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * The distinct records of the trace file (sorted, in place in *text,
 * which the caller frees) into *lines (caller frees the array).
 */
static size_t
plan_read(const char *file, char **text, char ***lines)
{
	size_t n = 0, cap = 0, i, k = 0, len;
	char *p, *nl;

	ck_assert_msg(ny_read_file(file, (size_t)256 << 20, text, &len) ==
	    NY_OK, "%s: cannot read the SQL trace", file);
	*lines = NULL;
	for (p = *text; *p != '\0'; p = nl + 1) {
		if ((nl = strchr(p, '\n')) == NULL)
			break;	/* a record is whole only with its newline */
		*nl = '\0';
		*lines = xgrow(*lines, &cap, n + 1, sizeof **lines);
		(*lines)[n++] = p;
	}
	qsort(*lines, n, sizeof **lines, plan_line_cmp);
	for (i = 0; i < n; i++)
		if (k == 0 || strcmp((*lines)[i], (*lines)[k - 1]) != 0)
			(*lines)[k++] = (*lines)[i];
	return k;
}

/* Every statement the unit suite's code prepared walks no big table. */
START_TEST(prepared_sql_uses_indexes)
{
	const char *trace = getenv("NYOTA_SQL_PLANS");
	int used[PLAN_NALLOWED] = { 0 }, nbad = 0;
	size_t n, i, checked = 0, tests = 0;
	struct ny_buf bad;
	char *text, **lines, *tab;

	ck_assert_ptr_nonnull(trace);
	buf_init(&bad, 0);
	n = plan_read(trace, &text, &lines);
	for (i = 0; i < n; i++) {
		if ((tab = strchr(lines[i], '\t')) == NULL)
			continue;
		*tab = '\0';
		if (strncmp(lines[i], "tests/", 6) == 0) {
			tests++;	/* a test's own SQL, not the code's */
			continue;
		}
		plan_unescape(tab + 1);
		nbad += plan_check(db_sqlite(db), lines[i], tab + 1, &bad,
		    used);
		checked++;
	}
	for (i = 0; i < PLAN_NALLOWED; i++) {
		if (used[i]) {
			printf("allowed walk of %s: %s\n",
			    plan_allowed[i].table, plan_allowed[i].why);
			continue;
		}
		buf_printf(&bad, "allowed but not seen (stale entry?):"
		    " %s: %s\n", plan_allowed[i].table, plan_allowed[i].sql);
		nbad++;
	}
	printf("sql-plans: %zu statements of the code checked, %zu of the"
	    " tests skipped, %d allowed walks\n", checked, tests,
	    (int)PLAN_NALLOWED);
	fflush(stdout);
	/* No statement at all means the trace hook is broken. */
	ck_assert_msg(checked > 0, "%s: no SQL collected", trace);
	ck_assert_msg(nbad == 0, "%d problem(s):\n%s", nbad, bad.data);
	buf_free(&bad);
	free(lines);
	free(text);
}
END_TEST

/* The checker above can fail: known walks are caught, lookups pass. */
START_TEST(plan_check_catches_walks)
{
	static const char *const walks[] = {
		"SELECT id FROM orders WHERE currency = ?",
		"SELECT o.id FROM orders o WHERE o.amount_minor > ?",
		"SELECT y.id FROM payments AS y WHERE y.attempts > 3",
		"SELECT id FROM orders ORDER BY created_at DESC LIMIT 50",
		"SELECT count(*) FROM messages",
		"SELECT nope FROM orders",
	};
	static const char *const lookups[] = {
		"SELECT id FROM orders WHERE ref = ?",
		("SELECT o.id FROM orders o JOIN customers c"
		" ON c.id = o.customer_id WHERE c.phone = ?"),
		"SELECT id FROM creators",	/* small: may be walked */
	};
	int used[PLAN_NALLOWED] = { 0 };
	struct ny_buf bad;
	size_t i;

	buf_init(&bad, 0);
	for (i = 0; i < sizeof walks / sizeof *walks; i++)
		ck_assert_msg(plan_check(db_sqlite(db), "x.c", walks[i], &bad,
		    used) == 1, "%s: not caught", walks[i]);
	buf_reset(&bad);
	for (i = 0; i < sizeof lookups / sizeof *lookups; i++)
		ck_assert_msg(plan_check(db_sqlite(db), "x.c", lookups[i], &bad,
		    used) == 0, "%s", bad.data);
	buf_free(&bad);
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
	tcase_add_test(tc, plan_check_catches_walks);
	/* Only with the suite's SQL, as tests/run-unit.sh runs it. */
	if (getenv("NYOTA_SQL_PLANS") != NULL)
		tcase_add_test(tc, prepared_sql_uses_indexes);
	else
		printf("NYOTA_SQL_PLANS unset: plans of the code's SQL not"
		    " checked (tests/run-unit.sh sets it)\n");
	tcase_add_test(tc, lookups_use_their_index);
	tcase_add_test(tc, deleted_parents_have_indexed_children);
	suite_add_tcase(s, tc);
	return run_suite(s);
}
