/*
 * test-drafts: the wizard's draft that survives a dropped connection:
 * the console_drafts table (shared/draft.c), the wizard's state to JSON
 * and back whole (tui/wizard-draft.c), hostile JSON refused or clamped,
 * and what the database knows better (a product gone meanwhile, another
 * creator's product, files and automations no longer there).
 */
#include <check.h>
#include <jansson.h>
#include <string.h>
#include <unistd.h>

#include "../tui/ssh-int.h"
#include "../tui/wizard-int.h"
#include "automation.h"
#include "creator.h"
#include "draft.h"
#include "i18n.h"
#include "product.h"
#include "testutil.h"

/* A wizard as wiz_init leaves a new one. */
static struct wizard *
wiz_new(void)
{
	struct wizard *z = xcalloc(1, sizeof *z);
	int i;

	for (i = 0; i < F_COUNT; i++)
		ui_field_init(&z->f[i], i == F_CURRENCY ? 3 : 400, NULL);
	ui_field_init(&z->f[F_CURRENCY], 3, "KES");
	ui_field_init(&z->f[F_SLUG], PRODUCT_SLUG_MAX, NULL);
	ui_textarea_init(&z->story, PRODUCT_STORY_MAX, NULL);
	z->err_field = -1;
	return z;
}

static void
wiz_del(struct wizard *z)
{
	wizard_auto_free(z);
	ui_textarea_free(&z->story);
	free(z);
}

static void
add_auto(struct wizard *z, int64_t id, const char *trig, int offset,
    const char *en, int removed)
{
	struct wizard_auto *a = &z->autos[z->nautos++];

	a->id = id;
	snprintf(a->trigger, sizeof a->trigger, "%s", trig);
	a->offset = offset;
	a->en = xstrdup(en);
	a->sw = xstrdup("Karibu");
	a->removed = removed;
}

static void
add_file(struct wizard *z, int64_t id, const char *path, const char *name,
    int64_t size)
{
	struct wizard_file *f = &z->files[z->nfiles++];

	f->id = id;
	snprintf(f->path, sizeof f->path, "%s", path);
	snprintf(f->name, sizeof f->name, "%s", name);
	f->size = size;
}

/* A ticket half made: every part of the state set. */
static struct wizard *
wiz_full(void)
{
	struct wizard *z = wiz_new();

	z->step = S_CONTENT;
	z->kind = 2;	/* ticket */
	z->focus = 1;
	ui_field_init(&z->f[F_TITLE], 400, "Usiku wa \"Nairobi\" — tamasha");
	ui_field_init(&z->f[F_SLUG], PRODUCT_SLUG_MAX, "usiku-nairobi");
	ui_field_init(&z->f[F_PRICE], 400, "1,500.50");
	ui_field_init(&z->f[F_CURRENCY], 3, "TZS");
	ui_field_init(&z->f[F_SUMMARY], 400, "Muziki\tna ngoma");
	ui_field_init(&z->f[F_STARTS], 400, "2031-05-01 18:00");
	ui_field_init(&z->f[F_VENUE], 400, "Kilimani");
	ui_field_init(&z->f[F_CAPACITY], 400, "80");
	z->pwyw = 1;
	ui_field_init(&z->f[F_SUGGESTED], 400, "2,000");
	ui_field_init(&z->f[F_TAGS], 400, "muziki, live");
	ui_textarea_insert(&z->story, "# Karibu\n\nA line with \\ and \"quotes\""
	    "\nna emoji 🎶 mwisho.");
	z->slug_typed = 1;
	add_auto(z, 0, "purchase", 10, "Welcome!", 0);
	add_auto(z, 0, "before_start", 1440, "Tomorrow", 0);
	add_file(z, 0, "raw/poster.pdf", "Poster.pdf", 12345);
	add_file(z, 0, "map.png", "Map", 99);
	snprintf(z->cover_path, sizeof z->cover_path, "%s", "covers/a.png");
	z->cover_size = 4242;
	return z;
}

