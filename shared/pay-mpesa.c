/*
 * pay-mpesa.c: Lipa na M-Pesa Online (Daraja STK push) over libcurl.
 *
 * OAuth tokens are cached until a minute before they expire. Network
 * errors and 5xx answers come back as NY_EIO: the worker retries with
 * backoff, the state being in the database. Callbacks are not signed by
 * Safaricom, so a callback is never trusted alone: the worker confirms it
 * with the STK query, checks CheckoutRequestID and the amount, and only
 * then settles (query answers carry no receipt, the callback does).
 * Reversals (refunds): mpesa_refund sends what pay-mpesa-reversal.c
 * builds and reads its answer there.
 */
#include <curl/curl.h>
#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "log.h"
#include "pay-mpesa-int.h"

#define MPESA_BODY_MAX	(64 * 1024)
#define MPESA_TIMEOUT_S	15L

void
pay_mpesa_timestamp(int64_t unix_s, char *ts, size_t len)
{
	time_t t = (time_t)(unix_s + 3 * 3600);	/* EAT, no DST */
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(ts, len, "%Y%m%d%H%M%S", &tm);
}

char *
pay_mpesa_password(const char *shortcode, const char *passkey, const char *ts)
{
	char *plain = xasprintf("%s%s%s", shortcode, passkey, ts);
	size_t n = strlen(plain);
	size_t olen = sodium_base64_ENCODED_LEN(n,
	    sodium_base64_VARIANT_ORIGINAL);
	char *out = xmalloc(olen);

	sodium_bin2base64(out, olen, (const unsigned char *)plain, n,
	    sodium_base64_VARIANT_ORIGINAL);
	free(plain);
	return out;
}

static enum ny_err
mpesa_init(const struct ny_config *cfg, void **state, char **cause)
{
	struct mpesa *m;

	if (!cfg->mpesa_consumer_key[0] || !cfg->mpesa_consumer_secret[0] ||
	    !cfg->mpesa_shortcode[0] || !cfg->mpesa_passkey[0] ||
	    !cfg->mpesa_callback_secret[0]) {
		*cause = xstrdup("NYOTA_MPESA_CONSUMER_KEY, _CONSUMER_SECRET, "
		    "_SHORTCODE, _PASSKEY and _CALLBACK_SECRET are required "
		    "with NYOTA_PAYMENTS=mpesa");
		return NY_EINVAL;
	}
	curl_global_init(CURL_GLOBAL_DEFAULT);
	m = xcalloc(1, sizeof *m);
	m->base = xstrdup(cfg->mpesa_base_url);
	m->key = xstrdup(cfg->mpesa_consumer_key);
	m->secret = xstrdup(cfg->mpesa_consumer_secret);
	m->shortcode = xstrdup(cfg->mpesa_shortcode);
	m->passkey = xstrdup(cfg->mpesa_passkey);
	m->callback_url = xasprintf("%s/payments/mpesa/callback/%s",
	    cfg->base_url, cfg->mpesa_callback_secret);
	/* Config accepts both reversal settings or neither. */
	if (config_mpesa_reversal(cfg)) {
		m->initiator = xstrdup(cfg->mpesa_initiator);
		m->credential = xstrdup(cfg->mpesa_security_credential);
	}
	m->result_url = xasprintf("%s/payments/mpesa/reversal/%s",
	    cfg->base_url, cfg->mpesa_callback_secret);
	m->timeout_url = xasprintf("%s/payments/mpesa/reversal-timeout/%s",
	    cfg->base_url, cfg->mpesa_callback_secret);
	pthread_mutex_init(&m->lock, NULL);
	*state = m;
	return NY_OK;
}

static void
mpesa_free(void *state)
{
	struct mpesa *m = state;

	if (m == NULL)
		return;
	free(m->base);
	free(m->key);
	free(m->secret);
	free(m->shortcode);
	free(m->passkey);
	free(m->callback_url);
	free(m->initiator);
	if (m->credential != NULL) {
		sodium_memzero(m->credential, strlen(m->credential));
		free(m->credential);
	}
	free(m->result_url);
	free(m->timeout_url);
	pthread_mutex_destroy(&m->lock);
	sodium_memzero(m->token, sizeof m->token);
	free(m);
}

static size_t
mpesa_write(char *p, size_t size, size_t n, void *arg)
{
	struct ny_buf *b = arg;

	if (buf_add(b, p, size * n) != NY_OK)
		return 0;	/* too big: curl aborts the transfer */
	return size * n;
}

