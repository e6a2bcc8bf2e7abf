/* test_irc_together.c: IRC and plain-text users in the same rooms, every row of irc-v1 §8. */
#define _DEFAULT_SOURCE
#include <sys/socket.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_main.h"
#include "harness.h"
#include "irct.h"
#include "proto.h"

struct pair {
	struct srv s;
	struct conn *ann; /* plain text */
	struct conn *bob; /* IRC */
};

/* ann (text) and bob (IRC) both in #lobby, everything read. */
static void
pair_start(struct pair *p)
{
	srv_start_ok(&p->s, NULL);
	p->ann = irct_text(p->s.port, "ann");
	p->bob = irct_reg(p->s.port, "bob", NULL);
	irct_send(p->bob, "JOIN #lobby");
	irct_is(p->bob, ":bob!bob@chatd JOIN #lobby");
	irct_is(p->bob, ":chatd 353 bob = #lobby :@ann bob");
	irct_find(p->bob, " 366 ");
	irct_text_is(p->ann, "-!- bob has joined #lobby");
}

static void
pair_stop(struct pair *p)
{
	conn_close(p->ann);
	conn_close(p->bob);
	srv_stop_ok(&p->s);
}

START_TEST(test_text_to_irc)
{
	struct pair p;

	pair_start(&p);
	conn_send(p.ann, "hello\n");
	irct_is(p.bob, ":ann!ann@chatd PRIVMSG #lobby :hello");
	conn_send(p.ann, "/me waves\n");
	irct_is(p.bob, ":ann!ann@chatd PRIVMSG #lobby :\001ACTION waves\001");
	conn_send(p.ann, "//not a command\n");
	irct_is(p.bob, ":ann!ann@chatd PRIVMSG #lobby :/not a command");
	conn_send(p.ann, "/msg BOB psst\n");
	irct_is(p.bob, ":ann!ann@chatd PRIVMSG bob :psst");
	irct_text_is(p.ann, "-> *bob* psst");
	/* Text users never see tags, nor their own lines. */
	conn_send(p.ann, "/who\n");
	irct_text_is(p.ann, "-!- 2 users in #lobby: @ann, bob");
	conn_send(p.ann, "/rooms\n");
	irct_text_is(p.ann, "-!- 1 room: #lobby (2)");
	conn_send(p.ann, "/whois bob\n");
	irct_text_find(p.ann, ", irc");
	irct_nothing(p.bob);
	pair_stop(&p);
}
END_TEST

START_TEST(test_irc_to_text)
{
	struct pair p;

	pair_start(&p);
	irct_send(p.bob, "PRIVMSG #lobby :hi");
	irct_text_is(p.ann, "<bob> hi");
	irct_send(p.bob, "NOTICE #LOBBY :note");
	irct_text_is(p.ann, "<bob> note");
	irct_send(p.bob, "PRIVMSG #lobby :\001ACTION waves\001");
	irct_text_is(p.ann, "* bob waves");
	irct_send(p.bob, "PRIVMSG ann :psst");
	irct_text_is(p.ann, "*bob* psst");
	irct_send(p.bob, "NOTICE ann :nudge");
	irct_text_is(p.ann, "*bob* nudge");
	irct_send(p.bob, "PRIVMSG ann :\001ACTION waves\001");
	irct_text_is(p.ann, "*bob* * bob waves");
	/* Other CTCPs and TAGMSG: not for text users. */
	irct_send(p.bob, "PRIVMSG #lobby :\001VERSION\001");
	irct_send(p.bob, "PRIVMSG ann :\001PING 123\001");
	irct_send(p.bob, "@+typing=active TAGMSG #lobby");
	irct_send(p.bob, "@+typing=active TAGMSG ann");
	/* IRC formatting and every control go; ESC never passed anyway. */
	irct_send(p.bob,
	    "PRIVMSG #lobby :\002bold\002 \00304,05red\003 \037u\037 a\tb"
	    " \033[31mx");
	irct_text_is(p.ann, "<bob> bold red u a\tb [31mx");
	irct_nothing(p.bob);
	pair_stop(&p);
}
END_TEST

