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

int
main(void)
{
	Suite *s = suite_create("util");
	TCase *tc = tcase_create("util");

	tcase_add_test(tc, grow_keeps_contents);
	tcase_add_test(tc, grow_no_change_when_roomy);
	suite_add_tcase(s, tc);
	return run_suite(s);
}
