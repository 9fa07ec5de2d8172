/*
 * test-stripe.c: the Stripe provider (pay-stripe.c, pay-stripe-webhook.c):
 * amounts in Stripe's units, the Stripe-Signature check, webhook events,
 * and push / query / refund against tests/fake-stripe.py (one fake per
 * test case, started by an unchecked fixture; each test uses its own
 * order refs and resets the fake's failure modes first).
 */
#include <curl/curl.h>
#include <jansson.h>
#include <signal.h>
#include <sodium.h>
#include <string.h>
#include <sys/wait.h>

#include "pay.h"
#include "testutil.h"
#include "fake-server.h"

#define SK	"sk_test_unit0123456789"
#define WHSEC	"whsec_unit0123456789"
#define BASE	"http://shop.test"

/* ---- amounts ------------------------------------------------------- */

START_TEST(amounts_both_ways)
{
	/* KES, TZS, USD: hundredths on both sides. */
	ck_assert_int_eq(pay_stripe_amount(50000, "KES"), 50000);
	ck_assert_int_eq(pay_stripe_amount(1250, "USD"), 1250);
	ck_assert_int_eq(pay_stripe_amount(2000000, "TZS"), 2000000);
	ck_assert_int_eq(pay_stripe_minor(1250, "USD"), 1250);
	/* UGX: zero-decimal at Stripe and whole in Nyota (money.c). */
	ck_assert_int_eq(pay_stripe_amount(20000, "UGX"), 20000);
	ck_assert_int_eq(pay_stripe_minor(20000, "UGX"), 20000);
	ck_assert_int_eq(pay_stripe_amount(INT64_MAX, "UGX"), INT64_MAX);
	/* Refused: negative, unknown or absent currency. */
	ck_assert_int_eq(pay_stripe_amount(-1, "KES"), -1);
	ck_assert_int_eq(pay_stripe_minor(-5, "UGX"), -1);
	ck_assert_int_eq(pay_stripe_amount(100, "EUR"), -1);
	ck_assert_int_eq(pay_stripe_minor(100, "kes"), -1);
	ck_assert_int_eq(pay_stripe_amount(100, NULL), -1);
}
END_TEST

/* ---- signatures ---------------------------------------------------- */

/* A Stripe-Signature value for body signed at t with secret. */
static void
sig(const char *secret, int64_t t, const char *body, char *out, size_t len)
{
	unsigned char mac[crypto_auth_hmacsha256_BYTES];
	crypto_auth_hmacsha256_state st;
	char ts[24], hex[2 * sizeof mac + 1];

	snprintf(ts, sizeof ts, "%lld", (long long)t);
	crypto_auth_hmacsha256_init(&st, (const unsigned char *)secret,
	    strlen(secret));
	crypto_auth_hmacsha256_update(&st, (const unsigned char *)ts,
	    strlen(ts));
	crypto_auth_hmacsha256_update(&st, (const unsigned char *)".", 1);
	crypto_auth_hmacsha256_update(&st, (const unsigned char *)body,
	    strlen(body));
	crypto_auth_hmacsha256_final(&st, mac);
	sodium_bin2hex(hex, sizeof hex, mac, sizeof mac);
	snprintf(out, len, "t=%s,v1=%s", ts, hex);
}

static enum ny_err
verify(const char *header, const char *body, int64_t now)
{
	return pay_stripe_verify(WHSEC, header, body, strlen(body), now,
	    PAY_STRIPE_TOLERANCE_S);
}

#define EV	"{\"id\":\"evt_1\",\"type\":\"checkout.session.completed\"}"
#define NOW	1796000000

START_TEST(signature_good_and_bad)
{
	char h[256], h2[600], other[256];

	sig(WHSEC, NOW, EV, h, sizeof h);
	ck_assert_int_eq(verify(h, EV, NOW), NY_OK);
	/* Wrong secret. */
	sig("whsec_other", NOW, EV, other, sizeof other);
	ck_assert_int_eq(verify(other, EV, NOW), NY_EDENIED);
	/* Tampered body: one byte. */
	ck_assert_int_eq(verify(h, "{\"id\":\"evt_2\",\"type\":\"checkout."
	    "session.completed\"}", NOW), NY_EDENIED);
	/* Two v1 (the second matches), a v0 and an unknown key ignored. */
	snprintf(h2, sizeof h2, "t=%d,v1=%s,v0=abc,x=1,v1=%s", NOW,
	    strstr(other, "v1=") + 3, strstr(h, "v1=") + 3);
	ck_assert_int_eq(verify(h2, EV, NOW), NY_OK);
	/* Only the wrong one. */
	snprintf(h2, sizeof h2, "t=%d,v1=%s", NOW, strstr(other, "v1=") + 3);
	ck_assert_int_eq(verify(h2, EV, NOW), NY_EDENIED);
	/* An empty secret never verifies. */
	ck_assert_int_eq(pay_stripe_verify("", h, EV, strlen(EV), NOW, 300),
	    NY_EDENIED);
}
END_TEST

