/* test_irc_tags.c: unit tests for common/irc_tag.c (tags, escapes, the
 * client-only filter) and common/irc.c's UTF-8 cutting, splitting, CTCP,
 * and parsing lines that arrive in pieces. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "check_main.h"
#include "irc.h"
#include "line.h"

static void
expect_buf(const struct buf *b, const char *want)
{
	size_t n = strlen(want);

	ck_assert_msg(
	    buf_len(b) == n && (n == 0 || memcmp(buf_data(b), want, n) == 0),
	    "buffer '%.*s', want '%s'", (int)buf_len(b),
	    buf_len(b) > 0 ? buf_data(b) : "", want);
}

START_TEST(test_tag_iterate)
{
	static const char tags[] = "a=b;c;d=;e=x\\sy;;=z;f;g=1=2;";
	static const struct {
		const char *key, *value; /* value NULL: no '=' */
	} want[] = { { "a", "b" }, { "c", NULL }, { "d", "" }, { "e", "x\\sy" },
		{ "f", NULL }, { "g", "1=2" } };
	struct irc_tag t;
	size_t pos = 0, i = 0;

	while (irc_tag_next(tags, &pos, &t)) {
		ck_assert_uint_lt(i, sizeof want / sizeof want[0]);
		ck_assert_uint_eq(t.keylen, strlen(want[i].key));
		ck_assert(memcmp(t.key, want[i].key, t.keylen) == 0);
		if (want[i].value == NULL) {
			ck_assert_ptr_null(t.value);
			ck_assert_uint_eq(t.valuelen, 0);
		} else {
			ck_assert_ptr_nonnull(t.value);
			ck_assert_uint_eq(t.valuelen, strlen(want[i].value));
			ck_assert(
			    memcmp(t.value, want[i].value, t.valuelen) == 0);
		}
		i++;
	}
	ck_assert_uint_eq(i, sizeof want / sizeof want[0]);
	ck_assert_uint_eq(pos, strlen(tags));
	pos = 0;
	ck_assert(!irc_tag_next(NULL, &pos, &t));
	ck_assert(!irc_tag_next("", &pos, &t));
	ck_assert(!irc_tag_next(";;;", &pos, &t));
}
END_TEST

/* Duplicate keys: the last one counts; keys match whole and exactly. */
START_TEST(test_tag_find)
{
	struct irc_tag t;

	ck_assert(irc_tag_find("a=1;b=2;a=3", "a", &t));
	ck_assert_uint_eq(t.valuelen, 1);
	ck_assert_int_eq(t.value[0], '3');
	ck_assert(irc_tag_find("a=1;a", "a", &t));
	ck_assert_ptr_null(t.value);
	ck_assert(irc_tag_find("ab=1;a=2", "a", &t));
	ck_assert_int_eq(t.value[0], '2');
	ck_assert(!irc_tag_find("ab=1;A=2", "a", &t));
	ck_assert(!irc_tag_find("a=1", "a=1", &t));
	ck_assert(!irc_tag_find(NULL, "a", &t));
	ck_assert(irc_tag_find("+example.com/x=\\s", "+example.com/x", &t));
	ck_assert_uint_eq(t.valuelen, 2);
}
END_TEST

START_TEST(test_tag_key_valid)
{
	static const char *const good[] = { "a", "+a", "msgid", "a-b", "9",
		"+draft/reply", "example.com/foo", "+example.com/foo-bar" };
	static const char *const bad[] = { "", "+", "/a", "a/", "+/a", "a/b/c",
		"a_b", "a b", "a.b", "+a=b", "ex ample.com/a", "\xc3\xa4",
		"a;b", "++a" };
	size_t i;

	for (i = 0; i < sizeof good / sizeof good[0]; i++)
		ck_assert_msg(irc_tag_key_valid(good[i], strlen(good[i])),
		    "'%s' refused", good[i]);
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++)
		ck_assert_msg(!irc_tag_key_valid(bad[i], strlen(bad[i])),
		    "'%s' accepted", bad[i]);
}
END_TEST

