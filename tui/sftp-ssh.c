/*
 * sftp-ssh.c: the sftp subsystem on a console connection's channel: the
 * bytes between libssh and the SFTP engine (sftp.c).
 *
 * The fast path is the channel data callback: libssh hands us everything
 * it holds for the channel, the engine takes the complete requests
 * (WRITE data goes from libssh's buffer to the file, no copy) and we
 * return how many bytes were used; an incomplete request stays in
 * libssh's buffer and comes again with more bytes. Replies are queued and
 * sent by the pump after each poll round, never from inside the callback:
 * there, libssh's socket is locked, so a write that had to wait for the
 * client's window would wait forever.
 *
 * When the client reads replies slower than it sends requests (a big
 * download), the engine turns busy and the callback stops taking bytes;
 * libssh keeps them and stops opening our window, so the client slows
 * down. libssh will not offer those bytes again until more arrive, so the
 * pump fetches them itself (ssh_channel_read_nonblocking), one request at
 * a time into sftp_in, until nothing is left and the fast path resumes.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include "i18n.h"
#include "log.h"
#include "sftp.h"
#include "ssh-int.h"

enum ny_err
sftp_ssh_start(struct ssh_conn *c)
{
	struct creator cr;
	const char *lang = "en";
	char qu[LOG_QUOTE_LEN];
	long idle = CONN_IDLE_TIMEOUT;
	int root, one = 1;

	if (c->mode != CONN_CREATOR || c->sftp != NULL || c->want_shell ||
	    c->exec_cmd != NULL)
		return NY_EDENIED;
	if ((root = sftp_root_open(c->cfg->data_dir, c->user)) < 0) {
		log_error("sftp: cannot open the uploads folder", "handle=%s "
		    "err=\"%s\"", log_quote(c->user, qu, sizeof qu),
		    strerror(errno));
		return NY_EIO;
	}
	memset(&cr, 0, sizeof cr);
	if (creator_by_id(c->db, c->creator_id, &cr) == NY_OK &&
	    i18n_lang_ok(cr.locale))
		lang = cr.locale;
	c->sftp = sftp_new(root, (int64_t)c->cfg->upload_max_mb << 20,
	    (int64_t)c->cfg->upload_quota_mb << 20, c->user, lang);
	creator_free(&cr);
	c->sftp_in = xmalloc(SFTP_PACKET_MAX + 4);
	/* A client that stops reading must not hold a blocked write (the
	 * final flush) forever: the idle limit applies there too. */
	ssh_options_set(c->session, SSH_OPTIONS_TIMEOUT, &idle);
	/* Our small packets (a STATUS per WRITE, the window adjust that
	 * lets the client send on) must not wait for the client's delayed
	 * ACK (Nagle): measured, that alone held uploads to ~35 MB/s. */
	setsockopt(ssh_get_fd(c->session), IPPROTO_TCP, TCP_NODELAY, &one,
	    sizeof one);
	log_info("sftp session", "handle=%s", log_quote(c->user, qu,
	    sizeof qu));
	return NY_OK;
}

/*
 * Most a client may have sent unread: a request being gathered and two
 * windows of libssh's (1280000 bytes each) — more and it ignored the
 * window (see sftp_ssh_data).
 */
#define SFTP_IN_MAX	(SFTP_PACKET_MAX + 2 * 1280000)

int
sftp_ssh_data(struct ssh_conn *c, const void *data, uint32_t len)
{
	ssize_t n;

	/*
	 * libssh 0.10 keeps data a client sends past the window it was given
	 * (up to 256 MiB) and offers it all here: a client that does not read
	 * our replies yet keeps sending is one we do not serve.
	 */
	if (len > SFTP_IN_MAX) {
		c->done = 1;
		return (int)len;
	}
	if (c->sftp_inlen > 0 || c->sftp_pending || sftp_busy(c->sftp)) {
		c->sftp_pending = 1;	/* the pump takes them in order */
		return 0;
	}
	if ((n = sftp_feed(c->sftp, data, len)) < 0) {
		c->done = 1;		/* protocol error: end the session */
		return (int)len;
	}
	if (sftp_busy(c->sftp) && (uint32_t)n < len)
		c->sftp_pending = 1;
	return (int)n;
}

