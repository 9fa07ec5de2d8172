/*
 * wizard-auto.c: the product wizard's automatic messages step (see
 * screen-wizard.c): the automations of the product ("Welcome" 10 minutes
 * after the purchase, a reminder a day before the start), listed, added
 * through a small form (trigger cycled with ←→, minutes, English and
 * Swahili bodies) and removed. Nothing is written until the product is:
 * then wizard_auto_save deletes the removed ones and adds the new (the
 * outbox scheduler sends them).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "automation.h"
#include "i18n.h"
#include "screen-automations.h"
#include "wizard-int.h"

/* The triggers the form cycles through; automation_trigger_ok says
 * which a kind allows. */
static const char *const auto_triggers[] = {
	"purchase", "before_start", "before_end", NULL
};

void
wizard_auto_load(struct wizard *z, struct ui_ctx *ctx)
{
	struct automation *v;
	size_t n, i;

	if (automation_list(ctx->db, z->edit_id, &v, &n) != NY_OK)
		return;
	for (i = 0; i < n && z->nautos < WIZ_AUTOS_MAX; i++) {
		struct wizard_auto *a = &z->autos[z->nautos++];

		a->id = v[i].id;
		snprintf(a->trigger, sizeof a->trigger, "%s", v[i].trigger);
		a->offset = v[i].offset_minutes;
		a->en = xstrdup(v[i].body_en);
		a->sw = xstrdup(v[i].body_sw);
	}
	automation_list_free(v, n);
}

/* Indices of the automations shown (not removed) into idx; how many. */
static int
autos_shown(const struct wizard *z, int idx[WIZ_AUTOS_MAX])
{
	int i, n = 0;

	for (i = 0; i < z->nautos; i++)
		if (!z->autos[i].removed)
			idx[n++] = i;
	return n;
}

/* Moves atrig to the next (dir 1) or previous trigger this kind allows. */
static void
autos_cycle(struct wizard *z, int dir)
{
	const char *kind = product_kinds[z->kind];
	int i, n = 3, t = z->atrig;

	for (i = 0; i < n; i++) {
		t = (t + dir + n) % n;
		if (automation_trigger_ok(auto_triggers[t], kind)) {
			z->atrig = t;
			return;
		}
	}
}

/* Opens the add form empty (0 minutes after the purchase), unless the
 * product has WIZ_AUTOS_MAX already: then says so. */
static void
autos_open(struct wizard *z, struct ui_ctx *ctx)
{
	if (z->nautos >= WIZ_AUTOS_MAX) {
		snprintf(z->err, sizeof z->err, "%s",
		    ui_tr(ctx, "tui.auto.err.full"));
		return;
	}
	z->adding = 1;
	z->afocus = A_OFFSET;
	z->atrig = 0;		/* purchase suits every kind */
	ui_field_init(&z->af[A_OFFSET], 6, "0");
	ui_field_init(&z->af[A_EN], 400, NULL);
	ui_field_init(&z->af[A_SW], 400, NULL);
	z->err[0] = '\0';
}

/* Checks the form and keeps the automation (saved with the product). */
static void
autos_form_save(struct wizard *z, struct ui_ctx *ctx)
{
	const char *trigger = auto_triggers[z->atrig], *why = NULL;
	struct wizard_auto *a;
	int64_t off = 0;
	int i, bad = A_OFFSET;

	if (ny_parse_int(z->af[A_OFFSET].text, 0, AUTOMATION_OFFSET_MAX, &off)
	    != NY_OK)
		why = "tui.auto.err.offset";
	else if (z->af[A_EN].len == 0 || z->af[A_SW].len == 0) {
		why = "tui.auto.err.body";
		bad = z->af[A_EN].len == 0 ? A_EN : A_SW;
	} else
		for (i = 0; i < z->nautos; i++)
			if (!z->autos[i].removed && z->autos[i].offset == off &&
			    strcmp(z->autos[i].trigger, trigger) == 0)
				why = "tui.auto.err.same";
	if (why != NULL) {
		z->afocus = bad;
		snprintf(z->err, sizeof z->err, "%s", ui_tr(ctx, why));
		return;
	}
	a = &z->autos[z->nautos++];
	memset(a, 0, sizeof *a);
	snprintf(a->trigger, sizeof a->trigger, "%s", trigger);
	a->offset = (int)off;
	a->en = xstrdup(z->af[A_EN].text);
	a->sw = xstrdup(z->af[A_SW].text);
	z->adding = 0;
	z->err[0] = '\0';
}

