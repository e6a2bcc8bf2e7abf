/*
 * test_chat_msg.c: the chat core's messages: to a room (with each flag),
 * private (to oneself, to an away user), away; what reaches the history
 * store; and the ids, msgids and times every event carries.
 */
#include <errno.h>

#include "chat_rec.h"
#include "history_util.h"

/* A room message reaches every member; the sender gets its own view. */
START_TEST(test_say_to_room)
{
	struct user *alice = rec_user("alice"), *bob = rec_user("bob");
	struct user *carol = rec_user("carol"), *dave = rec_user("dave");

	rec_joins(alice, "Dev", (const char *)NULL);
	rec_joins(bob, "dev", (const char *)NULL);
	rec_joins(carol, "dev", (const char *)NULL);
	rec_joins(dave, "ops", (const char *)NULL);
	ck_assert_int_eq(
	    chat_say(&R.chat, bob, "DEV", "hi all", 6, 0, NULL), 0);
	rec_expect("MESSAGE nick=bob user=bob room=Dev text=\"hi all\" "
		   "@room(Dev) -> alice,bob+,carol");
	/* len, not the NUL, says where the text ends. */
	rec_clear();
	ck_assert_int_eq(
	    chat_say(&R.chat, bob, "dev", "hi all", 2, 0, NULL), 0);
	rec_expect("MESSAGE nick=bob user=bob room=Dev text=\"hi\" "
		   "@room(Dev) -> alice,bob+,carol");
}
END_TEST

/* Each flag, and the tags, pass through as given. */
START_TEST(test_say_flags)
{
	static const unsigned flags[] = { EV_F_ACTION, EV_F_NOTICE, EV_F_CTCP,
		EV_F_TAGMSG, EV_F_ACTION | EV_F_NOTICE };
	struct user *alice = rec_irc_user("alice", "al");
	struct user *bob = rec_user("bob");
	char want[REC_LINE];
	size_t i;

	rec_joins(alice, "dev", (const char *)NULL);
	rec_joins(bob, "dev", (const char *)NULL);
	for (i = 0; i < sizeof flags / sizeof flags[0]; i++) {
		rec_clear();
		ck_assert_int_eq(chat_say(&R.chat, alice, "dev", "x", 1,
				     flags[i], "+draft/reply=abc"),
		    0);
		/* alice is on IRC: her messages say so (EV_F_IRC), so IRC
		 * recipients cut rather than split them. */
		snprintf(want, sizeof want,
		    "MESSAGE nick=alice user=al room=dev text=\"x\" "
		    "tags=+draft/reply=abc flags=%#x @room(dev) -> alice+,bob",
		    flags[i] | EV_F_IRC);
		rec_expect(want);
	}
}
END_TEST

START_TEST(test_say_refused)
{
	struct user *alice = rec_user("alice"), *bob = rec_user("bob");

	rec_joins(alice, "dev", (const char *)NULL);
	ck_assert_int_eq(
	    chat_say(&R.chat, bob, "nowhere", "x", 1, 0, NULL), E_NO_SUCH_ROOM);
	ck_assert_int_eq(
	    chat_say(&R.chat, bob, "dev", "x", 1, 0, NULL), E_CANNOT_SEND);
	rec_expect_none();
}
END_TEST

/* Idle time counts from the last message; CTCP and TAGMSG do not count. */
START_TEST(test_say_activity)
{
	struct user *alice = rec_user("alice");

	rec_joins(alice, "dev", (const char *)NULL);
	alice->active_ms = 1;
	ck_assert_int_eq(
	    chat_say(&R.chat, alice, "dev", "x", 1, EV_F_CTCP, NULL), 0);
	ck_assert_int_eq(
	    chat_say(&R.chat, alice, "dev", "", 0, EV_F_TAGMSG, "+typing"), 0);
	ck_assert_int_eq(alice->active_ms, 1);
	ck_assert_int_eq(chat_say(&R.chat, alice, "dev", "x", 1, 0, NULL), 0);
	ck_assert_int_eq(alice->active_ms, R.e[R.n - 1].time_ms);
	alice->active_ms = 1;
	ck_assert_int_eq(
	    chat_tell(&R.chat, alice, "alice", "x", 1, 0, NULL), 0);
	ck_assert_int_eq(alice->active_ms, R.e[R.n - 1].time_ms);
}
END_TEST

