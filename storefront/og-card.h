/*
 * og-card.h: the 1200×630 picture a link preview shows (og:image) when no
 * cover fits: the product's title large, a price line, a byline and the
 * site's name, drawn with an embedded bitmap font (og-font.c) and written
 * as an indexed PNG (png.c). Pure: no request, no database.
 */
#ifndef NY_OG_CARD_H
#define NY_OG_CARD_H

#include <stddef.h>
#include <stdint.h>

#include "ny.h"

#define OG_CARD_W	1200
#define OG_CARD_H	630
/* What a crawler takes (WhatsApp's limit is about 300 KB); a card is far
 * below it, this is the output buffer's maximum. */
#define OG_CARD_MAX	(300 * 1024)

/* One glyph of og-font.c: a code point and 32 rows of 16 pixels, the
 * leftmost pixel in the high bit. */
struct og_glyph {
	uint32_t	 cp;
	uint16_t	 rows[32];
};
extern const struct og_glyph og_glyphs[];
extern const size_t og_nglyphs;
/* A letter with marks the font lacks and the base letter drawn for it
 * ("ũ" → "u"). */
struct og_fold {
	uint16_t	 cp;
	uint16_t	 to;
};
extern const struct og_fold og_folds[];
extern const size_t og_nfolds;

/* The glyph of code point cp, its base letter's (og_folds), or U+FFFD's
 * for one the font lacks. */
const struct og_glyph *og_glyph(uint32_t cp);

/* What a card says (UTF-8; NULL or "" draws nothing there). */
struct og_card {
	const char	*title;		/* large, word-wrapped, up to 3 lines */
	const char	*line;		/* the price line, in the accent colour */
	const char	*byline;	/* the creator's name, at the bottom */
};

/*
 * Appends the card's PNG to out (OG_CARD_W × OG_CARD_H, 4 colours).
 * Text the width cannot hold is cut at a word and ends with "…"; code
 * points the font lacks are drawn as U+FFFD, invalid UTF-8 too.
 * Returns NY_OK or NY_ELIMIT (out's maximum).
 */
enum ny_err	 og_card_png(const struct og_card *c, struct ny_buf *out);

/*
 * A 64-bit digest of everything that decides the card's pixels (its
 * texts and the drawing's version): the ETag of the image and the v= of
 * its URL, known without drawing anything.
 */
uint64_t	 og_card_hash(const struct og_card *c);

#endif
