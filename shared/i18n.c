/*
 * i18n.c: embedded locale tables and lookups.
 *
 * i18n_load parses each locales/<lang>.json once into a sorted array of
 * key/value pairs; lookups are bsearch on those arrays, so after load
 * they only read and any thread may call them. The one thing that writes
 * afterwards is the "missing key" report, which is rare and takes a lock.
 */
#include <assert.h>
#include <ctype.h>
#include <jansson.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "assets.h"
#include "i18n.h"
#include "log.h"
#include "ny.h"

#define I18N_MAX_DOC	(1024 * 1024)	/* bytes of one locale document */
#define I18N_MAX_NAME	48		/* characters of a {placeholder} */
#define I18N_MAX_ARGS	32		/* name/value pairs of one i18n_fmt */
#define I18N_MAX_REPORTED 256		/* missing keys remembered */
#define I18N_MAX_KEY	128		/* bytes of key.one, key.other */

const char *const i18n_langs[] = { "en", "sw", NULL };
#define I18N_NLANGS	2

struct i18n_pair {
	char	*key;
	char	*val;
};

struct i18n_table {
	struct i18n_pair	*pairs;
	size_t			 n;
};

/* Written by i18n_load only (before threads); read-only afterwards. */
static struct i18n_table tables[I18N_NLANGS];

/* Missing keys already logged; guarded by missing_lock. */
static pthread_mutex_t missing_lock = PTHREAD_MUTEX_INITIALIZER;
static char *missing[I18N_MAX_REPORTED];
static size_t nmissing;

static int
pair_cmp(const void *a, const void *b)
{
	return strcmp(((const struct i18n_pair *)a)->key,
	    ((const struct i18n_pair *)b)->key);
}

/*
 * The index of lang in i18n_langs into *li. Returns NY_OK, or
 * NY_ENOTFOUND for NULL or a language not supported (*li untouched).
 */
static enum ny_err
lang_find(const char *lang, int *li)
{
	int i;

	for (i = 0; lang != NULL && i18n_langs[i] != NULL; i++) {
		if (strcmp(i18n_langs[i], lang) == 0) {
			*li = i;
			return NY_OK;
		}
	}
	return NY_ENOTFOUND;
}

int
i18n_lang_ok(const char *lang)
{
	int li;

	return lang_find(lang, &li) == NY_OK;
}

/*
 * Parses a locale document: a flat JSON object of strings. Returns the
 * object (caller decrefs) or NULL with *cause.
 */
static json_t *
parse_doc(const char *text, size_t len, const char *what, char **cause)
{
	json_error_t jerr;
	json_t *doc;

	if (len > I18N_MAX_DOC) {
		*cause = xasprintf("%s: larger than %d bytes", what, I18N_MAX_DOC);
		return NULL;
	}
	doc = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
	if (doc == NULL) {
		*cause = xasprintf("%s:%d: %s", what, jerr.line, jerr.text);
		return NULL;
	}
	if (!json_is_object(doc)) {
		*cause = xasprintf("%s: not a JSON object", what);
		json_decref(doc);
		return NULL;
	}
	return doc;
}

static void
table_free(struct i18n_table *t)
{
	size_t i;

	for (i = 0; i < t->n; i++) {
		free(t->pairs[i].key);
		free(t->pairs[i].val);
	}
	free(t->pairs);
	t->pairs = NULL;
	t->n = 0;
}

/* Fills t from a locale document (text of len bytes, named path). */
static enum ny_err
table_parse(struct i18n_table *t, const char *text, size_t len,
    const char *path, char **cause)
{
	const char *key;
	json_t *doc, *val;
	size_t i = 0;

	if ((doc = parse_doc(text, len, path, cause)) == NULL)
		return NY_EINVAL;
	t->pairs = xcalloc(json_object_size(doc) + 1, sizeof *t->pairs);
	json_object_foreach(doc, key, val) {
		if (!json_is_string(val)) {
			*cause = xasprintf("%s: %s is not a string", path, key);
			t->n = i;
			table_free(t);
			json_decref(doc);
			return NY_EINVAL;
		}
		t->pairs[i].key = xstrdup(key);
		t->pairs[i].val = xstrdup(json_string_value(val));
		i++;
	}
	t->n = i;
	qsort(t->pairs, t->n, sizeof *t->pairs, pair_cmp);
	json_decref(doc);
	return NY_OK;
}

