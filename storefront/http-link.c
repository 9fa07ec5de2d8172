/*
 * http-link.c: request paths echoed into links. See http-link.h.
 */
#include <stdlib.h>
#include <string.h>

#include "http-link.h"
#include "ny.h"

/* 1 when c may stay as it is in a link path, else 0. */
static int
http_link_plain(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || (c != '\0' && strchr("-._~:@!$()*+,;=",
	    c) != NULL);
}

char *
http_link_path(const char *path)
{
	static const char hex[] = "0123456789ABCDEF";
	const unsigned char *p = (const unsigned char *)(path ? path : "");
	char *out = xmalloc(3 * strlen((const char *)p) + 2), *o = out;

	*o++ = '/';
	for (; *p != '\0'; p++) {
		if (*p == '/') {
			if (o[-1] != '/')
				*o++ = '/';
		} else if (http_link_plain(*p))
			*o++ = (char)*p;
		else {
			*o++ = '%';
			*o++ = hex[*p >> 4];
			*o++ = hex[*p & 15];
		}
	}
	*o = '\0';
	return out;
}