/* Removes the selected one (a saved one is deleted when the product is). */
static void
autos_remove(struct wizard *z, struct ui_ctx *ctx)
{
	int idx[WIZ_AUTOS_MAX], n = autos_shown(z, idx), i;
	struct wizard_auto *a;

	if (z->alist.sel < 0 || z->alist.sel >= n ||
	    !ui_confirm(ctx, ui_tr(ctx, "tui.auto.remove_q")))
		return;
	a = &z->autos[idx[z->alist.sel]];
	if (a->id != 0) {
		a->removed = 1;
		return;
	}
	free(a->en);
	free(a->sw);
	for (i = idx[z->alist.sel]; i + 1 < z->nautos; i++)
		z->autos[i] = z->autos[i + 1];
	z->nautos--;
}

int
wizard_auto_ok(struct wizard *z, struct ui_ctx *ctx)
{
	int i;

	for (i = 0; i < z->nautos; i++)
		if (!z->autos[i].removed && !automation_trigger_ok(
		    z->autos[i].trigger, product_kinds[z->kind])) {
			z->step = S_AUTOS;
			snprintf(z->err, sizeof z->err, "%s",
			    ui_tr(ctx, "tui.auto.err.kind"));
			return 0;
		}
	return 1;
}

enum ny_err
wizard_auto_save(struct wizard *z, struct ui_ctx *ctx, int64_t product_id)
{
	struct wizard_auto *a;
	enum ny_err err = NY_OK;
	int i;

	for (i = 0; i < z->nautos && err == NY_OK; i++) {
		a = &z->autos[i];
		if (a->removed && a->id != 0) {
			err = automation_remove(ctx->db, a->id);
			if (err == NY_ENOTFOUND)
				err = NY_OK;
			if (err == NY_OK)
				a->id = 0;
		} else if (!a->removed && a->id == 0)
			err = automation_add(ctx->db, product_id, a->trigger,
			    a->offset, a->en, a->sw, &a->id);
	}
	return err;
}

/* The add form from row y: the trigger, the minutes, both bodies. */
static void
draw_autos_form(struct wizard *z, struct ui_ctx *ctx, WINDOW *w, int y)
{
	static const char *const labels[A_COUNT] = { "tui.auto.trigger",
	    "tui.auto.offset", "tui.auto.en", "tui.auto.sw" };
	char key[48], val[120];
	int i, wv[A_COUNT], lw, x, cols;

	/* Labels as wide as the longest in the console language. */
	for (i = 0; i < A_COUNT; i++)
		wv[i] = ui_width(ui_tr(ctx, labels[i]));
	lw = wizard_label_cols(wv, A_COUNT, ctx->cols);
	x = lw + 4;
	cols = ctx->cols - x - 2;
	for (i = 0; i < A_COUNT && y < ctx->rows - 4; i++, y += 2) {
		ui_put_cut(w, y, 2, ui_tr(ctx, labels[i]), lw, 0);
		if (i != A_TRIGGER) {
			ui_field_draw(&z->af[i], w, y, x, cols,
			    i == z->afocus);
			if (i == z->afocus)
				ui_cursor_at(ctx, w, y, x +
				    ui_field_cursor_col(&z->af[i], cols));
			continue;
		}
		snprintf(key, sizeof key, "tui.auto.t.%s",
		    auto_triggers[z->atrig]);
		snprintf(val, sizeof val, "< %s >", ui_tr(ctx, key));
		if (z->afocus == A_TRIGGER)
			wattron(w, A_REVERSE);
		ui_put(w, y, x, val, cols, 0);
		wattroff(w, A_REVERSE);
	}
	ui_put_cut(w, ctx->rows - 4, 2, ui_tr(ctx, "tui.auto.form_keys"),
	    ctx->cols - 4, 0);
}

