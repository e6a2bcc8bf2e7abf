/* test_irc_render.c: every IRC line chatd relays, byte for byte, from its event, per variant. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_main.h"
#include "event.h"
#include "fanout.h"
#include "irc.h"
#include "proto.h"
#include "proto_irc.h"
#include "text.h"

/* 2026-12-01 12:04:05.123 UTC. */
#define T0   1796126645123LL
#define TIME "time=2026-12-01T12:04:05.123Z"
#define ID   "0abcdefgh000000000042"
#define ALL  (IRC_CAP_SERVER_TIME | IRC_CAP_MESSAGE_TAGS | IRC_CAP_ECHO)

static void
setup(void)
{
	irc_render_set_server("chatd");
}

static struct ev
ev_of(enum ev_kind kind)
{
	struct ev ev;

	memset(&ev, 0, sizeof ev);
	ev.kind = kind;
	ev.id = 0x42;
	ev.msgid = ID;
	ev.time_ms = T0;
	ev.nick = "alice";
	ev.user = "al";
	ev.room = "Dev";
	ev.text = "";
	return ev;
}

static void
text(struct ev *ev, const char *t)
{
	ev->text = t;
	ev->len = strlen(t);
}

/* ev rendered for caps (self or not) is exactly want (NULL: nothing). */
static void
is(const struct ev *ev, int self, unsigned caps, const char *want)
{
	struct buf b;
	int rv;

	buf_init(&b);
	buf_append_str(&b, "kept");
	rv = proto_irc_render(&b, ev, self, FANOUT_IRC + caps);
	if (want == NULL) {
		ck_assert_int_eq(rv, 0);
		ck_assert_uint_eq(buf_len(&b), 4);
		buf_free(&b);
		return;
	}
	ck_assert_int_eq(rv, 1);
	ck_assert_msg(buf_len(&b) == 4 + strlen(want) &&
		memcmp(buf_data(&b) + 4, want, strlen(want)) == 0,
	    "caps %u self %d:\n want %s\n got  %.*s", caps, self, want,
	    (int)buf_len(&b) - 4, buf_data(&b) + 4);
	buf_free(&b);
}

/* The same line for every variant: tags only as caps allow. */
static void
is_tagged(const struct ev *ev, int self, const char *body,
    const char *tags_time, const char *tags_msgid)
{
	char want[8192];
	unsigned caps;

	for (caps = 0; caps < IRC_VARIANTS; caps++) {
		const char *t = (caps & IRC_CAP_SERVER_TIME) ? tags_time : NULL;
		const char *m =
		    (caps & IRC_CAP_MESSAGE_TAGS) ? tags_msgid : NULL;

		if (t != NULL && m != NULL)
			snprintf(
			    want, sizeof want, "@%s;%s %s\r\n", t, m, body);
		else if (t != NULL || m != NULL)
			snprintf(want, sizeof want, "@%s %s\r\n",
			    t != NULL ? t : m, body);
		else
			snprintf(want, sizeof want, "%s\r\n", body);
		is(ev, self, caps, want);
	}
}

START_TEST(test_privmsg_variants)
{
	struct ev ev = ev_of(EV_MESSAGE);

	text(&ev, "hello all");
	ev.flags = EV_F_IRC;
	is(&ev, 0, 0, ":alice!al@chatd PRIVMSG #Dev :hello all\r\n");
	is(&ev, 0, IRC_CAP_SERVER_TIME,
	    "@" TIME " :alice!al@chatd PRIVMSG #Dev :hello all\r\n");
	is(&ev, 0, IRC_CAP_MESSAGE_TAGS,
	    "@msgid=" ID " :alice!al@chatd PRIVMSG #Dev :hello all\r\n");
	is(&ev, 0, IRC_CAP_SERVER_TIME | IRC_CAP_MESSAGE_TAGS,
	    "@" TIME ";msgid=" ID
	    " :alice!al@chatd PRIVMSG #Dev :hello all\r\n");
	/* echo-message alone changes nothing for the others. */
	is(&ev, 0, IRC_CAP_ECHO, ":alice!al@chatd PRIVMSG #Dev :hello all\r\n");
	/* The sender sees it only with echo-message, as the others do. */
	is(&ev, 1, 0, NULL);
	is(&ev, 1, IRC_CAP_SERVER_TIME | IRC_CAP_MESSAGE_TAGS, NULL);
	is(&ev, 1, IRC_CAP_ECHO, ":alice!al@chatd PRIVMSG #Dev :hello all\r\n");
	is(&ev, 1, ALL,
	    "@" TIME ";msgid=" ID
	    " :alice!al@chatd PRIVMSG #Dev :hello all\r\n");
}
END_TEST

