/*
 * screen-settings.h: the parts of Settings (screen-settings.c) that live
 * in their own files: the sale alerts editor (screen-settings-alerts.c)
 * and the audit log viewer (screen-settings-audit.c).
 */
#ifndef NY_SCREEN_SETTINGS_H
#define NY_SCREEN_SETTINGS_H

#include <stddef.h>

#include "alert.h"
#include "audit.h"
#include "ui.h"

/* The steps of the alerts editor. */
enum set_al_step { SET_AL_PHONE, SET_AL_CODE, SET_AL_MODE };

struct set_alerts {
	enum set_al_step	 step;
	struct alert_conf	 conf;		/* as stored */
	struct ui_field		 field;		/* number or code */
	enum alert_mode		 sel;		/* mode being chosen */
	int			 hour;
	char			 err[200];	/* under the editor */
	int			 note;		/* err is good news */
};

/*
 * "Sale alerts on WhatsApp: …" for the creator's settings into buf, the
 * line Settings shows under the language.
 */
void	set_alerts_line(struct ui_ctx *ctx, char *buf, size_t len);
/* Opens the editor: the choice when the number is verified, else the
 * code when one is out, else the number. */
void	set_alerts_open(struct set_alerts *a, struct ui_ctx *ctx);
/* A key in the editor; returns 1 when the editor closed. */
int	set_alerts_key(struct set_alerts *a, struct ui_ctx *ctx, int ch);
/* Draws the editor in rows [y, y + height) of w. */
void	set_alerts_draw(struct set_alerts *a, struct ui_ctx *ctx, WINDOW *w,
	    int y, int height);

/* The audit log viewer: the creator's lines, newest first. */
struct set_audit {
	struct audit_row	*rows;
	size_t			 n;
	int			 end;		/* all lines read */
	struct ui_list		 list;
};

void	set_audit_open(struct set_audit *v, struct ui_ctx *ctx);
/* A key in the viewer: 1 when it closed, -1 when it scrolled, 0 when
 * the key is not its own (left to the global keys). */
int	set_audit_key(struct set_audit *v, struct ui_ctx *ctx, int ch);
/* Draws the viewer over the screen's rows [1, rows - 1). */
void	set_audit_draw(struct set_audit *v, struct ui_ctx *ctx, WINDOW *w);
void	set_audit_free(struct set_audit *v);

#endif
