/*
 * test_redis_cluster.c: cluster-v1.md §2, what users see of a cluster,
 * in both protocols, against a real redis-server and two or three real
 * chatd nodes: rooms span nodes (every message once, in the sender's
 * order), nicks are unique across nodes ignoring case, private messages
 * and every listing cross nodes, operators, topics and kicks too, history
 * lives in Redis (it outlives a node and any node replays it), joins,
 * parts, quits and nick changes reach the other nodes, and 10,000
 * messages from senders on three nodes arrive exactly once, in order.
 * Written from the spec and docs/PROTOCOL.md, not from the code: where a
 * single server answers a way, a cluster must answer it the same way.
 */
#include "redis_cluster_test.h"

/* Three text users, one a node, all in #lobby; alice first (its op). */
static void
three_text(struct conn **a, struct conn **b, struct conn **c)
{
	*a = cl_txt_user(0, "alice", NULL, 0);
	*b = cl_txt_user(1, "bob", (struct conn *[]){ *a }, 1);
	*c = cl_txt_user(2, "carol", (struct conn *[]){ *a, *b }, 2);
}

START_TEST(test_room_text)
{
	struct conn *a, *b, *c;
	int i;

	if (!cl_start(&C, "test_room_text", 3, NULL))
		return;
	three_text(&a, &b, &c);
	/* One node to the two others: each line once, in order. */
	for (i = 0; i < 100; i++)
		txt_send(a, "from a %d", i);
	for (i = 0; i < 100; i++) {
		txt_want(b, "<alice> from a %d", i);
		txt_want(c, "<alice> from a %d", i);
	}
	/* An action; and alice got none of her own lines back: the action
	 * is the next thing she gets. */
	txt_send(b, "/me waves");
	txt_want(a, "* bob waves");
	txt_want(c, "* bob waves");
	/* The other way round, from the third node. */
	for (i = 0; i < 100; i++)
		txt_send(c, "from c %d", i);
	for (i = 0; i < 100; i++) {
		txt_want(a, "<carol> from c %d", i);
		txt_want(b, "<carol> from c %d", i);
	}
	/* "//text" is the message "/text" across nodes too. */
	txt_send(a, "//slash");
	txt_want(b, "<alice> /slash");
	txt_want(c, "<alice> /slash");
	ck_assert(conns_quiet((struct conn *[]){ a, b, c }, 3, 500));
	conn_close(a);
	conn_close(b);
	conn_close(c);
	cl_stop(&C);
}
END_TEST

START_TEST(test_room_irc)
{
	struct ircc *d, *e;
	struct conn *c;
	char id[128], tm[64];
	const char *v;
	int i;

	if (!cl_start(&C, "test_room_irc", 3, NULL))
		return;
	d = irc_register(
	    PORT(0), "dan", "message-tags", "server-time", (char *)NULL);
	irc_send(d, "JOIN #dev");
	irc_want(d, ":dan!dan@chatd JOIN #dev");
	irc_want(d, ":chatd 353 dan = #dev :@dan");
	irc_until(d, "366");
	e = irc_register(
	    PORT(1), "erin", "message-tags", "server-time", (char *)NULL);
	irc_send(e, "JOIN #dev");
	irc_want(e, ":erin!erin@chatd JOIN #dev");
	/* NAMES on joining lists the member on the other node. */
	irc_want(e, ":chatd 353 erin = #dev :@dan erin");
	irc_until(e, "366");
	irc_want(d, ":erin!erin@chatd JOIN #dev");
	c = txt_login(PORT(2), "carol");
	txt_send(c, "/join dev");
	txt_want(c, "-!- carol has joined #dev");
	irc_want(d, ":carol!carol@chatd JOIN #dev");
	irc_want(e, ":carol!carol@chatd JOIN #dev");

	/* IRC to IRC and text on other nodes, in order. */
	for (i = 0; i < 50; i++)
		irc_send(d, "PRIVMSG #dev :hello %d", i);
	for (i = 0; i < 50; i++) {
		irc_want(e, ":dan!dan@chatd PRIVMSG #dev :hello %d", i);
		txt_want(c, "<dan> hello %d", i);
	}
	/* Text to IRC on two nodes: one msgid and one time for every
	 * recipient (irc-v1's message-tags and server-time), cluster or
	 * not. */
	txt_send(c, "hi all");
	irc_want(d, ":carol!carol@chatd PRIVMSG #dev :hi all");
	v = irc_tag(&d->m, "msgid");
	ck_assert_msg(v != NULL && irc_msgid_ok(v), "no msgid: %s", d->m.line);
	snprintf(id, sizeof id, "%s", v);
	v = irc_tag(&d->m, "time");
	ck_assert_msg(v != NULL && irc_time_ok(v), "no time: %s", d->m.line);
	snprintf(tm, sizeof tm, "%s", v);
	irc_want(e, ":carol!carol@chatd PRIVMSG #dev :hi all");
	v = irc_tag(&e->m, "msgid");
	ck_assert_msg(v != NULL && strcmp(v, id) == 0,
	    "msgid on node a %s, on node b %s", id, v != NULL ? v : "(none)");
	v = irc_tag(&e->m, "time");
	ck_assert_msg(v != NULL && strcmp(v, tm) == 0,
	    "time on node a %s, on node b %s", tm, v != NULL ? v : "(none)");
	/* NOTICE and ACTION from IRC reach the others as they would on one
	 * server. */
	irc_send(e, "NOTICE #dev :note");
	irc_want(d, ":erin!erin@chatd NOTICE #dev :note");
	txt_want(c, "<erin> note");
	irc_send(e,
	    "PRIVMSG #dev :\x01"
	    "ACTION nods\x01");
	irc_want(d,
	    ":erin!erin@chatd PRIVMSG #dev :\x01"
	    "ACTION nods\x01");
	txt_want(c, "* erin nods");
	txt_send(c, "/me smiles");
	irc_want(d,
	    ":carol!carol@chatd PRIVMSG #dev :\x01"
	    "ACTION smiles\x01");
	irc_want(e,
	    ":carol!carol@chatd PRIVMSG #dev :\x01"
	    "ACTION smiles\x01");
	/* Exactly once: nothing more anywhere. */
	irc_quiet(d, 500);
	irc_quiet(e, 100);
	txt_quiet(c, 100);
	irc_close(d);
	irc_close(e);
	conn_close(c);
	cl_stop(&C);
}
END_TEST

