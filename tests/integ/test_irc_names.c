/* test_irc_names.c: irc-v1 §3, one namespace: nicks, rooms, sources. */
#define _DEFAULT_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "check_main.h"
#include "ircc.h"

START_TEST(test_nick_rule)
{
	static const char *bad[] = { "1abc", "_x", "-x", "a.b", "a!", "a*", "*",
		"\xc3\xa4x", "abcdefghijklmnopq", "a[b]", "a\\b", "a`b", "a^b",
		"a{b}", "a|b" };
	struct srv s;
	struct ircc *ic, *a;
	size_t i;

	irc_srv_start(&s, NULL);
	ic = irc_open(s.port, "rule");
	/* Outside the rule: 432 with the nick exactly as sent, never cut. */
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		irc_send(ic, "NICK %s", bad[i]);
		irc_want(ic, ":chatd 432 * %s :" ANY, bad[i]);
	}
	/* 16 characters, every kind allowed. */
	irc_send(ic, "NICK Abcdefghijk-_09");
	irc_send(ic, "USER x 0 * :X");
	irc_want(ic, ":chatd 001 Abcdefghijk-_09 :" ANY);
	irc_until(ic, "422");
	/* After registration too, and the nick stays. */
	irc_send(ic, "NICK abcdefghijklmnopq");
	irc_want(ic, ":chatd 432 Abcdefghijk-_09 abcdefghijklmnopq :" ANY);
	irc_send(ic, "NICK a.b");
	irc_want(ic, ":chatd 432 Abcdefghijk-_09 a.b :" ANY);
	a = irc_user(s.port, "alice");
	irc_send(a, "ISON Abcdefghijk-_09");
	irc_want(a, ":chatd 303 alice :Abcdefghijk-_09");
	irc_send(a, "NICK z");
	irc_want(a, ":alice!alice@chatd NICK z");
	srv_stop_ok(&s);
}
END_TEST

START_TEST(test_nick_unique_across_protocols)
{
	struct srv s;
	struct ircc *ic, *b;
	struct conn *t;

	irc_srv_start(&s, NULL);
	t = txt_login(s.port, "Ann");
	ic = irc_open(s.port, "ann?");
	irc_send(ic, "NICK ann");
	irc_want(ic, ":chatd 433 * ann :" ANY);
	irc_send(ic, "NICK ANN");
	irc_want(ic, ":chatd 433 * ANN :" ANY);
	irc_send(ic, "NICK Ann");
	irc_want(ic, ":chatd 433 * Ann :" ANY);
	/* And the other way. */
	b = irc_user(s.port, "bob");
	txt_send(t, "/nick BOB");
	txt_want(t, "-!- error: nickname BOB is already in use");
	/* Between IRC users, ignoring case. */
	irc_send(ic, "NICK Bob");
	irc_want(ic, ":chatd 433 * Bob :" ANY);
	irc_send(ic, "USER x 0 * :X");
	irc_send(ic, "NICK carl");
	irc_want(ic, ":chatd 001 carl :" ANY);
	irc_until(ic, "422");
	irc_send(ic, "NICK bOB");
	irc_want(ic, ":chatd 433 carl bOB :" ANY);
	irc_nothing(b);
	srv_stop_ok(&s);
}
END_TEST

/* The guestN nick of a text user's welcome, into nick. */
static void
guest_nick(struct conn *t, char *nick, size_t len)
{
	char line[512];
	const char *p;

	conn_send(t, "\n");
	ck_assert_msg(
	    conn_expect(t, "welcome to chatd, ", line, sizeof line, IRC_WAIT),
	    "no text welcome");
	p = strstr(line, "welcome to chatd, ") + strlen("welcome to chatd, ");
	snprintf(nick, len, "%.*s", (int)strcspn(p, "!"), p);
}

START_TEST(test_guest_skips_irc_nicks)
{
	static const char *irc[] = { "guest1", "Guest2", "GUEST3", "guest4" };
	struct srv s;
	struct ircc *held;
	struct conn *t;
	char nick[4][64];
	size_t i, j;

	irc_srv_start(&s, NULL);
	for (i = 0; i < 4; i++)
		irc_user(s.port, irc[i]);
	/* Held but not registered: taken all the same. */
	held = irc_open(s.port, "held");
	irc_send(held, "NICK guest5");
	irc_nothing(held);
	for (i = 0; i < 4; i++) {
		t = conn_open(s.port);
		guest_nick(t, nick[i], sizeof nick[i]);
		ck_assert_msg(strncasecmp(nick[i], "guest", 5) == 0,
		    "want a guestN nick, got %s", nick[i]);
		for (j = 0; j < 4; j++)
			ck_assert_msg(strcasecmp(nick[i], irc[j]) != 0,
			    "text user got %s, held by an IRC user", nick[i]);
		ck_assert_msg(strcasecmp(nick[i], "guest5") != 0,
		    "text user got guest5, held by an unregistered IRC "
		    "connection");
		for (j = 0; j < i; j++)
			ck_assert_str_ne(nick[i], nick[j]);
	}
	srv_stop_ok(&s);
}
END_TEST

