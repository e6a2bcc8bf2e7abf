/* test_v2_v1.c: chatd-v1 lines the v2 rewrite could break and the v1
 * suites leave thin: the welcome's timing (v2 §1), the first line, EOF
 * before the welcome, room names ignoring case, arrival order. */
#define _DEFAULT_SOURCE
#include <sys/socket.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "check_main.h"
#include "harness.h"
#include "v2_util.h"

/* The guest number of a welcome line, or -1. */
static int
guest_of(const char *line)
{
	int n;

	return sscanf(v2_body(line), "-!- welcome to chatd, guest%d!", &n) ==
		    1 &&
		strstr(line, "! you are in #lobby; type /help for commands") !=
		    NULL ?
	    n :
	    -1;
}

/* Nothing sent: the welcome 500 ms after connecting (250 or 1000 fail);
 * a partial line does not count as the first line. */
START_TEST(test_welcome_after_500ms)
{
	struct srv s;
	struct conn *c;
	char line[512], want[128], bad[256] = "";
	long t0, took;
	int k, g;

	srv_start_ok(&s, NULL);
	for (k = 0; k < 2; k++) {
		t0 = harness_now_ms();
		c = conn_open(s.port);
		ck_assert_ptr_nonnull(c);
		if (k == 1)
			conn_send(c, "/ni");
		ck_assert_int_ge(conn_line(c, line, sizeof line, V2_WAIT), 0);
		took = harness_now_ms() - t0;
		fprintf(stderr, "welcome after %ld ms (%s)\n", took,
		    k == 0 ? "nothing sent" : "half a line sent");
		ck_assert_msg(
		    (g = guest_of(line)) >= 0, "first line: %s", line);
		if (took < 495 || took >= 950)
			snprintf(bad + strlen(bad), sizeof bad - strlen(bad),
			    " %s: %ld ms;",
			    k == 0 ? "nothing sent" : "half a line sent", took);
		if (k == 1) {
			conn_send(c, "ck zed\n");
			snprintf(want, sizeof want,
			    "-!- guest%d is now known as zed", g);
			ck_assert_msg(conn_expect(c, want, NULL, 0, V2_WAIT),
			    "no \"%s\"", want);
		}
		conn_close(c);
	}
	srv_stop_ok(&s);
	ck_assert_msg(bad[0] == '\0',
	    "PRODUCT: welcome not 500 ms after "
	    "connecting:%s",
	    bad);
}
END_TEST

/* A first line (a message, a command, an empty or an over-long one)
 * brings the welcome at once, and is then handled as usual. */
static const char *replay_off[] = { "--replay", "0", NULL };

START_TEST(test_first_line_brings_welcome)
{
	const char *first[] = { "hello there\n", "/who\n", "\n", "/nick\r\n",
		NULL };
	struct srv s;
	struct conn *w, *c;
	char line[4096], want[128], *big;
	long t0, took;
	int i, g;

	/* "hello there" goes into #lobby's history; the later joiners' replay
	 * of it (history-v1 §2) is not what this test watches. */
	srv_start_ok(&s, replay_off);
	w = v2_login(s.port, "watch");
	for (i = 0; first[i] != NULL; i++) {
		t0 = harness_now_ms();
		c = conn_open(s.port);
		ck_assert_ptr_nonnull(c);
		conn_send(c, first[i]);
		ck_assert_int_ge(conn_line(c, line, sizeof line, V2_WAIT), 0);
		took = harness_now_ms() - t0;
		ck_assert_msg((g = guest_of(line)) >= 0,
		    "PRODUCT: first line \"%s\": got %s before the welcome",
		    v2_show(first[i], strlen(first[i])), line);
		ck_assert_msg(took < 450,
		    "PRODUCT: first line \"%s\": welcome after %ld ms",
		    v2_show(first[i], strlen(first[i])), took);
		snprintf(want, sizeof want, "-!- guest%d has joined #lobby", g);
		v2_next(w, "watch", want);
		if (i == 0) {
			snprintf(want, sizeof want, "<guest%d> hello there", g);
			v2_next(w, "watch", want);
			ck_assert(conn_quiet(c, V2_QUIET));
		} else if (i == 1) {
			ck_assert(conn_expect(c,
			    "-!- 2 users in #lobby: @watch, "
			    "guest",
			    NULL, 0, V2_WAIT));
		} else if (i == 2) {
			ck_assert(conn_quiet(c, V2_QUIET));
		} else {
			v2_next(c, "guest", "-!- error: usage: /nick NAME");
		}
		conn_close(c);
		snprintf(want, sizeof want, "-!- guest%d has quit", g);
		ck_assert(conn_expect(w, want, NULL, 0, V2_WAIT));
	}
	/* An over-long first line: the welcome, then the error. */
	big = malloc(3002);
	memset(big, 'x', 3000);
	strcpy(big + 3000, "\n");
	c = conn_open(s.port);
	conn_send(c, big);
	free(big);
	ck_assert_int_ge(conn_line(c, line, sizeof line, V2_WAIT), 0);
	ck_assert_msg(guest_of(line) >= 0,
	    "PRODUCT: over-long first line: got %s before the welcome", line);
	v2_next(
	    c, "guest", "-!- error: line too long (max 2048 bytes), dropped");
	conn_send(c, "after it\n");
	ck_assert(conn_expect(w, "> after it", NULL, 0, V2_WAIT));
	conn_close(c);
	conn_close(w);
	srv_stop_ok(&s);
}
END_TEST

