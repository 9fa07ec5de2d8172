/*
 * phone.c: Kenyan, Tanzanian and Ugandan mobile numbers as people type
 * them, normalised to E.164 digits ("254712345678").
 *
 * All three countries use a 9-digit national significant number (NSN)
 * after the country code, written nationally with a trunk '0'. We accept
 * mobiles only: money moves by M-Pesa and messages by WhatsApp, neither
 * of which reaches a landline.
 */
#include <assert.h>
#include <stdio.h>
#include <string.h>

#include "phone.h"

#define PHONE_MAX_INPUT	64	/* characters looked at before giving up */
#define PHONE_MAX_DIGITS 20
#define NSN_LEN		9

/*
 * mobile_first: the leading NSN digits of mobile ranges.
 *   Kenya: 7xx (Safaricom, Airtel, Telkom …) and 10x/11x (newer ranges).
 *   Tanzania: 6x and 7x (Vodacom, Tigo, Airtel, Halotel …).
 *   Uganda: 7x (MTN, Airtel …).
 * Landlines (KE 20/4x/5x/6x, TZ 2x, UG 3x/4x) fall outside.
 */
struct country {
	const char	*cc;
	const char	*const mobile_prefixes[4];
};

static const struct country countries[] = {
	{ .cc = "254", .mobile_prefixes = { "7", "10", "11", NULL } },
	{ .cc = "255", .mobile_prefixes = { "6", "7", NULL } },
	{ .cc = "256", .mobile_prefixes = { "7", NULL } },
};

static const struct country *
country_find(const char *digits)
{
	size_t i;

	for (i = 0; i < sizeof countries / sizeof countries[0]; i++)
		if (strncmp(digits, countries[i].cc, 3) == 0)
			return &countries[i];
	return NULL;
}

static int
is_mobile(const struct country *c, const char *nsn)
{
	size_t i;

	for (i = 0; c->mobile_prefixes[i] != NULL; i++) {
		const char *p = c->mobile_prefixes[i];

		if (strncmp(nsn, p, strlen(p)) == 0)
			return 1;
	}
	return 0;
}

/*
 * Keeps the digits of in, skipping separators; notes a leading '+' (or
 * "00"). Returns PHONE_OK, PHONE_EMPTY, PHONE_CHARS or PHONE_LENGTH.
 */
static enum phone_err
collect_digits(const char *in, char *digits, int *intl)
{
	size_t n = 0, i;
	int seen = 0;

	*intl = 0;
	for (i = 0; in[i] != '\0'; i++) {
		char ch = in[i];

		if (i >= PHONE_MAX_INPUT)
			return PHONE_LENGTH;
		if (ch >= '0' && ch <= '9') {
			if (n >= PHONE_MAX_DIGITS)
				return PHONE_LENGTH;
			digits[n++] = ch;
			seen = 1;
		} else if (ch == '+' && !seen && !*intl) {
			*intl = 1;
			seen = 1;
		} else if (ch == ' ' || ch == '-' || ch == '.' || ch == '(' ||
		    ch == ')' || ch == '\t') {
			continue;
		} else
			return PHONE_CHARS;
	}
	digits[n] = '\0';
	if (n == 0)
		return *intl ? PHONE_LENGTH : PHONE_EMPTY;
	if (!*intl && n > 2 && digits[0] == '0' && digits[1] == '0') {
		memmove(digits, digits + 2, n - 1);	/* "00254…" */
		*intl = 1;
	}
	return PHONE_OK;
}

/* Checks a country + NSN pair and writes cc || nsn into out. */
static enum phone_err
finish(const struct country *c, const char *nsn, char *out, size_t outlen)
{
	if (strlen(nsn) != NSN_LEN)
		return PHONE_LENGTH;
	if (!is_mobile(c, nsn))
		return PHONE_NOT_MOBILE;
	assert(outlen >= 3 + NSN_LEN + 1);
	memcpy(out, c->cc, 3);
	memcpy(out + 3, nsn, NSN_LEN + 1);
	return PHONE_OK;
}

enum phone_err
phone_normalize(const char *in, const char *default_cc, char *out,
    size_t outlen)
{
	const struct country *c, *def;
	char digits[PHONE_MAX_DIGITS + 1];
	const char *nsn;
	size_t n;
	int intl;
	enum phone_err e;

	assert(out != NULL && outlen >= 13);
	out[0] = '\0';
	if (in == NULL)
		return PHONE_EMPTY;
	if ((e = collect_digits(in, digits, &intl)) != PHONE_OK)
		return e;
	def = country_find(default_cc ? default_cc : "254");
	if (def == NULL)
		def = &countries[0];
	n = strlen(digits);
	c = n >= 3 ? country_find(digits) : NULL;
	if (intl || (c != NULL && n >= 11)) {
		/* International form: a country code comes first. */
		if (c == NULL)
			return n < 8 ? PHONE_LENGTH : PHONE_COUNTRY;
		nsn = digits + 3;
		if (nsn[0] == '0' && strlen(nsn) == NSN_LEN + 1)
			nsn++;	/* "+254 0712 …": a stray trunk zero */
		return finish(c, nsn, out, outlen);
	}
	if (digits[0] == '0')
		return n == NSN_LEN + 1 ? finish(def, digits + 1, out, outlen) :
		    PHONE_LENGTH;
	if (n == NSN_LEN)
		return finish(def, digits, out, outlen);
	/* 10+ digits with no '+' and no known country code. */
	return n >= 11 ? PHONE_COUNTRY : PHONE_LENGTH;
}

const char *
phone_err_name(enum phone_err e)
{
	switch (e) {
	case PHONE_OK:		return "ok";
	case PHONE_EMPTY:	return "empty";
	case PHONE_CHARS:	return "chars";
	case PHONE_LENGTH:	return "length";
	case PHONE_COUNTRY:	return "country";
	case PHONE_NOT_MOBILE:	return "not_mobile";
	}
	return "chars";
}

void
phone_display(const char *e164, int masked, char *out, size_t outlen)
{
	size_t n = e164 ? strlen(e164) : 0;

	assert(out != NULL && outlen > 0);
	if (n == 0) {
		out[0] = '\0';
		return;
	}
	if (masked)
		snprintf(out, outlen, "\u2026%s", n > 3 ? e164 + n - 3 : e164);
	else if (n == 12)
		snprintf(out, outlen, "+%.3s %.3s %.3s %.3s", e164, e164 + 3,
		    e164 + 6, e164 + 9);
	else
		snprintf(out, outlen, "+%s", e164);
}

int
phone_search_key(const char *text, const char *default_cc, char *out,
    size_t outlen)
{
	size_t n = text != NULL ? strlen(text) : 0;

	assert(out != NULL && outlen >= 16);
	out[0] = '\0';
	if (n == 0)
		return 0;
	if (phone_normalize(text, default_cc, out, outlen) == PHONE_OK)
		return 1;
	out[0] = '\0';
	if (n > 3 || strspn(text, "0123456789") != n)
		return 0;
	memcpy(out, text, n + 1);
	return 1;
}

int
phone_search_match(const char *key, const char *e164)
{
	size_t k, n;

	if (key == NULL || e164 == NULL || key[0] == '\0')
		return 0;
	if (strcmp(key, e164) == 0)
		return 1;
	k = strlen(key);
	n = strlen(e164);
	return k <= 3 && k <= n && strcmp(e164 + n - k, key) == 0;
}
