/* test_irc_format.c: unit tests for common/irc.c's formatters: exact
 * bytes, the colon rules, refusals, and format/parse round trips. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "check_main.h"
#include "irc.h"

#define MAXP (IRC_PARAMS_MAX + 1)

/* The buffer's bytes as a string (the caller frees). */
static char *
bytes(const struct buf *b)
{
	char *s = malloc(buf_len(b) + 1);

	ck_assert_ptr_nonnull(s);
	if (buf_len(b) > 0)
		memcpy(s, buf_data(b), buf_len(b));
	s[buf_len(b)] = '\0';
	return s;
}

static void
expect_buf(const struct buf *b, const char *want)
{
	char *s = bytes(b);

	ck_assert_str_eq(s, want);
	free(s);
}

static size_t
count(const char *const *p)
{
	size_t n = 0;

	while (p[n] != NULL)
		n++;
	return n;
}

struct fcase {
	const char *tags, *source, *command;
	int flags;
	const char *params[MAXP];
	const char *want;
};

static const struct fcase format_ok[] = {
	{ NULL, NULL, "JOIN", 0, { "#room", NULL }, "JOIN #room\r\n" },
	{ NULL, NULL, "QUIT", 0, { NULL }, "QUIT\r\n" },
	{ NULL, "S", "PONG", IRC_FMT_TRAILING, { "S", "tok", NULL },
	    ":S PONG S :tok\r\n" },
	{ NULL, "S", "001", IRC_FMT_TRAILING, { "n", "Welcome", NULL },
	    ":S 001 n :Welcome\r\n" },
	/* The colon where the last param needs it, and only there. */
	{ NULL, NULL, "PRIVMSG", 0, { "#a", "hi there", NULL },
	    "PRIVMSG #a :hi there\r\n" },
	{ NULL, NULL, "PRIVMSG", 0, { "#a", "", NULL }, "PRIVMSG #a :\r\n" },
	{ NULL, NULL, "PRIVMSG", 0, { "#a", ":-)", NULL },
	    "PRIVMSG #a ::-)\r\n" },
	{ NULL, NULL, "PRIVMSG", 0, { "#a", "a:b", NULL },
	    "PRIVMSG #a a:b\r\n" },
	{ NULL, NULL, "PRIVMSG", 0, { "#a", "x\ty", NULL },
	    "PRIVMSG #a x\ty\r\n" },
	{ NULL, NULL, "CAP", 0, { "*", "LIST", "", NULL }, "CAP * LIST :\r\n" },
	{ NULL, NULL, "MODE", 0, { "#a", "a:b", "+o", NULL },
	    "MODE #a a:b +o\r\n" },
	{ NULL, NULL, "TOPIC", 0, { "", NULL }, "TOPIC :\r\n" },
	{ NULL, NULL, "X", 0, { " ", NULL }, "X : \r\n" },
	/* Tags and source; empty ones are left out. */
	{ "time=t;msgid=1", "n!u@chatd", "PRIVMSG", 0, { "#a", "hi", NULL },
	    "@time=t;msgid=1 :n!u@chatd PRIVMSG #a hi\r\n" },
	{ "a", NULL, "TAGMSG", 0, { "#a", NULL }, "@a TAGMSG #a\r\n" },
	{ "", "", "PING", 0, { "x", NULL }, "PING x\r\n" },
	{ "@odd", ":odd", "PING", 0, { NULL }, "@@odd ::odd PING\r\n" },
	/* 15 params: 14 middles, the last with a colon when it needs one. */
	{ NULL, NULL, "C", 0,
	    { "1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12",
		"13", "14", "15 x", NULL },
	    "C 1 2 3 4 5 6 7 8 9 10 11 12 13 14 :15 x\r\n" },
};

START_TEST(test_format_table)
{
	struct buf b;
	size_t i;
	ssize_t n;

	for (i = 0; i < sizeof format_ok / sizeof format_ok[0]; i++) {
		const struct fcase *c = &format_ok[i];

		buf_init(&b);
		n = irc_format(&b, c->tags, c->source, c->command,
		    count(c->params), c->params, c->flags);
		ck_assert_msg(n == (ssize_t)strlen(c->want),
		    "case %zu: returned %zd", i, n);
		expect_buf(&b, c->want);
		buf_free(&b);
	}
}
END_TEST

