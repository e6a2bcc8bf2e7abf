/* test_v2_users.c: chatd-v2 §4 /away, /whois and /help, and the new
 * commands before the password, on the real chatd. */
#define _DEFAULT_SOURCE
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check_main.h"
#include "harness.h"
#include "v2_util.h"

#define PW_REQUIRED "-!- error: password required (/pass PASSWORD)"

/*
 * Seconds in a /whois duration: "42s", "10m", "3h12m", "2d4h" (the two
 * largest units, the second one optional); -1 if d is not of that form.
 */
static long
duration(const char *d)
{
	static const char units[] = "smhd";
	static const long secs[] = { 1, 60, 3600, 86400 };
	const char *u;
	long total = 0, v;
	char *end;
	int i, first = -1;

	for (i = 0; i < 2 && *d != '\0'; i++) {
		if (!isdigit((unsigned char)*d))
			return -1;
		v = strtol(d, &end, 10);
		if ((u = strchr(units, *end)) == NULL || *end == '\0')
			return -1;
		if (first == -1)
			first = (int)(u - units);
		else if ((int)(u - units) != first - 1)
			return -1; /* the next unit down, only */
		total += v * secs[u - units];
		d = end + 1;
	}
	return *d == '\0' && first != -1 ? total : -1;
}

struct whois {
	char nick[64], rooms[128], rest[256];
	long idle, connected;
};

/* Ask c for /whois of nick and parse the one line it gets back. */
static void
whois(struct conn *c, const char *nick, struct whois *w)
{
	char cmd[128], line[8192], idle[32], conn[32];
	const char *b;
	int n = 0;

	snprintf(cmd, sizeof cmd, "/whois %s\n", nick);
	conn_send(c, cmd);
	ck_assert_msg(
	    conn_line(c, line, sizeof line, V2_WAIT) >= 0, "no /whois answer");
	b = v2_body(line);
	memset(w, 0, sizeof *w);
	ck_assert_msg(sscanf(b,
			  "-!- %63[^:]: in %127[^,], idle %31[^,], "
			  "connected %31s ago%n",
			  w->nick, w->rooms, idle, conn, &n) == 4 &&
		n > 0,
	    "PRODUCT? /whois %s: %s", nick, line);
	snprintf(w->rest, sizeof w->rest, "%s", b + n);
	w->idle = duration(idle);
	w->connected = duration(conn);
	ck_assert_msg(w->idle >= 0 && w->connected >= 0,
	    "PRODUCT? bad durations in %s", line);
	ck_assert_msg(strstr(b, "127.0.0.1") == NULL,
	    "PRODUCT? /whois shows an address: %s", line);
	ck_assert_msg(conn_quiet(c, V2_QUIET),
	    "PRODUCT? /whois: more than one "
	    "notice");
}

START_TEST(test_whois_durations)
{
	ck_assert_int_eq(duration("42s"), 42);
	ck_assert_int_eq(duration("10m"), 600);
	ck_assert_int_eq(duration("3h12m"), 3 * 3600 + 12 * 60);
	ck_assert_int_eq(duration("2d4h"), 2 * 86400 + 4 * 3600);
	ck_assert_int_eq(duration("0s"), 0);
	ck_assert_int_eq(duration("3h12s"), -1);
	ck_assert_int_eq(duration("1m2s3"), -1);
	ck_assert_int_eq(duration("5"), -1);
	ck_assert_int_eq(duration("s"), -1);
}
END_TEST

