/* test_irc_numerics.c: irc-v1 §10, every numeric's params, and the
 * transcripts of §11 replayed. */
#define _DEFAULT_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_main.h"
#include "ircc.h"

#define S ":srv.test "

/*
 * One row: who sends what, and the exact lines wanted back, in order.
 * The trailing texts the table of §10 spells out are wanted exactly; its
 * "text" params are ANY.
 */
struct row {
	int who; /* 0 alice, 1 bob, 2 a fresh unregistered connection */
	const char *send;
	const char *want[8];
};

static const struct row rows[] = {
	{ 0, "MODE alice", { S "221 alice +i" } },
	{ 0, "LUSERS",
	    { S "251 alice :There are 0 users and 3 invisible on 1 servers",
		S "253 alice 1 :unknown connection(s)",
		S "254 alice 2 :channels formed",
		S "255 alice :I have 3 clients and 0 servers",
		S "265 alice 3 3 :Current local users 3, max 3",
		S "266 alice 3 3 :Current global users 3, max 3" } },
	{ 0, "PRIVMSG bob :x", { S "301 alice bob :gone" } },
	{ 0, "USERHOST bob alice",
	    { S "302 alice :bob=-bob@chatd alice=+alice@chatd" } },
	{ 0, "ISON bob zed alice", { S "303 alice :bob alice" } },
	{ 0, "AWAY :brb", { S "306 alice :" ANY } },
	{ 0, "AWAY", { S "305 alice :" ANY } },
	{ 0, "WHOIS bob",
	    { S "311 alice bob bob chatd * :Real bob", S "319 alice bob :#a",
		S "312 alice bob srv.test :" ANY, S "301 alice bob :gone",
		S "317 alice bob " NUM " " NUM " :seconds idle, signon time",
		S "318 alice bob :End of /WHOIS list" } },
	{ 0, "WHO bob",
	    { S "352 alice * bob chatd srv.test bob G :0 Real bob",
		S "315 alice bob :End of WHO list" } },
	/* In join order, as §11's example shows it. */
	{ 0, "WHO #a",
	    { S "352 alice #a alice chatd srv.test alice H@ :0 Real alice",
		S "352 alice #a bob chatd srv.test bob G :0 Real bob",
		S "315 alice #a :End of WHO list" } },
	{ 0, "LIST #a",
	    { S "321 alice Channel :Users  Name", S "322 alice #a 2 :t",
		S "323 alice :End of /LIST" } },
	{ 0, "MODE #a", { S "324 alice #a +nt", S "329 alice #a " NUM } },
	{ 0, "TOPIC #b", { S "331 alice #b :No topic is set" } },
	{ 0, "TOPIC #a", { S "332 alice #a :t", S "333 alice #a alice " NUM } },
	{ 0, "MODE #a I", { S "347 alice #a :" ANY } },
	{ 0, "MODE #a e", { S "349 alice #a :" ANY } },
	{ 0, "MODE #a b", { S "368 alice #a :" ANY } },
	{ 0, "NAMES #a",
	    { S "353 alice = #a :@alice bob",
		S "366 alice #a :End of /NAMES list" } },
	{ 0, "WHOWAS zed",
	    { S "406 alice zed :" ANY, S "369 alice zed :" ANY } },
	{ 0, "MOTD", { S "422 alice :MOTD File is missing" } },
	{ 0, "TIME", { S "391 alice srv.test :" ANY } },
	{ 0, "PRIVMSG zed :x", { S "401 alice zed :No such nick/channel" } },
	{ 0, "WHOIS zed",
	    { S "401 alice zed :No such nick/channel",
		S "318 alice zed :End of /WHOIS list" } },
	{ 0, "PART #zz", { S "403 alice #zz :No such channel" } },
	{ 0, "PRIVMSG #b :x", { S "404 alice #b :Cannot send to channel" } },
	{ 0, "PING", { S "409 alice :No origin specified" } },
	{ 0, "CAP ZAP", { S "410 alice ZAP :Invalid CAP command" } },
	{ 0, "PRIVMSG", { S "411 alice :No recipient given (PRIVMSG)" } },
	{ 0, "PRIVMSG bob", { S "412 alice :No text to send" } },
	{ 0, "ZAP x", { S "421 alice ZAP :Unknown command" } },
	{ 0, "NICK", { S "431 alice :" ANY } },
	{ 0, "NICK 1x", { S "432 alice 1x :" ANY } },
	{ 0, "NICK Bob", { S "433 alice Bob :" ANY } },
	{ 0, "MODE #a +o zed",
	    { S "441 alice zed #a :They aren't on that channel" } },
	{ 0, "KICK #a zed",
	    { S "441 alice zed #a :They aren't on that channel" } },
	{ 0, "TOPIC #b :x", { S "442 alice #b :You're not on that channel" } },
	{ 0, "JOIN", { S "461 alice JOIN :Not enough parameters" } },
	{ 0, "USER a b c :d", { S "462 alice :You may not reregister" } },
	{ 0, "PASS x", { S "462 alice :You may not reregister" } },
	{ 0, "MODE #a -n", { S "472 alice n :is unknown mode char to me" } },
	{ 0, "JOIN bad", { S "479 alice bad :Illegal channel name" } },
	{ 1, "TOPIC #a :x", { S "482 bob #a :You're not channel operator" } },
	{ 1, "KICK #a alice", { S "482 bob #a :You're not channel operator" } },
	{ 0, "MODE alice +x", { S "501 alice :Unknown MODE flag" } },
	{ 0, "MODE bob", { S "502 alice :Can't change mode for other users" } },
	{ 2, "JOIN #x", { S "451 * :You have not registered" } },
	{ 2, "PING", { S "409 * :No origin specified" } },
	{ 2, "CAP ZAP", { S "410 * ZAP :Invalid CAP command" } },
	{ 2, "NICK 1x", { S "432 * 1x :" ANY } },
	{ 2, "USER x", { S "461 * USER :Not enough parameters" } },
	{ 2, "NICK alice", { S "433 * alice :" ANY } },
};

