/*
 * product.c: the products table: create/update, status moves, reads, and
 * the catalog import's upserts. The rules are product-rule.c's, the
 * files (and product_save, a product with its files) product-file.c's.
 * See product.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "product-int.h"

#define PRODUCT_COLS \
	"p.id, p.creator_id, p.slug, p.kind, p.title, p.summary, p.story_md, " \
	"p.price_minor, p.currency, p.status, coalesce(p.cover_sha256, ''), " \
	"coalesce(p.period_days, 0), coalesce(p.starts_at, 0), " \
	"coalesce(p.venue, ''), coalesce(p.capacity, -1), " \
	"coalesce(p.join_url, ''), coalesce(p.download_limit, 0), " \
	"p.created_at, p.updated_at, coalesce(p.published_at, 0), " \
	"p.pwyw, coalesce(p.suggested_minor, -1)"
#define PRODUCT_NCOLS 22

void
product_init(struct product *p)
{
	memset(p, 0, sizeof *p);
	p->title = xstrdup("");
	p->summary = xstrdup("");
	p->story_md = xstrdup("");
	p->venue = xstrdup("");
	p->join_url = xstrdup("");
	p->capacity = -1;
	p->suggested_minor = -1;
	snprintf(p->kind, sizeof p->kind, "download");
	snprintf(p->status, sizeof p->status, "draft");
	snprintf(p->currency, sizeof p->currency, "KES");
}

void
product_free(struct product *p)
{
	free(p->title);
	free(p->summary);
	free(p->story_md);
	free(p->venue);
	free(p->join_url);
	p->title = p->summary = p->story_md = p->venue = p->join_url = NULL;
}

void
product_list_free(struct product *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		product_free(&v[i]);
	free(v);
}

enum ny_err
product_slug_from_title(struct db *db, const char *title,
    char out[PRODUCT_SLUG_MAX + 1])
{
	char base[PRODUCT_SLUG_MAX + 1];
	size_t o = 0;
	int dash = 0;

	for (const unsigned char *p = (const unsigned char *)title; *p &&
	    o < 60; p++) {
		int c = *p;

		if (c >= 'A' && c <= 'Z')
			c = c - 'A' + 'a';
		if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
			if (dash && o > 0)
				base[o++] = '-';
			base[o++] = (char)c;
			dash = 0;
		} else if (c < 0x80 || (c & 0xc0) == 0xc0)
			dash = 1;	/* punctuation or a non-ASCII letter */
	}
	base[o] = '\0';
	if (o == 0)
		snprintf(base, sizeof base, "product");
	for (int i = 1; i < 10000; i++) {
		struct product p;
		enum ny_err rc;

		if (i == 1)
			snprintf(out, PRODUCT_SLUG_MAX + 1, "%s", base);
		else
			snprintf(out, PRODUCT_SLUG_MAX + 1, "%s-%d", base, i);
		rc = product_get_by_slug(db, out, &p);
		if (rc == NY_ENOTFOUND)
			return NY_OK;
		if (rc != NY_OK)
			return rc;
		product_free(&p);
	}
	return NY_EEXISTS;
}

/* s, or "" for NULL (a struct product not from product_init). */
static const char *
str_or(const char *s)
{
	return s ? s : "";
}

/* Binds the editable columns 1..15 in the order of the INSERT/UPDATE,
 * and pay what you want as 18 and 19 (16 and 17 are each statement's). */
static void
product_bind(sqlite3_stmt *st, const struct product *p)
{
	sqlite3_bind_text(st, 1, p->slug, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, p->kind, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, p->title, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, str_or(p->summary), -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, str_or(p->story_md), -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 6, p->price_minor);
	sqlite3_bind_text(st, 7, p->currency, -1, SQLITE_STATIC);
	if (p->cover_sha256[0])
		sqlite3_bind_text(st, 8, p->cover_sha256, -1, SQLITE_STATIC);
	if (p->period_days > 0)
		sqlite3_bind_int64(st, 9, p->period_days);
	if (p->starts_at != 0)
		sqlite3_bind_int64(st, 10, p->starts_at);
	if (str_or(p->venue)[0])
		sqlite3_bind_text(st, 11, p->venue, -1, SQLITE_STATIC);
	if (p->capacity >= 0)
		sqlite3_bind_int64(st, 12, p->capacity);
	if (str_or(p->join_url)[0])
		sqlite3_bind_text(st, 13, p->join_url, -1, SQLITE_STATIC);
	if (p->download_limit > 0)
		sqlite3_bind_int64(st, 14, p->download_limit);
	sqlite3_bind_int64(st, 15, ny_now());
	sqlite3_bind_int64(st, 18, p->pwyw);
	if (p->suggested_minor >= 0)
		sqlite3_bind_int64(st, 19, p->suggested_minor);
}

