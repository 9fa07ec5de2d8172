/*
 * screen-discounts.c: the creator's discount codes, opened from Products
 * (d). The list shows each code with what it is for, what it takes off,
 * its dates (days in EAT), its uses (orders pending or paid, of the most
 * allowed) and the revenue of its paid lines (discount_list); n opens
 * the form for a new one, o turns the selected one off or on.
 *
 * The form is a column of fields: text fields for the code, the value,
 * the dates and the limits, and choices (← →) for the product, the kind
 * and a fixed amount's currency (a product's own currency when the code
 * is for one product). Enter creates from any field; a refusal is shown
 * under the form in the console's language (discount.err.*) and nothing
 * typed is lost. discount_create writes the audit line.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "discount.h"
#include "i18n.h"
#include "money.h"
#include "product.h"
#include "screen-discounts.h"
#include "ssh-int.h"

#define SD_CELL		160	/* bytes of one cell's text */
#define SD_EAT		(3 * 3600)

/* The form's fields, top to bottom. */
enum sd_field {
	SD_CODE, SD_FOR, SD_KIND, SD_VALUE, SD_CURRENCY, SD_STARTS, SD_ENDS,
	SD_MAX, SD_PHONE, SD_NFIELDS
};

static const char *const sd_labels[SD_NFIELDS] = {
	[SD_CODE] = "tui.disc.f.code", [SD_FOR] = "tui.disc.f.for",
	[SD_KIND] = "tui.disc.f.kind", [SD_VALUE] = "tui.disc.f.value",
	[SD_CURRENCY] = "tui.disc.f.currency",
	[SD_STARTS] = "tui.disc.f.starts", [SD_ENDS] = "tui.disc.f.ends",
	[SD_MAX] = "tui.disc.f.max", [SD_PHONE] = "tui.disc.f.phone",
};

static const char *const sd_currencies[] = { "KES", "TZS", "UGX", "USD" };
#define SD_NCUR	((int)(sizeof sd_currencies / sizeof sd_currencies[0]))

struct sd_form {
	struct ui_field	 f[SD_NFIELDS];	/* the text fields' */
	int		 focus;
	int		 product;	/* index into products, -1 = all */
	int		 fixed;		/* kind: 0 percent, 1 fixed */
	int		 currency;	/* index into sd_currencies */
	char		 err[200];
};

struct screen_discounts {
	struct discount	*v;
	int		 n;
	int		 ok;
	struct ui_list	 list;
	struct product	*products;	/* the creator's, for the form */
	size_t		 nproducts;
	struct sd_form	*form;		/* open, or NULL */
};

void
screen_discounts_reload(struct screen_discounts *sd, struct ui_ctx *ctx)
{
	free(sd->v);
	sd->v = NULL;
	sd->n = 0;
	product_list_free(sd->products, sd->nproducts);
	sd->products = NULL;
	sd->nproducts = 0;
	sd->ok = discount_list(ctx->db, ctx->s->creator_id, &sd->v, &sd->n) ==
	    NY_OK && product_list_by_creator(ctx->db, ctx->s->creator_id,
	    &sd->products, &sd->nproducts) == NY_OK;
	/* A product gone meanwhile: the form's choice goes back to all. */
	if (sd->form != NULL && sd->form->product >= (int)sd->nproducts)
		sd->form->product = -1;
	ui_list_set(&sd->list, sd->n, ctx->rows - 5);
}

struct screen_discounts *
screen_discounts_open(struct ui_ctx *ctx)
{
	struct screen_discounts *sd = xcalloc(1, sizeof *sd);

	screen_discounts_reload(sd, ctx);
	return sd;
}

void
screen_discounts_free(struct screen_discounts *sd)
{
	if (sd == NULL)
		return;
	free(sd->v);
	product_list_free(sd->products, sd->nproducts);
	free(sd->form);
	free(sd);
}

/* The product of id among the creator's, or NULL. */
static const struct product *
sd_product(const struct screen_discounts *sd, int64_t id)
{
	size_t i;

	for (i = 0; i < sd->nproducts; i++)
		if (sd->products[i].id == id)
			return &sd->products[i];
	return NULL;
}

/*
 * The currency a code's revenue is shown in: a fixed code's, else its
 * product's, else (a percentage on everything) the creator's first
 * product's; a creator selling in two currencies sees the sum in one.
 */
