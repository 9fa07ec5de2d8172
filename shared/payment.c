/*
 * payment.c: the payment rows and payment_settle, the one transaction that
 * ends an order (DESIGN §8).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "library.h"
#include "log.h"
#include "order.h"
#include "payment.h"

const char *
payment_reason_for_code(int code)
{
	switch (code) {
	case 0:
		return NULL;
	case 1:
		return PAY_REASON_INSUFFICIENT;
	case 1032:
		return PAY_REASON_CANCELLED;
	case 1037:
		return PAY_REASON_UNREACHABLE;
	case 2001:
		return PAY_REASON_WRONG_PIN;
	case 1001:
		return PAY_REASON_BUSY;
	case 1019:
		return PAY_REASON_EXPIRED;
	default:
		return PAY_REASON_OTHER;
	}
}

static void
payment_col(sqlite3_stmt *st, int col, char *buf, size_t len)
{
	const unsigned char *s = sqlite3_column_text(st, col);

	snprintf(buf, len, "%s", s ? (const char *)s : "");
}

#define PAYMENT_SELECT \
	"SELECT y.id, y.order_id, o.ref, y.provider, y.phone, y.amount_minor," \
	" o.currency, y.status, coalesce(y.provider_ref, '')," \
	" coalesce(y.receipt, ''), y.attempts, y.next_attempt_at," \
	" y.created_at, o.expires_at, coalesce(y.push_started_at, 0)" \
	" FROM payments y JOIN orders o ON o.id = y.order_id "

static void
payment_row(sqlite3_stmt *st, struct payment *p)
{
	memset(p, 0, sizeof *p);
	p->id = sqlite3_column_int64(st, 0);
	p->order_id = sqlite3_column_int64(st, 1);
	payment_col(st, 2, p->order_ref, sizeof p->order_ref);
	payment_col(st, 3, p->provider, sizeof p->provider);
	payment_col(st, 4, p->phone, sizeof p->phone);
	p->amount_minor = sqlite3_column_int64(st, 5);
	payment_col(st, 6, p->currency, sizeof p->currency);
	payment_col(st, 7, p->status, sizeof p->status);
	payment_col(st, 8, p->provider_ref, sizeof p->provider_ref);
	payment_col(st, 9, p->receipt, sizeof p->receipt);
	p->attempts = sqlite3_column_int(st, 10);
	p->next_attempt_at = sqlite3_column_int64(st, 11);
	p->created_at = sqlite3_column_int64(st, 12);
	p->order_expires_at = sqlite3_column_int64(st, 13);
	p->push_started_at = sqlite3_column_int64(st, 14);
}

static int
payment_read_one(sqlite3_stmt *st, struct payment *out)
{
	int rc;

	if (st == NULL)
		return NY_EDB;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		payment_row(st, out);
	sqlite3_reset(st);
	if (rc == SQLITE_ROW)
		return NY_OK;
	return rc == SQLITE_DONE ? NY_ENOTFOUND : db_err(rc);
}

int
payment_get(struct db *db, int64_t id, struct payment *out)
{
	sqlite3_stmt *st = db_stmt(db, PAYMENT_SELECT "WHERE y.id = ?");

	if (st == NULL)
		return NY_EDB;
	sqlite3_bind_int64(st, 1, id);
	return payment_read_one(st, out);
}

int
payment_by_provider_ref(struct db *db, const char *ref, struct payment *out)
{
	sqlite3_stmt *st = db_stmt(db, PAYMENT_SELECT "WHERE y.provider_ref = ?");

	if (st == NULL)
		return NY_EDB;
	sqlite3_bind_text(st, 1, ref, -1, SQLITE_STATIC);
	return payment_read_one(st, out);
}

int
payment_by_order(struct db *db, int64_t order_id, struct payment *out)
{
	sqlite3_stmt *st = db_stmt(db, PAYMENT_SELECT "WHERE y.order_id = ?");

	if (st == NULL)
		return NY_EDB;
	sqlite3_bind_int64(st, 1, order_id);
	return payment_read_one(st, out);
}

/* Appends the rows of one payment_due statement to out (up to max). */
static int
payment_due_step(sqlite3_stmt *st, int64_t now, int nparts, int part, int max,
    struct payment *out, int *n)
{
	int rc = SQLITE_DONE;

