/* test_commands.c: every chatd command and its errors, on the real chatd. */
#define _DEFAULT_SOURCE
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "check_main.h"
#include "harness.h"

#define WAIT  5000 /* ms: generous bound for anything to arrive */
#define QUIET 300  /* ms: how long "nothing more arrives" is watched */

#define NICK_RULE " (1-16 characters: a letter, then letters, digits, _ or -)"
#define ROOM_RULE " (1-32 characters: letters, digits, _ or -)"

/* Send line from c and want exactly reply (a body) as c's next line. */
static void
reply(struct conn *c, const char *line, const char *want)
{
	conn_send(c, line);
	ck_assert_msg(conn_next_is(c, want, WAIT), "after %s", line);
}

/* Join room; want the joiner's own "has joined" (lines before it are
 * skipped). */
static void
join(struct conn *c, const char *nick, const char *room)
{
	char cmd[128], want[128];

	snprintf(cmd, sizeof cmd, "/join %s\n", room);
	snprintf(want, sizeof want, "-!- %s has joined #%s", nick,
	    room[0] == '#' ? room + 1 : room);
	conn_send(c, cmd);
	ck_assert_msg(conn_expect(c, want, NULL, 0, WAIT), "no %s", want);
}

START_TEST(test_nick)
{
	struct srv s;
	struct conn *a, *b, *c;
	const char *bad[] = { "1abc", "_x", "-x", "a.b", "a!", "\xc3\xa4x",
		"abcdefghijklmnopq", NULL };
	char cmd[128], want[256];
	int i;

	srv_start_ok(&s, NULL);
	a = login_ok(s.port, "alice");
	b = login_ok(s.port, "bob");
	c = login_ok(s.port, "carol");
	join(c, "carol", "dev");
	ck_assert(conn_expect(a, "carol has left #lobby", NULL, 0, WAIT));
	ck_assert(conn_expect(b, "carol has left #lobby", NULL, 0, WAIT));
	/* To the changer and the room; not to other rooms. */
	reply(a, "/nick alicia\n", "-!- alice is now known as alicia");
	ck_assert(conn_next_is(b, "-!- alice is now known as alicia", WAIT));
	ck_assert(conn_quiet(c, QUIET));
	for (i = 0; bad[i] != NULL; i++) {
		snprintf(cmd, sizeof cmd, "/nick %s\n", bad[i]);
		snprintf(want, sizeof want,
		    "-!- error: invalid nickname %s" NICK_RULE, bad[i]);
		reply(a, cmd, want);
	}
	reply(a, "/nick\n", "-!- error: usage: /nick NAME");
	/* Taken, ignoring case, in this room or another. */
	reply(a, "/nick BOB\n", "-!- error: nickname BOB is already in use");
	reply(
	    a, "/nick Carol\n", "-!- error: nickname Carol is already in use");
	ck_assert(conn_quiet(b, QUIET)); /* errors go to a only */
	/* 16 characters, every allowed kind of character. */
	reply(a, "/nick Abcdefghijk-_09\n",
	    "-!- alicia is now known as Abcdefghijk-_09");
	ck_assert(conn_next_is(
	    b, "-!- alicia is now known as Abcdefghijk-_09", WAIT));
	reply(a, "/nick z\n", "-!- Abcdefghijk-_09 is now known as z");
	ck_assert(
	    conn_next_is(b, "-!- Abcdefghijk-_09 is now known as z", WAIT));
	/* One's own name in another case is not "taken". */
	reply(a, "/nick Z\n", "-!- z is now known as Z");
	ck_assert(conn_next_is(b, "-!- z is now known as Z", WAIT));
	/* The old name is free again. */
	reply(b, "/nick alicia\n", "-!- bob is now known as alicia");
	/* A lone member still hears about its own change. */
	reply(c, "/nick caroline\n", "-!- carol is now known as caroline");
	conn_close(a);
	conn_close(b);
	conn_close(c);
	srv_stop_ok(&s);
}
END_TEST

