/* test_utf8.c: unit tests for common/text.c's UTF-8 stepping, decoding and widths. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_main.h"
#include "proto.h"
#include "text.h"

START_TEST(test_utf8_len)
{
	unsigned c;

	for (c = 0; c < 256; c++) {
		size_t want;

		if (c >= 0xc2 && c <= 0xdf)
			want = 2;
		else if (c >= 0xe0 && c <= 0xef)
			want = 3;
		else if (c >= 0xf0 && c <= 0xf4)
			want = 4;
		else
			want = 1; /* ASCII, continuation, C0/C1, F5.. */
		ck_assert_msg(
		    text_utf8_len((unsigned char)c) == want, "lead 0x%02x", c);
	}
}
END_TEST

struct dcase {
	const char *s;
	size_t len;
	uint32_t cp;
	size_t used;
};

static void
check_decode(const struct dcase *d, size_t n, char *fails, size_t fsize)
{
	size_t i, used, off;
	uint32_t cp;

	fails[0] = '\0';
	for (i = 0; i < n; i++) {
		used = 99;
		cp = text_utf8_decode(d[i].s, d[i].len, &used);
		if (cp == d[i].cp && used == d[i].used)
			continue;
		off = strlen(fails);
		snprintf(fails + off, fsize - off,
		    " [case %zu: U+%04X used %zu, want U+%04X used %zu]", i,
		    (unsigned)cp, used, (unsigned)d[i].cp, d[i].used);
	}
}

START_TEST(test_utf8_decode)
{
	static const struct dcase cases[] = {
		{ "A", 1, 0x41, 1 },
		{ "\x00", 1, 0, 1 },
		{ "\x7f", 1, 0x7f, 1 },
		{ "\xc2\x80", 2, 0x80, 2 },
		{ "\xc3\xa9", 2, 0xe9, 2 },
		{ "\xdf\xbf", 2, 0x7ff, 2 },
		{ "\xe0\xa0\x80", 3, 0x800, 3 },
		{ "\xe2\x82\xac", 3, 0x20ac, 3 },
		{ "\xe4\xb8\xad", 3, 0x4e2d, 3 },
		{ "\xef\xbf\xbd", 3, 0xfffd, 3 },
		{ "\xf0\x90\x80\x80", 4, 0x10000, 4 },
		{ "\xf0\x9f\x98\x80", 4, 0x1f600, 4 },
		{ "\xf4\x8f\xbf\xbf", 4, 0x10ffff, 4 },
		{ "\xc3\xa9zz", 4, 0xe9, 2 }, /* stops at the end of it */
		/* Invalid: the lead byte alone, one byte used. */
		{ "\x80", 1, 0x80, 1 },
		{ "\xbf\xbf", 2, 0xbf, 1 },
		{ "\xc0\x80", 2, 0xc0, 1 },
		{ "\xc1\xbf", 2, 0xc1, 1 },
		{ "\xf5\x80\x80\x80", 4, 0xf5, 1 },
		{ "\xff", 1, 0xff, 1 },
		{ "\xc3"
		  "A",
		    2, 0xc3, 1 },
		{ "\xe2\x82"
		  "A",
		    3, 0xe2, 1 },
		{ "\xf0\x9f\x98"
		  "A",
		    4, 0xf0, 1 },
		/* Truncated by len, though the bytes after are fine. */
		{ "\xc3\xa9", 1, 0xc3, 1 },
		{ "\xe2\x82\xac", 2, 0xe2, 1 },
		{ "\xf0\x9f\x98\x80", 3, 0xf0, 1 },
	};
	char fails[2048];

	check_decode(
	    cases, sizeof cases / sizeof cases[0], fails, sizeof fails);
	ck_assert_msg(fails[0] == '\0', "decode:%s", fails);
}
END_TEST

/* Not UTF-8 either (RFC 3629): overlong 3- and 4-byte forms, UTF-16
 * surrogates, and code points above U+10FFFF. The contract says invalid
 * input decodes as the lead byte with *used = 1. */
