/*
 * cli.c: the admin commands of nyota-console (the README's "Admin
 * commands" is their contract). They run as the operator on the server,
 * so they print to the terminal; errors are one line "nyota: …" with
 * exit status 1 (2 for usage).
 *
 * Human-facing text comes from locales/ (keys cli.*) in the operator's
 * language: i18n_env_lang (LC_ALL, LC_MESSAGES, LANG; "sw…" → Swahili).
 * Lines that programs read stay the same in every language: "secret: ",
 * "uri: ", "setup code: ", "invite code: ", and the export JSON.
 */
#include <locale.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "app.h"
#include "audit.h"
#include "backup.h"
#include "catalog-io.h"
#include "cli.h"
#include "cli-order.h"
#include "creator.h"
#include "creator-enrol.h"
#include "creator-secret.h"
#include "crypto.h"
#include "i18n.h"
#include "invite.h"
#include "product.h"
#include "qr.h"
#include "restore.h"
#include "setup-code.h"
#include "totp.h"
#include "ui.h"

struct cli_cmd {
	const char	*name;
	const char	*sub;		/* second word, or NULL */
	int		 nargs;		/* positional arguments after the words */
	int		 crypto;	/* needs crypto_init */
	int		(*run)(const struct ny_config *, struct db *, char **,
			    int, char **);
};

/*
 * The operator's language; loads the embedded locales the first time.
 * They are built in, so failing to load them is a broken build: one line
 * and exit 1.
 */
static const char *
cli_lang(void)
{
	static const char *lang;
	char *cause = NULL;

	if (lang == NULL) {
		if (i18n_load(&cause) != NY_OK) {
			fprintf(stderr, "nyota: locales: %s\n", cause);
			free(cause);
			exit(1);
		}
		lang = i18n_env_lang();
	}
	return lang;
}

/* Prints key (name, value, …, NULL placeholders) and a newline to f. */
static void
cli_vput(FILE *f, const char *prefix, const char *key, va_list ap)
{
	char *s = i18n_vfmt(cli_lang(), key, ap);

	fprintf(f, "%s%s\n", prefix, s);
	free(s);
}

static void	cli_say(const char *key, ...) __attribute__((sentinel));
static int	cli_fail(const char *key, ...) __attribute__((sentinel));
static void	cli_say_n(const char *key, long long n, ...)
		    __attribute__((sentinel));

/* Prints key with its placeholders (name, value, …, NULL) to stdout. */
static void
cli_say(const char *key, ...)
{
	va_list ap;

	va_start(ap, key);
	cli_vput(stdout, "", key, ap);
	va_end(ap);
}

/* cli_say of key's plural form for n (i18n_fmt_n). */
static void
cli_say_n(const char *key, long long n, ...)
{
	va_list ap;
	char *s;

	va_start(ap, n);
	s = i18n_vfmt_n(cli_lang(), key, n, ap);
	va_end(ap);
	printf("%s\n", s);
	free(s);
}

/* "1 creator", "2 creators": key's plural form for n with {n} (frees). */
static char *
cli_count(const char *key, size_t n)
{
	char fig[24];

	snprintf(fig, sizeof fig, "%zu", n);
	return i18n_fmt_n(cli_lang(), key, (long long)n, "n", fig, NULL);
}

/* The one-line error "nyota: <key rendered>" on stderr; returns 1. */
static int
cli_fail(const char *key, ...)
{
	va_list ap;

	va_start(ap, key);
	cli_vput(stderr, "nyota: ", key, ap);
	va_end(ap);
	return 1;
}

/* The usage lines (every command) to f. */
static void
cli_usage_to(FILE *f)
{
	fprintf(f, "%s\n", i18n_get(cli_lang(), "cli.usage"));
	fprintf(f, "%s\n", i18n_get(cli_lang(), "cli.usage.order"));
}

/* A usage mistake: the usage to stderr; returns 2, the usage status. */
static int
cli_usage(void)
{
	cli_usage_to(stderr);
	return 2;
}

