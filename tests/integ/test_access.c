/* test_access.c: reaching chatd: passwords, the login timeout, Unix, IPv6. */
#define _DEFAULT_SOURCE
#include <sys/socket.h>
#include <sys/un.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check_main.h"
#include "fixture.h"
#include "harness.h"

#define WAIT  5000 /* ms: generous bound for anything to arrive */
#define QUIET 300  /* ms: how long "nothing more arrives" is watched */

#define PW_NEEDED   "! this server needs a password: /pass PASSWORD"
#define PW_REQUIRED "-!- error: password required (/pass PASSWORD)"
#define PW_ACCEPTED \
	"-!- password accepted; you are in #lobby; type /help for commands"

/* Send line from c and want exactly reply (a body) as c's next line. */
static void
reply(struct conn *c, const char *line, const char *want)
{
	conn_send(c, line);
	ck_assert_msg(conn_next_is(c, want, WAIT), "after %s", line);
}

/* Connect to a server with a password and read the welcome; N of guestN
 * goes to *guest. The fixture closes the connection. */
static struct conn *
open_locked(struct fx *fx, int *guest)
{
	struct conn *c = fx_open(fx);
	char line[512];

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
	struct fx fx;
	struct conn *m, *u;
	char want[128];
	int g, i;

	setenv("CHATD_PASSWORD", "s3cret", 1);
	fx_start(&fx, NULL, NULL);
	m = open_locked(&fx, &g);
	reply(m, "/pass s3cret\n", PW_ACCEPTED);
	reply(m, "/nick member\n", "-!- guest1 is now known as member");
	u = open_locked(&fx, &g);
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
	/* What the members said before it came (history-v1 §2). */
	ck_assert(conn_next_is(u, "-!- last 1 message in #lobby:", WAIT));
	ck_assert(conn_next_is(u, "<member> for members only", WAIT));
	ck_assert(conn_next_is(u, "-!- end of history", WAIT));
	reply(u, "/pass s3cret\n", "-!- error: already authenticated");
	conn_send(u, "hi all\n");
	ck_assert(conn_next_is(m, "<newbie> hi all", WAIT));
	reply(m, "/who\n", "-!- 2 users in #lobby: @member, newbie");
	fx_stop(&fx);
}
END_TEST

START_TEST(test_password_closes)
{
	const char *args[] = { "--login-timeout", "1", NULL };
	struct fx fx;
	struct conn *m, *u, *t, *q;
	int g;

	setenv("CHATD_PASSWORD", "pw", 1);
	fx_start(&fx, args, NULL);
	m = open_locked(&fx, &g);
	reply(m, "/pass pw\n", PW_ACCEPTED);
	t = open_locked(&fx, &g);
	u = open_locked(&fx, &g);
	q = open_locked(&fx, &g);
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
	fx_stop(&fx);
}
END_TEST

/*
 * --login-timeout S: a connection that never gives the password is
 * closed no sooner than S seconds after it connected (chatd-v2 §5) and
 * not much later: a margin for a busy machine. Two connections, half a
 * second apart, each with its own deadline. With S = 3, a timeout twice
 * as long, or half as long, is out of bounds.
 */
START_TEST(test_login_timeout_bounds)
{
	const char *args[] = { "--login-timeout", "3", NULL };
	const long s_ms = 3000, late_ms = s_ms + 1700;
	struct fx fx;
	struct conn *t[2];
	long t0[2], took;
	int g, i;

	setenv("CHATD_PASSWORD", "pw", 1);
	fx_start(&fx, args, NULL);
	for (i = 0; i < 2; i++) {
		if (i > 0)
			usleep(500000);
		t0[i] = harness_now_ms();
		t[i] = open_locked(&fx, &g);
	}
	for (i = 0; i < 2; i++) {
		ck_assert(conn_next_is(
		    t[i], "-!- error: login timeout", (int)(late_ms + WAIT)));
		took = harness_now_ms() - t0[i];
		ck_assert_msg(took >= s_ms && took <= late_ms,
		    "closed %ld ms after connecting, with --login-timeout 3 "
		    "(want %ld to %ld)",
		    took, s_ms, late_ms);
		ck_assert(conn_eof(t[i], WAIT));
	}
	fx_stop(&fx);
}
END_TEST

START_TEST(test_password_file)
{
	char path[64];
	const char *args[] = { "--password-file", path, NULL };
	struct fx fx;
	struct conn *u;
	FILE *f;
	int g;

	snprintf(path, sizeof path, "/tmp/chatd-test-pw.%d", (int)getpid());
	ck_assert_ptr_nonnull(f = fopen(path, "w"));
	fputs("filepw\n", f);
	fclose(f);
	fx_start(&fx, args, NULL);
	u = open_locked(&fx, &g);
	reply(u, "hello\n", PW_REQUIRED);
	reply(u, "/pass filepw\n", PW_ACCEPTED);
	fx_stop(&fx);
	unlink(path);
}
END_TEST

START_TEST(test_unix_socket)
{
	struct sockaddr_un sun;
	char path[64], want[128];
	const char *args[] = { "--unix", path, NULL };
	struct fx fx;
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
	fx_start(&fx, args, NULL);
	snprintf(want, sizeof want, "info listening on unix:%s\n", path);
	ck_assert(srv_log_has(&fx.srv, want, WAIT));
	u = fx_adopt(&fx, conn_open_unix(path));
	ck_assert(
	    conn_expect(u, "you are in #lobby; type /help", NULL, 0, WAIT));
	reply(u, "/nick local\n", "-!- guest1 is now known as local");
	t = fx_login(&fx, "remote");
	ck_assert(conn_expect(u, "is now known as remote", NULL, 0, WAIT));
	conn_send(u, "over unix\n");
	ck_assert(conn_next_is(t, "<local> over unix", WAIT));
	conn_send(t, "over tcp\n");
	ck_assert(conn_next_is(u, "<remote> over tcp", WAIT));
	reply(u, "/who\n", "-!- 2 users in #lobby: @local, remote");
	reply(u, "/quit\n", "-!- bye");
	ck_assert(conn_eof(u, WAIT));
	ck_assert(conn_next_is(t, "-!- local has quit (bye)", WAIT));
	fx_stop(&fx);
	unlink(path);
}
END_TEST

START_TEST(test_ipv6_loopback)
{
	const char *args[] = { "-p", "0", "-b", "::1", NULL };
	struct srv s;
	struct conn *a, *b;

	TEST_NEED(test_have_ipv6(), "an IPv6 loopback");
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
	Suite *s = suite_create("integ_access");
	TCase *tc = tcase_create("access");

	tcase_set_timeout(tc, TEST_TIMEOUT);
	tcase_add_test(tc, test_password_env);
	tcase_add_test(tc, test_password_closes);
	tcase_add_test(tc, test_login_timeout_bounds);
	tcase_add_test(tc, test_password_file);
	tcase_add_test(tc, test_unix_socket);
	tcase_add_test(tc, test_ipv6_loopback);
	suite_add_tcase(s, tc);
	return s;
}
