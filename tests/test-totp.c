/*
 * test-totp: RFC 6238 vectors, the ±1 step window at its edges, replay
 * refusal, secrets and otpauth URIs.
 */
#include <check.h>
#include <liboath/oath.h>
#include <stdlib.h>
#include <string.h>

#include "totp.h"
#include "testutil.h"

/* RFC 6238 appendix B, SHA1 secret. */
static const unsigned char rfc_key[] = "12345678901234567890";
#define RFC_LEN 20

struct vec {
	int64_t		 t;
	const char	*code;	/* last 6 of the RFC's 8 digits */
};

static const struct vec vectors[] = {
	{ 59, "287082" },		/* 94287082 */
	{ 1111111109, "081804" },	/* 07081804 */
	{ 1111111111, "050471" },	/* 14050471 */
	{ 1234567890, "005924" },	/* 89005924 */
	{ 2000000000, "279037" },	/* 69279037 */
	{ 20000000000LL, "353130" },	/* 65353130 */
};

START_TEST(rfc_vectors)
{
	const struct vec *v = &vectors[_i];
	char code[7];
	int64_t step = 0;

	ck_assert_int_eq(totp_code(rfc_key, RFC_LEN, v->t, code), NY_OK);
	ck_assert_str_eq(code, v->code);
	ck_assert_int_eq(totp_check(rfc_key, RFC_LEN, v->code, v->t, 0, &step),
	    NY_OK);
	ck_assert(step == v->t / 30);
}
END_TEST

/* A step start: 1111111110 = 30 × 37037037. */
#define T0	1111111110LL
#define S0	(T0 / 30)

static int
check_at(const char *code, int64_t now, int64_t last, int64_t *step)
{
	return totp_check(rfc_key, RFC_LEN, code, now, last, step);
}

START_TEST(window_mid_step)
{
	/* The phone shows the code in the middle of its step; the server
	 * clock is off by ±31 s (accepted) or ±61 s (refused). */
	int64_t t = T0 + 15, step;
	char code[7];

	ck_assert_int_eq(totp_code(rfc_key, RFC_LEN, t, code), NY_OK);
	ck_assert_int_eq(check_at(code, t, 0, &step), NY_OK);
	ck_assert(step == S0);
	ck_assert_int_eq(check_at(code, t + 31, 0, &step), NY_OK);
	ck_assert(step == S0);
	ck_assert_int_eq(check_at(code, t - 31, 0, &step), NY_OK);
	ck_assert(step == S0);
	ck_assert_int_eq(check_at(code, t + 61, 0, &step), NY_EDENIED);
	ck_assert_int_eq(check_at(code, t - 61, 0, &step), NY_EDENIED);
}
END_TEST

START_TEST(window_edges)
{
	char code[7];
	int64_t step = -1;

	ck_assert_int_eq(totp_code(rfc_key, RFC_LEN, T0, code), NY_OK);
	/* Server one step behind: from T0-30 to T0-1 accepted. */
	ck_assert_int_eq(check_at(code, T0 - 1, 0, &step), NY_OK);
	ck_assert_int_eq(check_at(code, T0 - 30, 0, &step), NY_OK);
	ck_assert_int_eq(check_at(code, T0 - 31, 0, &step), NY_EDENIED);
	/* Server one step ahead: up to T0+59 accepted. */
	ck_assert_int_eq(check_at(code, T0 + 29, 0, &step), NY_OK);
	ck_assert_int_eq(check_at(code, T0 + 30, 0, &step), NY_OK);
	ck_assert_int_eq(check_at(code, T0 + 59, 0, &step), NY_OK);
	ck_assert(step == S0);
	ck_assert_int_eq(check_at(code, T0 + 60, 0, &step), NY_EDENIED);
}
END_TEST

START_TEST(replay)
{
	char c0[7], cprev[7], cnext[7];
	int64_t step = 0, last;

	ck_assert_int_eq(totp_code(rfc_key, RFC_LEN, T0 + 5, c0), NY_OK);
	ck_assert_int_eq(totp_code(rfc_key, RFC_LEN, T0 - 25, cprev), NY_OK);
	ck_assert_int_eq(totp_code(rfc_key, RFC_LEN, T0 + 35, cnext), NY_OK);
	ck_assert_int_eq(check_at(c0, T0 + 5, 0, &step), NY_OK);
	last = step;
	/* The same code again, even seconds later: replay. */
	step = -7;
	ck_assert_int_eq(check_at(c0, T0 + 6, last, &step), NY_EREPLAY);
	ck_assert_int_eq(check_at(c0, T0 + 40, last, &step), NY_EREPLAY);
	ck_assert(step == -7);	/* untouched on refusal */
	/* An older step's code, still inside the window: replay. */
	ck_assert_int_eq(check_at(cprev, T0 + 5, last, &step), NY_EREPLAY);
	/* A newer step: accepted, and becomes the last step. */
	ck_assert_int_eq(check_at(cnext, T0 + 36, last, &step), NY_OK);
	ck_assert(step == S0 + 1);
	last = step;
	ck_assert_int_eq(check_at(cnext, T0 + 37, last, &step), NY_EREPLAY);
	/* A wrong code is denied, not called a replay. */
	ck_assert_int_eq(check_at(strcmp(c0, "000000") ? "000000" : "111111",
	    T0 + 36, last, &step), NY_EDENIED);
}
END_TEST

