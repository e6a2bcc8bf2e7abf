/* test_irc_reg.c: IRC registration in every order, CAP, the burst, the options (irc-v1 §3-§5). */
#define _DEFAULT_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check_main.h"
#include "harness.h"
#include "irct.h"
#include "proto.h"

#define V    "chatd-" CHAT_VERSION
#define ISUP "are supported by this server"
#define CAPS                                                              \
	"batch draft/chathistory echo-message message-tags multi-prefix " \
	"server-time userhost-in-names"

/* The burst after 001's line, exactly (default options). */
static void
burst_rest(struct conn *c, const char *n, int history)
{
	irct_body(
	    c, ":chatd 002 %s :Your host is chatd, running version " V, n);
	irct_find(c, " 003 ");
	irct_body(c, ":chatd 004 %s chatd " V " i not o", n);
	irct_body(c,
	    ":chatd 005 %s CASEMAPPING=ascii CHANTYPES=# PREFIX=(o)@ "
	    "CHANMODES=,,,nt MODES=1 NICKLEN=16 CHANNELLEN=33 TOPICLEN=300 "
	    "KICKLEN=300 AWAYLEN=200 USERLEN=10 CHANLIMIT=#:50 :" ISUP,
	    n);
	irct_body(c,
	    ":chatd 005 %s NETWORK=chatd SAFELIST "
	    "TARGMAX=JOIN:,PART:,NAMES:1,WHOIS:1,PRIVMSG:1,NOTICE:1,"
	    "TAGMSG:1,KICK:1 :" ISUP,
	    n);
	if (history)
		irct_body(c,
		    ":chatd 005 %s CHATHISTORY=100 "
		    "MSGREFTYPES=msgid,timestamp :" ISUP,
		    n);
	irct_body(c, ":chatd 422 %s :MOTD File is missing", n);
	/* Nothing unasked after the burst: no MODE, no NOTICE, no JOIN. */
	irct_nothing(c);
}

START_TEST(test_nick_user_no_cap)
{
	struct srv s;
	struct conn *c;

	srv_start_ok(&s, NULL);
	c = irct_open(s.port);
	irct_send(c, "NICK alice");
	irct_send(c, "USER alice 0 * :Alice L.");
	irct_is(c, ":chatd 001 alice :Welcome to chatd, alice");
	burst_rest(c, "alice", 1);
	conn_close(c);
	/* USER first, in lower case. */
	c = irct_open(s.port);
	irct_send(c, "user bob 0 * :Bob");
	irct_quiet(c);
	irct_send(c, "nick bob");
	irct_is(c, ":chatd 001 bob :Welcome to chatd, bob");
	burst_rest(c, "bob", 1);
	conn_close(c);
	srv_stop_ok(&s);
}
END_TEST

START_TEST(test_cap_first)
{
	struct srv s;
	struct conn *c;

	srv_start_ok(&s, NULL);
	c = irct_open(s.port);
	irct_send(c, "CAP LS 302");
	irct_send(c, "NICK alice");
	irct_send(c, "USER alice 0 * :Alice L.");
	irct_is(c, ":chatd CAP * LS :" CAPS);
	/* CAP LS holds registration until CAP END. */
	irct_quiet(c);
	irct_send(c, "CAP REQ :server-time echo-message");
	irct_is(c, ":chatd CAP alice ACK :server-time echo-message");
	irct_send(c, "CAP LIST");
	irct_is(c, ":chatd CAP alice LIST :echo-message server-time");
	irct_quiet(c);
	irct_send(c, "CAP END");
	irct_is(c, ":chatd 001 alice :Welcome to chatd, alice");
	burst_rest(c, "alice", 1);
	/* CAP END again, once registered: ignored. */
	irct_send(c, "CAP END");
	irct_nothing(c);
	conn_close(c);
	/* CAP REQ alone also holds it; without 302, the same LS. */
	c = irct_open(s.port);
	irct_send(c, "CAP LS");
	irct_is(c, ":chatd CAP * LS :" CAPS);
	irct_send(c, "NICK bob");
	irct_send(c, "USER bob 0 * :Bob");
	irct_send(c, "CAP REQ :multi-prefix");
	irct_is(c, ":chatd CAP bob ACK :multi-prefix");
	irct_quiet(c);
	irct_send(c, "CAP END");
	irct_is(c, ":chatd 001 bob :Welcome to chatd, bob");
	conn_close(c);
	srv_stop_ok(&s);
}
END_TEST

