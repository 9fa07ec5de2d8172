/*
 * catalog-io.h: the whole catalog (creators, products, their files and
 * automations) to and from one JSON document, described in README.md
 * ("Admin commands"). Secrets are never exported: an imported creator
 * enrols with `creator add`.
 *
 * catalog-parse.c reads and validates a document (catalog_validate) with
 * the typed readers of catalog-json.c, catalog-import.c writes one into
 * the database (catalog_import), catalog-export.c writes the database out
 * as one (catalog_export); catalog-int.h is what they share.
 */
#ifndef NY_CATALOG_IO_H
#define NY_CATALOG_IO_H

#include <stddef.h>

#include "db.h"

#define CATALOG_MAX_JSON	(16u << 20)	/* 16 MiB document */

struct catalog_counts {
	size_t	 creators;
	size_t	 products;
	size_t	 files;
	size_t	 automations;
	size_t	 changes;	/* import: rows written (0 on a re-import) */
};

/*
 * Writes the catalog to json_path and copies every content file next to
 * it under files/SLUG/NAME, covers under covers/SLUG.EXT and avatars under
 * avatars/HANDLE.EXT (paths in the JSON are relative to the JSON file's
 * folder). Times are ISO 8601 UTC. Returns NY_OK (counts may be
 * NULL), or an error with *cause (one line; caller frees).
 */
enum ny_err catalog_export(struct db *db, const char *data_dir,
	    const char *json_path, struct catalog_counts *counts, char **cause);

/*
 * Reads json_path and validates the WHOLE document first; on the first
 * problem returns NY_EINVAL with *cause naming its JSON path, e.g.
 * "products[2].price_minor: expected an integer ≥ 0", and changes nothing.
 * A product's "cover" and a creator's "avatar" (paths like files) must be
 * images image.h takes ("products[0].cover: img/x.png: not a PNG, JPEG or
 * WebP image"); they are stored with image_put_fd, which records their
 * type and pixel size. An avatar absent from the document is kept.
 * Then copies the content files into the store and upserts creators (by
 * handle), products (by slug), files (by product and name) and
 * automations (by product, trigger and offset) in ONE transaction.
 * Importing the same document twice changes nothing and keeps ids.
 * Nothing is deleted. Returns NY_OK (counts = what the document holds,
 * may be NULL), or an error with *cause (caller frees).
 */
enum ny_err catalog_import(struct db *db, const char *data_dir,
	    const char *json_path, struct catalog_counts *counts, char **cause);

/*
 * catalog_import for the payment methods configured (methods: the
 * NYOTA_PAYMENTS list, cfg->payments): a product the document publishes
 * in a currency none of them takes (pay_takes) is refused like any other
 * problem, with its JSON path, the currency and the methods:
 * "products[1].currency: USD: no configured payment method (mpesa) takes
 * it; …". methods NULL: no such check (what catalog_import does).
 */
enum ny_err catalog_import_pay(struct db *db, const char *data_dir,
	    const char *json_path, const char *methods,
	    struct catalog_counts *counts, char **cause);

/*
 * The validation step alone, on a document in memory (the fuzz target
 * uses it): base_dir is where relative file paths point (checked to
 * exist, and pictures to be images, only when check_files is 1). NY_OK
 * or NY_EINVAL with *cause.
 */
enum ny_err catalog_validate(const char *json, size_t len, const char *base_dir,
	    int check_files, char **cause);

#endif
