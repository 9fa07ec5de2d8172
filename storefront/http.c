/*
 * http.c: the server loop of the storefront over libmicrohttpd: daemon
 * set-up, the request life cycle (URI log callback creates it, the access
 * handler routes it through http_routes[], the completed callback frees it
 * in one place), bodies, and queueing what the handler answered with the
 * common headers. The top of the HTTP side: only main.c calls it, and
 * nothing that a handler calls calls back into it (see http.h).
 */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <sys/resource.h>
#include <sys/socket.h>

#include <sodium.h>

#include "http-int.h"
#include "i18n.h"
#include "log.h"
#include "metrics-app.h"
#include "tmpl.h"

#define HTTP_FIELD_MAX	(8 * 1024)
#define HTTP_FIELDS_MAX	64
#define HTTP_URI_MAX	(16 * 1024)
#define HTTP_DRAIN_MAX	(1024 * 1024)	/* body read past a limit before 413 */

struct http_server {
	struct MHD_Daemon	*d;
	MHD_socket		 lfd;	/* quiesced listener, or invalid */
};

/*
 * Requests between MHD's first word (http_uri_log) and its last
 * (http_completed): what a drain waits for. Idle kept-alive connections
 * are not requests and do not hold it. Draining (http_drain) also closes
 * each connection after its answer.
 */
static atomic_int http_inflight;
static atomic_int http_draining;

/* ---- queueing the answer ---------------------------------------------- */

/*
 * The Content-Security-Policy, set once at start (http_csp_init).
 * form-action also governs where a form's answer may redirect: with card
 * payments on, the checkout form's 303 leads to Stripe's hosted page.
 */
static char http_csp[512];

/*
 * Builds http_csp from cfg: form-action 'self', plus Stripe Checkout's
 * origin when stripe is a method, plus the origin of NYOTA_STRIPE_API_URL
 * when it is not Stripe's own (a test fake serves its hosted page there).
 */
static void
http_csp_init(const struct ny_config *cfg)
{
	char extra[300] = "";
	const char *api = cfg->stripe_api_url, *end;
	size_t n;

	if (config_payments_has(cfg, "stripe")) {
		snprintf(extra, sizeof extra, " https://checkout.stripe.com");
		end = strchr(strstr(api, "://") + 3, '/');
		n = end != NULL ? (size_t)(end - api) : strlen(api);
		if (strcmp(api, "https://api.stripe.com") != 0 && n < 200)
			snprintf(extra + strlen(extra), sizeof extra -
			    strlen(extra), " %.*s", (int)n, api);
	}
	snprintf(http_csp, sizeof http_csp, "default-src 'self'; "
	    "img-src 'self' data:; script-src 'self'; style-src 'self'; "
	    "object-src 'none'; base-uri 'none'; form-action 'self'%s; "
	    "frame-ancestors 'none'", extra);
}

/* Adds the headers every response carries. */
static void
http_common_headers(struct MHD_Response *r)
{
	MHD_add_response_header(r, "Content-Security-Policy", http_csp);
	MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(r, "Referrer-Policy", "no-referrer");
	if (atomic_load(&http_draining))
		MHD_add_response_header(r, MHD_HTTP_HEADER_CONNECTION, "close");
}

/*
 * Queues what the handler answered: its own MHD response, or one over the
 * body it built (with an ETag, and 304 when If-None-Match names it); every
 * response gets the common headers and the handler's. Returns MHD's verdict.
 */
