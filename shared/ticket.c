/*
 * ticket.c: ticket codes, issuing, check-in. See ticket.h.
 */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crypto.h"
#include "log.h"
#include "phone.h"
#include "ticket.h"

/* "h:" + 64 hex digits + NUL: the keyed hash as tickets.code keeps it. */
#define TK_STORED_MAX	(2 + 2 * TOK_HASH_LEN + 1)

/*
 * What tickets.code holds for a code: "h:" and the hex of its keyed hash.
 * A copy of the database holds no code a door would accept; the code
 * itself is kept sealed (code_sealed) so the buyer's library can show it.
 * Rows from before this (a clear code) are still found.
 */
static void
tk_stored(const char *code, char out[TK_STORED_MAX])
{
	unsigned char h[TOK_HASH_LEN];

	tok_hash_ctx("ticket", code, h);
	out[0] = 'h';
	out[1] = ':';
	crypto_hex(h, sizeof h, out + 2);
}

enum ny_err
ticket_code_reveal(const char *stored, const void *sealed, size_t len,
    char out[TICKET_CODE_MAX])
{
	out[0] = '\0';
	if (sealed == NULL || len == 0) {
		/* an older row: the code in clear */
		if (stored == NULL || strncmp(stored, "h:", 2) == 0)
			return NY_ECRYPTO;
		snprintf(out, TICKET_CODE_MAX, "%s", stored);
		return NY_OK;
	}
	return crypto_open_str(sealed, len, out, TICKET_CODE_MAX);
}

