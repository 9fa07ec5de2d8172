/*
 * creator-enrol.c: enrolment of creators, over the creators table, their
 * secrets, invites and the setup code. See creator-enrol.h.
 */
#include <sodium.h>

#include "creator.h"
#include "creator-enrol.h"
#include "creator-secret.h"
#include "invite.h"
#include "setup-code.h"

/*
 * The body of creator_enrol_new, inside its transaction; *cid gets the
 * new creator. The setup code is checked first, again: it ends once any
 * creator is enrolled, which another session or the CLI may have done
 * since this session passed it. An invite is checked last, by using it
 * (NY_EDENIED when it is no longer usable), so a taken handle reports
 * NY_EEXISTS whatever the invite's state, as the console always did.
 */
static enum ny_err
creator_enrol_tx(struct db *db, enum creator_enrol_grant grant,
    const char *code, const char *handle, const char *display_name,
    const char *locale, const unsigned char *raw, size_t rawlen,
    int64_t last_step, int64_t *cid)
{
	enum ny_err rc;

	if (grant == CREATOR_ENROL_SETUP &&
	    (rc = setup_code_check(db, code)) != NY_OK)
		return rc;
	if ((rc = creator_add_tx(db, handle, display_name, locale,
	    cid)) != NY_OK)
		return rc;
	if ((rc = creator_secret_set_tx(db, *cid, raw, rawlen,
	    last_step)) != NY_OK)
		return rc;
	if (grant == CREATOR_ENROL_SETUP)
		return setup_code_consume_tx(db);
	return invite_use_tx(db, code, *cid, ny_now());
}

enum ny_err
creator_enrol_new(struct db *db, enum creator_enrol_grant grant,
    const char *code, const char *handle, const char *display_name,
    const char *locale, const unsigned char *raw, size_t rawlen,
    int64_t last_step, int64_t *id)
{
	int64_t cid = 0;
	enum ny_err rc;

	if ((rc = db_begin(db)) != NY_OK)
		return rc;
	rc = creator_enrol_tx(db, grant, code, handle, display_name, locale,
	    raw, rawlen, last_step, &cid);
	if ((rc = db_end(db, rc)) == NY_OK && id != NULL)
		*id = cid;
	return rc;
}

enum ny_err
creator_enrol_secret(struct db *db, int64_t id, char b32[TOTP_B32_LEN])
{
	unsigned char raw[TOTP_SECRET_LEN];
	enum ny_err rc;

	totp_new_secret(raw, b32);
	rc = creator_secret_set(db, id, raw, sizeof raw, 0);
	sodium_memzero(raw, sizeof raw);
	if (rc != NY_OK)
		sodium_memzero(b32, TOTP_B32_LEN);
	return rc;
}
