/*
 * test-money: currencies, formatting in en and sw, parsing typed amounts.
 */
#include <check.h>
#include <stdint.h>
#include <string.h>

#include "money.h"
#include "testutil.h"

struct fmt_case {
	int64_t		 minor;
	const char	*cur, *lang, *want;
};

static const struct fmt_case fmt_cases[] = {
	{ 150000, "KES", "en", "KES 1,500.00" },
	{ 150000, "KES", "sw", "KSh 1,500.00" },
	{ 1250, "USD", "en", "USD 12.50" },
	{ 1250, "USD", "sw", "USD 12.50" },
	{ 20000, "UGX", "en", "UGX 20,000" },
	{ 20000, "UGX", "sw", "USh 20,000" },
	{ 2000000, "TZS", "en", "TZS 20,000" },
	{ 2000000, "TZS", "sw", "TSh 20,000" },
	{ 0, "KES", "en", "KES 0.00" },
	{ 0, "KES", "sw", "KSh 0.00" },
	{ 0, "UGX", "en", "UGX 0" },
	{ 0, "TZS", "sw", "TSh 0" },
	{ 5, "KES", "en", "KES 0.05" },
	{ 99, "USD", "en", "USD 0.99" },
	{ 100, "KES", "en", "KES 1.00" },
	{ 99999, "KES", "en", "KES 999.99" },
	{ 100000, "KES", "en", "KES 1,000.00" },
	{ 123456789, "UGX", "en", "UGX 123,456,789" },
	{ 123456789012, "KES", "sw", "KSh 1,234,567,890.12" },
	{ INT64_MAX, "UGX", "en", "UGX 9,223,372,036,854,775,807" },
	{ INT64_MAX, "KES", "en", "KES 92,233,720,368,547,758.07" },
	{ -150000, "KES", "en", "KES -1,500.00" },
	{ INT64_MIN, "UGX", "en", "UGX -9,223,372,036,854,775,808" },
	{ 150, "TZS", "en", "TZS 2" },		/* rounds half up */
	{ 149, "TZS", "en", "TZS 1" },
	{ 1250, "USD", NULL, "USD 12.50" },	/* no language: en */
};

START_TEST(format_table)
{
	const struct fmt_case *c = &fmt_cases[_i];
	char buf[64];

	ck_assert_str_eq(money_format(c->minor, c->cur, c->lang, buf,
	    sizeof buf), c->want);
}
END_TEST

START_TEST(format_truncates_safely)
{
	char buf[8];

	money_format(150000, "KES", "en", buf, sizeof buf);
	ck_assert_str_eq(buf, "KES 1,5");
	money_format(150000, "XYZ", "en", buf, sizeof buf);
	ck_assert_int_eq(strlen(buf), 7);
}
END_TEST

START_TEST(currencies)
{
	int e;

	ck_assert(money_currency_ok("KES"));
	ck_assert(money_currency_ok("TZS"));
	ck_assert(money_currency_ok("UGX"));
	ck_assert(money_currency_ok("USD"));
	ck_assert(!money_currency_ok("kes"));
	ck_assert(!money_currency_ok("EUR"));
	ck_assert(!money_currency_ok(""));
	ck_assert(!money_currency_ok(NULL));
	ck_assert_int_eq(money_exponent("KES", &e), NY_OK);
	ck_assert_int_eq(e, 2);
	ck_assert_int_eq(money_exponent("USD", &e), NY_OK);
	ck_assert_int_eq(e, 2);
	ck_assert_int_eq(money_exponent("TZS", &e), NY_OK);
	ck_assert_int_eq(e, 2);
	ck_assert_int_eq(money_exponent("UGX", &e), NY_OK);
	ck_assert_int_eq(e, 0);
	e = -7;
	ck_assert_int_eq(money_exponent("EUR", &e), NY_EINVAL);
	ck_assert_int_eq(e, -7);
}
END_TEST

struct parse_case {
	const char	*in, *cur;
	enum ny_err	 rc;
	int64_t		 want;
};