START_TEST(test_pass_first)
{
	const char *args[] = { "--password-file", NULL, NULL };
	char path[] = "/tmp/chatd-irc-pw-XXXXXX";
	struct srv s;
	struct conn *c;
	FILE *f;
	int fd = mkstemp(path);

	ck_assert_int_ne(fd, -1);
	f = fdopen(fd, "w");
	fputs("sesame\n", f);
	fclose(f);
	args[1] = path;
	srv_start_ok(&s, args);
	/* The right one, the last PASS counts. */
	c = irct_open(s.port);
	irct_send(c, "PASS wrong");
	irct_send(c, "PASS sesame");
	irct_send(c, "NICK alice");
	irct_send(c, "USER alice 0 * :Alice");
	irct_is(c, ":chatd 001 alice :Welcome to chatd, alice");
	irct_find(c, " 422 ");
	irct_send(c, "PASS sesame");
	irct_is(c, ":chatd 462 alice :You may not reregister");
	/* A wrong one: 464, ERROR, closed, no second try. */
	{
		struct conn *d = irct_open(s.port);

		irct_send(d, "PASS letmein");
		irct_send(d, "NICK carol");
		irct_send(d, "USER carol 0 * :Carol");
		irct_is(d, ":chatd 464 * :Password incorrect");
		irct_is(d, "ERROR :Closing Link: password incorrect");
		irct_eof(d);
		conn_close(d);
	}
	/* None at all: the same. */
	{
		struct conn *d = irct_open(s.port);

		irct_send(d, "NICK dave");
		irct_send(d, "USER dave 0 * :Dave");
		irct_is(d, ":chatd 464 * :Password incorrect");
		irct_find(d, "ERROR :");
		irct_eof(d);
		conn_close(d);
	}
	/* Their nicks are free again. */
	irct_send(c, "ISON carol dave alice");
	irct_is(c, ":chatd 303 alice :alice");
	conn_close(c);
	unlink(path);
	srv_stop_ok(&s);
}
END_TEST

START_TEST(test_before_registration)
{
	struct srv s;
	struct conn *c, *o;

	srv_start_ok(&s, NULL);
	o = irct_reg(s.port, "olga", NULL);
	c = irct_open(s.port);
	irct_send(c, "NICK");
	irct_is(c, ":chatd 431 * :No nickname given");
	irct_send(c, "JOIN #lobby");
	irct_is(c, ":chatd 451 * :You have not registered");
	irct_send(c, "FROB");
	irct_is(c, ":chatd 451 * :You have not registered");
	irct_send(c, "PING early");
	irct_is(c, ":chatd PONG chatd :early");
	irct_send(c, "PONG x");
	irct_send(c, "NICK");
	irct_is(c, ":chatd 431 * :No nickname given");
	irct_send(c, "NICK 9lives");
	irct_is(c, ":chatd 432 * 9lives :Erroneous nickname");
	irct_send(c, "NICK *");
	irct_is(c, ":chatd 432 * * :Erroneous nickname");
	irct_send(c, "NICK abcdefghijklmnopq");
	irct_is(c, ":chatd 432 * abcdefghijklmnopq :Erroneous nickname");
	irct_send(c, "NICK OLGA");
	irct_is(c, ":chatd 433 * OLGA :Nickname is already in use");
	irct_send(c, "USER");
	irct_is(c, ":chatd 461 * USER :Not enough parameters");
	irct_send(c, "USER x 0 *");
	irct_is(c, ":chatd 461 * USER :Not enough parameters");
	irct_send(c, "USER x 0 * :");
	irct_is(c, ":chatd 461 * USER :Not enough parameters");
	irct_send(c, "PASS");
	irct_is(c, ":chatd 461 * PASS :Not enough parameters");
	/* Holding a nick without being registered: others cannot take it,
	 * and nobody sees it. */
	irct_send(c, "NICK pending");
	irct_nothing(c);
	irct_send(o, "NICK Pending");
	irct_is(o, ":chatd 433 olga Pending :Nickname is already in use");
	irct_send(o, "PRIVMSG pending :hi");
	irct_is(o, ":chatd 401 olga pending :No such nick/channel");
	irct_send(o, "WHO pending");
	irct_is(o, ":chatd 315 olga pending :End of WHO list");
	irct_send(o, "ISON pending");
	irct_is(o, ":chatd 303 olga :");
	irct_send(o, "USERHOST pending");
	irct_is(o, ":chatd 302 olga :");
	irct_send(o, "WHOIS pending");
	irct_is(o, ":chatd 401 olga pending :No such nick/channel");
	irct_is(o, ":chatd 318 olga pending :End of /WHOIS list");
	/* USER completes it with the nick held. */
	irct_send(c, "USER p 0 * :P");
	irct_is(c, ":chatd 001 pending :Welcome to chatd, pending");
	irct_find(c, " 422 ");
	irct_send(c, "USER p 0 * :P");
	irct_is(c, ":chatd 462 pending :You may not reregister");
	conn_close(c);
	conn_close(o);
	srv_stop_ok(&s);
}
END_TEST

