/*
 * refund.c: refunds of whole orders (see refund.h): asking for one,
 * sending it to the provider outside any transaction, and
 * refund_done_tx, the one transition that ends what the order bought.
 *
 * The provider call happens between two transactions on purpose: a
 * network round trip must not hold the write lock, and the row written
 * 'pending' first (with the refund's id as the provider's idempotency
 * key) means a crash in between leaves a refund the creator can see and
 * ask again, never money sent back twice.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "creator.h"
#include "entitlement.h"
#include "i18n.h"
#include "log.h"
#include "money.h"
#include "order.h"
#include "outbox.h"
#include "pay.h"
#include "refund.h"

/* An M-Pesa receipt: "QK12ABCDEF", 10 upper-case letters and digits. */
#define RF_CODE_LEN	10

#define RF_COLS "id, order_id, payment_id, provider, how, status," \
	" amount_minor, currency, coalesce(provider_ref, '')," \
	" coalesce(manual_code, ''), coalesce(reason, ''), actor," \
	" coalesce(error, ''), created_at, updated_at, coalesce(done_at, 0)," \
	" (SELECT ref FROM orders WHERE orders.id = refunds.order_id)," \
	" attempts"

/* What refund_order reads of the order before deciding. */
struct rf_target {
	int64_t	 order_id;
	int64_t	 creator_id;
	int64_t	 payment_id;
	int64_t	 amount;
	int	 lines;		/* the order's lines */
	int	 mine;		/* of them, the asking creator's */
	char	 provider[8];
	char	 currency[4];
};

int
refund_possible(struct db *db, int64_t order_id)
{
	sqlite3_stmt *st = db_stmt(db, "SELECT 1 FROM orders o"
	    " JOIN payments y ON y.order_id = o.id WHERE o.id = ?"
	    " AND y.status = 'paid' AND (o.status = 'paid' OR"
	    " (o.status = 'expired' AND o.failure = 'late_refund'))"
	    " AND NOT EXISTS (SELECT 1 FROM refunds r WHERE"
	    " r.order_id = o.id AND (r.status = 'done' OR (r.status ="
	    " 'pending' AND r.updated_at > ?2)))");
	int found = 0;

	if (st == NULL)
		return 0;
	sqlite3_bind_int64(st, 1, order_id);
	sqlite3_bind_int64(st, 2, ny_now() - REFUND_STALE_S);
	db_exists(st, &found);
	return found;
}

/* 1 when code looks like an M-Pesa receipt (RF_CODE_LEN of [A-Z0-9]). */
static int
rf_code_ok(const char *code)
{
	size_t i;

	for (i = 0; code[i] != '\0'; i++)
		if (!((code[i] >= 'A' && code[i] <= 'Z') ||
		    (code[i] >= '0' && code[i] <= '9')))
			return 0;
	return i == RF_CODE_LEN;
}

/* Copies the columns of RF_COLS into *r. */
static void
rf_row(sqlite3_stmt *st, struct refund *r)
{
	memset(r, 0, sizeof *r);
	r->id = sqlite3_column_int64(st, 0);
	r->order_id = sqlite3_column_int64(st, 1);
	r->payment_id = sqlite3_column_int64(st, 2);
	db_col_buf(st, 3, r->provider, sizeof r->provider);
	db_col_buf(st, 4, r->how, sizeof r->how);
	db_col_buf(st, 5, r->status, sizeof r->status);
	r->amount_minor = sqlite3_column_int64(st, 6);
	db_col_buf(st, 7, r->currency, sizeof r->currency);
	db_col_buf(st, 8, r->provider_ref, sizeof r->provider_ref);
	db_col_buf(st, 9, r->manual_code, sizeof r->manual_code);
	db_col_buf(st, 10, r->reason, sizeof r->reason);
	db_col_buf(st, 11, r->actor, sizeof r->actor);
	db_col_buf(st, 12, r->error, sizeof r->error);
	r->created_at = sqlite3_column_int64(st, 13);
	r->updated_at = sqlite3_column_int64(st, 14);
	r->done_at = sqlite3_column_int64(st, 15);
	db_col_buf(st, 16, r->order_ref, sizeof r->order_ref);
	r->attempts = sqlite3_column_int(st, 17);
}

/* Steps st (bound, one refund) into *out. NY_OK, NY_ENOTFOUND, db error. */
static enum ny_err
rf_read(sqlite3_stmt *st, struct refund *out)
{
	int rc;

	if (st == NULL)
		return NY_EDB;
	if ((rc = sqlite3_step(st)) == SQLITE_ROW)
		rf_row(st, out);
	sqlite3_reset(st);
	return db_found(rc);
}

