/*
 * test-alerts: sale alerts (alert.h). The number's code: right, wrong,
 * expired, tries, one code a minute, only its hash stored, another number
 * verified again. A settled sale queues one alert in the creator's
 * language with the buyer's phone masked, in the settling transaction and
 * never twice; the daily summary goes at the chosen hour, once a day,
 * with count and totals per currency, and not at all without sales.
 * Alerts are best-effort (a failed one undoes neither the sale nor the
 * scheduler's run), skip disabled creators, and a summary starts where
 * the last ended, whatever the hour. Codes are capped per day (sent and
 * wrong answers) and blanked in messages once sent or failed.
 * Console logins are audit lines of the creator, listed newest first.
 */
#include <check.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "alert.h"
#include "crypto.h"
#include "db.h"
#include "audit.h"
#include "i18n.h"
#include "login.h"
#include "money.h"
#include "order.h"
#include "outbox.h"
#include "pay.h"
#include "payment.h"
#include "phone.h"
#include "testutil.h"

#define BUYER	"254712345601"
#define OWN	"254722000111"
/* 2027-01-15 08:00 UTC, 11:00 in EAT. */
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
	db = test_db("alerts", NULL);
	ck_assert_int_eq(db_exec(db,
	    "INSERT INTO creators(id, handle, locale, created_at) VALUES"
	    " (1, 'amani', 'sw', 0), (2, 'baraka', 'en', 0);"
	    "INSERT INTO products(id, creator_id, slug, kind, title, price_minor,"
	    " currency, status, created_at, updated_at) VALUES"
	    " (1, 1, 'song', 'download', 'Wimbo wa Pwani', 150000, 'KES',"
	    "  'published', 0, 0),"
	    " (2, 1, 'usd', 'download', 'Beats pack', 1250, 'USD',"
	    "  'published', 0, 0),"
	    " (3, 2, 'other', 'download', 'Other', 50000, 'KES',"
	    "  'published', 0, 0);"), NY_OK);
}

static void
teardown(void)
{
	db_close(db);
	ny_clock_set(0);
}

/* Messages of kind (to OWN when own). */
static int64_t
count_kind(const char *kind)
{
	sqlite3_stmt *st = db_stmt(db,
	    "SELECT count(*) FROM messages WHERE kind = ?");
	int64_t n = -1;

	sqlite3_bind_text(st, 1, kind, -1, SQLITE_TRANSIENT);
	ck_assert_int_eq(db_int64(st, &n), NY_OK);
	return n;
}

/* Body and locale of the newest message of kind into body, lang. */
static void
last_body(const char *kind, char *body, size_t len, char lang[4],
    char to[16])
{
	sqlite3_stmt *st = db_stmt(db, "SELECT body, locale, to_phone"
	    " FROM messages WHERE kind = ? ORDER BY id DESC LIMIT 1");

	sqlite3_bind_text(st, 1, kind, -1, SQLITE_TRANSIENT);
	ck_assert_int_eq(sqlite3_step(st), SQLITE_ROW);
	db_col_buf(st, 0, body, len);
	db_col_buf(st, 1, lang, 4);
	db_col_buf(st, 2, to, 16);
	sqlite3_reset(st);
}

/* The 6-digit code of the newest alert_code message. */
static void
last_code(char code[7])
{
	char body[400], lang[4], to[16];
	regmatch_t m;
	regex_t re;

	last_body("alert_code", body, sizeof body, lang, to);
	ck_assert_int_eq(regcomp(&re, "[0-9]{6}", REG_EXTENDED), 0);
	ck_assert_int_eq(regexec(&re, body, 1, &m, 0), 0);
	regfree(&re);
	memcpy(code, body + m.rm_so, 6);
	code[6] = '\0';
}

/* A code sent and answered: creator 1's OWN is verified. */
static void
verify(int64_t creator, const char *phone)
{
	char code[7];

	ck_assert_int_eq(alert_code_send(db, creator, phone, ny_now(), NULL,
	    NULL), NY_OK);
	last_code(code);
	ck_assert_int_eq(alert_code_check(db, creator, code, ny_now(), NULL),
	    NY_OK);
}

