/*
 * test-outbox-mail: email, the second channel. The message (MIME
 * structure, quoted-printable, CRLF, the link as text and as an <a>,
 * HTML escaping), header injection refused, subject encoding (RFC 2047),
 * List-Unsubscribe by kind, the unsubscribe token and the opt-out list,
 * routing by channel (email rows to the mail driver, WhatsApp rows to
 * theirs), NYOTA_SMTP_URL / NYOTA_MAIL_FROM checks (no password in any
 * error), and the SMTP driver against tests/fake-smtp.py (the real
 * protocol: AUTH, dot-stuffing; 4xx and a dead relay retried, 5xx failed).
 */
#include <check.h>
#include <jansson.h>
#include <signal.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "config.h"
#include "library-fixture.h"
#include "mail.h"
#include "mail-optout.h"
#include "outbox-int.h"
#include "outbox.h"
#include "smtp-url.h"

#define BASE	"http://shop.test"
#define ADDR	"amina@example.co.ke"

/* ---- helpers --------------------------------------------------------- */

static struct outbox_send
msg(const char *kind, const char *locale, const char *to)
{
	struct outbox_send m = { .id = 42, .to = to, .kind = kind,
	    .locale = locale, .attempt = 1,
	    .body_raw = "Asante! <b>Nairobi Nights</b> & more.\n"
	    ".a line that starts with a dot\nYour library: {link}\n"
	    "Caf\xc3\xa9 \xe2\x80\x94 a long line that goes on and on and on "
	    "and on, well past seventy-six characters, to be soft-broken.",
	    .link = BASE "/l/TOKEN_abc?x=1&y=2" };

	m.body = outbox_subst_link(m.body_raw, m.link);
	return m;
}

/* Quoted-printable decoded (soft breaks joined, CRLF → LF). */
static char *
qp_decode(const char *s, size_t n)
{
	char *out = xcalloc(1, n + 1), *o = out;
	size_t i;

	for (i = 0; i < n; i++) {
		if (s[i] == '=' && i + 2 < n + 1 && s[i + 1] == '\r' &&
		    s[i + 2] == '\n') {
			i += 2;
		} else if (s[i] == '=' && i + 2 < n) {
			char hex[3] = { s[i + 1], s[i + 2], 0 };

			*o++ = (char)strtol(hex, NULL, 16);
			i += 2;
		} else if (s[i] == '\r' && i + 1 < n && s[i + 1] == '\n') {
			*o++ = '\n';
			i++;
		} else
			*o++ = s[i];
	}
	return out;
}

/* The decoded body of the part with content type ctype ("text/html"). */
static char *
part(const char *data, const char *ctype)
{
	const char *b = strstr(data, "boundary=\""), *p, *body, *end;
	char bnd[128];
	size_t n;

	ck_assert_ptr_nonnull(b);
	b += 10;
	n = strcspn(b, "\"");
	ck_assert_uint_lt(n + 5, sizeof bnd);
	snprintf(bnd, sizeof bnd, "\r\n--%.*s", (int)n, b);
	for (p = strstr(data, bnd); p != NULL; p = strstr(p + 1, bnd)) {
		const char *hdr = p + strlen(bnd) + 2;

		body = strstr(hdr, "\r\n\r\n");
		ck_assert_ptr_nonnull(body);
		if (strncmp(hdr, "Content-Type: ", 14) != 0 ||
		    strncmp(hdr + 14, ctype, strlen(ctype)) != 0)
			continue;
		/* every part: UTF-8, quoted-printable */
		ck_assert_ptr_nonnull(strstr(hdr, "charset=UTF-8\r\n"
		    "Content-Transfer-Encoding: quoted-printable\r\n\r\n"));
		body += 4;
		end = strstr(body, bnd);
		ck_assert_ptr_nonnull(end);
		return qp_decode(body, (size_t)(end - body));
	}
	ck_abort_msg("no %s part", ctype);
	return NULL;
}

/* Value of header name in the header block (unfolded), or NULL. */
static char *
header(const char *hdrs, const char *name)
{
	char *key = xasprintf("\r\n%s: ", name), *full = xasprintf("\r\n%s",
	    hdrs), *p, *e, *v;
	struct ny_buf b;

	p = strstr(full, key);
	if (p == NULL) {
		free(key);
		free(full);
		return NULL;
	}
	p += strlen(key);
	buf_init(&b, 0);
	while ((e = strstr(p, "\r\n")) != NULL) {
		buf_add(&b, p, (size_t)(e - p));
		if (e[2] != ' ' && e[2] != '\t')
			break;
		p = e + 3;
	}
	v = buf_steal(&b, NULL);
	free(key);
	free(full);
	return v;
}

static void
setup_keys(void)
{
	char *cause = NULL;

	crypto_init_key(lf_key);
	if (i18n_load(&cause) != NY_OK)
		free(cause);
}

/* ---- the message ----------------------------------------------------- */

