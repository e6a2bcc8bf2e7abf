/*
 * test_irc_history.c: CHATHISTORY (history-v1 §3): every subcommand at
 * its bounds, by msgid and by timestamp, equal times, unknown and evicted
 * ids, every FAIL, TARGETS, and a client paging back through 250
 * messages. What the batches hold is checked against what a member got
 * live, line for line (irc_hist.h).
 */
#include "irc_hist.h"

/* The room of most tests, its sender and its reader (both in it). */
#define ROOM   "#h"
/* Ten events at least 3 ms apart: a timestamp fits between any two. */
#define GAP_MS 3

static struct hist_log L;

/* chatd with args; s (an IRC user without caps) and r (HIST_CAPS) in
 * ROOM; n messages from s, gap ms apart, in L. */
static void
start(struct srv *srv, const char *const *args, struct ircc **s,
    struct ircc **r, int n, int gap)
{
	irc_srv_start(srv, args);
	*s = irc_user(srv->port, "sam");
	*r = irc_register(srv->port, "rita", HIST_CAPS, (char *)NULL);
	irc_send(*s, "JOIN " ROOM);
	irc_until(*s, "366");
	irc_send(*r, "JOIN " ROOM);
	irc_until(*r, "366");
	irc_nothing(*r);
	L.n = 0;
	hist_say(&L, *s, *r, ROOM, "m", n, gap);
}

/* "msgid=<id of event i>" */
static const char *
id(int i)
{
	static char buf[4][80];
	static int k;

	k = (k + 1) % 4;
	snprintf(buf[k], sizeof buf[k], "msgid=%s", L.ev[i].msgid);
	return buf[k];
}

/* The timestamp of event i, plus d ms. */
static const char *
ts(int i, long long d)
{
	static char buf[4][64];
	static int k;

	k = (k + 1) % 4;
	return hist_ts(buf[k], L.ev[i].ms + d, 0);
}

/* LATEST, BEFORE and AFTER: bounds exclusive, at most LIMIT, oldest
 * first; by msgid and by timestamp, on an event and between two. */
START_TEST(test_latest_before_after)
{
	struct srv srv;
	struct ircc *s, *r;
	struct hist_batch b = { 0 };

	start(&srv, NULL, &s, &r, 10, GAP_MS);
	hist_ask(r, &b, "LATEST %s * 3", ROOM);
	ck_assert_str_eq(b.target, ROOM);
	hist_is(&b, &L, 7, 10);
	hist_ask(r, &b, "LATEST %s * 10", ROOM);
	hist_is(&b, &L, 0, 10);
	hist_ask(r, &b, "latest %s * 1000", ROOM);
	hist_is(&b, &L, 0, 10);
	hist_ask(r, &b, "LATEST %s * 0", ROOM);
	hist_is(&b, &L, 0, 0);
	/* LATEST after a reference: the newest of those after it. */
	hist_ask(r, &b, "LATEST %s %s 100", ROOM, id(6));
	hist_is(&b, &L, 7, 10);
	hist_ask(r, &b, "LATEST %s %s 2", ROOM, id(6));
	hist_is(&b, &L, 8, 10);
	hist_ask(r, &b, "LATEST %s %s 5", ROOM, id(9));
	hist_is(&b, &L, 0, 0);
	hist_ask(r, &b, "LATEST %s %s 100", ROOM, ts(5, -1));
	hist_is(&b, &L, 5, 10);
	hist_ask(r, &b, "LATEST %s %s 100", ROOM, ts(5, 0));
	hist_is(&b, &L, 6, 10);
	/* BEFORE: the closest LIMIT before, the reference not included. */
	hist_ask(r, &b, "BEFORE %s %s 3", ROOM, id(5));
	hist_is(&b, &L, 2, 5);
	hist_ask(r, &b, "BEFORE %s %s 100", ROOM, id(5));
	hist_is(&b, &L, 0, 5);
	hist_ask(r, &b, "BEFORE %s %s 10", ROOM, id(0));
	hist_is(&b, &L, 0, 0);
	hist_ask(r, &b, "BEFORE %s %s 100", ROOM, ts(5, 0));
	hist_is(&b, &L, 0, 5);
	hist_ask(r, &b, "BEFORE %s %s 2", ROOM, ts(5, 1));
	hist_is(&b, &L, 4, 6);
	hist_ask(r, &b, "BEFORE %s %s 100", ROOM, ts(0, 0));
	hist_is(&b, &L, 0, 0);
	/* AFTER: the first LIMIT after, the reference not included. */
	hist_ask(r, &b, "AFTER %s %s 3", ROOM, id(5));
	hist_is(&b, &L, 6, 9);
	hist_ask(r, &b, "AFTER %s %s 100", ROOM, id(9));
	hist_is(&b, &L, 0, 0);
	hist_ask(r, &b, "AFTER %s %s 100", ROOM, ts(5, 0));
	hist_is(&b, &L, 6, 10);
	hist_ask(r, &b, "AFTER %s %s 2", ROOM, ts(5, -1));
	hist_is(&b, &L, 5, 7);
	hist_ask(r, &b, "AFTER %s %s 100", ROOM, ts(9, 0));
	hist_is(&b, &L, 0, 0);
	/* A timestamp without milliseconds: a whole second before all. */
	{
		char early[64];

		hist_ts(early, (L.ev[0].ms / 1000 - 1) * 1000, 1);
		hist_ask(r, &b, "AFTER %s %s 100", ROOM, early);
		hist_is(&b, &L, 0, 10);
	}
	irc_nothing(r);
	hist_batch_free(&b);
	srv_stop_ok(&srv);
}
END_TEST

