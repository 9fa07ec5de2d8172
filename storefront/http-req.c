/*
 * http-req.c: the request as handlers see it (see http.h): its arena and
 * defer list (everything it holds is released in one place, when MHD
 * reports it completed), its accessors, and this thread's database
 * connection. Below the responses (http-reply.c) and the server loop
 * (http.c), which both use it; it calls neither.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <arpa/inet.h>

#include "http-int.h"
#include "log.h"

/* Set once by http_req_setup, before the daemon starts its threads. */
static const struct ny_config *http_cfg;
static pthread_key_t http_db_key;

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

/* A defer: json_decref(v). */
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

void
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

/* The thread-key destructor: a pool thread ended, its connection goes. */
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

void
http_req_setup(const struct ny_config *cfg)
{
	http_cfg = cfg;
	pthread_key_create(&http_db_key, http_db_close);
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

/*
 * Behind a trusted proxy: the client is the last address of
 * X-Forwarded-For, the one the proxy itself added (anything before it
 * came from the client and may be forged). Left as the proxy's address
 * when the header is missing or its last item is not an IP literal.
 */
/* MHD_get_connection_values' iterator: keeps the last X-Forwarded-For. */
static enum MHD_Result
xff_last(void *cls, enum MHD_ValueKind kind, const char *key,
    const char *value)
{
	(void)kind;
	if (key != NULL && value != NULL &&
	    strcasecmp(key, "X-Forwarded-For") == 0)
		*(const char **)cls = value;
	return MHD_YES;
}

static void
forwarded_for(struct http_req *rq, char *buf, size_t len)
{
	unsigned char bin[sizeof(struct in6_addr)];
	const char *xff, *p, *end;
	char ip[INET6_ADDRSTRLEN];
	int fam;
	size_t n;

	/* The last header line: a proxy may add its own line after the
	 * client's instead of appending to it. */
	xff = NULL;
	MHD_get_connection_values(rq->conn, MHD_HEADER_KIND, xff_last, &xff);
	if (xff == NULL)
		return;
	p = strrchr(xff, ',');
	p = p != NULL ? p + 1 : xff;
	while (*p == ' ' || *p == '\t')
		p++;
	end = p + strlen(p);
	while (end > p && (end[-1] == ' ' || end[-1] == '\t'))
		end--;
	n = (size_t)(end - p);
	if (n == 0 || n >= sizeof ip)
		return;
	memcpy(ip, p, n);
	ip[n] = '\0';
	fam = strchr(ip, ':') != NULL ? AF_INET6 : AF_INET;
	if (inet_pton(fam, ip, bin) == 1)
		inet_ntop(fam, bin, buf, (socklen_t)len);	/* one spelling */
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
	if (config_trusted_proxy(http_config(), buf))
		forwarded_for(rq, buf, sizeof buf);
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
