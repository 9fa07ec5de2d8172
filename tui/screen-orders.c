/*
 * screen-orders.c: 2 Orders — the live feed, newest first. Every tick
 * asks db_changed (PRAGMA data_version, in memory) and reloads only when
 * another process committed; rows that arrived while the screen was open
 * stay highlighted for ORDERS_HL_S seconds. The list narrows like tig's:
 * 'f' cycles a status filter, 'p' picks one of the creator's products,
 * '/' searches as you type (a piece of the ref or product title, or the
 * digits a masked phone shows; Enter keeps it, Esc clears it); 't' shows
 * the orders to refund (paid after the last seat went). Enter opens the
 * selected order's detail (screen-order.c) whatever narrows the list, r
 * opens it and starts its refund. Only the orders of the creator's own
 * products are shown.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "order.h"
#include "order-detail.h"
#include "product.h"
#include "screen-order.h"
#include "ssh-int.h"
#include "stats.h"
#include "ui.h"

#define ORDERS_MAX	200
#define ORDERS_HL_S	15
#define ORDERS_SEEN	64
#define ORDERS_SEARCH_MAX 64	/* bytes of a search */

static const char *const orders_filters[] = {
	NULL, "paid", "pending", "failed", "expired", "refunded"
};
#define ORDERS_NFILTERS	6

/* Columns of a row, from the window's width (orders_layout). */
struct orders_cols {
	int	 time, status, amount, phone, ref, title, badge;
};

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
	/* Narrowing the list: */
	struct ui_field	 search;
	int		 searching;	/* the search field has the keys */
	int64_t		 product_id;	/* 0 = all products */
	char		*product_title;	/* owned; of product_id */
	/* The product picker ('p'), open over the list when picking: */
	int		 picking;
	struct product	*prods;		/* owned (product_list_free) */
	size_t		 nprods;
	struct ui_list	 plist;		/* row 0 "All products", then prods */
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

/* Rows above the list: the filter line, the search line when shown,
 * the column heads. */
static int
orders_top(const struct orders *o)
{
	return o->searching || o->search.len > 0 ? 4 : 3;
}

static void
orders_load(struct orders *o, struct ui_ctx *ctx)
{
	struct order_find f;
	int64_t prev = o->max_id;
	int i;

	free(o->v);
	o->v = NULL;
	o->n = 0;
	/* Only this creator's products: a shop may host several creators. */
	if (o->due)
		o->ok = order_detail_refund_due(ctx->db, ctx->s->creator_id,
		    ORDERS_MAX, &o->v, &o->n) == NY_OK;
	else {
		memset(&f, 0, sizeof f);
		f.creator_id = ctx->s->creator_id;
		f.status = orders_filters[o->filter];
		f.product_id = o->product_id;
		f.text = o->search.text;
		o->ok = order_list_find(ctx->db, &f, ORDERS_MAX, &o->v, &o->n)
		    == NY_OK;
	}
	for (i = 0; i < o->n; i++)
		if (o->v[i].id > o->max_id)
			o->max_id = o->v[i].id;
	if (o->loaded)
		orders_mark_new(o, prev);
	o->loaded = 1;
	ui_list_set(&o->list, o->n, ctx->rows - 1 - orders_top(o));
}

static void *
orders_init(struct ui_ctx *ctx)
{
	struct orders *o = xcalloc(1, sizeof *o);
	int changed;

	db_changed(ctx->db, &changed);
	ui_field_init(&o->search, ORDERS_SEARCH_MAX, NULL);
	o->list.sel = 0;
	orders_load(o, ctx);
	return o;
}

/* The label of an order's status (refund_due: paid after the seats went). */
static const char *
orders_status_key(const struct order *r)
{
	switch (r->status) {
	case ORDER_PAID:
		return "tui.status.paid";
	case ORDER_PENDING:
		return "tui.status.pending";
	case ORDER_FAILED:
		return "tui.status.failed";
	case ORDER_EXPIRED:
		return strcmp(r->failure, "late_refund") == 0 ?
		    "tui.status.refund_due" : "tui.status.expired";
	default:
		return "tui.status.refunded";
	}
}

/*
 * Widths from the window: time, status (its longest label in the
 * language), amount, phone ("…678") and the ref's start are fixed; the
 * product title gets the rest but the NEW badge's column, so a wider
 * window widens titles only and a cut title never runs into the badge.
 */
