/*
 * test-outbox-log: the log driver on its own, with the inputs that made
 * json_pack fail or crash: NULL fields of struct outbox_send, invalid
 * UTF-8 in a body (a text cut inside a character), and many threads
 * sending through one driver at once. Every line must stay valid JSON.
 */
#include <check.h>
#include <jansson.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "outbox-int.h"
#include "testutil.h"

struct drv {
	void	*data;
	char	*dir;
};

static void
drv_open(struct drv *d)
{
	struct outbox_conf c = { .driver = "log", .base_url = "http://x",
	    .data_dir = NULL };
	char *cause = NULL;

	d->dir = tmp_path("oblog");
	ck_assert_int_eq(mkdir(d->dir, 0700), 0);
	c.data_dir = d->dir;
	ck_assert_int_eq(outbox_log_new(&c, &d->data, &cause), NY_OK);
}

static void
drv_close(struct drv *d)
{
	outbox_driver_log.free(d->data);
	free(d->dir);
}

/* Every line of whatsapp.jsonl parsed (caller decrefs); fails on a bad one. */
static json_t *
drv_lines(const struct drv *d)
{
	char *path = xasprintf("%s/whatsapp.jsonl", d->dir), *data = NULL;
	char *p, *nl;
	json_t *arr = json_array();
	size_t len;

	ck_assert_int_eq(ny_read_file(path, 1 << 22, &data, &len), NY_OK);
	for (p = data; (nl = strchr(p, '\n')) != NULL; p = nl + 1) {
		json_t *v = json_loadb(p, (size_t)(nl - p), 0, NULL);

		ck_assert_ptr_nonnull(v);
		json_array_append_new(arr, v);
	}
	ck_assert_str_eq(p, "");
	free(data);
	free(path);
	return arr;
}

static enum outbox_result
drv_send(struct drv *d, const struct outbox_send *m)
{
	char pid[64] = "", reason[128] = "";

	return outbox_driver_log.send(d->data, m, pid, sizeof pid, reason,
	    sizeof reason);
}

START_TEST(null_fields)
{
	struct outbox_send m = { .id = 7 };	/* every string NULL */
	struct drv d;
	json_t *l;

	drv_open(&d);
	ck_assert_int_eq(drv_send(&d, &m), OUTBOX_SENT);
	l = drv_lines(&d);
	ck_assert_int_eq(json_array_size(l), 1);
	ck_assert_str_eq(json_string_value(json_object_get(json_array_get(l, 0),
	    "to")), "");
	ck_assert(json_is_null(json_object_get(json_array_get(l, 0), "link")));
	ck_assert(json_is_array(json_object_get(json_array_get(l, 0),
	    "params")));
	json_decref(l);
	drv_close(&d);
}
END_TEST

START_TEST(bad_utf8)
{
	/* "Asante – " cut inside the dash, and a lone continuation byte. */
	struct outbox_send m = { .id = 8, .to = "254712345678",
	    .kind = "receipt", .locale = "sw", .body = "Asante \xe2\x80 \x80 ok",
	    .link = "http://x/l/abc", .params = "[\"a\"]" };
	struct drv d;
	json_t *l;
	const char *body;

	drv_open(&d);
	ck_assert_int_eq(drv_send(&d, &m), OUTBOX_SENT);
	l = drv_lines(&d);
	body = json_string_value(json_object_get(json_array_get(l, 0), "body"));
	ck_assert_ptr_nonnull(body);
	ck_assert_ptr_nonnull(strstr(body, "Asante"));
	ck_assert_ptr_nonnull(strstr(body, "ok"));
	ck_assert_str_eq(json_string_value(json_object_get(json_array_get(l, 0),
	    "template")), "nyota_receipt");
	json_decref(l);
	drv_close(&d);
}
END_TEST

#define TH	8
#define PER	100

static void *
drv_thread(void *arg)
{
	struct drv *d = arg;
	char body[64];
	int i;

	for (i = 0; i < PER; i++) {
		struct outbox_send m = { .id = i, .to = "254712345678",
		    .kind = "receipt", .locale = "en", .body = body,
		    .link = i % 2 ? NULL : "http://x/l/t", .params = NULL };

		snprintf(body, sizeof body, "Habari – message %d", i);
		if (drv_send(d, &m) != OUTBOX_SENT)
			return (void *)1;
	}
	return NULL;
}

START_TEST(threads)
{
	pthread_t th[TH];
	struct drv d;
	void *r;
	json_t *l;
	int i;

	drv_open(&d);
	for (i = 0; i < TH; i++)
		ck_assert_int_eq(pthread_create(&th[i], NULL, drv_thread, &d), 0);
	for (i = 0; i < TH; i++) {
		ck_assert_int_eq(pthread_join(th[i], &r), 0);
		ck_assert_ptr_null(r);
	}
	l = drv_lines(&d);
	ck_assert_int_eq(json_array_size(l), TH * PER);
	json_decref(l);
	drv_close(&d);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("outbox-log");
	TCase *tc = tcase_create("driver");

	tcase_add_test(tc, null_fields);
	tcase_add_test(tc, bad_utf8);
	tcase_add_test(tc, threads);
	suite_add_tcase(s, tc);
	return run_suite(s);
}
