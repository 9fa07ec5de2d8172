/*
 * test-catalog-io: import → export → import round trip, idempotent
 * re-import, malformed documents refused with their JSON path and no
 * change (the product rules and limits are product_validate's), on the
 * demo catalog (scripts/demo/catalog.json); covers and avatars checked as
 * images, measured, exported and imported again.
 */
#include <check.h>
#include <jansson.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "catalog-io.h"
#include "db.h"
#include "product.h"
#include "testutil.h"

static char demo_dir[PATH_MAX];

static void
setup(void)
{
	const char *src = getenv("NYOTA_SRC");
	char rel[PATH_MAX];

	/* Absolute: the variants link to it from other folders. */
	snprintf(rel, sizeof rel, "%s/scripts/demo", src ? src : ".");
	ck_assert_ptr_nonnull(realpath(rel, demo_dir));
	ny_clock_set(0);
}

static struct db *
open_db(void)
{
	return test_db("cio.db", NULL);
}

static char *
demo_json(void)
{
	return xasprintf("%s/catalog.json", demo_dir);
}

static void
import_ok(struct db *db, const char *data, const char *json,
    struct catalog_counts *n)
{
	char *cause = NULL;
	int rc = catalog_import(db, data, json, n, &cause);

	ck_assert_msg(rc == NY_OK, "import %s: %s", json, cause);
}

static char *
slurp(const char *path)
{
	char *s = NULL;
	size_t len;

	ck_assert_int_eq(ny_read_file(path, 1 << 24, &s, &len), NY_OK);
	return s;
}

/* A digest of everything import touches, to prove nothing changed. */
static char *
snapshot(struct db *db)
{
	sqlite3_stmt *st = db_stmt(db, "SELECT (SELECT coalesce(max(seq), 0) "
	    "FROM events) || '|' || (SELECT group_concat(id || slug || title || "
	    "status || price_minor || updated_at, ',') FROM products) || '|' || "
	    "(SELECT group_concat(id || name || sha256 || position, ',') FROM "
	    "product_files) || '|' || (SELECT group_concat(id || handle || "
	    "locale || display_name, ',') FROM creators) || '|' || (SELECT "
	    "group_concat(id || body_en || enabled, ',') FROM automations) || "
	    "'|' || (SELECT count(*) FROM blobs)");
	char *s;

	ck_assert_int_eq(sqlite3_step(st), SQLITE_ROW);
	s = db_col_str(st, 0);
	sqlite3_reset(st);
	return s;
}

START_TEST(round_trip)
{
	struct db *db1 = open_db(), *db2 = open_db();
	char *data1 = tmp_path("data"), *data2 = tmp_path("data");
	char *out1 = tmp_path("export"), *out2 = tmp_path("export");
	char *j1 = xasprintf("%s/catalog.json", out1);
	char *j2 = xasprintf("%s/catalog.json", out2);
	char *cause = NULL, *a, *b, *demo = demo_json(), *f1, *f2, *p1, *p2;
	struct catalog_counts n;

	import_ok(db1, data1, demo, &n);
	ck_assert_int_eq(n.creators, 2);
	ck_assert_int_eq(n.products, 4);
	ck_assert_int_ge(n.files, 3);
	ck_assert_int_gt(n.changes, 0);
	ck_assert_int_eq(catalog_export(db1, data1, j1, &n, &cause), NY_OK);
	ck_assert_int_eq(n.products, 4);
	import_ok(db2, data2, j1, NULL);
	ck_assert_int_eq(catalog_export(db2, data2, j2, NULL, &cause), NY_OK);
	a = slurp(j1);
	b = slurp(j2);
	ck_assert_str_eq(a, b);
	/* Times are normalised to UTC, files copied next to the JSON. */
	ck_assert_ptr_nonnull(strstr(a, "\"starts_at\": \"2027-01-15T15:00:00Z\""));
	ck_assert_ptr_nonnull(strstr(a, "files/nairobi-nights/nairobi-nights.pdf"));
	p1 = xasprintf("%s/files/nairobi-nights/nairobi-nights.pdf", out1);
	p2 = xasprintf("%s/files/nairobi-nights.pdf", demo_dir);
	f1 = slurp(p1);
	f2 = slurp(p2);
	ck_assert_str_eq(f1, f2);
	ck_assert_ptr_null(strstr(a, "totp"));
	free(a); free(b); free(f1); free(f2); free(p1); free(p2);
	free(j1); free(j2); free(out1); free(out2); free(data1); free(data2);
	free(demo);
	db_close(db1);
	db_close(db2);
}
END_TEST

