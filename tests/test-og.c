/*
 * test-og: link previews. The PNG writer (CRC-32 and Adler-32 against
 * known values, zlib streams inflated back by a small inflater written
 * here from RFC 1951, chunks and their CRCs), the card (1200×630, its
 * size, its pixels, text the font lacks, long titles), and the Open
 * Graph values rendered through the real layout: absolute URLs, locale,
 * a hostile title escaped in every attribute.
 */
#include <check.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "catalog.h"
#include "i18n.h"
#include "testutil.h"
#include "../storefront/og-card.h"
#include "../storefront/og.h"
#include "../storefront/png.h"
#include "../storefront/tmpl.h"

/* ---- a small inflater (fixed and stored blocks: what png_zlib makes) -- */

struct inf {
	const uint8_t	*in;
	size_t		 n, pos;	/* pos in bits */
	uint8_t		*out;
	size_t		 len, cap;
	int		 bad;
};

static unsigned
inf_bits(struct inf *s, int count)
{
	unsigned v = 0;
	int i;

	for (i = 0; i < count; i++, s->pos++) {
		if (s->pos / 8 >= s->n) {
			s->bad = 1;
			return 0;
		}
		v |= (unsigned)((s->in[s->pos / 8] >> (s->pos % 8)) & 1) << i;
	}
	return v;
}

/* A Huffman code of count bits, read most significant bit first. */
static unsigned
inf_code(struct inf *s, int count)
{
	unsigned v = 0;
	int i;

	for (i = 0; i < count; i++)
		v = v << 1 | inf_bits(s, 1);
	return v;
}

/* One symbol of the fixed literal/length code (RFC 1951 §3.2.6). */
static int
inf_sym(struct inf *s)
{
	unsigned v = inf_code(s, 7);

	if (v <= 0x17)
		return 256 + (int)v;
	v = v << 1 | inf_bits(s, 1);
	if (v >= 0x30 && v <= 0xbf)
		return (int)v - 0x30;
	if (v >= 0xc0 && v <= 0xc7)
		return 280 + (int)v - 0xc0;
	v = v << 1 | inf_bits(s, 1);
	return 144 + (int)v - 0x190;
}

static void
inf_put(struct inf *s, uint8_t b)
{
	if (s->len == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 4096;
		s->out = xrealloc(s->out, s->cap);
	}
	s->out[s->len++] = b;
}

/* Inflates a zlib stream; returns the bytes (caller frees) and *len, or
 * NULL when anything about it is wrong, the Adler-32 included. */
static uint8_t *
inflate_zlib(const uint8_t *z, size_t n, size_t *len)
{
	static const uint16_t lb[29] = { 3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15,
	    17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163,
	    195, 227, 258 };
	static const uint8_t le[29] = { 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1,
	    2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0 };
	static const uint16_t db[30] = { 1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33,
	    49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537, 2049, 3073,
	    4097, 6145, 8193, 12289, 16385, 24577 };
	static const uint8_t de[30] = { 0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5,
	    5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13 };
	struct inf s = { z, n, 16, NULL, 0, 0, 0 };
	int final = 0, sym;
	size_t end;
	uint32_t adler;

	if (n < 6 || (z[0] & 0x0f) != 8 || (z[0] << 8 | z[1]) % 31 != 0 ||
	    (z[1] & 0x20))
		return NULL;
	while (!final && !s.bad) {
		final = (int)inf_bits(&s, 1);
		switch (inf_bits(&s, 2)) {
		case 0: {
			unsigned blen, nlen, i;

			s.pos = (s.pos + 7) / 8 * 8;
			blen = inf_bits(&s, 16);
			nlen = inf_bits(&s, 16);
			if ((blen ^ 0xffff) != nlen)
				s.bad = 1;
			for (i = 0; i < blen && !s.bad; i++)
				inf_put(&s, (uint8_t)inf_bits(&s, 8));
			break;
		}
		case 1:
			while (!s.bad && (sym = inf_sym(&s)) != 256) {
				size_t l, d, k;

				if (sym < 256) {
					inf_put(&s, (uint8_t)sym);
					continue;
				}
				if (sym > 285) {
					s.bad = 1;
					break;
				}
				l = lb[sym - 257] + inf_bits(&s, le[sym - 257]);
				sym = (int)inf_code(&s, 5);
				if (sym > 29) {
					s.bad = 1;
					break;
				}
				d = db[sym] + inf_bits(&s, de[sym]);
				if (d > s.len || d > 32768) {
					s.bad = 1;
					break;
				}
				for (k = 0; k < l; k++)
					inf_put(&s, s.out[s.len - d]);
			}
			break;
		default:
			s.bad = 1;
		}
	}
	end = (s.pos + 7) / 8;
	if (s.bad || end + 4 != n) {
		free(s.out);
		return NULL;
	}
	adler = (uint32_t)z[end] << 24 | (uint32_t)z[end + 1] << 16 |
	    (uint32_t)z[end + 2] << 8 | z[end + 3];
	if (adler != png_adler32(1, s.out, s.len)) {
		free(s.out);
		return NULL;
	}
	*len = s.len;
	if (s.out == NULL)
		s.out = xmalloc(1);
	return s.out;
}

