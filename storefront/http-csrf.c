/*
 * http-csrf.c: the double-submit CSRF token (see http.h): a random token
 * in an HttpOnly cookie that every form posts back. Pages carry a marker
 * (HTTP_CSRF_MARK) instead of the token, so a cached page stays shared;
 * the server loop splices this buyer's token in just before sending.
 */
#include <string.h>

#include <sodium.h>

#include "crypto.h"
#include "http-int.h"

#define HTTP_CSRF_LEN	22

/* 1 when s (may be NULL) has the shape of a token we hand out. */
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
