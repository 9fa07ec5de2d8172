/*
 * screen-wizard.c: n New product (and e Edit from Products) — the steps
 * kind → basics → story → content by kind → delivery (the WhatsApp
 * messages previewed in en and sw) → automatic messages (add / remove,
 * e.g. "Welcome" 10 minutes after the purchase; the outbox scheduler
 * sends them) → review, as a const table.
 * Each step validates before the next (inline message, focus on the bad
 * field); back and next keep everything typed; Esc asks before
 * discarding. Nothing is written until the review's publish or draft.
 *
 * Files and the cover come only from the creator's uploads folder
 * through the picker (ui-picker.c): no field takes a server path. The
 * wizard keeps the relative path the listing gave and opens it with
 * upload_open when it saves (so a file swapped for a symlink meanwhile
 * is refused), copies it into the store, and saves the product with its
 * whole file list in one transaction (product_save). Editing keeps the
 * files already attached without copying them again; the kind of a
 * saved product cannot change.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/stat.h>
#include <unistd.h>

#include "automation.h"
#include "i18n.h"
#include "image.h"
#include "money.h"
#include "product.h"
#include "ssh-int.h"
#include "blob.h"
#include "ui.h"
#include "upload.h"

enum wiz_field {
	F_TITLE, F_SLUG, F_PRICE, F_CURRENCY, F_SUMMARY, F_PERIOD,
	F_STARTS, F_VENUE, F_CAPACITY, F_URL,
	F_FILES, F_COVER,	/* lists from the uploads, not text */
	F_COUNT
};

static const char *const wiz_labels[F_COUNT] = {
	"tui.wiz.title", "tui.wiz.slug", "tui.wiz.price", "tui.wiz.currency",
	"tui.wiz.summary", "tui.wiz.period", "tui.wiz.starts",
	"tui.wiz.venue", "tui.wiz.capacity", "tui.wiz.url", "tui.wiz.files",
	"tui.wiz.cover"
};

/* Column names of product_validate → our fields. */
static const char *const wiz_columns[F_COUNT] = {
	"title", "slug", "price_minor", "currency", "summary",
	"period_days", "starts_at", "venue", "capacity", "join_url", "files",
	"cover_sha256"
};

enum wiz_step_id {
	S_KIND, S_BASICS, S_STORY, S_CONTENT, S_DELIVERY, S_AUTOS, S_REVIEW,
	S_COUNT
};

#define WIZ_AUTOS_MAX	10
#define WIZ_FILES_MAX	64

/* A file of the product as the wizard holds it until the save. */
struct wiz_file {
	int64_t		 id;		/* product_files.id kept; 0 = new */
	char		 path[UPLOAD_PATH_MAX + 1];	/* new: in uploads */
	char		 name[PRODUCT_FILE_NAME_MAX + 1];	/* for buyers */
	int64_t		 size;
};

enum { PICK_OFF, PICK_FILES, PICK_COVER };

/* An automation as the wizard holds it until the product is saved. */
struct wiz_auto {
	int64_t		 id;		/* 0 = not saved yet */
	char		 trigger[16];
	int		 offset;	/* minutes */
	char		*en, *sw;
	int		 removed;	/* saved one to delete on save */
};

/* The add form: trigger (cycled), minutes, en and sw bodies. */
enum { A_TRIGGER, A_OFFSET, A_EN, A_SW, A_COUNT };

static const char *const wiz_triggers[] = {
	"purchase", "before_start", "before_end", NULL
};

struct wizard {
	int			 step;
	int			 kind;		/* index in product_kinds */
	struct ui_field		 f[F_COUNT];
	int			 focus;		/* index into the step's fields */
	struct ui_textarea	 story;
	char			 err[200];
	int64_t			 edit_id;
	int			 slug_typed;	/* creator edited the slug */
	struct wiz_auto		 autos[WIZ_AUTOS_MAX];
	int			 nautos;
	struct ui_list		 alist;		/* over autos not removed */
	int			 adding;	/* the add form is open */
	int			 afocus;	/* A_* */
	int			 atrig;		/* index in wiz_triggers */
	struct ui_field		 af[A_COUNT];
	int			 editing;	/* opened with e: kind fixed */
	int			 published;	/* saved product is on sale */
	int64_t			 download_limit;	/* kept on edit */
	struct wiz_file		 files[WIZ_FILES_MAX];
	int			 nfiles;
	struct ui_list		 flist;		/* selection in files */
	int			 picking;	/* PICK_* */
	struct ui_picker	 pick;
	char			 cover_sha[BLOB_SHA_LEN];	/* kept cover */
	char			 cover_path[UPLOAD_PATH_MAX + 1];	/* new */
	int64_t			 cover_size;
};

/* Kinds whose buyers get files: downloads, subscription releases,
 * webinar slides and recordings (tickets have none). */
static int
kind_has_files(const char *kind)
{
	return strcmp(kind, "ticket") != 0;
}

/* The fields each step shows (content depends on the kind). */
static int
step_fields(const struct wizard *z, int step, int out[F_COUNT])
{
	static const int basics[] = { F_TITLE, F_SLUG, F_PRICE, F_CURRENCY,
	    F_SUMMARY };
	const char *kind = product_kinds[z->kind];
	int n = 0;

	if (step == S_BASICS) {
		memcpy(out, basics, sizeof basics);
		return 5;
	}
	if (step != S_CONTENT)
		return 0;
	if (strcmp(kind, "subscription") == 0)
		out[n++] = F_PERIOD;
	else if (strcmp(kind, "download") != 0) {
		out[n++] = F_STARTS;
		if (strcmp(kind, "ticket") == 0) {
			out[n++] = F_VENUE;
			out[n++] = F_CAPACITY;
		} else
			out[n++] = F_URL;
	}
	if (kind_has_files(kind))
		out[n++] = F_FILES;
	out[n++] = F_COVER;
	return n;
}

static const char *const wiz_step_titles[S_COUNT] = {
	"tui.wiz.s.kind", "tui.wiz.s.basics", "tui.wiz.s.story",
	"tui.wiz.s.content", "tui.wiz.s.delivery", "tui.wiz.s.autos",
	"tui.wiz.s.review"
};

static void
fmt_time(int64_t t, char *buf, size_t len)
{
	time_t lt = (time_t)(t + 3 * 3600);
	struct tm tm;

	gmtime_r(&lt, &tm);
	strftime(buf, len, "%Y-%m-%d %H:%M", &tm);
}

