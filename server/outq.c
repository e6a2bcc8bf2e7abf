/* outq.c: shared output bytes: reference-counted pages, streams that fill them, queues of segments. */
#include <sys/uio.h>

#include <assert.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "outq.h"

#define OUTQ_SEGS_MIN 8

struct page_stats page_stats;

static struct page *page_new(size_t cap);
static int outq_grow(struct outq *);

static struct page *
page_new(size_t cap)
{
	struct page *pg;

	if (cap > UINT32_MAX || (pg = malloc(sizeof *pg + cap)) == NULL) {
		errno = ENOMEM;
		return NULL;
	}
	pg->ref = 1;
	pg->cap = (uint32_t)cap;
	pg->len = 0;
	page_stats.pages++;
	page_stats.bytes += cap;
	return pg;
}

void
page_ref(struct page *pg)
{
	assert(pg->ref > 0);
	pg->ref++;
}

void
page_unref(struct page *pg)
{
	assert(pg->ref > 0);
	if (--pg->ref > 0)
		return;
	page_stats.pages--;
	page_stats.bytes -= pg->cap;
	free(pg);
}

void
stream_init(struct stream *s)
{
	s->cur = NULL;
	s->next_cap = OUTQ_PAGE_MIN;
}

int
stream_put(
    struct stream *s, const void *p, size_t n, struct page **pg, uint32_t *off)
{
	struct page *cur = s->cur;
	size_t cap;

	/* Nobody else holds the page any more: its bytes are all sent, so
	 * it can be filled again from the start. */
	if (cur != NULL && cur->ref == 1)
		cur->len = 0;
	if (cur == NULL || cur->cap - cur->len < n) {
		cap = s->next_cap > n ? s->next_cap : n;
		if ((cur = page_new(cap)) == NULL)
			return -1;
		if (s->cur != NULL) {
			/* Filling pages quickly: make the next one bigger. */
			page_unref(s->cur);
			if (s->next_cap < OUTQ_PAGE_MAX)
				s->next_cap *= 2;
		}
		s->cur = cur;
	}
	memcpy(cur->data + cur->len, p, n);
	*pg = cur;
	*off = cur->len;
	cur->len += (uint32_t)n;
	return 0;
}

void
stream_release(struct stream *s)
{
	if (s->cur != NULL)
		page_unref(s->cur);
	stream_init(s);
}

void
outq_init(struct outq *q)
{
	memset(q, 0, sizeof *q);
	stream_init(&q->own);
}

/* Let go of an allocated ring. */
static void
outq_free_ring(struct outq *q)
{
	if (q->segs != &q->one)
		free(q->segs);
}

void
outq_free(struct outq *q)
{
	size_t i;

	for (i = 0; i < q->count; i++)
		page_unref(q->segs[(q->head + i) & (q->cap - 1)].pg);
	outq_free_ring(q);
	stream_release(&q->own);
	outq_init(q);
}

/* Make room for one more segment: the queue's own slot first, then a
 * ring of OUTQ_SEGS_MIN that doubles, unrolled so that head is 0 again. */
static int
outq_grow(struct outq *q)
{
	size_t cap = q->cap <= 1 ? OUTQ_SEGS_MIN : (size_t)q->cap * 2, i;
	struct seg *segs;

	if (q->cap == 0) {
		q->segs = &q->one;
		q->cap = 1;
		q->head = 0;
		return 0;
	}
	if (cap > UINT32_MAX / 2 + 1 || cap > SIZE_MAX / sizeof *segs ||
	    (segs = malloc(cap * sizeof *segs)) == NULL) {
		errno = ENOMEM;
		return -1;
	}
	for (i = 0; i < q->count; i++)
		segs[i] = q->segs[(q->head + i) & (q->cap - 1)];
	outq_free_ring(q);
	q->segs = segs;
	q->cap = (uint32_t)cap;
	q->head = 0;
	return 0;
}

int
outq_push(struct outq *q, struct page *pg, uint32_t off, size_t n)
{
	struct seg *tail;

	if (n == 0 || outq_extend(q, pg, off, n))
		return 0;
	if (q->count == q->cap && outq_grow(q) == -1)
		return -1;
	tail = &q->segs[(q->head + q->count) & (q->cap - 1)];
	tail->pg = pg;
	tail->off = off;
	tail->len = (uint32_t)n;
	page_ref(pg);
	q->count++;
	q->bytes += n;
	return 0;
}

int
outq_copy(struct outq *q, const void *p, size_t n)
{
	struct page *pg;
	uint32_t off;

	if (n == 0)
		return 0;
	if (stream_put(&q->own, p, n, &pg, &off) == -1)
		return -1;
	return outq_push(q, pg, off, n);
}

/* Drop n written bytes from the front, noting whether the last of them
 * ended a line. */
static void
outq_consume(struct outq *q, size_t n)
{
	struct seg *s;

	q->bytes -= n;
	while (n > 0) {
		s = &q->segs[q->head];
		if (n < s->len) {
			q->mid_line = s->pg->data[s->off + n - 1] != '\n';
			s->off += (uint32_t)n;
			s->len -= (uint32_t)n;
			return;
		}
		q->mid_line = s->pg->data[s->off + s->len - 1] != '\n';
		n -= s->len;
		page_unref(s->pg);
		q->head = (q->head + 1) & (q->cap - 1);
		q->count--;
	}
	if (q->count == 0 && q->segs != &q->one) {
		/* Empty: back to the queue's own slot. */
		free(q->segs);
		q->segs = &q->one;
		q->cap = 1;
		q->head = 0;
	}
}

ssize_t
outq_write(struct outq *q, int fd, int *all)
{
	struct iovec iov[OUTQ_IOV];
	const struct seg *s;
	size_t i, n, offered = 0;
	ssize_t w;

	*all = 1;
	if (q->count == 0)
		return 0;
	n = q->count;
	if (n > OUTQ_IOV)
		n = OUTQ_IOV;
	for (i = 0; i < n; i++) {
		s = &q->segs[(q->head + i) & (q->cap - 1)];
		iov[i].iov_base = s->pg->data + s->off;
		iov[i].iov_len = s->len;
		offered += s->len;
	}
	while ((w = writev(fd, iov, (int)n)) == -1 && errno == EINTR)
		;
	if (w > 0)
		outq_consume(q, (size_t)w);
	*all = w >= 0 && (size_t)w == offered;
	return w;
}

size_t
outq_cut(struct outq *q)
{
	size_t keep = 0, i, before = q->bytes;
	const struct seg *s;
	const char *lf = NULL;

	if (q->mid_line) {
		/* Find the end of the half-sent line. */
		for (i = 0; i < q->count && lf == NULL; i++) {
			s = &q->segs[(q->head + i) & (q->cap - 1)];
			lf = memchr(s->pg->data + s->off, '\n', s->len);
			keep += lf != NULL ?
			    (size_t)(lf - (s->pg->data + s->off)) + 1 :
			    s->len;
		}
	}
	/* Drop from the tail until only keep bytes are left. */
	while (q->bytes > keep) {
		struct seg *t =
		    &q->segs[(q->head + q->count - 1) & (q->cap - 1)];
		size_t over = q->bytes - keep;

		if (over < t->len) {
			t->len -= (uint32_t)over;
			q->bytes = keep;
			break;
		}
		q->bytes -= t->len;
		page_unref(t->pg);
		q->count--;
	}
	return before - q->bytes;
}

void
outq_trim(struct outq *q)
{
	if (q->count > 0)
		return;
	outq_free_ring(q);
	q->segs = NULL;
	q->cap = q->head = 0;
	stream_release(&q->own);
}
