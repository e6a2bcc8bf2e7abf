/* test_render.c: every plain-text line chatd sends, byte for byte, from its event. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "check_main.h"
#include "render.h"

/* 2026-12-01 12:04:05 UTC, rendered in UTC (TZ is set in the fixture). */
#define T0    1796126645000LL
#define STAMP "[12:04:05] "

static void
setup(void)
{
	setenv("TZ", "UTC", 1);
	tzset();
}

static struct ev
ev_of(enum ev_kind kind)
{
	struct ev ev;

	memset(&ev, 0, sizeof ev);
	ev.kind = kind;
	ev.time_ms = T0;
	ev.nick = "alice";
	ev.room = "dev";
	ev.text = "";
	return ev;
}

static struct ev
ev_code(enum ev_kind kind, enum ev_code code)
{
	struct ev ev = ev_of(kind);

	ev.code = code;
	return ev;
}

/* ev rendered for a recipient (self or not) is exactly want (after the
 * stamp, without the LF); want NULL: nothing is rendered. */
static void
is(const struct ev *ev, int self, const char *want)
{
	struct buf b;
	char full[8192];
	int rv;

	buf_init(&b);
	rv = render_line(&b, ev, self);
	if (want == NULL) {
		ck_assert_int_eq(rv, 0);
		ck_assert_uint_eq(buf_len(&b), 0);
		buf_free(&b);
		return;
	}
	ck_assert_int_eq(rv, 1);
	snprintf(full, sizeof full, STAMP "%s\n", want);
	ck_assert_uint_eq(buf_len(&b), strlen(full));
	ck_assert_msg(memcmp(buf_data(&b), full, strlen(full)) == 0,
	    "want %s got %.*s", full, (int)buf_len(&b), buf_data(&b));
	buf_free(&b);
}

static void
text(struct ev *ev, const char *t)
{
	ev->text = t;
	ev->len = strlen(t);
}

START_TEST(test_messages)
{
	struct ev ev = ev_of(EV_MESSAGE);

	text(&ev, "hello all");
	is(&ev, 0, "<alice> hello all");
	/* A room member never sees its own line come back. */
	is(&ev, 1, NULL);
	ev.flags = EV_F_ACTION;
	text(&ev, "waves");
	is(&ev, 0, "* alice waves");
	/* An IRC NOTICE to a room reads as a message. */
	ev.flags = EV_F_NOTICE;
	text(&ev, "hi");
	is(&ev, 0, "<alice> hi");
	/* Other CTCPs and TAGMSG are not for plain-text users. */
	ev.flags = EV_F_CTCP;
	is(&ev, 0, NULL);
	ev.flags = EV_F_TAGMSG;
	is(&ev, 0, NULL);
}
END_TEST

START_TEST(test_private)
{
	struct ev ev = ev_of(EV_MESSAGE);

	ev.room = NULL;
	ev.target = "bob";
	text(&ev, "psst");
	is(&ev, 0, "*alice* psst");
	is(&ev, 1, "-> *bob* psst");
	ev.flags = EV_F_ACTION;
	text(&ev, "waves");
	is(&ev, 0, "*alice* * alice waves");
}
END_TEST

START_TEST(test_text_exact)
{
	struct ev ev = ev_of(EV_MESSAGE);
	char *big = malloc(3001), want[4000];

	/* Text is copied byte for byte, however long; only control
	 * characters go. */
	memset(big, 'x', 3000);
	big[0] = '\t';
	big[1] = (char)0xc3;
	big[2] = (char)0xa9;
	big[3000] = '\0';
	text(&ev, big);
	snprintf(want, sizeof want, "<alice> %s", big);
	is(&ev, 0, want);
	free(big);
}
END_TEST

START_TEST(test_irc_formatting_removed)
{
	struct ev ev = ev_of(EV_MESSAGE);

	/* What IRC lets through between IRC clients, plain text never
	 * sees: bold, colours with their digits, CTCP's \x01. */
	text(&ev,
	    "\x02"
	    "bold\x02 \x03"
	    "4,12red\x03 \x1dit\x1d\x01");
	is(&ev, 0, "<alice> bold red it");
}
END_TEST

