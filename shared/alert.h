/*
 * alert.h: sale alerts, WhatsApp messages to a creator's own number
 * (table sale_alerts): one per sale, or one summary a day at a chosen
 * hour (East Africa Time, UTC+3 all year). Every message goes through the
 * outbox (outbox.h), so its retries and drivers apply.
 *
 * The number is used only once verified: alert_code_send queues a
 * 6-digit code to it (only a keyed hash is stored; valid ALERT_CODE_TTL
 * seconds, ALERT_CODE_TRIES wrong answers), alert_code_check takes it
 * back (alert-code.c). Per creator and day, at most ALERT_CODES_DAY codes
 * and ALERT_WRONG_DAY wrong answers across them: neither guessing nor
 * spamming someone else's number pays. Another number clears the
 * verification: a new code is needed.
 *
 * The daily summary covers the sales since the previous one, to the
 * second (at most ALERT_DAILY_SPAN seconds back; the first one the last
 * day): count and total per currency. sale_alerts.last_daily keeps the
 * moment it was made, "YYYY-MM-DDTHH:MM:SS" EAT, so its first 10
 * characters are the day done. A day without sales sends nothing (a
 * "0 sales" message every day would teach the creator to ignore them),
 * but counts as done.
 *
 * Alerts are best-effort: one that cannot be queued is logged and left
 * out, never a reason to undo the sale or the other messages beside it.
 */
#ifndef NY_ALERT_H
#define NY_ALERT_H

#include <stdint.h>

#include "db.h"

#define ALERT_CODE_TTL		600	/* seconds a code is valid */
#define ALERT_CODE_TRIES	5	/* wrong answers before a new code */
#define ALERT_CODE_EVERY	60	/* seconds between two codes */
#define ALERT_CODES_DAY		5	/* codes a creator gets a day */
#define ALERT_WRONG_DAY		10	/* wrong answers a day, all codes */
#define ALERT_CODE_KIND		"alert_code"	/* messages.kind of a code */
#define ALERT_DAILY_SPAN	(7 * 86400)	/* longest summary window */
#define ALERT_EAT		(3 * 3600)	/* East Africa Time − UTC */

enum alert_mode { ALERT_OFF, ALERT_EACH, ALERT_DAILY };

/* A creator's alert settings (alert_get). */
struct alert_conf {
	char		 phone[16];	/* E.164 digits, "" when none */
	enum alert_mode	 mode;
	int		 hour;		/* 0..23 EAT, daily only */
	int		 verified;	/* phone verified */
	int		 code_pending;	/* a code is out and still valid */
	int		 capped;	/* no more codes or tries today */
};

/* "off", "each", "daily" (and back: NY_OK or NY_EINVAL). */
const char	*alert_mode_name(enum alert_mode m);
enum ny_err	 alert_mode_parse(const char *s, enum alert_mode *m);

/*
 * creator_id's settings at now into *c (zeroed, mode off, hour 20 when
 * there are none). NY_OK or NY_EDB.
 */
enum ny_err	 alert_get(struct db *db, int64_t creator_id, int64_t now,
		    struct alert_conf *c);

/*
 * Normalises phone (phone.h; *perr the reason when refused) and queues a
 * new code to it in the creator's language; a number other than the
 * stored one loses its verification. Opens its own transaction. NY_OK
 * (*e164 the number, ≥ 16 bytes, may be NULL), NY_EINVAL (bad number,
 * *perr says why), NY_ELIMIT (a code went out less than ALERT_CODE_EVERY
 * seconds ago), NY_EDENIED (the day's codes or wrong answers are used
 * up), NY_EBUSY, NY_EDB.
 */
enum ny_err	 alert_code_send(struct db *db, int64_t creator_id,
		    const char *phone, int64_t now, int *perr, char *e164);

/*
 * Checks the code typed back. NY_OK (the number is verified), NY_EDENIED
 * (wrong; *left the tries left, may be NULL), NY_ELIMIT (no tries left
 * for this code, or for the day: alert_get's capped tells),
 * NY_EREPLAY (expired, or no code out), NY_EBUSY, NY_EDB.
 */
enum ny_err	 alert_code_check(struct db *db, int64_t creator_id,
		    const char *code, int64_t now, int *left);

/*
 * Sets mode and hour (0..23; kept as is for other modes). Each and daily
 * need a verified number (NY_ESTATE). When daily starts at an hour already
 * past today, the first summary is tomorrow's. Moving the hour keeps the
 * window: the next summary starts where the last one ended (so one not
 * yet sent today goes as soon as the new hour is reached). NY_OK,
 * NY_EINVAL, NY_ESTATE, NY_EBUSY, NY_EDB.
 */
enum ny_err	 alert_set_mode(struct db *db, int64_t creator_id,
		    enum alert_mode mode, int hour, int64_t now);

/*
 * Inside payment_settle's transaction, for an order that became paid:
 * queues one "sale_alert" to the product's creator when their mode is
 * each and the number verified (product, amount, the buyer's masked
 * phone, in the creator's language); else nothing. Best-effort, in a
 * savepoint: an alert that fails is undone and logged (order id only),
 * and NY_OK returned; only NY_EBUSY (the caller retries the whole
 * transaction) or NY_EDB for a transaction SQLite gave up come back.
 */
enum ny_err	 alert_sale(struct db *db, int64_t order_id, int64_t now);

/*
 * Inside outbox_schedule's transaction: the daily summaries due at now
 * (the EAT hour reached, none yet today), each at most once per creator
 * and day. *queued (incremented) counts the messages. Each creator's in
 * its own savepoint, best-effort as alert_sale (one that fails is tried
 * again at the next run). NY_OK, NY_EBUSY or NY_EDB.
 */
enum ny_err	 alert_daily(struct db *db, int64_t now, int *queued);

/* "YYYY-MM-DD" of t in EAT into day (≥ 11 bytes). */
void		 alert_eat_day(int64_t t, char day[11]);

/*
 * lang (≥ 4 bytes) as a language the outbox takes ("en", "sw"): any other
 * becomes "en", so an alert never fails on the creator's setting.
 */
void		 alert_lang(char *lang);

#endif
