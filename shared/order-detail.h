/*
 * order-detail.h: one order as the creator's console and the operator's
 * `nyota-console order show` read it: the order, its payment, its refund,
 * a timeline of what happened to it and the WhatsApp messages it caused.
 * A read model only: nothing here writes.
 *
 * The buyer's phone is kept masked ("…678") and never whole: a struct
 * order_detail can be shown to anyone allowed to see the order. Message
 * bodies are never read (they hold the place of the library link).
 */
#ifndef NY_ORDER_DETAIL_H
#define NY_ORDER_DETAIL_H

#include <stddef.h>
#include <stdint.h>

#include "db.h"
#include "order.h"
#include "refund.h"

#define ORDER_DETAIL_STEPS	32	/* timeline entries kept */
#define ORDER_DETAIL_MSGS	16	/* messages kept (the first ones) */

/*
 * One entry of the timeline. what is a static word naming the step, also
 * the suffix of its locale key ("tui.od.step.<what>"):
 *   created        the order was made
 *   push           the payment request went to the provider
 *   accepted       the provider took it (detail: its reference)
 *   webhook        a provider event arrived (detail: its type)
 *   paid           paid (detail: the receipt or card)
 *   paid_late      paid after the order expired, no seat left: to refund
 *   failed         failed (detail: the reason code)
 *   expired        expired unpaid
 *   refund_asked   a refund was asked (detail: who)
 *   refunded       the refund is done (detail: the M-Pesa code by hand)
 *   refund_failed  the provider refused it (detail: its error)
 */
struct order_detail_step {
	int64_t		 at;
	const char	*what;
	char		 detail[168];
};

/* A WhatsApp message queued for the order (never its body). */
struct order_detail_msg {
	char		 kind[24];	/* receipt, library_link, … */
	char		 status[8];	/* queued | sending | sent | failed */
	int64_t		 created_at;
	int64_t		 sent_at;	/* 0 until sent */
};

struct order_detail {
	struct order		 order;		/* phone[] is "": see above */
	int64_t			 creator_id;	/* the first line's creator */
	/* The lines the reader may see, first line first: every line (the
	 * CLI, creator 0) or the creator's only; share_minor their sum (the
	 * creator's share; the order's amount is order.amount_minor). */
	struct order_line	 lines[ORDER_MAX_LINES];
	int			 nlines;
	int			 nlines_all;	/* the order's, everyone's */
	int64_t			 share_minor;
	/* The payment (order.provider is its method). */
	char			 pay_status[8];	/* new|pending|paid|… or "" */
	char			 receipt[40];	/* M-Pesa receipt, pi_…, or "" */
	char			 card_brand[24];
	char			 card_last4[8];
	char			 provider_ref[72];
	/* The refund, when one was asked. */
	int			 has_refund;
	struct refund		 refund;
	int			 refundable;	/* refund_possible now */
	struct order_detail_step steps[ORDER_DETAIL_STEPS];
	int			 nsteps;	/* oldest first */
	struct order_detail_msg	 msgs[ORDER_DETAIL_MSGS];
	int			 nmsgs;		/* oldest first */
};

/*
 * Reads the order named by ref (when not NULL) or else by id into *out.
 * creator_id > 0: only an order with a line of that creator's is found,
 * with only their lines (the console); 0: any, every line (the
 * operator's CLI). Returns NY_OK, NY_ENOTFOUND (no
 * such order, or another creator's: the two look the same), NY_EBUSY /
 * NY_EDB. Several reads without a transaction: a refund finishing in
 * between may show half, and the next read shows it whole.
 */
enum ny_err	order_detail_get(struct db *db, int64_t creator_id,
		    const char *ref, int64_t id, struct order_detail *out);

/*
 * The orders to refund: paid after they expired for an event whose seats
 * were gone by then (status expired, failure "late_refund"), newest
 * first, at most max, with a line of creator_id's (0 = any). *out is an
 * array the caller frees with free() (NULL when none), *n its length.
 * NY_OK or a database error (then nothing is returned).
 */
enum ny_err	order_detail_refund_due(struct db *db, int64_t creator_id,
		    int max, struct order **out, int *n);

/*
 * What proves the payment, language-neutral, into buf: the card as
 * "visa ···· 4242" when known, else the receipt ("QAB12CD34E", "pi_…"),
 * else "".
 */
void		order_detail_means(const struct order_detail *d, char *buf,
		    size_t len);

#endif
