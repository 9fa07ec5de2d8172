/*
 * worker-pay.c: see worker-pay.h.
 *
 * WP_THREADS threads, each with its own connection, split the payments by
 * id (id % WP_THREADS): a payment has exactly one actor, so a push is never
 * sent twice by two threads and ordering per payment is trivial, while one
 * slow Daraja call (bounded by curl's timeouts) holds up only its share.
 *
 * The module keeps one static worker (the process has one), the one
 * deliberate piece of mutable global state here.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "app.h"
#include "log.h"
#include "metrics-app.h"
#include "order.h"
#include "sse.h"
#include "wake.h"
#include "worker-pay.h"

#define WP_BATCH	64
#define WP_TICK_MS	100	/* longest sleep between two looks */
#define WP_GRACE_S	600	/* after expiry, keep asking a silent provider */
#define WP_THREADS	4
#define WP_REQUEST_S	60	/* longest a checkout request's push takes
				   (two tries of a 20 s provider call) */

struct wp_thread {
	pthread_t	 th;
	struct db	*db;
	int		 part;
	unsigned	 seen;		/* last kick generation acted on */
	unsigned	 seed;		/* rand_r state for jitter */
};

/* A configured payment method: its provider and that provider's state. */
struct wp_method {
	const struct pay_provider	*prov;
	void				*state;
};

#define WP_METHODS	3	/* sim, mpesa, stripe */

struct worker_pay {
	const struct ny_config		*cfg;
	struct wp_method		 m[WP_METHODS];
	int				 nm;
	struct wp_thread		 t[WP_THREADS];
	struct wake			 kick;	/* each thread wakes once per kick */
	int				 running;
};

static struct worker_pay wp = {
	.kick = WAKE_INITIALIZER,
};

/* The configured method of that provider name, or NULL. */
static const struct wp_method *
wp_method(const char *name)
{
	int i;

	for (i = 0; i < wp.nm; i++)
		if (strcmp(wp.m[i].prov->name, name) == 0)
			return &wp.m[i];
	return NULL;
}

/* Seconds before retry n (1, 2, 4 … 60) with a little jitter. */
static int64_t
wp_backoff(struct wp_thread *t, int attempts)
{
	int64_t s = attempts >= 6 ? 60 : (int64_t)1 << attempts;

	return s + (int64_t)(rand_r(&t->seed) % 2);
}

/* Ends p with outcome o and reason (our decision, no provider result). */
static void
wp_settle(struct wp_thread *t, const struct payment *p, enum pay_outcome o, const char *reason)
{
	struct pay_result r;
	enum ny_err rc;
	int changed = 0;

	memset(&r, 0, sizeof r);
	r.outcome = o;
	r.result_code = -1;
	r.reason = reason;
	r.amount_minor = -1;
	r.desc = reason;
	if ((rc = payment_settle(t->db, p->id, NULL, &r, &changed)) != NY_OK)
		log_warn("settle failed", "payment=%lld err=%s",
		    (long long)p->id, ny_strerror(rc));
	if (changed)
		sse_kick();
}

/*
 * Test-only fault hook (NYOTA_TEST_CRASH_AFTER_PUSH=1): the process dies
 * right after the provider accepted a push, before its reference is
 * committed, as a kill at the worst moment would
 * (tests/integration/checkout-mpesa-crash.sh). Never set it in production.
 */
static void
wp_test_crash_after_push(void)
{
	const char *v = getenv("NYOTA_TEST_CRASH_AFTER_PUSH");

	if (v != NULL && strcmp(v, "1") == 0) {
		log_warn("test fault hook: exiting after the push", "hook=%s",
		    "NYOTA_TEST_CRASH_AFTER_PUSH");
		_exit(99);
	}
}

/*
 * A new payment of a provider pushed by the buyer's request (Stripe
 * Checkout): the worker never starts one. A push that started and whose
 * answer was lost (the storefront died during the call) is sent again
 * once the request is surely over: the provider dedupes it and answers
 * with the same session, which is then recorded and queried like any.
 * Otherwise it waits, and expires with the order.
 */
