/*
 * automation.c: products' automatic messages. See automation.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "automation.h"

int
automation_trigger_ok(const char *trigger, const char *kind)
{
	if (trigger == NULL || kind == NULL)
		return 0;
	if (strcmp(trigger, "purchase") == 0)
		return 1;
	if (strcmp(trigger, "before_start") == 0)
		return strcmp(kind, "ticket") == 0 ||
		    strcmp(kind, "webinar") == 0;
	if (strcmp(trigger, "before_end") == 0)
		return strcmp(kind, "subscription") == 0;
	return 0;
}

static int
auto_body_ok(const char *s)
{
	size_t n = s != NULL ? strlen(s) : 0;

	return n > 0 && n <= AUTOMATION_BODY_MAX;
}

/* Everything but the product's kind. */
static int
auto_values_ok(const char *trigger, int offset, const char *en,
    const char *sw)
{
	return trigger != NULL && offset >= 0 &&
	    offset <= AUTOMATION_OFFSET_MAX && auto_body_ok(en) &&
	    auto_body_ok(sw) && (strcmp(trigger, "purchase") == 0 ||
	    strcmp(trigger, "before_start") == 0 ||
	    strcmp(trigger, "before_end") == 0);
}

/*
 * NY_OK when trigger suits the kind of product product_id, NY_EINVAL when
 * it does not, NY_ENOTFOUND without such a product.
 */
static enum ny_err
auto_trigger_fits(struct db *db, int64_t product_id, const char *trigger)
{
	sqlite3_stmt *st = db_stmt(db, "SELECT kind FROM products WHERE id = ?");
	char kind[16];
	int rc;

	if (st == NULL)
		return NY_EDB;
	sqlite3_bind_int64(st, 1, product_id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		db_col_buf(st, 0, kind, sizeof kind);
	sqlite3_reset(st);
	if (rc != SQLITE_ROW)
		return db_found(rc);
	return automation_trigger_ok(trigger, kind) ? NY_OK : NY_EINVAL;
}

/*
 * NY_EEXISTS when an automation of product_id other than except_id (0:
 * none, ids start at 1) already sends trigger at offset, else NY_OK.
 */
static enum ny_err
auto_clash(struct db *db, int64_t product_id, const char *trigger,
    int offset, int64_t except_id)
{
	sqlite3_stmt *st = db_stmt(db, "SELECT 1 FROM automations WHERE"
	    " product_id = ? AND trigger = ? AND offset_minutes = ?"
	    " AND id <> ?");
	enum ny_err rc;
	int found;

	if (st == NULL)
		return NY_EDB;
	sqlite3_bind_int64(st, 1, product_id);
	sqlite3_bind_text(st, 2, trigger, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 3, offset);
	sqlite3_bind_int64(st, 4, except_id);
	if ((rc = db_exists(st, &found)) != NY_OK)
		return rc;
	return found ? NY_EEXISTS : NY_OK;
}

/* automation_add inside its transaction. */
static enum ny_err
auto_add_tx(struct db *db, int64_t product_id, const char *trigger,
    int offset, const char *en, const char *sw, int64_t *id)
{
	sqlite3_stmt *st;
	enum ny_err rc;

	if ((rc = auto_trigger_fits(db, product_id, trigger)) != NY_OK ||
	    (rc = auto_clash(db, product_id, trigger, offset, 0)) != NY_OK)
		return rc;
	st = db_stmt(db, "INSERT INTO automations(product_id, trigger,"
	    " offset_minutes, body_en, body_sw, enabled, created_at)"
	    " VALUES (?, ?, ?, ?, ?, 1, ?)");
	if (st == NULL)
		return NY_EDB;
	sqlite3_bind_int64(st, 1, product_id);
	sqlite3_bind_text(st, 2, trigger, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 3, offset);
	sqlite3_bind_text(st, 4, en, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, sw, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 6, ny_now());
	if ((rc = db_done(st)) != NY_OK)
		return rc;
	if (id != NULL)
		*id = sqlite3_last_insert_rowid(db_sqlite(db));
	return db_event(db, "product", product_id, NULL);
}

enum ny_err
automation_add(struct db *db, int64_t product_id, const char *trigger,
    int offset_minutes, const char *body_en, const char *body_sw,
    int64_t *id)
{
	enum ny_err rc;

	if (!auto_values_ok(trigger, offset_minutes, body_en, body_sw))
		return NY_EINVAL;
	if ((rc = db_begin(db)) != NY_OK)
		return rc;
	return db_end(db, auto_add_tx(db, product_id, trigger,
	    offset_minutes, body_en, body_sw, id));
}

/* What automation_counts' rows are matched against. */
struct auto_counts {
	struct automation	*v;
	size_t			 n;
};

/* Reads one automations row (the columns of automation_list). */
static enum ny_err
auto_fill(void *arg, void *elem, sqlite3_stmt *st)
{
	struct automation *a = elem;

	(void)arg;
	a->id = sqlite3_column_int64(st, 0);
	a->product_id = sqlite3_column_int64(st, 1);
	db_col_buf(st, 2, a->trigger, sizeof a->trigger);
	a->offset_minutes = sqlite3_column_int(st, 3);
	a->body_en = db_col_str(st, 4);
	a->body_sw = db_col_str(st, 5);
	a->enabled = sqlite3_column_int(st, 6);
	a->created_at = sqlite3_column_int64(st, 7);
	return NY_OK;
}

enum ny_err
automation_list(struct db *db, int64_t product_id, struct automation **out,
    size_t *n)
{
	sqlite3_stmt *st = db_stmt(db, "SELECT id, product_id, trigger,"
	    " offset_minutes, body_en, body_sw, enabled, created_at"
	    " FROM automations WHERE product_id = ? ORDER BY id");
	enum ny_err rc;

	*out = NULL;
	*n = 0;
	if (st == NULL)
		return NY_EDB;
	sqlite3_bind_int64(st, 1, product_id);
	if ((rc = db_rows(st, 0, out, n, sizeof **out, auto_fill, NULL)) !=
	    NY_OK) {
		automation_list_free(*out, *n);
		*out = NULL;
		*n = 0;
	}
	return rc;
}

void
automation_list_free(struct automation *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(v[i].body_en);
		free(v[i].body_sw);
	}
	free(v);
}

