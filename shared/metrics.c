/*
 * metrics.c: see metrics.h. The hot path (metrics_get, metrics_add_to,
 * metrics_observe) takes no lock: a label set lives in a slot of its
 * family's table, claimed once by compare-and-swap and never freed while
 * the registry lives, so a pointer found once stays good; the values are
 * relaxed atomics (a figure needs no ordering with any other).
 */
#include <assert.h>
#include <ctype.h>
#include <math.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "metrics.h"

struct metrics_child {
	const struct metrics_family *fam;
	uint64_t		 hash;
	char			*values[METRICS_LABELS_MAX];
	_Atomic int64_t		 v;		/* counter or gauge */
	_Atomic uint64_t	 sum;		/* histogram: a double's bits */
	_Atomic uint64_t	 buckets[];	/* histogram: nbounds + 1 */
};

struct metrics_family {
	struct metrics_family	*next;
	enum metrics_type	 type;
	char			*name;
	const char		*help;
	char			*labels[METRICS_LABELS_MAX];
	int			 nlabels;
	double			 bounds[METRICS_BUCKETS_MAX];
	int			 nbounds;
	metrics_fn		*fn;		/* a gauge computed at scrape */
	void			*arg;
	size_t			 max;		/* label sets at most */
	size_t			 cap;		/* slots: a power of 2 > max */
	_Atomic size_t		 n;		/* label sets taken */
	_Atomic(struct metrics_child *) *slots;
};

struct metrics {
	struct metrics_family	*head;
	struct metrics_family	**tail;
};

/* 1 when s is a valid metric or label name ([a-zA-Z_][a-zA-Z0-9_]*). */
static int
metrics_name_ok(const char *s)
{
	if (*s == '\0' || isdigit((unsigned char)*s))
		return 0;
	for (; *s != '\0'; s++)
		if (!isalnum((unsigned char)*s) && *s != '_')
			return 0;
	return 1;
}

struct metrics *
metrics_new(void)
{
	struct metrics *m = xcalloc(1, sizeof *m);

	m->tail = &m->head;
	return m;
}

static void
metrics_child_free(struct metrics_child *c)
{
	int i;

	for (i = 0; i < METRICS_LABELS_MAX; i++)
		free(c->values[i]);
	free(c);
}

void
metrics_free(struct metrics *m)
{
	struct metrics_family *f, *next;
	struct metrics_child *c;
	size_t i;
	int j;

	if (m == NULL)
		return;
	for (f = m->head; f != NULL; f = next) {
		next = f->next;
		for (i = 0; i < f->cap; i++)
			if ((c = atomic_load(&f->slots[i])) != NULL)
				metrics_child_free(c);
		for (j = 0; j < f->nlabels; j++)
			free(f->labels[j]);
		free(f->slots);
		free(f->name);
		free(f);
	}
	free(m);
}

/* Splits "a,b" into f->labels (asserting each is a valid name). */
static void
metrics_labels(struct metrics_family *f, const char *labels)
{
	const char *p = labels, *end;

	while (p != NULL && *p != '\0') {
		assert(f->nlabels < METRICS_LABELS_MAX);
		end = strchr(p, ',');
		f->labels[f->nlabels] = end != NULL ?
		    xstrndup(p, (size_t)(end - p)) : xstrdup(p);
		assert(metrics_name_ok(f->labels[f->nlabels]));
		/* "le" is the histogram's own; Prometheus reserves "__" */
		assert(strcmp(f->labels[f->nlabels], "le") != 0 &&
		    strncmp(f->labels[f->nlabels], "__", 2) != 0);
		f->nlabels++;
		p = end != NULL ? end + 1 : NULL;
	}
}

