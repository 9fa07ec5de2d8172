/*
 * sftp.c: the SFTP v3 engine, jailed in a creator's uploads folder. See
 * sftp.h for why it parses packets itself and how the jail works.
 *
 * Protocol: draft-ietf-secsh-filexfer-02 (version 3, what OpenSSH
 * speaks). Every request is uint32 length, byte type, uint32 id, fields.
 * Extension offered: limits@openssh.com (so OpenSSH's client sends
 * writes of up to SFTP_WRITE_MAX bytes instead of 32 KiB, and keeps at
 * most SFTP_HANDLES open). Not offered on purpose: posix-rename (RENAME
 * never replaces a file here; `put` is how a file is replaced, and that
 * is atomic anyway), hardlink, statvfs, fsync (CLOSE fsyncs).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "i18n.h"
#include "log.h"
#include "ny.h"
#include "sftp-path.h"
#include "sftp.h"

/* Message types (v3). */
enum {
	FXP_INIT = 1, FXP_VERSION = 2, FXP_OPEN = 3, FXP_CLOSE = 4,
	FXP_READ = 5, FXP_WRITE = 6, FXP_LSTAT = 7, FXP_FSTAT = 8,
	FXP_SETSTAT = 9, FXP_FSETSTAT = 10, FXP_OPENDIR = 11,
	FXP_READDIR = 12, FXP_REMOVE = 13, FXP_MKDIR = 14, FXP_RMDIR = 15,
	FXP_REALPATH = 16, FXP_STAT = 17, FXP_RENAME = 18,
	FXP_READLINK = 19, FXP_SYMLINK = 20,
	FXP_STATUS = 101, FXP_HANDLE = 102, FXP_DATA = 103, FXP_NAME = 104,
	FXP_ATTRS = 105, FXP_EXTENDED = 200, FXP_EXTENDED_REPLY = 201,
};

/* Status codes. */
enum {
	FX_OK = 0, FX_EOF = 1, FX_NO_SUCH_FILE = 2, FX_PERMISSION_DENIED = 3,
	FX_FAILURE = 4, FX_BAD_MESSAGE = 5, FX_OP_UNSUPPORTED = 8,
};

/* OPEN flags and attribute flags. */
#define FXF_READ	0x01
#define FXF_WRITE	0x02
#define FXF_APPEND	0x04
#define FXF_CREAT	0x08
#define FXF_TRUNC	0x10
#define FXF_EXCL	0x20
#define ATTR_SIZE	0x01
#define ATTR_UIDGID	0x02
#define ATTR_PERM	0x04
#define ATTR_TIME	0x08
#define ATTR_EXT	0x80000000u

#define SFTP_DIR_BATCH	100	/* names per READDIR reply */
#define SFTP_TMP_LEN	(sizeof UPLOAD_TMP_PREFIX - 1 + 16)
#define SFTP_FILE_MODE	0640
#define SFTP_DIR_MODE	0750
/*
 * The quota is checked against the folder as measured at each write-open
 * and again whenever this session's uploads have grown by this much: two
 * sessions of one creator uploading at once see each other's temporaries
 * then, so together they pass the quota by at most this much each.
 */
#define SFTP_REMEASURE	((int64_t)64 << 20)

enum sftp_kind { H_FREE, H_READ, H_WRITE, H_DIR };

struct sftp_handle {
	enum sftp_kind	 kind;
	uint32_t	 gen;		/* in the handle string: stale ones fail */
	int		 fd;		/* file, or -1 */
	int		 dirfd;		/* H_WRITE: the folder (owned) */
	DIR		*dir;		/* H_DIR */
	char		 tmp[SFTP_TMP_LEN + 1];	/* H_WRITE: temporary's name */
	char		 path[UPLOAD_PATH_MAX + 1];	/* resolved, for logs */
	int64_t		 size;		/* H_WRITE: bytes the file will have */
	int		 append;
	int		 failed;	/* H_WRITE: refused, temporary removed */
	char		*why;		/* H_WRITE: the refusal (owned) */
};

struct sftp_buf {
	unsigned char	*p;
	size_t		 off, len, cap;	/* unsent bytes are [off, len) */
};

struct sftp {
	int			 root;
	int			 inited;
	int64_t			 max_bytes, quota_bytes;
	/* Bytes of the creator's files outside this session's uploads in
	 * progress, as of the last measure (usage_measure). */
	int64_t			 usage_base;
	/* Bytes this session's uploads grew by since that measure. */
	int64_t			 grown;
	/* Files and folders in the creator's folder at that measure. */
	int64_t			 entries;
	/* Over this session's open uploads: the sum of their sizes. A
	 * temporary counts in full, also when it will replace a file: until
	 * the rename the disk holds both (and the file it would replace may
	 * be renamed or removed meanwhile). */
	int64_t			 pending;
	char			 handle[UPLOAD_NAME_MAX + 1];
	char			 lang[3];
	struct sftp_handle	 h[SFTP_HANDLES];
	struct sftp_buf		 out;
	size_t			 reply_at;	/* start of the reply in build */
};

/* A request being read; err is set on the first short field. */
struct sftp_rd {
	const unsigned char	*p;
	size_t			 len, off;
	int			 err;
};

/* What a request comes with: its id and the resolved path(s). */
struct sftp_req {
	uint32_t	 id;
	struct sftp_rd	 rd;
};

/* --- reading requests ------------------------------------------------ */

static uint32_t
rd_u32(struct sftp_rd *r)
{
	const unsigned char *p = r->p + r->off;

	if (r->err || r->len - r->off < 4) {
		r->err = 1;
		return 0;
	}
	r->off += 4;
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3];
}

static uint64_t
rd_u64(struct sftp_rd *r)
{
	uint64_t hi = rd_u32(r);

	return hi << 32 | rd_u32(r);
}

/* A string: *n bytes at the returned pointer (not NUL-terminated). */
static const char *
rd_str(struct sftp_rd *r, size_t *n)
{
	uint32_t l = rd_u32(r);
	const char *s = (const char *)r->p + r->off;

	if (r->err || r->len - r->off < l) {
		r->err = 1;
		*n = 0;
		return "";
	}
	r->off += l;
	*n = l;
	return s;
}

/* The attributes a client sends; only the times are kept. */
struct sftp_attrs {
	uint32_t	 flags;
	uint64_t	 size;
	uint32_t	 atime, mtime;
};

static void
rd_attrs(struct sftp_rd *r, struct sftp_attrs *a)
{
	uint32_t i, n;
	size_t l;

	memset(a, 0, sizeof *a);
	a->flags = rd_u32(r);
	if (a->flags & ATTR_SIZE)
		a->size = rd_u64(r);
	if (a->flags & ATTR_UIDGID) {
		rd_u32(r);
		rd_u32(r);
	}
	if (a->flags & ATTR_PERM)
		rd_u32(r);
	if (a->flags & ATTR_TIME) {
		a->atime = rd_u32(r);
		a->mtime = rd_u32(r);
	}
	if (a->flags & ATTR_EXT) {
		n = rd_u32(r);
		for (i = 0; i < n && !r->err; i++) {
			rd_str(r, &l);
			rd_str(r, &l);
		}
	}
}

