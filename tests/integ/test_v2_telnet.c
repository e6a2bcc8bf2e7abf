/* test_v2_telnet.c: chatd-v2 §3, telnet commands interpreted and never
 * passed on, on the real chatd. */
#define _DEFAULT_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check_main.h"
#include "harness.h"
#include "v2_util.h"

#define R "\xef\xbf\xbd" /* U+FFFD */

/* Telnet: IAC and the commands. */
#define IAC  "\xff"
#define DONT "\xfe"
#define DO   "\xfd"
#define WONT "\xfc"
#define WILL "\xfb"
#define SB   "\xfa"
#define SE   "\xf0"

#define RAWCAP 65536

/* Send a literal that may hold NUL bytes. */
#define SEND_LIT(c, lit) conn_send_raw(c, lit, sizeof lit - 1)

/* Everything c receives until it has been quiet for quiet ms. */
static char *
collect(struct conn *c, size_t *n, int quiet)
{
	char *buf = malloc(RAWCAP);
	int eof;

	ck_assert_ptr_nonnull(buf);
	*n = v2_raw(c, buf, RAWCAP, quiet, 4000, &eof);
	return buf;
}

/* seq (3 bytes) occurs exactly times times in buf. */
static void
want_count(
    const char *buf, size_t n, const char *seq, int times, const char *what)
{
	int k = v2_count(buf, n, seq, 3);

	ck_assert_msg(k == times,
	    "PRODUCT? %s: %s seen %d times, want %d; got %s", what,
	    v2_show(seq, 3), k, times, v2_show(buf, n));
}

START_TEST(test_options_refused_once)
{
	struct srv s;
	struct conn *t;
	size_t n;
	char *buf;

	srv_start_ok(&s, NULL);
	t = conn_open(s.port);
	ck_assert_ptr_nonnull(t);
	/* What a telnet client sends on connecting, twice, and both
	 * directions of ECHO and SGA; DONT and WONT need no answer. */
	conn_send(t,
	    IAC DO "\x01" IAC WILL "\x03" IAC DO "\x1f" IAC WILL "\x18" IAC DO
		   "\x01" IAC WILL "\x03" IAC WILL "\x01" IAC DO "\x03" IAC DONT
		   "\x05" IAC WONT "\x05"
		   "/nick tel\r\n");
	buf = collect(t, &n, 700);
	want_count(buf, n, IAC WONT "\x01", 1, "DO ECHO (sent twice)");
	want_count(buf, n, IAC DONT "\x03", 1, "WILL SGA (sent twice)");
	want_count(buf, n, IAC WONT "\x1f", 1, "DO NAWS");
	want_count(buf, n, IAC DONT "\x18", 1, "WILL TTYPE");
	want_count(buf, n, IAC DONT "\x01", 1, "WILL ECHO");
	want_count(buf, n, IAC WONT "\x03", 1, "DO SGA");
	ck_assert_msg(v2_count(buf, n, IAC, 1) == 6,
	    "PRODUCT? want exactly 6 IAC bytes (answers), got %s",
	    v2_show(buf, n));
	ck_assert_msg(strstr(buf, "-!- welcome to chatd, guest") != NULL &&
		strstr(buf, " is now known as tel\n") != NULL,
	    "the session did not start: %s", v2_show(buf, n));
	free(buf);
	/* Asked again later: still no second answer. */
	conn_send(t,
	    IAC DO "\x01" IAC WILL "\x03"
		   "/who\n");
	buf = collect(t, &n, 500);
	ck_assert_msg(v2_count(buf, n, IAC, 1) == 0,
	    "PRODUCT? options answered a second time: %s", v2_show(buf, n));
	ck_assert_msg(strstr(buf, "-!- 1 user in #lobby: @tel\n") != NULL,
	    "got %s", v2_show(buf, n));
	free(buf);
	conn_close(t);
	srv_stop_ok(&s);
}
END_TEST

START_TEST(test_timing_mark_every_time)
{
	struct srv s;
	struct conn *t;
	size_t n;
	char *buf;
	int i;

	srv_start_ok(&s, NULL);
	t = v2_login(s.port, "tel");
	for (i = 0; i < 3; i++) {
		conn_send(t, IAC DO "\x06");
		buf = collect(t, &n, 400);
		ck_assert_msg(n == 3 && memcmp(buf, IAC WONT "\x06", 3) == 0,
		    "PRODUCT? DO TIMING-MARK #%d: want IAC WONT TM, got %s",
		    i + 1, v2_show(buf, n));
		free(buf);
	}
	conn_close(t);
	srv_stop_ok(&s);
}
END_TEST