/* What a buyer types as an address: taken, normalised, or refused. */
START_TEST(addr_check)
{
	static const char *const good[][2] = {
		{ "amani@example.com", "amani@example.com" },
		{ "  Amani.W+shop@Mail.Example.CO.KE \t", "amani.w+shop@mail.example.co.ke" },
		{ "a@b.ke", "a@b.ke" },
		{ "o'neil@x-y.ke", "o'neil@x-y.ke" },
	};
	static const char *const bad[] = {
		"", "amani", "@example.com", "amani@", "amani@example",
		"a@@example.com", "a@b@example.com", "a b@example.com",
		"a<b@example.com", "a\"b@example.com", "a,b@example.com",
		"a\r\nBcc: x@y.ke@example.com", "a@example.com\r\nBcc: x@y.ke",
		".a@example.com", "a.@example.com", "a..b@example.com",
		"a@-example.com", "a@example-.com", "a@example..com",
		"a@example.com.", "a@exa_mple.com", "a@ex ample.com",
		"\xc3\xa9@example.com", "a@\xc3\xa9xample.com",
	};
	char out[MAIL_ADDR_MAX + 1], longl[80], longa[300];
	size_t i;

	for (i = 0; i < sizeof good / sizeof *good; i++) {
		ck_assert_msg(mail_addr_check(good[i][0], out, sizeof out) ==
		    NY_OK, "refused: %s", good[i][0]);
		ck_assert_str_eq(out, good[i][1]);
	}
	for (i = 0; i < sizeof bad / sizeof *bad; i++)
		ck_assert_msg(mail_addr_check(bad[i], out, sizeof out) ==
		    NY_EINVAL, "taken: %s", bad[i]);
	/* Local part up to 64, the whole up to 254. */
	memset(longl, 'a', 65);
	strcpy(longl + 65, "@x.ke");
	ck_assert_int_eq(mail_addr_check(longl, out, sizeof out), NY_EINVAL);
	strcpy(longl + 64, "@x.ke");
	ck_assert_int_eq(mail_addr_check(longl, out, sizeof out), NY_OK);
	memset(longa, 'b', sizeof longa);
	memcpy(longa, "a@", 2);
	memcpy(longa + 251, ".ke", 4);
	ck_assert_int_eq(mail_addr_check(longa, out, sizeof out), NY_EINVAL);
	ck_assert_int_eq(mail_addr_check("a@b.ke", out, 10), NY_EINVAL);
	ck_assert_int_eq(mail_addr_check(NULL, out, sizeof out), NY_EINVAL);
}
END_TEST

START_TEST(mime_structure)
{
	struct outbox_send m;
	struct outbox_mail ml;
	char reason[128] = "", *text, *html, *v;
	const char *p, *line;

	setup_keys();
	m = msg("library_link", "en", ADDR);
	ck_assert_int_eq(outbox_mail_make(BASE, "shop@nyota.example", &m,
	    LF_T0, &ml, reason, sizeof reason), NY_OK);
	/* Every line ends in CRLF and is at most 78 + 2 bytes. */
	for (line = ml.data; (p = strchr(line, '\n')) != NULL; line = p + 1) {
		ck_assert_msg(p > ml.data && p[-1] == '\r', "bare LF");
		ck_assert_uint_le((size_t)(p - line), 998);
	}
	ck_assert_str_eq(line, "");
	ck_assert_uint_eq(ml.len, strlen(ml.data));
	v = header(ml.data, "From");
	ck_assert_str_eq(v, "Nyota <shop@nyota.example>");
	free(v);
	v = header(ml.data, "To");
	ck_assert_str_eq(v, "<" ADDR ">");
	free(v);
	v = header(ml.data, "Subject");
	ck_assert_str_eq(v, "Your Nyota library link");
	free(v);
	v = header(ml.data, "Date");
	ck_assert_str_eq(v, "Sun, 17 Mar 2030 17:46:40 +0000");
	free(v);
	v = header(ml.data, "Message-ID");
	ck_assert_msg(strncmp(v, "<42.", 4) == 0 &&
	    strstr(v, "@nyota.example>") != NULL, "%s", v);
	ck_assert_int_eq(strncmp(v + 1, ml.msgid, strlen(ml.msgid)), 0);
	free(v);
	v = header(ml.data, "MIME-Version");
	ck_assert_str_eq(v, "1.0");
	free(v);
	v = header(ml.data, "Content-Type");
	ck_assert_msg(strncmp(v, "multipart/alternative; boundary=\"=_", 35)
	    == 0, "%s", v);
	free(v);
	/* The text: the body with the link; the dot line intact. */
	text = part(ml.data, "text/plain");
	ck_assert_str_eq(text, m.body);
	/* The wire form keeps lines ≤ 76 (soft breaks). */
	for (line = strstr(ml.data, "quoted-printable"); (p = strstr(line,
	    "\r\n")) != NULL; line = p + 2)
		ck_assert_uint_le((size_t)(p - line), 76);
	/* The HTML: escaped text, the link an <a> with an escaped href. */
	html = part(ml.data, "text/html");
	ck_assert_ptr_nonnull(strstr(html, "&lt;b&gt;Nairobi Nights&lt;/b&gt;"
	    " &amp; more."));
	ck_assert_ptr_null(strstr(html, "<b>"));
	ck_assert_ptr_nonnull(strstr(html, "<a href=\"" BASE
	    "/l/TOKEN_abc?x=1&amp;y=2\">" BASE "/l/TOKEN_abc?x=1&amp;y=2</a>"));
	ck_assert_ptr_nonnull(strstr(html, "Caf\xc3\xa9 \xe2\x80\x94"));
	ck_assert_ptr_nonnull(strstr(html, "<html lang=\"en\">"));
	/* Both attempts of one message share the Message-ID. */
	{
		struct outbox_mail again;
		char *v2;

		ck_assert_int_eq(outbox_mail_make(BASE, "shop@nyota.example",
		    &m, LF_T0 + 99, &again, reason, sizeof reason), NY_OK);
		ck_assert_str_eq(again.msgid, ml.msgid);
		v = header(ml.data, "Content-Type");
		v2 = header(again.data, "Content-Type");
		ck_assert_str_ne(v, v2);	/* a fresh boundary */
		free(v);
		free(v2);
		outbox_mail_free(&again);
	}
	free(text);
	free(html);
	free((char *)m.body);
	outbox_mail_free(&ml);
}
END_TEST

START_TEST(qp_edges)
{
	char *q;

	q = outbox_mail_qp("a = b \nend\t");
	ck_assert_str_eq(q, "a =3D b=20\r\nend=09");
	free(q);
	q = outbox_mail_qp("");
	ck_assert_str_eq(q, "");
	free(q);
	q = outbox_mail_qp("x\r\ny\n");
	ck_assert_str_eq(q, "x\r\ny\r\n");
	free(q);
	q = outbox_mail_qp("\xc3\xa9");
	ck_assert_str_eq(q, "=C3=A9");
	free(q);
}
END_TEST

