/*
 * test-refund.c: refunds (refund.h) per provider, and access ended by a
 * refund in every kind of product: the library item gone, downloads
 * refused, a subscription ended, a ticket refused at the door with its
 * seat back on sale; the buyer's message, the audit line and the event.
 * Stripe's refunds API is exercised against the fake in test-stripe.c.
 */
#include "library-fixture.h"
#include "audit.h"
#include "download.h"
#include "library.h"
#include "order.h"
#include "outbox.h"
#include "payment.h"
#include "refund.h"
#include "ticket.h"

/* Adds the paid payment of order id (provider prov, receipt rcpt). */
static void
pay_row(struct db *db, int64_t id, const char *prov, const char *rcpt)
{
	char *sql = xasprintf("INSERT INTO payments(order_id, provider, phone,"
	    " amount_minor, status, receipt, created_at, updated_at) SELECT"
	    " o.id, '%s', c.phone, o.amount_minor, 'paid', '%s', 0, 0 FROM"
	    " orders o JOIN customers c ON c.id = o.customer_id WHERE o.id ="
	    " %lld", prov, rcpt, (long long)id);

	ck_assert_int_eq(db_exec(db, sql), NY_OK);
	free(sql);
}

/* A paid, fulfilled order with its payment; returns its id, ref in ref. */
static int64_t
sale(struct db *db, int64_t customer, int64_t product, int qty,
    const char *prov, char ref[24])
{
	static int n;
	char rcpt[24];
	int64_t id = lf_buy(db, customer, product, qty);
	sqlite3_stmt *st;

	snprintf(rcpt, sizeof rcpt, "RCPT%06d", ++n);
	pay_row(db, id, prov, rcpt);
	st = db_stmt(db, "SELECT ref FROM orders WHERE id = ?");
	sqlite3_bind_int64(st, 1, id);
	ck_assert_int_eq(sqlite3_step(st), SQLITE_ROW);
	snprintf(ref, 24, "%s", (const char *)sqlite3_column_text(st, 0));
	sqlite3_reset(st);
	return id;
}

/* The status of order id is status: 1 or 0. */
static int
order_is(struct db *db, int64_t id, const char *status)
{
	sqlite3_stmt *st = db_stmt(db, "SELECT status FROM orders WHERE id = ?");
	int yes;

	sqlite3_bind_int64(st, 1, id);
	ck_assert_int_eq(sqlite3_step(st), SQLITE_ROW);
	yes = strcmp((const char *)sqlite3_column_text(st, 0), status) == 0;
	sqlite3_reset(st);
	return yes;
}

static enum ny_err
refund(struct db *db, const char *ref, int64_t creator, const char *code,
    struct refund *out)
{
	/* As the console and the CLI ask: creator 1's own handle, or the
	 * operator's "cli" for any creator's order. */
	struct refund_ask ask = { .order_ref = ref, .creator_id = creator,
	    .actor = creator > 0 ? "amani" : "cli",
	    .reason = "asked by buyer", .manual_code = code };
	static struct ny_config cfg;	/* no reversal API configured */

	return refund_order(db, &cfg, &ask, out);
}

/*
 * creator's lines in the console's audit viewer (audit_list_creator),
 * newest first, as "action actor,…", are want.
 */
static void
audit_is(struct db *db, int64_t creator, const char *want)
{
	struct audit_row *rows;
	char got[512];
	size_t n, i, k = 0;

	ck_assert_int_eq(audit_list_creator(db, creator, 0, 20, &rows, &n),
	    NY_OK);
	got[0] = '\0';
	for (i = 0; i < n && k < sizeof got; i++)
		k += (size_t)snprintf(got + k, sizeof got - k, "%s%s %s",
		    i ? "," : "", rows[i].action, rows[i].actor);
	free(rows);
	ck_assert_str_eq(got, want);
}

