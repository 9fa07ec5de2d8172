/*
 * catalog-io.c: catalog export and import (DESIGN §3). See catalog-io.h.
 *
 * Import runs in three steps so that a bad document changes nothing:
 *   1. parse and validate everything into a model (struct cio_doc), with
 *      the JSON path of the first problem;
 *   2. copy content files into the store (a blob nobody references is
 *      harmless, and the copy is the slow part: outside the transaction);
 *   3. upsert in ONE transaction, writing a row only when it differs, so
 *      a second import of the same document writes nothing at all.
 */
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "automation.h"
#include "catalog-io.h"
#include "creator.h"
#include "image.h"
#include "product.h"
#include "blob.h"

#define CIO_MAX_ITEMS	10000	/* creators, products, files per product */

struct cio_file {
	const char	*name;
	char		*path;		/* resolved (owned) */
	char		 sha[BLOB_SHA_LEN];
	int64_t		 size;
	char		 mime[BLOB_MIME_LEN];
};

struct cio_auto {
	const char	*trigger;
	int64_t		 offset;
	const char	*body_en;
	const char	*body_sw;
	int		 enabled;
};

struct cio_creator {
	const char	*handle;
	const char	*display_name;
	const char	*locale;
	const char	*bio;
	char		*avatar;	/* resolved path or NULL (owned) */
	char		 avatar_sha[BLOB_SHA_LEN];
};

struct cio_product {
	const char	*creator;
	struct product	 p;		/* owned strings */
	char		*cover;		/* resolved path or NULL (owned) */
	struct cio_file	*files;
	size_t		 nfiles;
	struct cio_auto	*autos;
	size_t		 nautos;
};

struct cio_doc {
	json_t			*root;
	const char		*base;	/* folder of the JSON file */
	int			 check_files;
	struct cio_creator	*creators;
	size_t			 ncreators;
	struct cio_product	*products;
	size_t			 nproducts;
};

static int cio_fail(char **cause, const char *fmt, ...) NY_PRINTF(2, 3);

/* Causes quote the document (keys, paths): keep one line, no escapes. */
static void
cio_clean(char *s)
{
	for (unsigned char *p = (unsigned char *)s; p && *p; p++)
		if (*p < 0x20 || *p == 0x7f)
			*p = '?';
}

static int
cio_fail(char **cause, const char *fmt, ...)
{
	va_list ap;

	if (cause != NULL) {
		va_start(ap, fmt);
		free(*cause);
		*cause = xvasprintf(fmt, ap);
		va_end(ap);
		cio_clean(*cause);
	}
	return NY_EINVAL;
}

static void
cio_doc_free(struct cio_doc *d)
{
	for (size_t i = 0; i < d->nproducts; i++) {
		struct cio_product *cp = &d->products[i];

		product_free(&cp->p);
		free(cp->cover);
		for (size_t j = 0; j < cp->nfiles; j++)
			free(cp->files[j].path);
		free(cp->files);
		free(cp->autos);
	}
	free(d->products);
	for (size_t i = 0; i < d->ncreators; i++)
		free(d->creators[i].avatar);
	free(d->creators);
	if (d->root != NULL)
		json_decref(d->root);
	memset(d, 0, sizeof *d);
}

/* --- Typed getters: each names the JSON path on failure --------------- */

/* Refuses keys not in the NULL-terminated list. */
static int
cio_keys(json_t *obj, const char *path, const char *const *allowed,
    char **cause)
{
	const char *key;
	json_t *v;

	json_object_foreach(obj, key, v) {
		const char *const *a;

		for (a = allowed; *a != NULL && strcmp(*a, key) != 0; a++)
			;
		if (*a == NULL)
			return cio_fail(cause, "%s.%s: unknown field", path, key);
	}
	return NY_OK;
}

/* A string member: *out NULL when absent and not required. */
static int
cio_str(json_t *obj, const char *key, int required, const char *path,
    const char **out, char **cause)
{
	json_t *v = json_object_get(obj, key);

	*out = NULL;
	if (v == NULL || json_is_null(v)) {
		if (required)
			return cio_fail(cause, "%s.%s: missing", path, key);
		return NY_OK;
	}
	if (!json_is_string(v))
		return cio_fail(cause, "%s.%s: expected a string", path, key);
	if (strlen(json_string_value(v)) != json_string_length(v))
		return cio_fail(cause, "%s.%s: NUL character in string", path,
		    key);
	*out = json_string_value(v);
	return NY_OK;
}

/* An integer member in [min, max]; *out untouched when absent. */
static int
cio_int(json_t *obj, const char *key, int required, int64_t min, int64_t max,
    const char *path, int64_t *out, char **cause)
{
	json_t *v = json_object_get(obj, key);

	if (v == NULL || json_is_null(v)) {
		if (required)
			return cio_fail(cause, "%s.%s: missing", path, key);
		return NY_OK;
	}
	if (!json_is_integer(v) || json_integer_value(v) < min ||
	    json_integer_value(v) > max)
		return cio_fail(cause, "%s.%s: expected an integer ≥ %lld", path,
		    key, (long long)min);
	*out = json_integer_value(v);
	return NY_OK;
}

static int
cio_time(json_t *obj, const char *key, const char *path, int64_t *out,
    char **cause)
{
	const char *s;
	int rc;

	if ((rc = cio_str(obj, key, 1, path, &s, cause)) != NY_OK)
		return rc;
	if (ny_parse_iso8601(s, out) != NY_OK || *out <= 0)
		return cio_fail(cause, "%s.%s: expected an ISO 8601 date and "
		    "time such as 2027-01-15T06:00:00+03:00", path, key);
	return NY_OK;
}

/* An array member (absent: *n = 0). */
static int
cio_array(json_t *obj, const char *key, const char *path, json_t **out,
    size_t *n, char **cause)
{
	json_t *v = json_object_get(obj, key);

	*out = NULL;
	*n = 0;
	if (v == NULL || json_is_null(v))
		return NY_OK;
	if (!json_is_array(v))
		return cio_fail(cause, "%s.%s: expected an array", path, key);
	if (json_array_size(v) > CIO_MAX_ITEMS)
		return cio_fail(cause, "%s.%s: more than %d items", path, key,
		    CIO_MAX_ITEMS);
	*out = v;
	*n = json_array_size(v);
	return NY_OK;
}

