/*
 * alert.c: sale alerts to a creator's own WhatsApp number: the settings,
 * the alert of a sale and the daily summary. See alert.h; the number's
 * code is alert-code.c's.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alert.h"
#include "i18n.h"
#include "log.h"
#include "money.h"
#include "order.h"
#include "outbox.h"
#include "phone.h"

#define ALERT_DAILY_BATCH	100

static const char *const alert_modes[] = {
	[ALERT_OFF] = "off", [ALERT_EACH] = "each", [ALERT_DAILY] = "daily",
};

const char *
alert_mode_name(enum alert_mode m)
{
	return m <= ALERT_DAILY ? alert_modes[m] : "off";
}

enum ny_err
alert_mode_parse(const char *s, enum alert_mode *m)
{
	enum alert_mode i;

	for (i = ALERT_OFF; i <= ALERT_DAILY; i++)
		if (s != NULL && strcmp(s, alert_modes[i]) == 0) {
			*m = i;
			return NY_OK;
		}
	return NY_EINVAL;
}

/* Days since 1970-01-01 of a civil date (Howard Hinnant's algorithm). */
static int64_t
alert_days(int y, int m, int d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

void
alert_eat_day(int64_t t, char day[11])
{
	int64_t z = (t + ALERT_EAT) / 86400, era, doe, yoe, doy, mp, y, m, d;

	if (t + ALERT_EAT < 0 && (t + ALERT_EAT) % 86400 != 0)
		z--;
	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	y = yoe + era * 400;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	d = doy - (153 * mp + 2) / 5 + 1;
	m = mp < 10 ? mp + 3 : mp - 9;
	snprintf(day, 11, "%04d-%02d-%02d", (int)(y + (m <= 2)), (int)m,
	    (int)d);
}

/* "YYYY-MM-DDTHH:MM:SS" of t in EAT (last_daily's form). */
static void
alert_eat_stamp(int64_t t, char s[20])
{
	int64_t sec = ((t + ALERT_EAT) % 86400 + 86400) % 86400;
	char day[11];

	alert_eat_day(t, day);
	snprintf(s, 20, "%sT%02d:%02d:%02d", day, (int)(sec / 3600),
	    (int)(sec / 60 % 60), (int)(sec % 60));
}

void
alert_lang(char *lang)
{
	/* outbox_queue_tx's languages, not i18n's: those may grow. */
	if (strcmp(lang, "en") != 0 && strcmp(lang, "sw") != 0)
		snprintf(lang, 4, "en");
}

/* The EAT hour (0..23) of t. */
static int
alert_eat_hour(int64_t t)
{
	return (int)(((t + ALERT_EAT) % 86400 + 86400) % 86400 / 3600);
}

/*
 * UTC time of last_daily, "YYYY-MM-DDTHH:MM:SS" EAT, or -1. An older
 * value, "YYYY-MM-DD" alone, stands for that day at hour.
 */
static int64_t
alert_stamp_at(const char *s, int hour)
{
	int y, m, d, h = hour, mi = 0, sec = 0, n;

	n = sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d", &y, &m, &d, &h, &mi, &sec);
	if (n != 3 && n != 6)
		return -1;
	return alert_days(y, m, d) * 86400 + h * 3600 + mi * 60 + sec -
	    ALERT_EAT;
}

/* alert_set_mode inside its transaction. */
static enum ny_err
alert_set_mode_tx(struct db *db, int64_t creator_id, enum alert_mode mode,
    int hour, int64_t now)
{
	sqlite3_stmt *st = db_stmt(db, "SELECT verified_at IS NOT NULL,"
	    " mode, hour FROM sale_alerts WHERE creator_id = ?");
	char old[8] = "", stamp[20];
	int rc, verified = 0, ohour = -1, start, past;

	if (st == NULL)
		return NY_EDB;
	sqlite3_bind_int64(st, 1, creator_id);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		verified = sqlite3_column_int(st, 0);
		db_col_buf(st, 1, old, sizeof old);
		ohour = sqlite3_column_int(st, 2);
	}
	sqlite3_reset(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return db_err(rc);
	if (rc == SQLITE_DONE)
		return mode == ALERT_OFF ? NY_OK : NY_ESTATE;
	if (mode != ALERT_OFF && !verified)
		return NY_ESTATE;
	if (mode != ALERT_DAILY)
		hour = ohour;
	/* Daily starting at an hour already past today: the first summary
	 * is tomorrow's, from now (starting at 08:00 at 15:00 sends nothing
	 * today); else from a day back. A daily hour moved keeps its window:
	 * the next summary starts where the last ended, none counted twice
	 * or lost. */
	start = mode == ALERT_DAILY && strcmp(old, "daily") != 0;
	past = start && alert_eat_hour(now) >= hour;
	alert_eat_stamp(now, stamp);
	st = db_stmt(db, "UPDATE sale_alerts SET mode = ?2, hour = ?3,"
	    " last_daily = CASE WHEN ?4 THEN ?5 WHEN ?6 THEN NULL"
	    " ELSE last_daily END WHERE creator_id = ?1");
	if (st == NULL)
		return NY_EDB;
	sqlite3_bind_int64(st, 1, creator_id);
	sqlite3_bind_text(st, 2, alert_mode_name(mode), -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 3, hour);
	sqlite3_bind_int(st, 4, past);
	sqlite3_bind_text(st, 5, stamp, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 6, start);
	return db_done(st);
}

enum ny_err
alert_set_mode(struct db *db, int64_t creator_id, enum alert_mode mode,
    int hour, int64_t now)
{
	enum ny_err rc;

	if (mode > ALERT_DAILY || hour < 0 || hour > 23)
		return NY_EINVAL;
	if ((rc = db_begin(db)) != NY_OK)
		return rc;
	return db_end(db, alert_set_mode_tx(db, creator_id, mode, hour, now));
}

/*
 * Closes the savepoint of a best-effort alert whose work returned rc: a
 * failure is undone and logged (what, key=id: an order or creator id,
 * nothing the message holds), and the
 * caller goes on. NY_OK, or what must fail the caller's transaction:
 * NY_EBUSY (it retries whole) or NY_EDB (SQLite gave it up).
 */
static enum ny_err
alert_settle(struct db *db, enum ny_err rc, const char *what,
    const char *key, int64_t id)
{
	enum ny_err sp;

	if ((sp = db_savepoint_end(db, rc)) != NY_OK)
		return sp;
	if (rc == NY_OK || rc == NY_EBUSY)
		return rc;
	log_warn(what, "%s=%lld err=%d", key, (long long)id, (int)rc);
	return NY_OK;
}

/*
 * The sale alert of creator (a line's) for order_id: their lines only
 * ("Title ×2, Other"), their share of the amount. Nothing when they have
 * no verified alert for each sale.
 */
static enum ny_err
alert_sale_one(struct db *db, int64_t order_id, int64_t creator,
    const struct order_line *l, int nl)
{
	sqlite3_stmt *st = db_stmt(db, "SELECT a.phone, c.locale,"
	    " o.currency, cu.phone FROM sale_alerts a"
	    " JOIN creators c ON c.id = a.creator_id"
	    " JOIN orders o ON o.id = ?2"
	    " JOIN customers cu ON cu.id = o.customer_id"
	    " WHERE a.creator_id = ?1 AND a.mode = 'each'"
	    " AND a.verified_at IS NOT NULL AND c.disabled_at IS NULL");
	char to[16], lang[4], cur[4], buyer[16], masked[24], amount[48];
	char dedupe[64], *body;
	struct ny_buf product;
	struct outbox_msg m;
	int64_t minor = 0;
	int rc, i;
	enum ny_err err;

	if (st == NULL)
		return NY_EDB;
	sqlite3_bind_int64(st, 1, creator);
	sqlite3_bind_int64(st, 2, order_id);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		db_col_buf(st, 0, to, sizeof to);
		db_col_buf(st, 1, lang, sizeof lang);
		db_col_buf(st, 2, cur, sizeof cur);
		db_col_buf(st, 3, buyer, sizeof buyer);
	}
	sqlite3_reset(st);
	if (rc != SQLITE_ROW)
		return rc == SQLITE_DONE ? NY_OK : db_err(rc);
	alert_lang(lang);
	buf_init(&product, 0);
	for (i = 0; i < nl; i++) {
		if (l[i].creator_id != creator)
			continue;
		minor += l[i].amount_minor;
		buf_printf(&product, "%s%s", product.len > 0 ? ", " : "",
		    l[i].title);
		if (l[i].quantity > 1)
			buf_printf(&product, " \u00d7%d", l[i].quantity);
	}
	money_format(minor, cur, lang, amount, sizeof amount);
	/* The buyer's number masked: the alert may sit on a lock screen. */
	phone_display(buyer, 1, masked, sizeof masked);
	body = i18n_fmt(lang, "msg.sale_alert", "product", product.data ?
	    product.data : "", "amount", amount, "phone", masked, NULL);
	/* The first line's creator keeps the key of one-creator orders. */
	if (creator == l[0].creator_id)
		snprintf(dedupe, sizeof dedupe, "alert-sale:%lld",
		    (long long)order_id);
	else
		snprintf(dedupe, sizeof dedupe, "alert-sale:%lld:%lld",
		    (long long)order_id, (long long)creator);
	memset(&m, 0, sizeof m);
	m.to_phone = to;
	m.kind = "sale_alert";
	m.locale = lang;
	m.body = body;
	m.dedupe_key = dedupe;
	err = outbox_queue_tx(db, &m, NULL);
	free(body);
	buf_free(&product);
	return err;
}

