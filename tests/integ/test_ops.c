/* test_ops.c: operating chatd: options, exit status, the log, signals. */
#define _DEFAULT_SOURCE
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <ctype.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "check_main.h"
#include "fixture.h"
#include "harness.h"
#include "proto.h" /* CHAT_VERSION */

#define WAIT     5000 /* ms: generous bound for anything to arrive */
/* The spec's, not proto.h's (a test must not move with the code): "flush
 * for at most 2 seconds" (docs/PROTOCOL.md, Operating). */
#define FLUSH_MS 2000

/* Number of lines in s. */
static int
count_lines(const char *s)
{
	int n = 0;

	for (; *s != '\0'; s++)
		n += *s == '\n';
	return n;
}

/* 1 if hay contains needle, ignoring ASCII case. */
static int
ci_has(const char *hay, const char *needle)
{
	size_t n = strlen(needle);

	for (; *hay != '\0'; hay++)
		if (strncasecmp(hay, needle, n) == 0)
			return 1;
	return 0;
}

struct bad_opt {
	const char *args[4];
	const char *name; /* what the error must mention */
	const char *alt;  /* or this (long form), if not NULL */
};

static const struct bad_opt bad_opts[] = {
	{ { "-p", "abc" }, "-p", "--port" },
	{ { "-p", "70000" }, "-p", "--port" },
	{ { "-p", "-1" }, "-p", "--port" },
	{ { "-p" }, "-p", "--port" },
	{ { "-m", "many" }, "-m", "--max-clients" },
	{ { "--max-clients", "-3" }, "--max-clients", NULL },
	{ { "--max-queue", "lots" }, "--max-queue", NULL },
	{ { "--max-line", "x" }, "--max-line", NULL },
	{ { "--rate", "-5" }, "--rate", NULL },
	{ { "--burst", "abc" }, "--burst", NULL },
	{ { "--max-per-ip", "x" }, "--max-per-ip", NULL },
	{ { "--login-timeout", "soon" }, "--login-timeout", NULL },
	{ { "--unix" }, "--unix", NULL },
	{ { "--bogus" }, "--bogus", NULL },
	{ { "-Z" }, "-Z", NULL },
	{ { "stray" }, "stray", NULL },
};

START_TEST(test_bad_options)
{
	const struct bad_opt *b = &bad_opts[_i];
	const char *args[8] = { "-b", "127.0.0.1" };
	struct srv s;
	char first[512];
	int st, n = 2, k;

	for (k = 0; b->args[k] != NULL; k++)
		args[n++] = b->args[k];
	st = srv_run(&s, args);
	ck_assert_msg(st == 2, "%s %s: exit %d, want 2; output: %s", b->args[0],
	    b->args[1] ? b->args[1] : "", st, s.log);
	snprintf(first, sizeof first, "%.*s", (int)strcspn(s.log, "\n"), s.log);
	ck_assert_msg(strstr(first, b->name) != NULL ||
		(b->alt != NULL && strstr(first, b->alt) != NULL),
	    "first line does not name %s: %s", b->name, s.log);
	ck_assert_msg(ci_has(s.log, "usage") || strstr(s.log, "-h") != NULL,
	    "no usage hint: %s", s.log);
	ck_assert_msg(count_lines(s.log) <= 2, "not a short error: %s", s.log);
}
END_TEST

