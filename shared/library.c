/*
 * library.c: library keys (derived tokens), entitlements, the library read
 * model, downloads and recovery. See library.h.
 */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "crypto.h"
#include "i18n.h"
#include "library.h"
#include "log.h"
#include "money.h"
#include "outbox.h"
#include "ticket.h"

#define LIB_SALT_LEN	32

/* ---- keys ----------------------------------------------------------- */

/*
 * token = base64url(HMAC-SHA256(URL subkey, "libkey:" || hex(salt))).
 * crypto.h has no dedicated token-derivation subkey, so this borrows the
 * URL-signing HMAC with a "libkey:" domain prefix that no signed URL
 * message ever starts with (download_sign_msg uses "dl:"). A copy of the
 * database (salts and hashes) cannot produce tokens without the master key.
 */
static void
lib_derive(const unsigned char *salt, char out[LIBRARY_TOKEN_MAX])
{
	char hex[2 * LIB_SALT_LEN + 1], msg[8 + sizeof hex];

	crypto_hex(salt, LIB_SALT_LEN, hex);
	snprintf(msg, sizeof msg, "libkey:%s", hex);
	crypto_sign_url(msg, out, LIBRARY_TOKEN_MAX);
}

static int
lib_live_key(struct db *db, int64_t customer_id, int64_t *key_id)
{
	sqlite3_stmt *st = db_stmt(db, "SELECT id FROM library_keys"
	    " WHERE customer_id = ? AND revoked_at IS NULL");

	if (st == NULL)
		return NY_EDB;
	sqlite3_bind_int64(st, 1, customer_id);
	return db_int64(st, key_id);
}

static int
lib_key_create(struct db *db, int64_t customer_id, int64_t *key_id)
{
	unsigned char salt[LIB_SALT_LEN], hash[TOK_HASH_LEN];
	char token[LIBRARY_TOKEN_MAX];
	sqlite3_stmt *st;
	int rc;

	randombytes_buf(salt, sizeof salt);
	lib_derive(salt, token);
	tok_hash(token, hash);
	sodium_memzero(token, sizeof token);
	st = db_stmt(db, "INSERT INTO library_keys (customer_id, salt,"
	    " token_hash, created_at) VALUES (?, ?, ?, ?)");
	if (st == NULL)
		return NY_EDB;
	sqlite3_bind_int64(st, 1, customer_id);
	sqlite3_bind_blob(st, 2, salt, sizeof salt, SQLITE_TRANSIENT);
	sqlite3_bind_blob(st, 3, hash, sizeof hash, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 4, ny_now());
	if ((rc = db_done(st)) != NY_OK)
		return rc;
	*key_id = sqlite3_last_insert_rowid(db_sqlite(db));
	return NY_OK;
}

int
library_key_ensure_tx(struct db *db, int64_t customer_id, int64_t *key_id)
{
	int rc = lib_live_key(db, customer_id, key_id);

	if (rc != NY_ENOTFOUND)
		return rc;
	return lib_key_create(db, customer_id, key_id);
}

int
library_key_token(struct db *db, int64_t key_id, char out[LIBRARY_TOKEN_MAX])
{
	sqlite3_stmt *st = db_stmt(db,
	    "SELECT salt FROM library_keys WHERE id = ?");
	int rc;

	if (st == NULL)
		return NY_EDB;
	sqlite3_bind_int64(st, 1, key_id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW && sqlite3_column_bytes(st, 0) == LIB_SALT_LEN)
		lib_derive(sqlite3_column_blob(st, 0), out);
	else if (rc == SQLITE_ROW)
		rc = SQLITE_CORRUPT;
	sqlite3_reset(st);
	return db_found(rc);
}

int
library_url(struct db *db, const char *base_url, int64_t key_id, char **out)
{
	char token[LIBRARY_TOKEN_MAX];
	int rc;

	if ((rc = library_key_token(db, key_id, token)) != NY_OK)
		return rc;
	*out = xasprintf("%s/l/%s", base_url, token);
	sodium_memzero(token, sizeof token);
	return NY_OK;
}