/* A paid sale of product to BUYER at now; the order's id. */
static int64_t
sell(int64_t product, int64_t now)
{
	struct order_new in = {
		.product_id = product, .phone = BUYER, .quantity = 1,
		.locale = "en", .provider = "sim", .timeout_s = 120,
	};
	static int nsold;
	char receipt[16];
	struct pay_result r = {
		.outcome = PAY_PAID, .amount_minor = -1, .receipt = receipt,
	};
	struct order o;
	struct payment p;
	int changed = 0;

	snprintf(receipt, sizeof receipt, "SIM%d", ++nsold);
	ny_clock_set(now);
	ck_assert_int_eq(order_create(db, &in, &o, NULL), NY_OK);
	ck_assert_int_eq(payment_by_order(db, o.id, &p), NY_OK);
	ck_assert_int_eq(payment_settle(db, p.id, NULL, &r, &changed), NY_OK);
	ck_assert_int_eq(changed, 1);
	/* A repeated answer changes nothing (and queues nothing). */
	ck_assert_int_eq(payment_settle(db, p.id, NULL, &r, &changed), NY_OK);
	ck_assert_int_eq(changed, 0);
	return o.id;
}

/* Right code verifies; the table holds a hash, never the code. */
START_TEST(code_right)
{
	char e164[16], code[7], body[400], lang[4], to[16];
	struct alert_conf c;
	int perr = -1;

	ck_assert_int_eq(alert_code_send(db, 1, "0722 000 111", NOW, &perr,
	    e164), NY_OK);
	ck_assert_int_eq(perr, PHONE_OK);
	ck_assert_str_eq(e164, OWN);
	last_body("alert_code", body, sizeof body, lang, to);
	ck_assert_str_eq(lang, "sw");		/* the creator's language */
	ck_assert_str_eq(to, OWN);
	last_code(code);
	ck_assert_int_eq(sql_int(db, "SELECT count(*) FROM sale_alerts"
	    " WHERE length(code_hash) = 64 AND code_expires = 1800000600"), 1);
	{
		sqlite3_stmt *st = db_stmt(db, "SELECT count(*) FROM sale_alerts"
		    " WHERE instr(code_hash, ?) > 0");
		int64_t n = -1;

		sqlite3_bind_text(st, 1, code, -1, SQLITE_TRANSIENT);
		ck_assert_int_eq(db_int64(st, &n), NY_OK);
		ck_assert_int_eq(n, 0);
	}
	ck_assert_int_eq(alert_get(db, 1, NOW, &c), NY_OK);
	ck_assert_int_eq(c.verified, 0);
	ck_assert_int_eq(c.code_pending, 1);
	/* Not verified: no alerts may be chosen yet. */
	ck_assert_int_eq(alert_set_mode(db, 1, ALERT_EACH, 20, NOW),
	    NY_ESTATE);
	ck_assert_int_eq(alert_code_check(db, 1, code, NOW + 30, NULL), NY_OK);
	ck_assert_int_eq(alert_get(db, 1, NOW, &c), NY_OK);
	ck_assert_int_eq(c.verified, 1);
	ck_assert_int_eq(c.code_pending, 0);
	/* Used: the same code again is no code. */
	ck_assert_int_eq(alert_code_check(db, 1, code, NOW + 40, NULL),
	    NY_EREPLAY);
	ck_assert_int_eq(alert_set_mode(db, 1, ALERT_EACH, 20, NOW), NY_OK);
}
END_TEST

/* Wrong codes count down; the fifth wrong one ends the code. */
START_TEST(code_wrong_and_tries)
{
	char code[7], wrong[12];
	int left = -1, i;

	ck_assert_int_eq(alert_code_send(db, 1, OWN, NOW, NULL, NULL), NY_OK);
	last_code(code);
	snprintf(wrong, sizeof wrong, "%06d", (atoi(code) + 1) % 1000000);
	ck_assert_int_eq(alert_code_check(db, 1, wrong, NOW, &left),
	    NY_EDENIED);
	ck_assert_int_eq(left, 4);
	ck_assert_int_eq(alert_code_check(db, 1, "12ab56", NOW, &left),
	    NY_EDENIED);
	ck_assert_int_eq(left, 3);
	for (i = 0; i < 3; i++)
		ck_assert_int_eq(alert_code_check(db, 1, wrong, NOW, &left),
		    NY_EDENIED);
	ck_assert_int_eq(left, 0);
	/* The right code is too late now. */
	ck_assert_int_eq(alert_code_check(db, 1, code, NOW, &left), NY_ELIMIT);
	/* One code a minute; then a fresh one with fresh tries. */
	ck_assert_int_eq(alert_code_send(db, 1, OWN, NOW + 30, NULL, NULL),
	    NY_ELIMIT);
	ck_assert_int_eq(alert_code_send(db, 1, OWN, NOW + 61, NULL, NULL),
	    NY_OK);
	last_code(code);
	/* Typed as "123 456": the space is no mistake. */
	snprintf(wrong, sizeof wrong, "%.3s", code);
	{
		char spaced[24];

		snprintf(spaced, sizeof spaced, "%s %s", wrong, code + 3);
		ck_assert_int_eq(alert_code_check(db, 1, spaced, NOW + 62,
		    &left), NY_OK);
	}
}
END_TEST

