/*
 * buyer.h: the buyer cookie, which tells the browser that made an order
 * from anyone else who merely learns its ref. A random secret per browser,
 * set when it first checks out; orders keep only its keyed hash
 * (order_browser_ok, shared/order.c). Used by checkout (to set it and to
 * show the order's items), the status document and SSE (library_url only
 * for the owner), and the per-order library (/checkout/{ref}/…).
 */
#ifndef NY_BUYER_H
#define NY_BUYER_H

#include "http.h"
#include "order.h"

/*
 * This browser's secret: the cookie when it has the right shape, else a
 * new one, set on rs (90 days, HttpOnly). Returns request memory (MHD's or
 * the arena's), valid until the request completes.
 */
const char	*buyer_cookie(struct http_req *rq, struct http_resp *rs);
/*
 * 1 when the request comes from the browser that made order o (its buyer
 * cookie matches the hash kept on the order), else 0.
 */
int		 buyer_is_owner(struct http_req *rq, const struct order *o);

#endif
