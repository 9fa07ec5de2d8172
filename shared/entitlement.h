/*
 * entitlement.h: what a buyer owns, and what a paid order gives.
 *
 * One row of `entitlements` per (customer, product); expires_at NULL =
 * forever. Renewing a subscription extends from the later of now and the
 * current end. entitlement_fulfil_tx turns a paid order into everything
 * it buys (entitlement, tickets, library key, receipt message), once.
 */
#ifndef NY_ENTITLEMENT_H
#define NY_ENTITLEMENT_H

#include <stdint.h>

#include "db.h"

/*
 * What an entitlement allows now. The library page shows it as it is
 * (hence the LIB_ names, which the storefront and the console read).
 */
enum lib_state {
	LIB_ACTIVE = 0,
	LIB_EXPIRED,		/* subscription past its end */
	LIB_REFUNDED,		/* latest order refunded */
	LIB_REVOKED,		/* revoked by the creator */
};

/*
 * The state at now of an entitlement ending at expires_at (0 = never),
 * revoked or not, whose latest order has order_status. A refund also
 * revokes (order.c), so "refunded" wins over "revoked": it says why.
 */
enum lib_state	entitlement_state(int64_t now, int64_t expires_at,
		    int revoked, const char *order_status);

/*
 * Inside the caller's transaction: grants product_id to customer_id for
 * order_id. period_days 0 = forever. An existing entitlement is updated:
 * order_id becomes the latest, revoked_at is cleared, a forever grant stays
 * forever, a timed one runs until max(now, current end) + period, and the
 * reminder flag is reset. *ent_id (may be NULL) gets the row id.
 * Idempotency per order is the caller's (pay's settle runs once per order;
 * entitlement_fulfil_tx guards it). NY_OK, NY_EDB.
 */
enum ny_err	entitlement_grant_tx(struct db *db, int64_t customer_id,
		    int64_t product_id, int64_t order_id, int64_t now,
		    int period_days, int64_t *ent_id);

/*
 * Inside the caller's transaction: revokes the entitlement granted by
 * order_id (refunds). NY_OK (also when none).
 */
enum ny_err	entitlement_revoke_order_tx(struct db *db, int64_t order_id,
		    int64_t now);

/*
 * Inside the caller's transaction: everything a paid order gives, once:
 * entitlement (period from the product), tickets (order quantity), live
 * library key, the receipt message in the order's language (product,
 * amount, receipt or reference, {link}); the purchase automations follow
 * from the entitlement (outbox_schedule). receipt may be NULL (the order ref is shown). A second call for the same
 * order changes nothing. *key_id (may be NULL) gets the library key.
 * NY_OK, NY_ENOTFOUND (order), NY_ESTATE (order not paid), NY_EDB.
 */
enum ny_err	entitlement_fulfil_tx(struct db *db, int64_t order_id,
		    const char *receipt, int64_t now, int64_t *key_id);

#endif
