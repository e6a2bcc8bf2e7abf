/* test_v2_text.c: chatd-v2 §2, the text that reaches other people's
 * terminals: invalid UTF-8, C1 and bidi controls, on the real chatd. */
#define _DEFAULT_SOURCE
#include <stdio.h>
#include <string.h>

#include "check_main.h"
#include "harness.h"
#include "v2_util.h"

#define R "\xef\xbf\xbd" /* U+FFFD, the replacement character */

struct clean_case {
	const char *in;   /* what alice types (without the LF) */
	const char *want; /* the text bob must receive after "<alice> " */
	const char *what;
};

static const struct clean_case cases[] = {
	/* Invalid UTF-8: one U+FFFD per maximal invalid subsequence. */
	{ "a\x80z", "a" R "z", "lone continuation byte" },
	{ "a\xbf\x80z", "a" R R "z", "two continuation bytes" },
	{ "\xfe\xfd", R R, "FE and FD (FF is telnet's IAC: §3)" },
	{ "x\xc3(", "x" R "(", "2-byte lead then ASCII" },
	{ "x\xe6\x97y", "x" R "y", "truncated 3-byte sequence: one" },
	{ "x\xf0\x9f\x8ey", "x" R "y", "truncated 4-byte sequence: one" },
	{ "end\xe6\x97", "end" R, "truncated at the end of the line" },
	{ "x\xc3\r", "x" R, "truncated before CR LF" },
	{ "\xc0\xaf", R R, "overlong C0 AF" },
	{ "\xc1\xbf", R R, "overlong C1 BF" },
	{ "\xe0\x80\xaf", R R R, "overlong E0 80 AF" },
	{ "\xf0\x80\x80\xaf", R R R R, "overlong F0 80 80 AF" },
	{ "\xed\xa0\x80", R R R, "surrogate U+D800" },
	{ "\xed\xbf\xbf", R R R, "surrogate U+DFFF" },
	{ "\xf4\x90\x80\x80", R R R R, "above U+10FFFF" },
	{ "\xf5\x80", R R, "F5 lead" },
	{ "a\xf1\x80\x80\xe1\x80\xc2"
	  "b\x80"
	  "c\x80\xbf"
	  "d",
	    "a" R R R "b" R "c" R R "d", "Unicode table 3-8 example" },
	{ "\xc2\x85x", "x", "C1 NEL, valid UTF-8: removed" },
	{ "\x85x", R "x", "a raw 0x85 is invalid, not C1: replaced" },
	/* Valid edges pass unchanged. */
	{ "\xed\x9f\xbf|\xee\x80\x80", "\xed\x9f\xbf|\xee\x80\x80",
	    "U+D7FF and U+E000" },
	{ "\xf4\x8f\xbf\xbf", "\xf4\x8f\xbf\xbf", "U+10FFFF" },
	{ "\xef\xbf\xbd ok", R " ok", "U+FFFD itself" },
	/* C1 controls U+0080..U+009F removed, U+00A0 kept. */
	{ "a\xc2\x80"
	  "b\xc2\x9b"
	  "c\xc2\x9f"
	  "d",
	    "abcd", "C1 80, 9B, 9F" },
	{ "\xc2\x9b"
	  "31mred",
	    "31mred", "C1 CSI" },
	{ "nb\xc2\xa0sp", "nb\xc2\xa0sp", "U+00A0 kept" },
	/* Bidi formatting characters removed, their neighbours kept. */
	{ "1\xe2\x80\xaa"
	  "2\xe2\x80\xab"
	  "3\xe2\x80\xac"
	  "4\xe2\x80\xad"
	  "5\xe2\x80\xae"
	  "6",
	    "123456", "U+202A..U+202E" },
	{ "1\xe2\x81\xa6"
	  "2\xe2\x81\xa7"
	  "3\xe2\x81\xa8"
	  "4\xe2\x81\xa9"
	  "5",
	    "12345", "U+2066..U+2069" },
	{ "evil\xe2\x80\xaetxt.exe", "eviltxt.exe", "RLO" },
	{ "a\xe2\x80\xa9"
	  "b\xe2\x80\xaf"
	  "c\xe2\x81\xa5"
	  "d\xe2\x81\xaa"
	  "e",
	    "a\xe2\x80\xa9"
	    "b\xe2\x80\xaf"
	    "c\xe2\x81\xa5"
	    "d\xe2\x81\xaa"
	    "e",
	    "U+2029, U+202F, U+2065, U+206A: outside the ranges" },
	/* TAB kept; emoji and combining characters pass. */
	{ "a\tb\t", "a\tb\t", "TAB" },
	{ "\xf0\x9f\x98\x80 \xf0\x9f\x8e\x89",
	    "\xf0\x9f\x98\x80 \xf0\x9f\x8e\x89", "emoji" },
	{ "\xf0\x9f\x91\xa9\xe2\x80\x8d\xf0\x9f\x92\xbb",
	    "\xf0\x9f\x91\xa9\xe2\x80\x8d\xf0\x9f\x92\xbb", "ZWJ sequence" },
	{ "\xe2\x9d\xa4\xef\xb8\x8f", "\xe2\x9d\xa4\xef\xb8\x8f",
	    "variation selector" },
	{ "e\xcc\x81 n\xcc\x83\xcc\x84", "e\xcc\x81 n\xcc\x83\xcc\x84",
	    "combining marks" },
	{ "\xd7\xa9\xd7\x9c\xd7\x95\xd7\x9d \xd8\xb3\xd9\x84\xd8\xa7\xd9\x85",
	    "\xd7\xa9\xd7\x9c\xd7\x95\xd7\x9d \xd8\xb3\xd9\x84\xd8\xa7\xd9\x85",
	    "RTL letters (not formatting characters)" },
	/* v1: C0 and DEL removed. */
	{ "\x1b[31mred\x07\x7f!", "[31mred!", "ESC, BEL, DEL" },
	{ "\xc3\xa9\x01\xc3\xa9", "\xc3\xa9\xc3\xa9", "C0 between letters" },
	/* Everything at once. */
	{ "\x1b\xc2\x9b\xe2\x80\xae\xfe ok \xe2\x81\xa6\xc2\x80", R " ok ",
	    "mixed" },
};

