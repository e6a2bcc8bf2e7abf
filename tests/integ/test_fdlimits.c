/* test_fdlimits.c: chatd at the edges of select() and the open-file limit. */
#define _DEFAULT_SOURCE
#include <sys/types.h>
#include <sys/resource.h>
#include <sys/select.h>

#include <ctype.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check_main.h"
#include "fixture.h"
#include "harness.h"
#include "proto.h"

#define WAIT 5000 /* ms: generous bound for anything to arrive */

/* The most clients -m may ask for: select() watches fds below
 * FD_SETSIZE, and chatd keeps CHATD_RESERVED_FDS of them for itself. */
#define MAX_CLIENTS (FD_SETSIZE - CHATD_RESERVED_FDS)

/* The descriptors pid has open: their count, and below FD_SETSIZE. */
static int
open_fds(pid_t pid, int *below_setsize)
{
	char path[64];
	struct dirent *de;
	DIR *d;
	int n = 0;

	snprintf(path, sizeof path, "/proc/%d/fd", (int)pid);
	if ((d = opendir(path)) == NULL)
		return -1;
	*below_setsize = 0;
	while ((de = readdir(d)) != NULL) {
		if (!isdigit((unsigned char)de->d_name[0]))
			continue;
		n++;
		*below_setsize += atoi(de->d_name) < FD_SETSIZE;
	}
	closedir(d);
	return n;
}

/* 1 if /proc shows this process's descriptors. */
static int
have_proc_fds(void)
{
	int below;

	return open_fds(getpid(), &below) > 0;
}

/* 1 if the hard open-file limit allows n (so chatd can be given it). */
static int
hard_nofile_allows(long n)
{
	struct rlimit rl;

	return getrlimit(RLIMIT_NOFILE, &rl) == 0 &&
	    (rl.rlim_max == RLIM_INFINITY || (long)rl.rlim_max >= n);
}

/* -m past the maximum: exit 2, and the one line says exactly what the
 * maximum is; -m at it starts, one more does not. */
START_TEST(test_max_clients_fd_setsize)
{
	struct fx fx;
	char num[32], want[64];
	const char *huge[] = { "-p", "0", "-b", "127.0.0.1", "-m", "100000",
		NULL };
	const char *args[] = { "-m", num, NULL };
	const char *over[] = { "-p", "0", "-b", "127.0.0.1", "-m", num, NULL };
	struct srv s;
	int st;

	st = srv_run(&s, huge);
	ck_assert_msg(st == 2, "-m 100000: exit %d, want 2: %s", st, s.log);
	ck_assert_msg(
	    strstr(s.log, "-m") != NULL || strstr(s.log, "max-clients") != NULL,
	    "option not named: %s", s.log);
	snprintf(want, sizeof want, "at most %d clients", MAX_CLIENTS);
	ck_assert_msg(strstr(s.log, want) != NULL,
	    "-m 100000: want \"%s\" (FD_SETSIZE %d less %d of chatd's own) "
	    "in: %s",
	    want, FD_SETSIZE, CHATD_RESERVED_FDS, s.log);
	snprintf(num, sizeof num, "%d", MAX_CLIENTS);
	fx_start(&fx, args, NULL);
	fx_stop(&fx);
	snprintf(num, sizeof num, "%d", MAX_CLIENTS + 1);
	st = srv_run(&s, over);
	ck_assert_msg(st == 2, "-m %s: exit %d, want 2: %s", num, st, s.log);
}
END_TEST

/* Each descriptor an option adds is one client fewer under select (the
 * README's Options: one less for each of --irc-port and --udp): the usage
 * error names the bound with them, and one over it is refused. */
START_TEST(test_max_clients_option_fds)
{
	static const struct {
		const char *opts[4];
		int fewer;
	} cases[] = {
		{ { "--udp", NULL }, 1 },
		{ { "--irc-port", "0", NULL }, 1 },
		{ { "--udp", "--irc-port", "0", NULL }, 2 },
	};
	const char *args[12];
	char num[32], want[64];
	struct srv s;
	size_t i;
	int k, n, st;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		n = 0;
		args[n++] = "-p";
		args[n++] = "0";
		args[n++] = "-b";
		args[n++] = "127.0.0.1";
		for (k = 0; cases[i].opts[k] != NULL; k++)
			args[n++] = cases[i].opts[k];
		args[n++] = "-m";
		args[n++] = num;
		args[n] = NULL;
		snprintf(num, sizeof num, "%d", 100000);
		st = srv_run(&s, args);
		ck_assert_msg(st == 2, "-m 100000 with %s: exit %d, want 2: %s",
		    cases[i].opts[0], st, s.log);
		snprintf(want, sizeof want, "at most %d clients",
		    MAX_CLIENTS - cases[i].fewer);
		ck_assert_msg(strstr(s.log, want) != NULL,
		    "-m 100000 with %s (%d fds of its own more): want \"%s\" in: %s",
		    cases[i].opts[0], cases[i].fewer, want, s.log);
		snprintf(
		    num, sizeof num, "%d", MAX_CLIENTS - cases[i].fewer + 1);
		st = srv_run(&s, args);
		ck_assert_msg(st == 2, "-m %s with %s: exit %d, want 2: %s",
		    num, cases[i].opts[0], st, s.log);
	}
}
END_TEST

