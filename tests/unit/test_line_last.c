/* test_line_last.c: unit tests for common/line.c at end of input (line_last). */
#include "check_main.h"
#include "line.h"
#include "line_events.h"
#include "proto.h"

START_TEST(test_last_partial)
{
	struct line_reader lr;
	char *long_line = repeat('l', CHAT_MAX_LINE), *line;
	size_t len;

	line_init(&lr, CHAT_MAX_LINE);
	ck_assert_int_eq(line_last(&lr, &line, &len), LINE_NONE);
	feed_append(&lr, "first\r\nsecond\r", 14);
	/* line_last still hands out complete lines first. */
	ck_assert_int_eq(line_last(&lr, &line, &len), LINE_OK);
	ck_assert_str_eq(line, "first");
	ck_assert_int_eq(line_last(&lr, &line, &len), LINE_OK);
	ck_assert_str_eq(line, "second");
	ck_assert_uint_eq(len, 6);
	ck_assert_int_eq(line_last(&lr, &line, &len), LINE_NONE);
	ck_assert_int_eq(line_next(&lr, &line, &len), LINE_NONE);
	line_free(&lr);

	/* A CR in the middle stays; only the trailing one goes. */
	line_init(&lr, CHAT_MAX_LINE);
	feed_append(&lr, "a\rb", 3);
	ck_assert_int_eq(line_last(&lr, &line, &len), LINE_OK);
	ck_assert_str_eq(line, "a\rb");
	ck_assert_int_eq(line_last(&lr, &line, &len), LINE_NONE);
	line_free(&lr);

	/* Only a CR: an empty last line. */
	line_init(&lr, CHAT_MAX_LINE);
	feed_append(&lr, "\r", 1);
	ck_assert_int_eq(line_last(&lr, &line, &len), LINE_OK);
	ck_assert_uint_eq(len, 0);
	ck_assert_str_eq(line, "");
	ck_assert_int_eq(line_last(&lr, &line, &len), LINE_NONE);
	line_free(&lr);

	/* Exactly at the limit, plus a trailing CR: accepted. */
	line_init(&lr, CHAT_MAX_LINE);
	feed_append(&lr, long_line, CHAT_MAX_LINE);
	feed_append(&lr, "\r", 1);
	ck_assert_int_eq(line_last(&lr, &line, &len), LINE_OK);
	ck_assert_uint_eq(len, CHAT_MAX_LINE);
	ck_assert_str_eq(line, long_line);
	ck_assert_int_eq(line_last(&lr, &line, &len), LINE_NONE);
	free(long_line);
	line_free(&lr);
}
END_TEST

/* The last line fills the allocation exactly: terminating it in place
 * needs one more byte, which line_last must find without overrunning. */
START_TEST(test_last_fills_buffer)
{
	struct line_reader lr;
	char *line, *full;
	size_t len, cap, pre, i;

	for (pre = 0; pre < 3; pre++) {
		line_init(&lr, 100000);
		ck_assert_ptr_nonnull(buf_reserve(&lr.buf, 1));
		cap = lr.buf.cap;
		full = repeat('f', cap);
		/* pre complete empty lines first, leaving an offset behind. */
		memset(full, '\n', pre);
		feed_append(&lr, full, cap);
		ck_assert_uint_eq(lr.buf.cap, cap);
		for (i = 0; i < pre; i++) {
			ck_assert_int_eq(line_next(&lr, &line, &len), LINE_OK);
			ck_assert_uint_eq(len, 0);
		}
		ck_assert_int_eq(line_last(&lr, &line, &len), LINE_OK);
		ck_assert_uint_eq(len, cap - pre);
		ck_assert_str_eq(line, full + pre);
		ck_assert_int_eq(line_last(&lr, &line, &len), LINE_NONE);
		free(full);
		line_free(&lr);
	}
}
END_TEST

/* A partial line already being dropped for its length: nothing at EOF. */
START_TEST(test_last_toolong_dropped)
{
	struct line_reader lr;
	char *long_line = repeat('d', CHAT_MAX_LINE + 5), *line;
	size_t len;

	line_init(&lr, CHAT_MAX_LINE);
	feed_append(&lr, long_line, CHAT_MAX_LINE + 5);
	ck_assert_int_eq(line_next(&lr, &line, &len), LINE_TOOLONG);
	feed_append(&lr, "more", 4);
	ck_assert_int_eq(line_ready(&lr), 0);
	ck_assert_int_eq(line_last(&lr, &line, &len), LINE_NONE);
	ck_assert_int_eq(line_last(&lr, &line, &len), LINE_NONE);
	free(long_line);
	line_free(&lr);
}
END_TEST

/* A too-long partial line whose verdict was not taken yet: line_last gives
 * the verdict (once), never a truncated line, then nothing. */
START_TEST(test_last_toolong_unreported)
{
	struct line_reader lr;
	char *long_line = repeat('u', CHAT_MAX_LINE + 1), *line;
	size_t len;

	line_init(&lr, CHAT_MAX_LINE);
	feed_append(&lr, long_line, CHAT_MAX_LINE + 1);
	ck_assert_int_eq(line_last(&lr, &line, &len), LINE_TOOLONG);
	ck_assert_int_eq(line_last(&lr, &line, &len), LINE_NONE);
	free(long_line);
	line_free(&lr);
}
END_TEST

Suite *
test_suite(void)
{
	Suite *s = suite_create("line_last");
	TCase *tl = tcase_create("last");

	tcase_set_timeout(tl, TEST_TIMEOUT);
	tcase_add_test(tl, test_last_partial);
	tcase_add_test(tl, test_last_fills_buffer);
	tcase_add_test(tl, test_last_toolong_dropped);
	tcase_add_test(tl, test_last_toolong_unreported);
	suite_add_tcase(s, tl);
	return s;
}
