/*
 * serve.c: the console's SSH listener. It owns no database connection
 * while it accepts: each connection is a forked process that opens its own
 * (a connection inherited across fork() corrupts SQLite's locks), so a
 * crash in one session never touches another or the listener.
 *
 * Connections that have not logged in yet are what a stranger can open
 * for free, so they are bounded three ways (issue: silent connections
 * from one address once filled every slot):
 *   - each must log in within NYOTA_SSH_GRACE_S of accept (the connection
 *     process enforces it; this process kills it a little later if it has
 *     not, whatever it is blocked in);
 *   - per address (an IPv6 /64) and over all, MaxStartups-style early
 *     random drop (NYOTA_SSH_PER_SOURCE_STARTUPS, NYOTA_SSH_MAX_STARTUPS),
 *     so one address cannot take what others need;
 *   - SERVE_MAX_CHILDREN connections in all.
 * Each connection process holds the write end of a pipe until it has
 * logged in; the read end here turning readable (EOF) tells us it has, or
 * that it is gone.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <unistd.h>

#include <sodium.h>

#include "app.h"
#include "console.h"
#include "creator.h"
#include "crypto.h"
#include "i18n.h"
#include "log.h"
#include "metrics-app.h"
#include "metrics-http.h"
#include "login.h"
#include "setup-code.h"
#include "sftp.h"
#include "ssh-int.h"
#include "ui.h"

#define SERVE_MAX_CHILDREN	256
#define SERVE_GRACE_SLACK_MS	5000	/* after the grace: SIGKILL */
/* SIGTERM/SIGINT seen (a second one cuts the drain short); SIGHUP seen. */
static volatile sig_atomic_t serve_stop, serve_hup;

/*
 * The /metrics listener, run by the poll loop below without a thread (a
 * thread must not exist when we fork); a connection process forgets it
 * first thing (child_run). Static like the signal flags: child_run is
 * reached from deep in the accept path.
 */
static struct metrics_http *serve_mh;

/* One connection process. */
struct serve_kid {
	pid_t	 pid;
	int	 fd;		/* read end of its pipe until it logs in, or -1 */
	int64_t	 at_ms;		/* accepted (monotonic) */
	char	 key[64];	/* address key (login_addr_key) */
};

static void
serve_on_signal(int sig)
{
	if (sig == SIGHUP)
		serve_hup = 1;
	else if (serve_stop < 2)
		serve_stop++;
}

int
serve_rate_take(struct rate_slot *slots, const char *addr, int64_t now)
{
	struct rate_slot *s = NULL, *oldest = &slots[0];
	int i;

	for (i = 0; i < RATE_SLOTS; i++) {
		if (strcmp(slots[i].addr, addr) == 0) {
			s = &slots[i];
			break;
		}
		if (slots[i].at < oldest->at)
			oldest = &slots[i];
	}
	if (s == NULL) {
		s = oldest;
		snprintf(s->addr, sizeof s->addr, "%s", addr);
		s->tokens = RATE_BURST;
		s->at = now;
	}
	s->tokens += (double)(now - s->at) / RATE_REFILL;
	if (s->tokens > RATE_BURST)
		s->tokens = RATE_BURST;
	s->at = now;
	if (s->tokens < 1)
		return 0;
	s->tokens -= 1;
	return 1;
}

/* Loads or creates the ed25519 host key; returns its path or NULL. */
static char *
host_key(const struct ny_config *cfg)
{
	char *path = xasprintf("%s/ssh_host_ed25519_key", cfg->keys_dir);
	ssh_key key = NULL;
	struct stat sb;

	if (stat(path, &sb) == 0) {
		if (sb.st_mode & 077)
			log_warn("host key readable by others", "path=%s", path);
		return path;
	}
	if (ssh_pki_generate(SSH_KEYTYPE_ED25519, 0, &key) != SSH_OK ||
	    ssh_pki_export_privkey_file(key, NULL, NULL, NULL, path)
	    != SSH_OK) {
		log_error("cannot create host key", "path=%s", path);
		ssh_key_free(key);
		free(path);
		return NULL;
	}
	ssh_key_free(key);
	chmod(path, 0600);	/* libssh writes 0644 under a lax umask */
	log_info("created host key", "path=%s", path);
	return path;
}

