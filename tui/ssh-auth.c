/*
 * ssh-auth.c: console authentication.
 *
 *   HANDLE  keyboard-interactive "Verification code:" (TOTP, replay
 *           refused); when the creator registered SSH keys, a key must
 *           have been verified first in this same connection (the key
 *           answers SSH_AUTH_PARTIAL and leaves only keyboard-interactive).
 *   setup   the one-time setup code (only while no creator is enrolled).
 *   invite  an invite code made in Settings.
 *
 * Every guess goes through the throttle (login.h): reserved, and counted,
 * before its code is looked at.
 *
 * Identity never carries over from a failed method (CVE-2023-43809): the
 * only state kept between methods is key_ok + key_user, set solely by a
 * valid signature, and checked against the user of the kbdint request.
 * libssh 0.10.6 has no server callback for keyboard-interactive, so that
 * method goes through the message callback.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "creator-key.h"
#include "creator-secret.h"
#include "i18n.h"
#include "invite.h"
#include "log.h"
#include "login.h"
#include "setup-code.h"
#include "ssh-int.h"

/* This prompt's words are fixed: operators' scripts and the tests
 * (tests/integration/console-lib.bash) wait for them. The enrolment prompts come before we know the
 * person's language, so they are in both ("en / sw: "). */
#define AUTH_PROMPT_CODE	"Verification code: "

/* "English text / Kiswahili text" of key (caller frees). */
static char *
auth_both(const char *key, const char *name, const char *value)
{
	char *en = i18n_fmt("en", key, name, value, NULL);
	char *sw = i18n_fmt("sw", key, name, value, NULL);
	char *s = xasprintf("%s / %s", en, sw);

	free(en);
	free(sw);
	return s;
}

static enum conn_mode
user_mode(const char *user)
{
	if (strcmp(user, "setup") == 0)
		return CONN_SETUP;
	if (strcmp(user, "invite") == 0)
		return CONN_INVITE;
	return CONN_CREATOR;
}

static int
auth_pubkey(ssh_session session, const char *user, struct ssh_key_struct *key,
    char state, void *userdata)
{
	struct ssh_conn *c = userdata;
	unsigned char *hash = NULL;
	size_t hlen = 0;
	char *fp, qu[LOG_QUOTE_LEN], qa[LOG_QUOTE_LEN];
	int ok;

	if (!creator_handle_ok(user) || user_mode(user) != CONN_CREATOR)
		return SSH_AUTH_DENIED;
	if (ssh_get_publickey_hash(key, SSH_PUBLICKEY_HASH_SHA256, &hash,
	    &hlen) != 0)
		return SSH_AUTH_DENIED;
	fp = ssh_get_fingerprint_hash(SSH_PUBLICKEY_HASH_SHA256, hash, hlen);
	ssh_clean_pubkey_hash(&hash);
	if (fp == NULL)
		return SSH_AUTH_DENIED;
	ok = creator_key_match(c->db, user, fp) == NY_OK;
	ssh_string_free_char(fp);
	if (!ok)
		return SSH_AUTH_DENIED;
	if (state == SSH_PUBLICKEY_STATE_NONE)
		return SSH_AUTH_SUCCESS;	/* "this key would do" */
	if (state != SSH_PUBLICKEY_STATE_VALID)
		return SSH_AUTH_DENIED;
	c->key_ok = 1;
	snprintf(c->key_user, sizeof c->key_user, "%s", user);
	ssh_set_auth_methods(session, SSH_AUTH_METHOD_INTERACTIVE);
	log_info("ssh key accepted, code needed", "handle=%s addr=%s",
	    log_quote(user, qu, sizeof qu), log_quote(c->addr, qa, sizeof qa));
	return SSH_AUTH_PARTIAL;
}

/* Checks a creator's code; NY_OK only with the key too when one is set. */
static enum ny_err
check_creator(struct ssh_conn *c, const char *code)
{
	struct creator cr;
	int has = 0;

	memset(&cr, 0, sizeof cr);
	if (creator_by_handle(c->db, c->user, &cr) != NY_OK)
		return NY_EDENIED;
	c->creator_id = cr.id;
	creator_free(&cr);
	if (creator_key_exists(c->db, c->creator_id, &has) != NY_OK)
		return NY_EDB;
	if (has && !(c->key_ok && strcmp(c->key_user, c->user) == 0))
		return NY_EDENIED;
	return creator_secret_verify(c->db, c->user, code, ny_now());
}

/*
 * Checks the answer for c->user: the setup or invite code (kept in
 * c->code for the enrolment), or a creator's code. NY_OK, NY_EDENIED,
 * or check_creator's error.
 */
static enum ny_err
check_answer(struct ssh_conn *c, const char *answer)
{
	char code[64];

	snprintf(code, sizeof code, "%s", answer ? answer : "");
	switch (user_mode(c->user)) {
	case CONN_SETUP:
		if (setup_code_check(c->db, code) != NY_OK)
			return NY_EDENIED;
		snprintf(c->code, sizeof c->code, "%s", code);
		return NY_OK;
	case CONN_INVITE:
		if (invite_check(c->db, code, ny_now()) != NY_OK)
			return NY_EDENIED;
		snprintf(c->code, sizeof c->code, "%s", code);
		return NY_OK;
	default:
		return check_creator(c, code);
	}
}

