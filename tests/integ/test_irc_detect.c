/* test_irc_detect.c: irc-v1 §1, one port and two protocols, told apart. */
#define _DEFAULT_SOURCE
#include <ctype.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check_main.h"
#include "ircc.h"

/* An IRC user in #lobby that watches what text users do there. */
static struct ircc *
observer(int port)
{
	struct ircc *o = irc_user(port, "obs");

	irc_send(o, "JOIN #lobby");
	irc_until(o, "366");
	return o;
}

/* The nick of a line's source "nick!user@host", into buf. */
static const char *
src_nick(const struct irc_msg *m, char *buf, size_t len)
{
	snprintf(buf, len, "%.*s", (int)strcspn(m->source, "!"), m->source);
	return buf;
}

/* After a first line, the connection must be served IRC: a PING is
 * answered by PONG, and nothing before it looks like plain text. */
static void
want_irc(struct ircc *ic, const char *first)
{
	int r;

	irc_send(ic, "PING probe");
	for (;;) {
		r = irc_read(ic, IRC_WAIT);
		ck_assert_msg(r == 1, "first line \"%s\": no PONG (%s)", first,
		    r == 0 ? "timeout" : "EOF");
		ck_assert_msg(ic->m.line[0] != '[',
		    "first line \"%s\" must make the connection IRC, got the "
		    "plain-text line \"%s\"",
		    first, ic->m.line);
		if (strcmp(ic->m.command, "PONG") == 0)
			break;
	}
	ck_assert_msg(ic->m.nparams == 2 &&
		strcmp(ic->m.params[0], "chatd") == 0 &&
		strcmp(ic->m.params[1], "probe") == 0,
	    "first line \"%s\": PONG params want [chatd probe], got %s", first,
	    ic->m.line);
}

START_TEST(test_irc_first_words)
{
	/* CAP, NICK, USER or PASS, any case, then a space or the end (CR
	 * stripped). */
	static const char *first[] = { "NICK alice", "nick alice", "NiCk alice",
		"cap ls 302", "CAP LS", "CAP END", "USER u 0 * :r",
		"user u 0 * :r", "PASS secret", "pass secret", "NICK", "CAP",
		"USER", "PASS", "nick bob" };
	struct srv s;
	struct ircc *ic;
	size_t i;

	irc_srv_start(&s, NULL);
	for (i = 0; i < sizeof first / sizeof first[0]; i++) {
		ic = irc_open(s.port, first[i]);
		irc_send(ic, "%s", first[i]);
		want_irc(ic, first[i]);
		irc_close(ic);
	}
	srv_stop_ok(&s);
}
END_TEST

START_TEST(test_irc_first_replies)
{
	struct srv s;
	struct ircc *ic;

	irc_srv_start(&s, NULL);
	/* The bare words are IRC, and get IRC's errors. */
	ic = irc_open(s.port, "bare NICK");
	irc_send_raw(ic, "NICK\r\n", 6);
	irc_want(ic, ":chatd 431 * :" ANY);
	irc_close(ic);
	ic = irc_open(s.port, "bare cap");
	irc_send_raw(ic, "cap\n", 4);
	irc_want(ic, ":chatd 461 * CAP :" ANY);
	irc_close(ic);
	ic = irc_open(s.port, "bare PASS");
	irc_send(ic, "PASS");
	irc_want(ic, ":chatd 461 * PASS :" ANY);
	irc_close(ic);
	/* Reading: subcommands are case-insensitive like commands, since §1
	 * gives "cap ls 302" as an IRC first line. */
	ic = irc_open(s.port, "lower cap ls");
	irc_send(ic, "cap ls 302");
	irc_want(ic, ":chatd CAP * LS :" ANY);
	irc_close(ic);
	srv_stop_ok(&s);
}
END_TEST

