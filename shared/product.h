/*
 * product.h: the creator's side of products: their rules, create, edit,
 * publish, archive, attach content files, and the catalog import's
 * upserts. (The public read model the storefront uses is catalog.h.)
 * Every write appends db_event("product", id) in its transaction so
 * consoles and the storefront follow live.
 *
 * product-rule.c holds the rules (product_validate: the one place that
 * says what a valid product is), product.c the products table,
 * product-file.c the product_files table.
 *
 * Unless a function's name ends in _tx, writes open their own transaction;
 * _tx functions run inside the caller's transaction.
 */
#ifndef NY_PRODUCT_H
#define NY_PRODUCT_H

#include <stddef.h>
#include <stdint.h>

#include "db.h"

#define PRODUCT_SLUG_MAX	80
#define PRODUCT_TITLE_MAX	200	/* characters (UTF-8 code points) */
#define PRODUCT_SUMMARY_MAX	500	/* characters */
#define PRODUCT_STORY_MAX	65536	/* bytes */
#define PRODUCT_VENUE_MAX	200	/* characters */
#define PRODUCT_URL_MAX		2000	/* bytes of join_url */
#define PRODUCT_PRICE_MAX	(INT64_C(1) << 50)	/* minor units */
#define PRODUCT_PERIOD_MAX	36500	/* days of a subscription period */
#define PRODUCT_CAPACITY_MAX	10000000	/* seats of a ticket */
#define PRODUCT_DOWNLOADS_MAX	1000000	/* download_limit */

/* Kinds and statuses as stored (the strings of the schema). */
extern const char *const product_kinds[];	/* download, subscription, ticket, webinar, NULL */
extern const char *const product_statuses[];	/* draft, published, archived, NULL */

struct product {
	int64_t	 id;
	int64_t	 creator_id;
	char	 slug[PRODUCT_SLUG_MAX + 1];
	char	 kind[16];		/* one of product_kinds */
	char	*title;			/* owned */
	char	*summary;		/* owned; "" when none */
	char	*story_md;		/* owned; Markdown; "" when none */
	int64_t	 price_minor;		/* pwyw: the minimum (may be 0) */
	char	 currency[4];		/* KES, TZS, UGX, USD */
	int	 pwyw;			/* 1: pay what you want */
	int64_t	 suggested_minor;	/* pwyw: the amount proposed; -1 =
					   none (NULL) */
	char	 status[12];		/* one of product_statuses */
	char	 cover_sha256[65];	/* "" = no cover */
	int64_t	 period_days;		/* subscription; 0 = NULL */
	int64_t	 starts_at;		/* ticket, webinar; 0 = NULL */
	char	*venue;			/* owned; ticket; "" = NULL */
	int64_t	 capacity;		/* ticket; -1 = NULL */
	char	*join_url;		/* owned; webinar; "" = NULL */
	int64_t	 download_limit;	/* 0 = unlimited (NULL) */
	int64_t	 created_at;
	int64_t	 updated_at;
	int64_t	 published_at;		/* 0 = never published */
	/* Filled by product_list_by_creator only (0 elsewhere): */
	int64_t	 sales;			/* paid orders */
	int64_t	 revenue_minor;		/* sum of paid amounts */
	int64_t	 seats_left;		/* ticket: what the storefront
					   offers (catalog_seats_left);
					   else -1 */
	int64_t	 subscribers;		/* subscription: access live now;
					   else -1 */
};

/*
 * Sets p to an empty draft: strings "" (owned), capacity -1, status
 * "draft", currency "KES". Free with product_free.
 */
void	product_init(struct product *p);
/* Frees the strings inside p (not p itself); safe on a zeroed struct. */
void	product_free(struct product *p);
void	product_list_free(struct product *v, size_t n);

/*
 * A rule of a product's field. Each has one message: msgid, the locale
 * key the console shows next to the field ("product.rule.period_days"),
 * and why, the same in English for the import's error lines (which name
 * the JSON path). A rule on an integer field carries its bounds.
 */
struct product_rule {
	const char	*field;		/* column: "period_days" */
	const char	*msgid;		/* locale key */
	const char	*why;		/* English, for the import */
	int64_t		 min;		/* integer fields: [min, max]; else 0 */
	int64_t		 max;
};

/*
 * The rule of the column field (for an integer field, the one with its
 * bounds), or NULL when field has none. Static.
 */
const struct product_rule *product_rule(const char *field);