START_TEST(test_client_tags)
{
	struct ev ev = ev_of(EV_MESSAGE);

	text(&ev, "hi");
	ev.tags = "+typing=active;+example.com/x=a\\sb";
	is(&ev, 0, 0, ":alice!al@chatd PRIVMSG #Dev :hi\r\n");
	is(&ev, 0, IRC_CAP_SERVER_TIME,
	    "@" TIME " :alice!al@chatd PRIVMSG #Dev :hi\r\n");
	is(&ev, 0, IRC_CAP_MESSAGE_TAGS,
	    "@msgid=" ID ";+typing=active;+example.com/x=a\\sb "
	    ":alice!al@chatd PRIVMSG #Dev :hi\r\n");
	is(&ev, 1, ALL,
	    "@" TIME ";msgid=" ID ";+typing=active;+example.com/x=a\\sb "
	    ":alice!al@chatd PRIVMSG #Dev :hi\r\n");
}
END_TEST

START_TEST(test_notice_action_ctcp)
{
	struct ev ev = ev_of(EV_MESSAGE);

	text(&ev, "note this");
	ev.flags = EV_F_NOTICE | EV_F_IRC;
	is(&ev, 0, 0, ":alice!al@chatd NOTICE #Dev :note this\r\n");
	is(&ev, 1, IRC_CAP_ECHO, ":alice!al@chatd NOTICE #Dev :note this\r\n");
	text(&ev, "waves");
	ev.flags = EV_F_ACTION;
	is(&ev, 0, 0, ":alice!al@chatd PRIVMSG #Dev :\001ACTION waves\001\r\n");
	text(&ev, "");
	is(&ev, 0, 0, ":alice!al@chatd PRIVMSG #Dev :\001ACTION\001\r\n");
	text(&ev, "\001VERSION\001");
	ev.flags = EV_F_CTCP | EV_F_IRC;
	is(&ev, 0, 0, ":alice!al@chatd PRIVMSG #Dev :\001VERSION\001\r\n");
}
END_TEST

START_TEST(test_tagmsg)
{
	struct ev ev = ev_of(EV_MESSAGE);

	ev.flags = EV_F_TAGMSG | EV_F_IRC;
	ev.tags = "+typing=active";
	/* Only to clients with message-tags, and echoed under echo. */
	is(&ev, 0, 0, NULL);
	is(&ev, 0, IRC_CAP_SERVER_TIME | IRC_CAP_ECHO, NULL);
	is(&ev, 0, IRC_CAP_MESSAGE_TAGS,
	    "@msgid=" ID ";+typing=active :alice!al@chatd TAGMSG #Dev\r\n");
	is(&ev, 1, IRC_CAP_MESSAGE_TAGS, NULL);
	is(&ev, 1, ALL,
	    "@" TIME ";msgid=" ID ";+typing=active :alice!al@chatd TAGMSG "
	    "#Dev\r\n");
	ev.tags = NULL;
	is(&ev, 0, IRC_CAP_MESSAGE_TAGS,
	    "@msgid=" ID " :alice!al@chatd TAGMSG #Dev\r\n");
}
END_TEST

START_TEST(test_private)
{
	struct ev ev = ev_of(EV_MESSAGE);

	ev.room = NULL;
	ev.target = "Bob";
	ev.user = "alice"; /* a plain-text user: user is the nick */
	text(&ev, "psst");
	is(&ev, 0, 0, ":alice!alice@chatd PRIVMSG Bob :psst\r\n");
	is(&ev, 1, 0, NULL);
	is(&ev, 1, IRC_CAP_ECHO, ":alice!alice@chatd PRIVMSG Bob :psst\r\n");
	text(&ev, "waves");
	ev.flags = EV_F_ACTION;
	is(&ev, 0, 0,
	    ":alice!alice@chatd PRIVMSG Bob :\001ACTION waves\001\r\n");
}
END_TEST

