/*
 * cart.c: the signed cart cookie. See cart.h for the encoding.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cart.h"
#include "crypto.h"

#define CART_SIG_LEN	43	/* crypto_sign_url: base64url, no padding */

/* 1 when s[0..n) is a slug (product_slug_ok's alphabet and length). */
static int
cart_slug_ok(const char *s, size_t n)
{
	char slug[PRODUCT_SLUG_MAX + 1];

	if (n < 1 || n > PRODUCT_SLUG_MAX)
		return 0;
	memcpy(slug, s, n);
	slug[n] = '\0';
	return product_slug_ok(slug);
}

/* The signature of msg (everything before the last '~') into sig. */
static void
cart_sign(const char *msg, size_t n, char *sig, size_t siglen)
{
	char buf[CART_MAX_BYTES + 8];

	snprintf(buf, sizeof buf, "cart:%.*s", (int)n, msg);
	crypto_sign_url(buf, sig, siglen);
}

enum ny_err
cart_encode(const struct cart *c, int64_t expires, char *out, size_t len)
{
	char sig[64];
	size_t n;
	int i, w;

	if (len < 1)
		return NY_ELIMIT;
	w = snprintf(out, len, "1~%lld~", (long long)expires);
	if (w < 0 || (size_t)w >= len)
		return NY_ELIMIT;
	n = (size_t)w;
	for (i = 0; i < c->n; i++) {
		const struct cart_line *l = &c->lines[i];

		if (l->has_amount)
			w = snprintf(out + n, len - n, "%s%s.%d.%lld",
			    i ? "_" : "", l->slug, l->quantity,
			    (long long)l->amount_minor);
		else
			w = snprintf(out + n, len - n, "%s%s.%d", i ? "_" : "",
			    l->slug, l->quantity);
		if (w < 0 || (size_t)w >= len - n)
			return NY_ELIMIT;
		n += (size_t)w;
	}
	cart_sign(out, n, sig, sizeof sig);
	w = snprintf(out + n, len - n, "~%s", sig);
	if (w < 0 || (size_t)w >= len - n || n + (size_t)w > CART_MAX_BYTES)
		return NY_ELIMIT;
	return NY_OK;
}

/* Parses digits s[0..n) into *v within [min, max]. 1 or 0. */
static int
cart_num(const char *s, size_t n, int64_t min, int64_t max, int64_t *v)
{
	int64_t x = 0;
	size_t i;

	if (n < 1 || n > 18 || (n > 1 && s[0] == '0'))
		return 0;
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return 0;
		x = x * 10 + (s[i] - '0');
	}
	if (x < min || x > max)
		return 0;
	*v = x;
	return 1;
}

/* One "slug.qty[.amount]" of n bytes into l. 1 or 0. */
static int
cart_line_parse(const char *s, size_t n, struct cart_line *l)
{
	const char *d1, *d2, *end = s + n;
	int64_t v;

	memset(l, 0, sizeof *l);
	if ((d1 = memchr(s, '.', n)) == NULL ||
	    !cart_slug_ok(s, (size_t)(d1 - s)))
		return 0;
	memcpy(l->slug, s, (size_t)(d1 - s));
	d2 = memchr(d1 + 1, '.', (size_t)(end - d1 - 1));
	if (!cart_num(d1 + 1, (size_t)((d2 ? d2 : end) - d1 - 1), 1,
	    ORDER_MAX_QUANTITY, &v))
		return 0;
	l->quantity = (int)v;
	if (d2 != NULL) {
		if (!cart_num(d2 + 1, (size_t)(end - d2 - 1), 0,
		    PRODUCT_PRICE_MAX, &l->amount_minor))
			return 0;
		l->has_amount = 1;
	}
	return 1;
}

int
cart_decode(const char *s, int64_t now, struct cart *out)
{
	const char *p, *sig, *lines, *end, *sep;
	char want[64];
	size_t n;
	int64_t exp;
	int i;

	out->n = 0;
	if (s == NULL || (n = strlen(s)) > CART_MAX_BYTES || n < 4 ||
	    strncmp(s, "1~", 2) != 0 || (sig = strrchr(s, '~')) == s + 1)
		return 0;
	/* The signature first: nothing of an unsigned cookie is parsed. */
	cart_sign(s, (size_t)(sig - s), want, sizeof want);
	if (strlen(sig + 1) != CART_SIG_LEN || !tok_equal(sig + 1, want))
		return 0;
	p = s + 2;
	if ((lines = memchr(p, '~', (size_t)(sig - p))) == NULL ||
	    !cart_num(p, (size_t)(lines - p), 0, INT64_C(1) << 40, &exp) ||
	    exp <= now)
		return 0;
	for (p = lines + 1, end = sig; p < end; p = sep + 1) {
		if ((sep = memchr(p, '_', (size_t)(end - p))) == NULL)
			sep = end;
		if (out->n == ORDER_MAX_LINES ||
		    !cart_line_parse(p, (size_t)(sep - p), &out->lines[out->n]))
			goto bad;
		for (i = 0; i < out->n; i++)
			if (strcmp(out->lines[i].slug,
			    out->lines[out->n].slug) == 0)
				goto bad;
		out->n++;
		if (sep == end)
			break;
	}
	return 1;
bad:
	out->n = 0;
	return 0;
}

enum ny_err
cart_put(struct cart *c, const char *slug, int quantity, int has_amount,
    int64_t amount_minor)
{
	struct cart_line *l = NULL;
	int i;

	if (slug == NULL || !cart_slug_ok(slug, strlen(slug)) ||
	    quantity < 0 || quantity > ORDER_MAX_QUANTITY ||
	    (has_amount && (amount_minor < 0 ||
	    amount_minor > PRODUCT_PRICE_MAX)))
		return NY_EINVAL;
	for (i = 0; i < c->n; i++)
		if (strcmp(c->lines[i].slug, slug) == 0)
			l = &c->lines[i];
	if (quantity == 0) {
		if (l != NULL) {
			i = (int)(l - c->lines);
			memmove(l, l + 1, (size_t)(c->n - i - 1) * sizeof *l);
			c->n--;
		}
		return NY_OK;
	}
	if (l == NULL) {
		if (c->n == ORDER_MAX_LINES)
			return NY_ELIMIT;
		l = &c->lines[c->n++];
		memset(l, 0, sizeof *l);
		snprintf(l->slug, sizeof l->slug, "%s", slug);
	}
	l->quantity = quantity;
	/* An update of the quantity alone keeps the amount typed before. */
	if (has_amount) {
		l->has_amount = 1;
		l->amount_minor = amount_minor;
	}
	return NY_OK;
}

int
cart_items(const struct cart *c)
{
	int i, n = 0;

	for (i = 0; i < c->n; i++)
		n += c->lines[i].quantity;
	return n;
}

void
cart_read(struct http_req *rq, struct cart *out)
{
	cart_decode(http_cookie(rq, CART_COOKIE), ny_now(), out);
}

void
cart_write(struct http_req *rq, struct http_resp *rs, const struct cart *c)
{
	char buf[CART_MAX_BYTES + 1];

	if (c->n == 0 || cart_encode(c, ny_now() + CART_AGE, buf,
	    sizeof buf) != NY_OK) {
		http_set_cookie(rq, rs, CART_COOKIE, "", -1, 1);
		return;
	}
	http_set_cookie(rq, rs, CART_COOKIE, buf, CART_AGE, 1);
}

const char *
cart_count_text(struct http_req *rq)
{
	struct cart c;

	cart_read(rq, &c);
	return http_printf(rq, "%d", cart_items(&c));
}
