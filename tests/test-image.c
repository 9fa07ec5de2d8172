/*
 * test-image: PNG, JPEG (EXIF before the frame header) and the three WebP
 * flavours recognised with their size; every truncation, GIF, SVG and a
 * renamed executable refused; the 4000-pixel and 5 MB limits; the blob
 * recorded with its probed type and size by image_put_fd.
 */
#include <check.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "crypto.h"
#include "db.h"
#include "image.h"
#include "blob.h"
#include "testutil.h"

static const unsigned char test_key[32] = "nyota-test-master-key-32-bytes!";

/* 320 × 240 PNG header: signature, IHDR (13 bytes), CRC. */
static const unsigned char png[] = {
	0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n',
	0, 0, 0, 13, 'I', 'H', 'D', 'R',
	0, 0, 0x01, 0x40, 0, 0, 0, 0xf0, 8, 2, 0, 0, 0,
	0xde, 0xad, 0xbe, 0xef,
};
#define PNG_MIN	29	/* through the end of IHDR's data */

/* 320 × 240 JPEG: SOI, APP1 "Exif" (16 bytes), DQT stub, SOF0, EOI. */
static const unsigned char jpeg[] = {
	0xff, 0xd8,
	0xff, 0xe1, 0x00, 0x10, 'E', 'x', 'i', 'f', 0, 0,
	'M', 'M', 0, 42, 0, 0, 0, 8,
	0xff, 0xdb, 0x00, 0x04, 0x00, 0x00,
	0xff, 0xc0, 0x00, 0x11, 0x08, 0x00, 0xf0, 0x01, 0x40, 0x03,
	0x01, 0x22, 0x00, 0x02, 0x11, 0x01, 0x03, 0x11, 0x01,
	0xff, 0xd9,
};
#define JPEG_MIN 35	/* SOF0 at 26: marker, length, precision, h, w */

/* WebP lossy 320 × 240: RIFF, VP8 chunk, key frame tag, start code. */
static const unsigned char webp_vp8[] = {
	'R', 'I', 'F', 'F', 22, 0, 0, 0, 'W', 'E', 'B', 'P',
	'V', 'P', '8', ' ', 10, 0, 0, 0,
	0x10, 0x02, 0x00, 0x9d, 0x01, 0x2a, 0x40, 0x01, 0xf0, 0x00,
};

/* WebP lossless 320 × 240: 0x2f, then (w-1) | (h-1) << 14, LE. */
static const unsigned char webp_vp8l[] = {
	'R', 'I', 'F', 'F', 17, 0, 0, 0, 'W', 'E', 'B', 'P',
	'V', 'P', '8', 'L', 5, 0, 0, 0,
	0x2f, 0x3f, 0xc1, 0x3b, 0x00,
};

/* WebP extended 320 × 240: flags, then 24-bit w-1 and h-1. */
static const unsigned char webp_vp8x[] = {
	'R', 'I', 'F', 'F', 22, 0, 0, 0, 'W', 'E', 'B', 'P',
	'V', 'P', '8', 'X', 10, 0, 0, 0,
	0x10, 0, 0, 0, 0x3f, 0x01, 0x00, 0xef, 0x00, 0x00,
};

static const struct {
	const char		*name;
	const unsigned char	*p;
	size_t			 n, min;
	const char		*mime;
} samples[] = {
	{ "png", png, sizeof png, PNG_MIN, "image/png" },
	{ "jpeg", jpeg, sizeof jpeg, JPEG_MIN, "image/jpeg" },
	{ "vp8", webp_vp8, sizeof webp_vp8, sizeof webp_vp8, "image/webp" },
	{ "vp8l", webp_vp8l, sizeof webp_vp8l, sizeof webp_vp8l,
	    "image/webp" },
	{ "vp8x", webp_vp8x, sizeof webp_vp8x, sizeof webp_vp8x,
	    "image/webp" },
};
#define NSAMPLES (sizeof samples / sizeof samples[0])

static void
setup(void)
{
	crypto_init_key(test_key);
}

