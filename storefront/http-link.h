/*
 * http-link.h: making a request path safe to echo into a link on our own
 * pages (the language switch). The path comes from the client: `//host/x`
 * or `/\host` would be read by browsers as another site.
 */
#ifndef NY_HTTP_LINK_H
#define NY_HTTP_LINK_H

/*
 * Returns path as a same-site link path (caller frees): it starts with
 * exactly one '/'; runs of '/' become one; every byte that is not an RFC
 * 3986 unreserved character or one of "/:@!$()*+,;=" is percent-encoded
 * ('%', '\\', '?', '#', controls, spaces, non-ASCII included: MHD hands
 * us the path already decoded, so this also restores the encoding).
 * NULL or "" gives "/". Never fails (xmalloc).
 */
char	*http_link_path(const char *path);

#endif
