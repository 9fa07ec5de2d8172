/*
 * testutil.h: small helpers for the Check suites (header-only so each test
 * binary stays one file).
 */
#ifndef NY_TESTUTIL_H
#define NY_TESTUTIL_H

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "ny.h"

/* A fresh path under a per-process temp dir (caller frees). */
static inline char *
tmp_path(const char *name)
{
	static char dir[64];
	static int n;

	if (dir[0] == '\0') {
		snprintf(dir, sizeof dir, "/tmp/nyota-test.XXXXXX");
		if (mkdtemp(dir) == NULL)
			abort();
	}
	return xasprintf("%s/%s-%d-%d", dir, name, (int)getpid(), ++n);
}

/* Runs a suite; returns the process exit status. */
static inline int
run_suite(Suite *s)
{
	SRunner *sr = srunner_create(s);
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}

#endif
