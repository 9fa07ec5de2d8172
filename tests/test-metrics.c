/*
 * test-metrics.c: the registry (metrics.c): the text format 0.0.4 to the
 * byte, escaping, histogram buckets and sums, the label-set cap, counting
 * from many threads at once; the program's families (metrics-app.c) and
 * the listener without a thread (metrics-http.c), also across fork().
 */
#include <check.h>
#include <math.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <unistd.h>

#include "metrics-app.h"
#include "metrics-http.h"
#include "metrics.h"
#include "testutil.h"

/* The whole text of m (caller frees). */
static char *
render(struct metrics *m)
{
	struct ny_buf b;

	buf_init(&b, 0);
	ck_assert_int_eq(metrics_render(m, &b), NY_OK);
	return buf_steal(&b, NULL);
}

static double
fortytwo(void *arg)
{
	return *(double *)arg;
}

START_TEST(format_exact)
{
	struct metrics *m = metrics_new();
	struct metrics_family *c, *g, *h;
	const char *v1[] = { "GET /", "200" }, *v2[] = { "GET /", "404" };
	const double b[] = { 0.1, 1 };
	double x = 42.5, nan_ = NAN;
	char *t;

	c = metrics_add(m, METRICS_COUNTER, "t_requests_total", "Requests.",
	    "route,code", 8);
	g = metrics_add(m, METRICS_GAUGE, "t_open", "Open now.", NULL, 0);
	metrics_add_fn(m, "t_fn", "Computed.", fortytwo, &x);
	metrics_add_fn(m, "t_none", "Not known now.", fortytwo, &nan_);
	h = metrics_add_histogram(m, "t_seconds", "Time.", NULL, 0, b, 2);
	metrics_inc(c, v2);
	metrics_inc(c, v1);
	metrics_add_to(metrics_get(c, v1), 2);
	metrics_add_to(metrics_get(g, NULL), 5);
	metrics_add_to(metrics_get(g, NULL), -2);
	metrics_observe_at(h, NULL, 0.05);
	metrics_observe_at(h, NULL, 3);
	t = render(m);
	ck_assert_str_eq(t,
	    "# HELP t_requests_total Requests.\n"
	    "# TYPE t_requests_total counter\n"
	    "t_requests_total{route=\"GET /\",code=\"200\"} 3\n"
	    "t_requests_total{route=\"GET /\",code=\"404\"} 1\n"
	    "# HELP t_open Open now.\n"
	    "# TYPE t_open gauge\n"
	    "t_open 3\n"
	    "# HELP t_fn Computed.\n"
	    "# TYPE t_fn gauge\n"
	    "t_fn 42.5\n"
	    "# HELP t_none Not known now.\n"
	    "# TYPE t_none gauge\n"
	    "# HELP t_seconds Time.\n"
	    "# TYPE t_seconds histogram\n"
	    "t_seconds_bucket{le=\"0.1\"} 1\n"
	    "t_seconds_bucket{le=\"1\"} 1\n"
	    "t_seconds_bucket{le=\"+Inf\"} 2\n"
	    "t_seconds_sum 3.05\n"
	    "t_seconds_count 2\n");
	free(t);
	metrics_free(m);
}
END_TEST

START_TEST(escaping)
{
	struct metrics *m = metrics_new();
	struct metrics_family *c;
	const char *v[] = { "a\\b\"c\nd" };
	char *t;

	c = metrics_add(m, METRICS_COUNTER, "t_total", "Back\\slash and\nline "
	    "and \"quotes\".", "path", 4);
	metrics_inc(c, v);
	t = render(m);
	ck_assert_str_eq(t,
	    "# HELP t_total Back\\\\slash and\\nline and \"quotes\".\n"
	    "# TYPE t_total counter\n"
	    "t_total{path=\"a\\\\b\\\"c\\nd\"} 1\n");
	free(t);
	metrics_free(m);
}
END_TEST

