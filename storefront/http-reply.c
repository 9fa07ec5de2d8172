/*
 * http-reply.c: the response builders handlers answer with (see http.h):
 * bytes, JSON, redirects, responses built on MHD, headers and cookies.
 * They only fill struct http_resp; the server loop (http.c) queues it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http-int.h"
#include "log.h"

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

void
http_add_header(struct http_req *rq, struct http_resp *rs, const char *name,
    const char *value)
{
	if (rs->nhdrs == HTTP_HDRS_MAX) {
		log_warn("too many response headers", "name=%s", name);
		return;
	}
	rs->hdrs[rs->nhdrs].name = http_strdup(rq, name);
	rs->hdrs[rs->nhdrs].value = http_strdup(rq, value);
	rs->nhdrs++;
}

void
http_set_cookie(struct http_req *rq, struct http_resp *rs, const char *name,
    const char *value, int max_age, int http_only)
{
	const struct ny_config *cfg = http_config();
	char age[48] = "";

	if (max_age > 0)
		snprintf(age, sizeof age, "; Max-Age=%d", max_age);
	else if (max_age < 0)
		snprintf(age, sizeof age, "; Max-Age=0");
	/* Secure when the site is served over https (behind a proxy too) */
	http_add_header(rq, rs, MHD_HTTP_HEADER_SET_COOKIE,
	    http_printf(rq, "%s=%s; Path=/; SameSite=Lax%s%s%s", name, value,
	    age, http_only ? "; HttpOnly" : "", cfg != NULL &&
	    strncmp(cfg->base_url, "https:", 6) == 0 ? "; Secure" : ""));
}

int
http_bytes(struct http_req *rq, struct http_resp *rs, int status,
    const char *content_type, const void *data, size_t len)
{
	char *p = http_alloc(rq, len + 1);

	memcpy(p, data, len);
	rs->body = p;
	rs->len = len;
	rs->has_body = 1;
	rs->ctype = http_strdup(rq, content_type);
	rs->status = status;
	return status;
}

int
http_json(struct http_req *rq, struct http_resp *rs, int status, json_t *v)
{
	char *s = json_dumps(v, JSON_COMPACT | JSON_ENSURE_ASCII);

	json_decref(v);
	if (s == NULL)
		return 500;
	http_bytes(rq, rs, status, "application/json", s, strlen(s));
	free(s);
	rs->etag_ok = 1;
	return status;
}

int
http_redirect(struct http_req *rq, struct http_resp *rs, int status,
    const char *location)
{
	static const char empty[] = "";

	http_add_header(rq, rs, MHD_HTTP_HEADER_LOCATION, location);
	return http_bytes(rq, rs, status, "text/plain; charset=utf-8", empty, 0);
}

int
http_mhd(struct http_req *rq, struct http_resp *rs, int status,
    struct MHD_Response *r)
{
	(void)rq;
	rs->mhd = r;
	rs->status = status;
	return status;
}
