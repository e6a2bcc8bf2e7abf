/* test_irc_query.c: irc-v1 §6, WHO, WHOIS, WHOWAS, AWAY, USERHOST, ISON,
 * LUSERS, TIME, VERSION; and the server name in each of them (§3). */
#define _DEFAULT_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "check_main.h"
#include "ircc.h"

#define ISUPPORT1                                                    \
	"CASEMAPPING=ascii CHANTYPES=# PREFIX=(o)@ CHANMODES=,,,nt " \
	"MODES=1 NICKLEN=16 CHANNELLEN=33 TOPICLEN=300 KICKLEN=300 " \
	"AWAYLEN=200 USERLEN=10 CHANLIMIT=#:50"
#define ISUPPORT2                                             \
	"NETWORK=chatd SAFELIST TARGMAX=JOIN:,PART:,NAMES:1," \
	"WHOIS:1,PRIVMSG:1,NOTICE:1,TAGMSG:1,KICK:1"

static void
join(struct ircc *ic, const char *room)
{
	irc_send(ic, "JOIN %s", room);
	irc_until(ic, "366");
}

/*
 * Read lines up to the terminator term; every line before it must match
 * one of the NULL-terminated wanted lines, each exactly once, in any order
 * (irc-v1 does not order WHO's members).
 */
static void
want_set(struct ircc *ic, const char *term, const char *const *want)
{
	struct irc_msg *v, w;
	char g[IRC_LINEMAX];
	int n, i, j, nw, used[32] = { 0 };

	for (nw = 0; want[nw] != NULL; nw++)
		;
	v = irc_collect(ic, term, &n);
	ck_assert_msg(n - 1 == nw, "%s: want %d lines before the %s, got %d",
	    ic->name, nw, term, n - 1);
	for (i = 0; i < n - 1; i++) {
		for (j = 0; j < nw; j++) {
			irc_parse(&w, want[j], strlen(want[j]));
			if (!used[j] && irc_match(&v[i], &w))
				break;
		}
		ck_assert_msg(j < nw, "%s: unexpected %s", ic->name,
		    irc_show(&v[i], g, sizeof g));
		used[j] = 1;
	}
	free(v);
}

START_TEST(test_who)
{
	static const char *const room[] = {
		":chatd 352 carol #w alice chatd chatd alice H@ :0 Real alice",
		":chatd 352 carol #w bob chatd chatd bob G :0 Real bob",
		":chatd 352 carol #w ann chatd chatd ann H :0 plain-text user",
		NULL
	};
	static const char *const none[] = { NULL };
	static const char *const only[] = { "nobody", "a*", "?lice",
		"alice,bob", "#nope", "*", "#w,#x", "*!*@chatd" };
	struct srv s;
	struct ircc *a, *b, *c;
	struct conn *t;
	size_t i;

	irc_srv_start(&s, NULL);
	a = irc_user(s.port, "alice");
	b = irc_user(s.port, "bob");
	c = irc_user(s.port, "carol");
	t = txt_login(s.port, "ann");
	join(a, "#w");
	join(b, "#w");
	txt_send(t, "/join w");
	txt_find(t, "ann has joined #w");
	irc_send(b, "AWAY :away");
	irc_until(b, "306");
	/* A room, for a non-member too (rooms are public). */
	irc_send(c, "WHO #w");
	want_set(c, "315", room);
	ck_assert_msg(strcmp(c->m.params[1], "#w") == 0 && c->m.nparams == 3 &&
		strcmp(c->m.params[2], "End of WHO list") == 0,
	    "want 315 carol #w :End of WHO list, got %s", c->m.line);
	irc_send(c, "WHO #W o");
	want_set(c, "315", room);
	ck_assert_str_eq(c->m.params[1], "#W");
	/* A nick: channel "*", flags without '@'. */
	irc_send(c, "WHO ALICE");
	irc_want(
	    c, ":chatd 352 carol * alice chatd chatd alice H :0 Real alice");
	irc_want(c, ":chatd 315 carol ALICE :End of WHO list");
	irc_send(c, "WHO bob");
	irc_want(c, ":chatd 352 carol * bob chatd chatd bob G :0 Real bob");
	irc_want(c, ":chatd 315 carol bob :End of WHO list");
	irc_send(c, "WHO ann");
	irc_want(c,
	    ":chatd 352 carol * ann chatd chatd ann H :0 plain-text "
	    "user");
	irc_want(c, ":chatd 315 carol ann :End of WHO list");
	/* Anything else: only the 315, with the mask as given. */
	for (i = 0; i < sizeof only / sizeof only[0]; i++) {
		irc_send(c, "WHO %s", only[i]);
		irc_want(c, ":chatd 315 carol %s :End of WHO list", only[i]);
	}
	irc_send(c, "WHO");
	want_set(c, "315", none);
	ck_assert_str_eq(c->m.params[1], "*");
	srv_stop_ok(&s);
}
END_TEST