/* A private message goes to its recipient, then to the sender as its own
 * view: one event (one id), handed over twice. */
START_TEST(test_tell)
{
	struct user *alice = rec_user("alice"), *bob = rec_user("bob");

	(void)alice;
	ck_assert_int_eq(
	    chat_tell(&R.chat, alice, "BOB", "psst", 4, 0, NULL), 0);
	rec_expect("MESSAGE nick=alice user=alice target=bob text=\"psst\" "
		   "@user(bob) -> bob",
	    "MESSAGE nick=alice user=alice target=bob text=\"psst\" "
	    "@user(alice) -> alice+");
	ck_assert_uint_eq(R.e[0].id, R.e[1].id);
	ck_assert_str_eq(R.e[0].msgid, R.e[1].msgid);
	ck_assert_str_eq(bob->nick, "bob");
}
END_TEST

/* To oneself it arrives once, as to anyone else. */
START_TEST(test_tell_self)
{
	struct user *alice = rec_user("alice");

	ck_assert_int_eq(
	    chat_tell(&R.chat, alice, "Alice", "note", 4, EV_F_ACTION, NULL),
	    0);
	rec_expect("MESSAGE nick=alice user=alice target=alice text=\"note\" "
		   "flags=0x1 @user(alice) -> alice");
}
END_TEST

START_TEST(test_tell_no_such_nick)
{
	struct user *alice = rec_user("alice");

	(void)rec_guest("hidden");
	ck_assert_int_eq(chat_tell(&R.chat, alice, "nobody", "x", 1, 0, NULL),
	    E_NO_SUCH_NICK);
	/* Holding a nick is not being there. */
	ck_assert_int_eq(chat_tell(&R.chat, alice, "hidden", "x", 1, 0, NULL),
	    E_NO_SUCH_NICK);
	rec_expect_none();
}
END_TEST

/* Telling an away user: the delivery, then its away text to the sender;
 * not for a NOTICE or a TAGMSG (never answered). */
START_TEST(test_tell_away)
{
	struct user *alice = rec_user("alice"), *bob = rec_user("bob");
	char want[REC_LINE];

	chat_away(&R.chat, bob, "at lunch");
	rec_clear();
	ck_assert_int_eq(chat_tell(&R.chat, alice, "bob", "hi", 2, 0, NULL), 0);
	snprintf(want, sizeof want,
	    "REPLY nick=bob target=alice text=\"at lunch\" code=%d "
	    "@user(alice) -> alice+",
	    R_AWAY);
	rec_expect("MESSAGE nick=alice user=alice target=bob text=\"hi\" "
		   "@user(bob) -> bob",
	    "MESSAGE nick=alice user=alice target=bob text=\"hi\" "
	    "@user(alice) -> alice+",
	    want);
	ck_assert_uint_gt(R.e[2].id, R.e[1].id);
	rec_clear();
	ck_assert_int_eq(
	    chat_tell(&R.chat, alice, "bob", "x", 1, EV_F_CTCP, NULL), 0);
	ck_assert_int_eq(R.n, 3);
	rec_clear();
	ck_assert_int_eq(
	    chat_tell(&R.chat, alice, "bob", "x", 1, EV_F_NOTICE, NULL), 0);
	ck_assert_int_eq(R.n, 2);
	rec_clear();
	ck_assert_int_eq(
	    chat_tell(&R.chat, alice, "bob", "", 0, EV_F_TAGMSG, "+t"), 0);
	ck_assert_int_eq(R.n, 2);
	/* Away and telling oneself: once, then the away text. */
	rec_clear();
	ck_assert_int_eq(chat_tell(&R.chat, bob, "bob", "me", 2, 0, NULL), 0);
	ck_assert_int_eq(R.n, 2);
	ck_assert_ptr_nonnull(strstr(R.e[0].line, "@user(bob) -> bob"));
	ck_assert_ptr_nonnull(strstr(R.e[1].line, "REPLY nick=bob"));
}
END_TEST