START_TEST(test_text_first_lines)
{
	/* Anything else is plain text, and is then the first text line.
	 * Reading: "followed by a space" is literal, so NICK and a TAB is
	 * text; a line that starts with tags or a source does not "begin
	 * with" a word either. */
	static const char *first[] = { "hello", "NICKNAME bob", "CAPS lock",
		"PASSWORD x", "USERS", "NICK\tbob", "nickbob", "ping x",
		"PRIVMSG #lobby :hi", "JOIN #lobby", "QUIT", "@a=b NICK x",
		":src NICK x" };
	struct srv s;
	struct ircc *o;
	struct conn *t;
	struct irc_msg *m;
	char nick[64], line[256];
	size_t i;

	irc_srv_start(&s, NULL);
	o = observer(s.port);
	for (i = 0; i < sizeof first / sizeof first[0]; i++) {
		t = conn_open(s.port);
		ck_assert(t != NULL);
		txt_send(t, "%s", first[i]);
		ck_assert_msg(conn_line(t, line, sizeof line, IRC_WAIT) >= 0 &&
			line_body(line) != NULL &&
			strstr(line, "-!- welcome to chatd, ") != NULL,
		    "first line \"%s\" must give the text welcome, got \"%s\"",
		    first[i], line);
		m = irc_want(o, ":" ANY " JOIN #lobby");
		src_nick(m, nick, sizeof nick);
		irc_want(
		    o, ":%s!%s@chatd PRIVMSG #lobby :%s", nick, nick, first[i]);
		conn_close(t);
		irc_want(o, ":%s!%s@chatd QUIT :" ANY, nick, nick);
	}
	/* A leading space is text too (the line does not begin with a
	 * word), and so is an empty line, which is then ignored. */
	t = conn_open(s.port);
	txt_send(t, " NICK bob");
	txt_find(t, "-!- welcome to chatd, ");
	m = irc_want(o, ":" ANY " JOIN #lobby");
	src_nick(m, nick, sizeof nick);
	irc_want(o, ":%s!%s@chatd PRIVMSG #lobby : NICK bob", nick, nick);
	conn_close(t);
	irc_until(o, "QUIT");
	t = conn_open(s.port);
	conn_send(t, "\n");
	txt_find(t, "-!- welcome to chatd, ");
	txt_send(t, "/nick tina");
	m = irc_want(o, ":" ANY " JOIN #lobby");
	src_nick(m, nick, sizeof nick);
	irc_want(o, ":%s!%s@chatd NICK tina", nick, nick);
	conn_close(t);
	irc_close(o);
	srv_stop_ok(&s);
}
END_TEST

/* ms from a first line sent at once to the text welcome; the best of
 * three tries, so one slow moment on a shared machine does not count. */
static long
welcome_ms(int port, const char *first)
{
	struct conn *t;
	char line[512];
	long best = 100000, t0, d;
	int i;

	for (i = 0; i < 3 && best >= 350; i++) {
		t = conn_open(port);
		ck_assert(t != NULL);
		t0 = harness_now_ms();
		txt_send(t, "%s", first);
		ck_assert_msg(conn_expect(t, "welcome to chatd", line,
				  sizeof line, IRC_WAIT),
		    "no text welcome after \"%s\"", first);
		d = harness_now_ms() - t0;
		if (d < best)
			best = d;
		conn_close(t);
	}
	return best;
}

START_TEST(test_text_welcome_at_once)
{
	struct srv s;
	long ms;

	if (irc_under_valgrind("test_text_welcome_at_once"))
		return;
	irc_srv_start(&s, NULL);
	/* "when the first line arrives and is not IRC ... whichever comes
	 * first": not 500 ms later. */
	ms = welcome_ms(s.port, "hello");
	ck_assert_msg(ms < 350,
	    "after \"hello\" the welcome took %ld ms, "
	    "want it at once (not after the 500 ms wait)",
	    ms);
	ms = welcome_ms(s.port, "");
	ck_assert_msg(ms < 350,
	    "after an empty line the welcome took %ld "
	    "ms, want it at once",
	    ms);
	srv_stop_ok(&s);
}
END_TEST