/* Prints the setup code while no creator is enrolled. */
static void
announce_setup(const struct ny_config *cfg, struct db *db)
{
	char code[SETUP_CODE_LEN], cmd[200];

	if (setup_code_get_or_create(db, code) != NY_OK)
		return;
	ui_ssh_cmd(cfg, "setup", cmd, sizeof cmd);
	fprintf(stderr, "nyota: no creator enrolled yet. Setup code: %s\n"
	    "nyota: enrol with: %s\n", code, cmd);
	fflush(stderr);
}

static void
peer_addr(ssh_session session, char *buf, size_t len)
{
	struct sockaddr_storage ss;
	socklen_t sl = sizeof ss;
	int fd = ssh_get_fd(session);

	snprintf(buf, len, "unknown");
	if (getpeername(fd, (struct sockaddr *)&ss, &sl) != 0)
		return;
	if (ss.ss_family == AF_INET)
		inet_ntop(AF_INET, &((struct sockaddr_in *)&ss)->sin_addr,
		    buf, len);
	else if (ss.ss_family == AF_INET6)
		inet_ntop(AF_INET6, &((struct sockaddr_in6 *)&ss)->sin6_addr,
		    buf, len);
}

static void
reap(struct serve_kid *kids, int *nkids)
{
	pid_t pid;
	int st, i;

	while ((pid = waitpid(-1, &st, WNOHANG)) > 0) {
		for (i = 0; i < *nkids; i++) {
			if (kids[i].pid == pid) {
				if (kids[i].fd >= 0)
					close(kids[i].fd);
				kids[i] = kids[--*nkids];
				break;
			}
		}
	}
}

int
serve_startups_drop(const struct ny_startups *m, int n, unsigned roll)
{
	int p;

	if (n < m->start)
		return 0;
	if (n >= m->full)
		return 1;
	p = m->rate + (100 - m->rate) * (n - m->start) / (m->full - m->start);
	return (int)(roll % 100) < p;
}

/*
 * Whether a new connection from key is dropped: the connections not yet
 * logged in, from key and over all, against the two MaxStartups limits.
 */
static int
startups_drop(const struct ny_config *cfg, const struct serve_kid *kids,
    int nkids, const char *key)
{
	int i, mine = 0, all = 0;

	for (i = 0; i < nkids; i++) {
		if (kids[i].fd < 0)
			continue;
		all++;
		mine += strcmp(kids[i].key, key) == 0;
	}
	return serve_startups_drop(&cfg->ssh_per_source_startups, mine,
	    randombytes_random()) ||
	    serve_startups_drop(&cfg->ssh_max_startups, all,
	    randombytes_random());
}

/* Why a new connection is refused, or NULL. */
static const char *
refusal(const struct ny_config *cfg, struct rate_slot *slots,
    const struct serve_kid *kids, int nkids, const char *key)
{
	if (!serve_rate_take(slots, key, ny_now()))
		return "rate limit";
	if (nkids >= SERVE_MAX_CHILDREN)
		return "too many connections";
	if (startups_drop(cfg, kids, nkids, key))
		return "too many connections not logged in";
	return NULL;
}

/* In a new connection process: runs it; never returns. */
static void
child_run(const struct ny_config *cfg, ssh_bind bind, ssh_session session,
    const char *addr, int authfd, struct serve_kid *kids, int nkids)
{
	int i;

	/* SIGTERM is ssh_conn_run's own (ssh-conn.c); SIGHUP must kill
	 * again: it is how a connection ends its UI. */
	signal(SIGTERM, SIG_DFL);
	signal(SIGINT, SIG_DFL);
	signal(SIGHUP, SIG_DFL);
	signal(SIGCHLD, SIG_DFL);
	for (i = 0; i < nkids; i++)
		if (kids[i].fd >= 0)
			close(kids[i].fd);
	ssh_bind_free(bind);
	metrics_http_forget(serve_mh);	/* the parent's sockets stay open */
	_exit(ssh_conn_run(cfg, session, addr, authfd));
}

