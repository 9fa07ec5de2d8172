/*
 * log.c: logfmt on stderr. One write(2) per line so lines from threads and
 * forked children never interleave.
 *
 * With a log file (NYOTA_LOG_FILE) the file is put on descriptor 2 itself
 * (dup2), not kept apart: whatever else writes to stderr (a library's
 * message, the console's setup code, a forked connection) lands in the
 * same file, and a reopen needs no lock: dup2 swaps the descriptor
 * atomically, so a thread's write(2) goes whole to the old file or whole
 * to the new one.
 */
#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "log.h"

static enum log_level log_min = LOG_INFO;
static const char *const log_names[] = { "debug", "info", "warn", "error" };
/* The log file's path, or NULL: stderr as inherited. Set and read by the
 * main thread only (start-up, then its signal loop). */
static char *log_path;

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

/* Opens path (0600 when created, appended to) onto descriptor 2. */
static enum ny_err
log_attach(const char *path, char **cause)
{
	int fd;

	fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
	if (fd < 0) {
		*cause = xasprintf("%s: %s", path, strerror(errno));
		return NY_EIO;
	}
	if (fd != STDERR_FILENO) {
		if (dup2(fd, STDERR_FILENO) < 0) {
			*cause = xasprintf("%s: %s", path, strerror(errno));
			close(fd);
			return NY_EIO;
		}
		close(fd);
	}
	return NY_OK;
}

enum ny_err
log_open(const char *path, char **cause)
{
	enum ny_err rc;

	free(log_path);
	log_path = NULL;
	if (path == NULL || *path == '\0')
		return NY_OK;
	if ((rc = log_attach(path, cause)) != NY_OK)
		return rc;
	log_path = xstrdup(path);
	return NY_OK;
}

enum ny_err
log_reopen(void)
{
	char *cause = NULL, q[LOG_QUOTE_LEN];
	enum ny_err rc;

	if (log_path == NULL) {
		log_info("log reopened", "file=stderr");
		return NY_OK;
	}
	if ((rc = log_attach(log_path, &cause)) != NY_OK) {
		/* still on the old file, which is better than nothing */
		log_error("log not reopened", "detail=%s",
		    log_quote(cause, q, sizeof q));
		free(cause);
		return rc;
	}
	log_info("log reopened", "file=%s", log_quote(log_path, q, sizeof q));
	return NY_OK;
}

/* The escape for byte ch into e (at most 5 bytes with the NUL), or 0. */
static size_t
log_escape(unsigned char ch, char e[5])
{
	static const char hex[] = "0123456789abcdef";

	switch (ch) {
	case '"': case '\\':
		e[0] = '\\';
		e[1] = (char)ch;
		return 2;
	case '\n':
		memcpy(e, "\\n", 2);
		return 2;
	case '\r':
		memcpy(e, "\\r", 2);
		return 2;
	case '\t':
		memcpy(e, "\\t", 2);
		return 2;
	}
	if (ch < 0x20 || ch == 0x7f) {
		e[0] = '\\';
		e[1] = 'x';
		e[2] = hex[ch >> 4];
		e[3] = hex[ch & 15];
		return 4;
	}
	e[0] = (char)ch;
	return 1;
}

const char *
log_quote(const char *s, char *buf, size_t len)
{
	const char *p;
	size_t n = 0, k, need = 3;	/* two quotes and the NUL */
	char e[5];
	int cut;

	assert(len >= 6);
	for (p = s; p != NULL && *p != '\0'; p++)
		need += log_escape((unsigned char)*p, e);
	cut = need > len;
	buf[n++] = '"';
	for (p = s; p != NULL && *p != '\0'; p++) {
		k = log_escape((unsigned char)*p, e);
		/* When cut, keep room for '..."' and the NUL (n + 5 <= len). */
		if (cut && n + k + 5 > len) {
			/* Not in the middle of a UTF-8 character. */
			while (n > 1 && ((unsigned char)buf[n - 1] & 0xc0) == 0x80)
				n--;
			if (n > 1 && (unsigned char)buf[n - 1] >= 0xc0)
				n--;
			memcpy(buf + n, "...", 3);
			n += 3;
			break;
		}
		memcpy(buf + n, e, k);
		n += k;
	}
	buf[n++] = '"';
	buf[n] = '\0';
	return buf;
}

void
log_redact(const char *secret, char *buf, size_t len)
{
	snprintf(buf, len, "%.4s…", secret ? secret : "");
}
