/*
 * upload.c: opening a file in a creator's uploads folder. See upload.h.
 *
 * Each step is an openat() from the previous folder's descriptor with
 * O_NOFOLLOW: the kernel, not a string check, decides what is inside.
 * The string rules (no '/', no "..") still come first so that a refused
 * name gets a clear answer rather than a confusing ENOENT.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
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

int
upload_path_ok(const char *path)
{
	char part[UPLOAD_NAME_MAX + 1];
	const char *p = path, *slash;
	size_t n;
	int depth = 0;

	if (path == NULL || strlen(path) > UPLOAD_PATH_MAX)
		return 0;
	for (;;) {
		slash = strchr(p, '/');
		n = slash != NULL ? (size_t)(slash - p) : strlen(p);
		if (n == 0 || n > UPLOAD_NAME_MAX || ++depth > UPLOAD_DEPTH_MAX + 1)
			return 0;
		memcpy(part, p, n);
		part[n] = '\0';
		if (!upload_name_ok(part))
			return 0;
		if (slash == NULL)
			return 1;
		p = slash + 1;
	}
}

/* errno of a failed openat → our error. */
static enum ny_err
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
static enum ny_err
upload_opendir(int dfd, const char *name, int *out)
{
	*out = openat(dfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
	    O_CLOEXEC);
	return *out < 0 ? upload_errno(errno) : NY_OK;
}

/* Opens name in folder dfd: a regular file with one link, else refused. */
static enum ny_err
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

/* Opens the relative path (upload_path_ok) below folder dfd. */
static enum ny_err
upload_openpath(int dfd, const char *path, int *out)
{
	char part[UPLOAD_NAME_MAX + 1];
	const char *slash;
	int cur = dfd, next;
	enum ny_err rc;

	while ((slash = strchr(path, '/')) != NULL) {
		memcpy(part, path, (size_t)(slash - path));
		part[slash - path] = '\0';
		rc = upload_opendir(cur, part, &next);
		if (cur != dfd)
			close(cur);
		if (rc != NY_OK)
			return rc;
		cur = next;
		path = slash + 1;
	}
	rc = upload_openfile(cur, path, out);
	if (cur != dfd)
		close(cur);
	return rc;
}

/* Opens data_dir/uploads/handle (O_DIRECTORY|O_NOFOLLOW below data_dir). */
static enum ny_err
upload_root(const char *data_dir, const char *handle, int *out)
{
	int root, up = -1;
	enum ny_err rc;

	*out = -1;
	if ((root = open(data_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
		return errno == ENOENT ? NY_ENOTFOUND : NY_EIO;
	if ((rc = upload_opendir(root, "uploads", &up)) == NY_OK) {
		rc = upload_opendir(up, handle, out);
		close(up);
	}
	close(root);
	return rc;
}

struct upload_walk {
	struct upload_entry	*v;
	size_t			 n, cap;
	int64_t			 bytes;
	int64_t			 entries;
	int			 all;	/* usage: count every regular file */
};

/*
 * Visits folder dfd (owned: closed here) at prefix, depth folders below
 * the root. Entries are examined with fstatat(AT_SYMLINK_NOFOLLOW) and
 * folders opened with O_NOFOLLOW: nothing outside is ever reached.
 */
static enum ny_err
upload_walk_dir(struct upload_walk *w, int dfd, const char *prefix,
    int depth)
{
	char path[UPLOAD_PATH_MAX + UPLOAD_NAME_MAX + 2];
	struct dirent *de;
	struct stat sb;
	DIR *d;
	enum ny_err rc = NY_OK;
	int sub;

	if ((d = fdopendir(dfd)) == NULL) {
		close(dfd);
		return NY_EIO;
	}
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		if (fstatat(dirfd(d), de->d_name, &sb, AT_SYMLINK_NOFOLLOW) != 0)
			continue;	/* removed meanwhile */
		snprintf(path, sizeof path, "%s%s%s", prefix,
		    *prefix ? "/" : "", de->d_name);
		w->entries++;
		if (S_ISDIR(sb.st_mode)) {
			/* Usage sees every folder, however it got there. */
			if (w->all && depth >= UPLOAD_WALK_MAX) {
				rc = NY_EIO;
				break;
			}
			if (!w->all && (depth >= UPLOAD_DEPTH_MAX ||
			    !upload_name_ok(de->d_name)))
				continue;
			if (upload_opendir(dirfd(d), de->d_name, &sub) != NY_OK)
				continue;
			if ((rc = upload_walk_dir(w, sub, path, depth + 1))
			    != NY_OK)
				break;
			continue;
		}
		if (!S_ISREG(sb.st_mode))
			continue;
		w->bytes += sb.st_size;
		if (w->all || sb.st_nlink != 1 || !upload_path_ok(path))
			continue;
		w->v = xgrow(w->v, &w->cap, w->n + 1, sizeof *w->v);
		/* upload_path_ok: at most UPLOAD_PATH_MAX bytes */
		memcpy(w->v[w->n].path, path, strlen(path) + 1);
		w->v[w->n].size = sb.st_size;
		w->v[w->n].mtime = sb.st_mtime;
		w->n++;
	}
	closedir(d);
	return rc;
}

static int
upload_newest_first(const void *a, const void *b)
{
	const struct upload_entry *x = a, *y = b;

	if (x->mtime != y->mtime)
		return x->mtime < y->mtime ? 1 : -1;
	return strcmp(x->path, y->path);
}

enum ny_err
upload_list(const char *data_dir, const char *handle,
    struct upload_entry **out, size_t *n)
{
	struct upload_walk w;
	enum ny_err rc;
	int hd;

	*out = NULL;
	*n = 0;
	if (!upload_name_ok(handle))
		return NY_EINVAL;
	if ((rc = upload_root(data_dir, handle, &hd)) != NY_OK)
		return rc == NY_ENOTFOUND ? NY_OK : rc;
	memset(&w, 0, sizeof w);
	if ((rc = upload_walk_dir(&w, hd, "", 0)) != NY_OK) {
		free(w.v);
		return rc;
	}
	if (w.n > 1)
		qsort(w.v, w.n, sizeof *w.v, upload_newest_first);
	*out = w.v;
	*n = w.n;
	return NY_OK;
}

enum ny_err
upload_usage_at(int root, int64_t *bytes, int64_t *entries)
{
	struct upload_walk w;
	enum ny_err rc;
	int fd;

	*bytes = 0;
	if (entries != NULL)
		*entries = 0;
	if ((fd = openat(root, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
		return NY_EIO;
	memset(&w, 0, sizeof w);
	w.all = 1;
	rc = upload_walk_dir(&w, fd, "", 0);
	*bytes = w.bytes;
	if (entries != NULL)
		*entries = w.entries;
	return rc;
}

enum ny_err
upload_open(const char *data_dir, const char *handle, const char *name,
    int *fd)
{
	enum ny_err rc;
	int hd;

	*fd = -1;
	if (!upload_name_ok(handle) || !upload_path_ok(name))
		return NY_EINVAL;
	/* The data folder is the operator's choice and may be a symlink;
	 * nothing below it may be. */
	if ((rc = upload_root(data_dir, handle, &hd)) != NY_OK)
		return rc;
	rc = upload_openpath(hd, name, fd);
	close(hd);
	return rc;
}
