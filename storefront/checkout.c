/*
 * checkout.c: the buyer's side of paying (docs/ARCHITECTURE.md §5): the checkout
 * form, the waiting page, the free order's code, the simulated handset and
 * the Daraja callback. The order itself is made by shared/order-create.c; the
 * worker (worker-pay.c) pushes it, and sse.c streams its status
 * (checkout-status.c). Handlers only: the workers' lives are main.c's.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buyer.h"
#include "checkout-card.h"
#include "checkout-status.h"
#include "checkout.h"
#include "crypto.h"
#include "i18n.h"
#include "library.h"
#include "log.h"
#include "mail.h"
#include "money.h"
#include "pay.h"
#include "phone.h"
#include "product.h"
#include "catalog.h"
#include "sse.h"
#include "worker-outbox.h"
#include "worker-pay.h"

#define CO_LIMIT_SLOTS	4096	/* addresses remembered per minute */
#define CO_LIMIT_PROBE	16

/* ---- rate limit: checkouts per address per minute ---------------------- */

struct co_slot {
	char	 addr[48];
	int64_t	 minute;
	int	 count;
};

/*
 * Fixed one-minute windows in a small open-addressed table: cheap, and an
 * address cannot escape its window by flooding others (stale slots are
 * reused first). Kept in memory on purpose: a restart forgets at most one
 * minute of counts.
 */
static struct {
	pthread_mutex_t	 mu;
	struct co_slot	 slots[CO_LIMIT_SLOTS];
} co_limit = { .mu = PTHREAD_MUTEX_INITIALIZER };

/* Counts one checkout for addr; 1 when it is over the limit. */
static int
co_limited(const char *addr, int limit)
{
	uint64_t h = http_hash64(addr, strlen(addr));
	int64_t minute = ny_now() / 60;
	struct co_slot *sl, *free_sl = NULL;
	int i, over = 0;

	pthread_mutex_lock(&co_limit.mu);
	for (i = 0; i < CO_LIMIT_PROBE; i++) {
		sl = &co_limit.slots[(h + (uint64_t)i) % CO_LIMIT_SLOTS];
		if (sl->minute == minute && strcmp(sl->addr, addr) == 0) {
			over = ++sl->count > limit;
			goto out;
		}
		if (sl->minute != minute && free_sl == NULL)
			free_sl = sl;
	}
	if (free_sl != NULL) {
		snprintf(free_sl->addr, sizeof free_sl->addr, "%s", addr);
		free_sl->minute = minute;
		free_sl->count = 1;
		over = limit < 1;
	}
out:
	pthread_mutex_unlock(&co_limit.mu);
	return over;
}

/* ---- the waiting page ---------------------------------------------------- */

/* The locale key of the sentence that explains a final status. */
static const char *
co_reason_key(struct http_req *rq, const struct order *o)
{
	if (o->status == ORDER_PAID && !buyer_is_owner(rq, o))
		return "co.status.paid_elsewhere";
	if (o->status == ORDER_PAID)
		return o->amount_minor == 0 ? "co.status.confirmed" :
		    "co.status.paid";
	if (o->status == ORDER_PENDING && o->amount_minor == 0)
		return "co.confirm.sent";
	if (o->status == ORDER_PENDING && strcmp(o->provider, "stripe") == 0)
		return "co.status.pending_card";
	if (o->status == ORDER_PENDING)
		return "co.status.pending";
	if (o->status == ORDER_REFUNDED)
		return "co.status.refunded";
	if (o->failure[0] != '\0')
		return http_printf(rq, "co.reason.%s", o->failure);
	return o->status == ORDER_EXPIRED ? "co.reason.expired" :
	    "co.reason.failed";
}

/* 1 when the simulated handset is on (sim among NYOTA_PAYMENTS), else 0. */
static int
co_is_sim(void)
{
	return config_payments_has(http_config(), "sim");
}

/*
 * A card order still waiting: its owner gets the link back to the card
 * page (a buyer who closed it, or came back with "back"), as card_url.
 */
