/*
 * fuzz-image: the PNG / JPEG / WebP header prober (covers and avatars are
 * creators' uploads, served to every buyer). The input is the file's
 * first bytes. Checks the result's invariants: a success names one of the
 * three types with both sides in 1..IMAGE_MAX_PX, a refusal gives a
 * reason, and the probe never reads outside the buffer (ASan: the input
 * is copied to a buffer of exactly its length).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "image.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	unsigned char *p = malloc(len ? len : 1);
	struct image_info ii = { NULL, 0, 0 };
	const char *why = NULL;
	int rc;

	if (p == NULL)
		return 0;
	memcpy(p, data, len);
	rc = image_probe(p, len, &ii, &why);
	if (rc == NY_OK) {
		if (ii.mime == NULL || (strcmp(ii.mime, "image/png") != 0 &&
		    strcmp(ii.mime, "image/jpeg") != 0 &&
		    strcmp(ii.mime, "image/webp") != 0))
			abort();
		if (ii.width < 1 || ii.width > IMAGE_MAX_PX ||
		    ii.height < 1 || ii.height > IMAGE_MAX_PX)
			abort();
	} else if ((rc != NY_EINVAL && rc != NY_ELIMIT) || why == NULL)
		abort();
	free(p);
	return 0;
}
