/*
 * test-order-detail: the order detail read model (order_detail_get):
 * a paid sim order, a failed one, a refunded one with its timeline in
 * order, provider events, another creator's order not found, the phone
 * never whole in the struct; a card payment named by brand and last
 * digits; an M-Pesa payment refunded by hand with its code (what the
 * console's refund dialog relies on); a payment after the seats went;
 * and the list of orders to refund.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "crypto.h"
#include "db.h"
#include "i18n.h"
#include "order-detail.h"
#include "order.h"
#include "payment.h"
#include "refund.h"
#include "testutil.h"

#define PHONE	"254712345601"
#define NOW	1800000000

static struct db *db;
static struct ny_config cfg;
static const unsigned char test_key[32] = "0123456789abcdef0123456789abcdef";

static void
setup(void)
{
	char *cause = NULL;

	crypto_init_key(test_key);
	i18n_load(&cause);
	free(cause);
	ck_assert_int_eq(config_load(&cfg, 0, NULL, NULL, &cause), NY_OK);
	ny_clock_set(NOW);
	db = test_db("order-detail", NULL);
	ck_assert_int_eq(db_exec(db,
	    "INSERT INTO creators(id, handle, created_at) VALUES (1, 'amani', 0),"
	    " (2, 'zuri', 0);"
	    "INSERT INTO products(id, creator_id, slug, kind, title, price_minor,"
	    " currency, status, created_at, updated_at) VALUES"
	    " (1, 1, 'song', 'download', 'A song', 50000, 'KES', 'published', 0, 0),"
	    " (2, 2, 'club', 'download', 'Zuri club', 1000, 'KES', 'published',"
	    " 0, 0);"), NY_OK);
}

static void
teardown(void)
{
	db_close(db);
	config_free(&cfg);
	ny_clock_set(0);
}

/* A sim order for product, pushed (provider ref "sim-<order id>") a
 * second later; the order into *o. */
static void
buy(int64_t product, struct order *o)
{
	struct order_new in = {
		.product_id = product, .phone = PHONE, .quantity = 1,
		.locale = "en", .provider = "sim", .timeout_s = 120,
	};
	char ref[32];

	ck_assert_int_eq(order_create(db, &in, o, NULL), NY_OK);
	ny_clock_set(ny_now() + 1);
	ck_assert_int_eq(payment_push_begin(db, o->payment_id, ny_now()),
	    NY_OK);
	snprintf(ref, sizeof ref, "sim-%lld", (long long)o->id);
	ck_assert_int_eq(payment_mark_pushed(db, o->payment_id, ref,
	    ny_now() + 5), NY_OK);
}

/* Settles o's payment as r says (a second later). */
static void
settle_as(const struct order *o, const struct pay_result *r)
{
	int changed = 0;

	ny_clock_set(ny_now() + 10);
	ck_assert_int_eq(payment_settle(db, o->payment_id, NULL, r,
	    &changed), NY_OK);
	ck_assert_int_eq(changed, 1);
}

/* Settles o's payment: paid with receipt, or failed (cancelled). */
static void
settle(const struct order *o, int paid, const char *receipt)
{
	struct pay_result r = {
		.outcome = paid ? PAY_PAID : PAY_FAILED,
		.reason = paid ? NULL : PAY_REASON_CANCELLED,
		.receipt = receipt, .amount_minor = -1, .desc = "test",
	};
	int changed = 0;

	ny_clock_set(ny_now() + 10);
	ck_assert_int_eq(payment_settle(db, o->payment_id, NULL, &r,
	    &changed), NY_OK);
	ck_assert_int_eq(changed, 1);
}

/* The index of step what in d's timeline, or -1. */
static int
step_at(const struct order_detail *d, const char *what)
{
	int i;

	for (i = 0; i < d->nsteps; i++)
		if (strcmp(d->steps[i].what, what) == 0)
			return i;
	return -1;
}

/* The timeline is in time order. */
static void
assert_sorted(const struct order_detail *d)
{
	int i;

	for (i = 1; i < d->nsteps; i++)
		ck_assert_int_le(d->steps[i - 1].at, d->steps[i].at);
}