/* AROUND centres on its reference (LIMIT 1: the event itself; 3: one
 * each side), shifting at the ends; BETWEEN either way, exclusive. */
START_TEST(test_around_between)
{
	struct srv srv;
	struct ircc *s, *r;
	struct hist_batch b = { 0 };

	start(&srv, NULL, &s, &r, 10, GAP_MS);
	hist_ask(r, &b, "AROUND %s %s 1", ROOM, id(5));
	hist_is(&b, &L, 5, 6);
	hist_ask(r, &b, "AROUND %s %s 3", ROOM, id(5));
	hist_is(&b, &L, 4, 7);
	hist_ask(r, &b, "AROUND %s %s 4", ROOM, id(5));
	hist_is(&b, &L, 4, 8);
	hist_ask(r, &b, "AROUND %s %s 3", ROOM, id(0));
	hist_is(&b, &L, 0, 3);
	hist_ask(r, &b, "AROUND %s %s 3", ROOM, id(9));
	hist_is(&b, &L, 7, 10);
	hist_ask(r, &b, "AROUND %s %s 100", ROOM, id(5));
	hist_is(&b, &L, 0, 10);
	/* By time: LIMIT / 2 before it, the rest from it on. */
	hist_ask(r, &b, "AROUND %s %s 1", ROOM, ts(5, 0));
	hist_is(&b, &L, 5, 6);
	hist_ask(r, &b, "AROUND %s %s 3", ROOM, ts(5, 0));
	hist_is(&b, &L, 4, 7);
	hist_ask(r, &b, "AROUND %s %s 2", ROOM, ts(5, -1));
	hist_is(&b, &L, 4, 6);
	/* BETWEEN: strictly between, from the first reference on. */
	hist_ask(r, &b, "BETWEEN %s %s %s 100", ROOM, id(2), id(7));
	hist_is(&b, &L, 3, 7);
	hist_ask(r, &b, "BETWEEN %s %s %s 2", ROOM, id(2), id(7));
	hist_is(&b, &L, 3, 5);
	hist_ask(r, &b, "BETWEEN %s %s %s 2", ROOM, id(7), id(2));
	hist_is(&b, &L, 5, 7);
	hist_ask(r, &b, "BETWEEN %s %s %s 100", ROOM, ts(2, 0), ts(7, 0));
	hist_is(&b, &L, 3, 7);
	hist_ask(r, &b, "BETWEEN %s %s %s 100", ROOM, ts(2, -1), id(7));
	hist_is(&b, &L, 2, 7);
	hist_ask(r, &b, "BETWEEN %s %s %s 100", ROOM, id(2), id(3));
	hist_is(&b, &L, 0, 0);
	hist_ask(r, &b, "BETWEEN %s %s %s 100", ROOM, id(2), id(2));
	hist_is(&b, &L, 0, 0);
	irc_nothing(r);
	hist_batch_free(&b);
	srv_stop_ok(&srv);
}
END_TEST

