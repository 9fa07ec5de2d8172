/*
 * ny.h: what every module of libnyota shares: the one error type,
 * allocation that never returns NULL, a bounded growable buffer, the clock.
 */
#ifndef NY_H
#define NY_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#define NY_PRINTF(a, b) __attribute__((format(printf, a, b)))

/* Every fallible function of libnyota returns one of these. */
enum ny_err {
	NY_OK = 0,
	NY_EINVAL,	/* input refused: bad format, out of range */
	NY_ENOTFOUND,	/* no such row / file / key */
	NY_EEXISTS,	/* unique value already taken */
	NY_ESTATE,	/* transition not allowed from the current state */
	NY_EBUSY,	/* database locked past busy_timeout */
	NY_EDB,		/* any other SQLite failure */
	NY_EIO,		/* file system or network */
	NY_ECRYPTO,	/* bad signature, failed decryption */
	NY_EDENIED,	/* authentication or authorisation refused */
	NY_ELIMIT,	/* rate limit or capacity reached */
	NY_ETOONEW,	/* database schema newer than this program */
	NY_EREPLAY,	/* one-time value used again */
	NY_ENOTSUP,	/* not offered here (e.g. a provider without refunds) */
};

/* Short English name of an error, for logs; never NULL. */
const char	*ny_strerror(enum ny_err err);

/* Allocation: abort the process on exhaustion, never return NULL. */
void		*xmalloc(size_t n);
void		*xcalloc(size_t nmemb, size_t n);
void		*xrealloc(void *p, size_t n);
char		*xstrdup(const char *s);
char		*xstrndup(const char *s, size_t n);
char		*xasprintf(const char *fmt, ...) NY_PRINTF(1, 2);
char		*xvasprintf(const char *fmt, va_list ap) NY_PRINTF(1, 0);
/*
 * Makes room for need elements of size bytes in the array p of *cap
 * elements: returns p unchanged when need <= *cap, else the reallocated
 * array (old contents kept) with *cap doubled (from 8) until it fits. Used
 * when appending rows one at a time: p = xgrow(p, &cap, n + 1, sizeof *p).
 */
void		*xgrow(void *p, size_t *cap, size_t need, size_t size);

/*
 * A growable byte buffer with a hard maximum (0 = none). Appends past the
 * maximum fail with NY_ELIMIT and leave the buffer unchanged. The data is
 * always NUL-terminated. buf_free releases the data, not the struct.
 */
struct ny_buf {
	char	*data;
	size_t	 len;
	size_t	 cap;
	size_t	 max;
};
void		 buf_init(struct ny_buf *b, size_t max);
enum ny_err	 buf_add(struct ny_buf *b, const void *p, size_t n);
enum ny_err	 buf_adds(struct ny_buf *b, const char *s);
enum ny_err	 buf_printf(struct ny_buf *b, const char *fmt, ...)
		     NY_PRINTF(2, 3);
void		 buf_reset(struct ny_buf *b);
void		 buf_free(struct ny_buf *b);
/* Hands the data to the caller (who frees it) and empties the buffer. */
char		*buf_steal(struct ny_buf *b, size_t *len);

/*
 * The clock, in Unix seconds. Tests (and NYOTA_CLOCK_OFFSET, seconds added
 * to the real time) move it; everything that compares times uses this.
 */
int64_t		 ny_now(void);
int64_t		 ny_now_ms(void);
/* Milliseconds of CLOCK_MONOTONIC: for intervals and deadlines, never
 * moved by the clock offset or a change of the time of day. */
int64_t		 ny_mono_ms(void);
void		 ny_clock_set(int64_t fixed);	/* 0 = real time again */

/*
 * Returns 1 when s is well-formed UTF-8 text (no overlong lead bytes, no
 * code point past U+10FFFF) without control characters, except newline,
 * tab and carriage return when multiline; else 0. *chars (may be NULL)
 * gets the number of characters of a text that passes.
 */
int		 ny_text_ok(const char *s, int multiline, size_t *chars);

/*
 * Copies UTF-8 text s into out (size bytes, > 0), cut if it must be at a
 * character boundary, never in the middle of one.
 */
void		 ny_utf8_copy(char *out, size_t size, const char *s);

/*
 * Parses a whole decimal integer in [min, max]; no sign games, no trailing
 * garbage. Returns NY_OK or NY_EINVAL.
 */
enum ny_err	 ny_parse_int(const char *s, int64_t min, int64_t max,
		     int64_t *out);

/* Formats a Unix time as ISO 8601 UTC ("2026-11-25T16:28:49Z") into buf. */
void		 ny_iso8601(int64_t t, char *buf, size_t len);
/* Parses ISO 8601 with Z or a ±HH:MM offset. Returns NY_OK or NY_EINVAL. */
enum ny_err	 ny_parse_iso8601(const char *s, int64_t *out);

/* Reads a whole file (at most max bytes) into a NUL-terminated string. */
enum ny_err	 ny_read_file(const char *path, size_t max, char **out,
		     size_t *len);

/* mkdir -p with the given mode for created parts. */
enum ny_err	 ny_mkdirs(const char *path, int mode);

/* fsync's a folder: makes a rename or an unlink in it durable. */
void		 ny_sync_dir(const char *dir);

#endif
