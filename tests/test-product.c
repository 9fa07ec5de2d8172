/*
 * test-product: validation per kind, the upper limits and the messages of
 * the rules, create/update, slugs, status moves, files, listing with
 * sales, events, the catalog import's upserts, pay what you want.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "creator.h"
#include "db.h"
#include "product.h"
#include "product-tag.h"
#include "blob.h"
#include "i18n.h"
#include "testutil.h"

/* The rules' messages are looked up in the real locales. */
static void
load_locales(void)
{
	char *cause = NULL;

	ck_assert_msg(i18n_load(&cause) == NY_OK, "%s", cause ? cause : "");
}

static struct db *
open_db(char **path, int64_t *creator)
{
	struct db *db = test_db("product.db", path);

	ck_assert_int_eq(creator_add(db, "amani", NULL, NULL, creator), NY_OK);
	return db;
}

static void
set(char **dst, const char *s)
{
	free(*dst);
	*dst = xstrdup(s);
}

/* A valid product of the kind. */
static void
make(struct product *p, const char *kind, const char *slug, int64_t creator)
{
	product_init(p);
	p->creator_id = creator;
	snprintf(p->kind, sizeof p->kind, "%s", kind);
	snprintf(p->slug, sizeof p->slug, "%s", slug);
	set(&p->title, "Nairobi Nights — usiku");
	p->price_minor = 50000;
	if (strcmp(kind, "subscription") == 0)
		p->period_days = 30;
	if (strcmp(kind, "ticket") == 0) {
		p->starts_at = 1800000000;
		p->capacity = 100;
		set(&p->venue, "Kilimani");
	}
	if (strcmp(kind, "webinar") == 0) {
		p->starts_at = 1800000000;
		set(&p->join_url, "https://meet.example/x");
	}
}

/* p breaks a rule of field, whose message is in both locales. */
static void
expect_bad(struct product *p, const char *field)
{
	const struct product_rule *r = NULL;

	ck_assert_int_eq(product_validate(p, &r), NY_EINVAL);
	ck_assert_ptr_nonnull(r);
	ck_assert_str_eq(r->field, field);
	ck_assert_ptr_nonnull(r->why);
	ck_assert_str_ne(i18n_get("en", r->msgid), r->msgid);
	ck_assert_str_ne(i18n_get("sw", r->msgid), r->msgid);
	product_free(p);
}

START_TEST(validation_per_kind)
{
	static const char *kinds[] = { "download", "subscription", "ticket",
		"webinar", NULL };
	struct product p;

	for (int i = 0; kinds[i]; i++) {
		make(&p, kinds[i], "ok", 1);
		ck_assert_int_eq(product_validate(&p, NULL), NY_OK);
		product_free(&p);
	}
	make(&p, "download", "Bad Slug", 1);
	expect_bad(&p, "slug");
	make(&p, "download", "", 1);
	expect_bad(&p, "slug");
	make(&p, "ebook", "x", 1);
	expect_bad(&p, "kind");
	make(&p, "download", "x", 1);
	set(&p.title, "");
	expect_bad(&p, "title");
	make(&p, "download", "x", 1);
	p.title = xrealloc(p.title, 202);
	memset(p.title, 'a', 201);
	p.title[201] = '\0';
	expect_bad(&p, "title");
	make(&p, "download", "x", 1);
	set(&p.title, "bad\x01title");
	expect_bad(&p, "title");
	make(&p, "download", "x", 1);
	p.price_minor = -1;
	expect_bad(&p, "price_minor");
	make(&p, "download", "x", 1);
	snprintf(p.currency, sizeof p.currency, "EUR");
	expect_bad(&p, "currency");
	make(&p, "subscription", "x", 1);
	p.period_days = 0;
	expect_bad(&p, "period_days");
	make(&p, "download", "x", 1);
	p.period_days = 30;
	expect_bad(&p, "period_days");
	make(&p, "ticket", "x", 1);
	p.starts_at = 0;
	expect_bad(&p, "starts_at");
	make(&p, "ticket", "x", 1);
	p.capacity = -1;
	expect_bad(&p, "capacity");
	make(&p, "webinar", "x", 1);
	p.capacity = 10;
	expect_bad(&p, "capacity");
	make(&p, "webinar", "x", 1);
	p.starts_at = 0;
	expect_bad(&p, "starts_at");
	make(&p, "webinar", "x", 1);
	set(&p.join_url, "javascript:alert(1)");
	expect_bad(&p, "join_url");
	make(&p, "download", "x", 1);
	set(&p.venue, "somewhere");
	expect_bad(&p, "venue");
	make(&p, "download", "x", 1);
	p.download_limit = -1;
	expect_bad(&p, "download_limit");
	/* A webinar draft may leave the link for later. */
	make(&p, "webinar", "x", 1);
	set(&p.join_url, "");
	ck_assert_int_eq(product_validate(&p, NULL), NY_OK);
	product_free(&p);
}
END_TEST

