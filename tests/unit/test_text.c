/* test_text.c: unit tests for common/text.c: sanitize, names, UTF-8, width. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_main.h"
#include "proto.h"
#include "text.h"

/* The spec's control characters: C0 except TAB, and DEL. */
static int
is_spec_control(unsigned c)
{
	return (c < 0x20 && c != '\t') || c == 0x7f;
}

static char *
repeat(char c, size_t n)
{
	char *s = malloc(n + 1);

	ck_assert_ptr_nonnull(s);
	memset(s, c, n);
	s[n] = '\0';
	return s;
}

/* Each byte value alone between two letters: removed exactly when the spec
 * says it is a control character, otherwise kept as it is. */
START_TEST(test_sanitize_each_byte)
{
	unsigned c;
	char s[4];
	size_t n;

	for (c = 0; c < 256; c++) {
		s[0] = 'a';
		s[1] = (char)c;
		s[2] = 'z';
		s[3] = 'X'; /* must be overwritten by the NUL */
		n = text_sanitize(s, 3);
		if (is_spec_control(c)) {
			ck_assert_msg(n == 2 && memcmp(s, "az", 3) == 0,
			    "byte 0x%02x not removed", c);
		} else {
			ck_assert_msg(n == 3 && (unsigned char)s[1] == c &&
				s[0] == 'a' && s[2] == 'z' && s[3] == '\0',
			    "byte 0x%02x changed", c);
		}
	}
}
END_TEST

/* All 256 byte values in one string: what is left is the others, in order. */
START_TEST(test_sanitize_all_bytes)
{
	char s[257], want[257];
	size_t i, nwant = 0, n;

	for (i = 0; i < 256; i++) {
		s[i] = (char)i;
		if (!is_spec_control((unsigned)i))
			want[nwant++] = (char)i;
	}
	n = text_sanitize(s, 256);
	ck_assert_uint_eq(n, 256 - 32); /* 31 of C0, and DEL */
	ck_assert_uint_eq(n, nwant);
	ck_assert_mem_eq(s, want, n);
	ck_assert_int_eq(s[n], '\0');
}
END_TEST

struct pair {
	const char *in;
	const char *out;
};

/* Escape sequences lose their ESC (and BEL, CR, BS...), so a terminal
 * shows their printable remains instead of obeying them. */
START_TEST(test_sanitize_escapes)
{
	static const struct pair cases[] = {
		{ "\x1b[31mred\x1b[0m", "[31mred[0m" },
		{ "\x1b]0;owned\x07title", "]0;ownedtitle" },
		{ "\x1b[2J\x1b[H", "[2J[H" },
		{ "\x1b"
		  "c",
		    "c" },
		{ "a\rb\nc\x08\x7f"
		  "d",
		    "abcd" },
		{ "tab\tstays", "tab\tstays" },
		{ "\x1b\x1b\x1b", "" },
		{ "", "" },
		{ "caf\xc3\xa9 \xe6\x97\xa5\xe6\x9c\xac \xf0\x9f\x8e\x89",
		    "caf\xc3\xa9 \xe6\x97\xa5\xe6\x9c\xac \xf0\x9f\x8e\x89" },
		/* C1 CSI and invalid UTF-8 are not the spec's controls. */
		{ "\xc2\x9b"
		  "1m\x9b\xff",
		    "\xc2\x9b"
		    "1m\x9b\xff" },
	};
	char buf[64];
	size_t i, n;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		ck_assert_uint_lt(strlen(cases[i].in), sizeof buf);
		strcpy(buf, cases[i].in);
		n = text_sanitize(buf, strlen(buf));
		ck_assert_msg(
		    n == strlen(cases[i].out) && strcmp(buf, cases[i].out) == 0,
		    "case %zu: got \"%s\" (%zu)", i, buf, n);
	}
}
END_TEST

/* Only len bytes are looked at; a NUL inside them is removed too. */
START_TEST(test_sanitize_len)
{
	char s[] = "ab\0cd\x1b"
		   "ef";

	ck_assert_uint_eq(text_sanitize(s, 8), 6);
	ck_assert_str_eq(s, "abcdef");
	ck_assert_uint_eq(text_sanitize(s, 3), 3);
	ck_assert_str_eq(s, "abc");
	ck_assert_uint_eq(text_sanitize(s, 0), 0);
	ck_assert_str_eq(s, "");
}
END_TEST

