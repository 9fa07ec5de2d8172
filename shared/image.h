/*
 * image.h: cover and avatar images (DESIGN §10, issue 11). A creator picks
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
#include "store.h"

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
 * Returns NY_OK with *out filled; NY_EINVAL when it is not a PNG, JPEG or
 * WebP this function can read (*why: a static English reason such as
 * "not a PNG, JPEG or WebP image"); NY_ELIMIT when a side is over
 * IMAGE_MAX_PX or 0. why may be NULL.
 */
int	image_probe(const unsigned char *p, size_t n, struct image_info *out,
	    const char **why);

/*
 * Probes the file open on fd (a regular file, e.g. from upload_open; read
 * from offset 0), refuses one over IMAGE_MAX_BYTES (NY_ELIMIT), then
 * copies it into the content store and records the blob with its MIME
 * type and dimensions (store_put_fd + blobs.width/height). sha gets the
 * digest; info (may be NULL) the probe. Returns NY_OK, NY_EINVAL /
 * NY_ELIMIT (with *why, as image_probe; "larger than 5 MB" for the size),
 * NY_EIO.
 */
int	image_put_fd(struct db *db, const char *data_dir, int fd,
	    char sha[STORE_SHA_LEN], struct image_info *info, const char **why);

/*
 * Width and height recorded for an image blob. NY_OK, or NY_ENOTFOUND
 * (no such blob, or not an image).
 */
int	image_dims(struct db *db, const char *sha, int *width, int *height);

#endif
