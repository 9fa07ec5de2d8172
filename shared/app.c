/*
 * app.c: common start-up of nyota-storefront and nyota-console.
 *
 * Both programs run with umask 077 (set first thing in main) and create
 * folders 0700 and files 0600: the data folder holds the database (sealed
 * secrets, buyers' phone numbers), paid content and uploads; the keys
 * folder the master key. Folders made by an older version or by hand may
 * be looser: app_secure tightens what is ours and refuses what is not.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "app.h"
#include "backup.h"
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

enum ny_err
app_private(const char *path, int dir, int *was, char **cause)
{
	struct stat sb;

	*was = -1;
	if ((dir ? stat(path, &sb) : lstat(path, &sb)) != 0) {
		if (errno == ENOENT)
			return NY_OK;
		*cause = xasprintf("%s: %s", path, strerror(errno));
		return NY_EIO;
	}
	if ((dir && !S_ISDIR(sb.st_mode)) || (!dir && !S_ISREG(sb.st_mode)) ||
	    (sb.st_mode & 077) == 0)
		return NY_OK;
	if (sb.st_uid != geteuid()) {
		/* Not ours to change, even as root: the folder may be shared
		 * on purpose, and its owner should decide. */
		*cause = xasprintf("%s: open to other users (mode %04o) and "
		    "owned by uid %u, not by us (uid %u): make it private "
		    "(chmod %s) or run as its owner", path,
		    (unsigned)(sb.st_mode & 07777), (unsigned)sb.st_uid,
		    (unsigned)geteuid(), dir ? "700" : "600");
		return NY_EDENIED;
	}
	if (chmod(path, sb.st_mode & 0700) != 0) {
		*cause = xasprintf("%s: cannot make it private: %s", path,
		    strerror(errno));
		return NY_EIO;
	}
	*was = (int)(sb.st_mode & 07777);
	return NY_OK;
}

/* app_private, with a logged warning for a fix and exit 2 on refusal. */
static void
app_private_or_die(const char *path, int dir)
{
	char *cause = NULL;
	int was, rc;

	if ((rc = app_private(path, dir, &was, &cause)) != NY_OK) {
		fprintf(stderr, "nyota: %s\n", cause);
		free(cause);
		exit(rc == NY_EDENIED ? 2 : 1);
	}
	if (was >= 0)
		log_warn("made private: was open to other users", "path=%s "
		    "was=%04o now=%04o", path, (unsigned)was,
		    (unsigned)(was & 0700));
}

/* A folder and what lies directly in it (folders and regular files; not
 * followed into: their content is out of reach once they are 0700). */
static void
app_secure_dir(const char *dir)
{
	struct dirent *e;
	DIR *d;
	char *p;

	app_private_or_die(dir, 1);
	if ((d = opendir(dir)) == NULL)
		return;		/* missing, or the open below reports it */
	while ((e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		p = xasprintf("%s/%s", dir, e->d_name);
		if (e->d_type == DT_DIR)
			app_private_or_die(p, 1);
		else if (e->d_type == DT_REG || e->d_type == DT_UNKNOWN)
			app_private_or_die(p, 0);
		free(p);
	}
	closedir(d);
}

/*
 * The start-up check of both programs and the admin commands (app_open,
 * before anything reads the keys): the data and keys folders, what lies
 * directly in them, and the database with its -wal and -shm go through
 * app_private. Each fix is logged as a warning; something too open and
 * not ours stops the program: one line on stderr, exit 2.
 */
static void
app_secure(const struct ny_config *cfg)
{
	static const char *const sfx[] = { "", "-wal", "-shm", "-journal" };
	char *p;
	size_t i;

	app_secure_dir(cfg->data_dir);
	app_secure_dir(cfg->keys_dir);
	/* NYOTA_DB may live outside the data folder */
	for (i = 0; i < sizeof sfx / sizeof sfx[0]; i++) {
		p = xasprintf("%s%s", cfg->db_path, sfx[i]);
		app_private_or_die(p, 0);
		free(p);
	}
}

void
app_lock_servers(const struct ny_config *cfg)
{
	char *cause = NULL;
	int fd;

	/* Taken before app_open touches the database, so a server started
	 * during a restore neither opens nor migrates the file being put in
	 * place: the folder may not exist yet on a first start. */
	app_dir(cfg->data_dir, 0700);
	switch (backup_lock(cfg->data_dir, 0, &fd, &cause)) {
	case NY_OK:
		/* Never closed: the lock lasts as long as the process. */
		return;
	case NY_EBUSY:
		fprintf(stderr, "nyota: a restore is running on %s: start "
		    "again when it has finished\n", cfg->data_dir);
		break;
	default:
		fprintf(stderr, "nyota: %s\n", cause);
		break;
	}
	free(cause);
	exit(1);
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

	app_dir(cfg->data_dir, 0700);
	p = xasprintf("%s/files", cfg->data_dir);
	app_dir(p, 0700);
	free(p);
	p = xasprintf("%s/uploads", cfg->data_dir);
	app_dir(p, 0700);
	free(p);
	app_dir(cfg->keys_dir, 0700);
	app_secure(cfg);
	db = app_connect(cfg);
	if (db_migrate(db, &cause) != NY_OK) {
		fprintf(stderr, "nyota: %s\n", cause);
		free(cause);
		db_close(db);
		exit(1);
	}
	return db;
}
