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
	int			 resume_draft;	/* the wizard restores the saved draft */
	char			 flash[160];	/* one-line message for the bar */
	/*
	 * Where the terminal cursor goes once the screen is drawn: a screen
	 * drawing the field being edited sets them (ui_cursor_at); -1 (the
	 * loop's reset before each draw) hides the cursor.
	 */
	int			 cur_y, cur_x;
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
	/* Before the screen is left for another or the console quits
	 * (may be NULL): what must not wait for the next tick. */
	void		 (*leave)(void *data, struct ui_ctx *ctx);
	void		 (*free)(void *data);
	int		 wants_text;	/* digits and letters are its input */
	/*
	 * With wants_text: 1 when Esc means something on the screen right
	 * now (clear the code being typed) and goes to it at once, with no
	 * wait for a screen key after it (may be NULL: Esc waits).
	 */
	int		 (*esc_now)(void *data);
};

extern const struct screen screen_dashboard, screen_orders, screen_products,
    screen_wizard, screen_customers, screen_checkin, screen_messages,
    screen_settings;

/* --- text helpers (ui-text.c) ------------------------------------------ */

/* The larger of a and b (column widths). */
static inline int
ui_max(int a, int b)
{
	return a > b ? a : b;
}

/* The label for key in the console language. */
const char	*ui_tr(const struct ui_ctx *ctx, const char *key);
/*
 * An enum ny_err as words in lang (keys tui.e.N); ny_strerror's English
 * name for a code without a label. Never NULL.
 */
const char	*ui_strerror(const char *lang, enum ny_err err);
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
/*
 * s shortened to fit cols display columns into buf: whole when it fits,
 * else cut after the last whole word that leaves room for "…" (inside
 * the word only when there is a single word or the cut would lose more
 * than half the room). Returns the width written. Lists use it so a cut
 * title never glues onto the next column and no word is cut silently.
 */
int		 ui_cut(const char *s, int cols, char *buf, size_t len);
/*
 * The status bar's key hints in cols columns into buf: the screen's
 * items (separated by two spaces) in order while they fit, then the
 * global ones that fit; an item is dropped whole, never cut, and the
 * global item with "?" (the way to the full help) always stays. Returns
 * the width used.
 */
int		 ui_hints(const char *screen, const char *global, int cols,
		    char *buf, size_t len);
/* A column of a list: its width, the spaces after it, how it is cut. */
struct ui_col {
	int	 width;
	int	 gap;
	int	 right;		/* right-aligned: amounts, counts */
	int	 raw;		/* an id: its start shown, no "…" */
};
/*
 * Writes the n cells of a list row (or its heads) in cols from x on row
 * y: each cut at a word (ui_put_cut) or, raw, at its width; stops at
 * the right edge max. Lists lay out their columns once (from ctx->cols
 * and their longest labels) and call this for every row.
 */
void		 ui_put_cells(WINDOW *w, int y, int x, int max,
		    const struct ui_col *cols, int n, const char *const *cell);
/* ui_put of ui_cut(s, cols). */
void		 ui_put_cut(WINDOW *w, int y, int x, const char *s, int cols,
		    int pad);
/*
 * Bytes (1 to 4, never past len) and display columns (*cols) of the UTF-8
 * character at byte offset i of s; a stray byte counts as one of each.
 */
size_t		 ui_char_at(const char *s, size_t len, size_t i, int *cols);

/* One visual (wrapped) line: bytes [start, end) of text. */
struct ui_vline {
	size_t	 start, end;
};

/*
 * Wraps s (len bytes, '\n' separates paragraphs) at width columns, after
 * a space when the line has one, else inside the word: fills up to max
 * lines into v and returns how many there are in all (more than max
 * when they did not fit). An empty paragraph is one empty line.
 */
int		 ui_wrap(const char *s, size_t len, int width,
		    struct ui_vline *v, int max);
/* Writes s wrapped at cols (at least 4), at most max lines (and at most
 * 32); returns lines used. */
int		 ui_put_wrapped(WINDOW *w, int y, int x, const char *s,
		    int cols, int max);
/* Formats money for the console (caller frees). */
char		*ui_money(const struct ui_ctx *ctx, int64_t minor,
		    const char *currency);
/*
 * NULL when one of the payment methods (NYOTA_PAYMENTS) takes currency;
 * else why not, from the locale key (with {currency} and {methods}), for
 * the screen that refuses to publish (caller frees).
 */
char		*ui_unpayable(const struct ui_ctx *ctx, const char *methods,
		    const char *key, const char *currency);
/* "HH:MM:SS" (the last 20 hours) or "DD Mon HH:MM" in EAT into buf, the
 * month in lang (NULL: C's English abbreviation). */
void		 ui_time(const char *lang, int64_t t, int64_t now, char *buf,
		    size_t len);

/*
 * Records a change made in the console in the audit log (ui-audit.c):
 * action like "product.publish", detail a short non-secret text (a slug,
 * a masked phone) or NULL. A failure is logged, never shown.
 */