enum ny_err
refund_by_order(struct db *db, int64_t order_id, struct refund *out)
{
	sqlite3_stmt *st = db_stmt(db, "SELECT " RF_COLS " FROM refunds"
	    " WHERE order_id = ?");

	if (st != NULL)
		sqlite3_bind_int64(st, 1, order_id);
	return rf_read(st, out);
}

/* The refund row id. */
static enum ny_err
rf_by_id(struct db *db, int64_t id, struct refund *out)
{
	sqlite3_stmt *st = db_stmt(db, "SELECT " RF_COLS " FROM refunds"
	    " WHERE id = ?");

	if (st != NULL)
		sqlite3_bind_int64(st, 1, id);
	return rf_read(st, out);
}

/* The refund row named by its provider_ref. */
static enum ny_err
rf_by_ref(struct db *db, const char *provider_ref, struct refund *out)
{
	sqlite3_stmt *st = db_stmt(db, "SELECT " RF_COLS " FROM refunds"
	    " WHERE provider_ref = ?");

	if (st != NULL)
		sqlite3_bind_text(st, 1, provider_ref, -1, SQLITE_STATIC);
	return rf_read(st, out);
}

/*
 * A new 'pending' refund row for t, or the order's failed one made
 * pending again (same id: the provider's idempotency key stays). *id
 * gets it. NY_OK; NY_ESTATE when the order has a pending or done one.
 */
static enum ny_err
rf_upsert_tx(struct db *db, const struct rf_target *t, const char *how,
    const char *code, const char *reason, const char *actor, int64_t now,
    int64_t *id)
{
	sqlite3_stmt *st = db_stmt(db, "INSERT INTO refunds (order_id,"
	    " payment_id, provider, how, amount_minor, currency, manual_code,"
	    " reason, actor, attempts, created_at, updated_at)"
	    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?10, ?10)"
	    " ON CONFLICT (order_id) DO UPDATE SET status = 'pending',"
	    " how = excluded.how, manual_code = excluded.manual_code,"
	    " reason = excluded.reason, actor = excluded.actor,"
	    " provider_ref = NULL, error = NULL,"
	    " attempts = refunds.attempts + 1, updated_at = excluded.updated_at"
	    " WHERE refunds.status = 'failed' OR (refunds.status = 'pending'"
	    " AND refunds.updated_at <= ?11) RETURNING id");
	enum ny_err rc;

	if (st == NULL)
		return NY_EDB;
	sqlite3_bind_int64(st, 1, t->order_id);
	sqlite3_bind_int64(st, 2, t->payment_id);
	sqlite3_bind_text(st, 3, t->provider, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, how, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 5, t->amount);
	sqlite3_bind_text(st, 6, t->currency, -1, SQLITE_STATIC);
	if (code != NULL)
		sqlite3_bind_text(st, 7, code, -1, SQLITE_STATIC);
	if (reason != NULL && *reason != '\0')
		sqlite3_bind_text(st, 8, reason, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 9, actor, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 10, now);
	sqlite3_bind_int64(st, 11, now - REFUND_STALE_S);
	rc = db_int64(st, id);
	return rc == NY_ENOTFOUND ? NY_ESTATE : rc;
}

/*
 * Reads the order named ref with its payment into *t: creator_id is the
 * first line's creator (whose audit line it is), mine how many lines are
 * creator's (0 = the operator asks).
 */
static enum ny_err
rf_target_get(struct db *db, const char *ref, int64_t creator,
    struct rf_target *t)
{
	sqlite3_stmt *st = db_stmt(db, "SELECT o.id, p.creator_id, y.id,"
	    " y.provider, o.amount_minor, o.currency,"
	    " (SELECT count(*) FROM order_lines l WHERE l.order_id = o.id),"
	    " (SELECT count(*) FROM order_lines l WHERE l.order_id = o.id"
	    "  AND l.creator_id = ?2) FROM orders o"
	    " JOIN products p ON p.id = o.product_id"
	    " JOIN payments y ON y.order_id = o.id WHERE o.ref = ?1");
	int rc;

	if (st == NULL)
		return NY_EDB;
	sqlite3_bind_text(st, 1, ref, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, creator);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		t->order_id = sqlite3_column_int64(st, 0);
		t->creator_id = sqlite3_column_int64(st, 1);
		t->payment_id = sqlite3_column_int64(st, 2);
		db_col_buf(st, 3, t->provider, sizeof t->provider);
		t->amount = sqlite3_column_int64(st, 4);
		db_col_buf(st, 5, t->currency, sizeof t->currency);
		t->lines = sqlite3_column_int(st, 6);
		t->mine = sqlite3_column_int(st, 7);
	}
	sqlite3_reset(st);
	return db_found(rc);
}