static struct orders_cols
orders_layout(const struct ui_ctx *ctx)
{
	static const char *const st[] = { "tui.status.paid",
	    "tui.status.pending", "tui.status.failed", "tui.status.expired",
	    "tui.status.refund_due", "tui.status.refunded" };
	struct orders_cols c;
	size_t i;

	c.time = 12;
	c.status = ui_width(ui_tr(ctx, "tui.orders.col.status"));
	for (i = 0; i < sizeof st / sizeof st[0]; i++)
		c.status = ui_max(c.status, ui_width(ui_tr(ctx, st[i])));
	c.amount = ui_max(13, ui_width(ui_tr(ctx, "tui.orders.col.amount")));
	c.phone = ui_max(4, ui_width(ui_tr(ctx, "tui.orders.col.phone")));
	c.ref = ctx->cols >= 100 ? 10 : 6;
	c.ref = ui_max(c.ref, ui_width(ui_tr(ctx, "tui.orders.col.ref")));
	c.badge = ui_width(ui_tr(ctx, "tui.orders.new"));
	/* 1 margin each side, 1 space between cells, 2 before the phone. */
	c.title = ctx->cols - 2 - c.time - c.status - c.amount - c.phone -
	    c.ref - c.badge - 7;
	if (c.title < 8)
		c.title = 8;
	return c;
}

/* The six cells of a row or of the column heads, in c's columns. */
static void
orders_cells(const struct orders_cols *c, const struct ui_ctx *ctx,
    WINDOW *w, int y, const char *const cell[6])
{
	const struct ui_col cols[6] = { { c->time, 1, 0, 0 },
	    { c->status, 1, 0, 0 }, { c->amount, 2, 1, 0 },
	    { c->phone, 1, 0, 0 },
	    { c->ref, 1, 0, 1 },	/* an id: its start is enough */
	    { c->title, 0, 0, 0 } };

	ui_put_cells(w, y, 1, ctx->cols - 1, cols, 6, cell);
}

static void
orders_row(struct orders *o, struct ui_ctx *ctx, WINDOW *w, int y, int i)
{
	const struct order *r = &o->v[i];
	struct orders_cols c = orders_layout(ctx);
	const char *cell[6];
	char tm[32], *money;
	int hl = orders_is_new(o, r->id), attr = 0;

	ui_time(ctx->lang, r->created_at, ny_now(), tm, sizeof tm);
	money = ui_money(ctx, r->amount_minor, r->currency);
	cell[0] = tm;
	cell[1] = ui_tr(ctx, orders_status_key(r));
	cell[2] = money;
	cell[3] = r->phone_masked;
	cell[4] = r->ref;
	cell[5] = r->product_title;
	if (i == o->list.sel)
		attr |= A_REVERSE;
	if (hl)
		attr |= ui_attr_hl(ctx);
	if (attr)
		wattron(w, attr);
	ui_put(w, y, 1, "", ctx->cols - 2, 1);
	orders_cells(&c, ctx, w, y, cell);
	if (hl)
		ui_put(w, y, ctx->cols - 1 - c.badge, ui_tr(ctx,
		    "tui.orders.new"), c.badge, 0);
	if (attr)
		wattroff(w, attr);
	free(money);
}

/* "Status: paid · Product: Nairobi… (12)", or the orders to refund. */
static void
orders_draw_head(struct orders *o, struct ui_ctx *ctx, WINDOW *w)
{
	char head[512], cut[512], key[40], count[16];
	const char *prod = o->product_title != NULL ? o->product_title :
	    ui_tr(ctx, "tui.orders.all_products");
	int room, hw;

	snprintf(count, sizeof count, "  (%d)", o->n);
	if (o->due)
		snprintf(head, sizeof head, "%s", ui_tr(ctx, "tui.orders.due"));
	else {
		snprintf(key, sizeof key, "tui.status.%s",
		    orders_filters[o->filter] != NULL ?
		    orders_filters[o->filter] : "all");
		snprintf(head, sizeof head, "%s: %s \xc2\xb7 %s: %s",
		    ui_tr(ctx, "tui.orders.filter"),
		    orders_filters[o->filter] != NULL ? ui_tr(ctx, key) :
		    ui_tr(ctx, "tui.orders.all"),
		    ui_tr(ctx, "tui.orders.product"), prod);
	}
	/* The count always shows; a long product title is cut instead. */
	room = ctx->cols - 2 - ui_width(count);
	hw = ui_cut(head, room, cut, sizeof cut);
	ui_put(w, 1, 1, "", ctx->cols - 2, 1);
	ui_put(w, 1, 1, cut, hw, 0);
	ui_put(w, 1, 1 + hw, count, ui_width(count), 0);
}

