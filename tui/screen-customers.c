/*
 * screen-customers.c: 4 Customers — the people who paid for this
 * creator's products, most recent buyer first: masked phone, language,
 * paid orders and what they spent per currency (never converted). '/'
 * searches by phone digits as they are typed (a whole number in a usual
 * form too; Enter keeps it, Esc clears it). Enter opens a customer: their
 * purchases; r resends the library link on WhatsApp, R rotates it (the
 * old link stops working; asks first), z resets the download count of
 * the selected purchase, Esc goes back. Only purchases of this creator's
 * products are shown and acted on (one creator must not learn another's),
 * and a phone is never shown whole.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "customer.h"
#include "download.h"
#include "i18n.h"
#include "library.h"
#include "library-key.h"
#include "library-recover.h"
#include "product.h"
#include "ssh-int.h"
#include "ui.h"

#define CUST_MAX	500	/* buyers listed; a search finds the others */
#define CUST_SEARCH_MAX	24

struct customers {
	/* The list. */
	struct customer_row	*rows;
	int			 nrows;
	int			 ok;
	struct ui_list		 list;
	struct ui_field		 search;
	int			 searching;	/* the field has the keys */
	/* The customer open over the list (open), and their purchases. */
	int			 open;
	struct customer_row	 cust;
	struct library		 lib;
	int			 have_lib;
	size_t			*mine;		/* indices of this creator's items */
	int			 nmine;
	struct ui_list		 items;
	char			 msg[200];
};

static void
cust_load(struct customers *c, struct ui_ctx *ctx)
{
	free(c->rows);
	c->rows = NULL;
	c->nrows = 0;
	c->ok = customer_list(ctx->db, ctx->s->creator_id, c->search.text,
	    CUST_MAX, &c->rows, &c->nrows) == NY_OK;
	ui_list_set(&c->list, c->nrows, ctx->rows - 4);
}

static void *
cust_init(struct ui_ctx *ctx)
{
	struct customers *c = xcalloc(1, sizeof *c);
	int changed;

	db_changed(ctx->db, &changed);
	ui_field_init(&c->search, CUST_SEARCH_MAX, NULL);
	cust_load(c, ctx);
	return c;
}

static void
cust_drop(struct customers *c)
{
	if (c->have_lib)
		library_free(&c->lib);
	free(c->mine);
	c->mine = NULL;
	c->nmine = 0;
	c->have_lib = 0;
}

/* Keeps the indices of the items whose product is this creator's. */
static void
cust_keep_mine(struct customers *c, struct ui_ctx *ctx)
{
	struct product p;
	size_t i;

	if (!c->have_lib)
		return;
	c->mine = xcalloc(c->lib.nitems ? c->lib.nitems : 1, sizeof *c->mine);
	for (i = 0; i < c->lib.nitems; i++) {
		product_init(&p);
		if (product_get_by_id(ctx->db, c->lib.items[i].product_id, &p)
		    == NY_OK && p.creator_id == ctx->s->creator_id)
			c->mine[c->nmine++] = i;
		product_free(&p);
	}
}

/* Reads the open customer's purchases again. */
static void
cust_read_items(struct customers *c, struct ui_ctx *ctx)
{
	cust_drop(c);
	c->have_lib = library_items(ctx->db, c->cust.id, ny_now(), &c->lib)
	    == NY_OK;
	cust_keep_mine(c, ctx);
	ui_list_set(&c->items, c->nmine, ctx->rows - 5);
}

/* "KES 1,500 · USD 12": each currency on its own, never converted. */
static void
cust_spent(const struct ui_ctx *ctx, const struct customer_row *r,
    char *buf, size_t len)
{
	char *m;
	size_t k = 0;
	int i;

	buf[0] = '\0';
	for (i = 0; i < r->ncur && k < len; i++) {
		m = ui_money(ctx, r->total[i].minor, r->total[i].currency);
		k += (size_t)snprintf(buf + k, len - k, "%s%s",
		    i > 0 ? " \xc2\xb7 " : "", m);
		free(m);
	}
}

