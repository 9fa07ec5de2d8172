/*
 * checkout.h: buying: the checkout form, the waiting page, the free
 * order's code, the simulated handset, the Daraja callback (handlers for
 * http_routes[]; see http.h). The status document is checkout-status.h.
 */
#ifndef NY_CHECKOUT_H
#define NY_CHECKOUT_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "catalog.h"
#include "http.h"
#include "order.h"
#include "pay.h"

int	checkout_start(struct http_req *rq, struct http_resp *rs);	/* POST /p/{slug}/checkout */
int	checkout_page(struct http_req *rq, struct http_resp *rs);	/* GET /checkout/{ref} */
int	checkout_confirm(struct http_req *rq, struct http_resp *rs);	/* POST /checkout/{ref}/confirm */
int	checkout_sim_phone(struct http_req *rq, struct http_resp *rs);	/* GET /sim/phone */
int	checkout_sim_answer(struct http_req *rq, struct http_resp *rs);	/* POST /sim/stk/{ref} */
int	checkout_mpesa_callback(struct http_req *rq, struct http_resp *rs); /* POST /payments/mpesa/callback/{secret} */

/*
 * What the product checkout and the cart's share (cart-page.c).
 *
 * checkout_limited counts one checkout of this address (per minute,
 * NYOTA_CHECKOUT_LIMIT): 1 when it is over the limit.
 */
int	checkout_limited(struct http_req *rq);
/*
 * The idempotency key of a submission: the browser's CSRF cookie and what
 * (every field that makes the purchase what it is). Arena memory.
 */
const char *checkout_idem_key(struct http_req *rq, const char *what);
/*
 * The optional email field, checked (mail_addr_check) into out (len ≥
 * MAIL_ADDR_MAX + 1; "" when left empty). NY_OK or NY_EINVAL.
 */
enum ny_err checkout_email(struct http_req *rq, char *out, size_t len);

/* The form's *_invalid flags into ctx: the field error_key (a locale
 * key of a refusal) is about — phone, amount, email or code. */
void	checkout_invalid_json(const char *error_key, json_t *ctx);
/*
 * Makes the order in describes (the caller fills lines, phone, code,
 * email and idem_key; the rest is set here) with prov and answers: 303
 * to its waiting page, or to the card page for a card provider. A refusal
 * returns 0 with *err_key (a locale key) and *err_status (422, 404 when
 * a product is gone, 503 when the card page could not be made): the
 * caller shows its form again. Other statuses are complete answers.
 */
int	checkout_place(struct http_req *rq, struct http_resp *rs,
	    struct order_new *in, const struct pay_provider *prov,
	    const char **err_key, int *err_status);
/*
 * The pay-what-you-want part of a form for p in ctx: pwyw, and for such
 * a product amount (typed, else the suggested one, in major units),
 * amount_min, amount_step and amount_hint.
 */
void	checkout_amount_json(struct http_req *rq,
	    const struct catalog_product *p, const char *typed, json_t *ctx);
/*
 * The amount field for a pay-what-you-want product p (major units of its
 * currency): NY_OK, *has = 1 and *minor (the suggested amount, else the
 * minimum, when the field is absent or empty), or NY_EINVAL (not an
 * amount, or below the minimum). Other products: NY_OK and *has = 0.
 */
enum ny_err checkout_amount(struct http_req *rq,
	    const struct catalog_product *p, int *has, int64_t *minor);
/* minor in major units as money_parse reads them ("1500.50", "2000"). */
void	checkout_major(int64_t minor, const char *currency, char *buf,
	    size_t len);

#endif
