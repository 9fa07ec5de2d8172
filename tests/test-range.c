/*
 * test-range: the Range header parser at its edges (RFC 9110 §14).
 */
#include <check.h>
#include <string.h>

#include "../storefront/range.h"
#include "testutil.h"

static enum range_result
rp(const char *h, int64_t size, int64_t *f, int64_t *l)
{
	*f = *l = -1;
	return range_parse(h, size, f, l);
}

START_TEST(single_ranges)
{
	int64_t f, l;

	ck_assert_int_eq(rp("bytes=0-0", 1000, &f, &l), RANGE_PARTIAL);
	ck_assert_int_eq(f, 0);
	ck_assert_int_eq(l, 0);				/* first byte */
	ck_assert_int_eq(rp("bytes=999-999", 1000, &f, &l), RANGE_PARTIAL);
	ck_assert_int_eq(f, 999);
	ck_assert_int_eq(l, 999);			/* last byte */
	ck_assert_int_eq(rp("bytes=-100", 1000, &f, &l), RANGE_PARTIAL);
	ck_assert_int_eq(f, 900);
	ck_assert_int_eq(l, 999);			/* suffix */
	ck_assert_int_eq(rp("bytes=-5000", 1000, &f, &l), RANGE_PARTIAL);
	ck_assert_int_eq(f, 0);
	ck_assert_int_eq(l, 999);			/* suffix > size */
	ck_assert_int_eq(rp("bytes=500-", 1000, &f, &l), RANGE_PARTIAL);
	ck_assert_int_eq(f, 500);
	ck_assert_int_eq(l, 999);			/* open end */
	ck_assert_int_eq(rp("bytes=10-99999999999999999999999", 1000, &f, &l),
	    RANGE_PARTIAL);
	ck_assert_int_eq(l, 999);			/* clamped */
	/* Found by fuzz-range: huge numbers saturate, never overflow. */
	ck_assert_int_eq(rp("bytes=-0099999999999909999989", 1000, &f, &l),
	    RANGE_PARTIAL);
	ck_assert_int_eq(f, 0);
	ck_assert_int_eq(rp("bytes=9223372036854775807-", 1000, &f, &l),
	    RANGE_UNSATISFIABLE);
	ck_assert_int_eq(rp("Bytes=1-2", 1000, &f, &l), RANGE_PARTIAL);
	ck_assert_int_eq(rp("bytes= 1-2 ", 1000, &f, &l), RANGE_PARTIAL);
	ck_assert_int_eq(rp("bytes=1-2,", 1000, &f, &l), RANGE_PARTIAL);
}
END_TEST

START_TEST(unsatisfiable)
{
	int64_t f, l;

	ck_assert_int_eq(rp("bytes=1000-", 1000, &f, &l), RANGE_UNSATISFIABLE);
	ck_assert_int_eq(rp("bytes=1000-2000", 1000, &f, &l),
	    RANGE_UNSATISFIABLE);
	ck_assert_int_eq(rp("bytes=99999999999999999999999-", 1000, &f, &l),
	    RANGE_UNSATISFIABLE);
	ck_assert_int_eq(rp("bytes=-0", 1000, &f, &l), RANGE_UNSATISFIABLE);
	ck_assert_int_eq(rp("bytes=0-", 0, &f, &l), RANGE_UNSATISFIABLE);
	ck_assert_int_eq(rp("bytes=-10", 0, &f, &l), RANGE_UNSATISFIABLE);
	ck_assert_int_eq(rp("bytes=2000-3000, 5000-", 1000, &f, &l),
	    RANGE_UNSATISFIABLE);
}
END_TEST

START_TEST(ignored)
{
	int64_t f, l;

	/* Malformed: served in full (a server may ignore Range). */
	ck_assert_int_eq(rp(NULL, 1000, &f, &l), RANGE_FULL);
	ck_assert_int_eq(rp("", 1000, &f, &l), RANGE_FULL);
	ck_assert_int_eq(rp("bytes=", 1000, &f, &l), RANGE_FULL);
	ck_assert_int_eq(rp("bytes=abc", 1000, &f, &l), RANGE_FULL);
	ck_assert_int_eq(rp("bytes=5-2", 1000, &f, &l), RANGE_FULL);
	ck_assert_int_eq(rp("bytes=-", 1000, &f, &l), RANGE_FULL);
	ck_assert_int_eq(rp("bytes=1-2-3", 1000, &f, &l), RANGE_FULL);
	ck_assert_int_eq(rp("bytes=--1", 1000, &f, &l), RANGE_FULL);
	ck_assert_int_eq(rp("bytes=+1-2", 1000, &f, &l), RANGE_FULL);
	ck_assert_int_eq(rp("items=0-1", 1000, &f, &l), RANGE_FULL);
	ck_assert_int_eq(rp("bytes 0-1", 1000, &f, &l), RANGE_FULL);
	ck_assert_int_eq(rp("bytes=0-1;x", 1000, &f, &l), RANGE_FULL);
	/* Several ranges: we send the whole file. */
	ck_assert_int_eq(rp("bytes=0-1,5-6", 1000, &f, &l), RANGE_FULL);
	ck_assert_int_eq(rp("bytes=0-1,5000-6000", 1000, &f, &l), RANGE_FULL);
}
END_TEST

START_TEST(long_header)
{
	char h[RANGE_HDR_MAX + 16];
	int64_t f, l;
	size_t i;

	memcpy(h, "bytes=", 6);
	for (i = 6; i < sizeof h - 1; i++)
		h[i] = '0';
	h[sizeof h - 1] = '\0';
	ck_assert_int_eq(rp(h, 1000, &f, &l), RANGE_FULL);
}
END_TEST

static Suite *
range_suite(void)
{
	Suite *s = suite_create("range");
	TCase *tc = tcase_create("parse");

	tcase_add_test(tc, single_ranges);
	tcase_add_test(tc, unsatisfiable);
	tcase_add_test(tc, ignored);
	tcase_add_test(tc, long_header);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return run_suite(range_suite());
}
