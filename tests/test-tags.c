/*
 * test-tags: tags and sort orders of the catalog (issue 14): what a
 * creator types parsed into tags, stored and read back; the catalog
 * filtered by tag and sorted new / price / popular (paid order lines
 * only); the tags in use for chips; pay what you want and tags through
 * the import and export.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalog-io.h"
#include "catalog.h"
#include "db.h"
#include "product-tag.h"
#include "testutil.h"

static struct db *
seeded(void)
{
	struct db *db = test_db("tags", NULL);
	char *sql;
	size_t len;

	ck_assert_int_eq(ny_read_file("tests/integration/storefront-seed.sql",
	    1 << 20, &sql, &len), NY_OK);
	ck_assert_int_eq(db_exec(db, sql), NY_OK);
	free(sql);
	return db;
}

/* Sets product id's tags from what a creator would type. */
static void
tag(struct db *db, int64_t id, const char *typed)
{
	struct product_tags t;

	ck_assert_int_eq(product_tags_parse(typed, &t, NULL), NY_OK);
	ck_assert_int_eq(db_begin(db), NY_OK);
	ck_assert_int_eq(product_tags_set_tx(db, id, &t), NY_OK);
	ck_assert_int_eq(db_commit(db), NY_OK);
}

/* The slugs of a listing, comma-joined, into buf. */
static const char *
slugs(const struct catalog_list *l, char *buf, size_t len)
{
	size_t k = 0;

	buf[0] = '\0';
	for (int i = 0; i < l->n && k < len; i++)
		k += (size_t)snprintf(buf + k, len - k, "%s%s", i ? "," : "",
		    l->items[i].slug);
	return buf;
}

/* The slugs cq lists. */
static const char *
query(struct db *db, const struct catalog_query *cq, char *buf, size_t len)
{
	struct catalog_list l;

	ck_assert_int_eq(catalog_query(db, cq, &l), NY_OK);
	slugs(&l, buf, len);
	catalog_list_free(&l);
	return buf;
}

START_TEST(parse_folds_merges_and_sorts)
{
	struct product_tags t;
	const char *why;
	char buf[128];

	ck_assert_int_eq(product_tags_parse("Music, live  afro-beat", &t, &why),
	    NY_OK);
	ck_assert_int_eq(t.n, 3);
	ck_assert_str_eq(t.tag[0], "afro-beat");
	ck_assert_str_eq(t.tag[1], "live");
	ck_assert_str_eq(t.tag[2], "music");
	product_tags_join(&t, buf, sizeof buf);
	ck_assert_str_eq(buf, "afro-beat, live, music");
	ck_assert_int_eq(product_tags_parse("#Music #music,MUSIC,, #", &t,
	    &why), NY_OK);
	ck_assert_int_eq(t.n, 1);
	ck_assert_str_eq(t.tag[0], "music");
	ck_assert_int_eq(product_tags_parse("", &t, &why), NY_OK);
	ck_assert_int_eq(t.n, 0);
	ck_assert_int_eq(product_tags_parse(NULL, &t, NULL), NY_OK);
	ck_assert_int_eq(t.n, 0);
	ck_assert_int_eq(product_tags_parse("a b c d e f g h", &t, &why), NY_OK);
	ck_assert_int_eq(t.n, 8);
	/* Only the short buffer's whole tags: never a cut one. */
	product_tags_join(&t, buf, 9);
	ck_assert_str_eq(buf, "a, b, c");
}
END_TEST