/* The answer to /nick want sent on c (now nick cur): 1 if it took it, 0
 * if refused as in use; other lines (the other user's changes) are
 * skipped. */
static int
nick_answer(struct conn *c, const char *cur, const char *want)
{
	char ok[128], used[128], line[8192];
	long end = harness_now_ms() + IRC_WAIT;
	const char *body;

	snprintf(ok, sizeof ok, "-!- %s is now known as %s", cur, want);
	snprintf(used, sizeof used, "-!- error: nickname %s is already in use",
	    want);
	while (conn_line(c, line, sizeof line, (int)(end - harness_now_ms())) >=
	    0) {
		body = line_body(line);
		if (body != NULL && strcmp(body, ok) == 0)
			return 1;
		if (body != NULL && strcmp(body, used) == 0)
			return 0;
	}
	irc_fail_at(__FILE__, __LINE__, "%s: no answer to /nick %s", cur, want);
}

START_TEST(test_nick_unique)
{
	struct conn *a, *b, *x, *y;
	struct ircc *d, *n;
	char nx[32] = "xx", ny[32] = "yy", want[32];
	int i, gx, gy;

	if (!cl_start(&C, "test_nick_unique", 3, NULL))
		return;
	a = cl_txt_user(0, "alice", NULL, 0);
	b = cl_txt_user(1, "bob", (struct conn *[]){ a }, 1);
	d = cl_irc_join(2, "dan", "#lobby");
	txt_find(a, "dan has joined #lobby");
	txt_find(b, "dan has joined #lobby");

	/* Held on another node, in any case: refused in both protocols. */
	txt_send(b, "/nick ALICE");
	txt_want(b, "-!- error: nickname ALICE is already in use");
	txt_send(b, "/nick Dan");
	txt_want(b, "-!- error: nickname Dan is already in use");
	irc_send(d, "NICK BOB");
	irc_want(d, ":chatd 433 dan BOB :" ANY);
	n = irc_open(PORT(2), "newcomer");
	irc_send(n, "NICK Alice");
	irc_send(n, "USER n 0 * :n");
	irc_want(n, ":chatd 433 * Alice :" ANY);
	irc_send(n, "NICK nora");
	irc_until(n, "001");
	irc_close(n);
	txt_nothing(a);

	/* A nick changed away from is free on every node, once the change
	 * is seen there. */
	txt_send(b, "/nick bobby");
	txt_want(b, "-!- bob is now known as bobby");
	txt_want(a, "-!- bob is now known as bobby");
	irc_want(d, ":bob!bob@chatd NICK bobby");
	irc_send(d, "NICK Bob");
	irc_want(d, ":dan!dan@chatd NICK Bob");
	txt_want(a, "-!- dan is now known as Bob");
	txt_want(b, "-!- dan is now known as Bob");
	/* A nick that quit is free on every node. */
	txt_send(a, "/quit");
	txt_want(a, "-!- bye");
	txt_want(b, "-!- alice has quit (bye)");
	txt_want(b, "-!- bobby is now an operator of #lobby");
	txt_send(b, "/nick alice");
	txt_want(b, "-!- bobby is now known as alice");

	/* Two nodes claiming one nick at once: exactly one gets it. */
	x = cl_txt_user(0, "xx", (struct conn *[]){ b }, 1);
	y = cl_txt_user(1, "yy", (struct conn *[]){ b, x }, 2);
	for (i = 0; i < 10; i++) {
		snprintf(want, sizeof want, "race%d", i);
		txt_send(x, "/nick %s", want);
		txt_send(y, "/nick %s", want);
		gx = nick_answer(x, nx, want);
		gy = nick_answer(y, ny, want);
		ck_assert_msg(gx + gy == 1, "%s: %s", want,
		    gx ? "both nodes gave it out" : "neither gave it out");
		if (gx)
			snprintf(nx, sizeof nx, "%s", want);
		if (gy)
			snprintf(ny, sizeof ny, "%s", want);
	}
	irc_close(d);
	conn_close(a);
	conn_close(b);
	conn_close(x);
	conn_close(y);
	cl_stop(&C);
}
END_TEST

