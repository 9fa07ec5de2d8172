/*
 * checkout-card.c: which methods can take a price (the product page's
 * buttons), the card checkout's push made in the buyer's own request (a
 * Stripe Checkout Session, then a 303 to it), and Stripe's webhook
 * (docs/payments.md). As for M-Pesa, nothing is granted here: an event
 * is kept on its payment and wakes the worker, which retrieves the
 * session from Stripe before payment_settle decides.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checkout-card.h"
#include "log.h"
#include "refund.h"
#include "sse.h"
#include "webhook.h"
#include "worker-pay.h"

/* ---- methods -------------------------------------------------------------- */

/*
 * The configured method that takes currency: the one the form asked for
 * (asked = a provider name, may be NULL or ""), else the first that is
 * not a card page (a phone prompt is what most buyers here use), else the
 * first. NULL when none takes it, or the asked one does not.
 */
const struct pay_provider *
checkout_method_pick(const char *currency, const char *asked)
{
	const struct pay_provider *v[4];
	int i, n;

	n = pay_methods_for(http_config()->payments, currency, v, 4);
	if (asked != NULL && asked[0] != '\0') {
		/* The phone button says "mpesa" also when sim stands in. */
		for (i = 0; i < n; i++)
			if (strcmp(v[i]->name, asked) == 0 ||
			    (strcmp(asked, "mpesa") == 0 && !v[i]->in_request))
				return v[i];
		return NULL;
	}
	for (i = 0; i < n; i++)
		if (!v[i]->in_request)
			return v[i];
	return n > 0 ? v[0] : NULL;
}

void
checkout_methods_json(const char *currency, json_t *ctx)
{
	const struct pay_provider *v[4];
	int i, n, phone = 0, card = 0;

	n = pay_methods_for(http_config()->payments, currency, v, 4);
	for (i = 0; i < n; i++) {
		if (v[i]->in_request)
			card = 1;
		else
			phone = 1;
	}
	json_object_set_new(ctx, "pay_phone", json_boolean(phone));
	json_object_set_new(ctx, "pay_card", json_boolean(card));
	json_object_set_new(ctx, "not_on_sale", json_boolean(n == 0));
}

/* ---- the card push ------------------------------------------------------ */

/* Ends a card payment whose session could not be made: failed, seats back. */
static void
card_fail(struct db *db, const struct payment *p)
{
	struct pay_result r;

	memset(&r, 0, sizeof r);
	r.outcome = PAY_FAILED;
	r.result_code = -1;
	r.reason = PAY_REASON_PUSH;
	r.amount_minor = -1;
	r.desc = "checkout session not created";
	if (payment_settle(db, p->id, NULL, &r, NULL) != NY_OK)
		log_warn("card payment not failed", "payment=%lld",
		    (long long)p->id);
	sse_kick();
}

/*
 * Creates the session for p (its push intent committed first, as the
 * worker does for phone prompts). A lost answer is asked again once: the
 * provider dedupes a repeated push. NY_OK with url, or the push's error.
 */
static enum ny_err
card_push(struct db *db, const struct pay_provider *prov, void *state,
    const struct payment *p, char *url, size_t urllen)
{
	char ref[72], *cause = NULL, q[160];
	enum ny_err rc;
	int64_t now = ny_now();

	if ((rc = payment_push_begin(db, p->id, now)) != NY_OK)
		return rc;
	rc = prov->push(state, p, ref, sizeof ref, url, urllen, &cause);
	if (rc == NY_EBUSY && prov->push_repeatable) {
		free(cause);
		cause = NULL;
		rc = prov->push(state, p, ref, sizeof ref, url, urllen, &cause);
	}
	if (rc == NY_OK && url[0] == '\0')
		rc = NY_EINVAL;
	if (rc == NY_OK && ((rc = payment_set_checkout_url(db, p->id, url)) !=
	    NY_OK || (rc = payment_mark_pushed(db, p->id, ref, now +
	    prov->poll_s)) != NY_OK))
		log_warn("card session not recorded", "payment=%lld err=%s",
		    (long long)p->id, ny_strerror(rc));
	if (rc != NY_OK)
		log_warn("card session not created", "payment=%lld err=%s "
		    "cause=%s", (long long)p->id, ny_strerror(rc),
		    log_quote(cause, q, sizeof q));
	free(cause);
	return rc;
}