START_TEST(import_twice_idempotent)
{
	struct db *db = open_db();
	char *data = tmp_path("data"), *demo = demo_json(), *s1, *s2;
	struct catalog_counts n;
	struct product p;
	int64_t id, when;

	import_ok(db, data, demo, &n);
	ck_assert_int_eq(product_get_by_slug(db, "open-mic-kilimani", &p), NY_OK);
	id = p.id;
	ck_assert_str_eq(p.status, "published");
	ck_assert_int_eq(p.capacity, 120);
	ck_assert_int_gt(p.published_at, 0);
	ck_assert_int_eq(ny_parse_iso8601("2027-01-15T15:00:00Z", &when), NY_OK);
	ck_assert_int_eq(p.starts_at, when);
	product_free(&p);
	s1 = snapshot(db);
	ny_clock_set(ny_now() + 3600);	/* any write would show in updated_at */
	import_ok(db, data, demo, &n);
	ck_assert_int_eq(n.changes, 0);
	s2 = snapshot(db);
	ck_assert_str_eq(s1, s2);
	ck_assert_int_eq(product_get_by_slug(db, "open-mic-kilimani", &p), NY_OK);
	ck_assert_int_eq(p.id, id);
	product_free(&p);
	ck_assert_int_eq(sql_int(db, "SELECT count(*) FROM automations"), 2);
	free(s1); free(s2); free(data); free(demo);
	db_close(db);
}
END_TEST

/*
 * Writes a variant of the demo catalog into a fresh folder that links to
 * the demo's files; edit changes the parsed document first.
 */
static char *
variant(void (*edit)(json_t *))
{
	char *dir = tmp_path("variant"), *p, *t, *demo = demo_json();
	json_error_t err;
	json_t *doc = json_load_file(demo, 0, &err);

	ck_assert_ptr_nonnull(doc);
	ck_assert_int_eq(mkdir(dir, 0755), 0);
	for (int i = 0; i < 2; i++) {
		const char *sub = i ? "covers" : "files";

		p = xasprintf("%s/%s", dir, sub);
		t = xasprintf("%s/%s", demo_dir, sub);
		ck_assert_int_eq(symlink(t, p), 0);
		free(p);
		free(t);
	}
	edit(doc);
	p = xasprintf("%s/catalog.json", dir);
	ck_assert_int_eq(json_dump_file(doc, p, JSON_INDENT(1)), 0);
	json_decref(doc);
	free(dir);
	free(demo);
	return p;
}

static json_t *
prod(json_t *doc, size_t i)
{
	return json_array_get(json_object_get(doc, "products"), i);
}

/* Every bad variant also retitles products[0]: that must not land. */
static void
retitle(json_t *doc)
{
	json_object_set_new(prod(doc, 0), "title", json_string("CHANGED"));
}

static void
bad_capacity(json_t *doc)
{
	retitle(doc);
	json_object_set_new(json_object_get(prod(doc, 2), "event"), "capacity",
	    json_string("ten"));
}

/* The limits are product_validate's, the same as the console's wizard. */
static void
bad_capacity_limit(json_t *doc)
{
	retitle(doc);
	json_object_set_new(json_object_get(prod(doc, 2), "event"), "capacity",
	    json_integer(PRODUCT_CAPACITY_MAX + 1));
}

