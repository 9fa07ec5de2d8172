/*
 * order-int.h: what order.c shares with order-create.c, and no other
 * module: the keyed hashes of a buyer's browser secret and of a free
 * order's code (made at creation, checked later).
 */
#ifndef NY_ORDER_INT_H
#define NY_ORDER_INT_H

#include "crypto.h"
#include "order.h"

/* The keyed hash of a browser secret (domain-separated from tokens). */
void	order_browser_hash(const char *browser,
	    unsigned char out[TOK_HASH_LEN]);

/* The keyed hash of a free order's code, bound to the order's ref. */
void	order_code_hash(const char *ref, const char *code,
	    unsigned char out[TOK_HASH_LEN]);

#endif
