/*
 * stats.c: sales figures (see stats.h). Every query filters paid orders of
 * the creator's products ((?1 = 0) means the whole shop).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stats.h"

#define PAID_OF_CREATOR \
	" FROM orders o JOIN products p ON p.id = o.product_id" \
	" WHERE o.status = 'paid' AND (?1 = 0 OR p.creator_id = ?1)"

int64_t
stats_day_start(int64_t t)
{
	int64_t local = t + STATS_TZ;

	return local - ((local % 86400) + 86400) % 86400 - STATS_TZ;
}

/*
 * The currency with the most revenue since `since` into cur ("KES" when
 * nothing was sold). Returns NY_OK or the db error.
 */
static enum ny_err
main_currency(struct db *db, int64_t creator_id, int64_t since, char cur[4])
{
	sqlite3_stmt *st = db_stmt(db, "SELECT o.currency, sum(o.amount_minor)"
	    PAID_OF_CREATOR " AND o.paid_at >= ?2 GROUP BY o.currency"
	    " ORDER BY 2 DESC LIMIT 1");
	int rc;

	snprintf(cur, 4, "KES");
	if (st == NULL)
		return NY_EDB;
	sqlite3_bind_int64(st, 1, creator_id);
	sqlite3_bind_int64(st, 2, since);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW && sqlite3_column_text(st, 0) != NULL)
		snprintf(cur, 4, "%s", (const char *)sqlite3_column_text(st, 0));
	sqlite3_reset(st);
	return db_err(rc);
}

/* db_each callback of daily: one day's row into the arrays. */
static enum ny_err
daily_row(void *arg, sqlite3_stmt *st)
{
	struct stats *s = arg;
	int64_t d = sqlite3_column_int64(st, 0);

	if (d >= 0 && d < STATS_DAYS) {
		s->daily_sales[d] = sqlite3_column_int64(st, 1);
		s->daily[d] = sqlite3_column_int64(st, 2);
	}
	return NY_OK;
}

/* Daily revenue and sales since `since` into the arrays. */
static enum ny_err
daily(struct db *db, int64_t creator_id, int64_t since, struct stats *s)
{
	sqlite3_stmt *st = db_stmt(db, "SELECT (o.paid_at - ?3) / 86400,"
	    " count(*), sum(o.amount_minor)" PAID_OF_CREATOR
	    " AND o.paid_at >= ?3 AND o.currency = ?2 GROUP BY 1");

	if (st == NULL)
		return NY_EDB;
	sqlite3_bind_int64(st, 1, creator_id);
	sqlite3_bind_text(st, 2, s->currency, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, since);
	return db_each(st, 0, daily_row, s);
}

/* db_each callback of top: one best seller. */
static enum ny_err
top_row(void *arg, sqlite3_stmt *st)
{
	struct stats *s = arg;
	struct stats_top *t = &s->top[s->ntop++];

	t->product_id = sqlite3_column_int64(st, 0);
	db_col_buf(st, 1, t->title, sizeof t->title);
	t->sales = sqlite3_column_int64(st, 2);
	t->revenue = sqlite3_column_int64(st, 3);
	return NY_OK;
}

/* The best sellers since `since` by revenue, at most STATS_TOP. */
static enum ny_err
top(struct db *db, int64_t creator_id, int64_t since, struct stats *s)
{
	sqlite3_stmt *st = db_stmt(db, "SELECT p.id, p.title, count(*),"
	    " sum(o.amount_minor)" PAID_OF_CREATOR " AND o.paid_at >= ?3"
	    " AND o.currency = ?2 GROUP BY p.id ORDER BY 4 DESC, 3 DESC"
	    " LIMIT 5");

	if (st == NULL)
		return NY_EDB;
	sqlite3_bind_int64(st, 1, creator_id);
	sqlite3_bind_text(st, 2, s->currency, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, since);
	return db_each(st, STATS_TOP, top_row, s);
}

