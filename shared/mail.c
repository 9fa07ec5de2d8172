/*
 * mail.c: email addresses and the email twin of a buyer's messages. See
 * mail.h.
 */
#include <string.h>

#include "mail.h"

/* A character a local part may hold without quoting (RFC 5322 atext
 * and '.'), minus what could end a header or a list. */
static int
mail_local_ok(unsigned char c)
{
	return c > 0x20 && c < 0x7f && strchr("\"<>(),;:[]\\@", c) == NULL;
}

enum ny_err
mail_addr_check(const char *in, char *out, size_t len)
{
	const char *s = in, *e, *at = NULL, *p;
	size_t n, label = 0;
	int dot = 0;

	if (in == NULL || len < MAIL_ADDR_MAX + 1)
		return NY_EINVAL;
	while (*s == ' ' || *s == '\t')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t'))
		e--;
	n = (size_t)(e - s);
	if (n < 3 || n > MAIL_ADDR_MAX)
		return NY_EINVAL;
	for (p = s; p < e; p++) {
		if (*p != '@')
			continue;
		if (at != NULL)
			return NY_EINVAL;
		at = p;
	}
	if (at == NULL || at == s || at - s > 64 || e - at - 1 > 253)
		return NY_EINVAL;
	for (p = s; p < at; p++)
		if (!mail_local_ok((unsigned char)*p))
			return NY_EINVAL;
	if (*s == '.' || at[-1] == '.')
		return NY_EINVAL;
	for (p = s + 1; p < at; p++)	/* "a..b" is refused by relays */
		if (*p == '.' && p[-1] == '.')
			return NY_EINVAL;
	for (p = at + 1; p < e; p++) {
		unsigned char c = (unsigned char)*p;

		if (c == '.') {
			if (label == 0 || p[-1] == '-')
				return NY_EINVAL;
			label = 0;
			dot = 1;
		} else if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || (c == '-' && label > 0)) {
			if (++label > 63)
				return NY_EINVAL;
		} else
			return NY_EINVAL;
	}
	if (!dot || label == 0 || e[-1] == '-')
		return NY_EINVAL;
	/* Lower-cased whole: a local part may in theory be case-sensitive,
	 * but to a buyer "Amina@x.ke" and "amina@x.ke" are one inbox, and
	 * the address is a key here (its library link, its opt-out). */
	memcpy(out, s, n);
	out[n] = '\0';
	for (p = out; *p != '\0'; p++)
		if (*p >= 'A' && *p <= 'Z')
			out[p - out] = (char)(*p - 'A' + 'a');
	return NY_OK;
}
