/* test_irc_clean.c: irc-v1 §2 and §8, what cleaning leaves of IRC text. */
#define _DEFAULT_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_main.h"
#include "ircc.h"

#define FFFD "\xef\xbf\xbd"

struct clean_case {
	const char *sent;
	const char *want;
};

/* Between IRC clients: C0 and DEL go except TAB and IRC's formatting
 * set; invalid UTF-8 becomes U+FFFD; C1 and bidi controls go. */
static const struct clean_case irc_cases[] = {
	{ "a\x1b[31mb", "a[31mb" },
	{ "\x07"
	  "bell\x7f!",
	    "bell!" },
	{ "x\x05\x06\x08\x0b\x0c\x0e\x10\x12\x19\x1a\x1c"
	  "y",
	    "xy" },
	{ "\x01"
	  "ACTION waves\x01",
	    "\x01"
	    "ACTION waves\x01" },
	{ "\x01"
	  "VERSION\x01",
	    "\x01"
	    "VERSION\x01" },
	{ "\x02"
	  "b\x02 \x03"
	  "04,12c\x03 \x0f\x11\x16\x1d\x1e\x1f\x04 end",
	    "\x02"
	    "b\x02 \x03"
	    "04,12c\x03 \x0f\x11\x16\x1d\x1e\x1f\x04 end" },
	{ "tab\there", "tab\there" },
	{ "a\xff"
	  "b",
	    "a" FFFD "b" },
	{ "c1\xc2\x85x\xc2\x9fy", "c1xy" },
	{ "bidi\xe2\x80\xaa\xe2\x80\xae\xe2\x81\xa6\xe2\x81\xa9z", "bidiz" },
	{ "emoji \xf0\x9f\x98\x80 e\xcc\x81",
	    "emoji \xf0\x9f\x98\x80 e\xcc\x81" },
};

/* Towards text users: chatd-v1's removal in full, after the ACTION
 * translation; a colour code goes with up to two digits each side. */
static const struct clean_case text_cases[] = {
	{ "\x02"
	  "bold\x02 plain",
	    "<alice> bold plain" },
	{ "\x03"
	  "04red\x03 \x03"
	  "4,12bg\x03 \x03"
	  "12,3c\x03 \x03"
	  "1d",
	    "<alice> red bg c d" },
	{ "\x03"
	  "123",
	    "<alice> 3" },
	{ "\x03"
	  "07,123",
	    "<alice> 3" },
	{ "\x0f\x11\x16\x1d\x1e\x1f\x04"
	  "x",
	    "<alice> x" },
	{ "a\x1b[1mb\x07", "<alice> a[1mb" },
	{ "tab\tkept", "<alice> tab\tkept" },
	{ "a\x01"
	  "b",
	    "<alice> ab" },
	{ "\x01"
	  "ACTION \x02waves\x02 \x03"
	  "4hi\x01",
	    "* alice waves hi" },
	{ "a\xff"
	  "b",
	    "<alice> a" FFFD "b" },
	{ "c1\xc2\x85x\xe2\x80\xaey", "<alice> c1xy" },
};

START_TEST(test_clean_irc_to_irc)
{
	struct srv s;
	struct ircc *a, *b;
	size_t i;

	irc_srv_start(&s, NULL);
	a = irc_user(s.port, "alice");
	b = irc_user(s.port, "bob");
	for (i = 0; i < sizeof irc_cases / sizeof irc_cases[0]; i++) {
		irc_send(a, "PRIVMSG bob :%s", irc_cases[i].sent);
		irc_want(
		    b, ":alice!alice@chatd PRIVMSG bob :%s", irc_cases[i].want);
	}
	/* NUL is a C0 character too: removed, the line kept (reading: §2's
	 * removal applies to it as to the others; nothing says a line with
	 * NUL is dropped). */
	irc_send_raw(a, "PRIVMSG bob :a\0b\r\n", 18);
	irc_want(b, ":alice!alice@chatd PRIVMSG bob :ab");
	srv_stop_ok(&s);
}
END_TEST

