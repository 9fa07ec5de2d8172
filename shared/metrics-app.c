/*
 * metrics-app.c: see metrics-app.h. The one registry of the process and
 * its families are set once by metrics_app_init, before any thread
 * starts (pthread_create orders that write before every thread's reads),
 * and only read after; the figures themselves are atomics (metrics.c).
 */
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "metrics-app.h"

/* Label sets at most: routes (~35 + other) × the statuses each answers. */
#define MA_REQUESTS_MAX		1024
#define MA_ROUTES_MAX		128
#define MA_STATUSES_MAX		16
#define MA_PAYMENTS_MAX		64

/*
 * From a cached page (well under a millisecond) to a checkout that waits
 * on a provider's API (seconds): 14 buckets, about 2.5× apart.
 */
static const double ma_buckets[] = {
	0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5,
	1, 2.5, 5, 10,
};

static const char *const ma_order_statuses[] = {
	"pending", "paid", "failed", "expired", "refunded",
};

static struct {
	struct metrics		*m;
	struct metrics_family	*requests;
	struct metrics_family	*duration;
	struct metrics_family	*orders;
	struct metrics_family	*payments;
} ma;

/* The storefront's families (orders at 0 from the start for dashboards). */
static void
ma_storefront(struct metrics *m)
{
	size_t i;

	ma.requests = metrics_add(m, METRICS_COUNTER,
	    "nyota_http_requests_total", "HTTP requests answered, by route "
	    "of the route table and status code.", "route,code",
	    MA_REQUESTS_MAX);
	ma.duration = metrics_add_histogram(m,
	    "nyota_http_request_duration_seconds", "Time from a request's "
	    "arrival to its answer being queued, by route.", "route",
	    MA_ROUTES_MAX, ma_buckets,
	    (int)(sizeof ma_buckets / sizeof ma_buckets[0]));
	ma.orders = metrics_add(m, METRICS_COUNTER, "nyota_orders_total",
	    "Orders that entered each status in this process.", "status",
	    MA_STATUSES_MAX);
	for (i = 0; i < sizeof ma_order_statuses /
	    sizeof ma_order_statuses[0]; i++)
		metrics_get(ma.orders, &ma_order_statuses[i]);
	ma.payments = metrics_add(m, METRICS_COUNTER, "nyota_payments_total",
	    "Payments that ended, and pushes that failed, by provider and "
	    "result.", "provider,result", MA_PAYMENTS_MAX);
}

struct metrics *
metrics_app_init(enum metrics_program p)
{
	const char *version = NYOTA_VERSION;
	struct metrics_family *f;

	memset(&ma, 0, sizeof ma);
	ma.m = metrics_new();
	f = metrics_add(ma.m, METRICS_GAUGE, "nyota_build_info",
	    "The running program's version (always 1).", "version", 1);
	metrics_set(metrics_get(f, &version), 1);
	if (p == METRICS_STOREFRONT)
		ma_storefront(ma.m);
	return ma.m;
}

struct metrics *
metrics_app(void)
{
	return ma.m;
}

void
metrics_app_free(void)
{
	metrics_free(ma.m);
	memset(&ma, 0, sizeof ma);
}

void
metrics_request(const char *route, int code, double seconds)
{
	char c[8];
	const char *v[2];

	if (ma.requests == NULL)
		return;
	snprintf(c, sizeof c, "%d", code >= 100 && code <= 599 ? code : 0);
	v[0] = route != NULL ? route : METRICS_ROUTE_OTHER;
	v[1] = c;
	metrics_inc(ma.requests, v);
	metrics_observe_at(ma.duration, v, seconds);
}

void
metrics_order(const char *status)
{
	if (ma.orders != NULL)
		metrics_inc(ma.orders, &status);
}

void
metrics_payment(const char *provider, const char *result)
{
	const char *v[2] = { provider, result };

	if (ma.payments != NULL)
		metrics_inc(ma.payments, v);
}

enum ny_err
metrics_outbox_pending(struct db *db, int64_t *n)
{
	/* counted in the index messages_status(status, id) */
	sqlite3_stmt *st = db_stmt(db, "SELECT count(*) FROM messages"
	    " WHERE status IN ('queued', 'sending')");

	*n = 0;
	return db_int64(st, n);
}

double
metrics_wal_bytes(const char *db_path)
{
	char path[4096];
	struct stat sb;

	if ((size_t)snprintf(path, sizeof path, "%s-wal", db_path) >=
	    sizeof path || stat(path, &sb) != 0)
		return 0;
	return (double)sb.st_size;
}