START_TEST(parse_refusals)
{
	struct product_tags t;
	const char *why;
	char lng[40];

	ck_assert_int_eq(product_tags_parse("music café", &t, &why), NY_EINVAL);
	ck_assert_str_eq(why, "tag.err.chars");
	ck_assert_int_eq(t.n, 0);
	ck_assert_int_eq(product_tags_parse("a_b", &t, &why), NY_EINVAL);
	ck_assert_str_eq(why, "tag.err.chars");
	ck_assert_int_eq(product_tags_parse("<script>", &t, &why), NY_EINVAL);
	ck_assert_str_eq(why, "tag.err.chars");
	memset(lng, 'x', 33);
	lng[33] = '\0';
	ck_assert_int_eq(product_tags_parse(lng, &t, &why), NY_EINVAL);
	ck_assert_str_eq(why, "tag.err.length");
	lng[32] = '\0';
	ck_assert_int_eq(product_tags_parse(lng, &t, &why), NY_OK);
	ck_assert_int_eq(t.n, 1);
	ck_assert_int_eq(product_tags_parse("a b c d e f g h i", &t, &why),
	    NY_EINVAL);
	ck_assert_str_eq(why, "tag.err.count");
	ck_assert_int_eq(t.n, 0);
	/* duplicates do not count against the limit */
	ck_assert_int_eq(product_tags_parse("a b c d e f g h A #h", &t, &why),
	    NY_OK);
	ck_assert_int_eq(product_tags_parse("a", &t, NULL), NY_OK);
	ck_assert_int_eq(product_tags_parse("a$", &t, NULL), NY_EINVAL);
}
END_TEST

START_TEST(set_and_get)
{
	struct db *db = seeded();
	struct product_tags t;
	int64_t ev = sql_int(db, "SELECT coalesce(max(seq), 0) FROM events");

	tag(db, 1, "music live");
	ck_assert_int_gt(sql_int(db, "SELECT max(seq) FROM events"
	    " WHERE kind = 'product' AND row_id = 1"), ev);
	ck_assert_int_eq(product_tags_get(db, 1, &t), NY_OK);
	ck_assert_int_eq(t.n, 2);
	ck_assert_str_eq(t.tag[0], "live");
	ck_assert_str_eq(t.tag[1], "music");
	tag(db, 1, "bongo");
	ck_assert_int_eq(product_tags_get(db, 1, &t), NY_OK);
	ck_assert_int_eq(t.n, 1);
	ck_assert_str_eq(t.tag[0], "bongo");
	tag(db, 1, "");
	ck_assert_int_eq(product_tags_get(db, 1, &t), NY_OK);
	ck_assert_int_eq(t.n, 0);
	ck_assert_int_eq(product_tags_get(db, 99, &t), NY_OK);
	ck_assert_int_eq(t.n, 0);
	/* a struct not made by the parse: repeats are one tag, and the
	 * table refuses what is not a tag (nothing half-written) */
	memset(&t, 0, sizeof t);
	t.n = 2;
	strcpy(t.tag[0], "dup");
	strcpy(t.tag[1], "dup");
	ck_assert_int_eq(db_begin(db), NY_OK);
	ck_assert_int_eq(product_tags_set_tx(db, 1, &t), NY_OK);
	ck_assert_int_eq(db_commit(db), NY_OK);
	ck_assert_int_eq(sql_int(db, "SELECT count(*) FROM product_tags"), 1);
	strcpy(t.tag[1], "Bad Tag");
	ck_assert_int_eq(db_begin(db), NY_OK);
	ck_assert_int_ne(product_tags_set_tx(db, 1, &t), NY_OK);
	db_rollback(db);
	ck_assert_int_eq(product_tags_get(db, 1, &t), NY_OK);
	ck_assert_int_eq(t.n, 1);
	ck_assert_str_eq(t.tag[0], "dup");
	db_close(db);
}
END_TEST

