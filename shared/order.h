/*
 * order.h: orders and their state machine.
 *
 *   pending ──▶ paid ──▶ refunded
 *      │
 *      ├──▶ failed
 *      └──▶ expired ──▶ paid   (only a late payment the provider confirmed
 *                │              with a receipt: money taken means goods
 *                │              given, see payment_settle)
 *                └──▶ refunded (paid after its seats were gone: failure
 *                               'late_refund'; refunds are refund.h's)
 *
 * Nothing ever goes back to pending. An order is created together with its
 * payment (status 'new': the worker has not pushed it yet) and, for
 * tickets, a seat reservation; payment_settle (payment.h) ends it.
 *
 * order-create.c makes orders (order_create); order.c has the rest.
 */
#ifndef NY_ORDER_H
#define NY_ORDER_H

#include <stdint.h>

#include "db.h"

enum order_status {
	ORDER_PENDING,
	ORDER_PAID,
	ORDER_FAILED,
	ORDER_EXPIRED,
	ORDER_REFUNDED,
};

/* Default time a buyer has to answer the push (seconds). */
#define ORDER_TIMEOUT_S		120
/*
 * Anti-harassment, without letting a stranger lock the phone's owner out:
 * at most ORDER_MAX_PENDING pending orders per (phone, browser) and per
 * (phone, address); at most ORDER_PHONE_HOURLY orders (pushes or codes) to
 * one phone per hour from browsers that never paid for that phone — a
 * browser that did (its owner, in practice) is never refused by that cap.
 */
#define ORDER_MAX_PENDING	3
#define ORDER_PHONE_HOURLY	10
/* How long a free order waits for the phone's WhatsApp code (seconds). */
#define ORDER_CONFIRM_S		900
#define ORDER_REF_LEN		23	/* 16 random bytes, base64url */

/* "pending", "paid", …; never NULL. */
const char	*order_status_name(enum order_status s);
/* Parses a status name. NY_OK or NY_EINVAL. */
enum ny_err	 order_status_parse(const char *s, enum order_status *out);
/* 1 when from → to is allowed by the diagram above, else 0. */
int		 order_transition_ok(enum order_status from,
		    enum order_status to);
/* 1 for a status that never changes again by itself (all but pending). */
int		 order_status_final(enum order_status s);

/*
 * An order as the storefront and the console show it. Strings are fixed
 * buffers (product_title is truncated at a UTF-8 boundary if needed), so a
 * struct order owns nothing and needs no free. product_id, quantity, slug,
 * kind and title are the first line's (order_lines_get has them all); the
 * title says "Title +N" when the order has N more lines.
 */
struct order {
	int64_t			 id;
	char			 ref[ORDER_REF_LEN + 1];
	int64_t			 customer_id;
	int64_t			 product_id;
	int			 quantity;
	int64_t			 amount_minor;
	char			 currency[4];
	enum order_status	 status;
	char			 locale[3];		/* "en" | "sw" */
	char			 failure[32];		/* reason code or "" */
	int64_t			 created_at;
	int64_t			 updated_at;
	int64_t			 expires_at;
	int64_t			 paid_at;		/* 0 when not paid */
	char			 phone[16];		/* E.164 digits */
	char			 phone_masked[24];	/* "…678" */
	char			 product_slug[81];
	char			 product_kind[16];	/* download, ticket, … */
	char			 product_title[256];
	int64_t			 payment_id;
	char			 payment_status[8];	/* new|pending|paid|… */
	char			 provider[8];		/* "sim" | "mpesa" */
	int			 has_browser;		/* browser_hash set */
};

/*
 * One line of a new order (a cart has several). For a pay-what-you-want
 * product, has_amount = 1 and amount_minor is the unit amount the buyer
 * typed (at least the product's minimum, price_minor); with has_amount = 0
 * it takes the suggested amount (else the minimum). Other products ignore
 * the amount: their price is the product's.
 */
#define ORDER_MAX_LINES		20
struct order_line_new {
	int64_t		 product_id;
	int		 quantity;	/* 1 unless a ticket; 1..10 */
	int		 has_amount;
	int64_t		 amount_minor;
};