START_TEST(test_startup_failures)
{
	struct sockaddr_in sin;
	socklen_t len = sizeof sin;
	struct srv s;
	char port[16];
	const char *inuse[] = { "-p", port, "-b", "127.0.0.1", NULL };
	const char *noaddr[] = { "-p", "0", "-b", "192.0.2.1", NULL };
	const char *nofile[] = { "-p", "0", "-b", "127.0.0.1",
		"--password-file", "/nonexistent/chatd-pw", NULL };
	int fd, st;

	fd = socket(AF_INET, SOCK_STREAM, 0);
	memset(&sin, 0, sizeof sin);
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ck_assert_int_eq(bind(fd, (struct sockaddr *)&sin, sizeof sin), 0);
	ck_assert_int_eq(listen(fd, 1), 0);
	getsockname(fd, (struct sockaddr *)&sin, &len);
	snprintf(port, sizeof port, "%d", ntohs(sin.sin_port));
	st = srv_run(&s, inuse);
	ck_assert_msg(st == 1, "port in use: exit %d, want 1: %s", st, s.log);
	ck_assert_msg(count_lines(s.log) == 1 && strstr(s.log, port) != NULL &&
		ci_has(s.log, "in use"),
	    "want one line naming port %s in use: %s", port, s.log);
	close(fd);
	/* An address this host does not have. */
	st = srv_run(&s, noaddr);
	ck_assert_msg(st == 1, "-b 192.0.2.1: exit %d, want 1: %s", st, s.log);
	ck_assert_msg(
	    count_lines(s.log) == 1 && strstr(s.log, "192.0.2.1") != NULL,
	    "unclear error: %s", s.log);
	/* A password file that cannot be read. */
	st = srv_run(&s, nofile);
	ck_assert_msg(
	    st == 1 || st == 2, "no password file: exit %d: %s", st, s.log);
	ck_assert_msg(strstr(s.log, "/nonexistent/chatd-pw") != NULL,
	    "error does not name the file: %s", s.log);
}
END_TEST

#ifndef CHATD_CLUSTER
/*
 * cluster-v1.md §1: "chatd --cluster on a build without it is a clear
 * start-up error". Only the POSIX-only build (make CLUSTER=0) can show it;
 * the words are docs/CLUSTER.md's ("--cluster needs the cluster build").
 */
START_TEST(test_cluster_not_built)
{
	const char *args[] = { "-p", "0", "-b", "127.0.0.1", "--cluster",
		"redis://127.0.0.1:6379", "--node-id", "a", NULL };
	struct srv s;
	int st = srv_run(&s, args);

	ck_assert_msg(st == 1 || st == 2, "--cluster: exit %d: %s", st, s.log);
	ck_assert_msg(count_lines(s.log) <= 2 &&
		strstr(s.log, "--cluster") != NULL &&
		strstr(s.log, "cluster build") != NULL,
	    "want one clear line naming --cluster and the cluster build: %s",
	    s.log);
}
END_TEST
#else
/* The cluster build: a --cluster URL that is not one is an option error
 * (exit 2) naming the option, like every other (PROTOCOL.md, Operating). */
START_TEST(test_cluster_bad_url)
{
	const char *args[] = { "-p", "0", "-b", "127.0.0.1", "--cluster",
		"http://127.0.0.1:6379", NULL };
	struct srv s;
	int st = srv_run(&s, args);

	ck_assert_msg(st == 2, "--cluster http://...: exit %d: %s", st, s.log);
	ck_assert_msg(
	    count_lines(s.log) <= 2 && strstr(s.log, "--cluster") != NULL,
	    "the error does not name --cluster: %s", s.log);
}
END_TEST
#endif

/* 1 if line starts "YYYY-MM-DDTHH:MM:SS level ". */
static int
log_line_ok(const char *l)
{
	const char *fmt = "dddd-dd-ddTdd:dd:dd ";
	int i;

	for (i = 0; fmt[i] != '\0'; i++)
		if (fmt[i] == 'd' ? !isdigit((unsigned char)l[i]) :
				    l[i] != fmt[i])
			return 0;
	while (islower((unsigned char)l[i])) /* the level */
		i++;
	return i > 20 && l[i] == ' ';
}

