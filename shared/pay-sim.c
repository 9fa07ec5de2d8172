/*
 * pay-sim.c: the simulated mobile-money provider. It behaves like Daraja
 * seen from outside: a push returns at once with a reference, the answer
 * comes later, from the simulated handset (POST /sim/stk/{ref}, which
 * calls pay_sim_answer) or, with NYOTA_SIM_AUTO, by itself after
 * NYOTA_SIM_DELAY_MS, which the worker discovers through query.
 *
 * No state outside the database: the push time travels inside the
 * reference ("sim-<ms>-<random>"), so a restarted worker still knows when
 * an automatic answer is due.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crypto.h"
#include "order.h"
#include "pay.h"

struct pay_sim_state {
	int	 mode;		/* 0 off, 1 approve, 2 decline */
	int64_t	 delay_ms;
};

static enum ny_err
sim_init(const struct ny_config *cfg, void **state, char **cause)
{
	struct pay_sim_state *s = xcalloc(1, sizeof *s);

	(void)cause;
	if (cfg->sim_auto != NULL && strcmp(cfg->sim_auto, "approve") == 0)
		s->mode = 1;
	else if (cfg->sim_auto != NULL && strcmp(cfg->sim_auto, "decline") == 0)
		s->mode = 2;
	s->delay_ms = cfg->sim_delay_ms;
	*state = s;
	return NY_OK;
}

static void
sim_free(void *state)
{
	free(state);
}

static enum ny_err
sim_push(void *state, const struct payment *p, char *ref, size_t len,
    char *url, size_t urllen, char **cause)
{
	char rnd[32];

	(void)state; (void)p; (void)cause;
	if (urllen > 0)
		url[0] = '\0';
	tok_random(16, rnd, sizeof rnd);
	snprintf(ref, len, "sim-%" PRId64 "-%s", ny_now_ms(), rnd);
	return NY_OK;
}

/* The push time in ms from a reference, or 0. */
static int64_t
sim_pushed_ms(const char *ref)
{
	char digits[24];
	const char *end;
	int64_t v;

	if (strncmp(ref, "sim-", 4) != 0 || (end = strchr(ref + 4, '-')) == NULL ||
	    (size_t)(end - ref - 4) >= sizeof digits)
		return 0;
	memcpy(digits, ref + 4, (size_t)(end - ref - 4));
	digits[end - ref - 4] = '\0';
	return ny_parse_int(digits, 0, INT64_MAX, &v) == NY_OK ? v : 0;
}

static void
sim_fill(struct pay_answer *a, const struct payment *p, int approve)
{
	char receipt[40], rnd[32];

	if (approve) {
		tok_random(16, rnd, sizeof rnd);
		snprintf(receipt, sizeof receipt, "SIM%s", rnd);
		pay_answer_final(a, PAY_PAID, 0, NULL, receipt, p->amount_minor,
		    "approved on the simulated handset");
	} else {
		pay_answer_final(a, PAY_FAILED, 1032, PAY_REASON_CANCELLED, NULL,
		    -1, "declined on the simulated handset");
	}
}

static enum ny_err
sim_query(void *state, const struct payment *p, const char *raw,
    struct pay_answer *a)
{
	struct pay_sim_state *s = state;
	int64_t due, now = ny_now_ms();

	(void)raw;
	memset(a, 0, sizeof *a);
	snprintf(a->provider_ref, sizeof a->provider_ref, "%s", p->provider_ref);
	if (s->mode == 0)
		return NY_OK;	/* waits for the handset or the timeout */
	due = sim_pushed_ms(p->provider_ref) + s->delay_ms;
	if (now < due) {
		a->retry_s = (int)((due - now + 999) / 1000);
		return NY_OK;
	}
	sim_fill(a, p, s->mode == 1);
	return NY_OK;
}

/* A simulated refund: the money goes back at once. */
static enum ny_err
sim_refund(void *state, const struct pay_refund *r,
    struct pay_refund_answer *a)
{
	(void)state;
	memset(a, 0, sizeof *a);
	a->final = 1;
	a->ok = 1;
	snprintf(a->provider_ref, sizeof a->provider_ref, "sim-refund-%lld",
	    (long long)r->refund_id);
	snprintf(a->desc, sizeof a->desc, "simulated refund");
	return NY_OK;
}

const struct pay_provider pay_sim = {
	.name = "sim",
	.init = sim_init,
	.free = sim_free,
	.currencies = NULL,	/* every currency */
	.push = sim_push,
	.query = sim_query,
	.parse_callback = NULL,
	.refund = sim_refund,
	.poll_s = 3600,	/* nothing to ask: wait for the handset or expiry */
};

enum ny_err
pay_sim_answer(struct db *db, const char *order_ref, int approve,
    int *changed)
{
	struct payment p;
	struct order o;
	struct pay_answer a;
	enum ny_err rc;

	if (changed != NULL)
		*changed = 0;
	if ((rc = order_by_ref(db, order_ref, &o)) != NY_OK)
		return rc;
	if ((rc = payment_by_order(db, o.id, &p)) != NY_OK)
		return rc;
	if (strcmp(p.provider, "sim") != 0 || strcmp(p.status, "pending") != 0)
		return NY_ESTATE;
	memset(&a, 0, sizeof a);
	sim_fill(&a, &p, approve);
	rc = payment_settle(db, p.id, NULL, &a.result, changed);
	pay_answer_clear(&a);
	return rc;
}