START_TEST(header_injection_refused)
{
	static const char *const bad[] = {
	    "amina@example.com\r\nBcc: all@example.com",
	    "amina@example.com\nBcc: all@example.com",
	    "<amina@example.com>", "amina@example.com>, x@y.com",
	    "\"a b\"@example.com", "amina@exa mple.com", "amina", "",
	    "a@b.c\r", "amina@example.com,x@y.com",
	};
	struct outbox_send m;
	struct outbox_mail ml;
	struct outbox_msg q = { .to_phone = LF_PHONE1, .kind = "receipt",
	    .locale = "en", .body = "hi", .channel = "email" };
	char reason[128];
	struct db *db;
	size_t i;
	int64_t id;

	setup_keys();
	for (i = 0; i < sizeof bad / sizeof *bad; i++) {
		m = msg("receipt", "en", bad[i]);
		reason[0] = '\0';
		ck_assert_msg(outbox_mail_make(BASE, "shop@nyota.example", &m,
		    LF_T0, &ml, reason, sizeof reason) == NY_EINVAL,
		    "accepted \"%s\"", bad[i]);
		ck_assert_str_eq(reason, "invalid email address");
		free((char *)m.body);
	}
	/* A sender that is not an address is refused too. */
	m = msg("receipt", "en", ADDR);
	ck_assert_int_eq(outbox_mail_make(BASE, "shop@x.com\r\nBcc: a@b.com",
	    &m, LF_T0, &ml, reason, sizeof reason), NY_EINVAL);
	/* A base URL that could break the header: no List-Unsubscribe at
	 * all rather than a broken one. */
	free((char *)m.body);
	m = msg("reminder", "en", ADDR);
	ck_assert_int_eq(outbox_mail_make("http://x>\r\nBcc: a@b.com", NULL,
	    &m, LF_T0, &ml, reason, sizeof reason), NY_OK);
	ck_assert_ptr_null(strstr(ml.data, "Bcc"));
	ck_assert_ptr_null(ml.unsub);
	outbox_mail_free(&ml);
	free((char *)m.body);
	ck_assert(!outbox_mail_header_ok("a\r\nb"));
	ck_assert(!outbox_mail_header_ok("a\nb"));
	ck_assert(!outbox_mail_header_ok(NULL));
	ck_assert(outbox_mail_header_ok("a\tb"));
	/* Queueing: the address is checked before it is stored. */
	db = lf_open(NULL);
	ck_assert_int_eq(db_begin(db), NY_OK);
	for (i = 0; i < sizeof bad / sizeof *bad; i++) {
		q.to_email = bad[i];
		ck_assert_int_eq(outbox_queue_tx(db, &q, &id), NY_EINVAL);
	}
	q.to_email = NULL;
	ck_assert_int_eq(outbox_queue_tx(db, &q, &id), NY_EINVAL);
	q.to_email = ADDR;
	q.channel = "sms";
	ck_assert_int_eq(outbox_queue_tx(db, &q, &id), NY_EINVAL);
	q.channel = "email";
	q.to_email = "  Amina@Example.CO.KE ";
	ck_assert_int_eq(outbox_queue_tx(db, &q, &id), NY_OK);
	ck_assert_int_eq(db_commit(db), NY_OK);
	ck_assert_int_eq(sql_int(db, "SELECT count(*) FROM messages WHERE"
	    " channel = 'email' AND to_email = 'amina@example.co.ke'"
	    " AND to_phone = '254712345678'"), 1);
	db_close(db);
}
END_TEST

START_TEST(subject_encoding)
{
	struct outbox_send m;
	struct outbox_mail ml;
	char reason[128], *enc, *w, *v, dec[256];
	const char *p;
	size_t n, dlen;
	struct ny_buf all;

	setup_keys();
	/* Swahili subjects are ASCII: as they are. */
	m = msg("receipt", "sw", ADDR);
	ck_assert_int_eq(outbox_mail_make(BASE, NULL, &m, LF_T0, &ml, reason,
	    sizeof reason), NY_OK);
	v = header(ml.data, "Subject");
	ck_assert_str_eq(v, "Risiti yako ya Nyota");
	free(v);
	v = part(ml.data, "text/html");
	ck_assert_ptr_nonnull(strstr(v, "<html lang=\"sw\">"));
	free(v);
	v = header(ml.data, "From");
	ck_assert_str_eq(v, "Nyota <nyota@localhost>");	/* log default */
	free(v);
	outbox_mail_free(&ml);
	free((char *)m.body);
	/* Not ASCII: encoded words, each ≤ 75, folded, decoding back. */
	enc = outbox_mail_encode_word("Risiti \xe2\x80\x94 \xc3\xa9t\xc3\xa9 "
	    "\xf0\x9f\x8e\xb5 Nairobi Nights, Alliance Fran\xc3\xa7" "aise, "
	    "tamasha la muziki wa pwani \xe2\x80\x94 toleo la pili");
	buf_init(&all, 0);
	for (p = enc; ; p += n + 3) {
		n = strcspn(p, "\r");
		ck_assert_uint_le(n, 75);
		ck_assert_msg(strncmp(p, "=?UTF-8?B?", 10) == 0 &&
		    strncmp(p + n - 2, "?=", 2) == 0, "%s", p);
		w = xstrndup(p + 10, n - 12);
		ck_assert_int_eq(sodium_base642bin((unsigned char *)dec,
		    sizeof dec, w, strlen(w), NULL, &dlen, NULL,
		    sodium_base64_VARIANT_ORIGINAL), 0);
		/* each word holds whole characters */
		ck_assert_msg((dec[0] & 0xc0) != 0x80, "word cut a character");
		buf_add(&all, dec, dlen);
		free(w);
		if (p[n] == '\0')
			break;
		ck_assert(p[n + 1] == '\n' && p[n + 2] == ' ');
	}
	ck_assert_ptr_ne(strchr(enc, '\r'), NULL);	/* it was folded */
	ck_assert_str_eq(all.data, "Risiti \xe2\x80\x94 \xc3\xa9t\xc3\xa9 "
	    "\xf0\x9f\x8e\xb5 Nairobi Nights, Alliance Fran\xc3\xa7" "aise, "
	    "tamasha la muziki wa pwani \xe2\x80\x94 toleo la pili");
	buf_free(&all);
	free(enc);
	/* ASCII that would read as an encoded word is encoded. */
	enc = outbox_mail_encode_word("=?UTF-8?B?SGk=?=");
	ck_assert_str_eq(enc, "=?UTF-8?B?PT9VVEYtOD9CP1NHaz0/PQ==?=");
	free(enc);
	enc = outbox_mail_encode_word("Plain subject");
	ck_assert_str_eq(enc, "Plain subject");
	free(enc);
}
END_TEST

