/*
 * ssh-conn.c: one SSH connection in its own process: key exchange,
 * authentication (ssh-auth.c), then one session channel. A shell request
 * runs the ncurses UI in a further child on a pty sized from pty-req;
 * this process bridges the pty master and the channel. Exec requests run
 * read-only commands (`stats`). The "sftp" subsystem (a creator's login
 * only) runs in this process too, event-driven (sftp-ssh.c, sftp.c).
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <utmp.h>

#include "app.h"
#include "i18n.h"
#include "log.h"
#include "ssh-int.h"
#include "ui.h"

/*
 * The listener's SIGTERM (the server is going down) is blocked in this
 * process and looked for between polls (conn_term_pending): a handler
 * would interrupt libssh in the middle of its work (a poll, a blocking
 * write). When it came: the UI is asked in turn (it tells the creator and
 * saves the wizard's draft, then exits and the session ends as after
 * `q`), an upload ends (its temporary is removed), a session not yet
 * logged in is dropped. A UI still there after three quarters of the
 * drain time (held in a dialog) is ended anyway, before the listener's
 * SIGKILL.
 */
static int64_t	conn_stop_ms;	/* when it came (monotonic), or 0 */

/* Blocks (SIG_BLOCK) or unblocks SIGTERM in this process. */
static void
conn_sigterm(int how)
{
	sigset_t term;

	sigemptyset(&term);
	sigaddset(&term, SIGTERM);
	sigprocmask(how, &term, NULL);
}

static int
on_pty(ssh_session session, ssh_channel channel, const char *term,
    int cols, int rows, int px, int py, void *userdata)
{
	struct ssh_conn *c = userdata;

	(void)session; (void)channel; (void)px; (void)py;
	snprintf(c->term, sizeof c->term, "%s", term ? term : "vt100");
	c->cols = cols > 0 && cols < 1000 ? cols : 80;
	c->rows = rows > 0 && rows < 1000 ? rows : 24;
	return SSH_OK;
}

static int
on_resize(ssh_session session, ssh_channel channel, int cols, int rows,
    int px, int py, void *userdata)
{
	struct ssh_conn *c = userdata;
	struct winsize ws;

	(void)session; (void)channel; (void)px; (void)py;
	c->cols = cols > 0 && cols < 1000 ? cols : c->cols;
	c->rows = rows > 0 && rows < 1000 ? rows : c->rows;
	if (c->master >= 0) {
		memset(&ws, 0, sizeof ws);
		ws.ws_col = c->cols;
		ws.ws_row = c->rows;
		ioctl(c->master, TIOCSWINSZ, &ws);
	}
	return SSH_OK;
}

static int
on_shell(ssh_session session, ssh_channel channel, void *userdata)
{
	struct ssh_conn *c = userdata;

	(void)session; (void)channel;
	if (c->want_shell || c->exec_cmd != NULL || c->sftp != NULL)
		return SSH_ERROR;
	c->want_shell = 1;
	return SSH_OK;
}

static int
on_exec(ssh_session session, ssh_channel channel, const char *cmd,
    void *userdata)
{
	struct ssh_conn *c = userdata;

	(void)session; (void)channel;
	if (c->want_shell || c->exec_cmd != NULL || c->sftp != NULL)
		return SSH_ERROR;
	/* xstrndup copies exactly n bytes: bound by the real length. */
	c->exec_cmd = xstrndup(cmd, strnlen(cmd, 256));
	return SSH_OK;
}

