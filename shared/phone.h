/*
 * phone.h: the phone forms people type in Kenya, Tanzania and Uganda,
 * normalised to E.164 digits without '+' ("254712345678").
 *
 * Accepted: "0712 345 678", "0712-345-678", "+254 712 345 678",
 * "254712345678", "712345678" (Kenya assumed for a bare 9-digit mobile),
 * "+255 754 123 456", "0754123456" with default country 255, "+256 772…".
 * Spaces, dashes, dots and parentheses are ignored.
 */
#ifndef NY_PHONE_H
#define NY_PHONE_H

#include <stddef.h>

/* Why a number was refused; the UI translates "phone.err.<name>". */
enum phone_err {
	PHONE_OK = 0,
	PHONE_EMPTY,		/* nothing typed */
	PHONE_CHARS,		/* letters or other characters */
	PHONE_LENGTH,		/* too short or too long */
	PHONE_COUNTRY,		/* not a Kenyan, Tanzanian or Ugandan number */
	PHONE_NOT_MOBILE,	/* a landline or unknown prefix */
};

/*
 * Normalises in into out (at least 16 bytes). default_cc is the country
 * code assumed for national forms ("254", "255" or "256"; NULL = "254").
 * Returns PHONE_OK or the reason.
 */
enum phone_err phone_normalize(const char *in, const char *default_cc,
		    char *out, size_t outlen);

/* Locale key suffix for an error: "empty", "chars", … ("ok" for PHONE_OK). */
const char	*phone_err_name(enum phone_err e);

/* "+254 712 345 678" for display (out ≥ 24 bytes); "…678" when masked. */
void		 phone_display(const char *e164, int masked, char *out,
		    size_t outlen);

/*
 * The one rule by which the console finds a buyer by phone while it shows
 * the number masked ("…678"). text may be a whole valid number in any
 * form phone_normalize accepts: it finds exactly that number. Else 1 to 3
 * digits, nothing more: they find the numbers ending with them, all the
 * masked form shows. Nothing else finds a phone, for a prefix or a middle
 * piece would let anyone recover the hidden digits by trying.
 *
 * Writes the key into out (at least 16 bytes) and returns 1, or returns
 * 0 (out "") when text can find no phone.
 */
int		 phone_search_key(const char *text, const char *default_cc,
		    char *out, size_t outlen);

/* 1 when the E.164 number e164 is found by key (from phone_search_key). */
int		 phone_search_match(const char *key, const char *e164);

/*
 * phone_search_match as an SQL condition, for the lists that filter in
 * the database: col the phone column, key the parameter bound to the key
 * ("?5"). A NULL key matches nothing. Both expand to string literals, so
 * the whole statement stays one literal for db_stmt.
 */
#define PHONE_SEARCH_SQL(col, key)					\
	"(" col " = " key " OR (length(" key ") <= 3"			\
	" AND substr(" col ", -length(" key ")) = " key "))"

#endif
