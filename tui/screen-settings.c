/*
 * screen-settings.c: 7 Settings — the console language (l: English ⇄
 * Kiswahili, for the whole console, remembered on the creator), SSH keys
 * (a adds one by pasting the public key line, d removes the selected
 * one), invites (i makes a code for another creator, shown once).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libssh/libssh.h>

#include "creator.h"
#include "i18n.h"
#include "ssh-int.h"
#include "ui.h"

struct settings {
	struct creator_key	*keys;
	size_t			 nkeys;
	struct ui_list		 list;
	int			 adding;	/* typing a public key */
	struct ui_field		 key;
};

static void
set_load(struct settings *s, struct ui_ctx *ctx)
{
	free(s->keys);
	s->keys = NULL;
	s->nkeys = 0;
	creator_key_list(ctx->db, ctx->s->creator_id, &s->keys, &s->nkeys);
	ui_list_set(&s->list, (int)s->nkeys, ctx->rows - 12);
}

static void *
set_init(struct ui_ctx *ctx)
{
	struct settings *s = xcalloc(1, sizeof *s);

	set_load(s, ctx);
	return s;
}

static void
set_draw(void *data, struct ui_ctx *ctx, WINDOW *w)
{
	struct settings *s = data;
	char line[300];
	int i;

	snprintf(line, sizeof line, "%s: %s", ui_tr(ctx, "tui.set.lang"),
	    strcmp(ctx->lang, "sw") == 0 ? "Kiswahili" : "English");
	ui_put(w, 2, 2, line, ctx->cols - 4, 0);
	wattron(w, A_BOLD);
	ui_put(w, 4, 2, ui_tr(ctx, "tui.set.keys"), ctx->cols - 4, 0);
	wattroff(w, A_BOLD);
	if (s->nkeys == 0)
		ui_put(w, 5, 4, ui_tr(ctx, "tui.set.nokeys"), ctx->cols - 6, 0);
	ui_list_set(&s->list, (int)s->nkeys, ctx->rows - 12);
	for (i = 0; i < s->list.height && s->list.top + i < (int)s->nkeys;
	    i++) {
		const struct creator_key *k = &s->keys[s->list.top + i];

		snprintf(line, sizeof line, "%s  %s", k->fingerprint,
		    k->comment);
		if (s->list.top + i == s->list.sel)
			wattron(w, A_REVERSE);
		ui_put(w, 5 + i, 4, line, ctx->cols - 6, 1);
		wattroff(w, A_REVERSE);
	}
	ui_put(w, ctx->rows - 6, 2, ui_tr(ctx, "tui.set.invite_about"),
	    ctx->cols - 4, 0);
	if (s->adding) {
		ui_put(w, ctx->rows - 4, 2, ui_tr(ctx, "tui.set.paste"),
		    ctx->cols - 4, 0);
		ui_field_draw(&s->key, w, ctx->rows - 3, 2, ctx->cols - 4, 1);
		curs_set(1);
	}
}

/* Registers the pasted "ssh-ed25519 AAAA… comment" by fingerprint. */
static int
set_add_key(struct settings *s, struct ui_ctx *ctx)
{
	char type[64], b64[UI_FIELD_MAX], comment[128] = "", *fp;
	unsigned char *hash = NULL;
	size_t hlen;
	ssh_key key = NULL;
	int err;

	if (sscanf(s->key.text, "%63s %511s %127[^\n]", type, b64, comment) < 2
	    || ssh_pki_import_pubkey_base64(b64, ssh_key_type_from_name(type),
	    &key) != SSH_OK)
		return NY_EINVAL;
	err = ssh_get_publickey_hash(key, SSH_PUBLICKEY_HASH_SHA256, &hash,
	    &hlen);
	ssh_key_free(key);
	if (err != 0)
		return NY_EINVAL;
	fp = ssh_get_fingerprint_hash(SSH_PUBLICKEY_HASH_SHA256, hash, hlen);
	ssh_clean_pubkey_hash(&hash);
	if (fp == NULL)
		return NY_EINVAL;
	err = creator_key_add(ctx->db, ctx->s->creator_id, fp, comment, NULL);
	ssh_string_free_char(fp);
	return err;
}

static int
set_adding_key(struct settings *s, struct ui_ctx *ctx, int ch)
{
	int err;

	if (ch == 27) {
		s->adding = 0;
		return UI_HANDLED | UI_REDRAW;
	}
	if (ch == '\r' || ch == '\n' || ch == KEY_ENTER) {
		err = set_add_key(s, ctx);
		snprintf(ctx->flash, sizeof ctx->flash, "%s", ui_tr(ctx,
		    err == NY_OK ? "tui.set.key_added" : err == NY_EEXISTS ?
		    "tui.set.key_exists" : "tui.set.key_bad"));
		s->adding = 0;
		set_load(s, ctx);
		return UI_HANDLED | UI_REDRAW;
	}
	ui_field_key(&s->key, ch);
	return UI_HANDLED | UI_REDRAW;
}

static void
set_invite(struct ui_ctx *ctx)
{
	char code[INVITE_CODE_LEN], *text;

	if (invite_create(ctx->db, ctx->s->creator_id, code, NULL) != NY_OK) {
		snprintf(ctx->flash, sizeof ctx->flash, "%s",
		    ui_tr(ctx, "tui.err.db"));
		return;
	}
	text = i18n_fmt(ctx->lang, "tui.set.invite", "code", code, NULL);
	ui_message(ctx, text);
	free(text);
}

static int
set_key(void *data, struct ui_ctx *ctx, int ch)
{
	struct settings *s = data;
	const char *lang;

	if (s->adding)
		return set_adding_key(s, ctx, ch);
	if (ui_list_key(&s->list, ch))
		return UI_HANDLED | UI_REDRAW;
	switch (ch) {
	case 'l':
		lang = strcmp(ctx->lang, "sw") == 0 ? "en" : "sw";
		if (creator_update(ctx->db, ctx->s->creator_id, NULL, NULL,
		    lang) == NY_OK)
			snprintf(ctx->lang, sizeof ctx->lang, "%s", lang);
		return UI_HANDLED | UI_REDRAW;
	case 'a':
		s->adding = 1;
		ui_field_init(&s->key, UI_FIELD_MAX - 1, NULL);
		return UI_HANDLED | UI_REDRAW;
	case 'd':
		if (s->list.sel >= 0 && ui_confirm(ctx,
		    ui_tr(ctx, "tui.set.remove_q")))
			creator_key_remove(ctx->db, ctx->s->creator_id,
			    s->keys[s->list.sel].id);
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