START_TEST(signature_time_window)
{
	char h[256];

	sig(WHSEC, NOW - 300, EV, h, sizeof h);
	ck_assert_int_eq(verify(h, EV, NOW), NY_OK);	/* at the edge */
	sig(WHSEC, NOW - 301, EV, h, sizeof h);
	ck_assert_int_eq(verify(h, EV, NOW), NY_EDENIED);	/* old */
	sig(WHSEC, NOW + 300, EV, h, sizeof h);
	ck_assert_int_eq(verify(h, EV, NOW), NY_OK);
	sig(WHSEC, NOW + 301, EV, h, sizeof h);
	ck_assert_int_eq(verify(h, EV, NOW), NY_EDENIED);	/* future */
}
END_TEST

START_TEST(signature_malformed)
{
	static const char *const bad[] = {
		"", "garbage", "t=", "v1=", "t=abc,v1=00", ",,,", "t=-5",
		"t=1796000000", "t=1796000000,v1=zz",
		"t=1796000000,t=1796000000,v1=",
	};
	char h[256], noT[256], twoT[400];
	size_t i;

	for (i = 0; i < sizeof bad / sizeof bad[0]; i++)
		ck_assert_int_eq(verify(bad[i], EV, NOW), NY_EDENIED);
	ck_assert_int_eq(pay_stripe_verify(WHSEC, NULL, EV, strlen(EV), NOW,
	    300), NY_EDENIED);
	sig(WHSEC, NOW, EV, h, sizeof h);
	/* Missing t: only the v1 part of a good header. */
	snprintf(noT, sizeof noT, "%s", strstr(h, "v1="));
	ck_assert_int_eq(verify(noT, EV, NOW), NY_EDENIED);
	/* A repeated t is refused even when the first one is right. */
	snprintf(twoT, sizeof twoT, "t=%d,%s", NOW, h);
	ck_assert_int_eq(verify(twoT, EV, NOW), NY_EDENIED);
	/* A v1 that is not 64 hex digits counts as no v1. */
	snprintf(twoT, sizeof twoT, "%.*s", (int)strlen(h) - 2, h);
	ck_assert_int_eq(verify(twoT, EV, NOW), NY_EDENIED);
}
END_TEST

/* ---- events -------------------------------------------------------- */

static void
parse_ok(const char *body, struct pay_stripe_event *ev)
{
	ck_assert_int_eq(pay_stripe_event_parse(body, strlen(body), ev), NY_OK);
}

START_TEST(event_session_types)
{
	struct pay_stripe_event ev;

	parse_ok("{\"id\":\"evt_1\",\"type\":\"checkout.session.completed\","
	    "\"data\":{\"object\":{\"id\":\"cs_1\",\"object\":\"checkout.session\","
	    "\"client_reference_id\":\"NY-A1\",\"payment_status\":\"paid\","
	    "\"payment_intent\":\"pi_1\",\"amount_total\":50000,"
	    "\"currency\":\"kes\"}}}", &ev);
	ck_assert_str_eq(ev.id, "evt_1");
	ck_assert_str_eq(ev.type, "checkout.session.completed");
	ck_assert_str_eq(ev.session, "cs_1");
	ck_assert_str_eq(ev.order_ref, "NY-A1");
	ck_assert_str_eq(ev.payment_status, "paid");
	ck_assert_str_eq(ev.payment_intent, "pi_1");
	ck_assert_str_eq(ev.currency, "KES");
	ck_assert_int_eq(ev.amount_minor, 50000);
	ck_assert_int_eq(ev.refunded_minor, -1);
	ck_assert_str_eq(ev.charge, "");

	/* Expanded payment_intent; UGX whole. */
	parse_ok("{\"id\":\"evt_2\",\"type\":\"checkout.session.async_payment_"
	    "succeeded\",\"data\":{\"object\":{\"id\":\"cs_2\",\"client_"
	    "reference_id\":\"NY-A2\",\"payment_status\":\"paid\","
	    "\"payment_intent\":{\"id\":\"pi_2\",\"status\":\"succeeded\"},"
	    "\"amount_total\":20000,\"currency\":\"ugx\"}}}", &ev);
	ck_assert_str_eq(ev.payment_intent, "pi_2");
	ck_assert_str_eq(ev.currency, "UGX");
	ck_assert_int_eq(ev.amount_minor, 20000);

	parse_ok("{\"id\":\"evt_3\",\"type\":\"checkout.session.async_payment_"
	    "failed\",\"data\":{\"object\":{\"id\":\"cs_3\",\"payment_status\":"
	    "\"unpaid\",\"payment_intent\":\"pi_3\",\"amount_total\":100,"
	    "\"currency\":\"usd\"}}}", &ev);
	ck_assert_str_eq(ev.type, "checkout.session.async_payment_failed");
	ck_assert_str_eq(ev.payment_status, "unpaid");
	ck_assert_str_eq(ev.order_ref, "");

	parse_ok("{\"id\":\"evt_4\",\"type\":\"checkout.session.expired\","
	    "\"data\":{\"object\":{\"id\":\"cs_4\",\"client_reference_id\":"
	    "\"NY-A4\",\"payment_status\":\"unpaid\",\"payment_intent\":null,"
	    "\"amount_total\":50000,\"currency\":\"kes\"}}}", &ev);
	ck_assert_str_eq(ev.session, "cs_4");
	ck_assert_str_eq(ev.payment_intent, "");
}
END_TEST

