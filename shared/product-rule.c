/*
 * product-rule.c: what a valid product is, in one place. The console's
 * wizard, the catalog import and every write of product.c check a
 * product with product_validate and show the rule it breaks, so they
 * cannot disagree on a limit. See product.h.
 */
#include <limits.h>
#include <string.h>

#include "blob.h"
#include "money.h"
#include "product-int.h"

#define STR_(x)	#x
#define STR(x)	STR_(x)

const char *const product_kinds[] = {
	"download", "subscription", "ticket", "webinar", NULL
};
const char *const product_statuses[] = {
	"draft", "published", "archived", NULL
};

enum product_rule_id {
	R_SLUG, R_KIND, R_TITLE, R_SUMMARY, R_STORY, R_PRICE, R_CURRENCY,
	R_STATUS, R_COVER, R_DOWNLOADS, R_PERIOD, R_STARTS, R_CAPACITY,
	R_VENUE, R_URL, R_PWYW, R_SUGGESTED, R_SUGGESTED_FIXED,
	/* A field of another kind is set: one message for all of them. */
	R_ONLY_SUB, R_ONLY_DATED, R_ONLY_TICKET_CAP, R_ONLY_TICKET_VENUE,
	R_ONLY_WEBINAR,
	R_COUNT
};

/*
 * The rules. A field's first rule is the one product_rule() returns (for
 * integers, the one with the bounds). The English why follows the JSON
 * path in the import's error lines; the bounds in it come from the
 * PRODUCT_*_MAX macros, as the rules' own do.
 */
static const struct product_rule rules[R_COUNT] = {
	[R_SLUG] = { "slug", "product.rule.slug",
	    "expected 1–80 characters of a-z, 0-9 and -", 0, 0 },
	[R_KIND] = { "kind", "product.rule.kind",
	    "expected download, subscription, ticket or webinar", 0, 0 },
	[R_TITLE] = { "title", "product.rule.title",
	    "expected 1–200 characters of text", 0, 0 },
	[R_SUMMARY] = { "summary", "product.rule.summary",
	    "expected at most 500 characters of text", 0, 0 },
	[R_STORY] = { "story_md", "product.rule.story_md",
	    "expected at most 64 KiB of text", 0, 0 },
	/* 2^50 keeps sums of prices far from overflow; nobody meets it. */
	[R_PRICE] = { "price_minor", "product.rule.price_minor",
	    "expected an integer ≥ 0", 0, PRODUCT_PRICE_MAX },
	[R_CURRENCY] = { "currency", "product.rule.currency",
	    "expected KES, TZS, UGX or USD", 0, 0 },
	[R_STATUS] = { "status", "product.rule.status",
	    "expected draft, published or archived", 0, 0 },
	[R_COVER] = { "cover_sha256", "product.rule.cover_sha256",
	    "expected a SHA-256 in hex", 0, 0 },
	[R_DOWNLOADS] = { "download_limit", "product.rule.download_limit",
	    "expected an integer ≥ 1, at most " STR(PRODUCT_DOWNLOADS_MAX),
	    1, PRODUCT_DOWNLOADS_MAX },
	[R_PERIOD] = { "period_days", "product.rule.period_days",
	    "expected an integer ≥ 1, at most " STR(PRODUCT_PERIOD_MAX),
	    1, PRODUCT_PERIOD_MAX },
	[R_STARTS] = { "starts_at", "product.rule.starts_at",
	    "expected a date and time", 0, 0 },
	[R_CAPACITY] = { "capacity", "product.rule.capacity",
	    "expected an integer ≥ 0, at most " STR(PRODUCT_CAPACITY_MAX),
	    0, PRODUCT_CAPACITY_MAX },
	[R_VENUE] = { "venue", "product.rule.venue",
	    "expected at most 200 characters of text", 0, 0 },
	[R_URL] = { "join_url", "product.rule.join_url",
	    "expected an http(s):// URL", 0, 0 },
	/* Pay what you want: price_minor is then the minimum (0 is a free
	 * product that takes gifts), and the amount the form proposes may
	 * not ask for less than the product accepts. */
	[R_PWYW] = { "pwyw", "product.rule.pwyw",
	    "expected true or false", 0, 0 },
	[R_SUGGESTED] = { "suggested_minor", "product.rule.suggested_minor",
	    "expected an integer ≥ price_minor (the minimum)", 0,
	    PRODUCT_PRICE_MAX },
	[R_SUGGESTED_FIXED] = { "suggested_minor",
	    "product.rule.suggested_fixed",
	    "only when pwyw is true (pay what you want)", 0, 0 },
	[R_ONLY_SUB] = { "period_days", "product.rule.other_kind",
	    "only for subscriptions", 0, 0 },
	[R_ONLY_DATED] = { "starts_at", "product.rule.other_kind",
	    "only for tickets and webinars", 0, 0 },
	[R_ONLY_TICKET_CAP] = { "capacity", "product.rule.other_kind",
	    "only for tickets", 0, 0 },
	[R_ONLY_TICKET_VENUE] = { "venue", "product.rule.other_kind",
	    "only for tickets", 0, 0 },
	[R_ONLY_WEBINAR] = { "join_url", "product.rule.other_kind",
	    "only for webinars", 0, 0 },
};

const struct product_rule *
product_rule(const char *field)
{
	for (size_t i = 0; i < R_COUNT; i++)
		if (strcmp(rules[i].field, field) == 0)
			return &rules[i];
	return NULL;
}

