/*
 * outbox-schedule.c: time-based messages, queued once each.
 *
 * Reminders: a subscription 3 days before its end, a webinar 1 hour before
 * its start; entitlements.reminded_at marks one as done (a renewal clears
 * it, so the new end gets its own reminder). Automations: per product, on
 * purchase after a delay, or a number of minutes before the event/webinar
 * start or the subscription end; automation_runs (primary key automation,
 * entitlement) makes each fire once per entitlement.
 *
 * Creators' daily sale summaries are alert.c's (alert_daily), in the same
 * transaction, each in a savepoint of its own (best-effort).
 *
 * Every queue happens in the same transaction as its mark, and the
 * message's dedupe_key repeats the mark, so a crash or a second worker
 * can never queue one twice.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alert.h"
#include "i18n.h"
#include "library.h"
#include "library-key.h"
#include "log.h"
#include "outbox.h"

#define SCHED_BATCH		100
#define SCHED_SUB_BEFORE	(3 * 86400)
#define SCHED_WEBINAR_BEFORE	3600

struct sched_row {
	int64_t	 ent_id;
	int64_t	 customer_id;
	int64_t	 automation_id;		/* automations only */
	int64_t	 when;			/* end or start (reminders) */
	char	 phone[16];
	char	 locale[4];
	char	 kind[16];
	char	*text;			/* title (reminders) or body */
};

/* Frees n rows of a collect. */
static void
sched_rows_free(struct sched_row *r, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(r[i].text);
	free(r);
}

/* db_rows fill: one row of sched_reminders' query (what and when). */
static enum ny_err
sched_remind_fill(void *arg, void *elem, sqlite3_stmt *st)
{
	struct sched_row *x = elem;

	(void)arg;
	x->ent_id = sqlite3_column_int64(st, 0);
	x->customer_id = sqlite3_column_int64(st, 1);
	db_col_buf(st, 2, x->phone, sizeof x->phone);
	db_col_buf(st, 3, x->locale, sizeof x->locale);
	db_col_buf(st, 4, x->kind, sizeof x->kind);
	x->text = db_col_str(st, 5);
	x->when = sqlite3_column_int64(st, 6);
	return NY_OK;
}

/* db_rows fill: one row of sched_automations' query (body per locale). */
static enum ny_err
sched_auto_fill(void *arg, void *elem, sqlite3_stmt *st)
{
	struct sched_row *x = elem;

	(void)arg;
	x->ent_id = sqlite3_column_int64(st, 0);
	x->customer_id = sqlite3_column_int64(st, 1);
	db_col_buf(st, 2, x->phone, sizeof x->phone);
	db_col_buf(st, 3, x->locale, sizeof x->locale);
	x->automation_id = sqlite3_column_int64(st, 4);
	x->text = db_col_str(st, strcmp(x->locale, "sw") == 0 ? 6 : 5);
	return NY_OK;
}

/*
 * Reads every row of st (bound; NULL: NY_EDB) through fill into *out, *n
 * (sched_rows_free). On an error nothing is returned (*out NULL, *n 0).
 */
static enum ny_err
sched_collect(sqlite3_stmt *st, db_fill_fn *fill, struct sched_row **out,
    size_t *n)
{
	enum ny_err rc;

	*out = NULL;
	*n = 0;
	if ((rc = db_rows(st, 0, out, n, sizeof **out, fill, NULL)) != NY_OK) {
		sched_rows_free(*out, *n);
		*out = NULL;
		*n = 0;
	}
	return rc;
}

/*
 * Inside the transaction: queues body (kind, dedupe) to r's customer with
 * their library link; *msg_id (may be NULL) gets the message.
 */
static enum ny_err
sched_queue(struct db *db, const struct sched_row *r, const char *kind,
    const char *body, const char *dedupe, int64_t *msg_id)
{
	struct outbox_msg m;
	int64_t kid;
	enum ny_err rc;

	if ((rc = library_key_ensure_tx(db, r->customer_id, &kid)) != NY_OK)
		return rc;
	memset(&m, 0, sizeof m);
	m.customer_id = r->customer_id;
	m.to_phone = r->phone;
	m.kind = kind;
	m.locale = r->locale;
	m.body = body;
	m.library_key_id = kid;
	m.dedupe_key = dedupe;
	return outbox_queue_tx(db, &m, msg_id);
}