/* Events that share a millisecond: a timestamp bound excludes them all,
 * whichever side; AROUND from that time starts with the first of them. */
START_TEST(test_equal_timestamps)
{
	const char *args[] = { "--history", "300", "--rate", "0", NULL };
	struct srv srv;
	struct ircc *s, *r;
	struct hist_batch b = { 0 };
	char burst[2048];
	int i, try, k = -1, j, e;

	start(&srv, args, &s, &r, 2, GAP_MS);
	/* Bursts of 8 lines in one write: handled in one pass, mostly in
	 * one millisecond. Look for two neighbours with one time. */
	for (try = 0; try < 20 && k < 0; try++) {
		burst[0] = '\0';
		for (i = 0; i < 8; i++)
			snprintf(burst + strlen(burst),
			    sizeof burst - strlen(burst),
			    "PRIVMSG %s :b-%d-%d\r\n", ROOM, try, i);
		usleep(GAP_MS * 1000);
		irc_send_raw(s, burst, strlen(burst));
		for (i = 0; i < 8; i++)
			hist_record(&L, r, 1);
		for (i = L.n - 8; i < L.n - 1 && k < 0; i++)
			if (L.ev[i].ms == L.ev[i + 1].ms)
				k = i;
	}
	if (k < 0) {
		irc_skip("test_equal_timestamps",
		    "no two events shared a millisecond in 20 bursts");
		srv_stop_ok(&srv);
		return;
	}
	/* The run of events at that time: [j, e). */
	for (j = k; j > 0 && L.ev[j - 1].ms == L.ev[k].ms; j--)
		;
	for (e = k; e < L.n && L.ev[e].ms == L.ev[k].ms; e++)
		;
	hist_ask(r, &b, "BEFORE %s %s 300", ROOM, ts(k, 0));
	hist_is(&b, &L, 0, j);
	hist_ask(r, &b, "AFTER %s %s 300", ROOM, ts(k, 0));
	hist_is(&b, &L, e, L.n);
	hist_ask(r, &b, "LATEST %s %s 300", ROOM, ts(k, 0));
	hist_is(&b, &L, e, L.n);
	hist_ask(r, &b, "BETWEEN %s %s %s 300", ROOM, ts(k, 0), ts(k, 0));
	hist_is(&b, &L, 0, 0);
	hist_ask(r, &b, "BETWEEN %s %s %s 300", ROOM, ts(k, -1), ts(k, 1));
	hist_is(&b, &L, j, e);
	hist_ask(r, &b, "AROUND %s %s 1", ROOM, ts(k, 0));
	hist_is(&b, &L, j, j + 1);
	/* By msgid, neighbours at one time are still apart. */
	hist_ask(r, &b, "AFTER %s %s 1", ROOM, id(k));
	hist_is(&b, &L, k + 1, k + 2);
	hist_ask(r, &b, "BEFORE %s %s 1", ROOM, id(k + 1));
	hist_is(&b, &L, k, k + 1);
	hist_batch_free(&b);
	srv_stop_ok(&srv);
}
END_TEST

/* An id that is not one of this server's, one it never gave, one
 * evicted: an empty batch. Never more than --history. */
