/*
 * creator.c: the creators table: handles, profiles, avatar, disabled
 * flag, the catalog import's upsert. See creator.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "blob.h"
#include "creator-int.h"

#define CREATOR_COLS \
	"id, handle, display_name, bio, locale, totp_secret IS NOT NULL, " \
	"totp_last_step, created_at, coalesce(disabled_at, 0), " \
	"coalesce(avatar_sha256, '')"

void
creator_free(struct creator *c)
{
	free(c->display_name);
	free(c->bio);
	c->display_name = c->bio = NULL;
}

void
creator_list_free(struct creator *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		creator_free(&v[i]);
	free(v);
}

int
creator_handle_ok(const char *h)
{
	static const char *const reserved[] = { "setup", "invite", "cli",
	    "system", "ssh", "sim", "mpesa", "stripe" };
	size_t n = h ? strlen(h) : 0;

	if (n < 2 || n > CREATOR_HANDLE_MAX || h[0] < 'a' || h[0] > 'z')
		return 0;
	/* SSH user names with a meaning of their own (see tui/ssh-auth.c),
	 * and the audit log's actors that are not creators. */
	for (size_t i = 0; i < sizeof reserved / sizeof reserved[0]; i++)
		if (strcmp(h, reserved[i]) == 0)
			return 0;
	for (size_t i = 0; i < n; i++) {
		char c = h[i];

		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		    c == '_' || c == '-'))
			return 0;
	}
	return 1;
}

/* 1 when l is a language a creator may have (the schema's CHECK). */
static int
creator_locale_ok(const char *l)
{
	return strcmp(l, "en") == 0 || strcmp(l, "sw") == 0;
}

/* Reads a row of CREATOR_COLS into c (zeroed first; c owns the strings). */
static void
creator_row(sqlite3_stmt *st, struct creator *c)
{
	const unsigned char *l = sqlite3_column_text(st, 4);

	memset(c, 0, sizeof *c);
	c->id = sqlite3_column_int64(st, 0);
	db_col_buf(st, 1, c->handle, sizeof c->handle);
	c->display_name = db_col_str(st, 2);
	c->bio = db_col_str(st, 3);
	snprintf(c->locale, sizeof c->locale, "%s", l ? (const char *)l : "en");
	c->enrolled = sqlite3_column_int(st, 5);
	c->totp_last_step = sqlite3_column_int64(st, 6);
	c->created_at = sqlite3_column_int64(st, 7);
	c->disabled_at = sqlite3_column_int64(st, 8);
	db_col_buf(st, 9, c->avatar_sha256, sizeof c->avatar_sha256);
}

enum ny_err
creator_add_tx(struct db *db, const char *handle, const char *display_name,
    const char *locale, int64_t *id)
{
	sqlite3_stmt *st;
	enum ny_err rc;
	int64_t cid;

	if (display_name == NULL)
		display_name = "";
	if (locale == NULL)
		locale = "en";
	if (!creator_handle_ok(handle) || !creator_locale_ok(locale) ||
	    strlen(display_name) > CREATOR_NAME_MAX ||
	    !ny_text_ok(display_name, 0, NULL))
		return NY_EINVAL;
	st = db_stmt(db, "INSERT INTO creators(handle, display_name, locale, "
	    "created_at) VALUES (?, ?, ?, ?)");
	if (st == NULL)
		return NY_EDB;
	sqlite3_bind_text(st, 1, handle, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, display_name, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, locale, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, ny_now());
	if ((rc = db_done(st)) != NY_OK)
		return rc;
	cid = sqlite3_last_insert_rowid(db_sqlite(db));
	if (id != NULL)
		*id = cid;
	return db_event(db, "creator", cid, NULL);
}

enum ny_err
creator_add(struct db *db, const char *handle, const char *display_name,
    const char *locale, int64_t *id)
{
	enum ny_err rc;

	if ((rc = db_begin(db)) != NY_OK)
		return rc;
	return db_end(db, creator_add_tx(db, handle, display_name, locale, id));
}

