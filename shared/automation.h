/*
 * automation.h: a creator's automatic WhatsApp messages for a product
 * ("thank you" after a purchase, "starts in an hour", "your subscription
 * ends in 3 days"). The outbox scheduler (outbox_schedule) sends them;
 * this module adds, lists, enables/disables and removes them. The catalog
 * import (catalog-io) upserts the same rows from JSON.
 */
#ifndef NY_AUTOMATION_H
#define NY_AUTOMATION_H

#include <stddef.h>
#include <stdint.h>

#include "db.h"

#define AUTOMATION_BODY_MAX	4096		/* bytes, per language */
#define AUTOMATION_OFFSET_MAX	525600		/* minutes: one year */

struct automation {
	int64_t	 id;
	int64_t	 product_id;
	char	 trigger[16];	/* purchase | before_start | before_end */
	int	 offset_minutes;	/* after purchase / before start or end */
	char	*body_en;
	char	*body_sw;
	int	 enabled;
	int64_t	 created_at;
	/* The messages it queued in the outbox, by their status there;
	 * filled by automation_counts only (0 elsewhere). */
	int64_t	 sent;		/* sent */
	int64_t	 pending;	/* queued or sending */
	int64_t	 failed;	/* failed (the outbox gave up) */
};

/*
 * Adds an enabled automation. trigger must suit the product's kind:
 * "purchase" any kind, "before_start" a ticket or webinar, "before_end" a
 * subscription. offset_minutes 0..AUTOMATION_OFFSET_MAX, bodies 1..
 * AUTOMATION_BODY_MAX bytes. Opens its own transaction; appends a
 * "product" event. Returns NY_OK and *id (may be NULL), NY_EINVAL,
 * NY_ENOTFOUND (no such product), NY_EEXISTS (same product, trigger and
 * offset already), or NY_EBUSY / NY_EDB.
 */
enum ny_err automation_add(struct db *db, int64_t product_id,
	    const char *trigger, int offset_minutes, const char *body_en,
	    const char *body_sw, int64_t *id);

/*
 * 1 when trigger ("purchase", "before_start", "before_end") suits a
 * product of kind: purchase any kind, before_start a ticket or webinar,
 * before_end a subscription; 0 otherwise (also for unknown names).
 */
int	automation_trigger_ok(const char *trigger, const char *kind);

/*
 * Changes one automation's trigger, offset and bodies (same rules as
 * automation_add; enabled is kept). Own transaction, "product" event.
 * Returns NY_OK, NY_EINVAL, NY_ENOTFOUND, NY_EEXISTS (another automation
 * of the product has that trigger and offset), NY_EBUSY / NY_EDB.
 */
enum ny_err automation_update(struct db *db, int64_t id, const char *trigger,
	    int offset_minutes, const char *body_en, const char *body_sw);

/*
 * Inside the caller's transaction (the catalog import): makes the
 * product's automation for (trigger, offset) have these bodies and
 * enabled flag, adding it when missing. Same checks as automation_add.
 * *changed (may be NULL) gets 1 when a row was added or changed, else 0.
 * Appends no event (the caller does, once per product). Returns NY_OK,
 * NY_EINVAL, NY_ENOTFOUND (no such product), NY_EDB.
 */
enum ny_err automation_upsert_tx(struct db *db, int64_t product_id,
	    const char *trigger, int offset_minutes, const char *body_en,
	    const char *body_sw, int enabled, int *changed);

/*
 * The product's automations, oldest first, into *out (caller frees with
 * automation_list_free) and *n. Returns NY_OK or NY_EDB.
 */
enum ny_err automation_list(struct db *db, int64_t product_id,
	    struct automation **out, size_t *n);

void	automation_list_free(struct automation *v, size_t n);

/*
 * Fills sent, pending and failed of v[0..n) (automation_list's answer
 * for product_id) from the outbox messages each automation queued
 * (automation_runs → messages): what the creator sees of "how many went
 * out". A message removed from the outbox counts in none. Returns NY_OK
 * or a db error (the counts stay 0).
 */
enum ny_err automation_counts(struct db *db, int64_t product_id,
	    struct automation *v, size_t n);

/*
 * Turns one on or off (a disabled one sends nothing; turning it on again
 * does not resend what was already sent). Own transaction, "product"
 * event. Returns NY_OK (also when already so), NY_ENOTFOUND, NY_EBUSY /
 * NY_EDB.
 */
enum ny_err automation_set_enabled(struct db *db, int64_t id, int enabled);

/*
 * Removes one and its record of sent messages (the messages themselves
 * stay in the outbox). Own transaction, "product" event. Returns NY_OK,
 * NY_ENOTFOUND, NY_EBUSY / NY_EDB.
 */
enum ny_err automation_remove(struct db *db, int64_t id);

#endif
