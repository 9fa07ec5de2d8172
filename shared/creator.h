/*
 * creator.h: the creators table: the shop owners who use the SSH console,
 * their handles and profiles (display name, bio, language, avatar), and
 * whether they may log in. How they log in lives apart: the TOTP secret
 * in creator-secret.h, SSH keys in creator-key.h, enrolment (a new
 * creator with its secret, through the setup code or an invite) in
 * creator-enrol.h.
 *
 * Unless a function's name ends in _tx, it opens its own transaction (or
 * is a single read); _tx functions run inside the caller's transaction.
 * Every change appends db_event("creator", id); auditing is the caller's
 * (it knows the actor).
 */
#ifndef NY_CREATOR_H
#define NY_CREATOR_H

#include <stddef.h>
#include <stdint.h>

#include "db.h"

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
 * NY_EEXISTS (handle taken), NY_EBUSY / NY_EDB. creator_add_tx does the
 * same inside the caller's transaction.
 */
enum ny_err creator_add(struct db *db, const char *handle,
	    const char *display_name, const char *locale, int64_t *id);
enum ny_err creator_add_tx(struct db *db, const char *handle,
	    const char *display_name, const char *locale, int64_t *id);

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

/* Fills *out (caller calls creator_free). NY_OK or NY_ENOTFOUND. */
enum ny_err creator_by_handle(struct db *db, const char *handle,
	    struct creator *out);
enum ny_err creator_by_id(struct db *db, int64_t id, struct creator *out);

/*
 * All creators ordered by handle: *out is an array of *n entries (caller
 * frees with creator_list_free, also after an error; NULL when none).
 */
enum ny_err creator_list(struct db *db, struct creator **out, size_t *n);

/*
 * Updates profile fields; a NULL argument keeps the current value.
 * NY_OK, NY_EINVAL, NY_ENOTFOUND.
 */
enum ny_err creator_update(struct db *db, int64_t id,
	    const char *display_name, const char *bio, const char *locale);

/*
 * Sets the creator's avatar to the image blob sha (stored by
 * image_put_fd), or removes it (sha NULL or ""). NY_OK, NY_EINVAL (not a
 * digest), NY_ENOTFOUND (no such creator or blob).
 */
enum ny_err creator_set_avatar(struct db *db, int64_t id, const char *sha);

/*
 * The operator's switch (nyota-console creator disable|enable): sets
 * (on=1) or clears disabled_at when it is not so already, with the
 * "creator" event and the audit line "creator.disable" / "creator.enable"
 * by actor about the creator, in one transaction. A disabled creator
 * cannot log in and their products leave the storefront (catalog.c);
 * nothing is deleted and buyers keep what they bought. *changed is 1
 * when the state changed, 0 when it already was so. NY_OK, NY_ENOTFOUND,
 * NY_EBUSY / NY_EDB.
 */
enum ny_err creator_set_disabled_as(struct db *db, int64_t id, int on,
	    const char *actor, int *changed);

/*
 * 1 when creator id is disabled (or no longer exists), else 0. For an open
 * console session to check now and then: a database error answers 0, so
 * a busy moment never ends a session (the next check asks again).
 */
int	creator_is_disabled(struct db *db, int64_t id);

/* Number of id's published products into *n (also while id is disabled). */
enum ny_err creator_published_count(struct db *db, int64_t id, int64_t *n);

/*
 * Number of creators that have a TOTP secret (enrolled). Used by the
 * setup code, which is valid only while this is 0.
 */
enum ny_err creator_count_enrolled(struct db *db, int64_t *n);

#endif
