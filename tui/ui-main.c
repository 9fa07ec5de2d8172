/*
 * ui-main.c: the console's UI process: terminal set-up, the screen table
 * and the one loop that acts on the masks key handlers return.
 */
#include <langinfo.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "creator.h"
#include "i18n.h"
#include "log.h"
#include "stats.h"
#include "ui-int.h"

/* Key bindings: the screens in the order of their keys. */
static const struct screen *const ui_screens[] = {
	&screen_dashboard, &screen_orders, &screen_products, &screen_wizard,
	&screen_customers, &screen_checkin, &screen_messages, &screen_settings,
	NULL
};

/*
 * How long Esc waits for the key after it on a screen where digits and
 * letters are typed ("press Esc and then the key": people read the help
 * and look for the key, more than the 0.3 s a terminal's Alt gives). The
 * status bar says what Esc is waiting for meanwhile.
 */
#define UI_ESC_WAIT_MS	2500
/* ncurses' wait for the rest of an arrow key's sequence: enough for a
 * mobile link that splits "\033[A" between packets. */
#define UI_ESCDELAY_MS	150

/* The server is going down: SIGTERM from the connection process. */
static volatile sig_atomic_t ui_stopping;

static void
ui_on_term(int sig)
{
	(void)sig;
	ui_stopping = 1;
}

struct ui_state {
	struct ui_ctx		 ctx;
	const struct screen	*sc;
	void			*data;
	int64_t			 drawn_min;	/* minute the clock shows */
	int64_t			 checked;	/* second of the last account check */
};

static const struct screen *
screen_for(int ch)
{
	int i;

	for (i = 0; ui_screens[i] != NULL; i++)
		if (ui_screens[i]->hotkey == ch)
			return ui_screens[i];
	return NULL;
}

static void
ui_leave(struct ui_state *u)
{
	if (u->sc != NULL && u->sc->leave != NULL)
		u->sc->leave(u->data, &u->ctx);
	if (u->sc != NULL && u->sc->free != NULL)
		u->sc->free(u->data);
}

static void
ui_switch(struct ui_state *u, const struct screen *sc)
{
	ui_leave(u);
	u->sc = sc;
	u->data = sc->init(&u->ctx);
}

static void
ui_draw(struct ui_state *u)
{
	getmaxyx(stdscr, u->ctx.rows, u->ctx.cols);
	u->drawn_min = ny_now() / 60;
	erase();
	u->ctx.cur_y = u->ctx.cur_x = -1;
	ui_bar_title(&u->ctx, stdscr, u->sc);
	u->sc->draw(u->data, &u->ctx, stdscr);
	ui_bar_status(&u->ctx, stdscr, u->sc);
	/* The cursor where the creator types, hidden everywhere else. */
	if (u->ctx.cur_y >= 0) {
		move(u->ctx.cur_y, u->ctx.cur_x);
		curs_set(1);
	} else
		curs_set(0);
	refresh();
}

static void
ui_help(struct ui_state *u)
{
	char *text = xasprintf("%s\n\n%s", ui_tr(&u->ctx, u->sc->help),
	    ui_tr(&u->ctx, "tui.help.global"));

	ui_message(&u->ctx, text);
	free(text);
}

/* Keys for every screen; returns the mask. */
static int
global_key(struct ui_state *u, int ch)
{
	const struct screen *sc;

	if (ch == 'q' || ch == 'Q')
		return UI_QUIT;
	if (ch == '?') {
		ui_help(u);
		return UI_HANDLED | UI_REDRAW;
	}
	if (ch >= KEY_F(1) && ch <= KEY_F(7))
		ch = '1' + (ch - KEY_F(1));
	if ((sc = screen_for(ch)) != NULL) {
		/* What the last screen flashed is not about the next one. */
		u->ctx.flash[0] = '\0';
		ui_switch(u, sc);
		return UI_HANDLED | UI_REDRAW;
	}
	return 0;
}

static int	ui_key(struct ui_state *, int);

/*
 * Escape then a key (what Alt+key sends) is a global key. Where keys are
 * not typed into a field, or Esc has a meaning there right now (Check-in
 * clears the code being typed: the next code must not be read as screen
 * keys), Esc goes to the screen at once and the next key is read as
 * usual. Where they are, Esc waits for the
 * next key, saying so in the status bar: a global key acts; Esc again,
 * or nothing within UI_ESC_WAIT_MS, gives the screen its Esc; any other
 * key gives the screen Esc and then that key.
 */
static int
escape_key(struct ui_state *u)
{
	char saved[sizeof u->ctx.flash];
	int ch, mask;

	if (!u->sc->wants_text ||
	    (u->sc->esc_now != NULL && u->sc->esc_now(u->data)))
		return u->sc->key(u->data, &u->ctx, 27) | UI_HANDLED |
		    UI_REDRAW;
	memcpy(saved, u->ctx.flash, sizeof saved);
	snprintf(u->ctx.flash, sizeof u->ctx.flash, "%s",
	    ui_tr(&u->ctx, "tui.esc.waiting"));
	ui_bar_status(&u->ctx, stdscr, u->sc);
	if (u->ctx.cur_y >= 0)
		move(u->ctx.cur_y, u->ctx.cur_x);
	refresh();
	timeout(UI_ESC_WAIT_MS);
	ch = getch();
	timeout(200);
	memcpy(u->ctx.flash, saved, sizeof saved);
	if (ch == ERR || ch == 27)
		return u->sc->key(u->data, &u->ctx, 27) | UI_REDRAW;
	if ((mask = global_key(u, ch)) != 0)
		return mask;
	mask = u->sc->key(u->data, &u->ctx, 27);
	if (mask & UI_QUIT)
		return mask;
	return mask | ui_key(u, ch) | UI_REDRAW;
}

