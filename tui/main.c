/*
 * nyota-console: the creators' SSH console and the admin commands.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "log.h"

static int
usage(void)
{
	fprintf(stderr, "usage: nyota-console [--name=value ...] "
	    "[serve | creator add HANDLE | setup-code | export FILE | "
	    "import FILE | backup FILE]\n");
	return 2;
}

static int
cmd_backup(struct db *db, const char *file)
{
	char *cause = NULL;

	if (db_backup(db, file, &cause) != NY_OK) {
		fprintf(stderr, "nyota: backup failed: %s\n", cause);
		free(cause);
		return 1;
	}
	printf("backup written to %s\n", file);
	return 0;
}

int
main(int argc, char **argv)
{
	struct ny_config cfg;
	struct db *db;
	int n, rc;

	n = app_config(&cfg, argc - 1, argv + 1);
	argc -= n + 1;
	argv += n + 1;
	db = app_open(&cfg);
	if (argc == 2 && strcmp(argv[0], "backup") == 0)
		rc = cmd_backup(db, argv[1]);
	else
		rc = usage();
	db_close(db);
	config_free(&cfg);
	return rc;
}
