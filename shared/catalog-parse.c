/*
 * catalog-parse.c: reads a catalog document (catalog-io.h) into a struct
 * catalog_doc and validates ALL of it before anything is written, naming
 * the JSON path of the first problem. A product's fields are checked by
 * product_validate, the one place of product rules; here only the JSON
 * types and what is the document's own (unknown fields, duplicates,
 * paths, pictures). See catalog-io.h and catalog-int.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "automation.h"
#include "catalog-int.h"
#include "creator.h"

void
catalog_parse_free(struct catalog_doc *d)
{
	for (size_t i = 0; i < d->nproducts; i++) {
		struct catalog_doc_product *cp = &d->products[i];

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

/* --- Validation ------------------------------------------------------- */

/* A creator; its own rules are creator.h's. */
static enum ny_err
cio_creator(struct catalog_doc *d, json_t *o, const char *path,
    struct catalog_doc_creator *c, char **cause)
{
	static const char *const keys[] = {
		"handle", "display_name", "locale", "bio", "avatar", NULL
	};
	enum ny_err rc;

	if (!json_is_object(o))
		return catalog_json_fail(cause, "%s: expected an object", path);
	if ((rc = catalog_json_keys(o, path, keys, cause)) ||
	    (rc = catalog_json_str(o, "handle", 1, path, &c->handle, cause)) ||
	    (rc = catalog_json_str(o, "display_name", 0, path,
	    &c->display_name, cause)) ||
	    (rc = catalog_json_str(o, "locale", 0, path, &c->locale, cause)) ||
	    (rc = catalog_json_str(o, "bio", 0, path, &c->bio, cause)))
		return rc;
	if (!creator_handle_ok(c->handle))
		return catalog_json_fail(cause, "%s.handle: expected 2–32 "
		    "characters of a-z, 0-9, _ and -, starting with a letter",
		    path);
	if (c->display_name && strlen(c->display_name) > CREATOR_NAME_MAX)
		return catalog_json_fail(cause, "%s.display_name: longer than "
		    "%d bytes", path, CREATOR_NAME_MAX);
	if (c->bio && strlen(c->bio) > CREATOR_BIO_MAX)
		return catalog_json_fail(cause, "%s.bio: longer than %d bytes",
		    path, CREATOR_BIO_MAX);
	if (c->locale && strcmp(c->locale, "en") && strcmp(c->locale, "sw"))
		return catalog_json_fail(cause, "%s.locale: expected \"en\" or "
		    "\"sw\"", path);
	for (size_t i = 0; i < d->ncreators; i++)
		if (strcmp(d->creators[i].handle, c->handle) == 0)
			return catalog_json_fail(cause, "%s.handle: \"%s\" "
			    "appears twice", path, c->handle);
	/* Last: the only check that allocates (c->avatar), kept on success
	 * alone, when c is counted and catalog_parse_free will free it. */
	return catalog_json_picture(d, o, "avatar", path, &c->avatar, cause);
}

/* A product's "files": names for buyers, paths in the document. */
static enum ny_err
cio_files(struct catalog_doc *d, json_t *o, const char *path,
    struct catalog_doc_product *cp, char **cause)
{
	static const char *const keys[] = { "name", "path", NULL };
	json_t *arr, *f;
	size_t n, i;
	enum ny_err rc;

	if ((rc = catalog_json_array(o, "files", path, &arr, &n, cause)))
		return rc;
	cp->files = xcalloc(n ? n : 1, sizeof *cp->files);
	json_array_foreach(arr, i, f) {
		struct catalog_doc_file *cf = &cp->files[i];
		const char *rel;
		char fp[160];

		snprintf(fp, sizeof fp, "%s.files[%zu]", path, i);
		if (!json_is_object(f))
			return catalog_json_fail(cause, "%s: expected an "
			    "object", fp);
		cp->nfiles = i + 1;
		if ((rc = catalog_json_keys(f, fp, keys, cause)) ||
		    (rc = catalog_json_str(f, "name", 1, fp, &cf->name,
		    cause)) ||
		    (rc = catalog_json_str(f, "path", 1, fp, &rel, cause)))
			return rc;
		if (!product_file_name_ok(cf->name))
			return catalog_json_fail(cause, "%s.name: expected a "
			    "file name without '/' (1–255 bytes)", fp);
		for (size_t j = 0; j < i; j++)
			if (strcmp(cp->files[j].name, cf->name) == 0)
				return catalog_json_fail(cause, "%s.name: "
				    "\"%s\" appears twice", fp, cf->name);
		snprintf(fp, sizeof fp, "%s.files[%zu].path", path, i);
		if ((rc = catalog_json_path(d, rel, fp, &cf->path, cause)))
			return rc;
	}
	return NY_OK;
}