/* What CHATD_RESERVED_FDS keeps is really enough: chatd's own
 * descriptors with both listeners, and one for a refusal in flight. */
START_TEST(test_reserved_fds_enough)
{
	char path[64];
	/* select's own count: epoll holds one more, which -m allows for. */
	const char *args[] = { "--unix", path, "--io", "select", NULL };
	struct fx fx;
	struct conn *c;
	int n, below;

	TEST_SKIP_IF(srv_fd_limits_virtualised(),
	    "valgrind holds descriptors of its own in chatd");
	TEST_NEED(have_proc_fds(), "/proc/PID/fd");
	snprintf(
	    path, sizeof path, "/tmp/chatd-test-fds.%d.sock", (int)getpid());
	fx_start(&fx, args, NULL);
	/* A client in and welcomed: chatd is done setting up. */
	c = fx_open(&fx);
	ck_assert(conn_expect(c, "/help", NULL, 0, WAIT));
	n = open_fds(fx.srv.pid, &below) - 1;
	ck_assert_msg(n > 0 && n + 1 <= CHATD_RESERVED_FDS,
	    "chatd holds %d descriptors of its own; CHATD_RESERVED_FDS (%d) "
	    "must cover them and one more",
	    n, CHATD_RESERVED_FDS);
	fx_stop(&fx);
	unlink(path);
}
END_TEST

START_TEST(test_raises_fd_limit)
{
	const char *args[] = { "-m", "150", NULL };
	struct rlimit rl, low;
	struct fx fx;
	struct conn *c[151];
	int i;

	TEST_SKIP_IF(
	    srv_fd_limits_virtualised(), "valgrind fakes RLIMIT_NOFILE");
	TEST_NEED(
	    hard_nofile_allows(200), "a hard open-file limit of at least 200");
	/* chatd starts with a soft limit of 64 descriptors. */
	ck_assert_int_eq(getrlimit(RLIMIT_NOFILE, &rl), 0);
	low = rl;
	low.rlim_cur = 64;
	ck_assert_int_eq(setrlimit(RLIMIT_NOFILE, &low), 0);
	fx_start(&fx, args, NULL);
	ck_assert_int_eq(setrlimit(RLIMIT_NOFILE, &rl), 0);
	for (i = 0; i < 150; i++) {
		c[i] = fx_open(&fx);
		ck_assert_msg(conn_expect(c[i], "/help", NULL, 0, WAIT),
		    "client %d of 150 got no welcome", i);
	}
	c[150] = fx_open(&fx);
	ck_assert(conn_expect(c[150], "-!- error: server full", NULL, 0, WAIT));
	conn_send(c[149], "last one in\n");
	ck_assert(conn_expect(c[0], "> last one in", NULL, 0, WAIT));
	fx_stop(&fx);
}
END_TEST

/* CPU time (user + system) pid has used, in clock ticks, or -1. */
static long
cpu_ticks(pid_t pid)
{
	char path[64], buf[1024], *p;
	unsigned long ut, st;
	size_t n;
	FILE *f;

	snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
	if ((f = fopen(path, "r")) == NULL)
		return -1;
	n = fread(buf, 1, sizeof buf - 1, f);
	buf[n] = '\0';
	fclose(f);
	/* After "pid (comm) ": state and ten numbers, then utime, stime. */
	if ((p = strrchr(buf, ')')) == NULL ||
	    sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu",
		&ut, &st) != 2)
		return -1;
	return (long)(ut + st);
}