START_TEST(test_room_message_cleaned)
{
	const struct clean_case *k = &cases[_i];
	struct srv s;
	struct conn *a, *b;
	char raw[512], want[512], line[8192];

	srv_start_ok(&s, NULL);
	a = v2_login(s.port, "alice");
	b = v2_login(s.port, "bob");
	ck_assert(conn_expect(a, "is now known as bob", NULL, 0, V2_WAIT));
	snprintf(raw, sizeof raw, "%s\n", k->in);
	conn_send(a, raw);
	snprintf(want, sizeof want, "<alice> %s", k->want);
	ck_assert_msg(conn_line(b, line, sizeof line, V2_WAIT) >= 0,
	    "%s: bob got nothing", k->what);
	if (strcmp(v2_body(line), want) != 0) {
		char got[4096];

		snprintf(got, sizeof got, "%s",
		    v2_show(v2_body(line), strlen(v2_body(line))));
		ck_abort_msg(
		    "PRODUCT? %s: sent \"%s\"; want \"%s\", got \"%s\"",
		    k->what, v2_show(k->in, strlen(k->in)), want, got);
	}
	ck_assert(conn_quiet(a, V2_QUIET)); /* no echo, no error */
	conn_close(a);
	conn_close(b);
	srv_stop_ok(&s);
}
END_TEST

/* Check that the next line of c is want, printing both escaped if not. */
static void
want_line(struct conn *c, const char *who, const char *want)
{
	char line[8192], got[4096];

	ck_assert_msg(conn_line(c, line, sizeof line, V2_WAIT) >= 0,
	    "%s got nothing, want %s", who, v2_show(want, strlen(want)));
	if (strcmp(v2_body(line), want) == 0)
		return;
	snprintf(got, sizeof got, "%s",
	    v2_show(v2_body(line), strlen(v2_body(line))));
	ck_abort_msg("PRODUCT? %s: want \"%s\", got \"%s\"", who,
	    v2_show(want, strlen(want)), got);
}

#define DIRTY          \
	"\xe2\x80\xae" \
	"x\xc2\x9b"    \
	"y\xfe" /* RLO, CSI, FE */
#define CLEAN "xy" R

