/*
 * pay-stripe.c: card payments through Stripe Checkout, over libcurl
 * (docs/payments.md).
 *
 * push creates a Checkout Session (the buyer's request sends them to its
 * URL); query retrieves it, and expires it when the order is about to
 * end so that nobody pays a session we gave up on; refund calls the
 * refunds API. Every POST carries an Idempotency-Key derived from the
 * order (or refund) and identical parameters, so a push or refund whose
 * answer was lost is simply sent again and Stripe answers with the same
 * object. Webhooks are not trusted alone either: the storefront checks
 * their signature (pay_stripe_verify), and the worker retrieves the
 * session before anything is granted.
 *
 * The secret key only ever goes into the Authorization header; error
 * texts from Stripe are scrubbed of anything that looks like a key
 * before they become a cause.
 */
#include <curl/curl.h>
#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "pay.h"
#include "pay-stripe-int.h"

#define STRIPE_BODY_MAX		(256 * 1024)
#define STRIPE_TIMEOUT_S	20L	/* under the checkout request's 30 s */
#define STRIPE_VERSION		"2024-06-20"	/* the shapes read here */
#define STRIPE_EXPIRE_EARLY_S	60	/* expire the session this long
					   before the order ends */
/*
 * expires_at is the payment's created_at + the session lifetime + this
 * slack: Stripe wants a session to live at least 30 minutes from its
 * creation, which comes a moment after the order's; a repeated push still
 * sends the very same value (created_at does not move).
 */
#define STRIPE_PUSH_SLACK_S	30

static const char *const stripe_currencies[] = {
	"KES", "TZS", "UGX", "USD", NULL,
};

struct stripe {
	char	*api;
	char	*key;
	char	*base;
	int	 session_s;
};

/* An HTTP answer: status (0 none), body (owned), its JSON (may be NULL). */
struct stripe_resp {
	long	 status;
	char	*body;
	json_t	*json;
};

static int
stripe_timeout_s(const struct ny_config *cfg)
{
	return cfg->stripe_session_s + 60;
}

static enum ny_err
stripe_init(const struct ny_config *cfg, void **state, char **cause)
{
	struct stripe *s;

	if (cfg->stripe_secret_key == NULL || !cfg->stripe_secret_key[0]) {
		*cause = xstrdup("NYOTA_STRIPE_SECRET_KEY is required with "
		    "NYOTA_PAYMENTS=stripe");
		return NY_EINVAL;
	}
	curl_global_init(CURL_GLOBAL_DEFAULT);
	s = xcalloc(1, sizeof *s);
	s->api = xstrdup(cfg->stripe_api_url);
	s->key = xstrdup(cfg->stripe_secret_key);
	s->base = xstrdup(cfg->base_url ? cfg->base_url : "");
	s->session_s = cfg->stripe_session_s;
	*state = s;
	return NY_OK;
}

static void
stripe_free(void *state)
{
	struct stripe *s = state;

	if (s == NULL)
		return;
	sodium_memzero(s->key, strlen(s->key));
	free(s->key);
	free(s->api);
	free(s->base);
	free(s);
}

static size_t
stripe_write(char *p, size_t size, size_t n, void *arg)
{
	return buf_add(arg, p, size * n) == NY_OK ? size * n : 0;
}

/*
 * Appends key=value, both URL-encoded, to the form b. Stripe reads the
 * bracketed keys ("line_items[0][quantity]") once decoded.
 */
static void
stripe_form(CURL *c, struct ny_buf *b, const char *key, const char *value)
{
	char *k = curl_easy_escape(c, key, 0);
	char *v = curl_easy_escape(c, value, 0);

	buf_printf(b, "%s%s=%s", b->len ? "&" : "", k, v);
	curl_free(k);
	curl_free(v);
}

/*
 * Sends one request to the API: GET when form is NULL, else a
 * form-encoded POST of the NULL-terminated key, value pairs form, with
 * the Idempotency-Key idem (may be NULL). NY_OK for any HTTP answer
 * (*r filled, caller frees with stripe_resp_free); NY_EIO when nothing
 * was sent (no connection); NY_EBUSY when the request may have reached
 * Stripe but no answer came.
 */
