/*
 * login.h: throttling of console logins (creators' TOTP codes, the setup
 * code, invite codes). Every guess is a row in login_attempts; whether a
 * new guess may be made is computed from those rows, so the limits hold
 * across the forked connection processes and across restarts.
 *
 * A guess is reserved before it is checked (login_reserve): in one
 * BEGIN IMMEDIATE transaction the limits are read and the attempt row is
 * inserted as a failure; only then is the code verified, and a right code
 * turns the row into a success (login_finish). Parallel guesses therefore
 * count against each other before any of them is looked at.
 *
 * The limits, for a guess on handle H from address A (an IPv6 address
 * counts as its /64, login_addr_key):
 *
 *   with a key  When a public key registered to H signed in this
 *               connection, only failures made with a key count: after
 *               LOGIN_KEY_FREE of them (since H's last success) each
 *               further guess waits 30 s · 2^k. A stranger without the
 *               key never slows a creator who has one.
 *   pair        Failures on H from A since H's last success from A (24 h):
 *               after LOGIN_PAIR_FREE, 30 s · 2^k up to an hour.
 *   address     Failures from A on any handle in the last hour: after
 *               LOGIN_ADDR_FREE, 30 s · 2^k (spraying many handles).
 *   handle      At most LOGIN_HANDLE_HOUR failures on H per hour, over all
 *               addresses. It is only applied to an address that already
 *               has LOGIN_TRUST_FAILS failures on H (the pair counter):
 *               from an address with no recent failures a right code is
 *               never refused because someone elsewhere guesses.
 *
 * What an attacker gets on one handle without its key: from one address,
 * 5 guesses, then 6 more in the first hour (the delays), then one an hour;
 * from K addresses, at most LOGIN_HANDLE_HOUR an hour over all of them,
 * plus the one guess each fresh address makes before the cap applies to
 * it (an address is fresh again only once its failure is 24 h old):
 * ≤ 60 + K in any hour, ≤ 24·60 + K a day. That K is the price of never
 * refusing the creator at an address with no failures; a creator with a
 * registered key pays nothing for any of it.
 */
#ifndef NY_LOGIN_H
#define NY_LOGIN_H

#include <stddef.h>
#include <stdint.h>

#include "db.h"

#define LOGIN_PAIR_FREE		5	/* failures per (handle, address) */
#define LOGIN_ADDR_FREE		20	/* failures per address per hour */
#define LOGIN_KEY_FREE		5	/* failures with a verified key */
#define LOGIN_HANDLE_HOUR	60	/* failures per handle per hour */
#define LOGIN_TRUST_FAILS	1	/* pair failures before the handle cap */
#define LOGIN_MAX_DELAY		3600	/* seconds */

/* One guess as the throttle sees it (nothing is owned). */
struct login_try {
	const char	*handle;	/* user name: a handle, "setup", "invite" */
	const char	*addr;		/* the client's address as text */
	int		 with_key;	/* a key of handle's signed in this
					 * connection */
};

/*
 * May t be tried at now? Read-only: used before prompting, so the client
 * is told to wait instead of typing a code that would not be checked.
 * Returns NY_OK, NY_ELIMIT with *wait_s the seconds still to wait (the
 * largest of the limits that apply), or a db error.
 */
enum ny_err login_check_allowed(struct db *db, const struct login_try *t,
	    int64_t now, int64_t *wait_s);

/*
 * Reserves one guess at ny_now(): in one BEGIN IMMEDIATE transaction,
 * checks the limits and inserts the attempt as a failure. Returns NY_OK
 * with *id the attempt (pass it to login_finish), NY_ELIMIT with *wait_s
 * (nothing inserted: do not check the code), or a db error (treat as
 * refused).
 */
enum ny_err login_reserve(struct db *db, const struct login_try *t,
	    int64_t *id, int64_t *wait_s);

/*
 * Settles reserved attempt id: ok 1 marks it a success. Writes the audit
 * line (login.ok / login.fail) in the same transaction. Returns NY_OK or
 * a db error.
 */
enum ny_err login_finish(struct db *db, const struct login_try *t,
	    int64_t id, int ok);

/* Records one attempt without looking at the limits (tests, imports). */
enum ny_err login_record(struct db *db, const struct login_try *t, int ok);

/* The delay in seconds after n counted failures with free allowed. */
int64_t	login_delay(int n, int free);

/*
 * The text attempts from addr are counted under, into buf (len ≥ 64): an
 * IPv4 address as is, an IPv6 address as its /64 ("2001:db8:1:2::/64"),
 * since one client is given a whole /64; an IPv4-mapped IPv6 address as
 * the IPv4 one. Anything else is copied, cut to len.
 */
void	login_addr_key(const char *addr, char *buf, size_t len);

#endif
