/*
 * wake.c: see wake.h.
 *
 * The condition variable is made lazily, under the mutex, by whichever
 * call comes first: a statically initialised wake (WAKE_INITIALIZER) has a
 * ready mutex but cannot be given a clock without a call, and the modules
 * that own one may be signalled by a request thread before their own
 * thread started. Every use of cv is under mu, so making it there is safe.
 */
#include <time.h>

#include "wake.h"

/* Under mu: makes cv on CLOCK_MONOTONIC the first time. */
static void
wake_ready(struct wake *w)
{
	pthread_condattr_t a;

	if (w->cv_ready)
		return;
	pthread_condattr_init(&a);
	pthread_condattr_setclock(&a, CLOCK_MONOTONIC);
	pthread_cond_init(&w->cv, &a);
	pthread_condattr_destroy(&a);
	w->cv_ready = 1;
}

void
wake_init(struct wake *w)
{
	pthread_mutex_init(&w->mu, NULL);
	w->cv_ready = 0;
	w->gen = 0;
	w->stop = 0;
	pthread_mutex_lock(&w->mu);
	wake_ready(w);
	pthread_mutex_unlock(&w->mu);
}

void
wake_destroy(struct wake *w)
{
	if (w->cv_ready)
		pthread_cond_destroy(&w->cv);
	w->cv_ready = 0;
	pthread_mutex_destroy(&w->mu);
}

void
wake_signal(struct wake *w)
{
	pthread_mutex_lock(&w->mu);
	wake_ready(w);
	w->gen++;
	pthread_cond_broadcast(&w->cv);
	pthread_mutex_unlock(&w->mu);
}

void
wake_stop(struct wake *w)
{
	pthread_mutex_lock(&w->mu);
	wake_ready(w);
	w->stop = 1;
	pthread_cond_broadcast(&w->cv);
	pthread_mutex_unlock(&w->mu);
}

void
wake_start(struct wake *w)
{
	pthread_mutex_lock(&w->mu);
	w->stop = 0;
	pthread_mutex_unlock(&w->mu);
}

int
wake_is_stopped(struct wake *w)
{
	int stop;

	pthread_mutex_lock(&w->mu);
	stop = w->stop;
	pthread_mutex_unlock(&w->mu);
	return stop;
}

/* The monotonic time ms milliseconds from now. */
static struct timespec
wake_deadline(int64_t ms)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	ts.tv_sec += (time_t)(ms / 1000);
	ts.tv_nsec += (long)(ms % 1000) * 1000000L;
	if (ts.tv_nsec >= 1000000000L) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000L;
	}
	return ts;
}

enum wake_why
wake_wait(struct wake *w, unsigned *seen, int64_t ms)
{
	struct timespec until = wake_deadline(ms > 0 ? ms : 0);
	int timed_out = ms <= 0;
	enum wake_why why;

	pthread_mutex_lock(&w->mu);
	wake_ready(w);
	/* timedwait answers 0 on a signal and on a spurious wake-up alike:
	 * the loop tells them apart by the state */
	while (!w->stop && w->gen == *seen && !timed_out)
		timed_out = pthread_cond_timedwait(&w->cv, &w->mu, &until) != 0;
	if (w->stop)
		why = WAKE_STOPPED;
	else if (w->gen != *seen)
		why = WAKE_SIGNALLED;
	else
		why = WAKE_TIMEOUT;
	*seen = w->gen;
	pthread_mutex_unlock(&w->mu);
	return why;
}
