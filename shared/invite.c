/*
 * invite.c: invites (the invites table) and the typed codes of invites
 * and the setup code. See invite.h.
 */
#include <sodium.h>
#include <string.h>

#include "invite.h"

/* Codes people type: no 0/O, 1/I/L, U. */
static const char invite_alphabet[] = "ABCDEFGHJKMNPQRSTVWXYZ23456789";

void
invite_code_new(int ngroups, char *out, size_t len)
{
	size_t o = 0;

	for (int g = 0; g < ngroups; g++) {
		if (g > 0 && o + 1 < len)
			out[o++] = '-';
		for (int i = 0; i < 4 && o + 1 < len; i++)
			out[o++] = invite_alphabet[randombytes_uniform(
			    sizeof invite_alphabet - 1)];
	}
	out[o] = '\0';
}

/*
 * The canonical form of a typed code into out (len bytes): upper case,
 * without spaces and dashes; o→0 and i/l→1 are not mapped since those
 * never occur. NY_EINVAL when empty, too long or holding other
 * characters.
 */
static enum ny_err
invite_code_norm(const char *in, char *out, size_t len)
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
		if (strchr(invite_alphabet, c) == NULL || o + 1 >= len)
			return NY_EINVAL;
		out[o++] = c;
	}
	out[o] = '\0';
	return o > 0 ? NY_OK : NY_EINVAL;
}

enum ny_err
invite_code_hash(const char *code, unsigned char h[TOK_HASH_LEN])
{
	char norm[64];
	enum ny_err rc;

	if ((rc = invite_code_norm(code, norm, sizeof norm)) != NY_OK)
		norm[0] = '\0';
	tok_hash(norm, h);
	return rc;
}

enum ny_err
invite_create(struct db *db, int64_t created_by, char code[INVITE_CODE_LEN],
    int64_t *expires_at)
{
	unsigned char h[TOK_HASH_LEN];
	sqlite3_stmt *st;
	int64_t now = ny_now();
	enum ny_err rc;

	invite_code_new(4, code, INVITE_CODE_LEN);
	invite_code_hash(code, h);
	st = db_stmt(db, "INSERT INTO invites(code_hash, created_by, "
	    "created_at, expires_at) VALUES (?, ?, ?, ?)");
	if (st != NULL) {
		sqlite3_bind_blob(st, 1, h, sizeof h, SQLITE_TRANSIENT);
		if (created_by > 0)
			sqlite3_bind_int64(st, 2, created_by);
		else
			sqlite3_bind_null(st, 2);
		sqlite3_bind_int64(st, 3, now);
		sqlite3_bind_int64(st, 4, now + INVITE_TTL);
	}
	if ((rc = db_done(st)) != NY_OK) {
		sodium_memzero(code, INVITE_CODE_LEN);
		return rc;
	}
	if (expires_at != NULL)
		*expires_at = now + INVITE_TTL;
	return NY_OK;
}

enum ny_err
invite_check(struct db *db, const char *code, int64_t now)
{
	unsigned char h[TOK_HASH_LEN];
	sqlite3_stmt *st = db_stmt(db, "SELECT 1 FROM invites WHERE "
	    "code_hash = ? AND used_at IS NULL AND expires_at > ?");
	enum ny_err rc;
	int found;

	if (st == NULL)
		return NY_EDB;
	invite_code_hash(code, h);
	sqlite3_bind_blob(st, 1, h, sizeof h, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 2, now);
	if ((rc = db_exists(st, &found)) != NY_OK)
		return rc;
	return found ? NY_OK : NY_EDENIED;
}

enum ny_err
invite_use_tx(struct db *db, const char *code, int64_t used_by, int64_t now)
{
	unsigned char h[TOK_HASH_LEN];
	sqlite3_stmt *st = db_stmt(db, "UPDATE invites SET used_at = ?, "
	    "used_by = ? WHERE code_hash = ? AND used_at IS NULL "
	    "AND expires_at > ?");

	if (st != NULL) {
		invite_code_hash(code, h);
		sqlite3_bind_int64(st, 1, now);
		sqlite3_bind_int64(st, 2, used_by);
		sqlite3_bind_blob(st, 3, h, sizeof h, SQLITE_TRANSIENT);
		sqlite3_bind_int64(st, 4, now);
	}
	return db_one(st, NY_EDENIED, NULL);
}