static const char *
sd_currency(const struct screen_discounts *sd, const struct discount *d)
{
	const struct product *p;

	if (d->currency[0] != '\0')
		return d->currency;
	if ((p = sd_product(sd, d->product_id)) != NULL)
		return p->currency;
	return sd->nproducts > 0 ? sd->products[0].currency : "KES";
}

/* "3 Dec" of t in EAT, the month in the console's language. */
static void
sd_day(struct ui_ctx *ctx, int64_t t, char *buf, size_t len)
{
	time_t lt = (time_t)(t + SD_EAT);
	struct tm tm;
	char key[24];

	gmtime_r(&lt, &tm);
	snprintf(key, sizeof key, "tui.mon.%d", tm.tm_mon + 1);
	snprintf(buf, len, "%d %s", tm.tm_mday, ui_tr(ctx, key));
}

/* The cells of code i: code, for, off, dates, uses, revenue. */
struct sd_row {
	char	 code[SD_CELL], what[300], off[SD_CELL], dates[SD_CELL];
	char	 uses[48], revenue[SD_CELL];
};

static void
sd_texts(struct screen_discounts *sd, struct ui_ctx *ctx, int i,
    struct sd_row *t)
{
	const struct discount *d = &sd->v[i];
	char from[32] = "", to[32] = "", *money;

	snprintf(t->code, sizeof t->code, "%s%s%s", d->code,
	    d->disabled_at ? " " : "", d->disabled_at ?
	    ui_tr(ctx, "tui.disc.disabled") : "");
	snprintf(t->what, sizeof t->what, "%s", d->product_id ?
	    d->product_title : ui_tr(ctx, "tui.disc.all"));
	if (d->kind == DISCOUNT_PERCENT)
		snprintf(t->off, sizeof t->off, "%lld%%", (long long)d->value);
	else {
		money = ui_money(ctx, d->value, d->currency);
		snprintf(t->off, sizeof t->off, "%s", money);
		free(money);
	}
	if (d->starts_at)
		sd_day(ctx, d->starts_at, from, sizeof from);
	/* ends_at is the midnight after the last day. */
	if (d->ends_at)
		sd_day(ctx, d->ends_at - 1, to, sizeof to);
	snprintf(t->dates, sizeof t->dates, "%s%s%s", from,
	    d->starts_at || d->ends_at ? "–" : "", to);
	if (d->max_uses)
		snprintf(t->uses, sizeof t->uses, "%lld/%lld",
		    (long long)d->uses, (long long)d->max_uses);
	else
		snprintf(t->uses, sizeof t->uses, "%lld", (long long)d->uses);
	money = ui_money(ctx, d->revenue_minor, sd_currency(sd, d));
	snprintf(t->revenue, sizeof t->revenue, "%s", money);
	free(money);
}

/*
 * Widths: every column as wide as its widest text or heading, the
 * product's ("for") gets what is left (at least 8 columns).
 */
static void
sd_layout(struct screen_discounts *sd, struct ui_ctx *ctx,
    struct ui_col c[6])
{
	static const char *const heads[6] = { "tui.disc.col.code",
	    "tui.disc.col.for", "tui.disc.col.off", "tui.disc.col.dates",
	    "tui.disc.col.uses", "tui.disc.col.revenue" };
	struct sd_row t;
	int i, k, rest;

	memset(c, 0, 6 * sizeof *c);
	for (k = 0; k < 6; k++) {
		c[k].width = ui_width(ui_tr(ctx, heads[k]));
		c[k].gap = 2;
	}
	c[2].right = c[4].right = c[5].right = 1;
	for (i = 0; i < sd->n; i++) {
		sd_texts(sd, ctx, i, &t);
		c[0].width = ui_max(c[0].width, ui_width(t.code));
		c[1].width = ui_max(c[1].width, ui_width(t.what));
		c[2].width = ui_max(c[2].width, ui_width(t.off));
		c[3].width = ui_max(c[3].width, ui_width(t.dates));
		c[4].width = ui_max(c[4].width, ui_width(t.uses));
		c[5].width = ui_max(c[5].width, ui_width(t.revenue));
	}
	c[5].gap = 0;
	rest = ctx->cols - 2 - c[0].width - c[2].width - c[3].width -
	    c[4].width - c[5].width - 10;
	if (rest < 8) {
		/* Narrow: the gaps go to one column, then the code gives. */
		for (k = 0; k < 5; k++)
			c[k].gap = 1;
		rest += 5;
		if (rest < 8 && c[0].width > 8) {
			c[0].width = ui_max(8, c[0].width - (8 - rest));
			rest = 8;
		}
	}
	c[1].width = ui_max(rest, 1) < c[1].width ? ui_max(rest, 1) :
	    c[1].width;
}