START_TEST(formats)
{
	struct image_info ii;
	const char *why = NULL;

	for (size_t i = 0; i < NSAMPLES; i++) {
		memset(&ii, 0, sizeof ii);
		ck_assert_msg(image_probe(samples[i].p, samples[i].n, &ii,
		    &why) == NY_OK, "%s: %s", samples[i].name, why);
		ck_assert_str_eq(ii.mime, samples[i].mime);
		ck_assert_int_eq(ii.width, 320);
		ck_assert_int_eq(ii.height, 240);
	}
	/* why and out may be NULL. */
	ck_assert_int_eq(image_probe(png, sizeof png, NULL, NULL), NY_OK);
}
END_TEST

/* Every prefix shorter than the header is refused with a reason; the
 * first that holds the size is taken. Each prefix is copied to a buffer
 * of exactly that length, so ASan catches a read past it. */
START_TEST(truncated)
{
	for (size_t i = 0; i < NSAMPLES; i++)
		for (size_t n = 0; n <= samples[i].n; n++) {
			unsigned char *cut = xmalloc(n ? n : 1);
			const char *why = NULL;
			struct image_info ii;
			int rc;

			memcpy(cut, samples[i].p, n);
			rc = image_probe(cut, n, &ii, &why);
			if (n < samples[i].min) {
				ck_assert_msg(rc == NY_EINVAL, "%s cut at %zu: "
				    "%d", samples[i].name, n, rc);
				ck_assert_ptr_nonnull(why);
			} else
				ck_assert_msg(rc == NY_OK, "%s at %zu",
				    samples[i].name, n);
			free(cut);
		}
}
END_TEST

START_TEST(refused)
{
	static const char gif[] = "GIF89a\x40\x01\xf0\x00\x80\x00\x00";
	static const char svg[] = "<svg xmlns=\"http://www.w3.org/2000/svg\" "
	    "width=\"10\" height=\"10\"/>";
	static const char elf[] = "\x7f" "ELF\x02\x01\x01\0\0\0\0\0\0\0\0\0";
	static const char riffwav[] = "RIFF\x24\0\0\0WAVEfmt \x10\0\0\0";
	const char *why = NULL;
	unsigned char b[64];

	ck_assert_int_eq(image_probe((const unsigned char *)gif, sizeof gif - 1,
	    NULL, &why), NY_EINVAL);
	ck_assert_str_eq(why, "not a PNG, JPEG or WebP image");
	ck_assert_int_eq(image_probe((const unsigned char *)svg, sizeof svg - 1,
	    NULL, &why), NY_EINVAL);
	ck_assert_int_eq(image_probe((const unsigned char *)elf, sizeof elf - 1,
	    NULL, &why), NY_EINVAL);
	ck_assert_int_eq(image_probe((const unsigned char *)riffwav,
	    sizeof riffwav - 1, NULL, &why), NY_EINVAL);
	ck_assert_int_eq(image_probe(b, 0, NULL, &why), NY_EINVAL);

	/* PNG whose first chunk is not IHDR. */
	memcpy(b, png, sizeof png);
	memcpy(b + 12, "IDAT", 4);
	ck_assert_int_eq(image_probe(b, sizeof png, NULL, &why), NY_EINVAL);
	/* JPEG: entropy-coded data (SOS) before any frame header. */
	memcpy(b, jpeg, sizeof jpeg);
	b[27] = 0xda;
	ck_assert_int_eq(image_probe(b, sizeof jpeg, NULL, &why), NY_EINVAL);
	/* JPEG: DHT (C4) shares the SOF range but is no frame header; its
	 * length runs past the data. */
	memcpy(b, jpeg, sizeof jpeg);
	b[27] = 0xc4;
	b[28] = 0xff;
	ck_assert_int_eq(image_probe(b, sizeof jpeg, NULL, &why), NY_EINVAL);
	/* JPEG: a segment length below 2 (would loop forever if trusted). */
	memcpy(b, jpeg, sizeof jpeg);
	b[4] = 0;
	b[5] = 1;
	ck_assert_int_eq(image_probe(b, sizeof jpeg, NULL, &why), NY_EINVAL);
	/* JPEG: garbage where a marker should be. */
	memcpy(b, jpeg, sizeof jpeg);
	b[20] = 0x00;
	ck_assert_int_eq(image_probe(b, sizeof jpeg, NULL, &why), NY_EINVAL);
	/* WebP lossy inter frame (not a key frame), bad start code. */
	memcpy(b, webp_vp8, sizeof webp_vp8);
	b[20] |= 1;
	ck_assert_int_eq(image_probe(b, sizeof webp_vp8, NULL, &why),
	    NY_EINVAL);
	memcpy(b, webp_vp8, sizeof webp_vp8);
	b[24] = 0;
	ck_assert_int_eq(image_probe(b, sizeof webp_vp8, NULL, &why),
	    NY_EINVAL);
	/* VP8L: bad signature, non-zero version. */
	memcpy(b, webp_vp8l, sizeof webp_vp8l);
	b[20] = 0x2e;
	ck_assert_int_eq(image_probe(b, sizeof webp_vp8l, NULL, &why),
	    NY_EINVAL);
	memcpy(b, webp_vp8l, sizeof webp_vp8l);
	b[24] = 0x20;
	ck_assert_int_eq(image_probe(b, sizeof webp_vp8l, NULL, &why),
	    NY_EINVAL);
	/* WebP with an unknown first chunk. */
	memcpy(b, webp_vp8x, sizeof webp_vp8x);
	memcpy(b + 12, "ALPH", 4);
	ck_assert_int_eq(image_probe(b, sizeof webp_vp8x, NULL, &why),
	    NY_EINVAL);
}
END_TEST