/* --- writing replies ------------------------------------------------- */

/* Room for n more bytes; offsets into the buffer stay valid. */
static void
buf_need(struct sftp_buf *b, size_t n)
{
	if (b->cap - b->len >= n)
		return;
	b->cap = b->len + n > 2 * b->cap ? b->len + n : 2 * b->cap;
	b->p = xrealloc(b->p, b->cap);
}

/* Drops what was sent, between replies only (moves the offsets). */
static void
buf_compact(struct sftp_buf *b)
{
	if (b->off == 0)
		return;
	if (b->off == b->len) {
		b->off = b->len = 0;
	} else if (b->off >= b->len / 2) {
		memmove(b->p, b->p + b->off, b->len - b->off);
		b->len -= b->off;
		b->off = 0;
	}
}

static void
wr_bytes(struct sftp *s, const void *p, size_t n)
{
	buf_need(&s->out, n);
	memcpy(s->out.p + s->out.len, p, n);
	s->out.len += n;
}

static void
wr_u32(struct sftp *s, uint32_t v)
{
	unsigned char b[4] = { v >> 24, v >> 16, v >> 8, v };

	wr_bytes(s, b, 4);
}

static void
wr_u64(struct sftp *s, uint64_t v)
{
	wr_u32(s, (uint32_t)(v >> 32));
	wr_u32(s, (uint32_t)v);
}

static void
wr_str(struct sftp *s, const void *p, size_t n)
{
	wr_u32(s, (uint32_t)n);
	wr_bytes(s, p, n);
}

static void
wr_cstr(struct sftp *s, const char *p)
{
	wr_str(s, p, strlen(p));
}

/* Starts a reply: the length is filled in by reply_end. */
static void
reply_begin(struct sftp *s, int type, uint32_t id, int with_id)
{
	unsigned char t = (unsigned char)type;

	buf_compact(&s->out);
	buf_need(&s->out, 9);
	s->reply_at = s->out.len;
	wr_u32(s, 0);
	wr_bytes(s, &t, 1);
	if (with_id)
		wr_u32(s, id);
}

static void
reply_end(struct sftp *s)
{
	size_t n = s->out.len - s->reply_at - 4;
	unsigned char *p = s->out.p + s->reply_at;

	p[0] = (unsigned char)(n >> 24);
	p[1] = (unsigned char)(n >> 16);
	p[2] = (unsigned char)(n >> 8);
	p[3] = (unsigned char)n;
}

static void
reply_status(struct sftp *s, uint32_t id, uint32_t code, const char *msg)
{
	static const char *const text[] = {
		"Success", "End of file", "No such file", "Permission denied",
		"Failure", "Bad message", "No connection", "Connection lost",
		"Operation unsupported",
	};

	if (msg == NULL)
		msg = code < sizeof text / sizeof text[0] ? text[code] :
		    "Failure";
	reply_begin(s, FXP_STATUS, id, 1);
	wr_u32(s, code);
	wr_cstr(s, msg);
	wr_cstr(s, "en");
	reply_end(s);
}

/* The status for a failed system call's errno. */
static uint32_t
errno_status(int e)
{
	switch (e) {
	case ENOENT:
	case ENOTDIR:
		return FX_NO_SUCH_FILE;
	case ELOOP:		/* O_NOFOLLOW met a symlink */
	case EACCES:
	case EPERM:
	case EXDEV:
	case ENXIO:
	case ENODEV:
		return FX_PERMISSION_DENIED;
	default:
		return FX_FAILURE;
	}
}

static void
reply_errno(struct sftp *s, uint32_t id, int e)
{
	const char *msg = NULL;

	if (e == EEXIST)
		msg = "File exists";
	else if (e == ENOTEMPTY)
		msg = "Folder not empty";
	else if (e == EISDIR)
		msg = "Is a folder";
	else if (e == ENOSPC || e == EDQUOT)
		msg = "No space left on the server";
	else if (e == ELOOP)
		msg = "Symbolic links are not followed";
	reply_status(s, id, errno_status(e), msg);
}

static void
wr_attrs(struct sftp *s, const struct stat *sb)
{
	wr_u32(s, ATTR_SIZE | ATTR_UIDGID | ATTR_PERM | ATTR_TIME);
	wr_u64(s, (uint64_t)sb->st_size);
	wr_u32(s, (uint32_t)sb->st_uid);
	wr_u32(s, (uint32_t)sb->st_gid);
	wr_u32(s, (uint32_t)sb->st_mode);
	wr_u32(s, (uint32_t)sb->st_atime);
	wr_u32(s, (uint32_t)sb->st_mtime);
}

/* `ls -l` style line for READDIR (clients print it as is). */
static void
wr_longname(struct sftp *s, const char *name, const struct stat *sb)
{
	char line[UPLOAD_NAME_MAX + 128], perm[11], when[16];
	static const char rwx[] = "rwxrwxrwx";
	struct tm tm;
	time_t t = sb->st_mtime;
	int i, n;

	perm[0] = S_ISDIR(sb->st_mode) ? 'd' : S_ISLNK(sb->st_mode) ? 'l' :
	    S_ISREG(sb->st_mode) ? '-' : '?';
	for (i = 0; i < 9; i++)
		perm[i + 1] = sb->st_mode & (0400 >> i) ? rwx[i] : '-';
	perm[10] = '\0';
	gmtime_r(&t, &tm);
	strftime(when, sizeof when, "%b %e %H:%M", &tm);
	n = snprintf(line, sizeof line, "%s %3u %-8s %-8s %12lld %s %s", perm,
	    (unsigned)sb->st_nlink, s->handle, s->handle,
	    (long long)sb->st_size, when, name);
	wr_str(s, line, n > 0 && (size_t)n < sizeof line ? (size_t)n :
	    strlen(line));
}

/* --- handles ------------------------------------------------------- */

/* A free slot's index, or -1 when SFTP_HANDLES are open. */
static int
handle_new(struct sftp *s)
{
	int i;

	for (i = 0; i < SFTP_HANDLES; i++)
		if (s->h[i].kind == H_FREE) {
			s->h[i].gen++;
			s->h[i].fd = -1;
			s->h[i].dirfd = -1;
			return i;
		}
	return -1;
}

static void
reply_handle(struct sftp *s, uint32_t id, int i)
{
	reply_begin(s, FXP_HANDLE, id, 1);
	wr_u32(s, 8);
	wr_u32(s, (uint32_t)i);
	wr_u32(s, s->h[i].gen);
	reply_end(s);
}

/* The handle a request names, or NULL (stale, forged, closed). */
static struct sftp_handle *
handle_get(struct sftp *s, struct sftp_rd *r)
{
	struct sftp_rd hr;
	uint32_t i, gen;
	size_t n;

	hr.p = (const unsigned char *)rd_str(r, &n);
	hr.len = n;
	hr.off = 0;
	hr.err = n != 8;
	i = rd_u32(&hr);
	gen = rd_u32(&hr);
	if (r->err || hr.err || i >= SFTP_HANDLES ||
	    s->h[i].kind == H_FREE || s->h[i].gen != gen)
		return NULL;
	return &s->h[i];
}

