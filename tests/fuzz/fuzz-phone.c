/*
 * fuzz-phone: phone_normalize on arbitrary text, under every default
 * country. Whatever it accepts must be 12 E.164 digits of one of our
 * countries, and normalising the result again must give it back.
 */
#include <assert.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "phone.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check_one(const char *in, const char *cc)
{
	char out[16], again[16], plus[20], shown[32];
	enum phone_err e;
	size_t i;

	e = phone_normalize(in, cc, out, sizeof out);
	assert(phone_err_name(e) != NULL);
	if (e != PHONE_OK) {
		assert(out[0] == '\0');
		return;
	}
	assert(strlen(out) == 12);
	for (i = 0; i < 12; i++)
		assert(out[i] >= '0' && out[i] <= '9');
	assert(strncmp(out, "254", 3) == 0 || strncmp(out, "255", 3) == 0 ||
	    strncmp(out, "256", 3) == 0);
	assert(phone_normalize(out, cc, again, sizeof again) == PHONE_OK);
	assert(strcmp(out, again) == 0);
	plus[0] = '+';
	memcpy(plus + 1, out, 13);
	assert(phone_normalize(plus, "256", again, sizeof again) == PHONE_OK);
	assert(strcmp(out, again) == 0);
	phone_display(out, 0, shown, sizeof shown);
	assert(strlen(shown) == 16);
	phone_display(out, 1, shown, sizeof shown);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);

	memcpy(s, data, size);
	s[size] = '\0';
	check_one(s, NULL);
	check_one(s, "254");
	check_one(s, "255");
	check_one(s, "256");
	check_one(s, "999");
	free(s);
	return 0;
}
