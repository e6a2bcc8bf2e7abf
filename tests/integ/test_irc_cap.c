/* test_irc_cap.c: irc-v1 §5, capabilities and tags. */
#define _DEFAULT_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_main.h"
#include "ircc.h"

#define CAPS_ALL                                             \
	"batch draft/chathistory echo-message message-tags " \
	"multi-prefix server-time userhost-in-names"

/* 1 if the space-separated words of a and b are the same set, each once,
 * with single spaces. */
static int
same_words(const char *a, const char *b)
{
	char x[1024], y[1024], *w, *save;
	int na = 0, nb = 0;

	snprintf(x, sizeof x, " %s ", a);
	snprintf(y, sizeof y, "%s", b);
	if (strstr(a, "  ") != NULL || a[0] == ' ' ||
	    (a[0] != '\0' && a[strlen(a) - 1] == ' '))
		return 0;
	for (w = strtok_r(y, " ", &save); w != NULL;
	     w = strtok_r(NULL, " ", &save)) {
		char k[128];

		snprintf(k, sizeof k, " %s ", w);
		if (strstr(x, k) == NULL)
			return 0;
		nb++;
	}
	for (w = x; *w != '\0'; w++)
		if (*w != ' ' && (w == x || w[-1] == ' '))
			na++;
	return na == nb;
}

static void
join(struct ircc *ic, const char *room)
{
	irc_send(ic, "JOIN %s", room);
	irc_until(ic, "366");
}

START_TEST(test_cap_ls)
{
	struct srv s;
	struct ircc *ic;
	struct irc_msg *m;

	irc_srv_start(&s, NULL);
	ic = irc_open(s.port, "ls");
	irc_send(ic, "CAP LS");
	m = irc_want(ic, ":chatd CAP * LS " ANY);
	ck_assert_msg(same_words(m->params[2], CAPS_ALL),
	    "CAP LS: want the caps %s, got \"%s\"", CAPS_ALL, m->params[2]);
	/* The same with 302: no values, one line. */
	irc_send(ic, "CAP LS 302");
	m = irc_want(ic, ":chatd CAP * LS " ANY);
	ck_assert_msg(same_words(m->params[2], CAPS_ALL),
	    "CAP LS 302: want %s, got \"%s\"", CAPS_ALL, m->params[2]);
	ck_assert_msg(strchr(m->params[2], '=') == NULL, "no cap has a value");
	irc_nothing(ic);
	/* After registration, with the nick. */
	ic = irc_user(s.port, "alice");
	irc_send(ic, "CAP LS 302");
	m = irc_want(ic, ":chatd CAP alice LS " ANY);
	ck_assert(same_words(m->params[2], CAPS_ALL));
	srv_stop_ok(&s);
}
END_TEST