/* A sim refund of a download ends everything it bought, once. */
START_TEST(sim_download_access_ends)
{
	struct db *db = lf_open(NULL);
	struct dl_grant g;
	struct refund r;
	char ref[24];
	int64_t o = sale(db, 1, 1, 1, "sim", ref);

	ck_assert_int_eq(refund_possible(db, o), 1);
	ck_assert_int_eq(download_authorize(db, 1, 1, LF_T0, &g), NY_OK);
	ck_assert_int_eq(refund(db, ref, 1, NULL, &r), NY_OK);
	ck_assert_str_eq(r.status, "done");
	ck_assert_str_eq(r.how, "sim");
	ck_assert_str_eq(r.actor, "amani");
	ck_assert_int_eq(r.amount_minor, 50000);
	ck_assert_int_gt(r.done_at, 0);
	ck_assert_str_eq(r.order_ref, ref);
	ck_assert_int_eq(order_is(db, o, "refunded"), 1);
	ck_assert_int_eq(download_authorize(db, 1, 1, LF_T0, &g), NY_EDENIED);
	ck_assert_int_eq(download_lookup(db, g.entitlement_id, 1, LF_T0, &g),
	    NY_EDENIED);
	/* The buyer is told in their language (customer 1: sw), once. */
	ck_assert_int_eq(lf_scalar(db, "SELECT count(*) FROM messages WHERE"
	    " kind = 'refund' AND locale = 'sw' AND body LIKE '%yamerejeshwa%'"
	    " AND to_phone = '" LF_PHONE1 "'"), 1);
	audit_is(db, 1, "order.refund creator:amani,"
	    "order.refund.request creator:amani");
	/* Never twice. */
	ck_assert_int_eq(refund_possible(db, o), 0);
	ck_assert_int_eq(refund(db, ref, 1, NULL, &r), NY_ESTATE);
	ck_assert_int_eq(lf_scalar(db, "SELECT count(*) FROM refunds"), 1);
	ck_assert_int_eq(lf_scalar(db, "SELECT count(*) FROM messages WHERE"
	    " kind = 'refund'"), 1);
	db_close(db);
}
END_TEST

/* Subscription ended, webinar gone, ticket refused with its seats back. */
START_TEST(every_kind_ends)
{
	struct db *db = lf_open(NULL);
	struct library lib;
	struct ticket_checkin tc;
	struct refund r;
	char sub[24], web[24], tik[24], code[TICKET_CODE_MAX];
	int64_t left0, left, tid;
	sqlite3_stmt *st;

	sale(db, 2, 2, 1, "sim", sub);
	sale(db, 2, 4, 1, "sim", web);
	ck_assert_int_eq(order_seats_left(db, 3, &left0), NY_OK);
	tid = sale(db, 2, 3, 2, "sim", tik);
	ck_assert_int_eq(order_seats_left(db, 3, &left), NY_OK);
	ck_assert_int_eq(left, left0 - 2);
	ck_assert_int_eq(library_items(db, 2, LF_T0, &lib), NY_OK);
	ck_assert_uint_eq(lib.nitems, 3);
	library_free(&lib);

	ck_assert_int_eq(refund(db, sub, 1, NULL, &r), NY_OK);
	ck_assert_int_eq(refund(db, web, 1, NULL, &r), NY_OK);
	ck_assert_int_eq(refund(db, tik, 1, NULL, &r), NY_OK);
	/* Nothing left active: each item says refunded, with no files or
	 * join link. */
	ck_assert_int_eq(library_items(db, 2, LF_T0, &lib), NY_OK);
	for (size_t i = 0; i < lib.nitems; i++) {
		ck_assert_int_eq(lib.items[i].state, LIB_REFUNDED);
		ck_assert_ptr_null(lib.items[i].join_url);
		ck_assert_uint_eq(lib.items[i].nfiles, 0);
	}
	library_free(&lib);
	/* The seats are back on sale. */
	ck_assert_int_eq(order_seats_left(db, 3, &left), NY_OK);
	ck_assert_int_eq(left, left0);
	/* Both tickets say REFUNDED at the door, never VALID. */
	st = db_stmt(db, "SELECT code_sealed, code FROM tickets"
	    " WHERE order_id = ?");
	sqlite3_bind_int64(st, 1, tid);
	while (sqlite3_step(st) == SQLITE_ROW) {
		ck_assert_int_eq(ticket_code_reveal(
		    (const char *)sqlite3_column_text(st, 1),
		    sqlite3_column_blob(st, 0), sqlite3_column_bytes(st, 0),
		    code), NY_OK);
		ck_assert_int_eq(ticket_check_in(db, code, 1, LF_T0, &tc),
		    NY_OK);
		ck_assert_int_eq(tc.status, TICKET_REFUNDED);
	}
	sqlite3_reset(st);
	ck_assert_int_eq(lf_scalar(db, "SELECT count(*) FROM tickets WHERE"
	    " checked_in_at IS NOT NULL"), 0);
	ck_assert_int_eq(lf_scalar(db, "SELECT count(*) FROM messages WHERE"
	    " kind = 'refund' AND locale = 'en'"), 3);
	db_close(db);
}
END_TEST

