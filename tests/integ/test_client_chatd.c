/*
 * test_client_chatd.c: bin/chat against the real bin/chatd, which it
 * reaches over IRC (irc-v1.md): plain-text and chat users in one room,
 * -e as the room sees it, a taken nick, passwords, shutdown, a Unix
 * socket, and the restart test of chat-v2 §3 through a proxy that cuts
 * the connection while the server and its history live on.
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
#include "harness.h"
#include "proxy.h"

static struct proc *p;
static struct proxy px;

static void
setup(void)
{
	p = proc_new();
	memset(&px, 0, sizeof px);
	px.ready = -1;
}

static void
teardown(void)
{
	proc_free(p);
	proxy_stop(&px);
	chatrun_teardown();
}

/* A chat user (piped) and a plain-text user (nc-like) talk, both ways. */
START_TEST(test_both_protocols)
{
	const char *args[] = { "-n", "alice", "127.0.0.1", NULL, NULL };
	struct conn *bob;
	int port;

	port = chatrun_server_start(NULL);
	ck_assert((bob = conn_login(port, "bob")) != NULL);
	args[3] = chatrun_port_str(port);
	proc_start(p, args);
	ck_assert(proc_wait(p, 0,
		      "-!- welcome to chatd, alice! you are in #lobby; type "
		      "/help for commands\n",
		      0) != NULL);
	ck_assert(
	    conn_next_is(bob, "-!- alice has joined #lobby", CHATRUN_WAIT_MS));
	proc_send(p, "hello bob\n/me waves\n/msg bob psst\n");
	ck_assert(conn_next_is(bob, "<alice> hello bob", CHATRUN_WAIT_MS));
	ck_assert(conn_next_is(bob, "* alice waves", CHATRUN_WAIT_MS));
	ck_assert(conn_next_is(bob, "*alice* psst", CHATRUN_WAIT_MS));
	/* Its own lines, as the server echoed them. */
	ck_assert(proc_wait(p, 0, "] <alice> hello bob\n", 0) != NULL);
	ck_assert(proc_wait(p, 0, "] * alice waves\n", 0) != NULL);
	ck_assert(proc_wait(p, 0, "] -> *bob* psst\n", 0) != NULL);
	ck_assert(conn_send(bob, "hi alice\n/me nods\n/msg alice back\n") == 0);
	ck_assert(proc_wait(p, 0, "] <bob> hi alice\n", 0) != NULL);
	ck_assert(proc_wait(p, 0, "] * bob nods\n", 0) != NULL);
	ck_assert(proc_wait(p, 0, "] *bob* back\n", 0) != NULL);
	proc_send(p, "/who\n");
	ck_assert(proc_wait(p, 0, "] -!- 2 users in #lobby: @bob, alice\n",
		      0) != NULL);
	close(p->in);
	p->in = -1;
	ck_assert(
	    conn_expect(bob, "-> *alice* back", NULL, 0, CHATRUN_WAIT_MS));
	ck_assert(
	    conn_next_is(bob, "-!- alice has quit (bye)", CHATRUN_WAIT_MS));
	ck_assert_int_eq(proc_exit(p), 0);
	ck_assert(proc_wait(p, 0, "] -!- bye\n", 0) != NULL);
	ck_assert_str_eq(p->ebuf, "");
	conn_close(bob);
}
END_TEST

/* chat -n deploy -r ops -e "build 42 is green": the room sees one join,
 * one message and one quit, nothing else. */
