/*
 * catalog-import.c: writes a parsed catalog document (catalog-parse.c)
 * into the database, in three steps so that a bad document changes
 * nothing:
 *   1. parse and validate everything (catalog_parse), with the JSON path
 *      of the first problem;
 *   2. copy content files into the store (a blob nobody references is
 *      harmless, and the copy is the slow part: outside the transaction);
 *   3. upsert in ONE transaction, writing a row only when it differs, so
 *      a second import of the same document writes nothing at all.
 * Every row is written by the module that owns its table (creator_,
 * product_, automation_, blob_ *_tx functions): no SQL here. See
 * catalog-io.h.
 */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "automation.h"
#include "catalog-int.h"
#include "creator.h"
#include "image.h"
#include "pay.h"

/*
 * Stores a cover or avatar through image_put_fd, which checks it again
 * (the file may have changed since validation) and records its blob row
 * with type and size at once: that row lands outside the import's
 * transaction, harmless like the other blobs of this step (nothing points
 * at it until the transaction commits).
 */
static enum ny_err
cio_store_image(struct db *db, const char *data_dir, const char *file,
    char sha[BLOB_SHA_LEN], const char *what, size_t i, char **cause)
{
	const char *why = NULL;
	enum ny_err rc;
	int fd;

	if ((fd = open(file, O_RDONLY | O_CLOEXEC)) < 0) {
		*cause = xasprintf("%s[%zu]: cannot open %s", what, i, file);
		return NY_EIO;
	}
	rc = image_put_fd(db, data_dir, fd, sha, NULL, &why);
	close(fd);
	if (rc != NY_OK)
		*cause = xasprintf("%s[%zu]: %s: %s", what, i, file,
		    why ? why : ny_strerror(rc));
	return rc;
}

/* Step 2: the content files, covers and avatars into the store. */
static enum ny_err
cio_store_files(struct db *db, struct catalog_doc *d, const char *data_dir,
    char **cause)
{
	for (size_t i = 0; i < d->ncreators; i++) {
		struct catalog_doc_creator *c = &d->creators[i];
		enum ny_err rc;

		if (c->avatar != NULL && (rc = cio_store_image(db, data_dir,
		    c->avatar, c->avatar_sha, "creators", i, cause)) != NY_OK)
			return rc;
	}
	for (size_t i = 0; i < d->nproducts; i++) {
		struct catalog_doc_product *cp = &d->products[i];

		for (size_t j = 0; j < cp->nfiles; j++) {
			struct catalog_doc_file *f = &cp->files[j];
			enum ny_err rc;

			rc = blob_write_file(data_dir, f->path, f->name, f->sha,
			    &f->size, f->mime, NULL, NULL);
			if (rc != NY_OK) {
				*cause = xasprintf("products[%zu].files[%zu]: "
				    "cannot copy %s into the store: %s", i, j,
				    f->path, ny_strerror(rc));
				return rc;
			}
		}
		if (cp->cover != NULL) {
			enum ny_err rc = cio_store_image(db, data_dir,
			    cp->cover, cp->p.cover_sha256, "products", i,
			    cause);

			if (rc != NY_OK)
				return rc;
		}
	}
	return NY_OK;
}

/* The product's files by (product, name), in the document's order. */
static enum ny_err
cio_product_files(struct db *db, struct catalog_doc_product *cp,
    size_t *changes)
{
	enum ny_err rc = NY_OK;

	for (size_t i = 0; rc == NY_OK && i < cp->nfiles; i++)
		rc = product_import_file_tx(db, cp->p.id, cp->files[i].name,
		    cp->files[i].sha, (int64_t)i, changes);
	return rc;
}

/* The product's automations by (trigger, offset). */
static enum ny_err
cio_product_autos(struct db *db, struct catalog_doc_product *cp,
    size_t *changes)
{
	enum ny_err rc = NY_OK;
	int changed;

	for (size_t i = 0; rc == NY_OK && i < cp->nautos; i++) {
		struct catalog_doc_auto *a = &cp->autos[i];

		rc = automation_upsert_tx(db, cp->p.id, a->trigger,
		    (int)a->offset, a->body_en, a->body_sw, a->enabled,
		    &changed);
		*changes += (size_t)changed;
	}
	return rc;
}

/* The product's tags, when the document has them and they differ. */
static enum ny_err
cio_product_tags(struct db *db, struct catalog_doc_product *cp,
    size_t *changes)
{
	struct product_tags cur;
	enum ny_err rc;
	int same;

	if (!cp->has_tags)
		return NY_OK;
	if ((rc = product_tags_get(db, cp->p.id, &cur)) != NY_OK)
		return rc;
	/* both sorted: equal sets are equal arrays */
	same = cur.n == cp->tags.n;
	for (int i = 0; same && i < cur.n; i++)
		same = strcmp(cur.tag[i], cp->tags.tag[i]) == 0;
	if (same)
		return NY_OK;
	(*changes)++;
	return product_tags_set_tx(db, cp->p.id, &cp->tags);
}

/* The blobs rows first: the product's files point at them (the cover's
 * row is image_put_fd's, written when it was stored). */
static enum ny_err
cio_product_blobs(struct db *db, struct catalog_doc_product *cp)
{
	enum ny_err rc = NY_OK;

	for (size_t i = 0; rc == NY_OK && i < cp->nfiles; i++)
		rc = blob_add(db, cp->files[i].sha, cp->files[i].size,
		    cp->files[i].mime);
	return rc;
}