START_TEST(test_unregistered_invisible)
{
	struct srv s;
	struct ircc *ghost, *a, *b;
	struct conn *t;

	irc_srv_start(&s, NULL);
	ghost = irc_open(s.port, "ghost");
	irc_send(ghost, "NICK ghost");
	irc_nothing(ghost);
	a = irc_user(s.port, "alice");
	irc_send(a, "PRIVMSG ghost :hi");
	irc_want(a, ":chatd 401 alice ghost :" ANY);
	irc_send(a, "NOTICE ghost :hi");
	irc_nothing(a);
	irc_send(a, "WHOIS ghost");
	irc_want(a, ":chatd 401 alice ghost :" ANY);
	irc_want(a, ":chatd 318 alice ghost :" ANY);
	irc_send(a, "WHO ghost");
	irc_want(a, ":chatd 315 alice ghost :" ANY);
	irc_send(a, "ISON ghost alice");
	irc_want(a, ":chatd 303 alice :alice");
	irc_send(a, "USERHOST ghost");
	irc_want(a, ":chatd 302 alice :");
	irc_send(a, "MODE ghost");
	irc_want(a, ":chatd 401 alice ghost :" ANY);
	/* Still, nobody else may take it. */
	b = irc_open(s.port, "b");
	irc_send(b, "NICK GHOST");
	irc_want(b, ":chatd 433 * GHOST :" ANY);
	t = txt_login(s.port, NULL);
	txt_send(t, "/msg ghost hi");
	txt_want(t, "-!- error: no such nick ghost");
	txt_send(t, "/nick ghost");
	txt_want(t, "-!- error: nickname ghost is already in use");
	/* Nothing reached the ghost. */
	irc_nothing(ghost);
	srv_stop_ok(&s);
}
END_TEST

START_TEST(test_unlogged_text_invisible)
{
	struct srv s;
	const char *pw = irc_tmpfile(0, "sesame\n");
	const char *args[] = { "--password-file", pw, NULL };
	struct ircc *a, *b;
	struct conn *t;

	irc_srv_start(&s, args);
	/* A text user that has not given the password yet. */
	t = conn_open(s.port);
	conn_send(t, "\n/nick tim\n");
	txt_find(t, "is now known as tim");
	a = irc_open(s.port, "alice");
	irc_send(a, "PASS sesame");
	irc_send(a, "NICK alice");
	irc_send(a, "USER alice 0 * :A");
	irc_until(a, "422");
	irc_send(a, "JOIN #lobby");
	irc_want(a, ":alice!alice@chatd JOIN #lobby");
	irc_want(a, ":chatd 353 alice = #lobby :@alice");
	irc_until(a, "366");
	irc_send(a, "WHOIS tim");
	irc_want(a, ":chatd 401 alice tim :" ANY);
	irc_want(a, ":chatd 318 alice tim :" ANY);
	irc_send(a, "PRIVMSG tim :x");
	irc_want(a, ":chatd 401 alice tim :" ANY);
	irc_send(a, "ISON tim");
	irc_want(a, ":chatd 303 alice :");
	irc_send(a, "USERHOST tim");
	irc_want(a, ":chatd 302 alice :");
	irc_send(a, "WHO tim");
	irc_want(a, ":chatd 315 alice tim :" ANY);
	b = irc_open(s.port, "b");
	irc_send(b, "NICK TIM");
	irc_want(b, ":chatd 433 * TIM :" ANY);
	/* Once logged in it is seen, arriving in #lobby. */
	txt_send(t, "/pass sesame");
	irc_want(a, ":tim!tim@chatd JOIN #lobby");
	srv_stop_ok(&s);
}
END_TEST