static void
co_card_link(struct http_req *rq, const struct order *o, int owner, json_t *j)
{
	char url[1024];

	if (!owner || o->status != ORDER_PENDING ||
	    strcmp(o->provider, "stripe") != 0 ||
	    payment_checkout_url(http_db(rq), o->payment_id, url, sizeof url)
	    != NY_OK)
		return;
	json_object_set_new(j, "card_url", json_string(url));
}

/*
 * A cart's order: its lines (title, quantity, amount) as lines, and the
 * page's title as "Title +N". One-line orders show the product alone.
 */
static void
co_lines(struct http_req *rq, const struct order *o, json_t *j)
{
	struct order_line *v = NULL;
	json_t *a;
	char amount[64], title[300];
	int i, n = 0;

	if (order_lines_get(http_db(rq), o->id, 0, &v, &n) != NY_OK || n < 2) {
		free(v);
		return;
	}
	a = json_array();
	for (i = 0; i < n; i++) {
		money_format(v[i].amount_minor, o->currency, http_lang(rq),
		    amount, sizeof amount);
		json_array_append_new(a, json_pack("{s:s, s:i, s:s, s:s}",
		    "title", v[i].title, "quantity", v[i].quantity,
		    "amount", amount, "url", http_printf(rq, "/p/%s",
		    v[i].slug)));
	}
	order_lines_title(v, n, title, sizeof title);
	json_object_set_new(j, "title", json_string(title));
	json_object_set_new(j, "lines", a);
	json_object_set_new(j, "has_lines", json_true());
	free(v);
}

/*
 * The waiting page. A free order waiting for its code shows the code form
 * to the browser that made it (no auto-refresh: it would wipe what the
 * buyer types). error_key (may be NULL) explains a refused code.
 */
static int
co_page(struct http_req *rq, struct http_resp *rs, int status,
    const struct order *op, const char *error_key)
{
	struct order o = *op;
	int owner = buyer_is_owner(rq, &o);
	int confirm = o.status == ORDER_PENDING && o.amount_minor == 0;
	json_t *ctx, *st, *j;
	char amount[64], *msg;

	money_format(o.amount_minor, o.currency, http_lang(rq), amount,
	    sizeof amount);
	st = checkout_status_json(&o, "", owner);
	msg = i18n_fmt(http_lang(rq), co_reason_key(rq, &o), "phone",
	    o.phone_masked, "amount", amount, NULL);
	j = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:b, s:b, s:O}",
	    "ref", o.ref, "title", o.product_title, "amount", amount,
	    "phone", o.phone_masked, "status", order_status_name(o.status),
	    "message", msg,
	    "events_url", http_printf(rq, "/checkout/%s/events", o.ref),
	    "pending", o.status == ORDER_PENDING && !confirm,
	    "retry", o.status == ORDER_FAILED || o.status == ORDER_EXPIRED,
	    "library_url", json_object_get(st, "library_url"));
	free(msg);
	json_decref(st);
	if (confirm && owner) {
		json_object_set_new(j, "confirm_url", json_string(http_printf(rq,
		    "/checkout/%s/confirm", o.ref)));
		if (error_key != NULL)
			json_object_set_new(j, "confirm_error", json_string(
			    i18n_get(http_lang(rq), error_key)));
	}
	json_object_set_new(j, "product_url", json_string(
	    http_printf(rq, "/p/%s", o.product_slug)));
	if (co_is_sim() && o.status == ORDER_PENDING &&
	    strcmp(o.provider, "sim") == 0)
		json_object_set_new(j, "sim_url", json_string(http_printf(rq,
		    "/sim/phone?phone=%s", o.phone)));
	co_card_link(rq, &o, owner, j);
	co_lines(rq, &o, j);
	json_object_set_new(j, "checkout_js", json_string(
	    http_static_url("checkout.js")));
	ctx = json_pack("{s:o, s:O}", "order", j, "title",
	    json_object_get(j, "title"));
	http_add_header(rq, rs, "Cache-Control", "no-store");
	http_add_header(rq, rs, "X-Robots-Tag", "noindex, nofollow");
	return http_page(rq, rs, status, "checkout", ctx);
}

