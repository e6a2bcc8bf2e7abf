/* test_client.c: the real bin/chat on pipes against chatd (and a fake one). */
#define _DEFAULT_SOURCE
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>

#include "chatrun.h"
#include "check_main.h"
#include "fixture.h"
#include "harness.h"
#include "net.h"

START_TEST(test_pipe_both_ways)
{
	struct proc *p = malloc(sizeof *p);
	struct fx fx;
	struct conn *bob;
	const char *args[] = { "-n", "alice", "127.0.0.1", NULL, NULL };

	fx_start(&fx, NULL, FX_USERS({ "bob", &bob }));
	args[3] = chatrun_port_str(fx.port);
	proc_start(p, args);
	ck_assert(conn_expect(
	    bob, "is now known as alice", NULL, 0, CHATRUN_WAIT_MS));
	proc_send(p, "hello from a pipe\n");
	ck_assert(conn_expect(
	    bob, "<alice> hello from a pipe", NULL, 0, CHATRUN_WAIT_MS));
	ck_assert(conn_send(bob, "hi alice\n") == 0);
	ck_assert(proc_wait(p, 0, "] <bob> hi alice\n", 0) != NULL);
	close(p->in);
	p->in = -1;
	ck_assert(conn_expect(bob, "alice has quit", NULL, 0, CHATRUN_WAIT_MS));
	ck_assert_int_eq(proc_exit(p), 0);
	ck_assert(strstr(p->obuf, "\033") == NULL); /* no colour, no prompt */
	proc_close(p);
	free(p);
	fx_stop(&fx);
}
END_TEST

/* Many lines at once, the last without its LF: all arrive, in order. */
START_TEST(test_pipe_loses_nothing)
{
	const char *sargs[] = { "--rate", "0", NULL };
	const char *args[] = { "127.0.0.1", NULL, NULL };
	struct proc *p = malloc(sizeof *p);
	struct fx fx;
	struct conn *bob;
	char line[64], want[64];
	int i, n = 3000;

	fx_start(&fx, sargs, FX_USERS({ "bob", &bob }));
	args[1] = chatrun_port_str(fx.port);
	proc_start(p, args);
	for (i = 0; i < n; i++) {
		snprintf(
		    line, sizeof line, i < n - 1 ? "line %d\n" : "line %d", i);
		proc_send(p, line);
	}
	close(p->in);
	p->in = -1;
	for (i = 0; i < n; i++) {
		snprintf(want, sizeof want, "> line %d", i);
		ck_assert_int_ge(
		    conn_line(bob, line, sizeof line, CHATRUN_WAIT_MS), 0);
		if (strstr(line, "has joined") != NULL) {
			i--;
			continue;
		}
		ck_assert_msg(strstr(line, want) != NULL &&
			strlen(strstr(line, want)) == strlen(want),
		    "got %s, want %s", line, want);
	}
	ck_assert(conn_expect(bob, "has quit", NULL, 0, CHATRUN_WAIT_MS));
	ck_assert_int_eq(proc_exit(p), 0);
	proc_close(p);
	free(p);
	fx_stop(&fx);
}
END_TEST

START_TEST(test_exec)
{
	const char *args[] = { "-n", "deploy", "-e", "build 42 is green", "-e",
		"/me deploys", "-e", "third", NULL, NULL };
	struct proc *p = malloc(sizeof *p);
	struct fx fx;
	struct conn *bob;
	char hp[64];

	fx_start(&fx, NULL, FX_USERS({ "bob", &bob }));
	snprintf(hp, sizeof hp, "127.0.0.1:%d", fx.port);
	args[8] = hp;
	proc_start(p, args);
	ck_assert(conn_expect(
	    bob, "<deploy> build 42 is green", NULL, 0, CHATRUN_WAIT_MS));
	ck_assert(
	    conn_expect(bob, "* deploy deploys", NULL, 0, CHATRUN_WAIT_MS));
	ck_assert(conn_expect(bob, "<deploy> third", NULL, 0, CHATRUN_WAIT_MS));
	ck_assert(conn_expect(
	    bob, "deploy has quit (bye)", NULL, 0, CHATRUN_WAIT_MS));
	ck_assert_int_eq(proc_exit(p), 0);
	ck_assert_uint_eq(p->olen, 0); /* a notifier prints nothing */
	ck_assert_uint_eq(p->elen, 0);
	proc_close(p);
	free(p);
	fx_stop(&fx);
}
END_TEST

