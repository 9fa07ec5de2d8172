/*
 * cli.h: the admin commands of nyota-console (the README's "Admin
 * commands"): creator add|list|check|disable|enable, invite, setup-code,
 * export, import, backup, order, help. Each prints one clear line on
 * error and returns the exit status (0 ok, 1 failure, 2 usage).
 */
#ifndef NY_CLI_H
#define NY_CLI_H

#include <stddef.h>
#include <stdint.h>

#include "config.h"

struct creator;

/* 1 when arg asks for the usage: "help", "--help" or "-h". */
int	cli_is_help(const char *arg);
/*
 * The usage asked for (help, --help, -h): every command and how options
 * are given, on stdout. Returns the exit status: 0 (1 if stdout failed).
 */
int	cli_help(void);

/*
 * The text of `creator list` in lang: a header line, then one line per
 * creator (cs, n of them; published[i] is cs[i]'s published products):
 * handle, name (cut at a word past 30 columns), language, status
 * (active, disabled, not enrolled), products, created (YYYY-MM-DD, UTC),
 * in columns aligned by display width, two spaces apart, no trailing
 * spaces. Caller frees.
 */
char	*cli_creator_table(const char *lang, const struct creator *cs,
	    const int64_t *published, size_t n);

/*
 * Runs the command in argv (argv[0] is the command name). Returns the
 * exit status: the command's, 0 after cli_help when an argument is
 * "--help", or 2 (usage printed to stderr) when argv is not an admin
 * command with its arguments.
 */
int	cli_run(const struct ny_config *cfg, int argc, char **argv);

#endif