/* Compresses in with png_zlib and checks it inflates back to in. */
static size_t
roundtrip(const uint8_t *in, size_t n, size_t hint)
{
	struct ny_buf z;
	uint8_t *back;
	size_t len = 0, zlen;

	buf_init(&z, 0);
	ck_assert_int_eq(png_zlib(in, n, hint, &z), NY_OK);
	back = inflate_zlib((const uint8_t *)z.data, z.len, &len);
	ck_assert_msg(back != NULL, "stream of %zu bytes does not inflate", n);
	ck_assert_uint_eq(len, n);
	ck_assert(n == 0 || memcmp(back, in, n) == 0);
	free(back);
	zlen = z.len;
	buf_free(&z);
	return zlen;
}

START_TEST(checksums_match_known_values)
{
	ck_assert_uint_eq(png_crc32(0, "123456789", 9), 0xcbf43926u);
	ck_assert_uint_eq(png_crc32(png_crc32(0, "1234", 4), "56789", 5),
	    0xcbf43926u);
	ck_assert_uint_eq(png_crc32(0, "", 0), 0);
	ck_assert_uint_eq(png_crc32(0, "IEND", 4), 0xae426082u);
	ck_assert_uint_eq(png_adler32(1, "Wikipedia", 9), 0x11e60398u);
	ck_assert_uint_eq(png_adler32(1, "", 0), 1);
}
END_TEST

START_TEST(zlib_streams_inflate_back)
{
	uint8_t *buf = xmalloc(200000);
	uint32_t x = 12345;
	size_t i, z;

	roundtrip((const uint8_t *)"", 0, 0);
	roundtrip((const uint8_t *)"a", 1, 0);
	roundtrip((const uint8_t *)"abcabcabcabcabcabc", 18, 0);
	/* noise: literals of every value, matches rare */
	for (i = 0; i < 70000; i++) {
		x = x * 1103515245u + 12345u;
		buf[i] = (uint8_t)(x >> 16);
	}
	roundtrip(buf, 70000, 0);
	/* long runs: every match length and distance 1 */
	memset(buf, 7, 100000);
	z = roundtrip(buf, 100000, 0);
	ck_assert_uint_lt(z, 1000);
	/* rows repeating at a distance, beyond the window too */
	for (i = 0; i < 200000; i++)
		buf[i] = (uint8_t)((i % 601) * 7 % 13);
	z = roundtrip(buf, 200000, 601);
	ck_assert_uint_lt(z, 3000);
	for (i = 0; i < 200000; i++)
		buf[i] = (uint8_t)((i % 40000) % 251);
	roundtrip(buf, 200000, 40000);
	free(buf);
}
END_TEST

static uint32_t
be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3];
}

/*
 * Walks a PNG: signature, chunks with valid CRCs, IHDR first, IEND last;
 * returns the inflated IDAT data (caller frees) with *len and the IHDR
 * fields, failing the test on anything wrong.
 */
