/*
 * test-ui: the console widgets' logic without a terminal: text area
 * editing, wrapping, cursor moves and scrolling; list scrolling; the
 * single-line field with UTF-8; chart cells; display widths; the uploads
 * picker (filter, human sizes) and the scp/sftp/ssh command lines.
 */
#include <check.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../tui/ui.h"
#include "config.h"
#include "i18n.h"
#include "upload.h"
#include "testutil.h"

static void
type(struct ui_textarea *t, const char *s)
{
	for (; *s; s++)
		ck_assert(ui_textarea_key(t, (unsigned char)*s));
}

/* Cuts at words, never inside a multi-byte character, "…" marks it. */
START_TEST(cut_words)
{
	char buf[128];

	ck_assert_int_eq(ui_cut("Semina ya mtandaoni", 40, buf, sizeof buf),
	    19);
	ck_assert_str_eq(buf, "Semina ya mtandaoni");
	ui_cut("Semina ya mtandaoni", 12, buf, sizeof buf);
	ck_assert_str_eq(buf, "Semina ya…");
	ui_cut("Nairobi Street Photography", 17, buf, sizeof buf);
	ck_assert_str_eq(buf, "Nairobi Street…");
	ui_cut("imechapishwa", 8, buf, sizeof buf);
	ck_assert_str_eq(buf, "imechap…");
	ck_assert_int_le(ui_cut("Ngoma ya Pwani — kuishi", 20, buf,
	    sizeof buf), 20);
	ui_cut("ñññññ", 3, buf, sizeof buf);
	ck_assert_str_eq(buf, "ññ…");
	ck_assert_int_eq(ui_cut("abc", 0, buf, sizeof buf), 0);
	/* A short buffer: cut on a character, "…" kept, never overrun. */
	{
		char small[12];

		ui_cut("ñññññññññ", 40, small, sizeof small);
		ck_assert_str_eq(small, "ññññ…");
		ui_cut("abcdefghijklmnop", 40, small, sizeof small);
		ck_assert_str_eq(small, "abcdefgh…");
	}
	ck_assert_str_eq(buf, "");
}
END_TEST

/* Whole items only, the help item always kept, within the width. */
START_TEST(status_hints)
{
	char buf[256];
	int w;

	w = ui_hints("Enter open  r refund  f filter  t to refund",
	    "1-7 screens  n new  ? help  q quit", 79, buf, sizeof buf);
	ck_assert_str_eq(buf, "Enter open  r refund  f filter  t to refund  "
	    "1-7 screens  n new  ? help  q quit");
	ck_assert_int_eq(w, ui_width(buf));
	w = ui_hints("l lugha  n jina  b maelezo  p picha  x ondoa picha  "
	    "a ongeza ufunguo wa SSH  d ondoa ufunguo  i mwaliko",
	    "1-7 skrini  n mpya  ? msaada  q toka", 78, buf, sizeof buf);
	ck_assert_int_le(w, 78);
	ck_assert_ptr_nonnull(strstr(buf, "? msaada"));
	ck_assert_ptr_nonnull(strstr(buf, "l lugha"));
	ck_assert_ptr_null(strstr(buf, "i mwal"));	/* dropped whole */
	/* No "?": the last global item (quit) stays. */
	ui_hints("type a code, Enter", "Esc+1-7 screens  Esc+q quit", 30, buf,
	    sizeof buf);
	ck_assert_str_eq(buf, "type a code, Enter  Esc+q quit");
	ui_hints("a  b", "? help", 3, buf, sizeof buf);
	ck_assert_str_eq(buf, "");
}
END_TEST

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

/* The wrapping both ui_put_wrapped and the text area use (ui-text.c):
 * multi-byte characters count once, and max only limits what is
 * filled, never the count. */
