/* test_history_text.c: what a room remembers, as plain-text users see it (history-v1 §1, §2). */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_main.h"
#include "fixture.h"
#include "harness.h"

#define WAIT  5000
#define QUIET 300

/* Send n lines "tag-i" from c, read by r as they arrive; keep the full
 * lines r received (stamp included) in got[first..first+n). */
static void
say(struct conn *c, struct conn *r, const char *tag, int first, int n,
    char got[][128])
{
	char line[128], want[64];
	int i;

	for (i = first; i < first + n; i++) {
		snprintf(line, sizeof line, "%s-%d\n", tag, i);
		conn_send(c, line);
		snprintf(want, sizeof want, "%s-%d", tag, i);
		ck_assert_msg(conn_expect(r, want, got != NULL ? got[i] : NULL,
				  got != NULL ? 128 : 0, WAIT),
		    "%s never arrived", want);
	}
}

/* The next line is exactly full (stamp included). */
static void
next_exactly(struct conn *c, const char *full)
{
	char line[256];

	ck_assert_int_ge(conn_line(c, line, sizeof line, WAIT), 0);
	ck_assert_msg(strcmp(line, full) == 0, "want %s, got %s", full, line);
}

/* SIGUSR1's history counts (history-v1 §4): "history: E events, B bytes
 * in R rooms". */
static void
history_stats(struct fx *fx, long *events, long *bytes, long *rooms)
{
	size_t mark = srv_log_mark(&fx->srv);
	const char *p;

	ck_assert_int_eq(kill(fx->srv.pid, SIGUSR1), 0);
	p = srv_log_find(&fx->srv, mark, " history: ", WAIT);
	ck_assert_msg(p != NULL, "no history in the stats: %s", fx->srv.log);
	ck_assert_msg(sscanf(p, " history: %ld events, %ld bytes in %ld rooms",
			  events, bytes, rooms) == 3,
	    "cannot read the stats: %.120s", p);
}

/*
 * A late joiner gets, right after its join (the automatic #lobby too),
 * the last --replay lines of the room, byte for byte what the members
 * saw at the time, stamps included, between two notices.
 */
START_TEST(test_late_joiner_sees_last_lines)
{
	static char got[30][128];
	struct fx fx;
	struct conn *a, *b, *late;
	int i;

	fx_start(&fx, NULL, FX_USERS({ "alice", &a }, { "bob", &b }));
	say(a, b, "line", 0, 25, got);
	conn_send(a, "/me waves\n");
	ck_assert(conn_expect(b, "* alice waves", got[25], 128, WAIT));
	/* A new connection: welcome, then the replay of #lobby. */
	late = fx_open(&fx);
	ck_assert(conn_expect(late, "welcome to chatd", NULL, 0, WAIT));
	ck_assert(conn_next_is(late, "-!- last 20 messages in #lobby:", WAIT));
	for (i = 6; i <= 25; i++)
		next_exactly(late, got[i]);
	ck_assert(conn_next_is(late, "-!- end of history", WAIT));
	ck_assert(conn_quiet(late, QUIET));
	fx_stop(&fx);
}
END_TEST

/* /history [N], and a room with none. */
START_TEST(test_history_command)
{
	static char got[10][128];
	struct fx fx;
	struct conn *a, *b;

	fx_start(&fx, NULL, FX_USERS({ "alice", &a }, { "bob", &b }));
	conn_send(a, "/history\n");
	ck_assert(conn_next_is(a, "-!- no history in #lobby", WAIT));
	say(a, b, "x", 0, 10, got);
	conn_send(b, "/history 3\n");
	ck_assert(conn_next_is(b, "-!- last 3 messages in #lobby:", WAIT));
	next_exactly(b, got[7]);
	next_exactly(b, got[8]);
	next_exactly(b, got[9]);
	ck_assert(conn_next_is(b, "-!- end of history", WAIT));
	conn_send(b, "/history 1\n");
	ck_assert(conn_next_is(b, "-!- last 1 message in #lobby:", WAIT));
	next_exactly(b, got[9]);
	ck_assert(conn_next_is(b, "-!- end of history", WAIT));
	/* Without N: --replay (20), of which there are 10. */
	conn_send(b, "/history\n");
	ck_assert(conn_next_is(b, "-!- last 10 messages in #lobby:", WAIT));
	fx_stop(&fx);
}
END_TEST

