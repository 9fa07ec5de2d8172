/*
 * http-csrf.c: the double-submit CSRF token (see http.h): a random token
 * in an HttpOnly cookie that every form posts back. Pages carry a marker
 * (HTTP_CSRF_MARK) instead of the token, so a cached page stays shared;
 * the server loop splices this buyer's token in just before sending.
 */
#include <string.h>

#include <sodium.h>

#include "cart.h"
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

/*
 * Replaces every mark in rs's body by value (one pass of copying into
 * the arena: the hot path of a cached page) and folds value into the
 * ETag, so a 304 never stands for another buyer's page.
 */
static void
http_splice(struct http_req *rq, struct http_resp *rs, const char *mark,
    const char *value)
{
	const size_t mlen = strlen(mark), tlen = strlen(value);
	const char *p, *end, *hit;
	size_t n = 0, len;
	char *out, *o;

	end = rs->body + rs->len;
	for (p = rs->body; (hit = memmem(p, (size_t)(end - p), mark, mlen))
	    != NULL; p = hit + mlen)
		n++;
	if (n == 0)
		return;
	len = rs->len - n * mlen + n * tlen;
	o = out = http_alloc(rq, len + 1);
	for (p = rs->body; (hit = memmem(p, (size_t)(end - p), mark, mlen))
	    != NULL; p = hit + mlen) {
		memcpy(o, p, (size_t)(hit - p));
		o += hit - p;
		memcpy(o, value, tlen);
		o += tlen;
	}
	memcpy(o, p, (size_t)(end - p));
	rs->body = out;
	rs->len = len;
	if (rs->etag64_set)
		rs->etag64 ^= http_hash64(value, tlen) * 31 + mlen;
}

void
http_csrf_finish(struct http_req *rq, struct http_resp *rs)
{
	if (!rs->splice || !rs->has_body || rs->mhd != NULL)
		return;
	/* The cart's count (the header of every page; cart.h). */
	if (memmem(rs->body, rs->len, HTTP_CART_MARK,
	    sizeof HTTP_CART_MARK - 1) != NULL)
		http_splice(rq, rs, HTTP_CART_MARK, cart_count_text(rq));
	/* The token only for a page with a form: no cookie otherwise. */
	if (memmem(rs->body, rs->len, HTTP_CSRF_MARK,
	    sizeof HTTP_CSRF_MARK - 1) != NULL)
		http_splice(rq, rs, HTTP_CSRF_MARK, http_csrf_token(rq, rs));
	rs->splice = 0;
}
