/*
 * mail-optout-http.h: the unsubscribe page of an email's List-Unsubscribe
 * link (shared/mail-optout.h keeps the list).
 */
#ifndef NY_MAIL_OPTOUT_HTTP_H
#define NY_MAIL_OPTOUT_HTTP_H

#include "http.h"

/* GET /mail/unsubscribe/{token}: a page with one button; changes nothing. */
int	mail_optout_page(struct http_req *rq, struct http_resp *rs);
/*
 * POST /mail/unsubscribe/{token}: the button, or a mail client's RFC 8058
 * one-click POST (body "List-Unsubscribe=One-Click"): records the
 * opt-out and says so in the buyer's language.
 */
int	mail_optout_post(struct http_req *rq, struct http_resp *rs);

#endif