	if (st == NULL)
		return NY_EDB;
	sqlite3_bind_int64(st, 1, now);
	sqlite3_bind_int(st, 2, max - *n);
	sqlite3_bind_int(st, 3, nparts > 0 ? nparts : 1);
	sqlite3_bind_int(st, 4, nparts > 0 ? part : 0);
	while (*n < max && (rc = sqlite3_step(st)) == SQLITE_ROW)
		payment_row(st, &out[(*n)++]);
	sqlite3_reset(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? NY_OK : db_err(rc);
}

int
payment_due(struct db *db, int64_t now, int nparts, int part, int max,
    struct payment **out, int *n)
{
	sqlite3_stmt *st = db_stmt(db, PAYMENT_SELECT
	    "WHERE y.status IN ('new', 'pending') AND y.next_attempt_at <= ?1"
	    " AND y.id % ?3 = ?4 ORDER BY y.next_attempt_at, y.id LIMIT ?2");
	int rc = SQLITE_DONE;

	*out = NULL;
	*n = 0;
	if (st == NULL)
		return NY_EDB;
	if (max <= 0)
		return NY_OK;
	*out = xcalloc((size_t)max, sizeof **out);
	rc = payment_due_step(st, now, nparts, part, max, *out, n);
	/* Expired payments a late callback woke up (next_attempt_at ≥ 0;
	 * every final transition sets -1): the worker confirms them. */
	if (rc == NY_OK && *n < max)
		rc = payment_due_step(db_stmt(db, PAYMENT_SELECT
		    "WHERE y.status = 'expired' AND y.next_attempt_at BETWEEN 0"
		    " AND ?1 AND y.id % ?3 = ?4 ORDER BY y.next_attempt_at, y.id"
		    " LIMIT ?2"), now, nparts, part, max, *out, n);
	if (rc != NY_OK) {
		free(*out);
		*out = NULL;
		*n = 0;
	}
	return rc;
}

/* Runs one bound UPDATE; NY_ESTATE when it changed no row. */
static int
payment_update_one(struct db *db, sqlite3_stmt *st)
{
	int rc;

	if (st == NULL)
		return NY_EDB;
	rc = db_done(st);
	if (rc == NY_OK && sqlite3_changes(db_sqlite(db)) == 0)
		return NY_ESTATE;
	return rc;
}

int
payment_push_begin(struct db *db, int64_t id, int64_t now)
{
	sqlite3_stmt *st = db_stmt(db, "UPDATE payments SET push_started_at = ?1,"
	    " updated_at = ?1 WHERE id = ?2 AND status = 'new'"
	    " AND push_started_at IS NULL AND provider_ref IS NULL");

	if (st == NULL)
		return NY_EDB;
	sqlite3_bind_int64(st, 1, now);
	sqlite3_bind_int64(st, 2, id);
	return payment_update_one(db, st);
}

int
payment_push_failed(struct db *db, int64_t id, int64_t next_at,
    const char *desc)
{
	sqlite3_stmt *st = db_stmt(db, "UPDATE payments SET push_started_at ="
	    " NULL, next_attempt_at = ?, attempts = attempts + 1,"
	    " result_desc = coalesce(?, result_desc), updated_at = ?"
	    " WHERE id = ? AND status = 'new' AND provider_ref IS NULL");
	int rc;

	if (st == NULL)
		return NY_EDB;
	sqlite3_bind_int64(st, 1, next_at);
	if (desc != NULL)
		sqlite3_bind_text(st, 2, desc, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, ny_now());
	sqlite3_bind_int64(st, 4, id);
	rc = payment_update_one(db, st);
	return rc == NY_ESTATE ? NY_OK : rc;
}

int
payment_push_wait(struct db *db, int64_t id, int64_t next_at)
{
	sqlite3_stmt *st = db_stmt(db, "UPDATE payments SET next_attempt_at = ?,"
	    " updated_at = ? WHERE id = ? AND status = 'new'"
	    " AND provider_ref IS NULL");
	int rc;

	if (st == NULL)
		return NY_EDB;
	sqlite3_bind_int64(st, 1, next_at);
	sqlite3_bind_int64(st, 2, ny_now());
	sqlite3_bind_int64(st, 3, id);
	rc = payment_update_one(db, st);
	return rc == NY_ESTATE ? NY_OK : rc;
}

/* Inside the caller's transaction: the candidates for an unknown callback
 * (at most 2 read: one is adopted, two is already too many). */
static int
adopt_candidates_tx(struct db *db, const char *provider, const char *phone,
    int64_t amount, int64_t since, int64_t ids[2], int *n)
{
	sqlite3_stmt *st = db_stmt(db, "SELECT id FROM payments"
	    " WHERE phone = ?1 AND push_started_at IS NOT NULL"
	    " AND push_started_at >= ?2 AND provider_ref IS NULL"
	    " AND status IN ('new', 'expired') AND provider = ?3"
	    " AND (amount_minor = ?4 OR (amount_minor + 99) / 100 * 100 = ?4)"
	    " ORDER BY id LIMIT 2");
	int rc;

	*n = 0;
	if (st == NULL)
		return NY_EDB;
	sqlite3_bind_text(st, 1, phone, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, since);
	sqlite3_bind_text(st, 3, provider, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, amount);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW && *n < 2)
		ids[(*n)++] = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? NY_OK : db_err(rc);
}

