/*
 * outbox-int.h: what outbox.c shares with its drivers (outbox-log.c,
 * outbox-cloud.c) and scheduler; not for other modules.
 */
#ifndef NY_OUTBOX_INT_H
#define NY_OUTBOX_INT_H

#include "outbox.h"

/* Driver constructors: NY_OK and *data, or NY_EINVAL with *cause. */
enum ny_err	 outbox_log_new(const struct outbox_conf *conf, void **data,
		    char **cause);
enum ny_err	 outbox_cloud_new(const struct outbox_conf *conf, void **data,
		    char **cause);

/* s with every "{link}" replaced by link ("" when NULL). Caller frees. */
char		*outbox_subst_link(const char *s, const char *link);

#endif
