/*
 * test-graceful: the log file (NYOTA_LOG_FILE) and its reopen on SIGHUP,
 * and the storefront's readiness words.
 *
 * The log goes onto descriptor 2 itself: each test keeps the real stderr
 * aside and puts it back, so Check's own messages still reach the runner.
 */
#include <check.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <string.h>
#include <sys/stat.h>

#include "log.h"
#include "testutil.h"
#include "../storefront/ready.h"

/* The whole of path (caller frees), "" when it cannot be read. */
static char *
slurp(const char *path)
{
	struct ny_buf b;
	char chunk[4096];
	ssize_t n;
	int fd;

	buf_init(&b, 64 * 1024 * 1024);
	if ((fd = open(path, O_RDONLY)) >= 0) {
		while ((n = read(fd, chunk, sizeof chunk)) > 0)
			buf_add(&b, chunk, (size_t)n);
		close(fd);
	}
	buf_add(&b, "", 1);
	return (char *)b.data;
}

START_TEST(log_file_and_reopen)
{
	char *path = tmp_path("log"), *moved = xasprintf("%s.1", path);
	char *cause = NULL, *a, *b;
	struct stat sb;
	int saved = dup(2);

	ck_assert_int_ge(saved, 0);
	umask(0);	/* the file's mode is the code's, not the umask's */
	ck_assert_int_eq(log_open(path, &cause), NY_OK);
	log_info("before the move", "n=%d", 1);
	ck_assert_int_eq(rename(path, moved), 0);
	log_info("after the move", "n=%d", 2);	/* still the old file */
	ck_assert_int_eq(log_reopen(), NY_OK);
	log_info("after the reopen", "n=%d", 3);
	dup2(saved, 2);
	close(saved);
	ck_assert_int_eq(stat(path, &sb), 0);
	ck_assert_int_eq(sb.st_mode & 0777, 0600);
	a = slurp(moved);
	b = slurp(path);
	ck_assert_ptr_nonnull(strstr(a, "msg=\"before the move\" n=1\n"));
	ck_assert_ptr_nonnull(strstr(a, "msg=\"after the move\" n=2\n"));
	ck_assert_ptr_null(strstr(a, "reopen"));
	ck_assert_ptr_nonnull(strstr(b, "msg=\"log reopened\" file=\""));
	ck_assert_ptr_nonnull(strstr(b, "msg=\"after the reopen\" n=3\n"));
	ck_assert_ptr_null(strstr(b, "before the move"));
	free(a);
	free(b);
	free(path);
	free(moved);
}
END_TEST

START_TEST(log_open_refuses_clearly)
{
	char *cause = NULL;

	ck_assert_int_eq(log_open("/nonexistent-dir/x.log", &cause), NY_EIO);
	ck_assert_ptr_nonnull(strstr(cause, "/nonexistent-dir/x.log"));
	free(cause);
	/* "" is stderr, and a reopen there is only the line */
	ck_assert_int_eq(log_open("", &cause), NY_OK);
	ck_assert_int_eq(log_reopen(), NY_OK);
}
END_TEST

#define WRITERS		4
#define ROUNDS		50

static atomic_int writers_stop, writers_lines, writers_started;

/* Logs until told to stop (so the rotations happen while it writes). */
static void *
writer_main(void *arg)
{
	int i, id = (int)(intptr_t)arg;

	atomic_fetch_add(&writers_started, 1);
	for (i = 0; !atomic_load(&writers_stop); i++)
		log_info("line", "w=%d i=%d end=x", id, i);
	atomic_fetch_add(&writers_lines, i);
	return NULL;
}

/* Counts the writers' lines in s; every one must be whole. */
static int
count_whole(const char *s)
{
	const char *p = s, *nl;
	int n = 0;

	for (; (nl = strchr(p, '\n')) != NULL; p = nl + 1) {
		if (strstr(p, "msg=\"line\"") == NULL ||
		    strstr(p, "msg=\"line\"") > nl)
			continue;
		/* a torn line would lose its end or carry another's */
		ck_assert_msg(nl - p > 4 && memcmp(nl - 5, "end=x", 5) == 0,
		    "torn line: %.80s", p);
		n++;
	}
	return n;
}

START_TEST(reopen_while_threads_log)
{
	char *path = tmp_path("logmt"), *cause = NULL, *a, *b, *old;
	pthread_t th[WRITERS];
	int saved = dup(2), i, rounds, total = 0;

	ck_assert_int_eq(log_open(path, &cause), NY_OK);
	for (i = 0; i < WRITERS; i++)
		ck_assert_int_eq(pthread_create(&th[i], NULL, writer_main,
		    (void *)(intptr_t)i), 0);
	while (atomic_load(&writers_started) < WRITERS)
		sched_yield();
	/* Rotate as logrotate does, again and again, while they write. */
	for (rounds = 1; rounds <= ROUNDS; rounds++) {
		old = xasprintf("%s.%d", path, rounds);
		ck_assert_int_eq(rename(path, old), 0);
		ck_assert_int_eq(log_reopen(), NY_OK);
		free(old);
	}
	rounds = ROUNDS;
	atomic_store(&writers_stop, 1);
	for (i = 0; i < WRITERS; i++)
		pthread_join(th[i], NULL);
	dup2(saved, 2);
	close(saved);
	/* Every line lands whole, in one of the files, exactly once. */
	for (i = 1; i <= rounds; i++) {
		old = xasprintf("%s.%d", path, i);
		a = slurp(old);
		total += count_whole(a);
		free(a);
		free(old);
	}
	b = slurp(path);
	total += count_whole(b);
	free(b);
	ck_assert_int_gt(atomic_load(&writers_lines), 0);
	ck_assert_int_eq(total, atomic_load(&writers_lines));
	free(path);
}
END_TEST

START_TEST(ready_words)
{
	ck_assert_int_eq(ready_get(), READY_STARTING);
	ck_assert_str_eq(ready_name(ready_get()), "starting");
	ready_set(READY_OK);
	ck_assert_str_eq(ready_name(ready_get()), "ok");
	ready_set(READY_DRAINING);
	ck_assert_str_eq(ready_name(ready_get()), "draining");
}
END_TEST

static Suite *
graceful_suite(void)
{
	Suite *s = suite_create("graceful");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, log_file_and_reopen);
	tcase_add_test(tc, log_open_refuses_clearly);
	tcase_add_test(tc, reopen_while_threads_log);
	tcase_add_test(tc, ready_words);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return run_suite(graceful_suite());
}