START_TEST(event_charge_refunded)
{
	struct pay_stripe_event ev;

	parse_ok("{\"id\":\"evt_5\",\"type\":\"charge.refunded\",\"data\":"
	    "{\"object\":{\"id\":\"ch_1\",\"object\":\"charge\",\"amount\":1250,"
	    "\"amount_refunded\":1250,\"currency\":\"usd\",\"payment_intent\":"
	    "\"pi_1\",\"metadata\":{\"order_ref\":\"NY-A5\"},\"refunds\":"
	    "{\"data\":[{\"id\":\"re_2\"},{\"id\":\"re_1\"}]}}}}", &ev);
	ck_assert_str_eq(ev.charge, "ch_1");
	ck_assert_str_eq(ev.payment_intent, "pi_1");
	ck_assert_str_eq(ev.refund, "re_2");
	ck_assert_str_eq(ev.order_ref, "NY-A5");
	ck_assert_int_eq(ev.amount_minor, 1250);
	ck_assert_int_eq(ev.refunded_minor, 1250);
	ck_assert_str_eq(ev.session, "");
	/* Without refunds listed. */
	parse_ok("{\"id\":\"evt_6\",\"type\":\"charge.refunded\",\"data\":"
	    "{\"object\":{\"id\":\"ch_2\",\"amount\":100,\"amount_refunded\":"
	    "100,\"currency\":\"kes\"}}}", &ev);
	ck_assert_str_eq(ev.refund, "");
}
END_TEST

START_TEST(event_garbage)
{
	static const char *const bad[] = {
		"", "{", "[]", "null", "{\"id\":1,\"type\":\"x\"}",
		"{\"id\":\"evt_1\"}", "{\"type\":\"charge.refunded\"}",
		"{\"id\":\"\",\"type\":\"x\"}",
		"{\"id\":\"evt_1\",\"id\":\"evt_2\",\"type\":\"x\"}",
	};
	struct pay_stripe_event ev;
	char big[200];
	size_t i;

	for (i = 0; i < sizeof bad / sizeof bad[0]; i++)
		ck_assert_int_eq(pay_stripe_event_parse(bad[i], strlen(bad[i]),
		    &ev), NY_EINVAL);
	/* An id longer than any Stripe id. */
	snprintf(big, sizeof big, "{\"id\":\"evt_%0100d\",\"type\":\"x\"}", 0);
	ck_assert_int_eq(pay_stripe_event_parse(big, strlen(big), &ev),
	    NY_EINVAL);
	/* Odd objects: fields stay unknown. */
	parse_ok("{\"id\":\"evt_7\",\"type\":\"checkout.session.completed\","
	    "\"data\":{\"object\":{\"id\":5,\"amount_total\":\"9\","
	    "\"currency\":\"k€s\",\"payment_intent\":[1]}}}", &ev);
	ck_assert_str_eq(ev.session, "");
	ck_assert_str_eq(ev.currency, "");
	ck_assert_int_eq(ev.amount_minor, -1);
	ck_assert_str_eq(ev.payment_intent, "");
	/* An event Nyota does not use is still an event. */
	parse_ok("{\"id\":\"evt_8\",\"type\":\"customer.created\"}", &ev);
	ck_assert_str_eq(ev.type, "customer.created");
}
END_TEST

START_TEST(parse_callback_hint)
{
	const char *paid = "{\"id\":\"evt_1\",\"type\":\"checkout.session."
	    "completed\",\"data\":{\"object\":{\"id\":\"cs_9\",\"payment_"
	    "status\":\"paid\",\"payment_intent\":\"pi_9\",\"amount_total\":"
	    "500,\"currency\":\"kes\"}}}";
	const char *refund = "{\"id\":\"evt_2\",\"type\":\"charge.refunded\","
	    "\"data\":{\"object\":{\"id\":\"ch_1\"}}}";
	struct pay_answer a;

	ck_assert_int_eq(pay_stripe.parse_callback(paid, strlen(paid), &a),
	    NY_OK);
	ck_assert_str_eq(a.provider_ref, "cs_9");
	ck_assert_int_eq(a.final, 1);
	ck_assert_int_eq(a.result.outcome, PAY_PAID);
	ck_assert_int_eq(a.result.amount_minor, 500);
	pay_answer_clear(&a);
	ck_assert_int_eq(pay_stripe.parse_callback(refund, strlen(refund), &a),
	    NY_EINVAL);
}
END_TEST

