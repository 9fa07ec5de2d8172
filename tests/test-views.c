/*
 * test-views: what the console's Dashboard, Products and Check-in show
 * beside their lists. The chart's arithmetic (axis top and labels, bar
 * width, date ticks that never overlap, the selection) and its drawing
 * in a real curses window (axes, dates, the selected bar's mark, '#'
 * on vt100); the counts the screens read: a ticket's seats left (the
 * same as the storefront's), a subscription's live subscribers, an
 * event's checked-in tickets and the masked holder at the door, and an
 * automation's sent and pending messages from the outbox.
 */
#include <check.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../tui/screen-automations.h"
#include "../tui/ui.h"
#include "automation.h"
#include "catalog.h"
#include "library-fixture.h"
#include "outbox.h"
#include "product.h"
#include "ticket.h"

START_TEST(chart_top)
{
	/* Round tops whose half is round too, in minor units. */
	ck_assert_int_eq(ui_chart_top(0, 2), 100);
	ck_assert_int_eq(ui_chart_top(-5, 2), 100);
	ck_assert_int_eq(ui_chart_top(1, 2), 100);
	ck_assert_int_eq(ui_chart_top(100, 2), 100);
	ck_assert_int_eq(ui_chart_top(101, 2), 200);
	ck_assert_int_eq(ui_chart_top(250, 2), 400);
	ck_assert_int_eq(ui_chart_top(160000, 2), 200000);	/* KES 1,600 */
	ck_assert_int_eq(ui_chart_top(500001, 2), 600000);
	ck_assert_int_eq(ui_chart_top(8000, 0), 8000);	/* UGX */
	ck_assert_int_eq(ui_chart_top(8001, 0), 10000);
	ck_assert_int_eq(ui_chart_top(INT64_C(1) << 50, 2),
	    INT64_C(2000000000000000));
}
END_TEST

START_TEST(chart_amounts)
{
	char buf[32];

	ui_chart_amount(0, 2, buf, sizeof buf);
	ck_assert_str_eq(buf, "0");
	ui_chart_amount(50, 2, buf, sizeof buf);		/* 0.50 */
	ck_assert_str_eq(buf, "0.5");
	ui_chart_amount(40000, 2, buf, sizeof buf);
	ck_assert_str_eq(buf, "400");
	ui_chart_amount(150000, 2, buf, sizeof buf);
	ck_assert_str_eq(buf, "1.5k");
	ui_chart_amount(2000000, 2, buf, sizeof buf);
	ck_assert_str_eq(buf, "20k");
	ui_chart_amount(1234567, 0, buf, sizeof buf);	/* rounded down */
	ck_assert_str_eq(buf, "1.2M");
	ui_chart_amount(250000000, 0, buf, sizeof buf);
	ck_assert_str_eq(buf, "250M");
	ui_chart_amount(INT64_C(100000000000), 2, buf, sizeof buf);
	ck_assert_str_eq(buf, "1B");
	ui_chart_amount(-300, 2, buf, sizeof buf);
	ck_assert_str_eq(buf, "0");
}
END_TEST

/* 30 days at 80 columns get two columns a bar, three at 120. */
START_TEST(chart_widths)
{
	ck_assert_int_eq(ui_chart_bar_width(80 - 4 - 6, 30), 2);
	ck_assert_int_eq(ui_chart_bar_width(120 - 4 - 6, 30), 3);
	ck_assert_int_eq(ui_chart_bar_width(20, 30), 1);
	ck_assert_int_eq(ui_chart_bar_width(30, 30), 1);
	ck_assert_int_eq(ui_chart_bar_width(1000, 30), 4);
	ck_assert_int_eq(ui_chart_bar_width(10, 0), 1);
}
END_TEST

/* Labels never overlap, end within the room, the last day included when
 * it fits; a week apart when bars are narrow. */
