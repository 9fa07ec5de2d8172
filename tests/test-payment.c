/*
 * test-payment: push intent and the adoption of a callback whose
 * CheckoutRequestID we never recorded (payment_push_begin,
 * payment_adopt_callback): one candidate is adopted and then settled once;
 * zero or two candidates are never guessed (audit row for manual review);
 * phone, amount, window, provider and an existing reference all count.
 * The other steps of a push: waiting for a lost answer, a late receipt.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crypto.h"
#include "db.h"
#include "i18n.h"
#include "order.h"
#include "pay.h"
#include "payment.h"
#include "testutil.h"

#define PHONE	"254712345601"
#define NOW	1800000000

static struct db *db;
static const unsigned char test_key[32] = "0123456789abcdef0123456789abcdef";

static void
setup(void)
{
	char *cause = NULL;

	crypto_init_key(test_key);
	i18n_load(&cause);
	free(cause);
	ny_clock_set(NOW);
	db = test_db("payment", NULL);
	ck_assert_int_eq(db_exec(db,
	    "INSERT INTO creators(id, handle, created_at) VALUES (1, 'amani', 0);"
	    "INSERT INTO products(id, creator_id, slug, kind, title, price_minor,"
	    " currency, status, created_at, updated_at) VALUES"
	    " (1, 1, 'song', 'download', 'A song', 50000, 'KES', 'published', 0, 0),"
	    " (2, 1, 'odd', 'download', 'Odd', 49950, 'KES', 'published', 0, 0);"),
	    NY_OK);
}

static void
teardown(void)
{
	db_close(db);
	ny_clock_set(0);
}

/* A new mpesa payment for product on phone; its payment id. */
static int64_t
buy(int64_t product, const char *phone, const char *provider)
{
	struct order_new in = {
		.product_id = product, .phone = phone, .quantity = 1,
		.locale = "en", .provider = provider, .timeout_s = 120,
	};
	struct order o;
	struct payment p;

	ck_assert_int_eq(order_create(db, &in, &o, NULL), NY_OK);
	ck_assert_int_eq(payment_by_order(db, o.id, &p), NY_OK);
	return p.id;
}

static enum ny_err
adopt(const char *phone, int64_t amount, const char *ref, int64_t *id)
{
	return payment_adopt_callback(db, "mpesa", phone, amount, ref,
	    "{\"raw\":1}", "{\"redacted\":1}", ny_now(), 120, id);
}

static int64_t
reviews(void)
{
	return sql_int(db, "SELECT count(*) FROM audit_log"
	    " WHERE action = 'payment.callback.review'");
}

START_TEST(push_begin_once)
{
	int64_t id = buy(1, PHONE, "mpesa");
	struct payment p;

	ck_assert_int_eq(payment_push_begin(db, id, NOW), NY_OK);
	ck_assert_int_eq(payment_get(db, id, &p), NY_OK);
	ck_assert_int_eq(p.push_started_at, NOW);
	/* A second start (restart, another thread) is refused. */
	ck_assert_int_eq(payment_push_begin(db, id, NOW + 1), NY_ESTATE);
	/* A push that certainly failed clears the intent: retry allowed. */
	ck_assert_int_eq(payment_push_failed(db, id, NOW + 2, "down"), NY_OK);
	ck_assert_int_eq(payment_get(db, id, &p), NY_OK);
	ck_assert_int_eq(p.push_started_at, 0);
	ck_assert_int_eq(p.attempts, 1);
	ck_assert_int_eq(payment_push_begin(db, id, NOW + 3), NY_OK);
	/* Recorded reply: the intent no longer matters. */
	ck_assert_int_eq(payment_mark_pushed(db, id, "ws_CO_1", NOW), NY_OK);
	ck_assert_int_eq(payment_push_begin(db, id, NOW + 4), NY_ESTATE);
}
END_TEST

/*
 * A push whose answer was lost waits (payment_push_wait) only while the
 * payment is new; a receipt that comes after a query settled the payment
 * is recorded once (payment_late_receipt), and nothing else changes.
 */
