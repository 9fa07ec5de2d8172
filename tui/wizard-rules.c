/*
 * wizard-rules.c: the product wizard's small decisions kept apart from
 * drawing and keys, so the unit tests (tests/test-wizard.c) check them
 * without a terminal: how wide the label column is, which currencies the
 * currency choice cycles through, whether an event's start is refused
 * for being past, when a subscription bought now ends, and the pricing
 * (a fixed price or pay what you want) the basics step asks for.
 */
#include <string.h>

#include "money.h"
#include "pay.h"
#include "wizard-int.h"

/*
 * The currencies money.c knows, in the order the choice shows them.
 * money.h has no list to walk, so it is written out here; each is still
 * checked with money_currency_ok, so one money.c drops is never offered.
 */
static const char *const wiz_all_currencies[] = {
	"KES", "TZS", "UGX", "USD", NULL
};

int
wizard_label_cols(const int *widths, int n, int cols)
{
	int i, lw = 0, most = cols - 6 - WIZ_VALUE_MIN;

	for (i = 0; i < n; i++)
		if (widths[i] > lw)
			lw = widths[i];
	/* Labels at x 2, two spaces, the value up to cols - 2. */
	if (lw > most)
		lw = most;
	return lw < WIZ_LABEL_MIN ? WIZ_LABEL_MIN : lw;
}

int
wizard_currencies(const char *methods, const char **out, int max)
{
	int i, n = 0;

	for (i = 0; wiz_all_currencies[i] != NULL && n < max; i++)
		if (money_currency_ok(wiz_all_currencies[i]) &&
		    pay_takes(methods, wiz_all_currencies[i]))
			out[n++] = wiz_all_currencies[i];
	if (n > 0)
		return n;
	/* Nobody takes any: every currency, so a draft can still be made
	 * (publishing says why it cannot, ui_unpayable). */
	for (i = 0; wiz_all_currencies[i] != NULL && n < max; i++)
		if (money_currency_ok(wiz_all_currencies[i]))
			out[n++] = wiz_all_currencies[i];
	return n;
}

const char *
wizard_currency_step(const char *methods, const char *cur, int dir)
{
	const char *v[WIZ_CURRENCIES_MAX];
	int n = wizard_currencies(methods, v, WIZ_CURRENCIES_MAX), i;

	if (n == 0)
		return cur;
	for (i = 0; i < n; i++)
		if (strcmp(v[i], cur) == 0)
			return v[(i + n + (dir > 0) - (dir < 0)) % n];
	return v[0];
}

int
wizard_start_check(int64_t starts, int64_t now, int64_t saved)
{
	if (starts > now)
		return WIZ_START_OK;
	/* An event already held: editing its page (a typo, the recording)
	 * must not force a made-up new date; a new past date is refused. */
	if (saved != 0 && starts == saved)
		return WIZ_START_PAST_KEPT;
	return WIZ_START_PAST;
}

int64_t
wizard_sub_end(int64_t now, int64_t period_days)
{
	/* As entitlement.c grants it: now + period days. */
	return period_days > 0 ? now + period_days * 86400 : now;
}

int
wizard_basics_fields(int pwyw, int out[WIZ_BASICS_MAX])
{
	int n = 0;

	/* The choice comes after the fields every product had before it
	 * (a creator who sells at a fixed price types what they always
	 * did, in the same places, then two Enters). */
	out[n++] = F_TITLE;
	out[n++] = F_SLUG;
	out[n++] = F_PRICE;
	out[n++] = F_CURRENCY;
	out[n++] = F_SUMMARY;
	out[n++] = F_PRICING;
	/* Only pay what you want proposes an amount. */
	if (pwyw)
		out[n++] = F_SUGGESTED;
	out[n++] = F_TAGS;
	return n;
}

const char *
wizard_label(int pwyw, int f)
{
	static const char *const labels[F_COUNT] = {
		"tui.wiz.title", "tui.wiz.slug", "tui.wiz.price",
		"tui.wiz.currency", "tui.wiz.summary", "tui.wiz.period",
		"tui.wiz.starts", "tui.wiz.venue", "tui.wiz.capacity",
		"tui.wiz.url", "tui.wiz.pricing", "tui.wiz.suggested",
		"tui.wiz.tags", "tui.wiz.files", "tui.wiz.cover"
	};

	if (f == F_PRICE && pwyw)
		return "tui.wiz.minimum";
	return f >= 0 && f < F_COUNT ? labels[f] : "tui.wiz.story";
}

enum ny_err
wizard_pricing(int pwyw, const char *price, const char *suggested,
    const char *currency, int64_t *price_minor, int64_t *suggested_minor,
    int *bad)
{
	*suggested_minor = -1;
	if (money_parse(price, currency, price_minor) != NY_OK)
		return *bad = F_PRICE, NY_EINVAL;
	if (!pwyw || suggested[strspn(suggested, " ")] == '\0')
		return NY_OK;
	if (money_parse(suggested, currency, suggested_minor) != NY_OK)
		return *bad = F_SUGGESTED, NY_EINVAL;
	return NY_OK;
}
