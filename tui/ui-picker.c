/*
 * ui-picker.c: the uploads picker — a creator's files in
 * $NYOTA_DATA_DIR/uploads/HANDLE/ (upload_list), newest first, narrowed
 * by typing — and the scp / sftp / ssh command lines every screen that
 * tells a creator how to reach us prints (one builder, so the wizard,
 * Settings, enrolment and the CLI never disagree).
 *
 * The picker hands back a relative path from the listing; the caller
 * opens it with upload_open when it saves, never with a path of its own,
 * so a file swapped for a symlink after the listing is still refused.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "ssh-int.h"
#include "ui.h"
#include "upload.h"

void
ui_hostport(const char *hostport, char *host, size_t hlen, char port[8])
{
	const char *colon = hostport ? strrchr(hostport, ':') : NULL;
	const char *close = hostport ? strrchr(hostport, ']') : NULL;
	size_t n;

	if (hostport == NULL)
		hostport = "";
	/* "[::1]" alone: the last ':' is inside the brackets. */
	if (colon != NULL && close != NULL && colon < close)
		colon = NULL;
	n = colon ? (size_t)(colon - hostport) : strlen(hostport);
	snprintf(host, hlen, "%.*s", (int)n, hostport);
	if (colon == NULL || colon[1] == '\0' ||
	    strspn(colon + 1, "0123456789") != strlen(colon + 1) ||
	    strlen(colon + 1) > 5)
		snprintf(port, 8, "22");
	else
		snprintf(port, 8, "%s", colon + 1);
}

/*
 * "PROG PORTFLAG PORT ARG USER@HOST TAIL" from cfg->ssh_public; bare
 * drops an IPv6 host's brackets (ssh USER@[::1] fails to resolve "[::1]";
 * USER@::1 works, while scp and sftp need the brackets).
 */
static char *
ui_cmd(const struct ny_config *cfg, const char *prog, const char *arg,
    const char *user, const char *tail, int bare, char *buf, size_t len)
{
	char host[256], port[8];
	const char *h = host;
	int n;

	ui_hostport(cfg->ssh_public, host, sizeof host, port);
	n = (int)strlen(host);
	if (bare && n >= 2 && host[0] == '[' && host[n - 1] == ']') {
		h = host + 1;
		n -= 2;
	}
	snprintf(buf, len, "%s %s %s%s@%.*s%s", prog, port, arg, user, n, h,
	    tail);
	return buf;
}

char *
ui_upload_cmd(const struct ny_config *cfg, const char *handle, char *buf,
    size_t len)
{
	return ui_cmd(cfg, "scp -P", "FILE ", handle, ":", 0, buf, len);
}

char *
ui_sftp_cmd(const struct ny_config *cfg, const char *handle, char *buf,
    size_t len)
{
	return ui_cmd(cfg, "sftp -P", "", handle, "", 0, buf, len);
}

char *
ui_ssh_cmd(const struct ny_config *cfg, const char *user, char *buf,
    size_t len)
{
	return ui_cmd(cfg, "ssh -p", "", user, "", 1, buf, len);
}

static int
lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
}

int
ui_match(const char *name, const char *filter)
{
	size_t n = strlen(filter), i;

	for (; ; name++) {
		for (i = 0; i < n && name[i] != '\0' &&
		    lower((unsigned char)name[i]) ==
		    lower((unsigned char)filter[i]); i++)
			;
		if (i == n)
			return 1;
		if (*name == '\0')
			return 0;
	}
}

int
ui_image_name(const char *name)
{
	static const char *const exts[] = { ".png", ".jpg", ".jpeg", ".webp" };
	size_t n = strlen(name), i, k, e;

	for (i = 0; i < sizeof exts / sizeof exts[0]; i++) {
		e = strlen(exts[i]);
		if (n <= e)
			continue;
		for (k = 0; k < e && lower((unsigned char)name[n - e + k]) ==
		    exts[i][k]; k++)
			;
		if (k == e)
			return 1;
	}
	return 0;
}

const char *
ui_base_name(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}