/* A token is 43 base64url characters; anything else is not looked up. */
int
library_key_resolve(struct db *db, const char *token, int64_t *customer_id,
    int64_t *key_id)
{
	unsigned char hash[TOK_HASH_LEN];
	sqlite3_stmt *st;
	int rc;

	if (!tok_shape_ok(token, 43))
		return NY_ENOTFOUND;
	tok_hash(token, hash);
	st = db_stmt(db, "SELECT id, customer_id FROM library_keys"
	    " WHERE token_hash = ? AND revoked_at IS NULL");
	if (st == NULL)
		return NY_EDB;
	sqlite3_bind_blob(st, 1, hash, sizeof hash, SQLITE_TRANSIENT);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		if (key_id != NULL)
			*key_id = sqlite3_column_int64(st, 0);
		if (customer_id != NULL)
			*customer_id = sqlite3_column_int64(st, 1);
	}
	sqlite3_reset(st);
	return db_found(rc);
}

static int
lib_revoke_tx(struct db *db, int64_t customer_id)
{
	sqlite3_stmt *st = db_stmt(db, "UPDATE library_keys SET revoked_at = ?"
	    " WHERE customer_id = ? AND revoked_at IS NULL");

	if (st == NULL)
		return NY_EDB;
	sqlite3_bind_int64(st, 1, ny_now());
	sqlite3_bind_int64(st, 2, customer_id);
	return db_done(st);
}

static int
lib_customer_exists(struct db *db, int64_t customer_id)
{
	sqlite3_stmt *st = db_stmt(db, "SELECT 1 FROM customers WHERE id = ?");
	int rc;

	if (st == NULL)
		return NY_EDB;
	sqlite3_bind_int64(st, 1, customer_id);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	return db_found(rc);
}

int
library_key_rotate(struct db *db, int64_t customer_id, int64_t *key_id)
{
	int64_t id = 0;
	int rc;

	if ((rc = db_begin(db)) != NY_OK)
		return rc;
	if ((rc = lib_customer_exists(db, customer_id)) != NY_OK ||
	    (rc = lib_revoke_tx(db, customer_id)) != NY_OK ||
	    (rc = lib_key_create(db, customer_id, &id)) != NY_OK ||
	    (rc = db_event(db, "customer", customer_id, NULL)) != NY_OK) {
		db_rollback(db);
		return rc;
	}
	if ((rc = db_commit(db)) != NY_OK)
		return rc;
	log_info("library key rotated", "customer=%lld", (long long)customer_id);
	if (key_id != NULL)
		*key_id = id;
	return NY_OK;
}

int
library_key_revoke(struct db *db, int64_t customer_id)
{
	int rc;

	if ((rc = db_begin(db)) != NY_OK)
		return rc;
	if ((rc = lib_revoke_tx(db, customer_id)) != NY_OK ||
	    (rc = db_event(db, "customer", customer_id, NULL)) != NY_OK) {
		db_rollback(db);
		return rc;
	}
	return db_commit(db);
}

/* ---- entitlements --------------------------------------------------- */