/* Removes an upload's temporary and closes its files. */
static void
put_abandon(struct sftp *s, struct sftp_handle *h)
{
	if (h->fd >= 0) {
		close(h->fd);
		h->fd = -1;
	}
	if (h->dirfd >= 0 && h->tmp[0] != '\0')
		unlinkat(h->dirfd, h->tmp, 0);
	h->tmp[0] = '\0';
	if (!h->failed)
		s->pending -= h->size;
	h->failed = 1;
}

/* Frees a handle slot (its files closed, any temporary removed). */
static void
handle_free(struct sftp *s, struct sftp_handle *h)
{
	if (h->kind == H_WRITE)
		put_abandon(s, h);
	if (h->dir != NULL)
		closedir(h->dir);
	if (h->fd >= 0)
		close(h->fd);
	if (h->dirfd >= 0)
		close(h->dirfd);
	free(h->why);
	h->why = NULL;
	h->dir = NULL;
	h->fd = h->dirfd = -1;
	h->failed = h->append = 0;
	h->size = 0;
	h->kind = H_FREE;
}

/* --- the jail -------------------------------------------------------- */

/*
 * Reads a path field and resolves it into out (*depth as
 * sftp_path_resolve). NY_OK, or NY_EINVAL after replying the refusal
 * (the caller answers nothing more).
 */
static enum ny_err
req_path(struct sftp *s, struct sftp_req *q, char *out, int *depth)
{
	size_t n;
	const char *p = rd_str(&q->rd, &n);

	if (q->rd.err) {
		reply_status(s, q->id, FX_BAD_MESSAGE, NULL);
		return NY_EINVAL;
	}
	switch (sftp_path_resolve(p, n, out, depth)) {
	case SFTP_PATH_OK:
		return NY_OK;
	case SFTP_PATH_BADNAME:
		reply_status(s, q->id, FX_PERMISSION_DENIED, "Names may not "
		    "start with '.', hold control characters or exceed 255 "
		    "bytes");
		return NY_EINVAL;
	default:
		reply_status(s, q->id, FX_PERMISSION_DENIED, "Path too long "
		    "or too deep");
		return NY_EINVAL;
	}
}

/*
 * Opens the folder holding path's last component, one folder at a time
 * from the root with O_NOFOLLOW. Returns the folder's descriptor (the
 * caller closes it) or -1 with errno set (ELOOP for a symlink on the
 * way, ENOENT/ENOTDIR for a missing folder or a file in the way).
 */
static int
jail_parent(struct sftp *s, const char *path)
{
	char part[UPLOAD_NAME_MAX + 1];
	const char *slash;
	struct stat sb;
	int cur, next, e;

	if ((cur = openat(s->root, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC))
	    < 0)
		return -1;
	while ((slash = strchr(path, '/')) != NULL) {
		memcpy(part, path, (size_t)(slash - path));
		part[slash - path] = '\0';
		next = openat(cur, part, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
		    O_CLOEXEC);
		e = errno;
		if (next < 0 && fstatat(cur, part, &sb, AT_SYMLINK_NOFOLLOW)
		    == 0 && S_ISLNK(sb.st_mode))
			e = ELOOP;	/* say "symlink", not "not a folder" */
		close(cur);
		if (next < 0) {
			errno = e;
			return -1;
		}
		cur = next;
		path = slash + 1;
	}
	return cur;
}

/* lstat of a resolved path ("" is the root). 0 or -1 with errno. */
static int
jail_lstat(struct sftp *s, const char *path, struct stat *sb)
{
	int dfd, rc, e;

	if (path[0] == '\0')
		return fstat(s->root, sb);
	if ((dfd = jail_parent(s, path)) < 0)
		return -1;
	rc = fstatat(dfd, sftp_path_leaf(path), sb, AT_SYMLINK_NOFOLLOW);
	e = errno;
	close(dfd);
	errno = e;
	return rc;
}