/* db_each callback of automation_counts: one automation's figures. */
static enum ny_err
auto_count_row(void *arg, sqlite3_stmt *st)
{
	struct auto_counts *c = arg;
	int64_t id = sqlite3_column_int64(st, 0);
	size_t i;

	for (i = 0; i < c->n; i++)
		if (c->v[i].id == id) {
			c->v[i].sent = sqlite3_column_int64(st, 1);
			c->v[i].pending = sqlite3_column_int64(st, 2);
			c->v[i].failed = sqlite3_column_int64(st, 3);
		}
	return NY_OK;
}

enum ny_err
automation_counts(struct db *db, int64_t product_id, struct automation *v,
    size_t n)
{
	/* automations_product, then each one's runs by the primary key's
	 * first column, then the message by id. */
	sqlite3_stmt *st = db_stmt(db, "SELECT a.id,"
	    " sum(m.status = 'sent'), sum(m.status IN ('queued', 'sending')),"
	    " sum(m.status = 'failed') FROM automations a"
	    " JOIN automation_runs r ON r.automation_id = a.id"
	    " JOIN messages m ON m.id = r.message_id"
	    " WHERE a.product_id = ? GROUP BY a.id");
	struct auto_counts c = { v, n };
	size_t i;

	for (i = 0; i < n; i++)
		v[i].sent = v[i].pending = v[i].failed = 0;
	if (st == NULL)
		return NY_EDB;
	sqlite3_bind_int64(st, 1, product_id);
	return db_each(st, 0, auto_count_row, &c);
}

/*
 * Runs one "… WHERE id = ?2 RETURNING product_id" and its event in one
 * transaction. Returns NY_OK, NY_ENOTFOUND (no row id) or the db error.
 */
static enum ny_err
auto_change(struct db *db, const char *sql, int64_t id, int value)
{
	sqlite3_stmt *st;
	int64_t product_id = 0;
	enum ny_err rc;

	if ((rc = db_begin(db)) != NY_OK)
		return rc;
	if ((st = db_stmt(db, sql)) != NULL) {
		sqlite3_bind_int(st, 1, value);
		sqlite3_bind_int64(st, 2, id);
	}
	/* RETURNING: the change is done once db_int64 resets the statement;
	 * no row returned means no row changed. */
	if ((rc = db_int64(st, &product_id)) != NY_OK)
		return db_end(db, rc);
	return db_end(db, db_event(db, "product", product_id, NULL));
}

enum ny_err
automation_set_enabled(struct db *db, int64_t id, int enabled)
{
	return auto_change(db, "UPDATE automations SET enabled = ?1"
	    " WHERE id = ?2 RETURNING product_id", id, enabled ? 1 : 0);
}

enum ny_err
automation_remove(struct db *db, int64_t id)
{
	/* ?1 is bound but unused so both changes share auto_change. */
	return auto_change(db, "DELETE FROM automations WHERE id = ?2"
	    " AND ?1 = ?1 RETURNING product_id", id, 0);
}

