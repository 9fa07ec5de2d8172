/*
 * test-i18n: lookups, fallback to English, placeholders, Accept-Language
 * negotiation, and en/sw parity of the real embedded locale files.
 */
#include <check.h>
#include <jansson.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "assets.h"
#include "i18n.h"
#include "testutil.h"

static void
load_real(void)
{
	char *cause = NULL;

	ck_assert_msg(i18n_load(&cause) == NY_OK, "%s", cause ? cause : "");
}

/* A stored word's label, or the word when the locales have none. */
START_TEST(stored_words)
{
	char prefix[120];

	load_real();
	ck_assert_str_eq(i18n_word("sw", "tui.mstatus.", "sent"), "imetumwa");
	ck_assert_str_eq(i18n_word("en", "tui.mstatus.", "sent"), "sent");
	ck_assert_str_eq(i18n_word("sw", "tui.mstatus.", "newer"), "newer");
	memset(prefix, 'x', sizeof prefix - 1);
	prefix[sizeof prefix - 1] = '\0';
	ck_assert_str_eq(i18n_word("en", prefix, "sent"), "sent");
}
END_TEST

START_TEST(real_files_parity)
{
	const struct ny_asset *en = asset_find("locales/en.json");
	const struct ny_asset *sw = asset_find("locales/sw.json");
	char *cause = NULL;
	int rc;

	ck_assert_ptr_nonnull(en);
	ck_assert_ptr_nonnull(sw);
	rc = i18n_compare((const char *)en->data, (const char *)sw->data, &cause);
	ck_assert_msg(rc == NY_OK, "en/sw differ: %s", cause ? cause : "");
}
END_TEST

START_TEST(real_files_not_copies)
{
	/* Swahili must be translated: most values differ from English. */
	load_real();
	ck_assert_str_eq(i18n_get("en", "phone.err.empty"),
	    "Enter a phone number.");
	ck_assert_str_eq(i18n_get("sw", "phone.err.empty"),
	    "Weka nambari ya simu.");
	ck_assert_str_ne(i18n_get("en", "money.free"),
	    i18n_get("sw", "money.free"));
}
END_TEST

/* Across the whole files: at most 1 value in 20 is the same in both
 * (names, numbers, placeholders-only strings), so sw is no English copy. */
START_TEST(real_files_mostly_translated)
{
	const struct ny_asset *ea = asset_find("locales/en.json");
	const struct ny_asset *sa = asset_find("locales/sw.json");
	json_t *en, *sw, *v;
	const char *k;
	size_t total = 0, same = 0;

	en = json_loadb((const char *)ea->data, ea->len, 0, NULL);
	sw = json_loadb((const char *)sa->data, sa->len, 0, NULL);
	ck_assert_ptr_nonnull(en);
	ck_assert_ptr_nonnull(sw);
	json_object_foreach(en, k, v) {
		total++;
		if (json_equal(v, json_object_get(sw, k)))
			same++;
	}
	ck_assert_uint_ge(total, 50);
	ck_assert_msg(same * 20 <= total, "%zu of %zu sw values are the "
	    "English text", same, total);
	json_decref(en);
	json_decref(sw);
}
END_TEST

START_TEST(phone_error_keys_exist)
{
	static const char *const keys[] = { "phone.err.empty",
	    "phone.err.chars", "phone.err.length", "phone.err.country",
	    "phone.err.not_mobile" };
	size_t i;

	load_real();
	for (i = 0; i < sizeof keys / sizeof keys[0]; i++) {
		ck_assert_str_ne(i18n_get("en", keys[i]), keys[i]);
		ck_assert_str_ne(i18n_get("sw", keys[i]), keys[i]);
	}
}
END_TEST