static int
on_data(ssh_session session, ssh_channel channel, void *data, uint32_t len,
    int is_stderr, void *userdata)
{
	struct ssh_conn *c = userdata;
	uint32_t off = 0;
	ssize_t n;

	(void)session; (void)channel;
	c->last_input = ny_now();
	/* sftp: the engine takes what it can; the rest stays in libssh's
	 * buffer (returning 0 does not drop bytes, it leaves them). */
	if (c->sftp != NULL)
		return is_stderr ? (int)len : sftp_ssh_data(c, data, len);
	if (c->master < 0)
		return (int)len;
	while (off < len) {
		n = write(c->master, (char *)data + off, len - off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;	/* pty full: the rest comes back later */
		off += (uint32_t)n;
	}
	return (int)off;
}

/*
 * 1 when value may go into the environment as a colour hint: at most 32
 * bytes of letters, digits, '-', '_' and '.' ("1", "truecolor", "24bit").
 * Anything else is refused: the UI reads these with getenv and ncurses
 * with its own parsers, which never need more.
 */
static int
env_color_ok(const char *value)
{
	size_t n;

	for (n = 0; value[n] != '\0'; n++)
		if (n >= 32 || !((value[n] >= 'a' && value[n] <= 'z') ||
		    (value[n] >= 'A' && value[n] <= 'Z') ||
		    (value[n] >= '0' && value[n] <= '9') || value[n] == '-' ||
		    value[n] == '_' || value[n] == '.'))
			return 0;
	return 1;
}

/*
 * OpenSSH sends LANG and LC_* by default (SendEnv): a Swahili locale
 * (sw_KE.UTF-8, the rule of i18n_locale_lang) makes Swahili the default
 * before login (enrolment); nothing of it goes into the environment.
 * NO_COLOR (no-color.org: set and not empty means no colours) and
 * COLORTERM, bounded (env_color_ok), are set in this process's
 * environment: it serves this one connection, and the UI it forks
 * (start_shell) inherits them, where ui_colors reads NO_COLOR.
 * Everything else is refused.
 */
static int
on_env(ssh_session session, ssh_channel channel, const char *name,
    const char *value, void *userdata)
{
	struct ssh_conn *c = userdata;

	(void)session; (void)channel;
	if (name == NULL || value == NULL)
		return 1;
	if (strcmp(name, "NO_COLOR") == 0 || strcmp(name, "COLORTERM") == 0) {
		if (c->want_shell || !env_color_ok(value) ||
		    setenv(name, value, 1) != 0)
			return 1;
		return 0;
	}
	if (strcmp(name, "LANG") != 0 && strcmp(name, "LC_ALL") != 0 &&
	    strcmp(name, "LC_MESSAGES") != 0)
		return 1;
	if (strcmp(i18n_locale_lang(value), "sw") == 0)
		snprintf(c->lang, sizeof c->lang, "sw");
	return 0;
}

/* "sftp" only, and only for a creator's login (sftp_ssh_start checks). */
static int
on_subsystem(ssh_session session, ssh_channel channel, const char *name,
    void *userdata)
{
	struct ssh_conn *c = userdata;

	(void)session; (void)channel;
	if (name == NULL || strcmp(name, "sftp") != 0)
		return SSH_ERROR;
	return sftp_ssh_start(c) == NY_OK ? SSH_OK : SSH_ERROR;
}

/* The sftp client has nothing more to ask (it is done, or scp was
 * killed and ssh's stdin closed): the loop ends the session, as sshd
 * does when sftp-server exits on EOF. */
static void
on_eof(ssh_session session, ssh_channel channel, void *userdata)
{
	struct ssh_conn *c = userdata;

	(void)session; (void)channel;
	c->sftp_eof = 1;
}

static void
on_close(ssh_session session, ssh_channel channel, void *userdata)
{
	struct ssh_conn *c = userdata;

	(void)session; (void)channel;
	c->done = 1;
}

static ssh_channel
on_channel_open(ssh_session session, void *userdata)
{
	struct ssh_conn *c = userdata;

	if (c->mode == CONN_NONE || c->chan != NULL)
		return NULL;
	c->chan = ssh_channel_new(session);
	c->ccb.userdata = c;
	c->ccb.channel_pty_request_function = on_pty;
	c->ccb.channel_pty_window_change_function = on_resize;
	c->ccb.channel_shell_request_function = on_shell;
	c->ccb.channel_exec_request_function = on_exec;
	c->ccb.channel_env_request_function = on_env;
	c->ccb.channel_data_function = on_data;
	c->ccb.channel_subsystem_request_function = on_subsystem;
	c->ccb.channel_close_function = on_close;
	c->ccb.channel_eof_function = on_eof;
	ssh_callbacks_init(&c->ccb);
	ssh_set_channel_callbacks(c->chan, &c->ccb);
	return c->chan;
}

/* Pty output → channel. */
static int
on_master(socket_t fd, int revents, void *userdata)
{
	struct ssh_conn *c = userdata;
	char buf[8192];
	ssize_t n;

	if (revents & POLLIN) {
		n = read(fd, buf, sizeof buf);
		if (n > 0) {
			ssh_channel_write(c->chan, buf, (uint32_t)n);
			return 0;
		}
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			return 0;
		revents |= POLLHUP;	/* EOF or EIO: the UI is gone */
	}
	if (revents & (POLLHUP | POLLERR | POLLNVAL)) {
		/* The UI closed its side: stop watching before close. */
		ssh_event_remove_fd(c->event, fd);
		close(c->master);
		c->master = -1;
	}
	return 0;
}

static void
ui_session_fill(struct ssh_conn *c, struct ui_session *u)
{
	memset(u, 0, sizeof *u);
	u->cfg = c->cfg;
	u->mode = c->mode;
	u->creator_id = c->creator_id;
	snprintf(u->handle, sizeof u->handle, "%s", c->user);
	snprintf(u->code, sizeof u->code, "%s", c->code);
	snprintf(u->addr, sizeof u->addr, "%s", c->addr);
	snprintf(u->lang, sizeof u->lang, "%s", c->lang[0] ? c->lang : "en");
}

/*
 * Forks the UI on a new pty (this process's database connection closed
 * first: the UI opens its own). NY_OK, or NY_EIO when no pty or no fork.
 */
static enum ny_err
start_shell(struct ssh_conn *c)
{
	struct ui_session u;
	struct winsize ws;
	int slave, logfd;

	memset(&ws, 0, sizeof ws);
	ws.ws_col = c->cols > 0 ? c->cols : 80;
	ws.ws_row = c->rows > 0 ? c->rows : 24;
	if (openpty(&c->master, &slave, NULL, NULL, &ws) != 0)
		return NY_EIO;
	ui_session_fill(c, &u);
	/* The UI opens its own connection; ours is closed before fork. */
	db_close(c->db);
	c->db = NULL;
	c->child = fork();
	if (c->child == 0) {
		close(c->master);
		/* Log lines go to the server's log, not the creator's pty. */
		logfd = dup(STDERR_FILENO);
		if (login_tty(slave) != 0)
			_exit(1);
		if (logfd >= 0) {
			dup2(logfd, STDERR_FILENO);
			close(logfd);
		}
		closefrom(3);
		setenv("TERM", c->term[0] ? c->term : "vt100", 1);
		signal(SIGPIPE, SIG_DFL);
		/* ours is blocked (see conn_stop_ms); the UI handles its own */
		conn_sigterm(SIG_UNBLOCK);
		_exit(ui_main(&u));
	}
	close(slave);
	if (c->child < 0)
		return NY_EIO;
	fcntl(c->master, F_SETFL, fcntl(c->master, F_GETFL) | O_NONBLOCK);
	ssh_event_add_fd(c->event, c->master, POLLIN, on_master, c);
	return NY_OK;
}

/*
 * Sends the exit status and closes the channel, then waits (briefly) for
 * the client's close: disconnecting at once makes OpenSSH report a broken
 * pipe and exit 255 instead of the status.
 */
static void
finish(struct ssh_conn *c, int status)
{
	int64_t until = ny_now_ms() + 2000;

	if (c->chan == NULL)
		return;
	ssh_channel_request_send_exit_status(c->chan, status);
	ssh_channel_send_eof(c->chan);
	ssh_channel_close(c->chan);
	while (!c->done && ny_now_ms() < until &&
	    ssh_event_dopoll(c->event, 100) != SSH_ERROR)
		;
}

/* The creator's language into lang ("en" before a login). */
static void
conn_lang(struct ssh_conn *c, char lang[3])
{
	struct creator cr;

	memset(&cr, 0, sizeof cr);
	snprintf(lang, 3, "en");
	if (c->mode == CONN_CREATOR &&
	    creator_by_id(c->db, c->creator_id, &cr) == NY_OK &&
	    i18n_lang_ok(cr.locale))
		snprintf(lang, 3, "%s", cr.locale);
	creator_free(&cr);
}

/*
 * The refusal of an exec request, one line in the creator's language.
 * Legacy scp (`scp -O`) runs "scp -t PATH" / "scp -f PATH": it is told
 * what works instead, with the real host and port.
 */
static char *
exec_refusal(struct ssh_conn *c)
{
	char lang[3], cmd[512], *text, *msg;

	conn_lang(c, lang);
	if (strncmp(c->exec_cmd, "scp ", 4) == 0) {
		ui_upload_cmd(c->cfg, c->mode == CONN_CREATOR ? c->user :
		    "HANDLE", cmd, sizeof cmd);
		text = i18n_fmt(lang, "tui.sftp.scp_legacy", "cmd", cmd, NULL);
	} else {
		/* at most 64 bytes of what was asked */
		snprintf(cmd, 65, "%s", c->exec_cmd);
		text = i18n_fmt(lang, "tui.exec.unknown", "cmd", cmd, NULL);
	}
	msg = xasprintf("%s\r\n", text);
	free(text);
	return msg;
}

static int
run_exec(struct ssh_conn *c)
{
	char *out, *msg;

	if (c->mode == CONN_CREATOR && strcmp(c->exec_cmd, "stats") == 0) {
		out = ui_stats_json(c->db, c->creator_id);
		ssh_channel_write(c->chan, out, (uint32_t)strlen(out));
		free(out);
		return 0;
	}
	msg = exec_refusal(c);
	ssh_channel_write_stderr(c->chan, msg, (uint32_t)strlen(msg));
	free(msg);
	return 1;
}

/*
 * 1 when the UI child has ended (reaped, its exit status in *status: 1
 * when it did not exit normally); 0 while it runs or before it started.
 */
static int
ui_has_exited(struct ssh_conn *c, int *status)
{
	int st;

	if (c->child <= 0 || waitpid(c->child, &st, WNOHANG) != c->child)
		return 0;
	c->child = 0;
	*status = WIFEXITED(st) ? WEXITSTATUS(st) : 1;
	return 1;
}

/* The client did not log in within the grace time. */
static void
grace_over(struct ssh_conn *c)
{
	char qa[LOG_QUOTE_LEN];

	log_info("ssh login grace time over", "addr=%s grace=%d",
	    log_quote(c->addr, qa, sizeof qa), c->cfg->ssh_grace_s);
}

/* Logged in: tell the listener this connection no longer counts as a
 * startup, and stop the grace clock. */
static void
logged_in(struct ssh_conn *c)
{
	if (c->auth_fd < 0)
		return;
	close(c->auth_fd);
	c->auth_fd = -1;
}

/* 1 when the listener's SIGTERM is waiting (blocked) in this process. */
static int
conn_term_pending(void)
{
	sigset_t set;

	return sigpending(&set) == 0 && sigismember(&set, SIGTERM) == 1;
}

/*
 * The server is going down (see conn_stop_ms): 1 when the loop ends now,
 * 0 while the UI finishes or the command runs.
 */
static int
conn_stop(struct ssh_conn *c)
{
	if (conn_stop_ms == 0) {
		conn_stop_ms = ny_mono_ms();
		if (c->child > 0) {
			kill(c->child, SIGTERM);
			return 0;
		}
		if (c->sftp != NULL) {
			finish(c, 1);
			return 1;
		}
		return c->exec_cmd == NULL || c->chan == NULL;
	}
	return c->child > 0 && ny_mono_ms() - conn_stop_ms >
	    (int64_t)c->cfg->drain_s * 750;
}

static void
loop(struct ssh_conn *c)
{
	char qu[LOG_QUOTE_LEN];
	int status;

	while (!c->done) {
		if (ssh_event_dopoll(c->event, 200) == SSH_ERROR)
			break;
		if ((conn_stop_ms != 0 || conn_term_pending()) && conn_stop(c))
			break;
		if (c->mode == CONN_NONE) {
			if (ny_mono_ms() > c->deadline_ms) {
				grace_over(c);
				break;
			}
			continue;
		}
		logged_in(c);
		if (c->sftp != NULL && (sftp_ssh_pump(c) != NY_OK ||
		    (c->sftp_eof && sftp_ssh_drained(c)))) {
			/* exit status, EOF, close: OpenSSH's clients wait for
			 * them, and report a bare disconnect as a failure */
			finish(c, c->sftp_eof && sftp_ssh_drained(c) ? 0 : 1);
			break;
		}
		if (c->exec_cmd != NULL && c->chan != NULL) {
			finish(c, run_exec(c));
			break;
		}
		if (c->want_shell && c->child == 0 && c->master < 0 &&
		    start_shell(c) != NY_OK)
			break;
		if (ui_has_exited(c, &status)) {
			/* Drain what the UI wrote last, then end. */
			for (int i = 0; i < 256 && c->master >= 0; i++)
				on_master(c->master, POLLIN, c);
			finish(c, status);
			break;
		}
		if (ny_now() - c->last_input > CONN_IDLE_TIMEOUT) {
			log_info("ssh session idle", "handle=%s",
			    log_quote(c->user, qu, sizeof qu));
			break;
		}
	}
}

/*
 * The key exchange, bounded by what is left of the grace time: libssh
 * gives up (SSH_AGAIN) after SSH_OPTIONS_TIMEOUT, counted over the whole
 * exchange, so a silent or trickling client cannot hold the process. The
 * timeout is then lifted again (0: none), because libssh applies it to
 * blocking channel writes too, which a slow terminal may legitimately
 * need. Returns SSH_OK or not.
 */
static int
key_exchange(struct ssh_conn *c)
{
	long left = (long)((c->deadline_ms - ny_mono_ms() + 999) / 1000);
	char qa[LOG_QUOTE_LEN], qe[LOG_QUOTE_LEN];
	int rc;

	if (left < 1)
		left = 1;
	ssh_options_set(c->session, SSH_OPTIONS_TIMEOUT, &left);
	rc = ssh_handle_key_exchange(c->session);
	left = 0;
	ssh_options_set(c->session, SSH_OPTIONS_TIMEOUT, &left);
	if (rc == SSH_AGAIN || (rc != SSH_OK &&
	    ny_mono_ms() > c->deadline_ms))
		grace_over(c);
	else if (rc != SSH_OK)
		log_info("ssh key exchange failed", "addr=%s err=%s",
		    log_quote(c->addr, qa, sizeof qa),
		    log_quote(ssh_get_error(c->session), qe, sizeof qe));
	return rc;
}

int
ssh_conn_run(const struct ny_config *cfg, ssh_session session,
    const char *addr, int auth_fd)
{
	struct ssh_conn c;

	conn_sigterm(SIG_BLOCK);	/* see conn_stop_ms */
	memset(&c, 0, sizeof c);
	c.cfg = cfg;
	c.session = session;
	c.master = -1;
	c.auth_fd = auth_fd;
	c.deadline_ms = ny_mono_ms() + (int64_t)cfg->ssh_grace_s * 1000;
	c.last_input = ny_now();
	snprintf(c.addr, sizeof c.addr, "%s", addr);
	c.db = app_connect(cfg);
	c.scb.userdata = &c;
	c.scb.channel_open_request_session_function = on_channel_open;
	ssh_auth_setup(&c);
	ssh_callbacks_init(&c.scb);
	ssh_set_server_callbacks(session, &c.scb);
	if (key_exchange(&c) != SSH_OK)
		goto out;
	c.event = ssh_event_new();
	ssh_event_add_session(c.event, session);
	loop(&c);
	sftp_ssh_end(&c);	/* unfinished uploads: temporaries removed */
	if (c.child > 0) {
		kill(c.child, SIGHUP);
		waitpid(c.child, NULL, 0);
	}
	if (c.master >= 0) {
		ssh_event_remove_fd(c.event, c.master);
		close(c.master);
	}
	ssh_event_remove_session(c.event, session);
	ssh_event_free(c.event);
out:
	logged_in(&c);	/* closes the pipe either way */
	ssh_disconnect(session);
	ssh_free(session);
	free(c.exec_cmd);
	if (c.db != NULL)
		db_close(c.db);
	return 0;
}
