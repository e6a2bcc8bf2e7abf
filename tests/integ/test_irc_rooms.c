/* test_irc_rooms.c: rooms as IRC channels: JOIN, PART, NAMES, TOPIC, MODE, KICK, LIST (irc-v1 §7). */
#define _DEFAULT_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "check_main.h"
#include "harness.h"
#include "irct.h"
#include "proto.h"

START_TEST(test_join)
{
	struct srv s;
	struct conn *a, *b;
	int i;

	srv_start_ok(&s, NULL);
	a = irct_reg(s.port, "alice", NULL);
	b = irct_reg(s.port, "bob", "userhost-in-names");
	irct_send(a, "JOIN #Dev");
	irct_is(a, ":alice!alice@chatd JOIN #Dev");
	irct_is(a, ":chatd 353 alice = #Dev :@alice");
	irct_is(a, ":chatd 366 alice #Dev :End of /NAMES list");
	irct_nothing(a);
	/* The spelling it was created with; keys ignored; each in turn. */
	irct_send(b, "JOIN #dev,lobby,#,#new key1,key2");
	irct_is(b, ":bob!bob@chatd JOIN #Dev");
	irct_is(b, ":chatd 353 bob = #Dev :@alice!alice@chatd bob!bob@chatd");
	irct_is(b, ":chatd 366 bob #Dev :End of /NAMES list");
	irct_is(b, ":chatd 479 bob lobby :Illegal channel name");
	irct_is(b, ":chatd 479 bob # :Illegal channel name");
	irct_is(b, ":bob!bob@chatd JOIN #new");
	irct_is(b, ":chatd 353 bob = #new :@bob!bob@chatd");
	irct_is(b, ":chatd 366 bob #new :End of /NAMES list");
	irct_is(a, ":bob!bob@chatd JOIN #Dev");
	/* Already in: nothing. */
	irct_send(b, "JOIN #DEV");
	irct_nothing(b);
	irct_send(b, "JOIN");
	irct_is(b, ":chatd 461 bob JOIN :Not enough parameters");
	/* With a topic: 332 and 333 before the names. */
	irct_send(a, "TOPIC #dev :the topic");
	irct_is(a, ":alice!alice@chatd TOPIC #Dev :the topic");
	irct_is(b, ":alice!alice@chatd TOPIC #Dev :the topic");
	irct_send(b, "PART #dev");
	irct_is(b, ":bob!bob@chatd PART #Dev");
	irct_is(a, ":bob!bob@chatd PART #Dev");
	irct_send(b, "JOIN #dev");
	irct_is(b, ":bob!bob@chatd JOIN #Dev");
	irct_is(b, ":chatd 332 bob #Dev :the topic");
	irct_find(b, ":chatd 333 bob #Dev alice ");
	irct_find(b, " 366 ");
	/* 50 rooms at most. */
	for (i = 0; i < 48; i++)
		irct_send(b, "JOIN #r%d", i);
	irct_find(b, "#r47 :End of /NAMES");
	irct_send(b, "JOIN #one-too-many,#dev");
	irct_is(b,
	    ":chatd 405 bob #one-too-many :You have joined too many "
	    "channels");
	irct_nothing(b);
	/* JOIN 0 leaves every room, in the order joined. */
	irct_sync(a);
	irct_send(b, "JOIN 0");
	irct_is(b, ":bob!bob@chatd PART #new");
	irct_is(b, ":bob!bob@chatd PART #Dev");
	irct_is(b, ":bob!bob@chatd PART #r0");
	irct_find(b, "PART #r47");
	irct_nothing(b);
	irct_is(a, ":bob!bob@chatd PART #Dev");
	conn_close(a);
	conn_close(b);
	srv_stop_ok(&s);
}
END_TEST

