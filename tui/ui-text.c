/*
 * ui-text.c: UTF-8 aware text helpers for the screens: widths, cutting,
 * wrapping (which the text area uses too: the arrow points from
 * ui-textarea.c to here, never back), labels, money and times.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <wchar.h>

#include "i18n.h"
#include "money.h"
#include "pay.h"
#include "ui.h"

const char *
ui_tr(const struct ui_ctx *ctx, const char *key)
{
	return i18n_get(ctx->lang, key);
}

const char *
ui_strerror(const char *lang, enum ny_err err)
{
	const char *t;
	char key[24];

	snprintf(key, sizeof key, "tui.e.%d", err);
	t = i18n_get(lang, key);
	return strcmp(t, key) == 0 ? ny_strerror(err) : t;
}

size_t
ui_utf8_prev(const char *s, size_t i)
{
	while (i > 0 && ((unsigned char)s[--i] & 0xc0) == 0x80)
		;
	return i;
}

/* Decodes one character at s; returns its bytes (≥ 1) and columns. */
static size_t
next_char(const char *s, size_t n, int *cols)
{
	mbstate_t ms;
	wchar_t wc;
	size_t r;
	int c;

	memset(&ms, 0, sizeof ms);
	r = mbrtowc(&wc, s, n, &ms);
	if (r == (size_t)-1 || r == (size_t)-2 || r == 0) {
		*cols = 1;
		return 1;
	}
	c = wcwidth(wc);
	*cols = c < 0 ? 1 : c;
	return r;
}

int
ui_width(const char *s)
{
	size_t n = strlen(s), i = 0;
	int w = 0, c;

	while (i < n) {
		i += next_char(s + i, n - i, &c);
		w += c;
	}
	return w;
}

size_t
ui_fit(const char *s, int cols)
{
	size_t n = strlen(s), i = 0, r;
	int w = 0, c;

	while (i < n) {
		r = next_char(s + i, n - i, &c);
		if (w + c > cols)
			break;
		w += c;
		i += r;
	}
	return i;
}

void
ui_put(WINDOW *w, int y, int x, const char *s, int cols, int pad)
{
	size_t n;
	int used;

	if (cols <= 0)
		return;
	n = ui_fit(s, cols);
	mvwaddnstr(w, y, x, s, (int)n);
	if (pad) {
		char tmp[UI_FIELD_MAX];

		snprintf(tmp, sizeof tmp, "%.*s", (int)n, s);
		for (used = ui_width(tmp); used < cols; used++)
			waddch(w, ' ');
	}
}

int
ui_cut(const char *s, int cols, char *buf, size_t len)
{
	size_t n, keep, i;

	if (len == 0)
		return 0;
	buf[0] = '\0';
	if (cols <= 0 || len < 5)
		return 0;
	if (ui_width(s) <= cols && strlen(s) < len) {
		memcpy(buf, s, strlen(s) + 1);
		return ui_width(buf);
	}
	/* Room for the ellipsis (1 column, 3 bytes), on a character's
	 * start: a run of zero-width marks fits the columns, not buf. */
	n = ui_fit(s, cols - 1);
	if (n > len - 4) {
		n = len - 4;
		while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
			n--;
	}
	keep = n;
	/* Back to the last word that fits. */
	for (i = n; i > 0; i--)
		if (s[i] == ' ' && s[i - 1] != ' ') {
			keep = i;
			break;
		}
	/* One long word, or a word cut short of half the room: cut it. */
	if (i == 0 || (int)i * 2 < (int)n)
		keep = n;
	while (keep > 0 && s[keep - 1] == ' ')
		keep--;
	memcpy(buf, s, keep);
	memcpy(buf + keep, "…", sizeof "…");
	return ui_width(buf);
}

/* Splits hints at their two-space separators into at most max items. */
static int
hint_items(char *s, char *items[], int max)
{
	char *p = s, *sep;
	int n = 0;

	while (*p == ' ')
		p++;
	while (*p != '\0' && n < max) {
		items[n++] = p;
		if ((sep = strstr(p, "  ")) == NULL)
			break;
		*sep = '\0';
		for (p = sep + 2; *p == ' '; p++)
			;
	}
	return n;
}

/* Appends item to buf (two spaces between items). */
static void
hint_add(char *buf, size_t len, const char *item)
{
	size_t used = strlen(buf);

	snprintf(buf + used, len - used, "%s%s", used ? "  " : "", item);
}

int
ui_hints(const char *screen, const char *global, int cols, char *buf,
    size_t len)
{
	char sc[UI_FIELD_MAX], gl[UI_FIELD_MAX];
	char *si[32], *gi[16];
	int ns, ng, i, keep = -1, room, used = 0, w;

	snprintf(sc, sizeof sc, "%s", screen);
	snprintf(gl, sizeof gl, "%s", global);
	ns = hint_items(sc, si, 32);
	ng = hint_items(gl, gi, 16);
	buf[0] = '\0';
	/* The way to the full help is never dropped: "? help", else the
	 * last global item (quit). */
	for (i = 0; i < ng; i++)
		if (strchr(gi[i], '?') != NULL)
			keep = i;
	if (keep < 0 && ng > 0)
		keep = ng - 1;
	room = cols - (keep >= 0 ? ui_width(gi[keep]) + 2 : 0);
	for (i = 0; i < ns; i++) {
		w = ui_width(si[i]) + (used ? 2 : 0);
		if (used + w > room)
			break;
		hint_add(buf, len, si[i]);
		used += w;
	}
	for (i = 0; i < ng; i++) {
		w = ui_width(gi[i]) + (used ? 2 : 0);
		if (used + w > (i == keep ? cols : room))
			continue;
		hint_add(buf, len, gi[i]);
		used += w;
		if (i == keep)	/* its room was set aside */
			room = cols;
	}
	return used;
}