static void
bad_period_limit(json_t *doc)
{
	retitle(doc);
	json_object_set_new(json_object_get(prod(doc, 1), "subscription"),
	    "period_days", json_integer(PRODUCT_PERIOD_MAX + 1));
}

static void
bad_download_limit(json_t *doc)
{
	retitle(doc);
	json_object_set_new(prod(doc, 0), "download_limit", json_integer(0));
}

/* A rule product_validate applies: the cause names the JSON path. */
static void
bad_join_url(json_t *doc)
{
	retitle(doc);
	json_object_set_new(json_object_get(prod(doc, 3), "webinar"),
	    "join_url", json_string("ftp://example.com/x"));
}

static void
bad_title(json_t *doc)
{
	retitle(doc);
	json_object_set_new(prod(doc, 1), "title", json_string(""));
}

static void
bad_file(json_t *doc)
{
	retitle(doc);
	json_object_set_new(json_array_get(json_object_get(prod(doc, 1),
	    "files"), 1), "path", json_string("files/missing.txt"));
}

static void
bad_kind(json_t *doc)
{
	retitle(doc);
	json_object_set_new(prod(doc, 3), "kind", json_string("ebook"));
}

static void
bad_price(json_t *doc)
{
	retitle(doc);
	json_object_set_new(prod(doc, 3), "price_minor", json_integer(-1));
}

static void
bad_float_price(json_t *doc)
{
	retitle(doc);
	json_object_set_new(prod(doc, 3), "price_minor", json_real(12.5));
}

static void
bad_escape(json_t *doc)
{
	retitle(doc);
	json_object_set_new(json_array_get(json_object_get(prod(doc, 0),
	    "files"), 0), "path", json_string("../catalog.json"));
}

static void
bad_creator(json_t *doc)
{
	retitle(doc);
	json_object_set_new(prod(doc, 3), "creator", json_string("ghost"));
}

static void
bad_kind_object(json_t *doc)
{
	retitle(doc);
	json_object_set_new(prod(doc, 0), "webinar", json_object());
}

static void
bad_unknown_field(json_t *doc)
{
	retitle(doc);
	json_object_set_new(json_array_get(json_object_get(doc, "creators"), 1),
	    "colour", json_string("blue"));
}

static void
bad_missing_period(json_t *doc)
{
	retitle(doc);
	json_object_del(json_object_get(prod(doc, 1), "subscription"),
	    "period_days");
}

/* before_start does not suit a subscription (it has no start). */
static void
bad_auto_trigger(json_t *doc)
{
	retitle(doc);
	json_object_set_new(json_array_get(json_object_get(prod(doc, 1),
	    "automations"), 1), "trigger", json_string("before_start"));
}

static json_t *
creator_at(json_t *doc, size_t i)
{
	return json_array_get(json_object_get(doc, "creators"), i);
}

/* A PDF named as a cover: refused by its bytes, not its name. */
static void
bad_cover_image(json_t *doc)
{
	retitle(doc);
	json_object_set_new(prod(doc, 2), "cover",
	    json_string("files/nairobi-nights.pdf"));
}

static void
bad_avatar_image(json_t *doc)
{
	retitle(doc);
	json_object_set_new(creator_at(doc, 0), "avatar",
	    json_string("files/karibu.txt"));
}

static void
bad_avatar_missing(json_t *doc)
{
	retitle(doc);
	json_object_set_new(creator_at(doc, 1), "avatar",
	    json_string("covers/none.png"));
}

static void
bad_avatar_escape(json_t *doc)
{
	retitle(doc);
	json_object_set_new(creator_at(doc, 1), "avatar",
	    json_string("/etc/passwd"));
}

static void
good_avatar(json_t *doc)
{
	json_object_set_new(creator_at(doc, 1), "avatar",
	    json_string("covers/open-mic-kilimani.png"));
}

