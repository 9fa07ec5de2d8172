/*
 * test-creator: handles, TOTP enrolment and verification with replay (also
 * across processes), SSH keys, invites, the setup code, enrolment in one
 * transaction, customers and the audit log.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "audit.h"
#include "creator.h"
#include "creator-enrol.h"
#include "creator-key.h"
#include "creator-secret.h"
#include "crypto.h"
#include "customer.h"
#include "db.h"
#include "blob.h"
#include "invite.h"
#include "setup-code.h"
#include "testutil.h"
#include "totp.h"

static const unsigned char test_key[32] = "nyota-test-master-key-32-bytes!";
static const unsigned char raw_secret[TOTP_SECRET_LEN] =
    "12345678901234567890";

static struct db *
open_db(char **path)
{
	return test_db("creator.db", path);
}

static void
setup(void)
{
	crypto_init_key(test_key);
	ny_clock_set(0);
}

START_TEST(handles)
{
	static const char *good[] = { "ab", "amani", "a-b_c9",
		"abcdefghijklmnopqrstuvwxyz012345", NULL };
	static const char *bad[] = { "", "a", "Amani", "9lives", "-ab", "_ab",
		"ab cd", "abc/", "abcdefghijklmnopqrstuvwxyz0123456", "setup",
		"invite", "cli", "system", "stripe", "mpesa", "amaní", NULL };

	for (int i = 0; good[i]; i++)
		ck_assert_msg(creator_handle_ok(good[i]), "%s", good[i]);
	for (int i = 0; bad[i]; i++)
		ck_assert_msg(!creator_handle_ok(bad[i]), "%s", bad[i]);
}
END_TEST

START_TEST(add_get_list)
{
	char *path;
	struct db *db = open_db(&path);
	struct creator c, *v;
	int64_t id = 0, id2 = 0;
	size_t n;

	ck_assert_int_eq(creator_add(db, "amani", "Amani Studio", "sw", &id),
	    NY_OK);
	ck_assert_int_gt(id, 0);
	ck_assert_int_eq(creator_add(db, "amani", NULL, NULL, NULL), NY_EEXISTS);
	ck_assert_int_eq(creator_add(db, "Bad", NULL, NULL, NULL), NY_EINVAL);
	ck_assert_int_eq(creator_add(db, "juma", NULL, "fr", NULL), NY_EINVAL);
	ck_assert_int_eq(creator_add(db, "juma", NULL, NULL, &id2), NY_OK);
	ck_assert_int_eq(creator_by_handle(db, "amani", &c), NY_OK);
	ck_assert_int_eq(c.id, id);
	ck_assert_str_eq(c.display_name, "Amani Studio");
	ck_assert_str_eq(c.locale, "sw");
	ck_assert_int_eq(c.enrolled, 0);
	creator_free(&c);
	ck_assert_int_eq(creator_by_id(db, id2, &c), NY_OK);
	ck_assert_str_eq(c.handle, "juma");
	ck_assert_str_eq(c.locale, "en");
	creator_free(&c);
	ck_assert_int_eq(creator_by_handle(db, "nobody", &c), NY_ENOTFOUND);
	ck_assert_int_eq(creator_update(db, id2, "Juma", "Bio\nline 2", "sw"),
	    NY_OK);
	ck_assert_int_eq(creator_update(db, 999, "x", NULL, NULL), NY_ENOTFOUND);
	ck_assert_int_eq(creator_list(db, &v, &n), NY_OK);
	ck_assert_int_eq(n, 2);
	ck_assert_str_eq(v[0].handle, "amani");
	ck_assert_str_eq(v[1].display_name, "Juma");
	ck_assert_str_eq(v[1].bio, "Bio\nline 2");
	creator_list_free(v, n);
	ck_assert_int_ge(sql_int(db, "SELECT count(*) FROM events "
	    "WHERE kind = 'creator'"), 3);
	db_close(db);
	free(path);
}
END_TEST

/* The avatar is an existing blob or nothing. */
START_TEST(avatar)
{
	static const char sha[] =
	    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
	char *path;
	struct db *db = open_db(&path);
	struct creator c;
	int64_t id = 0;

	ck_assert_int_eq(creator_add(db, "amani", NULL, NULL, &id), NY_OK);
	ck_assert_int_eq(creator_set_avatar(db, id, sha), NY_ENOTFOUND);
	ck_assert_int_eq(creator_set_avatar(db, id, "../x"), NY_EINVAL);
	ck_assert_int_eq(blob_add(db, sha, 10, "image/png"), NY_OK);
	ck_assert_int_eq(creator_set_avatar(db, 999, sha), NY_ENOTFOUND);
	ck_assert_int_eq(creator_set_avatar(db, id, sha), NY_OK);
	ck_assert_int_eq(creator_by_id(db, id, &c), NY_OK);
	ck_assert_str_eq(c.avatar_sha256, sha);
	creator_free(&c);
	ck_assert_int_eq(creator_set_avatar(db, id, ""), NY_OK);
	ck_assert_int_eq(creator_by_id(db, id, &c), NY_OK);
	ck_assert_str_eq(c.avatar_sha256, "");
	creator_free(&c);
	db_close(db);
	free(path);
}
END_TEST

