/*
 * test_redis_cluster_restart.c: cluster-v1.md §3, Redis restarted empty
 * under two chatd nodes: the link lost and restored, told once each;
 * nicks and presence registered again (a nick held on one node is in
 * use on the other, /who lists every node's users), room messages and
 * /msg cross again; and a nick claimed on both sides of the split (one
 * node frozen while Redis restarts) keeps its first holder while the
 * other becomes a guest and is told so.
 */
#include "redis_cluster_test.h"

/* Whether body is a /who reply listing exactly the nicks (any order, an
 * operator's '@' ignored), besides guests (the test's probe). */
static int
who_is(const char *body, int n, const char *const *nicks)
{
	char list[1024], *p, *tok;
	int k = 0, i, found;

	if (body == NULL ||
	    sscanf(body, "-!- %*d users in #lobby: %1023[^\n]", list) != 1)
		return 0;
	for (tok = strtok_r(list, ", ", &p); tok != NULL;
	     tok = strtok_r(NULL, ", ", &p)) {
		if (*tok == '@')
			tok++;
		if (strncmp(tok, "guest", 5) == 0)
			continue;
		for (found = 0, i = 0; i < n; i++)
			found |= strcmp(tok, nicks[i]) == 0;
		if (!found)
			return 0;
		k++;
	}
	return k == n;
}

START_TEST(test_redis_restarted_empty)
{
	static const char *const all[] = { "alice", "dan", "bob" };
	struct conn *a, *b, *x;
	struct ircc *d, *e;
	char line[8192];
	long t0;

	if (!cl_start(&C, "test_redis_restarted_empty", 2, NULL))
		return;
	a = cl_txt_user(0, "alice", NULL, 0);
	d = cl_irc_join(0, "dan", "#lobby");
	txt_find(a, "dan has joined #lobby");
	b = cl_txt_user(1, "bob", (struct conn *[]){ a }, 1);
	irc_until(d, "NICK");

	t0 = harness_now_ms();
	redis_srv_kill(&C.redis);
	TOLD(a, "alice", LINK_LOST, t0, CL_LINK_MS + CL_SLACK);
	TOLD(b, "bob", LINK_LOST, t0, CL_LINK_MS + CL_SLACK);
	ck_assert_int_eq(redis_srv_restart(&C.redis), 0);
	t0 = harness_now_ms();
	TOLD(a, "alice", LINK_RESTORED, t0, CL_LINK_MS + CL_SLACK);
	TOLD(b, "bob", LINK_RESTORED, t0, CL_LINK_MS + CL_SLACK);
	if (!irc_wait_text(d, "cluster link restored", IRC_WAIT))
		irc_fail_at(__FILE__, __LINE__, "dan was not told");

	/* Nicks held on node a are in use on node b again. The other
	 * reading a node may take, the nick given out and then taken back
	 * by the split rule, is test_split_nick's; here node a never left,
	 * so its users' nicks must be registered by the time it says the
	 * link is restored... or, allowing for a node b that was quicker,
	 * within 5 s after. */
	x = txt_login(PORT(1), NULL);
	t0 = harness_now_ms();
	for (;;) {
		txt_send(x, "/nick alice");
		ck_assert(conn_line(x, line, sizeof line, IRC_WAIT) >= 0);
		if (strcmp(line_text(line),
			"-!- error: nickname alice is already in use") == 0)
			break;
		ck_assert_msg(strstr(line, "cluster unavailable") != NULL,
		    "node b gave out node a's alice after Redis restarted: %s",
		    line);
		ck_assert_msg(harness_now_ms() - t0 < CL_LINK_MS,
		    "node b still says the cluster is unavailable: %s", line);
		usleep(200000);
	}
	e = irc_open(PORT(1), "e");
	irc_send(e, "NICK DAN");
	irc_send(e, "USER e 0 * :e");
	irc_want(e, ":chatd 433 * DAN :" ANY);
	irc_close(e);
	/* Presence: every node's users, on every node. */
	txt_send(b, "/who");
	ck_assert(
	    cl_txt_wait(b, " in #lobby: ", line, sizeof line, IRC_WAIT) >= 0);
	ck_assert_msg(who_is(line_body(line), 3, all), "node b: %s", line);
	txt_send(a, "/who");
	ck_assert(
	    cl_txt_wait(a, " in #lobby: ", line, sizeof line, IRC_WAIT) >= 0);
	ck_assert_msg(who_is(line_body(line), 3, all), "node a: %s", line);
	/* Room messages and /msg cross again, both ways. */
	txt_send(a, "again");
	txt_want(b, "<alice> again");
	/* dan saw the probe arrive first. */
	irc_find(d, ":alice!alice@chatd PRIVMSG #lobby :again");
	txt_send(b, "ok");
	txt_want(a, "<bob> ok");
	irc_want(d, ":bob!bob@chatd PRIVMSG #lobby :ok");
	txt_send(b, "/msg dan pm");
	irc_want(d, ":bob!bob@chatd PRIVMSG dan :pm");
	txt_want(b, "-> *dan* pm");
	irc_send(d, "PRIVMSG bob :back");
	txt_want(b, "*dan* back");
	/* Told once. */
	ck_assert_int_eq(txt_count(a, "cluster link", NULL, 500), 0);
	ck_assert_int_eq(txt_count(b, "cluster link", NULL, 10), 0);
	conn_close(x);
	irc_close(d);
	conn_close(a);
	conn_close(b);
	cl_stop(&C);
}
END_TEST