START_TEST(list_unsubscribe_by_kind)
{
	static const char *const tx[] = { "receipt", "refund", "confirm_code",
	    "library_link" };
	static const char *const bulk[] = { "reminder", "automation",
	    "sale_alert" };
	char reason[128], tok[MAIL_UNSUB_TOKEN_LEN + 1], *want, *v, *text;
	struct outbox_send m;
	struct outbox_mail ml;
	size_t i;

	setup_keys();
	for (i = 0; i < sizeof tx / sizeof *tx; i++) {
		m = msg(tx[i], "en", ADDR);
		ck_assert_int_eq(outbox_mail_make(BASE, NULL, &m, LF_T0, &ml,
		    reason, sizeof reason), NY_OK);
		ck_assert_msg(strstr(ml.headers, "List-Unsubscribe") == NULL,
		    "%s has List-Unsubscribe", tx[i]);
		ck_assert_ptr_null(strstr(ml.text, "Unsubscribe"));
		outbox_mail_free(&ml);
		free((char *)m.body);
	}
	mail_unsub_token(ADDR, tok, sizeof tok);
	for (i = 0; i < sizeof bulk / sizeof *bulk; i++) {
		m = msg(bulk[i], i == 0 ? "sw" : "en", ADDR);
		ck_assert_int_eq(outbox_mail_make(BASE, NULL, &m, LF_T0, &ml,
		    reason, sizeof reason), NY_OK);
		want = xasprintf("<" BASE "/mail/unsubscribe/%s?lang=%s>", tok,
		    i == 0 ? "sw" : "en");
		v = header(ml.headers, "List-Unsubscribe");
		ck_assert_ptr_nonnull(v);
		ck_assert_str_eq(v, want);
		free(v);
		v = header(ml.headers, "List-Unsubscribe-Post");
		ck_assert_str_eq(v, "List-Unsubscribe=One-Click");
		free(v);
		/* and a visible link in both parts */
		text = part(ml.data, "text/plain");
		want[strlen(want) - 1] = '\0';	/* the URL without <> */
		ck_assert_ptr_nonnull(strstr(text, want + 1));
		ck_assert_ptr_nonnull(strstr(text, i == 0 ? "Jiondoe" :
		    "Unsubscribe"));
		free(text);
		text = part(ml.data, "text/html");
		ck_assert_ptr_nonnull(strstr(text, "/mail/unsubscribe/"));
		free(text);
		free(want);
		outbox_mail_free(&ml);
		free((char *)m.body);
	}
	/* Unknown kinds get the generic subject (and the header). */
	m = msg("something_new", "en", ADDR);
	ck_assert_int_eq(outbox_mail_make(BASE, NULL, &m, LF_T0, &ml, reason,
	    sizeof reason), NY_OK);
	ck_assert_str_eq(ml.subject, "A message from Nyota");
	ck_assert_ptr_nonnull(ml.unsub);
	outbox_mail_free(&ml);
	free((char *)m.body);
}
END_TEST

/* ---- tokens and the opt-out list -------------------------------------- */

START_TEST(token_check)
{
	static const unsigned char other_key[32] =
	    "another-key-0123456789abcdefghi";
	char a[MAIL_UNSUB_TOKEN_LEN + 1], b[MAIL_UNSUB_TOKEN_LEN + 1];
	char c[MAIL_UNSUB_TOKEN_LEN + 1];

	setup_keys();
	mail_unsub_token("Amina@Example.co.ke", a, sizeof a);
	mail_unsub_token("amina@example.co.ke", b, sizeof b);
	ck_assert_str_eq(a, b);		/* one inbox, one token */
	ck_assert(tok_shape_ok(a, MAIL_UNSUB_TOKEN_LEN));
	mail_unsub_token("amina2@example.co.ke", c, sizeof c);
	ck_assert_str_ne(a, c);
	ck_assert(mail_unsub_token_ok(a));
	ck_assert(mail_unsub_token_ok(c));
	/* Another address's id with this signature: refused. */
	memcpy(b, c, 32);
	ck_assert(!mail_unsub_token_ok(b));
	memcpy(b, a, sizeof b);
	b[40] = b[40] == 'A' ? 'B' : 'A';
	ck_assert(!mail_unsub_token_ok(b));
	ck_assert(!mail_unsub_token_ok("short"));
	ck_assert(!mail_unsub_token_ok(NULL));
	crypto_init_key(other_key);	/* another shop cannot forge ours */
	mail_unsub_token("amina@example.co.ke", c, sizeof c);
	ck_assert_str_ne(a, c);
	crypto_init_key(lf_key);
	ck_assert(!mail_unsub_token_ok(c));
	ck_assert(mail_kind_transactional("receipt"));
	ck_assert(mail_kind_transactional("refund"));
	ck_assert(mail_kind_transactional("confirm_code"));
	ck_assert(mail_kind_transactional("library_link"));
	ck_assert(!mail_kind_transactional("reminder"));
	ck_assert(!mail_kind_transactional(NULL));
}
END_TEST

static char *
mkdir_tmp(void)
{
	char *d = tmp_path("data");

	ck_assert_int_eq(mkdir(d, 0700), 0);
	return d;
}

/* The lines of path as a JSON array (caller decrefs). */
static json_t *
jsonl(const char *path)
{
	char *data = NULL, *p, *nl;
	json_t *arr = json_array();
	size_t len;

	if (ny_read_file(path, 1 << 22, &data, &len) == NY_OK) {
		for (p = data; (nl = strchr(p, '\n')) != NULL; p = nl + 1) {
			json_t *v = json_loadb(p, (size_t)(nl - p), 0, NULL);

			ck_assert_ptr_nonnull(v);
			json_array_append_new(arr, v);
		}
		ck_assert_str_eq(p, "");
	}
	free(data);
	return arr;
}