enum ny_err
product_one(struct db *db, sqlite3_stmt *st, enum ny_err none,
    enum ny_err fk, int64_t *changed)
{
	enum ny_err err = db_one(st, none, changed);

	/* db_err calls every constraint NY_EINVAL; a foreign key means a
	 * row this one points at (or that points at it) decides. */
	if (err == NY_EINVAL && sqlite3_extended_errcode(db_sqlite(db)) ==
	    SQLITE_CONSTRAINT_FOREIGNKEY)
		err = fk;
	return err;
}

/* Validates p for a write; *field (may be NULL) gets the bad column. */
static enum ny_err
product_check(const struct product *p, const char **field)
{
	const struct product_rule *bad;
	enum ny_err err = product_validate(p, &bad);

	if (err != NY_OK && field != NULL)
		*field = bad->field;
	return err;
}

/* A write refused as a duplicate is the slug's (the one unique column). */
static enum ny_err
product_slug_taken(enum ny_err err, const char **field)
{
	if (err == NY_EEXISTS && field != NULL)
		*field = "slug";
	return err;
}

enum ny_err
product_create_tx(struct db *db, const struct product *p, int64_t *id,
    const char **field)
{
	sqlite3_stmt *st;
	int64_t rid;
	enum ny_err err;

	if ((err = product_check(p, field)) != NY_OK)
		return err;
	if (strcmp(p->status, "archived") == 0) {
		if (field != NULL)
			*field = "status";
		return NY_EINVAL;
	}
	st = db_stmt(db, "INSERT INTO products(slug, kind, title, summary, "
	    "story_md, price_minor, currency, cover_sha256, period_days, "
	    "starts_at, venue, capacity, join_url, download_limit, created_at, "
	    "updated_at, creator_id, status, published_at, pwyw, "
	    "suggested_minor) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, "
	    "?10, ?11, ?12, ?13, ?14, ?15, ?15, ?16, ?17, "
	    "CASE ?17 WHEN 'published' THEN ?15 END, ?18, ?19)");
	if (st != NULL) {
		product_bind(st, p);
		sqlite3_bind_int64(st, 16, p->creator_id);
		sqlite3_bind_text(st, 17, p->status, -1, SQLITE_STATIC);
	}
	err = product_one(db, st, NY_EDB, NY_ENOTFOUND, NULL);
	if (err != NY_OK)
		return product_slug_taken(err, field);
	rid = sqlite3_last_insert_rowid(db_sqlite(db));
	if (id != NULL)
		*id = rid;
	return db_event(db, "product", rid, NULL);
}

enum ny_err
product_create(struct db *db, const struct product *p, int64_t *id,
    const char **field)
{
	enum ny_err err;

	if ((err = db_begin(db)) != NY_OK)
		return err;
	return db_end(db, product_create_tx(db, p, id, field));
}

enum ny_err
product_update_tx(struct db *db, const struct product *p, const char **field)
{
	sqlite3_stmt *st;
	enum ny_err err;

	if ((err = product_check(p, field)) != NY_OK)
		return err;
	st = db_stmt(db, "UPDATE products SET slug = ?1, kind = ?2, "
	    "title = ?3, summary = ?4, story_md = ?5, price_minor = ?6, "
	    "currency = ?7, cover_sha256 = ?8, period_days = ?9, "
	    "starts_at = ?10, venue = ?11, capacity = ?12, join_url = ?13, "
	    "download_limit = ?14, updated_at = ?15, pwyw = ?18, "
	    "suggested_minor = ?19 WHERE id = ?16");
	if (st != NULL) {
		product_bind(st, p);
		sqlite3_bind_int64(st, 16, p->id);
	}
	err = product_one(db, st, NY_ENOTFOUND, NY_ENOTFOUND, NULL);
	if (err != NY_OK)
		return product_slug_taken(err, field);
	return db_event(db, "product", p->id, NULL);
}