START_TEST(verify_and_replay)
{
	char *path;
	struct db *db = open_db(&path);
	int64_t id, now = 1800000000, step = now / 30;
	char code[7], prev[7], next[7], wrong[7];
	struct creator c;
	struct audit_row *rows;
	size_t nrows;
	int changed;

	ck_assert_int_eq(creator_add(db, "amani", NULL, NULL, &id), NY_OK);
	/* Not enrolled yet: denied. */
	ck_assert_int_eq(totp_code(raw_secret, sizeof raw_secret, now, code),
	    NY_OK);
	ck_assert_int_eq(creator_secret_verify(db, "amani", code, now),
	    NY_EDENIED);
	ck_assert_int_eq(creator_secret_set(db, id, raw_secret,
	    sizeof raw_secret, 0), NY_OK);
	/* The stored secret is sealed, not in clear. */
	ck_assert_int_eq(sql_int(db, "SELECT instr(totp_secret, "
	    "'12345678901234567890') FROM creators"), 0);
	memcpy(wrong, code, sizeof wrong);
	wrong[0] = wrong[0] == '9' ? '0' : (char)(wrong[0] + 1);
	ck_assert_int_eq(creator_secret_verify(db, "amani", wrong, now),
	    NY_EDENIED);
	ck_assert_int_eq(creator_secret_verify(db, "amani", code, now), NY_OK);
	ck_assert_int_eq(creator_secret_verify(db, "amani", code, now),
	    NY_EREPLAY);
	ck_assert_int_eq(creator_by_id(db, id, &c), NY_OK);
	ck_assert_int_eq(c.totp_last_step, step);
	ck_assert_int_eq(c.enrolled, 1);
	creator_free(&c);
	/* The previous step is older than the last accepted: replay. */
	totp_code(raw_secret, sizeof raw_secret, now - 30, prev);
	ck_assert_int_eq(creator_secret_verify(db, "amani", prev, now),
	    NY_EREPLAY);
	/* The next step is fine, once. */
	totp_code(raw_secret, sizeof raw_secret, now + 30, next);
	ck_assert_int_eq(creator_secret_verify(db, "amani", next, now + 30),
	    NY_OK);
	ck_assert_int_eq(creator_secret_verify(db, "amani", next, now + 30),
	    NY_EREPLAY);
	ck_assert_int_eq(creator_secret_verify(db, "nobody", next, now),
	    NY_EDENIED);
	ck_assert_int_eq(creator_secret_verify(db, "amani", "12345", now + 90),
	    NY_EDENIED);
	/* Disabled creators cannot log in. */
	ck_assert_int_eq(creator_set_disabled_as(db, id, 1, "cli", &changed),
	    NY_OK);
	ck_assert_int_eq(changed, 1);
	totp_code(raw_secret, sizeof raw_secret, now + 300, code);
	ck_assert_int_eq(creator_secret_verify(db, "amani", code, now + 300),
	    NY_EDENIED);
	ck_assert_int_eq(creator_set_disabled_as(db, id, 0, "cli", &changed),
	    NY_OK);
	ck_assert_int_eq(changed, 1);
	/* Each switch left its audit line about the creator. */
	ck_assert_int_eq(audit_list_creator(db, id, 0, 10, &rows, &nrows),
	    NY_OK);
	ck_assert_uint_eq(nrows, 2);
	ck_assert_str_eq(rows[0].action, "creator.enable");
	ck_assert_str_eq(rows[1].action, "creator.disable");
	ck_assert_str_eq(rows[1].actor, "cli");
	free(rows);
	ck_assert_int_eq(creator_secret_verify(db, "amani", code, now + 300),
	    NY_OK);
	db_close(db);
	free(path);
}
END_TEST

