/*
 * pay.h: payment providers behind one const vtable (sim, mpesa). A
 * provider talks to the outside world only; every state change goes
 * through payment.h, so providers hold no payment state of their own
 * besides caches (the Daraja OAuth token).
 *
 * The worker (storefront/worker-pay.c) drives them: push a new payment,
 * query a pending one (also to confirm a callback before granting), and
 * the HTTP side parses callbacks into a neutral answer.
 *
 * Files: pay.c the provider table (pay_find) and the methods each
 * currency can be paid with (pay_takes), pay-answer.c the neutral answer
 * the providers fill, pay-sim.c, pay-mpesa.c and pay-stripe.c the
 * providers. The arrows point one way: pay.c → providers → pay-answer.c.
 *
 * Two kinds of push: the worker pushes sim and mpesa payments (a prompt
 * on the phone); a provider with in_request (stripe) is pushed by the
 * buyer's checkout request itself, which answers with a redirect to the
 * provider's page (the URL push returns).
 */
#ifndef NY_PAY_H
#define NY_PAY_H

#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "payment.h"

/*
 * A provider's answer. final = 0: still waiting (retry_s says when to ask
 * again, 0 = the provider's default). final = 1: result is the outcome;
 * its strings point into this struct. raw (owned, may be NULL) is the
 * provider's message kept for audit. pay_answer_clear frees raw.
 */
struct pay_answer {
	int			 final;
	int			 retry_s;
	struct pay_result	 result;
	char			 provider_ref[72];
	char			 receipt[40];
	char			 reason[32];
	char			 desc[160];
	char			 phone[16];	/* payer's digits from a callback, or "" */
	char			 card_brand[24];	/* "visa", … (cards) or "" */
	char			 card_last4[8];
	char			*raw;
};
/* Frees raw and zeroes a (pay-answer.c, like pay_answer_final). */
void	pay_answer_clear(struct pay_answer *a);
/* Fills a final answer (copies strings into a). */
void	pay_answer_final(struct pay_answer *a, enum pay_outcome o, int code,
	    const char *reason, const char *receipt, int64_t amount,
	    const char *desc);

/*
 * A refund to send to a provider: the payment (with its provider_ref and
 * receipt), the refund row's id (idempotency: the same refund id never
 * moves money twice) and the creator's reason (may be "").
 */
struct pay_refund {
	const struct payment	*payment;
	int64_t			 refund_id;
	int			 attempt;	/* 1 for the first asking */
	const char		*reason;
};

/*
 * A provider's answer to a refund. final = 1: ok says whether the money
 * went back (1) or the provider refused (0, desc says why); final = 0:
 * accepted, the result comes later (Daraja's reversal result callback,
 * Stripe's charge.refunded) and provider_ref names it. raw (owned, may
 * be NULL) is kept for audit; pay_refund_answer_clear frees it.
 */
struct pay_refund_answer {
	int			 final;
	int			 ok;
	char			 provider_ref[72];
	char			 desc[160];
	char			*raw;
};
void	pay_refund_answer_clear(struct pay_refund_answer *a);