static const struct {
	/* cppcheck-suppress unusedStructMember ; both are read below */
	const char *in, *out;
} unesc[] = {
	{ "", "" },
	{ "abc", "abc" },
	{ "\\:", ";" },
	{ "\\s", " " },
	{ "\\\\", "\\" },
	{ "\\r", "\r" },
	{ "\\n", "\n" },
	{ "a\\:b\\sc\\\\d\\re\\nf", "a;b c\\d\re\nf" },
	/* Unknown escapes give the byte; a lone trailing '\' nothing. */
	{ "\\x", "x" },
	{ "\\a\\b\\S\\N", "abSN" },
	{ "test\\", "test" },
	{ "\\", "" },
	{ "\\\\\\", "\\" },
	{ "a\\\\s", "a\\s" },
	{ "\\\\\\s", "\\ " },
	{ "caf\xc3\xa9\\s\xff", "caf\xc3\xa9 \xff" },
	/* The IRCv3 example. */
	{ "raw+:=,escaped\\:\\s\\\\", "raw+:=,escaped; \\" },
};

START_TEST(test_tag_unescape)
{
	char out[64], inplace[64];
	size_t i, n;
	ssize_t r;

	for (i = 0; i < sizeof unesc / sizeof unesc[0]; i++) {
		n = strlen(unesc[i].in);
		r = irc_tag_unescape(out, sizeof out, unesc[i].in, n);
		ck_assert_msg(r == (ssize_t)strlen(unesc[i].out) &&
			strcmp(out, unesc[i].out) == 0,
		    "case %zu: '%s' gave '%s'", i, unesc[i].in, out);
		/* In place, into the value's own bytes. */
		memcpy(inplace, unesc[i].in, n + 1);
		ck_assert_int_eq(
		    irc_tag_unescape(inplace, n + 1, inplace, n), r);
		ck_assert_str_eq(inplace, unesc[i].out);
	}
	ck_assert_int_eq(irc_tag_unescape(out, 1, NULL, 0), 0);
	ck_assert_str_eq(out, "");
}
END_TEST

/* Too small an output: -1 ENOSPC, and not a byte past its end. */
START_TEST(test_tag_unescape_space)
{
	static const char in[] = "ab\\scd";
	char out[16];
	size_t size;

	for (size = 0; size <= 6; size++) {
		memset(out, '#', sizeof out);
		errno = 0;
		if (size >= 6) {
			ck_assert_int_eq(irc_tag_unescape(out, size, in, 6), 5);
			ck_assert_str_eq(out, "ab cd");
		} else {
			ck_assert_int_eq(
			    irc_tag_unescape(out, size, in, 6), -1);
			ck_assert_int_eq(errno, ENOSPC);
		}
		ck_assert_msg(out[size] == '#', "wrote past %zu bytes", size);
		if (size > 0 && size < 6)
			ck_assert_int_eq(out[size - 1], '\0');
	}
}
END_TEST

/* Every byte but NUL survives escaping and unescaping; the escaped form
 * holds none of the bytes a tag section cannot. */
START_TEST(test_tag_escape)
{
	struct buf b;
	char all[255], out[256];
	size_t i;

	buf_init(&b);
	ck_assert_int_eq(irc_tag_escape(&b, "a; b\\c\r\nd", 9), 0);
	expect_buf(&b, "a\\:\\sb\\\\c\\r\\nd");
	buf_consume(&b, buf_len(&b));
	ck_assert_int_eq(irc_tag_escape(&b, "", 0), 0);
	ck_assert_int_eq(irc_tag_escape(&b, NULL, 0), 0);
	ck_assert_uint_eq(buf_len(&b), 0);
	for (i = 0; i < sizeof all; i++)
		all[i] = (char)(i + 1);
	ck_assert_int_eq(irc_tag_escape(&b, all, sizeof all), 0);
	ck_assert_ptr_null(memchr(buf_data(&b), ';', buf_len(&b)));
	ck_assert_ptr_null(memchr(buf_data(&b), ' ', buf_len(&b)));
	ck_assert_ptr_null(memchr(buf_data(&b), '\r', buf_len(&b)));
	ck_assert_ptr_null(memchr(buf_data(&b), '\n', buf_len(&b)));
	ck_assert_int_eq(
	    irc_tag_unescape(out, sizeof out, buf_data(&b), buf_len(&b)),
	    (ssize_t)sizeof all);
	ck_assert(memcmp(out, all, sizeof all) == 0);
	buf_consume(&b, buf_len(&b));
	errno = 0;
	ck_assert_int_eq(irc_tag_escape(&b, "a\0b", 3), -1);
	ck_assert_int_eq(errno, EINVAL);
	ck_assert_uint_eq(buf_len(&b), 0);
	buf_free(&b);
}
END_TEST

