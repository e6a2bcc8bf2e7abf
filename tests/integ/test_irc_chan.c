/* test_irc_chan.c: irc-v1 §7, JOIN, PART, NAMES and TOPIC. */
#define _DEFAULT_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "check_main.h"
#include "ircc.h"

static void
join(struct ircc *ic, const char *room)
{
	irc_send(ic, "JOIN %s", room);
	irc_until(ic, "366");
}

START_TEST(test_join)
{
	struct srv s;
	struct ircc *a, *b;
	struct conn *t;

	irc_srv_start(&s, NULL);
	a = irc_user(s.port, "alice");
	b = irc_user(s.port, "bob");
	t = txt_login(s.port, "ann");
	/* The JOIN first (one param), then 353 and 366, nothing else. */
	irc_send(a, "JOIN #j");
	irc_want(a, ":alice!alice@chatd JOIN #j");
	ck_assert_int_eq(a->m.nparams, 1);
	irc_want(a, ":chatd 353 alice = #j :@alice");
	irc_want(a, ":chatd 366 alice #j :End of /NAMES list");
	irc_nothing(a);
	irc_send(b, "JOIN #j");
	irc_want(b, ":bob!bob@chatd JOIN #j");
	irc_want(b, ":chatd 353 bob = #j :@alice bob");
	irc_want(b, ":chatd 366 bob #j :End of /NAMES list");
	irc_nothing(b);
	irc_want(a, ":bob!bob@chatd JOIN #j");
	/* Text users arrive the same way. */
	txt_send(t, "/join j");
	irc_want(a, ":ann!ann@chatd JOIN #j");
	irc_want(b, ":ann!ann@chatd JOIN #j");
	/* Already a member: nothing. Keys: ignored. */
	irc_send(a, "JOIN #j");
	irc_nothing(a);
	irc_nothing(b);
	irc_send(a, "JOIN #k secretkey");
	irc_want(a, ":alice!alice@chatd JOIN #k");
	irc_until(a, "366");
	/* A list, each name in turn as if alone. */
	irc_send(a, "JOIN #l1,bad,#l2,#j key1,key2");
	irc_want(a, ":alice!alice@chatd JOIN #l1");
	irc_want(a, ":chatd 353 alice = #l1 :@alice");
	irc_want(a, ":chatd 366 alice #l1 :" ANY);
	irc_want(a, ":chatd 479 alice bad :Illegal channel name");
	irc_want(a, ":alice!alice@chatd JOIN #l2");
	irc_want(a, ":chatd 353 alice = #l2 :@alice");
	irc_want(a, ":chatd 366 alice #l2 :" ANY);
	irc_nothing(a);
	/* JOIN 0: a PART without reason for each, in the order joined. */
	irc_send(a, "JOIN 0");
	irc_want(a, ":alice!alice@chatd PART #j");
	ck_assert_int_eq(a->m.nparams, 1);
	irc_want(a, ":alice!alice@chatd PART #k");
	irc_want(a, ":alice!alice@chatd PART #l1");
	irc_want(a, ":alice!alice@chatd PART #l2");
	irc_nothing(a);
	irc_want(b, ":alice!alice@chatd PART #j");
	txt_find(t, "alice has left #j");
	irc_send(a, "WHOIS alice");
	irc_want(a, ":chatd 311 alice alice alice chatd * :Real alice");
	irc_want(a, ":chatd 312 alice alice chatd :" ANY);
	srv_stop_ok(&s);
}
END_TEST

START_TEST(test_join_topic)
{
	struct srv s;
	struct ircc *a, *b;
	struct irc_msg *m;

	irc_srv_start(&s, NULL);
	a = irc_user(s.port, "alice");
	b = irc_user(s.port, "bob");
	join(a, "#t");
	irc_send(a, "TOPIC #t :the topic");
	irc_until(a, "TOPIC");
	irc_send(b, "JOIN #t");
	irc_want(b, ":bob!bob@chatd JOIN #t");
	irc_want(b, ":chatd 332 bob #t :the topic");
	m = irc_want(b, ":chatd 333 bob #t alice " NUM);
	ck_assert_msg(labs(atol(m->params[3]) - (long)time(NULL)) <= 60,
	    "333's time %s is not a unix time of now", m->params[3]);
	irc_want(b, ":chatd 353 bob = #t :@alice bob");
	irc_want(b, ":chatd 366 bob #t :" ANY);
	irc_nothing(b);
	srv_stop_ok(&s);
}
END_TEST

