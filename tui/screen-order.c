/*
 * screen-order.c: the order detail (screen-order.h): what was bought,
 * for how much, how it was paid (receipt or card), the buyer's phone
 * masked, the refund if any, the timeline of the payment and the
 * WhatsApp messages sent. r refunds after a confirmation that shows the
 * amount; an M-Pesa payment with no reversal API configured is refunded
 * by hand: the creator sends the money back and types the M-Pesa code of
 * that transfer, which is recorded. An order with other creators' items
 * too (a shared cart) shows this creator's share only, never the total,
 * and r says it is the operator's to refund.
 *
 * The detail is laid out as lines once per draw (so_build) and drawn
 * from a scroll offset: at 80×24 a long timeline scrolls, at 120×40 it
 * fits. Labels are padded by display width, not bytes (Swahili and "…").
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "i18n.h"
#include "order-detail.h"
#include "refund.h"
#include "screen-order.h"
#include "ssh-int.h"

#define SO_LINES	96
#define SO_LINE		400
#define SO_CODE_LEN	10	/* an M-Pesa transaction code */
#define SO_MSG_LINES	3	/* the line under the detail, wrapped */
#define SO_ASK_LINES	3	/* the M-Pesa instructions, wrapped */

struct so_line {
	char	 text[SO_LINE];
	int	 attr;
};

struct screen_order {
	int64_t			 id;
	enum ny_err		 rc;		/* of the last read */
	struct order_detail	 d;
	struct so_line		 lines[SO_LINES];
	int			 nlines;
	int			 top;		/* first line shown */
	int			 asking;	/* typing the M-Pesa code */
	struct ui_field		 code;
	char			 msg[SO_LINE];	/* what r did last */
	int			 msg_bad;
};

/* The labels of the fields, for their common width. */
static const char *const so_labels[] = {
	"tui.od.status", "tui.od.product", "tui.od.amount", "tui.od.method",
	"tui.od.paid_with", "tui.od.buyer", "tui.od.provider_ref",
	"tui.od.refund", NULL
};

struct screen_order *
screen_order_open(struct ui_ctx *ctx, int64_t id)
{
	struct screen_order *so = xcalloc(1, sizeof *so);

	so->id = id;
	screen_order_reload(so, ctx);
	return so;
}

void
screen_order_free(struct screen_order *so)
{
	free(so);
}

void
screen_order_reload(struct screen_order *so, struct ui_ctx *ctx)
{
	/* Only the session creator's orders (order_detail_get checks). */
	so->rc = order_detail_get(ctx->db, ctx->s->creator_id, NULL, so->id,
	    &so->d);
}

static void	so_add(struct screen_order *, int, const char *, ...)
		    __attribute__((format(printf, 3, 4)));

/* Appends a line (dropped past SO_LINES). */
static void
so_add(struct screen_order *so, int attr, const char *fmt, ...)
{
	va_list ap;

	if (so->nlines >= SO_LINES)
		return;
	va_start(ap, fmt);
	vsnprintf(so->lines[so->nlines].text, SO_LINE, fmt, ap);
	va_end(ap);
	so->lines[so->nlines++].attr = attr;
}

/* Display width of the widest field label in the console language. */
static int
so_label_width(const struct ui_ctx *ctx)
{
	int i, w, max = 0;

	for (i = 0; so_labels[i] != NULL; i++)
		if ((w = ui_width(ui_tr(ctx, so_labels[i]))) > max)
			max = w;
	return max + 2;
}

/* A "Label   value" line, the label padded to width columns. */
static void
so_field(struct screen_order *so, const struct ui_ctx *ctx, int width,
    const char *key, const char *value)
{
	const char *label = ui_tr(ctx, key);
	int pad = width - ui_width(label);

	so_add(so, 0, "%s%*s%s", label, pad > 0 ? pad : 1, "", value);
}

/* The status word: "to refund" for money taken without a seat. */
static const char *
so_status(const struct ui_ctx *ctx, const struct order *o)
{
	if (o->status == ORDER_EXPIRED &&
	    strcmp(o->failure, "late_refund") == 0)
		return ui_tr(ctx, "tui.status.refund_due");
	return i18n_word(ctx->lang, "tui.status.", order_status_name(o->status));
}

