/*
 * test_irc_replay.c: history as IRC replays it (history-v1 §3): text and
 * IRC senders in one history, a split text line replayed split, NOTICE
 * and ACTION, a client without caps, the replay after JOIN with and
 * without batch and server-time, and --history 0.
 */
#include "irc_hist.h"

#define ROOM     "#lobby" /* where text users are */
#define LONG_LEN 1200     /* a text line IRC splits in three */

static struct hist_log L;

/* The PRIVMSGs a text user's line of len ASCII bytes becomes (irc-v1
 * §2): 512 bytes each with ":nick!nick@chatd PRIVMSG #room :" and CR
 * LF. */
static int
parts(const char *nick, const char *room, size_t len)
{
	size_t head =
	    1 + 2 * strlen(nick) + 7 + 1 + 7 + 1 + strlen(room) + 2 + 2;

	return (int)((len + (512 - head) - 1) / (512 - head));
}

/* A line without its tag section. */
static const char *
untagged(const char *line)
{
	return line[0] == '@' ? strchr(line, ' ') + 1 : line;
}

/* line without its msgid tag, into out. */
static const char *
no_msgid(char *out, size_t len, const char *line)
{
	const char *p = strstr(line, ";msgid="), *e;

	if (p == NULL) {
		snprintf(out, len, "%s", line);
		return out;
	}
	e = p + 1 + strcspn(p + 1, "; ");
	snprintf(out, len, "%.*s%s", (int)(p - line), line, e);
	return out;
}

/* In ROOM: ann (text) says a line, an action and a long line; bob (IRC,
 * no caps) a PRIVMSG, a NOTICE and an ACTION; rita (HIST_CAPS) records
 * them live. */
static void
talk(struct srv *srv, struct conn **ann, struct ircc **bob, struct ircc **r)
{
	char longline[LONG_LEN + 1];

	*ann = txt_login(srv->port, "ann");
	*bob = irc_user(srv->port, "bob");
	*r = irc_register(
	    srv->port, "rita", HIST_CAPS, "echo-message", (char *)NULL);
	irc_send(*bob, "JOIN " ROOM);
	irc_until(*bob, "366");
	irc_send(*r, "JOIN " ROOM);
	irc_until(*r, "366");
	irc_nothing(*r);
	L.n = 0;
	txt_send(*ann, "hello from text");
	hist_record(&L, *r, 1);
	txt_send(*ann, "/me waves from text");
	hist_record(&L, *r, 1);
	memset(longline, 'x', LONG_LEN);
	memcpy(longline, "long ", 5);
	longline[LONG_LEN] = '\0';
	txt_send(*ann, "%s", longline);
	hist_record(&L, *r, parts("ann", ROOM, LONG_LEN));
	irc_send(*bob, "PRIVMSG " ROOM " :hello from irc");
	hist_record(&L, *r, 1);
	irc_send(*bob, "NOTICE " ROOM " :a notice from irc");
	hist_record(&L, *r, 1);
	irc_send(*bob, "PRIVMSG " ROOM " :\001ACTION waves from irc\001");
	hist_record(&L, *r, 1);
	irc_send(*r, "PRIVMSG " ROOM " :rita's own");
	hist_record(&L, *r, 1);
}

/* One history, two protocols: each line as rita got it live, a split
 * line as one event (LIMIT counts events), NOTICE and ACTION kept. */