void		 ui_audit(struct ui_ctx *ctx, const char *action,
		    const char *detail);

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
/* Column (from the field's x) where f's cursor is drawn in cols. */
int	ui_field_cursor_col(const struct ui_field *f, int cols);
/* Puts the terminal cursor at y, x of w after the draw (ui-main.c). */
void	ui_cursor_at(struct ui_ctx *ctx, WINDOW *w, int y, int x);

/* --- text area with wrapping and scrolling (ui-textarea.c) ----------- */

struct ui_textarea {
	char	*text;		/* UTF-8, '\n' separates paragraphs */
	size_t	 len, cap, max;
	size_t	 cur;		/* byte offset of the cursor */
	int	 top;		/* first visual line shown */
	int	 width;		/* columns for wrapping */
	int	 height;	/* visible lines */
};

void	ui_textarea_init(struct ui_textarea *t, size_t max, const char *text);
void	ui_textarea_free(struct ui_textarea *t);
void	ui_textarea_resize(struct ui_textarea *t, int width, int height);
/* Inserts a UTF-8 string at the cursor: NY_OK, or NY_ELIMIT (nothing
 * inserted) when the text would pass max bytes. */
enum ny_err	ui_textarea_insert(struct ui_textarea *t, const char *s);
/* Handles an editing or moving key; returns 1 when it was one. */
int	ui_textarea_key(struct ui_textarea *t, int ch);
/* ui_wrap of the text at the area's width. */
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
 * A bar chart of amounts of one currency (minor units, oldest first)
 * with its axes: the y axis from 0 to a round top (ui_chart_top) in
 * short major units (ui_chart_amount), the x axis with the labels
 * (dates) of a few bars that fit (ui_chart_ticks), and the selected bar
 * highlighted with a mark under it. Bars widen with the room
 * (ui_chart_bar_width). ascii (vt100) draws '#', '|', '-', '+' and '^'
 * instead of eighth blocks, lines and '▲'.
 */
struct ui_chart {
	const int64_t	*v;
	int		 n;
	int		 sel;		/* selected bar, or -1 */
	int		 exponent;	/* decimals of the currency */
	int		 ascii;
	int		 hl;		/* attribute of the selected bar */
	/* Bar i's x-axis label ("3 Nov") into buf. */
	void		 (*label)(void *arg, int i, char *buf, size_t len);
	void		*arg;
};

/*
 * Draws c in rows [y, y + height) and columns [x, x + width) of w: the
 * bars (height - 2 rows, made even so the middle label sits on a row's
 * edge; nothing under 2), the axis line, the labels under it.
 */
void	ui_chart_draw(WINDOW *w, int y, int x, int height, int width,
	    const struct ui_chart *c);
/* The eighth-block glyph index (0..8) of value's part in cell row r. */
int	ui_chart_cell(int64_t v, int64_t max, int height, int r);
/*
 * The y axis's top for values up to max (minor units of a currency
 * with exponent decimals): the smallest of 1, 2, 4, 6 or 8 × 10^k major
 * units that is ≥ max (its half is then round too); 1 major unit when
 * max ≤ 0.
 */
int64_t	ui_chart_top(int64_t max, int exponent);
/*
 * An axis label into buf: minor in major units, short ("0", "0.5",
 * "400", "1.5k", "20k", "2.5M", "1B"), rounded down to one decimal.
 */
void	ui_chart_amount(int64_t minor, int exponent, char *buf, size_t len);
/* Columns per bar for n bars in cols columns: 1 to 4. */
int	ui_chart_bar_width(int cols, int n);
/*
 * The bars that get an x-axis label of label_w columns when bars are bw
 * wide and room columns are free from the first bar: every k-th bar
 * counting back from the last one, k the first of 1, 2, 7, 14, 28 that
 * leaves a space between labels, and only those whose label ends within
 * room. Writes at most max indices, oldest first, to at; returns how
 * many.
 */
int	ui_chart_ticks(int n, int bw, int label_w, int room, int *at,
	    int max);
/* sel moved by step and kept within the n bars (-1 when n is 0). */
int	ui_chart_move(int sel, int step, int n);

/* Asks yes/no in a box; returns 1 for yes. Blocks on keys. */
int	ui_confirm(struct ui_ctx *ctx, const char *question);
/* Shows a message box until a key. */
void	ui_message(struct ui_ctx *ctx, const char *text);
/* Shows a message box until a key or ms milliseconds, whichever first
 * (ms < 0: until a key). */
void	ui_notice(struct ui_ctx *ctx, const char *text, int ms);

/* Title bar and status bar (keys of the screen). */
void	ui_bar_title(struct ui_ctx *ctx, WINDOW *w, const struct screen *sc);
void	ui_bar_status(struct ui_ctx *ctx, WINDOW *w, const struct screen *sc);

