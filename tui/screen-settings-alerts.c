/*
 * screen-settings-alerts.c: Settings' sale alerts editor (w). Three
 * steps in the editor rows at the bottom of Settings: the creator's
 * WhatsApp number (a code goes to it through the outbox), the code typed
 * back, then the choice: off, a message on each sale, or a summary a day
 * at an hour (EAT). A verified number opens at the choice; p there asks
 * for another number (↑ at the code), which must be verified again
 * (alert.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "i18n.h"
#include "phone.h"
#include "screen-settings.h"
#include "ssh-int.h"

void
set_alerts_line(struct ui_ctx *ctx, char *buf, size_t len)
{
	struct alert_conf c;
	char phone[24], hour[8], *state, *line;

	if (alert_get(ctx->db, ctx->s->creator_id, ny_now(), &c) != NY_OK)
		memset(&c, 0, sizeof c);
	phone_display(c.phone, 0, phone, sizeof phone);
	snprintf(hour, sizeof hour, "%02d:00", c.hour);
	if (c.phone[0] != '\0' && !c.verified)
		state = i18n_fmt(ctx->lang, "tui.al.unverified", "phone", phone,
		    NULL);
	else if (c.mode == ALERT_EACH)
		state = i18n_fmt(ctx->lang, "tui.al.each", "phone", phone, NULL);
	else if (c.mode == ALERT_DAILY)
		state = i18n_fmt(ctx->lang, "tui.al.daily", "hour", hour,
		    "phone", phone, NULL);
	else
		state = xstrdup(ui_tr(ctx, "tui.al.off"));
	line = i18n_fmt(ctx->lang, "tui.al.line", "state", state, NULL);
	snprintf(buf, len, "%s", line);
	free(line);
	free(state);
}

/* Goes to step, the field emptied ("+254…" for the stored number). */
static void
al_step(struct set_alerts *a, enum set_al_step step)
{
	char num[24] = "";

	a->step = step;
	if (step == SET_AL_PHONE && a->conf.phone[0] != '\0')
		snprintf(num, sizeof num, "+%s", a->conf.phone);
	ui_field_init(&a->field, step == SET_AL_PHONE ? 32 : 12, num);
}

void
set_alerts_open(struct set_alerts *a, struct ui_ctx *ctx)
{
	memset(a, 0, sizeof *a);
	alert_get(ctx->db, ctx->s->creator_id, ny_now(), &a->conf);
	a->sel = a->conf.mode;
	a->hour = a->conf.hour;
	al_step(a, a->conf.verified ? SET_AL_MODE : a->conf.code_pending ?
	    SET_AL_CODE : SET_AL_PHONE);
}

/* The masked number for audit lines: never the whole number there. */
static void
al_masked(const char *e164, char *buf, size_t len)
{
	phone_display(e164, 1, buf, len);
}

/* Enter on the number: a code goes out, or why not under the field. */
static void
al_send(struct set_alerts *a, struct ui_ctx *ctx, const char *typed)
{
	char e164[16], shown[24], key[32], *msg;
	int perr = 0;
	enum ny_err rc;

	rc = alert_code_send(ctx->db, ctx->s->creator_id, typed, ny_now(),
	    &perr, e164);
	if (rc == NY_EINVAL) {
		snprintf(key, sizeof key, "phone.err.%s",
		    phone_err_name((enum phone_err)perr));
		snprintf(a->err, sizeof a->err, "%s", ui_tr(ctx, key));
		return;
	}
	if (rc != NY_OK) {
		snprintf(a->err, sizeof a->err, "%s", ui_tr(ctx,
		    rc == NY_ELIMIT ? "tui.al.wait" : rc == NY_EDENIED ?
		    "tui.al.capped" : "tui.err.db"));
		return;
	}
	al_masked(e164, shown, sizeof shown);
	ui_audit(ctx, "alerts.code", shown);
	alert_get(ctx->db, ctx->s->creator_id, ny_now(), &a->conf);
	phone_display(e164, 0, shown, sizeof shown);
	msg = i18n_fmt(ctx->lang, "tui.al.sent", "phone", shown, NULL);
	snprintf(a->err, sizeof a->err, "%s", msg);
	free(msg);
	a->note = 1;
	al_step(a, SET_AL_CODE);
}

/* Enter on the code: verified (on to the choice), or why not. */
static void
al_check(struct set_alerts *a, struct ui_ctx *ctx)
{
	char left[8], shown[24], *msg;
	int n = 0;
	enum ny_err rc;

	if (a->field.len == 0) {	/* a new code */
		al_send(a, ctx, a->conf.phone);
		return;
	}
	rc = alert_code_check(ctx->db, ctx->s->creator_id, a->field.text,
	    ny_now(), &n);
	ui_field_init(&a->field, 12, NULL);
	if (rc == NY_EDENIED) {
		snprintf(left, sizeof left, "%d", n);
		msg = i18n_fmt(ctx->lang, "tui.al.wrong", "left", left, NULL);
		snprintf(a->err, sizeof a->err, "%s", msg);
		free(msg);
		return;
	}
	if (rc != NY_OK) {
		/* No tries left: for this code, or for the day (capped). */
		alert_get(ctx->db, ctx->s->creator_id, ny_now(), &a->conf);
		snprintf(a->err, sizeof a->err, "%s", ui_tr(ctx,
		    a->conf.capped ? "tui.al.capped" : rc == NY_EREPLAY ||
		    rc == NY_ELIMIT ? "tui.al.expired" : "tui.err.db"));
		return;
	}
	al_masked(a->conf.phone, shown, sizeof shown);
	ui_audit(ctx, "alerts.verify", shown);
	alert_get(ctx->db, ctx->s->creator_id, ny_now(), &a->conf);
	snprintf(a->err, sizeof a->err, "%s", ui_tr(ctx, "tui.al.verified"));
	a->note = 1;
	if (a->sel == ALERT_OFF)
		a->sel = ALERT_EACH;
	al_step(a, SET_AL_MODE);
}