START_TEST(chart_ticks)
{
	int at[64], n, i, bw, lw, room;

	n = ui_chart_ticks(30, 2, 6, 70, at, 64);
	ck_assert_int_eq(n, 5);
	ck_assert_int_eq(at[0], 1);
	ck_assert_int_eq(at[4], 29);
	for (i = 1; i < n; i++)
		ck_assert_int_eq(at[i] - at[i - 1], 7);
	/* Today's label would pass the edge: left out, not cut. */
	n = ui_chart_ticks(30, 2, 6, 60, at, 64);
	ck_assert_int_eq(n, 4);
	ck_assert_int_eq(at[3], 22);
	/* Every width: no overlap, nothing past the room. */
	for (bw = 1; bw <= 4; bw++)
		for (lw = 1; lw <= 8; lw++)
			for (room = 0; room <= 140; room += 7) {
				n = ui_chart_ticks(30, bw, lw, room, at, 64);
				for (i = 0; i < n; i++) {
					ck_assert_int_le(at[i] * bw + lw, room);
					if (i > 0)
						ck_assert_int_ge((at[i] -
						    at[i - 1]) * bw, lw + 1);
				}
			}
	/* Wide bars: every other day. */
	n = ui_chart_ticks(30, 4, 6, 200, at, 64);
	ck_assert_int_eq(n, 15);
	ck_assert_int_eq(at[n - 1], 29);
	ck_assert_int_eq(ui_chart_ticks(0, 2, 6, 70, at, 64), 0);
	ck_assert_int_eq(ui_chart_ticks(30, 2, 6, 70, at, 2), 2);
}
END_TEST

START_TEST(chart_selection)
{
	ck_assert_int_eq(ui_chart_move(29, 1, 30), 29);
	ck_assert_int_eq(ui_chart_move(29, -1, 30), 28);
	ck_assert_int_eq(ui_chart_move(0, -1, 30), 0);
	ck_assert_int_eq(ui_chart_move(5, 100, 30), 29);
	ck_assert_int_eq(ui_chart_move(0, 1, 0), -1);
}
END_TEST

/* "D3" for bar i: short enough to test the ticks' placement. */
static void
test_label(void *arg, int i, char *buf, size_t len)
{
	(void)arg;
	snprintf(buf, len, "D%d", i + 1);
}

/* Row y of w as text (ASCII cells only). */
static const char *
row_text(WINDOW *w, int y)
{
	static char buf[256];

	mvwinnstr(w, y, 0, buf, getmaxx(w) < 255 ? getmaxx(w) : 255);
	return buf;
}

/*
 * The chart in a curses window on vt100 ('#'): the top and half labels
 * on the y axis, 0 at the corner, the dates under their ticks, the
 * selected bar marked with '^', and bars as tall as their values.
 */
START_TEST(chart_draw_vt100)
{
	FILE *out = fopen("/dev/null", "w"), *in = fopen("/dev/null", "r");
	SCREEN *scr;
	WINDOW *w;
	int64_t v[10] = { 0, 0, 50000, 0, 0, 0, 0, 0, 0, 100000 };
	struct ui_chart c;
	const char *r;

	ck_assert_ptr_nonnull(out);
	scr = newterm("vt100", out, in);
	ck_assert_ptr_nonnull(scr);
	w = newwin(10, 60, 0, 0);
	memset(&c, 0, sizeof c);
	c.v = v;
	c.n = 10;
	c.sel = 2;
	c.exponent = 2;
	c.ascii = 1;
	c.label = test_label;
	/* 10 rows: 8 of bars, the axis, the dates; top KES 1,000. */
	ui_chart_draw(w, 0, 0, 10, 60, &c);
	r = row_text(w, 0);
	ck_assert_msg(strncmp(r, " 1k +", 5) == 0, "top row: '%s'", r);
	r = row_text(w, 4);
	ck_assert_msg(strncmp(r, "500 +", 5) == 0, "half row: '%s'", r);
	r = row_text(w, 8);
	ck_assert_msg(strncmp(r, "  0 +", 5) == 0, "axis row: '%s'", r);
	/* Bars from column 5, 4 columns each (3 drawn and a gap). */
	ck_assert_msg(strncmp(r + 5 + 2 * 4, "^", 1) == 0,
	    "mark under bar 2: '%s'", r);
	ck_assert_msg(strchr(r, '-') != NULL, "axis line: '%s'", r);
	/* The last bar is full height, the third half of it. */
	ck_assert_int_eq(row_text(w, 0)[5 + 9 * 4], '#');
	ck_assert_int_eq(row_text(w, 0)[5 + 2 * 4], ' ');
	ck_assert_int_eq(row_text(w, 4)[5 + 2 * 4], '#');
	ck_assert_int_eq(row_text(w, 7)[5 + 2 * 4 + 3], ' ');	/* the gap */
	/* Every bar labelled (4 columns leave room for "D10"), under it. */
	r = row_text(w, 9);
	ck_assert_msg(strncmp(r + 5, "D1  D2  D3", 10) == 0, "dates: '%s'", r);
	ck_assert_msg(strstr(r, "D10") == r + 5 + 9 * 4, "dates: '%s'", r);
	delwin(w);
	endwin();
	delscreen(scr);
	fclose(out);
	fclose(in);
}
END_TEST

