/*
 * outbox-log.c: the default WhatsApp driver. Each message becomes one JSON
 * line appended to $NYOTA_DATA_DIR/whatsapp.jsonl:
 *
 *   {"id":7,"at":"…Z","to":"2547…","kind":"receipt","template":"…",
 *    "lang":"sw","body":"… http://…/l/TOKEN","link":"http://…/l/TOKEN",
 *    "params":[…]}
 *
 * The line is written with one write(2) on an O_APPEND descriptor, so
 * lines from concurrent writers never interleave (Linux appends a single
 * write atomically for regular files).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "outbox-int.h"

struct ob_log {
	char	*path;
	char	*template_name;
};

int
outbox_log_new(const struct outbox_conf *conf, void **data, char **cause)
{
	struct ob_log *lg;

	if (conf->data_dir == NULL || *conf->data_dir == '\0') {
		*cause = xstrdup("NYOTA_DATA_DIR: expected a directory for "
		    "whatsapp.jsonl");
		return NY_EINVAL;
	}
	lg = xcalloc(1, sizeof *lg);
	lg->path = xasprintf("%s/whatsapp.jsonl", conf->data_dir);
	lg->template_name = xstrdup(conf->template_name != NULL &&
	    *conf->template_name ? conf->template_name : "");
	*data = lg;
	return NY_OK;
}

static void
ob_log_free(void *data)
{
	struct ob_log *lg = data;

	free(lg->path);
	free(lg->template_name);
	free(lg);
}

static enum outbox_result
ob_log_send(void *data, const struct outbox_send *m, char *provider_id,
    size_t idlen, char *reason, size_t reasonlen)
{
	struct ob_log *lg = data;
	char at[32], tpl[64], *line;
	json_t *o, *params;
	size_t len;
	ssize_t w;
	int fd;

	ny_iso8601(ny_now(), at, sizeof at);
	if (*lg->template_name)
		snprintf(tpl, sizeof tpl, "%s", lg->template_name);
	else
		snprintf(tpl, sizeof tpl, "nyota_%s", m->kind);
	params = json_loads(m->params != NULL ? m->params : "[]", 0, NULL);
	if (!json_is_array(params)) {
		json_decref(params);
		params = json_array();
	}
	o = json_pack("{sI ss ss ss ss ss ss ss? so}", "id", (json_int_t)m->id,
	    "at", at, "to", m->to, "kind", m->kind, "template", tpl,
	    "lang", m->locale, "body", m->body,
	    "link", m->link,
	    "params", params);
	line = json_dumps(o, JSON_COMPACT | JSON_ENSURE_ASCII);
	json_decref(o);
	if (line == NULL) {
		snprintf(reason, reasonlen, "cannot encode message");
		return OUTBOX_FAIL;
	}
	len = strlen(line);
	line = realloc(line, len + 2);
	if (line == NULL)
		abort();
	line[len++] = '\n';
	fd = open(lg->path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0) {
		snprintf(reason, reasonlen, "open whatsapp.jsonl: %s",
		    strerror(errno));
		free(line);
		return OUTBOX_RETRY;
	}
	w = write(fd, line, len);
	if (w != (ssize_t)len)
		snprintf(reason, reasonlen, "write whatsapp.jsonl: %s",
		    w < 0 ? strerror(errno) : "short write");
	close(fd);
	free(line);
	if (w != (ssize_t)len)
		return OUTBOX_RETRY;
	snprintf(provider_id, idlen, "log-%lld", (long long)m->id);
	return OUTBOX_SENT;
}

const struct outbox_driver outbox_driver_log = {
	.name = "log",
	.send = ob_log_send,
	.free = ob_log_free,
};
