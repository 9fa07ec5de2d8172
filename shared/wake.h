/*
 * wake.h: the one wake-up primitive of the background threads (the SSE
 * watcher, the payment and outbox workers): sleep until someone signals,
 * the owner stops, or a timeout passes, whichever comes first.
 *
 * A signal is never lost: wake_signal bumps a generation, and a waiter
 * passes the generation it last acted on (`seen`): a signal made while the
 * waiter was busy, or before it ever waited, makes its next wake_wait
 * return at once. Each waiter keeps its own `seen`, so one signal wakes
 * every waiter (a pool of threads) and each of them once.
 *
 * Timeouts run on CLOCK_MONOTONIC (pthread_condattr_setclock): a wall
 * clock stepped by NTP or by hand never stretches or cuts a sleep.
 *
 * A struct wake may be initialised statically with WAKE_INITIALIZER (its
 * condition variable is then made, on the monotonic clock, by the first
 * call under the mutex), so a module can signal before its thread
 * started; or at run time with wake_init.
 */
#ifndef NY_WAKE_H
#define NY_WAKE_H

#include <pthread.h>
#include <stdint.h>

struct wake {
	pthread_mutex_t	 mu;
	pthread_cond_t	 cv;		/* valid once cv_ready */
	int		 cv_ready;
	unsigned	 gen;		/* bumped by every wake_signal */
	int		 stop;		/* set by wake_stop */
};

#define WAKE_INITIALIZER	{ .mu = PTHREAD_MUTEX_INITIALIZER }

/* Why wake_wait returned (the first that holds, in this order). */
enum wake_why {
	WAKE_STOPPED,		/* wake_stop was called (and not undone) */
	WAKE_SIGNALLED,		/* a signal newer than *seen */
	WAKE_TIMEOUT,		/* ms passed without either */
};

/* Initialises w at run time (instead of WAKE_INITIALIZER). Never fails. */
void		 wake_init(struct wake *w);
/* Frees what w holds; no thread may use it any more. */
void		 wake_destroy(struct wake *w);

/* Wakes every waiter once; remembered for one that is not waiting yet. */
void		 wake_signal(struct wake *w);
/* Wakes every waiter and makes each wake_wait return WAKE_STOPPED. */
void		 wake_stop(struct wake *w);
/* Clears the stop flag, before starting the waiting threads again. */
void		 wake_start(struct wake *w);
/* 1 when wake_stop was called (and not undone by wake_start), else 0. */
int		 wake_is_stopped(struct wake *w);

/*
 * Sleeps until w is stopped, signalled after generation *seen, or ms
 * milliseconds passed (ms <= 0: does not sleep, only looks). Sets *seen to
 * the current generation, so each signal wakes this waiter once. Spurious
 * wake-ups are absorbed. Returns why it returned.
 */
enum wake_why	 wake_wait(struct wake *w, unsigned *seen, int64_t ms);

#endif
