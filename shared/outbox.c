/*
 * outbox.c: queueing, the send step, the console's list and retry. The
 * drivers live in outbox-log.c and outbox-cloud.c (WhatsApp),
 * outbox-mail.c and outbox-smtp.c (email), the scheduler in
 * outbox-schedule.c. See outbox.h for the delivery guarantees.
 */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "library-key.h"
#include "log.h"
#include "mail-optout.h"
#include "mail.h"
#include "outbox.h"
#include "outbox-int.h"

struct outbox {
	const struct outbox_driver	*drv;	/* WhatsApp */
	void				*data;
	const struct outbox_driver	*mdrv;	/* email */
	void				*mdata;
	char				*base_url;
};

/* ---- queueing ------------------------------------------------------- */

enum ny_err
outbox_find_tx(struct db *db, const char *dedupe_key, int64_t *id)
{
	sqlite3_stmt *st = db_stmt(db,
	    "SELECT id FROM messages WHERE dedupe_key = ?");

	if (st != NULL)
		sqlite3_bind_text(st, 1, dedupe_key, -1, SQLITE_TRANSIENT);
	return db_int64(st, id);
}

enum ny_err
outbox_queue_tx(struct db *db, const struct outbox_msg *m, int64_t *id)
{
	sqlite3_stmt *st;
	char addr[MAIL_ADDR_MAX + 1];
	int email = m->channel != NULL && strcmp(m->channel, "email") == 0;
	enum ny_err rc;

	if (m->to_phone == NULL || *m->to_phone == '\0' || m->kind == NULL ||
	    m->body == NULL || m->locale == NULL ||
	    (strcmp(m->locale, "en") != 0 && strcmp(m->locale, "sw") != 0))
		return NY_EINVAL;
	/* An email row keeps to_phone (the console's key) and needs an
	 * address that can go into a header as is. */
	if ((m->channel != NULL && !email &&
	    strcmp(m->channel, "whatsapp") != 0) || (email &&
	    mail_addr_check(m->to_email, addr, sizeof addr) != NY_OK))
		return NY_EINVAL;
	if (m->dedupe_key != NULL &&
	    (rc = outbox_find_tx(db, m->dedupe_key, id)) != NY_ENOTFOUND)
		return rc;
	st = db_stmt(db, "INSERT INTO messages (customer_id, to_phone, kind,"
	    " locale, body, library_key_id, params, dedupe_key, order_id,"
	    " next_attempt_at, created_at, channel, to_email)"
	    " VALUES (nullif(?1, 0), ?2, ?3, ?4, ?5, nullif(?6, 0), ?7, ?8,"
	    " nullif(?9, 0), ?10, ?11, ?12, ?13)");
	if (st == NULL)
		return NY_EDB;
	sqlite3_bind_int64(st, 1, m->customer_id);
	sqlite3_bind_text(st, 2, m->to_phone, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 3, m->kind, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 4, m->locale, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 5, m->body, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 6, m->library_key_id);
	sqlite3_bind_text(st, 7, m->params != NULL ? m->params : "[]", -1,
	    SQLITE_TRANSIENT);
	if (m->dedupe_key != NULL)
		sqlite3_bind_text(st, 8, m->dedupe_key, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 9, m->order_id);
	sqlite3_bind_int64(st, 10, m->not_before);
	sqlite3_bind_int64(st, 11, ny_now());
	sqlite3_bind_text(st, 12, email ? "email" : "whatsapp", -1,
	    SQLITE_STATIC);
	if (email)
		sqlite3_bind_text(st, 13, addr, -1, SQLITE_TRANSIENT);
	if ((rc = db_done(st)) != NY_OK)
		return rc;
	if (id != NULL)
		*id = sqlite3_last_insert_rowid(db_sqlite(db));
	return db_event(db, "message", sqlite3_last_insert_rowid(db_sqlite(db)),
	    NULL);
}

/* ---- the sender ----------------------------------------------------- */