/* Ten minutes, then the code is gone; bad numbers say why. */
START_TEST(code_expired_and_bad_number)
{
	char code[7];
	int perr = 0;

	ck_assert_int_eq(alert_code_send(db, 1, OWN, NOW, NULL, NULL), NY_OK);
	last_code(code);
	ck_assert_int_eq(alert_code_check(db, 1, code, NOW + ALERT_CODE_TTL,
	    NULL), NY_EREPLAY);
	ck_assert_int_eq(alert_code_send(db, 1, "07abc", NOW + 700, &perr,
	    NULL), NY_EINVAL);
	ck_assert_int_eq(perr, PHONE_CHARS);
	ck_assert_int_eq(alert_code_send(db, 1, "", NOW + 700, &perr, NULL),
	    NY_EINVAL);
	ck_assert_int_eq(perr, PHONE_EMPTY);
	ck_assert_int_eq(count_kind("alert_code"), 1);
}
END_TEST

/* Another number must be verified again; alerts stop until it is. */
START_TEST(code_new_number)
{
	struct alert_conf c;

	verify(1, OWN);
	ck_assert_int_eq(alert_set_mode(db, 1, ALERT_EACH, 20, NOW), NY_OK);
	ny_clock_set(NOW + 100);
	ck_assert_int_eq(alert_code_send(db, 1, "0733 444 555", NOW + 100,
	    NULL, NULL), NY_OK);
	ck_assert_int_eq(alert_get(db, 1, NOW + 100, &c), NY_OK);
	ck_assert_int_eq(c.verified, 0);
	ck_assert_str_eq(c.phone, "254733444555");
	sell(1, NOW + 120);
	ck_assert_int_eq(count_kind("sale_alert"), 0);
}
END_TEST

/* Each sale: one message, the creator's language, phone masked. */
START_TEST(alert_on_settle)
{
	char body[400], lang[4], to[16], money[48];

	verify(1, OWN);
	ck_assert_int_eq(alert_set_mode(db, 1, ALERT_EACH, 20, NOW), NY_OK);
	sell(1, NOW + 10);
	ck_assert_int_eq(count_kind("sale_alert"), 1);
	last_body("sale_alert", body, sizeof body, lang, to);
	ck_assert_str_eq(lang, "sw");
	ck_assert_str_eq(to, OWN);
	ck_assert_ptr_nonnull(strstr(body, "Wimbo wa Pwani"));
	ck_assert_ptr_nonnull(strstr(body, "mauzo mapya"));
	money_format(150000, "KES", "sw", money, sizeof money);
	ck_assert_ptr_nonnull(strstr(body, money));
	ck_assert_ptr_nonnull(strstr(body, "\u2026601"));
	ck_assert_ptr_null(strstr(body, BUYER));
	ck_assert_ptr_null(strstr(body, "712345"));
	ck_assert_ptr_null(strstr(body, "library"));
	/* Another creator's sale is not theirs; off means nothing. */
	sell(3, NOW + 20);
	ck_assert_int_eq(count_kind("sale_alert"), 1);
	ck_assert_int_eq(alert_set_mode(db, 1, ALERT_OFF, 20, NOW), NY_OK);
	sell(1, NOW + 30);
	ck_assert_int_eq(count_kind("sale_alert"), 1);
	/* English for an English creator. */
	ny_clock_set(NOW + 40);
	verify(2, "0733 444 555");
	ck_assert_int_eq(alert_set_mode(db, 2, ALERT_EACH, 20, NOW), NY_OK);
	sell(3, NOW + 50);
	last_body("sale_alert", body, sizeof body, lang, to);
	ck_assert_str_eq(lang, "en");
	ck_assert_ptr_nonnull(strstr(body, "new sale"));
	ck_assert_ptr_nonnull(strstr(body, "KES 500.00"));
}
END_TEST

