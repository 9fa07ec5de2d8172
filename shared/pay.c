/*
 * pay.c: the provider table, and which configured methods can take a
 * currency. The providers (pay-sim.c, pay-mpesa.c, pay-stripe.c) use only
 * pay-answer.c, so this file is the one place that knows them all.
 */
#include <stdio.h>
#include <string.h>

#include "pay.h"

static const struct pay_provider *const pay_providers[] = {
	&pay_sim,
	&pay_mpesa,
	&pay_stripe,
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

int
pay_provider_takes(const struct pay_provider *prov, const char *currency)
{
	const char *const *c;

	if (prov == NULL || currency == NULL)
		return 0;
	if (prov->currencies == NULL)
		return 1;
	for (c = prov->currencies; *c != NULL; c++)
		if (strcmp(*c, currency) == 0)
			return 1;
	return 0;
}

/*
 * The providers of the comma list methods, in order, that take currency
 * (any: all of them), up to max into out; how many. Names no provider
 * has are skipped: config_load refuses them.
 */
static int
pay_methods_each(const char *methods, const char *currency,
    const struct pay_provider **out, int max, int any)
{
	const struct pay_provider *prov;
	char name[16];
	const char *p = methods, *end;
	size_t n;
	int count = 0;

	while (p != NULL && *p != '\0') {
		end = strchr(p, ',');
		n = end != NULL ? (size_t)(end - p) : strlen(p);
		if (n < sizeof name) {
			memcpy(name, p, n);
			name[n] = '\0';
			prov = pay_find(name);
			if (prov != NULL && (any ||
			    pay_provider_takes(prov, currency)) && count < max)
				out[count++] = prov;
		}
		p = end != NULL ? end + 1 : NULL;
	}
	return count;
}

int
pay_methods_for(const char *methods, const char *currency,
    const struct pay_provider **out, int max)
{
	return pay_methods_each(methods, currency, out, max, 0);
}

int
pay_methods(const char *methods, const struct pay_provider **out, int max)
{
	return pay_methods_each(methods, NULL, out, max, 1);
}

int
pay_takes(const char *methods, const char *currency)
{
	const struct pay_provider *one[1];

	return pay_methods_for(methods, currency, one, 1) > 0;
}

void
pay_methods_names(const char *methods, const char *currency, char *out,
    size_t len)
{
	const struct pay_provider *v[8];
	size_t used = 0;
	int i, n;

	if ((n = pay_methods_for(methods, currency, v, 8)) == 0)
		n = pay_methods_each(methods, currency, v, 8, 1);
	if (len > 0)
		out[0] = '\0';
	for (i = 0; i < n && used < len; i++)
		used += (size_t)snprintf(out + used, len - used, "%s%s",
		    i ? ", " : "", v[i]->name);
}
