/*
 * test-automation.c: adding, listing, switching and removing a product's
 * automatic messages; triggers must suit the product's kind; every change
 * is an event; the scheduler honours enabled/disabled.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "automation.h"
#include "entitlement.h"
#include "library-fixture.h"
#include "outbox.h"

static int64_t
last_seq(struct db *db)
{
	int64_t seq = -1;

	ck_assert_int_eq(db_events_last(db, &seq), NY_OK);
	return seq;
}

START_TEST(add_validates)
{
	struct db *db = lf_open(NULL);
	char big[AUTOMATION_BODY_MAX + 2];
	int64_t id = 0;

	memset(big, 'a', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	/* kinds: 1 download, 2 subscription, 3 ticket, 4 webinar */
	ck_assert_int_eq(automation_add(db, 1, "purchase", 0, "Thanks {link}",
	    "Asante {link}", &id), NY_OK);
	ck_assert_int_gt(id, 0);
	ck_assert_int_eq(automation_add(db, 3, "before_start", 60, "Soon",
	    "Karibuni", NULL), NY_OK);
	ck_assert_int_eq(automation_add(db, 4, "before_start", 1440, "Tomorrow",
	    "Kesho", NULL), NY_OK);
	ck_assert_int_eq(automation_add(db, 2, "before_end", 4320, "Ending",
	    "Inaisha", NULL), NY_OK);
	/* trigger not for this kind */
	ck_assert_int_eq(automation_add(db, 1, "before_start", 60, "a", "b",
	    NULL), NY_EINVAL);
	ck_assert_int_eq(automation_add(db, 3, "before_end", 60, "a", "b",
	    NULL), NY_EINVAL);
	/* bad values */
	ck_assert_int_eq(automation_add(db, 1, "later", 0, "a", "b", NULL),
	    NY_EINVAL);
	ck_assert_int_eq(automation_add(db, 1, NULL, 0, "a", "b", NULL),
	    NY_EINVAL);
	ck_assert_int_eq(automation_add(db, 1, "purchase", -1, "a", "b", NULL),
	    NY_EINVAL);
	ck_assert_int_eq(automation_add(db, 1, "purchase",
	    AUTOMATION_OFFSET_MAX + 1, "a", "b", NULL), NY_EINVAL);
	ck_assert_int_eq(automation_add(db, 1, "purchase", 5, "", "b", NULL),
	    NY_EINVAL);
	ck_assert_int_eq(automation_add(db, 1, "purchase", 5, "a", NULL, NULL),
	    NY_EINVAL);
	ck_assert_int_eq(automation_add(db, 1, "purchase", 5, big, "b", NULL),
	    NY_EINVAL);
	/* no such product; the same one twice */
	ck_assert_int_eq(automation_add(db, 99, "purchase", 0, "a", "b", NULL),
	    NY_ENOTFOUND);
	ck_assert_int_eq(automation_add(db, 1, "purchase", 0, "x", "y", NULL),
	    NY_EEXISTS);
	ck_assert_int_eq(lf_scalar(db, "SELECT count(*) FROM automations"), 4);
	db_close(db);
}
END_TEST

START_TEST(list_switch_remove)
{
	struct db *db = lf_open(NULL);
	struct automation *v;
	int64_t a, b, seq;
	size_t n;

	ck_assert_int_eq(automation_add(db, 4, "purchase", 0, "Hi", "Habari",
	    &a), NY_OK);
	ck_assert_int_eq(automation_add(db, 4, "before_start", 60, "Soon",
	    "Hivi karibuni", &b), NY_OK);
	ck_assert_int_eq(automation_list(db, 4, &v, &n), NY_OK);
	ck_assert_uint_eq(n, 2);
	ck_assert_int_eq(v[0].id, a);
	ck_assert_int_eq(v[0].product_id, 4);
	ck_assert_str_eq(v[0].trigger, "purchase");
	ck_assert_str_eq(v[1].trigger, "before_start");
	ck_assert_int_eq(v[1].offset_minutes, 60);
	ck_assert_str_eq(v[1].body_sw, "Hivi karibuni");
	ck_assert_int_eq(v[1].enabled, 1);
	ck_assert_int_eq(v[1].created_at, LF_T0);
	automation_list_free(v, n);
	ck_assert_int_eq(automation_list(db, 1, &v, &n), NY_OK);
	ck_assert_uint_eq(n, 0);
	automation_list_free(v, n);

	seq = last_seq(db);
	ck_assert_int_eq(automation_set_enabled(db, b, 0), NY_OK);
	ck_assert_int_gt(last_seq(db), seq);
	ck_assert_int_eq(lf_scalar(db, "SELECT enabled FROM automations"
	    " ORDER BY id DESC LIMIT 1"), 0);
	ck_assert_int_eq(automation_set_enabled(db, b, 0), NY_OK);
	ck_assert_int_eq(automation_set_enabled(db, 999, 1), NY_ENOTFOUND);

	seq = last_seq(db);
	ck_assert_int_eq(automation_remove(db, a), NY_OK);
	ck_assert_int_gt(last_seq(db), seq);
	ck_assert_int_eq(automation_remove(db, a), NY_ENOTFOUND);
	ck_assert_int_eq(automation_list(db, 4, &v, &n), NY_OK);
	ck_assert_uint_eq(n, 1);
	ck_assert_int_eq(v[0].id, b);
	automation_list_free(v, n);
	db_close(db);
}
END_TEST