/* Inside the caller's transaction: candidate id takes ref and raw. */
static int
adopt_one_tx(struct db *db, int64_t id, const char *ref, const char *raw,
    int64_t now)
{
	sqlite3_stmt *st = db_stmt(db, "UPDATE payments SET provider_ref = ?,"
	    " raw_callback = ?, status = CASE status WHEN 'new' THEN 'pending'"
	    " ELSE status END, attempts = attempts + 1, next_attempt_at = 0,"
	    " updated_at = ? WHERE id = ? AND provider_ref IS NULL");

	if (st == NULL)
		return NY_EDB;
	sqlite3_bind_text(st, 1, ref, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, raw, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, now);
	sqlite3_bind_int64(st, 4, id);
	return payment_update_one(db, st);
}

int
payment_adopt_callback(struct db *db, const char *provider, const char *phone,
    int64_t amount_minor, const char *provider_ref, const char *raw,
    const char *audit_detail, int64_t now, int64_t window_s, int64_t *id)
{
	int64_t ids[2];
	char *detail;
	int rc, n = 0;

	*id = 0;
	if (provider == NULL || phone == NULL || phone[0] == '\0' ||
	    provider_ref == NULL || provider_ref[0] == '\0' || raw == NULL ||
	    amount_minor < 0)
		return NY_EINVAL;
	if ((rc = db_begin(db)) != NY_OK)
		return rc;
	rc = adopt_candidates_tx(db, provider, phone, amount_minor,
	    now - window_s, ids, &n);
	if (rc == NY_OK && n == 1 &&
	    (rc = adopt_one_tx(db, ids[0], provider_ref, raw, now)) == NY_OK)
		*id = ids[0];
	if (rc == NY_OK && n != 1) {
		detail = xasprintf("manual review: %s candidates for unknown"
		    " %s callback; raw=%s", n == 0 ? "no" : "several", provider,
		    audit_detail != NULL ? audit_detail : "");
		rc = audit_log(db, "system", "payment.callback.review", detail,
		    NULL);
		free(detail);
	}
	if (rc != NY_OK) {
		db_rollback(db);
		return rc;
	}
	if ((rc = db_commit(db)) != NY_OK)
		return rc;
	if (n == 1)
		log_warn("unknown callback adopted by its push",
		    "payment=%lld", (long long)*id);
	else
		log_warn("unknown callback kept for manual review",
		    "candidates=%s", n == 0 ? "0" : "2+");
	return n == 1 ? NY_OK : n == 0 ? NY_ENOTFOUND : NY_EEXISTS;
}

