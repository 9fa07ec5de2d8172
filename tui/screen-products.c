/*
 * screen-products.c: 3 Products — the creator's products with kind,
 * status, price, what is left (a ticket's seats, "Sold out"; a
 * subscription's live subscribers), sales and title, in columns as wide
 * as the terminal allows, cut only after a whole word; p publishes, a
 * archives (asks first), e edits in the wizard, m lists the product's
 * automatic messages (screen-automations.c), d the discount codes
 * (screen-discounts.c), n starts a new one. A
 * product whose currency no configured payment method takes (pay_takes)
 * cannot be published, and one already published (before the config
 * changed) is flagged "not on sale". Publishing and archiving go to the
 * audit log with the product's slug.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "i18n.h"
#include "pay.h"
#include "product.h"
#include "screen-automations.h"
#include "screen-discounts.h"
#include "ssh-int.h"
#include "ui.h"

#define PR_GAP		2
#define PR_TITLE_MIN	18	/* columns the title keeps before others shrink */
#define PR_TITLE_NARROW	12	/* under it the kind column goes */
#define PR_CELL		160	/* bytes of one cell's text */

struct products {
	struct product			*v;
	size_t				 n;
	struct ui_list			 list;
	int				 ok;
	struct screen_automations	*autos;	/* open over the list, or NULL */
	struct screen_discounts		*discounts;	/* the same, d */
};

/* The texts of one row, and the widths of the columns. */
struct pr_row {
	char	 kind[PR_CELL], status[PR_CELL], price[PR_CELL];
	char	 stock[PR_CELL], sales[24], title[1024];
	int	 bad;		/* not on sale */
};

struct pr_cols {
	int		 kind, status, price, stock, sales, title, gap;
	const char	*stock_head;	/* locale key of the stock heading */
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

/* "12 left", "Sold out", "3 subscribers" or "" of r into buf. */
static void
products_stock(struct ui_ctx *ctx, const struct product *r, char *buf,
    size_t len)
{
	char n[24], *s = NULL;

	buf[0] = '\0';
	if (strcmp(r->kind, "ticket") == 0 && r->seats_left >= 0) {
		snprintf(n, sizeof n, "%lld", (long long)r->seats_left);
		s = r->seats_left == 0 ? xstrdup(ui_tr(ctx,
		    "tui.products.soldout")) : i18n_fmt_n(ctx->lang,
		    "tui.products.left", r->seats_left, "n", n, NULL);
	} else if (strcmp(r->kind, "subscription") == 0 &&
	    r->subscribers >= 0) {
		snprintf(n, sizeof n, "%lld", (long long)r->subscribers);
		s = i18n_fmt_n(ctx->lang, "tui.products.subs", r->subscribers,
		    "n", n, NULL);
	}
	if (s != NULL)
		snprintf(buf, len, "%s", s);
	free(s);
}

/*
 * The texts of product i. An unsellable one says "not on sale" in its
 * status column (always in view, whatever the width), and why after its
 * title (seen when the terminal is wide enough; 'p' on it says it
 * whole, with the methods).
 */
static void
products_texts(struct products *p, struct ui_ctx *ctx, size_t i,
    struct pr_row *t)
{
	const struct product *r = &p->v[i];
	char kind[32], *money, *why = NULL;

