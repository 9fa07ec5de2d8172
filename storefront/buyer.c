/*
 * buyer.c: the buyer cookie. See buyer.h.
 */
#include "buyer.h"
#include "crypto.h"

#define BUYER_COOKIE	"buyer"
#define BUYER_AGE	(90 * 86400)
#define BUYER_LEN	43		/* 32 random bytes, base64url */

const char *
buyer_cookie(struct http_req *rq, struct http_resp *rs)
{
	const char *c = http_cookie(rq, BUYER_COOKIE);
	char tok[64];

	if (tok_shape_ok(c, BUYER_LEN))
		return c;
	tok_random(32, tok, sizeof tok);
	http_set_cookie(rq, rs, BUYER_COOKIE, tok, BUYER_AGE, 1);
	return http_strdup(rq, tok);
}

int
buyer_is_owner(struct http_req *rq, const struct order *o)
{
	const char *c = http_cookie(rq, BUYER_COOKIE);

	return o->has_browser && tok_shape_ok(c, BUYER_LEN) &&
	    order_browser_ok(http_db(rq), o->id, c);
}
