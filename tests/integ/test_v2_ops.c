/* test_v2_ops.c: chatd-v2 §4 room operators: the first member, `@` in
 * /who, succession, /op and /deop, on the real chatd. */
#define _DEFAULT_SOURCE
#include <sys/socket.h>

#include <stdio.h>
#include <string.h>

#include "check_main.h"
#include "harness.h"
#include "v2_util.h"

#define NOT_OP "-!- error: you are not an operator of #dev"

/* Sync every connection of cs (NULL-terminated). */
static void
sync_all(struct conn **cs)
{
	for (; *cs != NULL; cs++)
		v2_sync(*cs);
}

START_TEST(test_first_member_is_operator)
{
	struct srv s;
	struct conn *a, *b, *c, *all[4];

	srv_start_ok(&s, NULL);
	a = v2_login(s.port, "alice");
	v2_reply(a, "/who\n", "-!- 1 user in #lobby: @alice");
	b = v2_login(s.port, "bob");
	c = v2_login(s.port, "carol");
	all[0] = a, all[1] = b, all[2] = c, all[3] = NULL;
	sync_all(all);
	v2_reply(c, "/who\n", "-!- 3 users in #lobby: @alice, bob, carol");
	/* A new room: its first member is its operator. */
	v2_join(b, "bob", "dev");
	v2_reply(b, "/who\n", "-!- 1 user in #dev: @bob");
	v2_join(c, "carol", "dev");
	v2_reply(c, "/who\n", "-!- 2 users in #dev: @bob, carol");
	/* Operator status is per room: bob is not one in #lobby. */
	v2_join(b, "bob", "lobby");
	v2_reply(b, "/who\n", "-!- 2 users in #lobby: @alice, bob");
	/* ... and he left #dev, where carol took over. */
	v2_next(c, "carol", "-!- bob has left #dev");
	v2_next(c, "carol", "-!- carol is now an operator of #dev");
	v2_reply(c, "/who\n", "-!- 1 user in #dev: @carol");
	/* A nick change keeps the mark. */
	v2_sync(a);
	v2_reply(a, "/nick alicia\n", "-!- alice is now known as alicia");
	v2_next(b, "bob", "-!- alice is now known as alicia");
	v2_reply(b, "/who\n", "-!- 2 users in #lobby: @alicia, bob");
	conn_close(a);
	conn_close(b);
	conn_close(c);
	srv_stop_ok(&s);
}
END_TEST

/*
 * The longest-present member takes over when the last operator leaves,
 * whichever way: /quit, /join elsewhere, EOF, reset. The arrival order in
 * #dev (dave, carol, bob, erin) is neither connection nor name order.
 */
