/*
 * cart.h: the buyer's cart, kept in the browser only: the cookie
 * nyota_cart holds the lines and an HMAC over them, so the server keeps
 * no session and a buyer cannot forge a line (a price is never in the
 * cookie: it is read from the product when the cart is shown or paid).
 *
 * Encoding (cookie-safe characters only):
 *
 *	1~EXPIRES~slug.qty[.amount]_slug.qty…~SIG
 *
 * EXPIRES is a Unix time, amount (pay what you want only) is in minor
 * units, SIG is crypto_sign_url of "cart:" and everything before the last
 * '~'. A cookie that is tampered, expired, oversized or malformed decodes
 * to an empty cart: never an error page.
 */
#ifndef NY_CART_H
#define NY_CART_H

#include <stddef.h>
#include <stdint.h>

#include "http.h"
#include "order.h"
#include "product.h"

#define CART_COOKIE	"nyota_cart"
#define CART_AGE	(30 * 86400)	/* seconds a cart is kept */
#define CART_MAX_BYTES	3072		/* longer cookies are ignored */

struct cart_line {
	char		 slug[PRODUCT_SLUG_MAX + 1];
	int		 quantity;	/* 1..ORDER_MAX_QUANTITY */
	int		 has_amount;	/* pay what you want: amount typed */
	int64_t		 amount_minor;
};

struct cart {
	struct cart_line lines[ORDER_MAX_LINES];
	int		 n;
};

/*
 * Encodes c, valid until expires, into out (len ≥ CART_MAX_BYTES + 1).
 * NY_OK, or NY_ELIMIT when it would not fit.
 */
enum ny_err	 cart_encode(const struct cart *c, int64_t expires, char *out,
		     size_t len);
/*
 * Decodes a cookie value s (may be NULL) at time now into *out: 1 when it
 * is a valid cart, else 0 with *out empty.
 */
int		 cart_decode(const char *s, int64_t now, struct cart *out);
/*
 * Puts slug in the cart with quantity (0 removes it) and, when has_amount,
 * its typed amount; a product already there is updated. NY_OK, NY_EINVAL
 * (bad slug or quantity), NY_ELIMIT (ORDER_MAX_LINES lines already).
 */
enum ny_err	 cart_put(struct cart *c, const char *slug, int quantity,
		     int has_amount, int64_t amount_minor);
/* Items in the cart (the sum of the quantities). */
int		 cart_items(const struct cart *c);

/* This request's cart (its cookie decoded; empty when none or bad). */
void		 cart_read(struct http_req *rq, struct cart *out);
/* Sets the cookie to c on rs (deletes it when c is empty). */
void		 cart_write(struct http_req *rq, struct http_resp *rs,
		     const struct cart *c);
/*
 * The header's count for this request (cart_items), as text: "0" when
 * the cart is empty, so the link always reads "Cart 0" rather than a
 * bare "Cart" whose count appears only after the first add.
 */
const char	*cart_count_text(struct http_req *rq);

#endif
