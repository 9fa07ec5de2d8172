/*
 * metrics.h: a small Prometheus registry. Families (one metric name, its
 * help, type and label names) are added at start-up by one thread; after
 * that any thread counts, sets and observes without a lock: every value is
 * a C11 atomic, and a label set is found in a fixed-size open-addressing
 * table whose slots are claimed by compare-and-swap. A family holds at
 * most the number of label sets given when it was added: past that, new
 * label sets are dropped (the caller's labels are meant to come from a
 * fixed list, such as the route table; the cap keeps a bug from growing
 * memory without end). Label sets are never removed.
 *
 * metrics_render writes the text exposition format 0.0.4 (# HELP, # TYPE,
 * samples; histograms as _bucket{le=…}, _sum, _count), families in the
 * order they were added, label sets sorted, so a scrape is stable.
 *
 * The values a scrape computes (a count in the database, a file's size)
 * are gauge functions: called by metrics_render, on the scraping thread.
 */
#ifndef NY_METRICS_H
#define NY_METRICS_H

#include <stddef.h>
#include <stdint.h>

#include "ny.h"

enum metrics_type {
	METRICS_COUNTER,
	METRICS_GAUGE,
	METRICS_HISTOGRAM,
};

#define METRICS_LABELS_MAX	3	/* label names per family */
#define METRICS_BUCKETS_MAX	24	/* histogram upper bounds */

struct metrics;
struct metrics_family;
struct metrics_child;

/* The value of a gauge computed at scrape time, from arg. */
typedef double metrics_fn(void *arg);

/* A new, empty registry (caller frees with metrics_free). */
struct metrics	*metrics_new(void);
/* Frees m, its families and label sets. No other thread may use it. */
void		 metrics_free(struct metrics *m);

/*
 * Adds a family: name and label names must be valid Prometheus names
 * (asserted); labels is a comma-separated list ("route,code") or NULL;
 * max is how many label sets it may hold (1 for none). help is kept by
 * pointer (a literal). Start-up only, one thread. Returns the family,
 * owned by m.
 */
struct metrics_family *metrics_add(struct metrics *m, enum metrics_type type,
		    const char *name, const char *help, const char *labels,
		    size_t max);
/*
 * A histogram family: like metrics_add with the bucket upper bounds
 * (ascending, at most METRICS_BUCKETS_MAX; +Inf is implied).
 */
struct metrics_family *metrics_add_histogram(struct metrics *m,
		    const char *name, const char *help, const char *labels,
		    size_t max, const double *bounds, int nbounds);
/*
 * A gauge without labels whose value fn(arg) returns when m is rendered
 * (on the rendering thread; NaN leaves the sample out).
 */
void		 metrics_add_fn(struct metrics *m, const char *name,
		    const char *help, metrics_fn *fn, void *arg);

/*
 * The label set of f with these values (as many as f has label names;
 * NULL when it has none), created on first use (values copied). Any
 * thread, lock-free. NULL when f is full: the caller drops the figure.
 */
struct metrics_child *metrics_get(struct metrics_family *f,
		    const char *const *values);

/* Counter: adds n. Gauge: adds n (may be negative). c may be NULL. */
void		 metrics_add_to(struct metrics_child *c, int64_t n);
/* Gauge: sets v. c may be NULL. */
void		 metrics_set(struct metrics_child *c, int64_t v);
/* Histogram: one observation of v. c may be NULL. */
void		 metrics_observe(struct metrics_child *c, double v);
/* The value of a counter or gauge (for tests and logs). */
int64_t		 metrics_value(const struct metrics_child *c);

/* Shorthands: metrics_get then add / observe. */
void		 metrics_inc(struct metrics_family *f,
		    const char *const *values);
void		 metrics_observe_at(struct metrics_family *f,
		    const char *const *values, double v);

/*
 * Writes every family of m in the text exposition format 0.0.4 to out
 * (appended; give it no maximum: the families' caps bound the text). Any
 * thread, concurrently with the counting (a scrape sees each value at
 * some moment of it). NY_OK.
 */
enum ny_err	 metrics_render(struct metrics *m, struct ny_buf *out);

/*
 * Writes v as the exposition format writes a float: the shortest
 * decimal that reads back as v, "+Inf", "-Inf", "NaN". buf of at least
 * 32 bytes.
 */
const char	*metrics_float(double v, char *buf, size_t len);

#endif