int
checkout_page(struct http_req *rq, struct http_resp *rs)
{
	const char *ref = http_param(rq, "ref");
	struct order o;

	if (ref == NULL || strlen(ref) > ORDER_REF_LEN ||
	    order_by_ref(http_db(rq), ref, &o) != NY_OK)
		return 404;
	return co_page(rq, rs, 200, &o, NULL);
}

/*
 * Ends a free order: paid when the phone proved itself, failed after too
 * many wrong codes (a new checkout sends a new one).
 */
static void
co_settle_free(struct db *db, const struct order *o, int proven)
{
	struct pay_result paid = {
		.outcome = PAY_PAID, .result_code = 0, .amount_minor = 0,
		.desc = "free: code confirmed",
	}, failed = {
		.outcome = PAY_FAILED, .result_code = 1,
		.reason = PAY_REASON_CODE, .amount_minor = -1,
		.desc = "free: too many wrong codes",
	};

	if (payment_settle(db, o->payment_id, NULL, proven ? &paid : &failed,
	    NULL) != NY_OK)
		log_warn("free order not settled", "order=%lld",
		    (long long)o->id);
	sse_kick();
}

/*
 * POST /checkout/{ref}/confirm: code, csrf. Only the browser that made
 * the order may try (one code was sent to the phone; ORDER_CONFIRM_TRIES
 * tries, counted before they are compared).
 */
int
checkout_confirm(struct http_req *rq, struct http_resp *rs)
{
	const char *ref = http_param(rq, "ref"), *code = http_form(rq, "code");
	struct db *db = http_db(rq);
	struct order o;
	char digits[8];
	size_t i, n = 0;
	enum ny_err rc;

	if (ref == NULL || strlen(ref) > ORDER_REF_LEN ||
	    order_by_ref(db, ref, &o) != NY_OK)
		return 404;
	if (!buyer_is_owner(rq, &o))
		return 403;
	if (!http_csrf_ok(rq))
		return co_page(rq, rs, 403, &o, "co.err.csrf");
	/* People type codes with spaces: "123 456". */
	for (i = 0; code != NULL && code[i] != '\0' && n < sizeof digits - 1;
	    i++)
		if (code[i] != ' ' && code[i] != '-')
			digits[n++] = code[i];
	digits[n] = '\0';
	rc = order_confirm(db, o.id, digits);
	if (rc == NY_OK) {
		co_settle_free(db, &o, 1);
		return http_redirect(rq, rs, 303, http_printf(rq,
		    "/checkout/%s", o.ref));
	}
	if (rc == NY_ELIMIT)
		co_settle_free(db, &o, 0);
	if (rc == NY_ELIMIT || rc == NY_ESTATE)
		return http_redirect(rq, rs, 303, http_printf(rq,
		    "/checkout/%s", o.ref));
	if (rc != NY_EDENIED)
		return 503;
	return co_page(rq, rs, 422, &o, "co.confirm.wrong");
}

/* ---- the form ------------------------------------------------------------ */

/* The form again, with what the buyer typed and why it was refused. */
static int
co_form_again(struct http_req *rq, struct http_resp *rs, int status,
    const struct catalog_product *p, const char *error_key)
{
	const char *phone = http_form(rq, "phone"), *qty = http_form(rq, "quantity");
	const char *amount = http_form(rq, "amount"), *code = http_form(rq, "code");
	const char *email = http_form(rq, "email");
	char price[64];
	json_t *ctx;

	money_format(p->price_minor, p->currency, http_lang(rq), price,
	    sizeof price);
	ctx = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:b}",
	    "title", p->title, "price", price,
	    "error", i18n_get(http_lang(rq), error_key),
	    "phone", phone ? phone : "", "quantity", qty ? qty : "1",
	    "checkout_url", http_printf(rq, "/p/%s/checkout", p->slug),
	    "is_ticket", strcmp(p->kind, "ticket") == 0);
	json_object_set_new(ctx, "max_quantity", json_integer(ORDER_MAX_QUANTITY));
	checkout_methods_json(p->currency, ctx);
	checkout_amount_json(rq, p, amount, ctx);
	json_object_set_new(ctx, "code", json_string(code ? code : ""));
	json_object_set_new(ctx, "email", json_string(email ? email : ""));
	checkout_invalid_json(error_key, ctx);
	/* The language switch opens the product page: this URL is POST. */
	json_object_set_new(ctx, "path", json_string(http_printf(rq, "/p/%s",
	    p->slug)));
	return http_page(rq, rs, status, "checkout-form", ctx);
}

