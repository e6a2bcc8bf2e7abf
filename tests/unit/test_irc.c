/* test_irc.c: unit tests for common/irc.c: framing, size limits, the
 * formatter's colon rules and format/parse round trips. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "check_main.h"
#include "irc.h"
#include "line.h"

/* A parse and what it must give; params end at the first NULL. */
struct pcase {
	const char *line;
	const char *tags;
	const char *source;
	const char *command;
	int trailing;
	const char *params[IRC_PARAMS_MAX + 1];
};

static const struct pcase parse_ok[] = {
	{ "PING", NULL, NULL, "PING", 0, { NULL } },
	{ "ping x", NULL, NULL, "PING", 0, { "x", NULL } },
	{ "PrivMsg #a b", NULL, NULL, "PRIVMSG", 0, { "#a", "b", NULL } },
	{ "001 alice :Welcome", NULL, NULL, "001", 1, { "alice", "Welcome" } },
	{ ":srv NOTICE * :hi there", NULL, "srv", "NOTICE", 1,
	    { "*", "hi there", NULL } },
	{ "@a=b;c :n!u@h PRIVMSG #a :hi", "a=b;c", "n!u@h", "PRIVMSG", 1,
	    { "#a", "hi", NULL } },
	{ "@a=b\\sc;+d PING x", "a=b\\sc;+d", NULL, "PING", 0, { "x", NULL } },
	/* Separators are runs of spaces, before the first part too; spaces
	 * at the end give no empty param. */
	{ "PRIVMSG   #a    b", NULL, NULL, "PRIVMSG", 0, { "#a", "b", NULL } },
	{ "   PRIVMSG #a b   ", NULL, NULL, "PRIVMSG", 0, { "#a", "b", NULL } },
	{ "@t   :s   PING   x", "t", "s", "PING", 0, { "x", NULL } },
	{ "  @t :s PING", "t", "s", "PING", 0, { NULL } },
	{ "QUIT ", NULL, NULL, "QUIT", 0, { NULL } },
	/* Only a space separates: a TAB is a byte of the param. */
	{ "CMD a\tb", NULL, NULL, "CMD", 0, { "a\tb", NULL } },
	/* Trailing params: empty, with spaces and colons, only a colon. */
	{ "PRIVMSG #a :", NULL, NULL, "PRIVMSG", 1, { "#a", "", NULL } },
	{ "CMD :", NULL, NULL, "CMD", 1, { "", NULL } },
	{ "PRIVMSG #a :  two  spaces :and: colons ", NULL, NULL, "PRIVMSG", 1,
	    { "#a", "  two  spaces :and: colons ", NULL } },
	{ "PRIVMSG #a ::-)", NULL, NULL, "PRIVMSG", 1, { "#a", ":-)", NULL } },
	{ "PRIVMSG #a :x   :y", NULL, NULL, "PRIVMSG", 1,
	    { "#a", "x   :y", NULL } },
	{ "CAP * LIST :", NULL, NULL, "CAP", 1, { "*", "LIST", "", NULL } },
	/* A ':' inside a middle param is just a byte. */
	{ "MODE #a a:b :c", NULL, NULL, "MODE", 1, { "#a", "a:b", "c", NULL } },
	{ "CMD a:", NULL, NULL, "CMD", 0, { "a:", NULL } },
	/* Empty tag section or source: as if absent. */
	{ "@ PING x", NULL, NULL, "PING", 0, { "x", NULL } },
	{ ": PING x", NULL, NULL, "PING", 0, { "x", NULL } },
	/* A source may itself start with ':' or hold '@'. */
	{ "::odd@x PING", NULL, ":odd@x", "PING", 0, { NULL } },
	{ "@@t PING", "@t", NULL, "PING", 0, { NULL } },
	/* Non-ASCII bytes pass as they are; only a-z are uppercased. */
	{ "caf\xc3\xa9 \xc3\xa9", NULL, NULL, "CAF\xc3\xa9", 0,
	    { "\xc3\xa9", NULL } },
};

/* Lines with 14, 15 and more params (RFC 2812: the 15th is the rest). */
#define P14 "CMD 1 2 3 4 5 6 7 8 9 10 11 12 13 14"
static const struct pcase parse_cap[] = {
	{ P14, NULL, NULL, "CMD", 0,
	    { "1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12",
		"13", "14", NULL } },
	{ P14 " :x y", NULL, NULL, "CMD", 1,
	    { "1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12",
		"13", "14", "x y" } },
	{ P14 " 15", NULL, NULL, "CMD", 0,
	    { "1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12",
		"13", "14", "15" } },
	{ P14 " 15 16 :17", NULL, NULL, "CMD", 0,
	    { "1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12",
		"13", "14", "15 16 :17" } },
	{ P14 "   15  16  ", NULL, NULL, "CMD", 0,
	    { "1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12",
		"13", "14", "15  16  " } },
	{ P14 " ::15", NULL, NULL, "CMD", 1,
	    { "1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12",
		"13", "14", ":15" } },
	{ "CMD 1 2 3 4 5 6 7 8 9 10 11 12 13 :14 15 16", NULL, NULL, "CMD", 1,
	    { "1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12",
		"13", "14 15 16", NULL } },
};

