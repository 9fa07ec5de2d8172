/*
 * png.h: a small PNG writer for generated images (the link-preview cards,
 * og-card.c): indexed colour, no filters, one IDAT, compressed by our own
 * deflate encoder (fixed Huffman codes with LZ77 matches). No image or
 * compression library is linked for it: flat-colour pictures compress
 * well with runs alone, and the encoder is small enough to read whole.
 */
#ifndef NY_PNG_H
#define NY_PNG_H

#include <stddef.h>
#include <stdint.h>

#include "ny.h"

#define PNG_COLORS_MAX	256

/*
 * Appends to out the PNG of a w × h image whose pixels are palette indices
 * (px, w * h bytes, row by row, each < ncolors), with the palette rgb
 * (ncolors × 3 bytes, 1 ≤ ncolors ≤ 256). The bit depth is the smallest
 * that holds ncolors (1, 2, 4 or 8). Returns NY_OK, NY_EINVAL for a bad
 * size or index, or NY_ELIMIT when out's maximum is hit.
 */
enum ny_err	 png_indexed(const uint8_t *px, int w, int h,
		     const uint8_t *rgb, int ncolors, struct ny_buf *out);

/*
 * Appends to out a zlib stream (RFC 1950) of in[0..n): one final deflate
 * block with the fixed Huffman codes (RFC 1951 §3.2.6), matches found at
 * distance 1 (runs), at distance hint (0: none; the previous row of an
 * image) and through a hash of the next three bytes. Returns NY_OK or
 * NY_ELIMIT.
 */
enum ny_err	 png_zlib(const uint8_t *in, size_t n, size_t hint,
		     struct ny_buf *out);

/* CRC-32 (ISO-HDLC, as PNG and zlib's crc32) of p[0..n), continuing crc
 * (start with 0). */
uint32_t	 png_crc32(uint32_t crc, const void *p, size_t n);
/* Adler-32 of p[0..n) (start with 1). */
uint32_t	 png_adler32(uint32_t adler, const void *p, size_t n);

#endif