START_TEST(test_mixed_senders)
{
	struct srv srv;
	struct conn *ann;
	struct ircc *bob, *r, *c;
	struct hist_batch b = { 0 };
	int i, k, j;

	irc_srv_start(&srv, NULL);
	talk(&srv, &ann, &bob, &r);
	ck_assert_int_eq(L.ev[2].nlines, 3);
	ck_assert(strstr(L.ev[1].line[0], ":\001ACTION waves from text\001"));
	ck_assert(strstr(L.ev[4].line[0], " NOTICE " ROOM " :a notice"));
	hist_ask(r, &b, "LATEST %s * 100", ROOM);
	hist_is(&b, &L, 0, L.n);
	/* The split line and the next: two events, four lines. */
	hist_ask(r, &b, "BETWEEN %s msgid=%s msgid=%s 2", ROOM, L.ev[1].msgid,
	    L.ev[5].msgid);
	hist_is(&b, &L, 2, 4);
	/* A part's msgid stands for its message. */
	hist_ask(r, &b, "AFTER %s msgid=%s-2 1", ROOM, L.ev[2].msgid);
	hist_is(&b, &L, 3, 4);
	/* A client without caps: a batch all the same, batch= its only tag,
	 * after it the bytes an untagged member got. */
	c = irc_user(srv.port, "carol");
	irc_send(c, "JOIN " ROOM);
	irc_until(c, "366");
	irc_nothing(c);
	hist_ask(c, &b, "LATEST %s * 100", ROOM);
	for (i = j = 0; i < L.n; i++)
		for (k = 0; k < L.ev[i].nlines; k++, j++) {
			ck_assert_int_lt(j, b.n);
			ck_assert_str_eq(b.line[j], untagged(L.ev[i].line[k]));
		}
	ck_assert_int_eq(j, b.n);
	irc_nothing(c);
	hist_batch_free(&b);
	srv_stop_ok(&srv);
}
END_TEST

/* After JOIN, 353 and 366 (the topic before them): what follows. */
static void
joined(struct ircc *c, const char *room)
{
	irc_send(c, "JOIN %s", room);
	irc_want(c, ":%s!%s@chatd JOIN %s", c->name, c->name, room);
	irc_until(c, "366");
}

/* The JOIN replay: server-time and batch, a batch; server-time alone,
 * bare lines with their times; no server-time, or draft/chathistory,
 * nothing; nor for a room without history. */
START_TEST(test_join_replay_forms)
{
	struct srv srv;
	struct conn *ann;
	struct ircc *bob, *r, *c;
	struct irc_msg *m;
	char want[HIST_LINE], id[64];
	int i, k;

	irc_srv_start(&srv, NULL);
	talk(&srv, &ann, &bob, &r);
	/* server-time, message-tags, batch: rita's own lines, batched. */
	c = irc_register(srv.port, "sue", "server-time", "message-tags",
	    "batch", (char *)NULL);
	joined(c, ROOM);
	m = irc_want(c, ":chatd BATCH " ANY " chathistory " ROOM);
	snprintf(id, sizeof id, "%s", m->params[0] + 1);
	snprintf(want, sizeof want, "@batch=%s;", id);
	for (i = 0; i < L.n; i++)
		for (k = 0; k < L.ev[i].nlines; k++) {
			ck_assert_int_eq(irc_read(c, IRC_WAIT), 1);
			ck_assert_msg(
			    strncmp(c->m.line, want, strlen(want)) == 0 &&
				strcmp(c->m.line + strlen(want),
				    L.ev[i].line[k] + 1) == 0,
			    "got %s, want %s + %s", c->m.line, want,
			    L.ev[i].line[k]);
		}
	irc_want(c, ":chatd BATCH -%s", id);
	irc_nothing(c);
	/* server-time alone: the lines, times and all, no batch. */
	c = irc_register(srv.port, "tim", "server-time", (char *)NULL);
	joined(c, ROOM);
	for (i = 0; i < L.n; i++)
		for (k = 0; k < L.ev[i].nlines; k++) {
			ck_assert_int_eq(irc_read(c, IRC_WAIT), 1);
			ck_assert_str_eq(c->m.line,
			    no_msgid(want, sizeof want, L.ev[i].line[k]));
		}
	irc_nothing(c);
	/* No server-time: its times would be wrong. */
	c = irc_register(
	    srv.port, "una", "batch", "message-tags", (char *)NULL);
	joined(c, ROOM);
	irc_nothing(c);
	/* draft/chathistory: it asks for itself. */
	c = irc_register(srv.port, "vic", "server-time", "batch",
	    "draft/chathistory", (char *)NULL);
	joined(c, ROOM);
	irc_nothing(c);
	/* A room with no history: nothing, not an empty batch. */
	c = irc_register(srv.port, "wes", "server-time", "batch", (char *)NULL);
	joined(c, "#quiet");
	irc_nothing(c);
	/* Back in a room: what it said itself comes back too. */
	irc_send(c, "PRIVMSG #quiet :wes was here");
	irc_send(c, "PART #quiet");
	irc_until(c, "PART");
	joined(c, "#quiet");
	irc_want(c, ":chatd BATCH " ANY " chathistory #quiet");
	irc_want(c, ":wes!wes@chatd PRIVMSG #quiet :wes was here");
	ck_assert_ptr_nonnull(irc_tag(&c->m, "time"));
	irc_want(c, ":chatd BATCH " ANY);
	irc_nothing(c);
	srv_stop_ok(&srv);
}
END_TEST