/* The search line: its label and field; the cursor in it while typed. */
static void
orders_draw_search(struct orders *o, struct ui_ctx *ctx, WINDOW *w)
{
	const char *label = ui_tr(ctx, "tui.orders.search");
	int x = 2 + ui_width(label), fw = ctx->cols - 1 - x;

	ui_put(w, 2, 1, label, ctx->cols - 2, 1);
	if (fw < 4)
		fw = 4;
	ui_field_draw(&o->search, w, 2, x, fw, o->searching);
	if (o->searching)
		ui_cursor_at(ctx, w, 2, x + ui_field_cursor_col(&o->search,
		    fw));
}

/* The product picker over the list: "All products", then each title. */
static void
orders_draw_pick(struct orders *o, struct ui_ctx *ctx, WINDOW *w)
{
	int i, k;

	ui_put_cut(w, 1, 1, ui_tr(ctx, "tui.orders.pick"), ctx->cols - 2, 1);
	ui_list_set(&o->plist, (int)o->nprods + 1, ctx->rows - 4);
	for (i = 0; i < o->plist.height && o->plist.top + i < o->plist.n;
	    i++) {
		k = o->plist.top + i;
		if (k == o->plist.sel)
			wattron(w, A_REVERSE);
		ui_put(w, 3 + i, 2, "", ctx->cols - 4, 1);
		ui_put_cut(w, 3 + i, 2, k == 0 ? ui_tr(ctx,
		    "tui.orders.pick_all") : o->prods[k - 1].title,
		    ctx->cols - 4, 0);
		if (k == o->plist.sel)
			wattroff(w, A_REVERSE);
	}
}

