/*
 * png.c: the PNG writer and its deflate encoder (see png.h).
 *
 * Deflate here is one block of fixed Huffman codes: no code tables to
 * build or send, and for the pictures we make (a few flat colours and
 * scaled bitmap glyphs) the matches do the work: a blank row is a handful
 * of 258-byte runs, a row that repeats the one above is one or two
 * matches at the row's distance. The matcher is greedy with three
 * candidates per position (the byte before, the row above, the last
 * place the next three bytes were seen), so it runs in linear time.
 */
#include <stdlib.h>
#include <string.h>

#include "png.h"

#define PNG_WINDOW	32768
#define PNG_MATCH_MIN	3
#define PNG_MATCH_MAX	258
#define PNG_HASH_BITS	15

/* The CRC-32 of one nibble (polynomial 0xEDB88320): 16 entries instead of
 * 256 keep the table readable; chunks are small, speed is not at stake. */
static const uint32_t png_crc_nibble[16] = {
	0x00000000, 0x1db71064, 0x3b6e20c8, 0x26d930ac,
	0x76dc4190, 0x6b6b51f4, 0x4db26158, 0x5005713c,
	0xedb88320, 0xf00f9344, 0xd6d6a3e8, 0xcb61b38c,
	0x9b64c2b0, 0x86d3d2d4, 0xa00ae278, 0xbdbdf21c,
};

uint32_t
png_crc32(uint32_t crc, const void *p, size_t n)
{
	const uint8_t *b = p;
	size_t i;

	crc = ~crc;
	for (i = 0; i < n; i++) {
		crc ^= b[i];
		crc = (crc >> 4) ^ png_crc_nibble[crc & 15];
		crc = (crc >> 4) ^ png_crc_nibble[crc & 15];
	}
	return ~crc;
}

uint32_t
png_adler32(uint32_t adler, const void *p, size_t n)
{
	const uint8_t *b = p;
	uint32_t a = adler & 0xffff, s = adler >> 16;
	size_t i, k;

	/* 5552 bytes is the most that cannot overflow s before the modulo */
	for (i = 0; i < n; i += k) {
		size_t end = n - i < 5552 ? n - i : 5552;

		for (k = 0; k < end; k++) {
			a += b[i + k];
			s += a;
		}
		a %= 65521;
		s %= 65521;
	}
	return s << 16 | a;
}

/* Bits going out least significant first, as deflate packs them. */
struct png_bits {
	struct ny_buf	*out;
	uint64_t	 acc;
	int		 n;
	enum ny_err	 rc;
};

/* Writes the low count bits of v. */
static void
png_put(struct png_bits *w, uint32_t v, int count)
{
	w->acc |= (uint64_t)v << w->n;
	w->n += count;
	while (w->n >= 8) {
		uint8_t byte = (uint8_t)w->acc;

		if (w->rc == NY_OK)
			w->rc = buf_add(w->out, &byte, 1);
		w->acc >>= 8;
		w->n -= 8;
	}
}

/* Writes a Huffman code: count bits, most significant first. */
static void
png_put_code(struct png_bits *w, uint32_t code, int count)
{
	uint32_t r = 0;
	int i;

	for (i = 0; i < count; i++)
		r |= ((code >> i) & 1) << (count - 1 - i);
	png_put(w, r, count);
}

/* A literal/length symbol (0…287) in the fixed code. */
static void
png_put_sym(struct png_bits *w, int sym)
{
	if (sym < 144)
		png_put_code(w, 0x30 + (uint32_t)sym, 8);
	else if (sym < 256)
		png_put_code(w, 0x190 + (uint32_t)(sym - 144), 9);
	else if (sym < 280)
		png_put_code(w, (uint32_t)(sym - 256), 7);
	else
		png_put_code(w, 0xc0 + (uint32_t)(sym - 280), 8);
}

static const uint16_t png_len_base[29] = {
	3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51,
	59, 67, 83, 99, 115, 131, 163, 195, 227, 258
};
static const uint8_t png_len_extra[29] = {
	0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4,
	4, 5, 5, 5, 5, 0
};
static const uint16_t png_dist_base[30] = {
	1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385,
	513, 769, 1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577
};
static const uint8_t png_dist_extra[30] = {
	0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10,
	10, 11, 11, 12, 12, 13, 13
};

/* A match: length 3…258 at distance 1…32768. */
static void
png_put_match(struct png_bits *w, size_t len, size_t dist)
{
	int i = 28, d = 29;

	while (png_len_base[i] > len)
		i--;
	png_put_sym(w, 257 + i);
	png_put(w, (uint32_t)(len - png_len_base[i]), png_len_extra[i]);
	while (png_dist_base[d] > dist)
		d--;
	png_put_code(w, (uint32_t)d, 5);
	png_put(w, (uint32_t)(dist - png_dist_base[d]), png_dist_extra[d]);
}

/* How many bytes at in + i equal those dist before, at most max. */
static size_t
png_match_len(const uint8_t *in, size_t i, size_t dist, size_t max)
{
	size_t k = 0;

	while (k < max && in[i + k] == in[i + k - dist])
		k++;
	return k;
}

static uint32_t
png_hash3(const uint8_t *p)
{
	uint32_t v = (uint32_t)p[0] << 16 | (uint32_t)p[1] << 8 | p[2];

	return (v * 2654435761u) >> (32 - PNG_HASH_BITS);
}

