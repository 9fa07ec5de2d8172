/*
 * cart-page.c: the cart's pages (docs/ARCHITECTURE.md §5): GET /cart, and
 * the forms that add, change and pay for it; all work without JavaScript.
 * The cart itself is the signed cookie of cart.c; prices always come from
 * the products. Paying goes through checkout.c's checkout_place, the same
 * path as a single product (one order with lines, one payment).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cart-page.h"
#include "cart.h"
#include "checkout-card.h"
#include "checkout.h"
#include "i18n.h"
#include "log.h"
#include "mail.h"
#include "money.h"
#include "view.h"

/* A cart with its products read (NULL where gone) for one request. */
struct cp_cart {
	struct cart		 c;
	struct catalog_product	*p[ORDER_MAX_LINES];
	int			 gone;		/* lines dropped: not on sale */
	int			 mixed;		/* several currencies */
};

static void
cp_free(void *arg)
{
	struct cp_cart *cc = arg;
	int i;

	for (i = 0; i < cc->c.n; i++)
		catalog_product_free(cc->p[i]);
}

/*
 * This request's cart with its products; lines whose product is not on
 * sale any more are dropped (cc->gone). NY_OK or the database's error.
 */
static enum ny_err
cp_load(struct http_req *rq, struct cp_cart *cc)
{
	struct catalog_product *p;
	enum ny_err rc;
	int i, n = 0;

	memset(cc, 0, sizeof *cc);
	cart_read(rq, &cc->c);
	for (i = 0; i < cc->c.n; i++) {
		rc = catalog_product_by_slug(http_db(rq), cc->c.lines[i].slug,
		    &p);
		if (rc == NY_ENOTFOUND) {
			cc->gone = 1;
			continue;
		}
		if (rc != NY_OK) {
			cc->c.n = n;
			cp_free(cc);
			cc->c.n = 0;
			return rc;
		}
		cc->c.lines[n] = cc->c.lines[i];
		cc->p[n++] = p;
		if (strcmp(p->currency, cc->p[0]->currency) != 0)
			cc->mixed = 1;
	}
	cc->c.n = n;
	http_defer(rq, cp_free, cc);
	return NY_OK;
}

/* What one line costs per unit: the typed amount, else the price. */
static int64_t
cp_unit(const struct cart_line *l, const struct catalog_product *p)
{
	if (!p->pwyw)
		return p->price_minor;
	if (l->has_amount && l->amount_minor >= p->price_minor)
		return l->amount_minor;
	return p->suggested_minor >= p->price_minor ? p->suggested_minor :
	    p->price_minor;
}

/* A form field as typed, or "". */
static const char *
cp_field(struct http_req *rq, const char *name)
{
	const char *v = strcmp(http_method(rq), "POST") == 0 ?
	    http_form(rq, name) : NULL;

	return v != NULL ? v : "";
}

/*
 * The cart page: lines, totals per currency and the checkout form (not
 * for a cart of several currencies: its message is shown instead).
 * error_key (may be NULL) is why a form was refused.
 */
static int
cp_page(struct http_req *rq, struct http_resp *rs, int status,
    struct cp_cart *cc, const char *error_key)
{
	const char *lang = http_lang(rq);
	json_t *ctx = json_object(), *lines = json_array(), *totals, *v;
	char buf[64];
	const char *cur[ORDER_MAX_LINES];
	int64_t sum[ORDER_MAX_LINES], unit;
	int i, j, ncur = 0;

