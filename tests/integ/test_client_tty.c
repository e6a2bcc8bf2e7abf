/*
 * test_client_tty.c: bin/chat on a pseudo-terminal, as a person runs it,
 * against a scripted IRC server (tests/fakeirc.c): the half-typed line
 * kept across incoming lines and a reconnect, a prompt no other user can
 * move, Tab, highlights and the bell, the terminal always restored. v1's
 * tty tests are here too, on v2's IRC.
 */
#define _DEFAULT_SOURCE
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include <check.h>

#include "chatrun.h"
#include "check_main.h"
#include "fakeirc.h"
#include "harness.h"

static struct fakeirc f;
static struct proc *p;
static struct termios before; /* the terminal before chat changed it */

static void
setup(void)
{
	fakeirc_start(&f);
	p = proc_new();
}

static void
teardown(void)
{
	proc_free(p);
	fakeirc_stop(&f);
}

static int
termios_same(const struct termios *a, const struct termios *b)
{
	return a->c_iflag == b->c_iflag && a->c_oflag == b->c_oflag &&
	    a->c_lflag == b->c_lflag && a->c_cflag == b->c_cflag;
}

/* chat -n alice [extra] 127.0.0.1 PORT on a pty, registered and in
 * #lobby with bob and carol. */
static void
start(const char *extra, int colour)
{
	const char *args[] = { "-n", "alice", "127.0.0.1", NULL, NULL, NULL };
	char port[16], room[64];

	snprintf(port, sizeof port, "%d", f.port);
	if (extra != NULL) {
		args[2] = extra;
		args[3] = "127.0.0.1";
		args[4] = port;
	} else
		args[3] = port;
	proc_start_pty(p, args, colour);
	ck_assert(tcgetattr(p->slave, &before) == 0);
	fakeirc_welcome(
	    &f, FAKEIRC_CHATD_CAPS, "@bob carol", room, sizeof room);
	ck_assert(proc_wait(p, 0, "[#lobby alice]> ", 0) != NULL);
}

/* The person's view: a half-typed line survives an incoming message. */
START_TEST(test_tty_partial_line)
{
	struct termios after;
	const char *msg;

	start(NULL, 0);
	proc_send(p, "helo");
	ck_assert(proc_wait(p, 0, "]> helo", 0) != NULL);
	proc_send(p, "\033[D"); /* Left: between l and o */
	fakeirc_say(&f, "bob", "#lobby", "hi there");
	ck_assert((msg = proc_wait(p, 0, "<bob> hi there", 0)) != NULL);
	/* Printed above the input, which is drawn again after it. */
	ck_assert(proc_wait(p, 0, "[#lobby alice]> helo",
		      (size_t)(msg - p->obuf)) != NULL);
	ck_assert(strstr(p->obuf, "\033[2m") == NULL); /* NO_COLOR */
	proc_send(p, "l\r");
	fakeirc_expect(&f, "PRIVMSG #lobby :hello", NULL, 0);
	proc_send(p, "\004"); /* Ctrl-D: quit */
	fakeirc_expect(&f, "QUIT", NULL, 0);
	fakeirc_send(&f, "ERROR :Closing Link: Client Quit");
	fakeirc_drop(&f);
	ck_assert_int_eq(proc_exit(p), 0);
	ck_assert(tcgetattr(p->slave, &after) == 0);
	ck_assert(termios_same(&before, &after));
	ck_assert(after.c_lflag & ICANON);
	ck_assert(after.c_lflag & ECHO);
}
END_TEST

/* The connection drops: chat says so, keeps the half-typed line,
 * reconnects, registers the same nick, rejoins, and shows exactly what
 * it missed, once each, in order. */
