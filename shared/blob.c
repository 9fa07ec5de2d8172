/*
 * blob.c: the content-addressed file store. See blob.h.
 *
 * The temporary file goes into files/ itself (same file system as the
 * final place, so rename is atomic); the digest is known only at the end,
 * then the blob is renamed to files/ab/cdef…. When the blob already
 * exists the temporary copy is simply removed: same digest, same bytes.
 */
#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "crypto.h"
#include "blob.h"

#define BLOB_CHUNK	(256 * 1024)
#define BLOB_TICK	((int64_t)4 << 20)	/* progress every 4 MiB */

static const struct {
	const char	*ext;
	const char	*mime;
} blob_mimes[] = {
	{ "pdf", "application/pdf" },
	{ "epub", "application/epub+zip" },
	{ "zip", "application/zip" },
	{ "txt", "text/plain; charset=utf-8" },
	{ "md", "text/markdown; charset=utf-8" },
	{ "csv", "text/csv; charset=utf-8" },
	{ "json", "application/json" },
	{ "png", "image/png" },
	{ "jpg", "image/jpeg" },
	{ "jpeg", "image/jpeg" },
	{ "gif", "image/gif" },
	{ "webp", "image/webp" },
	{ "mp3", "audio/mpeg" },
	{ "m4a", "audio/mp4" },
	{ "ogg", "audio/ogg" },
	{ "wav", "audio/wav" },
	{ "flac", "audio/flac" },
	{ "mp4", "video/mp4" },
	{ "mov", "video/quicktime" },
	{ "webm", "video/webm" },
};

const char *
blob_mime_by_name(const char *name)
{
	const char *dot = name ? strrchr(name, '.') : NULL;

	if (dot == NULL || dot[1] == '\0' || strchr(dot, '/') != NULL)
		return NULL;
	for (size_t i = 0; i < sizeof blob_mimes / sizeof blob_mimes[0]; i++)
		if (strcasecmp(dot + 1, blob_mimes[i].ext) == 0)
			return blob_mimes[i].mime;
	return NULL;
}

/* 1 when the bytes look like UTF-8 text (a cut sequence at the end is
 * fine: we only see the first bytes). */
static int
looks_text(const unsigned char *p, size_t n)
{
	size_t i = 0;

	if (n == 0)
		return 0;
	while (i < n) {
		unsigned char c = p[i];
		size_t k;

		if (c < 0x80) {
			if (c < 0x20 && c != '\n' && c != '\r' && c != '\t' &&
			    c != '\f')
				return 0;
			i++;
			continue;
		}
		k = (c & 0xe0) == 0xc0 ? 1 : (c & 0xf0) == 0xe0 ? 2 :
		    (c & 0xf8) == 0xf0 ? 3 : 0;
		if (k == 0)
			return 0;
		for (size_t j = 1; j <= k && i + j < n; j++)
			if ((p[i + j] & 0xc0) != 0x80)
				return 0;
		i += k + 1;
	}
	return 1;
}

const char *
blob_mime_sniff(const unsigned char *p, size_t n)
{
#define HAS(off, s) (n >= (off) + sizeof(s) - 1 && \
	memcmp(p + (off), s, sizeof(s) - 1) == 0)
	if (HAS(0, "%PDF-"))
		return "application/pdf";
	if (HAS(0, "\x89PNG\r\n\x1a\n"))
		return "image/png";
	if (HAS(0, "\xff\xd8\xff"))
		return "image/jpeg";
	if (HAS(0, "GIF87a") || HAS(0, "GIF89a"))
		return "image/gif";
	if (HAS(0, "RIFF") && HAS(8, "WEBP"))
		return "image/webp";
	if (HAS(0, "RIFF") && HAS(8, "WAVE"))
		return "audio/wav";
	if (HAS(0, "PK\x03\x04"))
		return "application/zip";
	if (HAS(0, "ID3") || HAS(0, "\xff\xfb") || HAS(0, "\xff\xf3"))
		return "audio/mpeg";
	if (HAS(0, "OggS"))
		return "audio/ogg";
	if (HAS(0, "fLaC"))
		return "audio/flac";
	if (HAS(4, "ftyp"))
		return "video/mp4";
	if (HAS(0, "\x1a\x45\xdf\xa3"))
		return "video/webm";
#undef HAS
	if (looks_text(p, n))
		return "text/plain; charset=utf-8";
	return NULL;
}

int
blob_sha_ok(const char *sha)
{
	return sha != NULL && strlen(sha) == 64 &&
	    strspn(sha, "0123456789abcdef") == 64;
}

char *
blob_path(const char *data_dir, const char *sha, char *buf, size_t len)
{
	snprintf(buf, len, "%s/files/%.2s/%s", data_dir, sha, sha + 2);
	return buf;
}

