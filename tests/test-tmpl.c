/*
 * test-tmpl: the storefront template renderer: escaping, trusted HTML,
 * missing names, sections and nesting, locale strings, compile errors,
 * the output limit, and every embedded template compiling.
 */
#include <check.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "i18n.h"
#include "testutil.h"
#include "../storefront/tmpl.h"

/* Renders src with ctx (JSON text) in lang; returns the output (freed by
 * the caller) or NULL when it does not compile. */
static char *
render(const char *src, const char *ctx_json, const char *lang)
{
	struct tmpl *t;
	struct ny_buf b;
	json_t *ctx = NULL;
	char *cause = NULL;

	if (tmpl_compile(src, strlen(src), &t, &cause) != NY_OK) {
		free(cause);
		return NULL;
	}
	if (ctx_json != NULL) {
		ctx = json_loads(ctx_json, 0, NULL);
		ck_assert_ptr_nonnull(ctx);
	}
	buf_init(&b, 0);
	ck_assert_int_eq(tmpl_render(t, ctx, lang, &b), NY_OK);
	json_decref(ctx);
	tmpl_free(t);
	return buf_steal(&b, NULL);
}

static void
expect(const char *src, const char *ctx, const char *want)
{
	char *got = render(src, ctx, "en");

	ck_assert_msg(got != NULL, "does not compile: %s", src);
	ck_assert_str_eq(got, want);
	free(got);
}

START_TEST(escapes_by_default)
{
	expect("<p>{{x}}</p>", "{\"x\":\"<script>&\\\"'</script>\"}",
	    "<p>&lt;script&gt;&amp;&quot;&#39;&lt;/script&gt;</p>");
	expect("{{x}}", "{\"x\":\"plain text\"}", "plain text");
	expect("a{{ x }}b", "{\"x\":\"&amp;\"}", "a&amp;amp;b");
}
END_TEST

START_TEST(trusted_html_is_explicit)
{
	expect("{{{h}}}", "{\"h\":\"<em>hi</em>\"}", "<em>hi</em>");
	expect("{{h}}", "{\"h\":\"<em>hi</em>\"}", "&lt;em&gt;hi&lt;/em&gt;");
}
END_TEST

START_TEST(missing_names_render_nothing)
{
	expect("[{{nope}}]", "{}", "[]");
	expect("[{{{nope}}}]", NULL, "[]");
	expect("[{{a.b.c}}]", "{\"a\":{\"b\":1}}", "[]");
	expect("[{{#nope}}x{{/nope}}]", "{}", "[]");
	expect("[{{^nope}}x{{/nope}}]", "{}", "[x]");
}
END_TEST

START_TEST(values)
{
	expect("{{n}} {{r}} {{t}} {{f}} {{z}}",
	    "{\"n\":42,\"r\":1.5,\"t\":true,\"f\":false,\"z\":null}",
	    "42 1.5 true  ");
	expect("{{a.b}}", "{\"a\":{\"b\":\"deep\"}}", "deep");
}
END_TEST

START_TEST(sections_and_nesting)
{
	expect("{{#items}}<{{name}}:{{#tags}}{{.}},{{/tags}}>{{/items}}",
	    "{\"items\":[{\"name\":\"a\",\"tags\":[\"x\",\"y\"]},"
	    "{\"name\":\"b\",\"tags\":[]}]}", "<a:x,y,><b:>");
	/* inner contexts fall back to outer names */
	expect("{{#items}}{{name}}@{{shop}} {{/items}}",
	    "{\"shop\":\"nyota\",\"items\":[{\"name\":\"a\"},{\"name\":\"b\"}]}",
	    "a@nyota b@nyota ");
	/* object sections enter the object */
	expect("{{#p}}{{title}}{{/p}}", "{\"p\":{\"title\":\"T\"}}", "T");
	/* falsy values skip; inverted sections render */
	expect("{{#a}}A{{/a}}{{#b}}B{{/b}}{{#c}}C{{/c}}{{#d}}D{{/d}}{{#e}}E{{/e}}",
	    "{\"a\":0,\"b\":\"\",\"c\":[],\"d\":false,\"e\":null}", "");
	expect("{{^a}}A{{/a}}{{^b}}B{{/b}}{{^c}}C{{/c}}",
	    "{\"a\":0,\"b\":\"x\",\"c\":[1]}", "A");
	expect("{{#s}}[{{s}}]{{/s}}", "{\"s\":\"yes\"}", "[yes]");
	expect("{{#a}}{{#b}}{{#c}}deep{{/c}}{{/b}}{{/a}}",
	    "{\"a\":{\"b\":[{\"c\":1},{\"c\":0}]}}", "deep");
	expect("x{{! a comment }}y", "{}", "xy");
}
END_TEST

