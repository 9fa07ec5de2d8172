/*
 * catalog-int.h: what the files of the catalog import and export share;
 * not for other modules. catalog-parse.c reads and validates a document
 * into a struct catalog_doc (with catalog-json.c's typed readers),
 * catalog-import.c writes it to the database through the modules that
 * own the tables, catalog-export.c writes the database out as a
 * document.
 */
#ifndef NY_CATALOG_INT_H
#define NY_CATALOG_INT_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "blob.h"
#include "catalog-io.h"
#include "product.h"
#include "product-tag.h"

/* A product's content file: its name for buyers and where it is read. */
struct catalog_doc_file {
	const char	*name;		/* in the document (root owns it) */
	char		*path;		/* resolved (owned) */
	char		 sha[BLOB_SHA_LEN];	/* filled when stored */
	int64_t		 size;
	char		 mime[BLOB_MIME_LEN];
};

struct catalog_doc_auto {
	const char	*trigger;
	int64_t		 offset;	/* minutes */
	const char	*body_en;
	const char	*body_sw;
	int		 enabled;
};

struct catalog_doc_creator {
	const char	*handle;
	const char	*display_name;	/* NULL when absent */
	const char	*locale;
	const char	*bio;
	char		*avatar;	/* resolved path or NULL (owned) */
	char		 avatar_sha[BLOB_SHA_LEN];	/* filled when stored */
};

struct catalog_doc_product {
	const char		*creator;	/* handle */
	struct product		 p;		/* owned strings */
	char			*cover;	/* resolved path or NULL (owned) */
	struct catalog_doc_file	*files;
	size_t			 nfiles;
	struct catalog_doc_auto	*autos;
	size_t			 nautos;
	struct product_tags	 tags;		/* sorted */
	int			 has_tags;	/* "tags" present: replace
						   them (absent: kept) */
};

/* A parsed document; its const char * point into root. */
struct catalog_doc {
	json_t				*root;
	const char			*base;	/* folder of the JSON file */
	int				 check_files;
	struct catalog_doc_creator	*creators;
	size_t				 ncreators;
	struct catalog_doc_product	*products;
	size_t				 nproducts;
};

/*
 * Parses and validates the whole document json[0..len) into d (zeroed,
 * with base and check_files set by the caller). db (may be NULL) knows
 * creators a product may name besides the document's own. Returns NY_OK,
 * or NY_EINVAL with *cause (one line naming the JSON path; caller frees).
 * Either way the caller frees d with catalog_parse_free.
 */
enum ny_err	 catalog_parse(struct catalog_doc *d, struct db *db,
		    const char *json, size_t len, char **cause);
/* Frees what d holds (not d itself; base is the caller's). */
void		 catalog_parse_free(struct catalog_doc *d);

/* The folder part of path ("." when none). Caller frees. */
char		*catalog_parse_dirname(const char *path);

/*
 * The typed readers of catalog-json.c. Each reads the member key of the
 * object obj whose JSON path is path ("products[2].event"), and on a
 * problem sets *cause (cause may be NULL; replaced) to one line naming
 * path.key and returns NY_EINVAL. An absent or null member is NY_OK
 * (out as said) unless required, then "path.key: missing".
 */

/* Makes a cause one line: control characters become '?'. s may be NULL. */
void		 catalog_json_clean(char *s);
/* Sets *cause from fmt (made one line); returns NY_EINVAL. */
enum ny_err	 catalog_json_fail(char **cause, const char *fmt, ...)
		    NY_PRINTF(2, 3);
/* Refuses every key of obj not in the NULL-terminated list allowed. */
enum ny_err	 catalog_json_keys(json_t *obj, const char *path,
		    const char *const *allowed, char **cause);
/* A string without NUL; *out NULL when absent (points into obj). */
enum ny_err	 catalog_json_str(json_t *obj, const char *key, int required,
		    const char *path, const char **out, char **cause);
/* An integer in [min, max]; *out untouched when absent. */
enum ny_err	 catalog_json_int(json_t *obj, const char *key, int required,
		    int64_t min, int64_t max, const char *path, int64_t *out,
		    char **cause);
/*
 * An integer field of a product (key is its column): its bounds and
 * message are the product rule's (product_rule), so product.c stays the
 * one place of the limits. *out untouched when absent.
 */
enum ny_err	 catalog_json_rule_int(json_t *obj, const char *key,
		    int required, const char *path, int64_t *out, char **cause);
/* Refuses path.field with the why of field's product rule. */
enum ny_err	 catalog_json_rule(char **cause, const char *path,
		    const char *field);
/* An ISO 8601 time after 1970 (required). */
enum ny_err	 catalog_json_time(json_t *obj, const char *key,
		    const char *path, int64_t *out, char **cause);
/* An array of at most 10,000 items: *out NULL and *n 0 when absent. */
enum ny_err	 catalog_json_array(json_t *obj, const char *key,
		    const char *path, json_t **out, size_t *n, char **cause);
/*
 * Resolves rel, a path of the document, against d->base into *out
 * (caller frees; NULL on a refusal): no absolute paths, no "..", and
 * with d->check_files a regular file must be there. path names rel in
 * causes.
 */
enum ny_err	 catalog_json_path(struct catalog_doc *d, const char *rel,
		    const char *path, char **out, char **cause);
/*
 * An optional picture member (cover, avatar): resolved as
 * catalog_json_path into *out (NULL when absent or refused) and, with
 * d->check_files, an image image.h takes.
 */
enum ny_err	 catalog_json_picture(struct catalog_doc *d, json_t *o,
		    const char *key, const char *path, char **out,
		    char **cause);

#endif