/* --history N is exact per room: /history shows N, and no more are kept
 * (SIGUSR1 counts them); --replay 0 replays nothing. */
START_TEST(test_caps)
{
	const char *args[] = { "--history", "3", "--replay", "0", NULL };
	static char got[8][128];
	struct fx fx;
	struct conn *a, *b, *c;
	long events, bytes, rooms;

	fx_start(&fx, args, FX_USERS({ "alice", &a }, { "bob", &b }));
	say(a, b, "y", 0, 8, got);
	c = fx_login(&fx, "carol");
	ck_assert(conn_quiet(c, QUIET));
	conn_send(c, "/history 50\n");
	ck_assert(conn_next_is(c, "-!- last 3 messages in #lobby:", WAIT));
	next_exactly(c, got[5]);
	next_exactly(c, got[6]);
	next_exactly(c, got[7]);
	ck_assert(conn_next_is(c, "-!- end of history", WAIT));
	history_stats(&fx, &events, &bytes, &rooms);
	ck_assert_msg(events == 3, "--history 3: %ld events kept", events);
	fx_stop(&fx);
}
END_TEST

/* --history 0: nothing kept, nothing replayed. */
START_TEST(test_off)
{
	const char *args[] = { "--history", "0", NULL };
	struct fx fx;
	struct conn *a, *b, *c;

	fx_start(&fx, args, FX_USERS({ "alice", &a }, { "bob", &b }));
	say(a, b, "z", 0, 3, NULL);
	c = fx_login(&fx, "carol");
	ck_assert(conn_quiet(c, QUIET));
	conn_send(c, "/history\n");
	ck_assert(conn_next_is(c, "-!- no history in #lobby", WAIT));
	fx_stop(&fx);
}
END_TEST

/* A room's history outlives the room; joins, private messages and other
 * rooms' lines are not in it. */
START_TEST(test_outlives_room)
{
	static char got[2][128];
	struct fx fx;
	struct conn *a, *b;

	fx_start(&fx, NULL, FX_USERS({ "alice", &a }, { "bob", &b }));
	conn_send(a, "/join dev\n");
	ck_assert(conn_expect(a, "alice has joined #dev", NULL, 0, WAIT));
	conn_send(b, "/join dev\n");
	ck_assert(conn_expect(a, "bob has joined #dev", NULL, 0, WAIT));
	say(a, b, "dev", 0, 2, got);
	conn_send(a, "/msg bob secret\n");
	ck_assert(conn_expect(b, "*alice* secret", NULL, 0, WAIT));
	/* Both leave: #dev is gone, its history is not. */
	conn_send(a, "/join lobby\n");
	ck_assert(conn_expect(a, "alice has joined #lobby", NULL, 0, WAIT));
	conn_send(b, "/join lobby\n");
	ck_assert(conn_expect(b, "bob has joined #lobby", NULL, 0, WAIT));
	conn_send(a, "/rooms\n");
	ck_assert(conn_expect(a, "-!- 1 room: #lobby (2)", NULL, 0, WAIT));
	conn_send(a, "/join DEV\n");
	ck_assert(conn_expect(a, "alice has joined #DEV", NULL, 0, WAIT));
	ck_assert(conn_next_is(a, "-!- last 2 messages in #DEV:", WAIT));
	next_exactly(a, got[0]);
	next_exactly(a, got[1]);
	ck_assert(conn_next_is(a, "-!- end of history", WAIT));
	ck_assert(conn_quiet(a, QUIET));
	fx_stop(&fx);
}
END_TEST

/*
 * --history-memory B: all rooms' history together holds at most B bytes
 * (SIGUSR1's count, history-v1 §4), the oldest events going first across
 * rooms (§1); and the cap is what holds them back, so it is nearly full.
 * 30 lines of about 1 KB in #dev, then 150 in #lobby, with B = 64K and
 * --history 1000: #dev's go first, then #lobby's oldest.
 */
