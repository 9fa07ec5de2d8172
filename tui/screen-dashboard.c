/*
 * screen-dashboard.c: 1 Dashboard — per currency (never converted): net
 * revenue today, 7 and 30 days; the sales and refunds of every currency
 * together (the counts the Orders screen shows); what is still to refund;
 * a 30-day chart of daily net revenue in one currency (the one with most
 * sales first, c for the next), its axes labelled with amounts and
 * dates, ←/→ moving the selected day whose figures are written under
 * it; the top products, each in its currency. stats.h says what counts.
 * Reloads when another connection commits (db_changed).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "i18n.h"
#include "money.h"
#include "ssh-int.h"
#include "stats.h"
#include "ui.h"

/* Bars of the chart at most: more only stretches a short series. */
#define DASH_CHART_ROWS	16

struct dash {
	struct stats	 st;
	int		 ok;
	char		 sel[4];	/* the chart's currency, "" = main */
	int		 day;		/* selected bar, 0 (oldest) … STATS_DAYS-1 */
	int64_t		 day0;		/* start of the oldest bar's day (EAT) */
	const char	*lang;		/* ctx->lang, for the chart's labels */
};

/* The index in d->st.cur of the chart's currency (0 when gone). */
static int
dash_sel(const struct dash *d)
{
	int i;

	for (i = 0; i < d->st.ncur; i++)
		if (strcmp(d->st.cur[i].currency, d->sel) == 0)
			return i;
	return 0;
}

static void
dash_load(struct dash *d, struct ui_ctx *ctx)
{
	int64_t now = ny_now();

	d->ok = stats_get(ctx->db, ctx->s->creator_id, now, &d->st)
	    == NY_OK;
	d->day0 = stats_day_start(now) - (STATS_DAYS - 1) * 86400;
	d->lang = ctx->lang;
}

static void *
dash_init(struct ui_ctx *ctx)
{
	struct dash *d = xcalloc(1, sizeof *d);
	int changed;

	db_changed(ctx->db, &changed);
	d->day = STATS_DAYS - 1;	/* today */
	dash_load(d, ctx);
	return d;
}

/* The column of a period: its label, then one net revenue per currency. */
static void
dash_period(struct dash *d, struct ui_ctx *ctx, WINDOW *w, int x, int width,
    const char *label, int days, int ncur)
{
	const struct stats_period *p;
	char *money;
	int i;

	ui_put(w, 2, x, ui_tr(ctx, label), width, 0);
	wattron(w, A_BOLD);
	for (i = 0; i < ncur; i++) {
		p = days == 1 ? &d->st.cur[i].today : days == 7 ?
		    &d->st.cur[i].week : &d->st.cur[i].month;
		money = ui_money(ctx, p->revenue, d->st.cur[i].currency);
		ui_put(w, 3 + i, x, money, width, 0);
		free(money);
	}
	wattroff(w, A_BOLD);
}

/* "Sales: n" and "Refunds: n" of a period, every currency together. */
static void
dash_counts(struct dash *d, struct ui_ctx *ctx, WINDOW *w, int y, int x,
    int width, int days)
{
	int64_t refunds = 0;
	char buf[64];
	int i;

	for (i = 0; i < d->st.ncur; i++)
		refunds += days == 1 ? d->st.cur[i].today.refunds : days == 7 ?
		    d->st.cur[i].week.refunds : d->st.cur[i].month.refunds;
	snprintf(buf, sizeof buf, "%s: %lld", ui_tr(ctx, "tui.dash.sales"),
	    (long long)stats_sales(&d->st, days));
	ui_put(w, y, x, buf, width, 0);
	snprintf(buf, sizeof buf, "%s: %lld", ui_tr(ctx, "tui.dash.refunds"),
	    (long long)refunds);
	ui_put(w, y + 1, x, buf, width, 0);
}

