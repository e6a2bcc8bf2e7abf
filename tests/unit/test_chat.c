/*
 * test_chat.c: the chat core without sockets: joins, parts, quits, nicks,
 * guests and the rooms' life (created on first join, operator first,
 * freed when emptied). Each test states the exact events, in order, with
 * the users each reached (chat_rec.h). Messages are in test_chat_msg.c,
 * operators' actions in test_chat_ops.c.
 */
#include "chat_rec.h"

START_TEST(test_join_new_room)
{
	struct user *alice = rec_user("alice");
	struct room *r;

	ck_assert_int_eq(chat_join(&R.chat, alice, "Dev", 0), 0);
	rec_expect("JOIN nick=alice user=alice room=Dev @room(Dev) -> alice+");
	r = rec_room("dEV");
	ck_assert_str_eq(r->name, "Dev");
	ck_assert_int_eq(r->count, 1);
	ck_assert_int_eq(r->nops, 1);
	ck_assert_int_eq(rec_is_op(alice, "dev"), 1);
	ck_assert_int_eq(R.chat.nrooms, 1);
	ck_assert_int_eq(alice->nrooms, 1);
}
END_TEST

/* A room keeps the spelling it was made with; later joins name it in any
 * case, and are not operators. */
START_TEST(test_join_existing_room)
{
	struct user *alice = rec_user("alice"), *bob = rec_user("bob");

	rec_joins(alice, "Dev", (const char *)NULL);
	ck_assert_int_eq(chat_join(&R.chat, bob, "DEV", 0), 0);
	rec_expect("JOIN nick=bob user=bob room=Dev @room(Dev) -> alice,bob+");
	ck_assert_int_eq(rec_is_op(bob, "dev"), 0);
	ck_assert_int_eq(rec_room("dev")->count, 2);
	ck_assert_int_eq(rec_room("dev")->nops, 1);
	ck_assert_int_eq(R.chat.nrooms, 1);
}
END_TEST

START_TEST(test_join_quiet_self)
{
	struct user *alice = rec_user("alice"), *bob = rec_user("bob");

	rec_joins(alice, "dev", (const char *)NULL);
	ck_assert_int_eq(chat_join(&R.chat, bob, "dev", CHAT_F_QUIET_SELF), 0);
	rec_expect("JOIN nick=bob user=bob room=dev @room(dev) except(bob) -> "
		   "alice");
}
END_TEST

/* An IRC user's events carry its username. */
START_TEST(test_join_irc_user)
{
	struct user *alice = rec_user("alice");
	struct user *bob = rec_irc_user("bob", "bobby");

	rec_joins(alice, "dev", (const char *)NULL);
	ck_assert_int_eq(chat_join(&R.chat, bob, "dev", 0), 0);
	rec_expect(
	    "JOIN nick=bob user=bobby room=dev @room(dev) -> alice,bob+");
}
END_TEST

START_TEST(test_join_twice_is_nothing)
{
	struct user *alice = rec_user("alice");

	rec_joins(alice, "dev", (const char *)NULL);
	ck_assert_int_eq(chat_join(&R.chat, alice, "DEV", 0), CHAT_NOTHING);
	rec_expect_none();
	ck_assert_int_eq(alice->nrooms, 1);
}
END_TEST

START_TEST(test_join_invalid_names)
{
	static const char *const bad[] = { "", "#dev", "two words", "a/b",
		"dev!", "\xc3\xa9t\xc3\xa9",
		"abcdefghijklmnopqrstuvwxyz0123456" /* 33 */ };
	struct user *alice = rec_user("alice");
	size_t i;

	for (i = 0; i < sizeof bad / sizeof bad[0]; i++)
		ck_assert_msg(
		    chat_join(&R.chat, alice, bad[i], 0) == E_ROOM_INVALID,
		    "%s", bad[i]);
	rec_expect_none();
	ck_assert_int_eq(R.chat.nrooms, 0);
	ck_assert_int_eq(alice->nrooms, 0);
	/* 32 characters and every allowed one. */
	ck_assert_int_eq(
	    chat_join(&R.chat, alice, "abcdefghijklmnopqrstuvwxyz012345", 0),
	    0);
	ck_assert_int_eq(chat_join(&R.chat, alice, "A-z_09", 0), 0);
	ck_assert_int_eq(R.chat.nrooms, 2);
}
END_TEST