/* Append to errs (size len) what went wrong with row r, if anything;
 * returns 1 if the row passed. */
static int
check_row(struct ircc *ic, const struct row *r, char *errs, size_t len)
{
	struct irc_msg w;
	char g[IRC_LINEMAX], e[IRC_LINEMAX];
	int i, rd;

	irc_sync(ic); /* what others sent it before is not this row's */
	irc_send(ic, "%s", r->send);
	for (i = 0; i < 8 && r->want[i] != NULL; i++) {
		irc_parse(&w, r->want[i], strlen(r->want[i]));
		rd = irc_read(ic, IRC_WAIT);
		if (rd == 1 && irc_match(&ic->m, &w))
			continue;
		snprintf(errs + strlen(errs), len - strlen(errs),
		    "  after \"%s\":\n    want %s\n    got  %s\n", r->send,
		    irc_escape(r->want[i], strlen(r->want[i]), e, sizeof e),
		    rd == 1 ? irc_show(&ic->m, g, sizeof g) :
			      (rd == 0 ? "nothing" : "EOF"));
		if (rd == 1)
			irc_sync(ic); /* skip the rest of this row */
		return 0;
	}
	/* Nothing more for this row. */
	irc_send(ic, "PING row");
	rd = irc_read(ic, IRC_WAIT);
	if (rd == 1 && strcmp(ic->m.command, "PONG") == 0)
		return 1;
	snprintf(errs + strlen(errs), len - strlen(errs),
	    "  after \"%s\": want nothing more, got %s\n", r->send,
	    rd == 1 ? irc_show(&ic->m, g, sizeof g) : "no PONG");
	if (rd == 1)
		irc_sync(ic);
	return 0;
}

START_TEST(test_numerics_table)
{
	static const char *const args[] = { "--server-name", "srv.test", NULL };
	static char errs[65536];
	struct srv s;
	struct ircc *who[3];
	size_t i;
	int bad = 0;

	irc_srv_start(&s, args);
	who[0] = irc_user(s.port, "alice");
	who[1] = irc_user(s.port, "bob");
	/* PASS makes it IRC (ignored: no server password), without a nick:
	 * one unknown connection for LUSERS. */
	who[2] = irc_open(s.port, "unregistered");
	irc_send(who[2], "PASS x");
	irc_send(who[0], "JOIN #a");
	irc_until(who[0], "366");
	irc_send(who[0], "TOPIC #a :t");
	irc_until(who[0], "TOPIC");
	irc_send(who[1], "JOIN #a");
	irc_until(who[1], "366");
	irc_until(who[0], "JOIN");
	irc_send(who[1], "AWAY :gone");
	irc_until(who[1], "306");
	{
		struct ircc *c = irc_user(s.port, "carol");

		irc_send(c, "JOIN #b");
		irc_until(c, "366");
	}
	/* Every row runs, whatever the ones before it did; all that went
	 * wrong is told at the end. */
	errs[0] = '\0';
	for (i = 0; i < sizeof rows / sizeof rows[0]; i++)
		bad +=
		    !check_row(who[rows[i].who], &rows[i], errs, sizeof errs);
	ck_assert_msg(bad == 0, "%d of %zu rows of §10 are wrong:\n%s", bad,
	    sizeof rows / sizeof rows[0], errs);
	srv_stop_ok(&s);
}
END_TEST

