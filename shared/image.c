/*
 * image.c: cover and avatar images (see image.h).
 *
 * Only the headers are read: enough to know the format and the pixel
 * size, never a decoder. Every read goes through img_has(), which checks
 * the offset against n without overflow, so any byte string (this is
 * fuzzed by tests/fuzz/fuzz-image.c) is either recognised or refused.
 *
 * image_put_fd reads the whole file (at most IMAGE_MAX_BYTES) into memory
 * and stores that same buffer: the bytes probed are the bytes stored. Had
 * we probed a head, rewound and copied the descriptor, a creator writing
 * into the file between the two could publish a non-image under an image
 * MIME type through the public /cover route. 5 MiB per call is cheap.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "image.h"

static const char img_not_image[] = "not a PNG, JPEG or WebP image";

/* 1 when [off, off + len) lies inside the n bytes. */
static int
img_has(size_t n, size_t off, size_t len)
{
	return off <= n && len <= n - off;
}

static uint32_t
img_be16(const unsigned char *p)
{
	return (uint32_t)p[0] << 8 | p[1];
}

static uint32_t
img_be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3];
}

static uint32_t
img_le16(const unsigned char *p)
{
	return (uint32_t)p[1] << 8 | p[0];
}

static uint32_t
img_le24(const unsigned char *p)
{
	return (uint32_t)p[2] << 16 | (uint32_t)p[1] << 8 | p[0];
}

static uint32_t
img_le32(const unsigned char *p)
{
	return img_le24(p) | (uint32_t)p[3] << 24;
}

/*
 * Fills out with mime and the size once a format decoded w × h. Returns
 * NY_OK, or NY_ELIMIT when a side is 0 or over IMAGE_MAX_PX (image.h:
 * a 0 side is a limit, not a format error; the reason says which).
 */
static enum ny_err
img_done(const char *mime, uint32_t w, uint32_t h, struct image_info *out,
    const char **why)
{
	if (w == 0 || h == 0) {
		*why = "the image has a width or height of 0";
		return NY_ELIMIT;
	}
	if (w > IMAGE_MAX_PX || h > IMAGE_MAX_PX) {
		*why = "the image is larger than 4000 pixels on a side";
		return NY_ELIMIT;
	}
	out->mime = mime;
	out->width = (int)w;
	out->height = (int)h;
	return NY_OK;
}

/* PNG: signature, then IHDR must be the first chunk (length 13). */
static enum ny_err
img_png(const unsigned char *p, size_t n, struct image_info *out,
    const char **why)
{
	if (!img_has(n, 8, 8 + 13) || img_be32(p + 8) != 13 ||
	    memcmp(p + 12, "IHDR", 4) != 0) {
		*why = "truncated or damaged PNG header";
		return NY_EINVAL;
	}
	return img_done("image/png", img_be32(p + 16), img_be32(p + 20), out,
	    why);
}

/* 1 for the JPEG markers that start a frame: SOF0..SOF15 but DHT (C4),
 * JPG (C8) and DAC (CC), which share the range. */
static int
img_jpeg_sof(unsigned m)
{
	return m >= 0xc0 && m <= 0xcf && m != 0xc4 && m != 0xc8 && m != 0xcc;
}

/*
 * JPEG: SOI, then markers up to the first SOFn. Segments (APPn with EXIF,
 * DQT, DHT, COM...) are skipped by their 16-bit length; standalone
 * markers (TEM, RSTn) have none. Reaching SOS (entropy-coded data) or EOI
 * first means no frame header where one must be.
 */
static enum ny_err
img_jpeg(const unsigned char *p, size_t n, struct image_info *out,
    const char **why)
{
	size_t i = 2;

	for (;;) {
		unsigned m;
		uint32_t len;

		if (!img_has(n, i, 2))
			break;
		if (p[i] != 0xff) {
			*why = "damaged JPEG: a marker was expected";
			return NY_EINVAL;
		}
		while (img_has(n, i + 1, 1) && p[i + 1] == 0xff)
			i++;		/* fill bytes */
		if (!img_has(n, i, 2))
			break;
		m = p[i + 1];
		if (m == 0x01 || (m >= 0xd0 && m <= 0xd7)) {
			i += 2;
			continue;
		}
		if (m == 0xd9 || m == 0xda || m == 0xd8 || m == 0x00) {
			*why = "damaged JPEG: no frame header";
			return NY_EINVAL;
		}
		if (!img_has(n, i + 2, 2))
			break;
		len = img_be16(p + i + 2);
		if (len < 2) {
			*why = "damaged JPEG: bad segment length";
			return NY_EINVAL;
		}
		if (img_jpeg_sof(m)) {
			/* length, precision, height, width */
			if (len < 8) {
				*why = "damaged JPEG: short frame header";
				return NY_EINVAL;
			}
			if (!img_has(n, i + 4, 5))
				break;
			return img_done("image/jpeg", img_be16(p + i + 7),
			    img_be16(p + i + 5), out, why);
		}
		i += 2 + (size_t)len;
	}
	*why = "truncated JPEG: no frame header in the first bytes";
	return NY_EINVAL;
}