START_TEST(test_membership)
{
	struct ev ev = ev_of(EV_JOIN);

	/* The self view of these is everyone's line. */
	is_tagged(&ev, 0, ":alice!al@chatd JOIN #Dev", TIME, "msgid=" ID);
	is_tagged(&ev, 1, ":alice!al@chatd JOIN #Dev", TIME, "msgid=" ID);
	ev = ev_of(EV_PART);
	is_tagged(&ev, 1, ":alice!al@chatd PART #Dev", TIME, "msgid=" ID);
	text(&ev, "see you later");
	is_tagged(&ev, 0, ":alice!al@chatd PART #Dev :see you later", TIME,
	    "msgid=" ID);
	ev = ev_of(EV_NICK);
	ev.room = NULL;
	ev.target = "alice2";
	is_tagged(&ev, 1, ":alice!al@chatd NICK alice2", TIME, "msgid=" ID);
	ev = ev_of(EV_TOPIC);
	text(&ev, "welcome: all");
	is_tagged(&ev, 1, ":alice!al@chatd TOPIC #Dev :welcome: all", TIME,
	    "msgid=" ID);
	text(&ev, "");
	is_tagged(&ev, 0, ":alice!al@chatd TOPIC #Dev :", TIME, "msgid=" ID);
	ev = ev_of(EV_KICK);
	ev.target = "bob";
	text(&ev, "spam");
	is_tagged(
	    &ev, 1, ":alice!al@chatd KICK #Dev bob :spam", TIME, "msgid=" ID);
	/* Without a reason, the kicker's nick. */
	text(&ev, "");
	is_tagged(
	    &ev, 0, ":alice!al@chatd KICK #Dev bob :alice", TIME, "msgid=" ID);
}
END_TEST

START_TEST(test_mode)
{
	struct ev ev = ev_of(EV_MODE);

	ev.target = "bob";
	ev.flags = EV_F_OP;
	/* MODE carries a time but no msgid (irc-v1 §5). */
	is_tagged(&ev, 1, ":alice!al@chatd MODE #Dev +o bob", TIME, NULL);
	is(&ev, 0, IRC_CAP_MESSAGE_TAGS,
	    ":alice!al@chatd MODE #Dev +o bob\r\n");
	ev.flags = 0;
	is(&ev, 0, 0, ":alice!al@chatd MODE #Dev -o bob\r\n");
	/* The automatic promotion comes from the server. */
	ev.nick = NULL;
	ev.user = NULL;
	ev.flags = EV_F_OP;
	is(&ev, 0, 0, ":chatd MODE #Dev +o bob\r\n");
	is(&ev, 0, ALL, "@" TIME " :chatd MODE #Dev +o bob\r\n");
	irc_render_set_server("irc.example.org");
	is(&ev, 0, 0, ":irc.example.org MODE #Dev +o bob\r\n");
}
END_TEST

static const struct {
	enum ev_quit why;
	const char *text;
	const char *words;
} quits[] = {
	{ EV_QUIT_REQUEST, "bye now", "Quit: bye now" },
	{ EV_QUIT_REQUEST, "", "Client Quit" },
	{ EV_QUIT_CLOSED, "", "Connection closed" },
	{ EV_QUIT_RESET, "", "Connection reset" },
	{ EV_QUIT_SLOW, "", "too slow" },
	{ EV_QUIT_ERROR, "", "Read error" },
	{ EV_QUIT_MEMORY, "", "Out of memory" },
	{ EV_QUIT_TIMEOUT, "", "Registration timed out" },
	{ EV_QUIT_PASSWORD, "", "Password incorrect" },
	{ EV_QUIT_PING, "", "Ping timeout: 210 seconds" },
	{ EV_QUIT_KICKED, "kicked by bob (spam)", "kicked by bob (spam)" },
	{ EV_QUIT_SHUTDOWN, "", "Server shutting down" },
	{ EV_QUIT_LOST, "", "Server lost" },
};

START_TEST(test_quit_words)
{
	struct ev ev = ev_of(EV_QUIT);
	char want[256];

	ev.room = NULL;
	ev.quit = quits[_i].why;
	text(&ev, quits[_i].text);
	snprintf(
	    want, sizeof want, ":alice!al@chatd QUIT :%s", quits[_i].words);
	is_tagged(&ev, 0, want, TIME, "msgid=" ID);
}
END_TEST

