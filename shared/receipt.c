/*
 * receipt.c: the buyer's order history and receipts (see receipt.h): one
 * query shape over orders, with the first line's product and creator, the
 * payment and the refund, read by customer (orders_customer) or by ref
 * (unique); a receipt's lines from order.c.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "receipt.h"

/*
 * The columns receipt_fill reads, and the joins. payments(order_id) and
 * refunds(order_id) are unique: at most one of each per order. A payment
 * that arrived after the order expired has no orders.paid_at; its
 * payment row's last update is when the money came.
 */
#define RECEIPT_SELECT \
	"SELECT o.id, o.ref, coalesce(o.paid_at, p.updated_at, o.updated_at)," \
	" pr.title || (SELECT CASE WHEN count(*) > 1" \
	"  THEN ' +' || (count(*) - 1) ELSE '' END" \
	"  FROM order_lines l WHERE l.order_id = o.id), pr.slug, pr.kind," \
	" coalesce(nullif(c.display_name, ''), c.handle), o.quantity," \
	" o.amount_minor, o.currency, p.provider, p.receipt, p.card_brand," \
	" p.card_last4, coalesce(p.phone, cu.phone), o.status, r.status," \
	" coalesce(r.done_at, o.updated_at)" \
	" FROM orders o JOIN products pr ON pr.id = o.product_id" \
	" JOIN creators c ON c.id = pr.creator_id" \
	" JOIN customers cu ON cu.id = o.customer_id" \
	" LEFT JOIN payments p ON p.order_id = o.id" \
	" LEFT JOIN refunds r ON r.order_id = o.id"

/* Orders where money was taken (refund.h: refund_possible's orders). */
#define RECEIPT_TAKEN \
	" (o.status IN ('paid', 'refunded') OR (o.status = 'expired'" \
	" AND o.failure = 'late_refund'))"

/*
 * Where the money stands from the order's status and its refund row's
 * (NULL when none): a done refund wins, then one under way, then a late
 * payment still owed back.
 */
static enum receipt_status
receipt_status_of(const char *ostatus, const char *rstatus)
{
	if (strcmp(ostatus, "refunded") == 0 ||
	    (rstatus != NULL && strcmp(rstatus, "done") == 0))
		return RECEIPT_REFUNDED;
	if (rstatus != NULL && strcmp(rstatus, "pending") == 0)
		return RECEIPT_REFUNDING;
	if (strcmp(ostatus, "expired") == 0)
		return RECEIPT_REFUND_DUE;
	return RECEIPT_PAID;
}

/* db_rows fill: one row of RECEIPT_SELECT into a zeroed receipt. */
static enum ny_err
receipt_fill(void *arg, void *elem, sqlite3_stmt *st)
{
	struct receipt *r = elem;
	char ostatus[16];
	const char *rstatus = (const char *)sqlite3_column_text(st, 16);

	(void)arg;
	r->order_id = sqlite3_column_int64(st, 0);
	db_col_buf(st, 1, r->ref, sizeof r->ref);
	r->paid_at = sqlite3_column_int64(st, 2);
	r->title = db_col_str(st, 3);
	r->slug = db_col_str(st, 4);
	db_col_buf(st, 5, r->kind, sizeof r->kind);
	r->seller = db_col_str(st, 6);
	r->quantity = sqlite3_column_int(st, 7);
	r->amount_minor = sqlite3_column_int64(st, 8);
	db_col_buf(st, 9, r->currency, sizeof r->currency);
	db_col_buf(st, 10, r->provider, sizeof r->provider);
	db_col_buf(st, 11, r->code, sizeof r->code);
	db_col_buf(st, 12, r->card_brand, sizeof r->card_brand);
	db_col_buf(st, 13, r->card_last4, sizeof r->card_last4);
	db_col_buf(st, 14, r->phone, sizeof r->phone);
	db_col_buf(st, 15, ostatus, sizeof ostatus);
	r->status = receipt_status_of(ostatus, rstatus);
	if (r->status == RECEIPT_REFUNDED)
		r->refunded_at = sqlite3_column_int64(st, 17);
	/* A card payment's receipt column holds Stripe's payment intent: an
	 * id for support, not something the buyer can use. */
	if (strcmp(r->provider, "stripe") == 0)
		r->code[0] = '\0';
	return NY_OK;
}

enum ny_err
receipt_list(struct db *db, int64_t customer_id, struct receipt **out,
    size_t *n)
{
	sqlite3_stmt *st = db_stmt(db, RECEIPT_SELECT
	    " WHERE o.customer_id = ?1 AND" RECEIPT_TAKEN
	    " ORDER BY o.created_at DESC, o.id DESC LIMIT ?2");
	enum ny_err rc;

	*out = NULL;
	*n = 0;
	if (st != NULL) {
		sqlite3_bind_int64(st, 1, customer_id);
		sqlite3_bind_int(st, 2, RECEIPT_LIST_MAX);
	}
	rc = db_rows(st, 0, out, n, sizeof **out, receipt_fill, NULL);
	if (rc != NY_OK) {
		receipt_list_free(*out, *n);
		*out = NULL;
		*n = 0;
	}
	return rc;
}

void
receipt_free(struct receipt *r)
{
	free(r->title);
	free(r->slug);
	free(r->seller);
	free(r->lines);
	memset(r, 0, sizeof *r);
}

void
receipt_list_free(struct receipt *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		receipt_free(&v[i]);
	free(v);
}

enum ny_err
receipt_get(struct db *db, int64_t customer_id, const char *ref,
    struct receipt *out)
{
	sqlite3_stmt *st = db_stmt(db, RECEIPT_SELECT
	    " WHERE o.ref = ?1 AND o.customer_id = ?2 AND" RECEIPT_TAKEN);
	struct receipt *v = NULL;
	size_t n = 0;
	enum ny_err rc;

	memset(out, 0, sizeof *out);
	if (st != NULL) {
		sqlite3_bind_text(st, 1, ref, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int64(st, 2, customer_id);
	}
	rc = db_rows(st, 1, &v, &n, sizeof *v, receipt_fill, NULL);
	if (rc == NY_OK && n == 1)
		rc = order_lines_get(db, v[0].order_id, 0, &v[0].lines,
		    &v[0].nlines);
	if (rc == NY_OK && n == 1) {
		*out = v[0];
		free(v);
		return NY_OK;
	}
	receipt_list_free(v, n);
	return rc != NY_OK ? rc : NY_ENOTFOUND;
}

char *
receipt_brand_name(const char *brand, char *buf, size_t len)
{
	static const struct { const char *id, *name; } brands[] = {
		{ "amex", "American Express" },
		{ "cartes_bancaires", "Cartes Bancaires" },
		{ "diners", "Diners Club" },
		{ "eftpos_au", "EFTPOS Australia" },
		{ "jcb", "JCB" },
		{ "mastercard", "Mastercard" },
		{ "unionpay", "UnionPay" },
	};
	size_t i;

	if (len == 0)
		return buf;
	buf[0] = '\0';
	if (brand == NULL || *brand == '\0' || strcmp(brand, "unknown") == 0)
		return buf;
	for (i = 0; i < sizeof brands / sizeof *brands; i++)
		if (strcmp(brand, brands[i].id) == 0) {
			snprintf(buf, len, "%s", brands[i].name);
			return buf;
		}
	/* "visa" → "Visa", "discover" → "Discover": Stripe's ids are ASCII. */
	snprintf(buf, len, "%s", brand);
	buf[0] = (char)toupper((unsigned char)buf[0]);
	return buf;
}