START_TEST(histogram_maths)
{
	struct metrics *m = metrics_new();
	const double b[] = { 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
	    0.1, 0.25, 0.5, 1, 2.5, 5, 10 };
	const char *r[] = { "GET /p/{slug}" };
	struct metrics_family *h;
	char *t;

	h = metrics_add_histogram(m, "t_seconds", "Time.", "route", 4, b, 14);
	/* on a bound: counted in that bucket (le is "less or equal") */
	metrics_observe_at(h, r, 0.0005);
	metrics_observe_at(h, r, 0.0007);
	metrics_observe_at(h, r, 0.25);
	metrics_observe_at(h, r, 10);
	metrics_observe_at(h, r, 11);
	metrics_observe_at(h, r, NAN);		/* ignored */
	t = render(m);
	ck_assert_ptr_nonnull(strstr(t, "t_seconds_bucket{route=\"GET "
	    "/p/{slug}\",le=\"0.0005\"} 1\n"
	    "t_seconds_bucket{route=\"GET /p/{slug}\",le=\"0.001\"} 2\n"));
	ck_assert_ptr_nonnull(strstr(t, "le=\"0.1\"} 2\n"));
	ck_assert_ptr_nonnull(strstr(t, "le=\"0.25\"} 3\n"));
	ck_assert_ptr_nonnull(strstr(t, "le=\"5\"} 3\n"));
	ck_assert_ptr_nonnull(strstr(t, "le=\"10\"} 4\n"));
	ck_assert_ptr_nonnull(strstr(t, "le=\"+Inf\"} 5\n"));
	ck_assert_ptr_nonnull(strstr(t, "t_seconds_sum{route=\"GET /p/{slug}\"}"
	    " 21.2512\n"));
	ck_assert_ptr_nonnull(strstr(t, "t_seconds_count{route=\"GET "
	    "/p/{slug}\"} 5\n"));
	free(t);
	metrics_free(m);
}
END_TEST

START_TEST(floats)
{
	char b[32];

	ck_assert_str_eq(metrics_float(0.1, b, sizeof b), "0.1");
	ck_assert_str_eq(metrics_float(10, b, sizeof b), "10");
	ck_assert_str_eq(metrics_float(0.0025, b, sizeof b), "0.0025");
	ck_assert_str_eq(metrics_float(123456789, b, sizeof b), "123456789");
	ck_assert_str_eq(metrics_float(1e-05, b, sizeof b), "1e-05");
	ck_assert_str_eq(metrics_float(-3, b, sizeof b), "-3");
	ck_assert_str_eq(metrics_float(INFINITY, b, sizeof b), "+Inf");
	ck_assert_str_eq(metrics_float(-INFINITY, b, sizeof b), "-Inf");
	ck_assert_str_eq(metrics_float(NAN, b, sizeof b), "NaN");
	ck_assert(strtod(metrics_float(1.0 / 3, b, sizeof b), NULL) == 1.0 / 3);
}
END_TEST

START_TEST(label_sets_capped)
{
	struct metrics *m = metrics_new();
	struct metrics_family *c;
	const char *v[1];
	char name[8];
	int i;

	c = metrics_add(m, METRICS_COUNTER, "t_total", "T.", "path", 3);
	for (i = 0; i < 3; i++) {
		snprintf(name, sizeof name, "p%d", i);
		v[0] = name;
		ck_assert_ptr_nonnull(metrics_get(c, v));
	}
	v[0] = "/wp-admin/x.php";
	ck_assert_ptr_null(metrics_get(c, v));
	metrics_inc(c, v);		/* dropped, no crash */
	v[0] = "p1";
	ck_assert_ptr_eq(metrics_get(c, v), metrics_get(c, v));
	metrics_free(m);
}
END_TEST

#define T_THREADS	8
#define T_ROUNDS	20000
#define T_LABELS	20

struct t_arg {
	struct metrics_family	*c;
	struct metrics_family	*h;
};

/* Every thread counts every label set, created by whoever comes first. */
static void *
t_count(void *p)
{
	struct t_arg *a = p;
	const char *v[2];
	char l[8];
	int i;

	v[1] = "200";
	for (i = 0; i < T_ROUNDS; i++) {
		snprintf(l, sizeof l, "r%d", i % T_LABELS);
		v[0] = l;
		metrics_inc(a->c, v);
		metrics_observe_at(a->h, v, 1);
	}
	return NULL;
}

