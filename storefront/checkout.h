/*
 * checkout.h: buying: the checkout form, the waiting page and its status,
 * the simulated handset, the Daraja callback; and start/stop of the
 * payment services (worker, SSE watcher) for main.c.
 */
#ifndef NY_CHECKOUT_H
#define NY_CHECKOUT_H

#include <jansson.h>

#include "config.h"
#include "http.h"
#include "order.h"

/*
 * Starts the payment worker and the SSE change watcher (after http_start,
 * after crypto_init). NY_OK, or an error with *cause (caller frees).
 */
int	checkout_services_start(const struct ny_config *cfg, char **cause);
/* Ends SSE streams and stops both threads; call before http_stop. */
void	checkout_services_stop(void);

/*
 * The status document of /checkout/{ref}/status and the SSE events:
 * {"status": "pending|paid|failed|expired|refunded", "reason": code|null,
 *  "library_url": url|null}. library_url, "{base_url}/checkout/{ref}/library"
 * (this order's items), only once paid and only for owner (the browser
 * that made the order, checkout_owner); never the phone-wide library link.
 * New reference.
 */
json_t	*checkout_status_json(const struct order *o, const char *base_url,
	    int owner);

/*
 * 1 when the request comes from the browser that made order o (its buyer
 * cookie matches the hash kept on the order), else 0.
 */
int	checkout_owner(struct http_req *rq, const struct order *o);

int	checkout_start(struct http_req *rq, struct http_resp *rs);	/* POST /p/{slug}/checkout */
int	checkout_page(struct http_req *rq, struct http_resp *rs);	/* GET /checkout/{ref} */
int	checkout_status(struct http_req *rq, struct http_resp *rs);	/* GET /checkout/{ref}/status */
int	checkout_confirm(struct http_req *rq, struct http_resp *rs);	/* POST /checkout/{ref}/confirm */
int	checkout_sim_phone(struct http_req *rq, struct http_resp *rs);	/* GET /sim/phone */
int	checkout_sim_answer(struct http_req *rq, struct http_resp *rs);	/* POST /sim/stk/{ref} */
int	checkout_mpesa_callback(struct http_req *rq, struct http_resp *rs); /* POST /payments/mpesa/callback/{secret} */

#endif