START_TEST(test_tag_add)
{
	struct buf b;

	buf_init(&b);
	ck_assert_int_eq(
	    irc_tag_add(&b, "time", "2024-01-01T00:00:00.000Z"), 0);
	ck_assert_int_eq(irc_tag_add(&b, "msgid", "a b;c"), 0);
	ck_assert_int_eq(irc_tag_add(&b, "+flag", NULL), 0);
	ck_assert_int_eq(irc_tag_add(&b, "+empty", ""), 0);
	expect_buf(&b,
	    "time=2024-01-01T00:00:00.000Z;msgid=a\\sb\\:c;+flag;"
	    "+empty=");
	errno = 0;
	ck_assert_int_eq(irc_tag_add(&b, "bad key", "x"), -1);
	ck_assert_int_eq(errno, EINVAL);
	ck_assert_int_eq(irc_tag_add(&b, "", "x"), -1);
	ck_assert_int_eq(irc_tag_add(&b, "+a/", "x"), -1);
	expect_buf(&b,
	    "time=2024-01-01T00:00:00.000Z;msgid=a\\sb\\:c;+flag;"
	    "+empty=");
	buf_free(&b);
}
END_TEST

/* Only well-formed '+' tags, as received (escapes, empty values and
 * duplicates kept), after what the buffer holds. */
START_TEST(test_tags_client_only)
{
	static const char tags[] = "+a=1;b=2;+c;time=x;+example.com/d=x\\sy;"
				   "+=bad;+bad_key=1;+;+e=;label=+x;+a=dup";
	struct buf b;

	buf_init(&b);
	ck_assert_int_eq(irc_tags_client_only(&b, tags), 0);
	expect_buf(&b, "+a=1;+c;+example.com/d=x\\sy;+e=;+a=dup");
	buf_consume(&b, buf_len(&b));
	ck_assert_int_eq(irc_tag_add(&b, "msgid", "7"), 0);
	ck_assert_int_eq(irc_tags_client_only(&b, "+typing=active;x=y"), 0);
	expect_buf(&b, "msgid=7;+typing=active");
	/* Nothing to keep: no stray ';'. */
	ck_assert_int_eq(irc_tags_client_only(&b, "a=1;b"), 0);
	ck_assert_int_eq(irc_tags_client_only(&b, NULL), 0);
	ck_assert_int_eq(irc_tags_client_only(&b, ""), 0);
	expect_buf(&b, "msgid=7;+typing=active");
	buf_consume(&b, buf_len(&b));
	ck_assert_int_eq(irc_tags_client_only(&b, "x;+k"), 0);
	expect_buf(&b, "+k");
	buf_consume(&b, buf_len(&b));
	/* Not from irc_parse(): a value that would break the line goes. */
	ck_assert_int_eq(irc_tags_client_only(&b, "+a=x y;+b=\r;+c=ok"), 0);
	expect_buf(&b, "+c=ok");
	buf_free(&b);
}
END_TEST

/* 1-, 2-, 3- and 4-byte characters; boundaries 0 1 3 6 10 11. */
static const char mixed[] = "a\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80z";
static const size_t mixed_bounds[] = { 0, 1, 3, 6, 10, 11 };

/* Invalid bytes, one character each: a stray continuation, an FF, a lead
 * cut short by an ASCII byte, a lead cut short by another lead, then a
 * valid euro sign, and a lead cut short by the end of the text. */
static const char broken[] = "\x80\xff\xe2\x82z\xc3\xe2\x82\xac\xf0\x9f";
static const size_t broken_bounds[] = { 0, 1, 2, 3, 4, 5, 6, 9, 10, 11 };

static void
check_cut(const char *s, size_t len, const size_t *bounds, size_t nb)
{
	size_t max, want, i;

	for (max = 0; max <= len + 1; max++) {
		want = 0;
		for (i = 0; i < nb; i++)
			if (bounds[i] <= max)
				want = bounds[i];
		ck_assert_msg(irc_utf8_cut(s, len, max) == want,
		    "cut to %zu gave %zu, want %zu", max,
		    irc_utf8_cut(s, len, max), want);
	}
}

START_TEST(test_utf8_cut)
{
	check_cut(mixed, sizeof mixed - 1, mixed_bounds,
	    sizeof mixed_bounds / sizeof mixed_bounds[0]);
	check_cut(broken, sizeof broken - 1, broken_bounds,
	    sizeof broken_bounds / sizeof broken_bounds[0]);
	ck_assert_uint_eq(irc_utf8_cut("", 0, 0), 0);
	ck_assert_uint_eq(irc_utf8_cut(NULL, 0, 5), 0);
}
END_TEST