START_TEST(test_notices)
{
	struct ev ev = ev_of(EV_JOIN);

	is(&ev, 0, "-!- alice has joined #dev");
	is(&ev, 1, "-!- alice has joined #dev");
	ev = ev_of(EV_PART);
	is(&ev, 0, "-!- alice has left #dev");
	is(&ev, 1, NULL);
	text(&ev, "lunch");
	is(&ev, 0, "-!- alice has left #dev (lunch)");
	ev = ev_of(EV_NICK);
	ev.target = "al";
	is(&ev, 0, "-!- alice is now known as al");
	is(&ev, 1, "-!- alice is now known as al");
	ev = ev_of(EV_TOPIC);
	text(&ev, "release day");
	is(&ev, 0, "-!- alice set the topic of #dev: release day");
	text(&ev, "");
	is(&ev, 0, "-!- alice cleared the topic of #dev");
	ev = ev_of(EV_KICK);
	ev.target = "bob";
	is(&ev, 0, "-!- bob was kicked from #dev by alice");
	text(&ev, "spam");
	is(&ev, 0, "-!- bob was kicked from #dev by alice (spam)");
	ev = ev_of(EV_MODE);
	ev.target = "bob";
	ev.flags = EV_F_OP;
	is(&ev, 0, "-!- alice made bob an operator of #dev");
	ev.flags = 0;
	is(&ev, 0, "-!- alice removed bob as an operator of #dev");
	ev.nick = NULL;
	ev.flags = EV_F_OP;
	is(&ev, 0, "-!- bob is now an operator of #dev");
}
END_TEST

START_TEST(test_quits)
{
	static const struct {
		enum ev_quit why;
		const char *text, *want;
	} cases[] = {
		{ EV_QUIT_REQUEST, "", "bye" },
		{ EV_QUIT_REQUEST, "off to lunch", "off to lunch" },
		{ EV_QUIT_CLOSED, "", "connection closed" },
		{ EV_QUIT_RESET, "", "connection reset" },
		{ EV_QUIT_SLOW, "", "too slow" },
		{ EV_QUIT_ERROR, "", "read error" },
		{ EV_QUIT_TIMEOUT, "", "login timeout" },
		{ EV_QUIT_PASSWORD, "", "wrong password" },
		{ EV_QUIT_KICKED, "kicked by bob (x)", "kicked by bob (x)" },
		{ EV_QUIT_SHUTDOWN, "", "server shutting down" },
		{ EV_QUIT_LOST, "", "server lost" },
	};
	char want[128];
	size_t i;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct ev ev = ev_of(EV_QUIT);

		ev.quit = cases[i].why;
		text(&ev, cases[i].text);
		snprintf(want, sizeof want, "-!- alice has quit (%s)",
		    cases[i].want);
		is(&ev, 0, want);
	}
}
END_TEST

