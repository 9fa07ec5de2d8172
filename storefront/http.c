/*
 * http.c: the libmicrohttpd side of the storefront: daemon set-up, the
 * request life cycle (URI log callback creates it, the access handler
 * routes it, the completed callback frees it in one place), the per-request
 * arena and defer list, request accessors and response finishing.
 */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <sys/resource.h>

#include <sodium.h>

#include "http-int.h"
#include "i18n.h"
#include "log.h"
#include "tmpl.h"

#define HTTP_FIELD_MAX	(8 * 1024)
#define HTTP_FIELDS_MAX	64
#define HTTP_URI_MAX	(16 * 1024)
#define HTTP_DRAIN_MAX	(1024 * 1024)	/* body read past a limit before 413 */

static const struct ny_config *http_cfg;
static pthread_key_t http_db_key;

struct http_server {
	struct MHD_Daemon	*d;
};

/* ---- arena and defer ------------------------------------------------- */

struct http_chunk {
	struct http_chunk	*next;
	size_t			 len, cap;
	max_align_t		 data[];
};

void *
http_alloc(struct http_req *rq, size_t n)
{
	struct http_chunk *c = rq->arena;
	size_t need = (n + sizeof(max_align_t) - 1) & ~(sizeof(max_align_t) - 1);
	char *p;

	if (need == 0)
		need = sizeof(max_align_t);
	if (c == NULL || c->cap - c->len < need) {
		size_t cap = need > 8192 ? need : 8192;

		c = xmalloc(sizeof *c + cap);
		c->len = 0;
		c->cap = cap;
		c->next = rq->arena;
		rq->arena = c;
	}
	p = (char *)c->data + c->len;
	c->len += need;
	memset(p, 0, n);
	return p;
}

char *
http_strndup(struct http_req *rq, const char *s, size_t n)
{
	char *p = http_alloc(rq, n + 1);

	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *
http_strdup(struct http_req *rq, const char *s)
{
	return http_strndup(rq, s, strlen(s));
}

char *
http_printf(struct http_req *rq, const char *fmt, ...)
{
	va_list ap;
	char *s, *p;

	va_start(ap, fmt);
	s = xvasprintf(fmt, ap);
	va_end(ap);
	p = http_strdup(rq, s);
	free(s);
	return p;
}

struct http_defer {
	struct http_defer	*next;
	void			(*fn)(void *);
	void			*arg;
};

void
http_defer(struct http_req *rq, void (*fn)(void *), void *arg)
{
	struct http_defer *d = http_alloc(rq, sizeof *d);

	d->fn = fn;
	d->arg = arg;
	d->next = rq->defers;
	rq->defers = d;
}

static void
http_decref(void *v)
{
	json_decref(v);
}

json_t *
http_json_defer(struct http_req *rq, json_t *v)
{
	if (v != NULL)
		http_defer(rq, http_decref, v);
	return v;
}

/* The one place where a request's memory goes. */
static void
http_req_free(struct http_req *rq)
{
	struct http_defer *d;
	struct http_chunk *c, *next;

	if (rq->pp != NULL)
		MHD_destroy_post_processor(rq->pp);
	/* defers live in the arena: run them all before freeing it */
	for (d = rq->defers; d != NULL; d = d->next)
		d->fn(d->arg);
	buf_free(&rq->body);
	for (c = rq->arena; c != NULL; c = next) {
		next = c->next;
		free(c);
	}
	free(rq);
}

/* ---- per-thread database --------------------------------------------- */

static void
http_db_close(void *db)
{
	db_close(db);
}

struct db *
http_db(struct http_req *rq)
{
	struct db *db = pthread_getspecific(http_db_key);
	char *cause = NULL;

	(void)rq;
	if (db != NULL)
		return db;
	if (db_open(http_cfg->db_path, &db, &cause) != NY_OK) {
		log_error("cannot open database", "err=\"%s\"", cause);
		free(cause);
		return NULL;
	}
	pthread_setspecific(http_db_key, db);
	return db;
}

const struct ny_config *
http_config(void)
{
	return http_cfg;
}

/* ---- request accessors ----------------------------------------------- */

const char *
http_method(const struct http_req *rq)
{
	return rq->method;
}

const char *
http_path(const struct http_req *rq)
{
	return rq->path;
}

const char *
http_param(const struct http_req *rq, const char *name)
{
	int i;

	for (i = 0; i < rq->nparams; i++)
		if (strcmp(rq->params[i].name, name) == 0)
			return rq->params[i].value;
	return NULL;
}

const char *
http_query(struct http_req *rq, const char *name)
{
	return MHD_lookup_connection_value(rq->conn, MHD_GET_ARGUMENT_KIND,
	    name);
}

const char *
http_header(struct http_req *rq, const char *name)
{
	return MHD_lookup_connection_value(rq->conn, MHD_HEADER_KIND, name);
}

const char *
http_cookie(struct http_req *rq, const char *name)
{
	return MHD_lookup_connection_value(rq->conn, MHD_COOKIE_KIND, name);
}

const char *
http_form(const struct http_req *rq, const char *name)
{
	int i;

	for (i = 0; i < rq->nform; i++)
		if (strcmp(rq->form[i].name, name) == 0)
			return rq->form[i].value;
	return NULL;
}

const char *
http_body(const struct http_req *rq, size_t *len)
{
	if (len)
		*len = rq->body.len;
	return rq->body.data ? rq->body.data : "";
}

const char *
http_client_addr(struct http_req *rq)
{
	const union MHD_ConnectionInfo *ci;
	const struct sockaddr *sa;
	char buf[INET6_ADDRSTRLEN] = "unknown";

	if (rq->addr != NULL)
		return rq->addr;
	ci = MHD_get_connection_info(rq->conn,
	    MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	if (ci != NULL && (sa = ci->client_addr) != NULL) {
		if (sa->sa_family == AF_INET)
			inet_ntop(AF_INET, &((const struct sockaddr_in *)
			    (const void *)sa)->sin_addr, buf, sizeof buf);
		else if (sa->sa_family == AF_INET6)
			inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)
			    (const void *)sa)->sin6_addr, buf, sizeof buf);
	}
	rq->addr = http_strdup(rq, buf);
	return rq->addr;
}