/*
 * One request: GET when body is NULL, else POST JSON. auth is a bearer
 * token or, when basic is set, "key:secret". The answer body goes to
 * *resp (parsed JSON, may be NULL when not JSON), the status to *status.
 * NY_OK for any HTTP answer; NY_EIO when no connection was made; NY_EBUSY
 * when the request may have been sent but no answer came.
 */
static enum ny_err
mpesa_http(const char *url, const char *body, const char *auth, int basic,
    long *status, json_t **resp)
{
	CURL *c = curl_easy_init();
	struct curl_slist *h = NULL;
	struct ny_buf b;
	char *bearer = NULL;
	CURLcode cc;

	*resp = NULL;
	*status = 0;
	if (c == NULL)
		return NY_EIO;
	buf_init(&b, MPESA_BODY_MAX);
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, MPESA_TIMEOUT_S);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 5L);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, mpesa_write);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &b);
	if (basic) {
		curl_easy_setopt(c, CURLOPT_HTTPAUTH, (long)CURLAUTH_BASIC);
		curl_easy_setopt(c, CURLOPT_USERPWD, auth);
	} else {
		bearer = xasprintf("Authorization: Bearer %s", auth);
		h = curl_slist_append(h, bearer);
	}
	if (body != NULL) {
		h = curl_slist_append(h, "Content-Type: application/json");
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
	}
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
	cc = curl_easy_perform(c);
	if (cc == CURLE_OK) {
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, status);
		*resp = json_loadb(b.data ? b.data : "", b.len, 0, NULL);
	}
	curl_slist_free_all(h);
	curl_easy_cleanup(c);
	if (bearer != NULL) {
		sodium_memzero(bearer, strlen(bearer));
		free(bearer);
	}
	buf_free(&b);
	if (cc != CURLE_OK) {
		log_warn("daraja unreachable", "err=\"%s\"", curl_easy_strerror(cc));
		/* Nothing was sent when no connection was made; otherwise
		 * the request may have reached Daraja (NY_EBUSY). */
		return cc == CURLE_COULDNT_CONNECT ||
		    cc == CURLE_COULDNT_RESOLVE_HOST ||
		    cc == CURLE_COULDNT_RESOLVE_PROXY ||
		    cc == CURLE_FAILED_INIT ? NY_EIO : NY_EBUSY;
	}
	return NY_OK;
}

/* Copies the cached token (fetching a new one when needed) into tok. */
static enum ny_err
mpesa_token(struct mpesa *m, char *tok, size_t len)
{
	char *url, *cred;
	json_t *r = NULL, *v;
	long status;
	enum ny_err rc = NY_OK;
	int64_t ttl = 3599;

	pthread_mutex_lock(&m->lock);
	if (m->token[0] && ny_now() < m->token_until)
		goto out;
	url = xasprintf("%s/oauth/v1/generate?grant_type=client_credentials",
	    m->base);
	cred = xasprintf("%s:%s", m->key, m->secret);
	rc = mpesa_http(url, NULL, cred, 1, &status, &r);
	sodium_memzero(cred, strlen(cred));
	free(cred);
	free(url);
	if (rc != NY_OK) {
		rc = NY_EIO;	/* no push was sent yet */
		goto out;
	}
	if (status != 200 || (v = json_object_get(r, "access_token")) == NULL ||
	    !json_is_string(v) || json_string_length(v) >= sizeof m->token) {
		log_warn("daraja oauth refused", "status=%ld", status);
		rc = status >= 500 || status == 0 ? NY_EIO : NY_EDENIED;
		goto out;
	}
	snprintf(m->token, sizeof m->token, "%s", json_string_value(v));
	v = json_object_get(r, "expires_in");
	if (json_is_string(v))
		ny_parse_int(json_string_value(v), 60, 86400, &ttl);
	else if (json_is_integer(v) && json_integer_value(v) >= 60)
		ttl = json_integer_value(v);
	m->token_until = ny_now() + ttl - 60;
out:
	if (rc == NY_OK)
		snprintf(tok, len, "%s", m->token);
	pthread_mutex_unlock(&m->lock);
	json_decref(r);
	return rc;
}

static void
mpesa_token_drop(struct mpesa *m)
{
	pthread_mutex_lock(&m->lock);
	m->token[0] = '\0';
	pthread_mutex_unlock(&m->lock);
}