void
ui_human_size(int64_t bytes, char *buf, size_t len)
{
	static const char *const units[] = { "kB", "MB", "GB", "TB" };
	int64_t unit = 1000, tenths;
	size_t u;

	if (bytes < 1000) {
		snprintf(buf, len, "%lld B", (long long)(bytes < 0 ? 0 : bytes));
		return;
	}
	for (u = 0; ; u++, unit *= 1000) {
		tenths = (bytes * 10 + unit / 2) / unit;
		if (tenths < 10000 || u + 1 == sizeof units / sizeof units[0])
			break;
	}
	snprintf(buf, len, "%lld.%lld %s", (long long)(tenths / 10),
	    (long long)(tenths % 10), units[u]);
}

void
ui_picker_refilter(struct ui_picker *p)
{
	size_t i;

	free(p->shown);
	p->shown = xcalloc(p->nall + 1, sizeof *p->shown);
	p->nshown = 0;
	for (i = 0; i < p->nall; i++) {
		const char *path = p->all[i].path;

		if ((p->flags & UI_PICK_IMAGES) && !ui_image_name(path))
			continue;
		if (ui_match(path, p->filter.text))
			p->shown[p->nshown++] = (int)i;
	}
	p->list.n = p->nshown;
	ui_list_fix(&p->list);
}

void
ui_picker_set(struct ui_picker *p, struct upload_entry *v, size_t n,
    int flags)
{
	free(p->all);
	p->all = v;
	p->nall = n;
	p->flags = flags;
	if (p->filter.max == 0)
		ui_field_init(&p->filter, 64, NULL);
	p->list.sel = 0;
	p->list.top = 0;
	if (p->list.height < 1)
		p->list.height = 1;
	ui_picker_refilter(p);
}

void
ui_picker_load(struct ui_picker *p, struct ui_ctx *ctx, int flags)
{
	struct upload_entry *v = NULL;
	size_t n = 0;

	p->rc = upload_list(ctx->s->cfg->data_dir, ctx->s->handle, &v, &n);
	if (p->rc != NY_OK) {
		free(v);
		v = NULL;
		n = 0;
	}
	ui_picker_set(p, v, n, flags);
}

void
ui_picker_free(struct ui_picker *p)
{
	free(p->all);
	free(p->shown);
	memset(p, 0, sizeof *p);
}

const struct upload_entry *
ui_picker_selected(const struct ui_picker *p)
{
	if (p->list.sel < 0 || p->list.sel >= p->nshown)
		return NULL;
	return &p->all[p->shown[p->list.sel]];
}

int
ui_picker_key(struct ui_picker *p, int ch)
{
	switch (ch) {
	case 27:
		return UI_PICK_CLOSE;
	case '\r': case '\n': case KEY_ENTER:
		return ui_picker_selected(p) ? UI_PICK_DONE : UI_PICK_NONE;
	case ' ':
		return ui_picker_selected(p) ? UI_PICK_ADD : UI_PICK_NONE;
	case KEY_UP: case KEY_DOWN: case KEY_PPAGE: case KEY_NPAGE:
		/* Not j/k: letters are the filter's. */
		ui_list_key(&p->list, ch);
		return UI_PICK_NONE;
	}
	if (ui_field_key(&p->filter, ch)) {
		p->list.sel = 0;
		p->list.top = 0;
		ui_picker_refilter(p);
	}
	return UI_PICK_NONE;
}

/* With no uploads: how to upload, with the real commands. */
static void
picker_hint(struct ui_ctx *ctx, WINDOW *w, int y, int x, int end, int cols)
{
	char cmd[512];
	int roomy = end - y >= 5;	/* else the commands alone */

	if (roomy)
		y += ui_put_wrapped(w, y, x, ui_tr(ctx, "tui.pick.none"), cols,
		    end - y - 2);
	if (y < end)
		ui_put(w, y++, x + 2, ui_upload_cmd(ctx->s->cfg, ctx->s->handle,
		    cmd, sizeof cmd), cols - 2, 0);
	if (y < end)
		ui_put(w, y++, x + 2, ui_sftp_cmd(ctx->s->cfg, ctx->s->handle,
		    cmd, sizeof cmd), cols - 2, 0);
	if (roomy && y < end)
		ui_put_wrapped(w, y, x, ui_tr(ctx, "tui.pick.none_then"), cols,
		    end - y);
}