START_TEST(test_split_nick)
{
	struct conn *a, *b, *x;
	char line[8192], guest[64], want[256];
	long t0;

	if (!cl_start(&C, "test_split_nick", 2, NULL))
		return;
	a = cl_txt_user(0, "alice", NULL, 0);
	b = cl_txt_user(1, "bob", (struct conn *[]){ a }, 1);
	/* Node a frozen while Redis restarts empty: node b comes back to a
	 * Redis that knows no alice, and gives the nick out. */
	srv_freeze(&C.node[0]);
	t0 = harness_now_ms();
	redis_srv_kill(&C.redis);
	ck_assert_int_eq(redis_srv_restart(&C.redis), 0);
	TOLD(b, "bob", LINK_LOST, t0, CL_LINK_MS + CL_SLACK);
	TOLD(b, "bob", LINK_RESTORED, t0, 2 * (CL_LINK_MS + CL_SLACK));
	x = txt_login(PORT(1), NULL);
	txt_send(x, "/nick alice");
	ck_assert(conn_line(x, line, sizeof line, IRC_WAIT) >= 0);
	if (strstr(line, "is now known as alice") == NULL) {
		/* Node b remembered node a's alice (or refused for another
		 * reason): nothing was claimed twice. Say so. */
		srv_thaw(&C.node[0]);
		fprintf(stderr,
		    "test_split_nick: node b refused alice during the split "
		    "(%s): the split rule was not exercised\n",
		    line);
		ck_assert_msg(strstr(line, "already in use") != NULL ||
			strstr(line, "cluster unavailable") != NULL,
		    "%s", line);
	} else {
		/* Node a comes back: its alice was first; x is a guest. */
		t0 = harness_now_ms();
		srv_thaw(&C.node[0]);
		ck_assert_msg(
		    cl_txt_wait(x,
			"-!- your nick alice was taken elsewhere "
			"while the cluster was split; you are now "
			"guest",
			line, sizeof line,
			(int)(t0 + 2 * CL_LINK_MS - harness_now_ms())) >= 0,
		    "the second alice (node b) was not told it lost the nick");
		ck_assert(sscanf(line_text(line),
			      "-!- your nick alice was taken elsewhere while "
			      "the cluster was split; you are now %63s",
			      guest) == 1);
		ck_assert_msg(strncmp(guest, "guest", 5) == 0, "%s", line);
		/* It is that guest now: /nick to it is a no-op. */
		txt_send(x, "/nick %s", guest);
		snprintf(want, sizeof want, "-!- you are already %s", guest);
		txt_find(x, want);
	}
	/* alice (node a) kept her nick, as node b knows, once node a is
	 * back in the cluster (its two links). */
	ck_assert(cl_wait_clients(&C, 4, CL_LINK_MS + CL_SLACK));
	txt_send(a, "/nick alice");
	txt_find(a, "-!- you are already alice");
	txt_send(b, "/msg alice still you?");
	txt_find(a, "*bob* still you?");
	conn_close(x);
	conn_close(a);
	conn_close(b);
	cl_stop(&C);
}
END_TEST

Suite *
test_suite(void)
{
	Suite *s = suite_create("redis_cluster_restart");
	TCase *tc = tcase_create("core");

	tcase_set_timeout(tc, TEST_TIMEOUT);
	tcase_add_unchecked_fixture(
	    tc, redis_srv_suite_setup, redis_srv_suite_teardown);
	tcase_add_test(tc, test_redis_restarted_empty);
	tcase_add_test(tc, test_split_nick);
	suite_add_tcase(s, tc);
	return s;
}
