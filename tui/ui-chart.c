/*
 * ui-chart.c: a vertical bar chart with eighth blocks (▁▂▃▄▅▆▇█), one
 * bar per value; '#' on terminals without UTF-8 line drawing (vt100).
 */
#include "ui.h"

static const char *const ui_eighths[9] = {
	" ", "▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"
};

int
ui_chart_cell(int64_t v, int64_t max, int height, int r)
{
	int64_t units, below;

	if (max <= 0 || v <= 0 || height <= 0)
		return 0;
	/* Height of the bar in eighths of a row, at least one when > 0. */
	units = (v * height * 8 + max - 1) / max;
	if (units < 1)
		units = 1;
	below = (int64_t)r * 8;		/* r counts rows from the bottom */
	if (units <= below)
		return 0;
	return units - below >= 8 ? 8 : (int)(units - below);
}

void
ui_chart_draw(WINDOW *w, int y, int x, int height, const int64_t *v, int n,
    int ascii)
{
	int64_t max = 0;
	int i, r, cell, bw;

	for (i = 0; i < n; i++)
		if (v[i] > max)
			max = v[i];
	bw = (getmaxx(w) - x) >= 2 * n ? 2 : 1;
	for (r = 0; r < height; r++) {
		for (i = 0; i < n; i++) {
			cell = ui_chart_cell(v[i], max, height, height - 1 - r);
			mvwaddstr(w, y + r, x + i * bw, ascii ?
			    (cell >= 4 ? "#" : cell > 0 ? "." : " ") :
			    ui_eighths[cell]);
		}
	}
}
