/* conn.c: one connection: socket, framing, flood control, closing (its output: conn_out.c). */
#include <sys/socket.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conn.h"
#include "conn_int.h"
#include "log.h"
#include "proto.h"
#include "telnet.h"

/* Reads of leftover input before closing, so close() sends FIN, not RST. */
#define CONN_DISCARD_READS 4
/* The longest wait for a flood-controlled connection: a day. */
#define CONN_WAIT_MAX_MS   (24 * 3600 * 1000)

/* What a fan-out touches per recipient shares one line (conn.h). */
_Static_assert(
    offsetof(struct conn, out) + offsetof(struct outq, own) <= CONN_ALIGN,
    "struct conn's per-recipient fields do not fit one cache line");

static void conn_on_read(struct loop *, int, void *);
static void conn_on_deadline(struct loop *, struct loop_timer *, void *);
static void conn_on_wake(struct loop *, struct loop_timer *, void *);
static void conn_drain(struct conn *);
static void conn_linger(struct conn *);
static void conn_wait(struct conn *);
static void conn_unwait(struct conn *);
static void conn_free(struct conn *);

void
conn_set_init(
    struct conn_set *set, struct loop *l, const struct conn_limits *lim)
{
	memset(set, 0, sizeof *set);
	set->loop = l;
	set->lim = *lim;
	TAILQ_INIT(&set->all);
	TAILQ_INIT(&set->flush);
	TAILQ_INIT(&set->waiting);
	TAILQ_INIT(&set->failed);
	TAILQ_INIT(&set->dead);
	hmap_init(&set->ids);
}

void
conn_set_free(struct conn_set *set)
{
	struct conn *c, *next;

	/* Freeing one connection never frees another: its owner is told
	 * nothing that could reach the others. */
	for (c = TAILQ_FIRST(&set->all); c != NULL; c = next) {
		next = TAILQ_NEXT(c, entry);
		conn_unwait(c);
		conn_unflush(c);
		if (c->failing)
			TAILQ_REMOVE(&set->failed, c, dead_entry);
		else if (c->dead)
			TAILQ_REMOVE(&set->dead, c, dead_entry);
		conn_free(c);
	}
	loop_timer_stop(set->loop, &set->wake);
	hmap_free(&set->ids);
}

struct conn *
conn_new(struct conn_set *set, int fd, const char *addr, size_t max_line,
    const struct conn_ops *ops, void *owner)
{
	struct conn *c;
	size_t size = (sizeof *c + CONN_ALIGN - 1) / CONN_ALIGN * CONN_ALIGN;

	if ((c = aligned_alloc(CONN_ALIGN, size)) == NULL) {
		close(fd);
		errno = ENOMEM;
		return NULL;
	}
	memset(c, 0, size);
	if (loop_add(set->loop, fd, LOOP_READ, conn_on_read, conn_on_write,
		c) == -1) {
		close(fd);
		free(c);
		return NULL;
	}
	c->set = set;
	c->fd = fd;
	c->id = ++set->next_id;
	if (hmap_insert(&set->ids, &c->id_node, c->id) == -1) {
		loop_del(set->loop, fd);
		close(fd);
		free(c);
		errno = ENOMEM;
		return NULL;
	}
	snprintf(c->addr, sizeof c->addr, "%s", addr);
	c->ops = ops;
	c->owner = owner;
	line_init(&c->in, max_line);
	outq_init(&c->out);
	c->tokens = set->lim.burst;
	c->refilled_ms = loop_now(set->loop);
	TAILQ_INSERT_TAIL(&set->all, c, entry);
	set->count++;
	return c;
}

static void
conn_free(struct conn *c)
{
	struct conn_set *set = c->set;

	if (c->ops->release != NULL)
		c->ops->release(c, c->owner);
	if (set->on_free != NULL)
		set->on_free(set->on_free_arg, c);
	loop_timer_stop(set->loop, &c->deadline);
	loop_del(set->loop, c->fd);
	close(c->fd);
	line_free(&c->in);
	outq_free(&c->out);
	free(c->telnet);
	TAILQ_REMOVE(&set->all, c, entry);
	hmap_remove(&set->ids, &c->id_node);
	set->count--;
	free(c);
}