/* "YYYY-MM-DD HH:MM" in East Africa Time. */
static int
parse_time(const char *s, int64_t *out)
{
	char iso[64];

	if (strlen(s) != 16 || s[10] != ' ')
		return NY_EINVAL;
	snprintf(iso, sizeof iso, "%.10sT%.5s:00+03:00", s, s + 11);
	return ny_parse_iso8601(iso, out);
}

/* The saved automations of the product being edited. */
static void
wiz_autos_load(struct wizard *z, struct ui_ctx *ctx)
{
	struct automation *v;
	size_t n, i;

	if (automation_list(ctx->db, z->edit_id, &v, &n) != NY_OK)
		return;
	for (i = 0; i < n && z->nautos < WIZ_AUTOS_MAX; i++) {
		struct wiz_auto *a = &z->autos[z->nautos++];

		a->id = v[i].id;
		snprintf(a->trigger, sizeof a->trigger, "%s", v[i].trigger);
		a->offset = v[i].offset_minutes;
		a->en = xstrdup(v[i].body_en);
		a->sw = xstrdup(v[i].body_sw);
	}
	automation_list_free(v, n);
}

/* The files attached to the product being edited (or just saved). */
static int
wiz_files_load(struct wizard *z, struct ui_ctx *ctx)
{
	struct product_file *v;
	size_t n, i;
	int rc;

	if ((rc = product_files(ctx->db, z->edit_id, &v, &n)) != NY_OK)
		return rc;
	z->nfiles = 0;
	for (i = 0; i < n && z->nfiles < WIZ_FILES_MAX; i++) {
		struct wiz_file *f = &z->files[z->nfiles++];

		memset(f, 0, sizeof *f);
		f->id = v[i].id;
		snprintf(f->name, sizeof f->name, "%s", v[i].name);
		f->size = v[i].size;
	}
	free(v);
	return NY_OK;
}

static void
wiz_load(struct wizard *z, struct ui_ctx *ctx)
{
	struct product p;
	char buf[64];
	int i;

	product_init(&p);
	if (product_get_by_id(ctx->db, z->edit_id, &p) != NY_OK ||
	    p.creator_id != ctx->s->creator_id) {
		z->edit_id = 0;
		product_free(&p);
		return;
	}
	for (i = 0; product_kinds[i] != NULL; i++)
		if (strcmp(product_kinds[i], p.kind) == 0)
			z->kind = i;
	ui_field_init(&z->f[F_TITLE], 400, p.title);
	ui_field_init(&z->f[F_SLUG], PRODUCT_SLUG_MAX, p.slug);
	money_format(p.price_minor, p.currency, "en", buf, sizeof buf);
	ui_field_init(&z->f[F_PRICE], 20, strchr(buf, ' ') ? strchr(buf, ' ')
	    + 1 : buf);
	ui_field_init(&z->f[F_CURRENCY], 3, p.currency);
	ui_field_init(&z->f[F_SUMMARY], 500, p.summary);
	snprintf(buf, sizeof buf, "%lld", (long long)p.period_days);
	ui_field_init(&z->f[F_PERIOD], 5, p.period_days ? buf : "");
	fmt_time(p.starts_at, buf, sizeof buf);
	ui_field_init(&z->f[F_STARTS], 16, p.starts_at ? buf : "");
	ui_field_init(&z->f[F_VENUE], 200, p.venue);
	snprintf(buf, sizeof buf, "%lld", (long long)p.capacity);
	ui_field_init(&z->f[F_CAPACITY], 7, p.capacity >= 0 ? buf : "");
	ui_field_init(&z->f[F_URL], 400, p.join_url);
	ui_textarea_free(&z->story);
	ui_textarea_init(&z->story, PRODUCT_STORY_MAX, p.story_md);
	z->slug_typed = 1;
	z->download_limit = p.download_limit;
	z->published = strcmp(p.status, "published") == 0;
	snprintf(z->cover_sha, sizeof z->cover_sha, "%s", p.cover_sha256);
	if (p.cover_sha256[0] != '\0')
		blob_get(ctx->db, p.cover_sha256, &z->cover_size, NULL);
	product_free(&p);
	wiz_files_load(z, ctx);
	wiz_autos_load(z, ctx);
}

static void *
wiz_init(struct ui_ctx *ctx)
{
	struct wizard *z = xcalloc(1, sizeof *z);
	int i;

	for (i = 0; i < F_COUNT; i++)
		ui_field_init(&z->f[i], i == F_CURRENCY ? 3 : 400, NULL);
	ui_field_init(&z->f[F_CURRENCY], 3, "KES");
	ui_field_init(&z->f[F_SLUG], PRODUCT_SLUG_MAX, NULL);
	ui_textarea_init(&z->story, PRODUCT_STORY_MAX, NULL);
	z->edit_id = ctx->edit_id;
	ctx->edit_id = 0;
	if (z->edit_id != 0)
		wiz_load(z, ctx);
	if (z->edit_id != 0) {
		/* The kind of a saved product is fixed: buyers hold it. */
		z->editing = 1;
		z->step = S_BASICS;
	}
	ui_textarea_resize(&z->story, ctx->cols - 6, ctx->rows - 8);
	return z;
}

/* Fills p from the fields; on a parse error names the field. */
static int
wiz_build(struct wizard *z, struct ui_ctx *ctx, struct product *p, int *bad)
{
	const char *kind = product_kinds[z->kind];
	int64_t v;

	product_init(p);
	p->id = z->edit_id;
	p->creator_id = ctx->s->creator_id;
	snprintf(p->kind, sizeof p->kind, "%s", kind);
	snprintf(p->slug, sizeof p->slug, "%.80s", z->f[F_SLUG].text);
	snprintf(p->currency, sizeof p->currency, "%.3s",
	    z->f[F_CURRENCY].text);
	snprintf(p->status, sizeof p->status, "draft");
	snprintf(p->cover_sha256, sizeof p->cover_sha256, "%s", z->cover_sha);
	p->download_limit = z->download_limit;
	free(p->title);
	p->title = xstrdup(z->f[F_TITLE].text);
	free(p->summary);
	p->summary = xstrdup(z->f[F_SUMMARY].text);
	free(p->story_md);
	p->story_md = xstrdup(z->story.text);
	if (money_parse(z->f[F_PRICE].text, p->currency, &p->price_minor)
	    != NY_OK)
		return *bad = F_PRICE, NY_EINVAL;
	if (strcmp(kind, "subscription") == 0) {
		if (ny_parse_int(z->f[F_PERIOD].text, 1, 3650, &v) != NY_OK)
			return *bad = F_PERIOD, NY_EINVAL;
		p->period_days = v;
	}
	if (strcmp(kind, "ticket") == 0 || strcmp(kind, "webinar") == 0) {
		if (parse_time(z->f[F_STARTS].text, &p->starts_at) != NY_OK)
			return *bad = F_STARTS, NY_EINVAL;
	}
	if (strcmp(kind, "ticket") == 0) {
		if (ny_parse_int(z->f[F_CAPACITY].text, 0, 1000000, &v) != NY_OK)
			return *bad = F_CAPACITY, NY_EINVAL;
		p->capacity = v;
		free(p->venue);
		p->venue = xstrdup(z->f[F_VENUE].text);
	}
	if (strcmp(kind, "webinar") == 0) {
		free(p->join_url);
		p->join_url = xstrdup(z->f[F_URL].text);
	}
	return NY_OK;
}