/* Opens a resolved folder path ("" is the root) as O_DIRECTORY. */
static int
jail_opendir(struct sftp *s, const char *path)
{
	struct stat sb;
	int dfd, fd, e;

	if (path[0] == '\0')
		return openat(s->root, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if ((dfd = jail_parent(s, path)) < 0)
		return -1;
	fd = openat(dfd, sftp_path_leaf(path), O_RDONLY | O_DIRECTORY |
	    O_NOFOLLOW | O_CLOEXEC);
	e = errno;
	if (fd < 0 && fstatat(dfd, sftp_path_leaf(path), &sb,
	    AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(sb.st_mode))
		e = ELOOP;
	close(dfd);
	errno = e;
	return fd;
}

/* --- limits ---------------------------------------------------------- */

/* The creator's language's text for key with one value (caller frees). */
static char *
sftp_text(struct sftp *s, const char *key, const char *name, int64_t v)
{
	char num[24];

	snprintf(num, sizeof num, "%lld", (long long)v);
	return i18n_fmt(s->lang, key, name, num, NULL);
}

/* The refusals of a write-open: over the quota, too many entries. */
static void
reply_quota(struct sftp *s, uint32_t id)
{
	char *msg = sftp_text(s, "tui.sftp.quota", "mb", s->quota_bytes >> 20);

	reply_status(s, id, FX_FAILURE, msg);
	free(msg);
}

static void
reply_too_many(struct sftp *s, uint32_t id)
{
	char *msg = sftp_text(s, "tui.sftp.entries", "n", UPLOAD_ENTRIES_MAX);

	reply_status(s, id, FX_FAILURE, msg);
	free(msg);
}

static void
log_upload(struct sftp *s, struct sftp_handle *h, const char *what,
    const char *why)
{
	char qh[LOG_QUOTE_LEN], qn[LOG_QUOTE_LEN];

	if (why != NULL)
		log_warn(what, "handle=%s name=%s bytes=%lld why=%s",
		    log_quote(s->handle, qh, sizeof qh),
		    log_quote(h->path, qn, sizeof qn), (long long)h->size, why);
	else
		log_info(what, "handle=%s name=%s bytes=%lld",
		    log_quote(s->handle, qh, sizeof qh),
		    log_quote(h->path, qn, sizeof qn), (long long)h->size);
}

/*
 * Refuses an upload for good: the temporary goes at once, and this and
 * every later WRITE or CLOSE on the handle answer msg (taken).
 */
static void
put_refuse(struct sftp *s, struct sftp_handle *h, uint32_t id, char *msg,
    const char *why)
{
	log_upload(s, h, "sftp upload refused", why);
	put_abandon(s, h);
	free(h->why);
	h->why = msg;
	reply_status(s, id, FX_FAILURE, msg);
}

/*
 * Measures the creator's folder again: usage_base becomes what is there
 * (every upload in progress included, this session's and others') minus
 * this session's own uploads in progress, which `pending` counts. NY_OK,
 * or upload_usage_at's error when the folder cannot be read (nothing
 * changed then).
 */
static enum ny_err
usage_measure(struct sftp *s)
{
	int64_t usage = 0;
	enum ny_err err;
	int i;

	if ((err = upload_usage_at(s->root, &usage, &s->entries)) != NY_OK)
		return err;
	s->usage_base = usage;
	for (i = 0; i < SFTP_HANDLES; i++)
		if (s->h[i].kind == H_WRITE && !s->h[i].failed)
			s->usage_base -= s->h[i].size;
	s->grown = 0;
	return NY_OK;
}

/*
 * NY_OK when writing len bytes at off keeps the file within max_bytes
 * and the creator within the quota (*newsize: the file's size after);
 * else refuses the upload (put_refuse, replied) and returns NY_ELIMIT,
 * or NY_EIO when the usage could not be measured again. off + len, not
 * the bytes written, is what counts: a sparse file at an absurd offset
 * is as big as it says.
 */
static enum ny_err
put_within(struct sftp *s, struct sftp_handle *h, uint32_t id,
    uint64_t off, uint64_t len, int64_t *newsize)
{
	uint64_t max = (uint64_t)s->max_bytes, end;

	if (off > max || len > max - off) {
		put_refuse(s, h, id, sftp_text(s, "tui.sftp.too_big", "mb",
		    s->max_bytes >> 20), "max_size");
		return NY_ELIMIT;
	}
	end = off + len;
	*newsize = (int64_t)end > h->size ? (int64_t)end : h->size;
	/* Other sessions of the creator upload too: see SFTP_REMEASURE. */
	s->grown += *newsize - h->size;
	if (s->grown > SFTP_REMEASURE && usage_measure(s) != NY_OK) {
		put_refuse(s, h, id, xstrdup("io error"), "\"io error\"");
		return NY_EIO;
	}
	if (s->usage_base + s->pending + (*newsize - h->size) >
	    s->quota_bytes) {
		put_refuse(s, h, id, sftp_text(s, "tui.sftp.quota", "mb",
		    s->quota_bytes >> 20), "quota");
		return NY_ELIMIT;
	}
	return NY_OK;
}

/* --- operations ------------------------------------------------------ */

static void
op_init(struct sftp *s, struct sftp_rd *r)
{
	(void)rd_u32(r);	/* the client's version: we speak 3 */
	s->inited = 1;
	reply_begin(s, FXP_VERSION, 0, 0);
	wr_u32(s, 3);
	wr_cstr(s, "limits@openssh.com");
	wr_cstr(s, "1");
	reply_end(s);
}

/* Copies the existing file src into the new temporary dst (resume). */
static int
copy_into(int src, int dst, int64_t size)
{
	char buf[65536];
	ssize_t n;
	loff_t in = 0, outoff = 0;

	while (in < size) {
		n = copy_file_range(src, &in, dst, &outoff,
		    (size_t)(size - in), 0);
		if (n > 0)
			continue;
		if (n == 0)
			break;
		if (errno != EXDEV && errno != ENOSYS && errno != EINVAL &&
		    errno != EOPNOTSUPP)
			return -1;
		/* no kernel copy here: plain reads and writes */
		while ((n = pread(src, buf, sizeof buf, in)) > 0) {
			if (pwrite(dst, buf, (size_t)n, in) != n)
				return -1;
			in += n;
		}
		return n < 0 ? -1 : 0;
	}
	return 0;
}

/*
 * Fills h's temporary from the file it replaces when the client did not
 * ask for TRUNC (reput / append). The source must be a regular file with
 * one link, opened without following a symlink.
 */
static int
put_seed(struct sftp_handle *h, const char *leaf, const struct stat *old)
{
	struct stat sb;
	int fd, rc;

	fd = openat(h->dirfd, leaf, O_RDONLY | O_NOFOLLOW | O_NONBLOCK |
	    O_CLOEXEC);
	if (fd < 0)
		return -1;
	if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode) || sb.st_nlink != 1 ||
	    sb.st_ino != old->st_ino) {
		close(fd);
		errno = EPERM;
		return -1;
	}
	rc = copy_into(fd, h->fd, sb.st_size);
	close(fd);
	h->size = sb.st_size;
	return rc;
}

/* 1 when another open upload in this session writes dirfd/leaf. */
static int
put_busy(struct sftp *s, struct sftp_handle *self, const char *path)
{
	int i;

	for (i = 0; i < SFTP_HANDLES; i++)
		if (&s->h[i] != self && s->h[i].kind == H_WRITE &&
		    !s->h[i].failed && strcmp(s->h[i].path, path) == 0)
			return 1;
	return 0;
}

/* Makes the temporary and sets up the accounting. errno on -1. */
static int
put_start(struct sftp *s, struct sftp_handle *h, const char *leaf,
    uint32_t pflags, const struct stat *old)
{
	unsigned char rnd[8];
	int64_t seed;
	int i;

	randombytes_buf(rnd, sizeof rnd);
	memcpy(h->tmp, UPLOAD_TMP_PREFIX, sizeof UPLOAD_TMP_PREFIX - 1);
	for (i = 0; i < 8; i++)
		snprintf(h->tmp + sizeof UPLOAD_TMP_PREFIX - 1 + 2 * i, 3,
		    "%02x", rnd[i]);
	h->fd = openat(h->dirfd, h->tmp, O_WRONLY | O_CREAT | O_EXCL |
	    O_NOFOLLOW | O_CLOEXEC, SFTP_FILE_MODE);
	if (h->fd < 0) {
		h->tmp[0] = '\0';
		return -1;
	}
	h->kind = H_WRITE;
	h->failed = 1;	/* not counted in pending until below */
	if (fchmod(h->fd, SFTP_FILE_MODE) != 0)
		return -1;
	/* usage counts the other uploads' temporaries as they are */
	if (usage_measure(s) != NY_OK) {
		errno = EIO;
		return -1;
	}
	/* Resuming (reput) copies the file first: that copy counts too. */
	seed = old != NULL && !(pflags & FXF_TRUNC) ? old->st_size : 0;
	if (s->entries >= UPLOAD_ENTRIES_MAX) {
		errno = EMLINK;
		return -1;
	}
	if (s->usage_base + s->pending + seed > s->quota_bytes) {
		errno = EDQUOT;
		return -1;
	}
	if (seed > 0 && put_seed(h, leaf, old) != 0)
		return -1;
	h->append = (pflags & FXF_APPEND) != 0;
	h->failed = 0;
	s->pending += h->size;
	return 0;
}

