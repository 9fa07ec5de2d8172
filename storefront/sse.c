/*
 * sse.c: see sse.h.
 *
 * Locking: one mutex guards the stream table and every stream's fields.
 * MHD calls sse_read on its pool threads; the watcher appends and resumes
 * under the same mutex, so a stream is never resumed while it decides to
 * suspend (no lost wake-up). A stream is freed only by MHD's free callback
 * (never by us inside its own callback chain), after it left the table.
 *
 * The table is the one piece of mutable module state: the process has one
 * set of streams, shared by the MHD threads and the watcher.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "buyer.h"
#include "checkout-status.h"
#include "log.h"
#include "sse.h"
#include "wake.h"

#define SSE_BUCKETS	4096
#define SSE_OUT_MAX	(32 * 1024)	/* a slow reader never grows us more */
#define SSE_BATCH	256

struct sse_stream {
	struct sse_stream	*next;
	struct sse_stream	*prev;
	int64_t			 order_id;
	struct MHD_Connection	*conn;
	struct ny_buf		 out;
	size_t			 off;
	int			 suspended;
	int			 final;		/* end after what is queued */
	int			 closing;	/* server stopping */
	int			 ping;
	int			 owner;		/* the browser that made the order */
};

static struct {
	pthread_mutex_t		 mu;
	struct sse_stream	*buckets[SSE_BUCKETS];
	size_t			 n;
	int			 running;
	int			 draining;	/* new streams end at once */
	pthread_t		 th;
	struct wake		 kick;		/* apart from mu: never held long */
} sse = {
	.mu = PTHREAD_MUTEX_INITIALIZER,
	.kick = WAKE_INITIALIZER,
};

/* The table bucket of order id. */
static size_t
sse_bucket(int64_t id)
{
	return (size_t)((uint64_t)id * 0x9e3779b97f4a7c15ULL >> 52) % SSE_BUCKETS;
}

/* Under the lock: wakes a suspended stream. */
static void
sse_wake(struct sse_stream *s)
{
	if (s->suspended) {
		s->suspended = 0;
		MHD_resume_connection(s->conn);
	}
}

/*
 * MHD's reader for a stream: what is queued (a ping first, if due), the
 * end after a final status or at shut-down, else suspends the connection
 * until the watcher has something (returns 0).
 */
static ssize_t
sse_read(void *cls, uint64_t pos, char *buf, size_t max)
{
	struct sse_stream *s = cls;
	ssize_t n;

	(void)pos;
	pthread_mutex_lock(&sse.mu);
	if (s->ping) {
		s->ping = 0;
		buf_adds(&s->out, ": ping\n\n");
	}
	if (s->off < s->out.len) {
		n = (ssize_t)(s->out.len - s->off < max ? s->out.len - s->off :
		    max);
		memcpy(buf, s->out.data + s->off, (size_t)n);
		s->off += (size_t)n;
		if (s->off == s->out.len) {
			buf_reset(&s->out);
			s->off = 0;
		}
		pthread_mutex_unlock(&sse.mu);
		return n;
	}
	if (s->final || s->closing) {
		pthread_mutex_unlock(&sse.mu);
		return MHD_CONTENT_READER_END_OF_STREAM;
	}
	/* Nothing to say: sleep until the watcher has something. */
	s->suspended = 1;
	MHD_suspend_connection(s->conn);
	pthread_mutex_unlock(&sse.mu);
	return 0;
}

/* Under the lock: takes s out of the table. */
static void
sse_unlink(struct sse_stream *s)
{
	size_t b = sse_bucket(s->order_id);

	if (s->prev != NULL)
		s->prev->next = s->next;
	else if (sse.buckets[b] == s)
		sse.buckets[b] = s->next;
	if (s->next != NULL)
		s->next->prev = s->prev;
	s->next = s->prev = NULL;
	sse.n--;
}

/* MHD is done with a stream: out of the table, then freed. */
static void
sse_free(void *cls)
{
	struct sse_stream *s = cls;

	pthread_mutex_lock(&sse.mu);
	sse_unlink(s);
	pthread_mutex_unlock(&sse.mu);
	buf_free(&s->out);
	free(s);
}

