/*
 * checkout-status.h: an order's status as the buyer's browser reads it:
 * the JSON document of GET /checkout/{ref}/status, which the SSE stream
 * (sse.c) sends too and the waiting page (checkout.c) starts from. Its own
 * file so that both can use it without calling each other.
 */
#ifndef NY_CHECKOUT_STATUS_H
#define NY_CHECKOUT_STATUS_H

#include <jansson.h>

#include "http.h"
#include "order.h"

/*
 * {"status": "pending|paid|failed|expired|refunded", "reason": code|null,
 *  "library_url": url|null}. library_url, "{base_url}/checkout/{ref}/library"
 * (this order's items), only once paid and only for owner (the browser
 * that made the order, buyer_is_owner); never the phone-wide library link.
 * New reference.
 */
json_t	*checkout_status_json(const struct order *o, const char *base_url,
	    int owner);

/* GET /checkout/{ref}/status: the document above, never cached; 404. */
int	 checkout_status(struct http_req *rq, struct http_resp *rs);

#endif