/* CHAT_ROOMS_MAX rooms at once, not one more. */
START_TEST(test_join_too_many)
{
	struct user *alice = rec_user("alice");
	char name[16];
	int i;

	for (i = 0; i < CHAT_ROOMS_MAX; i++) {
		snprintf(name, sizeof name, "r%d", i);
		ck_assert_int_eq(chat_join(&R.chat, alice, name, 0), 0);
	}
	ck_assert_int_eq(CHAT_ROOMS_MAX, 50);
	rec_clear();
	ck_assert_int_eq(chat_join(&R.chat, alice, "one-more", 0), E_TOO_MANY);
	rec_expect_none();
	ck_assert_ptr_null(chat_find_room(&R.chat, "one-more"));
	ck_assert_int_eq(R.chat.nrooms, CHAT_ROOMS_MAX);
	ck_assert_int_eq(alice->nrooms, CHAT_ROOMS_MAX);
	/* A room it is in already is still nothing to do, not too many. */
	ck_assert_int_eq(chat_join(&R.chat, alice, "R7", 0), CHAT_NOTHING);
	/* One out, one in. */
	ck_assert_int_eq(
	    chat_part(&R.chat, alice, rec_room("r7"), NULL, CHAT_F_QUIET_SELF),
	    0);
	ck_assert_int_eq(chat_join(&R.chat, alice, "one-more", 0), 0);
}
END_TEST

START_TEST(test_part_with_reason)
{
	struct user *alice = rec_user("alice"), *bob = rec_user("bob");

	rec_joins(alice, "dev", (const char *)NULL);
	rec_joins(bob, "dev", (const char *)NULL);
	ck_assert_int_eq(chat_part(&R.chat, bob, rec_room("dev"), "bye", 0), 0);
	rec_expect("PART nick=bob user=bob room=dev text=\"bye\" @room(dev) -> "
		   "alice,bob+");
	ck_assert_ptr_null(chat_member(bob, rec_room("dev")));
	ck_assert_int_eq(bob->nrooms, 0);
	ck_assert_int_eq(rec_room("dev")->count, 1);
}
END_TEST

START_TEST(test_part_without_reason)
{
	struct user *alice = rec_user("alice"), *bob = rec_user("bob");

	rec_joins(alice, "dev", (const char *)NULL);
	rec_joins(bob, "dev", (const char *)NULL);
	ck_assert_int_eq(chat_part(&R.chat, bob, rec_room("dev"), NULL, 0), 0);
	rec_expect("PART nick=bob user=bob room=dev text=\"\" @room(dev) -> "
		   "alice,bob+");
	rec_clear();
	rec_joins(bob, "dev", (const char *)NULL);
	ck_assert_int_eq(
	    chat_part(&R.chat, bob, rec_room("dev"), "", CHAT_F_QUIET_SELF), 0);
	rec_expect("PART nick=bob user=bob room=dev text=\"\" @room(dev) "
		   "except(bob) -> alice");
}
END_TEST

START_TEST(test_part_not_member)
{
	struct user *alice = rec_user("alice"), *bob = rec_user("bob");

	rec_joins(alice, "dev", (const char *)NULL);
	ck_assert_int_eq(
	    chat_part(&R.chat, bob, rec_room("dev"), "x", 0), E_NOT_MEMBER);
	rec_expect_none();
	ck_assert_int_eq(rec_room("dev")->count, 1);
}
END_TEST

/* The last operator leaves: the longest-present member takes over (join
 * order, not name order), and the room is told, with no actor. */
