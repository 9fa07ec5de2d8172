/*
 * image.h: cover and avatar images (issue 11). A creator picks
 * them from their uploads; only PNG, JPEG and WebP are taken, recognised by
 * their magic bytes (never the name) and by dimensions decoded from the
 * headers (PNG IHDR, JPEG SOFn, WebP VP8 / VP8L / VP8X), so a renamed
 * executable or a truncated file is refused with a reason.
 */
#ifndef NY_IMAGE_H
#define NY_IMAGE_H

#include <stddef.h>
#include <stdint.h>

#include "db.h"
#include "blob.h"

#define IMAGE_MAX_BYTES	((int64_t)5 << 20)	/* 5 MiB */
#define IMAGE_MAX_PX	4000			/* width and height */

struct image_info {
	const char	*mime;		/* "image/png", "image/jpeg", "image/webp" */
	int		 width;
	int		 height;
};

/*
 * Recognises the image in the first n bytes of a file (the whole file or
 * at least its first 64 KiB: JPEG's SOF marker may come after EXIF data).
 * Only headers are read, every read bounds-checked: any bytes are safe
 * (tests/fuzz/fuzz-image.c). Returns NY_OK with *out filled (out may be
 * NULL); NY_EINVAL when it is not a PNG, JPEG or WebP this function can
 * read, *why a static English reason: "not a PNG, JPEG or WebP image"
 * for other formats (GIF, SVG, executables...), one starting with
 * "truncated" or "damaged" for a cut or malformed header; NY_ELIMIT when
 * a side is over IMAGE_MAX_PX or 0 (the reason says which). why may be
 * NULL; *why is only set on failure.
 */
enum ny_err image_probe(const unsigned char *p, size_t n,
	    struct image_info *out, const char **why);

/*
 * The check of image_put_fd without storing anything: the file open on fd
 * (read from offset 0) is a regular file of at most IMAGE_MAX_BYTES
 * holding an image image_probe takes. Returns and *why as image_put_fd.
 */
enum ny_err image_check_fd(int fd, struct image_info *info, const char **why);

/*
 * Probes the file open on fd (a regular file, e.g. from upload_open; read
 * from offset 0 whatever the fd's position; the caller keeps and closes
 * fd), refuses one over IMAGE_MAX_BYTES (NY_ELIMIT), then copies it into
 * the content store and records the blob with its probed MIME type and
 * dimensions in one statement (blobs.mime/width/height; an existing row
 * for the same bytes is corrected). The file is read once into memory
 * (≤ 5 MiB) and that buffer is both probed and stored, so a file changed
 * meanwhile cannot slip a non-image in. Works inside or outside the
 * caller's transaction. sha gets the digest; info (may be NULL) the
 * probe. Returns NY_OK; NY_EINVAL / NY_ELIMIT with *why as image_probe
 * ("larger than 5 MB" for the size, "not a regular file"); NY_EIO or
 * NY_EDB ("cannot read the file", "cannot save the image").
 */
enum ny_err image_put_fd(struct db *db, const char *data_dir, int fd,
	    char sha[BLOB_SHA_LEN], struct image_info *info, const char **why);

/*
 * Width and height recorded for an image blob (by image_put_fd). NY_OK,
 * NY_ENOTFOUND (no such blob, or one never measured: not an image), NY_EDB.
 */
enum ny_err image_dims(struct db *db, const char *sha, int *width, int *height);

/*
 * Covers and avatars stored before images were measured (no width and
 * height recorded) are not shown; this measures those whose blob is a
 * PNG, JPEG or WebP within the limits, once, at storefront start (others
 * stay hidden). *measured gets how many. NY_OK or a database error.
 */
enum ny_err image_measure_legacy(struct db *db, const char *data_dir,
	    int *measured);

#endif