/* "When" in words, both languages, plural forms. */
START_TEST(automation_when)
{
	char buf[128], *cause = NULL;

	if (i18n_load(&cause) != NY_OK)
		ck_abort_msg("%s", cause);
	screen_automations_when("en", "purchase", 0, buf, sizeof buf);
	ck_assert_str_eq(buf, "Right after the purchase");
	screen_automations_when("en", "before_start", 1440, buf, sizeof buf);
	ck_assert_str_eq(buf, "1 day before the start");
	screen_automations_when("en", "purchase", 150, buf, sizeof buf);
	ck_assert_str_eq(buf, "2 hours 30 minutes after the purchase");
	screen_automations_when("en", "before_end", 3 * 1440 + 1, buf,
	    sizeof buf);
	ck_assert_str_eq(buf, "3 days 1 minute before the subscription ends");
	screen_automations_when("sw", "before_start", 60, buf, sizeof buf);
	ck_assert_str_eq(buf, "saa 1 kabla ya kuanza");
	screen_automations_when("sw", "purchase", 10, buf, sizeof buf);
	ck_assert_str_eq(buf, "dakika 10 baada ya ununuzi");
}
END_TEST

/* The product of id in the creator's list (static copy of its counts). */
static struct product
listed(struct db *db, int64_t creator, int64_t id)
{
	struct product *v, r;
	size_t n, i;

	memset(&r, 0, sizeof r);
	ck_assert_int_eq(product_list_by_creator(db, creator, &v, &n), NY_OK);
	for (i = 0; i < n; i++)
		if (v[i].id == id) {
			r.id = id;
			r.seats_left = v[i].seats_left;
			r.subscribers = v[i].subscribers;
			r.sales = v[i].sales;
		}
	product_list_free(v, n);
	ck_assert_int_eq(r.id, id);
	return r;
}

/* Seats left as the storefront says them; "0" once sold out. */
START_TEST(product_seats_left)
{
	struct db *db = lf_open(NULL);
	int64_t left, o;

	ck_assert_int_eq(listed(db, 1, 3).seats_left, 100);
	ck_assert_int_eq(listed(db, 1, 1).seats_left, -1);	/* download */
	lf_buy(db, 1, 3, 3);
	ck_assert_int_eq(listed(db, 1, 3).seats_left, 97);
	/* A pending order's reservation holds seats; a refund gives back. */
	o = lf_order(db, 2, 3, 5, "pending");
	ck_assert_int_eq(db_exec(db, "INSERT INTO reservations(order_id,"
	    " product_id, seats) SELECT max(id), 3, 5 FROM orders"), NY_OK);
	ck_assert_int_eq(listed(db, 1, 3).seats_left, 92);
	ck_assert_int_eq(catalog_seats_left(db, 3, &left), NY_OK);
	ck_assert_int_eq(left, 92);
	(void)o;
	ck_assert_int_eq(db_exec(db, "UPDATE orders SET status = 'refunded'"
	    " WHERE customer_id = 1 AND product_id = 3"), NY_OK);
	ck_assert_int_eq(listed(db, 1, 3).seats_left, 95);
	/* Sold out: 0, never below. */
	ck_assert_int_eq(db_exec(db, "UPDATE products SET capacity = 2"
	    " WHERE id = 3"), NY_OK);
	ck_assert_int_eq(listed(db, 1, 3).seats_left, 0);
	ck_assert_int_eq(catalog_seats_left(db, 3, &left), NY_OK);
	ck_assert_int_eq(left, 0);
	db_close(db);
}
END_TEST

