/*
 * order-detail.c: the order detail read model (order-detail.h). The
 * order itself comes from order.c (order_by_ref / order_by_id), the
 * refund from refund.c; this file reads what only the detail shows (the
 * payment's receipt and card, provider events, messages) and puts the
 * timeline together from the rows' own timestamps: there is no history
 * table, so each step is when its row says it happened.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "order-detail.h"

/* The payment columns the detail adds to struct order. */
struct od_pay {
	int64_t	 push_started_at;
	int64_t	 updated_at;
};

/* Appends a timeline step (dropped when the timeline is full). */
static void
od_step(struct order_detail *d, int64_t at, const char *what,
    const char *detail)
{
	struct order_detail_step *s;

	if (d->nsteps >= ORDER_DETAIL_STEPS)
		return;
	s = &d->steps[d->nsteps++];
	s->at = at;
	s->what = what;
	snprintf(s->detail, sizeof s->detail, "%s", detail ? detail : "");
}

/*
 * The product's creator and the payment's columns of order id into d and
 * *p. NY_OK, NY_ENOTFOUND or the db error.
 */
static enum ny_err
od_read_payment(struct db *db, int64_t id, struct order_detail *d,
    struct od_pay *p)
{
	sqlite3_stmt *st = db_stmt(db, "SELECT p.creator_id,"
	    " coalesce(y.status, ''), coalesce(y.receipt, ''),"
	    " coalesce(y.card_brand, ''), coalesce(y.card_last4, ''),"
	    " coalesce(y.provider_ref, ''), coalesce(y.push_started_at, 0),"
	    " coalesce(y.updated_at, 0)"
	    " FROM orders o JOIN products p ON p.id = o.product_id"
	    " LEFT JOIN payments y ON y.order_id = o.id WHERE o.id = ?");
	int rc;

	if (st == NULL)
		return NY_EDB;
	sqlite3_bind_int64(st, 1, id);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		d->creator_id = sqlite3_column_int64(st, 0);
		db_col_buf(st, 1, d->pay_status, sizeof d->pay_status);
		db_col_buf(st, 2, d->receipt, sizeof d->receipt);
		db_col_buf(st, 3, d->card_brand, sizeof d->card_brand);
		db_col_buf(st, 4, d->card_last4, sizeof d->card_last4);
		db_col_buf(st, 5, d->provider_ref, sizeof d->provider_ref);
		p->push_started_at = sqlite3_column_int64(st, 6);
		p->updated_at = sqlite3_column_int64(st, 7);
	}
	sqlite3_reset(st);
	return db_found(rc);
}

/* db_each callback: one provider event into the timeline. */
static enum ny_err
od_webhook_row(void *arg, sqlite3_stmt *st)
{
	char type[64];

	db_col_buf(st, 0, type, sizeof type);
	od_step(arg, sqlite3_column_int64(st, 1), "webhook", type);
	return NY_OK;
}

/*
 * The provider events recorded for the order (webhook_events by order,
 * its own index), at most half the timeline so the later steps still fit.
 */
static enum ny_err
od_read_webhooks(struct db *db, struct order_detail *d)
{
	sqlite3_stmt *st = db_stmt(db, "SELECT type, received_at"
	    " FROM webhook_events WHERE order_id = ?"
	    " ORDER BY received_at, rowid LIMIT ?");

	if (st == NULL)
		return NY_EDB;
	sqlite3_bind_int64(st, 1, d->order.id);
	sqlite3_bind_int(st, 2, ORDER_DETAIL_STEPS / 2);
	return db_each(st, 0, od_webhook_row, d);
}

/* db_each callback: one message row into d->msgs. */
static enum ny_err
od_msg_row(void *arg, sqlite3_stmt *st)
{
	struct order_detail *d = arg;
	struct order_detail_msg *m;

	if (d->nmsgs >= ORDER_DETAIL_MSGS)
		return NY_OK;
	m = &d->msgs[d->nmsgs++];
	db_col_buf(st, 0, m->kind, sizeof m->kind);
	db_col_buf(st, 1, m->status, sizeof m->status);
	m->created_at = sqlite3_column_int64(st, 2);
	m->sent_at = sqlite3_column_int64(st, 3);
	return NY_OK;
}