void
wizard_auto_draw(struct wizard *z, struct ui_ctx *ctx, WINDOW *w)
{
	int idx[WIZ_AUTOS_MAX], n = autos_shown(z, idx), i, y = 4;
	const struct wizard_auto *a;
	char line[600], when[160];

	ui_put_wrapped(w, y, 2, ui_tr(ctx, "tui.auto.about"), ctx->cols - 4, 2);
	y += 2;
	if (n == 0)
		ui_put_cut(w, y++, 4, ui_tr(ctx, "tui.auto.none"), ctx->cols - 6, 0);
	z->alist.height = z->adding ? 3 : ctx->rows - 10;
	ui_list_set(&z->alist, n, z->alist.height);
	for (i = 0; i < z->alist.height && z->alist.top + i < n; i++) {
		a = &z->autos[idx[z->alist.top + i]];
		/* The same words as the automations list (3 Products, m). */
		screen_automations_when(ctx->lang, a->trigger, a->offset, when,
		    sizeof when);
		snprintf(line, sizeof line, "%-30s %s / %s", when, a->en, a->sw);
		if (!z->adding && z->alist.top + i == z->alist.sel)
			wattron(w, A_REVERSE);
		ui_put_cut(w, y++, 4, line, ctx->cols - 6, 1);
		wattroff(w, A_REVERSE);
	}
	if (z->adding)
		draw_autos_form(z, ctx, w, y + 1);
	else
		ui_put_cut(w, ctx->rows - 4, 2, ui_tr(ctx, "tui.auto.keys"),
		    ctx->cols - 4, 0);
}

/* A key in the add form: Esc closes it, Tab/↑↓ move, Enter moves on
 * and saves on the last field, ←→/Space cycle the trigger. */
static int
autos_form_key(struct wizard *z, struct ui_ctx *ctx, int ch)
{
	switch (ch) {
	case 27:
		z->adding = 0;
		z->err[0] = '\0';
		return UI_HANDLED | UI_REDRAW;
	case '\t': case KEY_DOWN:
		z->afocus = (z->afocus + 1) % A_COUNT;
		return UI_HANDLED | UI_REDRAW;
	case KEY_UP:
		z->afocus = (z->afocus + A_COUNT - 1) % A_COUNT;
		return UI_HANDLED | UI_REDRAW;
	case '\r': case '\n': case KEY_ENTER:
		if (z->afocus + 1 < A_COUNT)
			z->afocus++;
		else
			autos_form_save(z, ctx);
		return UI_HANDLED | UI_REDRAW;
	}
	if (z->afocus == A_TRIGGER) {
		if (ch == KEY_LEFT || ch == KEY_RIGHT || ch == ' ')
			autos_cycle(z, ch == KEY_LEFT ? -1 : 1);
		return UI_HANDLED | UI_REDRAW;
	}
	ui_field_key(&z->af[z->afocus], ch);
	return UI_HANDLED | UI_REDRAW;
}

int
wizard_auto_key(struct wizard *z, struct ui_ctx *ctx, int ch)
{
	if (z->adding)
		return autos_form_key(z, ctx, ch);
	if (ui_list_key(&z->alist, ch))
		return UI_HANDLED | UI_REDRAW;
	switch (ch) {
	case 'a':
		autos_open(z, ctx);
		return UI_HANDLED | UI_REDRAW;
	case 'x': case KEY_DC:
		autos_remove(z, ctx);
		return UI_HANDLED | UI_REDRAW;
	}
	return 0;
}

void
wizard_auto_free(struct wizard *z)
{
	int i;

	for (i = 0; i < z->nautos; i++) {
		free(z->autos[i].en);
		free(z->autos[i].sw);
	}
}

