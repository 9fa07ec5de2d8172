/*
 * test-crypto: master key file handling, tokens, keyed hashes, sealing,
 * URL signatures, and that tampering is always refused.
 */
#include <check.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "crypto.h"
#include "testutil.h"

static const unsigned char key_a[32] = "0123456789abcdef0123456789abcde";
static const unsigned char key_b[32] = "fedcba9876543210fedcba987654321";

static void
write_file(const char *path, const void *p, size_t n, int mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode);

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, p, n), (ssize_t)n);
	ck_assert_int_eq(fchmod(fd, (mode_t)mode), 0);
	close(fd);
}

static void
hash_hex(const char *tok, char out[2 * TOK_HASH_LEN + 1])
{
	unsigned char h[TOK_HASH_LEN];

	tok_hash(tok, h);
	crypto_hex(h, sizeof h, out);
}

START_TEST(master_key_created_0600_and_reloaded)
{
	char *dir = tmp_path("keys"), *sub = xasprintf("%s/a/b", dir);
	char *path = xasprintf("%s/master.key", sub), *cause = NULL;
	char h1[65], h2[65], h3[65];
	struct stat st;
	char *data;
	size_t len;

	ck_assert_int_eq(crypto_init(sub, &cause), NY_OK);
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_int_eq(st.st_mode & 0777, 0600);
	ck_assert_int_eq(st.st_size, 32);
	ck_assert_int_eq(stat(sub, &st), 0);
	ck_assert_int_eq(st.st_mode & 077, 0);
	hash_hex("token", h1);
	/* Reloading gives the same key, hence the same hashes. */
	ck_assert_int_eq(crypto_init(sub, &cause), NY_OK);
	hash_hex("token", h2);
	ck_assert_str_eq(h1, h2);
	/* And the file holds exactly that key. */
	ck_assert_int_eq(ny_read_file(path, 64, &data, &len), NY_OK);
	ck_assert_int_eq(len, 32);
	crypto_init_key((const unsigned char *)data);
	hash_hex("token", h3);
	ck_assert_str_eq(h1, h3);
	/* No temporary files left behind. */
	{
		char *tmp = xasprintf("%s/.master.key.%ld", sub, (long)getpid());

		ck_assert_int_ne(access(tmp, F_OK), 0);
		free(tmp);
	}
	free(data);
	free(path);
	free(sub);
	free(dir);
}
END_TEST

START_TEST(master_key_refused)
{
	char *dir = tmp_path("keys"), *path, *cause = NULL;
	unsigned char k[33] = { 0 };

	ck_assert_int_eq(ny_mkdirs(dir, 0700), NY_OK);
	path = xasprintf("%s/master.key", dir);
	write_file(path, k, 31, 0600);
	ck_assert_int_eq(crypto_init(dir, &cause), NY_EINVAL);
	ck_assert_ptr_nonnull(strstr(cause, "31 bytes"));
	free(cause);
	cause = NULL;
	write_file(path, k, 33, 0600);
	ck_assert_int_eq(crypto_init(dir, &cause), NY_EINVAL);
	free(cause);
	cause = NULL;
	write_file(path, k, 0, 0600);
	ck_assert_int_eq(crypto_init(dir, &cause), NY_EINVAL);
	free(cause);
	cause = NULL;
	write_file(path, k, 32, 0640);
	ck_assert_int_eq(crypto_init(dir, &cause), NY_EINVAL);
	ck_assert_ptr_nonnull(strstr(cause, "group or others"));
	free(cause);
	cause = NULL;
	write_file(path, k, 32, 0604);
	ck_assert_int_eq(crypto_init(dir, &cause), NY_EINVAL);
	free(cause);
	cause = NULL;
	/* A symlink is not followed. */
	unlink(path);
	{
		char *real = xasprintf("%s/real.key", dir);

		write_file(real, k, 32, 0600);
		ck_assert_int_eq(symlink(real, path), 0);
		ck_assert_int_ne(crypto_init(dir, &cause), NY_OK);
		free(cause);
		cause = NULL;
		free(real);
	}
	/* A fine one is accepted, and is untouched. */
	unlink(path);
	write_file(path, k, 32, 0400);
	ck_assert_int_eq(crypto_init(dir, &cause), NY_OK);
	free(path);
	free(dir);
}
END_TEST

