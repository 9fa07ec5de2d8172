/*
 * money.h: amounts are integers in minor units with an ISO 4217 currency.
 * Never a float. KES and USD have 2 decimals; TZS and UGX are shown without
 * decimals (their minor unit is still 1/100 in storage, as ISO says for
 * TZS; UGX has exponent 0 — see money.c for the table).
 */
#ifndef NY_MONEY_H
#define NY_MONEY_H

#include <stddef.h>
#include <stdint.h>

#include "ny.h"

/* Returns 1 when code is a supported currency (KES, TZS, UGX, USD). */
int	money_currency_ok(const char *code);

/*
 * Decimal places of the currency's minor unit (KES 2, USD 2, TZS 2, UGX 0)
 * into *exponent. Returns NY_OK, or NY_EINVAL for an unsupported code.
 */
enum ny_err money_exponent(const char *code, int *exponent);

/*
 * Formats an amount for people in a language ("en" or "sw"):
 *   en: "KES 1,500.00", "USD 12.50", "UGX 20,000"
 *   sw: "KSh 1,500.00", "TSh 20,000", "USh 20,000", "USD 12.50"
 * Whole amounts keep their decimals in en/sw alike. Writes at most len
 * bytes (NUL included) and returns buf.
 */
char	*money_format(int64_t minor, const char *currency, const char *lang,
	    char *buf, size_t len);

/*
 * Parses what a creator types ("1500", "1,500.50", "1500.5") in the
 * currency's major unit into minor units. Returns NY_OK or NY_EINVAL
 * (negative, too many decimals, garbage, overflow).
 */
enum ny_err money_parse(const char *s, const char *currency, int64_t *minor);

#endif