/*
 * Checks every field of p as product_create would (not uniqueness), by
 * the rules above. Returns NY_OK, or NY_EINVAL with *bad (may be NULL)
 * pointing at the first rule p breaks (static).
 *
 * Integer bounds: price_minor 0–2^50, period_days 1–36,500 (subscription;
 * a "lifetime" plan is 100 years), capacity 0–10,000,000 (ticket; the
 * import's limits, which stored catalogs may use), download_limit
 * 1–1,000,000 or 0 for none. Kind rules: subscription needs period_days;
 * ticket needs starts_at and capacity (venue optional); webinar needs
 * starts_at and a join_url starting with https:// or http:// (may be ""
 * while a draft).
 * Fields of other kinds must be unset.
 * Pay what you want: pwyw 0 or 1; with pwyw, price_minor is the minimum
 * (0 allowed: a free product that takes gifts) and suggested_minor is
 * -1 (none) or from the minimum to 2^50; without, it must be -1.
 */
enum ny_err	product_validate(const struct product *p,
	    const struct product_rule **bad);

/* Returns 1 when kind is one of product_kinds, else 0. */
int	product_kind_ok(const char *kind);

/*
 * Returns 1 when a product of kind with nfiles files may be on sale,
 * else 0: a download needs at least one file (a paid download with
 * nothing to download would be a broken sale).
 */
int	product_publish_ok(const char *kind, int64_t nfiles);

/* Returns 1 when s is a valid slug: 1–80 of [a-z0-9-]. */
int	product_slug_ok(const char *s);

/*
 * Proposes a slug from a title ("Nairobi Nights!" → "nairobi-nights"),
 * ASCII-folded, and unique in the database (adding "-2", "-3" … when
 * taken). out gets at most PRODUCT_SLUG_MAX chars + NUL. Returns NY_OK
 * (a title with no usable characters gives "product…").
 */
enum ny_err product_slug_from_title(struct db *db, const char *title,
	    char out[PRODUCT_SLUG_MAX + 1]);

/*
 * Inserts p (id, created_at, updated_at, published_at, sales ignored;
 * status must be "draft" or "published"). Returns NY_OK and *id (may be
 * NULL), NY_EINVAL (see product_validate; *field set when field is not
 * NULL), NY_EEXISTS (slug taken), NY_ENOTFOUND (creator or cover blob).
 */
enum ny_err product_create(struct db *db, const struct product *p,
	    int64_t *id, const char **field);
enum ny_err product_create_tx(struct db *db, const struct product *p,
	    int64_t *id, const char **field);

/*
 * Updates every editable field of the product p->id (all but creator_id,
 * status, created_at, published_at). Same returns as product_create plus
 * NY_ENOTFOUND for an unknown id.
 */
enum ny_err product_update(struct db *db, const struct product *p,
	    const char **field);
enum ny_err product_update_tx(struct db *db, const struct product *p,
	    const char **field);

/*
 * Moves a product to status: draft → published, draft → archived,
 * published → archived, archived → published (first publication sets
 * published_at). Setting the current status again is NY_OK. Returns
 * NY_ESTATE for any other move and for publishing a download product
 * without files; NY_ENOTFOUND.
 */
enum ny_err product_set_status(struct db *db, int64_t id, const char *status);

/* Fills *out (caller calls product_free). NY_OK or NY_ENOTFOUND. */
enum ny_err product_get_by_id(struct db *db, int64_t id, struct product *out);
enum ny_err product_get_by_slug(struct db *db, const char *slug,
	    struct product *out);

/*
 * The creator's products (every status), newest first, with sales and
 * revenue_minor filled from paid orders, seats_left for a ticket (the
 * seats the storefront still offers: capacity less paid orders' seats
 * and pending orders' reservations, never below 0) and subscribers for
 * a subscription (buyers whose access is not revoked and has not ended
 * at ny_now()). Caller frees with product_list_free (*out NULL when
 * none, and on an error).
 */
enum ny_err product_list_by_creator(struct db *db, int64_t creator_id,
	    struct product **out, size_t *n);

/* Number of products, any status (run.sh loads the demo when 0). */
enum ny_err product_count(struct db *db, int64_t *n);

/*
 * For the catalog import (the document is authoritative), inside the
 * caller's transaction: creates p when no product has its slug, as a
 * draft (the import sets the status last, once the files are there),
 * else makes the product with that slug have p's editable fields and
 * creator_id, writing only what differs. Sets p->id. Adds the rows it
 * changed to *changes (0 when the product already is p). Returns NY_OK
 * or the errors of product_create_tx / product_update_tx.
 */
enum ny_err product_import_tx(struct db *db, struct product *p,
	    size_t *changes);

/*
 * For the catalog import, inside the caller's transaction: sets the
 * product's status without the moves product_set_status checks (the
 * first publication sets published_at). Adds the rows it changed (0 when
 * the status already is status) to *changes. Returns NY_OK, NY_EINVAL (not
 * one of product_statuses) or a db error.
 */
enum ny_err product_import_status_tx(struct db *db, int64_t id,
	    const char *status, size_t *changes);

/* --- Files ----------------------------------------------------------- */

#define PRODUCT_FILE_NAME_MAX	255

struct product_file {
	int64_t	 id;
	int64_t	 product_id;
	char	 name[PRODUCT_FILE_NAME_MAX + 1];	/* shown to buyers */
	char	 sha256[65];
	int64_t	 size;
	char	 mime[64];
	int64_t	 position;
};

