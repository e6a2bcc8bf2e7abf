/* test_irc_register.c: irc-v1 §4, registration, the burst, password. */
#define _DEFAULT_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check_main.h"
#include "ircc.h"

#define ISUPPORT1                                                    \
	"CASEMAPPING=ascii CHANTYPES=# PREFIX=(o)@ CHANMODES=,,,nt " \
	"MODES=1 NICKLEN=16 CHANNELLEN=33 TOPICLEN=300 KICKLEN=300 " \
	"AWAYLEN=200 USERLEN=10 CHANLIMIT=#:50"
#define ISUPPORT2                                             \
	"NETWORK=chatd SAFELIST TARGMAX=JOIN:,PART:,NAMES:1," \
	"WHOIS:1,PRIVMSG:1,NOTICE:1,TAGMSG:1,KICK:1"

/* chatd's version as "chatd -V" prints it ("chatd 1.0.0" -> "1.0.0").
 * Reading: §11 shows chatd-1.0, an example; 004 and 351 must carry the
 * version -V prints, whatever it is. */
static void
chatd_version(char *out, size_t len)
{
	static const char *const args[] = { "-V", NULL };
	struct srv s;
	char *p;

	ck_assert_int_eq(srv_run(&s, args), 0);
	p = strchr(s.log, ' ');
	ck_assert_msg(p != NULL, "chatd -V printed %s", s.log);
	snprintf(out, len, "%.*s", (int)strcspn(p + 1, " \r\n"), p + 1);
}

/* Registration must not have completed: the next line is the PONG. */
#define not_yet(ic) irc_nothing(ic)

START_TEST(test_orders)
{
	struct srv s;
	struct ircc *ic;

	irc_srv_start(&s, NULL);
	/* CAP first: held until CAP END. */
	ic = irc_open(s.port, "capfirst");
	irc_send(ic, "CAP LS 302");
	irc_want(ic, ":chatd CAP * LS :" ANY);
	irc_send(ic, "NICK a1");
	irc_send(ic, "USER a1 0 * :A");
	not_yet(ic);
	irc_send(ic, "CAP END");
	irc_want(ic, ":chatd 001 a1 :" ANY);
	/* CAP REQ without LS holds it too. */
	ic = irc_open(s.port, "reqfirst");
	irc_send(ic, "CAP REQ :server-time");
	irc_want(ic, ":chatd CAP * ACK :server-time");
	irc_send(ic, "NICK a2");
	irc_send(ic, "USER a2 0 * :A");
	not_yet(ic);
	irc_send(ic, "CAP END");
	irc_want(ic, ":chatd 001 a2 :" ANY);
	/* CAP LIST opens no negotiation (only LS and REQ hold). */
	ic = irc_open(s.port, "list");
	irc_send(ic, "NICK a3");
	irc_send(ic, "CAP LIST");
	irc_want(ic, ":chatd CAP a3 LIST :");
	irc_send(ic, "USER a3 0 * :A");
	irc_want(ic, ":chatd 001 a3 :" ANY);
	/* PASS first, on a server without password: ignored. */
	ic = irc_open(s.port, "passfirst");
	irc_send(ic, "PASS whatever");
	irc_send(ic, "NICK a4");
	irc_send(ic, "USER a4 0 * :A");
	irc_want(ic, ":chatd 001 a4 :" ANY);
	/* NICK and USER without CAP: done at USER. */
	ic = irc_open(s.port, "plain");
	irc_send(ic, "NICK a5");
	not_yet(ic);
	irc_send(ic, "USER a5 0 * :A");
	irc_want(ic, ":chatd 001 a5 :" ANY);
	/* USER before NICK: done at NICK. */
	ic = irc_open(s.port, "userfirst");
	irc_send(ic, "USER a6 0 * :A");
	not_yet(ic);
	irc_send(ic, "NICK a6");
	irc_want(ic, ":chatd 001 a6 :" ANY);
	/* A failed NICK leaves it waiting; a good one completes it. */
	ic = irc_open(s.port, "failed");
	irc_send(ic, "NICK 7up");
	irc_want(ic, ":chatd 432 * 7up :" ANY);
	irc_send(ic, "USER a7 0 * :A");
	not_yet(ic);
	irc_send(ic, "NICK a5");
	irc_want(ic, ":chatd 433 * a5 :" ANY);
	not_yet(ic);
	irc_send(ic, "NICK a7");
	irc_want(ic, ":chatd 001 a7 :" ANY);
	/* The last NICK before registration counts. */
	ic = irc_open(s.port, "twice");
	irc_send(ic, "NICK b1");
	irc_send(ic, "NICK b2");
	irc_send(ic, "USER b 0 * :B");
	irc_want(ic, ":chatd 001 b2 :" ANY);
	irc_until(ic, "422");
	irc_send(ic, "ISON b1 b2");
	irc_want(ic, ":chatd 303 b2 :b2");
	srv_stop_ok(&s);
}
END_TEST