START_TEST(test_numeric_417)
{
	struct srv s;
	struct ircc *a;
	char line[600];

	irc_srv_start(&s, NULL);
	a = irc_user(s.port, "alice");
	memset(line, 'x', 590);
	line[590] = '\0';
	irc_send(a, "PRIVMSG alice :%s", line);
	irc_want(a, ":chatd 417 alice :Input line was too long");
	srv_stop_ok(&s);
}
END_TEST

/* §11, the first transcript: registration with capabilities. */
START_TEST(test_example_registration)
{
	static const char *const vargs[] = { "-V", NULL };
	struct srv s;
	struct ircc *c;
	char ver[64], *p;

	ck_assert_int_eq(srv_run(&s, vargs), 0);
	p = strchr(s.log, ' ');
	snprintf(ver, sizeof ver, "%.*s", (int)strcspn(p + 1, " \r\n"), p + 1);
	irc_srv_start(&s, NULL);
	c = irc_open(s.port, "alice");
	irc_send(c, "CAP LS 302");
	irc_send(c, "NICK alice");
	irc_send(c, "USER alice 0 * :Alice L.");
	irc_want(c,
	    ":chatd CAP * LS :batch draft/chathistory echo-message "
	    "message-tags multi-prefix server-time userhost-in-names");
	irc_send(c, "CAP REQ :server-time echo-message");
	irc_want(c, ":chatd CAP alice ACK :server-time echo-message");
	irc_send(c, "CAP END");
	irc_want(c, ":chatd 001 alice :" ANY);
	irc_want(c, ":chatd 002 alice :" ANY);
	irc_want(c, ":chatd 003 alice :" ANY);
	irc_want(c, ":chatd 004 alice chatd chatd-%s i not o", ver);
	irc_want(c,
	    ":chatd 005 alice CASEMAPPING=ascii CHANTYPES=# "
	    "PREFIX=(o)@ CHANMODES=,,,nt MODES=1 NICKLEN=16 "
	    "CHANNELLEN=33 TOPICLEN=300 KICKLEN=300 AWAYLEN=200 "
	    "USERLEN=10 CHANLIMIT=#:50 :are supported by this server");
	irc_want(c,
	    ":chatd 005 alice NETWORK=chatd SAFELIST "
	    "TARGMAX=JOIN:,PART:,NAMES:1,WHOIS:1,PRIVMSG:1,NOTICE:1,"
	    "TAGMSG:1,KICK:1 :are supported by this server");
	irc_want(c,
	    ":chatd 005 alice CHATHISTORY=100 "
	    "MSGREFTYPES=msgid,timestamp :are supported by this server");
	irc_want(c, ":chatd 422 alice :MOTD File is missing");
	irc_quiet(c, 300);
	srv_stop_ok(&s);
}
END_TEST

/* The nick of the first text user, from its welcome. */
static void
guest(struct conn *t, char *nick, size_t len)
{
	char line[512];
	const char *p;

	conn_send(t, "\n");
	ck_assert(
	    conn_expect(t, "welcome to chatd, ", line, sizeof line, IRC_WAIT));
	p = strstr(line, "welcome to chatd, ") + strlen("welcome to chatd, ");
	snprintf(nick, len, "%.*s", (int)strcspn(p, "!"), p);
}