/* Each bound is the last value taken; one past it is refused. */
START_TEST(upper_limits)
{
	static const struct {
		const char	*kind, *field;
		int64_t		 max;
	} lim[] = {
		{ "subscription", "period_days", 36500 },
		{ "ticket", "capacity", 10000000 },
		{ "download", "download_limit", 1000000 },
		{ "download", "price_minor", INT64_C(1) << 50 },
	};
	struct product p;

	for (size_t i = 0; i < sizeof lim / sizeof lim[0]; i++) {
		const struct product_rule *r = product_rule(lim[i].field);
		int64_t *v;

		ck_assert_ptr_nonnull(r);
		ck_assert_int_eq(r->max, lim[i].max);
		for (int past = 0; past <= 1; past++) {
			make(&p, lim[i].kind, "x", 1);
			v = strcmp(lim[i].field, "period_days") == 0 ?
			    &p.period_days : strcmp(lim[i].field, "capacity")
			    == 0 ? &p.capacity : strcmp(lim[i].field,
			    "download_limit") == 0 ? &p.download_limit :
			    &p.price_minor;
			*v = lim[i].max + past;
			if (past)
				expect_bad(&p, lim[i].field);
			else {
				ck_assert_int_eq(product_validate(&p, NULL),
				    NY_OK);
				product_free(&p);
			}
		}
	}
	/* No limit on downloads is 0, not a value below the rule's 1. */
	make(&p, "download", "x", 1);
	p.download_limit = 0;
	ck_assert_int_eq(product_validate(&p, NULL), NY_OK);
	product_free(&p);
}
END_TEST

/* v with thousands separators: 1000000 → "1,000,000". */
static void
with_commas(int64_t v, char *buf, size_t len)
{
	char digits[32];
	size_t n, o = 0;

	n = (size_t)snprintf(digits, sizeof digits, "%lld", (long long)v);
	for (size_t i = 0; i < n && o + 2 < len; i++) {
		if (i > 0 && (n - i) % 3 == 0)
			buf[o++] = ',';
		buf[o++] = digits[i];
	}
	buf[o] = '\0';
}

/*
 * Every rule has a message in both locales, and both texts of a bounded
 * integer rule state the bound it enforces (why "3650", the console
 * "3,650"), so the rule and its messages cannot drift apart.
 */
START_TEST(rule_messages)
{
	static const char *const fields[] = {
		"slug", "kind", "title", "summary", "story_md", "price_minor",
		"currency", "status", "cover_sha256", "download_limit",
		"period_days", "starts_at", "capacity", "venue", "join_url",
		"pwyw", "suggested_minor", NULL
	};
	char num[32];

	for (size_t i = 0; fields[i] != NULL; i++) {
		const struct product_rule *r = product_rule(fields[i]);

		ck_assert_msg(r != NULL, "no rule for %s", fields[i]);
		ck_assert_str_ne(i18n_get("en", r->msgid), r->msgid);
		ck_assert_str_ne(i18n_get("sw", r->msgid), r->msgid);
		if (r->max == 0 || r->max > INT32_MAX)
			continue;	/* price: a sanity bound, not a rule */
		snprintf(num, sizeof num, "%lld", (long long)r->max);
		ck_assert_msg(strstr(r->why, num) != NULL, "%s", r->why);
		with_commas(r->max, num, sizeof num);
		ck_assert_msg(strstr(i18n_get("en", r->msgid), num) != NULL,
		    "%s: %s", r->msgid, i18n_get("en", r->msgid));
		ck_assert_msg(strstr(i18n_get("sw", r->msgid), num) != NULL,
		    "%s: %s", r->msgid, i18n_get("sw", r->msgid));
	}
	ck_assert_ptr_null(product_rule("no_such_field"));
}
END_TEST

