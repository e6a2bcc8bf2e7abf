/*
 * test_client.c: the real bin/chat on pipes (chat-v2 §5) against a
 * scripted IRC server (tests/fakeirc.c). v2 speaks IRC: these are v1's
 * pipe-mode tests moved to v2's contract (IRC lines, own messages as
 * echoed, the end of input confirmed by PING/PONG before QUIT).
 */
#define _DEFAULT_SOURCE
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>

#include "chatrun.h"
#include "check_main.h"
#include "fakeirc.h"
#include "harness.h"
#include "net.h"
#include "proto.h"

static struct fakeirc f;
static struct proc *p;

static void
setup(void)
{
	fakeirc_start(&f);
	p = proc_new();
}

static void
teardown(void)
{
	proc_free(p);
	fakeirc_stop(&f);
}

/* chat with the NULL-terminated args, then "127.0.0.1 PORT" of the fake
 * server. */
static void
start_list(const char *const *args)
{
	const char *all[16];
	char port[16];
	size_t i = 0;

	while (i < 12 && args[i] != NULL) {
		all[i] = args[i];
		i++;
	}
	snprintf(port, sizeof port, "%d", f.port);
	all[i++] = "127.0.0.1";
	all[i++] = port;
	all[i] = NULL;
	proc_start(p, all);
}

static void
start(const char *a1, const char *a2, const char *a3, const char *a4)
{
	const char *args[] = { a1, a2, a3, a4, NULL };

	start_list(args);
}

/* The end of input: a PING that chat waits for, then its QUIT. */
static void
confirm_and_quit(void)
{
	char line[FAKEIRC_LINE_MAX];

	fakeirc_expect(&f, "PING ", line, sizeof line);
	fakeirc_send(&f, ":chatd PONG chatd %s", line + 5);
	fakeirc_expect(&f, "QUIT", NULL, 0);
	fakeirc_send(&f, "ERROR :Closing Link: Client Quit");
	fakeirc_drop(&f);
}

START_TEST(test_pipe_both_ways)
{
	char room[64];

	start("-n", "alice", NULL, NULL);
	fakeirc_welcome(&f, FAKEIRC_CHATD_CAPS, "@bob", room, sizeof room);
	ck_assert_str_eq(f.nick, "alice");
	ck_assert_str_eq(room, "#lobby");
	ck_assert(proc_wait(p, 0,
		      "] -!- welcome to chatd, alice! you are in #lobby; type "
		      "/help for commands\n",
		      0) != NULL);
	proc_send(p, "hello from a pipe\n");
	fakeirc_expect(&f, "PRIVMSG #lobby :hello from a pipe", NULL, 0);
	fakeirc_say(&f, "alice", "#lobby", "hello from a pipe"); /* the echo */
	ck_assert(proc_wait(p, 0, "] <alice> hello from a pipe\n", 0) != NULL);
	fakeirc_say(&f, "bob", "#lobby", "hi alice");
	ck_assert(proc_wait(p, 0, "] <bob> hi alice\n", 0) != NULL);
	fakeirc_send(&f, ":bob!bob@chatd PRIVMSG alice :ping");
	ck_assert(proc_wait(p, 0, "] *bob* ping\n", 0) != NULL);
	close(p->in);
	p->in = -1;
	confirm_and_quit();
	ck_assert_int_eq(proc_exit(p), 0);
	ck_assert(strstr(p->obuf, "\033") == NULL); /* no colour, no prompt */
	ck_assert(strstr(p->obuf, "\a") == NULL);
	ck_assert_str_eq(p->ebuf, "");
}
END_TEST

/* Many lines at once, the last without its LF, typed before the server
 * even answered: all go out, in order, after the JOIN. */
START_TEST(test_pipe_loses_nothing)
{
	char line[FAKEIRC_LINE_MAX], want[64], room[64];
	int i, n = 3000;

	start(NULL, NULL, NULL, NULL);
	for (i = 0; i < n; i++) {
		snprintf(
		    line, sizeof line, i < n - 1 ? "line %d\n" : "line %d", i);
		proc_send(p, line);
	}
	close(p->in);
	p->in = -1;
	fakeirc_welcome(&f, FAKEIRC_CHATD_CAPS, NULL, room, sizeof room);
	for (i = 0; i < n; i++) {
		snprintf(want, sizeof want, "PRIVMSG #lobby :line %d", i);
		ck_assert_int_eq(
		    fakeirc_line(&f, line, sizeof line, CHATRUN_WAIT_MS), 1);
		ck_assert_str_eq(line, want);
	}
	confirm_and_quit();
	ck_assert_int_eq(proc_exit(p), 0);
}
END_TEST

