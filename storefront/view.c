/*
 * view.c: turns the read model (catalog.h) into the JSON values both the
 * page templates and the API show, so pages and API say the same facts.
 * Times are shown in East Africa Time (UTC+3, no daylight saving).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmark.h>

#include "i18n.h"
#include "money.h"
#include "view.h"

#define VIEW_EAT	(3 * 3600)
#define VIEW_STORY_MAX	(256 * 1024)

char *
view_date(const char *lang, int64_t t)
{
	time_t tt = (time_t)(t + VIEW_EAT);
	struct tm tm;
	char wd[24], mon[24], d[16], y[16], hm[32];

	gmtime_r(&tt, &tm);
	snprintf(wd, sizeof wd, "sf.wd.%d", tm.tm_wday);
	snprintf(mon, sizeof mon, "sf.mon.%d", tm.tm_mon + 1);
	snprintf(d, sizeof d, "%d", tm.tm_mday);
	snprintf(y, sizeof y, "%d", tm.tm_year + 1900);
	snprintf(hm, sizeof hm, "%02d:%02d", tm.tm_hour, tm.tm_min);
	return i18n_fmt(lang, "sf.date", "wd", i18n_get(lang, wd), "d", d,
	    "mon", i18n_get(lang, mon), "y", y, "hm", hm, NULL);
}

void
view_size(int64_t n, char *buf, size_t len)
{
	static const char *const units[] = { "KB", "MB", "GB", "TB" };
	double v = (double)n;
	int u = -1;

	if (n < 1024) {
		snprintf(buf, len, "%lld B", (long long)n);
		return;
	}
	while (v >= 1024 && u < 3) {
		v /= 1024;
		u++;
	}
	snprintf(buf, len, v < 10 ? "%.1f %s" : "%.0f %s", v, units[u]);
}

char *
view_markdown(const char *md)
{
	size_t len = strlen(md);

	if (len > VIEW_STORY_MAX)
		len = VIEW_STORY_MAX;
	/* safe is cmark's default since 0.29; say it anyway: raw HTML and
	 * javascript: links never reach the page */
	return cmark_markdown_to_html(md, len, CMARK_OPT_SAFE |
	    CMARK_OPT_SMART);
}

/* Sets o[k] to the string v ("" for NULL). */
static void
view_set_str(json_t *o, const char *k, const char *v)
{
	json_object_set_new(o, k, json_string(v ? v : ""));
}

/* Kind-specific facts. */
static void
view_kind(json_t *o, const char *lang, const struct catalog_product *p)
{
	char iso[32], *s;

	json_object_set_new(o, "is_download",
	    json_boolean(strcmp(p->kind, "download") == 0));
	json_object_set_new(o, "is_subscription",
	    json_boolean(strcmp(p->kind, "subscription") == 0));
	json_object_set_new(o, "is_ticket",
	    json_boolean(strcmp(p->kind, "ticket") == 0));
	json_object_set_new(o, "is_webinar",
	    json_boolean(strcmp(p->kind, "webinar") == 0));
	if (p->period_days > 0) {
		char n[24];

		json_object_set_new(o, "period_days",
		    json_integer(p->period_days));
		/* "1 day" / "30 days": the count picks the form. */
		snprintf(n, sizeof n, "%lld", (long long)p->period_days);
		s = i18n_fmt_n(lang, "sf.period", p->period_days,
		    "period_days", n, NULL);
		view_set_str(o, "period_label", s);
		free(s);
	}
	if (strcmp(p->kind, "ticket") == 0 || strcmp(p->kind, "webinar") == 0) {
		ny_iso8601(p->starts_at, iso, sizeof iso);
		view_set_str(o, "starts_at", iso);
		s = view_date(lang, p->starts_at);
		view_set_str(o, "starts_local", s);
		free(s);
	}
	if (strcmp(p->kind, "ticket") == 0) {
		view_set_str(o, "venue", p->venue);
		json_object_set_new(o, "capacity", json_integer(p->capacity));
		json_object_set_new(o, "seats_left",
		    json_integer(p->seats_left));
		json_object_set_new(o, "sold_out",
		    json_boolean(p->seats_left <= 0));
		json_object_set_new(o, "max_quantity", json_integer(
		    p->seats_left < 10 ? p->seats_left : 10));
	}
}

/*
 * Pay what you want: pwyw, suggested_minor and suggested_price (null when
 * none), and for cards pwyw_from ("from KES 100.00") when the minimum is
 * above 0. Every product has the members, so API clients need not guess.
 */
