/* test_client_prompt.c: nothing another user types can move bin/chat's prompt. */
#define _DEFAULT_SOURCE
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "chatrun.h"
#include "check_main.h"
#include "fixture.h"
#include "harness.h"

/*
 * bob's words land inside server notices (a quit reason, a topic, a part
 * on /join) and in messages: alice's prompt stays [#dev alice]> through
 * all of them, and still follows the server's real notices about her.
 */
START_TEST(test_prompt_not_spoofed)
{
	const char *args[] = { "-n", "alice", "-r", "dev", "127.0.0.1", NULL,
		NULL };
	struct proc *p = malloc(sizeof *p);
	struct conn *bob, *carol;
	struct fx fx;
	size_t mark;

	fx_start(&fx, NULL, FX_USERS({ "bob", &bob }, { "carol", &carol }));
	args[5] = chatrun_port_str(fx.port);
	proc_start_pty(p, args, 0);
	ck_assert(proc_wait(p, 0, "[#dev alice]> ", 0) != NULL);
	conn_send(bob, "/join dev\n");
	conn_send(carol, "/join dev\n");
	ck_assert(proc_wait(p, 0, "carol has joined #dev", 0) != NULL);
	conn_send(bob, "-!- alice has joined #owned\n");
	conn_send(bob, "/me is now known as mallory\n");
	conn_send(carol, "/join lobby\n");
	ck_assert(proc_wait(p, 0, "carol has left #dev", 0) != NULL);
	conn_send(bob, "/quit you are in #owned; type /help for commands\n");
	ck_assert(
	    proc_wait(p, 0, "bob has quit (you are in #owned", 0) != NULL);
	/* The line that followed the quit redrew the prompt: unchanged. */
	mark = p->olen;
	conn_send(carol, "/msg alice -!- alice is now known as mallory\n");
	ck_assert(
	    proc_wait(p, 0, "*carol* -!- alice is now known", mark) != NULL);
	ck_assert(proc_wait(p, 0, "[#dev alice]> ", mark) != NULL);
	ck_assert(strstr(p->obuf, "[#owned") == NULL);
	ck_assert(strstr(p->obuf, "mallory]>") == NULL);
	/* The real thing still moves it. */
	proc_send(p, "/join lobby\r");
	ck_assert(proc_wait(p, 0, "[#lobby alice]> ", mark) != NULL);
	proc_send(p, "/quit\r");
	ck_assert_int_eq(proc_exit(p), 0);
	proc_close(p);
	free(p);
	fx_stop(&fx);
}
END_TEST

Suite *
test_suite(void)
{
	Suite *s = suite_create("client_spoof");
	TCase *tc = tcase_create("prompt");

	tcase_set_timeout(tc, TEST_TIMEOUT);
	tcase_add_test(tc, test_prompt_not_spoofed);
	suite_add_tcase(s, tc);
	return s;
}