START_TEST(enrol_secret_resets)
{
	char *path;
	struct db *db = open_db(&path);
	char b32[TOTP_B32_LEN], b32b[TOTP_B32_LEN];
	struct creator c;
	int64_t id;

	ck_assert_int_eq(creator_add(db, "amani", NULL, NULL, &id), NY_OK);
	ck_assert_int_eq(creator_secret_set(db, id, raw_secret,
	    sizeof raw_secret, 12345), NY_OK);
	ck_assert_int_eq(creator_enrol_secret(db, id, b32), NY_OK);
	ck_assert_int_eq(strlen(b32), 32);
	ck_assert_int_eq(creator_by_id(db, id, &c), NY_OK);
	ck_assert_int_eq(c.totp_last_step, 0);
	ck_assert_int_eq(c.enrolled, 1);
	creator_free(&c);
	ck_assert_int_eq(creator_enrol_secret(db, id, b32b), NY_OK);
	ck_assert_str_ne(b32, b32b);
	ck_assert_int_eq(creator_enrol_secret(db, 999, b32), NY_ENOTFOUND);
	db_close(db);
	free(path);
}
END_TEST

/*
 * Two processes, each with its own connection, verify the same code at
 * the same moment: exactly one succeeds.
 */
START_TEST(verify_race_two_processes)
{
	char *path;
	struct db *db = open_db(&path);
	int64_t id, now = 1800000000;
	char code[7];
	int ok = 0, replay = 0;

	ck_assert_int_eq(creator_add(db, "amani", NULL, NULL, &id), NY_OK);
	ck_assert_int_eq(creator_secret_set(db, id, raw_secret,
	    sizeof raw_secret, 0), NY_OK);
	totp_code(raw_secret, sizeof raw_secret, now, code);
	db_close(db);
	for (int round = 0; round < 5; round++) {
		int go[2];
		pid_t kids[2];

		totp_code(raw_secret, sizeof raw_secret, now + round * 60, code);
		ck_assert_int_eq(pipe(go), 0);
		for (int k = 0; k < 2; k++) {
			if ((kids[k] = fork()) == 0) {
				struct db *cdb;
				char *cause = NULL, b;
				int rc;

				close(go[1]);
				if (db_open(path, &cdb, &cause) != NY_OK)
					_exit(9);
				if (read(go[0], &b, 1) < 0)
					_exit(9);
				rc = creator_secret_verify(cdb, "amani", code,
				    now + round * 60);
				db_close(cdb);
				_exit(rc);
			}
		}
		close(go[0]);
		usleep(50000);
		close(go[1]);	/* both read EOF at once */
		for (int k = 0; k < 2; k++) {
			int status;

			waitpid(kids[k], &status, 0);
			ck_assert(WIFEXITED(status));
			if (WEXITSTATUS(status) == NY_OK)
				ok++;
			else if (WEXITSTATUS(status) == NY_EREPLAY)
				replay++;
			else
				ck_abort_msg("unexpected %d", WEXITSTATUS(status));
		}
	}
	ck_assert_int_eq(ok, 5);
	ck_assert_int_eq(replay, 5);
	free(path);
}
END_TEST

START_TEST(ssh_keys)
{
	char *path;
	struct db *db = open_db(&path);
	const char *fp = "SHA256:uNiVztksCsDhcc0u9e8BujQXVUpKZIDTMczCvj3tD2s";
	struct creator_key *keys;
	int64_t id, kid, other;
	size_t n;
	int has;

	ck_assert_int_eq(creator_add(db, "amani", NULL, NULL, &id), NY_OK);
	ck_assert_int_eq(creator_add(db, "juma", NULL, NULL, &other), NY_OK);
	ck_assert_int_eq(creator_key_exists(db, id, &has), NY_OK);
	ck_assert_int_eq(has, 0);
	ck_assert_int_eq(creator_key_add(db, id, "MD5:aa:bb", NULL, NULL),
	    NY_EINVAL);
	ck_assert_int_eq(creator_key_add(db, id, "SHA256:short", NULL, NULL),
	    NY_EINVAL);
	ck_assert_int_eq(creator_key_add(db, 999, fp, NULL, NULL), NY_ENOTFOUND);
	ck_assert_int_eq(creator_key_add(db, id, fp, "laptop", &kid), NY_OK);
	ck_assert_int_eq(creator_key_add(db, other, fp, NULL, NULL), NY_EEXISTS);
	ck_assert_int_eq(creator_key_exists(db, id, &has), NY_OK);
	ck_assert_int_eq(has, 1);
	ck_assert_int_eq(creator_key_match(db, "amani", fp), NY_OK);
	ck_assert_int_eq(creator_key_match(db, "juma", fp), NY_EDENIED);
	ck_assert_int_eq(creator_key_match(db, "amani", "SHA256:other"),
	    NY_EDENIED);
	ck_assert_int_eq(creator_key_list(db, id, &keys, &n), NY_OK);
	ck_assert_int_eq(n, 1);
	ck_assert_str_eq(keys[0].fingerprint, fp);
	ck_assert_str_eq(keys[0].comment, "laptop");
	free(keys);
	ck_assert_int_eq(creator_key_remove(db, other, kid), NY_ENOTFOUND);
	ck_assert_int_eq(creator_key_remove(db, id, kid), NY_OK);
	ck_assert_int_eq(creator_key_match(db, "amani", fp), NY_EDENIED);
	db_close(db);
	free(path);
}
END_TEST

