/*
 * wizard-int.h: what the product wizard (screen-wizard.c) shares with its
 * steps kept in their own files: the content step's files and cover
 * (wizard-files.c), the automatic messages step (wizard-auto.c) and the
 * small decisions the unit tests check (wizard-rules.c). The
 * wizard owns struct wizard (init, free, step order, validation, save);
 * each step file reads and changes only its own part of it, plus err
 * (the inline message) and step (to send the creator back to a step).
 */
#ifndef NY_WIZARD_INT_H
#define NY_WIZARD_INT_H

#include <stdint.h>

#include "blob.h"
#include "product.h"
#include "ui.h"
#include "upload.h"

enum wiz_field {
	F_TITLE, F_SLUG, F_PRICE, F_CURRENCY, F_SUMMARY, F_PERIOD,
	F_STARTS, F_VENUE, F_CAPACITY, F_URL,
	F_PRICING,		/* a choice (struct wizard's pwyw), not text */
	F_SUGGESTED, F_TAGS,
	F_FILES, F_COVER,	/* lists from the uploads, not text */
	F_COUNT
};

enum wiz_step_id {
	S_KIND, S_BASICS, S_STORY, S_CONTENT, S_DELIVERY, S_AUTOS, S_REVIEW,
	S_COUNT
};

#define WIZ_AUTOS_MAX	10
#define WIZ_FILES_MAX	64

/* A file of the product as the wizard holds it until the save. */
struct wizard_file {
	int64_t		 id;		/* product_files.id kept; 0 = new */
	char		 path[UPLOAD_PATH_MAX + 1];	/* new: in uploads */
	char		 name[PRODUCT_FILE_NAME_MAX + 1];	/* for buyers */
	int64_t		 size;
};

/* What the uploads picker is open for. */
enum { PICK_OFF, PICK_FILES, PICK_COVER };

/* An automation as the wizard holds it until the product is saved. */
struct wizard_auto {
	int64_t		 id;		/* 0 = not saved yet */
	char		 trigger[16];
	int		 offset;	/* minutes */
	char		*en, *sw;	/* owned */
	int		 removed;	/* saved one to delete on save */
};

/* The automations' add form: trigger (cycled), minutes, en and sw. */
enum { A_TRIGGER, A_OFFSET, A_EN, A_SW, A_COUNT };

struct wizard {
	int			 step;
	int			 kind;		/* index in product_kinds */
	struct ui_field		 f[F_COUNT];
	int			 focus;		/* index into the step's fields */
	struct ui_textarea	 story;
	char			 err[200];
	int64_t			 edit_id;
	int			 slug_typed;	/* creator edited the slug */
	/* the automations step (wizard-auto.c) */
	struct wizard_auto	 autos[WIZ_AUTOS_MAX];
	int			 nautos;
	struct ui_list		 alist;		/* over autos not removed */
	int			 adding;	/* the add form is open */
	int			 afocus;	/* A_* */
	int			 atrig;		/* index in the triggers */
	struct ui_field		 af[A_COUNT];
	int			 editing;	/* opened with e: kind fixed */
	int			 published;	/* saved product is on sale */
	int64_t			 download_limit;	/* kept on edit */
	/* files and cover of the content step (wizard-files.c) */
	struct wizard_file	 files[WIZ_FILES_MAX];
	int			 nfiles;
	struct ui_list		 flist;		/* selection in files */
	int			 picking;	/* PICK_* */
	struct ui_picker	 pick;
	char			 cover_sha[BLOB_SHA_LEN];	/* kept cover */
	char			 cover_path[UPLOAD_PATH_MAX + 1];	/* new */
	int64_t			 cover_size;
	/* added after the fields above, which stay where they were */
	int			 err_field;	/* F_* err blames, or -1 */
	int			 pwyw;		/* pay what you want: F_PRICE
						   is the minimum */
};

/* --- the wizard's small decisions (wizard-rules.c) ------------------- */