struct metrics_family *
metrics_add(struct metrics *m, enum metrics_type type, const char *name,
    const char *help, const char *labels, size_t max)
{
	struct metrics_family *f = xcalloc(1, sizeof *f);

	assert(metrics_name_ok(name));
	f->type = type;
	f->name = xstrdup(name);
	f->help = help;
	metrics_labels(f, labels);
	f->max = f->nlabels == 0 || max == 0 ? 1 : max;
	/* at most half full: a probe ends soon on an empty slot */
	for (f->cap = 2; f->cap < 2 * f->max; f->cap *= 2)
		;
	f->slots = xcalloc(f->cap, sizeof *f->slots);
	*m->tail = f;
	m->tail = &f->next;
	/* no labels: the one series exists (at 0) from the start (a
	 * histogram's once its buckets are known) */
	if (f->nlabels == 0 && type != METRICS_HISTOGRAM)
		metrics_get(f, NULL);
	return f;
}

struct metrics_family *
metrics_add_histogram(struct metrics *m, const char *name, const char *help,
    const char *labels, size_t max, const double *bounds, int nbounds)
{
	struct metrics_family *f;
	int i;

	assert(nbounds > 0 && nbounds <= METRICS_BUCKETS_MAX);
	f = metrics_add(m, METRICS_HISTOGRAM, name, help, labels, max);
	for (i = 0; i < nbounds; i++) {
		assert(i == 0 || bounds[i] > bounds[i - 1]);
		f->bounds[i] = bounds[i];
	}
	f->nbounds = nbounds;
	/* no labels: the one series exists (at 0) from the start */
	if (f->nlabels == 0)
		metrics_get(f, NULL);
	return f;
}

void
metrics_add_fn(struct metrics *m, const char *name, const char *help,
    metrics_fn *fn, void *arg)
{
	struct metrics_family *f;

	f = metrics_add(m, METRICS_GAUGE, name, help, NULL, 1);
	f->fn = fn;
	f->arg = arg;
}

/* FNV-1a over the values, each ended by a byte no UTF-8 text holds. */
static uint64_t
metrics_hash(const struct metrics_family *f, const char *const *values)
{
	uint64_t h = 14695981039346656037ULL;
	const unsigned char *p;
	int i;

	for (i = 0; i < f->nlabels; i++) {
		for (p = (const unsigned char *)values[i]; *p != '\0'; p++)
			h = (h ^ *p) * 1099511628211ULL;
		h = (h ^ 0xff) * 1099511628211ULL;
	}
	return h;
}

static int
metrics_child_is(const struct metrics_family *f,
    const struct metrics_child *c, uint64_t h, const char *const *values)
{
	int i;

	if (c->hash != h)
		return 0;
	for (i = 0; i < f->nlabels; i++)
		if (strcmp(c->values[i], values[i]) != 0)
			return 0;
	return 1;
}

static struct metrics_child *
metrics_child_new(const struct metrics_family *f, const char *const *values,
    uint64_t h)
{
	size_t nb = f->type == METRICS_HISTOGRAM ? (size_t)f->nbounds + 1 : 0;
	struct metrics_child *c = xcalloc(1, sizeof *c +
	    nb * sizeof c->buckets[0]);
	int i;

	c->fam = f;
	c->hash = h;
	for (i = 0; i < f->nlabels; i++)
		c->values[i] = xstrdup(values[i]);
	return c;
}

/*
 * Lock-free find-or-insert. A new label set takes one of the family's
 * max places first (so the table never fills past max), then a slot by
 * compare-and-swap; when another thread put the same labels in first,
 * ours is dropped and theirs returned.
 */
struct metrics_child *
metrics_get(struct metrics_family *f, const char *const *values)
{
	struct metrics_child *c, *mine = NULL;
	uint64_t h = metrics_hash(f, values);
	size_t i, mask = f->cap - 1;

	for (i = 0; i < f->cap; i++) {
		_Atomic(struct metrics_child *) *slot;

		slot = &f->slots[(h + i) & mask];
		c = atomic_load_explicit(slot, memory_order_acquire);
		if (c == NULL) {
			if (mine == NULL) {
				if (atomic_fetch_add_explicit(&f->n, 1,
				    memory_order_relaxed) >= f->max) {
					atomic_fetch_sub_explicit(&f->n, 1,
					    memory_order_relaxed);
					return NULL;
				}
				mine = metrics_child_new(f, values, h);
			}
			if (atomic_compare_exchange_strong_explicit(slot, &c,
			    mine, memory_order_acq_rel, memory_order_acquire))
				return mine;
			/* c is what another thread put there */
		}
		if (metrics_child_is(f, c, h, values)) {
			if (mine != NULL) {
				metrics_child_free(mine);
				atomic_fetch_sub_explicit(&f->n, 1,
				    memory_order_relaxed);
			}
			return c;
		}
	}
	/* not reached: at most max of cap > max slots are taken */
	if (mine != NULL) {
		metrics_child_free(mine);
		atomic_fetch_sub_explicit(&f->n, 1, memory_order_relaxed);
	}
	return NULL;
}