static void
auth_fail(struct ssh_conn *c, ssh_message msg)
{
	ssh_message_auth_set_methods(msg, SSH_AUTH_METHOD_INTERACTIVE |
	    (c->key_ok ? 0 : SSH_AUTH_METHOD_PUBLICKEY));
	ssh_message_reply_default(msg);
}

/* The throttle's view of this connection's guess for c->user. */
static struct login_try
auth_try(struct ssh_conn *c)
{
	struct login_try t;

	t.handle = c->user;
	t.addr = c->addr;
	t.with_key = c->key_ok && strcmp(c->key_user, c->user) == 0;
	return t;
}

/* The throttle stopped a guess: log it; this connection asks no more. */
static void
auth_throttled(struct ssh_conn *c, int64_t wait_s)
{
	char qu[LOG_QUOTE_LEN], qa[LOG_QUOTE_LEN];

	log_warn("ssh login throttled", "handle=%s addr=%s wait=%lld",
	    log_quote(c->user, qu, sizeof qu),
	    log_quote(c->addr, qa, sizeof qa), (long long)wait_s);
	c->user_ok = 0;
}

/*
 * First kbdint message: a read-only look at the throttle (so a client
 * that must wait is told so instead of typing a code that would not be
 * checked), then the prompt. The guess itself is reserved on the answer.
 */
static void
kbdint_start(struct ssh_conn *c, ssh_message msg)
{
	const char *user = ssh_message_auth_user(msg);
	const char *prompt[1];
	char echo[1] = { 0 }, secs[24], *why, *ask = NULL;
	struct login_try t;
	int64_t wait_s = 0;
	enum conn_mode m;

	if (user == NULL || strlen(user) > CREATOR_HANDLE_MAX) {
		auth_fail(c, msg);
		return;
	}
	snprintf(c->user, sizeof c->user, "%s", user);
	c->user_ok = 1;
	t = auth_try(c);
	if (login_check_allowed(c->db, &t, ny_now(), &wait_s) != NY_OK) {
		auth_throttled(c, wait_s);
		/* Say why (a round with no prompts); its answer then fails. */
		snprintf(secs, sizeof secs, "%lld", (long long)wait_s);
		why = auth_both("tui.auth.throttled", "s", secs);
		ssh_message_auth_interactive_request(msg, "Nyota", why, 0,
		    NULL, NULL);
		free(why);
		return;
	}
	m = user_mode(c->user);
	if (m != CONN_CREATOR) {
		why = auth_both(m == CONN_SETUP ? "tui.auth.setup" :
		    "tui.auth.invite", NULL, NULL);
		ask = xasprintf("%s: ", why);
		free(why);
	}
	prompt[0] = ask != NULL ? ask : AUTH_PROMPT_CODE;
	ssh_message_auth_interactive_request(msg, "Nyota", "", 1, prompt,
	    echo);
	free(ask);
}

/*
 * The answer: reserve the guess (limits checked and the attempt counted
 * in one transaction, so parallel connections cannot all pass the check
 * before any failure is written), then check the code, then settle.
 */
static void
kbdint_answer(struct ssh_conn *c, ssh_message msg)
{
	ssh_session s = c->session;
	const char *answer = NULL;
	char qu[LOG_QUOTE_LEN], qa[LOG_QUOTE_LEN];
	struct login_try t;
	int64_t id = 0, wait_s = 0;
	enum ny_err err;

	if (!c->user_ok) {
		auth_fail(c, msg);
		return;
	}
	t = auth_try(c);
	err = login_reserve(c->db, &t, &id, &wait_s);
	if (err == NY_ELIMIT) {
		auth_throttled(c, wait_s);
		auth_fail(c, msg);
		return;
	}
	if (err == NY_OK) {
		if (ssh_userauth_kbdint_getnanswers(s) == 1)
			answer = ssh_userauth_kbdint_getanswer(s, 0);
		err = answer ? check_answer(c, answer) : NY_EDENIED;
		login_finish(c->db, &t, id, err == NY_OK);
	}
	if (err != NY_OK) {
		log_warn("ssh login refused", "handle=%s addr=%s why=%s",
		    log_quote(c->user, qu, sizeof qu),
		    log_quote(c->addr, qa, sizeof qa), ny_strerror(err));
		c->user_ok = 0;
		sleep(1);	/* slows guessing within one connection */
		auth_fail(c, msg);
		return;
	}
	c->mode = user_mode(c->user);
	log_info("ssh login", "handle=%s addr=%s",
	    log_quote(c->user, qu, sizeof qu),
	    log_quote(c->addr, qa, sizeof qa));
	ssh_message_auth_reply_success(msg, 0);
}

static int
on_message(ssh_session session, ssh_message msg, void *userdata)
{
	struct ssh_conn *c = userdata;

	(void)session;
	if (ssh_message_type(msg) != SSH_REQUEST_AUTH)
		return 1;
	if (ssh_message_subtype(msg) != SSH_AUTH_METHOD_INTERACTIVE) {
		auth_fail(c, msg);
		return 0;
	}
	if (!ssh_message_auth_kbdint_is_response(msg))
		kbdint_start(c, msg);
	else
		kbdint_answer(c, msg);
	return 0;
}

void
ssh_auth_setup(struct ssh_conn *c)
{
	c->scb.auth_pubkey_function = auth_pubkey;
	ssh_set_auth_methods(c->session, SSH_AUTH_METHOD_INTERACTIVE |
	    SSH_AUTH_METHOD_PUBLICKEY);
	ssh_set_message_callback(c->session, on_message, c);
}