/* tel sends raw; bob must receive exactly the line want. */
static void
relay(struct conn *tel, struct conn *bob, const char *raw, size_t n,
    const char *want)
{
	char line[8192], got[4096];

	conn_send_raw(tel, raw, n);
	ck_assert_msg(conn_line(bob, line, sizeof line, V2_WAIT) >= 0,
	    "PRODUCT? sent %s, want %s, got nothing", v2_show(raw, n), want);
	snprintf(got, sizeof got, "%s", v2_show(line, strlen(line)));
	ck_assert_msg(strcmp(v2_body(line), want) == 0,
	    "PRODUCT? sent %s: want \"%s\", got \"%s\"", v2_show(raw, n), want,
	    got);
}
#define RELAY(t, b, lit, want) relay(t, b, lit, sizeof lit - 1, want)

START_TEST(test_commands_removed)
{
	struct srv s;
	struct conn *t, *b;
	size_t n;
	char *buf;

	srv_start_ok(&s, NULL);
	t = v2_login(s.port, "tel");
	b = v2_login(s.port, "bob");
	ck_assert(conn_expect(t, "is now known as bob", NULL, 0, V2_WAIT));
	/* The one-byte commands: NOP, IP, AO, AYT, BRK, GA, EC, EL, DM, EOR. */
	RELAY(t, b,
	    "a" IAC "\xf1"
	    "b" IAC "\xf4"
	    "c" IAC "\xf5"
	    "d" IAC "\xf6"
	    "e" IAC "\xf3"
	    "f" IAC "\xf9"
	    "g" IAC "\xf7"
	    "h" IAC "\xf8"
	    "i" IAC "\xf2"
	    "j" IAC "\xef"
	    "k\n",
	    "<tel> abcdefghijk");
	/* Subnegotiation skipped, an IAC IAC inside it too. */
	RELAY(t, b,
	    "x" IAC SB "\x18\x00"
	    "xterm" IAC SE "y\n",
	    "<tel> xy");
	RELAY(t, b, "x" IAC SB "\x1f\x00" IAC IAC "\x00\x18" IAC SE "y\n",
	    "<tel> xy");
	/* IAC IAC is a literal 0xFF, which is not UTF-8. */
	RELAY(t, b, "a" IAC IAC "b\n", "<tel> a" R "b");
	RELAY(t, b, IAC IAC IAC IAC "\n", "<tel> " R R);
	/* IAC and any other byte: both dropped. */
	RELAY(t, b, "x" IAC "Ay\n", "<tel> xy");
	RELAY(t, b,
	    "x" IAC "\x00"
	    "y\n",
	    "<tel> xy");
	RELAY(t, b, "x" IAC SE "y\n", "<tel> xy");
	RELAY(t, b,
	    "x" IAC "\xc3\xa9"
	    "y\n",
	    "<tel> x" R "y");
	/* A DO in mid-line is answered and removed. */
	RELAY(t, b,
	    "he" IAC DO "\x22"
	    "llo\n",
	    "<tel> hello");
	buf = collect(t, &n, 300);
	ck_assert_msg(n == 3 && memcmp(buf, IAC WONT "\x22", 3) == 0,
	    "PRODUCT? DO LINEMODE mid-line: got %s", v2_show(buf, n));
	free(buf);
	/* Split over writes. */
	conn_send(t, "sp" IAC);
	usleep(50000);
	conn_send(t, WILL);
	usleep(50000);
	conn_send(t,
	    "\x27"
	    "li");
	usleep(50000);
	conn_send(t, IAC SB "\x18");
	usleep(50000);
	conn_send(t, "\x01" IAC);
	usleep(50000);
	RELAY(t, b, SE "t\n", "<tel> split");
	buf = collect(t, &n, 300);
	ck_assert_msg(n == 3 && memcmp(buf, IAC DONT "\x27", 3) == 0,
	    "PRODUCT? split WILL NEW-ENVIRON: got %s", v2_show(buf, n));
	free(buf);
	/* In a command, and in a private message. */
	RELAY(t, b,
	    "/ni" IAC "\xf1"
	    "ck tel2\n",
	    "-!- tel is now known as tel2");
	RELAY(t, b,
	    "/msg bob p" IAC "\xf9"
	    "s" IAC SB "\x18" IAC SE "st\n",
	    "*tel2* psst");
	ck_assert(conn_quiet(b, V2_QUIET));
	conn_close(t);
	conn_close(b);
	srv_stop_ok(&s);
}
END_TEST