static void
view_pwyw(json_t *o, const char *lang, const struct catalog_product *p)
{
	char buf[64];

	json_object_set_new(o, "pwyw", json_boolean(p->pwyw));
	if (p->pwyw && p->suggested_minor >= 0) {
		json_object_set_new(o, "suggested_minor",
		    json_integer(p->suggested_minor));
		money_format(p->suggested_minor, p->currency, lang, buf,
		    sizeof buf);
		view_set_str(o, "suggested_price", buf);
	} else {
		json_object_set_new(o, "suggested_minor", json_null());
		json_object_set_new(o, "suggested_price", json_null());
	}
	json_object_set_new(o, "pwyw_from", json_boolean(p->pwyw &&
	    p->price_minor > 0));
}

/* "tags": the stored "a,b" as ["a", "b"] ([] for none). */
static void
view_tags(json_t *o, const char *tags)
{
	json_t *a = json_array();
	const char *s = tags ? tags : "", *e;

	while (*s != '\0') {
		e = strchr(s, ',');
		if (e == NULL)
			e = s + strlen(s);
		if (e > s)
			json_array_append_new(a, json_stringn(s,
			    (size_t)(e - s)));
		s = *e ? e + 1 : e;
	}
	json_object_set_new(o, "tags", a);
}

json_t *
view_product(const char *lang, const struct catalog_product *p, int full)
{
	json_t *o = json_object(), *files, *c;
	char price[64], size[32], *url;
	int i;

	view_set_str(o, "slug", p->slug);
	view_set_str(o, "kind", p->kind);
	view_set_str(o, "kind_label", i18n_get(lang, strcmp(p->kind,
	    "download") == 0 ? "sf.kind.download" : strcmp(p->kind,
	    "subscription") == 0 ? "sf.kind.subscription" : strcmp(p->kind,
	    "ticket") == 0 ? "sf.kind.ticket" : "sf.kind.webinar"));
	view_set_str(o, "title", p->title);
	view_set_str(o, "summary", p->summary);
	json_object_set_new(o, "price_minor", json_integer(p->price_minor));
	view_set_str(o, "currency", p->currency);
	money_format(p->price_minor, p->currency, lang, price, sizeof price);
	view_set_str(o, "price", price);
	/* Free: nothing to pay, ever. A pay-what-you-want product with a
	 * minimum of 0 is not: its buyer may give (pay buttons shown; an
	 * amount of 0 still takes the free path, the WhatsApp code). */
	json_object_set_new(o, "free", json_boolean(p->price_minor == 0 &&
	    !p->pwyw));
	view_pwyw(o, lang, p);
	view_tags(o, p->tags);
	url = xasprintf("/p/%s", p->slug);
	view_set_str(o, "url", url);
	free(url);
	if (p->cover_sha256[0] != '\0') {
		url = xasprintf("/cover/%s", p->cover_sha256);
		view_set_str(o, "cover_url", url);
		free(url);
		json_object_set_new(o, "cover_width",
		    json_integer(p->cover_width));
		json_object_set_new(o, "cover_height",
		    json_integer(p->cover_height));
	}
	c = json_object();
	view_set_str(c, "handle", p->creator_handle);
	view_set_str(c, "name", p->creator_name[0] ? p->creator_name :
	    p->creator_handle);
	json_object_set_new(o, "creator", c);
	view_kind(o, lang, p);
	if (!full)
		return o;
	view_set_str(o, "story_md", p->story_md);
	url = view_markdown(p->story_md);
	view_set_str(o, "story_html", url);
	free(url);
	if (strcmp(p->kind, "download") == 0) {
		files = json_array();
		for (i = 0; i < p->nfiles; i++) {
			json_t *f = json_object();

			view_set_str(f, "name", p->files[i].name);
			json_object_set_new(f, "size",
			    json_integer(p->files[i].size));
			view_size(p->files[i].size, size, sizeof size);
			view_set_str(f, "size_label", size);
			json_array_append_new(files, f);
		}
		json_object_set_new(o, "files", files);
	}
	return o;
}

json_t *
view_list(const char *lang, const struct catalog_list *l)
{
	json_t *a = json_array();
	int i;

	for (i = 0; i < l->n; i++)
		json_array_append_new(a, view_product(lang, &l->items[i], 0));
	return a;
}