static uint8_t *
png_walk(const uint8_t *p, size_t n, uint32_t *w, uint32_t *h, int *depth,
    int *ctype, size_t *len)
{
	static const uint8_t sig[8] = { 0x89, 'P', 'N', 'G', '\r', '\n',
	    0x1a, '\n' };
	struct ny_buf idat;
	size_t pos = 8;
	int nchunk = 0, iend = 0;
	uint8_t *raw;

	ck_assert_uint_ge(n, 8);
	ck_assert(memcmp(p, sig, 8) == 0);
	buf_init(&idat, 0);
	while (pos < n && !iend) {
		uint32_t clen, crc;
		const uint8_t *type;

		ck_assert_uint_le(pos + 12, n);
		clen = be32(p + pos);
		type = p + pos + 4;
		ck_assert_uint_le(pos + 12 + clen, n);
		crc = be32(p + pos + 8 + clen);
		ck_assert_msg(crc == png_crc32(0, type, 4 + clen),
		    "bad CRC on chunk %.4s", (const char *)type);
		if (nchunk == 0) {
			ck_assert(memcmp(type, "IHDR", 4) == 0);
			ck_assert_uint_eq(clen, 13);
			*w = be32(p + pos + 8);
			*h = be32(p + pos + 12);
			*depth = p[pos + 16];
			*ctype = p[pos + 17];
		}
		if (memcmp(type, "IDAT", 4) == 0)
			buf_add(&idat, p + pos + 8, clen);
		iend = memcmp(type, "IEND", 4) == 0;
		pos += 12 + clen;
		nchunk++;
	}
	ck_assert_msg(iend && pos == n, "IEND is not the last chunk");
	raw = inflate_zlib((const uint8_t *)idat.data, idat.len, len);
	ck_assert_msg(raw != NULL, "IDAT does not inflate");
	buf_free(&idat);
	return raw;
}

START_TEST(indexed_png_is_well_formed)
{
	static const uint8_t rgb[9] = { 0, 0, 0, 255, 255, 255, 255, 0, 0 };
	uint8_t px[5 * 3] = { 0, 1, 2, 1, 0, 2, 2, 2, 2, 2, 1, 1, 1, 1, 1 };
	struct ny_buf b;
	uint32_t w, h;
	int depth, ctype;
	size_t len;
	uint8_t *raw;

	buf_init(&b, 0);
	ck_assert_int_eq(png_indexed(px, 5, 3, rgb, 3, &b), NY_OK);
	raw = png_walk((const uint8_t *)b.data, b.len, &w, &h, &depth, &ctype,
	    &len);
	ck_assert_uint_eq(w, 5);
	ck_assert_uint_eq(h, 3);
	ck_assert_int_eq(depth, 2);
	ck_assert_int_eq(ctype, 3);
	/* 3 rows of filter byte + 5 pixels × 2 bits = 2 bytes */
	ck_assert_uint_eq(len, 9);
	ck_assert_int_eq(raw[0], 0);
	ck_assert_int_eq(raw[1], 0x19);		/* 00 01 10 01 */
	ck_assert_int_eq(raw[2], 0x00);		/* 00 (padding) */
	ck_assert_int_eq(raw[4], 0xaa);
	ck_assert_int_eq(raw[5], 0x80);
	free(raw);
	/* an index past the palette is refused */
	px[4] = 3;
	buf_reset(&b);
	ck_assert_int_eq(png_indexed(px, 5, 3, rgb, 3, &b), NY_EINVAL);
	ck_assert_int_eq(png_indexed(px, 0, 3, rgb, 3, &b), NY_EINVAL);
	buf_free(&b);
}
END_TEST

/* The card's palette index at (x, y) from the inflated 2-bit rows. */
static int
card_px(const uint8_t *raw, int x, int y)
{
	size_t row = 1 + (OG_CARD_W * 2 + 7) / 8;
	uint8_t byte = raw[(size_t)y * row + 1 + (size_t)x / 4];

	return byte >> (6 - 2 * (x % 4)) & 3;
}

/* Renders c and checks the PNG; returns the rows (caller frees). */
static uint8_t *
card_rows(const struct og_card *c, size_t *png_len)
{
	struct ny_buf b;
	uint32_t w, h;
	int depth, ctype;
	size_t len;
	uint8_t *raw;

	buf_init(&b, OG_CARD_MAX);
	ck_assert_int_eq(og_card_png(c, &b), NY_OK);
	ck_assert_uint_le(b.len, 300 * 1024);
	raw = png_walk((const uint8_t *)b.data, b.len, &w, &h, &depth, &ctype,
	    &len);
	ck_assert_uint_eq(w, 1200);
	ck_assert_uint_eq(h, 630);
	ck_assert_int_eq(ctype, 3);
	ck_assert_uint_eq(len, (size_t)630 * (1 + (1200 * depth + 7) / 8));
	*png_len = b.len;
	buf_free(&b);
	return raw;
}

