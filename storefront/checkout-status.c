/*
 * checkout-status.c: the order status document. See checkout-status.h.
 */
#include <stdlib.h>
#include <string.h>

#include "buyer.h"
#include "checkout-status.h"

json_t *
checkout_status_json(const struct order *o, const char *base_url, int owner)
{
	json_t *j = json_object();

	json_object_set_new(j, "status", json_string(order_status_name(o->status)));
	json_object_set_new(j, "reason", o->failure[0] ?
	    json_string(o->failure) : json_null());
	/* The order's own items, for the browser that made it only; the
	 * phone-wide library link goes to the phone, on WhatsApp. */
	if (o->status == ORDER_PAID && owner) {
		char *url = xasprintf("%s/checkout/%s/library", base_url, o->ref);

		json_object_set_new(j, "library_url", json_string(url));
		free(url);
	} else
		json_object_set_new(j, "library_url", json_null());
	return j;
}

int
checkout_status(struct http_req *rq, struct http_resp *rs)
{
	const char *ref = http_param(rq, "ref");
	struct order o;

	if (ref == NULL || strlen(ref) > ORDER_REF_LEN ||
	    order_by_ref(http_db(rq), ref, &o) != NY_OK)
		return 404;
	http_add_header(rq, rs, "Cache-Control", "no-store");
	return http_json(rq, rs, 200, checkout_status_json(&o,
	    http_config()->base_url, buyer_is_owner(rq, &o)));
}
