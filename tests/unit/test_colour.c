/* test_colour.c: how printed lines look on a colour terminal, highlights included. */
#include <string.h>

#include <check.h>

#include "buf.h"
#include "check_main.h"
#include "colour.h"

#define STAMP "[12:00:00] "

static const char *
coloured(int highlight, const char *line)
{
	static char out[1024];
	struct buf b;

	buf_init(&b);
	ck_assert_int_eq(
	    highlight ? colour_highlight(&b, line) : colour_line(&b, line), 0);
	ck_assert_uint_lt(buf_len(&b), sizeof out);
	memcpy(out, buf_data(&b), buf_len(&b));
	out[buf_len(&b)] = '\0';
	buf_free(&b);
	return out;
}

#define DIM  "\033[2m"
#define OFF  "\033[0m"
#define BOLD "\033[1m"
#define RED  "\033[31m"
#define CYAN "\033[36m" /* bob's colour, from the hash of "bob" */

/* Every form, byte for byte: the stamp dimmed, a nick in its colour
 * (bold in private messages), notices dimmed, errors red, another
 * room's name dimmed with the stamp; a line without a stamp as it is. */
START_TEST(test_forms)
{
	static const struct {
		const char *in, *out;
	} forms[] = {
		{ STAMP "<bob> hi", DIM STAMP OFF "<" CYAN "bob" OFF "> hi" },
		{ STAMP "* bob waves",
		    DIM STAMP OFF "* " CYAN "bob" OFF " waves" },
		{ STAMP "*bob* psst",
		    DIM STAMP OFF "*" BOLD CYAN "bob" OFF "* psst" },
		{ STAMP "-> *bob* psst",
		    DIM STAMP OFF "-> *" BOLD CYAN "bob" OFF "* psst" },
		{ STAMP "-!- bob has joined #lobby",
		    DIM STAMP OFF DIM "-!- bob has joined #lobby" OFF },
		{ STAMP "-!- error: no such nick x",
		    DIM STAMP OFF RED "-!- error: no such nick x" OFF },
		{ STAMP "#dev <bob> hi",
		    DIM STAMP "#dev " OFF "<" CYAN "bob" OFF "> hi" },
		{ STAMP "#dev * bob waves",
		    DIM STAMP "#dev " OFF "* " CYAN "bob" OFF " waves" },
		{ "no stamp at all", "no stamp at all" },
	};

	for (size_t i = 0; i < sizeof forms / sizeof forms[0]; i++)
		ck_assert_str_eq(coloured(0, forms[i].in), forms[i].out);
}
END_TEST

START_TEST(test_highlight)
{
	ck_assert_str_eq(coloured(1, STAMP "<bob> alice: look"),
	    BOLD STAMP "<bob> alice: look" OFF);
}
END_TEST

Suite *
test_suite(void)
{
	Suite *s = suite_create("colour");
	TCase *tc = tcase_create("colour");

	tcase_set_timeout(tc, TEST_TIMEOUT);
	tcase_add_test(tc, test_forms);
	tcase_add_test(tc, test_highlight);
	suite_add_tcase(s, tc);
	return s;
}