static void
sd_cells(struct ui_ctx *ctx, WINDOW *w, int y, const struct ui_col c[6],
    const struct sd_row *t)
{
	const char *cell[6] = { t->code, t->what, t->off, t->dates, t->uses,
	    t->revenue };

	ui_put_cells(w, y, 1, ctx->cols - 1, c, 6, cell);
}

static void
sd_head(struct ui_ctx *ctx, WINDOW *w, int y, const struct ui_col c[6])
{
	struct sd_row t;

	snprintf(t.code, sizeof t.code, "%s", ui_tr(ctx, "tui.disc.col.code"));
	snprintf(t.what, sizeof t.what, "%s", ui_tr(ctx, "tui.disc.col.for"));
	snprintf(t.off, sizeof t.off, "%s", ui_tr(ctx, "tui.disc.col.off"));
	snprintf(t.dates, sizeof t.dates, "%s", ui_tr(ctx,
	    "tui.disc.col.dates"));
	snprintf(t.uses, sizeof t.uses, "%s", ui_tr(ctx, "tui.disc.col.uses"));
	snprintf(t.revenue, sizeof t.revenue, "%s", ui_tr(ctx,
	    "tui.disc.col.revenue"));
	wattron(w, A_BOLD);
	sd_cells(ctx, w, y, c, &t);
	wattroff(w, A_BOLD);
}

static void
sd_draw_list(struct screen_discounts *sd, struct ui_ctx *ctx, WINDOW *w)
{
	struct ui_col c[6];
	struct sd_row t;
	int i, attr;

	if (!sd->ok) {
		ui_put_cut(w, 3, 1, ui_tr(ctx, "tui.err.db"), ctx->cols - 2, 0);
		return;
	}
	if (sd->n == 0) {
		ui_put_wrapped(w, 3, 1, ui_tr(ctx, "tui.disc.none"),
		    ctx->cols - 2, 4);
		return;
	}
	sd_layout(sd, ctx, c);
	sd_head(ctx, w, 2, c);
	ui_list_set(&sd->list, sd->n, ctx->rows - 5);
	for (i = 0; i < sd->list.height && sd->list.top + i < sd->n; i++) {
		sd_texts(sd, ctx, sd->list.top + i, &t);
		attr = sd->list.top + i == sd->list.sel ? A_REVERSE : 0;
		wattron(w, attr);
		ui_put(w, 3 + i, 1, "", ctx->cols - 2, 1);
		sd_cells(ctx, w, 3 + i, c, &t);
		wattroff(w, attr);
	}
}

/* --- the form --------------------------------------------------------- */

/* 1 when field f takes keys now (the currency only for a fixed amount
 * on all products: a product has its own). */
static int
sd_active(const struct sd_form *f, int field)
{
	if (field == SD_CURRENCY)
		return f->fixed && f->product < 0;
	return 1;
}

static void
sd_form_open(struct screen_discounts *sd)
{
	struct sd_form *f = xcalloc(1, sizeof *f);
	int k;

	ui_field_init(&f->f[SD_CODE], DISCOUNT_CODE_MAX, NULL);
	ui_field_init(&f->f[SD_VALUE], 20, NULL);
	ui_field_init(&f->f[SD_STARTS], 10, NULL);
	ui_field_init(&f->f[SD_ENDS], 10, NULL);
	ui_field_init(&f->f[SD_MAX], 7, NULL);
	ui_field_init(&f->f[SD_PHONE], 7, NULL);
	f->product = -1;
	/* A fixed amount on everything: the currency the creator sells in. */
	for (k = 0; sd->nproducts > 0 && k < SD_NCUR; k++)
		if (strcmp(sd_currencies[k], sd->products[0].currency) == 0)
			f->currency = k;
	free(sd->form);
	sd->form = f;
}

/* The currency of the form's fixed amount. */
static const char *
sd_form_currency(const struct screen_discounts *sd, const struct sd_form *f)
{
	if (f->product >= 0)
		return sd->products[f->product].currency;
	return sd_currencies[f->currency];
}