START_TEST(test_part_last_op_promotes)
{
	struct user *alice = rec_user("alice"), *bob = rec_user("bob");
	struct user *carol = rec_user("carol");

	rec_joins(alice, "dev", (const char *)NULL);
	rec_joins(carol, "dev", (const char *)NULL);
	rec_joins(bob, "dev", (const char *)NULL);
	ck_assert_int_eq(
	    chat_part(&R.chat, alice, rec_room("dev"), NULL, 0), 0);
	rec_expect("PART nick=alice user=alice room=dev text=\"\" @room(dev) "
		   "-> alice+,bob,carol",
	    "MODE room=dev target=carol flags=0x10 @room(dev) -> bob,carol");
	ck_assert_int_eq(rec_is_op(carol, "dev"), 1);
	ck_assert_int_eq(rec_is_op(bob, "dev"), 0);
	ck_assert_int_eq(rec_room("dev")->nops, 1);
}
END_TEST

/* No promotion while an operator stays, or when a non-operator leaves. */
START_TEST(test_part_no_promotion)
{
	struct user *alice = rec_user("alice"), *bob = rec_user("bob");
	struct user *carol = rec_user("carol");

	rec_joins(alice, "dev", (const char *)NULL);
	rec_joins(bob, "dev", (const char *)NULL);
	rec_joins(carol, "dev", (const char *)NULL);
	ck_assert_int_eq(
	    chat_part(&R.chat, bob, rec_room("dev"), NULL, CHAT_F_QUIET_SELF),
	    0);
	ck_assert_int_eq(R.n, 1);
	ck_assert_int_eq(
	    chat_op(&R.chat, alice, rec_room("dev"), "carol", 1), 0);
	rec_clear();
	ck_assert_int_eq(
	    chat_part(&R.chat, alice, rec_room("dev"), NULL, CHAT_F_QUIET_SELF),
	    0);
	rec_expect("PART nick=alice user=alice room=dev text=\"\" @room(dev) "
		   "except(alice) -> carol");
	ck_assert_int_eq(rec_room("dev")->nops, 1);
}
END_TEST

/* The last member out frees the room (the sink hears it after the part),
 * and its name is free for a new room with a new spelling. */
START_TEST(test_room_freed_when_empty)
{
	struct user *alice = rec_user("alice"), *bob = rec_user("bob");

	rec_joins(alice, "Dev", (const char *)NULL);
	ck_assert_int_eq(
	    chat_part(&R.chat, alice, rec_room("dev"), NULL, 0), 0);
	rec_expect("PART nick=alice user=alice room=Dev text=\"\" @room(Dev) "
		   "-> alice+",
	    "GONE Dev");
	ck_assert_ptr_null(chat_find_room(&R.chat, "dev"));
	ck_assert_int_eq(R.chat.nrooms, 0);
	ck_assert(TAILQ_EMPTY(&R.chat.rooms));
	rec_clear();
	ck_assert_int_eq(chat_join(&R.chat, bob, "DEV", 0), 0);
	rec_expect("JOIN nick=bob user=bob room=DEV @room(DEV) -> bob+");
	ck_assert_str_eq(rec_room("dev")->name, "DEV");
	ck_assert_int_eq(rec_is_op(bob, "dev"), 1);
}
END_TEST

START_TEST(test_rooms_sorted_ignore_case)
{
	struct user *alice = rec_user("alice");
	struct room **v;

	ck_assert_ptr_null(chat_rooms_sorted(&R.chat));
	rec_joins(alice, "b", "C", "a", (const char *)NULL);
	v = chat_rooms_sorted(&R.chat);
	ck_assert_ptr_nonnull(v);
	ck_assert_str_eq(v[0]->name, "a");
	ck_assert_str_eq(v[1]->name, "b");
	ck_assert_str_eq(v[2]->name, "C");
	free(v);
}
END_TEST

/* Each quit reason is told, once, to everyone sharing a room. */
START_TEST(test_quit_reasons)
{
	enum ev_quit why = (enum ev_quit)_i;
	struct user *alice = rec_user("alice"), *bob = rec_user("bob");
	char want[REC_LINE];

	if (why == EV_QUIT_SHUTDOWN)
		return; /* test_quit_shutdown */
	rec_joins(bob, "dev", (const char *)NULL);
	rec_joins(alice, "dev", (const char *)NULL);
	chat_quit(&R.chat, alice, why, why == EV_QUIT_REQUEST ? "later" : NULL);
	snprintf(want, sizeof want,
	    "QUIT nick=alice user=alice text=\"%s\" quit=%s "
	    "@neighbours(alice) -> bob",
	    why == EV_QUIT_REQUEST ? "later" : "", rec_quit_names[why]);
	rec_expect(want);
	ck_assert_int_eq(alice->visible, 0);
	ck_assert_int_eq(alice->held, 0);
	ck_assert_int_eq(alice->nrooms, 0);
	ck_assert_int_eq(R.chat.nusers, 1);
	ck_assert_ptr_null(chat_nick_holder(&R.chat, "alice"));
	chat_user_free(&R.chat, alice);
}
END_TEST