int
cli_is_help(const char *arg)
{
	return strcmp(arg, "help") == 0 || strcmp(arg, "--help") == 0 ||
	    strcmp(arg, "-h") == 0;
}

int
cli_help(void)
{
	/* Asked for, so it is the answer: stdout (pipes into a pager), 0. */
	cli_usage_to(stdout);
	printf("%s\n", i18n_get(cli_lang(), "cli.usage.options"));
	return fflush(stdout) == 0 ? 0 : 1;
}

/* Finds --key=value among opts; NULL when absent. */
static const char *
cli_opt(char **opts, int nopts, const char *key)
{
	size_t n = strlen(key);

	for (int i = 0; i < nopts; i++)
		if (strncmp(opts[i], key, n) == 0 && opts[i][n] == '=')
			return opts[i] + n + 1;
	return NULL;
}

static int
cli_flag(char **opts, int nopts, const char *key)
{
	for (int i = 0; i < nopts; i++)
		if (strcmp(opts[i], key) == 0)
			return 1;
	return 0;
}

/* Prints the secret, the otpauth URI and the QR code. */
static void
cli_print_secret(const struct ny_config *cfg, const char *handle,
    const char *b32)
{
	char *uri = totp_uri(handle, b32), *qr = NULL, cmd[200];

	printf("secret: %s\n", b32);
	printf("uri: %s\n", uri);
	if (qr_text(uri, QR_DARK_BG, &qr, NULL) == NY_OK) {
		printf("\n%s\n\n%s\n", i18n_get(cli_lang(), "cli.add.scan"), qr);
		free(qr);
	}
	ui_ssh_cmd(cfg, handle, cmd, sizeof cmd);
	cli_say("cli.add.login", "cmd", cmd, NULL);
	free(uri);
}

static int
cli_creator_add(const struct ny_config *cfg, struct db *db, char **args,
    int nopts, char **opts)
{
	const char *handle = args[0], *name = cli_opt(opts, nopts, "--name");
	const char *locale = cli_opt(opts, nopts, "--locale");
	char b32[TOTP_B32_LEN], max[16];
	struct creator c;
	int64_t id = 0;
	int rc;

	if (!creator_handle_ok(handle))
		return cli_fail("cli.err.handle", "handle", handle, NULL);
	rc = creator_add(db, handle, name, locale, &id);
	if (rc == NY_EEXISTS) {
		/* Imported creators exist without a secret: enrol them. */
		if ((rc = creator_by_handle(db, handle, &c)) != NY_OK)
			return cli_fail("cli.err.creator", "handle", handle,
			    "cause", ny_strerror(rc), NULL);
		id = c.id;
		rc = c.enrolled && !cli_flag(opts, nopts, "--reset") ?
		    NY_EEXISTS : NY_OK;
		creator_free(&c);
		if (rc == NY_OK && (name != NULL || locale != NULL))
			rc = creator_update(db, id, name, NULL, locale);
		if (rc == NY_EEXISTS)
			return cli_fail("cli.err.enrolled", "handle", handle,
			    NULL);
	}
	if (rc == NY_EINVAL) {
		snprintf(max, sizeof max, "%d", CREATOR_NAME_MAX);
		return cli_fail("cli.err.invalid", "max", max, NULL);
	}
	if (rc != NY_OK)
		return cli_fail("cli.err.add", "handle", handle, "cause",
		    ny_strerror(rc), NULL);
	if ((rc = creator_enrol_secret(db, id, b32)) != NY_OK)
		return cli_fail("cli.err.secret", "cause", ny_strerror(rc),
		    NULL);
	audit_log_for(db, id, "cli", "creator.enrol", handle, NULL);
	cli_say("cli.add.ready", "handle", handle, NULL);
	cli_print_secret(cfg, handle, b32);
	return 0;
}