/* POSTs obj (stolen) to path with the bearer token. */
static enum ny_err
mpesa_call(struct mpesa *m, const char *path, json_t *obj, long *status,
    json_t **resp)
{
	char tok[256], *url, *body;
	enum ny_err rc;

	*resp = NULL;
	if ((rc = mpesa_token(m, tok, sizeof tok)) != NY_OK) {
		json_decref(obj);
		return rc;
	}
	body = json_dumps(obj, JSON_COMPACT);
	json_decref(obj);
	url = xasprintf("%s%s", m->base, path);
	rc = mpesa_http(url, body, tok, 0, status, resp);
	sodium_memzero(tok, sizeof tok);
	free(url);
	free(body);
	if (rc == NY_OK && *status == 401)
		mpesa_token_drop(m);	/* next call fetches a fresh one */
	return rc;
}

/* BusinessShortCode, Password and Timestamp: common to push and query. */
static json_t *
mpesa_base_req(struct mpesa *m)
{
	char ts[16], *pw;
	json_t *o;

	pay_mpesa_timestamp(ny_now(), ts, sizeof ts);
	pw = pay_mpesa_password(m->shortcode, m->passkey, ts);
	o = json_pack("{s:s, s:s, s:s}", "BusinessShortCode", m->shortcode,
	    "Password", pw, "Timestamp", ts);
	free(pw);
	return o;
}

static enum ny_err
mpesa_push(void *state, const struct payment *p, char *ref, size_t len,
    char *url, size_t urllen, char **cause)
{
	struct mpesa *m = state;
	json_t *req, *resp = NULL, *v;
	char acc[13];
	long status;
	enum ny_err rc;

	if (urllen > 0)
		url[0] = '\0';
	if (strcmp(p->currency, "KES") != 0) {
		*cause = xstrdup("M-Pesa takes KES only");
		return NY_EINVAL;
	}
	/* AccountReference is at most 12 characters. */
	memcpy(acc, p->order_ref, sizeof acc - 1);
	acc[sizeof acc - 1] = '\0';
	req = mpesa_base_req(m);
	json_object_set_new(req, "TransactionType",
	    json_string("CustomerPayBillOnline"));
	json_object_set_new(req, "Amount",
	    json_integer(pay_mpesa_shillings(p->amount_minor)));
	json_object_set_new(req, "PartyA", json_string(p->phone));
	json_object_set_new(req, "PartyB", json_string(m->shortcode));
	json_object_set_new(req, "PhoneNumber", json_string(p->phone));
	json_object_set_new(req, "CallBackURL", json_string(m->callback_url));
	json_object_set_new(req, "AccountReference", json_string(acc));
	json_object_set_new(req, "TransactionDesc", json_string("Nyota"));
	rc = mpesa_call(m, "/mpesa/stkpush/v1/processrequest", req, &status,
	    &resp);
	if (rc != NY_OK)
		goto out;
	v = json_object_get(resp, "CheckoutRequestID");
	if (status == 200 && json_is_string(v) &&
	    json_string_length(v) > 0 && json_string_length(v) < len) {
		snprintf(ref, len, "%s", json_string_value(v));
		goto out;
	}
	if (status >= 500 || status == 401 || status == 429) {
		rc = NY_EIO;
		goto out;
	}
	v = json_object_get(resp, "errorMessage");
	*cause = xasprintf("daraja refused the push: %ld %.100s", status,
	    json_is_string(v) ? json_string_value(v) : "");
	rc = NY_EINVAL;
out:
	json_decref(resp);
	return rc;
}

/* A ResultCode that may come as a number or a numeric string. */
static enum ny_err
mpesa_code(json_t *v, int *code)
{
	int64_t n;

	if (json_is_integer(v) && json_integer_value(v) >= -1000000 &&
	    json_integer_value(v) <= 1000000) {
		*code = (int)json_integer_value(v);
		return NY_OK;
	}
	if (json_is_string(v) &&
	    ny_parse_int(json_string_value(v), 0, 1000000, &n) == NY_OK) {
		*code = (int)n;
		return NY_OK;
	}
	return NY_EINVAL;
}

/* Reads the callback metadata items (only present on success). */
/* The PhoneNumber item (a number, or a string of digits) into phone. */
static void
mpesa_item_phone(json_t *val, char *phone, size_t plen)
{
	const char *d;
	size_t i;

	if (json_is_integer(val) && json_integer_value(val) > 0)
		snprintf(phone, plen, "%lld", (long long)json_integer_value(val));
	else if (json_is_string(val) && json_string_length(val) > 0 &&
	    json_string_length(val) < plen) {
		d = json_string_value(val);
		for (i = 0; d[i] != '\0'; i++)
			if (d[i] < '0' || d[i] > '9')
				return;
		snprintf(phone, plen, "%s", d);
	}
}

