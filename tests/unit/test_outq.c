/*
 * test_outq.c: unit tests for server/outq.c: pages and the streams that
 * fill them, queues of segments (coalescing, references, the ring), and
 * writing over a socketpair (partial writes, the `all` flag, EAGAIN).
 * Cuts and trims are in test_outq_cut.c. Every test ends with no page left
 * alive (the fixture's teardown checks page_stats).
 */
#include "outq_util.h"

START_TEST(test_stream_first_page)
{
	struct stream s;
	struct page *pg, *pg2;
	uint32_t off;

	stream_init(&s);
	ck_assert_ptr_null(s.cur);
	ck_assert_int_eq(stream_put(&s, "0123456789", 10, &pg, &off), 0);
	ck_assert_uint_eq(pg->cap, OUTQ_PAGE_MIN);
	ck_assert_uint_eq(off, 0);
	ck_assert_uint_eq(pg->len, 10);
	ck_assert_uint_eq(pg->ref, 1); /* the stream's, not the caller's */
	ck_assert_uint_eq(page_stats.pages, 1);
	ck_assert_uint_eq(page_stats.bytes, OUTQ_PAGE_MIN);
	/* Unheld, the page is refilled from its start. */
	ck_assert_int_eq(stream_put(&s, "abc", 3, &pg2, &off), 0);
	ck_assert_ptr_eq(pg2, pg);
	ck_assert_uint_eq(off, 0);
	ck_assert_int_eq(memcmp(pg->data, "abc", 3), 0);
	stream_release(&s);
	ck_assert_ptr_null(s.cur);
}
END_TEST

/* While queues hold every page, the stream goes on in the same page, then
 * in bigger ones, up to OUTQ_PAGE_MAX and no further. */
START_TEST(test_stream_grows)
{
	char line[100];
	struct stream s;
	struct outq q;
	struct page *pg, *last = NULL;
	uint32_t caps[64], prev_len = 0;
	int npages = 0, i;

	memset(line, 'x', sizeof line);
	stream_init(&s);
	outq_init(&q);
	for (i = 0; i < 20000; i++) {
		pg = put_push(&s, &q, line, sizeof line);
		if (pg != last) {
			/* The page before was filled as far as a line went. */
			if (last != NULL)
				ck_assert_uint_gt(
				    prev_len + sizeof line, last->cap);
			ck_assert_int_lt(npages, 64);
			caps[npages++] = pg->cap;
			last = pg;
		}
		prev_len = pg->len;
	}
	ck_assert_uint_eq(caps[0], OUTQ_PAGE_MIN);
	for (i = 1; i < npages; i++) {
		ck_assert_uint_ge(caps[i], caps[i - 1]);
		ck_assert_uint_le(caps[i], 2 * caps[i - 1]);
		ck_assert_uint_le(caps[i], OUTQ_PAGE_MAX);
	}
	ck_assert_uint_eq(caps[npages - 1], OUTQ_PAGE_MAX);
	ck_assert_uint_eq(page_stats.pages, (size_t)npages);
	/* One segment per page: each page's lines coalesced. */
	ck_assert_uint_eq(q.count, (size_t)npages);
	ck_assert_uint_eq(q.bytes, 20000 * sizeof line);
	check_q(&q);
	stream_release(&s);
	ck_assert_uint_eq(page_stats.pages, (size_t)npages);
	outq_free(&q);
}
END_TEST

/* A put bigger than the next page gets a page of its own size. */
START_TEST(test_stream_big_put)
{
	static char big[OUTQ_PAGE_MAX + 1];
	struct stream s;
	struct outq q;
	struct page *pg;

	stream_init(&s);
	outq_init(&q);
	pg = put_push(&s, &q, big, sizeof big);
	ck_assert_uint_eq(pg->cap, sizeof big);
	ck_assert_uint_eq(pg->len, sizeof big);
	stream_release(&s);
	outq_free(&q);
}
END_TEST

/* A page no queue holds any more is filled again from its start, even a
 * full one; one a queue holds is not touched. */