START_TEST(test_whois)
{
	struct srv s;
	struct ircc *a, *b;
	struct conn *t;
	struct irc_msg *m;
	long signon;

	irc_srv_start(&s, NULL);
	a = irc_user(s.port, "alice");
	b = irc_user(s.port, "bob");
	t = txt_login(s.port, "ann");
	join(b, "#a");
	join(a, "#b");
	join(b, "#b");
	irc_send(b, "AWAY :lunch");
	irc_until(b, "306");
	irc_sync(a);
	/* In order: 311, 319, 312, 301, 317, 318. Reading: 319 lists the
	 * rooms in the order joined (§10 gives no order). */
	irc_send(a, "WHOIS bob");
	irc_want(a, ":chatd 311 alice bob bob chatd * :Real bob");
	irc_want(a, ":chatd 319 alice bob :@#a #b");
	irc_want(a, ":chatd 312 alice bob chatd :" ANY);
	irc_want(a, ":chatd 301 alice bob :lunch");
	m = irc_want(a,
	    ":chatd 317 alice bob " NUM " " NUM " :seconds idle, "
	    "signon time");
	ck_assert_msg(atol(m->params[2]) <= 10, "idle %s s", m->params[2]);
	signon = atol(m->params[3]);
	ck_assert_msg(labs(signon - (long)time(NULL)) <= 60,
	    "signon %ld is not a unix time of now", signon);
	irc_want(a, ":chatd 318 alice bob :End of /WHOIS list");
	/* Two params: the first is ignored; the nick as given in 318. */
	irc_send(a, "WHOIS whatever BOB");
	irc_want(a, ":chatd 311 alice bob bob chatd * :Real bob");
	irc_until(a, "318");
	ck_assert_str_eq(a->m.params[1], "BOB");
	/* No room, not away: no 319, no 301. */
	irc_send(b, "AWAY");
	irc_until(b, "305");
	irc_send(b, "PART #a,#b");
	irc_until(b, "PART");
	irc_sync(a);
	irc_send(a, "WHOIS bob");
	irc_want(a, ":chatd 311 alice bob bob chatd * :Real bob");
	irc_want(a, ":chatd 312 alice bob chatd :" ANY);
	irc_want(a, ":chatd 317 alice bob " NUM " " NUM " :" ANY);
	irc_want(a, ":chatd 318 alice bob :" ANY);
	/* A text user. */
	irc_send(a, "WHOIS ann");
	irc_want(a, ":chatd 311 alice ann ann chatd * :plain-text user");
	irc_want(a, ":chatd 319 alice ann :@#lobby");
	irc_want(a, ":chatd 312 alice ann chatd :" ANY);
	irc_want(a, ":chatd 317 alice ann " NUM " " NUM " :" ANY);
	irc_want(a, ":chatd 318 alice ann :" ANY);
	/* Unknown; none. */
	irc_send(a, "WHOIS nobody");
	irc_want(a, ":chatd 401 alice nobody :No such nick/channel");
	irc_want(a, ":chatd 318 alice nobody :End of /WHOIS list");
	irc_send(a, "WHOIS bob,ann");
	irc_want(a, ":chatd 401 alice bob,ann :" ANY);
	irc_want(a, ":chatd 318 alice bob,ann :" ANY);
	irc_send(a, "WHOIS");
	irc_want(a, ":chatd 431 alice :" ANY);
	irc_nothing(a);
	conn_close(t);
	srv_stop_ok(&s);
}
END_TEST

