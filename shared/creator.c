/*
 * creator.c: creators, TOTP enrolment and verification, SSH keys, invites
 * and the setup code. See creator.h.
 */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "creator.h"
#include "crypto.h"
#include "log.h"
#include "blob.h"

/* Codes people type: no 0/O, 1/I/L, U. */
static const char code_alphabet[] = "ABCDEFGHJKMNPQRSTVWXYZ23456789";

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
	size_t n = h ? strlen(h) : 0;

	if (n < 2 || n > CREATOR_HANDLE_MAX || h[0] < 'a' || h[0] > 'z')
		return 0;
	/* SSH user names with a meaning of their own (see tui/ssh-auth.c). */
	if (strcmp(h, "setup") == 0 || strcmp(h, "invite") == 0)
		return 0;
	for (size_t i = 0; i < n; i++) {
		char c = h[i];

		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		    c == '_' || c == '-'))
			return 0;
	}
	return 1;
}

/* 1 when s is valid UTF-8 without control characters (tab allowed when
 * multiline, and newlines). */
static int
text_ok(const char *s, int multiline)
{
	const unsigned char *p = (const unsigned char *)s;

	while (*p) {
		if (*p < 0x20 || *p == 0x7f) {
			if (!multiline || (*p != '\n' && *p != '\t' && *p != '\r'))
				return 0;
			p++;
		} else if (*p < 0x80)
			p++;
		else {
			int n = (*p & 0xe0) == 0xc0 ? 1 : (*p & 0xf0) == 0xe0 ? 2 :
			    (*p & 0xf8) == 0xf0 ? 3 : -1;

			if (n < 0 || *p == 0xc0 || *p == 0xc1 || *p > 0xf4)
				return 0;
			for (int i = 1; i <= n; i++)
				if ((p[i] & 0xc0) != 0x80)
					return 0;
			p += n + 1;
		}
	}
	return 1;
}

static int
locale_ok(const char *l)
{
	return strcmp(l, "en") == 0 || strcmp(l, "sw") == 0;
}

static void
creator_row(sqlite3_stmt *st, struct creator *c)
{
	const unsigned char *h = sqlite3_column_text(st, 1);
	const unsigned char *l = sqlite3_column_text(st, 4);

	memset(c, 0, sizeof *c);
	c->id = sqlite3_column_int64(st, 0);
	snprintf(c->handle, sizeof c->handle, "%s", h ? (const char *)h : "");
	c->display_name = db_col_str(st, 2);
	c->bio = db_col_str(st, 3);
	snprintf(c->locale, sizeof c->locale, "%s", l ? (const char *)l : "en");
	c->enrolled = sqlite3_column_int(st, 5);
	c->totp_last_step = sqlite3_column_int64(st, 6);
	c->created_at = sqlite3_column_int64(st, 7);
	c->disabled_at = sqlite3_column_int64(st, 8);
	h = sqlite3_column_text(st, 9);
	snprintf(c->avatar_sha256, sizeof c->avatar_sha256, "%s",
	    h ? (const char *)h : "");
}

int
creator_add_tx(struct db *db, const char *handle, const char *display_name,
    const char *locale, int64_t *id)
{
	sqlite3_stmt *st;
	int rc;

	if (display_name == NULL)
		display_name = "";
	if (locale == NULL)
		locale = "en";
	if (!creator_handle_ok(handle) || !locale_ok(locale) ||
	    strlen(display_name) > CREATOR_NAME_MAX || !text_ok(display_name, 0))
		return NY_EINVAL;
	st = db_stmt(db, "INSERT INTO creators(handle, display_name, locale, "
	    "created_at) VALUES (?, ?, ?, ?)");
	if (st == NULL)
		return NY_EDB;
	sqlite3_bind_text(st, 1, handle, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, display_name, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, locale, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, ny_now());
	rc = db_done(st);
	if (rc != NY_OK)
		return rc;
	if (id != NULL)
		*id = sqlite3_last_insert_rowid(db_sqlite(db));
	return db_event(db, "creator", sqlite3_last_insert_rowid(db_sqlite(db)),
	    NULL);
}

