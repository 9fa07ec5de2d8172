/*
 * creator-secret.h: the creators' TOTP secrets (creators.totp_secret and
 * totp_last_step): storing a confirmed secret, and checking a code with
 * replay refusal. Secrets never reach the database in clear: they are
 * sealed with crypto_seal, so everything here needs crypto_init (or
 * crypto_init_key) first. Enrolment (making and confirming a secret) is
 * in creator-enrol.h.
 */
#ifndef NY_CREATOR_SECRET_H
#define NY_CREATOR_SECRET_H

#include <stddef.h>
#include <stdint.h>

#include "db.h"

/*
 * Stores the raw secret (rawlen bytes) the caller generated
 * (totp_new_secret) sealed, with last_step the step of the code the
 * creator confirmed it with (so that code cannot be replayed; 0 when
 * none); any old secret stops working. Returns NY_OK, NY_EINVAL (empty
 * secret, negative step), NY_ENOTFOUND (no such creator) or a db error.
 * Appends db_event("creator", id). creator_secret_set_tx runs in the
 * caller's transaction.
 */
enum ny_err creator_secret_set(struct db *db, int64_t id,
	    const unsigned char *raw, size_t rawlen, int64_t last_step);
enum ny_err creator_secret_set_tx(struct db *db, int64_t id,
	    const unsigned char *raw, size_t rawlen, int64_t last_step);

/*
 * Checks a 6-digit code for handle at time now. In one BEGIN IMMEDIATE
 * transaction it reads the secret and last step and, on success, stores
 * the new step, so two simultaneous uses of one code cannot both pass.
 * Returns NY_OK, NY_EREPLAY (valid code already used, or older than the
 * last one accepted), NY_EDENIED (wrong code, unknown handle, not
 * enrolled, disabled), or NY_EBUSY / NY_EDB / NY_ECRYPTO.
 */
enum ny_err creator_secret_verify(struct db *db, const char *handle,
	    const char *code, int64_t now);

#endif
