/*
 * draft.h: the console_drafts table, what a creator was typing in the
 * console (today only the product wizard) kept so that a dropped
 * connection loses nothing: one draft per creator, the screen's state
 * as the screen's own JSON. The screen owns the format and checks it on
 * the way back in; this file only stores it.
 */
#ifndef NY_DRAFT_H
#define NY_DRAFT_H

#include <stdint.h>

#include "db.h"

/* Bytes a draft's state may have: a story of PRODUCT_STORY_MAX escaped,
 * every field, 64 files with their paths. More is refused, not cut. */
#define DRAFT_STATE_MAX	(1024 * 1024)

/*
 * Keeps state (NUL-terminated JSON) as the creator's draft of screen
 * ("wizard"), replacing the one they had, with updated_at now. Returns
 * NY_OK, NY_EINVAL (screen not known to the table), NY_ELIMIT (state
 * longer than DRAFT_STATE_MAX) or a db error.
 */
enum ny_err	draft_save(struct db *db, int64_t creator_id, const char *screen,
		    const char *state);
/*
 * The creator's draft of screen: *state (caller frees) and *updated_at
 * (may be NULL). Returns NY_OK, NY_ENOTFOUND (none, or one of another
 * screen; outputs untouched) or a db error.
 */
enum ny_err	draft_get(struct db *db, int64_t creator_id, const char *screen,
		    char **state, int64_t *updated_at);
/* Forgets the creator's draft; NY_OK also when there was none. */
enum ny_err	draft_clear(struct db *db, int64_t creator_id);

#endif