START_TEST(test_text_membership)
{
	struct pair p;
	struct conn *g;

	pair_start(&p);
	/* A text user arrives (its guest nick) and goes elsewhere. */
	g = login_ok(p.s.port, NULL);
	{
		char line[IRCT_LINE];
		int n;

		ck_assert_int_eq(
		    irct_line(p.bob, line, sizeof line, IRCT_WAIT), 1);
		ck_assert_msg(
		    sscanf(line, ":guest%d!guest", &n) == 1, "%s", line);
		ck_assert(strstr(line, "@chatd JOIN #lobby") != NULL);
	}
	conn_send(g, "/nick gus\n");
	irct_find(p.bob, "NICK gus");
	irct_send(p.bob, "JOIN #dev");
	irct_find(p.bob, " 366 ");
	conn_send(g, "/join dev\n");
	irct_is(p.bob, ":gus!gus@chatd PART #lobby");
	irct_is(p.bob, ":gus!gus@chatd JOIN #dev");
	conn_send(g, "/nick gus2\n");
	/* One NICK, though bob shares no room... it shares #dev. */
	irct_is(p.bob, ":gus!gus@chatd NICK gus2");
	irct_nothing(p.bob);
	conn_send(g, "/quit bye\n");
	irct_is(p.bob, ":gus2!gus2@chatd QUIT :Quit: bye");
	conn_close(g);
	g = login_ok(p.s.port, "quiet");
	irct_find(p.bob, "NICK quiet");
	conn_send(g, "/quit\n");
	irct_is(p.bob, ":quiet!quiet@chatd QUIT :Client Quit");
	conn_close(g);
	g = login_ok(p.s.port, "closer");
	irct_find(p.bob, "NICK closer");
	shutdown(g->fd, SHUT_WR);
	irct_is(p.bob, ":closer!closer@chatd QUIT :Connection closed");
	conn_close(g);
	pair_stop(&p);
}
END_TEST

START_TEST(test_text_operator)
{
	struct pair p;

	pair_start(&p);
	/* ann made #lobby: its operator, with the same powers. */
	conn_send(p.ann, "/topic hello irc\n");
	irct_is(p.bob, ":ann!ann@chatd TOPIC #lobby :hello irc");
	irct_text_find(p.ann, "-!- ann set the topic of #lobby: hello irc");
	conn_send(p.ann, "/op bob\n");
	irct_is(p.bob, ":ann!ann@chatd MODE #lobby +o bob");
	conn_send(p.ann, "/deop bob\n");
	irct_is(p.bob, ":ann!ann@chatd MODE #lobby -o bob");
	conn_send(p.ann, "/kick bob enough\n");
	irct_is(p.bob, ":ann!ann@chatd KICK #lobby bob :enough");
	irct_text_find(p.ann, "-!- bob was kicked from #lobby by ann (enough)");
	irct_send(p.bob, "JOIN #lobby");
	irct_is(p.bob, ":bob!bob@chatd JOIN #lobby");
	irct_is(p.bob, ":chatd 332 bob #lobby :hello irc");
	irct_find(p.bob, " 366 ");
	conn_send(p.ann, "/kick bob\n");
	irct_is(p.bob, ":ann!ann@chatd KICK #lobby bob :ann");
	pair_stop(&p);
}
END_TEST

