/* test_irc_cmds.c: irc-v1 §6, PING, unknown commands, NICK, QUIT, PRIVMSG. */
#define _DEFAULT_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_main.h"
#include "ircc.h"

static void
join(struct ircc *ic, const char *room)
{
	irc_send(ic, "JOIN %s", room);
	irc_until(ic, "366");
}

START_TEST(test_ping)
{
	static const char *const args[] = { "--server-name", "irc.example",
		NULL };
	struct srv s;
	struct ircc *a, *u;

	irc_srv_start(&s, NULL);
	a = irc_user(s.port, "alice");
	irc_send(a, "PING tok");
	irc_want(a, ":chatd PONG chatd :tok");
	ck_assert_str_eq(a->m.params[0], "chatd");
	irc_send(a, "PING :");
	irc_want(a, ":chatd PONG chatd :");
	irc_send(a, "PING :with spaces");
	irc_want(a, ":chatd PONG chatd :with spaces");
	irc_send(a, "PING");
	irc_want(a, ":chatd 409 alice :" ANY);
	irc_send(a, "PONG :anything");
	irc_send(a, "PONG");
	irc_nothing(a);
	/* Before registration the same (PASS first: IRC, and no nick). */
	u = irc_open(s.port, "unreg");
	irc_send(u, "PASS x");
	irc_send(u, "PING");
	irc_want(u, ":chatd 409 * :" ANY);
	irc_send(u, "PING early");
	irc_want(u, ":chatd PONG chatd :early");
	srv_stop_ok(&s);
	/* The server name is its source and first param. */
	irc_srv_start(&s, args);
	a = irc_user(s.port, "alice");
	irc_send(a, "PING tok");
	irc_want(a, ":irc.example PONG irc.example :tok");
	srv_stop_ok(&s);
}
END_TEST

START_TEST(test_unknown_and_short)
{
	static const char *const short_cmd[][2] = { { "JOIN", "JOIN" },
		{ "join", "JOIN" }, { "PART", "PART" }, { "TOPIC", "TOPIC" },
		{ "KICK", "KICK" }, { "KICK #a", "KICK" }, { "MODE", "MODE" },
		{ "USERHOST", "USERHOST" }, { "ISON", "ISON" },
		{ "CAP", "CAP" } };
	struct srv s;
	struct ircc *a;
	size_t i;

	irc_srv_start(&s, NULL);
	a = irc_user(s.port, "alice");
	/* The command as sent. */
	irc_send(a, "FOO");
	irc_want(a, ":chatd 421 alice FOO :Unknown command");
	irc_send(a, "fOo bar :baz");
	irc_want(a, ":chatd 421 alice fOo :Unknown command");
	irc_send(a, "PRIVMSGX bob :x");
	irc_want(a, ":chatd 421 alice PRIVMSGX :Unknown command");
	irc_send(a, "KNOCK #x");
	irc_want(a, ":chatd 421 alice KNOCK :Unknown command");
	/* Too few params: 461 with the command (upper case, as the
	 * notation <COMMAND> is read). */
	for (i = 0; i < sizeof short_cmd / sizeof short_cmd[0]; i++) {
		irc_send(a, "%s", short_cmd[i][0]);
		irc_want(a, ":chatd 461 alice %s :Not enough parameters",
		    short_cmd[i][1]);
	}
	/* Where the table says otherwise. */
	irc_send(a, "PRIVMSG");
	irc_want(a, ":chatd 411 alice :" ANY);
	irc_send(a, "NOTICE");
	irc_nothing(a);
	irc_send(a, "WHOIS");
	irc_want(a, ":chatd 431 alice :" ANY);
	irc_send(a, "WHOWAS");
	irc_want(a, ":chatd 431 alice :" ANY);
	irc_send(a, "NICK");
	irc_want(a, ":chatd 431 alice :" ANY);
	irc_send(a, "WHO");
	irc_want(a, ":chatd 315 alice * :End of WHO list");
	irc_send(a, "NAMES");
	irc_want(a, ":chatd 366 alice * :End of /NAMES list");
	irc_send(a, "PING");
	irc_want(a, ":chatd 409 alice :" ANY);
	irc_nothing(a);
	srv_stop_ok(&s);
}
END_TEST