/* The refund line: state, how, M-Pesa code, who, why, error. */
static void
so_refund_line(struct screen_order *so, const struct ui_ctx *ctx, int width)
{
	const struct refund *r = &so->d.refund;
	char v[SO_LINE];

	snprintf(v, sizeof v, "%s · %s%s%s · %s%s%s", i18n_word(ctx->lang, "tui.od.rstatus.", r->status), i18n_word(ctx->lang, "tui.od.how.", r->how),
	    r->manual_code[0] ? " " : "", r->manual_code, r->actor,
	    r->reason[0] ? " · " : "", r->reason);
	so_field(so, ctx, width, "tui.od.refund", v);
	if (strcmp(r->status, "failed") == 0 && r->error[0] != '\0')
		so_add(so, ui_attr_bad(ctx), "%*s%s", width, "", r->error);
}

/*
 * Several lines (a cart): one per line the creator may see, "Title · kind
 * × n · amount", the label on the first only.
 */
static void
so_build_lines(struct screen_order *so, const struct ui_ctx *ctx, int width)
{
	const struct order_detail *d = &so->d;
	char v[SO_LINE], kind[48], *money;
	int i;

	if (d->nlines <= 1)
		return;
	for (i = 0; i < d->nlines; i++) {
		snprintf(kind, sizeof kind, "tui.kind.%s", d->lines[i].kind);
		money = ui_money(ctx, d->lines[i].amount_minor,
		    d->order.currency);
		snprintf(v, sizeof v, "%s · %s × %d · %s", d->lines[i].title,
		    ui_tr(ctx, kind), d->lines[i].quantity, money);
		free(money);
		if (i == 0)
			so_field(so, ctx, width, "tui.od.product", v);
		else
			so_add(so, 0, "%*s%s", width, "", v);
	}
}

/* The fields above the timeline. */
static void
so_build_fields(struct screen_order *so, const struct ui_ctx *ctx)
{
	const struct order_detail *d = &so->d;
	const struct order *o = &d->order;
	int width = so_label_width(ctx);
	char v[SO_LINE], kind[48], means[96], *money;

	so_add(so, A_BOLD, "%s %s", ui_tr(ctx, "tui.od.title"), o->ref);
	so_field(so, ctx, width, "tui.od.status", so_status(ctx, o));
	if (d->nlines <= 1) {
		snprintf(kind, sizeof kind, "tui.kind.%s", o->product_kind);
		snprintf(v, sizeof v, "%s · %s × %d", o->product_title,
		    ui_tr(ctx, kind), o->quantity);
		so_field(so, ctx, width, "tui.od.product", v);
	}
	so_build_lines(so, ctx, width);
	if (d->nlines < d->nlines_all) {
		/* A cart shared with other creators: their share only. The
		 * total would tell what the others sold. */
		char *t;

		money = ui_money(ctx, d->share_minor, o->currency);
		t = i18n_fmt(ctx->lang, "tui.od.share", "share", money, NULL);
		so_field(so, ctx, width, "tui.od.amount", t);
		free(t);
	} else {
		money = ui_money(ctx, o->amount_minor, o->currency);
		so_field(so, ctx, width, "tui.od.amount", money);
	}
	free(money);
	so_field(so, ctx, width, "tui.od.method",
	    i18n_word(ctx->lang, "tui.od.method.", o->provider));
	order_detail_means(d, means, sizeof means);
	if (means[0] != '\0')
		so_field(so, ctx, width, "tui.od.paid_with", means);
	so_field(so, ctx, width, "tui.od.buyer", o->phone_masked);
	if (d->provider_ref[0] != '\0')
		so_field(so, ctx, width, "tui.od.provider_ref",
		    d->provider_ref);
	if (d->has_refund)
		so_refund_line(so, ctx, width);
}