static void
good_edit(json_t *doc)
{
	retitle(doc);
}

static const struct {
	void		(*edit)(json_t *);
	const char	*cause;
} bad_docs[] = {
	{ bad_capacity, "products[2].event.capacity: expected an integer ≥ 0, "
	    "at most 10000000" },
	{ bad_capacity_limit, "products[2].event.capacity: expected an "
	    "integer ≥ 0, at most 10000000" },
	{ bad_period_limit, "products[1].subscription.period_days: expected "
	    "an integer ≥ 1, at most 36500" },
	{ bad_download_limit, "products[0].download_limit: expected an "
	    "integer ≥ 1, at most 1000000" },
	{ bad_join_url, "products[3].webinar.join_url: expected an http(s):// "
	    "URL" },
	{ bad_title, "products[1].title: expected 1–200 characters of text" },
	{ bad_file, "products[1].files[1].path: no such file" },
	{ bad_kind, "products[3].kind: expected download" },
	{ bad_price, "products[3].price_minor: expected an integer ≥ 0" },
	{ bad_float_price, "products[3].price_minor: expected an integer ≥ 0" },
	{ bad_escape, "products[0].files[0].path: \"..\" is not allowed" },
	{ bad_creator, "products[3].creator: no creator \"ghost\"" },
	{ bad_kind_object, "products[0].webinar: only for kind \"webinar\"" },
	{ bad_unknown_field, "creators[1].colour: unknown field" },
	{ bad_missing_period, "products[1].subscription.period_days: missing" },
	{ bad_auto_trigger, "products[1].automations[1].trigger: before_start "
	    "does not suit a subscription product" },
	{ bad_cover_image, "products[2].cover: files/nairobi-nights.pdf: not a "
	    "PNG, JPEG or WebP image" },
	{ bad_avatar_image, "creators[0].avatar: files/karibu.txt: not a PNG, "
	    "JPEG or WebP image" },
	{ bad_avatar_missing, "creators[1].avatar: no such file" },
	{ bad_avatar_escape, "creators[1].avatar: expected a relative path" },
};

START_TEST(malformed_changes_nothing)
{
	struct db *db = open_db();
	char *data = tmp_path("data"), *demo = demo_json(), *before, *after;
	char *cause = NULL, *path;
	struct product p;

	import_ok(db, data, demo, NULL);
	before = snapshot(db);
	for (size_t i = 0; i < sizeof bad_docs / sizeof bad_docs[0]; i++) {
		path = variant(bad_docs[i].edit);
		cause = NULL;
		ck_assert_int_eq(catalog_import(db, data, path, NULL, &cause),
		    NY_EINVAL);
		ck_assert_msg(strncmp(cause, bad_docs[i].cause,
		    strlen(bad_docs[i].cause)) == 0, "case %zu: got \"%s\"", i,
		    cause);
		free(cause);
		after = snapshot(db);
		ck_assert_str_eq(before, after);
		free(after);
		free(path);
	}
	/* Syntax errors name the line. */
	path = tmp_path("broken.json");
	{
		FILE *f = fopen(path, "w");

		fputs("{\"version\": 1,\n \"creators\": [,]}", f);
		fclose(f);
	}
	ck_assert_int_eq(catalog_import(db, data, path, NULL, &cause),
	    NY_EINVAL);
	ck_assert_msg(strncmp(cause, "line 2", 6) == 0, "%s", cause);
	free(cause);
	free(path);
	/* And the same edit without the error goes through. */
	path = variant(good_edit);
	import_ok(db, data, path, NULL);
	ck_assert_int_eq(product_get_by_slug(db, "nairobi-nights", &p), NY_OK);
	ck_assert_str_eq(p.title, "CHANGED");
	product_free(&p);
	free(path);
	free(before);
	free(data);
	free(demo);
	db_close(db);
}
END_TEST

