/*
 * test_chat_ops.c: the chat core's operator actions (chatd-v2 §4): topics,
 * kicks, giving and taking operator status, with every refusal; and the
 * rule that a room that has members has an operator.
 */
#include "chat_rec.h"

/* alice (operator), bob, carol in #dev, in that order. */
static struct user *alice, *bob, *carol;

static void
ops_setup(void)
{
	rec_setup();
	alice = rec_user("alice");
	bob = rec_user("bob");
	carol = rec_user("carol");
	rec_joins(alice, "Dev", (const char *)NULL);
	rec_joins(bob, "dev", (const char *)NULL);
	rec_joins(carol, "dev", (const char *)NULL);
}

START_TEST(test_topic_set)
{
	struct room *r = rec_room("dev");

	ck_assert_int_eq(
	    chat_topic(&R.chat, alice, r, "release friday", 14), 0);
	rec_expect("TOPIC nick=alice user=alice room=Dev text=\"release "
		   "friday\" @room(Dev) -> alice+,bob,carol");
	ck_assert_str_eq(r->topic, "release friday");
	ck_assert_str_eq(r->topic_by, "alice");
	ck_assert_int_eq(r->topic_ms, R.e[0].time_ms);
	/* Cleared: the event says "", the room holds none. */
	rec_clear();
	ck_assert_int_eq(chat_topic(&R.chat, alice, r, "", 0), 0);
	rec_expect("TOPIC nick=alice user=alice room=Dev text=\"\" @room(Dev) "
		   "-> alice+,bob,carol");
	ck_assert_ptr_null(r->topic);
}
END_TEST

START_TEST(test_topic_refused)
{
	struct room *r = rec_room("dev");
	struct user *dave = rec_user("dave");

	ck_assert_int_eq(chat_topic(&R.chat, bob, r, "mine", 4), E_NOT_OP);
	ck_assert_int_eq(chat_topic(&R.chat, dave, r, "mine", 4), E_NOT_MEMBER);
	rec_expect_none();
	ck_assert_ptr_null(r->topic);
}
END_TEST

/* A topic is cut at CHAT_TOPIC_MAX bytes, on a character boundary. */
START_TEST(test_topic_cut)
{
	char text[CHAT_TOPIC_MAX + 10];
	struct room *r = rec_room("dev");

	memset(text, 'x', sizeof text);
	/* "é" (2 bytes) across the limit: it goes whole. */
	text[CHAT_TOPIC_MAX - 1] = '\xc3';
	text[CHAT_TOPIC_MAX] = '\xa9';
	ck_assert_int_eq(chat_topic(&R.chat, alice, r, text, sizeof text), 0);
	ck_assert_uint_eq(strlen(r->topic), CHAT_TOPIC_MAX - 1);
}
END_TEST

/* The room, the kicked user included, hears of the kick; then the sink
 * is told so the kicked user's protocol can move it. */
START_TEST(test_kick)
{
	struct room *r = rec_room("dev");

	ck_assert_int_eq(chat_kick(&R.chat, alice, r, "BOB", "spam"), 0);
	rec_expect("KICK nick=alice user=alice room=Dev target=bob "
		   "text=\"spam\" @room(Dev) -> alice+,bob,carol",
	    "KICKED bob from Dev by alice");
	ck_assert_ptr_null(chat_member(bob, r));
	ck_assert_int_eq(bob->nrooms, 0);
	ck_assert_int_eq(r->count, 2);
	ck_assert_int_eq(bob->visible, 1);
	rec_clear();
	ck_assert_int_eq(chat_kick(&R.chat, alice, r, "carol", NULL), 0);
	rec_expect("KICK nick=alice user=alice room=Dev target=carol "
		   "text=\"\" @room(Dev) -> alice+,carol",
	    "KICKED carol from Dev by alice");
}
END_TEST

