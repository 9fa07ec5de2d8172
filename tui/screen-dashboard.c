/*
 * screen-dashboard.c: 1 Dashboard — revenue and sales today, 7 and 30
 * days, a 30-day chart of daily revenue, the top products. Reloads when
 * another connection commits (db_changed).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ssh-int.h"
#include "stats.h"
#include "ui.h"

struct dash {
	struct stats	 st;
	int		 ok;
};

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

static void
dash_period(struct ui_ctx *ctx, WINDOW *w, int x, int width,
    const char *label, const struct stats_period *p, const char *cur)
{
	char *money = ui_money(ctx, p->revenue, cur), buf[64];

	ui_put(w, 2, x, ui_tr(ctx, label), width, 0);
	wattron(w, A_BOLD);
	ui_put(w, 3, x, money, width, 0);
	wattroff(w, A_BOLD);
	snprintf(buf, sizeof buf, "%s: %lld", ui_tr(ctx, "tui.dash.sales"),
	    (long long)p->sales);
	ui_put(w, 4, x, buf, width, 0);
	free(money);
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
		money = ui_money(ctx, d->st.top[i].revenue, d->st.currency);
		snprintf(buf, sizeof buf, "%5lld  %s",
		    (long long)d->st.top[i].sales, money);
		ui_put(w, y + 1 + i, 4, d->st.top[i].title, ctx->cols - 40, 0);
		ui_put(w, y + 1 + i, ctx->cols - 34, buf, 32, 0);
		free(money);
	}
}

static void
dash_draw(void *data, struct ui_ctx *ctx, WINDOW *w)
{
	struct dash *d = data;
	int col = (ctx->cols - 4) / 3, ch;

	if (!d->ok) {
		ui_put(w, 2, 2, ui_tr(ctx, "tui.err.db"), ctx->cols - 4, 0);
		return;
	}
	dash_period(ctx, w, 2, col - 1, "tui.dash.today", &d->st.today,
	    d->st.currency);
	dash_period(ctx, w, 2 + col, col - 1, "tui.dash.7d", &d->st.week,
	    d->st.currency);
	dash_period(ctx, w, 2 + 2 * col, col - 1, "tui.dash.30d",
	    &d->st.month, d->st.currency);
	ch = ctx->rows - 2 - 6 - (d->st.ntop > 0 ? d->st.ntop : 1) - 2;
	if (ch > 10)
		ch = 10;
	wattron(w, A_BOLD);
	ui_put(w, 6, 2, ui_tr(ctx, "tui.dash.chart"), ctx->cols - 4, 0);
	wattroff(w, A_BOLD);
	if (ch >= 2)
		ui_chart_draw(w, 7, 4, ch, d->st.daily, STATS_DAYS,
		    !ctx->color && getenv("NO_COLOR") == NULL &&
		    strncmp(termname(), "vt100", 5) == 0);
	dash_top(d, ctx, w, 7 + (ch >= 2 ? ch : 0) + 1);
}

static int
dash_key(void *data, struct ui_ctx *ctx, int ch)
{
	if (ch == 'r') {
		dash_load(data, ctx);
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
