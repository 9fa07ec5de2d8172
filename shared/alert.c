/*
 * alert.c: sale alerts to a creator's own WhatsApp number. See alert.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "alert.h"
#include "crypto.h"
#include "i18n.h"
#include "log.h"
#include "money.h"
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

/* The EAT hour (0..23) of t. */
static int
alert_eat_hour(int64_t t)
{
	return (int)(((t + ALERT_EAT) % 86400 + 86400) % 86400 / 3600);
}

/* UTC time of hour o'clock EAT on day "YYYY-MM-DD", or -1. */
static int64_t
alert_day_at(const char *day, int hour)
{
	int y, m, d;

	if (sscanf(day, "%4d-%2d-%2d", &y, &m, &d) != 3)
		return -1;
	return alert_days(y, m, d) * 86400 + hour * 3600 - ALERT_EAT;
}

/* The stored form of code for creator_id: a keyed hash, as hex. */
static void
alert_code_hash(int64_t creator_id, const char *code, char hex[2 *
    TOK_HASH_LEN + 1])
{
	unsigned char h[TOK_HASH_LEN];
	char v[48];

	snprintf(v, sizeof v, "%lld:%s", (long long)creator_id, code);
	tok_hash_ctx("alert-code", v, h);
	sodium_bin2hex(hex, 2 * TOK_HASH_LEN + 1, h, sizeof h);
	sodium_memzero(v, sizeof v);
}

enum ny_err
alert_get(struct db *db, int64_t creator_id, int64_t now,
    struct alert_conf *c)
{
	sqlite3_stmt *st = db_stmt(db, "SELECT phone, mode, hour,"
	    " verified_at IS NOT NULL, code_hash IS NOT NULL"
	    " AND code_expires > ?2 AND code_tries < ?3"
	    " FROM sale_alerts WHERE creator_id = ?1");
	char mode[8];
	int rc;

	memset(c, 0, sizeof *c);
	c->hour = 20;
	if (st == NULL)
		return NY_EDB;
	sqlite3_bind_int64(st, 1, creator_id);
	sqlite3_bind_int64(st, 2, now);
	sqlite3_bind_int(st, 3, ALERT_CODE_TRIES);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		db_col_buf(st, 0, c->phone, sizeof c->phone);
		db_col_buf(st, 1, mode, sizeof mode);
		if (alert_mode_parse(mode, &c->mode) != NY_OK)
			c->mode = ALERT_OFF;
		c->hour = sqlite3_column_int(st, 2);
		c->verified = sqlite3_column_int(st, 3);
		c->code_pending = sqlite3_column_int(st, 4);
	}
	sqlite3_reset(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? NY_OK : db_err(rc);
}

/* Inside the transaction: the creator's language into lang. */
static enum ny_err
alert_locale(struct db *db, int64_t creator_id, char lang[4])
{
	sqlite3_stmt *st = db_stmt(db,
	    "SELECT locale FROM creators WHERE id = ?");
	int rc;

	if (st == NULL)
		return NY_EDB;
	sqlite3_bind_int64(st, 1, creator_id);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW)
		db_col_buf(st, 0, lang, 4);
	sqlite3_reset(st);
	if (rc == SQLITE_ROW && !i18n_lang_ok(lang))
		snprintf(lang, 4, "en");
	return db_found(rc);
}

/* Inside the transaction: when the last code went out (0: never). */
static enum ny_err
alert_last_code(struct db *db, int64_t creator_id, int64_t *sent)
{
	sqlite3_stmt *st = db_stmt(db, "SELECT coalesce(code_expires, 0)"
	    " FROM sale_alerts WHERE creator_id = ?");
	int64_t exp = 0;
	enum ny_err rc;

	if (st != NULL)
		sqlite3_bind_int64(st, 1, creator_id);
	rc = db_int64(st, &exp);
	*sent = exp > 0 ? exp - ALERT_CODE_TTL : 0;
	return rc == NY_ENOTFOUND ? NY_OK : rc;
}

