/* test_ops.c: operating chatd: options, exit status, signals, log, access. */
#define _DEFAULT_SOURCE
#include <sys/socket.h>
#include <sys/un.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <ctype.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "check_main.h"
#include "harness.h"
#include "proto.h"

#define WAIT  5000 /* ms: generous bound for anything to arrive */
#define QUIET 300  /* ms: how long "nothing more arrives" is watched */

#define PW_NEEDED   "! this server needs a password: /pass PASSWORD"
#define PW_REQUIRED "-!- error: password required (/pass PASSWORD)"
#define PW_ACCEPTED \
	"-!- password accepted; you are in #lobby; type /help for commands"

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

/* Send line from c and want exactly reply (a body) as c's next line. */
static void
reply(struct conn *c, const char *line, const char *want)
{
	conn_send(c, line);
	ck_assert_msg(conn_next_is(c, want, WAIT), "after %s", line);
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
	struct srv s;
	struct conn *a, *b;
	char want[64], *l, *nl;

	srv_start_ok(&s, args);
	/* -p 0: the log names the real port, and it works. */
	snprintf(want, sizeof want, "info listening on 127.0.0.1:%d\n", s.port);
	ck_assert_msg(strstr(s.log, want) != NULL, "log: %s", s.log);
	ck_assert_int_ne(s.port, 0);
	a = login_ok(s.port, "alice");
	b = login_ok(s.port, "bob");
	ck_assert(conn_expect(a, "is now known as bob", NULL, 0, WAIT));
	ck_assert(srv_log_has(&s,
	    "info client 1 connected from 127.0.0.1 as "
	    "guest1\n",
	    WAIT));
	/* Message contents are not logged. */
	conn_send(a,
	    "xyzzy-room-secret\n/me xyzzy-action\n"
	    "/msg bob xyzzy-private\n");
	ck_assert(conn_expect(b, "xyzzy-private", NULL, 0, WAIT));
	ck_assert(conn_expect(a, "-> *bob* xyzzy-private", NULL, 0, WAIT));
	conn_close(a);
	ck_assert(srv_log_has(&s,
	    "info client 1 (alice) disconnected: "
	    "connection closed\n",
	    WAIT));
	conn_close(b);
	srv_stop_ok(&s);
	ck_assert_msg(
	    strstr(s.log, "xyzzy") == NULL, "content logged: %s", s.log);
	for (l = s.log; *l != '\0'; l = nl + 1) {
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

START_TEST(test_quiet_option)
{
	const char *args[] = { "-p", "0", "-b", "127.0.0.1", "-q", NULL };
	struct srv s;

	ck_assert_int_eq(srv_spawn(&s, args), 0);
	srv_read_log(&s, 500);
	ck_assert_msg(s.pid > 0 && kill(s.pid, 0) == 0, "-q: %s", s.log);
	srv_stop_ok(&s);
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

/*
 * Clients in three rooms, and one that never reads with 500 KB queued for
 * it; send sig: every client that reads hears the shutdown and is closed,
 * and chatd exits 0 without waiting long for the deaf one.
 */
static void
shutdown_by(int sig)
{
	const char *args[] = { "--rate", "0", NULL };
	struct srv s;
	struct conn *a, *b, *c, *d, *deaf;
	char *big, line[512];
	long t0;
	int st, i;

	srv_start_ok(&s, args);
	deaf = open_deaf(s.port);
	conn_send(deaf, "/join flood\n");
	a = login_ok(s.port, "alice");
	conn_send(a, "/join flood\n");
	ck_assert(conn_expect(a, "-!- alice has joined #flood", NULL, 0, WAIT));
	c = login_ok(s.port, "carol");
	conn_send(c, "/join dev\n");
	ck_assert(conn_expect(c, "-!- carol has joined #dev", NULL, 0, WAIT));
	b = login_ok(s.port, "bob");
	big = malloc(500 * 1001 + 1);
	memset(big, 'y', 500 * 1001);
	for (i = 1000; i < 500 * 1001; i += 1001)
		big[i] = '\n';
	big[500 * 1001] = '\0';
	conn_send(a, big);
	free(big);
	/* Its reply means all of big has been through chatd. */
	conn_send(a, "/who\n");
	ck_assert(conn_expect(a, "-!- 2 users in #flood: ", NULL, 0, WAIT));
	t0 = harness_now_ms();
	kill(s.pid, sig);
	ck_assert(conn_next_is(b, "-!- server shutting down", WAIT));
	/* No longer accepting: a newcomer is refused or closed unwelcomed. */
	if ((d = conn_open(s.port)) != NULL) {
		ck_assert_msg(conn_line(d, line, sizeof line, WAIT) < 0,
		    "during shutdown a new client got: %s", line);
		conn_close(d);
	}
	st = srv_stop(&s, 0);
	ck_assert_msg(harness_now_ms() - t0 < 8000, "shutdown took %ld ms",
	    harness_now_ms() - t0);
	ck_assert_msg(st == 0, "exit %d after signal %d: %s", st, sig, s.log);
	ck_assert(conn_next_is(a, "-!- server shutting down", WAIT));
	ck_assert(conn_next_is(c, "-!- server shutting down", WAIT));
	ck_assert(conn_eof(a, WAIT));
	ck_assert(conn_eof(b, WAIT));
	ck_assert(conn_eof(c, WAIT));
	conn_close(a);
	conn_close(b);
	conn_close(c);
	conn_close(deaf);
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
	struct srv s;
	struct conn *a, *b;
	char *p;
	int i;

	srv_start_ok(&s, NULL);
	a = login_ok(s.port, "alice");
	b = login_ok(s.port, "bob");
	reply(b, "/join dev\n", "-!- bob has joined #dev");
	conn_close(login_ok(s.port, "gone"));
	ck_assert(srv_log_has(&s, "(gone) disconnected", WAIT));
	kill(s.pid, SIGUSR1);
	ck_assert(srv_log_has(&s, " info stats: ", WAIT));
	ck_assert(srv_log_has(&s, "shutdown=", WAIT));
	p = strstr(s.log, " info stats: ");
	if (strchr(p, '\n') != NULL)
		*strchr(p, '\n') = '\0';
	for (i = 0; fields[i] != NULL; i++)
		ck_assert_msg(
		    strstr(p, fields[i]) != NULL, "no %s in: %s", fields[i], p);
	/* It goes on serving. */
	conn_send(a, "/msg bob after stats\n");
	ck_assert(conn_next_is(b, "*alice* after stats", WAIT));
	conn_close(a);
	conn_close(b);
	srv_stop_ok(&s);
}
END_TEST

/* Connect to a server with a password and read the welcome; N of guestN
 * goes to *guest. */
static struct conn *
open_locked(int port, int *guest)
{
	struct conn *c = conn_open(port);
	char line[512];

	ck_assert_ptr_nonnull(c);
	conn_send(c, "\n"); /* plain text now, not after 500 ms (chatd-v2 §1) */
	ck_assert_int_ge(conn_line(c, line, sizeof line, WAIT), 0);
	ck_assert_msg(line_body(line) != NULL &&
		sscanf(line_body(line), "-!- welcome to chatd, guest%d",
		    guest) == 1 &&
		strstr(line, PW_NEEDED) != NULL,
	    "welcome: %s", line);
	return c;
}

START_TEST(test_password_env)
{
	const char *locked[] = { "hello\n", "/who\n", "/rooms\n", "/join dev\n",
		"/me waves\n", "/msg member hi\n", "//slash\n", "/xyz\n",
		NULL };
	struct srv s;
	struct conn *m, *u;
	char want[128];
	int g, i;

	setenv("CHATD_PASSWORD", "s3cret", 1);
	srv_start_ok(&s, NULL);
	m = open_locked(s.port, &g);
	reply(m, "/pass s3cret\n", PW_ACCEPTED);
	reply(m, "/nick member\n", "-!- guest1 is now known as member");
	u = open_locked(s.port, &g);
	for (i = 0; locked[i] != NULL; i++)
		reply(u, locked[i], PW_REQUIRED);
	reply(u, "/help\n", "-!- commands:");
	ck_assert(conn_expect(u, "/pass", NULL, 0, WAIT));
	while (conn_line(u, NULL, 0, QUIET) >= 0)
		;
	snprintf(want, sizeof want, "-!- guest%d is now known as newbie", g);
	reply(u, "/nick newbie\n", want);
	/* Not in any room, not reachable. */
	ck_assert(conn_quiet(m, QUIET));
	reply(m, "/who\n", "-!- 1 user in #lobby: @member");
	reply(m, "/msg newbie hi\n", "-!- error: no such nick newbie");
	conn_send(m, "for members only\n");
	ck_assert(conn_quiet(u, QUIET));
	reply(u, "/pass\n", "-!- error: usage: /pass PASSWORD");
	reply(u, "/pass s3cre\n", "-!- error: wrong password");
	reply(u, "/pass s3cret\n", PW_ACCEPTED);
	ck_assert(conn_next_is(m, "-!- newbie has joined #lobby", WAIT));
	reply(u, "/pass s3cret\n", "-!- error: already authenticated");
	conn_send(u, "hi all\n");
	ck_assert(conn_next_is(m, "<newbie> hi all", WAIT));
	reply(m, "/who\n", "-!- 2 users in #lobby: @member, newbie");
	conn_close(m);
	conn_close(u);
	srv_stop_ok(&s);
}
END_TEST

START_TEST(test_password_closes)
{
	const char *args[] = { "--login-timeout", "1", NULL };
	struct srv s;
	struct conn *m, *u, *t, *q;
	int g;

	setenv("CHATD_PASSWORD", "pw", 1);
	srv_start_ok(&s, args);
	m = open_locked(s.port, &g);
	reply(m, "/pass pw\n", PW_ACCEPTED);
	t = open_locked(s.port, &g);
	u = open_locked(s.port, &g);
	q = open_locked(s.port, &g);
	reply(q, "/quit\n", "-!- bye");
	ck_assert(conn_eof(q, WAIT));
	reply(u, "/pass a\n", "-!- error: wrong password");
	reply(u, "/pass b\n", "-!- error: wrong password");
	reply(u, "/pass c\n", "-!- error: wrong password, closing connection");
	ck_assert(conn_eof(u, WAIT));
	/* t said nothing: gone after the login timeout, m stays. */
	ck_assert(conn_next_is(t, "-!- error: login timeout", WAIT));
	ck_assert(conn_eof(t, WAIT));
	/* They were never in the room. */
	ck_assert(conn_quiet(m, QUIET));
	reply(m, "/who\n", "-!- 1 user in #lobby: @guest1");
	conn_close(m);
	conn_close(t);
	conn_close(u);
	conn_close(q);
	srv_stop_ok(&s);
}
END_TEST

START_TEST(test_password_file)
{
	char path[64];
	const char *args[] = { "--password-file", path, NULL };
	struct srv s;
	struct conn *u;
	FILE *f;
	int g;

	snprintf(path, sizeof path, "/tmp/chatd-test-pw.%d", (int)getpid());
	ck_assert_ptr_nonnull(f = fopen(path, "w"));
	fputs("filepw\n", f);
	fclose(f);
	srv_start_ok(&s, args);
	u = open_locked(s.port, &g);
	reply(u, "hello\n", PW_REQUIRED);
	reply(u, "/pass filepw\n", PW_ACCEPTED);
	conn_close(u);
	srv_stop_ok(&s);
	unlink(path);
}
END_TEST

START_TEST(test_unix_socket)
{
	struct sockaddr_un sun;
	char path[64], want[128];
	const char *args[] = { "--unix", path, NULL };
	struct srv s;
	struct conn *u, *t;
	int fd;

	snprintf(path, sizeof path, "/tmp/chatd-test.%d.sock", (int)getpid());
	/* A stale socket file from an earlier run is replaced. */
	memset(&sun, 0, sizeof sun);
	sun.sun_family = AF_UNIX;
	strcpy(sun.sun_path, path);
	unlink(path);
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	ck_assert_int_eq(bind(fd, (struct sockaddr *)&sun, sizeof sun), 0);
	close(fd);
	srv_start_ok(&s, args);
	snprintf(want, sizeof want, "info listening on unix:%s\n", path);
	ck_assert(srv_log_has(&s, want, WAIT));
	u = conn_open_unix(path);
	ck_assert_ptr_nonnull(u);
	ck_assert(
	    conn_expect(u, "you are in #lobby; type /help", NULL, 0, WAIT));
	reply(u, "/nick local\n", "-!- guest1 is now known as local");
	t = login_ok(s.port, "remote");
	ck_assert(conn_expect(u, "is now known as remote", NULL, 0, WAIT));
	conn_send(u, "over unix\n");
	ck_assert(conn_next_is(t, "<local> over unix", WAIT));
	conn_send(t, "over tcp\n");
	ck_assert(conn_next_is(u, "<remote> over tcp", WAIT));
	reply(u, "/who\n", "-!- 2 users in #lobby: @local, remote");
	reply(u, "/quit\n", "-!- bye");
	ck_assert(conn_eof(u, WAIT));
	ck_assert(conn_next_is(t, "-!- local has quit (bye)", WAIT));
	conn_close(u);
	conn_close(t);
	srv_stop_ok(&s);
	unlink(path);
}
END_TEST

START_TEST(test_ipv6_loopback)
{
	const char *args[] = { "-p", "0", "-b", "::1", NULL };
	struct sockaddr_in6 sin6;
	struct srv s;
	struct conn *a, *b;
	int fd, ok;

	memset(&sin6, 0, sizeof sin6);
	sin6.sin6_family = AF_INET6;
	sin6.sin6_addr = in6addr_loopback;
	fd = socket(AF_INET6, SOCK_STREAM, 0);
	ok = fd != -1 && bind(fd, (struct sockaddr *)&sin6, sizeof sin6) == 0;
	if (fd != -1)
		close(fd);
	if (!ok) {
		fprintf(stderr,
		    "test_ipv6_loopback: no IPv6 loopback, "
		    "skipped\n");
		return;
	}
	ck_assert_int_eq(srv_spawn(&s, args), 0);
	ck_assert_msg(srv_log_has(&s, "info listening on [::1]:", 10000),
	    "log: %s", s.log);
	s.port = atoi(strstr(s.log, "[::1]:") + 6);
	ck_assert_ptr_nonnull(a = conn_open6(s.port));
	ck_assert(conn_expect(a, "/help", NULL, 0, WAIT));
	ck_assert_ptr_nonnull(b = conn_open6(s.port));
	ck_assert(conn_expect(b, "/help", NULL, 0, WAIT));
	ck_assert(conn_expect(a, "has joined #lobby", NULL, 0, WAIT));
	conn_send(b, "/nick six\nover v6\n");
	ck_assert(conn_next_is(a, "-!- guest2 is now known as six", WAIT));
	ck_assert(conn_next_is(a, "<six> over v6", WAIT));
	ck_assert(srv_log_has(&s, "connected from ::1 as guest2", WAIT));
	conn_close(a);
	conn_close(b);
	srv_stop_ok(&s);
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
	tcase_add_test(tc, test_log);
	tcase_add_test(tc, test_version_help);
	tcase_add_test(tc, test_quiet_option);
	tcase_add_test(tc, test_sigterm);
	tcase_add_test(tc, test_sigint);
	tcase_add_test(tc, test_sigusr1_stats);
	tcase_add_test(tc, test_password_env);
	tcase_add_test(tc, test_password_closes);
	tcase_add_test(tc, test_password_file);
	tcase_add_test(tc, test_unix_socket);
	tcase_add_test(tc, test_ipv6_loopback);
	suite_add_tcase(s, tc);
	return s;
}
