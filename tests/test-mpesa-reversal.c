/*
 * test-mpesa-reversal.c: M-Pesa refunds (pay-mpesa-reversal.c): the
 * reversal request's body, the hook's answers without the network (not
 * configured, no receipt, not KES), what Daraja's answers mean, the
 * result parser, and the hook against tests/fake-daraja.py (accepted,
 * refused, Daraja down or unreachable). The whole path (the result
 * callback, access ended) is in tests/integration/refund-mpesa.sh.
 */
#include <curl/curl.h>
#include <jansson.h>
#include <signal.h>
#include <sodium.h>
#include <string.h>
#include <sys/wait.h>

#include "pay-mpesa-int.h"
#include "testutil.h"
#include "fake-server.h"

#define BASE	"http://shop.test"
#define CBSEC	"cb-secret-0123456789abcdef"
#define SHORT	"174379"
#define CRED	"Zm9vYmFyU2VjcmV0Q3JlZGVudGlhbA=="

/* The provider's state for the Daraja at url; reversals configured
 * when initiator is not NULL. pay_mpesa.free it. */
static struct mpesa *
provider_at(const char *url, const char *initiator)
{
	struct ny_config cfg;
	void *state = NULL;
	char *cause = NULL;

	memset(&cfg, 0, sizeof cfg);
	cfg.mpesa_base_url = (char *)url;
	cfg.mpesa_consumer_key = (char *)"ck";
	cfg.mpesa_consumer_secret = (char *)"cs";
	cfg.mpesa_shortcode = (char *)SHORT;
	cfg.mpesa_passkey = (char *)"passkey123";
	cfg.mpesa_callback_secret = (char *)CBSEC;
	cfg.mpesa_initiator = (char *)(initiator ? initiator : "");
	cfg.mpesa_security_credential = (char *)(initiator ? CRED : "");
	cfg.base_url = (char *)BASE;
	ck_assert_int_eq(pay_mpesa.init(&cfg, &state, &cause), NY_OK);
	ck_assert_ptr_null(cause);
	return state;
}

/* A paid M-Pesa payment of amount cents with receipt rcpt. */
static void
payment(struct payment *p, const char *ref, int64_t amount, const char *rcpt)
{
	memset(p, 0, sizeof *p);
	p->id = 1;
	snprintf(p->order_ref, sizeof p->order_ref, "%s", ref);
	snprintf(p->provider, sizeof p->provider, "mpesa");
	snprintf(p->phone, sizeof p->phone, "254712345678");
	snprintf(p->currency, sizeof p->currency, "KES");
	snprintf(p->status, sizeof p->status, "paid");
	snprintf(p->receipt, sizeof p->receipt, "%s", rcpt);
	p->amount_minor = amount;
}

static const char *
field(json_t *o, const char *name)
{
	json_t *v = json_object_get(o, name);

	ck_assert_msg(json_is_string(v), "field %s not a string", name);
	return json_string_value(v);
}

/* ---- the request --------------------------------------------------- */

START_TEST(request_fields)
{
	struct mpesa *m = provider_at("http://127.0.0.1:1", "nyota-api");
	struct payment p;
	json_t *o;

	payment(&p, "NY-7KQ2MX", 50000, "QK12ABCDEF");
	o = pay_mpesa_reversal_req(m, &p, "event moved");
	ck_assert_str_eq(field(o, "Initiator"), "nyota-api");
	ck_assert_str_eq(field(o, "SecurityCredential"), CRED);
	ck_assert_str_eq(field(o, "CommandID"), "TransactionReversal");
	ck_assert_str_eq(field(o, "TransactionID"), "QK12ABCDEF");
	ck_assert_int_eq(json_integer_value(json_object_get(o, "Amount")), 500);
	ck_assert_str_eq(field(o, "ReceiverParty"), SHORT);
	ck_assert_str_eq(field(o, "RecieverIdentifierType"), "11");
	ck_assert_str_eq(field(o, "ResultURL"),
	    BASE "/payments/mpesa/reversal/" CBSEC);
	ck_assert_str_eq(field(o, "QueueTimeOutURL"),
	    BASE "/payments/mpesa/reversal-timeout/" CBSEC);
	ck_assert_str_eq(field(o, "Remarks"), "event moved");
	ck_assert_str_eq(field(o, "Occasion"), "NY-7KQ2MX");
	ck_assert_int_eq(json_object_size(o), 11);
	json_decref(o);
	/* Cents round up, as the push charged them. */
	payment(&p, "NY-7KQ2MX", 50050, "QK12ABCDEF");
	o = pay_mpesa_reversal_req(m, &p, NULL);
	ck_assert_int_eq(json_integer_value(json_object_get(o, "Amount")), 501);
	json_decref(o);
	pay_mpesa.free(m);
}
END_TEST

