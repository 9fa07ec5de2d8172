/*
 * library-key.c: library keys (derived tokens) and the library link. See
 * library-key.h.
 */
#include <sodium.h>
#include <stdio.h>

#include "crypto.h"
#include "customer.h"
#include "library-key.h"
#include "log.h"

#define KEY_SALT_LEN	32

/*
 * token = base64url(HMAC-SHA256(URL subkey, "libkey:" || hex(salt))).
 * crypto.h has no dedicated token-derivation subkey, so this borrows the
 * URL-signing HMAC with a "libkey:" domain prefix that no signed URL
 * message ever starts with (download_sign_msg uses "dl:"). A copy of the
 * database (salts and hashes) cannot produce tokens without the master key.
 */
static void
key_derive(const unsigned char *salt, char out[LIBRARY_KEY_TOKEN_MAX])
{
	char hex[2 * KEY_SALT_LEN + 1], msg[8 + sizeof hex];

	crypto_hex(salt, KEY_SALT_LEN, hex);
	snprintf(msg, sizeof msg, "libkey:%s", hex);
	crypto_sign_url(msg, out, LIBRARY_KEY_TOKEN_MAX);
}

/*
 * The customer's live key into *key_id: the phone's (email NULL) or the
 * one of that address. NY_OK, NY_ENOTFOUND, NY_EDB.
 */
static enum ny_err
key_live(struct db *db, int64_t customer_id, const char *email,
    int64_t *key_id)
{
	sqlite3_stmt *st = email == NULL ?
	    db_stmt(db, "SELECT id FROM library_keys WHERE customer_id = ?"
	    " AND revoked_at IS NULL AND email IS NULL") :
	    db_stmt(db, "SELECT id FROM library_keys WHERE customer_id = ?"
	    " AND revoked_at IS NULL AND email = ?");

	if (st != NULL) {
		sqlite3_bind_int64(st, 1, customer_id);
		if (email != NULL)
			sqlite3_bind_text(st, 2, email, -1, SQLITE_STATIC);
	}
	return db_int64(st, key_id);
}

/*
 * Inside the caller's transaction: a new key (fresh random salt) for the
 * customer into *key_id. Only the salt and the token's hash are stored;
 * the token itself is wiped before returning. NY_OK or the mapped error.
 */
static enum ny_err
key_create(struct db *db, int64_t customer_id, const char *email,
    int64_t *key_id)
{
	unsigned char salt[KEY_SALT_LEN], hash[TOK_HASH_LEN];
	char token[LIBRARY_KEY_TOKEN_MAX];
	sqlite3_stmt *st;
	enum ny_err rc;

	randombytes_buf(salt, sizeof salt);
	key_derive(salt, token);
	tok_hash(token, hash);
	sodium_memzero(token, sizeof token);
	st = db_stmt(db, "INSERT INTO library_keys (customer_id, salt,"
	    " token_hash, created_at, email) VALUES (?, ?, ?, ?, ?)");
	if (st == NULL)
		return NY_EDB;
	sqlite3_bind_int64(st, 1, customer_id);
	sqlite3_bind_blob(st, 2, salt, sizeof salt, SQLITE_TRANSIENT);
	sqlite3_bind_blob(st, 3, hash, sizeof hash, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 4, ny_now());
	if (email != NULL)
		sqlite3_bind_text(st, 5, email, -1, SQLITE_STATIC);
	if ((rc = db_done(st)) != NY_OK)
		return rc;
	*key_id = sqlite3_last_insert_rowid(db_sqlite(db));
	return NY_OK;
}

enum ny_err
library_key_ensure_tx(struct db *db, int64_t customer_id, int64_t *key_id)
{
	enum ny_err rc = key_live(db, customer_id, NULL, key_id);

	if (rc != NY_ENOTFOUND)
		return rc;
	return key_create(db, customer_id, NULL, key_id);
}

enum ny_err
library_key_mail_ensure_tx(struct db *db, int64_t customer_id,
    const char *email, int64_t *key_id)
{
	enum ny_err rc;

	if (email == NULL || *email == '\0')
		return NY_EINVAL;
	if ((rc = key_live(db, customer_id, email, key_id)) != NY_ENOTFOUND)
		return rc;
	return key_create(db, customer_id, email, key_id);
}