/*
 * Resolves a relative path of the document against base: no absolute
 * paths, no "..", and (check_files) a regular file must be there.
 */
static int
cio_path(struct cio_doc *d, const char *rel, const char *path, char **out,
    char **cause)
{
	struct stat sb;
	const char *p;

	*out = NULL;
	if (rel[0] == '\0' || rel[0] == '/' || strlen(rel) > 1024)
		return cio_fail(cause, "%s: expected a relative path", path);
	for (p = rel; p != NULL; p = strchr(p, '/')) {
		if (*p == '/')
			p++;
		if (strncmp(p, "..", 2) == 0 && (p[2] == '/' || p[2] == '\0'))
			return cio_fail(cause, "%s: \"..\" is not allowed in "
			    "paths", path);
	}
	*out = xasprintf("%s/%s", d->base, rel);
	if (d->check_files && (stat(*out, &sb) != 0 || !S_ISREG(sb.st_mode))) {
		free(*out);
		*out = NULL;
		return cio_fail(cause, "%s: no such file: %s", path, rel);
	}
	return NY_OK;
}

/*
 * A cover or avatar must be an image image.c takes (PNG, JPEG or WebP, at
 * most 5 MB and 4000 pixels a side), whatever its name: checked while
 * validating (check_files) so a bad picture changes nothing, and again
 * when it is stored (image_put_fd), which is what counts.
 */
static int
cio_image(struct cio_doc *d, const char *file, const char *rel,
    const char *path, char **cause)
{
	const char *why = NULL;
	char *buf = NULL;
	size_t len = 0;
	int rc;

	if (!d->check_files)
		return NY_OK;
	rc = ny_read_file(file, (size_t)IMAGE_MAX_BYTES + 1, &buf, &len);
	if (rc == NY_ELIMIT || (rc == NY_OK && len > (size_t)IMAGE_MAX_BYTES))
		why = "larger than 5 MB";
	else if (rc != NY_OK)
		why = "cannot read the file";
	else if (image_probe((const unsigned char *)buf, len, NULL, &why) ==
	    NY_OK)
		why = NULL;
	free(buf);
	if (why != NULL)
		return cio_fail(cause, "%s: %s: %s", path, rel, why);
	return NY_OK;
}

/* An optional picture member (cover, avatar): *out the resolved path. */
static int
cio_picture(struct cio_doc *d, json_t *o, const char *key, const char *path,
    char **out, char **cause)
{
	const char *rel;
	char ipath[160];
	int rc;

	*out = NULL;
	if ((rc = cio_str(o, key, 0, path, &rel, cause)) != NY_OK ||
	    rel == NULL)
		return rc;
	snprintf(ipath, sizeof ipath, "%s.%s", path, key);
	if ((rc = cio_path(d, rel, ipath, out, cause)) != NY_OK)
		return rc;
	/* On a refusal nothing is kept: a creator that fails validation is
	 * not counted, so cio_doc_free would not free the path. */
	if ((rc = cio_image(d, *out, rel, ipath, cause)) != NY_OK) {
		free(*out);
		*out = NULL;
	}
	return rc;
}

/* --- Validation ------------------------------------------------------- */

static int
cio_creator(struct cio_doc *d, json_t *o, const char *path,
    struct cio_creator *c, char **cause)
{
	static const char *const keys[] = {
		"handle", "display_name", "locale", "bio", "avatar", NULL
	};
	int rc;

	if (!json_is_object(o))
		return cio_fail(cause, "%s: expected an object", path);
	if ((rc = cio_keys(o, path, keys, cause)) != NY_OK ||
	    (rc = cio_str(o, "handle", 1, path, &c->handle, cause)) != NY_OK ||
	    (rc = cio_str(o, "display_name", 0, path, &c->display_name,
	    cause)) != NY_OK ||
	    (rc = cio_str(o, "locale", 0, path, &c->locale, cause)) != NY_OK ||
	    (rc = cio_str(o, "bio", 0, path, &c->bio, cause)) != NY_OK)
		return rc;
	if (!creator_handle_ok(c->handle))
		return cio_fail(cause, "%s.handle: expected 2–32 characters of "
		    "a-z, 0-9, _ and -, starting with a letter", path);
	if (c->display_name && strlen(c->display_name) > CREATOR_NAME_MAX)
		return cio_fail(cause, "%s.display_name: longer than %d bytes",
		    path, CREATOR_NAME_MAX);
	if (c->bio && strlen(c->bio) > CREATOR_BIO_MAX)
		return cio_fail(cause, "%s.bio: longer than %d bytes", path,
		    CREATOR_BIO_MAX);
	if (c->locale && strcmp(c->locale, "en") && strcmp(c->locale, "sw"))
		return cio_fail(cause, "%s.locale: expected \"en\" or \"sw\"",
		    path);
	for (size_t i = 0; i < d->ncreators; i++)
		if (strcmp(d->creators[i].handle, c->handle) == 0)
			return cio_fail(cause, "%s.handle: \"%s\" appears twice",
			    path, c->handle);
	/* Last: the only check that allocates (c->avatar), kept on success
	 * alone, when c is counted and cio_doc_free will free it. */
	return cio_picture(d, o, "avatar", path, &c->avatar, cause);
}

static int
cio_files(struct cio_doc *d, json_t *o, const char *path,
    struct cio_product *cp, char **cause)
{
	static const char *const keys[] = { "name", "path", NULL };
	json_t *arr, *f;
	size_t n, i;
	int rc;

