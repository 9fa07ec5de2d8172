/*
 * fuzz-i18n: locale JSON. The input is two documents separated by a NUL
 * byte (or one document compared with itself). i18n_compare must never
 * crash and must be symmetric; a document it accepts must load, and every
 * key must render with i18n_fmt. The input also goes through
 * i18n_negotiate as an Accept-Language header.
 */
#include <assert.h>
#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "i18n.h"
#include "log.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	log_set_level(LOG_ERROR);	/* "missing key" warnings are noise */
	return 0;
}

/* Renders every key of a loaded document with a few arguments. */
static void
render_all(const char *doc)
{
	json_t *j = json_loads(doc, 0, NULL);
	const char *key;
	json_t *v;

	if (j == NULL)
		return;
	json_object_foreach(j, key, v) {
		char *s = i18n_fmt("en", key, "name", "Amina", "amount",
		    "KES 1.00", "link", "{link}", NULL);

		assert(s != NULL);
		free(s);
	}
	json_decref(j);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1), *a, *b, *cause = NULL;
	size_t alen;
	int ab, ba;

	memcpy(s, data, size);
	s[size] = '\0';
	(void)i18n_negotiate(s);
	a = s;
	alen = strlen(a);
	b = alen < size ? s + alen + 1 : s;
	ab = i18n_compare(a, b, &cause);
	free(cause);
	cause = NULL;
	ba = i18n_compare(b, a, &cause);
	free(cause);
	cause = NULL;
	assert((ab == NY_OK) == (ba == NY_OK));
	if (i18n_compare(a, a, &cause) == NY_OK) {
		assert(i18n_load_json("en", a, &cause) == NY_OK);
		render_all(a);
	}
	free(cause);
	free(s);
	return 0;
}
