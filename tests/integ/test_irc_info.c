/* test_irc_info.c: IRC's questions: WHO, WHOIS, WHOWAS, USERHOST, ISON, LUSERS, TIME, VERSION (irc-v1 §6, §10). */
#define _DEFAULT_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "check_main.h"
#include "harness.h"
#include "irct.h"
#include "proto.h"

#define V "chatd-" CHAT_VERSION

START_TEST(test_who)
{
	struct srv s;
	struct conn *a, *b, *t;

	srv_start_ok(&s, NULL);
	t = irct_text(s.port, "tom");
	a = irct_reg(s.port, "alice", NULL);
	b = irct_reg(s.port, "bob", NULL);
	irct_send(a, "JOIN #lobby");
	irct_find(a, " 366 ");
	irct_send(a, "WHO #LOBBY");
	irct_is(a,
	    ":chatd 352 alice #lobby tom chatd chatd tom H@ :0 "
	    "plain-text user");
	irct_is(a,
	    ":chatd 352 alice #lobby alice chatd chatd alice H :0 Real "
	    "alice");
	irct_is(a, ":chatd 315 alice #LOBBY :End of WHO list");
	/* Rooms are public: WHO works from outside. */
	irct_send(b, "WHO #lobby");
	irct_find(b, " 352 bob #lobby tom ");
	irct_find(b, " 352 bob #lobby alice ");
	irct_is(b, ":chatd 315 bob #lobby :End of WHO list");
	irct_send(b, "WHO ALICE");
	irct_is(b, ":chatd 352 bob * alice chatd chatd alice H :0 Real alice");
	irct_is(b, ":chatd 315 bob ALICE :End of WHO list");
	irct_send(b, "WHO tom o");
	irct_is(b, ":chatd 352 bob * tom chatd chatd tom H :0 plain-text user");
	irct_is(b, ":chatd 315 bob tom :End of WHO list");
	/* Anything else gets only the end. */
	irct_send(b, "WHO al*");
	irct_is(b, ":chatd 315 bob al* :End of WHO list");
	irct_send(b, "WHO nobody");
	irct_is(b, ":chatd 315 bob nobody :End of WHO list");
	irct_send(b, "WHO #lobby,alice");
	irct_is(b, ":chatd 315 bob #lobby,alice :End of WHO list");
	irct_send(b, "WHO");
	irct_is(b, ":chatd 315 bob * :End of WHO list");
	conn_close(a);
	conn_close(b);
	conn_close(t);
	srv_stop_ok(&s);
}
END_TEST

START_TEST(test_whois)
{
	struct srv s;
	struct conn *a, *b, *t;
	char line[IRCT_LINE], want[128];
	long idle, signon;
	time_t now;

	srv_start_ok(&s, NULL);
	a = irct_reg(s.port, "alice", NULL);
	b = irct_reg(s.port, "bob", NULL);
	t = irct_text(s.port, "tom");
	irct_send(a, "JOIN #a,#b");
	irct_find(a, "#b :End of /NAMES");
	irct_send(b, "JOIN #b");
	irct_find(b, " 366 ");
	irct_send(a, "AWAY :out");
	irct_find(a, " 306 ");
	irct_send(b, "WHOIS ALICE");
	irct_is(b, ":chatd 311 bob alice alice chatd * :Real alice");
	irct_is(b, ":chatd 319 bob alice :@#a @#b");
	irct_is(b, ":chatd 312 bob alice chatd :chatd");
	irct_is(b, ":chatd 301 bob alice :out");
	ck_assert_int_eq(irct_line(b, line, sizeof line, IRCT_WAIT), 1);
	ck_assert_msg(
	    sscanf(line, ":chatd 317 bob alice %ld %ld :", &idle, &signon) == 2,
	    "%s", line);
	ck_assert(strstr(line, " :seconds idle, signon time") != NULL);
	now = time(NULL);
	ck_assert(idle >= 0 && idle < 60);
	ck_assert(signon <= now && signon > now - 60);
	irct_is(b, ":chatd 318 bob ALICE :End of /WHOIS list");
	/* With a server first; a text user; not in a room. */
	irct_send(a, "WHOIS chatd tom");
	irct_is(a, ":chatd 311 alice tom tom chatd * :plain-text user");
	irct_is(a, ":chatd 319 alice tom :@#lobby");
	irct_is(a, ":chatd 312 alice tom chatd :chatd");
	irct_find(a, " 317 alice tom ");
	irct_is(a, ":chatd 318 alice tom :End of /WHOIS list");
	irct_send(a, "PART #a,#b");
	irct_find(a, "PART #b");
	irct_send(b, "WHOIS alice");
	irct_find(b, " 311 ");
	irct_is(b, ":chatd 312 bob alice chatd :chatd");
	irct_find(b, " 301 ");
	irct_find(b, " 317 ");
	irct_find(b, " 318 ");
	irct_send(b, "WHOIS nobody");
	irct_is(b, ":chatd 401 bob nobody :No such nick/channel");
	irct_is(b, ":chatd 318 bob nobody :End of /WHOIS list");
	irct_send(b, "WHOIS");
	irct_is(b, ":chatd 431 bob :No nickname given");
	irct_send(b, "WHOWAS alice");
	irct_is(b, ":chatd 406 bob alice :There was no such nickname");
	irct_is(b, ":chatd 369 bob alice :End of WHOWAS");
	irct_send(b, "WHOWAS");
	irct_is(b, ":chatd 431 bob :No nickname given");
	snprintf(want, sizeof want, "-!- alice: in no room, idle ");
	conn_send(t, "/whois alice\n");
	irct_text_find(t, want);
	conn_close(a);
	conn_close(b);
	conn_close(t);
	srv_stop_ok(&s);
}
END_TEST