/* Appending keeps what was there: lines queue up in one buffer. */
START_TEST(test_format_appends)
{
	static const char *const p[] = { "#a" };
	struct buf b;

	buf_init(&b);
	ck_assert_int_eq(buf_append_str(&b, "PING x\r\n"), 0);
	ck_assert_int_eq(irc_format(&b, NULL, NULL, "JOIN", 1, p, 0), 9);
	expect_buf(&b, "PING x\r\nJOIN #a\r\n");
	buf_free(&b);
}
END_TEST

struct badcase {
	const char *tags, *source, *command;
	const char *params[MAXP];
};

static const struct badcase format_bad[] = {
	/* Middle params: empty, with a space, starting with ':'. */
	{ NULL, NULL, "PRIVMSG", { "", "x", NULL } },
	{ NULL, NULL, "PRIVMSG", { "a b", "x", NULL } },
	{ NULL, NULL, "PRIVMSG", { ":a", "x", NULL } },
	{ NULL, NULL, "MODE", { "#a", " ", "x", NULL } },
	/* Commands. */
	{ NULL, NULL, "", { NULL } },
	{ NULL, NULL, "A B", { NULL } },
	{ NULL, NULL, ":A", { NULL } },
	{ NULL, NULL, "@A", { NULL } },
	{ NULL, NULL, NULL, { NULL } },
	/* Tags and source with spaces. */
	{ "a b", NULL, "PING", { NULL } },
	{ NULL, "a b", "PING", { NULL } },
	/* CR or LF anywhere would end the line early. */
	{ NULL, NULL, "PRIVMSG", { "#a", "x\r\nQUIT", NULL } },
	{ NULL, NULL, "PRIVMSG", { "#a", "x\n", NULL } },
	{ NULL, NULL, "PRIVMSG", { "#a\r", "x", NULL } },
	{ NULL, NULL, "PING\n", { NULL } },
	{ "a\r", NULL, "PING", { NULL } },
	{ NULL, "s\n", "PING", { NULL } },
};

/* Every refusal: -1 EINVAL, and the buffer exactly as it was. */
START_TEST(test_format_refusals)
{
	static const char *const sixteen[] = { "1", "2", "3", "4", "5", "6",
		"7", "8", "9", "10", "11", "12", "13", "14", "15", "16" };
	static const char *const with_null[] = { "#a", NULL };
	struct buf b;
	size_t i;

	buf_init(&b);
	ck_assert_int_eq(buf_append_str(&b, "before"), 0);
	for (i = 0; i < sizeof format_bad / sizeof format_bad[0]; i++) {
		const struct badcase *c = &format_bad[i];

		errno = 0;
		ck_assert_msg(irc_format(&b, c->tags, c->source, c->command,
				  count(c->params), c->params, 0) == -1,
		    "bad case %zu formatted", i);
		ck_assert_int_eq(errno, EINVAL);
		expect_buf(&b, "before");
	}
	errno = 0;
	ck_assert_int_eq(irc_format(&b, NULL, NULL, "C", 16, sixteen, 0), -1);
	ck_assert_int_eq(errno, EINVAL);
	ck_assert_int_eq(irc_format(&b, NULL, NULL, "C", 15, sixteen, 0), 39);
	buf_consume(&b, buf_len(&b));
	ck_assert_int_eq(irc_format(&b, NULL, NULL, "C", 2, with_null, 0), -1);
	ck_assert_int_eq(irc_format(&b, NULL, NULL, "C", 1, NULL, 0), -1);
	ck_assert_uint_eq(buf_len(&b), 0);
	buf_free(&b);
}
END_TEST