static int
step_of_field(const struct wizard *z, int f)
{
	int fs[F_COUNT], n, i, s;

	for (s = S_BASICS; s <= S_CONTENT; s++) {
		n = step_fields(z, s, fs);
		for (i = 0; i < n; i++)
			if (fs[i] == f)
				return s;
	}
	return S_STORY;
}

/* Moves to the bad field when it belongs to this or an earlier step. */
static int
wiz_blame(struct wizard *z, struct ui_ctx *ctx, int f, const char *why)
{
	int fs[F_COUNT], n, i, s = step_of_field(z, f);

	if (s > z->step)
		return 0;
	z->step = s;
	n = step_fields(z, s, fs);
	for (i = 0; i < n; i++)
		if (fs[i] == f)
			z->focus = i;
	snprintf(z->err, sizeof z->err, "%s: %s", ui_tr(ctx, wiz_labels[f]),
	    why);
	return 1;
}

static int	autos_ok(struct wizard *, struct ui_ctx *);

/* Checks everything up to the current step; 1 when fine. */
static int
wiz_validate(struct wizard *z, struct ui_ctx *ctx)
{
	struct product p;
	const char *field = NULL, *why = NULL;
	int bad = -1, i, ok = 1;

	z->err[0] = '\0';
	if (wiz_build(z, ctx, &p, &bad) != NY_OK) {
		ok = !wiz_blame(z, ctx, bad, ui_tr(ctx, bad == F_PRICE ?
		    "tui.wiz.err.price" : bad == F_STARTS ? "tui.wiz.err.time" :
		    "tui.wiz.err.number"));
	} else if (product_validate(&p, &field, &why) != NY_OK && field) {
		for (i = 0; i < F_COUNT; i++)
			if (strcmp(field, wiz_columns[i]) == 0)
				ok = !wiz_blame(z, ctx, i, why);
		if (strcmp(field, "story_md") == 0 && z->step >= S_STORY) {
			z->step = S_STORY;
			snprintf(z->err, sizeof z->err, "%s", why);
			ok = 0;
		}
	}
	product_free(&p);
	if (ok && z->step >= S_AUTOS)
		ok = autos_ok(z, ctx);
	return ok;
}

/* Proposes a unique slug from the title until the creator types one. */
static void
wiz_propose_slug(struct wizard *z, struct ui_ctx *ctx)
{
	char slug[PRODUCT_SLUG_MAX + 1];

	if (z->slug_typed || z->f[F_TITLE].len == 0)
		return;
	if (product_slug_from_title(ctx->db, z->f[F_TITLE].text, slug)
	    == NY_OK)
		ui_field_init(&z->f[F_SLUG], PRODUCT_SLUG_MAX, slug);
}

static void
wiz_next(struct wizard *z, struct ui_ctx *ctx)
{
	if (z->step == S_BASICS)
		wiz_propose_slug(z, ctx);
	if (!wiz_validate(z, ctx))
		return;
	if (z->step < S_REVIEW) {
		z->step++;
		z->focus = 0;
	}
}

/* ---- files and cover (the Content step) ------------------------------ */

