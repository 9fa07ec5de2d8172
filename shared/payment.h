/*
 * payment.h: the payment side of an order, and the one transition that
 * ends it (payment_settle).
 *
 * Payment statuses: new (created with the order, not pushed yet) →
 * pending (the provider accepted the push; provider_ref known) → paid |
 * failed | expired. A payment may also go new → failed/expired when the
 * push itself never succeeds before the order expires.
 *
 * Results from providers are provider-neutral (struct pay_result) so the
 * state machine does not know about Daraja or the simulator.
 *
 * payment-settle.c has payment_settle; payment.c the rest.
 */
#ifndef NY_PAYMENT_H
#define NY_PAYMENT_H

#include <stdint.h>

#include "db.h"

enum pay_outcome {
	PAY_PAID,
	PAY_FAILED,
	PAY_EXPIRED,
};

/*
 * Reason codes stored in orders.failure and shown to buyers through the
 * locale key "co.reason.<code>".
 */
#define PAY_REASON_INSUFFICIENT	"insufficient_funds"	/* Daraja 1 */
#define PAY_REASON_CANCELLED	"cancelled"		/* 1032, sim decline */
#define PAY_REASON_UNREACHABLE	"unreachable"		/* 1037 */
#define PAY_REASON_WRONG_PIN	"wrong_pin"		/* 2001 */
#define PAY_REASON_BUSY		"busy"			/* 1001 */
#define PAY_REASON_EXPIRED	"expired"		/* 1019, our timeout */
#define PAY_REASON_AMOUNT	"amount_mismatch"	/* paid ≠ order amount */
#define PAY_REASON_PUSH		"push_failed"		/* never reached the phone */
#define PAY_REASON_CODE		"wrong_code"		/* free: phone not proven */
#define PAY_REASON_OTHER	"failed"

/* A provider's final answer about one payment. Strings borrowed. */
struct pay_result {
	enum pay_outcome	 outcome;
	int			 result_code;	/* provider's code (0 = success) */
	const char		*reason;	/* PAY_REASON_* or NULL when paid */
	const char		*receipt;	/* receipt number when paid, else NULL */
	int64_t			 amount_minor;	/* amount the provider reports; -1 unknown */
	const char		*desc;		/* provider's text, for the console */
	const char		*raw;		/* raw callback/answer kept for audit, or NULL */
	const char		*card_brand;	/* card payments: "visa", … or NULL */
	const char		*card_last4;	/* or NULL */
};

struct payment {
	int64_t		 id;
	int64_t		 order_id;
	char		 order_ref[24];
	char		 provider[8];		/* sim | mpesa | stripe */
	char		 phone[16];
	int64_t		 amount_minor;
	char		 currency[4];
	char		 status[8];		/* new|pending|paid|failed|expired */
	char		 provider_ref[72];	/* "" until pushed */
	char		 receipt[40];
	int		 attempts;
	int64_t		 next_attempt_at;
	int64_t		 created_at;
	int64_t		 order_expires_at;
	int64_t		 push_started_at;	/* 0: no push sent yet */
	char		 locale[3];		/* the order's: "en" | "sw" */
	char		 product_title[128];	/* for the provider's page */
};

/*
 * THE final transition, in ONE transaction of its own. The payment is
 * named by id (> 0) or, when id is 0, by provider_ref.
 *
 * Re-reads the payment and order inside the transaction: when the payment
 * is already final nothing changes and *changed = 0 (a repeated, late or
 * out-of-order result is harmless). Otherwise: payment and order take the
 * outcome (the raw result is kept), the ticket reservation is released,
 * and when paid: entitlement granted (period_days of subscriptions),
 * ticket codes issued, the customer's library key ensured, the WhatsApp
 * receipt queued (dedupe "receipt:<order id>", in the order's language,
 * with product, amount, receipt and {link}). An "order" event is
 * appended. A paid result whose amount (when known, ≥ 0) differs from the
 * order is recorded as failed with PAY_REASON_AMOUNT.
 *
 * A paid result for an order that already expired (late payment the
 * provider confirmed) still gives the goods, except a ticket order whose
 * seats are gone: that order stays expired with failure "late_refund"
 * for the creator to refund (never oversell).
 *
 * Returns NY_OK (changed may be NULL), NY_ENOTFOUND, NY_EBUSY / NY_EDB, or
 * an error of the grant helpers (the transaction is rolled back).
 */
enum ny_err payment_settle(struct db *db, int64_t id, const char *provider_ref,
	    const struct pay_result *r, int *changed);

/* Reads a payment (with its order's ref, currency and expiry). NY_OK or
 * NY_ENOTFOUND. */
enum ny_err payment_get(struct db *db, int64_t id, struct payment *out);
enum ny_err payment_by_provider_ref(struct db *db, const char *provider_ref,
	    struct payment *out);
enum ny_err payment_by_order(struct db *db, int64_t order_id,
	    struct payment *out);
/* By the provider's receipt (M-Pesa receipt number, Stripe pi_…). */
enum ny_err payment_by_receipt(struct db *db, const char *receipt,
	    struct payment *out);

/*
 * Payments the worker must act on now: status new or pending with
 * next_attempt_at ≤ now, oldest first (then expired ones a late callback
 * woke up, to be confirmed: see payment_keep_raw), at most max, and only
 * those with
 * id % nparts == part (worker threads split the work so each payment has
 * exactly one actor; nparts 1, part 0 = all). *out is an array the caller
 * frees with free(); *n its length.
 */
enum ny_err payment_due(struct db *db, int64_t now, int nparts, int part,
	    int max, struct payment **out, int *n);