START_TEST(request_remarks)
{
	struct mpesa *m = provider_at("http://127.0.0.1:1", "nyota-api");
	struct payment p;
	char long_sw[256];
	const char *r;
	json_t *o;
	size_t i;

	payment(&p, "NY-1", 10000, "QK12ABCDEF");
	/* Missing, empty, too short, not text: Daraja wants 2 to 100. */
	o = pay_mpesa_reversal_req(m, &p, NULL);
	ck_assert_str_eq(field(o, "Remarks"), "Refund");
	json_decref(o);
	o = pay_mpesa_reversal_req(m, &p, "x");
	ck_assert_str_eq(field(o, "Remarks"), "Refund");
	json_decref(o);
	o = pay_mpesa_reversal_req(m, &p, "bad \xff\xfe bytes");
	ck_assert_str_eq(field(o, "Remarks"), "Refund");
	json_decref(o);
	/* Long, two-byte characters: cut at 100 bytes on a boundary. */
	long_sw[0] = 'a';
	for (i = 1; i + 2 < sizeof long_sw; i += 2)
		memcpy(long_sw + i, "\xc3\xa9", 2);	/* é */
	long_sw[i] = '\0';
	o = pay_mpesa_reversal_req(m, &p, long_sw);
	r = field(o, "Remarks");
	ck_assert_uint_eq(strlen(r), 99);
	ck_assert_int_eq(strncmp(r, long_sw, 99), 0);
	json_decref(o);
	pay_mpesa.free(m);
}
END_TEST

/* ---- the hook without the network ----------------------------------- */

START_TEST(refund_not_configured)
{
	struct mpesa *m = provider_at("http://127.0.0.1:1", NULL);
	struct pay_refund_answer a;
	struct payment p;
	struct pay_refund r = { .payment = &p, .refund_id = 1, .reason = "" };

	payment(&p, "NY-2", 10000, "QK12ABCDEF");
	ck_assert_ptr_nonnull(pay_mpesa.refund);
	ck_assert_int_eq(pay_mpesa.refund(m, &r, &a), NY_ENOTSUP);
	ck_assert_ptr_null(a.raw);
	pay_mpesa.free(m);
}
END_TEST

START_TEST(refund_needs_receipt_and_kes)
{
	struct mpesa *m = provider_at("http://127.0.0.1:1", "nyota-api");
	struct pay_refund_answer a;
	struct payment p;
	struct pay_refund r = { .payment = &p, .refund_id = 1, .reason = "" };

	payment(&p, "NY-3", 10000, "");
	ck_assert_int_eq(pay_mpesa.refund(m, &r, &a), NY_OK);
	ck_assert_int_eq(a.final, 1);
	ck_assert_int_eq(a.ok, 0);
	ck_assert_ptr_nonnull(strstr(a.desc, "no M-Pesa receipt"));
	pay_refund_answer_clear(&a);
	payment(&p, "NY-3", 10000, "QK12ABCDEF");
	snprintf(p.currency, sizeof p.currency, "USD");
	ck_assert_int_eq(pay_mpesa.refund(m, &r, &a), NY_OK);
	ck_assert_int_eq(a.final, 1);
	ck_assert_int_eq(a.ok, 0);
	ck_assert_ptr_nonnull(strstr(a.desc, "USD"));
	pay_refund_answer_clear(&a);
	/* Nothing listens on port 1: unreachable, retry later. */
	payment(&p, "NY-3", 10000, "QK12ABCDEF");
	ck_assert_int_eq(pay_mpesa.refund(m, &r, &a), NY_EIO);
	pay_refund_answer_clear(&a);
	pay_mpesa.free(m);
}
END_TEST

