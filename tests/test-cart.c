/*
 * test-cart.c: the signed cart cookie (storefront/cart.c): round trips,
 * updates, and that anything tampered, expired, oversized or malformed
 * decodes to an empty cart.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "crypto.h"
#include "testutil.h"
#include "../storefront/cart.h"

static const unsigned char test_key[32] = "cart-test-key-0123456789abcdef!";
#define NOW	INT64_C(1800000000)

static void
setup(void)
{
	crypto_init_key(test_key);
}

/* A cart of three lines: a download, 2 tickets, a pwyw amount. */
static void
three(struct cart *c)
{
	memset(c, 0, sizeof *c);
	ck_assert_int_eq(cart_put(c, "song", 1, 0, 0), NY_OK);
	ck_assert_int_eq(cart_put(c, "gig", 2, 0, 0), NY_OK);
	ck_assert_int_eq(cart_put(c, "tip-jar", 1, 1, 25000), NY_OK);
}

START_TEST(round_trip)
{
	struct cart c, d;
	char buf[CART_MAX_BYTES + 1];

	three(&c);
	ck_assert_int_eq(cart_encode(&c, NOW + 60, buf, sizeof buf), NY_OK);
	ck_assert_ptr_null(strpbrk(buf, " ;,\"\\"));	/* cookie-safe */
	ck_assert_int_eq(cart_decode(buf, NOW, &d), 1);
	ck_assert_int_eq(d.n, 3);
	ck_assert_str_eq(d.lines[1].slug, "gig");
	ck_assert_int_eq(d.lines[1].quantity, 2);
	ck_assert_int_eq(d.lines[2].has_amount, 1);
	ck_assert_int_eq(d.lines[2].amount_minor, 25000);
	ck_assert_int_eq(d.lines[0].has_amount, 0);
	ck_assert_int_eq(cart_items(&d), 4);
	/* expired */
	ck_assert_int_eq(cart_decode(buf, NOW + 60, &d), 0);
	ck_assert_int_eq(d.n, 0);
}
END_TEST

START_TEST(put_updates_and_removes)
{
	struct cart c;
	char slug[16];
	int i;

	three(&c);
	ck_assert_int_eq(cart_put(&c, "gig", 3, 0, 0), NY_OK);
	ck_assert_int_eq(c.n, 3);
	ck_assert_int_eq(c.lines[1].quantity, 3);
	/* a quantity alone keeps the typed amount */
	ck_assert_int_eq(cart_put(&c, "tip-jar", 1, 0, 0), NY_OK);
	ck_assert_int_eq(c.lines[2].amount_minor, 25000);
	ck_assert_int_eq(cart_put(&c, "song", 0, 0, 0), NY_OK);
	ck_assert_int_eq(c.n, 2);
	ck_assert_str_eq(c.lines[0].slug, "gig");
	ck_assert_int_eq(cart_put(&c, "nope", 0, 0, 0), NY_OK);
	ck_assert_int_eq(c.n, 2);
	ck_assert_int_eq(cart_put(&c, "Bad Slug", 1, 0, 0), NY_EINVAL);
	ck_assert_int_eq(cart_put(&c, "gig", 11, 0, 0), NY_EINVAL);
	ck_assert_int_eq(cart_put(&c, "gig", -1, 0, 0), NY_EINVAL);
	ck_assert_int_eq(cart_put(&c, "x", 1, 1, -5), NY_EINVAL);
	for (i = c.n; i < ORDER_MAX_LINES; i++) {
		snprintf(slug, sizeof slug, "p%d", i);
		ck_assert_int_eq(cart_put(&c, slug, 1, 0, 0), NY_OK);
	}
	ck_assert_int_eq(cart_put(&c, "one-more", 1, 0, 0), NY_ELIMIT);
	ck_assert_int_eq(c.n, ORDER_MAX_LINES);
}
END_TEST

START_TEST(full_cart_of_long_slugs_fits)
{
	struct cart c, d;
	char buf[CART_MAX_BYTES + 1], slug[PRODUCT_SLUG_MAX + 1];
	int i;

	memset(&c, 0, sizeof c);
	for (i = 0; i < ORDER_MAX_LINES; i++) {
		memset(slug, 'a' + i, PRODUCT_SLUG_MAX);
		slug[PRODUCT_SLUG_MAX] = '\0';
		ck_assert_int_eq(cart_put(&c, slug, 10, 1,
		    PRODUCT_PRICE_MAX), NY_OK);
	}
	ck_assert_int_eq(cart_encode(&c, NOW + 60, buf, sizeof buf), NY_OK);
	ck_assert_int_eq(cart_decode(buf, NOW, &d), 1);
	ck_assert_int_eq(d.n, ORDER_MAX_LINES);
}
END_TEST

