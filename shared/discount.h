/*
 * discount.h: discount codes (table discount_codes, discount_uses). A
 * creator makes a code in the console for one of their products or for all
 * of them: a percentage or a fixed amount off each matching line, with
 * optional start and end dates, a total number of uses and uses per phone.
 * The buyer types it at checkout; order_create applies it in the same
 * transaction that makes the order, so the last use goes to exactly one
 * buyer. A use counts while its order is pending or paid: an order that
 * failed or expired gives it back.
 *
 * What the limits do not promise:
 *  - A late payment is honoured: an order that expired (its use given
 *    back) and that the provider then confirms paid becomes paid with its
 *    discount. Money taken means goods given, so a code can end with more
 *    paid uses than max_uses.
 *  - A use is held while its order waits: up to ORDER_TIMEOUT_S (120 s)
 *    for a payment, up to ORDER_CONFIRM_S (15 minutes) for a free order
 *    (a 100 % code) until its WhatsApp code is typed. A code near its
 *    last use can look used up to a buyer during that time.
 *  - max_per_phone counts the phone typed at checkout. An M-Pesa payment
 *    comes from that phone; a card payment does not prove it, so a card
 *    buyer can type other numbers.
 *
 * Unless a function's name ends in _tx, it opens its own transaction or
 * reads with its own statement.
 */
#ifndef NY_DISCOUNT_H
#define NY_DISCOUNT_H

#include <stddef.h>
#include <stdint.h>

#include "db.h"

#define DISCOUNT_CODE_MIN	3
#define DISCOUNT_CODE_MAX	32

enum discount_kind {
	DISCOUNT_PERCENT,	/* value 1–100 */
	DISCOUNT_FIXED,		/* value in minor units of currency, per line */
};

/* A code as the console shows it; owns nothing. */
struct discount {
	int64_t			 id;
	int64_t			 creator_id;
	char			 code[DISCOUNT_CODE_MAX + 1];	/* upper case */
	int64_t			 product_id;	/* 0 = all the creator's */
	char			 product_title[256];	/* "" when all */
	enum discount_kind	 kind;
	int64_t			 value;
	char			 currency[4];	/* fixed; "" for percent */
	int64_t			 starts_at;	/* 0 = none */
	int64_t			 ends_at;	/* 0 = none */
	int64_t			 max_uses;	/* 0 = unlimited */
	int64_t			 max_per_phone;	/* 0 = unlimited */
	int64_t			 created_at;
	int64_t			 disabled_at;	/* 0 = live */
	/* Filled by discount_list: */
	int64_t			 uses;		/* orders pending or paid */
	int64_t			 paid_uses;	/* paid orders */
	int64_t			 revenue_minor;	/* paid lines with the code,
						   after the discount */
	int64_t			 discount_minor; /* taken off paid lines */
};

/*
 * Normalises what a buyer or creator typed into a code: spaces around
 * trimmed, letters upper-cased; then 3–32 of [A-Z0-9_-]. NY_OK with out
 * (len ≥ DISCOUNT_CODE_MAX + 1) or NY_EINVAL.
 */
enum ny_err	discount_code_norm(const char *in, char *out, size_t len);

/*
 * Creates d (id, created_at, uses… ignored; creator_id required; a
 * product_id must be the creator's; fixed needs currency, percent 1–100;
 * ends_at after starts_at). NY_OK and *id (may be NULL); NY_EINVAL with
 * *why (locale key, static; may be NULL); NY_EEXISTS (the creator has
 * that code already); NY_EDB. Audited.
 */
enum ny_err	discount_create(struct db *db, const struct discount *d,
		    int64_t *id, const char **why);

/* Turns a code of creator_id off (or on again, on = 1). NY_OK,
 * NY_ENOTFOUND (not theirs). */
enum ny_err	discount_set_enabled(struct db *db, int64_t creator_id,
		    int64_t id, int on);

/*
 * The creator's codes, newest first, with uses and revenue, into *out
 * (free()), *n. NY_OK or a db error.
 */
enum ny_err	discount_list(struct db *db, int64_t creator_id,
		    struct discount **out, int *n);

/* One line of an order being made, as discount_apply_tx sees it. */
struct discount_line {
	int64_t		 product_id;
	int64_t		 creator_id;
	char		 currency[4];
	int64_t		 gross_minor;	/* unit × quantity */
	int		 quantity;
	int64_t		 discount_minor;	/* out: taken off (≤ gross) */
	int64_t		 discount_id;		/* out: 0 = none */
};

/*
 * Inside order_create's transaction (BEGIN IMMEDIATE): applies the code
 * typed (discount_code_norm) for customer_id at now to the lines it
 * matches: every creator in the lines with a live code of that text
 * applies it to their matching lines. Counts uses of pending and paid
 * orders, so a code with one use left goes to one order. Fills
 * discount_minor and discount_id of those lines.
 *
 * NY_OK (applied to at least one line); NY_EDENIED with *why (static
 * locale key): "discount.err.unknown" (no such code, or turned off),
 * "discount.err.not_started", "discount.err.expired",
 * "discount.err.used_up", "discount.err.per_phone",
 * "discount.err.product" (the code is for nothing in this order);
 * NY_EDB.
 */
enum ny_err	discount_apply_tx(struct db *db, const char *code,
		    int64_t customer_id, int64_t now,
		    struct discount_line *lines, int n, const char **why);

/*
 * Inside the same transaction, once the order row exists: one
 * discount_uses row per code applied to lines (amount: what it took off).
 */
enum ny_err	discount_record_tx(struct db *db, int64_t order_id,
		    int64_t customer_id, const struct discount_line *lines,
		    int n, int64_t now);

#endif