/* What Daraja's answer (status, JSON body text or NULL) means. */
static enum ny_err
answer(long status, const char *body, struct pay_refund_answer *a)
{
	struct payment p;
	struct pay_refund r = { .payment = &p, .refund_id = 4, .reason = "" };
	json_t *resp = body ? json_loads(body, 0, NULL) : NULL;
	enum ny_err rc;

	payment(&p, "NY-ANS", 10000, "QK12ABCDEF");
	memset(a, 0, sizeof *a);
	rc = pay_mpesa_reversal_answer(&r, status, resp, a);
	json_decref(resp);
	return rc;
}

START_TEST(answers)
{
	struct pay_refund_answer a;

	ck_assert_int_eq(answer(200, "{\"OriginatorConversationID\":\"1-2-3\","
	    "\"ConversationID\":\"AG_20261203_abc\",\"ResponseCode\":\"0\","
	    "\"ResponseDescription\":\"Accept the service request "
	    "successfully.\"}", &a), NY_OK);
	ck_assert_int_eq(a.final, 0);
	ck_assert_str_eq(a.provider_ref, "AG_20261203_abc");
	ck_assert_ptr_nonnull(a.raw);
	ck_assert_ptr_nonnull(strstr(a.raw, "AG_20261203_abc"));
	pay_refund_answer_clear(&a);
	/* Refusals: an error answer, a non-zero code, no ConversationID. */
	ck_assert_int_eq(answer(400, "{\"requestId\":\"x\",\"errorCode\":"
	    "\"400.002.02\",\"errorMessage\":\"Bad Request - Invalid "
	    "Amount\"}", &a), NY_OK);
	ck_assert_int_eq(a.final, 1);
	ck_assert_int_eq(a.ok, 0);
	ck_assert_str_eq(a.desc, "M-Pesa refused the reversal: Bad Request - "
	    "Invalid Amount");
	ck_assert_str_eq(a.provider_ref, "");
	pay_refund_answer_clear(&a);
	ck_assert_int_eq(answer(200, "{\"ConversationID\":\"AG_1\","
	    "\"ResponseCode\":\"1\",\"ResponseDescription\":\"no\"}", &a),
	    NY_OK);
	ck_assert_int_eq(a.final, 1);
	ck_assert_int_eq(a.ok, 0);
	pay_refund_answer_clear(&a);
	ck_assert_int_eq(answer(200, "{\"ResponseCode\":\"0\"}", &a), NY_OK);
	ck_assert_int_eq(a.final, 1);
	ck_assert_int_eq(a.ok, 0);
	pay_refund_answer_clear(&a);
	ck_assert_int_eq(answer(403, "<html>", &a), NY_OK);
	ck_assert_int_eq(a.final, 1);
	ck_assert_ptr_nonnull(strstr(a.desc, "no reason given"));
	pay_refund_answer_clear(&a);
	/* Not taken: ask again later. */
	ck_assert_int_eq(answer(0, NULL, &a), NY_EIO);
	ck_assert_int_eq(answer(503, "{}", &a), NY_EIO);
	ck_assert_int_eq(answer(401, "{}", &a), NY_EIO);
	ck_assert_int_eq(answer(429, NULL, &a), NY_EIO);
	ck_assert_ptr_null(a.raw);
}
END_TEST

/* ---- the result parser ---------------------------------------------- */

