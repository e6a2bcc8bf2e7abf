/* test_irc_mode.c: irc-v1 §7, MODE, KICK, LIST and operator succession. */
#define _DEFAULT_SOURCE

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "check_main.h"
#include "ircc.h"

static void
join(struct ircc *ic, const char *room)
{
	irc_send(ic, "JOIN %s", room);
	irc_until(ic, "366");
}

START_TEST(test_mode_query)
{
	struct srv s;
	struct ircc *a, *c;
	struct irc_msg *m;

	irc_srv_start(&s, NULL);
	a = irc_user(s.port, "alice");
	c = irc_user(s.port, "carol");
	join(a, "#m");
	/* For a non-member too. */
	irc_send(c, "MODE #M");
	irc_want(c, ":chatd 324 carol #m +nt");
	m = irc_want(c, ":chatd 329 carol #m " NUM);
	ck_assert(labs(atol(m->params[2]) - (long)time(NULL)) <= 60);
	/* The lists: only their end. */
	irc_send(c, "MODE #m b");
	irc_want(c, ":chatd 368 carol #m :" ANY);
	irc_send(c, "MODE #m +b");
	irc_want(c, ":chatd 368 carol #m :" ANY);
	irc_send(c, "MODE #m e");
	irc_want(c, ":chatd 349 carol #m :" ANY);
	irc_send(c, "MODE #m +e");
	irc_want(c, ":chatd 349 carol #m :" ANY);
	irc_send(c, "MODE #m I");
	irc_want(c, ":chatd 347 carol #m :" ANY);
	irc_send(c, "MODE #m +I");
	irc_want(c, ":chatd 347 carol #m :" ANY);
	/* No such room, a comma list included. */
	irc_send(c, "MODE #nope");
	irc_want(c, ":chatd 403 carol #nope :No such channel");
	irc_send(c, "MODE #m,#nope");
	irc_want(c, ":chatd 403 carol #m,#nope :" ANY);
	irc_send(c, "MODE #nope +o carol");
	irc_want(c, ":chatd 403 carol #nope :" ANY);
	irc_nothing(c);
	srv_stop_ok(&s);
}
END_TEST

START_TEST(test_mode_op)
{
	struct srv s;
	struct ircc *a, *b, *c, *d;

	irc_srv_start(&s, NULL);
	a = irc_user(s.port, "alice");
	b = irc_user(s.port, "bob");
	c = irc_user(s.port, "carol");
	d = irc_user(s.port, "dave");
	join(a, "#m");
	join(b, "#m");
	join(c, "#m");
	irc_sync(a);
	irc_sync(b);
	/* A change: one line to every member, the setter included. */
	irc_send(a, "MODE #m +o bob");
	irc_want(a, ":alice!alice@chatd MODE #m +o bob");
	ck_assert_int_eq(a->m.nparams, 3);
	irc_want(b, ":alice!alice@chatd MODE #m +o bob");
	irc_want(c, ":alice!alice@chatd MODE #m +o bob");
	/* No change: nothing. */
	irc_send(a, "MODE #m +o bob");
	irc_nothing(a);
	irc_nothing(c);
	/* One line per change, left to right under the current sign. */
	irc_send(a, "MODE #m -o+o bob carol");
	irc_want(a, ":alice!alice@chatd MODE #m -o bob");
	irc_want(a, ":alice!alice@chatd MODE #m +o carol");
	irc_want(c, ":alice!alice@chatd MODE #m -o bob");
	irc_want(c, ":alice!alice@chatd MODE #m +o carol");
	irc_send(a, "MODE #m -oo carol carol");
	irc_want(a, ":alice!alice@chatd MODE #m -o carol");
	irc_nothing(a);
	irc_send(a, "MODE #m +oo bob carol");
	irc_want(a, ":alice!alice@chatd MODE #m +o bob");
	irc_want(a, ":alice!alice@chatd MODE #m +o carol");
	irc_send(a, "MODE #m -oo bob carol");
	irc_until(a, "MODE");
	irc_until(a, "MODE");
	irc_sync(b);
	irc_sync(c);
	/* Not in the room; no argument left: ignored. */
	irc_send(a, "MODE #m +o nobody");
	irc_want(a, ":chatd 441 alice nobody #m :They aren't on that channel");
	irc_send(a, "MODE #m +o dave");
	irc_want(a, ":chatd 441 alice dave #m :" ANY);
	irc_send(a, "MODE #m +o");
	irc_nothing(a);
	/* +n and +t: nothing; -n, -t and other letters: 472 each. */
	irc_send(a, "MODE #m +nt");
	irc_nothing(a);
	irc_send(a, "MODE #m -n");
	irc_want(a, ":chatd 472 alice n :is unknown mode char to me");
	irc_send(a, "MODE #m -t");
	irc_want(a, ":chatd 472 alice t :" ANY);
	irc_send(a, "MODE #m +lk 10 key");
	irc_want(a, ":chatd 472 alice l :" ANY);
	irc_want(a, ":chatd 472 alice k :" ANY);
	irc_nothing(a);
	irc_send(a, "MODE #m +xo bob");
	irc_want(a, ":chatd 472 alice x :" ANY);
	irc_want(a, ":alice!alice@chatd MODE #m +o bob");
	irc_send(a, "MODE #m +s");
	irc_want(a, ":chatd 472 alice s :" ANY);
	/* Reading: +b with an argument is a change, not the list query. */
	irc_send(a, "MODE #m +b x!*@*");
	irc_want(a, ":chatd 472 alice b :" ANY);
	irc_nothing(a);
	irc_sync(b);
	irc_sync(c);
	/* Not an operator: 482, nothing changes; not a member: 442. */
	irc_send(c, "MODE #m +o carol");
	irc_want(c, ":chatd 482 carol #m :You're not channel operator");
	irc_send(c, "MODE #m -n");
	irc_want(c, ":chatd 482 carol #m :" ANY);
	irc_send(c, "MODE #m b");
	irc_want(c, ":chatd 368 carol #m :" ANY);
	irc_send(d, "MODE #m +o dave");
	irc_want(d, ":chatd 442 dave #m :You're not on that channel");
	irc_nothing(a);
	irc_send(c, "NAMES #m");
	irc_want(c, ":chatd 353 carol = #m :@alice @bob carol");
	srv_stop_ok(&s);
}
END_TEST

