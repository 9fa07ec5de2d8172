/*
 * customer.h: buyers, known only by their phone (E.164 digits) and the
 * language they bought in. No accounts, no passwords.
 */
#ifndef NY_CUSTOMER_H
#define NY_CUSTOMER_H

#include <stdint.h>

#include "db.h"

struct customer {
	int64_t	 id;
	char	 phone[16];	/* E.164 digits, no '+' */
	char	 locale[3];	/* "en" | "sw" */
	int64_t	 created_at;
};

/*
 * Returns the customer with phone e164, creating it when new, inside the
 * caller's transaction. locale ("en"/"sw", or NULL to keep) becomes the
 * customer's language (the latest purchase's language wins). Returns
 * NY_OK and *id, NY_EINVAL (not 8–15 digits, unknown locale).
 */
enum ny_err customer_upsert_tx(struct db *db, const char *e164,
	    const char *locale, int64_t *id);

/*
 * Inside the caller's transaction: the address the buyer gave at checkout
 * (mail_addr_check took it, orders.email) becomes the customer's (the
 * latest wins). Called when the order is paid (entitlement_fulfil_tx),
 * never for a pending one: a checkout proves neither phone nor address.
 * NY_OK or the db error.
 */
enum ny_err customer_email_set_tx(struct db *db, int64_t id,
	    const char *email);

/* Fills *out. NY_OK or NY_ENOTFOUND. */
enum ny_err customer_by_phone(struct db *db, const char *e164,
	    struct customer *out);
enum ny_err customer_by_id(struct db *db, int64_t id, struct customer *out);

/* What one customer spent in one currency (no conversion). */
struct customer_total {
	char	 currency[4];
	int64_t	 minor;
};

#define CUSTOMER_NCUR	4	/* KES, TZS, UGX, USD: the schema's list */

/* A buyer of one creator's products, as the console's list shows them. */
struct customer_row {
	int64_t			 id;
	char			 phone[16];	/* E.164 digits */
	char			 phone_masked[24];	/* "…678" */
	char			 locale[3];
	int			 orders;	/* paid orders */
	int64_t			 last_at;	/* latest of them */
	int			 ncur;
	struct customer_total	 total[CUSTOMER_NCUR];	/* by currency code */
};

/*
 * The customers who paid for creator_id's products, most recent buyer
 * first, at most max into *out (caller frees with free(); NULL when
 * none), *n how many. Only paid orders count (a refund gave the money
 * back). search NULL or "" = all; else phone_search_key's rule: a whole
 * number in any usual form ("0712 345 678") or the 1 to 3 digits it ends
 * with, never other digits of it (the console shows it masked).
 * NY_OK, NY_EINVAL (creator_id ≤ 0) or a database error.
 */
enum ny_err customer_list(struct db *db, int64_t creator_id,
	    const char *search, int max, struct customer_row **out, int *n);

#endif
