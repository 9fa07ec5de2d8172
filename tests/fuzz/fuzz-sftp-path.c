/*
 * fuzz-sftp-path: the SFTP path resolver (tui/sftp-path.c, compiled in
 * here: the fuzz build links libnyota only). Checks the result's
 * invariants: an accepted path is upload_path_ok (or "" for the root),
 * has no "." or ".." component, fits UPLOAD_PATH_MAX, has the depth
 * announced, and resolving it again gives itself.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../tui/sftp-path.c"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	char out[UPLOAD_PATH_MAX + 1], again[UPLOAD_PATH_MAX + 1];
	int depth = -1, d2 = -1, slashes = 0;
	size_t i, n;

	if (sftp_path_resolve((const char *)data, len, out, &depth)
	    != SFTP_PATH_OK) {
		if (out[0] != '\0')
			abort();
		return 0;
	}
	n = strlen(out);
	if (n > UPLOAD_PATH_MAX || depth < 0 || depth > UPLOAD_DEPTH_MAX + 1)
		abort();
	if (n == 0) {
		if (depth != 0)
			abort();
		return 0;
	}
	if (!upload_path_ok(out))
		abort();
	for (i = 0; i < n; i++)
		slashes += out[i] == '/';
	if (slashes + 1 != depth)
		abort();
	if (sftp_path_resolve(out, n, again, &d2) != SFTP_PATH_OK ||
	    strcmp(out, again) != 0 || d2 != depth)
		abort();
	return 0;
}