static int
ui_key(struct ui_state *u, int ch)
{
	int mask;

	if (ch == KEY_RESIZE) {
		getmaxyx(stdscr, u->ctx.rows, u->ctx.cols);
		if (u->sc->resize != NULL)
			u->sc->resize(u->data, &u->ctx);
		return UI_HANDLED | UI_REDRAW;
	}
	if (ch == 27)
		return escape_key(u);
	u->ctx.flash[0] = '\0';
	mask = u->sc->key(u->data, &u->ctx, ch);
	if (!(mask & UI_HANDLED))
		mask |= global_key(u, ch) | UI_REDRAW;
	return mask;
}

static void
ui_loop(struct ui_state *u)
{
	int ch, mask = UI_REDRAW;

	for (;;) {
		if (u->ctx.switch_to != 0) {
			const struct screen *sc = screen_for(u->ctx.switch_to);

			u->ctx.switch_to = 0;
			if (sc != NULL)
				ui_switch(u, sc);
			mask |= UI_REDRAW;
		}
		if (mask & UI_REDRAW)
			ui_draw(u);
		ch = getch();
		/* An operator's `creator disable` ends an open session too
		 * (once a second: one indexed read). */
		if (ny_now() != u->checked) {
			u->checked = ny_now();
			if (creator_is_disabled(u->ctx.db, u->ctx.s->creator_id)) {
				ui_notice(&u->ctx, ui_tr(&u->ctx,
				    "tui.session.disabled"), 5000);
				break;
			}
		}
		/* A restart: said for a moment; the draft is saved on the
		 * way out (ui_leave), the line printed again after endwin. */
		if (ui_stopping) {
			ui_notice(&u->ctx, ui_tr(&u->ctx, "tui.session.restart"),
			    1500);
			break;
		}
		if (ch == ERR) {
			mask = u->sc->tick ? u->sc->tick(u->data, &u->ctx) : 0;
			if (ny_now() / 60 != u->drawn_min)
				mask |= UI_REDRAW;	/* the clock */
		} else
			mask = ui_key(u, ch);
		if (mask & UI_QUIT)
			break;
	}
}

static void
ui_colors(struct ui_ctx *ctx)
{
	const char *nc = getenv("NO_COLOR");

	ctx->color = has_colors() && (nc == NULL || *nc == '\0');
	if (!ctx->color)
		return;
	start_color();
	use_default_colors();
	init_pair(1, COLOR_BLACK, COLOR_YELLOW);
	init_pair(2, COLOR_GREEN, -1);
	init_pair(3, COLOR_RED, -1);
	init_pair(4, COLOR_CYAN, -1);
}

/* A terminal the UI can drive: the client's, else vt100. */
static SCREEN *
ui_term(void)
{
	SCREEN *scr = newterm(NULL, stdout, stdin);

	if (scr == NULL) {
		setenv("TERM", "vt100", 1);
		scr = newterm("vt100", stdout, stdin);
	}
	return scr;
}

static void
ui_locale(void)
{
	if (setlocale(LC_ALL, "") == NULL ||
	    strcmp(nl_langinfo(CODESET), "UTF-8") != 0)
		setlocale(LC_ALL, "C.UTF-8");
}

static void
ui_lang(struct ui_state *u)
{
	struct creator cr;

	memset(&cr, 0, sizeof cr);
	if (creator_by_id(u->ctx.db, u->ctx.s->creator_id, &cr) == NY_OK &&
	    i18n_lang_ok(cr.locale))
		snprintf(u->ctx.lang, sizeof u->ctx.lang, "%s", cr.locale);
	creator_free(&cr);
}

int
ui_main(struct ui_session *s)
{
	struct ui_state u;
	struct sigaction sa;
	SCREEN *scr;
	int rc = 0;

	memset(&u, 0, sizeof u);
	ui_locale();
	u.ctx.db = app_connect(s->cfg);
	u.ctx.s = s;
	snprintf(u.ctx.lang, sizeof u.ctx.lang, "%s", s->lang);
	if (s->mode != CONN_CREATOR) {
		rc = ui_enrol(s, u.ctx.db);
		db_close(u.ctx.db);
		return rc;
	}
	ui_lang(&u);
	/* Before newterm, which leaves a SIGTERM handler in place; no
	 * SA_RESTART: getch returns at once. */
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = ui_on_term;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	if ((scr = ui_term()) == NULL) {
		db_close(u.ctx.db);
		return 1;
	}
	set_escdelay(UI_ESCDELAY_MS);
	cbreak();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	timeout(200);
	ui_colors(&u.ctx);
	getmaxyx(stdscr, u.ctx.rows, u.ctx.cols);
	ui_switch(&u, &screen_dashboard);
	/* The dashboard behind the question, not a blank screen. */
	ui_draw(&u);
	wizard_draft_offer(&u.ctx);
	ui_loop(&u);
	ui_leave(&u);
	endwin();
	delscreen(scr);
	if (ui_stopping) {	/* left in the terminal after the session */
		printf("%s\r\n", ui_tr(&u.ctx, "tui.session.restart"));
		fflush(stdout);	/* the caller _exits */
	}
	db_close(u.ctx.db);
	return rc;
}

char *
ui_stats_json(struct db *db, int64_t creator_id)
{
	struct stats st;

	if (stats_get(db, creator_id, ny_now(), &st) != NY_OK)
		return xstrdup("{\"error\":\"database\"}\n");
	return stats_json(&st);
}