START_TEST(master_key_concurrent_start)
{
	char *dir = tmp_path("keys"), *cause = NULL;
	char got[8][65];
	pid_t pids[8];
	int i, status;

	for (i = 0; i < 8; i++) {
		if ((pids[i] = fork()) == 0) {
			char h[65], *out = xasprintf("%s.h%d", dir, i);
			FILE *f;

			if (crypto_init(dir, &cause) != NY_OK)
				_exit(1);
			hash_hex("x", h);
			if ((f = fopen(out, "w")) == NULL)
				_exit(2);
			fputs(h, f);
			fclose(f);
			free(out);
			_exit(0);
		}
	}
	for (i = 0; i < 8; i++) {
		char *out = xasprintf("%s.h%d", dir, i), *data;
		size_t len;

		ck_assert_int_eq(waitpid(pids[i], &status, 0), pids[i]);
		ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
		ck_assert_int_eq(ny_read_file(out, 128, &data, &len), NY_OK);
		ck_assert_int_eq(len, 64);
		memcpy(got[i], data, 65);
		free(data);
		free(out);
		ck_assert_str_eq(got[i], got[0]);
	}
	free(dir);
}
END_TEST

START_TEST(tokens)
{
	char a[96], b[64], c[32];
	size_t i;

	crypto_init_key(key_a);
	tok_random(32, a, sizeof a);
	tok_random(32, b, sizeof b);
	tok_random(16, c, sizeof c);
	ck_assert_int_eq(strlen(a), 43);
	ck_assert_int_eq(strlen(c), 22);
	ck_assert_str_ne(a, b);
	for (i = 0; a[i]; i++)
		ck_assert(strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
		    "0123456789-_", a[i]) != NULL);
	tok_random(64, a, sizeof a);
	ck_assert_int_eq(strlen(a), 86);
	ck_assert(tok_equal(b, b));
	ck_assert(!tok_equal(b, c));
	ck_assert(!tok_equal("abc", "abd"));
	ck_assert(!tok_equal("abc", "abcd"));
	ck_assert(!tok_equal("abc", NULL));
	ck_assert(tok_equal("", ""));
}
END_TEST

START_TEST(hashes)
{
	char h1[65], h2[65], h3[65], h4[65];

	crypto_init_key(key_a);
	hash_hex("tok-1", h1);
	hash_hex("tok-1", h2);
	hash_hex("tok-2", h3);
	ck_assert_str_eq(h1, h2);
	ck_assert_str_ne(h1, h3);
	ck_assert_int_eq(strlen(h1), 64);
	crypto_init_key(key_b);
	hash_hex("tok-1", h4);
	ck_assert_str_ne(h1, h4);	/* keyed: another key, another hash */
}
END_TEST

START_TEST(seal_open)
{
	const char *secret = "JBSWY3DPEHPK3PXP-secret";
	unsigned char *box, *plain, *box2;
	size_t boxlen, plainlen, box2len, i;

	crypto_init_key(key_a);
	crypto_seal(secret, strlen(secret), &box, &boxlen);
	ck_assert_int_eq(boxlen, strlen(secret) + 40);
	ck_assert_int_eq(crypto_open(box, boxlen, &plain, &plainlen), NY_OK);
	ck_assert_int_eq(plainlen, strlen(secret));
	ck_assert_str_eq((char *)plain, secret);
	free(plain);
	/* Same plaintext, fresh nonce: different boxes. */
	crypto_seal(secret, strlen(secret), &box2, &box2len);
	ck_assert(memcmp(box, box2, boxlen) != 0);
	free(box2);
	/* Flip each byte in turn: always refused. */
	for (i = 0; i < boxlen; i++) {
		box[i] ^= 0x01;
		ck_assert_int_eq(crypto_open(box, boxlen, &plain, &plainlen),
		    NY_ECRYPTO);
		ck_assert_ptr_null(plain);
		box[i] ^= 0x01;
	}
	ck_assert_int_eq(crypto_open(box, boxlen - 1, &plain, &plainlen),
	    NY_ECRYPTO);
	ck_assert_int_eq(crypto_open(box, 39, &plain, &plainlen), NY_ECRYPTO);
	ck_assert_int_eq(crypto_open(NULL, 0, &plain, &plainlen), NY_ECRYPTO);
	/* Another key cannot open it. */
	crypto_init_key(key_b);
	ck_assert_int_eq(crypto_open(box, boxlen, &plain, &plainlen),
	    NY_ECRYPTO);
	free(box);
	/* Empty plaintext round-trips. */
	crypto_seal("", 0, &box, &boxlen);
	ck_assert_int_eq(crypto_open(box, boxlen, &plain, &plainlen), NY_OK);
	ck_assert_int_eq(plainlen, 0);
	free(plain);
	free(box);
}
END_TEST

