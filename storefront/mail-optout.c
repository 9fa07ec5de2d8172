/*
 * mail-optout.c: /mail/unsubscribe/{token}. See mail-optout-http.h.
 *
 * GET never changes anything: mail scanners and link previews open every
 * link in a message, and an address must not drop off the list because
 * a filter looked at its mail. The page has one button that POSTs to the
 * same URL, which is also where a mail client sends its one-click POST.
 *
 * No CSRF token on the POST: there is no session to ride on. The token
 * in the path is the proof (signed under the master key, checked before
 * anything is written: see shared/mail-optout.h), and whoever holds it may unsubscribe that
 * address from anywhere; a cross-site form adds nothing to that, and
 * the one-click POST of a mail provider could not carry one.
 */
#include <string.h>

#include "crypto.h"
#include "http.h"
#include "i18n.h"
#include "log.h"
#include "mail-optout-http.h"
#include "mail-optout.h"

/* The page: "ask" (the button), "done", or "bad" (not a token). */
static int
mo_page(struct http_req *rq, struct http_resp *rs, int status,
    const char *state)
{
	const char *lang = http_lang(rq);
	json_t *ctx = json_pack("{ss ss ss}", "title",
	    i18n_get(lang, "mail.optout.title"), "token",
	    http_param(rq, "token"), "state", state);

	json_object_set_new(ctx, state, json_true());
	/* The URL holds the token: keep it out of caches and indexes. */
	http_add_header(rq, rs, "Cache-Control", "no-store");
	http_add_header(rq, rs, "X-Robots-Tag", "noindex, nofollow");
	return http_page(rq, rs, status, "mail-optout", ctx);
}

int
mail_optout_page(struct http_req *rq, struct http_resp *rs)
{
	const char *tok = http_param(rq, "token");

	if (!mail_unsub_token_ok(tok))
		return mo_page(rq, rs, 404, "bad");
	return mo_page(rq, rs, 200, "ask");
}

int
mail_optout_post(struct http_req *rq, struct http_resp *rs)
{
	enum ny_err rc;

	rc = mail_optout_record(http_db(rq), http_param(rq, "token"),
	    ny_now());
	if (rc == NY_EINVAL)
		return mo_page(rq, rs, 404, "bad");
	if (rc != NY_OK) {
		log_warn("mail opt-out failed", "err=\"%s\"", ny_strerror(rc));
		return 500;
	}
	log_info("mail opt-out recorded", "via=%s",
	    http_form(rq, "List-Unsubscribe") != NULL ? "one-click" : "page");
	return mo_page(rq, rs, 200, "done");
}
