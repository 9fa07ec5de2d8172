/*
 * nyota-storefront: the buyers' web server. Start-up and shut-down only:
 * main starts the server loop (http.c) and the background threads (the
 * outbox and payment workers, the SSE watcher) and stops them in order;
 * the HTTP side lives in the other storefront/ files.
 */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/stat.h>
#include <unistd.h>

#include "app.h"
#include "crypto.h"
#include "http.h"
#include "image.h"
#include "i18n.h"
#include "log.h"
#include "ready.h"
#include "sf-metrics.h"
#include "sse.h"
#include "ticket.h"
#include "tmpl.h"
#include "worker-outbox.h"
#include "worker-pay.h"

/* One clear line and exit status 1 when start-up fails. */
static void
sf_die(const char *what, char *cause)
{
	fprintf(stderr, "nyota: %s: %s\n", what, cause ? cause : "failed");
	free(cause);
	exit(1);
}

/*
 * SIGTERM: /healthz says draining, SSE streams get their last words and
 * end, new connections are refused, and what is in flight (a checkout
 * being posted, a download) gets up to cfg->drain_s to finish; a second
 * SIGTERM or SIGINT (sigs) ends the wait at once. Then the workers stop
 * after their current step: after the requests, since a checkout wakes
 * them (and a card checkout uses the payment worker's provider state).
 */
static void
sf_drain(const struct ny_config *cfg, struct http_server *srv,
    const sigset_t *sigs)
{
	struct timespec tick = { 0, 100 * 1000 * 1000 };
	int64_t t0 = ny_mono_ms(), until = t0 + (int64_t)cfg->drain_s * 1000;
	size_t streams;
	int requests, left, sig, cut = 0;

	ready_set(READY_DRAINING);
	/* Counted before the streams are told to end: they are requests
	 * until their end is sent, and may be gone a moment later. */
	requests = http_busy();
	streams = sse_drain();
	http_drain(srv);
	requests -= (int)streams;
	if (requests < 0)
		requests = 0;
	log_info("storefront draining", "streams=%zu requests=%d drain_s=%d",
	    streams, requests, cfg->drain_s);
	while (http_busy() > 0 && ny_mono_ms() < until) {
		sig = sigtimedwait(sigs, NULL, &tick);
		if (sig == SIGHUP)
			log_reopen();
		else if (sig == SIGTERM || sig == SIGINT) {
			cut = 1;
			break;
		}
	}
	left = http_busy();
	/* HTTP first: a handler still running (a card checkout waiting on
	 * Stripe past the drain) uses the payment methods the payment
	 * worker frees. sse_stop resumes what is still suspended, which
	 * MHD_stop_daemon needs; http_stop waits for the handlers. */
	sse_stop();
	http_stop(srv);		/* closes what is left */
	worker_pay_stop();
	worker_outbox_stop();
	log_info("storefront stopped", "streams=%zu requests=%d unfinished=%d "
	    "cut=%d ms=%lld", streams, requests, left, cut,
	    (long long)(ny_mono_ms() - t0));
}

int
main(int argc, char **argv)
{
	struct ny_config cfg;
	struct http_server *srv;
	sigset_t stopset;
	struct db *db;
	char *cause = NULL;
	int n, sig, sealed = 0, measured = 0;

	/* Before anything is created: the database, blobs, logs we write
	 * are for this user only (see shared/app.c). */
	umask(077);
	/* A reload (SIGHUP) while we start must not end us: its default
	 * action would, and systemd counts that as a clean exit. Held
	 * until the sigwait below (the full set is blocked there). */
	sigemptyset(&stopset);
	sigaddset(&stopset, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &stopset, NULL);
	n = app_config(&cfg, argc - 1, argv + 1);
	if (n < argc - 1) {
		/* `nyota-storefront 8081` must not start quietly on 8080. */
		fprintf(stderr, "nyota: %.60s: unexpected argument (expected "
		    "only --name=value flags, e.g. --http-port=8081)\n",
		    argv[n + 1]);
		config_free(&cfg);
		return 2;
	}
	/* Before the first line is logged (app_open logs). */
	if (log_open(cfg.log_file, &cause) != NY_OK)
		sf_die("NYOTA_LOG_FILE", cause);
	app_lock_servers(&cfg);	/* no restore while we run */
	db = app_open(&cfg);	/* creates folders, migrates */
	if (crypto_init(cfg.keys_dir, &cause) != NY_OK)
		sf_die("keys", cause);
	/* Codes issued before they were sealed: sealed now, once. */
	if (ticket_seal_legacy(db, &sealed) != NY_OK)
		log_warn("older ticket codes not sealed yet", "tickets=?");
	else if (sealed > 0)
		log_info("older ticket codes sealed", "tickets=%d", sealed);
	/* Covers from before images were measured: measured now, once. */
	if (image_measure_legacy(db, cfg.data_dir, &measured) != NY_OK)
		log_warn("older covers not measured yet", "covers=?");
	else if (measured > 0)
		log_info("older covers measured", "covers=%d", measured);
	if (i18n_load(&cause) != NY_OK)
		sf_die("locales", cause);
	if (tmpl_load_all(&cause) != NY_OK)
		sf_die("templates", cause);
	signal(SIGPIPE, SIG_IGN);
	/*
	 * Block the stop signals (and SIGHUP, the log reopen) before any
	 * thread starts, so every thread inherits the mask and only sigwait
	 * below receives them: no signal can land on a worker or slip in
	 * between a flag test and pause().
	 */
	sigemptyset(&stopset);
	sigaddset(&stopset, SIGINT);
	sigaddset(&stopset, SIGTERM);
	sigaddset(&stopset, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &stopset, NULL);
	/* before http_start: the server's threads count into it */
	if (sf_metrics_start(&cfg, &cause) != NY_OK)
		sf_die("metrics", cause);
	if (http_start(&cfg, &srv, &cause) != NY_OK)
		sf_die("http", cause);
	/* background workers (payments, outbox) start here, each with its
	 * own connection: see their modules */
	if (worker_outbox_start(&cfg, &cause) != NY_OK)
		sf_die("whatsapp", cause);
	/* the payment worker, then the watcher that streams what it does
	 * (both after crypto_init and http_start) */
	if (worker_pay_start(&cfg, &cause) != NY_OK ||
	    sse_start(&cfg, &cause) != NY_OK)
		sf_die("payments", cause);
	ready_set(READY_OK);
	log_info("storefront listening", "addr=%s port=%d url=%s",
	    cfg.http_addr, cfg.http_port, cfg.base_url);
	for (;;) {
		if (sigwait(&stopset, &sig) != 0)
			continue;
		if (sig != SIGHUP)
			break;
		log_reopen();	/* systemctl reload, logrotate */
	}
	log_info("storefront stopping", "signal=%d", sig);
	sf_drain(&cfg, srv, &stopset);
	sf_metrics_stop();	/* after everything that counts */
	db_close(db);
	config_free(&cfg);
	return 0;
}
