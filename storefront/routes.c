/*
 * routes.c: every URL of the storefront, as one table (first match wins).
 * Add your routes here with the handler declared in your module's header;
 * keep the section of your module together. Only the server loop (http.c)
 * reads the table; it points down at the handlers (see http.h).
 */
#include "cart-page.h"
#include "checkout-card.h"
#include "checkout-refund.h"
#include "checkout-status.h"
#include "checkout.h"
#include "http.h"
#include "library-http.h"
#include "mail-optout-http.h"
#include "og.h"
#include "pages.h"
#include "sse.h"

const struct http_route http_routes[] = {
	/* store: public pages, API, assets */
	{ "GET", "/", page_catalog, HTTP_CACHE, 0 },
	{ "GET", "/@{handle}", page_creator, HTTP_CACHE, 0 },
	{ "GET", "/p/{slug}", page_product, HTTP_CACHE, 0 },
	{ "GET", "/cover/{sha}", page_cover, 0, 0 },
	/* link previews' pictures: their own ETag and max-age (og.c) */
	{ "GET", "/og/p/{file}", og_product_png, 0, 0 },
	{ "GET", "/og/@{file}", og_creator_png, 0, 0 },
	{ "GET", "/og/site.png", og_site_png, 0, 0 },
	{ "GET", "/api/v1/products", api_products, HTTP_CACHE, 0 },
	{ "GET", "/api/v1/products/{slug}", api_product, HTTP_CACHE, 0 },
	{ "GET", "/static/{file}", http_static_serve, 0, 0 },
	{ "GET", "/healthz", page_healthz, 0, 0 },

	/* pay: checkout, SSE, simulator, callbacks */
	{ "POST", "/p/{slug}/checkout", checkout_start, HTTP_FORM, 8192 },
	{ "GET", "/checkout/{ref}", checkout_page, 0, 0 },
	{ "GET", "/checkout/{ref}/events", sse_order_events, 0, 0 },
	{ "GET", "/checkout/{ref}/status", checkout_status, 0, 0 },
	{ "POST", "/checkout/{ref}/confirm", checkout_confirm, HTTP_FORM, 4096 },
	{ "GET", "/sim/phone", checkout_sim_phone, 0, 0 },
	{ "POST", "/sim/stk/{ref}", checkout_sim_answer, HTTP_FORM, 4096 },
	{ "POST", "/payments/mpesa/callback/{secret}", checkout_mpesa_callback,
	  HTTP_BODY, 16384 },
	{ "POST", "/payments/mpesa/reversal/{secret}", checkout_mpesa_reversal,
	  HTTP_BODY, 16384 },
	{ "POST", "/payments/mpesa/reversal-timeout/{secret}",
	  checkout_mpesa_reversal_timeout, HTTP_BODY, 16384 },
	{ "POST", "/payments/stripe/webhook", checkout_stripe_webhook,
	  HTTP_BODY, 262144 },

	/* cart: one signed cookie, one payment for all of it */
	{ "GET", "/cart", cart_page, 0, 0 },
	{ "POST", "/cart/add", cart_add, HTTP_FORM, 4096 },
	{ "POST", "/cart/update", cart_update, HTTP_FORM, 4096 },
	{ "POST", "/cart/checkout", cart_checkout, HTTP_FORM, 8192 },

	/* library: library, downloads, tickets, recovery */
	{ "GET", "/l/{token}", lib_page, 0, 0 },
	{ "GET", "/l/{token}/files/{id}", dl_redirect, 0, 0 },
	{ "GET", "/l/{token}/tickets/{code}", lib_ticket_page, 0, 0 },
	{ "GET", "/l/{token}/calendar/{file}", lib_calendar, 0, 0 },
	{ "GET", "/l/{token}/orders/{ref}", lib_receipt_page, 0, 0 },
	/* one paid order's items, for the browser that made it only */
	{ "GET", "/checkout/{ref}/library", lib_page, 0, 0 },
	{ "GET", "/checkout/{ref}/files/{id}", dl_redirect, 0, 0 },
	{ "GET", "/checkout/{ref}/tickets/{code}", lib_ticket_page, 0, 0 },
	{ "GET", "/checkout/{ref}/calendar/{file}", lib_calendar, 0, 0 },
	{ "GET", "/dl/{id}/{name}", dl_file, 0, 0 },
	{ "GET", "/library/recover", lib_recover_form, 0, 0 },
	{ "POST", "/library/recover", lib_recover, HTTP_FORM, 4096 },

	/* mail: List-Unsubscribe (GET shows a button, POST records) */
	{ "GET", "/mail/unsubscribe/{token}", mail_optout_page, 0, 0 },
	{ "POST", "/mail/unsubscribe/{token}", mail_optout_post, HTTP_FORM,
	  4096 },

	{ NULL, NULL, NULL, 0, 0 }
};