static void
open_write(struct sftp *s, uint32_t id, int i, int dfd, const char *path,
    uint32_t pflags)
{
	struct sftp_handle *h = &s->h[i];
	const char *leaf = sftp_path_leaf(path);
	struct stat sb;
	int exists;

	exists = fstatat(dfd, leaf, &sb, AT_SYMLINK_NOFOLLOW) == 0;
	if (exists && S_ISLNK(sb.st_mode)) {
		close(dfd);
		reply_errno(s, id, ELOOP);
		return;
	}
	if (exists && (!S_ISREG(sb.st_mode) || sb.st_nlink != 1)) {
		close(dfd);
		reply_errno(s, id, S_ISDIR(sb.st_mode) ? EISDIR : EPERM);
		return;
	}
	if (exists ? (pflags & FXF_EXCL) != 0 : !(pflags & FXF_CREAT)) {
		close(dfd);
		reply_errno(s, id, exists ? EEXIST : ENOENT);
		return;
	}
	if (put_busy(s, h, path)) {
		close(dfd);
		reply_status(s, id, FX_FAILURE, "Already being uploaded");
		return;
	}
	h->dirfd = dfd;
	snprintf(h->path, sizeof h->path, "%s", path);
	if (put_start(s, h, leaf, pflags, exists ? &sb : NULL) != 0) {
		int e = errno;

		handle_free(s, h);
		if (e == EMLINK)
			reply_too_many(s, id);
		else if (e == EDQUOT)
			reply_quota(s, id);
		else
			reply_errno(s, id, e);
		return;
	}
	reply_handle(s, id, i);
}

static void
open_read(struct sftp *s, uint32_t id, int i, int dfd, const char *leaf)
{
	struct sftp_handle *h = &s->h[i];
	struct stat sb;
	int fd, e;

	fd = openat(dfd, leaf, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY |
	    O_CLOEXEC);
	e = errno;
	close(dfd);
	if (fd < 0) {
		reply_errno(s, id, e);
		return;
	}
	if (fstat(fd, &sb) != 0) {
		close(fd);
		reply_errno(s, id, EIO);
		return;
	}
	if (!S_ISREG(sb.st_mode) || sb.st_nlink != 1) {
		/* a folder, a FIFO, a device, a hard link: not readable */
		close(fd);
		reply_errno(s, id, S_ISDIR(sb.st_mode) ? EISDIR : EPERM);
		return;
	}
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
	h->kind = H_READ;
	h->fd = fd;
	reply_handle(s, id, i);
}

static void
op_open(struct sftp *s, struct sftp_req *q)
{
	char path[UPLOAD_PATH_MAX + 1];
	struct sftp_attrs a;
	uint32_t pflags;
	int i, dfd;

	if (req_path(s, q, path, NULL) != NY_OK)
		return;
	pflags = rd_u32(&q->rd);
	rd_attrs(&q->rd, &a);	/* modes are ours: 0640 */
	if (q->rd.err) {
		reply_status(s, q->id, FX_BAD_MESSAGE, NULL);
		return;
	}
	if (path[0] == '\0') {
		reply_errno(s, q->id, EISDIR);
		return;
	}
	if ((pflags & (FXF_READ | FXF_WRITE)) == (FXF_READ | FXF_WRITE)) {
		reply_status(s, q->id, FX_OP_UNSUPPORTED,
		    "Open for reading or for writing, not both");
		return;
	}
	if ((i = handle_new(s)) < 0) {
		reply_status(s, q->id, FX_FAILURE, "Too many open files");
		return;
	}
	snprintf(s->h[i].path, sizeof s->h[i].path, "%s", path);
	if ((dfd = jail_parent(s, path)) < 0) {
		reply_errno(s, q->id, errno);
		return;
	}
	if (pflags & (FXF_WRITE | FXF_APPEND | FXF_CREAT | FXF_TRUNC))
		open_write(s, q->id, i, dfd, path, pflags);
	else
		open_read(s, q->id, i, dfd, sftp_path_leaf(path));
}

/* Completes an upload: fsync, rename over the real name, fsync folder. */
static void
put_finish(struct sftp *s, struct sftp_handle *h, uint32_t id)
{
	const char *leaf = sftp_path_leaf(h->path);
	struct stat old;
	int64_t replaced = 0;
	int e;

	/* The file this one replaces leaves the usage with the rename. */
	if (fstatat(h->dirfd, leaf, &old, AT_SYMLINK_NOFOLLOW) == 0 &&
	    S_ISREG(old.st_mode))
		replaced = old.st_size;
	if (fsync(h->fd) != 0 || renameat(h->dirfd, h->tmp, h->dirfd, leaf)
	    != 0) {
		e = errno;
		log_upload(s, h, "sftp upload refused", "\"io error\"");
		handle_free(s, h);
		reply_errno(s, id, e);
		return;
	}
	h->tmp[0] = '\0';	/* renamed: nothing to remove */
	fsync(h->dirfd);
	s->pending -= h->size;
	s->usage_base += h->size - replaced;
	h->failed = 1;	/* no longer counted in pending */
	log_upload(s, h, "sftp upload", NULL);
	handle_free(s, h);
	reply_status(s, id, FX_OK, NULL);
}

static void
op_close(struct sftp *s, struct sftp_req *q)
{
	struct sftp_handle *h = handle_get(s, &q->rd);
	char *why;

	if (h == NULL) {
		reply_status(s, q->id, FX_FAILURE, "Invalid handle");
		return;
	}
	if (h->kind == H_WRITE && h->failed) {
		why = h->why;
		h->why = NULL;
		handle_free(s, h);
		reply_status(s, q->id, FX_FAILURE, why ? why : "Upload failed");
		free(why);
		return;
	}
	if (h->kind == H_WRITE) {
		put_finish(s, h, q->id);
		return;
	}
	handle_free(s, h);
	reply_status(s, q->id, FX_OK, NULL);
}

static void
op_read(struct sftp *s, struct sftp_req *q)
{
	struct sftp_handle *h = handle_get(s, &q->rd);
	uint64_t off = rd_u64(&q->rd);
	uint32_t len = rd_u32(&q->rd);
	size_t at;
	ssize_t n;

	if (q->rd.err) {
		reply_status(s, q->id, FX_BAD_MESSAGE, NULL);
		return;
	}
	if (h == NULL || h->kind != H_READ) {
		reply_status(s, q->id, FX_FAILURE, "Invalid handle");
		return;
	}
	if (len > SFTP_READ_MAX)
		len = SFTP_READ_MAX;	/* a short read: clients ask again */
	if (off > INT64_MAX) {
		reply_status(s, q->id, FX_EOF, NULL);
		return;
	}
	reply_begin(s, FXP_DATA, q->id, 1);
	buf_need(&s->out, 4 + (size_t)len);
	at = s->out.len;
	do
		n = pread(h->fd, s->out.p + at + 4, len, (off_t)off);
	while (n < 0 && errno == EINTR);
	if (n <= 0) {
		int e = errno;

		s->out.len = s->reply_at;	/* drop the DATA started */
		if (n == 0)
			reply_status(s, q->id, FX_EOF, NULL);
		else
			reply_errno(s, q->id, e);
		return;
	}
	wr_u32(s, (uint32_t)n);
	s->out.len += (size_t)n;
	reply_end(s);
}

