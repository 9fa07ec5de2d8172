/*
 * tmpl.c: the template renderer (syntax in tmpl.h). A template compiles to
 * a flat array of nodes; a section node knows where its body ends, so
 * rendering is a walk over the array with a small stack of contexts.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "assets.h"
#include "i18n.h"
#include "tmpl.h"

#define TMPL_DEPTH	32	/* nested sections */
#define TMPL_NAME_MAX	128
#define TMPL_MAX	32	/* embedded templates */

enum tnode_kind {
	T_TEXT, T_VAR, T_RAW, T_SECTION, T_INVERTED, T_TRANS, T_PARTIAL
};

#define TMPL_PARTIALS	8	/* partials within partials */

struct tnode {
	enum tnode_kind	 kind;
	const char	*s;	/* into tmpl->src */
	size_t		 len;
	size_t		 end;	/* sections: index after the body */
};

struct tmpl {
	char		*src;
	struct tnode	*nodes;
	size_t		 n, cap;
};

/* Appends a node over [s, s + len) of the source. */
static void
tmpl_push(struct tmpl *t, enum tnode_kind kind, const char *s, size_t len)
{
	if (t->n == t->cap) {
		t->cap = t->cap ? t->cap * 2 : 32;
		t->nodes = xrealloc(t->nodes, t->cap * sizeof *t->nodes);
	}
	t->nodes[t->n].kind = kind;
	t->nodes[t->n].s = s;
	t->nodes[t->n].len = len;
	t->nodes[t->n].end = 0;
	t->n++;
}

/* 1 when [s, s + len) is a name: [A-Za-z0-9_.-], 1..TMPL_NAME_MAX long. */
static int
tmpl_name_ok(const char *s, size_t len)
{
	size_t i;

	if (len == 0 || len > TMPL_NAME_MAX)
		return 0;
	for (i = 0; i < len; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' &&
		    s[i] <= 'Z') || (s[i] >= '0' && s[i] <= '9') ||
		    s[i] == '_' || s[i] == '.' || s[i] == '-'))
			return 0;
	return 1;
}

/* The line number (from 1) of at in src, for compile errors. */
static int
tmpl_line(const char *src, const char *at)
{
	int line = 1;

	for (; src < at; src++)
		line += *src == '\n';
	return line;
}

/* Trims spaces around [*s, *s + *len). */
static void
tmpl_trim(const char **s, size_t *len)
{
	while (*len > 0 && (**s == ' ' || **s == '\t' || **s == '\n')) {
		(*s)++;
		(*len)--;
	}
	while (*len > 0 && ((*s)[*len - 1] == ' ' || (*s)[*len - 1] == '\t' ||
	    (*s)[*len - 1] == '\n'))
		(*len)--;
}

/* Compiles one tag (between the braces). Returns NULL or an error text. */
static const char *
tmpl_tag(struct tmpl *t, const char *s, size_t len, int raw,
    size_t *stack, int *depth)
{
	char c;

	tmpl_trim(&s, &len);
	if (raw) {
		if (!tmpl_name_ok(s, len))
			return "bad name";
		tmpl_push(t, T_RAW, s, len);
		return NULL;
	}
	if (len == 0)
		return "empty tag";
	c = s[0];
	if (c == '!')
		return NULL;
	if (c == '>') {
		s++;
		len--;
		tmpl_trim(&s, &len);
		if (!tmpl_name_ok(s, len))
			return "bad partial name";
		tmpl_push(t, T_PARTIAL, s, len);
		return NULL;
	}
	if (c == '#' || c == '^' || c == '/') {
		s++;
		len--;
		tmpl_trim(&s, &len);
		if (!tmpl_name_ok(s, len))
			return "bad section name";
		if (c == '/') {
			struct tnode *open;

			if (*depth == 0)
				return "close without open";
			open = &t->nodes[stack[--*depth]];
			if (open->len != len || memcmp(open->s, s, len) != 0)
				return "close does not match open";
			open->end = t->n;
			return NULL;
		}
		if (*depth == TMPL_DEPTH)
			return "sections nested too deep";
		stack[(*depth)++] = t->n;
		tmpl_push(t, c == '#' ? T_SECTION : T_INVERTED, s, len);
		return NULL;
	}
	if (len > 2 && s[0] == 't' && (s[1] == ' ' || s[1] == '\t')) {
		s += 2;
		len -= 2;
		tmpl_trim(&s, &len);
		if (!tmpl_name_ok(s, len))
			return "bad locale key";
		tmpl_push(t, T_TRANS, s, len);
		return NULL;
	}
	if (!tmpl_name_ok(s, len))
		return "bad name";
	tmpl_push(t, T_VAR, s, len);
	return NULL;
}