static enum MHD_Result
http_queue(struct http_req *rq, struct http_resp *rs)
{
	struct MHD_Response *r = rs->mhd;
	enum MHD_Result ret;
	const char *inm;
	int i, status = rs->status;

	if (r == NULL) {
		/* A handler's own Cache-Control (no-store on /healthz, the
		 * library) is the one rule: no second header, no ETag. */
		for (i = 0; i < rs->nhdrs; i++)
			if (strcasecmp(rs->hdrs[i].name, "Cache-Control") == 0)
				rs->etag_ok = 0;
		if (rs->etag_ok && status == 200 && rs->etag == NULL)
			rs->etag = http_printf(rq, "\"%016llx\"",
			    (unsigned long long)(rs->etag64_set ? rs->etag64 :
			    http_hash64(rs->body, rs->len)));
		if (rs->etag != NULL && status == 200 &&
		    (inm = http_header(rq, MHD_HTTP_HEADER_IF_NONE_MATCH))
		    != NULL && strstr(inm, rs->etag) != NULL) {
			status = rs->status = 304;	/* as counted */
			rs->len = 0;
		}
		r = MHD_create_response_from_buffer(rs->len, (void *)rs->body,
		    MHD_RESPMEM_PERSISTENT);
		if (rs->ctype != NULL && status != 304)
			MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE,
			    rs->ctype);
		if (rs->etag != NULL) {
			MHD_add_response_header(r, MHD_HTTP_HEADER_ETAG,
			    rs->etag);
			MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL,
			    "no-cache");
			MHD_add_response_header(r, MHD_HTTP_HEADER_VARY,
			    "Accept-Language, Cookie");
		}
	}
	http_common_headers(r);
	for (i = 0; i < rs->nhdrs; i++)
		MHD_add_response_header(r, rs->hdrs[i].name, rs->hdrs[i].value);
	ret = MHD_queue_response(rq->conn, (unsigned)status, r);
	MHD_destroy_response(r);
	rs->queued = 1;
	return ret;
}

/* ---- routing --------------------------------------------------------- */

int
http_route_matches(const char *pat, const char *path)
{
	while (*pat != '\0') {
		if (*pat == '{') {
			const char *end = strchr(pat, '}'), *v = path;

			if (end == NULL)
				return 0;
			while (*path != '\0' && *path != '/')
				path++;
			if (path == v)
				return 0;
			pat = end + 1;
			continue;
		}
		if (*pat++ != *path++)
			return 0;
	}
	return *path == '\0';
}

/*
 * Matches path against pattern, filling params (values in the arena).
 * {name} takes one or more characters up to the next '/'.
 */
static int
http_match(struct http_req *rq, const char *pat, const char *path)
{
	int n = 0;

	if (!http_route_matches(pat, path))
		return 0;
	while (*pat != '\0') {
		if (*pat == '{') {
			const char *end = strchr(pat, '}'), *v = path;

			if (n == HTTP_PARAMS_MAX)
				return 0;
			while (*path != '\0' && *path != '/')
				path++;
			rq->params[n].name = http_strndup(rq, pat + 1,
			    (size_t)(end - pat - 1));
			rq->params[n].value = http_strndup(rq, v,
			    (size_t)(path - v));
			n++;
			pat = end + 1;
			continue;
		}
		pat++;
		path++;
	}
	rq->nparams = n;
	return 1;
}

/* Finds the route; *allowed gets 1 when the path matched another method. */
static const struct http_route *
http_route_find(struct http_req *rq, int *allowed)
{
	const struct http_route *r;
	const char *m = strcmp(rq->method, "HEAD") == 0 ? "GET" : rq->method;

	*allowed = 0;
	for (r = http_routes; r->method != NULL; r++) {
		if (!http_match(rq, r->pattern, rq->path))
			continue;
		if (strcmp(r->method, m) == 0)
			return r;
		*allowed = 1;
	}
	rq->nparams = 0;
	return NULL;
}

/* "GET, HEAD" … for the Allow header of a 405 (arena). */
static const char *
http_routes_allow(struct http_req *rq)
{
	const struct http_route *r;
	char out[128] = "";
	size_t n = 0;

	for (r = http_routes; r->method != NULL; r++) {
		if (!http_route_matches(r->pattern, rq->path))
			continue;
		if (strstr(out, r->method) != NULL)
			continue;
		n += (size_t)snprintf(out + n, sizeof out - n, "%s%s%s",
		    n ? ", " : "", r->method,
		    strcmp(r->method, "GET") == 0 ? ", HEAD" : "");
		if (n >= sizeof out)
			break;
	}
	return http_strdup(rq, out);
}