START_TEST(url_signatures)
{
	const char *msg = "/d/abc123?exp=1764089329";
	char sig[64], bad[64];
	size_t i;

	crypto_init_key(key_a);
	crypto_sign_url(msg, sig, sizeof sig);
	ck_assert_int_eq(strlen(sig), 43);
	ck_assert_int_eq(crypto_check_url(msg, sig), NY_OK);
	/* Flip each character of the signature: refused. */
	for (i = 0; sig[i]; i++) {
		memcpy(bad, sig, sizeof sig);
		bad[i] = bad[i] == 'A' ? 'B' : 'A';
		ck_assert_int_eq(crypto_check_url(msg, bad), NY_ECRYPTO);
	}
	/* Another message, truncations, extensions, empties. */
	ck_assert_int_eq(crypto_check_url("/d/abc123?exp=1764089330", sig),
	    NY_ECRYPTO);
	memcpy(bad, sig, sizeof sig);
	bad[42] = '\0';
	ck_assert_int_eq(crypto_check_url(msg, bad), NY_ECRYPTO);
	memcpy(bad, sig, 43);
	bad[43] = 'A';
	bad[44] = '\0';
	ck_assert_int_eq(crypto_check_url(msg, bad), NY_ECRYPTO);
	ck_assert_int_eq(crypto_check_url(msg, ""), NY_ECRYPTO);
	ck_assert_int_eq(crypto_check_url(msg, NULL), NY_ECRYPTO);
	/* Signatures depend on the key. */
	crypto_init_key(key_b);
	ck_assert_int_eq(crypto_check_url(msg, sig), NY_ECRYPTO);
}
END_TEST

START_TEST(subkeys_independent)
{
	unsigned char h[TOK_HASH_LEN];
	char sig[64], hex[65];

	/* The token hash and the URL signature of the same text differ:
	 * each purpose has its own subkey. */
	crypto_init_key(key_a);
	tok_hash("same", h);
	crypto_hex(h, sizeof h, hex);
	crypto_sign_url("same", sig, sizeof sig);
	ck_assert(strncmp(hex, sig, 43) != 0);
}
END_TEST

START_TEST(hex)
{
	const unsigned char p[] = { 0x00, 0x0f, 0xab, 0xff };
	char out[9];

	crypto_hex(p, sizeof p, out);
	ck_assert_str_eq(out, "000fabff");
	crypto_hex(p, 0, out);
	ck_assert_str_eq(out, "");
}
END_TEST

static Suite *
crypto_suite(void)
{
	Suite *s = suite_create("crypto");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, master_key_created_0600_and_reloaded);
	tcase_add_test(tc, master_key_refused);
	tcase_add_test(tc, master_key_concurrent_start);
	tcase_add_test(tc, tokens);
	tcase_add_test(tc, hashes);
	tcase_add_test(tc, seal_open);
	tcase_add_test(tc, url_signatures);
	tcase_add_test(tc, subkeys_independent);
	tcase_add_test(tc, hex);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return run_suite(crypto_suite());
}
