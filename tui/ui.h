/*
 * ui.h: the console's screens and widgets.
 *
 * Screens are const vtables (struct screen); their state lives in their
 * own data. Key handlers return a mask of UI_HANDLED | UI_REDRAW | UI_QUIT
 * that only the loop in ui-main.c acts on. Widgets keep their logic
 * (editing, wrapping, scrolling) apart from drawing, so tests drive them
 * without a terminal.
 */
#ifndef NY_UI_H
#define NY_UI_H

#include <stddef.h>
#include <stdint.h>

#include <curses.h>

#include "db.h"

#define UI_HANDLED	0x1
#define UI_REDRAW	0x2
#define UI_QUIT		0x4

struct ui_session;

/* What every screen sees: the session, its database, the language. */
struct ui_ctx {
	struct db		*db;
	struct ui_session	*s;
	char			 lang[3];	/* console language, en | sw */
	int			 color;		/* colours allowed */
	int			 rows, cols;
	int			 switch_to;	/* screen key asked for, or 0 */
	int64_t			 edit_id;	/* product the wizard edits, or 0 */
	char			 flash[160];	/* one-line message for the bar */
};

struct screen {
	char		 hotkey;	/* '1' … '7', 'n' */
	const char	*title;		/* locale key */
	const char	*help;		/* locale key: the screen's own keys */
	void		*(*init)(struct ui_ctx *ctx);
	void		 (*draw)(void *data, struct ui_ctx *ctx, WINDOW *w);
	int		 (*key)(void *data, struct ui_ctx *ctx, int ch);
	/* Called about every 200 ms; returns UI_REDRAW when data moved. */
	int		 (*tick)(void *data, struct ui_ctx *ctx);
	void		 (*resize)(void *data, struct ui_ctx *ctx);
	void		 (*free)(void *data);
	int		 wants_text;	/* digits and letters are its input */
};

extern const struct screen screen_dashboard, screen_orders, screen_products,
    screen_wizard, screen_customers, screen_checkin, screen_messages,
    screen_settings;

/* --- text helpers (ui-text.c) ------------------------------------------ */

/* The label for key in the console language. */
const char	*ui_tr(const struct ui_ctx *ctx, const char *key);
/*
 * An enum ny_err as words in lang (keys tui.e.N); ny_strerror's English
 * name for a code without a label. Never NULL.
 */
const char	*ui_strerror(const char *lang, int err);
/* Display columns of a UTF-8 string. */
int		 ui_width(const char *s);
/* Byte offset of the UTF-8 character before offset i of s (0 at 0). */
size_t		 ui_utf8_prev(const char *s, size_t i);
/*
 * Byte length of the longest prefix of s that fits in cols columns
 * (never splits a UTF-8 sequence).
 */
size_t		 ui_fit(const char *s, int cols);
/* Writes s at y, x cut to cols columns, padded with spaces when pad. */
void		 ui_put(WINDOW *w, int y, int x, const char *s, int cols,
		    int pad);
/* Writes s wrapped at cols, at most max lines; returns lines used. */
int		 ui_put_wrapped(WINDOW *w, int y, int x, const char *s,
		    int cols, int max);
/* Formats money for the console (caller frees). */
char		*ui_money(const struct ui_ctx *ctx, int64_t minor,
		    const char *currency);
/* "HH:MM" (today) or "DD Mon HH:MM" in EAT into buf. */
void		 ui_time(int64_t t, int64_t now, char *buf, size_t len);

/* --- single-line field (ui-field.c) ---------------------------------- */

#define UI_FIELD_MAX	512

struct ui_field {
	char	 text[UI_FIELD_MAX];	/* UTF-8 */
	size_t	 len;			/* bytes */
	size_t	 cur;			/* byte offset of the cursor */
	size_t	 max;			/* byte limit (≤ UI_FIELD_MAX - 1) */
};

void	ui_field_init(struct ui_field *f, size_t max, const char *text);
/* Handles an editing key; returns 1 when it was one. */
int	ui_field_key(struct ui_field *f, int ch);
void	ui_field_draw(const struct ui_field *f, WINDOW *w, int y, int x,
	    int cols, int focused);

/* --- text area with wrapping and scrolling (ui-textarea.c) ----------- */

struct ui_textarea {
	char	*text;		/* UTF-8, '\n' separates paragraphs */
	size_t	 len, cap, max;
	size_t	 cur;		/* byte offset of the cursor */
	int	 top;		/* first visual line shown */
	int	 width;		/* columns for wrapping */
	int	 height;	/* visible lines */
};

/* One visual (wrapped) line: bytes [start, end) of text. */
struct ui_vline {
	size_t	 start, end;
};

void	ui_textarea_init(struct ui_textarea *t, size_t max, const char *text);
void	ui_textarea_free(struct ui_textarea *t);
void	ui_textarea_resize(struct ui_textarea *t, int width, int height);
/* Inserts a UTF-8 string at the cursor; NY_ELIMIT past max. */
int	ui_textarea_insert(struct ui_textarea *t, const char *s);
/* Handles an editing or moving key; returns 1 when it was one. */
int	ui_textarea_key(struct ui_textarea *t, int ch);
/*
 * Wraps the text at width columns (at spaces when it can): fills up to
 * max lines into v and returns how many there are in all.
 */
int	ui_textarea_wrap(const struct ui_textarea *t, struct ui_vline *v,
	    int max);
/* Visual line and column of the cursor. */
void	ui_textarea_cursor(const struct ui_textarea *t, int *line, int *col);
void	ui_textarea_draw(struct ui_textarea *t, WINDOW *w, int y, int x,
	    int focused);

/* --- scrolling list (ui-list.c) -------------------------------------- */

struct ui_list {
	int	 n;		/* items */
	int	 sel;		/* selected index (-1 when empty) */
	int	 top;		/* first visible index */
	int	 height;	/* visible rows */
};

void	ui_list_set(struct ui_list *l, int n, int height);
/* Up/down/page/home/end; returns 1 when handled. */
int	ui_list_key(struct ui_list *l, int ch);
/* Keeps sel visible after a change of n, sel or height. */
void	ui_list_fix(struct ui_list *l);

/* --- chart, dialog, bars (ui-chart.c, ui-dialog.c, ui-bar.c) ---------- */

/*
 * Bar chart of n values in a box of height rows at y, x, one column per
 * value (two when there is room), using eighth-block characters; with
 * ascii (vt100) '#' is used instead.
 */
void	ui_chart_draw(WINDOW *w, int y, int x, int height, const int64_t *v,
	    int n, int ascii);
/* The eighth-block glyph index (0..8) of value's part in cell row r. */
int	ui_chart_cell(int64_t v, int64_t max, int height, int r);

/* Asks yes/no in a box; returns 1 for yes. Blocks on keys. */
int	ui_confirm(struct ui_ctx *ctx, const char *question);
/* Shows a message box until a key. */
void	ui_message(struct ui_ctx *ctx, const char *text);

/* Title bar and status bar (keys of the screen). */
void	ui_bar_title(struct ui_ctx *ctx, WINDOW *w, const struct screen *sc);
void	ui_bar_status(struct ui_ctx *ctx, WINDOW *w, const struct screen *sc);

/* Attribute for highlights: colour when allowed, else reverse/bold. */
int	ui_attr_hl(const struct ui_ctx *ctx);
int	ui_attr_ok(const struct ui_ctx *ctx);
int	ui_attr_bad(const struct ui_ctx *ctx);

#endif