START_TEST(test_tty_reconnect_keeps_line)
{
	char line[FAKEIRC_LINE_MAX], room[64];
	const char *mark;
	long t0;

	start(NULL, 0);
	fakeirc_send(&f,
	    "@time=2026-12-01T12:00:01.000Z;msgid=m1 "
	    ":bob!bob@chatd PRIVMSG #lobby :before");
	ck_assert(proc_wait(p, 0, "<bob> before", 0) != NULL);
	proc_send(p, "half typ");
	ck_assert(proc_wait(p, 0, "]> half typ", 0) != NULL);
	t0 = harness_now_ms();
	fakeirc_drop(&f);
	ck_assert((mark = proc_wait(p, 0,
		       "-!- disconnected: server closed the connection; "
		       "reconnecting in 1s\r\n",
		       0)) != NULL);
	ck_assert(proc_wait(p, 0, "[#lobby alice]> half typ",
		      (size_t)(mark - p->obuf)) != NULL);
	fakeirc_welcome(&f, FAKEIRC_CHATD_CAPS, "@bob", room, sizeof room);
	/* 1 s, give or take 20%. */
	ck_assert_int_ge(harness_now_ms() - t0, 700);
	ck_assert_str_eq(f.nick, "alice");
	ck_assert_str_eq(room, "#lobby");
	fakeirc_expect(&f, "CHATHISTORY ", line, sizeof line);
	ck_assert_str_eq(line, "CHATHISTORY AFTER #lobby msgid=m1 100");
	/* One live line before the reply, overlapping it. */
	fakeirc_send(&f,
	    "@time=2026-12-01T12:00:04.000Z;msgid=m4 "
	    ":bob!bob@chatd PRIVMSG #lobby :four");
	fakeirc_send(&f, ":chatd BATCH +h chathistory #lobby");
	fakeirc_send(&f,
	    "@batch=h;time=2026-12-01T12:00:02.000Z;msgid=m2 "
	    ":bob!bob@chatd PRIVMSG #lobby :two");
	fakeirc_send(&f,
	    "@batch=h;time=2026-12-01T12:00:03.000Z;msgid=m3 "
	    ":carol!carol@chatd PRIVMSG #lobby :\001ACTION three\001");
	fakeirc_send(&f,
	    "@batch=h;time=2026-12-01T12:00:04.000Z;msgid=m4 "
	    ":bob!bob@chatd PRIVMSG #lobby :four");
	fakeirc_send(&f, ":chatd BATCH -h");
	fakeirc_say(&f, "bob", "#lobby", "after");
	ck_assert(proc_wait(p, 0, "<bob> after", 0) != NULL);
	mark = strstr(p->obuf, "reconnecting in");
	ck_assert(strstr(mark, "<bob> two") != NULL);
	ck_assert(strstr(mark, "<bob> two") < strstr(mark, "* carol three"));
	ck_assert(strstr(mark, "* carol three") < strstr(mark, "<bob> four"));
	ck_assert(strstr(mark, "<bob> four") < strstr(mark, "<bob> after"));
	ck_assert(strstr(strstr(mark, "<bob> four") + 1, "<bob> four") == NULL);
	ck_assert(strstr(strstr(p->obuf, "<bob> before") + 1, "<bob> before") ==
	    NULL);
	/* And the line typed before the drop is still there to finish. */
	proc_send(p, "ed\r");
	fakeirc_expect(&f, "PRIVMSG #lobby :half typed", NULL, 0);
	kill(p->pid, SIGTERM);
	ck_assert_int_eq(proc_exit(p), 128 + SIGTERM);
}
END_TEST

/* Another user's words can look like anything; the prompt stays. */
START_TEST(test_tty_prompt_not_spoofed)
{
	size_t from;

	start(NULL, 0);
	fakeirc_send(&f, ":bob!bob@chatd QUIT :Quit: you are in #owned");
	fakeirc_say(&f, "carol", "#lobby", "-!- alice has joined #owned");
	fakeirc_send(&f,
	    ":carol!carol@chatd PRIVMSG alice :-!- alice is now "
	    "known as owned");
	fakeirc_send(&f, ":carol!carol@chatd NICK alicia");
	ck_assert(proc_wait(p, 0, "carol is now known as alicia", 0) != NULL);
	ck_assert(
	    strstr(p->obuf, "-!- bob has quit (you are in #owned)") != NULL);
	ck_assert(strstr(p->obuf, "[#owned") == NULL);
	ck_assert(strstr(p->obuf, "owned]>") == NULL);
	ck_assert(strstr(p->obuf, "alicia]>") == NULL);
	/* The last prompt drawn is still ours. */
	from = p->olen;
	proc_send(p, "x");
	ck_assert(proc_wait(p, 0, "[#lobby alice]> x", from) != NULL);
}
END_TEST

