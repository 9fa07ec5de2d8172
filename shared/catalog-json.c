/*
 * catalog-json.c: the typed readers of a catalog document's members
 * (strings, integers, times, arrays, file paths, pictures) for
 * catalog-parse.c. Each refuses with a one-line cause that names the
 * member's JSON path ("products[2].event.capacity: expected an integer
 * ≥ 0, at most 1000000") and NY_EINVAL. See catalog-int.h.
 */
#include <assert.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "catalog-int.h"
#include "image.h"

#define CIO_MAX_ITEMS	10000	/* creators, products, files per product */

void
catalog_json_clean(char *s)
{
	for (unsigned char *p = (unsigned char *)s; p && *p; p++)
		if (*p < 0x20 || *p == 0x7f)
			*p = '?';
}

enum ny_err
catalog_json_fail(char **cause, const char *fmt, ...)
{
	va_list ap;

	if (cause != NULL) {
		va_start(ap, fmt);
		free(*cause);
		*cause = xvasprintf(fmt, ap);
		va_end(ap);
		/* Causes quote the document (keys, paths): one line. */
		catalog_json_clean(*cause);
	}
	return NY_EINVAL;
}

enum ny_err
catalog_json_keys(json_t *obj, const char *path, const char *const *allowed,
    char **cause)
{
	const char *key;
	json_t *v;

	json_object_foreach(obj, key, v) {
		const char *const *a;

		for (a = allowed; *a != NULL && strcmp(*a, key) != 0; a++)
			;
		if (*a == NULL)
			return catalog_json_fail(cause, "%s.%s: unknown field",
			    path, key);
	}
	return NY_OK;
}

enum ny_err
catalog_json_str(json_t *obj, const char *key, int required,
    const char *path, const char **out, char **cause)
{
	json_t *v = json_object_get(obj, key);

	*out = NULL;
	if (v == NULL || json_is_null(v)) {
		if (required)
			return catalog_json_fail(cause, "%s.%s: missing", path,
			    key);
		return NY_OK;
	}
	if (!json_is_string(v))
		return catalog_json_fail(cause, "%s.%s: expected a string",
		    path, key);
	if (strlen(json_string_value(v)) != json_string_length(v))
		return catalog_json_fail(cause, "%s.%s: NUL character in "
		    "string", path, key);
	*out = json_string_value(v);
	return NY_OK;
}

enum ny_err
catalog_json_int(json_t *obj, const char *key, int required, int64_t min,
    int64_t max, const char *path, int64_t *out, char **cause)
{
	json_t *v = json_object_get(obj, key);

	if (v == NULL || json_is_null(v)) {
		if (required)
			return catalog_json_fail(cause, "%s.%s: missing", path,
			    key);
		return NY_OK;
	}
	if (!json_is_integer(v) || json_integer_value(v) < min ||
	    json_integer_value(v) > max)
		return catalog_json_fail(cause, "%s.%s: expected an integer "
		    "≥ %lld", path, key, (long long)min);
	*out = json_integer_value(v);
	return NY_OK;
}

enum ny_err
catalog_json_rule(char **cause, const char *path, const char *field)
{
	const struct product_rule *r = product_rule(field);

	assert(r != NULL);
	return catalog_json_fail(cause, "%s.%s: %s", path, field, r->why);
}

enum ny_err
catalog_json_rule_int(json_t *obj, const char *key, int required,
    const char *path, int64_t *out, char **cause)
{
	const struct product_rule *r = product_rule(key);
	json_t *v = json_object_get(obj, key);

	assert(r != NULL);
	if (v == NULL || json_is_null(v)) {
		if (required)
			return catalog_json_fail(cause, "%s.%s: missing", path,
			    key);
		return NY_OK;
	}
	if (!json_is_integer(v) || json_integer_value(v) < r->min ||
	    json_integer_value(v) > r->max)
		return catalog_json_rule(cause, path, key);
	*out = json_integer_value(v);
	return NY_OK;
}

enum ny_err
catalog_json_time(json_t *obj, const char *key, const char *path,
    int64_t *out, char **cause)
{
	const char *s;
	enum ny_err rc;

	if ((rc = catalog_json_str(obj, key, 1, path, &s, cause)) != NY_OK)
		return rc;
	if (ny_parse_iso8601(s, out) != NY_OK || *out <= 0)
		return catalog_json_fail(cause, "%s.%s: expected an ISO 8601 "
		    "date and time such as 2027-01-15T06:00:00+03:00", path,
		    key);
	return NY_OK;
}

enum ny_err
catalog_json_array(json_t *obj, const char *key, const char *path,
    json_t **out, size_t *n, char **cause)
{
	json_t *v = json_object_get(obj, key);

	*out = NULL;
	*n = 0;
	if (v == NULL || json_is_null(v))
		return NY_OK;
	if (!json_is_array(v))
		return catalog_json_fail(cause, "%s.%s: expected an array",
		    path, key);
	if (json_array_size(v) > CIO_MAX_ITEMS)
		return catalog_json_fail(cause, "%s.%s: more than %d items",
		    path, key, CIO_MAX_ITEMS);
	*out = v;
	*n = json_array_size(v);
	return NY_OK;
}

enum ny_err
catalog_json_path(struct catalog_doc *d, const char *rel, const char *path,
    char **out, char **cause)
{
	struct stat sb;
	const char *p;

	*out = NULL;
	if (rel[0] == '\0' || rel[0] == '/' || strlen(rel) > 1024)
		return catalog_json_fail(cause, "%s: expected a relative path",
		    path);
	for (p = rel; p != NULL; p = strchr(p, '/')) {
		if (*p == '/')
			p++;
		if (strncmp(p, "..", 2) == 0 && (p[2] == '/' || p[2] == '\0'))
			return catalog_json_fail(cause, "%s: \"..\" is not "
			    "allowed in paths", path);
	}
	*out = xasprintf("%s/%s", d->base, rel);
	if (d->check_files && (stat(*out, &sb) != 0 || !S_ISREG(sb.st_mode))) {
		free(*out);
		*out = NULL;
		return catalog_json_fail(cause, "%s: no such file: %s", path,
		    rel);
	}
	return NY_OK;
}

/*
 * A cover or avatar must be an image image.c takes (PNG, JPEG or WebP, at
 * most 5 MB and 4000 pixels a side), whatever its name: checked while
 * validating (check_files) so a bad picture changes nothing, and again
 * when it is stored (image_put_fd), which is what counts.
 */
static enum ny_err
json_image(struct catalog_doc *d, const char *file, const char *rel,
    const char *path, char **cause)
{
	const char *why = NULL;
	char *buf = NULL;
	size_t len = 0;
	enum ny_err rc;

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
		return catalog_json_fail(cause, "%s: %s: %s", path, rel, why);
	return NY_OK;
}

enum ny_err
catalog_json_picture(struct catalog_doc *d, json_t *o, const char *key,
    const char *path, char **out, char **cause)
{
	const char *rel;
	char ipath[160];
	enum ny_err rc;

	*out = NULL;
	if ((rc = catalog_json_str(o, key, 0, path, &rel, cause)) != NY_OK ||
	    rel == NULL)
		return rc;
	snprintf(ipath, sizeof ipath, "%s.%s", path, key);
	if ((rc = catalog_json_path(d, rel, ipath, out, cause)) != NY_OK)
		return rc;
	/* On a refusal nothing is kept: a creator that fails validation is
	 * not counted, so catalog_parse_free would not free the path. */
	if ((rc = json_image(d, *out, rel, ipath, cause)) != NY_OK) {
		free(*out);
		*out = NULL;
	}
	return rc;
}
