/* test_client_view.c: every IRC message and numeric chat handles, as the exact line it prints. */
#include <check.h>

#include "client_util.h"

#define S CU_STAMP

/* Registration: the welcome, in v1's words, once the room is entered. */
START_TEST(test_welcome)
{
	client_connected(&cl);
	ck_assert_str_eq(cu_sent(),
	    "CAP LS 302\r\nNICK alice\r\nUSER alice 0 * :chat user\r\n");
	cu_is("", ":chatd CAP * LS :" CU_ALL_CAPS);
	ck_assert_str_eq(cu_sent(),
	    "CAP REQ :server-time message-tags echo-message batch "
	    "draft/chathistory\r\n");
	cu_is("",
	    ":chatd CAP * ACK :server-time message-tags echo-message "
	    "batch draft/chathistory");
	ck_assert_str_eq(cu_sent(), "CAP END\r\n");
	cu_is("", ":chatd 001 alice :Welcome to chatd, alice");
	ck_assert_str_eq(cu_sent(), "JOIN #lobby\r\n");
	ck_assert_str_eq(cl.nick, "alice");
	ck_assert(!client_ready(&cl)); /* not before the room is entered */
	cu_is("", ":chatd 002 alice :Your host is chatd");
	cu_is("", ":chatd 005 alice NETWORK=chatd :are supported");
	cu_is("", ":chatd 422 alice :MOTD File is missing");
	cu_is(S "-!- welcome to chatd, alice! you are in #lobby; type /help "
		"for commands\n",
	    CU_TIME ":alice!alice@chatd JOIN #lobby");
	ck_assert(client_ready(&cl));
	ck_assert_str_eq(cl.room, "#lobby");
	/* The names that follow a JOIN are for Tab, not for the screen. */
	cu_is("", ":chatd 353 alice = #lobby :@bob alice");
	cu_is("", ":chatd 366 alice #lobby :End of /NAMES list");
	ck_assert(members_has(&cl.members, "bob"));
	ck_assert_uint_eq(cl.caps,
	    CLIENT_CAP_TIME | CLIENT_CAP_TAGS | CLIENT_CAP_ECHO |
		CLIENT_CAP_BATCH | CLIENT_CAP_HISTORY);
}
END_TEST

/* ngIRCd and other servers: no CAP at all, or none of ours; the server's
 * name in the welcome. Times are arrival times. */
START_TEST(test_plain_irc_server)
{
	client_connected(&cl);
	(void)cu_sent();
	cu_is("", ":irc.example.net CAP * LS :multi-prefix");
	ck_assert_str_eq(cu_sent(), "CAP END\r\n");
	cu_is("",
	    ":irc.example.net 001 alice :Welcome to the Internet Relay "
	    "Network alice!~alice@127.0.0.1");
	cu_is(
	    S "-!- hello tests\n", ":irc.example.net 372 alice :- hello tests");
	cu_is(S "-!- welcome to irc.example.net, alice! you are in #lobby; "
		"type /help for commands\n",
	    ":alice!~alice@127.0.0.1 JOIN :#lobby");
	cu_now += 61000;
	cu_is(
	    "[12:05:06] <bob> hi\n", ":bob!~bob@127.0.0.1 PRIVMSG #lobby :hi");
	ck_assert_uint_eq(cl.caps, 0);
}
END_TEST

START_TEST(test_messages)
{
	cu_register(CU_ALL_CAPS);
	cu_is(S "<bob> hi all\n",
	    CU_TIME ":bob!bob@chatd PRIVMSG #lobby :hi all");
	cu_is(S "* bob waves\n",
	    CU_TIME ":bob!bob@chatd PRIVMSG #lobby :\001ACTION waves\001");
	/* Its own, as echoed, with the server's time. */
	cu_is("[12:04:09] <alice> hello all\n",
	    "@time=2026-12-01T12:04:09.500Z;msgid=m1 :alice!alice@chatd "
	    "PRIVMSG #lobby :hello all");
	cu_is(S "*bob* psst\n", CU_TIME ":bob!bob@chatd PRIVMSG alice :psst");
	cu_is(S "-> *bob* psst\n",
	    CU_TIME ":alice!alice@chatd PRIVMSG bob :psst");
	cu_is(S "*bob* * bob waves\n",
	    CU_TIME ":bob!bob@chatd PRIVMSG alice :\001ACTION waves\001");
	/* A user's NOTICE as its PRIVMSG; the server's as a notice. */
	cu_is(S "<bob> note\n", CU_TIME ":bob!bob@chatd NOTICE #lobby :note");
	cu_is(S "*bob* note\n", CU_TIME ":bob!bob@chatd NOTICE alice :note");
	cu_is(S "-!- server shutting down\n",
	    ":chatd NOTICE alice :server shutting down");
	cu_is(S "-!- *** Looking up your hostname\n",
	    ":irc.example.net NOTICE * :*** Looking up your hostname");
	/* Another room than the current one names it. */
	cu_is(S "#dev <bob> elsewhere\n",
	    CU_TIME ":bob!bob@chatd PRIVMSG #dev :elsewhere");
	cu_is(S "#dev * bob waves\n",
	    CU_TIME ":bob!bob@chatd PRIVMSG #dev :\001ACTION waves\001");
	/* Other CTCPs and TAGMSG are for programs. */
	cu_is("", CU_TIME ":bob!bob@chatd PRIVMSG alice :\001VERSION\001");
	cu_is("", "@+typing=active :bob!bob@chatd TAGMSG #lobby");
	/* IRC formatting is removed as chatd removes it for text users. */
	cu_is(S "<bob> bold red\n",
	    CU_TIME ":bob!bob@chatd PRIVMSG #lobby :\002bold\002 \0034red\003");
}
END_TEST

