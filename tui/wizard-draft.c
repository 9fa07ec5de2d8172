/*
 * wizard-draft.c: the product wizard's state kept in console_drafts
 * (shared/draft.c) so that a dropped connection loses nothing.
 *
 * The wizard's tick (every 200 ms without a key) writes the state as
 * JSON at once when the step changed since the draft was written, else
 * when something changed and this session's last write is 2 s old or
 * more: a story being typed costs one write every 2 s, not one per key.
 * Nothing is kept while the wizard is empty or as it opened (a product
 * opened for editing, not changed yet). The next login offers the draft
 * (wizard_draft_offer); yes opens the wizard, whose init restores it
 * (wizard_draft_resume). Publishing, saving as a draft product or
 * discarding with Esc forgets it (wizard_draft_clear).
 *
 * A session writes only a draft it wrote itself (or none): once another
 * session restored, replaced, published or discarded it, a stale one
 * left behind by a dropped connection stops writing (draft_mine).
 *
 * Declining at login keeps the draft: opening the wizard (n, or e on a
 * product) asks again, and declining there starts afresh; the new work
 * then replaces the draft as soon as it has something in it.
 *
 * The JSON is ours, but it comes back from the database: it is read as
 * untrusted (wizard_draft_parse). Wrong types, a NUL in a string, a text
 * longer than its field takes, an unknown kind or trigger refuse the
 * whole draft; numbers (step, focus, offsets, sizes) are clamped. What
 * the database knows better is taken from there (wizard_draft_check):
 * the edited product must still be the creator's, kept files,
 * automations and the cover must still be that product's; a product
 * gone meanwhile turns the draft into a new product.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "automation.h"
#include "blob.h"
#include "draft.h"
#include "i18n.h"
#include "log.h"
#include "product.h"
#include "ssh-int.h"
#include "ui-int.h"
#include "upload.h"
#include "wizard-int.h"

#define DRAFT_VERSION	1
#define DRAFT_EVERY	2	/* seconds between writes of the same step */

/* The names of the fields in the JSON; a field without one is not kept. */
static const char *const draft_names[F_COUNT] = {
	[F_TITLE] = "title", [F_SLUG] = "slug", [F_PRICE] = "price",
	[F_CURRENCY] = "currency", [F_SUMMARY] = "summary",
	[F_PERIOD] = "period", [F_STARTS] = "starts", [F_VENUE] = "venue",
	[F_CAPACITY] = "capacity", [F_URL] = "url", [F_FILES] = "files",
	[F_COVER] = "cover", [F_SUGGESTED] = "suggested", [F_TAGS] = "tags"
	/* F_PRICING is the root's "pwyw" */
};

static const char *const draft_triggers[] = {
	"purchase", "before_start", "before_end", NULL
};

int
wizard_draft_worth(const struct wizard *z)
{
	int i;

	if (z->step > S_KIND || z->story.len > 0 || z->edit_id != 0)
		return 1;
	for (i = 0; i < F_COUNT; i++)
		if (i != F_CURRENCY && z->f[i].len > 0)
			return 1;
	return 0;
}

/* z's state as the draft's JSON object (NULL on failure). */
static json_t *
draft_object(const struct wizard *z)
{
	json_t *root, *fields, *autos, *files;
	int i;

	fields = json_object();
	for (i = 0; i < F_COUNT; i++)
		if (draft_names[i] != NULL)
			json_object_set_new(fields, draft_names[i],
			    json_string(z->f[i].text));
	autos = json_array();
	for (i = 0; i < z->nautos; i++) {
		const struct wizard_auto *a = &z->autos[i];

		json_array_append_new(autos, json_pack("{s:s, s:i, s:s, s:s, "
		    "s:I, s:b}", "trigger", a->trigger, "offset", a->offset,
		    "en", a->en ? a->en : "", "sw", a->sw ? a->sw : "",
		    "id", (json_int_t)a->id, "removed", a->removed));
	}
	files = json_array();
	for (i = 0; i < z->nfiles; i++) {
		const struct wizard_file *f = &z->files[i];

		json_array_append_new(files, json_pack("{s:I, s:s, s:s, s:I}",
		    "id", (json_int_t)f->id, "path", f->path, "name", f->name,
		    "size", (json_int_t)f->size));
	}
	root = json_pack("{s:i, s:i, s:s, s:i, s:o, s:s, s:b, s:I, s:b, s:o, "
	    "s:o, s:s, s:s, s:I, s:b}",
	    "v", DRAFT_VERSION, "step", z->step,
	    "kind", product_kinds[z->kind], "focus", z->focus,
	    "fields", fields, "story", z->story.text ? z->story.text : "",
	    "slug_typed", z->slug_typed, "edit_id", (json_int_t)z->edit_id,
	    "editing", z->editing, "autos", autos, "files", files,
	    "cover_sha", z->cover_sha, "cover_path", z->cover_path,
	    "cover_size", (json_int_t)z->cover_size, "pwyw", z->pwyw);
	return root;
}

