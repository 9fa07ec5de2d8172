/*
 * fuzz-search: any search text must give NY_OK from catalog_search: the
 * MATCH expression built from it may never be an FTS5 syntax error
 * (quotes, '*', NEAR(, AND/OR/NOT, column filters, bytes of any kind).
 * Runs against an in-memory database with the real schema and a product.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "catalog.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct db *
fuzz_db(void)
{
	static struct db *db;
	char *cause = NULL;

	if (db != NULL)
		return db;
	if (db_open(":memory:", &db, &cause) != NY_OK ||
	    db_migrate(db, &cause) != NY_OK ||
	    db_exec(db, "INSERT INTO creators(id, handle, created_at)"
	    " VALUES (1, 'amani', 1); INSERT INTO products(creator_id, slug,"
	    " kind, title, summary, story_md, price_minor, currency, status,"
	    " created_at, updated_at, published_at) VALUES (1, 'nn',"
	    " 'download', 'Nairobi Nights', 'live \"music\"', 'NEAR the"
	    " club*', 100, 'KES', 'published', 1, 1, 1)") != NY_OK)
		abort();
	return db;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct catalog_list l;
	char *q = malloc(size + 1);

	memcpy(q, data, size);
	q[size] = '\0';
	if (catalog_search(fuzz_db(), q, NULL, 1, 0, &l) != NY_OK)
		abort();
	catalog_list_free(&l);
	free(q);
	return 0;
}