void
checkout_invalid_json(const char *error_key, json_t *ctx)
{
	/* Only the field a refusal is about is marked invalid (not the
	 * phone for a stale CSRF token). */
	json_object_set_new(ctx, "phone_invalid", json_boolean(
	    strncmp(error_key, "phone.err.", 10) == 0 ||
	    strcmp(error_key, "co.err.phone_limit") == 0));
	json_object_set_new(ctx, "amount_invalid", json_boolean(
	    strcmp(error_key, "co.err.amount") == 0));
	json_object_set_new(ctx, "email_invalid", json_boolean(
	    strcmp(error_key, "co.err.email") == 0));
	json_object_set_new(ctx, "code_invalid", json_boolean(
	    strncmp(error_key, "discount.err.", 13) == 0));
}

/* Decimals of currency's major unit (2, or 0 for UGX). */
static int
co_exponent(const char *currency)
{
	int e = 2;

	if (money_exponent(currency, &e) != NY_OK)
		e = 2;
	return e;
}

void
checkout_amount_json(struct http_req *rq, const struct catalog_product *p,
    const char *typed, json_t *ctx)
{
	char min[64], major[64];
	int64_t suggested;
	char *hint;

	json_object_set_new(ctx, "pwyw", json_boolean(p->pwyw));
	if (!p->pwyw)
		return;
	suggested = p->suggested_minor >= p->price_minor ? p->suggested_minor :
	    p->price_minor;
	money_format(p->price_minor, p->currency, http_lang(rq), min,
	    sizeof min);
	/* In major units, as money_parse reads them back ("1500.50"). */
	checkout_major(suggested, p->currency, major, sizeof major);
	json_object_set_new(ctx, "amount", json_string(typed != NULL ? typed :
	    major));
	checkout_major(p->price_minor, p->currency, major, sizeof major);
	json_object_set_new(ctx, "amount_min", json_string(major));
	json_object_set_new(ctx, "amount_step", json_string(
	    co_exponent(p->currency) > 0 ? "0.01" : "1"));
	hint = i18n_fmt(http_lang(rq), "sf.form.amount_hint", "min", min, NULL);
	json_object_set_new(ctx, "amount_hint", json_string(hint));
	free(hint);
}

void
checkout_major(int64_t minor, const char *currency, char *buf, size_t len)
{
	if (co_exponent(currency) == 2)
		snprintf(buf, len, "%lld.%02lld", (long long)(minor / 100),
		    (long long)(minor % 100));
	else
		snprintf(buf, len, "%lld", (long long)minor);
}

/*
 * The idempotency key of a submission: the same browser (CSRF cookie)
 * sending the same thing (what: product or cart, phone, quantity, amount,
 * code, email, method) is the same purchase while that order is young
 * (see order_create).
 */
const char *
checkout_idem_key(struct http_req *rq, const char *what)
{
	unsigned char h[TOK_HASH_LEN];
	char hex[2 * TOK_HASH_LEN + 1], *msg;

	msg = http_printf(rq, "idem:%s:%s", http_cookie(rq, "csrf"), what);
	tok_hash(msg, h);
	crypto_hex(h, 16, hex);
	return http_strdup(rq, hex);
}

int
checkout_limited(struct http_req *rq)
{
	return co_limited(http_client_addr(rq), http_config()->checkout_limit);
}

