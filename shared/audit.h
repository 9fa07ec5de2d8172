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

/* One line as the console's viewer shows it. */
struct audit_row {
	int64_t	 id;
	int64_t	 at;
	char	 actor[48];
	char	 action[48];
	char	 detail[200];
	char	 addr[64];		/* "" when none */
};

/*
 * creator_id's lines, newest first: at most max with an id below
 * before (0: from the newest) into *rows (caller frees), *n. Opens no
 * write transaction. NY_OK or NY_EDB.
 */
enum ny_err audit_list_creator(struct db *db, int64_t creator_id,
	    int64_t before, int max, struct audit_row **rows, size_t *n);

#endif