/* Every kind of text one user gives to others is cleaned the same way. */
START_TEST(test_every_path_cleaned)
{
	struct srv s;
	struct conn *a, *b, *c;

	srv_start_ok(&s, NULL);
	a = v2_login(s.port, "alice");
	b = v2_login(s.port, "bob");
	c = v2_login(s.port, "carol");
	ck_assert(conn_expect(a, "is now known as carol", NULL, 0, V2_WAIT));
	ck_assert(conn_expect(b, "is now known as carol", NULL, 0, V2_WAIT));
	conn_send(a, "/me " DIRTY "\n");
	want_line(b, "action", "* alice " CLEAN);
	want_line(c, "action", "* alice " CLEAN);
	conn_send(a, "/msg bob " DIRTY "\n");
	want_line(b, "private message", "*alice* " CLEAN);
	want_line(a, "private message echo", "-> *bob* " CLEAN);
	conn_send(a, "/topic " DIRTY "\n");
	want_line(
	    a, "topic (setter)", "-!- alice set the topic of #lobby: " CLEAN);
	want_line(b, "topic", "-!- alice set the topic of #lobby: " CLEAN);
	want_line(c, "topic", "-!- alice set the topic of #lobby: " CLEAN);
	conn_send(b, "/topic\n");
	want_line(
	    b, "topic query", "-!- topic of #lobby: " CLEAN " (set by alice)");
	conn_send(b, "/away " DIRTY "\n");
	want_line(b, "away", "-!- you are marked away");
	conn_send(a, "/msg bob hi\n");
	want_line(b, "private message", "*alice* hi");
	ck_assert(conn_expect(a, "-!- bob is away: " CLEAN, NULL, 0, V2_WAIT));
	v2_drain(a, V2_QUIET);
	conn_send(a, "/whois bob\n");
	ck_assert_msg(conn_expect(a, ", away: " CLEAN, NULL, 0, V2_WAIT),
	    "PRODUCT? /whois does not show the cleaned away text");
	conn_send(a, "/kick carol " DIRTY "\n");
	want_line(c, "kick reason",
	    "-!- carol was kicked from #lobby by alice (" CLEAN ")");
	want_line(b, "kick reason",
	    "-!- carol was kicked from #lobby by alice (" CLEAN ")");
	conn_close(a);
	conn_close(b);
	conn_close(c);
	srv_stop_ok(&s);
}
END_TEST

START_TEST(test_quit_reason_cleaned)
{
	struct srv s;
	struct conn *a, *b;

	srv_start_ok(&s, NULL);
	a = v2_login(s.port, "alice");
	b = v2_login(s.port, "bob");
	ck_assert(conn_expect(a, "is now known as bob", NULL, 0, V2_WAIT));
	conn_send(b, "/quit " DIRTY "\n");
	want_line(a, "quit reason", "-!- bob has quit (" CLEAN ")");
	conn_close(a);
	conn_close(b);
	srv_stop_ok(&s);
}
END_TEST

/* A line left empty by the cleaning is ignored like a v1 empty line. */
START_TEST(test_emptied_line_ignored)
{
	struct srv s;
	struct conn *a, *b;

	srv_start_ok(&s, NULL);
	a = v2_login(s.port, "alice");
	b = v2_login(s.port, "bob");
	ck_assert(conn_expect(a, "is now known as bob", NULL, 0, V2_WAIT));
	conn_send(
	    a, "\xe2\x80\xae\n\xc2\x80\xc2\x9f\n \xe2\x81\xa6 \t\nafter\n");
	want_line(b, "after C1/bidi-only lines", "<alice> after");
	ck_assert(conn_quiet(a, V2_QUIET));
	ck_assert(conn_quiet(b, 0));
	conn_close(a);
	conn_close(b);
	srv_stop_ok(&s);
}
END_TEST

/* No byte 0x80-0xFF that is not part of valid UTF-8 reaches anyone: each
 * high byte alone between ASCII letters (0xFF is telnet's IAC; its
 * literal form IAC IAC is in test_v2_telnet). */
START_TEST(test_no_raw_high_byte)
{
	struct srv s;
	struct conn *a, *b;
	char raw[64], want[64];
	int v;

	srv_start_ok(&s, NULL);
	a = v2_login(s.port, "alice");
	b = v2_login(s.port, "bob");
	ck_assert(conn_expect(a, "is now known as bob", NULL, 0, V2_WAIT));
	for (v = 0x80; v <= 0xfe; v++) {
		snprintf(raw, sizeof raw, "p%cq\n", v);
		conn_send(a, raw);
		snprintf(want, sizeof want, "<alice> p" R "q");
		want_line(b, v2_show(raw, 3), want);
	}
	conn_close(a);
	conn_close(b);
	srv_stop_ok(&s);
}
END_TEST

Suite *
test_suite(void)
{
	Suite *s = suite_create("integ_v2_text");
	TCase *tc = tcase_create("v2_text");

	tcase_set_timeout(tc, TEST_TIMEOUT);
	tcase_add_loop_test(tc, test_room_message_cleaned, 0,
	    (int)(sizeof cases / sizeof cases[0]));
	tcase_add_test(tc, test_every_path_cleaned);
	tcase_add_test(tc, test_quit_reason_cleaned);
	tcase_add_test(tc, test_emptied_line_ignored);
	tcase_add_test(tc, test_no_raw_high_byte);
	suite_add_tcase(s, tc);
	return s;
}
