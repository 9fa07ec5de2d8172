/*
 * ui-list.c: selection and scrolling of a list of n rows shown height at
 * a time. Drawing is the screen's (it knows its columns).
 */
#include "ui.h"

void
ui_list_fix(struct ui_list *l)
{
	if (l->height < 1)
		l->height = 1;
	if (l->n <= 0) {
		l->n = 0;
		l->sel = -1;
		l->top = 0;
		return;
	}
	if (l->sel < 0)
		l->sel = 0;
	if (l->sel >= l->n)
		l->sel = l->n - 1;
	if (l->top > l->sel)
		l->top = l->sel;
	if (l->sel >= l->top + l->height)
		l->top = l->sel - l->height + 1;
	if (l->top > l->n - l->height)
		l->top = l->n - l->height;
	if (l->top < 0)
		l->top = 0;
}

void
ui_list_set(struct ui_list *l, int n, int height)
{
	l->n = n;
	l->height = height;
	ui_list_fix(l);
}

int
ui_list_key(struct ui_list *l, int ch)
{
	switch (ch) {
	case KEY_UP: case 'k':
		l->sel--;
		break;
	case KEY_DOWN: case 'j':
		l->sel++;
		break;
	case KEY_PPAGE:
		l->sel -= l->height;
		l->top -= l->height;
		break;
	case KEY_NPAGE:
		l->sel += l->height;
		l->top += l->height;
		break;
	case KEY_HOME:
		l->sel = 0;
		break;
	case KEY_END:
		l->sel = l->n - 1;
		break;
	default:
		return 0;
	}
	if (l->sel < 0 && l->n > 0)
		l->sel = 0;
	ui_list_fix(l);
	return 1;
}