START_TEST(threads_count_exactly)
{
	struct metrics *m = metrics_new();
	const double b[] = { 0.5, 2 };
	struct t_arg a;
	pthread_t th[T_THREADS];
	const char *v[2];
	char l[8], *t, *p;
	int i, n = 0;

	a.c = metrics_add(m, METRICS_COUNTER, "t_total", "T.", "route,code",
	    64);
	a.h = metrics_add_histogram(m, "t_seconds", "T.", "route", 64, b, 2);
	for (i = 0; i < T_THREADS; i++)
		ck_assert_int_eq(pthread_create(&th[i], NULL, t_count, &a), 0);
	for (i = 0; i < T_THREADS; i++)
		pthread_join(th[i], NULL);
	v[1] = "200";
	for (i = 0; i < T_LABELS; i++) {
		snprintf(l, sizeof l, "r%d", i);
		v[0] = l;
		ck_assert_int_eq(metrics_value(metrics_get(a.c, v)),
		    T_THREADS * T_ROUNDS / T_LABELS);
	}
	t = render(m);
	/* one line per label set: none made twice by a race */
	for (p = t; (p = strstr(p, "t_total{")) != NULL; p++)
		n++;
	ck_assert_int_eq(n, T_LABELS);
	/* integral sums are exact in a double */
	ck_assert_ptr_nonnull(strstr(t, "t_seconds_sum{route=\"r7\"} "));
	ck_assert_int_eq(strtol(strstr(t, "t_seconds_sum{route=\"r7\"} ") +
	    26, NULL, 10), T_THREADS * T_ROUNDS / T_LABELS);
	free(t);
	metrics_free(m);
}
END_TEST

START_TEST(app_families)
{
	struct metrics *m = metrics_app_init(METRICS_STOREFRONT);
	char *t;

	metrics_request("GET /p/{slug}", 200, 0.003);
	metrics_request(NULL, 404, 0.0001);
	metrics_order("paid");
	metrics_payment("sim", "paid");
	t = render(m);
	ck_assert_ptr_nonnull(strstr(t, "nyota_build_info{version=\""));
	ck_assert_ptr_nonnull(strstr(t, "nyota_http_requests_total{route="
	    "\"GET /p/{slug}\",code=\"200\"} 1\n"));
	ck_assert_ptr_nonnull(strstr(t, "nyota_http_requests_total{route="
	    "\"other\",code=\"404\"} 1\n"));
	ck_assert_ptr_nonnull(strstr(t, "nyota_http_request_duration_seconds"
	    "_bucket{route=\"GET /p/{slug}\",le=\"0.005\"} 1\n"));
	ck_assert_ptr_nonnull(strstr(t, "nyota_orders_total{status=\"paid\"} "
	    "1\n"));
	ck_assert_ptr_nonnull(strstr(t, "nyota_orders_total{status=\"expired\"}"
	    " 0\n"));
	ck_assert_ptr_nonnull(strstr(t, "nyota_payments_total{provider=\"sim\","
	    "result=\"paid\"} 1\n"));
	free(t);
	metrics_app_free();
	/* the console's registry has none of the storefront's: counting
	 * into it is a no-op */
	m = metrics_app_init(METRICS_CONSOLE);
	metrics_order("refunded");
	t = render(m);
	ck_assert_ptr_null(strstr(t, "nyota_orders_total"));
	free(t);
	metrics_app_free();
	metrics_order("paid");		/* no registry: no-op */
	ck_assert_ptr_null(metrics_app());
}
END_TEST

START_TEST(outbox_and_wal)
{
	char *path;
	struct db *db = test_db("metrics", &path);
	int64_t n = -1;

	ck_assert_int_eq(db_exec(db, "INSERT INTO messages(to_phone, kind,"
	    " body, status, created_at) VALUES"
	    " ('254700000001', 'receipt', 'x', 'queued', 1),"
	    " ('254700000002', 'receipt', 'x', 'sending', 1),"
	    " ('254700000003', 'receipt', 'x', 'sent', 1),"
	    " ('254700000004', 'receipt', 'x', 'failed', 1)"), NY_OK);
	ck_assert_int_eq(metrics_outbox_pending(db, &n), NY_OK);
	ck_assert_int_eq(n, 2);
	ck_assert(metrics_wal_bytes(path) > 0);	/* WAL, not checkpointed */
	ck_assert(metrics_wal_bytes("/nonexistent/nyota.db") == 0);
	db_close(db);
	free(path);
}
END_TEST

/* A TCP port nothing listens on now. */
static int
free_port(void)
{
	struct sockaddr_in sa;
	socklen_t sl = sizeof sa;
	int fd = socket(AF_INET, SOCK_STREAM, 0), port;

	memset(&sa, 0, sizeof sa);
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ck_assert_int_eq(bind(fd, (struct sockaddr *)&sa, sizeof sa), 0);
	ck_assert_int_eq(getsockname(fd, (struct sockaddr *)&sa, &sl), 0);
	port = ntohs(sa.sin_port);
	close(fd);
	return port;
}

