/*
 * library.c: the library read model (what a customer owns, with files,
 * download counts and tickets). See library.h.
 */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "customer.h"
#include "download.h"
#include "library.h"
#include "log.h"
#include "ticket.h"

/* What library_items' row readers need besides the row. */
struct lib_ctx {
	struct db	*db;
	int64_t		 customer_id;
	int64_t		 now;
	int64_t		 reset_at;	/* of the item whose files are read */
};

/* db_rows fill: one row of lib_load_files' query into a lib_file. */
static enum ny_err
lib_file_fill(void *arg, void *elem, sqlite3_stmt *st)
{
	struct lib_file *f = elem;

	(void)arg;
	f->id = sqlite3_column_int64(st, 0);
	f->name = db_col_str(st, 1);
	db_col_buf(st, 2, f->sha256, sizeof f->sha256);
	f->size = sqlite3_column_int64(st, 3);
	f->downloads = download_copies(sqlite3_column_int(st, 4),
	    sqlite3_column_int64(st, 5), f->size);
	return NY_OK;
}

/* The files of an active item, with their downloads since reset_at. */
static enum ny_err
lib_load_files(const struct lib_ctx *c, struct lib_item *it)
{
	sqlite3_stmt *st = db_stmt(c->db,
	    "SELECT f.id, f.name, f.sha256, coalesce(b.size, 0),"
	    " (SELECT count(*) FROM downloads d WHERE d.entitlement_id = ?1"
	    "  AND d.file_id = f.id AND d.at >= ?3),"
	    " (SELECT coalesce(sum(coalesce(d.bytes, b.size)), 0) FROM downloads d"
	    "  WHERE d.entitlement_id = ?1 AND d.file_id = f.id AND d.at >= ?3)"
	    " FROM product_files f LEFT JOIN blobs b ON b.sha256 = f.sha256"
	    " WHERE f.product_id = ?2 ORDER BY f.position, f.id");

	if (st != NULL) {
		sqlite3_bind_int64(st, 1, it->entitlement_id);
		sqlite3_bind_int64(st, 2, it->product_id);
		sqlite3_bind_int64(st, 3, c->reset_at);
	}
	return db_rows(st, 0, &it->files, &it->nfiles, sizeof *it->files,
	    lib_file_fill, NULL);
}

/* The item lib_ticket_add appends to, and its array's capacity. */
struct lib_tickets {
	struct lib_item	*it;
	size_t		 cap;
};

/*
 * db_each row: appends the ticket to the item, its code opened and
 * grouped for reading. A code that cannot be opened (a key change, a
 * damaged row) is logged and left out rather than failing the page,
 * which is why this is not a db_rows fill (that appends every row).
 */
static enum ny_err
lib_ticket_add(void *arg, sqlite3_stmt *st)
{
	struct lib_tickets *ts = arg;
	struct lib_item *it = ts->it;
	struct lib_ticket *t;
	char code[TICKET_CODE_MAX];

	if (ticket_code_reveal((const char *)sqlite3_column_text(st, 1),
	    sqlite3_column_blob(st, 4), (size_t)sqlite3_column_bytes(st, 4),
	    code) != NY_OK) {
		log_warn("ticket code cannot be opened", "ticket=%lld",
		    (long long)sqlite3_column_int64(st, 0));
		return NY_OK;
	}
	it->tickets = xgrow(it->tickets, &ts->cap, it->ntickets + 1,
	    sizeof *it->tickets);
	t = &it->tickets[it->ntickets++];
	t->id = sqlite3_column_int64(st, 0);
	ticket_code_format(code, t->code);
	sodium_memzero(code, sizeof code);
	t->checked_in_at = sqlite3_column_int64(st, 2);
	t->order_id = sqlite3_column_int64(st, 3);
	return NY_OK;
}

/* The customer's tickets of a ticket item, from paid orders only. */
static enum ny_err
lib_load_tickets(const struct lib_ctx *c, struct lib_item *it)
{
	sqlite3_stmt *st = db_stmt(c->db,
	    "SELECT t.id, t.code, coalesce(t.checked_in_at, 0), t.order_id,"
	    " t.code_sealed FROM tickets t"
	    " JOIN orders o ON o.id = t.order_id WHERE t.customer_id = ?"
	    " AND t.product_id = ? AND o.status = 'paid' ORDER BY t.id");
	struct lib_tickets ts = { .it = it };

	if (st != NULL) {
		sqlite3_bind_int64(st, 1, c->customer_id);
		sqlite3_bind_int64(st, 2, it->product_id);
	}
	return db_each(st, 0, lib_ticket_add, &ts);
}