START_TEST(test_private)
{
	struct conn *a, *b;
	struct ircc *d;

	if (!cl_start(&C, "test_private", 3, NULL))
		return;
	a = cl_txt_user(0, "alice", NULL, 0);
	b = cl_txt_user(1, "bob", (struct conn *[]){ a }, 1);
	d = irc_user(PORT(2), "dan"); /* in no room */
	txt_send(b, "/whois dan");
	txt_find(b, "-!- dan: in no room");

	txt_send(a, "/msg bob psst");
	txt_want(b, "*alice* psst");
	txt_want(a, "-> *bob* psst");
	txt_send(a, "/msg BOB again");
	txt_want(b, "*alice* again");
	txt_want(a, "-> *bob* again");
	txt_send(b, "/msg dan to irc");
	irc_want(d, ":bob!bob@chatd PRIVMSG dan :to irc");
	txt_want(b, "-> *dan* to irc");
	irc_send(d, "PRIVMSG alice :yo");
	txt_want(a, "*dan* yo");
	irc_send(d, "NOTICE Bob :noted");
	txt_want(b, "*dan* noted");
	irc_send(d,
	    "PRIVMSG alice :\x01"
	    "ACTION waves\x01");
	txt_want(a, "*dan* * dan waves");
	/* Nobody of that nick on any node. */
	txt_send(a, "/msg nobody hello");
	txt_want(a, "-!- error: no such nick nobody");
	irc_send(d, "PRIVMSG nobody :hello");
	irc_want(d, ":chatd 401 dan nobody :" ANY);
	/* Away on another node: the sender is told, in both protocols. */
	txt_send(b, "/away at lunch");
	txt_want(b, "-!- you are marked away");
	txt_send(a, "/msg bob hungry?");
	txt_want(b, "*alice* hungry?");
	txt_find(a, "-!- bob is away: at lunch");
	irc_send(d, "PRIVMSG bob :me too");
	txt_want(b, "*dan* me too");
	irc_find(d, ":chatd 301 dan bob :at lunch");
	txt_quiet(b, 300);
	irc_close(d);
	conn_close(a);
	conn_close(b);
	cl_stop(&C);
}
END_TEST

START_TEST(test_listings_text)
{
	struct conn *a, *b, *c;
	char line[8192];

	if (!cl_start(&C, "test_listings_text", 3, NULL))
		return;
	three_text(&a, &b, &c);
	txt_send(c, "/join dev");
	txt_want(c, "-!- carol has joined #dev");
	txt_want(a, "-!- carol has left #lobby");
	txt_want(b, "-!- carol has left #lobby");
	txt_send(c, "/topic the dev room");
	txt_want(c, "-!- carol set the topic of #dev: the dev room");

	txt_send(a, "/who");
	txt_want(a, "-!- 2 users in #lobby: @alice, bob");
	txt_send(b, "/rooms");
	txt_want(b, "-!- 2 rooms: #dev (1), #lobby (2)");
	txt_send(a, "/list");
	txt_want(a, "-!- 2 rooms:");
	txt_want(a, "-!- #dev (1): the dev room");
	txt_want(a, "-!- #lobby (2)");
	/* The topic of a room on another node, from outside it. */
	txt_send(b, "/whois carol");
	ck_assert(conn_line(b, line, sizeof line, IRC_WAIT) > 0);
	ck_assert_msg(strncmp(line_text(line), "-!- carol: in #dev, idle ",
			  strlen("-!- carol: in #dev, idle ")) == 0,
	    "/whois carol from node b: %s", line);
	ck_assert_msg(strstr(line, ", irc") == NULL, "%s", line);
	txt_send(c, "/whois alice");
	ck_assert(conn_line(c, line, sizeof line, IRC_WAIT) > 0);
	ck_assert_msg(strncmp(line_text(line), "-!- alice: in #lobby, idle ",
			  strlen("-!- alice: in #lobby, idle ")) == 0,
	    "/whois alice from node c: %s", line);

	/* Joining a room whose topic was set on another node. */
	txt_send(a, "/join DEV");
	txt_want(a, "-!- alice has joined #dev");
	txt_want(a, "-!- topic of #dev: the dev room (set by carol)");
	txt_want(c, "-!- alice has joined #dev");
	txt_want(b, "-!- alice has left #lobby");
	txt_want(b, "-!- bob is now an operator of #lobby");
	txt_send(a, "/topic");
	txt_want(a, "-!- topic of #dev: the dev room (set by carol)");
	txt_send(b, "/join dev");
	txt_want(b, "-!- bob has joined #dev");
	txt_want(b, "-!- topic of #dev: the dev room (set by carol)");
	txt_want(a, "-!- bob has joined #dev");
	txt_want(c, "-!- bob has joined #dev");
	/* Arrival order across nodes; #lobby gone with its last member. */
	txt_send(b, "/who");
	txt_want(b, "-!- 3 users in #dev: @carol, alice, bob");
	txt_send(a, "/rooms");
	txt_want(a, "-!- 1 room: #dev (3)");
	txt_send(c, "/list");
	txt_want(c, "-!- 1 room:");
	txt_want(c, "-!- #dev (3): the dev room");
	ck_assert(conns_quiet((struct conn *[]){ a, b, c }, 3, 300));
	conn_close(a);
	conn_close(b);
	conn_close(c);
	cl_stop(&C);
}
END_TEST

