/* test_v2_topic_kick.c: chatd-v2 §4 topics, kicks and /list, on the real
 * chatd. */
#define _DEFAULT_SOURCE
#include <stdio.h>
#include <string.h>

#include "check_main.h"
#include "harness.h"
#include "v2_util.h"

#define NOT_OP "-!- error: you are not an operator of #dev"
#define TOPIC  "Release on Friday: v2, then cake"

START_TEST(test_topic)
{
	struct srv s;
	struct conn *a, *b, *c, *d;

	srv_start_ok(&s, NULL);
	a = v2_login(s.port, "alice");
	b = v2_login(s.port, "bob");
	c = v2_login(s.port, "carol");
	d = v2_login(s.port, "dave");
	v2_join(a, "alice", "dev");
	v2_join(b, "bob", "dev");
	v2_sync(a);
	v2_sync(c);
	v2_reply(b, "/topic\n", "-!- #dev has no topic");
	v2_reply(c, "/topic\n", "-!- #lobby has no topic");
	/* Set by the operator: the whole room is told, the setter too. */
	conn_send(a, "/topic " TOPIC "\n");
	v2_next(a, "alice", "-!- alice set the topic of #dev: " TOPIC);
	v2_next(b, "bob", "-!- alice set the topic of #dev: " TOPIC);
	ck_assert(conn_quiet(c, V2_QUIET)); /* not other rooms */
	v2_reply(b, "/topic\n", "-!- topic of #dev: " TOPIC " (set by alice)");
	/* Not by anyone else. */
	v2_reply(b, "/topic mine now\n", NOT_OP);
	ck_assert(conn_quiet(a, V2_QUIET));
	v2_reply(a, "/TOPIC\n", "-!- topic of #dev: " TOPIC " (set by alice)");
	/* A joiner gets it right after its join notice; the others only
	 * the join. */
	conn_send(c, "/join dev\n");
	v2_next(c, "carol", "-!- carol has joined #dev");
	v2_next(c, "carol", "-!- topic of #dev: " TOPIC " (set by alice)");
	ck_assert(conn_quiet(c, V2_QUIET));
	v2_next(a, "alice", "-!- carol has joined #dev");
	v2_next(b, "bob", "-!- carol has joined #dev");
	ck_assert(conn_quiet(a, V2_QUIET));
	ck_assert(conn_quiet(b, 0));
	/* A new topic replaces it, and names its setter. */
	conn_send(a, "/op bob\n");
	ck_assert(conn_expect(b, "made bob an operator", NULL, 0, V2_WAIT));
	conn_send(b, "/topic second one\n");
	v2_next(b, "bob", "-!- bob set the topic of #dev: second one");
	v2_sync(a);
	v2_sync(c);
	v2_reply(c, "/topic\n", "-!- topic of #dev: second one (set by bob)");
	/* The topic outlives its setter's presence... */
	v2_join(b, "bob", "lobby");
	v2_join(a, "alice", "lobby");
	v2_sync(c);
	v2_reply(c, "/topic\n", "-!- topic of #dev: second one (set by bob)");
	/* ...but not the room. */
	v2_join(c, "carol", "lobby");
	v2_sync(d);
	conn_send(d, "/join dev\n");
	v2_next(d, "dave", "-!- dave has joined #dev");
	ck_assert_msg(conn_quiet(d, V2_QUIET),
	    "PRODUCT? a re-created room still has a topic");
	v2_reply(d, "/topic\n", "-!- #dev has no topic");
	conn_close(a);
	conn_close(b);
	conn_close(c);
	conn_close(d);
	srv_stop_ok(&s);
}
END_TEST

