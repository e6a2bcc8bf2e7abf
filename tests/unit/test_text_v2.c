/* test_text_v2.c: common/text.c v2: IRC formatting, UTF-8 cuts, IRC names, durations, numbers. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_main.h"
#include "proto.h"
#include "text.h"

#define FFFD "\xef\xbf\xbd"

struct pair {
	const char *in;
	const char *out;
};

START_TEST(test_irc_strip)
{
	static const struct pair cases[] = {
		{ "\x02"
		  "bold\x02 \x1d"
		  "it\x1d \x1f"
		  "u\x1f",
		    "bold it u" },
		{ "\x0f\x11\x16\x1e"
		  "x",
		    "x" },
		{ "\x03"
		  "4red",
		    "red" },
		{ "\x03"
		  "04red",
		    "red" },
		{ "\x03"
		  "123",
		    "3" },
		{ "\x03"
		  "4,5x",
		    "x" },
		{ "\x03"
		  "04,05x",
		    "x" },
		{ "\x03"
		  "04,5x",
		    "x" },
		{ "\x03"
		  "12,345",
		    "5" },
		{ "\x03"
		  "1,2",
		    "" },
		{ "\x03"
		  "4,x",
		    ",x" },
		{ "\x03"
		  "4,",
		    "," },
		{ "\x03,5", ",5" },
		{ "\x03", "" },
		{ "a\x03", "a" },
		{ "\x03\x03"
		  "5a",
		    "a" },
		{ "\x03"
		  "99,99x",
		    "x" },
		{ "\x03"
		  "4\xc3\xa9",
		    "\xc3\xa9" },
		{ "\x03"
		  "1\x03"
		  "2,3\x03 plain",
		    " plain" },
		{ "\x04"
		  "FF0000red",
		    "red" },
		{ "\x04"
		  "ff00AA,00ff00x",
		    "x" },
		{ "\x04"
		  "ff00aa,00ff0x",
		    ",00ff0x" },
		{ "\x04"
		  "FF0000,",
		    "," },
		{ "\x04"
		  "FF00",
		    "FF00" },
		{ "\x04"
		  "ggg",
		    "ggg" },
		{ "\x04"
		  "1234567",
		    "7" },
		{ "\x04", "" },
		/* Not formatting: left for text_sanitize. */
		{ "\x01"
		  "ACTION x\x01",
		    "\x01"
		    "ACTION x\x01" },
		{ "\x1b[0m\t", "\x1b[0m\t" },
		{ "", "" },
	};
	char buf[64];
	size_t i, n;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		strcpy(buf, cases[i].in);
		n = text_irc_strip(buf, strlen(buf));
		ck_assert_msg(n == strlen(cases[i].out) &&
			memcmp(buf, cases[i].out, n + 1) == 0,
		    "case %zu: got \"%s\"", i, buf);
	}
	/* Every other byte value passes. */
	for (i = 0; i < 256; i++) {
		if (strchr("\x02\x03\x04\x0f\x11\x16\x1d\x1e\x1f", (int)i) &&
		    i != 0)
			continue;
		buf[0] = (char)i;
		ck_assert_uint_eq(text_irc_strip(buf, 1), 1);
		ck_assert_int_eq((unsigned char)buf[0], i);
	}
	/* Only len bytes: a code's digits past len are not looked at. */
	strcpy(buf,
	    "\x03"
	    "12");
	ck_assert_uint_eq(text_irc_strip(buf, 2), 0);
}
END_TEST

/* The cut never ends inside a character, at every possible limit. */
START_TEST(test_utf8_cut)
{
	/* a, é (2), € (3), 😀 (4), z: characters start at these offsets. */
	static const char s[] = "a\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80z";
	static const size_t starts[] = { 0, 1, 3, 6, 10, 11 };
	const size_t len = sizeof s - 1;
	size_t max, want, i;

	for (max = 0; max <= len + 2; max++) {
		want = 0;
		for (i = 0; i < sizeof starts / sizeof starts[0]; i++)
			if (starts[i] <= max)
				want = starts[i];
		if (max >= len)
			want = len;
		ck_assert_msg(text_utf8_cut(s, len, max) == want,
		    "max %zu: %zu", max, text_utf8_cut(s, len, max));
	}
	/* Invalid bytes are units of their own. */
	ck_assert_uint_eq(text_utf8_cut("\xff\x80\x80\xc3", 4, 2), 2);
	ck_assert_uint_eq(text_utf8_cut("\xff\x80\x80\xc3", 4, 3), 3);
	ck_assert_uint_eq(text_utf8_cut("ab\xe2\x82", 4, 3), 3);
	ck_assert_uint_eq(text_utf8_cut("\xe2\x82\xac", 3, 2), 0);
	ck_assert_uint_eq(text_utf8_cut("\xe2\x82\xac", 3, 3), 3);
	ck_assert_uint_eq(text_utf8_cut("\xe2\x82"
					"x",
			      3, 2),
	    2);
	ck_assert_uint_eq(text_utf8_cut("\xed\xa0\x80", 3, 2), 2); /* D800 */
	ck_assert_uint_eq(text_utf8_cut("", 0, 5), 0);
	ck_assert_uint_eq(text_utf8_cut("abc", 3, 0), 0);
}
END_TEST