/* Room and nick in the prompt follow the server's replies about us. */
START_TEST(test_tty_prompt_follows)
{
	start(NULL, 1);
	proc_send(p, "/nick carol2\r");
	fakeirc_expect(&f, "NICK carol2", NULL, 0);
	fakeirc_send(&f, ":alice!alice@chatd NICK carol2");
	ck_assert(proc_wait(p, 0, "[#lobby carol2]> ", 0) != NULL);
	proc_send(p, "/join dev\r");
	fakeirc_expect(&f, "JOIN #dev", NULL, 0);
	fakeirc_send(&f, ":carol2!alice@chatd JOIN #dev");
	ck_assert(proc_wait(p, 0, "[#dev carol2]> ", 0) != NULL);
	fakeirc_expect(&f, "PART #lobby", NULL, 0);
	fakeirc_say(&f, "bob", "#dev", "welcome aboard");
	/* The nick is coloured, the line reset after it. */
	ck_assert(proc_wait(p, 0, "bob\033[0m> welcome aboard", 0) != NULL);
	proc_send(p, "/quit\r");
	fakeirc_expect(&f, "QUIT", NULL, 0);
	fakeirc_drop(&f);
	ck_assert_int_eq(proc_exit(p), 0);
}
END_TEST

/* Tab completes nicks of the room; again, the next one. */
START_TEST(test_tty_tab)
{
	start(NULL, 0);
	fakeirc_send(&f, ":bobby!b@chatd JOIN #lobby");
	ck_assert(proc_wait(p, 0, "bobby has joined", 0) != NULL);
	proc_send(p, "b\t");
	ck_assert(proc_wait(p, 0, "]> bob: ", 0) != NULL);
	proc_send(p, "\t");
	ck_assert(proc_wait(p, 0, "]> bobby: ", 0) != NULL);
	proc_send(p, "see c\t\r");
	fakeirc_expect(&f, "PRIVMSG #lobby :bobby: see carol ", NULL, 0);
}
END_TEST

/* A message for you: bold and one bell; --no-bell keeps it quiet. */
START_TEST(test_tty_highlight_bell)
{
	const char *hit;

	start(NULL, 1);
	fakeirc_say(&f, "bob", "#lobby", "no bell here, malice");
	ck_assert(proc_wait(p, 0, "malice", 0) != NULL);
	ck_assert(strchr(p->obuf, '\a') == NULL);
	fakeirc_say(&f, "bob", "#lobby", "look, Alice!");
	ck_assert((hit = proc_wait(p, 0, "<bob> look, Alice!", 0)) != NULL);
	ck_assert(proc_wait(p, 0, "\a", 0) != NULL);
	ck_assert(hit - p->obuf >= 15 && strncmp(hit - 15, "\033[1m[", 5) == 0);
	fakeirc_send(&f, ":bob!bob@chatd PRIVMSG alice :psst");
	ck_assert((hit = proc_wait(p, 0, "*bob* psst", 0)) != NULL);
	ck_assert(proc_wait(p, 0, "\a", (size_t)(hit - p->obuf)) != NULL);
	proc_close(p);
	fakeirc_drop(&f);
	start("--no-bell", 0);
	fakeirc_send(&f, ":bob!bob@chatd PRIVMSG alice :psst");
	ck_assert(proc_wait(p, 0, "*bob* psst", 0) != NULL);
	fakeirc_say(&f, "bob", "#lobby", "done");
	ck_assert(proc_wait(p, 0, "<bob> done", 0) != NULL);
	ck_assert(strchr(p->obuf, '\a') == NULL);
	ck_assert(strstr(p->obuf, "\033[1m") == NULL);
}
END_TEST