/*
 * db_rows fill: one row of library_items' query into a new item, then
 * the item's files (when active) or tickets, read while the items query
 * is still open.
 */
static enum ny_err
lib_item_fill(void *arg, void *elem, sqlite3_stmt *st)
{
	struct lib_ctx *c = arg;
	struct lib_item *it = elem;
	char ostatus[16];

	it->entitlement_id = sqlite3_column_int64(st, 0);
	it->product_id = sqlite3_column_int64(st, 1);
	db_col_buf(st, 2, it->kind, sizeof it->kind);
	it->slug = db_col_str(st, 3);
	it->title = db_col_str(st, 4);
	it->creator = db_col_str(st, 5);
	it->granted_at = sqlite3_column_int64(st, 6);
	it->expires_at = sqlite3_column_int64(st, 7);
	db_col_buf(st, 9, ostatus, sizeof ostatus);
	it->state = entitlement_state(c->now, it->expires_at,
	    sqlite3_column_type(st, 8) != SQLITE_NULL, ostatus);
	it->starts_at = sqlite3_column_int64(st, 10);
	it->venue = db_col_str(st, 11);
	if (it->state == LIB_ACTIVE && sqlite3_column_type(st, 12) != SQLITE_NULL)
		it->join_url = db_col_str(st, 12);
	it->download_limit = sqlite3_column_int(st, 13);
	c->reset_at = sqlite3_column_int64(st, 14);
	if (strcmp(it->kind, "ticket") == 0)
		return lib_load_tickets(c, it);
	if (it->state == LIB_ACTIVE)
		return lib_load_files(c, it);
	return NY_OK;
}

enum ny_err
library_items(struct db *db, int64_t customer_id, int64_t now,
    struct library *lib)
{
	struct lib_ctx c = { .db = db, .customer_id = customer_id,
	    .now = now };
	struct customer cu;
	sqlite3_stmt *st;
	enum ny_err rc;

	memset(lib, 0, sizeof *lib);
	lib->customer_id = customer_id;
	if ((rc = customer_by_id(db, customer_id, &cu)) != NY_OK)
		return rc;
	snprintf(lib->phone, sizeof lib->phone, "%s", cu.phone);
	snprintf(lib->locale, sizeof lib->locale, "%s", cu.locale);
	st = db_stmt(db,
	    "SELECT e.id, e.product_id, p.kind, p.slug, p.title,"
	    " coalesce(nullif(c.display_name, ''), c.handle),"
	    " e.starts_at, coalesce(e.expires_at, 0), e.revoked_at, o.status,"
	    " coalesce(p.starts_at, 0), coalesce(p.venue, ''), p.join_url,"
	    " coalesce(p.download_limit, 0), e.downloads_reset_at"
	    " FROM entitlements e JOIN products p ON p.id = e.product_id"
	    " JOIN creators c ON c.id = p.creator_id"
	    " JOIN orders o ON o.id = e.order_id WHERE e.customer_id = ?"
	    " ORDER BY CASE p.kind WHEN 'download' THEN 0"
	    " WHEN 'subscription' THEN 1 WHEN 'ticket' THEN 2 ELSE 3 END,"
	    " e.starts_at DESC, e.id DESC");
	if (st != NULL)
		sqlite3_bind_int64(st, 1, customer_id);
	rc = db_rows(st, 0, &lib->items, &lib->nitems, sizeof *lib->items,
	    lib_item_fill, &c);
	if (rc != NY_OK)
		library_free(lib);
	return rc;
}

/* Frees what one item owns (not the item itself). */
static void
lib_item_free(struct lib_item *it)
{
	size_t j;

	for (j = 0; j < it->nfiles; j++)
		free(it->files[j].name);
	free(it->files);
	free(it->tickets);
	free(it->slug);
	free(it->title);
	free(it->creator);
	free(it->venue);
	free(it->join_url);
}

