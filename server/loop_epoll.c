/* loop_epoll.c: the epoll backend (Linux): any fd, level-triggered. */
#include "loop.h"
#include "loop_backend.h"

#ifdef __linux__
#include <sys/epoll.h>

#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>

/*
 * The kernel set holds only fds with interest: EPOLLHUP and EPOLLERR are
 * reported even for events 0, so an fd with mask 0 is deleted from the
 * set and added again when interest returns.
 *
 * The set is keyed by (fd, open file), not by fd: an fd closed without
 * loop_del leaves the set by itself unless a dup keeps the file open, in
 * which case the kernel goes on reporting it under the old number and
 * nothing can take it out. That misuse is the one this backend cannot
 * repair; closing after loop_del always works.
 */
struct loop_epoll {
	int fd;
	struct epoll_event *ev; /* size entries, filled by epoll_wait */
	int size;
};

static void *loop_epoll_create(void);
static void loop_epoll_free(void *);
static int loop_epoll_resize(void *, int);
static int loop_epoll_set(void *, int, int, int);
static int loop_epoll_wait(void *, int, struct loop_fired *, int);

static const struct loop_ops loop_epoll_table = {
	.name = "epoll",
	.fd_limit = INT_MAX,
	.create = loop_epoll_create,
	.free = loop_epoll_free,
	.resize = loop_epoll_resize,
	.set = loop_epoll_set,
	.wait = loop_epoll_wait,
};

const struct loop_ops *
loop_epoll_ops(void)
{
	return &loop_epoll_table;
}

static void *
loop_epoll_create(void)
{
	struct loop_epoll *e;

	if ((e = calloc(1, sizeof *e)) == NULL)
		return NULL;
	if ((e->fd = epoll_create1(EPOLL_CLOEXEC)) == -1) {
		free(e);
		return NULL;
	}
	return e;
}

static void
loop_epoll_free(void *arg)
{
	struct loop_epoll *e = arg;

	close(e->fd);
	free(e->ev);
	free(e);
}

static int
loop_epoll_resize(void *arg, int size)
{
	struct loop_epoll *e = arg;
	struct epoll_event *ev;

	if (size <= e->size)
		return 0;
	if ((size_t)size > SIZE_MAX / sizeof *ev) {
		errno = ENOMEM;
		return -1;
	}
	if ((ev = realloc(e->ev, (size_t)size * sizeof *ev)) == NULL)
		return -1;
	e->ev = ev;
	e->size = size;
	return 0;
}

static int
loop_epoll_set(void *arg, int fd, int old, int mask)
{
	struct loop_epoll *e = arg;
	struct epoll_event ev = { 0 };
	int op;

	ev.data.fd = fd;
	ev.events = (mask & LOOP_READ ? EPOLLIN : 0) |
	    (mask & LOOP_WRITE ? EPOLLOUT : 0);
	if (mask == 0) {
		/* EBADF or ENOENT: already out of the set. */
		if (old != 0)
			(void)epoll_ctl(e->fd, EPOLL_CTL_DEL, fd, &ev);
		return 0;
	}
	op = old == 0 ? EPOLL_CTL_ADD : EPOLL_CTL_MOD;
	if (epoll_ctl(e->fd, op, fd, &ev) == 0)
		return 0;
	/* old was wrong: EEXIST, the file is still in the set (a dup kept
	 * it there); ENOENT, fd was closed and reused without loop_del. */
	if (op == EPOLL_CTL_ADD && errno == EEXIST)
		op = EPOLL_CTL_MOD;
	else if (op == EPOLL_CTL_MOD && errno == ENOENT)
		op = EPOLL_CTL_ADD;
	else
		return -1;
	return epoll_ctl(e->fd, op, fd, &ev);
}

static int
loop_epoll_wait(void *arg, int timeout_ms, struct loop_fired *fired, int max)
{
	struct loop_epoll *e = arg;
	uint32_t re;
	int i, n, mask;

	if (max > e->size)
		max = e->size;
	if ((n = epoll_wait(e->fd, e->ev, max, timeout_ms)) == -1)
		return -1;
	for (i = 0; i < n; i++) {
		re = e->ev[i].events;
		mask = 0;
		if (re & EPOLLIN)
			mask |= LOOP_READ;
		if (re & EPOLLOUT)
			mask |= LOOP_WRITE;
		if (re & (EPOLLHUP | EPOLLERR))
			mask |= LOOP_HUP;
		fired[i].fd = e->ev[i].data.fd;
		fired[i].mask = mask;
	}
	return n;
}

#endif /* __linux__ */
