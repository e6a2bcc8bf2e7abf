/* test_irc_commands.c: IRC's commands after registration, their numerics and tags (irc-v1 §2, §5, §6). */
#define _DEFAULT_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_main.h"
#include "harness.h"
#include "irct.h"
#include "proto.h"

START_TEST(test_ping_unknown_toolong)
{
	char line[5000];
	struct srv s;
	struct conn *c;

	srv_start_ok(&s, NULL);
	c = irct_reg(s.port, "alice", NULL);
	irct_send(c, "PING lag-42");
	irct_is(c, ":chatd PONG chatd :lag-42");
	irct_send(c, "PING :");
	irct_is(c, ":chatd PONG chatd :");
	irct_send(c, "PING :two words");
	irct_is(c, ":chatd PONG chatd :two words");
	irct_send(c, "PING");
	irct_is(c, ":chatd 409 alice :No origin specified");
	irct_send(c, "PONG whatever");
	irct_send(c, "frobnicate now");
	irct_is(c, ":chatd 421 alice frobnicate :Unknown command");
	irct_send(c, ":ignored!x@y PING src");
	irct_is(c, ":chatd PONG chatd :src");
	/* Empty lines and lines of spaces: nothing. */
	conn_send(c, "\r\n   \r\n\n");
	irct_nothing(c);
	/* 512 with CR LF is fine; 513 is dropped whole, answered 417. */
	memset(line, 'a', sizeof line);
	memcpy(line, "PING ", 5);
	line[510] = '\0';
	irct_send(c, "%s", line);
	irct_find(c, " PONG ");
	line[511] = '\0';
	line[510] = 'b';
	irct_send(c, "%s", line);
	irct_is(c, ":chatd 417 alice :Input line was too long");
	/* A tag section of 4096 bytes passes (whatever --max-line says). */
	memset(line, 'v', sizeof line);
	memcpy(line, "@+x=", 4);
	line[4095] = ' ';
	memcpy(line + 4096, "PING ok", 8);
	irct_send(c, "%s", line);
	irct_is(c, ":chatd PONG chatd :ok");
	line[4095] = 'v';
	line[4096] = ' ';
	memcpy(line + 4097, "PING no", 8);
	irct_send(c, "%s", line);
	irct_is(c, ":chatd 417 alice :Input line was too long");
	/* Far too long, over any reader: still 417, still connected. */
	memset(line, 'x', sizeof line - 1);
	line[sizeof line - 1] = '\0';
	irct_send(c, "%s", line);
	irct_is(c, ":chatd 417 alice :Input line was too long");
	irct_nothing(c);
	conn_close(c);
	srv_stop_ok(&s);
}
END_TEST

START_TEST(test_nick_changes)
{
	struct srv s;
	struct conn *a, *b, *t;

	srv_start_ok(&s, NULL);
	a = irct_reg(s.port, "alice", NULL);
	b = irct_reg(s.port, "bob", NULL);
	t = irct_text(s.port, "tom");
	irct_send(a, "JOIN #lobby");
	irct_find(a, " 366 ");
	irct_text_is(t, "-!- alice has joined #lobby");
	irct_send(a, "NICK alice");
	irct_nothing(a);
	irct_send(a, "NICK bob");
	irct_is(a, ":chatd 433 alice bob :Nickname is already in use");
	irct_send(a, "NICK TOM");
	irct_is(a, ":chatd 433 alice TOM :Nickname is already in use");
	irct_send(a, "NICK -x");
	irct_is(a, ":chatd 432 alice -x :Erroneous nickname");
	irct_send(a, "NICK :");
	irct_is(a, ":chatd 431 alice :No nickname given");
	/* The old nick still reaches its owner. */
	irct_send(b, "PRIVMSG alice :still you");
	irct_is(a, ":bob!bob@chatd PRIVMSG alice :still you");
	/* A change of case is a change; the user sees it, so does tom. */
	irct_send(a, "NICK Alice");
	irct_is(a, ":alice!alice@chatd NICK Alice");
	irct_text_is(t, "-!- alice is now known as Alice");
	irct_send(a, "NICK ann");
	irct_is(a, ":Alice!alice@chatd NICK ann");
	irct_text_is(t, "-!- Alice is now known as ann");
	/* bob shares no room: not told. The old nick is free at once. */
	irct_nothing(b);
	irct_send(b, "NICK Alice");
	irct_is(b, ":bob!bob@chatd NICK Alice");
	conn_close(a);
	conn_close(b);
	conn_close(t);
	srv_stop_ok(&s);
}
END_TEST

