/*
 * fuzz-tmpl: the storefront template compiler and renderer. The input is
 * a template, optionally followed by "\n---\n" and a JSON context; without
 * one a fixed context with nested objects, arrays and hostile strings is
 * used. Rendering is capped (1 MiB) like the server's pages.
 */
#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "i18n.h"
#include "../../storefront/tmpl.c"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char fixed[] =
	"{\"x\":\"<b>&\\\"'\",\"n\":3,\"f\":false,\"e\":\"\",\"z\":null,"
	"\"items\":[{\"name\":\"a\",\"tags\":[\"t\",\"u\"]},{\"name\":\"b\"}],"
	"\"p\":{\"title\":\"T\",\"creator\":{\"name\":\"C\"}}}";

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int loaded;
	const char *src = (const char *)data, *sep;
	size_t tlen = size;
	struct tmpl *t;
	struct ny_buf b;
	json_t *ctx;
	char *cause = NULL;

	if (!loaded) {
		char *c = NULL;

		if (i18n_load(&c) != NY_OK)
			free(c);
		loaded = 1;
	}
	sep = memmem(data, size, "\n---\n", 5);
	if (sep != NULL) {
		tlen = (size_t)(sep - src);
		ctx = json_loadb(sep + 5, size - tlen - 5, 0, NULL);
	} else
		ctx = json_loads(fixed, 0, NULL);
	if (tmpl_compile(src, tlen, &t, &cause) != NY_OK) {
		free(cause);
		json_decref(ctx);
		return 0;
	}
	buf_init(&b, 1 << 20);
	(void)tmpl_render(t, ctx, "sw", &b);
	buf_free(&b);
	tmpl_free(t);
	json_decref(ctx);
	return 0;
}
