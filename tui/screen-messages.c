/*
 * screen-messages.c: 6 Messages — this creator's outbox, WhatsApp and
 * email (outbox_list_creator), newest first,
 * with status, attempts and the last error; f filters (all / failed /
 * queued / sent), t retries the selected message now. An email row shows
 * "@" before the phone's last digits, and its address above the body.
 * A message of an order with other creators' items too comes without
 * its body and address (outbox_list_creator): a neutral line instead.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "i18n.h"
#include "outbox.h"
#include "ssh-int.h"
#include "ui.h"

static const char *const msg_filters[] = { NULL, "failed", "queued", "sent" };
#define MSG_NFILTERS	4

struct messages {
	struct outbox_row	*v;
	size_t			 n;
	int			 filter;
	struct ui_list		 list;
	int			 ok;
};

static void
msg_load(struct messages *m, struct ui_ctx *ctx)
{
	outbox_rows_free(m->v, m->n);
	m->v = NULL;
	m->n = 0;
	m->ok = outbox_list_creator(ctx->db, ctx->s->creator_id,
	    msg_filters[m->filter], 200, &m->v, &m->n) == NY_OK;
	ui_list_set(&m->list, (int)m->n, ctx->rows - 7);
}

static void *
msg_init(struct ui_ctx *ctx)
{
	struct messages *m = xcalloc(1, sizeof *m);
	int changed;

	db_changed(ctx->db, &changed);
	msg_load(m, ctx);
	return m;
}

/*
 * Columns of a row: time, to, kind, status, tries (right-aligned), the
 * last error in what is left; cells cut at a word with "…".
 */
static void
msg_cells(struct ui_ctx *ctx, WINDOW *w, int y, const char *const cell[6])
{
	const struct ui_col cols[6] = { { 12, 1, 0, 0 }, { 5, 1, 0, 0 },
	    { 15, 1, 0, 0 }, { 10, 1, 0, 0 }, { 4, 1, 1, 0 },
	    { ctx->cols - 2 - 51, 0, 0, 0 } };

	ui_put_cells(w, y, 1, ctx->cols - 1, cols, 6, cell);
}

static void
msg_row(struct messages *m, struct ui_ctx *ctx, WINDOW *w, int y, int i)
{
	const struct outbox_row *r = &m->v[i];
	char tm[32], ph[32], tries[16];
	const char *cell[6];

	ui_time(ctx->lang, r->created_at, ny_now(), tm, sizeof tm);
	snprintf(ph, sizeof ph, "%s%.3s", strcmp(r->channel, "email") == 0 ?
	    "@…" : "…", strlen(r->to_phone) > 3 ?
	    r->to_phone + strlen(r->to_phone) - 3 : r->to_phone);
	snprintf(tries, sizeof tries, "%d", r->attempts);
	cell[0] = tm;
	cell[1] = ph;
	cell[2] = i18n_word(ctx->lang, "tui.mkind.", r->kind);
	cell[3] = i18n_word(ctx->lang, "tui.mstatus.", r->status);
	cell[4] = tries;
	cell[5] = r->last_error;
	if (i == m->list.sel)
		wattron(w, A_REVERSE);
	else if (strcmp(r->status, "failed") == 0)
		wattron(w, ui_attr_bad(ctx));
	ui_put(w, y, 1, "", ctx->cols - 2, 1);	/* the whole row lit */
	msg_cells(ctx, w, y, cell);
	wattroff(w, A_REVERSE | ui_attr_bad(ctx));
}

static void
msg_draw(void *data, struct ui_ctx *ctx, WINDOW *w)
{
	struct messages *m = data;
	char head[200];
	int i;

	snprintf(head, sizeof head, "%s: %s   (%zu)",
	    ui_tr(ctx, "tui.orders.filter"), msg_filters[m->filter] ?
	    i18n_word(ctx->lang, "tui.mstatus.", msg_filters[m->filter]) :
	    ui_tr(ctx, "tui.orders.all"), m->n);
	ui_put(w, 1, 1, head, ctx->cols - 2, 0);
	{
		const char *label[6] = { ui_tr(ctx, "tui.msg.col.time"),
		    ui_tr(ctx, "tui.msg.col.to"), ui_tr(ctx, "tui.msg.col.kind"),
		    ui_tr(ctx, "tui.msg.col.status"),
		    ui_tr(ctx, "tui.msg.col.try"),
		    ui_tr(ctx, "tui.msg.col.error") };

		wattron(w, A_BOLD);
		msg_cells(ctx, w, 2, label);
		wattroff(w, A_BOLD);
	}
	if (!m->ok)
		ui_put(w, 3, 1, ui_tr(ctx, "tui.err.db"), ctx->cols - 2, 0);
	else if (m->n == 0)
		ui_put(w, 3, 1, ui_tr(ctx, "tui.msg.none"), ctx->cols - 2, 0);
	ui_list_set(&m->list, (int)m->n, ctx->rows - 7);
	for (i = 0; i < m->list.height && m->list.top + i < (int)m->n; i++)
		msg_row(m, ctx, w, 3 + i, m->list.top + i);
	if (m->list.sel >= 0 && m->v[m->list.sel].others)
		ui_put_wrapped(w, ctx->rows - 4, 1, ui_tr(ctx,
		    "tui.msg.others"), ctx->cols - 2, 2);
	else if (m->list.sel >= 0 && m->v[m->list.sel].body != NULL) {
		const struct outbox_row *r = &m->v[m->list.sel];
		char *text = strcmp(r->channel, "email") == 0 ?
		    xasprintf("%s: %s — %s", ui_tr(ctx, "tui.msg.col.to"),
		    r->to_email, r->body) : xstrdup(r->body);

		ui_put_wrapped(w, ctx->rows - 4, 1, text, ctx->cols - 2, 2);
		free(text);
	}
}

static int
msg_key(void *data, struct ui_ctx *ctx, int ch)
{
	struct messages *m = data;
	enum ny_err err;

	if (ui_list_key(&m->list, ch))
		return UI_HANDLED | UI_REDRAW;
	if (ch == 'f') {
		m->filter = (m->filter + 1) % MSG_NFILTERS;
		msg_load(m, ctx);
		return UI_HANDLED | UI_REDRAW;
	}
	if (ch == 't' && m->list.sel >= 0) {
		err = outbox_retry(ctx->db, m->v[m->list.sel].id, ny_now());
		snprintf(ctx->flash, sizeof ctx->flash, "%s", ui_tr(ctx,
		    err == NY_OK ? "tui.msg.retried" : err == NY_ESTATE ?
		    "tui.msg.cannot" : "tui.err.db"));
		msg_load(m, ctx);
		return UI_HANDLED | UI_REDRAW;
	}
	return 0;
}

static int
msg_tick(void *data, struct ui_ctx *ctx)
{
	int changed = 0;

	if (db_changed(ctx->db, &changed) != NY_OK || !changed)
		return 0;
	msg_load(data, ctx);
	return UI_REDRAW;
}

static void
msg_free(void *data)
{
	struct messages *m = data;

	outbox_rows_free(m->v, m->n);
	free(m);
}

const struct screen screen_messages = {
	.hotkey = '6',
	.title = "tui.screen.messages",
	.help = "tui.help.messages",
	.init = msg_init,
	.draw = msg_draw,
	.key = msg_key,
	.tick = msg_tick,
	.free = msg_free,
};
