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

START_TEST(test_forms)
{
	ck_assert_ptr_nonnull(
	    strstr(coloured(0, STAMP "<bob> hi"), "bob\033[0m> hi"));
	ck_assert(
	    strncmp(coloured(0, STAMP "<bob> hi"), "\033[2m" STAMP, 4) == 0);
	ck_assert_ptr_nonnull(
	    strstr(coloured(0, STAMP "-!- error: no such nick x"),
		"\033[31m-!- error: no such nick x\033[0m"));
	ck_assert_ptr_nonnull(
	    strstr(coloured(0, STAMP "*bob* psst"), "\033[1m"));
	ck_assert_str_eq(coloured(0, "no stamp at all"), "no stamp at all");
	/* Another room's name is dimmed with the stamp; the nick coloured. */
	ck_assert_ptr_nonnull(
	    strstr(coloured(0, STAMP "#dev <bob> hi"), STAMP "#dev \033[0m<"));
	ck_assert_ptr_nonnull(
	    strstr(coloured(0, STAMP "#dev <bob> hi"), "bob\033[0m> hi"));
}
END_TEST

START_TEST(test_highlight)
{
	ck_assert_str_eq(coloured(1, STAMP "<bob> alice: look"),
	    "\033[1m" STAMP "<bob> alice: look\033[0m");
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