START_TEST(test_join)
{
	struct srv s;
	struct conn *a, *b, *c;
	char name[64], cmd[128], want[256];

	srv_start_ok(&s, NULL);
	a = login_ok(s.port, "alice");
	b = login_ok(s.port, "bob");
	c = login_ok(s.port, "carol");
	ck_assert(conn_expect(a, "carol", NULL, 0, WAIT));
	ck_assert(conn_expect(b, "carol", NULL, 0, WAIT));
	/* Without '#': the new room (joiner included) and the old one. */
	join(a, "alice", "dev");
	ck_assert(conn_next_is(b, "-!- alice has left #lobby", WAIT));
	ck_assert(conn_next_is(c, "-!- alice has left #lobby", WAIT));
	/* The operator left: the longest present member takes over. */
	ck_assert(
	    conn_next_is(b, "-!- bob is now an operator of #lobby", WAIT));
	ck_assert(
	    conn_next_is(c, "-!- bob is now an operator of #lobby", WAIT));
	/* With '#'. */
	join(b, "bob", "#dev");
	ck_assert(conn_next_is(a, "-!- bob has joined #dev", WAIT));
	ck_assert(conn_next_is(c, "-!- bob has left #lobby", WAIT));
	ck_assert(
	    conn_next_is(c, "-!- carol is now an operator of #lobby", WAIT));
	reply(c, "/rooms\n", "-!- 2 rooms: #dev (2), #lobby (1)");
	/* Messages stay in their room. */
	conn_send(a, "in dev\n");
	ck_assert(conn_next_is(b, "<alice> in dev", WAIT));
	conn_send(c, "in lobby\n");
	ck_assert(conn_quiet(a, QUIET));
	ck_assert(conn_quiet(b, 0));
	/* Errors. */
	reply(c, "/join\n", "-!- error: usage: /join ROOM");
	reply(c, "/join lobby\n", "-!- error: you are already in #lobby");
	reply(c, "/join #lobby\n", "-!- error: you are already in #lobby");
	reply(c, "/join bad!\n", "-!- error: invalid room name bad!" ROOM_RULE);
	reply(c, "/join a.b\n", "-!- error: invalid room name a.b" ROOM_RULE);
	memset(name, 'r', 33);
	name[33] = '\0';
	snprintf(cmd, sizeof cmd, "/join %s\n", name);
	snprintf(want, sizeof want, "-!- error: invalid room name %s" ROOM_RULE,
	    name);
	reply(c, cmd, want);
	conn_send(c, "/join #\n");
	ck_assert(
	    conn_expect(c, "-!- error: invalid room name", NULL, 0, WAIT));
	conn_send(c, "/join ##dev\n");
	ck_assert(
	    conn_expect(c, "-!- error: invalid room name", NULL, 0, WAIT));
	ck_assert(conn_quiet(a, QUIET));
	/* 32 characters, every allowed kind. */
	memcpy(name, "A-_09", 5);
	name[32] = '\0';
	join(c, "carol", name);
	snprintf(want, sizeof want, "-!- 2 rooms: #%s (1), #dev (2)", name);
	reply(c, "/rooms\n", want);
	/* #lobby went away when it emptied and comes back on a join. */
	join(a, "alice", "lobby");
	ck_assert(conn_next_is(b, "-!- alice has left #dev", WAIT));
	join(b, "bob", "lobby");
	ck_assert(conn_next_is(a, "-!- bob has joined #lobby", WAIT));
	snprintf(want, sizeof want, "-!- 2 rooms: #%s (1), #lobby (2)", name);
	reply(a, "/rooms\n", want);
	conn_close(a);
	conn_close(b);
	conn_close(c);
	srv_stop_ok(&s);
}
END_TEST

START_TEST(test_who_rooms)
{
	struct srv s;
	struct conn *a, *b, *c;

	srv_start_ok(&s, NULL);
	a = login_ok(s.port, "alice");
	reply(a, "/who\n", "-!- 1 user in #lobby: @alice");
	reply(a, "/rooms\n", "-!- 1 room: #lobby (1)");
	b = login_ok(s.port, "bob");
	c = login_ok(s.port, "carol");
	ck_assert(conn_expect(a, "carol", NULL, 0, WAIT));
	reply(a, "/who\n", "-!- 3 users in #lobby: @alice, bob, carol");
	join(c, "carol", "zeta");
	join(b, "bob", "dev");
	reply(b, "/who\n", "-!- 1 user in #dev: @bob");
	ck_assert(conn_expect(a, "bob has left", NULL, 0, WAIT));
	reply(a, "/who\n", "-!- 1 user in #lobby: @alice");
	/* Sorted by name, not by creation. */
	reply(a, "/rooms\n", "-!- 3 rooms: #dev (1), #lobby (1), #zeta (1)");
	ck_assert(conn_quiet(b, QUIET));
	ck_assert(conn_quiet(c, 0));
	conn_close(a);
	conn_close(b);
	conn_close(c);
	srv_stop_ok(&s);
}
END_TEST

