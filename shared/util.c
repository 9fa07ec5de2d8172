/*
 * util.c: allocation, buffers, the clock, number and time parsing.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "assets.h"
#include "ny.h"

static const char *const ny_errnames[] = {
	[NY_OK] = "ok",
	[NY_EINVAL] = "invalid",
	[NY_ENOTFOUND] = "not found",
	[NY_EEXISTS] = "exists",
	[NY_ESTATE] = "bad state",
	[NY_EBUSY] = "busy",
	[NY_EDB] = "database error",
	[NY_EIO] = "i/o error",
	[NY_ECRYPTO] = "crypto failure",
	[NY_EDENIED] = "denied",
	[NY_ELIMIT] = "limit reached",
	[NY_ETOONEW] = "database newer than program",
	[NY_EREPLAY] = "replayed",
	[NY_ENOTSUP] = "not supported",
};

const char *
ny_strerror(enum ny_err err)
{
	/* The cast also catches a negative int passed in by mistake. */
	if ((size_t)err >= sizeof ny_errnames / sizeof *ny_errnames ||
	    ny_errnames[err] == NULL)
		return "unknown error";
	return ny_errnames[err];
}

static void
oom(void)
{
	static const char msg[] = "fatal: out of memory\n";

	(void)!write(2, msg, sizeof msg - 1);
	abort();
}

void *
xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (p == NULL)
		oom();
	return p;
}

void *
xcalloc(size_t nmemb, size_t n)
{
	void *p = calloc(nmemb ? nmemb : 1, n ? n : 1);

	if (p == NULL)
		oom();
	return p;
}

void *
xrealloc(void *p, size_t n)
{
	if ((p = realloc(p, n ? n : 1)) == NULL)
		oom();
	return p;
}

void *
xgrow(void *p, size_t *cap, size_t need, size_t size)
{
	size_t n = *cap ? *cap : 8;

	if (need <= *cap)
		return p;
	while (n < need) {
		if (n > SIZE_MAX / 2)
			oom();
		n *= 2;
	}
	if (size != 0 && n > SIZE_MAX / size)
		oom();
	*cap = n;
	return xrealloc(p, n * size);
}

char *
xstrdup(const char *s)
{
	return xstrndup(s, strlen(s));
}

/* Like strndup: copies at most n bytes, stopping at a NUL. */
char *
xstrndup(const char *s, size_t n)
{
	char *p;

	n = strnlen(s, n);
	p = xmalloc(n + 1);

	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *
xvasprintf(const char *fmt, va_list ap)
{
	char *s;

	if (vasprintf(&s, fmt, ap) < 0)
		oom();
	return s;
}

char *
xasprintf(const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	s = xvasprintf(fmt, ap);
	va_end(ap);
	return s;
}

void
buf_init(struct ny_buf *b, size_t max)
{
	memset(b, 0, sizeof *b);
	b->max = max;
}

enum ny_err
buf_add(struct ny_buf *b, const void *p, size_t n)
{
	size_t need = b->len + n + 1;

	if (b->max != 0 && b->len + n > b->max)
		return NY_ELIMIT;
	if (need > b->cap) {
		size_t cap = b->cap ? b->cap : 256;

		while (cap < need)
			cap *= 2;
		b->data = xrealloc(b->data, cap);
		b->cap = cap;
	}
	if (n)
		memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
	return NY_OK;
}

enum ny_err
buf_adds(struct ny_buf *b, const char *s)
{
	return buf_add(b, s, strlen(s));
}

enum ny_err
buf_printf(struct ny_buf *b, const char *fmt, ...)
{
	va_list ap;
	char *s;
	enum ny_err rc;

	va_start(ap, fmt);
	s = xvasprintf(fmt, ap);
	va_end(ap);
	rc = buf_adds(b, s);
	free(s);
	return rc;
}

void
buf_reset(struct ny_buf *b)
{
	b->len = 0;
	if (b->data)
		b->data[0] = '\0';
}

void
buf_free(struct ny_buf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
}

char *
buf_steal(struct ny_buf *b, size_t *len)
{
	char *p = b->data ? b->data : xstrdup("");

	if (len)
		*len = b->len;
	b->data = NULL;
	b->len = b->cap = 0;
	return p;
}

/* Fixed clock for tests; 0 means real time. Set before threads start. */
static int64_t ny_clock_fixed;

void
ny_clock_set(int64_t fixed)
{
	ny_clock_fixed = fixed;
}

int64_t
ny_now_ms(void)
{
	static int64_t offset = -1;
	struct timespec ts;
	const char *s;

	if (ny_clock_fixed)
		return ny_clock_fixed * 1000;
	if (offset < 0) {
		int64_t v = 0;

		s = getenv("NYOTA_CLOCK_OFFSET");
		if (s == NULL || ny_parse_int(s, 0, INT64_C(1) << 40, &v) != NY_OK)
			v = 0;
		offset = v;	/* benign race: every thread computes the same */
	}
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000 + offset * 1000;
}

int64_t
ny_mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int64_t
ny_now(void)
{
	return ny_now_ms() / 1000;
}

void
ny_utf8_copy(char *out, size_t size, const char *s)
{
	size_t n = strlen(s);

	if (n >= size) {
		n = size - 1;
		/* s[n] would be the first byte left out: back up until it
		 * starts a character, so none is cut. */
		while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
			n--;
	}
	memcpy(out, s, n);
	out[n] = '\0';
}

int
ny_text_ok(const char *s, int multiline, size_t *chars)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = 0;
	int k;

	for (; *p != '\0'; n++) {
		if (*p < 0x80) {
			if ((*p < 0x20 || *p == 0x7f) && !(multiline &&
			    (*p == '\n' || *p == '\t' || *p == '\r')))
				return 0;
			p++;
			continue;
		}
		k = (*p & 0xe0) == 0xc0 ? 1 : (*p & 0xf0) == 0xe0 ? 2 :
		    (*p & 0xf8) == 0xf0 ? 3 : 0;
		if (k == 0 || *p == 0xc0 || *p == 0xc1 || *p > 0xf4)
			return 0;
		for (int i = 1; i <= k; i++)
			if ((p[i] & 0xc0) != 0x80)
				return 0;
		p += k + 1;
	}
	if (chars != NULL)
		*chars = n;
	return 1;
}