START_TEST(test_quit)
{
	struct srv s;
	struct conn *a, *b, *c, *t;

	srv_start_ok(&s, NULL);
	a = irct_reg(s.port, "alice", NULL);
	b = irct_reg(s.port, "bob", NULL);
	c = irct_reg(s.port, "carol", NULL);
	t = irct_text(s.port, "tom");
	irct_send(a, "JOIN #lobby");
	irct_send(b, "JOIN #lobby,#dev");
	irct_send(c, "JOIN #lobby,#dev");
	irct_find(c, "#dev :End of /NAMES");
	irct_find(a, "JOIN #lobby");
	irct_find(a, "JOIN #lobby");
	irct_sync(a);
	irct_sync(b);
	irct_sync(c);
	irct_send(b, "QUIT :gone fishing");
	irct_is(b, "ERROR :Closing Link: Quit: gone fishing");
	irct_eof(b);
	irct_is(a, ":bob!bob@chatd QUIT :Quit: gone fishing");
	/* Once, though carol shares two rooms with bob; bob ran #dev, so
	 * carol, its longest-present member, runs it now. */
	irct_body(c, ":bob!bob@chatd QUIT :Quit: gone fishing");
	irct_body(c, ":chatd MODE #dev +o carol");
	irct_nothing(c);
	irct_text_find(t, "-!- bob has quit (gone fishing)");
	irct_send(c, "QUIT");
	irct_is(c, "ERROR :Closing Link: Client Quit");
	irct_is(a, ":carol!carol@chatd QUIT :Client Quit");
	irct_text_find(t, "-!- carol has quit (bye)");
	/* The nicks are free at once. */
	conn_close(b);
	b = irct_reg(s.port, "bob", NULL);
	irct_send(b, "JOIN #lobby");
	irct_is(a, ":bob!bob@chatd JOIN #lobby");
	/* All read: a close, not a reset. */
	irct_find(b, " 366 ");
	conn_close(b);
	irct_is(a, ":bob!bob@chatd QUIT :Connection closed");
	conn_close(a);
	conn_close(c);
	conn_close(t);
	srv_stop_ok(&s);
}
END_TEST

START_TEST(test_privmsg_errors)
{
	struct srv s;
	struct conn *a, *b;

	srv_start_ok(&s, NULL);
	a = irct_reg(s.port, "alice", NULL);
	b = irct_reg(s.port, "bob", NULL);
	irct_send(b, "JOIN #dev");
	irct_find(b, " 366 ");
	irct_send(a, "PRIVMSG");
	irct_is(a, ":chatd 411 alice :No recipient given (PRIVMSG)");
	irct_send(a, "PRIVMSG bob");
	irct_is(a, ":chatd 412 alice :No text to send");
	irct_send(a, "PRIVMSG bob :");
	irct_is(a, ":chatd 412 alice :No text to send");
	irct_send(a, "PRIVMSG nobody :hi");
	irct_is(a, ":chatd 401 alice nobody :No such nick/channel");
	irct_send(a, "PRIVMSG #nowhere :hi");
	irct_is(a, ":chatd 403 alice #nowhere :No such channel");
	irct_send(a, "PRIVMSG #DEV :hi");
	irct_is(a, ":chatd 404 alice #dev :Cannot send to channel");
	/* One target: a comma makes a name that does not exist. */
	irct_send(a, "PRIVMSG bob,alice :hi");
	irct_is(a, ":chatd 401 alice bob,alice :No such nick/channel");
	/* A NUL or a stray CR is a control like the others: removed. */
	conn_send_raw(a, "PRIVMSG bob :a\0b\rc\r\n", 20);
	irct_is(b, ":alice!alice@chatd PRIVMSG bob :abc");
	/* NOTICE: never any reply. */
	irct_send(a, "NOTICE");
	irct_send(a, "NOTICE bob");
	irct_send(a, "NOTICE nobody :hi");
	irct_send(a, "NOTICE #nowhere :hi");
	irct_send(a, "NOTICE #dev :hi");
	irct_nothing(a);
	irct_nothing(b);
	irct_send(a, "TAGMSG");
	irct_is(a, ":chatd 411 alice :No recipient given (TAGMSG)");
	irct_send(a, "TAGMSG nobody");
	irct_is(a, ":chatd 401 alice nobody :No such nick/channel");
	irct_send(a, "TAGMSG #dev");
	irct_is(a, ":chatd 404 alice #dev :Cannot send to channel");
	conn_close(a);
	conn_close(b);
	srv_stop_ok(&s);
}
END_TEST