/* Every single-byte change of a good cookie is refused. */
START_TEST(tampered)
{
	struct cart c, d;
	char buf[CART_MAX_BYTES + 1], bad[CART_MAX_BYTES + 1];
	size_t i, n;

	three(&c);
	ck_assert_int_eq(cart_encode(&c, NOW + 60, buf, sizeof buf), NY_OK);
	n = strlen(buf);
	for (i = 0; i < n; i++) {
		memcpy(bad, buf, n + 1);
		bad[i] = bad[i] == '9' ? '8' : '9';
		ck_assert_msg(cart_decode(bad, NOW, &d) == 0 && d.n == 0,
		    "byte %zu changed and accepted", i);
	}
	/* cut anywhere */
	for (i = 0; i < n; i++) {
		memcpy(bad, buf, i);
		bad[i] = '\0';
		ck_assert_int_eq(cart_decode(bad, NOW, &d), 0);
	}
	/* a line added without re-signing */
	{
		char *t = strrchr(buf, '~');
		char forged[CART_MAX_BYTES + 64];

		snprintf(forged, sizeof forged, "%.*s_free.1%s",
		    (int)(t - buf), buf, t);
		ck_assert_int_eq(cart_decode(forged, NOW, &d), 0);
	}
	/* another key signed it */
	{
		static const unsigned char other[32] = "another-key-0123456789abcdefgh!";

		crypto_init_key(other);
		ck_assert_int_eq(cart_decode(buf, NOW, &d), 0);
		crypto_init_key(test_key);
		ck_assert_int_eq(cart_decode(buf, NOW, &d), 1);
	}
}
END_TEST

/* Well-signed but malformed contents are refused too. */
static void
signed_is(const char *body, int ok)
{
	char msg[CART_MAX_BYTES + 16], sig[64], cookie[CART_MAX_BYTES + 80];
	struct cart d;

	snprintf(msg, sizeof msg, "cart:%s", body);
	crypto_sign_url(msg, sig, sizeof sig);
	snprintf(cookie, sizeof cookie, "%s~%s", body, sig);
	ck_assert_msg(cart_decode(cookie, NOW, &d) == ok, "%s", body);
	if (!ok)
		ck_assert_int_eq(d.n, 0);
}

START_TEST(malformed)
{
	struct cart d;
	char big[CART_MAX_BYTES + 10];
	int i;

	signed_is("1~1800000060~song.1", 1);
	signed_is("1~1800000060~", 1);
	signed_is("1~1800000060~song.1_song.2", 0);	/* twice */
	signed_is("1~1800000060~song.0", 0);
	signed_is("1~1800000060~song.11", 0);
	signed_is("1~1800000060~song.01", 0);
	signed_is("1~1800000060~Song.1", 0);
	signed_is("1~1800000060~song", 0);
	signed_is("1~1800000060~song.1.", 0);
	signed_is("1~1800000060~song.1.-5", 0);
	signed_is("1~1800000060~song.1.99999999999999999999", 0);
	signed_is("1~1800000060~.1", 0);
	signed_is("1~x~song.1", 0);
	signed_is("1~~song.1", 0);
	signed_is("2~1800000060~song.1", 0);
	signed_is("1~1799999999~song.1", 0);		/* expired */
	signed_is("1~1800000060~a.1_b.1_c.1_d.1_e.1_f.1_g.1_h.1_i.1_j.1_"
	    "k.1_l.1_m.1_n.1_o.1_p.1_q.1_r.1_s.1_t.1", 1);
	signed_is("1~1800000060~a.1_b.1_c.1_d.1_e.1_f.1_g.1_h.1_i.1_j.1_"
	    "k.1_l.1_m.1_n.1_o.1_p.1_q.1_r.1_s.1_t.1_u.1", 0);
	/* garbage of every shape */
	ck_assert_int_eq(cart_decode(NULL, NOW, &d), 0);
	ck_assert_int_eq(cart_decode("", NOW, &d), 0);
	ck_assert_int_eq(cart_decode("~", NOW, &d), 0);
	ck_assert_int_eq(cart_decode("1~", NOW, &d), 0);
	ck_assert_int_eq(cart_decode("1~~~", NOW, &d), 0);
	ck_assert_int_eq(cart_decode("1~1~a.1~", NOW, &d), 0);
	ck_assert_int_eq(cart_decode("\xff\xfe~\x01", NOW, &d), 0);
	memset(big, 'a', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	memcpy(big, "1~1800000060~", 13);
	ck_assert_int_eq(cart_decode(big, NOW, &d), 0);	/* oversized */
	srand(7);
	for (i = 0; i < 20000; i++) {
		size_t j, n = (size_t)(rand() % 120);
		char g[128];

		for (j = 0; j < n; j++)
			g[j] = "1~_.-a9z0~~.._"[rand() % 14];
		g[n] = '\0';
		ck_assert_int_eq(cart_decode(g, NOW, &d), 0);
		ck_assert_int_eq(d.n, 0);
	}
}
END_TEST

static Suite *
cart_suite(void)
{
	Suite *s = suite_create("cart");
	TCase *tc = tcase_create("cookie");

	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, round_trip);
	tcase_add_test(tc, put_updates_and_removes);
	tcase_add_test(tc, full_cart_of_long_slugs_fits);
	tcase_add_test(tc, tampered);
	tcase_add_test(tc, malformed);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return run_suite(cart_suite());
}