START_TEST(test_me)
{
	struct srv s;
	struct conn *a, *b, *c;

	srv_start_ok(&s, NULL);
	a = login_ok(s.port, "alice");
	b = login_ok(s.port, "bob");
	c = login_ok(s.port, "carol");
	join(c, "carol", "dev");
	ck_assert(conn_expect(b, "carol has left", NULL, 0, WAIT));
	conn_send(a, "/me waves  to all \n");
	ck_assert(conn_next_is(b, "* alice waves  to all ", WAIT));
	ck_assert(conn_quiet(c, QUIET));
	/* The spec does not say whether the actor sees its own action. */
	conn_send(a, "/me\n");
	ck_assert(conn_expect(a, "-!- error: usage: /me TEXT", NULL, 0, WAIT));
	ck_assert(conn_quiet(b, QUIET));
	conn_close(a);
	conn_close(b);
	conn_close(c);
	srv_stop_ok(&s);
}
END_TEST

START_TEST(test_msg)
{
	struct srv s;
	struct conn *a, *b, *c;
	char line[512];

	srv_start_ok(&s, NULL);
	a = login_ok(s.port, "alice");
	b = login_ok(s.port, "bob");
	c = login_ok(s.port, "carol");
	join(b, "bob", "dev");
	ck_assert(conn_expect(a, "bob has left", NULL, 0, WAIT));
	ck_assert(conn_expect(c, "bob has left", NULL, 0, WAIT));
	/* Across rooms; the room hears nothing. */
	conn_send(a, "/msg bob psst, a secret\n");
	ck_assert(conn_next_is(b, "*alice* psst, a secret", WAIT));
	ck_assert(conn_next_is(a, "-> *bob* psst, a secret", WAIT));
	ck_assert(conn_quiet(c, QUIET));
	conn_send(b, "/msg alice back at you\n");
	ck_assert(conn_next_is(a, "*bob* back at you", WAIT));
	ck_assert(conn_next_is(b, "-> *alice* back at you", WAIT));
	/* The nick is found ignoring case. */
	conn_send(a, "/msg BOB hi\n");
	ck_assert(conn_next_is(b, "*alice* hi", WAIT));
	ck_assert_int_ge(conn_line(a, line, sizeof line, WAIT), 0);
	ck_assert_msg(line_body(line) != NULL &&
		strcasecmp(line_body(line), "-> *bob* hi") == 0,
	    "got %s", line);
	/* Errors. */
	reply(a, "/msg nobody hi\n", "-!- error: no such nick nobody");
	reply(a, "/msg bob\n", "-!- error: usage: /msg NICK TEXT");
	reply(a, "/msg\n", "-!- error: usage: /msg NICK TEXT");
	ck_assert(conn_quiet(b, QUIET));
	ck_assert(conn_quiet(c, 0));
	/* A nick that left is gone. */
	conn_close(b);
	ck_assert(srv_log_has(&s, "(bob) disconnected", WAIT));
	reply(a, "/msg bob still there?\n", "-!- error: no such nick bob");
	conn_close(a);
	conn_close(c);
	srv_stop_ok(&s);
}
END_TEST

START_TEST(test_quit)
{
	struct srv s;
	struct conn *a, *b, *c;

	srv_start_ok(&s, NULL);
	a = login_ok(s.port, "alice");
	b = login_ok(s.port, "bob");
	c = login_ok(s.port, "carol");
	ck_assert(conn_expect(a, "carol", NULL, 0, WAIT));
	ck_assert(conn_expect(b, "carol", NULL, 0, WAIT));
	/* Replies before /quit are flushed, lines after it are not run. */
	conn_send(a, "/who\n/quit\nnever said\n");
	ck_assert(
	    conn_next_is(a, "-!- 3 users in #lobby: @alice, bob, carol", WAIT));
	ck_assert(conn_next_is(a, "-!- bye", WAIT));
	ck_assert(conn_eof(a, WAIT));
	ck_assert(conn_next_is(b, "-!- alice has quit (bye)", WAIT));
	ck_assert(conn_next_is(c, "-!- alice has quit (bye)", WAIT));
	ck_assert(
	    conn_next_is(b, "-!- bob is now an operator of #lobby", WAIT));
	ck_assert(
	    conn_next_is(c, "-!- bob is now an operator of #lobby", WAIT));
	ck_assert(conn_quiet(b, QUIET));
	reply(b, "/quit off to lunch (back at 2)\n", "-!- bye");
	ck_assert(conn_eof(b, WAIT));
	ck_assert(conn_next_is(
	    c, "-!- bob has quit (off to lunch (back at 2))", WAIT));
	ck_assert(
	    conn_next_is(c, "-!- carol is now an operator of #lobby", WAIT));
	reply(c, "/who\n", "-!- 1 user in #lobby: @carol");
	conn_close(a);
	conn_close(b);
	conn_close(c);
	srv_stop_ok(&s);
}
END_TEST

