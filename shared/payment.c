/*
 * payment.c: the payment rows: reading them, the worker's queue and the
 * steps of a push, adopting an unknown callback. payment_settle, the one
 * transaction that ends an order, is payment-settle.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "log.h"
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

#define PAYMENT_SELECT \
	"SELECT y.id, y.order_id, o.ref, y.provider, y.phone, y.amount_minor," \
	" o.currency, y.status, coalesce(y.provider_ref, '')," \
	" coalesce(y.receipt, ''), y.attempts, y.next_attempt_at," \
	" y.created_at, o.expires_at, coalesce(y.push_started_at, 0)," \
	" o.locale, p.title || (SELECT CASE WHEN count(*) > 1" \
	"  THEN ' +' || (count(*) - 1) ELSE '' END FROM order_lines l" \
	"  WHERE l.order_id = o.id)" \
	" FROM payments y JOIN orders o ON o.id = y.order_id" \
	" JOIN products p ON p.id = o.product_id "

static void
payment_row(sqlite3_stmt *st, struct payment *p)
{
	memset(p, 0, sizeof *p);
	p->id = sqlite3_column_int64(st, 0);
	p->order_id = sqlite3_column_int64(st, 1);
	db_col_buf(st, 2, p->order_ref, sizeof p->order_ref);
	db_col_buf(st, 3, p->provider, sizeof p->provider);
	db_col_buf(st, 4, p->phone, sizeof p->phone);
	p->amount_minor = sqlite3_column_int64(st, 5);
	db_col_buf(st, 6, p->currency, sizeof p->currency);
	db_col_buf(st, 7, p->status, sizeof p->status);
	db_col_buf(st, 8, p->provider_ref, sizeof p->provider_ref);
	db_col_buf(st, 9, p->receipt, sizeof p->receipt);
	p->attempts = sqlite3_column_int(st, 10);
	p->next_attempt_at = sqlite3_column_int64(st, 11);
	p->created_at = sqlite3_column_int64(st, 12);
	p->order_expires_at = sqlite3_column_int64(st, 13);
	p->push_started_at = sqlite3_column_int64(st, 14);
	db_col_buf(st, 15, p->locale, sizeof p->locale);
	db_col_buf(st, 16, p->product_title, sizeof p->product_title);
}

/* Steps st (bound, one payment) into *out: NY_OK, NY_ENOTFOUND, db error. */
static enum ny_err
payment_read_one(sqlite3_stmt *st, struct payment *out)
{
	int rc;

	if (st == NULL)
		return NY_EDB;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		payment_row(st, out);
	sqlite3_reset(st);
	return db_found(rc);
}

enum ny_err
payment_get(struct db *db, int64_t id, struct payment *out)
{
	sqlite3_stmt *st = db_stmt(db, PAYMENT_SELECT "WHERE y.id = ?");

	if (st == NULL)
		return NY_EDB;
	sqlite3_bind_int64(st, 1, id);
	return payment_read_one(st, out);
}

enum ny_err
payment_by_provider_ref(struct db *db, const char *ref, struct payment *out)
{
	sqlite3_stmt *st = db_stmt(db, PAYMENT_SELECT "WHERE y.provider_ref = ?");

	if (st == NULL)
		return NY_EDB;
	sqlite3_bind_text(st, 1, ref, -1, SQLITE_STATIC);
	return payment_read_one(st, out);
}

enum ny_err
payment_by_receipt(struct db *db, const char *receipt, struct payment *out)
{
	sqlite3_stmt *st = db_stmt(db, PAYMENT_SELECT "WHERE y.receipt = ?");

	if (st == NULL)
		return NY_EDB;
	sqlite3_bind_text(st, 1, receipt, -1, SQLITE_STATIC);
	return payment_read_one(st, out);
}

enum ny_err
payment_by_order(struct db *db, int64_t order_id, struct payment *out)
{
	sqlite3_stmt *st = db_stmt(db, PAYMENT_SELECT "WHERE y.order_id = ?");

	if (st == NULL)
		return NY_EDB;
	sqlite3_bind_int64(st, 1, order_id);
	return payment_read_one(st, out);
}