char *
wizard_draft_json(const struct wizard *z)
{
	json_t *root = draft_object(z);
	char *s;

	if (root == NULL)
		return NULL;
	s = json_dumps(root, JSON_COMPACT);
	json_decref(root);
	return s;
}

/* --- reading it back -------------------------------------------------- */

/*
 * The string member key of o, at most max bytes and without a NUL, or
 * NULL: absent (dflt then), not a string, too long, or holding a NUL
 * (*bad set for these).
 */
static const char *
draft_str(json_t *o, const char *key, size_t max, const char *dflt, int *bad)
{
	json_t *v = json_object_get(o, key);
	const char *s;

	if (v == NULL)
		return dflt;
	if (!json_is_string(v) || (s = json_string_value(v)) == NULL ||
	    json_string_length(v) != strlen(s) || strlen(s) > max) {
		*bad = 1;
		return dflt;
	}
	return s;
}

/* The integer member key of o within [lo, hi] (clamped), dflt when absent;
 * *bad set when it is there but no integer. */
static int64_t
draft_int(json_t *o, const char *key, int64_t lo, int64_t hi, int64_t dflt,
    int *bad)
{
	json_t *v = json_object_get(o, key);
	int64_t n;

	if (v == NULL)
		return dflt;
	if (json_is_boolean(v))
		return json_is_true(v) && lo <= 1 && hi >= 1 ? 1 : lo;
	if (!json_is_integer(v)) {
		*bad = 1;
		return dflt;
	}
	n = (int64_t)json_integer_value(v);
	return n < lo ? lo : n > hi ? hi : n;
}