/*
 * A day typed as YYYY-MM-DD into *t, its midnight in EAT (the next day's
 * when end); "" is 0 (none). NY_OK or NY_EINVAL.
 */
static enum ny_err
sd_parse_day(const char *s, int end, int64_t *t)
{
	char iso[40];
	int y, m, d, n = 0;

	*t = 0;
	if (s[0] == '\0')
		return NY_OK;
	if (strlen(s) != 10 || sscanf(s, "%4d-%2d-%2d%n", &y, &m, &d, &n) !=
	    3 || n != 10)
		return NY_EINVAL;
	snprintf(iso, sizeof iso, "%04d-%02d-%02dT00:00+03:00", y, m, d);
	if (ny_parse_iso8601(iso, t) != NY_OK)
		return NY_EINVAL;
	if (end)
		*t += 86400;
	return NY_OK;
}

/* A whole number 1..max typed into *v ("" is 0). NY_OK or NY_EINVAL. */
static enum ny_err
sd_parse_count(const char *s, int64_t max, int64_t *v)
{
	char *end;
	long long n;

	*v = 0;
	if (s[0] == '\0')
		return NY_OK;
	if (s[0] < '0' || s[0] > '9')
		return NY_EINVAL;
	n = strtoll(s, &end, 10);
	if (*end != '\0' || n < 1 || n > max)
		return NY_EINVAL;
	*v = n;
	return NY_OK;
}

/*
 * The form into d: NY_OK, or NY_EINVAL with *why (a locale key) and the
 * focus on the field at fault.
 */
static enum ny_err
sd_form_read(struct screen_discounts *sd, struct sd_form *f,
    struct ui_ctx *ctx, struct discount *d, const char **why)
{
	memset(d, 0, sizeof *d);
	d->creator_id = ctx->s->creator_id;
	snprintf(d->code, sizeof d->code, "%.*s", DISCOUNT_CODE_MAX,
	    f->f[SD_CODE].text);
	d->product_id = f->product >= 0 ? sd->products[f->product].id : 0;
	d->kind = f->fixed ? DISCOUNT_FIXED : DISCOUNT_PERCENT;
	if (f->fixed) {
		snprintf(d->currency, sizeof d->currency, "%s",
		    sd_form_currency(sd, f));
		if (money_parse(f->f[SD_VALUE].text, d->currency, &d->value) !=
		    NY_OK || d->value <= 0)
			return f->focus = SD_VALUE, *why = "discount.err.value",
			    NY_EINVAL;
	} else if (sd_parse_count(f->f[SD_VALUE].text, 100, &d->value) !=
	    NY_OK || d->value == 0)
		return f->focus = SD_VALUE, *why = "discount.err.percent",
		    NY_EINVAL;
	if (sd_parse_day(f->f[SD_STARTS].text, 0, &d->starts_at) != NY_OK)
		return f->focus = SD_STARTS, *why = "discount.err.dates",
		    NY_EINVAL;
	if (sd_parse_day(f->f[SD_ENDS].text, 1, &d->ends_at) != NY_OK)
		return f->focus = SD_ENDS, *why = "discount.err.dates",
		    NY_EINVAL;
	if (sd_parse_count(f->f[SD_MAX].text, 1000000, &d->max_uses) != NY_OK)
		return f->focus = SD_MAX, *why = "discount.err.uses", NY_EINVAL;
	if (sd_parse_count(f->f[SD_PHONE].text, 1000000, &d->max_per_phone) !=
	    NY_OK)
		return f->focus = SD_PHONE, *why = "discount.err.uses",
		    NY_EINVAL;
	return NY_OK;
}

/* Enter: the code is created (1: the form closes) or why not (0). */
static int
sd_form_submit(struct screen_discounts *sd, struct ui_ctx *ctx)
{
	struct sd_form *f = sd->form;
	struct discount d;
	const char *why = NULL;
	char *msg, code[DISCOUNT_CODE_MAX + 1];
	enum ny_err rc;

	if ((rc = sd_form_read(sd, f, ctx, &d, &why)) == NY_OK)
		rc = discount_create(ctx->db, &d, NULL, &why);
	if (rc != NY_OK) {
		snprintf(f->err, sizeof f->err, "%s", why != NULL ?
		    ui_tr(ctx, why) : ui_strerror(ctx->lang, rc));
		if (why != NULL && (strcmp(why, "discount.err.code") == 0 ||
		    strcmp(why, "discount.err.exists") == 0))
			f->focus = SD_CODE;
		return 0;
	}
	if (discount_code_norm(d.code, code, sizeof code) != NY_OK)
		code[0] = '\0';
	msg = i18n_fmt(ctx->lang, "tui.disc.created", "code", code, NULL);
	snprintf(ctx->flash, sizeof ctx->flash, "%s", msg);
	free(msg);
	return 1;
}

