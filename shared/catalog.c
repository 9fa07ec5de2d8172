/*
 * catalog.c: the public read model (see catalog.h). All the storefront's SQL.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalog.h"
#include "product.h"

/* Columns read by catalog_row, in order. Seats are computed for tickets only;
 * CROSS JOIN makes each sum start from the product's own lines or
 * reservations (left to itself the planner may walk every paid order). */
#define CATALOG_COLS \
	"p.id, p.slug, p.kind, p.title, p.summary, p.price_minor, " \
	"p.currency, coalesce(cb.sha256, ''), " \
	"coalesce(p.period_days, 0), coalesce(p.starts_at, 0), " \
	"coalesce(p.venue, ''), coalesce(p.capacity, 0), " \
	"coalesce(p.published_at, 0), c.handle, c.display_name, " \
	"CASE WHEN p.kind = 'ticket' THEN max(0, p.capacity" \
	" - (SELECT coalesce(sum(l.quantity), 0) FROM order_lines l" \
	"    CROSS JOIN orders o ON o.id = l.order_id" \
	"    WHERE l.product_id = p.id AND o.status = 'paid')" \
	" - (SELECT coalesce(sum(r.seats), 0) FROM reservations r" \
	"    CROSS JOIN orders o ON o.id = r.order_id" \
	"    WHERE r.product_id = p.id AND o.status = 'pending'))" \
	" ELSE 0 END, " \
	"coalesce(cb.width, 0), coalesce(cb.height, 0)"

/*
 * Columns of the growth round after CATALOG_COLS (catalog_row 18–21):
 * pay what you want, the tags (sorted, comma-joined) and the paid units
 * (products.sales, kept by the triggers of migration 0012: no read sums
 * order lines).
 */
#define CATALOG_MORE \
	", p.pwyw, coalesce(p.suggested_minor, -1)," \
	" (SELECT coalesce(group_concat(tg.tag, ','), '') FROM" \
	"  (SELECT t.tag FROM product_tags t WHERE t.product_id = p.id" \
	"   ORDER BY t.tag) tg), p.sales"

/*
 * ?tag=: ?5 NULL for any tag. The product ids of the tag are read once
 * from product_tags_tag (tag, product_id) into a list each product is
 * looked up in, rather than a probe of product_tags per product.
 */
#define CATALOG_TAGGED \
	" AND (?5 IS NULL OR p.id IN (SELECT t.product_id FROM product_tags t" \
	"  WHERE t.tag = ?5))"

/* The sort orders; every one ends newest first, then by id. */
#define CATALOG_BY_NEW		" ORDER BY p.published_at DESC, p.id DESC"
#define CATALOG_BY_PRICE	" ORDER BY p.price_minor, p.published_at DESC, p.id DESC"
#define CATALOG_BY_POPULAR	" ORDER BY p.sales DESC, p.published_at DESC, p.id DESC"
#define CATALOG_BY_BEST		" ORDER BY bm25(products_fts, 10.0, 4.0, 1.0), p.id DESC"

/*
 * The blob aliased b is an image image.c checked and measured: one of the
 * three types it takes, with the pixel size it recorded. Only such blobs
 * are shown as covers or avatars and served on /cover.
 */
#define CATALOG_IMG(b) \
	b ".width IS NOT NULL AND " b ".height IS NOT NULL AND " b ".mime" \
	" IN ('image/png', 'image/jpeg', 'image/webp')"

/*
 * The tables CATALOG_COLS reads. A cover counts only when its blob is an
 * image whose size image.c recorded (image_put_fd checked it): a product
 * whose cover is anything else shows as a text card, and /cover refuses
 * the blob (catalog_cover_mime), so pages never point at what is not served.
 */
#define CATALOG_FROM \
	" products p JOIN creators c ON c.id = p.creator_id" \
	" LEFT JOIN blobs cb ON cb.sha256 = p.cover_sha256" \
	"  AND " CATALOG_IMG("cb")

#define CATALOG_PUBLIC \
	"p.status = 'published' AND c.disabled_at IS NULL"

/*
 * A creator's avatar is public once they are enrolled (a TOTP secret: an
 * imported or invited creator who never logged in has not chosen to be
 * shown yet); disabled creators are filtered apart.
 */