START_TEST(test_whois_idle)
{
	struct srv s;
	struct ircc *a, *b;
	struct irc_msg *m;

	irc_srv_start(&s, NULL);
	a = irc_user(s.port, "alice");
	b = irc_user(s.port, "bob");
	/* Idle runs from the last message; other commands do not reset it. */
	irc_send(b, "PRIVMSG alice :x");
	irc_until(a, "PRIVMSG");
	usleep(2200 * 1000);
	irc_send(b, "PING keep");
	irc_until(b, "PONG");
	irc_send(a, "WHOIS bob");
	m = irc_find(a, ":chatd 317 alice bob " NUM " " NUM " :" ANY);
	ck_assert_msg(atol(m->params[2]) >= 2,
	    "idle %s s, want >= 2 (a PING is not a message)", m->params[2]);
	irc_send(b, "PRIVMSG alice :y");
	irc_until(a, "PRIVMSG");
	irc_send(a, "WHOIS bob");
	m = irc_find(a, ":chatd 317 alice bob " NUM " " NUM " :" ANY);
	ck_assert_msg(
	    atol(m->params[2]) <= 1, "idle %s s after a message", m->params[2]);
	srv_stop_ok(&s);
}
END_TEST

START_TEST(test_whowas)
{
	struct srv s;
	struct ircc *a;

	irc_srv_start(&s, NULL);
	a = irc_user(s.port, "alice");
	irc_close(irc_user(s.port, "bob"));
	irc_send(a, "WHOWAS bob");
	irc_want(a, ":chatd 406 alice bob :" ANY);
	irc_want(a, ":chatd 369 alice bob :" ANY);
	irc_send(a, "WHOWAS alice");
	irc_want(a, ":chatd 406 alice alice :" ANY);
	irc_want(a, ":chatd 369 alice alice :" ANY);
	irc_send(a, "WHOWAS");
	irc_want(a, ":chatd 431 alice :" ANY);
	srv_stop_ok(&s);
}
END_TEST

START_TEST(test_away)
{
	struct srv s;
	struct ircc *a, *b;
	struct conn *t;
	char text[260];

	irc_srv_start(&s, NULL);
	t = txt_login(s.port, "ann");
	a = irc_user(s.port, "alice");
	b = irc_user(s.port, "bob");
	join(a, "#lobby");
	join(b, "#lobby");
	irc_sync(a);
	txt_sync(t);
	irc_send(a, "AWAY :not here");
	irc_want(a, ":chatd 306 alice :" ANY);
	/* Nobody else is told. */
	irc_nothing(b);
	txt_nothing(t);
	irc_send(b, "WHO alice");
	irc_want(b, ":chatd 352 bob * alice chatd chatd alice G :0 Real alice");
	irc_until(b, "315");
	irc_send(b, "USERHOST alice");
	irc_want(b, ":chatd 302 bob :alice=-alice@chatd");
	txt_send(t, "/whois alice");
	txt_find(t, ", away: not here, irc");
	irc_send(a, "AWAY");
	irc_want(a, ":chatd 305 alice :" ANY);
	irc_send(b, "USERHOST alice");
	irc_want(b, ":chatd 302 bob :alice=+alice@chatd");
	irc_send(a, "AWAY :again");
	irc_want(a, ":chatd 306 alice :" ANY);
	irc_send(a, "AWAY :");
	irc_want(a, ":chatd 305 alice :" ANY);
	/* Cut to AWAYLEN (200). */
	memset(text, 'w', 250);
	text[250] = '\0';
	irc_send(a, "AWAY :%s", text);
	irc_want(a, ":chatd 306 alice :" ANY);
	text[200] = '\0';
	irc_send(b, "PRIVMSG alice :x");
	irc_want(b, ":chatd 301 bob alice :%s", text);
	/* A text user's away shows in WHO and USERHOST. */
	txt_send(t, "/away brb");
	txt_want(t, "-!- you are marked away");
	irc_send(b, "USERHOST ann");
	irc_want(b, ":chatd 302 bob :ann=-ann@chatd");
	irc_send(b, "WHO ann");
	irc_want(
	    b, ":chatd 352 bob * ann chatd chatd ann G :0 plain-text user");
	srv_stop_ok(&s);
}
END_TEST