	if ((rc = cio_array(o, "files", path, &arr, &n, cause)) != NY_OK)
		return rc;
	cp->files = xcalloc(n ? n : 1, sizeof *cp->files);
	json_array_foreach(arr, i, f) {
		struct cio_file *cf = &cp->files[i];
		const char *rel;
		char fp[160];

		snprintf(fp, sizeof fp, "%s.files[%zu]", path, i);
		if (!json_is_object(f))
			return cio_fail(cause, "%s: expected an object", fp);
		cp->nfiles = i + 1;
		if ((rc = cio_keys(f, fp, keys, cause)) != NY_OK ||
		    (rc = cio_str(f, "name", 1, fp, &cf->name, cause)) != NY_OK ||
		    (rc = cio_str(f, "path", 1, fp, &rel, cause)) != NY_OK)
			return rc;
		if (!product_file_name_ok(cf->name))
			return cio_fail(cause, "%s.name: expected a file name "
			    "without '/' (1–255 bytes)", fp);
		for (size_t j = 0; j < i; j++)
			if (strcmp(cp->files[j].name, cf->name) == 0)
				return cio_fail(cause, "%s.name: \"%s\" appears "
				    "twice", fp, cf->name);
		snprintf(fp, sizeof fp, "%s.files[%zu].path", path, i);
		if ((rc = cio_path(d, rel, fp, &cf->path, cause)) != NY_OK)
			return rc;
	}
	return NY_OK;
}

static int
cio_autos(json_t *o, const char *path, struct cio_product *cp, char **cause)
{
	static const char *const keys[] = {
		"trigger", "offset_minutes", "body_en", "body_sw", "enabled",
		NULL
	};
	json_t *arr, *a, *en;
	size_t n, i;
	int rc;

	if ((rc = cio_array(o, "automations", path, &arr, &n, cause)) != NY_OK)
		return rc;
	cp->autos = xcalloc(n ? n : 1, sizeof *cp->autos);
	json_array_foreach(arr, i, a) {
		struct cio_auto *ca = &cp->autos[i];
		char ap[160];

		snprintf(ap, sizeof ap, "%s.automations[%zu]", path, i);
		if (!json_is_object(a))
			return cio_fail(cause, "%s: expected an object", ap);
		cp->nautos = i + 1;
		ca->enabled = 1;
		if ((rc = cio_keys(a, ap, keys, cause)) != NY_OK ||
		    (rc = cio_str(a, "trigger", 1, ap, &ca->trigger, cause)) ||
		    (rc = cio_int(a, "offset_minutes", 0, 0, 525600, ap,
		    &ca->offset, cause)) ||
		    (rc = cio_str(a, "body_en", 1, ap, &ca->body_en, cause)) ||
		    (rc = cio_str(a, "body_sw", 1, ap, &ca->body_sw, cause)))
			return rc;
		if (strcmp(ca->trigger, "purchase") &&
		    strcmp(ca->trigger, "before_start") &&
		    strcmp(ca->trigger, "before_end"))
			return cio_fail(cause, "%s.trigger: expected purchase, "
			    "before_start or before_end", ap);
		if (!automation_trigger_ok(ca->trigger, cp->p.kind))
			return cio_fail(cause, "%s.trigger: %s does not suit a "
			    "%s product", ap, ca->trigger, cp->p.kind);
		if ((en = json_object_get(a, "enabled")) != NULL) {
			if (!json_is_boolean(en))
				return cio_fail(cause, "%s.enabled: expected "
				    "true or false", ap);
			ca->enabled = json_is_true(en);
		}
		if (strlen(ca->body_en) > 4096 || strlen(ca->body_sw) > 4096)
			return cio_fail(cause, "%s: message longer than 4096 "
			    "bytes", ap);
		for (size_t j = 0; j < i; j++)
			if (strcmp(cp->autos[j].trigger, ca->trigger) == 0 &&
			    cp->autos[j].offset == ca->offset)
				return cio_fail(cause, "%s: same trigger and "
				    "offset as automations[%zu]", ap, j);
	}
	return NY_OK;
}

/* The kind objects: subscription, event, webinar. */
static int
cio_kind(json_t *o, const char *path, struct product *p, char **cause)
{
	static const char *const ksub[] = { "period_days", NULL };
	static const char *const kev[] = { "starts_at", "venue", "capacity",
		NULL };
	static const char *const kweb[] = { "starts_at", "join_url", NULL };
	static const struct {
		const char *obj, *kind;
	} owners[] = {
		{ "subscription", "subscription" },
		{ "event", "ticket" },
		{ "webinar", "webinar" },
	};
	char kp[160];
	const char *s;
	json_t *k;
	int rc;

	for (size_t i = 0; i < 3; i++) {
		k = json_object_get(o, owners[i].obj);
		if (k != NULL && strcmp(p->kind, owners[i].kind) != 0)
			return cio_fail(cause, "%s.%s: only for kind \"%s\"",
			    path, owners[i].obj, owners[i].kind);
		if (k == NULL && strcmp(p->kind, owners[i].kind) == 0)
			return cio_fail(cause, "%s.%s: missing (required for "
			    "kind \"%s\")", path, owners[i].obj, p->kind);
		if (k != NULL && !json_is_object(k))
			return cio_fail(cause, "%s.%s: expected an object",
			    path, owners[i].obj);
	}
	if ((k = json_object_get(o, "subscription")) != NULL) {
		snprintf(kp, sizeof kp, "%s.subscription", path);
		if ((rc = cio_keys(k, kp, ksub, cause)) ||
		    (rc = cio_int(k, "period_days", 1, 1, 36500, kp,
		    &p->period_days, cause)))
			return rc;
	}
	if ((k = json_object_get(o, "event")) != NULL) {
		snprintf(kp, sizeof kp, "%s.event", path);
		if ((rc = cio_keys(k, kp, kev, cause)) ||
		    (rc = cio_time(k, "starts_at", kp, &p->starts_at, cause)) ||
		    (rc = cio_int(k, "capacity", 1, 0, 10000000, kp,
		    &p->capacity, cause)) ||
		    (rc = cio_str(k, "venue", 0, kp, &s, cause)))
			return rc;
		free(p->venue);
		p->venue = xstrdup(s ? s : "");
	}
	if ((k = json_object_get(o, "webinar")) != NULL) {
		snprintf(kp, sizeof kp, "%s.webinar", path);
		if ((rc = cio_keys(k, kp, kweb, cause)) ||
		    (rc = cio_time(k, "starts_at", kp, &p->starts_at, cause)) ||
		    (rc = cio_str(k, "join_url", 0, kp, &s, cause)))
			return rc;
		free(p->join_url);
		p->join_url = xstrdup(s ? s : "");
	}
	return NY_OK;
}