int
payment_mark_pushed(struct db *db, int64_t id, const char *provider_ref,
    int64_t next_at)
{
	sqlite3_stmt *st = db_stmt(db, "UPDATE payments SET status = 'pending',"
	    " provider_ref = ?, next_attempt_at = ?, attempts = attempts + 1,"
	    " updated_at = ? WHERE id = ? AND status = 'new'");
	int rc;

	if (st == NULL)
		return NY_EDB;
	sqlite3_bind_text(st, 1, provider_ref, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, next_at);
	sqlite3_bind_int64(st, 3, ny_now());
	sqlite3_bind_int64(st, 4, id);
	rc = db_done(st);
	if (rc == NY_OK && sqlite3_changes(db_sqlite(db)) == 0)
		return NY_ESTATE;
	return rc;
}

int
payment_postpone(struct db *db, int64_t id, int64_t next_at, int bump,
    const char *desc)
{
	sqlite3_stmt *st = db_stmt(db, "UPDATE payments SET next_attempt_at = ?,"
	    " attempts = attempts + ?, result_desc = coalesce(?, result_desc),"
	    " updated_at = ? WHERE id = ? AND status IN ('new', 'pending',"
	    " 'expired')");
	int rc;

	if (st == NULL)
		return NY_EDB;
	sqlite3_bind_int64(st, 1, next_at);
	sqlite3_bind_int(st, 2, bump ? 1 : 0);
	if (desc != NULL)
		sqlite3_bind_text(st, 3, desc, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, ny_now());
	sqlite3_bind_int64(st, 5, id);
	rc = db_done(st);
	return rc;
}

int
payment_keep_raw(struct db *db, int64_t id, const char *raw)
{
	sqlite3_stmt *st = db_stmt(db, "UPDATE payments SET raw_callback = ?,"
	    " next_attempt_at = 0, updated_at = ?"
	    " WHERE id = ? AND status IN ('new', 'pending', 'expired')");
	int rc;

	if (st == NULL)
		return NY_EDB;
	sqlite3_bind_text(st, 1, raw, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, ny_now());
	sqlite3_bind_int64(st, 3, id);
	rc = db_done(st);
	return rc;
}

int
payment_late_receipt(struct db *db, int64_t id, const char *receipt,
    const char *raw)
{
	sqlite3_stmt *st = db_stmt(db, "UPDATE payments SET receipt = ?,"
	    " raw_callback = ?, updated_at = ? WHERE id = ? AND"
	    " status = 'paid' AND receipt IS NULL AND raw_callback IS NULL");
	int rc;

	if (st == NULL)
		return NY_EDB;
	if (receipt == NULL || receipt[0] == '\0' || raw == NULL) {
		sqlite3_reset(st);
		return NY_EINVAL;
	}
	sqlite3_bind_text(st, 1, receipt, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, raw, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, ny_now());
	sqlite3_bind_int64(st, 4, id);
	rc = db_done(st);
	return rc;
}

/* What payment_settle reads at the start of its transaction. */
struct settle_state {
	int64_t			 payment_id;
	int64_t			 order_id;
	int64_t			 amount;
	int64_t			 product_id;
	int			 quantity;
	char			 pay_status[8];
	char			 kind[16];
	enum order_status	 order_status;
};

static int
settle_load(struct db *db, int64_t id, const char *ref, struct settle_state *s)
{
#define SETTLE_SELECT "SELECT y.id, y.order_id," \
	" y.amount_minor, y.status, o.status, o.product_id, o.quantity," \
	" p.kind FROM payments y JOIN orders o ON o.id = y.order_id" \
	" JOIN products p ON p.id = o.product_id"
	sqlite3_stmt *st = id > 0 ?
	    db_stmt(db, SETTLE_SELECT " WHERE y.id = ?") :
	    db_stmt(db, SETTLE_SELECT " WHERE y.provider_ref = ?");
	char ostatus[16];
	int rc;

	if (st == NULL)
		return NY_EDB;
	if (id > 0)
		sqlite3_bind_int64(st, 1, id);
	else
		sqlite3_bind_text(st, 1, ref, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		s->payment_id = sqlite3_column_int64(st, 0);
		s->order_id = sqlite3_column_int64(st, 1);
		s->amount = sqlite3_column_int64(st, 2);
		payment_col(st, 3, s->pay_status, sizeof s->pay_status);
		payment_col(st, 4, ostatus, sizeof ostatus);
		s->product_id = sqlite3_column_int64(st, 5);
		s->quantity = sqlite3_column_int(st, 6);
		payment_col(st, 7, s->kind, sizeof s->kind);
		if (order_status_parse(ostatus, &s->order_status) != NY_OK)
			rc = SQLITE_CORRUPT;
	}
	sqlite3_reset(st);
	if (rc == SQLITE_ROW)
		return NY_OK;
	return rc == SQLITE_DONE ? NY_ENOTFOUND : db_err(rc);
}