static void
op_write(struct sftp *s, struct sftp_req *q)
{
	struct sftp_handle *h = handle_get(s, &q->rd);
	uint64_t off = rd_u64(&q->rd);
	size_t len, done = 0;
	const char *data = rd_str(&q->rd, &len);
	int64_t newsize;
	ssize_t n;

	if (q->rd.err) {
		reply_status(s, q->id, FX_BAD_MESSAGE, NULL);
		return;
	}
	if (h == NULL || h->kind != H_WRITE) {
		reply_status(s, q->id, FX_FAILURE, "Invalid handle");
		return;
	}
	if (h->failed) {
		reply_status(s, q->id, FX_FAILURE, h->why ? h->why :
		    "Upload failed");
		return;
	}
	if (h->append)
		off = (uint64_t)h->size;
	if (put_within(s, h, q->id, off, len, &newsize) != NY_OK)
		return;
	while (done < len) {
		n = pwrite(h->fd, data + done, len - done,
		    (off_t)(off + done));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			put_refuse(s, h, q->id, xasprintf("%s",
			    errno == ENOSPC || errno == EDQUOT ?
			    "No space left on the server" : "Write failed"),
			    "\"io error\"");
			return;
		}
		done += (size_t)n;
	}
	s->pending += newsize - h->size;
	h->size = newsize;
	reply_status(s, q->id, FX_OK, NULL);
}

static void
reply_attrs(struct sftp *s, uint32_t id, const struct stat *sb)
{
	reply_begin(s, FXP_ATTRS, id, 1);
	wr_attrs(s, sb);
	reply_end(s);
}

/* STAT and LSTAT alike: never follows a symlink (shows the link). */
static void
op_stat(struct sftp *s, struct sftp_req *q)
{
	char path[UPLOAD_PATH_MAX + 1];
	struct stat sb;

	if (req_path(s, q, path, NULL) != NY_OK)
		return;
	if (jail_lstat(s, path, &sb) != 0)
		reply_errno(s, q->id, errno);
	else
		reply_attrs(s, q->id, &sb);
}

static void
op_fstat(struct sftp *s, struct sftp_req *q)
{
	struct sftp_handle *h = handle_get(s, &q->rd);
	struct stat sb;
	int fd;

	if (h == NULL || (h->kind == H_WRITE && h->failed)) {
		reply_status(s, q->id, FX_FAILURE, "Invalid handle");
		return;
	}
	fd = h->kind == H_DIR ? dirfd(h->dir) : h->fd;
	if (fstat(fd, &sb) != 0) {
		reply_errno(s, q->id, errno);
		return;
	}
	if (h->kind == H_WRITE)
		sb.st_size = h->size;
	reply_attrs(s, q->id, &sb);
}

/* Applies the times (scp -p, put -p); modes and owners stay ours. */
static int
apply_times(int dfd, const char *leaf, int fd, const struct sftp_attrs *a)
{
	struct timespec ts[2];

	if (!(a->flags & ATTR_TIME))
		return 0;
	ts[0].tv_sec = a->atime;
	ts[1].tv_sec = a->mtime;
	ts[0].tv_nsec = ts[1].tv_nsec = 0;
	return fd >= 0 ? futimens(fd, ts) :
	    utimensat(dfd, leaf, ts, AT_SYMLINK_NOFOLLOW);
}

static void
op_setstat(struct sftp *s, struct sftp_req *q)
{
	char path[UPLOAD_PATH_MAX + 1];
	struct sftp_attrs a;
	int dfd, rc, e;

	if (req_path(s, q, path, NULL) != NY_OK)
		return;
	rd_attrs(&q->rd, &a);
	if (q->rd.err || (a.flags & ATTR_SIZE)) {
		reply_status(s, q->id, q->rd.err ? FX_BAD_MESSAGE :
		    FX_OP_UNSUPPORTED, q->rd.err ? NULL :
		    "Sizes change only by uploading");
		return;
	}
	if (path[0] == '\0') {
		rc = apply_times(s->root, ".", -1, &a);
		e = errno;
	} else if ((dfd = jail_parent(s, path)) < 0) {
		rc = -1;
		e = errno;
	} else {
		rc = apply_times(dfd, sftp_path_leaf(path), -1, &a);
		e = errno;
		close(dfd);
	}
	if (rc != 0)
		reply_errno(s, q->id, e);
	else
		reply_status(s, q->id, FX_OK, NULL);
}

/*
 * Sets an upload's size (within the limits). NY_OK, or an error after
 * the upload was refused (replied): put_within's, or NY_EIO when the
 * file could not be resized.
 */
static enum ny_err
put_resize(struct sftp *s, struct sftp_handle *h, uint32_t id,
    uint64_t size)
{
	enum ny_err err;
	int64_t ns;

	if ((err = put_within(s, h, id, size, 0, &ns)) != NY_OK)
		return err;
	if (ftruncate(h->fd, (off_t)size) != 0) {
		put_refuse(s, h, id, xasprintf("%s", "Write failed"),
		    "\"io error\"");
		return NY_EIO;
	}
	s->pending += (int64_t)size - h->size;
	h->size = (int64_t)size;
	return NY_OK;
}

static void
op_fsetstat(struct sftp *s, struct sftp_req *q)
{
	struct sftp_handle *h = handle_get(s, &q->rd);
	struct sftp_attrs a;

	rd_attrs(&q->rd, &a);
	if (h == NULL || q->rd.err) {
		reply_status(s, q->id, FX_FAILURE, "Invalid handle");
		return;
	}
	if (h->kind == H_WRITE && h->failed) {
		reply_status(s, q->id, FX_FAILURE, h->why ? h->why :
		    "Upload failed");
		return;
	}
	if ((a.flags & ATTR_SIZE) && h->kind != H_WRITE) {
		reply_status(s, q->id, FX_OP_UNSUPPORTED,
		    "Sizes change only by uploading");
		return;
	}
	/* OpenSSH's put and scp end with the size they wrote (a shorter
	 * file replaced in place): on our temporary that is harmless. */
	if ((a.flags & ATTR_SIZE) && put_resize(s, h, q->id, a.size) != NY_OK)
		return;
	if (h->kind == H_WRITE && apply_times(-1, "", h->fd, &a) != 0) {
		reply_errno(s, q->id, errno);
		return;
	}
	/* read-only and folder handles: nothing of theirs changes */
	reply_status(s, q->id, FX_OK, NULL);
}

static void
op_opendir(struct sftp *s, struct sftp_req *q)
{
	char path[UPLOAD_PATH_MAX + 1];
	int i, fd;

	if (req_path(s, q, path, NULL) != NY_OK)
		return;
	if ((i = handle_new(s)) < 0) {
		reply_status(s, q->id, FX_FAILURE, "Too many open files");
		return;
	}
	if ((fd = jail_opendir(s, path)) < 0) {
		reply_errno(s, q->id, errno);
		return;
	}
	if ((s->h[i].dir = fdopendir(fd)) == NULL) {
		close(fd);
		reply_errno(s, q->id, EIO);
		return;
	}
	s->h[i].kind = H_DIR;
	reply_handle(s, q->id, i);
}