START_TEST(table_keeps_one_per_creator)
{
	struct db *db = test_db("drafts.db", NULL);
	int64_t a, b, at = 0;
	char *s = NULL, *big;

	ck_assert_int_eq(creator_add(db, "amani", NULL, NULL, &a), NY_OK);
	ck_assert_int_eq(creator_add(db, "baraka", NULL, NULL, &b), NY_OK);
	ck_assert_int_eq(draft_get(db, a, "wizard", &s, &at), NY_ENOTFOUND);
	ck_assert_ptr_null(s);
	ck_assert_int_eq(draft_save(db, a, "wizard", "{\"v\":1}"), NY_OK);
	ck_assert_int_eq(draft_save(db, a, "wizard", "{\"v\":2}"), NY_OK);
	ck_assert_int_eq(draft_save(db, b, "wizard", "{\"b\":1}"), NY_OK);
	ck_assert_int_eq(draft_get(db, a, "wizard", &s, &at), NY_OK);
	ck_assert_str_eq(s, "{\"v\":2}");	/* replaced, not added */
	ck_assert_int_ge(at, ny_now() - 5);
	free(s);
	ck_assert_int_eq(sql_int(db, "SELECT count(*) FROM console_drafts"), 2);
	/* Another screen's name is not the table's. */
	ck_assert_int_eq(draft_get(db, a, "orders", &s, NULL), NY_ENOTFOUND);
	ck_assert_int_eq(draft_save(db, a, "orders", "{}"), NY_EINVAL);
	/* Longer than a state can be: refused whole, the old one kept. */
	big = xcalloc(DRAFT_STATE_MAX + 2, 1);
	memset(big, 'x', DRAFT_STATE_MAX + 1);
	ck_assert_int_eq(draft_save(db, a, "wizard", big), NY_ELIMIT);
	free(big);
	ck_assert_int_eq(draft_clear(db, a), NY_OK);
	ck_assert_int_eq(draft_get(db, a, "wizard", &s, NULL), NY_ENOTFOUND);
	ck_assert_int_eq(draft_clear(db, a), NY_OK);	/* none: fine */
	/* b's draft is b's. */
	ck_assert_int_eq(draft_get(db, b, "wizard", &s, NULL), NY_OK);
	ck_assert_str_eq(s, "{\"b\":1}");
	free(s);
	db_close(db);
}
END_TEST

START_TEST(json_round_trip)
{
	struct wizard *z = wiz_full(), *r = wiz_new();
	char *j = wizard_draft_json(z), *j2;
	int i;

	ck_assert_ptr_nonnull(j);
	ck_assert_int_eq(wizard_draft_parse(r, j), NY_OK);
	ck_assert_int_eq(r->step, S_CONTENT);
	ck_assert_int_eq(r->kind, 2);
	ck_assert_int_eq(r->focus, 1);
	ck_assert_int_eq(r->pwyw, 1);	/* pay what you want kept */
	for (i = 0; i < F_COUNT; i++)
		ck_assert_str_eq(r->f[i].text, z->f[i].text);
	ck_assert_str_eq(r->f[F_SUGGESTED].text, "2,000");
	ck_assert_str_eq(r->f[F_TAGS].text, "muziki, live");
	ck_assert_uint_eq(r->f[F_TITLE].cur, r->f[F_TITLE].len);
	ck_assert_str_eq(r->story.text, z->story.text);
	ck_assert_uint_eq(r->story.len, z->story.len);
	ck_assert_int_eq(r->slug_typed, 1);
	ck_assert_int_eq(r->nautos, 2);
	ck_assert_str_eq(r->autos[1].trigger, "before_start");
	ck_assert_int_eq(r->autos[1].offset, 1440);
	ck_assert_str_eq(r->autos[0].en, "Welcome!");
	ck_assert_str_eq(r->autos[0].sw, "Karibu");
	ck_assert_int_eq(r->nfiles, 2);
	ck_assert_str_eq(r->files[0].path, "raw/poster.pdf");
	ck_assert_str_eq(r->files[0].name, "Poster.pdf");
	ck_assert_int_eq(r->files[0].size, 12345);
	ck_assert_str_eq(r->cover_path, "covers/a.png");
	ck_assert_int_eq(r->cover_size, 4242);
	/* And back again: the very same text. */
	j2 = wizard_draft_json(r);
	ck_assert_str_eq(j2, j);
	free(j);
	free(j2);
	/* On the basics, pay what you want has 8 fields (suggested too):
	 * the focus on the last one (tags) is kept; a fixed price has 7. */
	z->step = S_BASICS;
	z->focus = 7;
	j = wizard_draft_json(z);
	ck_assert_int_eq(wizard_draft_parse(r, j), NY_OK);
	ck_assert_int_eq(r->focus, 7);
	free(j);
	z->pwyw = 0;
	j = wizard_draft_json(z);
	ck_assert_int_eq(wizard_draft_parse(r, j), NY_OK);
	ck_assert_int_eq(r->pwyw, 0);
	ck_assert_int_eq(r->focus, 0);		/* past the fields */
	free(j);
	wiz_del(z);
	wiz_del(r);
}
END_TEST

