/*
 * nyota-console: the creators' SSH console (`serve`, the default) and the
 * admin commands (tui/cli.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "app.h"
#include "cli.h"
#include "console.h"

int
main(int argc, char **argv)
{
	struct ny_config cfg;
	int i, n, rc;

	/* Help first, before the configuration is read: `--help` is not
	 * an unknown option, and a broken environment still gets it. */
	for (i = 1; i < argc && strncmp(argv[i], "--", 2) == 0 &&
	    !cli_is_help(argv[i]); i++)
		;
	if (i < argc && cli_is_help(argv[i]))
		return cli_help();
	/* Before anything is created, for `serve` and every admin command
	 * alike (exports, backups, the database): see shared/app.c. */
	umask(077);
	n = app_config(&cfg, argc - 1, argv + 1);
	argc -= n + 1;
	argv += n + 1;
	/* `serve` (also the default): the SSH console, see tui/console.h. */
	if (argc == 0 || (argc == 1 && strcmp(argv[0], "serve") == 0))
		rc = console_serve(&cfg);
	else
		rc = cli_run(&cfg, argc, argv);
	config_free(&cfg);
	return rc;
}
