/*
 * nyota-storefront: the buyers' web server. Start-up only; the HTTP side
 * lives in the other storefront/ files.
 */
#include <microhttpd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>

#include "app.h"
#include "log.h"

static volatile sig_atomic_t sf_stop;

static void
sf_signal(int sig)
{
	(void)sig;
	sf_stop = 1;
}

static enum MHD_Result
sf_handle(void *cls, struct MHD_Connection *c, const char *url,
    const char *method, const char *version, const char *upload,
    size_t *upload_len, void **state)
{
	static const char ok[] = "{\"status\":\"ok\"}\n";
	static const char nf[] = "not found\n";
	struct MHD_Response *r;
	enum MHD_Result ret;
	int found = strcmp(url, "/healthz") == 0;

	(void)cls; (void)method; (void)version; (void)upload; (void)upload_len;
	(void)state;
	r = MHD_create_response_from_buffer(found ? sizeof ok - 1 : sizeof nf - 1,
	    (void *)(found ? ok : nf), MHD_RESPMEM_PERSISTENT);
	MHD_add_response_header(r, "Content-Type", found ?
	    "application/json" : "text/plain; charset=utf-8");
	ret = MHD_queue_response(c, found ? MHD_HTTP_OK : MHD_HTTP_NOT_FOUND, r);
	MHD_destroy_response(r);
	return ret;
}

int
main(int argc, char **argv)
{
	struct ny_config cfg;
	struct MHD_Daemon *d;
	struct sockaddr_in sa;
	struct db *db;

	app_config(&cfg, argc - 1, argv + 1);
	db = app_open(&cfg);
	memset(&sa, 0, sizeof sa);
	sa.sin_family = AF_INET;
	sa.sin_port = htons((uint16_t)cfg.http_port);
	if (inet_pton(AF_INET, cfg.http_addr, &sa.sin_addr) != 1) {
		fprintf(stderr, "nyota: NYOTA_HTTP_ADDR: expected an IPv4 "
		    "address, got \"%s\"\n", cfg.http_addr);
		return 2;
	}
	d = MHD_start_daemon(MHD_USE_EPOLL_INTERNAL_THREAD |
	    MHD_ALLOW_SUSPEND_RESUME, 0, NULL, NULL, sf_handle, NULL,
	    MHD_OPTION_SOCK_ADDR, &sa, MHD_OPTION_END);
	if (d == NULL) {
		fprintf(stderr, "nyota: cannot listen on %s:%d\n",
		    cfg.http_addr, cfg.http_port);
		return 1;
	}
	signal(SIGINT, sf_signal);
	signal(SIGTERM, sf_signal);
	log_info("storefront listening", "addr=%s port=%d url=%s",
	    cfg.http_addr, cfg.http_port, cfg.base_url);
	while (!sf_stop)
		pause();
	MHD_stop_daemon(d);
	db_close(db);
	config_free(&cfg);
	return 0;
}