/* Who may refund what, and what cannot be refunded. */
START_TEST(refusals)
{
	struct db *db = lf_open(NULL);
	struct refund r;
	char ref[24];
	int64_t pend;

	sale(db, 1, 5, 1, "sim", ref);		/* creator 2's product */
	ck_assert_int_eq(refund(db, ref, 1, NULL, &r), NY_ENOTFOUND);
	ck_assert_int_eq(refund(db, "NOPE", 0, NULL, &r), NY_ENOTFOUND);
	/* A code for a sim payment is refused. */
	ck_assert_int_eq(refund(db, ref, 2, "QK12ABCDEF", &r), NY_EINVAL);
	ck_assert_int_eq(refund(db, ref, 0, NULL, &r), NY_OK);	/* the CLI */
	/* The operator's refund is in the product's creator's viewer, as the
	 * operator's: not as if baraka had done it, nor in amani's. */
	audit_is(db, 2, "order.refund cli,order.refund.request cli");
	audit_is(db, 1, "");
	/* An order not paid. */
	pend = lf_order(db, 2, 1, 1, "pending");
	ck_assert_int_eq(db_exec(db, "INSERT INTO payments(order_id, provider,"
	    " phone, amount_minor, status, created_at, updated_at) SELECT id,"
	    " 'sim', '" LF_PHONE2 "', amount_minor, 'pending', 0, 0 FROM orders"
	    " WHERE status = 'pending'"), NY_OK);
	ck_assert_int_eq(refund_possible(db, pend), 0);
	ck_assert_int_eq(lf_scalar(db, "SELECT count(*) FROM refunds"), 1);
	db_close(db);
}
END_TEST

/*
 * A cart paid once (order_create, then payment_settle): creator 1's
 * download, subscription and 2 tickets, and creator 2's ticket. Returns
 * the order id, its ref in ref.
 */
static int64_t
cart_sale(struct db *db, char ref[24])
{
	const struct order_line_new lines[] = {
		{ .product_id = 1, .quantity = 1 },
		{ .product_id = 2, .quantity = 1 },
		{ .product_id = 3, .quantity = 2 },
		{ .product_id = 5, .quantity = 1 },
	};
	struct order_new in = { .lines = lines, .nlines = 4,
	    .phone = LF_PHONE2, .locale = "en", .provider = "sim" };
	struct pay_result paid = { .outcome = PAY_PAID, .receipt = "CART1",
	    .amount_minor = 50000 + 20000 + 200000 + 100, .desc = "ok" };
	struct order o;
	int changed = 0;

	ck_assert_int_eq(order_create(db, &in, &o, NULL), NY_OK);
	ck_assert_int_eq(o.amount_minor, paid.amount_minor);
	ck_assert_int_eq(payment_settle(db, o.payment_id, NULL, &paid,
	    &changed), NY_OK);
	ck_assert_int_eq(changed, 1);
	snprintf(ref, 24, "%s", o.ref);
	return o.id;
}

