/*
 * alert-code.c: the sale alerts' number check (alert.h): a 6-digit code
 * sent to the number, typed back, and the caps that keep it from being
 * guessed or used to spam a stranger's number.
 *
 * Caps, without columns of their own: the codes a creator was sent in the
 * last ALERT_DAY come from messages (the code message's dedupe_key holds
 * the creator and the moment, zero-padded, so a range of the unique index
 * counts them). Wrong answers live in sale_alerts.code_tries, two counts
 * in one: ALERT_TRIES_DAY × the wrong answers since the first of those
 * codes, plus the current code's. The first code after a quiet day starts
 * both again.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "alert.h"
#include "crypto.h"
#include "i18n.h"
#include "log.h"
#include "outbox.h"
#include "phone.h"

#define ALERT_DAY		86400
#define ALERT_TRIES_DAY		100	/* code_tries = day × 100 + code */

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

/* The code message's dedupe_key for creator_id at t (see above). */
static void
alert_code_key(int64_t creator_id, const char *t, char key[64])
{
	snprintf(key, 64, "alert-code:%lld:%s", (long long)creator_id, t);
}

/* How many codes went to creator_id in the last day before now. */
static enum ny_err
alert_codes_day(struct db *db, int64_t creator_id, int64_t now, int64_t *n)
{
	sqlite3_stmt *st = db_stmt(db, "SELECT count(*) FROM messages"
	    " WHERE dedupe_key > ?1 AND dedupe_key < ?2");
	char lo[64], hi[64], t[24];

	*n = 0;
	snprintf(t, sizeof t, "%012lld", (long long)(now - ALERT_DAY));
	alert_code_key(creator_id, t, lo);
	alert_code_key(creator_id, "~", hi);	/* '~' sorts after digits */
	if (st != NULL) {
		sqlite3_bind_text(st, 1, lo, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(st, 2, hi, -1, SQLITE_TRANSIENT);
	}
	return db_int64(st, n);
}

/* Whether the day's caps are reached, given code_tries and the count. */
static int
alert_capped(int tries, int64_t codes)
{
	return codes >= ALERT_CODES_DAY || (codes > 0 &&
	    tries / ALERT_TRIES_DAY >= ALERT_WRONG_DAY);
}

enum ny_err
alert_get(struct db *db, int64_t creator_id, int64_t now,
    struct alert_conf *c)
{
	sqlite3_stmt *st = db_stmt(db, "SELECT phone, mode, hour,"
	    " verified_at IS NOT NULL, code_hash IS NOT NULL"
	    " AND code_expires > ?2, code_tries"
	    " FROM sale_alerts WHERE creator_id = ?1");
	char mode[8];
	int64_t codes = 0;
	int rc, tries = 0;
	enum ny_err err;

	memset(c, 0, sizeof *c);
	c->hour = 20;
	if (st == NULL)
		return NY_EDB;
	sqlite3_bind_int64(st, 1, creator_id);
	sqlite3_bind_int64(st, 2, now);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		db_col_buf(st, 0, c->phone, sizeof c->phone);
		db_col_buf(st, 1, mode, sizeof mode);
		if (alert_mode_parse(mode, &c->mode) != NY_OK)
			c->mode = ALERT_OFF;
		c->hour = sqlite3_column_int(st, 2);
		c->verified = sqlite3_column_int(st, 3);
		c->code_pending = sqlite3_column_int(st, 4);
		tries = sqlite3_column_int(st, 5);
	}
	sqlite3_reset(st);
	if (rc != SQLITE_ROW)
		return rc == SQLITE_DONE ? NY_OK : db_err(rc);
	if ((err = alert_codes_day(db, creator_id, now, &codes)) != NY_OK)
		return err;
	c->capped = alert_capped(tries, codes);
	if (tries % ALERT_TRIES_DAY >= ALERT_CODE_TRIES ||
	    tries / ALERT_TRIES_DAY >= ALERT_WRONG_DAY)
		c->code_pending = 0;
	return NY_OK;
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
	if (rc == SQLITE_ROW)
		alert_lang(lang);
	return db_found(rc);
}

/*
 * Inside the transaction: when the last code went out (0: never) and
 * code_tries.
 */
