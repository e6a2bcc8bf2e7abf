/* test_line.c: unit tests for common/line.c, LF/CRLF framing with a max. */
#include <stdlib.h>
#include <string.h>

#include "check_main.h"
#include "line.h"
#include "line_events.h"
#include "proto.h"

START_TEST(test_split_whole)
{
	struct line_reader lr;
	struct events e = { .n = 0 };

	line_init(&lr, SPLIT_MAX);
	feed_append(&lr, split_input, SPLIT_LEN);
	drain(&lr, &e);
	drain_last(&lr, &e);
	expect_events(&e, split_want, SPLIT_NWANT, "whole", 0);
	events_free(&e);
	line_free(&lr);
}
END_TEST

START_TEST(test_split_two_pieces)
{
	struct line_reader lr;
	struct events e = { .n = 0 };
	size_t k;

	for (k = 0; k <= SPLIT_LEN; k++) {
		line_init(&lr, SPLIT_MAX);
		feed_append(&lr, split_input, k);
		drain(&lr, &e);
		feed_reserve(&lr, split_input + k, SPLIT_LEN - k);
		drain(&lr, &e);
		drain_last(&lr, &e);
		expect_events(&e, split_want, SPLIT_NWANT, "split", k);
		events_free(&e);
		line_free(&lr);
	}
}
END_TEST

START_TEST(test_split_three_pieces)
{
	struct line_reader lr;
	struct events e = { .n = 0 };
	size_t i, j;

	for (i = 0; i <= SPLIT_LEN; i++) {
		for (j = i; j <= SPLIT_LEN; j++) {
			line_init(&lr, SPLIT_MAX);
			feed_reserve(&lr, split_input, i);
			drain(&lr, &e);
			feed_append(&lr, split_input + i, j - i);
			drain(&lr, &e);
			feed_reserve(&lr, split_input + j, SPLIT_LEN - j);
			drain(&lr, &e);
			drain_last(&lr, &e);
			expect_events(&e, split_want, SPLIT_NWANT, "3-split",
			    i * 1000 + j);
			events_free(&e);
			line_free(&lr);
		}
	}
}
END_TEST

START_TEST(test_split_byte_at_a_time)
{
	struct line_reader lr;
	struct events e = { .n = 0 };
	size_t i;

	line_init(&lr, SPLIT_MAX);
	for (i = 0; i < SPLIT_LEN; i++) {
		if (i % 2)
			feed_append(&lr, split_input + i, 1);
		else
			feed_reserve(&lr, split_input + i, 1);
		drain(&lr, &e);
	}
	drain_last(&lr, &e);
	expect_events(&e, split_want, SPLIT_NWANT, "bytewise", 0);
	events_free(&e);
	line_free(&lr);
}
END_TEST

/* Lines come out of the buffer in place; several taken without an append
 * in between all stay intact. NUL bytes inside a line count in *len. */
START_TEST(test_lines_in_place)
{
	struct line_reader lr;
	char *a, *b, *c;
	size_t la, lb, lc;

	line_init(&lr, CHAT_MAX_LINE);
	feed_append(&lr, "one\r\ntwo\nx\0y\n", 13);
	ck_assert_int_eq(line_next(&lr, &a, &la), LINE_OK);
	ck_assert_int_eq(line_next(&lr, &b, &lb), LINE_OK);
	ck_assert_int_eq(line_next(&lr, &c, &lc), LINE_OK);
	ck_assert_int_eq(line_next(&lr, &c, &lc), LINE_NONE);
	ck_assert_str_eq(a, "one");
	ck_assert_uint_eq(la, 3);
	ck_assert_str_eq(b, "two");
	ck_assert_uint_eq(lb, 3);
	ck_assert_uint_eq(lc, 3);
	ck_assert_mem_eq(c, "x\0y", 4);
	line_free(&lr);
}
END_TEST

