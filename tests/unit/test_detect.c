/* test_detect.c: which first lines make a connection IRC (irc-v1 §1). */
#include <string.h>

#include "check_main.h"
#include "detect.h"

static const struct {
	const char *line;
	int irc;
} lines[] = {
	{ "CAP LS 302", 1 },
	{ "cap ls 302", 1 },
	{ "CAP", 1 },
	{ "cap", 1 },
	{ "NICK alice", 1 },
	{ "nick bob", 1 },
	{ "NiCk x", 1 },
	{ "NICK", 1 },
	{ "USER a 0 * :A", 1 },
	{ "user", 1 },
	{ "PASS secret", 1 },
	{ "pass", 1 },
	{ "CAP ", 1 },
	/* Anything else is plain text. */
	{ "", 0 },
	{ " ", 0 },
	{ "hello", 0 },
	{ "/nick bob", 0 },
	{ "NICKNAME x", 0 },
	{ "CAPS", 0 },
	{ "USERS", 0 },
	{ "PASSWORD x", 0 },
	{ " NICK a", 0 },
	{ "NICK\ta", 0 },
	{ ":src NICK a", 0 },
	{ "@a=b CAP LS", 0 },
	{ "JOIN #lobby", 0 },
	{ "PING x", 0 },
	{ "QUIT", 0 },
	{ "NIC", 0 },
	{ "\xc3\x8eICK a", 0 },
	/* Bytes that differ from the letters only above ASCII. */
	{ "\xc3"
	  "AP LS",
	    0 },
	{ "CA\xd0 LS", 0 },
};

START_TEST(test_first_lines)
{
	const char *l = lines[_i].line;

	ck_assert_msg(detect_is_irc(l, strlen(l)) == lines[_i].irc,
	    "\"%s\": want %s", l, lines[_i].irc ? "irc" : "text");
}
END_TEST

/* The length counts, not the NUL: "NICK" within "NICKx" is not IRC. */
START_TEST(test_length)
{
	ck_assert(detect_is_irc("NICK alice", 4));
	ck_assert(!detect_is_irc("NICKalice", 9));
	ck_assert(!detect_is_irc("NIC", 3));
	ck_assert(!detect_is_irc("", 0));
}
END_TEST

Suite *
test_suite(void)
{
	Suite *s = suite_create("detect");
	TCase *tc = tcase_create("detect");

	tcase_add_loop_test(
	    tc, test_first_lines, 0, (int)(sizeof lines / sizeof lines[0]));
	tcase_add_test(tc, test_length);
	suite_add_tcase(s, tc);
	return s;
}
