/*
 * metrics-http.h: the /metrics listener over libmicrohttpd, apart from
 * the program's own traffic. It answers GET (and HEAD) /metrics with the
 * registry in the text format 0.0.4, 404 for any other path, 405 for any
 * other method; never cached (Cache-Control: no-store).
 *
 * Two ways to run it:
 *   - threaded: MHD's own epoll thread (the storefront);
 *   - in the caller's loop, without a thread (the console's listener,
 *     which forks for every connection and must not have a thread when
 *     it does): poll metrics_http_fd for POLLIN and call metrics_http_run;
 *     in a forked child call metrics_http_forget.
 * The registry is rendered on the thread that runs the listener: the
 * gauge functions run there.
 */
#ifndef NY_METRICS_HTTP_H
#define NY_METRICS_HTTP_H

#include "metrics.h"

struct metrics_http;

/*
 * Listens on addr (IPv4 or IPv6 literal) and port for m (which must
 * outlive the listener). Port 0: nothing started, NY_OK with *out NULL
 * (every call below takes NULL and does nothing). A port that cannot be
 * listened on (taken) is logged and is the same as port 0. NY_EINVAL with
 * *cause (caller frees) for an address that is not an IP literal.
 */
enum ny_err	 metrics_http_start(const char *addr, int port,
		    struct metrics *m, int threaded, struct metrics_http **out,
		    char **cause);
/* Without a thread: the descriptor to poll for POLLIN, or -1. */
int		 metrics_http_fd(struct metrics_http *mh);
/* Without a thread: serves what is ready, never blocks. */
void		 metrics_http_run(struct metrics_http *mh);
/*
 * In a child forked from the process that runs mh without a thread:
 * closes the listener's descriptors (its epoll set, listening socket and
 * any scrape connection open at fork time) without touching the
 * parent's copies (no shutdown, no epoll change). mh then does nothing
 * (and metrics_http_stop only frees mh).
 */
void		 metrics_http_forget(struct metrics_http *mh);
/* Stops the listener and frees mh (not the registry). */
void		 metrics_http_stop(struct metrics_http *mh);

#endif