/* Accepts one connection and forks its process. */
static void
accept_one(const struct ny_config *cfg, ssh_bind bind,
    struct rate_slot *slots, struct serve_kid *kids, int *nkids)
{
	ssh_session session = ssh_new();
	char addr[64], key[64], qa[LOG_QUOTE_LEN];
	const char *why;
	int p[2];
	pid_t pid;

	if (ssh_bind_accept(bind, session) != SSH_OK) {
		log_warn("accept failed", "err=%s", log_quote(ssh_get_error(bind),
		    qa, sizeof qa));
		ssh_free(session);
		return;
	}
	peer_addr(session, addr, sizeof addr);
	login_addr_key(addr, key, sizeof key);
	if ((why = refusal(cfg, slots, kids, *nkids, key)) != NULL ||
	    pipe(p) != 0) {
		log_warn("ssh connection refused", "addr=%s why=\"%s\"",
		    log_quote(addr, qa, sizeof qa), why ? why : "no pipe");
		ssh_disconnect(session);
		ssh_free(session);
		return;
	}
	pid = fork();
	if (pid == 0) {
		close(p[0]);
		child_run(cfg, bind, session, addr, p[1], kids, *nkids);
	}
	close(p[1]);
	if (pid < 0) {
		log_error("fork failed", "err=\"%s\"", strerror(errno));
		close(p[0]);
	} else {
		kids[*nkids].pid = pid;
		kids[*nkids].fd = p[0];
		kids[*nkids].at_ms = ny_mono_ms();
		snprintf(kids[*nkids].key, sizeof kids[*nkids].key, "%s", key);
		(*nkids)++;
	}
	ssh_free(session);	/* the parent's copy: closes its socket */
}

/*
 * Notes the connections that logged in (their pipe reads EOF) and kills
 * those still not logged in well after the grace time.
 */
static void
watch_kids(const struct ny_config *cfg, struct serve_kid *kids, int nkids,
    const struct pollfd *pfds, int npfd)
{
	int64_t now = ny_mono_ms(), limit;
	char buf[16];
	int i, j;

	for (j = 1; j < npfd; j++) {
		if (!(pfds[j].revents & (POLLIN | POLLHUP | POLLERR)))
			continue;
		for (i = 0; i < nkids; i++) {
			if (kids[i].fd == pfds[j].fd &&
			    read(kids[i].fd, buf, sizeof buf) <= 0) {
				close(kids[i].fd);
				kids[i].fd = -1;
			}
		}
	}
	limit = (int64_t)cfg->ssh_grace_s * 1000 + SERVE_GRACE_SLACK_MS;
	for (i = 0; i < nkids; i++) {
		if (kids[i].fd >= 0 && kids[i].pid > 0 &&
		    now - kids[i].at_ms > limit) {
			log_warn("ssh connection killed: not logged in",
			    "pid=%d", (int)kids[i].pid);
			kill(kids[i].pid, SIGKILL);
			close(kids[i].fd);	/* no longer counted */
			kids[i].fd = -1;
		}
	}
}

