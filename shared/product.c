/*
 * product.c: products for creators: validation, create/update, status
 * moves, files. See product.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "money.h"
#include "product.h"
#include "blob.h"

const char *const product_kinds[] = {
	"download", "subscription", "ticket", "webinar", NULL
};
const char *const product_statuses[] = {
	"draft", "published", "archived", NULL
};

#define PRODUCT_COLS \
	"p.id, p.creator_id, p.slug, p.kind, p.title, p.summary, p.story_md, " \
	"p.price_minor, p.currency, p.status, coalesce(p.cover_sha256, ''), " \
	"coalesce(p.period_days, 0), coalesce(p.starts_at, 0), " \
	"coalesce(p.venue, ''), coalesce(p.capacity, -1), " \
	"coalesce(p.join_url, ''), coalesce(p.download_limit, 0), " \
	"p.created_at, p.updated_at, coalesce(p.published_at, 0)"
#define PRODUCT_NCOLS 20

static int
in_list(const char *const *list, const char *s)
{
	for (; *list != NULL; list++)
		if (strcmp(*list, s) == 0)
			return 1;
	return 0;
}

/*
 * Characters (code points) in s, or -1 when s is not valid UTF-8 or holds
 * control characters (newline and tab allowed when multiline).
 */
static long
utf8_chars(const char *s, int multiline)
{
	const unsigned char *p = (const unsigned char *)s;
	long n = 0;

	while (*p) {
		int k;

		if (*p < 0x80) {
			if ((*p < 0x20 || *p == 0x7f) && !(multiline &&
			    (*p == '\n' || *p == '\t' || *p == '\r')))
				return -1;
			p++;
			n++;
			continue;
		}
		k = (*p & 0xe0) == 0xc0 ? 1 : (*p & 0xf0) == 0xe0 ? 2 :
		    (*p & 0xf8) == 0xf0 ? 3 : -1;
		if (k < 0 || *p == 0xc0 || *p == 0xc1 || *p > 0xf4)
			return -1;
		for (int i = 1; i <= k; i++)
			if ((p[i] & 0xc0) != 0x80)
				return -1;
		p += k + 1;
		n++;
	}
	return n;
}

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

int
product_slug_ok(const char *s)
{
	size_t n = s ? strlen(s) : 0;

	return n >= 1 && n <= PRODUCT_SLUG_MAX &&
	    strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789-") == n;
}

static const char *
str_or(const char *s)
{
	return s ? s : "";
}

#define BAD(f, w) do { *field = (f); *why = (w); return NY_EINVAL; } while (0)

static int
validate_kind(const struct product *p, const char **field, const char **why)
{
	const char *venue = str_or(p->venue), *url = str_or(p->join_url);
	int sub = strcmp(p->kind, "subscription") == 0;
	int tic = strcmp(p->kind, "ticket") == 0;
	int web = strcmp(p->kind, "webinar") == 0;

	if (sub && p->period_days < 1)
		BAD("period_days", "expected an integer ≥ 1");
	if (!sub && p->period_days != 0)
		BAD("period_days", "only for subscriptions");
	if ((tic || web) && p->starts_at <= 0)
		BAD("starts_at", "expected a date and time");
	if (!tic && !web && p->starts_at != 0)
		BAD("starts_at", "only for tickets and webinars");
	if (tic && p->capacity < 0)
		BAD("capacity", "expected an integer ≥ 0");
	if (!tic && p->capacity != -1)
		BAD("capacity", "only for tickets");
	if (!tic && venue[0] != '\0')
		BAD("venue", "only for tickets");
	if (utf8_chars(venue, 0) < 0 || utf8_chars(venue, 0) > PRODUCT_VENUE_MAX)
		BAD("venue", "expected at most 200 characters of text");
	if (!web && url[0] != '\0')
		BAD("join_url", "only for webinars");
	if (url[0] != '\0' && (strlen(url) > PRODUCT_URL_MAX ||
	    utf8_chars(url, 0) < 0 || (strncmp(url, "https://", 8) != 0 &&
	    strncmp(url, "http://", 7) != 0) || strpbrk(url, " \"<>") != NULL))
		BAD("join_url", "expected an http(s):// URL");
	return NY_OK;
}

