/*
 * library.c: the buyer's library pages: /l/{token} (everything the phone
 * owns, grouped by kind), a ticket with its QR code, calendar files, and
 * the buyer's orders with a receipt per order, and the recovery form.
 * Library pages are per buyer: never cached, never indexed, and the token
 * never reaches a log line.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buyer.h"
#include "i18n.h"
#include "library-http.h"
#include "library.h"
#include "library-key.h"
#include "library-recover.h"
#include "log.h"
#include "mail.h"
#include "money.h"
#include "phone.h"
#include "qr.h"
#include "receipt.h"
#include "ticket.h"
#include "view.h"
#include "worker-outbox.h"

#define LIB_ICS_MAX	8192

static const char *const lib_sections[] = {
	"download", "subscription", "ticket", "webinar", NULL
};

/* Per-buyer pages: no caches, no robots, no referrers (the URL is a key). */
static void
lib_private(struct http_req *rq, struct http_resp *rs)
{
	http_add_header(rq, rs, "Cache-Control", "no-store");
	http_add_header(rq, rs, "X-Robots-Tag", "noindex, nofollow");
}

/* i18n_fmt into the arena. */
static const char *
lib_fmt(struct http_req *rq, const char *key, const char *n1, const char *v1,
    const char *n2, const char *v2)
{
	char *s = i18n_fmt(http_lang(rq), key, n1, v1, n2, v2, NULL);
	const char *out = http_strdup(rq, s);

	free(s);
	return out;
}

/* lib_fmt of key's plural form for n: "1 time", "2 times" (i18n_fmt_n). */
static const char *
lib_fmt_n(struct http_req *rq, const char *key, long long n, const char *n1,
    const char *v1, const char *n2, const char *v2)
{
	char *s = i18n_fmt_n(http_lang(rq), key, n, n1, v1, n2, v2, NULL);
	const char *out = http_strdup(rq, s);

	free(s);
	return out;
}

/* view_date in the buyer's language, in the arena. */
static const char *
lib_date(struct http_req *rq, int64_t t)
{
	char *s = view_date(http_lang(rq), t);
	const char *out = http_strdup(rq, s);

	free(s);
	return out;
}

int
lib_message(struct http_req *rq, struct http_resp *rs, int status,
    const char *title_key, const char *text, const char *back)
{
	json_t *ctx = json_pack("{ss ss ss ss?}", "title",
	    i18n_get(http_lang(rq), title_key), "heading",
	    i18n_get(http_lang(rq), title_key), "text", text ? text : "",
	    "back", back);

	lib_private(rq, rs);
	return http_page(rq, rs, status, "library-message", ctx);
}

/* The recovery form's context (also inside the 404 page). */
static json_t *
lib_recover_ctx(struct http_req *rq, const char *title_key)
{
	return json_pack("{ss}", "title", i18n_get(http_lang(rq), title_key));
}

/* 404: an unknown or revoked library link, with the recovery form. */
static int
lib_not_found(struct http_req *rq, struct http_resp *rs)
{
	json_t *ctx = lib_recover_ctx(rq, "lib.notfound.title");

	json_object_set_new(ctx, "missing", json_true());
	lib_private(rq, rs);
	return http_page(rq, rs, 404, "library-recover", ctx);
}

/* ---- your orders ---------------------------------------------------- */

static const char *const lib_receipt_states[] = {
	[RECEIPT_PAID] = "paid",
	[RECEIPT_REFUND_DUE] = "refund_due",
	[RECEIPT_REFUNDING] = "refunding",
	[RECEIPT_REFUNDED] = "refunded",
};

/*
 * The provider's key suffix for the locale (lib.receipt.method.X,
 * lib.receipt.paid.X): "free" for a free order, NULL when the order has
 * no payment row (nothing to say about a method then).
 */
static const char *
lib_method_id(const struct receipt *r)
{
	if (r->amount_minor == 0)
		return "free";
	if (strcmp(r->provider, "mpesa") == 0 ||
	    strcmp(r->provider, "stripe") == 0 ||
	    strcmp(r->provider, "sim") == 0)
		return r->provider;
	return NULL;
}

/*
 * How the buyer paid, in detail: "Visa •••• 4242" for a card (the brand
 * in words, "Card" when Stripe did not name one; the method alone
 * without the last four), else the method ("M-Pesa", "Simulated"); ""
 * when unknown.
 */