START_TEST(test_room_case)
{
	struct srv s;
	struct ircc *a, *b;
	struct conn *t;

	irc_srv_start(&s, NULL);
	a = irc_user(s.port, "alice");
	b = irc_user(s.port, "bob");
	t = txt_login(s.port, "ann");
	irc_send(a, "JOIN #Dev");
	irc_want(a, ":alice!alice@chatd JOIN #Dev");
	irc_want(a, ":chatd 353 alice = #Dev :@alice");
	irc_want(a, ":chatd 366 alice #Dev :" ANY);
	irc_send(b, "JOIN #DEV");
	irc_want(b, ":bob!bob@chatd JOIN #Dev");
	irc_want(b, ":chatd 353 bob = #Dev :@alice bob");
	irc_want(b, ":chatd 366 bob #Dev :" ANY);
	irc_want(a, ":bob!bob@chatd JOIN #Dev");
	txt_send(t, "/join DEV");
	txt_find(t, "-!- ann has joined #Dev");
	irc_want(a, ":ann!ann@chatd JOIN #Dev");
	irc_want(b, ":ann!ann@chatd JOIN #Dev");
	irc_send(a, "PRIVMSG #dEV :x");
	irc_want(b, ":alice!alice@chatd PRIVMSG #Dev :x");
	txt_want(t, "<alice> x");
	irc_send(a, "TOPIC #dev :t");
	irc_want(a, ":alice!alice@chatd TOPIC #Dev :t");
	irc_want(b, ":alice!alice@chatd TOPIC #Dev :t");
	txt_find(t, "topic of #Dev");
	irc_send(b, "WHO #dev");
	irc_find(b,
	    ":chatd 352 bob #Dev alice chatd chatd alice H@ :0 Real "
	    "alice");
	irc_until(b, "315");
	ck_assert_str_eq(b->m.params[1], "#dev"); /* the mask as given */
	irc_send(b, "NAMES #DEv");
	irc_want(b, ":chatd 353 bob = #Dev :@alice bob ann");
	irc_want(b, ":chatd 366 bob #DEv :" ANY);
	irc_send(b, "LIST #dev");
	irc_want(b, ":chatd 321 bob Channel :" ANY);
	irc_want(b, ":chatd 322 bob #Dev 3 :t");
	irc_want(b, ":chatd 323 bob :" ANY);
	irc_send(b, "PART #DEV");
	irc_want(b, ":bob!bob@chatd PART #Dev");
	irc_want(a, ":bob!bob@chatd PART #Dev");
	/* Emptied, the room goes; a new one takes the new spelling. */
	irc_send(a, "PART #dev");
	irc_want(a, ":alice!alice@chatd PART #Dev");
	txt_send(t, "/join lobby");
	txt_find(t, "-!- ann has joined #lobby");
	irc_send(b, "JOIN #dEv");
	irc_want(b, ":bob!bob@chatd JOIN #dEv");
	irc_want(b, ":chatd 353 bob = #dEv :@bob");
	srv_stop_ok(&s);
}
END_TEST

START_TEST(test_channel_name_rule)
{
	static const char *bad[] = { "#a.b", "dev", "&dev", "#", "##dev",
		"#d\xc3\xa9v", "#dev!", "#abcdefghijklmnopqrstuvwxyz0123456",
		"+dev", "!dev" };
	struct srv s;
	struct ircc *a;
	size_t i;

	irc_srv_start(&s, NULL);
	a = irc_user(s.port, "alice");
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		irc_send(a, "JOIN %s", bad[i]);
		irc_want(a, ":chatd 479 alice %s :" ANY, bad[i]);
	}
	/* 32 characters of every kind. */
	irc_send(a, "JOIN #Abcdefghijklmnopqrstuvwxyz-_09");
	irc_want(a, ":alice!alice@chatd JOIN #Abcdefghijklmnopqrstuvwxyz-_09");
	srv_stop_ok(&s);
}
END_TEST

/* Register with a USER username; want the source user it turns into. */
static void
want_user(int port, const char *nick, const char *username, const char *want)
{
	struct ircc *ic = irc_open(port, nick);

	irc_send(ic, "NICK %s", nick);
	irc_send(ic, "USER %s 0 * :R", username);
	irc_until(ic, "422");
	irc_send(ic, "WHOIS %s", nick);
	irc_want(ic, ":chatd 311 %s %s %s chatd * :R", nick, nick, want);
	irc_until(ic, "318");
	irc_send(ic, "JOIN #u%s", nick);
	irc_want(ic, ":%s!%s@chatd JOIN #u%s", nick, want, nick);
	irc_until(ic, "366");
	irc_send(ic, "WHO %s", nick);
	irc_want(
	    ic, ":chatd 352 %s * %s chatd chatd %s H :0 R", nick, want, nick);
	irc_want(ic, ":chatd 315 %s %s :" ANY, nick, nick);
	irc_close(ic);
}

