/*
 * mail.h: email addresses and messages, the second channel. Messages are
 * rows of `messages` with channel 'email' (outbox.h queues them and its
 * worker sends them through outbox-mail.c: SMTP with libcurl, or the log
 * driver writing mail.jsonl).
 */
#ifndef NY_MAIL_H
#define NY_MAIL_H

#include <stddef.h>
#include <stdint.h>

#include "ny.h"

#define MAIL_ADDR_MAX	254	/* RFC 5321 path limit */

/*
 * Checks an address a buyer typed: spaces around trimmed, then
 * local@domain with one '@', a local part of printable ASCII without
 * spaces, quotes, angle brackets, commas or backslashes (1–64), a domain
 * of letters, digits, '-' and '.' with a dot, no empty label (≤ 253), no
 * ".." anywhere; the whole address is lower-cased (one inbox, one key). NY_OK with out (len ≥ MAIL_ADDR_MAX + 1) or
 * NY_EINVAL. Nothing it accepts can break a mail header.
 */
enum ny_err	mail_addr_check(const char *in, char *out, size_t len);

struct db;
struct outbox_msg;

/*
 * mail-twin.c. Inside the caller's transaction, right after queueing the
 * WhatsApp message m about order_id: when the order was made with an
 * address (orders.email), queues the same message by email — same kind,
 * locale and body, dedupe key m->dedupe_key + ":mail" — whose {link} is
 * the address's own library key (library_key_mail_ensure_tx), never the
 * phone's: whoever typed a stranger's phone with their own address reads
 * only what they paid for. No address: nothing queued. NY_OK or the
 * error of the key or the queue.
 */
enum ny_err	mail_twin_tx(struct db *db, int64_t order_id,
		    const struct outbox_msg *m);

#endif
