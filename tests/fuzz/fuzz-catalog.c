/*
 * fuzz-catalog: the import document validator (catalog_validate) on
 * arbitrary bytes. It must never crash, and every refusal must come with
 * a one-line cause; files are not looked at (check_files 0).
 */
#include <assert.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "catalog-io.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *cause = NULL;
	int rc;

	rc = catalog_validate((const char *)data, size, "/nonexistent", 0,
	    &cause);
	if (rc == NY_OK)
		assert(cause == NULL);
	else {
		assert(rc == NY_EINVAL);
		assert(cause != NULL && cause[0] != '\0');
		assert(strchr(cause, '\n') == NULL);
	}
	free(cause);
	return 0;
}