/* Live subscribers: not revoked, not ended at now. */
START_TEST(product_subscribers)
{
	struct db *db = lf_open(NULL);

	ck_assert_int_eq(listed(db, 1, 2).subscribers, 0);
	ck_assert_int_eq(listed(db, 1, 3).subscribers, -1);	/* a ticket */
	lf_buy(db, 1, 2, 1);
	lf_buy(db, 2, 2, 1);
	ck_assert_int_eq(listed(db, 1, 2).subscribers, 2);
	/* 30 days later both have ended. */
	ny_clock_set(LF_T0 + 31 * 86400);
	ck_assert_int_eq(listed(db, 1, 2).subscribers, 0);
	ny_clock_set(LF_T0);
	ck_assert_int_eq(db_exec(db, "UPDATE entitlements SET revoked_at = 1"
	    " WHERE customer_id = 2"), NY_OK);
	ck_assert_int_eq(listed(db, 1, 2).subscribers, 1);
	ck_assert_int_eq(listed(db, 1, 2).sales, 2);
	db_close(db);
}
END_TEST

/* The code of ticket id as the buyer sees it (static buffer). */
static const char *
ticket_code(struct db *db, int64_t id)
{
	static char code[TICKET_CODE_MAX];
	sqlite3_stmt *st = db_stmt(db, "SELECT code, code_sealed FROM tickets"
	    " WHERE id = ?1");

	sqlite3_bind_int64(st, 1, id);
	ck_assert_int_eq(sqlite3_step(st), SQLITE_ROW);
	ck_assert_int_eq(ticket_code_reveal((const char *)
	    sqlite3_column_text(st, 0), sqlite3_column_blob(st, 1),
	    (size_t)sqlite3_column_bytes(st, 1), code), NY_OK);
	sqlite3_reset(st);
	return code;
}

/* "2 of 4 checked in", the event and the holder masked at the door. */
START_TEST(checkin_counts)
{
	struct db *db = lf_open(NULL);
	struct ticket_checkin r;
	int64_t in, total;

	ck_assert_int_eq(ticket_event_counts(db, 3, &in, &total), NY_OK);
	ck_assert_int_eq(in, 0);
	ck_assert_int_eq(total, 0);
	lf_buy(db, 1, 3, 3);		/* tickets 1-3, LF_PHONE1 */
	lf_buy(db, 2, 3, 1);		/* ticket 4, LF_PHONE2 */
	ck_assert_int_eq(lf_scalar(db, "SELECT count(*) FROM tickets"), 4);
	ck_assert_int_eq(ticket_event_counts(db, 3, &in, &total), NY_OK);
	ck_assert_int_eq(in, 0);
	ck_assert_int_eq(total, 4);
	ck_assert_int_eq(ticket_check_in(db, ticket_code(db, 4), 1, LF_T0,
	    &r), NY_OK);
	ck_assert_int_eq(r.status, TICKET_VALID);
	ck_assert_str_eq(r.title, "Gig");
	ck_assert_str_eq(r.slug, "gig");
	ck_assert_str_eq(r.holder, "…111");	/* never the whole number */
	ck_assert_ptr_null(strstr(r.holder, "254722"));
	ck_assert_int_eq(r.checked_in, 1);
	ck_assert_int_eq(r.tickets, 4);
	ck_assert_int_eq(ticket_check_in(db, ticket_code(db, 2), 1, LF_T0,
	    &r), NY_OK);
	ck_assert_int_eq(r.checked_in, 2);
	ck_assert_str_eq(r.holder, "…678");
	/* Again: ALREADY, same count. */
	ck_assert_int_eq(ticket_check_in(db, ticket_code(db, 2), 1, LF_T0 + 9,
	    &r), NY_OK);
	ck_assert_int_eq(r.status, TICKET_ALREADY);
	ck_assert_int_eq(r.checked_in, 2);
	ck_assert_int_eq(r.tickets, 4);
	/* A refunded order's tickets leave both counts. */
	ck_assert_int_eq(db_exec(db, "UPDATE orders SET status = 'refunded'"
	    " WHERE customer_id = 2"), NY_OK);
	ck_assert_int_eq(ticket_event_counts(db, 3, &in, &total), NY_OK);
	ck_assert_int_eq(in, 1);
	ck_assert_int_eq(total, 3);
	/* Another event's tickets are not counted. */
	ck_assert_int_eq(ticket_event_counts(db, 5, &in, &total), NY_OK);
	ck_assert_int_eq(total, 0);
	db_close(db);
}
END_TEST