	if (cc->gone)
		cart_write(rq, rs, &cc->c);	/* the dropped lines, for good */
	if (error_key == NULL && cc->gone)
		error_key = "cart.err.gone";
	if (error_key == NULL && cc->mixed)
		error_key = "cart.err.currency";
	for (i = 0; i < cc->c.n; i++) {
		const struct cart_line *l = &cc->c.lines[i];
		const struct catalog_product *p = cc->p[i];

		unit = cp_unit(l, p);
		v = view_product(lang, p, 0);
		money_format(unit, p->currency, lang, buf, sizeof buf);
		json_object_set_new(v, "unit", json_string(buf));
		money_format(unit * l->quantity, p->currency, lang, buf,
		    sizeof buf);
		json_object_set_new(v, "line_amount", json_string(buf));
		json_object_set_new(v, "quantity", json_integer(l->quantity));
		if (p->pwyw) {
			json_t *a = json_object();

			checkout_major(unit, p->currency, buf, sizeof buf);
			checkout_amount_json(rq, p, buf, a);
			json_object_update(v, a);
			json_decref(a);
		}
		json_array_append_new(lines, v);
		for (j = 0; j < ncur && strcmp(cur[j], p->currency) != 0; j++)
			;
		if (j == ncur) {
			cur[ncur] = p->currency;
			sum[ncur++] = 0;
		}
		sum[j] += unit * l->quantity;
	}
	totals = json_array();
	for (j = 0; j < ncur; j++) {
		money_format(sum[j], cur[j], lang, buf, sizeof buf);
		json_array_append_new(totals, json_pack("{s:s}", "amount", buf));
	}
	json_object_set_new(ctx, "lines", lines);
	json_object_set_new(ctx, "totals", totals);
	json_object_set_new(ctx, "empty", json_boolean(cc->c.n == 0));
	json_object_set_new(ctx, "can_pay", json_boolean(cc->c.n > 0 &&
	    !cc->mixed));
	json_object_set_new(ctx, "free", json_boolean(ncur == 1 &&
	    sum[0] == 0));
	json_object_set_new(ctx, "max_quantity",
	    json_integer(ORDER_MAX_QUANTITY));
	if (cc->c.n > 0 && !cc->mixed)
		checkout_methods_json(cc->p[0]->currency, ctx);
	if (error_key != NULL) {
		json_object_set_new(ctx, "error", json_string(i18n_get(lang,
		    error_key)));
		checkout_invalid_json(error_key, ctx);
	}
	json_object_set_new(ctx, "phone", json_string(cp_field(rq, "phone")));
	json_object_set_new(ctx, "email", json_string(cp_field(rq, "email")));
	json_object_set_new(ctx, "code", json_string(cp_field(rq, "code")));
	json_object_set_new(ctx, "title", json_string(i18n_get(lang,
	    "cart.title")));
	json_object_set_new(ctx, "path", json_string("/cart"));
	http_add_header(rq, rs, "Cache-Control", "no-store");
	http_add_header(rq, rs, "X-Robots-Tag", "noindex, nofollow");
	return http_page(rq, rs, status, "cart", ctx);
}

/* The cart page again with why a form was refused. */
static int
cp_again(struct http_req *rq, struct http_resp *rs, int status,
    const char *error_key)
{
	struct cp_cart *cc = http_alloc(rq, sizeof *cc);

	if (cp_load(rq, cc) != NY_OK)
		return 503;
	return cp_page(rq, rs, status, cc, error_key);
}

int
cart_page(struct http_req *rq, struct http_resp *rs)
{
	return cp_again(rq, rs, 200, NULL);
}

/* The quantity field: NULL or "" is dflt; min..ORDER_MAX_QUANTITY. */
static enum ny_err
cp_quantity(struct http_req *rq, int min, int dflt, int *out)
{
	const char *raw = http_form(rq, "quantity");
	int64_t v;

	if (raw == NULL || raw[0] == '\0') {
		*out = dflt;
		return NY_OK;
	}
	if (ny_parse_int(raw, min, ORDER_MAX_QUANTITY, &v) != NY_OK)
		return NY_EINVAL;
	*out = (int)v;
	return NY_OK;
}

/*
 * Puts slug in the cart (POST /cart/add and /cart/update): checks the
 * quantity against the product (tickets only above 1, and the seats
 * left), the typed amount of a pay-what-you-want product; 303 to /cart,
 * or the cart page with why.
 */