START_TEST(test_mode_user)
{
	struct srv s;
	struct ircc *a;

	irc_srv_start(&s, NULL);
	a = irc_user(s.port, "alice");
	irc_user(s.port, "bob");
	irc_send(a, "MODE alice");
	irc_want(a, ":chatd 221 alice +i");
	irc_send(a, "MODE ALICE");
	irc_want(a, ":chatd 221 alice +i");
	irc_send(a, "MODE bob");
	irc_want(a, ":chatd 502 alice :" ANY);
	irc_send(a, "MODE bob +i");
	irc_want(a, ":chatd 502 alice :" ANY);
	irc_send(a, "MODE nobody");
	irc_want(a, ":chatd 401 alice nobody :" ANY);
	/* i: ignored silently; anything else: one 501. */
	irc_send(a, "MODE alice +i");
	irc_send(a, "MODE alice -i");
	irc_nothing(a);
	irc_send(a, "MODE alice +x");
	irc_want(a, ":chatd 501 alice :Unknown MODE flag");
	irc_send(a, "MODE alice +xyz");
	irc_want(a, ":chatd 501 alice :" ANY);
	irc_nothing(a);
	irc_send(a, "MODE alice +iw");
	irc_want(a, ":chatd 501 alice :" ANY);
	irc_nothing(a);
	srv_stop_ok(&s);
}
END_TEST