/* What order_create needs. Strings are borrowed for the call. */
struct order_new {
	/* The lines: lines[0..nlines-1], or when nlines = 0 one line of
	 * product_id and quantity (no typed amount). At most
	 * ORDER_MAX_LINES, each product once, all of one currency. */
	const struct order_line_new *lines;
	int		 nlines;
	int64_t		 product_id;
	const char	*phone;		/* E.164 digits (phone_normalize) */
	int		 quantity;	/* 1 unless a ticket; 1..10 */
	const char	*discount_code;	/* NULL or "" = none; as typed */
	const char	*email;		/* NULL or an address mail_addr_check
					   took: kept on the order and the
					   customer (the second channel) */
	const char	**why;		/* NULL, or where a refusal puts the
					   locale key of its reason (static) */
	const char	*locale;	/* "en" | "sw" (NULL = "en") */
	const char	*idem_key;	/* NULL or a key unique per form submission */
	const char	*client_addr;	/* NULL or the buyer's address */
	const char	*provider;	/* "sim" | "mpesa" */
	int		 timeout_s;	/* 0 = ORDER_TIMEOUT_S */
	const char	*browser;	/* NULL or the buyer's browser secret
					   (cookie); only its keyed hash is
					   kept (order_browser_ok) */
};

/*
 * Creates an order in ONE transaction of its own: upserts the customer,
 * inserts the order ('pending'), its lines (order_lines: unit price,
 * discount, amount, the product's creator) and its payment ('new') for the
 * total, and for every ticket line reserves its seats checked against
 * capacity − seats of paid orders − other live reservations (BEGIN
 * IMMEDIATE serialises buyers, so the last seat goes to exactly one of
 * them; one line short of seats and nothing is reserved). A discount code
 * is applied and its use counted in the same transaction (discount.h).
 * Appends an "order" event.
 *
 * Refusals set *in->why (when why is not NULL) to a locale key:
 * "co.err.quantity", "cart.err.currency" (lines of several currencies),
 * "cart.err.lines" (none, too many, or a product twice), "co.err.amount"
 * (a typed amount below the minimum or above PRODUCT_PRICE_MAX),
 * "co.err.soldout" (seats), or one of discount_apply_tx's.
 *
 * When idem_key names an existing order that is still pending or younger
 * than a minute, that order is returned and nothing is written (*created
 * = 0); an older final order gives its key up to a new one. Otherwise
 * *created = 1 (created may be NULL).
 *
 * A free order (amount 0) is not pushed: in the same transaction a
 * 6-digit code is queued to the phone on WhatsApp (kind "confirm_code")
 * and only its keyed hash is kept; order_confirm grants it. It waits
 * ORDER_CONFIRM_S for the code.
 *
 * Returns NY_OK and *out; NY_ENOTFOUND (no such published product),
 * NY_EINVAL (quantity out of range, or > 1 for a non-ticket; currencies,
 * lines, amount), NY_ELIMIT (a per-phone limit above), NY_ESTATE (not
 * enough seats left), NY_EDENIED (the discount code was refused), NY_EBUSY
 * / NY_EDB.
 */
enum ny_err order_create(struct db *db, const struct order_new *in,
	    struct order *out, int *created);

/*
 * Checks what a buyer typed into the checkout form for a product of kind
 * ("download", "ticket", …): phone_raw in any common form, qty_raw the
 * quantity field (NULL or "" = 1; more than 1 only for tickets, at most
 * ORDER_MAX_QUANTITY). NY_OK with phone (E.164 digits; len ≥ 16) and
 * *qty; or NY_EINVAL with *err_key the locale key of the reason
 * ("phone.err.length", "co.err.quantity", …; static).
 */
#define ORDER_MAX_QUANTITY	10
enum ny_err order_form_check(const char *phone_raw, const char *qty_raw,
	    const char *kind, char *phone, size_t len, int *qty,
	    const char **err_key);

/* Reads one order (with product and payment columns). NY_OK or
 * NY_ENOTFOUND. Own statement, no transaction needed. */
