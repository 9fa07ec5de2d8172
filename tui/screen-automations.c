/*
 * screen-automations.c: the automatic messages of one product, opened
 * from Products (m): when each goes, how many it has sent and has still
 * pending in the outbox (automation_counts), and its first words in the
 * console's language. Read only: they are made and changed in the
 * product's wizard.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "automation.h"
#include "i18n.h"
#include "screen-automations.h"

#define SA_GAP		2
#define SA_WHEN_MAX	128	/* bytes of a "when" in words */

struct screen_automations {
	int64_t			 product_id;
	char			*title;
	struct automation	*v;
	size_t			 n;
	int			 ok;
	struct ui_list		 list;
};

/* "2 hours" of a count of unit ("day", "hour", "min") in lang (caller frees). */
static char *
sa_unit(const char *lang, const char *unit, int n)
{
	char key[32], num[16];

	snprintf(key, sizeof key, "tui.dur.%s", unit);
	snprintf(num, sizeof num, "%d", n);
	return i18n_fmt_n(lang, key, n, "n", num, NULL);
}

void
screen_automations_when(const char *lang, const char *trigger,
    int offset_minutes, char *buf, size_t len)
{
	static const struct {
		const char	*unit;
		int		 minutes;
	} units[] = { { "day", 1440 }, { "hour", 60 }, { "min", 1 } };
	char key[48], time[SA_WHEN_MAX] = "", *part, *s;
	size_t used = 0, i;
	int left = offset_minutes;

	if (offset_minutes <= 0) {
		snprintf(key, sizeof key, "tui.autos.at.%s", trigger);
		snprintf(buf, len, "%s", i18n_get(lang, key));
		return;
	}
	/* Whole days, then hours, then minutes: "1 day 2 hours". */
	for (i = 0; i < sizeof units / sizeof units[0]; i++) {
		if (left < units[i].minutes)
			continue;
		part = sa_unit(lang, units[i].unit, left / units[i].minutes);
		left %= units[i].minutes;
		if (used < sizeof time)
			used += (size_t)snprintf(time + used,
			    sizeof time - used, "%s%s", used ? " " : "", part);
		free(part);
	}
	snprintf(key, sizeof key, "tui.autos.when.%s", trigger);
	s = i18n_fmt(lang, key, "time", time, NULL);
	snprintf(buf, len, "%s", s);
	free(s);
}

void
screen_automations_reload(struct screen_automations *sa, struct ui_ctx *ctx)
{
	automation_list_free(sa->v, sa->n);
	sa->v = NULL;
	sa->n = 0;
	sa->ok = automation_list(ctx->db, sa->product_id, &sa->v, &sa->n) ==
	    NY_OK && automation_counts(ctx->db, sa->product_id, sa->v,
	    sa->n) == NY_OK;
	ui_list_set(&sa->list, (int)sa->n, ctx->rows - 6);
}

struct screen_automations *
screen_automations_open(struct ui_ctx *ctx, int64_t id, const char *title)
{
	struct screen_automations *sa = xcalloc(1, sizeof *sa);

	sa->product_id = id;
	sa->title = xstrdup(title);
	screen_automations_reload(sa, ctx);
	return sa;
}

void
screen_automations_free(struct screen_automations *sa)
{
	if (sa == NULL)
		return;
	automation_list_free(sa->v, sa->n);
	free(sa->title);
	free(sa);
}

/* Column widths: the numbers as wide as their heading, the rest shared. */
struct sa_cols {
	int	 when, sent, pending, failed, message;
};

/* The "when" of row i with "(off)" when it is turned off, into buf. */
static void
sa_when_text(struct screen_automations *sa, struct ui_ctx *ctx, size_t i,
    char *buf, size_t len)
{
	char when[SA_WHEN_MAX];

	screen_automations_when(ctx->lang, sa->v[i].trigger,
	    sa->v[i].offset_minutes, when, sizeof when);
	snprintf(buf, len, "%s%s%s", when, sa->v[i].enabled ? "" : " ",
	    sa->v[i].enabled ? "" : ui_tr(ctx, "tui.autos.off"));
}

static void
sa_layout(struct screen_automations *sa, struct ui_ctx *ctx,
    struct sa_cols *c)
{
	char when[SA_WHEN_MAX + 32];
	int avail = ctx->cols - 2, anyfail = 0, rest;
	size_t i;

	c->when = ui_width(ui_tr(ctx, "tui.autos.col.when"));
	c->sent = ui_width(ui_tr(ctx, "tui.autos.col.sent"));
	c->pending = ui_width(ui_tr(ctx, "tui.autos.col.pending"));
	for (i = 0; i < sa->n; i++) {
		sa_when_text(sa, ctx, i, when, sizeof when);
		c->when = ui_max(c->when, ui_width(when));
		anyfail |= sa->v[i].failed > 0;
	}
	c->failed = anyfail ? ui_width(ui_tr(ctx, "tui.autos.col.failed")) : 0;
	rest = avail - c->sent - c->pending - (c->failed ? c->failed +
	    SA_GAP : 0) - 3 * SA_GAP;
	/* The message keeps at least a third of the line. */
	if (c->when > rest - rest / 3)
		c->when = rest - rest / 3;
	c->message = rest - c->when;
}