/*
 * How the money of t goes back (refund.h): "sim", "api" or "hand" into
 * *how. A free order moves no money: done by hand at once, no code.
 * NY_OK; NY_EINVAL (a code for another provider, or not an M-Pesa code);
 * NY_ENOTSUP (no refund API and no code).
 */
static enum ny_err
rf_choose(const struct ny_config *cfg, const struct rf_target *t,
    const char *code, const char **how)
{
	const struct pay_provider *prov = pay_find(t->provider);
	int mpesa = strcmp(t->provider, "mpesa") == 0;

	if (code != NULL && (!mpesa || !rf_code_ok(code)))
		return NY_EINVAL;
	if (t->amount == 0 || code != NULL) {
		*how = "hand";
		return NY_OK;
	}
	if (strcmp(t->provider, "sim") == 0) {
		*how = "sim";
		return NY_OK;
	}
	if (mpesa && !config_mpesa_reversal(cfg))
		return NY_ENOTSUP;
	if (prov == NULL || prov->refund == NULL)
		return NY_ENOTSUP;
	*how = "api";
	return NY_OK;
}

/* refund_order's first transaction: checks, the pending row, audit. */
static enum ny_err
rf_request_tx(struct db *db, const struct ny_config *cfg,
    const struct refund_ask *ask, int64_t *id, const char **how)
{
	struct rf_target t;
	struct refund prev;
	char amount[64], actor[CREATOR_HANDLE_MAX + 16], *detail;
	enum ny_err rc;

	if ((rc = rf_target_get(db, ask->order_ref, ask->creator_id, &t)) !=
	    NY_OK)
		return rc;
	/* A refund is of the whole order (one payment): a creator may give
	 * back only money that was all for them; an order shared with
	 * other creators is the operator's to refund (the CLI). */
	if (ask->creator_id > 0 && t.mine == 0)
		return NY_ENOTFOUND;
	if (ask->creator_id > 0 && t.mine < t.lines)
		return NY_EDENIED;
	if (!refund_possible(db, t.order_id))
		return NY_ESTATE;
	/* An API refund with no answer yet may still send the money: a
	 * refund by hand on top of it could pay the buyer twice. It is
	 * asked again through the API instead. */
	if (ask->manual_code != NULL &&
	    refund_by_order(db, t.order_id, &prev) == NY_OK &&
	    strcmp(prev.status, "pending") == 0)
		return NY_ESTATE;
	if ((rc = rf_choose(cfg, &t, ask->manual_code, how)) != NY_OK)
		return rc;
	if ((rc = rf_upsert_tx(db, &t, *how, ask->manual_code, ask->reason,
	    ask->actor, ny_now(), id)) != NY_OK)
		return rc;
	money_format(t.amount, t.currency, "en", amount, sizeof amount);
	detail = xasprintf("order=%s amount=\"%s\" provider=%s how=%s",
	    ask->order_ref, amount, t.provider, *how);
	/* A creator asks in the console for their own orders only: the
	 * actor reads as ui_audit writes it, and the line is theirs to see
	 * in the audit viewer whoever asked ("cli" stays "cli"). */
	if (ask->creator_id > 0)
		snprintf(actor, sizeof actor, "creator:%s", ask->actor);
	else
		snprintf(actor, sizeof actor, "%s", ask->actor);
	rc = audit_log_for(db, t.creator_id, actor, "order.refund.request",
	    detail, NULL);
	free(detail);
	return rc;
}

/*
 * A pending refund ends as failed: error (may be NULL), the provider's
 * raw answer and ref (may be NULL) kept. Its own statement: autocommit
 * or the caller's transaction.
 */
static enum ny_err
rf_fail(struct db *db, int64_t id, const char *error, const char *raw,
    const char *ref)
{
	sqlite3_stmt *st = db_stmt(db, "UPDATE refunds SET status = 'failed',"
	    " error = ?, raw = coalesce(?, raw),"
	    " provider_ref = coalesce(provider_ref, nullif(?, '')),"
	    " updated_at = ? WHERE id = ? AND status = 'pending'");

	if (st == NULL)
		return NY_EDB;
	if (error != NULL)
		sqlite3_bind_text(st, 1, error, -1, SQLITE_STATIC);
	if (raw != NULL)
		sqlite3_bind_text(st, 2, raw, -1, SQLITE_STATIC);
	if (ref != NULL)
		sqlite3_bind_text(st, 3, ref, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, ny_now());
	sqlite3_bind_int64(st, 5, id);
	return db_done(st);
}