START_TEST(invites)
{
	char *path;
	struct db *db = open_db(&path);
	char code[INVITE_CODE_LEN], code2[INVITE_CODE_LEN], lower[INVITE_CODE_LEN];
	int64_t exp, id, now = ny_now();

	ck_assert_int_eq(invite_create(db, 0, code, &exp), NY_OK);
	ck_assert_int_eq(exp, now + INVITE_TTL);
	ck_assert_int_ge(strlen(code), 16);
	/* Only the hash is stored. */
	ck_assert_int_eq(sql_int(db, "SELECT length(code_hash) FROM invites"),
	    TOK_HASH_LEN);
	ck_assert_int_eq(invite_check(db, code, now), NY_OK);
	for (size_t i = 0; i <= strlen(code); i++)
		lower[i] = (char)(code[i] >= 'A' && code[i] <= 'Z' ?
		    code[i] + 32 : code[i]);
	ck_assert_int_eq(invite_check(db, lower, now), NY_OK);
	ck_assert_int_eq(invite_check(db, "AAAA-BBBB", now), NY_EDENIED);
	ck_assert_int_eq(invite_check(db, code, exp), NY_EDENIED);	/* expired */
	/* Enrolment with the invite: once. */
	ck_assert_int_eq(creator_enrol_new(db, CREATOR_ENROL_INVITE, code,
	    "juma", "Juma", "sw", raw_secret, sizeof raw_secret, 7, &id), NY_OK);
	ck_assert_int_eq(invite_check(db, code, now), NY_EDENIED);
	ck_assert_int_eq(creator_enrol_new(db, CREATOR_ENROL_INVITE, code,
	    "juma2", NULL, NULL, raw_secret, sizeof raw_secret, 7, NULL),
	    NY_EDENIED);
	ck_assert_int_eq(sql_int(db, "SELECT count(*) FROM creators"), 1);
	/* A taken handle leaves the invite unused. */
	ck_assert_int_eq(invite_create(db, id, code2, NULL), NY_OK);
	ck_assert_int_eq(creator_enrol_new(db, CREATOR_ENROL_INVITE, code2,
	    "juma", NULL, NULL, raw_secret, sizeof raw_secret, 7, NULL),
	    NY_EEXISTS);
	ck_assert_int_eq(invite_check(db, code2, now), NY_OK);
	db_close(db);
	free(path);
}
END_TEST