enum ny_err
creator_import_tx(struct db *db, const char *handle, const char *display_name,
    const char *locale, const char *bio, const char *avatar_sha256,
    size_t *changes)
{
	struct creator cur;
	sqlite3_stmt *st;
	int64_t id, changed = 0;
	int rc;

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
	rc = db_one(st, NY_OK, &changed);
	*changes += (size_t)changed;
	if (rc == NY_OK && changed > 0)
		rc = db_event(db, "creator", cur.id, NULL);
	creator_free(&cur);
	return rc;
}

int
creator_add(struct db *db, const char *handle, const char *display_name,
    const char *locale, int64_t *id)
{
	int rc;

	if ((rc = db_begin(db)) != NY_OK)
		return rc;
	return db_end(db, creator_add_tx(db, handle, display_name, locale, id));
}

static int
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

int
creator_by_handle(struct db *db, const char *handle, struct creator *out)
{
	return creator_get(db, "SELECT " CREATOR_COLS " FROM creators "
	    "WHERE handle = ?", handle, 0, out);
}

int
creator_by_id(struct db *db, int64_t id, struct creator *out)
{
	return creator_get(db, "SELECT " CREATOR_COLS " FROM creators "
	    "WHERE id = ?", NULL, id, out);
}

int
creator_list(struct db *db, struct creator **out, size_t *n)
{
	sqlite3_stmt *st = db_stmt(db, "SELECT " CREATOR_COLS
	    " FROM creators ORDER BY handle");
	size_t cap = 0;
	int rc;

	*out = NULL;
	*n = 0;
	if (st == NULL)
		return NY_EDB;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		*out = xgrow(*out, &cap, *n + 1, sizeof **out);
		creator_row(st, &(*out)[(*n)++]);
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? NY_OK : db_err(rc);
}

static int
creator_exec_id(struct db *db, sqlite3_stmt *st)
{
	int rc = db_done(st);

	if (rc == NY_OK && sqlite3_changes(db_sqlite(db)) == 0)
		rc = NY_ENOTFOUND;
	return rc;
}

/*
 * Runs st (from db_stmt, bound by the caller; NULL: NY_EDB) in a
 * transaction of its own with the "creator" event for creator_id; commits
 * on NY_OK, else rolls back. NY_ENOTFOUND when st changed no row.
 */
static int
creator_change(struct db *db, sqlite3_stmt *st, int64_t creator_id)
{
	int rc;

	if (st == NULL)
		return NY_EDB;
	if ((rc = db_begin(db)) != NY_OK)
		return rc;
	if ((rc = creator_exec_id(db, st)) == NY_OK)
		rc = db_event(db, "creator", creator_id, NULL);
	return db_end(db, rc);
}