/* Only something typed is worth a draft. */
START_TEST(empty_wizard_not_kept)
{
	struct wizard *z = wiz_new();

	ck_assert_int_eq(wizard_draft_worth(z), 0);
	z->kind = 1;	/* moving over the kinds is not typing */
	ck_assert_int_eq(wizard_draft_worth(z), 0);
	ui_field_init(&z->f[F_TITLE], 400, "A");
	ck_assert_int_eq(wizard_draft_worth(z), 1);
	ui_field_init(&z->f[F_TITLE], 400, NULL);
	z->step = S_BASICS;
	ck_assert_int_eq(wizard_draft_worth(z), 1);
	wiz_del(z);
}
END_TEST

/* Refused whole: the wizard keeps what it had. */
START_TEST(hostile_refused)
{
	static const char *const bad[] = {
		"", "not json", "[]", "null", "{}",
		"{\"v\":2,\"kind\":\"download\"}",
		"{\"v\":\"1\",\"kind\":\"download\"}",
		"{\"v\":1,\"kind\":\"weapon\"}",
		"{\"v\":1}",
		"{\"v\":1,\"kind\":\"download\",\"kind\":\"ticket\"}",
		"{\"v\":1,\"kind\":\"download\",\"step\":\"3\"}",
		"{\"v\":1,\"kind\":\"download\",\"step\":1.5}",
		"{\"v\":1,\"kind\":\"download\",\"fields\":[]}",
		"{\"v\":1,\"kind\":\"download\",\"fields\":{\"title\":7}}",
		"{\"v\":1,\"kind\":\"download\",\"fields\":{\"title\":\"a\\u0000b\"}}",
		"{\"v\":1,\"kind\":\"download\",\"story\":\"a\\u0000b\"}",
		"{\"v\":1,\"kind\":\"download\",\"fields\":{\"currency\":\"EURO\"}}",
		"{\"v\":1,\"kind\":\"download\",\"cover_sha\":\"zz\"}",
		"{\"v\":1,\"kind\":\"download\",\"cover_path\":\"../x.png\"}",
		"{\"v\":1,\"kind\":\"download\",\"autos\":{}}",
		"{\"v\":1,\"kind\":\"download\",\"autos\":[7]}",
		"{\"v\":1,\"kind\":\"download\",\"autos\":[{\"trigger\":\"evil\"}]}",
		"{\"v\":1,\"kind\":\"download\",\"autos\":[{\"en\":\"x\"}]}",
		"{\"v\":1,\"kind\":\"download\",\"files\":[{\"path\":"
		    "\"../../etc/passwd\",\"name\":\"p\"}]}",
		"{\"v\":1,\"kind\":\"download\",\"files\":[{\"path\":"
		    "\"/etc/passwd\",\"name\":\"p\"}]}",
		"{\"v\":1,\"kind\":\"download\",\"files\":[{\"path\":"
		    "\"a.zip\",\"name\":\"\"}]}",
		"{\"v\":1,\"kind\":\"download\",\"files\":[{\"path\":"
		    "\"a.zip\",\"name\":\"n\",\"size\":\"big\"}]}",
		NULL
	};
	struct wizard *z = wiz_full();
	char *before = wizard_draft_json(z), *after, *s;
	size_t n;
	int i;

	for (i = 0; bad[i] != NULL; i++) {
		ck_assert_msg(wizard_draft_parse(z, bad[i]) == NY_EINVAL,
		    "accepted: %s", bad[i]);
		after = wizard_draft_json(z);
		ck_assert_str_eq(after, before);
		free(after);
	}
	/* A title longer than any field, a story longer than a story. */
	s = xcalloc(PRODUCT_STORY_MAX + 100, 1);
	strcpy(s, "{\"v\":1,\"kind\":\"download\",\"fields\":{\"title\":\"");
	n = strlen(s);
	memset(s + n, 'a', UI_FIELD_MAX);
	strcpy(s + n + UI_FIELD_MAX, "\"}}");
	ck_assert_int_eq(wizard_draft_parse(z, s), NY_EINVAL);
	strcpy(s, "{\"v\":1,\"kind\":\"download\",\"story\":\"");
	n = strlen(s);
	memset(s + n, 'a', PRODUCT_STORY_MAX + 1);
	strcpy(s + n + PRODUCT_STORY_MAX + 1, "\"}");
	ck_assert_int_eq(wizard_draft_parse(z, s), NY_EINVAL);
	free(s);
	after = wizard_draft_json(z);
	ck_assert_str_eq(after, before);
	free(after);
	free(before);
	wiz_del(z);
}
END_TEST

