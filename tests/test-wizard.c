/*
 * test-wizard: the product wizard's small decisions (tui/wizard-rules.c)
 * without a terminal: the label column, the currencies the currency
 * choice cycles through, an event start in the past, when a
 * subscription bought now ends, and the pricing step (a fixed price or
 * pay what you want).
 */
#include <check.h>
#include <locale.h>
#include <string.h>

#include "../tui/wizard-int.h"
#include "testutil.h"

/* As wide as the widest label, but the value keeps its 20 columns. */
START_TEST(label_column)
{
	int en[] = { 5, 18, 5, 8, 7 }, sw[] = { 4, 16, 31, 12 }, one[] = { 2 };

	ck_assert_int_eq(wizard_label_cols(en, 5, 80), 18);
	/* "Kiungo cha kujiunga (https://…)": 31 columns, not cut at 80
	 * (the old rule cut at 20, then at a third of the screen). */
	ck_assert_int_eq(wizard_label_cols(sw, 4, 80), 31);
	ck_assert_int_eq(wizard_label_cols(sw, 4, 120), 31);
	/* Narrow: the value keeps WIZ_VALUE_MIN columns. */
	ck_assert_int_eq(wizard_label_cols(sw, 4, 50), 50 - 6 - WIZ_VALUE_MIN);
	ck_assert_int_eq(50 - (wizard_label_cols(sw, 4, 50) + 4) - 2,
	    WIZ_VALUE_MIN);
	ck_assert_int_eq(wizard_label_cols(one, 1, 80), WIZ_LABEL_MIN);
	ck_assert_int_eq(wizard_label_cols(sw, 4, 10), WIZ_LABEL_MIN);
	ck_assert_int_eq(wizard_label_cols(NULL, 0, 80), WIZ_LABEL_MIN);
}
END_TEST

/* Only what a configured method takes, in order, wrapping both ways. */
START_TEST(currency_cycle)
{
	const char *v[WIZ_CURRENCIES_MAX];

	/* M-Pesa takes KES only. */
	ck_assert_int_eq(wizard_currencies("mpesa", v, WIZ_CURRENCIES_MAX), 1);
	ck_assert_str_eq(v[0], "KES");
	ck_assert_str_eq(wizard_currency_step("mpesa", "KES", 1), "KES");
	ck_assert_str_eq(wizard_currency_step("mpesa", "KES", -1), "KES");
	/* Something nobody takes (an old product, lower case) goes to
	 * the first allowed one. */
	ck_assert_str_eq(wizard_currency_step("mpesa", "EUR", 1), "KES");
	ck_assert_str_eq(wizard_currency_step("mpesa", "usd", 1), "KES");
	/* Stripe: the four. */
	ck_assert_int_eq(wizard_currencies("mpesa,stripe", v,
	    WIZ_CURRENCIES_MAX), 4);
	ck_assert_str_eq(v[0], "KES");
	ck_assert_str_eq(v[3], "USD");
	ck_assert_str_eq(wizard_currency_step("mpesa,stripe", "KES", 1),
	    "TZS");
	ck_assert_str_eq(wizard_currency_step("mpesa,stripe", "USD", 1),
	    "KES");
	ck_assert_str_eq(wizard_currency_step("mpesa,stripe", "KES", -1),
	    "USD");
	ck_assert_str_eq(wizard_currency_step("stripe", "UGX", -1), "TZS");
	ck_assert_str_eq(wizard_currency_step("stripe", "UGX", 0), "UGX");
	ck_assert_str_eq(wizard_currency_step("mpesa", "USD", 0), "KES");
	/* max is kept. */
	ck_assert_int_eq(wizard_currencies("sim", v, 2), 2);
	ck_assert_str_eq(v[1], "TZS");
}
END_TEST

/* A new past start is refused; an edit keeping the saved one warns. */
START_TEST(start_in_past)
{
	int64_t now = 1800000000, saved = 1577847600;	/* 2020-01-01 */

	ck_assert_int_eq(wizard_start_check(now + 60, now, 0), WIZ_START_OK);
	ck_assert_int_eq(wizard_start_check(now, now, 0), WIZ_START_PAST);
	ck_assert_int_eq(wizard_start_check(saved, now, 0), WIZ_START_PAST);
	ck_assert_int_eq(wizard_start_check(saved, now, saved),
	    WIZ_START_PAST_KEPT);
	/* Editing it to another past time is a new past date. */
	ck_assert_int_eq(wizard_start_check(saved + 3600, now, saved),
	    WIZ_START_PAST);
	ck_assert_int_eq(wizard_start_check(now + 1, now, saved),
	    WIZ_START_OK);
}
END_TEST