START_TEST(create_get_update)
{
	char *path;
	int64_t cid, id, id2;
	struct db *db = open_db(&path, &cid);
	struct product p, g;
	const char *field = NULL;

	make(&p, "ticket", "open-mic", cid);
	ck_assert_int_eq(product_create(db, &p, &id, &field), NY_OK);
	ck_assert_int_eq(product_create(db, &p, &id2, &field), NY_EEXISTS);
	ck_assert_str_eq(field, "slug");
	p.creator_id = 999;
	snprintf(p.slug, sizeof p.slug, "other");
	ck_assert_int_eq(product_create(db, &p, &id2, NULL), NY_ENOTFOUND);
	ck_assert_int_eq(product_get_by_id(db, id, &g), NY_OK);
	ck_assert_str_eq(g.slug, "open-mic");
	ck_assert_str_eq(g.kind, "ticket");
	ck_assert_str_eq(g.title, "Nairobi Nights — usiku");
	ck_assert_str_eq(g.status, "draft");
	ck_assert_str_eq(g.venue, "Kilimani");
	ck_assert_int_eq(g.capacity, 100);
	ck_assert_int_eq(g.starts_at, 1800000000);
	ck_assert_int_eq(g.period_days, 0);
	ck_assert_int_eq(g.published_at, 0);
	ck_assert_str_eq(g.join_url, "");
	/* Update */
	set(&g.title, "Open Mic");
	g.capacity = 0;
	g.price_minor = 0;
	ck_assert_int_eq(product_update(db, &g, NULL), NY_OK);
	product_free(&g);
	ck_assert_int_eq(product_get_by_slug(db, "open-mic", &g), NY_OK);
	ck_assert_str_eq(g.title, "Open Mic");
	ck_assert_int_eq(g.capacity, 0);
	g.price_minor = -5;
	field = NULL;
	ck_assert_int_eq(product_update(db, &g, &field), NY_EINVAL);
	ck_assert_str_eq(field, "price_minor");
	g.id = 999;
	g.price_minor = 1;
	ck_assert_int_eq(product_update(db, &g, NULL), NY_ENOTFOUND);
	product_free(&g);
	ck_assert_int_eq(product_get_by_slug(db, "nope", &g), NY_ENOTFOUND);
	ck_assert_int_eq(sql_int(db, "SELECT count(*) FROM events WHERE "
	    "kind = 'product'"), 2);
	/* Full-text index follows (trigger). */
	ck_assert_int_eq(sql_int(db, "SELECT count(*) FROM products_fts WHERE "
	    "products_fts MATCH 'open'"), 1);
	product_free(&p);
	db_close(db);
	free(path);
}
END_TEST

START_TEST(slugs)
{
	char *path;
	int64_t cid;
	struct db *db = open_db(&path, &cid);
	char slug[PRODUCT_SLUG_MAX + 1];
	struct product p;

	ck_assert_int_eq(product_slug_from_title(db, "Nairobi Nights!", slug),
	    NY_OK);
	ck_assert_str_eq(slug, "nairobi-nights");
	make(&p, "download", slug, cid);
	ck_assert_int_eq(product_create(db, &p, NULL, NULL), NY_OK);
	ck_assert_int_eq(product_slug_from_title(db, "  Nairobi -- nights ",
	    slug), NY_OK);
	ck_assert_str_eq(slug, "nairobi-nights-2");
	ck_assert_int_eq(product_slug_from_title(db, "Sauti za Pwani: Ep 1",
	    slug), NY_OK);
	ck_assert_str_eq(slug, "sauti-za-pwani-ep-1");
	ck_assert_int_eq(product_slug_from_title(db, "Ñ—é", slug), NY_OK);
	ck_assert(product_slug_ok(slug));
	ck_assert_int_eq(product_slug_from_title(db, "", slug), NY_OK);
	ck_assert_str_eq(slug, "product");
	ck_assert(product_slug_ok("a"));
	ck_assert(!product_slug_ok("a_b"));
	product_free(&p);
	db_close(db);
	free(path);
}
END_TEST