/* ---- the provider against tests/fake-stripe.py ---------------------- */

static struct {
	pid_t	 pid;
	char	 url[64];
	int	 n;		/* order refs made so far */
} fake;

static void
fake_start(void)
{
	char *portfile = tmp_path("stripe-port");
	char *script = fake_script("fake-stripe.py");

	fake.pid = fork();
	ck_assert_int_ge(fake.pid, 0);
	if (fake.pid == 0) {
		setenv("FAKE_STRIPE_PORT_FILE", portfile, 1);
		execlp("python3", "python3", script, "0", SK, WHSEC,
		    (char *)NULL);
		_exit(127);
	}
	fake_wait_port(portfile, fake.url, sizeof fake.url);
	free(portfile);
	free(script);
}

static void
fake_stop(void)
{
	fake_kill(fake.pid);
}

/* GET (body NULL) or POST JSON to the fake's /_ctl/what; its JSON. */
static json_t *
ctl(const char *what, const char *body)
{
	return fake_ctl(fake.url, what, body);
}

/* POSTs {"id": id, rest…} to /_ctl/what; rest starts with a comma or
 * is "". */
static void
ctlf(const char *what, const char *id, const char *rest)
{
	char *body = xasprintf("{\"id\":\"%s\"%s}", id, rest);

	json_decref(ctl(what, body));
	free(body);
}

/* The n-th from last request the fake saw (0 = the last one). */
static json_t *
last_request(int back)
{
	json_t *all = ctl("requests", NULL);
	json_t *r = json_incref(json_array_get(all,
	    json_array_size(all) - 1 - (size_t)back));

	json_decref(all);
	return r;
}

static int
fake_stat(const char *name)
{
	json_t *s = ctl("stats", NULL);
	int v = (int)json_integer_value(json_object_get(s, name));

	json_decref(s);
	return v;
}

static void *
provider_at(const char *url, const char *key)
{
	struct ny_config cfg;
	void *state = NULL;
	char *cause = NULL;

	memset(&cfg, 0, sizeof cfg);
	cfg.stripe_api_url = (char *)url;
	cfg.stripe_secret_key = (char *)key;
	cfg.base_url = (char *)BASE;
	cfg.stripe_session_s = 1800;
	ck_assert_int_eq(pay_stripe.init(&cfg, &state, &cause), NY_OK);
	return state;
}

static void *
provider(const char *key)
{
	return provider_at(fake.url, key);
}

/* A fresh payment (new order ref) in currency for amount. */
static void
payment(struct payment *p, const char *currency, int64_t amount)
{
	memset(p, 0, sizeof *p);
	p->id = ++fake.n;
	snprintf(p->order_ref, sizeof p->order_ref, "NY-%d-%d", (int)getpid(),
	    fake.n);
	snprintf(p->provider, sizeof p->provider, "stripe");
	snprintf(p->phone, sizeof p->phone, "254712345678");
	snprintf(p->currency, sizeof p->currency, "%s", currency);
	snprintf(p->product_title, sizeof p->product_title, "A song");
	p->amount_minor = amount;
	p->created_at = ny_now();
	p->order_expires_at = p->created_at + 1860;
	json_decref(ctl("down", "{\"mode\":\"off\"}"));
	json_decref(ctl("refund_mode", "{\"status\":\"succeeded\"}"));
}

/* Pushes p; NY_OK expected; its provider_ref filled. */
static void
push_ok(void *st, struct payment *p, char *url, size_t len)
{
	char *cause = NULL;

	ck_assert_int_eq(pay_stripe.push(st, p, p->provider_ref,
	    sizeof p->provider_ref, url, len, &cause), NY_OK);
	ck_assert_ptr_null(cause);
}

static const char *
body_of(json_t *req)
{
	return json_string_value(json_object_get(req, "body"));
}

/* 1 when the last request's field (path, body) contains s. */
static int
last_has(const char *field, const char *s)
{
	json_t *r = last_request(0);
	int yes = strstr(json_string_value(json_object_get(r, field)), s) !=
	    NULL;

	json_decref(r);
	return yes;
}

