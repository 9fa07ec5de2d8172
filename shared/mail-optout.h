/*
 * mail-optout.h: "no more mail but receipts" (List-Unsubscribe, RFC 8058).
 *
 * Every message that is not transactional carries a link with a token:
 * ID (32 hex: a keyed hash of the lower-cased address, tok_hash_ctx)
 * followed by SIG (43 base64url: crypto_sign_url of "unsub:" ID). The
 * token is the proof: nobody can make one without the master key, so
 * nobody can unsubscribe a stranger, and a forged token is refused before
 * anything is written (the table cannot be filled with junk). ID cannot
 * be turned back into the address, and mail_optout keeps a keyed hash of
 * ID: the database never holds an address that asked to be forgotten.
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

#define MAIL_UNSUB_TOKEN_LEN	75	/* 32 hex + 43 base64url */

/*
 * 1 for the kinds a buyer must get even after unsubscribing (receipt,
 * refund, confirm_code, library_link: answers to what they did
 * themselves), 0 for the rest (reminders, automations …).
 */
int		mail_kind_transactional(const char *kind);

/* The unsubscribe token of addr into out (≥ MAIL_UNSUB_TOKEN_LEN + 1). */
void		mail_unsub_token(const char *addr, char *out, size_t len);

/* 1 when token is one mail_unsub_token made (signature checked in
 * constant time), else 0 (any input is safe). */
int		mail_unsub_token_ok(const char *token);

/*
 * Records the opt-out of token's address at now, in its own
 * transaction; idempotent. NY_OK, NY_EINVAL (not a token we made: nothing
 * written), NY_EDB.
 */
enum ny_err	mail_optout_record(struct db *db, const char *token,
		    int64_t now);

/* *out = 1 when addr opted out, else 0. NY_OK or NY_EDB. */
enum ny_err	mail_optout_has(struct db *db, const char *addr, int *out);

#endif
