/*
 * draft.c: the console_drafts table. See draft.h.
 *
 * One statement per call: a save replaces the row whole (the state is
 * written at every step and while the story is typed, so the last write
 * wins), and runs in the caller's transaction when there is one.
 */
#include <string.h>

#include "draft.h"

enum ny_err
draft_save(struct db *db, int64_t creator_id, const char *screen,
    const char *state)
{
	sqlite3_stmt *st;

	/* The table's CHECK would say so too, as a bare constraint error. */
	if (strcmp(screen, "wizard") != 0)
		return NY_EINVAL;
	if (strlen(state) > DRAFT_STATE_MAX)
		return NY_ELIMIT;
	st = db_stmt(db, "INSERT INTO console_drafts(creator_id, screen, "
	    "state, updated_at) VALUES (?, ?, ?, ?) ON CONFLICT(creator_id) "
	    "DO UPDATE SET screen = excluded.screen, state = excluded.state, "
	    "updated_at = excluded.updated_at");
	if (st != NULL) {
		sqlite3_bind_int64(st, 1, creator_id);
		sqlite3_bind_text(st, 2, screen, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 3, state, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 4, ny_now());
	}
	return db_done(st);
}

enum ny_err
draft_get(struct db *db, int64_t creator_id, const char *screen,
    char **state, int64_t *updated_at)
{
	sqlite3_stmt *st = db_stmt(db, "SELECT state, updated_at FROM "
	    "console_drafts WHERE creator_id = ? AND screen = ?");
	int rc;

	if (st == NULL)
		return NY_EDB;
	sqlite3_bind_int64(st, 1, creator_id);
	sqlite3_bind_text(st, 2, screen, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*state = db_col_str(st, 0);
		if (updated_at != NULL)
			*updated_at = sqlite3_column_int64(st, 1);
	}
	sqlite3_reset(st);
	return db_found(rc);
}

enum ny_err
draft_clear(struct db *db, int64_t creator_id)
{
	sqlite3_stmt *st = db_stmt(db,
	    "DELETE FROM console_drafts WHERE creator_id = ?");

	if (st != NULL)
		sqlite3_bind_int64(st, 1, creator_id);
	return db_done(st);
}