/* -e reports the server's errors on stderr and still quits with 0. */
START_TEST(test_exec_error_shown)
{
	const char *args[] = { "-e", "/nosuch", "127.0.0.1", NULL, NULL };
	struct proc *p = malloc(sizeof *p);
	struct fx fx;

	fx_start(&fx, NULL, NULL);
	args[3] = chatrun_port_str(fx.port);
	proc_start(p, args);
	ck_assert_int_eq(proc_exit(p), 0);
	ck_assert(
	    strstr(p->ebuf, "-!- error: unknown command /nosuch") != NULL);
	proc_close(p);
	free(p);
	fx_stop(&fx);
}
END_TEST

START_TEST(test_refused)
{
	const char *cause;
	const char *args[] = { NULL, NULL };
	struct proc *p = malloc(sizeof *p);
	char name[NET_ADDRSTRLEN], want[128], hp[64];
	int fd, port;

	/* A port that was free a moment ago: nothing listens there. */
	ck_assert((fd = net_listen_tcp("127.0.0.1", "0", 1, &cause)) != -1);
	ck_assert(net_local_name(fd, name, sizeof name) == 0);
	port = atoi(strrchr(name, ':') + 1);
	close(fd);
	snprintf(hp, sizeof hp, "127.0.0.1:%d", port);
	args[0] = hp;
	proc_start(p, args);
	ck_assert_int_eq(proc_exit(p), 1);
	snprintf(want, sizeof want,
	    "chat: cannot connect to 127.0.0.1 port "
	    "%d: Connection refused\n",
	    port);
	ck_assert_str_eq(p->ebuf, want);
	ck_assert_uint_eq(p->olen, 0);
	proc_close(p);
	free(p);
}
END_TEST

static void
check_usage(const char *const *args)
{
	struct proc *p = malloc(sizeof *p);
	char *nl;

	proc_start(p, args);
	ck_assert_int_eq(proc_exit(p), 2);
	ck_assert_msg(strncmp(p->ebuf, "chat: ", 6) == 0, "%s", p->ebuf);
	ck_assert((nl = strchr(p->ebuf, '\n')) != NULL);
	ck_assert_msg(strncmp(nl + 1, "usage: chat ", 12) == 0, "%s", p->ebuf);
	ck_assert(strchr(nl + 1, '\n')[1] == '\0'); /* two lines */
	proc_close(p);
	free(p);
}

START_TEST(test_usage)
{
	const char *a1[] = { "-x", NULL };
	const char *a2[] = { "a", "b", "c", NULL };
	const char *a3[] = { "localhost", "99999", NULL };
	const char *a4[] = { "localhost:1", "2", NULL };
	const char *a5[] = { "-n", NULL };
	const char *a6[] = { "-n", "9bad", NULL };
	const char *a7[] = { "--bogus", NULL };
	const char *a8[] = { "localhost:port", NULL };

	check_usage(a1);
	check_usage(a2);
	check_usage(a3);
	check_usage(a4);
	check_usage(a5);
	check_usage(a6);
	check_usage(a7);
	check_usage(a8);
}
END_TEST

START_TEST(test_help_version)
{
	const char *a1[] = { "--help", NULL };
	const char *a2[] = { "-V", NULL };
	struct proc *p = malloc(sizeof *p);

	proc_start(p, a1);
	ck_assert_int_eq(proc_exit(p), 0);
	ck_assert(strncmp(p->obuf, "usage: chat", 11) == 0);
	proc_close(p);
	proc_start(p, a2);
	ck_assert_int_eq(proc_exit(p), 0);
	ck_assert(strncmp(p->obuf, "chat ", 5) == 0);
	proc_close(p);
	free(p);
}
END_TEST