START_TEST(test_before_registration)
{
	static const char *other[] = { "JOIN #x", "PRIVMSG a :x", "WHO a",
		"WHOIS a", "MODE a", "TOPIC #x", "LIST", "AWAY :x", "NAMES #x",
		"ISON a", "LUSERS", "MOTD", "VERSION", "TIME", "TAGMSG a",
		"KICK #x a", "PART #x", "USERHOST a", "WHOWAS a", "NOTICE a :x",
		"FOO" };
	struct srv s;
	struct ircc *ic;
	size_t i;

	irc_srv_start(&s, NULL);
	ic = irc_open(s.port, "early");
	irc_send(ic, "PASS x"); /* IRC now (PING is not a first word) */
	irc_send(ic, "PING first");
	irc_want(ic, ":chatd PONG chatd :first");
	for (i = 0; i < sizeof other / sizeof other[0]; i++) {
		irc_send(ic, "%s", other[i]);
		irc_want(ic, ":chatd 451 * :" ANY);
	}
	irc_send(ic, "PONG :whatever");
	irc_nothing(ic);
	irc_send(ic, "NICK early");
	irc_send(ic, "JOIN #x");
	irc_want(ic, ":chatd 451 early :" ANY);
	irc_send(ic, "QUIT :bye");
	irc_want(ic, "ERROR :" ANY);
	irc_eof(ic, IRC_WAIT);
	srv_stop_ok(&s);
}
END_TEST

START_TEST(test_registration_errors)
{
	struct srv s;
	struct ircc *ic, *other;

	irc_srv_start(&s, NULL);
	ic = irc_open(s.port, "errs");
	irc_send(ic, "NICK");
	irc_want(ic, ":chatd 431 * :" ANY);
	irc_send(ic, "NICK :");
	irc_want(ic, ":chatd 431 * :" ANY);
	irc_send(ic, "NICK *");
	irc_want(ic, ":chatd 432 * * :" ANY);
	irc_send(ic, "USER a 0 *");
	irc_want(ic, ":chatd 461 * USER :" ANY);
	irc_send(ic, "USER a 0 * :");
	irc_want(ic, ":chatd 461 * USER :" ANY);
	irc_send(ic, "USER");
	irc_want(ic, ":chatd 461 * USER :" ANY);
	irc_send(ic, "PASS");
	irc_want(ic, ":chatd 461 * PASS :" ANY);
	/* Held by an unregistered connection: 433 all the same. */
	other = irc_open(s.port, "holder");
	irc_send(other, "NICK holder");
	irc_nothing(other);
	irc_send(ic, "NICK HOLDER");
	irc_want(ic, ":chatd 433 * HOLDER :" ANY);
	irc_send(ic, "NICK errs");
	irc_send(ic, "USER errs 0 * :E");
	irc_want(ic, ":chatd 001 errs :" ANY);
	irc_until(ic, "422");
	/* After registration. */
	irc_send(ic, "PASS x");
	irc_want(ic, ":chatd 462 errs :" ANY);
	irc_send(ic, "USER errs 0 * :E");
	irc_want(ic, ":chatd 462 errs :" ANY);
	irc_nothing(ic);
	srv_stop_ok(&s);
}
END_TEST

START_TEST(test_first_nick_wins)
{
	struct srv s;
	struct ircc *a, *b;

	irc_srv_start(&s, NULL);
	a = irc_open(s.port, "first");
	b = irc_open(s.port, "second");
	irc_send(a, "NICK same");
	irc_nothing(a); /* handled */
	irc_send(b, "NICK same");
	irc_want(b, ":chatd 433 * same :" ANY);
	irc_send(b, "USER b 0 * :B");
	irc_send(a, "USER a 0 * :A");
	irc_want(a, ":chatd 001 same :" ANY);
	irc_nothing(b);
	srv_stop_ok(&s);
}
END_TEST

/* Read and check nick's whole burst, exactly, up to its 422;
 * chathistory: the CHATHISTORY value, or NULL for no third 005 line. */