struct conn *
conn_find(const struct conn_set *set, unsigned id)
{
	struct hnode *n;
	struct conn *c;

	for (n = hmap_first(&set->ids, id); n != NULL; n = hmap_next(n, id)) {
		c = HMAP_ENTRY(n, struct conn, id_node);
		if (c->id == id)
			return c;
	}
	return NULL;
}

void
conn_attach(struct conn *c, const struct conn_ops *ops, void *owner)
{
	c->ops = ops;
	c->owner = owner;
}

void
conn_set_max_line(struct conn *c, size_t max)
{
	c->in.max = max;
}

void
conn_set_telnet(struct conn *c, int on)
{
	c->telnet_on = on != 0;
	if (!on) {
		free(c->telnet);
		c->telnet = NULL;
	}
}

/* Remove telnet commands from n fresh bytes at p, answering them; the
 * state is made at the first IAC, so most connections never need it.
 * Returns the bytes left, or -1 (out of memory). */
static ssize_t
conn_telnet(struct conn *c, char *p, size_t n)
{
	struct buf replies;
	ssize_t left;

	if (c->telnet == NULL) {
		if (memchr(p, TELNET_IAC, n) == NULL)
			return (ssize_t)n;
		if ((c->telnet = malloc(sizeof *c->telnet)) == NULL)
			return -1;
		telnet_init(c->telnet);
	}
	buf_init(&replies);
	left = telnet_filter(c->telnet, p, p, n, &replies);
	if (left >= 0 && buf_len(&replies) > 0)
		conn_send(c, buf_data(&replies), buf_len(&replies));
	buf_free(&replies);
	return left;
}

void
conn_pause(struct conn *c, int on)
{
	c->paused = on != 0;
	if (!on && line_ready(&c->in))
		conn_wait(c); /* lines already buffered: take them next pass */
	conn_update(c);
}

int
conn_is_open(const struct conn *c)
{
	return !c->dead && !c->failing && !c->closing;
}

/*
 * Input. One read of at most CHATD_READ_CHUNK per readiness, straight into
 * the line buffer, then at most CHATD_LINES_PER_PASS lines, so that a fast
 * sender cannot starve the others.
 */
static void
conn_on_read(struct loop *l, int fd, void *arg)
{
	struct conn *c = arg;
	char *p;
	ssize_t n;

	(void)l;
	if (!conn_is_open(c) || c->eof)
		return;
	if ((p = buf_reserve(&c->in.buf, CHATD_READ_CHUNK)) == NULL) {
		conn_fail(c, CONN_MEMORY, 0);
		return;
	}
	while ((n = read(fd, p, CHATD_READ_CHUNK)) == -1 && errno == EINTR)
		;
	if (n == -1) {
		if (errno != EAGAIN && errno != EWOULDBLOCK)
			conn_fail(c,
			    errno == ECONNRESET ? CONN_RESET : CONN_ERROR, 0);
		return;
	}
	if (n == 0)
		c->eof = 1;
	c->set->stats.bytes_in += (uint64_t)n;
	if (n > 0 && c->telnet_on && (n = conn_telnet(c, p, (size_t)n)) == -1) {
		conn_fail(c, CONN_MEMORY, 0);
		return;
	}
	buf_commit(&c->in.buf, (size_t)n);
	conn_drain(c);
	conn_update(c);
}

/* Flood control: take one line's token from the bucket, if there is one. */
static double
conn_tokens(const struct conn *c)
{
	const struct conn_limits *lim = &c->set->lim;
	double t;

	t = c->tokens +
	    (double)(loop_now(c->set->loop) - c->refilled_ms) * lim->rate /
		1000.0;
	return t > lim->burst ? lim->burst : t;
}