/* Inside the transaction: the entitlement's reminder is done. */
static enum ny_err
sched_mark_reminded(struct db *db, int64_t ent_id, int64_t now)
{
	sqlite3_stmt *st = db_stmt(db,
	    "UPDATE entitlements SET reminded_at = ? WHERE id = ?");

	if (st == NULL)
		return NY_EDB;
	sqlite3_bind_int64(st, 1, now);
	sqlite3_bind_int64(st, 2, ent_id);
	return db_done(st);
}

/* Inside the transaction: queues the due reminders; *queued counts. */
static enum ny_err
sched_reminders(struct db *db, int64_t now, int *queued)
{
	/*
	 * Two halves, not one WHERE with OR: each then starts from an index
	 * over the time window (entitlements_expiry for subscriptions, the
	 * few webinars then entitlements_product) instead of reading every
	 * paid order every WO_SCHEDULE_EVERY seconds. The unary + keeps the
	 * planner from starting at orders_status (all paid orders); CROSS
	 * JOIN makes the webinar half start from products.
	 */
#define REMIND_JOIN \
	    " JOIN customers c ON c.id = e.customer_id" \
	    " JOIN orders o ON o.id = e.order_id" \
	    " WHERE e.reminded_at IS NULL AND e.revoked_at IS NULL" \
	    " AND +o.status = 'paid'"
	sqlite3_stmt *st = db_stmt(db,
	    "SELECT e.id, e.customer_id, c.phone, c.locale, p.kind, p.title,"
	    " e.expires_at FROM entitlements e"
	    " JOIN products p ON p.id = e.product_id" REMIND_JOIN
	    " AND p.kind = 'subscription' AND e.expires_at > ?1"
	    " AND e.expires_at <= ?1 + ?2"
	    " AND coalesce(o.paid_at, e.starts_at) < e.expires_at - ?2"
	    " UNION ALL"
	    " SELECT e.id, e.customer_id, c.phone, c.locale, p.kind, p.title,"
	    " p.starts_at FROM products p"
	    " CROSS JOIN entitlements e ON e.product_id = p.id" REMIND_JOIN
	    " AND p.kind = 'webinar' AND p.starts_at > ?1"
	    " AND p.starts_at <= ?1 + ?3"
	    " LIMIT ?4");
#undef REMIND_JOIN
	struct sched_row *r = NULL;
	size_t n = 0, i;
	enum ny_err rc;

	if (st != NULL) {
		sqlite3_bind_int64(st, 1, now);
		sqlite3_bind_int64(st, 2, SCHED_SUB_BEFORE);
		sqlite3_bind_int64(st, 3, SCHED_WEBINAR_BEFORE);
		sqlite3_bind_int(st, 4, SCHED_BATCH);
	}
	if ((rc = sched_collect(st, sched_remind_fill, &r, &n)) != NY_OK)
		return rc;
	for (i = 0; rc == NY_OK && i < n; i++) {
		int sub = strcmp(r[i].kind, "subscription") == 0;
		char when[40], dedupe[80], *body;

		library_time_fmt(r[i].when, when, sizeof when);
		body = i18n_fmt(r[i].locale, sub ? "msg.sub_reminder" :
		    "msg.webinar_reminder", "product", r[i].text, "time", when,
		    NULL);
		snprintf(dedupe, sizeof dedupe, "remind:%lld:%lld",
		    (long long)r[i].ent_id, (long long)r[i].when);
		rc = sched_queue(db, &r[i], "reminder", body, dedupe, NULL);
		free(body);
		if (rc == NY_OK)
			rc = sched_mark_reminded(db, r[i].ent_id, now);
		if (rc == NY_OK)
			(*queued)++;
	}
	sched_rows_free(r, n);
	return rc;
}