/* --no-reconnect: v1's way, the terminal restored and exit 1. */
START_TEST(test_tty_server_gone)
{
	struct termios after;

	start("--no-reconnect", 0);
	proc_send(p, "unsent");
	ck_assert(proc_wait(p, 0, "unsent", 0) != NULL);
	fakeirc_send(&f, "ERROR :server shutting down");
	fakeirc_drop(&f);
	ck_assert(proc_wait(p, 0, "-!- disconnected: server shutting down\r\n",
		      0) != NULL);
	ck_assert_int_eq(proc_exit(p), 1);
	ck_assert(tcgetattr(p->slave, &after) == 0);
	ck_assert(termios_same(&before, &after));
}
END_TEST

START_TEST(test_tty_sigterm_restores)
{
	struct termios after;

	start(NULL, 0);
	fakeirc_send(&f,
	    ":mallory!m@chatd PRIVMSG #lobby :"
	    "a\033]0;title\007b\033[31mred");
	ck_assert(proc_wait(p, 0, "<mallory> a]0;titleb[31mred", 0) != NULL);
	ck_assert(strchr(p->obuf, '\007') == NULL);
	ck_assert(strstr(p->obuf, "\033]") == NULL);
	ck_assert(strstr(p->obuf, "\033[31m") == NULL);
	ck_assert(tcgetattr(p->slave, &after) == 0);
	ck_assert(!(after.c_lflag & ICANON)); /* raw while running */
	kill(p->pid, SIGTERM);
	ck_assert_int_eq(proc_exit(p), 128 + SIGTERM);
	ck_assert(tcgetattr(p->slave, &after) == 0);
	ck_assert(termios_same(&before, &after));
}
END_TEST

/* 464 with no password: asked for, not echoed, used to reconnect. */
START_TEST(test_tty_password_asked)
{
	const char *args[] = { "-n", "alice", "127.0.0.1", NULL, NULL };
	char port[16], line[FAKEIRC_LINE_MAX];

	snprintf(port, sizeof port, "%d", f.port);
	args[3] = port;
	proc_start_pty(p, args, 0);
	fakeirc_accept(&f);
	fakeirc_expect(&f, "USER ", NULL, 0);
	fakeirc_send(&f, ":chatd 464 * :Password incorrect");
	fakeirc_send(&f, "ERROR :Closing Link: password incorrect");
	fakeirc_drop(&f);
	ck_assert(proc_wait(p, 0, "password: ", 0) != NULL);
	proc_send(p, "s3cret\r");
	fakeirc_accept(&f);
	fakeirc_expect(&f, "CAP LS", NULL, 0);
	ck_assert_int_eq(
	    fakeirc_line(&f, line, sizeof line, CHATRUN_WAIT_MS), 1);
	ck_assert_str_eq(line, "PASS :s3cret");
	ck_assert_int_eq(
	    fakeirc_line(&f, line, sizeof line, CHATRUN_WAIT_MS), 1);
	ck_assert_str_eq(line, "NICK alice");
	ck_assert(strstr(p->obuf, "s3cret") == NULL); /* never echoed */
}
END_TEST

Suite *
test_suite(void)
{
	Suite *s = suite_create("client_tty");
	TCase *tc = tcase_create("tty");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, TEST_TIMEOUT);
	tcase_add_test(tc, test_tty_partial_line);
	tcase_add_test(tc, test_tty_reconnect_keeps_line);
	tcase_add_test(tc, test_tty_prompt_not_spoofed);
	tcase_add_test(tc, test_tty_prompt_follows);
	tcase_add_test(tc, test_tty_tab);
	tcase_add_test(tc, test_tty_highlight_bell);
	tcase_add_test(tc, test_tty_server_gone);
	tcase_add_test(tc, test_tty_sigterm_restores);
	tcase_add_test(tc, test_tty_password_asked);
	suite_add_tcase(s, tc);
	return s;
}
