/*
 * pages.c: the public pages (catalog and search, creator, product, cover
 * images), the JSON API and /healthz.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "checkout-card.h"
#include "i18n.h"
#include "log.h"
#include "pages.h"
#include "ready.h"
#include "catalog.h"
#include "blob.h"
#include "view.h"

#define PAGE_Q_MAX	CATALOG_QUERY_MAX

/* Appends s percent-encoded for a query string. */
static void
page_urlenc(struct ny_buf *b, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	const unsigned char *p = (const unsigned char *)s;

	for (; *p != '\0'; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || *p == '-' || *p == '_' ||
		    *p == '.' || *p == '~')
			buf_add(b, p, 1);
		else {
			char e[3] = { '%', hex[*p >> 4], hex[*p & 15] };

			buf_add(b, e, 3);
		}
	}
}

/* "/?q=…&kind=…&page=N" (arena). */
static const char *
page_catalog_url(struct http_req *rq, const char *q, const char *kind,
    int page)
{
	struct ny_buf b;
	const char *sep = "?", *out;

	buf_init(&b, 0);
	buf_adds(&b, "/");
	if (q != NULL && *q != '\0') {
		buf_adds(&b, "?q=");
		page_urlenc(&b, q);
		sep = "&";
	}
	if (kind != NULL) {
		buf_printf(&b, "%skind=%s", sep, kind);
		sep = "&";
	}
	if (page > 1)
		buf_printf(&b, "%spage=%d", sep, page);
	out = http_strndup(rq, b.data, b.len);
	buf_free(&b);
	return out;
}

/* ?page= (1 … 10000), 1 when missing or malformed. */
static int
page_number(struct http_req *rq)
{
	const char *s = http_query(rq, "page");
	int64_t n;

	if (s == NULL || ny_parse_int(s, 1, 10000, &n) != NY_OK)
		return 1;
	return (int)n;
}

/* The kind filter chips. */
static json_t *
page_filters(struct http_req *rq, const char *q, const char *kind)
{
	static const char *const kinds[] = {
		"download", "subscription", "ticket", "webinar"
	};
	json_t *a = json_array(), *f;
	char key[32];
	size_t i;

	f = json_object();
	json_object_set_new(f, "label",
	    json_string(i18n_get(http_lang(rq), "sf.kind.all")));
	json_object_set_new(f, "url", json_string(page_catalog_url(rq, q,
	    NULL, 1)));
	json_object_set_new(f, "active", json_boolean(kind == NULL));
	json_array_append_new(a, f);
	for (i = 0; i < sizeof kinds / sizeof *kinds; i++) {
		snprintf(key, sizeof key, "sf.kinds.%s", kinds[i]);
		f = json_object();
		json_object_set_new(f, "label",
		    json_string(i18n_get(http_lang(rq), key)));
		json_object_set_new(f, "url", json_string(page_catalog_url(rq,
		    q, kinds[i], 1)));
		json_object_set_new(f, "active", json_boolean(kind != NULL &&
		    strcmp(kind, kinds[i]) == 0));
		json_array_append_new(a, f);
	}
	return a;
}

/* The search text as typed, cut to PAGE_Q_MAX bytes on a UTF-8 boundary. */
static const char *
page_q(struct http_req *rq)
{
	const char *q = http_query(rq, "q");
	size_t n;

	if (q == NULL)
		return NULL;
	n = strlen(q);
	if (n <= PAGE_Q_MAX)
		return q;
	n = PAGE_Q_MAX;
	while (n > 0 && ((unsigned char)q[n] & 0xc0) == 0x80)
		n--;
	return http_strndup(rq, q, n);
}

