/*
 * view.h: JSON views of the read model shared by pages and the API.
 */
#ifndef NY_VIEW_H
#define NY_VIEW_H

#include <jansson.h>

#include "catalog.h"

/*
 * A product as JSON in lang: slug, kind, kind_label, title, summary,
 * price_minor (pwyw: the minimum), currency, price (formatted), free,
 * pwyw, suggested_minor and suggested_price (null unless pwyw with one),
 * pwyw_from (a minimum above 0), tags ["a", …], url, cover_url with
 * cover_width and cover_height (pixels; all three only with a cover), creator
 * {handle, name}, is_<kind> flags, period_days, starts_at (ISO UTC),
 * starts_local (EAT, words), venue, capacity, seats_left, sold_out,
 * max_quantity; with full also story_md, story_html (cmark, safe) and
 * files [{name, size, size_label}]. Caller owns the reference.
 */
json_t	*view_product(const char *lang, const struct catalog_product *p,
	    int full);
/* An array of view_product(…, 0). */
json_t	*view_list(const char *lang, const struct catalog_list *l);
/* "Fri 15 Jan 2027, 09:00 EAT" in lang (caller frees). */
char	*view_date(const char *lang, int64_t t);
/* "1.2 MB" */
void	 view_size(int64_t n, char *buf, size_t len);
/* Markdown → HTML without raw HTML or unsafe links (caller frees). */
char	*view_markdown(const char *md);

#endif