START_TEST(test_unknown_and_evicted)
{
	const char *args[] = { "--history", "5", NULL };
	struct srv srv;
	struct ircc *s, *r;
	struct hist_batch b = { 0 };
	char never[80];
	size_t n;

	start(&srv, args, &s, &r, 8, 0);
	hist_ask(r, &b, "AFTER %s msgid=nope 10", ROOM);
	hist_is(&b, &L, 0, 0);
	hist_ask(r, &b, "AROUND %s msgid=%s 10", ROOM, "0123456789");
	hist_is(&b, &L, 0, 0);
	/* This server's form, an id past every one given. */
	snprintf(never, sizeof never, "%s", L.ev[7].msgid);
	n = strlen(never);
	memcpy(never + n - 4, "ffff", 4);
	hist_ask(r, &b, "BEFORE %s msgid=%s 10", ROOM, never);
	hist_is(&b, &L, 0, 0);
	/* The oldest three are gone. */
	hist_ask(r, &b, "AFTER %s %s 10", ROOM, id(0));
	hist_is(&b, &L, 0, 0);
	hist_ask(r, &b, "BETWEEN %s %s %s 10", ROOM, id(2), id(7));
	hist_is(&b, &L, 0, 0);
	hist_ask(r, &b, "AFTER %s %s 10", ROOM, id(3));
	hist_is(&b, &L, 4, 8);
	hist_ask(r, &b, "LATEST %s * 100", ROOM);
	hist_is(&b, &L, 3, 8);
	hist_ask(r, &b, "BEFORE %s %s 100", ROOM, ts(7, 1));
	hist_is(&b, &L, 3, 8);
	irc_nothing(r);
	hist_batch_free(&b);
	srv_stop_ok(&srv);
}
END_TEST

/* Each FAIL, alone; never a 461. */
START_TEST(test_fails)
{
	static const char *const invalid_params[][2] = {
		{ "", "*" },
		{ "LATEST", "LATEST" },
		{ "LATEST #h", "LATEST" },
		{ "LATEST #h *", "LATEST" },
		{ "LATEST #h * 10 more", "LATEST" },
		{ "BEFORE #h * 10", "BEFORE" },
		{ "AFTER #h x 10", "AFTER" },
		{ "AFTER #h msgid= 10", "AFTER" },
		{ "around #h timestamp=yesterday 10", "around" },
		{ "AROUND #h timestamp=2026-12-01T11:58:01.123 10", "AROUND" },
		{ "BEFORE #h msgid=x ten", "BEFORE" },
		{ "BEFORE #h msgid=x -1", "BEFORE" },
		{ "BEFORE #h msgid=x +1", "BEFORE" },
		{ "BETWEEN #h msgid=x 10", "BETWEEN" },
		{ "BETWEEN #h * msgid=x 10", "BETWEEN" },
		{ "TARGETS timestamp=2026-12-01T11:58:01Z 10", "TARGETS" },
		{ "TARGETS msgid=x timestamp=2026-12-01T11:58:01Z 10",
		    "TARGETS" },
		{ "TARGETS * timestamp=2026-12-01T11:58:01Z 10", "TARGETS" },
	};
	static const char *const invalid_target[][3] = {
		{ "LATEST", "bob", "LATEST bob * 10" },
		{ "LATEST", "*", "LATEST * * 10" },
		{ "BEFORE", "#nosuch", "BEFORE #nosuch msgid=x 10" },
		{ "AFTER", "#bad!name", "AFTER #bad!name msgid=x 10" },
		{ "AROUND", "#other", "AROUND #other msgid=x 10" },
		{ "BETWEEN", "#other", "BETWEEN #other msgid=x msgid=y 9" },
	};
	struct srv srv;
	struct ircc *s, *r, *o;
	size_t i;

	start(&srv, NULL, &s, &r, 1, 0);
	o = irc_user(srv.port, "otto");
	irc_send(o, "JOIN #other");
	irc_until(o, "366");
	/* BETWEEN's '*' is checked before the target: INVALID_PARAMS. */
	irc_send(r, "CHATHISTORY BETWEEN #other * * 10");
	irc_want(r, ":chatd FAIL CHATHISTORY INVALID_PARAMS BETWEEN :" ANY);
	for (i = 0; i < sizeof invalid_params / sizeof invalid_params[0]; i++) {
		irc_send(r, "CHATHISTORY %s", invalid_params[i][0]);
		irc_want(r, ":chatd FAIL CHATHISTORY INVALID_PARAMS %s :" ANY,
		    invalid_params[i][1]);
		irc_nothing(r);
	}
	irc_send(r, "CHATHISTORY FETCH #h * 10");
	irc_want(r, ":chatd FAIL CHATHISTORY INVALID_COMMAND FETCH :" ANY);
	irc_send(r, "CHATHISTORY *");
	irc_want(r, ":chatd FAIL CHATHISTORY INVALID_COMMAND * :" ANY);
	irc_nothing(r);
	/* Not a channel, no such room, not a room name, a room the client
	 * is not in. */
	for (i = 0; i < sizeof invalid_target / sizeof invalid_target[0]; i++) {
		irc_send(r, "CHATHISTORY %s", invalid_target[i][2]);
		irc_want(r,
		    ":chatd FAIL CHATHISTORY INVALID_TARGET %s %s :" ANY,
		    invalid_target[i][0], invalid_target[i][1]);
		irc_nothing(r);
	}
	/* Parted: no longer a reader. */
	irc_send(r, "PART " ROOM);
	irc_until(r, "PART");
	irc_send(r, "CHATHISTORY LATEST %s * 10", ROOM);
	irc_want(
	    r, ":chatd FAIL CHATHISTORY INVALID_TARGET LATEST %s :" ANY, ROOM);
	irc_nothing(r);
	srv_stop_ok(&srv);
}
END_TEST

