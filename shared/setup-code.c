/*
 * setup-code.c: the first creator's one-time setup code, kept in the
 * settings table. See setup-code.h.
 */
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "creator.h"
#include "crypto.h"
#include "invite.h"
#include "setting.h"
#include "setup-code.h"

/* Opens the sealed setup code (hex) into out. NY_OK or NY_ECRYPTO. */
static enum ny_err
setup_code_open(const char *hex, char *out, size_t len)
{
	unsigned char bin[256];
	size_t blen = 0;

	if (sodium_hex2bin(bin, sizeof bin, hex, strlen(hex), NULL, &blen,
	    NULL) != 0)
		return NY_ECRYPTO;
	return crypto_open_str(bin, blen, out, len);
}

/*
 * Makes a new setup code into out and stores its hash and sealed form
 * (replacing any), inside the open transaction. NY_OK or a db error.
 */
static enum ny_err
setup_code_create_tx(struct db *db, char out[SETUP_CODE_LEN])
{
	unsigned char h[TOK_HASH_LEN], *sealed;
	char hhex[2 * TOK_HASH_LEN + 1], *shex;
	size_t slen;
	enum ny_err rc;

	invite_code_new(3, out, SETUP_CODE_LEN);
	invite_code_hash(out, h);
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

/*
 * The body of setup_code_get_or_create, inside its transaction: the
 * stored code, or a new one. NY_OK, NY_ESTATE or a db error.
 */
static enum ny_err
setup_code_get_tx(struct db *db, char out[SETUP_CODE_LEN])
{
	char *sealed = NULL;
	int64_t n;
	enum ny_err rc;

	if ((rc = creator_count_enrolled(db, &n)) != NY_OK)
		return rc;
	if (n > 0)
		return NY_ESTATE;
	rc = setting_get(db, "setup_code_sealed", &sealed);
	if (rc == NY_OK)
		rc = setup_code_open(sealed, out, SETUP_CODE_LEN);
	free(sealed);
	/* Unreadable (say, keys/ replaced): make a fresh one. */
	if (rc == NY_ENOTFOUND || rc == NY_ECRYPTO)
		rc = setup_code_create_tx(db, out);
	return rc;
}

enum ny_err
setup_code_get_or_create(struct db *db, char out[SETUP_CODE_LEN])
{
	enum ny_err rc;

	out[0] = '\0';
	if ((rc = db_begin(db)) != NY_OK)
		return rc;
	if ((rc = db_end(db, setup_code_get_tx(db, out))) != NY_OK)
		out[0] = '\0';
	return rc;
}

enum ny_err
setup_code_check(struct db *db, const char *code)
{
	unsigned char h[TOK_HASH_LEN];
	char hhex[2 * TOK_HASH_LEN + 1], *stored = NULL;
	int64_t n;
	enum ny_err rc;

	if (invite_code_hash(code, h) != NY_OK)
		return NY_EDENIED;
	if ((rc = creator_count_enrolled(db, &n)) != NY_OK)
		return rc;
	if (n > 0)
		return NY_EDENIED;
	if ((rc = setting_get(db, "setup_code_hash", &stored)) != NY_OK)
		return rc == NY_ENOTFOUND ? NY_EDENIED : rc;
	crypto_hex(h, sizeof h, hhex);
	rc = tok_equal(hhex, stored) ? NY_OK : NY_EDENIED;
	free(stored);
	return rc;
}

enum ny_err
setup_code_consume_tx(struct db *db)
{
	enum ny_err rc;

	if ((rc = setting_delete(db, "setup_code_hash")) != NY_OK)
		return rc;
	return setting_delete(db, "setup_code_sealed");
}