enum ny_err
product_update(struct db *db, const struct product *p, const char **field)
{
	enum ny_err err;

	if ((err = db_begin(db)) != NY_OK)
		return err;
	return db_end(db, product_update_tx(db, p, field));
}

/* --- Status ------------------------------------------------------------ */

/* 1 when a product may move from status from to status to, else 0. */
static int
status_move_ok(const char *from, const char *to)
{
	static const char *const moves[][2] = {
		{ "draft", "published" },
		{ "draft", "archived" },
		{ "published", "archived" },
		{ "archived", "published" },
	};

	for (size_t i = 0; i < sizeof moves / sizeof moves[0]; i++)
		if (strcmp(moves[i][0], from) == 0 && strcmp(moves[i][1], to) == 0)
			return 1;
	return 0;
}

/* May p move to status? NY_OK (also when already there), NY_ESTATE. */
static enum ny_err
product_move_check(struct db *db, const struct product *p, const char *status)
{
	sqlite3_stmt *st;
	int64_t nfiles = 0;
	enum ny_err err;

	if (!status_move_ok(p->status, status))
		return NY_ESTATE;
	/* Count the files only when the kind needs some. */
	if (strcmp(status, "published") != 0 || product_publish_ok(p->kind, 0))
		return NY_OK;
	st = db_stmt(db, "SELECT count(*) FROM product_files "
	    "WHERE product_id = ?");
	if (st != NULL)
		sqlite3_bind_int64(st, 1, p->id);
	if ((err = db_int64(st, &nfiles)) != NY_OK)
		return err;
	return product_publish_ok(p->kind, nfiles) ? NY_OK : NY_ESTATE;
}

/* product_set_status inside the caller's transaction. */
static enum ny_err
product_set_status_tx(struct db *db, int64_t id, const char *status)
{
	struct product p;
	sqlite3_stmt *st;
	enum ny_err err;

	if ((err = product_get_by_id(db, id, &p)) != NY_OK)
		return err;
	if (strcmp(p.status, status) == 0)
		goto out;
	if ((err = product_move_check(db, &p, status)) != NY_OK)
		goto out;
	st = db_stmt(db, "UPDATE products SET status = ?1, updated_at = ?2, "
	    "published_at = CASE WHEN ?1 = 'published' THEN "
	    "coalesce(published_at, ?2) ELSE published_at END WHERE id = ?3");
	if (st != NULL) {
		sqlite3_bind_text(st, 1, status, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 2, ny_now());
		sqlite3_bind_int64(st, 3, id);
	}
	if ((err = db_one(st, NY_ENOTFOUND, NULL)) == NY_OK)
		err = db_event(db, "product", id, NULL);
out:
	product_free(&p);
	return err;
}

enum ny_err
product_set_status(struct db *db, int64_t id, const char *status)
{
	enum ny_err err;

	if (status == NULL || !product_in_list(product_statuses, status))
		return NY_EINVAL;
	if ((err = db_begin(db)) != NY_OK)
		return err;
	return db_end(db, product_set_status_tx(db, id, status));
}

/* --- Reads ------------------------------------------------------------- */

