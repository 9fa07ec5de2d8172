/*
 * fake-server.h: a Check suite's side of the Python fakes of the services
 * Nyota talks to (tests/fake-*.py): where the script is, the port it
 * picked, stopping it, and its control API (/_ctl/…). Header-only, like
 * testutil.h; the suite forks and execs the fake itself (each takes its
 * own arguments and environment).
 */
#ifndef NY_FAKE_SERVER_H
#define NY_FAKE_SERVER_H

#include <check.h>
#include <curl/curl.h>
#include <jansson.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ny.h"

/* NYOTA_SRC/tests/name (or ./tests/name); caller frees. */
static inline char *
fake_script(const char *name)
{
	const char *src = getenv("NYOTA_SRC");

	return xasprintf("%s/tests/%s", src ? src : ".", name);
}

/* Waits (10 s at most) for the port the fake writes to portfile once it
 * listens; its base URL goes to url. */
static inline void
fake_wait_port(const char *portfile, char *url, size_t len)
{
	char *data = NULL;
	size_t n;
	int i;

	for (i = 0; i < 200 && ny_read_file(portfile, 16, &data, &n) != NY_OK;
	    i++)
		usleep(50000);
	ck_assert_ptr_nonnull(data);
	snprintf(url, len, "http://127.0.0.1:%d", (int)strtol(data, NULL, 10));
	free(data);
}

static inline void
fake_kill(pid_t pid)
{
	if (pid > 0) {
		kill(pid, SIGTERM);
		waitpid(pid, NULL, 0);
	}
}

static inline size_t
fake_ctl_write(char *p, size_t size, size_t n, void *arg)
{
	return buf_add(arg, p, size * n) == NY_OK ? size * n : 0;
}

/* GET (body NULL) or POST JSON to base/_ctl/what; its JSON answer. */
static inline json_t *
fake_ctl(const char *base, const char *what, const char *body)
{
	CURL *c = curl_easy_init();
	struct curl_slist *h = curl_slist_append(NULL,
	    "Content-Type: application/json");
	struct ny_buf b;
	char *url = xasprintf("%s/_ctl/%s", base, what);
	json_t *j;

	buf_init(&b, 0);
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, fake_ctl_write);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &b);
	if (body != NULL)
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
	ck_assert_int_eq(curl_easy_perform(c), CURLE_OK);
	j = json_loads(b.data ? b.data : "", 0, NULL);
	ck_assert_ptr_nonnull(j);
	curl_slist_free_all(h);
	curl_easy_cleanup(c);
	buf_free(&b);
	free(url);
	return j;
}

#endif