/*
 * WebP: "RIFF" size "WEBP", then the first chunk says the flavour:
 * VP8 (lossy key frame: 3-byte frame tag, start code 9d 01 2a, 14-bit
 * width and height), VP8L (lossless: 0x2f, then 14-bit width - 1 and
 * height - 1 packed little-endian) or VP8X (extended: 24-bit canvas
 * width - 1 and height - 1 after 4 bytes of flags).
 */
static enum ny_err
img_webp(const unsigned char *p, size_t n, struct image_info *out,
    const char **why)
{
	const unsigned char *d = p + 20;	/* the first chunk's data */

	*why = "truncated or damaged WebP header";
	if (!img_has(n, 12, 8))
		return NY_EINVAL;
	if (memcmp(p + 12, "VP8 ", 4) == 0) {
		if (!img_has(n, 20, 10) || (d[0] & 1) != 0 ||
		    memcmp(d + 3, "\x9d\x01\x2a", 3) != 0)
			return NY_EINVAL;
		return img_done("image/webp", img_le16(d + 6) & 0x3fff,
		    img_le16(d + 8) & 0x3fff, out, why);
	}
	if (memcmp(p + 12, "VP8L", 4) == 0) {
		uint32_t b;

		if (!img_has(n, 20, 5) || d[0] != 0x2f)
			return NY_EINVAL;
		b = img_le32(d + 1);
		if ((b >> 29) != 0)	/* version must be 0 */
			return NY_EINVAL;
		return img_done("image/webp", (b & 0x3fff) + 1,
		    ((b >> 14) & 0x3fff) + 1, out, why);
	}
	if (memcmp(p + 12, "VP8X", 4) == 0) {
		if (!img_has(n, 20, 10))
			return NY_EINVAL;
		return img_done("image/webp", img_le24(d + 4) + 1,
		    img_le24(d + 7) + 1, out, why);
	}
	return NY_EINVAL;
}

enum ny_err
image_probe(const unsigned char *p, size_t n, struct image_info *out,
    const char **why)
{
	const char *w = NULL;
	struct image_info ii = { NULL, 0, 0 };
	enum ny_err rc;

	if (n >= 8 && memcmp(p, "\x89PNG\r\n\x1a\n", 8) == 0)
		rc = img_png(p, n, &ii, &w);
	else if (n >= 3 && memcmp(p, "\xff\xd8\xff", 3) == 0)
		rc = img_jpeg(p, n, &ii, &w);
	else if (n >= 12 && memcmp(p, "RIFF", 4) == 0 &&
	    memcmp(p + 8, "WEBP", 4) == 0)
		rc = img_webp(p, n, &ii, &w);
	else {
		w = img_not_image;
		rc = NY_EINVAL;
	}
	if (rc == NY_OK && out != NULL)
		*out = ii;
	if (rc != NY_OK && why != NULL)
		*why = w;
	return rc;
}

/*
 * Reads the whole of fd from offset 0 into a new buffer (caller frees
 * *out): at most IMAGE_MAX_BYTES, NY_ELIMIT past that (the file may have
 * grown since fstat), NY_EIO on a read error.
 */
static enum ny_err
img_slurp(int fd, int64_t size, unsigned char **out, size_t *len)
{
	size_t cap = (size_t)size + 1, n = 0;
	unsigned char *buf = xmalloc(cap);

	for (;;) {
		ssize_t r = pread(fd, buf + n, cap - n, (off_t)n);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			free(buf);
			return NY_EIO;
		}
		if (r == 0)
			break;
		n += (size_t)r;
		if (n == cap) {		/* grew: one more byte is enough */
			if ((int64_t)n > IMAGE_MAX_BYTES) {
				free(buf);
				return NY_ELIMIT;
			}
			cap = (size_t)IMAGE_MAX_BYTES + 1;
			buf = xrealloc(buf, cap);
		}
	}
	*out = buf;
	*len = n;
	return NY_OK;
}

/* A name whose extension makes blob.c record exactly the probed type. */
static const char *
img_name(const char *mime)
{
	if (strcmp(mime, "image/png") == 0)
		return "image.png";
	if (strcmp(mime, "image/jpeg") == 0)
		return "image.jpg";
	return "image.webp";
}

/*
 * Records the blob with its probed type and size in one statement (so it
 * is atomic on its own and also works inside the caller's transaction,
 * e.g. a catalog import). When the bytes were stored before, say as a
 * product file under another name, the row is corrected: same digest,
 * same bytes, and they are this image.
 */
static enum ny_err
img_record(struct db *db, const char *sha, size_t size,
    const struct image_info *ii)
{
	sqlite3_stmt *st = db_stmt(db, "INSERT INTO blobs(sha256, size, mime, "
	    "width, height, created_at) VALUES (?, ?, ?, ?, ?, ?) "
	    "ON CONFLICT(sha256) DO UPDATE SET mime = excluded.mime, "
	    "width = excluded.width, height = excluded.height "
	    "WHERE mime IS NOT excluded.mime OR width IS NOT excluded.width "
	    "OR height IS NOT excluded.height");

	if (st == NULL)
		return NY_EDB;
	sqlite3_bind_text(st, 1, sha, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, (int64_t)size);
	sqlite3_bind_text(st, 3, ii->mime, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 4, ii->width);
	sqlite3_bind_int(st, 5, ii->height);
	sqlite3_bind_int64(st, 6, ny_now());
	return db_done(st);
}

