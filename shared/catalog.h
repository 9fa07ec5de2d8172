/*
 * catalog.h: the public read model of the storefront: published products,
 * search, a product with its files and seats left, a creator's page.
 * Everything here reads only published products of enabled creators;
 * drafts and archived products do not exist for these functions.
 *
 * Every function runs its own statements on db (no transaction of its own,
 * none needed: each is one or a few reads) and resets them before
 * returning. Results are owned by the caller and freed with the matching
 * *_free function.
 */
#ifndef NY_CATALOG_H
#define NY_CATALOG_H

#include <stddef.h>
#include <stdint.h>

#include "db.h"

struct catalog_file {
	int64_t	 id;
	char	*name;
	int64_t	 size;		/* bytes */
};

struct catalog_product {
	int64_t	 id;
	char	*slug;
	char	*kind;		/* download | subscription | ticket | webinar */
	char	*title;
	char	*summary;
	char	*story_md;	/* Markdown, untrusted */
	int64_t	 price_minor;	/* pwyw: the minimum */
	char	 currency[4];
	int	 pwyw;		/* 1: the buyer types the amount */
	int64_t	 suggested_minor; /* pwyw: proposed amount; -1 when none */
	char	*tags;		/* "music,live" (sorted, comma-joined); "" */
	int64_t	 sales;		/* paid units (products.sales, a counter
				 * migration 0012's triggers keep) */
	char	*cover_sha256;	/* "" when none, or when the cover is not an
				 * image image.c measured (never shown) */
	int	 cover_width;	/* pixels, recorded with the blob; 0 when */
	int	 cover_height;	/* there is no cover */
	int64_t	 period_days;	/* subscription; 0 otherwise */
	int64_t	 starts_at;	/* ticket, webinar; 0 otherwise */
	char	*venue;		/* ticket; "" otherwise */
	int64_t	 capacity;	/* ticket; 0 otherwise */
	int64_t	 seats_left;	/* ticket: capacity - paid tickets - reserved
				 * seats, never below 0; 0 otherwise */
	int64_t	 published_at;
	char	*creator_handle;
	char	*creator_name;	/* display name ("" → use the handle) */
	struct catalog_file *files;	/* download: its files; filled by
				 * catalog_product_by_slug only */
	int	 nfiles;
};

/* A page of products (newest published first). */
struct catalog_list {
	struct catalog_product *items;
	int	 n;
	int	 more;		/* 1 when another page follows */
};

/* Products per page of the catalog. */
#define CATALOG_PAGE_SIZE	24
/* Longest search text considered (longer input is cut, never refused). */
#define CATALOG_QUERY_MAX	200

/* Returns 1 when kind is one of the four product kinds. */
int	 catalog_kind_ok(const char *kind);

/*
 * Lists published products newest first. kind (NULL = all) filters;
 * page counts from 1; per_page ≤ 100 (0 = CATALOG_PAGE_SIZE). Files are not
 * loaded. Returns NY_OK and *out, NY_EINVAL for a bad kind, NY_EDB.
 */
enum ny_err	 catalog_list_products(struct db *db, const char *kind,
		     int page, int per_page, struct catalog_list *out);

/*
 * Full-text search (FTS5 over title, summary, story) of published products,
 * best match first (bm25, title weighted most), every word a prefix:
 * "nai nig" finds "Nairobi Nights". Any input is safe: it is cut into
 * words and each becomes a quoted FTS string, so quotes, '*', NEAR(, AND,
 * OR and very long text never make a syntax error. A query with no words
 * gives an empty list. kind as above. Returns NY_OK and *out, or NY_EDB.
 */
enum ny_err	 catalog_search(struct db *db, const char *query,
		     const char *kind, int page, int per_page,
		     struct catalog_list *out);

/* The orders of the catalog (?sort=). */
enum catalog_sort {
	CATALOG_SORT_DEFAULT = 0,	/* list: new; search: best match */
	CATALOG_SORT_NEW,		/* newest published first */
	CATALOG_SORT_PRICE,		/* lowest price_minor first (pwyw: the
					 * minimum), ties newest first */
	CATALOG_SORT_POPULAR		/* most paid units first, ties newest */
};

