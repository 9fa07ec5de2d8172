/*
 * screen-settings.c: 7 Settings — the console language (l: English ⇄
 * Kiswahili, for the whole console, remembered on the creator), the
 * public profile shown on /@handle and product pages (n name, b bio,
 * p picture picked from the uploads, x removes it), how to upload (the
 * real scp/sftp commands), SSH keys (a adds one by pasting the public key
 * line, d removes the selected one), invites (i makes a code for another
 * creator, shown once with the command to run), sale alerts on WhatsApp
 * (w: screen-settings-alerts.c) and the audit log of the account (v:
 * screen-settings-audit.c). Every change writes an audit line.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libssh/libssh.h>

#include "creator.h"
#include "creator-key.h"
#include "i18n.h"
#include "image.h"
#include "invite.h"
#include "screen-settings.h"
#include "ssh-int.h"
#include "blob.h"
#include "ui.h"
#include "upload.h"

/* What the keys are typed into, if anything. */
enum set_edit { SET_NONE, SET_KEY, SET_NAME, SET_BIO, SET_AVATAR,
    SET_ALERTS, SET_AUDIT };

/* The key that opens each editor. */
static const char set_edit_keys[] = {
	[SET_KEY] = 'a', [SET_NAME] = 'n', [SET_BIO] = 'b', [SET_AVATAR] = 'p',
};

/* Rows above the key list; rows below it (invite line, editor, bars). */
#define SET_TOP		15
#define SET_BOTTOM	8

struct settings {
	struct creator		 me;
	struct creator_key	*keys;
	size_t			 nkeys;
	struct ui_list		 list;
	enum set_edit		 edit;
	struct ui_field		 field;		/* key line or name */
	struct ui_textarea	 bio;
	struct ui_picker	 pick;		/* avatar from the uploads */
	struct set_alerts	 alerts;
	struct set_audit	 audit;
	char			 err[200];	/* under the editor */
};

static void
set_load(struct settings *s, struct ui_ctx *ctx)
{
	free(s->keys);
	s->keys = NULL;
	s->nkeys = 0;
	creator_free(&s->me);
	if (creator_by_id(ctx->db, ctx->s->creator_id, &s->me) != NY_OK)
		memset(&s->me, 0, sizeof s->me);
	creator_key_list(ctx->db, ctx->s->creator_id, &s->keys, &s->nkeys);
	ui_list_set(&s->list, (int)s->nkeys, ctx->rows - SET_TOP - SET_BOTTOM);
}

static void *
set_init(struct ui_ctx *ctx)
{
	struct settings *s = xcalloc(1, sizeof *s);

	set_load(s, ctx);
	return s;
}

static void
set_heading(WINDOW *w, int y, const char *text, int cols)
{
	wattron(w, A_BOLD);
	ui_put(w, y, 2, text, cols, 0);
	wattroff(w, A_BOLD);
}

/* "Label: value" at y, the value "—" when empty, cut to the width. */
static void
set_pair(struct ui_ctx *ctx, WINDOW *w, int y, const char *key,
    const char *value)
{
	const char *shown = *value ? value : "—";
	char line[400];

	/* The first line only: the bio may have several. */
	snprintf(line, sizeof line, "%s: %.*s", ui_tr(ctx, key),
	    (int)strcspn(shown, "\n"), shown);
	ui_put(w, y, 4, line, ctx->cols - 6, 0);
}

/* Profile, uploads and keys, top to bottom (rows SET_TOP fixed). */
static void
set_draw_info(struct settings *s, struct ui_ctx *ctx, WINDOW *w)
{
	char line[300], cmd[256];

	snprintf(line, sizeof line, "%s: %s", ui_tr(ctx, "tui.set.lang"),
	    strcmp(ctx->lang, "sw") == 0 ? "Kiswahili" : "English");
	ui_put(w, 2, 2, line, ctx->cols - 4, 0);
	set_alerts_line(ctx, line, sizeof line);
	ui_put_cut(w, 3, 2, line, ctx->cols - 4, 0);
	set_heading(w, 4, ui_tr(ctx, "tui.set.profile"), ctx->cols - 4);
	set_pair(ctx, w, 5, "tui.set.name", s->me.display_name ?
	    s->me.display_name : "");
	set_pair(ctx, w, 6, "tui.set.bio", s->me.bio ? s->me.bio : "");
	set_pair(ctx, w, 7, "tui.set.avatar", s->me.avatar_sha256[0] ?
	    ui_tr(ctx, "tui.set.avatar_set") : "");
	set_heading(w, 9, ui_tr(ctx, "tui.set.uploads"), ctx->cols - 4);
	ui_upload_cmd(ctx->s->cfg, ctx->s->handle, cmd, sizeof cmd);
	ui_put(w, 10, 4, cmd, ctx->cols - 6, 0);
	ui_sftp_cmd(ctx->s->cfg, ctx->s->handle, cmd, sizeof cmd);
	ui_put(w, 11, 4, cmd, ctx->cols - 6, 0);
	set_heading(w, 13, ui_tr(ctx, "tui.set.keys"), ctx->cols - 4);
}

