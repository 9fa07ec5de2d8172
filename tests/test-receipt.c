/*
 * test-receipt: the buyer's order history and receipts (receipt.h): which
 * orders are listed (money taken: paid, refunded, paid too late), newest
 * first, with the method's details (M-Pesa receipt, card brand and last
 * four, never a card's payment intent); one receipt only for its own
 * customer; refunds (through refund_order, one under way, and an order
 * marked refunded without a refund row) with their date; card brands in
 * words.
 */
#include <check.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "library-fixture.h"
#include "order.h"
#include "receipt.h"
#include "refund.h"

/*
 * The payment row of order as the providers leave it: status, receipt,
 * card brand and last four (NULL for none), updated at `at`.
 */
static void
rt_pay(struct db *db, int64_t order, const char *provider, const char *status,
    const char *receipt, const char *brand, const char *last4, int64_t at)
{
	sqlite3_stmt *st;

	ck_assert_int_eq(sqlite3_prepare_v2(db_sqlite(db),
	    "INSERT INTO payments(order_id, provider, phone, amount_minor,"
	    " status, receipt, card_brand, card_last4, created_at, updated_at)"
	    " SELECT o.id, ?2, c.phone, o.amount_minor, ?3, ?4, ?5, ?6,"
	    " o.created_at, ?7 FROM orders o JOIN customers c"
	    " ON c.id = o.customer_id WHERE o.id = ?1", -1, &st, NULL),
	    SQLITE_OK);
	sqlite3_bind_int64(st, 1, order);
	sqlite3_bind_text(st, 2, provider, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, status, -1, SQLITE_STATIC);
	if (receipt != NULL)
		sqlite3_bind_text(st, 4, receipt, -1, SQLITE_STATIC);
	if (brand != NULL)
		sqlite3_bind_text(st, 5, brand, -1, SQLITE_STATIC);
	if (last4 != NULL)
		sqlite3_bind_text(st, 6, last4, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 7, at);
	ck_assert_int_eq(sqlite3_step(st), SQLITE_DONE);
	sqlite3_finalize(st);
}

