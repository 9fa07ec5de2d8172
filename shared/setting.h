/*
 * setting.h: the settings table, the instance's own key/value pairs that
 * are not configuration (the setup code's hash and sealed form). Each
 * call is one statement: it runs in the caller's transaction when there
 * is one.
 */
#ifndef NY_SETTING_H
#define NY_SETTING_H

#include "db.h"

/*
 * The value of key into *out (caller frees). Returns NY_OK, NY_ENOTFOUND
 * (no such key; *out untouched) or a db error.
 */
enum ny_err setting_get(struct db *db, const char *key, char **out);

/* Sets key to value (created or replaced). NY_OK or a db error. */
enum ny_err setting_put(struct db *db, const char *key, const char *value);

/* Forgets key; NY_OK also when there was none, else a db error. */
enum ny_err setting_delete(struct db *db, const char *key);

#endif
