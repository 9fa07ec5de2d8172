/*
 * creator-key.h: the creators' SSH public keys (the creator_keys table),
 * known by their OpenSSH SHA256 fingerprints. A creator who registered a
 * key must sign in with it as well as with a TOTP code (tui/ssh-auth.c).
 */
#ifndef NY_CREATOR_KEY_H
#define NY_CREATOR_KEY_H

#include <stddef.h>
#include <stdint.h>

#include "db.h"

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
 * by base64 without padding). comment may be NULL; a longer one is cut
 * (at a character boundary). Returns NY_OK and *id (may be NULL),
 * NY_EINVAL (bad fingerprint), NY_EEXISTS (the key is already
 * registered, for anyone), NY_ENOTFOUND (no such creator). Appends
 * db_event("creator", creator_id).
 */
enum ny_err creator_key_add(struct db *db, int64_t creator_id,
	    const char *fp, const char *comment, int64_t *id);

/*
 * The creator's keys, oldest first: *out is an array of *n entries
 * (caller frees it with free(), also after an error; NULL when none).
 */
enum ny_err creator_key_list(struct db *db, int64_t creator_id,
	    struct creator_key **out, size_t *n);

/*
 * Removes the creator's key key_id. NY_OK or NY_ENOTFOUND (also for
 * another creator's key). Appends db_event("creator", creator_id).
 */
enum ny_err creator_key_remove(struct db *db, int64_t creator_id,
	    int64_t key_id);

/*
 * Sets *found to 1 when the creator registered at least one key, else 0.
 * Returns NY_OK or a db error (then *found is 0).
 */
enum ny_err creator_key_exists(struct db *db, int64_t creator_id,
	    int *found);

/*
 * NY_OK when fp is one of handle's registered keys and handle is not
 * disabled, else NY_EDENIED (also for an unknown handle or a NULL
 * argument), or a db error.
 */
enum ny_err creator_key_match(struct db *db, const char *handle,
	    const char *fp);

#endif