START_TEST(filter_by_tag)
{
	struct db *db = seeded();
	struct catalog_query cq;
	struct catalog_list l;
	struct catalog_product *p;
	char buf[256];

	tag(db, 1, "music live");
	tag(db, 3, "music taarab");
	tag(db, 5, "music");	/* a draft */
	tag(db, 7, "music");	/* a disabled creator's */
	memset(&cq, 0, sizeof cq);
	cq.tag = "music";
	ck_assert_str_eq(query(db, &cq, buf, sizeof buf),
	    "tamasha-live,nairobi-nights");
	cq.kind = "download";
	ck_assert_str_eq(query(db, &cq, buf, sizeof buf), "nairobi-nights");
	cq.kind = NULL;
	cq.tag = "nothing-here";
	ck_assert_str_eq(query(db, &cq, buf, sizeof buf), "");
	cq.tag = "Music";
	ck_assert_int_eq(catalog_query(db, &cq, &l), NY_EINVAL);
	cq.tag = "a b";
	ck_assert_int_eq(catalog_query(db, &cq, &l), NY_EINVAL);
	/* search and tag together */
	cq.tag = "music";
	cq.q = "taarab";
	ck_assert_str_eq(query(db, &cq, buf, sizeof buf), "tamasha-live");
	cq.q = "nairobi";
	ck_assert_str_eq(query(db, &cq, buf, sizeof buf), "nairobi-nights");
	cq.tag = "taarab";
	ck_assert_str_eq(query(db, &cq, buf, sizeof buf), "");
	/* every listing carries the tags, sorted and comma-joined */
	ck_assert_int_eq(catalog_list_products(db, NULL, 1, 0, &l), NY_OK);
	ck_assert_str_eq(l.items[3].tags, "live,music");
	ck_assert_str_eq(l.items[0].tags, "");
	catalog_list_free(&l);
	ck_assert_int_eq(catalog_product_by_slug(db, "tamasha-live", &p),
	    NY_OK);
	ck_assert_str_eq(p->tags, "music,taarab");
	catalog_product_free(p);
	db_close(db);
}
END_TEST