void
metrics_add_to(struct metrics_child *c, int64_t n)
{
	if (c != NULL)
		atomic_fetch_add_explicit(&c->v, n, memory_order_relaxed);
}

void
metrics_set(struct metrics_child *c, int64_t v)
{
	if (c != NULL)
		atomic_store_explicit(&c->v, v, memory_order_relaxed);
}

int64_t
metrics_value(const struct metrics_child *c)
{
	return c != NULL ? atomic_load_explicit(&c->v, memory_order_relaxed) :
	    0;
}

static uint64_t
metrics_bits(double d)
{
	uint64_t u;

	memcpy(&u, &d, sizeof u);
	return u;
}

static double
metrics_double(uint64_t u)
{
	double d;

	memcpy(&d, &u, sizeof d);
	return d;
}

/*
 * The bucket of the first bound >= v (the last one, +Inf, past them all)
 * counts one; the sum takes v by compare-and-swap on its bits. The count
 * is the buckets' total, so it can never disagree with them.
 */
void
metrics_observe(struct metrics_child *c, double v)
{
	const struct metrics_family *f;
	uint64_t old, new;
	int i;

	if (c == NULL || isnan(v))
		return;
	f = c->fam;
	assert(f->type == METRICS_HISTOGRAM);
	for (i = 0; i < f->nbounds && v > f->bounds[i]; i++)
		;
	atomic_fetch_add_explicit(&c->buckets[i], 1, memory_order_relaxed);
	old = atomic_load_explicit(&c->sum, memory_order_relaxed);
	do
		new = metrics_bits(metrics_double(old) + v);
	while (!atomic_compare_exchange_weak_explicit(&c->sum, &old, new,
	    memory_order_relaxed, memory_order_relaxed));
}

void
metrics_inc(struct metrics_family *f, const char *const *values)
{
	metrics_add_to(metrics_get(f, values), 1);
}

void
metrics_observe_at(struct metrics_family *f, const char *const *values,
    double v)
{
	metrics_observe(metrics_get(f, values), v);
}

/* ---- exposition ------------------------------------------------------- */

const char *
metrics_float(double v, char *buf, size_t len)
{
	int prec;

	if (isnan(v))
		snprintf(buf, len, "NaN");
	else if (isinf(v))
		snprintf(buf, len, "%s", v > 0 ? "+Inf" : "-Inf");
	else {
		/* the shortest that reads back the same: 0.1, not
		 * 0.10000000000000001; and 10, not 1e+01, in the range
		 * people read without exponents */
		for (prec = 1; prec <= 17; prec++) {
			snprintf(buf, len, "%.*g", prec, v);
			if (strtod(buf, NULL) == v && (strchr(buf, 'e') ==
			    NULL || fabs(v) < 1e-4 || fabs(v) >= 1e15))
				break;
		}
	}
	return buf;
}

/*
 * s as the format wants it: in a label value \ " and newline escaped, in
 * help text \ and newline.
 */
static void
metrics_escape(struct ny_buf *out, const char *s, int label)
{
	const char *run = s;

	for (; *s != '\0'; s++) {
		if (*s != '\\' && *s != '\n' && !(label && *s == '"'))
			continue;
		buf_add(out, run, (size_t)(s - run));
		buf_adds(out, *s == '\\' ? "\\\\" : *s == '\n' ? "\\n" :
		    "\\\"");
		run = s + 1;
	}
	buf_adds(out, run);
}

