/*
 * library-key.h: the permanent link that opens a buyer's library.
 *
 * One live key per customer for the phone (sent only to the phone) and
 * one per address the customer bought with (sent only to that address;
 * it opens only the orders made with it). The token in the link is never stored: token
 * = base64url(HMAC(master subkey, salt)) with a 32-byte random salt per
 * key, so the server can rebuild the link whenever a message is sent,
 * while a copy of the database alone opens nothing. Lookups go through
 * token_hash = tok_hash(token). Rotating revokes the live key and makes a
 * new one (the old link dies); revoking leaves the customer without a live
 * key until the next library_key_ensure_tx.
 *
 * This module owns the library_keys table and builds the link; it queues
 * no messages (the outbox builds links at send time through it, so it must
 * not depend on the outbox).
 */
#ifndef NY_LIBRARY_KEY_H
#define NY_LIBRARY_KEY_H

#include <stddef.h>
#include <stdint.h>

#include "db.h"

#define LIBRARY_KEY_TOKEN_MAX	64	/* a token is 43 chars + NUL */

/*
 * Inside the caller's transaction: returns in *key_id the customer's live
 * key, creating one (random salt) when there is none. NY_OK, NY_EDB.
 */
enum ny_err	library_key_ensure_tx(struct db *db, int64_t customer_id,
		    int64_t *key_id);

/*
 * The same for the key of one address (mail_addr_check's form): the link
 * sent by email, which opens only what was bought with that address
 * (library_keep_load). NY_OK, NY_EINVAL (no address), NY_EDB.
 */
enum ny_err	library_key_mail_ensure_tx(struct db *db, int64_t customer_id,
		    const char *email, int64_t *key_id);

/* The address of an email key into out ("" for the phone's key). NY_OK,
 * NY_ENOTFOUND, NY_EDB. */
enum ny_err	library_key_email(struct db *db, int64_t key_id, char *out,
		    size_t len);

/*
 * Re-derives the token of key key_id (revoked or not) into out
 * (LIBRARY_KEY_TOKEN_MAX bytes). Opens no transaction. NY_OK,
 * NY_ENOTFOUND, NY_EDB (also for a salt of the wrong length).
 */
enum ny_err	library_key_token(struct db *db, int64_t key_id,
		    char out[LIBRARY_KEY_TOKEN_MAX]);

/*
 * "{base_url}/l/{token}" for key_id into *out (caller frees). NY_OK,
 * NY_ENOTFOUND, NY_EDB.
 */
enum ny_err	library_key_url(struct db *db, const char *base_url,
		    int64_t key_id, char **out);

/*
 * The key whose token a message queued with key_id should carry now: the
 * customer's live key when key_id was rotated or revoked since, else
 * key_id itself (also when key_id is unknown or the lookup fails: a link
 * that may be stale beats none).
 */
int64_t		library_key_current(struct db *db, int64_t key_id);

/*
 * Finds the live key of a token: *customer_id and *key_id (either may be
 * NULL). Unknown, malformed or revoked → NY_ENOTFOUND.
 */
enum ny_err	library_key_resolve(struct db *db, const char *token,
		    int64_t *customer_id, int64_t *key_id);

/*
 * Opens its own transaction: revokes the customer's live key (if any) and
 * creates a new one; *key_id (may be NULL) gets it. The old link stops
 * working at once. Appends event ("customer", id). NY_OK, NY_ENOTFOUND (no
 * such customer), NY_EBUSY, NY_EDB.
 */
enum ny_err	library_key_rotate(struct db *db, int64_t customer_id,
		    int64_t *key_id);

/*
 * Opens its own transaction: revokes the customer's live key; no new key
 * until the next purchase or rotate. NY_OK (also when there was none).
 */
enum ny_err	library_key_revoke(struct db *db, int64_t customer_id);

#endif