static int
draft_hex(const char *s)
{
	size_t i;

	for (i = 0; s[i] != '\0'; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return 0;
	return i == BLOB_SHA_LEN - 1;
}

/* The focus a step can take without knowing the kind: basics have
 * their fields (one more with pay what you want), the content step at
 * least 2 for every kind (the cover and one more); elsewhere focus means
 * nothing. Past that, the first field. */
static int
draft_focus(int step, int pwyw, int64_t focus)
{
	int b[WIZ_BASICS_MAX];
	int n = step == S_BASICS ? wizard_basics_fields(pwyw, b) :
	    step == S_CONTENT ? 2 : 1;

	return focus >= 0 && focus < n ? (int)focus : 0;
}

static int
draft_autos(json_t *arr, struct wizard *t)
{
	const char *trig, *en, *sw;
	json_t *a;
	size_t i;
	int bad = 0, j;

	if (arr == NULL)
		return 1;
	if (!json_is_array(arr))
		return 0;
	json_array_foreach(arr, i, a) {
		struct wizard_auto *w;

		if (t->nautos == WIZ_AUTOS_MAX)
			break;
		if (!json_is_object(a))
			return 0;
		trig = draft_str(a, "trigger", 15, NULL, &bad);
		en = draft_str(a, "en", AUTOMATION_BODY_MAX, "", &bad);
		sw = draft_str(a, "sw", AUTOMATION_BODY_MAX, "", &bad);
		if (bad || trig == NULL)
			return 0;
		for (j = 0; draft_triggers[j] != NULL; j++)
			if (strcmp(trig, draft_triggers[j]) == 0)
				break;
		if (draft_triggers[j] == NULL)
			return 0;
		w = &t->autos[t->nautos++];
		snprintf(w->trigger, sizeof w->trigger, "%s", trig);
		w->offset = (int)draft_int(a, "offset", 0,
		    AUTOMATION_OFFSET_MAX, 0, &bad);
		w->id = draft_int(a, "id", 0, INT64_MAX, 0, &bad);
		w->removed = draft_int(a, "removed", 0, 1, 0, &bad) != 0;
		w->en = xstrdup(en);
		w->sw = xstrdup(sw);
		if (bad)
			return 0;
	}
	return 1;
}

static int
draft_files(json_t *arr, struct wizard *t)
{
	const char *path, *name;
	json_t *f;
	size_t i;
	int bad = 0;

	if (arr == NULL)
		return 1;
	if (!json_is_array(arr))
		return 0;
	json_array_foreach(arr, i, f) {
		struct wizard_file *w;

		if (t->nfiles == WIZ_FILES_MAX)
			break;
		if (!json_is_object(f))
			return 0;
		path = draft_str(f, "path", UPLOAD_PATH_MAX, "", &bad);
		name = draft_str(f, "name", PRODUCT_FILE_NAME_MAX, NULL, &bad);
		w = &t->files[t->nfiles];
		w->id = draft_int(f, "id", 0, INT64_MAX, 0, &bad);
		w->size = draft_int(f, "size", 0, INT64_MAX, 0, &bad);
		/* A new file is one of the creator's uploads; a kept one is
		 * only an id (wizard_draft_check asks the product). */
		if (bad || name == NULL || name[0] == '\0' ||
		    (w->id == 0 && !upload_path_ok(path)))
			return 0;
		snprintf(w->path, sizeof w->path, "%s", w->id ? "" : path);
		snprintf(w->name, sizeof w->name, "%s", name);
		t->nfiles++;
	}
	return 1;
}

/* Reads root into t (zeroed); 1 when it is a draft we could have
 * written. t's automations own their texts either way. */
static int
draft_read(json_t *root, struct wizard *t, const char **story,
    const char *texts[F_COUNT])
{
	const char *kind, *sha, *cover;
	json_t *fields;
	int bad = 0, i;

	if (!json_is_object(root) ||
	    draft_int(root, "v", 0, INT64_MAX, 0, &bad) != DRAFT_VERSION)
		return 0;
	kind = draft_str(root, "kind", 15, NULL, &bad);
	if (kind == NULL)
		return 0;
	for (i = 0; product_kinds[i] != NULL; i++)
		if (strcmp(kind, product_kinds[i]) == 0)
			t->kind = i;
	if (product_kinds[t->kind] == NULL ||
	    strcmp(product_kinds[t->kind], kind) != 0)
		return 0;
	t->editing = draft_int(root, "editing", 0, 1, 0, &bad) != 0;
	t->step = (int)draft_int(root, "step", t->editing ? S_BASICS : S_KIND,
	    S_REVIEW, S_KIND, &bad);
	t->pwyw = draft_int(root, "pwyw", 0, 1, 0, &bad) != 0;
	t->focus = draft_focus(t->step, t->pwyw, draft_int(root, "focus",
	    INT64_MIN, INT64_MAX, 0, &bad));
	t->slug_typed = draft_int(root, "slug_typed", 0, 1, 0, &bad) != 0;
	t->edit_id = draft_int(root, "edit_id", 0, INT64_MAX, 0, &bad);
	if (!t->edit_id)
		t->editing = 0;
	fields = json_object_get(root, "fields");
	if (fields != NULL && !json_is_object(fields))
		return 0;
	for (i = 0; i < F_COUNT; i++)
		texts[i] = draft_names[i] == NULL || fields == NULL ? "" :
		    draft_str(fields, draft_names[i], UI_FIELD_MAX - 1, "",
		    &bad);
	if (strlen(texts[F_CURRENCY]) > 3)
		return 0;
	*story = draft_str(root, "story", PRODUCT_STORY_MAX, "", &bad);
	sha = draft_str(root, "cover_sha", BLOB_SHA_LEN - 1, "", &bad);
	cover = draft_str(root, "cover_path", UPLOAD_PATH_MAX, "", &bad);
	if (bad || (sha[0] != '\0' && !draft_hex(sha)) ||
	    (cover[0] != '\0' && !upload_path_ok(cover)))
		return 0;
	snprintf(t->cover_sha, sizeof t->cover_sha, "%s", sha);
	snprintf(t->cover_path, sizeof t->cover_path, "%s", cover);
	t->cover_size = draft_int(root, "cover_size", 0, INT64_MAX, 0, &bad);
	if (!draft_autos(json_object_get(root, "autos"), t) ||
	    !draft_files(json_object_get(root, "files"), t))
		return 0;
	return !bad;
}

enum ny_err
wizard_draft_parse(struct wizard *z, const char *json)
{
	struct wizard *t = xcalloc(1, sizeof *t);
	const char *texts[F_COUNT], *story = "";
	json_error_t jerr;
	json_t *root;
	size_t max;
	int i, ok;

	root = json_loads(json, JSON_REJECT_DUPLICATES, &jerr);
	ok = root != NULL && draft_read(root, t, &story, texts);
	if (!ok) {
		wizard_auto_free(t);
		free(t);
		json_decref(root);
		return NY_EINVAL;
	}
	/* Taken whole: the fields keep the room the wizard gave them, or
	 * what the text needs (a field's own rule judges it on the way
	 * to the next step, with its message). */
	for (i = 0; i < F_COUNT; i++) {
		if (i == F_CURRENCY && texts[i][0] == '\0')
			continue;	/* the wizard's default */
		max = strlen(texts[i]) > z->f[i].max ? strlen(texts[i]) :
		    z->f[i].max;
		ui_field_init(&z->f[i], max, texts[i]);
	}
	max = z->story.max ? z->story.max : PRODUCT_STORY_MAX;
	ui_textarea_free(&z->story);
	ui_textarea_init(&z->story, max < strlen(story) ? strlen(story) : max,
	    story);
	wizard_auto_free(z);
	z->nautos = t->nautos;
	memcpy(z->autos, t->autos, sizeof z->autos);
	z->nfiles = t->nfiles;
	memcpy(z->files, t->files, sizeof z->files);
	z->step = t->step;
	z->kind = t->kind;
	z->pwyw = t->pwyw;
	z->focus = t->focus;
	z->slug_typed = t->slug_typed;
	z->edit_id = t->edit_id;
	z->editing = t->editing;
	memcpy(z->cover_sha, t->cover_sha, sizeof z->cover_sha);
	memcpy(z->cover_path, t->cover_path, sizeof z->cover_path);
	z->cover_size = t->cover_size;
	z->adding = 0;
	z->picking = PICK_OFF;
	z->err[0] = '\0';
	z->err_field = -1;
	memset(&z->alist, 0, sizeof z->alist);
	memset(&z->flist, 0, sizeof z->flist);
	z->alist.sel = z->flist.sel = -1;
	if (z->nautos > 0)
		z->alist.sel = 0;
	if (z->nfiles > 0)
		z->flist.sel = 0;
	free(t);
	json_decref(root);
	return NY_OK;
}

/* --- what the database knows better ---------------------------------- */

/* Drops kept files, the kept cover and saved automations: nothing of a
 * saved product stays in a draft that is (now) a new product. */
static void
draft_as_new(struct wizard *z)
{
	int i, n = 0;

	z->edit_id = 0;
	z->editing = 0;
	z->published = 0;
	z->download_limit = 0;
	z->cover_sha[0] = '\0';
	for (i = 0; i < z->nfiles; i++)
		if (z->files[i].id == 0)
			z->files[n++] = z->files[i];
	z->nfiles = n;
	for (i = n = 0; i < z->nautos; i++) {
		if (z->autos[i].removed) {
			free(z->autos[i].en);
			free(z->autos[i].sw);
			continue;
		}
		z->autos[n] = z->autos[i];
		z->autos[n++].id = 0;
	}
	z->nautos = n;
	z->flist.sel = z->nfiles ? 0 : -1;
	z->alist.sel = z->nautos ? 0 : -1;
}

/* Keeps the files with an id only when product id still has them. */
static void
draft_kept_files(struct wizard *z, struct ui_ctx *ctx)
{
	struct product_file *v = NULL;
	size_t nv = 0, j;
	int i, n = 0;

	if (product_files(ctx->db, z->edit_id, &v, &nv) != NY_OK)
		nv = 0;
	for (i = 0; i < z->nfiles; i++) {
		if (z->files[i].id != 0) {
			for (j = 0; j < nv && v[j].id != z->files[i].id; j++)
				;
			if (j == nv)
				continue;
		}
		z->files[n++] = z->files[i];
	}
	z->nfiles = n;
	z->flist.sel = n ? 0 : -1;
	free(v);
}

/* Saved automations the product no longer has: a removed one is gone
 * already, another one is added anew. */
static void
draft_kept_autos(struct wizard *z, struct ui_ctx *ctx)
{
	struct automation *v = NULL;
	size_t nv = 0, j;
	int i, n = 0;

	if (automation_list(ctx->db, z->edit_id, &v, &nv) != NY_OK)
		nv = 0;
	for (i = 0; i < z->nautos; i++) {
		struct wizard_auto *a = &z->autos[i];

		for (j = 0; a->id != 0 && j < nv && v[j].id != a->id; j++)
			;
		if (a->id != 0 && j == nv) {
			if (a->removed) {
				free(a->en);
				free(a->sw);
				continue;
			}
			a->id = 0;
		}
		z->autos[n++] = *a;
	}
	z->nautos = n;
	z->alist.sel = n ? 0 : -1;
	automation_list_free(v, nv);
}

void
wizard_draft_check(struct wizard *z, struct ui_ctx *ctx)
{
	struct product p;
	int i;

	if (z->edit_id == 0) {
		draft_as_new(z);
		return;
	}
	/* Zeroed, not product_init'ed: the read fills it whole (and
	 * product_free of a zeroed one frees nothing). */
	memset(&p, 0, sizeof p);
	if (product_get_by_id(ctx->db, z->edit_id, &p) != NY_OK ||
	    p.creator_id != ctx->s->creator_id) {
		draft_as_new(z);
		snprintf(z->err, sizeof z->err, "%s",
		    ui_tr(ctx, "tui.draft.gone"));
		product_free(&p);
		return;
	}
	/* Buyers hold the kind of a saved product: the database's. */
	for (i = 0; product_kinds[i] != NULL; i++)
		if (strcmp(product_kinds[i], p.kind) == 0)
			z->kind = i;
	z->download_limit = p.download_limit;
	z->published = strcmp(p.status, "published") == 0;
	if (strcmp(z->cover_sha, p.cover_sha256) != 0)
		z->cover_sha[0] = '\0';
	if (z->cover_sha[0] != '\0')
		blob_get(ctx->db, z->cover_sha, &z->cover_size, NULL);
	product_free(&p);
	draft_kept_files(z, ctx);
	draft_kept_autos(z, ctx);
}

/* --- the hooks --------------------------------------------------------- */

/*
 * What this session last wrote. Each SSH connection is its own process
 * with one console, so this is per session. It lets a session that
 * another one took over stop writing: a connection dropped without a
 * word (mobile data) leaves its process ticking until the server gives
 * up on it, and that stale wizard must not bring back a draft the new
 * session has since published or discarded, nor write over its work.
 */
static struct {
	char	*last;		/* the JSON written, or NULL: none yet */
	char	*base;		/* the wizard as opened: nothing to keep */
	int	 step;		/* its step */
	int64_t	 at_ms;		/* when */
	int	 stopped;	/* the draft is another session's now */
	int	 done;		/* published or discarded: nothing to keep */
} draft_mine;

/*
 * z's draft as this session writes it: wizard_draft_json with the
 * session's process id ("by"; each connection is its own process). Two
 * sessions never write the same text, so the one whose draft another
 * has written over notices and stops (the restore ignores "by").
 */
static char *
draft_state(const struct wizard *z)
{
	json_t *root = draft_object(z);
	char *s;

	if (root == NULL)
		return NULL;
	json_object_set_new(root, "by", json_integer((json_int_t)getpid()));
	s = json_dumps(root, JSON_COMPACT);
	json_decref(root);
	return s;
}

static void
draft_mine_reset(const char *json, int step)
{
	free(draft_mine.last);
	draft_mine.last = json ? xstrdup(json) : NULL;
	draft_mine.step = step;
	draft_mine.at_ms = ny_now_ms();
	draft_mine.stopped = 0;
	draft_mine.done = 0;
}

/* The wizard as its init left it (a product opened for editing, as
 * saved): the same state later is nothing worth a draft. */
static void
draft_mine_base(const struct wizard *z)
{
	free(draft_mine.base);
	draft_mine.base = draft_state(z);
}

int
wizard_draft_tick(void *data, struct ui_ctx *ctx)
{
	struct wizard *z = data;
	char *now, *was = NULL;
	enum ny_err rc;

	if (draft_mine.stopped || !wizard_draft_worth(z))
		return 0;
	if ((now = draft_state(z)) == NULL)
		return 0;
	if ((draft_mine.last == NULL && draft_mine.base != NULL &&
	    strcmp(now, draft_mine.base) == 0) ||
	    (draft_mine.last != NULL && strcmp(now, draft_mine.last) == 0) ||
	    (draft_mine.last != NULL && z->step == draft_mine.step &&
	    ny_now_ms() - draft_mine.at_ms < DRAFT_EVERY * 1000)) {
		free(now);
		return 0;
	}
	rc = draft_get(ctx->db, ctx->s->creator_id, "wizard", &was, NULL);
	if (draft_mine.last != NULL && (rc == NY_ENOTFOUND ||
	    (rc == NY_OK && strcmp(was, draft_mine.last) != 0))) {
		/* Published, discarded or written by another session. */
		log_info("draft taken over by another session", "creator=%lld",
		    (long long)ctx->s->creator_id);
		draft_mine.stopped = 1;
	} else if (rc == NY_OK || rc == NY_ENOTFOUND) {
		/* A failure is tried again at the next tick. */
		if ((rc = draft_save(ctx->db, ctx->s->creator_id, "wizard",
		    now)) == NY_OK)
			draft_mine_reset(now, z->step);
		else
			log_debug("draft not saved", "err=%s", ny_strerror(rc));
	}
	free(was);
	free(now);
	return 0;
}

/* Deletes the creator's draft; this session's next write starts afresh. */
static void
draft_forget(struct ui_ctx *ctx)
{
	enum ny_err rc;

	draft_mine_reset(NULL, 0);
	if ((rc = draft_clear(ctx->db, ctx->s->creator_id)) != NY_OK)
		log_warn("draft not cleared", "err=%s", ny_strerror(rc));
}

void
wizard_draft_clear(struct ui_ctx *ctx)
{
	draft_forget(ctx);
	draft_mine.done = 1;
}

void
wizard_draft_leave(void *data, struct ui_ctx *ctx)
{
	/* The last keys typed (within the 2 s between writes) are kept
	 * when the creator leaves for another screen or quits. */
	if (draft_mine.done)
		return;
	draft_mine.at_ms = 0;
	wizard_draft_tick(data, ctx);
}

/* The creator's draft when it reads as one; an unreadable one is
 * forgotten (it could never be restored). */
static char *
draft_load(struct ui_ctx *ctx, struct wizard *probe)
{
	char *json = NULL;

	if (draft_get(ctx->db, ctx->s->creator_id, "wizard", &json, NULL) !=
	    NY_OK)
		return NULL;
	if (wizard_draft_parse(probe, json) != NY_OK) {
		log_warn("unreadable draft dropped", "creator=%lld",
		    (long long)ctx->s->creator_id);
		draft_forget(ctx);
		free(json);
		return NULL;
	}
	return json;
}

/* Asks whether to continue the draft, naming its title when it has one. */
static int
draft_ask(struct ui_ctx *ctx, const struct wizard *probe)
{
	char title[200], *q;
	int yes;

	if (probe->f[F_TITLE].len == 0)
		return ui_confirm(ctx, ui_tr(ctx, "tui.draft.offer"));
	ui_cut(probe->f[F_TITLE].text, 40, title, sizeof title);
	q = i18n_fmt(ctx->lang, "tui.draft.offer_title", "title", title, NULL);
	yes = ui_confirm(ctx, q);
	free(q);
	return yes;
}

/* A zeroed wizard that wizard_draft_parse can fill, and its end. */
static struct wizard *
draft_probe(void)
{
	struct wizard *p = xcalloc(1, sizeof *p);

	ui_textarea_init(&p->story, PRODUCT_STORY_MAX, NULL);
	return p;
}

static void
draft_probe_free(struct wizard *p)
{
	wizard_auto_free(p);
	ui_textarea_free(&p->story);
	free(p);
}

int
wizard_draft_offer(struct ui_ctx *ctx)
{
	struct wizard *probe = draft_probe();
	char *json = draft_load(ctx, probe);
	int yes = 0;

	if (json != NULL && (yes = draft_ask(ctx, probe))) {
		ctx->resume_draft = 1;
		ctx->switch_to = 'n';	/* the wizard's key */
	}
	free(json);
	draft_probe_free(probe);
	return yes;
}

void
wizard_draft_resume(struct wizard *z, struct ui_ctx *ctx)
{
	struct wizard *probe;
	char *json;
	int resume = ctx->resume_draft;

	ctx->resume_draft = 0;
	draft_mine_reset(NULL, z->step);
	draft_mine_base(z);
	probe = draft_probe();
	if ((json = draft_load(ctx, probe)) != NULL &&
	    (resume || draft_ask(ctx, probe)) &&
	    wizard_draft_parse(z, json) == NY_OK) {
		char *mine;

		wizard_draft_check(z, ctx);
		/*
		 * The draft is this session's from now on: written at once
		 * with this session's mark, so a dropped session still
		 * flushing its last change sees it is no longer its own and
		 * stops (rather than this one stopping at its next tick).
		 */
		if ((mine = draft_state(z)) != NULL && draft_save(ctx->db,
		    ctx->s->creator_id, "wizard", mine) == NY_OK)
			draft_mine_reset(mine, z->step);
		else
			draft_mine_reset(json, z->step);
		free(mine);
	}
	draft_probe_free(probe);
	free(json);
}
