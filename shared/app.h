/*
 * app.h: start-up shared by both programs: load the configuration (one
 * clear line and exit 2 when it is bad), create the data and keys folders,
 * open and migrate the database.
 */
#ifndef NY_APP_H
#define NY_APP_H

#include "config.h"
#include "db.h"

/*
 * Loads config from the environment and leading --flags of argv (see
 * config_load); on error prints "nyota: CAUSE" to stderr and exits 2.
 * Returns how many argv entries were flags.
 */
int	app_config(struct ny_config *cfg, int argc, char **argv);

/*
 * Creates data_dir (and files/, uploads/) and keys_dir (0700), opens the
 * database and applies migrations. On failure prints one line and exits 1.
 * Returns the open connection (caller closes).
 */
struct db *app_open(const struct ny_config *cfg);

/* Opens another connection to the same (already migrated) database. */
struct db *app_connect(const struct ny_config *cfg);

#endif