/* One automation of a product (its kind is known by then). */
static enum ny_err
cio_auto(json_t *a, const char *ap, const struct product *p,
    struct catalog_doc_auto *ca, char **cause)
{
	static const char *const keys[] = {
		"trigger", "offset_minutes", "body_en", "body_sw", "enabled",
		NULL
	};
	json_t *en;
	enum ny_err rc;

	if (!json_is_object(a))
		return catalog_json_fail(cause, "%s: expected an object", ap);
	ca->enabled = 1;
	if ((rc = catalog_json_keys(a, ap, keys, cause)) ||
	    (rc = catalog_json_str(a, "trigger", 1, ap, &ca->trigger, cause)) ||
	    (rc = catalog_json_int(a, "offset_minutes", 0, 0, 525600, ap,
	    &ca->offset, cause)) ||
	    (rc = catalog_json_str(a, "body_en", 1, ap, &ca->body_en, cause)) ||
	    (rc = catalog_json_str(a, "body_sw", 1, ap, &ca->body_sw, cause)))
		return rc;
	if (strcmp(ca->trigger, "purchase") &&
	    strcmp(ca->trigger, "before_start") &&
	    strcmp(ca->trigger, "before_end"))
		return catalog_json_fail(cause, "%s.trigger: expected "
		    "purchase, before_start or before_end", ap);
	if (!automation_trigger_ok(ca->trigger, p->kind))
		return catalog_json_fail(cause, "%s.trigger: %s does not suit "
		    "a %s product", ap, ca->trigger, p->kind);
	if ((en = json_object_get(a, "enabled")) != NULL) {
		if (!json_is_boolean(en))
			return catalog_json_fail(cause, "%s.enabled: expected "
			    "true or false", ap);
		ca->enabled = json_is_true(en);
	}
	if (strlen(ca->body_en) > 4096 || strlen(ca->body_sw) > 4096)
		return catalog_json_fail(cause, "%s: message longer than 4096 "
		    "bytes", ap);
	return NY_OK;
}

/* A product's "automations", one per trigger and offset. */
static enum ny_err
cio_autos(json_t *o, const char *path, struct catalog_doc_product *cp,
    char **cause)
{
	json_t *arr, *a;
	size_t n, i;
	enum ny_err rc;

	if ((rc = catalog_json_array(o, "automations", path, &arr, &n,
	    cause)))
		return rc;
	cp->autos = xcalloc(n ? n : 1, sizeof *cp->autos);
	json_array_foreach(arr, i, a) {
		struct catalog_doc_auto *ca = &cp->autos[i];
		char ap[160];

		snprintf(ap, sizeof ap, "%s.automations[%zu]", path, i);
		cp->nautos = i + 1;
		if ((rc = cio_auto(a, ap, &cp->p, ca, cause)) != NY_OK)
			return rc;
		for (size_t j = 0; j < i; j++)
			if (strcmp(cp->autos[j].trigger, ca->trigger) == 0 &&
			    cp->autos[j].offset == ca->offset)
				return catalog_json_fail(cause, "%s: same "
				    "trigger and offset as automations[%zu]",
				    ap, j);
	}
	return NY_OK;
}