/*
 * Reads the regular file on fd (at most IMAGE_MAX_BYTES) and probes it:
 * on NY_OK *buf (caller frees) holds its *len bytes and *ii the probe;
 * else *why says why (as image_probe, or the size or a read error).
 */
static enum ny_err
img_read_fd(int fd, unsigned char **buf, size_t *len, struct image_info *ii,
    const char **why)
{
	struct stat sb;
	enum ny_err rc;

	*buf = NULL;
	if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode)) {
		*why = "not a regular file";
		return NY_EINVAL;
	}
	if (sb.st_size > IMAGE_MAX_BYTES) {
		*why = "larger than 5 MB";
		return NY_ELIMIT;
	}
	if ((rc = img_slurp(fd, sb.st_size, buf, len)) != NY_OK) {
		*why = rc == NY_ELIMIT ? "larger than 5 MB" :
		    "cannot read the file";
		return rc;
	}
	if ((rc = image_probe(*buf, *len, ii, why)) != NY_OK) {
		free(*buf);
		*buf = NULL;
	}
	return rc;
}

enum ny_err
image_check_fd(int fd, struct image_info *info, const char **why)
{
	struct image_info ii;
	unsigned char *buf;
	const char *w = NULL;
	size_t len;
	enum ny_err rc;

	rc = img_read_fd(fd, &buf, &len, &ii, &w);
	free(buf);
	if (rc == NY_OK && info != NULL)
		*info = ii;
	if (rc != NY_OK && why != NULL)
		*why = w;
	return rc;
}

enum ny_err
image_put_fd(struct db *db, const char *data_dir, int fd,
    char sha[BLOB_SHA_LEN], struct image_info *info, const char **why)
{
	struct image_info ii;
	unsigned char *buf = NULL;
	const char *w = NULL;
	size_t len = 0;
	enum ny_err rc;

	if ((rc = img_read_fd(fd, &buf, &len, &ii, &w)) != NY_OK)
		goto out;
	if ((rc = blob_write_mem(data_dir, buf, len, img_name(ii.mime), sha,
	    NULL)) != NY_OK || (rc = img_record(db, sha, len, &ii)) != NY_OK) {
		w = "cannot save the image";
		goto out;
	}
	if (info != NULL)
		*info = ii;
out:
	free(buf);
	if (rc != NY_OK && why != NULL)
		*why = w;
	return rc;
}

enum ny_err
image_dims(struct db *db, const char *sha, int *width, int *height)
{
	sqlite3_stmt *st = db_stmt(db, "SELECT width, height FROM blobs "
	    "WHERE sha256 = ? AND width IS NOT NULL AND height IS NOT NULL");
	int rc;

	if (st == NULL)
		return NY_EDB;
	sqlite3_bind_text(st, 1, sha, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*width = sqlite3_column_int(st, 0);
		*height = sqlite3_column_int(st, 1);
	}
	sqlite3_reset(st);
	return db_found(rc);
}

/* Copies the row's sha256 into the array element (BLOB_SHA_LEN bytes). */
static enum ny_err
img_sha_fill(void *arg, void *elem, sqlite3_stmt *st)
{
	(void)arg;
	db_col_buf(st, 0, elem, BLOB_SHA_LEN);
	return NY_OK;
}

/*
 * The covers and avatars in use whose size was never measured, into *out
 * (caller frees, also after an error) and *n.
 */
static enum ny_err
img_unmeasured(struct db *db, char (**out)[BLOB_SHA_LEN], size_t *n)
{
	sqlite3_stmt *st = db_stmt(db, "SELECT sha256 FROM blobs "
	    "WHERE width IS NULL AND (sha256 IN (SELECT cover_sha256 "
	    "FROM products) OR sha256 IN (SELECT avatar_sha256 FROM creators))");

	*out = NULL;
	*n = 0;
	return db_rows(st, 0, out, n, sizeof **out, img_sha_fill, NULL);
}

enum ny_err
image_measure_legacy(struct db *db, const char *data_dir, int *measured)
{
	char (*v)[BLOB_SHA_LEN] = NULL, path[4096];
	struct image_info ii;
	unsigned char *buf;
	const char *why;
	size_t n, len, i;
	enum ny_err rc;
	int fd;

	*measured = 0;
	if ((rc = img_unmeasured(db, &v, &n)) != NY_OK) {
		free(v);
		return rc;
	}
	for (i = 0; i < n && rc == NY_OK; i++) {
		blob_path(data_dir, v[i], path, sizeof path);
		if ((fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)) < 0)
			continue;	/* a missing blob stays hidden */
		if (img_read_fd(fd, &buf, &len, &ii, &why) == NY_OK &&
		    (rc = img_record(db, v[i], len, &ii)) == NY_OK)
			(*measured)++;
		free(buf);
		close(fd);
	}
	free(v);
	return rc;
}