START_TEST(test_irc_username)
{
	static const struct pair cases[] = {
		{ "alice", "alice" },
		{ "~alice", "alice" },
		{ "a.b-c_D9", "a.b-c_D9" },
		{ "verylongusername", "verylongus" },
		{ "12345678901", "1234567890" },
		{ "!@#a$%^b&*()c", "abc" },
		{ "ab cd", "abcd" },
		{ "caf\xc3\xa9", "caf" },
		{ "\xc3\xa9\xe6\x97\xa5", "user" },
		{ "~~~", "user" },
		{ "", "user" },
		{ "~~~~~~~~~~~~~~~~~~~~x", "x" },
	};
	char out[CHAT_IRC_USER_MAX + 1];
	size_t i, n;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		memset(out, 'X', sizeof out);
		n = text_irc_username(out, cases[i].in, strlen(cases[i].in));
		ck_assert_msg(
		    n == strlen(cases[i].out) && strcmp(out, cases[i].out) == 0,
		    "\"%s\": \"%s\"", cases[i].in, out);
	}
	ck_assert_uint_eq(text_irc_username(out, "a\0b", 3), 2);
	ck_assert_str_eq(out, "ab");
}
END_TEST

START_TEST(test_irc_realname)
{
	char in[128], out[CHAT_IRC_REALNAME_MAX + 1];
	size_t n;

	n = text_irc_realname(out, "Alice Liddell", 13);
	ck_assert_uint_eq(n, 13);
	ck_assert_str_eq(out, "Alice Liddell");
	strcpy(in, "\x1b[31m\x02red\x02\xc2\x9b\xe2\x80\xae!");
	n = text_irc_realname(out, in, strlen(in));
	ck_assert_str_eq(out, "[31m\x02red\x02!");
	ck_assert_uint_eq(n, strlen(out));
	ck_assert_uint_eq(text_irc_realname(out, "\xff", 1), 3);
	ck_assert_str_eq(out, FFFD);
	ck_assert_uint_eq(text_irc_realname(out, "\x1b", 1), 0);
	ck_assert_str_eq(out, "");
	/* Cut to 64 bytes, never inside a character. */
	memset(in, 'x', sizeof in);
	ck_assert_uint_eq(text_irc_realname(out, in, 100), 64);
	memcpy(in + 63, "\xc3\xa9", 2);
	ck_assert_uint_eq(text_irc_realname(out, in, 65), 63);
	memcpy(in + 62, "\xc3\xa9", 2);
	ck_assert_uint_eq(text_irc_realname(out, in, 64), 64);
	ck_assert_mem_eq(out + 62, "\xc3\xa9", 3);
	memcpy(in + 62, "\xff", 1);
	ck_assert_uint_eq(text_irc_realname(out, in, 64), 62);
	/* Removed characters take no room. */
	memset(in, 'x', sizeof in);
	memset(in, 0x1b, 10);
	ck_assert_uint_eq(text_irc_realname(out, in, 73), 63);
	ck_assert_uint_eq(text_irc_realname(out, in, 80), 64);
	ck_assert_int_eq(out[0], 'x');
}
END_TEST

struct dur {
	unsigned long long secs;
	const char *want;
};

START_TEST(test_duration)
{
	static const struct dur cases[] = {
		{ 0, "0s" },
		{ 1, "1s" },
		{ 42, "42s" },
		{ 59, "59s" },
		{ 60, "1m" },
		{ 61, "1m1s" },
		{ 119, "1m59s" },
		{ 600, "10m" },
		{ 3599, "59m59s" },
		{ 3600, "1h" },
		{ 3601, "1h" },
		{ 3659, "1h" },
		{ 3660, "1h1m" },
		{ 3 * 3600, "3h" },
		{ 3 * 3600 + 12 * 60 + 59, "3h12m" },
		{ 86399, "23h59m" },
		{ 86400, "1d" },
		{ 86400 + 3599, "1d" },
		{ 86400 + 3600, "1d1h" },
		{ 2 * 86400 + 4 * 3600 + 3599, "2d4h" },
		{ 400 * 86400ULL + 23 * 3600, "400d23h" },
		{ ULLONG_MAX, "213503982334601d7h" },
	};
	char out[TEXT_DURATION_LEN];
	size_t i;
	int n;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		n = text_duration(out, sizeof out, cases[i].secs);
		ck_assert_msg(
		    strcmp(out, cases[i].want) == 0 && n == (int)strlen(out),
		    "%llu: \"%s\"", cases[i].secs, out);
	}
	/* Like snprintf: cut to the buffer, the whole length returned. */
	ck_assert_int_eq(text_duration(out, 3, 3 * 3600 + 12 * 60), 5);
	ck_assert_str_eq(out, "3h");
}
END_TEST

START_TEST(test_thousands)
{
	static const struct dur cases[] = {
		{ 0, "0" },
		{ 7, "7" },
		{ 999, "999" },
		{ 1000, "1,000" },
		{ 9999, "9,999" },
		{ 10000, "10,000" },
		{ 999999, "999,999" },
		{ 1000000, "1,000,000" },
		{ 1234567890, "1,234,567,890" },
		{ ULLONG_MAX, "18,446,744,073,709,551,615" },
	};
	char out[TEXT_THOUSANDS_LEN];
	size_t i;
	int n;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		n = text_thousands(out, sizeof out, cases[i].secs);
		ck_assert_msg(
		    strcmp(out, cases[i].want) == 0 && n == (int)strlen(out),
		    "%llu: \"%s\"", cases[i].secs, out);
	}
	ck_assert_int_eq(text_thousands(out, 4, 12345), 6);
	ck_assert_str_eq(out, "12,");
}
END_TEST

Suite *
test_suite(void)
{
	Suite *s = suite_create("text_v2");
	TCase *tf = tcase_create("formats");

	tcase_set_timeout(tf, TEST_TIMEOUT);
	tcase_add_test(tf, test_irc_strip);
	tcase_add_test(tf, test_utf8_cut);
	tcase_add_test(tf, test_irc_username);
	tcase_add_test(tf, test_irc_realname);
	tcase_add_test(tf, test_duration);
	tcase_add_test(tf, test_thousands);
	suite_add_tcase(s, tf);
	return s;
}