/*
 * Sends req to port and runs mh (no thread) until the server closes;
 * returns the answer (caller frees).
 */
static char *
ask(struct metrics_http *mh, int port, const char *req)
{
	struct sockaddr_in sa;
	struct pollfd p[2];
	char *out = xcalloc(1, 65536);
	size_t len = 0;
	ssize_t n;
	int fd = socket(AF_INET, SOCK_STREAM, 0), i;

	memset(&sa, 0, sizeof sa);
	sa.sin_family = AF_INET;
	sa.sin_port = htons((uint16_t)port);
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ck_assert_int_eq(connect(fd, (struct sockaddr *)&sa, sizeof sa), 0);
	ck_assert_int_eq(write(fd, req, strlen(req)), (ssize_t)strlen(req));
	for (i = 0; i < 1000; i++) {
		p[0].fd = metrics_http_fd(mh);
		p[0].events = POLLIN;
		p[1].fd = fd;
		p[1].events = POLLIN;
		poll(p, 2, 10);
		metrics_http_run(mh);
		if (p[1].revents & (POLLIN | POLLHUP)) {
			n = read(fd, out + len, 65535 - len);
			if (n <= 0)
				break;
			len += (size_t)n;
		}
	}
	close(fd);
	return out;
}

START_TEST(listener_without_thread)
{
	struct metrics *m = metrics_new();
	struct metrics_http *mh = NULL;
	struct metrics_family *c;
	char *cause = NULL, *a;
	int port = free_port(), st;
	pid_t pid;

	c = metrics_add(m, METRICS_COUNTER, "t_total", "T.", NULL, 0);
	metrics_inc(c, NULL);
	ck_assert_int_eq(metrics_http_start("127.0.0.1", 0, m, 0, &mh, &cause),
	    NY_OK);
	ck_assert_ptr_null(mh);			/* port 0: off */
	ck_assert_int_eq(metrics_http_fd(NULL), -1);
	ck_assert_int_eq(metrics_http_start("localhost", port, m, 0, &mh,
	    &cause), NY_EINVAL);
	ck_assert_ptr_nonnull(strstr(cause, "localhost"));
	free(cause);
	ck_assert_int_eq(metrics_http_start("127.0.0.1", port, m, 0, &mh,
	    &cause), NY_OK);
	ck_assert_int_ge(metrics_http_fd(mh), 0);
	a = ask(mh, port, "GET /metrics HTTP/1.0\r\n\r\n");
	ck_assert_msg(strstr(a, " 200 OK\r\n") != NULL, "answer: %s", a);
	ck_assert_ptr_nonnull(strstr(a, "Content-Type: text/plain; "
	    "version=0.0.4"));
	ck_assert_ptr_nonnull(strstr(a, "Cache-Control: no-store"));
	ck_assert_ptr_nonnull(strstr(a, "\r\n\r\n# HELP t_total T.\n"));
	ck_assert_ptr_nonnull(strstr(a, "\nt_total 1\n"));
	free(a);
	a = ask(mh, port, "GET /other HTTP/1.0\r\n\r\n");
	ck_assert_ptr_nonnull(strstr(a, " 404 "));
	free(a);
	a = ask(mh, port, "POST /metrics HTTP/1.0\r\n"
	    "Content-Length: 0\r\n\r\n");
	ck_assert_ptr_nonnull(strstr(a, " 405 "));
	ck_assert_ptr_nonnull(strstr(a, "Allow: GET, HEAD"));
	free(a);
	/* a forked child forgets the listener: the parent still serves */
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		metrics_http_forget(mh);
		_exit(metrics_http_fd(mh) == -1 ? 0 : 1);
	}
	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
	ck_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	a = ask(mh, port, "GET /metrics HTTP/1.0\r\n\r\n");
	ck_assert_ptr_nonnull(strstr(a, "\nt_total 1\n"));
	free(a);
	metrics_http_stop(mh);
	metrics_free(m);
}
END_TEST

static Suite *
metrics_suite(void)
{
	Suite *s = suite_create("metrics");
	TCase *tc = tcase_create("core");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, format_exact);
	tcase_add_test(tc, escaping);
	tcase_add_test(tc, histogram_maths);
	tcase_add_test(tc, floats);
	tcase_add_test(tc, label_sets_capped);
	tcase_add_test(tc, threads_count_exactly);
	tcase_add_test(tc, app_families);
	tcase_add_test(tc, outbox_and_wal);
	tcase_add_test(tc, listener_without_thread);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return run_suite(metrics_suite());
}
