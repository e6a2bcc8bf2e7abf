/* test_resilience.c: running out of descriptors never stops or spins chatd. */
#define _GNU_SOURCE
#include <sys/resource.h>

#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "check_main.h"
#include "harness.h"

#define RES_CONNS	30
#define RES_NOFILE	20

/* User + system CPU time of pid, in clock ticks. */
static long
cpu_ticks(pid_t pid)
{
	char		 path[64], buf[1024], *p;
	unsigned long	 ut = 0, st = 0;
	FILE		*f;
	int		 i;

	snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
	if ((f = fopen(path, "r")) == NULL)
		return -1;
	p = fgets(buf, sizeof buf, f);
	fclose(f);
	if (p == NULL || (p = strrchr(buf, ')')) == NULL)
		return -1;
	/* Fields after "(comm)": state is field 3; utime, stime are 14, 15. */
	for (i = 2; i < 14 && p != NULL; i++)
		p = strchr(p + 1, ' ');
	if (p == NULL || sscanf(p, " %lu %lu", &ut, &st) != 2)
		return -1;
	return (long)(ut + st);
}

START_TEST(test_emfile_refuses_and_recovers)
{
	struct srv	 s;
	struct rlimit	 rl = { RES_NOFILE, RES_NOFILE };
	struct conn	*c[RES_CONNS], *alice, *bob, *late;
	char		 line[512];
	long		 before, after, hz = sysconf(_SC_CLK_TCK);
	int		 i, full = 0, ok = 0;

	ck_assert_int_eq(srv_start(&s, NULL), 0);
	alice = conn_login(s.port, "alice");
	bob = conn_login(s.port, "bob");
	ck_assert_ptr_nonnull(alice);
	ck_assert_ptr_nonnull(bob);
	/* Starve the running server of descriptors. */
	ck_assert_int_eq(prlimit(s.pid, RLIMIT_NOFILE, &rl, NULL), 0);
	for (i = 0; i < RES_CONNS; i++) {
		c[i] = conn_open(s.port);
		ck_assert_ptr_nonnull(c[i]);
		ck_assert_int_ge(conn_line(c[i], line, sizeof line, 5000), 0);
		if (strstr(line, "-!- error: server full") != NULL)
			full++;
		else if (strstr(line, "welcome") != NULL)
			ok++;
	}
	ck_assert_int_gt(full, 0);
	ck_assert_int_gt(ok, 0);
	ck_assert_int_eq(full + ok, RES_CONNS);
	ck_assert(srv_log_has(&s, "accept:", 2000));

	/* No spinning: over a second, the server uses well under half a CPU. */
	before = cpu_ticks(s.pid);
	usleep(1000 * 1000);
	after = cpu_ticks(s.pid);
	ck_assert_int_ge(before, 0);
	ck_assert_int_lt(after - before, hz / 2);

	/* Those already in still talk. */
	ck_assert_int_eq(conn_send(alice, "still here\n"), 0);
	ck_assert(conn_expect(bob, "<alice> still here", NULL, 0, 5000));

	/* Descriptors freed: new connections are welcome again. */
	for (i = 0; i < RES_CONNS; i++)
		conn_close(c[i]);
	ck_assert(conn_expect(bob, "has quit", NULL, 0, 5000));
	usleep(200 * 1000);
	late = conn_open(s.port);
	ck_assert_ptr_nonnull(late);
	ck_assert(conn_expect(late, "welcome", NULL, 0, 5000));
	conn_close(late);
	conn_close(alice);
	conn_close(bob);
	ck_assert_int_eq(srv_stop(&s, SIGTERM), 0);
}
END_TEST

Suite *
test_suite(void)
{
	Suite	*s = suite_create("resilience");
	TCase	*tc = tcase_create("emfile");

	tcase_set_timeout(tc, TEST_TIMEOUT);
	tcase_add_test(tc, test_emfile_refuses_and_recovers);
	suite_add_tcase(s, tc);
	return s;
}
