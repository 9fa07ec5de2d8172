/*
 * cli.c: the admin commands of nyota-console (DESIGN §3). They run as the
 * operator on the server, so they print to the terminal; errors are one
 * line "nyota: …" with exit status 1 (2 for usage).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "audit.h"
#include "catalog-io.h"
#include "cli.h"
#include "creator.h"
#include "crypto.h"
#include "product.h"
#include "qr.h"
#include "totp.h"

struct cli_cmd {
	const char	*name;
	const char	*sub;		/* second word, or NULL */
	int		 nargs;		/* positional arguments after the words */
	int		 crypto;	/* needs crypto_init */
	int		(*run)(const struct ny_config *, struct db *, char **,
			    int, char **);
};

int
cli_usage(void)
{
	fprintf(stderr, "usage: nyota-console [--name=value ...] "
	    "[serve | creator add HANDLE [--name=NAME] [--locale=en|sw] "
	    "[--reset] | creator list | creator check HANDLE CODE | invite | "
	    "setup-code | export FILE | "
	    "import FILE [--if-empty] | backup FILE]\n");
	return 2;
}

static int
cli_fail(const char *fmt, ...) NY_PRINTF(1, 2);

static int
cli_fail(const char *fmt, ...)
{
	va_list ap;

	fputs("nyota: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return 1;
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
	char *uri = totp_uri(handle, b32), *qr = NULL;

	printf("secret: %s\n", b32);
	printf("uri: %s\n", uri);
	if (qr_text(uri, QR_DARK_BG, &qr, NULL) == NY_OK) {
		printf("\nScan this with an authenticator app:\n\n%s\n", qr);
		free(qr);
	}
	printf("Log in with: ssh -p %d %s@HOST (the 6-digit code from the "
	    "app)\n", cfg->ssh_port, handle);
	free(uri);
}

static int
cli_creator_add(const struct ny_config *cfg, struct db *db, char **args,
    int nopts, char **opts)
{
	const char *handle = args[0], *name = cli_opt(opts, nopts, "--name");
	const char *locale = cli_opt(opts, nopts, "--locale");
	char b32[TOTP_B32_LEN];
	struct creator c;
	int64_t id = 0;
	int rc;

	if (!creator_handle_ok(handle))
		return cli_fail("invalid handle \"%s\": expected 2-32 characters "
		    "of a-z, 0-9, _ and -, starting with a letter (not setup "
		    "or invite)", handle);
	rc = creator_add(db, handle, name, locale, &id);
	if (rc == NY_EEXISTS) {
		/* Imported creators exist without a secret: enrol them. */
		if ((rc = creator_by_handle(db, handle, &c)) != NY_OK)
			return cli_fail("creator %s: %s", handle,
			    ny_strerror(rc));
		id = c.id;
		rc = c.enrolled && !cli_flag(opts, nopts, "--reset") ?
		    NY_EEXISTS : NY_OK;
		creator_free(&c);
		if (rc == NY_OK && (name != NULL || locale != NULL))
			rc = creator_update(db, id, name, NULL, locale);
		if (rc == NY_EEXISTS)
			return cli_fail("creator %s already exists and is "
			    "enrolled (--reset issues a new secret)", handle);
	}
	if (rc == NY_EINVAL)
		return cli_fail("invalid creator: --name must be at most %d "
		    "bytes of text, --locale en or sw", CREATOR_NAME_MAX);
	if (rc != NY_OK)
		return cli_fail("cannot add creator %s: %s", handle,
		    ny_strerror(rc));
	if ((rc = creator_enrol_secret(db, id, b32)) != NY_OK)
		return cli_fail("cannot store the secret: %s", ny_strerror(rc));
	audit_log(db, "cli", "creator.enrol", handle, NULL);
	printf("creator %s ready\n", handle);
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
	rc = creator_verify_code(db, args[0], args[1], ny_now());
	if (rc == NY_OK) {
		printf("code accepted for %s\n", args[0]);
		return 0;
	}
	if (rc == NY_EREPLAY)
		return cli_fail("code already used: wait for the next one");
	if (rc == NY_EDENIED)
		return cli_fail("code refused for %s", args[0]);
	return cli_fail("cannot check the code: %s", ny_strerror(rc));
}

static int
cli_creator_list(const struct ny_config *cfg, struct db *db, char **args,
    int nopts, char **opts)
{
	struct creator *cs;
	size_t n;
	int rc;

	(void)cfg; (void)args; (void)nopts; (void)opts;
	if ((rc = creator_list(db, &cs, &n)) != NY_OK)
		return cli_fail("cannot list creators: %s", ny_strerror(rc));
	for (size_t i = 0; i < n; i++)
		printf("%-32s %-8s %s%s\n", cs[i].handle,
		    cs[i].enrolled ? "enrolled" : "-", cs[i].display_name,
		    cs[i].disabled_at ? " (disabled)" : "");
	creator_list_free(cs, n);
	return 0;
}

static int
cli_invite(const struct ny_config *cfg, struct db *db, char **args,
    int nopts, char **opts)
{
	char code[INVITE_CODE_LEN], when[32];
	int64_t exp;
	int rc;

	(void)args; (void)nopts; (void)opts;
	if ((rc = invite_create(db, 0, code, &exp)) != NY_OK)
		return cli_fail("cannot create an invite: %s", ny_strerror(rc));
	audit_log(db, "cli", "invite.create", NULL, NULL);
	ny_iso8601(exp, when, sizeof when);
	printf("invite code: %s (valid until %s)\n", code, when);
	printf("The new creator enrols with: ssh -p %d invite@HOST\n",
	    cfg->ssh_port);
	return 0;
}

static int
cli_setup_code(const struct ny_config *cfg, struct db *db, char **args,
    int nopts, char **opts)
{
	char code[SETUP_CODE_LEN];
	int rc;

	(void)args; (void)nopts; (void)opts;
	rc = setup_code_get_or_create(db, code);
	if (rc == NY_ESTATE)
		return cli_fail("a creator is already enrolled: add more with "
		    "`nyota-console creator add HANDLE` or an invite");
	if (rc != NY_OK)
		return cli_fail("cannot make a setup code: %s", ny_strerror(rc));
	printf("setup code: %s\n", code);
	printf("Enrol the first creator with: ssh -p %d setup@HOST\n",
	    cfg->ssh_port);
	return 0;
}

static int
cli_export(const struct ny_config *cfg, struct db *db, char **args,
    int nopts, char **opts)
{
	struct catalog_counts n;
	char *cause = NULL;

	(void)nopts; (void)opts;
	if (catalog_export(db, cfg->data_dir, args[0], &n, &cause) != NY_OK) {
		cli_fail("export failed: %s", cause);
		free(cause);
		return 1;
	}
	printf("exported %zu creators, %zu products, %zu files to %s\n",
	    n.creators, n.products, n.files, args[0]);
	return 0;
}

static int
cli_import(const struct ny_config *cfg, struct db *db, char **args,
    int nopts, char **opts)
{
	struct catalog_counts n;
	char *cause = NULL, detail[64];
	int64_t have = 0;

	if (cli_flag(opts, nopts, "--if-empty")) {
		if (product_count(db, &have) != NY_OK)
			return cli_fail("cannot read the catalog");
		if (have > 0) {
			printf("catalog has %lld products: import skipped\n",
			    (long long)have);
			return 0;
		}
	}
	if (catalog_import(db, cfg->data_dir, args[0], &n, &cause) != NY_OK) {
		cli_fail("import refused, nothing changed: %s", cause);
		free(cause);
		return 1;
	}
	if (n.changes > 0) {
		snprintf(detail, sizeof detail, "%zu changes", n.changes);
		audit_log(db, "cli", "catalog.import", detail, NULL);
	}
	printf("imported %zu creators, %zu products, %zu files from %s "
	    "(%zu rows changed)\n", n.creators, n.products, n.files, args[0],
	    n.changes);
	return 0;
}

static int
cli_backup(const struct ny_config *cfg, struct db *db, char **args,
    int nopts, char **opts)
{
	char *cause = NULL;

	(void)cfg; (void)nopts; (void)opts;
	if (db_backup(db, args[0], &cause) != NY_OK) {
		cli_fail("backup failed: %s", cause);
		free(cause);
		return 1;
	}
	printf("backup written to %s (keep %s/ safe too: without master.key "
	    "the TOTP secrets cannot be opened)\n", args[0], cfg->keys_dir);
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

/* Splits argv after the command words into positionals and --options. */
static int
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
			return -1;
	}
	return 0;
}

int
cli_run(const struct ny_config *cfg, int argc, char **argv)
{
	const struct cli_cmd *c = NULL;
	char *pos[2], *opts[16], *cause = NULL;
	int words, npos, nopts, rc;
	struct db *db;

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
		return strcmp(argv[0], "creator") == 0 ? cli_usage() : -1;
	words = c->sub ? 2 : 1;
	if (argc - words > 16 || cli_split(argc - words, argv + words, pos,
	    c->nargs, &npos, opts, &nopts) != 0 || npos != c->nargs)
		return cli_usage();
	if (c->crypto && (ny_mkdirs(cfg->keys_dir, 0700) != NY_OK ||
	    crypto_init(cfg->keys_dir, &cause) != NY_OK)) {
		rc = cli_fail("%s: %s", cfg->keys_dir, cause ? cause :
		    "cannot create the keys folder");
		free(cause);
		return rc;
	}
	db = app_open(cfg);
	rc = c->run(cfg, db, pos, nopts, opts);
	db_close(db);
	return rc;
}