static enum ny_err
stripe_http(struct stripe *s, const char *path, const char *const *form,
    const char *idem, struct stripe_resp *r)
{
	CURL *c = curl_easy_init();
	struct curl_slist *h = NULL;
	struct ny_buf b, f;
	char *url, *auth, *ih = NULL;
	long sent = 0;
	CURLcode cc;

	memset(r, 0, sizeof *r);
	if (c == NULL)
		return NY_EIO;
	buf_init(&b, STRIPE_BODY_MAX);
	buf_init(&f, 0);
	url = xasprintf("%s%s", s->api, path);
	auth = xasprintf("Authorization: Bearer %s", s->key);
	h = curl_slist_append(h, auth);
	h = curl_slist_append(h, "Stripe-Version: " STRIPE_VERSION);
	if (idem != NULL) {
		ih = xasprintf("Idempotency-Key: %s", idem);
		h = curl_slist_append(h, ih);
	}
	for (; form != NULL && form[0] != NULL; form += 2)
		stripe_form(c, &f, form[0], form[1]);
	if (form != NULL || f.len > 0)
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, f.data ? f.data : "");
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, STRIPE_TIMEOUT_S);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 5L);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, stripe_write);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &b);
	cc = curl_easy_perform(c);
	curl_easy_getinfo(c, CURLINFO_REQUEST_SIZE, &sent);
	if (cc == CURLE_OK) {
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r->status);
		r->body = buf_steal(&b, NULL);
		r->json = json_loads(r->body ? r->body : "", 0, NULL);
	}
	curl_slist_free_all(h);
	curl_easy_cleanup(c);
	sodium_memzero(auth, strlen(auth));
	free(auth);
	free(ih);
	free(url);
	buf_free(&b);
	buf_free(&f);
	if (cc == CURLE_OK)
		return NY_OK;
	log_warn("stripe unreachable", "path=%s err=\"%s\"", path,
	    curl_easy_strerror(cc));
	return sent == 0 || cc == CURLE_COULDNT_CONNECT ||
	    cc == CURLE_COULDNT_RESOLVE_HOST ? NY_EIO : NY_EBUSY;
}

/*
 * A GET whose path has a formatted part (an id from the database): only
 * characters an id has are let through, anything else makes it NY_EIO.
 */
static int
stripe_id_ok(const char *id)
{
	size_t i;

	for (i = 0; id[i] != '\0'; i++)
		if (!(id[i] == '_' || (id[i] >= '0' && id[i] <= '9') ||
		    (id[i] >= 'a' && id[i] <= 'z') ||
		    (id[i] >= 'A' && id[i] <= 'Z')))
			return 0;
	return i > 0 && i < 72;
}

static void
stripe_resp_free(struct stripe_resp *r)
{
	json_decref(r->json);
	free(r->body);
	memset(r, 0, sizeof *r);
}

/* Copies the string member key of o into buf when it fits; else "". */
static int
stripe_str(json_t *o, const char *key, char *buf, size_t len)
{
	json_t *v = json_object_get(o, key);

	if (len == 0)
		return 0;
	buf[0] = '\0';
	if (!json_is_string(v) || json_string_length(v) >= len)
		return 0;
	memcpy(buf, json_string_value(v), json_string_length(v) + 1);
	return 1;
}

/* The body for audit, without the buyer's details Stripe collected. */
static char *
stripe_audit(json_t *o)
{
	json_t *c = json_deep_copy(o);
	char *out;

	json_object_del(c, "customer_details");
	json_object_del(c, "customer_email");
	json_object_del(c, "shipping_details");
	json_object_del(json_object_get(json_object_get(c, "payment_intent"),
	    "latest_charge"), "billing_details");
	out = json_dumps(c, JSON_COMPACT);
	json_decref(c);
	return out;
}

/*
 * What a session's creation answered: NY_OK with ref (and url, when the
 * caller wants one) filled; NY_EBUSY when Stripe made it but the answer
 * is unreadable, or the same key is still in flight (asking again with
 * that key gives the session); NY_EIO for 5xx and 429 (nothing made);
 * NY_EINVAL with Stripe's reason in *cause for any other refusal.
 */
static enum ny_err
stripe_push_answer(const struct stripe_resp *r, char *ref, size_t len,
    char *url, size_t urllen, char **cause)
{
	int want_url = url != NULL && urllen > 0;

	if (r->status == 200)
		return stripe_str(r->json, "id", ref, len) && ref[0] != '\0' &&
		    (!want_url || (stripe_str(r->json, "url", url, urllen) &&
		    url[0] != '\0')) ? NY_OK : NY_EBUSY;
	if (r->status >= 500 || r->status == 429)
		return NY_EIO;
	if (r->status == 409)
		return NY_EBUSY;
	*cause = pay_stripe_error("session", r->status, r->json);
	return NY_EINVAL;
}

