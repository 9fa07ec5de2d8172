/*
 * ui-enrol.c: enrolment over SSH for "setup" (setup code) and "invite"
 * (invite code) sessions, line by line on the pty (the QR code must stay
 * on screen while the creator scans it, which a full-screen UI would
 * only complicate). Nothing is saved until a first code is confirmed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "creator-enrol.h"
#include "crypto.h"
#include "i18n.h"
#include "log.h"
#include "qr.h"
#include "ssh-int.h"
#include "totp.h"
#include "ui-int.h"

/*
 * Prints prompt and reads one line into buf (len bytes, line end
 * removed). NY_OK, or NY_EIO when the client closed its input.
 */
static enum ny_err
read_line(const char *prompt, char *buf, size_t len)
{
	char *nl;

	fputs(prompt, stdout);
	fflush(stdout);
	if (fgets(buf, (int)len, stdin) == NULL)
		return NY_EIO;
	if ((nl = strpbrk(buf, "\r\n")) != NULL)
		*nl = '\0';
	return NY_OK;
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
 * the client's LANG says so, else English). Sets s->lang. NY_OK, NY_EIO
 * (input closed) or NY_ELIMIT (five answers that are no language).
 */
static enum ny_err
ask_lang(struct ui_session *s)
{
	char line[32];
	int tries;

	for (tries = 0; tries < 5; tries++) {
		printf("%s / %s [en/sw]: ", i18n_get("en", "tui.enrol.lang"),
		    i18n_get("sw", "tui.enrol.lang"));
		if (read_line("", line, sizeof line) != NY_OK)
			return NY_EIO;
		if (line[0] == '\0' || ui_enrol_lang(line, s->lang))
			return NY_OK;
	}
	return NY_ELIMIT;
}

/*
 * Asks for a handle that is valid and free into handle (len bytes).
 * NY_OK, NY_EIO (input closed) or NY_ELIMIT (five refused answers).
 */
static enum ny_err
ask_handle(struct db *db, const char *lang, char *handle, size_t len)
{
	struct creator cr;
	int tries;

	for (tries = 0; tries < 5; tries++) {
		if (read_line(i18n_get(lang, "tui.enrol.handle"), handle,
		    len) != NY_OK)
			return NY_EIO;
		memset(&cr, 0, sizeof cr);
		if (!creator_handle_ok(handle)) {	/* also "setup", "invite" */
			printf("%s\n", i18n_get(lang, "tui.enrol.bad_handle"));
			continue;
		}
		/* Saving checks again; asking now spares scanning a secret
		 * for a handle that is taken. */
		if (creator_by_handle(db, handle, &cr) == NY_OK) {
			creator_free(&cr);
			printf("%s\n", i18n_get(lang, "tui.enrol.taken"));
			continue;
		}
		return NY_OK;
	}
	return NY_ELIMIT;
}

/*
 * The secret as text first, then the QR code alone on a cleared screen
 * with the code prompt as its last line: a version-5 code is 23 rows with
 * its quiet zone, so it stays whole and scannable on an 80x24 terminal.
 * NY_OK, or NY_EIO when the client closed its input.
 */
static enum ny_err
show_secret(const char *lang, const char *handle, const char *b32)
{
	char *uri = totp_uri(handle, b32), *qr = NULL, line[8];
	enum ny_err err;
	size_t cols;

	printf("\n%s %s\n%s\n\n", i18n_get(lang, "tui.enrol.secret"), b32, uri);
	err = read_line(i18n_get(lang, "tui.enrol.show_qr"), line, sizeof line);
	if (err == NY_OK && qr_text(uri, QR_DARK_BG, &qr, &cols) == NY_OK) {
		fputs("\033[H\033[2J", stdout);
		fputs(qr, stdout);
		free(qr);
	}
	free(uri);
	return err;
}

enum ny_err
ui_enrol_save(struct ui_session *s, struct db *db, const char *handle,
    const unsigned char *raw, int64_t step)
{
	/* The code is checked again inside the enrolment's transaction:
	 * another session may have enrolled meanwhile. */
	return creator_enrol_new(db, s->mode == CONN_SETUP ?
	    CREATOR_ENROL_SETUP : CREATOR_ENROL_INVITE, s->code, handle, NULL,
	    i18n_lang_ok(s->lang) ? s->lang : "en", raw, TOTP_SECRET_LEN, step,
	    NULL);
}

/*
 * Asks for the first code of the new secret raw, five tries. NY_OK and
 * *step the code's time step, NY_EIO (input closed) or NY_EDENIED.
 */
static enum ny_err
ask_code(const char *lang, const unsigned char raw[TOTP_SECRET_LEN],
    int64_t *step)
{
	char code[32];
	enum ny_err err = NY_EDENIED;
	int tries;

	for (tries = 0; tries < 5 && err != NY_OK; tries++) {
		if (read_line(i18n_get(lang, "tui.enrol.code"), code,
		    sizeof code) != NY_OK)
			return NY_EIO;
		err = totp_check(raw, TOTP_SECRET_LEN, code, ny_now(), 0, step);
		if (err != NY_OK)
			printf("%s\n", i18n_get(lang, "tui.enrol.bad_code"));
	}
	return err;
}

int
ui_enrol(struct ui_session *s, struct db *db)
{
	unsigned char raw[TOTP_SECRET_LEN];
	char b32[TOTP_B32_LEN], handle[64];
	char qh[LOG_QUOTE_LEN], qa[LOG_QUOTE_LEN], cmd[200];
	const char *lang;
	int64_t step = 0;
	enum ny_err err;

	if (!i18n_lang_ok(s->lang))
		snprintf(s->lang, sizeof s->lang, "en");
	if (ask_lang(s) != NY_OK)
		return 1;
	lang = s->lang;
	printf("\n%s\n\n", i18n_get(lang, "tui.enrol.welcome"));
	if (ask_handle(db, lang, handle, sizeof handle) != NY_OK)
		return 1;
	totp_new_secret(raw, b32);
	if ((err = show_secret(lang, handle, b32)) == NY_OK &&
	    (err = ask_code(lang, raw, &step)) == NY_OK)
		err = ui_enrol_save(s, db, handle, raw, step);
	explicit_bzero(raw, sizeof raw);
	if (err == NY_EIO)	/* the client left: nobody to tell */
		return 1;
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
