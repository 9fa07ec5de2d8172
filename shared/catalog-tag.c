/*
 * catalog-tag.c: the catalog's tags and sort orders as the storefront
 * names them (?tag=, ?sort=), and the tags in use for its chips. The
 * listings themselves are catalog.c's (catalog_query).
 */
#include <string.h>

#include "catalog.h"

int
catalog_sort_parse(const char *s, enum catalog_sort *out)
{
	*out = CATALOG_SORT_DEFAULT;
	if (s == NULL || *s == '\0')
		return 1;
	if (strcmp(s, "new") == 0)
		*out = CATALOG_SORT_NEW;
	else if (strcmp(s, "price") == 0)
		*out = CATALOG_SORT_PRICE;
	else if (strcmp(s, "popular") == 0)
		*out = CATALOG_SORT_POPULAR;
	else
		return 0;
	return 1;
}

const char *
catalog_sort_name(enum catalog_sort s)
{
	switch (s) {
	case CATALOG_SORT_NEW:
		return "new";
	case CATALOG_SORT_PRICE:
		return "price";
	case CATALOG_SORT_POPULAR:
		return "popular";
	default:
		return NULL;
	}
}

int
catalog_tag_ok(const char *tag)
{
	size_t i, n = tag ? strlen(tag) : 0;

	if (n == 0 || n > 32)
		return 0;
	for (i = 0; i < n; i++)
		if (!((tag[i] >= 'a' && tag[i] <= 'z') ||
		    (tag[i] >= '0' && tag[i] <= '9') || tag[i] == '-'))
			return 0;
	return 1;
}

/* What catalog_tag_row fills: out[] (room checked by db_each's max). */
struct catalog_tags_acc {
	struct catalog_tag	*out;
	int			 n;
};

/* db_each callback of catalog_tags_in_use. */
static enum ny_err
catalog_tag_row(void *arg, sqlite3_stmt *st)
{
	struct catalog_tags_acc *a = arg;

	db_col_buf(st, 0, a->out[a->n].tag, sizeof a->out[a->n].tag);
	a->out[a->n++].products = sqlite3_column_int64(st, 1);
	return NY_OK;
}

enum ny_err
catalog_tags_in_use(struct db *db, struct catalog_tag *out, int max, int *n)
{
	struct catalog_tags_acc a = { out, 0 };
	sqlite3_stmt *st;
	enum ny_err rc;

	*n = 0;
	if (max <= 0)
		return NY_OK;
	if (max > 100)
		max = 100;
	st = db_stmt(db, "SELECT t.tag, count(*) AS n FROM products p"
	    " JOIN creators c ON c.id = p.creator_id"
	    " JOIN product_tags t ON t.product_id = p.id"
	    " WHERE p.status = 'published' AND c.disabled_at IS NULL"
	    " GROUP BY t.tag ORDER BY n DESC, t.tag LIMIT ?");
	if (st == NULL)
		return NY_EDB;
	sqlite3_bind_int(st, 1, max);
	rc = db_each(st, (size_t)max, catalog_tag_row, &a);
	*n = a.n;
	return rc;
}
