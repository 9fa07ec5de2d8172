/*
 * library-http.h: the buyer library's HTTP handlers (storefront/library.c,
 * storefront/download.c) for http_routes[]; see http.h for the contract.
 */
#ifndef NY_LIBRARY_HTTP_H
#define NY_LIBRARY_HTTP_H

#include "http.h"
#include "library.h"

/*
 * Who asks and what they may see. /l/{token}/…: everything the token's
 * customer owns — unless the token is an address's (the link sent by
 * email): then only what was bought with that address. /checkout/{ref}/…:
 * only what that paid order bought, and only for the browser that made it
 * (buyer_is_owner). base is the URL prefix of the scope's own links.
 */
struct lib_scope {
	int64_t		 customer_id;
	int64_t		 order_id;	/* one order's page; else 0 */
	int		 narrowed;	/* only keep's lines may be seen */
	struct lib_keep	 keep;		/* freed when the request ends */
	const char	*email;		/* an address's link; else NULL */
	const char	*base;		/* "/l/{token}" or "/checkout/{ref}" */
};
/*
 * Fills *sc from the request's {token} or {ref}. NY_OK, or NY_EDENIED
 * for an unknown or revoked token, an unknown or unpaid order, or a
 * browser that did not make the order.
 */
enum ny_err lib_scope(struct http_req *rq, struct lib_scope *sc);

/* GET /l/{token}: the library page; unknown/revoked → 404 + recovery. */
int	lib_page(struct http_req *rq, struct http_resp *rs);
/* GET /l/{token}/tickets/{code}: one ticket with its QR code. */
int	lib_ticket_page(struct http_req *rq, struct http_resp *rs);
/* GET /l/{token}/calendar/{entitlement}.ics: an event or webinar. */
int	lib_calendar(struct http_req *rq, struct http_resp *rs);
/*
 * GET /l/{token}/orders/{ref}: the receipt of one of the token's orders
 * where money was taken; any other ref is a plain 404 (like any missing
 * page), an unknown token the 404 with the recovery form.
 */
int	lib_receipt_page(struct http_req *rq, struct http_resp *rs);
/* GET /library/recover: the recovery form. */
int	lib_recover_form(struct http_req *rq, struct http_resp *rs);
/* POST /library/recover: phone (+ receipt) → link on WhatsApp. */
int	lib_recover(struct http_req *rq, struct http_resp *rs);

/* GET /l/{token}/files/{id}: 303 to a signed /dl URL (10 minutes). */
int	dl_redirect(struct http_req *rq, struct http_resp *rs);
/* GET /dl/{id}/{name}?e=&exp=&sig=: the file (Range, ETag, sendfile). */
int	dl_file(struct http_req *rq, struct http_resp *rs);

/*
 * The /dl URL (path and query, no host) for a grant, valid until exp
 * (arena memory).
 */
const char *dl_signed_path(struct http_req *rq, int64_t file_id,
	    int64_t entitlement_id, const char *name, int64_t exp);

/*
 * The library's message page: heading title_key (locale key), text (already
 * in the buyer's language, escaped by the template), and a link back to
 * back (may be NULL). Returns status.
 */
int	lib_message(struct http_req *rq, struct http_resp *rs, int status,
	    const char *title_key, const char *text, const char *back);

#endif