/* The timeline, oldest first, and the messages. */
static void
so_build_history(struct screen_order *so, const struct ui_ctx *ctx)
{
	const struct order_detail *d = &so->d;
	char tm[32];
	int i;

	so_add(so, 0, "%s", "");
	so_add(so, A_BOLD, "%s", ui_tr(ctx, "tui.od.timeline"));
	for (i = 0; i < d->nsteps; i++) {
		ui_time(ctx->lang, d->steps[i].at, ny_now(), tm, sizeof tm);
		so_add(so, 0, "  %-12s  %s%s%s", tm, i18n_word(ctx->lang, "tui.od.step.", d->steps[i].what), d->steps[i].detail[0] ?
		    " · " : "", d->steps[i].detail);
	}
	so_add(so, 0, "%s", "");
	so_add(so, A_BOLD, "%s", ui_tr(ctx, "tui.od.messages"));
	if (d->nmsgs == 0)
		so_add(so, 0, "  %s", ui_tr(ctx, "tui.od.no_messages"));
	for (i = 0; i < d->nmsgs; i++) {
		ui_time(ctx->lang, d->msgs[i].sent_at ? d->msgs[i].sent_at :
		    d->msgs[i].created_at, ny_now(), tm, sizeof tm);
		so_add(so, 0, "  %-12s  %s · %s", tm,
		    i18n_word(ctx->lang, "tui.mkind.", d->msgs[i].kind),
		    i18n_word(ctx->lang, "tui.mstatus.", d->msgs[i].status));
	}
}

/* Lays the detail out as lines. */
static void
so_build(struct screen_order *so, const struct ui_ctx *ctx)
{
	so->nlines = 0;
	if (so->rc != NY_OK) {
		so_add(so, 0, "%s", so->rc == NY_ENOTFOUND ?
		    ui_tr(ctx, "tui.od.none") : ui_tr(ctx, "tui.err.db"));
		return;
	}
	so_build_fields(so, ctx);
	so_build_history(so, ctx);
}

/*
 * Lines text takes wrapped to the detail's width, at most max: the
 * message and the M-Pesa instructions wrap (an 80-column terminal cuts
 * a Swahili sentence in the middle otherwise).
 */
static int
so_wrapped(const struct ui_ctx *ctx, const char *text, int max)
{
	struct ui_vline v[4];
	int n = ui_wrap(text, strlen(text), ctx->cols - 2 > 4 ? ctx->cols - 2 :
	    4, v, 4);

	return n < 1 ? 1 : n > max ? max : n;
}

/* What the M-Pesa code prompt says above the field (caller frees). */
static char *
so_ask_text(const struct screen_order *so, const struct ui_ctx *ctx)
{
	char *money = ui_money(ctx, so->d.order.amount_minor,
	    so->d.order.currency);
	char *text = i18n_fmt(ctx->lang, "tui.od.hand_how", "amount", money,
	    "receipt", so->d.receipt[0] ? so->d.receipt : "-", NULL);

	free(money);
	return text;
}

/*
 * Rows the lines may use: between the title bar and what sits below
 * (a blank line and the message; a blank line, the instructions and the
 * code field).
 */
static int
so_body_rows(const struct screen_order *so, const struct ui_ctx *ctx)
{
	int rows = ctx->rows - 2;
	char *text;

	if (so->msg[0])
		rows -= 1 + so_wrapped(ctx, so->msg, SO_MSG_LINES);
	if (so->asking) {
		text = so_ask_text(so, ctx);
		rows -= 2 + so_wrapped(ctx, text, SO_ASK_LINES);
		free(text);
	}
	return rows > 1 ? rows : 1;
}

/* The M-Pesa code prompt under the detail, from line y. */
static void
so_draw_ask(struct screen_order *so, struct ui_ctx *ctx, WINDOW *w, int y)
{
	char *text = so_ask_text(so, ctx);
	const char *label = ui_tr(ctx, "tui.od.hand_code");
	int lw = ui_width(label) + 1;

	y += ui_put_wrapped(w, y, 1, text, ctx->cols - 2, SO_ASK_LINES);
	wattron(w, A_BOLD);
	ui_put(w, y, 1, label, ctx->cols - 2, 1);
	wattroff(w, A_BOLD);
	ui_field_draw(&so->code, w, y, 1 + lw, SO_CODE_LEN + 2, 1);
	ui_cursor_at(ctx, w, y, 1 + lw + ui_field_cursor_col(&so->code,
	    SO_CODE_LEN + 2));
	free(text);
}