START_TEST(test_userhost_ison)
{
	struct srv s;
	struct ircc *x, *b, *c;

	irc_srv_start(&s, NULL);
	x = irc_user(s.port, "x");
	irc_user(s.port, "alice");
	b = irc_user(s.port, "bob");
	c = irc_open(s.port, "carol");
	irc_send(c, "NICK carol");
	irc_send(c, "USER ~Carol.L 0 * :C");
	irc_until(c, "422");
	irc_user(s.port, "dave");
	txt_login(s.port, "ann");
	irc_send(b, "AWAY :a");
	irc_until(b, "306");
	/* Up to 5 nicks; the unknown left out. Reading: a sixth is ignored,
	 * not an error. */
	irc_send(x, "USERHOST alice bob ann nobody carol dave");
	irc_want(x,
	    ":chatd 302 x :alice=+alice@chatd bob=-bob@chatd "
	    "ann=+ann@chatd carol=+Carol.L@chatd");
	irc_send(x, "USERHOST nobody");
	irc_want(x, ":chatd 302 x :");
	/* Reading: the nick as now spelled, as in ISON. */
	irc_send(x, "USERHOST ALICE");
	irc_want(x, ":chatd 302 x :alice=+alice@chatd");
	/* ISON: in the order asked, as now spelled; one param or many. */
	irc_send(x, "ISON bob nobody ALICE Ann");
	irc_want(x, ":chatd 303 x :bob alice ann");
	irc_send(x, "ISON :dave carol");
	irc_want(x, ":chatd 303 x :dave carol");
	irc_send(x, "ISON nobody");
	irc_want(x, ":chatd 303 x :");
	srv_stop_ok(&s);
}
END_TEST

/* LUSERS with u users, k unknown connections, r rooms, max mx. */
static void
want_lusers(struct ircc *ic, int u, int k, int r, int mx)
{
	const char *n = ic->name;

	irc_send(ic, "LUSERS");
	irc_want(ic,
	    ":chatd 251 %s :There are 0 users and %d invisible on 1 "
	    "servers",
	    n, u);
	if (k > 0)
		irc_want(ic, ":chatd 253 %s %d :unknown connection(s)", n, k);
	irc_want(ic, ":chatd 254 %s %d :channels formed", n, r);
	irc_want(ic, ":chatd 255 %s :I have %d clients and 0 servers", n, u);
	irc_want(ic, ":chatd 265 %s %d %d :Current local users %d, max %d", n,
	    u, mx, u, mx);
	irc_want(ic, ":chatd 266 %s %d %d :Current global users %d, max %d", n,
	    u, mx, u, mx);
	irc_nothing(ic);
}

START_TEST(test_lusers)
{
	const char *pw = irc_tmpfile(0, "pw\n");
	const char *args[] = { "--password-file", pw, NULL };
	struct srv s;
	struct ircc *a, *e, *unreg;
	struct conn *t, *waiting;

	/* The texts of 251, 253-255, 265 and 266 are read as exact: the
	 * table gives them with their numbers, not as "text". */
	irc_srv_start(&s, args);
	a = irc_open(s.port, "alice");
	irc_send(a, "PASS pw");
	irc_send(a, "NICK alice");
	irc_send(a, "USER alice 0 * :A");
	irc_until(a, "422");
	want_lusers(a, 1, 0, 0, 1);
	join(a, "#a");
	t = conn_open(s.port);
	conn_send(t, "\n");
	txt_find(t, "/pass");
	txt_send(t, "/pass pw");
	txt_find(t, "password accepted");
	e = irc_open(s.port, "eve");
	irc_send(e, "PASS pw");
	irc_send(e, "NICK eve");
	irc_send(e, "USER eve 0 * :E");
	irc_until(e, "422");
	want_lusers(a, 3, 0, 2, 3);
	irc_send(e, "QUIT");
	irc_eof_at(__FILE__, __LINE__, e, IRC_WAIT, 0);
	/* Unknown: IRC not yet registered, text waiting for the password. */
	unreg = irc_open(s.port, "unreg");
	irc_send(unreg, "NICK unreg");
	irc_nothing(unreg);
	waiting = conn_open(s.port);
	conn_send(waiting, "\n");
	txt_find(waiting, "/pass");
	want_lusers(a, 2, 2, 2, 3);
	irc_send(unreg, "QUIT");
	irc_eof_at(__FILE__, __LINE__, unreg, IRC_WAIT, 0);
	txt_send(waiting, "/quit");
	ck_assert(conn_eof(waiting, IRC_WAIT));
	want_lusers(a, 2, 0, 2, 3);
	srv_stop_ok(&s);
}
END_TEST

