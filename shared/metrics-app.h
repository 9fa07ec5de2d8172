/*
 * metrics-app.h: the program's one registry and the figures the code
 * counts into it (names fixed for both programs; dashboards and alerts
 * use them):
 *
 *   nyota_build_info{version}                      always 1
 *   nyota_http_requests_total{route,code}          storefront
 *   nyota_http_request_duration_seconds{route}     storefront, histogram
 *   nyota_orders_total{status}                     storefront
 *   nyota_payments_total{provider,result}          storefront
 *
 * Gauges a scrape computes (nyota_sse_streams, nyota_outbox_pending,
 * nyota_db_wal_bytes, nyota_ready, nyota_console_sessions) are added by
 * the program that knows them, with metrics_add_fn on metrics_app().
 *
 * The counting calls are no-ops until metrics_app_init, and for figures
 * the program did not register (an order refunded in a console process is
 * not counted there: its registry is a forked copy nobody scrapes), so
 * shared code calls them unconditionally. metrics_app_init runs before
 * any thread starts; the calls are then safe from any thread.
 */
#ifndef NY_METRICS_APP_H
#define NY_METRICS_APP_H

#include "db.h"
#include "metrics.h"

#ifndef NYOTA_VERSION
#define NYOTA_VERSION	"dev"	/* the Makefile passes the git commit */
#endif

/* The label of requests that matched no route (404, 405, 400 …). */
#define METRICS_ROUTE_OTHER	"other"

enum metrics_program {
	METRICS_STOREFRONT,
	METRICS_CONSOLE,
};

/* Makes the registry with the program's families; returns it. */
struct metrics	*metrics_app_init(enum metrics_program p);
/* The registry, or NULL before metrics_app_init. */
struct metrics	*metrics_app(void);
/* Frees the registry (after every listener and thread using it). */
void		 metrics_app_free(void);

/*
 * One answered request: route is a route table entry ("GET /p/{slug}",
 * never a raw path) or METRICS_ROUTE_OTHER; code the HTTP status;
 * seconds from the first byte read to the answer queued.
 */
void		 metrics_request(const char *route, int code, double seconds);
/* An order entered status (pending when created, paid, refunded …). */
void		 metrics_order(const char *status);
/* A payment ended (result paid, failed, expired) or a push failed
 * (result push_error) at provider (sim, mpesa, stripe). */
void		 metrics_payment(const char *provider, const char *result);

/* Messages waiting to go out (queued or sending): NY_OK or the db error. */
enum ny_err	 metrics_outbox_pending(struct db *db, int64_t *n);
/* The size of db_path's write-ahead log in bytes (0 when there is none). */
double		 metrics_wal_bytes(const char *db_path);

#endif
