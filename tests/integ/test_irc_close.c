/* test_irc_close.c: irc-v1 §9, keepalive, limits, closing, nicks freed. */
#define _DEFAULT_SOURCE
#include <sys/socket.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check_main.h"
#include "ircc.h"

static void
join(struct ircc *ic, const char *room)
{
	irc_send(ic, "JOIN %s", room);
	irc_until(ic, "366");
}

/*
 * The 90 s and 120 s of the keepalive need a test of four minutes:
 * test_keepalive_long, run with CHATD_LONG_TESTS=1. chatd has no option
 * to shorten them, so this quick one checks only that an idle registered
 * client is neither pinged nor dropped within a few seconds, and that its
 * PING is still answered.
 */
START_TEST(test_keepalive_short)
{
	struct srv s;
	struct ircc *a;
	struct conn *t;

	irc_srv_start(&s, NULL);
	a = irc_user(s.port, "alice");
	t = txt_login(s.port, "tim");
	irc_quiet(a, 3000);
	txt_quiet(t, 0);
	irc_send(a, "PING still");
	irc_want(a, ":chatd PONG chatd :still");
	srv_stop_ok(&s);
}
END_TEST

START_TEST(test_keepalive_long)
{
	static const char *const args[] = { "--server-name", "irc.long", NULL };
	struct srv s;
	struct ircc *idle, *live;
	struct conn *t;
	char late[512] = "";
	long t0, d;
	int r;

	if (getenv("CHATD_LONG_TESTS") == NULL ||
	    strcmp(getenv("CHATD_LONG_TESTS"), "1") != 0) {
		irc_skip("test_keepalive_long",
		    "the 90 s + 120 s keepalive takes 4 minutes; run with "
		    "CHATD_LONG_TESTS=1");
		return;
	}
	irc_srv_start(&s, args);
	idle = irc_user(s.port, "idle");
	live = irc_user(s.port, "live");
	t = txt_login(s.port, "tim");
	txt_send(t, "/join quiet");
	txt_find(t, "tim has joined #quiet");
	join(idle, "#k");
	join(live, "#k");
	irc_sync(idle);
	t0 = harness_now_ms();
	/* 90 s of silence: PING :S, the server name its token (with or
	 * without it as source: §9 shows the line bare, §3 makes S the
	 * source of every line the server makes up). */
	r = irc_read(idle, 100 * 1000);
	d = harness_now_ms() - t0;
	ck_assert_msg(r == 1, "no PING after %ld ms of silence", d);
	ck_assert_msg(strcmp(idle->m.command, "PING") == 0 &&
		idle->m.nparams == 1 &&
		strcmp(idle->m.params[0], "irc.long") == 0 &&
		(idle->m.source == NULL ||
		    strcmp(idle->m.source, "irc.long") == 0),
	    "want PING :irc.long, got %s", idle->m.line);
	ck_assert_msg(d >= 85 * 1000, "PING after %ld ms, want 90 s", d);
	/* live answers; any line resets its clock: pinged again 90 s after
	 * its PONG, while idle is still waiting to be closed. */
	irc_until(live, "PING"); /* source or not, as idle's */
	irc_send(live, "PONG :irc.long");
	/* Checked at the end, so the rest of the four minutes still runs. */
	r = irc_read(live, 100 * 1000);
	d = harness_now_ms() - t0;
	if (r != 1 || strcmp(live->m.command, "PING") != 0 || d < 170 * 1000)
		snprintf(late, sizeof late,
		    "live: want its second PING about 180 s in (90 s after its "
		    "PONG), got %.200s after %ld ms",
		    r == 1 ? live->m.line : "nothing", d);
	else
		irc_send(live, "PONG :irc.long");
	/* 120 s after its PING: ERROR, closed; the room sees why. */
	r = irc_read(idle, 40 * 1000);
	d = harness_now_ms() - t0;
	ck_assert_msg(r == 1 && strcmp(idle->m.command, "ERROR") == 0,
	    "want ERROR after 210 s, got %s after %ld ms",
	    r == 1 ? idle->m.line : "nothing", d);
	ck_assert_msg(d >= 205 * 1000, "closed after %ld ms, want 210 s", d);
	irc_eof(idle, IRC_WAIT);
	irc_want(live, ":idle!idle@chatd QUIT :Ping timeout: 210 seconds");
	irc_want(live, ":irc.long MODE #k +o live"); /* its operator left */
	irc_send(live, "PING alive");
	irc_find(live, ":irc.long PONG irc.long :alive"); /* past a late PING */
	/* Text connections are never pinged. */
	txt_quiet(t, 0);
	srv_stop_ok(&s);
	ck_assert_msg(late[0] == '\0', "%s", late);
}
END_TEST

