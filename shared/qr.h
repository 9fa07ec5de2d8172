/*
 * qr.h: QR codes (libqrencode, error correction M, 8-bit mode) drawn for
 * a terminal with half blocks or as inline SVG for web pages.
 */
#ifndef NY_QR_H
#define NY_QR_H

#include <stddef.h>

#include "ny.h"

/* What the terminal's default colours are; scanners need dark on light. */
enum qr_style {
	QR_LIGHT_BG,	/* dark text on a light background: print dark modules */
	QR_DARK_BG,	/* light text on a dark background (most terminals):
			   print light modules and the quiet zone */
};

/*
 * Draws text as a QR code with a 4-module quiet zone, two module rows per
 * line using "▀", "▄", "█" and spaces; lines end with '\n'. On NY_OK *out
 * is a malloc'd UTF-8 string (caller frees) and *cols (if not NULL) the
 * width in terminal columns (= modules + 8; lines = (cols + 1) / 2).
 * Returns NY_EINVAL when text is empty or too long to encode.
 */
enum ny_err qr_text(const char *text, enum qr_style style, char **out,
	    size_t *cols);

/*
 * The same code as one inline <svg> element (viewBox in modules, quiet
 * zone included, white background, one <path> of dark modules); size it
 * with CSS. *out is malloc'd (caller frees). Returns NY_OK or NY_EINVAL.
 */
enum ny_err qr_svg(const char *text, char **out);

#endif