START_TEST(test_ctrl_c)
{
	struct srv s;
	struct conn *t, *b;
	size_t n;
	char *buf;
	int i;

	srv_start_ok(&s, NULL);
	t = v2_login(s.port, "tel");
	b = v2_login(s.port, "bob");
	ck_assert(conn_expect(t, "is now known as bob", NULL, 0, V2_WAIT));
	for (i = 0; i < 2; i++) {
		conn_send(t, IAC "\xf4" IAC DO "\x06");
		buf = collect(t, &n, 400);
		ck_assert_msg(n == 3 && memcmp(buf, IAC WONT "\x06", 3) == 0,
		    "PRODUCT? Ctrl-C #%d: want IAC WONT TM only, got %s", i + 1,
		    v2_show(buf, n));
		free(buf);
		ck_assert_msg(conn_quiet(b, V2_QUIET),
		    "PRODUCT? Ctrl-C relayed something");
		/* The session goes on both ways. */
		conn_send(b, "still there?\n");
		ck_assert(conn_next_is(t, "<bob> still there?", V2_WAIT));
		conn_send(t, "yes\r\n");
		ck_assert(conn_next_is(b, "<tel> yes", V2_WAIT));
	}
	v2_reply(t, "/who\n", "-!- 2 users in #lobby: @tel, bob");
	conn_close(t);
	conn_close(b);
	srv_stop_ok(&s);
}
END_TEST

/* A client that never sends IAC never receives one, however busy the
 * telnet users around it are; and no IAC reaches anyone else. */
START_TEST(test_no_iac_unless_sent)
{
	struct srv s;
	struct conn *p, *t, *q;
	size_t n, m;
	char *buf, *tbuf;

	srv_start_ok(&s, NULL);
	/* Nothing sent: the welcome after 500 ms, and no negotiation. */
	q = conn_open(s.port);
	ck_assert_ptr_nonnull(q);
	buf = collect(q, &n, 1200);
	ck_assert_msg(strstr(buf, "-!- welcome to chatd") != NULL,
	    "no welcome: %s", v2_show(buf, n));
	ck_assert_msg(memchr(buf, 0xff, n) == NULL,
	    "PRODUCT? a silent client received IAC: %s", v2_show(buf, n));
	free(buf);
	p = v2_login(s.port, "plain");
	t = v2_login(s.port, "tel");
	conn_send(t,
	    IAC DO "\x01" IAC WILL "\x1f" IAC DO "\x06"
		   "hi" IAC IAC " all" IAC "\xf4"
		   "\n");
	SEND_LIT(t,
	    "/me " IAC SB "\x1f\x00\x50\x00\x18" IAC SE "waves" IAC DO
	    "\x06\n");
	conn_send(t,
	    "/msg plain " IAC "\xf6"
	    "psst\n/nick te" IAC IAC "x\n");
	conn_send(t,
	    "/quit by" IAC DO "\x06"
	    "e\n");
	tbuf = collect(t, &m, 700);
	ck_assert_msg(v2_count(tbuf, m, IAC, 1) == 5,
	    "PRODUCT? the telnet user got %s", v2_show(tbuf, m));
	free(tbuf);
	conn_send(p,
	    IAC "\xf1"
		"\n/who\n");
	buf = collect(p, &n, 700);
	ck_assert_msg(strstr(buf, "<tel> hi" R " all\n") != NULL &&
		strstr(buf, "* tel waves\n") != NULL &&
		strstr(buf, "*tel* psst\n") != NULL &&
		strstr(buf, "-!- tel has quit (bye)\n") != NULL,
	    "plain got %s", v2_show(buf, n));
	ck_assert_msg(memchr(buf, 0xff, n) == NULL,
	    "PRODUCT? IAC reached another user: %s", v2_show(buf, n));
	ck_assert_msg(strstr(buf, "-!- 2 users in #lobby: ") != NULL,
	    "plain got %s", v2_show(buf, n));
	free(buf);
	conn_close(p);
	conn_close(t);
	conn_close(q);
	srv_stop_ok(&s);
}
END_TEST

Suite *
test_suite(void)
{
	Suite *s = suite_create("integ_v2_telnet");
	TCase *tc = tcase_create("v2_telnet");

	tcase_set_timeout(tc, TEST_TIMEOUT);
	tcase_add_test(tc, test_options_refused_once);
	tcase_add_test(tc, test_timing_mark_every_time);
	tcase_add_test(tc, test_commands_removed);
	tcase_add_test(tc, test_ctrl_c);
	tcase_add_test(tc, test_no_iac_unless_sent);
	suite_add_tcase(s, tc);
	return s;
}
