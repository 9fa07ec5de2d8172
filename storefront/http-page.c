/*
 * http-page.c: templated pages inside the layout, error pages in the
 * buyer's language, and the double-submit CSRF token.
 */
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "crypto.h"
#include "http-int.h"
#include "http-link.h"
#include "i18n.h"
#include "log.h"
#include "tmpl.h"

#define HTTP_PAGE_MAX	(2 * 1024 * 1024)
#define HTTP_CSRF_LEN	22

uint64_t
http_hash64(const void *data, size_t len)
{
	const unsigned char *p = data;
	uint64_t h = 0xcbf29ce484222325ULL;
	size_t i;

	for (i = 0; i < len; i++) {
		h ^= p[i];
		h *= 0x100000001b3ULL;
	}
	return h;
}

/* Adds what every page template may use. */
static void
http_page_globals(struct http_req *rq, json_t *ctx)
{
	const char *lang = rq->lang, *other = strcmp(lang, "sw") ? "sw" : "en";

	json_object_set_new(ctx, "lang", json_string(lang));
	json_object_set_new(ctx, "other_lang", json_string(other));
	json_object_set_new(ctx, "other_lang_name", json_string(
	    i18n_get(other, strcmp(other, "sw") ? "sf.lang.en" : "sf.lang.sw")));
	json_object_set_new(ctx, "css", json_string(http_static_url("app.css")));
	json_object_set_new(ctx, "js", json_string(http_static_url("app.js")));
	json_object_set_new(ctx, "csrf", json_string(HTTP_CSRF_MARK));
	/* The language link is built from this: never the raw request path,
	 * which `GET //evil.example/x` would turn into an off-site link. A
	 * page that sets its own (a POST page) builds it from known parts. */
	if (json_object_get(ctx, "path") == NULL) {
		char *link = http_link_path(rq->path);

		json_object_set_new(ctx, "path", json_string(link));
		free(link);
	}
	json_object_set_new(ctx, "base_url", json_string(
	    http_config() ? http_config()->base_url : ""));
	if (json_object_get(ctx, "title") == NULL)
		json_object_set_new(ctx, "title", json_string("Nyota"));
}

int
http_page(struct http_req *rq, struct http_resp *rs, int status,
    const char *name, json_t *ctx)
{
	const struct tmpl *t = tmpl_get(name), *layout = tmpl_get("layout");
	struct ny_buf b;
	char *content;
	size_t len;

	if (ctx == NULL)
		ctx = json_object();
	http_json_defer(rq, ctx);
	if (t == NULL || layout == NULL) {
		log_error("no such template", "name=%s", name);
		return http_bytes(rq, rs, 500, "text/plain; charset=utf-8",
		    "internal error\n", 15);
	}
	http_page_globals(rq, ctx);
	buf_init(&b, HTTP_PAGE_MAX);
	if (tmpl_render(t, ctx, rq->lang, &b) != NY_OK)
		goto toobig;
	content = buf_steal(&b, &len);
	json_object_set_new(ctx, "content", json_stringn(content, len));
	free(content);
	buf_init(&b, HTTP_PAGE_MAX);
	if (tmpl_render(layout, ctx, rq->lang, &b) != NY_OK)
		goto toobig;
	http_bytes(rq, rs, status, "text/html; charset=utf-8", b.data, b.len);
	buf_free(&b);
	rs->etag_ok = 1;
	rs->etag64 = http_hash64(rs->body, rs->len);
	rs->etag64_set = 1;
	rs->splice = memmem(rs->body, rs->len, HTTP_CSRF_MARK,
	    sizeof HTTP_CSRF_MARK - 1) != NULL;
	return status;
toobig:
	buf_free(&b);
	log_error("page too big", "name=%s", name);
	return http_bytes(rq, rs, 500, "text/plain; charset=utf-8",
	    "internal error\n", 15);
}