START_TEST(setup_code)
{
	char *path;
	struct db *db = open_db(&path);
	char code[SETUP_CODE_LEN], again[SETUP_CODE_LEN], messy[40];
	sqlite3_stmt *st;
	int64_t id;

	ck_assert_int_eq(setup_code_check(db, "ABCD-EFGH-JKMN"), NY_EDENIED);
	ck_assert_int_eq(setup_code_get_or_create(db, code), NY_OK);
	ck_assert_int_eq(strlen(code), 14);
	ck_assert_int_eq(setup_code_get_or_create(db, again), NY_OK);
	ck_assert_str_eq(code, again);		/* printable again */
	/* Neither form is stored in clear. */
	st = db_stmt(db, "SELECT count(*) FROM settings WHERE "
	    "instr(value, ?) > 0");
	sqlite3_bind_text(st, 1, code, -1, SQLITE_STATIC);
	ck_assert_int_eq(sqlite3_step(st), SQLITE_ROW);
	ck_assert_int_eq(sqlite3_column_int(st, 0), 0);
	sqlite3_reset(st);
	ck_assert_int_eq(setup_code_check(db, code), NY_OK);
	snprintf(messy, sizeof messy, " %c%c%c%c %c%c%c%c%c%c%c%c ",
	    code[0] + 32 * (code[0] >= 'A'), code[1], code[2], code[3], code[5],
	    code[6], code[7], code[8], code[10], code[11], code[12], code[13]);
	ck_assert_int_eq(setup_code_check(db, messy), NY_OK);
	ck_assert_int_eq(setup_code_check(db, "WXYZ-WXYZ-WXYZ"), NY_EDENIED);
	ck_assert_int_eq(setup_code_check(db, ""), NY_EDENIED);
	/* An imported (not enrolled) creator does not end the setup phase. */
	ck_assert_int_eq(creator_add(db, "imported", NULL, NULL, NULL), NY_OK);
	ck_assert_int_eq(setup_code_check(db, code), NY_OK);
	ck_assert_int_eq(creator_enrol_new(db, CREATOR_ENROL_SETUP, "nope",
	    "amani", NULL, NULL, raw_secret, sizeof raw_secret, 0, NULL),
	    NY_EDENIED);
	ck_assert_int_eq(creator_enrol_new(db, CREATOR_ENROL_SETUP, code,
	    "amani", "Amani", "sw", raw_secret, sizeof raw_secret, 0, &id),
	    NY_OK);
	ck_assert_int_eq(setup_code_check(db, code), NY_EDENIED);
	ck_assert_int_eq(setup_code_get_or_create(db, again), NY_ESTATE);
	ck_assert_int_eq(sql_int(db, "SELECT count(*) FROM settings WHERE key "
	    "LIKE 'setup_code%'"), 0);
	ck_assert_int_eq(creator_enrol_new(db, CREATOR_ENROL_SETUP, code,
	    "juma", NULL, NULL, raw_secret, sizeof raw_secret, 0, NULL),
	    NY_EDENIED);
	db_close(db);
	free(path);
}
END_TEST

START_TEST(customers_and_audit)
{
	char *path;
	struct db *db = open_db(&path);
	struct customer c;
	int64_t id, id2;

	ck_assert_int_eq(db_begin(db), NY_OK);
	ck_assert_int_eq(customer_upsert_tx(db, "254712345678", "sw", &id),
	    NY_OK);
	ck_assert_int_eq(customer_upsert_tx(db, "254712345678", NULL, &id2),
	    NY_OK);
	ck_assert_int_eq(id, id2);
	ck_assert_int_eq(customer_upsert_tx(db, "0712345678", "en", &id2),
	    NY_EINVAL);
	ck_assert_int_eq(customer_upsert_tx(db, "254712345678", "fr", &id2),
	    NY_EINVAL);
	ck_assert_int_eq(audit_log(db, "system", "test.inside", NULL, NULL),
	    NY_OK);
	ck_assert_int_eq(db_commit(db), NY_OK);
	ck_assert_int_eq(customer_by_phone(db, "254712345678", &c), NY_OK);
	ck_assert_int_eq(c.id, id);
	ck_assert_str_eq(c.locale, "sw");
	ck_assert_int_eq(db_begin(db), NY_OK);
	ck_assert_int_eq(customer_upsert_tx(db, "254712345678", "en", &id2),
	    NY_OK);
	ck_assert_int_eq(db_commit(db), NY_OK);
	ck_assert_int_eq(customer_by_id(db, id, &c), NY_OK);
	ck_assert_str_eq(c.locale, "en");
	ck_assert_int_eq(customer_by_id(db, 999, &c), NY_ENOTFOUND);
	ck_assert_int_eq(audit_log(db, "cli", "test.outside", "d", "1.2.3.4"),
	    NY_OK);
	ck_assert_int_eq(sql_int(db, "SELECT count(*) FROM audit_log"), 2);
	db_close(db);
	free(path);
}
END_TEST

static Suite *
creator_suite(void)
{
	Suite *s = suite_create("creator");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, handles);
	tcase_add_test(tc, add_get_list);
	tcase_add_test(tc, verify_and_replay);
	tcase_add_test(tc, enrol_secret_resets);
	tcase_add_test(tc, verify_race_two_processes);
	tcase_add_test(tc, ssh_keys);
	tcase_add_test(tc, invites);
	tcase_add_test(tc, setup_code);
	tcase_add_test(tc, customers_and_audit);
	tcase_add_test(tc, avatar);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return run_suite(creator_suite());
}