int
product_validate(const struct product *p, const char **field,
    const char **why)
{
	const char *f_dummy, *w_dummy;
	long n;

	if (field == NULL)
		field = &f_dummy;
	if (why == NULL)
		why = &w_dummy;
	*field = *why = NULL;
	if (!product_slug_ok(p->slug))
		BAD("slug", "expected 1–80 characters of a-z, 0-9 and -");
	if (!in_list(product_kinds, p->kind))
		BAD("kind", "expected download, subscription, ticket or webinar");
	n = utf8_chars(str_or(p->title), 0);
	if (n < 1 || n > PRODUCT_TITLE_MAX)
		BAD("title", "expected 1–200 characters of text");
	n = utf8_chars(str_or(p->summary), 1);
	if (n < 0 || n > PRODUCT_SUMMARY_MAX)
		BAD("summary", "expected at most 500 characters of text");
	if (utf8_chars(str_or(p->story_md), 1) < 0 ||
	    strlen(str_or(p->story_md)) > PRODUCT_STORY_MAX)
		BAD("story_md", "expected at most 64 KiB of text");
	if (p->price_minor < 0 || p->price_minor > INT64_C(1) << 50)
		BAD("price_minor", "expected an integer ≥ 0");
	if (!money_currency_ok(p->currency))
		BAD("currency", "expected KES, TZS, UGX or USD");
	if (!in_list(product_statuses, p->status))
		BAD("status", "expected draft, published or archived");
	if (p->cover_sha256[0] != '\0' && !blob_sha_ok(p->cover_sha256))
		BAD("cover_sha256", "expected a SHA-256 in hex");
	if (p->download_limit < 0)
		BAD("download_limit", "expected an integer ≥ 1");
	return validate_kind(p, field, why);
}

#undef BAD

int
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
		int rc;

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

/* Binds the editable columns 1..15 in the order of the INSERT/UPDATE. */
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
}

/* Maps a failed write: a foreign key means the creator or cover blob. */
static int
product_write_err(int src)
{
	if (src == SQLITE_CONSTRAINT_FOREIGNKEY)
		return NY_ENOTFOUND;
	return db_err(src);
}

int
product_create_tx(struct db *db, const struct product *p, int64_t *id,
    const char **field)
{
	sqlite3_stmt *st;
	int64_t rid;
	int rc;

	if ((rc = product_validate(p, field, NULL)) != NY_OK)
		return rc;
	if (strcmp(p->status, "archived") == 0) {
		if (field != NULL)
			*field = "status";
		return NY_EINVAL;
	}
	st = db_stmt(db, "INSERT INTO products(slug, kind, title, summary, "
	    "story_md, price_minor, currency, cover_sha256, period_days, "
	    "starts_at, venue, capacity, join_url, download_limit, created_at, "
	    "updated_at, creator_id, status, published_at) VALUES (?1, ?2, ?3, "
	    "?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?15, ?16, "
	    "?17, CASE ?17 WHEN 'published' THEN ?15 END)");
	if (st == NULL)
		return NY_EDB;
	product_bind(st, p);
	sqlite3_bind_int64(st, 16, p->creator_id);
	sqlite3_bind_text(st, 17, p->status, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		rc = product_write_err(sqlite3_extended_errcode(db_sqlite(db)));
		if (rc == NY_EEXISTS && field != NULL)
			*field = "slug";
		return rc;
	}
	rid = sqlite3_last_insert_rowid(db_sqlite(db));
	if (id != NULL)
		*id = rid;
	return db_event(db, "product", rid, NULL);
}

/* Runs fn in its own transaction. */
static int
product_in_tx(struct db *db, int rc)
{
	return db_end(db, rc);
}

int
product_create(struct db *db, const struct product *p, int64_t *id,
    const char **field)
{
	int rc;

	if ((rc = db_begin(db)) != NY_OK)
		return rc;
	return product_in_tx(db, product_create_tx(db, p, id, field));
}

int
product_update_tx(struct db *db, const struct product *p, const char **field)
{
	sqlite3_stmt *st;
	int rc;

	if ((rc = product_validate(p, field, NULL)) != NY_OK)
		return rc;
	st = db_stmt(db, "UPDATE products SET slug = ?1, kind = ?2, "
	    "title = ?3, summary = ?4, story_md = ?5, price_minor = ?6, "
	    "currency = ?7, cover_sha256 = ?8, period_days = ?9, "
	    "starts_at = ?10, venue = ?11, capacity = ?12, join_url = ?13, "
	    "download_limit = ?14, updated_at = ?15 WHERE id = ?16");
	if (st == NULL)
		return NY_EDB;
	product_bind(st, p);
	sqlite3_bind_int64(st, 16, p->id);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		rc = product_write_err(sqlite3_extended_errcode(db_sqlite(db)));
		if (rc == NY_EEXISTS && field != NULL)
			*field = "slug";
		return rc;
	}
	if (sqlite3_changes(db_sqlite(db)) == 0)
		return NY_ENOTFOUND;
	return db_event(db, "product", p->id, NULL);
}

