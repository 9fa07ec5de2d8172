/*
 * refund-done.c: refund_done_tx, the one transition that ends what a
 * refunded order bought (see refund.h). Every path that finishes a
 * refund — sim at once, by hand, the provider's answer, a Daraja
 * reversal result, Stripe's charge.refunded — comes here, inside the
 * caller's transaction, so access never outlives the money.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "creator.h"
#include "entitlement.h"
#include "i18n.h"
#include "log.h"
#include "mail.h"
#include "metrics-app.h"
#include "money.h"
#include "order.h"
#include "outbox.h"
#include "refund.h"

/* What the buyer's message and the audit line need. */
struct rd_info {
	int64_t	 order_id;
	int64_t	 customer_id;
	int64_t	 creator_id;		/* the product's */
	int64_t	 amount;
	char	 currency[4];
	char	 locale[4];
	char	 ref[24];
	char	 title[256];		/* "Title", or "Title +2" for lines */
	int	 nlines;
	char	 phone[16];
	char	 provider[8];
	char	 how[8];
	char	 code[16];
	char	 actor[40];
	char	 handle[CREATOR_HANDLE_MAX + 1];	/* the product's creator */
};

/*
 * The refund row id goes from pending to done; *info is filled from it,
 * its order, product and buyer. NY_ESTATE when it is not pending (done
 * already, failed, or no such row).
 */
static enum ny_err
rd_mark(struct db *db, int64_t id, int64_t now, struct rd_info *info)
{
	sqlite3_stmt *st = db_stmt(db, "UPDATE refunds SET status = 'done',"
	    " done_at = ?1, updated_at = ?1, error = NULL"
	    " WHERE id = ?2 AND status = 'pending'"
	    " RETURNING order_id, provider, how, coalesce(manual_code, ''),"
	    " actor, amount_minor, currency");
	int rc;

	if (st == NULL)
		return NY_EDB;
	sqlite3_bind_int64(st, 1, now);
	sqlite3_bind_int64(st, 2, id);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		info->order_id = sqlite3_column_int64(st, 0);
		db_col_buf(st, 1, info->provider, sizeof info->provider);
		db_col_buf(st, 2, info->how, sizeof info->how);
		db_col_buf(st, 3, info->code, sizeof info->code);
		db_col_buf(st, 4, info->actor, sizeof info->actor);
		info->amount = sqlite3_column_int64(st, 5);
		db_col_buf(st, 6, info->currency, sizeof info->currency);
	}
	sqlite3_reset(st);
	if (rc == SQLITE_DONE)
		return NY_ESTATE;
	return db_err(rc);
}

/*
 * The order becomes refunded: from paid, or from expired when the money
 * came after its seats were gone (failure 'late_refund'). Seats are
 * counted from paid orders and reservations, so a refunded ticket order
 * gives its seats back by this change alone. Reads the rest of *info.
 */
static enum ny_err
rd_order(struct db *db, int64_t now, struct rd_info *info)
{
	sqlite3_stmt *st = db_stmt(db, "UPDATE orders SET status = 'refunded',"
	    " updated_at = ?1 WHERE id = ?2 AND (status = 'paid' OR"
	    " (status = 'expired' AND failure = 'late_refund'))"
	    " RETURNING customer_id, locale, ref, '',"
	    " (SELECT phone FROM customers c WHERE c.id = orders.customer_id),"
	    " (SELECT p.creator_id FROM products p"
	    "  WHERE p.id = orders.product_id),"
	    " (SELECT c.handle FROM products p JOIN creators c"
	    "  ON c.id = p.creator_id WHERE p.id = orders.product_id)");
	int rc;

	if (st == NULL)
		return NY_EDB;
	sqlite3_bind_int64(st, 1, now);
	sqlite3_bind_int64(st, 2, info->order_id);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		info->customer_id = sqlite3_column_int64(st, 0);
		db_col_buf(st, 1, info->locale, sizeof info->locale);
		db_col_buf(st, 2, info->ref, sizeof info->ref);
		db_col_buf(st, 3, info->title, sizeof info->title);
		db_col_buf(st, 4, info->phone, sizeof info->phone);
		info->creator_id = sqlite3_column_int64(st, 5);
		db_col_buf(st, 6, info->handle, sizeof info->handle);
	}
	sqlite3_reset(st);
	if (rc == SQLITE_DONE)
		return NY_ESTATE;
	return db_err(rc);
}

/*
 * The audit line's actor for the refund's asker into buf. The row keeps
 * who asked as the order detail shows it: the creator's bare handle from
 * the console (refund_ask: only their own orders), "cli", or the provider
 * for a refund made at its end. A console refund reads "creator:amani"
 * as ui_audit writes it. "cli", "system" and the provider come first, so a
 * creator whose handle happens to be one of them is never shown as having
 * done what the operator or the provider did.
 */
static void
rd_actor(const struct rd_info *info, char *buf, size_t len)
{
	if (strcmp(info->actor, "cli") != 0 &&
	    strcmp(info->actor, "system") != 0 &&
	    strcmp(info->actor, info->provider) != 0 &&
	    info->handle[0] != '\0' && strcmp(info->actor, info->handle) == 0)
		snprintf(buf, len, "creator:%s", info->actor);
	else
		snprintf(buf, len, "%s", info->actor);
}

