/*
 * refund.h: giving the money back, and ending what it bought.
 *
 * A refund is always of a whole order, at most one per order (table
 * refunds, migration 0010). It is asked for by a creator (console order
 * detail, `nyota-console order refund REF`) or arrives from a provider
 * (a refund made in Stripe's dashboard: charge.refunded).
 *
 *   pending ──▶ done      (the order is refunded: access ends)
 *      └─────▶ failed     (the provider refused or could not be reached;
 *                          asking again reuses the row)
 *
 * How the money goes back, by the payment's provider:
 *   sim     at once (how 'sim');
 *   stripe  the refunds API, idempotent per refund id (how 'api'); the
 *           answer or charge.refunded ends it;
 *   mpesa   Daraja's reversal API when NYOTA_MPESA_INITIATOR and
 *           _SECURITY_CREDENTIAL are set (how 'api', asynchronous: the
 *           result callback ends it); otherwise the creator sends the
 *           money back and types the M-Pesa code (how 'hand', done at
 *           once).
 *
 * refund_done_tx is THE transition that ends access, in the caller's
 * transaction: refund row done, order refunded, the order's entitlement
 * revoked (library item gone, downloads refused, subscription ended),
 * its tickets invalid at check-in (they belong to a refunded order), its
 * seats back on sale (seats count paid orders), the buyer's WhatsApp
 * message queued in the order's language, an "order" event, and the
 * audit log line naming who refunded what.
 */
#ifndef NY_REFUND_H
#define NY_REFUND_H

#include <stdint.h>

#include "config.h"
#include "db.h"

/*
 * A refund pending this long (its answer lost in a crash, a reversal
 * whose result never came) may be asked again: the same row, the next
 * attempt. A whole refund is never paid twice: Stripe refuses a second
 * one as already refunded, Daraja a second reversal of one transaction.
 */
#define REFUND_STALE_S	600

struct refund {
	int64_t	 id;
	int64_t	 order_id;
	int64_t	 payment_id;
	char	 order_ref[24];
	char	 provider[8];		/* sim | mpesa | stripe */
	char	 how[8];		/* api | hand | sim */
	char	 status[8];		/* pending | done | failed */
	int64_t	 amount_minor;
	char	 currency[4];
	char	 provider_ref[72];	/* re_… / ConversationID, or "" */
	char	 manual_code[16];	/* M-Pesa code of a refund by hand */
	char	 reason[200];
	char	 actor[40];
	char	 error[160];
	int64_t	 created_at;
	int64_t	 updated_at;
	int64_t	 done_at;		/* 0 until done */
	int	 attempts;		/* times asked of the provider */
};

/* What a creator (or the operator) asks for. Strings borrowed. */
struct refund_ask {
	const char	*order_ref;
	int64_t		 creator_id;	/* only this creator's orders; 0 = any
					   (the operator's CLI) */
	const char	*actor;		/* creator handle, or "cli" */
	const char	*reason;	/* may be NULL */
	const char	*manual_code;	/* M-Pesa code of a refund by hand, or
					   NULL; only for mpesa payments */
};

/*
 * 1 when order can be refunded now: paid, or expired with failure
 * "late_refund" (money taken, seats gone), and no refund done or pending
 * (unless pending for REFUND_STALE_S).
 */
int	refund_possible(struct db *db, int64_t order_id);

/*
 * Refunds an order as asked, talking to the provider (cfg gives its
 * settings). On return *out (may be NULL) is the refund row:
 *   NY_OK        done (access ended) or pending (the provider's result
 *                comes later: out->status says which);
 *   NY_ENOTFOUND no such order (or none of its lines this creator's);
 *   NY_EDENIED   a creator asked for an order with other creators' lines
 *                too: only the operator refunds it (the CLI, creator_id 0);
 *   NY_ESTATE    not refundable (not paid, already refunded or pending);
 *   NY_ENOTSUP   an M-Pesa payment with no reversal API configured and no
 *                manual code given: the creator must send the money back
 *                and give the code;
 *   NY_EINVAL    a manual code that is not an M-Pesa code (10 letters and
 *                digits), or given for another provider;
 *   NY_EIO       the provider could not be reached or refused (the row is
 *                failed with out->error; asking again retries);
 *   NY_EBUSY / NY_EDB.
 */
enum ny_err refund_order(struct db *db, const struct ny_config *cfg,
	    const struct refund_ask *ask, struct refund *out);

/*
 * The provider's final result for a pending refund named by its
 * provider_ref (a Daraja reversal result, a Stripe refund event). ok 1:
 * done (refund_done_tx, in a transaction of its own); 0: failed with desc.
 * raw (may be NULL) kept. Repeats are harmless (*changed = 0).
 * NY_OK, NY_ENOTFOUND, NY_EBUSY / NY_EDB.
 */
enum ny_err refund_result(struct db *db, const char *provider_ref, int ok,
	    const char *desc, const char *raw, int *changed);

/*
 * A provider says the payment whose receipt is receipt (Stripe: the
 * payment intent) was refunded in full, e.g. from Stripe's dashboard:
 * the pending refund of its order is done, or when Nyota asked for none,
 * one is recorded (how 'api', actor = provider) and done. refund_ref may
 * be NULL. Repeats are harmless. NY_OK, NY_ENOTFOUND, NY_EBUSY / NY_EDB.
 */
enum ny_err refund_by_provider(struct db *db, const char *provider,
	    const char *receipt, const char *refund_ref, const char *raw,
	    int *changed);

/* The refund row of an order. NY_OK or NY_ENOTFOUND. */
enum ny_err refund_by_order(struct db *db, int64_t order_id,
	    struct refund *out);

/* Inside the caller's transaction: see the top of this file. */
enum ny_err refund_done_tx(struct db *db, int64_t refund_id, int64_t now);

#endif