static void
mpesa_items(json_t *items, char *receipt, size_t rlen, int64_t *amount,
    char *phone, size_t plen)
{
	size_t i;
	json_t *it, *name, *val;

	*amount = -1;
	if (!json_is_array(items))
		return;
	json_array_foreach(items, i, it) {
		name = json_object_get(it, "Name");
		val = json_object_get(it, "Value");
		if (!json_is_string(name) || val == NULL)
			continue;
		if (strcmp(json_string_value(name), "Amount") == 0) {
			if (json_is_integer(val) && json_integer_value(val) >= 0 &&
			    json_integer_value(val) < INT64_MAX / 100)
				*amount = json_integer_value(val) * 100;
			else if (json_is_real(val) && json_real_value(val) >= 0 &&
			    json_real_value(val) < 1e12)
				*amount = (int64_t)(json_real_value(val) * 100 + 0.5);
		} else if (strcmp(json_string_value(name),
		    "MpesaReceiptNumber") == 0 && json_is_string(val) &&
		    json_string_length(val) < rlen) {
			snprintf(receipt, rlen, "%s", json_string_value(val));
		} else if (strcmp(json_string_value(name), "PhoneNumber") == 0)
			mpesa_item_phone(val, phone, plen);
	}
}

enum ny_err
pay_mpesa_parse_callback(const char *body, size_t len, struct pay_answer *a)
{
	json_t *root, *cb, *id, *desc;
	char receipt[40] = "", phone[16] = "";
	int64_t amount;
	enum ny_err rc = NY_EINVAL;
	int code;

	memset(a, 0, sizeof *a);
	if (len > MPESA_BODY_MAX)
		return NY_EINVAL;
	root = json_loadb(body, len, JSON_REJECT_DUPLICATES, NULL);
	cb = json_object_get(json_object_get(root, "Body"), "stkCallback");
	id = json_object_get(cb, "CheckoutRequestID");
	if (!json_is_string(id) || json_string_length(id) == 0 ||
	    json_string_length(id) >= sizeof a->provider_ref ||
	    mpesa_code(json_object_get(cb, "ResultCode"), &code) != NY_OK)
		goto out;
	snprintf(a->provider_ref, sizeof a->provider_ref, "%s",
	    json_string_value(id));
	desc = json_object_get(cb, "ResultDesc");
	mpesa_items(json_object_get(json_object_get(cb, "CallbackMetadata"),
	    "Item"), receipt, sizeof receipt, &amount, phone, sizeof phone);
	if (code == 0)
		pay_answer_final(a, PAY_PAID, 0, NULL, receipt, amount,
		    json_is_string(desc) ? json_string_value(desc) : NULL);
	else
		pay_answer_final(a, code == 1019 ? PAY_EXPIRED : PAY_FAILED,
		    code, payment_reason_for_code(code), NULL, -1,
		    json_is_string(desc) ? json_string_value(desc) : NULL);
	if (code == 0)
		snprintf(a->phone, sizeof a->phone, "%s", phone);
	rc = NY_OK;
out:
	json_decref(root);
	return rc;
}

char *
pay_mpesa_redact_callback(const char *body, size_t len)
{
	json_t *root, *items, *it, *name, *val;
	char masked[24], *out;
	size_t i, n;
	const char *d;
	char digits[24] = "";

	if (len > MPESA_BODY_MAX ||
	    (root = json_loadb(body, len, 0, NULL)) == NULL)
		return NULL;
	items = json_object_get(json_object_get(json_object_get(json_object_get(
	    root, "Body"), "stkCallback"), "CallbackMetadata"), "Item");
	json_array_foreach(items, i, it) {
		name = json_object_get(it, "Name");
		val = json_object_get(it, "Value");
		if (!json_is_string(name) || val == NULL ||
		    strcmp(json_string_value(name), "PhoneNumber") != 0)
			continue;
		digits[0] = '\0';
		if (json_is_integer(val))
			snprintf(digits, sizeof digits, "%lld",
			    (long long)json_integer_value(val));
		else if (json_is_string(val))
			snprintf(digits, sizeof digits, "%s",
			    json_string_value(val));
		d = digits;
		n = strlen(d);
		snprintf(masked, sizeof masked, "***%s", n > 3 ? d + n - 3 : "");
		json_object_set_new(it, "Value", json_string(masked));
	}
	out = json_dumps(root, JSON_COMPACT);
	json_decref(root);
	return out;
}

