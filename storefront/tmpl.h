/*
 * tmpl.h: a small Mustache-like template renderer over jansson values.
 *
 *   {{name}}  {{a.b}}  {{.}}   the value, HTML-escaped (& < > " ')
 *   {{{name}}}                trusted HTML, written as it is (cmark output)
 *   {{#name}} … {{/name}}      section: an array repeats the body per item
 *                             (the item becomes the innermost context); an
 *                             object is entered once; any other truthy
 *                             value renders once; false, null, 0, "" and []
 *                             skip it
 *   {{^name}} … {{/name}}      inverted section: renders when falsy
 *   {{t key}}                 the locale string key in the render language,
 *                             escaped; {placeholders} in it are filled from
 *                             the context (escaped too)
 *   {{> name}}                the embedded template name (a partial),
 *                             rendered with the same contexts
 *   {{! comment }}            nothing
 *
 * Names are looked up from the innermost context outwards; a missing name
 * renders as nothing. Templates are compiled once (tmpl_compile) and are
 * read-only afterwards: rendering is thread-safe.
 */
#ifndef NY_TMPL_H
#define NY_TMPL_H

#include <jansson.h>
#include <stddef.h>

#include "ny.h"

struct tmpl;

/*
 * Compiles src (len bytes). Returns NY_OK and *out (free with tmpl_free),
 * or NY_EINVAL with *cause ("line 3: unclosed section foo"; caller frees).
 */
enum ny_err tmpl_compile(const char *src, size_t len, struct tmpl **out,
	    char **cause);
void	 tmpl_free(struct tmpl *t);

/*
 * Renders t with ctx (borrowed; may be NULL) in lang ("en" | "sw") by
 * appending to out. Returns NY_OK or NY_ELIMIT when out's maximum is hit.
 */
enum ny_err tmpl_render(const struct tmpl *t, json_t *ctx, const char *lang,
	    struct ny_buf *out);

/* Appends s HTML-escaped to out. Returns NY_OK or NY_ELIMIT. */
enum ny_err tmpl_escape(struct ny_buf *out, const char *s, size_t len);

/*
 * The embedded template storefront/templates/<name>.html, compiled on the
 * first call of tmpl_load_all (at start, before threads). NULL if unknown.
 */
const struct tmpl *tmpl_get(const char *name);
/* Compiles every embedded template. Returns NY_OK or NY_EINVAL + *cause. */
enum ny_err tmpl_load_all(char **cause);

#endif