/* How many pixels of colour idx lie in rows [y0, y1). */
static int
count_in(const uint8_t *raw, int y0, int y1, int idx)
{
	int x, y, n = 0;

	for (y = y0; y < y1; y++)
		for (x = 0; x < OG_CARD_W; x++)
			n += card_px(raw, x, y) == idx;
	return n;
}

START_TEST(card_is_1200_by_630_and_small)
{
	struct og_card c = { "Nairobi Nights", "KES 500.00", "Amani Studio" };
	struct og_card empty = { NULL, "", NULL };
	size_t len;
	uint8_t *raw = card_rows(&c, &len);

	ck_assert_uint_lt(len, 60 * 1024);
	/* background in the corner, the gold stripe along the bottom */
	ck_assert_int_eq(card_px(raw, 0, 0), 0);
	ck_assert_int_eq(card_px(raw, 600, 629), 2);
	/* the title in white where the title goes, the byline in lavender
	 * near the bottom, the site's name in gold at the top */
	ck_assert_int_gt(count_in(raw, 140, 230, 1), 1000);
	ck_assert_int_gt(count_in(raw, 526, 590, 3), 500);
	ck_assert_int_gt(count_in(raw, 40, 104, 2), 500);
	ck_assert_int_eq(count_in(raw, 526, 590, 1), 0);
	free(raw);
	raw = card_rows(&empty, &len);
	ck_assert_int_eq(count_in(raw, 140, 520, 1), 0);
	free(raw);
}
END_TEST

START_TEST(card_takes_any_text)
{
	char longt[2000];
	struct og_card c = { longt, "\xff\xfe bad \xc3 utf-8 \xe4\xb8\xad\xe6\x96\x87",
	    "Ng\xc5\xa9g\xc4\xa9 \xe2\x80\x9cquoted\xe2\x80\x9d \xf0\x9f\x8e\xb5" };
	size_t i, len;
	uint8_t *raw;

	for (i = 0; i + 1 < sizeof longt; i++)
		longt[i] = i % 9 == 8 ? ' ' : 'W';
	longt[sizeof longt - 1] = '\0';
	raw = card_rows(&c, &len);
	/* wrapped and cut: nothing drawn past the margins */
	for (i = 0; i < 630; i++) {
		ck_assert_int_ne(card_px(raw, 40, (int)i), 1);
		ck_assert_int_ne(card_px(raw, 1160, (int)i), 1);
	}
	free(raw);
	memset(longt, 'M', sizeof longt - 1);	/* one endless word */
	raw = card_rows(&c, &len);
	free(raw);
	/* the font has ASCII and Latin-1; others draw U+FFFD */
	ck_assert_uint_eq(og_glyph('A')->cp, 'A');
	ck_assert_uint_eq(og_glyph(0xe9)->cp, 0xe9);
	ck_assert_uint_eq(og_glyph(0x2026)->cp, 0x2026);
	ck_assert_uint_eq(og_glyph(0x0169)->cp, 'u');	/* ũ */
	ck_assert_uint_eq(og_glyph(0x1ebd)->cp, 'e');	/* ẽ */
	ck_assert_uint_eq(og_glyph(0x4e2d)->cp, 0xfffd);
	ck_assert_uint_eq(og_glyph(0x1f3b5)->cp, 0xfffd);
	for (i = 1; i < og_nglyphs; i++)
		ck_assert_uint_lt(og_glyphs[i - 1].cp, og_glyphs[i].cp);
	for (i = 1; i < og_nfolds; i++)
		ck_assert_uint_lt(og_folds[i - 1].cp, og_folds[i].cp);
	/* the title's lines overlap by a cell's first and last rows */
	for (i = 0; i < og_nglyphs; i++)
		ck_assert(og_glyphs[i].rows[0] == 0 &&
		    og_glyphs[i].rows[31] == 0);
}
END_TEST