/* Refuses a kind object on a product of another kind, or one missing. */
static enum ny_err
cio_kind_objects(json_t *o, const char *path, const struct product *p,
    char **cause)
{
	static const struct {
		const char *obj, *kind;
	} owners[] = {
		{ "subscription", "subscription" },
		{ "event", "ticket" },
		{ "webinar", "webinar" },
	};
	json_t *k;

	for (size_t i = 0; i < 3; i++) {
		k = json_object_get(o, owners[i].obj);
		if (k != NULL && strcmp(p->kind, owners[i].kind) != 0)
			return catalog_json_fail(cause, "%s.%s: only for kind "
			    "\"%s\"", path, owners[i].obj, owners[i].kind);
		if (k == NULL && strcmp(p->kind, owners[i].kind) == 0)
			return catalog_json_fail(cause, "%s.%s: missing "
			    "(required for kind \"%s\")", path, owners[i].obj,
			    p->kind);
		if (k != NULL && !json_is_object(k))
			return catalog_json_fail(cause, "%s.%s: expected an "
			    "object", path, owners[i].obj);
	}
	return NY_OK;
}

/* The kind objects: subscription, event, webinar. */
static enum ny_err
cio_kind(json_t *o, const char *path, struct product *p, char **cause)
{
	static const char *const ksub[] = { "period_days", NULL };
	static const char *const kev[] = { "starts_at", "venue", "capacity",
		NULL };
	static const char *const kweb[] = { "starts_at", "join_url", NULL };
	char kp[160];
	const char *s;
	json_t *k;
	enum ny_err rc;

	if ((rc = cio_kind_objects(o, path, p, cause)) != NY_OK)
		return rc;
	if ((k = json_object_get(o, "subscription")) != NULL) {
		snprintf(kp, sizeof kp, "%s.subscription", path);
		if ((rc = catalog_json_keys(k, kp, ksub, cause)) ||
		    (rc = catalog_json_rule_int(k, "period_days", 1, kp,
		    &p->period_days, cause)))
			return rc;
	}
	if ((k = json_object_get(o, "event")) != NULL) {
		snprintf(kp, sizeof kp, "%s.event", path);
		if ((rc = catalog_json_keys(k, kp, kev, cause)) ||
		    (rc = catalog_json_time(k, "starts_at", kp, &p->starts_at,
		    cause)) ||
		    (rc = catalog_json_rule_int(k, "capacity", 1, kp,
		    &p->capacity, cause)) ||
		    (rc = catalog_json_str(k, "venue", 0, kp, &s, cause)))
			return rc;
		free(p->venue);
		p->venue = xstrdup(s ? s : "");
	}
	if ((k = json_object_get(o, "webinar")) != NULL) {
		snprintf(kp, sizeof kp, "%s.webinar", path);
		if ((rc = catalog_json_keys(k, kp, kweb, cause)) ||
		    (rc = catalog_json_time(k, "starts_at", kp, &p->starts_at,
		    cause)) ||
		    (rc = catalog_json_str(k, "join_url", 0, kp, &s, cause)))
			return rc;
		free(p->join_url);
		p->join_url = xstrdup(s ? s : "");
	}
	return NY_OK;
}

/*
 * A product's "tags": an array of tags as the wizard takes them (case
 * folded, '#' dropped, duplicates merged), at most PRODUCT_TAGS_MAX.
 * Absent: the stored tags are kept; [] clears them.
 */
static enum ny_err
cio_tags(json_t *o, const char *path, struct catalog_doc_product *cp,
    char **cause)
{
	struct product_tags one, *acc = &cp->tags;
	char all[PRODUCT_TAGS_MAX * (PRODUCT_TAG_MAX + 1) + 1];
	json_t *arr, *t;
	size_t n, i, len = 0;
	int k;

	if (catalog_json_array(o, "tags", path, &arr, &n, cause) != NY_OK)
		return NY_EINVAL;
	if (arr == NULL)
		return NY_OK;
	cp->has_tags = 1;
	json_array_foreach(arr, i, t) {
		const char *s = json_string_value(t);

		if (s == NULL || strlen(s) != json_string_length(t) ||
		    product_tags_parse(s, &one, NULL) != NY_OK || one.n != 1)
			return catalog_json_fail(cause, "%s.tags[%zu]: expected "
			    "a tag: 1–32 characters of a-z, 0-9 and -", path,
			    i);
		for (k = 0; k < acc->n; k++)
			if (strcmp(acc->tag[k], one.tag[0]) == 0)
				break;
		if (k < acc->n)
			continue;	/* a duplicate, merged */
		if (acc->n == PRODUCT_TAGS_MAX)
			return catalog_json_fail(cause, "%s.tags: at most %d "
			    "tags", path, PRODUCT_TAGS_MAX);
		memcpy(acc->tag[acc->n++], one.tag[0], sizeof one.tag[0]);
	}
	/* Sorted like product_tags_get (through the parse, which sorts). */
	all[0] = '\0';
	for (k = 0; k < acc->n; k++)
		len += (size_t)snprintf(all + len, sizeof all - len, "%s ",
		    acc->tag[k]);
	return product_tags_parse(all, acc, NULL);
}

