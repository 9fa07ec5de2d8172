/*
 * screen-products.c: 3 Products — the creator's products with kind,
 * price, status and sales; p publishes, a archives (asks first), e edits
 * in the wizard, n starts a new one. A product whose currency no
 * configured payment method takes (pay_takes) cannot be published, and
 * one already published (before the config changed) is flagged "not on
 * sale".
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "i18n.h"
#include "pay.h"
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

/*
 * 1 for a published product whose currency no configured payment method
 * takes: the config changed since it was published, its page says "not
 * on sale" and a checkout could only fail.
 */
static int
products_unsellable(struct ui_ctx *ctx, const struct product *r)
{
	return strcmp(r->status, "published") == 0 &&
	    !pay_takes(ctx->s->cfg->payments, r->currency);
}

/*
 * One product's row. An unsellable one says "not on sale" in its status
 * column (always in view, whatever the width), in bold, and why after
 * its title (seen when the terminal is wide enough; 'p' on it says it
 * whole, with the methods).
 */
static void
products_row(struct products *p, struct ui_ctx *ctx, WINDOW *w, int y,
    int i)
{
	const struct product *r = &p->v[i];
	char line[512], kind[32], *money, *why = NULL;
	int bad = products_unsellable(ctx, r), attr;

	snprintf(kind, sizeof kind, "tui.kind.%s", r->kind);
	money = ui_money(ctx, r->price_minor, r->currency);
	if (bad)
		why = i18n_fmt(ctx->lang, "tui.products.unsellable_why",
		    "currency", r->currency, NULL);
	snprintf(line, sizeof line, "%-12.12s %-11.11s %16s %6lld  %s%s%s%s",
	    ui_tr(ctx, kind), ui_tr(ctx, bad ? "tui.products.unsellable" :
	    status_label(r->status)), money, (long long)r->sales, r->title,
	    bad ? "  (" : "", bad ? why : "", bad ? ")" : "");
	free(why);
	free(money);
	attr = (i == p->list.sel ? A_REVERSE : 0) | (bad ? A_BOLD : 0);
	wattron(w, attr);
	ui_put(w, y, 1, line, ctx->cols - 2, 1);
	wattroff(w, attr);
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

/*
 * 1 when some configured payment method takes r's currency; else 0 with
 * the reason (currency and methods) in the bar: publishing it would put
 * on sale what nobody can pay.
 */
static int
products_payable(struct ui_ctx *ctx, const struct product *r)
{
	char *why = ui_unpayable(ctx, ctx->s->cfg->payments,
	    "tui.products.err.currency", r->currency);

	if (why == NULL)
		return 1;
	snprintf(ctx->flash, sizeof ctx->flash, "%s", why);
	free(why);
	return 0;
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
	if (strcmp(to, "published") == 0 && !products_payable(ctx, r))
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