/* alert_code_send inside its transaction. */
static enum ny_err
alert_code_send_tx(struct db *db, int64_t creator_id, const char *e164,
    int64_t now)
{
	char lang[4] = "en", code[8], hex[2 * TOK_HASH_LEN + 1], dedupe[64];
	char *body;
	struct outbox_msg m;
	sqlite3_stmt *st;
	int64_t sent;
	enum ny_err rc;

	if ((rc = alert_locale(db, creator_id, lang)) != NY_OK ||
	    (rc = alert_last_code(db, creator_id, &sent)) != NY_OK)
		return rc;
	if (sent > 0 && now < sent + ALERT_CODE_EVERY && now >= sent)
		return NY_ELIMIT;
	snprintf(code, sizeof code, "%06u", randombytes_uniform(1000000));
	alert_code_hash(creator_id, code, hex);
	/* Another number than the stored one is not verified. */
	st = db_stmt(db, "INSERT INTO sale_alerts(creator_id, phone,"
	    " code_hash, code_expires, code_tries) VALUES (?1, ?2, ?3, ?4, 0)"
	    " ON CONFLICT(creator_id) DO UPDATE SET"
	    " verified_at = CASE WHEN phone = excluded.phone"
	    "  THEN verified_at END, phone = excluded.phone,"
	    " code_hash = excluded.code_hash,"
	    " code_expires = excluded.code_expires, code_tries = 0");
	if (st == NULL)
		return NY_EDB;
	sqlite3_bind_int64(st, 1, creator_id);
	sqlite3_bind_text(st, 2, e164, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, hex, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, now + ALERT_CODE_TTL);
	if ((rc = db_done(st)) != NY_OK)
		return rc;
	/* The code is in the body only until it is sent, like an order's
	 * confirmation code; the table keeps only its hash. */
	body = i18n_fmt(lang, "msg.alert_code", "code", code, NULL);
	snprintf(dedupe, sizeof dedupe, "alert-code:%lld:%lld",
	    (long long)creator_id, (long long)now);
	memset(&m, 0, sizeof m);
	m.to_phone = e164;
	m.kind = "alert_code";
	m.locale = lang;
	m.body = body;
	m.dedupe_key = dedupe;
	rc = outbox_queue_tx(db, &m, NULL);
	sodium_memzero(body, strlen(body));
	sodium_memzero(code, sizeof code);
	free(body);
	return rc;
}

enum ny_err
alert_code_send(struct db *db, int64_t creator_id, const char *phone,
    int64_t now, int *perr, char *e164)
{
	char num[16];
	enum phone_err pe;
	enum ny_err rc;

	pe = phone_normalize(phone ? phone : "", NULL, num, sizeof num);
	if (perr != NULL)
		*perr = (int)pe;
	if (pe != PHONE_OK)
		return NY_EINVAL;
	if ((rc = db_begin(db)) != NY_OK)
		return rc;
	if ((rc = db_end(db, alert_code_send_tx(db, creator_id, num, now))) !=
	    NY_OK)
		return rc;
	if (e164 != NULL)
		snprintf(e164, 16, "%s", num);
	log_info("sale alert code queued", "creator=%lld",
	    (long long)creator_id);
	return NY_OK;
}

/* Inside the transaction: a wrong answer counts (right: the reset). */
static enum ny_err
alert_code_answer(struct db *db, int64_t creator_id, int right, int64_t now)
{
	sqlite3_stmt *st = right ?
	    db_stmt(db, "UPDATE sale_alerts SET verified_at = ?2,"
	    " code_hash = NULL, code_expires = NULL, code_tries = 0"
	    " WHERE creator_id = ?1") :
	    db_stmt(db, "UPDATE sale_alerts SET code_tries = code_tries + 1"
	    " WHERE creator_id = ?1 AND ?2 = ?2");

	if (st == NULL)
		return NY_EDB;
	sqlite3_bind_int64(st, 1, creator_id);
	sqlite3_bind_int64(st, 2, now);
	return db_done(st);
}

/*
 * alert_code_check inside its transaction: *verdict gets the answer
 * (NY_OK, NY_EDENIED …), the return value the database's.
 */