START_TEST(test_join_limit)
{
	static const char *const args[] = { "--rate", "0", NULL };
	struct srv s;
	struct ircc *a;
	char list[512];
	int i, j;

	irc_srv_start(&s, args);
	a = irc_user(s.port, "alice");
	for (i = 0; i < 50; i += 25) {
		list[0] = '\0';
		for (j = i; j < i + 25; j++)
			snprintf(list + strlen(list),
			    sizeof list - strlen(list), "%s#r%02d",
			    j > i ? "," : "", j);
		irc_send(a, "JOIN %s", list);
		for (j = i; j < i + 25; j++) {
			irc_want(a, ":alice!alice@chatd JOIN #r%02d", j);
			irc_until(a, "366");
		}
	}
	/* Already a member comes before the limit. */
	irc_send(a, "JOIN #r07");
	irc_nothing(a);
	irc_send(a, "JOIN #r50");
	irc_want(a, ":chatd 405 alice #r50 :You have joined too many channels");
	irc_send(a, "JOIN #r51,bad!");
	irc_want(a, ":chatd 405 alice #r51 :" ANY);
	irc_want(a, ":chatd 479 alice bad! :" ANY);
	irc_send(a, "PART #r00");
	irc_until(a, "PART");
	irc_send(a, "JOIN #r50");
	irc_want(a, ":alice!alice@chatd JOIN #r50");
	srv_stop_ok(&s);
}
END_TEST

/* The names of a room across its 353 lines, checked line by line. */
static void
want_names(
    struct ircc *ic, const char *room, const char *names, const char *end)
{
	char got[8192] = "", g[IRC_LINEMAX];
	struct irc_msg *m;
	int lines = 0;

	for (;;) {
		ck_assert_msg(irc_read(ic, IRC_WAIT) == 1,
		    "%s: want 353 or 366 lines, got none", ic->name);
		m = &ic->m;
		if (strcmp(m->command, "366") == 0)
			break;
		ck_assert_msg(strcmp(m->command, "353") == 0 &&
			strcmp(m->params[1], "=") == 0 &&
			strcmp(m->params[2], room) == 0,
		    "want 353 %s = %s :..., got %s", ic->name, room,
		    irc_show(m, g, sizeof g));
		ck_assert_msg(
		    m->len + 2 <= 512, "353 line of %zu bytes", m->len + 2);
		ck_assert_msg(m->params[3][0] != ' ' &&
			m->params[3][strlen(m->params[3]) - 1] != ' ' &&
			strstr(m->params[3], "  ") == NULL,
		    "names need single spaces, no trailing space: \"%s\"",
		    m->params[3]);
		snprintf(got + strlen(got), sizeof got - strlen(got), "%s%s",
		    lines++ > 0 ? " " : "", m->params[3]);
	}
	ck_assert_msg(lines > 0, "no 353 before the 366");
	ck_assert_msg(m->nparams == 3 && strcmp(m->params[1], end) == 0,
	    "want 366 %s %s :..., got %s", ic->name, end,
	    irc_show(m, g, sizeof g));
	ck_assert_msg(strcmp(got, names) == 0, "want names \"%s\"\n got \"%s\"",
	    names, got);
}