/* The next name a client may see (hidden and odd names are skipped). */
static struct dirent *
dir_next(DIR *d)
{
	struct dirent *de;

	while ((de = readdir(d)) != NULL)
		if (upload_name_ok(de->d_name))
			return de;
	return NULL;
}

static void
op_readdir(struct sftp *s, struct sftp_req *q)
{
	struct sftp_handle *h = handle_get(s, &q->rd);
	struct dirent *de;
	struct stat sb;
	size_t countat;
	uint32_t n = 0;
	unsigned char *p;

	if (h == NULL || h->kind != H_DIR) {
		reply_status(s, q->id, FX_FAILURE, "Invalid handle");
		return;
	}
	reply_begin(s, FXP_NAME, q->id, 1);
	countat = s->out.len;
	wr_u32(s, 0);
	while (n < SFTP_DIR_BATCH && (de = dir_next(h->dir)) != NULL) {
		if (fstatat(dirfd(h->dir), de->d_name, &sb,
		    AT_SYMLINK_NOFOLLOW) != 0)
			continue;	/* gone meanwhile */
		wr_cstr(s, de->d_name);
		wr_longname(s, de->d_name, &sb);
		wr_attrs(s, &sb);
		n++;
	}
	if (n == 0) {
		s->out.len = s->reply_at;
		reply_status(s, q->id, FX_EOF, NULL);
		return;
	}
	p = s->out.p + countat;
	p[0] = (unsigned char)(n >> 24);
	p[1] = (unsigned char)(n >> 16);
	p[2] = (unsigned char)(n >> 8);
	p[3] = (unsigned char)n;
	reply_end(s);
}

/* REMOVE, MKDIR, RMDIR: one *at() call on the parent folder. */
static void
op_name(struct sftp *s, struct sftp_req *q, int type)
{
	char path[UPLOAD_PATH_MAX + 1];
	struct sftp_attrs a;
	const char *leaf;
	struct stat sb;
	int dfd, depth = 0, rc, e, fd;

	if (req_path(s, q, path, &depth) != NY_OK)
		return;
	if (type == FXP_MKDIR)
		rd_attrs(&q->rd, &a);	/* modes are ours: 0750 */
	if (path[0] == '\0') {
		reply_status(s, q->id, FX_PERMISSION_DENIED,
		    "The top folder stays");
		return;
	}
	if (type == FXP_MKDIR && depth > UPLOAD_DEPTH_MAX) {
		reply_status(s, q->id, FX_PERMISSION_DENIED, "Too deep");
		return;
	}
	if (type == FXP_MKDIR && (usage_measure(s) != NY_OK ||
	    s->entries >= UPLOAD_ENTRIES_MAX)) {
		reply_too_many(s, q->id);
		return;
	}
	if ((dfd = jail_parent(s, path)) < 0) {
		reply_errno(s, q->id, errno);
		return;
	}
	leaf = sftp_path_leaf(path);
	if (type == FXP_REMOVE) {
		rc = fstatat(dfd, leaf, &sb, AT_SYMLINK_NOFOLLOW);
		if (rc == 0 && S_ISDIR(sb.st_mode)) {
			rc = -1;
			errno = EISDIR;
		} else if (rc == 0)
			rc = unlinkat(dfd, leaf, 0);
	} else if (type == FXP_RMDIR) {
		rc = unlinkat(dfd, leaf, AT_REMOVEDIR);
	} else if ((rc = mkdirat(dfd, leaf, SFTP_DIR_MODE)) == 0) {
		/* under umask 077 it is 0700: set our mode explicitly */
		fd = openat(dfd, leaf, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
		    O_CLOEXEC);
		if (fd >= 0) {
			fchmod(fd, SFTP_DIR_MODE);
			close(fd);
		}
	}
	e = errno;
	close(dfd);
	if (rc != 0)
		reply_errno(s, q->id, e == EEXIST && type == FXP_RMDIR ?
		    ENOTEMPTY : e);
	else
		reply_status(s, q->id, FX_OK, NULL);
}

/*
 * RENAME never replaces (v3 says renaming onto a file fails) and moves a
 * folder only at its own depth: moved deeper, what it holds could pass
 * UPLOAD_DEPTH_MAX, where nothing can be listed or opened.
 */
static void
op_rename(struct sftp *s, struct sftp_req *q)
{
	char from[UPLOAD_PATH_MAX + 1], to[UPLOAD_PATH_MAX + 1];
	int fd1, fd2 = -1, rc = -1, e, dfrom = 0, dto = 0;
	struct stat sb;

	if (req_path(s, q, from, &dfrom) != NY_OK ||
	    req_path(s, q, to, &dto) != NY_OK)
		return;
	if (from[0] == '\0' || to[0] == '\0') {
		reply_status(s, q->id, FX_PERMISSION_DENIED,
		    "The top folder stays");
		return;
	}
	if ((fd1 = jail_parent(s, from)) >= 0 &&
	    (fd2 = jail_parent(s, to)) >= 0) {
		if (dfrom != dto && fstatat(fd1, sftp_path_leaf(from), &sb,
		    AT_SYMLINK_NOFOLLOW) == 0 && S_ISDIR(sb.st_mode))
			errno = EXDEV;
		else
			rc = renameat2(fd1, sftp_path_leaf(from), fd2,
			    sftp_path_leaf(to), RENAME_NOREPLACE);
	}
	e = errno;
	if (fd1 >= 0)
		close(fd1);
	if (fd2 >= 0)
		close(fd2);
	if (rc != 0 && e == EXDEV)
		reply_status(s, q->id, FX_PERMISSION_DENIED,
		    "A folder keeps its depth: rename it in place");
	else if (rc != 0)
		reply_errno(s, q->id, e);
	else
		reply_status(s, q->id, FX_OK, NULL);
}

/* The lexical result as an absolute path; the file need not exist. */
static void
op_realpath(struct sftp *s, struct sftp_req *q)
{
	char path[UPLOAD_PATH_MAX + 1], abs[UPLOAD_PATH_MAX + 2];

	if (req_path(s, q, path, NULL) != NY_OK)
		return;
	snprintf(abs, sizeof abs, "/%s", path);
	reply_begin(s, FXP_NAME, q->id, 1);
	wr_u32(s, 1);
	wr_cstr(s, abs);
	wr_cstr(s, abs);
	wr_u32(s, 0);	/* no attributes */
	reply_end(s);
}

static void
op_extended(struct sftp *s, struct sftp_req *q)
{
	size_t n;
	const char *name = rd_str(&q->rd, &n);

	if (!q->rd.err && n == 18 && memcmp(name, "limits@openssh.com", 18)
	    == 0) {
		reply_begin(s, FXP_EXTENDED_REPLY, q->id, 1);
		wr_u64(s, SFTP_PACKET_MAX);
		wr_u64(s, SFTP_READ_MAX);
		wr_u64(s, SFTP_WRITE_MAX);
		wr_u64(s, SFTP_HANDLES);
		reply_end(s);
		return;
	}
	reply_status(s, q->id, FX_OP_UNSUPPORTED, NULL);
}