START_TEST(paid_sim_order)
{
	struct order_detail *d = xcalloc(1, sizeof *d);
	struct order o;

	buy(1, &o);
	settle(&o, 1, "SIMRCPT001");
	ck_assert_int_eq(order_detail_get(db, 1, o.ref, 0, d), NY_OK);
	ck_assert_str_eq(d->order.ref, o.ref);
	ck_assert_int_eq(d->order.status, ORDER_PAID);
	ck_assert_str_eq(d->order.provider, "sim");
	ck_assert_str_eq(d->order.product_title, "A song");
	ck_assert_int_eq(d->order.amount_minor, 50000);
	ck_assert_str_eq(d->pay_status, "paid");
	ck_assert_str_eq(d->receipt, "SIMRCPT001");
	ck_assert_str_eq(d->provider_ref, "sim-1");
	ck_assert_int_eq(d->creator_id, 1);
	ck_assert_int_eq(d->has_refund, 0);
	ck_assert_int_eq(d->refundable, 1);
	/* created, push, accepted, paid: in this order, times included. */
	ck_assert_int_eq(step_at(d, "created"), 0);
	ck_assert_int_eq(d->steps[0].at, NOW);
	ck_assert_int_eq(step_at(d, "push"), 1);
	ck_assert_int_eq(d->steps[1].at, NOW + 1);
	ck_assert_int_eq(step_at(d, "accepted"), 2);
	ck_assert_str_eq(d->steps[2].detail, "sim-1");
	ck_assert_int_eq(step_at(d, "paid"), 3);
	ck_assert_int_eq(d->steps[3].at, NOW + 11);
	ck_assert_str_eq(d->steps[3].detail, "SIMRCPT001");
	ck_assert_int_eq(d->nsteps, 4);
	/* The receipt went out on WhatsApp: its kind, never its body. */
	ck_assert_int_ge(d->nmsgs, 1);
	ck_assert_str_eq(d->msgs[0].kind, "receipt");
	ck_assert_str_eq(d->msgs[0].status, "queued");
	/* By id as by ref. */
	ck_assert_int_eq(order_detail_get(db, 1, NULL, o.id, d), NY_OK);
	ck_assert_str_eq(d->order.ref, o.ref);
	free(d);
}
END_TEST

START_TEST(failed_order)
{
	struct order_detail *d = xcalloc(1, sizeof *d);
	struct order o;

	buy(1, &o);
	settle(&o, 0, NULL);
	ck_assert_int_eq(order_detail_get(db, 1, o.ref, 0, d), NY_OK);
	ck_assert_int_eq(d->order.status, ORDER_FAILED);
	ck_assert_str_eq(d->pay_status, "failed");
	ck_assert_int_eq(d->refundable, 0);
	ck_assert_int_eq(step_at(d, "paid"), -1);
	ck_assert_int_eq(step_at(d, "failed"), d->nsteps - 1);
	ck_assert_str_eq(d->steps[d->nsteps - 1].detail, "cancelled");
	ck_assert_int_eq(d->nmsgs, 0);
	assert_sorted(d);
	free(d);
}
END_TEST

START_TEST(refunded_order_timeline)
{
	struct order_detail *d = xcalloc(1, sizeof *d);
	struct refund_ask ask = {
		.creator_id = 1, .actor = "amani", .reason = "event moved",
	};
	struct refund r;
	struct order o;
	int paid, asked, done, i;

	buy(1, &o);
	/* A provider event arrived between the push and the payment. */
	ny_clock_set(ny_now() + 3);
	sqlite3_stmt *st = db_stmt(db, "INSERT INTO webhook_events(id,"
	    " provider, type, order_id, received_at) VALUES ('evt_1', 'sim',"
	    " 'test.event', ?1, ?2)");
	sqlite3_bind_int64(st, 1, o.id);
	sqlite3_bind_int64(st, 2, ny_now());
	ck_assert_int_eq(db_done(st), NY_OK);
	settle(&o, 1, "SIMRCPT002");
	ny_clock_set(ny_now() + 60);
	ask.order_ref = o.ref;
	ck_assert_int_eq(refund_order(db, &cfg, &ask, &r), NY_OK);
	ck_assert_str_eq(r.status, "done");
	ck_assert_int_eq(order_detail_get(db, 1, o.ref, 0, d), NY_OK);
	ck_assert_int_eq(d->order.status, ORDER_REFUNDED);
	ck_assert_int_eq(d->refundable, 0);
	ck_assert_int_eq(d->has_refund, 1);
	ck_assert_str_eq(d->refund.status, "done");
	ck_assert_str_eq(d->refund.how, "sim");
	ck_assert_str_eq(d->refund.actor, "amani");
	ck_assert_str_eq(d->refund.reason, "event moved");
	/* created < push ≤ accepted < webhook < paid < asked ≤ refunded */
	assert_sorted(d);
	i = step_at(d, "webhook");
	ck_assert_int_eq(i, 3);
	ck_assert_str_eq(d->steps[i].detail, "test.event");
	paid = step_at(d, "paid");
	asked = step_at(d, "refund_asked");
	done = step_at(d, "refunded");
	ck_assert_int_eq(paid, 4);
	ck_assert_int_gt(asked, paid);
	ck_assert_int_gt(done, asked);
	ck_assert_int_eq(done, d->nsteps - 1);
	ck_assert_int_eq(d->steps[asked].at, NOW + 1 + 3 + 10 + 60);
	ck_assert_str_eq(d->steps[asked].detail, "amani");
	free(d);
}
END_TEST

