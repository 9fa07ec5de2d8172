/*
 * ui-enrol.c: enrolment over SSH for "setup" (setup code) and "invite"
 * (invite code) sessions, line by line on the pty (the QR code must stay
 * on screen while the creator scans it, which a full-screen UI would
 * only complicate). Nothing is saved until a first code is confirmed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crypto.h"
#include "i18n.h"
#include "log.h"
#include "qr.h"
#include "ssh-int.h"
#include "totp.h"
#include "ui-int.h"

static int
read_line(const char *prompt, char *buf, size_t len)
{
	char *nl;

	fputs(prompt, stdout);
	fflush(stdout);
	if (fgets(buf, (int)len, stdin) == NULL)
		return -1;
	if ((nl = strpbrk(buf, "\r\n")) != NULL)
		*nl = '\0';
	return 0;
}

int
ui_enrol_lang(const char *answer, char lang[3])
{
	static const struct {
		const char *word, *lang;
	} words[] = {
		{ "en", "en" }, { "english", "en" }, { "kiingereza", "en" },
		{ "1", "en" }, { "sw", "sw" }, { "swahili", "sw" },
		{ "kiswahili", "sw" }, { "2", "sw" },
	};
	char w[16];
	size_t n = 0, i;

	while (*answer == ' ' || *answer == '\t')
		answer++;
	for (; answer[n] != '\0' && answer[n] != ' ' && n < sizeof w - 1; n++)
		w[n] = (char)(answer[n] >= 'A' && answer[n] <= 'Z' ?
		    answer[n] - 'A' + 'a' : answer[n]);
	w[n] = '\0';
	for (i = n; answer[i] == ' ' || answer[i] == '\t'; i++)
		;
	if (answer[i] != '\0')
		return 0;
	for (i = 0; i < sizeof words / sizeof words[0]; i++)
		if (strcmp(w, words[i].word) == 0) {
			snprintf(lang, 3, "%s", words[i].lang);
			return 1;
		}
	return 0;
}

/*
 * The first question, in both languages (we do not know theirs yet):
 * "Language / Lugha [en/sw]: ". Enter keeps the default (Swahili when
 * the client's LANG says so, else English).
 */
static int
ask_lang(struct ui_session *s)
{
	char line[32];
	int tries;

	for (tries = 0; tries < 5; tries++) {
		printf("%s / %s [en/sw]: ", i18n_get("en", "tui.enrol.lang"),
		    i18n_get("sw", "tui.enrol.lang"));
		if (read_line("", line, sizeof line))
			return -1;
		if (line[0] == '\0' || ui_enrol_lang(line, s->lang))
			return 0;
	}
	return -1;
}

static int
ask_handle(struct db *db, const char *lang, char *handle, size_t len)
{
	struct creator cr;
	int tries;

	for (tries = 0; tries < 5; tries++) {
		if (read_line(i18n_get(lang, "tui.enrol.handle"), handle, len))
			return -1;
		memset(&cr, 0, sizeof cr);
		if (!creator_handle_ok(handle) || strcmp(handle, "setup") == 0 ||
		    strcmp(handle, "invite") == 0) {
			printf("%s\n", i18n_get(lang, "tui.enrol.bad_handle"));
			continue;
		}
		if (creator_by_handle(db, handle, &cr) == NY_OK) {
			creator_free(&cr);
			printf("%s\n", i18n_get(lang, "tui.enrol.taken"));
			continue;
		}
		return 0;
	}
	return -1;
}

/*
 * The secret as text first, then the QR code alone on a cleared screen
 * with the code prompt as its last line: a version-5 code is 23 rows with
 * its quiet zone, so it stays whole and scannable on an 80x24 terminal.
 */
static int
show_secret(const char *lang, const char *handle, const char *b32)
{
	char *uri = totp_uri(handle, b32), *qr = NULL, line[8];
	size_t cols;

	printf("\n%s %s\n%s\n\n", i18n_get(lang, "tui.enrol.secret"), b32, uri);
	if (read_line(i18n_get(lang, "tui.enrol.show_qr"), line, sizeof line))
		return free(uri), -1;
	if (qr_text(uri, QR_DARK_BG, &qr, &cols) == NY_OK) {
		fputs("\033[H\033[2J", stdout);
		fputs(qr, stdout);
		free(qr);
	}
	free(uri);
	return 0;
}

int
ui_enrol_save(struct ui_session *s, struct db *db, const char *handle,
    const unsigned char *raw, int64_t step)
{
	int64_t id;
	int err;

	if ((err = db_begin(db)) != NY_OK)
		return err;
	/* Another session may have enrolled meanwhile. */
	if (s->mode == CONN_SETUP && setup_code_check(db, s->code) != NY_OK)
		err = NY_EDENIED;
	if (err == NY_OK)
		err = creator_add_tx(db, handle, NULL,
		    i18n_lang_ok(s->lang) ? s->lang : "en", &id);
	if (err == NY_OK)
		err = creator_set_secret_tx(db, id, raw, TOTP_SECRET_LEN, step);
	if (err == NY_OK)
		err = s->mode == CONN_SETUP ? setup_code_consume_tx(db) :
		    invite_use_tx(db, s->code, id, ny_now());
	if (err != NY_OK) {
		db_rollback(db);
		return err;
	}
	return db_commit(db);
}

int
ui_enrol(struct ui_session *s, struct db *db)
{
	unsigned char raw[TOTP_SECRET_LEN];
	char b32[TOTP_B32_LEN], handle[64], code[32];
	char qh[LOG_QUOTE_LEN], qa[LOG_QUOTE_LEN], cmd[200];
	const char *lang;
	int64_t step = 0;
	int tries, err = NY_EDENIED;

	if (!i18n_lang_ok(s->lang))
		snprintf(s->lang, sizeof s->lang, "en");
	if (ask_lang(s) != 0)
		return 1;
	lang = s->lang;
	printf("\n%s\n\n", i18n_get(lang, "tui.enrol.welcome"));
	if (ask_handle(db, lang, handle, sizeof handle) != 0)
		return 1;
	totp_new_secret(raw, b32);
	if (show_secret(lang, handle, b32) != 0)
		return 1;
	for (tries = 0; tries < 5 && err != NY_OK; tries++) {
		if (read_line(i18n_get(lang, "tui.enrol.code"), code,
		    sizeof code))
			return 1;
		err = totp_check(raw, sizeof raw, code, ny_now(), 0, &step);
		if (err != NY_OK)
			printf("%s\n", i18n_get(lang, "tui.enrol.bad_code"));
	}
	if (err == NY_OK)
		err = ui_enrol_save(s, db, handle, raw, step);
	explicit_bzero(raw, sizeof raw);
	if (err != NY_OK) {
		printf("%s (%s)\n", i18n_get(lang, "tui.enrol.failed"),
		    ui_strerror(lang, err));
		return 1;
	}
	log_info("creator enrolled over ssh", "handle=%s addr=%s",
	    log_quote(handle, qh, sizeof qh), log_quote(s->addr, qa, sizeof qa));
	ui_ssh_cmd(s->cfg, handle, cmd, sizeof cmd);
	printf("\n%s\n  %s\n\n", i18n_get(lang, "tui.enrol.done"), cmd);
	fflush(stdout);
	return 0;
}
