/*
 * upload.h: a creator's uploads folder, $NYOTA_DATA_DIR/uploads/HANDLE/,
 * and the one safe way to open a file in it by name.
 *
 * The folder is the creator's whole world: a name never
 * leaves it. Names are plain file names (no '/', no "..", no leading '.',
 * no control characters, at most UPLOAD_NAME_MAX bytes); every folder on
 * the way below the data folder is opened with O_NOFOLLOW and the file
 * with openat(O_NOFOLLOW), so neither a symlink nor a swapped path can
 * lead outside. The caller reads the returned descriptor and never opens
 * the path again (no check-then-use race).
 */
#ifndef NY_UPLOAD_H
#define NY_UPLOAD_H

#include <stddef.h>
#include <stdint.h>

#include "ny.h"

#define UPLOAD_NAME_MAX	255	/* bytes, like NAME_MAX */
#define UPLOAD_PATH_MAX	1024	/* bytes of a relative path "a/b/c" */
#define UPLOAD_DEPTH_MAX	8	/* folders below the creator's root */
#define UPLOAD_WALK_MAX		64	/* usage: deeper trees fail closed */
#define UPLOAD_ENTRIES_MAX	20000	/* files and folders per creator */
#define UPLOAD_TMP_PREFIX	".nyota-part-"	/* SFTP uploads in progress */

/* One file in a creator's uploads. */
struct upload_entry {
	char	 path[UPLOAD_PATH_MAX + 1];	/* relative: "a.zip", "raw/b.png" */
	int64_t	 size;
	int64_t	 mtime;
};

/*
 * 1 when name is acceptable as a file name inside an uploads folder (and
 * as a handle: the same rules), else 0. Refuses NULL, "", ".", "..",
 * anything starting with '.', containing '/', a control character (below
 * 0x20 or 0x7f) or longer than UPLOAD_NAME_MAX bytes.
 */
int	upload_name_ok(const char *name);

/*
 * 1 when path is a relative path of 1..UPLOAD_DEPTH_MAX+1 components
 * joined by single '/', each one upload_name_ok, at most UPLOAD_PATH_MAX
 * bytes in all.
 */
int	upload_path_ok(const char *path);

/*
 * The creator's uploads: every regular file with one link whose path is
 * upload_path_ok (hidden files and temporaries are skipped, symlinks are
 * never followed), newest first (then by path). *out is NULL when none;
 * caller frees it. Returns NY_OK (a missing folder is no files), NY_EINVAL
 * (bad handle), NY_EIO.
 */
enum ny_err upload_list(const char *data_dir, const char *handle,
	    struct upload_entry **out, size_t *n);

/*
 * Bytes used by the creator's uploads (every regular file, temporaries
 * included, not following symlinks: what counts against the quota) and
 * the number of entries (files, folders, links) below root. Folders at
 * any depth count; a tree deeper than UPLOAD_WALK_MAX is NY_EIO (fails
 * closed: nothing more may be uploaded). root is the creator's folder,
 * open (O_DIRECTORY); the caller keeps it. entries may be NULL.
 * Returns NY_OK or NY_EIO.
 */
enum ny_err upload_usage_at(int root, int64_t *bytes, int64_t *entries);

/*
 * Opens data_dir/uploads/handle/name for reading. The uploads folder and
 * the handle's folder are opened with O_DIRECTORY|O_NOFOLLOW, the file
 * with openat(O_NOFOLLOW|O_NONBLOCK) (a FIFO cannot block us) and must
 * be a regular file with a single link (a hard link could name a file
 * outside the folder). On NY_OK *fd is open, blocking, close-on-exec,
 * positioned at 0, and the caller closes it.
 * name may be a relative path (upload_path_ok): every folder on the way
 * is opened with O_DIRECTORY|O_NOFOLLOW.
 * Returns NY_OK; NY_EINVAL (handle refused by upload_name_ok, name by
 * upload_path_ok);
 * NY_ENOTFOUND (no such file, or no uploads folder for this creator);
 * NY_EDENIED (a symlink, a folder, a FIFO, a device, a hard link: not
 * something a creator may attach); NY_EIO (anything else).
 */
enum ny_err upload_open(const char *data_dir, const char *handle,
	    const char *name, int *fd);

#endif