static enum ny_err
stripe_push(void *state, const struct payment *p, char *ref, size_t len,
    char *url, size_t urllen, char **cause)
{
	struct stripe *s = state;
	struct stripe_resp r;
	char cur[4], amount[24], exp[24], ok[512], cancel[512], idem[64];
	char name[160];
	int64_t amt = pay_stripe_amount(p->amount_minor, p->currency);
	enum ny_err rc;
	size_t i;

	if (url != NULL && urllen > 0)
		url[0] = '\0';
	/* Our own list, not pay_provider_takes: pay.c's table points at
	 * the providers, never back. */
	for (i = 0; stripe_currencies[i] != NULL; i++)
		if (strcmp(stripe_currencies[i], p->currency) == 0)
			break;
	if (stripe_currencies[i] == NULL || amt < 1) {
		*cause = xasprintf("stripe cannot take %s %lld", p->currency,
		    (long long)p->amount_minor);
		return NY_EINVAL;
	}
	for (i = 0; i < 3; i++)
		cur[i] = (char)(p->currency[i] | 0x20);	/* A-Z → a-z */
	cur[3] = '\0';
	snprintf(amount, sizeof amount, "%lld", (long long)amt);
	snprintf(exp, sizeof exp, "%lld", (long long)(p->created_at +
	    s->session_s + STRIPE_PUSH_SLACK_S));
	snprintf(ok, sizeof ok, "%s/checkout/%s?paid=card", s->base,
	    p->order_ref);
	snprintf(cancel, sizeof cancel, "%s/checkout/%s", s->base, p->order_ref);
	snprintf(idem, sizeof idem, "nyota-cs-%s", p->order_ref);
	ny_utf8_copy(name, sizeof name, p->product_title[0] ?
	    p->product_title : p->order_ref);
	{
		/* Never the buyer's phone: Stripe needs nothing of it. */
		const char *const form[] = {
			"mode", "payment",
			"client_reference_id", p->order_ref,
			"line_items[0][quantity]", "1",
			"line_items[0][price_data][currency]", cur,
			"line_items[0][price_data][unit_amount]", amount,
			"line_items[0][price_data][product_data][name]", name,
			"metadata[order_ref]", p->order_ref,
			"payment_intent_data[metadata][order_ref]", p->order_ref,
			"success_url", ok,
			"cancel_url", cancel,
			"expires_at", exp,
			"locale", "auto",
			NULL,
		};
		rc = stripe_http(s, "/v1/checkout/sessions", form, idem, &r);
	}
	if (rc != NY_OK)
		return rc;
	if ((rc = stripe_push_answer(&r, ref, len, url, urllen, cause)) !=
	    NY_OK)
		log_warn("stripe session not created", "status=%ld err=%s",
		    r.status, ny_strerror(rc));
	stripe_resp_free(&r);
	return rc;
}

/* The payment intent of a session: its id, and the object when expanded. */
static json_t *
stripe_intent(json_t *session, char *id, size_t len)
{
	json_t *pi = json_object_get(session, "payment_intent");

	id[0] = '\0';
	if (json_is_string(pi)) {
		stripe_str(session, "payment_intent", id, len);
		return NULL;
	}
	stripe_str(pi, "id", id, len);
	return json_is_object(pi) ? pi : NULL;
}

/* A complete and paid session: the outcome, with the card when known. */
static void
stripe_paid(const struct payment *p, json_t *o, struct pay_answer *a)
{
	char pi_id[40], cur[8] = "";
	json_t *pi = stripe_intent(o, pi_id, sizeof pi_id), *card, *amt;
	json_t *charge, *refunded;
	int64_t minor = -1;
	size_t i;

	card = json_object_get(json_object_get(json_object_get(pi,
	    "latest_charge"), "payment_method_details"), "card");
	stripe_str(card, "brand", a->card_brand, sizeof a->card_brand);
	stripe_str(card, "last4", a->card_last4, sizeof a->card_last4);
	stripe_str(o, "currency", cur, sizeof cur);
	for (i = 0; cur[i] != '\0'; i++)
		cur[i] = (char)(cur[i] & ~0x20);	/* a-z → A-Z */
	if (strcmp(cur, p->currency) != 0) {
		pay_answer_final(a, PAY_FAILED, 0, PAY_REASON_AMOUNT, pi_id, -1,
		    "paid in another currency");
		return;
	}
	amt = json_object_get(o, "amount_total");
	if (json_is_integer(amt))
		minor = pay_stripe_minor(json_integer_value(amt), p->currency);
	if (minor < 0) {
		/* An amount we cannot read is never granted. */
		pay_answer_final(a, PAY_FAILED, 0, PAY_REASON_AMOUNT, pi_id,
		    -1, "paid amount unreadable");
		return;
	}
	charge = json_object_get(pi, "latest_charge");
	refunded = json_object_get(charge, "amount_refunded");
	if (json_is_true(json_object_get(charge, "refunded")) ||
	    (json_is_integer(refunded) && json_integer_value(refunded) > 0)) {
		/* Refunded at Stripe before we granted it (its
		 * charge.refunded found no paid order): kept for review,
		 * never granted. */
		pay_answer_final(a, PAY_FAILED, 0, PAY_REASON_AMOUNT, pi_id,
		    minor, "refunded at Stripe before it was granted");
		return;
	}
	pay_answer_final(a, PAY_PAID, 0, NULL, pi_id, minor,
	    "card payment confirmed");
}