enum ny_err order_by_ref(struct db *db, const char *ref, struct order *out);
enum ny_err order_by_id(struct db *db, int64_t id, struct order *out);

/*
 * What the console's Orders screen narrows its list to. Strings are
 * borrowed for the call.
 */
struct order_find {
	int64_t		 creator_id;	/* required (> 0): only their products */
	const char	*status;	/* NULL = all, else "paid", … */
	int64_t		 product_id;	/* 0 = all of the creator's products */
	const char	*text;		/* NULL or "" = no search; else a piece
					   of the ref or product title (ASCII
					   case ignored), or a phone by
					   phone_search_key: a whole number
					   or the 1–3 digits "…678" shows */
};

/*
 * The newest orders matching f first, at most max, into *out (caller
 * frees the array with free()), *n how many: the orders with a line of
 * the creator, each as their share (amount_minor the sum of their lines;
 * product_id, quantity and product_title their first line's, the title
 * with " +N" when they have N more lines in it). Reads the creator's
 * products first, never every order of the shop. NY_OK, NY_EINVAL (no creator, unknown status) or a
 * database error.
 */
enum ny_err order_list_find(struct db *db, const struct order_find *f,
	    int max, struct order **out, int *n);

/*
 * Orders of a phone still pending (for the simulated handset), newest
 * first, at most max. Same ownership as order_list_find.
 */
enum ny_err order_list_pending_by_phone(struct db *db, const char *phone,
	    int max, struct order **out, int *n);

/*
 * Seats still available for a ticket product: capacity − seats of paid
 * orders − live reservations (never negative). NY_OK or NY_ENOTFOUND.
 * Runs as one read (inside the caller's transaction if there is one).
 */
enum ny_err order_seats_left(struct db *db, int64_t product_id, int64_t *left);

/*
 * One line of an existing order (order_lines) with its product. Fixed
 * buffers: owns nothing.
 */
struct order_line {
	int64_t		 product_id;
	int64_t		 creator_id;
	int		 quantity;
	int64_t		 unit_minor;
	int64_t		 discount_minor;
	int64_t		 amount_minor;	/* unit × quantity − discount */
	int		 period_days;	/* subscriptions; else 0 */
	char		 kind[16];
	char		 slug[81];
	char		 title[256];
};

/*
 * The lines of order_id, first line first (the one orders.product_id
 * names), only creator_id's when creator_id > 0, into *out (caller frees
 * with free(); NULL when none) and *n. Runs as one read (inside the
 * caller's transaction if there is one). NY_OK or the db error.
 */
enum ny_err order_lines_get(struct db *db, int64_t order_id,
	    int64_t creator_id, struct order_line **out, int *n);

/*
 * "Title" for one line, "Title +N" for several: how lists and messages
 * name an order in one line (into buf, cut at a UTF-8 boundary).
 */
void	order_lines_title(const struct order_line *l, int n, char *buf,
	    size_t len);

/*
 * The customer's live library key (for the link shown once paid).
 * NY_OK and *key_id, NY_ENOTFOUND when the customer has none.
 */
enum ny_err order_library_key(struct db *db, int64_t customer_id,
	    int64_t *key_id);

/*
 * 1 when browser (the buyer cookie, may be NULL) is the one that made
 * order_id; compared as keyed hashes in constant time. 0 otherwise (also
 * for orders made before browsers were recorded).
 */
int	order_browser_ok(struct db *db, int64_t order_id, const char *browser);

/*
 * The phone proof of a free order: checks code (what the buyer typed)
 * against the code sent to the phone. One transaction of its own; the
 * try is counted before the code is compared, so parallel guesses are
 * counted too. NY_OK (right code: the caller settles the order as paid),
 * NY_EDENIED (wrong code), NY_ELIMIT (ORDER_CONFIRM_TRIES wrong codes: no
 * more tries; the caller fails the order), NY_ESTATE (not a pending free
 * order), NY_ENOTFOUND, NY_EBUSY / NY_EDB.
 */
#define ORDER_CONFIRM_TRIES	5
enum ny_err order_confirm(struct db *db, int64_t order_id, const char *code);


#endif