START_TEST(test_part_names)
{
	struct srv s;
	struct conn *a, *b;
	char line[IRCT_LINE];
	int i, lines = 0, names = 0;
	struct conn *many[40];

	srv_start_ok(&s, NULL);
	a = irct_reg(s.port, "alice", NULL);
	b = irct_reg(s.port, "bob", NULL);
	irct_send(a, "JOIN #a,#b");
	irct_find(a, "#b :End");
	irct_send(b, "PART #nope,#a,b");
	irct_is(b, ":chatd 403 bob #nope :No such channel");
	irct_is(b, ":chatd 442 bob #a :You're not on that channel");
	irct_is(b, ":chatd 403 bob b :No such channel");
	irct_send(b, "PART");
	irct_is(b, ":chatd 461 bob PART :Not enough parameters");
	irct_send(b, "JOIN #a");
	irct_find(b, " 366 ");
	irct_find(a, "JOIN #a");
	irct_send(b, "PART #A :so long");
	irct_is(b, ":bob!bob@chatd PART #a :so long");
	irct_is(a, ":bob!bob@chatd PART #a :so long");
	/* And then no more of it. */
	irct_send(a, "PRIVMSG #a :anyone?");
	irct_nothing(b);
	/* NAMES: public, the name as given in 366. */
	irct_send(b, "NAMES #A");
	irct_is(b, ":chatd 353 bob = #a :@alice");
	irct_is(b, ":chatd 366 bob #A :End of /NAMES list");
	irct_send(b, "NAMES #nope");
	irct_is(b, ":chatd 366 bob #nope :End of /NAMES list");
	irct_send(b, "NAMES #a,#b");
	irct_is(b, ":chatd 366 bob #a,#b :End of /NAMES list");
	irct_send(b, "NAMES");
	irct_is(b, ":chatd 366 bob * :End of /NAMES list");
	/* Emptied rooms are gone. */
	irct_send(a, "PART #a");
	irct_find(a, "PART #a");
	irct_send(b, "NAMES #a");
	irct_is(b, ":chatd 366 bob #a :End of /NAMES list");
	/* A long list takes several 353 lines of at most 512 bytes. */
	for (i = 0; i < 40; i++) {
		char nick[32];

		snprintf(nick, sizeof nick, "member-number-%02d", i);
		many[i] = irct_reg(s.port, nick, NULL);
		irct_send(many[i], "JOIN #big");
		irct_find(many[i], " 366 ");
	}
	irct_send(b, "NAMES #big");
	for (;;) {
		ck_assert_int_eq(irct_line(b, line, sizeof line, IRCT_WAIT), 1);
		if (strstr(line, " 366 ") != NULL)
			break;
		ck_assert(strncmp(line, ":chatd 353 bob = #big :", 23) == 0);
		ck_assert_uint_le(strlen(line) + 2, 512);
		ck_assert(line[strlen(line) - 1] != ' ');
		lines++;
		{
			char *p;

			for (p = line + 22; p != NULL; p = strchr(p + 1, ' '))
				names++;
		}
	}
	ck_assert_int_ge(lines, 2);
	ck_assert_int_eq(names, 40);
	for (i = 0; i < 40; i++)
		conn_close(many[i]);
	conn_close(a);
	conn_close(b);
	srv_stop_ok(&s);
}
END_TEST

