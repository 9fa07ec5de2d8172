/*
 * screen-order.h: the order detail, a view the Orders screen opens over
 * its list (Enter) and hands its keys, drawing and ticks to while open.
 * It is not a screen of its own in ui_screens[]: it has no number key,
 * and closing it goes back to the list where it was.
 */
#ifndef NY_SCREEN_ORDER_H
#define NY_SCREEN_ORDER_H

#include <stdint.h>

#include "ui.h"

/* screen_order_key's extra result bit: the view is done, free it. */
#define SCREEN_ORDER_CLOSE	0x100

struct screen_order;

/*
 * Opens the detail of order id (one of the session creator's: another's
 * shows "not found"). Never NULL; free with screen_order_free.
 */
struct screen_order	*screen_order_open(struct ui_ctx *ctx, int64_t id);
void			 screen_order_free(struct screen_order *so);
/* Reads the order again (another process changed the database). */
void			 screen_order_reload(struct screen_order *so,
			    struct ui_ctx *ctx);
/* Draws the detail over the whole screen body, and its keys in the bar. */
void			 screen_order_draw(struct screen_order *so,
			    struct ui_ctx *ctx, WINDOW *w);
/*
 * Handles a key: r refunds (asking first; for an M-Pesa payment without
 * the reversal API, the M-Pesa code of the money sent back by hand), ↑↓
 * scroll, Esc / ← / Backspace close. Returns the ui.h mask, with
 * SCREEN_ORDER_CLOSE when the caller must close the view.
 */
int			 screen_order_key(struct screen_order *so,
			    struct ui_ctx *ctx, int ch);

#endif