/* Rows the file list may take on screen. */
static int
files_rows(const struct wizard *z, const struct ui_ctx *ctx)
{
	int fs[F_COUNT], n = step_fields(z, S_CONTENT, fs);
	int room = ctx->rows - 10 - 2 * n;

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

/* z->err = the locale key's text with {name}. */
static void
wiz_err_name(struct wizard *z, struct ui_ctx *ctx, const char *key,
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
	struct wiz_file *f;
	int i;

	z->err[0] = '\0';
	for (i = 0; i < z->nfiles; i++) {
		const char *key = NULL;

		if (z->files[i].id == 0 && strcmp(z->files[i].path, e->path) == 0)
			key = "tui.wiz.err.picked";
		else if (strcmp(z->files[i].name, name) == 0)
			key = "tui.wiz.err.samename";
		if (key != NULL) {
			wiz_err_name(z, ctx, key, name);
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
	z->flist.n = z->nfiles;
	z->flist.sel = z->nfiles - 1;
	ui_list_fix(&z->flist);
}

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
	struct wiz_file t;

	if (i < 0 || j < 0 || j >= z->nfiles)
		return;
	t = z->files[i];
	z->files[i] = z->files[j];
	z->files[j] = t;
	z->flist.n = z->nfiles;
	z->flist.sel = j;
	ui_list_fix(&z->flist);
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
	int fd, err;

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

static int
pick_key(struct wizard *z, struct ui_ctx *ctx, int ch)
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

static void
draw_pick(struct wizard *z, struct ui_ctx *ctx, WINDOW *w)
{
	ui_put_wrapped(w, 4, 2, ui_tr(ctx, z->picking == PICK_COVER ?
	    "tui.pick.cover_head" : "tui.pick.files_head"), ctx->cols - 4, 2);
	ui_picker_draw(&z->pick, ctx, w, 7, 2, ctx->rows - 12, ctx->cols - 4);
	ui_put(w, ctx->rows - 4, 2, ui_tr(ctx, "tui.pick.keys"), ctx->cols - 4,
	    0);
	curs_set(0);
}

/* The chosen files, numbered in the order buyers see them; rows used. */
static int
draw_files(struct wizard *z, struct ui_ctx *ctx, WINDOW *w, int y, int x,
    int focused)
{
	char line[PRODUCT_FILE_NAME_MAX + 64], size[32], *msg, n[16];
	int i, cols = ctx->cols - x - 2;

	if (z->nfiles == 0) {
		ui_put(w, y, x, ui_tr(ctx, "tui.wiz.files_none"), cols, 1);
		return 1;
	}
	snprintf(n, sizeof n, "%d", z->nfiles);
	msg = i18n_fmt(ctx->lang, "tui.wiz.files_n", "n", n, NULL);
	ui_put(w, y++, x, msg, cols, 1);
	free(msg);
	ui_list_set(&z->flist, z->nfiles, files_rows(z, ctx) - 1);
	for (i = 0; i < z->flist.height && z->flist.top + i < z->nfiles; i++) {
		const struct wiz_file *f = &z->files[z->flist.top + i];

		ui_human_size(f->size, size, sizeof size);
		snprintf(line, sizeof line, "%2d. %s  (%s)", z->flist.top + i + 1,
		    f->name, size);
		if (focused && z->flist.top + i == z->flist.sel)
			wattron(w, A_REVERSE);
		ui_put(w, y++, x, line, cols, 1);
		wattroff(w, A_REVERSE);
	}
	return 1 + i;
}

static void
draw_cover(struct wizard *z, struct ui_ctx *ctx, WINDOW *w, int y, int x,
    int focused)
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
	ui_put(w, y, x, line, ctx->cols - x - 2, 0);
	wattroff(w, A_REVERSE);
}

/* Label column: the step's widest label (no label cut at 20 columns
 * when a translation is longer), within a third of the screen. */
static int
label_cols(const struct wizard *z, struct ui_ctx *ctx, const int *fs, int n)
{
	int i, lw = 20, cw;

	(void)z;
	for (i = 0; i < n; i++)
		if ((cw = ui_width(ui_tr(ctx, wiz_labels[fs[i]]))) > lw)
			lw = cw;
	return lw > ctx->cols / 3 ? ctx->cols / 3 : lw;
}

static void
draw_fields(struct wizard *z, struct ui_ctx *ctx, WINDOW *w)
{
	int fs[F_COUNT], n = step_fields(z, z->step, fs), i, y = 4, fy = 4;
	int lw = label_cols(z, ctx, fs, n), x = lw + 4, f;

	curs_set(0);
	for (i = 0; i < n; i++, y += 2) {
		f = fs[i];
		ui_put(w, y, 2, ui_tr(ctx, wiz_labels[f]), lw, 0);
		if (f == F_FILES)
			y += draw_files(z, ctx, w, y, x, i == z->focus) - 1;
		else if (f == F_COVER)
			draw_cover(z, ctx, w, y, x, i == z->focus);
		else if (i != z->focus)
			ui_field_draw(&z->f[f], w, y, x, ctx->cols - x - 2, 0);
		else
			fy = y;
	}
	if (n == 0)
		return;
	f = fs[z->focus];
	if (f == F_FILES || f == F_COVER) {
		ui_put(w, ctx->rows - 4, 2, ui_tr(ctx, f == F_FILES ?
		    "tui.wiz.files_keys" : "tui.wiz.cover_keys"),
		    ctx->cols - 4, 0);
		return;
	}
	ui_field_draw(&z->f[f], w, fy, x, ctx->cols - x - 2, 1);
	curs_set(1);
}

/* Keys on the files and cover items; 1 when handled. */
static int
list_item_key(struct wizard *z, struct ui_ctx *ctx, int f, int ch)
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
		z->flist.n = z->nfiles;
		z->flist.sel--;
		ui_list_fix(&z->flist);
		return 1;
	case KEY_DOWN:
		if (z->flist.sel + 1 >= z->nfiles)
			return 0;
		z->flist.n = z->nfiles;
		z->flist.sel++;
		ui_list_fix(&z->flist);
		return 1;
	}
	return 0;
}

static void
draw_kind(struct wizard *z, struct ui_ctx *ctx, WINDOW *w)
{
	char key[40];
	int i;

	for (i = 0; product_kinds[i] != NULL; i++) {
		snprintf(key, sizeof key, "tui.kind.%s", product_kinds[i]);
		if (i == z->kind)
			wattron(w, A_REVERSE);
		ui_put(w, 4 + i, 4, ui_tr(ctx, key), 30, 1);
		if (i == z->kind)
			wattroff(w, A_REVERSE);
		snprintf(key, sizeof key, "tui.kind.%s.about", product_kinds[i]);
		ui_put(w, 4 + i, 36, ui_tr(ctx, key), ctx->cols - 38, 0);
	}
}

/*
 * The WhatsApp messages buyers will get, in both languages, as the
 * fulfilment code writes them (the link and receipt are examples).
 */
static void
draw_delivery(struct wizard *z, struct ui_ctx *ctx, WINDOW *w)
{
	static const char *const langs[] = { "en", "sw" };
	const char *kind = product_kinds[z->kind], *extra = NULL;
	char amount[64], link[256], when[32], *msg;
	int64_t minor = 0, starts = 0;
	int i, y = 4;

	money_parse(z->f[F_PRICE].text, z->f[F_CURRENCY].text, &minor);
	parse_time(z->f[F_STARTS].text, &starts);
	fmt_time(starts ? starts : ny_now(), when, sizeof when);
	snprintf(link, sizeof link, "%s/l/…", ctx->s->cfg->base_url);
	if (strcmp(kind, "subscription") == 0)
		extra = "msg.sub_reminder";
	else if (strcmp(kind, "webinar") == 0)
		extra = "msg.webinar_reminder";
	for (i = 0; i < 2 && y < ctx->rows - 4; i++) {
		money_format(minor, z->f[F_CURRENCY].text, langs[i], amount,
		    sizeof amount);
		wattron(w, A_BOLD);
		ui_put(w, y++, 2, ui_tr(ctx, langs[i][0] == 'e' ?
		    "tui.lang.en" : "tui.lang.sw"), ctx->cols - 4, 0);
		wattroff(w, A_BOLD);
		msg = i18n_fmt(langs[i], "msg.receipt", "amount", amount,
		    "product", z->f[F_TITLE].text, "receipt", "QK7XY2ABCD",
		    "link", link, NULL);
		y += ui_put_wrapped(w, y, 4, msg, ctx->cols - 6, 3);
		free(msg);
		if (extra != NULL) {
			msg = i18n_fmt(langs[i], extra, "product",
			    z->f[F_TITLE].text, "time", when, "link", link, NULL);
			y += ui_put_wrapped(w, y, 4, msg, ctx->cols - 6, 3);
			free(msg);
		}
		y++;
	}
	ui_put(w, y, 2, ui_tr(ctx, "tui.wiz.delivery_keys"), ctx->cols - 4, 0);
}

/* A field's value for the review: the text, or the files' names in
 * order, or the cover. */