/*
 * Push intent (migration 0006). Before the HTTP call the worker records,
 * committed, that a push is being sent: payment_push_begin sets
 * push_started_at = now on a new payment that has none. NY_OK, or
 * NY_ESTATE when the payment is no longer new or a push was already
 * started (then it must NOT be pushed again). One statement, autocommit.
 *
 * A payment with a push started and no provider_ref is never pushed again:
 * its callback may still come (see payment_adopt_callback), so the worker
 * only waits for it until the order expires.
 */
enum ny_err payment_push_begin(struct db *db, int64_t id, int64_t now);

/*
 * The provider certainly did not accept the push (no connection, or it
 * answered with an error): clears push_started_at so the worker may push
 * again at next_at, attempts + 1, desc (may be NULL) kept as result_desc.
 * Only while the payment is new without provider_ref. Autocommit.
 */
enum ny_err payment_push_failed(struct db *db, int64_t id, int64_t next_at,
	    const char *desc);

/*
 * A push started and its answer was lost (crash, timeout after sending):
 * next look at next_at, only while the payment is still new without
 * provider_ref (an adoption meanwhile keeps its "due now"). Autocommit.
 */
enum ny_err payment_push_wait(struct db *db, int64_t id, int64_t next_at);

/* payment_push_wait for a repeated push that failed again: counts the
 * attempt too (the backoff grows), push_started_at kept. */
enum ny_err payment_push_later(struct db *db, int64_t id, int64_t next_at);

/*
 * A callback whose provider_ref matches no payment: the answer to a push
 * whose reply we never recorded. In ONE transaction of its own, looks for
 * candidates: payments of provider with push_started_at within window_s
 * before now, no provider_ref, status new or expired, the same phone
 * (E.164 digits) and amount_minor (the amount as reported; whole units
 * ×100 also match an amount that was rounded up to whole units for the
 * push). Exactly one → it takes provider_ref, raw is kept, a new one
 * becomes pending, and it is due now so the worker confirms it with the
 * provider's query before anything is settled; *id gets it, NY_OK.
 * Zero → NY_ENOTFOUND, several → NY_EEXISTS: nothing is guessed, the
 * callback (audit_detail, caller-redacted) goes to audit_log as action
 * "payment.callback.review" for manual review. NY_EINVAL on empty
 * phone/ref or amount < 0; NY_EBUSY / NY_EDB.
 */
enum ny_err payment_adopt_callback(struct db *db, const char *provider,
	    const char *phone, int64_t amount_minor, const char *provider_ref,
	    const char *raw, const char *audit_detail, int64_t now,
	    int64_t window_s, int64_t *id);

/*
 * Records a push the provider accepted: new → pending with provider_ref,
 * next check at next_at. One statement, autocommit (no event: the buyer's
 * status is still "pending").
 * NY_OK; NY_ESTATE when the payment is no longer new (it ended meanwhile);
 * NY_EEXISTS when provider_ref is taken.
 */
enum ny_err payment_mark_pushed(struct db *db, int64_t id,
	    const char *provider_ref, int64_t next_at);

/*
 * The page an in-request provider sends the buyer to (a Stripe Checkout
 * Session's URL): kept so a form submitted twice goes back to the same
 * page. set: NY_OK or NY_ENOTFOUND; get: into buf (len bytes, an URL
 * longer than that is cut: give 1024), NY_OK or NY_ENOTFOUND (none).
 */
enum ny_err payment_set_checkout_url(struct db *db, int64_t id,
	    const char *url);
enum ny_err payment_checkout_url(struct db *db, int64_t id, char *buf,
	    size_t len);

/*
 * Postpones the next worker action on a non-final (or late-woken expired)
 * payment (retry with backoff, next poll): attempts + 1 when bump,
 * next_attempt_at = next_at (-1: nothing more to do for an expired one).
 * desc (may be NULL) is kept as result_desc. One statement, autocommit.
 */
enum ny_err payment_postpone(struct db *db, int64_t id, int64_t next_at,
	    int bump, const char *desc);

/*
 * Keeps a raw provider message on a payment that is not final yet (e.g. a
 * callback waiting for the query to confirm it), or on an expired one (a
 * late callback: if the provider confirms it was paid, payment_settle
 * still gives the goods), and makes it due now. Autocommit.
 */
enum ny_err payment_keep_raw(struct db *db, int64_t id, const char *raw);

/*
 * A success callback that arrives after the STK query already settled
 * payment id as paid (the query carries no receipt): records its receipt
 * and raw message, once, on a paid payment that has no receipt and either
 * no raw message or this very one (the callback was kept while the
 * worker's query was on its way, and the settle kept it without its
 * receipt: Daraja's repeat brings the receipt). Nothing is granted or
 * changed otherwise. Autocommit.
 */
enum ny_err payment_late_receipt(struct db *db, int64_t id, const char *receipt,
	    const char *raw);

/*
 * The raw callback kept on payment id (caller frees *raw; NULL when none).
 * NY_OK or NY_ENOTFOUND.
 */
enum ny_err payment_raw(struct db *db, int64_t id, char **raw);

/*
 * Makes every non-final payment due now (the worker calls it at start, so
 * a restart queries or expires everything that was in flight). Autocommit.
 */
enum ny_err payment_wake_all(struct db *db);

/*
 * Reason code for a Daraja ResultCode (0 → NULL): 1 insufficient_funds,
 * 1032 cancelled, 1037 unreachable, 2001 wrong_pin, 1001 busy,
 * 1019 expired, anything else "failed".
 */
const char *payment_reason_for_code(int code);

#endif