#define CATALOG_AVATAR_OK(c) c ".totp_secret IS NOT NULL"

int
catalog_kind_ok(const char *kind)
{
	static const char *const kinds[] = {
		"download", "subscription", "ticket", "webinar", NULL
	};
	int i;

	for (i = 0; kind != NULL && kinds[i] != NULL; i++)
		if (strcmp(kind, kinds[i]) == 0)
			return 1;
	return 0;
}

static void
catalog_row(sqlite3_stmt *st, struct catalog_product *p)
{
	memset(p, 0, sizeof *p);
	p->id = sqlite3_column_int64(st, 0);
	p->slug = db_col_str(st, 1);
	p->kind = db_col_str(st, 2);
	p->title = db_col_str(st, 3);
	p->summary = db_col_str(st, 4);
	p->price_minor = sqlite3_column_int64(st, 5);
	db_col_buf(st, 6, p->currency, sizeof p->currency);
	p->cover_sha256 = db_col_str(st, 7);
	p->period_days = sqlite3_column_int64(st, 8);
	p->starts_at = sqlite3_column_int64(st, 9);
	p->venue = db_col_str(st, 10);
	p->capacity = sqlite3_column_int64(st, 11);
	p->published_at = sqlite3_column_int64(st, 12);
	p->creator_handle = db_col_str(st, 13);
	p->creator_name = db_col_str(st, 14);
	p->seats_left = sqlite3_column_int64(st, 15);
	p->cover_width = sqlite3_column_int(st, 16);
	p->cover_height = sqlite3_column_int(st, 17);
	p->pwyw = sqlite3_column_int(st, 18);
	p->suggested_minor = sqlite3_column_int64(st, 19);
	p->tags = db_col_str(st, 20);
	p->sales = sqlite3_column_int64(st, 21);
	/* column 22: the story, on a product page only */
	p->story_md = sqlite3_column_count(st) > 22 ? db_col_str(st, 22) :
	    xstrdup("");
}

static void
catalog_product_clear(struct catalog_product *p)
{
	int i;

	free(p->slug);
	free(p->kind);
	free(p->title);
	free(p->summary);
	free(p->story_md);
	free(p->cover_sha256);
	free(p->venue);
	free(p->tags);
	free(p->creator_handle);
	free(p->creator_name);
	for (i = 0; i < p->nfiles; i++)
		free(p->files[i].name);
	free(p->files);
}

void
catalog_product_free(struct catalog_product *p)
{
	if (p == NULL)
		return;
	catalog_product_clear(p);
	free(p);
}

void
catalog_list_free(struct catalog_list *l)
{
	int i;

	for (i = 0; i < l->n; i++)
		catalog_product_clear(&l->items[i]);
	free(l->items);
	memset(l, 0, sizeof *l);
}

void
catalog_creator_free(struct catalog_creator *c)
{
	if (c == NULL)
		return;
	free(c->handle);
	free(c->display_name);
	free(c->bio);
	free(c->locale);
	free(c->avatar_sha256);
	free(c);
}

struct catalog_page {
	struct catalog_list	*out;
	int			 per_page;
};

/*
 * db_each callback of catalog_collect: reads the row into the next item,
 * or notes that the page is full and one more row came.
 */
static enum ny_err
catalog_collect_row(void *arg, sqlite3_stmt *st)
{
	struct catalog_page *pg = arg;
	struct catalog_list *out = pg->out;

	if (out->n == pg->per_page)
		out->more = 1;
	else
		catalog_row(st, &out->items[out->n++]);
	return NY_OK;
}

/*
 * Steps st (already bound, LIMIT per_page + 1) into out, keeping at most
 * per_page rows and noting whether one more came. Resets st. On an error
 * out is emptied.
 */
static enum ny_err
catalog_collect(sqlite3_stmt *st, int per_page, struct catalog_list *out)
{
	struct catalog_page pg = { out, per_page };
	enum ny_err rc;

	memset(out, 0, sizeof *out);
	out->items = xcalloc((size_t)per_page, sizeof *out->items);
	if ((rc = db_each(st, 0, catalog_collect_row, &pg)) != NY_OK)
		catalog_list_free(out);
	return rc;
}