START_TEST(test_whois)
{
	struct srv s;
	struct conn *a, *b;
	struct whois w;

	srv_start_ok(&s, NULL);
	a = v2_login(s.port, "alice");
	b = v2_login(s.port, "bob");
	v2_join(b, "bob", "dev");
	v2_sync(a);
	whois(a, "bob", &w);
	ck_assert_str_eq(w.nick, "bob");
	ck_assert_str_eq(w.rooms, "#dev");
	ck_assert_msg(w.idle <= 1 && w.connected <= 1,
	    "just connected: idle %lds, connected %lds", w.idle, w.connected);
	ck_assert_msg(w.rest[0] == '\0', "PRODUCT? unexpected \"%s\"", w.rest);
	/* Idle and connected time pass (a server counting them at half or
	 * double speed fails); a command is not a message. */
	usleep(3000000);
	conn_send(b, "/who\n");
	ck_assert(conn_expect(b, "1 user in #dev", NULL, 0, V2_WAIT));
	whois(a, "bob", &w);
	ck_assert_msg(w.connected >= 3 && w.connected <= 4,
	    "PRODUCT? 3 s after connecting: connected %lds", w.connected);
	ck_assert_msg(w.idle >= 3 && w.idle <= 4,
	    "PRODUCT? 3 s without a message (one /who): idle %lds", w.idle);
	/* A message resets idle, not connected. */
	conn_send(b, "hello dev\n");
	v2_sync(b);          /* bob's message is through */
	whois(a, "BOB", &w); /* found ignoring case */
	ck_assert_str_eq(w.nick, "bob");
	ck_assert_msg(w.idle <= 1 && w.connected >= 3,
	    "PRODUCT? after a message: idle %lds, connected %lds", w.idle,
	    w.connected);
	/* A private message and an action are messages too. */
	usleep(2200000);
	conn_send(b, "/msg alice psst\n");
	v2_next(a, "alice", "*bob* psst");
	whois(a, "bob", &w);
	ck_assert_msg(w.idle <= 1, "PRODUCT? after a /msg: idle %lds", w.idle);
	usleep(2200000);
	conn_send(b, "/me waves\n");
	v2_sync(b);
	whois(a, "bob", &w);
	ck_assert_msg(w.idle <= 1, "PRODUCT? after a /me: idle %lds", w.idle);
	whois(a, "alice", &w);
	ck_assert_str_eq(w.nick, "alice");
	ck_assert_str_eq(w.rooms, "#lobby");
	/* Errors. */
	v2_reply(a, "/whois nobody\n", "-!- error: no such nick nobody");
	v2_reply(a, "/whois\n", "-!- error: usage: /whois NICK");
	ck_assert(conn_quiet(b, V2_QUIET));
	conn_close(a);
	conn_close(b);
	srv_stop_ok(&s);
}
END_TEST

/* c's next two lines are want1 and want2, in either order. */
static void
next_two(struct conn *c, const char *want1, const char *want2)
{
	char l1[8192], l2[8192];

	ck_assert(conn_line(c, l1, sizeof l1, V2_WAIT) >= 0);
	ck_assert(conn_line(c, l2, sizeof l2, V2_WAIT) >= 0);
	ck_assert_msg((strcmp(v2_body(l1), want1) == 0 &&
			  strcmp(v2_body(l2), want2) == 0) ||
		(strcmp(v2_body(l1), want2) == 0 &&
		    strcmp(v2_body(l2), want1) == 0),
	    "PRODUCT? want \"%s\" and \"%s\", got \"%s\" and \"%s\"", want1,
	    want2, l1, l2);
}

START_TEST(test_away)
{
	struct srv s;
	struct conn *a, *b, *c;
	struct whois w;

	srv_start_ok(&s, NULL);
	a = v2_login(s.port, "alice");
	b = v2_login(s.port, "bob");
	c = v2_login(s.port, "carol");
	v2_join(c, "carol", "dev");
	v2_sync(a);
	v2_sync(b);
	v2_reply(
	    b, "/away gone to lunch, back at 2\n", "-!- you are marked away");
	ck_assert_msg(conn_quiet(a, V2_QUIET), "PRODUCT? /away was broadcast");
	/* Every sender of a /msg is told, every time, besides the delivery. */
	conn_send(a, "/msg bob are you there?\n");
	v2_next(b, "bob", "*alice* are you there?");
	next_two(a, "-> *bob* are you there?",
	    "-!- bob is away: gone to lunch, back at 2");
	conn_send(c, "/msg bob from another room\n");
	v2_next(b, "bob", "*carol* from another room");
	next_two(c, "-> *bob* from another room",
	    "-!- bob is away: gone to lunch, back at 2");
	conn_send(a, "/msg bob again\n");
	next_two(
	    a, "-> *bob* again", "-!- bob is away: gone to lunch, back at 2");
	ck_assert(conn_next_is(b, "*alice* again", V2_WAIT));
	/* Room messages are not answered. */
	conn_send(a, "hi bob\n");
	v2_next(b, "bob", "<alice> hi bob");
	ck_assert(conn_quiet(a, V2_QUIET));
	/* The away user's own /msg to someone present: no notice. */
	conn_send(b, "/msg alice back soon\n");
	v2_next(b, "bob", "-> *alice* back soon");
	v2_next(a, "alice", "*bob* back soon");
	ck_assert(conn_quiet(b, V2_QUIET));
	whois(a, "bob", &w);
	ck_assert_msg(strcmp(w.rest, ", away: gone to lunch, back at 2") == 0,
	    "PRODUCT? /whois of an away user ends \"%s\"", w.rest);
	/* A new text replaces the old. */
	v2_reply(b, "/away in a meeting\n", "-!- you are marked away");
	conn_send(a, "/msg bob ping\n");
	next_two(a, "-> *bob* ping", "-!- bob is away: in a meeting");
	v2_next(b, "bob", "*alice* ping");
	/* Back. */
	v2_reply(b, "/away\n", "-!- you are no longer marked away");
	conn_send(a, "/msg bob welcome back\n");
	v2_next(a, "alice", "-> *bob* welcome back");
	ck_assert_msg(conn_quiet(a, V2_QUIET), "PRODUCT? still away");
	v2_next(b, "bob", "*alice* welcome back");
	whois(a, "bob", &w);
	ck_assert_msg(
	    w.rest[0] == '\0', "PRODUCT? /whois still \"%s\"", w.rest);
	conn_close(a);
	conn_close(b);
	conn_close(c);
	srv_stop_ok(&s);
}
END_TEST