/*
 * The messages queued for the order. Read through the buyer's messages
 * (messages_customer) rather than by order_id, which has no index: a
 * buyer has few messages, and an order's all go to its buyer. The body
 * is never selected.
 */
static enum ny_err
od_read_messages(struct db *db, struct order_detail *d)
{
	sqlite3_stmt *st = db_stmt(db, "SELECT kind, status, created_at,"
	    " coalesce(sent_at, 0) FROM messages"
	    " WHERE customer_id = ?1 AND order_id = ?2 ORDER BY id LIMIT ?3");

	if (st == NULL)
		return NY_EDB;
	sqlite3_bind_int64(st, 1, d->order.customer_id);
	sqlite3_bind_int64(st, 2, d->order.id);
	sqlite3_bind_int(st, 3, ORDER_DETAIL_MSGS);
	return db_each(st, 0, od_msg_row, d);
}

/* The payment's steps: the push, the provider taking it. */
static void
od_steps_push(struct order_detail *d, const struct od_pay *p)
{
	if (p->push_started_at > 0)
		od_step(d, p->push_started_at, "push", NULL);
	/* No row keeps when the provider answered; it answers the push
	 * itself, so its reference is shown at the push's time. */
	if (d->provider_ref[0] != '\0')
		od_step(d, p->push_started_at > 0 ? p->push_started_at :
		    d->order.created_at, "accepted", d->provider_ref);
}

/* How the order ended: paid, paid too late, failed or expired. */
static void
od_steps_outcome(struct order_detail *d, const struct od_pay *p)
{
	const struct order *o = &d->order;
	char means[96];

	order_detail_means(d, means, sizeof means);
	if (strcmp(o->failure, "late_refund") == 0) {
		od_step(d, o->expires_at, "expired", NULL);
		od_step(d, p->updated_at, "paid_late", means);
	} else if (o->paid_at > 0)
		od_step(d, o->paid_at, "paid", means);
	else if (o->status == ORDER_FAILED)
		od_step(d, o->updated_at, "failed", o->failure);
	else if (o->status == ORDER_EXPIRED)
		od_step(d, o->updated_at, "expired", NULL);
}

/* The refund's steps: asked, then done or failed. */
static void
od_steps_refund(struct order_detail *d)
{
	const struct refund *r = &d->refund;

	if (!d->has_refund)
		return;
	od_step(d, r->created_at, "refund_asked", r->actor);
	if (strcmp(r->status, "done") == 0)
		od_step(d, r->done_at ? r->done_at : r->updated_at,
		    "refunded", r->manual_code);
	else if (strcmp(r->status, "failed") == 0)
		od_step(d, r->updated_at, "refund_failed", r->error);
}

/* Sorts the timeline by time, keeping the order of equal times. */
static void
od_sort(struct order_detail *d)
{
	struct order_detail_step t;
	int i, j;

	for (i = 1; i < d->nsteps; i++) {
		t = d->steps[i];
		for (j = i; j > 0 && d->steps[j - 1].at > t.at; j--)
			d->steps[j] = d->steps[j - 1];
		d->steps[j] = t;
	}
}

/*
 * The lines creator_id may see (0: all) into d, their share, and how many
 * the order has. NY_ENOTFOUND when none is theirs.
 */
static enum ny_err
od_read_lines(struct db *db, int64_t creator_id, struct order_detail *d)
{
	struct order_line *l = NULL;
	enum ny_err rc;
	int i, n = 0;

	if ((rc = order_lines_get(db, d->order.id, 0, &l, &n)) != NY_OK)
		return rc;
	d->nlines_all = n;
	for (i = 0; i < n; i++) {
		if ((creator_id > 0 && l[i].creator_id != creator_id) ||
		    d->nlines >= ORDER_MAX_LINES)
			continue;
		d->lines[d->nlines++] = l[i];
		d->share_minor += l[i].amount_minor;
	}
	free(l);
	if (creator_id > 0 && d->nlines == 0)
		return NY_ENOTFOUND;
	/* The order as the reader sees it named: their first line. */
	if (d->nlines > 0) {
		snprintf(d->order.product_slug, sizeof d->order.product_slug,
		    "%s", d->lines[0].slug);
		snprintf(d->order.product_kind, sizeof d->order.product_kind,
		    "%s", d->lines[0].kind);
		order_lines_title(d->lines, d->nlines, d->order.product_title,
		    sizeof d->order.product_title);
	}
	return NY_OK;
}