/* The next line of c, its tags' time and msgid, and its body is want. */
static void
tagged(struct conn *c, const char *want, char *time, char *msgid)
{
	char line[IRCT_LINE];

	ck_assert_int_eq(irct_line(c, line, sizeof line, IRCT_WAIT), 1);
	ck_assert_msg(strcmp(irct_untag(line), want) == 0, "want %s\ngot  %s",
	    want, line);
	ck_assert_msg(irct_tag(line, "time", time, 64), "no time: %s", line);
	ck_assert_msg(irct_tag(line, "msgid", msgid, 64), "no msgid: %s", line);
	ck_assert_int_eq(strlen(time), 24);
	ck_assert(time[10] == 'T' && time[23] == 'Z');
}

START_TEST(test_messages_and_echo)
{
	struct srv s;
	struct conn *a, *b, *e;
	char t1[64], id1[64], t2[64], id2[64];

	srv_start_ok(&s, NULL);
	a = irct_reg(s.port, "alice", NULL);
	b = irct_reg(s.port, "bob", "message-tags server-time");
	e = irct_reg(s.port, "eve", "echo-message message-tags server-time");
	irct_send(a, "JOIN #dev");
	irct_find(a, " 366 ");
	irct_send(b, "JOIN #dev");
	irct_find(b, " 366 ");
	irct_send(e, "JOIN #dev");
	irct_find(e, " 366 ");
	irct_find(b, "eve!eve@chatd JOIN");
	irct_find(a, "bob!bob@chatd JOIN");
	irct_find(a, "eve!eve@chatd JOIN");
	/* No echo without echo-message; tags only for those with them. */
	irct_send(a, "PRIVMSG #dev :hello all");
	tagged(b, ":alice!alice@chatd PRIVMSG #dev :hello all", t1, id1);
	tagged(e, ":alice!alice@chatd PRIVMSG #dev :hello all", t2, id2);
	ck_assert_str_eq(t1, t2);
	ck_assert_str_eq(id1, id2);
	irct_nothing(a);
	/* The echo: as recipients see it, same time and msgid. */
	/* An ACTION without text, with or without its closing \001. */
	irct_send(e, "PRIVMSG #dev :\001ACTION\001");
	irct_is(a, ":eve!eve@chatd PRIVMSG #dev :\001ACTION\001");
	irct_find(b, "ACTION");
	irct_find(e, "ACTION");
	irct_send(e, "PRIVMSG #dev :\001ACTION");
	irct_is(a, ":eve!eve@chatd PRIVMSG #dev :\001ACTION\001");
	irct_find(b, "ACTION");
	irct_find(e, "ACTION");
	irct_send(e, "PRIVMSG #dev :\001ACTION waves\001");
	irct_is(a, ":eve!eve@chatd PRIVMSG #dev :\001ACTION waves\001");
	tagged(b, ":eve!eve@chatd PRIVMSG #dev :\001ACTION waves\001", t1, id1);
	tagged(e, ":eve!eve@chatd PRIVMSG #dev :\001ACTION waves\001", t2, id2);
	ck_assert_str_eq(t1, t2);
	ck_assert_str_eq(id1, id2);
	/* Even alone in a room; to a user; to oneself, once. */
	irct_send(e, "JOIN #solo");
	irct_find(e, " 366 ");
	irct_send(e, "NOTICE #solo :anyone?");
	tagged(e, ":eve!eve@chatd NOTICE #solo :anyone?", t1, id1);
	irct_send(e, "PRIVMSG ALICE :psst");
	irct_is(a, ":eve!eve@chatd PRIVMSG alice :psst");
	tagged(e, ":eve!eve@chatd PRIVMSG alice :psst", t1, id1);
	irct_send(e, "PRIVMSG eve :me");
	tagged(e, ":eve!eve@chatd PRIVMSG eve :me", t1, id1);
	irct_nothing(e);
	/* Client-only tags: cleaned, relayed escaped to message-tags
	 * clients only; other client tags dropped. */
	irct_send(e,
	    "@+typing=active;+example.com/x=a\\sb\\:c\033;msgid=forged;"
	    "time=x TAGMSG #dev");
	tagged(b, ":eve!eve@chatd TAGMSG #dev", t1, id1);
	tagged(e, ":eve!eve@chatd TAGMSG #dev", t2, id2);
	ck_assert_str_eq(id1, id2);
	ck_assert_str_ne(id1, "forged");
	irct_nothing(a);
	irct_send(e, "@+typing=done TAGMSG #dev");
	{
		char line[IRCT_LINE], v[64];
		const char *want = ";+typing=done :eve!eve@chatd TAGMSG #dev";

		ck_assert_int_eq(irct_line(b, line, sizeof line, IRCT_WAIT), 1);
		ck_assert_msg(strstr(line, want) != NULL, "%s", line);
		ck_assert(irct_tag(line, "msgid", v, sizeof v));
		ck_assert(strncmp(line, "@time=", 6) == 0);
	}
	irct_find(e, "+typing=done");
	irct_send(e,
	    "@+example.com/x=a\\sb\\:c\033;msgid=forged;time=x;"
	    "+draft/reply=%s PRIVMSG #dev :tagged",
	    id1);
	{
		char line[IRCT_LINE], v[64];

		ck_assert_int_eq(irct_line(b, line, sizeof line, IRCT_WAIT), 1);
		ck_assert_msg(irct_tag(line, "+example.com/x", v, sizeof v) &&
			strcmp(v, "a\\sb\\:c") == 0,
		    "%s", line);
		ck_assert(irct_tag(line, "+draft/reply", v, sizeof v) &&
		    strcmp(v, id1) == 0);
		ck_assert(irct_tag(line, "msgid", v, sizeof v) &&
		    strcmp(v, "forged") != 0);
		ck_assert(
		    irct_tag(line, "time", v, sizeof v) && strcmp(v, "x") != 0);
		ck_assert_str_eq(
		    irct_untag(line), ":eve!eve@chatd PRIVMSG #dev :tagged");
	}
	irct_is(a, ":eve!eve@chatd PRIVMSG #dev :tagged");
	conn_close(a);
	conn_close(b);
	conn_close(e);
	srv_stop_ok(&s);
}
END_TEST