static const char *
lib_method(struct http_req *rq, const struct receipt *r)
{
	const char *id = lib_method_id(r), *lang = http_lang(rq);
	char brand[32];

	if (id == NULL)
		return "";
	if (strcmp(id, "stripe") == 0 && r->card_last4[0] != '\0') {
		receipt_brand_name(r->card_brand, brand, sizeof brand);
		return lib_fmt(rq, "lib.receipt.card", "brand", *brand ? brand :
		    i18n_get(lang, "lib.receipt.method.stripe"), "last4",
		    r->card_last4);
	}
	return i18n_get(lang, http_printf(rq, "lib.receipt.method.%s", id));
}

/* Where the money stands, in words ("Refunded on …"). */
static const char *
lib_receipt_status(struct http_req *rq, const struct receipt *r)
{
	if (r->status == RECEIPT_REFUNDED)
		return lib_fmt(rq, "lib.receipt.status.refunded", "date",
		    lib_date(rq, r->refunded_at), NULL, NULL);
	return i18n_get(http_lang(rq), http_printf(rq,
	    "lib.receipt.status.%s", lib_receipt_states[r->status]));
}

/*
 * One order as the list and the receipt show it. Every key is set (""
 * when empty): a name missing in a list item would be looked up in the
 * page's context instead.
 */
static json_t *
lib_receipt_json(struct http_req *rq, const char *base,
    const struct receipt *r)
{
	const char *id = lib_method_id(r);
	char amount[64], qty[16];

	money_format(r->amount_minor, r->currency, http_lang(rq), amount,
	    sizeof amount);
	snprintf(qty, sizeof qty, "%d", r->quantity);
	return json_pack("{ss ss ss ss ss ss ss ss ss ss ss ss ss ss sb}",
	    "ref", r->ref,
	    "url", http_printf(rq, "%s/orders/%s", base, r->ref),
	    "title", r->title, "product_url", http_printf(rq, "/p/%s",
	    r->slug), "seller", r->seller, "quantity", qty, "amount", amount,
	    "date", lib_date(rq, r->paid_at), "method", lib_method(rq, r),
	    "paid_with", id ? i18n_get(http_lang(rq), http_printf(rq,
	    "lib.receipt.paid.%s", id)) : "",
	    "mpesa", strcmp(r->provider, "mpesa") == 0 ? r->code : "",
	    "code", strcmp(r->provider, "mpesa") != 0 ? r->code : "",
	    "status", lib_receipt_status(rq, r),
	    "status_kind", lib_receipt_states[r->status],
	    "refunded", r->status == RECEIPT_REFUNDED);
}

/* A cart's lines for its receipt: title, quantity, amount, discount. */
static json_t *
lib_receipt_lines(struct http_req *rq, const struct receipt *r)
{
	json_t *a = json_array();
	char amount[64], off[64];
	int i;

	for (i = 0; i < r->nlines; i++) {
		const struct order_line *l = &r->lines[i];

		money_format(l->amount_minor, r->currency, http_lang(rq),
		    amount, sizeof amount);
		money_format(l->discount_minor, r->currency, http_lang(rq),
		    off, sizeof off);
		json_array_append_new(a, json_pack("{ss si ss ss}", "title",
		    l->title, "quantity", l->quantity, "amount", amount,
		    "discount", l->discount_minor > 0 ? off : ""));
	}
	return a;
}

/*
 * Adds "Your orders" to a library page's context: the customer's orders
 * newest first, each linking its receipt. NY_OK or receipt_list's error.
 */
static enum ny_err
lib_orders_add(struct http_req *rq, const struct lib_scope *sc, json_t *ctx)
{
	struct receipt *v;
	json_t *orders;
	size_t i, n;
	enum ny_err rc;

	if ((rc = receipt_list(http_db(rq), sc->customer_id, &v, &n)) != NY_OK)
		return rc;
	orders = json_array();
	for (i = 0; i < n; i++)
		if (!sc->narrowed || library_keep_order(&sc->keep,
		    v[i].order_id))
			json_array_append_new(orders, lib_receipt_json(rq,
			    sc->base, &v[i]));
	receipt_list_free(v, n);
	json_object_set_new(ctx, "has_orders",
	    json_boolean(json_array_size(orders) > 0));
	json_object_set_new(ctx, "orders", orders);
	return NY_OK;
}

/* ---- the library page ---------------------------------------------- */

