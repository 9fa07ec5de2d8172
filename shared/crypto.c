/*
 * crypto.c: the master key and everything derived from it (libsodium).
 *
 * The subkeys live in one static struct written by crypto_init (or
 * crypto_init_key) once at start, before threads; afterwards they are
 * only read. Using a helper before either was called is a programming
 * error and aborts: silently hashing with an all-zero key would be worse.
 */
#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "crypto.h"
#include "ny.h"

#define MASTER_LEN	crypto_kdf_KEYBYTES	/* 32 */
#define SIG_BIN_LEN	crypto_auth_hmacsha256_BYTES	/* 32 */

/* One context per purpose (crypto_kdf contexts are 8 bytes). */
static const struct {
	const char	*ctx;
	uint64_t	 id;
} purposes[] = {
	[0] = { "nyotatok", 1 },	/* token hashing */
	[1] = { "nyotasea", 1 },	/* secretbox sealing */
	[2] = { "nyotaurl", 1 },	/* URL signatures */
};

static struct {
	int		ready;
	unsigned char	tok[crypto_generichash_KEYBYTES];
	unsigned char	seal[crypto_secretbox_KEYBYTES];
	unsigned char	url[crypto_auth_hmacsha256_KEYBYTES];
} keys;

static void
need_ready(void)
{
	if (!keys.ready)
		abort();	/* crypto_init was never called */
}

static void
derive(const unsigned char master[MASTER_LEN])
{
	if (sodium_init() < 0)
		abort();
	crypto_kdf_derive_from_key(keys.tok, sizeof keys.tok, purposes[0].id,
	    purposes[0].ctx, master);
	crypto_kdf_derive_from_key(keys.seal, sizeof keys.seal, purposes[1].id,
	    purposes[1].ctx, master);
	crypto_kdf_derive_from_key(keys.url, sizeof keys.url, purposes[2].id,
	    purposes[2].ctx, master);
	keys.ready = 1;
}

void
crypto_init_key(const unsigned char key[32])
{
	derive(key);
}

/* Reads an existing key file, refusing loose permissions or wrong size. */
static enum ny_err
key_read(const char *path, unsigned char master[MASTER_LEN], char **cause)
{
	struct stat st;
	ssize_t n;
	enum ny_err rc = NY_EIO;
	int fd;

	if ((fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)) < 0) {
		*cause = xasprintf("%s: %s", path, strerror(errno));
		return errno == ENOENT ? NY_ENOTFOUND : NY_EIO;
	}
	if (fstat(fd, &st) < 0) {
		*cause = xasprintf("%s: %s", path, strerror(errno));
		goto out;
	}
	rc = NY_EINVAL;
	if (!S_ISREG(st.st_mode)) {
		*cause = xasprintf("%s: not a regular file", path);
		goto out;
	}
	if ((st.st_mode & 077) != 0) {
		*cause = xasprintf("%s: readable by group or others (mode %03o);"
		    " chmod 600 it", path, (unsigned)(st.st_mode & 0777));
		goto out;
	}
	if (st.st_size != MASTER_LEN) {
		*cause = xasprintf("%s: %lld bytes, expected %d", path,
		    (long long)st.st_size, MASTER_LEN);
		goto out;
	}
	n = read(fd, master, MASTER_LEN);
	if (n != MASTER_LEN) {
		*cause = xasprintf("%s: short read", path);
		rc = NY_EIO;
		goto out;
	}
	rc = NY_OK;
out:
	close(fd);
	return rc;
}

/*
 * Creates the key file atomically: the bytes go to a private temporary
 * file (O_CREAT|O_EXCL, 0600) that is fsynced and then link()ed to the
 * final name. link never replaces an existing file, so two processes
 * starting at once end up sharing whichever key landed first, and nobody
 * ever reads a half-written key. Returns NY_OK, NY_EEXISTS (someone else
 * won: read theirs) or NY_EIO.
 */
