/*
 * library.h: what a buyer owns and the permanent link that opens it.
 *
 * Library keys: one live key per customer. The token in the link is never
 * stored: token = base64url(HMAC(master subkey, salt)) with a 32-byte random
 * salt per key, so the server can rebuild the link whenever a message is
 * sent, while a copy of the database alone opens nothing. Lookups go through
 * token_hash = tok_hash(token). Rotating revokes the live key and makes a new
 * one (the old link dies); revoking leaves the customer without a live key
 * until the next library_key_ensure_tx.
 *
 * Entitlements: one row per (customer, product); expires_at NULL = forever.
 * Renewing a subscription extends from the later of now and the current end.
 *
 * Downloads: download_authorize decides whether a customer may fetch a file
 * now; download_log records what one /dl answer sent. For a product with a
 * download limit, copies are counted in bytes actually handed to the
 * network (so no sequence of ranged requests yields more copies than the
 * limit; a resumed copy still counts as one); without a limit every
 * answer that includes the first byte is one download (statistics).
 * Tokens never reach the log.
 */
#ifndef NY_LIBRARY_H
#define NY_LIBRARY_H

#include <stddef.h>
#include <stdint.h>

#include "db.h"

#define LIBRARY_TOKEN_MAX	64	/* a token is 43 chars + NUL */
#define LIBRARY_DL_TTL		600	/* seconds a signed download URL lives */

/* ---- library keys -------------------------------------------------- */

/*
 * Inside the caller's transaction: returns in *key_id the customer's live
 * key, creating one (random salt) when there is none. NY_OK, NY_EDB.
 */
int	library_key_ensure_tx(struct db *db, int64_t customer_id,
	    int64_t *key_id);

/*
 * Re-derives the token of key key_id (revoked or not) into out
 * (LIBRARY_TOKEN_MAX bytes). Opens no transaction. NY_OK, NY_ENOTFOUND.
 */
int	library_key_token(struct db *db, int64_t key_id,
	    char out[LIBRARY_TOKEN_MAX]);

/*
 * "{base_url}/l/{token}" for key_id into out (caller frees *out).
 * NY_OK, NY_ENOTFOUND.
 */
int	library_url(struct db *db, const char *base_url, int64_t key_id,
	    char **out);

/*
 * Finds the live key of a token: *customer_id and *key_id (either may be
 * NULL). Unknown, malformed or revoked → NY_ENOTFOUND.
 */
int	library_key_resolve(struct db *db, const char *token,
	    int64_t *customer_id, int64_t *key_id);

/*
 * Opens its own transaction: revokes the customer's live key (if any) and
 * creates a new one; *key_id (may be NULL) gets it. The old link stops
 * working at once. Appends event ("customer", id). NY_OK, NY_ENOTFOUND (no
 * such customer), NY_EBUSY, NY_EDB.
 */
int	library_key_rotate(struct db *db, int64_t customer_id,
	    int64_t *key_id);

/*
 * Opens its own transaction: revokes the customer's live key; no new key
 * until the next purchase or rotate. NY_OK (also when there was none).
 */
int	library_key_revoke(struct db *db, int64_t customer_id);

/* ---- entitlements -------------------------------------------------- */

/*
 * Inside the caller's transaction: grants product_id to customer_id for
 * order_id. period_days 0 = forever. An existing entitlement is updated:
 * order_id becomes the latest, revoked_at is cleared, a forever grant stays
 * forever, a timed one runs until max(now, current end) + period, and the
 * reminder flag is reset. *ent_id (may be NULL) gets the row id.
 * Idempotency per order is the caller's (pay's settle runs once per order;
 * library_fulfil_tx guards it). NY_OK, NY_EDB.
 */
int	entitlement_grant_tx(struct db *db, int64_t customer_id,
	    int64_t product_id, int64_t order_id, int64_t now, int period_days,
	    int64_t *ent_id);

/*
 * Inside the caller's transaction: revokes the entitlement granted by
 * order_id (refunds). NY_OK (also when none).
 */