void
ui_put_cut(WINDOW *w, int y, int x, const char *s, int cols, int pad)
{
	char buf[UI_FIELD_MAX];

	ui_cut(s, cols, buf, sizeof buf);
	ui_put(w, y, x, buf, cols, pad);
}

void
ui_put_cells(WINDOW *w, int y, int x, int max, const struct ui_col *cols,
    int n, const char *const *cell)
{
	int i, width, sw;

	for (i = 0; i < n && x < max; i++) {
		width = cols[i].width < max - x ? cols[i].width : max - x;
		if (cols[i].raw)
			ui_put(w, y, x, cell[i], width, 0);
		else if (cols[i].right) {
			sw = ui_width(cell[i]);
			ui_put_cut(w, y, x + (sw < width ? width - sw : 0),
			    cell[i], width, 0);
		} else
			ui_put_cut(w, y, x, cell[i], width, 0);
		x += cols[i].width + cols[i].gap;
	}
}

char *
ui_money(const struct ui_ctx *ctx, int64_t minor, const char *currency)
{
	char buf[64];

	money_format(minor, currency, ctx->lang, buf, sizeof buf);
	return xstrdup(buf);
}

char *
ui_unpayable(const struct ui_ctx *ctx, const char *methods, const char *key,
    const char *currency)
{
	char names[64];

	if (pay_takes(methods, currency))
		return NULL;
	pay_methods_names(methods, currency, names, sizeof names);
	return i18n_fmt(ctx->lang, key, "currency", currency, "methods", names,
	    NULL);
}

void
ui_time(const char *lang, int64_t t, int64_t now, char *buf, size_t len)
{
	time_t lt = (time_t)(t + 3 * 3600);	/* EAT, as stats.h */
	struct tm tm;
	char key[24];

	gmtime_r(&lt, &tm);
	if (now - t < 20 * 3600 && t <= now) {
		strftime(buf, len, "%H:%M:%S", &tm);
		return;
	}
	/* The month in the creator's language ("3 Des"), C's without one. */
	snprintf(key, sizeof key, "tui.mon.%d", tm.tm_mon + 1);
	if (lang == NULL)
		strftime(buf, len, "%d %b %H:%M", &tm);
	else
		snprintf(buf, len, "%02d %s %02d:%02d", tm.tm_mday,
		    i18n_get(lang, key), tm.tm_hour, tm.tm_min);
}

/* Bytes and columns of the UTF-8 character at i (never past len). */
size_t
ui_char_at(const char *s, size_t len, size_t i, int *cols)
{
	char one[8];
	size_t n = 1;

	while (i + n < len && n < 4 && ((unsigned char)s[i + n] & 0xc0) == 0x80)
		n++;
	memcpy(one, s + i, n);
	one[n] = '\0';
	*cols = ui_width(one);
	return n;
}

/* Wraps one paragraph [a, b) of s; appends lines to v from index *k. */
static void
wrap_para(const char *s, size_t a, size_t b, int width, struct ui_vline *v,
    int max, int *k)
{
	size_t i = a, start = a, brk;
	int w = 0, c;

	brk = 0;
	while (i < b) {
		size_t n = ui_char_at(s, b, i, &c);

		if (w + c > width && i > start) {
			size_t end = brk > start ? brk : i;

			if (*k < max)
				v[*k] = (struct ui_vline){ start, end };
			(*k)++;
			start = end;
			/* Measure again from the new line's start. */
			w = 0;
			i = start;
			brk = 0;
			continue;
		}
		w += c;
		i += n;
		if (s[i - n] == ' ')
			brk = i;
	}
	if (*k < max)
		v[*k] = (struct ui_vline){ start, b };
	(*k)++;
}

int
ui_wrap(const char *s, size_t len, int width, struct ui_vline *v, int max)
{
	size_t a = 0, b;
	int k = 0;

	for (;;) {
		const char *nl = memchr(s + a, '\n', len - a);

		b = nl ? (size_t)(nl - s) : len;
		wrap_para(s, a, b, width, v, max, &k);
		if (nl == NULL)
			break;
		a = b + 1;
	}
	return k;
}

int
ui_put_wrapped(WINDOW *w, int y, int x, const char *s, int cols, int max)
{
	struct ui_vline v[32];
	char line[UI_FIELD_MAX];
	int n, i;

	/* At least 4 columns, as a text area wraps (ui_textarea_resize). */
	n = ui_wrap(s, strlen(s), cols < 4 ? 4 : cols, v, 32);
	if (n > max)
		n = max;
	if (n > 32)
		n = 32;
	for (i = 0; i < n; i++) {
		size_t len = v[i].end - v[i].start;

		if (len >= sizeof line)
			len = sizeof line - 1;
		memcpy(line, s + v[i].start, len);
		line[len] = '\0';
		ui_put(w, y + i, x, line, cols, 0);
	}
	return n;
}