enum ny_err
outbox_new(const struct outbox_conf *conf, struct outbox **out, char **cause)
{
	struct outbox *ob;
	const struct outbox_driver *drv;
	void *data = NULL;
	enum ny_err rc;

	if (conf->driver == NULL || strcmp(conf->driver, "log") == 0)
		drv = &outbox_driver_log;
	else if (strcmp(conf->driver, "cloud") == 0)
		drv = &outbox_driver_cloud;
	else {
		*cause = xasprintf("NYOTA_WHATSAPP: expected log or cloud, "
		    "got \"%s\"", conf->driver);
		return NY_EINVAL;
	}
	rc = drv == &outbox_driver_log ? outbox_log_new(conf, &data, cause) :
	    outbox_cloud_new(conf, &data, cause);
	if (rc != NY_OK)
		return rc;
	ob = xcalloc(1, sizeof *ob);
	ob->drv = drv;
	ob->data = data;
	if (conf->smtp_url != NULL && *conf->smtp_url != '\0') {
		ob->mdrv = &outbox_driver_smtp;
		rc = outbox_smtp_new(conf, &ob->mdata, cause);
	} else {
		ob->mdrv = &outbox_driver_mail_log;
		rc = outbox_mail_log_new(conf, &ob->mdata, cause);
	}
	if (rc != NY_OK) {
		ob->mdrv = NULL;
		outbox_free(ob);
		return rc;
	}
	ob->base_url = xstrdup(conf->base_url != NULL ? conf->base_url : "");
	*out = ob;
	return NY_OK;
}

void
outbox_free(struct outbox *ob)
{
	if (ob == NULL)
		return;
	if (ob->drv->free != NULL)
		ob->drv->free(ob->data);
	if (ob->mdrv != NULL && ob->mdrv->free != NULL)
		ob->mdrv->free(ob->mdata);
	free(ob->base_url);
	free(ob);
}

int64_t
outbox_backoff(int attempts)
{
	int64_t base = 15;
	int i;

	/* 15 s, 30 s, 1 min … capped at 1 h; ±25 % jitter so a burst of
	 * failures does not retry in lock-step. */
	for (i = 1; i < attempts && base < 3600; i++)
		base *= 2;
	if (base > 3600)
		base = 3600;
	return base - base / 4 + (int64_t)randombytes_uniform(
	    (uint32_t)(base / 2 + 1));
}

struct ob_claim {
	int64_t	 id;
	int64_t	 key_id;
	int	 attempts;
	char	*to;
	char	*kind;
	char	*locale;
	char	*body;
	char	*params;
	char	*channel;
	char	*to_email;
};

/* Frees n claims and their array. */
static void
ob_claims_free(struct ob_claim *c, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(c[i].to);
		free(c[i].kind);
		free(c[i].locale);
		free(c[i].body);
		free(c[i].params);
		free(c[i].channel);
		free(c[i].to_email);
	}
	free(c);
}

/* Inside a transaction: stale 'sending' rows (a crash) go back. */
static enum ny_err
ob_reclaim(struct db *db, int64_t now)
{
	sqlite3_stmt *st = db_stmt(db, "UPDATE messages SET status = 'queued'"
	    " WHERE status = 'sending' AND next_attempt_at <= ?");
	int64_t n = 0;
	enum ny_err rc;

	if (st != NULL)
		sqlite3_bind_int64(st, 1, now - OUTBOX_STALE);
	/* Any number of rows, none included: NY_OK either way. */
	if ((rc = db_one(st, NY_OK, &n)) == NY_OK && n > 0)
		log_warn("outbox reclaimed stale messages", "n=%lld",
		    (long long)n);
	return rc;
}

/* db_rows fill: one row the claim's RETURNING gives. */
static enum ny_err
ob_claim_fill(void *arg, void *elem, sqlite3_stmt *st)
{
	struct ob_claim *c = elem;

	(void)arg;
	c->id = sqlite3_column_int64(st, 0);
	c->key_id = sqlite3_column_int64(st, 1);
	c->attempts = sqlite3_column_int(st, 2);
	c->to = db_col_str(st, 3);
	c->kind = db_col_str(st, 4);
	c->locale = db_col_str(st, 5);
	c->body = db_col_str(st, 6);
	c->params = db_col_str(st, 7);
	c->channel = db_col_str(st, 8);
	c->to_email = db_col_str(st, 9);
	return NY_OK;
}

/*
 * Claims up to batch due rows: status sending, attempts + 1, and the claim
 * time in next_attempt_at (what ob_reclaim measures staleness by). NY_OK
 * and *out, *n (ob_claims_free), or an error and nothing claimed.
 */
