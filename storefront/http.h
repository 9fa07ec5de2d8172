/*
 * http.h: the storefront's HTTP layer over libmicrohttpd: a const route
 * table, per-request arena + defer list, request accessors, and response
 * builders (templated HTML pages, JSON, redirects, raw MHD responses for
 * files and SSE). Every response gets the security headers.
 *
 * Files. The layer is one module with one prefix, http_, because that is
 * how handlers know it; its files are its parts, named for what they hold,
 * and the calls between them go one way, top to bottom:
 *
 *	http.c		the server loop: daemon, request life cycle, routing
 *			through http_routes[] (routes.c), queueing answers;
 *			called by main.c only
 *	routes.c	the route table → the handlers (pages.c, checkout.c …)
 *	http-cache.c	the render cache (http_cache_*), used by the loop
 *	http-page.c	templated pages and error pages (http_page, http_error)
 *	http-csrf.c	the CSRF token (http_csrf_*)
 *	http-static.c	embedded static files (http_static_*)
 *	http-reply.c	the response builders (http_bytes, http_json …)
 *	http-req.c	the request: arena, defers, accessors, http_db
 *	http-link.c	request paths made safe to echo (http_link_path)
 *
 * Handlers use everything below routes.c and nothing above it; the parts
 * below never call the loop or the handlers back.
 *
 * Threads: MHD runs an epoll thread pool (one thread per core). Handlers
 * run on those threads; each thread has its own lazily opened database
 * connection (http_db), never shared with another thread.
 *
 * Adding routes: put a line in http_routes[] (storefront/routes.c) and
 * declare the handler in your module's header, e.g. checkout.h:
 *
 *	int checkout_start(struct http_req *rq, struct http_resp *rs);
 *	{ "POST", "/p/{slug}/checkout", checkout_start, HTTP_FORM, 0 },
 *
 * A handler returns the HTTP status it answers with (200, 303, 404 …)
 * after filling rs through one of the http_* response builders below.
 * When a handler returns a status without having built a body, the
 * framework answers with the standard error page in the buyer's language
 * (so `return 404;` is a complete "not found"). Handlers never free:
 * everything from http_alloc/http_strdup/http_printf and http_defer is
 * released once, when MHD reports the request completed (after the last
 * byte is sent or the client left).
 */
#ifndef NY_HTTP_H
#define NY_HTTP_H

#include <jansson.h>
#include <microhttpd.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "db.h"
#include "ny.h"

struct http_req;
struct http_resp;

/* Returns the HTTP status; see above. */
typedef int (*http_handler)(struct http_req *rq, struct http_resp *rs);

/* Route flags. */
#define HTTP_FORM	0x01	/* POST body parsed as urlencoded/multipart
				 * form fields (MHD_PostProcessor) → http_form */
#define HTTP_BODY	0x02	/* raw body kept (e.g. a JSON callback) →
				 * http_body; not parsed */
#define HTTP_CACHE	0x04	/* GET: rendered bytes cached by path + query
				 * + language until the database changes
				 * (only for pages that depend on nothing
				 * else: no per-buyer data!) */

/*
 * One route. method is "GET", "POST" …; GET routes also answer HEAD.
 * pattern is a path whose {name} parts match one or more characters up to
 * the next '/' (or the end): "/p/{slug}", "/@{handle}", "/dl/{id}/{name}".
 * The first matching line wins. max_body caps the body for HTTP_FORM /
 * HTTP_BODY (0 = HTTP_BODY_MAX); bigger bodies get 413.
 */
struct http_route {
	const char	*method;
	const char	*pattern;
	http_handler	 fn;
	unsigned	 flags;
	size_t		 max_body;
};
#define HTTP_BODY_MAX	(64 * 1024)

/* The table (storefront/routes.c), terminated by a NULL method. */
extern const struct http_route http_routes[];

/* ---- server (http.c) -------------------------------------------------- */

struct http_server;

/*
 * Starts listening on cfg->http_addr:cfg->http_port with a thread pool of
 * one thread per core, raised connection and RLIMIT_NOFILE limits.
 * cfg must outlive the server. Returns NY_OK and *out, or NY_EIO with
 * *cause (caller frees).
 */
enum ny_err http_start(const struct ny_config *cfg,
	    struct http_server **out, char **cause);
/*
 * SIGTERM: stops accepting (new connections are refused), and every answer
 * from now on closes its connection. Requests in flight go on.
 */
void	 http_drain(struct http_server *srv);
/* Requests in flight (received, not yet answered in full). Any thread. */
int	 http_busy(void);
/* Stops the daemon (resume suspended connections first) and frees it. */
void	 http_stop(struct http_server *srv);
/* The MHD daemon, e.g. for MHD_resume_connection bookkeeping. */
struct MHD_Daemon *http_daemon(struct http_server *srv);

/* ---- per-request memory (http-req.c) --------------------------------- */

/* Zeroed memory / copies living until the request completes. Never NULL. */
void	*http_alloc(struct http_req *rq, size_t n);
char	*http_strdup(struct http_req *rq, const char *s);
char	*http_strndup(struct http_req *rq, const char *s, size_t n);
char	*http_printf(struct http_req *rq, const char *fmt, ...) NY_PRINTF(2, 3);
/*
 * Runs fn(arg) when the request completes, last registered first
 * (closing an fd, json_decref, releasing a cache entry …).
 */
void	 http_defer(struct http_req *rq, void (*fn)(void *), void *arg);
/* Convenience: json_decref(v) at completion; returns v. */
json_t	*http_json_defer(struct http_req *rq, json_t *v);

/* ---- the request (http-req.c) ---------------------------------------- */