START_TEST(test_formatf)
{
	struct buf b;
	char big[1001];

	buf_init(&b);
	ck_assert_int_eq(irc_formatf(&b, NULL, "S", "461",
			     (const char *const[]){ "n", "CAP", NULL },
			     "Not enough %s", "parameters"),
	    37);
	expect_buf(&b, ":S 461 n CAP :Not enough parameters\r\n");
	buf_consume(&b, buf_len(&b));
	/* Always a trailing param, empty or one word. */
	ck_assert_int_eq(
	    irc_formatf(&b, NULL, "S", "CAP",
		(const char *const[]){ "n", "LIST", NULL }, "%s", ""),
	    17);
	ck_assert_int_eq(
	    irc_formatf(&b, "time=t", NULL, "ERROR", NULL, "%d", 42), 19);
	expect_buf(&b, ":S CAP n LIST :\r\n@time=t ERROR :42\r\n");
	buf_consume(&b, buf_len(&b));
	/* Text longer than the buffer had room for. */
	memset(big, 'z', 1000);
	big[1000] = '\0';
	ck_assert_int_eq(irc_formatf(&b, NULL, NULL, "PRIVMSG",
			     (const char *const[]){ "#a", NULL }, "<%s>", big),
	    (ssize_t)strlen("PRIVMSG #a :<>\r\n") + 1000);
	ck_assert_int_eq(buf_data(&b)[12], '<');
	ck_assert_int_eq(buf_data(&b)[1013], '>');
	buf_free(&b);
}
END_TEST

START_TEST(test_formatf_refusals)
{
	static const char *const fourteen[] = { "1", "2", "3", "4", "5", "6",
		"7", "8", "9", "10", "11", "12", "13", "14", NULL, NULL };
	static const char *const fifteen[] = { "1", "2", "3", "4", "5", "6",
		"7", "8", "9", "10", "11", "12", "13", "14", "15", NULL };
	struct buf b;

	buf_init(&b);
	ck_assert_int_eq(buf_append_str(&b, "before"), 0);
	errno = 0;
	ck_assert_int_eq(
	    irc_formatf(&b, NULL, NULL, "NOTICE",
		(const char *const[]){ "n", NULL }, "a%sb", "\r\nQUIT"),
	    -1);
	ck_assert_int_eq(errno, EINVAL);
	ck_assert_int_eq(irc_formatf(&b, NULL, NULL, "NOTICE",
			     (const char *const[]){ "n", NULL }, "a%cb", 0),
	    -1);
	ck_assert_int_eq(irc_formatf(&b, NULL, NULL, "NOTICE",
			     (const char *const[]){ "a b", NULL }, "x"),
	    -1);
	ck_assert_int_eq(irc_formatf(&b, NULL, "a b", "NOTICE", NULL, "x"), -1);
	ck_assert_int_eq(irc_formatf(&b, NULL, NULL, ":X", NULL, "x"), -1);
	ck_assert_int_eq(irc_formatf(&b, NULL, NULL, "C", fifteen, "x"), -1);
	expect_buf(&b, "before");
	ck_assert_int_gt(irc_formatf(&b, NULL, NULL, "C", fourteen, "x"), 0);
	buf_free(&b);
}
END_TEST

/* Format then parse: the same command and params, over a table. */
struct rcase {
	const char *command;
	int flags;
	const char *params[MAXP];
};

static const struct rcase round_cases[] = {
	{ "PING", 0, { NULL } },
	{ "PRIVMSG", 0, { "#a", "hello", NULL } },
	{ "PRIVMSG", 0, { "#a", "hello world", NULL } },
	{ "PRIVMSG", 0, { "#a", "", NULL } },
	{ "PRIVMSG", 0, { "#a", ":", NULL } },
	{ "PRIVMSG", 0, { "#a", "::", NULL } },
	{ "PRIVMSG", 0, { "#a", " lead", NULL } },
	{ "PRIVMSG", 0, { "#a", "trail ", NULL } },
	{ "PRIVMSG", 0, { "#a", "  ", NULL } },
	{ "PRIVMSG", 0, { "#a", "a :b :c", NULL } },
	{ "PRIVMSG", 0,
	    { "#a",
		"\x01"
		"ACTION waves\x01",
		NULL } },
	{ "PRIVMSG", 0, { "#a", "caf\xc3\xa9 \xf0\x9f\x98\x80 \xff", NULL } },
	{ "PRIVMSG", IRC_FMT_TRAILING, { "#a", "x", NULL } },
	{ "MODE", 0, { "#a", "a:b", "c:", "+o", NULL } },
	{ "CAP", 0, { "*", "LS", "a b c", NULL } },
	{ "001", IRC_FMT_TRAILING, { "n", "Welcome to chatd", NULL } },
	{ "C", 0,
	    { "1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12",
		"13", "14", "15", NULL } },
	{ "C", 0,
	    { "1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12",
		"13", "14", " 15  16 ", NULL } },
	{ "C", 0,
	    { "1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12",
		"13", "14", ":15", NULL } },
	{ "C", 0,
	    { "1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12",
		"13", "14 x", NULL } },
};