/* ← → on a choice field. */
static void
sd_form_choose(struct screen_discounts *sd, struct sd_form *f, int step)
{
	int n = (int)sd->nproducts;

	switch (f->focus) {
	case SD_FOR:	/* -1 (all), 0 .. n-1 */
		f->product = (f->product + 1 + step + n + 1) % (n + 1) - 1;
		break;
	case SD_KIND:
		f->fixed = !f->fixed;
		break;
	case SD_CURRENCY:
		f->currency = (f->currency + step + SD_NCUR) % SD_NCUR;
		break;
	}
}

/* Tab / ↓ (step 1) or ↑ (step -1) to the next field that takes keys. */
static void
sd_form_move(struct sd_form *f, int step)
{
	do
		f->focus = (f->focus + step + SD_NFIELDS) % SD_NFIELDS;
	while (!sd_active(f, f->focus));
}

static int
sd_form_key(struct screen_discounts *sd, struct ui_ctx *ctx, int ch)
{
	struct sd_form *f = sd->form;
	int choice = f->focus == SD_FOR || f->focus == SD_KIND ||
	    f->focus == SD_CURRENCY;

	switch (ch) {
	case 27:
		free(sd->form);
		sd->form = NULL;
		return UI_HANDLED | UI_REDRAW;
	case '\r': case '\n': case KEY_ENTER:
		if (sd_form_submit(sd, ctx)) {
			free(sd->form);
			sd->form = NULL;
			screen_discounts_reload(sd, ctx);
		}
		return UI_HANDLED | UI_REDRAW;
	case '\t': case KEY_DOWN:
		sd_form_move(f, 1);
		return UI_HANDLED | UI_REDRAW;
	case KEY_BTAB: case KEY_UP:
		sd_form_move(f, -1);
		return UI_HANDLED | UI_REDRAW;
	}
	if (choice) {
		if (ch == KEY_LEFT)
			sd_form_choose(sd, f, -1);
		else if (ch == KEY_RIGHT || ch == ' ')
			sd_form_choose(sd, f, 1);
	} else if (ui_field_key(&f->f[f->focus], ch))
		f->err[0] = '\0';
	/* Every key is the form's: digits and letters are typed, not
	 * screen keys. */
	return UI_HANDLED | UI_REDRAW;
}

/*
 * The text of choice field i ("< All products >" when focused) in cols
 * columns. A product's title (up to 200 bytes of UTF-8) is cut by ui_cut,
 * on a character, leaving the markers room in both buf and the columns:
 * a long title ends in "…" and still shows its closing " >".
 */
static void
sd_choice(struct screen_discounts *sd, struct ui_ctx *ctx, int i, int cols,
    char *buf, size_t len)
{
	const struct sd_form *f = sd->form;
	const char *s = "";
	char cut[SD_CELL];

	if (i == SD_FOR)
		s = f->product >= 0 ? sd->products[f->product].title :
		    ui_tr(ctx, "tui.disc.all");
	else if (i == SD_KIND)
		s = ui_tr(ctx, f->fixed ? "tui.disc.kind.fixed" :
		    "tui.disc.kind.percent");
	else if (i == SD_CURRENCY)
		s = f->fixed ? sd_form_currency(sd, f) : "";
	if (f->focus != i) {
		ui_cut(s, cols, buf, len);
		return;
	}
	ui_cut(s, cols - 4, cut, len - 4 < sizeof cut ? len - 4 : sizeof cut);
	snprintf(buf, len, "< %s >", cut);
}

