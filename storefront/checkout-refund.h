/*
 * checkout-refund.h: the results of M-Pesa refunds, which Daraja's
 * Transaction Reversal API POSTs back (handlers for http_routes[]; see
 * checkout-refund.c).
 */
#ifndef NY_CHECKOUT_REFUND_H
#define NY_CHECKOUT_REFUND_H

#include "http.h"

/* POST /payments/mpesa/reversal/{secret} */
int	checkout_mpesa_reversal(struct http_req *rq, struct http_resp *rs);
/* POST /payments/mpesa/reversal-timeout/{secret} */
int	checkout_mpesa_reversal_timeout(struct http_req *rq,
	    struct http_resp *rs);

#endif