enum ny_err
tmpl_compile(const char *src, size_t len, struct tmpl **out, char **cause)
{
	struct tmpl *t = xcalloc(1, sizeof *t);
	size_t stack[TMPL_DEPTH];
	const char *p, *end, *open, *close, *err = NULL;
	int depth = 0;

	/* xstrndup stops at a NUL: the template ends there too, or end would
	 * point past the copy (found by fuzz-tmpl). */
	t->src = xstrndup(src, len);
	len = strlen(t->src);
	p = t->src;
	end = t->src + len;
	while (p < end) {
		open = memmem(p, (size_t)(end - p), "{{", 2);
		if (open == NULL) {
			tmpl_push(t, T_TEXT, p, (size_t)(end - p));
			break;
		}
		if (open > p)
			tmpl_push(t, T_TEXT, p, (size_t)(open - p));
		if (open + 2 < end && open[2] == '{') {
			close = memmem(open + 3, (size_t)(end - open - 3),
			    "}}}", 3);
			if (close == NULL) {
				err = "unclosed {{{";
				p = open;
				break;
			}
			err = tmpl_tag(t, open + 3, (size_t)(close - open - 3),
			    1, stack, &depth);
			p = close + 3;
		} else {
			close = memmem(open + 2, (size_t)(end - open - 2),
			    "}}", 2);
			if (close == NULL) {
				err = "unclosed {{";
				p = open;
				break;
			}
			err = tmpl_tag(t, open + 2, (size_t)(close - open - 2),
			    0, stack, &depth);
			p = close + 2;
		}
		if (err != NULL) {
			p = open;
			break;
		}
	}
	if (err == NULL && depth > 0) {
		err = "unclosed section";
		p = t->nodes[stack[depth - 1]].s;
	}
	if (err != NULL) {
		*cause = xasprintf("line %d: %s", tmpl_line(t->src, p), err);
		tmpl_free(t);
		return NY_EINVAL;
	}
	*out = t;
	return NY_OK;
}

void
tmpl_free(struct tmpl *t)
{
	if (t == NULL)
		return;
	free(t->nodes);
	free(t->src);
	free(t);
}

enum ny_err
tmpl_escape(struct ny_buf *out, const char *s, size_t len)
{
	size_t i, from = 0;
	const char *rep;
	enum ny_err rc = NY_OK;

	for (i = 0; i < len && rc == NY_OK; i++) {
		switch (s[i]) {
		case '&': rep = "&amp;"; break;
		case '<': rep = "&lt;"; break;
		case '>': rep = "&gt;"; break;
		case '"': rep = "&quot;"; break;
		case '\'': rep = "&#39;"; break;
		default: continue;
		}
		if ((rc = buf_add(out, s + from, i - from)) == NY_OK)
			rc = buf_adds(out, rep);
		from = i + 1;
	}
	if (rc == NY_OK)
		rc = buf_add(out, s + from, len - from);
	return rc;
}

struct tmpl_ctx {
	json_t		*stack[TMPL_DEPTH + 1];
	int		 depth;
	int		 partials;
	const char	*lang;
	struct ny_buf	*out;
};

