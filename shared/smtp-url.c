/*
 * smtp-url.c: NYOTA_SMTP_URL taken apart. See smtp-url.h.
 */
#include <sodium.h>
#include <stdlib.h>
#include <arpa/inet.h>
#include <string.h>

#include "smtp-url.h"

/* The value of a hex digit, or -1. */
static int
su_hex(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* s[0..n) percent-decoded (malloc'd), or NULL for a bad escape or NUL. */
static char *
su_decode(const char *s, size_t n)
{
	char *out = xcalloc(1, n + 1), *o = out;
	size_t i;

	for (i = 0; i < n; i++) {
		if (s[i] != '%') {
			*o++ = s[i];
			continue;
		}
		if (i + 2 >= n) {
			free(out);
			return NULL;
		}
		if (su_hex(s[i + 1]) < 0 || su_hex(s[i + 2]) < 0 ||
		    (su_hex(s[i + 1]) | su_hex(s[i + 2])) == 0) {
			free(out);
			return NULL;
		}
		*o++ = (char)(su_hex(s[i + 1]) * 16 + su_hex(s[i + 2]));
		i += 2;
	}
	return out;
}

/* 1 when host[0..n) is a name or IPv4 (letters, digits, '.', '-') or a
 * bracketed IPv6 literal. */
static int
su_host_ok(const char *h, size_t n)
{
	size_t i;

	if (n == 0 || n > 253)
		return 0;
	if (h[0] == '[')
		return n > 2 && h[n - 1] == ']' &&
		    strspn(h + 1, "0123456789abcdefABCDEF:.") == n - 2;
	for (i = 0; i < n; i++)
		if (!((h[i] >= 'a' && h[i] <= 'z') || (h[i] >= 'A' &&
		    h[i] <= 'Z') || (h[i] >= '0' && h[i] <= '9') ||
		    h[i] == '.' || h[i] == '-'))
			return 0;
	return h[0] != '.' && h[0] != '-';
}

enum ny_err
smtp_url_parse(const char *s, struct smtp_url *u)
{
	const char *p, *at, *end, *hs, *colon;
	size_t i;
	int64_t port;

	memset(u, 0, sizeof *u);
	if (s == NULL)
		return NY_EINVAL;
	for (i = 0; s[i] != '\0'; i++)
		if ((unsigned char)s[i] <= 0x20 || s[i] == 0x7f)
			return NY_EINVAL;
	if (strncmp(s, "smtp://", 7) == 0)
		p = s + 7;
	else if (strncmp(s, "smtps://", 8) == 0) {
		p = s + 8;
		u->tls = 1;
	} else
		return NY_EINVAL;
	/* The authority ends at the first '/'; '?' and '#' are refused. */
	end = p + strcspn(p, "/");
	if (strpbrk(p, "?#") != NULL || (*end == '/' && end[1] != '\0'))
		return NY_EINVAL;
	/* The last '@' of the authority: a password may hold '@' escaped
	 * or not; the host never does. */
	for (at = NULL, hs = p; hs < end; hs++)
		if (*hs == '@')
			at = hs;
	hs = p;
	if (at != NULL) {
		colon = memchr(p, ':', (size_t)(at - p));
		u->user = su_decode(p, (size_t)((colon ? colon : at) - p));
		if (colon != NULL)
			u->pass = su_decode(colon + 1,
			    (size_t)(at - colon - 1));
		if (u->user == NULL || *u->user == '\0' ||
		    (colon != NULL && u->pass == NULL))
			goto bad;
		hs = at + 1;
	}
	/* host[:port]; an IPv6 host is bracketed, so its colons are inside. */
	colon = hs;
	if (*hs == '[' && (colon = memchr(hs, ']', (size_t)(end - hs))) == NULL)
		goto bad;
	colon = memchr(colon, ':', (size_t)(end - colon));
	if (!su_host_ok(hs, (size_t)((colon ? colon : end) - hs)))
		goto bad;
	u->host = xstrndup(hs, (size_t)((colon ? colon : end) - hs));
	u->port = u->tls ? 465 : 25;
	if (colon != NULL) {
		char num[8];
		size_t n = (size_t)(end - colon - 1);

		if (n == 0 || n >= sizeof num)
			goto bad;
		memcpy(num, colon + 1, n);
		num[n] = '\0';
		if (ny_parse_int(num, 1, 65535, &port) != NY_OK)
			goto bad;
		u->port = (int)port;
	}
	u->url = xasprintf("%s://%s:%d", u->tls ? "smtps" : "smtp", u->host,
	    u->port);
	return NY_OK;
bad:
	smtp_url_free(u);
	return NY_EINVAL;
}

void
smtp_url_free(struct smtp_url *u)
{
	if (u->pass != NULL)
		sodium_memzero(u->pass, strlen(u->pass));
	free(u->user);
	free(u->pass);
	free(u->host);
	free(u->url);
	memset(u, 0, sizeof *u);
}

void
smtp_url_show(const char *s, char *out, size_t len)
{
	const char *p = strstr(s, "://"), *at = NULL, *q;
	size_t o = 0;

	if (len == 0)
		return;
	/* The last '@' of the whole value: a password may hold '/' or '@'
	 * (unescaped), and nothing of it may be shown. */
	if (p != NULL)
		for (q = p + 3; *q != '\0'; q++)
			if (*q == '@')
				at = q;
	for (q = s; *q != '\0' && o + 1 < len; q++) {
		if (at != NULL && q == p + 3) {
			const char *m = "***";

			while (*m != '\0' && o + 1 < len)
				out[o++] = *m++;
			q = at;		/* the '@' itself is shown */
		}
		out[o++] = (unsigned char)*q < 0x20 || *q == 0x7f ? '?' : *q;
	}
	out[o] = '\0';
}

int
smtp_url_loopback(const char *host)
{
	struct in_addr a;

	/* An address, not a name that merely starts with "127.". */
	if (inet_pton(AF_INET, host, &a) == 1)
		return (ntohl(a.s_addr) >> 24) == 127;
	return strcmp(host, "localhost") == 0 || strcmp(host, "[::1]") == 0;
}
