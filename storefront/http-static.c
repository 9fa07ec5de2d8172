/*
 * http-static.c: the embedded storefront/static/ files, served under a
 * name carrying their content hash (app.3f2a9c01de.css) so browsers may
 * keep them for a year; a changed file gets a new name. Holds their URLs
 * for pages (http_static_url) and the GET /static/{file} handler.
 */
#include <string.h>

#include <sodium.h>

#include "assets.h"
#include "http-int.h"

#define HTTP_STATIC_MAX	32

struct http_static {
	char			 name[64];	/* app.css */
	char			 url[96];	/* /static/app.<hash>.css */
	const char		*ctype;
	const struct ny_asset	*a;
};

/* Filled once by http_static_init before the server starts. */
static struct http_static http_statics[HTTP_STATIC_MAX];
static int http_nstatics;

/* The Content-Type of a static file, by its extension. */
static const char *
http_ctype(const char *name)
{
	static const struct { const char *ext, *type; } types[] = {
		{ ".css", "text/css; charset=utf-8" },
		{ ".js", "text/javascript; charset=utf-8" },
		{ ".svg", "image/svg+xml" },
		{ ".png", "image/png" },
		{ ".ico", "image/x-icon" },
		{ ".txt", "text/plain; charset=utf-8" },
	};
	const char *dot = strrchr(name, '.');
	size_t i;

	for (i = 0; dot != NULL && i < sizeof types / sizeof *types; i++)
		if (strcmp(dot, types[i].ext) == 0)
			return types[i].type;
	return "application/octet-stream";
}

enum ny_err
http_static_init(char **cause)
{
	static const char dir[] = "storefront/static/";
	const struct ny_asset *a;
	unsigned char h[crypto_hash_sha256_BYTES];
	char hex[2 * sizeof h + 1];

	(void)cause;
	http_nstatics = 0;
	for (a = ny_assets; a->path != NULL; a++) {
		struct http_static *s;
		const char *name = a->path + sizeof dir - 1, *dot;

		if (strncmp(a->path, dir, sizeof dir - 1) != 0 ||
		    strlen(name) >= sizeof s->name ||
		    http_nstatics == HTTP_STATIC_MAX)
			continue;
		s = &http_statics[http_nstatics++];
		crypto_hash_sha256(h, a->data, a->len);
		sodium_bin2hex(hex, sizeof hex, h, sizeof h);
		snprintf(s->name, sizeof s->name, "%s", name);
		dot = strrchr(name, '.');
		if (dot == NULL)
			dot = name + strlen(name);
		snprintf(s->url, sizeof s->url, "/static/%.*s.%.10s%s",
		    (int)(dot - name), name, hex, dot);
		s->ctype = http_ctype(name);
		s->a = a;
	}
	return NY_OK;
}

const char *
http_static_url(const char *name)
{
	int i;

	for (i = 0; i < http_nstatics; i++)
		if (strcmp(http_statics[i].name, name) == 0)
			return http_statics[i].url;
	return NULL;
}

int
http_static_serve(struct http_req *rq, struct http_resp *rs)
{
	int i;

	for (i = 0; i < http_nstatics; i++) {
		const struct http_static *s = &http_statics[i];

		if (strcmp(s->url, rq->path) != 0)
			continue;
		/* the asset is in the binary: no copy */
		rs->body = (const char *)s->a->data;
		rs->len = s->a->len;
		rs->has_body = 1;
		rs->ctype = s->ctype;
		http_add_header(rq, rs, MHD_HTTP_HEADER_CACHE_CONTROL,
		    "public, max-age=31536000, immutable");
		return 200;
	}
	return 404;
}
