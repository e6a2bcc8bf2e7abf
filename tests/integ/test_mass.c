/* test_mass.c: many users leaving in one pass: each quit once, and plain-text rooms told in one line (chatd-v2, issue 12). */
#define _DEFAULT_SOURCE /* usleep */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check_main.h"
#include "fixture.h"
#include "harness.h"
#include "proto.h"

#define WAIT  10000
#define QUIET 500

/*
 * survivor first (so it is #lobby's operator and nobody inherits it),
 * then n users; all n go while chatd is stopped, so it finds every EOF
 * in one pass. Returns the survivor's connection.
 */
static struct conn *
leave_at_once(struct fx *fx, int n)
{
	struct conn *s, *c[FX_CONNS_MAX];
	char want[64];
	int i;

	s = fx_login(fx, "survivor");
	for (i = 0; i < n; i++) {
		c[i] = fx_open(fx);
		snprintf(want, sizeof want, "has joined #lobby");
		ck_assert(conn_expect(s, want, NULL, 0, WAIT));
	}
	srv_freeze(&fx->srv);
	for (i = 0; i < n; i++)
		fx_close(fx, c[i]);
	/* Loopback delivers the closes a little later than close() returns. */
	usleep(200000);
	srv_thaw(&fx->srv);
	return s;
}

/*
 * Above CHATD_FOLD_QUITS (100) within a second: the room hears of them in
 * folded lines, one per pass of the loop that found some (one when all
 * the EOFs are in by the time chatd looks; the kernel may spread them over
 * a few passes, and those before the room passed 100 are told one by
 * one), each quit counted once, and nothing else.
 */
START_TEST(test_many_fold)
{
	const char *args[] = { "--replay", "0", "-m", "300", "--rate", "0",
		NULL };
	struct fx fx;
	struct conn *s;
	char line[256];
	int told = 0, lines = 0, folded = 0, k;

	fx_start(&fx, args, NULL);
	s = leave_at_once(&fx, 150);
	while (told < 150 && conn_line(s, line, sizeof line, WAIT) >= 0) {
		lines++;
		/* Closed or reset: they go with join notices unread. */
		if (sscanf(line_text(line),
			"-!- %d users have quit (connection ", &k) == 1)
			told += k, folded++;
		else if (strstr(line, " has quit (connection ") != NULL)
			told++;
		else
			ck_abort_msg("got %s", line);
	}
	ck_assert_int_eq(told, 150);
	/* The passes before the room passed 100 quits in a second may tell
	 * theirs one by one; after that, a line per pass. */
	ck_assert_msg(folded > 0 && lines <= CHATD_FOLD_QUITS + 4,
	    "150 quits took %d lines, %d of them folded", lines, folded);
	ck_assert(conn_quiet(s, QUIET));
	conn_send(s, "/who\n");
	ck_assert(conn_next_is(s, "-!- 1 user in #lobby: @survivor", WAIT));
	fx_stop(&fx);
}
END_TEST

/* At or below it: every quit keeps its v1 line. */
START_TEST(test_few_each_told)
{
	const char *args[] = { "--replay", "0", "--rate", "0", NULL };
	struct fx fx;
	struct conn *s;
	char line[256];
	int i;

	fx_start(&fx, args, NULL);
	s = leave_at_once(&fx, 40);
	for (i = 0; i < 40; i++) {
		ck_assert_int_ge(conn_line(s, line, sizeof line, WAIT), 0);
		ck_assert_msg(strstr(line, " has quit (connection ") != NULL,
		    "quit %d: %s", i, line);
	}
	ck_assert(conn_quiet(s, QUIET));
	fx_stop(&fx);
}
END_TEST

/* A /quit is told at once, never folded, even among many. */
START_TEST(test_quit_command_at_once)
{
	struct fx fx;
	struct conn *a, *b;

	fx_start(&fx, NULL, FX_USERS({ "alice", &a }, { "bob", &b }));
	conn_send(b, "/quit later\n");
	ck_assert(conn_next_is(a, "-!- bob has quit (later)", WAIT));
	fx_stop(&fx);
}
END_TEST

Suite *
test_suite(void)
{
	Suite *s = suite_create("mass");
	TCase *tc = tcase_create("quits");

	tcase_set_timeout(tc, TEST_TIMEOUT);
	tcase_add_test(tc, test_many_fold);
	tcase_add_test(tc, test_few_each_told);
	tcase_add_test(tc, test_quit_command_at_once);
	suite_add_tcase(s, tc);
	return s;
}