static void
wp_repush(struct wp_thread *t, const struct wp_method *m,
    const struct payment *p, int64_t now)
{
	char ref[72], url[1024], *cause = NULL;
	enum ny_err rc;

	if (now >= p->order_expires_at) {
		wp_settle(t, p, PAY_EXPIRED, PAY_REASON_EXPIRED);
		return;
	}
	if (p->push_started_at == 0 || !m->prov->push_repeatable) {
		payment_push_wait(t->db, p->id, p->order_expires_at);
		return;
	}
	if (now < p->push_started_at + WP_REQUEST_S) {
		payment_push_wait(t->db, p->id, p->push_started_at +
		    WP_REQUEST_S);
		return;
	}
	rc = m->prov->push(m->state, p, ref, sizeof ref, url, sizeof url,
	    &cause);
	if (rc == NY_OK) {
		if (url[0] != '\0')
			payment_set_checkout_url(t->db, p->id, url);
		payment_mark_pushed(t->db, p->id, ref, now);
		log_info("lost push recovered", "payment=%lld",
		    (long long)p->id);
	} else if (rc == NY_EINVAL) {
		/* Refused for good (e.g. the first session's parameters
		 * differ): its webhook, if the buyer paid, records it; else
		 * the order expires. Never asked again. */
		log_warn("repeated push refused", "payment=%lld",
		    (long long)p->id);
		payment_push_wait(t->db, p->id, p->order_expires_at);
	} else
		payment_push_later(t->db, p->id, now + wp_backoff(t,
		    p->attempts));
	free(cause);
}

/*
 * A new payment: the push intent is committed first, then the push is
 * sent. A payment whose push was started before (its answer lost in a
 * crash or a timeout) is never pushed again: it waits for the callback of
 * that push (adopted by checkout.c) until the order expires.
 */
static void
wp_push(struct wp_thread *t, const struct wp_method *m,
    const struct payment *p, int64_t now)
{
	char ref[72], *cause = NULL;
	enum ny_err rc;

	if (m->prov->in_request) {
		wp_repush(t, m, p, now);
		return;
	}
	if (now >= p->order_expires_at) {
		wp_settle(t, p, PAY_EXPIRED, p->attempts > 0 &&
		    p->push_started_at == 0 ? PAY_REASON_PUSH :
		    PAY_REASON_EXPIRED);
		return;
	}
	if (p->push_started_at > 0) {
		log_warn("push already started, waiting for its callback",
		    "payment=%lld", (long long)p->id);
		payment_push_wait(t->db, p->id, p->order_expires_at);
		return;
	}
	if ((rc = payment_push_begin(t->db, p->id, now)) != NY_OK) {
		if (rc != NY_ESTATE)
			log_warn("cannot record push intent", "payment=%lld err=%s",
			    (long long)p->id, ny_strerror(rc));
		return;		/* ended meanwhile, or try again next pass */
	}
	rc = m->prov->push(m->state, p, ref, sizeof ref, NULL, 0, &cause);
	if (rc == NY_OK) {
		wp_test_crash_after_push();
		/* Due at once: the first query says when to ask again. */
		rc = payment_mark_pushed(t->db, p->id, ref, now);
		if (rc != NY_OK)
			log_warn("cannot record push", "payment=%lld err=%s",
			    (long long)p->id, ny_strerror(rc));
	} else if (rc == NY_EIO) {
		metrics_payment(p->provider, "push_error");
		payment_push_failed(t->db, p->id,
		    now + wp_backoff(t, p->attempts),
		    cause ? cause : "provider unreachable");
		log_warn("push failed, will retry", "payment=%lld attempt=%d",
		    (long long)p->id, p->attempts + 1);
	} else if (rc == NY_EBUSY) {
		/* It may have reached the phone: never push twice. */
		log_warn("push answer lost, waiting for its callback",
		    "payment=%lld", (long long)p->id);
		payment_push_wait(t->db, p->id, p->order_expires_at);
	} else {
		char q[160];

		/* the provider's text: from outside, quoted */
		log_warn("push refused", "payment=%lld cause=%s",
		    (long long)p->id, log_quote(cause, q, sizeof q));
		wp_settle(t, p, PAY_FAILED, PAY_REASON_PUSH);
	}
	free(cause);
}

