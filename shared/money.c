/*
 * money.c: currencies, formatting for people and parsing what creators
 * type. Amounts are int64 minor units; nothing here touches a float.
 */
#include <assert.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "money.h"
#include "ny.h"

/*
 * exponent is the storage exponent (minor units per major = 10^exponent);
 * shown is how many decimals people see. TZS is stored in cents as ISO
 * 4217 says, but nobody writes TZS cents, so it is shown whole (rounded).
 */
struct currency {
	const char	*code;
	int		 exponent;
	int		 shown;
	const char	*sym_en;
	const char	*sym_sw;
};

static const struct currency currencies[] = {
	{ .code = "KES", .exponent = 2, .shown = 2, .sym_en = "KES", .sym_sw = "KSh" },
	{ .code = "TZS", .exponent = 2, .shown = 0, .sym_en = "TZS", .sym_sw = "TSh" },
	{ .code = "UGX", .exponent = 0, .shown = 0, .sym_en = "UGX", .sym_sw = "USh" },
	{ .code = "USD", .exponent = 2, .shown = 2, .sym_en = "USD", .sym_sw = "USD" },
};

static const struct currency *
currency_find(const char *code)
{
	size_t i;

	if (code == NULL)
		return NULL;
	for (i = 0; i < sizeof currencies / sizeof currencies[0]; i++)
		if (strcmp(currencies[i].code, code) == 0)
			return &currencies[i];
	return NULL;
}

int
money_currency_ok(const char *code)
{
	return currency_find(code) != NULL;
}

enum ny_err
money_exponent(const char *code, int *exponent)
{
	const struct currency *c = currency_find(code);

	if (c == NULL)
		return NY_EINVAL;
	*exponent = c->exponent;
	return NY_OK;
}

static uint64_t
pow10u(int n)
{
	uint64_t p = 1;

	while (n-- > 0)
		p *= 10;
	return p;
}

/* Writes v with a comma every three digits into out (≥ 27 bytes). */
static void
group_digits(uint64_t v, char *out)
{
	char rev[32];
	size_t n = 0, i, o = 0;

	do {
		if (n > 0 && n % 4 == 3)
			rev[n++] = ',';
		rev[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v != 0);
	for (i = n; i > 0; i--)
		out[o++] = rev[i - 1];
	out[o] = '\0';
}

/*
 * Formats minor units. Unknown currencies are shown with their code and
 * two decimals, so a bad row is still visible rather than hidden.
 */
char *
money_format(int64_t minor, const char *currency, const char *lang,
    char *buf, size_t len)
{
	const struct currency *c = currency_find(currency);
	int exponent = c ? c->exponent : 2, shown = c ? c->shown : 2;
	const char *sym = c ? (lang && strcmp(lang, "sw") == 0 ? c->sym_sw :
	    c->sym_en) : (currency ? currency : "???");
	uint64_t mag, unit, major, frac;
	char whole[32], fr[8];

	assert(buf != NULL && len > 0);
	/* Magnitude without overflow, INT64_MIN included. */
	mag = minor < 0 ? (uint64_t)(-(minor + 1)) + 1 : (uint64_t)minor;
	unit = pow10u(exponent);
	if (shown < exponent) {
		/* Round half up to what is shown. */
		uint64_t step = pow10u(exponent - shown);

		mag = mag / step + (mag % step >= step / 2 ? 1 : 0);
		unit /= step;
	}
	major = mag / unit;
	frac = mag % unit;
	group_digits(major, whole);
	/* The fraction, zero-padded to `shown` digits (at most 2 here). */
	fr[0] = '\0';
	if (shown > 0) {
		int i;

		fr[0] = '.';
		for (i = shown; i > 0; i--) {
			fr[i] = (char)('0' + frac % 10);
			frac /= 10;
		}
		fr[shown + 1] = '\0';
	}
	snprintf(buf, len, "%s %s%s%s", sym, minor < 0 ? "-" : "", whole, fr);
	return buf;
}

/*
 * Checks the position of thousands separators in the integer part
 * s[0..n): either none, or groups of 1-3 then exactly 3 digits.
 */
static int
commas_ok(const char *s, size_t n)
{
	size_t i, run = 0, groups = 0;
	int any = memchr(s, ',', n) != NULL;

	if (!any)
		return 1;
	for (i = 0; i <= n; i++) {
		if (i == n || s[i] == ',') {
			if (run == 0 || run > 3 || (groups > 0 && run != 3))
				return 0;
			groups++;
			run = 0;
		} else
			run++;
	}
	return 1;
}

enum ny_err
money_parse(const char *s, const char *currency, int64_t *minor)
{
	const struct currency *c = currency_find(currency);
	const char *p, *dot, *end;
	uint64_t v = 0, scale;
	int decimals = 0;

	if (c == NULL || s == NULL)
		return NY_EINVAL;
	while (*s == ' ')
		s++;
	end = s + strlen(s);
	while (end > s && end[-1] == ' ')
		end--;
	if (end == s || end - s > 40)
		return NY_EINVAL;
	dot = memchr(s, '.', (size_t)(end - s));
	if (!commas_ok(s, (size_t)((dot ? dot : end) - s)))
		return NY_EINVAL;
	if (!(*s >= '0' && *s <= '9'))
		return NY_EINVAL;	/* sign, dot first, garbage */
	for (p = s; p < end; p++) {
		if (p == dot) {
			if (p + 1 == end)
				return NY_EINVAL;	/* "15." */
			continue;
		}
		if (*p == ',' && (dot == NULL || p < dot))
			continue;
		if (*p < '0' || *p > '9')
			return NY_EINVAL;
		if (dot != NULL && p > dot && ++decimals > c->exponent)
			return NY_EINVAL;
		if (v > (uint64_t)(INT64_MAX - (*p - '0')) / 10)
			return NY_EINVAL;
		v = v * 10 + (uint64_t)(*p - '0');
	}
	scale = pow10u(c->exponent - decimals);
	if (v > (uint64_t)INT64_MAX / scale)
		return NY_EINVAL;
	*minor = (int64_t)(v * scale);
	return NY_OK;
}
