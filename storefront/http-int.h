/*
 * http-int.h: what the storefront's http.c and http-*.c files share: the
 * request and response structures and the calls between the parts; not
 * for handlers (they use http.h).
 */
#ifndef NY_HTTP_INT_H
#define NY_HTTP_INT_H

#include <time.h>

#include "http.h"

#define HTTP_PARAMS_MAX	8
#define HTTP_HDRS_MAX	16

/* Marks where the CSRF token goes in a rendered page (never produced by
 * escaped text or cmark's safe output, both of which escape '<'). */
#define HTTP_CSRF_MARK	"<!--nyota:csrf-->"
/* Marks where the count of the buyer's cart goes (the layout's header). */
#define HTTP_CART_MARK	"<!--nyota:cart-->"

struct http_kv {
	const char	*name;
	const char	*value;
};

struct http_resp {
	int			 status;
	struct MHD_Response	*mhd;		/* built by the handler */
	const char		*ctype;
	const char		*body;		/* arena or cache entry */
	size_t			 len;
	int			 has_body;
	struct http_kv		 hdrs[HTTP_HDRS_MAX];
	int			 nhdrs;
	int			 etag_ok;	/* answer with an ETag / 304 */
	uint64_t		 etag64;
	int			 etag64_set;
	const char		*etag;		/* formatted */
	int			 splice;	/* body holds a HTTP_*_MARK */
	int			 queued;
};

struct http_req {
	struct MHD_Connection		*conn;
	const char			*method;
	const char			*path;
	const char			*uri;	/* raw, with the query */
	struct timespec			 t0;	/* arrived (monotonic) */
	const struct http_route		*route;
	int				 allowed;	/* path known, other method */
	struct http_kv			 params[HTTP_PARAMS_MAX];
	int				 nparams;
	struct http_kv			*form;
	int				 nform;
	struct MHD_PostProcessor	*pp;
	struct ny_buf			 body;
	size_t				 body_max;
	size_t				 body_seen;
	int				 too_big;
	int				 bad_body;
	int				 malformed;	/* http_malformed: 400, close */
	int				 started;
	const char			*lang;
	const char			*addr;
	const char			*csrf;
	uint64_t			 cache_gen;	/* at the cache miss */
	struct http_chunk		*arena;
	struct http_defer		*defers;
	struct http_resp		 resp;
};

/*
 * Request (http-req.c). http_req_setup keeps cfg (it must outlive the
 * server) for http_config and http_db; called once by http_start before
 * the daemon's threads run. http_req_free releases everything a request
 * holds (its defers run first, last registered first).
 */
void		 http_req_setup(const struct ny_config *cfg);
void		 http_req_free(struct http_req *rq);

/* Static assets (http-static.c): hashes every storefront/static/ file. */
enum ny_err	 http_static_init(char **cause);

/* Render cache (http-cache.c). NY_OK, or NY_EDB with *cause. */
enum ny_err	 http_cache_init(const struct ny_config *cfg, char **cause);
/* Fills rs from the cache and returns 1 on a fresh hit, else 0. */
int		 http_cache_serve(struct http_req *rq, struct http_resp *rs);
/* Keeps rs's 200 body for this request's key. */
void		 http_cache_store(struct http_req *rq, struct http_resp *rs);

/* 1 when path matches the route pattern (http.c). */
int		 http_route_matches(const char *pat, const char *path);
/* Splices the CSRF token into a page that asked for one (http-csrf.c). */
void		 http_csrf_finish(struct http_req *rq, struct http_resp *rs);

#endif