/* §11, the second: #lobby with a text user alone in it. */
START_TEST(test_example_lobby)
{
	struct srv s;
	struct ircc *c;
	struct conn *t;
	struct irc_msg *m;
	char g[64];

	irc_srv_start(&s, NULL);
	t = conn_open(s.port);
	guest(t, g, sizeof g); /* guest1 on a fresh server, presumably */
	c = irc_open(s.port, "alice");
	irc_send(c, "CAP LS 302");
	irc_send(c, "NICK alice");
	irc_send(c, "USER alice 0 * :Alice L.");
	irc_send(c, "CAP REQ :server-time echo-message");
	irc_send(c, "CAP END");
	irc_until(c, "422");
	irc_send(c, "JOIN #lobby");
	m = irc_want(c, ":alice!alice@chatd JOIN #lobby");
	ck_assert(irc_time_ok(irc_tag(m, "time") ? irc_tag(m, "time") : ""));
	irc_want(c, ":chatd 353 alice = #lobby :@%s alice", g);
	irc_want(c, ":chatd 366 alice #lobby :End of /NAMES list");
	txt_want(t, "-!- alice has joined #lobby");
	irc_send(c, "PRIVMSG #lobby :hi all");
	m = irc_want(c, ":alice!alice@chatd PRIVMSG #lobby :hi all");
	ck_assert(irc_time_ok(irc_tag(m, "time") ? irc_tag(m, "time") : ""));
	txt_want(t, "<alice> hi all");
	txt_send(t, "/me waves");
	m = irc_want(c,
	    ":%s!%s@chatd PRIVMSG #lobby :\x01"
	    "ACTION waves\x01",
	    g, g);
	ck_assert(irc_time_ok(irc_tag(m, "time") ? irc_tag(m, "time") : ""));
	irc_send(c, "TOPIC #lobby :welcome");
	irc_want(c, ":chatd 482 alice #lobby :You're not channel operator");
	irc_send(c, "WHO #lobby");
	irc_want(c,
	    ":chatd 352 alice #lobby %s chatd chatd %s H@ :0 "
	    "plain-text user",
	    g, g);
	irc_want(c,
	    ":chatd 352 alice #lobby alice chatd chatd alice H :0 "
	    "Alice L.");
	irc_want(c, ":chatd 315 alice #lobby :End of WHO list");
	irc_send(c, "PING lag-42");
	irc_want(c, ":chatd PONG chatd :lag-42");
	srv_stop_ok(&s);
}
END_TEST

/* §11, the third: a client-only tag between two message-tags clients. */
START_TEST(test_example_client_tag)
{
	struct srv s;
	struct ircc *a, *b;
	struct irc_msg *m;

	irc_srv_start(&s, NULL);
	a = irc_register(s.port, "alice", "message-tags", NULL);
	b = irc_register(s.port, "bob", "message-tags", NULL);
	irc_send(a, "JOIN #dev");
	irc_until(a, "366");
	irc_send(b, "JOIN #dev");
	irc_until(b, "366");
	irc_until(a, "JOIN");
	irc_send(b, "@+typing=active TAGMSG #dev");
	m = irc_want(a, ":bob!bob@chatd TAGMSG #dev");
	ck_assert_msg(m->ntags == 2 && strcmp(m->tags[0].key, "msgid") == 0 &&
		irc_msgid_ok(m->tags[0].value) &&
		strcmp(m->tags[1].key, "+typing") == 0 &&
		strcmp(m->tags[1].value, "active") == 0,
	    "want @msgid=<id>;+typing=active, got %s", m->line);
	irc_nothing(b); /* bob has no echo-message */
	srv_stop_ok(&s);
}
END_TEST

/* §11, the fourth: a wrong password. */
START_TEST(test_example_wrong_password)
{
	const char *pw = irc_tmpfile(0, "sesame\n");
	const char *args[] = { "--password-file", pw, NULL };
	struct srv s;
	struct ircc *c;

	irc_srv_start(&s, args);
	c = irc_open(s.port, "carol");
	irc_send(c, "PASS letmein");
	irc_send(c, "NICK carol");
	irc_send(c, "USER carol 0 * :Carol");
	irc_want(c, ":chatd 464 * :Password incorrect");
	irc_want(c, "ERROR :" ANY);
	irc_eof(c, IRC_WAIT);
	srv_stop_ok(&s);
}
END_TEST

Suite *
test_suite(void)
{
	Suite *s = suite_create("integ_irc_numerics");
	TCase *tc = tcase_create("numerics");

	tcase_set_timeout(tc, TEST_TIMEOUT);
	tcase_add_test(tc, test_numerics_table);
	tcase_add_test(tc, test_numeric_417);
	tcase_add_test(tc, test_example_registration);
	tcase_add_test(tc, test_example_lobby);
	tcase_add_test(tc, test_example_client_tag);
	tcase_add_test(tc, test_example_wrong_password);
	suite_add_tcase(s, tc);
	return s;
}
