/*
 * test_redis_cluster_faults.c: cluster-v1.md §3 against a real
 * redis-server and real chatd nodes: a node killed with SIGKILL (its
 * users quit "server lost" on the others within 10 s, their nicks free,
 * nothing the others said lost), Redis paused for 5 s (SIGSTOP/SIGCONT:
 * told once each way within 5 s, local delivery on, cross-node requests
 * refused, the room messages said meanwhile sent on recovery in order),
 * more than the 1 MiB a node buffers (the rest dropped and the room
 * told), and --cluster-required (new connections refused while down, in
 * each protocol's words; connected users kept). The 30 s pause and Redis
 * restarted empty have suites of their own, for time.
 */
#define _GNU_SOURCE /* strcasestr */
#include "redis_cluster_test.h"

/* Read c's lines until each of the n texts came once (any order, other
 * lines skipped) or ms pass; fail naming what is missing. */
static void
want_all(struct conn *c, const char *who, const char *const *texts, int n,
    long t0, long ms)
{
	char line[8192];
	int seen[8] = { 0 }, left = n, i;

	ck_assert(n <= 8);
	while (left > 0 &&
	    conn_line(
		c, line, sizeof line, (int)(t0 + ms - harness_now_ms())) >= 0)
		for (i = 0; i < n; i++)
			if (line_body(line) != NULL &&
			    strcmp(line_body(line), texts[i]) == 0) {
				ck_assert_msg(
				    !seen[i], "%s got twice: %s", who, line);
				seen[i] = 1;
				left--;
			}
	for (i = 0; i < n; i++)
		if (!seen[i])
			irc_fail_at(__FILE__, __LINE__,
			    "%s: no \"%s\" within %ld ms", who, texts[i], ms);
}

START_TEST(test_node_killed)
{
	static const char *const quits[] = { "-!- alice has quit (server lost)",
		"-!- ann has quit (server lost)" };
	struct conn *a, *b, *c;
	struct ircc *n, *d, *n2;
	int got = 0;
	long t0, t;

	if (!cl_start(&C, "test_node_killed", 3, NULL))
		return;
	a = cl_txt_user(0, "alice", NULL, 0);
	b = cl_txt_user(1, "bob", (struct conn *[]){ a }, 1);
	c = cl_txt_user(2, "carol", (struct conn *[]){ a, b }, 2);
	n = cl_irc_join(0, "ann", "#lobby");
	txt_find(b, "ann has joined #lobby");
	txt_find(c, "ann has joined #lobby");
	d = cl_irc_join(1, "dan", "#lobby");
	txt_find(b, "dan has joined #lobby");
	txt_find(c, "dan has joined #lobby");

	t0 = harness_now_ms();
	cl_node_kill(&C, 0);
	want_all(b, "bob", quits, 2, t0, CL_NODE_MS + CL_SLACK);
	t = harness_now_ms() - t0;
	fprintf(stderr, "test_node_killed: quits seen after %ld ms\n", t);
	want_all(c, "carol", quits, 2, t0, CL_NODE_MS + CL_SLACK);
	/* IRC: one QUIT each, "server lost" its reason. */
	while (got != 3 &&
	    irc_read(d, (int)(t0 + CL_NODE_MS + CL_SLACK - harness_now_ms())) ==
		1) {
		if (strcmp(d->m.command, "QUIT") != 0)
			continue;
		/* IRC's reasons are capitalised ("Connection closed"). */
		ck_assert_msg(
		    strcasestr(irc_last(&d->m), "server lost") != NULL,
		    "dan: %s", d->m.line);
		if (strncmp(d->m.source, "alice!", 6) == 0 && !(got & 1))
			got |= 1;
		else if (strncmp(d->m.source, "ann!", 4) == 0 && !(got & 2))
			got |= 2;
		else
			irc_fail_at(__FILE__, __LINE__, "dan: %s", d->m.line);
	}
	ck_assert_msg(got == 3, "dan (IRC) saw the QUITs %d of 3", got);
	/* The nicks are free, in both protocols, on every node. */
	txt_send(b, "/nick alice");
	txt_find(b, "-!- bob is now known as alice");
	n2 = irc_user(PORT(2), "ann");
	txt_send(c, "/who");
	txt_find(c, "-!- 3 users in #lobby: ");
	txt_send(c, "/whois ann");
	txt_find(c, "-!- ann: in no room");
	irc_close(n2);
	irc_close(n);
	irc_close(d);
	conn_close(a);
	conn_close(b);
	conn_close(c);
	cl_stop(&C);
}
END_TEST

/*
 * A survivor's lines on c: the 20 lines nick said after the kill, each
 * once and in order, and the quit of the dead node's alice, within the
 * 10 s from t0 (other lines, an operator change, may come between).
 */
static void
want_lines(
    struct conn *c, const char *who, char from, const char *nick, long t0)
{
	char line[8192], want[64];
	const char *body;
	int next = 0, quit = 0;
	long end = t0 + CL_NODE_MS + CL_SLACK;

