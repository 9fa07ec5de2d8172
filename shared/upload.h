/*
 * upload.h: a creator's uploads folder, $NYOTA_DATA_DIR/uploads/HANDLE/,
 * and the one safe way to open a file in it by name.
 *
 * The folder is the creator's whole world (DESIGN §10): a name never
 * leaves it. Names are plain file names (no '/', no "..", no leading '.',
 * no control characters, at most UPLOAD_NAME_MAX bytes); every folder on
 * the way below the data folder is opened with O_NOFOLLOW and the file
 * with openat(O_NOFOLLOW), so neither a symlink nor a swapped path can
 * lead outside. The caller reads the returned descriptor and never opens
 * the path again (no check-then-use race).
 */
#ifndef NY_UPLOAD_H
#define NY_UPLOAD_H

#define UPLOAD_NAME_MAX	255	/* bytes, like NAME_MAX */

/*
 * 1 when name is acceptable as a file name inside an uploads folder (and
 * as a handle: the same rules), else 0. Refuses NULL, "", ".", "..",
 * anything starting with '.', containing '/', a control character (below
 * 0x20 or 0x7f) or longer than UPLOAD_NAME_MAX bytes.
 */
int	upload_name_ok(const char *name);

/*
 * Opens data_dir/uploads/handle/name for reading. The uploads folder and
 * the handle's folder are opened with O_DIRECTORY|O_NOFOLLOW, the file
 * with openat(O_NOFOLLOW|O_NONBLOCK) (a FIFO cannot block us) and must
 * be a regular file with a single link (a hard link could name a file
 * outside the folder). On NY_OK *fd is open, blocking, close-on-exec,
 * positioned at 0, and the caller closes it.
 * Returns NY_OK; NY_EINVAL (name or handle refused by upload_name_ok);
 * NY_ENOTFOUND (no such file, or no uploads folder for this creator);
 * NY_EDENIED (a symlink, a folder, a FIFO, a device, a hard link: not
 * something a creator may attach); NY_EIO (anything else).
 */
int	upload_open(const char *data_dir, const char *handle, const char *name,
	    int *fd);

#endif