/* Runs the scheduler at t; how many messages it queued. */
static int
schedule(int64_t t)
{
	int n = -1;

	ny_clock_set(t);
	ck_assert_int_eq(outbox_schedule(db, t, &n), NY_OK);
	return n;
}

/* At the hour, once a day, totals per currency, none without sales. */
START_TEST(daily_once_a_day)
{
	char body[400], lang[4], to[16], day[11];
	const int64_t h20 = NOW + 9 * 3600;	/* 20:00 EAT that day */

	verify(1, OWN);
	ck_assert_int_eq(alert_set_mode(db, 1, ALERT_DAILY, 20, NOW), NY_OK);
	sell(1, NOW + 60);
	sell(1, NOW + 120);
	sell(2, NOW + 180);
	ck_assert_int_eq(count_kind("sale_alert"), 0);
	ck_assert_int_eq(schedule(h20 - 60), 0);	/* 19:59 */
	ck_assert_int_eq(schedule(h20 + 60), 1);
	ck_assert_int_eq(count_kind("alert_daily"), 1);
	last_body("alert_daily", body, sizeof body, lang, to);
	alert_eat_day(h20, day);
	ck_assert_str_eq(day, "2027-01-15");
	ck_assert_str_eq(to, OWN);
	ck_assert_str_eq(lang, "sw");
	ck_assert_ptr_nonnull(strstr(body, "mauzo 3"));
	ck_assert_ptr_nonnull(strstr(body, "KSh 3,000.00"));
	ck_assert_ptr_nonnull(strstr(body, "USD 12.50"));
	ck_assert_ptr_nonnull(strstr(body, day));
	/* Once a day, however often the scheduler runs. */
	ck_assert_int_eq(schedule(h20 + 1800), 0);
	ck_assert_int_eq(schedule(h20 + 3 * 3600), 0);	/* 23:00 */
	/* Next day: no sales, no message, but the day is done. */
	ck_assert_int_eq(schedule(h20 + 86400 + 60), 0);
	ck_assert_int_eq(sql_int(db, "SELECT count(*) FROM sale_alerts"
	    " WHERE substr(last_daily, 1, 10) = '2027-01-16'"), 1);
	/* The day after: only what sold since the last summary. */
	sell(1, h20 + 2 * 86400 - 3600);
	ck_assert_int_eq(schedule(h20 + 2 * 86400 + 60), 1);
	last_body("alert_daily", body, sizeof body, lang, to);
	ck_assert_ptr_nonnull(strstr(body, "mauzo 1 "));
	ck_assert_ptr_nonnull(strstr(body, "KSh 1,500.00"));
	ck_assert_ptr_null(strstr(body, "USD"));
	ck_assert_int_eq(count_kind("alert_daily"), 2);
}
END_TEST

/* An hour already past today: the first summary is tomorrow's. */
START_TEST(daily_hour_past)
{
	verify(1, OWN);
	ck_assert_int_eq(alert_set_mode(db, 1, ALERT_DAILY, 8, NOW), NY_OK);
	sell(1, NOW + 60);
	ck_assert_int_eq(schedule(NOW + 120), 0);	/* 11:02, 8 is past */
	ck_assert_int_eq(schedule(NOW + 21 * 3600 - 60), 0);	/* 07:59 */
	ck_assert_int_eq(schedule(NOW + 21 * 3600 + 60), 1);	/* 08:01 */
}
END_TEST

/* Whether body holds a run of 6 digits (a code). */
static int
has_code(const char *body)
{
	regex_t re;
	int found;

	ck_assert_int_eq(regcomp(&re, "[0-9]{6}", REG_EXTENDED), 0);
	found = regexec(&re, body, 0, NULL, 0) == 0;
	regfree(&re);
	return found;
}

/*
 * An alert that cannot be queued never undoes the sale: the payment
 * settles, the buyer's own messages stay, only the alert is left out.
 */
