/*
 * test_outq.c: unit tests for server/outq.c: pages and the streams that
 * fill them, queues of segments (coalescing, references, the ring),
 * writing over a socketpair (partial writes, the `all` flag, EAGAIN),
 * cutting a queue to a line boundary, trimming. Every test ends with no
 * page left alive (the fixture's teardown checks page_stats).
 */
#include <sys/resource.h>
#include <sys/socket.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check_main.h"
#include "outq.h"

static void
no_pages_left(void)
{
	ck_assert_uint_eq(page_stats.pages, 0);
	ck_assert_uint_eq(page_stats.bytes, 0);
}

static void
pages_setup(void)
{
	signal(SIGPIPE, SIG_IGN);
	signal(SIGXFSZ, SIG_IGN);
	no_pages_left();
}

/* The queue's books balance: its segments hold exactly q->bytes, each
 * inside its page, each page referenced. */
static void
check_q(const struct outq *q)
{
	const struct seg *s;
	size_t i, sum = 0;

	ck_assert_uint_le(q->count, q->cap);
	for (i = 0; i < q->count; i++) {
		s = &q->segs[(q->head + i) & (q->cap - 1)];
		ck_assert_uint_gt(s->len, 0);
		ck_assert_uint_le((size_t)s->off + s->len, s->pg->len);
		ck_assert_uint_gt(s->pg->ref, 0);
		sum += s->len;
	}
	ck_assert_uint_eq(sum, q->bytes);
}

/* Put n bytes into s and queue them on q. */
static struct page *
put_push(struct stream *s, struct outq *q, const char *p, size_t n)
{
	struct page *pg;
	uint32_t off;

	ck_assert_int_eq(stream_put(s, p, n, &pg, &off), 0);
	ck_assert_int_eq(outq_push(q, pg, off, n), 0);
	return pg;
}

static void
pair(int sv[2])
{
	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	ck_assert_int_ne(fcntl(sv[0], F_SETFL, O_NONBLOCK), -1);
	ck_assert_int_ne(fcntl(sv[1], F_SETFL, O_NONBLOCK), -1);
}

/* Everything fd has to read now, appended to out at *at. */
static void
read_avail(int fd, char *out, size_t cap, size_t *at)
{
	ssize_t n;

	char extra;

	while (*at < cap && (n = read(fd, out + *at, cap - *at)) > 0)
		*at += (size_t)n;
	/* Nothing more than was sent, and the socket is still open. */
	n = read(fd, &extra, 1);
	ck_assert(n == -1 && errno == EAGAIN);
}

/*
 * Have the queue's writer take exactly k bytes (fewer than it is
 * offered): a regular file under RLIMIT_FSIZE k takes k and stops, as a
 * socket with k bytes of room would. The bytes taken go to out.
 */
static void
take(struct outq *q, size_t k, char *out)
{
	struct rlimit old, lim;
	FILE *fp = tmpfile();
	ssize_t w;
	int all, set, reset;

	ck_assert_ptr_nonnull(fp);
	ck_assert_int_eq(getrlimit(RLIMIT_FSIZE, &old), 0);
	lim = old;
	lim.rlim_cur = k;
	/* No check between the two setrlimit calls: Check's own messages
	 * go through a file too. */
	set = setrlimit(RLIMIT_FSIZE, &lim);
	w = outq_write(q, fileno(fp), &all);
	reset = setrlimit(RLIMIT_FSIZE, &old);
	ck_assert_int_eq(set, 0);
	ck_assert_int_eq(reset, 0);
	ck_assert_int_eq(w, (ssize_t)k);
	ck_assert_int_eq(all, 0);
	ck_assert_int_eq(pread(fileno(fp), out, k, 0), (ssize_t)k);
	fclose(fp);
	check_q(q);
}

/* Write all of q to a socketpair and return what arrived (static). */
static const char *
drain(struct outq *q, size_t *len)
{
	static char got[1 << 16];
	int sv[2], all;

	pair(sv);
	*len = 0;
	while (q->bytes > 0) {
		ck_assert_int_gt(outq_write(q, sv[0], &all), 0);
		read_avail(sv[1], got, sizeof got, len);
	}
	check_q(q);
	close(sv[0]);
	close(sv[1]);
	return got;
}

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
	tcase_add_test(tc, test_cut_whole_lines);
	tcase_add_test(tc, test_cut_keeps_rest_of_line);
	tcase_add_test(tc, test_cut_rest_across_segments);
	tcase_add_test(tc, test_cut_at_segment_end);
	tcase_add_test(tc, test_cut_no_lf);
	tcase_add_test(tc, test_trim);
	suite_add_tcase(s, tc);
	return s;
}