/* The ref of order id into ref (ORDER_REF_LEN + 1 bytes). */
static void
rt_ref(struct db *db, int64_t id, char *ref)
{
	sqlite3_stmt *st;

	ck_assert_int_eq(sqlite3_prepare_v2(db_sqlite(db),
	    "SELECT ref FROM orders WHERE id = ?", -1, &st, NULL), SQLITE_OK);
	sqlite3_bind_int64(st, 1, id);
	ck_assert_int_eq(sqlite3_step(st), SQLITE_ROW);
	snprintf(ref, ORDER_REF_LEN + 1, "%s", sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
}

/* Runs test-only SQL (a state no public function leads to directly). */
static void rt_sql(struct db *, const char *, ...) NY_PRINTF(2, 3);
static void
rt_sql(struct db *db, const char *fmt, ...)
{
	va_list ap;
	char *sql;

	va_start(ap, fmt);
	sql = xvasprintf(fmt, ap);
	va_end(ap);
	ck_assert_int_eq(db_exec(db, sql), NY_OK);
	free(sql);
}

START_TEST(history_lists_money_taken)
{
	struct db *db = lf_open(NULL);
	int64_t o1, o2, o3, o4, o5, o6, o7;
	struct receipt *v;
	size_t n;

	o1 = lf_buy(db, 1, 1, 1);			/* M-Pesa */
	rt_pay(db, o1, "mpesa", "paid", "QWE123RTY", NULL, NULL, LF_T0);
	ny_clock_set(LF_T0 + 60);
	o2 = lf_buy(db, 1, 3, 2);			/* card, two seats */
	rt_pay(db, o2, "stripe", "paid", "pi_3Nsecret", "visa", "4242",
	    LF_T0 + 60);
	ny_clock_set(LF_T0 + 120);
	o3 = lf_order(db, 1, 2, 1, "pending");		/* not listed: */
	rt_pay(db, o3, "mpesa", "pending", NULL, NULL, NULL, LF_T0 + 120);
	o4 = lf_order(db, 1, 2, 1, "failed");
	rt_pay(db, o4, "mpesa", "failed", NULL, NULL, NULL, LF_T0 + 120);
	o5 = lf_order(db, 1, 2, 1, "expired");		/* no money came */
	rt_pay(db, o5, "mpesa", "expired", NULL, NULL, NULL, LF_T0 + 120);
	ny_clock_set(LF_T0 + 300);
	/* Paid after its seats were gone: expired, no paid_at, money taken
	 * when the payment row last changed. */
	o6 = lf_order(db, 1, 3, 1, "expired");
	rt_sql(db, "UPDATE orders SET failure = 'late_refund', paid_at = NULL"
	    " WHERE id = %lld", (long long)o6);
	rt_pay(db, o6, "sim", "paid", "SIMABC123", NULL, NULL, LF_T0 + 400);
	o7 = lf_buy(db, 2, 5, 1);			/* another buyer */
	rt_pay(db, o7, "mpesa", "paid", "ZZZ999YYY", NULL, NULL, LF_T0 + 300);

	ck_assert_int_eq(receipt_list(db, 1, &v, &n), NY_OK);
	ck_assert_uint_eq(n, 3);
	ck_assert_int_eq(v[0].order_id, o6);		/* newest first */
	ck_assert_int_eq(v[1].order_id, o2);
	ck_assert_int_eq(v[2].order_id, o1);

	ck_assert_int_eq(v[0].status, RECEIPT_REFUND_DUE);
	ck_assert_int_eq(v[0].paid_at, LF_T0 + 400);
	ck_assert_str_eq(v[0].provider, "sim");
	ck_assert_str_eq(v[0].code, "SIMABC123");

	ck_assert_int_eq(v[1].status, RECEIPT_PAID);
	ck_assert_str_eq(v[1].title, "Gig");
	ck_assert_str_eq(v[1].kind, "ticket");
	ck_assert_int_eq(v[1].quantity, 2);
	ck_assert_int_eq(v[1].amount_minor, 200000);
	ck_assert_str_eq(v[1].currency, "KES");
	ck_assert_str_eq(v[1].provider, "stripe");
	ck_assert_str_eq(v[1].card_brand, "visa");
	ck_assert_str_eq(v[1].card_last4, "4242");
	ck_assert_str_eq(v[1].code, "");	/* the payment intent stays in */
	ck_assert_int_eq(v[1].paid_at, LF_T0 + 60);

	ck_assert_str_eq(v[2].title, "Nairobi Nights");
	ck_assert_str_eq(v[2].slug, "songs");
	ck_assert_str_eq(v[2].seller, "Amani Studio");
	ck_assert_str_eq(v[2].provider, "mpesa");
	ck_assert_str_eq(v[2].code, "QWE123RTY");
	ck_assert_str_eq(v[2].phone, LF_PHONE1);
	ck_assert_int_eq(v[2].amount_minor, 50000);
	ck_assert_int_eq(v[2].paid_at, LF_T0);
	ck_assert_int_eq(v[2].refunded_at, 0);
	receipt_list_free(v, n);

	/* The other buyer sees only their own; a creator without a display
	 * name is named by handle. */
	ck_assert_int_eq(receipt_list(db, 2, &v, &n), NY_OK);
	ck_assert_uint_eq(n, 1);
	ck_assert_int_eq(v[0].order_id, o7);
	ck_assert_str_eq(v[0].seller, "baraka");
	receipt_list_free(v, n);
	db_close(db);
	ny_clock_set(0);
}
END_TEST

START_TEST(history_empty)
{
	struct db *db = lf_open(NULL);
	struct receipt *v = (struct receipt *)1;
	size_t n = 7;

	ck_assert_int_eq(receipt_list(db, 2, &v, &n), NY_OK);
	ck_assert_uint_eq(n, 0);
	receipt_list_free(v, n);
	/* An order with no payment row (bought before payments were kept):
	 * listed, with no method. */
	lf_buy(db, 2, 1, 1);
	ck_assert_int_eq(receipt_list(db, 2, &v, &n), NY_OK);
	ck_assert_uint_eq(n, 1);
	ck_assert_str_eq(v[0].provider, "");
	ck_assert_str_eq(v[0].phone, LF_PHONE2);
	receipt_list_free(v, n);
	db_close(db);
	ny_clock_set(0);
}
END_TEST

START_TEST(receipt_own_only)
{
	struct db *db = lf_open(NULL);
	char ref1[ORDER_REF_LEN + 1], ref3[ORDER_REF_LEN + 1];
	struct receipt r;
	int64_t o1, o3;

	o1 = lf_buy(db, 1, 1, 1);
	rt_pay(db, o1, "mpesa", "paid", "QWE123RTY", NULL, NULL, LF_T0);
	o3 = lf_order(db, 1, 2, 1, "pending");
	rt_pay(db, o3, "mpesa", "pending", NULL, NULL, NULL, LF_T0);
	rt_ref(db, o1, ref1);
	rt_ref(db, o3, ref3);

	ck_assert_int_eq(receipt_get(db, 1, ref1, &r), NY_OK);
	ck_assert_int_eq(r.order_id, o1);
	ck_assert_str_eq(r.ref, ref1);
	ck_assert_str_eq(r.title, "Nairobi Nights");
	ck_assert_str_eq(r.seller, "Amani Studio");
	ck_assert_str_eq(r.code, "QWE123RTY");
	ck_assert_int_eq(r.status, RECEIPT_PAID);
	receipt_free(&r);
	ck_assert_ptr_null(r.title);

	/* Another buyer's order, an unknown ref and an unpaid order answer
	 * alike. */
	ck_assert_int_eq(receipt_get(db, 2, ref1, &r), NY_ENOTFOUND);
	ck_assert_ptr_null(r.title);
	ck_assert_int_eq(receipt_get(db, 1, "no-such-ref", &r), NY_ENOTFOUND);
	ck_assert_int_eq(receipt_get(db, 1, ref3, &r), NY_ENOTFOUND);
	ck_assert_int_eq(receipt_get(db, 1, "", &r), NY_ENOTFOUND);
	db_close(db);
	ny_clock_set(0);
}
END_TEST

START_TEST(refunds_shown)
{
	struct db *db = lf_open(NULL);
	struct ny_config cfg;
	struct refund_ask ask = { .actor = "test" };
	char ref1[ORDER_REF_LEN + 1], ref2[ORDER_REF_LEN + 1],
	    ref3[ORDER_REF_LEN + 1];
	struct refund out;
	struct receipt r;
	int64_t o1, o2, o3;

	memset(&cfg, 0, sizeof cfg);
	o1 = lf_buy(db, 1, 1, 1);
	rt_pay(db, o1, "sim", "paid", "SIM1", NULL, NULL, LF_T0);
	o2 = lf_buy(db, 1, 2, 1);
	rt_pay(db, o2, "stripe", "paid", "pi_x", "mastercard", "4444", LF_T0);
	o3 = lf_buy(db, 1, 4, 1);
	rt_pay(db, o3, "mpesa", "paid", "QWE123RTY", NULL, NULL, LF_T0);
	rt_ref(db, o1, ref1);
	rt_ref(db, o2, ref2);
	rt_ref(db, o3, ref3);

	/* A simulated refund is done at once, dated when it was done. */
	ny_clock_set(LF_T0 + 3600);
	ask.order_ref = ref1;
	ck_assert_int_eq(refund_order(db, &cfg, &ask, &out), NY_OK);
	ck_assert_str_eq(out.status, "done");
	ck_assert_int_eq(lf_scalar(db, "SELECT count(*) FROM refunds"
	    " WHERE status = 'done'"), 1);
	ny_clock_set(LF_T0 + 7200);
	ck_assert_int_eq(receipt_get(db, 1, ref1, &r), NY_OK);
	ck_assert_int_eq(r.status, RECEIPT_REFUNDED);
	ck_assert_int_eq(r.refunded_at, LF_T0 + 3600);
	ck_assert_int_eq(r.paid_at, LF_T0);
	receipt_free(&r);

	/* A refund asked but not answered yet (test-only SQL: the card
	 * provider's answer comes later). */
	rt_sql(db, "INSERT INTO refunds(order_id, payment_id, provider, how,"
	    " status, amount_minor, currency, actor, created_at, updated_at)"
	    " SELECT o.id, p.id, 'stripe', 'api', 'pending', o.amount_minor,"
	    " o.currency, 'test', 0, 0 FROM orders o JOIN payments p"
	    " ON p.order_id = o.id WHERE o.id = %lld", (long long)o2);
	ck_assert_int_eq(receipt_get(db, 1, ref2, &r), NY_OK);
	ck_assert_int_eq(r.status, RECEIPT_REFUNDING);
	ck_assert_int_eq(r.refunded_at, 0);
	ck_assert_str_eq(r.card_brand, "mastercard");
	receipt_free(&r);

	/* An order marked refunded with no refund row (none is written that
	 * way any more; kept for older data): dated by the order. */
	rt_sql(db, "UPDATE orders SET status = 'refunded', updated_at = %lld"
	    " WHERE id = %lld", (long long)(LF_T0 + 9000), (long long)o3);
	ck_assert_int_eq(receipt_get(db, 1, ref3, &r), NY_OK);
	ck_assert_int_eq(r.status, RECEIPT_REFUNDED);
	ck_assert_int_eq(r.refunded_at, LF_T0 + 9000);
	receipt_free(&r);
	db_close(db);
	ny_clock_set(0);
}
END_TEST

START_TEST(brand_names)
{
	char b[32], small[4];

	ck_assert_str_eq(receipt_brand_name("visa", b, sizeof b), "Visa");
	ck_assert_str_eq(receipt_brand_name("amex", b, sizeof b),
	    "American Express");
	ck_assert_str_eq(receipt_brand_name("mastercard", b, sizeof b),
	    "Mastercard");
	ck_assert_str_eq(receipt_brand_name("jcb", b, sizeof b), "JCB");
	ck_assert_str_eq(receipt_brand_name("discover", b, sizeof b),
	    "Discover");
	ck_assert_str_eq(receipt_brand_name("unknown", b, sizeof b), "");
	ck_assert_str_eq(receipt_brand_name("", b, sizeof b), "");
	ck_assert_str_eq(receipt_brand_name(NULL, b, sizeof b), "");
	ck_assert_str_eq(receipt_brand_name("visa", small, sizeof small),
	    "Vis");
}
END_TEST

static Suite *
receipt_suite(void)
{
	Suite *s = suite_create("receipt");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, history_lists_money_taken);
	tcase_add_test(tc, history_empty);
	tcase_add_test(tc, receipt_own_only);
	tcase_add_test(tc, refunds_shown);
	tcase_add_test(tc, brand_names);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return run_suite(receipt_suite());
}