static enum ny_err
ob_claim(struct db *db, int64_t now, int batch, struct ob_claim **out,
    size_t *n)
{
	sqlite3_stmt *st;
	struct ob_claim *c = NULL;
	enum ny_err rc;

	*n = 0;
	if ((rc = db_begin(db)) != NY_OK)
		return rc;
	if ((rc = ob_reclaim(db, now)) != NY_OK) {
		db_rollback(db);
		return rc;
	}
	st = db_stmt(db, "UPDATE messages SET status = 'sending',"
	    " attempts = attempts + 1, next_attempt_at = ?1"
	    " WHERE id IN (SELECT id FROM messages WHERE status = 'queued'"
	    "  AND next_attempt_at <= ?1 ORDER BY next_attempt_at, id"
	    "  LIMIT ?2)"
	    " RETURNING id, coalesce(library_key_id, 0), attempts, to_phone,"
	    " kind, locale, body, params, channel, to_email");
	if (st != NULL) {
		sqlite3_bind_int64(st, 1, now);
		sqlite3_bind_int(st, 2, batch);
	}
	rc = db_rows(st, 0, &c, n, sizeof *c, ob_claim_fill, NULL);
	if ((rc = db_end(db, rc)) != NY_OK) {
		ob_claims_free(c, *n);
		*n = 0;
		return rc;
	}
	*out = c;
	return NY_OK;
}

/* s with every "{link}" replaced by link ("" when NULL). Caller frees. */
char *
outbox_subst_link(const char *s, const char *link)
{
	struct ny_buf b;
	const char *p;

	buf_init(&b, 0);
	while ((p = strstr(s, "{link}")) != NULL) {
		buf_add(&b, s, (size_t)(p - s));
		buf_adds(&b, link != NULL ? link : "");
		s = p + 6;
	}
	buf_adds(&b, s);
	return buf_steal(&b, NULL);
}

/*
 * Runs one of ob_record's updates (sql a literal: ?1 id, ?2 a time, ?3 a
 * text, ?4 the new body or NULL) with its event, in its own transaction.
 * NY_OK or the error.
 */
static enum ny_err
ob_mark(struct db *db, int64_t id, const char *sql, int64_t t,
    const char *text, const char *body)
{
	sqlite3_stmt *st;
	enum ny_err rc;

	if ((rc = db_begin(db)) != NY_OK)
		return rc;
	if ((st = db_stmt(db, sql)) != NULL) {
		sqlite3_bind_int64(st, 1, id);
		sqlite3_bind_int64(st, 2, t);
		sqlite3_bind_text(st, 3, text, -1, SQLITE_TRANSIENT);
		if (body != NULL)
			sqlite3_bind_text(st, 4, body, -1, SQLITE_TRANSIENT);
	}
	if ((rc = db_done(st)) == NY_OK)
		rc = db_event(db, "message", id, NULL);
	return db_end(db, rc);
}

/*
 * The body of a message that carries a one-time code (a sale alerts code,
 * kind "alert_code") with its digits blanked, or NULL for any other
 * kind. Once sent or failed for good the code has no use, and the
 * database must not keep it (the console lists bodies, backups copy
 * them). Every run of 6 digits goes: "10 minutes" stays readable.
 */
static char *
ob_redacted(const struct ob_claim *c)
{
	struct ny_buf b;
	const char *p = c->body;
	size_t n;

	if (strcmp(c->kind, "alert_code") != 0)
		return NULL;
	buf_init(&b, 0);
	while (*p != '\0') {
		for (n = 0; p[n] >= '0' && p[n] <= '9'; n++)
			;
		if (n == 6)
			buf_adds(&b, "\u2022\u2022\u2022\u2022\u2022\u2022");
		else
			buf_add(&b, p, n > 0 ? n : 1);
		p += n > 0 ? n : 1;
	}
	return buf_steal(&b, NULL);
}