/* Checks a code like the SSH login does (and uses it up: replay refused). */
static int
cli_creator_check(const struct ny_config *cfg, struct db *db, char **args,
    int nopts, char **opts)
{
	int rc;

	(void)cfg; (void)nopts; (void)opts;
	rc = creator_secret_verify(db, args[0], args[1], ny_now());
	if (rc == NY_OK) {
		cli_say("cli.check.ok", "handle", args[0], NULL);
		return 0;
	}
	if (rc == NY_EREPLAY)
		return cli_fail("cli.err.replay", NULL);
	if (rc == NY_EDENIED)
		return cli_fail("cli.err.denied", "handle", args[0], NULL);
	return cli_fail("cli.err.check", "cause", ny_strerror(rc), NULL);
}

/* Right-aligned columns (figures); the others are left-aligned. */
#define CLI_COL_RIGHT(i)	((i) == 4)
#define CLI_NCOLS		6
#define CLI_NAME_COLS		30	/* longer: cut at a word */

/* Appends s and pad spaces to b. */
static void
cli_pad(struct ny_buf *b, const char *s, int pad, int right)
{
	if (!right)
		buf_adds(b, s);
	for (int i = 0; i < pad; i++)
		buf_add(b, " ", 1);
	if (right)
		buf_adds(b, s);
}

char *
cli_creator_table(const char *lang, const struct creator *cs,
    const int64_t *published, size_t n)
{
	static const char *const heads[CLI_NCOLS] = {
		"cli.list.h.handle", "cli.list.h.name", "cli.list.h.lang",
		"cli.list.h.status", "cli.list.h.products", "cli.list.h.created"
	};
	char *(*cell)[CLI_NCOLS] = xcalloc(n + 1, sizeof *cell);
	int width[CLI_NCOLS] = { 0 };
	char name[4 * CLI_NAME_COLS + 8], when[32], count[24];
	const char *status;
	struct ny_buf b;

	for (int j = 0; j < CLI_NCOLS; j++)
		cell[0][j] = xstrdup(i18n_get(lang, heads[j]));
	for (size_t i = 0; i < n; i++) {
		const struct creator *c = &cs[i];

		/* Disabled outranks not enrolled: it is what the operator
		 * did, and what keeps the creator out either way. */
		status = c->disabled_at ? "cli.list.disabled" : !c->enrolled ?
		    "cli.list.not_enrolled" : "cli.list.active";
		ui_cut(c->display_name[0] ? c->display_name : "-",
		    CLI_NAME_COLS, name, sizeof name);
		ny_iso8601(c->created_at, when, sizeof when);
		when[10] = '\0';	/* the day: YYYY-MM-DD (UTC) */
		snprintf(count, sizeof count, "%lld", (long long)published[i]);
		cell[i + 1][0] = xstrdup(c->handle);
		cell[i + 1][1] = xstrdup(name);
		cell[i + 1][2] = xstrdup(c->locale);
		cell[i + 1][3] = xstrdup(i18n_get(lang, status));
		cell[i + 1][4] = xstrdup(count);
		cell[i + 1][5] = xstrdup(when);
	}
	/* Columns as wide as their widest cell on the screen (display
	 * width: a Swahili or accented name lines up like an ASCII one). */
	for (size_t i = 0; i <= n; i++)
		for (int j = 0; j < CLI_NCOLS; j++)
			if (ui_width(cell[i][j]) > width[j])
				width[j] = ui_width(cell[i][j]);
	buf_init(&b, 0);
	for (size_t i = 0; i <= n; i++) {
		for (int j = 0; j < CLI_NCOLS; j++) {
			int last = j == CLI_NCOLS - 1;
			int pad = width[j] - ui_width(cell[i][j]);

			/* No spaces at the end of a line. */
			cli_pad(&b, cell[i][j], last && !CLI_COL_RIGHT(j) ?
			    0 : pad, CLI_COL_RIGHT(j));
			buf_adds(&b, last ? "\n" : "  ");
			free(cell[i][j]);
		}
	}
	free(cell);
	return buf_steal(&b, NULL);
}