static int
conn_take_token(struct conn *c)
{
	if (c->set->lim.rate <= 0)
		return 1;
	c->tokens = conn_tokens(c);
	c->refilled_ms = loop_now(c->set->loop);
	if (c->tokens < 1.0)
		return 0;
	c->tokens -= 1.0;
	return 1;
}

static void
conn_drain(struct conn *c)
{
	struct conn_stats *st = &c->set->stats;
	char *line;
	size_t len;
	int n;

	for (n = 0;; n++) {
		if (!conn_is_open(c) || c->paused)
			return;
		line_discard(&c->in);
		if (!line_ready(&c->in))
			break;
		if (n == CHATD_LINES_PER_PASS || !conn_take_token(c)) {
			conn_wait(c);
			return;
		}
		switch (line_next(&c->in, &line, &len)) {
		case LINE_OK:
			st->lines_in++;
			c->ops->line(c, c->owner, line, len);
			break;
		case LINE_TOOLONG:
			c->ops->toolong(c, c->owner);
			break;
		case LINE_NONE:
			break;
		}
	}
	if (c->eof) {
		/* Whatever came before EOF counts, even without its LF. */
		if (line_last(&c->in, &line, &len) == LINE_OK) {
			st->lines_in++;
			c->ops->line(c, c->owner, line, len);
		}
		if (conn_is_open(c))
			c->ops->eof(c, c->owner);
		if (conn_is_open(c))
			conn_close(c);
	}
	buf_release(&c->in.buf, 0);
}

static void
conn_wait(struct conn *c)
{
	if (c->waiting)
		return;
	c->waiting = 1;
	c->wait_pass = c->set->pass;
	TAILQ_INSERT_TAIL(&c->set->waiting, c, wait_entry);
}

static void
conn_unwait(struct conn *c)
{
	if (!c->waiting)
		return;
	c->waiting = 0;
	TAILQ_REMOVE(&c->set->waiting, c, wait_entry);
}

static void
conn_on_wake(struct loop *l, struct loop_timer *t, void *arg)
{
	/* Nothing to do here: waking the loop is the point; the next pass
	 * runs the waiting connections. */
	(void)l;
	(void)t;
	(void)arg;
}

/* Milliseconds until some waiting connection can go on, or -1. */
static int64_t
conn_wait_ms(struct conn_set *set)
{
	struct conn *c;
	double need, ms;
	int64_t best = -1;

	TAILQ_FOREACH(c, &set->waiting, wait_entry) {
		if (c->paused)
			continue;
		if (set->lim.rate <= 0 || (need = 1.0 - conn_tokens(c)) <= 0)
			return 0;
		/* In floating point: a tiny --rate must not overflow. */
		ms = need * 1000.0 / set->lim.rate + 1;
		if (ms > CONN_WAIT_MAX_MS)
			ms = CONN_WAIT_MAX_MS;
		if (best == -1 || (int64_t)ms < best)
			best = (int64_t)ms;
	}
	return best;
}

void
conn_run_waiting(struct conn_set *set)
{
	struct conn *c;
	int64_t ms;

	set->pass++;
	/* Connections that go back to waiting now carry this pass: stop at
	 * the first of them. */
	while ((c = TAILQ_FIRST(&set->waiting)) != NULL &&
	    c->wait_pass != set->pass) {
		conn_unwait(c);
		conn_drain(c);
		conn_update(c);
	}
	if ((ms = conn_wait_ms(set)) >= 0)
		loop_timer_start(
		    set->loop, &set->wake, ms, 0, conn_on_wake, set);
	else
		loop_timer_stop(set->loop, &set->wake);
}

/* Read interest only while input is wanted; write interest only while
 * the socket refused part of the queue. */
void
conn_update(struct conn *c)
{
	int mask = 0;

	if (c->dead)
		return;
	if (conn_is_open(c) && !c->eof && !c->waiting && !c->paused)
		mask |= LOOP_READ;
	if (c->blocked && !c->failing)
		mask |= LOOP_WRITE;
	loop_set(c->set->loop, c->fd, mask);
}

