/*
 * checkout-refund.c: where Daraja reports the M-Pesa refunds Nyota asked
 * for (shared/pay-mpesa-reversal.c sends them, shared/refund.c keeps
 * them). Like the STK callback, the URL's secret is the only proof the
 * sender is Daraja: a wrong one is a 404 and changes nothing. A result
 * names its refund by the ConversationID Daraja gave when it accepted
 * the reversal; refund_result ends it (access ended, buyer told) or marks
 * it failed, and repeats change nothing.
 */
#include <string.h>
#include <unistd.h>

#include "checkout-refund.h"
#include "crypto.h"
#include "log.h"
#include "pay.h"
#include "refund.h"
#include "sse.h"
#include "worker-outbox.h"

/* How long a result that came before its refund kept the id waits. */
#define CR_EARLY_TRIES		20
#define CR_EARLY_WAIT_MS	100

/* 1 when the {secret} of the URL is the configured callback secret. */
static int
cr_secret_ok(const struct http_req *rq)
{
	const struct ny_config *cfg = http_config();
	const char *secret = http_param(rq, "secret");

	return config_payments_has(cfg, "mpesa") && secret != NULL &&
	    cfg->mpesa_callback_secret[0] != '\0' &&
	    tok_equal(secret, cfg->mpesa_callback_secret);
}

/* Daraja's "received" answer (anything else may make it send again). */
static int
cr_accepted(struct http_req *rq, struct http_resp *rs)
{
	return http_json(rq, rs, 200, json_pack("{s:i, s:s}", "ResultCode", 0,
	    "ResultDesc", "Accepted"));
}

/*
 * Both handlers: checks, parses and applies a result. timeout: the body
 * is a QueueTimeOutURL notice, a failure whatever its code says.
 */
static int
cr_result(struct http_req *rq, struct http_resp *rs, int timeout)
{
	struct pay_mpesa_reversal r;
	const char *body, *desc;
	size_t len = 0;
	int changed = 0, ok, tries;
	enum ny_err rc;

	if (!cr_secret_ok(rq))
		return 404;
	body = http_body(rq, &len);
	if (body == NULL || pay_mpesa_reversal_parse(body, len, &r) != NY_OK ||
	    (!timeout && !r.has_code)) {
		log_warn("daraja reversal result malformed", "len=%zu "
		    "timeout=%d", len, timeout);
		return http_json(rq, rs, 400, json_pack("{s:i, s:s}",
		    "ResultCode", 1, "ResultDesc", "Malformed"));
	}
	ok = !timeout && r.ok;
	desc = timeout ? "timed out" : r.desc[0] ? r.desc : NULL;
	/*
	 * The process that asked (console or CLI) keeps Daraja's
	 * ConversationID right after Daraja's answer; a result may beat it
	 * by milliseconds. Look again for a moment before giving up (rare,
	 * and only behind the secret URL).
	 */
	for (tries = 0; ; tries++) {
		rc = refund_result(http_db(rq), r.conversation_id, ok, desc,
		    body, &changed);
		if (rc != NY_ENOTFOUND || tries == CR_EARLY_TRIES)
			break;
		usleep(CR_EARLY_WAIT_MS * 1000);
	}
	if (rc == NY_ENOTFOUND)
		/* Not ours: nothing changes; a refund left pending stays
		 * visible to the creator. */
		log_warn("daraja reversal result for no pending refund",
		    "conversation=%s code=%d", r.conversation_id,
		    r.result_code);
	else if (rc != NY_OK) {
		/* Daraja may send it again; nothing was changed. */
		log_error("daraja reversal result not recorded", "err=%s",
		    ny_strerror(rc));
		return http_json(rq, rs, 503, json_pack("{s:i, s:s}",
		    "ResultCode", 1, "ResultDesc", "Try again"));
	} else if (changed) {
		log_info("mpesa reversal result", "conversation=%s ok=%d "
		    "code=%d timeout=%d", r.conversation_id, ok,
		    r.result_code, timeout);
		sse_kick();
		worker_outbox_kick();	/* the buyer's message, now */
	}
	return cr_accepted(rq, rs);
}

int
checkout_mpesa_reversal(struct http_req *rq, struct http_resp *rs)
{
	return cr_result(rq, rs, 0);
}

int
checkout_mpesa_reversal_timeout(struct http_req *rq, struct http_resp *rs)
{
	return cr_result(rq, rs, 1);
}