START_TEST(fallback)
{
	char *cause = NULL;

	ck_assert_int_eq(i18n_load_json("en", "{\"a\":\"A en\",\"b\":\"B en\"}",
	    &cause), NY_OK);
	ck_assert_int_eq(i18n_load_json("sw", "{\"a\":\"A sw\"}", &cause),
	    NY_OK);
	ck_assert_str_eq(i18n_get("sw", "a"), "A sw");
	ck_assert_str_eq(i18n_get("sw", "b"), "B en");	/* falls back */
	ck_assert_str_eq(i18n_get("fr", "a"), "A en");	/* unknown lang */
	ck_assert_str_eq(i18n_get(NULL, "a"), "A en");
	ck_assert_str_eq(i18n_get("sw", "nope.key"), "nope.key");
	ck_assert_str_eq(i18n_get("sw", "nope.key"), "nope.key");	/* again */
	ck_assert_int_eq(i18n_load_json("xx", "{}", &cause), NY_EINVAL);
	free(cause);
	cause = NULL;
	ck_assert_int_eq(i18n_load_json("sw", "[1]", &cause), NY_EINVAL);
	free(cause);
	cause = NULL;
	ck_assert_int_eq(i18n_load_json("sw", "{\"a\":1}", &cause), NY_EINVAL);
	ck_assert_ptr_nonnull(strstr(cause, "not a string"));
	free(cause);
	cause = NULL;
	ck_assert_int_eq(i18n_load_json("sw", "{\"a\":\"x\",\"a\":\"y\"}",
	    &cause), NY_EINVAL);
	free(cause);
	/* A refused document leaves the old table in place. */
	ck_assert_str_eq(i18n_get("sw", "a"), "A sw");
}
END_TEST

/* i18n_fmt_n renders s and checks it; frees. */
static void
plural_is(const char *lang, const char *key, long long n, const char *want)
{
	char fig[24], *s;

	snprintf(fig, sizeof fig, "%lld", n);
	s = i18n_fmt_n(lang, key, n, "n", fig, NULL);
	ck_assert_msg(strcmp(s, want) == 0, "%s %s n=%lld: \"%s\", want "
	    "\"%s\"", lang, key, n, s, want);
	free(s);
}

START_TEST(plural_forms)
{
	char *cause = NULL;

	ck_assert_int_eq(i18n_load_json("en", "{"
	    "\"d\":\"{n} times\",\"d.one\":\"{n} time\","
	    "\"o.other\":\"{n} others\",\"o.one\":\"one other\","
	    "\"b\":\"{n} base\",\"b.other\":\"{n} bases\","
	    "\"plain\":\"{n} min\",\"en_only\":\"{n} files\","
	    "\"en_only.one\":\"{n} file\"}", &cause), NY_OK);
	ck_assert_int_eq(i18n_load_json("sw", "{"
	    "\"d\":\"mara {n}\",\"o.other\":\"nyingine {n}\","
	    "\"o.one\":\"nyingine moja\"}", &cause), NY_OK);
	/* English: one for exactly 1, other for 0, 2, 21 and negatives. */
	plural_is("en", "d", 1, "1 time");
	plural_is("en", "d", 0, "0 times");
	plural_is("en", "d", 2, "2 times");
	plural_is("en", "d", 21, "21 times");
	plural_is("en", "d", -1, "-1 times");
	plural_is("en", "o", 1, "one other");
	plural_is("en", "o", 5, "5 others");
	/* No .one: .other before the bare key; no forms at all: the key. */
	plural_is("en", "b", 1, "1 bases");
	plural_is("en", "plain", 1, "1 min");
	plural_is("en", "plain", 3, "3 min");
	/* Swahili's own text for every n wins over English's forms. */
	plural_is("sw", "d", 1, "mara 1");
	plural_is("sw", "d", 7, "mara 7");
	plural_is("sw", "o", 1, "nyingine moja");
	plural_is("sw", "o", 2, "nyingine 2");
	/* A key Swahili lacks falls back to English, with its forms. */
	plural_is("sw", "en_only", 1, "1 file");
	plural_is("sw", "en_only", 2, "2 files");
	plural_is("fr", "d", 1, "1 time");
	/* Missing everywhere: the key, like i18n_get. */
	plural_is("en", "nope.key", 1, "nope.key");
}
END_TEST