/* Where product_validate's field lives in the document. */
static const char *
cio_field_path(const struct product *p, const char *field)
{
	if (strcmp(field, "period_days") == 0)
		return "subscription.period_days";
	if (strcmp(field, "capacity") == 0)
		return "event.capacity";
	if (strcmp(field, "venue") == 0)
		return "event.venue";
	if (strcmp(field, "join_url") == 0)
		return "webinar.join_url";
	if (strcmp(field, "starts_at") == 0)
		return strcmp(p->kind, "webinar") == 0 ? "webinar.starts_at" :
		    "event.starts_at";
	if (strcmp(field, "cover_sha256") == 0)
		return "cover";
	return field;
}

static void
cio_set_str(char **dst, const char *s)
{
	free(*dst);
	*dst = xstrdup(s ? s : "");
}

static int
cio_product_fields(json_t *o, const char *path, struct cio_product *cp,
    char **cause)
{
	struct product *p = &cp->p;
	const char *slug, *kind, *title, *summary, *story, *cur, *status;
	int rc;

	if ((rc = cio_str(o, "creator", 1, path, &cp->creator, cause)) ||
	    (rc = cio_str(o, "slug", 1, path, &slug, cause)) ||
	    (rc = cio_str(o, "kind", 1, path, &kind, cause)) ||
	    (rc = cio_str(o, "title", 1, path, &title, cause)) ||
	    (rc = cio_str(o, "summary", 0, path, &summary, cause)) ||
	    (rc = cio_str(o, "story_md", 0, path, &story, cause)) ||
	    (rc = cio_int(o, "price_minor", 1, 0, INT64_C(1) << 50, path,
	    &p->price_minor, cause)) ||
	    (rc = cio_str(o, "currency", 1, path, &cur, cause)) ||
	    (rc = cio_str(o, "status", 0, path, &status, cause)) ||
	    (rc = cio_int(o, "download_limit", 0, 1, 1000000, path,
	    &p->download_limit, cause)))
		return rc;
	if (!product_slug_ok(slug))
		return cio_fail(cause, "%s.slug: expected 1–80 characters of "
		    "a-z, 0-9 and -", path);
	snprintf(p->slug, sizeof p->slug, "%s", slug);
	if (strlen(kind) >= sizeof p->kind) {
		return cio_fail(cause, "%s.kind: expected download, "
		    "subscription, ticket or webinar", path);
	}
	snprintf(p->kind, sizeof p->kind, "%s", kind);
	snprintf(p->currency, sizeof p->currency, "%.3s", cur);
	if (strlen(cur) != 3)
		p->currency[0] = '?';
	snprintf(p->status, sizeof p->status, "%.11s",
	    status ? status : "draft");
	cio_set_str(&p->title, title);
	cio_set_str(&p->summary, summary);
	cio_set_str(&p->story_md, story);
	return NY_OK;
}

static int
cio_product(struct cio_doc *d, json_t *o, const char *path,
    struct cio_product *cp, char **cause)
{
	static const char *const keys[] = {
		"creator", "slug", "kind", "title", "summary", "story_md",
		"price_minor", "currency", "status", "files", "subscription",
		"event", "webinar", "cover", "download_limit", "automations",
		NULL
	};
	const char *field = NULL, *why = NULL;
	int rc;

	product_init(&cp->p);
	if (!json_is_object(o))
		return cio_fail(cause, "%s: expected an object", path);
	if ((rc = cio_keys(o, path, keys, cause)) ||
	    (rc = cio_product_fields(o, path, cp, cause)))
		return rc;
	if (strcmp(cp->p.kind, "download") && strcmp(cp->p.kind, "subscription")
	    && strcmp(cp->p.kind, "ticket") && strcmp(cp->p.kind, "webinar"))
		return cio_fail(cause, "%s.kind: expected download, "
		    "subscription, ticket or webinar", path);
	if ((rc = cio_kind(o, path, &cp->p, cause)) ||
	    (rc = product_validate(&cp->p, &field, &why)) != NY_OK)
		return rc == NY_EINVAL && field ? cio_fail(cause, "%s.%s: %s",
		    path, cio_field_path(&cp->p, field), why) : rc;
	if ((rc = cio_files(d, o, path, cp, cause)) ||
	    (rc = cio_autos(o, path, cp, cause)) ||
	    (rc = cio_picture(d, o, "cover", path, &cp->cover, cause)))
		return rc;
	if (strcmp(cp->p.kind, "download") == 0 &&
	    strcmp(cp->p.status, "published") == 0 && cp->nfiles == 0)
		return cio_fail(cause, "%s.files: a published download needs "
		    "at least one file", path);
	for (size_t i = 0; i < d->nproducts && &d->products[i] != cp; i++)
		if (strcmp(d->products[i].p.slug, cp->p.slug) == 0)
			return cio_fail(cause, "%s.slug: \"%s\" appears twice",
			    path, cp->p.slug);
	return NY_OK;
}

/* Is handle one of the document's creators, or (db) already known? */
static int
cio_creator_known(struct cio_doc *d, struct db *db, const char *handle)
{
	struct creator c;

	for (size_t i = 0; i < d->ncreators; i++)
		if (strcmp(d->creators[i].handle, handle) == 0)
			return 1;
	if (db == NULL || creator_by_handle(db, handle, &c) != NY_OK)
		return 0;
	creator_free(&c);
	return 1;
}

