/* check_main.h: each test file defines test_suite(); check_main runs it. */
#ifndef TEST_CHECK_MAIN_H
#define TEST_CHECK_MAIN_H

#include <check.h>

Suite *test_suite(void);

/* Slower machines and sanitizer builds get the same generous bound. */
#define TEST_TIMEOUT 60

/* The environment variable that names the file skips are recorded in. */
#define TEST_SKIP_ENV "CHATD_TEST_SKIPS"

/*
 * A test that cannot run here says so: test_missing prints
 * "SKIP: <test>: <what>" to stderr, appends it to the file check_main
 * counts skips in (each test runs in its own process, so a counter in
 * memory would not survive), and returns 1. When ci_provides is set and
 * the environment has CI=true, the missing thing is one CI must have: the
 * test fails instead (this does not return).
 */
int test_missing(const char *func, const char *what, int ci_provides);

/*
 * In a START_TEST body only (they return from the function they are in):
 * TEST_NEED for what CI provides (root, IPv6 loopback, /proc, a raisable
 * open-file limit): a skip here, a failure under CI=true; TEST_SKIP_IF for
 * what no machine can give a test (valgrind's virtual fd limits): a skip,
 * counted and printed, everywhere.
 */
#define TEST_NEED(cond, what)                                     \
	do {                                                      \
		if (!(cond) && test_missing(__func__, (what), 1)) \
			return;                                   \
	} while (0)
#define TEST_SKIP_IF(cond, why)                                 \
	do {                                                    \
		if ((cond) && test_missing(__func__, (why), 0)) \
			return;                                 \
	} while (0)

/*
 * A check that would fail because of a product bug that is reported but
 * not fixed yet: when the bug shows (shows != 0), "KNOWN BUG: <test>:
 * <what>" is printed and counted, and the test goes on; when it does not
 * (a timing bug may hide on a run), a note says so. Whoever fixes the bug
 * makes the check strict. Never for a bug nobody has reported.
 */
void test_known_bug(const char *func, int shows, const char *what);
#define TEST_KNOWN_BUG(shows, what) test_known_bug(__func__, (shows), (what))

/* 1 if this machine has an IPv6 loopback (::1 can be bound), else 0. */
int test_have_ipv6(void);

#endif