/* Keeps the provider's ref (when none yet) and raw answer on refund id. */
static enum ny_err
rf_keep(struct db *db, int64_t id, const char *ref, const char *raw)
{
	sqlite3_stmt *st = db_stmt(db, "UPDATE refunds SET"
	    " provider_ref = coalesce(provider_ref, nullif(?, '')),"
	    " raw = coalesce(?, raw), updated_at = ? WHERE id = ?");

	if (st == NULL)
		return NY_EDB;
	if (ref != NULL)
		sqlite3_bind_text(st, 1, ref, -1, SQLITE_STATIC);
	if (raw != NULL)
		sqlite3_bind_text(st, 2, raw, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, ny_now());
	sqlite3_bind_int64(st, 4, id);
	return db_done(st);
}

/*
 * Ends refund id as done in a transaction of its own, keeping ref and
 * raw. A refund another path finished meanwhile (charge.refunded racing
 * the API's answer) is no error. *changed (may be NULL) says whether
 * this call did it.
 */
static enum ny_err
rf_finish(struct db *db, int64_t id, const char *ref, const char *raw,
    int *changed)
{
	enum ny_err rc;

	if ((rc = db_begin(db)) != NY_OK)
		return rc;
	rc = rf_keep(db, id, ref, raw);
	if (rc == NY_OK)
		rc = refund_done_tx(db, id, ny_now());
	if (rc == NY_ESTATE) {
		db_rollback(db);
		return NY_OK;
	}
	if ((rc = db_end(db, rc)) == NY_OK && changed != NULL)
		*changed = 1;
	return rc;
}

/*
 * Sends refund row to its payment's provider and records the answer
 * (refund_order's second half). NY_OK (done or pending), NY_EIO (failed:
 * unreachable or refused), NY_ENOTSUP, or a database error.
 */
static enum ny_err
rf_send(struct db *db, const struct ny_config *cfg, const struct refund *row)
{
	const struct pay_provider *prov = pay_find(row->provider);
	struct pay_refund_answer a;
	struct payment p;
	struct pay_refund r;
	void *state = NULL;
	char *cause = NULL;
	enum ny_err rc;

	if ((rc = payment_get(db, row->payment_id, &p)) != NY_OK)
		return rc;
	if (prov->init(cfg, &state, &cause) != NY_OK) {
		log_error("refund: provider not configured", "provider=%s "
		    "cause=\"%s\"", row->provider, cause ? cause : "");
		rf_fail(db, row->id, cause ? cause : "provider not configured",
		    NULL, NULL);
		free(cause);
		return NY_EIO;
	}
	r = (struct pay_refund){ .payment = &p, .refund_id = row->id,
	    .attempt = row->attempts,
	    .reason = row->reason };
	memset(&a, 0, sizeof a);
	rc = prov->refund(state, &r, &a);
	prov->free(state);
	if (rc != NY_OK) {
		rf_fail(db, row->id, rc == NY_ENOTSUP ? "no refund API" :
		    "provider unreachable", NULL, NULL);
		rc = rc == NY_ENOTSUP ? NY_ENOTSUP : NY_EIO;
	} else if (a.final && a.ok)
		rc = rf_finish(db, row->id, a.provider_ref, a.raw, NULL);
	else if (a.final) {
		rf_fail(db, row->id, a.desc[0] ? a.desc : "refused", a.raw,
		    a.provider_ref);
		rc = NY_EIO;
	} else
		rc = rf_keep(db, row->id, a.provider_ref, a.raw);
	log_info("refund sent", "refund=%lld provider=%s final=%d ok=%d err=%s",
	    (long long)row->id, row->provider, a.final, a.ok, ny_strerror(rc));
	pay_refund_answer_clear(&a);
	return rc;
}

enum ny_err
refund_order(struct db *db, const struct ny_config *cfg,
    const struct refund_ask *ask, struct refund *out)
{
	struct refund row;
	const char *how = NULL;
	int64_t id = 0;
	enum ny_err rc;

	if (ask->order_ref == NULL || ask->actor == NULL)
		return NY_EINVAL;
	if ((rc = db_begin(db)) != NY_OK)
		return rc;
	if ((rc = db_end(db, rf_request_tx(db, cfg, ask, &id, &how))) != NY_OK)
		return rc;
	if ((rc = rf_by_id(db, id, &row)) != NY_OK)
		return rc;
	if (strcmp(how, "hand") == 0)
		rc = rf_finish(db, id, NULL, NULL, NULL);
	else
		rc = rf_send(db, cfg, &row);
	if (out != NULL && refund_by_order(db, row.order_id, out) != NY_OK)
		*out = row;
	return rc;
}

