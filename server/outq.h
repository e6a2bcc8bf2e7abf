/*
 * outq.h: shared output bytes. A line meant for many connections is
 * rendered once into a page, a reference-counted block of bytes, and each
 * connection's output queue holds (page, offset, length) segments that
 * point into it. Consecutive lines of one page coalesce into one segment,
 * so a backlog of a busy room costs each member a few bytes, not a copy.
 */
#ifndef CHATD_OUTQ_H
#define CHATD_OUTQ_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct page {
	unsigned ref;
	uint32_t cap;
	uint32_t len;
	char data[];
};

/* The pages all streams have live, and their bytes (statistics). */
struct page_stats {
	size_t pages;
	size_t bytes;
};
extern struct page_stats page_stats;

void page_ref(struct page *);
/* Drop a reference; the page is freed with its last one. */
void page_unref(struct page *);

/*
 * A stream appends bytes to its current page and starts a new one when
 * that is full. Pages grow from OUTQ_PAGE_MIN towards OUTQ_PAGE_MAX while
 * the stream is busy, so a quiet room costs little and a busy one makes
 * few allocations.
 */
struct stream {
	struct page *cur;
	uint32_t next_cap;
};

#define OUTQ_PAGE_MIN 512
#define OUTQ_PAGE_MAX 65536

void stream_init(struct stream *);
/* Copy n bytes into the stream; *pg and *off say where they went (the
 * page is not referenced for the caller). 0, or -1 with errno ENOMEM. */
int stream_put(
    struct stream *, const void *p, size_t n, struct page **pg, uint32_t *off);
/* Let go of the current page (it lives on while queues use it). */
void stream_release(struct stream *);

struct seg {
	struct page *pg;
	uint32_t off;
	uint32_t len;
};

/*
 * A connection's queue of unsent bytes: a ring of segments, plus a stream
 * of its own for bytes meant for it alone. A fan-out pushes to thousands
 * of queues per message, and most of them hold one segment (every line of
 * a room coalesces into it): the ring is then the queue's own slot, one,
 * and only a queue that needs more allocates a ring (and goes back to its
 * slot once it is empty). The fields before own are 48 bytes, which
 * struct conn keeps in the cache line it touches first (conn.h).
 */
struct outq {
	struct seg *segs; /* &one, or allocated; NULL before the first push */
	size_t bytes;     /* unsent bytes in all segments */
	uint32_t head;    /* first segment */
	uint32_t count;   /* segments in use */
	uint32_t cap;     /* of segs, a power of two: 1 is one */
	int mid_line;     /* the last byte written was not a LF */
	struct seg one;
	struct stream own;
};

void outq_init(struct outq *);
void outq_free(struct outq *);

/* Queue n bytes at page pg, offset off (the queue takes its own
 * reference). 0, or -1 with errno ENOMEM. */
int outq_push(struct outq *, struct page *pg, uint32_t off, size_t n);
/* outq_push()'s common case, inline for a fan-out's thousands of pushes:
 * the bytes follow the last segment in its page, which grows by n.
 * 1 when done; 0 when outq_push() must add a segment. */
static inline int
outq_extend(struct outq *q, const struct page *pg, uint32_t off, size_t n)
{
	struct seg *t;

	if (q->count == 0)
		return 0;
	t = &q->segs[(q->head + q->count - 1) & (q->cap - 1)];
	if (t->pg != pg || t->off + t->len != off || n > UINT32_MAX - t->len)
		return 0;
	t->len += (uint32_t)n;
	q->bytes += n;
	return 1;
}
/* Queue a copy of n bytes (through the queue's own stream). */
int outq_copy(struct outq *, const void *p, size_t n);

/*
 * Write as much as the socket takes, in one writev() of up to OUTQ_IOV
 * segments, and drop what was written. Returns the number of bytes
 * written (0 when the queue is empty), or -1 with errno (EAGAIN when the
 * socket took nothing); *all says whether it took all it was offered.
 */
#define OUTQ_IOV 64
ssize_t outq_write(struct outq *, int fd, int *all);

/*
 * Drop everything queued except the rest of a line the socket has
 * partly taken, so that what is queued next starts at a line boundary.
 * Returns the number of bytes dropped.
 */
size_t outq_cut(struct outq *);

/* Free the segment array and the own page when nothing is queued:
 * an idle connection keeps no output memory. */
void outq_trim(struct outq *);

#endif