/* The real files: the strings issue 15 found ("Downloaded 1 times"). */
START_TEST(plural_real)
{
	char *s;

	load_real();
	s = i18n_fmt_n("en", "lib.downloads_count", 1, "count", "1", NULL);
	ck_assert_str_eq(s, "Downloaded 1 time");
	free(s);
	s = i18n_fmt_n("en", "lib.downloads_count", 2, "count", "2", NULL);
	ck_assert_str_eq(s, "Downloaded 2 times");
	free(s);
	s = i18n_fmt_n("sw", "lib.downloads_count", 1, "count", "1", NULL);
	ck_assert_str_eq(s, "Imepakuliwa mara 1");
	free(s);
	s = i18n_fmt_n("en", "lib.downloads_limit", 1, "count", "0", "limit",
	    "1", NULL);
	ck_assert_str_eq(s, "Downloaded 0 of 1 time");
	free(s);
	s = i18n_fmt_n("en", "lib.downloads_limit", 3, "count", "1", "limit",
	    "3", NULL);
	ck_assert_str_eq(s, "Downloaded 1 of 3 times");
	free(s);
	s = i18n_fmt_n("en", "cli.import.skipped", 1, "n", "1", NULL);
	ck_assert_str_eq(s, "catalog has 1 product: import skipped");
	free(s);
	s = i18n_fmt_n("sw", "tui.wiz.files_n", 1, "n", "1", NULL);
	ck_assert_str_eq(s, "faili 1, wanunuzi wanapata hii:");
	free(s);
	s = i18n_fmt_n("en", "tui.wiz.files_n", 2, "n", "2", NULL);
	ck_assert_str_eq(s, "2 files, buyers see them in this order:");
	free(s);
}
END_TEST

/* Every .one/.other key has the text for the other numbers beside it. */
START_TEST(plural_keys_complete)
{
	const struct ny_asset *ea = asset_find("locales/en.json");
	json_t *en, *v;
	const char *k;
	char base[256];
	size_t n;

	en = json_loadb((const char *)ea->data, ea->len, 0, NULL);
	ck_assert_ptr_nonnull(en);
	json_object_foreach(en, k, v) {
		n = strlen(k);
		if (n < 5 || n >= sizeof base ||
		    strcmp(k + n - 4, ".one") != 0)
			continue;
		memcpy(base, k, n - 4);
		base[n - 4] = '\0';
		if (json_object_get(en, base) != NULL)
			continue;
		strcat(base, ".other");
		ck_assert_msg(json_object_get(en, base) != NULL,
		    "%s without %s or its bare key", k, base);
	}
	json_decref(en);
}
END_TEST

START_TEST(placeholders)
{
	char *cause = NULL, *s;

	ck_assert_int_eq(i18n_load_json("en", "{\"t\":\"{who} paid {amount} "
	    "to {who}; {unknown} {not closed {} {a-b}\",\"plain\":\"no {\"}",
	    &cause), NY_OK);
	ck_assert_int_eq(i18n_load_json("sw", "{\"t\":\"{who} amelipa "
	    "{amount}\"}", &cause), NY_OK);
	s = i18n_fmt("en", "t", "who", "Amina", "amount", "KES 1,500.00", NULL);
	ck_assert_str_eq(s, "Amina paid KES 1,500.00 to Amina; {unknown} "
	    "{not closed {} {a-b}");
	free(s);
	s = i18n_fmt("sw", "t", "amount", "TSh 20,000", "who", "Juma", NULL);
	ck_assert_str_eq(s, "Juma amelipa TSh 20,000");
	free(s);
	/* A value that looks like a placeholder is not expanded again. */
	s = i18n_fmt("sw", "t", "who", "{amount}", "amount", "1", NULL);
	ck_assert_str_eq(s, "{amount} amelipa 1");
	free(s);
	s = i18n_fmt("en", "plain", NULL);
	ck_assert_str_eq(s, "no {");
	free(s);
	s = i18n_fmt("en", "missing.key", "x", "y", NULL);
	ck_assert_str_eq(s, "missing.key");
	free(s);
	s = i18n_fmt("sw", "t", "who", NULL, NULL);	/* NULL value → "" */
	ck_assert_str_eq(s, " amelipa {amount}");
	free(s);
}
END_TEST

START_TEST(real_placeholder)
{
	char *s;

	load_real();
	s = i18n_fmt("sw", "money.total", "amount", "KSh 10.00", NULL);
	ck_assert_str_eq(s, "Jumla: KSh 10.00");
	free(s);
}
END_TEST

struct neg_case {
	const char *hdr, *want;
};