START_TEST(init_and_settings)
{
	struct ny_config cfg;
	void *state = NULL;
	char *cause = NULL;

	memset(&cfg, 0, sizeof cfg);
	cfg.stripe_api_url = (char *)"http://127.0.0.1:1";
	cfg.stripe_secret_key = (char *)"";
	cfg.stripe_session_s = 1800;
	ck_assert_int_eq(pay_stripe.init(&cfg, &state, &cause), NY_EINVAL);
	ck_assert_ptr_nonnull(strstr(cause, "NYOTA_STRIPE_SECRET_KEY"));
	free(cause);
	ck_assert_int_eq(pay_stripe.timeout_s(&cfg), 1860);
	ck_assert_int_eq(pay_stripe.in_request, 1);
	ck_assert_int_eq(pay_stripe.push_repeatable, 1);
	ck_assert_int_eq(pay_stripe.poll_s, 30);
	ck_assert(pay_provider_takes(&pay_stripe, "UGX"));
	ck_assert(!pay_provider_takes(&pay_stripe, "EUR"));
}
END_TEST

START_TEST(push_creates_session)
{
	void *st = provider(SK);
	struct payment p;
	char url[1024], want[256], *exp;
	const char *b;
	json_t *req;

	payment(&p, "KES", 50000);
	push_ok(st, &p, url, sizeof url);
	ck_assert(strncmp(p.provider_ref, "cs_test_", 8) == 0);
	snprintf(want, sizeof want, "%s/pay/%s", fake.url, p.provider_ref);
	ck_assert_str_eq(url, want);
	req = last_request(0);
	ck_assert_str_eq(json_string_value(json_object_get(req, "path")),
	    "/v1/checkout/sessions");
	ck_assert(json_is_true(json_object_get(req, "auth")));
	snprintf(want, sizeof want, "nyota-cs-%s", p.order_ref);
	ck_assert_str_eq(json_string_value(json_object_get(json_object_get(req,
	    "headers"), "Idempotency-Key")), want);
	b = body_of(req);
	ck_assert_ptr_nonnull(strstr(b, "mode=payment"));
	ck_assert_ptr_nonnull(strstr(b, "line_items%5B0%5D%5Bprice_data%5D"
	    "%5Bcurrency%5D=kes"));
	ck_assert_ptr_nonnull(strstr(b, "line_items%5B0%5D%5Bprice_data%5D"
	    "%5Bunit_amount%5D=50000"));
	ck_assert_ptr_nonnull(strstr(b, "%5Bproduct_data%5D%5Bname%5D=A%20song"));
	ck_assert_ptr_nonnull(strstr(b, "locale=auto"));
	snprintf(want, sizeof want, "success_url=http%%3A%%2F%%2Fshop.test%%2F"
	    "checkout%%2F%s%%3Fpaid%%3Dcard", p.order_ref);
	ck_assert_ptr_nonnull(strstr(b, want));
	exp = xasprintf("expires_at=%lld", (long long)(p.created_at + 1830));
	ck_assert_ptr_nonnull(strstr(b, exp));
	free(exp);
	/* Never the buyer's phone. */
	ck_assert_ptr_null(strstr(b, "712345678"));
	json_decref(req);
	pay_stripe.free(st);
}
END_TEST

START_TEST(push_repeated_and_refused)
{
	void *st = provider(SK), *bad = provider("sk_test_wrongkey99");
	struct payment p;
	char url[1024], ref[72], *cause = NULL;
	int replays = fake_stat("session_replay");

	payment(&p, "UGX", 20000);
	push_ok(st, &p, url, sizeof url);
	ck_assert(last_has("body", "%5Bunit_amount%5D=20000"));
	/* Again (the worker's repeat): the same session. */
	ck_assert_int_eq(pay_stripe.push(st, &p, ref, sizeof ref, url,
	    sizeof url, &cause), NY_OK);
	ck_assert_str_eq(ref, p.provider_ref);
	ck_assert_int_eq(fake_stat("session_replay"), replays + 1);
	/* The same key with other parameters: refused, named by Stripe's
	 * error type, never its text (which quotes the key, and so the
	 * order's reference). */
	snprintf(p.product_title, sizeof p.product_title, "Another");
	ck_assert_int_eq(pay_stripe.push(st, &p, ref, sizeof ref, url,
	    sizeof url, &cause), NY_EINVAL);
	ck_assert_ptr_nonnull(strstr(cause, "400 idempotency_error"));
	ck_assert_ptr_null(strstr(cause, p.order_ref));
	ck_assert(strlen(cause) < 200);
	free(cause);
	cause = NULL;
	/* A wrong key: refused, and the key is not in the cause. */
	payment(&p, "KES", 100);
	ck_assert_int_eq(pay_stripe.push(bad, &p, ref, sizeof ref, url,
	    sizeof url, &cause), NY_EINVAL);
	ck_assert_ptr_nonnull(strstr(cause, "401"));
	ck_assert_ptr_null(strstr(cause, "sk_"));
	ck_assert_ptr_null(strstr(cause, "wrongkey"));
	free(cause);
	cause = NULL;
	/* A currency Stripe does not take here. */
	payment(&p, "EUR", 100);
	ck_assert_int_eq(pay_stripe.push(st, &p, ref, sizeof ref, url,
	    sizeof url, &cause), NY_EINVAL);
	free(cause);
	pay_stripe.free(bad);
	pay_stripe.free(st);
}
END_TEST

