/*
 * ui-field.c: a single-line UTF-8 input field.
 */
#include <string.h>

#include "ui.h"

void
ui_field_init(struct ui_field *f, size_t max, const char *text)
{
	memset(f, 0, sizeof *f);
	f->max = max == 0 || max >= UI_FIELD_MAX ? UI_FIELD_MAX - 1 : max;
	if (text != NULL) {
		f->len = strlen(text);
		if (f->len > f->max)
			f->len = f->max;
		memcpy(f->text, text, f->len);
		f->text[f->len] = '\0';
	}
	f->cur = f->len;
}

static size_t
next_start(const char *s, size_t len, size_t i)
{
	if (i < len)
		i++;
	while (i < len && ((unsigned char)s[i] & 0xc0) == 0x80)
		i++;
	return i;
}

static void
del_range(struct ui_field *f, size_t a, size_t b)
{
	memmove(f->text + a, f->text + b, f->len - b + 1);
	f->len -= b - a;
	f->cur = a;
}

int
ui_field_key(struct ui_field *f, int ch)
{
	size_t p;

	switch (ch) {
	case KEY_LEFT:
		f->cur = ui_utf8_prev(f->text, f->cur);
		return 1;
	case KEY_RIGHT:
		f->cur = next_start(f->text, f->len, f->cur);
		return 1;
	case KEY_HOME: case 1:
		f->cur = 0;
		return 1;
	case KEY_END: case 5:
		f->cur = f->len;
		return 1;
	case KEY_BACKSPACE: case 127: case 8:
		if (f->cur > 0)
			del_range(f, ui_utf8_prev(f->text, f->cur), f->cur);
		return 1;
	case KEY_DC:
		if (f->cur < f->len)
			del_range(f, f->cur, next_start(f->text, f->len,
			    f->cur));
		return 1;
	case 21:	/* ^U */
		del_range(f, 0, f->cur);
		return 1;
	}
	if (ch < 0x20 || ch > 0xff || ch == 0x7f)
		return 0;
	/* Bytes arrive one by one from getch (UTF-8 passes through). */
	if (f->len + 1 > f->max)
		return 1;
	p = f->cur;
	memmove(f->text + p + 1, f->text + p, f->len - p + 1);
	f->text[p] = (char)ch;
	f->len++;
	f->cur++;
	return 1;
}

/* The byte where f's visible part starts so the cursor fits in cols. */
static const char *
field_shown(const struct ui_field *f, int cols, char before[UI_FIELD_MAX])
{
	const char *shown = f->text;

	memcpy(before, f->text, f->cur);
	before[f->cur] = '\0';
	/* Scroll so the cursor stays inside the field. */
	while (ui_width(before + (shown - f->text)) >= cols && *shown)
		shown += next_start(shown, strlen(shown), 0);
	return shown;
}

int
ui_field_cursor_col(const struct ui_field *f, int cols)
{
	char before[UI_FIELD_MAX];
	const char *shown = field_shown(f, cols, before);

	return ui_width(before + (shown - f->text));
}

void
ui_field_draw(const struct ui_field *f, WINDOW *w, int y, int x, int cols,
    int focused)
{
	char before[UI_FIELD_MAX];
	const char *shown = field_shown(f, cols, before);

	if (focused)
		wattron(w, A_UNDERLINE);
	ui_put(w, y, x, shown, cols, 1);
	if (focused)
		wattroff(w, A_UNDERLINE);
	if (focused)
		wmove(w, y, x + ui_width(before + (shown - f->text)));
}

void
ui_cursor_at(struct ui_ctx *ctx, WINDOW *w, int y, int x)
{
	int by, bx;

	getbegyx(w, by, bx);
	ctx->cur_y = by + y;
	ctx->cur_x = bx + x;
}
