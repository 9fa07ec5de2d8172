/*
 * mail-optout.c: unsubscribe tokens and the opt-out list. See
 * mail-optout.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crypto.h"
#include "mail-optout.h"

int
mail_kind_transactional(const char *kind)
{
	static const char *const kinds[] = { "receipt", "refund",
	    "confirm_code", "library_link" };
	size_t i;

	for (i = 0; kind != NULL && i < sizeof kinds / sizeof *kinds; i++)
		if (strcmp(kind, kinds[i]) == 0)
			return 1;
	return 0;
}

void
mail_unsub_token(const char *addr, char *out, size_t len)
{
	char *msg = xasprintf("unsub:%s", addr), *p, sig[64];

	/* Lower-cased whole: "Amina@x.ke" and "amina@x.ke" are one inbox
	 * as far as the buyer can tell. */
	for (p = msg; *p != '\0'; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	crypto_sign_url(msg, sig, sizeof sig);
	free(msg);
	snprintf(out, len, "%s", sig);
}

/* The stored form of a token: a keyed hash, never the token itself. */
static void
mo_hash(const char *token, unsigned char h[TOK_HASH_LEN])
{
	tok_hash_ctx("mail_optout", token, h);
}

enum ny_err
mail_optout_record(struct db *db, const char *token, int64_t now)
{
	unsigned char h[TOK_HASH_LEN];
	sqlite3_stmt *st;
	enum ny_err rc;

	if (token == NULL || !tok_shape_ok(token, MAIL_UNSUB_TOKEN_LEN))
		return NY_EINVAL;
	mo_hash(token, h);
	if ((rc = db_begin(db)) != NY_OK)
		return rc;
	st = db_stmt(db, "INSERT INTO mail_optout (email_hash, at)"
	    " VALUES (?, ?) ON CONFLICT (email_hash) DO NOTHING");
	if (st != NULL) {
		sqlite3_bind_blob(st, 1, h, sizeof h, SQLITE_TRANSIENT);
		sqlite3_bind_int64(st, 2, now);
	}
	rc = db_done(st);
	return db_end(db, rc);
}

enum ny_err
mail_optout_has(struct db *db, const char *addr, int *out)
{
	char token[MAIL_UNSUB_TOKEN_LEN + 1];
	unsigned char h[TOK_HASH_LEN];
	sqlite3_stmt *st;
	int64_t one;
	enum ny_err rc;

	*out = 0;
	mail_unsub_token(addr, token, sizeof token);
	mo_hash(token, h);
	st = db_stmt(db, "SELECT 1 FROM mail_optout WHERE email_hash = ?");
	if (st != NULL)
		sqlite3_bind_blob(st, 1, h, sizeof h, SQLITE_TRANSIENT);
	rc = db_int64(st, &one);
	if (rc == NY_OK)
		*out = 1;
	return rc == NY_ENOTFOUND ? NY_OK : rc;
}
