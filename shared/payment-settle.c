/*
 * payment-settle.c: payment_settle, the one transaction that ends an
 * order (docs/ARCHITECTURE.md, §5 Flows): the payment and order rows take
 * the outcome, the seat reservation goes, and a paid order is fulfilled
 * (entitlement.h). The payment rows otherwise are payment.c's.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alert.h"
#include "audit.h"
#include "entitlement.h"
#include "log.h"
#include "metrics-app.h"
#include "order.h"
#include "payment.h"

/* What payment_settle reads at the start of its transaction. */
struct settle_state {
	int64_t			 payment_id;
	int64_t			 order_id;
	int64_t			 amount;
	char			 pay_status[8];
	char			 provider[8];
	enum order_status	 order_status;
};

/* What a settle changed, counted for /metrics once it is committed. */
struct settle_done {
	int			 changed;
	int			 order_moved;	/* the order's status changed */
	enum order_status	 to;
	const char		*pay_status;
	char			 provider[8];
};

/*
 * Reads payment id (or, id 0, the one with provider_ref ref) with its
 * order into *s. Returns NY_OK, NY_ENOTFOUND or the db error
 * (NY_EDB for an order status this program does not know).
 */
static enum ny_err
settle_load(struct db *db, int64_t id, const char *ref, struct settle_state *s)
{
#define SETTLE_SELECT "SELECT y.id, y.order_id," \
	" y.amount_minor, y.status, o.status, y.provider FROM payments y" \
	" JOIN orders o ON o.id = y.order_id"
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
		db_col_buf(st, 3, s->pay_status, sizeof s->pay_status);
		db_col_buf(st, 4, ostatus, sizeof ostatus);
		db_col_buf(st, 5, s->provider, sizeof s->provider);
		if (order_status_parse(ostatus, &s->order_status) != NY_OK)
			rc = SQLITE_CORRUPT;
	}
	sqlite3_reset(st);
	return db_found(rc);
}

/* The payment row takes status and the result r (receipt only if paid). */
static enum ny_err
settle_payment_row(struct db *db, const struct settle_state *s,
    const char *status, const struct pay_result *r, int64_t now)
{
	sqlite3_stmt *st = db_stmt(db, "UPDATE payments SET status = ?,"
	    " result_code = ?, result_desc = ?, receipt = ?,"
	    " raw_callback = coalesce(?, raw_callback), updated_at = ?,"
	    " next_attempt_at = -1, card_brand = coalesce(?8, card_brand),"
	    " card_last4 = coalesce(?9, card_last4) WHERE id = ?7");

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
	if (r->card_brand != NULL && strcmp(status, "paid") == 0)
		sqlite3_bind_text(st, 8, r->card_brand, -1, SQLITE_STATIC);
	if (r->card_last4 != NULL && strcmp(status, "paid") == 0)
		sqlite3_bind_text(st, 9, r->card_last4, -1, SQLITE_STATIC);
	return db_done(st);
}

/* The order row takes status to, failure and (when paid) paid_at. */
static enum ny_err
settle_order_row(struct db *db, int64_t order_id, enum order_status to,
    const char *failure, int64_t now)
{
	sqlite3_stmt *st = db_stmt(db, "UPDATE orders SET status = ?,"
	    " failure = ?, updated_at = ?,"
	    " paid_at = CASE WHEN ?1 = 'paid' THEN ?3 ELSE paid_at END"
	    " WHERE id = ?4");

	if (st == NULL)
		return NY_EDB;
	sqlite3_bind_text(st, 1, order_status_name(to), -1, SQLITE_STATIC);
	if (failure != NULL)
		sqlite3_bind_text(st, 2, failure, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, now);
	sqlite3_bind_int64(st, 4, order_id);
	return db_done(st);
}

/* Frees the seats every ticket line of the order held (a no-op for other
 * kinds). */
static enum ny_err
settle_release(struct db *db, int64_t order_id)
{
	sqlite3_stmt *st = db_stmt(db,
	    "DELETE FROM reservations WHERE order_id = ?");

	if (st == NULL)
		return NY_EDB;
	sqlite3_bind_int64(st, 1, order_id);
	return db_done(st);
}

/*
 * A late payment of an expired order: 1 into *ok when every ticket line
 * still finds its seats (its reservation went when it expired), else 0.
 * NY_OK or the db error.
 */
