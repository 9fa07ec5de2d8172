/*
 * range.h: the HTTP Range request header (RFC 9110 §14), bytes only.
 *
 * A server may ignore Range; we answer one range with 206 and ignore
 * everything we do not handle (other units, several ranges, malformed
 * headers) with the full 200, except that a well-formed header none of
 * whose ranges can be satisfied gets 416, as §15.5.17 asks.
 */
#ifndef NY_RANGE_H
#define NY_RANGE_H

#include <stdint.h>

#define RANGE_HDR_MAX	512	/* longer headers are ignored (full answer) */

enum range_result {
	RANGE_FULL = 0,		/* no usable Range: send everything, 200 */
	RANGE_PARTIAL,		/* send [*first, *last], 206 */
	RANGE_UNSATISFIABLE,	/* 416 with Content-Range: bytes * /size */
};

/*
 * Parses hdr (the Range value, may be NULL) for a representation of size
 * bytes. On RANGE_PARTIAL, *first and *last are inclusive offsets with
 * 0 <= first <= last < size.
 */
enum range_result range_parse(const char *hdr, int64_t size, int64_t *first,
		    int64_t *last);

#endif