/* PNG header of w × h in b (sizeof png bytes). */
static void
png_sized(unsigned char *b, uint32_t w, uint32_t h)
{
	memcpy(b, png, sizeof png);
	b[16] = (unsigned char)(w >> 24);
	b[17] = (unsigned char)(w >> 16);
	b[18] = (unsigned char)(w >> 8);
	b[19] = (unsigned char)w;
	b[20] = (unsigned char)(h >> 24);
	b[21] = (unsigned char)(h >> 16);
	b[22] = (unsigned char)(h >> 8);
	b[23] = (unsigned char)h;
}

START_TEST(pixel_limits)
{
	struct image_info ii;
	const char *why = NULL;
	unsigned char b[64];

	png_sized(b, 4000, 4000);
	ck_assert_int_eq(image_probe(b, sizeof png, &ii, &why), NY_OK);
	/* A 4000 × 1 strip is within the limits: the pages scale it. */
	png_sized(b, 4000, 1);
	ck_assert_int_eq(image_probe(b, sizeof png, &ii, &why), NY_OK);
	ck_assert_int_eq(ii.height, 1);
	png_sized(b, 4001, 10);
	ck_assert_int_eq(image_probe(b, sizeof png, &ii, &why), NY_ELIMIT);
	ck_assert_ptr_nonnull(strstr(why, "4000"));
	png_sized(b, 10, 4001);
	ck_assert_int_eq(image_probe(b, sizeof png, &ii, &why), NY_ELIMIT);
	/* Sizes that would be negative as int32. */
	png_sized(b, 0xffffffffu, 0x80000000u);
	ck_assert_int_eq(image_probe(b, sizeof png, &ii, &why), NY_ELIMIT);
	png_sized(b, 0, 10);
	ck_assert_int_eq(image_probe(b, sizeof png, &ii, &why), NY_ELIMIT);
	ck_assert_ptr_nonnull(strstr(why, "0"));
	/* JPEG of height 0 (a DNL marker would give it later: refused). */
	memcpy(b, jpeg, sizeof jpeg);
	b[31] = 0;
	b[32] = 0;
	ck_assert_int_eq(image_probe(b, sizeof jpeg, &ii, &why), NY_ELIMIT);
	/* VP8X canvas of 2^24 pixels; 4001 through VP8L. */
	memcpy(b, webp_vp8x, sizeof webp_vp8x);
	b[24] = b[25] = b[26] = 0xff;
	ck_assert_int_eq(image_probe(b, sizeof webp_vp8x, &ii, &why),
	    NY_ELIMIT);
	memcpy(b, webp_vp8l, sizeof webp_vp8l);
	b[21] = 0xff;
	b[22] = 0x3f;	/* width - 1 = 16383 */
	ck_assert_int_eq(image_probe(b, sizeof webp_vp8l, &ii, &why),
	    NY_ELIMIT);
}
END_TEST