/* Orders waiting for the buyer's answer. */
static enum ny_err
pending(struct db *db, int64_t creator_id, struct stats *s)
{
	sqlite3_stmt *st = db_stmt(db, "SELECT count(*) FROM orders o"
	    " JOIN products p ON p.id = o.product_id WHERE o.status ="
	    " 'pending' AND (?1 = 0 OR p.creator_id = ?1)");

	if (st == NULL)
		return NY_EDB;
	sqlite3_bind_int64(st, 1, creator_id);
	return db_int64(st, &s->pending);
}

/* Paid too late for a sold-out event: waiting for the creator's refund. */
static enum ny_err
refunds_due(struct db *db, int64_t creator_id, struct stats *s)
{
	sqlite3_stmt *st = db_stmt(db, "SELECT count(*),"
	    " coalesce(sum(o.amount_minor), 0) FROM orders o"
	    " JOIN products p ON p.id = o.product_id WHERE o.status ="
	    " 'expired' AND o.failure = 'late_refund'"
	    " AND (?1 = 0 OR p.creator_id = ?1)");
	int rc;

	if (st == NULL)
		return NY_EDB;
	sqlite3_bind_int64(st, 1, creator_id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		s->refunds_due = sqlite3_column_int64(st, 0);
		s->refunds_due_minor = sqlite3_column_int64(st, 1);
	}
	sqlite3_reset(st);
	return db_found(rc);
}

static void
sum_period(const struct stats *s, int days, struct stats_period *p)
{
	int i;

	for (i = STATS_DAYS - days; i < STATS_DAYS; i++) {
		p->sales += s->daily_sales[i];
		p->revenue += s->daily[i];
	}
}

enum ny_err
stats_get(struct db *db, int64_t creator_id, int64_t now, struct stats *out)
{
	int64_t since = stats_day_start(now) - (STATS_DAYS - 1) * 86400;
	enum ny_err err;

	memset(out, 0, sizeof *out);
	if ((err = main_currency(db, creator_id, since, out->currency)) ||
	    (err = daily(db, creator_id, since, out)) ||
	    (err = top(db, creator_id, since, out)) ||
	    (err = pending(db, creator_id, out)) ||
	    (err = refunds_due(db, creator_id, out)))
		return err;
	sum_period(out, 1, &out->today);
	sum_period(out, 7, &out->week);
	sum_period(out, STATS_DAYS, &out->month);
	return NY_OK;
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

char *
stats_json(const struct stats *s)
{
	struct ny_buf b;
	int i;

	buf_init(&b, 0);
	buf_printf(&b, "{\"currency\":\"%s\",\"pending\":%lld",
	    s->currency, (long long)s->pending);
	buf_printf(&b, ",\"refunds_due\":{\"orders\":%lld,\"amount_minor\":%lld}",
	    (long long)s->refunds_due, (long long)s->refunds_due_minor);
	buf_printf(&b, ",\"today\":{\"sales\":%lld,\"revenue_minor\":%lld}",
	    (long long)s->today.sales, (long long)s->today.revenue);
	buf_printf(&b, ",\"7d\":{\"sales\":%lld,\"revenue_minor\":%lld}",
	    (long long)s->week.sales, (long long)s->week.revenue);
	buf_printf(&b, ",\"30d\":{\"sales\":%lld,\"revenue_minor\":%lld}",
	    (long long)s->month.sales, (long long)s->month.revenue);
	buf_adds(&b, ",\"daily_revenue_minor\":[");
	for (i = 0; i < STATS_DAYS; i++)
		buf_printf(&b, "%s%lld", i ? "," : "", (long long)s->daily[i]);
	buf_adds(&b, "],\"top\":[");
	for (i = 0; i < s->ntop; i++) {
		buf_printf(&b, "%s{\"product_id\":%lld,\"title\":", i ? "," : "",
		    (long long)s->top[i].product_id);
		json_str(&b, s->top[i].title);
		buf_printf(&b, ",\"sales\":%lld,\"revenue_minor\":%lld}",
		    (long long)s->top[i].sales, (long long)s->top[i].revenue);
	}
	buf_adds(&b, "]}\n");
	return buf_steal(&b, NULL);
}
