/* test_client_cmd.c: what the user types, as the IRC lines chat sends (chat-v2 §2). */
#include <check.h>

#include "client_util.h"
#include "irc.h"

#define S CU_STAMP

/* Typed line in, exactly these IRC lines out, and these lines shown. */
static void
typed(const char *line, const char *sent, const char *shown)
{
	client_typed(&cl, line);
	ck_assert_str_eq(cu_sent(), sent);
	ck_assert_str_eq(cu_shown(), shown);
}

START_TEST(test_translated)
{
	cu_register(CU_ALL_CAPS);
	typed("hello all", "PRIVMSG #lobby :hello all\r\n", "");
	typed(
	    "//etc/motd is fine", "PRIVMSG #lobby :/etc/motd is fine\r\n", "");
	typed("/me waves", "PRIVMSG #lobby :\001ACTION waves\001\r\n", "");
	typed("/msg bob psst there", "PRIVMSG bob :psst there\r\n", "");
	typed("/nick alicia", "NICK alicia\r\n", "");
	typed("/who", "NAMES #lobby\r\n", "");
	typed("/rooms", "LIST\r\n", "");
	typed("/list", "LIST\r\n", "");
	typed("/topic", "TOPIC #lobby\r\n", "");
	typed("/topic release day", "TOPIC #lobby :release day\r\n", "");
	typed("/kick bob", "KICK #lobby bob\r\n", "");
	typed("/kick bob too loud", "KICK #lobby bob :too loud\r\n", "");
	typed("/op bob", "MODE #lobby +o bob\r\n", "");
	typed("/deop bob", "MODE #lobby -o bob\r\n", "");
	typed("/away lunch", "AWAY :lunch\r\n", "");
	typed("/away", "AWAY\r\n", "");
	typed("/whois bob", "WHOIS bob\r\n", "");
	typed("/history", "CHATHISTORY LATEST #lobby * 20\r\n", "");
	typed("/history 5", "CHATHISTORY LATEST #lobby * 5\r\n", "");
	typed("/history 5000", "CHATHISTORY LATEST #lobby * 100\r\n", "");
	typed("/quote PRIVMSG bob :raw", "PRIVMSG bob :raw\r\n", "");
	typed("/QUIT see you", "QUIT :see you\r\n", "");
}
END_TEST

/* /help and mistakes are answered by chat; nothing is sent. */
START_TEST(test_local)
{
	const char *help;

	cu_register(CU_ALL_CAPS);
	typed(
	    "/xyz now", "", S "-!- error: unknown command /xyz (try /help)\n");
	typed("/msg bob", "", S "-!- error: usage: /msg NICK TEXT\n");
	typed("/me", "", S "-!- error: usage: /me TEXT\n");
	typed("/nick", "", S "-!- error: usage: /nick NAME\n");
	typed("/kick", "", S "-!- error: usage: /kick NICK [REASON]\n");
	typed("/history x", "", S "-!- error: usage: /history [N]\n");
	typed("/join", "", S "-!- error: usage: /join ROOM\n");
	typed("/join lobby", "", S "-!- error: you are already in #lobby\n");
	typed("/join a,b", "",
	    S "-!- error: invalid room name a,b (1-32 characters: letters, "
	      "digits, _ or -)\n");
	typed("/pass x", "", S "-!- error: already authenticated\n");
	typed("   ", "", "");
	ck_assert_int_eq(cu_errors, 10);
	client_typed(&cl, "/help");
	ck_assert_str_eq(cu_sent(), "");
	help = cu_shown();
	ck_assert(strncmp(help, S "-!- commands:\n", strlen(S) + 14) == 0);
	ck_assert_ptr_nonnull(strstr(help, "-!- /history [N]"));
	ck_assert_ptr_nonnull(strstr(help, "-!- /quote LINE"));
	ck_assert_ptr_nonnull(strstr(help, "-!- //text"));
}
END_TEST

/* Without echo-message, chat shows what it sent itself, at once. */
START_TEST(test_no_echo)
{
	cu_register("server-time message-tags");
	typed("hello all", "PRIVMSG #lobby :hello all\r\n",
	    S "<alice> hello all\n");
	typed("/me waves", "PRIVMSG #lobby :\001ACTION waves\001\r\n",
	    S "* alice waves\n");
	typed("/msg bob psst", "PRIVMSG bob :psst\r\n", S "-> *bob* psst\n");
	typed("/msg #dev hi", "PRIVMSG #dev :hi\r\n", S "#dev <alice> hi\n");
	/* And without history, /history says so. */
	typed("/history", "", S "-!- no history in #lobby\n");
}
END_TEST

