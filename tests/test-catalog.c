/*
 * test-catalog: the public read model: only published products of enabled
 * creators, order and paging, kind filter, FTS5 search with hostile
 * input, product by slug with files, seats left, creator page; covers and
 * avatars only when they are measured images, and what /cover may serve.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "catalog.h"
#include "testutil.h"

static struct db *
seeded(void)
{
	struct db *db = test_db("shop", NULL);
	char *sql;
	size_t len;

	ck_assert_int_eq(ny_read_file("tests/integration/storefront-seed.sql",
	    1 << 20, &sql, &len), NY_OK);
	ck_assert_int_eq(db_exec(db, sql), NY_OK);
	free(sql);
	return db;
}

START_TEST(lists_published_newest_first)
{
	struct db *db = seeded();
	struct catalog_list l;

	ck_assert_int_eq(catalog_list_products(db, NULL, 1, 0, &l), NY_OK);
	ck_assert_int_eq(l.n, 4);
	ck_assert_int_eq(l.more, 0);
	ck_assert_str_eq(l.items[0].slug, "masterclass-sauti");
	ck_assert_str_eq(l.items[1].slug, "tamasha-live");
	ck_assert_str_eq(l.items[2].slug, "msafiri-club");
	ck_assert_str_eq(l.items[3].slug, "nairobi-nights");
	ck_assert_str_eq(l.items[3].creator_handle, "amani");
	ck_assert_str_eq(l.items[3].creator_name, "Amani Studio");
	ck_assert_str_eq(l.items[3].currency, "KES");
	ck_assert_int_eq(l.items[3].price_minor, 50000);
	ck_assert_int_eq(l.items[1].seats_left, 100);
	catalog_list_free(&l);
	db_close(db);
}
END_TEST

START_TEST(kind_filter_and_pages)
{
	struct db *db = seeded();
	struct catalog_list l;

	ck_assert_int_eq(catalog_list_products(db, "ticket", 1, 0, &l), NY_OK);
	ck_assert_int_eq(l.n, 1);
	ck_assert_str_eq(l.items[0].slug, "tamasha-live");
	ck_assert_str_eq(l.items[0].venue, "Alliance Française, Nairobi");
	catalog_list_free(&l);
	ck_assert_int_eq(catalog_list_products(db, "bogus", 1, 0, &l), NY_EINVAL);
	ck_assert_int_eq(catalog_list_products(db, NULL, 1, 3, &l), NY_OK);
	ck_assert_int_eq(l.n, 3);
	ck_assert_int_eq(l.more, 1);
	catalog_list_free(&l);
	ck_assert_int_eq(catalog_list_products(db, NULL, 2, 3, &l), NY_OK);
	ck_assert_int_eq(l.n, 1);
	ck_assert_int_eq(l.more, 0);
	ck_assert_str_eq(l.items[0].slug, "nairobi-nights");
	catalog_list_free(&l);
	ck_assert_int_eq(catalog_list_products(db, NULL, 99, 3, &l), NY_OK);
	ck_assert_int_eq(l.n, 0);
	catalog_list_free(&l);
	db_close(db);
}
END_TEST

START_TEST(fts_expression)
{
	char *e;

	catalog_fts_expr("nai nig", &e);
	ck_assert_str_eq(e, "\"nai\"* \"nig\"*");
	free(e);
	catalog_fts_expr("\" * NEAR( AND", &e);
	ck_assert_str_eq(e, "\"NEAR\"* \"AND\"*");
	free(e);
	catalog_fts_expr("\"*()^:-+", &e);
	ck_assert_str_eq(e, "");
	free(e);
	catalog_fts_expr(NULL, &e);
	ck_assert_str_eq(e, "");
	free(e);
	catalog_fts_expr("title:x", &e);
	ck_assert_str_eq(e, "\"title\"* \"x\"*");
	free(e);
}
END_TEST

START_TEST(search_ranks_and_prefixes)
{
	struct db *db = seeded();
	struct catalog_list l;

	ck_assert_int_eq(catalog_search(db, "nai", NULL, 1, 0, &l), NY_OK);
	ck_assert_int_ge(l.n, 1);
	/* the title match ranks above the venue-only mention */
	ck_assert_str_eq(l.items[0].slug, "nairobi-nights");
	catalog_list_free(&l);
	ck_assert_int_eq(catalog_search(db, "THREE nig", NULL, 1, 0, &l), NY_OK);
	ck_assert_int_eq(l.n, 1);
	catalog_list_free(&l);
	/* drafts, archived and disabled creators stay hidden */
	ck_assert_int_eq(catalog_search(db, "album", NULL, 1, 0, &l), NY_OK);
	ck_assert_int_eq(l.n, 0);
	catalog_list_free(&l);
	ck_assert_int_eq(catalog_search(db, "taarab", "download", 1, 0, &l),
	    NY_OK);
	ck_assert_int_eq(l.n, 0);
	catalog_list_free(&l);
	ck_assert_int_eq(catalog_search(db, "taarab", "ticket", 1, 0, &l), NY_OK);
	ck_assert_int_eq(l.n, 1);
	catalog_list_free(&l);
	db_close(db);
}
END_TEST