START_TEST(test_replies)
{
	struct ev ev;

	ev = ev_code(EV_REPLY, R_WELCOME);
	ev.room = "lobby";
	is(&ev, 0,
	    "-!- welcome to chatd, alice! you are in #lobby; type /help for "
	    "commands");
	ev = ev_code(EV_REPLY, R_WELCOME_PASS);
	is(&ev, 0,
	    "-!- welcome to chatd, alice! this server needs a password: /pass "
	    "PASSWORD");
	ev = ev_code(EV_REPLY, R_WHO);
	ev.num[0] = 3;
	text(&ev, "@alice, bob, carol");
	is(&ev, 0, "-!- 3 users in #dev: @alice, bob, carol");
	ev.num[0] = 1;
	text(&ev, "@alice");
	is(&ev, 0, "-!- 1 user in #dev: @alice");
	ev = ev_code(EV_REPLY, R_ROOMS);
	ev.num[0] = 2;
	text(&ev, "#dev (2), #lobby (1)");
	is(&ev, 0, "-!- 2 rooms: #dev (2), #lobby (1)");
	ev = ev_code(EV_REPLY, R_TOPIC);
	text(&ev, "release day");
	ev.target = "bob";
	is(&ev, 0, "-!- topic of #dev: release day (set by bob)");
	ev = ev_code(EV_REPLY, R_NO_TOPIC);
	is(&ev, 0, "-!- #dev has no topic");
	ev = ev_code(EV_REPLY, R_AWAY_ON);
	is(&ev, 0, "-!- you are marked away");
	ev = ev_code(EV_REPLY, R_AWAY_OFF);
	is(&ev, 0, "-!- you are no longer marked away");
	ev = ev_code(EV_REPLY, R_AWAY);
	ev.nick = "bob";
	text(&ev, "lunch");
	is(&ev, 0, "-!- bob is away: lunch");
	ev = ev_code(EV_REPLY, R_LIST_HEAD);
	ev.num[0] = 1;
	is(&ev, 0, "-!- 1 room:");
	ev.num[0] = 2;
	is(&ev, 0, "-!- 2 rooms:");
	ev = ev_code(EV_REPLY, R_LIST_ROOM);
	ev.num[0] = 3;
	text(&ev, "release day");
	is(&ev, 0, "-!- #dev (3): release day");
	text(&ev, "");
	is(&ev, 0, "-!- #dev (3)");
	ev = ev_code(EV_REPLY, R_IS_OP);
	ev.nick = "bob";
	is(&ev, 0, "-!- bob is already an operator of #dev");
	ev = ev_code(EV_REPLY, R_IS_NOT_OP);
	ev.nick = "bob";
	is(&ev, 0, "-!- bob is not an operator of #dev");
	ev = ev_code(EV_REPLY, R_BYE);
	is(&ev, 0, "-!- bye");
	ev = ev_code(EV_REPLY, R_SHUTDOWN);
	is(&ev, 0, "-!- server shutting down");
}
END_TEST

START_TEST(test_whois)
{
	struct ev ev = ev_code(EV_REPLY, R_WHOIS);

	ev.nick = "bob";
	text(&ev, "#dev");
	ev.num[0] = 42;
	ev.num[1] = 600;
	is(&ev, 0, "-!- bob: in #dev, idle 42s, connected 10m ago");
	text(&ev, "#dev #ops");
	ev.num[1] = 3 * 3600 + 12 * 60 + 5;
	ev.target = "lunch";
	ev.flags = EV_F_IRC;
	is(&ev, 0,
	    "-!- bob: in #dev #ops, idle 42s, connected 3h12m ago, away: "
	    "lunch, irc");
	text(&ev, "");
	ev.target = NULL;
	ev.num[1] = 2 * 86400 + 4 * 3600 + 59;
	is(&ev, 0, "-!- bob: in no room, idle 42s, connected 2d4h ago, irc");
}
END_TEST

START_TEST(test_errors)
{
	struct ev ev;

	ev = ev_code(EV_ERROR, E_NICK_IN_USE);
	ev.nick = "bob";
	is(&ev, 0, "-!- error: nickname bob is already in use");
	ev = ev_code(EV_ERROR, E_NICK_INVALID);
	ev.nick = "9x";
	is(&ev, 0,
	    "-!- error: invalid nickname 9x (1-16 characters: a letter, then "
	    "letters, digits, _ or -)");
	ev = ev_code(EV_ERROR, E_ROOM_INVALID);
	ev.room = "a.b";
	is(&ev, 0,
	    "-!- error: invalid room name a.b (1-32 characters: letters, "
	    "digits, _ or -)");
	ev = ev_code(EV_ERROR, E_NO_SUCH_NICK);
	ev.nick = "zed";
	is(&ev, 0, "-!- error: no such nick zed");
	ev = ev_code(EV_ERROR, E_UNKNOWN_CMD);
	text(&ev, "xyz");
	is(&ev, 0, "-!- error: unknown command /xyz (try /help)");
	ev = ev_code(EV_ERROR, E_LINE_TOO_LONG);
	ev.num[0] = 2048;
	is(&ev, 0, "-!- error: line too long (max 2048 bytes), dropped");
	ev = ev_code(EV_ERROR, E_NOT_OP);
	is(&ev, 0, "-!- error: you are not an operator of #dev");
	ev = ev_code(EV_ERROR, E_NOT_IN_ROOM);
	ev.nick = "zed";
	is(&ev, 0, "-!- error: no such nick zed in #dev");
	ev = ev_code(EV_ERROR, E_TOO_SLOW);
	ev.num[0] = 12345;
	is(&ev, 0, "-!- error: disconnected: too slow (12345 bytes unsent)");
	ev = ev_code(EV_ERROR, E_PASS_NEEDED);
	is(&ev, 0, "-!- error: password required (/pass PASSWORD)");
	ev = ev_code(EV_ERROR, E_SERVER_FULL);
	is(&ev, 0, "-!- error: server full");
	ev = ev_code(EV_ERROR, E_TEXT);
	text(&ev, "anything");
	is(&ev, 0, "-!- error: anything");
}
END_TEST