START_TEST(test_cap_req_list)
{
	struct srv s;
	struct ircc *ic;
	struct irc_msg *m;

	irc_srv_start(&s, NULL);
	ic = irc_user(s.port, "alice");
	irc_send(ic, "CAP LIST");
	irc_want(ic, ":chatd CAP alice LIST :");
	/* All or nothing. */
	irc_send(ic, "CAP REQ :server-time bogus");
	irc_want(ic, ":chatd CAP alice NAK :server-time bogus");
	irc_send(ic, "CAP LIST");
	irc_want(ic, ":chatd CAP alice LIST :");
	irc_send(ic, "CAP REQ :server-time echo-message");
	irc_want(ic, ":chatd CAP alice ACK :server-time echo-message");
	irc_send(ic, "CAP LIST");
	m = irc_want(ic, ":chatd CAP alice LIST " ANY);
	ck_assert_msg(same_words(m->params[2], "server-time echo-message"),
	    "LIST: want server-time echo-message, got \"%s\"", m->params[2]);
	/* Removal, asking again, removing an absent one: no error. */
	irc_send(ic, "CAP REQ :-echo-message");
	irc_want(ic, ":chatd CAP alice ACK :-echo-message");
	irc_send(ic, "CAP REQ :server-time");
	irc_want(ic, ":chatd CAP alice ACK :server-time");
	irc_send(ic, "CAP REQ :-message-tags");
	irc_want(ic, ":chatd CAP alice ACK :-message-tags");
	irc_send(ic, "CAP LIST");
	irc_want(ic, ":chatd CAP alice LIST :server-time");
	/* A removal of an unknown cap is unknown all the same. */
	irc_send(ic, "CAP REQ :-bogus multi-prefix");
	irc_want(ic, ":chatd CAP alice NAK :-bogus multi-prefix");
	/* The list as sent, whatever its spaces; a lone word. */
	irc_send(ic, "CAP REQ :multi-prefix  batch");
	irc_want(ic, ":chatd CAP alice ACK :multi-prefix  batch");
	irc_send(ic, "CAP REQ userhost-in-names");
	irc_want(ic, ":chatd CAP alice ACK :userhost-in-names");
	irc_send(ic, "CAP REQ :draft/chathistory message-tags");
	irc_want(ic, ":chatd CAP alice ACK :draft/chathistory message-tags");
	irc_send(ic, "CAP LIST");
	m = irc_want(ic, ":chatd CAP alice LIST " ANY);
	ck_assert_msg(same_words(m->params[2],
			  "server-time multi-prefix batch userhost-in-names "
			  "draft/chathistory message-tags"),
	    "LIST got \"%s\"", m->params[2]);
	srv_stop_ok(&s);
}
END_TEST

START_TEST(test_cap_errors)
{
	struct srv s;
	struct ircc *ic;

	irc_srv_start(&s, NULL);
	ic = irc_open(s.port, "early");
	irc_send(ic, "CAP FOO");
	irc_want(ic, ":chatd 410 * FOO :" ANY);
	irc_send(ic, "CAP");
	irc_want(ic, ":chatd 461 * CAP :" ANY);
	ic = irc_user(s.port, "alice");
	irc_send(ic, "CAP NEW");
	irc_want(ic, ":chatd 410 alice NEW :" ANY);
	irc_send(ic, "CAP");
	irc_want(ic, ":chatd 461 alice CAP :" ANY);
	/* CAP END once registered: ignored. */
	irc_send(ic, "CAP END");
	irc_nothing(ic);
	srv_stop_ok(&s);
}
END_TEST

/* The tag's value, failing if it is absent. */
static const char *
need_tag(const struct irc_msg *m, const char *key)
{
	const char *v = irc_tag(m, key);

	ck_assert_msg(v != NULL, "want a %s tag on %s", key, m->line);
	return v;
}

static void
no_tags(const struct irc_msg *m)
{
	ck_assert_msg(m->ntags == 0, "want no tags on %s", m->line);
}

