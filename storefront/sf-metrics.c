/*
 * sf-metrics.c: see sf-metrics.h. The gauges run on the listener's one
 * thread when a scrape comes, so the database connection they count
 * with is that thread's alone (opened at the first scrape, closed after
 * the listener stopped).
 */
#include <math.h>
#include <stdlib.h>

#include "log.h"
#include "metrics-app.h"
#include "metrics-http.h"
#include "ready.h"
#include "sf-metrics.h"
#include "sse.h"

static struct {
	const struct ny_config	*cfg;
	struct metrics_http	*mh;
	struct db		*db;	/* the listener thread's */
} sm;

static double
sm_streams(void *arg)
{
	(void)arg;
	return (double)sse_count();
}

static double
sm_ready(void *arg)
{
	(void)arg;
	return ready_get() == READY_OK ? 1 : 0;
}

/* Messages not sent yet; no sample when the database cannot say. */
static double
sm_outbox(void *arg)
{
	char *cause = NULL, q[LOG_QUOTE_LEN];
	int64_t n;

	(void)arg;
	if (sm.db == NULL && db_open(sm.cfg->db_path, &sm.db, &cause) !=
	    NY_OK) {
		log_warn("metrics: cannot open the database", "err=%s",
		    log_quote(cause, q, sizeof q));
		free(cause);
		sm.db = NULL;
		return NAN;
	}
	return metrics_outbox_pending(sm.db, &n) == NY_OK ? (double)n : NAN;
}

static double
sm_wal(void *arg)
{
	(void)arg;
	return metrics_wal_bytes(sm.cfg->db_path);
}

enum ny_err
sf_metrics_start(const struct ny_config *cfg, char **cause)
{
	struct metrics *m = metrics_app_init(METRICS_STOREFRONT);
	char *msg = NULL;

	sm.cfg = cfg;
	metrics_add_fn(m, "nyota_ready", "1 while the storefront serves; 0 "
	    "while it starts or drains.", sm_ready, NULL);
	metrics_add_fn(m, "nyota_sse_streams", "Order status streams (SSE) "
	    "open now.", sm_streams, NULL);
	metrics_add_fn(m, "nyota_outbox_pending", "WhatsApp messages queued "
	    "or being sent.", sm_outbox, NULL);
	metrics_add_fn(m, "nyota_db_wal_bytes", "Size of the database's "
	    "write-ahead log in bytes.", sm_wal, NULL);
	/* a taken port is logged there, and the shop opens without it */
	if (metrics_http_start(cfg->metrics_addr, cfg->metrics_port, m, 1,
	    &sm.mh, &msg) != NY_OK) {
		*cause = msg;
		return NY_EINVAL;
	}
	return NY_OK;
}

void
sf_metrics_stop(void)
{
	metrics_http_stop(sm.mh);
	sm.mh = NULL;
	if (sm.db != NULL)
		db_close(sm.db);
	sm.db = NULL;
	metrics_app_free();
}