/* EOF before the welcome: the last unterminated line still counts. */
START_TEST(test_eof_before_welcome)
{
	struct srv s;
	struct conn *w, *c;
	char line[512], want[128];
	int g;

	srv_start_ok(&s, NULL);
	w = v2_login(s.port, "watch");
	c = conn_open(s.port);
	ck_assert_ptr_nonnull(c);
	conn_send(c, "my last words");
	shutdown(c->fd, SHUT_WR);
	ck_assert_int_ge(conn_line(c, line, sizeof line, V2_WAIT), 0);
	ck_assert_msg((g = guest_of(line)) >= 0, "PRODUCT: got %s", line);
	ck_assert(conn_eof(c, V2_WAIT));
	snprintf(want, sizeof want, "-!- guest%d has joined #lobby", g);
	v2_next(w, "watch", want);
	snprintf(want, sizeof want, "<guest%d> my last words", g);
	v2_next(w, "watch", want);
	snprintf(
	    want, sizeof want, "-!- guest%d has quit (connection closed)", g);
	v2_next(w, "watch", want);
	conn_close(c);
	conn_close(w);
	srv_stop_ok(&s);
}
END_TEST

/* Room names compare ignoring case; /who lists in order of arrival. */
START_TEST(test_rooms_ignore_case_and_arrival_order)
{
	struct srv s;
	struct conn *a, *b, *c;
	char line[512];

	srv_start_ok(&s, NULL);
	a = v2_login(s.port, "alice");
	b = v2_login(s.port, "bob");
	c = v2_login(s.port, "carol");
	v2_join(a, "alice", "dev");
	conn_send(b, "/join DEV\n");
	ck_assert_int_ge(
	    conn_expect(b, "-!- bob has joined #", line, sizeof line, V2_WAIT),
	    1);
	ck_assert_msg(strcasecmp(v2_body(line), "-!- bob has joined #dev") == 0,
	    "got %s", line);
	ck_assert(conn_expect(a, "-!- bob has joined #", NULL, 0, V2_WAIT));
	v2_reply(a, "/who\n", "-!- 2 users in #dev: @alice, bob");
	conn_send(a, "/join #Dev\n");
	ck_assert_int_ge(conn_line(a, line, sizeof line, V2_WAIT), 0);
	ck_assert_msg(strcasecmp(v2_body(line),
			  "-!- error: you are already in #dev") == 0,
	    "got %s", line);
	v2_sync(c);
	v2_reply(c, "/rooms\n", "-!- 2 rooms: #dev (2), #lobby (1)");
	/* Leaving and coming back puts one last. */
	v2_join(a, "alice", "lobby");
	v2_join(a, "alice", "dev");
	v2_sync(b);
	v2_reply(b, "/who\n", "-!- 2 users in #dev: @bob, alice");
	/* A quit is told to the leaver's room only. */
	v2_sync(c);
	v2_reply(a, "/quit\n", "-!- bye");
	v2_next(b, "bob", "-!- alice has quit (bye)");
	ck_assert(conn_quiet(c, V2_QUIET));
	conn_close(a);
	conn_close(b);
	conn_close(c);
	srv_stop_ok(&s);
}
END_TEST

Suite *
test_suite(void)
{
	Suite *s = suite_create("integ_v2_v1");
	TCase *tc = tcase_create("v2_v1");

	tcase_set_timeout(tc, TEST_TIMEOUT);
	tcase_add_test(tc, test_welcome_after_500ms);
	tcase_add_test(tc, test_first_line_brings_welcome);
	tcase_add_test(tc, test_eof_before_welcome);
	tcase_add_test(tc, test_rooms_ignore_case_and_arrival_order);
	suite_add_tcase(s, tc);
	return s;
}
