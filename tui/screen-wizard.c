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
 * through the picker (the content step's list: wizard-files.c); the
 * automations step is wizard-auto.c; wizard-int.h is what they share.
 * The wizard keeps the relative path the listing gave and opens it with
 * upload_open when it saves (so a file swapped for a symlink meanwhile
 * is refused), copies it into the store, and saves the product with its
 * whole file list and its tags in one transaction (product_save_tags).
 * The basics ask for the pricing: a fixed price, or pay what you want
 * (the price is then the minimum, 0 allowed, plus an optional suggested
 * amount). Editing keeps the
 * files already attached without copying them again; the kind of a
 * saved product cannot change.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/stat.h>
#include <unistd.h>

#include "blob.h"
#include "i18n.h"
#include "image.h"
#include "money.h"
#include "product.h"
#include "product-tag.h"
#include "ssh-int.h"
#include "ui.h"
#include "upload.h"
#include "wizard-int.h"

/* Column names of product_validate → our fields ("tags" has no rule
 * there: product_tags_parse says why). */
static const char *const wiz_columns[F_COUNT] = {
	"title", "slug", "price_minor", "currency", "summary",
	"period_days", "starts_at", "venue", "capacity", "join_url", "pwyw",
	"suggested_minor", "tags", "files", "cover_sha256"
};

/* The label key of field f (wizard_label: "Minimum" with pwyw). */
#define wiz_label(z, f)	wizard_label((z)->pwyw, (f))

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
	const char *kind = product_kinds[z->kind];
	int n = 0;

	if (step == S_BASICS)
		return wizard_basics_fields(z->pwyw, out);
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

/* "YYYY-MM-DD HH:MM" in East Africa Time: NY_OK or NY_EINVAL. */
static enum ny_err
parse_time(const char *s, int64_t *out)
{
	char iso[64];

	if (strlen(s) != 16 || s[10] != ' ')
		return NY_EINVAL;
	snprintf(iso, sizeof iso, "%.10sT%.5s:00+03:00", s, s + 11);
	return ny_parse_iso8601(iso, out);
}

/* The edited product's tags, as "music, live" (none on error). */
static void
wiz_load_tags(struct wizard *z, struct ui_ctx *ctx)
{
	struct product_tags t;
	char buf[PRODUCT_TAGS_MAX * (PRODUCT_TAG_MAX + 2) + 1];

	buf[0] = '\0';
	if (product_tags_get(ctx->db, z->edit_id, &t) == NY_OK)
		product_tags_join(&t, buf, sizeof buf);
	ui_field_init(&z->f[F_TAGS], 400, buf);
}

static void
wiz_load(struct wizard *z, struct ui_ctx *ctx)
{
	struct product p;
	char buf[64];
	int i;

	/* Zeroed, not product_init'ed: the read fills it whole. */
	memset(&p, 0, sizeof p);
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
	z->pwyw = p.pwyw;
	money_format(p.suggested_minor, p.currency, "en", buf, sizeof buf);
	ui_field_init(&z->f[F_SUGGESTED], 20, p.suggested_minor < 0 ? "" :
	    strchr(buf, ' ') ? strchr(buf, ' ') + 1 : buf);
	wiz_load_tags(z, ctx);
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
	wizard_files_load(z, ctx);
	wizard_auto_load(z, ctx);
}

static void *
wiz_init(struct ui_ctx *ctx)
{
	struct wizard *z = xcalloc(1, sizeof *z);
	int i;

	for (i = 0; i < F_COUNT; i++)
		ui_field_init(&z->f[i], i == F_CURRENCY ? 3 : 400, NULL);
	/* KES when a method takes it, else the first currency one does. */
	ui_field_init(&z->f[F_CURRENCY], 3, wizard_currency_step(
	    ctx->s->cfg->payments, "KES", 0));
	ui_field_init(&z->f[F_SLUG], PRODUCT_SLUG_MAX, NULL);
	z->err_field = -1;
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
	wizard_draft_resume(z, ctx);	/* the draft a dropped session left */
	ui_textarea_resize(&z->story, ctx->cols - 6, ctx->rows - 8);
	return z;
}

/* Fills p from the fields; on a parse error names the field. */
static enum ny_err
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
	/* Checked before the price: an unknown currency (an old product's,
	 * typed before it was a choice) would make any price fail to parse
	 * and blame the wrong field. */
	if (!money_currency_ok(p->currency))
		return *bad = F_CURRENCY, NY_EINVAL;
	p->pwyw = z->pwyw;
	if (wizard_pricing(z->pwyw, z->f[F_PRICE].text, z->f[F_SUGGESTED].text,
	    p->currency, &p->price_minor, &p->suggested_minor, bad) != NY_OK)
		return NY_EINVAL;
	/* Numbers are only parsed here: their bounds are product_validate's. */
	if (strcmp(kind, "subscription") == 0) {
		if (ny_parse_int(z->f[F_PERIOD].text, INT64_MIN, INT64_MAX, &v)
		    != NY_OK)
			return *bad = F_PERIOD, NY_EINVAL;
		p->period_days = v;
	}
	if (strcmp(kind, "ticket") == 0 || strcmp(kind, "webinar") == 0) {
		if (parse_time(z->f[F_STARTS].text, &p->starts_at) != NY_OK)
			return *bad = F_STARTS, NY_EINVAL;
	}
	if (strcmp(kind, "ticket") == 0) {
		if (ny_parse_int(z->f[F_CAPACITY].text, INT64_MIN, INT64_MAX,
		    &v) != NY_OK)
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

/* "KES, USD": the currencies the choice offers (wizard_currencies). */
static void
wiz_currency_list(struct ui_ctx *ctx, const char *sep, char *buf, size_t len)
{
	const char *v[WIZ_CURRENCIES_MAX];
	int n = wizard_currencies(ctx->s->cfg->payments, v, WIZ_CURRENCIES_MAX);
	size_t o = 0;
	int i;

	buf[0] = '\0';
	for (i = 0; i < n && o < len; i++)
		o += (size_t)snprintf(buf + o, len - o, "%s%s", i ? sep : "",
		    v[i]);
}

/* The start the edited product has in the database (0 for a new one),
 * so that an event already held can keep its date (wizard_start_check). */
static int64_t
wiz_saved_starts(const struct wizard *z, struct ui_ctx *ctx)
{
	struct product p;
	int64_t t = 0;

	if (!z->editing || z->edit_id == 0)
		return 0;
	/* Zeroed, not product_init'ed: the read fills it whole. */
	memset(&p, 0, sizeof p);
	if (product_get_by_id(ctx->db, z->edit_id, &p) == NY_OK &&
	    p.creator_id == ctx->s->creator_id)
		t = p.starts_at;
	product_free(&p);
	return t;
}

/* An event's start as typed against now: WIZ_START_*, or -1 when this
 * is no event or the start does not parse (wiz_build says so). */
static int
wiz_start_state(const struct wizard *z, struct ui_ctx *ctx)
{
	const char *kind = product_kinds[z->kind];
	int64_t t;

	if (strcmp(kind, "ticket") != 0 && strcmp(kind, "webinar") != 0)
		return -1;
	if (parse_time(z->f[F_STARTS].text, &t) != NY_OK)
		return -1;
	return wizard_start_check(t, ny_now(), wiz_saved_starts(z, ctx));
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
	snprintf(z->err, sizeof z->err, "%s: %s", ui_tr(ctx, wiz_label(z, f)),
	    why);
	z->err_field = f;
	return 1;
}

/*
 * Checks everything up to the current step; 1 when fine. The rules are
 * product_validate's, each with its message; a number that does not
 * parse gets its field's rule too, a price or time the format to type.
 */
static int
wiz_validate(struct wizard *z, struct ui_ctx *ctx)
{
	const struct product_rule *rule;
	struct product_tags tags;
	const char *twhy = NULL;
	struct product p;
	int bad = -1, i, ok = 1;

	z->err[0] = '\0';
	z->err_field = -1;
	if (wiz_build(z, ctx, &p, &bad) != NY_OK && bad == F_CURRENCY) {
		char list[64], *why;

		wiz_currency_list(ctx, ", ", list, sizeof list);
		why = i18n_fmt(ctx->lang, "tui.wiz.err.currency_pick", "list",
		    list, NULL);
		ok = !wiz_blame(z, ctx, bad, why);
		free(why);
	} else if (bad != -1 && step_of_field(z, bad) <= z->step) {
		ok = !wiz_blame(z, ctx, bad, ui_tr(ctx, bad == F_PRICE ||
		    bad == F_SUGGESTED ? "tui.wiz.err.price" :
		    bad == F_STARTS ? "tui.wiz.err.time" :
		    product_rule(wiz_columns[bad])->msgid));
	} else if (product_validate(&p, &rule) != NY_OK) {
		/* Also when a field of a later step did not parse (p is
		 * then built up to it): the rules of this step's fields,
		 * such as a suggested amount under the minimum, are told
		 * here, not after the content step. */
		for (i = 0; i < F_COUNT; i++)
			if (strcmp(rule->field, wiz_columns[i]) == 0)
				ok = !wiz_blame(z, ctx, i,
				    ui_tr(ctx, rule->msgid));
		if (strcmp(rule->field, "story_md") == 0 &&
		    z->step >= S_STORY) {
			z->step = S_STORY;
			snprintf(z->err, sizeof z->err, "%s: %s",
			    ui_tr(ctx, "tui.wiz.story"),
			    ui_tr(ctx, rule->msgid));
			z->err_field = F_COUNT;	/* the story */
			ok = 0;
		}
	} else if (bad == -1 && step_of_field(z, F_STARTS) <= z->step &&
	    wiz_start_state(z, ctx) == WIZ_START_PAST) {
		/* Nobody can come to an event that is over: refused here,
		 * not found out by the first buyer. */
		char *why = i18n_fmt(ctx->lang, "tui.wiz.err.past", "time",
		    z->f[F_STARTS].text, NULL);

		ok = !wiz_blame(z, ctx, F_STARTS, why);
		free(why);
	}
	product_free(&p);
	/* Tags are no column: product_tags_parse is their rule. */
	if (ok && step_of_field(z, F_TAGS) <= z->step &&
	    product_tags_parse(z->f[F_TAGS].text, &tags, &twhy) != NY_OK)
		ok = !wiz_blame(z, ctx, F_TAGS, ui_tr(ctx, twhy != NULL ? twhy :
		    "tag.err.chars"));
	if (ok && z->step >= S_AUTOS)
		ok = wizard_auto_ok(z, ctx);
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

/*
 * The label column for the labels keys[0..n) as the console language
 * writes them: the widest, within what leaves a value its columns
 * (wizard_label_cols), so "Starts (YYYY-MM-DD HH:MM)" or a longer
 * Swahili label is whole and 120 columns gives no wider gap than 80.
 */
static int
label_cols(struct ui_ctx *ctx, const char *const *keys, int n)
{
	int wv[F_COUNT + 4], i;

	for (i = 0; i < n && i < F_COUNT + 4; i++)
		wv[i] = ui_width(ui_tr(ctx, keys[i]));
	return wizard_label_cols(wv, i, ctx->cols);
}

/*
 * The currency is a choice: "< KES >" and the codes the configured
 * payment methods take, changed with ←/→ or Space (fields_key).
 */
static void
draw_currency(struct wizard *z, struct ui_ctx *ctx, WINDOW *w, int y, int x,
    int focused)
{
	char val[16], list[64], *hint;
	int cols = ctx->cols - x - 2, vw;

	snprintf(val, sizeof val, "< %.3s >", z->f[F_CURRENCY].text);
	vw = ui_width(val);
	if (focused)
		wattron(w, A_REVERSE);
	ui_put(w, y, x, val, cols, 0);
	wattroff(w, A_REVERSE);
	wiz_currency_list(ctx, " ", list, sizeof list);
	hint = i18n_fmt(ctx->lang, "tui.wiz.currency_hint", "list", list, NULL);
	if (cols > vw + 2)
		ui_put_cut(w, y, x + vw + 2, hint, cols - vw - 2, 0);
	free(hint);
	if (focused)
		ui_cursor_at(ctx, w, y, x + 2);
}

/* The pricing is a choice: "< Fixed price >" or "< Pay what you
 * want >", changed with ←/→ or Space (pricing_key). */
static void
draw_pricing(struct wizard *z, struct ui_ctx *ctx, WINDOW *w, int y, int x,
    int focused)
{
	char val[120];
	int cols = ctx->cols - x - 2;

	snprintf(val, sizeof val, "< %s >", ui_tr(ctx, z->pwyw ?
	    "tui.wiz.pricing.pwyw" : "tui.wiz.pricing.fixed"));
	if (focused)
		wattron(w, A_REVERSE);
	ui_put_cut(w, y, x, val, cols, 0);
	wattroff(w, A_REVERSE);
	if (focused)
		ui_cursor_at(ctx, w, y, x + 2);
}

/* Editing: the kind, which cannot change (buyers hold it). */
static void
draw_kind_fixed(struct wizard *z, struct ui_ctx *ctx, WINDOW *w, int y,
    int lw)
{
	char key[40], *v;

	snprintf(key, sizeof key, "tui.kind.%s", product_kinds[z->kind]);
	v = i18n_fmt(ctx->lang, "tui.wiz.kind_fixed", "kind", ui_tr(ctx, key),
	    NULL);
	ui_put_cut(w, y, 2, ui_tr(ctx, "tui.wiz.kind"), lw, 0);
	ui_put_cut(w, y, lw + 4, v, ctx->cols - lw - 6, 0);
	free(v);
}

static void
draw_fields(struct wizard *z, struct ui_ctx *ctx, WINDOW *w)
{
	const char *keys[F_COUNT + 1];
	int fs[F_COUNT], n = step_fields(z, z->step, fs), i, y = 4, fy = 4;
	int kind_row = z->editing && z->step == S_BASICS, nk = 0, lw, x, f;
	int cols, gap;

	for (i = 0; i < n; i++)
		keys[nk++] = wiz_label(z, fs[i]);
	if (kind_row)
		keys[nk++] = "tui.wiz.kind";
	lw = label_cols(ctx, keys, nk);
	x = lw + 4;
	cols = ctx->cols - x - 2;
	/* A blank line between items, unless that would push the last one
	 * under the hint and message lines (the basics of a pay what you
	 * want product being edited, on 24 rows). */
	gap = 4 + 2 * (n + kind_row - 1) <= ctx->rows - 5 ? 2 : 1;
	if (kind_row) {
		draw_kind_fixed(z, ctx, w, y, lw);
		y += gap;
	}
	for (i = 0; i < n; i++, y += gap) {
		f = fs[i];
		if (i == z->focus)
			fy = y;
		ui_put_cut(w, y, 2, ui_tr(ctx, wiz_label(z, f)), lw, 0);
		if (f == F_FILES)
			y += wizard_files_draw(z, ctx, w, y, x, i == z->focus,
			    n) - 1;
		else if (f == F_COVER)
			wizard_files_cover_draw(z, ctx, w, y, x, i == z->focus);
		else if (f == F_CURRENCY)
			draw_currency(z, ctx, w, y, x, i == z->focus);
		else if (f == F_PRICING)
			draw_pricing(z, ctx, w, y, x, i == z->focus);
		else if (i != z->focus)
			ui_field_draw(&z->f[f], w, y, x, cols, 0);
		if (f == F_STARTS &&
		    wiz_start_state(z, ctx) == WIZ_START_PAST_KEPT) {
			/* Allowed on an edit, but said: see wizard_start_check. */
			wattron(w, ui_attr_bad(ctx));
			ui_put_cut(w, y + 1, x, ui_tr(ctx, "tui.wiz.past_kept"),
			    cols, 0);
			wattroff(w, ui_attr_bad(ctx));
		}
	}
	if (n == 0)
		return;
	f = fs[z->focus];
	if (f == F_FILES || f == F_COVER) {
		ui_put_cut(w, ctx->rows - 4, 2, ui_tr(ctx, f == F_FILES ?
		    "tui.wiz.files_keys" : "tui.wiz.cover_keys"),
		    ctx->cols - 4, 0);
		return;
	}
	if (f == F_PRICING || f == F_TAGS || f == F_SUGGESTED)
		ui_put_cut(w, ctx->rows - 4, 2, ui_tr(ctx, f == F_PRICING ?
		    "tui.wiz.pricing_keys" : f == F_TAGS ? "tui.wiz.tags_hint" :
		    "tui.wiz.suggested_hint"), ctx->cols - 4, 0);
	if (f == F_CURRENCY || f == F_PRICING)
		return;
	ui_field_draw(&z->f[f], w, fy, x, cols, 1);
	ui_cursor_at(ctx, w, fy, x + ui_field_cursor_col(&z->f[f], cols));
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
		ui_put_cut(w, 4 + i, 4, ui_tr(ctx, key), 30, 1);
		if (i == z->kind)
			wattroff(w, A_REVERSE);
		snprintf(key, sizeof key, "tui.kind.%s.about", product_kinds[i]);
		ui_put_cut(w, 4 + i, 36, ui_tr(ctx, key), ctx->cols - 38, 0);
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
	int64_t minor = 0, starts = 0, period = 0, now = ny_now();
	int i, y = 4;

	/* Pay what you want: the receipt of a buyer who gave the
	 * suggested amount (else the minimum). */
	if (!z->pwyw || money_parse(z->f[F_SUGGESTED].text,
	    z->f[F_CURRENCY].text, &minor) != NY_OK)
		money_parse(z->f[F_PRICE].text, z->f[F_CURRENCY].text, &minor);
	parse_time(z->f[F_STARTS].text, &starts);
	/* The reminder's time: a subscription bought now ends after its
	 * period; an event starts when it starts. */
	if (strcmp(kind, "subscription") == 0) {
		ny_parse_int(z->f[F_PERIOD].text, 1, INT64_MAX / 86400 / 2,
		    &period);
		starts = wizard_sub_end(now, period);
	}
	fmt_time(starts ? starts : now, when, sizeof when);
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
	ui_put_cut(w, y, 2, ui_tr(ctx, "tui.wiz.delivery_keys"), ctx->cols - 4, 0);
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
	if (f == F_PRICING) {
		snprintf(buf, len, "%s", ui_tr(ctx, z->pwyw ?
		    "tui.wiz.pricing.pwyw" : "tui.wiz.pricing.fixed"));
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

/* One line of the review: the label in lw columns, the value after. */
static void
review_line(struct ui_ctx *ctx, WINDOW *w, int y, int lw, const char *label,
    const char *val)
{
	ui_put_cut(w, y, 2, label, lw, 0);
	ui_put_cut(w, y, lw + 4, val, ctx->cols - lw - 6, 0);
}

static void
draw_review(struct wizard *z, struct ui_ctx *ctx, WINDOW *w)
{
	const char *keys[2 * F_COUNT + 2];
	int fs[F_COUNT], n, i, s, y = 4, nk = 0, lw;
	char key[40], val[1000];

	/* Values line up after the longest label shown, whatever its
	 * length in the console language. */
	keys[nk++] = "tui.wiz.kind";
	keys[nk++] = "tui.wiz.story";
	for (s = S_BASICS; s <= S_CONTENT; s++) {
		n = step_fields(z, s, fs);
		for (i = 0; i < n; i++)
			keys[nk++] = wiz_label(z, fs[i]);
	}
	lw = label_cols(ctx, keys, nk);
	snprintf(key, sizeof key, "tui.kind.%s", product_kinds[z->kind]);
	review_line(ctx, w, y++, lw, ui_tr(ctx, "tui.wiz.kind"),
	    ui_tr(ctx, key));
	for (s = S_BASICS; s <= S_CONTENT && y < ctx->rows - 4; s++) {
		n = step_fields(z, s, fs);
		for (i = 0; i < n && y < ctx->rows - 4; i++) {
			review_value(z, ctx, fs[i], val, sizeof val);
			review_line(ctx, w, y++, lw,
			    ui_tr(ctx, wiz_label(z, fs[i])), val);
		}
	}
	snprintf(val, sizeof val, "%zu B", z->story.len);
	review_line(ctx, w, y++, lw, ui_tr(ctx, "tui.wiz.story"), val);
	wattron(w, A_BOLD);
	ui_put_cut(w, y + 1, 2, ui_tr(ctx, !z->editing ? "tui.wiz.review_keys" :
	    z->published ? "tui.wiz.review_keys_live" :
	    "tui.wiz.review_keys_edit"), ctx->cols - 4, 0);
	wattroff(w, A_BOLD);
}

/*
 * Editing, the title bar names the product: "Edit product: Nairobi Gig".
 * ui_bar_title draws a screen's fixed title, so this draws over its
 * text (same layout), leaving the clock at the right as it was.
 */
static void
draw_edit_title(struct wizard *z, struct ui_ctx *ctx, WINDOW *w)
{
	char *t = i18n_fmt(ctx->lang, "tui.wiz.edit_of", "title",
	    z->f[F_TITLE].text, NULL);
	char *buf = xasprintf(" Nyota · %s · %c %s", ctx->s->handle,
	    screen_wizard.hotkey, t);

	wattron(w, A_REVERSE);
	ui_put_cut(w, 0, 0, buf, ctx->cols - 7, 1);
	wattroff(w, A_REVERSE);
	free(buf);
	free(t);
}

/*
 * The step's message, whole: wrapped on the two lines above the status
 * bar, or three (over the key hints, drawn before it) when it needs
 * them. A message cut at the edge would lose what to do about it.
 */
static void
draw_err(struct wizard *z, struct ui_ctx *ctx, WINDOW *w)
{
	struct ui_vline v[4];
	int n, i, cols = ctx->cols - 4;

	if (z->err[0] == '\0')
		return;
	n = ui_wrap(z->err, strlen(z->err), cols < 4 ? 4 : cols, v, 4);
	n = n < 2 ? 2 : n > 3 ? 3 : n;
	for (i = 1; i <= n; i++)
		ui_put(w, ctx->rows - 1 - i, 2, "", cols, 1);
	wattron(w, ui_attr_bad(ctx));
	ui_put_wrapped(w, ctx->rows - 1 - n, 2, z->err, cols, n);
	wattroff(w, ui_attr_bad(ctx));
}

static void
wiz_draw(void *data, struct ui_ctx *ctx, WINDOW *w)
{
	struct wizard *z = data;
	char head[200];
	int line, col;

	if (z->editing)
		draw_edit_title(z, ctx, w);
	snprintf(head, sizeof head, "%s %d/%d · %s", ui_tr(ctx, z->edit_id ?
	    "tui.wiz.editing" : "tui.wiz.step"), z->step + 1, S_COUNT,
	    ui_tr(ctx, wiz_step_titles[z->step]));
	wattron(w, A_BOLD);
	ui_put_cut(w, 2, 2, head, ctx->cols - 4, 0);
	wattroff(w, A_BOLD);
	if (z->picking != PICK_OFF) {
		wizard_files_pick_draw(z, ctx, w);
		draw_err(z, ctx, w);
		return;
	}
	switch (z->step) {
	case S_KIND:
		draw_kind(z, ctx, w);
		break;
	case S_STORY:
		ui_textarea_resize(&z->story, ctx->cols - 6, ctx->rows - 9);
		ui_textarea_draw(&z->story, w, 4, 3, 1);
		ui_textarea_cursor(&z->story, &line, &col);
		ui_cursor_at(ctx, w, 4 + line - z->story.top, 3 + col);
		break;
	case S_DELIVERY:
		draw_delivery(z, ctx, w);
		break;
	case S_AUTOS:
		wizard_auto_draw(z, ctx, w);
		break;
	case S_REVIEW:
		draw_review(z, ctx, w);
		break;
	default:
		draw_fields(z, ctx, w);
	}
	draw_err(z, ctx, w);
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
    enum ny_err err)
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
static enum ny_err
wiz_copy_files(struct wizard *z, struct ui_ctx *ctx, struct product_file *v)
{
	const char *dir = ctx->s->cfg->data_dir;
	struct wiz_progress pr = { ctx, NULL };
	enum ny_err err;
	int i, fd;

	for (i = 0; i < z->nfiles; i++) {
		struct wizard_file *f = &z->files[i];

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
			wizard_files_select(z, i);
			wiz_open_err(z, ctx, F_FILES, f->path, err);
			return err;
		}
	}
	return NY_OK;
}

/* A new cover goes through image_put_fd (the real check); sha gets it. */
static enum ny_err
wiz_copy_cover(struct wizard *z, struct ui_ctx *ctx, char sha[BLOB_SHA_LEN])
{
	const char *why = NULL;
	char reason[160];
	enum ny_err err;
	int fd;

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
		wizard_files_err(z, ctx, "tui.wiz.err.samename",
		    z->files[bad].name);
	else if (err == NY_ESTATE && field == NULL)
		snprintf(z->err, sizeof z->err, "%s",
		    ui_tr(ctx, "tui.wiz.err.downloaded"));
	else if (err == NY_ENOTFOUND && field == NULL && bad < (size_t)z->nfiles)
		wizard_files_err(z, ctx, "tui.wiz.err.gone", z->files[bad].name);
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
static enum ny_err
wiz_store(struct wizard *z, struct ui_ctx *ctx)
{
	struct product_file *v = xcalloc((size_t)z->nfiles + 1, sizeof *v);
	int files = kind_has_files(product_kinds[z->kind]);
	char sha[BLOB_SHA_LEN];
	const char *field = NULL;
	int64_t id = z->edit_id;
	struct product_tags tags;
	struct product p;
	size_t bad = (size_t)-1;
	enum ny_err err;
	int unused;

	if ((err = files ? wiz_copy_files(z, ctx, v) : NY_OK) != NY_OK ||
	    (err = wiz_copy_cover(z, ctx, sha)) != NY_OK)
		goto out;
	wiz_build(z, ctx, &p, &unused);
	snprintf(p.cover_sha256, sizeof p.cover_sha256, "%s", sha);
	/* wiz_validate parsed them already: cannot fail here. */
	if (product_tags_parse(z->f[F_TAGS].text, &tags, NULL) != NY_OK)
		memset(&tags, 0, sizeof tags);
	err = product_save_tags(ctx->db, &p, v, files ? (size_t)z->nfiles : 0,
	    &tags, &id, &field, &bad);
	product_free(&p);
	if (err != NY_OK) {
		wiz_save_err(z, ctx, err, field, bad);
		goto out;
	}
	z->edit_id = id;
	snprintf(z->cover_sha, sizeof z->cover_sha, "%s", sha);
	z->cover_path[0] = '\0';
	err = wizard_files_load(z, ctx);
out:
	free(v);
	return err;
}

/*
 * 1 when some configured payment method takes the product's currency
 * (pay_takes); else 0 with the step error on the currency field naming
 * it and the methods: such a product could only fail at every checkout.
 */
static int
wiz_currency_ok(struct wizard *z, struct ui_ctx *ctx)
{
	char cur[4], *why;

	snprintf(cur, sizeof cur, "%.3s", z->f[F_CURRENCY].text);
	if ((why = ui_unpayable(ctx, ctx->s->cfg->payments,
	    "tui.wiz.err.currency", cur)) == NULL)
		return 1;
	wiz_blame(z, ctx, F_CURRENCY, why);
	free(why);
	return 0;
}

static int
wiz_save(struct wizard *z, struct ui_ctx *ctx, int publish)
{
	int64_t before;
	enum ny_err err;

	if (!wiz_validate(z, ctx))
		return UI_HANDLED | UI_REDRAW;
	/* A download with nothing to download would be a broken sale; a
	 * draft save of one on sale does not take it off sale either. */
	if ((publish || z->published) &&
	    !product_publish_ok(product_kinds[z->kind], z->nfiles)) {
		wiz_blame(z, ctx, F_FILES, ui_tr(ctx, "tui.wiz.err.nofiles"));
		return UI_HANDLED | UI_REDRAW;
	}
	if ((publish || z->published) && !wiz_currency_ok(z, ctx))
		return UI_HANDLED | UI_REDRAW;
	before = z->edit_id;
	if (wiz_store(z, ctx) != NY_OK)
		return UI_HANDLED | UI_REDRAW;
	/* The row is written: recorded even if what follows fails (a
	 * retry then is an edit of it). */
	ui_audit(ctx, before == 0 ? "product.create" : "product.edit",
	    z->f[F_SLUG].text);
	err = wizard_auto_save(z, ctx, z->edit_id);
	if (err == NY_OK && publish)
		err = product_set_status(ctx->db, z->edit_id, "published");
	if (err != NY_OK) {
		snprintf(z->err, sizeof z->err, "%s (%s)",
		    ui_tr(ctx, "tui.wiz.err.save"), ui_strerror(ctx->lang, err));
		return UI_HANDLED | UI_REDRAW;
	}
	if (publish && !z->published)
		ui_audit(ctx, "product.publish", z->f[F_SLUG].text);
	if (publish)
		z->published = 1;
	snprintf(ctx->flash, sizeof ctx->flash, "%s", ui_tr(ctx, publish ?
	    (z->editing ? "tui.wiz.published_edit" : "tui.wiz.published") :
	    (z->editing ? "tui.wiz.saved_edit" : "tui.wiz.saved")));
	wizard_draft_clear(ctx);	/* saved: no draft to offer */
	ctx->switch_to = '3';
	return UI_HANDLED | UI_REDRAW;
}

/* The message of a field once it changes: the creator is fixing it (it
 * is checked again on the way to the next step). */
static void
wiz_unblame(struct wizard *z, int f)
{
	if (z->err_field == f) {
		z->err[0] = '\0';
		z->err_field = -1;
	}
}

/* An editing key on text field f. */
static int
field_edit(struct wizard *z, int f, int ch)
{
	char was[UI_FIELD_MAX];

	memcpy(was, z->f[f].text, sizeof was);
	if (!ui_field_key(&z->f[f], ch))
		return UI_HANDLED;
	if (strcmp(was, z->f[f].text) != 0)
		wiz_unblame(z, f);
	return UI_HANDLED | UI_REDRAW;
}

/* ←/→ or Space on the pricing: fixed price ⇄ pay what you want. The
 * price field's text stays (it is the minimum then); the suggested
 * amount comes and goes with pay what you want. */
static int
pricing_key(struct wizard *z, int ch)
{
	if (ch != KEY_LEFT && ch != KEY_RIGHT && ch != ' ')
		return UI_HANDLED;
	z->pwyw = !z->pwyw;
	wiz_unblame(z, F_PRICING);
	wiz_unblame(z, F_SUGGESTED);
	return UI_HANDLED | UI_REDRAW;
}

/* ←/→ or Space on the currency: the previous or next one a configured
 * payment method takes. Nothing is typed there. */
static int
currency_key(struct wizard *z, struct ui_ctx *ctx, int ch)
{
	int dir = ch == KEY_LEFT ? -1 : ch == KEY_RIGHT || ch == ' ' ? 1 : 0;

	if (dir == 0)
		return UI_HANDLED;
	ui_field_init(&z->f[F_CURRENCY], 3, wizard_currency_step(
	    ctx->s->cfg->payments, z->f[F_CURRENCY].text, dir));
	wiz_unblame(z, F_CURRENCY);
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
	    wizard_files_key(z, ctx, fs[z->focus], ch))
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
	if (fs[z->focus] == F_CURRENCY)
		return currency_key(z, ctx, ch);
	if (fs[z->focus] == F_PRICING)
		return pricing_key(z, ch);
	if (fs[z->focus] == F_SLUG)
		z->slug_typed = 1;
	return field_edit(z, fs[z->focus], ch);
}

static int
step_key(struct wizard *z, struct ui_ctx *ctx, int ch)
{
	size_t was;
	int r;

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
		if (ch == '\t') {
			wiz_next(z, ctx);
			return UI_HANDLED | UI_REDRAW;
		}
		was = z->story.len;
		ui_textarea_key(&z->story, ch);
		if (z->story.len != was)
			wiz_unblame(z, F_COUNT);	/* being fixed */
		return UI_HANDLED | UI_REDRAW;
	case S_DELIVERY:
		if (ch == '\r' || ch == '\n' || ch == KEY_ENTER || ch == '\t')
			wiz_next(z, ctx);
		return UI_HANDLED | UI_REDRAW;
	case S_AUTOS:
		if ((r = wizard_auto_key(z, ctx, ch)) != 0)
			return r;
		if (ch == '\r' || ch == '\n' || ch == KEY_ENTER || ch == '\t')
			wiz_next(z, ctx);
		return UI_HANDLED | UI_REDRAW;
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
		return wizard_files_pick_key(z, ctx, ch);
	if (ch == 27 && z->step == S_AUTOS && z->adding)
		return wizard_auto_key(z, ctx, ch);
	if (ch == 27) {
		if (ui_confirm(ctx, ui_tr(ctx, "tui.wiz.cancel_q"))) {
			wizard_draft_clear(ctx);	/* discarded */
			ctx->switch_to = z->edit_id ? '3' : '1';
		}
		return UI_HANDLED | UI_REDRAW;
	}
	if (ch == KEY_BTAB || ch == 2) {	/* Shift-Tab, ^B: back */
		z->adding = 0;
		if (z->step > (z->editing ? S_BASICS : S_KIND))
			z->step--;
		z->focus = 0;
		z->err[0] = '\0';
		z->err_field = -1;
		return UI_HANDLED | UI_REDRAW;
	}
	return step_key(z, ctx, ch);
}

static void
wiz_free(void *data)
{
	struct wizard *z = data;

	wizard_auto_free(z);
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
	.tick = wizard_draft_tick,	/* keeps the draft (wizard-draft.c) */
	.leave = wizard_draft_leave,	/* and the last keys typed */
	.free = wiz_free,
	.wants_text = 1,
};
