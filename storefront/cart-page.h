/*
 * cart-page.h: the cart's pages and forms (handlers for http_routes[];
 * see http.h). The cookie itself is cart.h's.
 */
#ifndef NY_CART_PAGE_H
#define NY_CART_PAGE_H

#include "http.h"

int	cart_page(struct http_req *rq, struct http_resp *rs);	/* GET /cart */
int	cart_add(struct http_req *rq, struct http_resp *rs);	/* POST /cart/add */
int	cart_update(struct http_req *rq, struct http_resp *rs);	/* POST /cart/update */
int	cart_checkout(struct http_req *rq, struct http_resp *rs); /* POST /cart/checkout */

#endif