#define WIZ_VALUE_MIN		20	/* columns a value keeps at least */
#define WIZ_LABEL_MIN		4
#define WIZ_CURRENCIES_MAX	8

/*
 * The label column of a step: its widest label (widths: display columns
 * in the console language), within what leaves the value WIZ_VALUE_MIN
 * columns on a cols-wide screen (labels at x 2, values at lw + 4 up to
 * cols - 2). Never less than WIZ_LABEL_MIN.
 */
int	wizard_label_cols(const int *widths, int n, int cols);
/*
 * The currencies a price can be in: money.c's that some method of the
 * comma list methods (NYOTA_PAYMENTS) takes, in a fixed order, up to max
 * into out; returns how many. When no method takes any of them, all of
 * money.c's (a draft can still be made; publishing says why not).
 */
int	wizard_currencies(const char *methods, const char **out, int max);
/* The currency after (dir > 0) or before (dir < 0) cur in that list,
 * wrapping round, or cur itself (dir 0); the first one when cur is not
 * in it. */
const char *wizard_currency_step(const char *methods, const char *cur,
	    int dir);
/*
 * An event's start against now: WIZ_START_OK (in the future),
 * WIZ_START_PAST (refused) or WIZ_START_PAST_KEPT (past, but the very
 * start saved before, an edit of an event already held: a warning).
 * saved is the start the product had when the edit began, 0 for new.
 */
enum { WIZ_START_OK, WIZ_START_PAST, WIZ_START_PAST_KEPT };
int	wizard_start_check(int64_t starts, int64_t now, int64_t saved);
/* When a subscription bought at now ends (entitlement.c's rule). */
int64_t	wizard_sub_end(int64_t now, int64_t period_days);
/*
 * The basics step's fields into out, in order; returns how many: title,
 * slug, price (the minimum with pwyw), currency, summary, pricing (fixed
 * or pay what you want), suggested (pwyw only), tags.
 */
#define WIZ_BASICS_MAX	8
int	wizard_basics_fields(int pwyw, int out[WIZ_BASICS_MAX]);
/* The label key of field f: the price is "Minimum" with pwyw. */
const char *wizard_label(int pwyw, int f);
/*
 * The pricing as typed into *price and *suggested (-1: none): the
 * price (the minimum with pwyw) and, with pwyw, the suggested amount,
 * which may be empty; without, the suggested text is ignored (kept in
 * the field should the creator switch back). NY_OK, or NY_EINVAL with
 * *bad = F_PRICE or F_SUGGESTED (not a money amount of currency). The
 * bounds are product_validate's.
 */
enum ny_err	wizard_pricing(int pwyw, const char *price,
		    const char *suggested, const char *currency,
		    int64_t *price_minor, int64_t *suggested_minor, int *bad);

/* --- files and cover (wizard-files.c) -------------------------------- */

/*
 * Reads the files attached to product z->edit_id into z->files as kept
 * ones (no path, nothing to copy), at most WIZ_FILES_MAX. Returns NY_OK
 * or product_files' error (z->files untouched then).
 */
enum ny_err	wizard_files_load(struct wizard *z, struct ui_ctx *ctx);
/*
 * The content step's keys on the Files (f F_FILES) or Cover (F_COVER)
 * item: a/Space open the picker, x/Delete remove; on Files also u/d
 * (Shift-↑↓) move the selected file and ↑↓ select inside the list.
 * Returns 1 when the key was one of these (↑ on the first file and ↓ on
 * the last are not: focus moves on).
 */
int	wizard_files_key(struct wizard *z, struct ui_ctx *ctx, int f, int ch);
/* A key while the picker is open (z->picking); a UI_* mask. */
int	wizard_files_pick_key(struct wizard *z, struct ui_ctx *ctx, int ch);
/* Draws the open picker over the step. */
void	wizard_files_pick_draw(struct wizard *z, struct ui_ctx *ctx,
	    WINDOW *w);
