/*
 * fuzz-money: money_parse on arbitrary text for every currency. Whatever
 * it accepts is ≥ 0 and survives money_format → money_parse unchanged
 * (for currencies shown with all their decimals).
 */
#include <assert.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "money.h"
#include "ny.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const curs[] = { "KES", "USD", "UGX", "TZS" };
	char *s = malloc(size + 1), buf[64];
	int64_t v, back;
	size_t i;

	memcpy(s, data, size);
	s[size] = '\0';
	for (i = 0; i < 4; i++) {
		if (money_parse(s, curs[i], &v) != NY_OK)
			continue;
		assert(v >= 0);
		money_format(v, curs[i], "sw", buf, sizeof buf);
		money_format(v, curs[i], "en", buf, sizeof buf);
		if (i < 3) {
			assert(money_parse(buf + 4, curs[i], &back) == NY_OK);
			assert(back == v);
		}
	}
	free(s);
	return 0;
}