/*
 * Closing. A connection that is going is taken off every list at once; it
 * is freed (and its owner released) only at a safe point, from the dead
 * list, so no caller ever holds a pointer to freed memory.
 */
void
conn_close(struct conn *c)
{
	if (!conn_is_open(c))
		return;
	c->closing = 1;
	conn_unwait(c);
	conn_linger(c);
}

/* Closing: write what is queued (for at most CHATD_LINGER_MS), then go. */
static void
conn_linger(struct conn *c)
{
	loop_timer_start(c->set->loop, &c->deadline, CHATD_LINGER_MS, 0,
	    conn_on_deadline, c);
	if (c->out.bytes == 0) {
		conn_finish(c);
		return;
	}
	conn_want_flush(c);
	conn_update(c);
}

static void
conn_on_deadline(struct loop *l, struct loop_timer *t, void *arg)
{
	struct conn *c = arg;

	(void)l;
	(void)t;
	log_debug("client %u: closing took too long, %zu bytes unsent", c->id,
	    c->out.bytes);
	conn_kill(c);
}

/* The queue is written: say we are done, drop unread input (so close()
 * sends FIN, not RST, which could discard what we sent), and go. */
void
conn_finish(struct conn *c)
{
	char tmp[512];
	int i;

	shutdown(c->fd, SHUT_WR);
	for (i = 0; i < CONN_DISCARD_READS; i++)
		if (read(c->fd, tmp, sizeof tmp) <= 0)
			break;
	conn_kill(c);
}

/* Mark c failed; its owner is told at the next safe point (conn_reap),
 * never from inside a send that some fan-out loop is making. */
void
conn_fail(struct conn *c, enum conn_why why, size_t refused)
{
	if (c->dead || c->failing)
		return;
	/* Its owner already heard (a slow one closing, now reset too): no
	 * second telling, just go. */
	if (c->told) {
		conn_kill(c);
		return;
	}
	c->failing = 1;
	c->why = why;
	conn_unwait(c);
	conn_unflush(c);
	if (why == CONN_SLOW) {
		c->slow_queued = c->out.bytes;
		c->unsent = outq_cut(&c->out) + refused;
		c->closing = 1;
	}
	loop_set(c->set->loop, c->fd, 0);
	TAILQ_INSERT_TAIL(&c->set->failed, c, dead_entry);
}

void
conn_kill(struct conn *c)
{
	if (c->dead)
		return;
	if (c->failing) {
		/* Its owner is still to hear why: it is killed after that. */
		c->killed = 1;
		return;
	}
	c->dead = 1;
	conn_unwait(c);
	conn_unflush(c);
	loop_set(c->set->loop, c->fd, 0);
	TAILQ_INSERT_TAIL(&c->set->dead, c, dead_entry);
}

void
conn_reap(struct conn_set *set)
{
	struct conn *c;

	/* Owners told of a failure may make more connections fail (a quit
	 * notice to a slow one): those join the list. */
	while ((c = TAILQ_FIRST(&set->failed)) != NULL) {
		TAILQ_REMOVE(&set->failed, c, dead_entry);
		/* A slow connection is still writable: its owner may queue
		 * last words after the rest of a half-sent line. */
		c->failing = 0;
		c->told = 1;
		c->ops->fail(c, c->owner, c->why, c->unsent);
		if (c->why == CONN_SLOW && !c->killed && !c->dead)
			conn_linger(c);
		else
			conn_kill(c);
	}
	while ((c = TAILQ_FIRST(&set->dead)) != NULL) {
		TAILQ_REMOVE(&set->dead, c, dead_entry);
		conn_free(c);
	}
}

void
conn_trim_all(struct conn_set *set)
{
	struct conn *c;

	TAILQ_FOREACH(c, &set->all, entry) {
		outq_trim(&c->out);
		buf_release(&c->in.buf, 0);
	}
}