int
product_update(struct db *db, const struct product *p, const char **field)
{
	int rc;

	if ((rc = db_begin(db)) != NY_OK)
		return rc;
	return product_in_tx(db, product_update_tx(db, p, field));
}

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

static int
product_nfiles(struct db *db, int64_t id, int64_t *n)
{
	sqlite3_stmt *st = db_stmt(db, "SELECT count(*) FROM product_files "
	    "WHERE product_id = ?");
	int rc;

	if (st == NULL)
		return NY_EDB;
	sqlite3_bind_int64(st, 1, id);
	rc = sqlite3_step(st);
	*n = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? NY_OK : db_err(rc);
}

/* May p move to status? NY_OK (also when already there), NY_ESTATE. */
static int
product_move_check(struct db *db, const struct product *p, const char *status)
{
	int64_t nfiles = 0;
	int rc;

	if (!status_move_ok(p->status, status))
		return NY_ESTATE;
	/* A paid download with nothing to download would be a broken sale. */
	if (strcmp(status, "published") == 0 && strcmp(p->kind, "download") == 0) {
		if ((rc = product_nfiles(db, p->id, &nfiles)) != NY_OK)
			return rc;
		if (nfiles == 0)
			return NY_ESTATE;
	}
	return NY_OK;
}

static int
product_set_status_tx(struct db *db, int64_t id, const char *status)
{
	struct product p;
	sqlite3_stmt *st;
	int rc;

	if ((rc = product_get_by_id(db, id, &p)) != NY_OK)
		return rc;
	if (strcmp(p.status, status) == 0)
		goto out;
	if ((rc = product_move_check(db, &p, status)) != NY_OK)
		goto out;
	st = db_stmt(db, "UPDATE products SET status = ?1, updated_at = ?2, "
	    "published_at = CASE WHEN ?1 = 'published' THEN "
	    "coalesce(published_at, ?2) ELSE published_at END WHERE id = ?3");
	if (st == NULL) {
		rc = NY_EDB;
		goto out;
	}
	sqlite3_bind_text(st, 1, status, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, ny_now());
	sqlite3_bind_int64(st, 3, id);
	rc = db_done(st);
	if (rc == NY_OK)
		rc = db_event(db, "product", id, NULL);
out:
	product_free(&p);
	return rc;
}

int
product_set_status(struct db *db, int64_t id, const char *status)
{
	int rc;

	if (status == NULL || !in_list(product_statuses, status))
		return NY_EINVAL;
	if ((rc = db_begin(db)) != NY_OK)
		return rc;
	return product_in_tx(db, product_set_status_tx(db, id, status));
}

static void
product_row(sqlite3_stmt *st, struct product *p)
{
	memset(p, 0, sizeof *p);
	p->id = sqlite3_column_int64(st, 0);
	p->creator_id = sqlite3_column_int64(st, 1);
	snprintf(p->slug, sizeof p->slug, "%s", sqlite3_column_text(st, 2));
	snprintf(p->kind, sizeof p->kind, "%s", sqlite3_column_text(st, 3));
	p->title = db_col_str(st, 4);
	p->summary = db_col_str(st, 5);
	p->story_md = db_col_str(st, 6);
	p->price_minor = sqlite3_column_int64(st, 7);
	snprintf(p->currency, sizeof p->currency, "%s",
	    sqlite3_column_text(st, 8));
	snprintf(p->status, sizeof p->status, "%s", sqlite3_column_text(st, 9));
	snprintf(p->cover_sha256, sizeof p->cover_sha256, "%s",
	    sqlite3_column_text(st, 10));
	p->period_days = sqlite3_column_int64(st, 11);
	p->starts_at = sqlite3_column_int64(st, 12);
	p->venue = db_col_str(st, 13);
	p->capacity = sqlite3_column_int64(st, 14);
	p->join_url = db_col_str(st, 15);
	p->download_limit = sqlite3_column_int64(st, 16);
	p->created_at = sqlite3_column_int64(st, 17);
	p->updated_at = sqlite3_column_int64(st, 18);
	p->published_at = sqlite3_column_int64(st, 19);
}

