/*
 * outbox-mail.c: an email as Nyota sends it, and the mail log driver.
 *
 * The message (RFC 5322, MIME):
 *
 *   From: Nyota <shop@example.com>
 *   To: <buyer@example.com>
 *   Subject: =?UTF-8?B?…?=          (locale key mail.subject.KIND)
 *   Date, Message-ID, MIME-Version, Auto-Submitted: auto-generated
 *   List-Unsubscribe: <BASE/mail/unsubscribe/TOKEN?lang=sw>
 *   List-Unsubscribe-Post: List-Unsubscribe=One-Click   (not transactional)
 *   Content-Type: multipart/alternative; boundary="=_ny_…"
 *     text/plain; charset=UTF-8, quoted-printable: the body, link in it
 *     text/html; charset=UTF-8, quoted-printable: the body escaped, the
 *     link an <a>
 *
 * Nothing a buyer typed reaches a header but the address, and only as
 * mail_addr_check returned it; every value is checked once more
 * (outbox_mail_header_ok) so a mistake here refuses the message rather
 * than letting a line break through. The boundary starts with "=_",
 * which quoted-printable text can never contain ('=' is always "=3D").
 *
 * The log driver (NYOTA_SMTP_URL empty) appends one JSON line per
 * message to DATA_DIR/mail.jsonl (0600), like whatsapp.jsonl: the
 * operator's "sent mail", with the link as sent.
 */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "crypto.h"
#include "i18n.h"
#include "mail-optout.h"
#include "mail.h"
#include "outbox-int.h"

#define OB_MAIL_FROM_DEFAULT	"nyota@localhost"

int
outbox_mail_header_ok(const char *v)
{
	const unsigned char *p;

	for (p = (const unsigned char *)v; v != NULL && *p != '\0'; p++)
		if ((*p < 0x20 && *p != '\t') || *p == 0x7f)
			return 0;
	return v != NULL;
}

char *
outbox_mail_encode_word(const char *s)
{
	struct ny_buf b;
	const unsigned char *p = (const unsigned char *)s;
	char b64[128];
	size_t n, len = strlen(s), i;
	int plain = len < 900;

	for (i = 0; plain && i < len; i++)
		if (p[i] < 0x20 || p[i] > 0x7e)
			plain = 0;
	/* "=?" in plain text would read as an encoded word: encode it. */
	if (plain && strstr(s, "=?") == NULL)
		return xstrdup(s);
	buf_init(&b, 0);
	while (*p != '\0') {
		/* 45 bytes → 60 base64 characters: a word of 72 (RFC 2047
		 * allows 75), cut between UTF-8 characters. */
		n = strlen((const char *)p) > 45 ? 45 : strlen((const char *)p);
		while (n > 1 && (p[n] & 0xc0) == 0x80)
			n--;
		sodium_bin2base64(b64, sizeof b64, p, n,
		    sodium_base64_VARIANT_ORIGINAL);
		buf_printf(&b, "%s=?UTF-8?B?%s?=", b.len > 0 ? "\r\n " : "",
		    b64);
		p += n;
	}
	return buf_steal(&b, NULL);
}

/* Appends one quoted-printable token, breaking the line softly first
 * when it would pass 76 characters. */
static void
ob_qp_put(struct ny_buf *b, size_t *col, const char *tok, size_t n)
{
	if (*col + n > 75) {
		buf_adds(b, "=\r\n");
		*col = 0;
	}
	buf_add(b, tok, n);
	*col += n;
}

char *
outbox_mail_qp(const char *s)
{
	struct ny_buf b;
	const unsigned char *p = (const unsigned char *)s, *eol;
	char tok[4];
	size_t col;

	buf_init(&b, 0);
	while (*p != '\0' || p == (const unsigned char *)s) {
		eol = (const unsigned char *)strchr((const char *)p, '\n');
		if (eol == NULL)
			eol = p + strlen((const char *)p);
		col = 0;
		for (; p < eol; p++) {
			int last = p + 1 == eol || (p + 2 == eol &&
			    p[1] == '\r');

			if (*p == '\r' && p + 1 == eol)
				continue;	/* CRLF in: one line end out */
			if ((*p >= 33 && *p <= 126 && *p != '=') ||
			    ((*p == ' ' || *p == '\t') && !last)) {
				tok[0] = (char)*p;
				ob_qp_put(&b, &col, tok, 1);
			} else {
				snprintf(tok, sizeof tok, "=%02X", *p);
				ob_qp_put(&b, &col, tok, 3);
			}
		}
		if (*p == '\0')
			break;
		buf_adds(&b, "\r\n");
		p++;
	}
	return buf_steal(&b, NULL);
}