/* Reads a row of PRODUCT_COLS into p (strings owned: product_free). */
static void
product_row(sqlite3_stmt *st, struct product *p)
{
	memset(p, 0, sizeof *p);
	p->id = sqlite3_column_int64(st, 0);
	p->creator_id = sqlite3_column_int64(st, 1);
	db_col_buf(st, 2, p->slug, sizeof p->slug);
	db_col_buf(st, 3, p->kind, sizeof p->kind);
	p->title = db_col_str(st, 4);
	p->summary = db_col_str(st, 5);
	p->story_md = db_col_str(st, 6);
	p->price_minor = sqlite3_column_int64(st, 7);
	db_col_buf(st, 8, p->currency, sizeof p->currency);
	db_col_buf(st, 9, p->status, sizeof p->status);
	db_col_buf(st, 10, p->cover_sha256, sizeof p->cover_sha256);
	p->period_days = sqlite3_column_int64(st, 11);
	p->starts_at = sqlite3_column_int64(st, 12);
	p->venue = db_col_str(st, 13);
	p->capacity = sqlite3_column_int64(st, 14);
	p->join_url = db_col_str(st, 15);
	p->download_limit = sqlite3_column_int64(st, 16);
	p->created_at = sqlite3_column_int64(st, 17);
	p->updated_at = sqlite3_column_int64(st, 18);
	p->published_at = sqlite3_column_int64(st, 19);
	p->pwyw = sqlite3_column_int(st, 20) != 0;
	p->suggested_minor = sqlite3_column_int64(st, 21);
}

static enum ny_err
product_get(sqlite3_stmt *st, struct product *out)
{
	int rc;

	if (st == NULL)
		return NY_EDB;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		product_row(st, out);
	sqlite3_reset(st);
	return db_found(rc);
}

enum ny_err
product_get_by_id(struct db *db, int64_t id, struct product *out)
{
	sqlite3_stmt *st = db_stmt(db, "SELECT " PRODUCT_COLS
	    " FROM products p WHERE p.id = ?");

	if (st != NULL)
		sqlite3_bind_int64(st, 1, id);
	return product_get(st, out);
}

enum ny_err
product_get_by_slug(struct db *db, const char *slug, struct product *out)
{
	sqlite3_stmt *st = db_stmt(db, "SELECT " PRODUCT_COLS
	    " FROM products p WHERE p.slug = ?");

	if (st != NULL)
		sqlite3_bind_text(st, 1, slug, -1, SQLITE_STATIC);
	return product_get(st, out);
}

/* db_rows filler of product_list_by_creator: the row and its sales. */
static enum ny_err
product_fill_sales(void *arg, void *elem, sqlite3_stmt *st)
{
	struct product *p = elem;

	(void)arg;
	product_row(st, p);
	p->sales = sqlite3_column_int64(st, PRODUCT_NCOLS);
	p->revenue_minor = sqlite3_column_int64(st, PRODUCT_NCOLS + 1);
	p->seats_left = sqlite3_column_int64(st, PRODUCT_NCOLS + 2);
	p->subscribers = sqlite3_column_int64(st, PRODUCT_NCOLS + 3);
	return NY_OK;
}

enum ny_err
product_list_by_creator(struct db *db, int64_t creator_id,
    struct product **out, size_t *n)
{
	/*
	 * Seats: the rule of catalog_seats_left, so the console says what
	 * the product page says (test-views compares the two). Each count
	 * starts from its table's product_id index.
	 */
	sqlite3_stmt *st = db_stmt(db, "SELECT " PRODUCT_COLS ", "
	    "(SELECT count(*) FROM order_lines l CROSS JOIN orders o"
	    " ON o.id = l.order_id WHERE l.product_id = p.id"
	    " AND o.status = 'paid'), (SELECT coalesce(sum(l.amount_minor), 0)"
	    " FROM order_lines l CROSS JOIN orders o ON o.id = l.order_id"
	    " WHERE l.product_id = p.id AND o.status = 'paid'), "
	    "CASE WHEN p.kind = 'ticket' THEN " PRODUCT_SEATS_LEFT_SQL("p")
	    " ELSE -1 END, "
	    "CASE WHEN p.kind = 'subscription' THEN (SELECT count(*)"
	    " FROM entitlements e WHERE e.product_id = p.id"
	    " AND e.revoked_at IS NULL"
	    " AND (e.expires_at IS NULL OR e.expires_at > ?2)) ELSE -1 END "
	    "FROM products p WHERE p.creator_id = ?1 "
	    "ORDER BY p.created_at DESC, p.id DESC");
	enum ny_err err;

	*out = NULL;
	*n = 0;
	if (st != NULL) {
		sqlite3_bind_int64(st, 1, creator_id);
		sqlite3_bind_int64(st, 2, ny_now());
	}
	err = db_rows(st, 0, out, n, sizeof **out, product_fill_sales, NULL);
	if (err != NY_OK) {
		product_list_free(*out, *n);
		*out = NULL;
		*n = 0;
	}
	return err;
}