static void
want_burst(struct ircc *ic, const char *nick, const char *chathistory)
{
	char ver[64];
	struct irc_msg *m;

	chatd_version(ver, sizeof ver);
	m = irc_want(ic, ":chatd 001 %s :" ANY, nick);
	ck_assert_msg(strstr(m->params[1], nick) != NULL &&
		strstr(m->params[1], "127.0.0.1") == NULL &&
		strstr(m->params[1], "localhost") == NULL,
	    "001's text must name the nick, never a host: %s", m->line);
	irc_want(ic, ":chatd 002 %s :" ANY, nick);
	irc_want(ic, ":chatd 003 %s :" ANY, nick);
	irc_want(ic, ":chatd 004 %s chatd chatd-%s i not o", nick, ver);
	irc_want(ic,
	    ":chatd 005 %s " ISUPPORT1 " :are supported by this server", nick);
	irc_want(ic,
	    ":chatd 005 %s " ISUPPORT2 " :are supported by this server", nick);
	if (chathistory != NULL)
		irc_want(ic,
		    ":chatd 005 %s CHATHISTORY=%s "
		    "MSGREFTYPES=msgid,timestamp :are supported by "
		    "this server",
		    nick, chathistory);
	irc_want(ic, ":chatd 422 %s :MOTD File is missing", nick);
}

START_TEST(test_burst_exact)
{
	struct srv s;
	struct ircc *ic;
	struct irc_msg *v;
	int n, i;

	irc_srv_start(&s, NULL);
	ic = irc_open(s.port, "alice");
	irc_send(ic, "NICK alice");
	irc_send(ic, "USER alice 0 * :Alice");
	want_burst(ic, "alice", "100");
	/* Nothing unasked after it: no MODE/221, no NOTICE, no JOIN. */
	irc_quiet(ic, 700);
	irc_nothing(ic);
	/* Not put in #lobby either. */
	irc_send(ic, "WHOIS alice");
	irc_want(ic, ":chatd 311 alice alice alice chatd * :Alice");
	irc_want(ic, ":chatd 312 alice alice chatd :" ANY);
	irc_until(ic, "318");
	/* VERSION repeats the 005 lines; each at most 13 tokens, a text
	 * last, no UTF8ONLY. */
	irc_send(ic, "VERSION");
	irc_send(ic, "PING end");
	v = irc_collect(ic, "PONG", &n);
	for (i = 0; i < n; i++) {
		if (strcmp(v[i].command, "005") != 0)
			continue;
		ck_assert_msg(v[i].nparams - 2 <= 13,
		    "a 005 line has %d tokens, at most 13: %s",
		    v[i].nparams - 2, v[i].line);
		ck_assert_msg(v[i].trailing, "a 005 line needs a text last");
		ck_assert_msg(strstr(v[i].line, "UTF8ONLY") == NULL,
		    "no UTF8ONLY is sent: %s", v[i].line);
	}
	free(v);
	srv_stop_ok(&s);
}
END_TEST

START_TEST(test_burst_with_caps)
{
	struct srv s;
	struct ircc *ic;

	irc_srv_start(&s, NULL);
	ic = irc_open(s.port, "capper");
	irc_send(ic, "CAP LS 302");
	irc_send(ic, "NICK capper");
	irc_send(ic, "USER capper 0 * :C");
	irc_want(ic, ":chatd CAP * LS :" ANY);
	irc_send(ic, "CAP REQ :server-time message-tags echo-message");
	irc_want(ic,
	    ":chatd CAP capper ACK :server-time message-tags "
	    "echo-message");
	irc_send(ic, "CAP END");
	want_burst(ic, "capper", "100");
	irc_quiet(ic, 500);
	srv_stop_ok(&s);
}
END_TEST