START_TEST(test_listings_irc)
{
	struct ircc *d, *e;
	struct conn *t;
	struct irc_msg *m;
	char line[8192];
	int n, i, seen = 0;

	if (!cl_start(&C, "test_listings_irc", 3, NULL))
		return;
	t = txt_login(PORT(2), "ann"); /* #lobby's operator */
	d = irc_user(PORT(0), "dan");
	irc_send(d, "JOIN #lobby");
	irc_want(d, ":dan!dan@chatd JOIN #lobby");
	irc_want(d, ":chatd 353 dan = #lobby :@ann dan");
	irc_until(d, "366");
	txt_want(t, "-!- dan has joined #lobby");
	e = irc_user(PORT(1), "erin");
	irc_send(e, "JOIN #lobby");
	irc_want(e, ":erin!erin@chatd JOIN #lobby");
	irc_want(e, ":chatd 353 erin = #lobby :@ann dan erin");
	irc_until(e, "366");
	irc_want(d, ":erin!erin@chatd JOIN #lobby");
	txt_want(t, "-!- erin has joined #lobby");

	irc_send(d, "NAMES #lobby");
	irc_want(d, ":chatd 353 dan = #lobby :@ann dan erin");
	irc_want(d, ":chatd 366 dan #lobby :End of /NAMES list");
	/* WHO of the room: one 352 for each member, wherever it is. */
	irc_send(e, "WHO #lobby");
	m = irc_collect(e, "315", &n);
	for (i = 0; i < n - 1; i++) {
		ck_assert_str_eq(m[i].command, "352");
		ck_assert_int_ge(m[i].nparams, 8);
		if (strcmp(m[i].params[5], "ann") == 0) {
			ck_assert_str_eq(m[i].params[6], "H@");
			seen |= 1;
		} else if (strcmp(m[i].params[5], "dan") == 0) {
			ck_assert_str_eq(m[i].params[6], "H");
			seen |= 2;
		} else if (strcmp(m[i].params[5], "erin") == 0)
			seen |= 4;
	}
	ck_assert_msg(
	    n == 4 && seen == 7, "WHO #lobby: %d lines, seen %d", n, seen);
	free(m);
	irc_send(e, "WHO ann");
	irc_want(
	    e, ":chatd 352 erin * ann chatd chatd ann H :0 plain-text user");
	irc_want(e, ":chatd 315 erin ann :End of WHO list");
	/* WHOIS of a text user on another node. */
	irc_send(e, "WHOIS ann");
	irc_want(e, ":chatd 311 erin ann ann chatd * :plain-text user");
	irc_want(e, ":chatd 319 erin ann :@#lobby");
	irc_want(e, ":chatd 312 erin ann chatd :" ANY);
	irc_want(e, ":chatd 317 erin ann " NUM " " NUM " :" ANY);
	irc_want(e, ":chatd 318 erin ann :End of /WHOIS list");
	irc_send(e, "WHOIS dan");
	irc_want(e, ":chatd 311 erin dan dan chatd * :Real dan");
	irc_want(e, ":chatd 319 erin dan :#lobby");
	irc_until(e, "318");
	txt_send(t, "/whois erin");
	ck_assert(conn_line(t, line, sizeof line, IRC_WAIT) > 0);
	ck_assert_msg(strncmp(line_text(line), "-!- erin: in #lobby, idle ",
			  strlen("-!- erin: in #lobby, idle ")) == 0 &&
		strstr(line, ", irc") != NULL,
	    "/whois erin from node c: %s", line);
	irc_send(d, "ISON ann erin nobody ERIN");
	irc_want(d, ":chatd 303 dan :ann erin erin");
	/* Topics: set on one node, seen and asked on the others. */
	txt_send(t, "/topic hi there");
	txt_want(t, "-!- ann set the topic of #lobby: hi there");
	irc_want(d, ":ann!ann@chatd TOPIC #lobby :hi there");
	irc_want(e, ":ann!ann@chatd TOPIC #lobby :hi there");
	irc_send(e, "TOPIC #lobby");
	irc_want(e, ":chatd 332 erin #lobby :hi there");
	irc_want(e, ":chatd 333 erin #lobby ann " NUM);
	irc_send(d, "JOIN #other");
	irc_want(d, ":dan!dan@chatd JOIN #other");
	irc_until(d, "366");
	irc_send(e, "LIST");
	irc_want(e, ":chatd 321 erin Channel :Users  Name");
	irc_want(e, ":chatd 322 erin #lobby 3 :hi there");
	irc_want(e, ":chatd 322 erin #other 1 :");
	irc_want(e, ":chatd 323 erin :End of /LIST");
	irc_nothing(e);
	irc_close(d);
	irc_close(e);
	conn_close(t);
	cl_stop(&C);
}
END_TEST

