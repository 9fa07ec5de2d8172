/*
 * test-phone: the forms people type in Kenya, Tanzania and Uganda, and
 * the reasons others are refused.
 */
#include <check.h>
#include <string.h>

#include "phone.h"
#include "testutil.h"

struct good_case {
	const char	*in, *cc, *want;
};

static const struct good_case good[] = {
	/* Kenya */
	{ "0712 345 678", NULL, "254712345678" },
	{ "0712-345-678", NULL, "254712345678" },
	{ "+254 712 345 678", NULL, "254712345678" },
	{ "+254 712-345-678", NULL, "254712345678" },
	{ "254712345678", NULL, "254712345678" },
	{ "712345678", NULL, "254712345678" },
	{ "(0712) 345.678", NULL, "254712345678" },
	{ "00254712345678", NULL, "254712345678" },
	{ "+254 0712 345 678", NULL, "254712345678" },
	{ "0110 123 456", NULL, "254110123456" },
	{ "+254 100 123 456", "255", "254100123456" },
	{ "  0799123456\t", "254", "254799123456" },
	/* Tanzania */
	{ "255754123456", NULL, "255754123456" },
	{ "+255 754 123 456", NULL, "255754123456" },
	{ "0754123456", "255", "255754123456" },
	{ "0654 123 456", "255", "255654123456" },
	{ "+255 68 912 3456", "254", "255689123456" },
	{ "754123456", "255", "255754123456" },
	/* Uganda */
	{ "+256 772 123 456", NULL, "256772123456" },
	{ "256772123456", NULL, "256772123456" },
	{ "0772123456", "256", "256772123456" },
	{ "0701-234-567", "256", "256701234567" },
	/* National forms follow the default country. */
	{ "0712345678", "256", "256712345678" },
	{ "0712345678", "999", "254712345678" },	/* unknown → Kenya */
};

START_TEST(good_forms)
{
	const struct good_case *c = &good[_i];
	char out[16];

	ck_assert_msg(phone_normalize(c->in, c->cc, out, sizeof out) ==
	    PHONE_OK, "refused \"%s\"", c->in);
	ck_assert_str_eq(out, c->want);
}
END_TEST

struct bad_case {
	const char	*in, *cc;
	enum phone_err	 want;
};

static const struct bad_case bad[] = {
	{ "", NULL, PHONE_EMPTY },
	{ "   ", NULL, PHONE_EMPTY },
	{ " - ( ) ", NULL, PHONE_EMPTY },
	{ "abc", NULL, PHONE_CHARS },
	{ "0712 345 67x", NULL, PHONE_CHARS },
	{ "0712#345678", NULL, PHONE_CHARS },
	{ "0712+345678", NULL, PHONE_CHARS },
	{ "++254712345678", NULL, PHONE_CHARS },
	{ "0712\xc2\xa0" "345678", NULL, PHONE_CHARS },	/* NBSP */
	{ "+", NULL, PHONE_LENGTH },
	{ "0712 345 67", NULL, PHONE_LENGTH },
	{ "0712 345 6789", NULL, PHONE_LENGTH },
	{ "71234567", NULL, PHONE_LENGTH },
	{ "+254 712 345 67", NULL, PHONE_LENGTH },
	{ "+254 712 345 6789", NULL, PHONE_LENGTH },
	{ "2547123456", NULL, PHONE_LENGTH },
	{ "123456789012345678901234", NULL, PHONE_LENGTH },
	{ "+1 555 123 4567", NULL, PHONE_COUNTRY },
	{ "+44 7911 123456", NULL, PHONE_COUNTRY },
	{ "447911123456", NULL, PHONE_COUNTRY },
	{ "+250 788 123 456", NULL, PHONE_COUNTRY },	/* Rwanda */
	{ "020 123 4567", NULL, PHONE_NOT_MOBILE },	/* Nairobi landline */
	{ "+254 20 123 4567", NULL, PHONE_NOT_MOBILE },
	{ "+254 120 123 456", NULL, PHONE_NOT_MOBILE },
	{ "0222 123 456", "255", PHONE_NOT_MOBILE },	/* Dar landline */
	{ "+256 414 123 456", NULL, PHONE_NOT_MOBILE },	/* Kampala landline */
	{ "+256 654 123 456", NULL, PHONE_NOT_MOBILE },
	{ "+255 812 345 678", NULL, PHONE_NOT_MOBILE },
	{ NULL, NULL, PHONE_EMPTY },
};