static const struct parse_case parse_cases[] = {
	{ "1500", "KES", NY_OK, 150000 },
	{ "1,500.50", "KES", NY_OK, 150050 },
	{ "1500.5", "KES", NY_OK, 150050 },
	{ " 12.05 ", "USD", NY_OK, 1205 },
	{ "0", "KES", NY_OK, 0 },
	{ "0.01", "KES", NY_OK, 1 },
	{ "20,000", "UGX", NY_OK, 20000 },
	{ "20000", "TZS", NY_OK, 2000000 },
	{ "1,234,567", "KES", NY_OK, 123456700 },
	{ "92233720368547758.07", "KES", NY_OK, INT64_MAX },
	{ "9223372036854775807", "UGX", NY_OK, INT64_MAX },
	{ "92233720368547758.08", "KES", NY_EINVAL, 0 },	/* overflow */
	{ "9223372036854775808", "UGX", NY_EINVAL, 0 },
	{ "92233720368547759", "KES", NY_EINVAL, 0 },
	{ "99999999999999999999999", "KES", NY_EINVAL, 0 },
	{ "1500.555", "KES", NY_EINVAL, 0 },		/* too many decimals */
	{ "20000.5", "UGX", NY_EINVAL, 0 },
	{ "-5", "KES", NY_EINVAL, 0 },
	{ "+5", "KES", NY_EINVAL, 0 },
	{ "", "KES", NY_EINVAL, 0 },
	{ "   ", "KES", NY_EINVAL, 0 },
	{ "abc", "KES", NY_EINVAL, 0 },
	{ "12a", "KES", NY_EINVAL, 0 },
	{ "1.2.3", "KES", NY_EINVAL, 0 },
	{ "15.", "KES", NY_EINVAL, 0 },
	{ ".5", "KES", NY_EINVAL, 0 },
	{ "15,00", "KES", NY_EINVAL, 0 },		/* misplaced comma */
	{ "1,5000", "KES", NY_EINVAL, 0 },
	{ ",500", "KES", NY_EINVAL, 0 },
	{ "1500,", "KES", NY_EINVAL, 0 },
	{ "1,500.5,0", "KES", NY_EINVAL, 0 },
	{ "1500", "EUR", NY_EINVAL, 0 },
	{ "1 500", "KES", NY_EINVAL, 0 },
};

START_TEST(parse_table)
{
	const struct parse_case *c = &parse_cases[_i];
	int64_t v = -42;

	ck_assert_msg(money_parse(c->in, c->cur, &v) == c->rc,
	    "parse \"%s\" %s", c->in, c->cur);
	if (c->rc == NY_OK)
		ck_assert_msg(v == c->want, "\"%s\" → %lld", c->in, (long long)v);
}
END_TEST

START_TEST(parse_format_round_trip)
{
	static const char *const curs[] = { "KES", "USD", "UGX" };
	int64_t amounts[] = { 0, 1, 99, 100, 150050, 123456789 };
	char buf[64];
	size_t i, j;

	for (i = 0; i < 3; i++)
		for (j = 0; j < sizeof amounts / sizeof amounts[0]; j++) {
			int64_t back;

			money_format(amounts[j], curs[i], "en", buf, sizeof buf);
			ck_assert_int_eq(money_parse(buf + 4, curs[i], &back),
			    NY_OK);
			ck_assert(back == amounts[j]);
		}
}
END_TEST

static Suite *
money_suite(void)
{
	Suite *s = suite_create("money");
	TCase *tc = tcase_create("core");

	tcase_add_loop_test(tc, format_table, 0,
	    sizeof fmt_cases / sizeof fmt_cases[0]);
	tcase_add_test(tc, format_truncates_safely);
	tcase_add_test(tc, currencies);
	tcase_add_loop_test(tc, parse_table, 0,
	    sizeof parse_cases / sizeof parse_cases[0]);
	tcase_add_test(tc, parse_format_round_trip);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return run_suite(money_suite());
}
