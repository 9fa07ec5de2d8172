/*
 * metrics-http.c: see metrics-http.h. A scrape is small and rare: one
 * epoll loop, a handful of connections, each answer rendered whole into
 * one buffer that MHD frees after sending.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <microhttpd.h>

#include "log.h"
#include "metrics-http.h"

#define MH_CONN_LIMIT	16	/* scrapers: Prometheus, a curl by hand */
#define MH_TIMEOUT_S	10u

struct metrics_http {
	struct MHD_Daemon	*d;
	struct metrics		*m;
	int			 threaded;
	int			 family;	/* AF_INET or AF_INET6 */
	int			 port;		/* bound */
	int			 forgotten;	/* in a child: do nothing */
};

/* A short plain-text answer (404, 405). */
static enum MHD_Result
mh_plain(struct MHD_Connection *c, unsigned status, const char *text)
{
	struct MHD_Response *r;
	enum MHD_Result ret;

	r = MHD_create_response_from_buffer(strlen(text), (void *)text,
	    MHD_RESPMEM_PERSISTENT);
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE,
	    "text/plain; charset=utf-8");
	MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
	if (status == MHD_HTTP_METHOD_NOT_ALLOWED)
		MHD_add_response_header(r, MHD_HTTP_HEADER_ALLOW, "GET, HEAD");
	ret = MHD_queue_response(c, status, r);
	MHD_destroy_response(r);
	return ret;
}

/* The registry, rendered now. */
static enum MHD_Result
mh_metrics(struct metrics_http *mh, struct MHD_Connection *c)
{
	struct MHD_Response *r;
	struct ny_buf b;
	enum MHD_Result ret;
	size_t len;
	char *text;

	buf_init(&b, 0);
	metrics_render(mh->m, &b);
	text = buf_steal(&b, &len);
	r = MHD_create_response_from_buffer(len, text, MHD_RESPMEM_MUST_FREE);
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE,
	    "text/plain; version=0.0.4; charset=utf-8");
	MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
	MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
	ret = MHD_queue_response(c, MHD_HTTP_OK, r);
	MHD_destroy_response(r);
	return ret;
}

/*
 * MHD's access handler. Another method is refused at once (its body is
 * never read; MHD closes the connection after the answer); a GET or HEAD
 * is answered on the second call, as MHD expects for keep-alive.
 */
static enum MHD_Result
mh_access(void *cls, struct MHD_Connection *c, const char *url,
    const char *method, const char *version, const char *upload,
    size_t *upload_len, void **state)
{
	static int seen;

	(void)version; (void)upload; (void)upload_len;
	if (strcmp(method, MHD_HTTP_METHOD_GET) != 0 &&
	    strcmp(method, MHD_HTTP_METHOD_HEAD) != 0)
		return mh_plain(c, MHD_HTTP_METHOD_NOT_ALLOWED,
		    "method not allowed\n");
	if (*state == NULL) {
		*state = &seen;		/* a marker, never written */
		return MHD_YES;
	}
	if (strcmp(url, "/metrics") != 0)
		return mh_plain(c, MHD_HTTP_NOT_FOUND, "not found\n");
	return mh_metrics(cls, c);
}

static void mh_log(void *, const char *, va_list) NY_PRINTF(2, 0);

/* MHD's own messages, at debug level (they may quote a client). */
static void
mh_log(void *cls, const char *fmt, va_list ap)
{
	char msg[256], q[300];

	(void)cls;
	vsnprintf(msg, sizeof msg, fmt, ap);
	log_debug("metrics mhd", "detail=%s", log_quote(msg, q, sizeof q));
}

/* Fills ss from addr:port; NY_EINVAL when addr is no IP literal. */
static enum ny_err
mh_sockaddr(const char *addr, int port, struct sockaddr_storage *ss,
    int *family)
{
	struct sockaddr_in *s4 = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;

	memset(ss, 0, sizeof *ss);
	if (inet_pton(AF_INET, addr, &s4->sin_addr) == 1) {
		s4->sin_family = AF_INET;
		s4->sin_port = htons((uint16_t)port);
	} else if (inet_pton(AF_INET6, addr, &s6->sin6_addr) == 1) {
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons((uint16_t)port);
	} else
		return NY_EINVAL;
	*family = ss->ss_family;
	return NY_OK;
}