	while ((next < 20 || !quit) &&
	    conn_line(c, line, sizeof line, (int)(end - harness_now_ms())) >=
		0) {
		body = line_text(line);
		if (strcmp(body, "-!- alice has quit (server lost)") == 0) {
			ck_assert_msg(!quit, "%s: alice quit twice", who);
			quit = 1;
			continue;
		}
		snprintf(want, sizeof want, "<%s> %c", nick, from);
		if (strncmp(body, want, strlen(want)) != 0)
			continue;
		snprintf(want, sizeof want, "<%s> %c%d", nick, from, next);
		ck_assert_msg(strcmp(body, want) == 0, "%s: want %s, got %s",
		    who, want, body);
		next++;
	}
	ck_assert_msg(
	    next == 20, "%s got %d of 20 lines from %s", who, next, nick);
	ck_assert_msg(quit, "%s: no quit (server lost) for alice within %d ms",
	    who, CL_NODE_MS + CL_SLACK);
}

START_TEST(test_node_killed_nothing_lost)
{
	struct conn *a, *b, *c;
	long t0;
	int i;

	if (!cl_start(&C, "test_node_killed_nothing_lost", 3, NULL))
		return;
	a = cl_txt_user(0, "alice", NULL, 0);
	b = cl_txt_user(1, "bob", (struct conn *[]){ a }, 1);
	c = cl_txt_user(2, "carol", (struct conn *[]){ a, b }, 2);
	t0 = harness_now_ms();
	cl_node_kill(&C, 0);
	for (i = 0; i < 20; i++) {
		txt_send(b, "b%d", i);
		txt_send(c, "c%d", i);
		usleep(20000);
	}
	want_lines(b, "bob", 'c', "carol", t0);
	want_lines(c, "carol", 'b', "bob", t0);
	txt_send(c, "/who");
	txt_find(c, "-!- 2 users in #lobby: ");
	conn_close(a);
	conn_close(b);
	conn_close(c);
	cl_stop(&C);
}
END_TEST

START_TEST(test_redis_paused)
{
	pause_scenario("test_redis_paused", 5);
}
END_TEST

#define BIG_LINES 800
#define BIG_LEN   1900 /* bytes of text each: 800 of them pass 1 MiB */

START_TEST(test_buffer_overflow)
{
	static const char *const args[] = { "--rate", "0", "--max-queue", "8M",
		NULL };
	struct conn *a, *a2, *b;
	char text[BIG_LEN + 1], line[8192];
	int i, k, dropped = -1, restored = 0, next = 0, got2 = 0, kept;
	long t0, end;

	if (!cl_start(&C, "test_buffer_overflow", 2, args))
		return;
	a = cl_txt_user(0, "alice", NULL, 0);
	a2 = cl_txt_user(0, "al2", (struct conn *[]){ a }, 1);
	b = cl_txt_user(1, "bob", (struct conn *[]){ a, a2 }, 2);
	t0 = harness_now_ms();
	redis_srv_pause(&C.redis);
	TOLD(a, "alice", LINK_LOST, t0, CL_LINK_MS + CL_SLACK);
	TOLD(a2, "al2", LINK_LOST, t0, CL_LINK_MS + CL_SLACK);
	TOLD(b, "bob", LINK_LOST, t0, CL_LINK_MS + CL_SLACK);
	/* 800 lines of 1900 bytes, all delivered here as they come. */
	for (i = 0; i < BIG_LINES; i++) {
		k = snprintf(text, sizeof text, "o%d ", i);
		memset(text + k, 'x', BIG_LEN - (size_t)k);
		text[BIG_LEN] = '\0';
		txt_send(a, "%s", text);
		while (conn_line(a2, line, sizeof line, i % 10 == 9 ? 50 : 0) >=
		    0) {
			ck_assert_int_eq(
			    sscanf(line_text(line), "<alice> o%d", &k), 1);
			ck_assert_int_eq(k, got2);
			got2++;
		}
	}
	while (got2 < BIG_LINES &&
	    conn_line(a2, line, sizeof line, IRC_WAIT) >= 0) {
		ck_assert_int_eq(sscanf(line_text(line), "<alice> o%d", &k), 1);
		ck_assert_int_eq(k, got2);
		got2++;
	}
	ck_assert_int_eq(got2, BIG_LINES);
	ck_assert(conn_quiet(b, 100));

	t0 = harness_now_ms();
	redis_srv_resume(&C.redis);
	/* alice's room is told what did not reach the others. */
	end = t0 + CL_LINK_MS + CL_SLACK + 2000;
	while ((restored == 0 || dropped < 0) &&
	    conn_line(a, line, sizeof line, (int)(end - harness_now_ms())) >=
		0) {
		if (strstr(line, LINK_RESTORED) != NULL)
			restored = 1;
		else if (line_body(line) != NULL)
			(void)sscanf(line_body(line),
			    "-!- cluster link: %d messages from this server "
			    "did not reach the others",
			    &dropped);
	}
	ck_assert_msg(restored, "alice was not told the link is restored");
	ck_assert_msg(dropped > 0,
	    "alice's room was not told how many messages were dropped");
	kept = BIG_LINES - dropped;
	fprintf(stderr, "test_buffer_overflow: %d sent, %d dropped\n",
	    BIG_LINES, dropped);
	/* Up to 1 MiB kept, not half of it. */
	ck_assert_int_le((long)kept * BIG_LEN, 1024L * 1024);
	ck_assert_int_ge((long)kept * BIG_LEN, 512L * 1024);
	txt_find(a2, "messages from this server did not reach the others");
	/* bob gets the first ones, in order, and no more. */
	end = harness_now_ms() + 10000;
	while (conn_line(b, line, sizeof line,
		   next < kept ? (int)(end - harness_now_ms()) : 1000) >= 0) {
		if (sscanf(line_text(line), "<alice> o%d", &k) != 1)
			continue;
		ck_assert_msg(
		    k == next, "bob got o%d where o%d was next", k, next);
		next++;
	}
	ck_assert_msg(
	    next == kept, "bob got %d of the %d kept messages", next, kept);
	conn_close(a);
	conn_close(a2);
	conn_close(b);
	cl_stop(&C);
}
END_TEST