START_TEST(push_when_stripe_fails)
{
	void *st = provider(SK);
	struct payment p;
	char url[1024], ref[72], *cause = NULL;

	payment(&p, "KES", 50000);
	json_decref(ctl("down", "{\"mode\":\"503\"}"));
	ck_assert_int_eq(pay_stripe.push(st, &p, ref, sizeof ref, url,
	    sizeof url, &cause), NY_EIO);
	/* Sent, then the answer is lost: NY_EBUSY; the repeat gets the
	 * session that was made meanwhile. */
	json_decref(ctl("down", "{\"mode\":\"hang_after\",\"seconds\":0}"));
	ck_assert_int_eq(pay_stripe.push(st, &p, ref, sizeof ref, url,
	    sizeof url, &cause), NY_EBUSY);
	json_decref(ctl("down", "{\"mode\":\"off\"}"));
	push_ok(st, &p, url, sizeof url);
	ck_assert_int_eq(fake_stat("session_replay") > 0, 1);
	ck_assert_ptr_null(cause);
	pay_stripe.free(st);
	/* Nobody listening: nothing was sent. */
	st = provider_at("http://127.0.0.1:1", SK);
	ck_assert_int_eq(pay_stripe.push(st, &p, ref, sizeof ref, url,
	    sizeof url, &cause), NY_EIO);
	pay_stripe.free(st);
}
END_TEST

/* Queries p; NY_OK expected. */
static void
query_ok(void *st, const struct payment *p, struct pay_answer *a)
{
	ck_assert_int_eq(pay_stripe.query(st, p, NULL, a), NY_OK);
	ck_assert_str_eq(a->provider_ref, p->provider_ref);
}

START_TEST(query_paid)
{
	void *st = provider(SK);
	struct payment p;
	struct pay_answer a;
	char url[1024];

	payment(&p, "USD", 1250);
	push_ok(st, &p, url, sizeof url);
	query_ok(st, &p, &a);
	ck_assert_int_eq(a.final, 0);	/* open */
	ck_assert_int_eq(a.retry_s, 30);
	pay_answer_clear(&a);
	ctlf("pay", p.provider_ref, ",\"webhook\":false,"
	    "\"brand\":\"mastercard\",\"last4\":\"4444\"");
	query_ok(st, &p, &a);
	ck_assert_int_eq(a.final, 1);
	ck_assert_int_eq(a.result.outcome, PAY_PAID);
	ck_assert(strncmp(a.result.receipt, "pi_", 3) == 0);
	ck_assert_int_eq(a.result.amount_minor, 1250);
	ck_assert_str_eq(a.result.card_brand, "mastercard");
	ck_assert_str_eq(a.result.card_last4, "4444");
	ck_assert_ptr_nonnull(a.result.raw);
	ck_assert_ptr_nonnull(strstr(a.result.raw, p.provider_ref));
	/* Kept for audit without the buyer's details. */
	ck_assert_ptr_null(strstr(a.result.raw, "buyer@example.com"));
	ck_assert(last_has("path", "expand%5B%5D=payment_intent.latest_"
	    "charge"));
	pay_answer_clear(&a);
	pay_stripe.free(st);
}
END_TEST

START_TEST(query_mismatch)
{
	void *st = provider(SK);
	struct payment p;
	struct pay_answer a;
	char url[1024];

	/* Another currency: failed, for review. */
	payment(&p, "KES", 50000);
	push_ok(st, &p, url, sizeof url);
	ctlf("pay", p.provider_ref, ",\"webhook\":false,\"currency\":\"usd\"");
	query_ok(st, &p, &a);
	ck_assert_int_eq(a.final, 1);
	ck_assert_int_eq(a.result.outcome, PAY_FAILED);
	ck_assert_str_eq(a.result.reason, PAY_REASON_AMOUNT);
	pay_answer_clear(&a);
	/* Another amount: reported as paid, payment_settle compares. */
	payment(&p, "KES", 50000);
	push_ok(st, &p, url, sizeof url);
	ctlf("pay", p.provider_ref, ",\"webhook\":false,\"amount\":100");
	query_ok(st, &p, &a);
	ck_assert_int_eq(a.result.outcome, PAY_PAID);
	ck_assert_int_eq(a.result.amount_minor, 100);
	pay_answer_clear(&a);
	/* Paid, then refunded in Stripe's dashboard before Nyota granted
	 * it: never granted, kept for review. */
	payment(&p, "KES", 50000);
	push_ok(st, &p, url, sizeof url);
	ctlf("pay", p.provider_ref, ",\"webhook\":false");
	ctlf("refund", p.provider_ref, ",\"webhook\":false");
	query_ok(st, &p, &a);
	ck_assert_int_eq(a.final, 1);
	ck_assert_int_eq(a.result.outcome, PAY_FAILED);
	ck_assert_str_eq(a.result.reason, PAY_REASON_AMOUNT);
	pay_answer_clear(&a);
	pay_stripe.free(st);
}
END_TEST