START_TEST(test_exec_as_the_room_sees_it)
{
	const char *args[] = { "-n", "deploy", "-r", "ops", "-e",
		"build 42 is green", "127.0.0.1", NULL, NULL };
	struct conn *bob;
	int port;

	port = chatrun_server_start(NULL);
	ck_assert((bob = conn_login(port, "bob")) != NULL);
	ck_assert(conn_send(bob, "/join ops\n") == 0);
	ck_assert(
	    conn_expect(bob, "bob has joined #ops", NULL, 0, CHATRUN_WAIT_MS));
	args[7] = chatrun_port_str(port);
	proc_start(p, args);
	ck_assert(
	    conn_next_is(bob, "-!- deploy has joined #ops", CHATRUN_WAIT_MS));
	ck_assert(
	    conn_next_is(bob, "<deploy> build 42 is green", CHATRUN_WAIT_MS));
	ck_assert(
	    conn_next_is(bob, "-!- deploy has quit (bye)", CHATRUN_WAIT_MS));
	ck_assert_int_eq(proc_exit(p), 0);
	ck_assert(conn_quiet(bob, 300));
	ck_assert_str_eq(p->obuf, "");
	ck_assert_str_eq(p->ebuf, "");
	conn_close(bob);
}
END_TEST

/* The nick is taken: alice_, said once; -e's error replies make it 1. */
START_TEST(test_nick_taken_and_errors)
{
	const char *args[] = { "-n", "alice", "-e", "/msg zed hi", "127.0.0.1",
		NULL, NULL };
	struct conn *alice;
	int port;

	port = chatrun_server_start(NULL);
	ck_assert((alice = conn_login(port, "alice")) != NULL);
	args[5] = chatrun_port_str(port);
	proc_start(p, args);
	ck_assert(conn_next_is(
	    alice, "-!- alice_ has joined #lobby", CHATRUN_WAIT_MS));
	ck_assert_int_eq(proc_exit(p), 1);
	/* stderr gets the error line, stamped as every line is, and only it. */
	ck_assert(strlen(p->ebuf) == 11 + 28 &&
	    strcmp(p->ebuf + 11, "-!- error: no such nick zed\n") == 0);
	conn_close(alice);
}
END_TEST

/* chatd stops: piped chat says why on stderr and exits 1. */
START_TEST(test_server_shutdown)
{
	const char *args[] = { "127.0.0.1", NULL, NULL };

	args[1] = chatrun_port_str(chatrun_server_start(NULL));
	proc_start(p, args);
	ck_assert(proc_wait(p, 0, "-!- welcome to chatd", 0) != NULL);
	/* chatd exits cleanly (no leak under the sanitizers or valgrind). */
	ck_assert_int_eq(chatrun_server_stop(SIGTERM), 0);
	ck_assert_int_eq(proc_exit(p), 1);
	ck_assert_str_eq(p->ebuf, "-!- disconnected: server shutting down\n");
	ck_assert(strstr(p->obuf, "] -!- server shutting down\n") != NULL);
}
END_TEST

/* -P sends PASS before registering; without one, piped chat says what it
 * needs and exits 1. */
START_TEST(test_passwords)
{
	char pwpath[] = "/tmp/chat-test-pw-XXXXXX";
	const char *sargs[] = { "--password-file", pwpath, NULL };
	const char *good[] = { "-P", pwpath, "-n", "alice", "-e", "hello",
		"127.0.0.1", NULL, NULL };
	const char *none[] = { "-e", "hello", "127.0.0.1", NULL, NULL };
	struct conn *bob;
	int fd, port;

	ck_assert((fd = mkstemp(pwpath)) != -1);
	ck_assert(write(fd, "s3cret\n", 7) == 7);
	close(fd);
	port = chatrun_server_start(sargs);
	ck_assert((bob = conn_open(port)) != NULL);
	ck_assert(conn_send(bob, "/pass s3cret\n") == 0);
	ck_assert(
	    conn_expect(bob, "password accepted", NULL, 0, CHATRUN_WAIT_MS));
	good[7] = chatrun_port_str(port);
	proc_start(p, good);
	ck_assert(conn_expect(bob, "<alice> hello", NULL, 0, CHATRUN_WAIT_MS));
	ck_assert_int_eq(proc_exit(p), 0);
	ck_assert_str_eq(p->ebuf, "");
	proc_close(p);
	none[3] = chatrun_port_str(port);
	proc_start(p, none);
	ck_assert_int_eq(proc_exit(p), 1);
	ck_assert_str_eq(p->ebuf,
	    "chat: the server needs a password (-P FILE or CHAT_PASSWORD)\n");
	unlink(pwpath);
	conn_close(bob);
}
END_TEST