/* db_rows callback: one payment row into the array element. */
static enum ny_err
payment_fill(void *arg, void *elem, sqlite3_stmt *st)
{
	(void)arg;
	payment_row(st, elem);
	return NY_OK;
}

/*
 * Appends the rows of one payment_due statement (st, may be NULL) to the
 * array *out of *n, up to max in all.
 */
static enum ny_err
payment_due_rows(sqlite3_stmt *st, int64_t now, int nparts, int part,
    int max, struct payment **out, size_t *n)
{
	if (st == NULL)
		return NY_EDB;
	sqlite3_bind_int64(st, 1, now);
	sqlite3_bind_int(st, 2, max - (int)*n);
	sqlite3_bind_int(st, 3, nparts > 0 ? nparts : 1);
	sqlite3_bind_int(st, 4, nparts > 0 ? part : 0);
	return db_rows(st, (size_t)max - *n, out, n, sizeof **out,
	    payment_fill, NULL);
}

enum ny_err
payment_due(struct db *db, int64_t now, int nparts, int part, int max,
    struct payment **out, int *n)
{
	sqlite3_stmt *st = db_stmt(db, PAYMENT_SELECT
	    "WHERE y.status IN ('new', 'pending') AND y.next_attempt_at <= ?1"
	    " AND y.id % ?3 = ?4 ORDER BY y.next_attempt_at, y.id LIMIT ?2");
	size_t got = 0;
	enum ny_err rc;

	*out = NULL;
	*n = 0;
	if (st == NULL)
		return NY_EDB;
	if (max <= 0)
		return NY_OK;
	rc = payment_due_rows(st, now, nparts, part, max, out, &got);
	/* Expired payments a late callback woke up (next_attempt_at ≥ 0;
	 * every final transition sets -1): the worker confirms them. */
	if (rc == NY_OK && got < (size_t)max)
		rc = payment_due_rows(db_stmt(db, PAYMENT_SELECT
		    "WHERE y.status = 'expired' AND y.next_attempt_at BETWEEN 0"
		    " AND ?1 AND y.id % ?3 = ?4 ORDER BY y.next_attempt_at, y.id"
		    " LIMIT ?2"), now, nparts, part, max, out, &got);
	if (rc != NY_OK) {
		free(*out);
		*out = NULL;
		return rc;
	}
	*n = (int)got;
	return NY_OK;
}

enum ny_err
payment_push_begin(struct db *db, int64_t id, int64_t now)
{
	sqlite3_stmt *st = db_stmt(db, "UPDATE payments SET push_started_at = ?1,"
	    " updated_at = ?1 WHERE id = ?2 AND status = 'new'"
	    " AND push_started_at IS NULL AND provider_ref IS NULL");

	if (st == NULL)
		return NY_EDB;
	sqlite3_bind_int64(st, 1, now);
	sqlite3_bind_int64(st, 2, id);
	return db_one(st, NY_ESTATE, NULL);
}

enum ny_err
payment_push_failed(struct db *db, int64_t id, int64_t next_at,
    const char *desc)
{
	sqlite3_stmt *st = db_stmt(db, "UPDATE payments SET push_started_at ="
	    " NULL, next_attempt_at = ?, attempts = attempts + 1,"
	    " result_desc = coalesce(?, result_desc), updated_at = ?"
	    " WHERE id = ? AND status = 'new' AND provider_ref IS NULL");

	if (st == NULL)
		return NY_EDB;
	sqlite3_bind_int64(st, 1, next_at);
	if (desc != NULL)
		sqlite3_bind_text(st, 2, desc, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, ny_now());
	sqlite3_bind_int64(st, 4, id);
	/* A payment that moved on meanwhile is left alone: NY_OK. */
	return db_done(st);
}

/* payment_push_wait and payment_push_later: next look at next_at, the
 * attempt counted (add 1) or not (add 0). */
static enum ny_err
pay_push_defer(struct db *db, int64_t id, int64_t next_at, int add)
{
	sqlite3_stmt *st = db_stmt(db, "UPDATE payments SET next_attempt_at = ?,"
	    " attempts = attempts + ?, updated_at = ? WHERE id = ?"
	    " AND status = 'new' AND provider_ref IS NULL");

	if (st == NULL)
		return NY_EDB;
	sqlite3_bind_int64(st, 1, next_at);
	sqlite3_bind_int(st, 2, add);
	sqlite3_bind_int64(st, 3, ny_now());
	sqlite3_bind_int64(st, 4, id);
	/* A payment that moved on meanwhile is left alone: NY_OK. */
	return db_done(st);
}