START_TEST(test_notices)
{
	cu_register(CU_ALL_CAPS);
	cu_is(S "-!- dave has joined #lobby\n",
	    CU_TIME ":dave!dave@chatd JOIN #lobby");
	cu_is(S "-!- dave has left #lobby\n",
	    CU_TIME ":dave!dave@chatd PART #lobby");
	cu_is(S "-!- dave has left #lobby (later)\n",
	    CU_TIME ":dave!dave@chatd PART #lobby :later");
	cu_is(S "-!- bob has quit (bye)\n",
	    CU_TIME ":bob!bob@chatd QUIT :Quit: bye");
	cu_is(S "-!- bob has quit (bye)\n",
	    CU_TIME ":bob!bob@chatd QUIT :Client Quit");
	cu_is(S "-!- bob has quit (bye)\n", CU_TIME ":bob!bob@chatd QUIT :");
	cu_is(S "-!- bob has quit (Connection closed)\n",
	    CU_TIME ":bob!bob@chatd QUIT :Connection closed");
	cu_is(S "-!- carol is now known as carla\n",
	    CU_TIME ":carol!carol@chatd NICK carla");
	cu_is(S "-!- carla set the topic of #lobby: release day\n",
	    CU_TIME ":carla!carla@chatd TOPIC #lobby :release day");
	cu_is(S "-!- carla cleared the topic of #lobby\n",
	    CU_TIME ":carla!carla@chatd TOPIC #lobby :");
	cu_is(S "-!- dave was kicked from #lobby by carla (spam)\n",
	    CU_TIME ":carla!carla@chatd KICK #lobby dave :spam");
	/* chatd gives the kicker's nick when there was no reason. */
	cu_is(S "-!- dave was kicked from #lobby by carla\n",
	    CU_TIME ":carla!carla@chatd KICK #lobby dave :carla");
	cu_is(S "-!- carla made bob an operator of #lobby\n",
	    CU_TIME ":carla!carla@chatd MODE #lobby +o bob");
	cu_is(S "-!- carla removed bob as an operator of #lobby\n",
	    CU_TIME ":carla!carla@chatd MODE #lobby -o bob");
	cu_is(S "-!- bob is now an operator of #lobby\n",
	    CU_TIME ":chatd MODE #lobby +o bob");
	cu_is(S "-!- carla made bob an operator of #lobby\n" S
		"-!- carla removed dave as an operator of #lobby\n",
	    CU_TIME ":carla!carla@chatd MODE #lobby +o-o bob dave");
	cu_is(S "-!- carla set mode +b mallory!*@* on #lobby\n",
	    CU_TIME ":carla!carla@chatd MODE #lobby +b mallory!*@*");
	cu_is("", ":alice MODE alice :+i"); /* user modes: nothing */
	/* ERROR is the reason of the disconnection chat reports... */
	cu_is("", "ERROR :Closing Link: server shutting down");
	ck_assert_str_eq(cl.reason, "server shutting down");
	/* ...or, after /quit, v1's goodbye. */
	client_typed(&cl, "/quit");
	ck_assert_str_eq(cu_sent(), "QUIT\r\n");
	cu_is(S "-!- bye\n", "ERROR :Closing Link: Client Quit");
}
END_TEST