START_TEST(test_utf8_decode_strict)
{
	static const struct dcase cases[] = {
		{ "\xe0\x80\x80", 3, 0xe0, 1 },     /* overlong U+0000 */
		{ "\xe0\x80\xaf", 3, 0xe0, 1 },     /* overlong '/' */
		{ "\xe0\x80\x9b", 3, 0xe0, 1 },     /* overlong ESC */
		{ "\xe0\x9f\xbf", 3, 0xe0, 1 },     /* overlong U+07FF */
		{ "\xf0\x80\x80\x80", 4, 0xf0, 1 }, /* overlong U+0000 */
		{ "\xf0\x8f\xbf\xbf", 4, 0xf0, 1 }, /* overlong U+FFFF */
		{ "\xed\xa0\x80", 3, 0xed, 1 },     /* U+D800 */
		{ "\xed\xbf\xbf", 3, 0xed, 1 },     /* U+DFFF */
		{ "\xf4\x90\x80\x80", 4, 0xf4, 1 }, /* U+110000 */
	};
	char fails[2048];

	check_decode(
	    cases, sizeof cases / sizeof cases[0], fails, sizeof fails);
	ck_assert_msg(fails[0] == '\0', "accepted as UTF-8:%s", fails);
}
END_TEST

START_TEST(test_utf8_next_prev_valid)
{
	/* "a", "é", "€", "😀", "b", "中" */
	static const char s[] = "a\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80"
				"b"
				"\xe4\xb8\xad";
	static const size_t bounds[] = { 0, 1, 3, 6, 10, 11, 14 };
	size_t len = sizeof s - 1, i, nb = sizeof bounds / sizeof bounds[0];

	ck_assert_uint_eq(bounds[nb - 1], len);
	for (i = 0; i + 1 < nb; i++)
		ck_assert_uint_eq(
		    text_utf8_next(s, len, bounds[i]), bounds[i + 1]);
	for (i = nb - 1; i > 0; i--)
		ck_assert_uint_eq(text_utf8_prev(s, bounds[i]), bounds[i - 1]);
	ck_assert_uint_eq(text_utf8_next(s, len, len), len);
	ck_assert_uint_eq(text_utf8_next(s, len, len + 5), len);
	ck_assert_uint_eq(text_utf8_prev(s, 0), 0);
	/* A len shorter than the string cuts the last character short. */
	ck_assert_uint_eq(text_utf8_next(s, 2, 1), 2);
}
END_TEST

/* Walk forward with next and back with prev: every step makes progress
 * (1..4 bytes), ends exactly at the ends, and both walks stop at the same
 * boundaries, whatever the bytes. */
static void
check_walk(const char *s, size_t len, const char *what)
{
	size_t fwd[64], nf = 0, pos, p, k;

	ck_assert_uint_lt(len, 64);
	for (pos = 0; pos < len; pos = p) {
		fwd[nf++] = pos;
		p = text_utf8_next(s, len, pos);
		ck_assert_msg(p > pos && p - pos <= 4 && p <= len,
		    "%s: next(%zu) = %zu", what, pos, p);
	}
	fwd[nf++] = len;
	for (pos = len, k = nf - 1; pos > 0; pos = p) {
		p = text_utf8_prev(s, pos);
		ck_assert_msg(p < pos && pos - p <= 4, "%s: prev(%zu) = %zu",
		    what, pos, p);
		ck_assert_uint_gt(k, 0);
		k--;
		ck_assert_msg(fwd[k] == p,
		    "%s: prev(%zu) = %zu, next "
		    "walk has %zu",
		    what, pos, p, fwd[k]);
	}
	ck_assert_uint_eq(k, 0);
}

START_TEST(test_utf8_walk_invalid)
{
	static const struct {
		const char *s;
		size_t len;
	} cases[] = {
		{ "\x80", 1 },
		{ "\x80\x80\x80\x80\x80\x80", 6 },
		{ "a\x80\x80\x80\x80"
		  "b",
		    6 },
		{ "\xe2\x82", 2 },
		{ "\xe2\x82"
		  "a",
		    3 },
		{ "\xf0\x9f\x98", 3 },
		{ "\xf0\x9f\x98\x80\x80", 5 },
		{ "\xc3\xa9\xa9", 3 },
		{ "\xc3", 1 },
		{ "x\xc3", 2 },
		{ "\xff\xfe\xfd", 3 },
		{ "\xc0\xaf", 2 },
		{ "\xe2\xe2\x82\xac", 4 },
		{ "\xf0\xe2\x82\xac\x80", 5 },
		{ "\xe2\x80\x80\x80\x80", 5 },
		{ "\x00\xc3\xa9\x00", 4 },
	};
	size_t i;
	char what[32];

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		snprintf(what, sizeof what, "case %zu", i);
		check_walk(cases[i].s, cases[i].len, what);
	}
}
END_TEST

/* The same over many deterministic pseudo-random byte strings made of
 * leads, continuations and ASCII. */