START_TEST(test_ops_kicks)
{
	struct conn *a, *b, *c;
	struct ircc *d;

	if (!cl_start(&C, "test_ops_kicks", 3, NULL))
		return;
	three_text(&a, &b, &c);
	/* carol (node c) makes #dev; alice (a), bob (b), dan (IRC, b) join. */
	txt_send(c, "/join dev");
	txt_want(c, "-!- carol has joined #dev");
	txt_want(a, "-!- carol has left #lobby");
	txt_want(b, "-!- carol has left #lobby");
	txt_send(a, "/join dev");
	txt_want(a, "-!- alice has joined #dev");
	txt_want(c, "-!- alice has joined #dev");
	txt_want(b, "-!- alice has left #lobby");
	txt_want(b, "-!- bob is now an operator of #lobby");
	txt_send(b, "/join dev");
	txt_want(b, "-!- bob has joined #dev");
	txt_want(a, "-!- bob has joined #dev");
	txt_want(c, "-!- bob has joined #dev");
	d = irc_user(PORT(1), "dan");
	irc_send(d, "JOIN #dev");
	irc_want(d, ":dan!dan@chatd JOIN #dev");
	irc_want(d, ":chatd 353 dan = #dev :@carol alice bob dan");
	irc_until(d, "366");
	txt_want(a, "-!- dan has joined #dev");
	txt_want(b, "-!- dan has joined #dev");
	txt_want(c, "-!- dan has joined #dev");

	/* Operator rights are the room's, wherever its operator is. */
	txt_send(a, "/topic mine");
	txt_want(a, "-!- error: you are not an operator of #dev");
	txt_send(a, "/kick bob");
	txt_want(a, "-!- error: you are not an operator of #dev");
	irc_send(d, "KICK #dev carol");
	irc_want(d, ":chatd 482 dan #dev :" ANY);
	txt_send(c, "/op alice");
	txt_want(c, "-!- carol made alice an operator of #dev");
	txt_want(a, "-!- carol made alice an operator of #dev");
	txt_want(b, "-!- carol made alice an operator of #dev");
	irc_want(d, ":carol!carol@chatd MODE #dev +o alice");
	txt_send(a, "/topic new topic");
	txt_want(a, "-!- alice set the topic of #dev: new topic");
	txt_want(b, "-!- alice set the topic of #dev: new topic");
	txt_want(c, "-!- alice set the topic of #dev: new topic");
	irc_want(d, ":alice!alice@chatd TOPIC #dev :new topic");
	/* A kick from node a of a user on node b. */
	txt_send(a, "/kick bob enough");
	txt_want(a, "-!- bob was kicked from #dev by alice (enough)");
	txt_want(b, "-!- bob was kicked from #dev by alice (enough)");
	txt_want(c, "-!- bob was kicked from #dev by alice (enough)");
	irc_want(d, ":alice!alice@chatd KICK #dev bob :enough");
	txt_want(b, "-!- bob has joined #lobby");
	txt_send(b, "/who");
	txt_want(b, "-!- 1 user in #lobby: @bob");
	txt_send(a, "/who");
	txt_want(a, "-!- 3 users in #dev: @carol, @alice, dan");
	/* An IRC operator on node b kicks a text user on node a. */
	txt_send(c, "/op dan");
	txt_want(c, "-!- carol made dan an operator of #dev");
	txt_want(a, "-!- carol made dan an operator of #dev");
	irc_want(d, ":carol!carol@chatd MODE #dev +o dan");
	irc_send(d, "KICK #dev alice :bye now");
	irc_want(d, ":dan!dan@chatd KICK #dev alice :bye now");
	txt_want(a, "-!- alice was kicked from #dev by dan (bye now)");
	txt_want(c, "-!- alice was kicked from #dev by dan (bye now)");
	txt_want(a, "-!- alice has joined #lobby");
	txt_want(b, "-!- alice has joined #lobby");
	txt_send(c, "/deop dan");
	txt_want(c, "-!- carol removed dan as an operator of #dev");
	irc_want(d, ":carol!carol@chatd MODE #dev -o dan");
	/* Succession: carol (node c) leaves; the longest present member,
	 * dan on node b, becomes operator, as bob there sees. */
	txt_send(b, "/join dev");
	txt_want(b, "-!- bob has joined #dev");
	txt_want(b, "-!- topic of #dev: new topic (set by alice)");
	irc_want(d, ":bob!bob@chatd JOIN #dev");
	txt_want(c, "-!- bob has joined #dev");
	txt_send(c, "/quit");
	txt_want(c, "-!- bye");
	txt_want(b, "-!- carol has quit (bye)");
	txt_want(b, "-!- dan is now an operator of #dev");
	irc_want(d, ":carol!carol@chatd QUIT :Client Quit");
	irc_want(d, ":chatd MODE #dev +o dan");
	irc_send(d, "KICK #dev bob");
	txt_want(b, "-!- bob was kicked from #dev by dan");
	irc_close(d);
	conn_close(a);
	conn_close(b);
	conn_close(c);
	cl_stop(&C);
}
END_TEST

