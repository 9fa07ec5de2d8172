/*
 * library-recover.h: sending a buyer their library link again, as a
 * "library_link" WhatsApp message: asked by the buyer on the web
 * (library_recover, rate limited and answered alike for every phone) or
 * by a creator in the console (library_recover_resend, neither).
 */
#ifndef NY_LIBRARY_RECOVER_H
#define NY_LIBRARY_RECOVER_H

#include <stdint.h>

#include "db.h"

/*
 * POST /library/recover: phone is E.164 digits; receipt (may be NULL or
 * "") an M-Pesa receipt code: accepted and ignored, since the link only
 * ever goes to that phone's own WhatsApp, the phone alone is enough (and
 * the answer must not depend on anything the caller typed). addr is the
 * caller's address (NULL = ""). Opens its own transaction. Rate limits
 * per hour: 3 per (phone, address), 10 per address, 30 per phone
 * (NY_ELIMIT; the caller answers 429). When the phone owns anything,
 * ensures a live key and queues a "library_link" message with the current
 * link (dedupe per 10-minute slot). *queued (may be NULL) is 1 when the
 * phone's slot has its message (queued now or by an earlier call), else
 * 0 — for tests, never for the answer page. NY_OK, NY_ELIMIT, NY_EBUSY,
 * NY_EDB.
 */
enum ny_err	library_recover(struct db *db, const char *phone,
		    const char *receipt, const char *addr, int64_t now,
		    int *queued);

/*
 * POST /library/recover with an address (mail_addr_check's form) instead
 * of a phone: to every customer (at most 5 phones) who paid with that
 * address, the address's own link goes by email — it opens only what was
 * bought with that address, never the phone's whole library. Same rate
 * limits as a phone (under a keyed hash of the address), same answer
 * whether or not anything was found; *queued as library_recover. NY_OK,
 * NY_ELIMIT, NY_EBUSY, NY_EDB.
 */
enum ny_err	library_recover_email(struct db *db, const char *email,
		    const char *addr, int64_t now, int *queued);

/*
 * The console's "resend link": opens its own transaction, ensures a live
 * key and queues a "library_link" message with the current link to the
 * customer, in their language. No rate limit and no 10-minute dedupe (a
 * creator may rotate and resend at once), but at most one per customer
 * and second (a double key press): a second one in the same second
 * queues nothing and returns NY_EEXISTS. *msg_id (may be NULL) gets the
 * message queued (or the one already queued). NY_OK (queued), NY_EEXISTS,
 * NY_ENOTFOUND (no such customer), NY_EBUSY, NY_EDB.
 */
enum ny_err	library_recover_resend(struct db *db, int64_t customer_id,
		    int64_t now, int64_t *msg_id);

#endif
