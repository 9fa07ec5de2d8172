/*
 * test-outbox: queueing (dedupe), the log driver (one line per message,
 * link built at send time, never twice on a clean run), restart and crash
 * recovery (each message once), the cloud driver against a fake Graph API
 * (tests/fake-graph.py: URL, Bearer, JSON shape; 500 then 200 → one
 * delivery; 400 → failed with the reason; timeouts retried), console retry,
 * backoff, and the scheduler (reminders and automations, once each).
 */
#include <check.h>
#include <jansson.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "library-key.h"
#include "library-fixture.h"
#include "outbox.h"

#define BASE	"http://shop.test"

static char *
mkdir_tmp(void)
{
	char *d = tmp_path("data");

	ck_assert_int_eq(mkdir(d, 0700), 0);
	return d;
}

static struct outbox *
log_outbox(const char *dir)
{
	struct outbox_conf c = { .driver = "log", .base_url = BASE,
	    .data_dir = dir };
	struct outbox *ob;
	char *cause = NULL;

	ck_assert_int_eq(outbox_new(&c, &ob, &cause), NY_OK);
	return ob;
}

/* The lines of dir/whatsapp.jsonl as a JSON array (caller decrefs). */
static json_t *
log_lines(const char *dir)
{
	char *path = xasprintf("%s/whatsapp.jsonl", dir), *data = NULL, *p, *nl;
	json_t *arr = json_array();
	size_t len;

	if (ny_read_file(path, 1 << 20, &data, &len) == NY_OK) {
		for (p = data; (nl = strchr(p, '\n')) != NULL; p = nl + 1) {
			json_t *v = json_loadb(p, (size_t)(nl - p), 0, NULL);

			ck_assert_ptr_nonnull(v);
			json_array_append_new(arr, v);
		}
		ck_assert_str_eq(p, "");	/* every line complete */
	}
	free(data);
	free(path);
	return arr;
}

static int64_t
queue(struct db *db, const char *dedupe, const char *body)
{
	struct outbox_msg m = { .to_phone = LF_PHONE2, .kind = "library_link",
	    .locale = "en", .body = body, .dedupe_key = dedupe,
	    .customer_id = 2 };
	int64_t id = 0;

	ck_assert_int_eq(db_begin(db), NY_OK);
	ck_assert_int_eq(outbox_queue_tx(db, &m, &id), NY_OK);
	ck_assert_int_eq(db_commit(db), NY_OK);
	return id;
}

START_TEST(queue_dedupe)
{
	struct db *db = lf_open(NULL);
	struct outbox_msg bad = { .to_phone = LF_PHONE2, .kind = "x",
	    .locale = "fr", .body = "b" };
	int64_t a = queue(db, "k1", "one"), b = queue(db, "k1", "two");

	ck_assert_int_eq(a, b);
	ck_assert_int_ne(queue(db, "k2", "three"), a);
	ck_assert_int_ne(queue(db, NULL, "four"), a);
	ck_assert_int_eq(lf_scalar(db, "SELECT count(*) FROM messages"), 3);
	ck_assert_int_eq(db_begin(db), NY_OK);
	ck_assert_int_eq(outbox_queue_tx(db, &bad, NULL), NY_EINVAL);
	bad.locale = "en";
	bad.to_phone = NULL;
	ck_assert_int_eq(outbox_queue_tx(db, &bad, NULL), NY_EINVAL);
	db_rollback(db);
	db_close(db);
}
END_TEST

