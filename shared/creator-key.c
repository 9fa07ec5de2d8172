/*
 * creator-key.c: the creators' SSH keys (creator_keys). See creator-key.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "creator-int.h"
#include "creator-key.h"

/* 1 when fp looks like "SHA256:" and 16 or more base64 characters. */
static int
creator_key_fp_ok(const char *fp)
{
	size_t n;

	if (fp == NULL || strncmp(fp, "SHA256:", 7) != 0)
		return 0;
	n = strlen(fp + 7);
	if (n < 16 || n > CREATOR_FP_MAX - 7)
		return 0;
	for (const char *p = fp + 7; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || *p == '+' || *p == '/' ||
		    *p == '='))
			return 0;
	return 1;
}

enum ny_err
creator_key_add(struct db *db, int64_t creator_id, const char *fp,
    const char *comment, int64_t *id)
{
	char cbuf[CREATOR_KEY_COMMENT_MAX + 1];
	sqlite3_stmt *st;
	enum ny_err rc;

	if (!creator_key_fp_ok(fp))
		return NY_EINVAL;
	snprintf(cbuf, sizeof cbuf, "%s", comment ? comment : "");
	/* A cut in the middle of a UTF-8 sequence would be invalid text. */
	for (size_t n = strlen(cbuf); n > 0 && !ny_text_ok(cbuf, 0, NULL); n--)
		cbuf[n - 1] = '\0';
	if ((rc = db_begin(db)) != NY_OK)
		return rc;
	/* INSERT ... SELECT: an unknown creator inserts no row. */
	st = db_stmt(db, "INSERT INTO creator_keys(creator_id, fingerprint, "
	    "comment, created_at) SELECT id, ?, ?, ? FROM creators WHERE id = ?");
	if (st != NULL) {
		sqlite3_bind_text(st, 1, fp, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, cbuf, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 3, ny_now());
		sqlite3_bind_int64(st, 4, creator_id);
	}
	rc = db_one(st, NY_ENOTFOUND, NULL);
	if (rc == NY_OK && id != NULL)
		*id = sqlite3_last_insert_rowid(db_sqlite(db));
	if (rc == NY_OK)
		rc = db_event(db, "creator", creator_id, NULL);
	return db_end(db, rc);
}

/* db_rows fill: one key of creator_key_list. */
static enum ny_err
creator_key_fill(void *arg, void *elem, sqlite3_stmt *st)
{
	struct creator_key *k = elem;

	(void)arg;
	k->id = sqlite3_column_int64(st, 0);
	k->creator_id = sqlite3_column_int64(st, 1);
	db_col_buf(st, 2, k->fingerprint, sizeof k->fingerprint);
	db_col_buf(st, 3, k->comment, sizeof k->comment);
	k->created_at = sqlite3_column_int64(st, 4);
	return NY_OK;
}

enum ny_err
creator_key_list(struct db *db, int64_t creator_id, struct creator_key **out,
    size_t *n)
{
	sqlite3_stmt *st = db_stmt(db, "SELECT id, creator_id, fingerprint, "
	    "comment, created_at FROM creator_keys WHERE creator_id = ? "
	    "ORDER BY id");

	*out = NULL;
	*n = 0;
	if (st != NULL)
		sqlite3_bind_int64(st, 1, creator_id);
	return db_rows(st, 0, out, n, sizeof **out, creator_key_fill, NULL);
}

enum ny_err
creator_key_remove(struct db *db, int64_t creator_id, int64_t key_id)
{
	sqlite3_stmt *st;

	st = db_stmt(db, "DELETE FROM creator_keys WHERE id = ? "
	    "AND creator_id = ?");
	sqlite3_bind_int64(st, 1, key_id);
	sqlite3_bind_int64(st, 2, creator_id);
	return creator_change(db, st, creator_id);
}

enum ny_err
creator_key_exists(struct db *db, int64_t creator_id, int *found)
{
	sqlite3_stmt *st = db_stmt(db, "SELECT 1 FROM creator_keys "
	    "WHERE creator_id = ? LIMIT 1");

	*found = 0;
	if (st != NULL)
		sqlite3_bind_int64(st, 1, creator_id);
	return db_exists(st, found);
}

enum ny_err
creator_key_match(struct db *db, const char *handle, const char *fp)
{
	sqlite3_stmt *st = db_stmt(db, "SELECT 1 FROM creator_keys k "
	    "JOIN creators c ON c.id = k.creator_id "
	    "WHERE c.handle = ? AND k.fingerprint = ? AND c.disabled_at IS NULL");
	enum ny_err rc;
	int found;

	if (st == NULL)
		return NY_EDB;
	if (handle == NULL || fp == NULL)
		return NY_EDENIED;
	sqlite3_bind_text(st, 1, handle, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, fp, -1, SQLITE_STATIC);
	if ((rc = db_exists(st, &found)) != NY_OK)
		return rc;
	return found ? NY_OK : NY_EDENIED;
}