/* Crockford base32: no I, L, O, U. */
static const char tk_alpha[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

void
ticket_code_new(char out[TICKET_CODE_MAX])
{
	unsigned char r[TICKET_CODE_CHARS];
	size_t i;

	/* Each byte's low 5 bits are uniform: 24 × 5 = 120 bits. */
	randombytes_buf(r, sizeof r);
	for (i = 0; i < TICKET_CODE_CHARS; i++)
		out[i] = tk_alpha[r[i] & 31];
	out[TICKET_CODE_CHARS] = '\0';
	sodium_memzero(r, sizeof r);
}

/* The canonical character for a typed one, or 0 when not in the alphabet. */
static char
tk_canon(char c)
{
	if (c >= 'a' && c <= 'z')
		c = (char)(c - 'a' + 'A');
	if (c == 'O')
		return '0';
	if (c == 'I' || c == 'L')
		return '1';
	if (c == 'U')
		return 0;
	if ((c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z'))
		return c;
	return 0;
}

enum ny_err
ticket_code_normalize(const char *in, char out[TICKET_CODE_MAX])
{
	size_t n = 0, i;

	if (in == NULL)
		return NY_EINVAL;
	for (i = 0; in[i] != '\0'; i++) {
		char c = in[i];

		if (i > 64)
			return NY_EINVAL;
		if (c == '-' || c == ' ' || c == '\t')
			continue;
		if ((c = tk_canon(c)) == 0 || n >= TICKET_CODE_CHARS)
			return NY_EINVAL;
		out[n++] = c;
	}
	if (n != TICKET_CODE_CHARS)
		return NY_EINVAL;
	out[n] = '\0';
	return NY_OK;
}

void
ticket_code_format(const char *code, char out[TICKET_CODE_MAX])
{
	size_t i, n = 0;

	for (i = 0; code[i] != '\0' && n + 2 < TICKET_CODE_MAX; i++) {
		if (i > 0 && i % 4 == 0)
			out[n++] = '-';
		out[n++] = code[i];
	}
	out[n] = '\0';
}

/* How many tickets of product_id order_id has into *n (a line's). */
static enum ny_err
tk_count(struct db *db, int64_t order_id, int64_t product_id, int *n)
{
	sqlite3_stmt *st = db_stmt(db, "SELECT count(*) FROM tickets"
	    " WHERE order_id = ? AND product_id = ?");
	int64_t v = 0;
	enum ny_err rc;

	if (st == NULL)
		return NY_EDB;
	sqlite3_bind_int64(st, 1, order_id);
	sqlite3_bind_int64(st, 2, product_id);
	if ((rc = db_int64(st, &v)) == NY_OK)
		*n = (int)v;
	return rc;
}

enum ny_err
ticket_issue_tx(struct db *db, int64_t order_id, int64_t product_id,
    int64_t customer_id, int count)
{
	sqlite3_stmt *st;
	char code[TICKET_CODE_MAX], stored[TK_STORED_MAX];
	unsigned char *sealed;
	size_t slen;
	enum ny_err rc = NY_OK;
	int have = 0, tries;

	if (count < 1 || count > 100)
		return NY_EINVAL;
	if ((rc = tk_count(db, order_id, product_id, &have)) != NY_OK)
		return rc;
	for (; have < count; have++) {
		/* A collision of 120-bit codes does not happen; retry anyway. */
		for (tries = 0; tries < 3; tries++) {
			ticket_code_new(code);
			tk_stored(code, stored);
			crypto_seal(code, strlen(code), &sealed, &slen);
			sodium_memzero(code, sizeof code);
			st = db_stmt(db, "INSERT INTO tickets (order_id,"
			    " product_id, customer_id, code, code_sealed,"
			    " created_at) VALUES (?, ?, ?, ?, ?, ?)");
			if (st == NULL) {
				free(sealed);
				return NY_EDB;
			}
			sqlite3_bind_int64(st, 1, order_id);
			sqlite3_bind_int64(st, 2, product_id);
			sqlite3_bind_int64(st, 3, customer_id);
			sqlite3_bind_text(st, 4, stored, -1, SQLITE_TRANSIENT);
			sqlite3_bind_blob(st, 5, sealed, (int)slen,
			    SQLITE_TRANSIENT);
			sqlite3_bind_int64(st, 6, ny_now());
			rc = db_done(st);
			free(sealed);
			if (rc != NY_EEXISTS)
				break;
		}
		if (rc != NY_OK)
			return rc;
	}
	return NY_OK;
}

/*
 * The deciding UPDATE: only one caller can move NULL to a time. Returns
 * NY_OK (claimed: res filled), NY_ENOTFOUND (nothing claimed) or the db
 * error.
 */
static enum ny_err
tk_claim(struct db *db, const char *code, const char *stored,
    int64_t creator_id, int64_t now, struct ticket_checkin *res)
{
	sqlite3_stmt *st = db_stmt(db,
	    "UPDATE tickets SET checked_in_at = ?1 WHERE code IN (?2, ?4)"
	    " AND checked_in_at IS NULL AND EXISTS (SELECT 1 FROM orders o"
	    "  JOIN products p ON p.id = tickets.product_id"
	    "  WHERE o.id = tickets.order_id AND o.status = 'paid'"
	    "  AND (?3 <= 0 OR p.creator_id = ?3))"
	    " RETURNING id, product_id");
	int rc;

	if (st == NULL)
		return NY_EDB;
	sqlite3_bind_int64(st, 1, now);
	sqlite3_bind_text(st, 2, code, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 3, creator_id);
	sqlite3_bind_text(st, 4, stored, -1, SQLITE_TRANSIENT);
	/* RETURNING: the first step makes the change; codes are unique,
	 * so at most one row comes back. */
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		res->ticket_id = sqlite3_column_int64(st, 0);
		res->product_id = sqlite3_column_int64(st, 1);
		res->when = now;
		res->status = TICKET_VALID;
	}
	sqlite3_reset(st);
	return db_found(rc);
}

/*
 * After a claim: the ticket's title, and when the claim failed whether it
 * was checked in already (else it stays unknown). NY_OK or the db error.
 */
static enum ny_err
tk_describe(struct db *db, const char *code, const char *stored,
    int64_t creator_id, struct ticket_checkin *res)
{
	sqlite3_stmt *st = db_stmt(db,
	    "SELECT t.id, t.product_id, t.checked_in_at, p.title, o.status,"
	    " p.slug, c.phone FROM tickets t"
	    " JOIN products p ON p.id = t.product_id"
	    " JOIN orders o ON o.id = t.order_id"
	    " JOIN customers c ON c.id = t.customer_id"
	    " WHERE t.code IN (?1, ?3) AND o.status IN ('paid', 'refunded')"
	    " AND (?2 <= 0 OR p.creator_id = ?2)");
	char phone[16];
	int rc;

	if (st == NULL)
		return NY_EDB;
	sqlite3_bind_text(st, 1, code, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 2, creator_id);
	sqlite3_bind_text(st, 3, stored, -1, SQLITE_TRANSIENT);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		res->ticket_id = sqlite3_column_int64(st, 0);
		res->product_id = sqlite3_column_int64(st, 1);
		res->when = sqlite3_column_int64(st, 2);
		db_col_buf(st, 3, res->title, sizeof res->title);
		db_col_buf(st, 5, res->slug, sizeof res->slug);
		/* Masked at once: the whole number never leaves this
		 * function (the door sees it on a screen others watch). */
		db_col_buf(st, 6, phone, sizeof phone);
		phone_display(phone, 1, res->holder, sizeof res->holder);
		if (strcmp((const char *)sqlite3_column_text(st, 4),
		    "refunded") == 0)
			res->status = TICKET_REFUNDED;
		else if (sqlite3_column_type(st, 2) != SQLITE_NULL)
			res->status = TICKET_ALREADY;
	}
	sqlite3_reset(st);
	return db_err(rc);	/* no row: an unknown code, NY_OK */
}

/* ticket_check_in inside its transaction, for a well-formed code. */
static enum ny_err
tk_check_in_tx(struct db *db, const char *norm, const char *stored,
    int64_t creator_id, int64_t now, struct ticket_checkin *res)
{
	enum ny_err rc;
	int valid;

	rc = tk_claim(db, norm, stored, creator_id, now, res);
	if (rc != NY_OK && rc != NY_ENOTFOUND)
		return rc;
	valid = rc == NY_OK;
	if ((rc = tk_describe(db, norm, stored, creator_id, res)) != NY_OK)
		return rc;
	if (valid) {
		res->status = TICKET_VALID;
		res->when = now;
	}
	/* Counted inside the claim's transaction: this one is in them. */
	if ((res->status == TICKET_VALID || res->status == TICKET_ALREADY) &&
	    (rc = ticket_event_counts(db, res->product_id, &res->checked_in,
	    &res->tickets)) != NY_OK)
		return rc;
	return valid ? db_event(db, "ticket", res->ticket_id, NULL) : NY_OK;
}

enum ny_err
ticket_check_in(struct db *db, const char *code, int64_t creator_id,
    int64_t now, struct ticket_checkin *res)
{
	char norm[TICKET_CODE_MAX], stored[TK_STORED_MAX];
	enum ny_err rc;

	memset(res, 0, sizeof *res);
	res->status = TICKET_UNKNOWN;
	if (ticket_code_normalize(code, norm) != NY_OK)
		return NY_OK;
	tk_stored(norm, stored);
	if ((rc = db_begin(db)) != NY_OK)
		return rc;
	if ((rc = db_end(db, tk_check_in_tx(db, norm, stored, creator_id, now,
	    res))) != NY_OK) {
		memset(res, 0, sizeof *res);
		res->status = TICKET_UNKNOWN;
		return rc;
	}
	if (res->status == TICKET_VALID)
		log_info("ticket checked in", "ticket=%lld",
		    (long long)res->ticket_id);
	return NY_OK;
}

enum ny_err
ticket_event_counts(struct db *db, int64_t product_id, int64_t *checked_in,
    int64_t *tickets)
{
	/* From the event's lines (order_lines_product) to their paid
	 * orders and tickets (tickets_order): tickets has no index by
	 * product. */
	sqlite3_stmt *st = db_stmt(db, "SELECT count(t.checked_in_at),"
	    " count(t.id) FROM order_lines l"
	    " CROSS JOIN orders o ON o.id = l.order_id AND o.status = 'paid'"
	    " CROSS JOIN tickets t ON t.order_id = l.order_id"
	    " AND t.product_id = l.product_id WHERE l.product_id = ?1");
	int rc;

	*checked_in = *tickets = 0;
	if (st == NULL)
		return NY_EDB;
	sqlite3_bind_int64(st, 1, product_id);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		*checked_in = sqlite3_column_int64(st, 0);
		*tickets = sqlite3_column_int64(st, 1);
	}
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? NY_OK : db_err(rc);
}

