/* test_irc_limits.c: one port for two protocols, --irc-port, limits and closing for IRC (irc-v1 §1, §2, §9). */
#define _DEFAULT_SOURCE
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check_main.h"
#include "harness.h"
#include "irct.h"
#include "proto.h"

/* An IRC user with a tiny receive buffer: its queue fills fast once it
 * stops reading. */
static struct conn *
deaf_reg(int port, const char *nick)
{
	struct sockaddr_in sin;
	int fd, rcvbuf = 2048;
	struct conn *c;

	ck_assert_int_ne(fd = socket(AF_INET, SOCK_STREAM, 0), -1);
	setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof rcvbuf);
	memset(&sin, 0, sizeof sin);
	sin.sin_family = AF_INET;
	sin.sin_port = htons((unsigned short)port);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ck_assert_int_eq(connect(fd, (struct sockaddr *)&sin, sizeof sin), 0);
	ck_assert_ptr_nonnull(c = conn_from_fd(fd));
	irct_send(c, "NICK %s", nick);
	irct_send(c, "USER %s 0 * :Deaf", nick);
	irct_find(c, " 422 ");
	return c;
}

START_TEST(test_detect_first_line)
{
	struct srv s;
	struct conn *a, *c, *t;
	char line[IRCT_LINE];
	long t0;

	srv_start_ok(&s, NULL);
	a = irct_reg(s.port, "alice", NULL);
	irct_send(a, "JOIN #lobby");
	irct_find(a, " 366 ");
	/* Silence: plain text, after about 500 ms, not before. */
	t0 = harness_now_ms();
	t = irct_open(s.port);
	ck_assert(
	    conn_expect(t, "-!- welcome to chatd, guest", NULL, 0, IRCT_WAIT));
	ck_assert_msg(harness_now_ms() - t0 >= 450, "welcome after %ld ms",
	    harness_now_ms() - t0);
	irct_find(a, "JOIN #lobby");
	/* Then every line is text, even NICK. */
	conn_send(t, "NICK x\n");
	irct_find(a, "PRIVMSG #lobby :NICK x");
	conn_close(t);
	/* A first line that is not IRC's: text, the line after the welcome. */
	t = irct_open(s.port);
	conn_send(t, "hello there\n");
	ck_assert(
	    conn_expect(t, "-!- welcome to chatd, guest", NULL, 0, IRCT_WAIT));
	irct_find(a, "JOIN #lobby");
	irct_find(a, "PRIVMSG #lobby :hello there");
	conn_close(t);
	/* "nick bob" is IRC; an IRC connection never gets a text line. */
	c = irct_open(s.port);
	conn_send(c, "nick bob\r\n");
	ck_assert_int_eq(conn_line(c, line, sizeof line, 1000), -1);
	irct_send(c, "user bob 0 * :Bob");
	irct_is(c, ":chatd 001 bob :Welcome to chatd, bob");
	conn_close(c);
	/* Bytes split anywhere, even inside a character; LF alone. */
	c = irct_open(s.port);
	conn_send(c, "CA");
	usleep(100000);
	conn_send(c, "P LS\nNICK carol\nUSER c 0 * :\xc3");
	usleep(100000);
	conn_send(c, "\xa9t\xc3\xa9\nCAP END\n");
	irct_find(c, " 422 carol ");
	irct_send(c, "WHOIS carol");
	irct_is(c, ":chatd 311 carol carol c chatd * :\xc3\xa9t\xc3\xa9");
	conn_close(c);
	conn_close(a);
	srv_stop_ok(&s);
}
END_TEST