/* ---- language ---------------------------------------------------------- */

/*
 * Sets the request's language: ?lang= (kept in a cookie when it changes),
 * else the lang cookie, else Accept-Language.
 */
static void
http_negotiate(struct http_req *rq)
{
	const char *q = http_query(rq, "lang"), *c = http_cookie(rq, "lang");

	if (q != NULL && i18n_lang_ok(q)) {
		rq->lang = q;
		if (c == NULL || strcmp(c, q) != 0)
			http_set_cookie(rq, &rq->resp, "lang", q,
			    365 * 24 * 3600, 0);
	} else if (c != NULL && i18n_lang_ok(c))
		rq->lang = c;
	else
		rq->lang = i18n_negotiate(http_header(rq,
		    MHD_HTTP_HEADER_ACCEPT_LANGUAGE));
	/* keep a pointer that outlives MHD's connection pool strings */
	rq->lang = strcmp(rq->lang, "sw") == 0 ? "sw" : "en";
}

/* ---- body ------------------------------------------------------------- */

/*
 * MHD's post processor: one piece of a form field, appended to the field
 * (at most HTTP_FIELDS_MAX fields of HTTP_FIELD_MAX bytes; past that the
 * request is marked too big and the body no longer read).
 */
static enum MHD_Result
http_post_field(void *cls, enum MHD_ValueKind kind, const char *key,
    const char *filename, const char *ctype, const char *enc,
    const char *data, uint64_t off, size_t size)
{
	struct http_req *rq = cls;
	struct http_kv *f;
	char *v;
	size_t old;

	(void)kind; (void)filename; (void)ctype; (void)enc;
	if (off > 0 && rq->nform > 0 &&
	    strcmp(rq->form[rq->nform - 1].name, key) == 0)
		f = &rq->form[rq->nform - 1];
	else {
		if (rq->nform == HTTP_FIELDS_MAX) {
			rq->too_big = 1;
			return MHD_NO;
		}
		if (rq->form == NULL)
			rq->form = http_alloc(rq,
			    HTTP_FIELDS_MAX * sizeof *rq->form);
		f = &rq->form[rq->nform++];
		f->name = http_strdup(rq, key);
		f->value = http_strdup(rq, "");
	}
	old = strlen(f->value);
	if (old + size > HTTP_FIELD_MAX) {
		rq->too_big = 1;
		return MHD_NO;
	}
	v = http_alloc(rq, old + size + 1);
	memcpy(v, f->value, old);
	memcpy(v + old, data, size);
	f->value = v;
	return MHD_YES;
}

static int http_wants_body(const struct http_req *rq);

/* Takes one piece of the body (form, raw body, or dropped, with limits). */
static void
http_take_body(struct http_req *rq, const char *data, size_t len)
{
	if (!http_wants_body(rq)) {
		/* a body nobody asked for (GET with a body, unknown path):
		 * dropped, but not without end */
		rq->body_seen += len;
		if (rq->body_seen > HTTP_BODY_MAX)
			rq->too_big = 1;
		return;
	}
	rq->body_seen += len;
	if (rq->body_seen > rq->body_max) {
		rq->too_big = 1;
		return;
	}
	if (rq->pp != NULL) {
		if (MHD_post_process(rq->pp, data, len) != MHD_YES &&
		    !rq->too_big)
			rq->bad_body = 1;
	} else if (rq->route->flags & HTTP_BODY)
		buf_add(&rq->body, data, len);
}

/* ---- the life cycle ---------------------------------------------------- */