int
entitlement_grant_tx(struct db *db, int64_t customer_id, int64_t product_id,
    int64_t order_id, int64_t now, int period_days, int64_t *ent_id)
{
	/*
	 * One upsert: a new row runs from now (to now + period, or forever);
	 * an existing one keeps forever when it was forever, else runs from
	 * max(now, current end) for another period.
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
	int rc;

	if (st == NULL)
		return NY_EDB;
	sqlite3_bind_int64(st, 1, customer_id);
	sqlite3_bind_int64(st, 2, product_id);
	sqlite3_bind_int64(st, 3, order_id);
	sqlite3_bind_int64(st, 4, now);
	sqlite3_bind_int(st, 5, period_days);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW && ent_id != NULL)
		*ent_id = sqlite3_column_int64(st, 0);
	if (rc == SQLITE_ROW)
		rc = sqlite3_step(st);
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? NY_OK : db_err(rc);
}

int
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

struct lib_order {
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

static void
lib_copy(char *dst, size_t len, sqlite3_stmt *st, int col)
{
	const unsigned char *s = sqlite3_column_text(st, col);

	snprintf(dst, len, "%s", s != NULL ? (const char *)s : "");
}

static int
lib_order_get(struct db *db, int64_t order_id, struct lib_order *o)
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
		lib_copy(o->currency, sizeof o->currency, st, 4);
		lib_copy(o->status, sizeof o->status, st, 5);
		lib_copy(o->locale, sizeof o->locale, st, 6);
		lib_copy(o->ref, sizeof o->ref, st, 7);
		lib_copy(o->kind, sizeof o->kind, st, 8);
		o->period_days = sqlite3_column_int(st, 9);
		lib_copy(o->title, sizeof o->title, st, 10);
		lib_copy(o->phone, sizeof o->phone, st, 11);
	}
	sqlite3_reset(st);
	return db_found(rc);
}

static int
lib_dedupe_seen(struct db *db, const char *key)
{
	sqlite3_stmt *st = db_stmt(db,
	    "SELECT 1 FROM messages WHERE dedupe_key = ?");
	int rc;

	if (st == NULL)
		return -1;
	sqlite3_bind_text(st, 1, key, -1, SQLITE_TRANSIENT);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

static int
lib_queue_receipt(struct db *db, int64_t order_id, const struct lib_order *o,
    const char *receipt, int64_t key_id, const char *dedupe)
{
	struct outbox_msg m;
	char amount[64], *body;
	const char *ref = receipt != NULL && *receipt ? receipt : o->ref;
	int rc;

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

int
library_fulfil_tx(struct db *db, int64_t order_id, const char *receipt,
    int64_t now, int64_t *key_id)
{
	struct lib_order o;
	char dedupe[48];
	int64_t kid = 0;
	int rc, seen;

	if ((rc = lib_order_get(db, order_id, &o)) != NY_OK)
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
	if ((seen = lib_dedupe_seen(db, dedupe)) != 0)
		return seen > 0 ? NY_OK : NY_EDB;
	rc = entitlement_grant_tx(db, o.customer_id, o.product_id, order_id,
	    now, strcmp(o.kind, "subscription") == 0 ? o.period_days : 0, NULL);
	if (rc == NY_OK && strcmp(o.kind, "ticket") == 0)
		rc = ticket_issue_tx(db, order_id, o.product_id, o.customer_id,
		    o.quantity);
	if (rc == NY_OK)
		rc = lib_queue_receipt(db, order_id, &o, receipt, kid, dedupe);
	return rc;
}

/* ---- the library page ----------------------------------------------- */

static int
lib_load_files(struct db *db, struct lib_item *it, int64_t reset_at)
{
	sqlite3_stmt *st = db_stmt(db,
	    "SELECT f.id, f.name, f.sha256, coalesce(b.size, 0),"
	    " (SELECT count(*) FROM downloads d WHERE d.entitlement_id = ?1"
	    "  AND d.file_id = f.id AND d.at >= ?3),"
	    " (SELECT coalesce(sum(coalesce(d.bytes, b.size)), 0) FROM downloads d"
	    "  WHERE d.entitlement_id = ?1 AND d.file_id = f.id AND d.at >= ?3)"
	    " FROM product_files f LEFT JOIN blobs b ON b.sha256 = f.sha256"
	    " WHERE f.product_id = ?2 ORDER BY f.position, f.id");
	size_t cap = 0;
	int rc;

	if (st == NULL)
		return NY_EDB;
	sqlite3_bind_int64(st, 1, it->entitlement_id);
	sqlite3_bind_int64(st, 2, it->product_id);
	sqlite3_bind_int64(st, 3, reset_at);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct lib_file *f;

		it->files = xgrow(it->files, &cap, it->nfiles + 1,
		    sizeof *it->files);
		f = &it->files[it->nfiles++];
		memset(f, 0, sizeof *f);
		f->id = sqlite3_column_int64(st, 0);
		f->name = db_col_str(st, 1);
		lib_copy(f->sha256, sizeof f->sha256, st, 2);
		f->size = sqlite3_column_int64(st, 3);
		f->downloads = download_copies(sqlite3_column_int(st, 4),
		    sqlite3_column_int64(st, 5), f->size);
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? NY_OK : db_err(rc);
}

static int
lib_load_tickets(struct db *db, int64_t customer_id, struct lib_item *it)
{
	sqlite3_stmt *st = db_stmt(db,
	    "SELECT t.id, t.code, coalesce(t.checked_in_at, 0), t.order_id,"
	    " t.code_sealed FROM tickets t"
	    " JOIN orders o ON o.id = t.order_id WHERE t.customer_id = ?"
	    " AND t.product_id = ? AND o.status = 'paid' ORDER BY t.id");
	size_t cap = 0;
	int rc;

	if (st == NULL)
		return NY_EDB;
	sqlite3_bind_int64(st, 1, customer_id);
	sqlite3_bind_int64(st, 2, it->product_id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct lib_ticket *t;
		char code[TICKET_CODE_MAX];

		if (ticket_code_reveal((const char *)sqlite3_column_text(st, 1),
		    sqlite3_column_blob(st, 4),
		    (size_t)sqlite3_column_bytes(st, 4), code) != NY_OK) {
			log_warn("ticket code cannot be opened", "ticket=%lld",
			    (long long)sqlite3_column_int64(st, 0));
			continue;
		}
		it->tickets = xgrow(it->tickets, &cap, it->ntickets + 1,
		    sizeof *it->tickets);
		t = &it->tickets[it->ntickets++];
		t->id = sqlite3_column_int64(st, 0);
		ticket_code_format(code, t->code);
		sodium_memzero(code, sizeof code);
		t->checked_in_at = sqlite3_column_int64(st, 2);
		t->order_id = sqlite3_column_int64(st, 3);
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? NY_OK : db_err(rc);
}

static enum lib_state
lib_state_of(int64_t now, int64_t expires, int revoked, const char *ostatus)
{
	/* A refund also revokes (order.c); say "refunded", the reason. */
	if (strcmp(ostatus, "refunded") == 0)
		return LIB_REFUNDED;
	if (revoked)
		return LIB_REVOKED;
	if (expires != 0 && expires <= now)
		return LIB_EXPIRED;
	return LIB_ACTIVE;
}

/* Reads one row of the items query into a new item; returns reset_at. */
static int64_t
lib_item_read(sqlite3_stmt *st, int64_t now, struct lib_item *it)
{
	char ostatus[16];

	memset(it, 0, sizeof *it);
	it->entitlement_id = sqlite3_column_int64(st, 0);
	it->product_id = sqlite3_column_int64(st, 1);
	lib_copy(it->kind, sizeof it->kind, st, 2);
	it->slug = db_col_str(st, 3);
	it->title = db_col_str(st, 4);
	it->creator = db_col_str(st, 5);
	it->granted_at = sqlite3_column_int64(st, 6);
	it->expires_at = sqlite3_column_int64(st, 7);
	lib_copy(ostatus, sizeof ostatus, st, 9);
	it->state = lib_state_of(now, it->expires_at,
	    sqlite3_column_type(st, 8) != SQLITE_NULL, ostatus);
	it->starts_at = sqlite3_column_int64(st, 10);
	it->venue = db_col_str(st, 11);
	if (it->state == LIB_ACTIVE && sqlite3_column_type(st, 12) != SQLITE_NULL)
		it->join_url = db_col_str(st, 12);
	it->download_limit = sqlite3_column_int(st, 13);
	return sqlite3_column_int64(st, 14);
}

int
library_items(struct db *db, int64_t customer_id, int64_t now,
    struct library *lib)
{
	sqlite3_stmt *st;
	size_t cap = 0, rcap = 0, i;
	int64_t *resets = NULL;
	int rc;

	memset(lib, 0, sizeof *lib);
	lib->customer_id = customer_id;
	st = db_stmt(db, "SELECT phone, locale FROM customers WHERE id = ?");
	if (st == NULL)
		return NY_EDB;
	sqlite3_bind_int64(st, 1, customer_id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		lib_copy(lib->phone, sizeof lib->phone, st, 0);
		lib_copy(lib->locale, sizeof lib->locale, st, 1);
	}
	sqlite3_reset(st);
	if (rc != SQLITE_ROW)
		return db_found(rc);

	st = db_stmt(db,
	    "SELECT e.id, e.product_id, p.kind, p.slug, p.title,"
	    " coalesce(nullif(c.display_name, ''), c.handle),"
	    " e.starts_at, coalesce(e.expires_at, 0), e.revoked_at, o.status,"
	    " coalesce(p.starts_at, 0), coalesce(p.venue, ''), p.join_url,"
	    " coalesce(p.download_limit, 0), e.downloads_reset_at"
	    " FROM entitlements e JOIN products p ON p.id = e.product_id"
	    " JOIN creators c ON c.id = p.creator_id"
	    " JOIN orders o ON o.id = e.order_id WHERE e.customer_id = ?"
	    " ORDER BY CASE p.kind WHEN 'download' THEN 0"
	    " WHEN 'subscription' THEN 1 WHEN 'ticket' THEN 2 ELSE 3 END,"
	    " e.starts_at DESC, e.id DESC");
	if (st == NULL)
		return NY_EDB;
	sqlite3_bind_int64(st, 1, customer_id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		lib->items = xgrow(lib->items, &cap, lib->nitems + 1,
		    sizeof *lib->items);
		resets = xgrow(resets, &rcap, lib->nitems + 1, sizeof *resets);
		resets[lib->nitems] = lib_item_read(st, now,
		    &lib->items[lib->nitems]);
		lib->nitems++;
	}
	sqlite3_reset(st);
	rc = rc == SQLITE_DONE ? NY_OK : db_err(rc);
	for (i = 0; rc == NY_OK && i < lib->nitems; i++) {
		struct lib_item *it = &lib->items[i];

		if (it->state == LIB_ACTIVE && strcmp(it->kind, "ticket") != 0)
			rc = lib_load_files(db, it, resets[i]);
		if (rc == NY_OK && strcmp(it->kind, "ticket") == 0)
			rc = lib_load_tickets(db, customer_id, it);
	}
	free(resets);
	if (rc != NY_OK)
		library_free(lib);
	return rc;
}

static void
lib_item_free(struct lib_item *it)
{
	size_t j;

	for (j = 0; j < it->nfiles; j++)
		free(it->files[j].name);
	free(it->files);
	free(it->tickets);
	free(it->slug);
	free(it->title);
	free(it->creator);
	free(it->venue);
	free(it->join_url);
}

void
library_free(struct library *lib)
{
	size_t i;

	for (i = 0; i < lib->nitems; i++)
		lib_item_free(&lib->items[i]);
	free(lib->items);
	memset(lib, 0, sizeof *lib);
}

void
library_keep_order(struct library *lib, int64_t product_id, int64_t order_id)
{
	size_t i, k = 0, t, n;

	for (i = 0; i < lib->nitems; i++) {
		struct lib_item *it = &lib->items[i];

		if (it->product_id != product_id) {
			lib_item_free(it);
			continue;
		}
		for (t = 0, n = 0; t < it->ntickets; t++)
			if (it->tickets[t].order_id == order_id)
				it->tickets[n++] = it->tickets[t];
		it->ntickets = n;
		lib->items[k++] = *it;
	}
	lib->nitems = k;
}

int
library_ticket(const struct library *lib, const char *code,
    const struct lib_item **item, const struct lib_ticket **t)
{
	char want[TICKET_CODE_MAX], have[TICKET_CODE_MAX];
	size_t i, j;

	if (ticket_code_normalize(code, want) != NY_OK)
		return NY_ENOTFOUND;
	for (i = 0; i < lib->nitems; i++) {
		const struct lib_item *it = &lib->items[i];

		for (j = 0; j < it->ntickets; j++) {
			if (ticket_code_normalize(it->tickets[j].code, have) ==
			    NY_OK && strcmp(have, want) == 0) {
				*item = it;
				*t = &it->tickets[j];
				return NY_OK;
			}
		}
	}
	return NY_ENOTFOUND;
}

/* ---- downloads ------------------------------------------------------ */

/*
 * The file and the customer's entitlement to its product. ent_id > 0
 * selects by entitlement (signed URLs), else by customer.
 */
static int
dl_fetch(struct db *db, int64_t customer_id, int64_t ent_id, int64_t file_id,
    int64_t now, struct dl_grant *g)
{
	sqlite3_stmt *st = db_stmt(db,
	    "SELECT e.id, f.product_id, f.name, f.sha256, coalesce(b.size, 0),"
	    " coalesce(p.download_limit, 0), coalesce(e.expires_at, 0),"
	    " e.revoked_at IS NOT NULL, o.status,"
	    " (SELECT count(*) FROM downloads d WHERE d.entitlement_id = e.id"
	    "  AND d.file_id = f.id AND d.at >= e.downloads_reset_at),"
	    " coalesce(b.mime, 'application/octet-stream'),"
	    " (SELECT coalesce(sum(coalesce(d.bytes, b.size)), 0) FROM downloads d"
	    "  WHERE d.entitlement_id = e.id AND d.file_id = f.id"
	    "  AND d.at >= e.downloads_reset_at)"
	    " FROM product_files f JOIN products p ON p.id = f.product_id"
	    " JOIN entitlements e ON e.product_id = f.product_id"
	    " JOIN orders o ON o.id = e.order_id"
	    " LEFT JOIN blobs b ON b.sha256 = f.sha256"
	    " WHERE f.id = ?1 AND (e.id = ?2 OR (?2 = 0 AND e.customer_id = ?3))");
	char ostatus[16];
	int rc, revoked = 0;
	int64_t expires = 0;

	if (st == NULL)
		return NY_EDB;
	memset(g, 0, sizeof *g);
	sqlite3_bind_int64(st, 1, file_id);
	sqlite3_bind_int64(st, 2, ent_id);
	sqlite3_bind_int64(st, 3, customer_id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		g->entitlement_id = sqlite3_column_int64(st, 0);
		g->file_id = file_id;
		g->product_id = sqlite3_column_int64(st, 1);
		lib_copy(g->name, sizeof g->name, st, 2);
		lib_copy(g->sha256, sizeof g->sha256, st, 3);
		g->size = sqlite3_column_int64(st, 4);
		g->limit = sqlite3_column_int(st, 5);
		expires = sqlite3_column_int64(st, 6);
		revoked = sqlite3_column_int(st, 7);
		lib_copy(ostatus, sizeof ostatus, st, 8);
		g->used = sqlite3_column_int64(st, 11);
		g->count = download_copies(sqlite3_column_int(st, 9), g->used,
		    g->size);
		lib_copy(g->mime, sizeof g->mime, st, 10);
	}
	sqlite3_reset(st);
	if (rc != SQLITE_ROW)
		return db_found(rc);
	if (lib_state_of(now, expires, revoked, ostatus) != LIB_ACTIVE)
		return NY_EDENIED;
	return NY_OK;
}

int
download_authorize(struct db *db, int64_t customer_id, int64_t file_id,
    int64_t now, struct dl_grant *g)
{
	int rc;

	if (customer_id <= 0)
		return NY_ENOTFOUND;
	if ((rc = dl_fetch(db, customer_id, 0, file_id, now, g)) != NY_OK)
		return rc;
	return download_limited(g) ? NY_ELIMIT : NY_OK;
}

int
download_lookup(struct db *db, int64_t entitlement_id, int64_t file_id,
    int64_t now, struct dl_grant *g)
{
	if (entitlement_id <= 0)
		return NY_ENOTFOUND;
	return dl_fetch(db, 0, entitlement_id, file_id, now, g);
}

int
download_copies(int rows, int64_t used, int64_t size)
{
	if (size <= 0)
		return rows;
	/* To the nearest copy: a resumed copy (a little over one) is one,
	 * and "bytes=1-" (one byte short) is one too. */
	return (int)((used + size / 2) / size);
}

int
download_limited(const struct dl_grant *g)
{
	if (g->limit <= 0)
		return 0;
	/* Reached when no whole copy fits in the budget any more. */
	return g->count >= g->limit;
}

int
download_sent(struct db *db, int64_t entitlement_id, int64_t file_id,
    int64_t *bytes)
{
	sqlite3_stmt *st = db_stmt(db,
	    "SELECT coalesce(sum(coalesce(d.bytes, b.size)), 0)"
	    " FROM downloads d JOIN entitlements e ON e.id = d.entitlement_id"
	    " JOIN product_files f ON f.id = d.file_id"
	    " LEFT JOIN blobs b ON b.sha256 = f.sha256"
	    " WHERE d.entitlement_id = ? AND d.file_id = ?"
	    " AND d.at >= e.downloads_reset_at");
	int rc;

	if (st == NULL)
		return NY_EDB;
	sqlite3_bind_int64(st, 1, entitlement_id);
	sqlite3_bind_int64(st, 2, file_id);
	rc = sqlite3_step(st);
	*bytes = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? NY_OK : db_err(rc);
}

int64_t
download_budget(const struct dl_grant *g)
{
	return (int64_t)g->limit * g->size + g->size / 2;
}

int
download_log(struct db *db, int64_t entitlement_id, int64_t file_id,
    const char *addr, int64_t now, int64_t bytes)
{
	sqlite3_stmt *st;
	int rc;

	if ((rc = db_begin(db)) != NY_OK)
		return rc;
	st = db_stmt(db, "INSERT INTO downloads (entitlement_id, file_id, at,"
	    " addr, bytes) VALUES (?, ?, ?, ?, ?)");
	if (st == NULL) {
		db_rollback(db);
		return NY_EDB;
	}
	sqlite3_bind_int64(st, 1, entitlement_id);
	sqlite3_bind_int64(st, 2, file_id);
	sqlite3_bind_int64(st, 3, now);
	if (addr != NULL)
		sqlite3_bind_text(st, 4, addr, -1, SQLITE_TRANSIENT);
	if (bytes >= 0)
		sqlite3_bind_int64(st, 5, bytes);
	if ((rc = db_done(st)) != NY_OK) {
		db_rollback(db);
		return rc;
	}
	return db_end(db, db_event(db, "download", entitlement_id, NULL));
}

int
download_reset(struct db *db, int64_t customer_id, int64_t product_id,
    int64_t now)
{
	sqlite3_stmt *st;
	int rc;

	if ((rc = db_begin(db)) != NY_OK)
		return rc;
	st = db_stmt(db, "UPDATE entitlements SET downloads_reset_at = ?"
	    " WHERE customer_id = ? AND product_id = ?");
	if (st == NULL) {
		db_rollback(db);
		return NY_EDB;
	}
	sqlite3_bind_int64(st, 1, now + 1);
	sqlite3_bind_int64(st, 2, customer_id);
	sqlite3_bind_int64(st, 3, product_id);
	if ((rc = db_done(st)) != NY_OK) {
		db_rollback(db);
		return rc;
	}
	if (sqlite3_changes(db_sqlite(db)) == 0) {
		db_rollback(db);
		return NY_ENOTFOUND;
	}
	return db_commit(db);
}

void
download_sign_msg(int64_t file_id, int64_t entitlement_id, int64_t exp,
    char *out, size_t len)
{
	snprintf(out, len, "dl:%lld:%lld:%lld", (long long)file_id,
	    (long long)entitlement_id, (long long)exp);
}

void
library_time_fmt(int64_t t, char *buf, size_t len)
{
	time_t eat = (time_t)(t + 3 * 3600);
	struct tm tm;

	gmtime_r(&eat, &tm);
	if (strftime(buf, len, "%Y-%m-%d %H:%M EAT", &tm) == 0 && len > 0)
		buf[0] = '\0';
}

/* ---- recovery ------------------------------------------------------- */

/*
 * Per hour: 3 per (phone, address), 10 per address, 30 per phone from
 * anywhere. A stranger alone cannot block a phone's recovery (they use up
 * only their own (phone, address) allowance); blocking it takes ten
 * addresses. Messages to a phone stay bounded anyway: one per 10-minute
 * slot (the dedupe in library_recover), 6 an hour.
 */
#define RECOVER_WINDOW		3600
#define RECOVER_PER_PAIR	3
#define RECOVER_PER_ADDR	10
#define RECOVER_PER_PHONE	30

static int
lib_count(struct db *db, const char *sql, const char *val, int64_t since,
    const char *val2)
{
	sqlite3_stmt *st = db_stmt(db, sql);
	int rc, n = -1;

	if (st == NULL)
		return -1;
	sqlite3_bind_text(st, 1, val, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 2, since);
	if (val2 != NULL)
		sqlite3_bind_text(st, 3, val2, -1, SQLITE_TRANSIENT);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		n = sqlite3_column_int(st, 0);
	sqlite3_reset(st);
	return n;
}

/* Inside the transaction: refuses past the limits, else records. */
static int
lib_recover_throttle(struct db *db, const char *phone, const char *addr,
    int64_t now)
{
	sqlite3_stmt *st;
	int np, na, npa, rc;

	np = lib_count(db, "SELECT count(*) FROM recover_attempts"
	    " WHERE phone = ? AND at > ?", phone, now - RECOVER_WINDOW, NULL);
	na = lib_count(db, "SELECT count(*) FROM recover_attempts"
	    " WHERE addr = ? AND at > ?", addr, now - RECOVER_WINDOW, NULL);
	npa = lib_count(db, "SELECT count(*) FROM recover_attempts"
	    " WHERE phone = ?1 AND at > ?2 AND addr = ?3", phone,
	    now - RECOVER_WINDOW, addr);
	if (np < 0 || na < 0 || npa < 0)
		return NY_EDB;
	if (npa >= RECOVER_PER_PAIR || na >= RECOVER_PER_ADDR ||
	    np >= RECOVER_PER_PHONE)
		return NY_ELIMIT;
	st = db_stmt(db, "INSERT INTO recover_attempts (at, phone, addr)"
	    " VALUES (?, ?, ?)");
	if (st == NULL)
		return NY_EDB;
	sqlite3_bind_int64(st, 1, now);
	sqlite3_bind_text(st, 2, phone, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 3, addr, -1, SQLITE_TRANSIENT);
	if ((rc = db_done(st)) != NY_OK)
		return rc;
	st = db_stmt(db, "DELETE FROM recover_attempts WHERE at < ?");
	if (st == NULL)
		return NY_EDB;
	sqlite3_bind_int64(st, 1, now - 2 * RECOVER_WINDOW);
	return db_done(st);
}

/* The customer of phone when they own anything paid: *customer_id. */
static int
lib_recover_owner(struct db *db, const char *phone, int64_t *customer_id,
    char locale[4])
{
	sqlite3_stmt *st = db_stmt(db,
	    "SELECT c.id, c.locale FROM customers c WHERE c.phone = ?"
	    " AND EXISTS (SELECT 1 FROM entitlements e WHERE"
	    " e.customer_id = c.id)");
	int rc;

	if (st == NULL)
		return NY_EDB;
	sqlite3_bind_text(st, 1, phone, -1, SQLITE_TRANSIENT);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*customer_id = sqlite3_column_int64(st, 0);
		lib_copy(locale, 4, st, 1);
	}
	sqlite3_reset(st);
	return db_found(rc);
}

/* Queues the current link; dedupe names the slot ("recover:…:slot"). */
static int
lib_link_queue(struct db *db, int64_t customer_id, const char *phone,
    const char *locale, const char *dedupe, int64_t *msg_id)
{
	struct outbox_msg m;
	int64_t kid;
	char *body;
	int rc;

	if ((rc = library_key_ensure_tx(db, customer_id, &kid)) != NY_OK)
		return rc;
	body = i18n_fmt(locale, "msg.library_link", NULL);
	memset(&m, 0, sizeof m);
	m.customer_id = customer_id;
	m.to_phone = phone;
	m.kind = "library_link";
	m.locale = locale;
	m.body = body;
	m.library_key_id = kid;
	m.dedupe_key = dedupe;
	rc = outbox_queue_tx(db, &m, msg_id);
	free(body);
	return rc;
}

int
library_recover(struct db *db, const char *phone, const char *receipt,
    const char *addr, int64_t now, int *queued)
{
	char locale[4];
	int64_t cid = 0;
	int rc;

	(void)receipt;	/* the phone alone decides; see below */
	if (queued != NULL)
		*queued = 0;
	if ((rc = db_begin(db)) != NY_OK)
		return rc;
	rc = lib_recover_throttle(db, phone, addr != NULL ? addr : "", now);
	if (rc == NY_OK) {
		rc = lib_recover_owner(db, phone, &cid, locale);
		if (rc == NY_OK) {
			char dedupe[64];

			snprintf(dedupe, sizeof dedupe, "recover:%lld:%lld",
			    (long long)cid, (long long)(now / 600));
			rc = lib_link_queue(db, cid, phone, locale, dedupe,
			    NULL);
			if (rc == NY_OK && queued != NULL)
				*queued = 1;
		} else if (rc == NY_ENOTFOUND)
			rc = NY_OK;
	}
	return db_end(db, rc);
}

int
library_resend(struct db *db, int64_t customer_id, int64_t now,
    int64_t *msg_id)
{
	sqlite3_stmt *st;
	char phone[16] = "", locale[4] = "", dedupe[64];
	int rc;

	if ((rc = db_begin(db)) != NY_OK)
		return rc;
	st = db_stmt(db, "SELECT phone, locale FROM customers WHERE id = ?");
	if (st == NULL) {
		db_rollback(db);
		return NY_EDB;
	}
	sqlite3_bind_int64(st, 1, customer_id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		lib_copy(phone, sizeof phone, st, 0);
		lib_copy(locale, sizeof locale, st, 1);
	}
	sqlite3_reset(st);
	if (rc != SQLITE_ROW) {
		db_rollback(db);
		return db_found(rc);
	}
	snprintf(dedupe, sizeof dedupe, "resend:%lld:%lld",
	    (long long)customer_id, (long long)now);
	if ((rc = lib_link_queue(db, customer_id, phone, locale, dedupe,
	    msg_id)) != NY_OK) {
		db_rollback(db);
		return rc;
	}
	if ((rc = db_commit(db)) == NY_OK)
		log_info("library link resent", "customer=%lld",
		    (long long)customer_id);
	return rc;
}
