/* test_irc_mixed.c: irc-v1 §8, IRC users and plain-text users together. */
#define _DEFAULT_SOURCE
#include <sys/socket.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check_main.h"
#include "ircc.h"

/* ann (text, in #lobby first, so its operator) and bob (IRC, joined). */
struct mix {
	struct srv s;
	struct conn *ann;
	struct ircc *bob;
};

static void
mix_start(struct mix *m, const char *const *args)
{
	irc_srv_start(&m->s, args);
	m->ann = txt_login(m->s.port, "ann");
	m->bob = irc_user(m->s.port, "bob");
	irc_send(m->bob, "JOIN #lobby");
	irc_want(m->bob, ":bob!bob@chatd JOIN #lobby");
	irc_want(m->bob, ":chatd 353 bob = #lobby :@ann bob");
	irc_until(m->bob, "366");
	txt_want(m->ann, "-!- bob has joined #lobby");
}

START_TEST(test_text_to_irc)
{
	struct mix m;

	mix_start(&m, NULL);
	txt_send(m.ann, "hello");
	irc_want(m.bob, ":ann!ann@chatd PRIVMSG #lobby :hello");
	txt_send(m.ann, "/me waves");
	irc_want(m.bob,
	    ":ann!ann@chatd PRIVMSG #lobby :\x01"
	    "ACTION waves\x01");
	txt_send(m.ann, "/msg bob psst");
	irc_want(m.bob, ":ann!ann@chatd PRIVMSG bob :psst");
	txt_want(m.ann, "-> *bob* psst");
	txt_send(m.ann, "/msg BOB again");
	irc_want(m.bob, ":ann!ann@chatd PRIVMSG bob :again");
	txt_want(m.ann, "-> *bob* again");
	/* "//text" is the message "/text". */
	txt_send(m.ann, "//slash");
	irc_want(m.bob, ":ann!ann@chatd PRIVMSG #lobby :/slash");
	irc_nothing(m.bob);
	srv_stop_ok(&m.s);
}
END_TEST

START_TEST(test_irc_to_text)
{
	struct mix m;

	mix_start(&m, NULL);
	irc_send(m.bob, "PRIVMSG #lobby :hi");
	txt_want(m.ann, "<bob> hi");
	irc_send(m.bob, "NOTICE #lobby :note");
	txt_want(m.ann, "<bob> note");
	irc_send(m.bob,
	    "PRIVMSG #lobby :\x01"
	    "ACTION waves\x01");
	txt_want(m.ann, "* bob waves");
	irc_send(m.bob, "PRIVMSG ann :psst");
	txt_want(m.ann, "*bob* psst");
	irc_send(m.bob, "NOTICE ann :psst2");
	txt_want(m.ann, "*bob* psst2");
	irc_send(m.bob,
	    "PRIVMSG ann :\x01"
	    "ACTION waves\x01");
	txt_want(m.ann, "*bob* * bob waves");
	/* Other CTCP and TAGMSG: not delivered to text users. */
	irc_send(m.bob, "PRIVMSG #lobby :\x01VERSION\x01");
	irc_send(m.bob, "PRIVMSG ann :\x01PING 12345\x01");
	irc_send(m.bob, "NOTICE ann :\x01VERSION x\x01");
	irc_send(m.bob,
	    "PRIVMSG #lobby :\x01"
	    "DCC SEND x 1 2 3\x01");
	irc_sync(m.bob);
	txt_nothing(m.ann);
	srv_stop_ok(&m.s);
}
END_TEST

START_TEST(test_ctcp_between_irc)
{
	struct mix m;
	struct ircc *c;

	mix_start(&m, NULL);
	c = irc_register(m.s.port, "carol", "message-tags", NULL);
	irc_send(c, "JOIN #lobby");
	irc_until(c, "366");
	irc_want(m.bob, ":carol!carol@chatd JOIN #lobby");
	txt_find(m.ann, "carol has joined");
	/* As usual between IRC users. */
	irc_send(m.bob, "PRIVMSG #lobby :\x01VERSION\x01");
	irc_want(c, ":bob!bob@chatd PRIVMSG #lobby :\x01VERSION\x01");
	irc_send(c, "NOTICE bob :\x01VERSION chatd-test\x01");
	irc_want(m.bob,
	    ":carol!carol@chatd NOTICE bob :\x01"
	    "VERSION chatd-test\x01");
	irc_send(c, "@+typing=active TAGMSG #lobby");
	irc_sync(c);
	irc_nothing(m.bob); /* bob has no message-tags */
	txt_nothing(m.ann);
	srv_stop_ok(&m.s);
}
END_TEST