static const struct neg_case neg[] = {
	{ NULL, "en" },
	{ "", "en" },
	{ "sw", "sw" },
	{ "sw-KE", "sw" },
	{ "SW-tz", "sw" },
	{ "en-US,en;q=0.9", "en" },
	{ "fr-FR,fr;q=0.9,sw;q=0.8,en;q=0.7", "sw" },
	{ "en;q=0.5, sw;q=0.6", "sw" },
	{ "en;q=0.6,sw;q=0.6", "en" },		/* tie: first wins */
	{ "sw;q=0.6,en;q=0.6", "sw" },
	{ "sw;q=0, en;q=0.1", "en" },
	{ "sw;q=0", "en" },
	{ "fr, de", "en" },
	{ "*", "en" },
	{ "fr, *;q=0.5, sw;q=0.4", "en" },
	{ "swa", "en" },			/* not a prefix match */
	{ "sw;q=abc, en;q=0.2", "en" },	/* malformed q ignored */
	{ "sw;q=1.5", "en" },
	{ "sw ; q=0.9 , en ; q=0.8", "sw" },
	{ "sw;Q=1.000", "sw" },
	{ ",,,;;;,sw", "sw" },
	{ "en-GB;q=0.8, sw-KE;q=0.801", "sw" },
};

START_TEST(negotiate)
{
	const struct neg_case *c = &neg[_i];

	ck_assert_msg(strcmp(i18n_negotiate(c->hdr), c->want) == 0,
	    "\"%s\" → %s", c->hdr ? c->hdr : "(null)",
	    i18n_negotiate(c->hdr));
}
END_TEST

START_TEST(negotiate_long_header)
{
	struct ny_buf b;
	int i;

	buf_init(&b, 0);
	for (i = 0; i < 5000; i++)
		buf_adds(&b, "fr;q=0.1,");
	buf_adds(&b, "sw");
	/* Bounded work: only the first elements are looked at. */
	ck_assert_str_eq(i18n_negotiate(b.data), "en");
	buf_free(&b);
}
END_TEST

struct cmp_case {
	const char *a, *b;
	int rc;
	const char *cause;
};

static const struct cmp_case cmp[] = {
	{ "{}", "{}", NY_OK, NULL },
	{ "{\"k\":\"a {x} {y}\"}", "{\"k\":\"{y} b {x} {x}\"}", NY_OK, NULL },
	{ "{\"k\":\"a\",\"j\":\"b\"}", "{\"k\":\"c\"}", NY_EINVAL, "j: in a" },
	{ "{\"k\":\"a\"}", "{\"k\":\"c\",\"z\":\"d\"}", NY_EINVAL, "z: in b" },
	{ "{\"k\":\"{n}\"}", "{\"k\":\"{m}\"}", NY_EINVAL, "placeholders" },
	{ "{\"k\":\"{n}\"}", "{\"k\":\"n\"}", NY_EINVAL, "placeholders" },
	{ "{\"k\":1}", "{\"k\":\"1\"}", NY_EINVAL, "not a string" },
	{ "{\"k\":\"1\"}", "{\"k\":[]}", NY_EINVAL, "not a string" },
	{ "[]", "{}", NY_EINVAL, "not a JSON object" },
	{ "{", "{}", NY_EINVAL, "a:" },
	{ "{}", "nope", NY_EINVAL, "b:" },
	{ "{\"k\":\"x\",\"k\":\"y\"}", "{\"k\":\"x\"}", NY_EINVAL, "a:" },
};

START_TEST(compare)
{
	const struct cmp_case *c = &cmp[_i];
	char *cause = NULL;

	ck_assert_int_eq(i18n_compare(c->a, c->b, &cause), c->rc);
	if (c->cause) {
		ck_assert_ptr_nonnull(cause);
		ck_assert_msg(strstr(cause, c->cause) != NULL, "cause: %s",
		    cause);
	}
	free(cause);
}
END_TEST

static void *
lookup_thread(void *arg)
{
	int i, bad = 0;

	(void)arg;
	for (i = 0; i < 20000; i++) {
		if (strcmp(i18n_get("sw", "money.free"), "Bure") != 0)
			bad++;
		if (strcmp(i18n_get("sw", "no.such.key"), "no.such.key") != 0)
			bad++;
	}
	return (void *)(intptr_t)bad;
}