/* A user in three rooms: each neighbour hears of the quit once, however
 * many rooms they share; then each room it ran gets a new operator, and
 * the room it was alone in goes. */
START_TEST(test_quit_neighbours_once)
{
	struct user *alice = rec_user("alice"), *bob = rec_user("bob");
	struct user *carol = rec_user("carol"), *dave = rec_user("dave");

	rec_joins(alice, "dev", "ops", "misc", "solo", (const char *)NULL);
	rec_joins(bob, "dev", "ops", (const char *)NULL);
	rec_joins(carol, "misc", "dev", (const char *)NULL);
	rec_joins(dave, "elsewhere", (const char *)NULL);
	chat_quit(&R.chat, alice, EV_QUIT_REQUEST, "bye");
	rec_expect("QUIT nick=alice user=alice text=\"bye\" quit=request "
		   "@neighbours(alice) -> bob,carol",
	    "MODE room=dev target=bob flags=0x10 @room(dev) -> bob,carol",
	    "MODE room=ops target=bob flags=0x10 @room(ops) -> bob",
	    "MODE room=misc target=carol flags=0x10 @room(misc) -> carol",
	    "GONE solo");
	ck_assert_int_eq(R.chat.nrooms, 4);
	ck_assert_int_eq(rec_is_op(bob, "dev"), 1);
	ck_assert_int_eq(rec_is_op(carol, "dev"), 0);
}
END_TEST

/* At shutdown nobody is told of anybody: no quit, no new operators. */
START_TEST(test_quit_shutdown)
{
	struct user *alice = rec_user("alice"), *bob = rec_user("bob");

	rec_joins(alice, "dev", "solo", (const char *)NULL);
	rec_joins(bob, "dev", (const char *)NULL);
	chat_quit(&R.chat, alice, EV_QUIT_SHUTDOWN, "ignored");
	rec_expect("GONE solo");
	ck_assert_int_eq(alice->nrooms, 0);
	ck_assert_int_eq(rec_room("dev")->count, 1);
	ck_assert_int_eq(R.chat.nusers, 1);
	ck_assert_ptr_null(chat_nick_holder(&R.chat, "alice"));
}
END_TEST

/* A user that never became visible leaves without a word; its nick is
 * free again. */
START_TEST(test_quit_invisible)
{
	struct user *g = rec_guest("guest9"), *u;

	chat_quit(&R.chat, g, EV_QUIT_TIMEOUT, NULL);
	rec_expect_none();
	ck_assert_ptr_null(chat_nick_holder(&R.chat, "guest9"));
	ck_assert_int_eq(R.chat.nusers, 0);
	u = chat_user_new(&R.chat, 2, NULL);
	ck_assert_int_eq(chat_claim_nick(&R.chat, u, "GUEST9"), 0);
}
END_TEST

START_TEST(test_enter_counts)
{
	struct user *a = rec_guest("a"), *b = rec_guest("b");

	ck_assert_int_eq(a->visible, 0);
	ck_assert_ptr_null(chat_find_user(&R.chat, "a"));
	ck_assert_ptr_eq(chat_nick_holder(&R.chat, "A"), a);
	chat_enter(&R.chat, a);
	chat_enter(&R.chat, b);
	rec_expect_none();
	ck_assert_int_eq(a->visible, 1);
	ck_assert_ptr_eq(chat_find_user(&R.chat, "A"), a);
	ck_assert_int_gt(a->signon_ms, 0);
	ck_assert_int_eq(a->active_ms, a->signon_ms);
	ck_assert_int_eq(R.chat.nusers, 2);
	ck_assert_int_eq(R.chat.max_users, 2);
	chat_quit(&R.chat, a, EV_QUIT_CLOSED, NULL);
	ck_assert_int_eq(R.chat.nusers, 1);
	ck_assert_int_eq(R.chat.max_users, 2);
}
END_TEST