START_TEST(test_log)
{
	const char *args[] = { "-v", NULL };
	struct fx fx, other;
	struct conn *a, *b;
	char want[64], *l, *nl;

	fx_start(&fx, args, FX_USERS({ "alice", &a }, { "bob", &b }));
	/* -p 0: the log names the real port (we are connected to it), and
	 * it is a free one: a second chatd gets another. */
	snprintf(
	    want, sizeof want, "info listening on 127.0.0.1:%d\n", fx.port);
	ck_assert_msg(strstr(fx.srv.log, want) != NULL, "log: %s", fx.srv.log);
	fx_start(&other, NULL, FX_USERS({ "carol", NULL }));
	ck_assert_int_ne(other.port, fx.port);
	fx_stop(&other);
	ck_assert(srv_log_has(&fx.srv,
	    "info client 1 connected from 127.0.0.1 as "
	    "guest1\n",
	    WAIT));
	/* Message contents are not logged. */
	conn_send(a,
	    "xyzzy-room-secret\n/me xyzzy-action\n"
	    "/msg bob xyzzy-private\n");
	ck_assert(conn_expect(b, "xyzzy-private", NULL, 0, WAIT));
	ck_assert(conn_expect(a, "-> *bob* xyzzy-private", NULL, 0, WAIT));
	fx_close(&fx, a);
	ck_assert(srv_log_has(&fx.srv,
	    "info client 1 (alice) disconnected: "
	    "connection closed\n",
	    WAIT));
	fx_stop(&fx);
	ck_assert_msg(strstr(fx.srv.log, "xyzzy") == NULL, "content logged: %s",
	    fx.srv.log);
	for (l = fx.srv.log; *l != '\0'; l = nl + 1) {
		ck_assert_ptr_nonnull(nl = strchr(l, '\n'));
		ck_assert_msg(
		    log_line_ok(l), "bad log line: %.*s", (int)(nl - l), l);
	}
}
END_TEST

START_TEST(test_version_help)
{
	const char *v[] = { "-V", NULL }, *vl[] = { "--version", NULL };
	const char *h[] = { "-h", NULL }, *hl[] = { "--help", NULL };
	const char *opts[] = { "-p", "-b", "-m", "--max-queue", "--max-line",
		"--rate", "--burst", "--max-per-ip", "--password-file",
		"--login-timeout", "--unix", "-v", "-q", NULL };
	struct srv s;
	int i;

	ck_assert_int_eq(srv_run(&s, v), 0);
	ck_assert_msg(strstr(s.log, CHAT_VERSION) != NULL, "-V: %s", s.log);
	ck_assert_int_eq(srv_run(&s, vl), 0);
	ck_assert_msg(
	    strstr(s.log, CHAT_VERSION) != NULL, "--version: %s", s.log);
	ck_assert_int_eq(srv_run(&s, hl), 0);
	ck_assert_msg(ci_has(s.log, "usage"), "--help: %s", s.log);
	ck_assert_int_eq(srv_run(&s, h), 0);
	ck_assert_msg(ci_has(s.log, "usage"), "-h: %s", s.log);
	for (i = 0; opts[i] != NULL; i++)
		ck_assert_msg(strstr(s.log, opts[i]) != NULL,
		    "-h does not mention %s", opts[i]);
}
END_TEST

/*
 * -q: chatd runs (it answers, and is not a zombie either) and logs its
 * warnings (a refusal, with -m 1) but none of its info lines, not even
 * where it listens: so it is reached over a Unix socket of known name.
 */
START_TEST(test_quiet_option)
{
	char path[64];
	const char *args[] = { "-p", "0", "-b", "127.0.0.1", "--unix", path,
		"-m", "1", "-q", NULL };
	struct srv s;
	struct conn *a = NULL, *b;
	long end = harness_now_ms() + WAIT;
	int st;

	snprintf(path, sizeof path, "/tmp/chatd-test-q.%d.sock", (int)getpid());
	unlink(path);
	ck_assert_int_eq(srv_spawn(&s, args), 0);
	while ((a = conn_open_unix(path)) == NULL && srv_running(&s) &&
	    harness_now_ms() < end)
		usleep(20000);
	ck_assert_msg(
	    a != NULL, "-q: nothing answers on %s; log: %s", path, s.log);
	ck_assert(conn_expect(a, "/help", NULL, 0, WAIT));
	ck_assert_msg(srv_running(&s), "-q: chatd is not running");
	ck_assert_ptr_nonnull(b = conn_open_unix(path));
	ck_assert(conn_next_is(b, "-!- error: server full", WAIT));
	ck_assert_msg(srv_log_has(&s, " warn server full", WAIT),
	    "-q: no warning logged: %s", s.log);
	conn_close(a);
	conn_close(b);
	st = srv_stop(&s, SIGTERM);
	ck_assert_msg(st == 0, "-q: exit %d after SIGTERM: %s", st, s.log);
	ck_assert_msg(
	    strstr(s.log, " info ") == NULL, "-q: info logged: %s", s.log);
	unlink(path);
}
END_TEST