START_TEST(test_away)
{
	struct user *alice = rec_user("alice");
	char on[REC_LINE], off[REC_LINE], text[CHAT_AWAY_MAX + 50];

	snprintf(on, sizeof on,
	    "REPLY nick=alice user=alice code=%d @user(alice) -> alice+",
	    R_AWAY_ON);
	snprintf(off, sizeof off,
	    "REPLY nick=alice user=alice code=%d @user(alice) -> alice+",
	    R_AWAY_OFF);
	chat_away(&R.chat, alice, "gone fishing");
	rec_expect(on);
	ck_assert_str_eq(alice->away, "gone fishing");
	rec_clear();
	chat_away(&R.chat, alice, "");
	rec_expect(off);
	ck_assert_ptr_null(alice->away);
	rec_clear();
	chat_away(&R.chat, alice, "x");
	chat_away(&R.chat, alice, NULL);
	rec_expect(on, off);
	ck_assert_ptr_null(alice->away);
	/* Kept up to CHAT_AWAY_MAX bytes. */
	memset(text, 'a', sizeof text - 1);
	text[sizeof text - 1] = '\0';
	chat_away(&R.chat, alice, text);
	ck_assert_uint_eq(strlen(alice->away), CHAT_AWAY_MAX);
}
END_TEST

/* The away text is cut like a topic: never inside a character, so no
 * stray byte of one reaches whoever is told it (chatd-v2 §2). */
START_TEST(test_away_cut_on_character)
{
	struct user *alice = rec_user("alice");
	char text[CHAT_AWAY_MAX + 8];

	memset(text, 'a', CHAT_AWAY_MAX - 1);
	/* "é" (2 bytes) across the limit */
	memcpy(text + CHAT_AWAY_MAX - 1, "\xc3\xa9 later", 9);
	chat_away(&R.chat, alice, text);
	ck_assert_ptr_nonnull(alice->away);
	ck_assert_msg(strlen(alice->away) == CHAT_AWAY_MAX - 1,
	    "away text of %zu bytes ends in byte %#x: half a character",
	    strlen(alice->away),
	    (unsigned char)alice->away[strlen(alice->away) - 1]);
}
END_TEST

static void
history_setup(void)
{
	rec_setup_history(3, 64 * 1024);
}

/* Room messages, actions and notices are kept; CTCP, TAGMSG and private
 * messages are not; the newest per_room are, with the events' own ids. */
START_TEST(test_history_kept)
{
	struct user *alice = rec_user("alice"), *bob = rec_user("bob");
	uint64_t ids[3];
	struct got *g;

	rec_joins(alice, "Dev", (const char *)NULL);
	rec_joins(bob, "dev", (const char *)NULL);
	ck_assert_int_eq(chat_say(&R.chat, alice, "dev", "one", 3, 0, NULL), 0);
	ck_assert_int_eq(
	    chat_say(&R.chat, alice, "dev", "ctcp", 4, EV_F_CTCP, NULL), 0);
	ck_assert_int_eq(
	    chat_say(&R.chat, bob, "dev", "", 0, EV_F_TAGMSG, "+typing"), 0);
	ck_assert_int_eq(
	    chat_tell(&R.chat, alice, "bob", "priv", 4, 0, NULL), 0);
	g = run(R.history, HISTORY_LATEST, "DEV", ref_none(), ref_none(), 10);
	expect_ids(g, 1, (unsigned)R.e[0].id);
	ck_assert_str_eq(g->ev[0]->text, "one");
	ck_assert_str_eq(g->ev[0]->room, "Dev");
	ck_assert_str_eq(g->ev[0]->msgid, R.e[0].msgid);
	ck_assert_int_eq(g->ev[0]->time_ms, R.e[0].time_ms);
	rec_clear();
	ck_assert_int_eq(
	    chat_say(&R.chat, bob, "dev", "waves", 5, EV_F_ACTION, NULL), 0);
	ids[0] = R.e[0].id;
	ck_assert_int_eq(
	    chat_say(&R.chat, bob, "dev", "note", 4, EV_F_NOTICE, NULL), 0);
	ids[1] = R.e[1].id;
	ck_assert_int_eq(
	    chat_say(&R.chat, alice, "dev", "last", 4, 0, NULL), 0);
	ids[2] = R.e[2].id;
	g = run(R.history, HISTORY_LATEST, "dev", ref_none(), ref_none(), 10);
	expect_ids(g, 3, (unsigned)ids[0], (unsigned)ids[1], (unsigned)ids[2]);
	ck_assert_uint_eq(g->ev[0]->flags, EV_F_ACTION);
	ck_assert_uint_eq(g->ev[1]->flags, EV_F_NOTICE);
	ck_assert_uint_eq(stats(R.history).events, 3);
}
END_TEST