START_TEST(push_wait_and_late_receipt)
{
	int64_t id = buy(1, PHONE, "mpesa");
	struct pay_result r = {
		.outcome = PAY_PAID, .amount_minor = -1, .desc = "query",
	};
	struct payment p;
	char *raw = NULL;

	ck_assert_int_eq(payment_push_begin(db, id, NOW), NY_OK);
	ck_assert_int_eq(payment_push_wait(db, id, NOW + 30), NY_OK);
	ck_assert_int_eq(payment_get(db, id, &p), NY_OK);
	ck_assert_int_eq(p.next_attempt_at, NOW + 30);
	ck_assert_int_eq(p.push_started_at, NOW);
	/* Pushed meanwhile (an adoption): the wait leaves it alone. */
	ck_assert_int_eq(payment_mark_pushed(db, id, "ws_CO_w", NOW + 5),
	    NY_OK);
	ck_assert_int_eq(payment_push_wait(db, id, NOW + 60), NY_OK);
	ck_assert_int_eq(payment_get(db, id, &p), NY_OK);
	ck_assert_int_eq(p.next_attempt_at, NOW + 5);
	/* Not paid yet: a late receipt changes nothing. */
	ck_assert_int_eq(payment_late_receipt(db, id, "QKLATE0001",
	    "{\"a\":1}"), NY_OK);
	ck_assert_int_eq(payment_get(db, id, &p), NY_OK);
	ck_assert_str_eq(p.receipt, "");
	/* Paid by the query (no receipt), then the callback's receipt. */
	ck_assert_int_eq(payment_settle(db, id, NULL, &r, NULL), NY_OK);
	ck_assert_int_eq(payment_late_receipt(db, id, "QKLATE0001",
	    "{\"a\":1}"), NY_OK);
	ck_assert_int_eq(payment_late_receipt(db, id, "QKLATE0002",
	    "{\"b\":1}"), NY_OK);
	ck_assert_int_eq(payment_get(db, id, &p), NY_OK);
	ck_assert_str_eq(p.receipt, "QKLATE0001");
	ck_assert_int_eq(payment_raw(db, id, &raw), NY_OK);
	ck_assert_str_eq(raw, "{\"a\":1}");
	free(raw);
	ck_assert_int_eq(payment_late_receipt(db, id, "", "{}"), NY_EINVAL);
	ck_assert_int_eq(payment_late_receipt(db, id, "QK", NULL), NY_EINVAL);
}
END_TEST

/*
 * The callback kept while the worker's query was on its way: the query
 * settles the payment without a receipt but keeps that raw callback, and
 * Daraja's repeat of the same callback records the receipt; another body
 * does not.
 */
START_TEST(late_receipt_after_kept_callback)
{
	int64_t id = buy(1, PHONE, "mpesa");
	struct pay_result r = {
		.outcome = PAY_PAID, .amount_minor = -1, .desc = "query",
	};
	struct payment p;

	ck_assert_int_eq(payment_push_begin(db, id, NOW), NY_OK);
	ck_assert_int_eq(payment_mark_pushed(db, id, "ws_CO_k", NOW), NY_OK);
	ck_assert_int_eq(payment_keep_raw(db, id, "{\"k\":1}"), NY_OK);
	ck_assert_int_eq(payment_settle(db, id, NULL, &r, NULL), NY_OK);
	ck_assert_int_eq(payment_late_receipt(db, id, "QKOTHER001",
	    "{\"other\":1}"), NY_OK);
	ck_assert_int_eq(payment_get(db, id, &p), NY_OK);
	ck_assert_str_eq(p.status, "paid");
	ck_assert_str_eq(p.receipt, "");
	ck_assert_int_eq(payment_late_receipt(db, id, "QKKEPT0001",
	    "{\"k\":1}"), NY_OK);
	ck_assert_int_eq(payment_get(db, id, &p), NY_OK);
	ck_assert_str_eq(p.receipt, "QKKEPT0001");
}
END_TEST