/* A visible user's new nick: its neighbours and itself hear of it. */
START_TEST(test_nick_visible)
{
	struct user *alice = rec_user("alice"), *bob = rec_user("bob");
	struct user *carol = rec_user("carol");

	rec_joins(alice, "dev", "ops", (const char *)NULL);
	rec_joins(bob, "dev", "ops", (const char *)NULL);
	rec_joins(carol, "elsewhere", (const char *)NULL);
	ck_assert_int_eq(chat_nick(&R.chat, alice, "Alicia"), 0);
	rec_expect("NICK nick=alice user=alice target=Alicia "
		   "@neighbours(Alicia) -> Alicia+,bob");
	ck_assert_ptr_eq(chat_find_user(&R.chat, "alicia"), alice);
	ck_assert_ptr_null(chat_find_user(&R.chat, "alice"));
	ck_assert_str_eq(alice->nick, "Alicia");
	/* Its own nick in another case is a change too. */
	rec_clear();
	ck_assert_int_eq(chat_nick(&R.chat, alice, "ALICIA"), 0);
	rec_expect("NICK nick=Alicia user=Alicia target=ALICIA "
		   "@neighbours(ALICIA) -> ALICIA+,bob");
	/* Alone: only itself. */
	rec_clear();
	ck_assert_int_eq(chat_nick(&R.chat, carol, "caroline"), 0);
	rec_expect("NICK nick=carol user=carol target=caroline "
		   "@neighbours(caroline) -> caroline+");
}
END_TEST

START_TEST(test_nick_refused)
{
	static const char *const bad[] = { "", "1abc", "-a", "a b", "a.b",
		"abcdefghijklmnopq" /* 17 */, "\xc3\xa9" };
	struct user *alice = rec_user("alice");
	size_t i;

	(void)rec_user("bob");
	(void)rec_guest("hidden");
	rec_joins(alice, "dev", (const char *)NULL);
	ck_assert_int_eq(chat_nick(&R.chat, alice, "alice"), CHAT_NOTHING);
	ck_assert_int_eq(chat_nick(&R.chat, alice, "BOB"), E_NICK_IN_USE);
	/* Held by a user not yet visible: taken as well. */
	ck_assert_int_eq(chat_nick(&R.chat, alice, "Hidden"), E_NICK_IN_USE);
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++)
		ck_assert_msg(
		    chat_nick(&R.chat, alice, bad[i]) == E_NICK_INVALID, "%s",
		    bad[i]);
	rec_expect_none();
	ck_assert_str_eq(alice->nick, "alice");
	ck_assert_int_eq(chat_nick(&R.chat, alice, "abcdefghijklmnop"), 0);
}
END_TEST

/* Not visible yet: the nick changes, nobody is told. */
START_TEST(test_nick_invisible)
{
	struct user *g = rec_guest("guest1");

	ck_assert_int_eq(chat_nick(&R.chat, g, "newbie"), 0);
	rec_expect_none();
	ck_assert_ptr_eq(chat_nick_holder(&R.chat, "NEWBIE"), g);
	ck_assert_ptr_null(chat_nick_holder(&R.chat, "guest1"));
	ck_assert_ptr_null(chat_find_user(&R.chat, "newbie"));
}
END_TEST

START_TEST(test_claim_nick)
{
	struct user *a = chat_user_new(&R.chat, 1, NULL);
	struct user *b = chat_user_new(&R.chat, 2, NULL);

	ck_assert_int_eq(chat_claim_nick(&R.chat, a, "9lives"), E_NICK_INVALID);
	ck_assert_int_eq(a->held, 0);
	ck_assert_int_eq(chat_claim_nick(&R.chat, a, "Ann"), 0);
	ck_assert_int_eq(a->held, 1);
	ck_assert_int_eq(chat_claim_nick(&R.chat, a, "Ann"), CHAT_NOTHING);
	ck_assert_int_eq(chat_claim_nick(&R.chat, b, "aNN"), E_NICK_IN_USE);
	ck_assert_int_eq(b->held, 0);
	/* A new claim lets the old nick go. */
	ck_assert_int_eq(chat_claim_nick(&R.chat, a, "anna"), 0);
	ck_assert_ptr_null(chat_nick_holder(&R.chat, "ann"));
	ck_assert_int_eq(chat_claim_nick(&R.chat, b, "ANN"), 0);
	ck_assert_ptr_eq(chat_nick_holder(&R.chat, "ann"), b);
	ck_assert_ptr_eq(chat_nick_holder(&R.chat, "ANNA"), a);
	rec_expect_none();
}
END_TEST