/* An item's files with their links and download counts. */
static json_t *
lib_files_json(struct http_req *rq, const char *base,
    const struct lib_item *it)
{
	json_t *files = json_array();
	size_t i;

	for (i = 0; i < it->nfiles; i++) {
		const struct lib_file *f = &it->files[i];
		char size[32], n[16], lim[16];

		view_size(f->size, size, sizeof size);
		snprintf(n, sizeof n, "%d", f->downloads);
		snprintf(lim, sizeof lim, "%d", it->download_limit);
		json_array_append_new(files, json_pack("{ss ss ss ss sb}",
		    "name", f->name, "size_label", size,
		    "url", http_printf(rq, "%s/files/%lld", base,
		    (long long)f->id),
		    "count", it->download_limit > 0 ?
		    lib_fmt_n(rq, "lib.downloads_limit", it->download_limit,
		    "count", n, "limit", lim) :
		    f->downloads > 0 ?
		    lib_fmt_n(rq, "lib.downloads_count", f->downloads, "count",
		    n, NULL, NULL) : "",
		    "limited", it->download_limit > 0 &&
		    f->downloads >= it->download_limit));
	}
	return files;
}

/* An item's tickets with their links and check-in dates. */
static json_t *
lib_tickets_json(struct http_req *rq, const char *base,
    const struct lib_item *it)
{
	json_t *ts = json_array();
	size_t i;

	for (i = 0; i < it->ntickets; i++) {
		const struct lib_ticket *t = &it->tickets[i];

		json_array_append_new(ts, json_pack("{ss ss ss}", "code",
		    t->code, "url", http_printf(rq, "%s/tickets/%s", base,
		    t->code), "used", t->checked_in_at ?
		    lib_fmt(rq, "lib.ticket.checked_in", "date",
		    lib_date(rq, t->checked_in_at), NULL, NULL) : ""));
	}
	return ts;
}

/* The status line of an item in the buyer's language. */
static const char *
lib_status(struct http_req *rq, const struct lib_item *it)
{
	switch (it->state) {
	case LIB_REFUNDED:
		return i18n_get(http_lang(rq), "lib.refunded");
	case LIB_REVOKED:
		return i18n_get(http_lang(rq), "lib.revoked");
	case LIB_EXPIRED:
		return lib_fmt(rq, "lib.expired", "date",
		    lib_date(rq, it->expires_at), NULL, NULL);
	case LIB_ACTIVE:
		break;
	}
	if (it->expires_at != 0)
		return lib_fmt(rq, "lib.active_until", "date",
		    lib_date(rq, it->expires_at), NULL, NULL);
	return strcmp(it->kind, "download") == 0 ?
	    i18n_get(http_lang(rq), "lib.forever") : "";
}

/* One library item as the page shows it. */
static json_t *
lib_item_json(struct http_req *rq, const char *base, const struct lib_item *it)
{
	int active = it->state == LIB_ACTIVE;
	json_t *o = json_pack("{ss ss ss ss ss sb sb}", "title", it->title,
	    "creator", lib_fmt(rq, "lib.by", "creator", it->creator, NULL,
	    NULL), "kind", it->kind, "product_url",
	    http_printf(rq, "/p/%s", it->slug), "status", lib_status(rq, it),
	    "active", active, "expired", it->state == LIB_EXPIRED);

	/* has_*: a section over an array repeats, so the list wrapper
	 * hangs on a flag. */
	if (it->nfiles > 0) {
		json_object_set_new(o, "has_files", json_true());
		json_object_set_new(o, "files", lib_files_json(rq, base, it));
	}
	if (it->ntickets > 0 && active) {
		json_object_set_new(o, "has_tickets", json_true());
		json_object_set_new(o, "tickets",
		    lib_tickets_json(rq, base, it));
	}
	if (it->starts_at != 0 && active) {
		json_object_set_new(o, "starts", json_string(
		    lib_date(rq, it->starts_at)));
		json_object_set_new(o, "ics_url", json_string(http_printf(rq,
		    "%s/calendar/%lld.ics", base,
		    (long long)it->entitlement_id)));
	}
	if (*it->venue && active)
		json_object_set_new(o, "venue", json_string(it->venue));
	/* The join link is the access itself: gone with a refund, a revoke
	 * or the end of a subscription. */
	if (it->join_url != NULL && *it->join_url && active)
		json_object_set_new(o, "join_url", json_string(it->join_url));
	if (it->state == LIB_EXPIRED)
		json_object_set_new(o, "renew_url", json_string(
		    http_printf(rq, "/p/%s", it->slug)));
	return o;
}