/* "GET", "POST" … and the path (percent-decoded by MHD, no query). */
const char	*http_method(const struct http_req *rq);
const char	*http_path(const struct http_req *rq);
/* A {name} of the matched route pattern, or NULL. */
const char	*http_param(const struct http_req *rq, const char *name);
/* A query-string argument (decoded), or NULL. */
const char	*http_query(struct http_req *rq, const char *name);
/* A request header (case-insensitive name), or NULL. */
const char	*http_header(struct http_req *rq, const char *name);
/* A cookie value, or NULL. */
const char	*http_cookie(struct http_req *rq, const char *name);
/*
 * A form field (routes with HTTP_FORM; first value when repeated; pieces
 * joined; each field at most 8 KiB, 64 fields), or NULL.
 */
const char	*http_form(const struct http_req *rq, const char *name);
/* The raw body (routes with HTTP_BODY), NUL-terminated; len may be NULL. */
const char	*http_body(const struct http_req *rq, size_t *len);
/* The client's address as text ("127.0.0.1", "::1"). Never NULL. */
const char	*http_client_addr(struct http_req *rq);
/* The buyer's language ("en" | "sw"): ?lang=, cookie lang, Accept-Language. */
const char	*http_lang(const struct http_req *rq);
/* The MHD connection (for MHD_suspend_connection / resume in SSE). */
struct MHD_Connection *http_conn(const struct http_req *rq);
/*
 * This thread's database connection, opened on first use and kept for
 * the thread's life (NULL when it cannot be opened). Never share it with
 * another thread; hand it only to shared/ functions (no SQL here).
 */
struct db	*http_db(struct http_req *rq);
/* The configuration the server runs with (valid from any thread). */
const struct ny_config *http_config(void);

/* ---- responses (each returns the status to hand back) ---------------- */

/* Pages (http-page.c). */

/*
 * Renders storefront/templates/<name>.html with ctx inside layout.html and
 * answers text/html. ctx is a JSON object (stolen: decref'd for you; may
 * be NULL); the layout and templates also see: lang, other_lang, css, js
 * (asset URLs), path, base_url, title (if ctx has none, the site name) and
 * csrf: write it RAW in forms, <input type="hidden" name="csrf"
 * value="{{{csrf}}}">: it is a marker that is replaced by the buyer's
 * token (http_csrf_token, cookie set when new) after rendering, so
 * cached pages stay shared. Returns status.
 */
int	 http_page(struct http_req *rq, struct http_resp *rs, int status,
	    const char *tmpl, json_t *ctx);
/*
 * The error page for status (404, 405, 413, 422, 429, 500 …) in the
 * buyer's language; message_key (may be NULL) is a locale key shown
 * under the heading. Returns status.
 */
int	 http_error(struct http_req *rq, struct http_resp *rs, int status,
	    const char *message_key);

/* Builders (http-reply.c). */

/* Answers application/json with v (stolen). Returns status. */
int	 http_json(struct http_req *rq, struct http_resp *rs, int status,
	    json_t *v);
/* Answers with bytes (copied) and a content type. Returns status. */
int	 http_bytes(struct http_req *rq, struct http_resp *rs, int status,
	    const char *content_type, const void *data, size_t len);
/* 303 See Other (or 301/302/307) to location. Returns status. */
int	 http_redirect(struct http_req *rq, struct http_resp *rs, int status,
	    const char *location);
/*
 * Answers with a response the handler built itself: an fd for sendfile
 * (MHD_create_response_from_fd_at_offset64, 206 with Content-Range …) or a
 * callback stream (MHD_create_response_from_callback for SSE). The
 * framework adds the common headers, queues it and destroys its reference
 * (MHD keeps it alive while sending). Returns status.
 */
int	 http_mhd(struct http_req *rq, struct http_resp *rs, int status,
	    struct MHD_Response *r);
/* Adds a header to the response (name, value copied). */
void	 http_add_header(struct http_req *rq, struct http_resp *rs,
	    const char *name, const char *value);
/*
 * Sets a cookie: Path=/, SameSite=Lax, HttpOnly (when http_only), max_age
 * seconds (0: session cookie, <0: delete).
 */
void	 http_set_cookie(struct http_req *rq, struct http_resp *rs,
	    const char *name, const char *value, int max_age, int http_only);
/* FNV-1a 64 of data: ETags, cache keys, small hash tables. */
uint64_t http_hash64(const void *data, size_t len);

/* ---- CSRF, double-submit cookie (http-csrf.c) ------------------------ */

/*
 * The CSRF token for this buyer: the cookie "csrf" when it holds a valid
 * token, else a new random one that is set as a cookie on this response.
 * http_page puts it into templates as {{csrf}}; cached pages get it
 * spliced in per request. Returns arena memory (22 chars, base64url).
 */
const char	*http_csrf_token(struct http_req *rq, struct http_resp *rs);
/* 1 when the form field "csrf" matches the cookie (constant time). */
int		 http_csrf_ok(struct http_req *rq);

/* ---- static assets (http-static.c) ----------------------------------- */

/*
 * The public URL of an embedded storefront/static/ file, with its content
 * hash: http_static_url("app.css") → "/static/app.3f2a9c01de.css".
 * Served immutable for a year. NULL for an unknown name.
 */
const char	*http_static_url(const char *name);
/* GET /static/{file}: the embedded file under its hashed name, or 404. */
int		 http_static_serve(struct http_req *rq, struct http_resp *rs);

/* ---- render cache (http-cache.c) ------------------------------------- */

/*
 * Drops every cached rendering (the server also does so by itself when
 * PRAGMA data_version or the events seq moves, checked every ~50 ms).
 */
void	 http_cache_flush(void);

#endif
