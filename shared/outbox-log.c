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

enum ny_err
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

/*
 * json_pack("s") refuses NULL and invalid UTF-8 (the whole message then
 * failed for good: a body cut inside a multi-byte character was never
 * delivered), hence outbox_json_str. Shared with the mail log driver.
 */
json_t *
outbox_json_str(const char *s)
{
	json_t *v;
	char *t;
	size_t i, len;

	if (s == NULL)
		return json_string("");
	if ((v = json_string(s)) != NULL)
		return v;
	/* Slow path, rare: keep ASCII and valid sequences, mark the rest. */
	len = strlen(s);
	t = xstrdup(s);
	for (i = 0; i < len; i++) {
		size_t n;

		for (n = 1; n <= 4 && i + n <= len; n++)
			if ((v = json_stringn(t + i, n)) != NULL)
				break;
		if (v != NULL) {
			json_decref(v);
			v = NULL;
			i += n - 1;
		} else
			t[i] = '?';
	}
	v = json_string(t);
	free(t);
	return v != NULL ? v : json_string("");
}

/*
 * The line for m as an object. Built with json_object_set_new rather than one json_pack: a vararg
 * format is checked by nothing at compile time (a mis-typed argument is
 * read as a pointer: the likeliest cause of the SIGSEGV once seen under
 * json_pack here), and json_pack refuses a NULL or invalid UTF-8 string,
 * which failed the message for good.
 */
static json_t *
ob_log_line(const struct ob_log *lg, const struct outbox_send *m)
{
	char at[64], tpl[64];
	json_t *o, *params;

	/* ny_iso8601 leaves at as strftime left it when the time cannot be
	 * formatted (gmtime_r fails on absurd clocks): start terminated. */
	memset(at, 0, sizeof at);
	ny_iso8601(ny_now(), at, sizeof at - 1);
	if (*lg->template_name)
		snprintf(tpl, sizeof tpl, "%s", lg->template_name);
	else
		snprintf(tpl, sizeof tpl, "nyota_%s",
		    m->kind != NULL ? m->kind : "message");
	params = json_loads(m->params != NULL ? m->params : "[]", 0, NULL);
	if (!json_is_array(params)) {
		json_decref(params);
		params = json_array();
	}
	o = json_object();
	json_object_set_new(o, "id", json_integer((json_int_t)m->id));
	json_object_set_new(o, "at", outbox_json_str(at));
	json_object_set_new(o, "to", outbox_json_str(m->to));
	json_object_set_new(o, "kind", outbox_json_str(m->kind));
	json_object_set_new(o, "template", outbox_json_str(tpl));
	json_object_set_new(o, "lang", outbox_json_str(m->locale));
	json_object_set_new(o, "body", outbox_json_str(m->body));
	json_object_set_new(o, "link", m->link != NULL ?
	    outbox_json_str(m->link) : json_null());
	json_object_set_new(o, "params", params);
	return o;
}

enum outbox_result
outbox_log_append(const char *path, const char *name, json_t *o,
    char *reason, size_t reasonlen)
{
	char *line = json_dumps(o, JSON_COMPACT | JSON_ENSURE_ASCII |
	    JSON_PRESERVE_ORDER);
	size_t len;
	ssize_t w;
	int fd;

	json_decref(o);
	if (line == NULL) {
		snprintf(reason, reasonlen, "cannot encode message");
		return OUTBOX_FAIL;
	}
	len = strlen(line);
	line = xrealloc(line, len + 2);
	line[len++] = '\n';
	line[len] = '\0';
	fd = path == NULL ? -1 :
	    open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0) {
		snprintf(reason, reasonlen, "open %s: %s", name,
		    path == NULL ? "no data directory" : strerror(errno));
		free(line);
		return OUTBOX_RETRY;
	}
	/* One write on O_APPEND: lines never interleave. */
	w = write(fd, line, len);
	if (w != (ssize_t)len)
		snprintf(reason, reasonlen, "write %s: %s", name,
		    w < 0 ? strerror(errno) : "short write");
	close(fd);
	free(line);
	return w == (ssize_t)len ? OUTBOX_SENT : OUTBOX_RETRY;
}

static enum outbox_result
ob_log_send(void *data, const struct outbox_send *m, char *provider_id,
    size_t idlen, char *reason, size_t reasonlen)
{
	struct ob_log *lg = data;
	enum outbox_result r;

	r = outbox_log_append(lg->path, "whatsapp.jsonl", ob_log_line(lg, m),
	    reason, reasonlen);
	if (r == OUTBOX_SENT)
		snprintf(provider_id, idlen, "log-%lld", (long long)m->id);
	return r;
}

const struct outbox_driver outbox_driver_log = {
	.name = "log",
	.send = ob_log_send,
	.free = ob_log_free,
};