/* A file in a temp dir holding len bytes of p, then zeros to size. */
static int
tmp_file(const unsigned char *p, size_t len, off_t size)
{
	char *path = tmp_path("img");
	int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, p, len), (ssize_t)len);
	if (size > (off_t)len)
		ck_assert_int_eq(ftruncate(fd, size), 0);
	/* image_put_fd reads from offset 0, wherever the fd stands. */
	free(path);
	return fd;
}

START_TEST(put_records_dims)
{
	char *dir = tmp_path("data"), sha[BLOB_SHA_LEN], sha2[BLOB_SHA_LEN];
	char mime[BLOB_MIME_LEN];
	struct db *db = test_db("image", NULL);
	struct image_info ii;
	const char *why = NULL;
	int fd, w = 0, h = 0;
	int64_t size = 0;

	fd = tmp_file(jpeg, sizeof jpeg, 0);
	ck_assert_int_eq(image_put_fd(db, dir, fd, sha, &ii, &why), NY_OK);
	close(fd);
	ck_assert_str_eq(ii.mime, "image/jpeg");
	ck_assert_int_eq(blob_get(db, sha, &size, mime), NY_OK);
	ck_assert_str_eq(mime, "image/jpeg");
	ck_assert_int_eq(size, (int64_t)sizeof jpeg);
	ck_assert_int_eq(image_dims(db, sha, &w, &h), NY_OK);
	ck_assert_int_eq(w, 320);
	ck_assert_int_eq(h, 240);

	/* The same bytes stored before as a product file under another name
	 * (octet-stream, no size): the row is corrected, not duplicated. */
	ck_assert_int_eq(blob_write_mem(dir, webp_vp8x, sizeof webp_vp8x,
	    "x.bin", sha2, mime), NY_OK);
	ck_assert_int_eq(blob_add(db, sha2, sizeof webp_vp8x,
	    "application/octet-stream"), NY_OK);
	ck_assert_int_eq(image_dims(db, sha2, &w, &h), NY_ENOTFOUND);
	fd = tmp_file(webp_vp8x, sizeof webp_vp8x, 0);
	ck_assert_int_eq(image_put_fd(db, dir, fd, sha, NULL, NULL), NY_OK);
	close(fd);
	ck_assert_str_eq(sha, sha2);
	ck_assert_int_eq(blob_get(db, sha, NULL, mime), NY_OK);
	ck_assert_str_eq(mime, "image/webp");
	ck_assert_int_eq(image_dims(db, sha, &w, &h), NY_OK);
	ck_assert_int_eq(sql_int(db, "SELECT count(*) FROM blobs"), 2);

	ck_assert_int_eq(image_dims(db, "00000000000000000000000000000000"
	    "00000000000000000000000000000000", &w, &h), NY_ENOTFOUND);
	db_close(db);
	free(dir);
}
END_TEST

/* Covers stored before images were measured get their size at start. */
START_TEST(legacy_covers_measured)
{
	char *dir = tmp_path("data"), sha[BLOB_SHA_LEN], bad[BLOB_SHA_LEN];
	char mime[BLOB_MIME_LEN], *sql;
	struct db *db = test_db("image", NULL);
	int w = 0, h = 0, n = -1;

	ck_assert_int_eq(blob_write_mem(dir, jpeg, sizeof jpeg, "c.jpg", sha,
	    mime), NY_OK);
	ck_assert_int_eq(blob_add(db, sha, sizeof jpeg, mime), NY_OK);
	ck_assert_int_eq(blob_write_mem(dir, "GIF89a", 6, "c.gif", bad,
	    mime), NY_OK);
	ck_assert_int_eq(blob_add(db, bad, 6, mime), NY_OK);
	sql = xasprintf("INSERT INTO creators(id, handle, created_at) "
	    "VALUES (1, 'amani', 0);"
	    "INSERT INTO products(creator_id, slug, kind, title, price_minor, "
	    "currency, cover_sha256, created_at, updated_at) VALUES "
	    "(1, 'a', 'download', 'A', 0, 'KES', '%s', 0, 0),"
	    "(1, 'b', 'download', 'B', 0, 'KES', '%s', 0, 0);", sha, bad);
	ck_assert_int_eq(db_exec(db, sql), NY_OK);
	free(sql);
	ck_assert_int_eq(image_dims(db, sha, &w, &h), NY_ENOTFOUND);
	ck_assert_int_eq(image_measure_legacy(db, dir, &n), NY_OK);
	ck_assert_int_eq(n, 1);
	ck_assert_int_eq(image_dims(db, sha, &w, &h), NY_OK);
	ck_assert_int_eq(w, 320);
	ck_assert_int_eq(image_dims(db, bad, &w, &h), NY_ENOTFOUND);
	ck_assert_int_eq(image_measure_legacy(db, dir, &n), NY_OK);
	ck_assert_int_eq(n, 0);		/* once */
	db_close(db);
	free(dir);
}
END_TEST