START_TEST(log_driver_once_with_link)
{
	struct db *db = lf_open(NULL);
	char *dir = mkdir_tmp();
	struct outbox *ob = log_outbox(dir);
	json_t *lines, *l;
	const char *link, *tok;
	int64_t cid;
	int sent;

	lf_buy(db, 1, 1, 1);
	ck_assert_int_eq(outbox_step(ob, db, LF_T0, 10, &sent), NY_OK);
	ck_assert_int_eq(sent, 1);
	ck_assert_int_eq(outbox_step(ob, db, LF_T0 + 999, 10, &sent), NY_OK);
	ck_assert_int_eq(sent, 0);
	lines = log_lines(dir);
	ck_assert_int_eq(json_array_size(lines), 1);
	l = json_array_get(lines, 0);
	ck_assert_str_eq(json_string_value(json_object_get(l, "to")),
	    LF_PHONE1);
	ck_assert_str_eq(json_string_value(json_object_get(l, "lang")), "sw");
	ck_assert_str_eq(json_string_value(json_object_get(l, "kind")),
	    "receipt");
	ck_assert_ptr_nonnull(json_string_value(json_object_get(l,
	    "template")));
	link = json_string_value(json_object_get(l, "link"));
	ck_assert_ptr_nonnull(link);
	ck_assert_int_eq(strncmp(link, BASE "/l/", strlen(BASE) + 3), 0);
	ck_assert_ptr_nonnull(strstr(json_string_value(json_object_get(l,
	    "body")), link));
	ck_assert_ptr_null(strstr(json_string_value(json_object_get(l,
	    "body")), "{link}"));
	tok = link + strlen(BASE) + 3;
	ck_assert_int_eq(library_key_resolve(db, tok, &cid, NULL), NY_OK);
	ck_assert_int_eq(cid, 1);
	ck_assert_int_eq(lf_scalar(db, "SELECT count(*) FROM messages"
	    " WHERE status = 'sent' AND sent_at = " "1900000000"), 1);
	json_decref(lines);
	outbox_free(ob);
	free(dir);
	db_close(db);
}
END_TEST

START_TEST(link_follows_rotation)
{
	struct db *db = lf_open(NULL);
	char *dir = mkdir_tmp(), tok[LIBRARY_KEY_TOKEN_MAX];
	struct outbox *ob = log_outbox(dir);
	json_t *lines;
	int64_t k;

	lf_buy(db, 1, 1, 1);
	ck_assert_int_eq(library_key_rotate(db, 1, &k), NY_OK);
	ck_assert_int_eq(library_key_token(db, k, tok), NY_OK);
	ck_assert_int_eq(outbox_step(ob, db, LF_T0, 10, NULL), NY_OK);
	lines = log_lines(dir);
	ck_assert_ptr_nonnull(strstr(json_string_value(json_object_get(
	    json_array_get(lines, 0), "link")), tok));
	json_decref(lines);
	outbox_free(ob);
	free(dir);
	db_close(db);
}
END_TEST

START_TEST(restart_and_crash_send_each_once)
{
	struct db *db = lf_open(NULL);
	char *dir = mkdir_tmp(), key[16];
	struct outbox *ob = log_outbox(dir);
	json_t *lines;
	int i, sent, seen[8] = { 0 };
	size_t j;

	for (i = 0; i < 6; i++) {
		snprintf(key, sizeof key, "m%d", i);
		queue(db, key, "hello {link}");
	}
	/* Worker A sends two, then the process "restarts". */
	ck_assert_int_eq(outbox_step(ob, db, LF_T0, 2, &sent), NY_OK);
	ck_assert_int_eq(sent, 2);
	outbox_free(ob);
	/* A crashed worker had claimed two more without sending them. */
	ck_assert_int_eq(db_exec(db, "UPDATE messages SET status = 'sending',"
	    " attempts = 1, next_attempt_at = 1900000000 WHERE id IN"
	    " (SELECT id FROM messages WHERE status = 'queued' ORDER BY id"
	    " LIMIT 2)"), NY_OK);
	ob = log_outbox(dir);
	ck_assert_int_eq(outbox_step(ob, db, LF_T0 + 1, 10, &sent), NY_OK);
	ck_assert_int_eq(sent, 2);		/* not yet stale */
	ck_assert_int_eq(outbox_step(ob, db, LF_T0 + OUTBOX_STALE + 1, 10,
	    &sent), NY_OK);
	ck_assert_int_eq(sent, 2);		/* reclaimed */
	ck_assert_int_eq(outbox_step(ob, db, LF_T0 + 10 * OUTBOX_STALE, 10,
	    &sent), NY_OK);
	ck_assert_int_eq(sent, 0);
	lines = log_lines(dir);
	ck_assert_int_eq(json_array_size(lines), 6);
	for (j = 0; j < json_array_size(lines); j++) {
		json_int_t id = json_integer_value(json_object_get(
		    json_array_get(lines, j), "id"));

		ck_assert(id >= 1 && id <= 6);
		ck_assert_int_eq(seen[id]++, 0);
	}
	ck_assert_int_eq(lf_scalar(db, "SELECT count(*) FROM messages"
	    " WHERE status = 'sent'"), 6);
	json_decref(lines);
	outbox_free(ob);
	free(dir);
	db_close(db);
}
END_TEST