/* s HTML-escaped onto b. */
static void
ob_html_esc(struct ny_buf *b, const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		switch (s[i]) {
		case '&': buf_adds(b, "&amp;"); break;
		case '<': buf_adds(b, "&lt;"); break;
		case '>': buf_adds(b, "&gt;"); break;
		case '"': buf_adds(b, "&quot;"); break;
		case '\'': buf_adds(b, "&#39;"); break;
		case '\n': buf_adds(b, "<br>\n"); break;
		case '\r': break;
		default: buf_add(b, s + i, 1);
		}
}

/* The HTML part: raw escaped, each "{link}" an <a>, the footer. */
static char *
ob_mail_html(const char *raw, const char *link, const char *locale,
    const char *unsub)
{
	struct ny_buf b;
	const char *p;

	buf_init(&b, 0);
	buf_printf(&b, "<!DOCTYPE html>\n<html lang=\"%s\"><head>"
	    "<meta charset=\"utf-8\"></head>\n<body style=\"font-family:"
	    "sans-serif;line-height:1.5\">\n<p>", locale);
	while ((p = strstr(raw, "{link}")) != NULL) {
		ob_html_esc(&b, raw, (size_t)(p - raw));
		if (link != NULL) {
			buf_adds(&b, "<a href=\"");
			ob_html_esc(&b, link, strlen(link));
			buf_adds(&b, "\">");
			ob_html_esc(&b, link, strlen(link));
			buf_adds(&b, "</a>");
		}
		raw = p + 6;
	}
	ob_html_esc(&b, raw, strlen(raw));
	buf_adds(&b, "</p>\n");
	if (unsub != NULL) {
		buf_adds(&b, "<p style=\"font-size:small;color:#666\">"
		    "<a href=\"");
		ob_html_esc(&b, unsub, strlen(unsub));
		buf_adds(&b, "\">");
		p = i18n_get(locale, "mail.footer.unsub_link");
		ob_html_esc(&b, p, strlen(p));
		buf_adds(&b, "</a></p>\n");
	}
	buf_adds(&b, "</body></html>\n");
	return buf_steal(&b, NULL);
}