int
checkout_card_start(struct http_req *rq, struct http_resp *rs,
    const struct order *o, const char **err_key)
{
	const struct pay_provider *prov;
	struct db *db = http_db(rq);
	struct payment p;
	char url[1024];
	void *state = NULL;

	*err_key = NULL;
	if (payment_by_order(db, o->id, &p) != NY_OK)
		return 503;
	/* The same form sent again: back to the same session. */
	if (strcmp(p.status, "pending") == 0 &&
	    payment_checkout_url(db, p.id, url, sizeof url) == NY_OK)
		return http_redirect(rq, rs, 303, url);
	if (strcmp(p.status, "new") != 0 || p.push_started_at != 0 ||
	    (prov = worker_pay_method(p.provider, &state)) == NULL)
		return http_redirect(rq, rs, 303, http_printf(rq,
		    "/checkout/%s", o->ref));
	switch (card_push(db, prov, state, &p, url, sizeof url)) {
	case NY_OK:
		return http_redirect(rq, rs, 303, url);
	case NY_ESTATE:		/* another request of this form got there */
		return http_redirect(rq, rs, 303, http_printf(rq,
		    "/checkout/%s", o->ref));
	default:
		card_fail(db, &p);
		*err_key = "co.err.card_down";
		return 0;
	}
}

/* ---- Stripe's webhook --------------------------------------------------- */

/*
 * The payment an event names: by session id, else (a session whose id
 * we never recorded: the storefront died during the call) by the order
 * reference we gave Stripe. NY_OK or NY_ENOTFOUND.
 */
static enum ny_err
hook_payment(struct db *db, const struct pay_stripe_event *ev,
    struct payment *p)
{
	struct order o;

	if (ev->session[0] != '\0' &&
	    payment_by_provider_ref(db, ev->session, p) == NY_OK)
		return NY_OK;
	if (ev->order_ref[0] == '\0' ||
	    order_by_ref(db, ev->order_ref, &o) != NY_OK ||
	    payment_by_order(db, o.id, p) != NY_OK ||
	    strcmp(p->provider, "stripe") != 0 || p->provider_ref[0] != '\0')
		return NY_ENOTFOUND;
	return NY_OK;
}

/*
 * A checkout.session.* event: kept raw on its payment, which becomes due
 * now; the worker retrieves the session and settles. Returns the order
 * id concerned, or 0.
 */
static int64_t
hook_session(struct db *db, const struct pay_stripe_event *ev,
    const char *body)
{
	struct payment p;

	if (hook_payment(db, ev, &p) != NY_OK) {
		log_warn("stripe event for an unknown session", "type=%s",
		    ev->type);
		return 0;
	}
	/*
	 * A session whose creation answer we lost: the event is signed by
	 * Stripe and names our order, so its session is the one we asked
	 * for. It is recorded here rather than left to the worker's repeat
	 * of the push, which Stripe refuses when the parameters changed in
	 * between (another NYOTA_BASE_URL after a restart). Still only a
	 * hint: the worker retrieves the session before settling.
	 */
	if (p.provider_ref[0] == '\0' && strncmp(ev->session, "cs_", 3) == 0 &&
	    strcmp(p.status, "new") == 0 && p.push_started_at != 0 &&
	    payment_mark_pushed(db, p.id, ev->session, ny_now()) == NY_OK)
		log_info("card session recorded from its webhook",
		    "payment=%lld", (long long)p.id);
	if (payment_keep_raw(db, p.id, body) != NY_OK)
		return -1;
	worker_pay_kick();
	return p.order_id;
}

/*
 * charge.refunded: a full refund ends access (refund.h), whether Nyota
 * asked for it or the creator refunded in Stripe's dashboard. A partial
 * refund is not something Nyota does: logged for the creator to look at.
 */