START_TEST(test_irc_actions_to_text)
{
	struct pair p;
	struct conn *t;

	pair_start(&p);
	irct_send(p.bob, "JOIN #dev");
	irct_find(p.bob, " 366 ");
	t = login_ok(p.s.port, "tom");
	irct_find(p.bob, "NICK tom");
	conn_send(t, "/join dev\n");
	irct_text_is(t, "-!- tom has joined #dev");
	irct_find(p.bob, "tom!tom@chatd JOIN #dev");
	/* bob runs #dev. */
	irct_send(p.bob, "TOPIC #dev :plans");
	irct_text_is(t, "-!- bob set the topic of #dev: plans");
	irct_send(p.bob, "MODE #dev +o tom");
	irct_text_is(t, "-!- bob made tom an operator of #dev");
	irct_send(p.bob, "MODE #dev -o tom");
	irct_text_is(t, "-!- bob removed tom as an operator of #dev");
	irct_send(p.bob, "NICK robert");
	irct_text_find(p.ann, "-!- bob is now known as robert");
	irct_text_is(t, "-!- bob is now known as robert");
	/* A kicked text user lands in #lobby: IRC members there see JOIN. */
	irct_send(p.bob, "KICK #dev tom :out");
	irct_text_is(t, "-!- tom was kicked from #dev by robert (out)");
	irct_text_is(t, "-!- tom has joined #lobby");
	irct_text_is(p.ann, "-!- tom has joined #lobby");
	irct_find(p.bob, "KICK #dev tom :out");
	irct_is(p.bob, ":tom!tom@chatd JOIN #lobby");
	/* Kicked from #lobby itself: gone from the server. The room sees
	 * the kick only (tom shares no other room with anyone). */
	conn_send(p.ann, "/op robert\n");
	irct_find(p.bob, "MODE #lobby +o robert");
	irct_send(p.bob, "KICK #lobby tom :bye tom");
	irct_is(p.bob, ":robert!bob@chatd KICK #lobby tom :bye tom");
	irct_nothing(p.bob);
	ck_assert(conn_eof(t, IRCT_WAIT));
	irct_send(p.bob, "ISON tom");
	irct_is(p.bob, ":chatd 303 robert :");
	irct_text_find(
	    p.ann, "-!- tom was kicked from #lobby by robert (bye tom)");
	irct_send(p.bob, "PART #lobby :later");
	irct_text_is(p.ann, "-!- robert has left #lobby (later)");
	irct_send(p.bob, "JOIN #lobby");
	irct_text_is(p.ann, "-!- robert has joined #lobby");
	irct_send(p.bob, "QUIT :gone");
	irct_text_is(p.ann, "-!- robert has quit (gone)");
	conn_close(t);
	pair_stop(&p);
}
END_TEST

/* A text user's long line reaches IRC users split, in order, every part
 * at most 512 bytes; text users get it whole. */
START_TEST(test_long_text_line)
{
	struct pair p;
	struct conn *t;
	char msg[2050], line[IRCT_LINE], got[4096] = "";
	size_t i;
	int parts = 0;

	pair_start(&p);
	t = login_ok(p.s.port, "tom");
	irct_find(p.bob, "NICK tom");
	for (i = 0; i < 2048; i++)
		msg[i] = (char)('a' + i % 26);
	msg[2048] = '\n';
	msg[2049] = '\0';
	conn_send(p.ann, msg);
	msg[2048] = '\0';
	while (strlen(got) < 2048) {
		const char *pre = ":ann!ann@chatd PRIVMSG #lobby :";

		ck_assert_int_eq(
		    irct_line(p.bob, line, sizeof line, IRCT_WAIT), 1);
		ck_assert_uint_le(strlen(line) + 2, 512);
		ck_assert(strncmp(line, pre, strlen(pre)) == 0);
		strcat(got, line + strlen(pre));
		parts++;
	}
	ck_assert_str_eq(got, msg);
	ck_assert_int_eq(parts, 5);
	{
		char want[2100];

		snprintf(want, sizeof want, "<ann> %s", msg);
		irct_text_is(t, want);
	}
	conn_close(t);
	pair_stop(&p);
}
END_TEST

Suite *
test_suite(void)
{
	Suite *s = suite_create("integ_irc_together");
	TCase *tc = tcase_create("together");

	tcase_set_timeout(tc, TEST_TIMEOUT);
	tcase_add_test(tc, test_text_to_irc);
	tcase_add_test(tc, test_irc_to_text);
	tcase_add_test(tc, test_text_membership);
	tcase_add_test(tc, test_text_operator);
	tcase_add_test(tc, test_irc_actions_to_text);
	tcase_add_test(tc, test_long_text_line);
	suite_add_tcase(s, tc);
	return s;
}