static void
sd_draw_form(struct screen_discounts *sd, struct ui_ctx *ctx, WINDOW *w)
{
	struct sd_form *f = sd->form;
	char text[SD_CELL + 8];
	const char *label;
	int i, lw = 0, x, cols, y;

	wattron(w, A_BOLD);
	ui_put_cut(w, 1, 1, ui_tr(ctx, "tui.disc.new"), ctx->cols - 2, 0);
	wattroff(w, A_BOLD);
	for (i = 0; i < SD_NFIELDS; i++)
		lw = ui_max(lw, ui_width(ui_tr(ctx, sd_labels[i])));
	lw = lw < ctx->cols / 2 ? lw : ctx->cols / 2;
	x = 2 + lw + 2;
	cols = ctx->cols - x - 2;
	for (i = 0; i < SD_NFIELDS; i++) {
		y = 3 + i;
		/* A percentage has no currency: no row for it. */
		if (i == SD_CURRENCY && !f->fixed)
			continue;
		label = i == SD_VALUE ? f->fixed ? "tui.disc.f.amount" :
		    "tui.disc.f.value" : sd_labels[i];
		if (f->focus == i)
			wattron(w, A_BOLD);
		ui_put_cut(w, y, 2, ui_tr(ctx, label), lw, 0);
		if (f->focus == i)
			wattroff(w, A_BOLD);
		if (i == SD_FOR || i == SD_KIND || i == SD_CURRENCY) {
			sd_choice(sd, ctx, i, cols, text, sizeof text);
			if (f->focus == i)
				wattron(w, ui_attr_hl(ctx));
			ui_put_cut(w, y, x, text, cols, 0);
			if (f->focus == i)
				wattroff(w, ui_attr_hl(ctx));
			continue;
		}
		ui_field_draw(&f->f[i], w, y, x, cols, f->focus == i);
		if (f->focus == i)
			ui_cursor_at(ctx, w, y, x +
			    ui_field_cursor_col(&f->f[i], cols));
	}
	ui_put_wrapped(w, 4 + SD_NFIELDS, 2, ui_tr(ctx, "tui.disc.form_note"),
	    ctx->cols - 4, 2);
	if (f->err[0] != '\0') {
		wattron(w, ui_attr_bad(ctx));
		ui_put_wrapped(w, 7 + SD_NFIELDS, 2, f->err, ctx->cols - 4, 2);
		wattroff(w, ui_attr_bad(ctx));
	}
}

void
screen_discounts_draw(struct screen_discounts *sd, struct ui_ctx *ctx,
    WINDOW *w)
{
	if (sd->form != NULL)
		sd_draw_form(sd, ctx, w);
	else {
		wattron(w, A_BOLD);
		ui_put_cut(w, 1, 1, ui_tr(ctx, "tui.disc.title"),
		    ctx->cols - 2, 0);
		wattroff(w, A_BOLD);
		sd_draw_list(sd, ctx, w);
	}
	/* The view's own keys in the bar (ui_bar_status shows flash). */
	if (ctx->flash[0] == '\0')
		snprintf(ctx->flash, sizeof ctx->flash, "%s",
		    ui_tr(ctx, sd->form != NULL ? "tui.help.disc_form" :
		    "tui.help.disc"));
}

/* o: the selected code off, or on again. */
static int
sd_toggle(struct screen_discounts *sd, struct ui_ctx *ctx)
{
	const struct discount *d;
	enum ny_err rc;
	int on;

	if (sd->list.sel < 0 || sd->list.sel >= sd->n)
		return UI_HANDLED;
	d = &sd->v[sd->list.sel];
	on = d->disabled_at != 0;
	rc = discount_set_enabled(ctx->db, ctx->s->creator_id, d->id, on);
	snprintf(ctx->flash, sizeof ctx->flash, "%s", rc != NY_OK ?
	    ui_strerror(ctx->lang, rc) : ui_tr(ctx, on ? "tui.disc.turned_on" :
	    "tui.disc.turned_off"));
	screen_discounts_reload(sd, ctx);
	return UI_HANDLED | UI_REDRAW;
}

int
screen_discounts_key(struct screen_discounts *sd, struct ui_ctx *ctx,
    int ch)
{
	if (sd->form != NULL) {
		ctx->flash[0] = '\0';
		return sd_form_key(sd, ctx, ch);
	}
	if (ui_list_key(&sd->list, ch))
		return UI_HANDLED | UI_REDRAW;
	switch (ch) {
	case 'n':
		ctx->flash[0] = '\0';
		sd_form_open(sd);
		return UI_HANDLED | UI_REDRAW;
	case 'o':
		return sd_toggle(sd, ctx);
	case 27: case KEY_LEFT: case KEY_BACKSPACE: case 127: case '\b':
		ctx->flash[0] = '\0';
		return UI_HANDLED | UI_REDRAW | SCREEN_DISCOUNTS_CLOSE;
	}
	return 0;
}