enum ny_err
i18n_load(char **cause)
{
	const struct ny_asset *a;
	char path[64];
	enum ny_err rc;
	int i;

	for (i = 0; i < I18N_NLANGS; i++) {
		snprintf(path, sizeof path, "locales/%s.json", i18n_langs[i]);
		if ((a = asset_find(path)) == NULL) {
			*cause = xasprintf("%s: not embedded", path);
			return NY_EINVAL;
		}
		table_free(&tables[i]);
		rc = table_parse(&tables[i], (const char *)a->data, a->len, path,
		    cause);
		if (rc != NY_OK)
			return rc;
	}
	return NY_OK;
}

enum ny_err
i18n_load_json(const char *lang, const char *json, char **cause)
{
	struct i18n_table t = { 0 };
	enum ny_err rc;
	int li;

	if (lang_find(lang, &li) != NY_OK) {
		*cause = xasprintf("%.16s: not a supported language", lang);
		return NY_EINVAL;
	}
	rc = table_parse(&t, json, strlen(json), lang, cause);
	if (rc != NY_OK)
		return rc;
	table_free(&tables[li]);
	tables[li] = t;
	return NY_OK;
}

/* The text of key in language li (an index of i18n_langs), or NULL. */
static const char *
table_get(int li, const char *key)
{
	struct i18n_pair k = { .key = (char *)key }, *p;

	if (tables[li].n == 0)
		return NULL;
	p = bsearch(&k, tables[li].pairs, tables[li].n, sizeof *p, pair_cmp);
	return p ? p->val : NULL;
}

/* Logs a key missing everywhere, once per key (the first 256 of them). */
static void
report_missing(const char *key)
{
	size_t i;

	pthread_mutex_lock(&missing_lock);
	for (i = 0; i < nmissing; i++)
		if (strcmp(missing[i], key) == 0)
			break;
	if (i == nmissing && nmissing < I18N_MAX_REPORTED) {
		missing[nmissing++] = xstrdup(key);
		log_warn("locale key missing", "key=%.80s", key);
	}
	pthread_mutex_unlock(&missing_lock);
}

const char *
i18n_get(const char *lang, const char *key)
{
	const char *s;
	int li;

	if (key == NULL)
		return "";
	if (lang_find(lang, &li) == NY_OK && (s = table_get(li, key)) != NULL)
		return s;
	if ((s = table_get(0, key)) != NULL)
		return s;
	report_missing(key);
	return key;
}

const char *
i18n_word(const char *lang, const char *prefix, const char *word)
{
	char key[96];
	const char *t;

	if ((size_t)snprintf(key, sizeof key, "%s%s", prefix, word) >=
	    sizeof key)
		return word;
	t = i18n_get(lang, key);
	/* i18n_get answers the key itself when it has no label. */
	return strcmp(t, key) == 0 ? word : t;
}

static int
name_char(int c)
{
	return isalnum(c) || c == '_';
}

/*
 * If s starts a {placeholder}, returns the length of its name and sets
 * *name; else 0.
 */
static size_t
placeholder_at(const char *s, const char **name)
{
	size_t n = 0;

	if (s[0] != '{')
		return 0;
	while (n < I18N_MAX_NAME && name_char((unsigned char)s[1 + n]))
		n++;
	if (n == 0 || s[1 + n] != '}')
		return 0;
	*name = s + 1;
	return n;
}

char *
i18n_vfmt(const char *lang, const char *key, va_list ap)
{
	const char *names[I18N_MAX_ARGS], *vals[I18N_MAX_ARGS];
	const char *s = i18n_get(lang, key), *name;
	struct ny_buf b;
	size_t nargs = 0, n, i;

	while (nargs < I18N_MAX_ARGS &&
	    (names[nargs] = va_arg(ap, const char *)) != NULL) {
		vals[nargs] = va_arg(ap, const char *);
		if (vals[nargs] == NULL)
			vals[nargs] = "";
		nargs++;
	}
	buf_init(&b, 0);
	while (*s != '\0') {
		if ((n = placeholder_at(s, &name)) != 0) {
			for (i = 0; i < nargs; i++)
				if (strlen(names[i]) == n &&
				    strncmp(names[i], name, n) == 0)
					break;
			if (i < nargs) {
				buf_adds(&b, vals[i]);
				s += n + 2;
				continue;
			}
		}
		buf_add(&b, s, 1);
		s++;
	}
	return buf_steal(&b, NULL);
}

