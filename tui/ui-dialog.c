/*
 * ui-dialog.c: modal boxes. They read keys themselves (the one place
 * outside the main loop that does), because a question must be answered
 * before the screen's action goes on. Text is wrapped to the box.
 */

#include "ui.h"

#define BOX_LINES	16

/* A box holding text wrapped, plus a last line for the keys. */
static WINDOW *
box_for(struct ui_ctx *ctx, const char *text, const char *keys)
{
	struct ui_textarea t;
	struct ui_vline v[BOX_LINES];
	int w = ui_width(text) + 6, h, n;
	WINDOW *win;

	if (w > ctx->cols - 2)
		w = ctx->cols - 2;
	if (w < 24)
		w = 24;
	ui_textarea_init(&t, 1 << 16, text);
	ui_textarea_resize(&t, w - 4, 1);
	n = ui_textarea_wrap(&t, v, BOX_LINES);
	ui_textarea_free(&t);
	if (n > BOX_LINES)
		n = BOX_LINES;
	if (n > ctx->rows - 6)
		n = ctx->rows - 6 > 1 ? ctx->rows - 6 : 1;
	h = n + 4;
	win = newwin(h, w, (ctx->rows - h) / 2, (ctx->cols - w) / 2);
	curs_set(0);	/* not in the field the box covers */
	box(win, 0, 0);
	ui_put_wrapped(win, 1, 2, text, w - 4, n);
	wattron(win, A_BOLD);
	ui_put(win, h - 2, 2, keys, w - 4, 0);
	wattroff(win, A_BOLD);
	return win;
}

int
ui_confirm(struct ui_ctx *ctx, const char *question)
{
	WINDOW *win = box_for(ctx, question, ui_tr(ctx, "tui.confirm.keys"));
	int ch, yes = -1;

	wrefresh(win);
	while (yes < 0) {
		ch = wgetch(win);
		if (ch == 'y' || ch == 'Y' || ch == 'n' || ch == 'N' ||
		    ch == 27 || ch == 'q')
			yes = ch == 'y' || ch == 'Y';
	}
	delwin(win);
	touchwin(stdscr);
	return yes;
}

void
ui_message(struct ui_ctx *ctx, const char *text)
{
	ui_notice(ctx, text, -1);
}

void
ui_notice(struct ui_ctx *ctx, const char *text, int ms)
{
	WINDOW *win = box_for(ctx, text, ui_tr(ctx, "tui.anykey"));

	wrefresh(win);
	wtimeout(win, ms);
	/* Without a limit, only a key ends it. */
	while (wgetch(win) == ERR && ms < 0)
		;
	delwin(win);
	touchwin(stdscr);
}