START_TEST(test_burst_history_option)
{
	static const char *const off[] = { "--history", "0", NULL };
	static const char *const fifty[] = { "--history", "50", NULL };
	struct srv s;
	struct ircc *ic;
	struct conn *t;
	int st;

	if ((st = irc_srv_try(&s, fifty)) != 0) {
		ck_abort_msg(
		    "chatd --history 50 did not start (%d): %s", st, s.log);
	}
	ic = irc_open(s.port, "h50");
	irc_send(ic, "NICK h50");
	irc_send(ic, "USER h50 0 * :H");
	want_burst(ic, "h50", "50");
	srv_stop_ok(&s);
	if ((st = irc_srv_try(&s, off)) != 0) {
		irc_skip("test_burst_history_option (--history 0)",
		    "this build rejects --history 0; its output follows");
		fprintf(stderr, "%s\n", s.log);
		ck_abort_msg("--history 0 rejected (exit %d): cannot check the "
			     "burst without history: %s",
		    st, s.log);
	}
	ic = irc_open(s.port, "h0");
	irc_send(ic, "NICK h0");
	irc_send(ic, "USER h0 0 * :H");
	want_burst(ic, "h0", NULL);
	/* And CHATHISTORY is an unknown command then (§5). */
	irc_send(ic, "CHATHISTORY LATEST #x * 10");
	irc_want(ic, ":chatd 421 h0 CHATHISTORY :" ANY);
	irc_send(ic, "CAP LS");
	irc_want(ic,
	    ":chatd CAP h0 LS :batch echo-message message-tags "
	    "multi-prefix server-time userhost-in-names");
	/* Nothing replayed after a JOIN, even with server-time. */
	t = txt_login(s.port, "ann");
	txt_send(t, "said before");
	txt_sync(t);
	ic = irc_register(s.port, "st", "server-time", NULL);
	irc_send(ic, "JOIN #lobby");
	irc_until(ic, "366");
	irc_nothing(ic);
	srv_stop_ok(&s);
}
END_TEST

START_TEST(test_motd)
{
	const char *motd = irc_tmpfile(0, "line one\nline  two\n\nlast\n");
	const char *args[] = { "--motd", motd, "--server-name", "irc.test",
		NULL };
	struct srv s;
	struct ircc *ic;
	int rep;

	irc_srv_start(&s, args);
	ic = irc_open(s.port, "m");
	irc_send(ic, "NICK m");
	irc_send(ic, "USER m 0 * :M");
	irc_until(ic, "005");
	irc_until(ic, "005");
	for (rep = 0; rep < 2; rep++) {
		/* In the burst, then again for MOTD. */
		irc_find(
		    ic, ":irc.test 375 m :- irc.test Message of the day - ");
		irc_want(ic, ":irc.test 372 m :- line one");
		irc_want(ic, ":irc.test 372 m :- line  two");
		irc_want(ic, ":irc.test 372 m :- ");
		irc_want(ic, ":irc.test 372 m :- last");
		irc_want(ic, ":irc.test 376 m :End of /MOTD command.");
		irc_nothing(ic);
		irc_send(ic, "MOTD");
	}
	irc_send(ic, "MOTD irc.test");
	irc_want(ic, ":irc.test 375 m :- irc.test Message of the day - ");
	irc_until(ic, "376");
	srv_stop_ok(&s);
}
END_TEST

START_TEST(test_motd_missing)
{
	const char *args[] = { "-p", "0", "-b", "127.0.0.1", "--motd",
		"/nonexistent/motd.txt", NULL };
	struct srv s;
	struct ircc *ic;
	int st;

	st = srv_run(&s, args);
	ck_assert_msg(st == 1,
	    "an unreadable --motd must be a start-up "
	    "error, exit 1; got %d:\n%s",
	    st, s.log);
	/* Without --motd: 422, and MOTD says so again. */
	irc_srv_start(&s, NULL);
	ic = irc_user(s.port, "m");
	irc_send(ic, "MOTD");
	irc_want(ic, ":chatd 422 m :MOTD File is missing");
	srv_stop_ok(&s);
}
END_TEST

/* A registration with pass (NULL: none) on a password server. */
static struct ircc *
with_pass(int port, const char *nick, const char *pass)
{
	struct ircc *ic = irc_open(port, nick);

	if (pass != NULL)
		irc_send(ic, "PASS %s", pass);
	irc_send(ic, "NICK %s", nick);
	irc_send(ic, "USER %s 0 * :P", nick);
	return ic;
}

