/*
 * pay-mpesa-reversal.c: M-Pesa refunds through Daraja's Transaction
 * Reversal API (the request, what its answer means; pay-mpesa.c does the
 * HTTP), and the parser of its result callback. No network here.
 *
 * A reversal is asynchronous: Daraja answers the request with a
 * ConversationID ("accepted", the refund stays pending under that
 * provider_ref) and later POSTs the result to the ResultURL, or to the
 * QueueTimeOutURL when it gave up. Both URLs carry the STK callback's
 * secret, since Safaricom signs nothing; the storefront handler
 * (storefront/checkout-refund.c) checks it and calls refund_result.
 *
 * The initiator's SecurityCredential (the initiator password encrypted
 * with Safaricom's certificate) is as good as a password: it goes in the
 * request body only, never in a log line or the kept raw answer.
 */
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "log.h"
#include "pay-mpesa-int.h"

#define REV_BODY_MAX	(64 * 1024)
#define REV_REMARKS_MAX	100	/* Daraja: 2 to 100 characters */

json_t *
pay_mpesa_reversal_req(const struct mpesa *m, const struct payment *p,
    const char *reason)
{
	char remarks[REV_REMARKS_MAX + 1];
	json_t *o, *v;

	ny_utf8_copy(remarks, sizeof remarks, reason != NULL ? reason : "");
	/* Too short for Daraja, or not text (json_string refuses it). */
	if (strlen(remarks) < 2 || (v = json_string(remarks)) == NULL)
		v = json_string("Refund");
	o = json_pack("{s:s?, s:s?, s:s, s:s, s:I, s:s, s:s, s:s, s:s, s:o,"
	    " s:s}",
	    "Initiator", m->initiator,
	    "SecurityCredential", m->credential,
	    "CommandID", "TransactionReversal",
	    "TransactionID", p->receipt,
	    "Amount", (json_int_t)pay_mpesa_shillings(p->amount_minor),
	    "ReceiverParty", m->shortcode,
	    "RecieverIdentifierType", "11",	/* sic: Daraja's spelling */
	    "ResultURL", m->result_url,
	    "QueueTimeOutURL", m->timeout_url,
	    "Remarks", v,
	    "Occasion", p->order_ref);
	return o;
}

/* A final refusal into *a: the words why, then detail (may be ""). */
static void
rev_refused(struct pay_refund_answer *a, const char *why, const char *detail)
{
	a->final = 1;
	a->ok = 0;
	snprintf(a->desc, sizeof a->desc, "%s%.120s", why, detail);
}

enum ny_err
pay_mpesa_reversal_prepare(const struct mpesa *m, const struct pay_refund *r,
    struct pay_refund_answer *a, json_t **req)
{
	const struct payment *p = r->payment;

	memset(a, 0, sizeof *a);
	*req = NULL;
	if (m->initiator == NULL || m->credential == NULL)
		return NY_ENOTSUP;
	if (strcmp(p->currency, "KES") != 0)
		rev_refused(a, "M-Pesa reverses KES only, not ", p->currency);
	else if (p->receipt[0] == '\0')
		/* Paid as confirmed by the STK query, no callback since: the
		 * M-Pesa code is unknown here and Daraja needs it. */
		rev_refused(a, "no M-Pesa receipt for this payment: send the "
		    "money back by hand and give its code", "");
	else
		*req = pay_mpesa_reversal_req(m, p, r->reason);
	return NY_OK;
}

/* 1 when v is 0 or "0" (Daraja sends ResponseCode as a string). */
static int
rev_zero(json_t *v)
{
	return (json_is_integer(v) && json_integer_value(v) == 0) ||
	    (json_is_string(v) && strcmp(json_string_value(v), "0") == 0);
}