static ssh_bind
listen_on(const struct ny_config *cfg, const char *keypath)
{
	ssh_bind bind = ssh_bind_new();
	int port = cfg->ssh_port, verbosity = SSH_LOG_NOLOG;

	ssh_bind_options_set(bind, SSH_BIND_OPTIONS_BINDADDR, cfg->ssh_addr);
	ssh_bind_options_set(bind, SSH_BIND_OPTIONS_BINDPORT, &port);
	ssh_bind_options_set(bind, SSH_BIND_OPTIONS_HOSTKEY, keypath);
	ssh_bind_options_set(bind, SSH_BIND_OPTIONS_LOG_VERBOSITY, &verbosity);
	if (ssh_bind_listen(bind) != SSH_OK) {
		fprintf(stderr, "nyota: cannot listen on %s:%d: %s\n",
		    cfg->ssh_addr, port, ssh_get_error(bind));
		ssh_bind_free(bind);
		return NULL;
	}
	return bind;
}

/*
 * Before listening: the folders and database (app_open), the keys and the
 * locales, and the setup code announced while no creator is enrolled.
 * Returns NY_OK, or the error of the keys or locales after one line
 * "nyota: …" on stderr.
 */
static enum ny_err
serve_init(const struct ny_config *cfg)
{
	char *cause = NULL;
	enum ny_err err;
	struct db *db;

	/* Folders first (made private, a loose key fixed with a warning),
	 * then the keys are read. */
	app_lock_servers(cfg);	/* no restore while we run (kids share it) */
	db = app_open(cfg);
	if ((err = crypto_init(cfg->keys_dir, &cause)) != NY_OK ||
	    (err = i18n_load(&cause)) != NY_OK) {
		fprintf(stderr, "nyota: %s\n", cause ? cause : "init failed");
		free(cause);
		db_close(db);
		return err;
	}
	announce_setup(cfg, db);
	db_close(db);	/* never carried into the forked connections */
	return NY_OK;
}

/*
 * SIGTERM: the listener is closed (new connections refused), every
 * connection process is asked to end (SIGTERM: a console tells its
 * creator and saves the wizard's draft, an upload ends and its temporary
 * goes), and they get cfg->drain_s to do it; a second SIGTERM or SIGINT
 * stops the wait. What is left then is killed.
 */
static void
serve_drain(const struct ny_config *cfg, ssh_bind bind,
    struct serve_kid *kids, int nkids)
{
	int64_t t0 = ny_mono_ms(), until = t0 + (int64_t)cfg->drain_s * 1000;
	int i, sessions = nkids, killed;

	ssh_bind_free(bind);
	log_info("console draining", "sessions=%d drain_s=%d", sessions,
	    cfg->drain_s);
	for (i = 0; i < nkids; i++) {
		kill(kids[i].pid, SIGTERM);
		if (kids[i].fd >= 0)
			close(kids[i].fd);
		kids[i].fd = -1;
	}
	for (;;) {
		reap(kids, &nkids);
		if (nkids == 0 || serve_stop > 1 || ny_mono_ms() >= until)
			break;
		if (serve_hup) {
			serve_hup = 0;
			log_reopen();
		}
		poll(NULL, 0, 100);
	}
	killed = nkids;
	for (i = 0; i < nkids; i++)
		kill(kids[i].pid, SIGKILL);
	for (i = 0; i < nkids; i++)
		waitpid(kids[i].pid, NULL, 0);
	log_info("console stopped", "sessions=%d killed=%d ms=%lld", sessions,
	    killed, (long long)(ny_mono_ms() - t0));
}

/* What the console's gauges read: this process's table of connections. */
struct serve_view {
	const struct serve_kid	*kids;
	const int		*nkids;
};

/* Connections that logged in (their pipe is gone) or, !in, that have not. */
static double
serve_count(const struct serve_view *v, int in)
{
	int i, n = 0;

	for (i = 0; i < *v->nkids; i++)
		n += (v->kids[i].fd < 0) == in;
	return n;
}

static double
serve_sessions(void *arg)
{
	return serve_count(arg, 1);
}

static double
serve_logins(void *arg)
{
	return serve_count(arg, 0);
}

/*
 * The registry with the console's gauges over view (which lives as long
 * as console_serve) and, unless NYOTA_CONSOLE_METRICS_PORT is 0, its
 * listener. 0, or -1 after one line on stderr (a bad address). A port
 * someone else holds is logged and the console runs without /metrics.
 */