/* -e: one JOIN (of -r's room), the lines, one QUIT; nothing printed. */
START_TEST(test_exec)
{
	const char *args[] = { "-n", "deploy", "-r", "ops", "-e",
		"build 42 is green", "-e", "/me deploys", NULL };
	char room[64], line[FAKEIRC_LINE_MAX];

	start_list(args);
	fakeirc_welcome(&f, FAKEIRC_CHATD_CAPS, NULL, room, sizeof room);
	ck_assert_str_eq(room, "#ops");
	ck_assert_int_eq(
	    fakeirc_line(&f, line, sizeof line, CHATRUN_WAIT_MS), 1);
	ck_assert_str_eq(line, "PRIVMSG #ops :build 42 is green");
	ck_assert_int_eq(
	    fakeirc_line(&f, line, sizeof line, CHATRUN_WAIT_MS), 1);
	ck_assert_str_eq(line, "PRIVMSG #ops :\001ACTION deploys\001");
	ck_assert_int_eq(
	    fakeirc_line(&f, line, sizeof line, CHATRUN_WAIT_MS), 1);
	ck_assert(strncmp(line, "PING ", 5) == 0);
	fakeirc_send(&f, ":chatd PONG chatd %s", line + 5);
	ck_assert_int_eq(
	    fakeirc_line(&f, line, sizeof line, CHATRUN_WAIT_MS), 1);
	ck_assert_str_eq(line, "QUIT");
	fakeirc_send(&f, "ERROR :Closing Link: Client Quit");
	fakeirc_drop(&f);
	ck_assert_int_eq(proc_exit(p), 0);
	ck_assert_str_eq(p->obuf, ""); /* a notifier prints nothing */
	ck_assert_str_eq(p->ebuf, "");
}
END_TEST

/* -e's status says whether it worked: a local error or an error reply
 * (on stderr) make it 1. */
START_TEST(test_exec_errors)
{
	char room[64];

	start("-e", "/nosuch", "-e", "/msg zed hi");
	fakeirc_welcome(&f, FAKEIRC_CHATD_CAPS, NULL, room, sizeof room);
	fakeirc_expect(&f, "PRIVMSG zed :hi", NULL, 0);
	fakeirc_send(&f, ":chatd 401 %s zed :No such nick/channel", f.nick);
	confirm_and_quit();
	ck_assert_int_eq(proc_exit(p), 1);
	ck_assert(
	    strstr(p->ebuf,
		"-!- error: unknown command /nosuch (try /help)\n") != NULL);
	ck_assert(strstr(p->ebuf, "-!- error: no such nick zed\n") != NULL);
	ck_assert_str_eq(p->obuf, "");
}
END_TEST

START_TEST(test_refused)
{
	const char *cause;
	const char *args[] = { NULL, NULL };
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
	    "chat: cannot connect to 127.0.0.1 port %d: Connection refused\n",
	    port);
	ck_assert_str_eq(p->ebuf, want);
	ck_assert_uint_eq(p->olen, 0);
}
END_TEST

static void
check_usage(const char *const *args)
{
	char *nl;

	proc_close(p);
	proc_start(p, args);
	ck_assert_int_eq(proc_exit(p), 2);
	ck_assert_msg(strncmp(p->ebuf, "chat: ", 6) == 0, "%s", p->ebuf);
	ck_assert((nl = strchr(p->ebuf, '\n')) != NULL);
	ck_assert_msg(strncmp(nl + 1, "usage: chat ", 12) == 0, "%s", p->ebuf);
	ck_assert(strchr(nl + 1, '\n')[1] == '\0'); /* two lines */
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
	const char *a9[] = { "-r", "a.b", NULL };

	check_usage(a1);
	check_usage(a2);
	check_usage(a3);
	check_usage(a4);
	check_usage(a5);
	check_usage(a6);
	check_usage(a7);
	check_usage(a8);
	check_usage(a9);
}
END_TEST

START_TEST(test_help_version)
{
	const char *a1[] = { "--help", NULL };
	const char *a2[] = { "-V", NULL };

	proc_start(p, a1);
	ck_assert_int_eq(proc_exit(p), 0);
	ck_assert(strncmp(p->obuf, "usage: chat", 11) == 0);
	ck_assert(strstr(p->obuf, "--no-reconnect") != NULL);
	ck_assert(strstr(p->obuf, "--no-bell") != NULL);
	proc_close(p);
	proc_start(p, a2);
	ck_assert_int_eq(proc_exit(p), 0);
	ck_assert(strncmp(p->obuf, "chat ", 5) == 0);
}
END_TEST

/* Piped, a connection that drops is the end: exit 1, no reconnect. */
START_TEST(test_server_gone)
{
	char room[64];

	start(NULL, NULL, NULL, NULL);
	fakeirc_welcome(&f, FAKEIRC_CHATD_CAPS, NULL, room, sizeof room);
	ck_assert(proc_wait(p, 0, "-!- welcome", 0) != NULL);
	fakeirc_send(&f, ":chatd NOTICE %s :server shutting down", f.nick);
	fakeirc_send(&f, "ERROR :server shutting down");
	fakeirc_drop(&f);
	ck_assert_int_eq(proc_exit(p), 1);
	ck_assert_str_eq(p->ebuf, "-!- disconnected: server shutting down\n");
	ck_assert(strstr(p->obuf, "] -!- server shutting down\n") != NULL);
	ck_assert(!fakeirc_accepted(&f, 1500));
}
END_TEST