	t->bad = products_unsellable(ctx, r);
	snprintf(kind, sizeof kind, "tui.kind.%s", r->kind);
	snprintf(t->kind, sizeof t->kind, "%s", ui_tr(ctx, kind));
	snprintf(t->status, sizeof t->status, "%s", ui_tr(ctx, t->bad ?
	    "tui.products.unsellable" : status_label(r->status)));
	money = ui_money(ctx, r->price_minor, r->currency);
	/* Pay what you want: the minimum, "≥ KES 50.00", or just "PWYW"
	 * when any amount (0 too) will do. */
	if (r->pwyw && r->price_minor == 0)
		snprintf(t->price, sizeof t->price, "%s",
		    ui_tr(ctx, "tui.products.pwyw"));
	else if (r->pwyw)
		snprintf(t->price, sizeof t->price, "≥ %s", money);
	else
		snprintf(t->price, sizeof t->price, "%s", money);
	free(money);
	products_stock(ctx, r, t->stock, sizeof t->stock);
	snprintf(t->sales, sizeof t->sales, "%lld", (long long)r->sales);
	if (t->bad)
		why = i18n_fmt(ctx->lang, "tui.products.unsellable_why",
		    "currency", r->currency, NULL);
	snprintf(t->title, sizeof t->title, "%s%s%s%s", r->title,
	    t->bad ? "  (" : "", t->bad ? why : "", t->bad ? ")" : "");
	free(why);
}

/* Columns of the first word of s, and one for "…" when s has more. */
static int
pr_first_word(const char *s)
{
	const char *sp = strchr(s, ' ');
	char word[PR_CELL];

	if (sp == NULL)
		return ui_width(s);
	snprintf(word, sizeof word, "%.*s", (int)(sp - s), s);
	return ui_width(word) + 1;
}

/* Columns left for the title by the others and their gaps. */
static int
pr_room(const struct ui_ctx *ctx, const struct pr_cols *c)
{
	return ctx->cols - 2 - c->kind - c->status - c->price - c->stock -
	    c->sales - (3 + (c->kind > 0) + (c->stock > 0)) * c->gap;
}

/*
 * The widths from the texts of every product (so they do not move when
 * the list scrolls) and ctx->cols: each column as wide as its widest
 * text; when the title would get less than PR_TITLE_MIN, the stock
 * heading gets its short form, the kind gives way down to its first
 * words ("Semina…"), then the gaps narrow; under PR_TITLE_NARROW the
 * kind is left out. Status, price, what is left and sales are never
 * cut.
 */
static void
products_layout(struct products *p, struct ui_ctx *ctx, struct pr_cols *c)
{
	struct pr_row t;
	int kind_min = ui_width(ui_tr(ctx, "tui.products.col.kind")), cells;
	size_t i;

	memset(c, 0, sizeof *c);
	c->kind = kind_min;
	c->status = ui_width(ui_tr(ctx, "tui.products.col.status"));
	c->price = ui_width(ui_tr(ctx, "tui.products.col.price"));
	c->sales = ui_width(ui_tr(ctx, "tui.products.col.sales"));
	for (i = 0; i < p->n; i++) {
		products_texts(p, ctx, i, &t);
		c->kind = ui_max(c->kind, ui_width(t.kind));
		kind_min = ui_max(kind_min, pr_first_word(t.kind));
		c->status = ui_max(c->status, ui_width(t.status));
		c->price = ui_max(c->price, ui_width(t.price));
		c->stock = ui_max(c->stock, ui_width(t.stock));
		c->sales = ui_max(c->sales, ui_width(t.sales));
	}
	c->gap = PR_GAP;
	c->stock_head = "tui.products.col.stock";
	if ((cells = c->stock) > 0) {
		c->stock = ui_max(cells, ui_width(ui_tr(ctx, c->stock_head)));
		if (pr_room(ctx, c) < PR_TITLE_MIN) {
			c->stock_head = "tui.products.col.stock_short";
			c->stock = ui_max(cells, ui_width(ui_tr(ctx,
			    c->stock_head)));
		}
	}
	if ((c->title = pr_room(ctx, c)) < PR_TITLE_MIN && c->kind > kind_min)
		c->kind = ui_max(kind_min, c->kind - (PR_TITLE_MIN - c->title));
	if ((c->title = pr_room(ctx, c)) < PR_TITLE_MIN)
		c->gap = 1;
	/* Narrower still: the title before the kind, which "12 left" or
	 * "3 subscribers" tells for the kinds that matter at a glance. */
	if ((c->title = pr_room(ctx, c)) < PR_TITLE_NARROW)
		c->kind = 0;
	if ((c->title = pr_room(ctx, c)) < 1)
		c->title = 1;
}

/* s right-aligned in width columns at y, x. */
static void
pr_right(WINDOW *w, int y, int x, int width, const char *s)
{
	int sw = ui_width(s);

	if (sw > width)
		sw = width;
	ui_put(w, y, x + width - sw, s, sw, 0);
}

/* One row of cells (a product's or the headings) at y. */
static void
products_cells(WINDOW *w, int y, const struct pr_cols *c,
    const struct pr_row *t)
{
	int x = 1;

	if (c->kind > 0) {
		ui_put_cut(w, y, x, t->kind, c->kind, 0);
		x += c->kind + c->gap;
	}
	ui_put_cut(w, y, x, t->status, c->status, 0);
	x += c->status + c->gap;
	pr_right(w, y, x, c->price, t->price);
	x += c->price + c->gap;
	if (c->stock > 0) {
		ui_put_cut(w, y, x, t->stock, c->stock, 0);
		x += c->stock + c->gap;
	}
	pr_right(w, y, x, c->sales, t->sales);
	x += c->sales + c->gap;
	ui_put_cut(w, y, x, t->title, c->title, 0);
}

static void
products_head(struct ui_ctx *ctx, WINDOW *w, int y, const struct pr_cols *c)
{
	struct pr_row t;

	memset(&t, 0, sizeof t);
	snprintf(t.kind, sizeof t.kind, "%s", ui_tr(ctx,
	    "tui.products.col.kind"));
	snprintf(t.status, sizeof t.status, "%s", ui_tr(ctx,
	    "tui.products.col.status"));
	snprintf(t.price, sizeof t.price, "%s", ui_tr(ctx,
	    "tui.products.col.price"));
	snprintf(t.stock, sizeof t.stock, "%s", ui_tr(ctx, c->stock_head));
	snprintf(t.sales, sizeof t.sales, "%s", ui_tr(ctx,
	    "tui.products.col.sales"));
	snprintf(t.title, sizeof t.title, "%s", ui_tr(ctx,
	    "tui.products.col.title"));
	wattron(w, A_BOLD);
	ui_put(w, y, 1, "", ctx->cols - 2, 1);
	products_cells(w, y, c, &t);
	wattroff(w, A_BOLD);
}

static void
products_row(struct products *p, struct ui_ctx *ctx, WINDOW *w, int y,
    int i, const struct pr_cols *c)
{
	struct pr_row t;
	int attr;

	products_texts(p, ctx, (size_t)i, &t);
	attr = (i == p->list.sel ? A_REVERSE : 0) | (t.bad ? A_BOLD : 0);
	wattron(w, attr);
	ui_put(w, y, 1, "", ctx->cols - 2, 1);
	products_cells(w, y, c, &t);
	wattroff(w, attr);
}

static void
products_draw(void *data, struct ui_ctx *ctx, WINDOW *w)
{
	struct products *p = data;
	struct pr_cols c;
	int i;

	if (p->autos != NULL) {
		screen_automations_draw(p->autos, ctx, w);
		return;
	}
	if (p->discounts != NULL) {
		screen_discounts_draw(p->discounts, ctx, w);
		return;
	}
	products_layout(p, ctx, &c);
	products_head(ctx, w, 2, &c);
	if (!p->ok)
		ui_put_cut(w, 3, 1, ui_tr(ctx, "tui.err.db"), ctx->cols - 2, 0);
	else if (p->n == 0)
		ui_put_cut(w, 3, 1, ui_tr(ctx, "tui.products.none"),
		    ctx->cols - 2, 0);
	ui_list_set(&p->list, (int)p->n, ctx->rows - 4);
	for (i = 0; i < p->list.height && p->list.top + i < (int)p->n; i++)
		products_row(p, ctx, w, 3 + i, p->list.top + i, &c);
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
	if (err == NY_OK)
		ui_audit(ctx, strcmp(to, "published") == 0 ?
		    "product.publish" : "product.archive", r->slug);
	products_load(p, ctx);
	return UI_HANDLED | UI_REDRAW;
}

/* Keys while the automations view is open: its own, and closing it. */
static int
products_autos_key(struct products *p, struct ui_ctx *ctx, int ch)
{
	int mask = screen_automations_key(p->autos, ctx, ch);

	if (mask & SCREEN_AUTOMATIONS_CLOSE) {
		screen_automations_free(p->autos);
		p->autos = NULL;
	}
	return mask & ~SCREEN_AUTOMATIONS_CLOSE;
}

/* Keys while the discount codes view is open. */
static int
products_discounts_key(struct products *p, struct ui_ctx *ctx, int ch)
{
	int mask = screen_discounts_key(p->discounts, ctx, ch);

	if (mask & SCREEN_DISCOUNTS_CLOSE) {
		screen_discounts_free(p->discounts);
		p->discounts = NULL;
	}
	return mask & ~SCREEN_DISCOUNTS_CLOSE;
}

static int
products_key(void *data, struct ui_ctx *ctx, int ch)
{
	struct products *p = data;

	if (p->autos != NULL)
		return products_autos_key(p, ctx, ch);
	if (p->discounts != NULL)
		return products_discounts_key(p, ctx, ch);
	if (ui_list_key(&p->list, ch))
		return UI_HANDLED | UI_REDRAW;
	switch (ch) {
	case 'm':
		if (p->list.sel >= 0)
			p->autos = screen_automations_open(ctx,
			    p->v[p->list.sel].id, p->v[p->list.sel].title);
		return UI_HANDLED | UI_REDRAW;
	case 'd':
		p->discounts = screen_discounts_open(ctx);
		return UI_HANDLED | UI_REDRAW;
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
	struct products *p = data;
	int changed = 0;

	if (db_changed(ctx->db, &changed) != NY_OK || !changed)
		return 0;
	products_load(p, ctx);
	if (p->autos != NULL)
		screen_automations_reload(p->autos, ctx);
	if (p->discounts != NULL)
		screen_discounts_reload(p->discounts, ctx);
	return UI_REDRAW;
}

static void
products_free(void *data)
{
	struct products *p = data;

	screen_automations_free(p->autos);
	screen_discounts_free(p->discounts);
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