static enum ny_err
alert_last_code(struct db *db, int64_t creator_id, int64_t *sent,
    int *tries)
{
	sqlite3_stmt *st = db_stmt(db, "SELECT coalesce(code_expires, 0),"
	    " code_tries FROM sale_alerts WHERE creator_id = ?");
	int64_t exp = 0;
	int rc;

	*tries = 0;
	if (st == NULL)
		return NY_EDB;
	sqlite3_bind_int64(st, 1, creator_id);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		exp = sqlite3_column_int64(st, 0);
		*tries = sqlite3_column_int(st, 1);
	}
	sqlite3_reset(st);
	*sent = exp > 0 ? exp - ALERT_CODE_TTL : 0;
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? NY_OK : db_err(rc);
}

/* alert_code_send inside its transaction. */
static enum ny_err
alert_code_send_tx(struct db *db, int64_t creator_id, const char *e164,
    int64_t now)
{
	char lang[4] = "en", code[8], hex[2 * TOK_HASH_LEN + 1], dedupe[64];
	char t[24], *body;
	struct outbox_msg m;
	sqlite3_stmt *st;
	int64_t sent, codes;
	int tries;
	enum ny_err rc;

	if ((rc = alert_locale(db, creator_id, lang)) != NY_OK ||
	    (rc = alert_last_code(db, creator_id, &sent, &tries)) != NY_OK ||
	    (rc = alert_codes_day(db, creator_id, now, &codes)) != NY_OK)
		return rc;
	if (sent > 0 && now < sent + ALERT_CODE_EVERY && now >= sent)
		return NY_ELIMIT;
	if (alert_capped(tries, codes))
		return NY_EDENIED;
	/* A quiet day forgets the wrong answers; else they still count. */
	tries = codes == 0 ? 0 : tries / ALERT_TRIES_DAY * ALERT_TRIES_DAY;
	snprintf(code, sizeof code, "%06u", randombytes_uniform(1000000));
	alert_code_hash(creator_id, code, hex);
	/* Another number than the stored one is not verified. */
	st = db_stmt(db, "INSERT INTO sale_alerts(creator_id, phone,"
	    " code_hash, code_expires, code_tries) VALUES (?1, ?2, ?3, ?4, ?5)"
	    " ON CONFLICT(creator_id) DO UPDATE SET"
	    " verified_at = CASE WHEN phone = excluded.phone"
	    "  THEN verified_at END, phone = excluded.phone,"
	    " code_hash = excluded.code_hash,"
	    " code_expires = excluded.code_expires,"
	    " code_tries = excluded.code_tries");
	if (st == NULL)
		return NY_EDB;
	sqlite3_bind_int64(st, 1, creator_id);
	sqlite3_bind_text(st, 2, e164, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, hex, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, now + ALERT_CODE_TTL);
	sqlite3_bind_int(st, 5, tries);
	if ((rc = db_done(st)) != NY_OK)
		return rc;
	/* The code is in the body only until it is sent or failed for good
	 * (outbox.c blanks it then); the table keeps only its hash. */
	body = i18n_fmt(lang, "msg.alert_code", "code", code, NULL);
	snprintf(t, sizeof t, "%012lld", (long long)now);
	alert_code_key(creator_id, t, dedupe);
	memset(&m, 0, sizeof m);
	m.to_phone = e164;
	m.kind = ALERT_CODE_KIND;
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
	    NY_OK) {
		if (rc == NY_EDENIED)
			log_warn("sale alert codes capped for today",
			    "creator=%lld", (long long)creator_id);
		return rc;
	}
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
	/* Right: the day's wrong answers stay (the caps are per day). */
	sqlite3_stmt *st = right ?
	    db_stmt(db, "UPDATE sale_alerts SET verified_at = ?2,"
	    " code_hash = NULL, code_expires = NULL,"
	    " code_tries = code_tries - code_tries % ?3"
	    " WHERE creator_id = ?1") :
	    db_stmt(db, "UPDATE sale_alerts SET code_tries = code_tries + ?3"
	    " + 1 WHERE creator_id = ?1 AND ?2 = ?2");

	if (st == NULL)
		return NY_EDB;
	sqlite3_bind_int64(st, 1, creator_id);
	sqlite3_bind_int64(st, 2, now);
	sqlite3_bind_int(st, 3, ALERT_TRIES_DAY);
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
	int rc, tries = 0, day, n = 0;

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
	day = tries / ALERT_TRIES_DAY;
	tries %= ALERT_TRIES_DAY;
	/* Ten wrong answers a day across codes, five for one code: a
	 * million codes are never worth guessing. */
	if (tries >= ALERT_CODE_TRIES || day >= ALERT_WRONG_DAY) {
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
		*left = ALERT_CODE_TRIES - tries < ALERT_WRONG_DAY - day ?
		    ALERT_CODE_TRIES - tries - 1 : ALERT_WRONG_DAY - day - 1;
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