START_TEST(other_creator_not_found)
{
	struct order_detail *d = xcalloc(1, sizeof *d);
	struct order o;

	buy(2, &o);		/* zuri's product */
	ck_assert_int_eq(order_detail_get(db, 1, o.ref, 0, d), NY_ENOTFOUND);
	ck_assert_str_eq(d->order.ref, "");
	ck_assert_int_eq(order_detail_get(db, 1, NULL, o.id, d),
	    NY_ENOTFOUND);
	ck_assert_int_eq(order_detail_get(db, 2, o.ref, 0, d), NY_OK);
	/* The operator (creator 0) reads any. */
	ck_assert_int_eq(order_detail_get(db, 0, o.ref, 0, d), NY_OK);
	ck_assert_int_eq(d->creator_id, 2);
	ck_assert_int_eq(order_detail_get(db, 0, "no-such-ref", 0, d),
	    NY_ENOTFOUND);
	free(d);
}
END_TEST

START_TEST(phone_masked_never_whole)
{
	struct order_detail *d = xcalloc(1, sizeof *d);
	struct order o;

	buy(1, &o);
	settle(&o, 1, "SIMRCPT003");
	ck_assert_int_eq(order_detail_get(db, 1, o.ref, 0, d), NY_OK);
	ck_assert_str_eq(d->order.phone_masked, "…601");
	ck_assert_str_eq(d->order.phone, "");
	/* Nowhere in the struct, not even the local part. */
	ck_assert_ptr_null(memmem(d, sizeof *d, "712345601", 9));
	ck_assert_ptr_null(memmem(d, sizeof *d, "12345", 5));
	free(d);
}
END_TEST

START_TEST(refund_due_list)
{
	struct order *v = NULL;
	struct order a, b, c;
	int n = -1;

	buy(1, &a);
	settle(&a, 1, "SIMRCPT004");
	buy(1, &b);
	buy(2, &c);
	/* b and c were paid after their seats went (as payment_settle
	 * leaves a late payment for a sold-out event). */
	ck_assert_int_eq(db_exec(db, "UPDATE orders SET status = 'expired',"
	    " failure = 'late_refund' WHERE id IN (2, 3)"), NY_OK);
	ck_assert_int_eq(order_detail_refund_due(db, 1, 50, &v, &n), NY_OK);
	ck_assert_int_eq(n, 1);
	ck_assert_str_eq(v[0].ref, b.ref);
	free(v);
	ck_assert_int_eq(order_detail_refund_due(db, 0, 50, &v, &n), NY_OK);
	ck_assert_int_eq(n, 2);
	ck_assert_str_eq(v[0].ref, c.ref);	/* newest first */
	free(v);
	ck_assert_int_eq(order_detail_refund_due(db, 2, 0, &v, &n), NY_OK);
	ck_assert_int_eq(n, 0);
	ck_assert_ptr_null(v);
}
END_TEST

START_TEST(card_means)
{
	struct order_detail *d = xcalloc(1, sizeof *d);
	struct pay_result r = {
		.outcome = PAY_PAID, .receipt = "pi_3Abc", .amount_minor = -1,
		.desc = "test", .card_brand = "visa", .card_last4 = "4242",
	};
	struct order o;
	char means[96];
	int i;

	buy(1, &o);
	settle_as(&o, &r);
	ck_assert_int_eq(order_detail_get(db, 1, o.ref, 0, d), NY_OK);
	ck_assert_str_eq(d->receipt, "pi_3Abc");
	order_detail_means(d, means, sizeof means);
	ck_assert_str_eq(means, "visa ···· 4242");
	i = step_at(d, "paid");
	ck_assert_int_ge(i, 0);
	ck_assert_str_eq(d->steps[i].detail, "visa ···· 4242");
	/* A receipt alone when no card is known. */
	memset(d->card_last4, 0, sizeof d->card_last4);
	order_detail_means(d, means, sizeof means);
	ck_assert_str_eq(means, "pi_3Abc");
	free(d);
}
END_TEST