START_TEST(test_nick_change)
{
	struct srv s;
	struct ircc *a, *b, *c, *d;
	struct conn *t;

	irc_srv_start(&s, NULL);
	t = txt_login(s.port, "ann");
	a = irc_user(s.port, "alice");
	b = irc_user(s.port, "bob");
	c = irc_user(s.port, "carol");
	d = irc_user(s.port, "dave");
	join(a, "#lobby");
	join(a, "#x");
	join(b, "#x");
	join(c, "#x");
	join(c, "#lobby"); /* carol shares two rooms with alice */
	join(d, "#y");
	irc_sync(a);
	irc_sync(b);
	txt_sync(t);
	irc_send(a, "NICK alicia");
	irc_want(a, ":alice!alice@chatd NICK alicia");
	irc_want(b, ":alice!alice@chatd NICK alicia");
	irc_want(c, ":alice!alice@chatd NICK alicia");
	txt_want(t, "-!- alice is now known as alicia");
	irc_nothing(a);
	irc_nothing(b);
	irc_nothing(c); /* once, not once per room */
	irc_nothing(d);
	txt_nothing(t);
	/* The old nick is free at once. */
	irc_send(d, "NICK alice");
	irc_want(d, ":dave!dave@chatd NICK alice");
	/* The exact current nick: nothing; a change of case: a change. */
	irc_send(a, "NICK alicia");
	irc_nothing(a);
	irc_nothing(b);
	irc_send(a, "NICK Alicia");
	irc_want(a, ":alicia!alice@chatd NICK Alicia");
	irc_want(b, ":alicia!alice@chatd NICK Alicia");
	txt_want(t, "-!- alicia is now known as Alicia");
	/* Taken (any case): 433, the old nick kept and still reachable. */
	irc_send(a, "NICK BOB");
	irc_want(a, ":chatd 433 Alicia BOB :" ANY);
	irc_send(a, "NICK 9x");
	irc_want(a, ":chatd 432 Alicia 9x :" ANY);
	irc_send(a, "NICK :");
	irc_want(a, ":chatd 431 Alicia :" ANY);
	irc_nothing(b);
	irc_send(b, "PRIVMSG alicia :still you");
	irc_want(a, ":bob!bob@chatd PRIVMSG Alicia :still you");
	srv_stop_ok(&s);
}
END_TEST

START_TEST(test_quit)
{
	struct srv s;
	struct ircc *a, *b, *c;
	struct conn *t;

	irc_srv_start(&s, NULL);
	t = txt_login(s.port, "ann");
	a = irc_user(s.port, "alice");
	b = irc_user(s.port, "bob");
	join(a, "#lobby");
	join(a, "#x");
	join(b, "#lobby");
	join(b, "#x");
	irc_sync(a);
	txt_sync(t);
	irc_send(b, "QUIT :gone fishing");
	irc_want(b, "ERROR :" ANY);
	irc_eof(b, IRC_WAIT);
	irc_want(a, ":bob!bob@chatd QUIT :Quit: gone fishing");
	ck_assert_int_eq(a->m.nparams, 1);
	irc_nothing(a); /* once, though two rooms are shared */
	txt_want(t, "-!- bob has quit (gone fishing)");
	/* Free at once. */
	b = irc_user(s.port, "bob");
	join(b, "#x");
	irc_want(a, ":bob!bob@chatd JOIN #x");
	irc_send(b, "QUIT");
	irc_want(b, "ERROR :" ANY);
	irc_eof(b, IRC_WAIT);
	irc_want(a, ":bob!bob@chatd QUIT :Client Quit");
	/* An empty reason is read as none. */
	c = irc_user(s.port, "carol");
	join(c, "#x");
	irc_want(a, ":carol!carol@chatd JOIN #x");
	irc_send(c, "QUIT :");
	irc_want(a, ":carol!carol@chatd QUIT :Client Quit");
	srv_stop_ok(&s);
}
END_TEST

