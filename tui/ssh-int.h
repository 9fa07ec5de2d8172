/*
 * ssh-int.h: what the listener (serve.c), the per-connection code
 * (ssh-conn.c, ssh-auth.c) and the UI entry (ui-main.c) share inside tui/.
 */
#ifndef NY_SSH_INT_H
#define NY_SSH_INT_H

#include <stdint.h>
#include <sys/types.h>

#include <libssh/libssh.h>
#include <libssh/server.h>
#include <libssh/callbacks.h>

#include "config.h"
#include "creator.h"
#include "db.h"

/* What an authenticated connection may do. */
enum conn_mode {
	CONN_NONE,	/* not authenticated */
	CONN_CREATOR,	/* a creator: the console */
	CONN_SETUP,	/* "setup" with the setup code: enrol the first */
	CONN_INVITE,	/* "invite" with an invite code: enrol another */
};

#define CONN_IDLE_TIMEOUT	1800	/* seconds without client input */

/* What the UI process needs to know about its session. */
struct ui_session {
	const struct ny_config	*cfg;
	enum conn_mode		 mode;
	int64_t			 creator_id;
	char			 handle[CREATOR_HANDLE_MAX + 1];
	char			 code[64];	/* invite code (enrolment) */
	char			 addr[64];
	char			 lang[3];
};

/* One SSH connection, owned by its forked process. */
struct ssh_conn {
	const struct ny_config			*cfg;
	ssh_session				 session;
	ssh_event				 event;
	struct db				*db;
	struct ssh_server_callbacks_struct	 scb;
	struct ssh_channel_callbacks_struct	 ccb;
	char					 addr[64];
	char					 user[CREATOR_HANDLE_MAX + 1];
	int					 user_ok;
	/* Public key verified for key_user in this connection. */
	int					 key_ok;
	char					 key_user[CREATOR_HANDLE_MAX + 1];
	enum conn_mode				 mode;
	int64_t					 creator_id;
	char					 code[64];
	ssh_channel				 chan;
	char					 term[64];
	/* "sw" when the client sent LANG / LC_* for Swahili, else "". */
	char					 lang[3];
	int					 cols, rows;
	int					 want_shell;
	char					*exec_cmd;
	int					 master;
	pid_t					 child;
	int64_t					 last_input;
	/* Write end of the pipe to the listener, closed on login (-1). */
	int					 auth_fd;
	/* Monotonic ms by which the client must have logged in. */
	int64_t					 deadline_ms;
	int					 done;
	/* The sftp subsystem (sftp-ssh.c), or NULL. While the engine is
	 * busy or a request is half gathered in sftp_in, the data callback
	 * leaves bytes in libssh's buffer (sftp_pending) for the pump. */
	struct sftp				*sftp;
	unsigned char				*sftp_in;
	size_t					 sftp_inlen;
	int					 sftp_pending;
	int					 sftp_eof;	/* client sent EOF */
};

/*
 * Connection rate limit per address (serve.c): a token bucket of
 * RATE_BURST new connections, refilled by one every RATE_REFILL seconds,
 * over RATE_SLOTS addresses (the least recently seen is forgotten).
 * Generous enough for a team behind one NAT (and the 20-session test);
 * login throttling (login.h) is what stops code guessing.
 */
#define RATE_SLOTS	128
#define RATE_BURST	40
#define RATE_REFILL	2

struct rate_slot {
	char	 addr[64];
	double	 tokens;
	int64_t	 at;
};

/* Takes one token for addr at now; 0 when the address is over limit. */
int	serve_rate_take(struct rate_slot *slots, const char *addr,
	    int64_t now);

/*
 * MaxStartups early drop: 1 when a new connection is to be dropped with n
 * connections not logged in already, roll a random number (any range).
 */
int	serve_startups_drop(const struct ny_startups *m, int n, unsigned roll);

/*
 * Runs one accepted connection to its end (in the forked process). The
 * client has cfg->ssh_grace_s from now to log in (key exchange included);
 * auth_fd (owned, closed) is closed as soon as it has, to tell the
 * listener.
 */
int	ssh_conn_run(const struct ny_config *cfg, ssh_session session,
	    const char *addr, int auth_fd);

/* Installs the authentication callbacks on c (ssh-auth.c). */
void	ssh_auth_setup(struct ssh_conn *c);

/* Runs the UI for an authenticated session on the terminal (ui-main.c). */
int	ui_main(struct ui_session *s);

/* Writes the `stats` JSON for the creator (ui-main.c); caller frees. */
char	*ui_stats_json(struct db *db, int64_t creator_id);

/*
 * The sftp subsystem on c's channel (sftp-ssh.c). sftp_ssh_start: for a
 * creator's session only (CONN_CREATOR); opens the jail and starts the
 * engine; NY_OK, or NY_EDENIED (not a creator's session, or the channel
 * already in use) or NY_EIO (no uploads folder) to refuse the request.
 * sftp_ssh_data: the channel data callback's work; returns the bytes
 * used (the rest stays in libssh's buffer). sftp_ssh_pump: after each
 * poll round, sends queued replies and feeds what was left waiting;
 * NY_OK, or an error (NY_EIO: the channel; NY_EINVAL: the protocol) that
 * ends the connection. sftp_ssh_end: ends the session (unfinished
 * uploads removed).
 */
enum ny_err	sftp_ssh_start(struct ssh_conn *c);
int		sftp_ssh_data(struct ssh_conn *c, const void *data,
		    uint32_t len);
enum ny_err	sftp_ssh_pump(struct ssh_conn *c);
/* 1 when every request the client sent is answered and the answers sent
 * (after its EOF: the session may end). */
int	sftp_ssh_drained(struct ssh_conn *c);
void	sftp_ssh_end(struct ssh_conn *c);

#endif