START_TEST(test_topic)
{
	struct srv s;
	struct conn *a, *b, *c;
	char line[IRCT_LINE], topic[400];
	long when;

	srv_start_ok(&s, NULL);
	a = irct_reg(s.port, "alice", NULL);
	b = irct_reg(s.port, "bob", NULL);
	c = irct_reg(s.port, "carol", NULL);
	irct_send(a, "JOIN #dev");
	irct_find(a, " 366 ");
	irct_send(b, "JOIN #dev");
	irct_find(b, " 366 ");
	irct_find(a, "bob!bob@chatd JOIN");
	irct_send(c, "TOPIC #dev");
	irct_is(c, ":chatd 331 carol #dev :No topic is set");
	irct_send(c, "TOPIC #nope");
	irct_is(c, ":chatd 403 carol #nope :No such channel");
	irct_send(c, "TOPIC");
	irct_is(c, ":chatd 461 carol TOPIC :Not enough parameters");
	irct_send(c, "TOPIC #dev :mine");
	irct_is(c, ":chatd 442 carol #dev :You're not on that channel");
	irct_send(b, "TOPIC #dev :mine");
	irct_is(b, ":chatd 482 bob #dev :You're not channel operator");
	/* Cut to TOPICLEN, whoever sets it. */
	memset(topic, 'x', sizeof topic);
	topic[399] = '\0';
	irct_send(a, "TOPIC #dev :%s", topic);
	topic[300] = '\0';
	irct_is(a, ":alice!alice@chatd TOPIC #dev :%s", topic);
	irct_is(b, ":alice!alice@chatd TOPIC #dev :%s", topic);
	irct_send(c, "TOPIC #DEV");
	irct_is(c, ":chatd 332 carol #dev :%s", topic);
	ck_assert_int_eq(irct_line(c, line, sizeof line, IRCT_WAIT), 1);
	ck_assert(sscanf(line, ":chatd 333 carol #dev alice %ld", &when) == 1);
	ck_assert(when > time(NULL) - 60 && when <= time(NULL));
	/* An empty topic clears it, announced the same way. */
	irct_send(a, "TOPIC #dev :");
	irct_is(a, ":alice!alice@chatd TOPIC #dev :");
	irct_is(b, ":alice!alice@chatd TOPIC #dev :");
	irct_send(c, "TOPIC #dev");
	irct_is(c, ":chatd 331 carol #dev :No topic is set");
	conn_close(a);
	conn_close(b);
	conn_close(c);
	srv_stop_ok(&s);
}
END_TEST

START_TEST(test_mode)
{
	struct srv s;
	struct conn *a, *b, *c;
	char line[IRCT_LINE];
	long created;

	srv_start_ok(&s, NULL);
	a = irct_reg(s.port, "alice", NULL);
	b = irct_reg(s.port, "bob", NULL);
	c = irct_reg(s.port, "carol", NULL);
	irct_send(a, "JOIN #dev");
	irct_find(a, " 366 ");
	irct_send(b, "JOIN #dev");
	irct_find(b, " 366 ");
	irct_find(a, "bob!bob@chatd JOIN");
	irct_send(c, "MODE #DEV");
	irct_is(c, ":chatd 324 carol #dev +nt");
	ck_assert_int_eq(irct_line(c, line, sizeof line, IRCT_WAIT), 1);
	ck_assert(sscanf(line, ":chatd 329 carol #dev %ld", &created) == 1);
	ck_assert(created > time(NULL) - 60 && created <= time(NULL));
	irct_send(c, "MODE #dev b");
	irct_is(c, ":chatd 368 carol #dev :End of channel ban list");
	irct_send(c, "MODE #dev +e");
	irct_is(c, ":chatd 349 carol #dev :End of channel exception list");
	irct_send(c, "MODE #dev I");
	irct_is(c, ":chatd 347 carol #dev :End of channel invite list");
	irct_send(c, "MODE #dev +o carol");
	irct_is(c, ":chatd 442 carol #dev :You're not on that channel");
	irct_send(b, "MODE #dev +o bob");
	irct_is(b, ":chatd 482 bob #dev :You're not channel operator");
	irct_send(c, "MODE #nope");
	irct_is(c, ":chatd 403 carol #nope :No such channel");
	irct_send(c, "MODE #dev,#x");
	irct_is(c, ":chatd 403 carol #dev,#x :No such channel");
	irct_send(c, "MODE");
	irct_is(c, ":chatd 461 carol MODE :Not enough parameters");
	/* The operator: one line per real change, to everyone. */
	irct_send(a, "MODE #dev +o bob");
	irct_is(a, ":alice!alice@chatd MODE #dev +o bob");
	irct_is(b, ":alice!alice@chatd MODE #dev +o bob");
	irct_send(a, "MODE #dev +o BOB");
	irct_nothing(a);
	irct_send(a, "MODE #dev -o+o-x bob carol");
	irct_is(a, ":alice!alice@chatd MODE #dev -o bob");
	irct_is(a, ":chatd 441 alice carol #dev :They aren't on that channel");
	irct_is(a, ":chatd 472 alice x :is unknown mode char to me");
	irct_is(b, ":alice!alice@chatd MODE #dev -o bob");
	irct_send(a, "MODE #dev +ntk-n+o");
	irct_is(a, ":chatd 472 alice k :is unknown mode char to me");
	irct_is(a, ":chatd 472 alice n :is unknown mode char to me");
	irct_nothing(a);
	irct_send(a, "MODE #dev +b nick!*@*");
	irct_is(a, ":chatd 472 alice b :is unknown mode char to me");
	/* User modes. */
	irct_send(a, "MODE alice");
	irct_is(a, ":chatd 221 alice +i");
	irct_send(a, "MODE ALICE -i");
	irct_nothing(a);
	irct_send(a, "MODE alice +iw");
	irct_is(a, ":chatd 501 alice :Unknown MODE flag");
	irct_send(a, "MODE bob");
	irct_is(a, ":chatd 502 alice :Can't change mode for other users");
	irct_send(a, "MODE nobody");
	irct_is(a, ":chatd 401 alice nobody :No such nick/channel");
	conn_close(a);
	conn_close(b);
	conn_close(c);
	srv_stop_ok(&s);
}
END_TEST