START_TEST(test_server_time)
{
	struct srv s;
	struct ircc *a, *b, *c;
	struct irc_msg *m;
	char t1[64];

	irc_srv_start(&s, NULL);
	a = irc_user(s.port, "alice");
	b = irc_register(s.port, "bob", "server-time", (char *)NULL);
	c = irc_register(s.port, "carol", "server-time", (char *)NULL);
	join(a, "#t");
	join(b, "#t");
	join(c, "#t");
	m = irc_want(b, ":carol!carol@chatd JOIN #t");
	ck_assert_msg(
	    irc_time_ok(need_tag(m, "time")), "bad time on %s", m->line);
	irc_sync(a);
	/* One event, one time for everyone. */
	irc_send(a, "PRIVMSG #t :hi");
	m = irc_want(b, ":alice!alice@chatd PRIVMSG #t :hi");
	snprintf(t1, sizeof t1, "%s", need_tag(m, "time"));
	ck_assert_msg(irc_time_ok(t1), "bad time %s", t1);
	m = irc_want(c, ":alice!alice@chatd PRIVMSG #t :hi");
	ck_assert_str_eq(need_tag(m, "time"), t1);
	/* After the tags, the same bytes for every IRC recipient. */
	ck_assert_str_eq(b->m.line + b->m.tagsec, c->m.line + c->m.tagsec);
	/* Every event line carries one; numerics, PONG and CAP none. */
	irc_send(a, "NOTICE #t :n");
	irc_send(a, "TOPIC #t :top");
	irc_send(a, "MODE #t +o bob");
	irc_send(a, "KICK #t carol");
	irc_send(a, "NICK alicia");
	irc_send(a, "PART #t");
	irc_want(b, ":alice!alice@chatd NOTICE #t :n");
	ck_assert(irc_time_ok(need_tag(&b->m, "time")));
	irc_want(b, ":alice!alice@chatd TOPIC #t :top");
	ck_assert(irc_time_ok(need_tag(&b->m, "time")));
	irc_want(b, ":alice!alice@chatd MODE #t +o bob");
	ck_assert(irc_time_ok(need_tag(&b->m, "time")));
	irc_want(b, ":alice!alice@chatd KICK #t carol :alice");
	ck_assert(irc_time_ok(need_tag(&b->m, "time")));
	irc_want(b, ":alice!alice@chatd NICK alicia");
	ck_assert(irc_time_ok(need_tag(&b->m, "time")));
	irc_want(b, ":alicia!alice@chatd PART #t");
	ck_assert(irc_time_ok(need_tag(&b->m, "time")));
	/* A QUIT. */
	irc_until(c, "KICK");
	join(c, "#t");
	/* server-time without draft/chathistory: the room's history follows
	 * the 366 (history-v1 §3; test_join_replay). */
	irc_sync(c);
	irc_want(b, ":carol!carol@chatd JOIN #t");
	irc_send(c, "QUIT");
	no_tags(irc_want(c, "ERROR :" ANY));
	irc_want(b, ":carol!carol@chatd QUIT :Client Quit");
	ck_assert(irc_time_ok(need_tag(&b->m, "time")));
	irc_send(b, "WHOIS bob");
	no_tags(irc_want(b, ":chatd 311 bob bob bob chatd * :Real bob"));
	irc_until(b, "318");
	no_tags(&b->m);
	irc_send(b, "PING x");
	no_tags(irc_want(b, ":chatd PONG chatd :x"));
	irc_send(b, "CAP LIST");
	no_tags(irc_want(b, ":chatd CAP bob LIST :server-time"));
	/* Without the cap: no tags at all. */
	no_tags(irc_want(a, ":alice!alice@chatd TOPIC #t :top"));
	no_tags(irc_want(a, ":alice!alice@chatd MODE #t +o bob"));
	no_tags(irc_want(a, ":alice!alice@chatd KICK #t carol :alice"));
	no_tags(irc_want(a, ":alice!alice@chatd NICK alicia"));
	no_tags(irc_want(a, ":alicia!alice@chatd PART #t"));
	irc_send(b, "PRIVMSG alicia :x");
	no_tags(irc_want(a, ":bob!bob@chatd PRIVMSG alicia :x"));
	srv_stop_ok(&s);
}
END_TEST