/* The editor at the bottom: a prompt, the field, the error. */
static void
set_draw_edit(struct settings *s, struct ui_ctx *ctx, WINDOW *w)
{
	static const char *const prompt[] = {
		[SET_KEY] = "tui.set.paste", [SET_NAME] = "tui.set.name_q",
		[SET_BIO] = "tui.set.bio_q", [SET_AVATAR] = "tui.set.avatar_q",
	};
	int y = ctx->rows - SET_BOTTOM;

	if (s->edit == SET_ALERTS) {
		set_alerts_draw(&s->alerts, ctx, w, y, SET_BOTTOM - 1);
		return;
	}
	ui_put(w, y, 2, ui_tr(ctx, prompt[s->edit]), ctx->cols - 4, 1);
	if (s->err[0] != '\0') {
		wattron(w, ui_attr_bad(ctx));
		ui_put(w, ctx->rows - 3, 2, s->err, ctx->cols - 4, 1);
		wattroff(w, ui_attr_bad(ctx));
	}
	switch (s->edit) {
	case SET_BIO:
		ui_textarea_resize(&s->bio, ctx->cols - 4, SET_BOTTOM - 4);
		ui_textarea_draw(&s->bio, w, y + 1, 2, 1);
		break;
	case SET_AVATAR:
		ui_picker_draw(&s->pick, ctx, w, y + 1, 2, SET_BOTTOM - 4,
		    ctx->cols - 4);
		break;
	default:
		ui_field_draw(&s->field, w, y + 2, 2, ctx->cols - 4, 1);
		break;
	}
}

static void
set_draw(void *data, struct ui_ctx *ctx, WINDOW *w)
{
	struct settings *s = data;
	char line[300], cmd[200];
	int i;

	if (s->edit == SET_AUDIT) {
		set_audit_draw(&s->audit, ctx, w);
		return;
	}
	set_draw_info(s, ctx, w);
	if (s->nkeys == 0)
		ui_put(w, SET_TOP - 1, 4, ui_tr(ctx, "tui.set.nokeys"),
		    ctx->cols - 6, 0);
	ui_list_set(&s->list, (int)s->nkeys, ctx->rows - SET_TOP - SET_BOTTOM);
	for (i = 0; i < s->list.height && s->list.top + i < (int)s->nkeys;
	    i++) {
		const struct creator_key *k = &s->keys[s->list.top + i];

		snprintf(line, sizeof line, "%s  %s", k->fingerprint,
		    k->comment);
		if (s->list.top + i == s->list.sel)
			wattron(w, A_REVERSE);
		ui_put(w, SET_TOP - 1 + i, 4, line, ctx->cols - 6, 1);
		wattroff(w, A_REVERSE);
	}
	if (s->edit != SET_NONE) {
		set_draw_edit(s, ctx, w);
		return;
	}
	/* The command on a line of its own: never wrapped inside. */
	ui_ssh_cmd(ctx->s->cfg, "invite", cmd, sizeof cmd);
	ui_put_cut(w, ctx->rows - SET_BOTTOM + 1, 2,
	    ui_tr(ctx, "tui.set.invite_about"), ctx->cols - 4, 0);
	ui_put(w, ctx->rows - SET_BOTTOM + 2, 4, cmd, ctx->cols - 6, 0);
}

/*
 * Registers the pasted "ssh-ed25519 AAAA… comment" by fingerprint.
 * NY_OK; NY_EINVAL for a line that is not a public key; else
 * creator_key_add's error (NY_EEXISTS: registered already).
 */
static enum ny_err
set_add_key(struct settings *s, struct ui_ctx *ctx)
{
	char type[64], b64[UI_FIELD_MAX], comment[128] = "", *fp;
	unsigned char *hash = NULL;
	enum ny_err err;
	size_t hlen;
	ssh_key key = NULL;
	int rc;

	if (sscanf(s->field.text, "%63s %511s %127[^\n]", type, b64, comment) < 2
	    || ssh_pki_import_pubkey_base64(b64, ssh_key_type_from_name(type),
	    &key) != SSH_OK)
		return NY_EINVAL;
	rc = ssh_get_publickey_hash(key, SSH_PUBLICKEY_HASH_SHA256, &hash,
	    &hlen);
	ssh_key_free(key);
	if (rc != 0)
		return NY_EINVAL;
	fp = ssh_get_fingerprint_hash(SSH_PUBLICKEY_HASH_SHA256, hash, hlen);
	ssh_clean_pubkey_hash(&hash);
	if (fp == NULL)
		return NY_EINVAL;
	err = creator_key_add(ctx->db, ctx->s->creator_id, fp, comment, NULL);
	if (err == NY_OK)
		ui_audit(ctx, "key.add", fp);
	ssh_string_free_char(fp);
	return err;
}