/* /join enters the new room first, and leaves the old one once in. */
START_TEST(test_join_moves)
{
	cu_register(CU_ALL_CAPS);
	typed("/join dev", "JOIN #dev\r\n", "");
	/* Lines typed meanwhile are for the room being entered. */
	typed("first", "PRIVMSG #dev :first\r\n", "");
	ck_assert_str_eq(cl.room, "#lobby");
	cu_is(S "-!- alice has joined #dev\n",
	    CU_TIME ":alice!alice@chatd JOIN #dev");
	ck_assert_str_eq(cu_sent(), "PART #lobby\r\n");
	ck_assert_str_eq(cl.room, "#dev");
	ck_assert_int_eq(cu_changes, 1);
	/* Its own PART, asked for, says nothing more. */
	cu_is("", CU_TIME ":alice!alice@chatd PART #lobby");
	ck_assert_str_eq(cl.room, "#dev");
	/* A /join the server refuses leaves the user where it was. */
	typed("/join bad.name", "JOIN #bad.name\r\n", "");
	cu_is(S "-!- error: invalid room name #bad.name (1-32 characters: "
		"letters, digits, _ or -)\n",
	    ":chatd 479 alice #bad.name :Illegal channel name");
	typed("still here", "PRIVMSG #dev :still here\r\n", "");
	ck_assert_str_eq(cl.room, "#dev");
}
END_TEST

/* Long lines become several PRIVMSGs that fit IRC's 512 bytes once the
 * server has put ":alice!user@host " in front, cut between characters. */
START_TEST(test_long_line_split)
{
	char line[2049], *p, *nl;
	const char *out;
	size_t i, total = 0, lines = 0;

	cu_register(CU_ALL_CAPS);
	for (i = 0; i + 3 <= 2046; i += 3)
		memcpy(line + i, "\xe2\x82\xac", 3); /* the euro sign */
	line[i] = '\0';
	client_typed(&cl, line);
	out = cu_sent();
	for (p = (char *)out; (nl = strstr(p, "\r\n")) != NULL; p = nl + 2) {
		ck_assert(strncmp(p, "PRIVMSG #lobby :", 16) == 0);
		ck_assert_uint_le(
		    (size_t)(nl + 2 - p) + 1 + 5 + 1 + 10 + 1 + 63 + 1,
		    IRC_LINE_MAX);
		ck_assert_uint_eq((size_t)(nl - p - 16) % 3, 0);
		total += (size_t)(nl - p - 16);
		lines++;
	}
	ck_assert_uint_eq(total, i);
	ck_assert_uint_ge(lines, 5);
}
END_TEST

/* Other lines that would pass 512 bytes: a text is cut to fit, at a
 * character boundary; a target too long for any text is refused. */
START_TEST(test_long_other_lines)
{
	char line[1200], *p;
	const char *out;
	size_t i;

	cu_register(CU_ALL_CAPS);
	strcpy(line, "/topic ");
	for (i = 0, p = line + 7; i < 300; i++, p += 3)
		memcpy(p, "\xe2\x82\xac", 3);
	*p = '\0';
	client_typed(&cl, line);
	out = cu_sent();
	ck_assert(strncmp(out, "TOPIC #lobby :\xe2\x82\xac", 17) == 0);
	ck_assert_uint_le(strlen(out), IRC_LINE_MAX);
	ck_assert_uint_eq((strlen(out) - 16) % 3, 0);
	strcpy(line, "/msg ");
	memset(line + 5, 'x', 600);
	strcpy(line + 605, " hi");
	typed(
	    line, "", S "-!- error: line too long (max 512 bytes), dropped\n");
}
END_TEST

/* Before registration, and while disconnected, nothing is sent. */
START_TEST(test_offline)
{
	typed(
	    "hello", "", S "-!- error: not connected: the line was not sent\n");
	typed(
	    "/who", "", S "-!- error: not connected: the line was not sent\n");
	typed("/pass s3cret", "", "");
	ck_assert_str_eq(cl.password, "s3cret");
	ck_assert(cl.retry_now);
	typed("/quit", "", "");
	ck_assert(cl.quit_sent);
}
END_TEST

Suite *
test_suite(void)
{
	Suite *s = suite_create("client_cmd");
	TCase *tc = tcase_create("cmd");

	tcase_add_checked_fixture(tc, cu_setup, cu_teardown);
	tcase_set_timeout(tc, TEST_TIMEOUT);
	tcase_add_test(tc, test_translated);
	tcase_add_test(tc, test_local);
	tcase_add_test(tc, test_no_echo);
	tcase_add_test(tc, test_join_moves);
	tcase_add_test(tc, test_long_line_split);
	tcase_add_test(tc, test_long_other_lines);
	tcase_add_test(tc, test_offline);
	suite_add_tcase(s, tc);
	return s;
}