START_TEST(sort_orders)
{
	struct db *db = seeded();
	struct catalog_query cq;
	struct catalog_list l;
	enum catalog_sort s;
	char buf[256];

	memset(&cq, 0, sizeof cq);
	ck_assert_str_eq(query(db, &cq, buf, sizeof buf),
	    "masterclass-sauti,tamasha-live,msafiri-club,nairobi-nights");
	cq.sort = CATALOG_SORT_PRICE;
	ck_assert_str_eq(query(db, &cq, buf, sizeof buf),
	    "msafiri-club,nairobi-nights,masterclass-sauti,tamasha-live");
	/* same price: newest first */
	ck_assert_int_eq(db_exec(db, "UPDATE products SET price_minor = 20000"
	    " WHERE id = 1"), NY_OK);
	ck_assert_str_eq(query(db, &cq, buf, sizeof buf),
	    "msafiri-club,nairobi-nights,masterclass-sauti,tamasha-live");
	ck_assert_int_eq(db_exec(db, "UPDATE products SET published_at ="
	    " 1795000250 WHERE id = 1"), NY_OK);
	ck_assert_str_eq(query(db, &cq, buf, sizeof buf),
	    "nairobi-nights,msafiri-club,masterclass-sauti,tamasha-live");
	/* popular: paid units of order lines; pending, failed and refunded
	 * orders do not count; a cart's second line counts for its product */
	ck_assert_int_eq(db_exec(db,
	    "INSERT INTO customers(id, phone, created_at) VALUES"
	    " (1, '254712345678', 1), (2, '254712345679', 1);"
	    "INSERT INTO orders(id, ref, customer_id, product_id, quantity,"
	    " amount_minor, currency, status, created_at, updated_at, expires_at)"
	    " VALUES (1, 'r1', 1, 3, 3, 450000, 'KES', 'paid', 1, 1, 2),"
	    " (2, 'r2', 2, 2, 1, 20000, 'KES', 'paid', 1, 1, 2),"
	    " (3, 'r3', 2, 2, 9, 180000, 'KES', 'pending', 1, 1, 2),"
	    " (4, 'r4', 2, 2, 9, 180000, 'KES', 'refunded', 1, 1, 2);"
	    "INSERT INTO order_lines(order_id, product_id, creator_id, quantity,"
	    " unit_minor, amount_minor) VALUES (1, 3, 2, 3, 150000, 450000),"
	    " (2, 2, 1, 1, 20000, 20000), (2, 1, 1, 1, 0, 0),"
	    " (3, 2, 1, 9, 20000, 180000), (4, 2, 1, 9, 20000, 180000);"),
	    NY_OK);
	cq.sort = CATALOG_SORT_POPULAR;
	ck_assert_int_eq(catalog_query(db, &cq, &l), NY_OK);
	ck_assert_str_eq(slugs(&l, buf, sizeof buf),
	    "tamasha-live,nairobi-nights,msafiri-club,masterclass-sauti");
	ck_assert_int_eq(l.items[0].sales, 3);
	ck_assert_int_eq(l.items[1].sales, 1);
	ck_assert_int_eq(l.items[2].sales, 1);
	ck_assert_int_eq(l.items[3].sales, 0);
	catalog_list_free(&l);
	/* The counter follows the order: pending → paid adds the line's
	 * units, paid → refunded takes them back (migration 0012's
	 * triggers), and every read shows it. */
	ck_assert_int_eq(db_exec(db, "UPDATE orders SET status = 'paid'"
	    " WHERE id = 3"), NY_OK);
	ck_assert_str_eq(query(db, &cq, buf, sizeof buf),
	    "msafiri-club,tamasha-live,nairobi-nights,masterclass-sauti");
	cq.sort = CATALOG_SORT_PRICE;
	ck_assert_int_eq(catalog_query(db, &cq, &l), NY_OK);
	ck_assert_int_eq(l.n, 4);
	for (int i = 0; i < l.n; i++)
		if (strcmp(l.items[i].slug, "msafiri-club") == 0)
			ck_assert_int_eq(l.items[i].sales, 10);
	catalog_list_free(&l);
	ck_assert_int_eq(db_exec(db, "UPDATE orders SET status = 'refunded'"
	    " WHERE id IN (2, 3)"), NY_OK);
	cq.sort = CATALOG_SORT_POPULAR;
	ck_assert_str_eq(query(db, &cq, buf, sizeof buf),
	    "tamasha-live,masterclass-sauti,nairobi-nights,msafiri-club");
	ck_assert_int_eq(db_exec(db, "UPDATE orders SET status = 'paid'"
	    " WHERE id = 2"), NY_OK);
	/* a search keeps its best match unless asked otherwise */
	cq.q = "live";
	cq.sort = CATALOG_SORT_DEFAULT;
	ck_assert_str_eq(query(db, &cq, buf, sizeof buf),
	    "tamasha-live,nairobi-nights,masterclass-sauti");
	cq.sort = CATALOG_SORT_NEW;
	ck_assert_str_eq(query(db, &cq, buf, sizeof buf),
	    "masterclass-sauti,tamasha-live,nairobi-nights");
	cq.sort = CATALOG_SORT_PRICE;
	ck_assert_str_eq(query(db, &cq, buf, sizeof buf),
	    "nairobi-nights,masterclass-sauti,tamasha-live");
	cq.sort = CATALOG_SORT_POPULAR;
	cq.kind = "webinar";
	ck_assert_str_eq(query(db, &cq, buf, sizeof buf), "masterclass-sauti");
	/* names */
	ck_assert(catalog_sort_parse(NULL, &s) && s == CATALOG_SORT_DEFAULT);
	ck_assert(catalog_sort_parse("", &s) && s == CATALOG_SORT_DEFAULT);
	ck_assert(catalog_sort_parse("new", &s) && s == CATALOG_SORT_NEW);
	ck_assert(catalog_sort_parse("price", &s) && s == CATALOG_SORT_PRICE);
	ck_assert(catalog_sort_parse("popular", &s) &&
	    s == CATALOG_SORT_POPULAR);
	ck_assert(!catalog_sort_parse("Price", &s));
	ck_assert(!catalog_sort_parse("cheap", &s));
	ck_assert_str_eq(catalog_sort_name(CATALOG_SORT_POPULAR), "popular");
	ck_assert_ptr_null(catalog_sort_name(CATALOG_SORT_DEFAULT));
	db_close(db);
}
END_TEST

