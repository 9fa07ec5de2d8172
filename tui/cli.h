/*
 * cli.h: the admin commands of nyota-console (the README's "Admin
 * commands"): creator add, setup-code, export, import, backup. Each prints one clear line on error
 * and returns the exit status (0 ok, 1 failure, 2 usage).
 */
#ifndef NY_CLI_H
#define NY_CLI_H

#include "config.h"

/*
 * Runs the command in argv (argv[0] is the command name). Returns the
 * exit status: the command's, or 2 (usage printed to stderr) when argv
 * is not an admin command with its arguments.
 */
int	cli_run(const struct ny_config *cfg, int argc, char **argv);

#endif