enum ny_err
payment_push_wait(struct db *db, int64_t id, int64_t next_at)
{
	return pay_push_defer(db, id, next_at, 0);
}

enum ny_err
payment_push_later(struct db *db, int64_t id, int64_t next_at)
{
	return pay_push_defer(db, id, next_at, 1);
}

/* Where adopt_candidates_tx collects the ids (at most 2). */
struct adopt_ids {
	int64_t	*ids;
	int	*n;
};

/* db_each callback: one candidate id. */
static enum ny_err
adopt_id(void *arg, sqlite3_stmt *st)
{
	struct adopt_ids *c = arg;

	c->ids[(*c->n)++] = sqlite3_column_int64(st, 0);
	return NY_OK;
}

/* Inside the caller's transaction: the candidates for an unknown callback
 * (at most 2 read: one is adopted, two is already too many). */
static enum ny_err
adopt_candidates_tx(struct db *db, const char *provider, const char *phone,
    int64_t amount, int64_t since, int64_t ids[2], int *n)
{
	sqlite3_stmt *st = db_stmt(db, "SELECT id FROM payments"
	    " WHERE phone = ?1 AND push_started_at IS NOT NULL"
	    " AND push_started_at >= ?2 AND provider_ref IS NULL"
	    " AND status IN ('new', 'expired') AND provider = ?3"
	    " AND (amount_minor = ?4 OR (amount_minor + 99) / 100 * 100 = ?4)"
	    " ORDER BY id LIMIT 2");
	struct adopt_ids c = { ids, n };

	*n = 0;
	if (st == NULL)
		return NY_EDB;
	sqlite3_bind_text(st, 1, phone, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, since);
	sqlite3_bind_text(st, 3, provider, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, amount);
	return db_each(st, 2, adopt_id, &c);
}

/* Inside the caller's transaction: candidate id takes ref and raw. */
static enum ny_err
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
	return db_one(st, NY_ESTATE, NULL);
}

/*
 * payment_adopt_callback inside its transaction: adopts the one candidate
 * (*id), or writes the callback to the audit log for review. *n gets the
 * number of candidates (0, 1, or 2 for "several").
 */
static enum ny_err
adopt_tx(struct db *db, const char *provider, const char *phone,
    int64_t amount_minor, const char *provider_ref, const char *raw,
    const char *audit_detail, int64_t now, int64_t window_s, int64_t *id,
    int *n)
{
	int64_t ids[2];
	char *detail;
	enum ny_err rc;

	if ((rc = adopt_candidates_tx(db, provider, phone, amount_minor,
	    now - window_s, ids, n)) != NY_OK)
		return rc;
	if (*n == 1) {
		if ((rc = adopt_one_tx(db, ids[0], provider_ref, raw, now)) ==
		    NY_OK)
			*id = ids[0];
		return rc;
	}
	detail = xasprintf("manual review: %s candidates for unknown"
	    " %s callback; raw=%s", *n == 0 ? "no" : "several", provider,
	    audit_detail != NULL ? audit_detail : "");
	rc = audit_log(db, "system", "payment.callback.review", detail, NULL);
	free(detail);
	return rc;
}

enum ny_err
payment_adopt_callback(struct db *db, const char *provider, const char *phone,
    int64_t amount_minor, const char *provider_ref, const char *raw,
    const char *audit_detail, int64_t now, int64_t window_s, int64_t *id)
{
	enum ny_err rc;
	int n = 0;

	*id = 0;
	if (provider == NULL || phone == NULL || phone[0] == '\0' ||
	    provider_ref == NULL || provider_ref[0] == '\0' || raw == NULL ||
	    amount_minor < 0)
		return NY_EINVAL;
	if ((rc = db_begin(db)) != NY_OK)
		return rc;
	rc = adopt_tx(db, provider, phone, amount_minor, provider_ref, raw,
	    audit_detail, now, window_s, id, &n);
	if ((rc = db_end(db, rc)) != NY_OK) {
		*id = 0;
		return rc;
	}
	if (n == 1)
		log_warn("unknown callback adopted by its push",
		    "payment=%lld", (long long)*id);
	else
		log_warn("unknown callback kept for manual review",
		    "candidates=%s", n == 0 ? "0" : "2+");
	return n == 1 ? NY_OK : n == 0 ? NY_ENOTFOUND : NY_EEXISTS;
}