/* Read a replay of want (n full lines, stamps included) on c: the header,
 * the lines byte for byte, the end; where says which replay in failures. */
static void
want_replay(struct conn *c, const char *where, const char *room,
    char want[][512], int n)
{
	char head[128], line[8192];
	int i;

	snprintf(head, sizeof head, "-!- last %d message%s in %s:", n,
	    n == 1 ? "" : "s", room);
	/* A node just restarted may still be hearing who is where. */
	while (conn_line(c, line, sizeof line, IRC_WAIT) >= 0 &&
	    strstr(line, " has joined #") != NULL)
		;
	if (strcmp(line_text(line), head) != 0)
		irc_fail_at(__FILE__, __LINE__, "%s: want \"%s\", got \"%s\"",
		    where, head, line);
	for (i = 0; i < n; i++)
		if (conn_line(c, line, sizeof line, IRC_WAIT) < 0 ||
		    strcmp(line, want[i]) != 0)
			irc_fail_at(__FILE__, __LINE__,
			    "%s: replay line %d: want \"%s\", got \"%s\"",
			    where, i, want[i], line);
	txt_want(c, "-!- end of history");
}

START_TEST(test_history)
{
	struct conn *a, *b, *c, *x;
	struct ircc *e;
	char want[3][512];

	if (!cl_start(&C, "test_history", 2, NULL))
		return;
	a = cl_txt_user(0, "alice", NULL, 0);
	b = cl_txt_user(1, "bob", (struct conn *[]){ a }, 1);
	txt_send(a, "one");
	txt_send(a, "two");
	ck_assert(conn_line(b, want[0], sizeof want[0], IRC_WAIT) > 0);
	ck_assert(conn_line(b, want[1], sizeof want[1], IRC_WAIT) > 0);
	ck_assert_msg(strcmp(line_text(want[1]), "<alice> two") == 0,
	    "w0=[%s] w1=[%s]", want[0], want[1]);
	txt_send(b, "/me three");
	ck_assert(conn_line(a, want[2], sizeof want[2], IRC_WAIT) > 0);
	ck_assert_str_eq(line_text(want[2]), "* bob three");

	/* Any node replays the room's history: the other node's lines too. */
	c = conn_login(PORT(1), NULL);
	ck_assert(c != NULL);
	want_replay(c, "a new user on node b", "#lobby", want, 3);
	txt_send(c, "/history 2");
	want_replay(c, "/history 2 on node b", "#lobby", want + 1, 2);
	conn_close(c);

	/* It outlives the node the lines were said on. */
	conn_close(a);
	txt_find(b, "alice has quit");
	cl_node_stop(&C, 0);
	cl_node_start(&C, 0);
	ck_assert(cl_wait_clients(&C, 4, 5000));
	x = conn_login(PORT(0), NULL);
	ck_assert(x != NULL);
	want_replay(x, "node a restarted", "#lobby", want, 3);
	conn_close(x);
	/* CHATHISTORY on the restarted node, from an IRC client. */
	e = irc_register(PORT(0), "erin", "batch", "draft/chathistory",
	    "message-tags", "server-time", (char *)NULL);
	irc_send(e, "JOIN #lobby");
	irc_want(e, ":erin!erin@chatd JOIN #lobby");
	irc_until(e, "366");
	irc_send(e, "CHATHISTORY LATEST #lobby * 10");
	irc_want(e, ":chatd BATCH " ANY " chathistory #lobby");
	irc_want(e, ":alice!alice@chatd PRIVMSG #lobby :one");
	irc_want(e, ":alice!alice@chatd PRIVMSG #lobby :two");
	irc_want(e,
	    ":bob!bob@chatd PRIVMSG #lobby :\x01"
	    "ACTION three\x01");
	irc_want(e, ":chatd BATCH " ANY);
	irc_close(e);

	/* Every node gone: Redis still has it for the next one. */
	txt_send(b, "/quit");
	txt_find(b, "-!- bye");
	conn_close(b);
	cl_node_stop(&C, 0);
	cl_node_stop(&C, 1);
	cl_node_start(&C, 1);
	x = conn_login(PORT(1), NULL);
	ck_assert(x != NULL);
	want_replay(x, "both nodes restarted", "#lobby", want, 3);
	txt_send(x, "/history");
	want_replay(x, "/history after both restarted", "#lobby", want, 3);
	conn_close(x);
	cl_stop(&C);
}
END_TEST