/* --replay N: the last N events after JOIN (a split line is one);
 * --replay 0: none. */
START_TEST(test_join_replay_count)
{
	const char *two[] = { "--replay", "2", NULL };
	const char *none[] = { "--replay", "0", NULL };
	struct srv srv;
	struct conn *ann;
	struct ircc *bob, *r, *c;
	int i, k;

	irc_srv_start(&srv, two);
	talk(&srv, &ann, &bob, &r);
	c = irc_register(
	    srv.port, "sue", "server-time", "message-tags", (char *)NULL);
	joined(c, ROOM);
	for (i = L.n - 2; i < L.n; i++)
		for (k = 0; k < L.ev[i].nlines; k++) {
			ck_assert_int_eq(irc_read(c, IRC_WAIT), 1);
			ck_assert_str_eq(c->m.line, L.ev[i].line[k]);
		}
	irc_nothing(c);
	srv_stop_ok(&srv);
	irc_srv_start(&srv, none);
	talk(&srv, &ann, &bob, &r);
	c = irc_register(srv.port, "sue", "server-time", "batch", (char *)NULL);
	joined(c, ROOM);
	irc_nothing(c);
	srv_stop_ok(&srv);
}
END_TEST

/* --history 0: no cap, no 005 token, CHATHISTORY unknown, no replay. */
START_TEST(test_history_off)
{
	const char *args[] = { "--history", "0", NULL };
	struct srv srv;
	struct ircc *c, *t;
	struct irc_msg *m;

	irc_srv_start(&srv, args);
	c = irc_open(srv.port, "ls");
	irc_send(c, "CAP LS 302");
	m = irc_want(c, ":chatd CAP * LS " ANY);
	ck_assert(strstr(m->params[2], "chathistory") == NULL);
	ck_assert(strstr(m->params[2], "batch") != NULL);
	irc_send(c, "CAP REQ :draft/chathistory");
	irc_want(c, ":chatd CAP * NAK :draft/chathistory");
	irc_send(c, "CAP END");
	irc_send(c, "NICK ls");
	irc_send(c, "USER ls 0 * :ls");
	for (;;) {
		m = irc_until(c, "005");
		ck_assert(strstr(m->line, "CHATHISTORY") == NULL);
		if (strstr(m->line, "NETWORK=") != NULL)
			break;
	}
	irc_want(c, ":chatd 422 ls :" ANY);
	t = irc_register(srv.port, "tx", "server-time", "batch", (char *)NULL);
	joined(t, "#r");
	irc_send(t, "PRIVMSG #r :said");
	irc_send(t, "CHATHISTORY LATEST #r * 10");
	irc_want(t, ":chatd 421 tx CHATHISTORY :Unknown command");
	irc_send(c, "JOIN #r");
	irc_until(c, "366");
	irc_nothing(c);
	irc_send(t, "PART #r");
	irc_until(t, "PART");
	joined(t, "#r");
	irc_nothing(t);
	srv_stop_ok(&srv);
}
END_TEST

Suite *
test_suite(void)
{
	Suite *s = suite_create("integ_irc_replay");
	TCase *tc = tcase_create("replay");

	tcase_set_timeout(tc, TEST_TIMEOUT);
	tcase_add_test(tc, test_mixed_senders);
	tcase_add_test(tc, test_join_replay_forms);
	tcase_add_test(tc, test_join_replay_count);
	tcase_add_test(tc, test_history_off);
	suite_add_tcase(s, tc);
	return s;
}
