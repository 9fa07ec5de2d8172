/*
 * creator-secret.c: the creators' sealed TOTP secrets and code checks.
 * See creator-secret.h.
 */
#include <sodium.h>
#include <stdlib.h>

#include "creator.h"
#include "creator-secret.h"
#include "crypto.h"
#include "totp.h"

enum ny_err
creator_secret_set_tx(struct db *db, int64_t id, const unsigned char *raw,
    size_t rawlen, int64_t last_step)
{
	sqlite3_stmt *st;
	unsigned char *sealed;
	size_t slen;
	enum ny_err rc;

	if (rawlen == 0 || last_step < 0)
		return NY_EINVAL;
	st = db_stmt(db, "UPDATE creators SET totp_secret = ?, "
	    "totp_last_step = ? WHERE id = ?");
	if (st == NULL)
		return NY_EDB;
	crypto_seal(raw, rawlen, &sealed, &slen);
	sqlite3_bind_blob(st, 1, sealed, (int)slen, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, last_step);
	sqlite3_bind_int64(st, 3, id);
	rc = db_one(st, NY_ENOTFOUND, NULL);
	sodium_memzero(sealed, slen);
	free(sealed);
	if (rc == NY_OK)
		rc = db_event(db, "creator", id, NULL);
	return rc;
}

enum ny_err
creator_secret_set(struct db *db, int64_t id, const unsigned char *raw,
    size_t rawlen, int64_t last_step)
{
	enum ny_err rc;

	if ((rc = db_begin(db)) != NY_OK)
		return rc;
	rc = creator_secret_set_tx(db, id, raw, rawlen, last_step);
	return db_end(db, rc);
}

/*
 * Reads the creator's secret and last step inside the open transaction.
 * Returns NY_OK, NY_EDENIED when the handle is unknown, disabled or not
 * enrolled, NY_ECRYPTO when the secret does not open, or a db error. *raw
 * is freed by the caller (sodium_memzero first).
 */
static enum ny_err
creator_secret_read_tx(struct db *db, const char *handle, int64_t *id,
    unsigned char **raw, size_t *rawlen, int64_t *last_step)
{
	sqlite3_stmt *st = db_stmt(db, "SELECT id, totp_secret, totp_last_step "
	    "FROM creators WHERE handle = ? AND disabled_at IS NULL "
	    "AND totp_secret IS NOT NULL");
	enum ny_err rc;

	if (st == NULL)
		return NY_EDB;
	sqlite3_bind_text(st, 1, handle, -1, SQLITE_STATIC);
	rc = db_found(sqlite3_step(st));
	if (rc == NY_OK) {
		*id = sqlite3_column_int64(st, 0);
		*last_step = sqlite3_column_int64(st, 2);
		rc = crypto_open(sqlite3_column_blob(st, 1),
		    (size_t)sqlite3_column_bytes(st, 1), raw, rawlen);
	} else if (rc == NY_ENOTFOUND)
		rc = NY_EDENIED;
	sqlite3_reset(st);
	return rc;
}

/*
 * Stores step as the creator's last accepted one, inside the open
 * transaction, unless a newer or equal step is stored already (another
 * connection accepted this code first): then NY_EREPLAY.
 */
static enum ny_err
creator_secret_step_tx(struct db *db, int64_t id, int64_t step)
{
	sqlite3_stmt *st = db_stmt(db, "UPDATE creators SET totp_last_step = ? "
	    "WHERE id = ? AND totp_last_step < ?");

	if (st != NULL) {
		sqlite3_bind_int64(st, 1, step);
		sqlite3_bind_int64(st, 2, id);
		sqlite3_bind_int64(st, 3, step);
	}
	return db_one(st, NY_EREPLAY, NULL);
}

enum ny_err
creator_secret_verify(struct db *db, const char *handle, const char *code,
    int64_t now)
{
	unsigned char *raw = NULL;
	size_t rawlen = 0;
	int64_t id = 0, last = 0, step = 0;
	enum ny_err rc;

	if (handle == NULL || code == NULL || !creator_handle_ok(handle))
		return NY_EDENIED;
	if ((rc = db_begin(db)) != NY_OK)
		return rc;
	rc = creator_secret_read_tx(db, handle, &id, &raw, &rawlen, &last);
	if (rc == NY_OK)
		rc = totp_check(raw, rawlen, code, now, last, &step);
	if (raw != NULL) {
		sodium_memzero(raw, rawlen);
		free(raw);
	}
	if (rc == NY_OK)
		rc = creator_secret_step_tx(db, id, step);
	return db_end(db, rc);
}
