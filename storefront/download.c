/*
 * download.c: signed downloads.
 *
 * /l/{token}/files/{id} checks that the key's customer may have the file
 * now (owner, not expired/refunded/revoked, under the per-file limit) and
 * answers 303 to /dl/{id}/{name}?e={entitlement}&exp={unix}&sig={hmac}:
 * HMAC-SHA256 (URL subkey of the master key) over "dl:{id}:{ent}:{exp}",
 * valid LIBRARY_DL_TTL seconds. The /dl URL carries no library token, so
 * it can sit in a browser's download list without opening the library.
 *
 * /dl checks the signature in constant time, re-checks the entitlement
 * (a refund inside the ten minutes still stops it), then hands the file
 * to MHD. One Range → 206, unsatisfiable → 416; If-Range and
 * If-None-Match against the strong ETag (the sha256).
 *
 * Counting. Without a download limit, a response that includes the first
 * byte is one download (statistics) and the file goes out by sendfile.
 * With a limit, what counts is bytes: the file is read through a callback
 * that adds up what it hands to MHD, and the total is logged when the
 * request ends. A request is refused when the bytes already sent, plus
 * those of requests still running, plus its own would pass limit × size +
 * a slack for what a dropped connection sent but never delivered
 * (download_budget). So "Range: bytes=1-" five times gets nothing more
 * than one copy, while a browser resuming one interrupted copy still
 * fits. The trade-off: no sendfile for limited files (a copy through
 * user space), which only they pay.
 *
 * /checkout/{ref}/files/{id} is the same redirect for the browser that
 * made a paid order, limited to that order's product (lib_scope).
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "crypto.h"
#include "download.h"
#include "i18n.h"
#include "library-http.h"
#include "log.h"
#include "range.h"
#include "blob.h"

/* 1 when c is RFC 3986 unreserved or what RFC 5987 attr-char allows. */
static int
dl_is_attr_char(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	    (c >= '0' && c <= '9') || strchr("!#$&+-.^_`|~", c) != NULL;
}

/*
 * Percent-encodes s (arena) keeping attr-chars; in_path also encodes '&'
 * and '+' (query-looking characters) for the /dl path segment.
 */
static char *
dl_pct(struct http_req *rq, const char *s, int in_path)
{
	size_t n = strlen(s), i, j = 0;
	char *out = http_alloc(rq, 3 * n + 1);

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (dl_is_attr_char(c) && !(in_path && (c == '&' || c == '+')))
			out[j++] = (char)c;
		else
			j += (size_t)snprintf(out + j, 4, "%%%02X", c);
	}
	out[j] = '\0';
	return out;
}

/*
 * Content-Disposition per RFC 6266: an ASCII fallback filename (anything
 * else replaced by '_') and filename* with the UTF-8 name percent-encoded.
 */
static const char *
dl_disposition(struct http_req *rq, const char *name)
{
	size_t n = strlen(name), i, j = 0;
	char *ascii = http_alloc(rq, n + 1);

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)name[i];

		if ((c & 0xC0) == 0x80)		/* one '_' per UTF-8 char */
			continue;
		ascii[j++] = c < 0x20 || c >= 0x7f || c == '"' || c == '\\' ||
		    c == '%' ? '_' : (char)c;
	}
	ascii[j] = '\0';
	return http_printf(rq, "attachment; filename=\"%s\"; "
	    "filename*=UTF-8''%s", ascii, dl_pct(rq, name, 0));
}

const char *
dl_signed_path(struct http_req *rq, int64_t file_id, int64_t entitlement_id,
    const char *name, int64_t exp)
{
	char msg[96], sig[64];

	download_sign_msg(file_id, entitlement_id, exp, msg, sizeof msg);
	crypto_sign_url(msg, sig, sizeof sig);
	return http_printf(rq, "/dl/%lld/%s?e=%lld&exp=%lld&sig=%s",
	    (long long)file_id, dl_pct(rq, name, 1), (long long)entitlement_id,
	    (long long)exp, sig);
}

