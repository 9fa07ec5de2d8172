/*
 * http-cache.c: the render cache. Pages of routes marked HTTP_CACHE are
 * kept as rendered bytes under "lang|uri" until the database changes: one
 * private read-only connection polls PRAGMA data_version (moves on any
 * other connection's commit) and the events seq, at most every 50 ms and
 * only from a request that happens to come by (no thread of its own).
 * Any change drops everything: pages are cheap to render once, and the
 * catalog changes rarely compared with how often it is read.
 *
 * Entries are reference counted: a response being sent holds its entry,
 * so a flush never frees bytes MHD is still writing.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <string.h>
#include <time.h>

#include "http-int.h"
#include "log.h"

#define CACHE_BUCKETS	1024
#define CACHE_ENTRIES	4096
#define CACHE_BYTES	(64u * 1024 * 1024)
#define CACHE_KEY_MAX	512
#define CACHE_CHECK_MS	50

struct cache_entry {
	struct cache_entry	*next;
	atomic_int		 refs;
	uint64_t		 gen;
	uint64_t		 hash;
	char			*key;
	char			*body;
	size_t			 len;
	char			*ctype;
	uint64_t		 etag64;
	int			 splice;
};

static struct {
	pthread_mutex_t		 mu;
	struct cache_entry	*buckets[CACHE_BUCKETS];
	size_t			 n, bytes;
	_Atomic uint64_t	 gen;
	_Atomic int64_t		 last_check;
	pthread_mutex_t		 watch_mu;
	struct db		*watch;
	int64_t			 last_seq;
} cache = {
	.mu = PTHREAD_MUTEX_INITIALIZER,
	.watch_mu = PTHREAD_MUTEX_INITIALIZER,
};

/* Drops one reference to an entry; the last one frees it. */
static void
cache_unref(void *arg)
{
	struct cache_entry *e = arg;

	if (atomic_fetch_sub(&e->refs, 1) != 1)
		return;
	free(e->key);
	free(e->body);
	free(e->ctype);
	free(e);
}

/* Empties the table; call with mu held. */
static void
cache_clear_locked(void)
{
	struct cache_entry *e, *next;
	size_t i;

	for (i = 0; i < CACHE_BUCKETS; i++) {
		for (e = cache.buckets[i]; e != NULL; e = next) {
			next = e->next;
			cache_unref(e);
		}
		cache.buckets[i] = NULL;
	}
	cache.n = cache.bytes = 0;
}

void
http_cache_flush(void)
{
	pthread_mutex_lock(&cache.mu);
	atomic_fetch_add(&cache.gen, 1);
	cache_clear_locked();
	pthread_mutex_unlock(&cache.mu);
}

enum ny_err
http_cache_init(const struct ny_config *cfg, char **cause)
{
	if (db_open(cfg->db_path, &cache.watch, cause) != NY_OK)
		return NY_EDB;
	atomic_store(&cache.last_check, 0);
	return NY_OK;
}

/* Drops everything when the database moved since the last look. */
static void
cache_check(void)
{
	int64_t now = ny_mono_ms(), seq = 0;
	int changed = 1;

	if (now - atomic_load(&cache.last_check) < CACHE_CHECK_MS)
		return;
	if (pthread_mutex_trylock(&cache.watch_mu) != 0)
		return;
	if (now - atomic_load(&cache.last_check) >= CACHE_CHECK_MS) {
		atomic_store(&cache.last_check, now);
		if (cache.watch == NULL ||
		    db_changed(cache.watch, &changed) != NY_OK ||
		    db_events_last(cache.watch, &seq) != NY_OK)
			changed = 1;
		if (changed || seq != cache.last_seq) {
			cache.last_seq = seq;
			http_cache_flush();
		}
	}
	pthread_mutex_unlock(&cache.watch_mu);
}

/* The cache key of a request in the arena, or NULL when not cacheable. */
static const char *
cache_key(struct http_req *rq)
{
	if (strlen(rq->uri) > CACHE_KEY_MAX)
		return NULL;
	return http_printf(rq, "%s|%s", rq->lang, rq->uri);
}

int
http_cache_serve(struct http_req *rq, struct http_resp *rs)
{
	const char *key;
	struct cache_entry *e;
	uint64_t h;

	cache_check();
	rq->cache_gen = atomic_load(&cache.gen);
	if ((key = cache_key(rq)) == NULL)
		return 0;
	h = http_hash64(key, strlen(key));
	pthread_mutex_lock(&cache.mu);
	for (e = cache.buckets[h % CACHE_BUCKETS]; e != NULL; e = e->next)
		if (e->hash == h && strcmp(e->key, key) == 0)
			break;
	if (e != NULL && e->gen == atomic_load(&cache.gen))
		atomic_fetch_add(&e->refs, 1);
	else
		e = NULL;
	pthread_mutex_unlock(&cache.mu);
	if (e == NULL)
		return 0;
	http_defer(rq, cache_unref, e);
	rs->status = 200;
	rs->body = e->body;
	rs->len = e->len;
	rs->has_body = 1;
	rs->ctype = e->ctype;
	rs->etag_ok = 1;
	rs->etag64 = e->etag64;
	rs->etag64_set = 1;
	rs->splice = e->splice;
	return 1;
}

void
http_cache_store(struct http_req *rq, struct http_resp *rs)
{
	const char *key;
	struct cache_entry *e, **pp;

	if (!rs->has_body || rs->mhd != NULL ||
	    (key = cache_key(rq)) == NULL)
		return;
	e = xcalloc(1, sizeof *e);
	atomic_init(&e->refs, 1);
	e->gen = rq->cache_gen;
	e->key = xstrdup(key);
	e->hash = http_hash64(key, strlen(key));
	/* bytes, not a string: xstrndup would stop at a NUL and e->len
	 * would then read past the copy */
	e->body = xmalloc(rs->len + 1);
	memcpy(e->body, rs->body, rs->len);
	e->body[rs->len] = '\0';
	e->len = rs->len;
	e->ctype = xstrdup(rs->ctype ? rs->ctype : "text/html; charset=utf-8");
	e->etag64 = rs->etag64_set ? rs->etag64 : http_hash64(rs->body,
	    rs->len);
	e->splice = rs->splice;
	pthread_mutex_lock(&cache.mu);
	if (e->gen != atomic_load(&cache.gen)) {
		/* the data moved while we rendered: keep nothing */
		pthread_mutex_unlock(&cache.mu);
		cache_unref(e);
		return;
	}
	if (cache.n >= CACHE_ENTRIES || cache.bytes + e->len > CACHE_BYTES)
		cache_clear_locked();
	for (pp = &cache.buckets[e->hash % CACHE_BUCKETS]; *pp != NULL;
	    pp = &(*pp)->next) {
		if ((*pp)->hash == e->hash && strcmp((*pp)->key, key) == 0) {
			struct cache_entry *old = *pp;

			*pp = old->next;
			cache.n--;
			cache.bytes -= old->len;
			cache_unref(old);
			break;
		}
	}
	e->next = cache.buckets[e->hash % CACHE_BUCKETS];
	cache.buckets[e->hash % CACHE_BUCKETS] = e;
	cache.n++;
	cache.bytes += e->len;
	pthread_mutex_unlock(&cache.mu);
}