START_TEST(test_time_version)
{
	static const char *const vargs[] = { "-V", NULL };
	struct srv s;
	struct ircc *a;
	char ver[64], *p;
	int i;

	ck_assert_int_eq(srv_run(&s, vargs), 0);
	p = strchr(s.log, ' ');
	ck_assert(p != NULL);
	snprintf(ver, sizeof ver, "%.*s", (int)strcspn(p + 1, " \r\n"), p + 1);
	irc_srv_start(&s, NULL);
	a = irc_user(s.port, "alice");
	irc_send(a, "TIME");
	irc_want(a, ":chatd 391 alice chatd :" ANY);
	irc_send(a, "TIME chatd");
	irc_want(a, ":chatd 391 alice chatd :" ANY);
	for (i = 0; i < 2; i++) {
		irc_send(a, i == 0 ? "VERSION" : "VERSION chatd");
		irc_want(a, ":chatd 351 alice chatd-%s chatd :" ANY, ver);
		irc_want(a,
		    ":chatd 005 alice " ISUPPORT1
		    " :are supported by this server");
		irc_want(a,
		    ":chatd 005 alice " ISUPPORT2
		    " :are supported by this server");
		irc_want(a,
		    ":chatd 005 alice CHATHISTORY=100 "
		    "MSGREFTYPES=msgid,timestamp :are supported by "
		    "this server");
		irc_nothing(a);
	}
	srv_stop_ok(&s);
}
END_TEST

START_TEST(test_server_name_everywhere)
{
	const char *motd = irc_tmpfile(0, "hi\n");
	const char *args[] = { "--server-name", "irc.example.org", "--motd",
		motd, NULL };
	struct srv s;
	struct ircc *a, *b;

	irc_srv_start(&s, args);
	a = irc_open(s.port, "alice");
	irc_send(a, "CAP LS 302");
	irc_want(a, ":irc.example.org CAP * LS :" ANY);
	irc_send(a, "NICK alice");
	irc_send(a, "USER alice 0 * :A");
	irc_send(a, "CAP END");
	irc_want(a, ":irc.example.org 001 alice :" ANY);
	irc_want(a, ":irc.example.org 002 alice :" ANY);
	irc_want(a, ":irc.example.org 003 alice :" ANY);
	irc_want(
	    a, ":irc.example.org 004 alice irc.example.org " ANY " i not o");
	irc_want(a,
	    ":irc.example.org 005 alice " ANY " " ANY " " ANY " " ANY " " ANY
	    " " ANY " " ANY " " ANY " " ANY " " ANY " " ANY " " ANY " :" ANY);
	irc_want(a, ":irc.example.org 005 alice " ANY " " ANY " " ANY " :" ANY);
	irc_until(a, "005");
	irc_want(a,
	    ":irc.example.org 375 alice :- irc.example.org Message of "
	    "the day - ");
	irc_want(a, ":irc.example.org 372 alice :- hi");
	irc_want(a, ":irc.example.org 376 alice :" ANY);
	b = irc_user(s.port, "bob");
	join(b, "#r");
	irc_send(a, "WHOIS bob");
	irc_want(a, ":irc.example.org 311 alice bob bob chatd * :Real bob");
	irc_want(a, ":irc.example.org 319 alice bob :@#r");
	irc_want(a, ":irc.example.org 312 alice bob irc.example.org :" ANY);
	irc_until(a, "318");
	irc_send(a, "WHO bob");
	irc_want(a,
	    ":irc.example.org 352 alice * bob chatd irc.example.org "
	    "bob H :0 Real bob");
	irc_until(a, "315");
	irc_send(a, "VERSION");
	irc_want(a, ":irc.example.org 351 alice " ANY " irc.example.org :" ANY);
	irc_until(a, "005");
	irc_until(a, "005");
	irc_until(a, "005");
	irc_send(a, "TIME");
	irc_want(a, ":irc.example.org 391 alice irc.example.org :" ANY);
	irc_send(a, "PING t");
	irc_want(a, ":irc.example.org PONG irc.example.org :t");
	/* The host of users stays the literal chatd. */
	irc_send(a, "USERHOST bob");
	irc_want(a, ":irc.example.org 302 alice :bob=+bob@chatd");
	irc_send(a, "QUIT");
	irc_want(a, "ERROR :" ANY); /* ERROR has no source */
	srv_stop_ok(&s);
}
END_TEST

Suite *
test_suite(void)
{
	Suite *s = suite_create("integ_irc_query");
	TCase *tc = tcase_create("query");

	tcase_set_timeout(tc, TEST_TIMEOUT);
	tcase_add_test(tc, test_who);
	tcase_add_test(tc, test_whois);
	tcase_add_test(tc, test_whois_idle);
	tcase_add_test(tc, test_whowas);
	tcase_add_test(tc, test_away);
	tcase_add_test(tc, test_userhost_ison);
	tcase_add_test(tc, test_lusers);
	tcase_add_test(tc, test_time_version);
	tcase_add_test(tc, test_server_name_everywhere);
	suite_add_tcase(s, tc);
	return s;
}