static void
review_value(const struct wizard *z, struct ui_ctx *ctx, int f, char *buf,
    size_t len)
{
	size_t o = 0;
	int i;

	if (f == F_COVER) {
		snprintf(buf, len, "%.300s", z->cover_path[0] ? z->cover_path :
		    ui_tr(ctx, z->cover_sha[0] ? "tui.wiz.cover_current" :
		    "tui.wiz.none"));
		return;
	}
	if (f != F_FILES) {
		snprintf(buf, len, "%s", z->f[f].text);
		return;
	}
	snprintf(buf, len, "%s", z->nfiles ? "" : ui_tr(ctx, "tui.wiz.none"));
	for (i = 0; i < z->nfiles && o + 1 < len; i++) {
		snprintf(buf + o, len - o, "%s%s", i ? ", " : "",
		    z->files[i].name);
		o += strlen(buf + o);
	}
}

static void
draw_review(struct wizard *z, struct ui_ctx *ctx, WINDOW *w)
{
	int fs[F_COUNT], n, i, s, y = 4;
	char line[1200], key[40], val[1000];

	snprintf(key, sizeof key, "tui.kind.%s", product_kinds[z->kind]);
	snprintf(line, sizeof line, "%-20s %s", ui_tr(ctx, "tui.wiz.kind"),
	    ui_tr(ctx, key));
	ui_put(w, y++, 2, line, ctx->cols - 4, 0);
	for (s = S_BASICS; s <= S_CONTENT && y < ctx->rows - 4; s++) {
		n = step_fields(z, s, fs);
		for (i = 0; i < n && y < ctx->rows - 4; i++) {
			review_value(z, ctx, fs[i], val, sizeof val);
			snprintf(line, sizeof line, "%-20s %s",
			    ui_tr(ctx, wiz_labels[fs[i]]), val);
			ui_put(w, y++, 2, line, ctx->cols - 4, 0);
		}
	}
	snprintf(line, sizeof line, "%-20s %zu B", ui_tr(ctx, "tui.wiz.story"),
	    z->story.len);
	ui_put(w, y++, 2, line, ctx->cols - 4, 0);
	wattron(w, A_BOLD);
	ui_put(w, y + 1, 2, ui_tr(ctx, "tui.wiz.review_keys"), ctx->cols - 4, 0);
	wattroff(w, A_BOLD);
}

/* ---- automatic messages (the S_AUTOS step) ---------------------------- */

/* Indices of the automations shown (not removed) into idx; how many. */
static int
autos_shown(const struct wizard *z, int idx[WIZ_AUTOS_MAX])
{
	int i, n = 0;

	for (i = 0; i < z->nautos; i++)
		if (!z->autos[i].removed)
			idx[n++] = i;
	return n;
}

/* "10 min after purchase" in the console language (caller frees). */
static char *
autos_when(const struct ui_ctx *ctx, const char *trigger, int offset)
{
	char key[48], n[16];

	snprintf(key, sizeof key, "tui.auto.when.%s", trigger);
	snprintf(n, sizeof n, "%d", offset);
	return i18n_fmt(ctx->lang, key, "n", n, NULL);
}

/* Moves atrig to the next (dir 1) or previous trigger this kind allows. */
static void
autos_cycle(struct wizard *z, int dir)
{
	const char *kind = product_kinds[z->kind];
	int i, n = 3, t = z->atrig;

	for (i = 0; i < n; i++) {
		t = (t + dir + n) % n;
		if (automation_trigger_ok(wiz_triggers[t], kind)) {
			z->atrig = t;
			return;
		}
	}
}

static void
autos_open(struct wizard *z, struct ui_ctx *ctx)
{
	if (z->nautos >= WIZ_AUTOS_MAX) {
		snprintf(z->err, sizeof z->err, "%s",
		    ui_tr(ctx, "tui.auto.err.full"));
		return;
	}
	z->adding = 1;
	z->afocus = A_OFFSET;
	z->atrig = 0;		/* purchase suits every kind */
	ui_field_init(&z->af[A_OFFSET], 6, "0");
	ui_field_init(&z->af[A_EN], 400, NULL);
	ui_field_init(&z->af[A_SW], 400, NULL);
	z->err[0] = '\0';
}

/* Checks the form and keeps the automation (saved with the product). */
static void
autos_form_save(struct wizard *z, struct ui_ctx *ctx)
{
	const char *trigger = wiz_triggers[z->atrig], *why = NULL;
	struct wiz_auto *a;
	int64_t off = 0;
	int i, bad = A_OFFSET;

	if (ny_parse_int(z->af[A_OFFSET].text, 0, AUTOMATION_OFFSET_MAX, &off)
	    != NY_OK)
		why = "tui.auto.err.offset";
	else if (z->af[A_EN].len == 0 || z->af[A_SW].len == 0) {
		why = "tui.auto.err.body";
		bad = z->af[A_EN].len == 0 ? A_EN : A_SW;
	} else
		for (i = 0; i < z->nautos; i++)
			if (!z->autos[i].removed && z->autos[i].offset == off &&
			    strcmp(z->autos[i].trigger, trigger) == 0)
				why = "tui.auto.err.same";
	if (why != NULL) {
		z->afocus = bad;
		snprintf(z->err, sizeof z->err, "%s", ui_tr(ctx, why));
		return;
	}
	a = &z->autos[z->nautos++];
	memset(a, 0, sizeof *a);
	snprintf(a->trigger, sizeof a->trigger, "%s", trigger);
	a->offset = (int)off;
	a->en = xstrdup(z->af[A_EN].text);
	a->sw = xstrdup(z->af[A_SW].text);
	z->adding = 0;
	z->err[0] = '\0';
}

/* Removes the selected one (a saved one is deleted when the product is). */
static void
autos_remove(struct wizard *z, struct ui_ctx *ctx)
{
	int idx[WIZ_AUTOS_MAX], n = autos_shown(z, idx), i;
	struct wiz_auto *a;

	if (z->alist.sel < 0 || z->alist.sel >= n ||
	    !ui_confirm(ctx, ui_tr(ctx, "tui.auto.remove_q")))
		return;
	a = &z->autos[idx[z->alist.sel]];
	if (a->id != 0) {
		a->removed = 1;
		return;
	}
	free(a->en);
	free(a->sw);
	for (i = idx[z->alist.sel]; i + 1 < z->nautos; i++)
		z->autos[i] = z->autos[i + 1];
	z->nautos--;
}

