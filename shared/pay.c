/*
 * pay.c: the provider table. The providers (pay-sim.c, pay-mpesa.c) use
 * only pay-answer.c, so this file is the one place that knows them all.
 */
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
