/*
 * screen-checkin.c: 5 Check-in — type a ticket code, Enter; the answer
 * fills the screen: VALID, ALREADY CHECKED IN (at what time), REFUNDED
 * or UNKNOWN; under a known ticket, its event, its holder's phone masked
 * ("…678": the door screen is seen by the queue) and for VALID and
 * ALREADY how many of the event's tickets are in ("23 of 80 checked
 * in"). Each check-in goes to the audit log by ticket id, never by
 * code. Digits and letters are the code, so other screens are reached
 * with Esc then a key (or Alt+key, F1–F7).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "i18n.h"
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

/*
 * The event, the holder and (n > 0) the count under the banner from y;
 * returns the next row.
 */
static int
checkin_about(struct checkin *c, struct ui_ctx *ctx, WINDOW *w, int y)
{
	char in[24], total[24], *s;

	s = i18n_fmt(ctx->lang, "tui.checkin.event", "title", c->res.title,
	    NULL);
	ui_put_cut(w, y++, 2, s, ctx->cols - 4, 0);
	free(s);
	if (c->res.holder[0] != '\0') {
		s = i18n_fmt(ctx->lang, "tui.checkin.holder", "phone",
		    c->res.holder, NULL);
		ui_put_cut(w, y++, 2, s, ctx->cols - 4, 0);
		free(s);
	}
	if (c->res.status == TICKET_VALID || c->res.status == TICKET_ALREADY) {
		snprintf(in, sizeof in, "%lld", (long long)c->res.checked_in);
		snprintf(total, sizeof total, "%lld",
		    (long long)c->res.tickets);
		s = i18n_fmt(ctx->lang, "tui.checkin.count", "in", in, "total",
		    total, NULL);
		wattron(w, A_BOLD);
		ui_put_cut(w, y++, 2, s, ctx->cols - 4, 0);
		wattroff(w, A_BOLD);
		free(s);
	}
	return y;
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
		checkin_about(c, ctx, w, 11);
		break;
	case TICKET_ALREADY:
		big_word(ctx, w, 7, ui_tr(ctx, "tui.checkin.already"),
		    ui_attr_bad(ctx));
		ui_time(ctx->lang, c->res.when, ny_now(), when, sizeof when);
		msg = xasprintf("%s %s", ui_tr(ctx, "tui.checkin.at"), when);
		ui_put_cut(w, 11, 2, msg, ctx->cols - 4, 0);
		free(msg);
		checkin_about(c, ctx, w, 12);
		break;
	case TICKET_REFUNDED:
		big_word(ctx, w, 7, ui_tr(ctx, "tui.checkin.refunded"),
		    ui_attr_bad(ctx));
		ui_put_wrapped(w, 11, 2, ui_tr(ctx, "tui.checkin.refunded_why"),
		    ctx->cols - 4, 2);
		checkin_about(c, ctx, w, 13);
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
	int cols = ctx->cols - 8 > 40 ? 40 : ctx->cols - 8;

	ui_put(w, 2, 2, ui_tr(ctx, "tui.checkin.prompt"), ctx->cols - 4, 0);
	if (c->have)
		checkin_result(c, ctx, w);
	ui_field_draw(&c->code, w, 3, 4, cols, 1);
	ui_cursor_at(ctx, w, 3, 4 + ui_field_cursor_col(&c->code, cols));
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
	if (c->err == NY_OK && c->res.status == TICKET_VALID) {
		char detail[128];

		snprintf(detail, sizeof detail, "ticket %lld (%s)",
		    (long long)c->res.ticket_id, c->res.slug);
		ui_audit(ctx, "ticket.checkin", detail);
	}
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

/* Esc clears a code being typed at once; on an empty field it waits
 * for a screen key. */
static int
checkin_esc_now(void *data)
{
	struct checkin *c = data;

	return c->code.len > 0;
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
	.esc_now = checkin_esc_now,
};