START_TEST(query_async_and_expired)
{
	void *st = provider(SK);
	struct payment p, q;
	struct pay_answer a;
	char url[1024];

	payment(&p, "KES", 50000);
	push_ok(st, &p, url, sizeof url);
	ctlf("pay", p.provider_ref, ",\"webhook\":false,\"async\":true");
	query_ok(st, &p, &a);
	ck_assert_int_eq(a.final, 0);	/* complete, still processing */
	pay_answer_clear(&a);
	ctlf("async", p.provider_ref,
	    ",\"webhook\":false,\"outcome\":\"failed\"");
	query_ok(st, &p, &a);
	ck_assert_int_eq(a.final, 1);
	ck_assert_int_eq(a.result.outcome, PAY_FAILED);
	pay_answer_clear(&a);

	payment(&q, "KES", 50000);
	push_ok(st, &q, url, sizeof url);
	ctlf("pay", q.provider_ref, ",\"webhook\":false,\"async\":true");
	ctlf("async", q.provider_ref, ",\"webhook\":false");
	query_ok(st, &q, &a);
	ck_assert_int_eq(a.result.outcome, PAY_PAID);
	pay_answer_clear(&a);

	payment(&q, "TZS", 2000000);
	push_ok(st, &q, url, sizeof url);
	ctlf("expire", q.provider_ref, ",\"webhook\":false");
	query_ok(st, &q, &a);
	ck_assert_int_eq(a.final, 1);
	ck_assert_int_eq(a.result.outcome, PAY_EXPIRED);
	pay_answer_clear(&a);
	pay_stripe.free(st);
}
END_TEST

START_TEST(query_expires_at_the_deadline)
{
	void *st = provider(SK);
	struct payment p;
	struct pay_answer a;
	char url[1024];
	int expires = fake_stat("expire");

	payment(&p, "KES", 50000);
	push_ok(st, &p, url, sizeof url);
	p.order_expires_at = ny_now() + 30;	/* within the last minute */
	query_ok(st, &p, &a);
	ck_assert_int_eq(a.final, 1);
	ck_assert_int_eq(a.result.outcome, PAY_EXPIRED);
	ck_assert_int_eq(fake_stat("expire"), expires + 1);
	ck_assert(last_has("path", "/expire"));
	pay_answer_clear(&a);
	/* Paid before we looked: paid, nothing expired. */
	payment(&p, "KES", 50000);
	push_ok(st, &p, url, sizeof url);
	ctlf("pay", p.provider_ref, ",\"webhook\":false");
	p.order_expires_at = ny_now() + 30;
	query_ok(st, &p, &a);
	ck_assert_int_eq(a.result.outcome, PAY_PAID);
	ck_assert_int_eq(fake_stat("expire"), expires + 1);
	pay_answer_clear(&a);
	/* Stripe down: NY_EIO. */
	json_decref(ctl("down", "{\"mode\":\"503\"}"));
	ck_assert_int_eq(pay_stripe.query(st, &p, NULL, &a), NY_EIO);
	pay_answer_clear(&a);
	pay_stripe.free(st);
}
END_TEST

/* A paid payment (receipt filled) to refund. */
static void
paid(void *st, struct payment *p)
{
	struct pay_answer a;
	char url[1024];

	payment(p, "KES", 50000);
	push_ok(st, p, url, sizeof url);
	ctlf("pay", p->provider_ref, ",\"webhook\":false");
	query_ok(st, p, &a);
	snprintf(p->receipt, sizeof p->receipt, "%s", a.receipt);
	pay_answer_clear(&a);
}