int	entitlement_revoke_order_tx(struct db *db, int64_t order_id,
	    int64_t now);

/*
 * Inside the caller's transaction: everything a paid order gives, once:
 * entitlement (period from the product), tickets (order quantity), live
 * library key, the receipt message in the order's language (product,
 * amount, receipt or reference, {link}) and the purchase automations.
 * receipt may be NULL (the order ref is shown). A second call for the same
 * order changes nothing. *key_id (may be NULL) gets the library key.
 * NY_OK, NY_ENOTFOUND (order), NY_ESTATE (order not paid), NY_EDB.
 */
int	library_fulfil_tx(struct db *db, int64_t order_id, const char *receipt,
	    int64_t now, int64_t *key_id);

/* ---- the library page ---------------------------------------------- */

struct lib_file {
	int64_t	 id;
	char	*name;
	char	 sha256[65];
	int64_t	 size;
	int	 downloads;	/* counted since the last reset */
};

struct lib_ticket {
	int64_t	 id;
	char	 code[32];	/* grouped for reading (ticket_code_format) */
	int64_t	 checked_in_at;	/* 0 = not yet */
	int64_t	 order_id;	/* the order that issued it */
};

enum lib_state {
	LIB_ACTIVE = 0,
	LIB_EXPIRED,		/* subscription past its end */
	LIB_REFUNDED,		/* latest order refunded */
	LIB_REVOKED,		/* revoked by the creator */
};

struct lib_item {
	int64_t		 entitlement_id;
	int64_t		 product_id;
	char		 kind[16];	/* download subscription ticket webinar */
	char		*slug;
	char		*title;
	char		*creator;	/* display name (or handle) */
	enum lib_state	 state;
	int64_t		 granted_at;	/* entitlement starts_at */
	int64_t		 expires_at;	/* 0 = forever */
	int64_t		 starts_at;	/* event/webinar start, 0 = none */
	char		*venue;		/* tickets; "" when none */
	char		*join_url;	/* webinars; NULL unless active */
	int		 download_limit;	/* 0 = none */
	struct lib_file	*files;		/* empty unless active */
	size_t		 nfiles;
	struct lib_ticket *tickets;
	size_t		 ntickets;
};

struct library {
	int64_t		 customer_id;
	char		 phone[16];
	char		 locale[4];
	struct lib_item	*items;		/* ordered: download, subscription,
					   ticket, webinar; newest first */
	size_t		 nitems;
};

/*
 * Reads everything customer_id owns as of now into *lib (library_free
 * releases it). Opens no write transaction. NY_OK, NY_ENOTFOUND, NY_EDB.
 */
int	library_items(struct db *db, int64_t customer_id, int64_t now,
	    struct library *lib);
void	library_free(struct library *lib);

/*
 * Narrows *lib to what one order bought: the item of product_id, with only
 * the tickets order_id issued (the checkout page's own view; the phone's
 * other purchases stay behind the WhatsApp link).
 */
void	library_keep_order(struct library *lib, int64_t product_id,
	    int64_t order_id);

/* Finds one ticket of the customer by (normalised) code; NY_ENOTFOUND. */
int	library_ticket(const struct library *lib, const char *code,
	    const struct lib_item **item, const struct lib_ticket **t);

/* ---- downloads ----------------------------------------------------- */

struct dl_grant {
	int64_t	 entitlement_id;
	int64_t	 file_id;
	int64_t	 product_id;
	char	 name[256];
	char	 sha256[65];
	char	 mime[64];
	int64_t	 size;
	int	 count;		/* copies so far (since reset), see
				   download_copies */
	int64_t	 used;		/* bytes sent so far (since reset; a row
				   without bytes counts as a whole copy) */
	int	 limit;		/* 0 = none */
};


/*
 * May customer_id download file_id now? Fills *g. NY_OK; NY_ENOTFOUND (no
 * such file, or the customer does not own its product); NY_EDENIED
 * (expired, refunded or revoked); NY_ELIMIT (per-product limit reached; *g
 * is filled so the page can say how many).
 */
