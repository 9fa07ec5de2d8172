/*
 * download.h: may a buyer fetch a file now, and what each /dl answer sent.
 *
 * download_authorize decides whether a customer may fetch a file now;
 * download_log records what one /dl answer sent. For a product with a
 * download limit, copies are counted in bytes actually handed to the
 * network (so no sequence of ranged requests yields more copies than the
 * limit; a resumed copy still counts as one); without a limit every
 * answer that includes the first byte is one download (statistics).
 * Tokens never reach the log.
 */
#ifndef NY_DOWNLOAD_H
#define NY_DOWNLOAD_H

#include <stddef.h>
#include <stdint.h>

#include "db.h"

/* Seconds a signed download URL lives (the name predates this header). */
#define LIBRARY_DL_TTL		600

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
enum ny_err	download_authorize(struct db *db, int64_t customer_id,
		    int64_t file_id, int64_t now, struct dl_grant *g);

/*
 * For a signed /dl URL: the file and its entitlement as they are now.
 * Checks the entitlement is still active and the file belongs to its
 * product; does not check the limit (see download_limited). NY_OK,
 * NY_ENOTFOUND, NY_EDENIED.
 */
enum ny_err	download_lookup(struct db *db, int64_t entitlement_id,
		    int64_t file_id, int64_t now, struct dl_grant *g);

/*
 * 1 when g->limit is set and reached: copies (above) ≥ limit, that is no
 * whole copy fits in download_budget any more (an empty file: limit
 * answers). A resume on a URL already handed out may still fit.
 */
int		download_limited(const struct dl_grant *g);

/*
 * Bytes a limited file may send in all: limit × size, plus half a copy of
 * slack for what a dropped connection handed to the network but the buyer
 * never received (socket buffers), so a resumed copy still fits. Half a
 * copy never adds up to one more complete copy.
 */
int64_t		download_budget(const struct dl_grant *g);

/*
 * Bytes sent of file_id under entitlement_id since the last reset (as
 * g->used), read now. NY_OK or a database error (then *bytes is 0).
 */
enum ny_err	download_sent(struct db *db, int64_t entitlement_id,
		    int64_t file_id, int64_t *bytes);

/*
 * Copies from rows and bytes: bytes / size to the nearest copy (a resumed
 * copy is one; so is a copy one byte short); an empty file counts rows.
 */
int		download_copies(int rows, int64_t used, int64_t size);

/*
 * Opens its own transaction: records one download (addr may be NULL);
 * bytes sent, or -1 for a whole copy. NY_OK, NY_EBUSY, NY_EDB.
 */
enum ny_err	download_log(struct db *db, int64_t entitlement_id,
		    int64_t file_id, const char *addr, int64_t now,
		    int64_t bytes);

/*
 * Opens its own transaction: the creator's "reset downloads" for one
 * customer and product (the count starts again from 0; the log stays).
 * NY_OK, NY_ENOTFOUND (the customer does not own the product), NY_EBUSY,
 * NY_EDB.
 */
enum ny_err	download_reset(struct db *db, int64_t customer_id,
		    int64_t product_id, int64_t now);

/*
 * The message signed for a /dl URL ("dl:{file}:{ent}:{exp}") into out.
 * Both the redirect and the check use it.
 */
void		download_sign_msg(int64_t file_id, int64_t entitlement_id,
		    int64_t exp, char *out, size_t len);

#endif