void
screen_order_draw(struct screen_order *so, struct ui_ctx *ctx, WINDOW *w)
{
	int rows = so_body_rows(so, ctx), i, y = 1;

	so_build(so, ctx);
	if (so->top > so->nlines - rows)
		so->top = so->nlines - rows;
	if (so->top < 0)
		so->top = 0;
	for (i = so->top; i < so->nlines && y <= rows; i++, y++) {
		if (so->lines[i].attr > 0)
			wattron(w, so->lines[i].attr);
		ui_put(w, y, 1, so->lines[i].text, ctx->cols - 2, 1);
		if (so->lines[i].attr > 0)
			wattroff(w, so->lines[i].attr);
	}
	y = rows + 1;
	if (so->msg[0]) {
		wattron(w, so->msg_bad ? ui_attr_bad(ctx) : ui_attr_ok(ctx));
		/* y: the blank line, then the last line of the message. */
		y += ui_put_wrapped(w, y + 1, 1, so->msg, ctx->cols - 2,
		    SO_MSG_LINES);
		wattroff(w, so->msg_bad ? ui_attr_bad(ctx) : ui_attr_ok(ctx));
	}
	if (so->asking)		/* after a blank line */
		so_draw_ask(so, ctx, w, y + (so->msg[0] ? 2 : 1));
	/* The detail's own keys in the bar: the Orders list's do not apply
	 * here (ui_bar_status shows flash instead of the screen's help). */
	if (ctx->flash[0] == '\0')
		snprintf(ctx->flash, sizeof ctx->flash, "%s", ui_tr(ctx,
		    so->asking ? "tui.help.order_code" : "tui.help.order"));
}

/* Sets the line under the detail (a locale key or a text). */
static void
so_say(struct screen_order *so, int bad, const char *text)
{
	snprintf(so->msg, sizeof so->msg, "%s", text);
	so->msg_bad = bad;
}

/*
 * 1 when refunding this order needs the M-Pesa code of money sent back by
 * hand: an M-Pesa payment while the reversal API is not configured. The
 * refund itself says so too (NY_ENOTSUP); asking first saves a round.
 */
static int
so_needs_code(const struct screen_order *so, const struct ui_ctx *ctx)
{
	/* A free order moved no money: refund.c ends it without a code. */
	if (strcmp(so->d.order.provider, "mpesa") != 0 ||
	    so->d.order.amount_minor == 0)
		return 0;
	return !config_mpesa_reversal(ctx->s->cfg);
}

/* The confirmation question, with the amount, the buyer and the method. */
static int
so_confirm(struct screen_order *so, struct ui_ctx *ctx, const char *code)
{
	const struct order *o = &so->d.order;
	char *money = ui_money(ctx, o->amount_minor, o->currency), *q;
	int yes;

	q = code != NULL ? i18n_fmt(ctx->lang, "tui.od.confirm_hand", "amount",
	    money, "phone", o->phone_masked, "code", code, NULL) :
	    i18n_fmt(ctx->lang, "tui.od.confirm", "amount", money, "phone",
	    o->phone_masked, "method", i18n_word(ctx->lang, "tui.od.method.",
	    o->provider), NULL);
	yes = ui_confirm(ctx, q);
	free(q);
	free(money);
	return yes;
}

/* What refund_order answered, on the line under the detail. */
static void
so_result(struct screen_order *so, struct ui_ctx *ctx, enum ny_err rc,
    const struct refund *r)
{
	char *t;

	switch (rc) {
	case NY_OK:
		so_say(so, 0, ui_tr(ctx, strcmp(r->status, "done") == 0 ?
		    "tui.od.refunded" : "tui.od.refund_pending"));
		so->asking = 0;
		break;
	case NY_ENOTSUP:
		if (strcmp(so->d.order.provider, "mpesa") == 0) {
			/* The reversal API is not there after all. */
			so->asking = 1;
			ui_field_init(&so->code, SO_CODE_LEN, NULL);
			so_say(so, 0, ui_tr(ctx, "tui.od.need_code"));
			break;
		}
		so->asking = 0;
		t = i18n_fmt(ctx->lang, "tui.od.no_api", "method", i18n_word(ctx->lang, "tui.od.method.", so->d.order.provider), NULL);
		so_say(so, 1, t);
		free(t);
		break;
	case NY_EINVAL:
		so_say(so, 1, ui_tr(ctx, "tui.od.bad_code"));
		break;
	case NY_EDENIED:	/* other creators' lines: the operator's */
		so->asking = 0;
		t = i18n_fmt(ctx->lang, "tui.od.refund_shared", "ref",
		    so->d.order.ref, NULL);
		so_say(so, 1, t);
		free(t);
		break;
	case NY_ESTATE:		/* e.g. refunded meanwhile from the CLI */
		so->asking = 0;
		so_say(so, 1, ui_tr(ctx, so->d.order.status == ORDER_REFUNDED ?
		    "tui.od.already" : "tui.od.not_refundable"));
		break;
	case NY_EIO:
		so->asking = 0;
		t = i18n_fmt(ctx->lang, "tui.od.refund_failed", "error",
		    r->error[0] ? r->error : ui_strerror(ctx->lang, rc), NULL);
		so_say(so, 1, t);
		free(t);
		break;
	default:
		so->asking = 0;
		so_say(so, 1, ui_strerror(ctx->lang, rc));
	}
}

