/*
 * product-int.h: what product.c, product-rule.c and product-file.c share;
 * not for other modules.
 */
#ifndef NY_PRODUCT_INT_H
#define NY_PRODUCT_INT_H

#include "product.h"

/* Returns 1 when s is one of the NULL-terminated list, else 0. */
int	product_in_list(const char *const *list, const char *s);

/*
 * Returns 1 when s (NULL: "") is valid UTF-8 without control characters
 * (with multiline, tab, CR and LF are allowed) of min to max characters
 * (code points), else 0.
 */
int	product_text_ok(const char *s, int multiline, long min, long max);

/*
 * db_one for the writes of the product module: runs st (NULL: NY_EDB),
 * which must change exactly one row, and returns NY_OK, none when it
 * changed none, fk when a foreign key refused it (a missing creator,
 * cover blob, product or blob; a file buyers downloaded), else the mapped
 * error. *changed (may be NULL) gets the rows changed.
 */
enum ny_err product_one(struct db *db, sqlite3_stmt *st, enum ny_err none,
	    enum ny_err fk, int64_t *changed);

#endif