/* "1 order", "4 orders" (caller frees). */
static char *
cust_orders(const struct ui_ctx *ctx, int n)
{
	char num[16];

	snprintf(num, sizeof num, "%d", n);
	return i18n_fmt(ctx->lang, n == 1 ? "tui.cust.orders.one" :
	    "tui.cust.orders.other", "count", num, NULL);
}

/* "Kiswahili" for "sw": the language's name in the console language. */
static const char *
cust_lang(const struct ui_ctx *ctx, const char *locale)
{
	return ui_tr(ctx, strcmp(locale, "sw") == 0 ? "tui.lang.sw" :
	    "tui.lang.en");
}

/* Columns of the list from the window: the money gets the rest. */
struct cust_cols {
	int	 phone, lang, orders, last, spent;
};

static struct cust_cols
cust_layout(const struct customers *c, const struct ui_ctx *ctx)
{
	struct cust_cols k;
	char *s;
	int i;

	k.phone = ui_max(4, ui_width(ui_tr(ctx, "tui.cust.col.phone")));
	k.lang = ui_max(ui_width(ui_tr(ctx, "tui.cust.col.lang")),
	    ui_max(ui_width(ui_tr(ctx, "tui.lang.en")),
	    ui_width(ui_tr(ctx, "tui.lang.sw"))));
	k.orders = ui_width(ui_tr(ctx, "tui.cust.col.orders"));
	for (i = 0; i < c->nrows; i++) {
		s = cust_orders(ctx, c->rows[i].orders);
		k.orders = ui_max(k.orders, ui_width(s));
		free(s);
	}
	k.last = ui_max(12, ui_width(ui_tr(ctx, "tui.cust.col.last")));
	k.spent = ctx->cols - 2 - k.phone - k.lang - k.orders - k.last - 8;
	if (k.spent < 8)
		k.spent = 8;
	return k;
}

/* One row of the list (or the heads), cell by cell in k's columns. */
static void
cust_cells(const struct cust_cols *k, const struct ui_ctx *ctx, WINDOW *w,
    int y, const char *const cell[5])
{
	const struct ui_col cols[5] = { { k->phone, 2, 0, 0 },
	    { k->lang, 2, 0, 0 }, { k->orders, 2, 0, 0 }, { k->last, 2, 0, 0 },
	    { k->spent, 0, 0, 0 } };

	ui_put_cells(w, y, 1, ctx->cols - 1, cols, 5, cell);
}

static void
cust_row(struct customers *c, struct ui_ctx *ctx, WINDOW *w,
    const struct cust_cols *k, int y, int i)
{
	const struct customer_row *r = &c->rows[i];
	const char *cell[5];
	char last[32], spent[160], *orders = cust_orders(ctx, r->orders);

	ui_time(ctx->lang, r->last_at, ny_now(), last, sizeof last);
	cust_spent(ctx, r, spent, sizeof spent);
	cell[0] = r->phone_masked;
	cell[1] = cust_lang(ctx, r->locale);
	cell[2] = orders;
	cell[3] = last;
	cell[4] = spent;
	if (i == c->list.sel)
		wattron(w, A_REVERSE);
	ui_put(w, y, 1, "", ctx->cols - 2, 1);
	cust_cells(k, ctx, w, y, cell);
	if (i == c->list.sel)
		wattroff(w, A_REVERSE);
	free(orders);
}

