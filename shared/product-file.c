/*
 * product-file.c: the product_files table: the content files a product
 * delivers, in order, pointing at blobs of the store; and product_save
 * (product_save_tags: and its tags), which writes a product with its
 * files in one transaction. See product.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "blob.h"
#include "product-int.h"
#include "product-tag.h"

/*
 * Runs st, one of the INSERTs of a file (?1 product_id, ?2 name,
 * ?3 sha256, ?4 position when pos ≥ 0), after checking name and sha256.
 * Returns as product_one with none (a missing product or blob is
 * NY_ENOTFOUND, a name the product has NY_EEXISTS), or NY_EINVAL.
 */
static enum ny_err
file_write(struct db *db, sqlite3_stmt *st, int64_t product_id,
    const char *name, const char *sha256, int64_t pos, enum ny_err none,
    int64_t *changed)
{
	if (!product_file_name_ok(name) || !blob_sha_ok(sha256))
		return NY_EINVAL;
	if (st != NULL) {
		sqlite3_bind_int64(st, 1, product_id);
		sqlite3_bind_text(st, 2, name, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 3, sha256, -1, SQLITE_STATIC);
		if (pos >= 0)
			sqlite3_bind_int64(st, 4, pos);
	}
	return product_one(db, st, none, NY_ENOTFOUND, changed);
}

enum ny_err
product_add_file_tx(struct db *db, int64_t product_id, const char *name,
    const char *sha256, int64_t *file_id)
{
	sqlite3_stmt *st = db_stmt(db, "INSERT INTO product_files(product_id, "
	    "name, sha256, position) SELECT ?1, ?2, ?3, "
	    "coalesce(max(position) + 1, 0) FROM product_files "
	    "WHERE product_id = ?1");
	enum ny_err err;

	err = file_write(db, st, product_id, name, sha256, -1, NY_EDB, NULL);
	if (err != NY_OK)
		return err;
	if (file_id != NULL)
		*file_id = sqlite3_last_insert_rowid(db_sqlite(db));
	return db_event(db, "product", product_id, NULL);
}

enum ny_err
product_add_file(struct db *db, int64_t product_id, const char *name,
    const char *sha256, int64_t *file_id)
{
	enum ny_err err;

	if ((err = db_begin(db)) != NY_OK)
		return err;
	return db_end(db, product_add_file_tx(db, product_id, name, sha256,
	    file_id));
}

/* Detaches a file; NY_ESTATE when downloads point at it (history). */
static enum ny_err
product_remove_file_tx(struct db *db, int64_t product_id, int64_t file_id)
{
	sqlite3_stmt *st = db_stmt(db, "DELETE FROM product_files "
	    "WHERE id = ? AND product_id = ?");
	enum ny_err err;

	if (st != NULL) {
		sqlite3_bind_int64(st, 1, file_id);
		sqlite3_bind_int64(st, 2, product_id);
	}
	if ((err = product_one(db, st, NY_ENOTFOUND, NY_ESTATE, NULL)) != NY_OK)
		return err;
	return db_event(db, "product", product_id, NULL);
}

enum ny_err
product_remove_file(struct db *db, int64_t product_id, int64_t file_id)
{
	enum ny_err err;

	if ((err = db_begin(db)) != NY_OK)
		return err;
	return db_end(db, product_remove_file_tx(db, product_id, file_id));
}

#define FILE_COLS "f.id, f.product_id, f.name, f.sha256, b.size, b.mime, " \
	"f.position FROM product_files f JOIN blobs b ON b.sha256 = f.sha256"

/* Reads a row of FILE_COLS into f. */
static void
file_row(sqlite3_stmt *st, struct product_file *f)
{
	memset(f, 0, sizeof *f);
	f->id = sqlite3_column_int64(st, 0);
	f->product_id = sqlite3_column_int64(st, 1);
	db_col_buf(st, 2, f->name, sizeof f->name);
	db_col_buf(st, 3, f->sha256, sizeof f->sha256);
	f->size = sqlite3_column_int64(st, 4);
	db_col_buf(st, 5, f->mime, sizeof f->mime);
	f->position = sqlite3_column_int64(st, 6);
}

/* db_rows filler of product_files. */
static enum ny_err
file_fill(void *arg, void *elem, sqlite3_stmt *st)
{
	(void)arg;
	file_row(st, elem);
	return NY_OK;
}

enum ny_err
product_files(struct db *db, int64_t product_id, struct product_file **out,
    size_t *n)
{
	sqlite3_stmt *st = db_stmt(db, "SELECT " FILE_COLS
	    " WHERE f.product_id = ? ORDER BY f.position, f.id");
	enum ny_err err;

	*out = NULL;
	*n = 0;
	if (st != NULL)
		sqlite3_bind_int64(st, 1, product_id);
	err = db_rows(st, 0, out, n, sizeof **out, file_fill, NULL);
	if (err != NY_OK) {
		free(*out);
		*out = NULL;
		*n = 0;
	}
	return err;
}