/* Enter on the choice: saved and the editor closes (1), or why not. */
static int
al_save(struct set_alerts *a, struct ui_ctx *ctx)
{
	char detail[32];
	enum ny_err rc;

	rc = alert_set_mode(ctx->db, ctx->s->creator_id, a->sel, a->hour,
	    ny_now());
	if (rc != NY_OK) {
		snprintf(a->err, sizeof a->err, "%s", ui_strerror(ctx->lang,
		    rc));
		return 0;
	}
	if (a->sel == ALERT_DAILY)
		snprintf(detail, sizeof detail, "daily %02d:00", a->hour);
	else
		snprintf(detail, sizeof detail, "%s", alert_mode_name(a->sel));
	ui_audit(ctx, "alerts.mode", detail);
	snprintf(ctx->flash, sizeof ctx->flash, "%s",
	    ui_tr(ctx, "tui.al.saved"));
	return 1;
}

int
set_alerts_key(struct set_alerts *a, struct ui_ctx *ctx, int ch)
{
	int enter = ch == '\r' || ch == '\n' || ch == KEY_ENTER;

	if (ch == 27)
		return 1;
	if (a->step == SET_AL_CODE && ch == KEY_UP) {
		a->err[0] = '\0';
		al_step(a, SET_AL_PHONE);	/* another number */
		return 0;
	}
	if (a->step != SET_AL_MODE) {
		if (enter) {
			a->err[0] = '\0';
			a->note = 0;
			if (a->step == SET_AL_PHONE)
				al_send(a, ctx, a->field.text);
			else
				al_check(a, ctx);
		} else if (ui_field_key(&a->field, ch) && a->step ==
		    SET_AL_PHONE) {
			a->err[0] = '\0';
			a->note = 0;
		}
		return 0;
	}
	a->err[0] = '\0';
	a->note = 0;
	switch (ch) {
	case KEY_UP:
		a->sel = a->sel > ALERT_OFF ? a->sel - 1 : ALERT_DAILY;
		break;
	case KEY_DOWN:
		a->sel = a->sel < ALERT_DAILY ? a->sel + 1 : ALERT_OFF;
		break;
	case KEY_LEFT:
	case '-':
		a->sel = ALERT_DAILY;
		a->hour = (a->hour + 23) % 24;
		break;
	case KEY_RIGHT:
	case '+':
		a->sel = ALERT_DAILY;
		a->hour = (a->hour + 1) % 24;
		break;
	case 'p':
		al_step(a, SET_AL_PHONE);
		break;
	default:
		if (enter)
			return al_save(a, ctx);
	}
	return 0;
}

/* The three choices, the selected one marked and highlighted. */
static void
al_draw_modes(struct set_alerts *a, struct ui_ctx *ctx, WINDOW *w, int y)
{
	static const char *const keys[] = {
		[ALERT_OFF] = "tui.al.opt_off", [ALERT_EACH] = "tui.al.opt_each",
		[ALERT_DAILY] = "tui.al.opt_daily",
	};
	char hour[8], line[300], *text;
	enum alert_mode m;

	snprintf(hour, sizeof hour, "%02d:00", a->hour);
	for (m = ALERT_OFF; m <= ALERT_DAILY; m++) {
		text = i18n_fmt(ctx->lang, keys[m], "hour", hour, NULL);
		snprintf(line, sizeof line, "(%s) %s", m == a->sel ? "*" : " ",
		    text);
		free(text);
		if (m == a->sel)
			wattron(w, ui_attr_hl(ctx));
		ui_put_cut(w, y + (int)m, 4, line, ctx->cols - 6, 0);
		if (m == a->sel)
			wattroff(w, ui_attr_hl(ctx));
	}
}

void
set_alerts_draw(struct set_alerts *a, struct ui_ctx *ctx, WINDOW *w, int y,
    int height)
{
	char phone[24], *prompt;
	int cols = ctx->cols - 4, attr;

	phone_display(a->conf.phone, 0, phone, sizeof phone);
	prompt = i18n_fmt(ctx->lang, a->step == SET_AL_PHONE ?
	    "tui.al.phone_q" : a->step == SET_AL_CODE ? "tui.al.code_q" :
	    "tui.al.mode_q", "phone", phone, NULL);
	ui_put_wrapped(w, y, 2, prompt, cols, 2);
	free(prompt);
	if (a->step == SET_AL_MODE)
		al_draw_modes(a, ctx, w, y + 2);
	else {
		ui_field_draw(&a->field, w, y + 3, 2, cols, 1);
		ui_cursor_at(ctx, w, y + 3, 2 +
		    ui_field_cursor_col(&a->field, cols));
	}
	if (a->err[0] != '\0') {
		attr = a->note ? ui_attr_ok(ctx) : ui_attr_bad(ctx);
		wattron(w, attr);
		ui_put_wrapped(w, y + height - 2, 2, a->err, cols, 2);
		wattroff(w, attr);
	}
}