START_TEST(backoff_grows_with_jitter)
{
	int i;

	for (i = 0; i < 50; i++) {
		int64_t b1 = outbox_backoff(1), b3 = outbox_backoff(3);
		int64_t b20 = outbox_backoff(20);

		ck_assert(b1 >= 11 && b1 <= 19);
		ck_assert(b3 >= 45 && b3 <= 75);
		ck_assert(b20 >= 2700 && b20 <= 4500);
	}
}
END_TEST

/* ---- cloud driver against tests/fake-graph.py ----------------------- */

struct fake {
	pid_t	 pid;
	int	 port;
	char	*log;
	char	*url;
};

static void
fake_start(struct fake *f, const char *statuses)
{
	char *portfile = tmp_path("port");
	const char *src = getenv("NYOTA_SRC");
	char *script = xasprintf("%s/tests/fake-graph.py", src ? src : ".");
	char *data = NULL;
	size_t len;
	int i;

	f->log = tmp_path("graph.log");
	f->pid = fork();
	ck_assert_int_ge(f->pid, 0);
	if (f->pid == 0) {
		execlp("python3", "python3", script, portfile, f->log,
		    "tok-123", "555000", "nyota_msg", statuses, (char *)NULL);
		_exit(127);
	}
	for (i = 0; i < 100 && ny_read_file(portfile, 16, &data, &len) !=
	    NY_OK; i++)
		usleep(50000);
	ck_assert_ptr_nonnull(data);
	f->port = (int)strtol(data, NULL, 10);
	f->url = xasprintf("http://127.0.0.1:%d/v1", f->port);
	free(data);
	free(portfile);
	free(script);
}

static void
fake_stop(struct fake *f)
{
	kill(f->pid, SIGTERM);
	waitpid(f->pid, NULL, 0);
	free(f->log);
	free(f->url);
}

static json_t *
fake_requests(struct fake *f)
{
	char *data = NULL, *p, *nl;
	json_t *arr = json_array();
	size_t len;

	if (ny_read_file(f->log, 1 << 20, &data, &len) == NY_OK)
		for (p = data; (nl = strchr(p, '\n')) != NULL; p = nl + 1)
			json_array_append_new(arr, json_loadb(p,
			    (size_t)(nl - p), 0, NULL));
	free(data);
	return arr;
}

static struct outbox *
cloud_outbox(struct fake *f, const char *token, long timeout_ms)
{
	struct outbox_conf c = { .driver = "cloud", .base_url = BASE,
	    .api_url = f->url, .token = token, .phone_id = "555000",
	    .template_name = "nyota_msg", .timeout_ms = timeout_ms };
	struct outbox *ob;
	char *cause = NULL;

	ck_assert_int_eq(outbox_new(&c, &ob, &cause), NY_OK);
	return ob;
}

