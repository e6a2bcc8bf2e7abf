/* check_main.c: the main() of every test program: runs its one suite. */
#include <sys/socket.h>
#include <netinet/in.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>

#include "check_main.h"

#define CHECK_ENV_PREFIX "CK_"
#define SKIP_LINE_MAX    512
/* The lines' forms, which tests/run-suites reads too. */
#define SKIP_PREFIX      "SKIP: "
#define KNOWN_PREFIX     "KNOWN BUG: "

extern char **environ;

/*
 * Check reads CK_RUN_CASE, CK_RUN_SUITE, CK_INCLUDE_TAGS, CK_FORK,
 * CK_DEFAULT_TIMEOUT, CK_*_LOG_FILE_NAME and more from the environment: a
 * stray one in a developer's shell would quietly run fewer tests, or none.
 * What runs is decided here, so every CK_ variable goes.
 */
static void
clear_check_env(void)
{
	char name[256];
	const char *e;
	size_t n;
	int i;

	for (i = 0; (e = environ[i]) != NULL;) {
		if (strncmp(e, CHECK_ENV_PREFIX, strlen(CHECK_ENV_PREFIX)) ==
			0 &&
		    (n = strcspn(e, "=")) < sizeof name) {
			memcpy(name, e, n);
			name[n] = '\0';
			unsetenv(name);
		}
		/* Once removed, the next entry has moved down to i. */
		if (environ[i] == e)
			i++;
	}
}

/* "START_TEST(x)" names the function x_fn: x into test. */
static void
test_name(const char *func, char *test, size_t size)
{
	size_t n = strlen(func);

	if (n > 3 && strcmp(func + n - 3, "_fn") == 0)
		n -= 3;
	snprintf(test, size, "%.*s", (int)n, func);
}

/* Print line on stderr and add it to the file check_main counts. */
static void
test_record(const char *test, const char *line)
{
	const char *path = getenv(TEST_SKIP_ENV);
	size_t len = strlen(line);
	int fd;

	fputs(line, stderr);
	if (path == NULL ||
	    (fd = open(path, O_WRONLY | O_APPEND | O_CLOEXEC)) == -1)
		ck_abort_msg("%s: cannot record \"%s\" (%s unset or bad)", test,
		    line, TEST_SKIP_ENV);
	if (write(fd, line, len) != (ssize_t)len)
		ck_abort_msg("%s: cannot record a line in %s", test, path);
	close(fd);
}

int
test_missing(const char *func, const char *what, int ci_provides)
{
	const char *ci = getenv("CI");
	char test[128], line[SKIP_LINE_MAX];

	test_name(func, test, sizeof test);
	if (ci_provides && ci != NULL && strcmp(ci, "true") == 0)
		ck_abort_msg(
		    "%s: %s, which CI must provide (CI=true)", test, what);
	snprintf(line, sizeof line, "%s%s: %s\n", SKIP_PREFIX, test, what);
	test_record(test, line);
	return 1;
}

void
test_known_bug(const char *func, int shows, const char *what)
{
	char test[128], line[SKIP_LINE_MAX];

	test_name(func, test, sizeof test);
	if (!shows) {
		/* Timing may hide it on one run; never fail for that. */
		fprintf(stderr,
		    "%s: known bug not seen this run (if it is fixed, make "
		    "the check strict): %s\n",
		    test, what);
		return;
	}
	snprintf(line, sizeof line, "%s%s: %s\n", KNOWN_PREFIX, test, what);
	test_record(test, line);
}

int
test_have_ipv6(void)
{
	struct sockaddr_in6 sin6;
	int fd, ok;

	memset(&sin6, 0, sizeof sin6);
	sin6.sin6_family = AF_INET6;
	sin6.sin6_addr = in6addr_loopback;
	if ((fd = socket(AF_INET6, SOCK_STREAM, 0)) == -1)
		return 0;
	ok = bind(fd, (struct sockaddr *)&sin6, sizeof sin6) == 0;
	close(fd);
	return ok;
}

/* Lines in the skip file that start with prefix, or -1. */
static int
count_lines(const char *path, const char *prefix)
{
	char line[SKIP_LINE_MAX];
	FILE *f;
	int n = 0;

	if ((f = fopen(path, "r")) == NULL)
		return -1;
	while (fgets(line, sizeof line, f) != NULL)
		n += strncmp(line, prefix, strlen(prefix)) == 0;
	fclose(f);
	return n;
}

int
main(int argc, char **argv)
{
	char path[4096];
	const char *tmp = getenv("TMPDIR"), *name;
	SRunner *sr;
	int fd, run, failed, skipped, known;

	(void)argc;
	name =
	    strrchr(argv[0], '/') != NULL ? strrchr(argv[0], '/') + 1 : argv[0];
	clear_check_env();
	snprintf(path, sizeof path, "%s/chatd-skips.XXXXXX",
	    tmp != NULL && *tmp != '\0' ? tmp : "/tmp");
	if ((fd = mkstemp(path)) == -1) {
		perror("check_main: mkstemp");
		return EXIT_FAILURE;
	}
	close(fd);
	setenv(TEST_SKIP_ENV, path, 1);

	sr = srunner_create(test_suite());
	srunner_set_fork_status(sr, CK_FORK);
	srunner_run_all(sr, CK_NORMAL);
	run = srunner_ntests_run(sr);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	skipped = count_lines(path, SKIP_PREFIX);
	known = count_lines(path, KNOWN_PREFIX);
	unlink(path);

	/* tests/run-suites reads this line; keep its form. */
	printf("TOTALS %s checks=%d failed=%d skipped=%d known=%d\n", name, run,
	    failed, skipped, known);
	if (skipped < 0 || known < 0) {
		fprintf(stderr, "%s: cannot read the skip file\n", name);
		return EXIT_FAILURE;
	}
	if (run == 0) {
		fprintf(stderr, "%s: ran no checks\n", name);
		return EXIT_FAILURE;
	}
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