START_TEST(test_flood_without_loss)
{
	static const char *const args[] = { "--rate", "50", "--burst", "10",
		NULL };
	struct srv s;
	struct ircc *a, *b;
	char batch[100 * 32];
	long t0, d;
	int i;

	irc_srv_start(&s, args);
	a = irc_user(s.port, "alice");
	b = irc_user(s.port, "bob");
	batch[0] = '\0';
	for (i = 0; i < 100; i++)
		snprintf(batch + strlen(batch), sizeof batch - strlen(batch),
		    "PRIVMSG bob :line %d\r\n", i);
	t0 = harness_now_ms();
	irc_send_raw(a, batch, strlen(batch));
	for (i = 0; i < 100; i++)
		irc_want(b, ":alice!alice@chatd PRIVMSG bob :line %d", i);
	d = harness_now_ms() - t0;
	/* 90 lines over the burst at 50/s: about 1.8 s; half is plenty. */
	if (!irc_under_valgrind("test_flood_without_loss"))
		ck_assert_msg(d >= 900,
		    "100 lines at --rate 50 --burst 10 took %ld "
		    "ms: not slowed down",
		    d);
	irc_send(a, "PING end");
	irc_want(a, ":chatd PONG chatd :end");
	srv_stop_ok(&s);
}
END_TEST

START_TEST(test_slow_consumer)
{
	static const char *const args[] = { "--rate", "0", "--max-queue", "64K",
		NULL };
	struct srv s;
	struct ircc *a, *slow, *probe;
	struct conn *t;
	char batch[200 * 420], text[401];
	int i, round, rcv = 4096, seen = 0;

	irc_srv_start(&s, args);
	t = txt_login(s.port, "tim");
	a = irc_user(s.port, "alice");
	slow = irc_user(s.port, "slow");
	setsockopt(slow->c->fd, SOL_SOCKET, SO_RCVBUF, &rcv, sizeof rcv);
	join(a, "#lobby");
	join(slow, "#lobby");
	irc_sync(a);
	txt_sync(t);
	/* Private messages to slow, which never reads: only it is flooded;
	 * alice and tim share #lobby with it and see it go. */
	memset(text, 'x', 400);
	text[400] = '\0';
	batch[0] = '\0';
	for (i = 0; i < 200; i++)
		snprintf(batch + strlen(batch), sizeof batch - strlen(batch),
		    "PRIVMSG slow :%s\r\n", text);
	for (round = 0; round < 250 && !seen; round++) {
		if (irc_send_within(a, batch, strlen(batch), 5000) == -1) {
			/* Is chatd stuck as a whole? A fresh client must
			 * still get through registration. */
			probe = irc_user(s.port, "probe");
			irc_close(probe);
			ck_abort_msg(
			    "after %d KB to slow chatd stopped reading "
			    "alice for 5 s, slow not dropped (a stall; "
			    "chatd still answers others)",
			    round * (int)strlen(batch) / 1024);
		}
		while (!seen && irc_read(a, round < 2 ? 0 : 20) == 1)
			seen = strcmp(a->m.command, "QUIT") == 0;
	}
	ck_assert_msg(seen, "slow was never dropped for too slow (21 MB sent)");
	ck_assert_msg(strcmp(a->m.source, "slow!slow@chatd") == 0 &&
		a->m.nparams == 1 && strcmp(a->m.params[0], "too slow") == 0,
	    "want :slow!slow@chatd QUIT :too slow, got %s", a->m.line);
	txt_find(t, "-!- slow has quit (too slow)");
	/* Closed: its nick is free at once. (Reading slow's socket to its
	 * EOF is no test: the kernel may still hold megabytes chatd wrote
	 * before it was over --max-queue, which a 4 KB window takes minutes
	 * to pass; so is the ERROR, which is only "attempted".) */
	probe = irc_user(s.port, "slow");
	irc_close(probe);
	irc_send(a, "PING ok");
	irc_find(a, ":chatd PONG chatd :ok");
	srv_stop_ok(&s);
}
END_TEST