enum ny_err
product_count(struct db *db, int64_t *n)
{
	sqlite3_stmt *st = db_stmt(db, "SELECT count(*) FROM products");

	*n = 0;
	return db_int64(st, n);
}

/* --- The catalog import -------------------------------------------------- */

static int
streq(const char *a, const char *b)
{
	return strcmp(a ? a : "", b ? b : "") == 0;
}

/* 1 when every editable field of a and b is equal, else 0. */
static int
product_same(const struct product *a, const struct product *b)
{
	return strcmp(a->kind, b->kind) == 0 &&
	    streq(a->title, b->title) && streq(a->summary, b->summary) &&
	    streq(a->story_md, b->story_md) &&
	    a->price_minor == b->price_minor && a->pwyw == b->pwyw &&
	    a->suggested_minor == b->suggested_minor &&
	    strcmp(a->currency, b->currency) == 0 &&
	    strcmp(a->cover_sha256, b->cover_sha256) == 0 &&
	    a->period_days == b->period_days && a->starts_at == b->starts_at &&
	    streq(a->venue, b->venue) && a->capacity == b->capacity &&
	    streq(a->join_url, b->join_url) &&
	    a->download_limit == b->download_limit;
}

/* Creates p as a draft (its status is set last); *changes + 1. */
static enum ny_err
product_import_new(struct db *db, struct product *p, size_t *changes)
{
	char status[sizeof p->status];
	enum ny_err err;

	memcpy(status, p->status, sizeof status);
	snprintf(p->status, sizeof p->status, "draft");
	err = product_create_tx(db, p, &p->id, NULL);
	memcpy(p->status, status, sizeof status);
	if (err == NY_OK)
		(*changes)++;
	return err;
}

/* Moves product id to creator_id (product_update_tx keeps the creator). */
static enum ny_err
product_import_creator(struct db *db, int64_t id, int64_t creator_id,
    size_t *changes)
{
	sqlite3_stmt *st = db_stmt(db, "UPDATE products SET creator_id = ? "
	    "WHERE id = ?");
	int64_t n = 0;
	enum ny_err err;

	if (st != NULL) {
		sqlite3_bind_int64(st, 1, creator_id);
		sqlite3_bind_int64(st, 2, id);
	}
	err = product_one(db, st, NY_ENOTFOUND, NY_ENOTFOUND, &n);
	*changes += (size_t)n;
	return err;
}

enum ny_err
product_import_tx(struct db *db, struct product *p, size_t *changes)
{
	struct product cur;
	enum ny_err err;

	err = product_get_by_slug(db, p->slug, &cur);
	if (err == NY_ENOTFOUND)
		return product_import_new(db, p, changes);
	if (err != NY_OK)
		return err;
	p->id = cur.id;
	if (!product_same(&cur, p)) {
		if ((err = product_update_tx(db, p, NULL)) == NY_OK)
			(*changes)++;
	}
	if (err == NY_OK && cur.creator_id != p->creator_id)
		err = product_import_creator(db, p->id, p->creator_id, changes);
	product_free(&cur);
	return err;
}

enum ny_err
product_import_status_tx(struct db *db, int64_t id, const char *status,
    size_t *changes)
{
	sqlite3_stmt *st;
	int64_t n = 0;
	enum ny_err err;

	if (status == NULL || !product_in_list(product_statuses, status))
		return NY_EINVAL;
	st = db_stmt(db, "UPDATE products SET status = ?1, "
	    "updated_at = ?2, published_at = CASE WHEN ?1 = 'published' THEN "
	    "coalesce(published_at, ?2) ELSE published_at END "
	    "WHERE id = ?3 AND status <> ?1");
	if (st != NULL) {
		sqlite3_bind_text(st, 1, status, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 2, ny_now());
		sqlite3_bind_int64(st, 3, id);
	}
	/* No row changed: the status already was status (or no such id). */
	err = db_one(st, NY_OK, &n);
	*changes += (size_t)n;
	return err;
}