/* The items grouped by kind, in lib_sections order; empty kinds left out. */
static json_t *
lib_sections_json(struct http_req *rq, const char *base,
    const struct library *lib)
{
	json_t *sections = json_array();
	size_t i, k;

	for (k = 0; lib_sections[k] != NULL; k++) {
		json_t *items = json_array();

		for (i = 0; i < lib->nitems; i++)
			if (strcmp(lib->items[i].kind, lib_sections[k]) == 0)
				json_array_append_new(items,
				    lib_item_json(rq, base, &lib->items[i]));
		if (json_array_size(items) == 0) {
			json_decref(items);
			continue;
		}
		json_array_append_new(sections, json_pack("{ss ss so}",
		    "kind", lib_sections[k], "heading", i18n_get(http_lang(rq),
		    http_printf(rq, "lib.section.%s", lib_sections[k])),
		    "items", items));
	}
	return sections;
}

enum ny_err
lib_scope(struct http_req *rq, struct lib_scope *sc)
{
	const char *token = http_param(rq, "token"), *ref;
	char email[MAIL_ADDR_MAX + 1];
	struct order o;
	int64_t key;

	memset(sc, 0, sizeof *sc);
	if (token != NULL) {
		if (library_key_resolve(http_db(rq), token, &sc->customer_id,
		    &key) != NY_OK ||
		    library_key_email(http_db(rq), key, email, sizeof email) !=
		    NY_OK)
			return NY_EDENIED;
		sc->base = http_printf(rq, "/l/%s", token);
		if (*email == '\0')
			return NY_OK;
		sc->email = http_strdup(rq, email);
	} else {
		ref = http_param(rq, "ref");
		if (ref == NULL || strlen(ref) > ORDER_REF_LEN ||
		    order_by_ref(http_db(rq), ref, &o) != NY_OK ||
		    o.status != ORDER_PAID || !buyer_is_owner(rq, &o))
			return NY_EDENIED;
		sc->customer_id = o.customer_id;
		sc->order_id = o.id;
		sc->base = http_printf(rq, "/checkout/%s", o.ref);
	}
	/* Narrowed: the lines of that order, or of the address's orders. */
	sc->narrowed = 1;
	if (library_keep_load(http_db(rq), sc->customer_id, sc->order_id,
	    sc->email, &sc->keep) != NY_OK) {
		library_keep_free(&sc->keep);
		return NY_EDENIED;
	}
	http_defer(rq, free, sc->keep.v);
	return NY_OK;
}

/*
 * When lib_load refused: an unknown library link gets the recovery form;
 * an order page without its browser a plain 404 (nothing to recover).
 */
static int
lib_refused(struct http_req *rq, struct http_resp *rs)
{
	return http_param(rq, "ref") != NULL ? 404 : lib_not_found(rq, rs);
}

/*
 * Resolves the scope and loads its library (free it with library_free).
 * NY_OK; NY_EDENIED when the scope is not allowed, or library_items' error
 * (nothing to free then).
 */
static enum ny_err
lib_load(struct http_req *rq, struct library *lib, struct lib_scope *sc)
{
	enum ny_err rc;

	if ((rc = lib_scope(rq, sc)) != NY_OK)
		return rc;
	if ((rc = library_items(http_db(rq), sc->customer_id, ny_now(), lib))
	    != NY_OK)
		return rc;
	if (sc->narrowed)
		library_keep(lib, &sc->keep);
	return NY_OK;
}

