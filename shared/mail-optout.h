/*
 * mail-optout.h: "no more mail but receipts" (List-Unsubscribe, RFC 8058).
 *
 * Every message that is not transactional carries a link with a token:
 * an HMAC (crypto_sign_url) of "unsub:" and the lower-cased address. The
 * token is the proof: nobody can make one for an address without the
 * master key, so nobody can unsubscribe a stranger. It cannot be turned
 * back into the address, so mail_optout keeps a keyed hash of the token
 * (tok_hash_ctx), which is a keyed hash of the address: the database
 * never holds an address that asked to be forgotten. A forged token only
 * adds a row that matches nobody.
 *
 * The outbox worker checks the list when it sends (outbox.c): a message
 * that is not transactional, to an address on it, fails with the reason
 * "unsubscribed" instead of going out (the console shows why).
 */
#ifndef NY_MAIL_OPTOUT_H
#define NY_MAIL_OPTOUT_H

#include <stddef.h>
#include <stdint.h>

#include "db.h"

#define MAIL_UNSUB_TOKEN_LEN	43	/* base64url of 32 bytes */

/*
 * 1 for the kinds a buyer must get even after unsubscribing (receipt,
 * refund, confirm_code, library_link: answers to what they did
 * themselves), 0 for the rest (reminders, automations …).
 */
int		mail_kind_transactional(const char *kind);

/* The unsubscribe token of addr into out (≥ MAIL_UNSUB_TOKEN_LEN + 1). */
void		mail_unsub_token(const char *addr, char *out, size_t len);

/*
 * Records the opt-out of token's address at now, in its own
 * transaction; idempotent. NY_OK, NY_EINVAL (not a token's shape), NY_EDB.
 */
enum ny_err	mail_optout_record(struct db *db, const char *token,
		    int64_t now);

/* *out = 1 when addr opted out, else 0. NY_OK or NY_EDB. */
enum ny_err	mail_optout_has(struct db *db, const char *addr, int *out);

#endif