START_TEST(test_stream_reuse)
{
	char fill[OUTQ_PAGE_MIN];
	struct stream s;
	struct outq q;
	struct page *pg, *pg2;
	uint32_t off;
	size_t n;

	memset(fill, 'f', sizeof fill);
	fill[sizeof fill - 1] = '\n';
	stream_init(&s);
	outq_init(&q);
	pg = put_push(&s, &q, "one\n", 4);
	ck_assert_uint_eq(pg->ref, 2);
	ck_assert_int_eq(stream_put(&s, "two\n", 4, &pg2, &off), 0);
	ck_assert_ptr_eq(pg2, pg);
	ck_assert_uint_eq(off, 4); /* held: appended */
	ck_assert_int_eq(outq_push(&q, pg2, off, 4), 0);
	ck_assert_int_eq(memcmp(drain(&q, &n), "one\ntwo\n", 8), 0);
	ck_assert_uint_eq(pg->ref, 1);
	ck_assert_int_eq(stream_put(&s, "3\n", 2, &pg2, &off), 0);
	ck_assert_ptr_eq(pg2, pg);
	ck_assert_uint_eq(off, 0);
	/* Full and unheld: still the same page, no new one. */
	outq_free(&q);
	outq_init(&q);
	put_push(&s, &q, fill, sizeof fill);
	ck_assert_uint_eq(page_stats.pages, 1);
	(void)drain(&q, &n);
	ck_assert_int_eq(stream_put(&s, "x\n", 2, &pg2, &off), 0);
	ck_assert_ptr_eq(pg2, pg);
	ck_assert_uint_eq(off, 0);
	ck_assert_uint_eq(page_stats.pages, 1);
	outq_free(&q);
	stream_release(&s);
}
END_TEST

/* A released stream's page lives while a queue points into it. */
START_TEST(test_stream_release_held)
{
	struct stream s;
	struct outq q;
	const char *got;
	size_t n;

	stream_init(&s);
	outq_init(&q);
	put_push(&s, &q, "kept\n", 5);
	stream_release(&s);
	ck_assert_uint_eq(page_stats.pages, 1);
	got = drain(&q, &n);
	ck_assert_uint_eq(n, 5);
	ck_assert_int_eq(memcmp(got, "kept\n", 5), 0);
	ck_assert_uint_eq(page_stats.pages, 0);
	outq_free(&q);
}
END_TEST

/* N consecutive lines of one page cost one segment and one reference. */
START_TEST(test_push_coalesces)
{
	struct stream s, t;
	struct outq q;
	struct page *pg, *other;
	char line[16];
	int i;

	stream_init(&s);
	stream_init(&t);
	outq_init(&q);
	ck_assert_int_eq(outq_push(&q, NULL, 0, 0), 0); /* nothing */
	ck_assert_uint_eq(q.count, 0);
	for (i = 0; i < 30; i++) {
		snprintf(line, sizeof line, "line %02d\n", i);
		pg = put_push(&s, &q, line, 8);
	}
	ck_assert_uint_eq(q.count, 1);
	ck_assert_uint_eq(q.bytes, 30 * 8);
	ck_assert_uint_eq(pg->ref, 2);
	/* Another page, then back to the first: new segments each. */
	other = put_push(&t, &q, "other\n", 6);
	ck_assert_ptr_ne(other, pg);
	put_push(&s, &q, "again\n", 6);
	ck_assert_uint_eq(q.count, 3);
	ck_assert_uint_eq(pg->ref, 3);
	ck_assert_uint_eq(other->ref, 2);
	/* The same page, not adjacent: a new segment. */
	ck_assert_int_eq(outq_push(&q, pg, 0, 8), 0);
	ck_assert_uint_eq(q.count, 4);
	ck_assert_uint_eq(pg->ref, 4);
	check_q(&q);
	outq_free(&q);
	ck_assert_uint_eq(pg->ref, 1);
	ck_assert_uint_eq(other->ref, 1);
	ck_assert_uint_eq(q.bytes, 0);
	stream_release(&s);
	stream_release(&t);
}
END_TEST

