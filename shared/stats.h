/*
 * stats.h: sales figures for the console's dashboard and `ssh … stats`.
 * Read-only; each call is a few reads outside any transaction.
 *
 * Days are East Africa Time days (UTC+3, no DST): the shops sell in
 * Kenya, Tanzania and Uganda, and "today" must match the creator's clock.
 *
 * Money is counted per currency and never converted: a shop selling in
 * KES and USD gets two sets of totals. What counts, for a period (the
 * orders whose paid_at falls in it), per currency:
 *   sales     orders still paid (status 'paid'): exactly what the Orders
 *             screen lists as paid;
 *   revenue   net: the amount of those sales, i.e. everything paid in the
 *             period minus what of it was refunded since (paid − refunded);
 *   refunds   orders paid in the period and refunded since (status
 *             'refunded'), refunded their amount.
 * A refund thus lowers the period its sale belongs to, never another one.
 * For a creator, an order counts when it has a line of theirs and its
 * amount is the sum of their lines (a cart shared with other creators
 * gives each their share); the whole shop (creator 0) counts every order.
 * A late payment for a sold-out event is no sale (its order stays expired
 * with no paid_at): it is "to refund" until its refund is done.
 */
#ifndef NY_STATS_H
#define NY_STATS_H

#include <stdint.h>

#include "db.h"

#define STATS_DAYS	30
#define STATS_TOP	5
#define STATS_TZ	(3 * 3600)
/* Currencies an order may be in (migration 0001's CHECK on orders). */
#define STATS_NCUR	4

struct stats_period {
	int64_t	 sales;		/* orders paid in the period, still paid */
	int64_t	 revenue;	/* their amount (net), minor units */
	int64_t	 refunds;	/* orders paid in the period, refunded since */
	int64_t	 refunded;	/* their amount, minor units */
};

/* The figures of one currency. */
struct stats_money {
	char			 currency[4];
	struct stats_period	 today, week, month;
	int64_t			 daily[STATS_DAYS];	/* net revenue, oldest first */
	int64_t			 daily_sales[STATS_DAYS];
	int64_t			 daily_refunds[STATS_DAYS];
	int64_t			 daily_refunded[STATS_DAYS];
	/* Late payments for a sold-out event (order expired, failure
	 * "late_refund") with no refund done yet: money taken, no seat,
	 * the creator must refund. */
	int64_t			 refunds_due;
	int64_t			 refunds_due_minor;
};

struct stats_top {
	int64_t	 product_id;
	char	 title[128];
	char	 currency[4];	/* of the orders counted (a product sold in
				   two currencies has a row for each) */
	int64_t	 sales;
	int64_t	 revenue;
};

struct stats {
	/* Every currency with sales, refunds or refunds due in the last
	 * STATS_DAYS days; the main one (most sales, then most revenue)
	 * first, the others by code. At least one: "KES" with zeros when
	 * nothing happened. */
	struct stats_money	 cur[STATS_NCUR];
	int			 ncur;
	/* Best sellers of the last STATS_DAYS days in every currency, by
	 * sales then revenue (amounts of different currencies are never
	 * compared as such: revenue only breaks ties). */
	struct stats_top	 top[STATS_TOP];
	int			 ntop;
	int64_t			 pending;	/* orders waiting for payment */
};

/*
 * Fills *out for the creator's products (creator_id 0 = the whole shop)
 * at time now. Returns NY_OK or NY_EDB.
 */
enum ny_err stats_get(struct db *db, int64_t creator_id, int64_t now,
	    struct stats *out);

/* Start (Unix s) of the EAT day containing t. */
int64_t	stats_day_start(int64_t t);

/*
 * Total sales (every currency) in the last `days` days (1, 7 or
 * STATS_DAYS) of s: the count the Orders screen shows as paid.
 */
int64_t	stats_sales(const struct stats *s, int days);

/*
 * The figures as one JSON object (caller frees). The top-level
 * "currency", "today", "7d", "30d", "daily_revenue_minor" and
 * "refunds_due" are the main currency's (cur[0]), "sales" the totals
 * over every currency, "currencies" every currency's figures, "top" the
 * best sellers each with its currency.
 */
char	*stats_json(const struct stats *s);

#endif