int
http_error(struct http_req *rq, struct http_resp *rs, int status,
    const char *message_key)
{
	json_t *ctx = json_object();
	char key[32];

	/* a page the handler half built is dropped */
	rs->has_body = 0;
	rs->mhd = NULL;
	snprintf(key, sizeof key, "sf.err.%d", status);
	if (strcmp(i18n_get(rq->lang, key), key) == 0)
		snprintf(key, sizeof key, "sf.err.%d", status < 500 ? 400 : 500);
	json_object_set_new(ctx, "code", json_integer(status));
	json_object_set_new(ctx, "heading", json_string(i18n_get(rq->lang, key)));
	if (message_key != NULL)
		json_object_set_new(ctx, "message",
		    json_string(i18n_get(rq->lang, message_key)));
	json_object_set_new(ctx, "title", json_string(i18n_get(rq->lang, key)));
	http_page(rq, rs, status, "error", ctx);
	rs->etag_ok = 0;
	return status;
}

static int
http_csrf_valid(const char *s)
{
	return tok_shape_ok(s, HTTP_CSRF_LEN);
}

const char *
http_csrf_token(struct http_req *rq, struct http_resp *rs)
{
	const char *c = http_cookie(rq, "csrf");
	unsigned char raw[16];
	char tok[32];

	if (rq->csrf != NULL)
		return rq->csrf;
	if (http_csrf_valid(c)) {
		rq->csrf = http_strdup(rq, c);
		return rq->csrf;
	}
	randombytes_buf(raw, sizeof raw);
	sodium_bin2base64(tok, sizeof tok, raw, sizeof raw,
	    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	rq->csrf = http_strdup(rq, tok);
	http_set_cookie(rq, rs, "csrf", rq->csrf, 0, 1);
	return rq->csrf;
}

int
http_csrf_ok(struct http_req *rq)
{
	const char *c = http_cookie(rq, "csrf"), *f = http_form(rq, "csrf");

	if (!http_csrf_valid(c) || !http_csrf_valid(f))
		return 0;
	return sodium_memcmp(c, f, HTTP_CSRF_LEN) == 0;
}

void
http_csrf_finish(struct http_req *rq, struct http_resp *rs)
{
	static const char mark[] = HTTP_CSRF_MARK;
	const size_t mlen = sizeof mark - 1;
	const char *tok, *p, *end, *hit;
	size_t tlen, n = 0, len;
	char *out, *o;

	if (!rs->splice || !rs->has_body || rs->mhd != NULL)
		return;
	tok = http_csrf_token(rq, rs);
	tlen = strlen(tok);
	end = rs->body + rs->len;
	for (p = rs->body; (hit = memmem(p, (size_t)(end - p), mark, mlen))
	    != NULL; p = hit + mlen)
		n++;
	/* one pass of copying into the arena: the hot path of a cached page */
	len = rs->len - n * mlen + n * tlen;
	o = out = http_alloc(rq, len + 1);
	for (p = rs->body; (hit = memmem(p, (size_t)(end - p), mark, mlen))
	    != NULL; p = hit + mlen) {
		memcpy(o, p, (size_t)(hit - p));
		o += hit - p;
		memcpy(o, tok, tlen);
		o += tlen;
	}
	memcpy(o, p, (size_t)(end - p));
	rs->body = out;
	rs->len = len;
	if (rs->etag64_set)
		rs->etag64 ^= http_hash64(tok, tlen) * 31;
	rs->splice = 0;
}

const char *
http_routes_allow(struct http_req *rq)
{
	const struct http_route *r;
	char out[128] = "";
	size_t n = 0;

	for (r = http_routes; r->method != NULL; r++) {
		if (!http_route_matches(r->pattern, rq->path))
			continue;
		if (strstr(out, r->method) != NULL)
			continue;
		n += (size_t)snprintf(out + n, sizeof out - n, "%s%s%s",
		    n ? ", " : "", r->method,
		    strcmp(r->method, "GET") == 0 ? ", HEAD" : "");
		if (n >= sizeof out)
			break;
	}
	return http_strdup(rq, out);
}
