/*
 * checkout-card.h: payment methods on the product page, the card
 * checkout (Stripe Checkout) and Stripe's webhook. See checkout-card.c.
 */
#ifndef NY_CHECKOUT_CARD_H
#define NY_CHECKOUT_CARD_H

#include <jansson.h>

#include "http.h"
#include "order.h"
#include "pay.h"

/*
 * The configured method for a price in currency: asked (a provider name
 * from the form's method field; "mpesa" also names the simulator; NULL
 * or "" = the default: the first phone method, else the first) — NULL
 * when no method takes currency or the asked one is not among them.
 */
const struct pay_provider *checkout_method_pick(const char *currency,
	    const char *asked);

/*
 * Sets in ctx what the checkout form offers for currency: pay_phone (a
 * phone prompt: M-Pesa or its simulator), pay_card (Stripe) and
 * not_on_sale (no configured method takes the currency).
 */
void	checkout_methods_json(const char *currency, json_t *ctx);

/*
 * The card checkout for order o (made with a card provider): creates the
 * Checkout Session and answers 303 to it (again to the same one when the
 * form is sent twice); to the waiting page when the order is past that.
 * When the session cannot be made the order fails (seats released) and
 * 0 is returned with *err_key, the message for the form shown again.
 */
int	checkout_card_start(struct http_req *rq, struct http_resp *rs,
	    const struct order *o, const char **err_key);

/* POST /payments/stripe/webhook */
int	checkout_stripe_webhook(struct http_req *rq, struct http_resp *rs);

#endif