/* Under the lock: queues an event on s (a full buffer ends the stream). */
static void
sse_queue(struct sse_stream *s, const char *ev, int final)
{
	if (buf_adds(&s->out, ev) != NY_OK)
		s->final = 1;	/* a reader this far behind is gone */
	if (final)
		s->final = 1;
	sse_wake(s);
}

/*
 * "event: status\ndata: {…}\n\n" for order id, as the browser that made
 * it sees it (ev[1]) and as anyone else does (ev[0]); whether it is final.
 * NY_OK or NY_ENOTFOUND; the caller frees both.
 */
static enum ny_err
sse_render(struct db *db, int64_t id, char *ev[2], int *final)
{
	struct order o;
	json_t *j;
	char *data;
	int owner;

	if (order_by_id(db, id, &o) != NY_OK)
		return NY_ENOTFOUND;
	for (owner = 0; owner < 2; owner++) {
		j = checkout_status_json(&o, http_config()->base_url, owner);
		data = json_dumps(j, JSON_COMPACT);
		json_decref(j);
		ev[owner] = xasprintf("event: status\ndata: %s\n\n", data);
		free(data);
	}
	*final = order_status_final(o.status);
	return NY_OK;
}

/* 1 when some stream watches order id, else 0. */
static int
sse_has(int64_t id)
{
	struct sse_stream *s;
	int found = 0;

	pthread_mutex_lock(&sse.mu);
	for (s = sse.buckets[sse_bucket(id)]; s != NULL && !found; s = s->next)
		found = s->order_id == id;
	pthread_mutex_unlock(&sse.mu);
	return found;
}

/* Queues ev (as each stream may see it) on order id's streams; frees ev. */
static void
sse_deliver(int64_t id, char *ev[2], int final)
{
	struct sse_stream *s;

	pthread_mutex_lock(&sse.mu);
	for (s = sse.buckets[sse_bucket(id)]; s != NULL; s = s->next)
		if (s->order_id == id)
			sse_queue(s, ev[s->owner], final);
	pthread_mutex_unlock(&sse.mu);
	free(ev[0]);
	free(ev[1]);
}

/* Every stream: a ping, or the end when closing; wakes them all. */
static void
sse_ping_all(int closing)
{
	struct sse_stream *s;
	size_t b;

	pthread_mutex_lock(&sse.mu);
	for (b = 0; b < SSE_BUCKETS; b++) {
		for (s = sse.buckets[b]; s != NULL; s = s->next) {
			if (closing)
				s->closing = 1;
			else
				s->ping = 1;
			sse_wake(s);
		}
	}
	pthread_mutex_unlock(&sse.mu);
}

/* Reads the events since *seq and pushes every watched order's status. */
static void
sse_scan(struct db *db, int64_t *seq)
{
	struct db_event evs[SSE_BATCH];
	int64_t ids[SSE_BATCH];
	int i, j, n, nids, final;
	char *ev[2];

	do {
		if (db_events_since(db, *seq, evs, SSE_BATCH, &n) != NY_OK)
			return;
		nids = 0;
		for (i = 0; i < n; i++) {
			*seq = evs[i].seq;
			if (strcmp(evs[i].kind, "order") != 0 ||
			    !sse_has(evs[i].row_id))
				continue;
			for (j = 0; j < nids && ids[j] != evs[i].row_id; j++)
				;
			if (j == nids)
				ids[nids++] = evs[i].row_id;
		}
		for (i = 0; i < nids; i++) {
			if (sse_render(db, ids[i], ev, &final) != NY_OK)
				continue;
			sse_deliver(ids[i], ev, final);
		}
	} while (n == SSE_BATCH);
}

void
sse_kick(void)
{
	wake_signal(&sse.kick);
}

/*
 * The watcher: every SSE_POLL_MS, or at once when kicked, a look at the
 * database; a stop still gets that one last look before the thread ends.
 */