/* The first line on a fresh connection after sending first (NULL:
 * nothing), which must be want, then EOF. */
static void
refused(int port, const char *first, const char *want)
{
	struct ircc *ic = irc_open(port, first != NULL ? first : "silent");
	char line[512];

	if (first != NULL)
		irc_send(ic, "%s", first);
	ck_assert_msg(conn_line(ic->c, line, sizeof line, IRC_WAIT) >= 0,
	    "after \"%s\": want \"%s\", got nothing", first, want);
	ck_assert_msg(strstr(line, want) != NULL &&
		(want[0] != 'E' || strncmp(line, want, strlen(want)) == 0),
	    "after \"%s\": want \"%s\", got \"%s\"", first, want, line);
	irc_eof(ic, IRC_WAIT);
	irc_close(ic);
}

START_TEST(test_full_server)
{
	static const char *const args[] = { "-m", "2", "--irc-port", "0",
		NULL };
	struct srv s;
	struct ircc *a, *b;
	struct conn *over[12];
	char line[512];
	int i, worded = 0, silent = 0, r;

	irc_srv_start(&s, args);
	a = irc_user(s.port, "alice");
	b = irc_user(s.port, "bob");
	/* Refused in the detected protocol's words. */
	refused(s.port, "NICK carol", "ERROR :server full");
	refused(s.port, "CAP LS 302", "ERROR :server full");
	refused(s.port, "hello", "-!- error: server full");
	refused(s.port, NULL, "-!- error: server full");
	/* On --irc-port, at once. */
	refused(irc_srv_irc_port(&s), NULL, "ERROR :server full");
	/* At most 8 wait to be told; the others are closed without a word. */
	for (i = 0; i < 12; i++)
		over[i] = conn_open(s.port);
	for (i = 0; i < 12; i++) {
		ck_assert(over[i] != NULL);
		r = conn_line(over[i], line, sizeof line, IRC_WAIT);
		if (r >= 0 && strstr(line, "server full") != NULL)
			worded++;
		else if (r == -2)
			silent++;
		conn_close(over[i]);
	}
	ck_assert_msg(worded <= 8 && silent >= 4 && worded + silent == 12,
	    "12 over the limit at once: %d told, %d closed silently; want at "
	    "most 8 told",
	    worded, silent);
	/* Nobody else was affected. */
	irc_send(a, "PRIVMSG bob :still here");
	irc_want(b, ":alice!alice@chatd PRIVMSG bob :still here");
	srv_stop_ok(&s);
}
END_TEST

START_TEST(test_per_ip)
{
	static const char *const args[] = { "--max-per-ip", "2", NULL };
	struct srv s;

	irc_srv_start(&s, args);
	irc_user(s.port, "alice");
	irc_user(s.port, "bob");
	refused(s.port, "NICK carol",
	    "ERROR :too many connections from your address");
	refused(s.port, "hello",
	    "-!- error: too many connections from your address");
	srv_stop_ok(&s);
}
END_TEST

