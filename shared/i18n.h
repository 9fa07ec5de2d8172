/*
 * i18n.h: strings from locales/<lang>.json (embedded at build time): flat keys
 * → strings with {name} placeholders. English is the fallback for a key
 * missing in another language; a key missing everywhere renders as the key
 * itself (and is reported once in the log).
 *
 * i18n_load is called once at start (it is not thread-safe); lookups after
 * that are read-only and safe from any thread.
 */
#ifndef NY_I18N_H
#define NY_I18N_H

#include <stddef.h>

#include "ny.h"

/* Supported languages, in order; "en" first (the fallback). */
extern const char *const i18n_langs[];	/* {"en", "sw", NULL} */

/* Loads every embedded locale. Returns NY_OK or NY_EINVAL with *cause. */
enum ny_err	 i18n_load(char **cause);

/*
 * Tests and tools: replaces the table of one supported language with the
 * flat JSON object in json (same rules as the embedded files). Not
 * thread-safe, like i18n_load. Returns NY_OK or NY_EINVAL with *cause.
 */
enum ny_err	 i18n_load_json(const char *lang, const char *json,
		     char **cause);

/* Returns 1 for a supported language code. */
int		 i18n_lang_ok(const char *lang);

/* The raw string for key in lang (falls back to en, then to key). */
const char	*i18n_get(const char *lang, const char *key);

/*
 * The label of a stored word (a status, a kind, an audit action) under
 * key prefix ("tui.mstatus." + "sent"), or the word itself when there is
 * none, so a word newer than the locales still shows.
 */
const char	*i18n_word(const char *lang, const char *prefix,
		     const char *word);

/*
 * Renders key in lang with placeholders replaced from a NULL-terminated
 * list of name, value pairs: i18n_fmt("sw", "order.paid", "amount", a,
 * NULL). Unknown placeholders are left as they are. Caller frees.
 */
char		*i18n_fmt(const char *lang, const char *key, ...);
char		*i18n_vfmt(const char *lang, const char *key, va_list ap);

/*
 * i18n_fmt for a text about n things: renders key + ".one" when n is 1
 * (English and Swahili: exactly 1), else key + ".other", else key itself,
 * the first that lang has; only when lang has none of them, the same
 * in English. So key alone is the text for every n, and a language
 * whose text reads right for any n ("mara {count}") needs no forms.
 * The caller passes n's figure among the placeholders like any other:
 * i18n_fmt_n(lang, "lib.downloads_count", n, "count", "1", NULL) →
 * "Downloaded 1 time". Caller frees.
 */
char		*i18n_fmt_n(const char *lang, const char *key, long long n, ...)
		     __attribute__((sentinel));
char		*i18n_vfmt_n(const char *lang, const char *key, long long n,
		     va_list ap);

/*
 * Picks "en" or "sw" from an Accept-Language header value (q-values
 * honoured); NULL or nothing supported → "en".
 */
const char	*i18n_negotiate(const char *accept_language);

/*
 * The language of one POSIX locale value (LANG, LC_ALL or LC_MESSAGES):
 * "sw" for sw, sw_KE.UTF-8, sw.UTF-8, sw@…; "en" for anything else,
 * NULL and "" included. The one rule for the operator's (CLI) and the SSH
 * client's (console enrolment) language.
 */
const char	*i18n_locale_lang(const char *value);

/*
 * The operator's language from the environment in POSIX order: the first
 * of LC_ALL, LC_MESSAGES, LANG that is set and non-empty decides, through
 * i18n_locale_lang; "en" when none is. Reads getenv (not thread-safe
 * against setenv); returns a static string.
 */
const char	*i18n_env_lang(void);

/*
 * Compares two locale documents (JSON text): every key of a is in b and
 * vice versa, with the same set of {placeholders}. Returns NY_OK, or
 * NY_EINVAL with *cause naming the first difference. For the parity test.
 */
enum ny_err	 i18n_compare(const char *a_json, const char *b_json,
		     char **cause);

#endif