/* /who, /rooms, /list, /topic, /whois and /away from their numerics. */
START_TEST(test_replies)
{
	cu_register(CU_ALL_CAPS);
	client_typed(&cl, "/who");
	ck_assert_str_eq(cu_sent(), "NAMES #lobby\r\n");
	cu_is("", ":chatd 353 alice = #lobby :@alice bob");
	cu_is("", ":chatd 353 alice = #lobby :carol");
	cu_is(S "-!- 3 users in #lobby: @alice, bob, carol\n",
	    ":chatd 366 alice #lobby :End of /NAMES list");
	client_typed(&cl, "/rooms");
	ck_assert_str_eq(cu_sent(), "LIST\r\n");
	cu_is("", ":chatd 321 alice Channel :Users  Name");
	cu_is("", ":chatd 322 alice #lobby 3 :");
	cu_is("", ":chatd 322 alice #dev 2 :release day");
	cu_is(S "-!- 2 rooms: #dev (2), #lobby (3)\n",
	    ":chatd 323 alice :End of /LIST");
	client_typed(&cl, "/list");
	ck_assert_str_eq(cu_sent(), "LIST\r\n");
	cu_feed(":chatd 321 alice Channel :Users  Name");
	cu_feed(":chatd 322 alice #lobby 3 :");
	cu_feed(":chatd 322 alice #dev 1 :release day");
	cu_is(S "-!- 2 rooms:\n" S "-!- #dev (1): release day\n" S
		"-!- #lobby (3)\n",
	    ":chatd 323 alice :End of /LIST");
	cu_is("", ":chatd 332 alice #lobby :welcome all");
	cu_is(S "-!- topic of #lobby: welcome all (set by carol)\n",
	    ":chatd 333 alice #lobby carol 1796126000");
	cu_is("", ":irc.example.net 332 alice #lobby :welcome all");
	cu_is(S "-!- topic of #lobby: welcome all (set by carol)\n",
	    ":irc.example.net 333 alice #lobby carol!c@host 1796126000");
	/* A 332 without its 333 is shown when the next line comes. */
	cu_feed(":chatd 332 alice #lobby :just this");
	cu_is(S "-!- topic of #lobby: just this\n" S "-!- 0 rooms:\n",
	    ":chatd 323 alice :End of /LIST");
	cu_is(S "-!- #lobby has no topic\n",
	    ":chatd 331 alice #lobby :No topic is set");
	cu_is(S "-!- you are marked away\n",
	    ":chatd 306 alice :You have been marked as being away");
	cu_is(S "-!- you are no longer marked away\n",
	    ":chatd 305 alice :You are no longer marked as being away");
	cu_is(S "-!- bob is away: lunch\n", ":chatd 301 alice bob :lunch");
	client_typed(&cl, "/whois bob");
	ck_assert_str_eq(cu_sent(), "WHOIS bob\r\n");
	cu_feed(":chatd 311 alice bob bob chatd * :Bob B.");
	cu_feed(":chatd 319 alice bob :@#dev #lobby");
	cu_feed(":chatd 312 alice bob chatd :chatd");
	cu_feed(":chatd 301 alice bob :lunch");
	cu_feed(":chatd 378 alice bob :is connecting from somewhere");
	cu_feed(
	    ":chatd 317 alice bob 42 1796126045 :seconds idle, signon time");
	cu_is(S "-!- bob: in #dev #lobby, idle 42s, connected 10m ago, away: "
		"lunch, irc\n",
	    ":chatd 318 alice bob :End of /WHOIS list");
	cu_feed(":chatd 311 alice ann ann chatd * :plain-text user");
	cu_feed(":chatd 317 alice ann 5 1796126640 :seconds idle, signon time");
	cu_is(S "-!- ann: in no room, idle 5s, connected 5s ago\n",
	    ":chatd 318 alice ann :End of /WHOIS list");
	cu_is(S "-!- error: no such nick zed\n",
	    ":chatd 401 alice zed :No such nick/channel");
	cu_is("", ":chatd 318 alice zed :End of /WHOIS list");
}
END_TEST

START_TEST(test_errors)
{
	cu_register(CU_ALL_CAPS);
	cu_is(S "-!- error: nickname bob is already in use\n",
	    ":chatd 433 alice bob :Nickname is already in use");
	cu_is(S "-!- error: invalid nickname 9x (1-16 characters: a letter, "
		"then letters, digits, _ or -)\n",
	    ":chatd 432 alice 9x :Erroneous nickname");
	cu_is(S "-!- error: no such room #nope\n",
	    ":chatd 403 alice #nope :No such channel");
	cu_is(S "-!- error: cannot send to #dev\n",
	    ":chatd 404 alice #dev :Cannot send to channel");
	cu_is(S "-!- error: you are not in #dev\n",
	    ":chatd 442 alice #dev :You're not on that channel");
	cu_is(S "-!- error: you are not an operator of #lobby\n",
	    ":chatd 482 alice #lobby :You're not channel operator");
	cu_is(S "-!- error: invalid room name #a.b (1-32 characters: letters, "
		"digits, _ or -)\n",
	    ":chatd 479 alice #a.b :Illegal channel name");
	cu_is(S "-!- error: line too long (max 512 bytes), dropped\n",
	    ":chatd 417 alice :Input line was too long");
	cu_is(S "-!- error: FOO: Unknown command\n",
	    ":chatd 421 alice FOO :Unknown command");
	cu_is(S "-!- error: something else\n",
	    ":chatd 499 alice :something else");
	cu_is(S "-!- error: not now\n",
	    ":chatd FAIL TOPIC LATER #lobby :not now");
	cu_is(S "-!- chatd: Tuesday\n", ":chatd 391 alice chatd :Tuesday");
	ck_assert_int_eq(cu_errors, 11);
}
END_TEST