START_TEST(test_accept_emfile)
{
	/* 64 descriptors, 40 of them taken as if inherited: accept() runs out
	 * long before -m 40, on every backend (poll and epoll bound -m by the
	 * open-file limit, which 40 is well within). */
	const char *args[] = { "-m", "40", NULL };
	const struct srv_opts opts = { .nofile = 64, .fill_below = 40 };
	struct fx fx;
	struct conn *c[40];
	char line[512] = "";
	long t0;
	int i, in = 0;

	TEST_SKIP_IF(
	    srv_fd_limits_virtualised(), "valgrind fakes RLIMIT_NOFILE");
	TEST_NEED(cpu_ticks(getpid()) != -1, "/proc/PID/stat");
	fx_start_with(&fx, args, &opts, NULL);
	for (i = 0; i < 40; i++)
		c[i] = fx_open(&fx);
	/* Everyone hears something: a welcome, or that the server is full. */
	for (i = 0; i < 40; i++) {
		ck_assert_msg(conn_line(c[i], line, sizeof line, WAIT) >= 0,
		    "connection %d got no answer", i);
		if (strstr(line, "/help") != NULL)
			in++;
		else
			ck_assert_msg(strcmp(line_text(line),
					  "-!- error: server full") == 0,
			    "got %s", line);
	}
	/* chatd keeps at most CHATD_RESERVED_FDS (and epoll's) for itself. */
	ck_assert_msg(
	    in >= 64 - 40 - CHATD_RESERVED_FDS - 1 && in < 64 - 40 - 3,
	    "%d of 40 got in with 24 descriptors free", in);
	/* Running out of descriptors must not make the loop spin. */
	t0 = cpu_ticks(fx.srv.pid);
	usleep(1000000);
	ck_assert_msg(cpu_ticks(fx.srv.pid) - t0 < sysconf(_SC_CLK_TCK) / 2,
	    "chatd busy while out of descriptors");
	conn_send(c[0], "still serving\n");
	ck_assert(conn_expect(c[1], "> still serving", NULL, 0, WAIT));
	/* Once the others are gone, there is room again. */
	for (i = 1; i < 40; i++)
		fx_close(&fx, c[i]);
	t0 = harness_now_ms();
	while (
	    strstr(line, "1 user in") == NULL && harness_now_ms() - t0 < WAIT) {
		conn_send(c[0], "/who\n");
		ck_assert(
		    conn_expect(c[0], " in #lobby: ", line, sizeof line, WAIT));
	}
	ck_assert_msg(strstr(line, "-!- 1 user in #lobby: ") != NULL,
	    "the others never left: %s", line);
	fx_login(&fx, "late");
	fx_stop(&fx);
}
END_TEST

/*
 * The accept-time guard: chatd starts with descriptors up to near
 * FD_SETSIZE taken (as if inherited) and a limit far above it, so after a
 * few clients accept() returns FD_SETSIZE, which select() cannot watch.
 * That connection gets "server full"; the server goes on serving, and a
 * place freed below FD_SETSIZE can be taken again.
 */
START_TEST(test_accept_past_fd_setsize)
{
	const struct srv_opts opts = { .nofile = 2 * FD_SETSIZE,
		.fill_below = FD_SETSIZE - 16 };
	struct fx fx;
	struct conn *c[16];
	char want[64];
	int i, nin, below;

	TEST_SKIP_IF(
	    srv_fd_limits_virtualised(), "valgrind fakes RLIMIT_NOFILE");
	TEST_NEED(have_proc_fds(), "/proc/PID/fd");
	TEST_NEED(hard_nofile_allows(2 * FD_SETSIZE),
	    "a hard open-file limit of at least 2 * FD_SETSIZE");
	/* This is select's rule: poll and epoll take fd FD_SETSIZE. */
	fx_start_with(
	    &fx, (const char *const[]){ "--io", "select", NULL }, &opts, NULL);
	/* One client in: chatd is done setting up. The next ones get the
	 * lowest free descriptors, all that are left below FD_SETSIZE. */
	c[0] = fx_open(&fx);
	ck_assert(conn_expect(c[0], "/help", NULL, 0, WAIT));
	ck_assert_int_gt(open_fds(fx.srv.pid, &below), 0);
	nin = 1 + FD_SETSIZE - below;
	ck_assert_msg(nin >= 2 && nin <= 16,
	    "%d descriptors free below "
	    "FD_SETSIZE",
	    nin - 1);
	for (i = 1; i < nin; i++) {
		c[i] = fx_open(&fx);
		ck_assert_msg(conn_expect(c[i], "/help", NULL, 0, WAIT),
		    "client %d of %d got no welcome", i, nin);
	}
	fx_refused(&fx, "-!- error: server full");
	ck_assert(srv_log_has(&fx.srv, "server full: refusing", WAIT));
	/* Still serving everyone it took. */
	snprintf(want, sizeof want, "-!- %d users in #lobby: ", nin);
	conn_send(c[0], "/who\n");
	ck_assert(conn_expect(c[0], want, NULL, 0, WAIT));
	conn_send(c[nin - 1], "/quit\n");
	ck_assert(conn_expect(c[0], " has quit (bye)", NULL, 0, WAIT));
	c[nin - 1] = fx_open(&fx);
	ck_assert(conn_expect(c[nin - 1], "/help", NULL, 0, WAIT));
	fx_stop(&fx);
}
END_TEST

Suite *
test_suite(void)
{
	Suite *s = suite_create("integ_fdlimits");
	TCase *tc = tcase_create("fdlimits");

	tcase_set_timeout(tc, TEST_TIMEOUT);
	tcase_add_test(tc, test_max_clients_fd_setsize);
	tcase_add_test(tc, test_max_clients_option_fds);
	tcase_add_test(tc, test_reserved_fds_enough);
	tcase_add_test(tc, test_raises_fd_limit);
	tcase_add_test(tc, test_accept_emfile);
	tcase_add_test(tc, test_accept_past_fd_setsize);
	suite_add_tcase(s, tc);
	return s;
}
