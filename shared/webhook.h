/*
 * webhook.h: provider events already applied (table webhook_events).
 * Stripe delivers each event at least once and in no particular order;
 * applying is idempotent anyway (payment_settle, refunds), and this
 * record lets a repeat be answered at once without touching anything,
 * and shows the events on an order's timeline.
 */
#ifndef NY_WEBHOOK_H
#define NY_WEBHOOK_H

#include <stdint.h>

#include "db.h"

/* 1 when event id was applied already, else 0 (also on a db error). */
int	webhook_seen(struct db *db, const char *id);

/*
 * Records event id (provider "stripe", its type, the order it concerned
 * or 0) as applied, once: a repeat is ignored. Autocommit.
 * NY_OK or NY_EBUSY / NY_EDB.
 */
enum ny_err webhook_record(struct db *db, const char *id,
	    const char *provider, const char *type, int64_t order_id);

#endif