/* Numbers out of range are brought back in. */
START_TEST(hostile_clamped)
{
	struct wizard *z = wiz_new();
	char *s;
	size_t n;
	int i;

	ck_assert_int_eq(wizard_draft_parse(z, "{\"v\":1,\"kind\":\"ticket\","
	    "\"step\":99,\"focus\":-3,\"editing\":true,\"edit_id\":0}"), NY_OK);
	ck_assert_int_eq(z->step, S_REVIEW);
	ck_assert_int_eq(z->focus, 0);
	ck_assert_int_eq(z->editing, 0);	/* nothing to edit */
	ck_assert_str_eq(z->f[F_CURRENCY].text, "KES");	/* default kept */
	ck_assert_int_eq(wizard_draft_parse(z, "{\"v\":1,\"kind\":\"download\","
	    "\"step\":-7,\"focus\":4}"), NY_OK);
	ck_assert_int_eq(z->step, S_KIND);
	ck_assert_int_eq(z->focus, 0);
	/* Basics have seven fields (eight with pay what you want); the
	 * content step at least two. */
	ck_assert_int_eq(wizard_draft_parse(z, "{\"v\":1,\"kind\":\"download\","
	    "\"step\":1,\"focus\":6}"), NY_OK);
	ck_assert_int_eq(z->focus, 6);
	ck_assert_int_eq(wizard_draft_parse(z, "{\"v\":1,\"kind\":\"download\","
	    "\"step\":1,\"focus\":7}"), NY_OK);
	ck_assert_int_eq(z->focus, 0);
	ck_assert_int_eq(wizard_draft_parse(z, "{\"v\":1,\"kind\":\"download\","
	    "\"step\":3,\"focus\":1000000}"), NY_OK);
	ck_assert_int_eq(z->focus, 0);
	/* Editing cannot go back to the kind. */
	ck_assert_int_eq(wizard_draft_parse(z, "{\"v\":1,\"kind\":\"download\","
	    "\"step\":0,\"editing\":1,\"edit_id\":5}"), NY_OK);
	ck_assert_int_eq(z->step, S_BASICS);
	ck_assert_int_eq(wizard_draft_parse(z, "{\"v\":1,\"kind\":\"webinar\","
	    "\"autos\":[{\"trigger\":\"purchase\",\"offset\":-10,\"en\":\"a\"},"
	    "{\"trigger\":\"before_end\",\"offset\":99999999999,\"id\":-4}],"
	    "\"files\":[{\"path\":\"a.zip\",\"name\":\"A\",\"size\":-1}],"
	    "\"cover_size\":-5}"), NY_OK);
	ck_assert_int_eq(z->nautos, 2);
	ck_assert_int_eq(z->autos[0].offset, 0);
	ck_assert_int_eq(z->autos[1].offset, AUTOMATION_OFFSET_MAX);
	ck_assert_int_eq(z->autos[1].id, 0);
	ck_assert_int_eq(z->files[0].size, 0);
	ck_assert_int_eq(z->cover_size, 0);
	/* More files and automations than the wizard holds: the first. */
	s = xcalloc(200 * 64, 1);
	n = (size_t)sprintf(s, "{\"v\":1,\"kind\":\"download\",\"files\":[");
	for (i = 0; i < 100; i++)
		n += (size_t)sprintf(s + n, "%s{\"path\":\"f%d.zip\",\"name\":"
		    "\"F%d\"}", i ? "," : "", i, i);
	n += (size_t)sprintf(s + n, "],\"autos\":[");
	for (i = 0; i < 50; i++)
		n += (size_t)sprintf(s + n, "%s{\"trigger\":\"purchase\","
		    "\"offset\":%d,\"en\":\"x\"}", i ? "," : "", i);
	sprintf(s + n, "]}");
	ck_assert_int_eq(wizard_draft_parse(z, s), NY_OK);
	ck_assert_int_eq(z->nfiles, WIZ_FILES_MAX);
	ck_assert_str_eq(z->files[WIZ_FILES_MAX - 1].name, "F63");
	ck_assert_int_eq(z->nautos, WIZ_AUTOS_MAX);
	free(s);
	wiz_del(z);
}
END_TEST

