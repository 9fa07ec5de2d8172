/*
 * outbox-smtp.c: the email driver over SMTP (libcurl), NYOTA_SMTP_URL.
 *
 * smtps:// speaks TLS from the first byte; smtp:// upgrades with
 * STARTTLS when the server offers it, and insists on it when there is a
 * password to send, unless the relay is on this machine (loopback).
 * The credentials go to libcurl as options, never inside the URL, so no
 * error text can carry them.
 *
 * Outcome: the server took the message → sent (provider id: the
 * Message-ID). Failed for good only when the message itself is at fault:
 * the mailbox refused (550, 551, 553 to MAIL or RCPT, which libcurl both
 * reports as CURLE_SEND_ERROR) or a 5xx to the message once its body was
 * sent. Everything else — a connection that fails, a timeout, any 4xx, a
 * refused or missing login, a 5xx at the greeting or to EHLO (our address
 * blocked, the relay misconfigured) — is retried with backoff: the
 * operator fixes it and the queue goes out.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>

#include "mail.h"
#include "outbox-int.h"
#include "smtp-url.h"

struct ob_smtp {
	struct smtp_url	 u;
	char		*url;		/* scheme://host:port/HELO-name */
	char		*from;
	char		*base_url;
	long		 timeout_ms;
	CURL		*curl;
};

enum ny_err
outbox_smtp_new(const struct outbox_conf *conf, void **data, char **cause)
{
	struct ob_smtp *sm = xcalloc(1, sizeof *sm);
	char from[MAIL_ADDR_MAX + 1];

	if (smtp_url_parse(conf->smtp_url, &sm->u) != NY_OK) {
		/* smtp_url_show would do; the cause needs no value at all */
		*cause = xstrdup("NYOTA_SMTP_URL: expected smtp:// or smtps://"
		    "[user:pass@]host[:port]");
		free(sm);
		return NY_EINVAL;
	}
	if (conf->mail_from == NULL ||
	    mail_addr_check(conf->mail_from, from, sizeof from) != NY_OK) {
		*cause = xstrdup("NYOTA_MAIL_FROM: expected the sender's "
		    "address (required when NYOTA_SMTP_URL is set)");
		smtp_url_free(&sm->u);
		free(sm);
		return NY_EINVAL;
	}
	curl_global_init(CURL_GLOBAL_DEFAULT);
	/* The path of an SMTP URL is the name we greet with (EHLO). */
	sm->url = xasprintf("%s/%s", sm->u.url, strchr(from, '@') + 1);
	sm->from = xstrdup(from);
	sm->base_url = xstrdup(conf->base_url != NULL ? conf->base_url : "");
	sm->timeout_ms = conf->timeout_ms > 0 ? conf->timeout_ms : 10000;
	if ((sm->curl = curl_easy_init()) == NULL)
		abort();
	*data = sm;
	return NY_OK;
}

static void
ob_smtp_free(void *data)
{
	struct ob_smtp *sm = data;

	curl_easy_cleanup(sm->curl);
	smtp_url_free(&sm->u);
	free(sm->url);
	free(sm->from);
	free(sm->base_url);
	free(sm);
}

struct ob_smtp_src {
	const char	*p;
	size_t		 left;
};

/* CURLOPT_READFUNCTION: the message, piece by piece (libcurl dot-stuffs
 * lines that start with '.' and ends DATA itself). */
static size_t
ob_smtp_read(char *buf, size_t size, size_t n, void *arg)
{
	struct ob_smtp_src *src = arg;
	size_t k = size * n < src->left ? size * n : src->left;

	memcpy(buf, src->p, k);
	src->p += k;
	src->left -= k;
	return k;
}

/* The outcome of a curl_easy_perform that did not succeed. */
static enum outbox_result
ob_smtp_outcome(CURLcode cc, long code, int body_sent, const char *err,
    char *reason, size_t reasonlen)
{
	if (code > 0)
		snprintf(reason, reasonlen, "smtp %ld: %s", code,
		    *err ? err : curl_easy_strerror(cc));
	else
		snprintf(reason, reasonlen, "smtp: %s",
		    *err ? err : curl_easy_strerror(cc));
	/* Authentication refused or required (530, 534, 535, 538): our
	 * settings, not the message; it goes once they are fixed. */
	if (cc == CURLE_LOGIN_DENIED || code == 530 || code == 534 ||
	    code == 535 || code == 538)
		return OUTBOX_RETRY;
	if (cc == CURLE_SEND_ERROR && (code == 550 || code == 551 ||
	    code == 553))
		return OUTBOX_FAIL;
	if (body_sent && code >= 500 && code < 600)
		return OUTBOX_FAIL;
	return OUTBOX_RETRY;
}

