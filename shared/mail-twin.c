/*
 * mail-twin.c: the email copy of a buyer's message (mail_twin_tx). See
 * mail.h.
 */
#include <stdio.h>
#include <string.h>

#include "library-key.h"
#include "mail.h"
#include "outbox.h"

/* The order's customer and address into *customer, email ("" if none). */
static enum ny_err
twin_order(struct db *db, int64_t order_id, int64_t *customer, char *email,
    size_t len)
{
	sqlite3_stmt *st = db_stmt(db, "SELECT customer_id, coalesce(email, '')"
	    " FROM orders WHERE id = ?");
	int rc;

	if (st == NULL)
		return NY_EDB;
	sqlite3_bind_int64(st, 1, order_id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*customer = sqlite3_column_int64(st, 0);
		db_col_buf(st, 1, email, len);
	}
	sqlite3_reset(st);
	return db_found(rc);
}

enum ny_err
mail_twin_tx(struct db *db, int64_t order_id, const struct outbox_msg *m)
{
	char email[MAIL_ADDR_MAX + 1], dedupe[160];
	struct outbox_msg t;
	int64_t customer = 0, kid = 0;
	enum ny_err rc;

	if ((rc = twin_order(db, order_id, &customer, email, sizeof email)) !=
	    NY_OK)
		return rc;
	if (*email == '\0')
		return NY_OK;
	if (m->library_key_id != 0 && (rc = library_key_mail_ensure_tx(db,
	    customer, email, &kid)) != NY_OK)
		return rc;
	t = *m;
	t.channel = "email";
	t.to_email = email;
	t.library_key_id = kid;
	t.params = NULL;	/* WhatsApp template parameters only */
	if (m->dedupe_key != NULL) {
		snprintf(dedupe, sizeof dedupe, "%s:mail", m->dedupe_key);
		t.dedupe_key = dedupe;
	}
	return outbox_queue_tx(db, &t, NULL);
}