int
checkout_place(struct http_req *rq, struct http_resp *rs,
    struct order_new *in, const struct pay_provider *prov,
    const char **err_key, int *err_status)
{
	const struct ny_config *cfg = http_config();
	const char *why = NULL, *err;
	struct order o;
	enum ny_err rc;
	int created = 0, status;

	in->locale = http_lang(rq);
	in->client_addr = http_client_addr(rq);
	in->provider = prov->name;
	in->timeout_s = prov->timeout_s != NULL ? prov->timeout_s(cfg) :
	    cfg->pay_timeout_s;
	in->browser = buyer_cookie(rq, rs);
	in->why = &why;
	*err_status = 422;
	rc = order_create(http_db(rq), in, &o, &created);
	switch (rc) {
	case NY_OK:
		break;
	case NY_ELIMIT:
		*err_key = why != NULL ? why : "co.err.phone_limit";
		return 0;
	case NY_ESTATE:
		*err_key = why != NULL ? why : "co.err.sold_out";
		return 0;
	case NY_EINVAL:
		*err_key = why != NULL ? why : "co.err.quantity";
		return 0;
	case NY_EDENIED:
		*err_key = why != NULL ? why : "discount.err.unknown";
		return 0;
	case NY_ENOTFOUND:
		*err_key = "co.err.gone";
		*err_status = 404;
		return 0;
	default:
		log_warn("checkout failed", "err=%s", ny_strerror(rc));
		return 503;
	}
	if (created && o.amount_minor == 0)
		worker_outbox_kick();	/* the code, to the phone */
	else if (prov->in_request && o.amount_minor > 0) {
		status = checkout_card_start(rq, rs, &o, &err);
		if (status == 0) {
			*err_key = err;
			*err_status = 503;
		}
		return status;
	} else if (created)
		worker_pay_kick();
	return http_redirect(rq, rs, 303, http_printf(rq, "/checkout/%s",
	    o.ref));
}

enum ny_err
checkout_amount(struct http_req *rq, const struct catalog_product *p,
    int *has, int64_t *minor)
{
	const char *raw = http_form(rq, "amount");

	*has = 0;
	if (!p->pwyw)
		return NY_OK;
	if (raw == NULL || raw[0] == '\0') {
		*minor = p->suggested_minor >= p->price_minor ?
		    p->suggested_minor : p->price_minor;
	} else if (money_parse(raw, p->currency, minor) != NY_OK)
		return NY_EINVAL;
	*has = 1;
	return *minor < p->price_minor || *minor > PRODUCT_PRICE_MAX ?
	    NY_EINVAL : NY_OK;
}

enum ny_err
checkout_email(struct http_req *rq, char *out, size_t len)
{
	const char *raw = http_form(rq, "email");
	size_t i;

	out[0] = '\0';
	for (i = 0; raw != NULL && (raw[i] == ' ' || raw[i] == '\t'); i++)
		;
	if (raw == NULL || raw[i] == '\0')
		return NY_OK;
	return mail_addr_check(raw, out, len);
}

