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
#include "checkout.h"
#include "i18n.h"
#include "log.h"
#include "og.h"
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

/* What a catalog page shows: its query parameters, read once. */
struct page_cat {
	const char		*q;	/* as typed (cut), or NULL */
	const char		*kind;	/* a kind or NULL */
	const char		*tag;	/* a well-formed tag or NULL */
	const char		*lang;	/* ?lang= as given (kept in links) */
	enum catalog_sort	 sort;
	int			 page;
};

/* Tags shown as chips (most used first), besides the one chosen. */
#define PAGE_TAG_CHIPS	12

/*
 * "/?q=…&kind=…&tag=…&sort=…&page=N&lang=…" (arena): every link of the
 * catalog keeps the other parameters, so a chip or a sort link changes
 * one thing only (and a page without cookies keeps its language).
 */
static const char *
page_catalog_url(struct http_req *rq, const struct page_cat *c)
{
	struct ny_buf b;
	const char *sep = "?", *out, *sort = catalog_sort_name(c->sort);

	buf_init(&b, 0);
	buf_adds(&b, "/");
	if (c->q != NULL && *c->q != '\0') {
		buf_adds(&b, "?q=");
		page_urlenc(&b, c->q);
		sep = "&";
	}
	if (c->kind != NULL) {
		buf_printf(&b, "%skind=%s", sep, c->kind);
		sep = "&";
	}
	if (c->tag != NULL) {
		buf_printf(&b, "%stag=%s", sep, c->tag);
		sep = "&";
	}
	if (sort != NULL) {
		buf_printf(&b, "%ssort=%s", sep, sort);
		sep = "&";
	}
	if (c->page > 1) {
		buf_printf(&b, "%spage=%d", sep, c->page);
		sep = "&";
	}
	if (c->lang != NULL)
		buf_printf(&b, "%slang=%s", sep, c->lang);
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

/* A chip: label, url, active. */
static json_t *
page_chip(const char *label, const char *url, int active)
{
	return json_pack("{s:s, s:s, s:b}", "label", label, "url", url,
	    "active", active);
}

/* The kind filter chips (page 1 of each, the rest kept). */
static json_t *
page_filters(struct http_req *rq, const struct page_cat *cur)
{
	static const char *const kinds[] = {
		"download", "subscription", "ticket", "webinar"
	};
	struct page_cat c = *cur;
	json_t *a = json_array();
	char key[32];
	size_t i;

	c.page = 1;
	c.kind = NULL;
	json_array_append_new(a, page_chip(i18n_get(http_lang(rq),
	    "sf.kind.all"), page_catalog_url(rq, &c), cur->kind == NULL));
	for (i = 0; i < sizeof kinds / sizeof *kinds; i++) {
		snprintf(key, sizeof key, "sf.kinds.%s", kinds[i]);
		c.kind = kinds[i];
		json_array_append_new(a, page_chip(i18n_get(http_lang(rq),
		    key), page_catalog_url(rq, &c), cur->kind != NULL &&
		    strcmp(cur->kind, kinds[i]) == 0));
	}
	return a;
}

/*
 * The tag chips: "All", then the tags most used among published products
 * and the one chosen even when it is not among them. NULL when no
 * product has a tag (and none is chosen): the page shows no row.
 */
static json_t *
page_tag_chips(struct http_req *rq, const struct page_cat *cur)
{
	struct catalog_tag tags[PAGE_TAG_CHIPS];
	struct page_cat c = *cur;
	json_t *a;
	int i, n, seen = 0;

	if (catalog_tags_in_use(http_db(rq), tags, PAGE_TAG_CHIPS, &n) !=
	    NY_OK)
		n = 0;	/* the products still show; only the chips are gone */
	if (n == 0 && cur->tag == NULL)
		return NULL;
	a = json_array();
	c.page = 1;
	c.tag = NULL;
	json_array_append_new(a, page_chip(i18n_get(http_lang(rq),
	    "sf.kind.all"), page_catalog_url(rq, &c), cur->tag == NULL));
	for (i = 0; i < n; i++) {
		c.tag = tags[i].tag;
		seen |= cur->tag != NULL && strcmp(cur->tag, tags[i].tag) == 0;
		json_array_append_new(a, page_chip(tags[i].tag,
		    page_catalog_url(rq, &c), cur->tag != NULL &&
		    strcmp(cur->tag, tags[i].tag) == 0));
	}
	if (cur->tag != NULL && !seen) {
		c.tag = cur->tag;
		json_array_append_new(a, page_chip(cur->tag,
		    page_catalog_url(rq, &c), 1));
	}
	return a;
}

/* The sort links: best match (searching only) or newest, price, popular. */
static json_t *
page_sorts(struct http_req *rq, const struct page_cat *cur)
{
	static const struct {
		enum catalog_sort s;
		const char *key;
	} sorts[] = {
		{ CATALOG_SORT_DEFAULT, "sf.sort.best" },
		{ CATALOG_SORT_NEW, "sf.sort.new" },
		{ CATALOG_SORT_PRICE, "sf.sort.price" },
		{ CATALOG_SORT_POPULAR, "sf.sort.popular" },
	};
	struct page_cat c = *cur;
	int searching = cur->q != NULL && *cur->q != '\0';
	enum catalog_sort now = cur->sort;
	json_t *a = json_array();
	size_t i;

	/* listing, the default is newest: one link for it, marked */
	if (!searching && now == CATALOG_SORT_DEFAULT)
		now = CATALOG_SORT_NEW;
	c.page = 1;
	for (i = searching ? 0 : 1; i < sizeof sorts / sizeof *sorts; i++) {
		c.sort = sorts[i].s;
		json_array_append_new(a, page_chip(i18n_get(http_lang(rq),
		    sorts[i].key), page_catalog_url(rq, &c),
		    now == sorts[i].s));
	}
	return a;
}

/*
 * ?tag= as a stored tag would be: A–Z folded (a shared link may have
 * been typed "Music"), "" as none. NULL with *bad 1 when it cannot be a
 * tag at all.
 */
static const char *
page_tag(struct http_req *rq, int *bad)
{
	const char *t = http_query(rq, "tag");
	char *f;
	size_t i;

	*bad = 0;
	if (t == NULL || *t == '\0')
		return NULL;
	f = http_strndup(rq, t, strlen(t));
	for (i = 0; f[i] != '\0'; i++)
		if (f[i] >= 'A' && f[i] <= 'Z')
			f[i] = (char)(f[i] - 'A' + 'a');
	if (!catalog_tag_ok(f)) {
		*bad = 1;
		return NULL;
	}
	return f;
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

/*
 * Reads the catalog's parameters into *c. An API asks for exactness:
 * NY_EINVAL with *err ("bad kind", "bad tag", "bad sort") for what the
 * page itself quietly drops (an old or mistyped link still shows the
 * catalog: all kinds, any tag, the default order).
 */
static enum ny_err
page_cat_read(struct http_req *rq, struct page_cat *c, const char **err)
{
	const char *lang = http_query(rq, "lang");
	int bad;

	memset(c, 0, sizeof *c);
	*err = NULL;
	c->q = page_q(rq);
	c->kind = http_query(rq, "kind");
	c->page = page_number(rq);
	c->lang = lang != NULL && i18n_lang_ok(lang) ? lang : NULL;
	if (c->kind != NULL && !catalog_kind_ok(c->kind)) {
		c->kind = NULL;
		*err = "bad kind";
	}
	c->tag = page_tag(rq, &bad);
	if (bad && *err == NULL)
		*err = "bad tag";
	if (!catalog_sort_parse(http_query(rq, "sort"), &c->sort) &&
	    *err == NULL)
		*err = "bad sort";
	return *err == NULL ? NY_OK : NY_EINVAL;
}

/* The products c asks for. */
static enum ny_err
page_cat_list(struct http_req *rq, const struct page_cat *c,
    struct catalog_list *l)
{
	struct catalog_query cq = { c->q, c->kind, c->tag, c->sort, c->page,
	    0 };

	return catalog_query(http_db(rq), &cq, l);
}

int
page_catalog(struct http_req *rq, struct http_resp *rs)
{
	struct page_cat c, nav;
	struct catalog_list l;
	const char *err;
	json_t *ctx, *tags;
	enum ny_err rc;

	if (http_db(rq) == NULL)
		return 503;
	(void)page_cat_read(rq, &c, &err);	/* the page falls back */
	if ((rc = page_cat_list(rq, &c, &l)) != NY_OK) {
		log_warn("catalog failed", "err=%s", ny_strerror(rc));
		return 500;
	}
	ctx = json_object();
	json_object_set_new(ctx, "products", view_list(http_lang(rq), &l));
	json_object_set_new(ctx, "empty", json_boolean(l.n == 0));
	json_object_set_new(ctx, "q", json_string(c.q ? c.q : ""));
	json_object_set_new(ctx, "searching", json_boolean(c.q && *c.q));
	json_object_set_new(ctx, "filters", page_filters(rq, &c));
	if ((tags = page_tag_chips(rq, &c)) != NULL) {
		json_object_set_new(ctx, "tag_filters", tags);
		json_object_set_new(ctx, "has_tags", json_true());
	}
	json_object_set_new(ctx, "sorts", page_sorts(rq, &c));
	if (c.kind != NULL)
		json_object_set_new(ctx, "kind", json_string(c.kind));
	if (c.tag != NULL)
		json_object_set_new(ctx, "tag", json_string(c.tag));
	nav = c;
	if (c.page > 1) {
		nav.page = c.page - 1;
		json_object_set_new(ctx, "prev_url",
		    json_string(page_catalog_url(rq, &nav)));
	}
	if (l.more) {
		nav.page = c.page + 1;
		json_object_set_new(ctx, "next_url",
		    json_string(page_catalog_url(rq, &nav)));
	}
	json_object_set_new(ctx, "page", json_integer(c.page));
	json_object_set_new(ctx, "title", json_string(i18n_get(http_lang(rq),
	    c.q && *c.q ? "sf.search.title" : "sf.catalog.title")));
	og_page_catalog(rq, ctx);
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
	og_page_creator(rq, ctx, c);
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
	checkout_amount_json(rq, p, NULL, ctx);	/* pay what you want */
	og_page_product(rq, ctx, p);
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

/*
 * GET /api/v1/products: the catalog page's parameters (q, kind, tag,
 * sort, page); an unknown kind or sort, or a tag that cannot be one, is a
 * 400 with {"error": …} rather than the page's quiet fallback: a client
 * should learn its mistake.
 */
int
api_products(struct http_req *rq, struct http_resp *rs)
{
	struct page_cat c;
	struct catalog_list l;
	const char *err;
	int status;

	if (http_db(rq) == NULL)
		return http_json(rq, rs, 503, json_pack("{s:s}", "error",
		    "unavailable"));
	if (page_cat_read(rq, &c, &err) != NY_OK)
		return http_json(rq, rs, 400, json_pack("{s:s}", "error",
		    err));
	if (page_cat_list(rq, &c, &l) != NY_OK)
		return http_json(rq, rs, 500, json_pack("{s:s}", "error",
		    "internal"));
	status = http_json(rq, rs, 200, json_pack("{s:o, s:i, s:b}",
	    "products", view_list(http_lang(rq), &l), "page", c.page, "more",
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