static enum ny_err
parse(const char *body, struct pay_mpesa_reversal *r)
{
	return pay_mpesa_reversal_parse(body, strlen(body), r);
}

START_TEST(parse_success)
{
	struct pay_mpesa_reversal r;
	const char *body = "{\"Result\":{\"ResultType\":0,\"ResultCode\":0,"
	    "\"ResultDesc\":\"The service request is processed successfully.\","
	    "\"OriginatorConversationID\":\"10819-695089-1\","
	    "\"ConversationID\":\"AG_20191219_00004e48cf7e3533f581\","
	    "\"TransactionID\":\"NLJ41HAY6Q\",\"ResultParameters\":"
	    "{\"ResultParameter\":[{\"Key\":\"Amount\",\"Value\":1.00},"
	    "{\"Key\":\"OriginalTransactionID\",\"Value\":\"NLJ11HAY8Z\"}]},"
	    "\"ReferenceData\":{\"ReferenceItem\":{\"Key\":\"QueueTimeoutURL\","
	    "\"Value\":\"https://internalsandbox.safaricom.co.ke/x\"}}}}";

	ck_assert_int_eq(parse(body, &r), NY_OK);
	ck_assert_str_eq(r.conversation_id, "AG_20191219_00004e48cf7e3533f581");
	ck_assert_str_eq(r.originator_id, "10819-695089-1");
	ck_assert_str_eq(r.transaction_id, "NLJ41HAY6Q");
	ck_assert_int_eq(r.has_code, 1);
	ck_assert_int_eq(r.result_code, 0);
	ck_assert_int_eq(r.ok, 1);
	ck_assert_str_eq(r.desc,
	    "The service request is processed successfully.");
	/* ResultCode as a string, as some Daraja answers have it. */
	ck_assert_int_eq(parse("{\"Result\":{\"ResultCode\":\"0\","
	    "\"ConversationID\":\"AG_1\"}}", &r), NY_OK);
	ck_assert_int_eq(r.ok, 1);
}
END_TEST

START_TEST(parse_refusals)
{
	struct pay_mpesa_reversal r;

	ck_assert_int_eq(parse("{\"Result\":{\"ResultType\":0,\"ResultCode\":"
	    "2001,\"ResultDesc\":\"The initiator information is invalid.\","
	    "\"ConversationID\":\"AG_2\"}}", &r), NY_OK);
	ck_assert_int_eq(r.ok, 0);
	ck_assert_int_eq(r.result_code, 2001);
	ck_assert_str_eq(r.desc, "The initiator information is invalid.");
	ck_assert_int_eq(parse("{\"Result\":{\"ResultCode\":\"R000002\","
	    "\"ConversationID\":\"AG_3\"}}", &r), NY_OK);
	ck_assert_int_eq(r.ok, 0);
	ck_assert_int_eq(r.has_code, 1);
	ck_assert_int_eq(r.result_code, -1);
	ck_assert_int_eq(parse("{\"Result\":{\"ResultCode\":\"2001\","
	    "\"ConversationID\":\"AG_4\"}}", &r), NY_OK);
	ck_assert_int_eq(r.result_code, 2001);
	ck_assert_int_eq(r.ok, 0);
	/* No code (a timeout notice may have none): never ok. */
	ck_assert_int_eq(parse("{\"ConversationID\":\"AG_5\"}", &r), NY_OK);
	ck_assert_int_eq(r.has_code, 0);
	ck_assert_int_eq(r.ok, 0);
	ck_assert_str_eq(r.conversation_id, "AG_5");
}
END_TEST

