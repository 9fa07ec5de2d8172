/*
 * fuzz-form: the checkout form check (order_form_check) on arbitrary
 * fields: input is "phone\nquantity\nkind" (missing parts are NULL). An
 * accepted form always gives 8-15 digits and a quantity in range, more
 * than one only for tickets; a refused one always names a locale key.
 */
#include <assert.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ny.h"
#include "order.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = xstrndup((const char *)data, size), *f[3] = { NULL, NULL, NULL };
	char phone[16], *p = s;
	const char *err;
	int i, qty, rc;
	size_t n;

	for (i = 0; i < 3 && p != NULL; i++) {
		f[i] = p;
		if ((p = strchr(p, '\n')) != NULL)
			*p++ = '\0';
	}
	rc = order_form_check(f[0], f[1], f[2], phone, sizeof phone, &qty, &err);
	if (rc == NY_OK) {
		n = strlen(phone);
		assert(n >= 8 && n <= 15);
		assert(strspn(phone, "0123456789") == n);
		assert(qty >= 1 && qty <= ORDER_MAX_QUANTITY);
		assert(qty == 1 || (f[2] != NULL && strcmp(f[2], "ticket") == 0));
		assert(err == NULL);
	} else {
		assert(rc == NY_EINVAL);
		assert(err != NULL && (strncmp(err, "phone.err.", 10) == 0 ||
		    strcmp(err, "co.err.quantity") == 0));
	}
	free(s);
	return 0;
}