START_TEST(test_text_arrives_and_moves)
{
	const char *pw = irc_tmpfile(0, "pw\n");
	const char *args[] = { "--password-file", pw, NULL };
	struct srv s;
	struct ircc *b;
	struct conn *t;
	struct irc_msg *msg;
	char nick[64];

	irc_srv_start(&s, args);
	b = irc_open(s.port, "bob");
	irc_send(b, "PASS pw");
	irc_send(b, "NICK bob");
	irc_send(b, "USER bob 0 * :B");
	irc_until(b, "422");
	irc_send(b, "JOIN #lobby");
	irc_until(b, "366");
	irc_send(b, "JOIN #dev");
	irc_until(b, "366");
	/* A text user arrives after /pass, as guestN. */
	t = conn_open(s.port);
	conn_send(t, "\n");
	txt_find(t, "/pass");
	irc_nothing(b);
	txt_send(t, "/pass pw");
	txt_find(t, "password accepted");
	msg = irc_want(b, ":" ANY " JOIN #lobby");
	snprintf(nick, sizeof nick, "%.*s", (int)strcspn(msg->source, "!"),
	    msg->source);
	ck_assert_msg(strncmp(nick, "guest", 5) == 0 &&
		strncmp(msg->source + strlen(nick), "!", 1) == 0 &&
		strcmp(msg->source + strlen(nick) + 1 + strlen(nick),
		    "@chatd") == 0 &&
		strncmp(msg->source + strlen(nick) + 1, nick, strlen(nick)) ==
		    0,
	    "want guestN!guestN@chatd JOIN #lobby, got %s", msg->line);
	/* /nick, then /join: PART in the old room, JOIN in the new one. */
	txt_send(t, "/nick ann");
	irc_want(b, ":%s!%s@chatd NICK ann", nick, nick);
	irc_nothing(b); /* once */
	txt_send(t, "/join dev");
	irc_want(b, ":ann!ann@chatd PART #lobby");
	ck_assert_int_eq(b->m.nparams, 1);
	irc_want(b, ":ann!ann@chatd JOIN #dev");
	txt_find(t, "-!- ann has joined #dev");
	srv_stop_ok(&s);
}
END_TEST

