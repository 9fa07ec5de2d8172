/*
 * sftp-path.c: lexical resolution of SFTP client paths inside the jail.
 * See sftp-path.h. Pure: no filesystem access, so it is unit tested and
 * fuzzed (tests/test-sftp-path.c, tests/fuzz/fuzz-sftp-path.c).
 */
#include <string.h>

#include "sftp-path.h"

/* Component [p, p+n) is acceptable as a name (upload_name_ok rules). */
static int
sftp_path_name_ok(const char *p, size_t n)
{
	size_t i;

	if (n == 0 || n > UPLOAD_NAME_MAX || p[0] == '.')
		return 0;
	for (i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)p[i];

		if (ch == '\0' || ch < 0x20 || ch == 0x7f)
			return 0;
	}
	return 1;
}

/* Drops the last component of out (of *olen bytes). */
static void
sftp_path_pop(char *out, size_t *olen)
{
	char *slash;

	out[*olen] = '\0';
	slash = strrchr(out, '/');
	*olen = slash != NULL ? (size_t)(slash - out) : 0;
	out[*olen] = '\0';
}

enum sftp_path_err
sftp_path_resolve(const char *in, size_t len, char *out, int *depth)
{
	size_t i = 0, n, olen = 0;
	int d = 0;

	out[0] = '\0';
	if (depth != NULL)
		*depth = 0;
	if (len > SFTP_PATH_IN_MAX)
		return SFTP_PATH_TOOLONG;
	while (i < len) {
		const char *p = in + i;

		for (n = 0; i + n < len && in[i + n] != '/'; n++)
			;
		i += n + 1;
		if (n == 0 || (n == 1 && p[0] == '.'))
			continue;
		if (n == 2 && p[0] == '.' && p[1] == '.') {
			if (d > 0) {
				sftp_path_pop(out, &olen);
				d--;
			}
			continue;
		}
		if (!sftp_path_name_ok(p, n)) {
			out[0] = '\0';
			return SFTP_PATH_BADNAME;
		}
		if (d + 1 > UPLOAD_DEPTH_MAX + 1) {
			out[0] = '\0';
			return SFTP_PATH_TOODEEP;
		}
		if (olen + (olen > 0) + n > UPLOAD_PATH_MAX) {
			out[0] = '\0';
			return SFTP_PATH_TOOLONG;
		}
		if (olen > 0)
			out[olen++] = '/';
		memcpy(out + olen, p, n);
		olen += n;
		out[olen] = '\0';
		d++;
	}
	if (depth != NULL)
		*depth = d;
	return SFTP_PATH_OK;
}

const char *
sftp_path_leaf(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash != NULL ? slash + 1 : path;
}
