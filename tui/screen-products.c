/*
 * screen-products.c: 3 Products — the creator's products with kind,
 * price, status and sales; p publishes, a archives (asks first), e edits
 * in the wizard, n starts a new one.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "product.h"
#include "ssh-int.h"
#include "ui.h"

struct products {
	struct product	*v;
	size_t		 n;
	struct ui_list	 list;
	int		 ok;
};

static void
products_load(struct products *p, struct ui_ctx *ctx)
{
	product_list_free(p->v, p->n);
	p->v = NULL;
	p->n = 0;
	p->ok = product_list_by_creator(ctx->db, ctx->s->creator_id, &p->v,
	    &p->n) == NY_OK;
	ui_list_set(&p->list, (int)p->n, ctx->rows - 4);
}

static void *
products_init(struct ui_ctx *ctx)
{
	struct products *p = xcalloc(1, sizeof *p);
	int changed;

	db_changed(ctx->db, &changed);
	products_load(p, ctx);
	return p;
}

static const char *
status_label(const char *status)
{
	if (strcmp(status, "published") == 0)
		return "tui.products.published";
	if (strcmp(status, "archived") == 0)
		return "tui.products.archived";
	return "tui.products.draft";
}

static void
products_row(struct products *p, struct ui_ctx *ctx, WINDOW *w, int y,
    int i)
{
	const struct product *r = &p->v[i];
	char line[512], kind[32], *money;

	snprintf(kind, sizeof kind, "tui.kind.%s", r->kind);
	money = ui_money(ctx, r->price_minor, r->currency);
	snprintf(line, sizeof line, "%-12.12s %-11.11s %16s %6lld  %s",
	    ui_tr(ctx, kind), ui_tr(ctx, status_label(r->status)), money,
	    (long long)r->sales, r->title);
	free(money);
	if (i == p->list.sel)
		wattron(w, A_REVERSE);
	ui_put(w, y, 1, line, ctx->cols - 2, 1);
	if (i == p->list.sel)
		wattroff(w, A_REVERSE);
}

static void
products_draw(void *data, struct ui_ctx *ctx, WINDOW *w)
{
	struct products *p = data;
	int i;

	wattron(w, A_BOLD);
	ui_put(w, 2, 1, ui_tr(ctx, "tui.products.head"), ctx->cols - 2, 1);
	wattroff(w, A_BOLD);
	if (!p->ok)
		ui_put(w, 3, 1, ui_tr(ctx, "tui.err.db"), ctx->cols - 2, 0);
	else if (p->n == 0)
		ui_put(w, 3, 1, ui_tr(ctx, "tui.products.none"), ctx->cols - 2,
		    0);
	ui_list_set(&p->list, (int)p->n, ctx->rows - 4);
	for (i = 0; i < p->list.height && p->list.top + i < (int)p->n; i++)
		products_row(p, ctx, w, 3 + i, p->list.top + i);
}

static int
products_status(struct products *p, struct ui_ctx *ctx, const char *to)
{
	const struct product *r;
	enum ny_err err;

	if (p->list.sel < 0)
		return UI_HANDLED;
	r = &p->v[p->list.sel];
	if (strcmp(to, "archived") == 0 &&
	    !ui_confirm(ctx, ui_tr(ctx, "tui.products.archive_q")))
		return UI_HANDLED | UI_REDRAW;
	err = product_set_status(ctx->db, r->id, to);
	snprintf(ctx->flash, sizeof ctx->flash, "%s",
	    ui_tr(ctx, err == NY_OK ? "tui.products.done" :
	    err == NY_ESTATE ? "tui.products.cannot" : "tui.err.db"));
	products_load(p, ctx);
	return UI_HANDLED | UI_REDRAW;
}

static int
products_key(void *data, struct ui_ctx *ctx, int ch)
{
	struct products *p = data;

	if (ui_list_key(&p->list, ch))
		return UI_HANDLED | UI_REDRAW;
	switch (ch) {
	case 'p':
		return products_status(p, ctx, "published");
	case 'a':
		return products_status(p, ctx, "archived");
	case 'e': case '\r': case KEY_ENTER:
		if (p->list.sel >= 0) {
			ctx->edit_id = p->v[p->list.sel].id;
			ctx->switch_to = 'n';
		}
		return UI_HANDLED;
	}
	return 0;
}

static int
products_tick(void *data, struct ui_ctx *ctx)
{
	int changed = 0;

	if (db_changed(ctx->db, &changed) != NY_OK || !changed)
		return 0;
	products_load(data, ctx);
	return UI_REDRAW;
}

static void
products_free(void *data)
{
	struct products *p = data;

	product_list_free(p->v, p->n);
	free(p);
}

const struct screen screen_products = {
	.hotkey = '3',
	.title = "tui.screen.products",
	.help = "tui.help.products",
	.init = products_init,
	.draw = products_draw,
	.key = products_key,
	.tick = products_tick,
	.free = products_free,
};