/* alert_sale inside its savepoint: one alert per creator of the lines. */
static enum ny_err
alert_sale_sp(struct db *db, int64_t order_id)
{
	struct order_line *l;
	enum ny_err rc;
	int i, j, n;

	if ((rc = order_lines_get(db, order_id, 0, &l, &n)) != NY_OK)
		return rc;
	for (i = 0; i < n && rc == NY_OK; i++) {
		for (j = 0; j < i; j++)
			if (l[j].creator_id == l[i].creator_id)
				break;
		if (j == i)
			rc = alert_sale_one(db, order_id, l[i].creator_id, l,
			    n);
	}
	free(l);
	return rc;
}

enum ny_err
alert_sale(struct db *db, int64_t order_id, int64_t now)
{
	enum ny_err rc;

	(void)now;
	if ((rc = db_savepoint(db)) != NY_OK)
		return rc;
	return alert_settle(db, alert_sale_sp(db, order_id),
	    "sale alert left out", "order",
	    order_id);
}

/* A creator whose summary is due (alert_daily). */
struct alert_due {
	int64_t	 creator_id;
	int	 hour;
	char	 phone[16];
	char	 locale[4];
	char	 last[20];		/* last_daily or "" */
};

static enum ny_err
alert_due_fill(void *arg, void *elem, sqlite3_stmt *st)
{
	struct alert_due *d = elem;

	(void)arg;
	d->creator_id = sqlite3_column_int64(st, 0);
	db_col_buf(st, 1, d->phone, sizeof d->phone);
	d->hour = sqlite3_column_int(st, 2);
	db_col_buf(st, 3, d->last, sizeof d->last);
	db_col_buf(st, 4, d->locale, sizeof d->locale);
	alert_lang(d->locale);
	return NY_OK;
}

