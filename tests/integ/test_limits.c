/* test_limits.c: chatd under slow, idle, flooding and too many clients. */
#define _DEFAULT_SOURCE
#include <sys/types.h>
#include <sys/resource.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <ctype.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "check_main.h"
#include "harness.h"

#define WAIT  5000 /* ms: generous bound for anything to arrive */
#define QUIET 300  /* ms: how long "nothing more arrives" is watched */

/* The body of a server line, or the whole line if it has no stamp. */
static const char *
body(const char *line)
{
	const char *b = line_body(line);

	return b != NULL ? b : line;
}

/*
 * Connect to 127.0.0.1:port from source address src (NULL: any) with a
 * receive buffer of rcvbuf bytes (0: default), so that a client that does
 * not read fills up after little data. NULL on failure.
 */
static struct conn *
open_with(int port, const char *src, int rcvbuf)
{
	struct sockaddr_in sin;
	int fd;

	if ((fd = socket(AF_INET, SOCK_STREAM, 0)) == -1)
		return NULL;
	if (rcvbuf > 0)
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof rcvbuf);
	memset(&sin, 0, sizeof sin);
	sin.sin_family = AF_INET;
	if (src != NULL) {
		inet_pton(AF_INET, src, &sin.sin_addr);
		if (bind(fd, (struct sockaddr *)&sin, sizeof sin) == -1)
			goto fail;
	}
	sin.sin_port = htons((unsigned short)port);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (connect(fd, (struct sockaddr *)&sin, sizeof sin) == -1)
		goto fail;
	return conn_from_fd(fd);
fail:
	close(fd);
	return NULL;
}

/* A logged-in client (welcome read) that will then never read again. */
static struct conn *
deaf_login(int port, const char *nick)
{
	struct conn *c = open_with(port, NULL, 2048);
	char cmd[64];

	ck_assert_ptr_nonnull(c);
	ck_assert(conn_expect(c, "/help", NULL, 0, WAIT));
	snprintf(cmd, sizeof cmd, "/nick %s\n", nick);
	conn_send(c, cmd);
	ck_assert(conn_expect(c, "is now known as", NULL, 0, WAIT));
	return c;
}

/* n lines "tag-i xxx..." of about len bytes each, in one malloc'd string. */
static char *
make_lines(const char *tag, int first, int n, size_t len)
{
	char *s = malloc((size_t)n * (len + 32) + 1), *p = s;
	int i;

	for (i = first; i < first + n; i++) {
		p += sprintf(p, "%s-%d ", tag, i);
		memset(p, 'x', len);
		p += len;
		*p++ = '\n';
	}
	*p = '\0';
	return s;
}

/* Read the n lines of make_lines(nick, first, n) from c, in order; a line
 * with notice_want in it (if not NULL) sets *notice_seen instead. */
static void
read_lines(struct conn *c, const char *nick, int first, int n,
    const char *notice_want, int *notice_seen)
{
	char line[8192], want[64];
	int i = first;

	while (i < first + n) {
		ck_assert_msg(conn_line(c, line, sizeof line, WAIT) >= 0,
		    "line %d from %s did not arrive", i, nick);
		if (notice_want != NULL && strstr(line, notice_want) != NULL) {
			*notice_seen = 1;
			continue;
		}
		snprintf(want, sizeof want, "<%s> %s-%d x", nick, nick, i);
		ck_assert_msg(line_body(line) != NULL &&
			strncmp(line_body(line), want, strlen(want)) == 0,
		    "want %s..., got %.80s", want, line);
		i++;
	}
}

START_TEST(test_idle_client_never_blocks)
{
	const char *args[] = { "--rate", "0", NULL };
	struct srv s;
	struct conn *idle, *part, *a, *b;
	char *lines, msg[64];
	int i;

	srv_start_ok(&s, args);
	idle = deaf_login(s.port, "idle");
	part = deaf_login(s.port, "partial");
	conn_send(part, "half a line, never finished");
	a = login_ok(s.port, "alice");
	b = login_ok(s.port, "bob");
	ck_assert(conn_expect(a, "is now known as bob", NULL, 0, WAIT));
	/* 400 KB: far past what the idle clients' sockets can hold. */
	lines = make_lines("alice", 0, 2000, 200);
	conn_send(a, lines);
	read_lines(b, "alice", 0, 2000, NULL, NULL);
	free(lines);
	for (i = 0; i < 20; i++) {
		snprintf(msg, sizeof msg, "ping %d\n", i);
		conn_send(a, msg);
		snprintf(msg, sizeof msg, "<alice> ping %d", i);
		ck_assert(conn_next_is(b, msg, WAIT));
		snprintf(msg, sizeof msg, "pong %d\n", i);
		conn_send(b, msg);
		snprintf(msg, sizeof msg, "<bob> pong %d", i);
		ck_assert(conn_next_is(a, msg, WAIT));
	}
	conn_close(idle);
	conn_close(part);
	conn_close(a);
	conn_close(b);
	srv_stop_ok(&s);
}
END_TEST