START_TEST(adopt_zero)
{
	int64_t id = buy(1, PHONE, "mpesa"), got = -1;

	/* No push started: not a candidate. */
	ck_assert_int_eq(adopt(PHONE, 50000, "ws_CO_x", &got), NY_ENOTFOUND);
	ck_assert_int_eq(got, 0);
	ck_assert_int_eq(reviews(), 1);
	ck_assert_int_eq(payment_push_begin(db, id, NOW - 10), NY_OK);
	/* Another phone, another amount: not candidates either. */
	ck_assert_int_eq(adopt("254712345699", 50000, "ws_CO_x", &got),
	    NY_ENOTFOUND);
	ck_assert_int_eq(adopt(PHONE, 40000, "ws_CO_x", &got), NY_ENOTFOUND);
	/* Outside the window. */
	ny_clock_set(NOW + 200);
	ck_assert_int_eq(adopt(PHONE, 50000, "ws_CO_x", &got), NY_ENOTFOUND);
	ck_assert_int_eq(reviews(), 4);
	ck_assert_int_eq(sql_int(db, "SELECT count(*) FROM audit_log WHERE"
	    " detail LIKE '%redacted%' AND detail NOT LIKE '%\"raw\"%'"), 4);
	ck_assert_int_eq(sql_int(db, "SELECT count(*) FROM payments"
	    " WHERE provider_ref IS NOT NULL"), 0);
}
END_TEST

START_TEST(adopt_one_then_settle_once)
{
	int64_t id = buy(1, PHONE, "mpesa"), other = buy(1, "254712345602",
	    "mpesa"), sim = buy(1, "254712345603", "sim"), got = 0;
	struct payment p;
	struct pay_result r = {
		.outcome = PAY_PAID, .receipt = "QKONE00001",
		.amount_minor = 50000, .desc = "ok",
	};
	char *raw = NULL;
	int changed = 0;

	ck_assert_int_eq(payment_push_begin(db, id, NOW - 5), NY_OK);
	ck_assert_int_eq(payment_push_begin(db, sim, NOW - 5), NY_OK);
	ck_assert_int_eq(payment_mark_pushed(db, other, "ws_CO_other", NOW),
	    NY_OK);
	ck_assert_int_eq(adopt(PHONE, 50000, "ws_CO_first", &got), NY_OK);
	ck_assert_int_eq(got, id);
	ck_assert_int_eq(reviews(), 0);
	ck_assert_int_eq(payment_get(db, id, &p), NY_OK);
	ck_assert_str_eq(p.status, "pending");
	ck_assert_str_eq(p.provider_ref, "ws_CO_first");
	ck_assert_int_eq(p.next_attempt_at, 0);		/* worker confirms now */
	ck_assert_int_eq(payment_raw(db, id, &raw), NY_OK);
	ck_assert_str_eq(raw, "{\"raw\":1}");
	free(raw);
	/* The same callback again finds its payment by reference now; an
	 * adoption attempt would find no candidate left. */
	ck_assert_int_eq(payment_by_provider_ref(db, "ws_CO_first", &p), NY_OK);
	ck_assert_int_eq(adopt(PHONE, 50000, "ws_CO_dup", &got), NY_ENOTFOUND);
	/* The worker's late mark_pushed for the same push changes nothing. */
	ck_assert_int_eq(payment_mark_pushed(db, id, "ws_CO_first", NOW),
	    NY_ESTATE);
	/* Settled exactly once. */
	ck_assert_int_eq(payment_settle(db, id, NULL, &r, &changed), NY_OK);
	ck_assert_int_eq(changed, 1);
	ck_assert_int_eq(payment_settle(db, 0, "ws_CO_first", &r, &changed),
	    NY_OK);
	ck_assert_int_eq(changed, 0);
	ck_assert_int_eq(sql_int(db, "SELECT count(*) FROM entitlements"), 1);
	ck_assert_int_eq(sql_int(db, "SELECT count(*) FROM payments"
	    " WHERE status = 'paid'"), 1);
}
END_TEST

START_TEST(adopt_two_never_guesses)
{
	int64_t a = buy(1, PHONE, "mpesa"), b = buy(1, PHONE, "mpesa"), got = 0;

	ck_assert_int_eq(payment_push_begin(db, a, NOW - 5), NY_OK);
	ck_assert_int_eq(payment_push_begin(db, b, NOW - 3), NY_OK);
	ck_assert_int_eq(adopt(PHONE, 50000, "ws_CO_which", &got), NY_EEXISTS);
	ck_assert_int_eq(got, 0);
	ck_assert_int_eq(reviews(), 1);
	ck_assert_int_eq(sql_int(db, "SELECT count(*) FROM payments"
	    " WHERE provider_ref IS NOT NULL OR status <> 'new'"), 0);
}
END_TEST

