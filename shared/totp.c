/*
 * totp.c: RFC 6238 (SHA1, 6 digits, 30 s steps) through liboath, with
 * replay refusal by time step.
 */
#include <assert.h>
#include <liboath/oath.h>
#include <pthread.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "ny.h"
#include "totp.h"

#define TOTP_STEP	30
#define TOTP_DIGITS	6
#define TOTP_WINDOW	1

static pthread_once_t oath_once = PTHREAD_ONCE_INIT;

static void
oath_start(void)
{
	if (oath_init() != OATH_OK || sodium_init() < 0)
		abort();
}

void
totp_new_secret(unsigned char raw[TOTP_SECRET_LEN], char b32[TOTP_B32_LEN])
{
	char *enc = NULL;
	size_t enclen = 0;

	pthread_once(&oath_once, oath_start);
	randombytes_buf(raw, TOTP_SECRET_LEN);
	/* 20 bytes are a multiple of 5: exactly 32 characters, no '='. */
	if (oath_base32_encode((const char *)raw, TOTP_SECRET_LEN, &enc,
	    &enclen) != OATH_OK || enclen != TOTP_B32_LEN - 1)
		abort();
	memcpy(b32, enc, TOTP_B32_LEN - 1);
	b32[TOTP_B32_LEN - 1] = '\0';
	sodium_memzero(enc, enclen);
	free(enc);
}

/* Percent-encodes everything but RFC 3986 unreserved characters. */
static void
url_encode(struct ny_buf *b, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";

	for (; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;

		if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		    (c >= '0' && c <= '9') || c == '-' || c == '.' ||
		    c == '_' || c == '~') {
			buf_add(b, s, 1);
		} else {
			char e[3] = { '%', hex[c >> 4], hex[c & 15] };

			buf_add(b, e, 3);
		}
	}
}

char *
totp_uri(const char *handle, const char *b32)
{
	struct ny_buf b;

	buf_init(&b, 0);
	buf_adds(&b, "otpauth://totp/Nyota:");
	url_encode(&b, handle);
	buf_adds(&b, "?secret=");
	url_encode(&b, b32);
	buf_adds(&b, "&issuer=Nyota");
	return buf_steal(&b, NULL);
}

enum ny_err
totp_code(const unsigned char *raw, size_t rawlen, int64_t now, char out[7])
{
	pthread_once(&oath_once, oath_start);
	if (now < 0 || oath_totp_generate2((const char *)raw, rawlen,
	    (time_t)now, TOTP_STEP, 0, TOTP_DIGITS, 0, out) != OATH_OK) {
		out[0] = '\0';
		return NY_EINVAL;
	}
	return NY_OK;
}

/* liboath's comparison hook: constant time, 0 when equal. */
static int
otp_cmp(void *handle, const char *test_otp)
{
	return sodium_memcmp(handle, test_otp, TOTP_DIGITS) == 0 ? 0 : 1;
}

static int
code_ok(const char *code)
{
	size_t i;

	for (i = 0; i < TOTP_DIGITS; i++)
		if (code[i] < '0' || code[i] > '9')
			return 0;
	return code[TOTP_DIGITS] == '\0';
}

enum ny_err
totp_check(const unsigned char *raw, size_t rawlen, const char *code,
    int64_t now, int64_t last_step, int64_t *step)
{
	char otp[TOTP_DIGITS + 1];
	uint64_t counter = 0;
	int pos = 0, rc;
	int64_t s;

	pthread_once(&oath_once, oath_start);
	if (code == NULL || !code_ok(code) || now < TOTP_STEP || raw == NULL ||
	    rawlen == 0)
		return NY_EDENIED;
	memcpy(otp, code, sizeof otp);
	rc = oath_totp_validate4_callback((const char *)raw, rawlen,
	    (time_t)now, TOTP_STEP, 0, TOTP_DIGITS, TOTP_WINDOW, &pos,
	    &counter, 0, otp_cmp, otp);
	if (rc < 0)
		return NY_EDENIED;
	s = now / TOTP_STEP + pos;
	assert(pos >= -TOTP_WINDOW && pos <= TOTP_WINDOW);
	if (s <= last_step)
		return NY_EREPLAY;
	if (step != NULL)
		*step = s;
	return NY_OK;
}
