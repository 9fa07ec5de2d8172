/*
 * screen-customers.c: 4 Customers — type a phone number (any usual form),
 * Enter: the customer's purchases. r resends the library link on
 * WhatsApp, R rotates it (the old link stops working; asks first), z
 * resets the download count of the selected purchase. Only purchases of
 * this creator's products are shown and acted on; a buyer of other shops
 * only is "no customer" here (one creator must not learn another's).
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "customer.h"
#include "library.h"
#include "phone.h"
#include "product.h"
#include "ssh-int.h"
#include "ui.h"

struct customers {
	struct ui_field	 phone;
	struct customer	 cust;
	int		 found;		/* 1 found, 0 none yet, -1 not found */
	struct library	 lib;
	int		 have_lib;
	size_t		*mine;		/* indices of this creator's items */
	int		 nmine;
	struct ui_list	 list;
	char		 msg[200];
};

static void *
cust_init(struct ui_ctx *ctx)
{
	struct customers *c = xcalloc(1, sizeof *c);

	(void)ctx;
	ui_field_init(&c->phone, 20, NULL);
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
	c->found = 0;
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

static void
cust_search(struct customers *c, struct ui_ctx *ctx)
{
	char e164[16];

	cust_drop(c);
	c->msg[0] = '\0';
	if (phone_normalize(c->phone.text, NULL, e164, sizeof e164)
	    != PHONE_OK) {
		snprintf(c->msg, sizeof c->msg, "%s",
		    ui_tr(ctx, "tui.cust.bad_phone"));
		return;
	}
	if (customer_by_phone(ctx->db, e164, &c->cust) != NY_OK) {
		c->found = -1;
		return;
	}
	c->have_lib = library_items(ctx->db, c->cust.id, ny_now(), &c->lib)
	    == NY_OK;
	cust_keep_mine(c, ctx);
	c->found = c->nmine > 0 ? 1 : -1;
	ui_list_set(&c->list, c->nmine, ctx->rows - 9);
}

static void
cust_item(struct customers *c, struct ui_ctx *ctx, WINDOW *w, int y, int i)
{
	const struct lib_item *it = &c->lib.items[c->mine[i]];
	char line[400], kind[40];
	int dl = 0;
	size_t k;

	for (k = 0; k < it->nfiles; k++)
		dl += it->files[k].downloads;
	snprintf(kind, sizeof kind, "tui.kind.%s", it->kind);
	snprintf(line, sizeof line, "%-14.14s %-10s %4d  %s", ui_tr(ctx, kind),
	    ui_tr(ctx, it->state == LIB_ACTIVE ? "tui.cust.active" :
	    it->state == LIB_EXPIRED ? "tui.cust.expired" :
	    "tui.cust.revoked"), dl, it->title);
	if (i == c->list.sel)
		wattron(w, A_REVERSE);
	ui_put(w, y, 2, line, ctx->cols - 4, 1);
	if (i == c->list.sel)
		wattroff(w, A_REVERSE);
}

static void
cust_draw(void *data, struct ui_ctx *ctx, WINDOW *w)
{
	struct customers *c = data;
	char buf[64], line[200];
	int i;

	ui_put(w, 2, 2, ui_tr(ctx, "tui.cust.phone"), 20, 0);
	if (c->msg[0])
		ui_put(w, 4, 2, c->msg, ctx->cols - 4, 0);
	if (c->found < 0)
		ui_put(w, 5, 2, ui_tr(ctx, "tui.cust.none"), ctx->cols - 4, 0);
	if (c->found > 0) {
		phone_display(c->cust.phone, 0, buf, sizeof buf);
		snprintf(line, sizeof line, "%s · %s · %d", buf,
		    c->cust.locale, c->nmine);
		wattron(w, A_BOLD);
		ui_put(w, 5, 2, line, ctx->cols - 4, 0);
		ui_put(w, 6, 2, ui_tr(ctx, "tui.cust.head"), ctx->cols - 4, 1);
		wattroff(w, A_BOLD);
		ui_list_set(&c->list, c->nmine, ctx->rows - 9);
		for (i = 0; i < c->list.height && c->list.top + i < c->list.n;
		    i++)
			cust_item(c, ctx, w, 7 + i, c->list.top + i);
	}
	ui_field_draw(&c->phone, w, 2, 24, 20, 1);
	curs_set(1);
}

static void
cust_action(struct customers *c, struct ui_ctx *ctx, int ch)
{
	int err = NY_OK, queued = 0;
	const char *done = "tui.cust.sent";

	if (c->found <= 0)
		return;
	if (ch == 'R') {
		if (!ui_confirm(ctx, ui_tr(ctx, "tui.cust.rotate_q")))
			return;
		err = library_key_rotate(ctx->db, c->cust.id, NULL);
		done = "tui.cust.rotated";
	}
	if (ch == 'z') {
		if (c->list.sel < 0 || c->list.sel >= c->nmine)
			return;
		err = download_reset(ctx->db, c->cust.id,
		    c->lib.items[c->mine[c->list.sel]].product_id, ny_now());
		done = "tui.cust.reset";
	} else if (err == NY_OK)
		err = library_recover(ctx->db, c->cust.phone, NULL, "console",
		    ny_now(), &queued);
	cust_search(c, ctx);
	snprintf(c->msg, sizeof c->msg, "%s", ui_tr(ctx, err == NY_OK ? done :
	    err == NY_ELIMIT ? "tui.cust.limit" : "tui.err.db"));
}

static int
cust_key(void *data, struct ui_ctx *ctx, int ch)
{
	struct customers *c = data;

	if (ch == '\r' || ch == '\n' || ch == KEY_ENTER) {
		cust_search(c, ctx);
		return UI_HANDLED | UI_REDRAW;
	}
	if (ch == 'r' || ch == 'R' || ch == 'z') {
		cust_action(c, ctx, ch);
		return UI_HANDLED | UI_REDRAW;
	}
	if (c->found > 0 && ui_list_key(&c->list, ch))
		return UI_HANDLED | UI_REDRAW;
	if (ch < 0x80 && (isdigit(ch) || ch == '+' || ch == ' ' || ch == '(' ||
	    ch == ')' || ch == '-'))
		return ui_field_key(&c->phone, ch), UI_HANDLED | UI_REDRAW;
	if (ch == KEY_BACKSPACE || ch == 127 || ch == 8 || ch == KEY_LEFT ||
	    ch == KEY_RIGHT || ch == 21)
		return ui_field_key(&c->phone, ch), UI_HANDLED | UI_REDRAW;
	return 0;
}

static void
cust_free(void *data)
{
	struct customers *c = data;

	cust_drop(c);
	free(c);
}

const struct screen screen_customers = {
	.hotkey = '4',
	.title = "tui.screen.customers",
	.help = "tui.help.customers",
	.init = cust_init,
	.draw = cust_draw,
	.key = cust_key,
	.free = cust_free,
	.wants_text = 1,
};