/* A new connection to port is refused as --cluster-required says. */
static void
refused(int port, const char *where)
{
	struct conn *t = conn_open(port);
	struct ircc *ic;
	char line[8192];

	ck_assert_msg(t != NULL, "%s: cannot connect", where);
	conn_send(t, "\n");
	ck_assert_msg(conn_line(t, line, sizeof line, IRC_WAIT) >= 0,
	    "%s: a text connection got nothing", where);
	ck_assert_msg(line_body(line) != NULL &&
		strcmp(line_body(line),
		    "-!- error: cluster unavailable, try again later") == 0,
	    "%s: a text connection got \"%s\"", where, line);
	ck_assert_msg(conn_eof(t, 2000), "%s: not closed", where);
	conn_close(t);
	ic = irc_open(port, "refused");
	irc_send(ic, "NICK zed");
	irc_send(ic, "USER zed 0 * :zed");
	irc_want(ic, "ERROR :cluster unavailable");
	irc_eof(ic, 2000);
	irc_close(ic);
}

START_TEST(test_cluster_required)
{
	static const char *const args[] = { "--cluster-required", NULL };
	struct conn *a, *a2, *b, *x;
	struct ircc *d;
	long t0;

	if (!cl_start(&C, "test_cluster_required", 2, args))
		return;
	a = cl_txt_user(0, "alice", NULL, 0);
	d = cl_irc_join(0, "dan", "#lobby");
	txt_find(a, "dan has joined #lobby");
	b = cl_txt_user(1, "bob", (struct conn *[]){ a }, 1);
	t0 = harness_now_ms();
	redis_srv_pause(&C.redis);
	TOLD(a, "alice", LINK_LOST, t0, CL_LINK_MS + CL_SLACK);
	/* From the moment it tells its users, on every node. */
	refused(PORT(0), "node a");
	TOLD(b, "bob", LINK_LOST, t0, CL_LINK_MS + CL_SLACK);
	refused(PORT(1), "node b");
	/* Connected users stay, and talk. */
	txt_send(a, "still here");
	irc_find(d, ":alice!alice@chatd PRIVMSG #lobby :still here");
	irc_send(d, "PRIVMSG #lobby :me too");
	txt_find(a, "<dan> me too");
	t0 = harness_now_ms();
	redis_srv_resume(&C.redis);
	TOLD(a, "alice", LINK_RESTORED, t0, CL_LINK_MS + CL_SLACK);
	TOLD(b, "bob", LINK_RESTORED, t0, CL_LINK_MS + CL_SLACK);
	/* Back: new connections are welcome again, and cross nodes. */
	x = cl_txt_user(0, "xavier", (struct conn *[]){ a, b }, 2);
	txt_send(x, "hi");
	txt_find(b, "<xavier> hi");
	conn_close(x);
	a2 = cl_txt_user(1, "al2", (struct conn *[]){ a, b }, 2);
	conn_close(a2);
	irc_close(d);
	conn_close(a);
	conn_close(b);
	cl_stop(&C);
}
END_TEST

Suite *
test_suite(void)
{
	Suite *s = suite_create("redis_cluster_faults");
	TCase *tc = tcase_create("core");

	tcase_set_timeout(tc, TEST_TIMEOUT);
	tcase_add_unchecked_fixture(
	    tc, redis_srv_suite_setup, redis_srv_suite_teardown);
	tcase_add_test(tc, test_node_killed);
	tcase_add_test(tc, test_node_killed_nothing_lost);
	tcase_add_test(tc, test_redis_paused);
	tcase_add_test(tc, test_buffer_overflow);
	tcase_add_test(tc, test_cluster_required);
	suite_add_tcase(s, tc);
	return s;
}