/* The summary's text for d over (since, now], or NULL: no sales. */
static enum ny_err
alert_daily_body(struct db *db, const struct alert_due *d, int64_t since,
    int64_t now, const char *day, char **body)
{
	/* From the window of paid orders (orders_paid), a day's sales of
	 * the whole shop, then their lines of the creator (their share of
	 * a shared cart): order_lines_creator has no paid_at, so that walk
	 * would read all their past sales. */
	sqlite3_stmt *st = db_stmt(db, "SELECT o.currency,"
	    " count(DISTINCT o.id), sum(l.amount_minor) FROM orders o"
	    " JOIN order_lines l ON l.order_id = o.id"
	    " WHERE o.status = 'paid' AND l.creator_id = ?"
	    " AND o.paid_at > ? AND o.paid_at <= ?"
	    " GROUP BY o.currency ORDER BY o.currency");
	char totals[256] = "", amount[48], cur[4], count[16];
	int64_t n = 0;
	size_t len = 0;
	int rc;

	*body = NULL;
	if (st == NULL)
		return NY_EDB;
	sqlite3_bind_int64(st, 1, d->creator_id);
	sqlite3_bind_int64(st, 2, since);
	sqlite3_bind_int64(st, 3, now);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		db_col_buf(st, 0, cur, sizeof cur);
		n += sqlite3_column_int64(st, 1);
		money_format(sqlite3_column_int64(st, 2), cur, d->locale,
		    amount, sizeof amount);
		if (len < sizeof totals)
			len += (size_t)snprintf(totals + len, sizeof totals -
			    len, "%s%s", len > 0 ? ", " : "", amount);
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return db_err(rc);
	if (n == 0)
		return NY_OK;
	snprintf(count, sizeof count, "%lld", (long long)n);
	*body = i18n_fmt_n(d->locale, "msg.alert_daily", n, "day", day,
	    "count", count, "totals", totals, NULL);
	return NY_OK;
}