/* Attribute for highlights: colour when allowed, else reverse/bold. */
int	ui_attr_hl(const struct ui_ctx *ctx);
int	ui_attr_ok(const struct ui_ctx *ctx);
int	ui_attr_bad(const struct ui_ctx *ctx);

/* --- uploads: picker and the commands to upload (ui-picker.c) -------- */

struct ny_config;
struct upload_entry;

/*
 * The command lines a creator types on their own computer, built from
 * cfg->ssh_public ("host:port" or "[v6]:port") into buf (cut to len):
 *   ui_upload_cmd: "scp -P PORT FILE HANDLE@HOST:"
 *   ui_sftp_cmd:   "sftp -P PORT HANDLE@HOST"
 *   ui_ssh_cmd:    "ssh -p PORT USER@HOST"
 * An IPv6 host keeps its brackets for scp and sftp (HANDLE@[::1]:) and
 * loses them for ssh, which takes only the bare address (checked with
 * OpenSSH 9). Each returns buf.
 */
char	*ui_upload_cmd(const struct ny_config *cfg, const char *handle,
	    char *buf, size_t len);
char	*ui_sftp_cmd(const struct ny_config *cfg, const char *handle,
	    char *buf, size_t len);
char	*ui_ssh_cmd(const struct ny_config *cfg, const char *user, char *buf,
	    size_t len);
/*
 * Splits "host:port" / "[v6]:port" at its last ':' into host (brackets
 * kept, cut to hlen) and port (digits; "22" when there is none).
 */
void	ui_hostport(const char *hostport, char *host, size_t hlen,
	    char port[8]);

/* 1 when filter ("" matches all) is in name, ASCII case ignored. */
int	ui_match(const char *name, const char *filter);
/* 1 when name ends in .png, .jpg, .jpeg or .webp (any case). */
int	ui_image_name(const char *name);
/* The part of a relative path after its last '/'. */
const char *ui_base_name(const char *path);
/* Bytes for people, in powers of 1000: "512 B", "1.2 kB", "3.0 MB". */
void	ui_human_size(int64_t bytes, char *buf, size_t len);

/*
 * A list of the creator's uploads (upload_list: newest first, links and
 * hidden files never shown), narrowed as the creator types (ui_match),
 * with images only under UI_PICK_IMAGES. Space picks and stays open,
 * Enter picks and closes, Esc closes (the caller acts on each: see
 * ui_picker_key); ^R reads the folder again.
 */
struct ui_picker {
	struct upload_entry	*all;		/* owned */
	size_t			 nall;
	int			*shown;		/* indices into all; owned */
	int			 nshown;
	int			 flags;		/* UI_PICK_IMAGES */
	enum ny_err		 rc;		/* upload_list's result */
	struct ui_field		 filter;
	struct ui_list		 list;
	/* Mark in front of an upload ("+" when already chosen); may be NULL. */
	const char		*(*mark)(void *arg, const char *path);
	void			*mark_arg;
};

#define UI_PICK_IMAGES	0x100	/* flag: .png .jpg .jpeg .webp only */

/* ui_picker_key's answers. */
enum { UI_PICK_NONE, UI_PICK_ADD, UI_PICK_DONE, UI_PICK_CLOSE };

/* Reads the session creator's uploads into p (zeroed or freed before;
 * the filter and mark are kept). */
void	ui_picker_load(struct ui_picker *p, struct ui_ctx *ctx, int flags);
/* Takes the entries v[0..n) (owned from now on) instead of reading. */
void	ui_picker_set(struct ui_picker *p, struct upload_entry *v, size_t n,
	    int flags);
void	ui_picker_free(struct ui_picker *p);
/* Applies the filter again (after p->filter changed). */
void	ui_picker_refilter(struct ui_picker *p);
/* The selected entry, or NULL when nothing is shown. */
const struct upload_entry *ui_picker_selected(const struct ui_picker *p);
/*
 * Handles a key: UI_PICK_ADD (Space with a selection: pick it, stay),
 * UI_PICK_DONE (Enter with a selection: pick it, close), UI_PICK_CLOSE
 * (Esc); else UI_PICK_NONE (the filter or the selection moved).
 */
int	ui_picker_key(struct ui_picker *p, int ch);
/*
 * Draws the picker in rows [y, y + height) and columns [x, x + cols) of
 * w: the filter, then name, size and date per upload; with no uploads
 * at all, how to upload (ui_upload_cmd, ui_sftp_cmd).
 */
void	ui_picker_draw(struct ui_picker *p, struct ui_ctx *ctx, WINDOW *w,
	    int y, int x, int height, int cols);
/*
 * An image refused by image_put_fd / image_probe (err, its English why)
 * in the console language into buf: "not a PNG, JPEG or WebP image",
 * "larger than 5 MB", "wider or taller than 4000 pixels", else the
 * error's words.
 */
void	ui_image_refusal(const struct ui_ctx *ctx, enum ny_err err,
	    const char *why, char *buf, size_t len);

#endif