START_TEST(test_kick)
{
	struct srv s;
	struct conn *a, *b, *c, *d;
	const char *kick =
	    "-!- carol was kicked from #dev by alice (being rude)";

	srv_start_ok(&s, NULL);
	d = v2_login(s.port, "dave"); /* stays in #lobby, its operator */
	a = v2_login(s.port, "alice");
	b = v2_login(s.port, "bob");
	c = v2_login(s.port, "carol");
	v2_join(a, "alice", "dev");
	v2_join(b, "bob", "dev");
	v2_join(c, "carol", "dev");
	v2_sync(a);
	v2_sync(b);
	v2_sync(d);
	/* Not an operator. */
	v2_reply(b, "/kick carol\n", NOT_OP);
	/* Errors. */
	v2_reply(a, "/kick nobody\n", "-!- error: no such nick nobody in #dev");
	v2_reply(a, "/kick dave\n", "-!- error: no such nick dave in #dev");
	v2_reply(a, "/kick\n", "-!- error: usage: /kick NICK [REASON]");
	ck_assert(conn_quiet(c, V2_QUIET));
	ck_assert(conn_quiet(d, 0));
	/* With a reason: the room, carol included, then carol is moved. */
	conn_send(a, "/kick carol being rude\n");
	v2_next(a, "alice", kick);
	v2_next(b, "bob", kick);
	v2_next(c, "carol", kick);
	v2_next(c, "carol", "-!- carol has joined #lobby");
	v2_next(d, "dave", "-!- carol has joined #lobby");
	ck_assert_msg(conn_quiet(a, V2_QUIET),
	    "PRODUCT? #dev heard more than the kick line");
	ck_assert(conn_quiet(b, 0));
	v2_reply(c, "/who\n", "-!- 2 users in #lobby: @dave, carol");
	conn_send(c, "back in the lobby\n");
	v2_next(d, "dave", "<carol> back in the lobby");
	conn_send(a, "carol cannot hear this\n");
	v2_next(b, "bob", "<alice> carol cannot hear this");
	ck_assert(conn_quiet(c, V2_QUIET));
	/* Without a reason; the nick is found ignoring case. */
	conn_send(a, "/kick BOB\n");
	v2_next(a, "alice", "-!- bob was kicked from #dev by alice");
	v2_next(b, "bob", "-!- bob was kicked from #dev by alice");
	v2_next(b, "bob", "-!- bob has joined #lobby");
	v2_reply(a, "/who\n", "-!- 1 user in #dev: @alice");
	conn_close(a);
	conn_close(b);
	conn_close(c);
	conn_close(d);
	srv_stop_ok(&s);
}
END_TEST

/* Kicked from #lobby itself: disconnected; the room sees only the kick;
 * the log gets the quit reason. */
START_TEST(test_kick_from_lobby)
{
	struct srv s;
	struct conn *a, *b, *c, *e;

	srv_start_ok(&s, NULL);
	a = v2_login(s.port, "alice");
	b = v2_login(s.port, "bob");
	c = v2_login(s.port, "carol");
	e = v2_login(s.port, "erin");
	v2_sync(a);
	v2_sync(b);
	v2_sync(c);
	conn_send(a, "/kick bob spamming\n");
	v2_next(
	    a, "alice", "-!- bob was kicked from #lobby by alice (spamming)");
	v2_next(
	    c, "carol", "-!- bob was kicked from #lobby by alice (spamming)");
	v2_next(b, "bob", "-!- bob was kicked from #lobby by alice (spamming)");
	ck_assert_msg(conn_eof(b, V2_WAIT),
	    "PRODUCT? kicked from #lobby but not disconnected");
	ck_assert_msg(conn_quiet(a, V2_QUIET),
	    "PRODUCT? the room heard more than the kick line");
	ck_assert(conn_quiet(c, 0));
	v2_reply(a, "/who\n", "-!- 3 users in #lobby: @alice, carol, erin");
	/* Without a reason. */
	conn_send(a, "/kick carol\n");
	v2_next(a, "alice", "-!- carol was kicked from #lobby by alice");
	v2_next(c, "carol", "-!- carol was kicked from #lobby by alice");
	ck_assert(conn_eof(c, V2_WAIT));
	ck_assert(conn_quiet(a, V2_QUIET));
	v2_sync(e);
	v2_reply(e, "/who\n", "-!- 2 users in #lobby: @alice, erin");
	/* The nick is free again. */
	conn_close(v2_login(s.port, "bob"));
	/* The log has the quit reasons. */
	ck_assert_msg(srv_log_has(&s,
			  "(bob) disconnected: kicked by alice "
			  "(spamming)\n",
			  V2_WAIT),
	    "PRODUCT: the log's quit reason for a kick is not \"kicked by "
	    "alice (spamming)\": %s",
	    strstr(s.log, "(bob) disconnected"));
	ck_assert_msg(
	    srv_log_has(&s, "(carol) disconnected: kicked by alice\n", V2_WAIT),
	    "PRODUCT: the log's quit reason for a kick is not \"kicked by "
	    "alice\"");
	conn_close(a);
	conn_close(b);
	conn_close(c);
	conn_close(e);
	srv_stop_ok(&s);
}
END_TEST

/* #lobby's topic reaches whoever arrives there: on connecting (after the
 * welcome) and when kicked into it (after the join notice). */
