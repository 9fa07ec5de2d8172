/*
 * screen-orders.c: 2 Orders — the live feed, newest first. Every tick
 * asks db_changed (PRAGMA data_version, in memory) and reloads only when
 * another process committed; rows that arrived while the screen was open
 * stay highlighted for ORDERS_HL_S seconds. 'f' cycles a status filter;
 * 't' shows the orders to refund (paid after the last seat went). Enter
 * opens the selected order's detail (screen-order.c), r opens it and
 * starts its refund. Only the orders of the creator's own products are
 * shown.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "order.h"
#include "order-detail.h"
#include "screen-order.h"
#include "ssh-int.h"
#include "stats.h"
#include "ui.h"

#define ORDERS_MAX	200
#define ORDERS_HL_S	15
#define ORDERS_SEEN	64

static const char *const orders_filters[] = {
	NULL, "paid", "pending", "failed", "expired", "refunded"
};
#define ORDERS_NFILTERS	6

struct orders {
	struct order	*v;
	int		 n;
	struct ui_list	 list;
	int		 filter;
	int		 due;		/* the orders to refund, not a filter */
	struct screen_order *detail;	/* open over the list, or NULL */
	int64_t		 max_id;	/* highest id seen at the last load */
	int		 loaded;
	int64_t		 new_id[ORDERS_SEEN];	/* ring of new ids … */
	int64_t		 new_at[ORDERS_SEEN];	/* … and when they came */
	int		 nnew;
	int		 ok;
};

static void
orders_mark_new(struct orders *o, int64_t prev_max)
{
	int i;

	for (i = 0; i < o->n; i++) {
		if (o->v[i].id <= prev_max)
			continue;
		o->new_id[o->nnew % ORDERS_SEEN] = o->v[i].id;
		o->new_at[o->nnew % ORDERS_SEEN] = ny_now();
		o->nnew++;
	}
}

static int
orders_is_new(const struct orders *o, int64_t id)
{
	int i;

	for (i = 0; i < ORDERS_SEEN && i < o->nnew; i++)
		if (o->new_id[i] == id &&
		    ny_now() - o->new_at[i] < ORDERS_HL_S)
			return 1;
	return 0;
}

static void
orders_load(struct orders *o, struct ui_ctx *ctx)
{
	int64_t prev = o->max_id;
	int i;

	free(o->v);
	o->v = NULL;
	o->n = 0;
	/* Only this creator's products: a shop may host several creators. */
	if (o->due)
		o->ok = order_detail_refund_due(ctx->db, ctx->s->creator_id,
		    ORDERS_MAX, &o->v, &o->n) == NY_OK;
	else
		o->ok = order_list_recent(ctx->db, ctx->s->creator_id,
		    orders_filters[o->filter], ORDERS_MAX, &o->v, &o->n) ==
		    NY_OK;
	for (i = 0; i < o->n; i++)
		if (o->v[i].id > o->max_id)
			o->max_id = o->v[i].id;
	if (o->loaded)
		orders_mark_new(o, prev);
	o->loaded = 1;
	ui_list_set(&o->list, o->n, ctx->rows - 4);
}

static void *
orders_init(struct ui_ctx *ctx)
{
	struct orders *o = xcalloc(1, sizeof *o);
	int changed;

	db_changed(ctx->db, &changed);
	o->list.sel = 0;
	orders_load(o, ctx);
	return o;
}

static void
orders_row(struct orders *o, struct ui_ctx *ctx, WINDOW *w, int y, int i)
{
	const struct order *r = &o->v[i];
	char tm[32], line[512], *money;
	int hl = orders_is_new(o, r->id), attr = 0;

	ui_time(r->created_at, ny_now(), tm, sizeof tm);
	money = ui_money(ctx, r->amount_minor, r->currency);
	snprintf(line, sizeof line, "%-12s %-9s %16s  %-6s %-9.8s %s", tm,
	    ui_tr(ctx, r->status == ORDER_PAID ? "tui.status.paid" :
	    r->status == ORDER_PENDING ? "tui.status.pending" :
	    r->status == ORDER_FAILED ? "tui.status.failed" :
	    /* paid after the last seat went: money to give back */
	    r->status == ORDER_EXPIRED &&
	    strcmp(r->failure, "late_refund") == 0 ? "tui.status.refund_due" :
	    r->status == ORDER_EXPIRED ? "tui.status.expired" :
	    "tui.status.refunded"), money, r->phone_masked, r->ref,
	    r->product_title);
	free(money);
	if (i == o->list.sel)
		attr |= A_REVERSE;
	if (hl)
		attr |= ui_attr_hl(ctx);
	if (attr)
		wattron(w, attr);
	ui_put(w, y, 1, line, ctx->cols - 2, 1);
	if (hl)
		ui_put(w, y, ctx->cols - 7, ui_tr(ctx, "tui.orders.new"), 6, 1);
	if (attr)
		wattroff(w, attr);
}