static void
catalog_paging(int *page, int *per_page)
{
	if (*per_page <= 0)
		*per_page = CATALOG_PAGE_SIZE;
	if (*per_page > 100)
		*per_page = 100;
	if (*page < 1)
		*page = 1;
	if (*page > 10000)
		*page = 10000;
}

enum ny_err
catalog_list_products(struct db *db, const char *kind, int page, int per_page,
    struct catalog_list *out)
{
	struct catalog_query cq = { NULL, kind, NULL, CATALOG_SORT_NEW, page,
	    per_page };

	return catalog_query(db, &cq, out);
}

/* Word characters as FTS5's unicode61 sees them, roughly: ASCII letters
 * and digits, and every byte of a multi-byte UTF-8 sequence. */
static int
catalog_word_byte(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || c >= 0x80;
}

enum ny_err
catalog_fts_expr(const char *query, char **out)
{
	struct ny_buf b;
	const unsigned char *p = (const unsigned char *)(query ? query : "");
	size_t n = 0, words = 0;

	buf_init(&b, 0);
	buf_adds(&b, "");
	while (*p != '\0' && n < CATALOG_QUERY_MAX && words < 16) {
		const unsigned char *w;

		while (*p != '\0' && !catalog_word_byte(*p))
			p++, n++;
		w = p;
		while (*p != '\0' && catalog_word_byte(*p) && n < CATALOG_QUERY_MAX)
			p++, n++;
		if (p == w)
			continue;
		/* a quoted FTS string cannot contain '"' here: only word
		 * bytes get in, so no operator, column filter or NEAR( */
		buf_printf(&b, "%s\"%.*s\"*", words ? " " : "", (int)(p - w),
		    (const char *)w);
		words++;
	}
	*out = buf_steal(&b, NULL);
	return NY_OK;
}

enum ny_err
catalog_search(struct db *db, const char *query, const char *kind, int page,
    int per_page, struct catalog_list *out)
{
	struct catalog_query cq = { query, kind, NULL, CATALOG_SORT_DEFAULT,
	    page, per_page };

	/* a query with no word searches nothing: an empty list */
	if (query == NULL || query[0] == '\0')
		cq.q = " ";
	return catalog_query(db, &cq, out);
}

/*
 * The statement of a listing in order s. One text per order (db_stmt
 * takes literals): new walks products_public in its order and stops at
 * the page; price and popular sort the published products.
 */
static sqlite3_stmt *
catalog_list_stmt(struct db *db, enum catalog_sort s)
{
#define CATALOG_LIST(by) "SELECT " CATALOG_COLS CATALOG_MORE \
	" FROM" \
	CATALOG_FROM " WHERE " CATALOG_PUBLIC \
	" AND (?1 IS NULL OR p.kind = ?1)" CATALOG_TAGGED by \
	" LIMIT ?3 OFFSET ?4"
	switch (s) {
	case CATALOG_SORT_PRICE:
		return db_stmt(db, CATALOG_LIST(CATALOG_BY_PRICE));
	case CATALOG_SORT_POPULAR:
		return db_stmt(db, CATALOG_LIST(CATALOG_BY_POPULAR));
	default:
		return db_stmt(db, CATALOG_LIST(CATALOG_BY_NEW));
	}
#undef CATALOG_LIST
}

/* The statement of a search in order s (default: best match). */
static sqlite3_stmt *
catalog_search_stmt(struct db *db, enum catalog_sort s)
{
#define CATALOG_FIND(by) "SELECT " CATALOG_COLS CATALOG_MORE \
	" FROM products_fts f JOIN products p ON p.id = f.rowid" \
	" JOIN creators c ON c.id = p.creator_id" \
	" LEFT JOIN blobs cb ON cb.sha256 = p.cover_sha256" \
	"  AND " CATALOG_IMG("cb") \
	" WHERE products_fts MATCH ?2 AND " CATALOG_PUBLIC \
	" AND (?1 IS NULL OR p.kind = ?1)" CATALOG_TAGGED by \
	" LIMIT ?3 OFFSET ?4"
	switch (s) {
	case CATALOG_SORT_NEW:
		return db_stmt(db, CATALOG_FIND(CATALOG_BY_NEW));
	case CATALOG_SORT_PRICE:
		return db_stmt(db, CATALOG_FIND(CATALOG_BY_PRICE));
	case CATALOG_SORT_POPULAR:
		return db_stmt(db, CATALOG_FIND(CATALOG_BY_POPULAR));
	default:
		return db_stmt(db, CATALOG_FIND(CATALOG_BY_BEST));
	}
#undef CATALOG_FIND
}