int
product_in_list(const char *const *list, const char *s)
{
	for (; *list != NULL; list++)
		if (strcmp(*list, s) == 0)
			return 1;
	return 0;
}

int
product_kind_ok(const char *kind)
{
	return product_in_list(product_kinds, kind);
}

int
product_publish_ok(const char *kind, int64_t nfiles)
{
	return strcmp(kind, "download") != 0 || nfiles > 0;
}

int
product_text_ok(const char *s, int multiline, long min, long max)
{
	size_t n;

	return ny_text_ok(s ? s : "", multiline, &n) && (long)n >= min &&
	    (long)n <= max;
}

int
product_slug_ok(const char *s)
{
	size_t n = s ? strlen(s) : 0;

	return n >= 1 && n <= PRODUCT_SLUG_MAX &&
	    strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789-") == n;
}

int
product_file_name_ok(const char *name)
{
	size_t n = name ? strlen(name) : 0;

	if (n < 1 || n > PRODUCT_FILE_NAME_MAX || strcmp(name, ".") == 0 ||
	    strcmp(name, "..") == 0 || strpbrk(name, "/\\") != NULL)
		return 0;
	return product_text_ok(name, 0, 1, LONG_MAX);
}

/* 1 when v is within the bounds of rule r. */
static int
rule_int_ok(enum product_rule_id r, int64_t v)
{
	return v >= rules[r].min && v <= rules[r].max;
}

/* The first rule of the kind's own fields p breaks, or R_COUNT. */
static enum product_rule_id
validate_kind(const struct product *p)
{
	const char *venue = p->venue ? p->venue : "";
	const char *url = p->join_url ? p->join_url : "";
	int sub = strcmp(p->kind, "subscription") == 0;
	int tic = strcmp(p->kind, "ticket") == 0;
	int web = strcmp(p->kind, "webinar") == 0;

	if (sub && !rule_int_ok(R_PERIOD, p->period_days))
		return R_PERIOD;
	if (!sub && p->period_days != 0)
		return R_ONLY_SUB;
	if ((tic || web) && p->starts_at <= 0)
		return R_STARTS;
	if (!tic && !web && p->starts_at != 0)
		return R_ONLY_DATED;
	if (tic && !rule_int_ok(R_CAPACITY, p->capacity))
		return R_CAPACITY;
	if (!tic && p->capacity != -1)
		return R_ONLY_TICKET_CAP;
	if (!tic && venue[0] != '\0')
		return R_ONLY_TICKET_VENUE;
	if (!product_text_ok(venue, 0, 0, PRODUCT_VENUE_MAX))
		return R_VENUE;
	if (!web && url[0] != '\0')
		return R_ONLY_WEBINAR;
	if (url[0] != '\0' && (strlen(url) > PRODUCT_URL_MAX ||
	    !product_text_ok(url, 0, 0, LONG_MAX) ||
	    (strncmp(url, "https://", 8) != 0 &&
	    strncmp(url, "http://", 7) != 0) || strpbrk(url, " \"<>") != NULL))
		return R_URL;
	return R_COUNT;
}

/* The rule of pay what you want p breaks, or R_COUNT (the price, the
 * minimum then, was checked before). -1 is "no suggested amount". */
static enum product_rule_id
validate_pwyw(const struct product *p)
{
	if (p->pwyw != 0 && p->pwyw != 1)
		return R_PWYW;
	if (!p->pwyw)
		return p->suggested_minor == -1 ? R_COUNT : R_SUGGESTED_FIXED;
	if (p->suggested_minor != -1 && (p->suggested_minor < p->price_minor ||
	    !rule_int_ok(R_SUGGESTED, p->suggested_minor)))
		return R_SUGGESTED;
	return R_COUNT;
}

/* The first rule of the fields every kind has p breaks, or R_COUNT. */
static enum product_rule_id
validate_common(const struct product *p)
{
	enum product_rule_id r;

	if (!product_slug_ok(p->slug))
		return R_SLUG;
	if (!product_kind_ok(p->kind))
		return R_KIND;
	if (!product_text_ok(p->title, 0, 1, PRODUCT_TITLE_MAX))
		return R_TITLE;
	if (!product_text_ok(p->summary, 1, 0, PRODUCT_SUMMARY_MAX))
		return R_SUMMARY;
	if (!product_text_ok(p->story_md, 1, 0, LONG_MAX) ||
	    (p->story_md && strlen(p->story_md) > PRODUCT_STORY_MAX))
		return R_STORY;
	if (!rule_int_ok(R_PRICE, p->price_minor))
		return R_PRICE;
	if ((r = validate_pwyw(p)) != R_COUNT)
		return r;
	if (!money_currency_ok(p->currency))
		return R_CURRENCY;
	if (!product_in_list(product_statuses, p->status))
		return R_STATUS;
	if (p->cover_sha256[0] != '\0' && !blob_sha_ok(p->cover_sha256))
		return R_COVER;
	/* 0 is "no limit" (NULL in the table). */
	if (p->download_limit != 0 && !rule_int_ok(R_DOWNLOADS,
	    p->download_limit))
		return R_DOWNLOADS;
	return R_COUNT;
}

enum ny_err
product_validate(const struct product *p, const struct product_rule **bad)
{
	enum product_rule_id r = validate_common(p);

	if (r == R_COUNT)
		r = validate_kind(p);
	if (bad != NULL)
		*bad = r == R_COUNT ? NULL : &rules[r];
	return r == R_COUNT ? NY_OK : NY_EINVAL;
}
