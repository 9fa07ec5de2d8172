/*
 * invite.h: invites that bring in more creators (the invites table), and
 * the typed codes they share with the setup code (setup-code.h): groups
 * of four characters from an alphabet without look-alikes, stored only
 * as a keyed hash (tok_hash), so a code is shown once. Needs crypto_init
 * (or crypto_init_key) first.
 */
#ifndef NY_INVITE_H
#define NY_INVITE_H

#include <stddef.h>
#include <stdint.h>

#include "crypto.h"
#include "db.h"

#define INVITE_CODE_LEN		32	/* buffer size: code + NUL */
#define INVITE_TTL		(7 * 86400)

/*
 * Creates an invite valid for 7 days. created_by is the inviting creator
 * (0 = the admin CLI). code gets the plaintext (shown once; only its hash
 * is stored); *expires_at (may be NULL) its expiry. Returns NY_OK or a db
 * error (then code is wiped).
 */
enum ny_err invite_create(struct db *db, int64_t created_by,
	    char code[INVITE_CODE_LEN], int64_t *expires_at);

/*
 * NY_OK when code is an unused, unexpired invite at time now; NY_EDENIED
 * otherwise (unknown, used or expired: the caller cannot tell which), or
 * a db error.
 */
enum ny_err invite_check(struct db *db, const char *code, int64_t now);

/*
 * Marks the invite used by creator used_by at now, inside the caller's
 * transaction. NY_OK, NY_EDENIED when not usable (see invite_check), or a
 * db error.
 */
enum ny_err invite_use_tx(struct db *db, const char *code, int64_t used_by,
	    int64_t now);

/*
 * A random code of ngroups groups of 4 characters joined by '-' into out
 * (len bytes, NUL-terminated; cut when too small).
 */
void	invite_code_new(int ngroups, char *out, size_t len);

/*
 * The keyed hash of a typed code in its canonical form (case, spaces and
 * dashes ignored) into h. Returns NY_OK, or NY_EINVAL when code is NULL,
 * empty, too long or holds a character no code has: h is then the hash
 * of "", which no stored code matches.
 */
enum ny_err invite_code_hash(const char *code, unsigned char h[TOK_HASH_LEN]);

#endif