/*
 * creator list: a header line, then one aligned row per creator (see
 * cli_creator_table). Widths are display columns of UTF-8 text, whatever
 * the operator's locale says about the terminal.
 */
static int
cli_creator_list(const struct ny_config *cfg, struct db *db, char **args,
    int nopts, char **opts)
{
	struct creator *cs;
	int64_t *published;
	char *table;
	size_t n;
	int rc;

	(void)cfg; (void)args; (void)nopts; (void)opts;
	if ((rc = creator_list(db, &cs, &n)) != NY_OK) {
		creator_list_free(cs, n);
		return cli_fail("cli.err.list", "cause", ny_strerror(rc), NULL);
	}
	published = xcalloc(n + 1, sizeof *published);
	for (size_t i = 0; i < n && rc == NY_OK; i++)
		rc = creator_published_count(db, cs[i].id, &published[i]);
	if (rc != NY_OK) {
		free(published);
		creator_list_free(cs, n);
		return cli_fail("cli.err.list", "cause", ny_strerror(rc), NULL);
	}
	/* Names are UTF-8 in the database: measure them as such, whatever
	 * the operator's LANG (C.UTF-8 is built into glibc ≥ 2.35). */
	if (setlocale(LC_CTYPE, "C.UTF-8") == NULL)
		setlocale(LC_CTYPE, "");
	table = cli_creator_table(cli_lang(), cs, published, n);
	fputs(table, stdout);
	free(table);
	free(published);
	creator_list_free(cs, n);
	return 0;
}

/*
 * creator disable|enable HANDLE: off = 1 disables. Says what happened,
 * or that it already was so (exit 0 both: the state asked for holds).
 */
static int
cli_creator_switch(struct db *db, const char *handle, int off)
{
	struct creator c;
	int rc, changed = 0;

	rc = creator_by_handle(db, handle, &c);
	if (rc == NY_ENOTFOUND)
		return cli_fail("cli.err.no_creator", "handle", handle, NULL);
	if (rc != NY_OK)
		return cli_fail("cli.err.creator", "handle", handle, "cause",
		    ny_strerror(rc), NULL);
	rc = creator_set_disabled_as(db, c.id, off, "cli", &changed);
	creator_free(&c);
	if (rc != NY_OK)
		return cli_fail("cli.err.creator", "handle", handle, "cause",
		    ny_strerror(rc), NULL);
	if (!changed)
		cli_say(off ? "cli.disable.already" : "cli.enable.already",
		    "handle", handle, NULL);
	else
		cli_say(off ? "cli.disable.done" : "cli.enable.done",
		    "handle", handle, NULL);
	return 0;
}

static int
cli_creator_disable(const struct ny_config *cfg, struct db *db, char **args,
    int nopts, char **opts)
{
	(void)cfg; (void)nopts; (void)opts;
	return cli_creator_switch(db, args[0], 1);
}

static int
cli_creator_enable(const struct ny_config *cfg, struct db *db, char **args,
    int nopts, char **opts)
{
	(void)cfg; (void)nopts; (void)opts;
	return cli_creator_switch(db, args[0], 0);
}

static int
cli_invite(const struct ny_config *cfg, struct db *db, char **args,
    int nopts, char **opts)
{
	char code[INVITE_CODE_LEN], when[32], cmd[200];
	int64_t exp;
	int rc;

	(void)args; (void)nopts; (void)opts;
	if ((rc = invite_create(db, 0, code, &exp)) != NY_OK)
		return cli_fail("cli.err.invite", "cause", ny_strerror(rc),
		    NULL);
	audit_log(db, "cli", "invite.create", NULL, NULL);
	ny_iso8601(exp, when, sizeof when);
	ui_ssh_cmd(cfg, "invite", cmd, sizeof cmd);
	printf("invite code: %s\n", code);
	cli_say("cli.invite.enrol", "when", when, "cmd", cmd, NULL);
	return 0;
}