/* SIGTERM or SIGINT: NOTICE, ERROR, close to each IRC client; exit 0. */
static void
shutdown_by(int sig)
{
	static const char *const args[] = { "--server-name", "irc.down", NULL };
	struct srv s;
	struct ircc *a, *b, *u, *n;
	struct conn *t;
	int st;

	irc_srv_start(&s, args);
	n = irc_open(s.port, "nickless");
	irc_send(n, "CAP LS 302");
	irc_until(n, "CAP");
	a = irc_user(s.port, "alice");
	b = irc_register(s.port, "bob", "server-time", "message-tags", NULL);
	u = irc_open(s.port, "unreg");
	irc_send(u, "NICK unreg");
	irc_nothing(u);
	t = txt_login(s.port, "tim");
	join(a, "#r");
	kill(s.pid, sig);
	irc_want(a, ":irc.down NOTICE alice :server shutting down");
	irc_want(a, "ERROR :server shutting down");
	irc_eof(a, IRC_WAIT);
	irc_want(b, ":irc.down NOTICE bob :server shutting down");
	irc_want(b, "ERROR :server shutting down");
	irc_eof(b, IRC_WAIT);
	/* Unregistered: <n> is the nick it holds, or '*'. */
	irc_want(u, ":irc.down NOTICE unreg :server shutting down");
	irc_want(u, "ERROR :server shutting down");
	irc_eof(u, IRC_WAIT);
	irc_want(n, ":irc.down NOTICE * :server shutting down");
	irc_want(n, "ERROR :server shutting down");
	irc_eof(n, IRC_WAIT);
	txt_find(t, "-!- server shutting down");
	st = srv_stop(&s, 0);
	ck_assert_msg(
	    st == 0, "chatd exited %d after signal %d, want 0", st, sig);
}

START_TEST(test_shutdown_term)
{
	shutdown_by(SIGTERM);
}
END_TEST

START_TEST(test_shutdown_int)
{
	shutdown_by(SIGINT);
}
END_TEST

START_TEST(test_every_end_frees_the_nick)
{
	static const char *const args[] = { "--login-timeout", "1", NULL };
	struct srv s;
	struct ircc *a, *b, *u;
	struct linger lg = { 1, 0 };

	irc_srv_start(&s, args);
	a = irc_user(s.port, "alice");
	join(a, "#a");
	join(a, "#b");
	/* EOF, after a last message: delivered, then one QUIT. */
	b = irc_user(s.port, "bob");
	join(b, "#a");
	join(b, "#b");
	join(b, "#solo");
	irc_sync(a);
	irc_send(b, "PRIVMSG #a :last words");
	shutdown(b->c->fd, SHUT_WR);
	irc_want(a, ":bob!bob@chatd PRIVMSG #a :last words");
	irc_want(a, ":bob!bob@chatd QUIT :Connection closed");
	irc_nothing(a);
	irc_close(b);
	/* Free at once, its lone room gone. */
	b = irc_user(s.port, "bob");
	irc_send(b, "NAMES #solo");
	irc_want(b, ":chatd 366 bob #solo :" ANY);
	join(b, "#a");
	irc_want(a, ":bob!bob@chatd JOIN #a");
	/* A reset. */
	setsockopt(b->c->fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
	irc_close(b);
	irc_want(a, ":bob!bob@chatd QUIT :Connection reset");
	b = irc_user(s.port, "bob");
	/* An unregistered holder that times out. */
	u = irc_open(s.port, "u");
	irc_send(u, "NICK carol");
	irc_want(u, "ERROR :" ANY);
	irc_eof(u, IRC_WAIT);
	irc_user(s.port, "carol");
	srv_stop_ok(&s);
}
END_TEST

Suite *
test_suite(void)
{
	Suite *s = suite_create("integ_irc_close");
	TCase *tc = tcase_create("close");
	TCase *lt = tcase_create("long");

	tcase_set_timeout(tc, TEST_TIMEOUT);
	tcase_add_test(tc, test_keepalive_short);
	tcase_add_test(tc, test_flood_without_loss);
	tcase_add_test(tc, test_slow_consumer);
	tcase_add_test(tc, test_full_server);
	tcase_add_test(tc, test_per_ip);
	tcase_add_test(tc, test_shutdown_term);
	tcase_add_test(tc, test_shutdown_int);
	tcase_add_test(tc, test_every_end_frees_the_nick);
	suite_add_tcase(s, tc);
	tcase_set_timeout(lt, 330);
	tcase_add_test(lt, test_keepalive_long);
	suite_add_tcase(s, lt);
	return s;
}