const char *
http_lang(const struct http_req *rq)
{
	return rq->lang;
}

struct MHD_Connection *
http_conn(const struct http_req *rq)
{
	return rq->conn;
}

/* ---- responses -------------------------------------------------------- */

void
http_add_header(struct http_req *rq, struct http_resp *rs, const char *name,
    const char *value)
{
	if (rs->nhdrs == HTTP_HDRS_MAX) {
		log_warn("too many response headers", "name=%s", name);
		return;
	}
	rs->hdrs[rs->nhdrs].name = http_strdup(rq, name);
	rs->hdrs[rs->nhdrs].value = http_strdup(rq, value);
	rs->nhdrs++;
}

void
http_set_cookie(struct http_req *rq, struct http_resp *rs, const char *name,
    const char *value, int max_age, int http_only)
{
	char age[48] = "";

	if (max_age > 0)
		snprintf(age, sizeof age, "; Max-Age=%d", max_age);
	else if (max_age < 0)
		snprintf(age, sizeof age, "; Max-Age=0");
	/* Secure when the site is served over https (behind a proxy too) */
	http_add_header(rq, rs, MHD_HTTP_HEADER_SET_COOKIE,
	    http_printf(rq, "%s=%s; Path=/; SameSite=Lax%s%s%s", name, value,
	    age, http_only ? "; HttpOnly" : "", http_cfg != NULL &&
	    strncmp(http_cfg->base_url, "https:", 6) == 0 ? "; Secure" : ""));
}

int
http_bytes(struct http_req *rq, struct http_resp *rs, int status,
    const char *content_type, const void *data, size_t len)
{
	char *p = http_alloc(rq, len + 1);

	memcpy(p, data, len);
	rs->body = p;
	rs->len = len;
	rs->has_body = 1;
	rs->ctype = http_strdup(rq, content_type);
	rs->status = status;
	return status;
}