START_TEST(test_folded_quits)
{
	struct ev ev = ev_code(EV_REPLY, R_QUITS);

	ev.num[0] = 9999;
	ev.quit = EV_QUIT_RESET;
	is(&ev, 0, "-!- 9,999 users have quit (connection reset)");
}
END_TEST

/* The sentences only the chat client prints (chat-v2.md), and the
 * client's variants of server sentences: the network in the welcome, a
 * topic whose setter another IRC server did not name. */
START_TEST(test_client_sentences)
{
	struct ev ev;

	ev = ev_code(EV_REPLY, R_WELCOME);
	ev.room = "lobby";
	ev.target = "libera";
	is(&ev, 0,
	    "-!- welcome to libera, alice! you are in #lobby; type /help for "
	    "commands");
	ev = ev_code(EV_REPLY, R_TOPIC);
	text(&ev, "release day");
	is(&ev, 0, "-!- topic of #dev: release day");
	ev = ev_code(EV_REPLY, R_NICK_TAKEN);
	ev.target = "alice_";
	is(&ev, 0, "-!- nickname alice is already in use; you are alice_");
	ev = ev_code(EV_REPLY, R_DISCONNECTED);
	text(&ev, "connection reset");
	is(&ev, 0, "-!- disconnected: connection reset");
	ev = ev_code(EV_REPLY, R_RECONNECTING);
	text(&ev, "server shutting down");
	ev.num[0] = 4;
	is(&ev, 0,
	    "-!- disconnected: server shutting down; reconnecting in 4s");
	ev = ev_code(EV_REPLY, R_MODE);
	text(&ev, "+b mallory!*@*");
	is(&ev, 0, "-!- alice set mode +b mallory!*@* on #dev");
	ev = ev_code(EV_ERROR, E_NO_ROOM);
	is(&ev, 0, "-!- error: you are in no room (/join ROOM)");
	ev = ev_code(EV_ERROR, E_NOT_CONNECTED);
	is(&ev, 0, "-!- error: not connected: the line was not sent");
}
END_TEST

START_TEST(test_stamp_is_the_events_time)
{
	struct ev ev = ev_of(EV_JOIN);
	struct buf b;

	/* The stamp is the event's own time, not the time of rendering:
	 * history replays keep their original stamps. */
	ev.time_ms = T0 - 3600 * 1000 + 999;
	buf_init(&b);
	ck_assert_int_eq(render_line(&b, &ev, 0), 1);
	ck_assert(strncmp(buf_data(&b), "[11:04:05] ", 11) == 0);
	buf_free(&b);
}
END_TEST

Suite *
test_suite(void)
{
	Suite *s = suite_create("render");
	TCase *tc = tcase_create("lines");

	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, test_messages);
	tcase_add_test(tc, test_private);
	tcase_add_test(tc, test_text_exact);
	tcase_add_test(tc, test_irc_formatting_removed);
	tcase_add_test(tc, test_notices);
	tcase_add_test(tc, test_quits);
	tcase_add_test(tc, test_replies);
	tcase_add_test(tc, test_whois);
	tcase_add_test(tc, test_errors);
	tcase_add_test(tc, test_folded_quits);
	tcase_add_test(tc, test_stamp_is_the_events_time);
	tcase_add_test(tc, test_client_sentences);
	suite_add_tcase(s, tc);
	return s;
}