START_TEST(test_many_clients)
{
	struct srv s;
	struct conn *c[200];
	char want[64];
	int i, n = 200;

	srv_start_ok(&s, NULL);
	for (i = 0; i < n; i++) {
		c[i] = conn_open(s.port);
		ck_assert_msg(c[i] != NULL, "connection %d failed", i);
		conn_send(c[i], "\n"); /* text now: no 500 ms wait */
		ck_assert_msg(conn_expect(c[i], "/help", NULL, 0, WAIT),
		    "no welcome for connection %d", i);
		srv_read_log(&s, 0);
	}
	conn_send(c[0], "/nick first\n");
	ck_assert(conn_expect(c[0], "is now known as first", NULL, 0, WAIT));
	conn_send(c[0], "hello, all 200 of you\n");
	for (i = 1; i < n; i++)
		ck_assert_msg(conn_expect(c[i], "<first> hello, all 200 of you",
				  NULL, 0, WAIT),
		    "client %d missed the broadcast", i);
	snprintf(want, sizeof want, "-!- %d users in #lobby: ", n);
	conn_send(c[n - 1], "/who\n");
	ck_assert(conn_expect(c[n - 1], want, NULL, 0, WAIT));
	for (i = 0; i < n; i++)
		conn_close(c[i]);
	srv_stop_ok(&s);
}
END_TEST

START_TEST(test_slow_consumer)
{
	const char *args[] = { "--max-queue", "65536", "--rate", "0", NULL };
	struct srv s;
	struct conn *slow, *obs, *talk;
	char *lines;
	int round, gone = 0, per = 16;

	srv_start_ok(&s, args);
	/* obs first: it is the room's operator, so slow's going moves no
	 * operator status (which would tell obs). */
	obs = login_ok(s.port, "obs");
	slow = deaf_login(s.port, "slow");
	talk = login_ok(s.port, "talk");
	ck_assert(conn_expect(obs, "is now known as talk", NULL, 0, WAIT));
	/* 32 KB a round, read by obs as it goes; slow never reads. */
	for (round = 0; round < 1000 && !gone; round++) {
		lines = make_lines("talk", round * per, per, 2000);
		conn_send(talk, lines);
		free(lines);
		read_lines(obs, "talk", round * per, per,
		    "-!- slow has quit (too slow)", &gone);
	}
	ck_assert_msg(gone, "slow was never disconnected");
	ck_assert(srv_log_has(&s, "(slow) disconnected: too slow", WAIT));
	ck_assert(conn_eof(slow, WAIT));
	/* The others lose nothing afterwards either. */
	lines = make_lines("talk", round * per, per, 2000);
	conn_send(talk, lines);
	free(lines);
	read_lines(obs, "talk", round * per, per, NULL, NULL);
	conn_send(obs, "/who\n");
	ck_assert(conn_next_is(obs, "-!- 2 users in #lobby: @obs, talk", WAIT));
	conn_close(slow);
	conn_close(obs);
	conn_close(talk);
	srv_stop_ok(&s);
}
END_TEST

