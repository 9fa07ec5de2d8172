/*
 * ui-chart.c: a vertical bar chart with its axes. Bars are eighth blocks
 * (▁▂▃▄▅▆▇█) and the axes box-drawing lines; on terminals without UTF-8
 * line drawing (vt100) '#', '|', '-', '+' and '^'. The arithmetic (top,
 * labels, bar width, ticks, selection) is apart from the drawing so the
 * tests check it without a terminal.
 */
#include <stdio.h>
#include <string.h>

#include "ui.h"

#define CHART_LABEL_MAX	32	/* bytes of one axis label */
#define CHART_TICKS_MAX	64

static const char *const ui_eighths[9] = {
	" ", "▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"
};

int
ui_chart_cell(int64_t v, int64_t max, int height, int r)
{
	int64_t units, below;

	if (max <= 0 || v <= 0 || height <= 0)
		return 0;
	/* Height of the bar in eighths of a row, at least one when > 0
	 * (in 128 bits: v * height * 8 passes int64 for huge amounts). */
	if (v > max)
		v = max;
	units = (int64_t)(((unsigned __int128)v * (unsigned)height * 8 +
	    (unsigned __int128)max - 1) / (unsigned __int128)max);
	if (units < 1)
		units = 1;
	below = (int64_t)r * 8;		/* r counts rows from the bottom */
	if (units <= below)
		return 0;
	return units - below >= 8 ? 8 : (int)(units - below);
}

/* 10^e for the small exponents of currencies (0 to 3). */
static int64_t
chart_unit(int exponent)
{
	int64_t u = 1;

	while (exponent-- > 0)
		u *= 10;
	return u;
}

int64_t
ui_chart_top(int64_t max, int exponent)
{
	static const int steps[] = { 1, 2, 4, 6, 8 };
	int64_t unit = chart_unit(exponent), p;
	size_t i;

	if (max <= 0)
		return unit;
	/* The 10^k loop stops before p * 8 * unit could overflow. */
	for (p = 1; p <= INT64_MAX / 80 / unit; p *= 10)
		for (i = 0; i < sizeof steps / sizeof steps[0]; i++)
			if (steps[i] * p * unit >= max)
				return steps[i] * p * unit;
	return max;
}

void
ui_chart_amount(int64_t minor, int exponent, char *buf, size_t len)
{
	static const struct {
		int64_t		 size;
		const char	*suffix;
	} units[] = {
		{ INT64_C(1000000000), "B" }, { 1000000, "M" }, { 1000, "k" },
		{ 1, "" },
	};
	int64_t unit = chart_unit(exponent), major, tenths, whole, dec;
	size_t i;

	if (minor < 0)
		minor = 0;	/* net revenue per day is never below 0 */
	major = minor / unit;
	tenths = (minor % unit) * 10 / unit;
	for (i = 0; i < sizeof units / sizeof units[0] - 1; i++)
		if (major >= units[i].size)
			break;
	whole = major / units[i].size;
	dec = units[i].size == 1 ? tenths :
	    (major % units[i].size) * 10 / units[i].size;
	/* A decimal only where it is the difference between two labels
	 * ("1.5k", "0.5"), never on a long figure. */
	if (dec != 0 && whole < 10)
		snprintf(buf, len, "%lld.%lld%s", (long long)whole,
		    (long long)dec, units[i].suffix);
	else
		snprintf(buf, len, "%lld%s", (long long)whole,
		    units[i].suffix);
}

int
ui_chart_bar_width(int cols, int n)
{
	int bw;

	if (n <= 0 || cols <= n)
		return 1;
	bw = cols / n;
	return bw > 4 ? 4 : bw;
}

int
ui_chart_ticks(int n, int bw, int label_w, int room, int *at, int max)
{
	static const int every[] = { 1, 2, 7, 14, 28 };
	int k = 0, i, cnt = 0, first;
	size_t j;

	if (n <= 0 || bw <= 0 || max <= 0)
		return 0;
	for (j = 0; j < sizeof every / sizeof every[0]; j++) {
		k = every[j];
		if (k * bw >= label_w + 1)
			break;
	}
	/* Back from the last bar (today) by k: the oldest first in at[]. */
	for (first = n - 1; first - k >= 0; first -= k)
		;
	for (i = first; i < n && cnt < max; i += k)
		if (i * bw + label_w <= room)
			at[cnt++] = i;
	return cnt;
}

int
ui_chart_move(int sel, int step, int n)
{
	if (n <= 0)
		return -1;
	sel += step;
	if (sel < 0)
		return 0;
	return sel >= n ? n - 1 : sel;
}

/* The glyphs of the axes in one style. */
struct chart_glyphs {
	const char	*vline, *tick_y, *corner, *hline, *tick_x, *mark;
};

static const struct chart_glyphs chart_utf8 = {
	"│", "┤", "└", "─", "┴", "▲"
};
static const struct chart_glyphs chart_ascii = {
	"|", "+", "+", "-", "+", "^"
};

