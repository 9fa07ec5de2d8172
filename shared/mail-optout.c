/*
 * mail-optout.c: unsubscribe tokens and the opt-out list. See
 * mail-optout.h.
 */
#include <sodium.h>
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

#define MO_ID_LEN	32	/* hex characters of ID */

/* ID of addr (MO_ID_LEN hex + NUL): a keyed hash of the lower-cased
 * address ("Amina@x.ke" and "amina@x.ke" are one inbox as far as the
 * buyer can tell). */
static void
mo_id(const char *addr, char id[MO_ID_LEN + 1])
{
	unsigned char h[TOK_HASH_LEN];
	char *low = xstrdup(addr), *p;

	for (p = low; *p != '\0'; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	tok_hash_ctx("unsub-id", low, h);
	free(low);
	crypto_hex(h, MO_ID_LEN / 2, id);
}

/* SIG of id (43 base64url + NUL). */
static void
mo_sig(const char *id, char sig[64])
{
	char msg[8 + MO_ID_LEN + 1];

	snprintf(msg, sizeof msg, "unsub:%s", id);
	crypto_sign_url(msg, sig, 64);
}

void
mail_unsub_token(const char *addr, char *out, size_t len)
{
	char id[MO_ID_LEN + 1], sig[64];

	mo_id(addr, id);
	mo_sig(id, sig);
	snprintf(out, len, "%s%s", id, sig);
}

int
mail_unsub_token_ok(const char *token)
{
	char id[MO_ID_LEN + 1], sig[64];

	if (token == NULL || !tok_shape_ok(token, MAIL_UNSUB_TOKEN_LEN))
		return 0;
	memcpy(id, token, MO_ID_LEN);
	id[MO_ID_LEN] = '\0';
	mo_sig(id, sig);
	return strlen(sig) == MAIL_UNSUB_TOKEN_LEN - MO_ID_LEN &&
	    sodium_memcmp(sig, token + MO_ID_LEN,
	    MAIL_UNSUB_TOKEN_LEN - MO_ID_LEN) == 0;
}

/* The stored form: a keyed hash of ID, never the address or token. */
static void
mo_hash(const char *id, unsigned char h[TOK_HASH_LEN])
{
	char buf[MO_ID_LEN + 1];

	snprintf(buf, sizeof buf, "%.*s", MO_ID_LEN, id);
	tok_hash_ctx("mail_optout", buf, h);
}

enum ny_err
mail_optout_record(struct db *db, const char *token, int64_t now)
{
	unsigned char h[TOK_HASH_LEN];
	sqlite3_stmt *st;
	enum ny_err rc;

	if (!mail_unsub_token_ok(token))
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
	char id[MO_ID_LEN + 1];
	unsigned char h[TOK_HASH_LEN];
	sqlite3_stmt *st;
	int64_t one;
	enum ny_err rc;

	*out = 0;
	mo_id(addr, id);
	mo_hash(id, h);
	st = db_stmt(db, "SELECT 1 FROM mail_optout WHERE email_hash = ?");
	if (st != NULL)
		sqlite3_bind_blob(st, 1, h, sizeof h, SQLITE_TRANSIENT);
	rc = db_int64(st, &one);
	if (rc == NY_OK)
		*out = 1;
	return rc == NY_ENOTFOUND ? NY_OK : rc;
}