START_TEST(mpesa_refund_by_hand)
{
	struct order_detail *d = xcalloc(1, sizeof *d);
	struct refund_ask ask = { .creator_id = 1, .actor = "amani" };
	struct refund r;
	struct order o;
	int i;

	buy(1, &o);
	settle(&o, 1, "QAB12CD34E");
	/* As Daraja would have paid it (no Daraja here). */
	ck_assert_int_eq(db_exec(db, "UPDATE payments SET provider = 'mpesa'"),
	    NY_OK);
	ask.order_ref = o.ref;
	/* No reversal API configured and no code: the console asks for it. */
	ck_assert(cfg.mpesa_initiator == NULL ||
	    cfg.mpesa_initiator[0] == '\0');
	ck_assert_int_eq(refund_order(db, &cfg, &ask, &r), NY_ENOTSUP);
	ck_assert_int_eq(order_detail_get(db, 1, o.ref, 0, d), NY_OK);
	ck_assert_str_eq(d->order.provider, "mpesa");
	ck_assert_int_eq(d->order.status, ORDER_PAID);
	ck_assert_int_eq(d->refundable, 1);
	/* Not a code: refused, nothing recorded. */
	ask.manual_code = "SK12";
	ck_assert_int_eq(refund_order(db, &cfg, &ask, &r), NY_EINVAL);
	ck_assert_int_eq(order_detail_get(db, 1, o.ref, 0, d), NY_OK);
	ck_assert_int_eq(d->order.status, ORDER_PAID);
	ck_assert_int_eq(d->refundable, 1);
	/* The code of the money sent back: done at once, the code shown. */
	ask.manual_code = "SK12X9Y8Z7";
	ny_clock_set(ny_now() + 30);
	ck_assert_int_eq(refund_order(db, &cfg, &ask, &r), NY_OK);
	ck_assert_str_eq(r.status, "done");
	ck_assert_int_eq(order_detail_get(db, 1, o.ref, 0, d), NY_OK);
	ck_assert_int_eq(d->order.status, ORDER_REFUNDED);
	ck_assert_int_eq(d->has_refund, 1);
	ck_assert_str_eq(d->refund.how, "hand");
	ck_assert_str_eq(d->refund.manual_code, "SK12X9Y8Z7");
	ck_assert_int_eq(d->refundable, 0);
	i = step_at(d, "refunded");
	ck_assert_int_eq(i, d->nsteps - 1);
	ck_assert_str_eq(d->steps[i].detail, "SK12X9Y8Z7");
	/* Asked again: not refundable (the console says "already"). */
	ck_assert_int_eq(refund_order(db, &cfg, &ask, &r), NY_ESTATE);
	free(d);
}
END_TEST

START_TEST(late_payment_steps)
{
	struct order_detail *d = xcalloc(1, sizeof *d);
	struct order o;
	int expired, late;

	buy(1, &o);
	settle(&o, 1, "SIMRCPT005");
	/* As payment_settle leaves a payment that came after the order
	 * expired with no seat left: expired, flagged, money taken. */
	ck_assert_int_eq(db_exec(db, "UPDATE orders SET status = 'expired',"
	    " failure = 'late_refund', paid_at = NULL"), NY_OK);
	ck_assert_int_eq(order_detail_get(db, 1, o.ref, 0, d), NY_OK);
	ck_assert_int_eq(d->refundable, 1);
	ck_assert_int_eq(step_at(d, "paid"), -1);
	expired = step_at(d, "expired");
	late = step_at(d, "paid_late");
	ck_assert_int_ge(expired, 0);
	ck_assert_int_ge(late, 0);
	ck_assert_str_eq(d->steps[late].detail, "SIMRCPT005");
	assert_sorted(d);
	free(d);
}
END_TEST

static Suite *
order_detail_suite(void)
{
	Suite *s = suite_create("order-detail");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, paid_sim_order);
	tcase_add_test(tc, failed_order);
	tcase_add_test(tc, refunded_order_timeline);
	tcase_add_test(tc, other_creator_not_found);
	tcase_add_test(tc, phone_masked_never_whole);
	tcase_add_test(tc, refund_due_list);
	tcase_add_test(tc, card_means);
	tcase_add_test(tc, mpesa_refund_by_hand);
	tcase_add_test(tc, late_payment_steps);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return run_suite(order_detail_suite());
}
