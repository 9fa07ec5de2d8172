/*
 * worker-pay.c: see worker-pay.h.
 *
 * One thread on purpose: a payment is acted on by exactly one actor, so a
 * push is never sent twice by two threads, and ordering per payment is
 * trivial. Pushes and queries are quick calls (sim) or bounded by curl's
 * timeout (Daraja); the throughput limit is the provider, not us.
 *
 * The module keeps one static worker (the process has one), the one
 * deliberate piece of mutable global state here.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "app.h"
#include "log.h"
#include "order.h"
#include "worker-pay.h"

#define WP_BATCH	64
#define WP_TICK_MS	100	/* longest sleep between two looks */
#define WP_GRACE_S	600	/* after expiry, keep asking a silent provider */

struct worker_pay {
	const struct ny_config		*cfg;
	const struct pay_provider	*prov;
	void				*pstate;
	struct db			*db;
	pthread_t			 th;
	pthread_mutex_t			 mu;
	pthread_cond_t			 cv;
	int				 kicked;
	int				 stop;
	int				 running;
};

static struct worker_pay wp = {
	.mu = PTHREAD_MUTEX_INITIALIZER,
	.cv = PTHREAD_COND_INITIALIZER,
};

/* Seconds before retry n (1, 2, 4 … 60) with a little jitter. */
static int64_t
wp_backoff(int attempts)
{
	int64_t s = attempts >= 6 ? 60 : (int64_t)1 << attempts;

	return s + (int64_t)(rand() % 2);
}

static void
wp_settle(const struct payment *p, enum pay_outcome o, const char *reason)
{
	struct pay_result r;
	int rc;

	memset(&r, 0, sizeof r);
	r.outcome = o;
	r.result_code = -1;
	r.reason = reason;
	r.amount_minor = -1;
	r.desc = reason;
	if ((rc = payment_settle(wp.db, p->id, NULL, &r, NULL)) != NY_OK)
		log_warn("settle failed", "payment=%lld err=%s",
		    (long long)p->id, ny_strerror(rc));
}

static void
wp_push(const struct payment *p, int64_t now)
{
	char ref[72], *cause = NULL;
	int rc;

	if (now >= p->order_expires_at) {
		wp_settle(p, PAY_EXPIRED, p->attempts > 0 ? PAY_REASON_PUSH :
		    PAY_REASON_EXPIRED);
		return;
	}
	rc = wp.prov->push(wp.pstate, p, ref, sizeof ref, &cause);
	if (rc == NY_OK) {
		/* Due at once: the first query says when to ask again. */
		rc = payment_mark_pushed(wp.db, p->id, ref, now);
		if (rc != NY_OK)
			log_warn("cannot record push", "payment=%lld err=%s",
			    (long long)p->id, ny_strerror(rc));
	} else if (rc == NY_EIO) {
		payment_postpone(wp.db, p->id, now + wp_backoff(p->attempts), 1,
		    cause ? cause : "provider unreachable");
		log_warn("push failed, will retry", "payment=%lld attempt=%d",
		    (long long)p->id, p->attempts + 1);
	} else {
		log_warn("push refused", "payment=%lld cause=\"%s\"",
		    (long long)p->id, cause ? cause : "");
		wp_settle(p, PAY_FAILED, PAY_REASON_PUSH);
	}
	free(cause);
}

static void
wp_query(const struct payment *p, int64_t now)
{
	struct pay_answer a;
	char *raw = NULL;
	int64_t next;
	int rc;

	payment_raw(wp.db, p->id, &raw);
	memset(&a, 0, sizeof a);
	rc = wp.prov->query(wp.pstate, p, raw, &a);
	if (rc == NY_OK && a.final) {
		if ((rc = payment_settle(wp.db, p->id, NULL, &a.result, NULL))
		    != NY_OK)
			log_warn("settle failed", "payment=%lld err=%s",
			    (long long)p->id, ny_strerror(rc));
	} else if (rc == NY_OK && now >= p->order_expires_at) {
		wp_settle(p, PAY_EXPIRED, PAY_REASON_EXPIRED);
	} else if (rc == NY_OK) {
		next = now + (a.retry_s > 0 ? a.retry_s : wp.prov->poll_s);
		if (next > p->order_expires_at)
			next = p->order_expires_at;
		payment_postpone(wp.db, p->id, next, 0, NULL);
	} else if (now >= p->order_expires_at + WP_GRACE_S) {
		/* The provider stayed silent long past the deadline. */
		wp_settle(p, PAY_EXPIRED, PAY_REASON_EXPIRED);
	} else {
		payment_postpone(wp.db, p->id, now + wp_backoff(p->attempts), 1,
		    "query failed");
	}
	pay_answer_clear(&a);
	free(raw);
}