/* Records the driver's answer for claim c: sent, queued again or failed. */
static enum ny_err
ob_record(struct db *db, const struct ob_claim *c, enum outbox_result res,
    int64_t now, const char *provider_id, const char *reason)
{
	char *body = NULL;
	enum ny_err rc;

	/* "AND status = 'sending'": a row reclaimed meanwhile is not ours.
	 * A code's body is blanked by the statement that marks it done. */
	if (res == OUTBOX_RETRY && c->attempts < OUTBOX_MAX_ATTEMPTS)
		return ob_mark(db, c->id, "UPDATE messages SET status = 'queued',"
		    " next_attempt_at = ?2, last_error = ?3"
		    " WHERE id = ?1 AND status = 'sending'",
		    now + outbox_backoff(c->attempts), reason, NULL);
	body = ob_redacted(c);
	if (res == OUTBOX_SENT)
		rc = ob_mark(db, c->id, "UPDATE messages SET status = 'sent',"
		    " sent_at = ?2, provider_id = nullif(?3, ''),"
		    " last_error = NULL, body = coalesce(?4, body)"
		    " WHERE id = ?1 AND status = 'sending'", now, provider_id,
		    body);
	else
		rc = ob_mark(db, c->id, "UPDATE messages SET status = 'failed',"
		    " next_attempt_at = ?2, last_error = ?3,"
		    " body = coalesce(?4, body)"
		    " WHERE id = ?1 AND status = 'sending'", now, reason, body);
	free(body);
	return rc;
}

/*
 * Sends claim c through the driver with its link built now (from the
 * customer's live key: a link that no longer opens anything helps
 * nobody) and records the outcome. NY_OK or the error of recording.
 */
static enum ny_err
ob_send_one(struct outbox *ob, struct db *db, const struct ob_claim *c,
    int64_t now)
{
	struct outbox_send m;
	enum outbox_result res;
	char pid[128] = "", reason[256] = "", *link = NULL, *body, *params;
	char qr[LOG_QUOTE_LEN];
	int email = c->channel != NULL && strcmp(c->channel, "email") == 0;
	int optout = 0;
	enum ny_err rc;

	/* Asked for no more mail: only what they must get still goes. */
	if (email && c->to_email != NULL && !mail_kind_transactional(c->kind)) {
		/* Unreadable: the row stays 'sending', reclaimed later. */
		if ((rc = mail_optout_has(db, c->to_email, &optout)) != NY_OK)
			return rc;
	}
	if (optout) {
		rc = ob_record(db, c, OUTBOX_FAIL, now, "", "unsubscribed");
		log_info("outbox message", "id=%lld channel=email kind=%s "
		    "attempt=%d result=failed reason=unsubscribed",
		    (long long)c->id, c->kind, c->attempts);
		return rc;
	}
	if (c->key_id > 0 && library_key_url(db, ob->base_url,
	    library_key_current(db, c->key_id), &link) != NY_OK)
		link = NULL;
	body = outbox_subst_link(c->body, link);
	params = outbox_subst_link(c->params, link);
	memset(&m, 0, sizeof m);
	m.id = c->id;
	m.to = email ? (c->to_email != NULL ? c->to_email : "") : c->to;
	m.kind = c->kind;
	m.locale = c->locale;
	m.body = body;
	m.link = link;
	m.params = params;
	m.attempt = c->attempts;
	m.body_raw = c->body;
	res = email ? ob->mdrv->send(ob->mdata, &m, pid, sizeof pid, reason,
	    sizeof reason) : ob->drv->send(ob->data, &m, pid, sizeof pid,
	    reason, sizeof reason);
	if (res != OUTBOX_SENT && reason[0] == '\0')
		snprintf(reason, sizeof reason, "%s", "send failed");
	if (link != NULL)
		sodium_memzero(link, strlen(link));
	free(link);
	free(body);
	free(params);
	rc = ob_record(db, c, res, now, pid, reason);
	/* The reason may quote the provider's answer: escaped. */
	log_info("outbox message", "id=%lld channel=%s kind=%s attempt=%d "
	    "result=%s%s%s", (long long)c->id, email ? "email" : "whatsapp",
	    c->kind, c->attempts, res == OUTBOX_SENT ? "sent" :
	    res == OUTBOX_RETRY ? "retry" : "failed",
	    res == OUTBOX_SENT ? "" : " reason=",
	    res == OUTBOX_SENT ? "" : log_quote(reason, qr, sizeof qr));
	return rc;
}