static void
orders_draw(void *data, struct ui_ctx *ctx, WINDOW *w)
{
	struct orders *o = data;
	char head[256];
	int i;

	if (o->detail != NULL) {
		screen_order_draw(o->detail, ctx, w);
		return;
	}
	if (o->due)
		snprintf(head, sizeof head, "%s   (%d)",
		    ui_tr(ctx, "tui.orders.due"), o->n);
	else
		snprintf(head, sizeof head, "%s: %s   (%d)",
		    ui_tr(ctx, "tui.orders.filter"), orders_filters[o->filter] ?
		    orders_filters[o->filter] : ui_tr(ctx, "tui.orders.all"),
		    o->n);
	ui_put(w, 1, 1, head, ctx->cols - 2, 0);
	wattron(w, A_BOLD);
	ui_put(w, 2, 1, ui_tr(ctx, "tui.orders.head"), ctx->cols - 2, 1);
	wattroff(w, A_BOLD);
	if (!o->ok)
		ui_put(w, 3, 1, ui_tr(ctx, "tui.err.db"), ctx->cols - 2, 0);
	else if (o->n == 0)
		ui_put(w, 3, 1, ui_tr(ctx, o->due ? "tui.orders.none_due" :
		    "tui.orders.none"), ctx->cols - 2, 0);
	ui_list_set(&o->list, o->n, ctx->rows - 4);
	for (i = 0; i < o->list.height && o->list.top + i < o->n; i++)
		orders_row(o, ctx, w, 3 + i, o->list.top + i);
}

/* Keys while the detail is open: its own, and closing it. */
static int
orders_detail_key(struct orders *o, struct ui_ctx *ctx, int ch)
{
	int mask = screen_order_key(o->detail, ctx, ch);

	if (mask & SCREEN_ORDER_CLOSE) {
		screen_order_free(o->detail);
		o->detail = NULL;
		/* A refund may have moved the order out of this view. */
		orders_load(o, ctx);
	}
	return mask & ~SCREEN_ORDER_CLOSE;
}

/*
 * Enter opens the selected order; r opens it and starts its refund
 * there (the confirmation and the result show in the detail).
 */
static void
orders_open(struct orders *o, struct ui_ctx *ctx, int refund)
{
	if (o->list.sel < 0 || o->list.sel >= o->n)
		return;
	o->detail = screen_order_open(ctx, o->v[o->list.sel].id);
	if (refund)
		screen_order_key(o->detail, ctx, 'r');
}

/* f: next status filter; t: the orders to refund, or back to the feed. */
static void
orders_view(struct orders *o, struct ui_ctx *ctx, int ch)
{
	if (ch == 'f' && !o->due)
		o->filter = (o->filter + 1) % ORDERS_NFILTERS;
	o->due = ch == 't' && !o->due;
	o->loaded = 0;
	o->list.sel = 0;
	o->list.top = 0;
	orders_load(o, ctx);
}

static int
orders_key(void *data, struct ui_ctx *ctx, int ch)
{
	struct orders *o = data;

	if (o->detail != NULL)
		return orders_detail_key(o, ctx, ch);
	if (ui_list_key(&o->list, ch))
		return UI_HANDLED | UI_REDRAW;
	switch (ch) {
	case '\r': case '\n': case KEY_ENTER: case 'r':
		orders_open(o, ctx, ch == 'r');
		return UI_HANDLED | UI_REDRAW;
	case 'f': case 't':
		orders_view(o, ctx, ch);
		return UI_HANDLED | UI_REDRAW;
	}
	return 0;
}

static int
orders_tick(void *data, struct ui_ctx *ctx)
{
	struct orders *o = data;
	int changed = 0, i, fading = 0;

	for (i = 0; i < ORDERS_SEEN && i < o->nnew; i++)
		if (ny_now() - o->new_at[i] == ORDERS_HL_S)
			fading = 1;
	if (db_changed(ctx->db, &changed) != NY_OK || !changed)
		return fading && o->detail == NULL ? UI_REDRAW : 0;
	orders_load(o, ctx);
	if (o->detail != NULL)
		screen_order_reload(o->detail, ctx);
	return UI_REDRAW;
}

static void
orders_free(void *data)
{
	struct orders *o = data;

	if (o->detail != NULL)
		screen_order_free(o->detail);
	free(o->v);
	free(o);
}

const struct screen screen_orders = {
	.hotkey = '2',
	.title = "tui.screen.orders",
	.help = "tui.help.orders",
	.init = orders_init,
	.draw = orders_draw,
	.key = orders_key,
	.tick = orders_tick,
	.free = orders_free,
};