static void *
sse_main(void *arg)
{
	struct db *db = arg;
	int64_t seq = 0, last_ping = ny_now_ms(), now;
	unsigned seen = 0;
	int changed;

	db_events_last(db, &seq);
	db_changed(db, &changed);
	do {
		wake_wait(&sse.kick, &seen, SSE_POLL_MS);
		if (db_changed(db, &changed) == NY_OK && changed)
			sse_scan(db, &seq);
		now = ny_now_ms();
		if (now - last_ping >= SSE_PING_S * 1000) {
			last_ping = now;
			sse_ping_all(0);
		}
	} while (!wake_is_stopped(&sse.kick));
	db_close(db);
	return NULL;
}

enum ny_err
sse_start(const struct ny_config *cfg, char **cause)
{
	struct db *db;

	if (sse.running)
		return NY_OK;
	wake_start(&sse.kick);
	db = app_connect(cfg);
	if (pthread_create(&sse.th, NULL, sse_main, db) != 0) {
		db_close(db);
		*cause = xstrdup("cannot start the SSE watcher thread");
		return NY_EIO;
	}
	sse.running = 1;
	return NY_OK;
}

/*
 * The last words of a stream at shut-down: the browser's EventSource
 * reconnects by itself after `retry` ms, by then to the next process.
 */
#define SSE_BYE	"retry: 5000\n\n"

size_t
sse_drain(void)
{
	struct sse_stream *s;
	size_t b, n = 0;

	pthread_mutex_lock(&sse.mu);
	sse.draining = 1;
	for (b = 0; b < SSE_BUCKETS; b++) {
		for (s = sse.buckets[b]; s != NULL; s = s->next) {
			if (!s->closing && !s->final) {
				buf_adds(&s->out, SSE_BYE);
				n++;
			}
			s->closing = 1;
			sse_wake(s);
		}
	}
	pthread_mutex_unlock(&sse.mu);
	return n;
}

void
sse_stop(void)
{
	if (!sse.running)
		return;
	wake_stop(&sse.kick);
	pthread_join(sse.th, NULL);
	sse_ping_all(1);
	sse.running = 0;
}

size_t
sse_count(void)
{
	size_t n;

	pthread_mutex_lock(&sse.mu);
	n = sse.n;
	pthread_mutex_unlock(&sse.mu);
	return n;
}

int
sse_order_events(struct http_req *rq, struct http_resp *rs)
{
	const char *ref = http_param(rq, "ref");
	struct MHD_Response *r;
	struct sse_stream *s;
	struct order o;
	char *ev[2];
	size_t b;
	int final = 0;

	if (ref == NULL || strlen(ref) > ORDER_REF_LEN ||
	    order_by_ref(http_db(rq), ref, &o) != NY_OK)
		return 404;
	s = xcalloc(1, sizeof *s);
	s->order_id = o.id;
	s->owner = buyer_is_owner(rq, &o);
	s->conn = http_conn(rq);
	buf_init(&s->out, SSE_OUT_MAX);
	buf_adds(&s->out, "retry: 3000\n\n");
	/* Register first, then read: a change committed after this read is
	 * seen by the watcher, one before it is in what we read now. */
	pthread_mutex_lock(&sse.mu);
	b = sse_bucket(o.id);
	s->next = sse.buckets[b];
	if (s->next != NULL)
		s->next->prev = s;
	sse.buckets[b] = s;
	sse.n++;
	if (sse.draining) {
		/* asked on a kept-alive connection while draining: the
		 * status now, then the reconnect hint and the end */
		buf_adds(&s->out, SSE_BYE);
		s->closing = 1;
	}
	pthread_mutex_unlock(&sse.mu);
	if (sse_render(http_db(rq), o.id, ev, &final) == NY_OK) {
		pthread_mutex_lock(&sse.mu);
		sse_queue(s, ev[s->owner], final);
		pthread_mutex_unlock(&sse.mu);
		free(ev[0]);
		free(ev[1]);
	}
	r = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 4096, sse_read,
	    s, sse_free);
	if (r == NULL) {
		sse_free(s);
		return 500;
	}
	MHD_add_response_header(r, "Content-Type", "text/event-stream");
	MHD_add_response_header(r, "Cache-Control", "no-store");
	MHD_add_response_header(r, "X-Accel-Buffering", "no");
	return http_mhd(rq, rs, 200, r);
}