/* The glyph of cell (0..8) of a bar. */
static const char *
chart_glyph(const struct ui_chart *c, int cell)
{
	if (!c->ascii)
		return ui_eighths[cell];
	return cell >= 4 ? "#" : cell > 0 ? "." : " ";
}

/*
 * The y axis at column x (labels right-aligned in aw columns, then a
 * space and the line) for h rows of bars from y, the corner on row
 * y + h: the top, its half (on the row whose top edge it is) and 0.
 */
static void
chart_y_axis(WINDOW *w, int y, int x, int aw, int h, int64_t top,
    const struct ui_chart *c, const struct chart_glyphs *g)
{
	char label[CHART_LABEL_MAX];
	int r;

	for (r = 0; r < h; r++)
		mvwaddstr(w, y + r, x + aw + 1, r == 0 || r == h / 2 ?
		    g->tick_y : g->vline);
	mvwaddstr(w, y + h, x + aw + 1, g->corner);
	ui_chart_amount(top, c->exponent, label, sizeof label);
	ui_put(w, y, x + aw - ui_width(label), label, aw, 0);
	if (h >= 4) {
		ui_chart_amount(top / 2, c->exponent, label, sizeof label);
		ui_put(w, y + h / 2, x + aw - ui_width(label), label, aw, 0);
	}
	ui_put(w, y + h, x + aw - 1, "0", 1, 0);
}

/* The bars from column x, bw columns each (a gap after a bar when bw > 1). */
static void
chart_bars(WINDOW *w, int y, int x, int h, int bw, int room, int64_t top,
    const struct ui_chart *c)
{
	int i, r, k, cell, gw = bw > 1 ? bw - 1 : 1;

	/* Too narrow for every day (under 40 columns): the bars that fit. */
	for (i = 0; i < c->n; i++) {
		if ((i + 1) * bw > room)
			break;
		if (i == c->sel)
			wattron(w, c->hl);
		for (r = 0; r < h; r++) {
			cell = ui_chart_cell(c->v[i], top, h, h - 1 - r);
			if (cell == 0)
				continue;
			for (k = 0; k < gw; k++)
				mvwaddstr(w, y + r, x + i * bw + k,
				    chart_glyph(c, cell));
		}
		if (i == c->sel)
			wattroff(w, c->hl);
	}
}

/*
 * The axis line on row y from column x over room columns, a tick under
 * each labelled bar and the mark under the selected one; the labels on
 * row y + 1.
 */
static void
chart_x_axis(WINDOW *w, int y, int x, int room, int bw,
    const struct ui_chart *c, const struct chart_glyphs *g)
{
	char label[CHART_LABEL_MAX];
	int at[CHART_TICKS_MAX], i, n, lw = 0, end = c->n * bw;

	for (i = 0; i < c->n; i++) {
		c->label(c->arg, i, label, sizeof label);
		if (ui_width(label) > lw)
			lw = ui_width(label);
	}
	for (i = 0; i < (end < room ? end : room); i++)
		mvwaddstr(w, y, x + i, g->hline);
	n = ui_chart_ticks(c->n, bw, lw, room, at, CHART_TICKS_MAX);
	for (i = 0; i < n; i++) {
		mvwaddstr(w, y, x + at[i] * bw, g->tick_x);
		c->label(c->arg, at[i], label, sizeof label);
		ui_put(w, y + 1, x + at[i] * bw, label, lw, 0);
	}
	if (c->sel >= 0 && c->sel < c->n && c->sel * bw < room) {
		wattron(w, A_BOLD);
		mvwaddstr(w, y, x + c->sel * bw, g->mark);
		wattroff(w, A_BOLD);
	}
}

void
ui_chart_draw(WINDOW *w, int y, int x, int height, int width,
    const struct ui_chart *c)
{
	const struct chart_glyphs *g = c->ascii ? &chart_ascii : &chart_utf8;
	char label[CHART_LABEL_MAX];
	int64_t max = 0, top;
	int i, h = height - 2, aw, bw, x0;

	if (h % 2 == 1) {
		h--;
		y++;
	}
	if (h < 2 || c->n <= 0)
		return;
	for (i = 0; i < c->n; i++)
		if (c->v[i] > max)
			max = c->v[i];
	top = ui_chart_top(max, c->exponent);
	/* The wider of the top's and its half's ("1k" and "500"). */
	ui_chart_amount(top, c->exponent, label, sizeof label);
	aw = ui_width(label);
	ui_chart_amount(top / 2, c->exponent, label, sizeof label);
	if (ui_width(label) > aw)
		aw = ui_width(label);
	x0 = x + aw + 2;
	bw = ui_chart_bar_width(width - (aw + 2), c->n);
	chart_y_axis(w, y, x, aw, h, top, c, g);
	chart_bars(w, y, x0, h, bw, width - (aw + 2), top, c);
	chart_x_axis(w, y + h, x0, width - (aw + 2), bw, c, g);
}