/* One upload: mark, name, size, date. */
static void
picker_row(WINDOW *w, int y, int x, int cols, const struct upload_entry *e,
    const char *mark, int sel)
{
	char size[32], when[32], line[80];
	int namew = cols - 30;

	if (namew < 8)
		namew = 8;
	ui_human_size(e->size, size, sizeof size);
	ui_time(NULL, e->mtime, ny_now(), when, sizeof when);
	if (sel)
		wattron(w, A_REVERSE);
	ui_put(w, y, x, mark ? mark : " ", 2, 1);
	ui_put(w, y, x + 2, e->path, namew, 1);
	snprintf(line, sizeof line, " %9s  %s", size, when);
	ui_put(w, y, x + 2 + namew, line, cols - 2 - namew, 1);
	if (sel)
		wattroff(w, A_REVERSE);
}

void
ui_picker_draw(struct ui_picker *p, struct ui_ctx *ctx, WINDOW *w, int y,
    int x, int height, int cols)
{
	const char *label = ui_tr(ctx, "tui.pick.filter");
	const struct upload_entry *e;
	int end = y + height, lw = ui_width(label) + 1, i;
	char line[256];

	ui_put(w, y, x, label, cols, 0);
	ui_field_draw(&p->filter, w, y, x + lw, cols - lw > 30 ? 30 :
	    cols - lw, 1);
	y++;
	if (p->rc != NY_OK) {
		snprintf(line, sizeof line, "%s (%s)", ui_tr(ctx,
		    "tui.pick.err.list"), ui_strerror(ctx->lang, p->rc));
		ui_put(w, y, x, line, cols, 0);
		return;
	}
	if (p->nall == 0 || ((p->flags & UI_PICK_IMAGES) && p->nshown == 0 &&
	    p->filter.len == 0)) {
		if (p->nall != 0 && y < end)
			y += ui_put_wrapped(w, y, x, ui_tr(ctx,
			    "tui.pick.no_images"), cols, end - y);
		picker_hint(ctx, w, y, x, end, cols);
		return;
	}
	if (p->nshown == 0) {
		ui_put(w, y, x, ui_tr(ctx, "tui.pick.no_match"), cols, 0);
		return;
	}
	if (end - y >= 4) {
		int namew = cols - 30 < 8 ? 8 : cols - 30;

		wattron(w, A_BOLD);
		ui_put(w, y, x + 2, ui_tr(ctx, "tui.pick.name"), namew, 1);
		snprintf(line, sizeof line, " %9s  %s", ui_tr(ctx,
		    "tui.pick.size"), ui_tr(ctx, "tui.pick.date"));
		ui_put(w, y++, x + 2 + namew, line, cols - 2 - namew, 1);
		wattroff(w, A_BOLD);
	}
	ui_list_set(&p->list, p->nshown, end - y);
	for (i = 0; i < p->list.height && p->list.top + i < p->nshown; i++) {
		e = &p->all[p->shown[p->list.top + i]];
		picker_row(w, y++, x, cols, e, p->mark ? p->mark(p->mark_arg,
		    e->path) : NULL, p->list.top + i == p->list.sel);
	}
}

void
ui_image_refusal(const struct ui_ctx *ctx, enum ny_err err,
    const char *why, char *buf, size_t len)
{
	const char *key = NULL;

	if (why == NULL)
		why = "";
	if (strstr(why, "5 MB") != NULL)
		key = "tui.pick.why.big";
	else if (err == NY_ELIMIT)
		key = "tui.pick.why.px";
	else if (strncmp(why, "truncated", 9) == 0 ||
	    strncmp(why, "damaged", 7) == 0)
		key = "tui.pick.why.damaged";
	else if (strcmp(why, "not a regular file") == 0 || err == NY_EDENIED)
		key = "tui.pick.why.notfile";
	else if (err == NY_EINVAL)
		key = "tui.pick.why.notimage";
	else if (err == NY_ENOTFOUND)
		key = "tui.pick.why.gone";
	snprintf(buf, len, "%s", key ? ui_tr(ctx, key) :
	    ui_strerror(ctx->lang, err));
}
