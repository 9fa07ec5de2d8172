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
 * Creates data_dir (and files/, uploads/) and keys_dir (0700), makes them
 * private (app_secure), opens the database and applies migrations. On
 * failure prints one line and exits 1 (2 when a folder is open to others
 * and not ours). Returns the open connection (caller closes).
 */
struct db *app_open(const struct ny_config *cfg);

/*
 * Keeps path private: no group or other permission bits. dir 1: a folder
 * (a symlink to one is followed: the operator's choice); dir 0: a file
 * (a symlink is left alone). Missing: NY_OK, nothing done. Too open and
 * owned by our effective uid: chmod'ed to drop the group/other bits, *was
 * gets the old mode bits (else *was is -1), NY_OK. Too open and owned by
 * someone else: NY_EDENIED, nothing changed, *cause is one line saying
 * so (caller frees). NY_EIO when stat or chmod fails (*cause set).
 */
enum ny_err app_private(const char *path, int dir, int *was, char **cause);

/*
 * The servers' share of DATA_DIR/nyota.lock (backup.h), held for the
 * whole life of the process (and of its forked children): a restore
 * refuses to start while it is held. Call it before app_open (it creates
 * the data folder if need be). When a restore holds it, prints one line
 * and exits 1.
 */
void	app_lock_servers(const struct ny_config *cfg);

/* Opens another connection to the same (already migrated) database. */
struct db *app_connect(const struct ny_config *cfg);

#endif