START_TEST(test_utf8_walk_fuzz)
{
	static const unsigned char alphabet[] = {
		'a',
		0x80,
		0x8f,
		0xa9,
		0xbf,
		0xc0,
		0xc3,
		0xdf,
		0xe0,
		0xe2,
		0xed,
		0xef,
		0xf0,
		0xf4,
		0xf5,
		0xff,
		0x00,
	};
	uint32_t seed = 1;
	char s[40], what[32];
	size_t round, len, i;

	for (round = 0; round < 20000; round++) {
		seed = seed * 1103515245u + 12345u;
		len = (seed >> 16) % sizeof s;
		for (i = 0; i < len; i++) {
			seed = seed * 1103515245u + 12345u;
			s[i] = (char)alphabet[(seed >> 16) % sizeof alphabet];
		}
		snprintf(what, sizeof what, "round %zu", round);
		check_walk(s, len, what);
	}
}
END_TEST

START_TEST(test_cp_width)
{
	static const struct {
		uint32_t cp;
		int width;
	} cases[] = {
		{ 'A', 1 },
		{ ' ', 1 },
		{ '~', 1 },
		{ 0xe9, 1 },
		{ 0x3b1, 1 },
		{ 0x410, 1 },
		{ 0x20ac, 1 },
		{ 0xfffd, 1 },
		/* CJK and other wide blocks */
		{ 0x1100, 2 },
		{ 0x115f, 2 },
		{ 0x2e80, 2 },
		{ 0x3042, 2 },
		{ 0x30a2, 2 },
		{ 0x4e00, 2 },
		{ 0x4e2d, 2 },
		{ 0x9fff, 2 },
		{ 0xac00, 2 },
		{ 0xd7a3, 2 },
		{ 0xff21, 2 },
		{ 0xffe0, 2 },
		{ 0x20000, 2 },
		{ 0x2a6d6, 2 },
		/* their edges */
		{ 0x10ff, 1 },
		{ 0x2e7f, 1 },
		{ 0x303f, 1 },
		{ 0xd7a4, 1 },
		{ 0xff61, 1 },
		/* combining and zero width */
		{ 0x300, 0 },
		{ 0x301, 0 },
		{ 0x36f, 0 },
		{ 0x20d7, 0 },
		{ 0x200b, 0 },
		{ 0x200d, 0 },
		{ 0xfe0f, 0 },
		{ 0x5b4, 0 },
		{ 0x2ff, 1 },
		{ 0x370, 1 },
		/* emoji */
		{ 0x1f600, 2 },
		{ 0x1f389, 2 },
		{ 0x1f44d, 2 },
		{ 0x1f680, 2 },
		{ 0x1f916, 2 },
		{ 0x2615, 2 },
		{ 0x26a1, 2 },
		{ 0x2705, 2 },
		{ 0x1fa70, 2 },
	};
	size_t i;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++)
		ck_assert_msg(text_cp_width(cases[i].cp) == cases[i].width,
		    "U+%04X: width %d, want %d", (unsigned)cases[i].cp,
		    text_cp_width(cases[i].cp), cases[i].width);
}
END_TEST

/* Decoding a string and adding up widths: "e" + combining acute + "中" +
 * "😀" + "!" takes 1 + 0 + 2 + 2 + 1 columns. */
START_TEST(test_string_width)
{
	static const char s[] = "e\xcc\x81\xe4\xb8\xad\xf0\x9f\x98\x80!";
	size_t len = sizeof s - 1, pos = 0, used;
	int cols = 0;

	while (pos < len) {
		cols +=
		    text_cp_width(text_utf8_decode(s + pos, len - pos, &used));
		pos += used;
	}
	ck_assert_uint_eq(pos, len);
	ck_assert_int_eq(cols, 6);
}
END_TEST

Suite *
test_suite(void)
{
	Suite *s = suite_create("utf8");
	TCase *tu = tcase_create("utf8");

	tcase_set_timeout(tu, TEST_TIMEOUT);
	tcase_add_test(tu, test_utf8_len);
	tcase_add_test(tu, test_utf8_decode);
	tcase_add_test(tu, test_utf8_decode_strict);
	tcase_add_test(tu, test_utf8_next_prev_valid);
	tcase_add_test(tu, test_utf8_walk_invalid);
	tcase_add_test(tu, test_utf8_walk_fuzz);
	tcase_add_test(tu, test_cp_width);
	tcase_add_test(tu, test_string_width);
	suite_add_tcase(s, tu);
	return s;
}