/* A client with a tiny receive buffer, welcome read, that then never
 * reads again, so chatd soon has output queued for it. */
static struct conn *
open_deaf(int port)
{
	struct sockaddr_in sin;
	struct conn *c;
	int fd, sz = 2048;

	fd = socket(AF_INET, SOCK_STREAM, 0);
	ck_assert_int_ne(fd, -1);
	setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &sz, sizeof sz);
	memset(&sin, 0, sizeof sin);
	sin.sin_family = AF_INET;
	sin.sin_port = htons((unsigned short)port);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ck_assert_int_eq(connect(fd, (struct sockaddr *)&sin, sizeof sin), 0);
	ck_assert_ptr_nonnull(c = conn_from_fd(fd));
	ck_assert(conn_expect(c, "/help", NULL, 0, WAIT));
	return c;
}

/* SIGUSR1's "queued=": all clients' unsent output in chatd, bytes. */
static long
stats_queued(struct srv *s)
{
	size_t mark = srv_log_mark(s);
	const char *p;

	ck_assert_int_eq(kill(s->pid, SIGUSR1), 0);
	ck_assert_ptr_nonnull(p = srv_log_find(s, mark, " info stats: ", WAIT));
	ck_assert_ptr_nonnull(p = strstr(p, " queued="));
	return strtol(p + strlen(" queued="), NULL, 10);
}

/*
 * Clients in three rooms, and one that never reads with output queued in
 * chatd (past what the kernel takes for it); send sig: every client that
 * reads hears the shutdown and is closed, and chatd flushes for the 2 s
 * it promises, no less (the deaf client's queue never empties) and not
 * much more, then exits 0.
 */
static void
shutdown_by(int sig)
{
	const char *args[] = { "--rate", "0", "--max-queue", "16M", NULL };
	struct fx fx;
	struct conn *a, *b, *c, *d, *deaf;
	char *big, line[512];
	long t0, took;
	int st, i;

	fx_start(&fx, args, NULL);
	deaf = fx_adopt(&fx, open_deaf(fx.port));
	conn_send(deaf, "/join flood\n");
	a = fx_login(&fx, "alice");
	conn_send(a, "/join flood\n");
	ck_assert(conn_expect(a, "-!- alice has joined #flood", NULL, 0, WAIT));
	c = fx_login(&fx, "carol");
	conn_send(c, "/join dev\n");
	ck_assert(conn_expect(c, "-!- carol has joined #dev", NULL, 0, WAIT));
	b = fx_login(&fx, "bob");
	big = malloc(500 * 1001 + 1);
	memset(big, 'y', 500 * 1001);
	for (i = 1000; i < 500 * 1001; i += 1001)
		big[i] = '\n';
	big[500 * 1001] = '\0';
	for (i = 0; i < 40 && stats_queued(&fx.srv) == 0; i++) {
		conn_send(a, big);
		/* Its reply means all of big has been through chatd. */
		conn_send(a, "/who\n");
		ck_assert(
		    conn_expect(a, "-!- 2 users in #flood: ", NULL, 0, WAIT));
	}
	free(big);
	ck_assert_msg(stats_queued(&fx.srv) > 0, "nothing queued for deaf");
	t0 = harness_now_ms();
	kill(fx.srv.pid, sig);
	ck_assert(conn_next_is(b, "-!- server shutting down", WAIT));
	/* No longer accepting: a newcomer is refused or closed unwelcomed. */
	if ((d = conn_open(fx.port)) != NULL) {
		ck_assert_msg(conn_line(d, line, sizeof line, WAIT) < 0,
		    "during shutdown a new client got: %s", line);
		conn_close(d);
	}
	ck_assert_msg(srv_log_find(&fx.srv, 0, " info stopped", 10000),
	    "no \"stopped\" in the log: %s", fx.srv.log);
	took = harness_now_ms() - t0;
	ck_assert_msg(took >= FLUSH_MS - 250 && took <= FLUSH_MS + 1000,
	    "flushed for %ld ms after signal %d, want %d (-250, +1000)", took,
	    sig, FLUSH_MS);
	st = srv_stop(&fx.srv, 0);
	ck_assert_msg(
	    st == 0, "exit %d after signal %d: %s", st, sig, fx.srv.log);
	ck_assert(conn_next_is(a, "-!- server shutting down", WAIT));
	ck_assert(conn_next_is(c, "-!- server shutting down", WAIT));
	ck_assert(conn_eof(a, WAIT));
	ck_assert(conn_eof(b, WAIT));
	ck_assert(conn_eof(c, WAIT));
	fx_stop(&fx);
}