static enum ny_err
write_all(int fd, const unsigned char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, p, n);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			return NY_EIO;
		}
		p += w;
		n -= (size_t)w;
	}
	return NY_OK;
}

/* A streaming copy into the store: open, add bytes, finish. */
struct blob_w {
	const char			*data_dir;
	char				 tmp[4096];
	int				 fd;
	int64_t				 size;
	crypto_hash_sha256_state	 h;
	unsigned char			 head[512];
	size_t				 nhead;
};

static enum ny_err
sw_open(struct blob_w *w, const char *data_dir)
{
	char dir[4096];

	memset(w, 0, sizeof *w);
	w->data_dir = data_dir;
	w->fd = -1;
	/* Private: paid content must not be readable by other local users,
	 * whatever the umask (mkstemp makes 0600; folders 0700). */
	if ((size_t)snprintf(dir, sizeof dir, "%s/files", data_dir) >=
	    sizeof dir - 16 || ny_mkdirs(dir, 0700) != NY_OK)
		return NY_EIO;
	if ((size_t)snprintf(w->tmp, sizeof w->tmp, "%s/.tmp-XXXXXX", dir) >=
	    sizeof w->tmp || (w->fd = mkstemp(w->tmp)) < 0)
		return NY_EIO;
	fchmod(w->fd, 0600);
	crypto_hash_sha256_init(&w->h);
	return NY_OK;
}

static enum ny_err
sw_add(struct blob_w *w, const unsigned char *p, size_t n)
{
	if (w->size + (int64_t)n > BLOB_MAX_FILE)
		return NY_ELIMIT;
	if (w->nhead < sizeof w->head) {
		size_t k = sizeof w->head - w->nhead;

		k = k < n ? k : n;
		memcpy(w->head + w->nhead, p, k);
		w->nhead += k;
	}
	crypto_hash_sha256_update(&w->h, p, n);
	w->size += (int64_t)n;
	return write_all(w->fd, p, n);
}

static void
sw_abort(struct blob_w *w)
{
	if (w->fd >= 0)
		close(w->fd);
	w->fd = -1;
	unlink(w->tmp);
}

/* fsync's the file, renames it into place (or drops it when the blob is
 * already there) and fsync's the folder. */
static enum ny_err
sw_finish(struct blob_w *w, const char *name, char sha[BLOB_SHA_LEN],
    char mime[BLOB_MIME_LEN])
{
	unsigned char digest[crypto_hash_sha256_BYTES];
	char dst[4096], dir[4096];
	const char *m;
	struct stat sb;

	crypto_hash_sha256_final(&w->h, digest);
	crypto_hex(digest, sizeof digest, sha);
	m = blob_mime_by_name(name);
	if (m == NULL)
		m = blob_mime_sniff(w->head, w->nhead);
	if (mime != NULL)
		snprintf(mime, BLOB_MIME_LEN, "%s",
		    m ? m : "application/octet-stream");
	if (fsync(w->fd) != 0 || close(w->fd) != 0) {
		w->fd = -1;
		unlink(w->tmp);
		return NY_EIO;
	}
	w->fd = -1;
	if ((size_t)snprintf(dir, sizeof dir, "%s/files/%.2s", w->data_dir,
	    sha) >= sizeof dir) {
		unlink(w->tmp);
		return NY_EIO;
	}
	blob_path(w->data_dir, sha, dst, sizeof dst);
	if (stat(dst, &sb) == 0 && sb.st_size == w->size) {
		unlink(w->tmp);		/* dedupe */
		return NY_OK;
	}
	if (ny_mkdirs(dir, 0700) != NY_OK || rename(w->tmp, dst) != 0) {
		unlink(w->tmp);
		return NY_EIO;
	}
	ny_sync_dir(dir);
	return NY_OK;
}

static const char *
base_name(const char *path)
{
	const char *s = strrchr(path, '/');

	return s ? s + 1 : path;
}

enum ny_err
blob_write_fd(const char *data_dir, int fd, const char *name,
    char sha[BLOB_SHA_LEN], int64_t *size, char mime[BLOB_MIME_LEN],
    blob_progress_fn *progress, void *arg)
{
	struct blob_w w;
	struct stat sb;
	unsigned char *chunk;
	int64_t total, tick = BLOB_TICK;
	ssize_t n;
	enum ny_err rc;

	if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode))
		return NY_EIO;
	total = sb.st_size;
	if (total > BLOB_MAX_FILE)
		return NY_ELIMIT;
	if ((rc = sw_open(&w, data_dir)) != NY_OK)
		return rc;
	chunk = xmalloc(BLOB_CHUNK);
	while ((n = read(fd, chunk, BLOB_CHUNK)) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			rc = NY_EIO;
			break;
		}
		if ((rc = sw_add(&w, chunk, (size_t)n)) != NY_OK)
			break;
		if (progress != NULL && w.size >= tick) {
			progress(arg, w.size, total);
			tick = w.size + BLOB_TICK;
		}
	}
	free(chunk);
	if (rc != NY_OK) {
		sw_abort(&w);
		return rc;
	}
	if ((rc = sw_finish(&w, name, sha, mime)) != NY_OK)
		return rc;
	if (size != NULL)
		*size = w.size;
	if (progress != NULL)
		progress(arg, w.size, total);
	return NY_OK;
}

