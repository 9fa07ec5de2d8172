/*
 * test-enrol: console enrolment state (ui_enrol_save, over
 * creator_enrol_new) — the setup code enrols exactly one first creator
 * and is consumed, or ends when a creator is enrolled another way, an
 * invite is used once, nothing is written when any part fails, the
 * confirming code cannot be replayed to log in, the session's language
 * (English when unknown); and the per-address connection rate limit.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "creator.h"
#include "creator-enrol.h"
#include "creator-secret.h"
#include "crypto.h"
#include "db.h"
#include "invite.h"
#include "setup-code.h"
#include "totp.h"
#include "testutil.h"
#include "../tui/ui-int.h"

static struct db *
fresh_db(void)
{
	static const unsigned char key[32] = { 7, 7, 7 };

	crypto_init_key(key);
	return test_db("enrol", NULL);
}

/* A new secret and the step of its current code (as the creator typed). */
static int64_t
confirmed(unsigned char raw[TOTP_SECRET_LEN], char code[7])
{
	char b32[TOTP_B32_LEN];
	int64_t step = 0;

	totp_new_secret(raw, b32);
	ck_assert_int_eq(totp_code(raw, TOTP_SECRET_LEN, ny_now(), code),
	    NY_OK);
	ck_assert_int_eq(totp_check(raw, TOTP_SECRET_LEN, code, ny_now(), 0,
	    &step), NY_OK);
	return step;
}

/* s: a console session in setup mode with the setup code (also in setup). */
static void
setup_session(struct db *db, struct ui_session *s, char setup[SETUP_CODE_LEN])
{
	ck_assert_int_eq(setup_code_get_or_create(db, setup), NY_OK);
	memset(s, 0, sizeof *s);
	s->mode = CONN_SETUP;
	snprintf(s->code, sizeof s->code, "%s", setup);
}

START_TEST(setup_code_once)
{
	struct db *db = fresh_db();
	struct ui_session s;
	unsigned char raw[TOTP_SECRET_LEN];
	char code[7], setup[SETUP_CODE_LEN];
	int64_t step;

	setup_session(db, &s, setup);
	step = confirmed(raw, code);
	ck_assert_int_eq(ui_enrol_save(&s, db, "amani", raw, step), NY_OK);
	ck_assert_int_eq(sql_int(db, "SELECT count(*) FROM creators WHERE"
	    " handle = 'amani' AND totp_secret IS NOT NULL"), 1);
	/* The setup code is spent: a second session cannot enrol. */
	ck_assert_int_eq(setup_code_check(db, setup), NY_EDENIED);
	step = confirmed(raw, code);
	ck_assert_int_eq(ui_enrol_save(&s, db, "mallory", raw, step),
	    NY_EDENIED);
	ck_assert_int_eq(sql_int(db, "SELECT count(*) FROM creators"), 1);
	db_close(db);
}
END_TEST

START_TEST(confirming_code_not_replayable)
{
	struct db *db = fresh_db();
	struct ui_session s;
	unsigned char raw[TOTP_SECRET_LEN];
	char code[7], setup[SETUP_CODE_LEN];
	int64_t step;

	setup_session(db, &s, setup);
	step = confirmed(raw, code);
	ck_assert_int_eq(ui_enrol_save(&s, db, "amani", raw, step), NY_OK);
	ck_assert_int_eq(creator_secret_verify(db, "amani", code, ny_now()),
	    NY_EREPLAY);
	/* The next step's code logs in, once. */
	ck_assert_int_eq(totp_code(raw, TOTP_SECRET_LEN, ny_now() + 30, code),
	    NY_OK);
	ck_assert_int_eq(creator_secret_verify(db, "amani", code, ny_now()),
	    NY_OK);
	ck_assert_int_eq(creator_secret_verify(db, "amani", code, ny_now()),
	    NY_EREPLAY);
	db_close(db);
}
END_TEST

START_TEST(invite_once_and_atomic)
{
	struct db *db = fresh_db();
	struct ui_session s;
	unsigned char raw[TOTP_SECRET_LEN];
	char code[7], inv[INVITE_CODE_LEN];
	int64_t step, id;

	ck_assert_int_eq(creator_add(db, "amani", NULL, NULL, &id), NY_OK);
	ck_assert_int_eq(invite_create(db, id, inv, NULL), NY_OK);
	memset(&s, 0, sizeof s);
	s.mode = CONN_INVITE;
	snprintf(s.code, sizeof s.code, "%s", inv);
	/* A taken handle fails and leaves the invite usable. */
	step = confirmed(raw, code);
	ck_assert_int_eq(ui_enrol_save(&s, db, "amani", raw, step),
	    NY_EEXISTS);
	ck_assert_int_eq(invite_check(db, inv, ny_now()), NY_OK);
	ck_assert_int_eq(ui_enrol_save(&s, db, "zawadi", raw, step), NY_OK);
	ck_assert_int_eq(invite_check(db, inv, ny_now()), NY_EDENIED);
	ck_assert_int_eq(ui_enrol_save(&s, db, "baraka", raw, step),
	    NY_EDENIED);
	ck_assert_int_eq(sql_int(db, "SELECT count(*) FROM creators WHERE"
	    " handle = 'baraka'"), 0);
	db_close(db);
}
END_TEST