/* A multi-line order is refunded whole: every line's access ends. */
START_TEST(cart_refund_revokes_every_line)
{
	struct db *db = lf_open(NULL);
	struct library lib;
	struct refund r;
	char ref[24];
	int64_t left3, left5, l3, l5, o;

	ck_assert_int_eq(order_seats_left(db, 3, &left3), NY_OK);
	ck_assert_int_eq(order_seats_left(db, 5, &left5), NY_OK);
	o = cart_sale(db, ref);
	ck_assert_int_eq(lf_scalar(db, "SELECT count(*) FROM entitlements"
	    " WHERE revoked_at IS NULL"), 4);
	ck_assert_int_eq(lf_scalar(db, "SELECT count(*) FROM tickets"), 3);
	ck_assert_int_eq(order_seats_left(db, 3, &l3), NY_OK);
	ck_assert_int_eq(l3, left3 - 2);
	/* Lines of two creators: neither may refund it from the console,
	 * and the refusal names the operator's way. */
	ck_assert_int_eq(refund(db, ref, 1, NULL, &r), NY_EDENIED);
	ck_assert_int_eq(refund(db, ref, 2, NULL, &r), NY_EDENIED);
	ck_assert_int_eq(lf_scalar(db, "SELECT count(*) FROM refunds"), 0);
	ck_assert_int_eq(order_is(db, o, "paid"), 1);
	/* The operator refunds the whole order: one refund of the total. */
	ck_assert_int_eq(refund(db, ref, 0, NULL, &r), NY_OK);
	ck_assert_str_eq(r.status, "done");
	ck_assert_int_eq(r.amount_minor, 270100);
	ck_assert_int_eq(lf_scalar(db, "SELECT count(*) FROM refunds"), 1);
	ck_assert_int_eq(order_is(db, o, "refunded"), 1);
	ck_assert_int_eq(lf_scalar(db, "SELECT count(*) FROM entitlements"
	    " WHERE revoked_at IS NULL"), 0);
	ck_assert_int_eq(library_items(db, 2, LF_T0, &lib), NY_OK);
	ck_assert_uint_eq(lib.nitems, 4);
	for (size_t i = 0; i < lib.nitems; i++)
		ck_assert_int_eq(lib.items[i].state, LIB_REFUNDED);
	library_free(&lib);
	/* Seats of both events back on sale. */
	ck_assert_int_eq(order_seats_left(db, 3, &l3), NY_OK);
	ck_assert_int_eq(order_seats_left(db, 5, &l5), NY_OK);
	ck_assert_int_eq(l3, left3);
	ck_assert_int_eq(l5, left5);
	/* One message, and each creator's viewer has the refund. */
	ck_assert_int_eq(lf_scalar(db, "SELECT count(*) FROM messages WHERE"
	    " kind = 'refund' AND body LIKE '%Nairobi Nights +3%'"), 1);
	audit_is(db, 2, "order.refund cli");
	ck_assert_int_eq(refund(db, ref, 0, NULL, &r), NY_ESTATE);
	db_close(db);
}
END_TEST

/* The newest audit line of creator in their viewer has want in detail. */
static void
audit_detail_has(struct db *db, int64_t creator, const char *want)
{
	struct audit_row *rows;
	size_t n;

	ck_assert_int_eq(audit_list_creator(db, creator, 0, 20, &rows, &n),
	    NY_OK);
	ck_assert_uint_ge(n, 1);
	ck_assert_msg(strstr(rows[0].detail, want) != NULL, "%s: no %s",
	    rows[0].detail, want);
	free(rows);
}

/*
 * A cart of two creators with an email: the address is the customer's
 * only once paid; each creator's Messages list shows the cart's messages
 * (receipt, refund, their email twins) without body, address or the
 * phone, so no other creator's title and no total; each creator's audit
 * line of the refund says their share. A one-creator order's messages
 * stay whole for that creator.
 */