START_TEST(test_sigterm)
{
	shutdown_by(SIGTERM);
}
END_TEST

START_TEST(test_sigint)
{
	shutdown_by(SIGINT);
}
END_TEST

START_TEST(test_sigusr1_stats)
{
	const char *fields[] = { "clients=2 ", "rooms=2 ",
		"lines_in=", "lines_out=", "bytes_in=", "bytes_out=", "queued=",
		"disconnects:", "quit=0 ", "closed=1 ", "reset=0 ", "slow=0 ",
		"error=", "timeout=", "password=", "full=", "shutdown=", NULL };
	struct fx fx;
	struct conn *a, *b;
	char line[1024];
	const char *p;
	int i;

	fx_start(&fx, NULL, FX_USERS({ "alice", &a }, { "bob", &b }));
	conn_send(b, "/join dev\n");
	ck_assert(conn_next_is(b, "-!- bob has joined #dev", WAIT));
	fx_close(&fx, fx_login(&fx, "gone"));
	ck_assert(srv_log_has(&fx.srv, "(gone) disconnected", WAIT));
	kill(fx.srv.pid, SIGUSR1);
	ck_assert_ptr_nonnull(
	    p = srv_log_find(&fx.srv, 0, " info stats: ", WAIT));
	snprintf(line, sizeof line, "%.*s", (int)strcspn(p, "\n"), p);
	for (i = 0; fields[i] != NULL; i++)
		ck_assert_msg(strstr(line, fields[i]) != NULL, "no %s in: %s",
		    fields[i], line);
	/* It goes on serving. */
	conn_send(a, "/msg bob after stats\n");
	ck_assert(conn_next_is(b, "*alice* after stats", WAIT));
	fx_stop(&fx);
}
END_TEST

Suite *
test_suite(void)
{
	Suite *s = suite_create("integ_ops");
	TCase *tc = tcase_create("ops");

	tcase_set_timeout(tc, TEST_TIMEOUT);
	tcase_add_loop_test(tc, test_bad_options, 0,
	    (int)(sizeof bad_opts / sizeof bad_opts[0]));
	tcase_add_test(tc, test_startup_failures);
#ifndef CHATD_CLUSTER
	tcase_add_test(tc, test_cluster_not_built);
#else
	tcase_add_test(tc, test_cluster_bad_url);
#endif
	tcase_add_test(tc, test_log);
	tcase_add_test(tc, test_version_help);
	tcase_add_test(tc, test_quiet_option);
	tcase_add_test(tc, test_sigterm);
	tcase_add_test(tc, test_sigint);
	tcase_add_test(tc, test_sigusr1_stats);
	suite_add_tcase(s, tc);
	return s;
}