/* MHD's first word on a request: its state, with the raw URI. */
static void *
http_uri_log(void *cls, const char *uri, struct MHD_Connection *c)
{
	struct http_req *rq = xcalloc(1, sizeof *rq);

	(void)cls;
	atomic_fetch_add(&http_inflight, 1);
	clock_gettime(CLOCK_MONOTONIC, &rq->t0);
	rq->conn = c;
	rq->uri = http_strndup(rq, uri, strnlen(uri, HTTP_URI_MAX));
	return rq;
}

/* MHD is done with a request (sent or abandoned): the one place it goes. */
static void
http_completed(void *cls, struct MHD_Connection *c, void **state,
    enum MHD_RequestTerminationCode why)
{
	(void)cls; (void)c; (void)why;
	if (*state != NULL) {
		http_req_free(*state);
		atomic_fetch_sub(&http_inflight, 1);
	}
	*state = NULL;
}

/*
 * Counts an answer for /metrics: by the route of the table, never the
 * path (paths hold tokens and refs, and a scanner's paths are endless:
 * everything no route matched is "other"), its status and the time since
 * the request arrived (the answer queued, not yet sent: a download's
 * transfer or an SSE stream's life is not the server's latency).
 */
static void
http_account(const struct http_req *rq)
{
	struct timespec now;
	char route[160];

	clock_gettime(CLOCK_MONOTONIC, &now);
	if (rq->route != NULL)
		snprintf(route, sizeof route, "%s %s", rq->route->method,
		    rq->route->pattern);
	metrics_request(rq->route != NULL ? route : METRICS_ROUTE_OTHER,
	    rq->resp.status, (double)(now.tv_sec - rq->t0.tv_sec) +
	    (double)(now.tv_nsec - rq->t0.tv_nsec) / 1e9);
}

/* Runs the handler (or the cache) and queues what it answered. */
static enum MHD_Result
http_run(struct http_req *rq)
{
	struct http_resp *rs = &rq->resp;
	enum MHD_Result ret;
	int status;

	if (rq->malformed) {
		status = http_error(rq, rs, 400, NULL);
		http_add_header(rq, rs, MHD_HTTP_HEADER_CONNECTION, "close");
	} else if (rq->too_big)
		status = http_error(rq, rs, 413, NULL);
	else if (rq->route == NULL)
		status = http_error(rq, rs, rq->allowed ? 405 : 404, NULL);
	else if (rq->bad_body)
		status = http_error(rq, rs, 400, NULL);
	else if ((rq->route->flags & HTTP_CACHE) && http_cache_serve(rq, rs))
		status = rs->status;
	else {
		status = rq->route->fn(rq, rs);
		if (status < 100 || status > 599) {
			/* The route's pattern, not the path: paths hold
			 * library tokens, order refs and callback secrets. */
			log_error("handler returned a bad status",
			    "route=\"%s\" status=%d", rq->route->pattern,
			    status);
			status = 500;
		}
		if (rs->mhd == NULL && !rs->has_body)
			status = http_error(rq, rs, status, NULL);
		else if ((rq->route->flags & HTTP_CACHE) && status == 200)
			http_cache_store(rq, rs);
	}
	rs->status = status;
	if (rq->allowed && status == 405)
		http_add_header(rq, rs, MHD_HTTP_HEADER_ALLOW,
		    http_routes_allow(rq));
	http_csrf_finish(rq, rs);
	ret = http_queue(rq, rs);
	http_account(rq);
	return ret;
}

/* 1 when the route takes a body (form or raw) and the method has one. */
static int
http_wants_body(const struct http_req *rq)
{
	return rq->route != NULL &&
	    (rq->route->flags & (HTTP_FORM | HTTP_BODY)) &&
	    strcmp(rq->method, "GET") != 0 && strcmp(rq->method, "HEAD") != 0;
}