enum ny_err
png_zlib(const uint8_t *in, size_t n, size_t hint, struct ny_buf *out)
{
	static const uint8_t head[2] = { 0x78, 0x01 };	/* 32K window */
	struct png_bits w = { out, 0, 0, NY_OK };
	uint32_t *last = xmalloc(sizeof *last << PNG_HASH_BITS);
	uint32_t adler = png_adler32(1, in, n);
	uint8_t tail[4];
	size_t i = 0;

	/* 0 marks an empty slot: positions are stored plus one */
	memset(last, 0, sizeof *last << PNG_HASH_BITS);
	w.rc = buf_add(out, head, sizeof head);
	png_put(&w, 1, 1);	/* BFINAL */
	png_put(&w, 1, 2);	/* BTYPE 01: fixed codes */
	while (i < n && w.rc == NY_OK) {
		size_t max = n - i < PNG_MATCH_MAX ? n - i : PNG_MATCH_MAX;
		size_t best = 0, dist = 0, len, cand[3];
		int k;

		cand[0] = 1;
		cand[1] = hint;
		cand[2] = 0;
		if (max >= PNG_MATCH_MIN) {
			uint32_t h = png_hash3(in + i);

			if (last[h] != 0)
				cand[2] = i - (last[h] - 1);
			last[h] = (uint32_t)i + 1;
		}
		for (k = 0; k < 3; k++) {
			if (cand[k] == 0 || cand[k] > i ||
			    cand[k] > PNG_WINDOW)
				continue;
			len = png_match_len(in, i, cand[k], max);
			if (len > best) {
				best = len;
				dist = cand[k];
			}
		}
		if (best >= PNG_MATCH_MIN) {
			png_put_match(&w, best, dist);
			i += best;
		} else
			png_put_sym(&w, in[i++]);
	}
	png_put_sym(&w, 256);	/* end of block */
	if (w.n > 0)
		png_put(&w, 0, 8 - w.n);
	free(last);
	tail[0] = (uint8_t)(adler >> 24);
	tail[1] = (uint8_t)(adler >> 16);
	tail[2] = (uint8_t)(adler >> 8);
	tail[3] = (uint8_t)adler;
	if (w.rc == NY_OK)
		w.rc = buf_add(out, tail, sizeof tail);
	return w.rc;
}

static void
png_be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

/* Appends one chunk: length, type, data, CRC of type and data. */
static enum ny_err
png_chunk(struct ny_buf *out, const char *type, const void *data, size_t n)
{
	uint8_t b[4];
	uint32_t crc;
	enum ny_err rc;

	png_be32(b, (uint32_t)n);
	crc = png_crc32(png_crc32(0, type, 4), data, n);
	if ((rc = buf_add(out, b, 4)) != NY_OK ||
	    (rc = buf_add(out, type, 4)) != NY_OK ||
	    (rc = buf_add(out, data, n)) != NY_OK)
		return rc;
	png_be32(b, crc);
	return buf_add(out, b, 4);
}

enum ny_err
png_indexed(const uint8_t *px, int w, int h, const uint8_t *rgb,
    int ncolors, struct ny_buf *out)
{
	static const uint8_t sig[8] = { 0x89, 'P', 'N', 'G', '\r', '\n',
	    0x1a, '\n' };
	uint8_t ihdr[13], *raw;
	struct ny_buf z;
	size_t row, i, npx;
	int depth = 1, y, x;
	enum ny_err rc;

	if (w <= 0 || h <= 0 || w > 16384 || h > 16384 || ncolors < 1 ||
	    ncolors > PNG_COLORS_MAX)
		return NY_EINVAL;
	npx = (size_t)w * (size_t)h;
	for (i = 0; i < npx; i++)
		if (px[i] >= ncolors)
			return NY_EINVAL;
	while ((1 << depth) < ncolors)
		depth *= 2;
	/* each row: filter type 0 (none), then the packed indices, the
	 * leftmost pixel in the high bits */
	row = 1 + ((size_t)w * (size_t)depth + 7) / 8;
	raw = xcalloc((size_t)h, row);
	for (y = 0; y < h; y++) {
		uint8_t *r = raw + (size_t)y * row + 1;
		const uint8_t *s = px + (size_t)y * (size_t)w;

		for (x = 0; x < w; x++) {
			int bit = x * depth;

			r[bit / 8] |= (uint8_t)(s[x] << (8 - depth - bit % 8));
		}
	}
	png_be32(ihdr, (uint32_t)w);
	png_be32(ihdr + 4, (uint32_t)h);
	ihdr[8] = (uint8_t)depth;
	ihdr[9] = 3;		/* indexed colour */
	ihdr[10] = ihdr[11] = ihdr[12] = 0;
	buf_init(&z, out->max);
	rc = png_zlib(raw, (size_t)h * row, row, &z);
	free(raw);
	if (rc == NY_OK)
		rc = buf_add(out, sig, sizeof sig);
	if (rc == NY_OK)
		rc = png_chunk(out, "IHDR", ihdr, sizeof ihdr);
	if (rc == NY_OK)
		rc = png_chunk(out, "PLTE", rgb, (size_t)ncolors * 3);
	if (rc == NY_OK)
		rc = png_chunk(out, "IDAT", z.data, z.len);
	if (rc == NY_OK)
		rc = png_chunk(out, "IEND", "", 0);
	buf_free(&z);
	return rc;
}