START_TEST(test_presence)
{
	struct conn *a, *b;
	struct ircc *d, *e;

	if (!cl_start(&C, "test_presence", 2, NULL))
		return;
	a = cl_txt_user(0, "alice", NULL, 0);
	d = cl_irc_join(0, "dan", "#lobby");
	txt_want(a, "-!- dan has joined #lobby");
	/* Arriving on node b: join, then the nick change. */
	b = txt_login(PORT(1), NULL);
	txt_find(a, "has joined #lobby");
	irc_until(d, "JOIN");
	txt_send(b, "/nick bob");
	txt_find(b, "is now known as bob");
	txt_find(a, "is now known as bob");
	irc_until(d, "NICK");
	ck_assert_str_eq(d->m.params[0], "bob");
	/* Parts and joins. */
	txt_send(b, "/join dev");
	txt_want(b, "-!- bob has joined #dev");
	txt_want(a, "-!- bob has left #lobby");
	irc_want(d, ":bob!bob@chatd PART #lobby");
	txt_send(b, "/join lobby");
	txt_want(b, "-!- bob has joined #lobby");
	txt_want(a, "-!- bob has joined #lobby");
	irc_want(d, ":bob!bob@chatd JOIN #lobby");
	txt_send(b, "/nick bobby");
	txt_want(b, "-!- bob is now known as bobby");
	txt_want(a, "-!- bob is now known as bobby");
	irc_want(d, ":bob!bob@chatd NICK bobby");
	/* An IRC user on node b: join, part with a reason, nick, quit. */
	e = cl_irc_join(1, "erin", "#lobby");
	txt_want(a, "-!- erin has joined #lobby");
	txt_want(b, "-!- erin has joined #lobby");
	irc_want(d, ":erin!erin@chatd JOIN #lobby");
	irc_send(e, "PART #lobby :lunch");
	txt_want(a, "-!- erin has left #lobby (lunch)");
	irc_want(d, ":erin!erin@chatd PART #lobby :lunch");
	irc_send(e, "JOIN #lobby");
	txt_want(a, "-!- erin has joined #lobby");
	irc_want(d, ":erin!erin@chatd JOIN #lobby");
	irc_send(e, "NICK erika");
	txt_want(a, "-!- erin is now known as erika");
	irc_want(d, ":erin!erin@chatd NICK erika");
	irc_send(e, "QUIT :gone");
	txt_want(a, "-!- erika has quit (gone)");
	irc_want(d, ":erika!erin@chatd QUIT :Quit: gone");
	irc_close(e);
	/* Text quits: with a reason, and a closed connection. */
	txt_send(b, "/quit see you");
	txt_want(a, "-!- bobby has quit (see you)");
	irc_until(d, "QUIT");
	ck_assert_str_eq(irc_last(&d->m), "Quit: see you");
	conn_close(b);
	b = cl_txt_user(1, "bert", (struct conn *[]){ a }, 1);
	irc_until(d, "NICK");
	conn_close(b);
	txt_want(a, "-!- bert has quit (connection closed)");
	irc_until(d, "QUIT");
	ck_assert_str_eq(irc_last(&d->m), "Connection closed");
	ck_assert(conns_quiet((struct conn *[]){ a, d->c }, 2, 300));
	irc_close(d);
	conn_close(a);
	cl_stop(&C);
}
END_TEST

/* The load: senders on every node, receivers on every node (one IRC). */
#define LOAD_SENDERS 4
#define LOAD_EACH    2500 /* 10,000 messages in all */
#define LOAD_CHUNK   50
#define LOAD_MS      60000

struct member {
	struct conn *c;
	int irc;
	int self; /* its sender index, or -1 */
	int next[LOAD_SENDERS];
	int got;
};

/* Take the lines member m has; fail on a message out of order. */
static void
load_drain(struct member *m)
{
	char line[8192];
	const char *t, *p;
	int s, k;

	while (conn_line(m->c, line, sizeof line, 0) >= 0) {
		if (m->irc) {
			if ((p = strstr(line, " PRIVMSG #load :")) == NULL)
				continue;
			t = p + strlen(" PRIVMSG #load :");
		} else {
			if ((t = line_body(line)) == NULL || t[0] != '<' ||
			    (t = strstr(t, "> ")) == NULL)
				continue;
			t += 2;
		}
		if (sscanf(t, "s%d %d", &s, &k) != 2 || s < 0 ||
		    s >= LOAD_SENDERS)
			irc_fail_at(
			    __FILE__, __LINE__, "strange line: %s", line);
		if (s == m->self)
			irc_fail_at(__FILE__, __LINE__,
			    "s%d got its own message back: %s", s, line);
		if (k != m->next[s])
			irc_fail_at(__FILE__, __LINE__,
			    "a member got s%d's message %d where %d was next "
			    "(%s)",
			    s, k, m->next[s],
			    k < m->next[s] ? "a duplicate or out of order" :
					     "a loss or out of order");
		m->next[s]++;
		m->got++;
	}
}