/* The list: the search line, the heads, a row per buyer. */
static void
cust_draw_list(struct customers *c, struct ui_ctx *ctx, WINDOW *w)
{
	struct cust_cols k = cust_layout(c, ctx);
	const char *label = ui_tr(ctx, "tui.cust.search"), *heads[5];
	int x = 2 + ui_width(label), fw = ui_max(4, ctx->cols - 1 - x), i;

	ui_put(w, 1, 1, label, ctx->cols - 2, 1);
	ui_field_draw(&c->search, w, 1, x, fw, c->searching);
	heads[0] = ui_tr(ctx, "tui.cust.col.phone");
	heads[1] = ui_tr(ctx, "tui.cust.col.lang");
	heads[2] = ui_tr(ctx, "tui.cust.col.orders");
	heads[3] = ui_tr(ctx, "tui.cust.col.last");
	heads[4] = ui_tr(ctx, "tui.cust.col.spent");
	wattron(w, A_BOLD);
	ui_put(w, 2, 1, "", ctx->cols - 2, 1);
	cust_cells(&k, ctx, w, 2, heads);
	wattroff(w, A_BOLD);
	if (!c->ok)
		ui_put_cut(w, 3, 1, ui_tr(ctx, "tui.err.db"), ctx->cols - 2, 0);
	else if (c->nrows == 0)
		ui_put_cut(w, 3, 1, ui_tr(ctx, c->search.len > 0 ?
		    "tui.cust.none" : "tui.cust.none_yet"), ctx->cols - 2, 0);
	ui_list_set(&c->list, c->nrows, ctx->rows - 4);
	for (i = 0; i < c->list.height && c->list.top + i < c->nrows; i++)
		cust_row(c, ctx, w, &k, 3 + i, c->list.top + i);
	if (c->searching)
		ui_cursor_at(ctx, w, 1, x + ui_field_cursor_col(&c->search,
		    fw));
}

/* One purchase of the open customer. */
static void
cust_item(struct customers *c, struct ui_ctx *ctx, WINDOW *w, int y, int i,
    const int col[4])
{
	const struct lib_item *it = &c->lib.items[c->mine[i]];
	char kind[40], dl[16];
	int n = 0, x = 1;
	size_t f;

	for (f = 0; f < it->nfiles; f++)
		n += it->files[f].downloads;
	snprintf(kind, sizeof kind, "tui.kind.%s", it->kind);
	snprintf(dl, sizeof dl, "%d", n);
	if (i == c->items.sel)
		wattron(w, A_REVERSE);
	ui_put(w, y, 1, "", ctx->cols - 2, 1);
	ui_put_cut(w, y, x, ui_tr(ctx, kind), col[0], 0);
	x += col[0] + 2;
	ui_put_cut(w, y, x, ui_tr(ctx, it->state == LIB_ACTIVE ?
	    "tui.cust.active" : it->state == LIB_EXPIRED ? "tui.cust.expired" :
	    "tui.cust.revoked"), col[1], 0);
	x += col[1] + 2;
	ui_put(w, y, x + col[2] - ui_width(dl), dl, ui_width(dl), 0);
	x += col[2] + 2;
	ui_put_cut(w, y, x, it->title, col[3], 0);
	if (i == c->items.sel)
		wattroff(w, A_REVERSE);
}

