/*
 * crypto.h: the libsodium helpers every secret goes through.
 *
 * The master key (keys/master.key, 32 random bytes, mode 0600, created on
 * first start) is the root of everything: subkeys for hashing tokens,
 * sealing TOTP secrets and signing URLs are derived from it with
 * crypto_kdf, each with its own context, so one use never leaks into
 * another.
 */
#ifndef NY_CRYPTO_H
#define NY_CRYPTO_H

#include <stddef.h>
#include <stdint.h>

#include "ny.h"

#define TOK_HASH_LEN	32	/* bytes of a keyed token hash */

/*
 * Initialises libsodium and loads (or creates, mode 0600) the master key
 * at keys_dir/master.key. Refuses a key file of the wrong size or with
 * group/other permissions. Returns NY_OK or an error with *cause.
 * Call once at start, before threads.
 */
enum ny_err crypto_init(const char *keys_dir, char **cause);

/* Tests: use this key instead of a file (32 bytes). */
void	crypto_init_key(const unsigned char key[32]);

/*
 * A random token of nbytes (16..64) random bytes, base64url without
 * padding, NUL-terminated in out (outlen ≥ 4*nbytes/3+2).
 */
void	tok_random(size_t nbytes, char *out, size_t outlen);

/* Keyed hash (BLAKE2b with the token subkey) of a token, for storage. */
void	tok_hash(const char *token, unsigned char out[TOK_HASH_LEN]);

/*
 * Keyed hash of "ctx:value" (the same as tok_hash of that string): one
 * context per use (browser cookies, ticket codes …) so that a hash of one
 * never matches another.
 */
void	tok_hash_ctx(const char *ctx, const char *value,
	    unsigned char out[TOK_HASH_LEN]);
/* 1 when s is exactly len base64url characters (a token's shape). */
int	tok_shape_ok(const char *s, size_t len);
/* Constant-time equality of two strings (lengths compared too). */
int	tok_equal(const char *a, const char *b);

/*
 * Seals plaintext with secretbox under the sealing subkey: out gets
 * nonce || box, *outlen its length (caller frees *out).
 */
void	crypto_seal(const void *plain, size_t len, unsigned char **out,
	    size_t *outlen);
/*
 * Opens what crypto_seal made. NY_OK, or NY_ECRYPTO when tampered (then
 * *out is NULL). *out (caller frees) has *outlen bytes plus a NUL not
 * counted in *outlen, so a sealed string comes back as a C string.
 */
enum ny_err crypto_open(const unsigned char *sealed, size_t len,
	    unsigned char **out, size_t *outlen);

/*
 * crypto_open for a short sealed string (a code): into out, NUL-terminated,
 * the temporary plaintext wiped. NY_OK, or NY_ECRYPTO (tampered, empty, or
 * longer than outlen - 1).
 */
enum ny_err crypto_open_str(const unsigned char *sealed, size_t len, char *out,
	    size_t outlen);
/*
 * Signs msg with HMAC-SHA256 under the URL subkey; writes the signature as
 * base64url (43 chars + NUL) into sig (≥ 44 bytes).
 */
void	crypto_sign_url(const char *msg, char *sig, size_t siglen);
/* Checks a signature in constant time: NY_OK or NY_ECRYPTO. */
enum ny_err crypto_check_url(const char *msg, const char *sig);

/* Lower-case hex of bytes into out (≥ 2*len+1). */
void	crypto_hex(const unsigned char *p, size_t len, char *out);

#endif
