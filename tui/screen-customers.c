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
#include "download.h"
#include "library.h"
#include "library-key.h"
#include "library-recover.h"
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

/*
 * r resends the link, R rotates it (after asking) and sends the new one,
 * z resets the selected purchase's download count; the status line says
 * what happened.
 */
static void
cust_action(struct customers *c, struct ui_ctx *ctx, int ch)
{
	const char *msg;

	if (c->found <= 0)
		return;
	if (ch == 'z') {
		if (c->list.sel < 0 || c->list.sel >= c->nmine)
			return;
		msg = download_reset(ctx->db, c->cust.id,
		    c->lib.items[c->mine[c->list.sel]].product_id, ny_now()) ==
		    NY_OK ? "tui.cust.reset" : "tui.err.db";
	} else if (ch == 'R') {
		if (!ui_confirm(ctx, ui_tr(ctx, "tui.cust.rotate_q")))
			return;
		msg = library_key_rotate(ctx->db, c->cust.id, NULL) == NY_OK ?
		    cust_resend(c, ctx, 1) : "tui.err.db";
	} else
		msg = cust_resend(c, ctx, 0);
	cust_search(c, ctx);
	snprintf(c->msg, sizeof c->msg, "%s", ui_tr(ctx, msg));
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