/*
 * Reads a retrieved session into *a: final when it is paid, failed or
 * expired; otherwise a->final stays 0. *open is set when the session is
 * still open (the caller decides whether to expire it).
 */
static void
stripe_session(const struct payment *p, json_t *o, struct pay_answer *a,
    int *open)
{
	char st[16], ps[24], pi_id[72], pis[32] = "";
	json_t *pi;

	*open = 0;
	stripe_str(o, "status", st, sizeof st);
	stripe_str(o, "payment_status", ps, sizeof ps);
	if (strcmp(st, "complete") == 0 && strcmp(ps, "paid") == 0) {
		stripe_paid(p, o, a);
	} else if (strcmp(st, "complete") == 0) {
		pi = stripe_intent(o, pi_id, sizeof pi_id);
		stripe_str(pi, "status", pis, sizeof pis);
		if (strcmp(pis, "canceled") == 0 ||
		    strcmp(pis, "requires_payment_method") == 0)
			pay_answer_final(a, PAY_FAILED, 0, PAY_REASON_OTHER,
			    NULL, -1, "the card payment failed");
		else
			a->retry_s = 30;	/* an async payment in progress */
	} else if (strcmp(st, "expired") == 0) {
		pay_answer_final(a, PAY_EXPIRED, 0, PAY_REASON_EXPIRED, NULL, -1,
		    "checkout session expired");
	} else {
		*open = 1;
		a->retry_s = 30;
	}
}

/*
 * Retrieves the session of p (or, expire set, expires it) into *r.
 * NY_OK with a session object, NY_EIO otherwise (any failure: a query is
 * always safe to repeat), NY_ESTATE when Stripe refused to expire it (it
 * is no longer open).
 */
static enum ny_err
stripe_fetch(struct stripe *s, const struct payment *p, int expire,
    struct stripe_resp *r)
{
	static const char *const expand[] = {
		"expand[]", "payment_intent.latest_charge", NULL,
	};
	char path[160], id[72];

	if (!stripe_id_ok(p->provider_ref))
		return NY_EIO;
	if (expire)
		snprintf(path, sizeof path, "/v1/checkout/sessions/%s/expire",
		    p->provider_ref);
	else
		snprintf(path, sizeof path, "/v1/checkout/sessions/%s?expand"
		    "%%5B%%5D=payment_intent.latest_charge", p->provider_ref);
	if (stripe_http(s, path, expire ? expand : NULL, NULL, r) != NY_OK)
		return NY_EIO;
	if (r->status == 200 && stripe_str(r->json, "id", id, sizeof id) &&
	    strcmp(id, p->provider_ref) == 0)
		return NY_OK;
	if (expire && r->status >= 400 && r->status < 500 && r->status != 429)
		return NY_ESTATE;
	log_warn("stripe session not retrieved", "status=%ld", r->status);
	return NY_EIO;
}

static enum ny_err
stripe_query(void *state, const struct payment *p, const char *raw,
    struct pay_answer *a)
{
	struct stripe *s = state;
	struct stripe_resp r = { 0 };
	enum ny_err rc;
	int open;

	(void)raw;	/* a webhook is only a hint: the session says */
	memset(a, 0, sizeof *a);
	snprintf(a->provider_ref, sizeof a->provider_ref, "%s", p->provider_ref);
	if ((rc = stripe_fetch(s, p, 0, &r)) != NY_OK)
		goto out;
	a->raw = stripe_audit(r.json);
	stripe_session(p, r.json, a, &open);
	if (!open || ny_now() < p->order_expires_at - STRIPE_EXPIRE_EARLY_S)
		goto out;
	/* The order is ending: close the session so nobody pays it late.
	 * Refused means it just stopped being open: read it once more. */
	stripe_resp_free(&r);
	rc = stripe_fetch(s, p, 1, &r);
	if (rc == NY_ESTATE) {
		stripe_resp_free(&r);
		rc = stripe_fetch(s, p, 0, &r);
	}
	if (rc != NY_OK)
		goto out;
	free(a->raw);
	a->raw = stripe_audit(r.json);
	stripe_session(p, r.json, a, &open);
out:
	if (a->final)
		a->result.raw = a->raw;
	stripe_resp_free(&r);
	return rc;
}

