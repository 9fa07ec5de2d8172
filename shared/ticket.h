/*
 * ticket.h: event ticket codes, issuing and check-in.
 *
 * A code is 24 characters of Crockford base32 (0-9 A-Z without I L O U):
 * 120 random bits, stored without separators, shown in groups of four
 * ("7K3M-Q9XH-…"). What people type is normalised: case, dashes and spaces
 * are ignored, and O→0, I/L→1 as Crockford says.
 */
#ifndef NY_TICKET_H
#define NY_TICKET_H

#include <stdint.h>

#include "db.h"

#define TICKET_CODE_CHARS	24	/* stored form, 120 bits */
#define TICKET_CODE_MAX		32	/* grouped form: 24 + 5 dashes + NUL */

/* A new random code (stored form, TICKET_CODE_CHARS + NUL) into out. */
void	ticket_code_new(char out[TICKET_CODE_MAX]);

/*
 * Normalises a typed code into the stored form. NY_OK, or NY_EINVAL (wrong
 * length, characters outside the alphabet, too long input).
 */
enum ny_err ticket_code_normalize(const char *in, char out[TICKET_CODE_MAX]);

/* Grouped form for reading ("XXXX-XXXX-…") of a stored code. */
void	ticket_code_format(const char *code, char out[TICKET_CODE_MAX]);

/*
 * The database keeps a code's keyed hash (tickets.code, "h:…") and the code
 * sealed (tickets.code_sealed), so a copy of it opens no door. This gives
 * the code back from those two columns (older rows: a clear code and no
 * seal). NY_OK, or NY_ECRYPTO (tampered, or sealed under another key).
 */
enum ny_err ticket_code_reveal(const char *stored, const void *sealed,
	    size_t len, char out[TICKET_CODE_MAX]);

/*
 * Once at start (after crypto_init): seals the codes of tickets issued
 * before codes were sealed, in one transaction. *n gets how many.
 * NY_OK, NY_EBUSY, NY_EDB.
 */
enum ny_err ticket_seal_legacy(struct db *db, int *n);

/*
 * Inside the caller's transaction: makes sure order_id has count tickets of
 * product_id, one ticket line of the order (issues only the missing ones,
 * so a repeat is harmless). NY_OK, NY_EINVAL
 * (count outside 1..100), NY_EDB.
 */
enum ny_err ticket_issue_tx(struct db *db, int64_t order_id, int64_t product_id,
	    int64_t customer_id, int count);

enum ticket_status {
	TICKET_VALID = 0,	/* checked in now */
	TICKET_ALREADY,		/* checked in before, at ->when */
	TICKET_UNKNOWN,		/* no such code (or another creator's) */
	TICKET_REFUNDED,	/* its order was refunded: not valid */
};

struct ticket_checkin {
	enum ticket_status status;
	int64_t		 ticket_id;
	int64_t		 product_id;
	int64_t		 when;		/* check-in time (now for VALID) */
	char		 title[201];	/* product title */
	char		 slug[81];	/* product slug */
	char		 holder[24];	/* buyer's phone, masked ("…678") */
	/* The event's tickets of paid orders, and how many of them are in
	 * (this one counted when VALID): for VALID and ALREADY. */
	int64_t		 checked_in;
	int64_t		 tickets;
};

/*
 * Checks a typed code in at now. creator_id > 0 restricts to that
 * creator's products (others answer UNKNOWN). A single conditional UPDATE
 * decides, so two simultaneous check-ins of one code never both succeed.
 * Refunded orders' tickets answer REFUNDED (never VALID). Opens its own transaction.
 * NY_OK with *res filled (also for ALREADY/UNKNOWN), NY_EBUSY, NY_EDB.
 */
enum ny_err ticket_check_in(struct db *db, const char *code, int64_t creator_id,
	    int64_t now, struct ticket_checkin *res);

/*
 * The tickets of event product_id that paid orders hold (*tickets) and
 * how many of them are checked in (*checked_in): "23 of 80 checked in".
 * Refunded orders' tickets count in neither. NY_OK, or a db error
 * (both 0).
 */
enum ny_err ticket_event_counts(struct db *db, int64_t product_id,
	    int64_t *checked_in, int64_t *tickets);

#endif