START_TEST(test_source_username)
{
	struct srv s;

	irc_srv_start(&s, NULL);
	want_user(s.port, "u1", "a.b-c_d~e!f", "a.b-c_def");
	want_user(s.port, "u2", "abcdefghijklmnop", "abcdefghij");
	want_user(s.port, "u3", "~~~", "user");
	want_user(s.port, "u4", "\xc3\xa4\xc3\xb6", "user");
	want_user(s.port, "u5", "~bob", "bob");
	want_user(s.port, "u6", "Ab.9_-xyzW", "Ab.9_-xyzW");
	want_user(s.port, "u7", "~a~b~c~d~e~f~g~h~i~j~k~", "abcdefghij");
	srv_stop_ok(&s);
}
END_TEST

START_TEST(test_source_realname_and_text_users)
{
	struct srv s;
	struct ircc *ic, *a;
	struct conn *t;
	char real[80];

	irc_srv_start(&s, NULL);
	/* 70 bytes of realname: cut to 64. */
	memset(real, 'r', 70);
	memcpy(real, "Real ", 5);
	real[70] = '\0';
	ic = irc_open(s.port, "long");
	irc_send(ic, "NICK long");
	irc_send(ic, "USER long 0 * :%s", real);
	irc_until(ic, "422");
	a = irc_user(s.port, "alice");
	irc_send(a, "WHOIS long");
	real[64] = '\0';
	irc_want(a, ":chatd 311 alice long long chatd * :%s", real);
	irc_until(a, "318");
	/* A text user: user = nick, realname "plain-text user". */
	t = txt_login(s.port, "ann");
	irc_send(a, "WHOIS ann");
	irc_want(a, ":chatd 311 alice ann ann chatd * :plain-text user");
	irc_until(a, "318");
	irc_send(a, "WHO ann");
	irc_want(a,
	    ":chatd 352 alice * ann chatd chatd ann H :0 plain-text "
	    "user");
	irc_until(a, "315");
	irc_send(a, "USERHOST ann");
	irc_want(a, ":chatd 302 alice :ann=+ann@chatd");
	/* After a text /nick, user follows the nick. */
	txt_send(t, "/nick ann2");
	txt_find(t, "is now known as ann2");
	irc_send(a, "USERHOST ann2");
	irc_want(a, ":chatd 302 alice :ann2=+ann2@chatd");
	conn_close(t);
	srv_stop_ok(&s);
}
END_TEST

START_TEST(test_server_name_usage)
{
	static const char *bad[] = { "bad name", "", "a_b", "caf\xc3\xa9",
		"a:b", "a/b",
		"abcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcdefghij"
		"abcd" };
	struct srv s;
	const char *args[] = { "-p", "0", "-b", "127.0.0.1", "--server-name",
		NULL, NULL };
	size_t i;
	int st;

	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		args[5] = bad[i];
		st = srv_run(&s, args);
		ck_assert_msg(st == 2,
		    "--server-name '%s' must be a usage error (exit 2), got "
		    "%d; output:\n%s",
		    bad[i], st, s.log);
		ck_assert_msg(strstr(s.log, "--server-name") != NULL,
		    "the error must name the option: %s", s.log);
	}
	/* 63 characters of [A-Za-z0-9.-] is a name. */
	{
		const char *ok[] = { "--server-name",
			"abcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabc."
			"-XYZ01234",
			NULL };

		ck_assert_uint_eq(strlen(ok[1]), 63);
		irc_srv_start(&s, ok);
		srv_stop_ok(&s);
	}
}
END_TEST

Suite *
test_suite(void)
{
	Suite *s = suite_create("integ_irc_names");
	TCase *tc = tcase_create("names");

	tcase_set_timeout(tc, TEST_TIMEOUT);
	tcase_add_test(tc, test_nick_rule);
	tcase_add_test(tc, test_nick_unique_across_protocols);
	tcase_add_test(tc, test_guest_skips_irc_nicks);
	tcase_add_test(tc, test_unregistered_invisible);
	tcase_add_test(tc, test_unlogged_text_invisible);
	tcase_add_test(tc, test_room_case);
	tcase_add_test(tc, test_channel_name_rule);
	tcase_add_test(tc, test_source_username);
	tcase_add_test(tc, test_source_realname_and_text_users);
	tcase_add_test(tc, test_server_name_usage);
	suite_add_tcase(s, tc);
	return s;
}