/* What a catalog page asks for; zeroed = the first page of everything. */
struct catalog_query {
	const char	*q;		/* search text; NULL or no word: list */
	const char	*kind;		/* NULL = every kind */
	const char	*tag;		/* NULL = any tag; else a stored tag */
	enum catalog_sort sort;
	int		 page;		/* from 1 */
	int		 per_page;	/* ≤ 100; 0 = CATALOG_PAGE_SIZE */
};

/*
 * The products cq asks for: catalog_search when cq->q has a word, else
 * catalog_list_products, filtered by kind and tag, in cq->sort's order.
 * Returns NY_OK and *out, NY_EINVAL for a bad kind or a tag that is not a
 * tag (catalog_tag_ok), NY_EDB.
 */
enum ny_err	 catalog_query(struct db *db, const struct catalog_query *cq,
		     struct catalog_list *out);

/*
 * The sort named s ("new", "price", "popular") into *out; NULL or "" is
 * CATALOG_SORT_DEFAULT. Returns 1, or 0 for any other name. catalog_
 * sort_name is the inverse (NULL for the default).
 */
int		 catalog_sort_parse(const char *s, enum catalog_sort *out);
const char	*catalog_sort_name(enum catalog_sort s);

/* Returns 1 when tag could be stored (1–32 of [a-z0-9-]), else 0. */
int		 catalog_tag_ok(const char *tag);

/* A tag in use and how many published products carry it. */
struct catalog_tag {
	char	 tag[33];
	int64_t	 products;
};

/*
 * The tags of published products of enabled creators, most used first
 * (ties alphabetical), at most max (≤ 100) into out[]. *n gets the count.
 * Returns NY_OK or NY_EDB.
 */
enum ny_err	 catalog_tags_in_use(struct db *db, struct catalog_tag *out,
		     int max, int *n);

/*
 * Builds the FTS5 MATCH expression for query into out (caller frees):
 * "\"nai\"* \"nig\"*"; *out is "" when there is no word. Exposed for tests.
 */
enum ny_err	 catalog_fts_expr(const char *query, char **out);

/*
 * The published product with slug, with its files and seats left.
 * Returns NY_OK and *out (catalog_product_free), NY_ENOTFOUND (no such slug,
 * a draft, archived, or a disabled creator), or NY_EDB.
 */
enum ny_err	 catalog_product_by_slug(struct db *db, const char *slug,
		     struct catalog_product **out);

/* Seats left for a ticket product (see struct catalog_product). */
enum ny_err	 catalog_seats_left(struct db *db, int64_t product_id,
		     int64_t *left);

struct catalog_creator {
	int64_t	 id;
	char	*handle;
	char	*display_name;
	char	*bio;
	char	*locale;
	char	*avatar_sha256;	/* "" when none, or until the creator is
				 * enrolled (only then is it served) */
	int	 avatar_width;	/* pixels; 0 when no avatar */
	int	 avatar_height;
};

/*
 * The enabled creator with handle and up to 100 of their published
 * products (newest first) in *products (NULL: the creator alone, as a
 * preview card needs). Returns NY_OK, NY_ENOTFOUND, NY_EDB.
 */
enum ny_err	 catalog_creator_by_handle(struct db *db, const char *handle,
		     struct catalog_creator **out,
		     struct catalog_list *products);

/*
 * The MIME type of a blob GET /cover/{sha} may serve, into mime: an image
 * image.c checked (PNG, JPEG or WebP with its size recorded) that is the
 * cover of a published product of an enabled creator, or the avatar of
 * an enrolled, enabled creator. Anything else in the store (paid files
 * above all, drafts' covers, a non-image named .png) is NY_ENOTFOUND.
 * Returns NY_OK, NY_ENOTFOUND, NY_EDB.
 */
enum ny_err	 catalog_cover_mime(struct db *db, const char *sha, char *mime,
		     size_t len);

/* SELECT 1: NY_OK when the database answers (health checks). */
enum ny_err	 catalog_ping(struct db *db);

void	 catalog_product_free(struct catalog_product *p);
void	 catalog_list_free(struct catalog_list *l);
void	 catalog_creator_free(struct catalog_creator *c);

#endif