START_TEST(refund_answers)
{
	void *st = provider(SK);
	struct payment p;
	struct pay_refund r = { .payment = &p, .refund_id = 7,
	    .reason = "asked" };
	struct pay_refund_answer a;
	char re[72];
	json_t *req;

	paid(st, &p);
	ck_assert_int_eq(pay_stripe.refund(st, &r, &a), NY_OK);
	ck_assert_int_eq(a.final, 1);
	ck_assert_int_eq(a.ok, 1);
	ck_assert(strncmp(a.provider_ref, "re_", 3) == 0);
	ck_assert_ptr_nonnull(a.raw);
	snprintf(re, sizeof re, "%s", a.provider_ref);
	req = last_request(0);
	ck_assert_str_eq(json_string_value(json_object_get(json_object_get(req,
	    "headers"), "Idempotency-Key")), "nyota-re-7-1");
	ck_assert_ptr_nonnull(strstr(body_of(req),
	    "reason=requested_by_customer"));
	ck_assert_ptr_nonnull(strstr(body_of(req), p.receipt));
	json_decref(req);
	pay_refund_answer_clear(&a);
	/* The same refund again: the same refund, not a second one. */
	ck_assert_int_eq(pay_stripe.refund(st, &r, &a), NY_OK);
	ck_assert_str_eq(a.provider_ref, re);
	pay_refund_answer_clear(&a);
	/* Another refund of a refunded charge: the money is back. */
	r.refund_id = 8;
	ck_assert_int_eq(pay_stripe.refund(st, &r, &a), NY_OK);
	ck_assert_int_eq(a.final, 1);
	ck_assert_int_eq(a.ok, 1);
	pay_refund_answer_clear(&a);
	pay_stripe.free(st);
}
END_TEST

START_TEST(refund_pending_failed_down)
{
	void *st = provider(SK);
	struct payment p;
	struct pay_refund r = { .payment = &p, .refund_id = 100 + fake.n };
	struct pay_refund_answer a;

	paid(st, &p);
	json_decref(ctl("refund_mode", "{\"status\":\"pending\"}"));
	ck_assert_int_eq(pay_stripe.refund(st, &r, &a), NY_OK);
	ck_assert_int_eq(a.final, 0);
	ck_assert(strncmp(a.provider_ref, "re_", 3) == 0);
	pay_refund_answer_clear(&a);

	paid(st, &p);
	r.refund_id = 200 + fake.n;
	json_decref(ctl("refund_mode", "{\"status\":\"failed\"}"));
	ck_assert_int_eq(pay_stripe.refund(st, &r, &a), NY_OK);
	ck_assert_int_eq(a.final, 1);
	ck_assert_int_eq(a.ok, 0);
	pay_refund_answer_clear(&a);

	/* A payment intent Stripe does not know: refused with its code. */
	snprintf(p.receipt, sizeof p.receipt, "pi_nope");
	r.refund_id = 300 + fake.n;
	ck_assert_int_eq(pay_stripe.refund(st, &r, &a), NY_OK);
	ck_assert_int_eq(a.final, 1);
	ck_assert_int_eq(a.ok, 0);
	ck_assert_ptr_nonnull(strstr(a.desc,
	    "resource_missing param=payment_intent"));
	pay_refund_answer_clear(&a);
	/* No receipt: nothing to refund through Stripe. */
	p.receipt[0] = '\0';
	ck_assert_int_eq(pay_stripe.refund(st, &r, &a), NY_OK);
	ck_assert_int_eq(a.ok, 0);
	pay_refund_answer_clear(&a);
	/* Down: retry later. */
	paid(st, &p);
	json_decref(ctl("down", "{\"mode\":\"503\"}"));
	ck_assert_int_eq(pay_stripe.refund(st, &r, &a), NY_EIO);
	pay_refund_answer_clear(&a);
	pay_stripe.free(st);
}
END_TEST

static Suite *
stripe_suite(void)
{
	Suite *s = suite_create("stripe");
	TCase *tc = tcase_create("offline"), *tf = tcase_create("fake");

	tcase_add_test(tc, amounts_both_ways);
	tcase_add_test(tc, signature_good_and_bad);
	tcase_add_test(tc, signature_time_window);
	tcase_add_test(tc, signature_malformed);
	tcase_add_test(tc, event_session_types);
	tcase_add_test(tc, event_charge_refunded);
	tcase_add_test(tc, event_garbage);
	tcase_add_test(tc, parse_callback_hint);
	tcase_add_test(tc, init_and_settings);
	suite_add_tcase(s, tc);
	tcase_add_unchecked_fixture(tf, fake_start, fake_stop);
	tcase_set_timeout(tf, 60);
	tcase_add_test(tf, push_creates_session);
	tcase_add_test(tf, push_repeated_and_refused);
	tcase_add_test(tf, push_when_stripe_fails);
	tcase_add_test(tf, query_paid);
	tcase_add_test(tf, query_mismatch);
	tcase_add_test(tf, query_async_and_expired);
	tcase_add_test(tf, query_expires_at_the_deadline);
	tcase_add_test(tf, refund_answers);
	tcase_add_test(tf, refund_pending_failed_down);
	suite_add_tcase(s, tf);
	return s;
}

int
main(void)
{
	if (sodium_init() < 0)
		return 1;
	curl_global_init(CURL_GLOBAL_DEFAULT);
	return run_suite(stripe_suite());
}