/* 1 when every kept automation suits the (maybe changed) kind. */
static int
autos_ok(struct wizard *z, struct ui_ctx *ctx)
{
	int i;

	for (i = 0; i < z->nautos; i++)
		if (!z->autos[i].removed && !automation_trigger_ok(
		    z->autos[i].trigger, product_kinds[z->kind])) {
			z->step = S_AUTOS;
			snprintf(z->err, sizeof z->err, "%s",
			    ui_tr(ctx, "tui.auto.err.kind"));
			return 0;
		}
	return 1;
}

/* After the product is saved: deletes the removed ones, adds the new. */
static int
autos_save(struct wizard *z, struct ui_ctx *ctx, int64_t product_id)
{
	struct wiz_auto *a;
	int i, err = NY_OK;

	for (i = 0; i < z->nautos && err == NY_OK; i++) {
		a = &z->autos[i];
		if (a->removed && a->id != 0) {
			err = automation_remove(ctx->db, a->id);
			if (err == NY_ENOTFOUND)
				err = NY_OK;
			if (err == NY_OK)
				a->id = 0;
		} else if (!a->removed && a->id == 0)
			err = automation_add(ctx->db, product_id, a->trigger,
			    a->offset, a->en, a->sw, &a->id);
	}
	return err;
}

static void
draw_autos_form(struct wizard *z, struct ui_ctx *ctx, WINDOW *w, int y)
{
	static const char *const labels[A_COUNT] = { "tui.auto.trigger",
	    "tui.auto.offset", "tui.auto.en", "tui.auto.sw" };
	char key[48], val[120];
	int i;

	for (i = 0; i < A_COUNT && y < ctx->rows - 4; i++, y += 2) {
		ui_put(w, y, 2, ui_tr(ctx, labels[i]), 20, 0);
		if (i != A_TRIGGER) {
			ui_field_draw(&z->af[i], w, y, 24, ctx->cols - 26,
			    i == z->afocus);
			continue;
		}
		snprintf(key, sizeof key, "tui.auto.t.%s",
		    wiz_triggers[z->atrig]);
		snprintf(val, sizeof val, "< %s >", ui_tr(ctx, key));
		if (z->afocus == A_TRIGGER)
			wattron(w, A_REVERSE);
		ui_put(w, y, 24, val, ctx->cols - 26, 0);
		wattroff(w, A_REVERSE);
	}
	if (z->afocus != A_TRIGGER)
		curs_set(1);
	ui_put(w, ctx->rows - 4, 2, ui_tr(ctx, "tui.auto.form_keys"),
	    ctx->cols - 4, 0);
}

static void
draw_autos(struct wizard *z, struct ui_ctx *ctx, WINDOW *w)
{
	int idx[WIZ_AUTOS_MAX], n = autos_shown(z, idx), i, y = 4;
	const struct wiz_auto *a;
	char line[600], *when;

	ui_put_wrapped(w, y, 2, ui_tr(ctx, "tui.auto.about"), ctx->cols - 4, 2);
	y += 2;
	if (n == 0)
		ui_put(w, y++, 4, ui_tr(ctx, "tui.auto.none"), ctx->cols - 6, 0);
	z->alist.height = z->adding ? 3 : ctx->rows - 10;
	ui_list_set(&z->alist, n, z->alist.height);
	for (i = 0; i < z->alist.height && z->alist.top + i < n; i++) {
		a = &z->autos[idx[z->alist.top + i]];
		when = autos_when(ctx, a->trigger, a->offset);
		snprintf(line, sizeof line, "%-30s %s / %s", when, a->en, a->sw);
		free(when);
		if (!z->adding && z->alist.top + i == z->alist.sel)
			wattron(w, A_REVERSE);
		ui_put(w, y++, 4, line, ctx->cols - 6, 1);
		wattroff(w, A_REVERSE);
	}
	if (z->adding)
		draw_autos_form(z, ctx, w, y + 1);
	else
		ui_put(w, ctx->rows - 4, 2, ui_tr(ctx, "tui.auto.keys"),
		    ctx->cols - 4, 0);
}

static int
autos_form_key(struct wizard *z, struct ui_ctx *ctx, int ch)
{
	switch (ch) {
	case 27:
		z->adding = 0;
		z->err[0] = '\0';
		return UI_HANDLED | UI_REDRAW;
	case '\t': case KEY_DOWN:
		z->afocus = (z->afocus + 1) % A_COUNT;
		return UI_HANDLED | UI_REDRAW;
	case KEY_UP:
		z->afocus = (z->afocus + A_COUNT - 1) % A_COUNT;
		return UI_HANDLED | UI_REDRAW;
	case '\r': case '\n': case KEY_ENTER:
		if (z->afocus + 1 < A_COUNT)
			z->afocus++;
		else
			autos_form_save(z, ctx);
		return UI_HANDLED | UI_REDRAW;
	}
	if (z->afocus == A_TRIGGER) {
		if (ch == KEY_LEFT || ch == KEY_RIGHT || ch == ' ')
			autos_cycle(z, ch == KEY_LEFT ? -1 : 1);
		return UI_HANDLED | UI_REDRAW;
	}
	ui_field_key(&z->af[z->afocus], ch);
	return UI_HANDLED | UI_REDRAW;
}

static int
autos_key(struct wizard *z, struct ui_ctx *ctx, int ch)
{
	if (z->adding)
		return autos_form_key(z, ctx, ch);
	if (ui_list_key(&z->alist, ch))
		return UI_HANDLED | UI_REDRAW;
	switch (ch) {
	case 'a':
		autos_open(z, ctx);
		break;
	case 'x': case KEY_DC:
		autos_remove(z, ctx);
		break;
	case '\r': case '\n': case KEY_ENTER: case '\t':
		wiz_next(z, ctx);
		break;
	}
	return UI_HANDLED | UI_REDRAW;
}

static void
wiz_draw(void *data, struct ui_ctx *ctx, WINDOW *w)
{
	struct wizard *z = data;
	char head[200];

	if (z->editing) {
		/* The title bar says what this is: an edit, not a new one. */
		struct screen sc = screen_wizard;

		sc.title = "tui.wiz.edit_title";
		ui_bar_title(ctx, w, &sc);
	}
	snprintf(head, sizeof head, "%s %d/%d · %s", ui_tr(ctx, z->edit_id ?
	    "tui.wiz.editing" : "tui.wiz.step"), z->step + 1, S_COUNT,
	    ui_tr(ctx, wiz_step_titles[z->step]));
	wattron(w, A_BOLD);
	ui_put(w, 2, 2, head, ctx->cols - 4, 0);
	wattroff(w, A_BOLD);
	if (z->err[0] != '\0') {
		wattron(w, ui_attr_bad(ctx));
		ui_put(w, ctx->rows - 3, 2, z->err, ctx->cols - 4, 1);
		wattroff(w, ui_attr_bad(ctx));
	}
	if (z->picking != PICK_OFF) {
		draw_pick(z, ctx, w);
		return;
	}
	switch (z->step) {
	case S_KIND:
		draw_kind(z, ctx, w);
		break;
	case S_STORY:
		ui_textarea_resize(&z->story, ctx->cols - 6, ctx->rows - 9);
		ui_textarea_draw(&z->story, w, 4, 3, 1);
		curs_set(1);
		break;
	case S_DELIVERY:
		draw_delivery(z, ctx, w);
		break;
	case S_AUTOS:
		draw_autos(z, ctx, w);
		break;
	case S_REVIEW:
		draw_review(z, ctx, w);
		break;
	default:
		draw_fields(z, ctx, w);
	}
}