START_TEST(status_moves_and_files)
{
	char *path, *dir = tmp_path("data");
	int64_t cid, id, fid, fid2;
	struct db *db = open_db(&path, &cid);
	char sha[BLOB_SHA_LEN];
	struct product p, g;
	struct product_file *files, f;
	size_t n;

	make(&p, "download", "book", cid);
	ck_assert_int_eq(product_create(db, &p, &id, NULL), NY_OK);
	/* No file yet: a download cannot be published. */
	ck_assert_int_eq(product_set_status(db, id, "published"), NY_ESTATE);
	ck_assert_int_eq(blob_write_mem(dir, "hello", 5, "a.txt", sha, NULL),
	    NY_OK);
	ck_assert_int_eq(product_add_file(db, id, "a.txt", sha, &fid),
	    NY_ENOTFOUND);	/* no blob row yet */
	ck_assert_int_eq(blob_add(db, sha, 5, "text/plain"), NY_OK);
	ck_assert_int_eq(product_add_file(db, id, "a/b.txt", sha, NULL),
	    NY_EINVAL);
	ck_assert_int_eq(product_add_file(db, id, "..", sha, NULL), NY_EINVAL);
	ck_assert_int_eq(product_add_file(db, id, "a.txt", sha, &fid), NY_OK);
	ck_assert_int_eq(product_add_file(db, id, "a.txt", sha, NULL),
	    NY_EEXISTS);
	ck_assert_int_eq(product_add_file(db, id, "copy.txt", sha, &fid2),
	    NY_OK);
	ck_assert_int_eq(product_add_file(db, 999, "x.txt", sha, NULL),
	    NY_ENOTFOUND);
	ck_assert_int_eq(product_files(db, id, &files, &n), NY_OK);
	ck_assert_int_eq(n, 2);
	ck_assert_str_eq(files[0].name, "a.txt");
	ck_assert_int_eq(files[0].size, 5);
	ck_assert_str_eq(files[0].mime, "text/plain");
	ck_assert_int_lt(files[0].position, files[1].position);
	free(files);
	ck_assert_int_eq(product_file_by_id(db, fid2, &f), NY_OK);
	ck_assert_str_eq(f.name, "copy.txt");
	ck_assert_int_eq(product_remove_file(db, id, fid2), NY_OK);
	ck_assert_int_eq(product_remove_file(db, id, fid2), NY_ENOTFOUND);
	/* draft → published → archived → published; never back to draft. */
	ck_assert_int_eq(product_set_status(db, id, "bogus"), NY_EINVAL);
	ck_assert_int_eq(product_set_status(db, id, "published"), NY_OK);
	ck_assert_int_eq(product_get_by_id(db, id, &g), NY_OK);
	ck_assert_str_eq(g.status, "published");
	ck_assert_int_gt(g.published_at, 0);
	product_free(&g);
	ck_assert_int_eq(product_set_status(db, id, "published"), NY_OK);
	ck_assert_int_eq(product_set_status(db, id, "draft"), NY_ESTATE);
	ck_assert_int_eq(product_set_status(db, id, "archived"), NY_OK);
	ck_assert_int_eq(product_set_status(db, id, "draft"), NY_ESTATE);
	ck_assert_int_eq(product_set_status(db, id, "published"), NY_OK);
	ck_assert_int_eq(product_set_status(db, 999, "published"),
	    NY_ENOTFOUND);
	/* Tickets publish without files; drafts can be archived. */
	product_free(&p);
	make(&p, "ticket", "gig", cid);
	ck_assert_int_eq(product_create(db, &p, &id, NULL), NY_OK);
	ck_assert_int_eq(product_set_status(db, id, "archived"), NY_OK);
	ck_assert_int_eq(product_set_status(db, id, "published"), NY_OK);
	product_free(&p);
	db_close(db);
	free(path);
	free(dir);
}
END_TEST

