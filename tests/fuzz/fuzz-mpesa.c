/*
 * fuzz-mpesa: the Daraja STK callback parser (pay_mpesa_parse_callback) on
 * arbitrary bytes, as POSTed by anyone to the callback URL. It must never
 * crash or leak; an accepted callback has a non-empty provider reference
 * and a final outcome, a refused one leaves no answer behind.
 */
#include <assert.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ny.h"
#include "pay.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pay_answer a;
	int rc;

	rc = pay_mpesa_parse_callback((const char *)data, size, &a);
	if (rc == NY_OK) {
		assert(a.final == 1);
		assert(a.provider_ref[0] != '\0');
		assert(memchr(a.provider_ref, '\0', sizeof a.provider_ref));
		assert(a.result.outcome == PAY_PAID ||
		    a.result.outcome == PAY_FAILED ||
		    a.result.outcome == PAY_EXPIRED);
		assert((a.result.outcome == PAY_PAID) ==
		    (a.result.result_code == 0));
		assert(a.result.amount_minor >= -1);
		assert(a.result.receipt == NULL ||
		    strlen(a.result.receipt) < sizeof a.receipt);
		assert(a.result.desc == NULL ||
		    strlen(a.result.desc) < sizeof a.desc);
	} else {
		assert(rc == NY_EINVAL);
		assert(a.final == 0);
	}
	pay_answer_clear(&a);
	return 0;
}
