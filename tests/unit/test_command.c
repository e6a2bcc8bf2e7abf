/* test_command.c: command-line parsing and the wire form of each line. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "check_main.h"
#include "command.h"
#include "wire.h"

static int
parse(const char *in, char *name, char *args)
{
	char line[256], *n, *a;
	int rv;

	snprintf(line, sizeof line, "%s", in);
	if ((rv = cmd_parse(line, &n, &a)) == 0) {
		strcpy(name, n);
		strcpy(args, a);
	}
	return rv;
}

START_TEST(test_parse_simple)
{
	char name[256], args[256];

	ck_assert_int_eq(parse("/nick alice", name, args), 0);
	ck_assert_str_eq(name, "nick");
	ck_assert_str_eq(args, "alice");
}
END_TEST

START_TEST(test_parse_no_args)
{
	char name[256], args[256];

	ck_assert_int_eq(parse("/who", name, args), 0);
	ck_assert_str_eq(name, "who");
	ck_assert_str_eq(args, "");
	ck_assert_int_eq(parse("/who   ", name, args), 0);
	ck_assert_str_eq(name, "who");
	ck_assert_str_eq(args, "");
}
END_TEST

START_TEST(test_parse_spaces_kept_in_text)
{
	char name[256], args[256];

	ck_assert_int_eq(parse("/msg  bob   two  spaces ", name, args), 0);
	ck_assert_str_eq(name, "msg");
	ck_assert_str_eq(args, "bob   two  spaces ");
	ck_assert_int_eq(parse("/me\twaves", name, args), 0);
	ck_assert_str_eq(name, "me");
	ck_assert_str_eq(args, "waves");
}
END_TEST

START_TEST(test_parse_not_commands)
{
	char name[256], args[256];

	ck_assert_int_eq(parse("hello", name, args), -1);
	ck_assert_int_eq(parse("//slash", name, args), -1);
	ck_assert_int_eq(parse(" /nick x", name, args), -1);
	ck_assert_int_eq(parse("", name, args), -1);
}
END_TEST

START_TEST(test_parse_bare_slash)
{
	char name[256], args[256];

	ck_assert_int_eq(parse("/", name, args), 0);
	ck_assert_str_eq(name, "");
	ck_assert_str_eq(args, "");
}
END_TEST

/* Everything after the "[HH:MM:SS] " stamp, checking the stamp's shape. */
static const char *
body(struct buf *b)
{
	const char *s;

	ck_assert_int_eq(buf_append(b, "", 1), 0);
	s = buf_data(b);
	ck_assert_uint_ge(strlen(s), 11);
	ck_assert(s[0] == '[' && s[3] == ':' && s[6] == ':' && s[9] == ']' &&
	    s[10] == ' ');
	return s + 11;
}

START_TEST(test_wire_forms)
{
	struct buf b;

	buf_init(&b);
	ck_assert_int_eq(wire_message(&b, "alice", "hello all", 9), 0);
	ck_assert_str_eq(body(&b), "<alice> hello all\n");
	ck_assert_int_eq(wire_action(&b, "alice", "waves", 5), 0);
	ck_assert_str_eq(body(&b), "* alice waves\n");
	ck_assert_int_eq(wire_private_in(&b, "alice", "psst", 4), 0);
	ck_assert_str_eq(body(&b), "*alice* psst\n");
	ck_assert_int_eq(wire_private_out(&b, "bob", "psst", 4), 0);
	ck_assert_str_eq(body(&b), "-> *bob* psst\n");
	ck_assert_int_eq(
	    wire_notice(&b, 0, "%s has joined #%s", "bob", "lobby"), 0);
	ck_assert_str_eq(body(&b), "-!- bob has joined #lobby\n");
	ck_assert_int_eq(
	    wire_notice(&b, 1, "nickname %s is already in use", "bob"), 0);
	ck_assert_str_eq(
	    body(&b), "-!- error: nickname bob is already in use\n");
	buf_free(&b);
}
END_TEST

START_TEST(test_wire_text_exact)
{
	struct buf b;
	char text[3000];

	/* Text is copied byte for byte, including NUL-free binary and a
	 * line longer than any fixed buffer. */
	memset(text, 'x', sizeof text);
	text[0] = '\t';
	text[1] = (char)0xff;
	buf_init(&b);
	ck_assert_int_eq(wire_message(&b, "n", text, sizeof text), 0);
	ck_assert_uint_eq(buf_len(&b), 11 + 4 + sizeof text + 1);
	ck_assert(memcmp(buf_data(&b) + 11 + 4, text, sizeof text) == 0);
	ck_assert_int_eq(buf_data(&b)[buf_len(&b) - 1], '\n');
	buf_free(&b);
}
END_TEST

START_TEST(test_wire_long_notice)
{
	struct buf b;
	char big[5000];

	memset(big, 'n', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	buf_init(&b);
	ck_assert_int_eq(wire_notice(&b, 0, "%s", big), 0);
	ck_assert_uint_eq(buf_len(&b), 11 + 4 + strlen(big) + 1);
	buf_free(&b);
}
END_TEST

Suite *
test_suite(void)
{
	Suite *s = suite_create("command");
	TCase *tc = tcase_create("parse");

	tcase_add_test(tc, test_parse_simple);
	tcase_add_test(tc, test_parse_no_args);
	tcase_add_test(tc, test_parse_spaces_kept_in_text);
	tcase_add_test(tc, test_parse_not_commands);
	tcase_add_test(tc, test_parse_bare_slash);
	suite_add_tcase(s, tc);
	tc = tcase_create("wire");
	tcase_add_test(tc, test_wire_forms);
	tcase_add_test(tc, test_wire_text_exact);
	tcase_add_test(tc, test_wire_long_notice);
	suite_add_tcase(s, tc);
	return s;
}