/*
 * "To refund: 2 (KES 500.00, USD 10.00)" at y when some late payment
 * waits for its refund; returns the rows used (0 or 1).
 */
static int
dash_due(struct dash *d, struct ui_ctx *ctx, WINDOW *w, int y)
{
	char amounts[160] = "", n[24], *money, *line;
	int64_t orders = 0;
	size_t used = 0;
	int i;

	for (i = 0; i < d->st.ncur; i++) {
		if (d->st.cur[i].refunds_due == 0)
			continue;
		orders += d->st.cur[i].refunds_due;
		money = ui_money(ctx, d->st.cur[i].refunds_due_minor,
		    d->st.cur[i].currency);
		if (used < sizeof amounts)
			used += (size_t)snprintf(amounts + used,
			    sizeof amounts - used, "%s%s", used ? ", " : "",
			    money);
		free(money);
	}
	if (orders == 0)
		return 0;
	snprintf(n, sizeof n, "%lld", (long long)orders);
	line = i18n_fmt_n(ctx->lang, "tui.dash.due", orders, "n", n, "amount",
	    amounts, NULL);
	ui_put(w, y, 2, line, ctx->cols - 4, 0);
	free(line);
	return 1;
}

/*
 * The best sellers from y: a blank row, the heading, then n of them
 * (title cut at a word; sales and revenue in columns at the right edge,
 * amounts right-aligned to the widest).
 */
static void
dash_top(struct dash *d, struct ui_ctx *ctx, WINDOW *w, int y, int n)
{
	char buf[96], *money[STATS_TOP];
	int i, mw = 0;

	if (n > d->st.ntop)
		n = d->st.ntop;
	for (i = 0; i < n; i++) {
		money[i] = ui_money(ctx, d->st.top[i].revenue,
		    d->st.top[i].currency);
		if (ui_width(money[i]) > mw)
			mw = ui_width(money[i]);
	}
	wattron(w, A_BOLD);
	ui_put_cut(w, y + 1, 2, ui_tr(ctx, "tui.dash.top"), ctx->cols - 4, 0);
	wattroff(w, A_BOLD);
	for (i = 0; i < n; i++) {
		/* Money is ASCII ("KES 400.00", "KSh …"): bytes are columns. */
		snprintf(buf, sizeof buf, "%5lld  %*s",
		    (long long)d->st.top[i].sales, mw, money[i]);
		ui_put_cut(w, y + 2 + i, 4, d->st.top[i].title,
		    ctx->cols - 8 - ui_width(buf), 0);
		ui_put(w, y + 2 + i, ctx->cols - 2 - ui_width(buf), buf,
		    ui_width(buf), 0);
		free(money[i]);
	}
}

/*
 * 1 on terminals that cannot draw eighth blocks and box lines (a vt100
 * and its kin, "dumb"): the chart is drawn with '#', '|' and '-' there.
 */
static int
dash_ascii(void)
{
	const char *t = termname();

	return t == NULL || strncmp(t, "vt", 2) == 0 ||
	    strcmp(t, "dumb") == 0 || strncmp(t, "ansi", 4) == 0;
}

/* The EAT date of bar i of the chart into *tm. */
static void
dash_day_tm(const struct dash *d, int i, struct tm *tm)
{
	time_t t = (time_t)(d->day0 + (int64_t)i * 86400 + STATS_TZ);

	gmtime_r(&t, tm);
}

/* ui_chart label: bar i's date, "3 Nov" ("3 Des"). */
static void
dash_label(void *arg, int i, char *buf, size_t len)
{
	const struct dash *d = arg;
	char key[32];
	struct tm tm;

	dash_day_tm(d, i, &tm);
	snprintf(key, sizeof key, "tui.mon.%d", tm.tm_mon + 1);
	snprintf(buf, len, "%d %s", tm.tm_mday, i18n_get(d->lang, key));
}

