/*
 * pay-stripe.c: Stripe Checkout (placeholder until the provider lands).
 */
#include <string.h>

#include "pay.h"

static const char *const stripe_currencies[] = {
	"KES", "TZS", "UGX", "USD", NULL,
};

static enum ny_err
stripe_init(const struct ny_config *cfg, void **state, char **cause)
{
	(void)cfg; (void)cause;
	*state = NULL;
	return NY_OK;
}

static void
stripe_free(void *state)
{
	(void)state;
}

static enum ny_err
stripe_push(void *state, const struct payment *p, char *ref, size_t len,
    char *url, size_t urllen, char **cause)
{
	(void)state; (void)p; (void)ref; (void)len; (void)url; (void)urllen;
	(void)cause;
	return NY_EIO;
}

static enum ny_err
stripe_query(void *state, const struct payment *p, const char *raw,
    struct pay_answer *a)
{
	(void)state; (void)p; (void)raw; (void)a;
	return NY_EIO;
}

const struct pay_provider pay_stripe = {
	.name = "stripe",
	.currencies = stripe_currencies,
	.in_request = 1,
	.push_repeatable = 1,
	.init = stripe_init,
	.free = stripe_free,
	.push = stripe_push,
	.query = stripe_query,
	.poll_s = 60,
};