START_TEST(test_replies)
{
	struct ev ev = ev_of(EV_REPLY);

	ev.room = NULL;
	ev.code = R_AWAY_ON;
	is(&ev, 1, ALL,
	    ":chatd 306 alice :You have been marked as being away\r\n");
	ev.code = R_AWAY_OFF;
	is(&ev, 1, 0,
	    ":chatd 305 alice :You are no longer marked as being away\r\n");
	/* To the sender of a message to an away user: its nick is target. */
	ev.code = R_AWAY;
	ev.nick = "bob";
	ev.target = "alice";
	text(&ev, "at lunch");
	is(&ev, 1, ALL, ":chatd 301 alice bob :at lunch\r\n");
	/* What IRC users must not get: the text protocol's sentences. */
	ev.code = R_WHO;
	is(&ev, 1, ALL, NULL);
	ev.code = R_BYE;
	is(&ev, 0, 0, NULL);
	ev.kind = EV_ERROR;
	ev.code = E_NO_SUCH_NICK;
	is(&ev, 1, ALL, NULL);
}
END_TEST

/* Nonzero when s[0, len) is whole UTF-8 characters. */
static int
utf8_whole(const char *s, size_t len)
{
	size_t i = 0, used;

	while (i < len) {
		text_utf8_decode(s + i, len - i, &used);
		if (used == 1 && (unsigned char)s[i] >= 0x80)
			return 0;
		i += used;
	}
	return 1;
}

/* Render, then check each line: at most 512 bytes without its tags,
 * and return the lines' count; texts: the concatenated PRIVMSG texts. */
static int
split_lines(const struct ev *ev, unsigned caps, struct buf *texts,
    char msgids[][64], size_t *longest)
{
	struct buf b;
	const char *p, *e;
	char line[8192];
	struct irc_msg m;
	int n = 0;
	struct irc_tag t;

	buf_init(&b);
	ck_assert_int_eq(proto_irc_render(&b, ev, 0, FANOUT_IRC + caps), 1);
	ck_assert(buf_len(&b) > 0);
	*longest = 0;
	for (p = buf_data(&b); p < buf_data(&b) + buf_len(&b); p = e + 2) {
		e = memchr(p, '\r', (size_t)(buf_data(&b) + buf_len(&b) - p));
		ck_assert_ptr_nonnull(e);
		ck_assert_int_eq(e[1], '\n');
		memcpy(line, p, (size_t)(e - p));
		line[e - p] = '\0';
		ck_assert_int_eq(irc_parse(&m, line, (size_t)(e - p)), 0);
		/* Without tags, with CR LF. */
		{
			size_t tl = m.tags != NULL ? strlen(m.tags) + 2 : 0;
			size_t len = (size_t)(e - p) + 2 - tl;

			ck_assert_msg(
			    len <= IRC_LINE_MAX, "line %d: %zu bytes", n, len);
			if (len > *longest)
				*longest = len;
		}
		ck_assert_str_eq(m.command, "PRIVMSG");
		ck_assert_uint_eq(m.nparams, 2);
		ck_assert_msg(utf8_whole(m.params[1], strlen(m.params[1])),
		    "line %d ends inside a character", n);
		buf_append_str(texts, m.params[1]);
		msgids[n][0] = '\0';
		if (irc_tag_find(m.tags, "msgid", &t))
			snprintf(
			    msgids[n], 64, "%.*s", (int)t.valuelen, t.value);
		n++;
	}
	buf_free(&b);
	return n;
}