START_TEST(test_max_clients)
{
	const char *args[] = { "-m", "3", NULL };
	struct srv s;
	struct conn *a, *b, *c, *d;

	srv_start_ok(&s, args);
	a = login_ok(s.port, "alice");
	b = login_ok(s.port, "bob");
	c = login_ok(s.port, "carol");
	ck_assert(conn_expect(a, "is now known as carol", NULL, 0, WAIT));
	ck_assert(conn_expect(b, "is now known as carol", NULL, 0, WAIT));
	d = conn_open(s.port);
	ck_assert_ptr_nonnull(d);
	ck_assert(conn_next_is(d, "-!- error: server full", WAIT));
	ck_assert(conn_eof(d, WAIT));
	conn_close(d);
	/* Nobody else noticed, and everyone still talks. */
	conn_send(a, "still here\n");
	ck_assert(conn_next_is(b, "<alice> still here", WAIT));
	ck_assert(conn_next_is(c, "<alice> still here", WAIT));
	ck_assert(conn_quiet(a, QUIET));
	/* A freed place can be taken again. */
	conn_send(c, "/quit\n");
	ck_assert(conn_expect(a, "carol has quit", NULL, 0, WAIT));
	d = login_ok(s.port, "dave");
	ck_assert(conn_expect(a, "is now known as dave", NULL, 0, WAIT));
	conn_close(a);
	conn_close(b);
	conn_close(c);
	conn_close(d);
	srv_stop_ok(&s);
}
END_TEST

START_TEST(test_max_per_ip)
{
	const char *args[] = { "--max-per-ip", "2", NULL };
	struct srv s;
	struct conn *a, *b, *c, *o;

	srv_start_ok(&s, args);
	a = login_ok(s.port, "alice");
	b = login_ok(s.port, "bob");
	c = conn_open(s.port);
	ck_assert_ptr_nonnull(c);
	ck_assert(conn_next_is(
	    c, "-!- error: too many connections from your address", WAIT));
	ck_assert(conn_eof(c, WAIT));
	conn_close(c);
	/* Another address is not affected. */
	o = open_with(s.port, "127.0.0.2", 0);
	ck_assert_msg(o != NULL, "cannot connect from 127.0.0.2");
	ck_assert(conn_expect(o, "/help", NULL, 0, WAIT));
	conn_send(o, "/nick other\n");
	ck_assert(conn_expect(a, "is now known as other", NULL, 0, WAIT));
	/* A place freed on the address can be taken again. */
	conn_send(b, "/quit\n");
	ck_assert(conn_expect(a, "bob has quit", NULL, 0, WAIT));
	c = login_ok(s.port, "carol");
	conn_close(a);
	conn_close(b);
	conn_close(c);
	conn_close(o);
	srv_stop_ok(&s);
}
END_TEST

START_TEST(test_flood_control)
{
	const char *args[] = { "--rate", "5", "--burst", "5", NULL };
	struct srv s;
	struct conn *a, *b, *c;
	char line[512], want[64], *lines;
	long t0, took;
	int i = 0, ping_at = -1;

	srv_start_ok(&s, args);
	a = login_ok(s.port, "alice");
	c = login_ok(s.port, "carol");
	b = login_ok(s.port, "bob");
	ck_assert(conn_expect(a, "is now known as bob", NULL, 0, WAIT));
	ck_assert(conn_expect(c, "is now known as bob", NULL, 0, WAIT));
	lines = make_lines("alice", 0, 30, 10);
	t0 = harness_now_ms();
	conn_send(a, lines);
	free(lines);
	ck_assert(conn_expect(b, "<alice> alice-0 ", NULL, 0, WAIT));
	conn_send(c, "ping\n");
	for (i = 1; i < 30;) {
		ck_assert_msg(conn_line(b, line, sizeof line, 30000) >= 0,
		    "flood line %d never arrived", i);
		if (strcmp(body(line), "<carol> ping") == 0) {
			ping_at = i;
			continue;
		}
		snprintf(want, sizeof want, "<alice> alice-%d ", i);
		ck_assert_msg(strncmp(body(line), want, strlen(want)) == 0,
		    "want %s, got %s", want, line);
		i++;
	}
	took = harness_now_ms() - t0;
	/* 25 lines over the burst at 5/s take 5 s; 2 s proves any delay. */
	ck_assert_msg(took >= 2000, "30 lines in %ld ms: not slowed", took);
	/* Slowing alice down must not hold up carol. */
	ck_assert_msg(ping_at != -1,
	    "carol's line came after all of alice's flood (or never)");
	ck_assert(conn_next_is(a, "<carol> ping", WAIT));
	ck_assert(conn_quiet(a, QUIET)); /* nothing was refused */
	conn_close(a);
	conn_close(b);
	conn_close(c);
	srv_stop_ok(&s);
}
END_TEST

