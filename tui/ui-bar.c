/*
 * ui-bar.c: the title bar (top line) and status bar (bottom line), and
 * the highlight attributes that degrade to reverse/bold without colour.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "ssh-int.h"
#include "ui.h"

int
ui_attr_hl(const struct ui_ctx *ctx)
{
	return ctx->color ? (int)(COLOR_PAIR(1) | A_BOLD) : A_REVERSE;
}

int
ui_attr_ok(const struct ui_ctx *ctx)
{
	return ctx->color ? (int)(COLOR_PAIR(2) | A_BOLD) : A_BOLD;
}

int
ui_attr_bad(const struct ui_ctx *ctx)
{
	return ctx->color ? (int)(COLOR_PAIR(3) | A_BOLD) : A_BOLD | A_UNDERLINE;
}

void
ui_bar_title(struct ui_ctx *ctx, WINDOW *w, const struct screen *sc)
{
	char buf[256], tm[16];
	time_t lt = (time_t)(ny_now() + 3 * 3600);	/* EAT, as ui_time */
	struct tm t;

	/* Minutes only: the loop redraws when the minute turns, so the
	 * clock is never stale and costs one redraw a minute. */
	gmtime_r(&lt, &t);
	strftime(tm, sizeof tm, "%H:%M", &t);
	snprintf(buf, sizeof buf, " Nyota · %s · %c %s", ctx->s->handle,
	    sc->hotkey, ui_tr(ctx, sc->title));
	wattron(w, A_REVERSE);
	ui_put_cut(w, 0, 0, buf, ctx->cols - 7, 1);
	ui_put(w, 0, ctx->cols - 7, "      ", 7, 1);
	ui_put(w, 0, ctx->cols - 6, tm, 5, 0);
	wattroff(w, A_REVERSE);
}

void
ui_bar_status(struct ui_ctx *ctx, WINDOW *w, const struct screen *sc)
{
	char buf[328], hints[320];

	if (ctx->flash[0] != '\0')
		snprintf(buf, sizeof buf, " %s", ctx->flash);
	else {
		ui_hints(ui_tr(ctx, sc->help), ui_tr(ctx, sc->wants_text ?
		    "tui.keys.global_text" : "tui.keys.global"),
		    ctx->cols - 2, hints, sizeof hints);
		snprintf(buf, sizeof buf, " %s", hints);
	}
	wattron(w, A_REVERSE);
	ui_put_cut(w, ctx->rows - 1, 0, buf, ctx->cols, 1);
	wattroff(w, A_REVERSE);
}