START_TEST(test_names_many)
{
	static const char *const args[] = { "--rate", "0", NULL };
	struct srv s;
	struct ircc *u[60], *x;
	char nick[32], names[4096] = "";
	int i;

	irc_srv_start(&s, args);
	/* 60 members of 16-character nicks: about 1 KB of names. */
	for (i = 0; i < 60; i++) {
		snprintf(nick, sizeof nick, "member%010d", i);
		u[i] = irc_user(s.port, nick);
		irc_send(u[i], "JOIN #big");
		irc_until(u[i], "366");
		snprintf(names + strlen(names), sizeof names - strlen(names),
		    "%s%s%s", i > 0 ? " " : "", i == 0 ? "@" : "", nick);
	}
	x = irc_user(s.port, "x");
	irc_send(x, "NAMES #big");
	want_names(x, "#big", names, "#big");
	irc_send(x, "JOIN #BIG");
	irc_want(x, ":x!x@chatd JOIN #big");
	strcat(names, " x");
	want_names(x, "#big", names, "#big");
	srv_stop_ok(&s);
}
END_TEST

START_TEST(test_part)
{
	struct srv s;
	struct ircc *a, *b, *c;

	irc_srv_start(&s, NULL);
	a = irc_user(s.port, "alice");
	b = irc_user(s.port, "bob");
	c = irc_user(s.port, "carol");
	join(a, "#p");
	join(b, "#p");
	join(c, "#other");
	irc_sync(a);
	irc_send(a, "PART #nope");
	irc_want(a, ":chatd 403 alice #nope :No such channel");
	irc_send(a, "PART bad!");
	irc_want(a, ":chatd 403 alice bad! :" ANY);
	irc_send(a, "PART #other");
	irc_want(a, ":chatd 442 alice #other :You're not on that channel");
	irc_nothing(a);
	irc_nothing(c);
	/* Without a reason: one param; with one: two; empty: none. */
	irc_send(b, "PART #P");
	irc_want(b, ":bob!bob@chatd PART #p");
	ck_assert_int_eq(b->m.nparams, 1);
	irc_want(a, ":bob!bob@chatd PART #p");
	join(b, "#p");
	irc_want(a, ":bob!bob@chatd JOIN #p");
	irc_send(b, "PART #p :see you");
	irc_want(b, ":bob!bob@chatd PART #p :see you");
	irc_want(a, ":bob!bob@chatd PART #p :see you");
	join(b, "#p");
	irc_want(a, ":bob!bob@chatd JOIN #p");
	irc_send(b, "PART #p :");
	irc_want(b, ":bob!bob@chatd PART #p");
	ck_assert_int_eq(b->m.nparams, 1);
	irc_want(a, ":bob!bob@chatd PART #p");
	/* No more of the room's traffic. */
	irc_send(a, "PRIVMSG #p :after");
	irc_nothing(b);
	/* A list, each in turn. */
	join(b, "#p");
	irc_want(a, ":bob!bob@chatd JOIN #p");
	join(b, "#q");
	irc_send(b, "PART #q,#nope,#other,#p :bye");
	irc_want(b, ":bob!bob@chatd PART #q :bye");
	irc_want(b, ":chatd 403 bob #nope :" ANY);
	irc_want(b, ":chatd 442 bob #other :" ANY);
	irc_want(b, ":bob!bob@chatd PART #p :bye");
	/* An emptied room is removed. */
	irc_send(b, "NAMES #q");
	irc_want(b, ":chatd 366 bob #q :" ANY);
	irc_send(b, "PART #q");
	irc_want(b, ":chatd 403 bob #q :" ANY);
	srv_stop_ok(&s);
}
END_TEST

START_TEST(test_names)
{
	struct srv s;
	struct ircc *a, *b, *c;

	irc_srv_start(&s, NULL);
	a = irc_user(s.port, "alice");
	b = irc_user(s.port, "bob");
	c = irc_user(s.port, "carol");
	join(a, "#n");
	join(b, "#n");
	/* Nothing before the 353; for a non-member too. */
	irc_send(c, "NAMES #n");
	irc_want(c, ":chatd 353 carol = #n :@alice bob");
	irc_want(c, ":chatd 366 carol #n :End of /NAMES list");
	irc_send(c, "NAMES #N");
	irc_want(c, ":chatd 353 carol = #n :@alice bob");
	irc_want(c, ":chatd 366 carol #N :End of /NAMES list");
	/* Anything else: only that 366. */
	irc_send(c, "NAMES #nope");
	irc_want(c, ":chatd 366 carol #nope :End of /NAMES list");
	irc_send(c, "NAMES bad!");
	irc_want(c, ":chatd 366 carol bad! :End of /NAMES list");
	irc_send(c, "NAMES #n,#nope");
	irc_want(c, ":chatd 366 carol #n,#nope :End of /NAMES list");
	irc_send(c, "NAMES");
	irc_want(c, ":chatd 366 carol * :End of /NAMES list");
	irc_nothing(c);
	srv_stop_ok(&s);
}
END_TEST