START_TEST(test_whois_many_rooms)
{
	struct srv s;
	struct conn *a, *b;
	char line[IRCT_LINE];
	int i, rooms = 0;

	srv_start_ok(&s, NULL);
	a = irct_reg(s.port, "alice", NULL);
	b = irct_reg(s.port, "bob", NULL);
	for (i = 0; i < 50; i++)
		irct_send(a, "JOIN #room-with-a-long-name-%02d", i);
	irct_find(a, "#room-with-a-long-name-49 :End of /NAMES");
	irct_send(b, "WHOIS alice");
	irct_find(b, " 311 ");
	for (;;) {
		ck_assert_int_eq(irct_line(b, line, sizeof line, IRCT_WAIT), 1);
		if (strstr(line, " 312 ") != NULL)
			break;
		ck_assert_msg(strncmp(line, ":chatd 319 bob alice :", 22) == 0,
		    "%s", line);
		ck_assert_uint_le(strlen(line) + 2, 512);
		{
			char *p;

			for (p = line + 21; (p = strstr(p, "@#room")) != NULL;
			     p++)
				rooms++;
		}
	}
	ck_assert_int_eq(rooms, 50);
	conn_close(a);
	conn_close(b);
	srv_stop_ok(&s);
}
END_TEST

START_TEST(test_userhost_ison)
{
	struct srv s;
	struct conn *a, *b, *t;

	srv_start_ok(&s, NULL);
	a = irct_reg(s.port, "alice", NULL);
	b = irct_reg(s.port, "bob", NULL);
	t = irct_text(s.port, "Tom");
	irct_send(a, "USERHOST bob tom nobody alice");
	irct_is(a,
	    ":chatd 302 alice :bob=+bob@chatd Tom=+Tom@chatd "
	    "alice=+alice@chatd");
	irct_send(a, "USERHOST a b c d e alice");
	irct_is(a, ":chatd 302 alice :");
	irct_send(a, "USERHOST");
	irct_is(a, ":chatd 461 alice USERHOST :Not enough parameters");
	irct_send(a, "ISON nobody TOM BOB");
	irct_is(a, ":chatd 303 alice :Tom bob");
	irct_send(a, "ISON :bob  tom alice x");
	irct_is(a, ":chatd 303 alice :bob Tom alice");
	irct_send(a, "ISON nobody");
	irct_is(a, ":chatd 303 alice :");
	irct_send(a, "ISON");
	irct_is(a, ":chatd 461 alice ISON :Not enough parameters");
	conn_close(a);
	conn_close(b);
	conn_close(t);
	srv_stop_ok(&s);
}
END_TEST

START_TEST(test_lusers_time_version)
{
	struct srv s;
	struct conn *a, *b, *t, *u, *pending;

	srv_start_ok(&s, NULL);
	a = irct_reg(s.port, "alice", NULL);
	b = irct_reg(s.port, "bob", NULL);
	t = irct_text(s.port, "tom");
	irct_send(a, "JOIN #a,#b");
	irct_find(a, "#b :End of /NAMES");
	irct_send(b, "JOIN #a");
	irct_find(b, " 366 ");
	irct_find(a, "bob!bob@chatd JOIN");
	conn_close(b);
	irct_find(a, "bob!bob@chatd QUIT");
	irct_send(a, "LUSERS");
	irct_is(a,
	    ":chatd 251 alice :There are 0 users and 2 invisible on 1 "
	    "servers");
	irct_is(a, ":chatd 254 alice 3 :channels formed");
	irct_is(a, ":chatd 255 alice :I have 2 clients and 0 servers");
	irct_is(a, ":chatd 265 alice 2 3 :Current local users 2, max 3");
	irct_is(a, ":chatd 266 alice 2 3 :Current global users 2, max 3");
	/* Not yet users: IRC connections not registered. */
	u = irct_open(s.port);
	irct_send(u, "CAP LS");
	irct_find(u, " LS ");
	pending = irct_open(s.port);
	irct_send(pending, "NICK half");
	irct_sync(pending);
	irct_send(a, "LUSERS");
	irct_find(a, " 251 ");
	irct_is(a, ":chatd 253 alice 2 :unknown connection(s)");
	irct_find(a, " 266 ");
	irct_send(a, "TIME");
	irct_find(a, ":chatd 391 alice chatd :");
	irct_send(a, "VERSION");
	irct_is(a,
	    ":chatd 351 alice " V " chatd :chatd: plain text and IRC "
	    "on one port");
	irct_find(a, " 005 alice CASEMAPPING=ascii ");
	irct_find(a, " 005 alice NETWORK=chatd ");
	irct_find(a, " 005 alice CHATHISTORY=100 ");
	irct_nothing(a);
	conn_close(a);
	conn_close(t);
	conn_close(u);
	conn_close(pending);
	srv_stop_ok(&s);
}
END_TEST

Suite *
test_suite(void)
{
	Suite *s = suite_create("integ_irc_info");
	TCase *tc = tcase_create("queries");

	tcase_set_timeout(tc, TEST_TIMEOUT);
	tcase_add_test(tc, test_who);
	tcase_add_test(tc, test_whois);
	tcase_add_test(tc, test_whois_many_rooms);
	tcase_add_test(tc, test_userhost_ison);
	tcase_add_test(tc, test_lusers_time_version);
	suite_add_tcase(s, tc);
	return s;
}
