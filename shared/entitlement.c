/*
 * entitlement.c: entitlements (grant, revoke, state) and the fulfilment
 * of a paid order. See entitlement.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "entitlement.h"
#include "i18n.h"
#include "library-key.h"
#include "money.h"
#include "outbox.h"
#include "ticket.h"

enum lib_state
entitlement_state(int64_t now, int64_t expires_at, int revoked,
    const char *order_status)
{
	if (strcmp(order_status, "refunded") == 0)
		return LIB_REFUNDED;
	if (revoked)
		return LIB_REVOKED;
	if (expires_at != 0 && expires_at <= now)
		return LIB_EXPIRED;
	return LIB_ACTIVE;
}

enum ny_err
entitlement_grant_tx(struct db *db, int64_t customer_id, int64_t product_id,
    int64_t order_id, int64_t now, int period_days, int64_t *ent_id)
{
	/*
	 * One upsert: a new row runs from now (to now + period, or forever);
	 * an existing one keeps forever when it was forever, else runs from
	 * max(now, current end) for another period. RETURNING always gives
	 * the row, and the write is done by the first step (db_int64 steps
	 * once).
	 */
	sqlite3_stmt *st = db_stmt(db,
	    "INSERT INTO entitlements (customer_id, product_id, order_id,"
	    " starts_at, expires_at) VALUES (?1, ?2, ?3, ?4,"
	    " CASE WHEN ?5 > 0 THEN ?4 + ?5 * 86400 END)"
	    " ON CONFLICT (customer_id, product_id) DO UPDATE SET"
	    " order_id = excluded.order_id, revoked_at = NULL,"
	    " reminded_at = NULL,"
	    " expires_at = CASE WHEN ?5 <= 0 OR entitlements.expires_at IS NULL"
	    "  THEN NULL ELSE max(?4, entitlements.expires_at) + ?5 * 86400 END"
	    " RETURNING id");

	if (st == NULL)
		return NY_EDB;
	sqlite3_bind_int64(st, 1, customer_id);
	sqlite3_bind_int64(st, 2, product_id);
	sqlite3_bind_int64(st, 3, order_id);
	sqlite3_bind_int64(st, 4, now);
	sqlite3_bind_int(st, 5, period_days);
	return db_int64(st, ent_id);
}

enum ny_err
entitlement_revoke_order_tx(struct db *db, int64_t order_id, int64_t now)
{
	sqlite3_stmt *st = db_stmt(db, "UPDATE entitlements SET revoked_at = ?"
	    " WHERE order_id = ? AND revoked_at IS NULL");

	if (st == NULL)
		return NY_EDB;
	sqlite3_bind_int64(st, 1, now);
	sqlite3_bind_int64(st, 2, order_id);
	return db_done(st);
}

/* ---- fulfilment ----------------------------------------------------- */

/* What fulfilment reads of an order, its product and its buyer. */
struct ent_order {
	int64_t	 customer_id;
	int64_t	 product_id;
	int	 quantity;
	int64_t	 amount;
	char	 currency[4];
	char	 status[12];
	char	 locale[4];
	char	 ref[64];
	char	 kind[16];
	int	 period_days;
	char	 title[201];
	char	 phone[16];
};

/* Reads order order_id into *o: NY_OK, NY_ENOTFOUND or the mapped error. */
static enum ny_err
ent_order_get(struct db *db, int64_t order_id, struct ent_order *o)
{
	sqlite3_stmt *st = db_stmt(db,
	    "SELECT o.customer_id, o.product_id, o.quantity, o.amount_minor,"
	    " o.currency, o.status, o.locale, o.ref, p.kind,"
	    " coalesce(p.period_days, 0), p.title, c.phone"
	    " FROM orders o JOIN products p ON p.id = o.product_id"
	    " JOIN customers c ON c.id = o.customer_id WHERE o.id = ?");
	int rc;

	if (st == NULL)
		return NY_EDB;
	sqlite3_bind_int64(st, 1, order_id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		o->customer_id = sqlite3_column_int64(st, 0);
		o->product_id = sqlite3_column_int64(st, 1);
		o->quantity = sqlite3_column_int(st, 2);
		o->amount = sqlite3_column_int64(st, 3);
		db_col_buf(st, 4, o->currency, sizeof o->currency);
		db_col_buf(st, 5, o->status, sizeof o->status);
		db_col_buf(st, 6, o->locale, sizeof o->locale);
		db_col_buf(st, 7, o->ref, sizeof o->ref);
		db_col_buf(st, 8, o->kind, sizeof o->kind);
		o->period_days = sqlite3_column_int(st, 9);
		db_col_buf(st, 10, o->title, sizeof o->title);
		db_col_buf(st, 11, o->phone, sizeof o->phone);
	}
	sqlite3_reset(st);
	return db_found(rc);
}

/* Queues the receipt of order o (key_id for its {link}) under dedupe. */
static enum ny_err
ent_queue_receipt(struct db *db, int64_t order_id, const struct ent_order *o,
    const char *receipt, int64_t key_id, const char *dedupe)
{
	struct outbox_msg m;
	char amount[64], *body;
	const char *ref = receipt != NULL && *receipt ? receipt : o->ref;
	enum ny_err rc;

	/*
	 * No template params: the cloud driver then sends the whole body as
	 * the single parameter of the one configured template, so receipts,
	 * links and reminders all go through the same approved template.
	 */
	money_format(o->amount, o->currency, o->locale, amount, sizeof amount);
	body = i18n_fmt(o->locale, "msg.receipt", "product", o->title,
	    "amount", amount, "receipt", ref, NULL);
	memset(&m, 0, sizeof m);
	m.customer_id = o->customer_id;
	m.to_phone = o->phone;
	m.kind = "receipt";
	m.locale = o->locale;
	m.body = body;
	m.library_key_id = key_id;
	m.dedupe_key = dedupe;
	m.order_id = order_id;
	rc = outbox_queue_tx(db, &m, NULL);
	free(body);
	return rc;
}

enum ny_err
entitlement_fulfil_tx(struct db *db, int64_t order_id, const char *receipt,
    int64_t now, int64_t *key_id)
{
	struct ent_order o;
	char dedupe[48];
	int64_t kid = 0;
	enum ny_err rc;

	if ((rc = ent_order_get(db, order_id, &o)) != NY_OK)
		return rc;
	if (strcmp(o.status, "paid") != 0)
		return NY_ESTATE;
	if ((rc = library_key_ensure_tx(db, o.customer_id, &kid)) != NY_OK)
		return rc;
	if (key_id != NULL)
		*key_id = kid;
	/* The receipt row is written in the same transaction as the grant:
	 * when it exists, this order was fulfilled already. */
	snprintf(dedupe, sizeof dedupe, "receipt:%lld", (long long)order_id);
	rc = outbox_find_tx(db, dedupe, NULL);
	if (rc != NY_ENOTFOUND)
		return rc;
	rc = entitlement_grant_tx(db, o.customer_id, o.product_id, order_id,
	    now, strcmp(o.kind, "subscription") == 0 ? o.period_days : 0, NULL);
	if (rc == NY_OK && strcmp(o.kind, "ticket") == 0)
		rc = ticket_issue_tx(db, order_id, o.product_id, o.customer_id,
		    o.quantity);
	if (rc == NY_OK)
		rc = ent_queue_receipt(db, order_id, &o, receipt, kid, dedupe);
	return rc;
}
