/*
 * checkout.h: buying: the checkout form, the waiting page, the free
 * order's code, the simulated handset, the Daraja callback (handlers for
 * http_routes[]; see http.h). The status document is checkout-status.h.
 */
#ifndef NY_CHECKOUT_H
#define NY_CHECKOUT_H

#include "http.h"

int	checkout_start(struct http_req *rq, struct http_resp *rs);	/* POST /p/{slug}/checkout */
int	checkout_page(struct http_req *rq, struct http_resp *rs);	/* GET /checkout/{ref} */
int	checkout_confirm(struct http_req *rq, struct http_resp *rs);	/* POST /checkout/{ref}/confirm */
int	checkout_sim_phone(struct http_req *rq, struct http_resp *rs);	/* GET /sim/phone */
int	checkout_sim_answer(struct http_req *rq, struct http_resp *rs);	/* POST /sim/stk/{ref} */
int	checkout_mpesa_callback(struct http_req *rq, struct http_resp *rs); /* POST /payments/mpesa/callback/{secret} */

#endif