START_TEST(test_clean_other_text)
{
	struct srv s;
	struct ircc *a, *b, *c;

	irc_srv_start(&s, NULL);
	a = irc_user(s.port, "alice");
	b = irc_register(s.port, "bob", "message-tags", NULL);
	/* Realname: control characters removed. */
	c = irc_open(s.port, "carol");
	irc_send(c, "NICK carol");
	irc_send(c,
	    "USER carol 0 * :C\x1b"
	    "ar\x07ol");
	irc_until(c, "422");
	irc_send(a, "WHOIS carol");
	irc_want(a, ":chatd 311 alice carol carol chatd * :Carol");
	irc_until(a, "318");
	irc_send(a, "JOIN #c");
	irc_until(a, "366");
	irc_send(b, "JOIN #c");
	irc_until(b, "366");
	irc_want(a, ":bob!bob@chatd JOIN #c");
	/* Topic. */
	irc_send(a, "TOPIC #c :t\x1bo\xffp");
	irc_want(a, ":alice!alice@chatd TOPIC #c :to" FFFD "p");
	irc_want(b, ":alice!alice@chatd TOPIC #c :to" FFFD "p");
	/* Away message. */
	irc_send(a, "AWAY :a\x1bway\xc2\x85");
	irc_want(a, ":chatd 306 alice :" ANY);
	irc_send(b, "PRIVMSG alice :hi");
	irc_want(b, ":chatd 301 bob alice :away");
	irc_want(a, ":bob!bob@chatd PRIVMSG alice :hi");
	/* Client-only tag values. */
	irc_send(a,
	    "@+t=a\x1b"
	    "b\xff"
	    "c PRIVMSG bob :tagged");
	irc_want(b, ":alice!alice@chatd PRIVMSG bob :tagged");
	ck_assert_msg(irc_tag(&b->m, "+t") != NULL &&
		strcmp(irc_tag(&b->m, "+t"), "ab" FFFD "c") == 0,
	    "want +t=ab<U+FFFD>c, got %s", b->m.line);
	/* Kick and part reasons. */
	irc_send(a, "KICK #c bob :k\x1bick");
	irc_want(a, ":alice!alice@chatd KICK #c bob :kick");
	irc_want(b, ":alice!alice@chatd KICK #c bob :kick");
	irc_send(b, "JOIN #c");
	irc_until(b, "366");
	irc_want(a, ":bob!bob@chatd JOIN #c");
	irc_send(b,
	    "PART #c :p\x1b"
	    "art\xe2\x81\xa6");
	irc_want(a, ":bob!bob@chatd PART #c :part");
	irc_want(b, ":bob!bob@chatd PART #c :part");
	irc_send(b, "JOIN #c");
	irc_until(b, "366");
	irc_want(a, ":bob!bob@chatd JOIN #c");
	/* Quit reason. */
	irc_send(b, "QUIT :q\x1buit");
	irc_want(a, ":bob!bob@chatd QUIT :Quit: quit");
	srv_stop_ok(&s);
}
END_TEST

START_TEST(test_clean_irc_to_text)
{
	struct srv s;
	struct ircc *a;
	struct conn *t;
	size_t i;

	irc_srv_start(&s, NULL);
	t = txt_login(s.port, "ann");
	a = irc_user(s.port, "alice");
	irc_send(a, "JOIN #lobby");
	irc_until(a, "366");
	txt_find(t, "alice has joined #lobby");
	for (i = 0; i < sizeof text_cases / sizeof text_cases[0]; i++) {
		irc_send(a, "PRIVMSG #lobby :%s", text_cases[i].sent);
		txt_want(t, "%s", text_cases[i].want);
	}
	/* The same in a private message. */
	irc_send(a,
	    "PRIVMSG ann :\x02"
	    "bold\x02 \x03"
	    "4,5x\x1b");
	txt_want(t, "*alice* bold x");
	irc_send(a,
	    "PRIVMSG ann :\x01"
	    "ACTION \x1dwaves\x1d\x01");
	txt_want(t, "*alice* * alice waves");
	/* And text users' own control characters never reach IRC. */
	txt_send(t,
	    "a\x1b"
	    "b\x02"
	    "c\x03"
	    "4d");
	irc_want(a, ":ann!ann@chatd PRIVMSG #lobby :abc4d");
	srv_stop_ok(&s);
}
END_TEST

START_TEST(test_cut_after_clean)
{
	struct srv s;
	struct ircc *a, *b;
	char text[600];

	irc_srv_start(&s, NULL);
	a = irc_user(s.port, "alice");
	b = irc_user(s.port, "bob");
	/* 40 ESCs and 457 x: a 512-byte line whose cleaned text fits, so
	 * nothing may be cut ("cuts and splits come after cleaning"). */
	memset(text, '\x1b', 40);
	memset(text + 40, 'x', 457);
	text[497] = '\0';
	irc_send(a, "PRIVMSG bob :%s", text);
	irc_want(b, ":alice!alice@chatd PRIVMSG bob :%s", text + 40);
	srv_stop_ok(&s);
}
END_TEST

Suite *
test_suite(void)
{
	Suite *s = suite_create("integ_irc_clean");
	TCase *tc = tcase_create("clean");

	tcase_set_timeout(tc, TEST_TIMEOUT);
	tcase_add_test(tc, test_clean_irc_to_irc);
	tcase_add_test(tc, test_clean_other_text);
	tcase_add_test(tc, test_clean_irc_to_text);
	tcase_add_test(tc, test_cut_after_clean);
	suite_add_tcase(s, tc);
	return s;
}
