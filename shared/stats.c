/*
 * stats.c: sales figures (see stats.h for what counts). Every query reads
 * the creator's lines of orders ((?1 = 0) means the whole shop): a sale is
 * an order with a line of theirs, its revenue the sum of their lines (a
 * cart shared with other creators counts only their share). Paid and
 * refunded orders are found through orders_paid (status, paid_at), late
 * payments through orders_status, then their lines by order.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stats.h"

#define OF_CREATOR \
	" FROM orders o JOIN order_lines l ON l.order_id = o.id" \
	" WHERE (?1 = 0 OR l.creator_id = ?1)"

int64_t
stats_day_start(int64_t t)
{
	int64_t local = t + STATS_TZ;

	return local - ((local % 86400) + 86400) % 86400 - STATS_TZ;
}

/*
 * The figures of currency cur in s (zeroed by stats_get), taken when new. NULL when
 * s already holds STATS_NCUR others: a currency the orders table cannot
 * hold, so nothing real is lost.
 */
static struct stats_money *
money_of(struct stats *s, const char *cur)
{
	struct stats_money *m;
	int i;

	for (i = 0; i < s->ncur; i++)
		if (strcmp(s->cur[i].currency, cur) == 0)
			return &s->cur[i];
	if (s->ncur == STATS_NCUR)
		return NULL;
	m = &s->cur[s->ncur++];
	snprintf(m->currency, sizeof m->currency, "%s", cur);
	return m;
}

/*
 * db_each callback of series: one (currency, day, refunded?) group into
 * that currency's daily arrays. Days outside the window (a paid_at in
 * the future) are left out.
 */
static enum ny_err
series_row(void *arg, sqlite3_stmt *st)
{
	struct stats_money *m;
	char cur[4];
	int64_t d = sqlite3_column_int64(st, 1);

	db_col_buf(st, 0, cur, sizeof cur);
	if (d < 0 || d >= STATS_DAYS || (m = money_of(arg, cur)) == NULL)
		return NY_OK;
	if (sqlite3_column_int(st, 2)) {
		m->daily_refunds[d] = sqlite3_column_int64(st, 3);
		m->daily_refunded[d] = sqlite3_column_int64(st, 4);
	} else {
		m->daily_sales[d] = sqlite3_column_int64(st, 3);
		m->daily[d] = sqlite3_column_int64(st, 4);
	}
	return NY_OK;
}

/* Sales and refunds of the orders paid since `since`, per currency and day. */
static enum ny_err
series(struct db *db, int64_t creator_id, int64_t since, struct stats *s)
{
	sqlite3_stmt *st = db_stmt(db, "SELECT o.currency,"
	    " (o.paid_at - ?2) / 86400, o.status = 'refunded',"
	    " count(DISTINCT o.id), sum(l.amount_minor)" OF_CREATOR
	    " AND o.status IN ('paid', 'refunded') AND o.paid_at >= ?2"
	    " GROUP BY 1, 2, 3");

	if (st == NULL)
		return NY_EDB;
	sqlite3_bind_int64(st, 1, creator_id);
	sqlite3_bind_int64(st, 2, since);
	return db_each(st, 0, series_row, s);
}

/* db_each callback of refunds_due: one currency's late payments. */
static enum ny_err
due_row(void *arg, sqlite3_stmt *st)
{
	struct stats_money *m;
	char cur[4];

	db_col_buf(st, 0, cur, sizeof cur);
	if ((m = money_of(arg, cur)) != NULL) {
		m->refunds_due = sqlite3_column_int64(st, 1);
		m->refunds_due_minor = sqlite3_column_int64(st, 2);
	}
	return NY_OK;
}

/*
 * Paid too late for a sold-out event, per currency: waiting for the
 * creator's refund until a refund of the order is done (refund.h).
 */
static enum ny_err
refunds_due(struct db *db, int64_t creator_id, struct stats *s)
{
	sqlite3_stmt *st = db_stmt(db, "SELECT o.currency,"
	    " count(DISTINCT o.id), sum(l.amount_minor)" OF_CREATOR
	    " AND o.status = 'expired'"
	    " AND o.failure = 'late_refund' AND NOT EXISTS (SELECT 1"
	    " FROM refunds r WHERE r.order_id = o.id AND r.status = 'done')"
	    " GROUP BY 1");

	if (st == NULL)
		return NY_EDB;
	sqlite3_bind_int64(st, 1, creator_id);
	return db_each(st, 0, due_row, s);
}