enum ny_err
payment_mark_pushed(struct db *db, int64_t id, const char *provider_ref,
    int64_t next_at)
{
	sqlite3_stmt *st = db_stmt(db, "UPDATE payments SET status = 'pending',"
	    " provider_ref = ?, next_attempt_at = ?, attempts = attempts + 1,"
	    " updated_at = ? WHERE id = ? AND status = 'new'");

	if (st == NULL)
		return NY_EDB;
	sqlite3_bind_text(st, 1, provider_ref, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, next_at);
	sqlite3_bind_int64(st, 3, ny_now());
	sqlite3_bind_int64(st, 4, id);
	return db_one(st, NY_ESTATE, NULL);
}

enum ny_err
payment_set_checkout_url(struct db *db, int64_t id, const char *url)
{
	sqlite3_stmt *st = db_stmt(db, "UPDATE payments SET checkout_url = ?"
	    " WHERE id = ?");

	if (st == NULL)
		return NY_EDB;
	sqlite3_bind_text(st, 1, url, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, id);
	return db_one(st, NY_ENOTFOUND, NULL);
}

enum ny_err
payment_checkout_url(struct db *db, int64_t id, char *buf, size_t len)
{
	sqlite3_stmt *st = db_stmt(db, "SELECT checkout_url FROM payments"
	    " WHERE id = ? AND checkout_url IS NOT NULL");
	int rc;

	if (st == NULL)
		return NY_EDB;
	sqlite3_bind_int64(st, 1, id);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW)
		db_col_buf(st, 0, buf, len);
	sqlite3_reset(st);
	return db_found(rc);
}

enum ny_err
payment_postpone(struct db *db, int64_t id, int64_t next_at, int bump,
    const char *desc)
{
	sqlite3_stmt *st = db_stmt(db, "UPDATE payments SET next_attempt_at = ?,"
	    " attempts = attempts + ?, result_desc = coalesce(?, result_desc),"
	    " updated_at = ? WHERE id = ? AND status IN ('new', 'pending',"
	    " 'expired')");

	if (st == NULL)
		return NY_EDB;
	sqlite3_bind_int64(st, 1, next_at);
	sqlite3_bind_int(st, 2, bump ? 1 : 0);
	if (desc != NULL)
		sqlite3_bind_text(st, 3, desc, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, ny_now());
	sqlite3_bind_int64(st, 5, id);
	return db_done(st);
}

enum ny_err
payment_keep_raw(struct db *db, int64_t id, const char *raw)
{
	sqlite3_stmt *st = db_stmt(db, "UPDATE payments SET raw_callback = ?,"
	    " next_attempt_at = 0, updated_at = ?"
	    " WHERE id = ? AND status IN ('new', 'pending', 'expired')");

	if (st == NULL)
		return NY_EDB;
	sqlite3_bind_text(st, 1, raw, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, ny_now());
	sqlite3_bind_int64(st, 3, id);
	return db_done(st);
}

enum ny_err
payment_late_receipt(struct db *db, int64_t id, const char *receipt,
    const char *raw)
{
	sqlite3_stmt *st = db_stmt(db, "UPDATE payments SET receipt = ?1,"
	    " raw_callback = ?2, updated_at = ?3 WHERE id = ?4 AND"
	    " status = 'paid' AND receipt IS NULL AND"
	    " (raw_callback IS NULL OR raw_callback = ?2)");

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
	return db_done(st);
}

enum ny_err
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
	return db_found(rc);
}

enum ny_err
payment_wake_all(struct db *db)
{
	sqlite3_stmt *st = db_stmt(db, "UPDATE payments SET next_attempt_at = 0"
	    " WHERE status IN ('new', 'pending') AND next_attempt_at > 0");

	return db_done(st);
}
