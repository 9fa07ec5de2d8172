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
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "audit.h"
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

/* Prints key with its placeholders (name, value, …, NULL) to stdout. */
static void
cli_say(const char *key, ...)
{
	va_list ap;

	va_start(ap, key);
	cli_vput(stdout, "", key, ap);
	va_end(ap);
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

/* Prints the usage line to stderr; returns 2, the usage exit status. */
static int
cli_usage(void)
{
	fprintf(stderr, "%s\n", i18n_get(cli_lang(), "cli.usage"));
	fprintf(stderr, "%s\n", i18n_get(cli_lang(), "cli.usage.order"));
	return 2;
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
	audit_log(db, "cli", "creator.enrol", handle, NULL);
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

static int
cli_creator_list(const struct ny_config *cfg, struct db *db, char **args,
    int nopts, char **opts)
{
	const char *lang = cli_lang();
	const char *enrolled = i18n_get(lang, "cli.list.enrolled");
	const char *disabled = i18n_get(lang, "cli.list.disabled");
	struct creator *cs;
	size_t n;
	int rc, w;

	(void)cfg; (void)args; (void)nopts; (void)opts;
	if ((rc = creator_list(db, &cs, &n)) != NY_OK)
		return cli_fail("cli.err.list", "cause", ny_strerror(rc), NULL);
	w = (int)strlen(enrolled);
	for (size_t i = 0; i < n; i++)
		printf("%-32s %-*s %s%s%s\n", cs[i].handle, w,
		    cs[i].enrolled ? enrolled : "-", cs[i].display_name,
		    cs[i].disabled_at ? " " : "",
		    cs[i].disabled_at ? disabled : "");
	creator_list_free(cs, n);
	return 0;
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
	char *cause = NULL, nc[24], np[24], nf[24];

	(void)nopts; (void)opts;
	if (catalog_export(db, cfg->data_dir, args[0], &n, &cause) != NY_OK) {
		cli_fail("cli.err.export", "cause", cause, NULL);
		free(cause);
		return 1;
	}
	snprintf(nc, sizeof nc, "%zu", n.creators);
	snprintf(np, sizeof np, "%zu", n.products);
	snprintf(nf, sizeof nf, "%zu", n.files);
	cli_say("cli.export.done", "creators", nc, "products", np, "files", nf,
	    "file", args[0], NULL);
	return 0;
}

static int
cli_import(const struct ny_config *cfg, struct db *db, char **args,
    int nopts, char **opts)
{
	struct catalog_counts n;
	char *cause = NULL, detail[64], nc[24], np[24], nf[24], nch[24];
	int64_t have = 0;

	if (cli_flag(opts, nopts, "--if-empty")) {
		if (product_count(db, &have) != NY_OK)
			return cli_fail("cli.err.catalog", NULL);
		if (have > 0) {
			snprintf(np, sizeof np, "%lld", (long long)have);
			cli_say("cli.import.skipped", "n", np, NULL);
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
	snprintf(nc, sizeof nc, "%zu", n.creators);
	snprintf(np, sizeof np, "%zu", n.products);
	snprintf(nf, sizeof nf, "%zu", n.files);
	snprintf(nch, sizeof nch, "%zu", n.changes);
	cli_say("cli.import.done", "creators", nc, "products", np, "files", nf,
	    "file", args[0], "changes", nch, NULL);
	return 0;
}

static int
cli_backup(const struct ny_config *cfg, struct db *db, char **args,
    int nopts, char **opts)
{
	char *cause = NULL;

	(void)cfg; (void)nopts; (void)opts;
	if (db_backup(db, args[0], &cause) != NY_OK) {
		cli_fail("cli.err.backup", "cause", cause, NULL);
		free(cause);
		return 1;
	}
	cli_say("cli.backup.done", "file", args[0], "keys", cfg->keys_dir,
	    NULL);
	return 0;
}

static const struct cli_cmd cli_cmds[] = {
	{ "creator", "add", 1, 1, cli_creator_add },
	{ "creator", "list", 0, 0, cli_creator_list },
	{ "creator", "check", 2, 1, cli_creator_check },
	{ "invite", NULL, 0, 1, cli_invite },
	{ "setup-code", NULL, 0, 1, cli_setup_code },
	{ "export", NULL, 1, 0, cli_export },
	{ "import", NULL, 1, 0, cli_import },
	{ "backup", NULL, 1, 0, cli_backup },
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
	int words, npos, nopts, rc;
	struct db *db;

	/* order show|refund: options with their value apart (cli-order.c). */
	if (strcmp(argv[0], "order") == 0)
		return cli_order_run(cfg, argc, argv);
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
	/* Folders first (created, made private: a loose key is fixed with a
	 * warning, not refused), then the keys are read. */
	db = app_open(cfg);
	if (c->crypto && crypto_init(cfg->keys_dir, &cause) != NY_OK) {
		fprintf(stderr, "nyota: %s: %s\n", cfg->keys_dir, cause ? cause :
		    i18n_get(cli_lang(), "cli.err.keys_dir"));
		free(cause);
		db_close(db);
		return 1;
	}
	rc = c->run(cfg, db, pos, nopts, opts);
	db_close(db);
	return rc;
}