START_TEST(test_max_exact)
{
	struct line_reader lr;
	char *long_line = repeat('m', CHAT_MAX_LINE), *line;
	size_t len;

	line_init(&lr, CHAT_MAX_LINE);
	feed_append(&lr, long_line, CHAT_MAX_LINE);
	ck_assert_int_eq(line_ready(&lr), 0);
	ck_assert_int_eq(line_next(&lr, &line, &len), LINE_NONE);
	feed_append(&lr, "\n", 1);
	ck_assert_int_eq(line_ready(&lr), 1);
	ck_assert_int_eq(line_next(&lr, &line, &len), LINE_OK);
	ck_assert_uint_eq(len, CHAT_MAX_LINE);
	ck_assert_str_eq(line, long_line);
	ck_assert_int_eq(line_next(&lr, &line, &len), LINE_NONE);
	free(long_line);
	line_free(&lr);
}
END_TEST

/* The limit does not count the CR of a CRLF, even when the CR arrives
 * alone at the end of a read and the LF comes with the next one. */
START_TEST(test_max_exact_crlf)
{
	struct line_reader lr;
	char *long_line = repeat('c', CHAT_MAX_LINE), *line;
	size_t len;

	line_init(&lr, CHAT_MAX_LINE);
	feed_append(&lr, long_line, CHAT_MAX_LINE);
	feed_append(&lr, "\r", 1);
	ck_assert_int_eq(line_ready(&lr), 0);
	ck_assert_int_eq(line_next(&lr, &line, &len), LINE_NONE);
	feed_append(&lr, "\nnext\n", 6);
	ck_assert_int_eq(line_next(&lr, &line, &len), LINE_OK);
	ck_assert_uint_eq(len, CHAT_MAX_LINE);
	ck_assert_str_eq(line, long_line);
	ck_assert_int_eq(line_next(&lr, &line, &len), LINE_OK);
	ck_assert_str_eq(line, "next");
	free(long_line);
	line_free(&lr);
}
END_TEST

/* One over: one verdict, and the following line is untouched, whether the
 * long line arrives whole or its LF comes later. A lone CR is content, so
 * the limit plus a CR and more is one over too. */
START_TEST(test_max_plus_one)
{
	static const char *const want[] = { TOOLONG, "next" };
	static const char *const tails[] = { "o", "\r\r", "\rx" };
	struct line_reader lr;
	struct events e = { .n = 0 };
	char *long_line = repeat('o', CHAT_MAX_LINE);
	size_t i;
	int whole;

	for (i = 0; i < 3; i++) {
		for (whole = 0; whole < 2; whole++) {
			line_init(&lr, CHAT_MAX_LINE);
			feed_append(&lr, long_line, CHAT_MAX_LINE);
			feed_append(&lr, tails[i], strlen(tails[i]));
			if (!whole) {
				ck_assert_int_eq(line_ready(&lr), 1);
				drain(&lr, &e);
			}
			feed_append(&lr, "\r\nnext\n", 7);
			drain(&lr, &e);
			expect_events(&e, want, 2, "tail", i * 10 + whole);
			events_free(&e);
			line_free(&lr);
		}
	}
	free(long_line);
}
END_TEST

/* A very long line in many reads: one verdict as soon as it is known, the
 * rest swallowed, the next line intact; the buffer does not keep the junk. */
START_TEST(test_long_line_many_chunks)
{
	struct line_reader lr;
	char *chunk = repeat('z', 100), *line;
	size_t len, i;
	int toolong = 0, ok = 0;
	enum line_result r;

	line_init(&lr, CHAT_MAX_LINE);
	for (i = 0; i < 500; i++) {
		feed_reserve(&lr, chunk, 100);
		while ((r = line_next(&lr, &line, &len)) != LINE_NONE) {
			ck_assert_int_eq(r, LINE_TOOLONG);
			toolong++;
			/* Known as soon as the limit is passed. */
			ck_assert_uint_eq(i, CHAT_MAX_LINE / 100);
		}
		ck_assert_uint_le(buf_len(&lr.buf), CHAT_MAX_LINE + 1);
	}
	ck_assert_int_eq(toolong, 1);
	feed_append(&lr, "zz\r\nintact line\r\n", 17);
	while ((r = line_next(&lr, &line, &len)) != LINE_NONE) {
		ck_assert_int_eq(r, LINE_OK);
		ck_assert_str_eq(line, "intact line");
		ok++;
	}
	ck_assert_int_eq(ok, 1);
	ck_assert_int_eq(toolong, 1);
	free(chunk);
	line_free(&lr);
}
END_TEST