START_TEST(test_blank)
{
	ck_assert_int_eq(text_is_blank("", 0), 1);
	ck_assert_int_eq(text_is_blank(" ", 1), 1);
	ck_assert_int_eq(text_is_blank("\t", 1), 1);
	ck_assert_int_eq(text_is_blank(" \t  \t", 5), 1);
	ck_assert_int_eq(text_is_blank("a", 1), 0);
	ck_assert_int_eq(text_is_blank("  a ", 4), 0);
	ck_assert_int_eq(text_is_blank("   x", 3), 1); /* only len counts */
	ck_assert_int_eq(text_is_blank(".", 1), 0);
	ck_assert_int_eq(text_is_blank("\xc2\xa0", 2), 0); /* NBSP is text */
	ck_assert_int_eq(text_is_blank("x", 0), 1);
}
END_TEST

START_TEST(test_nick_valid)
{
	static const char *const good[] = {
		"a",
		"Z",
		"alice",
		"Bob",
		"a1",
		"x_y",
		"x-y",
		"a-_-9",
		"Guest12",
		"z0123456789_-ab",
	};
	static const char *const bad[] = {
		"",
		"1abc",
		"9",
		"_a",
		"-a",
		"#a",
		"a b",
		" a",
		"a ",
		"a.b",
		"a!",
		"a@b",
		"a:b",
		"a,b",
		"a/b",
		"a\tb",
		"a[b]",
		"\xc3\xa9",
		"a\xc3\xa9",
		"\xe6\x97\xa5",
		"a\x7f",
		"a\x1b",
		"a*",
	};
	size_t i;
	char *s;

	for (i = 0; i < sizeof good / sizeof good[0]; i++)
		ck_assert_msg(text_nick_valid(good[i]), "\"%s\"", good[i]);
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++)
		ck_assert_msg(!text_nick_valid(bad[i]), "\"%s\"", bad[i]);
	/* Lengths 1 .. CHAT_NICK_MAX are fine, one more is not. */
	for (i = 0; i <= CHAT_NICK_MAX + 3; i++) {
		s = repeat('n', i);
		if (i > 1)
			s[i - 1] = '9';
		ck_assert_msg(
		    text_nick_valid(s) == (i >= 1 && i <= CHAT_NICK_MAX),
		    "length %zu", i);
		free(s);
	}
	ck_assert_int_eq(CHAT_NICK_MAX, 16);
}
END_TEST

START_TEST(test_room_valid)
{
	static const char *const good[] = {
		"lobby",
		"#lobby",
		"a",
		"#a",
		"1",
		"#1",
		"-",
		"_",
		"#_-_",
		"Room-42_x",
		"#0day",
	};
	static const char *const bad[] = {
		"",
		"#",
		"##",
		"##a",
		"a#",
		"a#b",
		"a b",
		"#a b",
		"a.b",
		"a/b",
		"a,b",
		"a:b",
		"#\xc3\xa9",
		"caf\xc3\xa9",
		"a\x1b",
		"#\t",
		" a",
		"a!",
		"*",
	};
	size_t i;
	char *s;

	for (i = 0; i < sizeof good / sizeof good[0]; i++)
		ck_assert_msg(text_room_valid(good[i]), "\"%s\"", good[i]);
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++)
		ck_assert_msg(!text_room_valid(bad[i]), "\"%s\"", bad[i]);
	/* Lengths 0 .. CHAT_ROOM_MAX + 2, with and without the '#'. */
	for (i = 0; i <= CHAT_ROOM_MAX + 2; i++) {
		s = repeat('r', i + 1);
		s[0] = '#';
		ck_assert_msg(
		    text_room_valid(s + 1) == (i >= 1 && i <= CHAT_ROOM_MAX),
		    "length %zu", i);
		ck_assert_msg(
		    text_room_valid(s) == (i >= 1 && i <= CHAT_ROOM_MAX),
		    "#, length %zu", i);
		free(s);
	}
	ck_assert_int_eq(CHAT_ROOM_MAX, 32);
}
END_TEST