START_TEST(list_with_sales)
{
	char *path;
	int64_t cid, a, b;
	struct db *db = open_db(&path, &cid);
	struct product p, *v;
	size_t n;

	make(&p, "ticket", "first", cid);
	ck_assert_int_eq(product_create(db, &p, &a, NULL), NY_OK);
	snprintf(p.slug, sizeof p.slug, "second");
	ck_assert_int_eq(product_create(db, &p, &b, NULL), NY_OK);
	ck_assert_int_eq(db_exec(db,
	    "INSERT INTO customers(phone, created_at) VALUES ('254712345678', 0);"
	    "INSERT INTO orders(ref, customer_id, product_id, amount_minor, "
	    "currency, status, created_at, updated_at, expires_at) VALUES "
	    "('r1', 1, 1, 50000, 'KES', 'paid', 0, 0, 0),"
	    "('r2', 1, 1, 50000, 'KES', 'paid', 0, 0, 0),"
	    "('r3', 1, 1, 50000, 'KES', 'failed', 0, 0, 0)"), NY_OK);
	test_order_lines(db);
	ck_assert_int_eq(product_list_by_creator(db, cid, &v, &n), NY_OK);
	ck_assert_int_eq(n, 2);
	ck_assert_str_eq(v[0].slug, "second");	/* newest first */
	ck_assert_int_eq(v[0].sales, 0);
	ck_assert_int_eq(v[1].sales, 2);
	ck_assert_int_eq(v[1].revenue_minor, 100000);
	product_list_free(v, n);
	ck_assert_int_eq(product_list_by_creator(db, 999, &v, &n), NY_OK);
	ck_assert_int_eq(n, 0);
	product_free(&p);
	db_close(db);
	free(path);
}
END_TEST

/* A new entry for product_set_files_tx. */
static struct product_file
newf(const char *name, const char *sha)
{
	struct product_file f;

	memset(&f, 0, sizeof f);
	snprintf(f.name, sizeof f.name, "%s", name);
	snprintf(f.sha256, sizeof f.sha256, "%s", sha);
	return f;
}

static void
expect_names(struct db *db, int64_t id, const char *want)
{
	struct product_file *files;
	char got[512] = "";
	size_t n, i;

	ck_assert_int_eq(product_files(db, id, &files, &n), NY_OK);
	for (i = 0; i < n; i++) {
		ck_assert_int_eq(files[i].position, (int64_t)i);
		strncat(got, files[i].name, sizeof got - strlen(got) - 2);
		strncat(got, ",", sizeof got - strlen(got) - 1);
	}
	free(files);
	ck_assert_str_eq(got, want);
}