START_TEST(test_privmsg)
{
	struct srv s;
	struct ircc *a, *b, *c;
	struct conn *t;

	irc_srv_start(&s, NULL);
	t = txt_login(s.port, "ann");
	a = irc_user(s.port, "alice");
	b = irc_user(s.port, "bob");
	c = irc_user(s.port, "carol");
	join(a, "#lobby");
	join(b, "#lobby");
	join(c, "#other");
	irc_sync(a);
	txt_sync(t);
	/* To a room: every other member once, in its spelling. */
	irc_send(a, "PRIVMSG #LOBBY :to all");
	irc_want(b, ":alice!alice@chatd PRIVMSG #lobby :to all");
	txt_want(t, "<alice> to all");
	irc_nothing(a);
	irc_nothing(b);
	/* To a user, its nick as now spelled. */
	irc_send(a, "PRIVMSG BOB :psst");
	irc_want(b, ":alice!alice@chatd PRIVMSG bob :psst");
	irc_send(a, "PRIVMSG Ann :psst");
	txt_want(t, "*alice* psst");
	/* The errors, each with nothing relayed. */
	irc_send(a, "PRIVMSG");
	irc_want(a, ":chatd 411 alice :" ANY);
	irc_send(a, "PRIVMSG bob");
	irc_want(a, ":chatd 412 alice :" ANY);
	irc_send(a, "PRIVMSG bob :");
	irc_want(a, ":chatd 412 alice :" ANY);
	irc_send(a, "PRIVMSG #nope :x");
	irc_want(a, ":chatd 403 alice #nope :No such channel");
	irc_send(a, "PRIVMSG #other :x");
	irc_want(a, ":chatd 404 alice #other :Cannot send to channel");
	irc_send(a, "PRIVMSG nobody :x");
	irc_want(a, ":chatd 401 alice nobody :No such nick/channel");
	/* One target: a comma makes a name that does not exist. */
	irc_send(a, "PRIVMSG bob,carol :x");
	irc_want(a, ":chatd 401 alice bob,carol :" ANY);
	irc_send(a, "PRIVMSG #lobby,#other :x");
	irc_want(a, ":chatd 403 alice #lobby,#other :" ANY);
	irc_nothing(b);
	irc_nothing(c);
	txt_nothing(t);
	/* NOTICE: the same deliveries, never a reply. */
	irc_send(a, "NOTICE #lobby :n");
	irc_want(b, ":alice!alice@chatd NOTICE #lobby :n");
	txt_want(t, "<alice> n");
	irc_send(a, "NOTICE bob :n2");
	irc_want(b, ":alice!alice@chatd NOTICE bob :n2");
	irc_send(a, "NOTICE");
	irc_send(a, "NOTICE bob");
	irc_send(a, "NOTICE bob :");
	irc_send(a, "NOTICE #nope :x");
	irc_send(a, "NOTICE #other :x");
	irc_send(a, "NOTICE nobody :x");
	irc_nothing(a);
	irc_nothing(b);
	irc_nothing(c);
	srv_stop_ok(&s);
}
END_TEST

START_TEST(test_away_reply)
{
	struct srv s;
	struct ircc *a, *b;
	struct conn *t;

	irc_srv_start(&s, NULL);
	t = txt_login(s.port, "ann");
	a = irc_user(s.port, "alice");
	b = irc_user(s.port, "bob");
	irc_send(b, "AWAY :gone to lunch");
	irc_want(b, ":chatd 306 bob :" ANY);
	irc_send(a, "PRIVMSG bob :hi");
	irc_want(b, ":alice!alice@chatd PRIVMSG bob :hi");
	irc_want(a, ":chatd 301 alice bob :gone to lunch");
	irc_nothing(a);
	/* NOTICE: no 301. */
	irc_send(a, "NOTICE bob :hi");
	irc_want(b, ":alice!alice@chatd NOTICE bob :hi");
	irc_nothing(a);
	/* Away set by a text user is the same state. */
	txt_send(t, "/away brb");
	txt_want(t, "-!- you are marked away");
	irc_send(a, "PRIVMSG ann :hi");
	txt_want(t, "*alice* hi");
	irc_want(a, ":chatd 301 alice ann :brb");
	/* Back: no more 301. */
	irc_send(b, "AWAY");
	irc_want(b, ":chatd 305 bob :" ANY);
	irc_send(a, "PRIVMSG bob :back?");
	irc_want(b, ":alice!alice@chatd PRIVMSG bob :back?");
	irc_nothing(a);
	/* And an IRC user's away reaches text senders. */
	irc_send(b, "AWAY :out");
	irc_want(b, ":chatd 306 bob :" ANY);
	txt_send(t, "/msg bob yo");
	irc_want(b, ":ann!ann@chatd PRIVMSG bob :yo");
	txt_want(t, "-> *bob* yo");
	txt_want(t, "-!- bob is away: out");
	srv_stop_ok(&s);
}
END_TEST

Suite *
test_suite(void)
{
	Suite *s = suite_create("integ_irc_cmds");
	TCase *tc = tcase_create("cmds");

	tcase_set_timeout(tc, TEST_TIMEOUT);
	tcase_add_test(tc, test_ping);
	tcase_add_test(tc, test_unknown_and_short);
	tcase_add_test(tc, test_nick_change);
	tcase_add_test(tc, test_quit);
	tcase_add_test(tc, test_privmsg);
	tcase_add_test(tc, test_away_reply);
	suite_add_tcase(s, tc);
	return s;
}