static enum ny_err
key_create(const char *dir, const char *path, char **cause)
{
	unsigned char master[MASTER_LEN];
	char *tmp = xasprintf("%s/.master.key.%ld", dir, (long)getpid());
	enum ny_err rc = NY_EIO;
	int fd;

	randombytes_buf(master, sizeof master);
	unlink(tmp);	/* a leftover from a crashed start with our pid */
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0) {
		*cause = xasprintf("%s: %s", tmp, strerror(errno));
		goto out;
	}
	if (fchmod(fd, 0600) < 0 || write(fd, master, sizeof master) !=
	    (ssize_t)sizeof master || fsync(fd) < 0) {
		*cause = xasprintf("%s: %s", tmp, strerror(errno));
		close(fd);
		goto out;
	}
	close(fd);
	if (link(tmp, path) < 0) {
		rc = errno == EEXIST ? NY_EEXISTS : NY_EIO;
		if (rc == NY_EIO)
			*cause = xasprintf("%s: %s", path, strerror(errno));
		goto out;
	}
	ny_sync_dir(dir);
	rc = NY_OK;
out:
	unlink(tmp);
	free(tmp);
	sodium_memzero(master, sizeof master);
	return rc;
}

enum ny_err
crypto_init(const char *keys_dir, char **cause)
{
	unsigned char master[MASTER_LEN];
	char *path;
	enum ny_err rc;

	if (sodium_init() < 0) {
		*cause = xstrdup("libsodium: initialisation failed");
		return NY_ECRYPTO;
	}
	if (ny_mkdirs(keys_dir, 0700) != NY_OK) {
		*cause = xasprintf("%s: cannot create: %s", keys_dir,
		    strerror(errno));
		return NY_EIO;
	}
	path = xasprintf("%s/master.key", keys_dir);
	rc = key_read(path, master, cause);
	if (rc == NY_ENOTFOUND) {
		free(*cause);
		*cause = NULL;
		rc = key_create(keys_dir, path, cause);
		if (rc == NY_OK || rc == NY_EEXISTS)
			rc = key_read(path, master, cause);
	}
	if (rc == NY_OK)
		derive(master);
	sodium_memzero(master, sizeof master);
	free(path);
	return rc;
}