START_TEST(validate_only)
{
	char *cause = NULL;
	static const char ok[] = "{\"version\":1,\"creators\":[{\"handle\":"
	    "\"amani\"}],\"products\":[{\"creator\":\"amani\",\"slug\":\"x\","
	    "\"kind\":\"webinar\",\"title\":\"T\",\"price_minor\":0,"
	    "\"currency\":\"KES\",\"webinar\":{\"starts_at\":"
	    "\"2027-02-03T17:00:00+03:00\"}}]}";
	static const char v2[] = "{\"version\":2}";

	ck_assert_int_eq(catalog_validate(ok, sizeof ok - 1, ".", 0, &cause),
	    NY_OK);
	ck_assert_int_eq(catalog_validate(v2, sizeof v2 - 1, ".", 0, &cause),
	    NY_EINVAL);
	ck_assert_str_eq(cause, "$.version: expected 1");
	free(cause);
	cause = NULL;
	ck_assert_int_eq(catalog_validate("[]", 2, ".", 0, &cause), NY_EINVAL);
	ck_assert_str_eq(cause, "$: expected an object");
	free(cause);
}
END_TEST

START_TEST(pictures)
{
	struct db *db1 = open_db(), *db2 = open_db();
	char *data1 = tmp_path("data"), *data2 = tmp_path("data");
	char *out = tmp_path("export"), *j = xasprintf("%s/catalog.json", out);
	char *path = variant(good_avatar), *cause = NULL, *a, *av;
	struct catalog_counts n;

	import_ok(db1, data1, path, NULL);
	/* Covers and the avatar are measured images (the demo's are 96×64). */
	ck_assert_int_eq(sql_int(db1, "SELECT count(*) FROM products p JOIN "
	    "blobs b ON b.sha256 = p.cover_sha256 WHERE b.width = 96 AND "
	    "b.height = 64 AND b.mime = 'image/png'"), 4);
	ck_assert_int_eq(sql_int(db1, "SELECT count(*) FROM creators c JOIN "
	    "blobs b ON b.sha256 = c.avatar_sha256 WHERE c.handle = 'wanjiru' "
	    "AND b.width = 96 AND b.mime = 'image/png'"), 1);
	import_ok(db1, data1, path, &n);
	ck_assert_int_eq(n.changes, 0);
	/* Exported next to the JSON and imported again elsewhere. */
	ck_assert_int_eq(catalog_export(db1, data1, j, NULL, &cause), NY_OK);
	a = slurp(j);
	ck_assert_ptr_nonnull(strstr(a, "\"avatar\": \"avatars/wanjiru.png\""));
	av = xasprintf("%s/avatars/wanjiru.png", out);
	ck_assert_int_eq(access(av, R_OK), 0);
	import_ok(db2, data2, j, NULL);
	ck_assert_int_eq(sql_int(db2, "SELECT count(*) FROM creators c JOIN "
	    "blobs b ON b.sha256 = c.avatar_sha256 WHERE c.handle = 'wanjiru' "
	    "AND b.height = 64"), 1);
	/* A document without the avatar leaves it (import never deletes). */
	free(path);
	path = demo_json();
	import_ok(db2, data2, path, &n);
	ck_assert_int_eq(sql_int(db2, "SELECT count(*) FROM creators "
	    "WHERE avatar_sha256 IS NOT NULL"), 1);
	free(a); free(av); free(j); free(out); free(path);
	free(data1); free(data2);
	db_close(db1);
	db_close(db2);
}
END_TEST

static Suite *
cio_suite(void)
{
	Suite *s = suite_create("catalog-io");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, round_trip);
	tcase_add_test(tc, import_twice_idempotent);
	tcase_add_test(tc, malformed_changes_nothing);
	tcase_add_test(tc, validate_only);
	tcase_add_test(tc, pictures);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return run_suite(cio_suite());
}
