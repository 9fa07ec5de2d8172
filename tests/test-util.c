/*
 * test-util: the allocation helpers of shared/util.c that other suites do
 * not already cover (xgrow).
 */
#include <check.h>
#include <stdlib.h>

#include "ny.h"
#include "testutil.h"

START_TEST(grow_keeps_contents)
{
	int *v = NULL;
	size_t cap = 0, i;

	v = xgrow(v, &cap, 1, sizeof *v);
	ck_assert_uint_eq(cap, 8);
	for (i = 0; i < 1000; i++) {
		v = xgrow(v, &cap, i + 1, sizeof *v);
		ck_assert_uint_ge(cap, i + 1);
		v[i] = (int)i;
	}
	for (i = 0; i < 1000; i++)
		ck_assert_int_eq(v[i], (int)i);
	free(v);
}
END_TEST

START_TEST(grow_no_change_when_roomy)
{
	char *p = xmalloc(16), *q;
	size_t cap = 16;

	q = xgrow(p, &cap, 16, 1);
	ck_assert_ptr_eq(p, q);
	ck_assert_uint_eq(cap, 16);
	q = xgrow(q, &cap, 100, 1);
	ck_assert_uint_eq(cap, 128);
	free(q);
}
END_TEST

/* ny_utf8_copy: cut at a character boundary, never inside one. */
START_TEST(utf8_copy)
{
	char out[8];

	ny_utf8_copy(out, sizeof out, "Kahawa");
	ck_assert_str_eq(out, "Kahawa");
	ny_utf8_copy(out, sizeof out, "Kahawa na chai");
	ck_assert_str_eq(out, "Kahawa ");
	/* "ab" and two 3-byte characters: 7 bytes of room hold "ab" and
	 * the first, not half of the second. */
	ny_utf8_copy(out, sizeof out, "ab\xe2\x98\x95\xe2\x98\x95");
	ck_assert_str_eq(out, "ab\xe2\x98\x95");
	ny_utf8_copy(out, 4, "\xe2\x98\x95x");
	ck_assert_str_eq(out, "\xe2\x98\x95");
	ny_utf8_copy(out, 3, "\xe2\x98\x95");
	ck_assert_str_eq(out, "");
}
END_TEST

/* ny_text_ok: UTF-8 well-formed, no control characters, counts characters. */
START_TEST(text_ok)
{
	size_t n = 0;

	ck_assert_int_eq(ny_text_ok("Kahawa ☕ na maandazi", 0, &n), 1);
	ck_assert_uint_eq(n, 20);
	ck_assert_int_eq(ny_text_ok("", 0, &n), 1);
	ck_assert_uint_eq(n, 0);
	ck_assert_int_eq(ny_text_ok("two\nlines", 0, NULL), 0);
	ck_assert_int_eq(ny_text_ok("two\nlines\tand\r", 1, NULL), 1);
	ck_assert_int_eq(ny_text_ok("bell\a", 1, NULL), 0);
	ck_assert_int_eq(ny_text_ok("del\x7f", 0, NULL), 0);
	ck_assert_int_eq(ny_text_ok("\xc0\xaf", 0, NULL), 0);	/* overlong */
	ck_assert_int_eq(ny_text_ok("\xf5\x80\x80\x80", 0, NULL), 0);
	ck_assert_int_eq(ny_text_ok("cut \xe2\x98", 0, NULL), 0);
	ck_assert_int_eq(ny_text_ok("\x80", 0, NULL), 0);
}
END_TEST


int
main(void)
{
	Suite *s = suite_create("util");
	TCase *tc = tcase_create("util");

	tcase_add_test(tc, grow_keeps_contents);
	tcase_add_test(tc, grow_no_change_when_roomy);
	tcase_add_test(tc, text_ok);
	tcase_add_test(tc, utf8_copy);
	suite_add_tcase(s, tc);
	return run_suite(s);
}