/*
 * One product: its blob rows, its row (born a draft), its files and
 * automations, then its status (a published download has its files by
 * then); one "product" event when anything changed.
 */
static enum ny_err
cio_upsert_product(struct db *db, struct catalog_doc_product *cp,
    size_t *changes)
{
	struct creator c;
	size_t before = *changes;
	enum ny_err rc;

	if ((rc = cio_product_blobs(db, cp)) != NY_OK)
		return rc;
	if ((rc = creator_by_handle(db, cp->creator, &c)) != NY_OK)
		return rc;
	cp->p.creator_id = c.id;
	creator_free(&c);
	if ((rc = product_import_tx(db, &cp->p, changes)) != NY_OK ||
	    (rc = cio_product_files(db, cp, changes)) != NY_OK ||
	    (rc = cio_product_tags(db, cp, changes)) != NY_OK ||
	    (rc = cio_product_autos(db, cp, changes)) != NY_OK ||
	    (rc = product_import_status_tx(db, cp->p.id, cp->p.status,
	    changes)) != NY_OK)
		return rc;
	if (*changes != before)
		rc = db_event(db, "product", cp->p.id, NULL);
	return rc;
}

/* Step 3: creators, then products, in one transaction. */
static enum ny_err
cio_apply(struct db *db, struct catalog_doc *d, size_t *changes, char **cause)
{
	enum ny_err rc;

	if ((rc = db_begin(db)) != NY_OK) {
		*cause = xasprintf("cannot start a transaction: %s",
		    ny_strerror(rc));
		return rc;
	}
	for (size_t i = 0; i < d->ncreators; i++)
		if ((rc = creator_import_tx(db, d->creators[i].handle,
		    d->creators[i].display_name, d->creators[i].locale,
		    d->creators[i].bio, d->creators[i].avatar != NULL ?
		    d->creators[i].avatar_sha : NULL, changes))) {
			*cause = xasprintf("creators[%zu]: %s (%s)", i,
			    ny_strerror(rc), db_errmsg(db));
			goto fail;
		}
	for (size_t i = 0; i < d->nproducts; i++)
		if ((rc = cio_upsert_product(db, &d->products[i], changes))) {
			*cause = xasprintf("products[%zu]: %s (%s)", i,
			    ny_strerror(rc), db_errmsg(db));
			goto fail;
		}
	if ((rc = db_commit(db)) != NY_OK) {
		*cause = xasprintf("commit failed: %s", ny_strerror(rc));
		return rc;
	}
	return NY_OK;
fail:
	db_rollback(db);
	return rc;
}

/*
 * Step 1 too: no product is published in a currency nobody can pay with
 * the configured methods (every checkout of it could only fail). Drafts
 * and archived products may be in any currency.
 */
static enum ny_err
cio_check_currencies(const struct catalog_doc *d, const char *methods,
    char **cause)
{
	char names[64];

	for (size_t i = 0; methods != NULL && i < d->nproducts; i++) {
		const struct product *p = &d->products[i].p;

		if (strcmp(p->status, "published") != 0 ||
		    pay_takes(methods, p->currency))
			continue;
		pay_methods_names(methods, p->currency, names, sizeof names);
		return catalog_json_fail(cause, "products[%zu].currency: %s:"
		    " no configured payment method (%s) takes it; import it"
		    " as a draft or in a currency they take", i, p->currency,
		    names);
	}
	return NY_OK;
}

enum ny_err
catalog_import(struct db *db, const char *data_dir, const char *json_path,
    struct catalog_counts *counts, char **cause)
{
	return catalog_import_pay(db, data_dir, json_path, NULL, counts,
	    cause);
}

enum ny_err
catalog_import_pay(struct db *db, const char *data_dir,
    const char *json_path, const char *methods,
    struct catalog_counts *counts, char **cause)
{
	struct catalog_doc d;
	char *json = NULL, *base;
	size_t len = 0, changes = 0;
	enum ny_err rc;

	*cause = NULL;
	rc = ny_read_file(json_path, CATALOG_MAX_JSON, &json, &len);
	if (rc != NY_OK) {
		*cause = xasprintf("%s: %s", json_path, rc == NY_ELIMIT ?
		    "larger than 16 MiB" : rc == NY_ENOTFOUND ? "no such file" :
		    "cannot read");
		return rc;
	}
	memset(&d, 0, sizeof d);
	base = catalog_parse_dirname(json_path);
	d.base = base;
	d.check_files = 1;
	rc = catalog_parse(&d, db, json, len, cause);
	if (rc == NY_OK)
		rc = cio_check_currencies(&d, methods, cause);
	if (rc == NY_OK)
		rc = cio_store_files(db, &d, data_dir, cause);
	if (rc == NY_OK)
		rc = cio_apply(db, &d, &changes, cause);
	if (rc == NY_OK && counts != NULL) {
		memset(counts, 0, sizeof *counts);
		counts->creators = d.ncreators;
		counts->products = d.nproducts;
		for (size_t i = 0; i < d.nproducts; i++) {
			counts->files += d.products[i].nfiles;
			counts->automations += d.products[i].nautos;
		}
		counts->changes = changes;
	}
	catalog_parse_free(&d);
	free(base);
	free(json);
	catalog_json_clean(*cause);
	return rc;
}