static int
cp_put(struct http_req *rq, struct http_resp *rs, int adding)
{
	const char *slug = http_form(rq, "slug");
	struct catalog_product *p = NULL;
	struct cart c;
	enum ny_err rc;
	int64_t amount = 0;
	int qty, has = 0, status = 0;

	if (!http_csrf_ok(rq))
		return cp_again(rq, rs, 403, "co.err.csrf");
	if (cp_quantity(rq, adding ? 1 : 0, 1, &qty) != NY_OK)
		return cp_again(rq, rs, 422, "co.err.quantity");
	cart_read(rq, &c);
	rc = slug == NULL || slug[0] == '\0' ? NY_ENOTFOUND :
	    catalog_product_by_slug(http_db(rq), slug, &p);
	if (rc == NY_ENOTFOUND && !adding)
		qty = 0;		/* removing what is gone is fine */
	else if (rc == NY_ENOTFOUND)
		return http_error(rq, rs, 404, "co.err.gone");
	else if (rc != NY_OK)
		return 503;
	if (p != NULL && qty > 1 && strcmp(p->kind, "ticket") != 0)
		status = cp_again(rq, rs, 422, "co.err.quantity");
	else if (p != NULL && qty > 0 && strcmp(p->kind, "ticket") == 0 &&
	    p->seats_left < qty)
		status = cp_again(rq, rs, 422, "co.err.sold_out");
	else if (p != NULL && qty > 0 && (adding || (http_form(rq, "amount") !=
	    NULL)) && checkout_amount(rq, p, &has, &amount) != NY_OK)
		status = cp_again(rq, rs, 422, "co.err.amount");
	else if ((rc = cart_put(&c, slug, qty, has, amount)) == NY_ELIMIT)
		status = cp_again(rq, rs, 422, "cart.err.full");
	else if (rc != NY_OK)
		status = cp_again(rq, rs, 422, "co.err.quantity");
	catalog_product_free(p);
	if (status != 0)
		return status;
	cart_write(rq, rs, &c);
	return http_redirect(rq, rs, 303, "/cart");
}

int
cart_add(struct http_req *rq, struct http_resp *rs)
{
	return cp_put(rq, rs, 1);
}

int
cart_update(struct http_req *rq, struct http_resp *rs)
{
	return cp_put(rq, rs, 0);
}

/*
 * POST /cart/checkout: phone, email, code, method, csrf. The whole cart
 * becomes one order (one payment); the cart is emptied once the order is
 * made.
 */
int
cart_checkout(struct http_req *rq, struct http_resp *rs)
{
	const char *code = http_form(rq, "code"), *err;
	const struct pay_provider *prov;
	struct order_line_new lines[ORDER_MAX_LINES];
	struct cp_cart *cc;
	struct order_new in;
	struct cart empty = { .n = 0 };
	char phone[16], email[MAIL_ADDR_MAX + 1];
	int i, qty, status, err_status;

	if (checkout_limited(rq))
		return http_error(rq, rs, 429, "co.err.too_many");
	cc = http_alloc(rq, sizeof *cc);
	if (cp_load(rq, cc) != NY_OK)
		return 503;
	if (!http_csrf_ok(rq))
		return cp_page(rq, rs, 403, cc, "co.err.csrf");
	if (cc->gone)
		return cp_page(rq, rs, 422, cc, "cart.err.gone");
	if (cc->c.n == 0)
		return cp_page(rq, rs, 422, cc, "cart.err.empty");
	if (cc->mixed)
		return cp_page(rq, rs, 422, cc, "cart.err.currency");
	if (order_form_check(http_form(rq, "phone"), NULL, "download", phone,
	    sizeof phone, &qty, &err) != NY_OK)
		return cp_page(rq, rs, 422, cc, err);
	if (checkout_email(rq, email, sizeof email) != NY_OK)
		return cp_page(rq, rs, 422, cc, "co.err.email");
	if ((prov = checkout_method_pick(cc->p[0]->currency,
	    http_form(rq, "method"))) == NULL)
		return cp_page(rq, rs, 422, cc, "co.err.method");
	memset(lines, 0, sizeof lines);
	for (i = 0; i < cc->c.n; i++) {
		lines[i].product_id = cc->p[i]->id;
		lines[i].quantity = cc->c.lines[i].quantity;
		if (cc->p[i]->pwyw) {
			lines[i].has_amount = 1;
			lines[i].amount_minor = cp_unit(&cc->c.lines[i],
			    cc->p[i]);
		}
	}
	memset(&in, 0, sizeof in);
	in.lines = lines;
	in.nlines = cc->c.n;
	in.product_id = lines[0].product_id;
	in.quantity = lines[0].quantity;
	in.phone = phone;
	in.discount_code = code;
	in.email = email[0] != '\0' ? email : NULL;
	in.idem_key = checkout_idem_key(rq, http_printf(rq, "cart:%s:%s:%s:%s:%s",
	    http_cookie(rq, CART_COOKIE), phone, code ? code : "", email,
	    prov->name));
	status = checkout_place(rq, rs, &in, prov, &err, &err_status);
	if (status == 0)
		return cp_page(rq, rs, err_status == 404 ? 422 : err_status,
		    cc, err_status == 404 ? "cart.err.gone" : err);
	if (status == 303)
		cart_write(rq, rs, &empty);	/* paid for: a new cart */
	return status;
}