/*
 * Sends what the window allows of the queued replies (maybe nothing).
 * NY_OK, or NY_EIO when the channel write failed.
 */
static enum ny_err
sftp_ssh_flush(struct ssh_conn *c)
{
	const void *p;
	size_t len;
	uint32_t win;
	int n;

	p = sftp_out(c->sftp, &len);
	if (len == 0)
		return NY_OK;
	win = ssh_channel_window_size(c->chan);
	if (win == 0)
		return NY_OK;	/* the window adjust comes through the poll */
	if (len > win)
		len = win;
	if ((n = ssh_channel_write(c->chan, p, (uint32_t)len)) < 0)
		return NY_EIO;
	sftp_out_done(c->sftp, (size_t)n);
	return NY_OK;
}

/*
 * Reads the rest of the current request (or its length) from libssh's
 * buffer into sftp_in; *got is the bytes read (0 when none wait, or
 * after the client's EOF). NY_EINVAL for a length over SFTP_PACKET_MAX
 * (or 0), NY_EIO when the channel failed: both end the session.
 */
static enum ny_err
sftp_ssh_gather(struct ssh_conn *c, int *got)
{
	size_t need;
	uint32_t n;
	int r;

	if (c->sftp_inlen < 4) {
		need = 4 - c->sftp_inlen;
	} else {
		const unsigned char *p = c->sftp_in;

		n = (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
		    (uint32_t)p[2] << 8 | p[3];
		if (n < 1 || n > SFTP_PACKET_MAX)
			return NY_EINVAL;
		need = 4 + (size_t)n - c->sftp_inlen;
	}
	r = ssh_channel_read_nonblocking(c->chan, c->sftp_in + c->sftp_inlen,
	    (uint32_t)need, 0);
	if (r == SSH_ERROR)
		return NY_EIO;
	if (r < 0)
		r = 0;	/* SSH_EOF: the client closed and nothing is left */
	c->sftp_inlen += (size_t)r;
	*got = r;
	return NY_OK;
}

enum ny_err
sftp_ssh_pump(struct ssh_conn *c)
{
	enum ny_err err;
	ssize_t n;
	int r;

	if (c->sftp == NULL)
		return NY_OK;
	for (;;) {
		if ((err = sftp_ssh_flush(c)) != NY_OK)
			return err;
		if (sftp_busy(c->sftp) || !c->sftp_pending)
			return NY_OK;
		if ((err = sftp_ssh_gather(c, &r)) != NY_OK)
			return err;
		if ((n = sftp_feed(c->sftp, c->sftp_in, c->sftp_inlen)) < 0)
			return NY_EINVAL;	/* a protocol error */
		if (n > 0) {	/* one whole request: sftp_in is empty */
			c->sftp_inlen = 0;
			continue;
		}
		if (r == 0) {
			/* Nothing more waits; a half request stays in sftp_in
			 * and the callback keeps leaving bytes for us, unless
			 * the client has closed: then it never completes. */
			c->sftp_pending = c->sftp_inlen > 0;
			if (c->sftp_pending && ssh_channel_is_eof(c->chan))
				return NY_EIO;	/* a half request never ends */
			if (c->sftp_pending)
				return NY_OK;
		}
	}
}

int
sftp_ssh_drained(struct ssh_conn *c)
{
	size_t len;

	if (c->sftp == NULL)
		return 1;
	sftp_out(c->sftp, &len);
	return !c->sftp_pending && c->sftp_inlen == 0 && len == 0 &&
	    !sftp_busy(c->sftp);
}

void
sftp_ssh_end(struct ssh_conn *c)
{
	sftp_free(c->sftp);
	c->sftp = NULL;
	free(c->sftp_in);
	c->sftp_in = NULL;
	c->sftp_inlen = 0;
}