/* Enter on the key line: registered, or said why not. */
static void
set_save_key(struct settings *s, struct ui_ctx *ctx)
{
	enum ny_err err = set_add_key(s, ctx);

	snprintf(ctx->flash, sizeof ctx->flash, "%s", ui_tr(ctx,
	    err == NY_OK ? "tui.set.key_added" : err == NY_EEXISTS ?
	    "tui.set.key_exists" : "tui.set.key_bad"));
	s->edit = SET_NONE;
}

/*
 * Saves the name or bio; on a refusal the editor stays open with what was
 * typed and the reason under it.
 */
static void
set_save_profile(struct settings *s, struct ui_ctx *ctx)
{
	enum ny_err err;

	if (s->edit == SET_NAME)
		err = creator_update(ctx->db, ctx->s->creator_id, s->field.text,
		    NULL, NULL);
	else
		err = creator_update(ctx->db, ctx->s->creator_id, NULL,
		    s->bio.text ? s->bio.text : "", NULL);
	if (err != NY_OK) {
		snprintf(s->err, sizeof s->err, "%s", ui_tr(ctx,
		    err == NY_EINVAL ? "tui.set.profile_bad" : "tui.err.db"));
		return;
	}
	ui_audit(ctx, s->edit == SET_NAME ? "settings.name" : "settings.bio",
	    NULL);
	snprintf(ctx->flash, sizeof ctx->flash, "%s",
	    ui_tr(ctx, "tui.set.saved"));
	s->edit = SET_NONE;
}

/* Enter in the picker: the upload, checked as an image, is the avatar. */
static void
set_save_avatar(struct settings *s, struct ui_ctx *ctx)
{
	char sha[BLOB_SHA_LEN];
	const char *why = NULL;
	enum ny_err err;
	int fd;

	if (ui_picker_selected(&s->pick) == NULL)
		return;
	err = upload_open(ctx->s->cfg->data_dir, ctx->s->handle,
	    ui_picker_selected(&s->pick)->path, &fd);
	if (err == NY_OK) {
		err = image_put_fd(ctx->db, ctx->s->cfg->data_dir, fd, sha, NULL,
		    &why);
		close(fd);
	}
	if (err == NY_OK)
		err = creator_set_avatar(ctx->db, ctx->s->creator_id, sha);
	if (err != NY_OK) {
		ui_image_refusal(ctx, err, why, s->err, sizeof s->err);
		return;
	}
	ui_audit(ctx, "settings.avatar", NULL);
	snprintf(ctx->flash, sizeof ctx->flash, "%s",
	    ui_tr(ctx, "tui.set.saved"));
	s->edit = SET_NONE;
}

static int
set_editing(struct settings *s, struct ui_ctx *ctx, int ch)
{
	int enter = ch == '\r' || ch == '\n' || ch == KEY_ENTER;

	if (s->edit == SET_AUDIT) {
		switch (set_audit_key(&s->audit, ctx, ch)) {
		case 0:
			return 0;	/* a global key: another screen */
		case 1:
			s->edit = SET_NONE;
			set_audit_free(&s->audit);
			break;
		}
		return UI_HANDLED | UI_REDRAW;
	}
	if (s->edit == SET_ALERTS) {
		if (set_alerts_key(&s->alerts, ctx, ch))
			s->edit = SET_NONE;
		return UI_HANDLED | UI_REDRAW;
	}
	if (ch == 27) {
		s->edit = SET_NONE;
		return UI_HANDLED | UI_REDRAW;
	}
	s->err[0] = '\0';
	switch (s->edit) {
	case SET_BIO:
		/* Enter starts a new paragraph; Tab saves. */
		if (ch == '\t')
			set_save_profile(s, ctx);
		else
			ui_textarea_key(&s->bio, ch);
		break;
	case SET_AVATAR:
		if (ui_picker_key(&s->pick, ch) != UI_PICK_NONE)
			set_save_avatar(s, ctx);	/* Enter or Space */
		break;
	case SET_NAME:
		if (enter)
			set_save_profile(s, ctx);
		else
			ui_field_key(&s->field, ch);
		break;
	default:
		if (enter)
			set_save_key(s, ctx);
		else
			ui_field_key(&s->field, ch);
		break;
	}
	if (s->edit == SET_NONE)
		set_load(s, ctx);
	return UI_HANDLED | UI_REDRAW;
}

