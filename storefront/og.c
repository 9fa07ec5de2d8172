/*
 * og.c: link previews (see og.h). A product link pasted into WhatsApp is
 * fetched by its crawler (no cookies, no JavaScript, usually no
 * Accept-Language: so English) and shown as a card from these tags.
 *
 * URLs. Every URL is absolute, from NYOTA_BASE_URL, and carries none of
 * the request's query (no q, kind, page, tag, sort, tracking): the
 * catalog's canonical URL is the site's root whatever the filter. The
 * language is the one exception: a page rendered in Swahili says
 * "?lang=sw" in its og:url and canonical link, since that URL is what
 * gives the Swahili page to someone without the cookie; English, the
 * language a bare URL gives a crawler, has no parameter. The picture's URL
 * carries ?v=, the card's digest, so that an edited title or price is a
 * new URL for crawlers that keep pictures by URL, and ?l=sw for Swahili.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "i18n.h"
#include "log.h"
#include "money.h"
#include "og-card.h"
#include "og.h"

#define OG_DESC_MAX	200	/* bytes of an og:description */
#define OG_SITE_NAME	"Nyota"
#define OG_CACHE	"public, max-age=3600"

static int
og_sw(const char *lang)
{
	return lang != NULL && strcmp(lang, "sw") == 0;
}

/* The page's canonical URL: base and path, "?lang=sw" in Swahili. */
static char *
og_url(const char *base, const char *path, const char *lang)
{
	return xasprintf("%s%s%s", base, path, og_sw(lang) ? "?lang=sw" : "");
}

/* The site's host (and path) as people read it: base without "https://". */
static const char *
og_host(const char *base)
{
	const char *p = strstr(base, "://");

	return p != NULL ? p + 3 : base;
}

/*
 * A copy of s of at most max bytes: cut at the last space before max when
 * there is one in the second half, else at a character, and ended with
 * "…". Caller frees.
 */
static char *
og_cut(const char *s, size_t max)
{
	size_t n = strlen(s), k;
	char *out;

	if (n <= max)
		return xstrdup(s);
	n = max - 3;	/* room for "…" */
	while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
		n--;
	for (k = n; k > max / 2; k--)
		if (s[k] == ' ') {
			n = k;
			break;
		}
	while (n > 0 && s[n - 1] == ' ')
		n--;
	out = xmalloc(n + 4);
	memcpy(out, s, n);
	memcpy(out + n, "\xe2\x80\xa6", 4);
	return out;
}

/*
 * What a product costs in lang: the price, "Free", or "Pay what you
 * want" with its minimum when there is one. On a card (card 1) the
 * price's space is U+00A0, so "KSh" and its figure stay on one line.
 * Caller frees.
 */
static char *
og_price(const char *lang, const struct catalog_product *p, int card)
{
	char price[64], *from, *out, *sp;

	money_format(p->price_minor, p->currency, lang, price, sizeof price);
	if (card && (sp = strchr(price, ' ')) != NULL &&
	    strlen(price) + 2 < sizeof price) {
		memmove(sp + 2, sp + 1, strlen(sp + 1) + 1);
		sp[0] = (char)0xc2;
		sp[1] = (char)0xa0;
	}
	if (!p->pwyw)
		return xstrdup(p->price_minor == 0 ?
		    i18n_get(lang, "sf.price.free") : price);
	if (p->price_minor <= 0)
		return xstrdup(i18n_get(lang, "sf.pwyw"));
	from = i18n_fmt(lang, "sf.pwyw.from", "price", price, NULL);
	out = xasprintf("%s, %s", i18n_get(lang, "sf.pwyw"), from);
	free(from);
	return out;
}

/* The product's card; *line (the price line) is the caller's to free. */
static void
og_product_card(const char *lang, const struct catalog_product *p,
    struct og_card *c, char **line)
{
	*line = og_price(lang, p, 1);
	c->title = p->title;
	c->line = *line;
	c->byline = p->creator_name[0] != '\0' ? p->creator_name :
	    p->creator_handle;
}

/* The creator's card; *line ("@handle") is the caller's to free. */
static void
og_creator_card(const char *base, const struct catalog_creator *cr,
    struct og_card *c, char **line)
{
	*line = xasprintf("@%s", cr->handle);
	c->title = cr->display_name[0] != '\0' ? cr->display_name :
	    cr->handle;
	c->line = *line;
	c->byline = og_host(base);
}