START_TEST(card_hash_follows_the_text)
{
	struct og_card a = { "T", "KES 1.00", "X" }, b = a, c = a;

	b.line = "KES 2.00";
	c.title = "T\x01";
	ck_assert(og_card_hash(&a) == og_card_hash(&a));
	ck_assert(og_card_hash(&a) != og_card_hash(&b));
	ck_assert(og_card_hash(&a) != og_card_hash(&c));
	/* field boundaries count: "ab"+"" is not "a"+"b" */
	a.title = "ab";
	a.line = "";
	b.title = "a";
	b.line = "b";
	b.byline = "X";
	ck_assert(og_card_hash(&a) != og_card_hash(&b));
}
END_TEST

/* A product as the catalog reads it (strings owned by the caller). */
static void
product_fill(struct catalog_product *p, char *title, char *summary)
{
	memset(p, 0, sizeof *p);
	p->slug = (char *)"nairobi-nights";
	p->kind = (char *)"download";
	p->title = title;
	p->summary = summary;
	p->story_md = (char *)"";
	p->price_minor = 50000;
	strcpy(p->currency, "KES");
	p->suggested_minor = -1;
	p->tags = (char *)"";
	p->cover_sha256 = (char *)"";
	p->venue = (char *)"";
	p->creator_handle = (char *)"amani";
	p->creator_name = (char *)"Amani <Studio>";
}

/* The layout rendered with the og values of meta (stolen). */
static char *
render_head(json_t *meta, const char *lang)
{
	const struct tmpl *layout;
	json_t *ctx = json_object();
	struct ny_buf b;
	char *cause = NULL;

	if (tmpl_get("layout") == NULL)
		ck_assert_msg(tmpl_load_all(&cause) == NY_OK, "%s", cause);
	layout = tmpl_get("layout");
	ck_assert_ptr_nonnull(layout);
	json_object_set_new(ctx, "og", meta);
	json_object_set_new(ctx, "title", json_string("page title"));
	buf_init(&b, 0);
	ck_assert_int_eq(tmpl_render(layout, ctx, lang, &b), NY_OK);
	json_decref(ctx);
	return buf_steal(&b, NULL);
}

/* How many times needle occurs in hay. */
static int
count(const char *hay, const char *needle)
{
	int n = 0;

	while ((hay = strstr(hay, needle)) != NULL) {
		n++;
		hay++;
	}
	return n;
}

START_TEST(meta_tags_escape_a_hostile_title)
{
	char title[] = "Say \"hi\" <script>alert('x')</script> & go";
	char summary[] = "A summary\" onload=\"x";
	struct catalog_product p;
	char *cause = NULL, *html;

	ck_assert_msg(i18n_load(&cause) == NY_OK, "%s", cause);
	product_fill(&p, title, summary);
	html = render_head(og_product_meta("en", "https://shop.example", &p),
	    "en");
	ck_assert_ptr_null(strstr(html, "<script>"));
	ck_assert_ptr_null(strstr(html, "\"hi\""));
	ck_assert_ptr_null(strstr(html, "\" onload"));
	ck_assert_ptr_null(strstr(html, "<Studio>"));
	ck_assert_int_eq(count(html, "<meta property=\"og:title\" content=\""
	    "Say &quot;hi&quot; &lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"
	    " &amp; go\">"), 1);
	ck_assert_int_eq(count(html, "<meta name=\"twitter:title\" content=\""
	    "Say &quot;hi&quot; &lt;script&gt;"), 1);
	ck_assert_int_eq(count(html, "<meta property=\"og:description\" "
	    "content=\"A summary&quot; onload=&quot;x · KES 500.00\">"), 1);
	ck_assert_int_eq(count(html, "<meta property=\"og:url\" content=\""
	    "https://shop.example/p/nairobi-nights\">"), 1);
	ck_assert_int_eq(count(html, "<link rel=\"canonical\" href=\""
	    "https://shop.example/p/nairobi-nights\">"), 1);
	ck_assert_int_eq(count(html, "<meta property=\"og:image\" content=\""
	    "https://shop.example/og/p/nairobi-nights.png?v="), 1);
	ck_assert_int_eq(count(html, "<meta property=\"og:type\" content=\""
	    "product\">"), 1);
	ck_assert_int_eq(count(html, "content=\"en_KE\""), 1);
	ck_assert_int_eq(count(html, "og:locale:alternate\" content=\""
	    "sw_KE\""), 1);
	ck_assert_int_eq(count(html, "twitter:card\" content=\""
	    "summary_large_image\""), 1);
	free(html);
}
END_TEST

