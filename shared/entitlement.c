/*
 * entitlement.c: entitlements (grant, revoke, state) and the fulfilment
 * of a paid order. See entitlement.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "customer.h"
#include "entitlement.h"
#include "i18n.h"
#include "library-key.h"
#include "mail.h"
#include "money.h"
#include "order.h"
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

/* What fulfilment reads of an order and its buyer. */
struct ent_order {
	int64_t	 customer_id;
	int64_t	 amount;
	char	 currency[4];
	char	 status[12];
	char	 locale[4];
	char	 ref[64];
	char	 phone[16];
	char	 email[256];	/* the address typed at checkout, or "" */
};

/* Reads order order_id into *o: NY_OK, NY_ENOTFOUND or the mapped error. */
static enum ny_err
ent_order_get(struct db *db, int64_t order_id, struct ent_order *o)
{
	sqlite3_stmt *st = db_stmt(db,
	    "SELECT o.customer_id, o.amount_minor, o.currency, o.status,"
	    " o.locale, o.ref, c.phone, coalesce(o.email, '') FROM orders o"
	    " JOIN customers c ON c.id = o.customer_id WHERE o.id = ?");
	int rc;

	if (st == NULL)
		return NY_EDB;
	sqlite3_bind_int64(st, 1, order_id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		o->customer_id = sqlite3_column_int64(st, 0);
		o->amount = sqlite3_column_int64(st, 1);
		db_col_buf(st, 2, o->currency, sizeof o->currency);
		db_col_buf(st, 3, o->status, sizeof o->status);
		db_col_buf(st, 4, o->locale, sizeof o->locale);
		db_col_buf(st, 5, o->ref, sizeof o->ref);
		db_col_buf(st, 6, o->phone, sizeof o->phone);
		db_col_buf(st, 7, o->email, sizeof o->email);
	}
	sqlite3_reset(st);
	return db_found(rc);
}

/*
 * The receipt's text: "msg.receipt" for one line; for several,
 * "msg.receipt_lines" with one line of text per order line ("- Title ×2:
 * KES 200"). Caller frees.
 */
static char *
ent_receipt_body(const struct ent_order *o, const struct order_line *l,
    int n, const char *ref)
{
	char amount[64], line[64], *body;
	struct ny_buf b;
	int i;

	money_format(o->amount, o->currency, o->locale, amount, sizeof amount);
	if (n == 1)
		return i18n_fmt(o->locale, "msg.receipt", "product", l[0].title,
		    "amount", amount, "receipt", ref, NULL);
	buf_init(&b, 0);
	for (i = 0; i < n; i++) {
		money_format(l[i].amount_minor, o->currency, o->locale, line,
		    sizeof line);
		if (l[i].quantity > 1)
			buf_printf(&b, "%s- %s \xc3\x97%d: %s", i ? "\n" : "",
			    l[i].title, l[i].quantity, line);
		else
			buf_printf(&b, "%s- %s: %s", i ? "\n" : "",
			    l[i].title, line);
	}
	body = i18n_fmt(o->locale, "msg.receipt_lines", "lines",
	    b.data != NULL ? b.data : "", "amount", amount, "receipt", ref,
	    NULL);
	buf_free(&b);
	return body;
}

/* Queues the receipt of order o (key_id for its {link}) under dedupe. */
static enum ny_err
ent_queue_receipt(struct db *db, int64_t order_id, const struct ent_order *o,
    const struct order_line *l, int n, const char *receipt, int64_t key_id,
    const char *dedupe)
{
	struct outbox_msg m;
	char *body;
	const char *ref = receipt != NULL && *receipt ? receipt : o->ref;
	enum ny_err rc;

	/*
	 * No template params: the cloud driver then sends the whole body as
	 * the single parameter of the one configured template, so receipts,
	 * links and reminders all go through the same approved template.
	 */
	body = ent_receipt_body(o, l, n, ref);
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
	/* The same receipt by email when the order has an address. */
	if (rc == NY_OK)
		rc = mail_twin_tx(db, order_id, &m);
	free(body);
	return rc;
}

/*
 * Grants every line of the order: an entitlement each (a subscription
 * runs its period), a ticket line its tickets.
 */
static enum ny_err
ent_grant_lines(struct db *db, int64_t order_id, const struct ent_order *o,
    const struct order_line *l, int n, int64_t now)
{
	enum ny_err rc;
	int i;

	for (i = 0; i < n; i++) {
		rc = entitlement_grant_tx(db, o->customer_id, l[i].product_id,
		    order_id, now, strcmp(l[i].kind, "subscription") == 0 ?
		    l[i].period_days : 0, NULL);
		if (rc == NY_OK && strcmp(l[i].kind, "ticket") == 0)
			rc = ticket_issue_tx(db, order_id, l[i].product_id,
			    o->customer_id, l[i].quantity);
		if (rc != NY_OK)
			return rc;
	}
	return NY_OK;
}

enum ny_err
entitlement_fulfil_tx(struct db *db, int64_t order_id, const char *receipt,
    int64_t now, int64_t *key_id)
{
	struct ent_order o;
	struct order_line *l = NULL;
	char dedupe[48];
	int64_t kid = 0;
	enum ny_err rc;
	int n = 0;

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
	if ((rc = order_lines_get(db, order_id, 0, &l, &n)) != NY_OK)
		return rc;
	/* Every order has a line (migration 0012, order_create): none is a
	 * broken row, and the settle must not pretend it granted. */
	if (n == 0)
		rc = NY_EDB;
	if (rc == NY_OK)
		rc = ent_grant_lines(db, order_id, &o, l, n, now);
	/*
	 * The address becomes the buyer's only now, paid: anyone can start
	 * a checkout with any phone and any address, and a pending order
	 * must not rename someone else's customer row. The order keeps its
	 * own copy from creation (mail_twin_tx reads that).
	 */
	if (rc == NY_OK && o.email[0] != '\0')
		rc = customer_email_set_tx(db, o.customer_id, o.email);
	if (rc == NY_OK)
		rc = ent_queue_receipt(db, order_id, &o, l, n, receipt, kid,
		    dedupe);
	free(l);
	return rc;
}