START_TEST(test_msgid)
{
	struct srv s;
	struct ircc *a, *b, *c;
	struct irc_msg *m;
	char id[8][64], prev[64] = "";
	int i;

	irc_srv_start(&s, NULL);
	a = irc_register(
	    s.port, "alice", "message-tags", "echo-message", (char *)NULL);
	b = irc_register(s.port, "bob", "message-tags", (char *)NULL);
	c = irc_register(s.port, "carol", "message-tags", (char *)NULL);
	join(a, "#m");
	join(b, "#m");
	irc_want(a, ":bob!bob@chatd JOIN #m");
	join(c, "#m");
	irc_want(a, ":carol!carol@chatd JOIN #m");
	/* JOIN: the same id to every member. */
	m = irc_want(b, ":carol!carol@chatd JOIN #m");
	ck_assert_str_eq(need_tag(m, "msgid"), need_tag(&a->m, "msgid"));
	/* PRIVMSG: recipients and the echo share it; ids increase. */
	for (i = 0; i < 5; i++) {
		irc_send(a, "PRIVMSG #m :m%d", i);
		m = irc_want(a, ":alice!alice@chatd PRIVMSG #m :m%d", i);
		snprintf(id[i], sizeof id[i], "%s", need_tag(m, "msgid"));
		ck_assert_msg(irc_msgid_ok(id[i]), "bad msgid %s", id[i]);
		m = irc_want(b, ":alice!alice@chatd PRIVMSG #m :m%d", i);
		ck_assert_str_eq(need_tag(m, "msgid"), id[i]);
		m = irc_want(c, ":alice!alice@chatd PRIVMSG #m :m%d", i);
		ck_assert_str_eq(need_tag(m, "msgid"), id[i]);
		/* "sort in the order the server accepted" (history-v1 §1),
		 * read as: byte-wise string order. */
		ck_assert_msg(strcmp(prev, id[i]) < 0,
		    "msgid %s does not sort after %s", id[i], prev);
		memcpy(prev, id[i], sizeof prev);
	}
	/* NOTICE, TAGMSG, TOPIC, KICK, NICK, PART, QUIT carry one. */
	irc_send(a, "NOTICE #m :n");
	irc_want(a, ":alice!alice@chatd NOTICE #m :n");
	irc_want(b, ":alice!alice@chatd NOTICE #m :n");
	ck_assert(irc_msgid_ok(need_tag(&b->m, "msgid")));
	irc_send(a, "@+x TAGMSG #m");
	irc_want(a, ":alice!alice@chatd TAGMSG #m");
	irc_want(b, ":alice!alice@chatd TAGMSG #m");
	ck_assert(irc_msgid_ok(need_tag(&b->m, "msgid")));
	irc_send(a, "TOPIC #m :t");
	irc_want(b, ":alice!alice@chatd TOPIC #m :t");
	ck_assert(irc_msgid_ok(need_tag(&b->m, "msgid")));
	irc_send(a, "KICK #m carol :out");
	irc_want(b, ":alice!alice@chatd KICK #m carol :out");
	ck_assert(irc_msgid_ok(need_tag(&b->m, "msgid")));
	irc_send(a, "NICK alicia");
	irc_want(b, ":alice!alice@chatd NICK alicia");
	ck_assert(irc_msgid_ok(need_tag(&b->m, "msgid")));
	irc_send(a, "PRIVMSG bob :p");
	irc_want(b, ":alicia!alice@chatd PRIVMSG bob :p");
	ck_assert(irc_msgid_ok(need_tag(&b->m, "msgid")));
	irc_send(a, "PART #m :bye");
	irc_want(b, ":alicia!alice@chatd PART #m :bye");
	ck_assert(irc_msgid_ok(need_tag(&b->m, "msgid")));
	irc_want(b, ":chatd MODE #m +o bob"); /* the last operator left */
	join(a, "#m");
	irc_want(b, ":alicia!alice@chatd JOIN #m");
	irc_send(a, "QUIT :q");
	irc_want(b, ":alicia!alice@chatd QUIT :Quit: q");
	ck_assert(irc_msgid_ok(need_tag(&b->m, "msgid")));
	srv_stop_ok(&s);
	/* Never given again, even after a restart. */
	irc_srv_start(&s, NULL);
	a = irc_user(s.port, "alice");
	b = irc_register(s.port, "bob", "message-tags", (char *)NULL);
	for (i = 0; i < 5; i++) {
		irc_send(a, "PRIVMSG bob :again");
		m = irc_want(b, ":alice!alice@chatd PRIVMSG bob :again");
		ck_assert_msg(strcmp(need_tag(m, "msgid"), id[i]) != 0,
		    "msgid %s given again after a restart", id[i]);
	}
	srv_stop_ok(&s);
}
END_TEST