/* Inside the transaction: automation r ran for its entitlement. */
static enum ny_err
sched_mark_run(struct db *db, const struct sched_row *r, int64_t msg_id,
    int64_t now)
{
	sqlite3_stmt *st = db_stmt(db, "INSERT OR IGNORE INTO automation_runs"
	    " (automation_id, entitlement_id, message_id, at)"
	    " VALUES (?, ?, ?, ?)");

	if (st == NULL)
		return NY_EDB;
	sqlite3_bind_int64(st, 1, r->automation_id);
	sqlite3_bind_int64(st, 2, r->ent_id);
	sqlite3_bind_int64(st, 3, msg_id);
	sqlite3_bind_int64(st, 4, now);
	return db_done(st);
}

/* Inside the transaction: queues the due automations; *queued counts. */
static enum ny_err
sched_automations(struct db *db, int64_t now, int *queued)
{
	/*
	 * "purchase": the entitlement's start + delay, and not for purchases
	 * whose moment had passed before the automation existed (a new
	 * automation does not message every past buyer). The "before_*"
	 * ones only while the start/end is still ahead.
	 */
	sqlite3_stmt *st = db_stmt(db,
	    "SELECT e.id, e.customer_id, c.phone, c.locale, a.id, a.body_en,"
	    " a.body_sw FROM automations a"
	    " JOIN products p ON p.id = a.product_id"
	    " JOIN entitlements e ON e.product_id = a.product_id"
	    " JOIN customers c ON c.id = e.customer_id"
	    " JOIN orders o ON o.id = e.order_id"
	    " WHERE a.enabled = 1 AND e.revoked_at IS NULL"
	    " AND o.status = 'paid' AND NOT EXISTS (SELECT 1 FROM"
	    "  automation_runs r WHERE r.automation_id = a.id"
	    "  AND r.entitlement_id = e.id) AND ("
	    "  (a.trigger = 'purchase'"
	    "   AND e.starts_at + a.offset_minutes * 60 <= ?1"
	    "   AND e.starts_at + a.offset_minutes * 60 >= a.created_at)"
	    "  OR (a.trigger = 'before_start' AND p.starts_at IS NOT NULL"
	    "   AND p.starts_at - a.offset_minutes * 60 <= ?1"
	    "   AND p.starts_at > ?1)"
	    "  OR (a.trigger = 'before_end' AND e.expires_at IS NOT NULL"
	    "   AND e.expires_at - a.offset_minutes * 60 <= ?1"
	    "   AND e.expires_at > ?1))"
	    " LIMIT ?2");
	struct sched_row *r = NULL;
	size_t n = 0, i;
	enum ny_err rc;

	if (st != NULL) {
		sqlite3_bind_int64(st, 1, now);
		sqlite3_bind_int(st, 2, SCHED_BATCH);
	}
	if ((rc = sched_collect(st, sched_auto_fill, &r, &n)) != NY_OK)
		return rc;
	for (i = 0; rc == NY_OK && i < n; i++) {
		char dedupe[80];
		int64_t mid = 0;

		snprintf(dedupe, sizeof dedupe, "auto:%lld:%lld",
		    (long long)r[i].automation_id, (long long)r[i].ent_id);
		rc = sched_queue(db, &r[i], "automation", r[i].text, dedupe,
		    &mid);
		if (rc == NY_OK)
			rc = sched_mark_run(db, &r[i], mid, now);
		if (rc == NY_OK)
			(*queued)++;
	}
	sched_rows_free(r, n);
	return rc;
}

enum ny_err
outbox_schedule(struct db *db, int64_t now, int *queued)
{
	enum ny_err rc;
	int n = 0;

	if (queued != NULL)
		*queued = 0;
	if ((rc = db_begin(db)) != NY_OK)
		return rc;
	rc = sched_reminders(db, now, &n);
	if (rc == NY_OK)
		rc = sched_automations(db, now, &n);
	if (rc == NY_OK)
		/* Creators' sale summaries, each best-effort in a savepoint:
		 * a bad one never rolls back the reminders above. */
		rc = alert_daily(db, now, &n);
	if ((rc = db_end(db, rc)) != NY_OK)
		return rc;
	if (n > 0)
		log_info("scheduled messages queued", "n=%d", n);
	if (queued != NULL)
		*queued = n;
	return NY_OK;
}