START_TEST(test_kick_and_succession)
{
	struct srv s;
	struct conn *a, *b, *c;
	char reason[400];

	srv_start_ok(&s, NULL);
	a = irct_reg(s.port, "alice", NULL);
	b = irct_reg(s.port, "bob", NULL);
	c = irct_reg(s.port, "carol", NULL);
	irct_send(a, "JOIN #dev");
	irct_find(a, " 366 ");
	irct_send(b, "JOIN #dev");
	irct_find(b, " 366 ");
	irct_send(c, "JOIN #dev");
	irct_find(c, " 366 ");
	irct_find(a, "carol!carol@chatd JOIN");
	irct_find(b, "carol!carol@chatd JOIN");
	irct_send(b, "KICK #dev carol");
	irct_is(b, ":chatd 482 bob #dev :You're not channel operator");
	irct_send(b, "KICK #nope carol");
	irct_is(b, ":chatd 403 bob #nope :No such channel");
	irct_send(b, "KICK #dev");
	irct_is(b, ":chatd 461 bob KICK :Not enough parameters");
	irct_send(a, "KICK #dev nobody");
	irct_is(a, ":chatd 441 alice nobody #dev :They aren't on that channel");
	irct_send(a, "KICK #dev carol,bob");
	irct_is(a,
	    ":chatd 441 alice carol,bob #dev :They aren't on that "
	    "channel");
	/* Without a reason: the kicker's nick. */
	irct_send(a, "KICK #dev CAROL");
	irct_is(a, ":alice!alice@chatd KICK #dev carol :alice");
	irct_is(b, ":alice!alice@chatd KICK #dev carol :alice");
	irct_is(c, ":alice!alice@chatd KICK #dev carol :alice");
	irct_send(c, "PRIVMSG #dev :hi");
	irct_is(c, ":chatd 404 carol #dev :Cannot send to channel");
	irct_send(c, "KICK #dev bob");
	irct_is(c, ":chatd 442 carol #dev :You're not on that channel");
	irct_send(c, "JOIN #dev");
	irct_find(c, " 366 ");
	irct_find(a, "carol!carol@chatd JOIN");
	irct_find(b, "carol!carol@chatd JOIN");
	/* A reason, cut to KICKLEN. */
	memset(reason, 'r', sizeof reason);
	reason[399] = '\0';
	irct_send(a, "KICK #dev carol :%s", reason);
	reason[300] = '\0';
	irct_is(a, ":alice!alice@chatd KICK #dev carol :%s", reason);
	irct_is(b, ":alice!alice@chatd KICK #dev carol :%s", reason);
	irct_is(c, ":alice!alice@chatd KICK #dev carol :%s", reason);
	/* The last operator leaves: the longest-present takes over. */
	irct_send(a, "PART #dev");
	irct_is(a, ":alice!alice@chatd PART #dev");
	irct_is(b, ":alice!alice@chatd PART #dev");
	irct_is(b, ":chatd MODE #dev +o bob");
	irct_nothing(b);
	irct_send(b, "KICK #dev bob :bye me");
	irct_is(b, ":bob!bob@chatd KICK #dev bob :bye me");
	/* Gone with its last member. */
	irct_send(b, "NAMES #dev");
	irct_is(b, ":chatd 366 bob #dev :End of /NAMES list");
	conn_close(a);
	conn_close(b);
	conn_close(c);
	srv_stop_ok(&s);
}
END_TEST