/* 1 when a kept callback says the buyer paid (not yet confirmed). */
static int
wp_claims_paid(const struct wp_method *m, const char *raw)
{
	struct pay_answer cb;
	int paid;

	if (raw == NULL || m->prov->parse_callback == NULL ||
	    m->prov->parse_callback(raw, strlen(raw), &cb) != NY_OK)
		return 0;
	paid = cb.result.outcome == PAY_PAID;
	pay_answer_clear(&cb);
	return paid;
}

/*
 * A pushed payment: asks the provider. Final: settled. Past the deadline
 * (and no callback saying paid within the grace): expired. Otherwise asked
 * again later; unreachable: with backoff, until long past the deadline.
 */
static void
wp_query(struct wp_thread *t, const struct wp_method *m,
    const struct payment *p, int64_t now)
{
	struct pay_answer a;
	char *raw = NULL;
	int64_t next;
	enum ny_err rc;
	int changed = 0;

	payment_raw(t->db, p->id, &raw);
	memset(&a, 0, sizeof a);
	rc = m->prov->query(m->state, p, raw, &a);
	if (rc == NY_OK && a.final) {
		if ((rc = payment_settle(t->db, p->id, NULL, &a.result,
		    &changed)) != NY_OK)
			log_warn("settle failed", "payment=%lld err=%s",
			    (long long)p->id, ny_strerror(rc));
		if (changed)
			sse_kick();
	} else if (rc == NY_OK && now >= p->order_expires_at &&
	    !(wp_claims_paid(m, raw) && now < p->order_expires_at +
	    WP_GRACE_S)) {
		wp_settle(t, p, PAY_EXPIRED, PAY_REASON_EXPIRED);
	} else if (rc == NY_OK) {
		/* Still waiting (or a callback says paid and the query has
		 * not caught up yet: keep asking past the deadline). */
		next = now + (a.retry_s > 0 ? a.retry_s : m->prov->poll_s);
		if (next > p->order_expires_at && now < p->order_expires_at)
			next = p->order_expires_at;
		payment_postpone(t->db, p->id, next, 0, NULL);
	} else if (now >= p->order_expires_at + WP_GRACE_S) {
		/* The provider stayed silent long past the deadline. */
		wp_settle(t, p, PAY_EXPIRED, PAY_REASON_EXPIRED);
	} else {
		payment_postpone(t->db, p->id, now + wp_backoff(t, p->attempts), 1,
		    "query failed");
	}
	pay_answer_clear(&a);
	free(raw);
}

/*
 * An expired payment a late callback woke up: ask the provider; a
 * confirmed payment still gives the goods (payment_settle decides). Done
 * either way unless the provider cannot be reached.
 */
static void
wp_late(struct wp_thread *t, const struct wp_method *m,
    const struct payment *p, int64_t now)
{
	struct pay_answer a;
	char *raw = NULL;
	enum ny_err rc;
	int changed = 0;

	payment_raw(t->db, p->id, &raw);
	memset(&a, 0, sizeof a);
	rc = m->prov->query(m->state, p, raw, &a);
	if (rc == NY_OK && a.final && a.result.outcome == PAY_PAID) {
		if (payment_settle(t->db, p->id, NULL, &a.result, &changed) ==
		    NY_OK && changed) {
			log_warn("late payment confirmed after expiry",
			    "payment=%lld", (long long)p->id);
			sse_kick();
		}
	}
	if (rc == NY_EIO && p->attempts < 20)
		payment_postpone(t->db, p->id, now + wp_backoff(t, p->attempts),
		    1, "late callback: query failed");
	else
		payment_postpone(t->db, p->id, -1, 0, NULL);
	pay_answer_clear(&a);
	free(raw);
}

/* What one due payment needs, by its provider, amount and status. */
static void
wp_act(struct wp_thread *t, const struct payment *p, int64_t now)
{
	const struct wp_method *m = wp_method(p->provider);

	if (m == NULL) {
		/* Made under another provider setting: nobody to ask. */
		if (now >= p->order_expires_at)
			wp_settle(t, p, PAY_EXPIRED, PAY_REASON_EXPIRED);
		else
			payment_postpone(t->db, p->id, p->order_expires_at, 0,
			    NULL);
	} else if (strcmp(p->status, "new") == 0 && p->amount_minor == 0) {
		/* Free: never pushed; it waits for the phone's code
		 * (checkout_confirm) until the order expires. */
		if (now >= p->order_expires_at)
			wp_settle(t, p, PAY_EXPIRED, PAY_REASON_EXPIRED);
		else
			payment_postpone(t->db, p->id, p->order_expires_at, 0,
			    NULL);
	} else if (strcmp(p->status, "new") == 0)
		wp_push(t, m, p, now);
	else if (strcmp(p->status, "pending") == 0)
		wp_query(t, m, p, now);
	else if (strcmp(p->status, "expired") == 0)
		wp_late(t, m, p, now);
}