START_TEST(test_irc_port_and_unix)
{
	char path[64];
	const char *args[] = { "--irc-port", "0", "--unix", path, NULL };
	struct srv s;
	struct conn *c, *u;
	char line[IRCT_LINE];
	int port;

	snprintf(path, sizeof path, "/tmp/chatd-irc-%d.sock", (int)getpid());
	srv_start_ok(&s, args);
	port = irct_irc_port(&s);
	ck_assert_int_ne(port, s.port);
	/* No wait and no detection: never a text welcome. */
	c = irct_open(port);
	ck_assert_int_eq(conn_line(c, line, sizeof line, 1000), -1);
	irct_send(c, "hello");
	irct_is(c, ":chatd 451 * :You have not registered");
	irct_send(c, "NICK alice");
	irct_send(c, "USER alice 0 * :A");
	irct_is(c, ":chatd 001 alice :Welcome to chatd, alice");
	irct_find(c, " 422 ");
	/* The Unix socket speaks both. */
	u = conn_open_unix(path);
	ck_assert_ptr_nonnull(u);
	irct_send(u, "NICK bob");
	irct_send(u, "USER bob 0 * :B");
	irct_is(u, ":chatd 001 bob :Welcome to chatd, bob");
	irct_find(u, " 422 ");
	irct_send(u, "ISON alice");
	irct_is(u, ":chatd 303 bob :alice");
	conn_close(u);
	conn_close(c);
	/* The log names the protocols. */
	ck_assert(srv_log_has(&s, "speaks irc", IRCT_WAIT));
	ck_assert(srv_log_has(&s, "(irc)", IRCT_WAIT));
	srv_stop_ok(&s);
}
END_TEST

START_TEST(test_over_limits)
{
	const char *args[] = { "-m", "1", "--irc-port", "0", NULL };
	struct srv s;
	struct conn *t, *c, *w[10];
	char line[IRCT_LINE];
	int port, i, quiet = 0, told = 0;

	srv_start_ok(&s, args);
	port = irct_irc_port(&s);
	t = irct_text(s.port, "first");
	/* Kept until its protocol is known, then refused in its words. */
	c = irct_open(s.port);
	irct_send(c, "CAP LS 302");
	irct_is(c, "ERROR :server full");
	irct_eof(c);
	conn_close(c);
	c = irct_open(s.port);
	conn_send(c, "hi\n");
	irct_text_is(c, "-!- error: server full");
	ck_assert(conn_eof(c, IRCT_WAIT));
	conn_close(c);
	/* On --irc-port at once. */
	c = irct_open(port);
	irct_is(c, "ERROR :server full");
	irct_eof(c);
	conn_close(c);
	/* At most 8 wait; more are closed without a word. */
	for (i = 0; i < 10; i++)
		w[i] = irct_open(s.port);
	for (i = 0; i < 10; i++) {
		int n = conn_line(w[i], line, sizeof line, IRCT_WAIT);

		if (n == -2)
			quiet++;
		else if (n >= 0 &&
		    strstr(line, "-!- error: server full") != NULL)
			told++;
		conn_close(w[i]);
	}
	ck_assert_int_eq(told, 8);
	ck_assert_int_eq(quiet, 2);
	/* Nobody else noticed. */
	conn_send(t, "/who\n");
	irct_text_is(t, "-!- 1 user in #lobby: @first");
	conn_close(t);
	srv_stop_ok(&s);
}
END_TEST

START_TEST(test_per_ip)
{
	const char *args[] = { "--max-per-ip", "1", NULL };
	struct srv s;
	struct conn *a, *c;

	srv_start_ok(&s, args);
	a = irct_reg(s.port, "alice", NULL);
	c = irct_open(s.port);
	irct_send(c, "NICK bob");
	irct_is(c, "ERROR :too many connections from your address");
	irct_eof(c);
	conn_close(c);
	c = irct_open(s.port);
	conn_send(c, "\n");
	irct_text_is(c, "-!- error: too many connections from your address");
	conn_close(c);
	irct_nothing(a);
	conn_close(a);
	srv_stop_ok(&s);
}
END_TEST

START_TEST(test_shutdown)
{
	struct srv s;
	struct conn *a, *p, *t;

	srv_start_ok(&s, NULL);
	a = irct_reg(s.port, "alice", NULL);
	p = irct_open(s.port);
	irct_send(p, "NICK half");
	irct_sync(p);
	t = irct_text(s.port, NULL);
	kill(s.pid, SIGTERM);
	irct_is(a, ":chatd NOTICE alice :server shutting down");
	irct_is(a, "ERROR :server shutting down");
	irct_eof(a);
	irct_is(p, ":chatd NOTICE half :server shutting down");
	irct_is(p, "ERROR :server shutting down");
	irct_eof(p);
	irct_text_is(t, "-!- server shutting down");
	ck_assert_int_eq(srv_stop(&s, 0), 0);
	conn_close(a);
	conn_close(p);
	conn_close(t);
}
END_TEST