enum ny_err
outbox_step(struct outbox *ob, struct db *db, int64_t now, int batch,
    int *sent)
{
	struct ob_claim *c = NULL;
	size_t n = 0, i;
	enum ny_err rc;

	if (sent != NULL)
		*sent = 0;
	if ((rc = ob_claim(db, now, batch > 0 ? batch : 16, &c, &n)) != NY_OK)
		return rc;
	for (i = 0; i < n; i++) {
		enum ny_err r = ob_send_one(ob, db, &c[i], now);

		/* A row we could not mark stays 'sending' and is reclaimed
		 * after OUTBOX_STALE: at-least-once, never lost. */
		if (r != NY_OK && rc == NY_OK)
			rc = r;
		if (sent != NULL)
			(*sent)++;
	}
	ob_claims_free(c, n);
	return rc;
}

/* ---- console -------------------------------------------------------- */

/* The columns every console listing reads, in ob_rows' order. */
#define OB_LIST "SELECT id, coalesce(customer_id, 0), to_phone, kind," \
	" locale, status, attempts, next_attempt_at, created_at," \
	" coalesce(sent_at, 0), coalesce(last_error, ''), body, channel," \
	" coalesce(to_email, '') FROM messages"

/* db_rows fill: one OB_LIST row into an outbox_row. */
static enum ny_err
ob_row_fill(void *arg, void *elem, sqlite3_stmt *st)
{
	struct outbox_row *r = elem;

	(void)arg;
	r->id = sqlite3_column_int64(st, 0);
	r->customer_id = sqlite3_column_int64(st, 1);
	db_col_buf(st, 2, r->to_phone, sizeof r->to_phone);
	db_col_buf(st, 3, r->kind, sizeof r->kind);
	db_col_buf(st, 4, r->locale, sizeof r->locale);
	db_col_buf(st, 5, r->status, sizeof r->status);
	r->attempts = sqlite3_column_int(st, 6);
	r->next_attempt_at = sqlite3_column_int64(st, 7);
	r->created_at = sqlite3_column_int64(st, 8);
	r->sent_at = sqlite3_column_int64(st, 9);
	db_col_buf(st, 10, r->last_error, sizeof r->last_error);
	db_col_buf(st, 12, r->channel, sizeof r->channel);
	db_col_buf(st, 13, r->to_email, sizeof r->to_email);
	/* OB_LIST_CREATOR's last column: then body was not selected. */
	if (sqlite3_column_count(st) > 14)
		r->others = sqlite3_column_int(st, 14);
	r->body = r->others ? NULL : db_col_str(st, 11);
	return NY_OK;
}

/*
 * Binds a listing's parameters (?1 status unless NULL, ?2 max with 0 =
 * 100, ?3 creator_id unless 0) and steps st (NULL: NY_EDB) into *rows,
 * *n (newest first); resets st. On an error *rows is NULL and *n 0.
 */
static enum ny_err
ob_rows(sqlite3_stmt *st, const char *status, int max, int64_t creator_id,
    struct outbox_row **rows, size_t *n)
{
	enum ny_err rc;

	*rows = NULL;
	*n = 0;
	if (max <= 0)
		max = 100;
	if (st != NULL) {
		if (status != NULL)
			sqlite3_bind_text(st, 1, status, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int(st, 2, max);
		if (creator_id != 0)
			sqlite3_bind_int64(st, 3, creator_id);
	}
	rc = db_rows(st, (size_t)max, rows, n, sizeof **rows, ob_row_fill,
	    NULL);
	if (rc != NY_OK) {
		outbox_rows_free(*rows, *n);
		*rows = NULL;
		*n = 0;
	}
	return rc;
}

enum ny_err
outbox_list(struct db *db, const char *status, int max,
    struct outbox_row **rows, size_t *n)
{
	/* Two statements: "?1 IS NULL OR status = ?1" cannot use an index,
	 * so a filter on a rare status (failed) read the whole table. */
	sqlite3_stmt *st = status == NULL ?
	    db_stmt(db, OB_LIST " ORDER BY id DESC LIMIT ?2") :
	    db_stmt(db, OB_LIST " WHERE status = ?1 ORDER BY id DESC LIMIT ?2");