struct pay_provider {
	const char	*name;		/* "sim" | "mpesa" | "stripe" */
	/* ISO currencies it takes, NULL-terminated; NULL = every currency. */
	const char *const *currencies;
	/* 1: pushed by the checkout request (push gives a URL to send the
	 * buyer to); 0: pushed by the worker. */
	int		 in_request;
	/* 1: push may be sent again for the same payment and gives the same
	 * answer (the provider dedupes it: Stripe's Idempotency-Key), so a
	 * push whose answer was lost is repeated instead of waited for. */
	int		 push_repeatable;
	/* Seconds a buyer has to pay (the order's timeout); 0 = the
	 * configured NYOTA_PAY_TIMEOUT_S. */
	int		(*timeout_s)(const struct ny_config *cfg);
	/* Sets up provider state from the config; NY_OK or NY_EINVAL+cause. */
	enum ny_err	(*init)(const struct ny_config *cfg, void **state,
			    char **cause);
	void		(*free)(void *state);
	/*
	 * Sends the push for p. NY_OK with provider_ref filled (the provider's
	 * id for it) and, for in_request providers, url (where to send the
	 * buyer; "" otherwise); NY_EIO when the provider certainly did not accept it
	 * (no connection, or it answered with an error): worth retrying;
	 * NY_EBUSY when the request may have reached the provider but no
	 * answer came (timeout, connection lost): it must NOT be sent again,
	 * its callback may still come; NY_EINVAL when the provider refused
	 * the request (no retry). *cause may get a short reason (caller
	 * frees).
	 */
	enum ny_err	(*push)(void *state, const struct payment *p,
			    char *provider_ref, size_t len, char *url,
			    size_t urllen, char **cause);
	/*
	 * Asks for the status of a pushed payment. raw_callback (may be
	 * NULL) is a callback already received for it, to be confirmed.
	 * NY_OK with *a filled, or NY_EIO (retry later).
	 */
	enum ny_err	(*query)(void *state, const struct payment *p,
			    const char *raw_callback, struct pay_answer *a);
	/*
	 * Parses a callback body (untrusted) into a->provider_ref and a final
	 * result (not yet confirmed). NY_OK or NY_EINVAL. May be NULL.
	 */
	enum ny_err	(*parse_callback)(const char *body, size_t len,
			    struct pay_answer *a);
	/*
	 * Sends a refund of a paid payment (the whole amount). NY_OK with *a
	 * filled (final or accepted); NY_EIO when the provider could not be
	 * reached (safe to retry: the same refund id is deduped); NY_ENOTSUP
	 * when this provider has no refund API configured (the creator
	 * refunds by hand). May be NULL (= NY_ENOTSUP).
	 */
	enum ny_err	(*refund)(void *state, const struct pay_refund *r,
			    struct pay_refund_answer *a);
	/* Seconds between queries of a pending payment. */
	int		 poll_s;
};

extern const struct pay_provider pay_sim;
extern const struct pay_provider pay_mpesa;
extern const struct pay_provider pay_stripe;

/* The provider named name ("sim", "mpesa", "stripe") or NULL. */
const struct pay_provider *pay_find(const char *name);

/* 1 when provider prov takes currency (ISO code), else 0. */
int	pay_provider_takes(const struct pay_provider *prov,
	    const char *currency);

/*
 * The methods of the comma list methods (NYOTA_PAYMENTS) that take
 * currency, in the list's order: up to max provider pointers into out;
 * returns how many. 0 means nobody can take that currency: such a
 * product cannot be published, and is not on sale.
 */
int	pay_methods_for(const char *methods, const char *currency,
	    const struct pay_provider **out, int max);

/* Every provider of the comma list methods, whatever the currency: up to
 * max into out, in the list's order; returns how many. */
int	pay_methods(const char *methods, const struct pay_provider **out,
	    int max);

/* 1 when some method of the list takes currency (pay_methods_for > 0). */
int	pay_takes(const char *methods, const char *currency);

/*
 * "mpesa, stripe": the names of the list's methods that take currency
 * (or, when none does, of all the list's methods) joined by ", ", for
 * messages that say what can take what. Into out (len bytes).
 */
void	pay_methods_names(const char *methods, const char *currency,
	    char *out, size_t len);

/*
 * Simulator: the handset's answer, shared by POST /sim/stk/{ref} and
 * NYOTA_SIM_AUTO. approve=1 pays, 0 declines (cancelled, code 1032).
 * Settles the order's payment through payment_settle when it is still
 * pushed and pending. NY_OK (*changed says whether it did anything),
 * NY_ENOTFOUND, NY_ESTATE (not a pending sim payment).
 */
enum ny_err pay_sim_answer(struct db *db, const char *order_ref,
	    int approve, int *changed);

/*
 * Daraja helpers, exposed for tests and fuzzing:
 * the STK password base64(shortcode + passkey + timestamp) into out,
 * Kenyan time (UTC+3) as YYYYMMDDHHMMSS into ts (≥ 15 bytes).
 */
void	pay_mpesa_timestamp(int64_t unix_s, char *ts, size_t len);
char	*pay_mpesa_password(const char *shortcode, const char *passkey,
	    const char *ts);	/* caller frees */