/* 403: the download limit page for g, with a link back (may be NULL). */
static int
dl_limit_page(struct http_req *rq, struct http_resp *rs,
    const struct dl_grant *g, const char *back)
{
	char limit[16], *text;
	const char *t;

	snprintf(limit, sizeof limit, "%d", g->limit);
	text = i18n_fmt(http_lang(rq), "lib.limit.text", "name", g->name,
	    "limit", limit, NULL);
	t = http_strdup(rq, text);
	free(text);
	return lib_message(rq, rs, 403, "lib.limit.title", t, back);
}

int
dl_redirect(struct http_req *rq, struct http_resp *rs)
{
	struct db *db = http_db(rq);
	struct lib_scope sc;
	struct dl_grant g;
	int64_t fid, now = ny_now();
	const char *back;
	enum ny_err rc;

	if (lib_scope(rq, &sc) != NY_OK)
		return 404;
	if (ny_parse_int(http_param(rq, "id"), 1, INT64_MAX, &fid) != NY_OK)
		return 404;
	back = sc.order_id != 0 ? http_printf(rq, "%s/library", sc.base) :
	    sc.base;
	rc = download_authorize(db, sc.customer_id, fid, now, &g);
	if (rc == NY_OK && sc.narrowed &&
	    !library_keep_product(&sc.keep, g.product_id))
		return 404;	/* not this order's, nor bought with the address */
	if (rc == NY_ELIMIT)
		return dl_limit_page(rq, rs, &g, back);
	if (rc == NY_EDENIED)
		return lib_message(rq, rs, 403, "lib.revoked",
		    i18n_get(http_lang(rq), "lib.denied"), back);
	if (rc != NY_OK)
		return 404;
	http_add_header(rq, rs, "Cache-Control", "no-store");
	return http_redirect(rq, rs, 303, dl_signed_path(rq, g.file_id,
	    g.entitlement_id, g.name, now + LIBRARY_DL_TTL));
}

/*
 * The signed parameters of a /dl URL for file fid: *ent gets the
 * entitlement. NY_OK; NY_EINVAL when one is missing or malformed;
 * NY_ECRYPTO for a forged signature; NY_EDENIED when it expired (or
 * claims to live longer than we ever sign for).
 */
static enum ny_err
dl_check_sig(struct http_req *rq, int64_t fid, int64_t *ent, int64_t now)
{
	const char *e = http_query(rq, "e"), *exp = http_query(rq, "exp");
	const char *sig = http_query(rq, "sig");
	char msg[96];
	int64_t x;

	if (e == NULL || exp == NULL || sig == NULL ||
	    ny_parse_int(e, 1, INT64_MAX, ent) != NY_OK ||
	    ny_parse_int(exp, 0, INT64_MAX, &x) != NY_OK)
		return NY_EINVAL;
	download_sign_msg(fid, *ent, x, msg, sizeof msg);
	/* Signature first (constant time), then the clock. */
	if (crypto_check_url(msg, sig) != NY_OK)
		return NY_ECRYPTO;
	if (x < now || x > now + LIBRARY_DL_TTL + 60)
		return NY_EDENIED;
	return NY_OK;
}

/*
 * Opens the grant's blob: *fd (the caller closes it) and its *size.
 * NY_OK; NY_ENOTFOUND for a malformed digest, a missing blob (logged) or
 * anything but a regular file.
 */
