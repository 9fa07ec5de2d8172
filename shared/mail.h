/*
 * mail.h: email addresses and messages, the second channel. Messages are
 * rows of `messages` with channel 'email' (outbox.h queues them and its
 * worker sends them through outbox-mail.c: SMTP with libcurl, or the log
 * driver writing mail.jsonl).
 */
#ifndef NY_MAIL_H
#define NY_MAIL_H

#include <stddef.h>

#include "ny.h"

#define MAIL_ADDR_MAX	254	/* RFC 5321 path limit */

/*
 * Checks an address a buyer typed: spaces around trimmed, then
 * local@domain with one '@', a local part of printable ASCII without
 * spaces, quotes, angle brackets, commas or backslashes (1–64), a domain
 * of letters, digits, '-' and '.' with a dot, no empty label (≤ 253); the
 * domain is lower-cased. NY_OK with out (len ≥ MAIL_ADDR_MAX + 1) or
 * NY_EINVAL. Nothing it accepts can break a mail header.
 */
enum ny_err	mail_addr_check(const char *in, char *out, size_t len);

#endif