START_TEST(cart_two_creators_messages_hidden)
{
	struct db *db = lf_open(NULL);
	const struct order_line_new lines[] = {
		{ .product_id = 1, .quantity = 1 },	/* amani 500.00 */
		{ .product_id = 5, .quantity = 1 },	/* baraka 1.00 */
	};
	struct order_new in = { .lines = lines, .nlines = 2,
	    .phone = LF_PHONE2, .locale = "en", .provider = "sim",
	    .email = "buyer@example.com" };
	struct pay_result paid = { .outcome = PAY_PAID, .receipt = "CART3",
	    .amount_minor = 50100, .desc = "ok" };
	struct outbox_row *rows;
	struct refund r;
	struct order o;
	size_t n, i;
	int64_t c;

	ck_assert_int_eq(order_create(db, &in, &o, NULL), NY_OK);
	/* Pending: the order keeps the address, the customer not yet. */
	ck_assert_int_eq(lf_scalar(db, "SELECT count(*) FROM orders WHERE"
	    " email = 'buyer@example.com'"), 1);
	ck_assert_int_eq(lf_scalar(db, "SELECT count(*) FROM customers WHERE"
	    " email IS NOT NULL"), 0);
	ck_assert_int_eq(payment_settle(db, o.payment_id, NULL, &paid, NULL),
	    NY_OK);
	ck_assert_int_eq(lf_scalar(db, "SELECT count(*) FROM customers WHERE"
	    " id = 2 AND email = 'buyer@example.com'"), 1);
	ck_assert_int_eq(refund(db, o.ref, 0, NULL, &r), NY_OK);
	/* The stored receipt names both lines and the total ... */
	ck_assert_int_eq(lf_scalar(db, "SELECT count(*) FROM messages WHERE"
	    " kind = 'receipt' AND body LIKE '%Nairobi Nights%'"
	    " AND body LIKE '%Other%' AND body LIKE '%501%'"), 2);
	ck_assert_int_eq(lf_scalar(db, "SELECT count(*) FROM messages WHERE"
	    " channel = 'email'"), 2);
	/* ... which neither creator reads. */
	for (c = 1; c <= 2; c++) {
		ck_assert_int_eq(outbox_list_creator(db, c, NULL, 10, &rows,
		    &n), NY_OK);
		ck_assert_uint_eq(n, 4);	/* receipt, refund; ×2 */
		for (i = 0; i < n; i++) {
			ck_assert_int_eq(rows[i].others, 1);
			ck_assert_ptr_null(rows[i].body);
			ck_assert_str_eq(rows[i].to_email, "");
			ck_assert_str_eq(rows[i].to_phone, "111");
			ck_assert_str_eq(rows[i].last_error, "");
		}
		ck_assert_str_eq(rows[0].kind, "refund");
		outbox_rows_free(rows, n);
	}
	/* Their own share in each audit line, the total in none. */
	audit_detail_has(db, 1, "500.00");
	audit_detail_has(db, 2, "1.00");
	ck_assert_int_eq(lf_scalar(db, "SELECT count(*) FROM audit_log WHERE"
	    " action = 'order.refund' AND detail LIKE '%501%'"), 0);
	/* Retry still works on a hidden row. */
	ck_assert_int_eq(db_exec(db, "UPDATE messages SET status = 'failed',"
	    " last_error = 'x buyer@example.com'"), NY_OK);
	ck_assert_int_eq(outbox_list_creator(db, 1, "failed", 10, &rows, &n),
	    NY_OK);
	ck_assert_uint_eq(n, 4);
	ck_assert_str_eq(rows[0].last_error, "");
	ck_assert_int_eq(outbox_retry(db, rows[0].id, LF_T0), NY_OK);
	outbox_rows_free(rows, n);
	/* An order of creator 1 alone: its message is whole for them. */
	lf_buy(db, 1, 1, 1);
	ck_assert_int_eq(outbox_list_creator(db, 1, NULL, 10, &rows, &n),
	    NY_OK);
	ck_assert_uint_eq(n, 5);
	ck_assert_int_eq(rows[0].others, 0);
	ck_assert_str_eq(rows[0].to_phone, LF_PHONE1);
	ck_assert_ptr_nonnull(rows[0].body);
	ck_assert_ptr_nonnull(strstr(rows[0].body, "Nairobi Nights"));
	outbox_rows_free(rows, n);
	ck_assert_int_eq(outbox_list_creator(db, 2, NULL, 10, &rows, &n),
	    NY_OK);
	ck_assert_uint_eq(n, 4);
	outbox_rows_free(rows, n);
	db_close(db);
}
END_TEST

/* A creator's console refunds a cart that is all theirs. */
START_TEST(cart_of_one_creator_refunded_by_them)
{
	struct db *db = lf_open(NULL);
	const struct order_line_new lines[] = {
		{ .product_id = 1, .quantity = 1 },
		{ .product_id = 3, .quantity = 1 },
	};
	struct order_new in = { .lines = lines, .nlines = 2,
	    .phone = LF_PHONE1, .locale = "sw", .provider = "sim" };
	struct pay_result paid = { .outcome = PAY_PAID, .receipt = "CART2",
	    .amount_minor = 150000, .desc = "ok" };
	struct refund r;
	struct order o;

	ck_assert_int_eq(order_create(db, &in, &o, NULL), NY_OK);
	ck_assert_int_eq(payment_settle(db, o.payment_id, NULL, &paid, NULL),
	    NY_OK);
	ck_assert_int_eq(refund(db, o.ref, 2, NULL, &r), NY_ENOTFOUND);
	ck_assert_int_eq(refund(db, o.ref, 1, NULL, &r), NY_OK);
	ck_assert_int_eq(r.amount_minor, 150000);
	ck_assert_int_eq(lf_scalar(db, "SELECT count(*) FROM entitlements"
	    " WHERE revoked_at IS NULL"), 0);
	db_close(db);
}
END_TEST