static enum outbox_result
ob_smtp_send(void *data, const struct outbox_send *m, char *provider_id,
    size_t idlen, char *reason, size_t reasonlen)
{
	struct ob_smtp *sm = data;
	struct outbox_mail ml;
	struct ob_smtp_src src;
	struct curl_slist *rcpt = NULL;
	char err[CURL_ERROR_SIZE] = "", *from, *to;
	curl_off_t up = 0;
	long code = 0;
	CURLcode cc;

	if (outbox_mail_make(sm->base_url, sm->from, m, ny_now(), &ml, reason,
	    reasonlen) != NY_OK)
		return OUTBOX_FAIL;
	from = xasprintf("<%s>", ml.from);
	to = xasprintf("<%s>", ml.to);
	rcpt = curl_slist_append(rcpt, to);
	src.p = ml.data;
	src.left = ml.len;
	curl_easy_reset(sm->curl);
	curl_easy_setopt(sm->curl, CURLOPT_URL, sm->url);
	curl_easy_setopt(sm->curl, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
	if (sm->u.user != NULL) {
		curl_easy_setopt(sm->curl, CURLOPT_USERNAME, sm->u.user);
		curl_easy_setopt(sm->curl, CURLOPT_PASSWORD,
		    sm->u.pass != NULL ? sm->u.pass : "");
	}
	/* smtps: TLS throughout. smtp: STARTTLS when offered, required
	 * when a password would otherwise cross the network in clear. */
	/* TLS required for any relay off this machine, credentials or not:
	 * every receipt carries a library link. */
	curl_easy_setopt(sm->curl, CURLOPT_USE_SSL, sm->u.tls ||
	    !smtp_url_loopback(sm->u.host) ?
	    (long)CURLUSESSL_ALL : (long)CURLUSESSL_TRY);
	curl_easy_setopt(sm->curl, CURLOPT_MAIL_FROM, from);
	curl_easy_setopt(sm->curl, CURLOPT_MAIL_RCPT, rcpt);
	curl_easy_setopt(sm->curl, CURLOPT_UPLOAD, 1L);
	curl_easy_setopt(sm->curl, CURLOPT_READFUNCTION, ob_smtp_read);
	curl_easy_setopt(sm->curl, CURLOPT_READDATA, &src);
	curl_easy_setopt(sm->curl, CURLOPT_INFILESIZE_LARGE,
	    (curl_off_t)ml.len);
	curl_easy_setopt(sm->curl, CURLOPT_ERRORBUFFER, err);
	curl_easy_setopt(sm->curl, CURLOPT_TIMEOUT_MS, sm->timeout_ms);
	curl_easy_setopt(sm->curl, CURLOPT_CONNECTTIMEOUT_MS, sm->timeout_ms);
	curl_easy_setopt(sm->curl, CURLOPT_NOSIGNAL, 1L);
	cc = curl_easy_perform(sm->curl);
	curl_easy_getinfo(sm->curl, CURLINFO_RESPONSE_CODE, &code);
	curl_easy_setopt(sm->curl, CURLOPT_ERRORBUFFER, NULL);
	curl_slist_free_all(rcpt);
	free(from);
	free(to);
	if (cc == CURLE_OK)
		snprintf(provider_id, idlen, "%s", ml.msgid);
	outbox_mail_free(&ml);
	if (cc == CURLE_OK)
		return OUTBOX_SENT;
	curl_easy_getinfo(sm->curl, CURLINFO_SIZE_UPLOAD_T, &up);
	return ob_smtp_outcome(cc, code, up > 0, err, reason, reasonlen);
}

const struct outbox_driver outbox_driver_smtp = {
	.name = "smtp",
	.send = ob_smtp_send,
	.free = ob_smtp_free,
};
