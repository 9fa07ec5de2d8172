/*
 * sf-metrics.h: the storefront's /metrics: the registry with its
 * families (metrics-app.h), the gauges only the storefront knows (SSE
 * streams, readiness, the outbox, the write-ahead log), and the listener
 * on NYOTA_METRICS_ADDR:NYOTA_METRICS_PORT with its own thread.
 */
#ifndef NY_SF_METRICS_H
#define NY_SF_METRICS_H

#include "config.h"

/*
 * Before http_start (the server's threads count into the registry):
 * makes the registry and, unless the port is 0, starts the listener (cfg
 * outlives it). NY_OK (also when the port is taken: logged, and the shop
 * runs without /metrics), or NY_EINVAL with *cause for a bad address.
 */
enum ny_err	sf_metrics_start(const struct ny_config *cfg, char **cause);
/* After http_stop and the workers: stops the listener, frees it all. */
void		sf_metrics_stop(void);

#endif
