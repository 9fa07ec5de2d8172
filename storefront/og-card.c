/*
 * og-card.c: the link-preview card (see og-card.h). Layout on 1200×630:
 *
 *	Nyota                                  the site, gold, top left
 *	Title of the product                   white, 3× (22 columns, 2
 *	on up to three lines                   lines) or 2× (33, 3 lines)
 *	KES 500.00                             gold, 2×, up to 2 lines
 *	…
 *	Creator's name                         lavender, 2×, at the bottom
 *	════════════════════════════════════   a gold stripe
 *
 * The glyphs are 16×32 cells scaled by whole numbers: crisp edges, no
 * blending, so four palette colours and a 2-bit PNG, which deflate
 * shrinks to a few tens of kilobytes.
 */
#include <stdlib.h>
#include <string.h>

#include "og-card.h"
#include "png.h"

#define OG_MARGIN	72
#define OG_TEXT_W	(OG_CARD_W - 2 * OG_MARGIN)
#define OG_CPS_MAX	400	/* code points of one text considered */
#define OG_LINES_MAX	3
#define OG_COLS_MAX	(OG_TEXT_W / 16)
#define OG_TITLE_Y	140
#define OG_BYLINE_Y	(OG_CARD_H - 40 - 64)
#define OG_STRIPE_H	16

enum { OG_BG, OG_WHITE, OG_GOLD, OG_LAVENDER, OG_NCOLORS };

static const uint8_t og_palette[OG_NCOLORS * 3] = {
	0x1d, 0x1b, 0x4b,	/* the site's theme colour */
	0xff, 0xff, 0xff,
	0xf5, 0xb8, 0x2e,
	0xb8, 0xb5, 0xe8,
};

/* Bumped whenever the drawing changes, so ETags and URLs change too. */
static const char og_card_version[] = "og-card 2";