enum ny_err
creator_import_tx(struct db *db, const char *handle, const char *display_name,
    const char *locale, const char *bio, const char *avatar_sha256,
    size_t *changes)
{
	struct creator cur;
	sqlite3_stmt *st;
	int64_t id, changed = 0;
	enum ny_err rc;

	rc = creator_by_handle(db, handle, &cur);
	if (rc == NY_ENOTFOUND) {
		if ((rc = creator_add_tx(db, handle, display_name, locale,
		    &id)) != NY_OK)
			return rc;
		(*changes)++;
		if ((bio == NULL || bio[0] == '\0') && avatar_sha256 == NULL)
			return NY_OK;
		if ((rc = creator_by_id(db, id, &cur)) != NY_OK)
			return rc;
	} else if (rc != NY_OK)
		return rc;
	st = db_stmt(db, "UPDATE creators SET display_name = coalesce(?1, "
	    "display_name), locale = coalesce(?2, locale), bio = coalesce(?3, "
	    "bio), avatar_sha256 = coalesce(?5, avatar_sha256) WHERE id = ?4 "
	    "AND (display_name IS NOT coalesce(?1, display_name) OR "
	    "locale IS NOT coalesce(?2, locale) OR bio IS NOT coalesce(?3, bio) "
	    "OR avatar_sha256 IS NOT coalesce(?5, avatar_sha256))");
	if (st != NULL) {
		sqlite3_bind_text(st, 1, display_name, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, locale, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 3, bio, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 4, cur.id);
		sqlite3_bind_text(st, 5, avatar_sha256, -1, SQLITE_STATIC);
	}
	/* An unchanged creator changes no row: that is fine here. */
	rc = db_one(st, NY_OK, &changed);
	*changes += (size_t)changed;
	if (rc == NY_OK && changed > 0)
		rc = db_event(db, "creator", cur.id, NULL);
	creator_free(&cur);
	return rc;
}

/*
 * Runs the one-creator lookup sql (CREATOR_COLS, one parameter: handle
 * when not NULL, else id) into *out. NY_OK, NY_ENOTFOUND or a db error.
 */
static enum ny_err
creator_get(struct db *db, const char *sql, const char *handle, int64_t id,
    struct creator *out)
{
	sqlite3_stmt *st = db_stmt(db, sql);
	int rc;