START_TEST(test_away)
{
	struct srv s;
	struct conn *a, *b, *t;

	srv_start_ok(&s, NULL);
	a = irct_reg(s.port, "alice", NULL);
	b = irct_reg(s.port, "bob", NULL);
	t = irct_text(s.port, "tom");
	irct_send(a, "AWAY :at lunch");
	irct_is(a, ":chatd 306 alice :You have been marked as being away");
	irct_send(b, "PRIVMSG alice :hi");
	irct_is(a, ":bob!bob@chatd PRIVMSG alice :hi");
	irct_is(b, ":chatd 301 bob alice :at lunch");
	irct_send(b, "NOTICE alice :hi again");
	irct_is(a, ":bob!bob@chatd NOTICE alice :hi again");
	irct_nothing(b);
	/* Text users are told too, in their words; and see it in WHO. */
	conn_send(t, "/msg alice hello\n");
	irct_text_is(t, "-> *alice* hello");
	irct_text_is(t, "-!- alice is away: at lunch");
	irct_is(a, ":tom!tom@chatd PRIVMSG alice :hello");
	irct_send(b, "WHO alice");
	irct_is(b, ":chatd 352 bob * alice chatd chatd alice G :0 Real alice");
	irct_find(b, " 315 ");
	irct_send(b, "USERHOST alice");
	irct_is(b, ":chatd 302 bob :alice=-alice@chatd");
	irct_send(a, "AWAY :");
	irct_is(a, ":chatd 305 alice :You are no longer marked as being away");
	irct_send(a, "AWAY :again");
	irct_find(a, " 306 ");
	irct_send(a, "AWAY");
	irct_find(a, " 305 ");
	irct_send(b, "PRIVMSG alice :back?");
	irct_find(a, "back?");
	irct_nothing(b);
	/* A text user's /away is the same state. */
	conn_send(t, "/away brb\n");
	irct_text_is(t, "-!- you are marked away");
	irct_send(b, "PRIVMSG tom :x");
	irct_is(b, ":chatd 301 bob tom :brb");
	conn_close(a);
	conn_close(b);
	conn_close(t);
	srv_stop_ok(&s);
}
END_TEST

Suite *
test_suite(void)
{
	Suite *s = suite_create("integ_irc_commands");
	TCase *tc = tcase_create("commands");

	tcase_set_timeout(tc, TEST_TIMEOUT);
	tcase_add_test(tc, test_ping_unknown_toolong);
	tcase_add_test(tc, test_nick_changes);
	tcase_add_test(tc, test_quit);
	tcase_add_test(tc, test_privmsg_errors);
	tcase_add_test(tc, test_messages_and_echo);
	tcase_add_test(tc, test_away);
	suite_add_tcase(s, tc);
	return s;
}