/* Splitting at every max: the pieces put back together are the text,
 * none is longer than max, each ends on a boundary when one fits. */
static void
check_split(const char *s, size_t len, const size_t *bounds, size_t nb)
{
	struct irc_split sp;
	const char *piece;
	size_t max, plen, at, i, pieces;
	int on;

	for (max = 1; max <= len + 1; max++) {
		irc_split_init(&sp, s, len, max);
		at = 0;
		pieces = 0;
		while (irc_split_next(&sp, &piece, &plen)) {
			ck_assert_ptr_eq(piece, s + at);
			ck_assert_uint_ge(plen, 1);
			ck_assert_uint_le(plen, max);
			at += plen;
			for (on = 0, i = 0; i < nb; i++)
				on |= bounds[i] == at;
			ck_assert_msg(on || max < 4,
			    "max %zu: a piece ends at %zu", max, at);
			ck_assert_uint_lt(++pieces, 100);
		}
		ck_assert_uint_eq(at, len);
	}
}

START_TEST(test_utf8_split)
{
	static const char *const want[] = { "a\xc3\xa9", "\xe2\x82\xac",
		"\xf0\x9f\x98\x80", "z" };
	struct irc_split sp;
	const char *piece;
	char euros[1200];
	size_t plen, i = 0;

	check_split(mixed, sizeof mixed - 1, mixed_bounds,
	    sizeof mixed_bounds / sizeof mixed_bounds[0]);
	check_split(broken, sizeof broken - 1, broken_bounds,
	    sizeof broken_bounds / sizeof broken_bounds[0]);
	irc_split_init(&sp, mixed, sizeof mixed - 1, 4);
	while (irc_split_next(&sp, &piece, &plen)) {
		ck_assert_uint_lt(i, 4);
		ck_assert_uint_eq(plen, strlen(want[i]));
		ck_assert(memcmp(piece, want[i], plen) == 0);
		i++;
	}
	ck_assert_uint_eq(i, 4);
	/* 400 euro signs in lines of 510 bytes: 170 characters each. */
	for (i = 0; i < sizeof euros; i += 3)
		memcpy(euros + i, "\xe2\x82\xac", 3);
	irc_split_init(&sp, euros, sizeof euros, 510);
	ck_assert(irc_split_next(&sp, &piece, &plen) && plen == 510);
	ck_assert(irc_split_next(&sp, &piece, &plen) && plen == 510);
	ck_assert(irc_split_next(&sp, &piece, &plen) && plen == 180);
	ck_assert(!irc_split_next(&sp, &piece, &plen));
	/* Nothing to split, or no room: no pieces. */
	irc_split_init(&sp, "", 0, 10);
	ck_assert(!irc_split_next(&sp, &piece, &plen));
	irc_split_init(&sp, "abc", 3, 0);
	ck_assert(!irc_split_next(&sp, &piece, &plen));
}
END_TEST

START_TEST(test_ctcp)
{
	static const struct {
		const char *text, *command, *arg; /* command NULL: not CTCP */
	} cases[] = {
		{ "\x01"
		  "ACTION waves\x01",
		    "ACTION", "waves" },
		{ "\x01"
		  "ACTION waves",
		    "ACTION", "waves" },
		{ "\x01"
		  "ACTION waves  a lot \x01",
		    "ACTION", "waves  a lot " },
		{ "\x01VERSION\x01", "VERSION", NULL },
		{ "\x01VERSION", "VERSION", NULL },
		{ "\x01PING 123 456\x01", "PING", "123 456" },
		{ "\x01"
		  "ACTION \x01",
		    "ACTION", "" },
		{ "\x01"
		  "ACTION a\x01"
		  "b",
		    "ACTION", "a" },
		{ "\x01X\x01\x01", "X", NULL },
		{ "\x01\x01", NULL, NULL },
		{ "\x01", NULL, NULL },
		{ "", NULL, NULL },
		{ "hello", NULL, NULL },
		{ "\x01 waves", NULL, NULL },
		{ "x\x01"
		  "ACTION y\x01",
		    NULL, NULL },
	};
	struct irc_ctcp c;
	size_t i;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		const char *t = cases[i].text;
		int r = irc_ctcp_parse(t, strlen(t), &c);

		if (cases[i].command == NULL) {
			ck_assert_msg(!r, "case %zu is CTCP", i);
			continue;
		}
		ck_assert_msg(r, "case %zu is not CTCP", i);
		ck_assert_uint_eq(c.commandlen, strlen(cases[i].command));
		ck_assert(
		    memcmp(c.command, cases[i].command, c.commandlen) == 0);
		if (cases[i].arg == NULL) {
			ck_assert_ptr_null(c.arg);
			ck_assert_uint_eq(c.arglen, 0);
		} else {
			ck_assert_uint_eq(c.arglen, strlen(cases[i].arg));
			ck_assert(memcmp(c.arg, cases[i].arg, c.arglen) == 0);
		}
	}
}
END_TEST