START_TEST(replace_files)
{
	char *path, *dir = tmp_path("data");
	int64_t cid, id, other, ids[3];
	struct db *db = open_db(&path, &cid);
	char a[BLOB_SHA_LEN], b[BLOB_SHA_LEN];
	struct product_file v[4], *files;
	struct product p;
	size_t n, bad;

	ck_assert_int_eq(blob_write_mem(dir, "aaaa", 4, "a.txt", a, NULL),
	    NY_OK);
	ck_assert_int_eq(blob_write_mem(dir, "bbbbbb", 6, "b.txt", b, NULL),
	    NY_OK);
	ck_assert_int_eq(blob_add(db, a, 4, "text/plain"), NY_OK);
	ck_assert_int_eq(blob_add(db, b, 6, "text/plain"), NY_OK);
	make(&p, "download", "pack", cid);
	/* Product and files saved together. */
	v[0] = newf("one.txt", a);
	v[1] = newf("two.txt", b);
	v[2] = newf("three.txt", a);
	ck_assert_int_eq(product_save(db, &p, v, 3, &id, NULL, &bad), NY_OK);
	expect_names(db, id, "one.txt,two.txt,three.txt,");
	ck_assert_int_eq(product_files(db, id, &files, &n), NY_OK);
	for (size_t i = 0; i < 3; i++)
		ids[i] = files[i].id;
	free(files);
	/* Reorder, drop one, add one that takes a dropped name. */
	memset(v, 0, sizeof v);
	v[0].id = ids[2];
	v[1].id = ids[0];
	v[2] = newf("two.txt", a);
	p.id = id;
	ck_assert_int_eq(product_save(db, &p, v, 3, NULL, NULL, &bad), NY_OK);
	expect_names(db, id, "three.txt,one.txt,two.txt,");
	ck_assert_int_eq(product_files(db, id, &files, &n), NY_OK);
	ck_assert_int_eq(files[0].id, ids[2]);	/* kept, not copied */
	ck_assert_int_ne(files[2].id, ids[1]);
	ck_assert_str_eq(files[2].sha256, a);
	free(files);
	/* The same name twice: nothing is written, bad names the later. */
	v[3] = newf("one.txt", b);
	set(&p.title, "Renamed");
	ck_assert_int_eq(product_save(db, &p, v, 4, NULL, NULL, &bad),
	    NY_EEXISTS);
	ck_assert_int_eq(bad, 3);
	expect_names(db, id, "three.txt,one.txt,two.txt,");
	{
		struct product g;

		ck_assert_int_eq(product_get_by_id(db, id, &g), NY_OK);
		ck_assert_str_ne(g.title, "Renamed");	/* rolled back */
		product_free(&g);
	}
	/* Bad names and blobs, and another product's file. */
	v[0] = newf("a/b.txt", a);
	ck_assert_int_eq(product_save(db, &p, v, 1, NULL, NULL, &bad),
	    NY_EINVAL);
	ck_assert_int_eq(bad, 0);
	v[0] = newf("x.txt", "0000000000000000000000000000000000000000000000000000000000000000");
	ck_assert_int_eq(product_save(db, &p, v, 1, NULL, NULL, &bad),
	    NY_ENOTFOUND);
	snprintf(p.slug, sizeof p.slug, "other");
	p.id = 0;
	ck_assert_int_eq(product_save(db, &p, NULL, 0, &other, NULL, NULL),
	    NY_OK);
	memset(v, 0, sizeof v);
	v[0].id = ids[0];
	p.id = other;
	ck_assert_int_eq(product_save(db, &p, v, 1, NULL, NULL, &bad),
	    NY_ENOTFOUND);
	expect_names(db, other, "");
	/* A downloaded file stays (the buyer's history points at it). */
	ck_assert_int_eq(db_exec(db,
	    "INSERT INTO customers(phone, created_at) VALUES ('254712345678', 0);"
	    "INSERT INTO orders(ref, customer_id, product_id, amount_minor, "
	    "currency, status, created_at, updated_at, expires_at) VALUES "
	    "('r1', 1, 1, 50000, 'KES', 'paid', 0, 0, 0);"
	    "INSERT INTO entitlements(customer_id, product_id, order_id, "
	    "starts_at) VALUES (1, 1, 1, 0);"), NY_OK);
	{
		char *sql = xasprintf("INSERT INTO downloads(entitlement_id, "
		    "file_id, at) VALUES (1, %lld, 0)", (long long)ids[0]);

		ck_assert_int_eq(db_exec(db, sql), NY_OK);
		free(sql);
	}
	p.id = id;
	snprintf(p.slug, sizeof p.slug, "pack");
	ck_assert_int_eq(db_begin(db), NY_OK);
	ck_assert_int_eq(product_set_files_tx(db, id, NULL, 0, &bad),
	    NY_ESTATE);
	db_rollback(db);
	expect_names(db, id, "three.txt,one.txt,two.txt,");
	/* Empty list: a draft download may have none, publishing refuses. */
	ck_assert_int_eq(product_save(db, &p, v, 1, NULL, NULL, &bad), NY_OK);
	expect_names(db, id, "one.txt,");
	ck_assert_int_eq(product_save(db, &p, NULL, 0, NULL, NULL, &bad),
	    NY_OK);	/* NULL: files left alone */
	expect_names(db, id, "one.txt,");
	product_free(&p);
	db_close(db);
	free(path);
	free(dir);
}
END_TEST

/*
 * The catalog import's upserts write only what differs and say how many
 * rows they changed: a second import of the same product changes none.
 */
