/*
 * screen-discounts.h: the creator's discount codes, a view the Products
 * screen opens over its list (d) and hands its keys, drawing and ticks to
 * while open, like the automatic messages (m). The list says per code
 * what it is for, what it takes off, its dates, uses (of the most
 * allowed) and the revenue of its paid lines; n opens a form for a new
 * code, o turns the selected one off or on again (discount.h).
 */
#ifndef NY_SCREEN_DISCOUNTS_H
#define NY_SCREEN_DISCOUNTS_H

#include <stdint.h>

#include "ui.h"

/* screen_discounts_key's extra result bit: the view is done, free it. */
#define SCREEN_DISCOUNTS_CLOSE	0x400

struct screen_discounts;

/* Opens the session creator's codes. Never NULL; free with
 * screen_discounts_free. */
struct screen_discounts	*screen_discounts_open(struct ui_ctx *ctx);
void			 screen_discounts_free(struct screen_discounts *sd);
/* Reads them again (another process changed the database). */
void			 screen_discounts_reload(struct screen_discounts *sd,
			    struct ui_ctx *ctx);
/* Draws the list, or the form over it, and its keys in the bar. */
void			 screen_discounts_draw(struct screen_discounts *sd,
			    struct ui_ctx *ctx, WINDOW *w);
/*
 * The list: ↑↓ move, n new, o off/on, Esc, ← and Backspace close. The
 * form takes every key (typed text included) until Enter creates the
 * code or Esc leaves it. Returns the ui.h mask, with
 * SCREEN_DISCOUNTS_CLOSE when the caller must close the view.
 */
int			 screen_discounts_key(struct screen_discounts *sd,
			    struct ui_ctx *ctx, int ch);

#endif
