/*
 * test-ui: the console widgets' logic without a terminal: text area
 * editing, wrapping, cursor moves and scrolling; list scrolling; the
 * single-line field with UTF-8; chart cells; display widths.
 */
#include <check.h>
#include <locale.h>
#include <string.h>

#include "../tui/ui.h"
#include "i18n.h"
#include "testutil.h"

static void
type(struct ui_textarea *t, const char *s)
{
	for (; *s; s++)
		ck_assert(ui_textarea_key(t, (unsigned char)*s));
}

START_TEST(textarea_edit)
{
	struct ui_textarea t;

	ui_textarea_init(&t, 100, NULL);
	type(&t, "Habari");
	ck_assert_str_eq(t.text, "Habari");
	ui_textarea_key(&t, KEY_LEFT);
	ui_textarea_key(&t, KEY_LEFT);
	type(&t, "X");
	ck_assert_str_eq(t.text, "HabaXri");
	ui_textarea_key(&t, KEY_BACKSPACE);
	ui_textarea_key(&t, KEY_DC);
	ck_assert_str_eq(t.text, "Habai");
	ui_textarea_key(&t, KEY_END);	/* not a textarea key: ignored */
	ck_assert_int_eq(ui_textarea_insert(&t, " ñ"), NY_OK);
	ck_assert_str_eq(t.text, "Haba ñi");
	/* Backspace removes the whole two-byte character. */
	ui_textarea_key(&t, KEY_BACKSPACE);
	ck_assert_str_eq(t.text, "Haba i");
	ui_textarea_free(&t);
}
END_TEST

START_TEST(textarea_limit)
{
	struct ui_textarea t;

	ui_textarea_init(&t, 5, "abc");
	ck_assert_int_eq(ui_textarea_insert(&t, "de"), NY_OK);
	ck_assert_int_eq(ui_textarea_insert(&t, "f"), NY_ELIMIT);
	ck_assert_int_eq(t.len, 5);
	ui_textarea_free(&t);
}
END_TEST

START_TEST(textarea_wrap)
{
	struct ui_textarea t;
	struct ui_vline v[16];
	int n;

	ui_textarea_init(&t, 1000, "the quick brown fox jumps\n\nover");
	ui_textarea_resize(&t, 10, 3);
	n = ui_textarea_wrap(&t, v, 16);
	/* "the quick " | "brown fox " | "jumps" | "" | "over" */
	ck_assert_int_eq(n, 5);
	ck_assert_int_eq(v[0].start, 0);
	ck_assert_int_eq(v[0].end, 10);
	ck_assert_int_eq(v[1].start, 10);
	ck_assert_int_eq(v[2].end, 25);
	ck_assert_int_eq(v[3].start, v[3].end);
	/* A word longer than the width is cut. */
	ui_textarea_free(&t);
	ui_textarea_init(&t, 1000, "abcdefghijklmnop");
	ui_textarea_resize(&t, 10, 3);
	n = ui_textarea_wrap(&t, v, 16);
	ck_assert_int_eq(n, 2);
	ck_assert_int_eq(v[0].end, 10);
	ui_textarea_free(&t);
}
END_TEST

START_TEST(textarea_cursor_and_scroll)
{
	struct ui_textarea t;
	int line, col, i;

	ui_textarea_init(&t, 1000, NULL);
	ui_textarea_resize(&t, 10, 2);
	for (i = 0; i < 5; i++) {
		type(&t, "line");
		ui_textarea_key(&t, '\r');
	}
	type(&t, "end");
	ui_textarea_cursor(&t, &line, &col);
	ck_assert_int_eq(line, 5);
	ck_assert_int_eq(col, 3);
	/* The cursor line is visible: top follows it. */
	ck_assert_int_eq(t.top, 4);
	ui_textarea_key(&t, KEY_UP);
	ui_textarea_key(&t, KEY_UP);
	ui_textarea_key(&t, KEY_UP);
	ui_textarea_cursor(&t, &line, &col);
	ck_assert_int_eq(line, 2);
	ck_assert_int_eq(col, 3);
	ck_assert_int_eq(t.top, 2);
	ui_textarea_key(&t, KEY_PPAGE);
	ui_textarea_key(&t, KEY_PPAGE);
	ui_textarea_cursor(&t, &line, &col);
	ck_assert_int_eq(line, 0);
	ck_assert_int_eq(t.top, 0);
	ui_textarea_key(&t, KEY_DOWN);
	type(&t, "X");
	ck_assert(strncmp(t.text, "line\nlinX", 9) == 0);
	ui_textarea_free(&t);
}
END_TEST

