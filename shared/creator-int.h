/*
 * creator-int.h: what creator.c shares with the other modules of the
 * creators table (creator-key.c, creator-secret.c); not for other modules.
 */
#ifndef NY_CREATOR_INT_H
#define NY_CREATOR_INT_H

#include "creator.h"

/*
 * Runs st (from db_stmt, bound by the caller; NULL: NY_EDB), a write that
 * must change exactly one row, in a transaction of its own with the
 * "creator" event for creator_id; commits on NY_OK, else rolls back.
 * Returns NY_OK, NY_ENOTFOUND when st changed no row, or a db error.
 */
enum ny_err creator_change(struct db *db, sqlite3_stmt *st,
	    int64_t creator_id);

#endif