static int
within(const char *p, const char *line, size_t len)
{
	return p >= line && p <= line + len && p + strlen(p) <= line + len;
}

static void
check_parse(const struct pcase *c, size_t idx)
{
	struct irc_msg m;
	size_t len = strlen(c->line), i, n = 0;
	char *line = strdup(c->line);

	ck_assert_ptr_nonnull(line);
	while (n < IRC_PARAMS_MAX && c->params[n] != NULL)
		n++;
	ck_assert_msg(
	    irc_parse(&m, line, len) == 0, "case %zu: %s fails", idx, c->line);
	if (c->tags == NULL)
		ck_assert_msg(m.tags == NULL, "case %zu: tags", idx);
	else
		ck_assert_str_eq(m.tags, c->tags);
	if (c->source == NULL)
		ck_assert_msg(m.source == NULL, "case %zu: source", idx);
	else
		ck_assert_str_eq(m.source, c->source);
	ck_assert_str_eq(m.command, c->command);
	ck_assert_msg(m.nparams == n, "case %zu: %zu params, want %zu", idx,
	    m.nparams, n);
	ck_assert_msg(m.trailing == c->trailing, "case %zu: trailing", idx);
	for (i = 0; i < n; i++)
		ck_assert_msg(strcmp(m.params[i], c->params[i]) == 0,
		    "case %zu param %zu: '%s', want '%s'", idx, i, m.params[i],
		    c->params[i]);
	/* Every piece lies inside the line it was parsed from. */
	ck_assert(m.tags == NULL || within(m.tags, line, len));
	ck_assert(m.source == NULL || within(m.source, line, len));
	ck_assert(within(m.command, line, len));
	for (i = 0; i < m.nparams; i++)
		ck_assert(within(m.params[i], line, len));
	free(line);
}

START_TEST(test_parse_table)
{
	size_t i;

	for (i = 0; i < sizeof parse_ok / sizeof parse_ok[0]; i++)
		check_parse(&parse_ok[i], i);
}
END_TEST

START_TEST(test_parse_15_params)
{
	size_t i;

	for (i = 0; i < sizeof parse_cap / sizeof parse_cap[0]; i++)
		check_parse(&parse_cap[i], i);
}
END_TEST

/* No command, a command irc_format() could not send, or bytes that
 * cannot be sent again (as len-counted strings: one holds a NUL). */
START_TEST(test_parse_bad)
{
	static const struct {
		const char *s;
		size_t len;
	} bad[] = {
		{ "", 0 },
		{ "   ", 3 },
		{ "@a=b", 4 },
		{ "@a=b ", 5 },
		{ "@a=b   ", 7 },
		{ ":src", 4 },
		{ ":src  ", 6 },
		{ "@a :src", 7 },
		{ "@a :src ", 8 },
		{ ":", 1 },
		{ "@", 1 },
		{ "@ :", 3 },
		{ ":a :b c", 7 },
		{ "@a @b", 5 },
		{ "PRIVMSG #a :x\ry", 15 },
		{ "PRIVMSG #a :x\ny", 15 },
		{ "PRIVMSG\r", 8 },
		{ "PRIVMSG #a :x\0y", 15 },
	};
	struct irc_msg m;
	char line[32];
	size_t i;

	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		memcpy(line, bad[i].s, bad[i].len);
		line[bad[i].len] = '\0';
		errno = 0;
		ck_assert_msg(irc_parse(&m, line, bad[i].len) == -1,
		    "bad case %zu parsed", i);
		ck_assert_int_eq(errno, EINVAL);
	}
}
END_TEST

/* A line of exactly len bytes: "@" tags " " rest, tags of tagdata bytes
 * (tagdata 0: no tag section), the rest "PRIVMSG #a :xxx...". */