int
page_catalog(struct http_req *rq, struct http_resp *rs)
{
	const char *q = page_q(rq), *kind = http_query(rq, "kind");
	struct db *db = http_db(rq);
	struct catalog_list l;
	json_t *ctx;
	enum ny_err rc;
	int page = page_number(rq);

	if (db == NULL)
		return 503;
	if (kind != NULL && !catalog_kind_ok(kind))
		kind = NULL;
	if (q != NULL && *q != '\0')
		rc = catalog_search(db, q, kind, page, 0, &l);
	else
		rc = catalog_list_products(db, kind, page, 0, &l);
	if (rc != NY_OK) {
		log_warn("catalog failed", "err=%s", ny_strerror(rc));
		return 500;
	}
	ctx = json_object();
	json_object_set_new(ctx, "products", view_list(http_lang(rq), &l));
	json_object_set_new(ctx, "empty", json_boolean(l.n == 0));
	json_object_set_new(ctx, "q", json_string(q ? q : ""));
	json_object_set_new(ctx, "searching", json_boolean(q && *q));
	json_object_set_new(ctx, "filters", page_filters(rq, q, kind));
	if (kind != NULL)
		json_object_set_new(ctx, "kind", json_string(kind));
	if (page > 1)
		json_object_set_new(ctx, "prev_url",
		    json_string(page_catalog_url(rq, q, kind, page - 1)));
	if (l.more)
		json_object_set_new(ctx, "next_url",
		    json_string(page_catalog_url(rq, q, kind, page + 1)));
	json_object_set_new(ctx, "page", json_integer(page));
	json_object_set_new(ctx, "title", json_string(i18n_get(http_lang(rq),
	    q && *q ? "sf.search.title" : "sf.catalog.title")));
	catalog_list_free(&l);
	return http_page(rq, rs, 200, "catalog", ctx);
}

int
page_creator(struct http_req *rq, struct http_resp *rs)
{
	struct db *db = http_db(rq);
	struct catalog_creator *c;
	struct catalog_list l;
	json_t *ctx;
	enum ny_err rc;

	if (db == NULL)
		return 503;
	rc = catalog_creator_by_handle(db, http_param(rq, "handle"), &c, &l);
	if (rc == NY_ENOTFOUND)
		return 404;
	if (rc != NY_OK)
		return 500;
	ctx = json_object();
	json_object_set_new(ctx, "handle", json_string(c->handle));
	json_object_set_new(ctx, "name", json_string(c->display_name[0] ?
	    c->display_name : c->handle));
	json_object_set_new(ctx, "title", json_string(c->display_name[0] ?
	    c->display_name : c->handle));
	json_object_set_new(ctx, "bio", json_string(c->bio));
	if (c->avatar_sha256[0] != '\0') {
		json_object_set_new(ctx, "avatar_url", json_string(
		    http_printf(rq, "/cover/%s", c->avatar_sha256)));
		json_object_set_new(ctx, "avatar_width",
		    json_integer(c->avatar_width));
		json_object_set_new(ctx, "avatar_height",
		    json_integer(c->avatar_height));
	}
	json_object_set_new(ctx, "products", view_list(http_lang(rq), &l));
	json_object_set_new(ctx, "empty", json_boolean(l.n == 0));
	catalog_list_free(&l);
	catalog_creator_free(c);
	return http_page(rq, rs, 200, "creator", ctx);
}

int
page_product(struct http_req *rq, struct http_resp *rs)
{
	struct db *db = http_db(rq);
	struct catalog_product *p;
	json_t *ctx;
	enum ny_err rc;

	if (db == NULL)
		return 503;
	rc = catalog_product_by_slug(db, http_param(rq, "slug"), &p);
	if (rc == NY_ENOTFOUND)
		return 404;
	if (rc != NY_OK)
		return 500;
	ctx = json_object();
	json_object_set_new(ctx, "product", view_product(http_lang(rq), p, 1));
	json_object_set_new(ctx, "title", json_string(p->title));
	json_object_set_new(ctx, "description", json_string(p->summary));
	json_object_set_new(ctx, "checkout_url",
	    json_string(http_printf(rq, "/p/%s/checkout", p->slug)));
	checkout_methods_json(p->currency, ctx);
	catalog_product_free(p);
	return http_page(rq, rs, 200, "product", ctx);
}