static int
cio_parse(struct cio_doc *d, struct db *db, const char *json, size_t len,
    char **cause)
{
	static const char *const keys[] = { "version", "creators", "products",
		NULL };
	json_error_t jerr;
	json_t *arr, *o;
	int64_t version = 0;
	size_t n, i;
	char path[64];
	int rc;

	d->root = json_loadb(json, len, JSON_REJECT_DUPLICATES, &jerr);
	if (d->root == NULL)
		return cio_fail(cause, "line %d column %d: %s", jerr.line,
		    jerr.column, jerr.text);
	if (!json_is_object(d->root))
		return cio_fail(cause, "$: expected an object");
	if ((rc = cio_keys(d->root, "$", keys, cause)) ||
	    (rc = cio_int(d->root, "version", 1, 0, INT64_MAX, "$", &version,
	    cause)))
		return rc;
	if (version != 1)
		return cio_fail(cause, "$.version: expected 1");
	if ((rc = cio_array(d->root, "creators", "$", &arr, &n, cause)))
		return rc;
	d->creators = xcalloc(n ? n : 1, sizeof *d->creators);
	json_array_foreach(arr, i, o) {
		snprintf(path, sizeof path, "creators[%zu]", i);
		if ((rc = cio_creator(d, o, path, &d->creators[i], cause)))
			return rc;
		d->ncreators++;
	}
	if ((rc = cio_array(d->root, "products", "$", &arr, &n, cause)))
		return rc;
	d->products = xcalloc(n ? n : 1, sizeof *d->products);
	json_array_foreach(arr, i, o) {
		snprintf(path, sizeof path, "products[%zu]", i);
		d->nproducts++;
		if ((rc = cio_product(d, o, path, &d->products[i], cause)))
			return rc;
		if (!cio_creator_known(d, db, d->products[i].creator))
			return cio_fail(cause, "%s.creator: no creator \"%s\" "
			    "in the document or the database", path,
			    d->products[i].creator);
	}
	return NY_OK;
}

int
catalog_validate(const char *json, size_t len, const char *base_dir,
    int check_files, char **cause)
{
	struct cio_doc d;
	int rc;

	memset(&d, 0, sizeof d);
	d.base = base_dir;
	d.check_files = check_files;
	rc = cio_parse(&d, NULL, json, len, cause);
	cio_doc_free(&d);
	return rc;
}

/* --- Import: store, then one transaction ------------------------------ */

/*
 * Stores a cover or avatar through image_put_fd, which checks it again
 * (the file may have changed since validation) and records its blob row
 * with type and size at once: that row lands outside the import's
 * transaction, harmless like the other blobs of this step (nothing points
 * at it until the transaction commits).
 */
static int
cio_store_image(struct db *db, const char *data_dir, const char *file,
    char sha[BLOB_SHA_LEN], const char *what, size_t i, char **cause)
{
	const char *why = NULL;
	int fd, rc;

	if ((fd = open(file, O_RDONLY | O_CLOEXEC)) < 0) {
		*cause = xasprintf("%s[%zu]: cannot open %s", what, i, file);
		return NY_EIO;
	}
	rc = image_put_fd(db, data_dir, fd, sha, NULL, &why);
	close(fd);
	if (rc != NY_OK)
		*cause = xasprintf("%s[%zu]: %s: %s", what, i, file,
		    why ? why : ny_strerror(rc));
	return rc;
}

static int
cio_store_files(struct db *db, struct cio_doc *d, const char *data_dir,
    char **cause)
{
	for (size_t i = 0; i < d->ncreators; i++) {
		struct cio_creator *c = &d->creators[i];
		int rc;

		if (c->avatar != NULL && (rc = cio_store_image(db, data_dir,
		    c->avatar, c->avatar_sha, "creators", i, cause)) != NY_OK)
			return rc;
	}
	for (size_t i = 0; i < d->nproducts; i++) {
		struct cio_product *cp = &d->products[i];

		for (size_t j = 0; j < cp->nfiles; j++) {
			struct cio_file *f = &cp->files[j];
			int rc = blob_write_file(data_dir, f->path, f->name,
			    f->sha, &f->size, f->mime, NULL, NULL);

			if (rc != NY_OK) {
				*cause = xasprintf("products[%zu].files[%zu]: "
				    "cannot copy %s into the store: %s", i, j,
				    f->path, ny_strerror(rc));
				return rc;
			}
		}
		if (cp->cover != NULL) {
			int rc = cio_store_image(db, data_dir, cp->cover,
			    cp->p.cover_sha256, "products", i, cause);

			if (rc != NY_OK)
				return rc;
		}
	}
	return NY_OK;
}

/* Runs a write statement; adds the rows it changed to *changes. */
static int
cio_step(struct db *db, sqlite3_stmt *st, size_t *changes)
{
	int rc;

	if (st == NULL)
		return NY_EDB;
	rc = db_done(st);
	if (rc == NY_OK)
		*changes += (size_t)sqlite3_changes(db_sqlite(db));
	return rc;
}

static int
cio_streq(const char *a, const char *b)
{
	return strcmp(a ? a : "", b ? b : "") == 0;
}

/* 1 when every editable field of a and b is equal. */
static int
cio_product_same(const struct product *a, const struct product *b)
{
	return strcmp(a->kind, b->kind) == 0 &&
	    cio_streq(a->title, b->title) && cio_streq(a->summary, b->summary) &&
	    cio_streq(a->story_md, b->story_md) &&
	    a->price_minor == b->price_minor &&
	    strcmp(a->currency, b->currency) == 0 &&
	    strcmp(a->cover_sha256, b->cover_sha256) == 0 &&
	    a->period_days == b->period_days && a->starts_at == b->starts_at &&
	    cio_streq(a->venue, b->venue) && a->capacity == b->capacity &&
	    cio_streq(a->join_url, b->join_url) &&
	    a->download_limit == b->download_limit;
}

/* Creates or updates the product row (status left for later). */
static int
cio_product_row(struct db *db, struct cio_product *cp, size_t *changes)
{
	struct product cur;
	sqlite3_stmt *st;
	char status[12];
	int rc;

	rc = product_get_by_slug(db, cp->p.slug, &cur);
	if (rc == NY_ENOTFOUND) {
		/* Born a draft: files come next, then the status. */
		memcpy(status, cp->p.status, sizeof status);
		snprintf(cp->p.status, sizeof cp->p.status, "draft");
		rc = product_create_tx(db, &cp->p, &cp->p.id, NULL);
		memcpy(cp->p.status, status, sizeof status);
		if (rc == NY_OK)
			(*changes)++;
		return rc;
	}
	if (rc != NY_OK)
		return rc;
	cp->p.id = cur.id;
	if (!cio_product_same(&cur, &cp->p)) {
		if ((rc = product_update_tx(db, &cp->p, NULL)) == NY_OK)
			(*changes)++;
	}
	if (rc == NY_OK && cur.creator_id != cp->p.creator_id) {
		st = db_stmt(db, "UPDATE products SET creator_id = ? "
		    "WHERE id = ?");
		if (st != NULL) {
			sqlite3_bind_int64(st, 1, cp->p.creator_id);
			sqlite3_bind_int64(st, 2, cur.id);
		}
		rc = cio_step(db, st, changes);
	}
	product_free(&cur);
	return rc;
}