START_TEST(alert_failure_keeps_sale)
{
	int64_t order;

	verify(1, OWN);
	ck_assert_int_eq(alert_set_mode(db, 1, ALERT_EACH, 20, NOW), NY_OK);
	ck_assert_int_eq(db_exec(db, "CREATE TEMP TRIGGER no_alert BEFORE"
	    " INSERT ON messages WHEN NEW.kind = 'sale_alert' BEGIN"
	    " SELECT RAISE(ABORT, 'refused'); END"), NY_OK);
	order = sell(1, NOW + 10);
	ck_assert_int_eq(count_kind("sale_alert"), 0);
	ck_assert_int_eq(sql_int(db, "SELECT count(*) FROM orders"
	    " WHERE status = 'paid'"), 1);
	ck_assert_int_gt(order, 0);
	ck_assert_int_eq(db_exec(db, "DROP TRIGGER no_alert"), NY_OK);
	sell(1, NOW + 20);
	ck_assert_int_eq(count_kind("sale_alert"), 1);
}
END_TEST

/*
 * One creator's summary that cannot be queued rolls back neither the
 * others' nor the scheduler's run; it is tried again at the next run.
 */
START_TEST(daily_failure_is_one_creators)
{
	const int64_t h20 = NOW + 9 * 3600;

	verify(1, OWN);
	ck_assert_int_eq(alert_set_mode(db, 1, ALERT_DAILY, 20, NOW), NY_OK);
	ny_clock_set(NOW + 61);
	verify(2, "0733 444 555");
	ck_assert_int_eq(alert_set_mode(db, 2, ALERT_DAILY, 20, NOW), NY_OK);
	sell(1, NOW + 100);
	sell(3, NOW + 110);
	ck_assert_int_eq(db_exec(db, "CREATE TEMP TRIGGER no_daily BEFORE"
	    " INSERT ON messages WHEN NEW.kind = 'alert_daily' AND"
	    " NEW.to_phone = '" OWN "' BEGIN"
	    " SELECT RAISE(ABORT, 'refused'); END"), NY_OK);
	ck_assert_int_eq(schedule(h20 + 60), 1);	/* creator 2's */
	ck_assert_int_eq(sql_int(db, "SELECT count(*) FROM sale_alerts"
	    " WHERE creator_id = 1 AND last_daily IS NULL"), 1);
	ck_assert_int_eq(db_exec(db, "DROP TRIGGER no_daily"), NY_OK);
	ck_assert_int_eq(schedule(h20 + 120), 1);	/* creator 1's, late */
	ck_assert_int_eq(count_kind("alert_daily"), 2);
}
END_TEST

/* The body of the newest summary holds "mauzo N " (Swahili, creator 1). */
static void
summary_counts(const char *count)
{
	char body[400], lang[4], to[16], want[32];

	last_body("alert_daily", body, sizeof body, lang, to);
	snprintf(want, sizeof want, "mauzo %s ", count);
	ck_assert_msg(strstr(body, want) != NULL, "%s not in %s", want, body);
}

/*
 * Moving the hour between summaries: the next one starts where the last
 * ended, so no sale is counted twice and none is lost.
 */
START_TEST(daily_hour_moved)
{
	const int64_t h20 = NOW + 9 * 3600;	/* day 1, 20:00 EAT */

	verify(1, OWN);
	ck_assert_int_eq(alert_set_mode(db, 1, ALERT_DAILY, 20, NOW), NY_OK);
	sell(1, NOW + 60);				/* day 1 11:01 */
	ck_assert_int_eq(schedule(h20 + 60), 1);
	summary_counts("1");
	ck_assert_int_eq(sql_int(db, "SELECT count(*) FROM sale_alerts"
	    " WHERE last_daily = '2027-01-15T20:01:00'"), 1);
	sell(1, h20 + 3600);				/* day 1 21:00 */
	/* Day 2 10:00: 08:00 from now on, today's not sent yet. */
	ck_assert_int_eq(alert_set_mode(db, 1, ALERT_DAILY, 8, h20 + 14 *
	    3600), NY_OK);
	ck_assert_int_eq(schedule(h20 + 14 * 3600 + 60), 1);
	summary_counts("1");				/* 21:00 only */
	sell(1, h20 + 16 * 3600);			/* day 2 12:00 */
	ck_assert_int_eq(schedule(h20 + 36 * 3600 + 60), 1);	/* day 3 8:01 */
	summary_counts("1");				/* 12:00 only */
	/* Day 3 09:00: 22:00 from now on; today's went at 08:01. */
	ck_assert_int_eq(alert_set_mode(db, 1, ALERT_DAILY, 22, h20 + 37 *
	    3600), NY_OK);
	sell(1, h20 + 38 * 3600);			/* day 3 10:00 */
	ck_assert_int_eq(schedule(h20 + 50 * 3600 + 60), 0);	/* day 3 22:01 */
	sell(1, h20 + 61 * 3600);			/* day 4 09:00 */
	ck_assert_int_eq(schedule(h20 + 74 * 3600 + 60), 1);	/* day 4 22:01 */
	summary_counts("2");				/* 10:00 and 09:00 */
	ck_assert_int_eq(count_kind("alert_daily"), 4);
}
END_TEST