START_TEST(test_server_shutdown)
{
	const char *args[] = { "127.0.0.1", NULL, NULL };
	struct proc *p = malloc(sizeof *p);
	struct fx fx;

	fx_start(&fx, NULL, NULL);
	args[1] = chatrun_port_str(fx.port);
	proc_start(p, args);
	ck_assert(proc_wait(p, 0, "/help", 0) != NULL);
	ck_assert_int_eq(srv_stop(&fx.srv, SIGTERM), 0);
	ck_assert_int_eq(proc_exit(p), 1);
	ck_assert_str_eq(p->ebuf, "-!- disconnected: server shutting down\n");
	ck_assert(strstr(p->obuf, "-!- server shutting down\n") != NULL);
	proc_close(p);
	free(p);
	fx_stop(&fx);
}
END_TEST

START_TEST(test_server_full)
{
	const char *sargs[] = { "-m", "1", NULL };
	const char *args[] = { "127.0.0.1", NULL, NULL };
	struct proc *p = malloc(sizeof *p);
	struct fx fx;

	fx_start(&fx, sargs, NULL);
	fx_adopt(&fx, conn_login(fx.port, NULL));
	args[1] = chatrun_port_str(fx.port);
	proc_start(p, args);
	ck_assert_int_eq(proc_exit(p), 1);
	ck_assert_str_eq(p->ebuf, "-!- disconnected: server full\n");
	proc_close(p);
	free(p);
	fx_stop(&fx);
}
END_TEST

START_TEST(test_control_chars_and_close)
{
	const char *args[] = { NULL, NULL };
	struct proc *p = malloc(sizeof *p);
	char hp[64];
	int lfd, cfd, port;

	lfd = fake_listen(&port);
	snprintf(hp, sizeof hp, "127.0.0.1:%d", port);
	args[0] = hp;
	proc_start(p, args);
	ck_assert((cfd = fake_accept(lfd)) != -1);
	ck_assert(write(cfd, FAKE_EVIL, strlen(FAKE_EVIL)) > 0);
	ck_assert(write(cfd, "no newline at the end", 21) == 21);
	close(cfd);
	ck_assert_int_eq(proc_exit(p), 1);
	ck_assert_str_eq(p->obuf,
	    "[12:00:00] <mallory> a]0;titleb[31mred\n"
	    "no newline at the end\n");
	ck_assert_str_eq(
	    p->ebuf, "-!- disconnected: server closed the connection\n");
	close(lfd);
	proc_close(p);
	free(p);
}
END_TEST

/* After /quit, chat waits for the server to close as long as lines keep
 * coming: a server still sending its backlog loses nothing, even past the
 * few seconds chat waits for a silent one. */
START_TEST(test_quit_waits_while_lines_arrive)
{
	const char *args[] = { NULL, NULL };
	struct proc *p = malloc(sizeof *p);
	char hp[64], got[256] = "", line[64];
	size_t have = 0;
	ssize_t n;
	int lfd, cfd, port, i;

	lfd = fake_listen(&port);
	snprintf(hp, sizeof hp, "127.0.0.1:%d", port);
	args[0] = hp;
	proc_start(p, args);
	close(p->in); /* EOF on stdin: chat sends /quit */
	p->in = -1;
	ck_assert((cfd = fake_accept(lfd)) != -1);
	while (strstr(got, "/quit\n") == NULL) {
		struct pollfd pfd = { .fd = cfd, .events = POLLIN };

		ck_assert_int_eq(poll(&pfd, 1, CHATRUN_WAIT_MS), 1);
		n = read(cfd, got + have, sizeof got - 1 - have);
		ck_assert_int_gt(n, 0);
		have += (size_t)n;
		got[have] = '\0';
	}
	/* 8 lines, 0.8 s apart: the last comes well after 5 s. */
	for (i = 1; i <= 8; i++) {
		usleep(800 * 1000);
		snprintf(line, sizeof line, "[12:00:00] <bob> line %d\n", i);
		ck_assert(write(cfd, line, strlen(line)) > 0);
	}
	ck_assert(write(cfd, "[12:00:00] -!- bye\n", 19) == 19);
	close(cfd);
	ck_assert_int_eq(proc_exit(p), 0);
	ck_assert_ptr_nonnull(strstr(p->obuf, "<bob> line 8\n"));
	ck_assert_ptr_nonnull(strstr(p->obuf, "-!- bye\n"));
	close(lfd);
	proc_close(p);
	free(p);
}
END_TEST