void
library_free(struct library *lib)
{
	size_t i;

	for (i = 0; i < lib->nitems; i++)
		lib_item_free(&lib->items[i]);
	free(lib->items);
	memset(lib, 0, sizeof *lib);
}

/* db_rows fill: one (order, product) line. */
static enum ny_err
lib_keep_fill(void *arg, void *elem, sqlite3_stmt *st)
{
	struct lib_keep_line *l = elem;

	(void)arg;
	l->order_id = sqlite3_column_int64(st, 0);
	l->product_id = sqlite3_column_int64(st, 1);
	return NY_OK;
}

enum ny_err
library_keep_load(struct db *db, int64_t customer_id, int64_t order_id,
    const char *email, struct lib_keep *k)
{
	sqlite3_stmt *st;

	memset(k, 0, sizeof *k);
	if (order_id != 0) {
		st = db_stmt(db, "SELECT l.order_id, l.product_id FROM"
		    " order_lines l JOIN orders o ON o.id = l.order_id"
		    " WHERE l.order_id = ?1 AND o.customer_id = ?2");
		if (st != NULL)
			sqlite3_bind_int64(st, 1, order_id);
	} else {
		st = db_stmt(db, "SELECT l.order_id, l.product_id FROM"
		    " orders o JOIN order_lines l ON l.order_id = o.id"
		    " WHERE o.email = ?1 AND o.status = 'paid'"
		    " AND o.customer_id = ?2 ORDER BY o.id DESC");
		if (st != NULL)
			sqlite3_bind_text(st, 1, email != NULL ? email : "",
			    -1, SQLITE_TRANSIENT);
	}
	if (st == NULL)
		return NY_EDB;
	sqlite3_bind_int64(st, 2, customer_id);
	return db_rows(st, LIBRARY_KEEP_MAX, &k->v, &k->n, sizeof *k->v,
	    lib_keep_fill, NULL);
}

void
library_keep_free(struct lib_keep *k)
{
	free(k->v);
	k->v = NULL;
	k->n = 0;
}

int
library_keep_product(const struct lib_keep *k, int64_t product_id)
{
	size_t i;

	for (i = 0; i < k->n; i++)
		if (k->v[i].product_id == product_id)
			return 1;
	return 0;
}

int
library_keep_order(const struct lib_keep *k, int64_t order_id)
{
	size_t i;

	for (i = 0; i < k->n; i++)
		if (k->v[i].order_id == order_id)
			return 1;
	return 0;
}

void
library_keep(struct library *lib, const struct lib_keep *k)
{
	size_t i, j = 0, t, n;

	for (i = 0; i < lib->nitems; i++) {
		struct lib_item *it = &lib->items[i];

		if (!library_keep_product(k, it->product_id)) {
			lib_item_free(it);
			continue;
		}
		for (t = 0, n = 0; t < it->ntickets; t++)
			if (library_keep_order(k, it->tickets[t].order_id))
				it->tickets[n++] = it->tickets[t];
		it->ntickets = n;
		lib->items[j++] = *it;
	}
	lib->nitems = j;
}

enum ny_err
library_ticket(const struct library *lib, const char *code,
    const struct lib_item **item, const struct lib_ticket **t)
{
	char want[TICKET_CODE_MAX], have[TICKET_CODE_MAX];
	size_t i, j;

	if (ticket_code_normalize(code, want) != NY_OK)
		return NY_ENOTFOUND;
	for (i = 0; i < lib->nitems; i++) {
		const struct lib_item *it = &lib->items[i];

		for (j = 0; j < it->ntickets; j++) {
			if (ticket_code_normalize(it->tickets[j].code, have) ==
			    NY_OK && strcmp(have, want) == 0) {
				*item = it;
				*t = &it->tickets[j];
				return NY_OK;
			}
		}
	}
	return NY_ENOTFOUND;
}

void
library_time_fmt(int64_t t, char *buf, size_t len)
{
	time_t eat = (time_t)(t + 3 * 3600);
	struct tm tm;

	gmtime_r(&eat, &tm);
	if (strftime(buf, len, "%Y-%m-%d %H:%M EAT", &tm) == 0 && len > 0)
		buf[0] = '\0';
}