/* chatd-v2 §2 applied by chat itself: nothing raw reaches the terminal. */
START_TEST(test_cleaned)
{
	cu_register(CU_ALL_CAPS);
	/* ESC goes, the printable rest of its sequence stays (v1's rule). */
	cu_is(S "<bob> a]0;xb\xef\xbf\xbd\xef\xbf\xbd c d\n",
	    CU_TIME ":bob!bob@chatd PRIVMSG #lobby :a\033]0;x\007b\xff\xfe\tc "
		    "\xe2\x80\xae"
		    "d\xc2\x9b");
	cu_is(S "-!- bob set the topic of #lobby: [31mred\n",
	    CU_TIME ":bob!bob@chatd TOPIC #lobby :\033[31mred");
	cu_is(S "-!- b\xef\xbf\xbd"
		"b has joined #lobby\n",
	    CU_TIME ":b\xc0"
		    "b!x@chatd JOIN #lobby");
	cu_is(S "-!- one two\n", ":chatd NOTICE alice :one\ttwo");
}
END_TEST

/* Registration when the nick is taken: NICK_, NICK__, said once. */
START_TEST(test_nick_taken)
{
	const char *sent;

	client_connected(&cl);
	(void)cu_sent();
	cu_feed(":chatd CAP * LS :batch");
	cu_feed(":chatd CAP * ACK :batch");
	(void)cu_sent();
	cu_is("", ":chatd 433 * alice :Nickname is already in use");
	ck_assert_str_eq(cu_sent(), "NICK alice_\r\n");
	cu_is("", ":chatd 433 * alice_ :Nickname is already in use");
	ck_assert_str_eq(cu_sent(), "NICK alice__\r\n");
	/* Past three '_', random digits: many chats of one nick must not
	 * queue up behind each other. */
	cu_feed(":chatd 433 * alice__ :Nickname is already in use");
	ck_assert_str_eq(cu_sent(), "NICK alice___\r\n");
	cu_feed(":chatd 433 * alice___ :Nickname is already in use");
	sent = cu_sent();
	ck_assert_msg(strncmp(sent, "NICK alice_", 11) == 0 &&
		strspn(sent + 11, "0123456789") == 4 &&
		strcmp(sent + 15, "\r\n") == 0,
	    "%s", sent);
	cu_is(S "-!- nickname alice is already in use; you are alice__\n",
	    ":chatd 001 alice__ :Welcome");
	ck_assert_str_eq(cl.nick, "alice__");
	ck_assert_int_eq(cu_errors, 0);
	/* A nick at chatd's 16 characters loses its end to the '_'s. */
	cu_teardown();
	cu_setup();
	client_copy(cl.want_nick, sizeof cl.want_nick, "abcdefghijklmnop");
	client_connected(&cl);
	(void)cu_sent();
	cu_feed(":chatd 433 * abcdefghijklmnop :Nickname is already in use");
	ck_assert_str_eq(cu_sent(), "NICK abcdefghijklmno_\r\n");
	/* Refused outright: guest. */
	cu_feed(":chatd 432 * abcdefghijklmno_ :Erroneous nickname");
	ck_assert_str_eq(cu_sent(), "NICK guest\r\n");
}
END_TEST

Suite *
test_suite(void)
{
	Suite *s = suite_create("client_view");
	TCase *tc = tcase_create("view");

	tcase_add_checked_fixture(tc, cu_setup, cu_teardown);
	tcase_set_timeout(tc, TEST_TIMEOUT);
	tcase_add_test(tc, test_welcome);
	tcase_add_test(tc, test_plain_irc_server);
	tcase_add_test(tc, test_messages);
	tcase_add_test(tc, test_notices);
	tcase_add_test(tc, test_replies);
	tcase_add_test(tc, test_errors);
	tcase_add_test(tc, test_cleaned);
	tcase_add_test(tc, test_nick_taken);
	suite_add_tcase(s, tc);
	return s;
}