enum ny_err
catalog_query(struct db *db, const struct catalog_query *cq,
    struct catalog_list *out)
{
	sqlite3_stmt *st;
	char *expr = NULL;
	enum ny_err rc;
	int page = cq->page, per_page = cq->per_page;

	memset(out, 0, sizeof *out);
	if (cq->kind != NULL && !catalog_kind_ok(cq->kind))
		return NY_EINVAL;
	if (cq->tag != NULL && !catalog_tag_ok(cq->tag))
		return NY_EINVAL;
	catalog_paging(&page, &per_page);
	if (cq->q != NULL && cq->q[0] != '\0') {
		catalog_fts_expr(cq->q, &expr);
		if (expr[0] == '\0') {
			free(expr);
			out->items = xcalloc(1, sizeof *out->items);
			return NY_OK;
		}
		st = catalog_search_stmt(db, cq->sort);
	} else
		st = catalog_list_stmt(db, cq->sort);
	if (st == NULL) {
		free(expr);
		return NY_EDB;
	}
	if (cq->kind != NULL)
		sqlite3_bind_text(st, 1, cq->kind, -1, SQLITE_STATIC);
	if (expr != NULL)
		sqlite3_bind_text(st, 2, expr, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int(st, 3, per_page + 1);
	sqlite3_bind_int64(st, 4, (int64_t)(page - 1) * per_page);
	if (cq->tag != NULL)
		sqlite3_bind_text(st, 5, cq->tag, -1, SQLITE_STATIC);
	rc = catalog_collect(st, per_page, out);
	free(expr);
	return rc;
}

static int
catalog_slug_ok(const char *s)
{
	size_t i, n = s ? strlen(s) : 0;

	if (n == 0 || n > 80)
		return 0;
	for (i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' &&
		    s[i] <= '9') || s[i] == '-'))
			return 0;
	return 1;
}

/* Reads one row of catalog_files into a file element. */
static enum ny_err
catalog_file_fill(void *arg, void *elem, sqlite3_stmt *st)
{
	struct catalog_file *f = elem;

	(void)arg;
	f->id = sqlite3_column_int64(st, 0);
	f->name = db_col_str(st, 1);
	f->size = sqlite3_column_int64(st, 2);
	return NY_OK;
}

/*
 * The files of download p, in their order (at most 200), into p->files.
 * The files read stay in p on an error too (catalog_product_free frees
 * them). Returns NY_OK or the db error.
 */
static enum ny_err
catalog_files(struct db *db, struct catalog_product *p)
{
	sqlite3_stmt *st = db_stmt(db, "SELECT f.id, f.name, b.size"
	    " FROM product_files f JOIN blobs b ON b.sha256 = f.sha256"
	    " WHERE f.product_id = ? ORDER BY f.position, f.id LIMIT 200");
	size_t n = 0;
	enum ny_err rc;

	if (st == NULL)
		return NY_EDB;
	sqlite3_bind_int64(st, 1, p->id);
	rc = db_rows(st, 0, &p->files, &n, sizeof *p->files,
	    catalog_file_fill, NULL);
	p->nfiles = (int)n;
	return rc;
}

enum ny_err
catalog_product_by_slug(struct db *db, const char *slug,
    struct catalog_product **out)
{
	struct catalog_product *p;
	sqlite3_stmt *st;
	enum ny_err err;
	int rc;

	*out = NULL;
	if (!catalog_slug_ok(slug))
		return NY_ENOTFOUND;
	st = db_stmt(db, "SELECT " CATALOG_COLS CATALOG_MORE ", p.story_md FROM"
	    CATALOG_FROM
	    " WHERE p.slug = ? AND " CATALOG_PUBLIC);
	if (st == NULL)
		return NY_EDB;
	sqlite3_bind_text(st, 1, slug, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc != SQLITE_ROW) {
		sqlite3_reset(st);
		return db_found(rc);
	}
	p = xcalloc(1, sizeof *p);
	catalog_row(st, p);
	sqlite3_reset(st);
	if (strcmp(p->kind, "download") == 0 &&
	    (err = catalog_files(db, p)) != NY_OK) {
		catalog_product_free(p);
		return err;
	}
	*out = p;
	return NY_OK;
}