START_TEST(tags_in_use_and_pwyw)
{
	struct db *db = seeded();
	struct catalog_tag tags[3];
	struct catalog_product *p;
	int n;

	ck_assert_int_eq(catalog_tags_in_use(db, tags, 3, &n), NY_OK);
	ck_assert_int_eq(n, 0);
	tag(db, 1, "music live");
	tag(db, 2, "stories live");
	tag(db, 3, "music live taarab");
	tag(db, 5, "secret");	/* a draft: not shown */
	tag(db, 7, "ghost");	/* a disabled creator: not shown */
	ck_assert_int_eq(catalog_tags_in_use(db, tags, 3, &n), NY_OK);
	ck_assert_int_eq(n, 3);
	ck_assert_str_eq(tags[0].tag, "live");
	ck_assert_int_eq(tags[0].products, 3);
	ck_assert_str_eq(tags[1].tag, "music");
	ck_assert_int_eq(tags[1].products, 2);
	ck_assert_str_eq(tags[2].tag, "stories");	/* ties: a–z */
	ck_assert_int_eq(catalog_tags_in_use(db, tags, 0, &n), NY_OK);
	ck_assert_int_eq(n, 0);
	/* pay what you want, as stored */
	ck_assert_int_eq(db_exec(db, "UPDATE products SET pwyw = 1,"
	    " suggested_minor = 70000 WHERE id = 1"), NY_OK);
	ck_assert_int_eq(catalog_product_by_slug(db, "nairobi-nights", &p),
	    NY_OK);
	ck_assert_int_eq(p->pwyw, 1);
	ck_assert_int_eq(p->suggested_minor, 70000);
	catalog_product_free(p);
	ck_assert_int_eq(catalog_product_by_slug(db, "msafiri-club", &p),
	    NY_OK);
	ck_assert_int_eq(p->pwyw, 0);
	ck_assert_int_eq(p->suggested_minor, -1);
	catalog_product_free(p);
	db_close(db);
}
END_TEST

/* --- import and export ------------------------------------------------ */

/* Writes a catalog of one product whose extra members are extra. */
static char *
doc(const char *extra)
{
	char *dir = tmp_path("doc"), *path = xasprintf("%s/catalog.json", dir);
	char *json = xasprintf("{\"version\": 1, \"creators\": [{\"handle\":"
	    " \"amani\", \"display_name\": \"Amani\", \"locale\": \"sw\"}],"
	    " \"products\": [{\"creator\": \"amani\", \"slug\": \"club\","
	    " \"kind\": \"subscription\", \"title\": \"Club\","
	    " \"price_minor\": 10000, \"currency\": \"KES\", \"status\":"
	    " \"published\", \"subscription\": {\"period_days\": 30}%s}]}",
	    extra);
	FILE *f;

	ck_assert_int_eq(ny_mkdirs(dir, 0700), NY_OK);
	ck_assert_ptr_nonnull(f = fopen(path, "w"));
	fputs(json, f);
	fclose(f);
	free(json);
	free(dir);
	return path;
}

/* Imports a document with extra; returns the refusal's cause or NULL. */
static char *
import(struct db *db, const char *extra, struct catalog_counts *n)
{
	char *path = doc(extra), *data = tmp_path("data"), *cause = NULL;
	enum ny_err rc = catalog_import(db, data, path, n, &cause);

	free(path);
	free(data);
	if (rc == NY_OK) {
		free(cause);
		return NULL;
	}
	ck_assert_ptr_nonnull(cause);
	return cause;
}

static void
refused(const char *extra, const char *want)
{
	struct db *db = test_db("tags-io", NULL);
	char *cause = import(db, extra, NULL);

	ck_assert_msg(cause != NULL && strstr(cause, want) != NULL,
	    "%s: got %s, want %s", extra, cause ? cause : "(imported)", want);
	ck_assert_int_eq(sql_int(db, "SELECT count(*) FROM products"), 0);
	ck_assert_int_eq(sql_int(db, "SELECT count(*) FROM product_tags"), 0);
	free(cause);
	db_close(db);
}

