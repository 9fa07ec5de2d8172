/*
 * fuzz-sftp: the SFTP engine (tui/sftp.c and tui/sftp-path.c, compiled
 * in here: the fuzz build links libnyota only) on a real, throwaway jail
 * under /tmp. The input is a stream of requests after INIT, fed in two
 * pieces (as libssh may hand them over); the replies are checked to be
 * well-framed. Limits are small so the jail stays small.
 */
#include <fcntl.h>
#include <ftw.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../tui/sftp-path.c"
#include "../../tui/sftp.c"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len);

static int fuzz_root = -1;
static char fuzz_dir[] = "/tmp/nyota-fuzz-sftp.XXXXXX";

static int
fuzz_rm(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb; (void)flag; (void)ftw;
	remove(path);
	return 0;
}

/* The jail goes when the fuzzer exits. */
static void
fuzz_cleanup(void)
{
	nftw(fuzz_dir, fuzz_rm, 16, FTW_DEPTH | FTW_PHYS);
}

/* Checks that the queued replies are whole packets, then drops them. */
static void
fuzz_drain(struct sftp *s)
{
	const unsigned char *p;
	size_t n, off = 0;
	uint32_t l;

	p = sftp_out(s, &n);
	while (off < n) {
		if (n - off < 5)
			abort();
		l = (uint32_t)p[off] << 24 | (uint32_t)p[off + 1] << 16 |
		    (uint32_t)p[off + 2] << 8 | p[off + 3];
		if (l < 1 || l > n - off - 4)
			abort();
		off += 4 + l;
	}
	sftp_out_done(s, n);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	static const unsigned char init[] = { 0, 0, 0, 5, 1, 0, 0, 0, 3 };
	char *cause = NULL;
	struct sftp *s;
	size_t cut = len / 2, used = 0;
	ssize_t n;

	if (fuzz_root < 0) {
		log_set_level(LOG_ERROR);
		if (i18n_load(&cause) != NY_OK || mkdtemp(fuzz_dir) == NULL)
			abort();
		atexit(fuzz_cleanup);
		fuzz_root = open(fuzz_dir, O_RDONLY | O_DIRECTORY);
	}
	s = sftp_new(dup(fuzz_root), 65536, 1 << 20, "fuzz", "sw");
	if (sftp_feed(s, init, sizeof init) != (ssize_t)sizeof init)
		abort();
	fuzz_drain(s);
	/* The first piece, then the rest with what it left. */
	n = sftp_feed(s, data, cut);
	if (n >= 0) {
		used = (size_t)n;
		fuzz_drain(s);
		n = sftp_feed(s, data + used, len - used);
		if (n >= 0 && (size_t)n > len - used)
			abort();
		fuzz_drain(s);
	}
	sftp_free(s);
	return 0;
}