static struct conn *
login_with_password(struct fx *fx, const char *pass)
{
	struct conn *c = fx_open(fx);
	char cmd[64];

	snprintf(cmd, sizeof cmd, "/pass %s\n", pass);
	ck_assert(conn_send(c, cmd) == 0);
	ck_assert(
	    conn_expect(c, "password accepted", NULL, 0, CHATRUN_WAIT_MS));
	return c;
}

/* -P sends /pass before /nick and the lines, so they all count. */
START_TEST(test_password_file)
{
	char pwpath[] = "/tmp/chat-test-pw-XXXXXX";
	const char *sargs[] = { "--password-file", pwpath, NULL };
	const char *args[] = { "-P", pwpath, "-n", "alice", "-e", "hello",
		"127.0.0.1", NULL, NULL };
	struct proc *p = malloc(sizeof *p);
	struct fx fx;
	struct conn *bob;
	int fd;

	ck_assert((fd = mkstemp(pwpath)) != -1);
	ck_assert(write(fd, "s3cret\n", 7) == 7);
	close(fd);
	fx_start(&fx, sargs, NULL);
	bob = login_with_password(&fx, "s3cret");
	args[7] = chatrun_port_str(fx.port);
	proc_start(p, args);
	ck_assert(conn_expect(bob, "<alice> hello", NULL, 0, CHATRUN_WAIT_MS));
	ck_assert_int_eq(proc_exit(p), 0);
	ck_assert_uint_eq(p->elen, 0);
	unlink(pwpath);
	proc_close(p);
	free(p);
	fx_stop(&fx);
}
END_TEST

START_TEST(test_unix_socket)
{
	char path[64], hp[80];
	const char *sargs[] = { "--unix", path, NULL };
	const char *args[] = { "-n", "sock", "-e", "over unix", hp, NULL };
	struct proc *p = malloc(sizeof *p);
	struct fx fx;
	struct conn *bob;

	snprintf(path, sizeof path, "/tmp/chat-test-%d.sock", (int)getpid());
	snprintf(hp, sizeof hp, "unix:%s", path);
	fx_start(&fx, sargs, FX_USERS({ "bob", &bob }));
	proc_start(p, args);
	ck_assert(
	    conn_expect(bob, "<sock> over unix", NULL, 0, CHATRUN_WAIT_MS));
	ck_assert_int_eq(proc_exit(p), 0);
	proc_close(p);
	free(p);
	fx_stop(&fx);
	unlink(path);
}
END_TEST

Suite *
test_suite(void)
{
	Suite *s = suite_create("client");
	TCase *tc = tcase_create("chat");

	tcase_set_timeout(tc, TEST_TIMEOUT);
	tcase_add_test(tc, test_pipe_both_ways);
	tcase_add_test(tc, test_pipe_loses_nothing);
	tcase_add_test(tc, test_exec);
	tcase_add_test(tc, test_exec_error_shown);
	tcase_add_test(tc, test_refused);
	tcase_add_test(tc, test_usage);
	tcase_add_test(tc, test_help_version);
	tcase_add_test(tc, test_server_shutdown);
	tcase_add_test(tc, test_server_full);
	tcase_add_test(tc, test_control_chars_and_close);
	tcase_add_test(tc, test_quit_waits_while_lines_arrive);
	tcase_add_test(tc, test_password_file);
	tcase_add_test(tc, test_unix_socket);
	suite_add_tcase(s, tc);
	return s;
}
