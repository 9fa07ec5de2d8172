/*
 * library-recover.c: the library link sent again, on the buyer's request
 * (rate limited) or the creator's (the console). See library-recover.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crypto.h"
#include "customer.h"
#include "i18n.h"
#include "library-key.h"
#include "library-recover.h"
#include "log.h"
#include "outbox.h"

/*
 * Per hour: 3 per (phone, address), 10 per address, 30 per phone from
 * anywhere. A stranger alone cannot block a phone's recovery (they use up
 * only their own (phone, address) allowance); blocking it takes ten
 * addresses. Messages to a phone stay bounded anyway: one per 10-minute
 * slot (the dedupe in library_recover), 6 an hour.
 */
#define RECOVER_WINDOW		3600
#define RECOVER_PER_PAIR	3
#define RECOVER_PER_ADDR	10
#define RECOVER_PER_PHONE	30
#define RECOVER_SLOT		600	/* one recovery message per slot */

/*
 * Runs a "SELECT count(*) ... WHERE x = ?1 AND at > ?2 [AND y = ?3]"
 * (sql a literal: db_stmt caches by pointer) into *n. val2 may be NULL
 * (no third parameter). NY_OK or the mapped error.
 */
static enum ny_err
rec_count(struct db *db, const char *sql, const char *val, int64_t since,
    const char *val2, int64_t *n)
{
	sqlite3_stmt *st = db_stmt(db, sql);

	if (st != NULL) {
		sqlite3_bind_text(st, 1, val, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int64(st, 2, since);
		if (val2 != NULL)
			sqlite3_bind_text(st, 3, val2, -1, SQLITE_TRANSIENT);
	}
	return db_int64(st, n);
}

/* Inside the transaction: records one attempt and forgets old ones. */
static enum ny_err
rec_attempt_add(struct db *db, const char *phone, const char *addr,
    int64_t now)
{
	sqlite3_stmt *st = db_stmt(db, "INSERT INTO recover_attempts"
	    " (at, phone, addr) VALUES (?, ?, ?)");
	enum ny_err rc;

	if (st != NULL) {
		sqlite3_bind_int64(st, 1, now);
		sqlite3_bind_text(st, 2, phone, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(st, 3, addr, -1, SQLITE_TRANSIENT);
	}
	if ((rc = db_done(st)) != NY_OK)
		return rc;
	st = db_stmt(db, "DELETE FROM recover_attempts WHERE at < ?");
	if (st != NULL)
		sqlite3_bind_int64(st, 1, now - 2 * RECOVER_WINDOW);
	return db_done(st);
}

/* Inside the transaction: refuses past the limits (NY_ELIMIT), else records. */
static enum ny_err
rec_throttle(struct db *db, const char *phone, const char *addr, int64_t now)
{
	int64_t np = 0, na = 0, npa = 0, since = now - RECOVER_WINDOW;
	enum ny_err rc;

	if ((rc = rec_count(db, "SELECT count(*) FROM recover_attempts"
	    " WHERE phone = ? AND at > ?", phone, since, NULL, &np)) != NY_OK ||
	    (rc = rec_count(db, "SELECT count(*) FROM recover_attempts"
	    " WHERE addr = ? AND at > ?", addr, since, NULL, &na)) != NY_OK ||
	    (rc = rec_count(db, "SELECT count(*) FROM recover_attempts"
	    " WHERE phone = ?1 AND at > ?2 AND addr = ?3", phone, since, addr,
	    &npa)) != NY_OK)
		return rc;
	if (npa >= RECOVER_PER_PAIR || na >= RECOVER_PER_ADDR ||
	    np >= RECOVER_PER_PHONE)
		return NY_ELIMIT;
	return rec_attempt_add(db, phone, addr, now);
}

/*
 * The customer of phone when they own anything: *customer_id and their
 * locale (4 bytes). NY_OK, NY_ENOTFOUND or the mapped error.
 */
static enum ny_err
rec_owner(struct db *db, const char *phone, int64_t *customer_id,
    char locale[4])
{
	sqlite3_stmt *st = db_stmt(db,
	    "SELECT c.id, c.locale FROM customers c WHERE c.phone = ?"
	    " AND EXISTS (SELECT 1 FROM entitlements e WHERE"
	    " e.customer_id = c.id)");
	int rc;

	if (st == NULL)
		return NY_EDB;
	sqlite3_bind_text(st, 1, phone, -1, SQLITE_TRANSIENT);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		const unsigned char *l = sqlite3_column_text(st, 1);

		*customer_id = sqlite3_column_int64(st, 0);
		snprintf(locale, 4, "%s", l != NULL ? (const char *)l : "");
	}
	sqlite3_reset(st);
	return db_found(rc);
}

/*
 * Inside the transaction: ensures a live key and queues the current link
 * to phone in locale; dedupe names the slot ("recover:…", "resend:…"), an
 * existing message of that slot is kept (*msg_id gets it). NY_OK or the
 * error of the key or the queue.
 */
static enum ny_err
rec_link_queue(struct db *db, int64_t customer_id, const char *phone,
    const char *locale, const char *dedupe, int64_t *msg_id)
{
	struct outbox_msg m;
	int64_t kid;
	char *body;
	enum ny_err rc;

	if ((rc = library_key_ensure_tx(db, customer_id, &kid)) != NY_OK)
		return rc;
	body = i18n_fmt(locale, "msg.library_link", NULL);
	memset(&m, 0, sizeof m);
	m.customer_id = customer_id;
	m.to_phone = phone;
	m.kind = "library_link";
	m.locale = locale;
	m.body = body;
	m.library_key_id = kid;
	m.dedupe_key = dedupe;
	rc = outbox_queue_tx(db, &m, msg_id);
	free(body);
	return rc;
}

enum ny_err
library_recover(struct db *db, const char *phone, const char *receipt,
    const char *addr, int64_t now, int *queued)
{
	char locale[4], dedupe[64];
	int64_t cid = 0;
	enum ny_err rc;

	(void)receipt;	/* the phone alone decides; see library-recover.h */
	if (queued != NULL)
		*queued = 0;
	if ((rc = db_begin(db)) != NY_OK)
		return rc;
	rc = rec_throttle(db, phone, addr != NULL ? addr : "", now);
	if (rc == NY_OK)
		rc = rec_owner(db, phone, &cid, locale);
	if (rc == NY_OK) {
		snprintf(dedupe, sizeof dedupe, "recover:%lld:%lld",
		    (long long)cid, (long long)(now / RECOVER_SLOT));
		rc = rec_link_queue(db, cid, phone, locale, dedupe, NULL);
		if (rc == NY_OK && queued != NULL)
			*queued = 1;
	} else if (rc == NY_ENOTFOUND)
		rc = NY_OK;	/* owns nothing: the same answer */
	return db_end(db, rc);
}

/* The customers who paid with an address, at most this many phones. */
#define RECOVER_MAIL_PHONES	5

/* db_rows fill: a customer with their phone and locale. */
struct rec_mail_owner {
	int64_t	 id;
	char	 phone[16];
	char	 locale[4];
};

static enum ny_err
rec_mail_fill(void *arg, void *elem, sqlite3_stmt *st)
{
	struct rec_mail_owner *o = elem;

	(void)arg;
	o->id = sqlite3_column_int64(st, 0);
	db_col_buf(st, 1, o->phone, sizeof o->phone);
	db_col_buf(st, 2, o->locale, sizeof o->locale);
	return NY_OK;
}

/*
 * Inside the transaction: queues the address's own link (its key opens
 * only what was bought with it) to the address, for customer o.
 */
static enum ny_err
rec_mail_queue(struct db *db, const struct rec_mail_owner *o,
    const char *email, const char *dedupe)
{
	struct outbox_msg m;
	int64_t kid;
	char *body;
	enum ny_err rc;

	if ((rc = library_key_mail_ensure_tx(db, o->id, email, &kid)) != NY_OK)
		return rc;
	body = i18n_fmt(o->locale, "msg.library_link_mail", NULL);
	memset(&m, 0, sizeof m);
	m.customer_id = o->id;
	m.to_phone = o->phone;
	m.kind = "library_link";
	m.locale = o->locale;
	m.body = body;
	m.library_key_id = kid;
	m.dedupe_key = dedupe;
	m.channel = "email";
	m.to_email = email;
	rc = outbox_queue_tx(db, &m, NULL);
	free(body);
	return rc;
}

enum ny_err
library_recover_email(struct db *db, const char *email, const char *addr,
    int64_t now, int *queued)
{
	struct rec_mail_owner *v = NULL;
	unsigned char h[TOK_HASH_LEN];
	char who[8 + 2 * TOK_HASH_LEN + 1], dedupe[160];
	sqlite3_stmt *st;
	size_t i, n = 0;
	enum ny_err rc;

	if (queued != NULL)
		*queued = 0;
	/* Throttled like a phone, under a keyed hash of the address: the
	 * attempts table never holds it in clear. */
	tok_hash_ctx("recover-mail", email, h);
	memcpy(who, "mail:", 5);
	crypto_hex(h, 16, who + 5);
	if ((rc = db_begin(db)) != NY_OK)
		return rc;
	if ((rc = rec_throttle(db, who, addr != NULL ? addr : "", now)) !=
	    NY_OK)
		return db_end(db, rc);
	st = db_stmt(db, "SELECT DISTINCT c.id, c.phone, c.locale"
	    " FROM orders o JOIN customers c ON c.id = o.customer_id"
	    " WHERE o.email = ? AND o.status = 'paid'");
	if (st != NULL)
		sqlite3_bind_text(st, 1, email, -1, SQLITE_TRANSIENT);
	rc = db_rows(st, RECOVER_MAIL_PHONES, &v, &n, sizeof *v,
	    rec_mail_fill, NULL);
	for (i = 0; rc == NY_OK && i < n; i++) {
		snprintf(dedupe, sizeof dedupe, "recover-mail:%lld:%s:%lld",
		    (long long)v[i].id, who + 5,
		    (long long)(now / RECOVER_SLOT));
		rc = rec_mail_queue(db, &v[i], email, dedupe);
		if (rc == NY_OK && queued != NULL)
			*queued = 1;
	}
	free(v);
	return db_end(db, rc);
}

enum ny_err
library_recover_resend(struct db *db, int64_t customer_id, int64_t now,
    int64_t *msg_id)
{
	struct customer c;
	char dedupe[64];
	enum ny_err rc;

	snprintf(dedupe, sizeof dedupe, "resend:%lld:%lld",
	    (long long)customer_id, (long long)now);
	if ((rc = db_begin(db)) != NY_OK)
		return rc;
	if ((rc = customer_by_id(db, customer_id, &c)) == NY_OK) {
		/* Found: this second's message exists, nothing to queue. */
		rc = outbox_find_tx(db, dedupe, msg_id);
		if (rc == NY_OK)
			rc = NY_EEXISTS;
		else if (rc == NY_ENOTFOUND)
			rc = rec_link_queue(db, customer_id, c.phone, c.locale,
			    dedupe, msg_id);
	}
	if ((rc = db_end(db, rc)) == NY_OK)
		log_info("library link resent", "customer=%lld",
		    (long long)customer_id);
	return rc;
}
