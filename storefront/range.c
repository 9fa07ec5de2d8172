/*
 * range.c: Range header parsing. See range.h.
 *
 *   Range       = range-unit "=" range-set
 *   range-set   = 1#range-spec		(commas, optional whitespace)
 *   range-spec  = first-pos "-" [ last-pos ] / "-" suffix-length
 */
#include <string.h>
#include <strings.h>

#include "ny.h"
#include "range.h"

#define RANGE_NUM_MAX	((int64_t)1 << 62)	/* beyond any file */

/*
 * Reads the digits at *p into *v (saturating at RANGE_NUM_MAX) and moves
 * *p past them. NY_OK, or NY_EINVAL when *p is not at a digit (*v = 0).
 */
static enum ny_err
range_num(const char **p, int64_t *v)
{
	const char *s = *p;

	*v = 0;
	if (*s < '0' || *s > '9')
		return NY_EINVAL;
	while (*s >= '0' && *s <= '9') {
		/* Saturate before multiplying: never overflow. */
		if (*v >= RANGE_NUM_MAX / 10)
			*v = RANGE_NUM_MAX;
		else
			*v = *v * 10 + (*s - '0');
		s++;
	}
	*p = s;
	return NY_OK;
}

/* Skips optional whitespace at *p. */
static void
range_ows(const char **p)
{
	while (**p == ' ' || **p == '\t')
		(*p)++;
}

/*
 * One range-spec at *p, for a representation of size bytes. NY_OK with
 * [*first, *last] clamped to the size; NY_ENOTFOUND when it is well
 * formed but selects no byte (unsatisfiable); NY_EINVAL when malformed.
 */
static enum ny_err
range_spec(const char **p, int64_t size, int64_t *first, int64_t *last)
{
	int64_t a, b;

	if (**p == '-') {
		(*p)++;
		if (range_num(p, &b) != NY_OK)
			return NY_EINVAL;
		if (b == 0 || size == 0)
			return NY_ENOTFOUND;
		*first = b >= size ? 0 : size - b;
		*last = size - 1;
		return NY_OK;
	}
	if (range_num(p, &a) != NY_OK || **p != '-')
		return NY_EINVAL;
	(*p)++;
	if (range_num(p, &b) == NY_OK) {
		if (b < a)
			return NY_EINVAL;
	} else
		b = RANGE_NUM_MAX;
	if (a >= size)
		return NY_ENOTFOUND;
	*first = a;
	*last = b >= size ? size - 1 : b;
	return NY_OK;
}

enum range_result
range_parse(const char *hdr, int64_t size, int64_t *first, int64_t *last)
{
	const char *p = hdr;
	int64_t f = 0, l = 0;
	enum ny_err r;
	int n = 0, ok = 0;

	if (hdr == NULL || size < 0 || strlen(hdr) > RANGE_HDR_MAX ||
	    strncasecmp(hdr, "bytes=", 6) != 0)
		return RANGE_FULL;
	p += 6;
	for (;;) {
		range_ows(&p);
		if (*p == ',') {	/* empty list elements are allowed */
			p++;
			continue;
		}
		if (*p == '\0')
			break;
		if ((r = range_spec(&p, size, &f, &l)) == NY_EINVAL)
			return RANGE_FULL;
		n++;
		if (r == NY_OK && ok++ == 0) {
			*first = f;
			*last = l;
		}
		range_ows(&p);
		if (*p != ',' && *p != '\0')
			return RANGE_FULL;
	}
	if (n == 0)
		return RANGE_FULL;
	if (ok == 0)
		return RANGE_UNSATISFIABLE;
	/* Several ranges: multipart/byteranges is not worth it; ignore. */
	return n == 1 ? RANGE_PARTIAL : RANGE_FULL;
}