/* No control character from the server reaches stdout, even in an
 * unterminated last line. */
START_TEST(test_control_chars_and_close)
{
	char room[64];

	start(NULL, NULL, NULL, NULL);
	fakeirc_welcome(&f, FAKEIRC_CHATD_CAPS, NULL, room, sizeof room);
	fakeirc_send(&f,
	    "@time=2026-12-01T12:00:00.000Z :mallory!m@chatd "
	    "PRIVMSG #lobby :a\033]0;title\007b\033[31mred\x9b\xc2\x9b");
	ck_assert(
	    conn_send(f.c, ":chatd NOTICE x :no newline at the end") == 0);
	fakeirc_drop(&f);
	ck_assert_int_eq(proc_exit(p), 1);
	ck_assert(strstr(p->obuf,
		      "<mallory> a]0;titleb[31mred\xef\xbf\xbd\n") != NULL);
	ck_assert(strstr(p->obuf, "] -!- no newline at the end\n") != NULL);
	ck_assert(strchr(p->obuf, '\033') == NULL);
	ck_assert(strchr(p->obuf, '\007') == NULL);
	ck_assert_str_eq(
	    p->ebuf, "-!- disconnected: server closed the connection\n");
}
END_TEST

/* After the end of input chat waits for the confirmation as long as
 * lines keep coming, even past the 5 s it gives a silent server. */
START_TEST(test_finish_waits_while_lines_arrive)
{
	char room[64], line[FAKEIRC_LINE_MAX], text[32];
	int i;

	start(NULL, NULL, NULL, NULL);
	close(p->in);
	p->in = -1;
	fakeirc_welcome(&f, FAKEIRC_CHATD_CAPS, NULL, room, sizeof room);
	fakeirc_expect(&f, "PING ", line, sizeof line);
	for (i = 1; i <= 8; i++) {
		usleep(800 * 1000);
		snprintf(text, sizeof text, "line %d", i);
		fakeirc_say(&f, "bob", "#lobby", text);
	}
	fakeirc_send(&f, ":chatd PONG chatd %s", line + 5);
	fakeirc_expect(&f, "QUIT", NULL, 0);
	fakeirc_send(&f, "ERROR :Closing Link: Client Quit");
	fakeirc_drop(&f);
	ck_assert_int_eq(proc_exit(p), 0);
	ck_assert_ptr_nonnull(strstr(p->obuf, "<bob> line 8\n"));
	ck_assert_ptr_nonnull(strstr(p->obuf, "-!- bye\n"));
}
END_TEST

/* No confirmation at all: chat still ends, within about 5 s, with 0. */
START_TEST(test_finish_bounded)
{
	char room[64];
	long t0;

	start(NULL, NULL, NULL, NULL);
	close(p->in);
	p->in = -1;
	fakeirc_welcome(&f, FAKEIRC_CHATD_CAPS, NULL, room, sizeof room);
	t0 = harness_now_ms();
	fakeirc_expect(&f, "PING ", NULL, 0);
	ck_assert_int_eq(proc_exit(p), 0);
	ck_assert_int_lt(harness_now_ms() - t0, CHAT_QUIT_WAIT_MS + 2000);
}
END_TEST

/* Without echo-message chat prints what it sent itself. */
START_TEST(test_no_echo_printed_locally)
{
	char room[64];

	start("-n", "alice", NULL, NULL);
	fakeirc_welcome(
	    &f, "server-time message-tags", NULL, room, sizeof room);
	proc_send(p, "hello\n/msg bob psst\n");
	fakeirc_expect(&f, "PRIVMSG #lobby :hello", NULL, 0);
	ck_assert(proc_wait(p, 0, "] <alice> hello\n", 0) != NULL);
	ck_assert(proc_wait(p, 0, "] -> *bob* psst\n", 0) != NULL);
	close(p->in);
	p->in = -1;
	confirm_and_quit();
	ck_assert_int_eq(proc_exit(p), 0);
}
END_TEST

Suite *
test_suite(void)
{
	Suite *s = suite_create("client");
	TCase *tc = tcase_create("chat");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, TEST_TIMEOUT);
	tcase_add_test(tc, test_pipe_both_ways);
	tcase_add_test(tc, test_pipe_loses_nothing);
	tcase_add_test(tc, test_exec);
	tcase_add_test(tc, test_exec_errors);
	tcase_add_test(tc, test_refused);
	tcase_add_test(tc, test_usage);
	tcase_add_test(tc, test_help_version);
	tcase_add_test(tc, test_server_gone);
	tcase_add_test(tc, test_control_chars_and_close);
	tcase_add_test(tc, test_finish_waits_while_lines_arrive);
	tcase_add_test(tc, test_finish_bounded);
	tcase_add_test(tc, test_no_echo_printed_locally);
	suite_add_tcase(s, tc);
	return s;
}