START_TEST(test_fairness)
{
	const char *args[] = { "--rate", "0", "--max-queue", "67108864", NULL };
	struct srv s;
	struct conn *a, *b, *c;
	char line[8192], *lines;
	pid_t pid;
	int seen = 0, st, n = 20000;

	srv_start_ok(&s, args);
	a = login_ok(s.port, "alice");
	c = login_ok(s.port, "carol");
	b = login_ok(s.port, "bob");
	ck_assert(conn_expect(a, "is now known as bob", NULL, 0, WAIT));
	ck_assert(conn_expect(c, "is now known as bob", NULL, 0, WAIT));
	lines = make_lines("alice", 0, n, 200);
	if ((pid = fork()) == 0)
		_exit(conn_send(a, lines) == 0 ? 0 : 1);
	ck_assert_int_ne(pid, -1);
	ck_assert(conn_expect(b, "<alice> alice-0 ", NULL, 0, WAIT));
	conn_send(c, "ping\n");
	for (;;) {
		ck_assert_msg(conn_line(b, line, sizeof line, WAIT) >= 0,
		    "bob got %d lines, then nothing", seen);
		if (strcmp(body(line), "<carol> ping") == 0)
			break;
		seen++;
	}
	ck_assert_msg(seen < n - 1, "carol waited for all of alice's lines");
	waitpid(pid, &st, 0);
	free(lines);
	conn_close(a);
	conn_close(b);
	conn_close(c);
	srv_stop_ok(&s);
}
END_TEST

