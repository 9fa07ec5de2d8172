/*
 * pay-answer.c: the provider-neutral answer (struct pay_answer, pay.h)
 * every provider fills and the worker reads. Apart from pay.c so the
 * providers depend on it and pay.c's table depends on the providers,
 * never the other way round.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pay.h"

void
pay_answer_clear(struct pay_answer *a)
{
	free(a->raw);
	memset(a, 0, sizeof *a);
}

void
pay_answer_final(struct pay_answer *a, enum pay_outcome o, int code,
    const char *reason, const char *receipt, int64_t amount, const char *desc)
{
	a->final = 1;
	snprintf(a->reason, sizeof a->reason, "%s", reason ? reason : "");
	snprintf(a->receipt, sizeof a->receipt, "%s", receipt ? receipt : "");
	snprintf(a->desc, sizeof a->desc, "%s", desc ? desc : "");
	a->result.outcome = o;
	a->result.result_code = code;
	a->result.reason = a->reason[0] ? a->reason : NULL;
	a->result.receipt = a->receipt[0] ? a->receipt : NULL;
	a->result.amount_minor = amount;
	a->result.desc = a->desc[0] ? a->desc : NULL;
	a->result.raw = a->raw;
	a->result.card_brand = a->card_brand[0] ? a->card_brand : NULL;
	a->result.card_last4 = a->card_last4[0] ? a->card_last4 : NULL;
}

void
pay_refund_answer_clear(struct pay_refund_answer *a)
{
	free(a->raw);
	memset(a, 0, sizeof *a);
}