START_TEST(test_client_tags)
{
	struct srv s;
	struct ircc *a, *b, *c;
	struct conn *t;
	struct irc_msg *m;
	int i, server_last = -1, client_first = 99;
	size_t n;

	irc_srv_start(&s, NULL);
	t = txt_login(s.port, "ann");
	a = irc_register(
	    s.port, "alice", "message-tags", "echo-message", (char *)NULL);
	b = irc_register(
	    s.port, "bob", "message-tags", "server-time", (char *)NULL);
	c = irc_register(
	    s.port, "carol", "server-time", "echo-message", (char *)NULL);
	join(a, "#lobby");
	join(b, "#lobby");
	join(c, "#lobby");
	irc_sync(a);
	irc_sync(b);
	txt_sync(t);
	irc_send(a,
	    "@+typing=active;+x=a\\sb\\:c;foo=bar;+draft/r=1 "
	    "PRIVMSG #lobby :hi");
	m = irc_want(b, ":alice!alice@chatd PRIVMSG #lobby :hi");
	ck_assert_str_eq(need_tag(m, "+typing"), "active");
	ck_assert_str_eq(need_tag(m, "+x"), "a\\sb\\:c"); /* still escaped */
	ck_assert_str_eq(need_tag(m, "+draft/r"), "1");
	ck_assert_msg(
	    irc_tag(m, "foo") == NULL, "foo is not client-only: %s", m->line);
	/* Server tags first, then the client-only ones. */
	for (i = 0; i < m->ntags; i++) {
		if (i < client_first && m->tags[i].key[0] == '+')
			client_first = i;
		if (m->tags[i].key[0] != '+')
			server_last = i;
	}
	ck_assert_msg(server_last < client_first,
	    "server tags must come before client-only tags: %s", m->line);
	for (i = 0, n = 0; i < m->ntags; i++)
		if (m->tags[i].key[0] != '+')
			n += strlen(m->tags[i].key) + strlen(m->tags[i].value) +
			    2;
	ck_assert_msg(
	    n < 510, "server tags must stay under 510 bytes: %s", m->line);
	/* The echo with them; no message-tags, no client tags. */
	m = irc_want(a, ":alice!alice@chatd PRIVMSG #lobby :hi");
	ck_assert_str_eq(need_tag(m, "+typing"), "active");
	m = irc_want(c, ":alice!alice@chatd PRIVMSG #lobby :hi");
	ck_assert_msg(irc_tag(m, "+typing") == NULL && irc_tag(m, "+x") == NULL,
	    "carol has no message-tags: %s", m->line);
	txt_want(t, "<alice> hi");
	/* On NOTICE too; on other commands dropped. */
	irc_send(a, "@+n=1 NOTICE bob :x");
	m = irc_want(b, ":alice!alice@chatd NOTICE bob :x");
	ck_assert_str_eq(need_tag(m, "+n"), "1");
	irc_want(a, ":alice!alice@chatd NOTICE bob :x");
	irc_send(a, "@+j=1 PART #lobby");
	m = irc_want(b, ":alice!alice@chatd PART #lobby");
	ck_assert_msg(irc_tag(m, "+j") == NULL, "PART relays no client tag");
	srv_stop_ok(&s);
}
END_TEST

