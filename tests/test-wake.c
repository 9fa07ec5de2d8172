/*
 * test-wake: the wake-up primitive of the background threads: a signal
 * made before the wait is not lost, a timeout lasts at least its time, a
 * waiting thread is woken by another one (each waiter once), and stop
 * wins over everything until wake_start.
 *
 * No upper bound on any time: a loaded machine may be slow, and a wait
 * that never ends is caught by Check's timeout.
 */
#include <check.h>
#include <pthread.h>
#include <sched.h>
#include <time.h>

#include "testutil.h"
#include "wake.h"

static int64_t
mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

START_TEST(signal_before_wait_is_kept)
{
	struct wake w;
	unsigned seen = 0;

	wake_init(&w);
	wake_signal(&w);
	/* no time to wait at all: the signal is already there */
	ck_assert_int_eq(wake_wait(&w, &seen, 0), WAKE_SIGNALLED);
	/* ... and is used up by that waiter */
	ck_assert_int_eq(wake_wait(&w, &seen, 0), WAKE_TIMEOUT);
	/* a waiter that had not seen it yet still gets it */
	seen = 0;
	ck_assert_int_eq(wake_wait(&w, &seen, 60000), WAKE_SIGNALLED);
	wake_destroy(&w);
}
END_TEST

START_TEST(static_wake_works)
{
	static struct wake w = WAKE_INITIALIZER;
	unsigned seen = 0;

	/* signalled before anything made its condition variable */
	wake_signal(&w);
	ck_assert_int_eq(wake_wait(&w, &seen, 60000), WAKE_SIGNALLED);
	ck_assert_int_eq(wake_wait(&w, &seen, 1), WAKE_TIMEOUT);
}
END_TEST

START_TEST(timeout_lasts)
{
	struct wake w;
	unsigned seen = 0;
	int64_t t0, t1;

	wake_init(&w);
	t0 = mono_ms();
	ck_assert_int_eq(wake_wait(&w, &seen, 120), WAKE_TIMEOUT);
	t1 = mono_ms();
	ck_assert_msg(t1 - t0 >= 120, "woke after %lld ms",
	    (long long)(t1 - t0));
	t0 = mono_ms();
	ck_assert_int_eq(wake_wait(&w, &seen, 1001), WAKE_TIMEOUT);
	t1 = mono_ms();
	ck_assert_msg(t1 - t0 >= 1001, "woke after %lld ms",
	    (long long)(t1 - t0));
	wake_destroy(&w);
}
END_TEST

struct waiter {
	struct wake	*w;
	unsigned	 seen;
	pthread_mutex_t	 mu;
	int		 waiting;
	enum wake_why	 why;
};

/* Waits (a minute at most) and records why it woke. */
static void *
waiter_main(void *arg)
{
	struct waiter *wt = arg;
	enum wake_why why;

	pthread_mutex_lock(&wt->mu);
	wt->waiting = 1;
	pthread_mutex_unlock(&wt->mu);
	why = wake_wait(wt->w, &wt->seen, 60000);
	pthread_mutex_lock(&wt->mu);
	wt->why = why;
	pthread_mutex_unlock(&wt->mu);
	return NULL;
}

static void
waiter_start(struct waiter *wt, struct wake *w, pthread_t *th)
{
	wt->w = w;
	wt->seen = 0;
	wt->waiting = 0;
	wt->why = WAKE_TIMEOUT;
	pthread_mutex_init(&wt->mu, NULL);
	ck_assert_int_eq(pthread_create(th, NULL, waiter_main, wt), 0);
}

/* Until the thread is about to wait. */
static void
waiter_wait_ready(struct waiter *wt)
{
	int ready = 0;

	while (!ready) {
		pthread_mutex_lock(&wt->mu);
		ready = wt->waiting;
		pthread_mutex_unlock(&wt->mu);
		if (!ready)
			sched_yield();
	}
}

START_TEST(thread_woken_by_another)
{
	struct waiter wt[3];
	pthread_t th[3];
	struct wake w;
	int i;

	wake_init(&w);
	for (i = 0; i < 3; i++)
		waiter_start(&wt[i], &w, &th[i]);
	/* Most likely all asleep by now (no harm if one is not there yet:
	 * the signal waits for it); the one signal reaches every waiter. */
	for (i = 0; i < 3; i++)
		waiter_wait_ready(&wt[i]);
	nanosleep(&(struct timespec){ .tv_nsec = 50 * 1000000L }, NULL);
	wake_signal(&w);
	for (i = 0; i < 3; i++) {
		ck_assert_int_eq(pthread_join(th[i], NULL), 0);
		ck_assert_int_eq(wt[i].why, WAKE_SIGNALLED);
		ck_assert_uint_eq(wt[i].seen, 1);
		pthread_mutex_destroy(&wt[i].mu);
	}
	wake_destroy(&w);
}
END_TEST

START_TEST(stop_wins_until_start)
{
	struct waiter wt;
	struct wake w;
	pthread_t th;
	unsigned seen = 0;

	wake_init(&w);
	waiter_start(&wt, &w, &th);
	wake_stop(&w);
	ck_assert_int_eq(pthread_join(th, NULL), 0);
	ck_assert_int_eq(wt.why, WAKE_STOPPED);
	pthread_mutex_destroy(&wt.mu);
	ck_assert(wake_is_stopped(&w));
	/* stop beats a pending signal, and lasts */
	wake_signal(&w);
	ck_assert_int_eq(wake_wait(&w, &seen, 60000), WAKE_STOPPED);
	ck_assert_int_eq(wake_wait(&w, &seen, 60000), WAKE_STOPPED);
	wake_start(&w);
	ck_assert(!wake_is_stopped(&w));
	ck_assert_int_eq(wake_wait(&w, &seen, 1), WAKE_TIMEOUT);
	wake_destroy(&w);
}
END_TEST

static Suite *
wake_suite(void)
{
	Suite *s = suite_create("wake");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, signal_before_wait_is_kept);
	tcase_add_test(tc, static_wake_works);
	tcase_add_test(tc, timeout_lasts);
	tcase_add_test(tc, thread_woken_by_another);
	tcase_add_test(tc, stop_wins_until_start);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return run_suite(wake_suite());
}