START_TEST(list_scroll)
{
	struct ui_list l = { 0 };
	int i;

	ui_list_set(&l, 0, 5);
	ck_assert_int_eq(l.sel, -1);
	ck_assert(ui_list_key(&l, KEY_DOWN));
	ck_assert_int_eq(l.sel, -1);
	ui_list_set(&l, 20, 5);
	ck_assert_int_eq(l.sel, 0);
	for (i = 0; i < 7; i++)
		ui_list_key(&l, KEY_DOWN);
	ck_assert_int_eq(l.sel, 7);
	ck_assert_int_eq(l.top, 3);
	ui_list_key(&l, KEY_END);
	ck_assert_int_eq(l.sel, 19);
	ck_assert_int_eq(l.top, 15);
	ui_list_key(&l, KEY_DOWN);
	ck_assert_int_eq(l.sel, 19);
	ui_list_key(&l, KEY_PPAGE);
	ck_assert_int_eq(l.sel, 14);
	ck_assert_int_le(l.top, 14);
	ui_list_key(&l, KEY_HOME);
	ck_assert_int_eq(l.sel, 0);
	ck_assert_int_eq(l.top, 0);
	/* The list shrinks under the selection (a filter). */
	ui_list_key(&l, KEY_END);
	ui_list_set(&l, 3, 5);
	ck_assert_int_eq(l.sel, 2);
	ck_assert_int_eq(l.top, 0);
	/* The window shrinks (resize): selection stays visible. */
	ui_list_set(&l, 20, 5);
	for (i = 0; i < 10; i++)
		ui_list_key(&l, KEY_DOWN);
	ui_list_set(&l, 20, 2);
	ck_assert_int_ge(l.sel, l.top);
	ck_assert_int_lt(l.sel, l.top + 2);
}
END_TEST

START_TEST(field_utf8)
{
	struct ui_field f;
	const char *s = "Ñyota";

	ui_field_init(&f, 8, NULL);
	for (; *s; s++)
		ck_assert(ui_field_key(&f, (unsigned char)*s));
	ck_assert_str_eq(f.text, "Ñyota");
	ui_field_key(&f, KEY_HOME);
	ui_field_key(&f, KEY_RIGHT);
	ck_assert_int_eq(f.cur, 2);	/* past the two bytes of Ñ */
	ui_field_key(&f, KEY_BACKSPACE);
	ck_assert_str_eq(f.text, "yota");
	ui_field_key(&f, KEY_END);
	ui_field_key(&f, 'a');
	ui_field_key(&f, 'b');
	ui_field_key(&f, 'c');
	ui_field_key(&f, 'd');
	ui_field_key(&f, 'e');	/* over the limit of 8 bytes */
	ck_assert_str_eq(f.text, "yotaabcd");
	ui_field_key(&f, 21);	/* ^U */
	ck_assert_str_eq(f.text, "");
	ck_assert(!ui_field_key(&f, KEY_F(1)));
}
END_TEST

START_TEST(widths)
{
	ck_assert_int_eq(ui_width("abc"), 3);
	ck_assert_int_eq(ui_width("Ñyota"), 5);
	ck_assert_int_eq(ui_width("██"), 2);
	ck_assert_int_eq(ui_fit("Ñyota", 2), 3);
	ck_assert_int_eq(ui_fit("abc", 10), 3);
	ck_assert_uint_eq(ui_utf8_prev("aÑb", 3), 1);
	ck_assert_uint_eq(ui_utf8_prev("aÑb", 1), 0);
	ck_assert_uint_eq(ui_utf8_prev("aÑb", 0), 0);
}
END_TEST

START_TEST(chart_cells)
{
	/* The biggest value fills every row; zero fills none. */
	ck_assert_int_eq(ui_chart_cell(10, 10, 4, 0), 8);
	ck_assert_int_eq(ui_chart_cell(10, 10, 4, 3), 8);
	ck_assert_int_eq(ui_chart_cell(0, 10, 4, 0), 0);
	/* Half: two full rows at the bottom, nothing above. */
	ck_assert_int_eq(ui_chart_cell(5, 10, 4, 1), 8);
	ck_assert_int_eq(ui_chart_cell(5, 10, 4, 2), 0);
	/* A tiny value still shows one eighth. */
	ck_assert_int_eq(ui_chart_cell(1, 1000, 4, 0), 1);
}
END_TEST

/* Error words come from the locales, in the console language. */
START_TEST(error_words)
{
	char *cause = NULL;

	ck_assert_int_eq(i18n_load(&cause), NY_OK);
	ck_assert_str_eq(ui_strerror("en", NY_EEXISTS), "already taken");
	ck_assert_str_eq(ui_strerror("sw", NY_EEXISTS),
	    "tayari imechukuliwa");
	ck_assert_str_eq(ui_strerror("sw", NY_EREPLAY), "tayari imetumika");
	ck_assert_str_eq(ui_strerror("sw", 99), ny_strerror(99));
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("ui");
	TCase *tc = tcase_create("widgets");

	setlocale(LC_ALL, "C.UTF-8");
	tcase_add_test(tc, textarea_edit);
	tcase_add_test(tc, textarea_limit);
	tcase_add_test(tc, textarea_wrap);
	tcase_add_test(tc, textarea_cursor_and_scroll);
	tcase_add_test(tc, list_scroll);
	tcase_add_test(tc, field_utf8);
	tcase_add_test(tc, widths);
	tcase_add_test(tc, chart_cells);
	tcase_add_test(tc, error_words);
	suite_add_tcase(s, tc);
	return run_suite(s);
}
