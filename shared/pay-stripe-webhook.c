/*
 * pay-stripe-webhook.c: the parts of Stripe that need no network: amounts
 * in Stripe's units, the Stripe-Signature check, and what a webhook event
 * says (pay.h). Apart from pay-stripe.c (the HTTP provider) so that the
 * storefront's webhook handler and the fuzzer use them alone.
 */
#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "money.h"
#include "pay.h"
#include "pay-stripe-int.h"

#define STRIPE_EVENT_MAX	(256 * 1024)
#define STRIPE_SIG_HEADER_MAX	4096
#define STRIPE_SIGS_MAX		8	/* v1 values looked at, at most */

/* Stripe's decimals for a currency we take: UGX is zero-decimal there. */
static int
stripe_exponent(const char *currency)
{
	return strcmp(currency, "UGX") == 0 ? 0 : 2;
}

/* v in units of 10^-from into units of 10^-to; -1 when negative, not a
 * whole number of the new unit, or too big. */
static int64_t
stripe_scale(int64_t v, int from, int to)
{
	if (v < 0)
		return -1;
	for (; from > to; from--) {
		if (v % 10 != 0)
			return -1;
		v /= 10;
	}
	for (; to > from; to--) {
		if (v > INT64_MAX / 10)
			return -1;
		v *= 10;
	}
	return v;
}

int64_t
pay_stripe_amount(int64_t minor, const char *currency)
{
	int e;

	if (currency == NULL || money_exponent(currency, &e) != NY_OK)
		return -1;
	return stripe_scale(minor, e, stripe_exponent(currency));
}

int64_t
pay_stripe_minor(int64_t stripe_amount, const char *currency)
{
	int e;

	if (currency == NULL || money_exponent(currency, &e) != NY_OK)
		return -1;
	return stripe_scale(stripe_amount, stripe_exponent(currency), e);
}

/*
 * Reads one "key=value" item of a Stripe-Signature header (n bytes at p):
 * the t value into t (digits, as sent: it is what was signed), v1 values
 * decoded into sigs. Other schemes (v0) and keys are ignored. -1 on a
 * malformed or repeated t, else 0.
 */
static int
stripe_sig_item(const char *p, size_t n, char *t, size_t tlen,
    unsigned char sigs[][crypto_auth_hmacsha256_BYTES], int *nsigs)
{
	size_t i;
	const char *v;

	while (n > 0 && *p == ' ')
		p++, n--;
	if (n > 2 && strncmp(p, "t=", 2) == 0) {
		v = p + 2;
		if (t[0] != '\0' || n - 2 >= tlen || n - 2 > 12)
			return -1;
		for (i = 0; i < n - 2; i++)
			if (v[i] < '0' || v[i] > '9')
				return -1;
		memcpy(t, v, n - 2);
		t[n - 2] = '\0';
	} else if (n == 3 + 2 * crypto_auth_hmacsha256_BYTES &&
	    strncmp(p, "v1=", 3) == 0 && *nsigs < STRIPE_SIGS_MAX &&
	    sodium_hex2bin(sigs[*nsigs], crypto_auth_hmacsha256_BYTES, p + 3,
	    n - 3, NULL, NULL, NULL) == 0)
		(*nsigs)++;
	return 0;
}

enum ny_err
pay_stripe_verify(const char *secret, const char *header, const char *body,
    size_t len, int64_t now, int64_t tolerance_s)
{
	unsigned char sigs[STRIPE_SIGS_MAX][crypto_auth_hmacsha256_BYTES];
	unsigned char mac[crypto_auth_hmacsha256_BYTES];
	crypto_auth_hmacsha256_state st;
	char t[16] = "";
	const char *p, *end;
	int64_t ts;
	int i, nsigs = 0, match = 0;

	if (secret == NULL || secret[0] == '\0' || header == NULL ||
	    strlen(header) > STRIPE_SIG_HEADER_MAX || (body == NULL && len > 0))
		return NY_EDENIED;
	for (p = header; *p != '\0'; p = *end ? end + 1 : end) {
		end = strchr(p, ',');
		if (end == NULL)
			end = p + strlen(p);
		if (stripe_sig_item(p, (size_t)(end - p), t, sizeof t, sigs,
		    &nsigs) != 0)
			return NY_EDENIED;
	}
	if (t[0] == '\0' || nsigs == 0 ||
	    ny_parse_int(t, 0, INT64_MAX, &ts) != NY_OK ||
	    ts < now - tolerance_s || ts > now + tolerance_s)
		return NY_EDENIED;
	crypto_auth_hmacsha256_init(&st, (const unsigned char *)secret,
	    strlen(secret));
	crypto_auth_hmacsha256_update(&st, (const unsigned char *)t, strlen(t));
	crypto_auth_hmacsha256_update(&st, (const unsigned char *)".", 1);
	crypto_auth_hmacsha256_update(&st, (const unsigned char *)body, len);
	crypto_auth_hmacsha256_final(&st, mac);
	for (i = 0; i < nsigs; i++)
		match |= sodium_memcmp(mac, sigs[i], sizeof mac) == 0;
	sodium_memzero(&st, sizeof st);
	return match ? NY_OK : NY_EDENIED;
}

/* Copies the string member key of o into buf when it fits; else "". */
static void
event_str(json_t *o, const char *key, char *buf, size_t len)
{
	json_t *v = json_object_get(o, key);

	buf[0] = '\0';
	if (json_is_string(v) && json_string_length(v) < len)
		memcpy(buf, json_string_value(v), json_string_length(v) + 1);
}

/* An amount member of o in our minor units, -1 when absent or odd. */
static int64_t
event_amount(json_t *o, const char *key, const char *currency)
{
	json_t *v = json_object_get(o, key);

	if (!json_is_integer(v) || currency[0] == '\0')
		return -1;
	return pay_stripe_minor(json_integer_value(v), currency);
}

