/* outq_util.h: what test_outq*.c share: queues' books, socketpairs, a writer
 * that takes exactly N bytes, and the no-page-left check. */
#ifndef TEST_OUTQ_UTIL_H
#define TEST_OUTQ_UTIL_H

#include <assert.h>
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

static inline void
no_pages_left(void)
{
	ck_assert_uint_eq(page_stats.pages, 0);
	ck_assert_uint_eq(page_stats.bytes, 0);
}

static inline void
pages_setup(void)
{
	signal(SIGPIPE, SIG_IGN);
	signal(SIGXFSZ, SIG_IGN);
	no_pages_left();
}

/* The queue's books balance: its segments hold exactly q->bytes, each
 * inside its page, each page referenced. */
static inline void
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
static inline struct page *
put_push(struct stream *s, struct outq *q, const char *p, size_t n)
{
	struct page *pg;
	uint32_t off;

	ck_assert_int_eq(stream_put(s, p, n, &pg, &off), 0);
	ck_assert_int_eq(outq_push(q, pg, off, n), 0);
	/* For the analyzer, which does not know a failed check ends here. */
	assert(pg != NULL);
	return pg;
}

static inline void
pair(int sv[2])
{
	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	ck_assert_int_ne(fcntl(sv[0], F_SETFL, O_NONBLOCK), -1);
	ck_assert_int_ne(fcntl(sv[1], F_SETFL, O_NONBLOCK), -1);
}

/* Everything fd has to read now, appended to out at *at. */
static inline void
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
static inline void
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
static inline const char *
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

#endif