	return ob_rows(st, status, max, 0, rows, n);
}

/*
 * A creator's messages: those of an order for one of their products,
 * and those tied to no order (library links, reminders, automations) for
 * a customer who paid for one of their products. The two IN lists are
 * computed once per query; the scan walks messages newest first and
 * stops at max.
 *
 * A message of an order that has another creator's line too (a shared
 * cart, OB_OTHERS) is theirs as well: its receipt lists every line and
 * the grand total, its email twin goes to the buyer's address. For it
 * the body, the address and the last error (an SMTP answer may quote the
 * address) are never selected, and the phone comes as its last 3 digits:
 * the creator sees that it was sent, and can retry it, not what it says.
 * OB_OTHERS walks the order's few lines through their (order_id,
 * product_id) key.
 */
enum ny_err
outbox_list_creator(struct db *db, int64_t creator_id, const char *status,
    int max, struct outbox_row **rows, size_t *n)
{
#define OB_OTHERS "EXISTS (SELECT 1 FROM order_lines x" \
	" WHERE x.order_id = messages.order_id AND x.creator_id <> ?3)"
#define OB_LIST_CREATOR "SELECT id, coalesce(customer_id, 0)," \
	" CASE WHEN " OB_OTHERS " THEN substr(to_phone, -3)" \
	" ELSE to_phone END, kind, locale, status, attempts," \
	" next_attempt_at, created_at, coalesce(sent_at, 0)," \
	" CASE WHEN " OB_OTHERS " THEN '' ELSE coalesce(last_error, '') END," \
	" CASE WHEN " OB_OTHERS " THEN NULL ELSE body END, channel," \
	" CASE WHEN " OB_OTHERS " THEN '' ELSE coalesce(to_email, '') END, " \
	OB_OTHERS " FROM messages"
#define OB_MINE " (order_id IN (SELECT l.order_id FROM order_lines l" \
	" WHERE l.creator_id = ?3) OR (order_id IS NULL" \
	" AND customer_id IN (SELECT o.customer_id FROM order_lines l" \
	" JOIN orders o ON o.id = l.order_id WHERE l.creator_id = ?3 AND" \
	" o.status IN ('paid', 'refunded'))))"
	sqlite3_stmt *st = status == NULL ?
	    db_stmt(db, OB_LIST_CREATOR " WHERE" OB_MINE
	    " ORDER BY id DESC LIMIT ?2") :
	    db_stmt(db, OB_LIST_CREATOR " WHERE status = ?1 AND" OB_MINE
	    " ORDER BY id DESC LIMIT ?2");
#undef OB_MINE
#undef OB_LIST_CREATOR
#undef OB_OTHERS

	return ob_rows(st, status, max, creator_id, rows, n);
}
#undef OB_LIST

void
outbox_rows_free(struct outbox_row *rows, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(rows[i].body);
	free(rows);
}

/* The status of message id into status (len bytes): NY_OK, NY_ENOTFOUND. */
static enum ny_err
ob_status(struct db *db, int64_t id, char *status, size_t len)
{
	sqlite3_stmt *st = db_stmt(db, "SELECT status FROM messages WHERE id = ?");
	int rc;

	if (st == NULL)
		return NY_EDB;
	sqlite3_bind_int64(st, 1, id);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW)
		db_col_buf(st, 0, status, len);
	sqlite3_reset(st);
	return db_found(rc);
}

enum ny_err
outbox_retry(struct db *db, int64_t id, int64_t now)
{
	sqlite3_stmt *st;
	char status[16] = "";
	enum ny_err rc;

	if ((rc = db_begin(db)) != NY_OK)
		return rc;
	if ((rc = ob_status(db, id, status, sizeof status)) != NY_OK)
		return db_end(db, rc);
	if (strcmp(status, "failed") != 0 && strcmp(status, "queued") != 0)
		return db_end(db, NY_ESTATE);
	st = db_stmt(db, "UPDATE messages SET status = 'queued',"
	    " next_attempt_at = ?2, attempts = 0 WHERE id = ?1");
	if (st != NULL) {
		sqlite3_bind_int64(st, 1, id);
		sqlite3_bind_int64(st, 2, now);
	}
	if ((rc = db_done(st)) == NY_OK)
		rc = db_event(db, "message", id, NULL);
	return db_end(db, rc);
}
