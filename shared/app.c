/*
 * app.c: common start-up of nyota-storefront and nyota-console.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "log.h"

int
app_config(struct ny_config *cfg, int argc, char **argv)
{
	static const char *const levels[] = { "debug", "info", "warn", "error" };
	char *cause = NULL;
	int n = 0, i;

	if (config_load(cfg, argc, argv, &n, &cause) != NY_OK) {
		fprintf(stderr, "nyota: %s\n", cause);
		free(cause);
		exit(2);
	}
	/* config_load checked NYOTA_LOG is one of these. */
	for (i = 0; i < 4; i++)
		if (strcmp(cfg->log_level, levels[i]) == 0)
			log_set_level((enum log_level)i);
	return n;
}

static void
app_dir(const char *path, int mode)
{
	if (ny_mkdirs(path, mode) != NY_OK) {
		fprintf(stderr, "nyota: %s: cannot create directory\n", path);
		exit(1);
	}
}

struct db *
app_connect(const struct ny_config *cfg)
{
	struct db *db;
	char *cause = NULL;

	if (db_open(cfg->db_path, &db, &cause) != NY_OK) {
		fprintf(stderr, "nyota: cannot open database %s\n", cause);
		free(cause);
		exit(1);
	}
	return db;
}

struct db *
app_open(const struct ny_config *cfg)
{
	struct db *db;
	char *cause = NULL, *p;

	app_dir(cfg->data_dir, 0755);
	p = xasprintf("%s/files", cfg->data_dir);
	app_dir(p, 0755);
	free(p);
	p = xasprintf("%s/uploads", cfg->data_dir);
	app_dir(p, 0755);
	free(p);
	app_dir(cfg->keys_dir, 0700);
	db = app_connect(cfg);
	if (db_migrate(db, &cause) != NY_OK) {
		fprintf(stderr, "nyota: %s\n", cause);
		free(cause);
		db_close(db);
		exit(1);
	}
	return db;
}