/* Counts Content-Length (n[0]) and Transfer-Encoding (n[1]) headers. */
static enum MHD_Result
http_count_header(void *cls, enum MHD_ValueKind kind, const char *key,
    const char *value)
{
	int *n = cls;

	(void)kind; (void)value;
	if (strcasecmp(key, MHD_HTTP_HEADER_CONTENT_LENGTH) == 0)
		n[0]++;
	else if (strcasecmp(key, MHD_HTTP_HEADER_TRANSFER_ENCODING) == 0)
		n[1]++;
	return MHD_YES;
}

/*
 * What libmicrohttpd 0.9.75 lets through but HTTP/1.1 (RFC 9112) refuses,
 * found by tests/integration/security-battery.sh: a NUL (%00) in the path
 * (MHD decodes it and the path silently ends there); several
 * Content-Length headers, or one next to Transfer-Encoding (MHD takes the
 * first, and the rest becomes a "next request" a proxy did not see:
 * request smuggling); a Transfer-Encoding other than "chunked" (MHD never
 * answers it); HTTP/1.1 without Host. 1 when the request is one of them.
 */
static int
http_malformed(struct http_req *rq, const char *version)
{
	const char *q = rq->uri, *te;
	int n[2] = { 0, 0 };

	for (; *q != '\0' && *q != '?'; q++)
		if (q[0] == '%' && q[1] == '0' && q[2] == '0')
			return 1;
	MHD_get_connection_values(rq->conn, MHD_HEADER_KIND,
	    http_count_header, n);
	if (n[0] > 1 || n[1] > 1 || (n[0] > 0 && n[1] > 0))
		return 1;
	te = http_header(rq, MHD_HTTP_HEADER_TRANSFER_ENCODING);
	if (te != NULL && strcasecmp(te, "chunked") != 0)
		return 1;
	return version != NULL && strcmp(version, MHD_HTTP_VERSION_1_1) == 0 &&
	    http_header(rq, MHD_HTTP_HEADER_HOST) == NULL;
}

/* First call for a request: route it and prepare for its body. */
static enum MHD_Result
http_begin(struct http_req *rq, const char *url, const char *method,
    const char *version)
{
	const char *cl;
	int64_t n;

	rq->started = 1;
	rq->method = http_strdup(rq, method);
	rq->path = http_strdup(rq, url);
	http_negotiate(rq);
	if (http_malformed(rq, version)) {
		/* answered at once, and the connection closed after it:
		 * nothing that follows on it can be trusted */
		rq->malformed = 1;
		return http_run(rq);
	}
	rq->route = http_route_find(rq, &rq->allowed);
	if (!http_wants_body(rq))
		return MHD_YES;
	rq->body_max = rq->route->max_body ? rq->route->max_body :
	    HTTP_BODY_MAX;
	cl = http_header(rq, MHD_HTTP_HEADER_CONTENT_LENGTH);
	if (cl != NULL && (ny_parse_int(cl, 0, INT64_MAX, &n) != NY_OK ||
	    (uint64_t)n > rq->body_max)) {
		rq->too_big = 1;
		return http_run(rq);
	}
	buf_init(&rq->body, rq->body_max);
	if (rq->route->flags & HTTP_FORM)
		rq->pp = MHD_create_post_processor(rq->conn, 4096,
		    http_post_field, rq);
	return MHD_YES;
}

/*
 * MHD's access handler, called until the request is answered: routes it
 * on the first call, takes the body on the next ones, answers on the last.
 */
static enum MHD_Result
http_access(void *cls, struct MHD_Connection *c, const char *url,
    const char *method, const char *version, const char *upload,
    size_t *upload_len, void **state)
{
	struct http_req *rq = *state;

	(void)cls;
	if (rq == NULL) {
		/* no URI log call (should not happen): make one now */
		rq = *state = http_uri_log(NULL, url, c);
	}
	if (rq->resp.queued && rq->malformed)
		return MHD_NO;		/* answered 400: close, read no more */
	if (rq->resp.queued) {
		*upload_len = 0;	/* answered early (413): drain */
		return MHD_YES;
	}
	if (!rq->started) {
		enum MHD_Result ret = http_begin(rq, url, method, version);

		/* answer on the next call, as MHD expects (queueing on the
		 * first call costs the keep-alive) */
		return ret;
	}
	if (*upload_len != 0) {
		/* MHD cannot queue an answer in the middle of a body: once
		 * too big, drain (a little) and answer 413 at the end; a client
		 * that keeps sending is cut off */
		if (!rq->too_big)
			http_take_body(rq, upload, *upload_len);
		else if ((rq->body_seen += *upload_len) > HTTP_DRAIN_MAX)
			return MHD_NO;
		*upload_len = 0;
		return MHD_YES;
	}
	return http_run(rq);
}