/* A worker running late: its summary ends when it ran, not at the hour. */
START_TEST(daily_late_worker)
{
	const int64_t h20 = NOW + 9 * 3600;

	verify(1, OWN);
	ck_assert_int_eq(alert_set_mode(db, 1, ALERT_DAILY, 20, NOW), NY_OK);
	sell(1, NOW + 60);
	sell(1, h20 + 3600);				/* 21:00 */
	ck_assert_int_eq(schedule(h20 + 3 * 3600), 1);	/* 23:00 */
	summary_counts("2");
	ck_assert_int_eq(schedule(h20 + 86400 + 60), 0);	/* nothing new */
	sell(1, h20 + 86400 + 120);
	ck_assert_int_eq(schedule(h20 + 2 * 86400 + 60), 1);
	summary_counts("1");
}
END_TEST

/* A disabled creator gets no alert and no summary. */
START_TEST(disabled_creator_silent)
{
	const int64_t h20 = NOW + 9 * 3600;
	struct order_new in = {
		.product_id = 1, .phone = BUYER, .quantity = 1,
		.locale = "en", .provider = "sim", .timeout_s = 120,
	};
	struct pay_result r = { .outcome = PAY_PAID, .amount_minor = -1,
	    .receipt = "SIMOFF" };
	struct order o;
	struct payment p;
	int changed = 0;

	verify(1, OWN);
	ck_assert_int_eq(alert_set_mode(db, 1, ALERT_EACH, 20, NOW), NY_OK);
	/* Bought before the creator was disabled, paid after. */
	ck_assert_int_eq(order_create(db, &in, &o, NULL), NY_OK);
	ck_assert_int_eq(db_exec(db, "UPDATE creators SET disabled_at = 1"
	    " WHERE id = 1"), NY_OK);
	ck_assert_int_eq(payment_by_order(db, o.id, &p), NY_OK);
	ck_assert_int_eq(payment_settle(db, p.id, NULL, &r, &changed), NY_OK);
	ck_assert_int_eq(changed, 1);
	ck_assert_int_eq(count_kind("sale_alert"), 0);
	ck_assert_int_eq(alert_set_mode(db, 1, ALERT_DAILY, 20, NOW), NY_OK);
	ck_assert_int_eq(schedule(h20 + 60), 0);
	ck_assert_int_eq(count_kind("alert_daily"), 0);
	/* Enabled again: the summary goes. */
	ck_assert_int_eq(db_exec(db, "UPDATE creators SET disabled_at = NULL"
	    " WHERE id = 1"), NY_OK);
	ck_assert_int_eq(schedule(h20 + 120), 1);
}
END_TEST

/* Five codes a day: the sixth is refused until the first is a day old. */
START_TEST(code_cap_per_day)
{
	struct alert_conf c;
	int i;

	for (i = 0; i < ALERT_CODES_DAY; i++)
		ck_assert_int_eq(alert_code_send(db, 1, OWN, NOW + 61 * i, NULL,
		    NULL), NY_OK);
	ck_assert_int_eq(alert_code_send(db, 1, OWN, NOW + 61 * i, NULL,
	    NULL), NY_EDENIED);
	ck_assert_int_eq(alert_get(db, 1, NOW + 61 * i, &c), NY_OK);
	ck_assert_int_eq(c.capped, 1);
	ck_assert_int_eq(count_kind("alert_code"), ALERT_CODES_DAY);
	/* Another creator is not capped by it. */
	ck_assert_int_eq(alert_code_send(db, 2, OWN, NOW + 61 * i, NULL,
	    NULL), NY_OK);
	ck_assert_int_eq(alert_code_send(db, 1, OWN, NOW + 86400 + 1, NULL,
	    NULL), NY_OK);
	/* That was the window's fifth again: it can be typed, no sixth. */
	ck_assert_int_eq(alert_get(db, 1, NOW + 86400 + 1, &c), NY_OK);
	ck_assert_int_eq(c.capped, 1);
	ck_assert_int_eq(c.code_pending, 1);
}
END_TEST