/* A failed refund made pending again (to be finished). */
static enum ny_err
rf_revive(struct db *db, int64_t id)
{
	sqlite3_stmt *st = db_stmt(db, "UPDATE refunds SET status = 'pending',"
	    " error = NULL, updated_at = ? WHERE id = ? AND status = 'failed'");

	if (st == NULL)
		return NY_EDB;
	sqlite3_bind_int64(st, 1, ny_now());
	sqlite3_bind_int64(st, 2, id);
	return db_done(st);
}

enum ny_err
refund_result(struct db *db, const char *provider_ref, int ok,
    const char *desc, const char *raw, int *changed)
{
	struct refund row;
	enum ny_err rc;

	if (changed != NULL)
		*changed = 0;
	if (provider_ref == NULL || *provider_ref == '\0')
		return NY_ENOTFOUND;
	if ((rc = rf_by_ref(db, provider_ref, &row)) != NY_OK)
		return rc;
	/*
	 * The money went back after all on a refund marked failed (its
	 * answer was lost, or a timeout notice came first): it is done,
	 * or the creator would be led to pay the buyer a second time.
	 */
	if (ok && strcmp(row.status, "failed") == 0) {
		if ((rc = rf_revive(db, row.id)) != NY_OK)
			return rc;
		strcpy(row.status, "pending");
	}
	if (strcmp(row.status, "pending") != 0)
		return NY_OK;		/* a repeat: the first result stands */
	if (ok)
		return rf_finish(db, row.id, NULL, raw, changed);
	log_warn("refund refused by provider", "order=%lld refund=%lld "
	    "desc=\"%s\"", (long long)row.order_id, (long long)row.id,
	    desc ? desc : "");
	if ((rc = rf_fail(db, row.id, desc != NULL && *desc ? desc :
	    "refused", raw, NULL)) == NY_OK && changed != NULL)
		*changed = 1;
	return rc;
}

/*
 * refund_by_provider inside its transaction: the order's refund row made
 * pending (recorded when Nyota asked for none) and then done.
 */
static enum ny_err
rf_provider_tx(struct db *db, const struct payment *p, const char *provider,
    const char *refund_ref, const char *raw, int *changed)
{
	struct rf_target t;
	struct refund row;
	char actor[40];
	int64_t id;
	enum ny_err rc;

	memset(&row, 0, sizeof row);
	rc = refund_by_order(db, p->order_id, &row);
	if (rc == NY_OK && strcmp(row.status, "done") == 0)
		return NY_OK;
	if (rc != NY_OK && rc != NY_ENOTFOUND)
		return rc;
	if (rc == NY_ENOTFOUND && !refund_possible(db, p->order_id))
		return NY_ESTATE;
	if ((rc = rf_target_get(db, p->order_ref, 0, &t)) != NY_OK)
		return rc;
	snprintf(actor, sizeof actor, "%s", provider);
	/* A failed or missing row becomes pending (the upsert), a pending
	 * one stays: either way it is then finished here. */
	if (strcmp(row.status, "pending") == 0 && rc == NY_OK)
		id = row.id;
	else if ((rc = rf_upsert_tx(db, &t, "api", NULL,
	    "refunded at the provider", actor, ny_now(), &id)) != NY_OK)
		return rc;
	if ((rc = rf_keep(db, id, refund_ref, raw)) != NY_OK)
		return rc;
	if ((rc = refund_done_tx(db, id, ny_now())) == NY_OK)
		*changed = 1;
	return rc;
}

enum ny_err
refund_by_provider(struct db *db, const char *provider, const char *receipt,
    const char *refund_ref, const char *raw, int *changed)
{
	struct payment p;
	int dummy = 0;
	enum ny_err rc;

	if (changed == NULL)
		changed = &dummy;
	*changed = 0;
	if (receipt == NULL || *receipt == '\0')
		return NY_ENOTFOUND;
	if ((rc = payment_by_receipt(db, receipt, &p)) != NY_OK)
		return rc;
	if (strcmp(p.provider, provider) != 0)
		return NY_ENOTFOUND;
	if ((rc = db_begin(db)) != NY_OK)
		return rc;
	rc = rf_provider_tx(db, &p, provider, refund_ref, raw, changed);
	if (rc == NY_ESTATE) {
		/* Not paid (or refunded already by another path): nothing
		 * to end. Logged, not an error for the provider. */
		db_rollback(db);
		log_warn("refund from provider for an order not paid",
		    "order=%lld provider=%s", (long long)p.order_id, provider);
		return NY_OK;
	}
	return db_end(db, rc);
}