/* A count right-aligned in width columns at y, x. */
static void
sa_num(WINDOW *w, int y, int x, int width, int64_t n)
{
	char buf[24];

	snprintf(buf, sizeof buf, "%lld", (long long)n);
	ui_put(w, y, x + width - ui_width(buf), buf, ui_width(buf), 0);
}

/* The heading right-aligned like its numbers. */
static void
sa_head_num(struct ui_ctx *ctx, WINDOW *w, int y, int x, int width,
    const char *key)
{
	const char *s = ui_tr(ctx, key);

	ui_put(w, y, x + width - ui_width(s), s, ui_width(s), 0);
}

static void
sa_head(struct ui_ctx *ctx, WINDOW *w, int y, const struct sa_cols *c)
{
	int x = 1;

	wattron(w, A_BOLD);
	ui_put_cut(w, y, x, ui_tr(ctx, "tui.autos.col.when"), c->when, 0);
	x += c->when + SA_GAP;
	sa_head_num(ctx, w, y, x, c->sent, "tui.autos.col.sent");
	x += c->sent + SA_GAP;
	sa_head_num(ctx, w, y, x, c->pending, "tui.autos.col.pending");
	x += c->pending + SA_GAP;
	if (c->failed) {
		sa_head_num(ctx, w, y, x, c->failed, "tui.autos.col.failed");
		x += c->failed + SA_GAP;
	}
	ui_put_cut(w, y, x, ui_tr(ctx, "tui.autos.col.message"), c->message,
	    0);
	wattroff(w, A_BOLD);
}

/* The message's words on one line: line breaks become spaces. */
static void
sa_flat(const char *s, char *buf, size_t len)
{
	size_t i;

	snprintf(buf, len, "%s", s ? s : "");
	for (i = 0; buf[i]; i++)
		if (buf[i] == '\n' || buf[i] == '\r' || buf[i] == '\t')
			buf[i] = ' ';
}

static void
sa_row(struct screen_automations *sa, struct ui_ctx *ctx, WINDOW *w, int y,
    size_t i, const struct sa_cols *c)
{
	const struct automation *a = &sa->v[i];
	char when[SA_WHEN_MAX + 32], body[UI_FIELD_MAX];
	int x = 1, attr = (int)i == sa->list.sel ? A_REVERSE : 0;

	wattron(w, attr);
	ui_put(w, y, 1, "", ctx->cols - 2, 1);
	sa_when_text(sa, ctx, i, when, sizeof when);
	ui_put_cut(w, y, x, when, c->when, 0);
	x += c->when + SA_GAP;
	sa_num(w, y, x, c->sent, a->sent);
	x += c->sent + SA_GAP;
	sa_num(w, y, x, c->pending, a->pending);
	x += c->pending + SA_GAP;
	if (c->failed) {
		if (a->failed > 0)
			sa_num(w, y, x, c->failed, a->failed);
		x += c->failed + SA_GAP;
	}
	sa_flat(strcmp(ctx->lang, "sw") == 0 ? a->body_sw : a->body_en, body,
	    sizeof body);
	ui_put_cut(w, y, x, body, c->message, 0);
	wattroff(w, attr);
}

void
screen_automations_draw(struct screen_automations *sa, struct ui_ctx *ctx,
    WINDOW *w)
{
	struct sa_cols c;
	char *title;
	int i;

	title = i18n_fmt(ctx->lang, "tui.autos.title", "product", sa->title,
	    NULL);
	wattron(w, A_BOLD);
	ui_put_cut(w, 1, 1, title, ctx->cols - 2, 0);
	wattroff(w, A_BOLD);
	free(title);
	if (!sa->ok)
		ui_put_cut(w, 3, 1, ui_tr(ctx, "tui.err.db"), ctx->cols - 2, 0);
	else if (sa->n == 0)
		ui_put_wrapped(w, 3, 1, ui_tr(ctx, "tui.autos.none"),
		    ctx->cols - 2, 4);
	else {
		sa_layout(sa, ctx, &c);
		sa_head(ctx, w, 2, &c);
		ui_list_set(&sa->list, (int)sa->n, ctx->rows - 6);
		for (i = 0; i < sa->list.height &&
		    sa->list.top + i < (int)sa->n; i++)
			sa_row(sa, ctx, w, 3 + i, (size_t)(sa->list.top + i),
			    &c);
		ui_put_wrapped(w, ctx->rows - 3, 1,
		    ui_tr(ctx, "tui.autos.note"), ctx->cols - 2, 2);
	}
	/* The view's own keys in the bar (ui_bar_status shows flash). */
	if (ctx->flash[0] == '\0')
		snprintf(ctx->flash, sizeof ctx->flash, "%s",
		    ui_tr(ctx, "tui.help.autos"));
}

int
screen_automations_key(struct screen_automations *sa, struct ui_ctx *ctx,
    int ch)
{
	if (ui_list_key(&sa->list, ch))
		return UI_HANDLED | UI_REDRAW;
	switch (ch) {
	case 27: case KEY_LEFT: case KEY_BACKSPACE: case 127: case '\b':
		ctx->flash[0] = '\0';
		return UI_HANDLED | UI_REDRAW | SCREEN_AUTOMATIONS_CLOSE;
	}
	return 0;
}