/* One pass over what is due; returns how many payments were due. */
static int
wp_pass(struct wp_thread *t)
{
	struct payment *ps = NULL;
	int64_t now = ny_now();
	enum ny_err rc;
	int i, n = 0;

	rc = payment_due(t->db, now, WP_THREADS, t->part, WP_BATCH, &ps, &n);
	if (rc != NY_OK) {
		log_warn("payment worker cannot read", "err=%s", ny_strerror(rc));
		return 0;
	}
	for (i = 0; i < n; i++)
		wp_act(t, &ps[i], now);
	free(ps);
	return n;
}

/*
 * A thread: passes over its share of what is due, back to back while
 * batches come full, else sleeping up to WP_TICK_MS (less when kicked)
 * between them, until stopped.
 */
static void *
wp_main(void *arg)
{
	struct wp_thread *t = arg;

	if (t->part == 0)
		payment_wake_all(t->db);	/* resume everything in flight */
	for (;;) {
		if (wp_pass(t) == WP_BATCH) {
			if (wake_is_stopped(&wp.kick))
				break;
		} else if (wake_wait(&wp.kick, &t->seen, WP_TICK_MS) ==
		    WAKE_STOPPED)
			break;
	}
	return NULL;
}

/* Frees the methods' provider states. */
static void
wp_methods_free(void)
{
	while (wp.nm > 0) {
		wp.nm--;
		wp.m[wp.nm].prov->free(wp.m[wp.nm].state);
	}
}

/* Sets up every method of cfg->payments. NY_OK or an error with *cause. */
static enum ny_err
wp_methods_init(const struct ny_config *cfg, char **cause)
{
	const struct pay_provider *v[WP_METHODS];
	enum ny_err rc;
	int i, n;

	n = pay_methods(cfg->payments, v, WP_METHODS);
	for (i = 0; i < n; i++) {
		if ((rc = v[i]->init(cfg, &wp.m[wp.nm].state, cause)) != NY_OK) {
			wp_methods_free();
			return rc;
		}
		wp.m[wp.nm++].prov = v[i];
	}
	return NY_OK;
}

enum ny_err
worker_pay_start(const struct ny_config *cfg, char **cause)
{
	enum ny_err rc;
	int i;

	if (wp.running)
		return NY_OK;
	wp.cfg = cfg;
	if ((rc = wp_methods_init(cfg, cause)) != NY_OK)
		return rc;
	wake_start(&wp.kick);
	for (i = 0; i < WP_THREADS; i++) {
		struct wp_thread *t = &wp.t[i];

		t->part = i;
		t->seed = (unsigned)(ny_now_ms() + i);
		t->db = app_connect(cfg);
		if (pthread_create(&t->th, NULL, wp_main, t) != 0) {
			*cause = xstrdup("cannot start the payment worker");
			return NY_EIO;
		}
	}
	wp.running = 1;
	log_info("payment worker started", "methods=%s threads=%d",
	    cfg->payments, WP_THREADS);
	return NY_OK;
}

void
worker_pay_kick(void)
{
	wake_signal(&wp.kick);
}

void
worker_pay_stop(void)
{
	int i;

	if (!wp.running)
		return;
	wake_stop(&wp.kick);
	for (i = 0; i < WP_THREADS; i++) {
		pthread_join(wp.t[i].th, NULL);
		db_close(wp.t[i].db);
	}
	wp_methods_free();
	wp.running = 0;
}

const struct pay_provider *
worker_pay_method(const char *name, void **state)
{
	const struct wp_method *m = wp.running ? wp_method(name) : NULL;

	if (m == NULL)
		return NULL;
	*state = m->state;
	return m->prov;
}
