/*
 * test_outq_cut.c: unit tests for server/outq.c's outq_cut (drop all but
 * the rest of a half-written line, at exact offsets) and outq_trim. Every
 * test ends with no page left alive.
 */
#include "outq_util.h"

/* Nothing half written: the cut drops everything. */
START_TEST(test_cut_whole_lines)
{
	struct stream s;
	struct outq q;
	struct page *pg;
	char first[6];

	stream_init(&s);
	outq_init(&q);
	ck_assert_uint_eq(outq_cut(&q), 0);
	pg = put_push(&s, &q, "one\ntwo\n", 8);
	ck_assert_int_eq(outq_copy(&q, "three\n", 6), 0);
	ck_assert_uint_eq(outq_cut(&q), 14);
	ck_assert_uint_eq(q.bytes, 0);
	ck_assert_uint_eq(q.count, 0);
	ck_assert_uint_eq(pg->ref, 1);
	/* Exactly one line taken: still a boundary. */
	put_push(&s, &q, "one\ntwo\n", 8);
	take(&q, 4, first);
	ck_assert_int_eq(q.mid_line, 0);
	ck_assert_uint_eq(outq_cut(&q), 4);
	ck_assert_uint_eq(q.bytes, 0);
	outq_free(&q);
	stream_release(&s);
}
END_TEST

/* Half a line taken: exactly the rest of it stays, and what is queued
 * next follows it, at a line boundary. */
START_TEST(test_cut_keeps_rest_of_line)
{
	struct stream s;
	struct outq q;
	const char *got;
	char first[10];
	size_t n;

	stream_init(&s);
	outq_init(&q);
	put_push(&s, &q, "first line\n", 11);
	put_push(&s, &q, "second line\n", 12);
	ck_assert_int_eq(outq_copy(&q, "third\n", 6), 0);
	take(&q, 7, first);
	ck_assert_int_eq(q.mid_line, 1);
	ck_assert_uint_eq(outq_cut(&q), 12 + 6);
	ck_assert_uint_eq(q.bytes, 4);
	check_q(&q);
	ck_assert_int_eq(outq_copy(&q, "LAST\n", 5), 0);
	got = drain(&q, &n);
	ck_assert_uint_eq(n, 9);
	ck_assert_int_eq(memcmp(got, "ine\nLAST\n", 9), 0);
	outq_free(&q);
	stream_release(&s);
}
END_TEST

/* The rest of the line runs over several segments; its LF is inside a
 * segment, which is shortened, and what follows goes. */
START_TEST(test_cut_rest_across_segments)
{
	struct stream a, b;
	struct outq q;
	const char *got;
	char first[2];
	size_t n;

	stream_init(&a);
	stream_init(&b);
	outq_init(&q);
	put_push(&a, &q, "abc", 3);
	put_push(&b, &q, "def", 3);
	put_push(&a, &q, "gh\nijk\n", 7);
	put_push(&b, &q, "lmn\n", 4);
	take(&q, 2, first);
	ck_assert_uint_eq(outq_cut(&q), 4 + 4);
	ck_assert_uint_eq(q.count, 3);
	ck_assert_uint_eq(q.bytes, 1 + 3 + 3);
	check_q(&q);
	got = drain(&q, &n);
	ck_assert_uint_eq(n, 7);
	ck_assert_int_eq(memcmp(got, "cdefgh\n", 7), 0);
	outq_free(&q);
	stream_release(&a);
	stream_release(&b);
}
END_TEST

/* The line's LF ends a segment: the next segment goes whole. */
START_TEST(test_cut_at_segment_end)
{
	struct stream a, b;
	struct outq q;
	char first[2];

	stream_init(&a);
	stream_init(&b);
	outq_init(&q);
	put_push(&a, &q, "abc\n", 4);
	put_push(&b, &q, "def\n", 4);
	take(&q, 2, first);
	ck_assert_uint_eq(outq_cut(&q), 4);
	ck_assert_uint_eq(q.count, 1);
	ck_assert_uint_eq(q.bytes, 2);
	outq_free(&q);
	stream_release(&a);
	stream_release(&b);
}
END_TEST

/* Half a line whose end is not queued: all of it stays. */
START_TEST(test_cut_no_lf)
{
	struct outq q;
	char first[2];

	outq_init(&q);
	ck_assert_int_eq(outq_copy(&q, "abcdef", 6), 0);
	take(&q, 2, first);
	ck_assert_uint_eq(outq_cut(&q), 0);
	ck_assert_uint_eq(q.bytes, 4);
	outq_free(&q);
}
END_TEST

/* An empty queue gives its memory back; a busy one keeps it. */
START_TEST(test_trim)
{
	struct outq q;
	size_t n;

	outq_init(&q);
	ck_assert_int_eq(outq_copy(&q, "x\n", 2), 0);
	outq_trim(&q);
	ck_assert_ptr_nonnull(q.segs);
	ck_assert_uint_eq(q.bytes, 2);
	(void)drain(&q, &n);
	ck_assert_ptr_nonnull(q.segs);
	ck_assert_uint_eq(page_stats.pages, 1);
	outq_trim(&q);
	ck_assert_ptr_null(q.segs);
	ck_assert_uint_eq(q.cap, 0);
	ck_assert_ptr_null(q.own.cur);
	ck_assert_uint_eq(page_stats.pages, 0);
	/* And it works again afterwards. */
	ck_assert_int_eq(outq_copy(&q, "y\n", 2), 0);
	ck_assert_uint_eq(q.count, 1);
	outq_free(&q);
}
END_TEST

Suite *
test_suite(void)
{
	Suite *s = suite_create("outq_cut");
	TCase *tc = tcase_create("cut and trim");

	tcase_set_timeout(tc, TEST_TIMEOUT);
	tcase_add_checked_fixture(tc, pages_setup, no_pages_left);
	tcase_add_test(tc, test_cut_whole_lines);
	tcase_add_test(tc, test_cut_keeps_rest_of_line);
	tcase_add_test(tc, test_cut_rest_across_segments);
	tcase_add_test(tc, test_cut_at_segment_end);
	tcase_add_test(tc, test_cut_no_lf);
	tcase_add_test(tc, test_trim);
	suite_add_tcase(s, tc);
	return s;
}