START_TEST(wrap_text)
{
	const char *s = "ñaña ñaña ñaña";
	struct ui_vline v[2];
	int cols;

	ck_assert_int_eq(ui_char_at(s, strlen(s), 0, &cols), 2);
	ck_assert_int_eq(cols, 1);
	ck_assert_int_eq(ui_char_at(s, 1, 0, &cols), 1);	/* cut at len */
	/* "ñaña " | "ñaña " | "ñaña": 5 columns of 7 bytes each */
	ck_assert_int_eq(ui_wrap(s, strlen(s), 5, v, 2), 3);
	ck_assert_int_eq(v[0].start, 0);
	ck_assert_int_eq(v[0].end, 7);
	ck_assert_int_eq(v[1].start, 7);
	ck_assert_int_eq(v[1].end, 14);
	ck_assert_int_eq(ui_wrap("", 0, 5, v, 2), 1);
	ck_assert_int_eq(v[0].start, v[0].end);
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
	/* Amounts near INT64_MAX: no overflow, full and half bars. */
	ck_assert_int_eq(ui_chart_cell(INT64_MAX, INT64_MAX, 8, 7), 8);
	ck_assert_int_eq(ui_chart_cell(INT64_MAX / 2, INT64_MAX, 8, 3), 8);
	ck_assert_int_eq(ui_chart_cell(INT64_MAX / 2, INT64_MAX, 8, 4), 0);
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

/* The command lines creators are shown, IPv4, names and IPv6. */
START_TEST(upload_commands)
{
	struct ny_config cfg;
	char buf[256], host[64], port[8];

	memset(&cfg, 0, sizeof cfg);
	cfg.ssh_public = (char *)"shop.example:2222";
	ck_assert_str_eq(ui_upload_cmd(&cfg, "wanjiru", buf, sizeof buf),
	    "scp -P 2222 FILE wanjiru@shop.example:");
	ck_assert_str_eq(ui_sftp_cmd(&cfg, "wanjiru", buf, sizeof buf),
	    "sftp -P 2222 wanjiru@shop.example");
	ck_assert_str_eq(ui_ssh_cmd(&cfg, "invite", buf, sizeof buf),
	    "ssh -p 2222 invite@shop.example");
	cfg.ssh_public = (char *)"[::1]:2222";
	ck_assert_str_eq(ui_upload_cmd(&cfg, "wanjiru", buf, sizeof buf),
	    "scp -P 2222 FILE wanjiru@[::1]:");
	ck_assert_str_eq(ui_sftp_cmd(&cfg, "wanjiru", buf, sizeof buf),
	    "sftp -P 2222 wanjiru@[::1]");
	/* ssh wants the bare address ("[::1]" does not resolve). */
	ck_assert_str_eq(ui_ssh_cmd(&cfg, "setup", buf, sizeof buf),
	    "ssh -p 2222 setup@::1");
	cfg.ssh_public = (char *)"[2001:db8::7]:22";
	ck_assert_str_eq(ui_ssh_cmd(&cfg, "a", buf, sizeof buf),
	    "ssh -p 22 a@2001:db8::7");
	ui_hostport("[::1]", host, sizeof host, port);
	ck_assert_str_eq(host, "[::1]");
	ck_assert_str_eq(port, "22");
	ui_hostport("10.0.0.5:2200", host, sizeof host, port);
	ck_assert_str_eq(host, "10.0.0.5");
	ck_assert_str_eq(port, "2200");
	/* Cut, never overflowing. */
	cfg.ssh_public = (char *)"shop.example:2222";
	ui_upload_cmd(&cfg, "wanjiru", buf, 8);
	ck_assert_str_eq(buf, "scp -P ");
}
END_TEST

START_TEST(picker_helpers)
{
	char buf[32];

	ck_assert(ui_match("Album/Cover.PNG", ""));
	ck_assert(ui_match("Album/Cover.PNG", "cover"));
	ck_assert(ui_match("Album/Cover.PNG", "M/C"));
	ck_assert(ui_match("pack.zip", "PACK.ZIP"));
	ck_assert(!ui_match("pack.zip", "pack.zip2"));
	ck_assert(!ui_match("", "a"));
	ck_assert(ui_image_name("a.png") && ui_image_name("B.JPG") &&
	    ui_image_name("c.jpeg") && ui_image_name("x/d.WebP"));
	ck_assert(!ui_image_name("png") && !ui_image_name("a.png.zip") &&
	    !ui_image_name(".png") && !ui_image_name("a.gif"));
	ck_assert_str_eq(ui_base_name("raw/b.png"), "b.png");
	ck_assert_str_eq(ui_base_name("b.png"), "b.png");
	ui_human_size(0, buf, sizeof buf);
	ck_assert_str_eq(buf, "0 B");
	ui_human_size(999, buf, sizeof buf);
	ck_assert_str_eq(buf, "999 B");
	ui_human_size(1200, buf, sizeof buf);
	ck_assert_str_eq(buf, "1.2 kB");
	ui_human_size(1234567, buf, sizeof buf);
	ck_assert_str_eq(buf, "1.2 MB");
	ui_human_size(3000000, buf, sizeof buf);
	ck_assert_str_eq(buf, "3.0 MB");
	ui_human_size(999999, buf, sizeof buf);	/* not "1000.0 kB" */
	ck_assert_str_eq(buf, "1.0 MB");
	ui_human_size(INT64_C(4294967296), buf, sizeof buf);
	ck_assert_str_eq(buf, "4.3 GB");
}
END_TEST

/* Typing narrows the list; Space / Enter pick, Esc closes. */
START_TEST(picker_filter)
{
	struct upload_entry *v = calloc(4, sizeof *v);
	struct ui_picker p;

	memset(&p, 0, sizeof p);
	snprintf(v[0].path, sizeof v[0].path, "raw/Cover.png");
	snprintf(v[1].path, sizeof v[1].path, "pack.zip");
	snprintf(v[2].path, sizeof v[2].path, "notes.pdf");
	snprintf(v[3].path, sizeof v[3].path, "cover.webp");
	ui_picker_set(&p, v, 4, 0);
	ck_assert_int_eq(p.nshown, 4);
	ck_assert_str_eq(ui_picker_selected(&p)->path, "raw/Cover.png");
	ck_assert_int_eq(ui_picker_key(&p, 'C'), UI_PICK_NONE);
	ck_assert_int_eq(ui_picker_key(&p, 'o'), UI_PICK_NONE);
	ck_assert_int_eq(p.nshown, 2);
	ck_assert_int_eq(ui_picker_key(&p, KEY_DOWN), UI_PICK_NONE);
	ck_assert_str_eq(ui_picker_selected(&p)->path, "cover.webp");
	ck_assert_int_eq(ui_picker_key(&p, ' '), UI_PICK_ADD);
	ck_assert_int_eq(ui_picker_key(&p, '\r'), UI_PICK_DONE);
	ck_assert_int_eq(ui_picker_key(&p, 'x'), UI_PICK_NONE);
	ck_assert_int_eq(p.nshown, 0);
	ck_assert_ptr_null(ui_picker_selected(&p));
	ck_assert_int_eq(ui_picker_key(&p, '\r'), UI_PICK_NONE);
	ck_assert_int_eq(ui_picker_key(&p, KEY_BACKSPACE), UI_PICK_NONE);
	ck_assert_int_eq(p.nshown, 2);
	ck_assert_int_eq(ui_picker_key(&p, 27), UI_PICK_CLOSE);
	/* Images only: by name; the real check is image_put_fd's. */
	ui_field_init(&p.filter, 64, NULL);
	v = calloc(4, sizeof *v);
	memcpy(v, p.all, 4 * sizeof *v);
	ui_picker_set(&p, v, 4, UI_PICK_IMAGES);
	ck_assert_int_eq(p.nshown, 2);
	ui_picker_free(&p);
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
	tcase_add_test(tc, wrap_text);
	tcase_add_test(tc, textarea_cursor_and_scroll);
	tcase_add_test(tc, list_scroll);
	tcase_add_test(tc, field_utf8);
	tcase_add_test(tc, widths);
	tcase_add_test(tc, chart_cells);
	tcase_add_test(tc, error_words);
	tcase_add_test(tc, upload_commands);
	tcase_add_test(tc, picker_helpers);
	tcase_add_test(tc, picker_filter);
	tcase_add_test(tc, cut_words);
	tcase_add_test(tc, status_hints);
	suite_add_tcase(s, tc);
	return run_suite(s);
}
