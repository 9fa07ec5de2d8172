/*
 * stats.h: sales figures for the console's dashboard and `ssh … stats`.
 * Read-only; each call is a few reads outside any transaction.
 *
 * Days are East Africa Time days (UTC+3, no DST): the shops sell in
 * Kenya, Tanzania and Uganda, and "today" must match the creator's clock.
 */
#ifndef NY_STATS_H
#define NY_STATS_H

#include <stdint.h>

#include "db.h"

#define STATS_DAYS	30
#define STATS_TOP	5
#define STATS_TZ	(3 * 3600)

struct stats_period {
	int64_t	 sales;		/* paid orders */
	int64_t	 revenue;	/* minor units of stats.currency */
};

struct stats_top {
	int64_t	 product_id;
	char	 title[128];
	int64_t	 sales;
	int64_t	 revenue;
};

struct stats {
	char			 currency[4];	/* the main currency (most revenue) */
	struct stats_period	 today, week, month;
	int64_t			 daily[STATS_DAYS];	/* revenue, oldest first */
	int64_t			 daily_sales[STATS_DAYS];
	struct stats_top	 top[STATS_TOP];
	int			 ntop;
	int64_t			 pending;	/* orders waiting for payment */
	/* Late payments for a sold-out event (order expired, failure
	 * "late_refund"): money taken, no seat, the creator must refund. */
	int64_t			 refunds_due;
	int64_t			 refunds_due_minor;	/* their amount, any currency */
};

/*
 * Fills *out for the creator's products (creator_id 0 = the whole shop)
 * at time now. Only paid orders count, in the main currency. Returns
 * NY_OK or NY_EDB.
 */
enum ny_err stats_get(struct db *db, int64_t creator_id, int64_t now,
	    struct stats *out);

/* Start (Unix s) of the EAT day containing t. */
int64_t	stats_day_start(int64_t t);

/* The figures as one JSON object (caller frees). */
char	*stats_json(const struct stats *s);

#endif
