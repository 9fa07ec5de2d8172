/*
 * serve.c: the console's SSH listener. It owns no database connection
 * while it accepts: each connection is a forked process that opens its own
 * (a connection inherited across fork() corrupts SQLite's locks), so a
 * crash in one session never touches another or the listener.
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
#include <arpa/inet.h>
#include <netinet/in.h>
#include <unistd.h>

#include "app.h"
#include "console.h"
#include "creator.h"
#include "crypto.h"
#include "i18n.h"
#include "log.h"
#include "ssh-int.h"

#define SERVE_MAX_CHILDREN	256
static volatile sig_atomic_t serve_stop;

static void
serve_on_signal(int sig)
{
	(void)sig;
	serve_stop = 1;
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
	char code[SETUP_CODE_LEN];

	if (setup_code_get_or_create(db, code) != NY_OK)
		return;
	fprintf(stderr, "nyota: no creator enrolled yet. Setup code: %s\n"
	    "nyota: enrol with: ssh -p %d setup@HOST\n", code, cfg->ssh_port);
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
reap(pid_t *kids, int *nkids)
{
	pid_t pid;
	int st, i;

	while ((pid = waitpid(-1, &st, WNOHANG)) > 0) {
		for (i = 0; i < *nkids; i++) {
			if (kids[i] == pid) {
				kids[i] = kids[--*nkids];
				break;
			}
		}
	}
}

/* Accepts one connection and forks its process. */
static void
accept_one(const struct ny_config *cfg, ssh_bind bind,
    struct rate_slot *slots, pid_t *kids, int *nkids)
{
	ssh_session session = ssh_new();
	char addr[64];
	pid_t pid;

	if (ssh_bind_accept(bind, session) != SSH_OK) {
		log_warn("accept failed", "err=\"%s\"", ssh_get_error(bind));
		ssh_free(session);
		return;
	}
	peer_addr(session, addr, sizeof addr);
	if (!serve_rate_take(slots, addr, ny_now()) || *nkids >= SERVE_MAX_CHILDREN) {
		log_warn("ssh connection refused: rate limit", "addr=%s", addr);
		ssh_disconnect(session);
		ssh_free(session);
		return;
	}
	pid = fork();
	if (pid == 0) {
		signal(SIGTERM, SIG_DFL);
		signal(SIGINT, SIG_DFL);
		signal(SIGCHLD, SIG_DFL);
		ssh_bind_free(bind);
		_exit(ssh_conn_run(cfg, session, addr));
	}
	if (pid < 0)
		log_error("fork failed", "err=\"%s\"", strerror(errno));
	else
		kids[(*nkids)++] = pid;
	ssh_free(session);	/* the parent's copy: closes its socket */
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

static int
serve_init(const struct ny_config *cfg)
{
	char *cause = NULL;
	struct db *db;

	if (crypto_init(cfg->keys_dir, &cause) != NY_OK ||
	    i18n_load(&cause) != NY_OK) {
		fprintf(stderr, "nyota: %s\n", cause ? cause : "init failed");
		free(cause);
		return -1;
	}
	db = app_open(cfg);
	announce_setup(cfg, db);
	db_close(db);	/* never carried into the forked connections */
	return 0;
}

int
console_serve(const struct ny_config *cfg)
{
	struct rate_slot slots[RATE_SLOTS];
	pid_t kids[SERVE_MAX_CHILDREN];
	int nkids = 0, i;
	struct pollfd pfd;
	char *keypath;
	ssh_bind bind;

	umask(077);
	memset(slots, 0, sizeof slots);
	if (serve_init(cfg) != 0 || (keypath = host_key(cfg)) == NULL)
		return 1;
	ssh_init();
	bind = listen_on(cfg, keypath);
	free(keypath);
	if (bind == NULL)
		return 1;
	signal(SIGPIPE, SIG_IGN);
	signal(SIGTERM, serve_on_signal);
	signal(SIGINT, serve_on_signal);
	log_info("console listening", "addr=%s port=%d", cfg->ssh_addr,
	    cfg->ssh_port);
	pfd.fd = ssh_bind_get_fd(bind);
	pfd.events = POLLIN;
	while (!serve_stop) {
		if (poll(&pfd, 1, 500) > 0 && (pfd.revents & POLLIN))
			accept_one(cfg, bind, slots, kids, &nkids);
		reap(kids, &nkids);
	}
	for (i = 0; i < nkids; i++)
		kill(kids[i], SIGTERM);
	ssh_bind_free(bind);
	ssh_finalize();
	return 0;
}
