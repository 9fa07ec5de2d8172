/*
 * discount-apply.c: a code typed at checkout, applied to the lines of the
 * order being made and its use recorded, both inside order_create's
 * transaction (BEGIN IMMEDIATE): the uses counted here cannot change
 * before the order row and its discount_uses row are committed, so a
 * code with one use left goes to exactly one of the buyers racing for it.
 * See discount.h; the money rules are in discount.c's opening comment.
 */
#include <stdio.h>
#include <string.h>

#include "discount.h"

/* One live code of one creator, as the checkout needs it. */
struct discount_rule {
	int64_t		 id;
	int64_t		 product_id;	/* 0 = all the creator's */
	int		 percent;
	int64_t		 value;
	char		 currency[4];	/* fixed only */
	int64_t		 starts_at, ends_at, max_uses, max_per_phone;
};

/*
 * The live code of creator_id with text code into *r. NY_OK,
 * NY_ENOTFOUND (none, or turned off) or the db error.
 */
static enum ny_err
discount_rule_get(struct db *db, int64_t creator_id, const char *code,
    struct discount_rule *r)
{
	sqlite3_stmt *st = db_stmt(db, "SELECT id, coalesce(product_id, 0),"
	    " kind = 'percent', value, coalesce(currency, ''),"
	    " coalesce(starts_at, 0), coalesce(ends_at, 0),"
	    " coalesce(max_uses, 0), coalesce(max_per_phone, 0)"
	    " FROM discount_codes WHERE creator_id = ? AND code = ?"
	    " AND disabled_at IS NULL");
	int rc;

	if (st == NULL)
		return NY_EDB;
	sqlite3_bind_int64(st, 1, creator_id);
	sqlite3_bind_text(st, 2, code, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		r->id = sqlite3_column_int64(st, 0);
		r->product_id = sqlite3_column_int64(st, 1);
		r->percent = sqlite3_column_int(st, 2);
		r->value = sqlite3_column_int64(st, 3);
		db_col_buf(st, 4, r->currency, sizeof r->currency);
		r->starts_at = sqlite3_column_int64(st, 5);
		r->ends_at = sqlite3_column_int64(st, 6);
		r->max_uses = sqlite3_column_int64(st, 7);
		r->max_per_phone = sqlite3_column_int64(st, 8);
	}
	sqlite3_reset(st);
	return db_found(rc);
}

/* 1 when some creator has a live code of that text (for the refusal's
 * words: "not for these products" rather than "no such code"). */
static enum ny_err
discount_any(struct db *db, const char *code, int *found)
{
	sqlite3_stmt *st = db_stmt(db, "SELECT 1 FROM discount_codes"
	    " WHERE code = ? AND disabled_at IS NULL LIMIT 1");

	*found = 0;
	if (st == NULL)
		return NY_EDB;
	sqlite3_bind_text(st, 1, code, -1, SQLITE_STATIC);
	return db_exists(st, found);
}

/*
 * Uses of code id by orders still pending or paid, all of them
 * (customer_id 0) or the customer's, into *n.
 */
static enum ny_err
discount_used(struct db *db, int64_t id, int64_t customer_id, int64_t *n)
{
	sqlite3_stmt *st;

	*n = 0;
	if (customer_id == 0)
		st = db_stmt(db, "SELECT count(*) FROM discount_uses u"
		    " JOIN orders o ON o.id = u.order_id WHERE u.discount_id = ?"
		    " AND o.status IN ('pending', 'paid')");
	else
		st = db_stmt(db, "SELECT count(*) FROM discount_uses u"
		    " JOIN orders o ON o.id = u.order_id WHERE u.discount_id = ?"
		    " AND u.customer_id = ? AND o.status IN ('pending', 'paid')");
	if (st == NULL)
		return NY_EDB;
	sqlite3_bind_int64(st, 1, id);
	if (customer_id != 0)
		sqlite3_bind_int64(st, 2, customer_id);
	return db_int64(st, n);
}

/* 1 when rule r of creator_id applies to line l. */
static int
discount_matches(const struct discount_rule *r, int64_t creator_id,
    const struct discount_line *l)
{
	return l->creator_id == creator_id && (r->product_id == 0 ||
	    r->product_id == l->product_id) && (r->percent ||
	    strcmp(r->currency, l->currency) == 0);
}

/*
 * Whether r may be used now by customer_id: NY_OK, NY_EDENIED with *why,
 * or the db error.
 */
static enum ny_err
discount_usable(struct db *db, const struct discount_rule *r,
    int64_t customer_id, int64_t now, const char **why)
{
	int64_t used;
	enum ny_err rc;

	if (r->starts_at > 0 && now < r->starts_at)
		return *why = "discount.err.not_started", NY_EDENIED;
	if (r->ends_at > 0 && now >= r->ends_at)
		return *why = "discount.err.expired", NY_EDENIED;
	if (r->max_uses > 0) {
		if ((rc = discount_used(db, r->id, 0, &used)) != NY_OK)
			return rc;
		if (used >= r->max_uses)
			return *why = "discount.err.used_up", NY_EDENIED;
	}
	if (r->max_per_phone > 0 && customer_id > 0) {
		if ((rc = discount_used(db, r->id, customer_id, &used)) != NY_OK)
			return rc;
		if (used >= r->max_per_phone)
			return *why = "discount.err.per_phone", NY_EDENIED;
	}
	return NY_OK;
}

