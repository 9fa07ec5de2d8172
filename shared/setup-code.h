/*
 * setup-code.h: the one-time setup code that lets the first creator
 * enrol over SSH (user "setup"). It is valid only while no creator is
 * enrolled. It is typed like an invite code (invite.h) and kept in the
 * settings table twice: as a keyed hash to check it, and sealed with
 * crypto_seal so that `nyota-console setup-code` can print it again.
 * Needs crypto_init (or crypto_init_key) first.
 */
#ifndef NY_SETUP_CODE_H
#define NY_SETUP_CODE_H

#include "db.h"

#define SETUP_CODE_LEN		16	/* "XXXX-XXXX-XXXX" + NUL, with room */

/*
 * Returns the current setup code in out, creating it when there is none
 * (or when the stored one no longer opens, say after keys/ was replaced).
 * NY_OK, NY_ESTATE when a creator is already enrolled (no setup code
 * then), or a db error; out is "" unless NY_OK.
 */
enum ny_err setup_code_get_or_create(struct db *db, char out[SETUP_CODE_LEN]);

/*
 * NY_OK when code (case, spaces and dashes ignored) is the setup code and
 * no creator is enrolled yet, NY_EDENIED otherwise, or a db error. In the
 * caller's transaction when there is one.
 */
enum ny_err setup_code_check(struct db *db, const char *code);

/* Forgets the setup code (inside the caller's transaction). */
enum ny_err setup_code_consume_tx(struct db *db);

#endif