START_TEST(test_tagmsg)
{
	struct srv s;
	struct ircc *a, *b, *c, *out;
	struct conn *t;
	struct irc_msg *m;

	irc_srv_start(&s, NULL);
	t = txt_login(s.port, "ann");
	a = irc_register(
	    s.port, "alice", "message-tags", "echo-message", (char *)NULL);
	b = irc_register(s.port, "bob", "message-tags", (char *)NULL);
	c = irc_user(s.port, "carol");
	out = irc_register(s.port, "out", "message-tags", (char *)NULL);
	join(a, "#lobby");
	join(b, "#lobby");
	join(c, "#lobby");
	irc_sync(a);
	irc_sync(b);
	txt_sync(t);
	irc_send(a, "@+typing=active TAGMSG #lobby");
	m = irc_want(a, ":alice!alice@chatd TAGMSG #lobby"); /* echo */
	ck_assert_str_eq(need_tag(m, "+typing"), "active");
	m = irc_want(b, ":alice!alice@chatd TAGMSG #lobby");
	ck_assert_str_eq(need_tag(m, "+typing"), "active");
	irc_nothing(c);
	txt_nothing(t);
	/* To a user; to a text user nothing is delivered, no error. */
	irc_send(a, "@+typing=paused TAGMSG bob");
	irc_want(a, ":alice!alice@chatd TAGMSG bob");
	irc_want(b, ":alice!alice@chatd TAGMSG bob");
	/* Reading: whether this TAGMSG, delivered to nobody, is echoed is
	 * open (§5 says "delivered"); not checked. */
	irc_send(a, "@+typing=paused TAGMSG ann");
	irc_sync(a);
	irc_nothing(c);
	txt_nothing(t);
	/* PRIVMSG's errors, never 412. */
	irc_send(a, "TAGMSG");
	irc_want(a, ":chatd 411 alice :" ANY);
	irc_send(a, "TAGMSG #nope");
	irc_want(a, ":chatd 403 alice #nope :" ANY);
	irc_send(a, "TAGMSG nobody");
	irc_want(a, ":chatd 401 alice nobody :" ANY);
	join(out, "#else");
	irc_send(a, "TAGMSG #else");
	irc_want(a, ":chatd 404 alice #else :" ANY);
	irc_nothing(a);
	srv_stop_ok(&s);
}
END_TEST

START_TEST(test_echo_message)
{
	struct srv s;
	struct ircc *a, *b, *n;
	struct conn *t;
	struct irc_msg *m;
	char id[64], tm[64];

	irc_srv_start(&s, NULL);
	t = txt_login(s.port, "ann");
	a = irc_register(s.port, "alice", "echo-message", "message-tags",
	    "server-time", (char *)NULL);
	b = irc_register(
	    s.port, "bob", "message-tags", "server-time", (char *)NULL);
	n = irc_user(s.port, "nora");
	/* To a room where alone. */
	join(a, "#solo");
	irc_send(a, "PRIVMSG #solo :alone");
	irc_want(a, ":alice!alice@chatd PRIVMSG #solo :alone");
	/* Same time and msgid as the recipient's copy. */
	irc_send(a, "PRIVMSG bob :psst");
	m = irc_want(a, ":alice!alice@chatd PRIVMSG bob :psst");
	snprintf(id, sizeof id, "%s", need_tag(m, "msgid"));
	snprintf(tm, sizeof tm, "%s", need_tag(m, "time"));
	m = irc_want(b, ":alice!alice@chatd PRIVMSG bob :psst");
	ck_assert_str_eq(need_tag(m, "msgid"), id);
	ck_assert_str_eq(need_tag(m, "time"), tm);
	/* To a text user, and a NOTICE. */
	irc_send(a, "PRIVMSG ann :hey");
	irc_want(a, ":alice!alice@chatd PRIVMSG ann :hey");
	txt_want(t, "*alice* hey");
	irc_send(a, "NOTICE bob :note");
	irc_want(a, ":alice!alice@chatd NOTICE bob :note");
	irc_want(b, ":alice!alice@chatd NOTICE bob :note");
	/* To one's own nick, in any case: once. */
	irc_send(a, "PRIVMSG ALICE :me");
	irc_want(a, ":alice!alice@chatd PRIVMSG alice :me");
	irc_nothing(a);
	/* Without echo-message, to oneself: once too. */
	irc_send(n, "PRIVMSG nora :self");
	irc_want(n, ":nora!nora@chatd PRIVMSG nora :self");
	irc_nothing(n);
	/* Errors: only the numeric. */
	irc_send(a, "PRIVMSG #nope :x");
	irc_want(a, ":chatd 403 alice #nope :" ANY);
	irc_nothing(a);
	irc_send(a, "PRIVMSG nobody :x");
	irc_want(a, ":chatd 401 alice nobody :" ANY);
	irc_nothing(a);
	join(n, "#closed");
	irc_send(a, "PRIVMSG #closed :x");
	irc_want(a, ":chatd 404 alice #closed :" ANY);
	irc_nothing(a);
	srv_stop_ok(&s);
}
END_TEST