START_TEST(test_failed_nick_waits)
{
	struct srv s;
	struct conn *a, *c;

	srv_start_ok(&s, NULL);
	a = irct_reg(s.port, "alice", NULL);
	c = irct_open(s.port);
	irct_send(c, "NICK alice");
	irct_send(c, "USER u 0 * :U");
	irct_is(c, ":chatd 433 * alice :Nickname is already in use");
	irct_quiet(c);
	/* A later good NICK completes it with the USER given. */
	irct_send(c, "NICK alice2");
	irct_is(c, ":chatd 001 alice2 :Welcome to chatd, alice2");
	conn_close(c);
	conn_close(a);
	srv_stop_ok(&s);
}
END_TEST

START_TEST(test_cap_commands)
{
	struct srv s;
	struct conn *c;

	srv_start_ok(&s, NULL);
	c = irct_reg(s.port, "alice", NULL);
	irct_send(c, "CAP LIST");
	irct_is(c, ":chatd CAP alice LIST :");
	/* All or nothing, the list as sent. */
	irct_send(c, "CAP REQ :server-time sasl");
	irct_is(c, ":chatd CAP alice NAK :server-time sasl");
	irct_send(c, "CAP LIST");
	irct_is(c, ":chatd CAP alice LIST :");
	irct_send(c, "CAP REQ :server-time  message-tags");
	irct_is(c, ":chatd CAP alice ACK :server-time  message-tags");
	irct_send(c, "CAP REQ :-message-tags -echo-message server-time");
	irct_is(
	    c, ":chatd CAP alice ACK :-message-tags -echo-message server-time");
	irct_send(c, "CAP LIST");
	irct_is(c, ":chatd CAP alice LIST :server-time");
	irct_send(c, "CAP REQ");
	irct_is(c, ":chatd 461 alice CAP :Not enough parameters");
	irct_send(c, "CAP");
	irct_is(c, ":chatd 461 alice CAP :Not enough parameters");
	irct_send(c, "CAP FROB");
	irct_is(c, ":chatd 410 alice FROB :Invalid CAP command");
	/* Caps taken after registration change what it gets at once. */
	irct_send(c, "JOIN #a");
	{
		char line[IRCT_LINE], v[64];

		ck_assert_int_eq(irct_line(c, line, sizeof line, IRCT_WAIT), 1);
		ck_assert_msg(irct_tag(line, "time", v, sizeof v), "%s", line);
		ck_assert(!irct_tag(line, "msgid", v, sizeof v));
		ck_assert_str_eq(
		    irct_untag(line), ":alice!alice@chatd JOIN #a");
	}
	conn_close(c);
	srv_stop_ok(&s);
}
END_TEST

START_TEST(test_history_off)
{
	const char *args[] = { "--history", "0", NULL };
	struct srv s;
	struct conn *c;

	srv_start_ok(&s, args);
	c = irct_open(s.port);
	irct_send(c, "CAP LS 302");
	irct_is(c,
	    ":chatd CAP * LS :batch echo-message message-tags multi-prefix "
	    "server-time userhost-in-names");
	irct_send(c, "CAP REQ draft/chathistory");
	irct_is(c, ":chatd CAP * NAK :draft/chathistory");
	irct_send(c, "CAP END");
	irct_send(c, "NICK alice");
	irct_send(c, "USER alice 0 * :A");
	irct_is(c, ":chatd 001 alice :Welcome to chatd, alice");
	burst_rest(c, "alice", 0);
	irct_send(c, "CHATHISTORY LATEST #a * 10");
	irct_is(c, ":chatd 421 alice CHATHISTORY :Unknown command");
	conn_close(c);
	srv_stop_ok(&s);
}
END_TEST

