/*
 * product-tag.c: a product's tags (see product-tag.h). The table's CHECK
 * says the same as product_tags_parse; the parse is what gives a creator
 * a reason, the CHECK what keeps a bug from storing a tag ?tag= could
 * never match.
 */
#include <stdlib.h>
#include <string.h>

#include "product-tag.h"

/* A byte that may be in a stored tag (after case folding). */
static int
tag_byte_ok(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
}

/* A byte that ends a tag where a creator typed it. */
static int
tag_sep(unsigned char c)
{
	return c == ',' || c == ' ' || c == '\t' || c == '\n' || c == '\r' ||
	    c == ';';
}

static int
tag_cmp(const void *a, const void *b)
{
	return strcmp(a, b);
}

/*
 * Folds the word w[0..n) into out: '#' dropped, A–Z lowered. NY_OK with
 * *len (0: nothing left, e.g. "#"), or NY_EINVAL with *why.
 */
static enum ny_err
tag_word(const char *w, size_t n, char out[PRODUCT_TAG_MAX + 1], size_t *len,
    const char **why)
{
	size_t i, k = 0;

	*len = 0;
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)w[i];

		if (c == '#')
			continue;
		if (c >= 'A' && c <= 'Z')
			c = (unsigned char)(c - 'A' + 'a');
		if (!tag_byte_ok(c)) {
			*why = "tag.err.chars";
			return NY_EINVAL;
		}
		if (k == PRODUCT_TAG_MAX) {
			*why = "tag.err.length";
			return NY_EINVAL;
		}
		out[k++] = (char)c;
	}
	out[k] = '\0';
	*len = k;
	return NY_OK;
}

enum ny_err
product_tags_parse(const char *in, struct product_tags *out,
    const char **why)
{
	const char *p = in ? in : "", *w, *dummy;
	char word[PRODUCT_TAG_MAX + 1];
	size_t len;
	int i, dup;

	if (why == NULL)
		why = &dummy;
	*why = NULL;
	memset(out, 0, sizeof *out);
	while (*p != '\0') {
		while (*p != '\0' && tag_sep((unsigned char)*p))
			p++;
		w = p;
		while (*p != '\0' && !tag_sep((unsigned char)*p))
			p++;
		if (p == w)
			continue;
		if (tag_word(w, (size_t)(p - w), word, &len, why) != NY_OK) {
			memset(out, 0, sizeof *out);
			return NY_EINVAL;
		}
		if (len == 0)
			continue;
		for (dup = 0, i = 0; i < out->n && !dup; i++)
			dup = strcmp(out->tag[i], word) == 0;
		if (dup)
			continue;
		if (out->n == PRODUCT_TAGS_MAX) {
			memset(out, 0, sizeof *out);
			*why = "tag.err.count";
			return NY_EINVAL;
		}
		memcpy(out->tag[out->n++], word, len + 1);
	}
	/* Sorted like product_tags_get: two sets compare as arrays. */
	qsort(out->tag, (size_t)out->n, sizeof out->tag[0], tag_cmp);
	return NY_OK;
}

void
product_tags_join(const struct product_tags *t, char *buf, size_t len)
{
	size_t k = 0, n;
	int i;

	if (len == 0)
		return;
	buf[0] = '\0';
	for (i = 0; i < t->n; i++) {
		n = strlen(t->tag[i]) + (i ? 2 : 0);
		/* whole tags only: a cut one would read as another tag */
		if (k + n >= len)
			break;
		if (i)
			memcpy(buf + k, ", ", 2);
		memcpy(buf + k + (i ? 2 : 0), t->tag[i], strlen(t->tag[i]) + 1);
		k += n;
	}
}

enum ny_err
product_tags_set_tx(struct db *db, int64_t product_id,
    const struct product_tags *t)
{
	sqlite3_stmt *st;
	enum ny_err rc;
	int i;

	st = db_stmt(db, "DELETE FROM product_tags WHERE product_id = ?");
	if (st == NULL)
		return NY_EDB;
	sqlite3_bind_int64(st, 1, product_id);
	if ((rc = db_done(st)) != NY_OK)
		return rc;
	for (i = 0; i < t->n && i < PRODUCT_TAGS_MAX; i++) {
		/* a repeated tag is one tag; a malformed one still fails
		 * the table's CHECK (OR IGNORE would drop it silently) */
		st = db_stmt(db, "INSERT INTO product_tags(product_id, tag)"
		    " VALUES (?, ?) ON CONFLICT DO NOTHING");
		if (st == NULL)
			return NY_EDB;
		sqlite3_bind_int64(st, 1, product_id);
		sqlite3_bind_text(st, 2, t->tag[i], -1, SQLITE_STATIC);
		if ((rc = db_done(st)) != NY_OK)
			return rc;
	}
	return db_event(db, "product", product_id, NULL);
}

/* db_each callback of product_tags_get. */
static enum ny_err
tag_row(void *arg, sqlite3_stmt *st)
{
	struct product_tags *out = arg;

	if (out->n < PRODUCT_TAGS_MAX)
		db_col_buf(st, 0, out->tag[out->n++], PRODUCT_TAG_MAX + 1);
	return NY_OK;
}

enum ny_err
product_tags_get(struct db *db, int64_t product_id, struct product_tags *out)
{
	sqlite3_stmt *st = db_stmt(db, "SELECT tag FROM product_tags"
	    " WHERE product_id = ? ORDER BY tag LIMIT 8");

	memset(out, 0, sizeof *out);
	if (st == NULL)
		return NY_EDB;
	sqlite3_bind_int64(st, 1, product_id);
	return db_each(st, 0, tag_row, out);
}
