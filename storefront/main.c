/*
 * nyota-storefront: the buyers' web server. Start-up only; the HTTP side
 * lives in the other storefront/ files.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "app.h"
#include "checkout.h"
#include "crypto.h"
#include "http.h"
#include "i18n.h"
#include "log.h"
#include "tmpl.h"
#include "worker-outbox.h"

static volatile sig_atomic_t sf_stop;

static void
sf_signal(int sig)
{
	(void)sig;
	sf_stop = 1;
}

/* One clear line and exit status 1 when start-up fails. */
static void
sf_die(const char *what, char *cause)
{
	fprintf(stderr, "nyota: %s: %s\n", what, cause ? cause : "failed");
	free(cause);
	exit(1);
}

int
main(int argc, char **argv)
{
	struct ny_config cfg;
	struct http_server *srv;
	struct sigaction sa;
	struct db *db;
	char *cause = NULL;
	int n;

	n = app_config(&cfg, argc - 1, argv + 1);
	if (n < argc - 1) {
		/* `nyota-storefront 8081` must not start quietly on 8080. */
		fprintf(stderr, "nyota: %.60s: unexpected argument (expected "
		    "only --name=value flags, e.g. --http-port=8081)\n",
		    argv[n + 1]);
		config_free(&cfg);
		return 2;
	}
	db = app_open(&cfg);	/* creates folders, migrates */
	if (crypto_init(cfg.keys_dir, &cause) != NY_OK)
		sf_die("keys", cause);
	if (i18n_load(&cause) != NY_OK)
		sf_die("locales", cause);
	if (tmpl_load_all(&cause) != NY_OK)
		sf_die("templates", cause);
	signal(SIGPIPE, SIG_IGN);
	if (http_start(&cfg, &srv, &cause) != NY_OK)
		sf_die("http", cause);
	/* background workers (payments, outbox) start here, each with its
	 * own connection: see their modules */
	if (worker_outbox_start(&cfg, &cause) != NY_OK)
		sf_die("whatsapp", cause);
	if (checkout_services_start(&cfg, &cause) != NY_OK)
		sf_die("payments", cause);
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = sf_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	log_info("storefront listening", "addr=%s port=%d url=%s",
	    cfg.http_addr, cfg.http_port, cfg.base_url);
	while (!sf_stop)
		pause();
	log_info("storefront stopping", "%s", "");
	checkout_services_stop();	/* ends SSE streams before http_stop */
	worker_outbox_stop();
	http_stop(srv);
	db_close(db);
	config_free(&cfg);
	return 0;
}