char *
i18n_fmt(const char *lang, const char *key, ...)
{
	va_list ap;
	char *s;

	va_start(ap, key);
	s = i18n_vfmt(lang, key, ap);
	va_end(ap);
	return s;
}

/*
 * The plural form of n in lang: "one" or "other". English and Swahili
 * share the rule (CLDR: one is exactly 1, "1 time" / "mara 1"); a
 * language with more forms (few, many) would choose here.
 */
static const char *
plural_form(const char *lang, long long n)
{
	(void)lang;
	return n == 1 ? "one" : "other";
}

/*
 * The key to render for form of key in language li into k: key.form,
 * else key.other, else key, the first that li's table has. Returns k, or
 * NULL when li has none of them.
 */
static const char *
plural_key(int li, const char *key, const char *form, char *k, size_t len)
{
	const char *forms[] = { form, "other", NULL };
	int w;

	for (int i = 0; forms[i] != NULL; i++) {
		w = snprintf(k, len, "%s.%s", key, forms[i]);
		if (w > 0 && (size_t)w < len && table_get(li, k) != NULL)
			return k;
	}
	return table_get(li, key) != NULL ? key : NULL;
}

char *
i18n_vfmt_n(const char *lang, const char *key, long long n, va_list ap)
{
	const char *form = plural_form(lang, n), *use = NULL;
	char k[I18N_MAX_KEY];
	int li;

	/* The language's own forms first: Swahili's "mara {count}" (one
	 * text for every n) beats English's "{count} time". */
	if (lang_find(lang, &li) == NY_OK)
		use = plural_key(li, key, form, k, sizeof k);
	if (use == NULL)
		use = plural_key(0, key, form, k, sizeof k);
	return i18n_vfmt(lang, use != NULL ? use : key, ap);
}

char *
i18n_fmt_n(const char *lang, const char *key, long long n, ...)
{
	va_list ap;
	char *s;

	va_start(ap, n);
	s = i18n_vfmt_n(lang, key, n, ap);
	va_end(ap);
	return s;
}

/*
 * Parses a q-value ("1", "0.8", "0.125") of n bytes into *q, in
 * thousandths. Returns NY_OK or NY_EINVAL (*q untouched).
 */
static enum ny_err
parse_q(const char *s, size_t n, int *q)
{
	int v, digits = 0;
	size_t i;

	if (n == 0 || (s[0] != '0' && s[0] != '1'))
		return NY_EINVAL;
	v = (s[0] - '0') * 1000;
	if (n > 1 && (s[1] != '.' || n > 5))
		return NY_EINVAL;
	for (i = 2; i < n; i++) {
		if (!isdigit((unsigned char)s[i]))
			return NY_EINVAL;
		v += (s[i] - '0') * (digits == 0 ? 100 : digits == 1 ? 10 : 1);
		digits++;
	}
	if (v > 1000)
		return NY_EINVAL;
	*q = v;
	return NY_OK;
}

/*
 * One "tag;q=…" element of s[0..n): *lang gets the index of the supported
 * language it names ("*" names the first) and *q its q in thousandths.
 * Returns NY_OK, NY_ENOTFOUND (no supported language) or NY_EINVAL (a
 * malformed q).
 */
static enum ny_err
negotiate_one(const char *s, size_t n, int *lang, int *q)
{
	const char *semi = memchr(s, ';', n), *p;
	size_t tlen = semi ? (size_t)(semi - s) : n, plen, i;
	enum ny_err rc = NY_ENOTFOUND;

	while (tlen > 0 && (s[tlen - 1] == ' ' || s[tlen - 1] == '\t'))
		tlen--;
	for (i = 0; i18n_langs[i] != NULL; i++) {
		size_t l = strlen(i18n_langs[i]);

		if (tlen >= l && strncasecmp(s, i18n_langs[i], l) == 0 &&
		    (tlen == l || s[l] == '-' || s[l] == '_')) {
			*lang = (int)i;
			rc = NY_OK;
		}
	}
	if (tlen == 1 && s[0] == '*') {
		*lang = 0;
		rc = NY_OK;
	}
	*q = 1000;
	if (rc != NY_OK || semi == NULL)
		return rc;
	p = semi + 1;
	plen = n - (size_t)(p - s);
	while (plen > 0 && (*p == ' ' || *p == '\t')) {
		p++;
		plen--;
	}
	while (plen > 0 && (p[plen - 1] == ' ' || p[plen - 1] == '\t'))
		plen--;
	if (plen >= 2 && (p[0] == 'q' || p[0] == 'Q') && p[1] == '=')
		return parse_q(p + 2, plen - 2, q);
	return NY_OK;
}