/* One complete request (type, then the rest of its bytes). */
static void
sftp_dispatch(struct sftp *s, int type, struct sftp_req *q)
{
	switch (type) {
	case FXP_OPEN:		op_open(s, q);			break;
	case FXP_CLOSE:		op_close(s, q);			break;
	case FXP_READ:		op_read(s, q);			break;
	case FXP_WRITE:		op_write(s, q);			break;
	case FXP_LSTAT:
	case FXP_STAT:		op_stat(s, q);			break;
	case FXP_FSTAT:		op_fstat(s, q);			break;
	case FXP_SETSTAT:	op_setstat(s, q);		break;
	case FXP_FSETSTAT:	op_fsetstat(s, q);		break;
	case FXP_OPENDIR:	op_opendir(s, q);		break;
	case FXP_READDIR:	op_readdir(s, q);		break;
	case FXP_REMOVE:
	case FXP_MKDIR:
	case FXP_RMDIR:		op_name(s, q, type);		break;
	case FXP_RENAME:	op_rename(s, q);		break;
	case FXP_REALPATH:	op_realpath(s, q);		break;
	case FXP_EXTENDED:	op_extended(s, q);		break;
	default:	/* READLINK, SYMLINK and anything newer */
		reply_status(s, q->id, FX_OP_UNSUPPORTED, NULL);
		break;
	}
}

/* --- the interface --------------------------------------------------- */

struct sftp *
sftp_new(int root, int64_t max_bytes, int64_t quota_bytes,
    const char *handle, const char *lang)
{
	struct sftp *s = xcalloc(1, sizeof *s);
	int i;

	s->root = root;
	s->max_bytes = max_bytes;
	s->quota_bytes = quota_bytes;
	snprintf(s->handle, sizeof s->handle, "%s", handle);
	snprintf(s->lang, sizeof s->lang, "%s", lang);
	for (i = 0; i < SFTP_HANDLES; i++)
		s->h[i].fd = s->h[i].dirfd = -1;
	return s;
}

/*
 * One request at data (n bytes after its length), answered (queued).
 * NY_EINVAL for what ends the session: a second INIT, a request before
 * INIT, a request too short to hold its id (nothing to answer).
 */
static enum ny_err
sftp_request(struct sftp *s, const unsigned char *data, size_t n)
{
	struct sftp_req q;
	int type = data[0];

	q.rd.p = data + 1;
	q.rd.len = n - 1;
	q.rd.off = 0;
	q.rd.err = 0;
	if (type == FXP_INIT) {
		if (s->inited)
			return NY_EINVAL;
		op_init(s, &q.rd);
		return NY_OK;
	}
	if (!s->inited)
		return NY_EINVAL;
	q.id = rd_u32(&q.rd);
	if (q.rd.err)
		return NY_EINVAL;	/* no id to answer */
	sftp_dispatch(s, type, &q);
	return NY_OK;
}

ssize_t
sftp_feed(struct sftp *s, const void *data, size_t len)
{
	const unsigned char *p = data;
	size_t used = 0;
	uint32_t n;

	while (!sftp_busy(s) && len - used >= 4) {
		n = (uint32_t)p[used] << 24 | (uint32_t)p[used + 1] << 16 |
		    (uint32_t)p[used + 2] << 8 | p[used + 3];
		if (n < 1 || n > SFTP_PACKET_MAX)
			return -1;
		if (len - used - 4 < n)
			break;
		if (sftp_request(s, p + used + 4, n) != NY_OK)
			return -1;
		used += 4 + (size_t)n;
	}
	return (ssize_t)used;
}

int
sftp_busy(const struct sftp *s)
{
	return s->out.len - s->out.off > SFTP_OUT_HIGH;
}

const void *
sftp_out(const struct sftp *s, size_t *len)
{
	*len = s->out.len - s->out.off;
	return s->out.p != NULL ? s->out.p + s->out.off : NULL;
}

void
sftp_out_done(struct sftp *s, size_t n)
{
	if (n > s->out.len - s->out.off)
		n = s->out.len - s->out.off;
	s->out.off += n;
}

void
sftp_free(struct sftp *s)
{
	int i;

	if (s == NULL)
		return;
	for (i = 0; i < SFTP_HANDLES; i++) {
		if (s->h[i].kind == H_WRITE && !s->h[i].failed)
			log_upload(s, &s->h[i], "sftp upload refused",
			    "\"unfinished\"");
		if (s->h[i].kind != H_FREE)
			handle_free(s, &s->h[i]);
	}
	if (s->root >= 0)
		close(s->root);
	free(s->out.p);
	free(s);
}

/* Removes temporaries below folder dfd (owned), depth folders down. */
static int
sweep_dir(int dfd, int depth)
{
	struct dirent *de;
	struct stat sb;
	DIR *d;
	int n = 0, sub;

	if ((d = fdopendir(dfd)) == NULL) {
		close(dfd);
		return 0;
	}
	while ((de = readdir(d)) != NULL) {
		if (fstatat(dirfd(d), de->d_name, &sb, AT_SYMLINK_NOFOLLOW) != 0)
			continue;
		if (strncmp(de->d_name, UPLOAD_TMP_PREFIX,
		    sizeof UPLOAD_TMP_PREFIX - 1) == 0 && !S_ISDIR(sb.st_mode)) {
			n += unlinkat(dirfd(d), de->d_name, 0) == 0;
			continue;
		}
		if (!S_ISDIR(sb.st_mode) || de->d_name[0] == '.' ||
		    depth >= UPLOAD_DEPTH_MAX + 1)
			continue;
		sub = openat(dirfd(d), de->d_name, O_RDONLY | O_DIRECTORY |
		    O_NOFOLLOW | O_CLOEXEC);
		if (sub >= 0)
			n += sweep_dir(sub, depth + 1);
	}
	closedir(d);
	return n;
}

int
sftp_sweep(const char *data_dir)
{
	int dd, up, n;

	if ((dd = open(data_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
		return 0;
	up = openat(dd, "uploads", O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
	    O_CLOEXEC);
	close(dd);
	if (up < 0)
		return 0;
	/* depth 0 is uploads/ itself: its folders are the creators' */
	n = sweep_dir(up, -1);
	if (n > 0)
		log_info("removed unfinished uploads", "count=%d", n);
	return n;
}

int
sftp_root_open(const char *data_dir, const char *handle)
{
	int dd, up, fd = -1, made;

	if (!upload_name_ok(handle))
		return -1;
	if ((dd = open(data_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
		return -1;
	up = openat(dd, "uploads", O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
	    O_CLOEXEC);
	close(dd);
	if (up < 0)
		return -1;
	made = mkdirat(up, handle, SFTP_DIR_MODE) == 0;
	if (made || errno == EEXIST)
		fd = openat(up, handle, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
		    O_CLOEXEC);
	if (fd >= 0 && made)
		fchmod(fd, SFTP_DIR_MODE);	/* umask 077 made it 0700 */
	close(up);
	return fd;
}