/* Pay what you want: "pwyw" (true: price_minor is the minimum) and
 * "suggested_minor"; product_validate checks how they go together. */
static enum ny_err
cio_pwyw(json_t *o, const char *path, struct product *p, char **cause)
{
	json_t *v = json_object_get(o, "pwyw");

	if (v != NULL && !json_is_null(v)) {
		if (!json_is_boolean(v))
			return catalog_json_rule(cause, path, "pwyw");
		p->pwyw = json_is_true(v);
	}
	return catalog_json_rule_int(o, "suggested_minor", 0, path,
	    &p->suggested_minor, cause);
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

/* Replaces the owned string *dst with a copy of s (NULL: ""). */
static void
cio_set_str(char **dst, const char *s)
{
	free(*dst);
	*dst = xstrdup(s ? s : "");
}

/* A product's own members into cp (the kind objects come after). */
static enum ny_err
cio_product_fields(json_t *o, const char *path,
    struct catalog_doc_product *cp, char **cause)
{
	struct product *p = &cp->p;
	const char *slug, *kind, *title, *summary, *story, *cur, *status;
	enum ny_err rc;

	if ((rc = catalog_json_str(o, "creator", 1, path, &cp->creator,
	    cause)) ||
	    (rc = catalog_json_str(o, "slug", 1, path, &slug, cause)) ||
	    (rc = catalog_json_str(o, "kind", 1, path, &kind, cause)) ||
	    (rc = catalog_json_str(o, "title", 1, path, &title, cause)) ||
	    (rc = catalog_json_str(o, "summary", 0, path, &summary, cause)) ||
	    (rc = catalog_json_str(o, "story_md", 0, path, &story, cause)) ||
	    (rc = catalog_json_rule_int(o, "price_minor", 1, path,
	    &p->price_minor, cause)) ||
	    (rc = catalog_json_str(o, "currency", 1, path, &cur, cause)) ||
	    (rc = catalog_json_str(o, "status", 0, path, &status, cause)) ||
	    (rc = catalog_json_rule_int(o, "download_limit", 0, path,
	    &p->download_limit, cause)))
		return rc;
	/* Checked before they are copied: p's arrays would cut them. */
	if (!product_slug_ok(slug))
		return catalog_json_rule(cause, path, "slug");
	if (!product_kind_ok(kind))
		return catalog_json_rule(cause, path, "kind");
	snprintf(p->slug, sizeof p->slug, "%s", slug);
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

/*
 * A product. Its fields are checked by product_validate (the rules the
 * console's wizard applies too); a refusal names the field's JSON path.
 */
static enum ny_err
cio_product(struct catalog_doc *d, json_t *o, const char *path,
    struct catalog_doc_product *cp, char **cause)
{
	static const char *const keys[] = {
		"creator", "slug", "kind", "title", "summary", "story_md",
		"price_minor", "currency", "status", "files", "subscription",
		"event", "webinar", "cover", "download_limit", "automations",
		"tags", "pwyw", "suggested_minor", NULL
	};
	const struct product_rule *bad;
	enum ny_err rc;

	product_init(&cp->p);
	if (!json_is_object(o))
		return catalog_json_fail(cause, "%s: expected an object", path);
	if ((rc = catalog_json_keys(o, path, keys, cause)) ||
	    (rc = cio_product_fields(o, path, cp, cause)) ||
	    (rc = cio_pwyw(o, path, &cp->p, cause)) ||
	    (rc = cio_tags(o, path, cp, cause)) ||
	    (rc = cio_kind(o, path, &cp->p, cause)))
		return rc;
	if (product_validate(&cp->p, &bad) != NY_OK)
		return catalog_json_fail(cause, "%s.%s: %s", path,
		    cio_field_path(&cp->p, bad->field), bad->why);
	if ((rc = cio_files(d, o, path, cp, cause)) ||
	    (rc = cio_autos(o, path, cp, cause)) ||
	    (rc = catalog_json_picture(d, o, "cover", path, &cp->cover,
	    cause)))
		return rc;
	if (strcmp(cp->p.status, "published") == 0 &&
	    !product_publish_ok(cp->p.kind, (int64_t)cp->nfiles))
		return catalog_json_fail(cause, "%s.files: a published "
		    "download needs at least one file", path);
	for (size_t i = 0; i < d->nproducts && &d->products[i] != cp; i++)
		if (strcmp(d->products[i].p.slug, cp->p.slug) == 0)
			return catalog_json_fail(cause, "%s.slug: \"%s\" "
			    "appears twice", path, cp->p.slug);
	return NY_OK;
}

/* 1 when handle is one of the document's creators or (db) known. */
static int
cio_creator_is_known(struct catalog_doc *d, struct db *db,
    const char *handle)
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

/* The document's "creators" into d. */
static enum ny_err
cio_creators(struct catalog_doc *d, char **cause)
{
	json_t *arr, *o;
	size_t n, i;
	char path[64];
	enum ny_err rc;

	if ((rc = catalog_json_array(d->root, "creators", "$", &arr, &n,
	    cause)))
		return rc;
	d->creators = xcalloc(n ? n : 1, sizeof *d->creators);
	json_array_foreach(arr, i, o) {
		snprintf(path, sizeof path, "creators[%zu]", i);
		if ((rc = cio_creator(d, o, path, &d->creators[i], cause)))
			return rc;
		d->ncreators++;
	}
	return NY_OK;
}

/* The document's "products" into d (after the creators they name). */
static enum ny_err
cio_products(struct catalog_doc *d, struct db *db, char **cause)
{
	json_t *arr, *o;
	size_t n, i;
	char path[64];
	enum ny_err rc;

	if ((rc = catalog_json_array(d->root, "products", "$", &arr, &n,
	    cause)))
		return rc;
	d->products = xcalloc(n ? n : 1, sizeof *d->products);
	json_array_foreach(arr, i, o) {
		snprintf(path, sizeof path, "products[%zu]", i);
		d->nproducts++;
		if ((rc = cio_product(d, o, path, &d->products[i], cause)))
			return rc;
		if (!cio_creator_is_known(d, db, d->products[i].creator))
			return catalog_json_fail(cause, "%s.creator: no "
			    "creator \"%s\" in the document or the database",
			    path, d->products[i].creator);
	}
	return NY_OK;
}

enum ny_err
catalog_parse(struct catalog_doc *d, struct db *db, const char *json,
    size_t len, char **cause)
{
	static const char *const keys[] = { "version", "creators", "products",
		NULL };
	json_error_t jerr;
	int64_t version = 0;
	enum ny_err rc;

	d->root = json_loadb(json, len, JSON_REJECT_DUPLICATES, &jerr);
	if (d->root == NULL)
		return catalog_json_fail(cause, "line %d column %d: %s",
		    jerr.line, jerr.column, jerr.text);
	if (!json_is_object(d->root))
		return catalog_json_fail(cause, "$: expected an object");
	if ((rc = catalog_json_keys(d->root, "$", keys, cause)) ||
	    (rc = catalog_json_int(d->root, "version", 1, 0, INT64_MAX, "$",
	    &version, cause)))
		return rc;
	if (version != 1)
		return catalog_json_fail(cause, "$.version: expected 1");
	if ((rc = cio_creators(d, cause)) != NY_OK)
		return rc;
	return cio_products(d, db, cause);
}

enum ny_err
catalog_validate(const char *json, size_t len, const char *base_dir,
    int check_files, char **cause)
{
	struct catalog_doc d;
	enum ny_err rc;

	memset(&d, 0, sizeof d);
	d.base = base_dir;
	d.check_files = check_files;
	rc = catalog_parse(&d, NULL, json, len, cause);
	catalog_parse_free(&d);
	return rc;
}

char *
catalog_parse_dirname(const char *path)
{
	const char *s = strrchr(path, '/');

	if (s == NULL)
		return xstrdup(".");
	if (s == path)
		return xstrdup("/");
	return xstrndup(path, (size_t)(s - path));
}