START_TEST(test_help)
{
	const char *cmds[] = { "/nick", "/join", "/who", "/rooms", "/me",
		"/msg", "/quit", "/help", "/pass", "/topic", "/kick", "/op",
		"/deop", "/away", "/whois", "/list", NULL };
	struct srv s;
	struct conn *a;
	char line[8192], all[16384] = "";
	int i;

	srv_start_ok(&s, NULL);
	a = v2_login(s.port, "alice");
	v2_reply(a, "/help\n", "-!- commands:");
	while (conn_line(a, line, sizeof line, V2_QUIET) >= 0) {
		ck_assert_msg(strncmp(v2_body(line), "-!- /", 5) == 0,
		    "PRODUCT? /help line not in the v1 form: %s", line);
		strncat(all, v2_body(line), sizeof all - strlen(all) - 2);
		strcat(all, "\n");
	}
	for (i = 0; cmds[i] != NULL; i++) {
		char want[32];

		snprintf(want, sizeof want, "-!- %s ", cmds[i]);
		ck_assert_msg(strstr(all, want) != NULL,
		    "PRODUCT? /help does not list %s:\n%s", cmds[i], all);
	}
	conn_close(a);
	srv_stop_ok(&s);
}
END_TEST

/* Before the password, the new commands are refused like v1's, and the
 * locked connection cannot be looked up. */
START_TEST(test_locked_user)
{
	const char *locked[] = { "/topic\n", "/topic x\n", "/kick member\n",
		"/op member\n", "/deop member\n", "/away lunch\n", "/away\n",
		"/whois member\n", "/list\n", NULL };
	struct srv s;
	struct conn *m, *u;
	char line[8192], want[128];
	int g, i;

	setenv("CHATD_PASSWORD", "s3cret", 1);
	srv_start_ok(&s, NULL);
	m = conn_open(s.port);
	ck_assert_ptr_nonnull(m);
	conn_send(m, "/pass s3cret\n/nick member\n");
	ck_assert(conn_expect(m, "is now known as member", NULL, 0, V2_WAIT));
	u = conn_open(s.port);
	ck_assert_ptr_nonnull(u);
	ck_assert_int_ge(conn_line(u, line, sizeof line, V2_WAIT), 0);
	ck_assert(
	    sscanf(v2_body(line), "-!- welcome to chatd, guest%d", &g) == 1);
	for (i = 0; locked[i] != NULL; i++)
		v2_reply(u, locked[i], PW_REQUIRED);
	snprintf(want, sizeof want, "/whois guest%d\n", g);
	snprintf(line, sizeof line, "-!- error: no such nick guest%d", g);
	v2_reply(m, want, line);
	conn_send(m, "/list\n");
	v2_next(m, "member", "-!- 1 room:");
	v2_next(m, "member", "-!- #lobby (1)");
	ck_assert(conn_quiet(u, V2_QUIET));
	conn_close(m);
	conn_close(u);
	srv_stop_ok(&s);
}
END_TEST

Suite *
test_suite(void)
{
	Suite *s = suite_create("integ_v2_users");
	TCase *tc = tcase_create("v2_users");

	tcase_set_timeout(tc, TEST_TIMEOUT);
	tcase_add_test(tc, test_whois_durations);
	tcase_add_test(tc, test_whois);
	tcase_add_test(tc, test_away);
	tcase_add_test(tc, test_help);
	tcase_add_test(tc, test_locked_user);
	suite_add_tcase(s, tc);
	return s;
}