static int
serve_metrics_start(const struct ny_config *cfg, struct serve_view *view)
{
	struct metrics *m = metrics_app_init(METRICS_CONSOLE);
	char *cause = NULL;

	metrics_add_fn(m, "nyota_console_sessions", "Console connections "
	    "logged in now.", serve_sessions, view);
	metrics_add_fn(m, "nyota_console_logins_pending", "Console "
	    "connections not logged in yet.", serve_logins, view);
	if (metrics_http_start(cfg->metrics_addr, cfg->console_metrics_port,
	    m, 0, &serve_mh, &cause) != NY_OK) {
		fprintf(stderr, "nyota: %s\n", cause);
		free(cause);
		metrics_app_free();
		return -1;
	}
	return 0;
}

int
console_serve(const struct ny_config *cfg)
{
	struct rate_slot slots[RATE_SLOTS];
	struct serve_kid kids[SERVE_MAX_CHILDREN];
	struct pollfd pfds[2 + SERVE_MAX_CHILDREN];	/* + /metrics */
	int nkids = 0, npfd, i, mfd;
	struct serve_view view = { kids, &nkids };
	char *keypath, *cause = NULL;
	ssh_bind bind;

	umask(077);
	/* A reload while we start must not end us (SIGHUP's default action,
	 * a clean exit to systemd): ignored until the handler below. */
	signal(SIGHUP, SIG_IGN);
	memset(slots, 0, sizeof slots);
	/* Before the first line is logged; the admin commands keep stderr
	 * (they talk to the operator at a terminal). */
	if (log_open(cfg->log_file, &cause) != NY_OK) {
		fprintf(stderr, "nyota: NYOTA_LOG_FILE: %s\n", cause);
		free(cause);
		return 1;
	}
	if (serve_init(cfg) != NY_OK || (keypath = host_key(cfg)) == NULL)
		return 1;
	sftp_sweep(cfg->data_dir);	/* stale upload temporaries: no session yet */
	ssh_init();
	bind = listen_on(cfg, keypath);
	free(keypath);
	if (bind == NULL)
		return 1;
	if (serve_metrics_start(cfg, &view) != 0) {
		ssh_bind_free(bind);
		return 1;
	}
	signal(SIGPIPE, SIG_IGN);
	signal(SIGTERM, serve_on_signal);
	signal(SIGINT, serve_on_signal);
	signal(SIGHUP, serve_on_signal);	/* systemctl reload: the log */
	log_info("console listening", "addr=%s port=%d", cfg->ssh_addr,
	    cfg->ssh_port);
	pfds[0].fd = ssh_bind_get_fd(bind);
	pfds[0].events = POLLIN;
	while (!serve_stop) {
		if (serve_hup) {
			serve_hup = 0;
			log_reopen();
		}
		npfd = 1;
		for (i = 0; i < nkids; i++) {
			if (kids[i].fd < 0)
				continue;
			pfds[npfd].fd = kids[i].fd;
			pfds[npfd++].events = POLLIN;
		}
		if ((mfd = metrics_http_fd(serve_mh)) >= 0) {
			pfds[npfd].fd = mfd;
			pfds[npfd++].events = POLLIN;
		}
		if (poll(pfds, (nfds_t)npfd, 500) < 0)
			for (i = 0; i < npfd; i++)
				pfds[i].revents = 0;
		watch_kids(cfg, kids, nkids, pfds, npfd);
		if (pfds[0].revents & POLLIN)
			accept_one(cfg, bind, slots, kids, &nkids);
		reap(kids, &nkids);
		metrics_http_run(serve_mh);	/* also times idle ones out */
	}
	metrics_http_stop(serve_mh);
	serve_mh = NULL;
	metrics_app_free();
	serve_drain(cfg, bind, kids, nkids);
	ssh_finalize();
	return 0;
}
