/*
 * test-cli: the admin CLI's `creator list` table (header, columns aligned
 * by display width, statuses, both languages) and the operator's switch
 * creator_set_disabled_as: audit line, idempotence, and what a disabled
 * creator loses (SSH key login, catalog, product page, new orders) and
 * gets back when enabled.
 */
#include <check.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalog.h"
#include "../tui/cli.h"
#include "creator.h"
#include "creator-key.h"
#include "crypto.h"
#include "i18n.h"
#include "order.h"
#include "testutil.h"
#include "../tui/ui.h"

static const unsigned char test_key[32] = "0123456789abcdef0123456789abcdef";

static void
setup(void)
{
	char *cause = NULL;

	setlocale(LC_CTYPE, "C.UTF-8");
	crypto_init_key(test_key);
	ck_assert_int_eq(i18n_load(&cause), NY_OK);
}

/* Line i (0 = header) of text into buf. */
static const char *
line_of(const char *text, int i, char *buf, size_t len)
{
	const char *e;

	while (i-- > 0 && (text = strchr(text, '\n')) != NULL)
		text++;
	ck_assert_ptr_nonnull(text);
	e = strchr(text, '\n');
	ck_assert_ptr_nonnull(e);
	snprintf(buf, len, "%.*s", (int)(e - text), text);
	return buf;
}

/* Display column where needle starts in s. */
static int
col_of(const char *s, const char *needle)
{
	const char *p = strstr(s, needle);
	char pre[512];

	ck_assert_msg(p != NULL, "\"%s\" not in \"%s\"", needle, s);
	snprintf(pre, sizeof pre, "%.*s", (int)(p - s), s);
	return ui_width(pre);
}

static struct creator
mk(const char *handle, const char *name, const char *locale, int enrolled,
    int64_t disabled_at)
{
	struct creator c;

	memset(&c, 0, sizeof c);
	snprintf(c.handle, sizeof c.handle, "%s", handle);
	c.display_name = (char *)name;
	c.bio = (char *)"";
	snprintf(c.locale, sizeof c.locale, "%s", locale);
	c.enrolled = enrolled;
	c.created_at = 1796256000;	/* 2026-12-03 00:00 UTC */
	c.disabled_at = disabled_at;
	return c;
}