static void
row(struct db *db, char *status, size_t slen, int *attempts, char *err,
    size_t elen)
{
	sqlite3_stmt *st = db_stmt(db, "SELECT status, attempts,"
	    " coalesce(last_error, ''), coalesce(provider_id, '')"
	    " FROM messages ORDER BY id LIMIT 1");

	ck_assert_int_eq(sqlite3_step(st), SQLITE_ROW);
	snprintf(status, slen, "%s", sqlite3_column_text(st, 0));
	*attempts = sqlite3_column_int(st, 1);
	snprintf(err, elen, "%s|%s", sqlite3_column_text(st, 2),
	    sqlite3_column_text(st, 3));
	sqlite3_reset(st);
}

START_TEST(cloud_500_then_200_delivers_once)
{
	struct db *db = lf_open(NULL);
	struct fake f;
	struct outbox *ob;
	char status[16], err[300];
	json_t *reqs, *body, *params;
	int attempts, sent;

	fake_start(&f, "500,200");
	ob = cloud_outbox(&f, "tok-123", 5000);
	lf_buy(db, 1, 1, 1);
	ck_assert_int_eq(outbox_step(ob, db, LF_T0, 10, &sent), NY_OK);
	ck_assert_int_eq(sent, 1);
	row(db, status, sizeof status, &attempts, err, sizeof err);
	ck_assert_str_eq(status, "queued");
	ck_assert_int_eq(attempts, 1);
	ck_assert_ptr_nonnull(strstr(err, "500"));
	/* Not due yet. */
	ck_assert_int_eq(outbox_step(ob, db, LF_T0 + 5, 10, &sent), NY_OK);
	ck_assert_int_eq(sent, 0);
	ck_assert_int_eq(outbox_step(ob, db, LF_T0 + 3600, 10, &sent), NY_OK);
	ck_assert_int_eq(sent, 1);
	row(db, status, sizeof status, &attempts, err, sizeof err);
	ck_assert_str_eq(status, "sent");
	ck_assert_int_eq(attempts, 2);
	ck_assert_str_eq(err, "|wamid.fake1");
	ck_assert_int_eq(outbox_step(ob, db, LF_T0 + 99999, 10, &sent), NY_OK);
	ck_assert_int_eq(sent, 0);
	reqs = fake_requests(&f);
	ck_assert_int_eq(json_array_size(reqs), 2);
	ck_assert(json_is_true(json_object_get(json_array_get(reqs, 1), "ok")));
	ck_assert_int_eq(json_integer_value(json_object_get(
	    json_array_get(reqs, 1), "status")), 200);
	/* The one parameter carries the body with the live link. */
	body = json_loads(json_string_value(json_object_get(
	    json_array_get(reqs, 1), "body")), 0, NULL);
	params = json_object_get(json_array_get(json_object_get(json_object_get(
	    body, "template"), "components"), 0), "parameters");
	ck_assert_int_eq(json_array_size(params), 1);
	ck_assert_ptr_nonnull(strstr(json_string_value(json_object_get(
	    json_array_get(params, 0), "text")), BASE "/l/"));
	ck_assert_str_eq(json_string_value(json_object_get(json_object_get(
	    json_object_get(body, "template"), "language"), "code")), "sw");
	json_decref(body);
	json_decref(reqs);
	outbox_free(ob);
	fake_stop(&f);
	db_close(db);
}
END_TEST

START_TEST(cloud_400_fails_with_reason)
{
	struct db *db = lf_open(NULL);
	struct fake f;
	struct outbox *ob;
	char status[16], err[300];
	int attempts, sent;

	fake_start(&f, "400,200");
	ob = cloud_outbox(&f, "tok-123", 5000);
	queue(db, "x", "hi {link}");
	ck_assert_int_eq(outbox_step(ob, db, LF_T0, 10, &sent), NY_OK);
	row(db, status, sizeof status, &attempts, err, sizeof err);
	ck_assert_str_eq(status, "failed");
	ck_assert_int_eq(attempts, 1);
	ck_assert_ptr_nonnull(strstr(err, "131026"));
	ck_assert_int_eq(outbox_step(ob, db, LF_T0 + 99999, 10, &sent), NY_OK);
	ck_assert_int_eq(sent, 0);
	/* The console's retry sends it again (the fake now says 200). */
	ck_assert_int_eq(outbox_retry(db, 1, LF_T0 + 10), NY_OK);
	ck_assert_int_eq(outbox_step(ob, db, LF_T0 + 10, 10, &sent), NY_OK);
	ck_assert_int_eq(sent, 1);
	row(db, status, sizeof status, &attempts, err, sizeof err);
	ck_assert_str_eq(status, "sent");
	ck_assert_int_eq(outbox_retry(db, 1, LF_T0), NY_ESTATE);
	ck_assert_int_eq(outbox_retry(db, 77, LF_T0), NY_ENOTFOUND);
	outbox_free(ob);
	fake_stop(&f);
	db_close(db);
}
END_TEST