enum ny_err
pay_mpesa_reversal_answer(const struct pay_refund *r, long status,
    json_t *resp, struct pay_refund_answer *a)
{
	json_t *id, *msg;

	if (status >= 500 || status == 401 || status == 429 || status == 0) {
		log_warn("mpesa reversal not taken", "order=%lld refund=%lld "
		    "status=%ld", (long long)r->payment->order_id,
		    (long long)r->refund_id, status);
		return NY_EIO;
	}
	id = json_object_get(resp, "ConversationID");
	msg = json_object_get(resp, "ResponseDescription");
	if (!json_is_string(msg))
		msg = json_object_get(resp, "errorMessage");
	if (status == 200 && rev_zero(json_object_get(resp, "ResponseCode")) &&
	    json_is_string(id) && json_string_length(id) > 0 &&
	    json_string_length(id) < sizeof a->provider_ref) {
		a->final = 0;
		snprintf(a->provider_ref, sizeof a->provider_ref, "%s",
		    json_string_value(id));
		snprintf(a->desc, sizeof a->desc, "%s", json_is_string(msg) ?
		    json_string_value(msg) : "accepted");
	} else
		rev_refused(a, "M-Pesa refused the reversal: ",
		    json_is_string(msg) ? json_string_value(msg) :
		    "no reason given");
	/* Daraja's answer holds ids and a description, no secret. */
	if (resp != NULL)
		a->raw = json_dumps(resp, JSON_COMPACT);
	/* The order's id, not its ref: a ref opens the checkout page. */
	log_info("mpesa reversal asked", "order=%lld refund=%lld final=%d "
	    "conversation=%s status=%ld", (long long)r->payment->order_id,
	    (long long)r->refund_id, a->final, a->provider_ref, status);
	return NY_OK;
}

/* A string member of o into out (len bytes); 0 when absent or too long. */
static int
rev_str(json_t *o, const char *name, char *out, size_t len)
{
	json_t *v = json_object_get(o, name);

	out[0] = '\0';
	if (!json_is_string(v) || json_string_length(v) >= len)
		return 0;
	snprintf(out, len, "%s", json_string_value(v));
	return 1;
}

enum ny_err
pay_mpesa_reversal_parse(const char *body, size_t len,
    struct pay_mpesa_reversal *r)
{
	json_t *root, *res, *code;
	enum ny_err rc = NY_EINVAL;
	int64_t n;

	memset(r, 0, sizeof *r);
	r->result_code = -1;
	if (body == NULL || len > REV_BODY_MAX)
		return NY_EINVAL;
	root = json_loadb(body, len, JSON_REJECT_DUPLICATES, NULL);
	if ((res = json_object_get(root, "Result")) == NULL)
		res = root;	/* a timeout notice may come unwrapped */
	if (!json_is_object(res) ||
	    !rev_str(res, "ConversationID", r->conversation_id,
	    sizeof r->conversation_id) || r->conversation_id[0] == '\0')
		goto out;
	code = json_object_get(res, "ResultCode");
	if (json_is_integer(code) && json_integer_value(code) >= 0 &&
	    json_integer_value(code) <= 1000000)
		r->result_code = (int)json_integer_value(code);
	else if (json_is_string(code) && json_string_length(code) > 0) {
		/* Codes like "R000002" are refusals with no number. */
		if (ny_parse_int(json_string_value(code), 0, 1000000, &n) ==
		    NY_OK)
			r->result_code = (int)n;
	} else if (code != NULL)
		goto out;
	r->has_code = code != NULL;
	r->ok = r->has_code && r->result_code == 0;
	rev_str(res, "OriginatorConversationID", r->originator_id,
	    sizeof r->originator_id);
	rev_str(res, "TransactionID", r->transaction_id,
	    sizeof r->transaction_id);
	if (!rev_str(res, "ResultDesc", r->desc, sizeof r->desc) &&
	    json_is_string(json_object_get(res, "ResultDesc")))
		ny_utf8_copy(r->desc, sizeof r->desc,
		    json_string_value(json_object_get(res, "ResultDesc")));
	rc = NY_OK;
out:
	json_decref(root);
	return rc;
}
