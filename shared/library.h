/*
 * library.h: the library read model: everything a buyer owns, as the
 * library page, the checkout page and the console show it.
 *
 * The pieces live in their own modules: the link in library-key.h, the
 * entitlements and fulfilment in entitlement.h, downloads in download.h,
 * link recovery and the console's resend in library-recover.h.
 */
#ifndef NY_LIBRARY_H
#define NY_LIBRARY_H

#include <stddef.h>
#include <stdint.h>

#include "db.h"
#include "entitlement.h"

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

struct lib_item {
	int64_t		 entitlement_id;
	int64_t		 product_id;
	char		 kind[16];	/* download subscription ticket webinar */
	char		*slug;
	char		*title;
	char		*creator;	/* display name (or handle) */
	enum lib_state	 state;		/* entitlement_state */
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
 * releases it; after an error *lib is left empty). Opens no write
 * transaction. NY_OK, NY_ENOTFOUND (no such customer), NY_EDB.
 */
enum ny_err	library_items(struct db *db, int64_t customer_id, int64_t now,
		    struct library *lib);
void		library_free(struct library *lib);

/*
 * What a narrowed view of a library may show: the lines (order, product)
 * of some paid orders. The checkout page shows what its one order bought;
 * a link sent by email what was bought with that address. The phone's
 * other purchases stay behind the WhatsApp link.
 */
#define LIBRARY_KEEP_MAX	200	/* lines; older ones are left out */
struct lib_keep_line {
	int64_t	 order_id;
	int64_t	 product_id;
};
struct lib_keep {
	struct lib_keep_line *v;	/* owned; library_keep_free */
	size_t		 n;
};

/*
 * Loads the lines customer_id may see: of order_id when it is not 0 (the
 * order must be theirs), else of their paid orders made with email. NY_OK
 * (possibly none) or NY_EDB.
 */
enum ny_err	library_keep_load(struct db *db, int64_t customer_id,
		    int64_t order_id, const char *email, struct lib_keep *k);
void		library_keep_free(struct lib_keep *k);
/* 1 when the keep set has a line of product_id / of order_id. */
int		library_keep_product(const struct lib_keep *k,
		    int64_t product_id);
int		library_keep_order(const struct lib_keep *k, int64_t order_id);
/*
 * Narrows *lib to k: items of its products, with only the tickets its
 * orders issued.
 */
void		library_keep(struct library *lib, const struct lib_keep *k);

/* Finds one ticket of the customer by (normalised) code; NY_ENOTFOUND. */
enum ny_err	library_ticket(const struct library *lib, const char *code,
		    const struct lib_item **item, const struct lib_ticket **t);

/*
 * A time for buyers, in East Africa Time (UTC+3, no DST) where the shops
 * are: "2027-01-15 09:00 EAT". Writes at most len bytes into buf.
 */
void		library_time_fmt(int64_t t, char *buf, size_t len);

#endif