START_TEST(test_kick_refused)
{
	struct room *r = rec_room("dev");
	struct user *dave = rec_user("dave");

	(void)rec_guest("hidden");
	rec_joins(dave, "ops", (const char *)NULL);
	ck_assert_int_eq(chat_kick(&R.chat, bob, r, "carol", NULL), E_NOT_OP);
	ck_assert_int_eq(
	    chat_kick(&R.chat, dave, r, "carol", NULL), E_NOT_MEMBER);
	ck_assert_int_eq(
	    chat_kick(&R.chat, alice, r, "nobody", NULL), E_NOT_IN_ROOM);
	ck_assert_int_eq(
	    chat_kick(&R.chat, alice, r, "dave", NULL), E_NOT_IN_ROOM);
	ck_assert_int_eq(
	    chat_kick(&R.chat, alice, r, "hidden", NULL), E_NOT_IN_ROOM);
	rec_expect_none();
	ck_assert_int_eq(r->count, 3);
}
END_TEST

START_TEST(test_kick_reason_cut)
{
	char reason[CHAT_KICK_MAX + 20];

	memset(reason, 'r', sizeof reason - 1);
	reason[sizeof reason - 1] = '\0';
	ck_assert_int_eq(
	    chat_kick(&R.chat, alice, rec_room("dev"), "bob", reason), 0);
	ck_assert_int_eq(R.n, 2);
	ck_assert_ptr_nonnull(strstr(R.e[0].line, "rrr\" @room"));
	ck_assert_uint_eq(strchr(strstr(R.e[0].line, "text=\"") + 6, '"') -
		(strstr(R.e[0].line, "text=\"") + 6),
	    CHAT_KICK_MAX);
}
END_TEST

/* The last operator kicking itself out is the last operator leaving. */
START_TEST(test_kick_self_promotes)
{
	ck_assert_int_eq(
	    chat_kick(&R.chat, alice, rec_room("dev"), "alice", "bye"), 0);
	rec_expect("KICK nick=alice user=alice room=Dev target=alice "
		   "text=\"bye\" @room(Dev) -> alice+,bob,carol",
	    "MODE room=Dev target=bob flags=0x10 @room(Dev) -> bob,carol",
	    "KICKED alice from Dev by alice");
	ck_assert_int_eq(rec_is_op(bob, "dev"), 1);
}
END_TEST

/*
 * Kicking oneself out of a room one is alone in empties it: the room is
 * freed, and the kick event that the sink's kicked() then gets must still
 * name the room (chat.h: "ev is the kick"; text_kicked reads ev->room).
 */
START_TEST(test_kick_self_alone)
{
	struct user *dave = rec_user("dave");

	rec_joins(dave, "solo", (const char *)NULL);
	ck_assert_int_eq(
	    chat_kick(&R.chat, dave, rec_room("solo"), "dave", NULL), 0);
	rec_expect("KICK nick=dave user=dave room=solo target=dave text=\"\" "
		   "@room(solo) -> dave+",
	    "GONE solo", "KICKED dave from solo by dave");
	ck_assert_ptr_null(chat_find_room(&R.chat, "solo"));
}
END_TEST

START_TEST(test_op_give_take)
{
	struct room *r = rec_room("dev");

	ck_assert_int_eq(chat_op(&R.chat, alice, r, "Bob", 1), 0);
	rec_expect("MODE nick=alice user=alice room=Dev target=bob flags=0x10 "
		   "@room(Dev) -> alice+,bob,carol");
	ck_assert_int_eq(rec_is_op(bob, "dev"), 1);
	ck_assert_int_eq(r->nops, 2);
	/* The new operator may act, on the old one too. */
	rec_clear();
	ck_assert_int_eq(chat_op(&R.chat, bob, r, "alice", 0), 0);
	rec_expect("MODE nick=bob user=bob room=Dev target=alice @room(Dev) "
		   "-> alice,bob+,carol");
	ck_assert_int_eq(rec_is_op(alice, "dev"), 0);
	ck_assert_int_eq(r->nops, 1);
}
END_TEST