/* TARGETS: the rooms the client is in with events strictly inside the
 * window, each with its latest time, oldest first, at most LIMIT. */
START_TEST(test_targets)
{
	struct srv srv;
	struct ircc *s, *r;
	struct irc_msg *m;
	static struct hist_log A;
	char from[64], to[64], mid[64];
	long long ta, tb;

	start(&srv, NULL, &s, &r, 0, 0);
	irc_send(s, "JOIN #a,#b,#c,#d");
	irc_sync(s);
	irc_send(r, "JOIN #a,#b,#c");
	irc_sync(r);
	A.n = 0;
	hist_say(&A, s, r, "#a", "a", 2, GAP_MS);
	hist_say(&A, s, r, "#b", "b", 1, GAP_MS);
	usleep(GAP_MS * 1000);
	irc_send(s, "PRIVMSG #d :not rita's");
	irc_sync(s);
	ta = A.ev[1].ms;
	tb = A.ev[2].ms;
	hist_ts(from, A.ev[0].ms - 1000, 0);
	hist_ts(to, tb + 1000, 0);
	irc_send(r, "CHATHISTORY TARGETS %s %s 10", from, to);
	m = irc_want(r, ":chatd BATCH " ANY " draft/chathistory-targets");
	ck_assert_int_eq(m->nparams, 2);
	irc_want(
	    r, ":chatd CHATHISTORY TARGETS #a %s", hist_ts(mid, ta, 0) + 10);
	ck_assert_ptr_nonnull(irc_tag(&r->m, "batch"));
	irc_want(
	    r, ":chatd CHATHISTORY TARGETS #b %s", hist_ts(mid, tb, 0) + 10);
	irc_want(r, ":chatd BATCH " ANY);
	irc_nothing(r);
	/* LIMIT 1 from the start forwards, from the end backwards. */
	irc_send(r, "CHATHISTORY TARGETS %s %s 1", from, to);
	irc_want(r, ":chatd BATCH " ANY " draft/chathistory-targets");
	irc_want(r, ":chatd CHATHISTORY TARGETS #a " ANY);
	irc_want(r, ":chatd BATCH " ANY);
	irc_send(r, "CHATHISTORY TARGETS %s %s 1", to, from);
	irc_want(r, ":chatd BATCH " ANY " draft/chathistory-targets");
	irc_want(r, ":chatd CHATHISTORY TARGETS #b " ANY);
	irc_want(r, ":chatd BATCH " ANY);
	/* Exclusive: a window ending at #b's event leaves #b out, one
	 * starting at #a's last leaves #a out. */
	irc_send(r, "CHATHISTORY TARGETS %s %s 10", from, hist_ts(mid, tb, 0));
	irc_want(r, ":chatd BATCH " ANY " draft/chathistory-targets");
	irc_want(r, ":chatd CHATHISTORY TARGETS #a " ANY);
	irc_want(r, ":chatd BATCH " ANY);
	irc_send(r, "CHATHISTORY TARGETS %s %s 10", hist_ts(mid, ta, 0), to);
	irc_want(r, ":chatd BATCH " ANY " draft/chathistory-targets");
	irc_want(r, ":chatd CHATHISTORY TARGETS #b " ANY);
	irc_want(r, ":chatd BATCH " ANY);
	irc_send(r, "CHATHISTORY TARGETS %s %s 10", to, to);
	irc_want(r, ":chatd BATCH " ANY " draft/chathistory-targets");
	irc_want(r, ":chatd BATCH " ANY);
	irc_nothing(r);
	srv_stop_ok(&srv);
}
END_TEST