/* Ten wrong answers a day across new codes, then none until a quiet day. */
START_TEST(code_cap_wrong_per_day)
{
	struct alert_conf c;
	char code[7], wrong[8];
	int left = -1, i;

	ck_assert_int_eq(alert_code_send(db, 1, OWN, NOW, NULL, NULL), NY_OK);
	last_code(code);
	snprintf(wrong, sizeof wrong, "%06d", (atoi(code) + 1) % 1000000);
	for (i = 0; i < ALERT_CODE_TRIES; i++)
		ck_assert_int_eq(alert_code_check(db, 1, wrong, NOW, &left),
		    NY_EDENIED);
	ck_assert_int_eq(left, 0);
	/* A new code: the day's wrong answers still count. */
	ck_assert_int_eq(alert_code_send(db, 1, OWN, NOW + 61, NULL, NULL),
	    NY_OK);
	last_code(code);
	snprintf(wrong, sizeof wrong, "%06d", (atoi(code) + 1) % 1000000);
	ck_assert_int_eq(alert_code_check(db, 1, wrong, NOW + 62, &left),
	    NY_EDENIED);
	ck_assert_int_eq(left, 4);
	for (i = 1; i < ALERT_WRONG_DAY - ALERT_CODE_TRIES; i++)
		ck_assert_int_eq(alert_code_check(db, 1, wrong, NOW + 62, &left),
		    NY_EDENIED);
	ck_assert_int_eq(left, 0);
	/* Ten wrong: even the right code is refused, and no new code. */
	ck_assert_int_eq(alert_code_check(db, 1, code, NOW + 63, &left),
	    NY_ELIMIT);
	ck_assert_int_eq(alert_get(db, 1, NOW + 63, &c), NY_OK);
	ck_assert_int_eq(c.capped, 1);
	ck_assert_int_eq(c.verified, 0);
	ck_assert_int_eq(alert_code_send(db, 1, OWN, NOW + 200, NULL, NULL),
	    NY_EDENIED);
	/* A day after the last code: a fresh start. */
	ck_assert_int_eq(alert_code_send(db, 1, OWN, NOW + 61 + 86400 + 1,
	    NULL, NULL), NY_OK);
	last_code(code);
	ck_assert_int_eq(alert_code_check(db, 1, code, NOW + 61 + 86400 + 2,
	    &left), NY_OK);
}
END_TEST

/* The code's digits leave the database once it is sent or failed. */
START_TEST(code_blanked_when_done)
{
	struct outbox_conf conf = { .driver = "log", .base_url = "http://x" };
	char body[400], lang[4], to[16], *dir = tmp_path("data");
	struct outbox *ob;
	char *cause = NULL;
	int sent = 0;

	ck_assert_int_eq(mkdir(dir, 0700), 0);
	conf.data_dir = dir;
	ck_assert_int_eq(outbox_new(&conf, &ob, &cause), NY_OK);
	verify(1, OWN);
	ck_assert_int_eq(alert_set_mode(db, 1, ALERT_EACH, 20, NOW), NY_OK);
	sell(1, NOW + 10);
	ck_assert_int_eq(outbox_step(ob, db, NOW + 20, 16, &sent), NY_OK);
	ck_assert_int_ge(sent, 2);
	ck_assert_int_eq(sql_int(db, "SELECT count(*) FROM messages"
	    " WHERE status != 'sent'"), 0);
	last_body("alert_code", body, sizeof body, lang, to);
	ck_assert_msg(!has_code(body), "code kept: %s", body);
	ck_assert_ptr_nonnull(strstr(body, "\u2022\u2022\u2022\u2022\u2022"
	    "\u2022"));
	ck_assert_ptr_nonnull(strstr(body, "10"));	/* the rest stays */
	/* Other kinds keep their body. */
	last_body("sale_alert", body, sizeof body, lang, to);
	ck_assert_ptr_nonnull(strstr(body, "Wimbo wa Pwani"));
	outbox_free(ob);
	/* Failed for good (no directory to write, attempts used up). */
	conf.data_dir = "/nonexistent/nyota";
	ck_assert_int_eq(outbox_new(&conf, &ob, &cause), NY_OK);
	ck_assert_int_eq(alert_code_send(db, 1, OWN, NOW + 100, NULL, NULL),
	    NY_OK);
	ck_assert_int_eq(db_exec(db, "UPDATE messages SET attempts = 7"
	    " WHERE status = 'queued'"), NY_OK);
	ck_assert_int_eq(outbox_step(ob, db, NOW + 110, 16, &sent), NY_OK);
	ck_assert_int_eq(sql_int(db, "SELECT count(*) FROM messages"
	    " WHERE kind = 'alert_code' AND status = 'failed'"), 1);
	last_body("alert_code", body, sizeof body, lang, to);
	ck_assert_msg(!has_code(body), "code kept: %s", body);
	outbox_free(ob);
	free(dir);
}
END_TEST

