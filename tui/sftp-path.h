/*
 * sftp-path.h: turning a path an SFTP client sends into a path inside the
 * creator's jail (docs/uploads.md), without touching the filesystem.
 *
 * SFTP has no working directory: the client sends absolute paths, or
 * paths relative to its "home", which is the jail's root. Both are read
 * from the jail's root: "/a/b", "a/b" and "./a//b/" all name "a/b".
 * "." is dropped and ".." removes the previous component; ".." at the
 * root stays at the root (like `cd ..` in "/"), so nothing lexical can
 * leave the jail. This is exact, not an approximation, because the
 * opener (sftp.c) never follows a symlink: "a/../b" cannot mean anything
 * but "b".
 *
 * Every component named, even one a later ".." removes, must be
 * acceptable to upload_name_ok (no leading '.', no control character,
 * at most UPLOAD_NAME_MAX bytes): hidden names are reserved for our
 * temporaries. The path has at most UPLOAD_DEPTH_MAX + 1 components
 * (folders below the root, then a file) and UPLOAD_PATH_MAX bytes at
 * every step, not only at the end: "d/d/…/d/x/.." deeper than that is
 * refused even though ".." would bring it back (bounded work, one rule).
 */
#ifndef NY_SFTP_PATH_H
#define NY_SFTP_PATH_H

#include <stddef.h>

#include "upload.h"

/* Longest input looked at: anything longer is refused unread. */
#define SFTP_PATH_IN_MAX	(4 * UPLOAD_PATH_MAX)

enum sftp_path_err {
	SFTP_PATH_OK = 0,
	SFTP_PATH_BADNAME,	/* NUL, control character, hidden, too long */
	SFTP_PATH_TOODEEP,	/* over UPLOAD_DEPTH_MAX + 1 components */
	SFTP_PATH_TOOLONG,	/* over UPLOAD_PATH_MAX (or the input over
				 * SFTP_PATH_IN_MAX) bytes */
};

/*
 * Resolves the client's path in (len bytes, not NUL-terminated: a NUL
 * inside is refused) into out, a relative path "a/b" with single '/'
 * and no "." or ".." ("" is the root). out must have room for
 * UPLOAD_PATH_MAX + 1 bytes. *depth (may be NULL) gets the number of
 * components (0 for the root). Returns SFTP_PATH_OK or why not; out is
 * "" on error.
 */
enum sftp_path_err sftp_path_resolve(const char *in, size_t len, char *out,
	    int *depth);

/*
 * The last component of a resolved path (after the last '/', or the
 * whole path); "" for the root. Points into path.
 */
const char *sftp_path_leaf(const char *path);

#endif