/* ---- the server ------------------------------------------------------- */

/*
 * Raises RLIMIT_NOFILE (to 65536 at most) and returns how many
 * connections MHD may hold. Each connection is a descriptor (two while a
 * download goes out with sendfile); the rest of the process needs some
 * too: per thread a database connection (+ -wal, -shm), MHD's epoll and
 * eventfd, plus the listener, the store, logs, workers. Keep that reserve
 * out, and never promise more than 65536 even when the soft limit was
 * higher already (containers often start at 1M): every connection pins
 * 16 KiB of MHD memory, so "unlimited" would only move the failure.
 * A tiny limit (ulimit -n 200) still gets a working half instead of a
 * figure above the descriptors that exist.
 */
static unsigned
http_conn_limit(unsigned threads)
{
	struct rlimit rl;
	rlim_t cur, reserve = 128 + 8 * (rlim_t)threads;

	if (getrlimit(RLIMIT_NOFILE, &rl) != 0)
		return 512;
	if (rl.rlim_cur < rl.rlim_max && rl.rlim_cur < 65536) {
		rl.rlim_cur = rl.rlim_max > 65536 ? 65536 : rl.rlim_max;
		if (setrlimit(RLIMIT_NOFILE, &rl) != 0)
			getrlimit(RLIMIT_NOFILE, &rl);
	}
	cur = rl.rlim_cur > 65536 ? 65536 : rl.rlim_cur;
	return (unsigned)(cur > 2 * reserve ? cur - reserve : cur / 2);
}

static void http_mhd_log(void *, const char *, va_list) NY_PRINTF(2, 0);

/* MHD's own messages, into our log at debug level. */
static void
http_mhd_log(void *cls, const char *fmt, va_list ap)
{
	char msg[256], q[300];

	(void)cls;
	vsnprintf(msg, sizeof msg, fmt, ap);
	/* MHD's messages may quote what a client sent */
	log_debug("mhd", "detail=%s", log_quote(msg, q, sizeof q));
}

