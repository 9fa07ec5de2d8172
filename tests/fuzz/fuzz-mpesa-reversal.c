/*
 * fuzz-mpesa-reversal: the Daraja reversal result parser
 * (pay_mpesa_reversal_parse) on arbitrary bytes, as POSTed by anyone who
 * knows the result URL. It must never crash or leak; an accepted result
 * names a refund (non-empty ConversationID) and is ok only with code 0.
 */
#include <assert.h>
#include <stdint.h>
#include <string.h>

#include "ny.h"
#include "pay.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pay_mpesa_reversal r;
	int rc;

	rc = pay_mpesa_reversal_parse((const char *)data, size, &r);
	if (rc == NY_OK) {
		assert(r.conversation_id[0] != '\0');
		assert(memchr(r.conversation_id, '\0',
		    sizeof r.conversation_id));
		assert(memchr(r.originator_id, '\0', sizeof r.originator_id));
		assert(memchr(r.transaction_id, '\0',
		    sizeof r.transaction_id));
		assert(memchr(r.desc, '\0', sizeof r.desc));
		assert(r.ok == (r.has_code && r.result_code == 0));
		assert(r.result_code >= -1);
	} else {
		assert(rc == NY_EINVAL);
		assert(r.ok == 0);
	}
	return 0;
}