/*
 * One sample line: name+suffix{labels[,le="…"]} value. le is NULL
 * outside a histogram's buckets.
 */
static void
metrics_line(struct ny_buf *out, const struct metrics_family *f,
    const struct metrics_child *c, const char *suffix, const char *le,
    const char *value)
{
	int i;

	buf_printf(out, "%s%s", f->name, suffix);
	if (f->nlabels > 0 || le != NULL) {
		buf_adds(out, "{");
		for (i = 0; i < f->nlabels; i++) {
			buf_printf(out, "%s%s=\"", i ? "," : "", f->labels[i]);
			metrics_escape(out, c->values[i], 1);
			buf_adds(out, "\"");
		}
		if (le != NULL)
			buf_printf(out, "%sle=\"%s\"", f->nlabels ? "," : "",
			    le);
		buf_adds(out, "}");
	}
	buf_printf(out, " %s\n", value);
}

/* A histogram's buckets (cumulative), _sum and _count. */
static void
metrics_histogram(struct ny_buf *out, const struct metrics_family *f,
    struct metrics_child *c)
{
	char le[32], v[32];
	uint64_t total = 0;
	int i;

	for (i = 0; i <= f->nbounds; i++) {
		total += atomic_load_explicit(&c->buckets[i],
		    memory_order_relaxed);
		snprintf(v, sizeof v, "%llu", (unsigned long long)total);
		metrics_line(out, f, c, "_bucket", i < f->nbounds ?
		    metrics_float(f->bounds[i], le, sizeof le) : "+Inf", v);
	}
	metrics_line(out, f, c, "_sum", NULL, metrics_float(metrics_double(
	    atomic_load_explicit(&c->sum, memory_order_relaxed)), v, sizeof v));
	snprintf(v, sizeof v, "%llu", (unsigned long long)total);
	metrics_line(out, f, c, "_count", NULL, v);
}

/* qsort: label sets by their values, label by label. */
static int
metrics_child_cmp(const void *a, const void *b)
{
	const struct metrics_child *x = *(struct metrics_child *const *)a;
	const struct metrics_child *y = *(struct metrics_child *const *)b;
	int i, d;

	for (i = 0; i < x->fam->nlabels; i++)
		if ((d = strcmp(x->values[i], y->values[i])) != 0)
			return d;
	return 0;
}

static const char *const metrics_types[] = {
	[METRICS_COUNTER] = "counter",
	[METRICS_GAUGE] = "gauge",
	[METRICS_HISTOGRAM] = "histogram",
};

/* One family: HELP, TYPE and its samples. */
static void
metrics_family_render(struct ny_buf *out, struct metrics_family *f)
{
	struct metrics_child **all, *c;
	char v[32];
	size_t i, n = 0;
	double d;

	buf_printf(out, "# HELP %s ", f->name);
	metrics_escape(out, f->help, 0);
	buf_printf(out, "\n# TYPE %s %s\n", f->name, metrics_types[f->type]);
	if (f->fn != NULL) {
		if (!isnan(d = f->fn(f->arg)))
			buf_printf(out, "%s %s\n", f->name,
			    metrics_float(d, v, sizeof v));
		return;
	}
	all = xcalloc(f->cap, sizeof *all);
	for (i = 0; i < f->cap; i++)
		if ((c = atomic_load_explicit(&f->slots[i],
		    memory_order_acquire)) != NULL)
			all[n++] = c;
	qsort(all, n, sizeof *all, metrics_child_cmp);
	for (i = 0; i < n; i++) {
		if (f->type == METRICS_HISTOGRAM) {
			metrics_histogram(out, f, all[i]);
			continue;
		}
		snprintf(v, sizeof v, "%lld", (long long)metrics_value(all[i]));
		metrics_line(out, f, all[i], "", NULL, v);
	}
	free(all);
}

enum ny_err
metrics_render(struct metrics *m, struct ny_buf *out)
{
	struct metrics_family *f;

	for (f = m->head; f != NULL; f = f->next)
		metrics_family_render(out, f);
	return NY_OK;
}