/* RFC 5322 date of t (UTC), whatever LC_TIME says. */
static void
ob_mail_date(int64_t t, char *out, size_t len)
{
	static const char *const days[] = { "Sun", "Mon", "Tue", "Wed", "Thu",
	    "Fri", "Sat" };
	static const char *const months[] = { "Jan", "Feb", "Mar", "Apr",
	    "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
	time_t tt = (time_t)t;
	struct tm tm;

	if (gmtime_r(&tt, &tm) == NULL)
		memset(&tm, 0, sizeof tm);
	snprintf(out, len, "%s, %02d %s %04d %02d:%02d:%02d +0000",
	    days[tm.tm_wday % 7], tm.tm_mday, months[tm.tm_mon % 12],
	    tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

/* Adds "Name: value" after checking value; 0 when refused. */
static int
ob_hdr(struct ny_buf *b, const char *name, const char *value)
{
	if (!outbox_mail_header_ok(value))
		return 0;
	buf_printf(b, "%s: %s\r\n", name, value);
	return 1;
}

/* The subject of a kind in locale (mail.subject.message when none). */
static const char *
ob_mail_subject(const char *kind, const char *locale)
{
	/* The kinds with a subject of their own (a missing key is logged). */
	static const char *const kinds[] = { "receipt", "library_link",
	    "refund", "confirm_code", "reminder", "automation" };
	char key[64];
	size_t i;

	for (i = 0; kind != NULL && i < sizeof kinds / sizeof *kinds; i++)
		if (strcmp(kind, kinds[i]) == 0)
			break;
	snprintf(key, sizeof key, "mail.subject.%s", kind != NULL &&
	    i < sizeof kinds / sizeof *kinds ? kind : "message");
	return i18n_get(locale, key);
}

/* The List-Unsubscribe URL for to, or NULL when base_url is unusable. */
static char *
ob_mail_unsub(const char *base_url, const char *to, const char *locale)
{
	char tok[MAIL_UNSUB_TOKEN_LEN + 1];

	if (base_url == NULL || *base_url == '\0' ||
	    strpbrk(base_url, "<> \"") != NULL ||
	    !outbox_mail_header_ok(base_url))
		return NULL;
	mail_unsub_token(to, tok, sizeof tok);
	return xasprintf("%s/mail/unsubscribe/%s?lang=%s", base_url, tok,
	    locale);
}

enum ny_err
outbox_mail_make(const char *base_url, const char *from,
    const struct outbox_send *m, int64_t now, struct outbox_mail *ml,
    char *reason, size_t reasonlen)
{
	const char *locale = m->locale != NULL && i18n_lang_ok(m->locale) ?
	    m->locale : "en", *subj, *dom;
	unsigned char h[TOK_HASH_LEN], rnd[12];
	char date[64], idstr[32], hex[2 * TOK_HASH_LEN + 1], bnd[80];
	char *qp, *enc, *foot, *v;
	struct ny_buf b;
	int ok = 1;

	memset(ml, 0, sizeof *ml);
	if (from == NULL || *from == '\0')
		from = OB_MAIL_FROM_DEFAULT;
	if (strcmp(from, OB_MAIL_FROM_DEFAULT) == 0)
		snprintf(ml->from, sizeof ml->from, "%s", from);
	else if (mail_addr_check(from, ml->from, sizeof ml->from) != NY_OK) {
		snprintf(reason, reasonlen, "invalid sender address");
		return NY_EINVAL;
	}
	if (m->to == NULL ||
	    mail_addr_check(m->to, ml->to, sizeof ml->to) != NY_OK) {
		snprintf(reason, reasonlen, "invalid email address");
		return NY_EINVAL;
	}
	subj = ob_mail_subject(m->kind, locale);
	if (!outbox_mail_header_ok(subj)) {
		snprintf(reason, reasonlen, "invalid subject");
		return NY_EINVAL;
	}
	ml->subject = xstrdup(subj);
	if (!mail_kind_transactional(m->kind))
		ml->unsub = ob_mail_unsub(base_url, ml->to, locale);
	/* Stable across attempts, unique per install: the id and a keyed
	 * hash of it (ids repeat from one shop to the next). */
	snprintf(idstr, sizeof idstr, "%lld", (long long)m->id);
	tok_hash_ctx("mail_msgid", idstr, h);
	crypto_hex(h, 8, hex);
	dom = strchr(ml->from, '@') + 1;
	snprintf(ml->msgid, sizeof ml->msgid, "%s.%s@%s", idstr, hex, dom);
	randombytes_buf(rnd, sizeof rnd);
	crypto_hex(rnd, sizeof rnd, hex);
	snprintf(bnd, sizeof bnd, "=_ny_%s", hex);
	ml->text = xstrdup(m->body != NULL ? m->body : "");
	if (ml->unsub != NULL) {
		foot = i18n_fmt(locale, "mail.footer.unsub", "url", ml->unsub,
		    NULL);
		v = xasprintf("%s\n\n-- \n%s\n", ml->text, foot);
		free(foot);
		free(ml->text);
		ml->text = v;
	}
	ml->html = ob_mail_html(m->body_raw != NULL ? m->body_raw :
	    ml->text, m->link, locale, ml->unsub);

	buf_init(&b, 0);
	ob_mail_date(now, date, sizeof date);
	v = xasprintf("Nyota <%s>", ml->from);
	ok &= ob_hdr(&b, "From", v);
	free(v);
	v = xasprintf("<%s>", ml->to);
	ok &= ob_hdr(&b, "To", v);
	free(v);
	enc = outbox_mail_encode_word(ml->subject);
	/* folded, so not ob_hdr: the text was checked above */
	buf_printf(&b, "Subject: %s\r\n", enc);
	free(enc);
	ok &= ob_hdr(&b, "Date", date);
	v = xasprintf("<%s>", ml->msgid);
	ok &= ob_hdr(&b, "Message-ID", v);
	free(v);
	ok &= ob_hdr(&b, "MIME-Version", "1.0");
	ok &= ob_hdr(&b, "Auto-Submitted", "auto-generated");
	if (ml->unsub != NULL) {
		v = xasprintf("<%s>", ml->unsub);
		ok &= ob_hdr(&b, "List-Unsubscribe", v);
		free(v);
		ok &= ob_hdr(&b, "List-Unsubscribe-Post",
		    "List-Unsubscribe=One-Click");
	}
	v = xasprintf("multipart/alternative; boundary=\"%s\"", bnd);
	ok &= ob_hdr(&b, "Content-Type", v);
	free(v);
	if (!ok) {
		buf_free(&b);
		outbox_mail_free(ml);
		snprintf(reason, reasonlen, "header refused");
		return NY_EINVAL;
	}
	ml->headers = xstrdup(b.data);
	buf_printf(&b, "\r\nThis is a multi-part message in MIME format.\r\n");
	qp = outbox_mail_qp(ml->text);
	/* The CRLF before a delimiter belongs to it (RFC 2046): none added. */
	buf_printf(&b, "\r\n--%s\r\nContent-Type: text/plain; charset=UTF-8"
	    "\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n%s",
	    bnd, qp);
	free(qp);
	qp = outbox_mail_qp(ml->html);
	buf_printf(&b, "\r\n--%s\r\nContent-Type: text/html; charset=UTF-8"
	    "\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n%s",
	    bnd, qp);
	free(qp);
	buf_printf(&b, "\r\n--%s--\r\n", bnd);
	ml->data = buf_steal(&b, &ml->len);
	return NY_OK;
}

void
outbox_mail_free(struct outbox_mail *ml)
{
	free(ml->subject);
	free(ml->text);
	free(ml->html);
	free(ml->unsub);
	free(ml->headers);
	free(ml->data);
	memset(ml, 0, sizeof *ml);
}

/* ---- the mail log driver --------------------------------------------- */

struct ob_mlog {
	char	*path;		/* NULL: no data dir, sends retry */
	char	*base_url;
	char	*from;
};

enum ny_err
outbox_mail_log_new(const struct outbox_conf *conf, void **data,
    char **cause)
{
	struct ob_mlog *lg = xcalloc(1, sizeof *lg);

	(void)cause;
	/* No data dir is no reason to stop WhatsApp: mail then waits. */
	if (conf->data_dir != NULL && *conf->data_dir != '\0')
		lg->path = xasprintf("%s/mail.jsonl", conf->data_dir);
	lg->base_url = xstrdup(conf->base_url != NULL ? conf->base_url : "");
	lg->from = xstrdup(conf->mail_from != NULL && *conf->mail_from ?
	    conf->mail_from : OB_MAIL_FROM_DEFAULT);
	*data = lg;
	return NY_OK;
}

static void
ob_mlog_free(void *data)
{
	struct ob_mlog *lg = data;

	free(lg->path);
	free(lg->base_url);
	free(lg->from);
	free(lg);
}

/* The header block as an object, in order, values as sent. */
static json_t *
ob_mlog_headers(const char *hdrs)
{
	json_t *o = json_object();
	const char *p = hdrs, *colon, *end;
	char *name, *val;

	while (*p != '\0') {
		for (end = p; (end = strstr(end, "\r\n")) != NULL &&
		    (end[2] == ' ' || end[2] == '\t'); end += 2)
			;	/* a folded value goes on */
		if (end == NULL || (colon = memchr(p, ':',
		    (size_t)(end - p))) == NULL)
			break;
		name = xstrndup(p, (size_t)(colon - p));
		val = xstrndup(colon + 2, (size_t)(end - colon - 2));
		json_object_set_new(o, name, outbox_json_str(val));
		free(name);
		free(val);
		p = end + 2;
	}
	return o;
}

static enum outbox_result
ob_mlog_send(void *data, const struct outbox_send *m, char *provider_id,
    size_t idlen, char *reason, size_t reasonlen)
{
	struct ob_mlog *lg = data;
	struct outbox_mail ml;
	char at[64];
	json_t *o;

	if (outbox_mail_make(lg->base_url, lg->from, m, ny_now(), &ml, reason,
	    reasonlen) != NY_OK)
		return OUTBOX_FAIL;
	memset(at, 0, sizeof at);
	ny_iso8601(ny_now(), at, sizeof at - 1);
	o = json_object();
	json_object_set_new(o, "id", json_integer((json_int_t)m->id));
	json_object_set_new(o, "at", outbox_json_str(at));
	json_object_set_new(o, "from", outbox_json_str(ml.from));
	json_object_set_new(o, "to", outbox_json_str(ml.to));
	json_object_set_new(o, "subject", outbox_json_str(ml.subject));
	json_object_set_new(o, "kind", outbox_json_str(m->kind));
	json_object_set_new(o, "lang", outbox_json_str(m->locale));
	json_object_set_new(o, "link", m->link != NULL ?
	    outbox_json_str(m->link) : json_null());
	json_object_set_new(o, "text", outbox_json_str(ml.text));
	json_object_set_new(o, "html", outbox_json_str(ml.html));
	json_object_set_new(o, "headers", ob_mlog_headers(ml.headers));
	snprintf(provider_id, idlen, "%s", ml.msgid);
	outbox_mail_free(&ml);
	return outbox_log_append(lg->path, "mail.jsonl", o, reason, reasonlen);
}

const struct outbox_driver outbox_driver_mail_log = {
	.name = "mail-log",
	.send = ob_mlog_send,
	.free = ob_mlog_free,
};