static void
og_site_card(const char *lang, const char *base, struct og_card *c)
{
	c->title = i18n_get(lang, "og.site.headline");
	c->line = i18n_get(lang, "og.site.line");
	c->byline = og_host(base);
}

/* The picture's absolute URL for card c at path ("/og/p/x.png"). */
static char *
og_image_url(const char *base, const char *path, const char *lang,
    const struct og_card *c)
{
	return xasprintf("%s%s?v=%016llx%s", base, path,
	    (unsigned long long)og_card_hash(c), og_sw(lang) ? "&l=sw" : "");
}

/* The tags' object; takes the strings url, image, desc (frees them). */
static json_t *
og_meta(const char *lang, const char *type, const char *title, char *desc,
    char *url, char *image, const char *alt)
{
	json_t *o = json_object();

	json_object_set_new(o, "type", json_string(type));
	json_object_set_new(o, "site_name", json_string(OG_SITE_NAME));
	json_object_set_new(o, "title", json_string(title));
	json_object_set_new(o, "description", json_string(desc));
	json_object_set_new(o, "url", json_string(url));
	json_object_set_new(o, "image", json_string(image));
	json_object_set_new(o, "image_type", json_string("image/png"));
	json_object_set_new(o, "image_width", json_integer(OG_CARD_W));
	json_object_set_new(o, "image_height", json_integer(OG_CARD_H));
	json_object_set_new(o, "image_alt", json_string(alt));
	json_object_set_new(o, "locale", json_string(og_sw(lang) ? "sw_KE" :
	    "en_KE"));
	json_object_set_new(o, "locale_alt", json_string(og_sw(lang) ?
	    "en_KE" : "sw_KE"));
	free(desc);
	free(url);
	free(image);
	return o;
}

json_t *
og_product_meta(const char *lang, const char *base,
    const struct catalog_product *p)
{
	struct og_card c;
	char *line, *card_line, *summary, *desc, *path, *page, *alt;
	json_t *o;

	og_product_card(lang, p, &c, &card_line);
	line = og_price(lang, p, 0);
	summary = og_cut(p->summary, OG_DESC_MAX);
	desc = summary[0] != '\0' ? xasprintf("%s · %s", summary, line) :
	    xstrdup(line);
	alt = xasprintf("%s — %s", p->title, line);
	path = xasprintf("/og/p/%s.png", p->slug);
	page = xasprintf("/p/%s", p->slug);
	o = og_meta(lang, "product", p->title, desc, og_url(base, page, lang),
	    og_image_url(base, path, lang, &c), alt);
	free(page);
	free(path);
	free(alt);
	free(summary);
	free(card_line);
	free(line);
	return o;
}

json_t *
og_creator_meta(const char *lang, const char *base,
    const struct catalog_creator *cr)
{
	struct og_card c;
	char *line, *desc, *path, *page;
	json_t *o;

	og_creator_card(base, cr, &c, &line);
	if (cr->bio[0] != '\0')
		desc = og_cut(cr->bio, OG_DESC_MAX);
	else
		desc = i18n_fmt(lang, "og.creator.description", "name",
		    c.title, NULL);
	path = xasprintf("/og/@%s.png", cr->handle);
	page = xasprintf("/@%s", cr->handle);
	o = og_meta(lang, "profile", c.title, desc, og_url(base, page, lang),
	    og_image_url(base, path, lang, &c), c.title);
	free(page);
	free(path);
	free(line);
	return o;
}

json_t *
og_site_meta(const char *lang, const char *base)
{
	struct og_card c;

	og_site_card(lang, base, &c);
	return og_meta(lang, "website", OG_SITE_NAME,
	    xstrdup(i18n_get(lang, "og.site.description")),
	    og_url(base, "/", lang), og_image_url(base, "/og/site.png", lang,
	    &c), c.title);
}

void
og_page_product(struct http_req *rq, json_t *ctx,
    const struct catalog_product *p)
{
	json_object_set_new(ctx, "og", og_product_meta(http_lang(rq),
	    http_config()->base_url, p));
}