START_TEST(parse_garbage)
{
	struct pay_mpesa_reversal r;
	char big[400];
	char *body;

	ck_assert_int_eq(parse("", &r), NY_EINVAL);
	ck_assert_int_eq(parse("{\"Result\":", &r), NY_EINVAL);
	ck_assert_int_eq(parse("[]", &r), NY_EINVAL);
	ck_assert_int_eq(parse("{\"Result\":[]}", &r), NY_EINVAL);
	ck_assert_int_eq(parse("{\"Result\":{\"ResultCode\":0}}", &r),
	    NY_EINVAL);
	ck_assert_int_eq(parse("{\"Result\":{\"ResultCode\":0,"
	    "\"ConversationID\":\"\"}}", &r), NY_EINVAL);
	ck_assert_int_eq(parse("{\"Result\":{\"ResultCode\":0,"
	    "\"ConversationID\":7}}", &r), NY_EINVAL);
	ck_assert_int_eq(parse("{\"Result\":{\"ResultCode\":0.5,"
	    "\"ConversationID\":\"AG_6\"}}", &r), NY_EINVAL);
	ck_assert_int_eq(parse("{\"Result\":{\"ResultCode\":-3,"
	    "\"ConversationID\":\"AG_6\"}}", &r), NY_EINVAL);
	/* Two codes: which one would be believed? Neither. */
	ck_assert_int_eq(parse("{\"Result\":{\"ResultCode\":1,\"ResultCode\":"
	    "0,\"ConversationID\":\"AG_6\"}}", &r), NY_EINVAL);
	ck_assert_int_eq(r.ok, 0);
	/* An id too long for a provider_ref; a long description cut. */
	memset(big, 'A', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	body = xasprintf("{\"Result\":{\"ResultCode\":0,\"ConversationID\":"
	    "\"%s\"}}", big);
	ck_assert_int_eq(parse(body, &r), NY_EINVAL);
	free(body);
	body = xasprintf("{\"Result\":{\"ResultCode\":1,\"ConversationID\":"
	    "\"AG_7\",\"ResultDesc\":\"%s\"}}", big);
	ck_assert_int_eq(parse(body, &r), NY_OK);
	ck_assert_uint_eq(strlen(r.desc), sizeof r.desc - 1);
	free(body);
	ck_assert_int_eq(pay_mpesa_reversal_parse(NULL, 0, &r), NY_EINVAL);
}
END_TEST

/* ---- the hook against tests/fake-daraja.py -------------------------- */

static struct {
	pid_t	 pid;
	char	 url[64];
} fake;

static void
fake_start(void)
{
	char *portfile = tmp_path("daraja-port");
	char *script = fake_script("fake-daraja.py");

	fake.pid = fork();
	ck_assert_int_ge(fake.pid, 0);
	if (fake.pid == 0) {
		setenv("FAKE_DARAJA_PORT_FILE", portfile, 1);
		setenv("FAKE_DARAJA_INITIATOR", "nyota-api", 1);
		setenv("FAKE_DARAJA_CREDENTIAL", CRED, 1);
		execlp("python3", "python3", script, "0", "ck", "cs", SHORT,
		    "passkey123", (char *)NULL);
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

/* The last reversal the fake accepted (caller decrefs). */
static json_t *
last_reversal(void)
{
	json_t *all = ctl("reversals", NULL);
	json_t *r = json_incref(json_array_get(all, json_array_size(all) - 1));

	json_decref(all);
	ck_assert_ptr_nonnull(r);
	return r;
}

START_TEST(fake_accepts)
{
	struct mpesa *m;
	struct pay_refund_answer a;
	struct payment p;
	struct pay_refund r = { .payment = &p, .refund_id = 9,
	    .reason = "double payment" };
	json_t *rev;

	/* Held: this test's callback URLs lead nowhere. */
	json_decref(ctl("down", "{\"down\":false}"));
	json_decref(ctl("reversal", "{\"mode\":\"hold\"}"));
	m = provider_at(fake.url, "nyota-api");
	payment(&p, "NY-ACCEPT", 120000, "QKACCEPT01");
	ck_assert_int_eq(pay_mpesa.refund(m, &r, &a), NY_OK);
	ck_assert_int_eq(a.final, 0);
	ck_assert_int_eq(strncmp(a.provider_ref, "AG_", 3), 0);
	ck_assert_ptr_nonnull(a.raw);
	ck_assert_ptr_nonnull(strstr(a.raw, a.provider_ref));
	ck_assert_ptr_null(strstr(a.raw, CRED));
	rev = last_reversal();
	ck_assert_str_eq(field(rev, "id"), a.provider_ref);
	ck_assert_str_eq(field(rev, "transaction"), "QKACCEPT01");
	ck_assert_int_eq(json_integer_value(json_object_get(rev, "amount")),
	    1200);
	ck_assert_str_eq(field(rev, "remarks"), "double payment");
	ck_assert_str_eq(field(rev, "occasion"), "NY-ACCEPT");
	ck_assert_str_eq(field(rev, "result_url"),
	    BASE "/payments/mpesa/reversal/" CBSEC);
	ck_assert(json_is_true(json_object_get(rev, "credential_ok")));
	json_decref(rev);
	pay_refund_answer_clear(&a);
	pay_mpesa.free(m);
}
END_TEST

START_TEST(fake_refuses_and_down)
{
	struct mpesa *m;
	struct pay_refund_answer a;
	struct payment p;
	struct pay_refund r = { .payment = &p, .refund_id = 10, .reason = "" };

	json_decref(ctl("down", "{\"down\":false}"));
	json_decref(ctl("reversal", "{\"mode\":\"reject\"}"));
	m = provider_at(fake.url, "nyota-api");
	payment(&p, "NY-REJECT", 50000, "QKREJECT01");
	ck_assert_int_eq(pay_mpesa.refund(m, &r, &a), NY_OK);
	ck_assert_int_eq(a.final, 1);
	ck_assert_int_eq(a.ok, 0);
	ck_assert_ptr_nonnull(strstr(a.desc, "refused"));
	ck_assert_ptr_nonnull(strstr(a.desc, "Bad Request"));
	pay_refund_answer_clear(&a);
	/* A body Daraja would refuse on its own: no receipt of that shape. */
	json_decref(ctl("reversal", "{\"mode\":\"hold\"}"));
	payment(&p, "NY-REJECT", 50000, "qk-lower");
	ck_assert_int_eq(pay_mpesa.refund(m, &r, &a), NY_OK);
	ck_assert_int_eq(a.final, 1);
	ck_assert_ptr_nonnull(strstr(a.desc, "TransactionID"));
	pay_refund_answer_clear(&a);
	/* Down (503): not taken, NY_EIO. */
	json_decref(ctl("down", "{\"down\":true}"));
	payment(&p, "NY-DOWN", 50000, "QKDOWN0001");
	ck_assert_int_eq(pay_mpesa.refund(m, &r, &a), NY_EIO);
	pay_refund_answer_clear(&a);
	json_decref(ctl("down", "{\"down\":false}"));
	pay_mpesa.free(m);
}
END_TEST

static Suite *
reversal_suite(void)
{
	Suite *s = suite_create("mpesa-reversal");
	TCase *tc = tcase_create("core");
	TCase *tf = tcase_create("fake");

	tcase_add_test(tc, request_fields);
	tcase_add_test(tc, request_remarks);
	tcase_add_test(tc, refund_not_configured);
	tcase_add_test(tc, refund_needs_receipt_and_kes);
	tcase_add_test(tc, answers);
	tcase_add_test(tc, parse_success);
	tcase_add_test(tc, parse_refusals);
	tcase_add_test(tc, parse_garbage);
	suite_add_tcase(s, tc);
	tcase_add_unchecked_fixture(tf, fake_start, fake_stop);
	tcase_set_timeout(tf, 60);
	tcase_add_test(tf, fake_accepts);
	tcase_add_test(tf, fake_refuses_and_down);
	suite_add_tcase(s, tf);
	return s;
}

int
main(void)
{
	if (sodium_init() < 0)
		return 1;
	curl_global_init(CURL_GLOBAL_DEFAULT);
	return run_suite(reversal_suite());
}