START_TEST(list_table)
{
	struct creator cs[4];
	int64_t pub[4] = { 3, 12, 0, 1 };
	char *t, l0[512], l1[512], l2[512], l3[512], l4[512];
	const char *s;
	int x;

	cs[0] = mk("amani", "Amani Studio", "sw", 1, 0);
	cs[1] = mk("wanjiru", "", "en", 0, 0);
	cs[2] = mk("zuri", "Zúri Ñoño", "sw", 1, 1796256100);
	cs[3] = mk("bo", "A name far too long to fit the thirty columns of "
	    "its column", "en", 0, 1796256100);
	t = cli_creator_table("en", cs, pub, 4);
	line_of(t, 0, l0, sizeof l0);
	line_of(t, 1, l1, sizeof l1);
	line_of(t, 2, l2, sizeof l2);
	line_of(t, 3, l3, sizeof l3);
	line_of(t, 4, l4, sizeof l4);
	/* A header and one line per creator. */
	for (x = 0, s = t; (s = strchr(s, '\n')) != NULL; s++)
		x++;
	ck_assert_int_eq(x, 5);
	/* The header names every column. */
	ck_assert_msg(strncmp(l0, "HANDLE ", 7) == 0, "%s", l0);
	ck_assert_ptr_nonnull(strstr(l0, "NAME"));
	ck_assert_ptr_nonnull(strstr(l0, "LANGUAGE"));
	ck_assert_ptr_nonnull(strstr(l0, "STATUS"));
	ck_assert_ptr_nonnull(strstr(l0, "PRODUCTS"));
	ck_assert_ptr_nonnull(strstr(l0, "CREATED"));
	/* Statuses: disabled outranks not enrolled. */
	ck_assert_ptr_nonnull(strstr(l1, "  active  "));
	ck_assert_ptr_nonnull(strstr(l2, "  not enrolled  "));
	ck_assert_ptr_nonnull(strstr(l3, "  disabled  "));
	ck_assert_ptr_nonnull(strstr(l4, "  disabled  "));
	ck_assert_ptr_nonnull(strstr(l2, "  -  "));	/* no name */
	/* Columns start at the same display column, UTF-8 names too. */
	x = col_of(l0, "LANGUAGE");
	ck_assert_int_eq(col_of(l1, "  sw  ") + 2, x);
	ck_assert_int_eq(col_of(l2, "  en  ") + 2, x);
	ck_assert_int_eq(col_of(l3, "  sw  ") + 2, x);
	ck_assert_int_eq(col_of(l4, "  en  ") + 2, x);
	x = col_of(l0, "CREATED");
	ck_assert_int_eq(col_of(l1, "2026-12-03"), x);
	ck_assert_int_eq(col_of(l3, "2026-12-03"), x);
	/* Figures right-aligned under PRODUCTS. */
	ck_assert_int_eq(col_of(l1, "3  2026") + 1,
	    col_of(l0, "PRODUCTS") + (int)strlen("PRODUCTS"));
	ck_assert_int_eq(col_of(l2, "12  2026") + 2,
	    col_of(l0, "PRODUCTS") + (int)strlen("PRODUCTS"));
	/* A long name is cut after a whole word, with "…". */
	ck_assert_ptr_nonnull(strstr(l4, "A name far too long to fit…"));
	/* No trailing spaces. */
	ck_assert_int_ne(l0[strlen(l0) - 1], ' ');
	ck_assert_int_ne(l2[strlen(l2) - 1], ' ');
	free(t);

	/* Swahili: its own headers and statuses, still aligned. */
	t = cli_creator_table("sw", cs, pub, 4);
	line_of(t, 0, l0, sizeof l0);
	line_of(t, 2, l2, sizeof l2);
	line_of(t, 3, l3, sizeof l3);
	ck_assert_msg(strncmp(l0, "JINA ", 5) == 0, "%s", l0);
	ck_assert_ptr_nonnull(strstr(l0, "LUGHA"));
	ck_assert_ptr_nonnull(strstr(l0, "HALI"));
	ck_assert_ptr_nonnull(strstr(l2, "hajasajiliwa"));
	ck_assert_ptr_nonnull(strstr(l3, "amezimwa"));
	ck_assert_int_eq(col_of(l2, "  en  ") + 2, col_of(l0, "LUGHA"));
	ck_assert_int_eq(col_of(l3, "  sw  ") + 2, col_of(l0, "LUGHA"));
	free(t);

	/* No creator: the header alone. */
	t = cli_creator_table("en", NULL, NULL, 0);
	ck_assert_int_eq(strchr(t, '\n') - t + 1, (long)strlen(t));
	free(t);
}
END_TEST

#define FP	"SHA256:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU"

static struct db *
seeded(void)
{
	struct db *db = test_db("cli", NULL);

	ck_assert_int_eq(db_exec(db,
	    "INSERT INTO creators(id, handle, created_at) VALUES (1, 'amani', 0),"
	    " (2, 'juma', 0);"
	    "INSERT INTO products(id, creator_id, slug, kind, title, price_minor,"
	    " currency, status, created_at, updated_at, published_at) VALUES"
	    " (1, 1, 'song', 'download', 'A song', 50000, 'KES', 'published',"
	    " 0, 0, 1),"
	    " (2, 2, 'poem', 'download', 'A poem', 100, 'KES', 'published',"
	    " 0, 0, 2);"), NY_OK);
	ck_assert_int_eq(creator_key_add(db, 1, FP, "laptop", NULL), NY_OK);
	return db;
}

static int
buy(struct db *db, int64_t product, const char *idem)
{
	struct order_new in = {
		.product_id = product, .phone = "254712345678", .quantity = 1,
		.locale = "en", .idem_key = idem, .client_addr = "127.0.0.1",
		.provider = "sim",
	};
	struct order o;

	return order_create(db, &in, &o, NULL);
}