/*
 * The next ticket still holding its code in clear (rows from before codes
 * were hashed): *id and code. NY_OK, NY_ENOTFOUND when none is left, or
 * the db error.
 */
static enum ny_err
tk_next_legacy(struct db *db, int64_t *id, char code[TICKET_CODE_MAX])
{
	sqlite3_stmt *st = db_stmt(db, "SELECT id, code FROM tickets WHERE"
	    " code_sealed IS NULL AND code NOT LIKE 'h:%' LIMIT 1");
	int rc;

	if (st == NULL)
		return NY_EDB;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*id = sqlite3_column_int64(st, 0);
		db_col_buf(st, 1, code, TICKET_CODE_MAX);
	}
	sqlite3_reset(st);
	return db_found(rc);
}

/* Replaces ticket id's clear code by its hash and sealed copy. */
static enum ny_err
tk_seal_one(struct db *db, int64_t id, const char *code)
{
	sqlite3_stmt *st = db_stmt(db, "UPDATE tickets SET code = ?,"
	    " code_sealed = ? WHERE id = ?");
	char stored[TK_STORED_MAX];
	unsigned char *sealed;
	size_t slen;
	enum ny_err rc;

	if (st == NULL)
		return NY_EDB;
	tk_stored(code, stored);
	crypto_seal(code, strlen(code), &sealed, &slen);
	sqlite3_bind_text(st, 1, stored, -1, SQLITE_TRANSIENT);
	sqlite3_bind_blob(st, 2, sealed, (int)slen, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 3, id);
	rc = db_done(st);
	free(sealed);
	return rc;
}

enum ny_err
ticket_seal_legacy(struct db *db, int *n)
{
	char code[TICKET_CODE_MAX];
	int64_t id = 0;
	enum ny_err rc;

	*n = 0;
	if ((rc = db_begin(db)) != NY_OK)
		return rc;
	while ((rc = tk_next_legacy(db, &id, code)) == NY_OK &&
	    (rc = tk_seal_one(db, id, code)) == NY_OK)
		(*n)++;
	sodium_memzero(code, sizeof code);
	return db_end(db, rc == NY_ENOTFOUND ? NY_OK : rc);
}
