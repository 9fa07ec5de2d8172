/*
 * screen-dashboard.c: 1 Dashboard — per currency (never converted): net
 * revenue today, 7 and 30 days; the sales and refunds of every currency
 * together (the counts the Orders screen shows); what is still to refund;
 * a 30-day chart of daily net revenue in one currency (←/→ switch); the
 * top products, each in its currency. stats.h says what counts. Reloads
 * when another connection commits (db_changed).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "i18n.h"
#include "ssh-int.h"
#include "stats.h"
#include "ui.h"

struct dash {
	struct stats	 st;
	int		 ok;
	char		 sel[4];	/* the chart's currency, "" = main */
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
	d->ok = stats_get(ctx->db, ctx->s->creator_id, ny_now(), &d->st)
	    == NY_OK;
}

static void *
dash_init(struct ui_ctx *ctx)
{
	struct dash *d = xcalloc(1, sizeof *d);
	int changed;

	db_changed(ctx->db, &changed);
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
	line = i18n_fmt(ctx->lang, "tui.dash.due", "n", n, "amount", amounts,
	    NULL);
	ui_put(w, y, 2, line, ctx->cols - 4, 0);
	free(line);
	return 1;
}

static void
dash_top(struct dash *d, struct ui_ctx *ctx, WINDOW *w, int y)
{
	char buf[64], *money;
	int i;

	wattron(w, A_BOLD);
	ui_put(w, y, 2, ui_tr(ctx, "tui.dash.top"), ctx->cols - 4, 0);
	wattroff(w, A_BOLD);
	if (d->st.ntop == 0)
		ui_put(w, y + 1, 4, ui_tr(ctx, "tui.dash.none"), ctx->cols - 6,
		    0);
	for (i = 0; i < d->st.ntop && y + 1 + i < ctx->rows - 1; i++) {
		money = ui_money(ctx, d->st.top[i].revenue,
		    d->st.top[i].currency);
		snprintf(buf, sizeof buf, "%5lld  %s",
		    (long long)d->st.top[i].sales, money);
		ui_put(w, y + 1 + i, 4, d->st.top[i].title, ctx->cols - 40, 0);
		ui_put(w, y + 1 + i, ctx->cols - 34, buf, 32, 0);
		free(money);
	}
}

/* The chart's title (with its currency) at y and the chart below it. */
static void
dash_chart(struct dash *d, struct ui_ctx *ctx, WINDOW *w, int y, int ch)
{
	const struct stats_money *m = &d->st.cur[dash_sel(d)];
	char title[160];

	snprintf(title, sizeof title, "%s: %s", ui_tr(ctx, "tui.dash.chart"),
	    m->currency);
	wattron(w, A_BOLD);
	ui_put(w, y, 2, title, ctx->cols - 4, 0);
	wattroff(w, A_BOLD);
	if (ch >= 2)
		ui_chart_draw(w, y + 1, 4, ch, m->daily, STATS_DAYS,
		    !ctx->color && getenv("NO_COLOR") == NULL &&
		    strncmp(termname(), "vt100", 5) == 0);
}

static void
dash_draw(void *data, struct ui_ctx *ctx, WINDOW *w)
{
	struct dash *d = data;
	int col = (ctx->cols - 4) / 3, ncur = d->st.ncur, y, ch;

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
	ch = ctx->rows - 2 - (y + 1) - (d->st.ntop > 0 ? d->st.ntop : 1) - 2;
	if (ch > 10)
		ch = 10;
	dash_chart(d, ctx, w, y, ch);
	dash_top(d, ctx, w, y + 1 + (ch >= 2 ? ch : 0) + 1);
}

/* ←/→ (or c): the chart shows the next or previous currency. */
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
	case KEY_RIGHT: case 'c':
		dash_switch(d, 1);
		return UI_HANDLED | UI_REDRAW;
	case KEY_LEFT:
		dash_switch(d, -1);
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
