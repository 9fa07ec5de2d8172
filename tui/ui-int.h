/*
 * ui-int.h: entry points between the UI's files (not widgets).
 */
#ifndef NY_UI_INT_H
#define NY_UI_INT_H

#include "ssh-int.h"
#include "ui.h"

/* Line-mode enrolment for setup/invite sessions; exit status. */
int	ui_enrol(struct ui_session *s, struct db *db);

#endif