START_TEST(bad_forms)
{
	const struct bad_case *c = &bad[_i];
	char out[16];
	enum phone_err e;

	memcpy(out, "unchanged", 10);
	e = phone_normalize(c->in, c->cc, out, sizeof out);
	ck_assert_msg(e == c->want, "\"%s\": got %s want %s",
	    c->in ? c->in : "(null)", phone_err_name(e),
	    phone_err_name(c->want));
	ck_assert_str_eq(out, "");
}
END_TEST

START_TEST(long_input_bounded)
{
	char in[4096], out[16];

	memset(in, ' ', sizeof in - 1);
	in[sizeof in - 1] = '\0';
	ck_assert_int_eq(phone_normalize(in, NULL, out, sizeof out),
	    PHONE_LENGTH);
}
END_TEST

START_TEST(err_names)
{
	ck_assert_str_eq(phone_err_name(PHONE_OK), "ok");
	ck_assert_str_eq(phone_err_name(PHONE_EMPTY), "empty");
	ck_assert_str_eq(phone_err_name(PHONE_CHARS), "chars");
	ck_assert_str_eq(phone_err_name(PHONE_LENGTH), "length");
	ck_assert_str_eq(phone_err_name(PHONE_COUNTRY), "country");
	ck_assert_str_eq(phone_err_name(PHONE_NOT_MOBILE), "not_mobile");
}
END_TEST

START_TEST(display)
{
	char out[32];

	phone_display("254712345678", 0, out, sizeof out);
	ck_assert_str_eq(out, "+254 712 345 678");
	phone_display("254712345678", 1, out, sizeof out);
	ck_assert_str_eq(out, "\u2026678");
	phone_display("12", 1, out, sizeof out);
	ck_assert_str_eq(out, "\u202612");
	phone_display("1234", 0, out, sizeof out);
	ck_assert_str_eq(out, "+1234");
	phone_display("", 0, out, sizeof out);
	ck_assert_str_eq(out, "");
	phone_display("254712345678", 0, out, 6);
	ck_assert_str_eq(out, "+254 ");
}
END_TEST

/*
 * The search rule, against the number the console shows as "…678": only
 * the whole number or what the mask shows finds it.
 */
START_TEST(search_rule)
{
	static const struct {
		const char	*text;
		int		 found;
	} c[] = {
		{ "678", 1 }, { "78", 1 }, { "8", 1 },
		{ "0712 345 678", 1 }, { "+254 712-345-678", 1 },
		{ "254712345678", 1 }, { "712345678", 1 },
		{ "2547", 0 }, { "0712 34", 0 }, { "67", 0 }, { "5678", 0 },
		{ "12345678", 0 }, { "0712 345 679", 0 }, { "…678", 0 },
		{ " 678", 0 }, { "abc", 0 }, { "", 0 },
	};
	char key[16];
	size_t i;
	int ok;

	for (i = 0; i < sizeof c / sizeof c[0]; i++) {
		ok = phone_search_key(c[i].text, NULL, key, sizeof key) &&
		    phone_search_match(key, "254712345678");
		ck_assert_msg(ok == c[i].found, "\"%s\": found %d", c[i].text,
		    ok);
	}
	ck_assert_int_eq(phone_search_key(NULL, NULL, key, sizeof key), 0);
	ck_assert_str_eq(key, "");
	ck_assert_int_eq(phone_search_key("0712 34", NULL, key, sizeof key),
	    0);
	ck_assert_str_eq(key, "");
	/* A national form follows the country given. */
	ck_assert_int_eq(phone_search_key("0754123456", "255", key,
	    sizeof key), 1);
	ck_assert_str_eq(key, "255754123456");
	ck_assert_int_eq(phone_search_match("678", "78"), 0);
	ck_assert_int_eq(phone_search_match(NULL, "254712345678"), 0);
}
END_TEST

static Suite *
phone_suite(void)
{
	Suite *s = suite_create("phone");
	TCase *tc = tcase_create("core");

	tcase_add_loop_test(tc, good_forms, 0, sizeof good / sizeof good[0]);
	tcase_add_loop_test(tc, bad_forms, 0, sizeof bad / sizeof bad[0]);
	tcase_add_test(tc, long_input_bounded);
	tcase_add_test(tc, err_names);
	tcase_add_test(tc, display);
	tcase_add_test(tc, search_rule);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return run_suite(phone_suite());
}