static enum ny_err
dl_open(const struct dl_grant *g, int *fd, int64_t *size)
{
	const struct ny_config *cfg = http_config();
	char path[1024];
	struct stat sb;

	if (!blob_sha_ok(g->sha256))
		return NY_ENOTFOUND;
	blob_path(cfg->data_dir, g->sha256, path, sizeof path);
	if ((*fd = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
		log_error("download blob missing", "sha=%.12s err=\"%s\"",
		    g->sha256, strerror(errno));
		return NY_ENOTFOUND;
	}
	if (fstat(*fd, &sb) != 0 || !S_ISREG(sb.st_mode)) {
		close(*fd);
		*fd = -1;
		return NY_ENOTFOUND;
	}
	*size = (int64_t)sb.st_size;
	return NY_OK;
}

/* ---- limited files: bytes counted as they go ------------------------ */

/*
 * Bytes of limited files being sent right now, per (entitlement, file):
 * counted before a request starts so parallel requests cannot each take
 * the whole budget. In memory on purpose: after a restart nothing is in
 * flight.
 */
#define DL_FLIGHT_SLOTS	1024

struct dl_flight {
	int64_t	 ent;
	int64_t	 file;
	int64_t	 bytes;
	int	 n;		/* requests; 0 = free slot */
};

static struct {
	pthread_mutex_t	 mu;
	struct dl_flight slots[DL_FLIGHT_SLOTS];
} dl_flights = { .mu = PTHREAD_MUTEX_INITIALIZER };

/*
 * Reserves len bytes for (ent, file) when sent + in flight + len stays
 * within budget. NY_OK when reserved (give it back with dl_flight_give);
 * NY_ELIMIT over budget or with no free slot; NY_EDB without a database
 * or when what was sent cannot be read. What was sent is read under the
 * lock: a request that ends logs its bytes before it gives its
 * reservation back (dl_counted_done), so every byte is in one of the two
 * whenever we look.
 */
static enum ny_err
dl_flight_take(struct db *db, int64_t ent, int64_t file, int64_t len,
    int64_t budget)
{
	struct dl_flight *f, *empty = NULL, *mine = NULL;
	enum ny_err rc = NY_ELIMIT;
	int64_t used;
	int i;

	pthread_mutex_lock(&dl_flights.mu);
	if (db == NULL || download_sent(db, ent, file, &used) != NY_OK) {
		pthread_mutex_unlock(&dl_flights.mu);
		return NY_EDB;
	}
	for (i = 0; i < DL_FLIGHT_SLOTS && mine == NULL; i++) {
		f = &dl_flights.slots[i];
		if (f->n > 0 && f->ent == ent && f->file == file)
			mine = f;
		else if (f->n == 0 && empty == NULL)
			empty = f;
	}
	if (mine == NULL && empty != NULL) {
		mine = empty;
		mine->ent = ent;
		mine->file = file;
		mine->bytes = 0;
	}
	if (mine != NULL && used + mine->bytes + len <= budget) {
		mine->bytes += len;
		mine->n++;
		rc = NY_OK;
	}
	pthread_mutex_unlock(&dl_flights.mu);
	return rc;
}

/* Gives back a reservation of len bytes that dl_flight_take made. */
static void
dl_flight_give(int64_t ent, int64_t file, int64_t len)
{
	struct dl_flight *f;
	int i;

	pthread_mutex_lock(&dl_flights.mu);
	for (i = 0; i < DL_FLIGHT_SLOTS; i++) {
		f = &dl_flights.slots[i];
		if (f->n > 0 && f->ent == ent && f->file == file) {
			f->bytes -= len;
			f->n--;
			break;
		}
	}
	pthread_mutex_unlock(&dl_flights.mu);
}

/*
 * One limited response. Owned twice: by MHD's response (dl_counted_free)
 * and by the request's defer (dl_counted_done, which logs the bytes);
 * the last one out frees it. Guarded by dl_flights.mu.
 */
struct dl_counted {
	int		 fd;
	int64_t		 first;
	int64_t		 len;
	int64_t		 sent;
	int64_t		 ent;
	int64_t		 file;
	char		 addr[48];
	int		 refs;
};

/* Drops one owner of c; the last one closes the file and frees it. */
static void
dl_counted_unref(struct dl_counted *c)
{
	int last;

	pthread_mutex_lock(&dl_flights.mu);
	last = --c->refs == 0;
	pthread_mutex_unlock(&dl_flights.mu);
	if (last) {
		if (c->fd >= 0)
			close(c->fd);
		free(c);
	}
}

/* MHD's reader: the next bytes of the range, counted as sent. */
static ssize_t
dl_counted_read(void *cls, uint64_t pos, char *buf, size_t max)
{
	struct dl_counted *c = cls;
	ssize_t n;

	if ((int64_t)pos >= c->len)
		return MHD_CONTENT_READER_END_OF_STREAM;
	if ((int64_t)max > c->len - (int64_t)pos)
		max = (size_t)(c->len - (int64_t)pos);
	n = pread(c->fd, buf, max, (off_t)(c->first + (int64_t)pos));
	if (n <= 0)
		return MHD_CONTENT_READER_END_WITH_ERROR;
	pthread_mutex_lock(&dl_flights.mu);
	c->sent += n;
	pthread_mutex_unlock(&dl_flights.mu);
	return n;
}

/* MHD is done with the response: its owner reference goes. */
static void
dl_counted_free(void *cls)
{
	dl_counted_unref(cls);
}

/* The request ended (sent, or the client left): log what went out. */
static void
dl_counted_done(void *cls)
{
	struct dl_counted *c = cls;
	int64_t sent;

	pthread_mutex_lock(&dl_flights.mu);
	sent = c->sent;
	pthread_mutex_unlock(&dl_flights.mu);
	/* Defers run on the request's own MHD thread: its connection. */
	if (download_log(http_db(NULL), c->ent, c->file, c->addr, ny_now(),
	    sent) != NY_OK)
		log_warn("download not logged", "ent=%lld file=%lld bytes=%lld",
		    (long long)c->ent, (long long)c->file, (long long)sent);
	dl_flight_give(c->ent, c->file, c->len);
	dl_counted_unref(c);
}

/* 1 when the request's If-None-Match names etag (or is "*"), else 0. */
static int
dl_is_not_modified(struct http_req *rq, const char *etag)
{
	const char *inm = http_header(rq, "If-None-Match");

	return inm != NULL && (strstr(inm, etag) != NULL ||
	    strcmp(inm, "*") == 0);
}

/* 416 for a file of size bytes (closes fd). Returns the status. */
static int
dl_unsatisfiable(struct http_req *rq, struct http_resp *rs, int fd,
    int64_t size)
{
	close(fd);
	http_add_header(rq, rs, "Content-Range",
	    http_printf(rq, "bytes */%lld", (long long)size));
	return http_bytes(rq, rs, 416, "text/plain; charset=utf-8",
	    "range not satisfiable\n", 22);
}

/* The file's headers on r (200, or 206 with Content-Range), answered. */
static int
dl_answer(struct http_req *rq, struct http_resp *rs, struct MHD_Response *r,
    int64_t size, int64_t first, int64_t last, int partial,
    const struct dl_grant *g, const char *etag)
{
	MHD_add_response_header(r, "Content-Type", g->mime);
	MHD_add_response_header(r, "Content-Disposition",
	    dl_disposition(rq, g->name));
	MHD_add_response_header(r, "ETag", etag);
	MHD_add_response_header(r, "Accept-Ranges", "bytes");
	MHD_add_response_header(r, "Cache-Control", "private, no-transform");
	if (partial)
		MHD_add_response_header(r, "Content-Range", http_printf(rq,
		    "bytes %lld-%lld/%lld", (long long)first, (long long)last,
		    (long long)size));
	return http_mhd(rq, rs, partial ? 206 : 200, r);
}

/* [first, last] of fd by sendfile (MHD owns fd from here). Status. */
static int
dl_send(struct http_req *rq, struct http_resp *rs, int fd, int64_t size,
    int64_t first, int64_t last, int partial, const struct dl_grant *g,
    const char *etag)
{
	struct MHD_Response *r;

	r = MHD_create_response_from_fd_at_offset64((uint64_t)(last - first +
	    1), fd, (uint64_t)first);
	if (r == NULL) {
		close(fd);
		return 500;
	}
	return dl_answer(rq, rs, r, size, first, last, partial, g, etag);
}

/*
 * A file with a download limit: refused (limit page) when the bytes would
 * pass the budget, else sent through dl_counted_read.
 */
static int
dl_send_counted(struct http_req *rq, struct http_resp *rs, int fd,
    int64_t size, int64_t first, int64_t last, int partial,
    const struct dl_grant *g, const char *etag)
{
	struct dl_counted *c;
	struct MHD_Response *r;
	int64_t len = last - first + 1;

	if (dl_flight_take(http_db(rq), g->entitlement_id, g->file_id, len,
	    download_budget(g)) != NY_OK) {
		close(fd);
		return dl_limit_page(rq, rs, g, NULL);
	}
	c = xcalloc(1, sizeof *c);
	c->fd = fd;
	c->first = first;
	c->len = len;
	c->ent = g->entitlement_id;
	c->file = g->file_id;
	snprintf(c->addr, sizeof c->addr, "%s", http_client_addr(rq));
	c->refs = 2;
	r = MHD_create_response_from_callback((uint64_t)len, 64 * 1024,
	    dl_counted_read, c, dl_counted_free);
	if (r == NULL) {
		c->refs = 1;
		dl_counted_done(c);
		return 500;
	}
	http_defer(rq, dl_counted_done, c);
	return dl_answer(rq, rs, r, size, first, last, partial, g, etag);
}

int
dl_file(struct http_req *rq, struct http_resp *rs)
{
	struct db *db = http_db(rq);
	struct dl_grant g;
	int64_t fid, ent, size = 0, first = 0, last = 0, now = ny_now();
	const char *etag, *rhdr, *ifr;
	enum range_result rr = RANGE_FULL;
	enum ny_err rc;
	int fd;

	if (ny_parse_int(http_param(rq, "id"), 1, INT64_MAX, &fid) != NY_OK)
		return 404;
	if (dl_check_sig(rq, fid, &ent, now) != NY_OK)
		return lib_message(rq, rs, 403, "lib.link_expired",
		    i18n_get(http_lang(rq), "lib.link_expired"), NULL);
	if ((rc = download_lookup(db, ent, fid, now, &g)) == NY_EDENIED)
		return lib_message(rq, rs, 403, "lib.revoked",
		    i18n_get(http_lang(rq), "lib.denied"), NULL);
	if (rc != NY_OK)
		return 404;
	if (dl_open(&g, &fd, &size) != NY_OK)
		return 404;
	etag = http_printf(rq, "\"%s\"", g.sha256);
	if (dl_is_not_modified(rq, etag)) {
		close(fd);
		http_add_header(rq, rs, "ETag", etag);
		return http_bytes(rq, rs, 304, g.mime, "", 0);
	}
	rhdr = http_header(rq, "Range");
	ifr = http_header(rq, "If-Range");
	/* If-Range with anything but our (strong) ETag: send it all. */
	if (rhdr != NULL && (ifr == NULL || strcmp(ifr, etag) == 0))
		rr = range_parse(rhdr, size, &first, &last);
	if (rr == RANGE_UNSATISFIABLE)
		return dl_unsatisfiable(rq, rs, fd, size);
	if (rr == RANGE_FULL) {
		first = 0;
		last = size - 1;
	}
	if (g.limit > 0 && size > 0 && strcmp(http_method(rq), "HEAD") != 0)
		return dl_send_counted(rq, rs, fd, size, first, last,
		    rr == RANGE_PARTIAL, &g, etag);
	if (first == 0 && strcmp(http_method(rq), "HEAD") != 0) {
		if (download_limited(&g)) {
			close(fd);
			return dl_limit_page(rq, rs, &g, NULL);
		}
		if (download_log(db, ent, fid, http_client_addr(rq), now, -1) !=
		    NY_OK)
			log_warn("download not logged", "ent=%lld file=%lld",
			    (long long)ent, (long long)fid);
	}
	if (size == 0) {
		close(fd);
		http_add_header(rq, rs, "Content-Disposition",
		    dl_disposition(rq, g.name));
		http_add_header(rq, rs, "ETag", etag);
		return http_bytes(rq, rs, 200, g.mime, "", 0);
	}
	return dl_send(rq, rs, fd, size, first, last, rr == RANGE_PARTIAL, &g,
	    etag);
}