static enum ny_err
alert_code_check_tx(struct db *db, int64_t creator_id, const char *code,
    int64_t now, enum ny_err *verdict, int *left)
{
	sqlite3_stmt *st = db_stmt(db, "SELECT code_hash, code_expires,"
	    " code_tries FROM sale_alerts WHERE creator_id = ?"
	    " AND code_hash IS NOT NULL");
	char stored[2 * TOK_HASH_LEN + 1], hex[2 * TOK_HASH_LEN + 1], c[8];
	int64_t expires = 0;
	int rc, tries = 0, n = 0;

	*verdict = NY_EREPLAY;
	if (st == NULL)
		return NY_EDB;
	sqlite3_bind_int64(st, 1, creator_id);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		db_col_buf(st, 0, stored, sizeof stored);
		expires = sqlite3_column_int64(st, 1);
		tries = sqlite3_column_int(st, 2);
	}
	sqlite3_reset(st);
	if (rc != SQLITE_ROW)
		return rc == SQLITE_DONE ? NY_OK : db_err(rc);
	if (expires <= now)
		return NY_OK;
	if (tries >= ALERT_CODE_TRIES) {
		*verdict = NY_ELIMIT;
		return NY_OK;
	}
	/* Six digits, spaces around or inside ignored ("123 456"). */
	for (; *code != '\0' && n < 7; code++)
		if (*code >= '0' && *code <= '9')
			c[n++] = *code;
		else if (*code != ' ' && *code != '-')
			n = 7;
	c[n < 7 ? n : 0] = '\0';
	if (n == 6) {
		alert_code_hash(creator_id, c, hex);
		if (tok_equal(hex, stored)) {
			*verdict = NY_OK;
			return alert_code_answer(db, creator_id, 1, now);
		}
	}
	*verdict = NY_EDENIED;
	if (left != NULL)
		*left = ALERT_CODE_TRIES - tries - 1;
	return alert_code_answer(db, creator_id, 0, now);
}

enum ny_err
alert_code_check(struct db *db, int64_t creator_id, const char *code,
    int64_t now, int *left)
{
	enum ny_err rc, verdict = NY_EREPLAY;

	if (left != NULL)
		*left = 0;
	if ((rc = db_begin(db)) != NY_OK)
		return rc;
	if ((rc = db_end(db, alert_code_check_tx(db, creator_id, code ? code :
	    "", now, &verdict, left))) != NY_OK)
		return rc;
	return verdict;
}

