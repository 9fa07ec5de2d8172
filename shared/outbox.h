/*
 * outbox.h: messages to buyers as rows of `messages`, and the worker that
 * sends them: WhatsApp (channel 'whatsapp', the log or Cloud API driver)
 * and email (channel 'email', to_email; the mail log or SMTP driver,
 * outbox-mail.c and outbox-smtp.c). One claim/retry/backoff loop serves
 * both: each claimed row goes to its channel's driver.
 *
 * Queueing happens inside the caller's transaction (with the order that
 * caused it), so a message exists if and only if its cause committed. A
 * dedupe_key makes queueing idempotent.
 *
 * Sending: outbox_step claims due queued rows (status queued → sending,
 * attempts + 1) in a short transaction, sends each through the driver
 * outside any transaction, then marks it sent, queued again with
 * exponential backoff and jitter (transient failure) or failed with the
 * reason (permanent failure, or too many attempts).
 *
 * Crash safety and the trade-off: a row left in 'sending' longer than
 * OUTBOX_STALE seconds (the process died between claiming and marking) goes
 * back to queued and is sent again. That is at-least-once: a crash after
 * the provider accepted a message but before we marked it sent repeats it.
 * Exactly-once is impossible without the provider deduplicating for us; a
 * clean run (no crash) never sends a message twice, because only the
 * claiming worker marks its row.
 *
 * The library link is built at send time from library_key_id (never
 * stored; library-key.h builds it): body holds the text with a literal
 * "{link}".
 */
#ifndef NY_OUTBOX_H
#define NY_OUTBOX_H

#include <stddef.h>
#include <stdint.h>

#include "db.h"

/*
 * Seconds before a 'sending' row is reclaimed. Must exceed the longest a
 * worker can hold a claim: a batch (16) × the driver timeout (10 s).
 */
#define OUTBOX_STALE		300
#define OUTBOX_MAX_ATTEMPTS	8	/* then failed */

/* What to queue; strings are copied. */
struct outbox_msg {
	int64_t		 customer_id;	/* 0 = none */
	const char	*to_phone;	/* E.164 digits */
	const char	*kind;		/* receipt library_link reminder automation */
	const char	*locale;	/* "en" | "sw" */
	const char	*body;		/* may contain "{link}" */
	int64_t		 library_key_id; /* 0 = no link */
	const char	*params;	/* JSON array of template parameters
					   (strings, "{link}" replaced at send
					   time); NULL = "[]" */
	const char	*dedupe_key;	/* NULL = none */
	int64_t		 order_id;	/* 0 = none */
	int64_t		 not_before;	/* 0 = as soon as possible */
	const char	*channel;	/* NULL or "whatsapp"; "email" */
	const char	*to_email;	/* email: the address (mail_addr_check) */
};

/*
 * Inside the caller's transaction: queues m. A row with the same
 * dedupe_key already present → NY_OK and its id (nothing added). *id may
 * be NULL. NY_OK, NY_EINVAL (missing to/kind/body, bad locale), NY_EDB.
 */
enum ny_err	outbox_queue_tx(struct db *db, const struct outbox_msg *m,
		    int64_t *id);

/*
 * Inside the caller's transaction: the message queued under dedupe_key,
 * into *id (may be NULL). NY_OK, NY_ENOTFOUND (none) or the mapped error.
 */
enum ny_err	outbox_find_tx(struct db *db, const char *dedupe_key,
		    int64_t *id);

/* A message as the driver sees it (link already built, may be NULL). */
struct outbox_send {
	int64_t		 id;
	const char	*to;		/* phone digits, or the address (email) */
	const char	*kind;
	const char	*locale;
	const char	*body;		/* "{link}" replaced */
	const char	*link;		/* NULL when none */
	const char	*params;	/* JSON array, "{link}" replaced */
	int		 attempt;	/* 1 for the first */
	const char	*body_raw;	/* body as stored, "{link}" kept (the
					   HTML part puts an <a> there) */
};

enum outbox_result {
	OUTBOX_SENT = 0,
	OUTBOX_RETRY,		/* transient: 5xx, timeout, connection;
				   SMTP 4xx */
	OUTBOX_FAIL,		/* permanent: 4xx, bad number; SMTP 5xx */
};

/*
 * A driver: const vtable; send fills provider_id (may stay "") and, when
 * not sent, reason (both NUL-terminated, bounded). data is the driver's.
 */
struct outbox_driver {
	const char	*name;
	enum outbox_result (*send)(void *data, const struct outbox_send *m,
			    char *provider_id, size_t idlen, char *reason,
			    size_t reasonlen);
	void		(*free)(void *data);
};