START_TEST(adopt_rounded_and_expired)
{
	/* KES 499.50 was pushed as 500 shillings: the callback says 500. */
	int64_t id = buy(2, PHONE, "mpesa"), got = 0;
	struct payment p;

	ck_assert_int_eq(payment_push_begin(db, id, NOW - 5), NY_OK);
	ck_assert_int_eq(adopt(PHONE, 50000, "ws_CO_round", &got), NY_OK);
	ck_assert_int_eq(got, id);
	/* An expired payment whose push was started is still adopted within
	 * the window (the worker then confirms it as a late payment). */
	id = buy(1, "254712345604", "mpesa");
	ck_assert_int_eq(payment_push_begin(db, id, NOW - 5), NY_OK);
	ck_assert_int_eq(db_exec(db, "UPDATE payments SET status = 'expired',"
	    " next_attempt_at = -1 WHERE push_started_at IS NOT NULL"
	    " AND provider_ref IS NULL"), NY_OK);
	ck_assert_int_eq(adopt("254712345604", 50000, "ws_CO_late", &got),
	    NY_OK);
	ck_assert_int_eq(payment_get(db, id, &p), NY_OK);
	ck_assert_str_eq(p.status, "expired");
	ck_assert_int_eq(p.next_attempt_at, 0);
	/* Bad input. */
	ck_assert_int_eq(adopt("", 50000, "ws_CO_y", &got), NY_EINVAL);
	ck_assert_int_eq(adopt(PHONE, -1, "ws_CO_y", &got), NY_EINVAL);
}
END_TEST

START_TEST(mpesa_callback_phone_and_redaction)
{
	const char *ok = "{\"Body\":{\"stkCallback\":{\"MerchantRequestID\":\"m\","
	    "\"CheckoutRequestID\":\"ws_CO_9\",\"ResultCode\":0,\"ResultDesc\":"
	    "\"ok\",\"CallbackMetadata\":{\"Item\":[{\"Name\":\"Amount\","
	    "\"Value\":500},{\"Name\":\"MpesaReceiptNumber\",\"Value\":"
	    "\"QK1\"},{\"Name\":\"Balance\"},{\"Name\":\"PhoneNumber\","
	    "\"Value\":254712345601}]}}}}";
	const char *bad = "{\"Body\":{\"stkCallback\":{\"MerchantRequestID\":"
	    "\"m\",\"CheckoutRequestID\":\"ws_CO_9\",\"ResultCode\":1032,"
	    "\"ResultDesc\":\"cancelled\"}}}";
	struct pay_answer a;
	char *red;

	ck_assert_int_eq(pay_mpesa_parse_callback(ok, strlen(ok), &a), NY_OK);
	ck_assert_str_eq(a.phone, PHONE);
	ck_assert_int_eq(a.result.amount_minor, 50000);
	pay_answer_clear(&a);
	ck_assert_int_eq(pay_mpesa_parse_callback(bad, strlen(bad), &a), NY_OK);
	ck_assert_str_eq(a.phone, "");
	pay_answer_clear(&a);
	red = pay_mpesa_redact_callback(ok, strlen(ok));
	ck_assert_ptr_nonnull(red);
	ck_assert_ptr_null(strstr(red, "254712345601"));
	ck_assert_ptr_nonnull(strstr(red, "***601"));
	ck_assert_ptr_nonnull(strstr(red, "QK1"));
	free(red);
	ck_assert_ptr_null(pay_mpesa_redact_callback("{", 1));
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("payment");
	TCase *tc = tcase_create("adopt");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, push_begin_once);
	tcase_add_test(tc, push_wait_and_late_receipt);
	tcase_add_test(tc, late_receipt_after_kept_callback);
	tcase_add_test(tc, adopt_zero);
	tcase_add_test(tc, adopt_one_then_settle_once);
	tcase_add_test(tc, adopt_two_never_guesses);
	tcase_add_test(tc, adopt_rounded_and_expired);
	tcase_add_test(tc, mpesa_callback_phone_and_redaction);
	suite_add_tcase(s, tc);
	return run_suite(s);
}