/* The glyph of cp in the font, or NULL. */
static const struct og_glyph *
og_glyph_find(uint32_t cp)
{
	size_t lo = 0, hi = og_nglyphs;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (og_glyphs[mid].cp == cp)
			return &og_glyphs[mid];
		if (og_glyphs[mid].cp < cp)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

const struct og_glyph *
og_glyph(uint32_t cp)
{
	const struct og_glyph *g = og_glyph_find(cp);
	size_t lo = 0, hi = og_nfolds;

	while (g == NULL && lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (og_folds[mid].cp == cp) {
			g = og_glyph_find(og_folds[mid].to);
			break;
		}
		if (og_folds[mid].cp < cp)
			lo = mid + 1;
		else
			hi = mid;
	}
	/* U+FFFD sorts last in the table */
	return g != NULL ? g : &og_glyphs[og_nglyphs - 1];
}

/*
 * Decodes UTF-8 s into at most max code points: invalid sequences become
 * U+FFFD, control characters and runs of them and spaces one space,
 * leading and trailing space dropped. Returns the count.
 */
static int
og_decode(const char *s, uint32_t *cp, int max)
{
	const unsigned char *p = (const unsigned char *)(s ? s : "");
	int n = 0;

	while (*p != '\0' && n < max) {
		uint32_t c = *p, min = 0;
		int len = 1, i;

		if (c >= 0xf0 && c < 0xf5) {
			len = 4;
			c &= 0x07;
			min = 0x10000;
		} else if (c >= 0xe0 && c < 0xf0) {
			len = 3;
			c &= 0x0f;
			min = 0x800;
		} else if (c >= 0xc2 && c < 0xe0) {
			len = 2;
			c &= 0x1f;
			min = 0x80;
		} else if (c >= 0x80)
			c = 0xfffd;
		for (i = 1; i < len; i++) {
			if ((p[i] & 0xc0) != 0x80)
				break;
			c = c << 6 | (p[i] & 0x3f);
		}
		if (i < len) {
			c = 0xfffd;
			len = i;
		} else if (c < min || c > 0x10ffff ||
		    (c >= 0xd800 && c < 0xe000))
			c = 0xfffd;
		p += len;
		/* U+00A0 stays: a space the lines never break at */
		if (c < 0x20 || (c >= 0x7f && c < 0xa0))
			c = ' ';
		if (c == ' ' && (n == 0 || cp[n - 1] == ' '))
			continue;
		cp[n++] = c;
	}
	while (n > 0 && cp[n - 1] == ' ')
		n--;
	return n;
}

struct og_lines {
	uint32_t	 cp[OG_LINES_MAX][OG_COLS_MAX];
	int		 len[OG_LINES_MAX];
	int		 n;
};

/*
 * Wraps cp[0..n) at spaces into at most maxl lines of cols columns (a word
 * longer than a line is broken). Text left over ends the last line with
 * "…". Returns 1 when everything fitted, 0 when cut.
 */
static int
og_wrap(const uint32_t *cp, int n, int cols, int maxl, struct og_lines *l)
{
	uint32_t *row;
	int pos = 0, end, k, *len;

	l->n = 0;
	while (pos < n && l->n < maxl) {
		end = pos;
		for (k = pos; k <= n && k - pos <= cols; k++)
			if (k == n || cp[k] == ' ')
				end = k;
		if (end == pos)		/* one word wider than the line */
			end = pos + cols < n ? pos + cols : n;
		memcpy(l->cp[l->n], cp + pos, (size_t)(end - pos) * sizeof *cp);
		l->len[l->n++] = end - pos;
		pos = end;
		while (pos < n && cp[pos] == ' ')
			pos++;
	}
	if (pos >= n)
		return 1;
	row = l->cp[l->n - 1];
	len = &l->len[l->n - 1];
	if (*len > cols - 1) {
		int cut = cols - 1;

		/* inside a word: back to a space if one is in the second
		 * half, else the word is cut */
		if (row[cut] != ' ')
			for (k = cut - 1; k > cols / 2; k--)
				if (row[k] == ' ') {
					cut = k;
					break;
				}
		*len = cut;
	}
	while (*len > 0 && row[*len - 1] == ' ')
		(*len)--;
	row[(*len)++] = 0x2026;
	return 0;
}

/* Draws one glyph with its cell's top left at (x, y), scaled. */
static void
og_draw_glyph(uint8_t *px, int x, int y, const struct og_glyph *g, int scale,
    uint8_t color)
{
	int r, c, dy, dx;

	for (r = 0; r < 32; r++) {
		if (g->rows[r] == 0)
			continue;
		for (c = 0; c < 16; c++) {
			if (!(g->rows[r] & (0x8000 >> c)))
				continue;
			for (dy = 0; dy < scale; dy++) {
				int yy = y + r * scale + dy;
				uint8_t *row = px + (size_t)yy * OG_CARD_W;

				if (yy < 0 || yy >= OG_CARD_H)
					continue;
				for (dx = 0; dx < scale; dx++) {
					int xx = x + c * scale + dx;

					if (xx >= 0 && xx < OG_CARD_W)
						row[xx] = color;
				}
			}
		}
	}
}

static void
og_draw_line(uint8_t *px, int x, int y, const uint32_t *cp, int n, int scale,
    uint8_t color)
{
	int i;

	for (i = 0; i < n; i++)
		og_draw_glyph(px, x + i * 16 * scale, y, og_glyph(cp[i]),
		    scale, color);
}

/* Text at 2× on up to maxl lines, cut with "…" when longer. */
static void
og_draw_text(uint8_t *px, int y, const char *s, int maxl, uint8_t color)
{
	uint32_t cp[OG_CPS_MAX];
	struct og_lines l;
	int n = og_decode(s, cp, OG_CPS_MAX), i;

	if (n == 0)
		return;
	og_wrap(cp, n, OG_TEXT_W / 32, maxl, &l);
	for (i = 0; i < l.n; i++, y += 60)
		og_draw_line(px, OG_MARGIN, y, l.cp[i], l.len[i], 2, color);
}

/* The title at 3× on up to two lines, else 2× on up to three; returns
 * the y below it. */
static int
og_draw_title(uint8_t *px, const char *s)
{
	uint32_t cp[OG_CPS_MAX];
	struct og_lines l;
	int n = og_decode(s, cp, OG_CPS_MAX), scale = 3, i, y = OG_TITLE_Y;

	if (n == 0)
		return y;
	if (!og_wrap(cp, n, OG_TEXT_W / 48, 2, &l)) {
		scale = 2;
		og_wrap(cp, n, OG_TEXT_W / 32, 3, &l);
	}
	/* rows 0 and 31 of every cell are blank (scripts/og-font.py
	 * subset): lines may overlap there */
	for (i = 0; i < l.n; i++, y += 30 * scale)
		og_draw_line(px, OG_MARGIN, y, l.cp[i], l.len[i], scale,
		    OG_WHITE);
	return y;
}

enum ny_err
og_card_png(const struct og_card *c, struct ny_buf *out)
{
	static const uint32_t site[] = { 'N', 'y', 'o', 't', 'a' };
	uint8_t *px = xcalloc(OG_CARD_W, OG_CARD_H);	/* all OG_BG */
	enum ny_err rc;
	int y;

	og_draw_line(px, OG_MARGIN, 40, site, 5, 2, OG_GOLD);
	y = og_draw_title(px, c->title);
	/* at most y 320 + 16 + 2 × 60: clear of the byline at 526 */
	og_draw_text(px, y + 16, c->line, 2, OG_GOLD);
	og_draw_text(px, OG_BYLINE_Y, c->byline, 1, OG_LAVENDER);
	memset(px + (size_t)(OG_CARD_H - OG_STRIPE_H) * OG_CARD_W, OG_GOLD,
	    (size_t)OG_STRIPE_H * OG_CARD_W);
	rc = png_indexed(px, OG_CARD_W, OG_CARD_H, og_palette, OG_NCOLORS,
	    out);
	free(px);
	return rc;
}

/* FNV-1a 64 over s and its NUL, continuing h. */
static uint64_t
og_fnv(uint64_t h, const char *s)
{
	const unsigned char *p = (const unsigned char *)(s ? s : "");

	do {
		h ^= *p;
		h *= 0x100000001b3ULL;
	} while (*p++ != '\0');
	return h;
}

uint64_t
og_card_hash(const struct og_card *c)
{
	uint64_t h = 0xcbf29ce484222325ULL;

	h = og_fnv(h, og_card_version);
	h = og_fnv(h, c->title);
	h = og_fnv(h, c->line);
	return og_fnv(h, c->byline);
}