enum ny_err
ny_parse_int(const char *s, int64_t min, int64_t max, int64_t *out)
{
	char *end;
	long long v;

	if (s == NULL || *s == '\0' || (*s != '-' && (*s < '0' || *s > '9')))
		return NY_EINVAL;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno != 0 || *end != '\0' || v < min || v > max)
		return NY_EINVAL;
	*out = v;
	return NY_OK;
}

void
ny_iso8601(int64_t t, char *buf, size_t len)
{
	time_t tt = (time_t)t;
	struct tm tm;

	gmtime_r(&tt, &tm);
	strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

enum ny_err
ny_parse_iso8601(const char *s, int64_t *out)
{
	int y, mo, d, h, mi, sec = 0, oh = 0, om = 0, n = 0;
	char sign = 0;
	struct tm tm;

	if (s == NULL)
		return NY_EINVAL;
	if (sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d%n", &y, &mo, &d, &h, &mi, &sec,
	    &n) != 6) {
		n = 0;
		sec = 0;
		if (sscanf(s, "%4d-%2d-%2dT%2d:%2d%n", &y, &mo, &d, &h, &mi,
		    &n) != 5)
			return NY_EINVAL;
	}
	s += n;
	if (*s == 'Z' && s[1] == '\0')
		;
	else if ((*s == '+' || *s == '-') && strlen(s) == 6 &&
	    sscanf(s + 1, "%2d:%2d", &oh, &om) == 2)
		sign = *s;
	else
		return NY_EINVAL;
	if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 ||
	    sec > 60 || oh > 14 || om > 59 || y < 1970 || h < 0 || mi < 0 ||
	    sec < 0)
		return NY_EINVAL;
	memset(&tm, 0, sizeof tm);
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = sec;
	*out = (int64_t)timegm(&tm);
	if (sign == '+')
		*out -= oh * 3600 + om * 60;
	else if (sign == '-')
		*out += oh * 3600 + om * 60;
	return NY_OK;
}

enum ny_err
ny_read_file(const char *path, size_t max, char **out, size_t *len)
{
	struct ny_buf b;
	char chunk[65536];
	ssize_t n;
	enum ny_err rc = NY_OK;
	int fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return errno == ENOENT ? NY_ENOTFOUND : NY_EIO;
	buf_init(&b, max);
	while ((n = read(fd, chunk, sizeof chunk)) != 0) {
		if (n < 0) {
			if (errno == EINTR)
				continue;
			rc = NY_EIO;
			break;
		}
		if ((rc = buf_add(&b, chunk, (size_t)n)) != NY_OK)
			break;
	}
	close(fd);
	if (rc != NY_OK) {
		buf_free(&b);
		return rc;
	}
	*out = buf_steal(&b, len);
	return NY_OK;
}

enum ny_err
ny_mkdirs(const char *path, int mode)
{
	char *p = xstrdup(path), *s;
	enum ny_err rc = NY_OK;

	for (s = p + 1; ; s++) {
		if (*s == '/' || *s == '\0') {
			char c = *s;

			*s = '\0';
			if (mkdir(p, (mode_t)mode) != 0 && errno != EEXIST) {
				rc = NY_EIO;
				break;
			}
			if ((*s = c) == '\0')
				break;
		}
	}
	free(p);
	return rc;
}

void
ny_sync_dir(const char *dir)
{
	int fd;

	if ((fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) >= 0) {
		(void)fsync(fd);
		close(fd);
	}
}

const struct ny_asset *
asset_find(const char *path)
{
	const struct ny_asset *a;

	for (a = ny_assets; a->path != NULL; a++)
		if (strcmp(a->path, path) == 0)
			return a;
	return NULL;
}