/* What the database knows better than the draft. */
START_TEST(check_against_db)
{
	struct db *db = test_db("drafts-check.db", NULL);
	struct ui_session sess;
	struct ui_ctx ctx;
	struct product p;
	struct wizard *z;
	int64_t a, b, mine, theirs, auto_id;
	const char *field = NULL;
	size_t bad;
	char *j;

	ck_assert_int_eq(creator_add(db, "amani", NULL, NULL, &a), NY_OK);
	ck_assert_int_eq(creator_add(db, "baraka", NULL, NULL, &b), NY_OK);
	memset(&sess, 0, sizeof sess);
	sess.creator_id = a;
	memset(&ctx, 0, sizeof ctx);
	ctx.db = db;
	ctx.s = &sess;
	snprintf(ctx.lang, sizeof ctx.lang, "en");

	product_init(&p);
	p.creator_id = a;
	snprintf(p.kind, sizeof p.kind, "subscription");
	snprintf(p.slug, sizeof p.slug, "mine");
	free(p.title);
	p.title = xstrdup("Mine");
	p.price_minor = 50000;
	p.period_days = 30;
	ck_assert_int_eq(product_save(db, &p, NULL, 0, &mine, &field, &bad),
	    NY_OK);
	p.creator_id = b;
	snprintf(p.slug, sizeof p.slug, "theirs");
	ck_assert_int_eq(product_save(db, &p, NULL, 0, &theirs, &field, &bad),
	    NY_OK);
	product_free(&p);
	ck_assert_int_eq(automation_add(db, mine, "purchase", 5, "Hi", "Habari",
	    &auto_id), NY_OK);

	/* Editing mine: kind from the database, a file and a cover it
	 * does not have dropped, an automation it lost added anew, one
	 * it still has kept, a removed one it lost forgotten. */
	z = wiz_full();
	z->edit_id = mine;
	z->editing = 1;
	z->files[1].id = 987654;
	z->files[1].path[0] = '\0';
	snprintf(z->cover_sha, sizeof z->cover_sha, "%064d", 0);
	z->autos[0].id = auto_id;
	z->autos[1].id = 555;
	add_auto(z, 556, "purchase", 1, "gone", 1);
	j = wizard_draft_json(z);
	wiz_del(z);
	z = wiz_new();
	ck_assert_int_eq(wizard_draft_parse(z, j), NY_OK);
	free(j);
	wizard_draft_check(z, &ctx);
	ck_assert_int_eq(z->edit_id, mine);
	ck_assert_int_eq(z->editing, 1);
	ck_assert_str_eq(product_kinds[z->kind], "subscription");
	ck_assert_int_eq(z->nfiles, 1);
	ck_assert_str_eq(z->files[0].path, "raw/poster.pdf");
	ck_assert_str_eq(z->cover_sha, "");
	ck_assert_int_eq(z->nautos, 2);
	ck_assert_int_eq(z->autos[0].id, auto_id);
	ck_assert_int_eq(z->autos[1].id, 0);
	ck_assert_str_eq(z->err, "");
	wiz_del(z);

	/* Another creator's product, and one deleted meanwhile: a new
	 * product, saying so, with nothing of the saved one. */
	z = wiz_full();
	z->edit_id = theirs;
	z->editing = 1;
	z->autos[0].id = auto_id;
	add_file(z, 77, "", "Kept", 1);
	j = wizard_draft_json(z);
	wiz_del(z);
	z = wiz_new();
	ck_assert_int_eq(wizard_draft_parse(z, j), NY_OK);
	wizard_draft_check(z, &ctx);
	ck_assert_int_eq(z->edit_id, 0);
	ck_assert_int_eq(z->editing, 0);
	ck_assert_int_eq(z->nfiles, 2);		/* the two new ones */
	ck_assert_int_eq(z->autos[0].id, 0);
	ck_assert_str_ne(z->err, "");
	ck_assert_str_eq(z->f[F_TITLE].text, "Usiku wa \"Nairobi\" — tamasha");
	wiz_del(z);
	free(j);
	db_close(db);
}
END_TEST