/* "ends on" is now + the period, as the entitlement is granted. */
START_TEST(subscription_end)
{
	int64_t now = 1800000000;

	ck_assert_int_eq(wizard_sub_end(now, 30), now + 30 * 86400);
	ck_assert_int_eq(wizard_sub_end(now, 365), now + 365 * 86400LL);
	ck_assert_int_eq(wizard_sub_end(now, 0), now);
	ck_assert_int_eq(wizard_sub_end(now, -5), now);
}
END_TEST

/* The basics: the fields of before in their places, then the pricing;
 * pay what you want adds the suggested amount after it (the price is
 * then the minimum); a fixed price has no suggestion. */
START_TEST(pricing_fields)
{
	static const int fixed[] = { F_TITLE, F_SLUG, F_PRICE, F_CURRENCY,
	    F_SUMMARY, F_PRICING, F_TAGS };
	static const int pwyw[] = { F_TITLE, F_SLUG, F_PRICE, F_CURRENCY,
	    F_SUMMARY, F_PRICING, F_SUGGESTED, F_TAGS };
	int out[WIZ_BASICS_MAX], n, i;

	n = wizard_basics_fields(0, out);
	ck_assert_int_eq(n, 7);
	for (i = 0; i < n; i++)
		ck_assert_int_eq(out[i], fixed[i]);
	n = wizard_basics_fields(1, out);
	ck_assert_int_eq(n, 8);
	for (i = 0; i < n; i++)
		ck_assert_int_eq(out[i], pwyw[i]);
	ck_assert_str_eq(wizard_label(0, F_PRICE), "tui.wiz.price");
	ck_assert_str_eq(wizard_label(1, F_PRICE), "tui.wiz.minimum");
	ck_assert_str_eq(wizard_label(1, F_TAGS), "tui.wiz.tags");
	ck_assert_str_eq(wizard_label(0, F_COVER), "tui.wiz.cover");
}
END_TEST

/* What the pricing fields parse to; the bounds are product_validate's. */
START_TEST(pricing_parse)
{
	int64_t price = -2, sugg = -2;
	int bad = -1;

	/* Pay what you want: minimum 0 and no suggestion is fine. */
	ck_assert_int_eq(wizard_pricing(1, "0", "", "KES", &price, &sugg,
	    &bad), NY_OK);
	ck_assert_int_eq(price, 0);
	ck_assert_int_eq(sugg, -1);
	ck_assert_int_eq(wizard_pricing(1, "50", "1,500", "KES", &price,
	    &sugg, &bad), NY_OK);
	ck_assert_int_eq(price, 5000);
	ck_assert_int_eq(sugg, 150000);
	/* A suggestion left over from pwyw is ignored at a fixed price. */
	ck_assert_int_eq(wizard_pricing(0, "50", "lots", "KES", &price, &sugg,
	    &bad), NY_OK);
	ck_assert_int_eq(sugg, -1);
	ck_assert_int_eq(wizard_pricing(1, "50", "lots", "KES", &price, &sugg,
	    &bad), NY_EINVAL);
	ck_assert_int_eq(bad, F_SUGGESTED);
	bad = -1;
	ck_assert_int_eq(wizard_pricing(1, "", "100", "KES", &price, &sugg,
	    &bad), NY_EINVAL);
	ck_assert_int_eq(bad, F_PRICE);
	/* UGX has no cents: the suggestion is read in its units. */
	ck_assert_int_eq(wizard_pricing(1, "1000", "5,000", "UGX", &price,
	    &sugg, &bad), NY_OK);
	ck_assert_int_eq(sugg, 5000);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("wizard");
	TCase *tc = tcase_create("rules");

	setlocale(LC_ALL, "C.UTF-8");
	tcase_add_test(tc, label_column);
	tcase_add_test(tc, currency_cycle);
	tcase_add_test(tc, start_in_past);
	tcase_add_test(tc, subscription_end);
	tcase_add_test(tc, pricing_fields);
	tcase_add_test(tc, pricing_parse);
	suite_add_tcase(s, tc);
	return run_suite(s);
}