static int
cio_product_files(struct db *db, struct cio_product *cp, size_t *changes)
{
	sqlite3_stmt *st;
	int rc = NY_OK;

	for (size_t i = 0; rc == NY_OK && i < cp->nfiles; i++) {
		struct cio_file *f = &cp->files[i];

		st = db_stmt(db, "INSERT INTO product_files(product_id, name, "
		    "sha256, position) VALUES (?1, ?2, ?3, ?4) "
		    "ON CONFLICT(product_id, name) DO UPDATE SET "
		    "sha256 = excluded.sha256, position = excluded.position "
		    "WHERE sha256 IS NOT excluded.sha256 "
		    "OR position IS NOT excluded.position");
		if (st != NULL) {
			sqlite3_bind_int64(st, 1, cp->p.id);
			sqlite3_bind_text(st, 2, f->name, -1, SQLITE_STATIC);
			sqlite3_bind_text(st, 3, f->sha, -1, SQLITE_STATIC);
			sqlite3_bind_int64(st, 4, (int64_t)i);
		}
		rc = cio_step(db, st, changes);
	}
	return rc;
}

/* The SQL lives in automation.c (one place for the automations table). */
static int
cio_product_autos(struct db *db, struct cio_product *cp, size_t *changes)
{
	int rc = NY_OK, changed;

	for (size_t i = 0; rc == NY_OK && i < cp->nautos; i++) {
		struct cio_auto *a = &cp->autos[i];

		rc = automation_upsert_tx(db, cp->p.id, a->trigger,
		    (int)a->offset, a->body_en, a->body_sw, a->enabled,
		    &changed);
		*changes += (size_t)changed;
	}
	return rc;
}

/* The import is authoritative: the status is set without move rules. */
static int
cio_product_status(struct db *db, struct cio_product *cp, size_t *changes)
{
	sqlite3_stmt *st = db_stmt(db, "UPDATE products SET status = ?1, "
	    "updated_at = ?2, published_at = CASE WHEN ?1 = 'published' THEN "
	    "coalesce(published_at, ?2) ELSE published_at END "
	    "WHERE id = ?3 AND status <> ?1");

	if (st != NULL) {
		sqlite3_bind_text(st, 1, cp->p.status, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 2, ny_now());
		sqlite3_bind_int64(st, 3, cp->p.id);
	}
	return cio_step(db, st, changes);
}

/* The blobs rows first: the product's files point at them (the cover's
 * row is image_put_fd's, written when it was stored). */
static int
cio_product_blobs(struct db *db, struct cio_product *cp)
{
	int rc = NY_OK;

	for (size_t i = 0; rc == NY_OK && i < cp->nfiles; i++)
		rc = blob_add(db, cp->files[i].sha, cp->files[i].size,
		    cp->files[i].mime);
	return rc;
}

static int
cio_upsert_product(struct db *db, struct cio_product *cp, size_t *changes)
{
	struct creator c;
	size_t before = *changes;
	int rc;

	if ((rc = cio_product_blobs(db, cp)) != NY_OK)
		return rc;
	if ((rc = creator_by_handle(db, cp->creator, &c)) != NY_OK)
		return rc;
	cp->p.creator_id = c.id;
	creator_free(&c);
	if ((rc = cio_product_row(db, cp, changes)) != NY_OK ||
	    (rc = cio_product_files(db, cp, changes)) != NY_OK ||
	    (rc = cio_product_autos(db, cp, changes)) != NY_OK ||
	    (rc = cio_product_status(db, cp, changes)) != NY_OK)
		return rc;
	if (*changes != before)
		rc = db_event(db, "product", cp->p.id, NULL);
	return rc;
}

static int
cio_apply(struct db *db, struct cio_doc *d, size_t *changes, char **cause)
{
	int rc;

	if ((rc = db_begin(db)) != NY_OK) {
		*cause = xasprintf("cannot start a transaction: %s",
		    ny_strerror(rc));
		return rc;
	}
	for (size_t i = 0; i < d->ncreators; i++)
		if ((rc = creator_import_tx(db, d->creators[i].handle,
		    d->creators[i].display_name, d->creators[i].locale,
		    d->creators[i].bio, d->creators[i].avatar != NULL ?
		    d->creators[i].avatar_sha : NULL, changes))) {
			*cause = xasprintf("creators[%zu]: %s (%s)", i,
			    ny_strerror(rc), db_errmsg(db));
			goto fail;
		}
	for (size_t i = 0; i < d->nproducts; i++)
		if ((rc = cio_upsert_product(db, &d->products[i], changes))) {
			*cause = xasprintf("products[%zu]: %s (%s)", i,
			    ny_strerror(rc), db_errmsg(db));
			goto fail;
		}
	if ((rc = db_commit(db)) != NY_OK) {
		*cause = xasprintf("commit failed: %s", ny_strerror(rc));
		return rc;
	}
	return NY_OK;
fail:
	db_rollback(db);
	return rc;
}

static char *
cio_dirname(const char *path)
{
	const char *s = strrchr(path, '/');

	if (s == NULL)
		return xstrdup(".");
	if (s == path)
		return xstrdup("/");
	return xstrndup(path, (size_t)(s - path));
}

int
catalog_import(struct db *db, const char *data_dir, const char *json_path,
    struct catalog_counts *counts, char **cause)
{
	struct cio_doc d;
	char *json = NULL, *base;
	size_t len = 0, changes = 0;
	int rc;