START_TEST(test_split_text_line)
{
	struct ev ev = ev_of(EV_MESSAGE);
	char msg[2049], want[64], msgids[16][64];
	struct buf texts;
	size_t i, longest;
	int n, k;

	/* 2048 bytes of a text user's line, characters of 1, 2 and 3
	 * bytes, so that a byte cut would land inside one. */
	for (i = 0; i + 6 <= 2048; i += 6)
		memcpy(msg + i, "a\xc3\xa9\xe2\x82\xac", 6);
	memset(msg + i, 'z', 2048 - i);
	msg[2048] = '\0';
	text(&ev, msg);
	ev.user = "alice";
	buf_init(&texts);
	n = split_lines(&ev, IRC_CAP_MESSAGE_TAGS, &texts, msgids, &longest);
	ck_assert_int_ge(n, 5);
	ck_assert_int_le(n, 6);
	ck_assert_uint_ge(longest, IRC_LINE_MAX - 5);
	/* Nothing lost, nothing cut inside a character. */
	ck_assert_uint_eq(buf_len(&texts), 2048);
	ck_assert(memcmp(buf_data(&texts), msg, 2048) == 0);
	ck_assert_str_eq(msgids[0], ID);
	for (k = 1; k < n; k++) {
		snprintf(want, sizeof want, ID "-%d", k + 1);
		ck_assert_str_eq(msgids[k], want);
	}
	/* An action: each part an ACTION. */
	buf_truncate(&texts, 0);
	ev.flags = EV_F_ACTION;
	n = split_lines(&ev, 0, &texts, msgids, &longest);
	ck_assert_int_ge(n, 5);
	{
		const char *p = buf_data(&texts);
		struct buf inner;

		buf_init(&inner);
		for (k = 0; k < n; k++) {
			const char *end;

			ck_assert(strncmp(p, "\001ACTION ", 8) == 0);
			end = strchr(p + 8, '\001');
			ck_assert_ptr_nonnull(end);
			buf_append(&inner, p + 8, (size_t)(end - p - 8));
			p = end + 1;
		}
		ck_assert_uint_eq(buf_len(&inner), 2048);
		ck_assert(memcmp(buf_data(&inner), msg, 2048) == 0);
		buf_free(&inner);
	}
	buf_free(&texts);
}
END_TEST

START_TEST(test_cut_irc_line)
{
	struct ev ev = ev_of(EV_MESSAGE);
	char msg[1600], msgids[4][64];
	struct buf texts, b;
	size_t i, longest, head;

	/* An IRC user's line, cleaned, over only by its prefix: 500 bytes of
	 * 3-byte characters after a single byte. */
	msg[0] = 'x';
	for (i = 1; i + 3 <= 501; i += 3)
		memcpy(msg + i, "\xe2\x82\xac", 3);
	msg[i] = '\0';
	text(&ev, msg);
	ev.flags = EV_F_IRC;
	buf_init(&texts);
	ck_assert_int_eq(split_lines(&ev, 0, &texts, msgids, &longest), 1);
	/* ":alice!al@chatd PRIVMSG #Dev :" and CR LF: 32 bytes. */
	head = strlen(":alice!al@chatd PRIVMSG #Dev :") + 2;
	ck_assert_uint_le(longest, IRC_LINE_MAX);
	/* The longest prefix that fits, at a character boundary. */
	ck_assert_uint_eq(
	    buf_len(&texts), irc_utf8_cut(msg, ev.len, IRC_LINE_MAX - head));
	ck_assert_uint_gt(buf_len(&texts), IRC_LINE_MAX - head - 3);
	ck_assert_uint_eq((buf_len(&texts) - 1) % 3, 0);
	ck_assert(memcmp(buf_data(&texts), msg, buf_len(&texts)) == 0);
	buf_free(&texts);
	/* A long PART reason is cut the same way. */
	ev = ev_of(EV_PART);
	text(&ev, msg);
	buf_init(&b);
	ck_assert_int_eq(proto_irc_render(&b, &ev, 0, FANOUT_IRC), 1);
	ck_assert_uint_le(buf_len(&b), IRC_LINE_MAX);
	ck_assert_uint_gt(buf_len(&b), IRC_LINE_MAX - 3);
	buf_free(&b);
}
END_TEST

/* The renderer leaves the buffer as it was when it renders nothing. */
START_TEST(test_nothing_leaves_buffer)
{
	struct ev ev = ev_of(EV_MESSAGE);

	text(&ev, "x");
	is(&ev, 1, IRC_CAP_SERVER_TIME, NULL);
	ev.kind = EV_ERROR;
	is(&ev, 0, ALL, NULL);
}
END_TEST

Suite *
test_suite(void)
{
	Suite *s = suite_create("irc_render");
	TCase *tc = tcase_create("render");

	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, test_privmsg_variants);
	tcase_add_test(tc, test_client_tags);
	tcase_add_test(tc, test_notice_action_ctcp);
	tcase_add_test(tc, test_tagmsg);
	tcase_add_test(tc, test_private);
	tcase_add_test(tc, test_membership);
	tcase_add_test(tc, test_mode);
	tcase_add_loop_test(
	    tc, test_quit_words, 0, (int)(sizeof quits / sizeof quits[0]));
	tcase_add_test(tc, test_replies);
	tcase_add_test(tc, test_split_text_line);
	tcase_add_test(tc, test_cut_irc_line);
	tcase_add_test(tc, test_nothing_leaves_buffer);
	suite_add_tcase(s, tc);
	return s;
}