START_TEST(test_round_trip)
{
	struct buf b;
	struct irc_msg m;
	size_t i, j, n, len;
	char *line;

	for (i = 0; i < sizeof round_cases / sizeof round_cases[0]; i++) {
		const struct rcase *c = &round_cases[i];

		n = count(c->params);
		buf_init(&b);
		ck_assert_int_gt(irc_format(&b, "t=1", ":src", c->command, n,
				     c->params, c->flags),
		    0);
		line = bytes(&b);
		len = strlen(line);
		ck_assert_uint_ge(len, 2);
		ck_assert_str_eq(line + len - 2, "\r\n");
		line[len - 2] = '\0';
		ck_assert_msg(irc_parse(&m, line, len - 2) == 0,
		    "case %zu: '%s' does not parse", i, line);
		ck_assert_str_eq(m.tags, "t=1");
		ck_assert_str_eq(m.source, ":src");
		ck_assert_str_eq(m.command, c->command);
		ck_assert_msg(
		    m.nparams == n, "case %zu: %zu params", i, m.nparams);
		for (j = 0; j < n; j++)
			ck_assert_msg(strcmp(m.params[j], c->params[j]) == 0,
			    "case %zu param %zu: '%s'", i, j, m.params[j]);
		free(line);
		buf_free(&b);
	}
}
END_TEST

/* Parse then format (with the trailing flag as parsed): the same bytes,
 * for lines written the way chatd writes them. */
START_TEST(test_round_trip_bytes)
{
	static const char *const lines[] = {
		":S 001 alice :Welcome to chatd, alice",
		":S PONG S :token",
		"@time=2024-01-01T00:00:00.000Z;msgid=a1 :bob!bob@chatd "
		"PRIVMSG #lobby :hi all",
		":bob!bob@chatd JOIN #lobby",
		":S CAP * LS :batch echo-message message-tags",
		":S 353 alice = #lobby :@alice bob",
		"@+typing=active :bob!bob@chatd TAGMSG #lobby",
		":S CAP alice LIST :",
	};
	struct buf b;
	struct irc_msg m;
	char line[256], *got;
	size_t i;

	for (i = 0; i < sizeof lines / sizeof lines[0]; i++) {
		snprintf(line, sizeof line, "%s", lines[i]);
		ck_assert_int_eq(irc_parse(&m, line, strlen(line)), 0);
		buf_init(&b);
		ck_assert_int_gt(irc_format(&b, m.tags, m.source, m.command,
				     m.nparams, (const char *const *)m.params,
				     m.trailing ? IRC_FMT_TRAILING : 0),
		    0);
		got = bytes(&b);
		ck_assert_uint_eq(strlen(got), strlen(lines[i]) + 2);
		ck_assert_msg(strncmp(got, lines[i], strlen(lines[i])) == 0,
		    "'%s' came back as '%s'", lines[i], got);
		free(got);
		buf_free(&b);
	}
}
END_TEST

Suite *
test_suite(void)
{
	Suite *s = suite_create("irc_format");
	TCase *tf = tcase_create("format");
	TCase *tr = tcase_create("round_trip");

	tcase_set_timeout(tf, TEST_TIMEOUT);
	tcase_add_test(tf, test_format_table);
	tcase_add_test(tf, test_format_appends);
	tcase_add_test(tf, test_format_refusals);
	tcase_add_test(tf, test_formatf);
	tcase_add_test(tf, test_formatf_refusals);
	suite_add_tcase(s, tf);
	tcase_set_timeout(tr, TEST_TIMEOUT);
	tcase_add_test(tr, test_round_trip);
	tcase_add_test(tr, test_round_trip_bytes);
	suite_add_tcase(s, tr);
	return s;
}
