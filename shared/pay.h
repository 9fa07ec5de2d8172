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
 * Files: pay.c the provider table (pay_find), pay-answer.c the neutral
 * answer the providers fill, pay-sim.c and pay-mpesa.c the providers. The
 * arrows point one way: pay.c → providers → pay-answer.c.
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
	char			*raw;
};
/* Frees raw and zeroes a (pay-answer.c, like pay_answer_final). */
void	pay_answer_clear(struct pay_answer *a);
/* Fills a final answer (copies strings into a). */
void	pay_answer_final(struct pay_answer *a, enum pay_outcome o, int code,
	    const char *reason, const char *receipt, int64_t amount,
	    const char *desc);

struct pay_provider {
	const char	*name;		/* "sim" | "mpesa" */
	/* Sets up provider state from the config; NY_OK or NY_EINVAL+cause. */
	enum ny_err	(*init)(const struct ny_config *cfg, void **state,
			    char **cause);
	void		(*free)(void *state);
	/*
	 * Sends the push for p. NY_OK with provider_ref filled (the provider's
	 * id for it); NY_EIO when the provider certainly did not accept it
	 * (no connection, or it answered with an error): worth retrying;
	 * NY_EBUSY when the request may have reached the provider but no
	 * answer came (timeout, connection lost): it must NOT be sent again,
	 * its callback may still come; NY_EINVAL when the provider refused
	 * the request (no retry). *cause may get a short reason (caller
	 * frees).
	 */
	enum ny_err	(*push)(void *state, const struct payment *p,
			    char *provider_ref, size_t len, char **cause);
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
	/* Seconds between queries of a pending payment. */
	int		 poll_s;
};

extern const struct pay_provider pay_sim;
extern const struct pay_provider pay_mpesa;

/* The provider named name ("sim", "mpesa") or NULL. */
const struct pay_provider *pay_find(const char *name);

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

#endif