/* M-Pesa without the reversal API: the creator sends the money back. */
START_TEST(mpesa_by_hand)
{
	struct db *db = lf_open(NULL);
	struct refund r;
	char ref[24];
	int64_t o = sale(db, 1, 1, 1, "mpesa", ref);

	ck_assert_int_eq(refund(db, ref, 1, NULL, &r), NY_ENOTSUP);
	ck_assert_int_eq(refund(db, ref, 1, "qk12abcdef", &r), NY_EINVAL);
	ck_assert_int_eq(refund(db, ref, 1, "QK12ABC", &r), NY_EINVAL);
	ck_assert_int_eq(lf_scalar(db, "SELECT count(*) FROM refunds"), 0);
	ck_assert_int_eq(refund_possible(db, o), 1);
	ck_assert_int_eq(refund(db, ref, 1, "QK12ABCDEF", &r), NY_OK);
	ck_assert_str_eq(r.status, "done");
	ck_assert_str_eq(r.how, "hand");
	ck_assert_str_eq(r.manual_code, "QK12ABCDEF");
	ck_assert_int_eq(lf_scalar(db, "SELECT count(*) FROM audit_log WHERE"
	    " action = 'order.refund' AND detail LIKE '%code=QK12ABCDEF%'"), 1);
	ck_assert_int_eq(refund_by_order(db, o, &r), NY_OK);
	ck_assert_str_eq(r.manual_code, "QK12ABCDEF");
	/* The buyer's message names the M-Pesa transaction. */
	ck_assert_int_eq(lf_scalar(db, "SELECT count(*) FROM messages WHERE"
	    " kind = 'refund' AND body LIKE '%muamala QK12ABCDEF%'"), 1);
	db_close(db);
}
END_TEST

/* Paid after the seats were gone (late_refund): refundable, then refunded. */
START_TEST(late_refund_order)
{
	struct db *db = lf_open(NULL);
	struct refund r;
	int64_t o = lf_order(db, 1, 3, 1, "expired");

	ck_assert_int_eq(db_exec(db, "UPDATE orders SET failure = 'late_refund',"
	    " ref = 'LATE1'"), NY_OK);
	pay_row(db, o, "sim", "RLATE1");
	ck_assert_int_eq(refund_possible(db, o), 1);
	ck_assert_int_eq(refund(db, "LATE1", 1, NULL, &r), NY_OK);
	ck_assert_str_eq(r.status, "done");
	ck_assert_int_eq(lf_scalar(db, "SELECT count(*) FROM orders WHERE"
	    " status = 'refunded'"), 1);
	db_close(db);
}
END_TEST

/* An asynchronous result (Daraja's reversal): applied once, or failed and
 * asked again on the same row. */
