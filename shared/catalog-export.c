/*
 * catalog-export.c: writes the catalog out as the document catalog-parse.c
 * reads, content files, covers and avatars copied next to it.
 * It reads through the modules' own functions (creator_list,
 * product_list_by_creator, product_files, automation_list, blob_get): no
 * SQL here. See catalog-io.h.
 */
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "automation.h"
#include "catalog-int.h"
#include "creator.h"

/* Copies the file src to dst (replaced). NY_OK, NY_ENOTFOUND, NY_EIO. */
static enum ny_err
cio_copy(const char *src, const char *dst)
{
	char buf[65536];
	enum ny_err rc = NY_OK;
	ssize_t n;
	int in, out;

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
static enum ny_err
cio_export_blob(const char *data_dir, const char *sha, const char *base,
    const char *rel, char **cause)
{
	char src[4096], *dst = xasprintf("%s/%s", base, rel), *dir;
	enum ny_err rc;

	blob_path(data_dir, sha, src, sizeof src);
	dir = catalog_parse_dirname(dst);
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

/* A creator as the document has it (no secrets, no avatar yet). */
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

/* A time as ISO 8601 UTC. */
static json_t *
cio_json_time(int64_t t)
{
	char buf[32];

	ny_iso8601(t, buf, sizeof buf);
	return json_string(buf);
}

/* The object of the kind's own fields ({} for a download). */
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

/* The product's automations into o (none: no member); *n counts them. */
static enum ny_err
cio_json_autos(struct db *db, int64_t product_id, json_t *o, size_t *n)
{
	struct automation *v;
	size_t k, nv;
	json_t *arr;
	enum ny_err rc;

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

/* The file name extension of a picture's type ("" when unknown). */
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
static enum ny_err
cio_json_picture(struct db *db, const char *data_dir, const char *base,
    const char *sha, const char *folder, const char *name, json_t *o,
    const char *key, char **cause)
{
	char mime[BLOB_MIME_LEN], *rel;
	enum ny_err rc;

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

/* The product's files and cover into o, copied next to the JSON. */
static enum ny_err
cio_json_files(struct db *db, const char *data_dir, const char *base,
    const struct product *p, json_t *o, struct catalog_counts *cnt,
    char **cause)
{
	struct product_file *files;
	char *rel;
	json_t *arr = json_array();
	size_t n;
	enum ny_err rc;

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

/* A product's fields as the document has them (files come apart). */
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
	if (p->pwyw)
		json_object_set_new(o, "pwyw", json_true());
	if (p->pwyw && p->suggested_minor >= 0)
		json_object_set_new(o, "suggested_minor",
		    json_integer(p->suggested_minor));
	for (size_t i = 0; kobj[i] != NULL; i += 2)
		if (strcmp(p->kind, kobj[i]) == 0)
			json_object_set_new(o, kobj[i + 1], cio_json_kind(p));
	return o;
}

/* The product's tags into o, always (an import replaces them). */
static enum ny_err
cio_json_tags(struct db *db, int64_t product_id, json_t *o)
{
	struct product_tags t;
	json_t *arr;
	enum ny_err rc;

	if ((rc = product_tags_get(db, product_id, &t)) != NY_OK)
		return rc;
	arr = json_array();
	for (int i = 0; i < t.n; i++)
		json_array_append_new(arr, json_string(t.tag[i]));
	json_object_set_new(o, "tags", arr);
	return NY_OK;
}

/* Every creator's products into arr, oldest first. */
static enum ny_err
cio_export_products(struct db *db, const char *data_dir, const char *base,
    const struct creator *cs, size_t ncs, json_t *arr,
    struct catalog_counts *cnt, char **cause)
{
	enum ny_err rc = NY_OK;

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
			if (rc == NY_OK)
				rc = cio_json_tags(db, ps[j].id, o);
			cnt->products++;
		}
		product_list_free(ps, np);
	}
	return rc;
}

/* Writes the document to json_path atomically (temporary file, fsync,
 * rename). NY_OK or NY_EIO with *cause. */
static enum ny_err
cio_write_json(json_t *root, const char *json_path, char **cause)
{
	char *text = json_dumps(root, JSON_INDENT(2));
	char *tmp = xasprintf("%s.tmp", json_path);
	size_t len = strlen(text);
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
	enum ny_err rc = NY_OK;

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

enum ny_err
catalog_export(struct db *db, const char *data_dir, const char *json_path,
    struct catalog_counts *counts, char **cause)
{
	struct catalog_counts cnt;
	struct creator *cs = NULL;
	json_t *root, *carr, *parr;
	char *base = catalog_parse_dirname(json_path);
	size_t ncs = 0;
	enum ny_err rc;

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
	catalog_json_clean(*cause);
	return rc;
}