/* Guest nicks skip every nick held, in any case, visible or not. */
START_TEST(test_guest_nick_skips_held)
{
	struct user *u[4];
	int i;

	(void)rec_user("guest1");
	(void)rec_guest("GUEST3");
	(void)rec_guest("guest4");
	for (i = 0; i < 4; i++) {
		ck_assert_ptr_nonnull(u[i] = chat_user_new(&R.chat, 9, NULL));
		ck_assert_int_eq(chat_guest_nick(&R.chat, u[i]), 0);
		ck_assert_int_eq(u[i]->held, 1);
		ck_assert_int_eq(u[i]->visible, 0);
	}
	ck_assert_str_eq(u[0]->nick, "guest2");
	ck_assert_str_eq(u[1]->nick, "guest5");
	ck_assert_str_eq(u[2]->nick, "guest6");
	ck_assert_str_eq(u[3]->nick, "guest7");
	/* A guest nick given up is not given again: N stays unique. */
	chat_quit(&R.chat, u[0], EV_QUIT_CLOSED, NULL);
	ck_assert_int_eq(chat_guest_nick(&R.chat, u[0]), 0);
	ck_assert_str_eq(u[0]->nick, "guest8");
	rec_expect_none();
}
END_TEST

/* chat_free frees what is left without telling anyone. */
START_TEST(test_free_is_silent)
{
	struct user *alice = rec_user("alice"), *bob = rec_user("bob");

	rec_joins(alice, "dev", (const char *)NULL);
	rec_joins(bob, "dev", "ops", (const char *)NULL);
	chat_free(&R.chat);
	rec_expect("GONE dev", "GONE ops");
	chat_init(&R.chat, &rec_sink, &R, NULL);
}
END_TEST

Suite *
test_suite(void)
{
	Suite *s = suite_create("chat");
	TCase *tc = tcase_create("users and rooms");

	tcase_set_timeout(tc, TEST_TIMEOUT);
	tcase_add_checked_fixture(tc, rec_setup, rec_teardown);
	tcase_add_test(tc, test_join_new_room);
	tcase_add_test(tc, test_join_existing_room);
	tcase_add_test(tc, test_join_quiet_self);
	tcase_add_test(tc, test_join_irc_user);
	tcase_add_test(tc, test_join_twice_is_nothing);
	tcase_add_test(tc, test_join_invalid_names);
	tcase_add_test(tc, test_join_too_many);
	tcase_add_test(tc, test_part_with_reason);
	tcase_add_test(tc, test_part_without_reason);
	tcase_add_test(tc, test_part_not_member);
	tcase_add_test(tc, test_part_last_op_promotes);
	tcase_add_test(tc, test_part_no_promotion);
	tcase_add_test(tc, test_room_freed_when_empty);
	tcase_add_test(tc, test_rooms_sorted_ignore_case);
	tcase_add_loop_test(tc, test_quit_reasons, 0, EV_QUIT_NWHY);
	tcase_add_test(tc, test_quit_neighbours_once);
	tcase_add_test(tc, test_quit_shutdown);
	tcase_add_test(tc, test_quit_invisible);
	tcase_add_test(tc, test_enter_counts);
	tcase_add_test(tc, test_nick_visible);
	tcase_add_test(tc, test_nick_refused);
	tcase_add_test(tc, test_nick_invisible);
	tcase_add_test(tc, test_claim_nick);
	tcase_add_test(tc, test_guest_nick_skips_held);
	tcase_add_test(tc, test_free_is_silent);
	suite_add_tcase(s, tc);
	return s;
}