START_TEST(test_unix_socket)
{
	char path[64], hp[80];
	const char *sargs[] = { "--unix", path, NULL };
	const char *args[] = { "-n", "sock", "-e", "over unix", hp, NULL };
	struct conn *bob;
	int port;

	snprintf(path, sizeof path, "/tmp/chat-test-%d.sock", (int)getpid());
	snprintf(hp, sizeof hp, "unix:%s", path);
	port = chatrun_server_start(sargs);
	ck_assert((bob = conn_login(port, "bob")) != NULL);
	proc_start(p, args);
	ck_assert(
	    conn_expect(bob, "<sock> over unix", NULL, 0, CHATRUN_WAIT_MS));
	ck_assert_int_eq(proc_exit(p), 0);
	unlink(path);
	conn_close(bob);
}
END_TEST

/*
 * The restart test (chat-v2 §3): an interactive chat whose connection a
 * proxy cuts, the server and its history surviving; meanwhile another
 * user talks. Back, chat shows exactly what was said meanwhile, once
 * each, in order, and the half-typed line is still there.
 */
START_TEST(test_restart_loses_nothing)
{
	const char *args[] = { "-n", "alice", "127.0.0.1", NULL, NULL };
	const char *mark, *at;
	char want[64];
	struct conn *bob;
	int port, i;

	port = chatrun_server_start(NULL);
	ck_assert((bob = conn_login(port, "bob")) != NULL);
	proxy_start(&px, port);
	args[3] = chatrun_port_str(px.port);
	proc_start_pty(p, args, 0);
	ck_assert(proc_wait(p, 0, "[#lobby alice]> ", 0) != NULL);
	ck_assert(
	    conn_expect(bob, "alice has joined", NULL, 0, CHATRUN_WAIT_MS));
	ck_assert(conn_send(bob, "before\n") == 0);
	ck_assert(proc_wait(p, 0, "<bob> before", 0) != NULL);
	proc_send(p, "still typ");
	ck_assert(proc_wait(p, 0, "]> still typ", 0) != NULL);
	proxy_cut(&px);
	ck_assert((mark = proc_wait(p, 0, "; reconnecting in ", 0)) != NULL);
	for (i = 1; i <= 5; i++) {
		snprintf(want, sizeof want, "missed %d\n", i);
		ck_assert(conn_send(bob, want) == 0);
	}
	ck_assert(
	    conn_expect(bob, "alice has joined", NULL, 0, 3 * CHATRUN_WAIT_MS));
	ck_assert(conn_send(bob, "after\n") == 0);
	ck_assert(
	    proc_wait(p, 0, "<bob> after", (size_t)(mark - p->obuf)) != NULL);
	mark = strstr(p->obuf, "; reconnecting in ");
	at = mark;
	for (i = 1; i <= 5; i++) {
		snprintf(want, sizeof want, "<bob> missed %d\r\n", i);
		ck_assert_msg((at = strstr(at, want)) != NULL, "no %s", want);
		ck_assert(strstr(at + 1, want) == NULL); /* once */
	}
	ck_assert(strstr(at, "<bob> after") != NULL);
	ck_assert(strstr(strstr(p->obuf, "<bob> before") + 1, "<bob> before") ==
	    NULL);
	proc_send(p, "ed\r");
	ck_assert(
	    conn_expect(bob, "<alice> still typed", NULL, 0, CHATRUN_WAIT_MS));
	conn_close(bob);
}
END_TEST

Suite *
test_suite(void)
{
	Suite *s = suite_create("client_chatd");
	TCase *tc = tcase_create("chatd");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, TEST_TIMEOUT);
	tcase_add_test(tc, test_both_protocols);
	tcase_add_test(tc, test_exec_as_the_room_sees_it);
	tcase_add_test(tc, test_nick_taken_and_errors);
	tcase_add_test(tc, test_server_shutdown);
	tcase_add_test(tc, test_passwords);
	tcase_add_test(tc, test_unix_socket);
	tcase_add_test(tc, test_restart_loses_nothing);
	suite_add_tcase(s, tc);
	return s;
}