/* Looks name (dotted) up from the innermost context outwards. */
static json_t *
tmpl_lookup(const struct tmpl_ctx *c, const char *name, size_t len)
{
	char part[TMPL_NAME_MAX + 1];
	const char *dot;
	json_t *v = NULL;
	size_t n;
	int i;

	if (len == 1 && name[0] == '.')
		return c->depth > 0 ? c->stack[c->depth - 1] : NULL;
	dot = memchr(name, '.', len);
	n = dot ? (size_t)(dot - name) : len;
	memcpy(part, name, n);
	part[n] = '\0';
	for (i = c->depth - 1; i >= 0 && v == NULL; i--)
		if (json_is_object(c->stack[i]))
			v = json_object_get(c->stack[i], part);
	while (v != NULL && dot != NULL) {
		name = dot + 1;
		len -= n + 1;
		dot = memchr(name, '.', len);
		n = dot ? (size_t)(dot - name) : len;
		memcpy(part, name, n);
		part[n] = '\0';
		v = json_is_object(v) ? json_object_get(v, part) : NULL;
	}
	return v;
}

/* 1 unless v is missing, null, false, 0, "" or [] (Mustache's falsy). */
static int
tmpl_is_truthy(const json_t *v)
{
	if (v == NULL || json_is_null(v) || json_is_false(v))
		return 0;
	if (json_is_integer(v))
		return json_integer_value(v) != 0;
	if (json_is_real(v))
		return json_real_value(v) != 0.0;
	if (json_is_string(v))
		return json_string_length(v) > 0;
	if (json_is_array(v))
		return json_array_size(v) > 0;
	return 1;
}

/* Writes a scalar value, escaped or not. */
static enum ny_err
tmpl_value(struct ny_buf *out, const json_t *v, int raw)
{
	char num[64];
	const char *s = NULL;
	size_t len = 0;

	if (json_is_string(v)) {
		s = json_string_value(v);
		len = json_string_length(v);
	} else if (json_is_integer(v)) {
		len = (size_t)snprintf(num, sizeof num, "%lld",
		    (long long)json_integer_value(v));
		s = num;
	} else if (json_is_real(v)) {
		len = (size_t)snprintf(num, sizeof num, "%g",
		    json_real_value(v));
		s = num;
	} else if (json_is_true(v)) {
		s = "true";
		len = 4;
	}
	if (s == NULL)
		return NY_OK;
	return raw ? buf_add(out, s, len) : tmpl_escape(out, s, len);
}

/* A locale string with {placeholders} filled from the context. */
static enum ny_err
tmpl_trans(struct tmpl_ctx *c, const char *key, size_t len)
{
	char k[TMPL_NAME_MAX + 1];
	const char *s, *open, *close;
	enum ny_err rc = NY_OK;

	memcpy(k, key, len);
	k[len] = '\0';
	s = i18n_get(c->lang, k);
	while (rc == NY_OK && (open = strchr(s, '{')) != NULL &&
	    (close = strchr(open, '}')) != NULL) {
		json_t *v = NULL;

		if (tmpl_name_ok(open + 1, (size_t)(close - open - 1)))
			v = tmpl_lookup(c, open + 1, (size_t)(close - open - 1));
		rc = tmpl_escape(c->out, s, (size_t)(open - s));
		if (rc == NY_OK)
			rc = v != NULL ? tmpl_value(c->out, v, 0) :
			    tmpl_escape(c->out, open, (size_t)(close - open + 1));
		s = close + 1;
	}
	if (rc == NY_OK)
		rc = tmpl_escape(c->out, s, strlen(s));
	return rc;
}

static enum ny_err tmpl_walk(const struct tmpl *t, size_t from,
    size_t to, struct tmpl_ctx *c);

/* {{> name}}: another embedded template, with the same contexts. */
static enum ny_err
tmpl_partial(struct tmpl_ctx *c, const char *name, size_t len)
{
	char n[TMPL_NAME_MAX + 1];
	const struct tmpl *t;
	enum ny_err rc;

	memcpy(n, name, len);
	n[len] = '\0';
	if ((t = tmpl_get(n)) == NULL || c->partials == TMPL_PARTIALS)
		return NY_OK;	/* unknown or runaway recursion: nothing */
	c->partials++;
	rc = tmpl_walk(t, 0, t->n, c);
	c->partials--;
	return rc;
}

/*
 * The section (or inverted section) at node i: its body rendered once per
 * array item, once inside an object, once for another truthy value, or
 * not at all. NY_OK or NY_ELIMIT.
 */