void
tok_random(size_t nbytes, char *out, size_t outlen)
{
	unsigned char raw[64];

	assert(nbytes >= 16 && nbytes <= sizeof raw);
	assert(outlen >= sodium_base64_ENCODED_LEN(nbytes,
	    sodium_base64_VARIANT_URLSAFE_NO_PADDING));
	if (sodium_init() < 0)
		abort();
	randombytes_buf(raw, nbytes);
	sodium_bin2base64(out, outlen, raw, nbytes,
	    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	sodium_memzero(raw, sizeof raw);
}

void
tok_hash(const char *token, unsigned char out[TOK_HASH_LEN])
{
	need_ready();
	crypto_generichash(out, TOK_HASH_LEN, (const unsigned char *)token,
	    strlen(token), keys.tok, sizeof keys.tok);
}

void
tok_hash_ctx(const char *ctx, const char *value,
    unsigned char out[TOK_HASH_LEN])
{
	crypto_generichash_state st;

	need_ready();
	/* the same bytes as tok_hash("ctx:value"), without a copy */
	crypto_generichash_init(&st, keys.tok, sizeof keys.tok, TOK_HASH_LEN);
	crypto_generichash_update(&st, (const unsigned char *)ctx,
	    strlen(ctx));
	crypto_generichash_update(&st, (const unsigned char *)":", 1);
	crypto_generichash_update(&st, (const unsigned char *)value,
	    strlen(value));
	crypto_generichash_final(&st, out, TOK_HASH_LEN);
	sodium_memzero(&st, sizeof st);
}

int
tok_shape_ok(const char *s, size_t len)
{
	size_t i;

	if (s == NULL)
		return 0;
	for (i = 0; s[i] != '\0'; i++) {
		char c = s[i];

		if (i >= len || !((c >= 'A' && c <= 'Z') || (c >= 'a' &&
		    c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_'))
			return 0;
	}
	return i == len;
}

int
tok_equal(const char *a, const char *b)
{
	size_t la, lb;

	if (a == NULL || b == NULL)
		return 0;
	la = strlen(a);
	lb = strlen(b);
	/* Lengths are not secret (tokens have fixed lengths); bytes are. */
	if (la != lb)
		return 0;
	return sodium_memcmp(a, b, la) == 0;
}

void
crypto_seal(const void *plain, size_t len, unsigned char **out,
    size_t *outlen)
{
	unsigned char *box;

	need_ready();
	assert(len <= SIZE_MAX - crypto_secretbox_NONCEBYTES -
	    crypto_secretbox_MACBYTES);
	*outlen = crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES + len;
	box = xmalloc(*outlen);
	randombytes_buf(box, crypto_secretbox_NONCEBYTES);
	crypto_secretbox_easy(box + crypto_secretbox_NONCEBYTES, plain, len,
	    box, keys.seal);
	*out = box;
}

/*
 * *out gets len - 40 bytes of plaintext plus a NUL (not counted in
 * *outlen), so sealed strings come back as C strings.
 */
enum ny_err
crypto_open(const unsigned char *sealed, size_t len, unsigned char **out,
    size_t *outlen)
{
	const size_t over = crypto_secretbox_NONCEBYTES +
	    crypto_secretbox_MACBYTES;
	unsigned char *plain;

	need_ready();
	*out = NULL;
	*outlen = 0;
	if (sealed == NULL || len < over)
		return NY_ECRYPTO;
	plain = xmalloc(len - over + 1);
	if (crypto_secretbox_open_easy(plain, sealed +
	    crypto_secretbox_NONCEBYTES, len - crypto_secretbox_NONCEBYTES,
	    sealed, keys.seal) != 0) {
		free(plain);
		return NY_ECRYPTO;
	}
	plain[len - over] = '\0';
	*out = plain;
	*outlen = len - over;
	return NY_OK;
}

enum ny_err
crypto_open_str(const unsigned char *sealed, size_t len, char *out,
    size_t outlen)
{
	unsigned char *plain = NULL;
	size_t n = 0;
	enum ny_err rc;

	if (outlen > 0)
		out[0] = '\0';
	if ((rc = crypto_open(sealed, len, &plain, &n)) != NY_OK)
		return rc;
	if (n == 0 || n >= outlen) {
		sodium_memzero(plain, n);
		free(plain);
		return NY_ECRYPTO;
	}
	memcpy(out, plain, n);
	out[n] = '\0';
	sodium_memzero(plain, n);
	free(plain);
	return NY_OK;
}

void
crypto_sign_url(const char *msg, char *sig, size_t siglen)
{
	unsigned char mac[SIG_BIN_LEN];

	need_ready();
	assert(siglen >= sodium_base64_ENCODED_LEN(SIG_BIN_LEN,
	    sodium_base64_VARIANT_URLSAFE_NO_PADDING));
	crypto_auth_hmacsha256(mac, (const unsigned char *)msg, strlen(msg),
	    keys.url);
	sodium_bin2base64(sig, siglen, mac, sizeof mac,
	    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}

/*
 * Compares the expected signature text with the given one rather than
 * decoding the given one: base64 has several spellings of the same bytes
 * (unused low bits of the last character), and a signature must have
 * exactly one.
 */
enum ny_err
crypto_check_url(const char *msg, const char *sig)
{
	char want[64];

	if (msg == NULL || sig == NULL)
		return NY_ECRYPTO;
	crypto_sign_url(msg, want, sizeof want);
	return tok_equal(want, sig) ? NY_OK : NY_ECRYPTO;
}

void
crypto_hex(const unsigned char *p, size_t len, char *out)
{
	sodium_bin2hex(out, 2 * len + 1, p, len);
}