	*cause = NULL;
	rc = ny_read_file(json_path, CATALOG_MAX_JSON, &json, &len);
	if (rc != NY_OK) {
		*cause = xasprintf("%s: %s", json_path, rc == NY_ELIMIT ?
		    "larger than 16 MiB" : rc == NY_ENOTFOUND ? "no such file" :
		    "cannot read");
		return rc;
	}
	memset(&d, 0, sizeof d);
	base = cio_dirname(json_path);
	d.base = base;
	d.check_files = 1;
	rc = cio_parse(&d, db, json, len, cause);
	if (rc == NY_OK)
		rc = cio_store_files(db, &d, data_dir, cause);
	if (rc == NY_OK)
		rc = cio_apply(db, &d, &changes, cause);
	if (rc == NY_OK && counts != NULL) {
		memset(counts, 0, sizeof *counts);
		counts->creators = d.ncreators;
		counts->products = d.nproducts;
		for (size_t i = 0; i < d.nproducts; i++) {
			counts->files += d.products[i].nfiles;
			counts->automations += d.products[i].nautos;
		}
		counts->changes = changes;
	}
	cio_doc_free(&d);
	free(base);
	free(json);
	cio_clean(*cause);
	return rc;
}

/* --- Export ------------------------------------------------------------ */

static int
cio_copy(const char *src, const char *dst)
{
	char buf[65536];
	ssize_t n;
	int in, out, rc = NY_OK;

	if ((in = open(src, O_RDONLY | O_CLOEXEC)) < 0)
		return errno == ENOENT ? NY_ENOTFOUND : NY_EIO;
	/* Exports are private like the store (0600/0700): they carry paid
	 * content and unpublished drafts; the operator shares them on
	 * purpose (chmod) if at all. */
	out = open(dst, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (out < 0) {
		close(in);
		return NY_EIO;
	}
	while (rc == NY_OK && (n = read(in, buf, sizeof buf)) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 || write(out, buf, (size_t)n) != n)
			rc = NY_EIO;
	}
	close(in);
	if (close(out) != 0)
		rc = NY_EIO;
	return rc;
}

/* Copies a blob to base/rel (making folders). */
static int
cio_export_blob(const char *data_dir, const char *sha, const char *base,
    const char *rel, char **cause)
{
	char src[4096], *dst = xasprintf("%s/%s", base, rel), *dir;
	int rc;

	blob_path(data_dir, sha, src, sizeof src);
	dir = cio_dirname(dst);
	rc = ny_mkdirs(dir, 0700);
	if (rc == NY_OK)
		rc = cio_copy(src, dst);
	if (rc != NY_OK)
		*cause = xasprintf("cannot copy %s to %s: %s", src, dst,
		    ny_strerror(rc));
	free(dir);
	free(dst);
	return rc;
}

static json_t *
cio_json_creator(const struct creator *c)
{
	json_t *o = json_object();

	json_object_set_new(o, "handle", json_string(c->handle));
	json_object_set_new(o, "display_name", json_string(c->display_name));
	json_object_set_new(o, "locale", json_string(c->locale));
	if (c->bio[0] != '\0')
		json_object_set_new(o, "bio", json_string(c->bio));
	return o;
}

static json_t *
cio_json_time(int64_t t)
{
	char buf[32];

	ny_iso8601(t, buf, sizeof buf);
	return json_string(buf);
}

static json_t *
cio_json_kind(const struct product *p)
{
	json_t *k = json_object();

	if (strcmp(p->kind, "subscription") == 0)
		json_object_set_new(k, "period_days",
		    json_integer(p->period_days));
	else if (strcmp(p->kind, "ticket") == 0) {
		json_object_set_new(k, "starts_at", cio_json_time(p->starts_at));
		if (p->venue[0] != '\0')
			json_object_set_new(k, "venue", json_string(p->venue));
		json_object_set_new(k, "capacity", json_integer(p->capacity));
	} else if (strcmp(p->kind, "webinar") == 0) {
		json_object_set_new(k, "starts_at", cio_json_time(p->starts_at));
		if (p->join_url[0] != '\0')
			json_object_set_new(k, "join_url",
			    json_string(p->join_url));
	}
	return k;
}

static int
cio_json_autos(struct db *db, int64_t product_id, json_t *o, size_t *n)
{
	struct automation *v;
	size_t k, nv;
	json_t *arr;
	int rc;

	if ((rc = automation_list(db, product_id, &v, &nv)) != NY_OK)
		return rc;
	arr = json_array();
	for (k = 0; k < nv; k++) {
		json_t *a = json_object();

		json_object_set_new(a, "trigger", json_string(v[k].trigger));
		json_object_set_new(a, "offset_minutes",
		    json_integer(v[k].offset_minutes));
		json_object_set_new(a, "body_en", json_string(v[k].body_en));
		json_object_set_new(a, "body_sw", json_string(v[k].body_sw));
		json_object_set_new(a, "enabled", json_boolean(v[k].enabled));
		json_array_append_new(arr, a);
		(*n)++;
	}
	automation_list_free(v, nv);
	if (json_array_size(arr) > 0)
		json_object_set_new(o, "automations", arr);
	else
		json_decref(arr);
	return NY_OK;
}

static const char *
cio_cover_ext(const char *mime)
{
	if (strcmp(mime, "image/png") == 0)
		return ".png";
	if (strcmp(mime, "image/jpeg") == 0)
		return ".jpg";
	if (strcmp(mime, "image/gif") == 0)
		return ".gif";
	if (strcmp(mime, "image/webp") == 0)
		return ".webp";
	return "";
}

/*
 * A picture (sha, "" for none) next to the JSON as FOLDER/NAME.ext, its
 * path under key in o: a product's cover, a creator's avatar.
 */
static int
cio_json_picture(struct db *db, const char *data_dir, const char *base,
    const char *sha, const char *folder, const char *name, json_t *o,
    const char *key, char **cause)
{
	char mime[BLOB_MIME_LEN], *rel;
	int rc;

	if (sha[0] == '\0')
		return NY_OK;
	if ((rc = blob_get(db, sha, NULL, mime)) != NY_OK)
		return rc;
	rel = xasprintf("%s/%s%s", folder, name, cio_cover_ext(mime));
	json_object_set_new(o, key, json_string(rel));
	rc = cio_export_blob(data_dir, sha, base, rel, cause);
	free(rel);
	return rc;
}