static enum ny_err
mpesa_parse(const char *body, size_t len, struct pay_answer *a)
{
	return pay_mpesa_parse_callback(body, len, a);
}

/*
 * A success the query confirmed: receipt and amount come from the callback
 * when one arrived for this very CheckoutRequestID. The amount is checked
 * in whole shillings (what was pushed) and reported in the order's minor
 * units so payment_settle compares like with like.
 */
static void
mpesa_paid(const struct payment *p, const char *raw, struct pay_answer *a)
{
	struct pay_answer cb;
	int64_t amount = -1;
	const char *receipt = NULL;

	if (raw != NULL && pay_mpesa_parse_callback(raw, strlen(raw), &cb) ==
	    NY_OK && strcmp(cb.provider_ref, p->provider_ref) == 0 &&
	    cb.result.outcome == PAY_PAID) {
		receipt = cb.receipt[0] ? cb.receipt : NULL;
		if (cb.result.amount_minor >= 0)
			amount = cb.result.amount_minor ==
			    pay_mpesa_shillings(p->amount_minor) * 100 ?
			    p->amount_minor : cb.result.amount_minor;
	}
	pay_answer_final(a, PAY_PAID, 0, NULL, receipt, amount,
	    "confirmed by STK query");
	if (raw != NULL)
		pay_answer_clear(&cb);
}

static enum ny_err
mpesa_query(void *state, const struct payment *p, const char *raw,
    struct pay_answer *a)
{
	struct mpesa *m = state;
	json_t *req, *resp = NULL, *v;
	long status;
	enum ny_err rc;
	int code;

	memset(a, 0, sizeof *a);
	snprintf(a->provider_ref, sizeof a->provider_ref, "%s", p->provider_ref);
	req = mpesa_base_req(m);
	json_object_set_new(req, "CheckoutRequestID",
	    json_string(p->provider_ref));
	rc = mpesa_call(m, "/mpesa/stkpushquery/v1/query", req, &status,
	    &resp);
	if (rc != NY_OK) {
		rc = NY_EIO;	/* a query is always safe to repeat */
		goto out;
	}
	v = json_object_get(resp, "errorCode");
	if (json_is_string(v) &&
	    strcmp(json_string_value(v), "500.001.1001") == 0)
		goto out;	/* "the transaction is being processed" */
	if (status != 200 ||
	    mpesa_code(json_object_get(resp, "ResultCode"), &code) != NY_OK) {
		rc = NY_EIO;
		goto out;
	}
	if (code == 0)
		mpesa_paid(p, raw, a);
	else
		pay_answer_final(a, code == 1019 ? PAY_EXPIRED : PAY_FAILED,
		    code, payment_reason_for_code(code), NULL, -1,
		    json_string_value(json_object_get(resp, "ResultDesc")));
	if (raw != NULL) {
		a->raw = xstrdup(raw);
		a->result.raw = a->raw;
	}
out:
	json_decref(resp);
	return rc;
}

/*
 * Asks Daraja to reverse the payment (the refund hook; asynchronous: the
 * result comes to the ResultURL, storefront/checkout-refund.c). A request
 * that may have reached Daraja unanswered (NY_EBUSY) is retried like an
 * unreachable one: Daraja refuses to reverse one transaction twice.
 */
static enum ny_err
mpesa_refund(void *state, const struct pay_refund *r,
    struct pay_refund_answer *a)
{
	struct mpesa *m = state;
	json_t *req = NULL, *resp = NULL;
	long status = 0;
	enum ny_err rc;

	rc = pay_mpesa_reversal_prepare(m, r, a, &req);
	if (rc != NY_OK || req == NULL)
		return rc;
	rc = mpesa_call(m, "/mpesa/reversal/v1/request", req, &status, &resp);
	rc = pay_mpesa_reversal_answer(r, rc == NY_OK ? status : 0, resp, a);
	json_decref(resp);
	return rc;
}

static const char *const mpesa_currencies[] = { "KES", NULL };

const struct pay_provider pay_mpesa = {
	.name = "mpesa",
	.currencies = mpesa_currencies,
	.init = mpesa_init,
	.free = mpesa_free,
	.push = mpesa_push,
	.query = mpesa_query,
	.parse_callback = mpesa_parse,
	.refund = mpesa_refund,
	.poll_s = 10,
};