enum ny_err
product_file_by_id(struct db *db, int64_t file_id, struct product_file *out)
{
	sqlite3_stmt *st = db_stmt(db, "SELECT " FILE_COLS " WHERE f.id = ?");
	int rc;

	if (st == NULL)
		return NY_EDB;
	sqlite3_bind_int64(st, 1, file_id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		file_row(st, out);
	sqlite3_reset(st);
	return db_found(rc);
}

/* Detaches the product's files whose ids are not among v's. */
static enum ny_err
files_drop_missing(struct db *db, int64_t product_id,
    const struct product_file *v, size_t n)
{
	struct product_file *cur;
	size_t ncur, i, j;
	enum ny_err rc;

	if ((rc = product_files(db, product_id, &cur, &ncur)) != NY_OK)
		return rc;
	for (i = 0; i < ncur && rc == NY_OK; i++) {
		for (j = 0; j < n && v[j].id != cur[i].id; j++)
			;
		if (j == n)
			rc = product_remove_file_tx(db, product_id, cur[i].id);
	}
	free(cur);
	return rc;
}

/* Moves the product's file id to pos; NY_ENOTFOUND when not its file. */
static enum ny_err
file_move_tx(struct db *db, int64_t product_id, int64_t id, int64_t pos)
{
	sqlite3_stmt *st = db_stmt(db, "UPDATE product_files SET position = ?1 "
	    "WHERE id = ?2 AND product_id = ?3");

	if (st != NULL) {
		sqlite3_bind_int64(st, 1, pos);
		sqlite3_bind_int64(st, 2, id);
		sqlite3_bind_int64(st, 3, product_id);
	}
	return db_one(st, NY_ENOTFOUND, NULL);
}

/* Attaches a new file at pos. */
static enum ny_err
file_insert_tx(struct db *db, int64_t product_id,
    const struct product_file *f, int64_t pos)
{
	sqlite3_stmt *st = db_stmt(db, "INSERT INTO product_files(product_id, "
	    "name, sha256, position) VALUES (?1, ?2, ?3, ?4)");

	return file_write(db, st, product_id, f->name, f->sha256, pos, NY_EDB,
	    NULL);
}

enum ny_err
product_set_files_tx(struct db *db, int64_t product_id,
    const struct product_file *v, size_t n, size_t *bad)
{
	size_t i, dummy;
	enum ny_err rc;

	if (bad == NULL)
		bad = &dummy;
	*bad = n;
	/* Detach first: a new file may take the name of a dropped one. */
	if ((rc = files_drop_missing(db, product_id, v, n)) != NY_OK)
		return rc;
	for (i = 0; i < n && rc == NY_OK; i++) {
		*bad = i;
		rc = v[i].id != 0 ?
		    file_move_tx(db, product_id, v[i].id, (int64_t)i) :
		    file_insert_tx(db, product_id, &v[i], (int64_t)i);
	}
	if (rc != NY_OK)
		return rc;
	*bad = n;
	return db_event(db, "product", product_id, NULL);
}

enum ny_err
product_import_file_tx(struct db *db, int64_t product_id, const char *name,
    const char *sha256, int64_t position, size_t *changes)
{
	/* The WHERE makes a file that already is so a write of nothing. */
	sqlite3_stmt *st = db_stmt(db, "INSERT INTO product_files(product_id, "
	    "name, sha256, position) VALUES (?1, ?2, ?3, ?4) "
	    "ON CONFLICT(product_id, name) DO UPDATE SET "
	    "sha256 = excluded.sha256, position = excluded.position "
	    "WHERE sha256 IS NOT excluded.sha256 "
	    "OR position IS NOT excluded.position");
	int64_t n = 0;
	enum ny_err err;

	err = file_write(db, st, product_id, name, sha256, position, NY_OK,
	    &n);
	*changes += (size_t)n;
	return err;
}

enum ny_err
product_save(struct db *db, const struct product *p,
    const struct product_file *files, size_t nfiles, int64_t *id,
    const char **field, size_t *bad)
{
	return product_save_tags(db, p, files, nfiles, NULL, id, field, bad);
}

enum ny_err
product_save_tags(struct db *db, const struct product *p,
    const struct product_file *files, size_t nfiles,
    const struct product_tags *tags, int64_t *id, const char **field,
    size_t *bad)
{
	int64_t pid = p->id;
	enum ny_err err;

	if ((err = db_begin(db)) != NY_OK)
		return err;
	err = pid != 0 ? product_update_tx(db, p, field) :
	    product_create_tx(db, p, &pid, field);
	if (err == NY_OK && files != NULL)
		err = product_set_files_tx(db, pid, files, nfiles, bad);
	if (err == NY_OK && tags != NULL)
		err = product_tags_set_tx(db, pid, tags);
	if ((err = db_end(db, err)) == NY_OK && id != NULL)
		*id = pid;
	return err;
}