START_TEST(threads_lookup)
{
	pthread_t t[4];
	void *r;
	int i;

	load_real();
	for (i = 0; i < 4; i++)
		pthread_create(&t[i], NULL, lookup_thread, NULL);
	for (i = 0; i < 4; i++) {
		pthread_join(t[i], &r);
		ck_assert_int_eq((int)(intptr_t)r, 0);
	}
}
END_TEST

START_TEST(langs)
{
	ck_assert_str_eq(i18n_langs[0], "en");
	ck_assert_str_eq(i18n_langs[1], "sw");
	ck_assert_ptr_null(i18n_langs[2]);
	ck_assert(i18n_lang_ok("en"));
	ck_assert(i18n_lang_ok("sw"));
	ck_assert(!i18n_lang_ok("fr"));
	ck_assert(!i18n_lang_ok(NULL));
	ck_assert(!i18n_lang_ok("SW"));
}
END_TEST

/* One POSIX locale value → language (CLI operator, SSH client's LANG). */
static const struct { const char *value, *lang; } loc[] = {
	{ "sw_KE.UTF-8", "sw" }, { "sw_TZ", "sw" }, { "sw", "sw" },
	{ "sw.UTF-8", "sw" }, { "sw@latin", "sw" }, { "en_GB.UTF-8", "en" },
	{ "C", "en" }, { "C.UTF-8", "en" }, { "POSIX", "en" }, { "", "en" },
	{ NULL, "en" }, { "s", "en" }, { "swx", "en" }, { "SW_KE", "en" },
	{ "sv_SE.UTF-8", "en" }, { "de_DE.UTF-8", "en" },
};

START_TEST(locale_lang)
{
	ck_assert_str_eq(i18n_locale_lang(loc[_i].value), loc[_i].lang);
}
END_TEST

/* LC_ALL, then LC_MESSAGES, then LANG; unset or empty ones are skipped. */
START_TEST(env_lang)
{
	unsetenv("LC_ALL");
	unsetenv("LC_MESSAGES");
	unsetenv("LANG");
	ck_assert_str_eq(i18n_env_lang(), "en");
	setenv("LANG", "sw_KE.UTF-8", 1);
	ck_assert_str_eq(i18n_env_lang(), "sw");
	setenv("LC_MESSAGES", "", 1);
	ck_assert_str_eq(i18n_env_lang(), "sw");
	setenv("LC_MESSAGES", "C", 1);
	ck_assert_str_eq(i18n_env_lang(), "en");
	setenv("LC_ALL", "sw_TZ.UTF-8", 1);
	ck_assert_str_eq(i18n_env_lang(), "sw");
	setenv("LC_ALL", "en_US.UTF-8", 1);
	setenv("LC_MESSAGES", "sw_KE", 1);
	ck_assert_str_eq(i18n_env_lang(), "en");
	setenv("LC_ALL", "", 1);
	ck_assert_str_eq(i18n_env_lang(), "sw");
	setenv("LANG", "C", 1);
	unsetenv("LC_MESSAGES");
	ck_assert_str_eq(i18n_env_lang(), "en");
	unsetenv("LC_ALL");
	unsetenv("LANG");
}
END_TEST

static Suite *
i18n_suite(void)
{
	Suite *s = suite_create("i18n");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, real_files_parity);
	tcase_add_test(tc, real_files_not_copies);
	tcase_add_test(tc, real_files_mostly_translated);
	tcase_add_test(tc, phone_error_keys_exist);
	tcase_add_test(tc, fallback);
	tcase_add_test(tc, placeholders);
	tcase_add_test(tc, plural_forms);
	tcase_add_test(tc, plural_real);
	tcase_add_test(tc, plural_keys_complete);
	tcase_add_test(tc, real_placeholder);
	tcase_add_loop_test(tc, negotiate, 0, sizeof neg / sizeof neg[0]);
	tcase_add_test(tc, negotiate_long_header);
	tcase_add_loop_test(tc, compare, 0, sizeof cmp / sizeof cmp[0]);
	tcase_add_test(tc, threads_lookup);
	tcase_add_test(tc, langs);
	tcase_add_test(tc, stored_words);
	tcase_add_loop_test(tc, locale_lang, 0, sizeof loc / sizeof loc[0]);
	tcase_add_test(tc, env_lang);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return run_suite(i18n_suite());
}