const char *
i18n_negotiate(const char *accept_language)
{
	const char *s = accept_language, *comma;
	int best = -1, bestq = 0, lang = 0, q = 0;
	size_t n, guard = 0;

	if (s == NULL)
		return i18n_langs[0];
	while (*s != '\0' && guard++ < 64) {
		while (*s == ' ' || *s == '\t')
			s++;
		comma = strchr(s, ',');
		n = comma ? (size_t)(comma - s) : strlen(s);
		/* Strictly greater: the first of equal q-values wins. */
		if (negotiate_one(s, n, &lang, &q) == NY_OK && q > bestq) {
			best = lang;
			bestq = q;
		}
		if (comma == NULL)
			break;
		s = comma + 1;
	}
	return i18n_langs[best >= 0 ? best : 0];
}

const char *
i18n_locale_lang(const char *value)
{
	if (value != NULL && strncmp(value, "sw", 2) == 0 &&
	    (value[2] == '\0' || value[2] == '_' || value[2] == '.' ||
	    value[2] == '@'))
		return "sw";
	return i18n_langs[0];
}

const char *
i18n_env_lang(void)
{
	static const char *const vars[] = { "LC_ALL", "LC_MESSAGES", "LANG" };
	const char *v;

	for (size_t i = 0; i < sizeof vars / sizeof vars[0]; i++)
		if ((v = getenv(vars[i])) != NULL && v[0] != '\0')
			return i18n_locale_lang(v);
	return i18n_langs[0];
}

static int
name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Sorted, unique {placeholder} names of s, joined by ',' (caller frees). */
static char *
placeholder_set(const char *s)
{
	char **names = NULL;
	const char *name;
	size_t n, count = 0, cap = 0, i;
	struct ny_buf b;

	for (; *s != '\0'; s++) {
		if ((n = placeholder_at(s, &name)) == 0)
			continue;
		names = xgrow(names, &cap, count + 1, sizeof *names);
		names[count++] = xstrndup(name, n);
		s += n + 1;
	}
	if (count > 1)
		qsort(names, count, sizeof *names, name_cmp);
	buf_init(&b, 0);
	for (i = 0; i < count; i++)
		if (i == 0 || strcmp(names[i], names[i - 1]) != 0)
			buf_printf(&b, "%s{%s}", b.len ? "," : "", names[i]);
	for (i = 0; i < count; i++)
		free(names[i]);
	free(names);
	return buf_steal(&b, NULL);
}

/* Every key of a is in b with the same placeholders: NY_OK or NY_EINVAL. */
static enum ny_err
compare_one_way(json_t *a, json_t *b, const char *an, const char *bn,
    char **cause)
{
	const char *key;
	json_t *va, *vb;
	char *pa, *pb;
	int same;

	json_object_foreach(a, key, va) {
		vb = json_object_get(b, key);
		if (!json_is_string(va) || (vb != NULL && !json_is_string(vb))) {
			*cause = xasprintf("%.80s: not a string", key);
			return NY_EINVAL;
		}
		if (vb == NULL) {
			*cause = xasprintf("%.80s: in %s, missing in %s", key,
			    an, bn);
			return NY_EINVAL;
		}
		pa = placeholder_set(json_string_value(va));
		pb = placeholder_set(json_string_value(vb));
		same = strcmp(pa, pb) == 0;
		if (!same)
			*cause = xasprintf("%.80s: placeholders %.200s in %s, "
			    "%.200s in %s", key, pa, an, pb, bn);
		free(pa);
		free(pb);
		if (!same)
			return NY_EINVAL;
	}
	return NY_OK;
}

enum ny_err
i18n_compare(const char *a_json, const char *b_json, char **cause)
{
	json_t *a = NULL, *b = NULL;
	enum ny_err rc = NY_EINVAL;

	assert(a_json != NULL && b_json != NULL && cause != NULL);
	if ((a = parse_doc(a_json, strlen(a_json), "a", cause)) == NULL)
		goto out;
	if ((b = parse_doc(b_json, strlen(b_json), "b", cause)) == NULL)
		goto out;
	if ((rc = compare_one_way(a, b, "a", "b", cause)) != NY_OK)
		goto out;
	rc = compare_one_way(b, a, "b", "a", cause);
out:
	json_decref(a);
	json_decref(b);
	return rc;
}
