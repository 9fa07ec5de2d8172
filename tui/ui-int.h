/*
 * ui-int.h: entry points between the UI's files (not widgets).
 */
#ifndef NY_UI_INT_H
#define NY_UI_INT_H

#include "ssh-int.h"
#include "ui.h"

/* Line-mode enrolment for setup/invite sessions; exit status. */
int	ui_enrol(struct ui_session *s, struct db *db);

/*
 * The language a creator typed at the enrolment's first prompt: en,
 * english, kiingereza, 1 → "en"; sw, swahili, kiswahili, 2 → "sw" (any
 * case, spaces around ignored). Writes lang and returns 1, or returns 0
 * (lang untouched) for anything else, including an empty answer.
 */
int	ui_enrol_lang(const char *answer, char lang[3]);

/*
 * Saves an enrolment in ONE transaction: the creator (handle), the TOTP
 * secret raw confirmed at step (so that code cannot be replayed to log
 * in), and the setup code consumed or the invite s->code used. The
 * creator's language (console, messages) is s->lang ("en" if unset). Returns
 * NY_OK; NY_EDENIED (setup code or invite no longer valid: another
 * session won), NY_EEXISTS (handle taken), NY_EINVAL, or a db error.
 * Nothing is written unless everything is.
 */
enum ny_err ui_enrol_save(struct ui_session *s, struct db *db,
	    const char *handle, const unsigned char *raw, int64_t step);

/* Offers to continue the creator's wizard draft (wizard-draft.c); 1 when
 * taken: the wizard is asked for and restores it. */
int	wizard_draft_offer(struct ui_ctx *ctx);

#endif