/* Opens the editor for what. */
static void
set_open(struct settings *s, struct ui_ctx *ctx, enum set_edit what)
{
	s->edit = what;
	s->err[0] = '\0';
	switch (what) {
	case SET_NAME:
		ui_field_init(&s->field, CREATOR_NAME_MAX, s->me.display_name);
		break;
	case SET_BIO:
		ui_textarea_free(&s->bio);
		ui_textarea_init(&s->bio, CREATOR_BIO_MAX, s->me.bio);
		break;
	case SET_AVATAR:
		ui_field_init(&s->pick.filter, 64, NULL);
		ui_picker_load(&s->pick, ctx, UI_PICK_IMAGES);
		break;
	default:
		ui_field_init(&s->field, UI_FIELD_MAX - 1, NULL);
		break;
	}
}

static void
set_invite(struct ui_ctx *ctx)
{
	char code[INVITE_CODE_LEN], cmd[200], *text;

	if (invite_create(ctx->db, ctx->s->creator_id, code, NULL) != NY_OK) {
		snprintf(ctx->flash, sizeof ctx->flash, "%s",
		    ui_tr(ctx, "tui.err.db"));
		return;
	}
	ui_audit(ctx, "invite.create", NULL);
	ui_ssh_cmd(ctx->s->cfg, "invite", cmd, sizeof cmd);
	text = i18n_fmt(ctx->lang, "tui.set.invite", "code", code, "cmd", cmd,
	    NULL);
	ui_message(ctx, text);
	free(text);
}

static int
set_key(void *data, struct ui_ctx *ctx, int ch)
{
	struct settings *s = data;
	const char *lang;
	enum set_edit e;

	if (s->edit != SET_NONE)
		return set_editing(s, ctx, ch);
	if (ui_list_key(&s->list, ch))
		return UI_HANDLED | UI_REDRAW;
	for (e = SET_KEY; e <= SET_AVATAR; e++)
		if (ch == set_edit_keys[e]) {
			set_open(s, ctx, e);
			return UI_HANDLED | UI_REDRAW;
		}
	switch (ch) {
	case 'l':
		lang = strcmp(ctx->lang, "sw") == 0 ? "en" : "sw";
		if (creator_update(ctx->db, ctx->s->creator_id, NULL, NULL,
		    lang) == NY_OK) {
			snprintf(ctx->lang, sizeof ctx->lang, "%s", lang);
			ui_audit(ctx, "settings.lang", lang);
		}
		return UI_HANDLED | UI_REDRAW;
	case 'w':
		s->edit = SET_ALERTS;
		set_alerts_open(&s->alerts, ctx);
		return UI_HANDLED | UI_REDRAW;
	case 'v':
		s->edit = SET_AUDIT;
		set_audit_open(&s->audit, ctx);
		return UI_HANDLED | UI_REDRAW;
	case 'x':
		if (s->me.avatar_sha256[0] != '\0' && ui_confirm(ctx,
		    ui_tr(ctx, "tui.set.avatar_remove_q")) &&
		    creator_set_avatar(ctx->db, ctx->s->creator_id, NULL) ==
		    NY_OK)
			ui_audit(ctx, "settings.avatar_remove", NULL);
		set_load(s, ctx);
		return UI_HANDLED | UI_REDRAW;
	case 'd':
		if (s->list.sel >= 0 && ui_confirm(ctx,
		    ui_tr(ctx, "tui.set.remove_q")) &&
		    creator_key_remove(ctx->db, ctx->s->creator_id,
		    s->keys[s->list.sel].id) == NY_OK)
			ui_audit(ctx, "key.remove",
			    s->keys[s->list.sel].fingerprint);
		set_load(s, ctx);
		return UI_HANDLED | UI_REDRAW;
	case 'i':
		set_invite(ctx);
		return UI_HANDLED | UI_REDRAW;
	}
	return 0;
}

static void
set_free(void *data)
{
	struct settings *s = data;

	free(s->keys);
	creator_free(&s->me);
	ui_textarea_free(&s->bio);
	ui_picker_free(&s->pick);
	set_audit_free(&s->audit);
	free(s);
}

const struct screen screen_settings = {
	.hotkey = '7',
	.title = "tui.screen.settings",
	.help = "tui.help.settings",
	.init = set_init,
	.draw = set_draw,
	.key = set_key,
	.free = set_free,
};