static int
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

int
product_get_by_id(struct db *db, int64_t id, struct product *out)
{
	sqlite3_stmt *st = db_stmt(db, "SELECT " PRODUCT_COLS
	    " FROM products p WHERE p.id = ?");

	if (st != NULL)
		sqlite3_bind_int64(st, 1, id);
	return product_get(st, out);
}

int
product_get_by_slug(struct db *db, const char *slug, struct product *out)
{
	sqlite3_stmt *st = db_stmt(db, "SELECT " PRODUCT_COLS
	    " FROM products p WHERE p.slug = ?");

	if (st != NULL)
		sqlite3_bind_text(st, 1, slug, -1, SQLITE_STATIC);
	return product_get(st, out);
}

int
product_list_by_creator(struct db *db, int64_t creator_id,
    struct product **out, size_t *n)
{
	sqlite3_stmt *st = db_stmt(db, "SELECT " PRODUCT_COLS ", "
	    "(SELECT count(*) FROM orders o WHERE o.product_id = p.id "
	    "AND o.status = 'paid'), (SELECT coalesce(sum(amount_minor), 0) "
	    "FROM orders o WHERE o.product_id = p.id AND o.status = 'paid') "
	    "FROM products p WHERE p.creator_id = ? "
	    "ORDER BY p.created_at DESC, p.id DESC");
	size_t cap = 0;
	int rc;

