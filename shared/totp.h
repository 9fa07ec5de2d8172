/*
 * totp.h: RFC 6238 codes with liboath (SHA1, 6 digits, 30 s), ±1 step,
 * and replay refusal: a code is accepted only for a time step newer than
 * the last one accepted for that secret.
 */
#ifndef NY_TOTP_H
#define NY_TOTP_H

#include <stddef.h>
#include <stdint.h>

#include "ny.h"

#define TOTP_SECRET_LEN	20	/* raw bytes */
#define TOTP_B32_LEN	33	/* 32 base32 chars + NUL */

/* New random secret: raw bytes and its base32 form (no padding). */
void	totp_new_secret(unsigned char raw[TOTP_SECRET_LEN],
	    char b32[TOTP_B32_LEN]);

/* otpauth://totp/Nyota:HANDLE?secret=B32&issuer=Nyota (caller frees). */
char	*totp_uri(const char *handle, const char *b32);

/*
 * Checks code (6 digits) against the raw secret at time now (Unix s),
 * accepting steps now-1..now+1. last_step is the step of the last code
 * accepted (0 = none). Returns NY_OK and *step (store it as the new
 * last_step), NY_EREPLAY for a valid code whose step ≤ last_step, or
 * NY_EDENIED.
 */
enum ny_err totp_check(const unsigned char *raw, size_t rawlen,
	    const char *code, int64_t now, int64_t last_step, int64_t *step);

/* The code for a time (tests, the CLI's own check). out ≥ 7 bytes. */
enum ny_err totp_code(const unsigned char *raw, size_t rawlen, int64_t now,
	    char out[7]);

#endif
