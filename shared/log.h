/*
 * log.h: levelled logfmt lines on stderr:
 *   ts=2026-11-25T16:28:49.123Z level=info msg="order paid" ref=…
 * Callers pass key=value pairs already formatted; every value that comes
 * from outside goes through log_quote. Never pass a token, code, secret
 * or phone number whole.
 */
#ifndef NY_LOG_H
#define NY_LOG_H

#include "ny.h"

enum log_level { LOG_DEBUG, LOG_INFO, LOG_WARN, LOG_ERROR };

/* Minimum level written; default info, NYOTA_LOG=debug|info|warn|error. */
void	log_set_level(enum log_level lv);

/* msg is a fixed message; kvfmt formats the trailing key=value pairs. */
void	log_msg(enum log_level lv, const char *msg, const char *kvfmt, ...)
	    NY_PRINTF(3, 4);

/*
 * Sends the log (and everything else written to stderr) to path, appended
 * to, created 0600; "" or NULL keeps stderr. NY_OK, or NY_EIO + cause
 * (the caller frees it). Call once at start, before threads.
 */
enum ny_err log_open(const char *path, char **cause);
/*
 * Opens the log file again by its name (after logrotate moved it: SIGHUP)
 * and logs "log reopened"; on stderr only the line. Safe while other
 * threads log. NY_OK, or NY_EIO when the file cannot be opened (logged;
 * lines keep going to the old one).
 */
enum ny_err log_reopen(void);

#define log_debug(m, ...)	log_msg(LOG_DEBUG, m, __VA_ARGS__)
#define log_info(m, ...)	log_msg(LOG_INFO, m, __VA_ARGS__)
#define log_warn(m, ...)	log_msg(LOG_WARN, m, __VA_ARGS__)
#define log_error(m, ...)	log_msg(LOG_ERROR, m, __VA_ARGS__)

/*
 * Writes s as one logfmt value into buf and returns buf: always in double
 * quotes, with '"' and '\\' escaped, \n \r \t as such and every other
 * control byte (and DEL) as \xHH, so a value from outside (an SSH user
 * name, a client's banner, an address) can neither end its field nor
 * start a forged one. Bounded: when the escaped text does not fit in len
 * bytes it is cut at a whole escape and ends in "..." before the closing
 * quote. NULL is written as "". len must be at least 6.
 */
const char *log_quote(const char *s, char *buf, size_t len);

/* A buffer size that holds any quoted value up to 60 input bytes. */
#define LOG_QUOTE_LEN	256

/*
 * Writes a redacted form of a secret for logs: the first 4 characters and
 * an ellipsis ("abcd…"), into buf. For phones use the last 3 digits.
 */
void	log_redact(const char *secret, char *buf, size_t len);

#endif