START_TEST(import_upserts)
{
	char *path, *dir = tmp_path("data");
	int64_t cid, other;
	struct db *db = open_db(&path, &cid);
	char sha[BLOB_SHA_LEN];
	struct product p, g;
	size_t changes = 0;

	ck_assert_int_eq(creator_add(db, "baraka", NULL, NULL, &other), NY_OK);
	ck_assert_int_eq(blob_write_mem(dir, "hello", 5, "a.txt", sha, NULL),
	    NY_OK);
	ck_assert_int_eq(blob_add(db, sha, 5, "text/plain"), NY_OK);
	make(&p, "download", "book", cid);
	snprintf(p.status, sizeof p.status, "published");
	ck_assert_int_eq(db_begin(db), NY_OK);
	ck_assert_int_eq(product_import_tx(db, &p, &changes), NY_OK);
	ck_assert_int_gt(p.id, 0);
	ck_assert_str_eq(p.status, "published");	/* p kept as given */
	ck_assert_int_eq(product_import_file_tx(db, p.id, "a.txt", sha, 0,
	    &changes), NY_OK);
	ck_assert_int_eq(product_import_status_tx(db, p.id, p.status,
	    &changes), NY_OK);
	ck_assert_int_eq(db_commit(db), NY_OK);
	ck_assert_int_eq(changes, 3);
	ck_assert_int_eq(product_get_by_id(db, p.id, &g), NY_OK);
	ck_assert_str_eq(g.status, "published");
	ck_assert_int_gt(g.published_at, 0);
	product_free(&g);
	/* The same again: nothing written. */
	changes = 0;
	ck_assert_int_eq(db_begin(db), NY_OK);
	ck_assert_int_eq(product_import_tx(db, &p, &changes), NY_OK);
	ck_assert_int_eq(product_import_file_tx(db, p.id, "a.txt", sha, 0,
	    &changes), NY_OK);
	ck_assert_int_eq(product_import_status_tx(db, p.id, p.status,
	    &changes), NY_OK);
	ck_assert_int_eq(db_commit(db), NY_OK);
	ck_assert_int_eq(changes, 0);
	/* A new title and creator, the file moved: three rows. */
	set(&p.title, "Kitabu");
	p.creator_id = other;
	ck_assert_int_eq(db_begin(db), NY_OK);
	ck_assert_int_eq(product_import_tx(db, &p, &changes), NY_OK);
	ck_assert_int_eq(product_import_file_tx(db, p.id, "a.txt", sha, 1,
	    &changes), NY_OK);
	ck_assert_int_eq(product_import_status_tx(db, p.id, "bogus",
	    &changes), NY_EINVAL);
	ck_assert_int_eq(product_import_file_tx(db, p.id, "a/b", sha, 2,
	    &changes), NY_EINVAL);
	ck_assert_int_eq(db_commit(db), NY_OK);
	ck_assert_int_eq(changes, 3);
	ck_assert_int_eq(product_get_by_id(db, p.id, &g), NY_OK);
	ck_assert_str_eq(g.title, "Kitabu");
	ck_assert_int_eq(g.creator_id, other);
	product_free(&g);
	/* An invalid product is refused by the rules, as everywhere. */
	p.period_days = 30;
	ck_assert_int_eq(db_begin(db), NY_OK);
	ck_assert_int_eq(product_import_tx(db, &p, &changes), NY_EINVAL);
	db_rollback(db);
	product_free(&p);
	db_close(db);
	free(path);
	free(dir);
}
END_TEST

/*
 * Pay what you want: price_minor is the minimum (0 allowed), the
 * suggested amount is optional but never below it, and only pwyw has
 * one. Both fields survive every write and read path.
 */