static int64_t
queue_mail(struct db *db, const char *kind, const char *to_email,
    const char *channel)
{
	struct outbox_msg m = { .to_phone = LF_PHONE2, .kind = kind,
	    .locale = "en", .body = "Hello {link}", .customer_id = 2,
	    .channel = channel, .to_email = to_email };
	int64_t id = 0;

	ck_assert_int_eq(db_begin(db), NY_OK);
	ck_assert_int_eq(outbox_queue_tx(db, &m, &id), NY_OK);
	ck_assert_int_eq(db_commit(db), NY_OK);
	return id;
}

START_TEST(optout_and_routing)
{
	struct db *db = lf_open(NULL);
	char *dir = mkdir_tmp(), *path, tok[MAIL_UNSUB_TOKEN_LEN + 1];
	struct outbox_conf c = { .driver = "log", .base_url = BASE,
	    .data_dir = dir };
	struct outbox *ob;
	char *cause = NULL;
	json_t *mails, *was, *o;
	struct stat sb;
	int sent, has;
	struct outbox_row *rows;
	size_t n;

	ck_assert_int_eq(outbox_new(&c, &ob, &cause), NY_OK);
	/* Refused tokens: wrong shape. */
	ck_assert_int_eq(mail_optout_record(db, "short", LF_T0), NY_EINVAL);
	/* A well-shaped forgery writes nothing. */
	ck_assert_int_eq(mail_optout_record(db, "0123456789abcdef0123456789abcdef"
	    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", LF_T0), NY_EINVAL);
	ck_assert_int_eq(sql_int(db, "SELECT count(*) FROM mail_optout"), 0);
	ck_assert_int_eq(mail_optout_record(db, NULL, LF_T0), NY_EINVAL);
	mail_unsub_token("gone@example.com", tok, sizeof tok);
	ck_assert_int_eq(mail_optout_record(db, tok, LF_T0), NY_OK);
	ck_assert_int_eq(mail_optout_record(db, tok, LF_T0 + 1), NY_OK);
	ck_assert_int_eq(sql_int(db, "SELECT count(*) FROM mail_optout"), 1);
	/* The address is nowhere in the row. */
	ck_assert_int_eq(sql_int(db, "SELECT count(*) FROM mail_optout WHERE"
	    " instr(email_hash, 'gone') > 0 OR length(email_hash) != 32"), 0);
	ck_assert_int_eq(mail_optout_has(db, "Gone@example.com", &has), NY_OK);
	ck_assert_int_eq(has, 1);
	ck_assert_int_eq(mail_optout_has(db, ADDR, &has), NY_OK);
	ck_assert_int_eq(has, 0);

	queue_mail(db, "reminder", "gone@example.com", "email");	/* 1 */
	queue_mail(db, "receipt", "gone@example.com", "email");	/* 2 */
	queue_mail(db, "reminder", ADDR, "email");		/* 3 */
	queue_mail(db, "reminder", NULL, NULL);			/* 4 */
	ck_assert_int_eq(outbox_step(ob, db, LF_T0, 16, &sent), NY_OK);
	ck_assert_int_eq(sent, 4);
	ck_assert_int_eq(sql_int(db, "SELECT count(*) FROM messages WHERE"
	    " id = 1 AND status = 'failed' AND last_error = 'unsubscribed'"),
	    1);
	ck_assert_int_eq(sql_int(db, "SELECT count(*) FROM messages WHERE"
	    " id IN (2, 3, 4) AND status = 'sent'"), 3);
	/* Email rows went to mail.jsonl, the WhatsApp one to its log. */
	path = xasprintf("%s/mail.jsonl", dir);
	ck_assert_int_eq(stat(path, &sb), 0);
	ck_assert_int_eq(sb.st_mode & 0777, 0600);
	mails = jsonl(path);
	free(path);
	ck_assert_uint_eq(json_array_size(mails), 2);
	o = json_array_get(mails, 0);
	ck_assert_str_eq(json_string_value(json_object_get(o, "to")),
	    "gone@example.com");
	ck_assert_str_eq(json_string_value(json_object_get(o, "kind")),
	    "receipt");
	ck_assert_str_eq(json_string_value(json_object_get(o, "subject")),
	    "Your Nyota receipt");
	ck_assert_ptr_nonnull(json_string_value(json_object_get(o, "html")));
	ck_assert_ptr_nonnull(json_object_get(json_object_get(o, "headers"),
	    "Message-ID"));
	ck_assert_ptr_null(json_object_get(json_object_get(o, "headers"),
	    "List-Unsubscribe"));
	o = json_array_get(mails, 1);
	ck_assert_str_eq(json_string_value(json_object_get(o, "to")), ADDR);
	ck_assert_ptr_nonnull(json_object_get(json_object_get(o, "headers"),
	    "List-Unsubscribe"));
	path = xasprintf("%s/whatsapp.jsonl", dir);
	was = jsonl(path);
	free(path);
	ck_assert_uint_eq(json_array_size(was), 1);
	ck_assert_str_eq(json_string_value(json_object_get(
	    json_array_get(was, 0), "to")), LF_PHONE2);
	/* The console lists the channel and the address. */
	ck_assert_int_eq(outbox_list(db, NULL, 10, &rows, &n), NY_OK);
	ck_assert_uint_eq(n, 4);
	ck_assert_str_eq(rows[0].channel, "whatsapp");
	ck_assert_str_eq(rows[0].to_email, "");
	ck_assert_str_eq(rows[1].channel, "email");
	ck_assert_str_eq(rows[1].to_email, ADDR);
	outbox_rows_free(rows, n);
	json_decref(mails);
	json_decref(was);
	outbox_free(ob);
	free(dir);
	db_close(db);
}
END_TEST

/* ---- configuration ---------------------------------------------------- */

static char *
config_cause(const char *url, const char *from)
{
	struct ny_config cfg;
	char *cause = NULL;

	setenv("NYOTA_SMTP_URL", url, 1);
	setenv("NYOTA_MAIL_FROM", from, 1);
	if (config_load(&cfg, 0, NULL, NULL, &cause) == NY_OK) {
		config_free(&cfg);
		return NULL;
	}
	ck_assert_ptr_nonnull(cause);
	ck_assert_ptr_null(strchr(cause, '\n'));
	return cause;
}

START_TEST(config_smtp)
{
	static const char *const bad[] = { "http://u:s3cretpw@h:25",
	    "smtp://u:s3cretpw@", "smtp://u:s3cretpw@h:0",
	    "smtp://u:s3cretpw@h:99999", "smtp://u:s3cretpw@h/x",
	    "smtp://u:s3cretpw@h?x", "smtp://u:s3cret pw@h",
	    "smtp://:s3cretpw@h",
	    "smtp://u:s3cretpw%zz@h", "smtp://u:s3cretpw@[::1" };
	char *cause;
	size_t i;
	struct smtp_url u;

	for (i = 0; i < sizeof bad / sizeof *bad; i++) {
		cause = config_cause(bad[i], "shop@example.com");
		ck_assert_msg(cause != NULL, "accepted %s", bad[i]);
		ck_assert_msg(strncmp(cause, "NYOTA_SMTP_URL: ", 16) == 0,
		    "%s", cause);
		ck_assert_msg(strstr(cause, "s3cret") == NULL,
		    "password shown: %s", cause);
		free(cause);
	}
	cause = config_cause("smtps://u:s3cretpw@mail.example.com:465", "");
	ck_assert_ptr_nonnull(cause);
	ck_assert_msg(strncmp(cause, "NYOTA_MAIL_FROM: ", 17) == 0, "%s", cause);
	ck_assert_ptr_null(strstr(cause, "s3cret"));
	free(cause);
	cause = config_cause("", "not an address");
	ck_assert_ptr_nonnull(cause);
	ck_assert_msg(strncmp(cause, "NYOTA_MAIL_FROM: ", 17) == 0, "%s", cause);
	free(cause);
	ck_assert_ptr_null(config_cause("smtps://u:s3cretpw@mail.example.com",
	    "Shop@Example.COM"));
	ck_assert_ptr_null(config_cause("", ""));
	ck_assert_ptr_null(config_cause("smtp://127.0.0.1:2525/", "a@b.co"));
	unsetenv("NYOTA_SMTP_URL");
	unsetenv("NYOTA_MAIL_FROM");
	/* The parts. */
	ck_assert_int_eq(smtp_url_parse("smtps://me%40x.com:p%40ss:w@"
	    "mail.x.com", &u), NY_OK);
	ck_assert_int_eq(u.tls, 1);
	ck_assert_str_eq(u.user, "me@x.com");
	ck_assert_str_eq(u.pass, "p@ss:w");
	ck_assert_str_eq(u.host, "mail.x.com");
	ck_assert_int_eq(u.port, 465);
	ck_assert_str_eq(u.url, "smtps://mail.x.com:465");
	smtp_url_free(&u);
	ck_assert_int_eq(smtp_url_parse("smtp://[::1]:2525", &u), NY_OK);
	ck_assert_str_eq(u.host, "[::1]");
	ck_assert_int_eq(u.port, 2525);
	ck_assert_ptr_null(u.user);
	ck_assert(smtp_url_loopback(u.host));
	smtp_url_free(&u);
	{
		char shown[64];

		smtp_url_show("smtps://u:pw@h:465", shown, sizeof shown);
		ck_assert_str_eq(shown, "smtps://***@h:465");
		/* A password holding '/' or '@' unescaped: all of it hidden. */
		smtp_url_show("smtps://shop%40x.ke:Zx9/Qw@7pLm@smtp.x.com:465",
		    shown, sizeof shown);
		ck_assert_str_eq(shown, "smtps://***@smtp.x.com:465");
	}
	/* Loopback is an address, not a name that starts like one. */
	ck_assert(smtp_url_loopback("127.0.0.1"));
	ck_assert(smtp_url_loopback("127.1.2.3"));
	ck_assert(smtp_url_loopback("localhost"));
	ck_assert(!smtp_url_loopback("127.mail.example.net"));
	ck_assert(!smtp_url_loopback("128.0.0.1"));
	ck_assert(!smtp_url_loopback("mail.example.net"));
}
END_TEST

/* ---- SMTP against tests/fake-smtp.py ---------------------------------- */

struct fsmtp {
	pid_t	 pid;
	int	 port;
	char	*out;
	char	*mode;
};

static void
fsmtp_start(struct fsmtp *f, int port)
{
	char *portfile = tmp_path("smtp.port"), *data = NULL, pstr[16];
	const char *src = getenv("NYOTA_SRC");
	char *script = xasprintf("%s/tests/fake-smtp.py", src ? src : ".");
	size_t len;
	int i;

	if (f->out == NULL) {
		f->out = tmp_path("smtp.jsonl");
		f->mode = tmp_path("smtp.mode");
	}
	snprintf(pstr, sizeof pstr, "%d", port);
	f->pid = fork();
	ck_assert_int_ge(f->pid, 0);
	if (f->pid == 0) {
		execlp("python3", "python3", script, portfile, f->out,
		    "--port", pstr, "--auth", "shop@x.com:p@ss w",
		    "--mode-file", f->mode, (char *)NULL);
		_exit(127);
	}
	for (i = 0; i < 200 && ny_read_file(portfile, 16, &data, &len) !=
	    NY_OK; i++)
		usleep(50000);
	ck_assert_ptr_nonnull(data);
	f->port = (int)strtol(data, NULL, 10);
	free(data);
	free(portfile);
	free(script);
}

static void
fsmtp_stop(struct fsmtp *f)
{
	kill(f->pid, SIGTERM);
	waitpid(f->pid, NULL, 0);
	f->pid = 0;
}

static void
fsmtp_mode(struct fsmtp *f, const char *mode)
{
	FILE *fp = fopen(f->mode, "w");

	ck_assert_ptr_nonnull(fp);
	fputs(mode, fp);
	fclose(fp);
}

static struct outbox *
smtp_outbox(int port)
{
	char *url = xasprintf("smtp://shop%%40x.com:p%%40ss%%20w@127.0.0.1:%d",
	    port);
	struct outbox_conf c = { .driver = "log", .base_url = BASE,
	    .data_dir = "/nonexistent", .smtp_url = url,
	    .mail_from = "shop@x.com", .timeout_ms = 5000 };
	struct outbox *ob;
	char *cause = NULL;

	ck_assert_int_eq(outbox_new(&c, &ob, &cause), NY_OK);
	free(url);
	return ob;
}

static void
status_of(struct db *db, int64_t id, char *status, size_t slen, char *err,
    size_t elen)
{
	sqlite3_stmt *st = db_stmt(db, "SELECT status,"
	    " coalesce(last_error, '') || '|' || coalesce(provider_id, '')"
	    " FROM messages WHERE id = ?");

	sqlite3_bind_int64(st, 1, id);
	ck_assert_int_eq(sqlite3_step(st), SQLITE_ROW);
	snprintf(status, slen, "%s", sqlite3_column_text(st, 0));
	snprintf(err, elen, "%s", sqlite3_column_text(st, 1));
	sqlite3_reset(st);
}

START_TEST(smtp_delivers_retries_and_fails)
{
	struct db *db = lf_open(NULL);
	struct fsmtp f = { 0 };
	struct outbox *ob;
	struct outbox_msg m = { .to_phone = LF_PHONE2, .kind = "reminder",
	    .locale = "en", .customer_id = 2, .channel = "email",
	    .to_email = ADDR,
	    .body = "Hello\n.dot line\n..two dots\nThe link: {link}\n" };
	char status[16], err[300], *text;
	json_t *evs, *e;
	int64_t id;
	int sent, port;

	fsmtp_start(&f, 0);
	port = f.port;
	ob = smtp_outbox(port);
	/* 1. accepted: AUTH, from, rcpt, the message un-stuffed intact. */
	ck_assert_int_eq(db_begin(db), NY_OK);
	ck_assert_int_eq(outbox_queue_tx(db, &m, &id), NY_OK);
	ck_assert_int_eq(db_commit(db), NY_OK);
	ck_assert_int_eq(outbox_step(ob, db, LF_T0, 16, &sent), NY_OK);
	status_of(db, id, status, sizeof status, err, sizeof err);
	ck_assert_str_eq(status, "sent");
	ck_assert_msg(strncmp(err, "|1.", 3) == 0 && strstr(err, "@x.com"),
	    "%s", err);
	evs = jsonl(f.out);
	ck_assert_uint_eq(json_array_size(evs), 1);
	e = json_array_get(evs, 0);
	ck_assert_str_eq(json_string_value(json_object_get(e, "event")),
	    "message");
	ck_assert_str_eq(json_string_value(json_object_get(e, "auth")),
	    "shop@x.com");
	ck_assert_str_eq(json_string_value(json_object_get(e, "helo")),
	    "x.com");
	ck_assert_str_eq(json_string_value(json_object_get(e, "from")),
	    "shop@x.com");
	ck_assert_str_eq(json_string_value(json_array_get(json_object_get(e,
	    "rcpt"), 0)), ADDR);
	ck_assert(json_is_false(json_object_get(e, "bare_lf")));
	ck_assert(json_is_false(json_object_get(e, "long_line")));
	ck_assert_int_ge(json_integer_value(json_object_get(e, "stuffed")), 2);
	text = part(json_string_value(json_object_get(e, "data")),
	    "text/plain");
	ck_assert_ptr_nonnull(strstr(text, "Hello\n.dot line\n..two dots\n"
	    "The link: \n"));
	free(text);
	ck_assert_ptr_nonnull(strstr(json_string_value(json_object_get(e,
	    "data")), "\r\nList-Unsubscribe-Post: List-Unsubscribe=One-Click"
	    "\r\n"));
	json_decref(evs);

	/* 2. RCPT 450: retried later, not failed. */
	fsmtp_mode(&f, "rcpt450");
	ck_assert_int_eq(db_begin(db), NY_OK);
	m.dedupe_key = "m2";
	ck_assert_int_eq(outbox_queue_tx(db, &m, &id), NY_OK);
	ck_assert_int_eq(db_commit(db), NY_OK);
	ck_assert_int_eq(outbox_step(ob, db, LF_T0 + 1, 16, &sent), NY_OK);
	status_of(db, id, status, sizeof status, err, sizeof err);
	ck_assert_str_eq(status, "queued");
	ck_assert_msg(strncmp(err, "smtp 450", 8) == 0, "%s", err);

	/* 3. The relay down: retried; it comes back: delivered. */
	fsmtp_stop(&f);
	fsmtp_mode(&f, "ok");
	ck_assert_int_eq(outbox_step(ob, db, LF_T0 + 4000, 16, &sent), NY_OK);
	ck_assert_int_eq(sent, 1);
	status_of(db, id, status, sizeof status, err, sizeof err);
	ck_assert_str_eq(status, "queued");
	ck_assert_msg(strncmp(err, "smtp: ", 6) == 0, "%s", err);
	ck_assert_ptr_null(strstr(err, "p@ss"));
	fsmtp_start(&f, port);
	ck_assert_int_eq(outbox_step(ob, db, LF_T0 + 8000, 16, &sent), NY_OK);
	status_of(db, id, status, sizeof status, err, sizeof err);
	ck_assert_str_eq(status, "sent");
	ck_assert_int_eq(sql_int(db, "SELECT attempts FROM messages WHERE"
	    " dedupe_key = 'm2'"), 3);

	/* 4. RCPT 550 and DATA 554: failed for good. */
	fsmtp_mode(&f, "rcpt550");
	ck_assert_int_eq(db_begin(db), NY_OK);
	m.dedupe_key = "m3";
	ck_assert_int_eq(outbox_queue_tx(db, &m, &id), NY_OK);
	ck_assert_int_eq(db_commit(db), NY_OK);
	ck_assert_int_eq(outbox_step(ob, db, LF_T0 + 9000, 16, &sent), NY_OK);
	status_of(db, id, status, sizeof status, err, sizeof err);
	ck_assert_str_eq(status, "failed");
	ck_assert_msg(strncmp(err, "smtp 550", 8) == 0, "%s", err);
	fsmtp_mode(&f, "data554");
	ck_assert_int_eq(db_begin(db), NY_OK);
	m.dedupe_key = "m4";
	ck_assert_int_eq(outbox_queue_tx(db, &m, &id), NY_OK);
	ck_assert_int_eq(db_commit(db), NY_OK);
	ck_assert_int_eq(outbox_step(ob, db, LF_T0 + 9001, 16, &sent), NY_OK);
	status_of(db, id, status, sizeof status, err, sizeof err);
	ck_assert_str_eq(status, "failed");
	ck_assert_msg(strncmp(err, "smtp 554", 8) == 0, "%s", err);
	/* 5. A 554 greeting (our address blocked): retried, not failed —
	 * the operator fixes it and the queue goes out. */
	fsmtp_mode(&f, "greet554");
	ck_assert_int_eq(db_begin(db), NY_OK);
	m.dedupe_key = "m4b";
	ck_assert_int_eq(outbox_queue_tx(db, &m, &id), NY_OK);
	ck_assert_int_eq(db_commit(db), NY_OK);
	ck_assert_int_eq(outbox_step(ob, db, LF_T0 + 9001, 16, &sent), NY_OK);
	status_of(db, id, status, sizeof status, err, sizeof err);
	ck_assert_str_eq(status, "queued");
	ck_assert_msg(strstr(err, "554") != NULL, "%s", err);
	/* (out of the way of the counts below) */
	ck_assert_int_eq(db_exec(db, "UPDATE messages SET status = 'failed'"
	    " WHERE dedupe_key = 'm4b'"), NY_OK);
	/* A 421 greeting (busy): retried. */
	fsmtp_mode(&f, "greet421");
	ck_assert_int_eq(db_begin(db), NY_OK);
	m.dedupe_key = "m5";
	ck_assert_int_eq(outbox_queue_tx(db, &m, &id), NY_OK);
	ck_assert_int_eq(db_commit(db), NY_OK);
	ck_assert_int_eq(outbox_step(ob, db, LF_T0 + 9002, 16, &sent), NY_OK);
	status_of(db, id, status, sizeof status, err, sizeof err);
	ck_assert_str_eq(status, "queued");
	/* 6. A wrong password: retried (the operator fixes it). */
	outbox_free(ob);
	fsmtp_mode(&f, "ok");
	{
		char *url = xasprintf("smtp://shop%%40x.com:wrongpw@"
		    "127.0.0.1:%d", port);
		struct outbox_conf c = { .driver = "log", .base_url = BASE,
		    .data_dir = "/nonexistent", .smtp_url = url,
		    .mail_from = "shop@x.com" };
		char *cause = NULL;

		ck_assert_int_eq(outbox_new(&c, &ob, &cause), NY_OK);
		free(url);
	}
	ck_assert_int_eq(outbox_step(ob, db, LF_T0 + 99999, 16, &sent),
	    NY_OK);
	status_of(db, id, status, sizeof status, err, sizeof err);
	ck_assert_str_eq(status, "queued");
	ck_assert_ptr_null(strstr(err, "wrongpw"));
	outbox_free(ob);
	/* 7. No login at all where the relay wants one (530): retried. */
	{
		char *url = xasprintf("smtp://127.0.0.1:%d", port);
		struct outbox_conf c = { .driver = "log", .base_url = BASE,
		    .data_dir = "/nonexistent", .smtp_url = url,
		    .mail_from = "shop@x.com" };
		char *cause = NULL;

		ck_assert_int_eq(outbox_new(&c, &ob, &cause), NY_OK);
		free(url);
	}
	ck_assert_int_eq(outbox_step(ob, db, LF_T0 + 199999, 16, &sent),
	    NY_OK);
	ck_assert_int_eq(sent, 1);
	status_of(db, id, status, sizeof status, err, sizeof err);
	ck_assert_str_eq(status, "queued");
	ck_assert_msg(strncmp(err, "smtp 530", 8) == 0, "%s", err);
	outbox_free(ob);
	fsmtp_stop(&f);
	free(f.out);
	free(f.mode);
	db_close(db);
}
END_TEST

START_TEST(smtp_bad_settings_refused)
{
	struct outbox_conf c = { .driver = "log", .base_url = BASE,
	    .data_dir = "/nonexistent", .smtp_url = "smtp://u:s3cretpw@",
	    .mail_from = "a@b.co" };
	struct outbox *ob;
	char *cause = NULL;

	ck_assert_int_eq(outbox_new(&c, &ob, &cause), NY_EINVAL);
	ck_assert_ptr_null(strstr(cause, "s3cret"));
	ck_assert_ptr_nonnull(strstr(cause, "NYOTA_SMTP_URL"));
	free(cause);
	c.smtp_url = "smtp://u:s3cretpw@h";
	c.mail_from = NULL;
	ck_assert_int_eq(outbox_new(&c, &ob, &cause), NY_EINVAL);
	ck_assert_ptr_nonnull(strstr(cause, "NYOTA_MAIL_FROM"));
	free(cause);
}
END_TEST

static Suite *
mail_suite(void)
{
	Suite *s = suite_create("outbox-mail");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, addr_check);
	tcase_add_test(tc, mime_structure);
	tcase_add_test(tc, qp_edges);
	tcase_add_test(tc, header_injection_refused);
	tcase_add_test(tc, subject_encoding);
	tcase_add_test(tc, list_unsubscribe_by_kind);
	tcase_add_test(tc, token_check);
	tcase_add_test(tc, optout_and_routing);
	tcase_add_test(tc, config_smtp);
	tcase_add_test(tc, smtp_delivers_retries_and_fails);
	tcase_add_test(tc, smtp_bad_settings_refused);
	tcase_set_timeout(tc, 60);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	(void)lf_buy;		/* the fixture's, for other suites */
	(void)lf_scalar;
	return run_suite(mail_suite());
}