	*out = NULL;
	*n = 0;
	if (st == NULL)
		return NY_EDB;
	sqlite3_bind_int64(st, 1, creator_id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct product *p;

		*out = xgrow(*out, &cap, *n + 1, sizeof **out);
		p = &(*out)[(*n)++];
		product_row(st, p);
		p->sales = sqlite3_column_int64(st, PRODUCT_NCOLS);
		p->revenue_minor = sqlite3_column_int64(st, PRODUCT_NCOLS + 1);
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? NY_OK : db_err(rc);
}

int
product_count(struct db *db, int64_t *n)
{
	sqlite3_stmt *st = db_stmt(db, "SELECT count(*) FROM products");

	*n = 0;
	if (st == NULL)
		return NY_EDB;
	return db_int64(st, n);
}

/* --- Files ------------------------------------------------------------- */

int
product_file_name_ok(const char *name)
{
	size_t n = name ? strlen(name) : 0;

	if (n < 1 || n > PRODUCT_FILE_NAME_MAX || strcmp(name, ".") == 0 ||
	    strcmp(name, "..") == 0 || strpbrk(name, "/\\") != NULL)
		return 0;
	return utf8_chars(name, 0) > 0;
}

int
product_add_file_tx(struct db *db, int64_t product_id, const char *name,
    const char *sha256, int64_t *file_id)
{
	sqlite3_stmt *st;
	int rc;

	if (!product_file_name_ok(name) || !blob_sha_ok(sha256))
		return NY_EINVAL;
	st = db_stmt(db, "INSERT INTO product_files(product_id, name, sha256, "
	    "position) SELECT ?1, ?2, ?3, coalesce(max(position) + 1, 0) "
	    "FROM product_files WHERE product_id = ?1");
	if (st == NULL)
		return NY_EDB;
	sqlite3_bind_int64(st, 1, product_id);
	sqlite3_bind_text(st, 2, name, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, sha256, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return product_write_err(sqlite3_extended_errcode(db_sqlite(db)));
	if (file_id != NULL)
		*file_id = sqlite3_last_insert_rowid(db_sqlite(db));
	return db_event(db, "product", product_id, NULL);
}

int
product_add_file(struct db *db, int64_t product_id, const char *name,
    const char *sha256, int64_t *file_id)
{
	int rc;

	if ((rc = db_begin(db)) != NY_OK)
		return rc;
	return product_in_tx(db, product_add_file_tx(db, product_id, name,
	    sha256, file_id));
}

static int
product_remove_file_tx(struct db *db, int64_t product_id, int64_t file_id)
{
	sqlite3_stmt *st = db_stmt(db, "DELETE FROM product_files "
	    "WHERE id = ? AND product_id = ?");
	int rc;

	if (st == NULL)
		return NY_EDB;
	sqlite3_bind_int64(st, 1, file_id);
	sqlite3_bind_int64(st, 2, product_id);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		/* downloads(file_id) points at it: keep it for the history. */
		rc = product_write_err(sqlite3_extended_errcode(db_sqlite(db)));
		return rc == NY_ENOTFOUND ? NY_ESTATE : rc;
	}
	if (sqlite3_changes(db_sqlite(db)) == 0)
		return NY_ENOTFOUND;
	return db_event(db, "product", product_id, NULL);
}

int
product_remove_file(struct db *db, int64_t product_id, int64_t file_id)
{
	int rc;

	if ((rc = db_begin(db)) != NY_OK)
		return rc;
	return product_in_tx(db, product_remove_file_tx(db, product_id,
	    file_id));
}

#define FILE_COLS "f.id, f.product_id, f.name, f.sha256, b.size, b.mime, " \
	"f.position FROM product_files f JOIN blobs b ON b.sha256 = f.sha256"

static void
file_row(sqlite3_stmt *st, struct product_file *f)
{
	memset(f, 0, sizeof *f);
	f->id = sqlite3_column_int64(st, 0);
	f->product_id = sqlite3_column_int64(st, 1);
	snprintf(f->name, sizeof f->name, "%s", sqlite3_column_text(st, 2));
	snprintf(f->sha256, sizeof f->sha256, "%s", sqlite3_column_text(st, 3));
	f->size = sqlite3_column_int64(st, 4);
	snprintf(f->mime, sizeof f->mime, "%s", sqlite3_column_text(st, 5));
	f->position = sqlite3_column_int64(st, 6);
}

int
product_files(struct db *db, int64_t product_id, struct product_file **out,
    size_t *n)
{
	sqlite3_stmt *st = db_stmt(db, "SELECT " FILE_COLS
	    " WHERE f.product_id = ? ORDER BY f.position, f.id");
	size_t cap = 0;
	int rc;

	*out = NULL;
	*n = 0;
	if (st == NULL)
		return NY_EDB;
	sqlite3_bind_int64(st, 1, product_id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		*out = xgrow(*out, &cap, *n + 1, sizeof **out);
		file_row(st, &(*out)[(*n)++]);
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? NY_OK : db_err(rc);
}

int
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
static int
files_drop_missing(struct db *db, int64_t product_id,
    const struct product_file *v, size_t n)
{
	struct product_file *cur;
	size_t ncur, i, j;
	int rc;

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
static int
file_move_tx(struct db *db, int64_t product_id, int64_t id, int64_t pos)
{
	sqlite3_stmt *st = db_stmt(db, "UPDATE product_files SET position = ?1 "
	    "WHERE id = ?2 AND product_id = ?3");
	int rc;

	if (st == NULL)
		return NY_EDB;
	sqlite3_bind_int64(st, 1, pos);
	sqlite3_bind_int64(st, 2, id);
	sqlite3_bind_int64(st, 3, product_id);
	if ((rc = db_done(st)) != NY_OK)
		return rc;
	return sqlite3_changes(db_sqlite(db)) == 0 ? NY_ENOTFOUND : NY_OK;
}

/* Attaches a new file at pos. */
static int
file_insert_tx(struct db *db, int64_t product_id,
    const struct product_file *f, int64_t pos)
{
	sqlite3_stmt *st;
	int rc;

	if (!product_file_name_ok(f->name) || !blob_sha_ok(f->sha256))
		return NY_EINVAL;
	st = db_stmt(db, "INSERT INTO product_files(product_id, name, sha256, "
	    "position) VALUES (?1, ?2, ?3, ?4)");
	if (st == NULL)
		return NY_EDB;
	sqlite3_bind_int64(st, 1, product_id);
	sqlite3_bind_text(st, 2, f->name, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, f->sha256, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, pos);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return product_write_err(sqlite3_extended_errcode(db_sqlite(db)));
	return NY_OK;
}

int
product_set_files_tx(struct db *db, int64_t product_id,
    const struct product_file *v, size_t n, size_t *bad)
{
	size_t i, dummy;
	int rc;

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

int
product_save(struct db *db, const struct product *p,
    const struct product_file *files, size_t nfiles, int64_t *id,
    const char **field, size_t *bad)
{
	int64_t pid = p->id;
	int rc;

	if ((rc = db_begin(db)) != NY_OK)
		return rc;
	rc = pid != 0 ? product_update_tx(db, p, field) :
	    product_create_tx(db, p, &pid, field);
	if (rc == NY_OK && files != NULL)
		rc = product_set_files_tx(db, pid, files, nfiles, bad);
	if ((rc = db_end(db, rc)) == NY_OK && id != NULL)
		*id = pid;
	return rc;
}