START_TEST(test_op_no_op)
{
	struct room *r = rec_room("dev");

	ck_assert_int_eq(chat_op(&R.chat, alice, r, "alice", 1), CHAT_NOTHING);
	ck_assert_int_eq(chat_op(&R.chat, alice, r, "bob", 0), CHAT_NOTHING);
	rec_expect_none();
	ck_assert_int_eq(r->nops, 1);
}
END_TEST

START_TEST(test_op_refused)
{
	struct room *r = rec_room("dev");
	struct user *dave = rec_user("dave");

	rec_joins(dave, "ops", (const char *)NULL);
	ck_assert_int_eq(chat_op(&R.chat, bob, r, "carol", 1), E_NOT_OP);
	ck_assert_int_eq(chat_op(&R.chat, bob, r, "alice", 0), E_NOT_OP);
	ck_assert_int_eq(chat_op(&R.chat, dave, r, "bob", 1), E_NOT_MEMBER);
	ck_assert_int_eq(chat_op(&R.chat, alice, r, "dave", 1), E_NOT_IN_ROOM);
	ck_assert_int_eq(chat_op(&R.chat, alice, r, "zed", 1), E_NOT_IN_ROOM);
	rec_expect_none();
	ck_assert_int_eq(r->nops, 1);
}
END_TEST

/* An operator made by hand who leaves is not the last one: the one that
 * stays keeps the room; when both go, the longest-present takes over. */
START_TEST(test_two_ops_leave)
{
	struct room *r = rec_room("dev");

	ck_assert_int_eq(chat_op(&R.chat, alice, r, "carol", 1), 0);
	rec_clear();
	chat_quit(&R.chat, alice, EV_QUIT_CLOSED, NULL);
	ck_assert_int_eq(R.n, 1);
	chat_quit(&R.chat, carol, EV_QUIT_RESET, NULL);
	rec_expect("QUIT nick=alice user=alice text=\"\" quit=closed "
		   "@neighbours(alice) -> bob,carol",
	    "QUIT nick=carol user=carol text=\"\" quit=reset "
	    "@neighbours(carol) -> bob",
	    "MODE room=Dev target=bob flags=0x10 @room(Dev) -> bob");
	ck_assert_int_eq(r->nops, 1);
}
END_TEST

/*
 * DESIGN.md: a room "always has an operator when it does [have members]"
 * (the fuzz target checks the same, ops == 0 is a failure). The last
 * operator taking its own status away must not leave a room of members
 * without one.
 */
START_TEST(test_self_deop_keeps_an_operator)
{
	struct room *r = rec_room("dev");
	struct member *m;
	int ops = 0;

	(void)chat_op(&R.chat, alice, r, "alice", 0);
	TAILQ_FOREACH(m, &r->members, in_room)
		ops += m->op;
	ck_assert_int_eq(ops, r->nops);
	ck_assert_msg(r->nops >= 1,
	    "#%s has %d members and no operator after its last one deopped "
	    "itself",
	    r->name, r->count);
}
END_TEST

Suite *
test_suite(void)
{
	Suite *s = suite_create("chat_ops");
	TCase *tc = tcase_create("operators");

	tcase_set_timeout(tc, TEST_TIMEOUT);
	tcase_add_checked_fixture(tc, ops_setup, rec_teardown);
	tcase_add_test(tc, test_topic_set);
	tcase_add_test(tc, test_topic_refused);
	tcase_add_test(tc, test_topic_cut);
	tcase_add_test(tc, test_kick);
	tcase_add_test(tc, test_kick_refused);
	tcase_add_test(tc, test_kick_reason_cut);
	tcase_add_test(tc, test_kick_self_promotes);
	tcase_add_test(tc, test_kick_self_alone);
	tcase_add_test(tc, test_op_give_take);
	tcase_add_test(tc, test_op_no_op);
	tcase_add_test(tc, test_op_refused);
	tcase_add_test(tc, test_two_ops_leave);
	tcase_add_test(tc, test_self_deop_keeps_an_operator);
	suite_add_tcase(s, tc);
	return s;
}