/* The automation of a and its sent / pending / failed. */
static const struct automation *
auto_of(const struct automation *v, size_t n, int64_t id)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (v[i].id == id)
			return &v[i];
	ck_abort_msg("automation %lld not listed", (long long)id);
	return NULL;
}

/* Sent and pending from the outbox rows each automation queued. */
START_TEST(automation_sent_pending)
{
	struct db *db = lf_open(NULL);
	struct automation *v;
	const struct automation *a;
	int64_t now_id, later_id;
	size_t n;
	int q;

	ck_assert_int_eq(automation_add(db, 3, "purchase", 0, "Karibu!",
	    "Karibu sana!", &now_id), NY_OK);
	ck_assert_int_eq(automation_add(db, 3, "before_start", 1440,
	    "Tomorrow!", "Kesho!", &later_id), NY_OK);
	lf_buy(db, 1, 3, 1);
	lf_buy(db, 2, 3, 1);
	ck_assert_int_eq(outbox_schedule(db, LF_T0 + 60, &q), NY_OK);
	ck_assert_int_eq(q, 2);
	ck_assert_int_eq(db_exec(db, "UPDATE messages SET status = 'sent'"
	    " WHERE id = (SELECT min(id) FROM messages"
	    " WHERE kind = 'automation')"), NY_OK);
	ck_assert_int_eq(automation_list(db, 3, &v, &n), NY_OK);
	ck_assert_int_eq(automation_counts(db, 3, v, n), NY_OK);
	a = auto_of(v, n, now_id);
	ck_assert_int_eq(a->sent, 1);
	ck_assert_int_eq(a->pending, 1);
	ck_assert_int_eq(a->failed, 0);
	a = auto_of(v, n, later_id);
	ck_assert_int_eq(a->sent + a->pending + a->failed, 0);
	automation_list_free(v, n);
	/* A day before the start the other goes to both; one fails. */
	ck_assert_int_eq(outbox_schedule(db, LF_START - 86400 + 1, &q), NY_OK);
	ck_assert_int_eq(q, 2);
	ck_assert_int_eq(db_exec(db, "UPDATE messages SET status = 'failed'"
	    " WHERE id = (SELECT max(id) FROM messages)"), NY_OK);
	ck_assert_int_eq(automation_list(db, 3, &v, &n), NY_OK);
	ck_assert_int_eq(automation_counts(db, 3, v, n), NY_OK);
	a = auto_of(v, n, later_id);
	ck_assert_int_eq(a->pending, 1);
	ck_assert_int_eq(a->failed, 1);
	ck_assert_int_eq(auto_of(v, n, now_id)->sent, 1);
	automation_list_free(v, n);
	/* Another product's list counts nothing of these. */
	ck_assert_int_eq(automation_list(db, 1, &v, &n), NY_OK);
	ck_assert_int_eq(automation_counts(db, 1, v, n), NY_OK);
	ck_assert_int_eq(n, 0);
	automation_list_free(v, n);
	db_close(db);
}
END_TEST

static Suite *
views_suite(void)
{
	Suite *s = suite_create("views");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, chart_top);
	tcase_add_test(tc, chart_amounts);
	tcase_add_test(tc, chart_widths);
	tcase_add_test(tc, chart_ticks);
	tcase_add_test(tc, chart_selection);
	tcase_add_test(tc, chart_draw_vt100);
	tcase_add_test(tc, automation_when);
	tcase_add_test(tc, product_seats_left);
	tcase_add_test(tc, product_subscribers);
	tcase_add_test(tc, checkin_counts);
	tcase_add_test(tc, automation_sent_pending);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	setlocale(LC_ALL, "C.UTF-8");
	return run_suite(views_suite());
}