enum ny_err
catalog_seats_left(struct db *db, int64_t product_id, int64_t *left)
{
	sqlite3_stmt *st = db_stmt(db, "SELECT " PRODUCT_SEATS_LEFT_SQL("p")
	    " FROM products p WHERE p.id = ? AND p.kind = 'ticket'");

	*left = 0;
	if (st == NULL)
		return NY_EDB;
	sqlite3_bind_int64(st, 1, product_id);
	return db_int64(st, left);
}

enum ny_err
catalog_creator_by_handle(struct db *db, const char *handle,
    struct catalog_creator **out, struct catalog_list *products)
{
	struct catalog_creator *c;
	sqlite3_stmt *st;
	enum ny_err err;
	int rc;

	*out = NULL;
	if (products != NULL)
		memset(products, 0, sizeof *products);
	if (handle == NULL || strlen(handle) > 32)
		return NY_ENOTFOUND;
	st = db_stmt(db, "SELECT c.id, c.handle, c.display_name, c.bio,"
	    " c.locale, coalesce(ab.sha256, ''), coalesce(ab.width, 0),"
	    " coalesce(ab.height, 0) FROM creators c"
	    " LEFT JOIN blobs ab ON ab.sha256 = c.avatar_sha256"
	    "  AND " CATALOG_AVATAR_OK("c") " AND " CATALOG_IMG("ab")
	    " WHERE c.handle = ? AND c.disabled_at IS NULL");
	if (st == NULL)
		return NY_EDB;
	sqlite3_bind_text(st, 1, handle, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc != SQLITE_ROW) {
		sqlite3_reset(st);
		return db_found(rc);
	}
	c = xcalloc(1, sizeof *c);
	c->id = sqlite3_column_int64(st, 0);
	c->handle = db_col_str(st, 1);
	c->display_name = db_col_str(st, 2);
	c->bio = db_col_str(st, 3);
	c->locale = db_col_str(st, 4);
	c->avatar_sha256 = db_col_str(st, 5);
	c->avatar_width = sqlite3_column_int(st, 6);
	c->avatar_height = sqlite3_column_int(st, 7);
	sqlite3_reset(st);
	if (products == NULL) {
		*out = c;
		return NY_OK;
	}
	st = db_stmt(db, "SELECT " CATALOG_COLS CATALOG_MORE " FROM"
	    CATALOG_FROM " WHERE " CATALOG_PUBLIC " AND p.creator_id = ?"
	    " ORDER BY p.published_at DESC, p.id DESC LIMIT 101");
	if (st == NULL) {
		catalog_creator_free(c);
		return NY_EDB;
	}
	sqlite3_bind_int64(st, 1, c->id);
	if ((err = catalog_collect(st, 100, products)) != NY_OK) {
		catalog_creator_free(c);
		return err;
	}
	*out = c;
	return NY_OK;
}

enum ny_err
catalog_cover_mime(struct db *db, const char *sha, char *mime, size_t len)
{
	sqlite3_stmt *st = db_stmt(db, "SELECT b.mime FROM blobs b"
	    " WHERE b.sha256 = ?1 AND " CATALOG_IMG("b") " AND (EXISTS"
	    " (SELECT 1 FROM products p JOIN creators c ON c.id = p.creator_id"
	    "  WHERE p.cover_sha256 = ?1 AND " CATALOG_PUBLIC ") OR EXISTS"
	    " (SELECT 1 FROM creators c WHERE c.avatar_sha256 = ?1"
	    "  AND " CATALOG_AVATAR_OK("c") " AND c.disabled_at IS NULL))");
	int rc;

	if (st == NULL)
		return NY_EDB;
	sqlite3_bind_text(st, 1, sha, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		db_col_buf(st, 0, mime, len);
	sqlite3_reset(st);
	return db_found(rc);
}

enum ny_err
catalog_ping(struct db *db)
{
	sqlite3_stmt *st = db_stmt(db, "SELECT count(*) FROM products"
	    " WHERE id = 0");

	/* count(*) always returns its row: NY_OK or the step's error. */
	return db_int64(st, NULL);
}