static int64_t
hook_refunded(struct db *db, const struct pay_stripe_event *ev,
    const char *body)
{
	struct payment p;
	int changed = 0;
	enum ny_err rc;

	if (ev->payment_intent[0] == '\0' || ev->refunded_minor < 0 ||
	    (ev->amount_minor >= 0 && ev->refunded_minor < ev->amount_minor)) {
		log_warn("stripe partial refund left as is", "charge=%s",
		    ev->charge);
		return 0;
	}
	rc = refund_by_provider(db, "stripe", ev->payment_intent,
	    ev->refund[0] ? ev->refund : NULL, body, &changed);
	if (rc == NY_ENOTFOUND) {
		log_warn("stripe refund of an unknown payment", "charge=%s",
		    ev->charge);
		return 0;
	}
	if (rc != NY_OK)
		return -1;
	if (changed)
		sse_kick();
	return payment_by_receipt(db, ev->payment_intent, &p) == NY_OK ?
	    p.order_id : 0;
}

/*
 * A refund's own event (charge.refund.updated, refund.updated,
 * refund.failed): a refund Stripe accepted as pending ends here when it
 * fails or is canceled (the order stays paid, the creator may ask again),
 * or succeeds (as charge.refunded would say).
 */
static int64_t
hook_refund_update(struct db *db, const struct pay_stripe_event *ev,
    const char *body)
{
	int changed = 0, ok;
	enum ny_err rc;
	char desc[64];

	ok = strcmp(ev->refund_status, "succeeded") == 0;
	if (!ok && strcmp(ev->refund_status, "failed") != 0 &&
	    strcmp(ev->refund_status, "canceled") != 0)
		return 0;		/* still on its way */
	snprintf(desc, sizeof desc, "refund %s at Stripe", ev->refund_status);
	rc = refund_result(db, ev->refund, ok, desc, body, &changed);
	if (rc == NY_ENOTFOUND)
		return 0;		/* not one Nyota asked for */
	if (rc != NY_OK)
		return -1;
	if (changed)
		sse_kick();
	return 0;
}

int
checkout_stripe_webhook(struct http_req *rq, struct http_resp *rs)
{
	const struct ny_config *cfg = http_config();
	struct pay_stripe_event ev;
	struct db *db = http_db(rq);
	const char *body;
	int64_t order_id = 0;
	size_t len;

	if (!config_payments_has(cfg, "stripe"))
		return 404;
	body = http_body(rq, &len);
	if (body == NULL || pay_stripe_verify(cfg->stripe_webhook_secret,
	    http_header(rq, "Stripe-Signature"), body, len, ny_now(),
	    PAY_STRIPE_TOLERANCE_S) != NY_OK) {
		log_warn("stripe webhook refused: bad signature", "len=%zu",
		    len);
		return http_json(rq, rs, 400, json_pack("{s:s}", "error",
		    "signature"));
	}
	if (pay_stripe_event_parse(body, len, &ev) != NY_OK)
		return http_json(rq, rs, 400, json_pack("{s:s}", "error",
		    "event"));
	if (webhook_seen(db, ev.id))
		return http_json(rq, rs, 200, json_pack("{s:b, s:b}",
		    "received", 1, "duplicate", 1));
	if (strncmp(ev.type, "checkout.session.", 17) == 0)
		order_id = hook_session(db, &ev, body);
	else if (strcmp(ev.type, "charge.refunded") == 0)
		order_id = hook_refunded(db, &ev, body);
	else if (strcmp(ev.type, "charge.refund.updated") == 0 ||
	    strcmp(ev.type, "refund.updated") == 0 ||
	    strcmp(ev.type, "refund.failed") == 0)
		order_id = hook_refund_update(db, &ev, body);
	/* Not applied (the database was busy): Stripe sends it again. */
	if (order_id < 0)
		return 503;
	webhook_record(db, ev.id, "stripe", ev.type, order_id);
	return http_json(rq, rs, 200, json_pack("{s:b}", "received", 1));
}
