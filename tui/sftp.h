/*
 * sftp.h: an SFTP version 3 server for one creator, jailed in the
 * creator's uploads folder (docs/uploads.md).
 *
 * Why our own packet parser and not libssh's sftp_server_* API: libssh
 * 0.10's server reads the channel with blocking calls and needs the
 * channel's data callback out of the way, so the connection's event loop
 * (idle timeout, close detection) would stop while it waits; it also
 * allocates a message, a copy of every WRITE's data and a reply buffer
 * per request and allows 256 handles. SFTP v3 is a dozen fixed-layout
 * messages: here bytes arrive through the channel's data callback, WRITE
 * data goes from libssh's buffer straight to pwrite() (no copy), replies
 * are appended to one growing buffer that the connection flushes after
 * each poll round, and nothing blocks. The engine knows nothing of SSH:
 * it takes bytes and gives bytes (sftp-ssh.c does the channel), so it can
 * be tested and fuzzed on its own.
 *
 * The jail: every client path goes through sftp_path_resolve (lexical,
 * inside the root), then each folder is opened with openat(O_DIRECTORY |
 * O_NOFOLLOW) from the root's descriptor and the last name is used with
 * *at() calls on its parent folder: no string path is resolved twice and
 * no symlink is followed. Files are 0640, folders 0750 (set explicitly:
 * the programs run under umask 077).
 *
 * Uploads: a write-open creates UPLOAD_TMP_PREFIX + random hex in the
 * same folder (O_EXCL|O_NOFOLLOW); CLOSE fsyncs it and renames it over
 * the real name, so the real name only ever shows a complete file.
 * Opening an existing file for writing without TRUNC (sftp's `reput`,
 * APPEND) starts the temporary as a copy of it. sftp_free removes the
 * temporaries of handles still open (client gone, idle timeout).
 */
#ifndef NY_SFTP_H
#define NY_SFTP_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define SFTP_HANDLES	64		/* open handles per session */
#define SFTP_PACKET_MAX	(256 * 1024)	/* largest request we take */
#define SFTP_READ_MAX	(64 * 1024)	/* largest DATA reply */
#define SFTP_WRITE_MAX	(SFTP_PACKET_MAX - 1024)	/* advertised */
#define SFTP_OUT_HIGH	(1024 * 1024)	/* unsent replies: stop reading */

struct sftp;

/*
 * A session jailed in root (an open O_DIRECTORY descriptor: owned, closed
 * by sftp_free). max_bytes: largest file; quota_bytes: all of the
 * creator's files; handle: for logs; lang: "en" or "sw" for the limit
 * messages. Never NULL.
 */
struct sftp *sftp_new(int root, int64_t max_bytes, int64_t quota_bytes,
	    const char *handle, const char *lang);

/*
 * Processes the complete requests at the start of data (len bytes) and
 * queues their replies. Returns how many bytes were used: less than len
 * when the last request is incomplete (give those bytes again with more)
 * or when sftp_busy() turned true; -1 on a protocol error that ends the
 * session (a request over SFTP_PACKET_MAX, a malformed INIT).
 */
ssize_t	sftp_feed(struct sftp *s, const void *data, size_t len);

/* 1 while the unsent replies exceed SFTP_OUT_HIGH: feed no more. */
int	sftp_busy(const struct sftp *s);

/* The unsent replies: *len bytes at the returned pointer (valid until
 * the next sftp_feed), and marking n of them sent. */
const void *sftp_out(const struct sftp *s, size_t *len);
void	sftp_out_done(struct sftp *s, size_t n);

/* Ends the session: closes every handle, removes unfinished uploads'
 * temporaries, closes root. NULL is fine. */
void	sftp_free(struct sftp *s);

/*
 * Removes stale temporaries (UPLOAD_TMP_PREFIX*) in every creator's
 * folder below data_dir/uploads, never following a symlink; run at
 * console start, when no session can own them. Returns how many.
 */
int	sftp_sweep(const char *data_dir);

/*
 * Opens (and creates 0750 when missing) data_dir/uploads/handle without
 * following symlinks below data_dir. Returns the descriptor or -1.
 */
int	sftp_root_open(const char *data_dir, const char *handle);

#endif
