/*
 * ui-audit.c: the audit line of a change made in the console, with the
 * creator as actor ("creator:amani") and the session's address, so the
 * creator's audit viewer and the operator see who did it and from where.
 */
#include <stdio.h>

#include "audit.h"
#include "log.h"
#include "ssh-int.h"
#include "ui.h"

void
ui_audit(struct ui_ctx *ctx, const char *action, const char *detail)
{
	char actor[CREATOR_HANDLE_MAX + 16];

	snprintf(actor, sizeof actor, "creator:%s", ctx->s->handle);
	if (audit_log_for(ctx->db, ctx->s->creator_id, actor, action, detail,
	    ctx->s->addr[0] != '\0' ? ctx->s->addr : NULL) != NY_OK)
		log_error("audit line lost", "action=%s", action);
}