START_TEST(test_reset_while_writing)
{
	const char *args[] = { "--rate", "0", NULL };
	struct linger lg = { 1, 0 };
	struct srv s;
	struct conn *r, *o, *t;
	char *lines;

	srv_start_ok(&s, args);
	r = deaf_login(s.port, "reset");
	o = login_ok(s.port, "obs");
	t = login_ok(s.port, "talk");
	ck_assert(conn_expect(o, "is now known as talk", NULL, 0, WAIT));
	/* 300 KB: most of it sits in chatd's queue for r. */
	lines = make_lines("talk", 0, 300, 1000);
	conn_send(t, lines);
	free(lines);
	read_lines(o, "talk", 0, 300, NULL, NULL);
	setsockopt(r->fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
	conn_close(r);
	lines = make_lines("talk", 300, 10, 1000);
	conn_send(t, lines);
	free(lines);
	ck_assert(conn_expect(
	    o, "-!- reset has quit (connection reset)", NULL, 0, WAIT));
	conn_send(t, "after the reset\n");
	ck_assert(conn_expect(o, "<talk> after the reset", NULL, 0, WAIT));
	conn_close(o);
	conn_close(t);
	srv_stop_ok(&s);
}
END_TEST

/* The largest -m chatd allows, taken from its usage error for -m huge. */
static int
max_clients_allowed(void)
{
	const char *args[] = { "-p", "0", "-b", "127.0.0.1", "-m", "100000",
		NULL };
	struct srv s;
	char *p;
	long v;
	int st;

	st = srv_run(&s, args);
	ck_assert_msg(st == 2, "-m 100000: exit %d, want 2: %s", st, s.log);
	ck_assert_msg(
	    strstr(s.log, "-m") != NULL || strstr(s.log, "max-clients") != NULL,
	    "option not named: %s", s.log);
	for (p = s.log; *p != '\0'; p++) {
		if (!isdigit((unsigned char)*p) ||
		    (p > s.log && isdigit((unsigned char)p[-1])))
			continue;
		v = strtol(p, NULL, 10);
		if (v > FD_SETSIZE / 2 && v < FD_SETSIZE)
			return (int)v;
	}
	ck_abort_msg("no maximum below FD_SETSIZE named: %s", s.log);
	return -1;
}

START_TEST(test_max_clients_fd_setsize)
{
	struct srv s;
	char num[32];
	const char *args[] = { "-m", num, NULL };
	const char *over[] = { "-p", "0", "-b", "127.0.0.1", "-m", num, NULL };
	int max = max_clients_allowed(), st;

	snprintf(num, sizeof num, "%d", max);
	srv_start_ok(&s, args);
	srv_stop_ok(&s);
	snprintf(num, sizeof num, "%d", max + 1);
	st = srv_run(&s, over);
	ck_assert_msg(st == 2, "-m %s: exit %d, want 2", num, st);
}
END_TEST

START_TEST(test_raises_fd_limit)
{
	const char *args[] = { "-m", "150", NULL };
	struct rlimit rl, low;
	struct srv s;
	struct conn *c[151];
	int i;

	if (srv_fd_limits_virtualised())
		return;
	/* chatd starts with a soft limit of 64 descriptors. */
	ck_assert_int_eq(getrlimit(RLIMIT_NOFILE, &rl), 0);
	if (rl.rlim_max != RLIM_INFINITY && rl.rlim_max < 200)
		return; /* cannot test: the hard limit is too low */
	low = rl;
	low.rlim_cur = 64;
	ck_assert_int_eq(setrlimit(RLIMIT_NOFILE, &low), 0);
	srv_start_ok(&s, args);
	ck_assert_int_eq(setrlimit(RLIMIT_NOFILE, &rl), 0);
	for (i = 0; i < 150; i++) {
		c[i] = conn_open(s.port);
		ck_assert_ptr_nonnull(c[i]);
		conn_send(c[i], "\n"); /* text now: no 500 ms wait */
		ck_assert_msg(conn_expect(c[i], "/help", NULL, 0, WAIT),
		    "client %d of 150 got no welcome", i);
	}
	c[150] = conn_open(s.port);
	ck_assert_ptr_nonnull(c[150]);
	ck_assert(conn_expect(c[150], "-!- error: server full", NULL, 0, WAIT));
	conn_send(c[149], "last one in\n");
	ck_assert(conn_expect(c[0], "> last one in", NULL, 0, WAIT));
	for (i = 0; i <= 150; i++)
		conn_close(c[i]);
	srv_stop_ok(&s);
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
	const char *args[] = { "-m", "100", NULL };
	struct srv s;
	struct conn *c[40];
	char line[512];
	long t0;
	int i, in = 0;

	if (srv_fd_limits_virtualised())
		return;
	/* 32 descriptors: accept() runs out long before -m 100. */
	ck_assert_msg(srv_start_nofile(&s, args, 32) == 0, "%s", s.log);
	for (i = 0; i < 40; i++) {
		c[i] = conn_open(s.port);
		ck_assert_ptr_nonnull(c[i]);
	}
	/* Everyone hears something: a welcome, or that the server is full. */
	for (i = 0; i < 40; i++) {
		ck_assert_msg(conn_line(c[i], line, sizeof line, WAIT) >= 0,
		    "connection %d got no answer", i);
		if (strstr(line, "/help") != NULL)
			in++;
		else
			ck_assert_msg(
			    strcmp(body(line), "-!- error: server full") == 0,
			    "got %s", line);
	}
	ck_assert_msg(in >= 15, "only %d of 40 got in", in);
	/* Running out of descriptors must not make the loop spin. */
	t0 = cpu_ticks(s.pid);
	if (t0 != -1) {
		usleep(1000000);
		ck_assert_msg(cpu_ticks(s.pid) - t0 < sysconf(_SC_CLK_TCK) / 2,
		    "chatd busy while out of descriptors");
	}
	conn_send(c[0], "still serving\n");
	ck_assert(conn_expect(c[1], "> still serving", NULL, 0, WAIT));
	/* Once the others are gone, there is room again. */
	for (i = 1; i < 40; i++)
		conn_close(c[i]);
	t0 = harness_now_ms();
	while (strstr(line, "1 user") == NULL && harness_now_ms() - t0 < WAIT) {
		conn_send(c[0], "/who\n");
		ck_assert(
		    conn_expect(c[0], " in #lobby: ", line, sizeof line, WAIT));
	}
	conn_close(c[0]);
	conn_close(login_ok(s.port, "late"));
	srv_stop_ok(&s);
}
END_TEST

Suite *
test_suite(void)
{
	Suite *s = suite_create("integ_limits");
	TCase *tc = tcase_create("limits");

	tcase_set_timeout(tc, TEST_TIMEOUT);
	tcase_add_test(tc, test_idle_client_never_blocks);
	tcase_add_test(tc, test_many_clients);
	tcase_add_test(tc, test_slow_consumer);
	tcase_add_test(tc, test_max_clients);
	tcase_add_test(tc, test_max_per_ip);
	tcase_add_test(tc, test_flood_control);
	tcase_add_test(tc, test_fairness);
	tcase_add_test(tc, test_reset_while_writing);
	tcase_add_test(tc, test_max_clients_fd_setsize);
	tcase_add_test(tc, test_raises_fd_limit);
	tcase_add_test(tc, test_accept_emfile);
	suite_add_tcase(s, tc);
	return s;
}