/* db_each callback of top: one best seller. */
static enum ny_err
top_row(void *arg, sqlite3_stmt *st)
{
	struct stats *s = arg;
	struct stats_top *t = &s->top[s->ntop++];

	t->product_id = sqlite3_column_int64(st, 0);
	db_col_buf(st, 1, t->title, sizeof t->title);
	db_col_buf(st, 2, t->currency, sizeof t->currency);
	t->sales = sqlite3_column_int64(st, 3);
	t->revenue = sqlite3_column_int64(st, 4);
	return NY_OK;
}

/*
 * The best sellers since `since`, at most STATS_TOP, one row per product
 * and currency: by sales (comparable across currencies), then revenue.
 */
static enum ny_err
top(struct db *db, int64_t creator_id, int64_t since, struct stats *s)
{
	sqlite3_stmt *st = db_stmt(db, "SELECT p.id, p.title, o.currency,"
	    " count(*), sum(l.amount_minor) FROM orders o"
	    " JOIN order_lines l ON l.order_id = o.id"
	    " JOIN products p ON p.id = l.product_id"
	    " WHERE (?1 = 0 OR l.creator_id = ?1)"
	    " AND o.status = 'paid' AND o.paid_at >= ?2"
	    " GROUP BY p.id, o.currency ORDER BY 4 DESC, 5 DESC, 1, 3"
	    " LIMIT 5");

	if (st == NULL)
		return NY_EDB;
	sqlite3_bind_int64(st, 1, creator_id);
	sqlite3_bind_int64(st, 2, since);
	return db_each(st, STATS_TOP, top_row, s);
}

/* Orders waiting for the buyer's answer. */
static enum ny_err
pending(struct db *db, int64_t creator_id, struct stats *s)
{
	sqlite3_stmt *st = db_stmt(db, "SELECT count(DISTINCT o.id)"
	    OF_CREATOR " AND o.status = 'pending'");

	if (st == NULL)
		return NY_EDB;
	sqlite3_bind_int64(st, 1, creator_id);
	return db_int64(st, &s->pending);
}

/* The last `days` days of m's daily arrays into *p. */
static void
sum_period(const struct stats_money *m, int days, struct stats_period *p)
{
	int i;

	memset(p, 0, sizeof *p);
	for (i = STATS_DAYS - days; i < STATS_DAYS; i++) {
		p->sales += m->daily_sales[i];
		p->revenue += m->daily[i];
		p->refunds += m->daily_refunds[i];
		p->refunded += m->daily_refunded[i];
	}
}

/* qsort order of the currencies after the main one: by code. */
static int
money_cmp(const void *a, const void *b)
{
	return strcmp(((const struct stats_money *)a)->currency,
	    ((const struct stats_money *)b)->currency);
}

/*
 * Sorts s->cur by code, then moves the main currency (most sales in 30
 * days, then most revenue; the first code on a tie) to the front.
 */
static void
order_currencies(struct stats *s)
{
	struct stats_money first;
	int i, best = 0;

	qsort(s->cur, (size_t)s->ncur, sizeof s->cur[0], money_cmp);
	for (i = 1; i < s->ncur; i++) {
		const struct stats_period *a = &s->cur[i].month;
		const struct stats_period *b = &s->cur[best].month;

		if (a->sales > b->sales ||
		    (a->sales == b->sales && a->revenue > b->revenue))
			best = i;
	}
	first = s->cur[best];
	memmove(&s->cur[1], &s->cur[0], (size_t)best * sizeof s->cur[0]);
	s->cur[0] = first;
}

