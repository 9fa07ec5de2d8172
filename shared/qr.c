/*
 * qr.c: QR codes via libqrencode, as half-block text and as SVG.
 */
#include <qrencode.h>
#include <stdlib.h>
#include <string.h>

#include "ny.h"
#include "qr.h"

#define QR_QUIET	4
#define QR_MAX_TEXT	2048	/* well within version 40-M's 2331 bytes */

static QRcode *
encode(const char *text)
{
	if (text == NULL || text[0] == '\0' || strlen(text) > QR_MAX_TEXT)
		return NULL;
	return QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
}

/* 1 when the module at (x, y) of the padded symbol is dark. */
static int
dark_at(const QRcode *qr, int x, int y)
{
	x -= QR_QUIET;
	y -= QR_QUIET;
	if (x < 0 || y < 0 || x >= qr->width || y >= qr->width)
		return 0;
	return qr->data[y * qr->width + x] & 1;
}

enum ny_err
qr_text(const char *text, enum qr_style style, char **out, size_t *cols)
{
	static const char *const glyph[4] = {
		" ", "\xe2\x96\x80" /* ▀ */, "\xe2\x96\x84" /* ▄ */,
		"\xe2\x96\x88" /* █ */,
	};
	QRcode *qr = encode(text);
	struct ny_buf b;
	int size, x, y;

	if (qr == NULL)
		return NY_EINVAL;
	size = qr->width + 2 * QR_QUIET;
	buf_init(&b, 0);
	for (y = 0; y < size; y += 2) {
		for (x = 0; x < size; x++) {
			int top = dark_at(qr, x, y);
			int bot = y + 1 < size ? dark_at(qr, x, y + 1) : 0;

			/* On a dark background the printed cells are the light
			 * ones; the half row below the symbol stays unprinted. */
			if (style == QR_DARK_BG) {
				top = !top;
				bot = y + 1 < size ? !bot : 0;
			}
			buf_adds(&b, glyph[top | bot << 1]);
		}
		buf_adds(&b, "\n");
	}
	if (cols != NULL)
		*cols = (size_t)size;
	QRcode_free(qr);
	*out = buf_steal(&b, NULL);
	return NY_OK;
}

enum ny_err
qr_svg(const char *text, char **out)
{
	QRcode *qr = encode(text);
	struct ny_buf b;
	int size, x, y, run;

	if (qr == NULL)
		return NY_EINVAL;
	size = qr->width + 2 * QR_QUIET;
	buf_init(&b, 0);
	buf_printf(&b, "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"qr\" "
	    "viewBox=\"0 0 %d %d\" shape-rendering=\"crispEdges\" "
	    "style=\"background:#fff\" role=\"img\"><path fill=\"#000\" d=\"",
	    size, size);
	/* One subpath per horizontal run of dark modules. */
	for (y = 0; y < qr->width; y++) {
		for (x = 0; x < qr->width; x += run > 0 ? run : 1) {
			run = 0;
			while (x + run < qr->width &&
			    (qr->data[y * qr->width + x + run] & 1))
				run++;
			if (run > 0)
				buf_printf(&b, "M%d %dh%dv1h-%dz", x + QR_QUIET,
				    y + QR_QUIET, run, run);
		}
	}
	buf_adds(&b, "\"/></svg>");
	QRcode_free(qr);
	*out = buf_steal(&b, NULL);
	return NY_OK;
}