START_TEST(test_text_leaves)
{
	struct mix m;
	struct conn *t;
	struct linger lg = { 1, 0 };

	/* Reading: a reset shows as "Connection reset", §9's word for it. */
	mix_start(&m, NULL);
	txt_send(m.ann, "/quit bye now");
	irc_want(m.bob, ":ann!ann@chatd QUIT :Quit: bye now");
	t = txt_login(m.s.port, "tim");
	irc_until(m.bob, "NICK");
	txt_send(t, "/quit");
	irc_want(m.bob, ":tim!tim@chatd QUIT :Client Quit");
	t = txt_login(m.s.port, "tom");
	irc_until(m.bob, "NICK");
	conn_close(t);
	irc_want(m.bob, ":tom!tom@chatd QUIT :Connection closed");
	t = txt_login(m.s.port, "rex");
	irc_until(m.bob, "NICK");
	setsockopt(t->fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
	conn_close(t); /* a reset */
	irc_want(m.bob, ":rex!rex@chatd QUIT :Connection reset");
	srv_stop_ok(&m.s);
}
END_TEST

START_TEST(test_text_ops_seen_by_irc)
{
	struct mix m;
	struct ircc *c;

	mix_start(&m, NULL);
	c = irc_user(m.s.port, "carol");
	irc_send(c, "JOIN #lobby");
	irc_until(c, "366");
	irc_want(m.bob, ":carol!carol@chatd JOIN #lobby");
	txt_find(m.ann, "carol has joined");
	txt_send(m.ann, "/topic new topic");
	irc_want(m.bob, ":ann!ann@chatd TOPIC #lobby :new topic");
	txt_send(m.ann, "/op bob");
	irc_want(m.bob, ":ann!ann@chatd MODE #lobby +o bob");
	txt_send(m.ann, "/deop bob");
	irc_want(m.bob, ":ann!ann@chatd MODE #lobby -o bob");
	txt_send(m.ann, "/kick carol enough");
	irc_want(m.bob, ":ann!ann@chatd KICK #lobby carol :enough");
	irc_find(c, ":ann!ann@chatd KICK #lobby carol :enough");
	irc_send(c, "JOIN #lobby");
	irc_until(c, "366");
	irc_want(m.bob, ":carol!carol@chatd JOIN #lobby");
	txt_send(m.ann, "/kick carol");
	irc_want(m.bob, ":ann!ann@chatd KICK #lobby carol :ann");
	srv_stop_ok(&m.s);
}
END_TEST

START_TEST(test_irc_actions_seen_by_text)
{
	struct mix m;
	struct ircc *c;

	mix_start(&m, NULL);
	c = irc_user(m.s.port, "carol");
	irc_send(c, "JOIN #lobby");
	irc_until(c, "366");
	txt_want(m.ann, "-!- carol has joined #lobby");
	irc_send(c, "NICK carla");
	txt_want(m.ann, "-!- carol is now known as carla");
	irc_send(c, "PART #lobby");
	txt_want(m.ann, "-!- carla has left #lobby");
	irc_send(c, "JOIN #lobby");
	txt_want(m.ann, "-!- carla has joined #lobby");
	/* Reading: a PART reason shows as a text user's reasons do. */
	irc_send(c, "PART #lobby :lunch");
	txt_want(m.ann, "-!- carla has left #lobby (lunch)");
	irc_send(c, "JOIN #lobby");
	txt_want(m.ann, "-!- carla has joined #lobby");
	/* ann (text) is the operator: make bob one, then bob acts. */
	txt_send(m.ann, "/op bob");
	txt_want(m.ann, "-!- ann made bob an operator of #lobby");
	irc_send(m.bob, "TOPIC #lobby :from irc");
	txt_want(m.ann, "-!- bob set the topic of #lobby: from irc");
	irc_send(m.bob, "MODE #lobby +o carla");
	txt_want(m.ann, "-!- bob made carla an operator of #lobby");
	irc_send(m.bob, "MODE #lobby -o carla");
	txt_want(m.ann, "-!- bob removed carla as an operator of #lobby");
	irc_send(m.bob, "KICK #lobby carla :behave");
	txt_want(m.ann, "-!- carla was kicked from #lobby by bob (behave)");
	irc_send(c, "JOIN #lobby");
	txt_want(m.ann, "-!- carla has joined #lobby");
	/* A QUIT's reason without "Quit: ". */
	irc_send(c, "QUIT :gone");
	txt_want(m.ann, "-!- carla has quit (gone)");
	srv_stop_ok(&m.s);
}
END_TEST

/*
 * After a text user was kicked out of the server (kicked from #lobby),
 * what an IRC member of #lobby may still get. Reading of chatd-v2 §4
 * ("the room sees only the kick line; the log and IRC users get the quit
 * reason `kicked by K (R)`"): either nothing more, or one QUIT with that
 * reason; never another reason.
 */
static void
after_kick(struct ircc *ic, const char *nick, const char *reason)
{
	char want[256], g[IRC_LINEMAX];
	int quits = 0;

	snprintf(want, sizeof want, "kicked by %s", reason);
	irc_send(ic, "PING after-kick");
	for (;;) {
		ck_assert_msg(irc_read(ic, IRC_WAIT) == 1, "no PONG");
		if (strcmp(ic->m.command, "PONG") == 0)
			break;
		ck_assert_msg(strcmp(ic->m.command, "QUIT") == 0 &&
			strncmp(ic->m.source, nick, strlen(nick)) == 0 &&
			ic->m.nparams == 1 &&
			strcmp(ic->m.params[0], want) == 0 && quits++ == 0,
		    "%s: after the kick want nothing or one \"QUIT :%s\", "
		    "got %s",
		    ic->name, want, irc_show(&ic->m, g, sizeof g));
	}
}

START_TEST(test_kicked_text_user)
{
	struct mix m;
	struct ircc *a;
	struct conn *t;

	mix_start(&m, NULL);
	a = irc_user(m.s.port, "alice");
	irc_send(a, "JOIN #dev");
	irc_until(a, "366");
	t = txt_login(m.s.port, "tim");
	irc_until(m.bob, "NICK");
	txt_send(t, "/join dev");
	irc_want(a, ":tim!tim@chatd JOIN #dev");
	irc_want(m.bob, ":tim!tim@chatd PART #lobby");
	/* Kicked from #dev: moved to #lobby, an ordinary JOIN there. */
	irc_send(a, "KICK #dev tim :out");
	irc_want(a, ":alice!alice@chatd KICK #dev tim :out");
	txt_find(t, "-!- tim was kicked from #dev by alice (out)");
	irc_want(m.bob, ":tim!tim@chatd JOIN #lobby");
	txt_find(t, "-!- tim has joined #lobby");
	/* Kicked from #lobby by an IRC operator: disconnected. */
	txt_send(m.ann, "/op bob");
	irc_want(m.bob, ":ann!ann@chatd MODE #lobby +o bob");
	irc_send(m.bob, "KICK #lobby tim :bye");
	irc_want(m.bob, ":bob!bob@chatd KICK #lobby tim :bye");
	ck_assert(conn_eof(t, IRC_WAIT));
	after_kick(m.bob, "tim!", "bob (bye)");
	/* And by a text operator. */
	t = txt_login(m.s.port, "tam");
	irc_until(m.bob, "NICK");
	txt_send(m.ann, "/kick tam rude");
	irc_want(m.bob, ":ann!ann@chatd KICK #lobby tam :rude");
	ck_assert(conn_eof(t, IRC_WAIT));
	after_kick(m.bob, "tam!", "ann (rude)");
	srv_stop_ok(&m.s);
}
END_TEST

START_TEST(test_text_commands_count_irc)
{
	struct mix m;
	struct ircc *a;
	char line[1024], rooms[256];
	const char *p, *q;

	mix_start(&m, NULL);
	a = irc_user(m.s.port, "alice");
	irc_send(a, "JOIN #dev,#ops,#lobby");
	irc_until(a, "366");
	irc_until(a, "366");
	irc_until(a, "366");
	irc_send(a, "TOPIC #dev :building");
	irc_until(a, "TOPIC");
	txt_find(m.ann, "alice has joined #lobby");
	txt_send(m.ann, "/who");
	txt_want(m.ann, "-!- 3 users in #lobby: @ann, bob, alice");
	txt_send(m.ann, "/rooms");
	txt_want(m.ann, "-!- 3 rooms: #dev (1), #lobby (3), #ops (1)");
	/* Reading: the rooms of /whois in any order (v2 §4 does not say). */
	txt_send(m.ann, "/whois alice");
	ck_assert(conn_line(m.ann, line, sizeof line, IRC_WAIT) > 0);
	p = line_body(line);
	q = p != NULL ? strstr(p, ", idle ") : NULL;
	ck_assert_msg(p != NULL && strncmp(p, "-!- alice: in ", 14) == 0 &&
		q != NULL && strstr(q, ", connected ") != NULL &&
		strcmp(line + strlen(line) - 9, " ago, irc") == 0,
	    "want \"-!- alice: in #dev #ops #lobby, idle ..., connected ... "
	    "ago, irc\", got \"%s\"",
	    line);
	snprintf(rooms, sizeof rooms, " %.*s ", (int)(q - p - 14), p + 14);
	ck_assert_msg(strlen(rooms) == 18 && strstr(rooms, " #dev ") != NULL &&
		strstr(rooms, " #ops ") != NULL &&
		strstr(rooms, " #lobby ") != NULL,
	    "want the rooms #dev #ops #lobby, got \"%s\"", rooms);
	txt_send(m.ann, "/whois bob");
	txt_find(m.ann, "-!- bob: in #lobby, idle ");
	txt_send(m.ann, "/list");
	txt_want(m.ann, "-!- 3 rooms:");
	txt_want(m.ann, "-!- #dev (1): building");
	txt_want(m.ann, "-!- #lobby (3)");
	txt_want(m.ann, "-!- #ops (1)");
	srv_stop_ok(&m.s);
}
END_TEST

Suite *
test_suite(void)
{
	Suite *s = suite_create("integ_irc_mixed");
	TCase *tc = tcase_create("mixed");

	tcase_set_timeout(tc, TEST_TIMEOUT);
	tcase_add_test(tc, test_text_to_irc);
	tcase_add_test(tc, test_irc_to_text);
	tcase_add_test(tc, test_ctcp_between_irc);
	tcase_add_test(tc, test_text_arrives_and_moves);
	tcase_add_test(tc, test_text_leaves);
	tcase_add_test(tc, test_text_ops_seen_by_irc);
	tcase_add_test(tc, test_irc_actions_seen_by_text);
	tcase_add_test(tc, test_kicked_text_user);
	tcase_add_test(tc, test_text_commands_count_irc);
	suite_add_tcase(s, tc);
	return s;
}