/*
 * GET /cover/{sha}: a product cover or a creator's avatar. Which blobs
 * qualify is catalog_cover_mime's answer alone (checked images that are
 * public by their role); every other digest, a paid file's included, is
 * a 404 that says nothing about whether the blob exists. The bytes never
 * change for a digest: cached for a year, immutable.
 */
int
page_cover(struct http_req *rq, struct http_resp *rs)
{
	const char *sha = http_param(rq, "sha");
	struct db *db = http_db(rq);
	struct MHD_Response *r;
	struct stat sb;
	char mime[64], path[4096];
	int fd;

	if (db == NULL)
		return 503;
	if (!blob_sha_ok(sha) ||
	    catalog_cover_mime(db, sha, mime, sizeof mime) != NY_OK)
		return 404;
	blob_path(http_config()->data_dir, sha, path, sizeof path);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return 404;
	if (fstat(fd, &sb) != 0) {
		close(fd);
		return 500;
	}
	/* MHD closes fd when the response is destroyed */
	r = MHD_create_response_from_fd64((uint64_t)sb.st_size, fd);
	if (r == NULL) {
		close(fd);
		return 500;
	}
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, mime);
	MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL,
	    "public, max-age=31536000, immutable");
	return http_mhd(rq, rs, 200, r);
}

int
page_healthz(struct http_req *rq, struct http_resp *rs)
{
	enum ready_state st = ready_get();
	struct db *db;

	/* a probe's answer is about now: no cache may keep it */
	http_add_header(rq, rs, "Cache-Control", "no-store");
	/* Starting or draining: not for new buyers, whatever the database
	 * says (a balancer sends them elsewhere; see ready.h). */
	if (st != READY_OK)
		return http_json(rq, rs, 503,
		    json_pack("{s:s}", "status", ready_name(st)));
	db = http_db(rq);
	if (db == NULL || catalog_ping(db) != NY_OK)
		return http_json(rq, rs, 503,
		    json_pack("{s:s}", "status", "unavailable"));
	return http_json(rq, rs, 200, json_pack("{s:s}", "status", "ok"));
}

int
api_products(struct http_req *rq, struct http_resp *rs)
{
	const char *q = page_q(rq), *kind = http_query(rq, "kind");
	struct db *db = http_db(rq);
	struct catalog_list l;
	enum ny_err rc;
	int page = page_number(rq), status;

	if (db == NULL)
		return http_json(rq, rs, 503, json_pack("{s:s}", "error",
		    "unavailable"));
	if (kind != NULL && !catalog_kind_ok(kind))
		return http_json(rq, rs, 400, json_pack("{s:s}", "error",
		    "bad kind"));
	if (q != NULL && *q != '\0')
		rc = catalog_search(db, q, kind, page, 0, &l);
	else
		rc = catalog_list_products(db, kind, page, 0, &l);
	if (rc != NY_OK)
		return http_json(rq, rs, 500, json_pack("{s:s}", "error",
		    "internal"));
	status = http_json(rq, rs, 200, json_pack("{s:o, s:i, s:b}",
	    "products", view_list(http_lang(rq), &l), "page", page, "more",
	    l.more));
	catalog_list_free(&l);
	return status;
}

int
api_product(struct http_req *rq, struct http_resp *rs)
{
	struct db *db = http_db(rq);
	struct catalog_product *p;
	enum ny_err rc;
	int status;

	if (db == NULL)
		return http_json(rq, rs, 503, json_pack("{s:s}", "error",
		    "unavailable"));
	rc = catalog_product_by_slug(db, http_param(rq, "slug"), &p);
	if (rc == NY_ENOTFOUND)
		return http_json(rq, rs, 404, json_pack("{s:s}", "error",
		    "not found"));
	if (rc != NY_OK)
		return http_json(rq, rs, 500, json_pack("{s:s}", "error",
		    "internal"));
	status = http_json(rq, rs, 200, view_product(http_lang(rq), p, 1));
	catalog_product_free(p);
	return status;
}