START_TEST(cloud_checks_and_timeouts)
{
	struct db *db = lf_open(NULL);
	struct fake f;
	struct outbox *ob;
	struct outbox_row *rows;
	struct outbox_conf bad = { .driver = "cloud", .api_url = "http://x" };
	char status[16], err[300], *cause = NULL;
	size_t n;
	int attempts;

	ck_assert_int_eq(outbox_new(&bad, &ob, &cause), NY_EINVAL);
	ck_assert_ptr_nonnull(strstr(cause, "NYOTA_WHATSAPP_TOKEN"));
	free(cause);
	bad.driver = "carrier-pigeon";
	ck_assert_int_eq(outbox_new(&bad, &ob, &cause), NY_EINVAL);
	free(cause);
	/* A wrong token is refused by the fake: permanent, with its reason. */
	fake_start(&f, "200");
	ob = cloud_outbox(&f, "wrong", 5000);
	queue(db, "x", "hi");
	ck_assert_int_eq(outbox_step(ob, db, LF_T0, 10, NULL), NY_OK);
	row(db, status, sizeof status, &attempts, err, sizeof err);
	ck_assert_str_eq(status, "failed");
	ck_assert_ptr_nonnull(strstr(err, "fake-graph: authorization"));
	outbox_free(ob);
	fake_stop(&f);
	/* No answer: a timeout is transient. */
	fake_start(&f, "hang");
	ob = cloud_outbox(&f, "tok-123", 300);
	ck_assert_int_eq(outbox_retry(db, 1, LF_T0), NY_OK);
	ck_assert_int_eq(outbox_step(ob, db, LF_T0, 10, NULL), NY_OK);
	row(db, status, sizeof status, &attempts, err, sizeof err);
	ck_assert_str_eq(status, "queued");
	ck_assert_ptr_nonnull(strstr(err, "network"));
	/* … until the attempts run out. */
	ck_assert_int_eq(db_exec(db, "UPDATE messages SET attempts = 7,"
	    " next_attempt_at = 0"), NY_OK);
	ck_assert_int_eq(outbox_step(ob, db, LF_T0, 10, NULL), NY_OK);
	row(db, status, sizeof status, &attempts, err, sizeof err);
	ck_assert_str_eq(status, "failed");
	ck_assert_int_eq(attempts, OUTBOX_MAX_ATTEMPTS);
	ck_assert_int_eq(outbox_list(db, "failed", 10, &rows, &n), NY_OK);
	ck_assert_int_eq(n, 1);
	ck_assert_str_eq(rows[0].status, "failed");
	ck_assert_ptr_nonnull(strstr(rows[0].last_error, "network"));
	outbox_rows_free(rows, n);
	ck_assert_int_eq(outbox_list(db, NULL, 0, &rows, &n), NY_OK);
	ck_assert_int_eq(n, 1);
	outbox_rows_free(rows, n);
	outbox_free(ob);
	fake_stop(&f);
	db_close(db);
}
END_TEST

/* ---- scheduler ------------------------------------------------------ */