static void
orders_draw(void *data, struct ui_ctx *ctx, WINDOW *w)
{
	struct orders *o = data;
	struct orders_cols c = orders_layout(ctx);
	const char *heads[6];
	int i, top = orders_top(o);

	if (o->detail != NULL) {
		screen_order_draw(o->detail, ctx, w);
		return;
	}
	if (o->picking) {
		orders_draw_pick(o, ctx, w);
		return;
	}
	orders_draw_head(o, ctx, w);
	if (top == 4)
		orders_draw_search(o, ctx, w);
	heads[0] = ui_tr(ctx, "tui.orders.col.time");
	heads[1] = ui_tr(ctx, "tui.orders.col.status");
	heads[2] = ui_tr(ctx, "tui.orders.col.amount");
	heads[3] = ui_tr(ctx, "tui.orders.col.phone");
	heads[4] = ui_tr(ctx, "tui.orders.col.ref");
	heads[5] = ui_tr(ctx, "tui.orders.col.product");
	wattron(w, A_BOLD);
	ui_put(w, top - 1, 1, "", ctx->cols - 2, 1);
	orders_cells(&c, ctx, w, top - 1, heads);
	wattroff(w, A_BOLD);
	if (!o->ok)
		ui_put(w, top, 1, ui_tr(ctx, "tui.err.db"), ctx->cols - 2, 0);
	else if (o->n == 0)
		ui_put_cut(w, top, 1, ui_tr(ctx, o->due ?
		    "tui.orders.none_due" : o->filter != 0 ||
		    o->product_id != 0 || o->search.len > 0 ?
		    "tui.orders.none_match" : "tui.orders.none"),
		    ctx->cols - 2, 0);
	ui_list_set(&o->list, o->n, ctx->rows - 1 - top);
	for (i = 0; i < o->list.height && o->list.top + i < o->n; i++)
		orders_row(o, ctx, w, top + i, o->list.top + i);
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

/* Reads the list again from its first row (the view changed). */
static void
orders_reset(struct orders *o, struct ui_ctx *ctx)
{
	o->loaded = 0;
	o->list.sel = 0;
	o->list.top = 0;
	orders_load(o, ctx);
}

/* f: next status filter; t: the orders to refund, or back to the feed. */
static void
orders_view(struct orders *o, struct ui_ctx *ctx, int ch)
{
	if (ch == 'f' && !o->due)
		o->filter = (o->filter + 1) % ORDERS_NFILTERS;
	o->due = ch == 't' && !o->due;
	orders_reset(o, ctx);
}

/* p: the creator's products to pick from, the current one selected. */
static void
orders_pick_open(struct orders *o, struct ui_ctx *ctx)
{
	size_t i;

	product_list_free(o->prods, o->nprods);
	o->prods = NULL;
	o->nprods = 0;
	if (product_list_by_creator(ctx->db, ctx->s->creator_id, &o->prods,
	    &o->nprods) != NY_OK) {
		snprintf(ctx->flash, sizeof ctx->flash, "%s",
		    ui_tr(ctx, "tui.err.db"));
		return;
	}
	ui_list_set(&o->plist, (int)o->nprods + 1, ctx->rows - 4);
	o->plist.sel = 0;
	for (i = 0; i < o->nprods; i++)
		if (o->prods[i].id == o->product_id)
			o->plist.sel = (int)i + 1;
	ui_list_fix(&o->plist);
	o->picking = 1;
	o->due = 0;
}

/* Keys of the picker: move, Enter chooses, Esc leaves it as it was. */
static int
orders_pick_key(struct orders *o, struct ui_ctx *ctx, int ch)
{
	const struct product *p;

	if (ui_list_key(&o->plist, ch))
		return UI_HANDLED | UI_REDRAW;
	if (ch == '\r' || ch == '\n' || ch == KEY_ENTER) {
		free(o->product_title);
		o->product_title = NULL;
		o->product_id = 0;
		if (o->plist.sel > 0 && (size_t)o->plist.sel <= o->nprods) {
			p = &o->prods[o->plist.sel - 1];
			o->product_id = p->id;
			o->product_title = xstrdup(p->title);
		}
		o->picking = 0;
		orders_reset(o, ctx);
	} else if (ch == 27)
		o->picking = 0;
	else
		return 0;	/* global keys (another screen, help) */
	return UI_HANDLED | UI_REDRAW;
}

/*
 * Keys while the search field has them: Enter keeps the search and
 * gives the list its keys back, Esc clears it, ↑↓ move in the list,
 * anything else edits the search and narrows the list at once.
 */
static int
orders_search_key(struct orders *o, struct ui_ctx *ctx, int ch)
{
	if (ch == '\r' || ch == '\n' || ch == KEY_ENTER) {
		o->searching = 0;
		return UI_HANDLED | UI_REDRAW;
	}
	if (ch == 27) {
		o->searching = 0;
		ui_field_init(&o->search, ORDERS_SEARCH_MAX, NULL);
		orders_reset(o, ctx);
		return UI_HANDLED | UI_REDRAW;
	}
	/* Not j/k, Home/End: they are typed or move in the field. */
	if ((ch == KEY_UP || ch == KEY_DOWN || ch == KEY_PPAGE ||
	    ch == KEY_NPAGE) && ui_list_key(&o->list, ch))
		return UI_HANDLED | UI_REDRAW;
	if (!ui_field_key(&o->search, ch))
		return 0;	/* F1-F7 and the like stay global */
	orders_reset(o, ctx);
	return UI_HANDLED | UI_REDRAW;
}

static int
orders_key(void *data, struct ui_ctx *ctx, int ch)
{
	struct orders *o = data;

	if (o->detail != NULL)
		return orders_detail_key(o, ctx, ch);
	if (o->picking)
		return orders_pick_key(o, ctx, ch);
	if (o->searching)
		return orders_search_key(o, ctx, ch);
	if (ui_list_key(&o->list, ch))
		return UI_HANDLED | UI_REDRAW;
	switch (ch) {
	case '\r': case '\n': case KEY_ENTER: case 'r':
		orders_open(o, ctx, ch == 'r');
		return UI_HANDLED | UI_REDRAW;
	case 'f': case 't':
		orders_view(o, ctx, ch);
		return UI_HANDLED | UI_REDRAW;
	case 'p':
		orders_pick_open(o, ctx);
		return UI_HANDLED | UI_REDRAW;
	case '/':
		o->searching = 1;
		o->due = 0;
		return UI_HANDLED | UI_REDRAW;
	case 27:	/* Esc: the search goes, the other filters stay */
		if (o->search.len == 0)
			return UI_HANDLED;
		ui_field_init(&o->search, ORDERS_SEARCH_MAX, NULL);
		orders_reset(o, ctx);
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
	product_list_free(o->prods, o->nprods);
	free(o->product_title);
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