/* 1 when the currency has no sale in the whole window: nothing to chart. */
static int
dash_empty(const struct stats_money *m)
{
	int i;

	for (i = 0; i < STATS_DAYS; i++)
		if (m->daily[i] != 0 || m->daily_sales[i] != 0)
			return 0;
	return 1;
}

/*
 * The chart's title at y: its currency, and when there are others
 * whether this is the one with most sales and which c shows next.
 */
static void
dash_chart_title(struct dash *d, struct ui_ctx *ctx, WINDOW *w, int y)
{
	int i, me = dash_sel(d);
	char others[32] = "", *title;
	size_t used = 0;

	for (i = 0; i < d->st.ncur; i++)
		if (i != me && used < sizeof others)
			used += (size_t)snprintf(others + used,
			    sizeof others - used, "%s%s", used ? ", " : "",
			    d->st.cur[i].currency);
	title = i18n_fmt(ctx->lang, d->st.ncur == 1 ? "tui.dash.chart" :
	    me == 0 ? "tui.dash.chart_most" : "tui.dash.chart_other",
	    "currency", d->st.cur[me].currency, "others", others, NULL);
	wattron(w, A_BOLD);
	ui_put_cut(w, y, 2, title, ctx->cols - 4, 0);
	wattroff(w, A_BOLD);
	free(title);
}

/* "Today, Tue 1 Dec: KES 1,600.00, 2 sales" of the selected day at y. */
static void
dash_chart_day(struct dash *d, struct ui_ctx *ctx, WINDOW *w, int y)
{
	const struct stats_money *m = &d->st.cur[dash_sel(d)];
	char wd[32], mon[32], day[16], n[24], *date, *amount, *sales, *line;
	struct tm tm;

	dash_day_tm(d, d->day, &tm);
	snprintf(wd, sizeof wd, "sf.wd.%d", tm.tm_wday);
	snprintf(mon, sizeof mon, "tui.mon.%d", tm.tm_mon + 1);
	snprintf(day, sizeof day, "%d", tm.tm_mday);
	date = i18n_fmt(ctx->lang, d->day == STATS_DAYS - 1 ?
	    "tui.dash.day_today" : "tui.dash.day_date", "weekday",
	    ui_tr(ctx, wd), "day", day, "month", ui_tr(ctx, mon), NULL);
	amount = ui_money(ctx, m->daily[d->day], m->currency);
	snprintf(n, sizeof n, "%lld", (long long)m->daily_sales[d->day]);
	sales = i18n_fmt_n(ctx->lang, "tui.dash.day_sales",
	    m->daily_sales[d->day], "n", n, NULL);
	line = i18n_fmt(ctx->lang, "tui.dash.day", "date", date, "amount",
	    amount, "sales", sales, NULL);
	ui_put_cut(w, y, 4, line, ctx->cols - 6, 0);
	free(line);
	free(sales);
	free(amount);
	free(date);
}

/*
 * The chart block from y in rows rows: title, the chart (rows - 2 for
 * its bars and axes) and the selected day; "No sales yet" in its place
 * when the currency sold nothing in the window.
 */
