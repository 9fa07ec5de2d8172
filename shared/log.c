/*
 * log.c: logfmt on stderr. One write(2) per line so lines from threads and
 * forked children never interleave.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "log.h"

static enum log_level log_min = LOG_INFO;
static const char *const log_names[] = { "debug", "info", "warn", "error" };

void
log_set_level(enum log_level lv)
{
	log_min = lv;
}

void
log_msg(enum log_level lv, const char *msg, const char *kvfmt, ...)
{
	char line[2048], ts[32];
	struct timespec now;
	struct tm tm;
	va_list ap;
	size_t n, i;
	int w;

	if (lv < log_min)
		return;
	clock_gettime(CLOCK_REALTIME, &now);
	gmtime_r(&now.tv_sec, &tm);
	strftime(ts, sizeof ts, "%Y-%m-%dT%H:%M:%S", &tm);
	w = snprintf(line, sizeof line, "ts=%s.%03ldZ level=%s pid=%d msg=\"%s\"",
	    ts, now.tv_nsec / 1000000, log_names[lv], (int)getpid(), msg);
	n = w < 0 ? 0 : (size_t)w < sizeof line ? (size_t)w : sizeof line - 1;
	if (kvfmt != NULL && *kvfmt != '\0' && n < sizeof line - 2) {
		line[n++] = ' ';
		va_start(ap, kvfmt);
		w = vsnprintf(line + n, sizeof line - n, kvfmt, ap);
		va_end(ap);
		if (w > 0)
			n += (size_t)w < sizeof line - n ? (size_t)w :
			    sizeof line - n - 1;
	}
	if (n > sizeof line - 2)
		n = sizeof line - 2;
	/* One event, one line: a newline in a value (an SQLite message, an
	 * SSH user name chosen by a client) must not start a forged line. */
	for (i = 0; i < n; i++)
		if ((unsigned char)line[i] < 0x20 || line[i] == 0x7f)
			line[i] = ' ';
	line[n++] = '\n';
	(void)!write(2, line, n);
}

void
log_redact(const char *secret, char *buf, size_t len)
{
	snprintf(buf, len, "%.4s…", secret ? secret : "");
}