static char *
sized_line(size_t tagdata, size_t rest)
{
	static const char head[] = "PRIVMSG #a :";
	size_t tagsec = tagdata > 0 ? tagdata + 2 : 0, i;
	char *s = malloc(tagsec + rest + 1);

	ck_assert_ptr_nonnull(s);
	ck_assert_uint_ge(rest, sizeof head - 1);
	if (tagdata > 0) {
		s[0] = '@';
		for (i = 1; i <= tagdata; i++)
			s[i] = i % 8 == 0 ? ';' : 't';
		s[tagdata + 1] = ' ';
	}
	memcpy(s + tagsec, head, sizeof head - 1);
	memset(s + tagsec + sizeof head - 1, 'x', rest - (sizeof head - 1));
	s[tagsec + rest] = '\0';
	return s;
}

static int
fits(size_t tagdata, size_t rest)
{
	char *s = sized_line(tagdata, rest);
	int r = irc_line_fits(s, strlen(s));

	free(s);
	return r;
}

/* 512 with CR LF after the tags; the tag section 4096 with '@' and its
 * space: at, one under and one over each bound, alone and together. */
START_TEST(test_line_fits_bounds)
{
	const size_t rest = IRC_LINE_MAX - 2, data = IRC_TAGS_MAX - 2;

	ck_assert(fits(0, rest - 1));
	ck_assert(fits(0, rest));
	ck_assert(!fits(0, rest + 1));
	ck_assert(fits(data - 1, 20));
	ck_assert(fits(data, 20));
	ck_assert(!fits(data + 1, 20));
	ck_assert(fits(data, rest));
	ck_assert(!fits(data + 1, rest));
	ck_assert(!fits(data, rest + 1));
	/* Big tags do not lend their room to the rest, nor it to them. */
	ck_assert(!fits(1, rest + 1));
	ck_assert(!fits(data + 1, 12));
}
END_TEST

START_TEST(test_line_fits_edges)
{
	char s[IRC_TAGS_MAX + 2];

	ck_assert(irc_line_fits("", 0));
	/* Only tags, no space: the whole line is the tag section. */
	s[0] = '@';
	memset(s + 1, 'a', IRC_TAGS_MAX);
	ck_assert(irc_line_fits(s, IRC_TAGS_MAX));
	ck_assert(!irc_line_fits(s, IRC_TAGS_MAX + 1));
	/* Spaces before the '@' are not part of the tag section. */
	memset(s, ' ', IRC_LINE_MAX - 2);
	ck_assert(irc_line_fits(s, IRC_LINE_MAX - 2));
	ck_assert(!irc_line_fits(s, IRC_LINE_MAX - 1));
	/* A '@' later in the line is no tag section. */
	memset(s, 'x', IRC_LINE_MAX);
	s[5] = '@';
	ck_assert(!irc_line_fits(s, IRC_LINE_MAX - 1));
}
END_TEST

/* The largest line in both limits passes a line reader set to
 * IRC_INPUT_MAX, and parses; one byte more is too long for the reader. */
START_TEST(test_line_fits_reader)
{
	struct line_reader lr;
	struct irc_msg m;
	char *s = sized_line(IRC_TAGS_MAX - 2, IRC_LINE_MAX - 2), *line;
	size_t n = strlen(s), len;

	ck_assert_uint_eq(n, IRC_INPUT_MAX);
	line_init(&lr, IRC_INPUT_MAX);
	ck_assert_int_eq(buf_append(&lr.buf, s, n), 0);
	ck_assert_int_eq(buf_append(&lr.buf, "\r\nx", 3), 0);
	ck_assert_int_eq(buf_append(&lr.buf, s, n), 0);
	ck_assert_int_eq(buf_append(&lr.buf, "\r\n", 2), 0);
	ck_assert_int_eq(line_next(&lr, &line, &len), LINE_OK);
	ck_assert_uint_eq(len, n);
	ck_assert(irc_line_fits(line, len));
	ck_assert_int_eq(irc_parse(&m, line, len), 0);
	ck_assert_str_eq(m.command, "PRIVMSG");
	ck_assert_uint_eq(strlen(m.params[1]), IRC_LINE_MAX - 2 - 12);
	ck_assert_int_eq(line_next(&lr, &line, &len), LINE_TOOLONG);
	line_free(&lr);
	free(s);
}
END_TEST

Suite *
test_suite(void)
{
	Suite *s = suite_create("irc");
	TCase *tp = tcase_create("parse");
	TCase *tl = tcase_create("limits");

	tcase_set_timeout(tp, TEST_TIMEOUT);
	tcase_add_test(tp, test_parse_table);
	tcase_add_test(tp, test_parse_15_params);
	tcase_add_test(tp, test_parse_bad);
	suite_add_tcase(s, tp);
	tcase_set_timeout(tl, TEST_TIMEOUT);
	tcase_add_test(tl, test_line_fits_bounds);
	tcase_add_test(tl, test_line_fits_edges);
	tcase_add_test(tl, test_line_fits_reader);
	suite_add_tcase(s, tl);
	return s;
}
