/*
 * ui-textarea.c: a multi-line UTF-8 editor with word wrapping and
 * scrolling (the wizard's story step). The text is one buffer; wrapping
 * is recomputed from it when needed (stories are a few KB at most).
 */
#include <stdlib.h>
#include <string.h>

#include "ui.h"

#define TA_MAX_LINES	4096

void
ui_textarea_init(struct ui_textarea *t, size_t max, const char *text)
{
	memset(t, 0, sizeof *t);
	t->max = max;
	t->cap = 256;
	t->text = xmalloc(t->cap);
	t->text[0] = '\0';
	t->width = 40;
	t->height = 5;
	if (text != NULL)
		ui_textarea_insert(t, text);
	t->cur = 0;
}

void
ui_textarea_free(struct ui_textarea *t)
{
	free(t->text);
	t->text = NULL;
}

void
ui_textarea_resize(struct ui_textarea *t, int width, int height)
{
	t->width = width < 4 ? 4 : width;
	t->height = height < 1 ? 1 : height;
}

enum ny_err
ui_textarea_insert(struct ui_textarea *t, const char *s)
{
	size_t n = strlen(s);

	if (t->len + n > t->max)
		return NY_ELIMIT;
	while (t->len + n + 1 > t->cap) {
		t->cap *= 2;
		t->text = xrealloc(t->text, t->cap);
	}
	memmove(t->text + t->cur + n, t->text + t->cur, t->len - t->cur + 1);
	memcpy(t->text + t->cur, s, n);
	t->len += n;
	t->cur += n;
	return NY_OK;
}

int
ui_textarea_wrap(const struct ui_textarea *t, struct ui_vline *v, int max)
{
	return ui_wrap(t->text, t->len, t->width, v, max);
}

/* Visual line holding byte offset pos. */
static int
line_of(const struct ui_vline *v, int n, size_t pos)
{
	int i;

	for (i = n - 1; i > 0; i--)
		if (v[i].start <= pos)
			break;
	/* A position at a wrap point belongs to the next line. */
	return i;
}

static int
cols_between(const struct ui_textarea *t, size_t a, size_t b)
{
	int w = 0, c;

	while (a < b)
		a += ui_char_at(t->text, b, a, &c), w += c;
	return w;
}

void
ui_textarea_cursor(const struct ui_textarea *t, int *line, int *col)
{
	struct ui_vline *v = xcalloc(TA_MAX_LINES, sizeof *v);
	int n = ui_textarea_wrap(t, v, TA_MAX_LINES);

	if (n > TA_MAX_LINES)
		n = TA_MAX_LINES;
	*line = line_of(v, n, t->cur);
	*col = cols_between(t, v[*line].start, t->cur);
	free(v);
}

/* Byte offset in line l closest to column col. */
static size_t
at_col(const struct ui_textarea *t, const struct ui_vline *l, int col)
{
	size_t i = l->start;
	int w = 0, c;

	while (i < l->end) {
		size_t n = ui_char_at(t->text, l->end, i, &c);

		if (w + c > col)
			break;
		w += c;
		i += n;
	}
	return i;
}

static void
move_line(struct ui_textarea *t, int delta)
{
	struct ui_vline *v = xcalloc(TA_MAX_LINES, sizeof *v);
	int n = ui_textarea_wrap(t, v, TA_MAX_LINES), l, col, to;

	if (n > TA_MAX_LINES)
		n = TA_MAX_LINES;
	l = line_of(v, n, t->cur);
	col = cols_between(t, v[l].start, t->cur);
	to = l + delta;
	if (to < 0)
		to = 0;
	if (to >= n)
		to = n - 1;
	t->cur = at_col(t, &v[to], col);
	free(v);
}

static void
delete_range(struct ui_textarea *t, size_t a, size_t b)
{
	memmove(t->text + a, t->text + b, t->len - b + 1);
	t->len -= b - a;
	t->cur = a;
}

/* Keeps the cursor line on screen. */
static void
scroll_to_cursor(struct ui_textarea *t)
{
	int line, col;

	ui_textarea_cursor(t, &line, &col);
	if (line < t->top)
		t->top = line;
	if (line >= t->top + t->height)
		t->top = line - t->height + 1;
}

static int
edit_key(struct ui_textarea *t, int ch)
{
	char one[2] = { (char)ch, 0 };
	int c;

	switch (ch) {
	case KEY_BACKSPACE: case 127: case 8:
		if (t->cur > 0)
			delete_range(t, ui_utf8_prev(t->text, t->cur), t->cur);
		return 1;
	case KEY_DC:
		if (t->cur < t->len)
			delete_range(t, t->cur, t->cur +
			    ui_char_at(t->text, t->len, t->cur, &c));
		return 1;
	case '\n': case '\r': case KEY_ENTER:
		ui_textarea_insert(t, "\n");
		return 1;
	}
	if (ch < 0x20 || ch > 0xff || ch == 0x7f)
		return 0;
	ui_textarea_insert(t, one);
	return 1;
}

int
ui_textarea_key(struct ui_textarea *t, int ch)
{
	int c, r = 1;

	switch (ch) {
	case KEY_LEFT:
		t->cur = ui_utf8_prev(t->text, t->cur);
		break;
	case KEY_RIGHT:
		if (t->cur < t->len)
			t->cur += ui_char_at(t->text, t->len, t->cur, &c);
		break;
	case KEY_UP:
		move_line(t, -1);
		break;
	case KEY_DOWN:
		move_line(t, 1);
		break;
	case KEY_PPAGE:
		move_line(t, -t->height);
		break;
	case KEY_NPAGE:
		move_line(t, t->height);
		break;
	default:
		r = edit_key(t, ch);
	}
	if (r)
		scroll_to_cursor(t);
	return r;
}

void
ui_textarea_draw(struct ui_textarea *t, WINDOW *w, int y, int x,
    int focused)
{
	struct ui_vline *v = xcalloc(TA_MAX_LINES, sizeof *v);
	int n = ui_textarea_wrap(t, v, TA_MAX_LINES), i, line, col;
	char buf[UI_FIELD_MAX];

	if (n > TA_MAX_LINES)
		n = TA_MAX_LINES;
	for (i = 0; i < t->height; i++) {
		buf[0] = '\0';
		if (t->top + i < n) {
			struct ui_vline *l = &v[t->top + i];
			size_t len = l->end - l->start;

			if (len >= sizeof buf)
				len = sizeof buf - 1;
			memcpy(buf, t->text + l->start, len);
			buf[len] = '\0';
		}
		ui_put(w, y + i, x, buf, t->width, 1);
	}
	free(v);
	if (focused) {
		ui_textarea_cursor(t, &line, &col);
		wmove(w, y + line - t->top, x + col);
	}
}