START_TEST(test_text_welcome_after_wait)
{
	struct srv s;
	struct conn *t;
	struct ircc *o;
	char line[512];
	long t0, d;

	irc_srv_start(&s, NULL);
	o = observer(s.port);
	t = conn_open(s.port);
	t0 = harness_now_ms();
	ck_assert_msg(conn_line(t, line, sizeof line, IRC_WAIT) >= 0,
	    "a silent connection got no text welcome within %d ms", IRC_WAIT);
	d = harness_now_ms() - t0;
	ck_assert_msg(strstr(line, "-!- welcome to chatd, ") != NULL,
	    "want the text welcome, got \"%s\"", line);
	ck_assert_msg(d >= 400,
	    "the welcome came after %ld ms, want about "
	    "500 ms (an IRC client may still speak)",
	    d);
	/* The room sees the join only once it is a text user. */
	irc_want(o, ":" ANY " JOIN #lobby");
	/* After the welcome every line is text, even IRC's words. */
	txt_send(t, "NICK x");
	irc_want(o, ":" ANY " PRIVMSG #lobby :NICK x");
	txt_send(t, "CAP LS 302");
	irc_want(o, ":" ANY " PRIVMSG #lobby :CAP LS 302");
	conn_close(t);
	irc_close(o);
	srv_stop_ok(&s);
}
END_TEST

START_TEST(test_partial_first_line)
{
	struct srv s;
	struct conn *t;
	struct ircc *o, *ic;

	irc_srv_start(&s, NULL);
	o = observer(s.port);
	/* No complete line by 500 ms: text, even if the line will be
	 * "NICK alice" once its end comes. */
	t = conn_open(s.port);
	conn_send(t, "NICK al");
	txt_find(t, "-!- welcome to chatd, ");
	irc_want(o, ":" ANY " JOIN #lobby");
	conn_send(t, "ice\n");
	irc_want(o, ":" ANY " PRIVMSG #lobby :NICK alice");
	conn_close(t);
	irc_until(o, "QUIT");
	/* Split inside the first line, completed in time: IRC. */
	ic = irc_open(s.port, "split");
	irc_send_raw(ic, "NI", 2);
	usleep(100 * 1000);
	irc_send_raw(ic, "CK alice\r", 9);
	usleep(50 * 1000);
	irc_send_raw(ic, "\n", 1);
	want_irc(ic, "NI|CK alice");
	irc_send(ic, "USER alice 0 * :A");
	irc_until(ic, "001");
	irc_close(ic);
	irc_close(o);
	srv_stop_ok(&s);
}
END_TEST

START_TEST(test_irc_never_text)
{
	struct srv s;
	struct ircc *ic;

	irc_srv_start(&s, NULL);
	ic = irc_open(s.port, "ircfirst");
	irc_send(ic, "NICK alice");
	/* Text commands are not IRC commands: 451 before registration, 421
	 * after it; no plain-text welcome ever. */
	irc_send(ic, "/who");
	irc_want(ic, ":chatd 451 alice :" ANY);
	irc_send(ic, "hello");
	irc_want(ic, ":chatd 451 alice :" ANY);
	irc_send(ic, "USER alice 0 * :A");
	irc_until(ic, "001");
	irc_until(ic, "422");
	irc_send(ic, "/who");
	irc_want(ic, ":chatd 421 alice /who :" ANY);
	usleep(600 * 1000); /* past the 500 ms of the text welcome */
	irc_nothing(ic);
	irc_close(ic);
	srv_stop_ok(&s);
}
END_TEST

START_TEST(test_irc_port)
{
	static const char *const args[] = { "--irc-port", "0", NULL };
	struct srv s;
	struct ircc *ic;
	struct conn *t;
	int port;

	irc_srv_start(&s, args);
	port = irc_srv_irc_port(&s);
	ck_assert_msg(port > 0 && port != s.port,
	    "want the log to name the --irc-port listener "
	    "(\"listening on 127.0.0.1:PORT\" with \"irc\"), log:\n%s",
	    s.log);
	/* No detection and no wait: silence gets no text welcome. */
	ic = irc_open(port, "ircport");
	irc_quiet(ic, 800);
	/* Any first line is IRC there. */
	irc_send(ic, "hello");
	irc_want(ic, ":chatd 451 * :" ANY);
	irc_send(ic, "NICK alice");
	irc_send(ic, "USER alice 0 * :A");
	irc_want(ic, ":chatd 001 alice :" ANY);
	irc_until(ic, "422");
	irc_close(ic);
	/* The shared port still serves both. */
	t = txt_login(s.port, "tom");
	ic = irc_user(s.port, "bob");
	irc_close(ic);
	conn_close(t);
	srv_stop_ok(&s);
}
END_TEST

