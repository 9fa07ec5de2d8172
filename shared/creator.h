/*
 * creator.h: creators (the shop owners who use the SSH console), their
 * TOTP enrolment and verification with replay refusal, their SSH keys,
 * invites to bring in more creators, and the one-time setup code that lets
 * the first creator enrol over SSH.
 *
 * Secrets never reach the database in clear: TOTP secrets are sealed with
 * crypto_seal, invite and setup codes are stored as tok_hash (the setup
 * code also sealed, so `nyota-console setup-code` can print it again).
 * Everything here needs crypto_init (or crypto_init_key) first.
 *
 * Unless a function's name ends in _tx, it opens its own transaction (or
 * is a single read); _tx functions run inside the caller's transaction.
 */
#ifndef NY_CREATOR_H
#define NY_CREATOR_H

#include <stddef.h>
#include <stdint.h>

#include "db.h"
#include "totp.h"

#define CREATOR_HANDLE_MAX	32
#define CREATOR_NAME_MAX	100	/* bytes of display_name */
#define CREATOR_BIO_MAX		2000	/* bytes of bio */

struct creator {
	int64_t	 id;
	char	 handle[CREATOR_HANDLE_MAX + 1];
	char	*display_name;		/* owned; "" when unset */
	char	*bio;			/* owned; "" when unset */
	char	 locale[3];		/* "en" | "sw" */
	int	 enrolled;		/* 1 when a TOTP secret is stored */
	int64_t	 totp_last_step;
	int64_t	 created_at;
	int64_t	 disabled_at;		/* 0 = active */
	char	 avatar_sha256[65];	/* image blob (image.h); "" = none */
};

/* Frees the strings inside c (not c itself); safe on a zeroed struct. */
void	creator_free(struct creator *c);
/* Frees an array returned by creator_list. */
void	creator_list_free(struct creator *v, size_t n);

/*
 * Returns 1 when handle is 2–32 characters of [a-z0-9_-] starting with a
 * letter, else 0. "setup" and "invite" are reserved (SSH user names
 * for enrolment).
 */
int	creator_handle_ok(const char *handle);

/*
 * Creates a creator (not enrolled: no TOTP secret yet). display_name may
 * be NULL ("" then); locale NULL means "en". Returns NY_OK and *id (may
 * be NULL), NY_EINVAL (bad handle, name too long, unknown locale),
 * NY_EEXISTS (handle taken), NY_EBUSY / NY_EDB. Appends
 * db_event("creator", id); auditing is the caller's (it knows the actor). creator_add_tx does the same inside the
 * caller's transaction.
 */
/*
 * For the catalog import, inside the caller's transaction: creates the
 * creator handle when missing (display_name, locale as creator_add_tx),
 * then sets bio and avatar_sha256, and on an existing creator every field
 * given: NULL keeps the current value (import never deletes). Appends
 * db_event("creator", id) when anything changed and adds the rows changed
 * to *changes. Returns NY_OK or creator_add_tx's errors.
 */
enum ny_err creator_import_tx(struct db *db, const char *handle,
	    const char *display_name, const char *locale, const char *bio,
	    const char *avatar_sha256, size_t *changes);
int	creator_add(struct db *db, const char *handle, const char *display_name,
	    const char *locale, int64_t *id);
int	creator_add_tx(struct db *db, const char *handle,
	    const char *display_name, const char *locale, int64_t *id);

/* Fills *out (caller calls creator_free). NY_OK or NY_ENOTFOUND. */
int	creator_by_handle(struct db *db, const char *handle, struct creator *out);
int	creator_by_id(struct db *db, int64_t id, struct creator *out);

/*
 * All creators ordered by handle: *out is an array of *n entries (caller
 * frees with creator_list_free; NULL when none).
 */
int	creator_list(struct db *db, struct creator **out, size_t *n);

/*
 * Updates profile fields; a NULL argument keeps the current value.
 * NY_OK, NY_EINVAL, NY_ENOTFOUND. Appends db_event("creator", id).
 */
int	creator_update(struct db *db, int64_t id, const char *display_name,
	    const char *bio, const char *locale);

/*
 * Sets the creator's avatar to the image blob sha (stored by
 * image_put_fd), or removes it (sha NULL or ""). NY_OK, NY_EINVAL (not a
 * digest), NY_ENOTFOUND (no such creator or blob). Appends
 * db_event("creator", id).
 */
int	creator_set_avatar(struct db *db, int64_t id, const char *sha);

/* Sets (on=1) or clears disabled_at. A disabled creator cannot log in. */
int	creator_set_disabled(struct db *db, int64_t id, int on);

/*
 * Number of creators that have a TOTP secret (enrolled). Used by the
 * setup code, which is valid only while this is 0.
 */
int	creator_count_enrolled(struct db *db, int64_t *n);

/*
 * Generates a new TOTP secret for the creator, stores it sealed and resets
 * totp_last_step to 0 (any old secret stops working). Writes its base32
 * form into b32 (show it once, never log it). NY_OK or NY_ENOTFOUND.
 */
int	creator_enrol_secret(struct db *db, int64_t id, char b32[TOTP_B32_LEN]);

