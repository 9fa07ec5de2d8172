/*
 * screen-checkin.c: 5 Check-in — type a ticket code, Enter; the answer
 * fills the screen: VALID, ALREADY CHECKED IN (at what time) or UNKNOWN.
 * Digits and letters are the code, so other screens are reached with
 * Esc then a key (or Alt+key, F1–F7).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ssh-int.h"
#include "ticket.h"
#include "ui.h"

struct checkin {
	struct ui_field		 code;
	int			 have;		/* a result to show */
	struct ticket_checkin	 res;
	char			 shown[TICKET_CODE_MAX];
	enum ny_err		 err;
};

static void *
checkin_init(struct ui_ctx *ctx)
{
	struct checkin *c = xcalloc(1, sizeof *c);

	(void)ctx;
	ui_field_init(&c->code, 40, NULL);
	return c;
}

/* A large word: a reversed band of three rows, letters spaced out. */
static void
big_word(struct ui_ctx *ctx, WINDOW *w, int y, const char *word, int attr)
{
	char spaced[256];
	size_t i, o = 0;
	int r, width;

	for (i = 0; word[i] && o + 3 < sizeof spaced; i++) {
		spaced[o++] = word[i];
		if ((word[i] & 0xc0) != 0x80 && (word[i + 1] & 0xc0) != 0x80 &&
		    word[i + 1] != '\0')
			spaced[o++] = ' ';
	}
	spaced[o] = '\0';
	width = ui_width(spaced);
	wattron(w, attr | A_REVERSE | A_BOLD);
	for (r = 0; r < 3; r++)
		ui_put(w, y + r, 2, "", ctx->cols - 4, 1);
	ui_put(w, y + 1, (ctx->cols - width) / 2 > 2 ?
	    (ctx->cols - width) / 2 : 2, spaced, ctx->cols - 4, 0);
	wattroff(w, attr | A_REVERSE | A_BOLD);
}

static void
checkin_result(struct checkin *c, struct ui_ctx *ctx, WINDOW *w)
{
	char when[32], *msg;

	if (c->err != NY_OK) {
		ui_put(w, 6, 2, ui_tr(ctx, "tui.err.db"), ctx->cols - 4, 0);
		return;
	}
	ui_put(w, 5, 2, c->shown, ctx->cols - 4, 0);
	switch (c->res.status) {
	case TICKET_VALID:
		big_word(ctx, w, 7, ui_tr(ctx, "tui.checkin.valid"),
		    ui_attr_ok(ctx));
		break;
	case TICKET_ALREADY:
		big_word(ctx, w, 7, ui_tr(ctx, "tui.checkin.already"),
		    ui_attr_bad(ctx));
		ui_time(c->res.when, ny_now(), when, sizeof when);
		msg = xasprintf("%s %s", ui_tr(ctx, "tui.checkin.at"), when);
		ui_put(w, 11, 2, msg, ctx->cols - 4, 0);
		free(msg);
		break;
	case TICKET_REFUNDED:
		big_word(ctx, w, 7, ui_tr(ctx, "tui.checkin.refunded"),
		    ui_attr_bad(ctx));
		ui_put(w, 11, 2, ui_tr(ctx, "tui.checkin.refunded_why"),
		    ctx->cols - 4, 0);
		break;
	default:
		big_word(ctx, w, 7, ui_tr(ctx, "tui.checkin.unknown"),
		    ui_attr_bad(ctx));
	}
}

static void
checkin_draw(void *data, struct ui_ctx *ctx, WINDOW *w)
{
	struct checkin *c = data;

	ui_put(w, 2, 2, ui_tr(ctx, "tui.checkin.prompt"), ctx->cols - 4, 0);
	if (c->have)
		checkin_result(c, ctx, w);
	ui_field_draw(&c->code, w, 3, 4, ctx->cols - 8 > 40 ? 40 :
	    ctx->cols - 8, 1);
	curs_set(1);
}

static void
checkin_run(struct checkin *c, struct ui_ctx *ctx)
{
	memset(&c->res, 0, sizeof c->res);
	c->err = ticket_check_in(ctx->db, c->code.text, ctx->s->creator_id,
	    ny_now(), &c->res);
	if (c->err == NY_EINVAL || c->err == NY_ENOTFOUND) {
		c->err = NY_OK;
		c->res.status = TICKET_UNKNOWN;
	}
	snprintf(c->shown, sizeof c->shown, "%.31s", c->code.text);
	c->have = 1;
	ui_field_init(&c->code, 40, NULL);
}

static int
checkin_key(void *data, struct ui_ctx *ctx, int ch)
{
	struct checkin *c = data;

	if (ch == '\r' || ch == '\n' || ch == KEY_ENTER) {
		if (c->code.len > 0)
			checkin_run(c, ctx);
		return UI_HANDLED | UI_REDRAW;
	}
	if (ch == 27) {
		ui_field_init(&c->code, 40, NULL);
		c->have = 0;
		return UI_HANDLED | UI_REDRAW;
	}
	if (ui_field_key(&c->code, ch))
		return UI_HANDLED | UI_REDRAW;
	return 0;
}

const struct screen screen_checkin = {
	.hotkey = '5',
	.title = "tui.screen.checkin",
	.help = "tui.help.checkin",
	.init = checkin_init,
	.draw = checkin_draw,
	.key = checkin_key,
	.free = free,
	.wants_text = 1,
};