int
lib_page(struct http_req *rq, struct http_resp *rs)
{
	struct library lib;
	struct lib_scope sc;
	char phone[32];
	json_t *ctx;

	if (lib_load(rq, &lib, &sc) != NY_OK)
		return lib_refused(rq, rs);
	phone_display(lib.phone, 1, phone, sizeof phone);
	ctx = json_pack("{ss ss ss so sb}", "title",
	    i18n_get(http_lang(rq), sc.order_id ? "lib.order.title" :
	    "lib.title"), "heading",
	    i18n_get(http_lang(rq), sc.order_id ? "lib.order.title" :
	    "lib.title"), "intro",
	    sc.email != NULL ? lib_fmt(rq, "lib.mail.intro", "email", sc.email,
	    NULL, NULL) :
	    lib_fmt(rq, sc.order_id ? "lib.order.intro" : "lib.intro", "phone",
	    phone, NULL, NULL),
	    "sections", lib_sections_json(rq, sc.base, &lib),
	    "empty", lib.nitems == 0);
	library_free(&lib);
	/* The order page shows one order's items only, not the history. */
	if (sc.order_id == 0) {
		json_object_set_new(ctx, "receipt_css", json_string(
		    http_static_url("receipt.css")));
		if (lib_orders_add(rq, &sc, ctx) != NY_OK) {
			json_decref(ctx);
			return 500;
		}
	}
	lib_private(rq, rs);
	return http_page(rq, rs, 200, "library", ctx);
}

/* ---- receipts -------------------------------------------------------- */

int
lib_receipt_page(struct http_req *rq, struct http_resp *rs)
{
	const char *ref = http_param(rq, "ref"), *paid_with;
	struct lib_scope sc;
	struct receipt r;
	char phone[32];
	json_t *ctx, *o;
	enum ny_err rc;

	if (lib_scope(rq, &sc) != NY_OK)
		return lib_not_found(rq, rs);
	/* Private from here on, the 404 and 500 pages too: their URL holds
	 * the token. */
	lib_private(rq, rs);
	/* Unknown, unpaid or another buyer's: the same plain 404 as any
	 * missing page, so a ref cannot be probed through someone's link. */
	if (strlen(ref) > ORDER_REF_LEN ||
	    (rc = receipt_get(http_db(rq), sc.customer_id, ref, &r)) ==
	    NY_ENOTFOUND)
		return 404;
	if (rc != NY_OK) {
		log_warn("receipt read failed", "err=\"%s\"", ny_strerror(rc));
		return 500;
	}
	if (sc.narrowed && !library_keep_order(&sc.keep, r.order_id)) {
		receipt_free(&r);
		return 404;	/* not bought with this address */
	}
	phone_display(r.phone, 1, phone, sizeof phone);
	/* NULL only for text that is not UTF-8, which the product rules
	 * and the providers' parsers keep out: a 500, not half a receipt. */
	if ((o = lib_receipt_json(rq, sc.base, &r)) == NULL) {
		log_warn("receipt not shown", "err=\"not UTF-8\"");
		receipt_free(&r);
		return 500;
	}
	json_object_set_new(o, "phone", json_string(phone));
	if (r.nlines > 1)
		json_object_set_new(o, "lines", lib_receipt_lines(rq, &r));
	/* "Paid with M-Pesa"; once the money is (to be) given back, that
	 * comes first: "Paid with M-Pesa · Refunded on …". */
	paid_with = json_string_value(json_object_get(o, "paid_with"));
	json_object_set_new(o, "headline", json_string(
	    r.status == RECEIPT_PAID && *paid_with ? paid_with :
	    !*paid_with ? lib_receipt_status(rq, &r) : http_printf(rq,
	    "%s · %s", paid_with, lib_receipt_status(rq, &r))));
	ctx = json_pack("{ss ss ss so}", "title",
	    i18n_get(http_lang(rq), "lib.receipt.title"), "back", sc.base,
	    "receipt_css", http_static_url("receipt.css"), "receipt", o);
	receipt_free(&r);
	return http_page(rq, rs, 200, "receipt", ctx);
}

/* ---- tickets -------------------------------------------------------- */

