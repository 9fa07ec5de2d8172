/*
 * screen-automations.h: a product's automatic messages, a view the
 * Products screen opens over its list (m) and hands its keys, drawing
 * and ticks to while open, like the order detail over Orders. Each row
 * says what the message says (its first words), when it goes (trigger
 * and delay in words) and how many it has sent and has pending in the
 * outbox.
 */
#ifndef NY_SCREEN_AUTOMATIONS_H
#define NY_SCREEN_AUTOMATIONS_H

#include <stdint.h>

#include "ui.h"

/* screen_automations_key's extra result bit: the view is done, free it. */
#define SCREEN_AUTOMATIONS_CLOSE	0x200

struct screen_automations;

/*
 * Opens the automations of product id, titled title (copied). Never
 * NULL; free with screen_automations_free.
 */
struct screen_automations *screen_automations_open(struct ui_ctx *ctx,
			    int64_t id, const char *title);
void			 screen_automations_free(struct screen_automations *sa);
/* Reads them again (another process changed the database). */
void			 screen_automations_reload(
			    struct screen_automations *sa, struct ui_ctx *ctx);
/* Draws the view over the screen body, and its keys in the bar. */
void			 screen_automations_draw(struct screen_automations *sa,
			    struct ui_ctx *ctx, WINDOW *w);
/*
 * ↑↓ move; Esc, ← and Backspace close. Returns the ui.h mask, with
 * SCREEN_AUTOMATIONS_CLOSE when the caller must close the view.
 */
int			 screen_automations_key(struct screen_automations *sa,
			    struct ui_ctx *ctx, int ch);
/*
 * When an automation goes, in words, into buf: "Right after the
 * purchase", "1 day before the start", "2 hours 30 minutes after the
 * purchase".
 */
void			 screen_automations_when(const char *lang,
			    const char *trigger, int offset_minutes,
			    char *buf, size_t len);

#endif