int
checkout_start(struct http_req *rq, struct http_resp *rs)
{
	const char *slug = http_param(rq, "slug"), *raw = http_form(rq, "phone");
	const char *code = http_form(rq, "code");
	const struct pay_provider *prov;
	const char *err;
	struct catalog_product *p = NULL;
	struct order_line_new line;
	struct order_new in;
	enum ny_err rc;
	char phone[16], email[MAIL_ADDR_MAX + 1];
	int qty, status, err_status;

	if (checkout_limited(rq))
		return http_error(rq, rs, 429, "co.err.too_many");
	/* Off the shop since the form was opened (unpublished, its creator
	 * disabled): say so, not a bare "not found". */
	rc = slug == NULL ? NY_ENOTFOUND : catalog_product_by_slug(http_db(rq),
	    slug, &p);
	if (rc == NY_ENOTFOUND)
		return http_error(rq, rs, 404, "co.err.gone");
	if (rc != NY_OK)
		return 503;
	memset(&line, 0, sizeof line);
	memset(&in, 0, sizeof in);
	if (!http_csrf_ok(rq))
		status = co_form_again(rq, rs, 403, p, "co.err.csrf");
	else if (order_form_check(raw, http_form(rq, "quantity"), p->kind,
	    phone, sizeof phone, &qty, &err) != NY_OK)
		status = co_form_again(rq, rs, 422, p, err);
	else if (strcmp(p->kind, "ticket") == 0 && p->seats_left < qty)
		status = co_form_again(rq, rs, 422, p, "co.err.sold_out");
	else if (checkout_amount(rq, p, &line.has_amount, &line.amount_minor) !=
	    NY_OK)
		status = co_form_again(rq, rs, 422, p, "co.err.amount");
	else if (checkout_email(rq, email, sizeof email) != NY_OK)
		status = co_form_again(rq, rs, 422, p, "co.err.email");
	else if ((prov = checkout_method_pick(p->currency,
	    http_form(rq, "method"))) == NULL)
		status = co_form_again(rq, rs, 422, p, "co.err.method");
	else {
		line.product_id = p->id;
		line.quantity = qty;
		in.lines = &line;
		in.nlines = 1;
		in.product_id = p->id;
		in.quantity = qty;
		in.phone = phone;
		in.discount_code = code;
		in.email = email[0] != '\0' ? email : NULL;
		in.idem_key = checkout_idem_key(rq, http_printf(rq,
		    "p:%s:%s:%d:%d:%lld:%s:%s:%s", p->slug, phone, qty,
		    line.has_amount, (long long)line.amount_minor,
		    code ? code : "", email, prov->name));
		status = checkout_place(rq, rs, &in, prov, &err, &err_status);
		if (status == 0 && err_status == 404)
			status = http_error(rq, rs, 404, err);
		else if (status == 0)
			status = co_form_again(rq, rs, err_status, p, err);
	}
	catalog_product_free(p);
	return status;
}

/* ---- the simulated handset ---------------------------------------------- */

int
checkout_sim_phone(struct http_req *rq, struct http_resp *rs)
{
	const char *raw = http_query(rq, "phone");
	struct order *v = NULL;
	json_t *ctx, *prompts = json_array();
	char phone[16] = "", amount[64];
	int i, n = 0;

	if (!co_is_sim())
		return 404;
	if (raw != NULL && phone_normalize(raw, NULL, phone, sizeof phone) ==
	    PHONE_OK)
		order_list_pending_by_phone(http_db(rq), phone, 10, &v, &n);
	for (i = 0; i < n; i++) {
		if (strcmp(v[i].payment_status, "pending") != 0)
			continue;	/* not pushed yet */
		money_format(v[i].amount_minor, v[i].currency, http_lang(rq),
		    amount, sizeof amount);
		json_array_append_new(prompts, json_pack("{s:s, s:s, s:s}",
		    "ref", v[i].ref, "amount", amount, "title",
		    v[i].product_title));
	}
	free(v);
	ctx = json_pack("{s:s, s:o}", "phone", phone[0] ? phone : (raw ? raw :
	    ""), "prompts", prompts);
	json_object_set_new(ctx, "title", json_string(i18n_get(http_lang(rq),
	    "co.sim.title")));
	http_add_header(rq, rs, "Cache-Control", "no-store");
	return http_page(rq, rs, 200, "sim-phone", ctx);
}

/*
 * POST /sim/stk/{ref}: the simulated buyer's answer. No CSRF check: this
 * stands for the buyer's handset (a device, not the shop's web page), and
 * it only exists with NYOTA_PAYMENTS=sim.
 */
int
checkout_sim_answer(struct http_req *rq, struct http_resp *rs)
{
	const char *ref = http_param(rq, "ref"), *action = http_form(rq, "action");
	const char *phone = http_form(rq, "phone");
	enum ny_err rc;
	int changed = 0;

	if (!co_is_sim())
		return 404;
	if (ref == NULL || action == NULL || (strcmp(action, "approve") != 0 &&
	    strcmp(action, "decline") != 0))
		return 400;
	rc = pay_sim_answer(http_db(rq), ref, strcmp(action, "approve") == 0,
	    &changed);
	if (rc == NY_ENOTFOUND)
		return 404;
	if (rc == NY_ESTATE)
		return http_error(rq, rs, 409, "co.sim.gone");
	if (rc != NY_OK)
		return 503;
	if (changed)
		sse_kick();
	if (phone != NULL && phone[0] != '\0')
		return http_redirect(rq, rs, 303, http_printf(rq,
		    "/sim/phone?phone=%s", phone));
	return http_json(rq, rs, 200, json_pack("{s:b}", "changed", changed));
}