START_TEST(put_refuses)
{
	char *dir = tmp_path("data"), sha[BLOB_SHA_LEN];
	struct db *db = test_db("image", NULL);
	unsigned char big[sizeof png];
	const char *why = NULL;
	int fd, pfd[2];

	/* A renamed executable. */
	fd = tmp_file((const unsigned char *)"\x7f" "ELF\x02\x01\x01", 7, 4096);
	ck_assert_int_eq(image_put_fd(db, dir, fd, sha, NULL, &why), NY_EINVAL);
	ck_assert_str_eq(why, "not a PNG, JPEG or WebP image");
	close(fd);
	/* Truncated JPEG. */
	fd = tmp_file(jpeg, 30, 0);
	ck_assert_int_eq(image_put_fd(db, dir, fd, sha, NULL, &why), NY_EINVAL);
	close(fd);
	/* 5 MiB + 1 of a valid PNG header: refused before reading it. */
	fd = tmp_file(png, sizeof png, IMAGE_MAX_BYTES + 1);
	ck_assert_int_eq(image_put_fd(db, dir, fd, sha, NULL, &why), NY_ELIMIT);
	ck_assert_str_eq(why, "larger than 5 MB");
	close(fd);
	/* Exactly 5 MiB is taken. */
	fd = tmp_file(png, sizeof png, IMAGE_MAX_BYTES);
	ck_assert_int_eq(image_put_fd(db, dir, fd, sha, NULL, &why), NY_OK);
	close(fd);
	/* Too many pixels. */
	png_sized(big, 4001, 1);
	fd = tmp_file(big, sizeof big, 0);
	ck_assert_int_eq(image_put_fd(db, dir, fd, sha, NULL, &why), NY_ELIMIT);
	close(fd);
	/* Not a regular file. */
	ck_assert_int_eq(pipe(pfd), 0);
	ck_assert_int_eq(image_put_fd(db, dir, pfd[0], sha, NULL, &why),
	    NY_EINVAL);
	close(pfd[0]);
	close(pfd[1]);
	/* Only the 5 MiB PNG made it into the blobs. */
	ck_assert_int_eq(sql_int(db, "SELECT count(*) FROM blobs"), 1);
	db_close(db);
	free(dir);
}
END_TEST

/* Cheap in-suite fuzzing (the libFuzzer target goes further): random
 * byte flips of each sample never crash, and a success is in range. */
START_TEST(mutations)
{
	unsigned seed = 12345;

	for (int round = 0; round < 20000; round++) {
		size_t i = (size_t)round % NSAMPLES, n = samples[i].n;
		unsigned char *b = xmalloc(n);
		struct image_info ii;
		const char *why;

		memcpy(b, samples[i].p, n);
		for (int k = 0; k < 3; k++) {
			seed = seed * 1103515245u + 12345u;
			b[(seed >> 8) % n] = (unsigned char)(seed >> 20);
		}
		seed = seed * 1103515245u + 12345u;
		n = (seed >> 8) % (n + 1);
		if (image_probe(b, n, &ii, &why) == NY_OK)
			ck_assert(ii.width >= 1 && ii.width <= IMAGE_MAX_PX &&
			    ii.height >= 1 && ii.height <= IMAGE_MAX_PX);
		else
			ck_assert_ptr_nonnull(why);
		free(b);
	}
}
END_TEST

static Suite *
image_suite(void)
{
	Suite *s = suite_create("image");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, formats);
	tcase_add_test(tc, truncated);
	tcase_add_test(tc, refused);
	tcase_add_test(tc, pixel_limits);
	tcase_add_test(tc, put_records_dims);
	tcase_add_test(tc, put_refuses);
	tcase_add_test(tc, legacy_covers_measured);
	tcase_add_test(tc, mutations);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return run_suite(image_suite());
}