/* alert_set_mode inside its transaction. */
static enum ny_err
alert_set_mode_tx(struct db *db, int64_t creator_id, enum alert_mode mode,
    int hour, int64_t now)
{
	sqlite3_stmt *st = db_stmt(db, "SELECT verified_at IS NOT NULL,"
	    " mode, hour FROM sale_alerts WHERE creator_id = ?");
	char old[8] = "", today[11];
	int rc, verified = 0, ohour = -1, past;

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
	/* A new daily hour already past today: the first summary is
	 * tomorrow's (setting 08:00 at 15:00 sends nothing today). */
	past = mode == ALERT_DAILY && (strcmp(old, "daily") != 0 ||
	    ohour != hour) && alert_eat_hour(now) >= hour;
	alert_eat_day(now, today);
	st = db_stmt(db, "UPDATE sale_alerts SET mode = ?2, hour = ?3,"
	    " last_daily = CASE WHEN ?4 THEN ?5 ELSE last_daily END"
	    " WHERE creator_id = ?1");
	if (st == NULL)
		return NY_EDB;
	sqlite3_bind_int64(st, 1, creator_id);
	sqlite3_bind_text(st, 2, alert_mode_name(mode), -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 3, hour);
	sqlite3_bind_int(st, 4, past);
	sqlite3_bind_text(st, 5, today, -1, SQLITE_STATIC);
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

enum ny_err
alert_sale(struct db *db, int64_t order_id, int64_t now)
{
	sqlite3_stmt *st = db_stmt(db, "SELECT a.phone, c.locale, p.title,"
	    " o.quantity, o.amount_minor, o.currency, cu.phone"
	    " FROM orders o JOIN products p ON p.id = o.product_id"
	    " JOIN sale_alerts a ON a.creator_id = p.creator_id"
	    " JOIN creators c ON c.id = p.creator_id"
	    " JOIN customers cu ON cu.id = o.customer_id"
	    " WHERE o.id = ? AND a.mode = 'each'"
	    " AND a.verified_at IS NOT NULL");
	char to[16], lang[4], cur[4], buyer[16], masked[24], amount[48];
	char qty[16];
	char dedupe[48], *title = NULL, *product, *body;
	struct outbox_msg m;
	int64_t minor = 0;
	int rc, n = 1;
	enum ny_err err;

	(void)now;
	if (st == NULL)
		return NY_EDB;
	sqlite3_bind_int64(st, 1, order_id);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		db_col_buf(st, 0, to, sizeof to);
		db_col_buf(st, 1, lang, sizeof lang);
		title = db_col_str(st, 2);
		n = sqlite3_column_int(st, 3);
		minor = sqlite3_column_int64(st, 4);
		db_col_buf(st, 5, cur, sizeof cur);
		db_col_buf(st, 6, buyer, sizeof buyer);
	}
	sqlite3_reset(st);
	if (rc != SQLITE_ROW)
		return rc == SQLITE_DONE ? NY_OK : db_err(rc);
	if (!i18n_lang_ok(lang))
		snprintf(lang, sizeof lang, "en");
	money_format(minor, cur, lang, amount, sizeof amount);
	/* The buyer's number masked: the alert may sit on a lock screen. */
	phone_display(buyer, 1, masked, sizeof masked);
	snprintf(qty, sizeof qty, " \u00d7%d", n);
	product = xasprintf("%s%s", title, n > 1 ? qty : "");
	body = i18n_fmt(lang, "msg.sale_alert", "product", product, "amount",
	    amount, "phone", masked, NULL);
	snprintf(dedupe, sizeof dedupe, "alert-sale:%lld", (long long)order_id);
	memset(&m, 0, sizeof m);
	m.to_phone = to;
	m.kind = "sale_alert";
	m.locale = lang;
	m.body = body;
	m.dedupe_key = dedupe;
	err = outbox_queue_tx(db, &m, NULL);
	free(body);
	free(product);
	free(title);
	return err;
}

/* A creator whose summary is due (alert_daily). */
struct alert_due {
	int64_t	 creator_id;
	int	 hour;
	char	 phone[16];
	char	 locale[4];
	char	 last[11];		/* last_daily or "" */
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
	if (!i18n_lang_ok(d->locale))
		snprintf(d->locale, sizeof d->locale, "en");
	return NY_OK;
}

/* The summary's text for d over (since, now], or NULL: no sales. */
static enum ny_err
alert_daily_body(struct db *db, const struct alert_due *d, int64_t since,
    int64_t now, const char *day, char **body)
{
	/* From the window of paid orders (orders_paid), a day's sales of
	 * the whole shop, not from the creator's products: orders_product
	 * has no paid_at, so that walk would read all their past sales. */
	sqlite3_stmt *st = db_stmt(db, "SELECT o.currency, count(*),"
	    " sum(o.amount_minor) FROM products p"
	    " JOIN orders o ON o.product_id = p.id AND o.status = 'paid'"
	    " WHERE p.creator_id = ? AND o.paid_at > ? AND o.paid_at <= ?"
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
	*body = i18n_fmt(d->locale, n == 1 ? "msg.alert_daily_one" :
	    "msg.alert_daily", "day", day, "count", count, "totals", totals,
	    NULL);
	return NY_OK;
}

/* Inside the transaction: d's summary (if any sales), then done today. */
static enum ny_err
alert_daily_one(struct db *db, const struct alert_due *d, int64_t now,
    const char *today, int *queued)
{
	sqlite3_stmt *st;
	struct outbox_msg m;
	char dedupe[64], *body = NULL;
	int64_t since = d->last[0] ? alert_day_at(d->last, d->hour) : -1;
	enum ny_err rc;

	if (since < 0)
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
	sqlite3_bind_text(st, 1, today, -1, SQLITE_STATIC);
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
	    " AND a.verified_at IS NOT NULL"
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
	for (i = 0; rc == NY_OK && i < n; i++)
		rc = alert_daily_one(db, &d[i], now, today, queued);
	free(d);
	return rc;
}