static int
cio_json_files(struct db *db, const char *data_dir, const char *base,
    const struct product *p, json_t *o, struct catalog_counts *cnt,
    char **cause)
{
	struct product_file *files;
	char *rel;
	json_t *arr = json_array();
	size_t n;
	int rc;

	json_object_set_new(o, "files", arr);
	if ((rc = product_files(db, p->id, &files, &n)) != NY_OK)
		return rc;
	for (size_t i = 0; rc == NY_OK && i < n; i++) {
		json_t *f = json_object();

		rel = xasprintf("files/%s/%s", p->slug, files[i].name);
		json_object_set_new(f, "name", json_string(files[i].name));
		json_object_set_new(f, "path", json_string(rel));
		json_array_append_new(arr, f);
		rc = cio_export_blob(data_dir, files[i].sha256, base, rel,
		    cause);
		free(rel);
		cnt->files++;
	}
	free(files);
	if (rc == NY_OK)
		rc = cio_json_picture(db, data_dir, base, p->cover_sha256,
		    "covers", p->slug, o, "cover", cause);
	return rc;
}

static json_t *
cio_json_product(const struct product *p, const char *handle)
{
	static const char *const kobj[] = {
		"subscription", "subscription", "ticket", "event",
		"webinar", "webinar", NULL
	};
	json_t *o = json_object();

	json_object_set_new(o, "creator", json_string(handle));
	json_object_set_new(o, "slug", json_string(p->slug));
	json_object_set_new(o, "kind", json_string(p->kind));
	json_object_set_new(o, "title", json_string(p->title));
	json_object_set_new(o, "summary", json_string(p->summary));
	json_object_set_new(o, "story_md", json_string(p->story_md));
	json_object_set_new(o, "price_minor", json_integer(p->price_minor));
	json_object_set_new(o, "currency", json_string(p->currency));
	json_object_set_new(o, "status", json_string(p->status));
	if (p->download_limit > 0)
		json_object_set_new(o, "download_limit",
		    json_integer(p->download_limit));
	for (size_t i = 0; kobj[i] != NULL; i += 2)
		if (strcmp(p->kind, kobj[i]) == 0)
			json_object_set_new(o, kobj[i + 1], cio_json_kind(p));
	return o;
}

static int
cio_export_products(struct db *db, const char *data_dir, const char *base,
    const struct creator *cs, size_t ncs, json_t *arr,
    struct catalog_counts *cnt, char **cause)
{
	int rc = NY_OK;

	for (size_t i = 0; rc == NY_OK && i < ncs; i++) {
		struct product *ps;
		size_t np;

		if ((rc = product_list_by_creator(db, cs[i].id, &ps, &np)))
			break;
		/* Oldest first: the order they were made in. */
		for (size_t j = np; rc == NY_OK && j-- > 0;) {
			json_t *o = cio_json_product(&ps[j], cs[i].handle);

			json_array_append_new(arr, o);
			rc = cio_json_files(db, data_dir, base, &ps[j], o, cnt,
			    cause);
			if (rc == NY_OK)
				rc = cio_json_autos(db, ps[j].id, o,
				    &cnt->automations);
			cnt->products++;
		}
		product_list_free(ps, np);
	}
	return rc;
}

static int
cio_write_json(json_t *root, const char *json_path, char **cause)
{
	char *text = json_dumps(root, JSON_INDENT(2));
	char *tmp = xasprintf("%s.tmp", json_path);
	size_t len = strlen(text);
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
	int rc = NY_OK;

	if (f == NULL || fwrite(text, 1, len, f) != len ||
	    fputc('\n', f) == EOF || fflush(f) != 0 || fsync(fileno(f)) != 0)
		rc = NY_EIO;
	if (f != NULL && fclose(f) != 0)
		rc = NY_EIO;
	else if (f == NULL && fd >= 0)
		close(fd);
	if (rc == NY_OK && rename(tmp, json_path) != 0)
		rc = NY_EIO;
	if (rc != NY_OK) {
		unlink(tmp);
		*cause = xasprintf("%s: cannot write: %s", json_path,
		    strerror(errno));
	}
	free(tmp);
	free(text);
	return rc;
}

int
catalog_export(struct db *db, const char *data_dir, const char *json_path,
    struct catalog_counts *counts, char **cause)
{
	struct catalog_counts cnt;
	struct creator *cs = NULL;
	json_t *root, *carr, *parr;
	char *base = cio_dirname(json_path);
	size_t ncs = 0;
	int rc;

	*cause = NULL;
	memset(&cnt, 0, sizeof cnt);
	root = json_object();
	carr = json_array();
	parr = json_array();
	json_object_set_new(root, "version", json_integer(1));
	json_object_set_new(root, "creators", carr);
	json_object_set_new(root, "products", parr);
	if ((rc = ny_mkdirs(base, 0700)) != NY_OK)
		*cause = xasprintf("%s: cannot create the folder", base);
	else if ((rc = creator_list(db, &cs, &ncs)) != NY_OK)
		*cause = xasprintf("cannot read creators: %s", ny_strerror(rc));
	for (size_t i = 0; rc == NY_OK && i < ncs; i++) {
		json_t *co = cio_json_creator(&cs[i]);

		json_array_append_new(carr, co);
		rc = cio_json_picture(db, data_dir, base, cs[i].avatar_sha256,
		    "avatars", cs[i].handle, co, "avatar", cause);
		cnt.creators++;
	}
	if (rc == NY_OK)
		rc = cio_export_products(db, data_dir, base, cs, ncs, parr,
		    &cnt, cause);
	if (rc != NY_OK && *cause == NULL)
		*cause = xasprintf("cannot read the catalog: %s",
		    ny_strerror(rc));
	if (rc == NY_OK)
		rc = cio_write_json(root, json_path, cause);
	if (rc == NY_OK && counts != NULL)
		*counts = cnt;
	creator_list_free(cs, ncs);
	json_decref(root);
	free(base);
	cio_clean(*cause);
	return rc;
}
