/*
 * worker-pay.h: the payment worker of nyota-storefront. One thread with its
 * own database connection pushes new payments to the provider, queries
 * pending ones (also to confirm callbacks), retries network errors with
 * backoff and expires what the buyer never answered. All its state is in
 * the payments table, so a restart resumes everything in flight.
 *
 * Pushes are sent at most once: the intent (payments.push_started_at) is
 * committed before the HTTP call; a payment whose push started but whose
 * CheckoutRequestID was never recorded is not pushed again after a
 * restart, it waits for its callback (adopted by phone and amount in
 * checkout.c) until the order expires.
 *
 * Test-only fault hook: NYOTA_TEST_CRASH_AFTER_PUSH=1 makes the process
 * _exit(99) right after the provider accepted a push and before its
 * reference is committed (tests/integration/checkout-mpesa-crash.sh).
 */
#ifndef NY_WORKER_PAY_H
#define NY_WORKER_PAY_H

#include "config.h"
#include "pay.h"

/*
 * Initialises the configured providers and starts the threads. cfg must
 * outlive the worker. NY_OK, or NY_EINVAL / NY_EDB with *cause (caller
 * frees). Only one worker per process; main.c starts it after
 * http_start.
 */
enum ny_err worker_pay_start(const struct ny_config *cfg, char **cause);
/* Asks the worker to look at the database now (after a checkout or a
 * callback). Safe from any thread; cheap. */
void	worker_pay_kick(void);
/* Stops and joins the thread (no-op when not started). */
void	worker_pay_stop(void);
/*
 * The configured method name ("sim", "mpesa", "stripe") with its provider
 * state in *state, for the checkout request that pushes it itself
 * (in_request providers). NULL when not configured or before start.
 * Provider states are safe to use from several threads.
 */
const struct pay_provider *worker_pay_method(const char *name,
	    void **state);

#endif