/* Paging back from LATEST with BEFORE the oldest msgid of each page: 250
 * messages, each exactly once, in order. */
START_TEST(test_paging_250)
{
	const char *args[] = { "--history", "300", "--rate", "0", NULL };
	struct srv srv;
	struct ircc *s, *r;
	struct hist_batch b = { 0 };
	static char seen[HIST_EVENTS][HIST_LINE];
	int nseen = 0, i, page = 0, left;
	char oldest[80];

	start(&srv, args, &s, &r, 250, 0);
	hist_ask(r, &b, "LATEST %s * 37", ROOM);
	for (;;) {
		left = 250 - 37 * page;
		ck_assert_int_eq(b.n, left < 0 ? 0 : left < 37 ? left : 37);
		/* Pages come newest first, each oldest first inside. */
		memmove(seen[b.n], seen[0], (size_t)nseen * HIST_LINE);
		for (i = 0; i < b.n; i++)
			memcpy(seen[i], b.line[i], HIST_LINE);
		nseen += b.n;
		if (b.n == 0)
			break;
		snprintf(oldest, sizeof oldest, "%s", b.line[0]);
		*strchr(oldest, ' ') = '\0';
		hist_ask(r, &b, "BEFORE %s msgid=%s 37", ROOM,
		    strstr(oldest, "msgid=") + 6);
		page++;
	}
	ck_assert_int_eq(nseen, 250);
	for (i = 0; i < 250; i++)
		ck_assert_msg(strcmp(seen[i], L.ev[i].line[0]) == 0,
		    "page line %d: %s, want %s", i, seen[i], L.ev[i].line[0]);
	hist_batch_free(&b);
	srv_stop_ok(&srv);
}
END_TEST

/* AFTER the last msgid one saw is exactly what was said after it. */
START_TEST(test_after_what_was_missed)
{
	struct srv srv;
	struct ircc *s, *r;
	struct hist_batch b = { 0 };
	char last[80];

	start(&srv, NULL, &s, &r, 6, 0);
	snprintf(last, sizeof last, "%s", id(5));
	hist_say(&L, s, r, ROOM, "missed", 7, 0);
	hist_ask(r, &b, "AFTER %s %s 100", ROOM, last);
	hist_is(&b, &L, 6, 13);
	/* The channel named in another case: its own spelling back. */
	hist_ask(r, &b, "AFTER #H %s 100", last);
	ck_assert_str_eq(b.target, ROOM);
	hist_is(&b, &L, 6, 13);
	hist_batch_free(&b);
	srv_stop_ok(&srv);
}
END_TEST

Suite *
test_suite(void)
{
	Suite *s = suite_create("integ_irc_history");
	TCase *tc = tcase_create("chathistory");

	tcase_set_timeout(tc, TEST_TIMEOUT);
	tcase_add_test(tc, test_latest_before_after);
	tcase_add_test(tc, test_around_between);
	tcase_add_test(tc, test_equal_timestamps);
	tcase_add_test(tc, test_unknown_and_evicted);
	tcase_add_test(tc, test_fails);
	tcase_add_test(tc, test_targets);
	tcase_add_test(tc, test_paging_250);
	tcase_add_test(tc, test_after_what_was_missed);
	suite_add_tcase(s, tc);
	return s;
}