int
http_json(struct http_req *rq, struct http_resp *rs, int status, json_t *v)
{
	char *s = json_dumps(v, JSON_COMPACT | JSON_ENSURE_ASCII);

	json_decref(v);
	if (s == NULL)
		return 500;
	http_bytes(rq, rs, status, "application/json", s, strlen(s));
	free(s);
	rs->etag_ok = 1;
	return status;
}

int
http_redirect(struct http_req *rq, struct http_resp *rs, int status,
    const char *location)
{
	static const char empty[] = "";

	http_add_header(rq, rs, MHD_HTTP_HEADER_LOCATION, location);
	return http_bytes(rq, rs, status, "text/plain; charset=utf-8", empty, 0);
}

int
http_mhd(struct http_req *rq, struct http_resp *rs, int status,
    struct MHD_Response *r)
{
	(void)rq;
	rs->mhd = r;
	rs->status = status;
	return status;
}

/* Adds the headers every response carries. */
static void
http_common_headers(struct MHD_Response *r)
{
	MHD_add_response_header(r, "Content-Security-Policy",
	    "default-src 'self'; img-src 'self' data:; script-src 'self'; "
	    "style-src 'self'; object-src 'none'; base-uri 'none'; "
	    "form-action 'self'; frame-ancestors 'none'");
	MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(r, "Referrer-Policy", "no-referrer");
}

static enum MHD_Result
http_queue(struct http_req *rq, struct http_resp *rs)
{
	struct MHD_Response *r = rs->mhd;
	enum MHD_Result ret;
	const char *inm;
	int i, status = rs->status;

	if (r == NULL) {
		if (rs->etag_ok && status == 200 && rs->etag == NULL)
			rs->etag = http_printf(rq, "\"%016llx\"",
			    (unsigned long long)(rs->etag64_set ? rs->etag64 :
			    http_hash64(rs->body, rs->len)));
		if (rs->etag != NULL && status == 200 &&
		    (inm = http_header(rq, MHD_HTTP_HEADER_IF_NONE_MATCH))
		    != NULL && strstr(inm, rs->etag) != NULL) {
			status = 304;
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

/* ---- language ---------------------------------------------------------- */

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

/* Takes one piece of the body. */
static int http_wants_body(const struct http_req *rq);

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

static void *
http_uri_log(void *cls, const char *uri, struct MHD_Connection *c)
{
	struct http_req *rq = xcalloc(1, sizeof *rq);

	(void)cls;
	rq->conn = c;
	rq->uri = http_strndup(rq, uri, strnlen(uri, HTTP_URI_MAX));
	return rq;
}

static void
http_completed(void *cls, struct MHD_Connection *c, void **state,
    enum MHD_RequestTerminationCode why)
{
	(void)cls; (void)c; (void)why;
	if (*state != NULL)
		http_req_free(*state);
	*state = NULL;
}

/* Runs the handler (or the cache) and queues what it answered. */
static enum MHD_Result
http_run(struct http_req *rq)
{
	struct http_resp *rs = &rq->resp;
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
	return http_queue(rq, rs);
}

static int
http_wants_body(const struct http_req *rq)
{
	return rq->route != NULL &&
	    (rq->route->flags & (HTTP_FORM | HTTP_BODY)) &&
	    strcmp(rq->method, "GET") != 0 && strcmp(rq->method, "HEAD") != 0;
}

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

static void
http_mhd_log(void *cls, const char *fmt, va_list ap)
{
	char msg[256], q[300];

	(void)cls;
	vsnprintf(msg, sizeof msg, fmt, ap);
	/* MHD's messages may quote what a client sent */
	log_debug("mhd", "detail=%s", log_quote(msg, q, sizeof q));
}

int
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
	http_cfg = cfg;
	pthread_key_create(&http_db_key, http_db_close);
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
	 * 127.0.0.1: set 0 (off) and limit at the proxy.
	 */
	per_ip = (unsigned)cfg->http_per_ip_limit;
	srv = xcalloc(1, sizeof *srv);
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
http_stop(struct http_server *srv)
{
	if (srv == NULL)
		return;
	MHD_stop_daemon(srv->d);
	free(srv);
	http_cache_flush();
}
