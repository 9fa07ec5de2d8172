/*
 * fuzz-range: the Range header parser. The input is "SIZE\nHEADER": the
 * first line picks the representation size. Checks the result's
 * invariants: a partial range lies inside the file.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../storefront/range.c"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	char *s = malloc(len + 1), *hdr;
	int64_t size = 0, first = -1, last = -1;
	enum range_result r;
	size_t i;

	if (s == NULL)
		return 0;
	memcpy(s, data, len);
	s[len] = '\0';
	hdr = strchr(s, '\n');
	if (hdr != NULL) {
		*hdr++ = '\0';
		for (i = 0; s[i] >= '0' && s[i] <= '9' && i < 15; i++)
			size = size * 10 + (s[i] - '0');
	} else {
		hdr = s;
		size = 1000;
	}
	r = range_parse(hdr, size, &first, &last);
	if (r == RANGE_PARTIAL &&
	    !(first >= 0 && first <= last && last < size))
		abort();
	if (r != RANGE_FULL && r != RANGE_PARTIAL && r != RANGE_UNSATISFIABLE)
		abort();
	free(s);
	return 0;
}
