/*
 * test-app: app_private, the start-up permission check: loose folders
 * and files of ours are made private (and reported), private ones and
 * missing ones are left alone, symlinked files are not followed, and a
 * loose folder of another user is refused untouched.
 */
#include <check.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "app.h"
#include "testutil.h"

static int
mode_of(const char *path)
{
	struct stat sb;

	ck_assert_int_eq(lstat(path, &sb), 0);
	return (int)(sb.st_mode & 07777);
}

static char *
make_file(const char *name, mode_t mode)
{
	char *p = tmp_path(name);
	int fd = open(p, O_WRONLY | O_CREAT | O_EXCL, 0600);

	ck_assert_int_ge(fd, 0);
	close(fd);
	ck_assert_int_eq(chmod(p, mode), 0);
	return p;
}

static char *
make_dir(const char *name, mode_t mode)
{
	char *p = tmp_path(name);

	ck_assert_int_eq(mkdir(p, 0700), 0);
	ck_assert_int_eq(chmod(p, mode), 0);
	return p;
}

START_TEST(loose_ours_made_private)
{
	char *d = make_dir("data", 0755), *f = make_file("db", 0664);
	char *cause = NULL;
	int was = 0;

	ck_assert_int_eq(app_private(d, 1, &was, &cause), NY_OK);
	ck_assert_int_eq(was, 0755);
	ck_assert_int_eq(mode_of(d), 0700);
	ck_assert_int_eq(app_private(f, 0, &was, &cause), NY_OK);
	ck_assert_int_eq(was, 0664);
	ck_assert_int_eq(mode_of(f), 0600);
	/* a second pass finds nothing to do */
	ck_assert_int_eq(app_private(d, 1, &was, &cause), NY_OK);
	ck_assert_int_eq(was, -1);
	ck_assert_ptr_null(cause);
	free(d);
	free(f);
}
END_TEST

START_TEST(private_and_missing_left_alone)
{
	char *d = make_dir("keys", 0500), *f = make_file("key", 0400);
	char *m = tmp_path("missing"), *cause = NULL;
	int was = 0;

	ck_assert_int_eq(app_private(d, 1, &was, &cause), NY_OK);
	ck_assert_int_eq(was, -1);
	ck_assert_int_eq(mode_of(d), 0500);
	ck_assert_int_eq(app_private(f, 0, &was, &cause), NY_OK);
	ck_assert_int_eq(mode_of(f), 0400);
	ck_assert_int_eq(app_private(m, 1, &was, &cause), NY_OK);
	ck_assert_int_eq(app_private(m, 0, &was, &cause), NY_OK);
	ck_assert_int_eq(was, -1);
	ck_assert_int_eq(access(m, F_OK), -1);	/* nothing created */
	ck_assert_ptr_null(cause);
	chmod(d, 0700);
	free(d);
	free(f);
	free(m);
}
END_TEST

START_TEST(links_and_kinds)
{
	char *target = make_file("target", 0644), *link = tmp_path("link");
	char *cause = NULL;
	int was = 0;

	ck_assert_int_eq(symlink(target, link), 0);
	/* a file that is a symlink: neither it nor its target is touched */
	ck_assert_int_eq(app_private(link, 0, &was, &cause), NY_OK);
	ck_assert_int_eq(was, -1);
	ck_assert_int_eq(mode_of(target), 0644);
	/* asked for a folder, found a file: not ours to judge */
	ck_assert_int_eq(app_private(target, 1, &was, &cause), NY_OK);
	ck_assert_int_eq(mode_of(target), 0644);
	free(target);
	free(link);
}
END_TEST

START_TEST(loose_not_ours_refused)
{
	char *d = make_dir("shared", 0755), *cause = NULL;
	int was = 0;

	if (geteuid() != 0) {
		free(d);
		return;		/* cannot make a folder of another user */
	}
	ck_assert_int_eq(chown(d, 65534, (gid_t)-1), 0);
	ck_assert_int_eq(app_private(d, 1, &was, &cause), NY_EDENIED);
	ck_assert_int_eq(was, -1);
	ck_assert_int_eq(mode_of(d), 0755);
	ck_assert_ptr_nonnull(cause);
	ck_assert_ptr_null(strchr(cause, '\n'));
	ck_assert_ptr_nonnull(strstr(cause, "owned by uid 65534, not by us"));
	free(cause);
	/* private but not ours: fine (it is the owner's business) */
	ck_assert_int_eq(chmod(d, 0700), 0);
	cause = NULL;
	ck_assert_int_eq(app_private(d, 1, &was, &cause), NY_OK);
	ck_assert_ptr_null(cause);
	free(d);
}
END_TEST

static Suite *
app_suite(void)
{
	Suite *s = suite_create("app");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, loose_ours_made_private);
	tcase_add_test(tc, private_and_missing_left_alone);
	tcase_add_test(tc, links_and_kinds);
	tcase_add_test(tc, loose_not_ours_refused);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return run_suite(app_suite());
}