START_TEST(test_succession)
{
	struct linger lg = { 1, 0 };
	struct srv s;
	struct conn *a, *b, *c, *d, *e;

	srv_start_ok(&s, NULL);
	b = v2_login(s.port, "bob");
	c = v2_login(s.port, "carol");
	d = v2_login(s.port, "dave");
	e = v2_login(s.port, "erin");
	a = v2_login(s.port, "alice");
	v2_join(a, "alice", "dev");
	v2_join(d, "dave", "dev");
	v2_join(c, "carol", "dev");
	v2_join(b, "bob", "dev");
	v2_join(e, "erin", "dev");
	v2_sync(b);
	v2_sync(c);
	v2_sync(d);
	v2_sync(e);
	v2_sync(a);
	v2_reply(
	    e, "/who\n", "-!- 5 users in #dev: @alice, dave, carol, bob, erin");
	v2_reply(a, "/quit\n", "-!- bye");
	v2_next(d, "dave", "-!- alice has quit (bye)");
	v2_next(d, "dave", "-!- dave is now an operator of #dev");
	v2_next(c, "carol", "-!- alice has quit (bye)");
	v2_next(c, "carol", "-!- dave is now an operator of #dev");
	v2_next(b, "bob", "-!- alice has quit (bye)");
	v2_next(b, "bob", "-!- dave is now an operator of #dev");
	v2_reply(b, "/who\n", "-!- 4 users in #dev: @dave, carol, bob, erin");
	/* /join elsewhere. */
	v2_join(d, "dave", "elsewhere");
	v2_next(c, "carol", "-!- dave has left #dev");
	v2_next(c, "carol", "-!- carol is now an operator of #dev");
	v2_next(e, "erin", "-!- alice has quit (bye)");
	v2_next(e, "erin", "-!- dave is now an operator of #dev");
	v2_next(e, "erin", "-!- dave has left #dev");
	v2_next(e, "erin", "-!- carol is now an operator of #dev");
	/* The connection closed. */
	conn_close(c);
	v2_next(b, "bob", "-!- dave has left #dev");
	v2_next(b, "bob", "-!- carol is now an operator of #dev");
	v2_next(b, "bob", "-!- carol has quit (connection closed)");
	v2_next(b, "bob", "-!- bob is now an operator of #dev");
	v2_next(e, "erin", "-!- carol has quit (connection closed)");
	v2_next(e, "erin", "-!- bob is now an operator of #dev");
	/* Reset. */
	setsockopt(b->fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
	conn_close(b);
	v2_next(e, "erin", "-!- bob has quit (connection reset)");
	v2_next(e, "erin", "-!- erin is now an operator of #dev");
	v2_reply(e, "/who\n", "-!- 1 user in #dev: @erin");
	conn_close(a);
	conn_close(d);
	conn_close(e);
	srv_stop_ok(&s);
}
END_TEST

/* An operator kicking itself is the last operator leaving by a kick. */
START_TEST(test_succession_by_kick)
{
	struct srv s;
	struct conn *a, *b, *c;

	srv_start_ok(&s, NULL);
	a = v2_login(s.port, "alice");
	c = v2_login(s.port, "carol");
	b = v2_login(s.port, "bob");
	v2_join(a, "alice", "dev");
	v2_join(b, "bob", "dev");
	v2_join(c, "carol", "dev");
	v2_sync(b);
	conn_send(a, "/kick alice bye all\n");
	v2_next(b, "bob", "-!- alice was kicked from #dev by alice (bye all)");
	v2_next(b, "bob", "-!- bob is now an operator of #dev");
	v2_next(
	    c, "carol", "-!- alice was kicked from #dev by alice (bye all)");
	v2_next(c, "carol", "-!- bob is now an operator of #dev");
	v2_reply(c, "/who\n", "-!- 2 users in #dev: @bob, carol");
	conn_close(a);
	conn_close(b);
	conn_close(c);
	srv_stop_ok(&s);
}
END_TEST

/* With another operator left, nobody is promoted and nothing is said. */
START_TEST(test_no_succession_while_an_operator_stays)
{
	struct srv s;
	struct conn *a, *b, *c;

	srv_start_ok(&s, NULL);
	a = v2_login(s.port, "alice");
	b = v2_login(s.port, "bob");
	c = v2_login(s.port, "carol");
	v2_join(a, "alice", "dev");
	v2_join(b, "bob", "dev");
	v2_join(c, "carol", "dev");
	v2_sync(b);
	v2_sync(a);
	conn_send(a, "/op carol\n");
	v2_next(a, "alice", "-!- alice made carol an operator of #dev");
	v2_next(b, "bob", "-!- alice made carol an operator of #dev");
	v2_next(c, "carol", "-!- alice made carol an operator of #dev");
	v2_reply(a, "/quit\n", "-!- bye");
	v2_next(b, "bob", "-!- alice has quit (bye)");
	ck_assert_msg(conn_quiet(b, V2_QUIET),
	    "PRODUCT? a promotion though carol is still an operator");
	v2_reply(b, "/who\n", "-!- 2 users in #dev: bob, @carol");
	conn_close(a);
	conn_close(b);
	conn_close(c);
	srv_stop_ok(&s);
}
END_TEST

START_TEST(test_op_deop)
{
	struct srv s;
	struct conn *a, *b, *c, *d;

	srv_start_ok(&s, NULL);
	d = v2_login(s.port, "dave");
	a = v2_login(s.port, "alice");
	b = v2_login(s.port, "bob");
	c = v2_login(s.port, "carol");
	v2_join(a, "alice", "dev");
	v2_join(b, "bob", "dev");
	v2_join(c, "carol", "dev");
	v2_sync(a);
	v2_sync(b);
	v2_sync(d);
	conn_send(a, "/op bob\n");
	v2_next(a, "alice", "-!- alice made bob an operator of #dev");
	v2_next(b, "bob", "-!- alice made bob an operator of #dev");
	v2_next(c, "carol", "-!- alice made bob an operator of #dev");
	v2_reply(c, "/who\n", "-!- 3 users in #dev: @alice, @bob, carol");
	/* bob can now act as one. */
	conn_send(b, "/topic bob's topic\n");
	v2_next(b, "bob", "-!- bob set the topic of #dev: bob's topic");
	v2_next(a, "alice", "-!- bob set the topic of #dev: bob's topic");
	v2_next(c, "carol", "-!- bob set the topic of #dev: bob's topic");
	conn_send(b, "/deop alice\n");
	v2_next(a, "alice", "-!- bob removed alice as an operator of #dev");
	v2_next(b, "bob", "-!- bob removed alice as an operator of #dev");
	v2_next(c, "carol", "-!- bob removed alice as an operator of #dev");
	v2_reply(c, "/who\n", "-!- 3 users in #dev: alice, @bob, carol");
	/* alice no longer can. */
	v2_reply(a, "/topic hers\n", NOT_OP);
	v2_reply(a, "/op alice\n", NOT_OP);
	v2_reply(a, "/deop bob\n", NOT_OP);
	v2_reply(c, "/op carol\n", NOT_OP);
	v2_reply(c, "/kick bob\n", NOT_OP);
	/* Errors. */
	v2_reply(b, "/op nobody\n", "-!- error: no such nick nobody in #dev");
	v2_reply(b, "/op dave\n", "-!- error: no such nick dave in #dev");
	v2_reply(b, "/deop nobody\n", "-!- error: no such nick nobody in #dev");
	v2_reply(b, "/op\n", "-!- error: usage: /op NICK");
	v2_reply(b, "/deop\n", "-!- error: usage: /deop NICK");
	ck_assert(conn_quiet(a, V2_QUIET)); /* errors went to their sender */
	ck_assert(conn_quiet(c, 0));
	ck_assert(conn_quiet(d, 0));
	/* The nick is found ignoring case; the line names the real one. */
	conn_send(b, "/OP CAROL\n");
	v2_next(c, "carol", "-!- bob made carol an operator of #dev");
	v2_next(b, "bob", "-!- bob made carol an operator of #dev");
	v2_next(a, "alice", "-!- bob made carol an operator of #dev");
	conn_close(a);
	conn_close(b);
	conn_close(c);
	conn_close(d);
	srv_stop_ok(&s);
}
END_TEST

/*
 * The spec is silent on /op of an operator and /deop of a member who is
 * not one; a user expects an answer either way, not silence.
 */
START_TEST(test_op_deop_noop_answered)
{
	struct srv s;
	struct conn *a, *b;
	int op, deop;

	srv_start_ok(&s, NULL);
	a = v2_login(s.port, "alice");
	b = v2_login(s.port, "bob");
	v2_sync(a);
	conn_send(a, "/deop bob\n");
	deop = !conn_quiet(a, 1000);
	v2_drain(a, V2_QUIET);
	conn_send(a, "/op alice\n");
	op = !conn_quiet(a, 1000);
	ck_assert_msg(deop && op,
	    "PRODUCT? (spec silent) no answer at all to%s%s",
	    deop ? "" : " /deop of a non-operator;",
	    op ? "" : " /op of an operator");
	conn_close(a);
	conn_close(b);
	srv_stop_ok(&s);
}
END_TEST

/* Operators live as long as the room: a re-created room starts afresh. */
START_TEST(test_operators_die_with_room)
{
	struct srv s;
	struct conn *a, *b, *c;

	srv_start_ok(&s, NULL);
	a = v2_login(s.port, "alice");
	b = v2_login(s.port, "bob");
	c = v2_login(s.port, "carol");
	v2_join(a, "alice", "dev");
	v2_join(b, "bob", "dev");
	v2_sync(a);
	conn_send(a, "/op bob\n");
	ck_assert(conn_expect(b, "made bob an operator", NULL, 0, V2_WAIT));
	v2_join(a, "alice", "lobby");
	v2_join(b, "bob", "lobby"); /* #dev is gone */
	v2_join(c, "carol", "dev");
	v2_join(b, "bob", "dev");
	v2_join(a, "alice", "dev");
	v2_sync(c);
	v2_reply(c, "/who\n", "-!- 3 users in #dev: @carol, bob, alice");
	conn_close(a);
	conn_close(b);
	conn_close(c);
	srv_stop_ok(&s);
}
END_TEST

Suite *
test_suite(void)
{
	Suite *s = suite_create("integ_v2_ops");
	TCase *tc = tcase_create("v2_ops");

	tcase_set_timeout(tc, TEST_TIMEOUT);
	tcase_add_test(tc, test_first_member_is_operator);
	tcase_add_test(tc, test_succession);
	tcase_add_test(tc, test_succession_by_kick);
	tcase_add_test(tc, test_no_succession_while_an_operator_stays);
	tcase_add_test(tc, test_op_deop);
	tcase_add_test(tc, test_op_deop_noop_answered);
	tcase_add_test(tc, test_operators_die_with_room);
	suite_add_tcase(s, tc);
	return s;
}