static void
wp_act(const struct payment *p, int64_t now)
{
	if (strcmp(p->provider, wp.prov->name) != 0) {
		/* Made under another provider setting: nobody to ask. */
		if (now >= p->order_expires_at)
			wp_settle(p, PAY_EXPIRED, PAY_REASON_EXPIRED);
		else
			payment_postpone(wp.db, p->id, p->order_expires_at, 0,
			    NULL);
	} else if (strcmp(p->status, "new") == 0)
		wp_push(p, now);
	else
		wp_query(p, now);
}

/* One pass over what is due; returns how many payments were due. */
static int
wp_pass(void)
{
	struct payment *ps = NULL;
	int64_t now = ny_now();
	int i, n = 0, rc;

	if ((rc = payment_due(wp.db, now, WP_BATCH, &ps, &n)) != NY_OK) {
		log_warn("payment worker cannot read", "err=%s", ny_strerror(rc));
		return 0;
	}
	for (i = 0; i < n; i++)
		wp_act(&ps[i], now);
	free(ps);
	return n;
}

static void
wp_wait(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_nsec += WP_TICK_MS * 1000000L;
	if (ts.tv_nsec >= 1000000000L) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000L;
	}
	pthread_mutex_lock(&wp.mu);
	while (!wp.kicked && !wp.stop)
		if (pthread_cond_timedwait(&wp.cv, &wp.mu, &ts) != 0)
			break;
	wp.kicked = 0;
	pthread_mutex_unlock(&wp.mu);
}

static void *
wp_main(void *arg)
{
	int stop = 0;

	(void)arg;
	payment_wake_all(wp.db);	/* resume everything in flight */
	while (!stop) {
		if (wp_pass() < WP_BATCH)
			wp_wait();
		pthread_mutex_lock(&wp.mu);
		stop = wp.stop;
		pthread_mutex_unlock(&wp.mu);
	}
	return NULL;
}

int
worker_pay_start(const struct ny_config *cfg, char **cause)
{
	int rc;

	if (wp.running)
		return NY_OK;
	wp.cfg = cfg;
	if ((wp.prov = pay_find(cfg->payments)) == NULL) {
		*cause = xasprintf("NYOTA_PAYMENTS: no provider \"%s\"",
		    cfg->payments);
		return NY_EINVAL;
	}
	if ((rc = wp.prov->init(cfg, &wp.pstate, cause)) != NY_OK)
		return rc;
	wp.db = app_connect(cfg);
	wp.stop = 0;
	if (pthread_create(&wp.th, NULL, wp_main, NULL) != 0) {
		*cause = xstrdup("cannot start the payment worker thread");
		return NY_EIO;
	}
	wp.running = 1;
	log_info("payment worker started", "provider=%s", wp.prov->name);
	return NY_OK;
}

void
worker_pay_kick(void)
{
	pthread_mutex_lock(&wp.mu);
	wp.kicked = 1;
	pthread_cond_signal(&wp.cv);
	pthread_mutex_unlock(&wp.mu);
}

void
worker_pay_stop(void)
{
	if (!wp.running)
		return;
	pthread_mutex_lock(&wp.mu);
	wp.stop = 1;
	pthread_cond_signal(&wp.cv);
	pthread_mutex_unlock(&wp.mu);
	pthread_join(wp.th, NULL);
	wp.prov->free(wp.pstate);
	db_close(wp.db);
	wp.running = 0;
}

const struct pay_provider *
worker_pay_provider(void)
{
	return wp.running ? wp.prov : NULL;
}