/* 1 when name is a usable file name: 1–255 bytes, no '/', '\\', control
 * characters, not "." or "..". */
int	product_file_name_ok(const char *name);

/*
 * Attaches the blob sha256 (already in the store: blob_put_file) to the
 * product as name, after its other files. Returns NY_OK and *file_id (may
 * be NULL), NY_EINVAL (bad name), NY_EEXISTS (name used on this product),
 * NY_ENOTFOUND (product or blob). _tx: inside the caller's transaction.
 */
enum ny_err product_add_file(struct db *db, int64_t product_id,
	    const char *name, const char *sha256, int64_t *file_id);
enum ny_err product_add_file_tx(struct db *db, int64_t product_id,
	    const char *name, const char *sha256, int64_t *file_id);

/* Detaches a file (the blob stays in the store). NY_OK or NY_ENOTFOUND.
 * NY_ESTATE when buyers already downloaded it (kept for their history). */
enum ny_err product_remove_file(struct db *db, int64_t product_id,
	    int64_t file_id);

/*
 * The product's files by position (caller frees *out with free(); *out
 * NULL and *n 0 on an error).
 */
enum ny_err product_files(struct db *db, int64_t product_id,
	    struct product_file **out, size_t *n);

/*
 * Replaces the product's file list with v[0..n) in that order (positions
 * 0..n-1), inside the caller's transaction. An entry with id != 0 keeps
 * that file of this product as it is (name and blob; its position
 * changes); an entry with id 0 attaches the blob v[i].sha256 (already in
 * the store) as v[i].name. Files of the product not named by id are
 * detached. n may be 0 (no files). Returns NY_OK; NY_EINVAL (a new
 * entry's name or sha256 is bad: *bad = i); NY_EEXISTS (a name twice:
 * *bad = the later entry); NY_ENOTFOUND (an id that is not this
 * product's, or a blob not in the store: *bad = i); NY_ESTATE (a file to
 * detach was already downloaded by buyers: it stays for their history;
 * *bad = n). bad may be NULL. On error the caller rolls back.
 */
enum ny_err product_set_files_tx(struct db *db, int64_t product_id,
	    const struct product_file *v, size_t n, size_t *bad);

/*
 * Creates p (p->id 0) or updates it (p->id set) and, when files is not
 * NULL, replaces its file list (product_set_files_tx) — in ONE
 * transaction, so a product is never saved with half its files. Returns
 * NY_OK and *id (may be NULL; written only on NY_OK), or the first error
 * of product_create / product_update (*field) or product_set_files_tx
 * (*bad); nothing is written then.
 */
enum ny_err product_save(struct db *db, const struct product *p,
	    const struct product_file *files, size_t nfiles, int64_t *id,
	    const char **field, size_t *bad);

struct product_tags;

/*
 * product_save, and the product's tags replaced by tags
 * (product_tags_set_tx; NULL leaves them) in the same transaction, so the
 * wizard never saves a product without the tags typed with it. Same
 * returns as product_save, or the tags' db error.
 */
enum ny_err product_save_tags(struct db *db, const struct product *p,
	    const struct product_file *files, size_t nfiles,
	    const struct product_tags *tags, int64_t *id, const char **field,
	    size_t *bad);

/*
 * For the catalog import, inside the caller's transaction: makes the
 * product's file called name point at the blob sha256 (a blobs row
 * already) at position, adding it when missing; the product's other
 * files stay (import never deletes). Adds the rows it changed (0 or 1) to
 * *changes. Returns NY_OK, NY_EINVAL (bad name or sha256), NY_ENOTFOUND
 * (product or blob) or a db error.
 */
enum ny_err product_import_file_tx(struct db *db, int64_t product_id,
	    const char *name, const char *sha256, int64_t position,
	    size_t *changes);

/* One file by id. NY_OK or NY_ENOTFOUND. */
enum ny_err product_file_by_id(struct db *db, int64_t file_id,
	    struct product_file *out);

/*
 * SQL for the seats still on sale of ticket product p (a table alias):
 * capacity less the seats of paid orders and those held by pending ones,
 * never below 0. One rule for the product page and the console's list,
 * each count starting from its table's product_id index.
 */
#define PRODUCT_SEATS_LEFT_SQL(p)					\
	"max(0, " p ".capacity"						\
	" - (SELECT coalesce(sum(l.quantity), 0) FROM order_lines l"	\
	"    CROSS JOIN orders o ON o.id = l.order_id"			\
	"    WHERE l.product_id = " p ".id AND o.status = 'paid')"	\
	" - (SELECT coalesce(sum(r.seats), 0) FROM reservations r"	\
	"    CROSS JOIN orders o ON o.id = r.order_id"			\
	"    WHERE r.product_id = " p ".id AND o.status = 'pending'))"

#endif