/* Disabled: nothing is sent; enabled again: sent once, in the buyer's
 * language. Removing it keeps the message already queued. */
START_TEST(scheduler_follows_switch)
{
	struct db *db = lf_open(NULL);
	int64_t id;
	int q = -1;

	ck_assert_int_eq(automation_add(db, 1, "purchase", 0, "Thanks {link}",
	    "Asante {link}", &id), NY_OK);
	ck_assert_int_eq(automation_set_enabled(db, id, 0), NY_OK);
	lf_buy(db, 1, 1, 1);		/* customer 1 reads Swahili */
	ck_assert_int_eq(outbox_schedule(db, LF_T0 + 60, &q), NY_OK);
	ck_assert_int_eq(lf_scalar(db, "SELECT count(*) FROM messages"
	    " WHERE kind = 'automation'"), 0);
	ck_assert_int_eq(automation_set_enabled(db, id, 1), NY_OK);
	ck_assert_int_eq(outbox_schedule(db, LF_T0 + 120, &q), NY_OK);
	ck_assert_int_eq(outbox_schedule(db, LF_T0 + 180, &q), NY_OK);
	ck_assert_int_eq(lf_scalar(db, "SELECT count(*) FROM messages"
	    " WHERE kind = 'automation' AND body = 'Asante {link}'"), 1);
	ck_assert_int_eq(automation_remove(db, id), NY_OK);
	ck_assert_int_eq(lf_scalar(db, "SELECT count(*) FROM automation_runs"),
	    0);
	ck_assert_int_eq(lf_scalar(db, "SELECT count(*) FROM messages"
	    " WHERE kind = 'automation'"), 1);
	db_close(db);
}
END_TEST

/* Update keeps the kind rules and uniqueness; upsert (the import) adds,
 * changes only when something differs, and checks the kind too. */
START_TEST(update_and_upsert)
{
	struct db *db = lf_open(NULL);
	struct automation *v;
	int64_t a, b, seq;
	size_t n;
	int changed = -1;

	ck_assert(automation_trigger_ok("purchase", "download"));
	ck_assert(automation_trigger_ok("before_start", "webinar"));
	ck_assert(!automation_trigger_ok("before_end", "ticket"));
	ck_assert(!automation_trigger_ok(NULL, "ticket"));
	ck_assert_int_eq(automation_add(db, 3, "purchase", 10, "Welcome",
	    "Karibu", &a), NY_OK);
	ck_assert_int_eq(automation_add(db, 3, "before_start", 60, "Soon",
	    "Karibuni", &b), NY_OK);
	seq = last_seq(db);
	ck_assert_int_eq(automation_update(db, a, "purchase", 15, "Welcome!",
	    "Karibu!"), NY_OK);
	ck_assert_int_gt(last_seq(db), seq);
	ck_assert_int_eq(automation_update(db, a, "before_start", 60, "x",
	    "y"), NY_EEXISTS);
	ck_assert_int_eq(automation_update(db, a, "before_end", 60, "x", "y"),
	    NY_EINVAL);
	ck_assert_int_eq(automation_update(db, a, "purchase", 15, "", "y"),
	    NY_EINVAL);
	ck_assert_int_eq(automation_update(db, 999, "purchase", 1, "x", "y"),
	    NY_ENOTFOUND);
	ck_assert_int_eq(automation_list(db, 3, &v, &n), NY_OK);
	ck_assert_uint_eq(n, 2);
	ck_assert_int_eq(v[0].offset_minutes, 15);
	ck_assert_str_eq(v[0].body_en, "Welcome!");
	ck_assert_str_eq(v[0].body_sw, "Karibu!");
	automation_list_free(v, n);

	ck_assert_int_eq(db_begin(db), NY_OK);
	ck_assert_int_eq(automation_upsert_tx(db, 3, "purchase", 15,
	    "Welcome!", "Karibu!", 1, &changed), NY_OK);
	ck_assert_int_eq(changed, 0);
	ck_assert_int_eq(automation_upsert_tx(db, 3, "purchase", 15,
	    "Hello", "Karibu!", 0, &changed), NY_OK);
	ck_assert_int_eq(changed, 1);
	ck_assert_int_eq(automation_upsert_tx(db, 3, "purchase", 30,
	    "Later", "Baadaye", 1, &changed), NY_OK);
	ck_assert_int_eq(changed, 1);
	ck_assert_int_eq(automation_upsert_tx(db, 1, "before_end", 30,
	    "x", "y", 1, &changed), NY_EINVAL);
	ck_assert_int_eq(automation_upsert_tx(db, 99, "purchase", 30,
	    "x", "y", 1, &changed), NY_ENOTFOUND);
	ck_assert_int_eq(db_commit(db), NY_OK);
	ck_assert_int_eq(lf_scalar(db, "SELECT count(*) FROM automations"
	    " WHERE product_id = 3"), 3);
	ck_assert_int_eq(lf_scalar(db, "SELECT enabled FROM automations"
	    " WHERE product_id = 3 AND offset_minutes = 15"), 0);
	db_close(db);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("automation");
	TCase *tc = tcase_create("core");

	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, add_validates);
	tcase_add_test(tc, list_switch_remove);
	tcase_add_test(tc, scheduler_follows_switch);
	tcase_add_test(tc, update_and_upsert);
	suite_add_tcase(s, tc);
	return run_suite(s);
}