START_TEST(test_unix_socket_both)
{
	char path[64], args_path[64];
	const char *args[] = { "--unix", args_path, NULL };
	struct srv s;
	struct ircc *ic;
	struct conn *t;
	char line[512];

	snprintf(path, sizeof path, "/tmp/ircc-unix-%d", (int)getpid());
	snprintf(args_path, sizeof args_path, "%s", path);
	unlink(path);
	irc_srv_start(&s, args);
	ck_assert_msg(srv_log_has(&s, path, IRC_WAIT),
	    "chatd never logged listening on %s", path);
	ic = irc_open_unix(path, "unix-irc");
	t = conn_open_unix(path);
	unlink(path); /* both connected: a failure leaves nothing behind */
	ck_assert(t != NULL);
	irc_send(ic, "NICK alice");
	irc_send(ic, "USER alice 0 * :A");
	irc_want(ic, ":chatd 001 alice :" ANY);
	irc_until(ic, "422");
	conn_send(t, "\n");
	ck_assert_msg(
	    conn_expect(t, "welcome to chatd", line, sizeof line, IRC_WAIT),
	    "no text welcome on the Unix socket");
	conn_close(t);
	irc_close(ic);
	srv_stop_ok(&s);
}
END_TEST

/* 1 if the log after off holds word as a word (not inside another). */
static int
log_has_word_after(struct srv *s, size_t off, const char *word, int ms)
{
	long end = harness_now_ms() + ms;
	size_t n = strlen(word);
	const char *p;

	do {
		srv_read_log(s, 50);
		for (p = s->log + off; (p = strstr(p, word)) != NULL; p += n)
			if ((p == s->log || !isalnum((unsigned char)p[-1])) &&
			    !isalnum((unsigned char)p[n]))
				return 1;
	} while (harness_now_ms() < end);
	return 0;
}

START_TEST(test_log_names_protocol)
{
	static const char *const args[] = { "-v", NULL };
	struct srv s;
	struct ircc *ic;
	struct conn *t;
	size_t off;

	/* Reading: "names its protocol" means the word irc or text appears
	 * on a line about the connection once it is known (-v in case it is
	 * a verbose line). */
	irc_srv_start(&s, args);
	srv_read_log(&s, 100);
	off = s.loglen;
	ic = irc_user(s.port, "alice");
	ck_assert_msg(log_has_word_after(&s, off, "irc", IRC_WAIT),
	    "no log line names the protocol irc; log after start:\n%s",
	    s.log + off);
	srv_read_log(&s, 100);
	off = s.loglen;
	t = txt_login(s.port, NULL);
	ck_assert_msg(log_has_word_after(&s, off, "text", IRC_WAIT),
	    "no log line names the protocol text; log:\n%s", s.log + off);
	/* chatd-v2 §9: SIGUSR1's statistics count connections by protocol
	 * (read as: the line names both). */
	srv_read_log(&s, 100);
	off = s.loglen;
	kill(s.pid, SIGUSR1);
	ck_assert_msg(log_has_word_after(&s, off, "irc", IRC_WAIT) &&
		log_has_word_after(&s, off, "text", 0),
	    "SIGUSR1's statistics must count connections by protocol (irc, "
	    "text); logged:\n%s",
	    s.log + off);
	conn_close(t);
	irc_close(ic);
	srv_stop_ok(&s);
}
END_TEST

Suite *
test_suite(void)
{
	Suite *s = suite_create("integ_irc_detect");
	TCase *tc = tcase_create("detect");

	tcase_set_timeout(tc, TEST_TIMEOUT);
	tcase_add_test(tc, test_irc_first_words);
	tcase_add_test(tc, test_irc_first_replies);
	tcase_add_test(tc, test_text_first_lines);
	tcase_add_test(tc, test_text_welcome_at_once);
	tcase_add_test(tc, test_text_welcome_after_wait);
	tcase_add_test(tc, test_partial_first_line);
	tcase_add_test(tc, test_irc_never_text);
	tcase_add_test(tc, test_irc_port);
	tcase_add_test(tc, test_unix_socket_both);
	tcase_add_test(tc, test_log_names_protocol);
	suite_add_tcase(s, tc);
	return s;
}