START_TEST(import_export_round_trip)
{
	struct db *db = test_db("tags-io", NULL), *db2 = test_db("tags-io", NULL);
	struct catalog_counts n;
	struct product_tags t;
	char *out = tmp_path("export"), *data = tmp_path("data");
	char *j = xasprintf("%s/catalog.json", out), *cause = NULL, *a, *b;
	char *j2 = xasprintf("%s/again.json", out);
	size_t len;

	ck_assert_ptr_null(import(db, ", \"tags\": [\"Music\", \"#live\","
	    " \"music\"], \"pwyw\": true, \"suggested_minor\": 25000", &n));
	ck_assert_int_eq(sql_int(db, "SELECT pwyw FROM products"), 1);
	ck_assert_int_eq(sql_int(db, "SELECT suggested_minor FROM products"),
	    25000);
	ck_assert_int_eq(product_tags_get(db, 1, &t), NY_OK);
	ck_assert_int_eq(t.n, 2);
	ck_assert_str_eq(t.tag[0], "live");
	ck_assert_str_eq(t.tag[1], "music");
	/* the same again changes nothing */
	ck_assert_ptr_null(import(db, ", \"tags\": [\"live\", \"music\"],"
	    " \"pwyw\": true, \"suggested_minor\": 25000", &n));
	ck_assert_int_eq(n.changes, 0);
	/* no "tags": kept; a different set: replaced */
	ck_assert_ptr_null(import(db, ", \"pwyw\": true,"
	    " \"suggested_minor\": 25000", &n));
	ck_assert_int_eq(n.changes, 0);
	ck_assert_int_eq(sql_int(db, "SELECT count(*) FROM product_tags"), 2);
	ck_assert_ptr_null(import(db, ", \"tags\": [\"live\"], \"pwyw\": true,"
	    " \"suggested_minor\": 25000", &n));
	ck_assert_int_eq(n.changes, 1);
	ck_assert_int_eq(sql_int(db, "SELECT count(*) FROM product_tags"), 1);
	ck_assert_ptr_null(import(db, ", \"tags\": [\"live\", \"music\"],"
	    " \"pwyw\": true, \"suggested_minor\": 25000", &n));
	/* export, import elsewhere, export again: the same document */
	ck_assert_int_eq(catalog_export(db, data, j, NULL, &cause), NY_OK);
	ck_assert_int_eq(ny_read_file(j, 1 << 20, &a, &len), NY_OK);
	ck_assert_ptr_nonnull(strstr(a, "\"pwyw\": true"));
	ck_assert_ptr_nonnull(strstr(a, "\"suggested_minor\": 25000"));
	ck_assert_ptr_nonnull(strstr(a, "\"tags\": [\n        \"live\",\n"
	    "        \"music\"\n      ]"));
	ck_assert_int_eq(catalog_import(db2, data, j, NULL, &cause), NY_OK);
	ck_assert_int_eq(catalog_export(db2, data, j2, NULL, &cause), NY_OK);
	ck_assert_int_eq(ny_read_file(j2, 1 << 20, &b, &len), NY_OK);
	ck_assert_str_eq(a, b);
	free(a);
	free(b);
	/* back to a fixed price: pwyw absent is false */
	ck_assert_ptr_null(import(db, "", &n));
	ck_assert_int_eq(sql_int(db, "SELECT pwyw FROM products"), 0);
	ck_assert_int_eq(sql_int(db, "SELECT suggested_minor IS NULL"
	    " FROM products"), 1);
	free(j);
	free(j2);
	free(out);
	free(data);
	db_close(db);
	db_close(db2);
}
END_TEST

START_TEST(import_refusals)
{
	refused(", \"tags\": \"music\"", "products[0].tags: expected an array");
	refused(", \"tags\": [\"music\", \"caf\\u00e9\"]",
	    "products[0].tags[1]: expected a tag");
	refused(", \"tags\": [\"a b\"]", "products[0].tags[0]: expected a tag");
	refused(", \"tags\": [7]", "products[0].tags[0]: expected a tag");
	refused(", \"tags\": [\"\"]", "products[0].tags[0]: expected a tag");
	refused(", \"tags\": [\"a\",\"b\",\"c\",\"d\",\"e\",\"f\",\"g\",\"h\","
	    "\"i\"]", "products[0].tags: at most 8 tags");
	refused(", \"pwyw\": \"yes\"", "products[0].pwyw:");
	refused(", \"pwyw\": true, \"suggested_minor\": 500",
	    "products[0].suggested_minor:");
	refused(", \"suggested_minor\": 50000", "products[0].suggested_minor:");
}
END_TEST

static Suite *
tags_suite(void)
{
	Suite *s = suite_create("tags");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, parse_folds_merges_and_sorts);
	tcase_add_test(tc, parse_refusals);
	tcase_add_test(tc, set_and_get);
	tcase_add_test(tc, filter_by_tag);
	tcase_add_test(tc, sort_orders);
	tcase_add_test(tc, tags_in_use_and_pwyw);
	tcase_add_test(tc, import_export_round_trip);
	tcase_add_test(tc, import_refusals);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return run_suite(tags_suite());
}
