/*
 * blob.h: the content-addressed file store. A file lives once, at
 * $NYOTA_DATA_DIR/files/ab/cdef… (the first two hex digits of its SHA-256
 * as a folder, the other 62 as the name), whatever product it belongs to;
 * the `blobs` table records its size and MIME type. Blobs are 0600 and
 * their folders 0700: paid content is for the storefront's eyes only.
 *
 * Writes are atomic: the content goes to a temporary file in the same
 * folder, is fsync'ed, then renamed into place, so a reader never sees a
 * half-written blob and a crash leaves at most a stray temporary file.
 */
#ifndef NY_BLOB_H
#define NY_BLOB_H

#include <stddef.h>
#include <stdint.h>

#include "db.h"

#define BLOB_SHA_LEN	65	/* 64 hex digits + NUL */
#define BLOB_MIME_LEN	64
#define BLOB_MAX_FILE	((int64_t)4 << 30)	/* 4 GiB per file */

/*
 * Progress callback: done bytes of total (total 0 when unknown). Called
 * every few megabytes and once at the end.
 */
typedef void blob_progress_fn(void *arg, int64_t done, int64_t total);

/*
 * Copies src_path into the store (streaming, hashing as it goes) without
 * touching the database. name (may be NULL: src_path's base name) picks
 * the MIME type by extension; when unknown, the first bytes are sniffed;
 * else application/octet-stream. When the blob is already present the
 * copy is dropped (dedupe). sha gets the hex digest, *size the length
 * (may be NULL), mime the type (may be NULL). progress may be NULL.
 * Returns NY_OK, NY_ENOTFOUND (no src), NY_ELIMIT (bigger than
 * BLOB_MAX_FILE), NY_EIO.
 */
enum ny_err blob_write_file(const char *data_dir, const char *src_path,
	    const char *name, char sha[BLOB_SHA_LEN], int64_t *size,
	    char mime[BLOB_MIME_LEN], blob_progress_fn *progress, void *arg);

/*
 * The same from an open descriptor (read from where it stands to the end;
 * the caller keeps and closes fd): for files opened safely elsewhere
 * (upload_open), so the path is never opened a second time. name picks
 * the MIME type (may be NULL: sniffed). Returns as blob_write_file, and
 * NY_EIO when fd is not a regular file.
 */
enum ny_err blob_write_fd(const char *data_dir, int fd, const char *name,
	    char sha[BLOB_SHA_LEN], int64_t *size, char mime[BLOB_MIME_LEN],
	    blob_progress_fn *progress, void *arg);

/* The same from memory (tests, uploads already in memory). */
enum ny_err blob_write_mem(const char *data_dir, const void *data, size_t len,
	    const char *name, char sha[BLOB_SHA_LEN], char mime[BLOB_MIME_LEN]);

/*
 * Records a blob row (INSERT OR IGNORE): a single statement, so it works
 * inside the caller's transaction or on its own.
 */
enum ny_err blob_add(struct db *db, const char *sha, int64_t size,
	    const char *mime);

/*
 * blob_write_file + blob_add: the usual way in. Arguments as for
 * blob_write_file.
 */
enum ny_err blob_put_file(struct db *db, const char *data_dir,
	    const char *src_path, const char *name, char sha[BLOB_SHA_LEN],
	    int64_t *size, char mime[BLOB_MIME_LEN], blob_progress_fn *progress,
	    void *arg);

/* blob_write_fd + blob_add. Arguments as for blob_write_fd. */
enum ny_err blob_put_fd(struct db *db, const char *data_dir, int fd,
	    const char *name, char sha[BLOB_SHA_LEN], int64_t *size,
	    char mime[BLOB_MIME_LEN], blob_progress_fn *progress, void *arg);

/* The blob's size and MIME type (mime may be NULL). NY_OK, NY_ENOTFOUND. */
enum ny_err blob_get(struct db *db, const char *sha, int64_t *size,
	    char mime[BLOB_MIME_LEN]);

/* Path of a blob: DATA_DIR/files/ab/cdef…  Returns buf. */
char	*blob_path(const char *data_dir, const char *sha, char *buf,
	    size_t len);

/* 1 when sha is 64 lower-case hex digits. */
int	blob_sha_ok(const char *sha);

/* MIME type from a file name's extension, or NULL when unknown. */
const char *blob_mime_by_name(const char *name);
/* MIME type from the first bytes (PDF, PNG, JPEG, GIF, ZIP, MP3, MP4,
 * Ogg, WebP, text), or NULL when unknown. */
const char *blob_mime_sniff(const unsigned char *p, size_t n);

#endif
