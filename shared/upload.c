/*
 * upload.c: opening a file in a creator's uploads folder. See upload.h.
 *
 * Each step is an openat() from the previous folder's descriptor with
 * O_NOFOLLOW: the kernel, not a string check, decides what is inside.
 * The string rules (no '/', no "..") still come first so that a refused
 * name gets a clear answer rather than a confusing ENOENT.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ny.h"
#include "upload.h"

int
upload_name_ok(const char *name)
{
	const unsigned char *p;
	size_t n;

	if (name == NULL || name[0] == '\0' || name[0] == '.')
		return 0;	/* also ".", ".." and hidden/temporary names */
	n = strlen(name);
	if (n > UPLOAD_NAME_MAX)
		return 0;
	for (p = (const unsigned char *)name; *p != '\0'; p++)
		if (*p == '/' || *p < 0x20 || *p == 0x7f)
			return 0;
	return 1;
}

/* errno of a failed openat → our error. */
static int
upload_errno(int e)
{
	switch (e) {
	case ENOENT:
		return NY_ENOTFOUND;
	case ELOOP:		/* O_NOFOLLOW met a symlink */
	case ENOTDIR:		/* a file where a folder should be */
	case EACCES:
	case EPERM:
	case ENXIO:		/* a socket or a FIFO without writer */
	case ENODEV:
		return NY_EDENIED;
	default:
		return NY_EIO;
	}
}

/* Opens name in folder dfd as a folder, never through a symlink. */
static int
upload_opendir(int dfd, const char *name, int *out)
{
	*out = openat(dfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
	    O_CLOEXEC);
	return *out < 0 ? upload_errno(errno) : NY_OK;
}

/* Opens name in folder dfd: a regular file with one link, else refused. */
static int
upload_openfile(int dfd, const char *name, int *out)
{
	struct stat sb;
	int fd, fl;

	fd = openat(dfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY |
	    O_CLOEXEC);
	if (fd < 0)
		return upload_errno(errno);
	if (fstat(fd, &sb) != 0) {
		close(fd);
		return NY_EIO;
	}
	if (!S_ISREG(sb.st_mode) || sb.st_nlink != 1) {
		close(fd);
		return NY_EDENIED;
	}
	/* Regular files ignore O_NONBLOCK, but readers should not see it. */
	if ((fl = fcntl(fd, F_GETFL)) < 0 ||
	    fcntl(fd, F_SETFL, fl & ~O_NONBLOCK) < 0) {
		close(fd);
		return NY_EIO;
	}
	*out = fd;
	return NY_OK;
}

int
upload_open(const char *data_dir, const char *handle, const char *name,
    int *fd)
{
	int root = -1, up = -1, hd = -1, rc;

	*fd = -1;
	if (!upload_name_ok(handle) || !upload_name_ok(name))
		return NY_EINVAL;
	/* The data folder is the operator's choice and may be a symlink;
	 * nothing below it may be. */
	if ((root = open(data_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0) {
		rc = errno == ENOENT ? NY_ENOTFOUND : NY_EIO;
		goto out;
	}
	if ((rc = upload_opendir(root, "uploads", &up)) != NY_OK ||
	    (rc = upload_opendir(up, handle, &hd)) != NY_OK)
		goto out;
	rc = upload_openfile(hd, name, fd);
out:
	if (hd >= 0)
		close(hd);
	if (up >= 0)
		close(up);
	if (root >= 0)
		close(root);
	return rc;
}