START_TEST(test_ctcp_action)
{
	const char *arg;
	size_t len;

	ck_assert(irc_ctcp_action("\x01"
				  "ACTION waves\x01",
	    14, &arg, &len));
	ck_assert_uint_eq(len, 5);
	ck_assert(memcmp(arg, "waves", 5) == 0);
	ck_assert(irc_ctcp_action("\x01"
				  "action hi",
	    10, &arg, &len));
	ck_assert_uint_eq(len, 2);
	ck_assert(irc_ctcp_action("\x01"
				  "ACTION\x01",
	    8, &arg, &len));
	ck_assert_str_eq(arg, "");
	ck_assert_uint_eq(len, 0);
	ck_assert(!irc_ctcp_action("\x01"
				   "ACTIONS x\x01",
	    11, &arg, &len));
	ck_assert(!irc_ctcp_action("\x01VERSION\x01", 9, &arg, &len));
	ck_assert(!irc_ctcp_action("ACTION x", 8, &arg, &len));
}
END_TEST

/* Bytes framed by a line reader in two reads, cut at every offset (inside
 * the 2- and 4-byte characters too): the whole characters come out. */
START_TEST(test_split_read)
{
	static const char in[] = "@+x=\xc3\xa9 PRIVMSG #a :caf\xc3\xa9 "
				 "\xf0\x9f\x98\x80!\r\n";
	struct line_reader lr;
	struct irc_msg m;
	struct irc_tag t;
	char *line, val[8];
	size_t k, len, n = sizeof in - 1;

	for (k = 0; k <= n; k++) {
		line_init(&lr, IRC_INPUT_MAX);
		ck_assert_int_eq(buf_append(&lr.buf, in, k), 0);
		if (k < n)
			ck_assert_int_eq(
			    line_next(&lr, &line, &len), LINE_NONE);
		ck_assert_int_eq(buf_append(&lr.buf, in + k, n - k), 0);
		ck_assert_int_eq(line_next(&lr, &line, &len), LINE_OK);
		ck_assert(irc_line_fits(line, len));
		ck_assert_int_eq(irc_parse(&m, line, len), 0);
		ck_assert_str_eq(m.command, "PRIVMSG");
		ck_assert_uint_eq(m.nparams, 2);
		ck_assert_str_eq(m.params[1], "caf\xc3\xa9 \xf0\x9f\x98\x80!");
		ck_assert(irc_tag_find(m.tags, "+x", &t));
		ck_assert_int_eq(
		    irc_tag_unescape(val, sizeof val, t.value, t.valuelen), 2);
		ck_assert_str_eq(val, "\xc3\xa9");
		ck_assert_int_eq(line_next(&lr, &line, &len), LINE_NONE);
		line_free(&lr);
	}
}
END_TEST

Suite *
test_suite(void)
{
	Suite *s = suite_create("irc_tags");
	TCase *tt = tcase_create("tags");
	TCase *tu = tcase_create("utf8_ctcp");

	tcase_set_timeout(tt, TEST_TIMEOUT);
	tcase_add_test(tt, test_tag_iterate);
	tcase_add_test(tt, test_tag_find);
	tcase_add_test(tt, test_tag_key_valid);
	tcase_add_test(tt, test_tag_unescape);
	tcase_add_test(tt, test_tag_unescape_space);
	tcase_add_test(tt, test_tag_escape);
	tcase_add_test(tt, test_tag_add);
	tcase_add_test(tt, test_tags_client_only);
	suite_add_tcase(s, tt);
	tcase_set_timeout(tu, TEST_TIMEOUT);
	tcase_add_test(tu, test_utf8_cut);
	tcase_add_test(tu, test_utf8_split);
	tcase_add_test(tu, test_ctcp);
	tcase_add_test(tu, test_ctcp_action);
	tcase_add_test(tu, test_split_read);
	suite_add_tcase(s, tu);
	return s;
}