START_TEST(test_list)
{
	struct srv s;
	struct conn *a, *b;

	srv_start_ok(&s, NULL);
	a = irct_reg(s.port, "alice", NULL);
	b = irct_reg(s.port, "bob", NULL);
	irct_send(a, "JOIN #b,#A,#c");
	irct_find(a, "#c :End");
	irct_send(b, "JOIN #c");
	irct_find(b, " 366 ");
	irct_send(a, "TOPIC #b :bee");
	irct_find(a, "TOPIC #b");
	irct_send(b, "LIST");
	irct_is(b, ":chatd 321 bob Channel :Users  Name");
	irct_is(b, ":chatd 322 bob #A 1 :");
	irct_is(b, ":chatd 322 bob #b 1 :bee");
	irct_is(b, ":chatd 322 bob #c 2 :");
	irct_is(b, ":chatd 323 bob :End of /LIST");
	irct_send(b, "LIST #c,#nope,#B >1");
	irct_is(b, ":chatd 321 bob Channel :Users  Name");
	irct_is(b, ":chatd 322 bob #c 2 :");
	irct_is(b, ":chatd 322 bob #b 1 :bee");
	irct_is(b, ":chatd 323 bob :End of /LIST");
	irct_nothing(b);
	conn_close(a);
	conn_close(b);
	srv_stop_ok(&s);
}
END_TEST

/* SAFELIST: a list far over --max-queue reaches a client that reads, and
 * what it sent after LIST is answered after the 323. */
START_TEST(test_list_paced)
{
	const char *args[] = { "--max-queue", "16K", "--rate", "0", NULL };
	struct srv s;
	struct conn *o[5], *b;
	char line[IRCT_LINE], topic[301];
	int i, k, n = 0;

	memset(topic, 't', 300);
	topic[300] = '\0';
	srv_start_ok(&s, args);
	for (k = 0; k < 5; k++) {
		char nick[16];

		snprintf(nick, sizeof nick, "owner%d", k);
		o[k] = irct_reg(s.port, nick, NULL);
		/* In steps: what one pass answers must fit --max-queue. */
		for (i = 0; i < 50; i++) {
			irct_send(o[k], "JOIN #room-%d-%02d", k, i);
			irct_send(o[k], "TOPIC #room-%d-%02d :%s", k, i, topic);
			if (i % 5 == 4)
				irct_sync(o[k]);
		}
	}
	b = irct_reg(s.port, "bob", NULL);
	irct_send(b, "LIST");
	irct_send(b, "PING after-list");
	irct_is(b, ":chatd 321 bob Channel :Users  Name");
	for (;;) {
		ck_assert_int_eq(irct_line(b, line, sizeof line, IRCT_WAIT), 1);
		if (strstr(line, " 323 ") != NULL)
			break;
		ck_assert_msg(strncmp(line, ":chatd 322 bob #room-", 21) == 0,
		    "%s", line);
		n++;
	}
	/* 250 lines of some 340 bytes: five times --max-queue. */
	ck_assert_int_eq(n, 250);
	irct_is(b, ":chatd PONG chatd :after-list");
	for (k = 0; k < 5; k++)
		conn_close(o[k]);
	conn_close(b);
	srv_stop_ok(&s);
}
END_TEST

Suite *
test_suite(void)
{
	Suite *s = suite_create("integ_irc_rooms");
	TCase *tc = tcase_create("rooms");

	tcase_set_timeout(tc, TEST_TIMEOUT);
	tcase_add_test(tc, test_join);
	tcase_add_test(tc, test_part_names);
	tcase_add_test(tc, test_topic);
	tcase_add_test(tc, test_mode);
	tcase_add_test(tc, test_kick_and_succession);
	tcase_add_test(tc, test_list);
	tcase_add_test(tc, test_list_paced);
	suite_add_tcase(s, tc);
	return s;
}