/* ---- Daraja ------------------------------------------------------------- */

/*
 * An unknown CheckoutRequestID: the answer to a push whose reply we never
 * recorded (killed between Daraja's reply and our commit). A success
 * callback carries PhoneNumber and Amount: it is adopted by the one
 * payment that started a push within the timeout, with no reference yet,
 * for the same phone and amount; the worker then confirms it with the STK
 * query like any callback. Zero or several candidates: nothing is guessed,
 * the (redacted) callback goes to the audit log for manual review. A
 * failure callback carries no metadata: it is only logged (the payment
 * expires by itself).
 */
static void
checkout_mpesa_unknown(struct http_req *rq, const struct pay_answer *a,
    const char *body, size_t len)
{
	const struct ny_config *cfg = http_config();
	char *redacted;
	int64_t id = 0;
	enum ny_err rc;

	if (a->result.outcome != PAY_PAID || a->phone[0] == '\0' ||
	    a->result.amount_minor < 0) {
		log_warn("daraja callback for an unknown request",
		    "code=%d adopt=no", a->result.result_code);
		return;
	}
	redacted = pay_mpesa_redact_callback(body, len);
	rc = payment_adopt_callback(http_db(rq), "mpesa", a->phone,
	    a->result.amount_minor, a->provider_ref, body, redacted, ny_now(),
	    cfg->pay_timeout_s, &id);
	free(redacted);
	if (rc == NY_OK)
		worker_pay_kick();
	else
		log_warn("daraja callback for an unknown request", "err=%s",
		    ny_strerror(rc));
}

/*
 * POST /payments/mpesa/callback/{secret}: keeps the raw callback on its
 * payment and wakes the worker, which confirms it with the STK query
 * before anything is granted. Answers fast; unknown ids are accepted (see
 * checkout_mpesa_unknown) so Daraja stops retrying, malformed bodies get
 * 400.
 */
int
checkout_mpesa_callback(struct http_req *rq, struct http_resp *rs)
{
	const struct ny_config *cfg = http_config();
	const char *secret = http_param(rq, "secret"), *body;
	struct pay_answer a;
	struct payment p;
	size_t len;
	enum ny_err rc;

	if (!config_payments_has(cfg, "mpesa") || secret == NULL ||
	    cfg->mpesa_callback_secret[0] == '\0' ||
	    !tok_equal(secret, cfg->mpesa_callback_secret))
		return 404;
	body = http_body(rq, &len);
	if (body == NULL || pay_mpesa_parse_callback(body, len, &a) != NY_OK) {
		log_warn("daraja callback malformed", "len=%zu", len);
		return http_json(rq, rs, 400, json_pack("{s:i, s:s}",
		    "ResultCode", 1, "ResultDesc", "Malformed"));
	}
	rc = payment_by_provider_ref(http_db(rq), a.provider_ref, &p);
	if (rc == NY_OK && strcmp(p.status, "paid") == 0 &&
	    a.result.outcome == PAY_PAID && a.receipt[0] != '\0') {
		/* The query settled it first (no receipt): keep the receipt. */
		payment_late_receipt(http_db(rq), p.id, a.receipt, body);
	} else if (rc == NY_OK) {
		payment_keep_raw(http_db(rq), p.id, body);
		worker_pay_kick();
	} else if (rc == NY_ENOTFOUND)
		checkout_mpesa_unknown(rq, &a, body, len);
	else
		log_warn("daraja callback not recorded", "err=%s",
		    ny_strerror(rc));
	pay_answer_clear(&a);
	return http_json(rq, rs, 200, json_pack("{s:i, s:s}", "ResultCode", 0,
	    "ResultDesc", "Accepted"));
}