START_TEST(locale_strings)
{
	char *cause = NULL, *got;

	ck_assert_int_eq(i18n_load_json("en", "{\"t.hi\":\"Hi {name} & co\","
	    "\"t.plain\":\"Plain\"}", &cause), NY_OK);
	ck_assert_int_eq(i18n_load_json("sw", "{\"t.hi\":\"Habari {name}\","
	    "\"t.plain\":\"Kawaida\"}", &cause), NY_OK);
	expect("{{t t.hi}}", "{\"name\":\"<Amani>\"}",
	    "Hi &lt;Amani&gt; &amp; co");
	expect("{{t t.plain}}", NULL, "Plain");
	got = render("{{t t.hi}}|{{t t.plain}}", "{\"name\":\"Juma\"}", "sw");
	ck_assert_str_eq(got, "Habari Juma|Kawaida");
	free(got);
	/* unknown placeholder stays as it is, unknown key shows the key */
	expect("{{t t.hi}}", "{}", "Hi {name} &amp; co");
	expect("{{t t.missing}}", "{}", "t.missing");
}
END_TEST

START_TEST(compile_errors)
{
	static const char *const bad[] = {
		"{{#a}}never closed", "{{#a}}x{{/b}}", "{{/a}}", "{{x",
		"{{{x}}", "{{}}", "{{bad name}}", "{{#}}{{/}}", "{{t a b}}",
		"{{<x}}", "{{> }}",
	};
	struct tmpl *t;
	char *cause = NULL;
	size_t i;

	for (i = 0; i < sizeof bad / sizeof *bad; i++) {
		ck_assert_msg(tmpl_compile(bad[i], strlen(bad[i]), &t, &cause)
		    == NY_EINVAL, "compiled: %s", bad[i]);
		ck_assert_ptr_nonnull(cause);
		ck_assert_msg(strncmp(cause, "line ", 5) == 0, "cause %s", cause);
		free(cause);
		cause = NULL;
	}
	ck_assert_int_eq(tmpl_compile("a\nb\n{{#x}}", 10, &t, &cause),
	    NY_EINVAL);
	ck_assert_str_eq(cause, "line 3: unclosed section");
	free(cause);
}
END_TEST

START_TEST(output_limit)
{
	struct tmpl *t;
	struct ny_buf b;
	char *cause = NULL;
	json_t *ctx = json_pack("{s:[i,i,i,i,i,i,i,i,i,i]}", "a", 1, 2, 3, 4,
	    5, 6, 7, 8, 9, 10);
	const char *src = "{{#a}}0123456789{{/a}}";

	ck_assert_int_eq(tmpl_compile(src, strlen(src), &t, &cause), NY_OK);
	buf_init(&b, 50);
	ck_assert_int_eq(tmpl_render(t, ctx, "en", &b), NY_ELIMIT);
	ck_assert_uint_le(b.len, 50);
	buf_free(&b);
	tmpl_free(t);
	json_decref(ctx);
}
END_TEST

START_TEST(embedded_templates_compile)
{
	char *cause = NULL, *got;

	ck_assert_msg(tmpl_load_all(&cause) == NY_OK, "%s", cause);
	ck_assert_ptr_nonnull(tmpl_get("layout"));
	ck_assert_ptr_nonnull(tmpl_get("product"));
	ck_assert_ptr_nonnull(tmpl_get("catalog"));
	ck_assert_ptr_nonnull(tmpl_get("error"));
	ck_assert_ptr_null(tmpl_get("nope"));
	/* a partial: the card inside a loop, escaping kept */
	got = render("{{#products}}{{> card}}{{/products}}{{> nope}}",
	    "{\"products\":[{\"title\":\"<T>\",\"url\":\"/p/t\"}]}",
	    "en");
	ck_assert_ptr_nonnull(strstr(got, "<h2>&lt;T&gt;</h2>"));
	ck_assert_ptr_nonnull(strstr(got, "href=\"/p/t\""));
	free(got);
}
END_TEST

/* A NUL inside the source ends the template (fuzz-tmpl found the
 * compiler reading past its copy when it did not). */
START_TEST(nul_ends_the_template)
{
	static const char src[] = "a{{x}}\0{{#y}}{{z}}{{/y}}{{{w}}}";
	struct tmpl *t;
	struct ny_buf b;
	json_t *ctx = json_pack("{s:s}", "x", "<b>");
	char *cause = NULL;

	ck_assert_int_eq(tmpl_compile(src, sizeof src - 1, &t, &cause), NY_OK);
	buf_init(&b, 0);
	ck_assert_int_eq(tmpl_render(t, ctx, "en", &b), NY_OK);
	ck_assert_uint_eq(b.len, 10);
	ck_assert_int_eq(memcmp(b.data, "a&lt;b&gt;", 10), 0);
	buf_free(&b);
	tmpl_free(t);
	json_decref(ctx);
}
END_TEST

static Suite *
tmpl_suite(void)
{
	Suite *s = suite_create("tmpl");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, escapes_by_default);
	tcase_add_test(tc, trusted_html_is_explicit);
	tcase_add_test(tc, missing_names_render_nothing);
	tcase_add_test(tc, values);
	tcase_add_test(tc, sections_and_nesting);
	tcase_add_test(tc, locale_strings);
	tcase_add_test(tc, compile_errors);
	tcase_add_test(tc, output_limit);
	tcase_add_test(tc, embedded_templates_compile);
	tcase_add_test(tc, nul_ends_the_template);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return run_suite(tmpl_suite());
}
