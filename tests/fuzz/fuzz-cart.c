/*
 * fuzz-cart: the cart cookie's decoder (storefront/cart.c). The input is
 * signed as a cookie body would be, so the fuzzer reaches the line parser
 * behind the HMAC; a decoded cart must hold only lines cart_put accepts
 * and come back the same through cart_encode. The raw input, unsigned,
 * must never decode.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../storefront/cart.c"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len);

/* cart.c's request helpers are not exercised here. */
const char *
http_cookie(struct http_req *rq, const char *name)
{
	(void)rq; (void)name;
	return NULL;
}

void
http_set_cookie(struct http_req *rq, struct http_resp *rs, const char *name,
    const char *value, int max_age, int http_only)
{
	(void)rq; (void)rs; (void)name; (void)value; (void)max_age;
	(void)http_only;
}

char *
http_printf(struct http_req *rq, const char *fmt, ...)
{
	(void)rq; (void)fmt;
	return NULL;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	static const unsigned char key[32] = "fuzz-cart-key-0123456789abcdef!";
	static int init;
	char body[CART_MAX_BYTES + 1], sig[64], cookie[CART_MAX_BYTES + 64];
	char again[CART_MAX_BYTES + 1];
	struct cart c, d;
	int i;

	if (!init) {
		crypto_init_key(key);
		init = 1;
	}
	if (len > CART_MAX_BYTES - 50 || memchr(data, '\0', len) != NULL)
		return 0;
	memcpy(body, data, len);
	body[len] = '\0';
	if (cart_decode(body, 0, &c) != 0 || c.n != 0)
		abort();		/* unsigned */
	cart_sign(body, len, sig, sizeof sig);
	snprintf(cookie, sizeof cookie, "%s~%s", body, sig);
	if (!cart_decode(cookie, 0, &c)) {
		if (c.n != 0)
			abort();
		return 0;
	}
	for (i = 0; i < c.n; i++) {
		struct cart one = { .n = 0 };

		if (cart_put(&one, c.lines[i].slug, c.lines[i].quantity,
		    c.lines[i].has_amount, c.lines[i].amount_minor) != NY_OK ||
		    one.n != 1)
			abort();
	}
	if (cart_encode(&c, INT64_C(1) << 39, again, sizeof again) != NY_OK ||
	    !cart_decode(again, 0, &d) || d.n != c.n ||
	    memcmp(d.lines, c.lines, sizeof c.lines[0] * (size_t)c.n) != 0)
		abort();
	return 0;
}