static void
dash_chart(struct dash *d, struct ui_ctx *ctx, WINDOW *w, int y, int rows)
{
	const struct stats_money *m = &d->st.cur[dash_sel(d)];
	struct ui_chart c;
	int exponent = 2;

	dash_chart_title(d, ctx, w, y);
	if (dash_empty(m)) {
		ui_put_wrapped(w, y + 1 + (rows - 2) / 2, 4,
		    ui_tr(ctx, "tui.dash.empty"), ctx->cols - 8, 2);
		return;
	}
	(void)money_exponent(m->currency, &exponent);
	memset(&c, 0, sizeof c);
	c.v = m->daily;
	c.n = STATS_DAYS;
	c.sel = d->day;
	c.exponent = exponent;
	c.ascii = dash_ascii();
	c.hl = ui_attr_hl(ctx);
	c.label = dash_label;
	c.arg = d;
	ui_chart_draw(w, y + 1, 2, rows - 2, ctx->cols - 4, &c);
	dash_chart_day(d, ctx, w, y + rows - 1);
}
static void
dash_draw(void *data, struct ui_ctx *ctx, WINDOW *w)
{
	struct dash *d = data;
	int col = (ctx->cols - 4) / 3, ncur = d->st.ncur, y, top, plot;

	if (!d->ok) {
		ui_put(w, 2, 2, ui_tr(ctx, "tui.err.db"), ctx->cols - 4, 0);
		return;
	}
	/* One line per currency: at most STATS_NCUR, room enough on 24 rows. */
	dash_period(d, ctx, w, 2, col - 1, "tui.dash.today", 1, ncur);
	dash_period(d, ctx, w, 2 + col, col - 1, "tui.dash.7d", 7, ncur);
	dash_period(d, ctx, w, 2 + 2 * col, col - 1, "tui.dash.30d",
	    STATS_DAYS, ncur);
	y = 3 + ncur;
	dash_counts(d, ctx, w, y, 2, col - 1, 1);
	dash_counts(d, ctx, w, y, 2 + col, col - 1, 7);
	dash_counts(d, ctx, w, y, 2 + 2 * col, col - 1, STATS_DAYS);
	y += 2;
	y += dash_due(d, ctx, w, y) + 1;
	/*
	 * Rows y … rows - 2: the chart (title, bars, 2 axis rows, the day)
	 * and the top products (a blank, the heading, one row each), fewer
	 * of them rather than a chart under 6 rows of bars.
	 */
	for (top = d->st.ntop;; top--) {
		plot = ctx->rows - 1 - y - 4 - (top > 0 ? top + 2 : 0);
		if (plot >= 6 || top <= 1)
			break;
	}
	if (plot > DASH_CHART_ROWS)
		plot = DASH_CHART_ROWS;
	if (plot < 2)		/* a tiny terminal: the figures above fit */
		return;
	plot -= plot % 2;	/* ui_chart_draw's even rows of bars */
	dash_chart(d, ctx, w, y, plot + 4);
	if (top > 0)
		dash_top(d, ctx, w, y + plot + 4, top);
}
/* c: the chart shows the next currency. */
static void
dash_switch(struct dash *d, int step)
{
	int n = d->st.ncur, i;

	if (n == 0)	/* the load failed: nothing to switch to */
		return;
	i = (dash_sel(d) + step + n) % n;
	snprintf(d->sel, sizeof d->sel, "%s", d->st.cur[i].currency);
}

static int
dash_key(void *data, struct ui_ctx *ctx, int ch)
{
	struct dash *d = data;

	switch (ch) {
	case 'r':
		dash_load(d, ctx);
		return UI_HANDLED | UI_REDRAW;
	case 'c':
		dash_switch(d, 1);
		return UI_HANDLED | UI_REDRAW;
	case KEY_LEFT: case KEY_RIGHT:
		d->day = ui_chart_move(d->day, ch == KEY_LEFT ? -1 : 1,
		    STATS_DAYS);
		return UI_HANDLED | UI_REDRAW;
	case KEY_HOME: case KEY_END:
		d->day = ch == KEY_HOME ? 0 : STATS_DAYS - 1;
		return UI_HANDLED | UI_REDRAW;
	}
	return 0;
}

static int
dash_tick(void *data, struct ui_ctx *ctx)
{
	int changed = 0;

	if (db_changed(ctx->db, &changed) != NY_OK || !changed)
		return 0;
	dash_load(data, ctx);
	return UI_REDRAW;
}

const struct screen screen_dashboard = {
	.hotkey = '1',
	.title = "tui.screen.dashboard",
	.help = "tui.help.dashboard",
	.init = dash_init,
	.draw = dash_draw,
	.key = dash_key,
	.tick = dash_tick,
	.free = free,
};
