/*
 * test-sftp-path: SFTP client paths resolve inside the jail: "." and
 * "//" vanish, ".." never climbs above the root, absolute paths start at
 * the jail's root, and NUL, control characters, hidden names, overlong
 * names, paths and depths are refused.
 */
#include <check.h>
#include <string.h>

#include "../tui/sftp-path.h"
#include "testutil.h"

/* Resolves the C string in; returns the code, out gets the result. */
static int
res(const char *in, char *out)
{
	return sftp_path_resolve(in, strlen(in), out, NULL);
}

/* Appends s to the C string buf (room checked by the caller's sizes). */
static void
app(char *buf, const char *s)
{
	size_t l = strlen(buf);

	memcpy(buf + l, s, strlen(s) + 1);
}

static void
ok(const char *in, const char *want)
{
	char out[UPLOAD_PATH_MAX + 1];

	ck_assert_msg(res(in, out) == SFTP_PATH_OK, "refused: %s", in);
	ck_assert_msg(strcmp(out, want) == 0, "%s -> '%s', want '%s'", in,
	    out, want);
}

static void
bad(const char *in, int want)
{
	char out[UPLOAD_PATH_MAX + 1];

	ck_assert_msg(res(in, out) == want, "not refused as %d: %s", want, in);
	ck_assert_str_eq(out, "");
}

START_TEST(plain)
{
	ok("", "");
	ok(".", "");
	ok("/", "");
	ok("//", "");
	ok("a", "a");
	ok("/a", "a");
	ok("a/", "a");
	ok("./a/./b/", "a/b");
	ok("a//b///c", "a/b/c");
	ok("photos 2024.zip", "photos 2024.zip");
	ok("~", "~");
	ok("a..b", "a..b");
	ok("b...", "b...");
	ok("caf\xc3\xa9.txt", "caf\xc3\xa9.txt");
}
END_TEST

START_TEST(dotdot_stays_inside)
{
	ok("..", "");
	ok("/..", "");
	ok("../x", "x");
	ok("../../keys/master.key", "keys/master.key");
	ok("/etc/x", "etc/x");
	ok("a/../b", "b");
	ok("a/b/../../..", "");
	ok("a/b/../c/./..", "a");
	ok("../otherhandle/file", "otherhandle/file");
}
END_TEST

START_TEST(names_refused)
{
	char out[UPLOAD_PATH_MAX + 1];
	char name[4097];

	bad(".hidden", SFTP_PATH_BADNAME);
	bad("a/.nyota-part-x", SFTP_PATH_BADNAME);
	bad(".../x", SFTP_PATH_BADNAME);
	bad("a\nb", SFTP_PATH_BADNAME);
	bad("a/b\rc", SFTP_PATH_BADNAME);
	bad("tab\there", SFTP_PATH_BADNAME);
	bad("del\x7f", SFTP_PATH_BADNAME);
	bad(".hidden/..", SFTP_PATH_BADNAME);	/* named, even if undone */
	/* A NUL inside the bytes the client sent. */
	ck_assert_int_eq(sftp_path_resolve("a\0b", 3, out, NULL),
	    SFTP_PATH_BADNAME);
	ck_assert_int_eq(sftp_path_resolve("ab\0", 3, out, NULL),
	    SFTP_PATH_BADNAME);
	/* 255 bytes is a name, 256 is not, 4096 is not. */
	memset(name, 'n', sizeof name);
	name[255] = '\0';
	ok(name, name);
	name[255] = 'n';
	name[256] = '\0';
	bad(name, SFTP_PATH_BADNAME);
	name[256] = 'n';
	name[4096] = '\0';
	bad(name, SFTP_PATH_BADNAME);
}
END_TEST

START_TEST(limits)
{
	char in[SFTP_PATH_IN_MAX + 64], out[UPLOAD_PATH_MAX + 1];
	int depth = -1, i;

	/* UPLOAD_DEPTH_MAX folders and a file: the deepest allowed. */
	in[0] = '\0';
	for (i = 0; i < UPLOAD_DEPTH_MAX + 1; i++)
		app(in, i ? "/d" : "d");
	ck_assert_int_eq(sftp_path_resolve(in, strlen(in), out, &depth),
	    SFTP_PATH_OK);
	ck_assert_int_eq(depth, UPLOAD_DEPTH_MAX + 1);
	app(in, "/e");
	bad(in, SFTP_PATH_TOODEEP);
	/* The bound holds at every step, even if ".." comes back later. */
	app(in, "/../..");
	bad(in, SFTP_PATH_TOODEEP);
	ok("d/d/d/d/d/d/d/d/d/../e", "d/d/d/d/d/d/d/d/e");
	/* Total length: 5 names of 250 bytes exceed UPLOAD_PATH_MAX. */
	in[0] = '\0';
	for (i = 0; i < 5; i++) {
		size_t l = strlen(in);

		if (i)
			in[l++] = '/';
		memset(in + l, 'x', 250);
		in[l + 250] = '\0';
	}
	bad(in, SFTP_PATH_TOOLONG);
	/* Input over SFTP_PATH_IN_MAX is refused unread. */
	memset(in, '/', SFTP_PATH_IN_MAX + 1);
	ck_assert_int_eq(sftp_path_resolve(in, SFTP_PATH_IN_MAX + 1, out,
	    NULL), SFTP_PATH_TOOLONG);
	ck_assert_int_eq(sftp_path_resolve(in, SFTP_PATH_IN_MAX, out,
	    NULL), SFTP_PATH_OK);
}
END_TEST

START_TEST(leaf)
{
	ck_assert_str_eq(sftp_path_leaf(""), "");
	ck_assert_str_eq(sftp_path_leaf("a"), "a");
	ck_assert_str_eq(sftp_path_leaf("a/b/c.zip"), "c.zip");
}
END_TEST

static Suite *
sftp_path_suite(void)
{
	Suite *s = suite_create("sftp-path");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, plain);
	tcase_add_test(tc, dotdot_stays_inside);
	tcase_add_test(tc, names_refused);
	tcase_add_test(tc, limits);
	tcase_add_test(tc, leaf);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return run_suite(sftp_path_suite());
}