START_TEST(test_help)
{
	const char *cmds[] = { "/nick", "/join", "/who", "/rooms", "/me",
		"/msg", "/quit", "/help", "/pass", NULL };
	struct srv s;
	struct conn *a, *b;
	char line[512], all[8192] = "";
	int i;

	srv_start_ok(&s, NULL);
	a = login_ok(s.port, "alice");
	b = login_ok(s.port, "bob");
	ck_assert(conn_expect(a, "is now known as bob", NULL, 0, WAIT));
	reply(a, "/help\n", "-!- commands:");
	while (conn_line(a, line, sizeof line, QUIET) >= 0) {
		ck_assert_msg(line_body(line) != NULL &&
			strncmp(line_body(line), "-!- /", 5) == 0,
		    "help line %s", line);
		strncat(all, line, sizeof all - strlen(all) - 1);
	}
	for (i = 0; cmds[i] != NULL; i++)
		ck_assert_msg(strstr(all, cmds[i]) != NULL,
		    "/help does not list %s", cmds[i]);
	ck_assert(conn_quiet(b, 0));
	conn_close(a);
	conn_close(b);
	srv_stop_ok(&s);
}
END_TEST

START_TEST(test_slash_escape_and_unknown)
{
	struct srv s;
	struct conn *a, *b;

	srv_start_ok(&s, NULL);
	a = login_ok(s.port, "alice");
	b = login_ok(s.port, "bob");
	ck_assert(conn_expect(a, "is now known as bob", NULL, 0, WAIT));
	conn_send(a, "//text here\n//quit\n//\n");
	ck_assert(conn_next_is(b, "<alice> /text here", WAIT));
	ck_assert(conn_next_is(b, "<alice> /quit", WAIT));
	ck_assert(conn_next_is(b, "<alice> /", WAIT));
	reply(a, "/xyz\n", "-!- error: unknown command /xyz (try /help)");
	reply(a, "/xyz with args\n",
	    "-!- error: unknown command /xyz (try /help)");
	reply(a, "/pass secret\n", "-!- error: no password is needed here");
	conn_send(a, "/\n");
	ck_assert(conn_expect(a, "-!- error: ", NULL, 0, WAIT));
	ck_assert(conn_quiet(b, QUIET)); /* nothing was broadcast */
	reply(a, "/who\n", "-!- 2 users in #lobby: @alice, bob");
	conn_close(a);
	conn_close(b);
	srv_stop_ok(&s);
}
END_TEST

START_TEST(test_case_insensitive)
{
	struct srv s;
	struct conn *a, *b;

	srv_start_ok(&s, NULL);
	a = login_ok(s.port, "alice");
	b = login_ok(s.port, "bob");
	ck_assert(conn_expect(a, "bob", NULL, 0, WAIT));
	reply(a, "/NICK al\n", "-!- alice is now known as al");
	ck_assert(conn_next_is(b, "-!- alice is now known as al", WAIT));
	reply(a, "/Who\n", "-!- 2 users in #lobby: @al, bob");
	reply(a, "/ROOMS\n", "-!- 1 room: #lobby (2)");
	conn_send(a, "/mE shouts\n");
	ck_assert(conn_next_is(b, "* al shouts", WAIT));
	conn_send(a, "/MSG bob quiet\n");
	ck_assert(conn_next_is(b, "*al* quiet", WAIT));
	ck_assert(conn_expect(a, "-> *bob* quiet", NULL, 0, WAIT));
	reply(a, "/HELP\n", "-!- commands:");
	conn_send(a, "/JoIn dev\n");
	ck_assert(conn_expect(a, "-!- al has joined #dev", NULL, 0, WAIT));
	ck_assert(conn_next_is(b, "-!- al has left #lobby", WAIT));
	conn_send(a, "/QUIT\n");
	ck_assert(conn_expect(a, "-!- bye", NULL, 0, WAIT));
	ck_assert(conn_eof(a, WAIT));
	conn_close(a);
	conn_close(b);
	srv_stop_ok(&s);
}
END_TEST

Suite *
test_suite(void)
{
	Suite *s = suite_create("integ_commands");
	TCase *tc = tcase_create("commands");

	tcase_set_timeout(tc, TEST_TIMEOUT);
	tcase_add_test(tc, test_nick);
	tcase_add_test(tc, test_join);
	tcase_add_test(tc, test_who_rooms);
	tcase_add_test(tc, test_me);
	tcase_add_test(tc, test_msg);
	tcase_add_test(tc, test_quit);
	tcase_add_test(tc, test_help);
	tcase_add_test(tc, test_slash_escape_and_unknown);
	tcase_add_test(tc, test_case_insensitive);
	suite_add_tcase(s, tc);
	return s;
}
