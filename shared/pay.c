/*
 * pay.c: the provider table and the neutral answer helpers.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pay.h"

static const struct pay_provider *const pay_providers[] = {
	&pay_sim,
	&pay_mpesa,
	NULL,
};

const struct pay_provider *
pay_find(const char *name)
{
	int i;

	for (i = 0; name != NULL && pay_providers[i] != NULL; i++)
		if (strcmp(pay_providers[i]->name, name) == 0)
			return pay_providers[i];
	return NULL;
}

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
}