/* Copies go through the queue's own stream and coalesce the same way. */
START_TEST(test_copy)
{
	struct outq q;
	const char *got;
	size_t n;

	outq_init(&q);
	ck_assert_int_eq(outq_copy(&q, "", 0), 0);
	ck_assert_uint_eq(page_stats.pages, 0);
	ck_assert_int_eq(outq_copy(&q, "a\n", 2), 0);
	ck_assert_int_eq(outq_copy(&q, "bc\n", 3), 0);
	ck_assert_uint_eq(q.count, 1);
	ck_assert_uint_eq(q.bytes, 5);
	ck_assert_uint_eq(q.own.cur->ref, 2);
	got = drain(&q, &n);
	ck_assert_uint_eq(n, 5);
	ck_assert_int_eq(memcmp(got, "a\nbc\n", 5), 0);
	ck_assert_uint_eq(q.own.cur->ref, 1);
	outq_free(&q);
}
END_TEST

/* The ring grows while its head is not at slot 0, keeping the order. */
START_TEST(test_ring_wraps)
{
	struct stream a, b;
	struct outq q;
	char want[200 * 4], line[8];
	const char *got;
	size_t n, at = 0, i;

	stream_init(&a);
	stream_init(&b);
	outq_init(&q);
	for (i = 0; i < 200; i++) {
		snprintf(line, sizeof line, "%03zu\n", i);
		/* Alternate streams: no two neighbours coalesce. */
		put_push(i % 2 ? &b : &a, &q, line, 4);
		memcpy(want + at, line, 4);
		at += 4;
		if (i == 5) {
			char first[12];

			take(&q, 12, first);
			ck_assert_int_eq(
			    memcmp(first, "000\n001\n002\n", 12), 0);
			ck_assert_uint_eq(q.head, 3);
		}
	}
	ck_assert_uint_eq(q.count, 197);
	ck_assert_uint_ge(q.cap, 197);
	check_q(&q);
	got = drain(&q, &n);
	ck_assert_uint_eq(n, at - 12);
	ck_assert_int_eq(memcmp(got, want + 12, n), 0);
	outq_free(&q);
	stream_release(&a);
	stream_release(&b);
}
END_TEST

START_TEST(test_write_all)
{
	struct stream s, t;
	struct outq q;
	char got[64];
	size_t n = 0;
	struct page *pg;
	int sv[2], all = 0;

	pair(sv);
	stream_init(&s);
	stream_init(&t);
	outq_init(&q);
	ck_assert_int_eq(outq_write(&q, sv[0], &all), 0);
	ck_assert_int_eq(all, 1);
	pg = put_push(&s, &q, "a\n", 2);
	put_push(&t, &q, "b\n", 2);
	ck_assert_int_eq(outq_copy(&q, "c\n", 2), 0);
	all = 0;
	ck_assert_int_eq(outq_write(&q, sv[0], &all), 6);
	ck_assert_int_eq(all, 1);
	ck_assert_uint_eq(q.count, 0);
	ck_assert_uint_eq(q.bytes, 0);
	ck_assert_int_eq(q.mid_line, 0);
	ck_assert_uint_eq(pg->ref, 1);
	read_avail(sv[1], got, sizeof got, &n);
	ck_assert_uint_eq(n, 6);
	ck_assert_int_eq(memcmp(got, "a\nb\nc\n", 6), 0);
	outq_free(&q);
	stream_release(&s);
	stream_release(&t);
	close(sv[0]);
	close(sv[1]);
}
END_TEST