/*
 * Refunds the whole payment. A charge Stripe says was refunded already
 * (from its dashboard) counts as done: the money is back either way.
 */
static enum ny_err
stripe_refund(void *state, const struct pay_refund *r,
    struct pay_refund_answer *a)
{
	struct stripe *s = state;
	const struct payment *p = r->payment;
	struct stripe_resp resp;
	char idem[64], note[201], *cause;
	json_t *code;

	memset(a, 0, sizeof *a);
	if (strncmp(p->receipt, "pi_", 3) != 0) {
		a->final = 1;
		snprintf(a->desc, sizeof a->desc, "no Stripe payment recorded");
		return NY_OK;
	}
	/*
	 * One key per asking: a retry with a new reason would be an
	 * idempotency error under the old key, and a refused first try
	 * would be replayed for a day. A second whole refund of the same
	 * payment is refused as charge_already_refunded, counted as done.
	 */
	snprintf(idem, sizeof idem, "nyota-re-%lld-%d", (long long)r->refund_id,
	    r->attempt > 0 ? r->attempt : 1);
	snprintf(note, sizeof note, "%s", r->reason ? r->reason : "");
	{
		const char *const form[] = {
			"payment_intent", p->receipt,
			"reason", "requested_by_customer",
			"metadata[order_ref]", p->order_ref,
			/* an empty note ends the list here */
			note[0] ? "metadata[note]" : NULL, note,
			NULL,
		};
		if (stripe_http(s, "/v1/refunds", form, idem, &resp) != NY_OK)
			return NY_EIO;	/* deduped by the key: safe again */
	}
	code = json_object_get(json_object_get(resp.json, "error"), "code");
	if (resp.status == 200)
		pay_stripe_refund_read(resp.json, a);
	else if (json_is_string(code) &&
	    strcmp(json_string_value(code), "charge_already_refunded") == 0) {
		a->final = a->ok = 1;
		snprintf(a->desc, sizeof a->desc, "already refunded at Stripe");
	} else if (resp.status >= 400 && resp.status < 500 &&
	    resp.status != 429 && resp.status != 409) {
		a->final = 1;
		cause = pay_stripe_error("refund", resp.status, resp.json);
		snprintf(a->desc, sizeof a->desc, "%s", cause);
		free(cause);
	} else {
		log_warn("stripe refund not answered", "status=%ld",
		    resp.status);
		stripe_resp_free(&resp);
		return NY_EIO;
	}
	a->raw = resp.body;	/* kept for audit */
	resp.body = NULL;
	stripe_resp_free(&resp);
	return NY_OK;
}

/*
 * A webhook body kept on a payment, as the worker's hint: a session
 * event in the neutral answer (never trusted alone: query confirms).
 */
static enum ny_err
stripe_parse(const char *body, size_t len, struct pay_answer *a)
{
	struct pay_stripe_event ev;

	memset(a, 0, sizeof *a);
	if (pay_stripe_event_parse(body, len, &ev) != NY_OK ||
	    strncmp(ev.type, "checkout.session.", 17) != 0 || !ev.session[0])
		return NY_EINVAL;
	snprintf(a->provider_ref, sizeof a->provider_ref, "%s", ev.session);
	if (strcmp(ev.type, "checkout.session.expired") == 0)
		pay_answer_final(a, PAY_EXPIRED, 0, PAY_REASON_EXPIRED, NULL, -1,
		    ev.type);
	else if (strcmp(ev.payment_status, "paid") == 0 &&
	    strcmp(ev.type, "checkout.session.async_payment_failed") != 0)
		pay_answer_final(a, PAY_PAID, 0, NULL, ev.payment_intent,
		    ev.amount_minor, ev.type);
	else if (strcmp(ev.type, "checkout.session.async_payment_failed") == 0)
		pay_answer_final(a, PAY_FAILED, 0, PAY_REASON_OTHER, NULL, -1,
		    ev.type);
	else
		return NY_EINVAL;	/* complete, payment still on its way */
	return NY_OK;
}

const struct pay_provider pay_stripe = {
	.name = "stripe",
	.currencies = stripe_currencies,
	.in_request = 1,
	.push_repeatable = 1,
	.timeout_s = stripe_timeout_s,
	.init = stripe_init,
	.free = stripe_free,
	.push = stripe_push,
	.query = stripe_query,
	.parse_callback = stripe_parse,
	.refund = stripe_refund,
	.poll_s = 30,
};