/* The first, bilingual question: what counts as an answer. */
START_TEST(language_answers)
{
	char lang[3] = "en";

	ck_assert_int_eq(ui_enrol_lang("sw", lang), 1);
	ck_assert_str_eq(lang, "sw");
	ck_assert_int_eq(ui_enrol_lang("  English ", lang), 1);
	ck_assert_str_eq(lang, "en");
	ck_assert_int_eq(ui_enrol_lang("KISWAHILI", lang), 1);
	ck_assert_str_eq(lang, "sw");
	ck_assert_int_eq(ui_enrol_lang("1", lang), 1);
	ck_assert_str_eq(lang, "en");
	ck_assert_int_eq(ui_enrol_lang("2", lang), 1);
	ck_assert_str_eq(lang, "sw");
	ck_assert_int_eq(ui_enrol_lang("", lang), 0);
	ck_assert_int_eq(ui_enrol_lang("fr", lang), 0);
	ck_assert_int_eq(ui_enrol_lang("sw en", lang), 0);
	ck_assert_int_eq(ui_enrol_lang("swahilikiswahiliswahili", lang), 0);
	ck_assert_str_eq(lang, "sw");
}
END_TEST

/* A first creator enrolled from a session in lang has locale want. */
static void
enrol_in(const char *lang, const char *want)
{
	struct db *db = fresh_db();
	struct ui_session s;
	struct creator c;
	unsigned char raw[TOTP_SECRET_LEN];
	char code[7], setup[SETUP_CODE_LEN];
	int64_t step;

	setup_session(db, &s, setup);
	snprintf(s.lang, sizeof s.lang, "%s", lang);
	step = confirmed(raw, code);
	ck_assert_int_eq(ui_enrol_save(&s, db, "neema", raw, step), NY_OK);
	ck_assert_int_eq(creator_by_handle(db, "neema", &c), NY_OK);
	ck_assert_str_eq(c.locale, want);
	ck_assert_int_eq(c.enrolled, 1);
	creator_free(&c);
	db_close(db);
}

/*
 * The language chosen at enrolment is the creator's (console, texts);
 * a session without a known language enrols an English creator.
 */
START_TEST(enrol_keeps_language)
{
	enrol_in("sw", "sw");
	enrol_in("fr", "en");
	enrol_in("", "en");
}
END_TEST

/*
 * The setup code is re-checked inside the enrolment's transaction: once a
 * creator is enrolled some other way (the CLI's `creator add`), a setup
 * session that already passed the code cannot enrol another.
 */
START_TEST(setup_code_ends_with_other_enrolment)
{
	struct db *db = fresh_db();
	struct ui_session s;
	unsigned char raw[TOTP_SECRET_LEN];
	char code[7], setup[SETUP_CODE_LEN], b32[TOTP_B32_LEN];
	int64_t step, id;

	setup_session(db, &s, setup);
	ck_assert_int_eq(creator_add(db, "amani", NULL, NULL, &id), NY_OK);
	ck_assert_int_eq(creator_enrol_secret(db, id, b32), NY_OK);
	step = confirmed(raw, code);
	ck_assert_int_eq(ui_enrol_save(&s, db, "mallory", raw, step),
	    NY_EDENIED);
	ck_assert_int_eq(sql_int(db, "SELECT count(*) FROM creators"), 1);
	db_close(db);
}
END_TEST

START_TEST(connection_rate_limit)
{
	struct rate_slot slots[RATE_SLOTS];
	int i, ok = 0;

	memset(slots, 0, sizeof slots);
	for (i = 0; i < RATE_BURST + 10; i++)
		ok += serve_rate_take(slots, "10.0.0.1", 1000);
	ck_assert_int_eq(ok, RATE_BURST);
	/* Another address is not affected. */
	ck_assert(serve_rate_take(slots, "10.0.0.2", 1000));
	/* Tokens come back with time. */
	ck_assert(!serve_rate_take(slots, "10.0.0.1", 1000 + RATE_REFILL - 1));
	ck_assert(serve_rate_take(slots, "10.0.0.1", 1000 + 3 * RATE_REFILL));
	/* Many addresses: slots are reused, nothing overflows. */
	for (i = 0; i < 3 * RATE_SLOTS; i++) {
		char a[32];

		snprintf(a, sizeof a, "10.1.%d.%d", i / 256, i % 256);
		ck_assert(serve_rate_take(slots, a, 2000 + i));
	}
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("enrol");
	TCase *tc = tcase_create("enrol");

	tcase_add_test(tc, setup_code_once);
	tcase_add_test(tc, confirming_code_not_replayable);
	tcase_add_test(tc, invite_once_and_atomic);
	tcase_add_test(tc, connection_rate_limit);
	tcase_add_test(tc, language_answers);
	tcase_add_test(tc, enrol_keeps_language);
	tcase_add_test(tc, setup_code_ends_with_other_enrolment);
	suite_add_tcase(s, tc);
	return run_suite(s);
}