START_TEST(test_password)
{
	const char *pw = irc_tmpfile(0, "sesame\n");
	const char *args[] = { "--password-file", pw, NULL };
	struct srv s;
	struct ircc *ic;

	irc_srv_start(&s, args);
	ic = with_pass(s.port, "good", "sesame");
	irc_want(ic, ":chatd 001 good :" ANY);
	/* The last PASS counts. */
	ic = irc_open(s.port, "last");
	irc_send(ic, "PASS wrong");
	irc_send(ic, "PASS sesame");
	irc_send(ic, "NICK last");
	irc_send(ic, "USER last 0 * :L");
	irc_want(ic, ":chatd 001 last :" ANY);
	/* Wrong: 464 with '*', ERROR, closed: no second try. */
	ic = with_pass(s.port, "bad", "letmein");
	irc_want(ic, ":chatd 464 * :Password incorrect");
	irc_want(ic, "ERROR :" ANY);
	irc_eof(ic, IRC_WAIT);
	/* Missing. */
	ic = with_pass(s.port, "none", NULL);
	irc_want(ic, ":chatd 464 * :Password incorrect");
	irc_want(ic, "ERROR :" ANY);
	irc_eof(ic, IRC_WAIT);
	/* Checked when registration would complete: at CAP END. */
	ic = irc_open(s.port, "capped");
	irc_send(ic, "CAP LS 302");
	irc_send(ic, "NICK capped");
	irc_send(ic, "USER capped 0 * :C");
	irc_want(ic, ":chatd CAP * LS :" ANY);
	irc_nothing(ic);
	irc_send(ic, "PASS sesame");
	irc_send(ic, "CAP END");
	irc_want(ic, ":chatd 001 capped :" ANY);
	ic = irc_open(s.port, "capbad");
	irc_send(ic, "CAP LS 302");
	irc_send(ic, "NICK capbad");
	irc_send(ic, "USER capbad 0 * :C");
	irc_want(ic, ":chatd CAP * LS :" ANY);
	irc_nothing(ic);
	irc_send(ic, "CAP END");
	irc_want(ic, ":chatd 464 * :Password incorrect");
	irc_want(ic, "ERROR :" ANY);
	irc_eof(ic, IRC_WAIT);
	/* The nicks of the refused are free at once. */
	ic = with_pass(s.port, "bad", "sesame");
	irc_want(ic, ":chatd 001 bad :" ANY);
	srv_stop_ok(&s);
}
END_TEST

START_TEST(test_password_env)
{
	struct srv s;
	struct ircc *ic;

	setenv("CHATD_PASSWORD", "opensesame", 1);
	irc_srv_start(&s, NULL);
	unsetenv("CHATD_PASSWORD");
	ic = with_pass(s.port, "good", "opensesame");
	irc_want(ic, ":chatd 001 good :" ANY);
	ic = with_pass(s.port, "bad", "sesame");
	irc_want(ic, ":chatd 464 * :Password incorrect");
	irc_want(ic, "ERROR :" ANY);
	irc_eof(ic, IRC_WAIT);
	srv_stop_ok(&s);
}
END_TEST

START_TEST(test_login_timeout)
{
	static const char *const args[] = { "--login-timeout", "1",
		"--irc-port", "0", NULL };
	struct srv s;
	struct ircc *half, *silent, *done;
	long t0, d;

	irc_srv_start(&s, args);
	/* Without a password too: an IRC connection not registered in
	 * time gets ERROR and is closed. */
	t0 = harness_now_ms();
	half = irc_open(s.port, "half");
	irc_send(half, "NICK half");
	silent = irc_open(irc_srv_irc_port(&s), "silent");
	done = irc_user(s.port, "done");
	irc_want(half, "ERROR :" ANY);
	d = harness_now_ms() - t0;
	irc_eof(half, IRC_WAIT);
	ck_assert_msg(d >= 900,
	    "closed after %ld ms, want no earlier than "
	    "the 1 s login timeout",
	    d);
	irc_want(silent, "ERROR :" ANY);
	irc_eof(silent, IRC_WAIT);
	/* A registered one stays. */
	usleep(500 * 1000);
	irc_send(done, "PING alive");
	irc_want(done, ":chatd PONG chatd :alive");
	/* The nick of the timed-out one is free. */
	irc_user(s.port, "half");
	srv_stop_ok(&s);
}
END_TEST

Suite *
test_suite(void)
{
	Suite *s = suite_create("integ_irc_register");
	TCase *tc = tcase_create("register");

	tcase_set_timeout(tc, TEST_TIMEOUT);
	tcase_add_test(tc, test_orders);
	tcase_add_test(tc, test_before_registration);
	tcase_add_test(tc, test_registration_errors);
	tcase_add_test(tc, test_first_nick_wins);
	tcase_add_test(tc, test_burst_exact);
	tcase_add_test(tc, test_burst_with_caps);
	tcase_add_test(tc, test_burst_history_option);
	tcase_add_test(tc, test_motd);
	tcase_add_test(tc, test_motd_missing);
	tcase_add_test(tc, test_password);
	tcase_add_test(tc, test_password_env);
	tcase_add_test(tc, test_login_timeout);
	suite_add_tcase(s, tc);
	return s;
}
