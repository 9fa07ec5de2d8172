/*
 * outbox-int.h: what outbox.c shares with its drivers (outbox-log.c,
 * outbox-cloud.c, outbox-mail.c, outbox-smtp.c) and scheduler; not for
 * other modules (tests read it).
 */
#ifndef NY_OUTBOX_INT_H
#define NY_OUTBOX_INT_H

#include <jansson.h>

#include "outbox.h"

/* Driver constructors: NY_OK and *data, or NY_EINVAL with *cause. */
enum ny_err	 outbox_log_new(const struct outbox_conf *conf, void **data,
		    char **cause);
enum ny_err	 outbox_cloud_new(const struct outbox_conf *conf, void **data,
		    char **cause);

enum ny_err	 outbox_mail_log_new(const struct outbox_conf *conf,
		    void **data, char **cause);
enum ny_err	 outbox_smtp_new(const struct outbox_conf *conf, void **data,
		    char **cause);

/* A JSON string for s: "" for NULL, bytes that are not UTF-8 as '?'. */
json_t		*outbox_json_str(const char *s);

/*
 * The log drivers' line: o (taken: decref'd) as compact JSON plus '\n',
 * appended to path (0600; NULL: none) with one write(2) on O_APPEND, so
 * lines of concurrent writers never interleave. name is the file in
 * reasons. OUTBOX_SENT, OUTBOX_FAIL (cannot encode) or OUTBOX_RETRY.
 */
enum outbox_result outbox_log_append(const char *path, const char *name,
		    json_t *o, char *reason, size_t reasonlen);

/* s with every "{link}" replaced by link ("" when NULL). Caller frees. */
char		*outbox_subst_link(const char *s, const char *link);

/* ---- an email, built by outbox-mail.c for both mail drivers ---------- */

struct outbox_mail {
	char	 from[256];	/* checked addresses (mail_addr_check) */
	char	 to[256];
	char	 msgid[128];	/* Message-ID without <>; also provider id */
	char	*subject;	/* UTF-8 as read */
	char	*text;		/* text/plain body, LF line ends */
	char	*html;		/* text/html body */
	char	*unsub;		/* List-Unsubscribe URL, NULL: transactional */
	char	*headers;	/* the header block, CRLF lines */
	char	*data;		/* the whole message as sent (CRLF) */
	size_t	 len;
};

/*
 * Builds m (m->to the address) as an RFC 5322 message from from at now:
 * From, To, Subject (RFC 2047 when not ASCII), Date, Message-ID (the same
 * for every attempt), MIME-Version, List-Unsubscribe(-Post) unless
 * transactional, and multipart/alternative text + HTML, UTF-8,
 * quoted-printable. NY_OK and *out (outbox_mail_free), or NY_EINVAL with
 * reason (an address mail_addr_check refuses, a header value that could
 * inject a header).
 */
enum ny_err	 outbox_mail_make(const char *base_url, const char *from,
		    const struct outbox_send *m, int64_t now,
		    struct outbox_mail *out, char *reason, size_t reasonlen);
void		 outbox_mail_free(struct outbox_mail *ml);
/* 1 when v may be a header value: no CR, LF or other control byte. */
int		 outbox_mail_header_ok(const char *v);
/* "Subject: …" value: s as is when printable ASCII, else RFC 2047
 * encoded words (UTF-8, base64), folded. Caller frees. */
char		*outbox_mail_encode_word(const char *s);
/* s (LF or CRLF line ends) quoted-printable with CRLF ends. Caller frees. */
char		*outbox_mail_qp(const char *s);

#endif
