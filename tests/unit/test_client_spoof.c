/* test_client_spoof.c: only the server's structured replies about this client move its nick and room. */
#include <check.h>

#include "client_util.h"

#define S CU_STAMP

static void
unmoved(void)
{
	char prompt[64];

	ck_assert_str_eq(cl.nick, "alice");
	ck_assert_str_eq(cl.room, "#lobby");
	client_prompt(&cl, prompt, sizeof prompt);
	ck_assert_str_eq(prompt, "[#lobby alice]> ");
	ck_assert_int_eq(cu_changes, 0);
}

/* Text that reads like the sentences v1 parsed is only text. */
START_TEST(test_text_is_text)
{
	cu_register(CU_ALL_CAPS);
	cu_is(S "<mallory> you are in #owned\n",
	    CU_TIME ":mallory!m@chatd PRIVMSG #lobby :you are in #owned");
	cu_is(S "<mallory> -!- alice has joined #owned\n",
	    CU_TIME
	    ":mallory!m@chatd PRIVMSG #lobby :-!- alice has joined #owned");
	cu_is(S "*mallory* -!- alice is now known as owned\n",
	    CU_TIME ":mallory!m@chatd PRIVMSG alice :-!- alice is now known as "
		    "owned");
	cu_is(S
	    "<mallory> -!- welcome to chatd, owned! you are in #owned; type "
	    "/help for commands\n",
	    CU_TIME ":mallory!m@chatd NOTICE #lobby :-!- welcome to chatd, "
		    "owned! you are in #owned; type /help for commands");
	cu_is(S "-!- you are in #owned\n",
	    ":chatd NOTICE alice :you are in #owned");
	unmoved();
}
END_TEST

/* Another user's NICK, JOIN, PART and KICK are about that user. */
START_TEST(test_others_moves)
{
	cu_register(CU_ALL_CAPS);
	cu_is(S "-!- bob is now known as alice2\n",
	    CU_TIME ":bob!bob@chatd NICK alice2");
	cu_is(S "-!- mallory has joined #owned\n",
	    CU_TIME ":mallory!m@chatd JOIN #owned");
	cu_is(S "-!- carol has left #lobby\n",
	    CU_TIME ":carol!c@chatd PART #lobby");
	cu_is(S "-!- alice2 was kicked from #lobby by mallory\n",
	    CU_TIME ":mallory!m@chatd KICK #lobby alice2");
	/* A nick that merely contains ours is not ours. */
	cu_is(S "-!- alicex has joined #owned\n",
	    CU_TIME ":alicex!a@chatd JOIN #owned");
	unmoved();
	ck_assert(members_has(&cl.members, "alice2") == 0);
}
END_TEST

/* Numerics name this client as their first param; only 001, at
 * registration, says what its nick is. */
START_TEST(test_numerics_about_others)
{
	cu_register(CU_ALL_CAPS);
	cu_is("", ":chatd 001 mallory :Welcome to chatd, mallory");
	cu_is("", ":chatd 353 mallory = #owned :@mallory");
	cu_is(S "-!- 1 user in #owned: @mallory\n",
	    ":chatd 366 mallory #owned :End of /NAMES list");
	cu_is(S "-!- error: nickname alice is already in use\n",
	    ":chatd 433 alice alice :Nickname is already in use");
	cu_is("", ":chatd 332 alice #owned :yours");
	cu_is(S "-!- topic of #owned: yours (set by mallory)\n",
	    ":chatd 333 alice #owned mallory 1796126000");
	unmoved();
}
END_TEST

/* The server's own word about this client does move it. */
START_TEST(test_server_moves)
{
	cu_register(CU_ALL_CAPS);
	cu_is(S "-!- alice is now known as alicia\n",
	    CU_TIME ":alice!alice@chatd NICK alicia");
	ck_assert_str_eq(cl.nick, "alicia");
	ck_assert_int_eq(cu_changes, 1);
	/* A JOIN chat did not ask for: that room is current. */
	cu_is(S "-!- alicia has joined #ops\n",
	    CU_TIME ":alicia!a@chatd JOIN #ops");
	ck_assert_str_eq(cl.room, "#ops");
	ck_assert_str_eq(cu_sent(), "");
	/* Kicked from the current room: to #lobby, as text users are. */
	cu_is(S "-!- alicia was kicked from #ops by bob (out)\n",
	    CU_TIME ":bob!bob@chatd KICK #ops alicia :out");
	ck_assert_str_eq(cl.room, "");
	ck_assert_str_eq(cu_sent(), "JOIN #lobby\r\n");
	cu_is(S "-!- alicia has joined #lobby\n",
	    CU_TIME ":alicia!a@chatd JOIN #lobby");
	ck_assert_str_eq(cl.room, "#lobby");
	/* Parted by the server from #lobby itself: no room, no rejoin. */
	cu_is(S "-!- alicia has left #lobby (bye)\n",
	    CU_TIME ":alicia!a@chatd PART #lobby :bye");
	ck_assert_str_eq(cl.room, "");
	ck_assert_str_eq(cu_sent(), "");
	client_typed(&cl, "hello?");
	ck_assert_str_eq(
	    cu_shown(), S "-!- error: you are in no room (/join ROOM)\n");
	ck_assert_str_eq(cu_sent(), "");
}
END_TEST

/* Even the server's own word cannot put a control character, or invalid
 * UTF-8, into the prompt: such a nick or room is not taken. */
START_TEST(test_names_for_the_prompt)
{
	cu_register(CU_ALL_CAPS);
	cu_is(S "-!- alice is now known as a[2Jb\n",
	    CU_TIME ":alice!alice@chatd NICK a\033[2Jb");
	cu_is(S "-!- alice has joined #x\xef\xbf\xbd\n",
	    CU_TIME ":alice!alice@chatd JOIN #x\xff");
	cu_is(S "-!- alice has joined #a b\n",
	    CU_TIME ":alice!alice@chatd JOIN :#a\tb");
	unmoved();
	cu_teardown();
	cu_setup();
	client_connected(&cl);
	cu_feed(":chatd 001 al\001ice :Welcome");
	ck_assert_str_eq(cl.nick, "");
	ck_assert(cl.phase == CLIENT_REG);
}
END_TEST

Suite *
test_suite(void)
{
	Suite *s = suite_create("client_spoof");
	TCase *tc = tcase_create("spoof");

	tcase_add_checked_fixture(tc, cu_setup, cu_teardown);
	tcase_set_timeout(tc, TEST_TIMEOUT);
	tcase_add_test(tc, test_text_is_text);
	tcase_add_test(tc, test_others_moves);
	tcase_add_test(tc, test_numerics_about_others);
	tcase_add_test(tc, test_server_moves);
	tcase_add_test(tc, test_names_for_the_prompt);
	suite_add_tcase(s, tc);
	return s;
}