int
lib_ticket_page(struct http_req *rq, struct http_resp *rs)
{
	const struct lib_item *it;
	const struct lib_ticket *t;
	struct library lib;
	struct lib_scope sc;
	const char *base;
	char code[TICKET_CODE_MAX], *svg = NULL;
	json_t *ctx;

	if (lib_load(rq, &lib, &sc) != NY_OK)
		return lib_refused(rq, rs);
	base = sc.base;
	if (library_ticket(&lib, http_param(rq, "code"), &it, &t) != NY_OK ||
	    it->state != LIB_ACTIVE) {
		library_free(&lib);
		return 404;
	}
	/* The QR holds the stored form: what check-in normalises to. */
	ticket_code_normalize(t->code, code);
	if (qr_svg(code, &svg) != NY_OK)
		svg = NULL;
	/* A fixed size as presentation attributes (the CSP refuses inline
	 * styles): 256 px scans well on any phone. */
	if (svg != NULL && strncmp(svg, "<svg ", 5) == 0) {
		char *sized = xasprintf("<svg width=\"256\" height=\"256\" %s",
		    svg + 5);

		free(svg);
		svg = sized;
	}
	ctx = json_pack("{ss ss ss ss ss ss ss ss}", "title",
	    i18n_get(http_lang(rq), "lib.ticket.title"), "product", it->title,
	    "code", t->code, "qr", svg ? http_strdup(rq, svg) : "",
	    "starts", lib_date(rq, it->starts_at), "venue", it->venue,
	    "back", base, "ics_url", http_printf(rq, "%s/calendar/%lld.ics",
	    base, (long long)it->entitlement_id));
	if (t->checked_in_at)
		json_object_set_new(ctx, "used", json_string(lib_fmt(rq,
		    "lib.ticket.checked_in", "date",
		    lib_date(rq, t->checked_in_at), NULL, NULL)));
	free(svg);
	library_free(&lib);
	lib_private(rq, rs);
	return http_page(rq, rs, 200, "library-ticket", ctx);
}

/* ---- calendar files (RFC 5545) -------------------------------------- */

/* Appends "NAME:value" escaped and folded at 75 octets, CRLF-terminated. */
static void
lib_ics_line(struct ny_buf *b, const char *name, const char *value)
{
	struct ny_buf l;
	size_t i, col = 0;

	buf_init(&l, LIB_ICS_MAX);
	buf_printf(&l, "%s:", name);
	for (; *value != '\0'; value++) {
		if (*value == '\\' || *value == ';' || *value == ',')
			buf_printf(&l, "\\%c", *value);
		else if (*value == '\n')
			buf_adds(&l, "\\n");
		else if (*value != '\r')
			buf_add(&l, value, 1);
	}
	for (i = 0; i < l.len; i++) {
		/* Fold before 75 octets, never inside a UTF-8 sequence. */
		if (col >= 74 && ((unsigned char)l.data[i] & 0xC0) != 0x80) {
			buf_adds(b, "\r\n ");
			col = 1;
		}
		buf_add(b, l.data + i, 1);
		col++;
	}
	buf_adds(b, "\r\n");
	buf_free(&l);
}

/* Appends "NAME:20261125T162849Z" (UTC), CRLF-terminated. */
static void
lib_ics_time(struct ny_buf *b, const char *name, int64_t t)
{
	char iso[32], out[20];
	size_t i, j = 0;

	ny_iso8601(t, iso, sizeof iso);	/* 2026-11-25T16:28:49Z */
	for (i = 0; iso[i] != '\0' && j + 1 < sizeof out; i++)
		if (iso[i] != '-' && iso[i] != ':')
			out[j++] = iso[i];
	out[j] = '\0';
	buf_printf(b, "%s:%s\r\n", name, out);
}

int
lib_calendar(struct http_req *rq, struct http_resp *rs)
{
	const char *file = http_param(rq, "file"), *dot;
	const struct lib_item *it = NULL;
	struct library lib;
	struct lib_scope sc;
	struct ny_buf b;
	int64_t ent;
	size_t i;
	int status;

	if (lib_load(rq, &lib, &sc) != NY_OK)
		return lib_refused(rq, rs);
	dot = strrchr(file, '.');
	if (dot == NULL || strcmp(dot, ".ics") != 0 ||
	    ny_parse_int(http_strndup(rq, file, (size_t)(dot - file)), 1,
	    INT64_MAX, &ent) != NY_OK)
		ent = 0;
	for (i = 0; i < lib.nitems; i++)
		if (lib.items[i].entitlement_id == ent &&
		    lib.items[i].starts_at != 0 &&
		    lib.items[i].state == LIB_ACTIVE)
			it = &lib.items[i];
	if (it == NULL) {
		library_free(&lib);
		return 404;
	}
	buf_init(&b, LIB_ICS_MAX);
	buf_adds(&b, "BEGIN:VCALENDAR\r\nVERSION:2.0\r\n"
	    "PRODID:-//Nyota//Library//EN\r\nCALSCALE:GREGORIAN\r\n"
	    "BEGIN:VEVENT\r\n");
	buf_printf(&b, "UID:nyota-%lld-%lld@nyota\r\n",
	    (long long)it->product_id, (long long)it->entitlement_id);
	lib_ics_time(&b, "DTSTAMP", ny_now());
	lib_ics_time(&b, "DTSTART", it->starts_at);
	lib_ics_time(&b, "DTEND", it->starts_at + 2 * 3600);
	lib_ics_line(&b, "SUMMARY", it->title);
	if (*it->venue)
		lib_ics_line(&b, "LOCATION", it->venue);
	if (it->join_url != NULL && *it->join_url) {
		lib_ics_line(&b, "LOCATION", it->join_url);
		lib_ics_line(&b, "DESCRIPTION", it->join_url);
	}
	buf_adds(&b, "END:VEVENT\r\nEND:VCALENDAR\r\n");
	library_free(&lib);
	lib_private(rq, rs);
	http_add_header(rq, rs, "Content-Disposition",
	    "attachment; filename=\"event.ics\"");
	status = http_bytes(rq, rs, 200, "text/calendar; charset=utf-8",
	    b.data, b.len);
	buf_free(&b);
	return status;
}