enum ny_err
library_key_token(struct db *db, int64_t key_id,
    char out[LIBRARY_KEY_TOKEN_MAX])
{
	sqlite3_stmt *st = db_stmt(db,
	    "SELECT salt FROM library_keys WHERE id = ?");
	int rc;

	if (st == NULL)
		return NY_EDB;
	sqlite3_bind_int64(st, 1, key_id);
	rc = sqlite3_step(st);
	/* A salt of another length was not written by key_create. */
	if (rc == SQLITE_ROW && sqlite3_column_bytes(st, 0) == KEY_SALT_LEN)
		key_derive(sqlite3_column_blob(st, 0), out);
	else if (rc == SQLITE_ROW)
		rc = SQLITE_CORRUPT;
	sqlite3_reset(st);
	return db_found(rc);
}

enum ny_err
library_key_url(struct db *db, const char *base_url, int64_t key_id,
    char **out)
{
	char token[LIBRARY_KEY_TOKEN_MAX];
	enum ny_err rc;

	if ((rc = library_key_token(db, key_id, token)) != NY_OK)
		return rc;
	*out = xasprintf("%s/l/%s", base_url, token);
	sodium_memzero(token, sizeof token);
	return NY_OK;
}

int64_t
library_key_current(struct db *db, int64_t key_id)
{
	/* An address's key is followed only by a key of the same address:
	 * an email must never carry the phone's whole library. */
	sqlite3_stmt *st = db_stmt(db, "SELECT coalesce(CASE WHEN k.email"
	    " IS NULL THEN (SELECT n.id FROM library_keys n WHERE"
	    " n.customer_id = k.customer_id AND n.revoked_at IS NULL AND"
	    " n.email IS NULL) ELSE (SELECT n.id FROM library_keys n WHERE"
	    " n.customer_id = k.customer_id AND n.revoked_at IS NULL AND"
	    " n.email = k.email) END, k.id) FROM library_keys k WHERE k.id = ?");
	int64_t id = key_id;

	if (st != NULL)
		sqlite3_bind_int64(st, 1, key_id);
	if (db_int64(st, &id) != NY_OK)
		return key_id;
	return id;
}

/* A token is 43 base64url characters; anything else is not looked up. */
enum ny_err
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

enum ny_err
library_key_email(struct db *db, int64_t key_id, char *out, size_t len)
{
	sqlite3_stmt *st = db_stmt(db,
	    "SELECT coalesce(email, '') FROM library_keys WHERE id = ?");
	int rc;

	if (st == NULL)
		return NY_EDB;
	sqlite3_bind_int64(st, 1, key_id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		db_col_buf(st, 0, out, len);
	sqlite3_reset(st);
	return db_found(rc);
}

/* Inside the transaction: revokes the live keys (the phone's and every
 * address's), if any: a rotation cuts every link off. */
static enum ny_err
key_revoke_tx(struct db *db, int64_t customer_id)
{
	/* Two statements, each on its partial index (the phone's key, the
	 * addresses' keys). */
	sqlite3_stmt *st = db_stmt(db, "UPDATE library_keys SET revoked_at = ?"
	    " WHERE customer_id = ? AND revoked_at IS NULL AND email IS NULL");
	enum ny_err rc;

	if (st == NULL)
		return NY_EDB;
	sqlite3_bind_int64(st, 1, ny_now());
	sqlite3_bind_int64(st, 2, customer_id);
	if ((rc = db_done(st)) != NY_OK)
		return rc;
	st = db_stmt(db, "UPDATE library_keys SET revoked_at = ?"
	    " WHERE customer_id = ? AND revoked_at IS NULL"
	    " AND email IS NOT NULL");
	if (st == NULL)
		return NY_EDB;
	sqlite3_bind_int64(st, 1, ny_now());
	sqlite3_bind_int64(st, 2, customer_id);
	return db_done(st);
}

enum ny_err
library_key_rotate(struct db *db, int64_t customer_id, int64_t *key_id)
{
	struct customer c;
	int64_t id = 0;
	enum ny_err rc;

	if ((rc = db_begin(db)) != NY_OK)
		return rc;
	if ((rc = customer_by_id(db, customer_id, &c)) == NY_OK &&
	    (rc = key_revoke_tx(db, customer_id)) == NY_OK &&
	    (rc = key_create(db, customer_id, NULL, &id)) == NY_OK)
		rc = db_event(db, "customer", customer_id, NULL);
	if ((rc = db_end(db, rc)) != NY_OK)
		return rc;
	log_info("library key rotated", "customer=%lld", (long long)customer_id);
	if (key_id != NULL)
		*key_id = id;
	return NY_OK;
}

enum ny_err
library_key_revoke(struct db *db, int64_t customer_id)
{
	enum ny_err rc;

	if ((rc = db_begin(db)) != NY_OK)
		return rc;
	if ((rc = key_revoke_tx(db, customer_id)) == NY_OK)
		rc = db_event(db, "customer", customer_id, NULL);
	return db_end(db, rc);
}