/*
 * Draws the chosen files at y, x, numbered in the order buyers see them,
 * in the rows left by the step's nfields items; returns rows used.
 */
int	wizard_files_draw(struct wizard *z, struct ui_ctx *ctx, WINDOW *w,
	    int y, int x, int focused, int nfields);
/* Draws the cover line: the new upload, the kept cover or none. */
void	wizard_files_cover_draw(struct wizard *z, struct ui_ctx *ctx,
	    WINDOW *w, int y, int x, int focused);
/* Selects file i of the list (kept on screen). */
void	wizard_files_select(struct wizard *z, int i);
/* z->err = the text of locale key with {name} (a file's name). */
void	wizard_files_err(struct wizard *z, struct ui_ctx *ctx,
	    const char *key, const char *name);

/* --- automatic messages (wizard-auto.c) ------------------------------ */

/* Reads the automations of product z->edit_id (none on error). */
void	wizard_auto_load(struct wizard *z, struct ui_ctx *ctx);
/* Draws the step: the list, and the add form when it is open. */
void	wizard_auto_draw(struct wizard *z, struct ui_ctx *ctx, WINDOW *w);
/*
 * A key on the step: the add form's keys while it is open (Esc closes
 * it), else ↑↓ and the list's keys, a (add), x/Delete (remove). Returns
 * a UI_* mask, or 0 for a key that is not the step's (Enter, Tab: the
 * wizard goes on).
 */
int	wizard_auto_key(struct wizard *z, struct ui_ctx *ctx, int ch);
/*
 * 1 when every kept automation suits the kind (which may have changed
 * since they were added); else 0 with z->step set to S_AUTOS and the
 * reason in z->err.
 */
int	wizard_auto_ok(struct wizard *z, struct ui_ctx *ctx);
/*
 * After the product is saved as product_id: deletes the removed
 * automations and adds the new ones, stopping at the first error, which
 * it returns (one already gone counts as deleted). Each one saved is
 * marked so, so that a retry does not repeat it.
 */
enum ny_err	wizard_auto_save(struct wizard *z, struct ui_ctx *ctx,
		    int64_t product_id);
/* Frees the automations' texts. */
void	wizard_auto_free(struct wizard *z);

/* --- the draft kept across dropped connections (wizard-draft.c) ------ */

/* 1 when z holds something worth keeping (not a wizard just opened). */
int	wizard_draft_worth(const struct wizard *z);
/* z's state as the draft's JSON (caller frees), or NULL. */
char	*wizard_draft_json(const struct wizard *z);
/*
 * Restores the state json (wizard_draft_json's) into z, an initialised
 * wizard: NY_OK, or NY_EINVAL with z untouched when json is not a draft
 * we could have written (types, NUL bytes, lengths, kind, triggers,
 * upload paths). Numbers out of range are clamped. Uses no database:
 * wizard_draft_check does that part.
 */
enum ny_err	wizard_draft_parse(struct wizard *z, const char *json);
/*
 * After a parse: the edited product must still be the creator's (else
 * the draft becomes a new product, saying so in z->err), kept files,
 * automations and the cover must still be that product's; its kind,
 * download limit and status are the database's.
 */
void	wizard_draft_check(struct wizard *z, struct ui_ctx *ctx);
/* The wizard's tick: writes the draft at a step change at once, else at
 * most every 2 s while something changes; stops once the stored draft
 * is no longer the one this session wrote (another session's now). */
int	wizard_draft_tick(void *data, struct ui_ctx *ctx);
/* The wizard's init: restores the creator's draft when the login's offer
 * was taken (ctx->resume_draft) or, asked now, the creator wants it. */
void	wizard_draft_resume(struct wizard *z, struct ui_ctx *ctx);
/* Forgets the creator's draft: the product was saved or discarded. */
/* Screen leave hook: writes the draft now, unless published/discarded. */
void	wizard_draft_leave(void *data, struct ui_ctx *ctx);
void	wizard_draft_clear(struct ui_ctx *ctx);

#endif