START_TEST(test_topic)
{
	struct srv s;
	struct ircc *a, *b, *c;
	struct conn *t;
	struct irc_msg *m;
	char text[520];

	irc_srv_start(&s, NULL);
	t = txt_login(s.port, "ann");
	a = irc_user(s.port, "alice");
	b = irc_user(s.port, "bob");
	c = irc_user(s.port, "carol");
	join(a, "#t");
	join(b, "#t");
	irc_sync(a);
	irc_send(a, "TOPIC #nope");
	irc_want(a, ":chatd 403 alice #nope :No such channel");
	irc_send(a, "TOPIC #nope :x");
	irc_want(a, ":chatd 403 alice #nope :" ANY);
	/* Queries, for non-members too. */
	irc_send(c, "TOPIC #t");
	irc_want(c, ":chatd 331 carol #t :No topic is set");
	irc_send(c, "TOPIC #t :mine");
	irc_want(c, ":chatd 442 carol #t :You're not on that channel");
	irc_send(b, "TOPIC #t :mine");
	irc_want(b, ":chatd 482 bob #t :You're not channel operator");
	irc_nothing(a);
	/* Set: to every member, the setter included. */
	irc_send(a, "TOPIC #T :hello world");
	irc_want(a, ":alice!alice@chatd TOPIC #t :hello world");
	irc_want(b, ":alice!alice@chatd TOPIC #t :hello world");
	irc_send(c, "TOPIC #t");
	irc_want(c, ":chatd 332 carol #t :hello world");
	m = irc_want(c, ":chatd 333 carol #t alice " NUM);
	ck_assert(labs(atol(m->params[3]) - (long)time(NULL)) <= 60);
	/* An empty topic clears it, announced with an empty param. */
	irc_send(a, "TOPIC #t :");
	irc_want(a, ":alice!alice@chatd TOPIC #t :");
	ck_assert_int_eq(a->m.nparams, 2);
	irc_want(b, ":alice!alice@chatd TOPIC #t :");
	irc_send(c, "TOPIC #t");
	irc_want(c, ":chatd 331 carol #t :" ANY);
	/* Cut to TOPICLEN (300), whoever sets it. */
	memset(text, 'x', 450);
	text[450] = '\0';
	irc_send(a, "TOPIC #t :%s", text);
	text[300] = '\0';
	irc_want(a, ":alice!alice@chatd TOPIC #t :%s", text);
	memset(text, 'y', 500);
	text[500] = '\0';
	txt_send(t, "%s", "/join t");
	irc_want(a, ":ann!ann@chatd JOIN #t");
	irc_send(a, "MODE #t +o ann");
	irc_want(a, ":alice!alice@chatd MODE #t +o ann");
	txt_send(t, "/topic %s", text);
	text[300] = '\0';
	irc_want(a, ":ann!ann@chatd TOPIC #t :%s", text);
	irc_send(c, "TOPIC #t");
	irc_want(c, ":chatd 332 carol #t :%s", text);
	irc_want(c, ":chatd 333 carol #t ann " NUM);
	srv_stop_ok(&s);
}
END_TEST

Suite *
test_suite(void)
{
	Suite *s = suite_create("integ_irc_chan");
	TCase *tc = tcase_create("chan");

	tcase_set_timeout(tc, TEST_TIMEOUT);
	tcase_add_test(tc, test_join);
	tcase_add_test(tc, test_join_topic);
	tcase_add_test(tc, test_join_limit);
	tcase_add_test(tc, test_names_many);
	tcase_add_test(tc, test_part);
	tcase_add_test(tc, test_names);
	tcase_add_test(tc, test_topic);
	suite_add_tcase(s, tc);
	return s;
}
