/*
 * sse.h: live order status over Server-Sent Events
 * (GET /checkout/{ref}/events).
 *
 * Each stream is a libmicrohttpd callback response that suspends its
 * connection whenever it has nothing to send (never a busy loop). One
 * change-watcher thread with its own database connection polls PRAGMA
 * data_version every SSE_POLL_MS; when another connection (any process)
 * committed, it reads the events since the last seq and, for every order
 * that has streams, renders the status once and resumes exactly those
 * streams. Every SSE_PING_S it sends a ": ping" comment to every stream so
 * clients that left are noticed and dropped. After a final status the
 * stream ends.
 */
#ifndef NY_SSE_H
#define NY_SSE_H

#include <stddef.h>

#include "config.h"
#include "http.h"

#define SSE_POLL_MS	50
#define SSE_PING_S	15

/*
 * Starts the watcher thread (cfg outlives it); main.c calls it after
 * http_start. NY_OK or NY_EIO + cause.
 */
enum ny_err sse_start(const struct ny_config *cfg, char **cause);
/*
 * SIGTERM: every open stream gets a final "retry: 5000" and ends (its
 * browser reconnects to the next process); a stream opened from now on
 * ends after its first status. Returns how many streams were told. The
 * watcher keeps running until sse_stop.
 */
size_t	sse_drain(void);
/*
 * Ends every stream (resuming the suspended ones so MHD can finish them)
 * and stops the watcher. Call before http_stop.
 */
void	sse_stop(void);
/*
 * Wakes the watcher now instead of at its next poll: for commits made in
 * this process (the payment worker, the simulated handset), so their
 * streams hear at once. Cheap, any thread.
 */
void	sse_kick(void);
/* Streams open now (for logs and the benchmark). */
size_t	sse_count(void);

/* GET /checkout/{ref}/events */
int	sse_order_events(struct http_req *rq, struct http_resp *rs);

#endif