/* Inside the transaction: d's summary (if any sales), then done today. */
static enum ny_err
alert_daily_one(struct db *db, const struct alert_due *d, int64_t now,
    const char *today, int *queued)
{
	sqlite3_stmt *st;
	struct outbox_msg m;
	char dedupe[64], stamp[20], *body = NULL;
	int64_t since = d->last[0] ? alert_stamp_at(d->last, d->hour) : -1;
	enum ny_err rc;

	/* From the moment the last summary was made, whatever the hour is
	 * now or was then, however late the worker ran. */
	if (since < 0 || since > now)
		since = now - 86400;
	if (since < now - ALERT_DAILY_SPAN)
		since = now - ALERT_DAILY_SPAN;
	if ((rc = alert_daily_body(db, d, since, now, today, &body)) != NY_OK)
		return rc;
	if (body != NULL) {
		snprintf(dedupe, sizeof dedupe, "alert-daily:%lld:%s",
		    (long long)d->creator_id, today);
		memset(&m, 0, sizeof m);
		m.to_phone = d->phone;
		m.kind = "alert_daily";
		m.locale = d->locale;
		m.body = body;
		m.dedupe_key = dedupe;
		rc = outbox_queue_tx(db, &m, NULL);
		free(body);
		if (rc != NY_OK)
			return rc;
		(*queued)++;
	}
	st = db_stmt(db, "UPDATE sale_alerts SET last_daily = ?"
	    " WHERE creator_id = ?");
	if (st == NULL)
		return NY_EDB;
	alert_eat_stamp(now, stamp);
	sqlite3_bind_text(st, 1, stamp, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 2, d->creator_id);
	return db_done(st);
}

enum ny_err
alert_daily(struct db *db, int64_t now, int *queued)
{
	sqlite3_stmt *st = db_stmt(db, "SELECT a.creator_id, a.phone, a.hour,"
	    " a.last_daily, c.locale FROM sale_alerts a"
	    " JOIN creators c ON c.id = a.creator_id"
	    " WHERE a.mode = 'daily' AND a.hour <= ?1"
	    " AND a.verified_at IS NOT NULL AND c.disabled_at IS NULL"
	    " AND (a.last_daily IS NULL OR a.last_daily < ?2) LIMIT ?3");
	struct alert_due *d = NULL;
	char today[11];
	size_t n = 0, i;
	enum ny_err rc;

	alert_eat_day(now, today);
	if (st != NULL) {
		sqlite3_bind_int(st, 1, alert_eat_hour(now));
		sqlite3_bind_text(st, 2, today, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int(st, 3, ALERT_DAILY_BATCH);
	}
	rc = db_rows(st, 0, &d, &n, sizeof *d, alert_due_fill, NULL);
	/* "2027-01-15T20:01:00" < "2027-01-16": last_daily's day is its
	 * first 10 characters, so the comparison tells a day done. */
	for (i = 0; rc == NY_OK && i < n; i++) {
		int k = *queued;

		if ((rc = db_savepoint(db)) != NY_OK)
			break;
		rc = alert_daily_one(db, &d[i], now, today, queued);
		if (rc != NY_OK)
			*queued = k;
		rc = alert_settle(db, rc, "daily sale summary left out",
		    "creator", d[i].creator_id);
	}
	free(d);
	return rc;
}
