/* conn_out.c: a connection's output: queueing (copies and shared pages), the slow-consumer limit, flushing, the drained hook. */
#include <errno.h>

#include "conn.h"
#include "conn_int.h"
#include "log.h"

size_t
conn_queued(const struct conn *c)
{
	return c->out.bytes;
}

/*
 * Output. Bytes are appended to the connection's queue; every queue with
 * data is written once per pass before the loop sleeps. Only a socket
 * that refused part of it is watched for writing.
 */
static int
conn_room(struct conn *c, size_t n)
{
	if (c->dead || c->failing)
		return 0;
	if (c->out.bytes + n > c->set->lim.max_queue) {
		/* Once told it was too slow, a connection is only closing: what
		 * does not fit is refused, and it does not fail again. Its owner
		 * logs the drop, in its words. */
		if (!c->told)
			conn_fail(c, CONN_SLOW, n);
		return 0;
	}
	return 1;
}

/* Have c written in this pass (unless its socket is full). */
void
conn_want_flush(struct conn *c)
{
	if (!c->flushing && !c->blocked && !c->failing && !c->dead) {
		c->flushing = 1;
		TAILQ_INSERT_TAIL(&c->set->flush, c, flush_entry);
	}
}

static void
conn_queued_more(struct conn *c)
{
	c->set->stats.lines_out++;
	conn_want_flush(c);
}

int
conn_send(struct conn *c, const void *p, size_t n)
{
	if (!conn_room(c, n))
		return -1;
	if (outq_copy(&c->out, p, n) == -1) {
		conn_fail(c, CONN_MEMORY, 0);
		return -1;
	}
	conn_queued_more(c);
	return 0;
}

int
conn_push(struct conn *c, struct page *pg, uint32_t off, size_t n)
{
	if (!conn_room(c, n))
		return -1;
	if (!outq_extend(&c->out, pg, off, n) &&
	    outq_push(&c->out, pg, off, n) == -1) {
		conn_fail(c, CONN_MEMORY, 0);
		return -1;
	}
	conn_queued_more(c);
	return 0;
}

void
conn_set_low_water(struct conn *c, size_t mark)
{
	c->low_water = mark;
}

/* The queue went below the owner's mark: tell it, once. */
static void
conn_drained(struct conn *c)
{
	if (c->low_water == 0 || c->out.bytes >= c->low_water ||
	    !conn_is_open(c) || c->ops->drained == NULL)
		return;
	c->low_water = 0;
	c->ops->drained(c, c->owner);
}

void
conn_flush(struct conn *c)
{
	ssize_t n;
	int all;

	while (c->out.bytes > 0) {
		n = outq_write(&c->out, c->fd, &all);
		if (n == -1 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			c->blocked = 1;
			conn_drained(c);
			return;
		}
		if (n == -1) {
			conn_fail(c,
			    errno == EPIPE || errno == ECONNRESET ? CONN_RESET :
								    CONN_ERROR,
			    0);
			return;
		}
		c->set->stats.bytes_out += (uint64_t)n;
		if (!all) {
			/* The socket took what it could; the next write would
			 * only say EAGAIN. */
			c->blocked = 1;
			conn_drained(c);
			return;
		}
	}
	c->blocked = 0;
	if (c->closing && !c->failing)
		conn_finish(c);
	else
		conn_drained(c);
}

void
conn_on_write(struct loop *l, int fd, void *arg)
{
	struct conn *c = arg;

	(void)l;
	(void)fd;
	if (c->dead || c->failing)
		return;
	c->blocked = 0;
	conn_flush(c);
	conn_update(c);
}

void
conn_unflush(struct conn *c)
{
	if (!c->flushing)
		return;
	c->flushing = 0;
	TAILQ_REMOVE(&c->set->flush, c, flush_entry);
}

/*
 * Each write is a system call that leaves little of the connections in
 * the cache: before it, start loading the next connection's first
 * segment, and the one after that connection itself (both lines).
 */
static void
conn_flush_prefetch(const struct conn *c)
{
#if defined(__GNUC__)
	const struct conn *n = TAILQ_NEXT(c, flush_entry), *nn;

	if (n == NULL)
		return;
	if (n->out.count > 0)
		__builtin_prefetch(&n->out.segs[n->out.head]);
	if ((nn = TAILQ_NEXT(n, flush_entry)) != NULL) {
		__builtin_prefetch(nn);
		__builtin_prefetch(&nn->flush_entry);
	}
#else
	(void)c;
#endif
}

void
conn_flush_all(struct conn_set *set)
{
	struct conn *c;

	while ((c = TAILQ_FIRST(&set->flush)) != NULL) {
		conn_flush_prefetch(c);
		conn_unflush(c);
		if (c->dead || c->blocked || c->failing)
			continue;
		conn_flush(c);
		/* Interest changes only when the socket refused part of the
		 * queue (failing and closing set their own): no loop call for
		 * the thousands of queues written whole in a pass. */
		if (c->blocked)
			conn_update(c);
	}
}