START_TEST(pay_what_you_want)
{
	char *path;
	int64_t cid, id;
	struct db *db = open_db(&path, &cid);
	struct product p, g, *v = NULL;
	struct product_tags tags;
	const char *field = NULL;
	size_t n = 0, changes = 0;

	make(&p, "download", "gift", cid);
	ck_assert_int_eq(p.suggested_minor, -1);	/* product_init */
	ck_assert_int_eq(product_validate(&p, NULL), NY_OK);
	/* A suggested amount without pay what you want. */
	p.suggested_minor = 60000;
	expect_bad(&p, "suggested_minor");
	make(&p, "download", "gift", cid);
	p.pwyw = 1;
	p.suggested_minor = 49999;		/* below the minimum 50000 */
	expect_bad(&p, "suggested_minor");
	make(&p, "download", "gift", cid);
	p.pwyw = 2;
	expect_bad(&p, "pwyw");
	make(&p, "download", "gift", cid);
	p.pwyw = 1;
	p.price_minor = -1;
	expect_bad(&p, "price_minor");
	make(&p, "download", "gift", cid);
	p.pwyw = 1;
	p.suggested_minor = PRODUCT_PRICE_MAX + 1;
	expect_bad(&p, "suggested_minor");
	/* The messages differ: "below the minimum" is not "only pwyw". */
	ck_assert_str_ne(product_rule("suggested_minor")->msgid,
	    "product.rule.suggested_fixed");
	/* Minimum 0 (free, gifts welcome), suggested = the minimum, none. */
	make(&p, "download", "gift", cid);
	p.pwyw = 1;
	p.price_minor = 0;
	p.suggested_minor = 0;
	ck_assert_int_eq(product_validate(&p, NULL), NY_OK);
	p.suggested_minor = -1;
	ck_assert_int_eq(product_validate(&p, NULL), NY_OK);
	/* Round trip: create, get, list, update, the import. */
	p.price_minor = 5000;
	p.suggested_minor = 20000;
	ck_assert_int_eq(product_create(db, &p, &id, &field), NY_OK);
	ck_assert_int_eq(sql_int(db, "SELECT count(*) FROM products WHERE "
	    "pwyw = 1 AND price_minor = 5000 AND suggested_minor = 20000"), 1);
	ck_assert_int_eq(product_get_by_id(db, id, &g), NY_OK);
	ck_assert_int_eq(g.pwyw, 1);
	ck_assert_int_eq(g.price_minor, 5000);
	ck_assert_int_eq(g.suggested_minor, 20000);
	ck_assert_int_eq(product_list_by_creator(db, cid, &v, &n), NY_OK);
	ck_assert_uint_eq(n, 1);
	ck_assert_int_eq(v[0].pwyw, 1);
	ck_assert_int_eq(v[0].suggested_minor, 20000);
	product_list_free(v, n);
	/* Back to a fixed price: suggested must go, and NULL is stored. */
	g.pwyw = 0;
	field = NULL;
	ck_assert_int_eq(product_update(db, &g, &field), NY_EINVAL);
	ck_assert_str_eq(field, "suggested_minor");
	g.suggested_minor = -1;
	ck_assert_int_eq(product_update(db, &g, NULL), NY_OK);
	ck_assert_int_eq(sql_int(db, "SELECT count(*) FROM products WHERE "
	    "pwyw = 0 AND suggested_minor IS NULL"), 1);
	product_free(&g);
	ck_assert_int_eq(product_get_by_slug(db, "gift", &g), NY_OK);
	ck_assert_int_eq(g.pwyw, 0);
	ck_assert_int_eq(g.suggested_minor, -1);
	product_free(&g);
	/* The import writes pwyw when it differs, and only then. */
	ck_assert_int_eq(db_begin(db), NY_OK);
	ck_assert_int_eq(product_import_tx(db, &p, &changes), NY_OK);
	ck_assert_int_eq(db_commit(db), NY_OK);
	ck_assert_uint_eq(changes, 1);
	changes = 0;
	ck_assert_int_eq(db_begin(db), NY_OK);
	ck_assert_int_eq(product_import_tx(db, &p, &changes), NY_OK);
	ck_assert_int_eq(db_commit(db), NY_OK);
	ck_assert_uint_eq(changes, 0);
	ck_assert_int_eq(product_get_by_slug(db, "gift", &g), NY_OK);
	ck_assert_int_eq(g.pwyw, 1);
	ck_assert_int_eq(g.suggested_minor, 20000);
	/* The wizard's save: product and tags in one transaction; a
	 * product refused by the rules writes no tags either. */
	ck_assert_int_eq(product_tags_parse("Live, music", &tags, NULL), NY_OK);
	ck_assert_int_eq(product_save_tags(db, &g, NULL, 0, &tags, &id, NULL,
	    NULL), NY_OK);
	ck_assert_int_eq(sql_int(db, "SELECT count(*) FROM product_tags"), 2);
	ck_assert_int_eq(product_tags_parse("solo", &tags, NULL), NY_OK);
	g.suggested_minor = 1;			/* under the minimum */
	field = NULL;
	ck_assert_int_eq(product_save_tags(db, &g, NULL, 0, &tags, &id,
	    &field, NULL), NY_EINVAL);
	ck_assert_str_eq(field, "suggested_minor");
	ck_assert_int_eq(sql_int(db, "SELECT count(*) FROM product_tags "
	    "WHERE tag IN ('live', 'music')"), 2);
	product_free(&g);
	product_free(&p);
	db_close(db);
	free(path);
}
END_TEST

static Suite *
product_suite(void)
{
	Suite *s = suite_create("product");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, load_locales, NULL);
	tcase_add_test(tc, validation_per_kind);
	tcase_add_test(tc, upper_limits);
	tcase_add_test(tc, rule_messages);
	tcase_add_test(tc, create_get_update);
	tcase_add_test(tc, slugs);
	tcase_add_test(tc, status_moves_and_files);
	tcase_add_test(tc, list_with_sales);
	tcase_add_test(tc, replace_files);
	tcase_add_test(tc, import_upserts);
	tcase_add_test(tc, pay_what_you_want);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return run_suite(product_suite());
}