START_TEST(test_lobby_topic_on_arrival)
{
	struct srv s;
	struct conn *d, *a, *b;
	const char *topic = "-!- topic of #lobby: lobby rules (set by dave)";

	srv_start_ok(&s, NULL);
	d = v2_login(s.port, "dave");
	conn_send(d, "/topic lobby rules\n");
	v2_next(d, "dave", "-!- dave set the topic of #lobby: lobby rules");
	a = conn_open(s.port);
	ck_assert_ptr_nonnull(a);
	ck_assert(
	    conn_expect(a, "-!- welcome to chatd, guest", NULL, 0, V2_WAIT));
	v2_next(a, "guest", topic);
	conn_send(a, "/nick alice\n/join dev\n");
	ck_assert(
	    conn_expect(a, "-!- alice has joined #dev", NULL, 0, V2_WAIT));
	b = v2_login(s.port, "bob");
	v2_join(b, "bob", "dev");
	v2_sync(a);
	conn_send(a, "/kick bob\n");
	v2_next(b, "bob", "-!- bob was kicked from #dev by alice");
	v2_next(b, "bob", "-!- bob has joined #lobby");
	v2_next(b, "bob", topic);
	conn_close(a);
	conn_close(b);
	conn_close(d);
	srv_stop_ok(&s);
}
END_TEST

/* Read the lines of /list from c: want[] in order, then nothing. */
static void
want_list(struct conn *c, const char *const *want)
{
	conn_send(c, "/list\n");
	for (; *want != NULL; want++)
		v2_next(c, "/list", *want);
	ck_assert_msg(conn_quiet(c, V2_QUIET), "PRODUCT? /list said more");
}

START_TEST(test_list)
{
	const char *one[] = { "-!- 1 room:", "-!- #lobby (1)", NULL };
	const char *four[] = { "-!- 4 rooms:", "-!- #alpha (1)",
		"-!- #dev (3): " TOPIC, "-!- #lobby (2)",
		"-!- #zeta (1): last: with a colon", NULL };
	const char *three[] = { "-!- 3 rooms:", "-!- #alpha (1)",
		"-!- #lobby (5)", "-!- #zeta (1): last: with a colon", NULL };
	struct srv s;
	struct conn *c[7];
	const char *nick[] = { "n0", "n1", "n2", "n3", "n4", "n5", "n6" };
	int i;

	srv_start_ok(&s, NULL);
	c[0] = v2_login(s.port, nick[0]);
	want_list(c[0], one);
	for (i = 1; i < 7; i++)
		c[i] = v2_login(s.port, nick[i]);
	v2_join(c[1], "n1", "zeta");
	v2_join(c[2], "n2", "dev");
	v2_join(c[3], "n3", "dev");
	v2_join(c[4], "n4", "dev");
	v2_join(c[5], "n5", "alpha");
	v2_sync(c[1]);
	v2_sync(c[2]);
	conn_send(c[2], "/topic " TOPIC "\n");
	ck_assert(conn_expect(c[2], "set the topic", NULL, 0, V2_WAIT));
	conn_send(c[1], "/topic last: with a colon\n");
	ck_assert(conn_expect(c[1], "set the topic", NULL, 0, V2_WAIT));
	v2_sync(c[6]);
	want_list(c[6], four);
	/* /rooms keeps its v1 form: no topics. */
	v2_reply(c[6], "/rooms\n",
	    "-!- 4 rooms: #alpha (1), #dev (3), #lobby (2), #zeta (1)");
	/* The room and its topic go when it empties. */
	v2_join(c[2], "n2", "lobby");
	v2_join(c[3], "n3", "lobby");
	v2_join(c[4], "n4", "lobby");
	v2_sync(c[6]);
	want_list(c[6], three);
	conn_send(c[4], "/join dev\n");
	v2_next(c[4], "n4", "-!- n4 has joined #dev");
	v2_sync(c[6]);
	conn_send(c[6], "/list\n");
	ck_assert(conn_expect(c[6], "-!- #dev (1)", NULL, 0, V2_WAIT));
	v2_drain(c[6], V2_QUIET);
	for (i = 0; i < 7; i++)
		conn_close(c[i]);
	srv_stop_ok(&s);
}
END_TEST

Suite *
test_suite(void)
{
	Suite *s = suite_create("integ_v2_topic_kick");
	TCase *tc = tcase_create("v2_topic_kick");

	tcase_set_timeout(tc, TEST_TIMEOUT);
	tcase_add_test(tc, test_topic);
	tcase_add_test(tc, test_kick);
	tcase_add_test(tc, test_kick_from_lobby);
	tcase_add_test(tc, test_lobby_topic_on_arrival);
	tcase_add_test(tc, test_list);
	suite_add_tcase(s, tc);
	return s;
}