/* The slugs the catalog lists, joined by ','. */
static char *
listed(struct db *db)
{
	struct catalog_list l;
	struct ny_buf b;

	ck_assert_int_eq(catalog_list_products(db, NULL, 1, 24, &l), NY_OK);
	buf_init(&b, 0);
	for (int i = 0; i < l.n; i++)
		buf_printf(&b, "%s%s", i ? "," : "", l.items[i].slug);
	catalog_list_free(&l);
	return buf_steal(&b, NULL);
}

START_TEST(disable_enable)
{
	struct db *db = seeded();
	struct catalog_product *p = NULL;
	char *s;
	int changed = -1;
	int64_t n = 0;

	ck_assert_int_eq(creator_is_disabled(db, 1), 0);
	ck_assert_int_eq(creator_published_count(db, 1, &n), NY_OK);
	ck_assert_int_eq(n, 1);
	s = listed(db);
	ck_assert_str_eq(s, "poem,song");
	free(s);

	ck_assert_int_eq(creator_set_disabled_as(db, 1, 1, "cli", &changed),
	    NY_OK);
	ck_assert_int_eq(changed, 1);
	ck_assert_int_eq(creator_is_disabled(db, 1), 1);
	ck_assert_int_eq(creator_is_disabled(db, 2), 0);
	/* No login, off the shop, no new order; nothing deleted. */
	ck_assert_int_eq(creator_key_match(db, "amani", FP), NY_EDENIED);
	s = listed(db);
	ck_assert_str_eq(s, "poem");
	free(s);
	ck_assert_int_eq(catalog_product_by_slug(db, "song", &p), NY_ENOTFOUND);
	ck_assert_int_eq(buy(db, 1, "k1"), NY_ENOTFOUND);
	ck_assert_int_eq(buy(db, 2, "k2"), NY_OK);
	ck_assert_int_eq(sql_int(db, "SELECT count(*) FROM products"), 2);
	ck_assert_int_eq(sql_int(db, "SELECT count(*) FROM creator_keys"), 1);
	ck_assert_int_eq(sql_int(db, "SELECT count(*) FROM audit_log WHERE "
	    "creator_id = 1 AND actor = 'cli' AND action = 'creator.disable' "
	    "AND detail = 'amani'"), 1);
	/* Again: already so, no second line, the first date kept. */
	n = sql_int(db, "SELECT disabled_at FROM creators WHERE id = 1");
	ck_assert_int_eq(creator_set_disabled_as(db, 1, 1, "cli", &changed),
	    NY_OK);
	ck_assert_int_eq(changed, 0);
	ck_assert_int_eq(sql_int(db, "SELECT disabled_at FROM creators "
	    "WHERE id = 1"), n);
	ck_assert_int_eq(sql_int(db, "SELECT count(*) FROM audit_log"), 1);

	/* Enabled: everything back. */
	ck_assert_int_eq(creator_set_disabled_as(db, 1, 0, "cli", &changed),
	    NY_OK);
	ck_assert_int_eq(changed, 1);
	ck_assert_int_eq(creator_is_disabled(db, 1), 0);
	ck_assert_int_eq(creator_key_match(db, "amani", FP), NY_OK);
	ck_assert_int_eq(catalog_product_by_slug(db, "song", &p), NY_OK);
	catalog_product_free(p);
	ck_assert_int_eq(buy(db, 1, "k3"), NY_OK);
	ck_assert_int_eq(sql_int(db, "SELECT count(*) FROM audit_log WHERE "
	    "creator_id = 1 AND action = 'creator.enable'"), 1);
	ck_assert_int_eq(creator_set_disabled_as(db, 1, 0, "cli", &changed),
	    NY_OK);
	ck_assert_int_eq(changed, 0);

	/* Unknown creator. */
	ck_assert_int_eq(creator_set_disabled_as(db, 99, 1, "cli", &changed),
	    NY_ENOTFOUND);
	ck_assert_int_eq(changed, 0);
	ck_assert_int_eq(creator_is_disabled(db, 99), 1);
	db_close(db);
}
END_TEST

static Suite *
cli_suite(void)
{
	Suite *s = suite_create("cli");
	TCase *tc = tcase_create("core");

	tcase_add_unchecked_fixture(tc, setup, NULL);
	tcase_add_test(tc, list_table);
	tcase_add_test(tc, disable_enable);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(cli_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