/* The product of automation id, or NY_ENOTFOUND. */
static enum ny_err
auto_product_of(struct db *db, int64_t id, int64_t *product_id)
{
	sqlite3_stmt *st = db_stmt(db,
	    "SELECT product_id FROM automations WHERE id = ?");

	if (st == NULL)
		return NY_EDB;
	sqlite3_bind_int64(st, 1, id);
	return db_int64(st, product_id);
}

/* automation_update inside its transaction. */
static enum ny_err
auto_update_tx(struct db *db, int64_t id, const char *trigger, int offset,
    const char *en, const char *sw)
{
	sqlite3_stmt *st;
	int64_t product_id = 0;
	enum ny_err rc;

	if ((rc = auto_product_of(db, id, &product_id)) != NY_OK ||
	    (rc = auto_trigger_fits(db, product_id, trigger)) != NY_OK ||
	    (rc = auto_clash(db, product_id, trigger, offset, id)) != NY_OK)
		return rc;
	st = db_stmt(db, "UPDATE automations SET trigger = ?, offset_minutes"
	    " = ?, body_en = ?, body_sw = ? WHERE id = ?");
	if (st == NULL)
		return NY_EDB;
	sqlite3_bind_text(st, 1, trigger, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 2, offset);
	sqlite3_bind_text(st, 3, en, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, sw, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 5, id);
	if ((rc = db_done(st)) != NY_OK)
		return rc;
	return db_event(db, "product", product_id, NULL);
}

enum ny_err
automation_update(struct db *db, int64_t id, const char *trigger,
    int offset_minutes, const char *body_en, const char *body_sw)
{
	enum ny_err rc;

	if (!auto_values_ok(trigger, offset_minutes, body_en, body_sw))
		return NY_EINVAL;
	if ((rc = db_begin(db)) != NY_OK)
		return rc;
	return db_end(db, auto_update_tx(db, id, trigger, offset_minutes,
	    body_en, body_sw));
}

/* Binds ?1..?6 of the upsert statements: the natural key, then the values. */
static void
auto_bind_upsert(sqlite3_stmt *st, int64_t product_id, const char *trigger,
    int offset_minutes, const char *body_en, const char *body_sw, int enabled)
{
	sqlite3_bind_int64(st, 1, product_id);
	sqlite3_bind_text(st, 2, trigger, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 3, offset_minutes);
	sqlite3_bind_text(st, 4, body_en, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, body_sw, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 6, enabled ? 1 : 0);
}

/*
 * Update first (only when something differs), insert when no row has
 * this trigger and offset: the count of rows db_one changed tells what
 * happened.
 */
enum ny_err
automation_upsert_tx(struct db *db, int64_t product_id, const char *trigger,
    int offset_minutes, const char *body_en, const char *body_sw,
    int enabled, int *changed)
{
	sqlite3_stmt *st;
	int64_t n = 0;
	enum ny_err rc;

	if (changed != NULL)
		*changed = 0;
	if (!auto_values_ok(trigger, offset_minutes, body_en, body_sw))
		return NY_EINVAL;
	if ((rc = auto_trigger_fits(db, product_id, trigger)) != NY_OK)
		return rc;
	st = db_stmt(db, "UPDATE automations SET body_en = ?4, body_sw = ?5,"
	    " enabled = ?6 WHERE product_id = ?1 AND trigger = ?2 AND"
	    " offset_minutes = ?3 AND (body_en IS NOT ?4 OR body_sw IS NOT ?5"
	    " OR enabled IS NOT ?6)");
	if (st == NULL)
		return NY_EDB;
	auto_bind_upsert(st, product_id, trigger, offset_minutes, body_en,
	    body_sw, enabled);
	/* NY_OK whether or not a row changed: n tells. */
	if ((rc = db_one(st, NY_OK, &n)) != NY_OK)
		return rc;
	if (n == 0) {
		st = db_stmt(db, "INSERT INTO automations(product_id, trigger,"
		    " offset_minutes, body_en, body_sw, enabled, created_at)"
		    " SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7 WHERE NOT EXISTS"
		    " (SELECT 1 FROM automations WHERE product_id = ?1 AND"
		    " trigger = ?2 AND offset_minutes = ?3)");
		if (st == NULL)
			return NY_EDB;
		auto_bind_upsert(st, product_id, trigger, offset_minutes,
		    body_en, body_sw, enabled);
		sqlite3_bind_int64(st, 7, ny_now());
		if ((rc = db_one(st, NY_OK, &n)) != NY_OK)
			return rc;
	}
	if (changed != NULL)
		*changed = n > 0;
	return NY_OK;
}
