/*
 * fuzz-stripe: what anyone can POST to /payments/stripe/webhook. The input
 * is "Stripe-Signature header\nbody": the header goes through
 * pay_stripe_verify with that body, the body through pay_stripe_event_parse
 * and the provider's parse_callback. Nothing may crash or leak; an accepted
 * event has an id and a type, a currency that is "" or three capitals,
 * amounts ≥ -1; a random signature never verifies.
 */
#include <assert.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ny.h"
#include "pay.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check_event(const char *body, size_t len)
{
	struct pay_stripe_event ev;
	size_t i;

	if (pay_stripe_event_parse(body, len, &ev) != NY_OK)
		return;
	assert(ev.id[0] != '\0' && memchr(ev.id, '\0', sizeof ev.id));
	assert(ev.type[0] != '\0' && memchr(ev.type, '\0', sizeof ev.type));
	assert(memchr(ev.session, '\0', sizeof ev.session));
	assert(memchr(ev.order_ref, '\0', sizeof ev.order_ref));
	assert(memchr(ev.refund, '\0', sizeof ev.refund));
	assert(ev.amount_minor >= -1 && ev.refunded_minor >= -1);
	assert(ev.currency[0] == '\0' || strlen(ev.currency) == 3);
	for (i = 0; ev.currency[i] != '\0'; i++)
		assert(ev.currency[i] >= 'A' && ev.currency[i] <= 'Z');
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *nl = memchr(data, '\n', size);
	size_t hlen = nl ? (size_t)(nl - (const char *)data) : size;
	const char *body = nl ? nl + 1 : "";
	size_t blen = nl ? size - hlen - 1 : 0;
	char *header = xstrndup((const char *)data, hlen);
	struct pay_answer a;
	int rc;

	rc = pay_stripe_verify("whsec_fuzz", header, body, blen, 1796000000,
	    PAY_STRIPE_TOLERANCE_S);
	assert(rc == NY_EDENIED);	/* nobody guesses an HMAC */
	check_event(body, blen);
	rc = pay_stripe.parse_callback(body, blen, &a);
	if (rc == NY_OK) {
		assert(a.final == 1 && a.provider_ref[0] != '\0');
		assert(a.result.amount_minor >= -1);
	} else
		assert(rc == NY_EINVAL);
	pay_answer_clear(&a);
	free(header);
	return 0;
}