/* Widths of kind, state, downloads and (the rest) product. */
static void
cust_item_cols(const struct ui_ctx *ctx, int col[4])
{
	static const char *const kinds[] = { "tui.kind.download",
	    "tui.kind.subscription", "tui.kind.ticket", "tui.kind.webinar",
	    "tui.cust.col.kind" };
	static const char *const states[] = { "tui.cust.active",
	    "tui.cust.expired", "tui.cust.revoked", "tui.cust.col.state" };
	size_t i;

	col[0] = col[1] = 0;
	for (i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
		col[0] = ui_max(col[0], ui_width(ui_tr(ctx, kinds[i])));
	for (i = 0; i < sizeof states / sizeof states[0]; i++)
		col[1] = ui_max(col[1], ui_width(ui_tr(ctx, states[i])));
	col[2] = ui_width(ui_tr(ctx, "tui.cust.col.downloads"));
	col[3] = ui_max(8, ctx->cols - 2 - col[0] - col[1] - col[2] - 6);
}

/* The open customer: "…601 · Kiswahili · 3 orders", then purchases. */
static void
cust_draw_open(struct customers *c, struct ui_ctx *ctx, WINDOW *w)
{
	char line[300], spent[160], *orders = cust_orders(ctx, c->cust.orders);
	int col[4], i, x = 1;

	cust_spent(ctx, &c->cust, spent, sizeof spent);
	snprintf(line, sizeof line, "%s \xc2\xb7 %s \xc2\xb7 %s \xc2\xb7 %s",
	    c->cust.phone_masked, cust_lang(ctx, c->cust.locale), orders,
	    spent);
	free(orders);
	wattron(w, A_BOLD);
	ui_put_cut(w, 1, 1, line, ctx->cols - 2, 1);
	wattroff(w, A_BOLD);
	if (c->msg[0])
		ui_put_cut(w, 2, 1, c->msg, ctx->cols - 2, 1);
	cust_item_cols(ctx, col);
	wattron(w, A_BOLD);
	ui_put(w, 3, 1, "", ctx->cols - 2, 1);
	ui_put_cut(w, 3, x, ui_tr(ctx, "tui.cust.col.kind"), col[0], 0);
	x += col[0] + 2;
	ui_put_cut(w, 3, x, ui_tr(ctx, "tui.cust.col.state"), col[1], 0);
	x += col[1] + 2;
	ui_put_cut(w, 3, x, ui_tr(ctx, "tui.cust.col.downloads"), col[2], 0);
	x += col[2] + 2;
	ui_put_cut(w, 3, x, ui_tr(ctx, "tui.cust.col.product"), col[3], 0);
	wattroff(w, A_BOLD);
	ui_list_set(&c->items, c->nmine, ctx->rows - 5);
	for (i = 0; i < c->items.height && c->items.top + i < c->nmine; i++)
		cust_item(c, ctx, w, 4 + i, c->items.top + i, col);
	/* The open customer's keys in the bar, not the list's. */
	if (ctx->flash[0] == '\0')
		snprintf(ctx->flash, sizeof ctx->flash, "%s",
		    ui_tr(ctx, "tui.help.customer"));
}

static void
cust_draw(void *data, struct ui_ctx *ctx, WINDOW *w)
{
	struct customers *c = data;

	if (c->open)
		cust_draw_open(c, ctx, w);
	else
		cust_draw_list(c, ctx, w);
}

/*
 * Queues the library link to the customer (library_recover_resend: the
 * creator's own resend, never the buyer-facing throttle or 10-minute
 * dedupe) and returns the locale key of what really happened: queued, or
 * not and why. rotated: a new link was just made ('R').
 */
static const char *
cust_resend(struct customers *c, struct ui_ctx *ctx, int rotated)
{
	int rc = library_recover_resend(ctx->db, c->cust.id, ny_now(), NULL);

	if (rc == NY_OK)
		ui_audit(ctx, "library.resend", c->cust.phone_masked);
	if (rotated)
		return rc == NY_OK ? "tui.cust.rotated" :
		    "tui.cust.rotated_unsent";
	switch (rc) {
	case NY_OK:
		return "tui.cust.sent";
	case NY_EEXISTS:	/* queued this very second (a double press) */
		return "tui.cust.sent_already";
	case NY_ENOTFOUND:
		return "tui.cust.none";
	default:
		return "tui.err.db";
	}
}

/* z: the selected purchase's download count back to 0. */
static const char *
cust_reset(struct customers *c, struct ui_ctx *ctx)
{
	if (c->items.sel < 0 || c->items.sel >= c->nmine)
		return NULL;
	if (download_reset(ctx->db, c->cust.id,
	    c->lib.items[c->mine[c->items.sel]].product_id, ny_now()) != NY_OK)
		return "tui.err.db";
	ui_audit(ctx, "download.reset", c->cust.phone_masked);
	return "tui.cust.reset";
}

/*
 * r resends the link, R rotates it (after asking) and sends the new one,
 * z resets the selected purchase's download count; the line under the
 * summary says what happened. Each change goes to the audit log with the
 * masked phone.
 */
static void
cust_action(struct customers *c, struct ui_ctx *ctx, int ch)
{
	const char *msg;

	if (ch == 'z')
		msg = cust_reset(c, ctx);
	else if (ch == 'R') {
		if (!ui_confirm(ctx, ui_tr(ctx, "tui.cust.rotate_q")))
			return;
		if (library_key_rotate(ctx->db, c->cust.id, NULL) == NY_OK) {
			ui_audit(ctx, "library.rotate", c->cust.phone_masked);
			msg = cust_resend(c, ctx, 1);
		} else
			msg = "tui.err.db";
	} else
		msg = cust_resend(c, ctx, 0);
	if (msg == NULL)
		return;
	cust_read_items(c, ctx);
	snprintf(c->msg, sizeof c->msg, "%s", ui_tr(ctx, msg));
}

/* Enter on the list: the selected customer's purchases. */
static void
cust_open(struct customers *c, struct ui_ctx *ctx)
{
	if (c->list.sel < 0 || c->list.sel >= c->nrows)
		return;
	c->cust = c->rows[c->list.sel];
	c->open = 1;
	c->msg[0] = '\0';
	c->items.sel = 0;
	c->items.top = 0;
	cust_read_items(c, ctx);
}

static int
cust_open_key(struct customers *c, struct ui_ctx *ctx, int ch)
{
	c->msg[0] = '\0';	/* it told of the last key's action */
	switch (ch) {
	case 27: case KEY_LEFT: case KEY_BACKSPACE: case 127: case 8:
		cust_drop(c);
		c->open = 0;
		cust_load(c, ctx);	/* the totals may have moved */
		return UI_HANDLED | UI_REDRAW;
	case 'r': case 'R': case 'z':
		cust_action(c, ctx, ch);
		return UI_HANDLED | UI_REDRAW;
	}
	if (ui_list_key(&c->items, ch))
		return UI_HANDLED | UI_REDRAW;
	return 0;
}

/* Keys while the search field has them (as on the Orders screen). */
static int
cust_search_key(struct customers *c, struct ui_ctx *ctx, int ch)
{
	if (ch == '\r' || ch == '\n' || ch == KEY_ENTER) {
		c->searching = 0;
		return UI_HANDLED | UI_REDRAW;
	}
	if (ch == 27)
		ui_field_init(&c->search, CUST_SEARCH_MAX, NULL);
	if (ch == 27)
		c->searching = 0;
	else if ((ch == KEY_UP || ch == KEY_DOWN || ch == KEY_PPAGE ||
	    ch == KEY_NPAGE) && ui_list_key(&c->list, ch))
		return UI_HANDLED | UI_REDRAW;
	else if (!ui_field_key(&c->search, ch))
		return 0;	/* F1-F7 and the like stay global */
	c->list.sel = 0;
	c->list.top = 0;
	cust_load(c, ctx);
	return UI_HANDLED | UI_REDRAW;
}

static int
cust_key(void *data, struct ui_ctx *ctx, int ch)
{
	struct customers *c = data;

	if (c->open)
		return cust_open_key(c, ctx, ch);
	if (c->searching)
		return cust_search_key(c, ctx, ch);
	if (ui_list_key(&c->list, ch))
		return UI_HANDLED | UI_REDRAW;
	switch (ch) {
	case '\r': case '\n': case KEY_ENTER:
		cust_open(c, ctx);
		return UI_HANDLED | UI_REDRAW;
	case '/':
		c->searching = 1;
		return UI_HANDLED | UI_REDRAW;
	case 27:
		if (c->search.len == 0)
			return UI_HANDLED;
		ui_field_init(&c->search, CUST_SEARCH_MAX, NULL);
		cust_load(c, ctx);
		return UI_HANDLED | UI_REDRAW;
	}
	return 0;
}

/* A sale elsewhere moves the list (not an open customer: keys act there). */
static int
cust_tick(void *data, struct ui_ctx *ctx)
{
	struct customers *c = data;
	int changed = 0;

	if (db_changed(ctx->db, &changed) != NY_OK || !changed || c->open)
		return 0;
	cust_load(c, ctx);
	return UI_REDRAW;
}

static void
cust_free(void *data)
{
	struct customers *c = data;

	cust_drop(c);
	free(c->rows);
	free(c);
}

const struct screen screen_customers = {
	.hotkey = '4',
	.title = "tui.screen.customers",
	.help = "tui.help.customers",
	.init = cust_init,
	.draw = cust_draw,
	.key = cust_key,
	.tick = cust_tick,
	.free = cust_free,
};