START_TEST(reminders_once)
{
	struct db *db = lf_open(NULL);
	const int64_t day = 86400;
	int q;

	lf_buy(db, 1, 2, 1);		/* subscription: ends T0 + 30 d */
	lf_buy(db, 2, 4, 1);		/* webinar: starts LF_START */
	ck_assert_int_eq(outbox_schedule(db, LF_T0 + 26 * day, &q), NY_OK);
	ck_assert_int_eq(q, 0);
	ck_assert_int_eq(outbox_schedule(db, LF_T0 + 27 * day + 1, &q), NY_OK);
	ck_assert_int_eq(q, 1);
	ck_assert_int_eq(outbox_schedule(db, LF_T0 + 28 * day, &q), NY_OK);
	ck_assert_int_eq(q, 0);
	ck_assert_int_eq(lf_scalar(db, "SELECT count(*) FROM messages WHERE"
	    " kind = 'reminder' AND customer_id = 1 AND locale = 'sw'"
	    " AND body LIKE '%Club%{link}%'"), 1);
	/* Webinar: 1 hour before the start. */
	ck_assert_int_eq(outbox_schedule(db, LF_START - 3601, &q), NY_OK);
	ck_assert_int_eq(q, 0);
	ck_assert_int_eq(outbox_schedule(db, LF_START - 3599, &q), NY_OK);
	ck_assert_int_eq(q, 1);
	ck_assert_int_eq(outbox_schedule(db, LF_START - 60, &q), NY_OK);
	ck_assert_int_eq(q, 0);
	/* A renewal gives the new end its own reminder. */
	ny_clock_set(LF_T0 + 28 * day);
	lf_buy(db, 1, 2, 1);
	ck_assert_int_eq(outbox_schedule(db, LF_T0 + 28 * day + 1, &q), NY_OK);
	ck_assert_int_eq(q, 0);
	ck_assert_int_eq(outbox_schedule(db, LF_T0 + 57 * day + 1, &q), NY_OK);
	ck_assert_int_eq(q, 1);
	ny_clock_set(LF_T0);
	db_close(db);
}
END_TEST

START_TEST(automations_once)
{
	struct db *db = lf_open(NULL);
	int q;

	ck_assert_int_eq(db_exec(db, "INSERT INTO automations (product_id,"
	    " trigger, offset_minutes, body_en, body_sw, created_at) VALUES"
	    " (1, 'purchase', 60, 'Thanks! {link}', 'Asante! {link}', 0),"
	    " (4, 'before_start', 1440, 'Tomorrow', 'Kesho', 0),"
	    " (2, 'before_end', 60, 'Ending', 'Inaisha', 0),"
	    " (3, 'purchase', 0, 'off', 'off', 0);"
	    "UPDATE automations SET enabled = 0 WHERE product_id = 3"), NY_OK);
	lf_buy(db, 1, 1, 1);
	lf_buy(db, 2, 4, 1);
	lf_buy(db, 1, 2, 1);
	lf_buy(db, 1, 3, 1);
	ck_assert_int_eq(outbox_schedule(db, LF_T0 + 3599, &q), NY_OK);
	ck_assert_int_eq(q, 0);
	ck_assert_int_eq(outbox_schedule(db, LF_T0 + 3600, &q), NY_OK);
	ck_assert_int_eq(q, 1);
	ck_assert_int_eq(lf_scalar(db, "SELECT count(*) FROM messages WHERE"
	    " kind = 'automation' AND body = 'Asante! {link}'"
	    " AND library_key_id IS NOT NULL"), 1);
	ck_assert_int_eq(outbox_schedule(db, LF_T0 + 7200, &q), NY_OK);
	ck_assert_int_eq(q, 0);
	/* A day before the webinar, in English for customer 2. */
	ck_assert_int_eq(outbox_schedule(db, LF_START - 86400, &q), NY_OK);
	ck_assert_int_ge(q, 1);
	ck_assert_int_eq(lf_scalar(db, "SELECT count(*) FROM messages WHERE"
	    " kind = 'automation' AND body = 'Tomorrow'"), 1);
	/* An hour before the subscription ends (after its 3-day reminder). */
	ck_assert_int_eq(outbox_schedule(db, LF_T0 + 30 * 86400 - 3600, &q),
	    NY_OK);
	ck_assert_int_eq(lf_scalar(db, "SELECT count(*) FROM messages WHERE"
	    " kind = 'automation' AND body = 'Inaisha'"), 1);
	ck_assert_int_eq(outbox_schedule(db, LF_T0 + 30 * 86400 - 60, &q),
	    NY_OK);
	ck_assert_int_eq(q, 0);
	ck_assert_int_eq(lf_scalar(db, "SELECT count(*) FROM messages WHERE"
	    " body = 'off'"), 0);
	ck_assert_int_eq(lf_scalar(db, "SELECT count(*) FROM automation_runs"),
	    3);
	db_close(db);
}
END_TEST