enum ny_err
stats_get(struct db *db, int64_t creator_id, int64_t now, struct stats *out)
{
	int64_t since = stats_day_start(now) - (STATS_DAYS - 1) * 86400;
	enum ny_err err;
	int i;

	memset(out, 0, sizeof *out);
	if ((err = series(db, creator_id, since, out)) ||
	    (err = refunds_due(db, creator_id, out)) ||
	    (err = top(db, creator_id, since, out)) ||
	    (err = pending(db, creator_id, out)))
		return err;
	if (out->ncur == 0)
		(void)money_of(out, "KES");
	for (i = 0; i < out->ncur; i++) {
		sum_period(&out->cur[i], 1, &out->cur[i].today);
		sum_period(&out->cur[i], 7, &out->cur[i].week);
		sum_period(&out->cur[i], STATS_DAYS, &out->cur[i].month);
	}
	order_currencies(out);
	return NY_OK;
}

int64_t
stats_sales(const struct stats *s, int days)
{
	int64_t n = 0;
	int i;

	for (i = 0; i < s->ncur; i++)
		n += days == 1 ? s->cur[i].today.sales : days == 7 ?
		    s->cur[i].week.sales : s->cur[i].month.sales;
	return n;
}

static void
json_str(struct ny_buf *b, const char *s)
{
	buf_adds(b, "\"");
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			buf_printf(b, "\\%c", *s);
		else if ((unsigned char)*s < 0x20)
			buf_printf(b, "\\u%04x", (unsigned char)*s);
		else
			buf_add(b, s, 1);
	}
	buf_adds(b, "\"");
}

/* ,"today":{…},"7d":{…},"30d":{…},"refunds_due":{…},"daily…":[…] of m. */
static void
json_money(struct ny_buf *b, const struct stats_money *m)
{
	static const char *const names[3] = { "today", "7d", "30d" };
	const struct stats_period *p[3] = { &m->today, &m->week, &m->month };
	int i;

	for (i = 0; i < 3; i++)
		buf_printf(b, ",\"%s\":{\"sales\":%lld,\"revenue_minor\":%lld,"
		    "\"refunds\":%lld,\"refunded_minor\":%lld}", names[i],
		    (long long)p[i]->sales, (long long)p[i]->revenue,
		    (long long)p[i]->refunds, (long long)p[i]->refunded);
	buf_printf(b, ",\"refunds_due\":{\"orders\":%lld,\"amount_minor\":%lld}",
	    (long long)m->refunds_due, (long long)m->refunds_due_minor);
	buf_adds(b, ",\"daily_revenue_minor\":[");
	for (i = 0; i < STATS_DAYS; i++)
		buf_printf(b, "%s%lld", i ? "," : "", (long long)m->daily[i]);
	buf_adds(b, "]");
}

/* ,"top":[…] of s. */
static void
json_top(struct ny_buf *b, const struct stats *s)
{
	int i;

	buf_adds(b, ",\"top\":[");
	for (i = 0; i < s->ntop; i++) {
		buf_printf(b, "%s{\"product_id\":%lld,\"title\":", i ? "," : "",
		    (long long)s->top[i].product_id);
		json_str(b, s->top[i].title);
		buf_printf(b, ",\"currency\":\"%s\",\"sales\":%lld,"
		    "\"revenue_minor\":%lld}", s->top[i].currency,
		    (long long)s->top[i].sales, (long long)s->top[i].revenue);
	}
	buf_adds(b, "]");
}

char *
stats_json(const struct stats *s)
{
	struct ny_buf b;
	int i;

	buf_init(&b, 0);
	buf_printf(&b, "{\"currency\":\"%s\",\"pending\":%lld",
	    s->cur[0].currency, (long long)s->pending);
	buf_printf(&b, ",\"sales\":{\"today\":%lld,\"7d\":%lld,\"30d\":%lld}",
	    (long long)stats_sales(s, 1), (long long)stats_sales(s, 7),
	    (long long)stats_sales(s, STATS_DAYS));
	json_money(&b, &s->cur[0]);
	buf_adds(&b, ",\"currencies\":[");
	for (i = 0; i < s->ncur; i++) {
		buf_printf(&b, "%s{\"currency\":\"%s\"", i ? "," : "",
		    s->cur[i].currency);
		json_money(&b, &s->cur[i]);
		buf_adds(&b, "}");
	}
	buf_adds(&b, "]");
	json_top(&b, s);
	buf_adds(&b, "}\n");
	return buf_steal(&b, NULL);
}