/* The object's currency, upper case, when it is three letters. */
static void
event_currency(json_t *o, char *cur)
{
	size_t i;

	event_str(o, "currency", cur, 4);
	for (i = 0; cur[i] != '\0'; i++) {
		if (cur[i] >= 'a' && cur[i] <= 'z')
			cur[i] = (char)(cur[i] - 'a' + 'A');
		else if (cur[i] < 'A' || cur[i] > 'Z')
			break;
	}
	if (i != 3 || cur[i] != '\0')
		cur[0] = '\0';
}

/* payment_intent: an id, or the expanded object's id. */
static void
event_intent(json_t *o, char *buf, size_t len)
{
	json_t *pi = json_object_get(o, "payment_intent");

	if (json_is_object(pi))
		event_str(pi, "id", buf, len);
	else
		event_str(o, "payment_intent", buf, len);
}

enum ny_err
pay_stripe_event_parse(const char *body, size_t len,
    struct pay_stripe_event *ev)
{
	json_t *root, *obj;
	enum ny_err rc = NY_EINVAL;

	memset(ev, 0, sizeof *ev);
	ev->amount_minor = ev->refunded_minor = -1;
	if (body == NULL || len > STRIPE_EVENT_MAX ||
	    (root = json_loadb(body, len, JSON_REJECT_DUPLICATES, NULL)) ==
	    NULL)
		return NY_EINVAL;
	event_str(root, "id", ev->id, sizeof ev->id);
	event_str(root, "type", ev->type, sizeof ev->type);
	if (ev->id[0] == '\0' || ev->type[0] == '\0')
		goto out;
	rc = NY_OK;
	obj = json_object_get(json_object_get(root, "data"), "object");
	if (!json_is_object(obj))
		goto out;
	event_currency(obj, ev->currency);
	event_intent(obj, ev->payment_intent, sizeof ev->payment_intent);
	if (strcmp(ev->type, "charge.refund.updated") == 0 ||
	    strncmp(ev->type, "refund.", 7) == 0) {
		/* The object is the refund itself. */
		event_str(obj, "id", ev->refund, sizeof ev->refund);
		event_str(obj, "status", ev->refund_status,
		    sizeof ev->refund_status);
	} else if (strncmp(ev->type, "checkout.session.", 17) == 0) {
		event_str(obj, "id", ev->session, sizeof ev->session);
		event_str(obj, "client_reference_id", ev->order_ref,
		    sizeof ev->order_ref);
		event_str(obj, "payment_status", ev->payment_status,
		    sizeof ev->payment_status);
		ev->amount_minor = event_amount(obj, "amount_total",
		    ev->currency);
	} else if (strncmp(ev->type, "charge.", 7) == 0) {
		event_str(obj, "id", ev->charge, sizeof ev->charge);
		event_str(json_object_get(obj, "metadata"), "order_ref",
		    ev->order_ref, sizeof ev->order_ref);
		ev->amount_minor = event_amount(obj, "amount", ev->currency);
		ev->refunded_minor = event_amount(obj, "amount_refunded",
		    ev->currency);
		event_str(json_array_get(json_object_get(json_object_get(obj,
		    "refunds"), "data"), 0), "id", ev->refund,
		    sizeof ev->refund);
	}
out:
	if (rc != NY_OK)
		memset(ev, 0, sizeof *ev);
	json_decref(root);
	return rc;
}

/*
 * What Stripe refused, from error.type, .code and .param only: its
 * free-text message may quote what we sent (the idempotency key and the
 * success URL hold the order's reference, a secret of the log), so it is
 * never copied. Each member is a short identifier; anything else in them
 * is dropped.
 */
static void
stripe_error_word(json_t *e, const char *key, char *buf, size_t len)
{
	json_t *v = json_object_get(e, key);
	const char *s = json_is_string(v) ? json_string_value(v) : "";
	size_t i;

	buf[0] = '\0';
	for (i = 0; s[i] != '\0'; i++)
		if (!(s[i] == '_' || s[i] == '.' || s[i] == '[' || s[i] == ']' ||
		    (s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9')))
			return;
	if (i < len)
		memcpy(buf, s, i + 1);
}

char *
pay_stripe_error(const char *what, long status, json_t *body)
{
	json_t *e = json_object_get(body, "error");
	char type[40], code[48], param[64];

	stripe_error_word(e, "type", type, sizeof type);
	stripe_error_word(e, "code", code, sizeof code);
	stripe_error_word(e, "param", param, sizeof param);
	return xasprintf("stripe refused the %s: %ld %s%s%s%s%s", what,
	    status, type[0] ? type : "error", code[0] ? " " : "", code,
	    param[0] ? " param=" : "", param);
}

/* A refund object's answer into *a: final or still on its way. */
void
pay_stripe_refund_read(json_t *o, struct pay_refund_answer *a)
{
	char st[24], why[64];

	event_str(o, "id", a->provider_ref, sizeof a->provider_ref);
	event_str(o, "status", st, sizeof st);
	if (strcmp(st, "succeeded") == 0) {
		a->final = a->ok = 1;
		snprintf(a->desc, sizeof a->desc, "refunded by Stripe");
	} else if (strcmp(st, "pending") == 0 ||
	    strcmp(st, "requires_action") == 0) {
		snprintf(a->desc, sizeof a->desc, "refund %s at Stripe", st);
	} else {
		a->final = 1;
		event_str(o, "failure_reason", why, sizeof why);
		if (why[0] == '\0')
			snprintf(why, sizeof why, "%s", st[0] ? st : "unknown");
		snprintf(a->desc, sizeof a->desc, "refund %s: %s",
		    st[0] ? st : "refused", why);
	}
}