extern const struct outbox_driver outbox_driver_log;
extern const struct outbox_driver outbox_driver_cloud;
extern const struct outbox_driver outbox_driver_mail_log;	/* mail.jsonl */
extern const struct outbox_driver outbox_driver_smtp;

/* Settings of a worker (strings borrowed, must outlive it). */
struct outbox_conf {
	const char	*driver;	/* "log" | "cloud" */
	const char	*base_url;	/* for links */
	const char	*data_dir;	/* log: whatsapp.jsonl lives here */
	const char	*api_url;	/* cloud: NYOTA_WHATSAPP_API_URL */
	const char	*token;		/* cloud: Bearer */
	const char	*phone_id;	/* cloud */
	const char	*template_name;	/* cloud: NYOTA_WHATSAPP_TEMPLATE */
	long		 timeout_ms;	/* cloud, smtp: per request; 0 = 10000 */
	const char	*smtp_url;	/* email: NULL or "" = mail.jsonl in
					   data_dir; else smtp(s)://… */
	const char	*mail_from;	/* email: the sender (required with
					   smtp_url; "nyota@localhost" else) */
};

struct outbox;

/*
 * Makes a sender for conf with two drivers: WhatsApp (conf->driver) and
 * email (SMTP when conf->smtp_url is set, else the mail log). NY_OK and
 * *out (outbox_free), or NY_EINVAL with *cause (unknown driver, missing
 * cloud settings, bad SMTP URL or sender; never the password; caller
 * frees).
 */
enum ny_err	outbox_new(const struct outbox_conf *conf, struct outbox **out,
		    char **cause);
void		outbox_free(struct outbox *ob);

/*
 * One worker step at now: reclaims stale 'sending' rows, claims up to
 * batch due messages, sends each through its channel's driver and
 * records the outcome. An email that is not transactional
 * (mail_kind_transactional) to an address that unsubscribed is not sent:
 * it fails with the reason "unsubscribed". *sent (may be
 * NULL) gets how many were handed to the driver. NY_OK, NY_EBUSY, NY_EDB.
 */
enum ny_err	outbox_step(struct outbox *ob, struct db *db, int64_t now,
		    int batch, int *sent);

/* Backoff before attempt n+1 after n failed attempts (seconds, jittered). */
int64_t		outbox_backoff(int attempts);

/* ---- console ------------------------------------------------------- */

struct outbox_row {
	int64_t	 id;
	int64_t	 customer_id;
	char	 to_phone[16];
	char	 channel[12];	/* "whatsapp" | "email" */
	char	 to_email[256];	/* email: the address; else "" */
	char	 kind[16];
	char	 locale[4];
	char	 status[12];
	int	 attempts;
	int64_t	 next_attempt_at;
	int64_t	 created_at;
	int64_t	 sent_at;
	char	 last_error[160];
	char	*body;		/* text as stored ({link} not replaced);
				   NULL when others */
	int	 others;	/* outbox_list_creator: the message's order
				   has other creators' lines too, so body,
				   to_email and last_error are not read and
				   to_phone holds its last 3 digits only */
};

/*
 * The newest max messages (status NULL = any) into *rows, *n (free with
 * outbox_rows_free). Opens no write transaction.
 */
enum ny_err	outbox_list(struct db *db, const char *status, int max,
		    struct outbox_row **rows, size_t *n);
/*
 * Like outbox_list, only the messages of creator_id's shop: those of an
 * order for one of their products, and those with no order (library
 * links, reminders, automations) to a customer who paid for one of
 * their products. A message of an order with other creators' lines too
 * (a shared cart: its receipt lists every line and the total) comes as
 * kind, status, attempts and times only, with others set. Opens no write
 * transaction. NY_OK or NY_EDB.
 */
enum ny_err	outbox_list_creator(struct db *db, int64_t creator_id,
		    const char *status, int max, struct outbox_row **rows,
		    size_t *n);
void		outbox_rows_free(struct outbox_row *rows, size_t n);

/*
 * Console "retry": a failed (or queued) message goes back to queued, due
 * now. Opens its own transaction. NY_OK, NY_ENOTFOUND, NY_ESTATE (sent or
 * sending).
 */
enum ny_err	outbox_retry(struct db *db, int64_t id, int64_t now);

/* ---- scheduler ----------------------------------------------------- */

/*
 * Queues the time-based messages due at now, each exactly once:
 * subscription reminders 3 days before the end, webinar reminders 1 hour
 * before the start (entitlements.reminded_at), and automations
 * (purchase + delay, before_start, before_end; automation_runs). Opens its
 * own transaction(s). *queued (may be NULL) gets how many were queued.
 */
enum ny_err	outbox_schedule(struct db *db, int64_t now, int *queued);

#endif