START_TEST(eat_day)
{
	char day[11];

	alert_eat_day(NOW, day);
	ck_assert_str_eq(day, "2027-01-15");
	alert_eat_day(NOW + 13 * 3600, day);	/* 00:00 EAT next day */
	ck_assert_str_eq(day, "2027-01-16");
	alert_eat_day(NOW + 13 * 3600 - 1, day);
	ck_assert_str_eq(day, "2027-01-15");
	alert_eat_day(951782400 - 3 * 3600 + 86400, day);
	ck_assert_str_eq(day, "2000-03-01");
}
END_TEST

/*
 * Console logins are the creator's audit lines (creator_id by handle);
 * the viewer's list is theirs only, newest first, a page at a time.
 */
START_TEST(audit_logins_listed)
{
	struct login_try ok = { .handle = "amani", .addr = "192.0.2.7" };
	struct login_try other = { .handle = "baraka", .addr = "192.0.2.8" };
	struct login_try setup = { .handle = "setup", .addr = "192.0.2.9" };
	struct audit_row *r = NULL;
	size_t n = 0;
	int64_t id = 0, wait = 0;

	ck_assert_int_eq(login_record(db, &ok, 0), NY_OK);
	ck_assert_int_eq(login_reserve(db, &ok, &id, &wait), NY_OK);
	ck_assert_int_eq(login_finish(db, &ok, id, 1), NY_OK);
	ck_assert_int_eq(login_record(db, &other, 1), NY_OK);
	ck_assert_int_eq(login_record(db, &setup, 0), NY_OK);
	ck_assert_int_eq(audit_log_for(db, 1, "creator:amani", "settings.lang",
	    "sw", "192.0.2.7"), NY_OK);
	ck_assert_int_eq(audit_list_creator(db, 1, 0, 10, &r, &n), NY_OK);
	ck_assert_uint_eq(n, 3);
	ck_assert_str_eq(r[0].action, "settings.lang");
	ck_assert_str_eq(r[1].action, "login.ok");
	ck_assert_str_eq(r[1].addr, "192.0.2.7");
	ck_assert_str_eq(r[2].action, "login.fail");
	ck_assert_int_gt(r[0].id, r[1].id);
	id = r[1].id;
	free(r);
	/* The next page: below an id. */
	ck_assert_int_eq(audit_list_creator(db, 1, id, 10, &r, &n), NY_OK);
	ck_assert_uint_eq(n, 1);
	ck_assert_str_eq(r[0].action, "login.fail");
	free(r);
	ck_assert_int_eq(sql_int(db, "SELECT count(*) FROM audit_log"
	    " WHERE creator_id IS NULL AND detail = 'setup'"), 1);
	ck_assert_int_eq(sql_int(db, "SELECT count(*) FROM audit_log"
	    " WHERE creator_id = 2"), 1);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("alerts");
	TCase *tc = tcase_create("alerts");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, code_right);
	tcase_add_test(tc, code_wrong_and_tries);
	tcase_add_test(tc, code_expired_and_bad_number);
	tcase_add_test(tc, code_new_number);
	tcase_add_test(tc, alert_on_settle);
	tcase_add_test(tc, daily_once_a_day);
	tcase_add_test(tc, daily_hour_past);
	tcase_add_test(tc, eat_day);
	tcase_add_test(tc, alert_failure_keeps_sale);
	tcase_add_test(tc, daily_failure_is_one_creators);
	tcase_add_test(tc, daily_hour_moved);
	tcase_add_test(tc, daily_late_worker);
	tcase_add_test(tc, disabled_creator_silent);
	tcase_add_test(tc, code_cap_per_day);
	tcase_add_test(tc, code_cap_wrong_per_day);
	tcase_add_test(tc, code_blanked_when_done);
	tcase_add_test(tc, audit_logins_listed);
	suite_add_tcase(s, tc);
	return run_suite(s);
}