/* The row as the tick left it ("" when none). */
/* The row holds state j, marked with the writing session ("by"). */
static int
same_state(const char *row, const char *j)
{
	json_t *a = json_loads(row, 0, NULL), *b = json_loads(j, 0, NULL);
	int same;

	same = a != NULL && b != NULL && json_integer_value(json_object_get(a,
	    "by")) == (json_int_t)getpid();
	if (a != NULL)
		json_object_del(a, "by");
	same = same && json_equal(a, b);
	json_decref(a);
	json_decref(b);
	return same;
}

static char *
row_of(struct db *db, int64_t creator)
{
	char *s = NULL;

	if (draft_get(db, creator, "wizard", &s, NULL) != NY_OK)
		return xstrdup("");
	return s;
}

/* A step change is written at once; a session whose draft another one
 * replaced or cleared stops writing (a dropped connection's process
 * must not bring back what the new session published). */
START_TEST(tick_writes_and_yields)
{
	struct db *db = test_db("drafts-tick.db", NULL);
	struct ui_session sess;
	struct ui_ctx ctx;
	struct wizard *z = wiz_new();
	char *j, *r;
	int64_t a;

	ck_assert_int_eq(creator_add(db, "amani", NULL, NULL, &a), NY_OK);
	memset(&sess, 0, sizeof sess);
	sess.creator_id = a;
	memset(&ctx, 0, sizeof ctx);
	ctx.db = db;
	ctx.s = &sess;
	snprintf(ctx.lang, sizeof ctx.lang, "en");

	wizard_draft_resume(z, &ctx);	/* no draft: nothing asked */
	wizard_draft_tick(z, &ctx);
	r = row_of(db, a);
	ck_assert_str_eq(r, "");	/* an empty wizard is not kept */
	free(r);
	z->step = S_BASICS;
	ui_field_init(&z->f[F_TITLE], 400, "Mtaa");
	wizard_draft_tick(z, &ctx);
	j = wizard_draft_json(z);
	r = row_of(db, a);
	ck_assert_msg(same_state(r, j), "%s", r);
	free(r);
	free(j);
	z->step = S_STORY;
	wizard_draft_tick(z, &ctx);
	j = wizard_draft_json(z);
	r = row_of(db, a);
	ck_assert_msg(same_state(r, j), "%s", r);	/* the step: at once */
	free(r);
	free(j);

	/* Another session writes its own: this one leaves it alone. */
	ck_assert_int_eq(draft_save(db, a, "wizard", "{\"other\":1}"), NY_OK);
	z->step = S_CONTENT;
	wizard_draft_tick(z, &ctx);
	z->step = S_DELIVERY;
	wizard_draft_tick(z, &ctx);
	r = row_of(db, a);
	ck_assert_str_eq(r, "{\"other\":1}");
	free(r);

	/* A wizard opened anew writes again; once its draft is cleared
	 * elsewhere (published in another session) it does not return. */
	ck_assert_int_eq(draft_clear(db, a), NY_OK);
	wizard_draft_resume(z, &ctx);
	wizard_draft_tick(z, &ctx);
	r = row_of(db, a);
	ck_assert_str_eq(r, "");	/* as opened: nothing to keep */
	free(r);
	ui_field_init(&z->f[F_TITLE], 400, "Mtaa Mpya");
	wizard_draft_tick(z, &ctx);
	r = row_of(db, a);
	ck_assert_str_ne(r, "");
	free(r);
	ck_assert_int_eq(draft_clear(db, a), NY_OK);
	z->step = S_AUTOS;
	wizard_draft_tick(z, &ctx);
	z->step = S_REVIEW;
	wizard_draft_tick(z, &ctx);
	r = row_of(db, a);
	ck_assert_str_eq(r, "");
	free(r);
	/* This session's own clear (publish, discard) starts afresh. */
	wizard_draft_clear(&ctx);
	z->step = S_AUTOS;
	wizard_draft_tick(z, &ctx);
	r = row_of(db, a);
	ck_assert_str_ne(r, "");
	free(r);
	wiz_del(z);
	db_close(db);
}
END_TEST

