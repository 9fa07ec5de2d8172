/*
 * pages.h: the storefront's public pages and API (handlers for
 * http_routes[]; see http.h for the contract).
 */
#ifndef NY_PAGES_H
#define NY_PAGES_H

#include "http.h"

int	page_healthz(struct http_req *rq, struct http_resp *rs);
int	page_catalog(struct http_req *rq, struct http_resp *rs);
int	page_creator(struct http_req *rq, struct http_resp *rs);
int	page_product(struct http_req *rq, struct http_resp *rs);
int	page_cover(struct http_req *rq, struct http_resp *rs);
int	api_products(struct http_req *rq, struct http_resp *rs);
int	api_product(struct http_req *rq, struct http_resp *rs);

#endif
