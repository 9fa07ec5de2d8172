/*
 * og.h: link previews. The Open Graph and Twitter-card values of the
 * product, creator and catalog pages (the layout's <head> writes them,
 * escaped like every value), and the preview pictures they point at:
 *
 *	GET /og/p/{slug}.png	a product's card (og-card.c)
 *	GET /og/@{handle}.png	a creator's card
 *	GET /og/site.png	the catalog's card
 *
 * ?l=sw draws the card in Swahili (a query of its own, not ?lang=, which
 * would set the buyer's language cookie on an image); ?v= is only there
 * to change the URL when the card changes (see og.c).
 */
#ifndef NY_OG_H
#define NY_OG_H

#include <jansson.h>

#include "catalog.h"
#include "http.h"

/*
 * The values of one page's tags as a new JSON object (the layout's "og"):
 * type, site_name, title, description, url, image, image_type,
 * image_width, image_height, image_alt, locale, locale_alt. base_url has
 * no trailing '/' (config.c strips it). Caller owns the result.
 */
json_t	*og_product_meta(const char *lang, const char *base_url,
	    const struct catalog_product *p);
json_t	*og_creator_meta(const char *lang, const char *base_url,
	    const struct catalog_creator *c);
json_t	*og_site_meta(const char *lang, const char *base_url);

/* The hooks of the page handlers (pages.c): sets ctx's "og". */
void	 og_page_product(struct http_req *rq, json_t *ctx,
	    const struct catalog_product *p);
void	 og_page_creator(struct http_req *rq, json_t *ctx,
	    const struct catalog_creator *c);
void	 og_page_catalog(struct http_req *rq, json_t *ctx);

/* The pictures (routes.c): 200 image/png with an ETag, 304, or 404. */
int	 og_product_png(struct http_req *rq, struct http_resp *rs);
int	 og_creator_png(struct http_req *rq, struct http_resp *rs);
int	 og_site_png(struct http_req *rq, struct http_resp *rs);

#endif