int
creator_update(struct db *db, int64_t id, const char *display_name,
    const char *bio, const char *locale)
{
	sqlite3_stmt *st;

	if ((display_name != NULL && (strlen(display_name) > CREATOR_NAME_MAX ||
	    !text_ok(display_name, 0))) ||
	    (bio != NULL && (strlen(bio) > CREATOR_BIO_MAX || !text_ok(bio, 1))) ||
	    (locale != NULL && !locale_ok(locale)))
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

int
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

int
creator_set_disabled(struct db *db, int64_t id, int on)
{
	sqlite3_stmt *st;

	st = db_stmt(db, "UPDATE creators SET disabled_at = ? WHERE id = ?");
	if (on)
		sqlite3_bind_int64(st, 1, ny_now());
	else
		sqlite3_bind_null(st, 1);
	sqlite3_bind_int64(st, 2, id);
	return creator_change(db, st, id);
}

int
creator_count_enrolled(struct db *db, int64_t *n)
{
	sqlite3_stmt *st = db_stmt(db, "SELECT count(*) FROM creators "
	    "WHERE totp_secret IS NOT NULL");

	*n = 0;
	if (st == NULL)
		return NY_EDB;
	return db_int64(st, n);
}

/* --- TOTP ------------------------------------------------------------- */

int
creator_set_secret_tx(struct db *db, int64_t id, const unsigned char *raw,
    size_t rawlen, int64_t last_step)
{
	sqlite3_stmt *st;
	unsigned char *sealed;
	size_t slen;
	int rc;

	if (rawlen == 0 || last_step < 0)
		return NY_EINVAL;
	st = db_stmt(db, "UPDATE creators SET totp_secret = ?, "
	    "totp_last_step = ? WHERE id = ?");
	if (st == NULL)
		return NY_EDB;
	crypto_seal(raw, rawlen, &sealed, &slen);
	sqlite3_bind_blob(st, 1, sealed, (int)slen, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, last_step);
	sqlite3_bind_int64(st, 3, id);
	rc = creator_exec_id(db, st);
	sodium_memzero(sealed, slen);
	free(sealed);
	if (rc == NY_OK)
		rc = db_event(db, "creator", id, NULL);
	return rc;
}

int
creator_set_secret(struct db *db, int64_t id, const unsigned char *raw,
    size_t rawlen, int64_t last_step)
{
	int rc;

	if ((rc = db_begin(db)) != NY_OK)
		return rc;
	rc = creator_set_secret_tx(db, id, raw, rawlen, last_step);
	return db_end(db, rc);
}

int
creator_enrol_secret(struct db *db, int64_t id, char b32[TOTP_B32_LEN])
{
	unsigned char raw[TOTP_SECRET_LEN];
	int rc;

	totp_new_secret(raw, b32);
	rc = creator_set_secret(db, id, raw, sizeof raw, 0);
	sodium_memzero(raw, sizeof raw);
	if (rc != NY_OK)
		sodium_memzero(b32, TOTP_B32_LEN);
	return rc;
}

/*
 * Reads the creator's secret and last step inside the open transaction.
 * NY_EDENIED when unknown, disabled or not enrolled. *raw is freed by the
 * caller (sodium_memzero first).
 */
static int
creator_secret_tx(struct db *db, const char *handle, int64_t *id,
    unsigned char **raw, size_t *rawlen, int64_t *last_step)
{
	sqlite3_stmt *st = db_stmt(db, "SELECT id, totp_secret, totp_last_step "
	    "FROM creators WHERE handle = ? AND disabled_at IS NULL "
	    "AND totp_secret IS NOT NULL");
	int rc;

	if (st == NULL)
		return NY_EDB;
	sqlite3_bind_text(st, 1, handle, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*id = sqlite3_column_int64(st, 0);
		*last_step = sqlite3_column_int64(st, 2);
		rc = crypto_open(sqlite3_column_blob(st, 1),
		    (size_t)sqlite3_column_bytes(st, 1), raw, rawlen);
	} else
		rc = rc == SQLITE_DONE ? NY_EDENIED : db_err(rc);
	sqlite3_reset(st);
	return rc;
}

int
creator_verify_code(struct db *db, const char *handle, const char *code,
    int64_t now)
{
	unsigned char *raw = NULL;
	size_t rawlen = 0;
	int64_t id = 0, last = 0, step = 0;
	sqlite3_stmt *st;
	int rc;

	if (handle == NULL || code == NULL || !creator_handle_ok(handle))
		return NY_EDENIED;
	if ((rc = db_begin(db)) != NY_OK)
		return rc;
	rc = creator_secret_tx(db, handle, &id, &raw, &rawlen, &last);
	if (rc == NY_OK)
		rc = totp_check(raw, rawlen, code, now, last, &step);
	if (raw != NULL) {
		sodium_memzero(raw, rawlen);
		free(raw);
	}
	if (rc == NY_OK) {
		st = db_stmt(db, "UPDATE creators SET totp_last_step = ? "
		    "WHERE id = ? AND totp_last_step < ?");
		if (st == NULL)
			rc = NY_EDB;
		else {
			sqlite3_bind_int64(st, 1, step);
			sqlite3_bind_int64(st, 2, id);
			sqlite3_bind_int64(st, 3, step);
			rc = creator_exec_id(db, st);
			if (rc == NY_ENOTFOUND)
				rc = NY_EREPLAY;
		}
	}
	return db_end(db, rc);
}

/* --- SSH keys ---------------------------------------------------------- */

static int
fp_ok(const char *fp)
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

int
creator_key_add(struct db *db, int64_t creator_id, const char *fp,
    const char *comment, int64_t *id)
{
	char cbuf[CREATOR_KEY_COMMENT_MAX + 1];
	sqlite3_stmt *st;
	int rc;

	if (!fp_ok(fp))
		return NY_EINVAL;
	snprintf(cbuf, sizeof cbuf, "%s", comment ? comment : "");
	/* A cut in the middle of a UTF-8 sequence would be invalid text. */
	for (size_t n = strlen(cbuf); n > 0 && !text_ok(cbuf, 0); n--)
		cbuf[n - 1] = '\0';
	if ((rc = db_begin(db)) != NY_OK)
		return rc;
	st = db_stmt(db, "INSERT INTO creator_keys(creator_id, fingerprint, "
	    "comment, created_at) SELECT id, ?, ?, ? FROM creators WHERE id = ?");
	if (st == NULL) {
		db_rollback(db);
		return NY_EDB;
	}
	sqlite3_bind_text(st, 1, fp, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, cbuf, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, ny_now());
	sqlite3_bind_int64(st, 4, creator_id);
	rc = creator_exec_id(db, st);
	if (rc == NY_OK && id != NULL)
		*id = sqlite3_last_insert_rowid(db_sqlite(db));
	if (rc == NY_OK)
		rc = db_event(db, "creator", creator_id, NULL);
	return db_end(db, rc);
}

int
creator_key_list(struct db *db, int64_t creator_id, struct creator_key **out,
    size_t *n)
{
	sqlite3_stmt *st = db_stmt(db, "SELECT id, creator_id, fingerprint, "
	    "comment, created_at FROM creator_keys WHERE creator_id = ? "
	    "ORDER BY id");
	size_t cap = 0;
	int rc;

	*out = NULL;
	*n = 0;
	if (st == NULL)
		return NY_EDB;
	sqlite3_bind_int64(st, 1, creator_id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct creator_key *k;

		*out = xgrow(*out, &cap, *n + 1, sizeof **out);
		k = &(*out)[(*n)++];
		memset(k, 0, sizeof *k);
		k->id = sqlite3_column_int64(st, 0);
		k->creator_id = sqlite3_column_int64(st, 1);
		snprintf(k->fingerprint, sizeof k->fingerprint, "%s",
		    (const char *)sqlite3_column_text(st, 2));
		snprintf(k->comment, sizeof k->comment, "%s",
		    (const char *)sqlite3_column_text(st, 3));
		k->created_at = sqlite3_column_int64(st, 4);
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? NY_OK : db_err(rc);
}

int
creator_key_remove(struct db *db, int64_t creator_id, int64_t key_id)
{
	sqlite3_stmt *st;

	st = db_stmt(db, "DELETE FROM creator_keys WHERE id = ? "
	    "AND creator_id = ?");
	sqlite3_bind_int64(st, 1, key_id);
	sqlite3_bind_int64(st, 2, creator_id);
	return creator_change(db, st, creator_id);
}

int
creator_has_keys(struct db *db, int64_t creator_id, int *has)
{
	sqlite3_stmt *st = db_stmt(db, "SELECT EXISTS (SELECT 1 FROM "
	    "creator_keys WHERE creator_id = ?)");
	int rc;

	*has = 0;
	if (st == NULL)
		return NY_EDB;
	sqlite3_bind_int64(st, 1, creator_id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*has = sqlite3_column_int(st, 0);
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? NY_OK : db_err(rc);
}

int
creator_key_match(struct db *db, const char *handle, const char *fp)
{
	sqlite3_stmt *st = db_stmt(db, "SELECT 1 FROM creator_keys k "
	    "JOIN creators c ON c.id = k.creator_id "
	    "WHERE c.handle = ? AND k.fingerprint = ? AND c.disabled_at IS NULL");
	int found, rc;

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

/* --- Codes (invites, setup) ------------------------------------------- */

/* A random code of ngroups groups of 4 characters joined by '-'. */
static void
code_random(int ngroups, char *out, size_t len)
{
	size_t o = 0;

	for (int g = 0; g < ngroups; g++) {
		if (g > 0 && o + 1 < len)
			out[o++] = '-';
		for (int i = 0; i < 4 && o + 1 < len; i++)
			out[o++] = code_alphabet[randombytes_uniform(
			    sizeof code_alphabet - 1)];
	}
	out[o] = '\0';
}

/*
 * The canonical form of a typed code: upper case, without spaces and
 * dashes; o→0 and i/l→1 are not mapped since those never occur. NY_EINVAL
 * when too long or holding other characters.
 */
static int
code_norm(const char *in, char *out, size_t len)
{
	size_t o = 0;

	if (in == NULL)
		return NY_EINVAL;
	for (; *in; in++) {
		char c = *in;

		if (c == '-' || c == ' ')
			continue;
		if (c >= 'a' && c <= 'z')
			c = (char)(c - 'a' + 'A');
		if (strchr(code_alphabet, c) == NULL || c == '\0' ||
		    o + 1 >= len)
			return NY_EINVAL;
		out[o++] = c;
	}
	out[o] = '\0';
	return o > 0 ? NY_OK : NY_EINVAL;
}

static void
code_hash(const char *code, unsigned char h[TOK_HASH_LEN])
{
	char norm[64];

	if (code_norm(code, norm, sizeof norm) != NY_OK)
		norm[0] = '\0';
	tok_hash(norm, h);
}

int
invite_create(struct db *db, int64_t created_by, char code[INVITE_CODE_LEN],
    int64_t *expires_at)
{
	unsigned char h[TOK_HASH_LEN];
	sqlite3_stmt *st;
	int64_t now = ny_now();
	int rc;

	code_random(4, code, INVITE_CODE_LEN);
	code_hash(code, h);
	st = db_stmt(db, "INSERT INTO invites(code_hash, created_by, "
	    "created_at, expires_at) VALUES (?, ?, ?, ?)");
	if (st == NULL)
		return NY_EDB;
	sqlite3_bind_blob(st, 1, h, sizeof h, SQLITE_TRANSIENT);
	if (created_by > 0)
		sqlite3_bind_int64(st, 2, created_by);
	else
		sqlite3_bind_null(st, 2);
	sqlite3_bind_int64(st, 3, now);
	sqlite3_bind_int64(st, 4, now + INVITE_TTL);
	rc = db_done(st);
	if (rc != NY_OK) {
		sodium_memzero(code, INVITE_CODE_LEN);
		return rc;
	}
	if (expires_at != NULL)
		*expires_at = now + INVITE_TTL;
	return NY_OK;
}

int
invite_check(struct db *db, const char *code, int64_t now)
{
	unsigned char h[TOK_HASH_LEN];
	sqlite3_stmt *st = db_stmt(db, "SELECT 1 FROM invites WHERE "
	    "code_hash = ? AND used_at IS NULL AND expires_at > ?");
	int found, rc;

	if (st == NULL)
		return NY_EDB;
	code_hash(code, h);
	sqlite3_bind_blob(st, 1, h, sizeof h, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 2, now);
	if ((rc = db_exists(st, &found)) != NY_OK)
		return rc;
	return found ? NY_OK : NY_EDENIED;
}

int
invite_use_tx(struct db *db, const char *code, int64_t used_by, int64_t now)
{
	unsigned char h[TOK_HASH_LEN];
	sqlite3_stmt *st = db_stmt(db, "UPDATE invites SET used_at = ?, "
	    "used_by = ? WHERE code_hash = ? AND used_at IS NULL "
	    "AND expires_at > ?");
	int rc;

	if (st == NULL)
		return NY_EDB;
	code_hash(code, h);
	sqlite3_bind_int64(st, 1, now);
	sqlite3_bind_int64(st, 2, used_by);
	sqlite3_bind_blob(st, 3, h, sizeof h, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 4, now);
	rc = creator_exec_id(db, st);
	return rc == NY_ENOTFOUND ? NY_EDENIED : rc;
}

/* settings: a value or NY_ENOTFOUND; *out is freed by the caller. */
static int
setting_get(struct db *db, const char *key, char **out)
{
	sqlite3_stmt *st = db_stmt(db, "SELECT value FROM settings WHERE key = ?");
	int rc;

	if (st == NULL)
		return NY_EDB;
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*out = db_col_str(st, 0);
	sqlite3_reset(st);
	return db_found(rc);
}

static int
setting_put(struct db *db, const char *key, const char *value)
{
	sqlite3_stmt *st = db_stmt(db, "INSERT INTO settings(key, value) "
	    "VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value");

	if (st == NULL)
		return NY_EDB;
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, value, -1, SQLITE_STATIC);
	return db_done(st);
}

/* Opens the sealed setup code (hex) into out. */
static int
setup_code_open(const char *hex, char *out, size_t len)
{
	unsigned char bin[256];
	size_t blen = 0;

	if (sodium_hex2bin(bin, sizeof bin, hex, strlen(hex), NULL, &blen,
	    NULL) != 0)
		return NY_ECRYPTO;
	return crypto_open_str(bin, blen, out, len);
}

static int
setup_code_create_tx(struct db *db, char out[SETUP_CODE_LEN])
{
	unsigned char h[TOK_HASH_LEN], *sealed;
	char hhex[2 * TOK_HASH_LEN + 1], *shex;
	size_t slen;
	int rc;

	code_random(3, out, SETUP_CODE_LEN);
	code_hash(out, h);
	crypto_hex(h, sizeof h, hhex);
	crypto_seal(out, strlen(out), &sealed, &slen);
	shex = xmalloc(2 * slen + 1);
	crypto_hex(sealed, slen, shex);
	free(sealed);
	rc = setting_put(db, "setup_code_hash", hhex);
	if (rc == NY_OK)
		rc = setting_put(db, "setup_code_sealed", shex);
	free(shex);
	return rc;
}

int
setup_code_get_or_create(struct db *db, char out[SETUP_CODE_LEN])
{
	char *sealed = NULL;
	int64_t n;
	int rc;

	out[0] = '\0';
	if ((rc = db_begin(db)) != NY_OK)
		return rc;
	if ((rc = creator_count_enrolled(db, &n)) == NY_OK && n > 0)
		rc = NY_ESTATE;
	if (rc == NY_OK) {
		rc = setting_get(db, "setup_code_sealed", &sealed);
		if (rc == NY_OK)
			rc = setup_code_open(sealed, out, SETUP_CODE_LEN);
		/* Unreadable (say, keys/ replaced): make a fresh one. */
		if (rc == NY_ENOTFOUND || rc == NY_ECRYPTO)
			rc = setup_code_create_tx(db, out);
		free(sealed);
	}
	if (rc != NY_OK) {
		db_rollback(db);
		out[0] = '\0';
		return rc;
	}
	return db_commit(db);
}

int
setup_code_check(struct db *db, const char *code)
{
	unsigned char h[TOK_HASH_LEN];
	char hhex[2 * TOK_HASH_LEN + 1], norm[64], *stored = NULL;
	int64_t n;
	int rc;

	if (code_norm(code, norm, sizeof norm) != NY_OK)
		return NY_EDENIED;
	if ((rc = creator_count_enrolled(db, &n)) != NY_OK)
		return rc;
	if (n > 0)
		return NY_EDENIED;
	if ((rc = setting_get(db, "setup_code_hash", &stored)) != NY_OK)
		return rc == NY_ENOTFOUND ? NY_EDENIED : rc;
	tok_hash(norm, h);
	crypto_hex(h, sizeof h, hhex);
	rc = tok_equal(hhex, stored) ? NY_OK : NY_EDENIED;
	free(stored);
	return rc;
}

int
setup_code_consume_tx(struct db *db)
{
	sqlite3_stmt *st = db_stmt(db, "DELETE FROM settings WHERE key IN "
	    "('setup_code_hash', 'setup_code_sealed')");

	if (st == NULL)
		return NY_EDB;
	return db_done(st);
}

int
creator_enrol_new(struct db *db, enum creator_grant grant, const char *code,
    const char *handle, const char *display_name, const char *locale,
    const unsigned char *raw, size_t rawlen, int64_t last_step, int64_t *id)
{
	int64_t cid = 0, now = ny_now();
	int rc;

	if (!creator_handle_ok(handle))
		return NY_EINVAL;
	if ((rc = db_begin(db)) != NY_OK)
		return rc;
	/* Checked inside the write transaction: two sessions racing with
	 * one code cannot both get through. */
	if (grant == CREATOR_GRANT_SETUP) {
		if ((rc = setup_code_check(db, code)) == NY_OK)
			rc = setup_code_consume_tx(db);
	} else
		rc = invite_check(db, code, now);
	if (rc == NY_OK)
		rc = creator_add_tx(db, handle, display_name, locale, &cid);
	if (rc == NY_OK && grant == CREATOR_GRANT_INVITE)
		rc = invite_use_tx(db, code, cid, now);
	if (rc == NY_OK)
		rc = creator_set_secret_tx(db, cid, raw, rawlen, last_step);
	if (rc != NY_OK) {
		db_rollback(db);
		return rc;
	}
	if ((rc = db_commit(db)) == NY_OK && id != NULL)
		*id = cid;
	return rc;
}