START_TEST(test_room_name)
{
	const char *a = "#lobby", *b = "lobby", *c = "##x", *d = "#";

	ck_assert_ptr_eq(text_room_name(a), a + 1);
	ck_assert_ptr_eq(text_room_name(b), b);
	ck_assert_ptr_eq(text_room_name(c), c + 1); /* only one '#' */
	ck_assert_str_eq(text_room_name(d), "");
}
END_TEST

START_TEST(test_casecmp)
{
	ck_assert_int_eq(text_casecmp("", ""), 0);
	ck_assert_int_eq(text_casecmp("alice", "alice"), 0);
	ck_assert_int_eq(text_casecmp("Alice", "aLICE"), 0);
	ck_assert_int_eq(text_casecmp("A-B_9", "a-b_9"), 0);
	ck_assert_int_lt(text_casecmp("alice", "bob"), 0);
	ck_assert_int_gt(text_casecmp("Bob", "alice"), 0);
	ck_assert_int_lt(text_casecmp("bob", "BOBBY"), 0);
	ck_assert_int_gt(text_casecmp("BOBBY", "bob"), 0);
	ck_assert_int_lt(text_casecmp("", "a"), 0);
	/* Only ASCII letters fold. */
	ck_assert_int_ne(text_casecmp("\xc3\x89", "\xc3\xa9"), 0);
	ck_assert_int_ne(text_casecmp("a_", "a-"), 0);
	/* Bytes above 0x7f sort after ASCII, as unsigned. */
	ck_assert_int_gt(text_casecmp("\xc3", "z"), 0);
}
END_TEST

/* casecmp and casehash agree: names equal ignoring case hash alike, and
 * casecmp is antisymmetric. */
START_TEST(test_casehash_agrees)
{
	static const char *const names[] = {
		"alice",
		"ALICE",
		"Alice",
		"aLiCe",
		"bob",
		"Bob",
		"bobby",
		"guest1",
		"GUEST1",
		"guest10",
		"a-b",
		"A-B",
		"a_b",
		"",
		"#Lobby",
		"#lobby",
		"lobby",
		"Z9",
		"z9",
	};
	size_t n = sizeof names / sizeof names[0], i, j;
	int c, r;

	for (i = 0; i < n; i++) {
		for (j = 0; j < n; j++) {
			c = text_casecmp(names[i], names[j]);
			r = text_casecmp(names[j], names[i]);
			ck_assert_msg((c < 0 && r > 0) || (c > 0 && r < 0) ||
				(c == 0 && r == 0),
			    "%s/%s", names[i], names[j]);
			if (c == 0)
				ck_assert_msg(text_casehash(names[i]) ==
					text_casehash(names[j]),
				    "%s/%s", names[i], names[j]);
		}
	}
	/* Not a constant: different names spread out. */
	ck_assert_uint_ne(text_casehash("alice"), text_casehash("bob"));
	ck_assert_uint_ne(text_casehash("guest1"), text_casehash("guest2"));
	ck_assert_uint_ne(text_casehash(""), text_casehash("a"));
}
END_TEST

Suite *
test_suite(void)
{
	Suite *s = suite_create("text");
	TCase *tc = tcase_create("sanitize");
	TCase *tn = tcase_create("names");

	tcase_set_timeout(tc, TEST_TIMEOUT);
	tcase_add_test(tc, test_sanitize_each_byte);
	tcase_add_test(tc, test_sanitize_all_bytes);
	tcase_add_test(tc, test_sanitize_escapes);
	tcase_add_test(tc, test_sanitize_len);
	tcase_add_test(tc, test_blank);
	suite_add_tcase(s, tc);

	tcase_set_timeout(tn, TEST_TIMEOUT);
	tcase_add_test(tn, test_nick_valid);
	tcase_add_test(tn, test_room_valid);
	tcase_add_test(tn, test_room_name);
	tcase_add_test(tn, test_casecmp);
	tcase_add_test(tn, test_casehash_agrees);
	suite_add_tcase(s, tn);
	return s;
}