START_TEST(test_ten_thousand)
{
	static const char *const args[] = { "--rate", "0", NULL };
	static const int node_of[] = { 0, 1, 2, 0, 0, 1, 2 };
	struct member mem[7];
	struct pollfd pfd[7];
	struct ircc *irc = NULL;
	char name[16], want[64], buf[LOAD_CHUNK * 32];
	int i, j, k, s, sent = 0, want_total, done;
	size_t len;
	long end;

	if (!cl_start(&C, "test_ten_thousand", 3, args))
		return;
	memset(mem, 0, sizeof mem);
	/* s0..s3 (nodes a, b, c, a), then r4 (a, text), r5 (b, IRC), r6 (c,
	 * text); each joins #load after every earlier member saw the
	 * previous one arrive there. */
	for (i = 0; i < 7; i++) {
		snprintf(
		    name, sizeof name, "%c%d", i < LOAD_SENDERS ? 's' : 'r', i);
		mem[i].self = i < LOAD_SENDERS ? i : -1;
		if (i == 5) {
			irc = cl_irc_join(node_of[i], name, "#load");
			mem[i].c = irc->c;
			mem[i].irc = 1;
		} else {
			mem[i].c = txt_login(PORT(node_of[i]), name);
			txt_send(mem[i].c, "/join load");
			snprintf(
			    want, sizeof want, "%s has joined #load", name);
			txt_find(mem[i].c, want);
		}
		for (j = 0; j < i; j++)
			if (mem[j].irc) {
				snprintf(want, sizeof want, ":%s!%s@chatd JOIN",
				    name, name);
				ck_assert(cl_txt_wait(mem[j].c, want, NULL, 0,
					      IRC_WAIT) >= 0);
			} else {
				snprintf(want, sizeof want,
				    "%s has joined #load", name);
				txt_find(mem[j].c, want);
			}
	}
	/* Send in chunks from every sender in turn, reading all the while. */
	end = harness_now_ms() + LOAD_MS;
	for (k = 0; k < LOAD_EACH; k += LOAD_CHUNK) {
		for (s = 0; s < LOAD_SENDERS; s++) {
			len = 0;
			for (j = k; j < k + LOAD_CHUNK && j < LOAD_EACH; j++)
				len += (size_t)snprintf(buf + len,
				    sizeof buf - len, "s%d %d\n", s, j);
			ck_assert_int_eq(conn_send_raw(mem[s].c, buf, len), 0);
			sent += j - k;
		}
		for (i = 0; i < 7; i++)
			load_drain(&mem[i]);
	}
	ck_assert_int_eq(sent, LOAD_SENDERS * LOAD_EACH);
	for (;;) {
		done = 1;
		for (i = 0; i < 7; i++) {
			want_total = LOAD_SENDERS * LOAD_EACH -
			    (mem[i].self >= 0 ? LOAD_EACH : 0);
			if (mem[i].got < want_total)
				done = 0;
			pfd[i].fd = mem[i].c->fd;
			pfd[i].events = POLLIN;
		}
		if (done)
			break;
		if (harness_now_ms() > end) {
			for (i = 0; i < 7; i++)
				fprintf(stderr, "member %d: got %d\n", i,
				    mem[i].got);
			irc_fail_at(__FILE__, __LINE__,
			    "10,000 messages not all delivered in %d s",
			    LOAD_MS / 1000);
		}
		(void)poll(pfd, 7, 100);
		for (i = 0; i < 7; i++)
			load_drain(&mem[i]);
	}
	/* Exactly once: nothing more comes. */
	usleep(500000);
	for (i = 0; i < 7; i++) {
		load_drain(&mem[i]);
		for (s = 0; s < LOAD_SENDERS; s++)
			ck_assert_int_eq(
			    mem[i].next[s], s == mem[i].self ? 0 : LOAD_EACH);
	}
	for (i = 0; i < 7; i++)
		if (mem[i].irc)
			irc_close(irc);
		else
			conn_close(mem[i].c);
	cl_stop(&C);
}
END_TEST

Suite *
test_suite(void)
{
	Suite *s = suite_create("redis_cluster");
	TCase *tc = tcase_create("core");

	tcase_set_timeout(tc, TEST_TIMEOUT);
	tcase_add_unchecked_fixture(
	    tc, redis_srv_suite_setup, redis_srv_suite_teardown);
	tcase_add_test(tc, test_room_text);
	tcase_add_test(tc, test_room_irc);
	tcase_add_test(tc, test_nick_unique);
	tcase_add_test(tc, test_private);
	tcase_add_test(tc, test_listings_text);
	tcase_add_test(tc, test_listings_irc);
	tcase_add_test(tc, test_ops_kicks);
	tcase_add_test(tc, test_history);
	tcase_add_test(tc, test_presence);
	tcase_add_test(tc, test_ten_thousand);
	suite_add_tcase(s, tc);
	return s;
}
