/*
 * test-http: the storefront's pure helpers: route pattern matching, the
 * route table's sanity, dates in East Africa Time, sizes, safe Markdown.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "i18n.h"
#include "testutil.h"
#include "../storefront/http-int.h"
#include "../storefront/http-link.h"
#include "../storefront/view.h"

START_TEST(patterns)
{
	ck_assert(http_route_matches("/", "/"));
	ck_assert(!http_route_matches("/", "/x"));
	ck_assert(http_route_matches("/p/{slug}", "/p/nairobi-nights"));
	ck_assert(!http_route_matches("/p/{slug}", "/p/"));
	ck_assert(!http_route_matches("/p/{slug}", "/p/a/b"));
	ck_assert(http_route_matches("/p/{slug}/checkout", "/p/x/checkout"));
	ck_assert(!http_route_matches("/p/{slug}/checkout", "/p/x/checkou"));
	ck_assert(http_route_matches("/@{handle}", "/@amani"));
	ck_assert(!http_route_matches("/@{handle}", "/@"));
	ck_assert(!http_route_matches("/@{handle}", "/amani"));
	ck_assert(http_route_matches("/dl/{id}/{name}", "/dl/3/a.zip"));
	ck_assert(!http_route_matches("/dl/{id}/{name}", "/dl//a.zip"));
	ck_assert(!http_route_matches("/healthz", "/healthz/"));
	ck_assert(!http_route_matches("/healthz", "/health"));
}
END_TEST

START_TEST(route_table)
{
	const struct http_route *r, *s;

	for (r = http_routes; r->method != NULL; r++) {
		ck_assert_ptr_nonnull(r->fn);
		ck_assert_msg(r->pattern[0] == '/', "%s", r->pattern);
		ck_assert_msg(!((r->flags & HTTP_CACHE) &&
		    strcmp(r->method, "GET") != 0), "cached %s", r->pattern);
		/* no line hidden behind an identical earlier one */
		for (s = http_routes; s != r; s++)
			ck_assert_msg(strcmp(s->method, r->method) != 0 ||
			    strcmp(s->pattern, r->pattern) != 0, "twice: %s",
			    r->pattern);
	}
}
END_TEST

START_TEST(dates_in_eat)
{
	char *cause = NULL, *s;

	ck_assert_int_eq(i18n_load(&cause), NY_OK);
	/* 2027-01-15T08:00:00Z is 11:00 in Nairobi, a Friday */
	s = view_date("en", 1800000000);
	ck_assert_str_eq(s, "Fri 15 Jan 2027, 11:00 EAT");
	free(s);
	s = view_date("sw", 1800000000);
	ck_assert_str_eq(s, "Ijumaa, 15 Januari 2027, 11:00 EAT");
	free(s);
	/* 22:30Z on the 3rd is already the 4th in Nairobi */
	s = view_date("en", 1801693800);
	ck_assert_str_eq(s, "Thu 4 Feb 2027, 01:30 EAT");
	free(s);
}
END_TEST

START_TEST(sizes)
{
	char b[32];

	view_size(0, b, sizeof b);
	ck_assert_str_eq(b, "0 B");
	view_size(1023, b, sizeof b);
	ck_assert_str_eq(b, "1023 B");
	view_size(2048, b, sizeof b);
	ck_assert_str_eq(b, "2.0 KB");
	view_size(52428800, b, sizeof b);
	ck_assert_str_eq(b, "50 MB");
	view_size(INT64_C(3) << 30, b, sizeof b);
	ck_assert_str_eq(b, "3.0 GB");
}
END_TEST

START_TEST(markdown_is_safe)
{
	char *h = view_markdown("**b** <script>x()</script>\n\n"
	    "<img src=x onerror=y>\n\n[a](javascript:alert(1)) "
	    "[d](data:text/html,x) [ok](https://example.org)");

	ck_assert_ptr_nonnull(strstr(h, "<strong>b</strong>"));
	ck_assert_ptr_null(strstr(h, "<script"));
	ck_assert_ptr_null(strstr(h, "<img"));
	ck_assert_ptr_null(strstr(h, "javascript:"));
	ck_assert_ptr_null(strstr(h, "data:text/html"));
	ck_assert_ptr_nonnull(strstr(h, "href=\"https://example.org\""));
	ck_assert_ptr_null(strstr(h, HTTP_CSRF_MARK));
	free(h);
	h = view_markdown("<!--nyota:csrf-->");
	ck_assert_ptr_null(strstr(h, HTTP_CSRF_MARK));
	free(h);
}
END_TEST

/* http_link_path's answer for path, freed; compared with want. */
static void
link_is(const char *path, const char *want)
{
	char *got = http_link_path(path);

	ck_assert_msg(strcmp(got, want) == 0, "%s -> %s, want %s", path, got,
	    want);
	free(got);
}

START_TEST(link_paths_stay_on_site)
{
	link_is("/p/nairobi-nights", "/p/nairobi-nights");
	link_is("/@amani", "/@amani");
	link_is("/", "/");
	link_is("", "/");
	link_is(NULL, "/");
	/* protocol-relative: another site to a browser */
	link_is("//evil.example/x", "/evil.example/x");
	link_is("///evil.example", "/evil.example");
	link_is("/\\evil.example/x", "/%5Cevil.example/x");
	link_is("/\\\\evil.example", "/%5C%5Cevil.example");
	/* browsers drop tabs and newlines in URLs: keep them encoded */
	link_is("/\t/evil.example", "/%09/evil.example");
	link_is("/\n//evil.example", "/%0A/evil.example");
	link_is("evil.example", "/evil.example");
	link_is("https://evil.example/", "/https:/evil.example/");
	link_is("javascript:alert(1)", "/javascript:alert(1)");
	/* MHD decoded the path: encode again what would change its meaning */
	link_is("/p/a?lang=xx#f", "/p/a%3Flang=xx%23f");
	link_is("/p/100%", "/p/100%25");
	link_is("/p/a b\"<", "/p/a%20b%22%3C");
	link_is("/p/caf\xc3\xa9", "/p/caf%C3%A9");
	link_is("/p/a//b/", "/p/a/b/");
}
END_TEST

static Suite *
http_suite(void)
{
	Suite *s = suite_create("http");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, patterns);
	tcase_add_test(tc, route_table);
	tcase_add_test(tc, dates_in_eat);
	tcase_add_test(tc, sizes);
	tcase_add_test(tc, markdown_is_safe);
	tcase_add_test(tc, link_paths_stay_on_site);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return run_suite(http_suite());
}
