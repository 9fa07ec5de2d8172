/*
 * http-page.c: templated pages inside the layout (http_page) and the
 * error pages in the buyer's language (http_error); see http.h.
 */
#include <stdlib.h>
#include <string.h>

#include "http-int.h"
#include "http-link.h"
#include "i18n.h"
#include "log.h"
#include "tmpl.h"

#define HTTP_PAGE_MAX	(2 * 1024 * 1024)

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
	    sizeof HTTP_CSRF_MARK - 1) != NULL || memmem(rs->body, rs->len,
	    HTTP_CART_MARK, sizeof HTTP_CART_MARK - 1) != NULL;
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