START_TEST(test_names_caps)
{
	struct srv s;
	struct ircc *a, *b, *c;

	irc_srv_start(&s, NULL);
	a = irc_user(s.port, "alice");
	b = irc_register(s.port, "bob", "userhost-in-names", (char *)NULL);
	c = irc_register(
	    s.port, "carol", "multi-prefix", "batch", (char *)NULL);
	join(a, "#n");
	irc_send(b, "JOIN #n");
	irc_want(b, ":bob!bob@chatd JOIN #n");
	irc_want(b, ":chatd 353 bob = #n :@alice!alice@chatd bob!bob@chatd");
	irc_want(b, ":chatd 366 bob #n :" ANY);
	irc_send(c, "JOIN #n");
	irc_want(c, ":carol!carol@chatd JOIN #n");
	irc_want(c, ":chatd 353 carol = #n :@alice bob carol");
	irc_want(c, ":chatd 366 carol #n :" ANY);
	irc_want(b, ":carol!carol@chatd JOIN #n");
	irc_send(b, "NAMES #n");
	irc_want(b,
	    ":chatd 353 bob = #n :@alice!alice@chatd bob!bob@chatd "
	    "carol!carol@chatd");
	irc_want(b, ":chatd 366 bob #n :" ANY);
	srv_stop_ok(&s);
}
END_TEST

START_TEST(test_join_replay)
{
	struct srv s;
	struct ircc *a, *b;
	struct conn *t;
	struct irc_msg *m;

	irc_srv_start(&s, NULL);
	t = txt_login(s.port, "ann");
	txt_send(t, "before");
	txt_sync(t);
	/* server-time without draft/chathistory: the replay after 366. */
	a = irc_register(s.port, "alice", "server-time", (char *)NULL);
	irc_send(a, "JOIN #lobby");
	irc_want(a, ":alice!alice@chatd JOIN #lobby");
	irc_want(a, ":chatd 353 alice = #lobby :@ann alice");
	irc_want(a, ":chatd 366 alice #lobby :" ANY);
	m = irc_want(a, ":ann!ann@chatd PRIVMSG #lobby :before");
	ck_assert(irc_time_ok(need_tag(m, "time")));
	irc_nothing(a);
	/* Without server-time: none. */
	b = irc_user(s.port, "bob");
	irc_send(b, "JOIN #lobby");
	irc_until(b, "366");
	irc_nothing(b);
	srv_stop_ok(&s);
}
END_TEST

Suite *
test_suite(void)
{
	Suite *s = suite_create("integ_irc_cap");
	TCase *tc = tcase_create("cap");

	tcase_set_timeout(tc, TEST_TIMEOUT);
	tcase_add_test(tc, test_cap_ls);
	tcase_add_test(tc, test_cap_req_list);
	tcase_add_test(tc, test_cap_errors);
	tcase_add_test(tc, test_server_time);
	tcase_add_test(tc, test_msgid);
	tcase_add_test(tc, test_client_tags);
	tcase_add_test(tc, test_tagmsg);
	tcase_add_test(tc, test_echo_message);
	tcase_add_test(tc, test_names_caps);
	tcase_add_test(tc, test_join_replay);
	suite_add_tcase(s, tc);
	return s;
}
