/*
 * test-log.c: logfmt lines on stderr with a timestamp and a level; the
 * level filter; one event is always one line, however long or whatever
 * bytes its values hold; secrets are shown redacted; values from outside
 * are quoted and escaped (log_quote).
 */
#include <fcntl.h>
#include <regex.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "testutil.h"

static char out[8192];

/* Runs fn with stderr sent to a file; leaves what it wrote in out. */
static void
capture(void (*fn)(void))
{
	char *path = tmp_path("log");
	int fd, saved;
	ssize_t n;

	fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	ck_assert_int_ge(fd, 0);
	saved = dup(2);
	dup2(fd, 2);
	fn();
	dup2(saved, 2);
	close(saved);
	n = pread(fd, out, sizeof out - 1, 0);
	ck_assert_int_ge(n, 0);
	out[n] = '\0';
	close(fd);
	unlink(path);
	free(path);
}

static int
lines(const char *s)
{
	int n = 0;

	for (; *s; s++)
		n += *s == '\n';
	return n;
}

static void
write_levels(void)
{
	log_set_level(LOG_WARN);
	log_debug("not shown", "n=%d", 1);
	log_info("not shown", "n=%d", 2);
	log_warn("shown", "n=%d", 3);
	log_error("shown too", "%s", "");
}

START_TEST(format_and_levels)
{
	regex_t re;

	capture(write_levels);
	ck_assert_int_eq(lines(out), 2);
	ck_assert_ptr_null(strstr(out, "not shown"));
	ck_assert_int_eq(regcomp(&re, "^ts=[0-9]{4}-[0-9]{2}-[0-9]{2}T"
	    "[0-9]{2}:[0-9]{2}:[0-9]{2}\\.[0-9]{3}Z level=warn pid=[0-9]+ "
	    "msg=\"shown\" n=3\n", REG_EXTENDED), 0);
	ck_assert_msg(regexec(&re, out, 0, NULL, 0) == 0, "%s", out);
	regfree(&re);
	ck_assert_ptr_nonnull(strstr(out, "level=error"));
}
END_TEST

static void
write_hostile(void)
{
	char big[6000];

	memset(big, 'a', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	log_info("ssh login refused", "handle=%s",
	    "x\nts=2026-01-01T00:00:00.000Z level=info msg=\"forged\"\r");
	log_info("long", "v=%s", big);
}

START_TEST(one_event_one_line)
{
	capture(write_hostile);
	ck_assert_int_eq(lines(out), 2);
	ck_assert_ptr_null(strchr(out, '\r'));
	ck_assert_ptr_nonnull(strstr(out, "handle=x ts=2026"));
	ck_assert_uint_le(strlen(out), 2 * 2048);
}
END_TEST

START_TEST(redact)
{
	char buf[32];

	log_redact("Zm9vYmFyYmF6cXV4c2VjcmV0dG9rZW4", buf, sizeof buf);
	ck_assert_str_eq(buf, "Zm9v…");
	log_redact(NULL, buf, sizeof buf);
	ck_assert_str_eq(buf, "…");
	log_redact("abcdef", buf, 3);	/* bounded */
	ck_assert_uint_le(strlen(buf), 2);
}
END_TEST

START_TEST(quote)
{
	char buf[LOG_QUOTE_LEN], small[12];

	ck_assert_str_eq(log_quote("bob", buf, sizeof buf), "\"bob\"");
	ck_assert_str_eq(log_quote(NULL, buf, sizeof buf), "\"\"");
	ck_assert_str_eq(log_quote("", buf, sizeof buf), "\"\"");
	/* A forged field stays inside the value. */
	ck_assert_str_eq(log_quote("x handle=admin ok=1", buf, sizeof buf),
	    "\"x handle=admin ok=1\"");
	ck_assert_str_eq(log_quote("a\"b\\c", buf, sizeof buf),
	    "\"a\\\"b\\\\c\"");
	ck_assert_str_eq(log_quote("l1\nl2\r\t\x01\x7f", buf, sizeof buf),
	    "\"l1\\nl2\\r\\t\\x01\\x7f\"");
	ck_assert_str_eq(log_quote("Nairobi \xc3\xa9", buf, sizeof buf),
	    "\"Nairobi \xc3\xa9\"");
	/* 9 bytes + 2 quotes + NUL fit in 12; 10 do not. */
	ck_assert_str_eq(log_quote("123456789", small, sizeof small),
	    "\"123456789\"");
	ck_assert_str_eq(log_quote("1234567890", small, sizeof small),
	    "\"123456...\"");
	/* An escape is never split, nor a UTF-8 character. */
	ck_assert_str_eq(log_quote("12345\"\"\"", small, sizeof small),
	    "\"12345...\"");
	ck_assert_str_eq(log_quote("12345\xc3\xa9\xc3\xa9\xc3\xa9", small,
	    sizeof small), "\"12345...\"");
	ck_assert_str_eq(log_quote("\n\n\n\n\n\n", small, sizeof small),
	    "\"\\n\\n\\n...\"");
	ck_assert_str_eq(log_quote("abcdefgh", small, 6), "\"...\"");
}
END_TEST

static void
write_quoted(void)
{
	char q[LOG_QUOTE_LEN];

	log_info("ssh login refused", "handle=%s addr=%s",
	    log_quote("x\" level=error forged=\"1", q, sizeof q), "127.0.0.1");
}

START_TEST(quoted_in_line)
{
	capture(write_quoted);
	ck_assert_int_eq(lines(out), 1);
	ck_assert_ptr_nonnull(strstr(out,
	    " handle=\"x\\\" level=error forged=\\\"1\" addr=127.0.0.1\n"));
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("log");
	TCase *tc = tcase_create("log");

	tcase_add_test(tc, format_and_levels);
	tcase_add_test(tc, one_event_one_line);
	tcase_add_test(tc, redact);
	tcase_add_test(tc, quote);
	tcase_add_test(tc, quoted_in_line);
	suite_add_tcase(s, tc);
	return run_suite(s);
}
