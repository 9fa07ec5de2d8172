/*
 * audit.h: the audit log: who did what, when, from where. Lines are
 * never secrets: no codes, tokens or whole phone numbers in detail.
 */
#ifndef NY_AUDIT_H
#define NY_AUDIT_H

#include "db.h"

/*
 * Appends a line: actor ("cli", "system", "creator:amani"), action
 * ("creator.add", "product.publish" …), detail (may be NULL), addr (the
 * client address or NULL). One INSERT, so it joins the caller's
 * transaction when one is open and commits on its own otherwise.
 * Returns NY_OK or NY_EBUSY / NY_EDB.
 */
enum ny_err audit_log(struct db *db, const char *actor, const char *action,
	    const char *detail, const char *addr);
/*
 * audit_log for a line that concerns creator_id (0: none): the console's
 * audit viewer shows a creator the lines about them.
 */
enum ny_err audit_log_for(struct db *db, int64_t creator_id,
	    const char *actor, const char *action, const char *detail,
	    const char *addr);

#endif