START_TEST(async_result)
{
	struct db *db = lf_open(NULL);
	struct refund r;
	char ref[24];
	int changed = -1;
	int64_t o = sale(db, 1, 1, 1, "mpesa", ref);

	/* A pending API refund as refund_order leaves it after Daraja
	 * accepted the request. */
	ck_assert_int_eq(order_is(db, o, "paid"), 1);
	ck_assert_int_eq(db_exec(db, "INSERT INTO refunds(order_id, payment_id,"
	    " provider, how, amount_minor, currency, actor, provider_ref,"
	    " attempts, created_at, updated_at) SELECT o.id, y.id, 'mpesa',"
	    " 'api', o.amount_minor, o.currency, 'amani', 'AG_REV_1', 1, 1900000000,"
	    " 1900000000"
	    " FROM orders"
	    " o JOIN payments y ON y.order_id = o.id"), NY_OK);
	ck_assert_int_eq(refund_possible(db, o), 0);
	ck_assert_int_eq(refund_result(db, "AG_OTHER", 1, NULL, NULL, &changed),
	    NY_ENOTFOUND);
	ck_assert_int_eq(refund_result(db, "AG_REV_1", 0, "insufficient funds",
	    "{\"r\":1}", &changed), NY_OK);
	ck_assert_int_eq(changed, 1);
	ck_assert_int_eq(refund_by_order(db, o, &r), NY_OK);
	ck_assert_str_eq(r.status, "failed");
	ck_assert_str_eq(r.error, "insufficient funds");
	/* A repeat of the failure changes nothing; the order is still paid
	 * and may be refunded again (the same row). */
	ck_assert_int_eq(refund_result(db, "AG_REV_1", 0, "insufficient funds",
	    NULL, &changed), NY_OK);
	ck_assert_int_eq(changed, 0);
	ck_assert_int_eq(refund_possible(db, o), 1);
	ck_assert_int_eq(refund(db, ref, 1, "QK12ABCDEF", &r), NY_OK);
	ck_assert_str_eq(r.status, "done");
	ck_assert_int_eq(lf_scalar(db, "SELECT attempts FROM refunds"), 2);
	ck_assert_int_eq(lf_scalar(db, "SELECT count(*) FROM refunds"), 1);
	db_close(db);
}
END_TEST

/* A success that comes for a refund marked failed (its answer lost, a
 * timeout notice first) ends it: the money is back. */
START_TEST(late_success_after_failure)
{
	struct db *db = lf_open(NULL);
	struct refund r;
	char ref[24];
	int changed = -1;
	int64_t o = sale(db, 1, 1, 1, "mpesa", ref);

	ck_assert_int_eq(db_exec(db, "INSERT INTO refunds(order_id, payment_id,"
	    " provider, how, status, amount_minor, currency, actor, provider_ref,"
	    " error, attempts, created_at, updated_at) SELECT o.id, y.id,"
	    " 'mpesa', 'api', 'failed', o.amount_minor, o.currency, 'amani',"
	    " 'AG_REV_3', 'timed out', 1, 0, 0 FROM orders o JOIN payments y"
	    " ON y.order_id = o.id"), NY_OK);
	ck_assert_int_eq(refund_result(db, "AG_REV_3", 1, NULL, "{}", &changed),
	    NY_OK);
	ck_assert_int_eq(changed, 1);
	ck_assert_int_eq(refund_by_order(db, o, &r), NY_OK);
	ck_assert_str_eq(r.status, "done");
	ck_assert_str_eq(r.error, "");
	ck_assert_int_eq(order_is(db, o, "refunded"), 1);
	/* A late failure after that changes nothing. */
	ck_assert_int_eq(refund_result(db, "AG_REV_3", 0, "x", NULL, &changed),
	    NY_OK);
	ck_assert_int_eq(changed, 0);
	db_close(db);
}
END_TEST

/* A refund pending too long may be asked again through the API, never
 * by hand (the first may still send the money). */
START_TEST(stale_pending_asked_again)
{
	struct db *db = lf_open(NULL);
	struct refund r;
	char ref[24];
	int64_t o = sale(db, 1, 1, 1, "sim", ref);

	ck_assert_int_eq(db_exec(db, "INSERT INTO refunds(order_id, payment_id,"
	    " provider, how, amount_minor, currency, actor, attempts,"
	    " created_at, updated_at) SELECT o.id, y.id, 'sim', 'sim',"
	    " o.amount_minor, o.currency, 'amani', 1, 0, 0 FROM orders o"
	    " JOIN payments y ON y.order_id = o.id"), NY_OK);
	ck_assert_int_eq(db_exec(db, "UPDATE refunds SET updated_at ="
	    " strftime('%s', 'now')"), NY_OK);
	ny_clock_set(0);
	ck_assert_int_eq(refund_possible(db, o), 0);
	ck_assert_int_eq(refund(db, ref, 1, NULL, &r), NY_ESTATE);
	ny_clock_set(ny_now() + REFUND_STALE_S + 1);
	ck_assert_int_eq(refund_possible(db, o), 1);
	ck_assert_int_eq(refund(db, ref, 1, "QK12ABCDEF", &r), NY_ESTATE);
	ck_assert_int_eq(refund(db, ref, 1, NULL, &r), NY_OK);
	ck_assert_str_eq(r.status, "done");
	ck_assert_int_eq(r.attempts, 2);
	ck_assert_int_eq(lf_scalar(db, "SELECT count(*) FROM refunds"), 1);
	ny_clock_set(0);
	db_close(db);
}
END_TEST

