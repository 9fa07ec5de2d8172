/*
 * pay-stripe-int.h: what pay-stripe.c (the network) takes from
 * pay-stripe-webhook.c (Stripe's documents, no network) besides pay.h.
 */
#ifndef NY_PAY_STRIPE_INT_H
#define NY_PAY_STRIPE_INT_H

#include <jansson.h>

#include "pay.h"

/*
 * "stripe refused the WHAT: STATUS type code param=…" from an error
 * answer's identifiers only (never its message, which may quote the
 * order's reference). Caller frees.
 */
char	*pay_stripe_error(const char *what, long status, json_t *body);

/* A refund object into *a: final (succeeded, failed, canceled) or on its
 * way (pending, requires_action; a->final stays 0). */
void	 pay_stripe_refund_read(json_t *o, struct pay_refund_answer *a);

#endif
