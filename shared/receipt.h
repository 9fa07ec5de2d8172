/*
 * receipt.h: the buyer's order history and receipts (the library's "Your
 * orders" and /l/{token}/orders/{ref}): every order of a customer where
 * money was taken — paid, refunded, and expired with failure "late_refund"
 * (paid after the seats were gone) — with how it was paid and whether it
 * was given back. A read model: no writes, no transaction of its own.
 */
#ifndef NY_RECEIPT_H
#define NY_RECEIPT_H

#include <stddef.h>
#include <stdint.h>

#include "db.h"
#include "order.h"

/* At most this many orders in a history (newest first). */
#define RECEIPT_LIST_MAX	500

/* Where the money stands, as the buyer is told. */
enum receipt_status {
	RECEIPT_PAID,		/* paid, access given */
	RECEIPT_REFUND_DUE,	/* paid after the seats were gone: the
				   creator owes a refund (late_refund) */
	RECEIPT_REFUNDING,	/* a refund was asked, the provider's answer
				   has not come yet */
	RECEIPT_REFUNDED	/* given back (refunded_at says when) */
};

struct receipt {
	int64_t			 order_id;
	char			 ref[ORDER_REF_LEN + 1];
	int64_t			 paid_at;	/* when the money came */
	char			*title;		/* product title (owned) */
	char			*slug;		/* product slug (owned) */
	char			 kind[16];	/* download subscription … */
	char			*seller;	/* creator display name, else
						   handle (owned) */
	int			 quantity;
	int64_t			 amount_minor;
	char			 currency[4];
	char			 provider[8];	/* sim mpesa stripe; "" when
						   the order has no payment */
	char			 code[40];	/* M-Pesa receipt / sim code;
						   "" for cards */
	char			 card_brand[24];	/* "visa", … or "" */
	char			 card_last4[8];		/* or "" */
	char			 phone[16];	/* the paying phone, E.164: show
						   it masked only */
	enum receipt_status	 status;
	int64_t			 refunded_at;	/* 0 unless RECEIPT_REFUNDED */
	/* What the order bought (receipt_get only; NULL, 0 in a list):
	 * every line, first line first, owned. title above is the first
	 * line's, "Title +N" when the order has N more. */
	struct order_line	*lines;
	int			 nlines;
};

/*
 * The orders of customer_id where money was taken, newest first (at most
 * RECEIPT_LIST_MAX), into the array *out of *n receipts (free it with
 * receipt_list_free; empty when there are none). After an error *out is
 * NULL and *n 0. NY_OK or NY_EDB.
 */
enum ny_err	receipt_list(struct db *db, int64_t customer_id,
		    struct receipt **out, size_t *n);
void		receipt_list_free(struct receipt *v, size_t n);

/*
 * The order ref of customer_id into *out (receipt_free releases it), only
 * when money was taken for it. An unknown ref, another customer's order
 * and an order never paid all give NY_ENOTFOUND (*out then owns nothing);
 * else NY_OK or NY_EDB.
 */
enum ny_err	receipt_get(struct db *db, int64_t customer_id,
		    const char *ref, struct receipt *out);
void		receipt_free(struct receipt *r);

/*
 * A card brand as Stripe names it ("visa", "amex", "mastercard", …) the
 * way people write it ("Visa", "American Express", "Mastercard"); an
 * unknown brand capitalised, at most len - 1 bytes. Writes "" for an
 * empty brand or Stripe's "unknown" (say "Card" then). Returns buf.
 */
char		*receipt_brand_name(const char *brand, char *buf, size_t len);

#endif