static int
cli_setup_code(const struct ny_config *cfg, struct db *db, char **args,
    int nopts, char **opts)
{
	char code[SETUP_CODE_LEN], cmd[200];
	int rc;

	(void)args; (void)nopts; (void)opts;
	rc = setup_code_get_or_create(db, code);
	if (rc == NY_ESTATE)
		return cli_fail("cli.err.setup_enrolled", NULL);
	if (rc != NY_OK)
		return cli_fail("cli.err.setup", "cause", ny_strerror(rc), NULL);
	ui_ssh_cmd(cfg, "setup", cmd, sizeof cmd);
	printf("setup code: %s\n", code);
	cli_say("cli.setup.enrol", "cmd", cmd, NULL);
	return 0;
}

static int
cli_export(const struct ny_config *cfg, struct db *db, char **args,
    int nopts, char **opts)
{
	struct catalog_counts n;
	char *cause = NULL, *nc, *np, *nf;

	(void)nopts; (void)opts;
	if (catalog_export(db, cfg->data_dir, args[0], &n, &cause) != NY_OK) {
		cli_fail("cli.err.export", "cause", cause, NULL);
		free(cause);
		return 1;
	}
	nc = cli_count("cli.n.creators", n.creators);
	np = cli_count("cli.n.products", n.products);
	nf = cli_count("cli.n.files", n.files);
	cli_say("cli.export.done", "creators", nc, "products", np, "files", nf,
	    "file", args[0], NULL);
	free(nc);
	free(np);
	free(nf);
	return 0;
}

static int
cli_import(const struct ny_config *cfg, struct db *db, char **args,
    int nopts, char **opts)
{
	struct catalog_counts n;
	char *cause = NULL, *nc, *pc, *nf, *nch, detail[64], np[24];
	int64_t have = 0;

	if (cli_flag(opts, nopts, "--if-empty")) {
		if (product_count(db, &have) != NY_OK)
			return cli_fail("cli.err.catalog", NULL);
		if (have > 0) {
			snprintf(np, sizeof np, "%lld", (long long)have);
			cli_say_n("cli.import.skipped", have, "n", np, NULL);
			return 0;
		}
	}
	/* The operator runs it with the shop's environment: a product it
	 * publishes must be payable with the configured methods. */
	if (catalog_import_pay(db, cfg->data_dir, args[0], cfg->payments, &n,
	    &cause) != NY_OK) {
		cli_fail("cli.err.import", "cause", cause, NULL);
		free(cause);
		return 1;
	}
	if (n.changes > 0) {
		snprintf(detail, sizeof detail, "%zu changes", n.changes);
		audit_log(db, "cli", "catalog.import", detail, NULL);
	}
	nc = cli_count("cli.n.creators", n.creators);
	pc = cli_count("cli.n.products", n.products);
	nf = cli_count("cli.n.files", n.files);
	nch = cli_count("cli.n.changes", n.changes);
	cli_say("cli.import.done", "creators", nc, "products", pc, "files", nf,
	    "file", args[0], "changes", nch, NULL);
	free(nc);
	free(pc);
	free(nf);
	free(nch);
	return 0;
}

/* The shared lock of DATA_DIR/nyota.lock: no backup while a restore runs. */
static int
cli_share_lock(const struct ny_config *cfg, int *fd)
{
	char *cause = NULL;
	enum ny_err rc;

	(void)ny_mkdirs(cfg->data_dir, 0700);
	if ((rc = backup_lock(cfg->data_dir, 0, fd, &cause)) == NY_OK)
		return 0;
	if (rc == NY_EBUSY)
		cli_fail("cli.err.restoring", "dir", cfg->data_dir, NULL);
	else
		cli_fail("cli.err.backup", "cause", cause, NULL);
	free(cause);
	return 1;
}

/*
 * backup FILE | backup --keep K DIR (also --keep=K): the option takes its
 * value apart, so it is parsed here rather than by cli_split.
 */