/* What the progress line shows while a file is copied. */
struct wiz_progress {
	struct ui_ctx	*ctx;
	const char	*name;
};

/* blob_put_fd's callback: "Copying NAME [#####     ] 45% 1.4 MB / 3.0 MB"
 * on the line above the error line, drawn at once (the copy blocks the
 * loop, so nothing else would draw it). */
static void
progress(void *arg, int64_t done, int64_t total)
{
	const struct wiz_progress *pr = arg;
	struct ui_ctx *ctx = pr->ctx;
	char buf[400], bar[23], d[32], t[32], *head;
	int pct = total > 0 ? (int)(done * 100 / total) : 0, i;

	for (i = 0; i < 20; i++)
		bar[i + 1] = i < pct / 5 ? '#' : '.';
	bar[0] = '[';
	bar[21] = ']';
	bar[22] = '\0';
	ui_human_size(done, d, sizeof d);
	ui_human_size(total, t, sizeof t);
	head = i18n_fmt(ctx->lang, "tui.wiz.copying_file", "name", pr->name,
	    NULL);
	snprintf(buf, sizeof buf, "%s %s %3d%%  %s / %s", head, bar, pct, d, t);
	free(head);
	ui_put(stdscr, ctx->rows - 2, 2, buf, ctx->cols - 4, 1);
	refresh();
}

/* The message for an upload that cannot be opened at save time. */
static void
wiz_open_err(struct wizard *z, struct ui_ctx *ctx, int f, const char *name,
    int err)
{
	char *msg = i18n_fmt(ctx->lang, err == NY_ENOTFOUND || err == NY_EINVAL ?
	    "tui.wiz.err.gone" : err == NY_EDENIED ? "tui.wiz.err.notplain" :
	    "tui.wiz.err.copy", "name", name, NULL);

	wiz_blame(z, ctx, f, msg);
	free(msg);
}

/*
 * Copies the new files into the store, each read from the descriptor
 * upload_open gives at this moment (never a path kept from the listing),
 * and fills v (kept files by id). A file gone or turned into a link
 * since it was picked stops the save with its name; nothing is lost.
 */
static int
wiz_copy_files(struct wizard *z, struct ui_ctx *ctx, struct product_file *v)
{
	const char *dir = ctx->s->cfg->data_dir;
	struct wiz_progress pr = { ctx, NULL };
	int i, fd, err;

	for (i = 0; i < z->nfiles; i++) {
		struct wiz_file *f = &z->files[i];

		memset(&v[i], 0, sizeof v[i]);
		v[i].id = f->id;
		snprintf(v[i].name, sizeof v[i].name, "%s", f->name);
		if (f->id != 0)
			continue;
		if ((err = upload_open(dir, ctx->s->handle, f->path, &fd)) ==
		    NY_OK) {
			pr.name = f->name;
			err = blob_put_fd(ctx->db, dir, fd, f->name,
			    v[i].sha256, &f->size, NULL, progress, &pr);
			close(fd);
		}
		if (err != NY_OK) {
			/* Select it, so x removes it at once. */
			z->flist.n = z->nfiles;
			z->flist.sel = i;
			ui_list_fix(&z->flist);
			wiz_open_err(z, ctx, F_FILES, f->path, err);
			return err;
		}
	}
	return NY_OK;
}

/* A new cover goes through image_put_fd (the real check); sha gets it. */
static int
wiz_copy_cover(struct wizard *z, struct ui_ctx *ctx, char sha[BLOB_SHA_LEN])
{
	const char *why = NULL;
	char reason[160];
	int fd, err;

	snprintf(sha, BLOB_SHA_LEN, "%s", z->cover_sha);
	if (z->cover_path[0] == '\0')
		return NY_OK;
	err = upload_open(ctx->s->cfg->data_dir, ctx->s->handle, z->cover_path,
	    &fd);
	if (err != NY_OK) {
		wiz_open_err(z, ctx, F_COVER, z->cover_path, err);
		return err;
	}
	err = image_put_fd(ctx->db, ctx->s->cfg->data_dir, fd, sha, NULL, &why);
	close(fd);
	if (err != NY_OK) {
		ui_image_refusal(ctx, err, why, reason, sizeof reason);
		wiz_blame(z, ctx, F_COVER, reason);
	}
	return err;
}

/* The message for a failed product_save. */
static void
wiz_save_err(struct wizard *z, struct ui_ctx *ctx, int err,
    const char *field, size_t bad)
{
	if (err == NY_EEXISTS && field == NULL && bad < (size_t)z->nfiles)
		wiz_err_name(z, ctx, "tui.wiz.err.samename", z->files[bad].name);
	else if (err == NY_ESTATE && field == NULL)
		snprintf(z->err, sizeof z->err, "%s",
		    ui_tr(ctx, "tui.wiz.err.downloaded"));
	else if (err == NY_ENOTFOUND && field == NULL && bad < (size_t)z->nfiles)
		wiz_err_name(z, ctx, "tui.wiz.err.gone", z->files[bad].name);
	else
		snprintf(z->err, sizeof z->err, "%s (%s%s%s)",
		    ui_tr(ctx, "tui.wiz.err.save"), ui_strerror(ctx->lang, err),
		    field ? ": " : "", field ? field : "");
}

/*
 * Copies the uploads, then saves the product with its files and cover
 * in one transaction. Returns NY_OK with z->edit_id set (a retry updates
 * this product, never a copy) and the files reloaded as kept ones.
 */
