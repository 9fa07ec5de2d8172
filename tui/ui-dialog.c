/*
 * ui-dialog.c: modal boxes. They read keys themselves (the one place
 * outside the main loop that does), because a question must be answered
 * before the screen's action goes on.
 */
#include <string.h>

#include "ui.h"

static WINDOW *
box_for(struct ui_ctx *ctx, const char *text, int extra)
{
	int w = ui_width(text) + 6, h = 5 + extra;
	WINDOW *win;

	if (w > ctx->cols - 2)
		w = ctx->cols - 2;
	if (w < 20)
		w = 20;
	win = newwin(h, w, (ctx->rows - h) / 2, (ctx->cols - w) / 2);
	box(win, 0, 0);
	ui_put(win, 1, 2, text, w - 4, 0);
	return win;
}

int
ui_confirm(struct ui_ctx *ctx, const char *question)
{
	WINDOW *win = box_for(ctx, question, 0);
	int ch, yes = -1;

	ui_put(win, 3, 2, ui_tr(ctx, "tui.confirm.keys"), getmaxx(win) - 4, 0);
	wrefresh(win);
	while (yes < 0) {
		ch = wgetch(win);
		if (ch == 'y' || ch == 'Y' || ch == 'n' || ch == 'N' ||
		    ch == 27 || ch == 'q')
			yes = ch == 'y' || ch == 'Y';
		else if (ch == ERR)
			continue;
	}
	delwin(win);
	touchwin(stdscr);
	return yes;
}

void
ui_message(struct ui_ctx *ctx, const char *text)
{
	WINDOW *win = box_for(ctx, text, 0);

	ui_put(win, 3, 2, ui_tr(ctx, "tui.anykey"), getmaxx(win) - 4, 0);
	wrefresh(win);
	while (wgetch(win) == ERR)
		;
	delwin(win);
	touchwin(stdscr);
}