START_TEST(malformed_codes)
{
	static const char *const bad[] = { "", "12345", "1234567", "abcdef",
	    "12 456", "-12345", "+12345", "１２３４５６" };
	char code[7];
	int64_t step;
	size_t i;

	ck_assert_int_eq(totp_code(rfc_key, RFC_LEN, T0, code), NY_OK);
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++)
		ck_assert_int_eq(check_at(bad[i], T0, 0, &step), NY_EDENIED);
	ck_assert_int_eq(check_at(NULL, T0, 0, &step), NY_EDENIED);
	/* The right code with a trailing character: refused. */
	{
		char longer[8];

		memcpy(longer, code, 6);
		longer[6] = '0';
		longer[7] = '\0';
		ck_assert_int_eq(check_at(longer, T0, 0, &step), NY_EDENIED);
	}
	/* Another secret: denied. */
	ck_assert_int_eq(totp_check((const unsigned char *)"another secret....!",
	    RFC_LEN, code, T0, 0, &step), NY_EDENIED);
}
END_TEST

START_TEST(new_secret)
{
	unsigned char raw1[TOTP_SECRET_LEN], raw2[TOTP_SECRET_LEN];
	char b1[TOTP_B32_LEN], b2[TOTP_B32_LEN], code[7];
	int64_t step;
	size_t i;

	totp_new_secret(raw1, b1);
	totp_new_secret(raw2, b2);
	ck_assert_int_eq(strlen(b1), 32);
	ck_assert_str_ne(b1, b2);
	ck_assert(memcmp(raw1, raw2, TOTP_SECRET_LEN) != 0);
	for (i = 0; i < 32; i++)
		ck_assert(strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", b1[i]));
	ck_assert_int_eq(totp_code(raw1, sizeof raw1, 1764089329, code), NY_OK);
	ck_assert_int_eq(totp_check(raw1, sizeof raw1, code, 1764089329, 0,
	    &step), NY_OK);
}
END_TEST

START_TEST(secret_b32_decodes_to_raw)
{
	unsigned char raw[TOTP_SECRET_LEN];
	char b32[TOTP_B32_LEN], *dec = NULL;
	size_t declen = 0;
	char *uri;

	totp_new_secret(raw, b32);
	ck_assert_int_eq(oath_base32_decode(b32, strlen(b32), &dec, &declen),
	    OATH_OK);
	ck_assert_int_eq(declen, TOTP_SECRET_LEN);
	ck_assert(memcmp(dec, raw, declen) == 0);
	free(dec);
	uri = totp_uri("amina", "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ");
	ck_assert_str_eq(uri, "otpauth://totp/Nyota:amina?secret="
	    "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=Nyota");
	free(uri);
}
END_TEST

START_TEST(uri_encodes_handle)
{
	char *uri = totp_uri("mama ntilie/duka&co?x=1:é", "ABC");

	ck_assert_str_eq(uri, "otpauth://totp/Nyota:mama%20ntilie%2Fduka%26co"
	    "%3Fx%3D1%3A%C3%A9?secret=ABC&issuer=Nyota");
	free(uri);
}
END_TEST

static Suite *
totp_suite(void)
{
	Suite *s = suite_create("totp");
	TCase *tc = tcase_create("core");

	tcase_add_loop_test(tc, rfc_vectors, 0,
	    sizeof vectors / sizeof vectors[0]);
	tcase_add_test(tc, window_mid_step);
	tcase_add_test(tc, window_edges);
	tcase_add_test(tc, replay);
	tcase_add_test(tc, malformed_codes);
	tcase_add_test(tc, new_secret);
	tcase_add_test(tc, secret_b32_decodes_to_raw);
	tcase_add_test(tc, uri_encodes_handle);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return run_suite(totp_suite());
}