START_TEST(test_slow_consumer)
{
	const char *args[] = { "--max-queue", "64K", "--rate", "0", NULL };
	struct srv s;
	struct conn *slow, *talk, *obs;
	char line[IRCT_LINE], last[IRCT_LINE] = "";
	int i, n, gone = 0;

	srv_start_ok(&s, args);
	obs = irct_reg(s.port, "obs", NULL);
	irct_send(obs, "JOIN #dev");
	irct_find(obs, " 366 ");
	slow = deaf_reg(s.port, "slow");
	irct_send(slow, "JOIN #dev");
	irct_find(slow, " 366 ");
	talk = irct_reg(s.port, "talk", NULL);
	irct_send(talk, "JOIN #dev");
	irct_find(talk, " 366 ");
	irct_find(obs, "talk!talk@chatd JOIN");
	/* slow reads nothing while talk says a lot. */
	for (i = 0; i < 40000 && !gone; i++) {
		irct_send(talk, "PRIVMSG #dev :%0450d", i);
		if (i % 100 != 99)
			continue;
		irct_sync(talk);
		while (!gone && irct_line(obs, line, sizeof line, 0) == 1)
			gone = strstr(line, "slow!slow@chatd QUIT") != NULL;
	}
	if (!gone)
		snprintf(line, sizeof line, "%s",
		    irct_find(obs, "slow!slow@chatd QUIT"));
	ck_assert_str_eq(line, ":slow!slow@chatd QUIT :too slow");
	/* Its last line, at a line boundary, once it reads again. */
	while ((n = conn_line(slow, line, sizeof line, IRCT_WAIT)) >= 0)
		snprintf(last, sizeof last, "%s", line);
	ck_assert_str_eq(last, "ERROR :Closing Link: too slow\r");
	ck_assert(srv_log_has(&s, "(slow) disconnected: too slow", IRCT_WAIT));
	conn_close(slow);
	conn_close(talk);
	conn_close(obs);
	srv_stop_ok(&s);
}
END_TEST

START_TEST(test_flood_and_stats)
{
	const char *args[] = { "--rate", "10", "--burst", "5", "--max-line",
		"64", NULL };
	struct srv s;
	struct conn *a, *t, *u;
	char big[600];
	int i;

	srv_start_ok(&s, args);
	a = irct_reg(s.port, "alice", NULL);
	/* --max-line is for plain text: a full IRC line passes. */
	memset(big, 'x', sizeof big);
	memcpy(big, "PING ", 5);
	big[510] = '\0';
	irct_send(a, "%s", big);
	irct_find(a, " PONG chatd :xxx");
	/* Slowed down, never dropped, in order. */
	for (i = 0; i < 30; i++)
		irct_send(a, "PING n%d", i);
	for (i = 0; i < 30; i++)
		irct_is(a, ":chatd PONG chatd :n%d", i);
	t = irct_text(s.port, NULL);
	u = irct_open(s.port);
	conn_close(u);
	usleep(200000);
	kill(s.pid, SIGUSR1);
	ck_assert(srv_log_has(&s, "text=1 irc=1 undetected=1", IRCT_WAIT));
	conn_close(a);
	conn_close(t);
	srv_stop_ok(&s);
}
END_TEST

Suite *
test_suite(void)
{
	Suite *s = suite_create("integ_irc_limits");
	TCase *tc = tcase_create("limits");

	tcase_set_timeout(tc, TEST_TIMEOUT);
	tcase_add_test(tc, test_detect_first_line);
	tcase_add_test(tc, test_irc_port_and_unix);
	tcase_add_test(tc, test_over_limits);
	tcase_add_test(tc, test_per_ip);
	tcase_add_test(tc, test_shutdown);
	tcase_add_test(tc, test_slow_consumer);
	tcase_add_test(tc, test_flood_and_stats);
	suite_add_tcase(s, tc);
	return s;
}