START_TEST(test_server_name_motd)
{
	char path[] = "/tmp/chatd-irc-motd-XXXXXX";
	const char *args[] = { "--server-name", "irc.example.org", "--motd",
		path, NULL };
	struct srv s;
	struct conn *c;
	FILE *f;
	int fd = mkstemp(path);

	ck_assert_int_ne(fd, -1);
	f = fdopen(fd, "w");
	fputs("Be nice.\r\n\nNo \033[31mescapes\n", f);
	fclose(f);
	srv_start_ok(&s, args);
	c = irct_open(s.port);
	irct_send(c, "NICK alice");
	irct_send(c, "USER alice 0 * :A");
	irct_is(c, ":irc.example.org 001 alice :Welcome to chatd, alice");
	irct_find(c, " 003 ");
	irct_is(c, ":irc.example.org 004 alice irc.example.org " V " i not o");
	irct_find(c, "CHATHISTORY");
	irct_is(c,
	    ":irc.example.org 375 alice :- irc.example.org Message of the "
	    "day - ");
	irct_is(c, ":irc.example.org 372 alice :- Be nice.");
	irct_is(c, ":irc.example.org 372 alice :- ");
	irct_is(c, ":irc.example.org 372 alice :- No [31mescapes");
	irct_is(c, ":irc.example.org 376 alice :End of /MOTD command.");
	irct_send(c, "MOTD");
	irct_find(c, " 375 ");
	irct_find(c, " 376 ");
	irct_send(c, "PING x");
	irct_is(c, ":irc.example.org PONG irc.example.org :x");
	irct_send(c, "TIME");
	irct_find(c, ":irc.example.org 391 alice irc.example.org :");
	irct_send(c, "VERSION");
	irct_find(c, ":irc.example.org 351 alice " V " irc.example.org :");
	irct_find(c, "CHATHISTORY=100");
	conn_close(c);
	srv_stop_ok(&s);
	unlink(path);
}
END_TEST

static const char *const bad_names[] = { "", "a_b", "has space",
	"0123456789012345678901234567890123456789012345678901234567890123",
	"ok!", "caf\xc3\xa9" };

START_TEST(test_bad_server_name)
{
	const char *args[] = { "-p", "0", "-b", "127.0.0.1", "--server-name",
		bad_names[_i], NULL };
	struct srv s;
	int st = srv_run(&s, args);

	ck_assert_msg(st == 2, "--server-name '%s': exit %d: %s", bad_names[_i],
	    st, s.log);
	ck_assert(strstr(s.log, "--server-name") != NULL);
}
END_TEST

START_TEST(test_bad_motd)
{
	const char *args[] = { "-p", "0", "-b", "127.0.0.1", "--motd",
		"/nonexistent/motd", NULL };
	const char *ok[] = { "--server-name",
		"a.b-c.0123456789012345678901234567890123456789012345678901",
		NULL };
	struct srv s;
	int st = srv_run(&s, args);

	ck_assert_msg(st == 1, "exit %d: %s", st, s.log);
	ck_assert(strstr(s.log, "/nonexistent/motd") != NULL);
	srv_start_ok(&s, ok);
	srv_stop_ok(&s);
}
END_TEST

START_TEST(test_login_timeout)
{
	const char *args[] = { "--login-timeout", "1", NULL };
	struct srv s;
	struct conn *c, *d;
	long t0;

	srv_start_ok(&s, args);
	t0 = harness_now_ms();
	c = irct_open(s.port);
	irct_send(c, "NICK slow");
	d = irct_open(s.port);
	irct_send(d, "CAP LS");
	irct_find(d, " LS ");
	irct_find(c, "ERROR :");
	irct_eof(c);
	irct_find(d, "ERROR :");
	irct_eof(d);
	ck_assert_msg(harness_now_ms() - t0 >= 1000, "closed too early");
	conn_close(c);
	conn_close(d);
	srv_stop_ok(&s);
}
END_TEST

Suite *
test_suite(void)
{
	Suite *s = suite_create("integ_irc_reg");
	TCase *tc = tcase_create("registration");

	tcase_set_timeout(tc, TEST_TIMEOUT);
	tcase_add_test(tc, test_nick_user_no_cap);
	tcase_add_test(tc, test_cap_first);
	tcase_add_test(tc, test_pass_first);
	tcase_add_test(tc, test_before_registration);
	tcase_add_test(tc, test_failed_nick_waits);
	tcase_add_test(tc, test_cap_commands);
	tcase_add_test(tc, test_history_off);
	tcase_add_test(tc, test_server_name_motd);
	tcase_add_loop_test(tc, test_bad_server_name, 0,
	    (int)(sizeof bad_names / sizeof bad_names[0]));
	tcase_add_test(tc, test_bad_motd);
	tcase_add_test(tc, test_login_timeout);
	suite_add_tcase(s, tc);
	return s;
}
