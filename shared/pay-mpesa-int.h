/*
 * pay-mpesa-int.h: what pay-mpesa.c (STK push, query, callbacks, and
 * the HTTP calls) shares with pay-mpesa-reversal.c (what a Transaction
 * Reversal sends and what its answer means): the provider's state. The
 * arrow points one way, pay-mpesa.c → pay-mpesa-reversal.c. Not for
 * other modules: they use the pay_mpesa vtable and pay.h.
 */
#ifndef NY_PAY_MPESA_INT_H
#define NY_PAY_MPESA_INT_H

#include <jansson.h>
#include <pthread.h>
#include <stdint.h>

#include "pay.h"

struct mpesa {
	char		*base;
	char		*key;
	char		*secret;
	char		*shortcode;
	char		*passkey;
	char		*callback_url;
	/* Reversals: initiator and credential NULL when not configured
	 * (the creator refunds by hand); the result URLs share the STK
	 * callback's secret. */
	char		*initiator;
	char		*credential;
	char		*result_url;
	char		*timeout_url;
	pthread_mutex_t	 lock;		/* guards the token cache */
	char		 token[256];
	int64_t		 token_until;
};

/*
 * Whole shillings for an amount in cents, rounded up (never undercharge):
 * what the push asked for, and what a reversal gives back. Inline so
 * that the reversal file needs no symbol of pay-mpesa.c.
 */
static inline int64_t
pay_mpesa_shillings(int64_t minor)
{
	return (minor + 99) / 100;
}

/*
 * Reversals (pay-mpesa-reversal.c, no network: pay-mpesa.c sends them).
 *
 * pay_mpesa_reversal_prepare: what to send for refund r. NY_ENOTSUP when
 * reversals are not configured (the creator refunds by hand); NY_OK with
 * *req the request to POST (caller owns it), or *req NULL and *a a final
 * refusal (not KES, no M-Pesa receipt to name). *a is zeroed first.
 */
enum ny_err	pay_mpesa_reversal_prepare(const struct mpesa *m,
		    const struct pay_refund *r, struct pay_refund_answer *a,
		    json_t **req);
/*
 * The request body for payment p (its receipt is the TransactionID) with
 * the creator's reason (may be NULL or ""): a new object, caller decrefs.
 */
json_t		*pay_mpesa_reversal_req(const struct mpesa *m,
		    const struct payment *p, const char *reason);
/*
 * Daraja's answer to the request of refund r: HTTP status (0 when none
 * came) and body (may be NULL) into *a: accepted (final 0, provider_ref
 * the ConversationID) or refused (final 1, ok 0, desc). NY_OK, or NY_EIO
 * when it was not taken (no answer, 5xx, 401, 429): ask again later.
 * Logs the outcome, never the request.
 */
enum ny_err	pay_mpesa_reversal_answer(const struct pay_refund *r,
		    long status, json_t *resp, struct pay_refund_answer *a);

#endif
