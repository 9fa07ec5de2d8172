/*
 * screen-settings-audit.c: Settings' audit log viewer (v): the lines
 * about the creator (audit_log.creator_id), newest first, as when, what
 * in words, detail and the address it came from. Lines are read a page
 * at a time (keyset on the id), more as the selection reaches the end.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "i18n.h"
#include "screen-settings.h"
#include "ssh-int.h"

#define AUDIT_PAGE	200

/* Reads the next page after the last line read. */
static void
au_more(struct set_audit *v, struct ui_ctx *ctx)
{
	struct audit_row *rows = NULL;
	size_t n = 0;

	if (v->end)
		return;
	if (audit_list_creator(ctx->db, ctx->s->creator_id, v->n > 0 ?
	    v->rows[v->n - 1].id : 0, AUDIT_PAGE, &rows, &n) != NY_OK) {
		snprintf(ctx->flash, sizeof ctx->flash, "%s",
		    ui_tr(ctx, "tui.err.db"));
		v->end = 1;
		return;
	}
	if (n < AUDIT_PAGE)
		v->end = 1;
	if (n > 0) {
		v->rows = xrealloc(v->rows, (v->n + n) * sizeof *v->rows);
		memcpy(v->rows + v->n, rows, n * sizeof *rows);
		v->n += n;
	}
	free(rows);
}

/* Rows for lines: the title, the header, the keys under the list. */
static int
au_height(const struct ui_ctx *ctx)
{
	return ctx->rows > 8 ? ctx->rows - 7 : 1;
}

void
set_audit_open(struct set_audit *v, struct ui_ctx *ctx)
{
	set_audit_free(v);
	au_more(v, ctx);
	ui_list_set(&v->list, (int)v->n, au_height(ctx));
}

int
set_audit_key(struct set_audit *v, struct ui_ctx *ctx, int ch)
{
	if (ch == 27 || ch == 'v' || ch == KEY_LEFT)
		return 1;
	ui_list_set(&v->list, (int)v->n, au_height(ctx));
	if (!ui_list_key(&v->list, ch))
		return 0;	/* the global keys: screens, help, quit */
	if (v->list.sel >= (int)v->n - 1 && !v->end) {
		au_more(v, ctx);
		ui_list_set(&v->list, (int)v->n, au_height(ctx));
	}
	return -1;
}

/* Column widths from the screen's: wider screens give words room. */
struct au_cols {
	int	 x_when, w_when, x_what, w_what, x_detail, w_detail, x_from,
		 w_from;
};

static void
au_layout(const struct ui_ctx *ctx, struct au_cols *c)
{
	int avail = ctx->cols - 4, rest;

	c->w_when = 12;			/* "03 Dec 16:15" */
	c->w_from = avail >= 100 ? 24 : 15;
	rest = avail - c->w_when - c->w_from - 6;
	if (rest < 10)
		rest = 10;
	/* What is said in words: room for most of them whole. */
	c->w_what = rest * 11 / 20;
	if (c->w_what < 28 && rest - 28 >= 12)
		c->w_what = 28;
	c->w_detail = rest - c->w_what;
	c->x_when = 2;
	c->x_what = c->x_when + c->w_when + 2;
	c->x_detail = c->x_what + c->w_what + 2;
	c->x_from = c->x_detail + c->w_detail + 2;
}

void
set_audit_draw(struct set_audit *v, struct ui_ctx *ctx, WINDOW *w)
{
	struct au_cols c;
	char when[32];
	int i, y;

	au_layout(ctx, &c);
	ui_list_set(&v->list, (int)v->n, au_height(ctx));
	wattron(w, A_BOLD);
	ui_put_cut(w, 2, 2, ui_tr(ctx, "tui.au.title"), ctx->cols - 4, 0);
	wattroff(w, A_BOLD);
	wattron(w, A_UNDERLINE);
	ui_put_cut(w, 3, c.x_when, ui_tr(ctx, "tui.au.when"), c.w_when, 1);
	ui_put_cut(w, 3, c.x_what, ui_tr(ctx, "tui.au.what"), c.w_what, 1);
	ui_put_cut(w, 3, c.x_detail, ui_tr(ctx, "tui.au.detail"), c.w_detail,
	    1);
	ui_put_cut(w, 3, c.x_from, ui_tr(ctx, "tui.au.from"), c.w_from, 1);
	wattroff(w, A_UNDERLINE);
	if (v->n == 0)
		ui_put_cut(w, 4, 2, ui_tr(ctx, "tui.au.empty"), ctx->cols - 4,
		    0);
	for (i = 0; i < v->list.height && v->list.top + i < (int)v->n; i++) {
		const struct audit_row *r = &v->rows[v->list.top + i];

		y = 4 + i;
		if (v->list.top + i == v->list.sel)
			wattron(w, A_REVERSE);
		ui_time(ctx->lang, r->at, ny_now(), when, sizeof when);
		ui_put(w, y, 2, "", ctx->cols - 4, 1);
		ui_put_cut(w, y, c.x_when, when, c.w_when, 1);
		ui_put_cut(w, y, c.x_what, i18n_word(ctx->lang, "tui.au.a.", r->action), c.w_what,
		    1);
		ui_put_cut(w, y, c.x_detail, r->detail, c.w_detail, 1);
		ui_put_cut(w, y, c.x_from, r->addr[0] ? r->addr : "—",
		    c.w_from, 0);
		wattroff(w, A_REVERSE);
	}
	ui_put_cut(w, ctx->rows - 2, 2, ui_tr(ctx, "tui.au.keys"),
	    ctx->cols - 4, 0);
}

void
set_audit_free(struct set_audit *v)
{
	free(v->rows);
	memset(v, 0, sizeof *v);
}