static int
settle_payment_row(struct db *db, const struct settle_state *s,
    const char *status, const struct pay_result *r, int64_t now)
{
	sqlite3_stmt *st = db_stmt(db, "UPDATE payments SET status = ?,"
	    " result_code = ?, result_desc = ?, receipt = ?,"
	    " raw_callback = coalesce(?, raw_callback), updated_at = ?,"
	    " next_attempt_at = -1 WHERE id = ?");
	int rc;

	if (st == NULL)
		return NY_EDB;
	sqlite3_bind_text(st, 1, status, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 2, r->result_code);
	if (r->desc != NULL)
		sqlite3_bind_text(st, 3, r->desc, -1, SQLITE_STATIC);
	if (r->receipt != NULL && r->receipt[0] != '\0' &&
	    strcmp(status, "paid") == 0)
		sqlite3_bind_text(st, 4, r->receipt, -1, SQLITE_STATIC);
	if (r->raw != NULL)
		sqlite3_bind_text(st, 5, r->raw, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 6, now);
	sqlite3_bind_int64(st, 7, s->payment_id);
	rc = db_done(st);
	return rc;
}

static int
settle_order_row(struct db *db, int64_t order_id, enum order_status to,
    const char *failure, int64_t now)
{
	sqlite3_stmt *st = db_stmt(db, "UPDATE orders SET status = ?,"
	    " failure = ?, updated_at = ?,"
	    " paid_at = CASE WHEN ?1 = 'paid' THEN ?3 ELSE paid_at END"
	    " WHERE id = ?4");
	int rc;

	if (st == NULL)
		return NY_EDB;
	sqlite3_bind_text(st, 1, order_status_name(to), -1, SQLITE_STATIC);
	if (failure != NULL)
		sqlite3_bind_text(st, 2, failure, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, now);
	sqlite3_bind_int64(st, 4, order_id);
	rc = db_done(st);
	return rc;
}

static int
settle_release(struct db *db, int64_t order_id)
{
	sqlite3_stmt *st = db_stmt(db,
	    "DELETE FROM reservations WHERE order_id = ?");
	int rc;

	if (st == NULL)
		return NY_EDB;
	sqlite3_bind_int64(st, 1, order_id);
	rc = db_done(st);
	return rc;
}

/*
 * Decides the order's new status from the payment's state and the result.
 * Returns 0 when nothing must change (repeat, late failure, unknown).
 * *failure gets the reason stored on the order.
 */
static int
settle_decide(const struct settle_state *s, const struct pay_result *r,
    enum pay_outcome *outcome, const char **failure)
{
	int pay_final = strcmp(s->pay_status, "new") != 0 &&
	    strcmp(s->pay_status, "pending") != 0;

	*outcome = r->outcome;
	*failure = r->reason;
	if (r->outcome == PAY_PAID && r->amount_minor >= 0 &&
	    r->amount_minor != s->amount) {
		*outcome = PAY_FAILED;
		*failure = PAY_REASON_AMOUNT;
	}
	if (*outcome == PAY_PAID)
		*failure = NULL;
	else if (*failure == NULL)
		*failure = r->outcome == PAY_EXPIRED ? PAY_REASON_EXPIRED :
		    PAY_REASON_OTHER;
	if (!pay_final)
		return s->order_status == ORDER_PENDING;
	/* Final already: only a confirmed late payment after our own
	 * timeout moves it again (money taken must give the goods). */
	return strcmp(s->pay_status, "expired") == 0 &&
	    s->order_status == ORDER_EXPIRED && *outcome == PAY_PAID &&
	    r->receipt != NULL && r->receipt[0] != '\0';
}