START_TEST(test_kick)
{
	struct srv s;
	struct ircc *a, *b, *c, *d;
	char reason[400];

	irc_srv_start(&s, NULL);
	a = irc_user(s.port, "alice");
	b = irc_user(s.port, "bob");
	c = irc_user(s.port, "carol");
	d = irc_user(s.port, "dave");
	join(a, "#k");
	join(b, "#k");
	join(c, "#k");
	irc_sync(a);
	irc_sync(b);
	irc_send(a, "KICK #nope bob");
	irc_want(a, ":chatd 403 alice #nope :No such channel");
	irc_send(d, "KICK #k bob");
	irc_want(d, ":chatd 442 dave #k :" ANY);
	irc_send(c, "KICK #k bob");
	irc_want(c, ":chatd 482 carol #k :" ANY);
	irc_send(a, "KICK #k nobody");
	irc_want(a, ":chatd 441 alice nobody #k :They aren't on that channel");
	irc_send(a, "KICK #k dave");
	irc_want(a, ":chatd 441 alice dave #k :" ANY);
	irc_nothing(b);
	/* Three params, the reason defaulting to the kicker's nick. */
	irc_send(a, "KICK #K bob");
	irc_want(a, ":alice!alice@chatd KICK #k bob :alice");
	irc_want(b, ":alice!alice@chatd KICK #k bob :alice");
	irc_want(c, ":alice!alice@chatd KICK #k bob :alice");
	ck_assert_int_eq(c->m.nparams, 3);
	/* Out of the room. */
	irc_send(a, "PRIVMSG #k :after");
	irc_nothing(b);
	irc_send(d, "NAMES #k");
	irc_want(d, ":chatd 353 dave = #k :@alice carol");
	irc_until(d, "366");
	/* A reason, cut to KICKLEN (300). */
	memset(reason, 'r', 350);
	reason[350] = '\0';
	irc_send(a, "KICK #k carol :%s", reason);
	reason[300] = '\0';
	irc_want(a, ":alice!alice@chatd KICK #k carol :%s", reason);
	irc_find(c, ":alice!alice@chatd KICK #k carol :%s", reason);
	/* Reading: the kicked nick as now spelled, like every nick shown. */
	join(b, "#k");
	irc_want(a, ":bob!bob@chatd JOIN #k");
	irc_send(a, "KICK #k BOB :case");
	irc_want(a, ":alice!alice@chatd KICK #k bob :case");
	srv_stop_ok(&s);
}
END_TEST

START_TEST(test_list)
{
	static const char *const want[] = { ":chatd 322 x #a 2 :hello",
		":chatd 322 x #b 1 :", ":chatd 322 x #lobby 1 :", NULL };
	struct srv s;
	struct ircc *a, *b, *x;
	struct irc_msg *v, w;
	struct conn *t;
	int n, i, j, k;

	irc_srv_start(&s, NULL);
	t = txt_login(s.port, "ann");
	a = irc_user(s.port, "alice");
	b = irc_user(s.port, "bob");
	x = irc_user(s.port, "x");
	join(a, "#a");
	join(b, "#a");
	irc_send(a, "TOPIC #a :hello");
	join(b, "#b");
	irc_sync(a);
	irc_send(x, "LIST");
	irc_want(x, ":chatd 321 x Channel :Users  Name");
	v = irc_collect(x, "323", &n);
	ck_assert_msg(n == 4, "want 3 rooms then 323, got %d lines", n);
	for (i = 0; i < 3; i++) {
		for (j = 0, k = 0; want[j] != NULL; j++) {
			irc_parse(&w, want[j], strlen(want[j]));
			k += irc_match(&v[i], &w);
		}
		ck_assert_msg(k == 1, "unexpected %s", v[i].line);
	}
	irc_parse(&w, ":chatd 323 x :End of /LIST",
	    strlen(":chatd 323 x :End of /LIST"));
	ck_assert_msg(
	    irc_match(&v[3], &w), "want 323 x :End of /LIST: %s", v[3].line);
	free(v);
	/* Named rooms that exist; other params ignored. */
	irc_send(x, "LIST #A chatd");
	irc_want(x, ":chatd 321 x Channel :" ANY);
	irc_want(x, ":chatd 322 x #a 2 :hello");
	irc_want(x, ":chatd 323 x :" ANY);
	irc_send(x, "LIST #nope,#b");
	irc_want(x, ":chatd 321 x Channel :" ANY);
	irc_want(x, ":chatd 322 x #b 1 :");
	irc_want(x, ":chatd 323 x :" ANY);
	irc_send(x, "LIST >1");
	irc_want(x, ":chatd 321 x Channel :" ANY);
	irc_want(x, ":chatd 323 x :" ANY);
	/* A removed room is not listed. */
	irc_send(b, "PART #b");
	irc_until(b, "PART");
	irc_send(x, "LIST #b");
	irc_want(x, ":chatd 321 x Channel :" ANY);
	irc_want(x, ":chatd 323 x :" ANY);
	conn_close(t);
	srv_stop_ok(&s);
}
END_TEST

