/*
 * login.h: throttling of console logins. Every attempt is a row in
 * login_attempts (and a line in audit_log); whether a new attempt may be
 * made is computed from those rows, so the limits hold across the forked
 * connection processes and across restarts.
 *
 * Two independent counters, each with growing delays:
 *   - per handle: failures since that handle's last success (last 24 h);
 *     after LOGIN_HANDLE_FREE of them each further attempt must wait
 *     30 s · 2^(n - free), capped at one hour. Only that handle waits.
 *   - per address: failures from the address in the last hour, with a
 *     much higher free allowance (LOGIN_ADDR_FREE), so one creator's typos
 *     never lock out a colleague behind the same NAT, while an address
 *     spraying many handles is still slowed.
 */
#ifndef NY_LOGIN_H
#define NY_LOGIN_H

#include <stdint.h>

#include "db.h"

#define LOGIN_HANDLE_FREE	5	/* failures per handle before delays */
#define LOGIN_ADDR_FREE		20	/* failures per address before delays */
#define LOGIN_MAX_DELAY		3600	/* seconds */

/*
 * May handle try to log in from addr at now? Returns NY_OK, or
 * NY_ELIMIT with *wait_s the seconds still to wait (the larger of the two
 * counters), or NY_EDB. Read-only; opens no transaction.
 */
int	login_check_allowed(struct db *db, const char *handle,
	    const char *addr, int64_t now, int64_t *wait_s);

/*
 * Records one attempt (ok 1 = success) at ny_now() in login_attempts and
 * audit_log, in its own transaction. Returns NY_OK or a db error.
 */
int	login_record(struct db *db, const char *handle, const char *addr,
	    int ok);

/* The delay in seconds after n counted failures with free allowed. */
int64_t	login_delay(int n, int free);

#endif