START_TEST(test_ready)
{
	struct line_reader lr;
	char *line;
	size_t len;

	line_init(&lr, 4);
	ck_assert_int_eq(line_ready(&lr), 0);
	feed_append(&lr, "ab", 2);
	ck_assert_int_eq(line_ready(&lr), 0);
	feed_append(&lr, "\r", 1);
	ck_assert_int_eq(line_ready(&lr), 0);
	feed_append(&lr, "\n", 1);
	ck_assert_int_eq(line_ready(&lr), 1);
	ck_assert_int_eq(line_ready(&lr), 1); /* asking does not consume */
	ck_assert_int_eq(line_next(&lr, &line, &len), LINE_OK);
	ck_assert_int_eq(line_ready(&lr), 0);
	feed_append(&lr, "abcd\r", 5); /* at the limit, CR may be a CRLF */
	ck_assert_int_eq(line_ready(&lr), 0);
	feed_append(&lr, "e", 1); /* now certainly too long */
	ck_assert_int_eq(line_ready(&lr), 1);
	ck_assert_int_eq(line_next(&lr, &line, &len), LINE_TOOLONG);
	ck_assert_int_eq(line_ready(&lr), 0);
	feed_append(&lr, "more junk", 9);
	ck_assert_int_eq(line_ready(&lr), 0);
	feed_append(&lr, "\nnext\n", 6);
	ck_assert_int_eq(line_ready(&lr), 1);
	ck_assert_int_eq(line_next(&lr, &line, &len), LINE_OK);
	ck_assert_str_eq(line, "next");
	ck_assert_int_eq(line_ready(&lr), 0);
	line_free(&lr);
}
END_TEST

/* line_ready() promises a line or a verdict is waiting. The end of a line
 * already reported as too long is neither: line_next() gives LINE_NONE. */
START_TEST(test_ready_tail_of_dropped_line)
{
	struct line_reader lr;
	char *line;
	size_t len;
	int ready;

	line_init(&lr, 4);
	feed_append(&lr, "abcdefg", 7);
	ck_assert_int_eq(line_next(&lr, &line, &len), LINE_TOOLONG);
	feed_append(&lr, "hij\n", 4);
	ready = line_ready(&lr);
	ck_assert_int_eq(line_next(&lr, &line, &len), LINE_NONE);
	ck_assert_msg(ready == 0,
	    "line_ready() is %d with only the tail "
	    "\"hij\\n\" of a dropped line buffered; line_next() gave "
	    "LINE_NONE",
	    ready);
	line_free(&lr);
}
END_TEST

Suite *
test_suite(void)
{
	Suite *s = suite_create("line");
	TCase *tc = tcase_create("split");
	TCase *tm = tcase_create("limit");

	tcase_set_timeout(tc, TEST_TIMEOUT);
	tcase_add_test(tc, test_split_whole);
	tcase_add_test(tc, test_split_two_pieces);
	tcase_add_test(tc, test_split_three_pieces);
	tcase_add_test(tc, test_split_byte_at_a_time);
	tcase_add_test(tc, test_lines_in_place);
	suite_add_tcase(s, tc);

	tcase_set_timeout(tm, TEST_TIMEOUT);
	tcase_add_test(tm, test_max_exact);
	tcase_add_test(tm, test_max_exact_crlf);
	tcase_add_test(tm, test_max_plus_one);
	tcase_add_test(tm, test_long_line_many_chunks);
	tcase_add_test(tm, test_ready);
	tcase_add_test(tm, test_ready_tail_of_dropped_line);
	suite_add_tcase(s, tm);
	return s;
}