START_TEST(search_hostile_input)
{
	static const char *const qs[] = {
		"\"", "*", "NEAR(", "NEAR(a b", "AND", "OR", "NOT", "a OR b",
		"\"unterminated", "title:nairobi", "^start", "-x", "(((", ")",
		"a AND", "{title}: x", "—", "ñ*", "'; DROP TABLE products; --",
		"",
	};
	struct db *db = seeded();
	struct catalog_list l;
	char *lng = xmalloc(5001);
	size_t i;

	for (i = 0; i < sizeof qs / sizeof *qs; i++) {
		ck_assert_msg(catalog_search(db, qs[i], NULL, 1, 0, &l) == NY_OK,
		    "query %s", qs[i]);
		catalog_list_free(&l);
	}
	memset(lng, 'n', 5000);
	lng[5000] = '\0';
	ck_assert_int_eq(catalog_search(db, lng, NULL, 1, 0, &l), NY_OK);
	catalog_list_free(&l);
	for (i = 0; i < 5000; i++)
		lng[i] = "a \"*(N"[i % 6];
	ck_assert_int_eq(catalog_search(db, lng, NULL, 1, 0, &l), NY_OK);
	catalog_list_free(&l);
	free(lng);
	db_close(db);
}
END_TEST

START_TEST(product_by_slug)
{
	struct db *db = seeded();
	struct catalog_product *p;

	ck_assert_int_eq(catalog_product_by_slug(db, "nairobi-nights", &p), NY_OK);
	ck_assert_str_eq(p->title, "Nairobi Nights");
	ck_assert_ptr_nonnull(strstr(p->story_md, "three nights"));
	ck_assert_int_eq(p->nfiles, 2);
	ck_assert_str_eq(p->files[0].name, "nairobi-nights.zip");
	ck_assert_int_eq(p->files[0].size, 52428800);
	ck_assert_str_eq(p->files[1].name, "liner-notes.pdf");
	catalog_product_free(p);
	ck_assert_int_eq(catalog_product_by_slug(db, "msafiri-club", &p), NY_OK);
	ck_assert_int_eq(p->period_days, 30);
	catalog_product_free(p);
	ck_assert_int_eq(catalog_product_by_slug(db, "secret-draft", &p),
	    NY_ENOTFOUND);
	ck_assert_int_eq(catalog_product_by_slug(db, "old-archived", &p),
	    NY_ENOTFOUND);
	ck_assert_int_eq(catalog_product_by_slug(db, "ghost-product", &p),
	    NY_ENOTFOUND);
	ck_assert_int_eq(catalog_product_by_slug(db, "../etc", &p), NY_ENOTFOUND);
	ck_assert_int_eq(catalog_product_by_slug(db, "", &p), NY_ENOTFOUND);
	db_close(db);
}
END_TEST