static enum ny_err
tmpl_section(const struct tmpl *t, size_t i, struct tmpl_ctx *c)
{
	const struct tnode *nd = &t->nodes[i];
	json_t *v = tmpl_lookup(c, nd->s, nd->len);
	size_t k;
	enum ny_err rc = NY_OK;

	if (nd->kind == T_INVERTED)
		return tmpl_is_truthy(v) ? NY_OK : tmpl_walk(t, i + 1, nd->end, c);
	if (!tmpl_is_truthy(v))
		return NY_OK;
	if (c->depth == TMPL_DEPTH)	/* cannot happen: compile bounds it */
		return NY_ELIMIT;
	if (json_is_array(v)) {
		for (k = 0; k < json_array_size(v) && rc == NY_OK; k++) {
			c->stack[c->depth++] = json_array_get(v, k);
			rc = tmpl_walk(t, i + 1, nd->end, c);
			c->depth--;
		}
		return rc;
	}
	if (json_is_object(v)) {
		c->stack[c->depth++] = v;
		rc = tmpl_walk(t, i + 1, nd->end, c);
		c->depth--;
		return rc;
	}
	return tmpl_walk(t, i + 1, nd->end, c);
}

/* Renders nodes [from, to) of t. NY_OK or NY_ELIMIT (output full). */
static enum ny_err
tmpl_walk(const struct tmpl *t, size_t from, size_t to, struct tmpl_ctx *c)
{
	size_t i;
	enum ny_err rc = NY_OK;

	for (i = from; i < to && rc == NY_OK; i++) {
		const struct tnode *nd = &t->nodes[i];
		json_t *v;

		switch (nd->kind) {
		case T_TEXT:
			rc = buf_add(c->out, nd->s, nd->len);
			break;
		case T_VAR:
		case T_RAW:
			v = tmpl_lookup(c, nd->s, nd->len);
			if (v != NULL)
				rc = tmpl_value(c->out, v, nd->kind == T_RAW);
			break;
		case T_TRANS:
			rc = tmpl_trans(c, nd->s, nd->len);
			break;
		case T_PARTIAL:
			rc = tmpl_partial(c, nd->s, nd->len);
			break;
		case T_SECTION:
		case T_INVERTED:
			rc = tmpl_section(t, i, c);
			i = nd->end - 1;
			break;
		}
	}
	return rc;
}

enum ny_err
tmpl_render(const struct tmpl *t, json_t *ctx, const char *lang,
    struct ny_buf *out)
{
	struct tmpl_ctx c;

	memset(&c, 0, sizeof c);
	c.lang = lang ? lang : "en";
	c.out = out;
	if (ctx != NULL)
		c.stack[c.depth++] = ctx;
	return tmpl_walk(t, 0, t->n, &c);
}

/* The embedded templates, compiled once at start by tmpl_load_all. */
static struct {
	char		 name[64];
	struct tmpl	*t;
} tmpl_table[TMPL_MAX];
static int tmpl_count;

enum ny_err
tmpl_load_all(char **cause)
{
	static const char dir[] = "storefront/templates/";
	const struct ny_asset *a;
	char *why = NULL;

	for (a = ny_assets; a->path != NULL; a++) {
		const char *name = a->path + sizeof dir - 1;
		size_t len;

		if (strncmp(a->path, dir, sizeof dir - 1) != 0)
			continue;
		len = strlen(name);
		if (len < 6 ||
		    strcmp(name + len - 5, ".html") != 0 || len - 5 >= 64)
			continue;
		if (tmpl_count == TMPL_MAX) {
			*cause = xstrdup("too many templates");
			return NY_EINVAL;
		}
		if (tmpl_compile((const char *)a->data, a->len,
		    &tmpl_table[tmpl_count].t, &why) != NY_OK) {
			*cause = xasprintf("%s: %s", a->path, why);
			free(why);
			return NY_EINVAL;
		}
		snprintf(tmpl_table[tmpl_count].name, 64, "%.*s",
		    (int)(len - 5), name);
		tmpl_count++;
	}
	return NY_OK;
}

const struct tmpl *
tmpl_get(const char *name)
{
	int i;

	for (i = 0; i < tmpl_count; i++)
		if (strcmp(tmpl_table[i].name, name) == 0)
			return tmpl_table[i].t;
	return NULL;
}