/* Parses an STK callback body; same contract as parse_callback. On
 * success callbacks a->phone gets the PhoneNumber item (digits) and
 * a->result.amount_minor the Amount item (whole shillings ×100). */
enum ny_err pay_mpesa_parse_callback(const char *body, size_t len,
	    struct pay_answer *a);
/*
 * The callback body with the PhoneNumber item masked (all but the last 3
 * digits), compact JSON, for the audit log; NULL when body is not JSON.
 * Caller frees.
 */
char	*pay_mpesa_redact_callback(const char *body, size_t len);

/*
 * A Daraja reversal result (pay-mpesa-reversal.c), as POSTed to the
 * ResultURL ({"Result":{"ResultCode":0,"ConversationID":"AG_…",…}}) or
 * to the QueueTimeOutURL. ok: the money went back (ResultCode 0).
 * result_code is -1 when absent or not a number ("R000002").
 */
struct pay_mpesa_reversal {
	char	 conversation_id[72];	/* the refund's provider_ref */
	char	 originator_id[72];
	char	 transaction_id[40];
	int	 has_code;		/* ResultCode present */
	int	 result_code;
	int	 ok;
	char	 desc[160];
};
/* Parses a reversal result body (untrusted). NY_OK with a non-empty
 * conversation_id, or NY_EINVAL. */
enum ny_err pay_mpesa_reversal_parse(const char *body, size_t len,
	    struct pay_mpesa_reversal *r);

/*
 * Stripe (pay-stripe.c).
 *
 * Amounts: Stripe counts zero-decimal currencies (UGX) in whole units,
 * the others (KES, TZS, USD) in hundredths; Nyota's minor units follow
 * money_exponent (UGX is whole there too, the others hundredths), so
 * today both agree. pay_stripe_amount converts ours to Stripe's,
 * pay_stripe_minor back (-1 when negative, unknown currency or not
 * representable). These, pay_stripe_verify and pay_stripe_event_parse
 * live in pay-stripe-webhook.c (no network), the provider in
 * pay-stripe.c.
 */
int64_t	pay_stripe_amount(int64_t minor, const char *currency);
int64_t	pay_stripe_minor(int64_t stripe_amount, const char *currency);

/*
 * Checks a Stripe-Signature header ("t=…,v1=…,v1=…", other schemes
 * ignored) against the raw body: HMAC-SHA256 of "t." + body keyed with
 * the webhook secret (the whole "whsec_…" string, as Stripe does), hex;
 * any v1 may match (constant-time compare); |now − t| ≤ tolerance_s.
 * NY_OK, or NY_EDENIED (missing, malformed, no match, stale).
 */
#define PAY_STRIPE_TOLERANCE_S	300
enum ny_err pay_stripe_verify(const char *secret, const char *header,
	    const char *body, size_t len, int64_t now, int64_t tolerance_s);

/* What a webhook event says, the fields Nyota uses (strings copied). */
struct pay_stripe_event {
	char	 id[72];		/* evt_… */
	char	 type[64];		/* checkout.session.completed, … */
	char	 session[72];		/* cs_… (checkout.session.* events) */
	char	 order_ref[40];		/* client_reference_id, or "" */
	char	 payment_status[24];	/* paid | unpaid | no_payment_required */
	char	 payment_intent[72];	/* pi_… or "" */
	char	 charge[72];		/* ch_… (charge.refunded) */
	char	 refund[72];		/* re_… of the newest refund, or "" */
	char	 refund_status[24];	/* refund events: succeeded | failed
					   | canceled | pending | … */
	int64_t	 amount_minor;		/* ours (pay_stripe_minor); -1 unknown */
	int64_t	 refunded_minor;	/* charge.refunded: amount_refunded */
	char	 currency[4];		/* upper case, "" unknown */
};

/*
 * Parses a webhook body (untrusted JSON, already verified) into *ev.
 * NY_OK, or NY_EINVAL (not an event: no id or type).
 */
enum ny_err pay_stripe_event_parse(const char *body, size_t len,
	    struct pay_stripe_event *ev);

#endif