START_TEST(test_list_paced)
{
	/*
	 * 2000 rooms with 300-byte topics: ~700 KB of 322 lines against a
	 * 128 KiB --max-queue; a client that reads late is not dropped and
	 * gets every room. A limit of this black-box test: on Linux the
	 * kernel's socket buffers (chatd's send buffer grows to megabytes)
	 * may absorb the whole list, so a server without pacing can pass
	 * here too. (A 4 KB receive window does not help: it slows the
	 * transfer to ~40 KB/s, 17 s, without stopping that growth.)
	 */
	static const char *const args[] = { "--rate", "0", "--max-queue",
		"128K", "-m", "100", NULL };
	struct srv s;
	struct ircc *u, *x;
	char nick[32], list[512], topic[301];
	int i, j, r, n322 = 0;

	memset(topic, 't', 300);
	topic[300] = '\0';
	irc_srv_start(&s, args);
	x = irc_user(s.port, "lister");
	for (i = 0; i < 40; i++) {
		snprintf(nick, sizeof nick, "maker%02d", i);
		u = irc_user(s.port, nick);
		list[0] = '\0';
		for (j = 0; j < 50; j++)
			snprintf(list + strlen(list),
			    sizeof list - strlen(list), "%s#r%04d",
			    j > 0 ? "," : "", i * 50 + j);
		irc_send(u, "JOIN %s", list);
		for (j = 0; j < 50; j++)
			irc_send(u, "TOPIC #r%04d :%s", i * 50 + j, topic);
		irc_sync(u);
	}
	irc_send(x, "LIST");
	usleep(1000 * 1000); /* read nothing for a while */
	irc_want(x, ":chatd 321 lister Channel :" ANY);
	for (;;) {
		r = irc_read(x, 5000);
		ck_assert_msg(r == 1, "after %d 322 lines: %s", n322,
		    r == 0 ? "timeout" : "the connection was closed");
		ck_assert_msg(strcmp(x->m.command, "ERROR") != 0,
		    "dropped after %d rooms: %s", n322, x->m.line);
		if (strcmp(x->m.command, "323") == 0)
			break;
		ck_assert_str_eq(x->m.command, "322");
		n322++;
	}
	ck_assert_int_eq(n322, 2000);
	irc_send(x, "PING still");
	irc_want(x, ":chatd PONG chatd :still");
	srv_stop_ok(&s);
}
END_TEST

START_TEST(test_succession)
{
	struct srv s;
	struct ircc *a, *b, *c;
	struct conn *t;

	irc_srv_start(&s, NULL);
	a = irc_user(s.port, "alice");
	b = irc_user(s.port, "bob");
	c = irc_user(s.port, "carol");
	t = txt_login(s.port, "ann");
	join(a, "#s");
	txt_send(t, "/join s");
	irc_want(a, ":ann!ann@chatd JOIN #s");
	join(b, "#s");
	join(c, "#s");
	irc_sync(a);
	irc_sync(b);
	txt_sync(t);
	/* Another operator is left: no promotion. */
	irc_send(a, "MODE #s +o carol");
	irc_want(b, ":alice!alice@chatd MODE #s +o carol");
	irc_send(a, "PART #s");
	irc_want(b, ":alice!alice@chatd PART #s");
	irc_nothing(b);
	/* The last one leaves: the longest present (ann, a text user) is
	 * made operator, told to IRC members by the server. */
	irc_send(c, "QUIT");
	irc_want(b, ":carol!carol@chatd QUIT :Client Quit");
	irc_want(b, ":chatd MODE #s +o ann");
	ck_assert_int_eq(b->m.nparams, 3);
	txt_find(t, "-!- ann is now an operator of #s");
	/* The status ended with its holder: alice comes back plain. */
	irc_sync(a);
	irc_send(a, "JOIN #s");
	irc_want(a, ":alice!alice@chatd JOIN #s");
	irc_want(a, ":chatd 353 alice = #s :@ann bob alice");
	srv_stop_ok(&s);
}
END_TEST

Suite *
test_suite(void)
{
	Suite *s = suite_create("integ_irc_mode");
	TCase *tc = tcase_create("mode");

	tcase_set_timeout(tc, TEST_TIMEOUT);
	tcase_add_test(tc, test_mode_query);
	tcase_add_test(tc, test_mode_op);
	tcase_add_test(tc, test_mode_user);
	tcase_add_test(tc, test_kick);
	tcase_add_test(tc, test_list);
	tcase_add_test(tc, test_list_paced);
	tcase_add_test(tc, test_succession);
	suite_add_tcase(s, tc);
	return s;
}