void
og_page_creator(struct http_req *rq, json_t *ctx,
    const struct catalog_creator *c)
{
	json_object_set_new(ctx, "og", og_creator_meta(http_lang(rq),
	    http_config()->base_url, c));
}

void
og_page_catalog(struct http_req *rq, json_t *ctx)
{
	json_object_set_new(ctx, "og", og_site_meta(http_lang(rq),
	    http_config()->base_url));
}

/* The card's language: ?l=sw, else English (never the cookie: the picture
 * must be the same for everyone who has its URL). */
static const char *
og_card_lang(struct http_req *rq)
{
	const char *l = http_query(rq, "l");

	return og_sw(l) ? "sw" : "en";
}

/* "name.png" → "name" (arena), or NULL. */
static const char *
og_strip_png(struct http_req *rq, const char *file)
{
	size_t n = file != NULL ? strlen(file) : 0;

	if (n <= 4 || strcmp(file + n - 4, ".png") != 0)
		return NULL;
	return http_strndup(rq, file, n - 4);
}

/*
 * Answers card c: 304 when If-None-Match names its digest, else the PNG,
 * drawn now. Drawing takes a few milliseconds (og-card.c), cheaper than
 * keeping pictures around, and crawlers fetch a link's picture once; the
 * ETag and an hour's max-age spare the repeats.
 */
static int
og_png(struct http_req *rq, struct http_resp *rs, const struct og_card *c)
{
	const char *etag, *inm;
	struct ny_buf b;
	int status;

	etag = http_printf(rq, "\"og-%016llx\"",
	    (unsigned long long)og_card_hash(c));
	inm = http_header(rq, MHD_HTTP_HEADER_IF_NONE_MATCH);
	if (inm != NULL && strstr(inm, etag) != NULL) {
		http_add_header(rq, rs, MHD_HTTP_HEADER_ETAG, etag);
		http_add_header(rq, rs, MHD_HTTP_HEADER_CACHE_CONTROL,
		    OG_CACHE);
		return http_bytes(rq, rs, 304, "image/png", "", 0);
	}
	buf_init(&b, OG_CARD_MAX);
	if (og_card_png(c, &b) != NY_OK) {
		buf_free(&b);
		log_error("preview card too big", "max=%d", OG_CARD_MAX);
		return 500;
	}
	status = http_bytes(rq, rs, 200, "image/png", b.data, b.len);
	buf_free(&b);
	http_add_header(rq, rs, MHD_HTTP_HEADER_ETAG, etag);
	http_add_header(rq, rs, MHD_HTTP_HEADER_CACHE_CONTROL, OG_CACHE);
	return status;
}

int
og_product_png(struct http_req *rq, struct http_resp *rs)
{
	const char *slug = og_strip_png(rq, http_param(rq, "file"));
	struct db *db = http_db(rq);
	struct catalog_product *p;
	struct og_card c;
	enum ny_err rc;
	char *line;
	int status;

	if (slug == NULL)
		return 404;
	if (db == NULL)
		return 503;
	rc = catalog_product_by_slug(db, slug, &p);
	if (rc == NY_ENOTFOUND)
		return 404;
	if (rc != NY_OK)
		return 500;
	og_product_card(og_card_lang(rq), p, &c, &line);
	status = og_png(rq, rs, &c);
	free(line);
	catalog_product_free(p);
	return status;
}

int
og_creator_png(struct http_req *rq, struct http_resp *rs)
{
	const char *handle = og_strip_png(rq, http_param(rq, "file"));
	struct db *db = http_db(rq);
	struct catalog_creator *cr;
	struct og_card c;
	enum ny_err rc;
	char *line;
	int status;

	if (handle == NULL)
		return 404;
	if (db == NULL)
		return 503;
	rc = catalog_creator_by_handle(db, handle, &cr, NULL);
	if (rc == NY_ENOTFOUND)
		return 404;
	if (rc != NY_OK)
		return 500;
	og_creator_card(http_config()->base_url, cr, &c, &line);
	status = og_png(rq, rs, &c);
	free(line);
	catalog_creator_free(cr);
	return status;
}

int
og_site_png(struct http_req *rq, struct http_resp *rs)
{
	struct og_card c;

	og_site_card(og_card_lang(rq), http_config()->base_url, &c);
	return og_png(rq, rs, &c);
}
