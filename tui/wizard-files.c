/*
 * wizard-files.c: the product wizard's files and cover (the content
 * step of screen-wizard.c). Both come only from the creator's uploads
 * folder through the picker (ui-picker.c): no field takes a server path.
 * The list keeps the relative path the listing gave; the wizard opens it
 * with upload_open only when it saves. Files are shown numbered in the
 * order buyers see them, and can be moved, removed or added; a cover is
 * checked to be an image we take when it is picked.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "i18n.h"
#include "image.h"
#include "ssh-int.h"
#include "wizard-int.h"

enum ny_err
wizard_files_load(struct wizard *z, struct ui_ctx *ctx)
{
	struct product_file *v;
	enum ny_err rc;
	size_t n, i;

	if ((rc = product_files(ctx->db, z->edit_id, &v, &n)) != NY_OK)
		return rc;
	z->nfiles = 0;
	for (i = 0; i < n && z->nfiles < WIZ_FILES_MAX; i++) {
		struct wizard_file *f = &z->files[z->nfiles++];

		memset(f, 0, sizeof *f);
		f->id = v[i].id;
		snprintf(f->name, sizeof f->name, "%s", v[i].name);
		f->size = v[i].size;
	}
	free(v);
	return NY_OK;
}

void
wizard_files_select(struct wizard *z, int i)
{
	z->flist.n = z->nfiles;
	z->flist.sel = i;
	ui_list_fix(&z->flist);
}

/* Rows the file list may take on screen, below nfields items. */
static int
files_rows(const struct ui_ctx *ctx, int nfields)
{
	int room = ctx->rows - 10 - 2 * nfields;

	return room < 2 ? 2 : room;
}

/* "+" in the picker for an upload already in the list. */
static const char *
files_mark(void *arg, const char *path)
{
	const struct wizard *z = arg;
	int i;

	if (z->picking == PICK_COVER)
		return strcmp(z->cover_path, path) == 0 ? "+" : NULL;
	for (i = 0; i < z->nfiles; i++)
		if (z->files[i].id == 0 && strcmp(z->files[i].path, path) == 0)
			return "+";
	return NULL;
}

void
wizard_files_err(struct wizard *z, struct ui_ctx *ctx, const char *key,
    const char *name)
{
	char *msg = i18n_fmt(ctx->lang, key, "name", name, NULL);

	snprintf(z->err, sizeof z->err, "%s", msg);
	free(msg);
}

/*
 * Adds the upload to the list. Buyers see its base name, so two uploads
 * named alike in different folders would collide (UNIQUE(product_id,
 * name)): refused with a message rather than renamed behind the
 * creator's back.
 */
static void
files_add(struct wizard *z, struct ui_ctx *ctx, const struct upload_entry *e)
{
	const char *name = ui_base_name(e->path);
	struct wizard_file *f;
	int i;

	z->err[0] = '\0';
	for (i = 0; i < z->nfiles; i++) {
		const char *key = NULL;

		if (z->files[i].id == 0 && strcmp(z->files[i].path, e->path) == 0)
			key = "tui.wiz.err.picked";
		else if (strcmp(z->files[i].name, name) == 0)
			key = "tui.wiz.err.samename";
		if (key != NULL) {
			wizard_files_err(z, ctx, key, name);
			return;
		}
	}
	if (z->nfiles >= WIZ_FILES_MAX || !product_file_name_ok(name)) {
		snprintf(z->err, sizeof z->err, "%s", ui_tr(ctx,
		    "tui.wiz.err.full"));
		return;
	}
	f = &z->files[z->nfiles++];
	memset(f, 0, sizeof *f);
	snprintf(f->path, sizeof f->path, "%s", e->path);
	snprintf(f->name, sizeof f->name, "%s", name);
	f->size = e->size;
	wizard_files_select(z, z->nfiles - 1);
}

/* Removes the selected file from the list (nothing is deleted). */
static void
files_remove(struct wizard *z)
{
	int i = z->flist.sel;

	if (i < 0 || i >= z->nfiles)
		return;
	memmove(&z->files[i], &z->files[i + 1], (size_t)(z->nfiles - i - 1) *
	    sizeof z->files[0]);
	z->nfiles--;
	ui_list_set(&z->flist, z->nfiles, z->flist.height);
}

/* Swaps the selected file with its neighbour (dir -1 up, 1 down). */
static void
files_move(struct wizard *z, int dir)
{
	int i = z->flist.sel, j = i + dir;
	struct wizard_file t;

	if (i < 0 || j < 0 || j >= z->nfiles)
		return;
	t = z->files[i];
	z->files[i] = z->files[j];
	z->files[j] = t;
	wizard_files_select(z, j);
}

/*
 * Checks the chosen upload is an image we take (image_probe on its first
 * bytes, read through upload_open) and makes it the cover; the refusal's
 * reason otherwise. image_put_fd checks it again when the product is
 * saved: the file may change in between.
 */
static void
cover_pick(struct wizard *z, struct ui_ctx *ctx, const struct upload_entry *e)
{
	const char *why = NULL;
	enum ny_err err;
	int fd;

	err = upload_open(ctx->s->cfg->data_dir, ctx->s->handle, e->path, &fd);
	if (err == NY_OK) {
		err = image_check_fd(fd, NULL, &why);
		close(fd);
	}
	if (err != NY_OK) {
		char reason[160];

		ui_image_refusal(ctx, err, why, reason, sizeof reason);
		snprintf(z->err, sizeof z->err, "%s: %s", ui_base_name(e->path),
		    reason);
		return;
	}
	snprintf(z->cover_path, sizeof z->cover_path, "%s", e->path);
	z->cover_sha[0] = '\0';
	z->cover_size = e->size;
	z->picking = PICK_OFF;
	z->err[0] = '\0';
}