enum ny_err
metrics_http_start(const char *addr, int port, struct metrics *m,
    int threaded, struct metrics_http **out, char **cause)
{
	struct sockaddr_storage ss;
	struct metrics_http *mh;
	const union MHD_DaemonInfo *di;
	unsigned flags = MHD_USE_EPOLL | MHD_USE_ERROR_LOG;
	int family;

	*out = NULL;
	if (port == 0)
		return NY_OK;
	if (mh_sockaddr(addr, port, &ss, &family) != NY_OK) {
		*cause = xasprintf("metrics address: expected an IP address, "
		    "got \"%s\"", addr);
		return NY_EINVAL;
	}
	if (threaded)
		flags |= MHD_USE_INTERNAL_POLLING_THREAD;
	if (family == AF_INET6)
		flags |= MHD_USE_IPv6;
	mh = xcalloc(1, sizeof *mh);
	mh->m = m;
	mh->threaded = threaded;
	mh->family = family;
	mh->d = MHD_start_daemon(flags, 0, NULL, NULL, mh_access, mh,
	    MHD_OPTION_SOCK_ADDR, &ss,
	    MHD_OPTION_CONNECTION_LIMIT, (unsigned)MH_CONN_LIMIT,
	    MHD_OPTION_CONNECTION_TIMEOUT, MH_TIMEOUT_S,
	    MHD_OPTION_EXTERNAL_LOGGER, mh_log, NULL,
	    MHD_OPTION_END);
	if (mh->d == NULL) {
		/* A port someone else holds must not close the shop or lock
		 * creators out: the program runs without /metrics, and the
		 * failing scrape (up == 0) is the operator's alarm. */
		log_error("metrics listener not started", "addr=%s port=%d "
		    "err=\"%s\"", addr, port, strerror(errno));
		free(mh);
		return NY_OK;
	}
	di = MHD_get_daemon_info(mh->d, MHD_DAEMON_INFO_BIND_PORT);
	mh->port = di != NULL ? di->port : port;
	log_info("metrics listening", "addr=%s port=%d", addr, mh->port);
	*out = mh;
	return NY_OK;
}

int
metrics_http_fd(struct metrics_http *mh)
{
	const union MHD_DaemonInfo *di;

	if (mh == NULL || mh->threaded || mh->forgotten)
		return -1;
	di = MHD_get_daemon_info(mh->d, MHD_DAEMON_INFO_EPOLL_FD);
	return di != NULL ? di->epoll_fd : -1;
}

void
metrics_http_run(struct metrics_http *mh)
{
	if (mh != NULL && !mh->threaded && !mh->forgotten)
		MHD_run(mh->d);
}

/* 1 when fd is a socket bound to the listener's port and family. */
static int
mh_is_ours(const struct metrics_http *mh, int fd)
{
	struct sockaddr_storage ss;
	socklen_t sl = sizeof ss;

	if (getsockname(fd, (struct sockaddr *)&ss, &sl) != 0 ||
	    ss.ss_family != mh->family)
		return 0;
	if (ss.ss_family == AF_INET)
		return ntohs(((struct sockaddr_in *)&ss)->sin_port) ==
		    mh->port;
	return ntohs(((struct sockaddr_in6 *)&ss)->sin6_port) == mh->port;
}

/*
 * MHD_stop_daemon would be wrong in a child: it removes connections from
 * the epoll set the parent shares, and shuts their sockets down for the
 * parent too. The listening socket and every connection it accepted have
 * the listener's local port, which tells them apart from the child's own
 * sockets. MHD's memory stays as it is, reachable from mh, until the
 * child exits.
 */
void
metrics_http_forget(struct metrics_http *mh)
{
	struct dirent *de;
	int64_t fd;
	int epfd;
	DIR *dir;

	if (mh == NULL)
		return;
	if ((epfd = metrics_http_fd(mh)) >= 0)
		close(epfd);
	if ((dir = opendir("/proc/self/fd")) != NULL) {
		while ((de = readdir(dir)) != NULL) {
			if (ny_parse_int(de->d_name, 3, INT32_MAX, &fd) !=
			    NY_OK || fd == dirfd(dir))
				continue;
			if (mh_is_ours(mh, (int)fd))
				close((int)fd);
		}
		closedir(dir);
	}
	mh->forgotten = 1;
}

void
metrics_http_stop(struct metrics_http *mh)
{
	if (mh == NULL)
		return;
	if (!mh->forgotten)
		MHD_stop_daemon(mh->d);
	free(mh);
}