static int
cli_backup(const struct ny_config *cfg, int argc, char **argv)
{
	struct backup_result res;
	const char *keep = NULL, *to = NULL;
	char *cause = NULL, size[32], nc[24], nr[24];
	int64_t k = 0, bytes = 0;
	enum ny_err rc;
	struct db *db;
	int i, fd;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--keep") == 0 && i + 1 < argc)
			keep = argv[++i];
		else if (strncmp(argv[i], "--keep=", 7) == 0)
			keep = argv[i] + 7;
		else if (strncmp(argv[i], "--", 2) == 0 || to != NULL)
			return cli_usage();
		else
			to = argv[i];
	}
	if (to == NULL)
		return cli_usage();
	if (keep != NULL && ny_parse_int(keep, 1, BACKUP_KEEP_MAX, &k) != NY_OK)
		return cli_fail("cli.err.keep", "keep", keep, NULL);
	if (cli_share_lock(cfg, &fd) != 0)
		return 1;
	db = app_open(cfg);
	if (keep == NULL)
		rc = backup_file(db, to, &bytes, &cause);
	else
		rc = backup_dir(db, cfg->data_dir, to, (int)k, &res, &cause);
	db_close(db);
	close(fd);
	if (rc != NY_OK) {
		cli_fail("cli.err.backup", "cause", cause, NULL);
		free(cause);
		return 1;
	}
	if (keep == NULL) {
		cli_say("cli.backup.done", "file", to, "keys", cfg->keys_dir,
		    NULL);
		return 0;
	}
	ui_human_size(res.size, size, sizeof size);
	snprintf(nc, sizeof nc, "%zu", res.copied);
	snprintf(nr, sizeof nr, "%zu", res.removed);
	cli_say("cli.backup.kept", "file", res.file, "size", size, "copied",
	    nc, "removed", nr, "keys", cfg->keys_dir, NULL);
	backup_result_free(&res);
	return 0;
}

/* restore FILE: never through app_open, which would make a database. */
static int
cli_restore(const struct ny_config *cfg, int argc, char **argv)
{
	struct restore_result res;
	char *cause = NULL, *files, n[24], v[24], ours[24];
	enum ny_err rc;

	if (argc != 2 || strncmp(argv[1], "--", 2) == 0)
		return cli_usage();
	rc = restore_run(cfg->data_dir, cfg->db_path, argv[1], &res, &cause);
	snprintf(v, sizeof v, "%d", res.version);
	snprintf(ours, sizeof ours, "%d", db_schema_version());
	if (rc == NY_EBUSY)
		cli_fail("cli.err.restore_running", "dir", cfg->data_dir, NULL);
	else if (rc == NY_ETOONEW)
		cli_fail("cli.err.restore_newer", "file", argv[1], "version", v,
		    "ours", ours, NULL);
	else if (rc != NY_OK && !res.placed && res.kept == NULL)
		cli_fail("cli.err.restore_bad", "cause", cause, NULL);
	else if (rc != NY_OK) {
		cli_fail("cli.err.restore", "cause", cause, NULL);
		if (res.kept != NULL)
			cli_fail("cli.restore.kept", "kept", res.kept, NULL);
	}
	free(cause);
	if (rc != NY_OK) {
		restore_result_free(&res);
		return 1;
	}
	snprintf(n, sizeof n, "%zu", res.copied);
	cli_say("cli.restore.done", "file", argv[1], "db", cfg->db_path,
	    "version", v, "copied", n, NULL);
	if (res.kept != NULL)
		cli_say("cli.restore.kept", "kept", res.kept, NULL);
	if (res.missing > 0) {
		files = xasprintf("%s/files", cfg->data_dir);
		snprintf(n, sizeof n, "%zu", res.missing);
		cli_say("cli.restore.missing", "n", n, "files", files, NULL);
		free(files);
	}
	cli_say("cli.restore.keys", "keys", cfg->keys_dir, NULL);
	restore_result_free(&res);
	return 0;
}