	if (st == NULL)
		return NY_EDB;
	if (handle != NULL)
		sqlite3_bind_text(st, 1, handle, -1, SQLITE_STATIC);
	else
		sqlite3_bind_int64(st, 1, id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		creator_row(st, out);
	sqlite3_reset(st);
	return db_found(rc);
}

enum ny_err
creator_by_handle(struct db *db, const char *handle, struct creator *out)
{
	return creator_get(db, "SELECT " CREATOR_COLS " FROM creators "
	    "WHERE handle = ?", handle, 0, out);
}

enum ny_err
creator_by_id(struct db *db, int64_t id, struct creator *out)
{
	return creator_get(db, "SELECT " CREATOR_COLS " FROM creators "
	    "WHERE id = ?", NULL, id, out);
}

/* db_rows fill: one creator of creator_list. */
static enum ny_err
creator_fill(void *arg, void *elem, sqlite3_stmt *st)
{
	(void)arg;
	creator_row(st, elem);
	return NY_OK;
}

enum ny_err
creator_list(struct db *db, struct creator **out, size_t *n)
{
	*out = NULL;
	*n = 0;
	return db_rows(db_stmt(db, "SELECT " CREATOR_COLS " FROM creators "
	    "ORDER BY handle"), 0, out, n, sizeof **out, creator_fill, NULL);
}

enum ny_err
creator_change(struct db *db, sqlite3_stmt *st, int64_t creator_id)
{
	enum ny_err rc;

	if (st == NULL)
		return NY_EDB;
	if ((rc = db_begin(db)) != NY_OK)
		return rc;
	if ((rc = db_one(st, NY_ENOTFOUND, NULL)) == NY_OK)
		rc = db_event(db, "creator", creator_id, NULL);
	return db_end(db, rc);
}

enum ny_err
creator_update(struct db *db, int64_t id, const char *display_name,
    const char *bio, const char *locale)
{
	sqlite3_stmt *st;

	if ((display_name != NULL && (strlen(display_name) > CREATOR_NAME_MAX ||
	    !ny_text_ok(display_name, 0, NULL))) ||
	    (bio != NULL && (strlen(bio) > CREATOR_BIO_MAX ||
	    !ny_text_ok(bio, 1, NULL))) ||
	    (locale != NULL && !creator_locale_ok(locale)))
		return NY_EINVAL;
	st = db_stmt(db, "UPDATE creators SET "
	    "display_name = coalesce(?, display_name), bio = coalesce(?, bio), "
	    "locale = coalesce(?, locale) WHERE id = ?");
	sqlite3_bind_text(st, 1, display_name, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, bio, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, locale, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, id);
	return creator_change(db, st, id);
}

enum ny_err
creator_set_avatar(struct db *db, int64_t id, const char *sha)
{
	sqlite3_stmt *st;

	if (sha != NULL && *sha == '\0')
		sha = NULL;
	if (sha != NULL && !blob_sha_ok(sha))
		return NY_EINVAL;
	/* An unknown blob changes no row: NY_ENOTFOUND, like an unknown id. */
	st = db_stmt(db, "UPDATE creators SET avatar_sha256 = ?1 WHERE id = ?2 "
	    "AND (?1 IS NULL OR EXISTS (SELECT 1 FROM blobs "
	    "WHERE sha256 = ?1))");
	sqlite3_bind_text(st, 1, sha, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, id);
	return creator_change(db, st, id);
}

enum ny_err
creator_set_disabled_as(struct db *db, int64_t id, int on, const char *actor,
    int *changed)
{
	struct creator c;
	sqlite3_stmt *st;
	int64_t n = 0;
	enum ny_err rc;

	*changed = 0;
	if ((rc = db_begin(db)) != NY_OK)
		return rc;
	if ((rc = creator_by_id(db, id, &c)) != NY_OK)
		return db_end(db, rc);
	/* Only a change of state is written: disabling twice keeps the first
	 * date (when it happened) and logs one line. */
	st = db_stmt(db, "UPDATE creators SET disabled_at = CASE WHEN ?2 "
	    "THEN ?3 END WHERE id = ?1 AND (disabled_at IS NULL) = (?2 <> 0)");
	if (st != NULL) {
		sqlite3_bind_int64(st, 1, id);
		sqlite3_bind_int(st, 2, on != 0);
		sqlite3_bind_int64(st, 3, ny_now());
	}
	rc = db_one(st, NY_OK, &n);
	if (rc == NY_OK && n > 0)
		rc = db_event(db, "creator", id, NULL);
	if (rc == NY_OK && n > 0)
		rc = audit_log_for(db, id, actor, on ? "creator.disable" :
		    "creator.enable", c.handle, NULL);
	creator_free(&c);
	if ((rc = db_end(db, rc)) == NY_OK)
		*changed = n > 0;
	return rc;
}

int
creator_is_disabled(struct db *db, int64_t id)
{
	sqlite3_stmt *st = db_stmt(db, "SELECT disabled_at IS NOT NULL "
	    "FROM creators WHERE id = ?");
	int64_t off = 0;
	enum ny_err rc;

	if (st == NULL)
		return 0;
	sqlite3_bind_int64(st, 1, id);
	rc = db_int64(st, &off);
	/* Nothing is deleted, so a missing row is a creator that cannot be
	 * logged in either; a busy database is asked again next time. */
	if (rc == NY_ENOTFOUND)
		return 1;
	return rc == NY_OK && off != 0;
}

enum ny_err
creator_published_count(struct db *db, int64_t id, int64_t *n)
{
	sqlite3_stmt *st = db_stmt(db, "SELECT count(*) FROM products "
	    "WHERE creator_id = ? AND status = 'published'");

	*n = 0;
	if (st == NULL)
		return NY_EDB;
	sqlite3_bind_int64(st, 1, id);
	return db_int64(st, n);
}

enum ny_err
creator_count_enrolled(struct db *db, int64_t *n)
{
	sqlite3_stmt *st = db_stmt(db, "SELECT count(*) FROM creators "
	    "WHERE totp_secret IS NOT NULL");

	*n = 0;
	if (st == NULL)
		return NY_EDB;
	return db_int64(st, n);
}
