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

/* Fills *out. NY_OK or NY_ENOTFOUND. */
enum ny_err customer_by_phone(struct db *db, const char *e164,
	    struct customer *out);
enum ny_err customer_by_id(struct db *db, int64_t id, struct customer *out);

#endif