static const struct cli_cmd cli_cmds[] = {
	{ "creator", "add", 1, 1, cli_creator_add },
	{ "creator", "list", 0, 0, cli_creator_list },
	{ "creator", "check", 2, 1, cli_creator_check },
	{ "creator", "disable", 1, 0, cli_creator_disable },
	{ "creator", "enable", 1, 0, cli_creator_enable },
	{ "invite", NULL, 0, 1, cli_invite },
	{ "setup-code", NULL, 0, 1, cli_setup_code },
	{ "export", NULL, 1, 0, cli_export },
	{ "import", NULL, 1, 0, cli_import },
};

/*
 * Splits argv after the command words into positionals (at most maxpos)
 * and --options (opts has room for argc). NY_EINVAL when there are more
 * positionals than maxpos.
 */
static enum ny_err
cli_split(int argc, char **argv, char **pos, int maxpos, int *npos,
    char **opts, int *nopts)
{
	*npos = *nopts = 0;
	for (int i = 0; i < argc; i++) {
		if (strncmp(argv[i], "--", 2) == 0)
			opts[(*nopts)++] = argv[i];
		else if (*npos < maxpos)
			pos[(*npos)++] = argv[i];
		else
			return NY_EINVAL;
	}
	return NY_OK;
}

int
cli_run(const struct ny_config *cfg, int argc, char **argv)
{
	const struct cli_cmd *c = NULL;
	char *pos[2], *opts[16], *cause = NULL;
	int words, npos, nopts, rc, lock;
	struct db *db;

	/* `creator add --help` asks how, it does not add "--help". */
	for (int i = 0; i < argc; i++)
		if (strcmp(argv[i], "--help") == 0)
			return cli_help();
	/* order show|refund: options with their value apart (cli-order.c);
	 * like every command that opens the database, never beside a
	 * restore (a refund written into a database being replaced). */
	if (strcmp(argv[0], "order") == 0) {
		if (cli_share_lock(cfg, &lock) != 0)
			return 1;
		rc = cli_order_run(cfg, argc, argv);
		close(lock);
		return rc;
	}
	/* backup --keep K DIR, restore FILE: their own parsing and locks. */
	if (strcmp(argv[0], "backup") == 0)
		return cli_backup(cfg, argc, argv);
	if (strcmp(argv[0], "restore") == 0)
		return cli_restore(cfg, argc, argv);
	for (size_t i = 0; i < sizeof cli_cmds / sizeof cli_cmds[0]; i++) {
		if (strcmp(cli_cmds[i].name, argv[0]) != 0)
			continue;
		if (cli_cmds[i].sub == NULL || (argc > 1 &&
		    strcmp(cli_cmds[i].sub, argv[1]) == 0)) {
			c = &cli_cmds[i];
			break;
		}
	}
	if (c == NULL)
		return cli_usage();
	words = c->sub ? 2 : 1;
	if (argc - words > 16 || cli_split(argc - words, argv + words, pos,
	    c->nargs, &npos, opts, &nopts) != NY_OK || npos != c->nargs)
		return cli_usage();
	/* No admin command writes beside a restore (shared with servers). */
	if (cli_share_lock(cfg, &lock) != 0)
		return 1;
	/* Folders first (created, made private: a loose key is fixed with a
	 * warning, not refused), then the keys are read. */
	db = app_open(cfg);
	if (c->crypto && crypto_init(cfg->keys_dir, &cause) != NY_OK) {
		fprintf(stderr, "nyota: %s: %s\n", cfg->keys_dir, cause ? cause :
		    i18n_get(cli_lang(), "cli.err.keys_dir"));
		free(cause);
		db_close(db);
		close(lock);
		return 1;
	}
	rc = c->run(cfg, db, pos, nopts, opts);
	db_close(db);
	close(lock);
	return rc;
}