/* Leaving the wizard writes what the 2 s between writes held back;
 * after a publish or discard it writes nothing. */
START_TEST(leave_keeps_last_keys)
{
	struct db *db = test_db("drafts-leave.db", NULL);
	struct ui_session sess;
	struct ui_ctx ctx;
	struct wizard *z = wiz_new();
	char *j, *r;
	int64_t a;

	ck_assert_int_eq(creator_add(db, "amani", NULL, NULL, &a), NY_OK);
	memset(&sess, 0, sizeof sess);
	sess.creator_id = a;
	memset(&ctx, 0, sizeof ctx);
	ctx.db = db;
	ctx.s = &sess;
	snprintf(ctx.lang, sizeof ctx.lang, "en");
	wizard_draft_resume(z, &ctx);
	z->step = S_BASICS;
	ui_field_init(&z->f[F_TITLE], 400, "Mtaa");
	wizard_draft_tick(z, &ctx);
	ui_field_init(&z->f[F_TITLE], 400, "Mtaa wa Pili");
	wizard_draft_tick(z, &ctx);	/* within 2 s: held back */
	r = row_of(db, a);
	ck_assert_ptr_nonnull(strstr(r, "\"Mtaa\""));
	free(r);
	wizard_draft_leave(z, &ctx);
	j = wizard_draft_json(z);
	r = row_of(db, a);
	ck_assert_msg(same_state(r, j), "%s", r);
	free(r);
	free(j);
	wizard_draft_clear(&ctx);	/* published */
	wizard_draft_leave(z, &ctx);
	r = row_of(db, a);
	ck_assert_str_eq(r, "");
	free(r);
	wiz_del(z);
	db_close(db);
}
END_TEST

static Suite *
drafts_suite(void)
{
	Suite *s = suite_create("drafts");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, table_keeps_one_per_creator);
	tcase_add_test(tc, json_round_trip);
	tcase_add_test(tc, leave_keeps_last_keys);
	tcase_add_test(tc, empty_wizard_not_kept);
	tcase_add_test(tc, hostile_refused);
	tcase_add_test(tc, hostile_clamped);
	tcase_add_test(tc, check_against_db);
	tcase_add_test(tc, tick_writes_and_yields);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	char *cause = NULL;

	if (i18n_load(&cause) != NY_OK)
		return 1;
	return run_suite(drafts_suite());
}