enum ny_err
blob_write_file(const char *data_dir, const char *src_path, const char *name,
    char sha[BLOB_SHA_LEN], int64_t *size, char mime[BLOB_MIME_LEN],
    blob_progress_fn *progress, void *arg)
{
	enum ny_err rc;
	int fd;

	if ((fd = open(src_path, O_RDONLY | O_CLOEXEC)) < 0)
		return errno == ENOENT ? NY_ENOTFOUND : NY_EIO;
	rc = blob_write_fd(data_dir, fd, name ? name : base_name(src_path),
	    sha, size, mime, progress, arg);
	close(fd);
	return rc;
}

enum ny_err
blob_write_mem(const char *data_dir, const void *data, size_t len,
    const char *name, char sha[BLOB_SHA_LEN], char mime[BLOB_MIME_LEN])
{
	struct blob_w w;
	enum ny_err rc;

	if ((rc = sw_open(&w, data_dir)) != NY_OK)
		return rc;
	if ((rc = sw_add(&w, data, len)) != NY_OK) {
		sw_abort(&w);
		return rc;
	}
	return sw_finish(&w, name, sha, mime);
}

enum ny_err
blob_add(struct db *db, const char *sha, int64_t size, const char *mime)
{
	sqlite3_stmt *st = db_stmt(db, "INSERT OR IGNORE INTO blobs(sha256, "
	    "size, mime, created_at) VALUES (?, ?, ?, ?)");

	if (!blob_sha_ok(sha) || size < 0)
		return NY_EINVAL;
	if (st == NULL)
		return NY_EDB;
	sqlite3_bind_text(st, 1, sha, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, size);
	sqlite3_bind_text(st, 3, mime ? mime : "application/octet-stream", -1,
	    SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, ny_now());
	return db_done(st);
}

/* blob_write_fd/blob_write_file's result into the blobs table. */
static enum ny_err
blob_put_common(struct db *db, enum ny_err rc, const char *sha, int64_t sz,
    const char *m, int64_t *size, char mime[BLOB_MIME_LEN])
{
	if (rc != NY_OK)
		return rc;
	if ((rc = blob_add(db, sha, sz, m)) != NY_OK)
		return rc;
	if (size != NULL)
		*size = sz;
	if (mime != NULL)
		memcpy(mime, m, BLOB_MIME_LEN);
	return NY_OK;
}

enum ny_err
blob_put_file(struct db *db, const char *data_dir, const char *src_path,
    const char *name, char sha[BLOB_SHA_LEN], int64_t *size,
    char mime[BLOB_MIME_LEN], blob_progress_fn *progress, void *arg)
{
	char m[BLOB_MIME_LEN];
	int64_t sz = 0;
	enum ny_err rc;

	rc = blob_write_file(data_dir, src_path, name, sha, &sz, m, progress,
	    arg);
	return blob_put_common(db, rc, sha, sz, m, size, mime);
}

enum ny_err
blob_put_fd(struct db *db, const char *data_dir, int fd, const char *name,
    char sha[BLOB_SHA_LEN], int64_t *size, char mime[BLOB_MIME_LEN],
    blob_progress_fn *progress, void *arg)
{
	char m[BLOB_MIME_LEN];
	int64_t sz = 0;
	enum ny_err rc;

	rc = blob_write_fd(data_dir, fd, name, sha, &sz, m, progress, arg);
	return blob_put_common(db, rc, sha, sz, m, size, mime);
}

enum ny_err
blob_get(struct db *db, const char *sha, int64_t *size,
    char mime[BLOB_MIME_LEN])
{
	sqlite3_stmt *st = db_stmt(db, "SELECT size, mime FROM blobs "
	    "WHERE sha256 = ?");
	int rc;

	if (st == NULL)
		return NY_EDB;
	sqlite3_bind_text(st, 1, sha, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		if (size != NULL)
			*size = sqlite3_column_int64(st, 0);
		if (mime != NULL)
			db_col_buf(st, 1, mime, BLOB_MIME_LEN);
	}
	sqlite3_reset(st);
	return db_found(rc);
}