static int
wiz_store(struct wizard *z, struct ui_ctx *ctx)
{
	struct product_file *v = xcalloc((size_t)z->nfiles + 1, sizeof *v);
	int files = kind_has_files(product_kinds[z->kind]);
	char sha[BLOB_SHA_LEN];
	const char *field = NULL;
	int64_t id = z->edit_id;
	struct product p;
	size_t bad = (size_t)-1;
	int err, unused;

	if ((err = files ? wiz_copy_files(z, ctx, v) : NY_OK) != NY_OK ||
	    (err = wiz_copy_cover(z, ctx, sha)) != NY_OK)
		goto out;
	wiz_build(z, ctx, &p, &unused);
	snprintf(p.cover_sha256, sizeof p.cover_sha256, "%s", sha);
	err = product_save(ctx->db, &p, v, files ? (size_t)z->nfiles : 0, &id,
	    &field, &bad);
	product_free(&p);
	if (err != NY_OK) {
		wiz_save_err(z, ctx, err, field, bad);
		goto out;
	}
	z->edit_id = id;
	snprintf(z->cover_sha, sizeof z->cover_sha, "%s", sha);
	z->cover_path[0] = '\0';
	err = wiz_files_load(z, ctx);
out:
	free(v);
	return err;
}

static int
wiz_save(struct wizard *z, struct ui_ctx *ctx, int publish)
{
	int err;

	if (!wiz_validate(z, ctx))
		return UI_HANDLED | UI_REDRAW;
	/* A download with nothing to download would be a broken sale; a
	 * draft save of one on sale does not take it off sale either. */
	if ((publish || z->published) && z->nfiles == 0 &&
	    strcmp(product_kinds[z->kind], "download") == 0) {
		wiz_blame(z, ctx, F_FILES, ui_tr(ctx, "tui.wiz.err.nofiles"));
		return UI_HANDLED | UI_REDRAW;
	}
	if (wiz_store(z, ctx) != NY_OK)
		return UI_HANDLED | UI_REDRAW;
	err = autos_save(z, ctx, z->edit_id);
	if (err == NY_OK && publish)
		err = product_set_status(ctx->db, z->edit_id, "published");
	if (err != NY_OK) {
		snprintf(z->err, sizeof z->err, "%s (%s)",
		    ui_tr(ctx, "tui.wiz.err.save"), ui_strerror(ctx->lang, err));
		return UI_HANDLED | UI_REDRAW;
	}
	snprintf(ctx->flash, sizeof ctx->flash, "%s", ui_tr(ctx, publish ?
	    "tui.wiz.published" : "tui.wiz.saved"));
	ctx->switch_to = '3';
	return UI_HANDLED | UI_REDRAW;
}

static int
fields_key(struct wizard *z, struct ui_ctx *ctx, int ch)
{
	int fs[F_COUNT], n = step_fields(z, z->step, fs);

	if (fs[z->focus] == F_TITLE && (ch == '\t' || ch == KEY_DOWN ||
	    ch == '\r' || ch == '\n' || ch == KEY_ENTER))
		wiz_propose_slug(z, ctx);
	if ((fs[z->focus] == F_FILES || fs[z->focus] == F_COVER) &&
	    list_item_key(z, ctx, fs[z->focus], ch))
		return UI_HANDLED | UI_REDRAW;
	switch (ch) {
	case '\t': case KEY_DOWN:
		z->focus = (z->focus + 1) % n;
		return UI_HANDLED | UI_REDRAW;
	case KEY_UP:
		z->focus = (z->focus + n - 1) % n;
		return UI_HANDLED | UI_REDRAW;
	case '\r': case '\n': case KEY_ENTER:
		if (z->focus + 1 < n)
			z->focus++;
		else
			wiz_next(z, ctx);
		return UI_HANDLED | UI_REDRAW;
	}
	if (fs[z->focus] == F_FILES || fs[z->focus] == F_COVER)
		return UI_HANDLED;
	if (fs[z->focus] == F_SLUG)
		z->slug_typed = 1;
	if (ui_field_key(&z->f[fs[z->focus]], ch))
		return UI_HANDLED | UI_REDRAW;
	return UI_HANDLED;
}

static int
step_key(struct wizard *z, struct ui_ctx *ctx, int ch)
{
	switch (z->step) {
	case S_KIND:
		if (ch == KEY_UP && z->kind > 0)
			z->kind--;
		else if (ch == KEY_DOWN && product_kinds[z->kind + 1] != NULL)
			z->kind++;
		else if (ch == '\r' || ch == '\n' || ch == KEY_ENTER)
			wiz_next(z, ctx);
		return UI_HANDLED | UI_REDRAW;
	case S_STORY:
		if (ch == '\t')
			wiz_next(z, ctx);
		else
			ui_textarea_key(&z->story, ch);
		return UI_HANDLED | UI_REDRAW;
	case S_DELIVERY:
		if (ch == '\r' || ch == '\n' || ch == KEY_ENTER || ch == '\t')
			wiz_next(z, ctx);
		return UI_HANDLED | UI_REDRAW;
	case S_AUTOS:
		return autos_key(z, ctx, ch);
	case S_REVIEW:
		if (ch == 'p' || ch == 'd')
			return wiz_save(z, ctx, ch == 'p');
		return UI_HANDLED;
	default:
		return fields_key(z, ctx, ch);
	}
}

static int
wiz_key(void *data, struct ui_ctx *ctx, int ch)
{
	struct wizard *z = data;

	if (z->picking != PICK_OFF)
		return pick_key(z, ctx, ch);
	if (ch == 27 && z->step == S_AUTOS && z->adding)
		return autos_key(z, ctx, ch);
	if (ch == 27) {
		if (ui_confirm(ctx, ui_tr(ctx, "tui.wiz.cancel_q")))
			ctx->switch_to = z->edit_id ? '3' : '1';
		return UI_HANDLED | UI_REDRAW;
	}
	if (ch == KEY_BTAB || ch == 2) {	/* Shift-Tab, ^B: back */
		z->adding = 0;
		if (z->step > (z->editing ? S_BASICS : S_KIND))
			z->step--;
		z->focus = 0;
		z->err[0] = '\0';
		return UI_HANDLED | UI_REDRAW;
	}
	return step_key(z, ctx, ch);
}

static void
wiz_free(void *data)
{
	struct wizard *z = data;
	int i;

	for (i = 0; i < z->nautos; i++) {
		free(z->autos[i].en);
		free(z->autos[i].sw);
	}
	ui_textarea_free(&z->story);
	ui_picker_free(&z->pick);
	free(z);
}

const struct screen screen_wizard = {
	.hotkey = 'n',
	.title = "tui.screen.wizard",
	.help = "tui.help.wizard",
	.init = wiz_init,
	.draw = wiz_draw,
	.key = wiz_key,
	.free = wiz_free,
	.wants_text = 1,
};