/* The buyer's WhatsApp message, once per order, in the order's language. */
static enum ny_err
rd_notify(struct db *db, const struct rd_info *info)
{
	struct outbox_msg m;
	char amount[64], dedupe[40], *body;
	const char *loc = strcmp(info->locale, "sw") == 0 ? "sw" : "en";
	enum ny_err rc;

	money_format(info->amount, info->currency, loc, amount, sizeof amount);
	/* Said the way the money came back: to the card (days to show),
	 * by M-Pesa with the creator's transaction code, or plainly. */
	if (strcmp(info->provider, "stripe") == 0)
		body = i18n_fmt(loc, "msg.refund_card", "amount", amount,
		    "product", info->title, NULL);
	else if (info->code[0] != '\0')
		body = i18n_fmt(loc, "msg.refund_hand", "amount", amount,
		    "product", info->title, "code", info->code, NULL);
	else
		body = i18n_fmt(loc, info->nlines > 1 ? "msg.refund_lines" :
		    "msg.refund", "amount", amount, "product", info->title,
		    "ref", info->ref, NULL);
	snprintf(dedupe, sizeof dedupe, "refund:%lld",
	    (long long)info->order_id);
	memset(&m, 0, sizeof m);
	m.customer_id = info->customer_id;
	m.to_phone = info->phone;
	m.kind = "refund";
	m.locale = loc;
	m.body = body;
	m.dedupe_key = dedupe;
	m.order_id = info->order_id;
	if ((rc = outbox_queue_tx(db, &m, NULL)) == NY_OK)
		rc = mail_twin_tx(db, info->order_id, &m);
	free(body);
	return rc;
}

/*
 * The audit line of creator_id (their handle's viewer) with amount, the
 * refunded money as they may see it.
 */
static enum ny_err
rd_audit_one(struct db *db, const struct rd_info *info, int64_t creator_id,
    const char *actor, int64_t amount_minor)
{
	char amount[64], *detail;
	enum ny_err rc;

	money_format(amount_minor, info->currency, "en", amount, sizeof amount);
	detail = xasprintf("order=%s amount=\"%s\" provider=%s how=%s%s%s",
	    info->ref, amount, info->provider, info->how,
	    info->code[0] ? " code=" : "", info->code);
	rc = audit_log_for(db, creator_id, actor, "order.refund", detail, NULL);
	free(detail);
	return rc;
}

/*
 * The audit line, once for every creator with a line in the order: their
 * viewer shows refunds of their orders whoever asked (the operator, the
 * provider). Each line says that creator's share (the sum of their
 * lines), never the order's total: in a cart shared with other creators
 * the total tells what the others sold.
 */
static enum ny_err
rd_audit(struct db *db, const struct rd_info *info,
    const struct order_line *l, int n)
{
	char actor[CREATOR_HANDLE_MAX + 16];
	enum ny_err rc = NY_OK;
	int64_t share;
	int i, j;

	rd_actor(info, actor, sizeof actor);
	if (n == 0)
		rc = rd_audit_one(db, info, info->creator_id, actor,
		    info->amount);
	for (i = 0; i < n && rc == NY_OK; i++) {
		for (j = 0; j < i; j++)
			if (l[j].creator_id == l[i].creator_id)
				break;
		if (j < i)
			continue;	/* counted with their first line */
		for (share = 0, j = i; j < n; j++)
			if (l[j].creator_id == l[i].creator_id)
				share += l[j].amount_minor;
		rc = rd_audit_one(db, info, l[i].creator_id, actor, share);
	}
	return rc;
}

enum ny_err
refund_done_tx(struct db *db, int64_t refund_id, int64_t now)
{
	struct rd_info info;
	struct order_line *l = NULL;
	enum ny_err rc;
	int n = 0;

	memset(&info, 0, sizeof info);
	if ((rc = rd_mark(db, refund_id, now, &info)) != NY_OK)
		return rc;
	if ((rc = rd_order(db, now, &info)) != NY_OK)
		return rc;
	/* Library items gone, downloads refused, subscriptions ended: every
	 * entitlement this order granted (one per line) is revoked (and
	 * shows as refunded). Tickets of a refunded order fail check-in;
	 * its ticket lines' seats count no more (order_seats_left). */
	if ((rc = entitlement_revoke_order_tx(db, info.order_id, now)) != NY_OK)
		return rc;
	if ((rc = order_lines_get(db, info.order_id, 0, &l, &n)) != NY_OK)
		return rc;
	info.nlines = n;
	order_lines_title(l, n, info.title, sizeof info.title);
	if ((rc = rd_notify(db, &info)) == NY_OK)
		rc = rd_audit(db, &info, l, n);
	free(l);
	if (rc == NY_OK)
		rc = db_event(db, "order", info.order_id, NULL);
	/* Counted here, in the caller's transaction: the one place every
	 * refund passes (a rollback after it, rare, counts one too many). */
	if (rc == NY_OK)
		metrics_order("refunded");
	if (rc == NY_OK)
		log_info("order refunded", "order=%lld refund=%lld how=%s",
		    (long long)info.order_id, (long long)refund_id, info.how);
	return rc;
}