START_TEST(meta_tags_in_swahili_and_pwyw)
{
	char title[] = "Nyimbo", summary[] = "";
	struct catalog_product p;
	char *cause = NULL, *html;

	ck_assert_msg(i18n_load(&cause) == NY_OK, "%s", cause);
	product_fill(&p, title, summary);
	p.pwyw = 1;
	p.price_minor = 10000;
	html = render_head(og_product_meta("sw", "http://x.test:8080", &p),
	    "sw");
	ck_assert_int_eq(count(html, "og:url\" content=\""
	    "http://x.test:8080/p/nairobi-nights?lang=sw\""), 1);
	ck_assert_int_eq(count(html, "og:locale\" content=\"sw_KE\""), 1);
	ck_assert_int_eq(count(html, "og:locale:alternate\" content=\""
	    "en_KE\""), 1);
	ck_assert_int_eq(count(html, "og:description\" content=\""
	    "Lipa unachotaka, kuanzia"), 1);
	ck_assert_int_eq(count(html, "&amp;l=sw\""), 2);	/* og, twitter */
	free(html);
	/* pay what you want from 0: no "from" */
	p.price_minor = 0;
	html = render_head(og_product_meta("en", "http://x.test", &p), "en");
	ck_assert_int_eq(count(html, "og:description\" content=\""
	    "Pay what you want\""), 1);
	free(html);
}
END_TEST

START_TEST(meta_tags_of_creator_and_site)
{
	struct catalog_creator c = { .id = 1, .handle = (char *)"amani",
	    .display_name = (char *)"", .bio = (char *)"",
	    .locale = (char *)"en", .avatar_sha256 = (char *)"" };
	char *cause = NULL, *html;

	ck_assert_msg(i18n_load(&cause) == NY_OK, "%s", cause);
	html = render_head(og_creator_meta("en", "https://s.example", &c),
	    "en");
	ck_assert_int_eq(count(html, "og:type\" content=\"profile\""), 1);
	ck_assert_int_eq(count(html, "og:title\" content=\"amani\""), 1);
	ck_assert_int_eq(count(html, "og:url\" content=\""
	    "https://s.example/@amani\""), 1);
	ck_assert_int_eq(count(html, "og:image\" content=\""
	    "https://s.example/og/@amani.png?v="), 1);
	ck_assert_int_eq(count(html, "og:description\" content=\""
	    "Everything amani sells on Nyota\""), 1);
	free(html);
	html = render_head(og_site_meta("sw", "https://s.example"), "sw");
	ck_assert_int_eq(count(html, "og:type\" content=\"website\""), 1);
	ck_assert_int_eq(count(html, "canonical\" href=\""
	    "https://s.example/?lang=sw\""), 1);
	ck_assert_int_eq(count(html, "og:image\" content=\""
	    "https://s.example/og/site.png?v="), 1);
	free(html);
	/* pages without previews (library, checkout) carry no tags */
	html = render_head(json_null(), "en");
	ck_assert_ptr_null(strstr(html, "og:"));
	ck_assert_ptr_null(strstr(html, "canonical"));
	free(html);
}
END_TEST

static Suite *
og_suite(void)
{
	Suite *s = suite_create("og");
	TCase *tc = tcase_create("core");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, checksums_match_known_values);
	tcase_add_test(tc, zlib_streams_inflate_back);
	tcase_add_test(tc, indexed_png_is_well_formed);
	tcase_add_test(tc, card_is_1200_by_630_and_small);
	tcase_add_test(tc, card_takes_any_text);
	tcase_add_test(tc, card_hash_follows_the_text);
	tcase_add_test(tc, meta_tags_escape_a_hostile_title);
	tcase_add_test(tc, meta_tags_in_swahili_and_pwyw);
	tcase_add_test(tc, meta_tags_of_creator_and_site);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return run_suite(og_suite());
}