/* The Messages screen is per creator: receipts by the order's product,
 * order-less messages by the customer's paid purchases. */
START_TEST(list_per_creator)
{
	struct db *db = lf_open(NULL);
	struct outbox_row *rows;
	size_t n, i;
	int64_t only2;

	lf_buy(db, 1, 1, 1);		/* customer 1 buys amani's download */
	lf_buy(db, 2, 5, 1);		/* customer 2 buys baraka's ticket */
	queue(db, "recover-2", "Your link {link}");	/* customer 2 */
	lf_order(db, 1, 5, 1, "pending");	/* not a purchase */
	ck_assert_int_eq(outbox_list(db, NULL, 10, &rows, &n), NY_OK);
	ck_assert_uint_eq(n, 3);
	outbox_rows_free(rows, n);

	ck_assert_int_eq(outbox_list_creator(db, 1, NULL, 10, &rows, &n),
	    NY_OK);
	ck_assert_uint_eq(n, 1);
	ck_assert_str_eq(rows[0].to_phone, LF_PHONE1);
	ck_assert_str_eq(rows[0].kind, "receipt");
	outbox_rows_free(rows, n);

	ck_assert_int_eq(outbox_list_creator(db, 2, NULL, 10, &rows, &n),
	    NY_OK);
	ck_assert_uint_eq(n, 2);
	for (i = 0; i < n; i++)
		ck_assert_str_eq(rows[i].to_phone, LF_PHONE2);
	ck_assert_str_eq(rows[0].kind, "library_link");	/* newest first */
	outbox_rows_free(rows, n);

	only2 = lf_scalar(db, "SELECT min(id) FROM messages WHERE"
	    " to_phone = '" LF_PHONE2 "'");
	ck_assert_int_eq(db_exec(db, "UPDATE messages SET status = 'failed'"
	    " WHERE kind = 'receipt'"), NY_OK);
	ck_assert_int_eq(outbox_list_creator(db, 2, "failed", 10, &rows, &n),
	    NY_OK);
	ck_assert_uint_eq(n, 1);
	ck_assert_int_eq(rows[0].id, only2);
	outbox_rows_free(rows, n);
	ck_assert_int_eq(outbox_list_creator(db, 3, NULL, 10, &rows, &n),
	    NY_OK);
	ck_assert_uint_eq(n, 0);
	outbox_rows_free(rows, n);
	db_close(db);
}
END_TEST

static Suite *
outbox_suite(void)
{
	Suite *s = suite_create("outbox");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, queue_dedupe);
	tcase_add_test(tc, log_driver_once_with_link);
	tcase_add_test(tc, link_follows_rotation);
	tcase_add_test(tc, restart_and_crash_send_each_once);
	tcase_add_test(tc, backoff_grows_with_jitter);
	tcase_add_test(tc, cloud_500_then_200_delivers_once);
	tcase_add_test(tc, cloud_400_fails_with_reason);
	tcase_add_test(tc, cloud_checks_and_timeouts);
	tcase_add_test(tc, reminders_once);
	tcase_add_test(tc, automations_once);
	tcase_add_test(tc, list_per_creator);
	tcase_set_timeout(tc, 60);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return run_suite(outbox_suite());
}
