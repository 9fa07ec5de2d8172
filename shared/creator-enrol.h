/*
 * creator-enrol.h: enrolment, a creator getting its TOTP secret: a new
 * creator over SSH with the setup code or an invite (the console's
 * "setup" and "invite" sessions), or a fresh secret for an existing
 * creator (the admin CLI). Needs crypto_init (or crypto_init_key) first.
 */
#ifndef NY_CREATOR_ENROL_H
#define NY_CREATOR_ENROL_H

#include <stddef.h>
#include <stdint.h>

#include "db.h"
#include "totp.h"

/* What lets a new creator in. */
enum creator_enrol_grant {
	CREATOR_ENROL_SETUP,	/* code is the setup code (setup-code.h) */
	CREATOR_ENROL_INVITE,	/* code is an invite code (invite.h) */
};

/*
 * Creates the creator handle (display_name, locale as creator_add: NULL
 * for "" and "en") with its TOTP secret raw (rawlen bytes) confirmed at
 * last_step, and consumes the setup code or uses the invite, all in ONE
 * transaction, so a code lets exactly one creator in and nothing is
 * written unless everything is. The code is checked inside that
 * transaction: another session may have enrolled meanwhile. Returns
 * NY_OK and *id (may be NULL); NY_EDENIED (code not valid, or no longer:
 * the setup code also ends once any creator is enrolled); NY_EINVAL (bad
 * handle, name or locale); NY_EEXISTS (handle taken: the code stays
 * usable); or a db error.
 */
enum ny_err creator_enrol_new(struct db *db, enum creator_enrol_grant grant,
	    const char *code, const char *handle, const char *display_name,
	    const char *locale, const unsigned char *raw, size_t rawlen,
	    int64_t last_step, int64_t *id);

/*
 * Generates a new TOTP secret for the existing creator id, stores it
 * sealed and resets totp_last_step to 0 (any old secret stops working).
 * Writes its base32 form into b32 (show it once, never log it; wiped on
 * an error). NY_OK, NY_ENOTFOUND or a db error.
 */
enum ny_err creator_enrol_secret(struct db *db, int64_t id,
	    char b32[TOTP_B32_LEN]);

#endif