static enum ny_err
settle_seats_ok(struct db *db, int64_t order_id, int *ok)
{
	struct order_line *l;
	int64_t left;
	enum ny_err rc;
	int i, n;

	*ok = 1;
	if ((rc = order_lines_get(db, order_id, 0, &l, &n)) != NY_OK)
		return rc;
	for (i = 0; i < n && *ok; i++) {
		if (strcmp(l[i].kind, "ticket") != 0)
			continue;
		if ((rc = order_seats_left(db, l[i].product_id, &left)) !=
		    NY_OK)
			break;
		if (left < l[i].quantity)
			*ok = 0;
	}
	free(l);
	return rc;
}

/*
 * Decides the order's new outcome from the payment's state and the
 * result: 1 when something must change, with *outcome and *failure (the
 * reason stored on the order); 0 when nothing must (a repeat, a late
 * failure, an unknown state).
 */
static int
settle_has_change(const struct settle_state *s, const struct pay_result *r,
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

/*
 * A provider said "paid" for another amount or currency than the order's:
 * nothing is granted (the order failed), and the audit log keeps it for
 * the operator to look at (the money may have to go back by hand).
 */
static enum ny_err
settle_review(struct db *db, const struct settle_state *s,
    const struct pay_result *r)
{
	char detail[160];

	snprintf(detail, sizeof detail, "order=%lld expected=%lld reported=%lld"
	    " receipt=%s", (long long)s->order_id, (long long)s->amount,
	    (long long)r->amount_minor, r->receipt ? r->receipt : "-");
	log_error("payment amount mismatch, kept for review", "order=%lld",
	    (long long)s->order_id);
	return audit_log(db, "system", "payment.review", detail, NULL);
}

/* payment_settle inside its transaction; d->changed = 1 when it did. */
static enum ny_err
settle_tx(struct db *db, int64_t id, const char *ref,
    const struct pay_result *r, int64_t now, struct settle_done *d)
{
	struct settle_state s;
	enum pay_outcome outcome;
	enum order_status to;
	const char *failure, *pstatus;
	enum ny_err rc;
	int seats;

	if ((rc = settle_load(db, id, ref, &s)) != NY_OK)
		return rc;
	if (!settle_has_change(&s, r, &outcome, &failure))
		return NY_OK;
	to = outcome == PAY_PAID ? ORDER_PAID : outcome == PAY_FAILED ?
	    ORDER_FAILED : ORDER_EXPIRED;
	pstatus = order_status_name(to);
	if (!order_transition_ok(s.order_status, to))
		return NY_OK;
	if (s.order_status == ORDER_EXPIRED && to == ORDER_PAID) {
		if ((rc = settle_seats_ok(db, s.order_id, &seats)) != NY_OK)
			return rc;
		if (!seats) {
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
	if (to == ORDER_PAID && (rc = entitlement_fulfil_tx(db, s.order_id,
	    r->receipt != NULL && r->receipt[0] ? r->receipt : NULL, now,
	    NULL)) != NY_OK)
		return rc;
	/* The creator's sale alert is best-effort (its own savepoint): one
	 * that cannot be queued never keeps the payment from settling. Only
	 * NY_EBUSY (all retried) or a transaction SQLite gave up come back. */
	if (to == ORDER_PAID && (rc = alert_sale(db, s.order_id, now)) != NY_OK)
		return rc;
	if (failure != NULL && strcmp(failure, PAY_REASON_AMOUNT) == 0 &&
	    (rc = settle_review(db, &s, r)) != NY_OK)
		return rc;
	if ((rc = db_event(db, "order", s.order_id, NULL)) != NY_OK)
		return rc;
	d->changed = 1;
	d->order_moved = to != s.order_status;
	d->to = to;
	d->pay_status = pstatus;
	snprintf(d->provider, sizeof d->provider, "%s", s.provider);
	log_info("payment settled", "order=%lld status=%s reason=%s",
	    (long long)s.order_id, order_status_name(to),
	    failure ? failure : "-");
	return NY_OK;
}

enum ny_err
payment_settle(struct db *db, int64_t id, const char *provider_ref,
    const struct pay_result *r, int *changed)
{
	struct settle_done done;
	enum ny_err rc;

	if (changed != NULL)
		*changed = 0;
	if (id <= 0 && (provider_ref == NULL || provider_ref[0] == '\0'))
		return NY_EINVAL;
	if ((rc = db_begin(db)) != NY_OK)
		return rc;
	memset(&done, 0, sizeof done);
	if ((rc = db_end(db, settle_tx(db, id, provider_ref, r, ny_now(),
	    &done))) != NY_OK)
		return rc;
	if (done.changed) {
		metrics_payment(done.provider, done.pay_status);
		if (done.order_moved)
			metrics_order(order_status_name(done.to));
	}
	if (changed != NULL)
		*changed = done.changed;
	return NY_OK;
}