enum ny_err
http_start(const struct ny_config *cfg, struct http_server **out,
    char **cause)
{
	struct http_server *srv;
	struct sockaddr_in sa;
	unsigned limit, threads, per_ip;
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);

	if (sodium_init() < 0) {
		*cause = xstrdup("libsodium failed to initialise");
		return NY_EIO;
	}
	http_req_setup(cfg);
	http_csp_init(cfg);
	memset(&sa, 0, sizeof sa);
	sa.sin_family = AF_INET;
	sa.sin_port = htons((uint16_t)cfg->http_port);
	if (inet_pton(AF_INET, cfg->http_addr, &sa.sin_addr) != 1) {
		*cause = xasprintf("NYOTA_HTTP_ADDR: expected an IPv4 address, "
		    "got \"%s\"", cfg->http_addr);
		return NY_EINVAL;
	}
	if (http_static_init(cause) != NY_OK || http_cache_init(cfg, cause)
	    != NY_OK)
		return NY_EIO;
	threads = ncpu > 0 ? (unsigned)ncpu : 1;
	limit = http_conn_limit(threads);
	/*
	 * Per client address (MHD counts it across the pool's threads and
	 * closes the extra connection right after accept). Without it one
	 * client can take the whole table. The default (config.c) is 128: a
	 * phone's browser opens about 6 connections to a host plus one SSE
	 * stream while it waits for a payment, and a mobile carrier's NAT
	 * puts many buyers behind one address, so 128 leaves room for a
	 * dozen or more busy phones there while one client takes under 1%
	 * of the table. Behind a local reverse proxy every buyer is
	 * 127.0.0.1: set 0 (off) and limit at the proxy. A trusted proxy
	 * (NYOTA_TRUSTED_PROXY) turns it off here for the same reason; the
	 * limits by address that matter (checkouts) use X-Forwarded-For.
	 */
	per_ip = cfg->trusted_proxy[0] != '\0' ? 0 :
	    (unsigned)cfg->http_per_ip_limit;
	srv = xcalloc(1, sizeof *srv);
	srv->lfd = MHD_INVALID_SOCKET;
	srv->d = MHD_start_daemon(MHD_USE_EPOLL_INTERNAL_THREAD |
	    MHD_ALLOW_SUSPEND_RESUME | MHD_USE_TURBO | MHD_USE_ERROR_LOG, 0,
	    NULL, NULL, http_access, NULL,
	    MHD_OPTION_SOCK_ADDR, &sa,
	    MHD_OPTION_THREAD_POOL_SIZE, threads,
	    MHD_OPTION_CONNECTION_LIMIT, limit,
	    MHD_OPTION_PER_IP_CONNECTION_LIMIT, per_ip,
	    /* Per connection, held by every SSE stream for its whole life
	     * (touched in full: 48 KiB cost ~40 KB RSS per stream, 16 KiB
	     * ~24 KB); 16 KiB still takes request headers of ~8 KB. */
	    MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)(16 * 1024),
	    MHD_OPTION_CONNECTION_TIMEOUT, 60u,
	    MHD_OPTION_LISTEN_BACKLOG_SIZE, 1024u,
	    MHD_OPTION_URI_LOG_CALLBACK, http_uri_log, NULL,
	    MHD_OPTION_NOTIFY_COMPLETED, http_completed, NULL,
	    MHD_OPTION_EXTERNAL_LOGGER, http_mhd_log, NULL,
	    MHD_OPTION_END);
	if (srv->d == NULL) {
		*cause = xasprintf("cannot listen on %s:%d: %s", cfg->http_addr,
		    cfg->http_port, strerror(errno));
		free(srv);
		return NY_EIO;
	}
	log_info("http started", "threads=%u conn_limit=%u per_ip_limit=%u",
	    threads, limit, per_ip);
	*out = srv;
	return NY_OK;
}

struct MHD_Daemon *
http_daemon(struct http_server *srv)
{
	return srv->d;
}

void
http_drain(struct http_server *srv)
{
	atomic_store(&http_draining, 1);
	if (srv == NULL || srv->lfd != MHD_INVALID_SOCKET)
		return;
	/*
	 * MHD stops accepting (ALLOW_SUSPEND_RESUME brings the ITC it needs)
	 * but hands the socket back, still listening: connections would
	 * queue in the backlog unanswered until exit. shutdown() makes the
	 * kernel refuse them now, and keeps the descriptor number taken
	 * until MHD_stop_daemon, after which a pool thread can no longer be
	 * looking at it (MHD's rule for closing it).
	 */
	srv->lfd = MHD_quiesce_daemon(srv->d);
	if (srv->lfd != MHD_INVALID_SOCKET)
		shutdown(srv->lfd, SHUT_RDWR);
	else
		log_warn("http listener not quiesced", "detail=\"%s\"",
		    "new connections are accepted until the stop");
}

int
http_busy(void)
{
	return atomic_load(&http_inflight);
}

void
http_stop(struct http_server *srv)
{
	if (srv == NULL)
		return;
	MHD_stop_daemon(srv->d);
	if (srv->lfd != MHD_INVALID_SOCKET)
		close(srv->lfd);
	free(srv);
	http_cache_flush();
}
