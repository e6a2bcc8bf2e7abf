/*
 * redis_loop.c: hiredis's event-library hooks on chatd's loop, one small
 * record per context (redis_loop.h). The hooks are idempotent, as hiredis
 * requires: each one recomputes the interest it wants and tells the loop
 * only when that changes.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <hiredis/hiredis.h>
#include <hiredis/async.h>

#include "log.h"
#include "loop.h"
#include "redis_loop.h"

struct rloop {
	struct loop *loop;
	redisAsyncContext *ac;
	int fd;
	int mask; /* what hiredis has asked for: LOOP_READ | LOOP_WRITE */
#if HIREDIS_MAJOR >= 1
	struct loop_timer timer; /* hiredis's connect or command timeout */
#endif
};

static void rloop_on_read(struct loop *, int, void *);
static void rloop_on_write(struct loop *, int, void *);
static void rloop_want(struct rloop *, int);
static void rloop_add_read(void *);
static void rloop_del_read(void *);
static void rloop_add_write(void *);
static void rloop_del_write(void *);
static void rloop_cleanup(void *);

/* hiredis may free the context (and so e) inside either handler; the loop
 * looks the fd up again before the next one, and finds it gone. */
static void
rloop_on_read(struct loop *l, int fd, void *arg)
{
	struct rloop *e = arg;

	(void)l;
	(void)fd;
	redisAsyncHandleRead(e->ac);
}

static void
rloop_on_write(struct loop *l, int fd, void *arg)
{
	struct rloop *e = arg;

	(void)l;
	(void)fd;
	redisAsyncHandleWrite(e->ac);
}

/*
 * The fd has been in the loop since attach, so this is only loop_set,
 * which fails only when epoll cannot take the change back in: then the
 * connection stalls, and its owner's deadline (redis_link.c) ends it.
 */
static void
rloop_want(struct rloop *e, int mask)
{
	if (mask == e->mask)
		return;
	if (loop_set(e->loop, e->fd, mask) == -1) {
		log_warn("redis: cannot change what fd %d is watched for: %s",
		    e->fd, strerror(errno));
		return;
	}
	e->mask = mask;
}

static void
rloop_add_read(void *arg)
{
	struct rloop *e = arg;

	rloop_want(e, e->mask | LOOP_READ);
}

static void
rloop_del_read(void *arg)
{
	struct rloop *e = arg;

	rloop_want(e, e->mask & ~LOOP_READ);
}

static void
rloop_add_write(void *arg)
{
	struct rloop *e = arg;

	rloop_want(e, e->mask | LOOP_WRITE);
}

static void
rloop_del_write(void *arg)
{
	struct rloop *e = arg;

	rloop_want(e, e->mask & ~LOOP_WRITE);
}

/* hiredis calls this before it closes the fd. */
static void
rloop_cleanup(void *arg)
{
	struct rloop *e = arg;

	loop_del(e->loop, e->fd);
#if HIREDIS_MAJOR >= 1
	loop_timer_stop(e->loop, &e->timer);
#endif
	e->ac->ev.data = NULL;
	free(e);
}

#if HIREDIS_MAJOR >= 1
static void
rloop_on_timer(struct loop *l, struct loop_timer *t, void *arg)
{
	struct rloop *e = arg;

	(void)l;
	(void)t;
	redisAsyncHandleTimeout(e->ac); /* may free the context, and e */
}

/* Rounded up: a deadline must not fire early. */
static void
rloop_schedule_timer(void *arg, struct timeval tv)
{
	struct rloop *e = arg;
	int64_t ms = (int64_t)tv.tv_sec * 1000 + (tv.tv_usec + 999) / 1000;

	loop_timer_start(e->loop, &e->timer, ms, 0, rloop_on_timer, e);
}
#endif

int
redis_loop_attach(redisAsyncContext *ac, struct loop *l)
{
	struct rloop *e;

	if (ac->ev.data != NULL || ac->err || ac->c.fd < 0) {
		errno = EINVAL;
		return -1;
	}
	if ((e = calloc(1, sizeof *e)) == NULL)
		return -1;
	e->loop = l;
	e->ac = ac;
	e->fd = ac->c.fd;
	/* Registered now with no interest, so that an fd this backend cannot
	 * watch (select: FD_SETSIZE) is refused here, where it can be said. */
	if (loop_add(l, e->fd, 0, rloop_on_read, rloop_on_write, e) == -1) {
		free(e);
		return -1;
	}
	ac->ev.data = e;
	ac->ev.addRead = rloop_add_read;
	ac->ev.delRead = rloop_del_read;
	ac->ev.addWrite = rloop_add_write;
	ac->ev.delWrite = rloop_del_write;
	ac->ev.cleanup = rloop_cleanup;
#if HIREDIS_MAJOR >= 1
	ac->ev.scheduleTimer = rloop_schedule_timer;
#endif
	return 0;
}