START_TEST(test_memory_cap)
{
	const char *args[] = { "--history", "1000", "--history-memory", "64K",
		"--replay", "0", NULL };
	const long cap = 64 * 1024, n = 150;
	char line[1200], want[64];
	struct fx fx;
	struct conn *a, *b, *c;
	long events, bytes, rooms, i;

	fx_start(&fx, args, FX_USERS({ "alice", &a }, { "bob", &b }));
	conn_send(a, "/join dev\n");
	ck_assert(conn_expect(a, "alice has joined #dev", NULL, 0, WAIT));
	conn_send(b, "/join dev\n");
	ck_assert(conn_expect(a, "bob has joined #dev", NULL, 0, WAIT));
	say(a, b, "dev", 0, 30, NULL);
	conn_send(a, "/join lobby\n");
	ck_assert(conn_expect(a, "alice has joined #lobby", NULL, 0, WAIT));
	conn_send(b, "/join lobby\n");
	ck_assert(conn_expect(a, "bob has joined #lobby", NULL, 0, WAIT));
	memset(line, 'x', sizeof line);
	for (i = 0; i < n; i++) {
		snprintf(want, sizeof want, "big-%ld ", i);
		memcpy(line, want, strlen(want));
		line[1000] = '\n';
		line[1001] = '\0';
		conn_send(a, line);
		ck_assert_msg(conn_expect(b, want, NULL, 0, WAIT),
		    "%s never arrived", want);
	}
	history_stats(&fx, &events, &bytes, &rooms);
	ck_assert_msg(bytes <= cap,
	    "--history-memory 64K: %ld bytes of history held", bytes);
	ck_assert_msg(bytes >= cap * 3 / 4,
	    "--history-memory 64K: only %ld bytes held after %ld KB of lines",
	    bytes, n);
	ck_assert_msg(rooms == 1 && events > 0 && events < n,
	    "%ld events in %ld rooms: #dev's older ones should have gone "
	    "first",
	    events, rooms);
	/* What is left of #lobby is its newest. */
	c = fx_login(&fx, "carol");
	conn_send(c, "/history 1000\n");
	snprintf(want, sizeof want, "-!- last %ld messages in #lobby:", events);
	ck_assert(conn_next_is(c, want, WAIT));
	ck_assert_int_ge(conn_line(c, line, sizeof line, WAIT), 0);
	snprintf(want, sizeof want, "<alice> big-%ld x", n - events);
	ck_assert_msg(line_body(line) != NULL &&
		strncmp(line_body(line), want, strlen(want)) == 0,
	    "want %s..., got %.60s", want, line);
	fx_stop(&fx);
}
END_TEST

/* SIGUSR1 reports what is held (history-v1 §4). */
START_TEST(test_stats)
{
	struct fx fx;
	struct conn *a, *b;

	fx_start(&fx, NULL, FX_USERS({ "alice", &a }, { "bob", &b }));
	say(a, b, "s", 0, 4, NULL);
	ck_assert_int_eq(kill(fx.srv.pid, SIGUSR1), 0);
	ck_assert(srv_log_has(&fx.srv, "history: 4 events, ", WAIT));
	ck_assert(srv_log_has(&fx.srv, " bytes in 1 rooms", WAIT));
	fx_stop(&fx);
}
END_TEST

Suite *
test_suite(void)
{
	Suite *s = suite_create("history_text");
	TCase *tc = tcase_create("replay");

	tcase_set_timeout(tc, TEST_TIMEOUT);
	tcase_add_test(tc, test_late_joiner_sees_last_lines);
	tcase_add_test(tc, test_history_command);
	tcase_add_test(tc, test_caps);
	tcase_add_test(tc, test_off);
	tcase_add_test(tc, test_outlives_room);
	tcase_add_test(tc, test_memory_cap);
	tcase_add_test(tc, test_stats);
	suite_add_tcase(s, tc);
	return s;
}