/* Everything after the order row itself: payment, refund, steps. */
static enum ny_err
od_read_rest(struct db *db, int64_t creator_id, struct order_detail *d)
{
	struct od_pay p = { 0, 0 };
	enum ny_err rc;

	if ((rc = od_read_payment(db, d->order.id, d, &p)) != NY_OK)
		return rc;
	if ((rc = od_read_lines(db, creator_id, d)) != NY_OK)
		return rc;
	rc = refund_by_order(db, d->order.id, &d->refund);
	if (rc != NY_OK && rc != NY_ENOTFOUND)
		return rc;
	d->has_refund = rc == NY_OK;
	d->refundable = refund_possible(db, d->order.id);
	od_step(d, d->order.created_at, "created", NULL);
	od_steps_push(d, &p);
	if ((rc = od_read_webhooks(db, d)) != NY_OK)
		return rc;
	od_steps_outcome(d, &p);
	od_steps_refund(d);
	od_sort(d);
	return od_read_messages(db, d);
}

enum ny_err
order_detail_get(struct db *db, int64_t creator_id, const char *ref,
    int64_t id, struct order_detail *out)
{
	enum ny_err rc;

	memset(out, 0, sizeof *out);
	rc = ref != NULL ? order_by_ref(db, ref, &out->order) :
	    order_by_id(db, id, &out->order);
	/* The whole number never leaves this function: see the header. */
	memset(out->order.phone, 0, sizeof out->order.phone);
	if (rc == NY_OK)
		rc = od_read_rest(db, creator_id, out);
	if (rc != NY_OK) {
		memset(out, 0, sizeof *out);
		return rc;
	}
	return NY_OK;
}

/* db_rows callback: an order id into the array element. */
static enum ny_err
od_id_fill(void *arg, void *elem, sqlite3_stmt *st)
{
	(void)arg;
	*(int64_t *)elem = sqlite3_column_int64(st, 0);
	return NY_OK;
}

/*
 * The ids of the orders to refund, newest first (orders_status narrows
 * to the expired ones). *ids is an array the caller frees.
 */
static enum ny_err
od_due_ids(struct db *db, int64_t creator_id, int max, int64_t **ids,
    size_t *n)
{
	sqlite3_stmt *st = db_stmt(db, "SELECT o.id FROM orders o"
	    " WHERE o.status = 'expired' AND o.failure = 'late_refund'"
	    " AND (?1 = 0 OR EXISTS (SELECT 1 FROM order_lines l"
	    "  WHERE l.order_id = o.id AND l.creator_id = ?1))"
	    " ORDER BY o.id DESC LIMIT ?2");

	*ids = NULL;
	*n = 0;
	if (st == NULL)
		return NY_EDB;
	sqlite3_bind_int64(st, 1, creator_id);
	sqlite3_bind_int(st, 2, max);
	return db_rows(st, (size_t)max, ids, n, sizeof **ids, od_id_fill,
	    NULL);
}

enum ny_err
order_detail_refund_due(struct db *db, int64_t creator_id, int max,
    struct order **out, int *n)
{
	int64_t *ids = NULL;
	size_t nids = 0, i;
	enum ny_err rc;

	*out = NULL;
	*n = 0;
	if (max <= 0)
		return NY_OK;
	if ((rc = od_due_ids(db, creator_id, max, &ids, &nids)) == NY_OK &&
	    nids > 0) {
		*out = xcalloc(nids, sizeof **out);
		for (i = 0; i < nids && rc == NY_OK; i++)
			rc = order_by_id(db, ids[i], &(*out)[i]);
	}
	free(ids);
	if (rc != NY_OK) {
		free(*out);
		*out = NULL;
		return rc;
	}
	*n = (int)nids;
	return NY_OK;
}

void
order_detail_means(const struct order_detail *d, char *buf, size_t len)
{
	if (d->card_last4[0] != '\0')
		snprintf(buf, len, "%s ···· %s", d->card_brand[0] ?
		    d->card_brand : "card", d->card_last4);
	else
		snprintf(buf, len, "%s", d->receipt);
}