/* A success result ends access; a repeat changes nothing. */
START_TEST(async_success_once)
{
	struct db *db = lf_open(NULL);
	char ref[24];
	int changed = -1;

	sale(db, 1, 2, 1, "mpesa", ref);
	ck_assert_int_eq(db_exec(db, "INSERT INTO refunds(order_id, payment_id,"
	    " provider, how, amount_minor, currency, actor, provider_ref,"
	    " created_at, updated_at) SELECT o.id, y.id, 'mpesa', 'api',"
	    " o.amount_minor, o.currency, 'amani', 'AG_REV_2', 0, 0 FROM orders"
	    " o JOIN payments y ON y.order_id = o.id"), NY_OK);
	ck_assert_int_eq(refund_result(db, "AG_REV_2", 1, NULL, "{}", &changed),
	    NY_OK);
	ck_assert_int_eq(changed, 1);
	ck_assert_int_eq(refund_result(db, "AG_REV_2", 1, NULL, "{}", &changed),
	    NY_OK);
	ck_assert_int_eq(changed, 0);
	ck_assert_int_eq(lf_scalar(db, "SELECT count(*) FROM entitlements WHERE"
	    " revoked_at IS NULL"), 0);
	ck_assert_int_eq(lf_scalar(db, "SELECT count(*) FROM messages WHERE"
	    " kind = 'refund'"), 1);
	db_close(db);
}
END_TEST

/* A refund made at the provider (Stripe's dashboard → charge.refunded). */
START_TEST(provider_side_refund)
{
	struct db *db = lf_open(NULL);
	struct refund r;
	char ref[24];
	int changed = -1;
	int64_t o = sale(db, 2, 1, 1, "stripe", ref);

	ck_assert_int_eq(db_exec(db, "UPDATE payments SET receipt = 'pi_123'"),
	    NY_OK);
	ck_assert_int_eq(refund_by_provider(db, "stripe", "pi_nope", NULL, NULL,
	    &changed), NY_ENOTFOUND);
	ck_assert_int_eq(refund_by_provider(db, "mpesa", "pi_123", NULL, NULL,
	    &changed), NY_ENOTFOUND);
	ck_assert_int_eq(refund_by_provider(db, "stripe", "pi_123", "re_1",
	    "{\"id\":\"evt\"}", &changed), NY_OK);
	ck_assert_int_eq(changed, 1);
	ck_assert_int_eq(refund_by_order(db, o, &r), NY_OK);
	ck_assert_str_eq(r.status, "done");
	ck_assert_str_eq(r.actor, "stripe");
	ck_assert_str_eq(r.provider_ref, "re_1");
	audit_is(db, 1, "order.refund stripe");
	ck_assert_int_eq(order_is(db, o, "refunded"), 1);
	ck_assert_int_eq(refund_by_provider(db, "stripe", "pi_123", "re_1",
	    NULL, &changed), NY_OK);
	ck_assert_int_eq(changed, 0);
	ck_assert_int_eq(lf_scalar(db, "SELECT count(*) FROM messages WHERE"
	    " kind = 'refund' AND body LIKE '%to your card%'"), 1);
	db_close(db);
}
END_TEST

static Suite *
refund_suite(void)
{
	Suite *s = suite_create("refund");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, sim_download_access_ends);
	tcase_add_test(tc, every_kind_ends);
	tcase_add_test(tc, refusals);
	tcase_add_test(tc, cart_two_creators_messages_hidden);
	tcase_add_test(tc, mpesa_by_hand);
	tcase_add_test(tc, late_refund_order);
	tcase_add_test(tc, async_result);
	tcase_add_test(tc, async_success_once);
	tcase_add_test(tc, late_success_after_failure);
	tcase_add_test(tc, stale_pending_asked_again);
	tcase_add_test(tc, provider_side_refund);
	tcase_add_test(tc, cart_refund_revokes_every_line);
	tcase_add_test(tc, cart_of_one_creator_refunded_by_them);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return run_suite(refund_suite());
}
