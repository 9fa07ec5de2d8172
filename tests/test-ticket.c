/*
 * test-ticket: code alphabet and normalisation, idempotent issuing,
 * check-in answers, creator scoping, and 20 simultaneous check-ins of one
 * code (threads, each with its own connection): exactly one succeeds.
 */
#include <check.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "entitlement.h"
#include "library-fixture.h"
#include "ticket.h"

START_TEST(code_shape)
{
	char a[TICKET_CODE_MAX], b[TICKET_CODE_MAX], g[TICKET_CODE_MAX];
	size_t i;

	ticket_code_new(a);
	ck_assert_int_eq(strlen(a), TICKET_CODE_CHARS);
	ck_assert_int_ge(TICKET_CODE_CHARS * 5, 100);
	for (i = 0; a[i]; i++)
		ck_assert_ptr_nonnull(strchr("0123456789ABCDEFGHJKMNPQRSTVWXYZ",
		    a[i]));
	ticket_code_new(b);
	ck_assert_str_ne(a, b);
	ticket_code_format(a, g);
	ck_assert_int_eq(strlen(g), TICKET_CODE_CHARS + 5);
	ck_assert_int_eq(g[4], '-');
	ck_assert_int_eq(ticket_code_normalize(g, b), NY_OK);
	ck_assert_str_eq(a, b);
}
END_TEST

START_TEST(code_normalize)
{
	char out[TICKET_CODE_MAX];

	ck_assert_int_eq(ticket_code_normalize(
	    "abcd-efgh-jkmn-pqrs-tvwx-yz01", out), NY_OK);
	ck_assert_str_eq(out, "ABCDEFGHJKMNPQRSTVWXYZ01");
	/* Spaces, O for zero, I and L for one. */
	ck_assert_int_eq(ticket_code_normalize(
	    " ABCD EFGH jkmn PQRS tvwx YZOI ", out), NY_OK);
	ck_assert_str_eq(out, "ABCDEFGHJKMNPQRSTVWXYZ01");
	ck_assert_int_eq(ticket_code_normalize("ABCDEFGHJKMNPQRSTVWXYZ0L", out),
	    NY_OK);
	ck_assert_str_eq(out, "ABCDEFGHJKMNPQRSTVWXYZ01");
	ck_assert_int_eq(ticket_code_normalize("", out), NY_EINVAL);
	ck_assert_int_eq(ticket_code_normalize(NULL, out), NY_EINVAL);
	ck_assert_int_eq(ticket_code_normalize("ABCD", out), NY_EINVAL);
	ck_assert_int_eq(ticket_code_normalize(
	    "ABCDEFGHJKMNPQRSTVWXYZ01X", out), NY_EINVAL);
	ck_assert_int_eq(ticket_code_normalize(
	    "ABCDEFGHJKMNPQRSTVWXYZ0U", out), NY_EINVAL);	/* U */
	ck_assert_int_eq(ticket_code_normalize(
	    "ABCDEFGHJKMNPQRSTVWXYZ0!", out), NY_EINVAL);
	ck_assert_int_eq(ticket_code_normalize(
	    "------------------------------------------------------------------"
	    "ABCDEFGHJKMNPQRSTVWXYZ01", out), NY_EINVAL);
}
END_TEST

START_TEST(issue_idempotent)
{
	struct db *db = lf_open(NULL);
	int64_t o = lf_order(db, 1, 3, 5, "paid");

	ck_assert_int_eq(db_begin(db), NY_OK);
	ck_assert_int_eq(ticket_issue_tx(db, o, 3, 1, 3), NY_OK);
	ck_assert_int_eq(ticket_issue_tx(db, o, 3, 1, 3), NY_OK);
	ck_assert_int_eq(db_commit(db), NY_OK);
	ck_assert_int_eq(lf_scalar(db, "SELECT count(*) FROM tickets"), 3);
	ck_assert_int_eq(db_begin(db), NY_OK);
	ck_assert_int_eq(ticket_issue_tx(db, o, 3, 1, 5), NY_OK);
	ck_assert_int_eq(ticket_issue_tx(db, o, 3, 1, 0), NY_EINVAL);
	ck_assert_int_eq(ticket_issue_tx(db, o, 3, 1, 101), NY_EINVAL);
	ck_assert_int_eq(db_commit(db), NY_OK);
	ck_assert_int_eq(lf_scalar(db, "SELECT count(DISTINCT code) FROM"
	    " tickets"), 5);
	db_close(db);
}
END_TEST