/* ---- recovery ------------------------------------------------------- */

int
lib_recover_form(struct http_req *rq, struct http_resp *rs)
{
	lib_private(rq, rs);
	return http_page(rq, rs, 200, "library-recover",
	    lib_recover_ctx(rq, "lib.recover.title"));
}

/*
 * POST /library/recover with an address: the address's own link goes to
 * it by email (library_recover_email); the same answer for every address.
 */
static int
lib_recover_mail(struct http_req *rq, struct http_resp *rs, const char *in)
{
	char email[MAIL_ADDR_MAX + 1];
	json_t *ctx;
	enum ny_err rc;

	if (mail_addr_check(in, email, sizeof email) != NY_OK) {
		ctx = lib_recover_ctx(rq, "lib.recover.title");
		json_object_set_new(ctx, "mail_error", json_string(i18n_get(
		    http_lang(rq), "lib.recover.mail_bad")));
		json_object_set_new(ctx, "email", json_string(in));
		lib_private(rq, rs);
		return http_page(rq, rs, 422, "library-recover", ctx);
	}
	rc = library_recover_email(http_db(rq), email, http_client_addr(rq),
	    ny_now(), NULL);
	if (rc == NY_ELIMIT)
		return lib_message(rq, rs, 429, "lib.recover.title",
		    i18n_get(http_lang(rq), "lib.recover.limited"), NULL);
	if (rc != NY_OK) {
		log_warn("library recovery by email failed", "err=\"%s\"",
		    ny_strerror(rc));
		return 500;
	}
	worker_outbox_kick();
	return lib_message(rq, rs, 200, "lib.recover.title",
	    i18n_get(http_lang(rq), "lib.recover.mail_sent"), NULL);
}

int
lib_recover(struct http_req *rq, struct http_resp *rs)
{
	const char *in = http_form(rq, "phone"), *receipt, *mail;
	char phone[16];
	enum phone_err pe;
	json_t *ctx;
	enum ny_err rc;

	if (!http_csrf_ok(rq))
		return 403;
	mail = http_form(rq, "email");
	if (mail != NULL && *mail != '\0' && (in == NULL || *in == '\0'))
		return lib_recover_mail(rq, rs, mail);
	pe = phone_normalize(in != NULL ? in : "", NULL, phone, sizeof phone);
	if (pe != PHONE_OK) {
		ctx = lib_recover_ctx(rq, "lib.recover.title");
		json_object_set_new(ctx, "error", json_string(i18n_get(
		    http_lang(rq), http_printf(rq, "phone.err.%s",
		    phone_err_name(pe)))));
		json_object_set_new(ctx, "phone", json_string(in ? in : ""));
		lib_private(rq, rs);
		return http_page(rq, rs, 422, "library-recover", ctx);
	}
	receipt = http_form(rq, "receipt");
	rc = library_recover(http_db(rq), phone, receipt,
	    http_client_addr(rq), ny_now(), NULL);
	if (rc == NY_ELIMIT)
		return lib_message(rq, rs, 429, "lib.recover.title",
		    i18n_get(http_lang(rq), "lib.recover.limited"), NULL);
	if (rc != NY_OK) {
		log_warn("library recovery failed", "err=\"%s\"",
		    ny_strerror(rc));
		return 500;
	}
	worker_outbox_kick();
	/* The same page whether or not the phone owns anything. */
	return lib_message(rq, rs, 200, "lib.recover.title",
	    i18n_get(http_lang(rq), "lib.recover.sent"), NULL);
}
