/*
 * smtp-url.h: NYOTA_SMTP_URL, smtp://[user[:pass]@]host[:port][/] or
 * smtps://…, taken apart once: config.c checks it at start, the SMTP
 * driver (outbox-smtp.c) hands its parts to libcurl. The credentials
 * never go back into a URL, a log line or an error: smtp_url_show gives
 * the value as it may be shown.
 */
#ifndef NY_SMTP_URL_H
#define NY_SMTP_URL_H

#include <stddef.h>

#include "ny.h"

struct smtp_url {
	int	 tls;		/* 1: smtps:// (TLS from the first byte) */
	char	*user;		/* percent-decoded; NULL when none */
	char	*pass;		/* percent-decoded; NULL when none */
	char	*host;		/* name, IPv4, or IPv6 with its brackets */
	int	 port;		/* 25 (smtp) or 465 (smtps) by default */
	char	*url;		/* scheme://host:port, no credentials */
};

/*
 * Parses s. NY_OK and *u (smtp_url_free), or NY_EINVAL (*u zeroed):
 * another scheme, no host, a bad port, spaces or control characters, a
 * path other than "/", a query or fragment.
 */
enum ny_err	smtp_url_parse(const char *s, struct smtp_url *u);
/* Wipes the password and frees the parts. */
void		smtp_url_free(struct smtp_url *u);
/*
 * s as an error may show it: the part between "://" and the last '@'
 * replaced by "***", control characters by '?', at most len - 1 bytes.
 */
void		smtp_url_show(const char *s, char *out, size_t len);
/* 1 when host is a loopback name or address (localhost, 127.x, [::1]). */
int		smtp_url_loopback(const char *host);

#endif