/* Asks, refunds (code: the M-Pesa code of a refund by hand, or NULL). */
static void
so_refund(struct screen_order *so, struct ui_ctx *ctx, const char *code)
{
	struct refund_ask ask = {
		.order_ref = so->d.order.ref,
		.creator_id = ctx->s->creator_id,
		.actor = ctx->s->handle,
		.manual_code = code,
	};
	struct refund r;
	enum ny_err rc;

	if (!so_confirm(so, ctx, code))
		return;
	memset(&r, 0, sizeof r);
	rc = refund_order(ctx->db, ctx->s->cfg, &ask, &r);
	/* Read first: the answer is told from how the order stands now. */
	screen_order_reload(so, ctx);
	so_result(so, ctx, rc, &r);
}

/* r: refund now, or first ask the M-Pesa code of a refund by hand. */
static void
so_refund_key(struct screen_order *so, struct ui_ctx *ctx)
{
	if (so->rc != NY_OK)
		return;
	if (!so->d.refundable) {
		so_say(so, 1, ui_tr(ctx, so->d.order.status == ORDER_REFUNDED ?
		    "tui.od.already" : "tui.od.not_refundable"));
		return;
	}
	/* Other creators' lines: the operator's to refund (refund_order
	 * says NY_EDENIED). Told first, so the question, which names the
	 * order's whole amount, is never asked. */
	if (so->d.nlines < so->d.nlines_all) {
		so_result(so, ctx, NY_EDENIED, NULL);
		return;
	}
	if (so_needs_code(so, ctx)) {
		so->asking = 1;
		ui_field_init(&so->code, SO_CODE_LEN, NULL);
		so_say(so, 0, "");
		return;
	}
	so_refund(so, ctx, NULL);
}

/* Keys while the M-Pesa code is typed: letters and digits, upper case. */
static int
so_code_key(struct screen_order *so, struct ui_ctx *ctx, int ch)
{
	if (ch == 27) {
		so->asking = 0;
		so_say(so, 0, "");
	} else if (ch == '\r' || ch == '\n' || ch == KEY_ENTER) {
		/* The shape first: no question on a code refund.c refuses. */
		if (so->code.len != SO_CODE_LEN)
			so_say(so, 1, ui_tr(ctx, "tui.od.bad_code"));
		else
			so_refund(so, ctx, so->code.text);
	} else if (ch < 0x80 && isalnum(ch))
		ui_field_key(&so->code, toupper(ch));
	else if (ch < 0x20 || ch == 0x7f || ch >= KEY_MIN)
		ui_field_key(&so->code, ch);	/* editing keys only */
	ctx->flash[0] = '\0';
	return UI_HANDLED | UI_REDRAW;
}

int
screen_order_key(struct screen_order *so, struct ui_ctx *ctx, int ch)
{
	if (so->asking)
		return so_code_key(so, ctx, ch);
	switch (ch) {
	case 27: case KEY_LEFT: case KEY_BACKSPACE: case 127: case 8:
		ctx->flash[0] = '\0';
		return UI_HANDLED | UI_REDRAW | SCREEN_ORDER_CLOSE;
	case 'r':
		so_refund_key(so, ctx);
		ctx->flash[0] = '\0';
		return UI_HANDLED | UI_REDRAW;
	case KEY_UP:
		so->top--;
		return UI_HANDLED | UI_REDRAW;
	case KEY_DOWN:
		so->top++;
		return UI_HANDLED | UI_REDRAW;
	case KEY_PPAGE:
		so->top -= ctx->rows / 2;
		return UI_HANDLED | UI_REDRAW;
	case KEY_NPAGE:
		so->top += ctx->rows / 2;
		return UI_HANDLED | UI_REDRAW;
	}
	return 0;
}