/* The code of a ticket as the buyer sees it (static buffer): the
 * database keeps only its keyed hash and the code sealed. */
static const char *
code_where(struct db *db, int64_t customer_id)
{
	static char code[TICKET_CODE_MAX];
	/* db_stmt caches by the SQL text it is given: a literal */
	sqlite3_stmt *st = db_stmt(db, "SELECT code, code_sealed FROM tickets"
	    " WHERE ?1 = 0 OR customer_id = ?1 ORDER BY id LIMIT 1");

	sqlite3_bind_int64(st, 1, customer_id);
	ck_assert_int_eq(sqlite3_step(st), SQLITE_ROW);
	ck_assert_str_eq(strncmp((const char *)sqlite3_column_text(st, 0),
	    "h:", 2) == 0 ? "hashed" : "clear", "hashed");
	ck_assert_int_eq(ticket_code_reveal((const char *)sqlite3_column_text(st,
	    0), sqlite3_column_blob(st, 1), (size_t)sqlite3_column_bytes(st, 1),
	    code), NY_OK);
	sqlite3_reset(st);
	return code;
}

static const char *
first_code(struct db *db)
{
	return code_where(db, 0);
}

START_TEST(check_in_answers)
{
	struct db *db = lf_open(NULL);
	struct ticket_checkin r;
	char grouped[TICKET_CODE_MAX];
	const char *code;

	lf_buy(db, 1, 3, 1);
	code = first_code(db);
	ticket_code_format(code, grouped);
	/* Another creator does not see it. */
	ck_assert_int_eq(ticket_check_in(db, code, 2, LF_T0, &r), NY_OK);
	ck_assert_int_eq(r.status, TICKET_UNKNOWN);
	ck_assert_int_eq(ticket_check_in(db, grouped, 1, LF_T0 + 5, &r), NY_OK);
	ck_assert_int_eq(r.status, TICKET_VALID);
	ck_assert_int_eq(r.when, LF_T0 + 5);
	ck_assert_str_eq(r.title, "Gig");
	ck_assert_int_eq(ticket_check_in(db, code, 0, LF_T0 + 60, &r), NY_OK);
	ck_assert_int_eq(r.status, TICKET_ALREADY);
	ck_assert_int_eq(r.when, LF_T0 + 5);
	ck_assert_int_eq(ticket_check_in(db, "ZZZZ-ZZZZ-ZZZZ-ZZZZ-ZZZZ-ZZZZ", 0,
	    LF_T0, &r), NY_OK);
	ck_assert_int_eq(r.status, TICKET_UNKNOWN);
	ck_assert_int_eq(ticket_check_in(db, "garbage", 0, LF_T0, &r), NY_OK);
	ck_assert_int_eq(r.status, TICKET_UNKNOWN);
	/* A refunded order's tickets say so at the door, never VALID, and
	 * stay unchecked; another creator still sees nothing. */
	lf_buy(db, 2, 3, 1);
	ck_assert_int_eq(db_exec(db, "UPDATE orders SET status = 'refunded'"
	    " WHERE customer_id = 2"), NY_OK);
	ck_assert_int_eq(ticket_check_in(db, code_where(db, 2), 0, LF_T0, &r),
	    NY_OK);
	ck_assert_int_eq(r.status, TICKET_REFUNDED);
	ck_assert_str_eq(r.title, "Gig");
	ck_assert_int_eq(ticket_check_in(db, code_where(db, 2), 0, LF_T0, &r),
	    NY_OK);
	ck_assert_int_eq(r.status, TICKET_REFUNDED);
	ck_assert_int_eq(ticket_check_in(db, code_where(db, 2), 2, LF_T0, &r),
	    NY_OK);
	ck_assert_int_eq(r.status, TICKET_UNKNOWN);
	db_close(db);
}
END_TEST

#define RACERS 20

struct racer {
	const char		*path;
	const char		*code;
	pthread_barrier_t	*bar;
	int			 rc;
	enum ticket_status	 status;
};