/*
 * Stores a secret the caller generated (totp_new_secret) and already had
 * the creator confirm with a code at step last_step (so that code cannot
 * be replayed). creator_set_secret_tx runs in the caller's transaction.
 */
int	creator_set_secret(struct db *db, int64_t id, const unsigned char *raw,
	    size_t rawlen, int64_t last_step);
int	creator_set_secret_tx(struct db *db, int64_t id,
	    const unsigned char *raw, size_t rawlen, int64_t last_step);

/*
 * Checks a 6-digit code for handle at time now. In one BEGIN IMMEDIATE
 * transaction it reads the secret and last step and, on success, stores
 * the new step, so two simultaneous uses of one code cannot both pass.
 * Returns NY_OK, NY_EREPLAY (valid code already used, or older than the
 * last one accepted), NY_EDENIED (wrong code, unknown handle, not
 * enrolled, disabled), or NY_EBUSY / NY_EDB / NY_ECRYPTO.
 */
int	creator_verify_code(struct db *db, const char *handle, const char *code,
	    int64_t now);

/* --- SSH keys -------------------------------------------------------- */

#define CREATOR_FP_MAX		95	/* "SHA256:" + base64, with room */
#define CREATOR_KEY_COMMENT_MAX	127	/* longer comments are cut */

struct creator_key {
	int64_t	 id;
	int64_t	 creator_id;
	char	 fingerprint[CREATOR_FP_MAX + 1];	/* "SHA256:…" */
	char	 comment[CREATOR_KEY_COMMENT_MAX + 1];
	int64_t	 created_at;
};

/*
 * Registers a key by its OpenSSH SHA256 fingerprint ("SHA256:" followed
 * by base64 without padding). comment may be NULL. Returns NY_OK and *id
 * (may be NULL), NY_EINVAL (bad fingerprint), NY_EEXISTS (the key is
 * already registered, for anyone), NY_ENOTFOUND (no such creator).
 */
int	creator_key_add(struct db *db, int64_t creator_id, const char *fp,
	    const char *comment, int64_t *id);

/* The creator's keys, oldest first (caller frees *out with free()). */
int	creator_key_list(struct db *db, int64_t creator_id,
	    struct creator_key **out, size_t *n);

/* Removes the creator's key key_id. NY_OK or NY_ENOTFOUND. */
int	creator_key_remove(struct db *db, int64_t creator_id, int64_t key_id);

/* *has = 1 when the creator registered at least one key. */
int	creator_has_keys(struct db *db, int64_t creator_id, int *has);

/*
 * NY_OK when fp is one of handle's registered keys, else NY_EDENIED
 * (also for an unknown handle).
 */
int	creator_key_match(struct db *db, const char *handle, const char *fp);

/* --- Invites --------------------------------------------------------- */

#define INVITE_CODE_LEN		32	/* buffer size: code + NUL */
#define INVITE_TTL		(7 * 86400)

/*
 * Creates an invite valid for 7 days. created_by is the inviting creator
 * (0 = the admin CLI). code gets the plaintext (shown once; only its hash
 * is stored); *expires_at (may be NULL) its expiry.
 */
int	invite_create(struct db *db, int64_t created_by,
	    char code[INVITE_CODE_LEN], int64_t *expires_at);

/*
 * NY_OK when code is an unused, unexpired invite at time now; NY_EDENIED
 * otherwise (unknown, used or expired: the caller cannot tell which).
 */
int	invite_check(struct db *db, const char *code, int64_t now);

/*
 * Marks the invite used by creator used_by, inside the caller's
 * transaction; NY_EDENIED when not usable (see invite_check).
 */
int	invite_use_tx(struct db *db, const char *code, int64_t used_by,
	    int64_t now);

/* --- Setup code (first creator) -------------------------------------- */

#define SETUP_CODE_LEN		16	/* "XXXX-XXXX-XXXX" + NUL, with room */

/*
 * Returns the current setup code in out, creating it when there is none.
 * NY_ESTATE when a creator is already enrolled (no setup code then).
 */
int	setup_code_get_or_create(struct db *db, char out[SETUP_CODE_LEN]);

/*
 * NY_OK when code (case, spaces and dashes ignored) is the setup code and
 * no creator is enrolled yet, else NY_EDENIED.
 */
int	setup_code_check(struct db *db, const char *code);

/* Forgets the setup code (inside the caller's transaction). */
int	setup_code_consume_tx(struct db *db);

/* --- Enrolment in one transaction (console) -------------------------- */

enum creator_grant {
	CREATOR_GRANT_SETUP,	/* code is the setup code */
	CREATOR_GRANT_INVITE,	/* code is an invite code */
};

/*
 * Creates a creator and stores its confirmed TOTP secret in ONE
 * transaction that also consumes the setup code or the invite, so a code
 * lets exactly one creator in. raw/last_step as for creator_set_secret.
 * Returns NY_OK and *id (may be NULL), NY_EDENIED (code not valid),
 * NY_EINVAL (bad handle, name or locale), NY_EEXISTS (handle taken).
 */
int	creator_enrol_new(struct db *db, enum creator_grant grant,
	    const char *code, const char *handle, const char *display_name,
	    const char *locale, const unsigned char *raw, size_t rawlen,
	    int64_t last_step, int64_t *id);

#endif
