/*
 * product-tag.h: a product's tags (table product_tags): lower-case words
 * of [a-z0-9-], 1–32 characters, at most PRODUCT_TAGS_MAX per product,
 * set in the wizard and the import and used by the catalog's ?tag=.
 */
#ifndef NY_PRODUCT_TAG_H
#define NY_PRODUCT_TAG_H

#include <stddef.h>
#include <stdint.h>

#include "db.h"

#define PRODUCT_TAG_MAX		32	/* bytes of one tag */
#define PRODUCT_TAGS_MAX	8	/* tags of one product */

struct product_tags {
	int	 n;
	char	 tag[PRODUCT_TAGS_MAX][PRODUCT_TAG_MAX + 1];
};

/*
 * Parses what a creator typed ("Music, live  afro-beat" — commas or
 * spaces between tags, case folded, '#' dropped, duplicates merged) into
 * *out. NY_OK, or NY_EINVAL with *why (locale key, static; may be NULL):
 * "tag.err.chars", "tag.err.length", "tag.err.count".
 */
enum ny_err	product_tags_parse(const char *in, struct product_tags *out,
		    const char **why);

/* The tags as one string joined by ", " into buf (len bytes). */
void		product_tags_join(const struct product_tags *t, char *buf,
		    size_t len);

/* Inside the caller's transaction: replaces the tags of product_id with t
 * and appends db_event("product", id). NY_OK or the db error. */
enum ny_err	product_tags_set_tx(struct db *db, int64_t product_id,
		    const struct product_tags *t);

/* The tags of product_id in alphabetical order. NY_OK or the db error. */
enum ny_err	product_tags_get(struct db *db, int64_t product_id,
		    struct product_tags *out);

#endif