static void *
race(void *arg)
{
	struct racer *r = arg;
	struct ticket_checkin res;
	struct db *db;
	char *cause = NULL;

	if (db_open(r->path, &db, &cause) != NY_OK) {
		r->rc = NY_EDB;
		free(cause);
		pthread_barrier_wait(r->bar);
		return NULL;
	}
	pthread_barrier_wait(r->bar);
	r->rc = ticket_check_in(db, r->code, 0, LF_T0, &res);
	r->status = res.status;
	db_close(db);
	return NULL;
}

START_TEST(twenty_simultaneous_check_ins)
{
	char *path;
	struct db *db = lf_open(&path);
	struct racer r[RACERS];
	pthread_t th[RACERS];
	pthread_barrier_t bar;
	int i, valid = 0, already = 0;

	lf_buy(db, 1, 3, 1);
	pthread_barrier_init(&bar, NULL, RACERS);
	for (i = 0; i < RACERS; i++) {
		r[i] = (struct racer){ .path = path, .code = first_code(db),
		    .bar = &bar };
		ck_assert_int_eq(pthread_create(&th[i], NULL, race, &r[i]), 0);
	}
	for (i = 0; i < RACERS; i++) {
		pthread_join(th[i], NULL);
		ck_assert_int_eq(r[i].rc, NY_OK);
		valid += r[i].status == TICKET_VALID;
		already += r[i].status == TICKET_ALREADY;
	}
	ck_assert_int_eq(valid, 1);
	ck_assert_int_eq(already, RACERS - 1);
	pthread_barrier_destroy(&bar);
	db_close(db);
	free(path);
}
END_TEST

/* A copy of the database holds no code a door accepts; older clear codes
 * keep working and are sealed at start. */
START_TEST(codes_kept_hashed_and_sealed)
{
	struct db *db = lf_open(NULL);
	struct ticket_checkin r;
	char code[TICKET_CODE_MAX];
	int n;

	lf_buy(db, 1, 3, 1);
	snprintf(code, sizeof code, "%s", first_code(db));
	ck_assert_int_eq(lf_scalar(db, "SELECT count(*) FROM tickets WHERE"
	    " code NOT LIKE 'h:%' OR code_sealed IS NULL"), 0);
	/* The stored value itself is not a code. */
	ck_assert_int_eq(ticket_check_in(db, "h:0000", 0, LF_T0, &r), NY_OK);
	ck_assert_int_eq(r.status, TICKET_UNKNOWN);
	/* An older row with its code in clear: found, then sealed. */
	ck_assert_int_eq(db_exec(db, "INSERT INTO tickets (order_id, product_id,"
	    " customer_id, code, created_at) SELECT order_id, product_id,"
	    " customer_id, '7K3MQ9XHABCDEFGHJKMNPQRS', 0 FROM tickets LIMIT 1"),
	    NY_OK);
	ck_assert_int_eq(ticket_seal_legacy(db, &n), NY_OK);
	ck_assert_int_eq(n, 1);
	ck_assert_int_eq(lf_scalar(db, "SELECT count(*) FROM tickets WHERE"
	    " code = '7K3MQ9XHABCDEFGHJKMNPQRS'"), 0);
	ck_assert_int_eq(ticket_check_in(db, "7k3m-q9xh-abcd-efgh-jkmn-pqrs", 0,
	    LF_T0, &r), NY_OK);
	ck_assert_int_eq(r.status, TICKET_VALID);
	ck_assert_int_eq(ticket_seal_legacy(db, &n), NY_OK);
	ck_assert_int_eq(n, 0);
	ck_assert_int_eq(ticket_check_in(db, code, 0, LF_T0, &r), NY_OK);
	ck_assert_int_eq(r.status, TICKET_VALID);
	db_close(db);
}
END_TEST

static Suite *
ticket_suite(void)
{
	Suite *s = suite_create("ticket");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, code_shape);
	tcase_add_test(tc, code_normalize);
	tcase_add_test(tc, issue_idempotent);
	tcase_add_test(tc, check_in_answers);
	tcase_add_test(tc, twenty_simultaneous_check_ins);
	tcase_add_test(tc, codes_kept_hashed_and_sealed);
	tcase_set_timeout(tc, 60);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return run_suite(ticket_suite());
}
