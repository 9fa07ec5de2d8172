/*
 * cli.h: the admin commands of nyota-console (DESIGN §3): creator add,
 * setup-code, export, import, backup. Each prints one clear line on error
 * and returns the exit status (0 ok, 1 failure, 2 usage).
 */
#ifndef NY_CLI_H
#define NY_CLI_H

#include "config.h"

/*
 * Runs the command in argv (argv[0] is the command name). Returns -1 when
 * argv[0] is not an admin command (the caller decides), else the exit
 * status.
 */
int	cli_run(const struct ny_config *cfg, int argc, char **argv);

/* Prints the usage line to stderr; returns 2. */
int	cli_usage(void);

#endif