int	download_authorize(struct db *db, int64_t customer_id, int64_t file_id,
	    int64_t now, struct dl_grant *g);

/*
 * For a signed /dl URL: the file and its entitlement as they are now.
 * Checks the entitlement is still active and the file belongs to its
 * product; does not check the limit (see download_limited). NY_OK,
 * NY_ENOTFOUND, NY_EDENIED.
 */
int	download_lookup(struct db *db, int64_t entitlement_id, int64_t file_id,
	    int64_t now, struct dl_grant *g);

/*
 * 1 when g->limit is set and reached: copies (above) ≥ limit, that is no
 * whole copy fits in download_budget any more (an empty file: limit
 * answers). A resume on a URL already handed out may still fit.
 */
int	download_limited(const struct dl_grant *g);

/*
 * Bytes a limited file may send in all: limit × size, plus half a copy of
 * slack for what a dropped connection handed to the network but the buyer
 * never received (socket buffers), so a resumed copy still fits. Half a
 * copy never adds up to one more complete copy.
 */
int64_t	download_budget(const struct dl_grant *g);

/*
 * Bytes sent of file_id under entitlement_id since the last reset (as
 * g->used), read now. NY_OK or a database error.
 */
int	download_sent(struct db *db, int64_t entitlement_id, int64_t file_id,
	    int64_t *bytes);

/*
 * Copies from rows and bytes: bytes / size to the nearest copy (a resumed
 * copy is one; so is a copy one byte short); an empty file counts rows.
 */
int	download_copies(int rows, int64_t used, int64_t size);

/*
 * Opens its own transaction: records one download (addr may be NULL);
 * bytes sent, or -1 for a whole copy. NY_OK, NY_EBUSY, NY_EDB.
 */
int	download_log(struct db *db, int64_t entitlement_id, int64_t file_id,
	    const char *addr, int64_t now, int64_t bytes);

/*
 * Opens its own transaction: the creator's "reset downloads" for one
 * customer and product (the count starts again from 0; the log stays).
 */
int	download_reset(struct db *db, int64_t customer_id, int64_t product_id,
	    int64_t now);

/*
 * The message signed for a /dl URL ("dl:{file}:{ent}:{exp}") into out.
 * Both the redirect and the check use it.
 */
void	download_sign_msg(int64_t file_id, int64_t entitlement_id, int64_t exp,
	    char *out, size_t len);

/*
 * A time for buyers, in East Africa Time (UTC+3, no DST) where the shops
 * are: "2027-01-15 09:00 EAT". Writes at most len bytes into buf.
 */
void	library_time_fmt(int64_t t, char *buf, size_t len);

/* ---- recovery ------------------------------------------------------ */

/*
 * POST /library/recover: phone is E.164 digits; receipt (may be NULL or
 * "") an M-Pesa receipt code: accepted and ignored, since the link only
 * ever goes to that phone's own WhatsApp, the phone alone is enough (and
 * the answer must not depend on anything the caller typed). Opens its own
 * transaction. Rate limits per hour: 3 per (phone, address), 10 per
 * address, 30 per phone (NY_ELIMIT; the caller answers 429). When the phone owns anything, ensures a live key and
 * queues a "library_link" message with the current link (dedupe per
 * 10-minute slot). *queued (may be NULL) says whether a message was queued
 * — for tests, never for the answer page. NY_OK, NY_ELIMIT, NY_EDB.
 */
int	library_recover(struct db *db, const char *phone, const char *receipt,
	    const char *addr, int64_t now, int *queued);

/*
 * The console's "resend link": opens its own transaction, ensures a live
 * key and queues a "library_link" message with the current link to the
 * customer, in their language. No rate limit and no 10-minute dedupe (a
 * creator may rotate and resend at once); at most one per second.
 * *msg_id (may be NULL) gets the message. NY_OK, NY_ENOTFOUND, NY_EDB.
 */
int	library_resend(struct db *db, int64_t customer_id, int64_t now,
	    int64_t *msg_id);

#endif