/* One writev takes at most OUTQ_IOV segments: all of what it offered. */
START_TEST(test_write_iov_cap)
{
	struct stream a, b;
	struct outq q;
	char got[2048];
	size_t n = 0, i;
	int sv[2], all = 0;

	pair(sv);
	stream_init(&a);
	stream_init(&b);
	outq_init(&q);
	for (i = 0; i < OUTQ_IOV + 36; i++)
		put_push(i % 2 ? &b : &a, &q, "123456789\n", 10);
	ck_assert_uint_eq(q.count, OUTQ_IOV + 36);
	ck_assert_int_eq(outq_write(&q, sv[0], &all), OUTQ_IOV * 10);
	ck_assert_int_eq(all, 1);
	ck_assert_uint_eq(q.count, 36);
	ck_assert_uint_eq(q.bytes, 360);
	check_q(&q);
	ck_assert_int_eq(outq_write(&q, sv[0], &all), 360);
	read_avail(sv[1], got, sizeof got, &n);
	ck_assert_uint_eq(n, (OUTQ_IOV + 36) * 10);
	outq_free(&q);
	stream_release(&a);
	stream_release(&b);
	close(sv[0]);
	close(sv[1]);
}
END_TEST

/*
 * A socket with a small buffer and a reader that is not reading: writes
 * take part, then nothing (EAGAIN, the queue unchanged); mid_line follows
 * the last byte taken; once the reader reads, every byte arrives once, in
 * order, and the pages are let go as they are sent.
 */
START_TEST(test_write_partial)
{
	static char want[256 * 1024], got[256 * 1024];
	struct stream s;
	struct outq q;
	size_t n = 0, sent = 0, i, before;
	ssize_t w;
	int sv[2], all, tiny = 1, eagain = 0;

	pair(sv);
	ck_assert_int_eq(
	    setsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &tiny, sizeof tiny), 0);
	for (i = 0; i < sizeof want; i++)
		want[i] = i % 97 == 96 ? '\n' : (char)('a' + i % 26);
	stream_init(&s);
	outq_init(&q);
	for (i = 0; i < sizeof want; i += 97)
		put_push(&s, &q, want + i,
		    sizeof want - i < 97 ? sizeof want - i : 97);
	ck_assert_uint_eq(q.bytes, sizeof want);
	while (q.bytes > 0) {
		before = q.bytes;
		w = outq_write(&q, sv[0], &all);
		if (w == -1) {
			ck_assert_int_eq(errno, EAGAIN);
			ck_assert_int_eq(all, 0);
			ck_assert_uint_eq(q.bytes, before);
			eagain++;
			read_avail(sv[1], got, sizeof got, &n);
			continue;
		}
		ck_assert_int_gt(w, 0);
		sent += (size_t)w;
		ck_assert_uint_eq(q.bytes, sizeof want - sent);
		ck_assert_int_eq(q.mid_line, want[sent - 1] != '\n');
		if (q.bytes > 0 && w < (ssize_t)before)
			ck_assert_int_eq(all, 0);
		check_q(&q);
	}
	ck_assert_int_gt(eagain, 0);
	read_avail(sv[1], got, sizeof got, &n);
	ck_assert_uint_eq(n, sizeof want);
	ck_assert_int_eq(memcmp(got, want, n), 0);
	/* Only the stream's current page is left. */
	ck_assert_uint_eq(page_stats.pages, 1);
	outq_free(&q);
	stream_release(&s);
	close(sv[0]);
	close(sv[1]);
}
END_TEST

Suite *
test_suite(void)
{
	Suite *s = suite_create("outq");
	TCase *tc = tcase_create("pages and queues");

	tcase_set_timeout(tc, TEST_TIMEOUT);
	tcase_add_checked_fixture(tc, pages_setup, no_pages_left);
	tcase_add_test(tc, test_stream_first_page);
	tcase_add_test(tc, test_stream_grows);
	tcase_add_test(tc, test_stream_big_put);
	tcase_add_test(tc, test_stream_reuse);
	tcase_add_test(tc, test_stream_release_held);
	tcase_add_test(tc, test_push_coalesces);
	tcase_add_test(tc, test_copy);
	tcase_add_test(tc, test_ring_wraps);
	tcase_add_test(tc, test_write_all);
	tcase_add_test(tc, test_write_iov_cap);
	tcase_add_test(tc, test_write_partial);
	suite_add_tcase(s, tc);
	return s;
}