/* Opens the picker for files or the cover (what: PICK_*). */
static void
pick_open(struct wizard *z, struct ui_ctx *ctx, int what)
{
	ui_picker_free(&z->pick);
	z->pick.mark = files_mark;
	z->pick.mark_arg = z;
	z->picking = what;
	z->err[0] = '\0';
	ui_picker_load(&z->pick, ctx, what == PICK_COVER ? UI_PICK_IMAGES : 0);
}

int
wizard_files_pick_key(struct wizard *z, struct ui_ctx *ctx, int ch)
{
	const struct upload_entry *e;
	int r;

	if (ch == 18) {		/* ^R: the folder again (an upload landed) */
		ui_picker_load(&z->pick, ctx, z->pick.flags);
		return UI_HANDLED | UI_REDRAW;
	}
	r = ui_picker_key(&z->pick, ch);
	e = ui_picker_selected(&z->pick);
	if (r == UI_PICK_CLOSE) {
		z->picking = PICK_OFF;
		z->err[0] = '\0';
	} else if ((r == UI_PICK_ADD || r == UI_PICK_DONE) && e != NULL) {
		if (z->picking == PICK_COVER)
			cover_pick(z, ctx, e);
		else {
			files_add(z, ctx, e);
			if (r == UI_PICK_DONE && z->err[0] == '\0')
				z->picking = PICK_OFF;
		}
	}
	return UI_HANDLED | UI_REDRAW;
}

void
wizard_files_pick_draw(struct wizard *z, struct ui_ctx *ctx, WINDOW *w)
{
	ui_put_wrapped(w, 4, 2, ui_tr(ctx, z->picking == PICK_COVER ?
	    "tui.pick.cover_head" : "tui.pick.files_head"), ctx->cols - 4, 2);
	ui_picker_draw(&z->pick, ctx, w, 7, 2, ctx->rows - 12, ctx->cols - 4);
	ui_put_cut(w, ctx->rows - 4, 2, ui_tr(ctx, "tui.pick.keys"), ctx->cols - 4,
	    0);
}

int
wizard_files_draw(struct wizard *z, struct ui_ctx *ctx, WINDOW *w, int y,
    int x, int focused, int nfields)
{
	char line[PRODUCT_FILE_NAME_MAX + 64], size[32], *msg, n[16];
	int i, cols = ctx->cols - x - 2;

	if (z->nfiles == 0) {
		ui_put_cut(w, y, x, ui_tr(ctx, "tui.wiz.files_none"), cols, 1);
		return 1;
	}
	snprintf(n, sizeof n, "%d", z->nfiles);
	msg = i18n_fmt_n(ctx->lang, "tui.wiz.files_n", z->nfiles, "n", n, NULL);
	ui_put_cut(w, y++, x, msg, cols, 1);
	free(msg);
	ui_list_set(&z->flist, z->nfiles, files_rows(ctx, nfields) - 1);
	for (i = 0; i < z->flist.height && z->flist.top + i < z->nfiles; i++) {
		const struct wizard_file *f = &z->files[z->flist.top + i];

		ui_human_size(f->size, size, sizeof size);
		snprintf(line, sizeof line, "%2d. %s  (%s)", z->flist.top + i + 1,
		    f->name, size);
		if (focused && z->flist.top + i == z->flist.sel)
			wattron(w, A_REVERSE);
		ui_put_cut(w, y++, x, line, cols, 1);
		wattroff(w, A_REVERSE);
	}
	return 1 + i;
}

void
wizard_files_cover_draw(struct wizard *z, struct ui_ctx *ctx, WINDOW *w,
    int y, int x, int focused)
{
	char line[UPLOAD_PATH_MAX + 64], size[32];

	ui_human_size(z->cover_size, size, sizeof size);
	if (z->cover_path[0] != '\0')
		snprintf(line, sizeof line, "%s  (%s)", z->cover_path, size);
	else if (z->cover_sha[0] != '\0')
		snprintf(line, sizeof line, "%s  (%s)",
		    ui_tr(ctx, "tui.wiz.cover_current"), size);
	else
		snprintf(line, sizeof line, "%s", ui_tr(ctx,
		    "tui.wiz.cover_none"));
	if (focused)
		wattron(w, A_REVERSE);
	ui_put_cut(w, y, x, line, ctx->cols - x - 2, 0);
	wattroff(w, A_REVERSE);
}

int
wizard_files_key(struct wizard *z, struct ui_ctx *ctx, int f, int ch)
{
	switch (ch) {
	case 'a': case ' ':
		pick_open(z, ctx, f == F_FILES ? PICK_FILES : PICK_COVER);
		return 1;
	case 'x': case KEY_DC:
		z->err[0] = '\0';
		if (f == F_FILES)
			files_remove(z);
		else {
			z->cover_path[0] = z->cover_sha[0] = '\0';
			z->cover_size = 0;
		}
		return 1;
	}
	if (f != F_FILES)
		return 0;
	switch (ch) {
	case 'u': case KEY_SR:
		files_move(z, -1);
		return 1;
	case 'd': case KEY_SF:
		files_move(z, 1);
		return 1;
	case KEY_UP:
		if (z->flist.sel <= 0)
			return 0;
		wizard_files_select(z, z->flist.sel - 1);
		return 1;
	case KEY_DOWN:
		if (z->flist.sel + 1 >= z->nfiles)
			return 0;
		wizard_files_select(z, z->flist.sel + 1);
		return 1;
	}
	return 0;
}