/* What r takes off a line of gross (see discount.c on rounding). */
static int64_t
discount_off(const struct discount_rule *r, int64_t gross)
{
	int64_t off;

	if (gross <= 0)
		return 0;
	/* gross ≤ PRODUCT_PRICE_MAX × 100 (2^57): × 100 stays in int64. */
	off = r->percent ? gross / 100 * r->value + gross % 100 * r->value /
	    100 : r->value;
	return off < gross ? off : gross;
}

/*
 * Applies creator_id's code (if any) to their lines. NY_OK when it was
 * applied; NY_ENOTFOUND when the creator has no live code of that text;
 * NY_EDENIED with *why; the db error.
 */
static enum ny_err
discount_apply_creator(struct db *db, const char *code, int64_t creator_id,
    int64_t customer_id, int64_t now, struct discount_line *lines, int n,
    const char **why)
{
	struct discount_rule r;
	enum ny_err rc;
	int i, hit = 0;

	memset(&r, 0, sizeof r);
	if ((rc = discount_rule_get(db, creator_id, code, &r)) != NY_OK)
		return rc;
	for (i = 0; i < n; i++)
		hit |= discount_matches(&r, creator_id, &lines[i]);
	if (!hit)
		return *why = "discount.err.product", NY_EDENIED;
	if ((rc = discount_usable(db, &r, customer_id, now, why)) != NY_OK)
		return rc;
	for (i = 0; i < n; i++)
		if (discount_matches(&r, creator_id, &lines[i])) {
			lines[i].discount_id = r.id;
			lines[i].discount_minor = discount_off(&r,
			    lines[i].gross_minor);
		}
	return NY_OK;
}

/* 1 when creator_id is that of a line before i (already handled). */
static int
discount_seen(const struct discount_line *lines, int i)
{
	int j;

	for (j = 0; j < i; j++)
		if (lines[j].creator_id == lines[i].creator_id)
			return 1;
	return 0;
}

/*
 * Each creator of the lines applies their own code of that text (codes
 * are unique per creator, not across creators). One creator's refusal
 * does not undo another's discount; when none applies, the first
 * refusal is the answer.
 */
enum ny_err
discount_apply_tx(struct db *db, const char *code, int64_t customer_id,
    int64_t now, struct discount_line *lines, int n, const char **why)
{
	char norm[DISCOUNT_CODE_MAX + 1];
	const char *first = NULL, *w = NULL;
	enum ny_err rc;
	int i, applied = 0, found = 0;

	for (i = 0; i < n; i++) {
		lines[i].discount_id = 0;
		lines[i].discount_minor = 0;
	}
	if (why == NULL)
		why = &w;
	*why = "discount.err.unknown";
	if (code == NULL || discount_code_norm(code, norm, sizeof norm) !=
	    NY_OK)
		return NY_EDENIED;
	for (i = 0; i < n; i++) {
		if (discount_seen(lines, i))
			continue;
		rc = discount_apply_creator(db, norm, lines[i].creator_id,
		    customer_id, now, lines, n, why);
		if (rc == NY_OK)
			applied = 1;
		else if (rc == NY_EDENIED && first == NULL)
			first = *why;
		else if (rc != NY_ENOTFOUND && rc != NY_EDENIED)
			return rc;
	}
	if (applied) {
		*why = NULL;
		return NY_OK;
	}
	if (first != NULL) {
		*why = first;
		return NY_EDENIED;
	}
	/* No creator of these lines has it: someone else's code. */
	if ((rc = discount_any(db, norm, &found)) != NY_OK)
		return rc;
	*why = found ? "discount.err.product" : "discount.err.unknown";
	return NY_EDENIED;
}

enum ny_err
discount_record_tx(struct db *db, int64_t order_id, int64_t customer_id,
    const struct discount_line *lines, int n, int64_t now)
{
	sqlite3_stmt *st;
	int64_t amount;
	enum ny_err rc;
	int i, j, dup;

	for (i = 0; i < n; i++) {
		if (lines[i].discount_id == 0)
			continue;
		/* One row per code: the first line of each sums them all. */
		for (dup = 0, j = 0; j < i && !dup; j++)
			dup = lines[j].discount_id == lines[i].discount_id;
		if (dup)
			continue;
		for (amount = 0, j = i; j < n; j++)
			if (lines[j].discount_id == lines[i].discount_id)
				amount += lines[j].discount_minor;
		st = db_stmt(db, "INSERT INTO discount_uses(discount_id,"
		    " order_id, customer_id, amount_minor, created_at)"
		    " VALUES (?, ?, ?, ?, ?)");
		if (st == NULL)
			return NY_EDB;
		sqlite3_bind_int64(st, 1, lines[i].discount_id);
		sqlite3_bind_int64(st, 2, order_id);
		sqlite3_bind_int64(st, 3, customer_id);
		sqlite3_bind_int64(st, 4, amount);
		sqlite3_bind_int64(st, 5, now);
		if ((rc = db_done(st)) != NY_OK)
			return rc;
	}
	return NY_OK;
}