/* History outlives its room. */
START_TEST(test_history_outlives_room)
{
	struct user *alice = rec_user("alice");
	struct got *g;

	rec_joins(alice, "dev", (const char *)NULL);
	ck_assert_int_eq(chat_say(&R.chat, alice, "dev", "hi", 2, 0, NULL), 0);
	ck_assert_int_eq(
	    chat_part(&R.chat, alice, rec_room("dev"), NULL, 0), 0);
	ck_assert_ptr_null(chat_find_room(&R.chat, "dev"));
	g = run(R.history, HISTORY_LATEST, "dev", ref_none(), ref_none(), 10);
	expect_ids(g, 1, (unsigned)R.e[0].id);
}
END_TEST

/* Two events made in a row: consecutive ids, their msgids name them. */
START_TEST(test_ev_init_ids)
{
	char b1[CHAT_MSGID_MAX + 1], b2[CHAT_MSGID_MAX + 1];
	struct ev e1, e2;

	chat_ev_init(&R.chat, &e1, EV_JOIN, b1);
	chat_ev_init(&R.chat, &e2, EV_PART, b2);
	ck_assert_int_eq(e1.kind, EV_JOIN);
	ck_assert_int_eq(e2.kind, EV_PART);
	ck_assert_uint_eq(e1.id, 1);
	ck_assert_uint_eq(e2.id, 2);
	ck_assert_ptr_eq(e1.msgid, b1);
	ck_assert_uint_eq(strlen(b1), CHAT_MSGID_PREFIX + CHAT_MSGID_DIGITS);
	ck_assert_int_eq(memcmp(b1, R.chat.msgid_prefix, CHAT_MSGID_PREFIX), 0);
	ck_assert_str_eq(b1 + CHAT_MSGID_PREFIX, "000000000001");
	/* ids sort as text in the order of events */
	ck_assert_int_lt(strcmp(b1, b2), 0);
	ck_assert_uint_eq(chat_msgid_id(&R.chat, b1), 1);
	ck_assert_uint_eq(chat_msgid_id(&R.chat, b2), 2);
	ck_assert_int_ge(e2.time_ms, e1.time_ms);
	ck_assert_int_eq(R.chat.last_ms, e2.time_ms);
	ck_assert_ptr_null(e1.nick);
	ck_assert_uint_eq(e1.flags, 0);
}
END_TEST

/* The wall clock cannot be stepped back here, but the rule can be seen:
 * an event is never earlier than the latest one. */
START_TEST(test_ev_time_never_back)
{
	char b[CHAT_MSGID_MAX + 1];
	int64_t later = chat_clock_ms() + 3600 * 1000;
	struct user *alice = rec_user("alice");
	struct ev e;

	R.chat.last_ms = later;
	chat_ev_init(&R.chat, &e, EV_JOIN, b);
	ck_assert_int_eq(e.time_ms, later);
	ck_assert_int_eq(R.chat.last_ms, later);
	/* And the core's own events follow it. */
	R.last_ms = 0;
	rec_joins(alice, "dev", (const char *)NULL);
	ck_assert_int_eq(chat_say(&R.chat, alice, "dev", "x", 1, 0, NULL), 0);
	ck_assert_int_eq(R.e[0].time_ms, later);
	ck_assert_int_eq(R.chat.last_ms, later);
}
END_TEST