START_TEST(seats_left)
{
	struct db *db = seeded();
	struct catalog_product *p;
	int64_t left;

	ck_assert_int_eq(db_exec(db,
	    "INSERT INTO customers(id, phone, created_at) VALUES"
	    " (1, '254712345678', 1), (2, '254712345679', 1);"
	    "INSERT INTO orders(id, ref, customer_id, product_id, quantity,"
	    " amount_minor, currency, status, created_at, updated_at, expires_at)"
	    " VALUES (1, 'r1', 1, 3, 3, 450000, 'KES', 'paid', 1, 1, 2),"
	    " (2, 'r2', 2, 3, 2, 300000, 'KES', 'pending', 1, 1, 2),"
	    " (3, 'r3', 2, 3, 5, 750000, 'KES', 'expired', 1, 1, 2);"
	    "INSERT INTO reservations(order_id, product_id, seats) VALUES"
	    " (2, 3, 2), (3, 3, 5);"), NY_OK);
	test_order_lines(db);
	ck_assert_int_eq(catalog_seats_left(db, 3, &left), NY_OK);
	ck_assert_int_eq(left, 95);
	ck_assert_int_eq(catalog_product_by_slug(db, "tamasha-live", &p), NY_OK);
	ck_assert_int_eq(p->seats_left, 95);
	ck_assert_int_eq(p->capacity, 100);
	catalog_product_free(p);
	ck_assert_int_eq(db_exec(db, "UPDATE products SET capacity = 4"
	    " WHERE id = 3"), NY_OK);
	ck_assert_int_eq(catalog_seats_left(db, 3, &left), NY_OK);
	ck_assert_int_eq(left, 0);
	ck_assert_int_eq(catalog_seats_left(db, 1, &left), NY_ENOTFOUND);
	db_close(db);
}
END_TEST

START_TEST(creator_page)
{
	struct db *db = seeded();
	struct catalog_creator *c;
	struct catalog_list l;

	ck_assert_int_eq(catalog_creator_by_handle(db, "amani", &c, &l), NY_OK);
	ck_assert_str_eq(c->display_name, "Amani Studio");
	ck_assert_int_eq(l.n, 2);
	ck_assert_str_eq(l.items[0].slug, "msafiri-club");
	catalog_list_free(&l);
	catalog_creator_free(c);
	ck_assert_int_eq(catalog_creator_by_handle(db, "gone", &c, &l),
	    NY_ENOTFOUND);
	ck_assert_int_eq(catalog_creator_by_handle(db, "nobody", &c, &l),
	    NY_ENOTFOUND);
	ck_assert_int_eq(catalog_ping(db), NY_OK);
	db_close(db);
}
END_TEST

#define SHA_IMG "11111111111111111111111111111111" \
	"11111111111111111111111111111111"
#define SHA_AV "22222222222222222222222222222222" \
	"22222222222222222222222222222222"
#define SHA_ZIP "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa" \
	"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
#define SHA_RAW "33333333333333333333333333333333" \
	"33333333333333333333333333333333"
#define SHA_NEW "44444444444444444444444444444444" \
	"44444444444444444444444444444444"

/* The seed plus: a measured cover on nairobi-nights, an unmeasured
 * "image" (never checked by image.c) on msafiri-club, an avatar for
 * amani (not enrolled yet). */
static struct db *
seeded_images(void)
{
	struct db *db = seeded();

	ck_assert_int_eq(db_exec(db, "INSERT INTO blobs(sha256, size, mime, "
	    "width, height, created_at) VALUES "
	    "('" SHA_IMG "', 10, 'image/png', 640, 360, 1), "
	    "('" SHA_AV "', 10, 'image/jpeg', 120, 80, 1);"
	    "INSERT INTO blobs(sha256, size, mime, created_at) VALUES "
	    "('" SHA_RAW "', 10, 'image/png', 1);"
	    "UPDATE products SET cover_sha256 = '" SHA_IMG "' "
	    "WHERE slug = 'nairobi-nights';"
	    "UPDATE products SET cover_sha256 = '" SHA_RAW "' "
	    "WHERE slug = 'msafiri-club';"
	    "UPDATE creators SET avatar_sha256 = '" SHA_AV "' "
	    "WHERE handle = 'amani';"), NY_OK);
	return db;
}

static int
served(struct db *db, const char *sha)
{
	char mime[64];

	return catalog_cover_mime(db, sha, mime, sizeof mime) == NY_OK;
}