static int
settle_tx(struct db *db, int64_t id, const char *ref,
    const struct pay_result *r, int64_t now, int *changed)
{
	struct settle_state s;
	enum pay_outcome outcome;
	enum order_status to;
	const char *failure, *pstatus;
	int64_t left;
	int rc;

	if ((rc = settle_load(db, id, ref, &s)) != NY_OK)
		return rc;
	if (!settle_decide(&s, r, &outcome, &failure))
		return NY_OK;
	to = outcome == PAY_PAID ? ORDER_PAID : outcome == PAY_FAILED ?
	    ORDER_FAILED : ORDER_EXPIRED;
	pstatus = order_status_name(to);
	if (!order_transition_ok(s.order_status, to))
		return NY_OK;
	if (s.order_status == ORDER_EXPIRED && strcmp(s.kind, "ticket") == 0) {
		if ((rc = order_seats_left(db, s.product_id, &left)) != NY_OK)
			return rc;
		if (left < s.quantity) {
			/* Late payment, seats gone: record the money, keep the
			 * order expired and flag it for a refund. */
			to = ORDER_EXPIRED;
			failure = "late_refund";
			log_error("late payment for a sold-out event",
			    "order=%lld", (long long)s.order_id);
		}
	}
	if ((rc = settle_payment_row(db, &s, pstatus, r, now)) != NY_OK ||
	    (rc = settle_order_row(db, s.order_id, to, failure, now)) != NY_OK ||
	    (rc = settle_release(db, s.order_id)) != NY_OK)
		return rc;
	if (to == ORDER_PAID && (rc = library_fulfil_tx(db, s.order_id,
	    r->receipt != NULL && r->receipt[0] ? r->receipt : NULL, now,
	    NULL)) != NY_OK)
		return rc;
	if ((rc = db_event(db, "order", s.order_id, NULL)) != NY_OK)
		return rc;
	*changed = 1;
	log_info("payment settled", "order=%lld status=%s reason=%s",
	    (long long)s.order_id, order_status_name(to),
	    failure ? failure : "-");
	return NY_OK;
}

int
payment_settle(struct db *db, int64_t id, const char *provider_ref,
    const struct pay_result *r, int *changed)
{
	int rc, done = 0;

	if (changed != NULL)
		*changed = 0;
	if (id <= 0 && (provider_ref == NULL || provider_ref[0] == '\0'))
		return NY_EINVAL;
	if ((rc = db_begin(db)) != NY_OK)
		return rc;
	rc = settle_tx(db, id, provider_ref, r, ny_now(), &done);
	if (rc != NY_OK) {
		db_rollback(db);
		return rc;
	}
	if ((rc = db_commit(db)) != NY_OK)
		return rc;
	if (changed != NULL)
		*changed = done;
	return NY_OK;
}

int
payment_raw(struct db *db, int64_t id, char **raw)
{
	sqlite3_stmt *st = db_stmt(db,
	    "SELECT raw_callback FROM payments WHERE id = ?");
	int rc;

	*raw = NULL;
	if (st == NULL)
		return NY_EDB;
	sqlite3_bind_int64(st, 1, id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL)
		*raw = db_col_str(st, 0);
	sqlite3_reset(st);
	if (rc == SQLITE_ROW)
		return NY_OK;
	return rc == SQLITE_DONE ? NY_ENOTFOUND : db_err(rc);
}

int
payment_wake_all(struct db *db)
{
	sqlite3_stmt *st = db_stmt(db, "UPDATE payments SET next_attempt_at = 0"
	    " WHERE status IN ('new', 'pending') AND next_attempt_at > 0");
	int rc;

	if (st == NULL)
		return NY_EDB;
	rc = db_done(st);
	return rc;
}