START_TEST(test_msgid_id_refuses)
{
	char b[CHAT_MSGID_MAX + 1], s[CHAT_MSGID_MAX + 8];
	struct ev e;
	int i;

	for (i = 0; i < 300; i++)
		chat_ev_init(&R.chat, &e, EV_JOIN, b);
	ck_assert_str_eq(b + CHAT_MSGID_PREFIX, "00000000012c");
	ck_assert_uint_eq(chat_msgid_id(&R.chat, b), 300);
	snprintf(s, sizeof s, "%s-12", b);
	ck_assert_uint_eq(chat_msgid_id(&R.chat, s), 300);
	snprintf(s, sizeof s, "%sx", b);
	ck_assert_uint_eq(chat_msgid_id(&R.chat, s), 0);
	snprintf(s, sizeof s, "%.*s", (int)strlen(b) - 1, b);
	ck_assert_uint_eq(chat_msgid_id(&R.chat, s), 0);
	snprintf(s, sizeof s, "%s", b);
	s[CHAT_MSGID_PREFIX + 3] = 'g';
	ck_assert_uint_eq(chat_msgid_id(&R.chat, s), 0);
	snprintf(s, sizeof s, "%s", b);
	s[0] = s[0] == 'z' ? 'y' : 'z'; /* another server's start */
	ck_assert_uint_eq(chat_msgid_id(&R.chat, s), 0);
	ck_assert_uint_eq(chat_msgid_id(&R.chat, ""), 0);
	ck_assert_uint_eq(chat_msgid_id(&R.chat, R.chat.msgid_prefix), 0);
}
END_TEST

/* Over a run of every kind of action, the recorder's checks hold: ids
 * strictly increase between events, every msgid maps back, times do not
 * go back. */
START_TEST(test_ids_over_actions)
{
	struct user *alice = rec_user("alice"), *bob = rec_user("bob");
	int i;

	for (i = 0; i < 20; i++) {
		rec_clear();
		ck_assert_int_eq(chat_join(&R.chat, alice, "dev", 0), 0);
		ck_assert_int_eq(chat_join(&R.chat, bob, "dev", 0), 0);
		ck_assert_int_eq(
		    chat_say(&R.chat, bob, "dev", "x", 1, 0, NULL), 0);
		ck_assert_int_eq(
		    chat_tell(&R.chat, bob, "alice", "y", 1, 0, NULL), 0);
		ck_assert_int_eq(
		    chat_topic(&R.chat, alice, rec_room("dev"), "t", 1), 0);
		ck_assert_int_eq(
		    chat_op(&R.chat, alice, rec_room("dev"), "bob", 1), 0);
		chat_away(&R.chat, bob, i % 2 ? "away" : NULL);
		ck_assert_int_eq(
		    chat_nick(&R.chat, bob, i % 2 ? "bob" : "Bob"), 0);
		ck_assert_int_eq(
		    chat_kick(&R.chat, bob, rec_room("dev"), "alice", "r"), 0);
		ck_assert_int_eq(
		    chat_part(&R.chat, bob, rec_room("dev"), NULL, 0), 0);
	}
	ck_assert_int_ge(R.emits, 20 * 11);
	ck_assert_uint_eq(R.chat.next_id, R.last_id);
}
END_TEST

Suite *
test_suite(void)
{
	Suite *s = suite_create("chat_msg");
	TCase *tc = tcase_create("messages");
	TCase *th = tcase_create("history");

	tcase_set_timeout(tc, TEST_TIMEOUT);
	tcase_add_checked_fixture(tc, rec_setup, rec_teardown);
	tcase_add_test(tc, test_say_to_room);
	tcase_add_test(tc, test_say_flags);
	tcase_add_test(tc, test_say_refused);
	tcase_add_test(tc, test_say_activity);
	tcase_add_test(tc, test_tell);
	tcase_add_test(tc, test_tell_self);
	tcase_add_test(tc, test_tell_no_such_nick);
	tcase_add_test(tc, test_tell_away);
	tcase_add_test(tc, test_away);
	tcase_add_test(tc, test_away_cut_on_character);
	tcase_add_test(tc, test_ev_init_ids);
	tcase_add_test(tc, test_ev_time_never_back);
	tcase_add_test(tc, test_msgid_id_refuses);
	tcase_add_test(tc, test_ids_over_actions);
	suite_add_tcase(s, tc);
	tcase_set_timeout(th, TEST_TIMEOUT);
	tcase_add_checked_fixture(th, history_setup, rec_teardown);
	tcase_add_test(th, test_history_kept);
	tcase_add_test(th, test_history_outlives_room);
	suite_add_tcase(s, th);
	return s;
}