START_TEST(covers_and_avatars)
{
	struct db *db = seeded_images();
	struct catalog_product *p;
	struct catalog_creator *c;
	struct catalog_list l;
	char mime[64];

	ck_assert_int_eq(catalog_list_products(db, NULL, 1, 0, &l), NY_OK);
	ck_assert_str_eq(l.items[3].slug, "nairobi-nights");
	ck_assert_str_eq(l.items[3].cover_sha256, SHA_IMG);
	ck_assert_int_eq(l.items[3].cover_width, 640);
	ck_assert_int_eq(l.items[3].cover_height, 360);
	/* An image nobody measured is no cover: a text card. */
	ck_assert_str_eq(l.items[2].slug, "msafiri-club");
	ck_assert_str_eq(l.items[2].cover_sha256, "");
	ck_assert_int_eq(l.items[2].cover_width, 0);
	ck_assert_str_eq(l.items[1].cover_sha256, "");
	catalog_list_free(&l);
	ck_assert_int_eq(catalog_search(db, "nairobi nights", NULL, 1, 0, &l),
	    NY_OK);
	ck_assert_int_ge(l.n, 1);
	ck_assert_int_eq(l.items[0].cover_height, 360);
	catalog_list_free(&l);
	ck_assert_int_eq(catalog_product_by_slug(db, "nairobi-nights", &p), NY_OK);
	ck_assert_int_eq(p->cover_width, 640);
	ck_assert_int_eq(p->nfiles, 2);
	ck_assert_ptr_nonnull(strstr(p->story_md, "three nights"));
	catalog_product_free(p);

	/* The cover is served; the avatar only once amani is enrolled. */
	ck_assert_int_eq(catalog_cover_mime(db, SHA_IMG, mime, sizeof mime),
	    NY_OK);
	ck_assert_str_eq(mime, "image/png");
	ck_assert(!served(db, SHA_AV));
	ck_assert_int_eq(catalog_creator_by_handle(db, "amani", &c, &l), NY_OK);
	ck_assert_str_eq(c->avatar_sha256, "");
	catalog_creator_free(c);
	catalog_list_free(&l);
	ck_assert_int_eq(db_exec(db, "UPDATE creators SET totp_secret = x'00' "
	    "WHERE handle = 'amani'"), NY_OK);
	ck_assert(served(db, SHA_AV));
	ck_assert_int_eq(catalog_creator_by_handle(db, "amani", &c, &l), NY_OK);
	ck_assert_str_eq(c->avatar_sha256, SHA_AV);
	ck_assert_int_eq(c->avatar_width, 120);
	ck_assert_int_eq(c->avatar_height, 80);
	catalog_creator_free(c);
	catalog_list_free(&l);

	/* Never served: a paid file, an unmeasured image, an unknown blob. */
	ck_assert(!served(db, SHA_ZIP));
	ck_assert(!served(db, SHA_RAW));
	ck_assert(!served(db, SHA_NEW));
	/* A paid file's bytes named as a cover or avatar are still not
	 * served unless image.c measured them. */
	ck_assert_int_eq(db_exec(db, "UPDATE creators SET avatar_sha256 = '"
	    SHA_ZIP "' WHERE handle = 'zawadi'; UPDATE creators SET "
	    "totp_secret = x'00' WHERE handle = 'zawadi'; UPDATE products SET "
	    "cover_sha256 = '" SHA_ZIP "' WHERE slug = 'tamasha-live'"), NY_OK);
	ck_assert(!served(db, SHA_ZIP));

	/* Disabled creator: avatar gone. Unpublished product: cover gone. */
	ck_assert_int_eq(db_exec(db, "UPDATE creators SET disabled_at = 5 "
	    "WHERE handle = 'amani'"), NY_OK);
	ck_assert(!served(db, SHA_AV));
	ck_assert(!served(db, SHA_IMG));
	ck_assert_int_eq(db_exec(db, "UPDATE creators SET disabled_at = NULL "
	    "WHERE handle = 'amani'; UPDATE products SET status = 'draft' "
	    "WHERE slug = 'nairobi-nights'"), NY_OK);
	ck_assert(!served(db, SHA_IMG));
	ck_assert(served(db, SHA_AV));
	db_close(db);
}
END_TEST

static Suite *
catalog_suite(void)
{
	Suite *s = suite_create("shop");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, lists_published_newest_first);
	tcase_add_test(tc, kind_filter_and_pages);
	tcase_add_test(tc, fts_expression);
	tcase_add_test(tc, search_ranks_and_prefixes);
	tcase_add_test(tc, search_hostile_input);
	tcase_add_test(tc, product_by_slug);
	tcase_add_test(tc, seats_left);
	tcase_add_test(tc, creator_page);
	tcase_add_test(tc, covers_and_avatars);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return run_suite(catalog_suite());
}
