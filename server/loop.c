/*
 * loop.c: the generic half of the event loop: the table of watched fds,
 * timers, the loop clock and dispatch. The readiness backends live in
 * loop_select.c, loop_poll.c and loop_epoll.c, the timer heap in
 * loop_heap.c. Knows nothing of chat.
 */
#include <assert.h>
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "log.h"
#include "loop.h"
#include "loop_backend.h"
#include "loop_heap.h"

/* The fd table starts this big and doubles; epoll_wait needs room for
 * at least one event even before any fd is watched. */
#define LOOP_MIN_SIZE 64

struct loop_watch {
	loop_fn *on_read;
	loop_fn *on_write;
	void *arg;
	uint64_t added; /* the pass it was added in */
	int mask;
	int live;
};

struct loop {
	enum loop_backend backend;
	const struct loop_ops *ops;
	void *be; /* the backend's state */

	struct loop_watch *w;     /* indexed by fd; size entries */
	struct loop_fired *fired; /* the backend's answer; size entries */
	int size;
	int maxfd;     /* highest live fd + 1 */
	int count;     /* live fds */
	uint64_t pass; /* loop_poll calls so far */

	int64_t now;
	int64_t skew; /* added to the system clock: loop_skew */
	struct loop_heap timers;
	int in_timers; /* running timer callbacks */
};

static const struct loop_ops *loop_ops_of(enum loop_backend);
static int64_t loop_clock(const struct loop *);
static int64_t loop_add_ms(int64_t, int64_t);
static int loop_grow(struct loop *, int);
static struct loop_watch *loop_wants(struct loop *, int, int);
static int loop_run_fired(struct loop *, int);
static int loop_run_timers(struct loop *);

static const struct loop_ops *
loop_ops_of(enum loop_backend b)
{
	switch (b) {
	case LOOP_SELECT:
		return loop_select_ops();
	case LOOP_POLL:
		return loop_poll_ops();
	case LOOP_EPOLL:
#ifdef __linux__
		return loop_epoll_ops();
#else
		return NULL;
#endif
	}
	return NULL;
}

const char *
loop_backend_name(enum loop_backend b)
{
	switch (b) {
	case LOOP_SELECT:
		return "select";
	case LOOP_POLL:
		return "poll";
	case LOOP_EPOLL:
		return "epoll";
	}
	return "unknown";
}

int
loop_backend_parse(const char *name, enum loop_backend *b)
{
	static const enum loop_backend all[] = { LOOP_SELECT, LOOP_POLL,
		LOOP_EPOLL };
	size_t i;

	for (i = 0; name != NULL && i < sizeof all / sizeof all[0]; i++) {
		if (strcmp(name, loop_backend_name(all[i])) != 0)
			continue;
		if (loop_ops_of(all[i]) == NULL) {
			errno = ENOSYS;
			return -1;
		}
		*b = all[i];
		return 0;
	}
	errno = EINVAL;
	return -1;
}

int
loop_backend_fd_limit(enum loop_backend b)
{
	const struct loop_ops *ops = loop_ops_of(b);

	return ops == NULL ? 0 : ops->fd_limit;
}

struct loop *
loop_new(enum loop_backend b)
{
	const struct loop_ops *ops;
	struct loop *l;

	if ((ops = loop_ops_of(b)) == NULL) {
		errno = ENOSYS;
		return NULL;
	}
	if ((l = calloc(1, sizeof *l)) == NULL)
		return NULL;
	l->backend = b;
	l->ops = ops;
	if ((l->be = ops->create()) == NULL) {
		free(l);
		return NULL;
	}
	if (loop_grow(l, LOOP_MIN_SIZE - 1) == -1) {
		loop_free(l);
		return NULL;
	}
	l->now = loop_clock(l);
	return l;
}

void
loop_free(struct loop *l)
{
	if (l == NULL)
		return;
	/* The timers are their owners' and outlive us: they become not
	 * pending, so that stopping one later is harmless. */
	loop_heap_free(&l->timers);
	l->ops->free(l->be);
	free(l->w);
	free(l->fired);
	free(l);
}

enum loop_backend
loop_backend(const struct loop *l)
{
	return l->backend;
}

static int64_t
loop_clock(const struct loop *l)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000 + l->skew;
}

void
loop_skew(struct loop *l, int64_t ms)
{
	l->skew += ms;
	l->now = loop_clock(l);
}

/* a + b for b >= 0, stopping at INT64_MAX rather than overflowing. */
static int64_t
loop_add_ms(int64_t a, int64_t b)
{
	return b > INT64_MAX - a ? INT64_MAX : a + b;
}

int64_t
loop_now(const struct loop *l)
{
	return l->now;
}

void
loop_update_time(struct loop *l)
{
	l->now = loop_clock(l);
}

/*
 * Make the fd table, the fired array and the backend hold fd. Sizes
 * double so that growing one fd at a time costs O(1) amortised. On
 * failure everything keeps its old size (a realloc that worked is only
 * bigger than needed).
 */
static int
loop_grow(struct loop *l, int fd)
{
	struct loop_watch *w;
	struct loop_fired *f;
	int size;

	if (fd < l->size)
		return 0;
	size = l->size > 0 ? l->size : LOOP_MIN_SIZE;
	while (size <= fd)
		size = size > INT_MAX / 2 ? fd + 1 : size * 2;
	if ((size_t)size > SIZE_MAX / sizeof *w) {
		errno = ENOMEM;
		return -1;
	}
	if ((w = realloc(l->w, (size_t)size * sizeof *w)) == NULL)
		return -1;
	l->w = w;
	if ((f = realloc(l->fired, (size_t)size * sizeof *f)) == NULL)
		return -1;
	l->fired = f;
	if (l->ops->resize != NULL && l->ops->resize(l->be, size) == -1)
		return -1;
	memset(&l->w[l->size], 0, (size_t)(size - l->size) * sizeof *w);
	l->size = size;
	return 0;
}

int
loop_add(struct loop *l, int fd, int mask, loop_fn *on_read, loop_fn *on_write,
    void *arg)
{
	struct loop_watch *w;
	int old;

	mask &= LOOP_READ | LOOP_WRITE;
	assert(!(mask & LOOP_READ) || on_read != NULL);
	assert(!(mask & LOOP_WRITE) || on_write != NULL);
	if (fd < 0 || fd >= l->ops->fd_limit) {
		errno = EINVAL;
		return -1;
	}
	if (loop_grow(l, fd) == -1)
		return -1;
	w = &l->w[fd];
	old = w->live ? w->mask : 0;
	/* Even with the same mask: fd may be a new file under an old
	 * number, which the backend must (re)learn. */
	if (l->ops->set(l->be, fd, old, mask) == -1)
		return -1;
	if (!w->live)
		l->count++;
	w->on_read = on_read;
	w->on_write = on_write;
	w->arg = arg;
	w->added = l->pass;
	w->mask = mask;
	w->live = 1;
	if (fd >= l->maxfd)
		l->maxfd = fd + 1;
	return 0;
}

int
loop_set(struct loop *l, int fd, int mask)
{
	struct loop_watch *w;

	mask &= LOOP_READ | LOOP_WRITE;
	if (fd < 0 || fd >= l->size || !l->w[fd].live)
		return 0;
	w = &l->w[fd];
	assert(!(mask & LOOP_READ) || w->on_read != NULL);
	assert(!(mask & LOOP_WRITE) || w->on_write != NULL);
	if (w->mask == mask)
		return 0;
	if (l->ops->set(l->be, fd, w->mask, mask) == -1)
		return -1;
	w->mask = mask;
	return 0;
}

void
loop_del(struct loop *l, int fd)
{
	if (fd < 0 || fd >= l->size || !l->w[fd].live)
		return;
	if (l->w[fd].mask != 0)
		(void)l->ops->set(l->be, fd, l->w[fd].mask, 0);
	memset(&l->w[fd], 0, sizeof l->w[fd]);
	l->count--;
	while (l->maxfd > 0 && !l->w[l->maxfd - 1].live)
		l->maxfd--;
}

int
loop_maxfd(const struct loop *l)
{
	return l->maxfd;
}

int
loop_count(const struct loop *l)
{
	return l->count;
}

int
loop_poll(struct loop *l, int timeout_ms)
{
	int64_t next;
	int n, ran;

	assert(!l->in_timers);
	next = loop_timer_next(l);
	if (next >= 0 && (timeout_ms < 0 || next < timeout_ms))
		timeout_ms = next > INT_MAX ? INT_MAX : (int)next;
	l->pass++; /* fds added from now on were not in this wait */
	n = l->ops->wait(l->be, timeout_ms, l->fired, l->size);
	if (n == -1 && errno != EINTR)
		return -1;
	l->now = loop_clock(l);
	ran = n > 0 ? loop_run_fired(l, n) : 0;
	return ran + loop_run_timers(l);
}

/*
 * fd's watch if its handler for what is to run now: fd is still watched
 * for it, and was not added during this pass (a number closed and reused
 * by an earlier handler: what the backend saw ready was the old file).
 */
static struct loop_watch *
loop_wants(struct loop *l, int fd, int what)
{
	struct loop_watch *w;

	if (fd < 0 || fd >= l->size)
		return NULL;
	w = &l->w[fd];
	if (!w->live || w->added == l->pass || !(w->mask & what))
		return NULL;
	return w;
}

/* Run the handlers of the n fds the backend found ready. Any handler may
 * add, change or remove any fd and move the table, so each call looks its
 * fd up again. */
static int
loop_run_fired(struct loop *l, int n)
{
	struct loop_watch *w;
	int i, fd, mask, ran = 0;

	for (i = 0; i < n; i++) {
		fd = l->fired[i].fd;
		mask = l->fired[i].mask;
		if (mask & LOOP_HUP) {
			/* Let whoever watches it find out from read() or
			 * write(). */
			if ((w = loop_wants(l, fd, LOOP_READ | LOOP_WRITE)) ==
			    NULL)
				continue;
			mask |= w->mask;
		}
		if ((mask & LOOP_READ) &&
		    (w = loop_wants(l, fd, LOOP_READ)) != NULL) {
			w->on_read(l, fd, w->arg);
			ran++;
		}
		if ((mask & LOOP_WRITE) &&
		    (w = loop_wants(l, fd, LOOP_WRITE)) != NULL) {
			w->on_write(l, fd, w->arg);
			ran++;
		}
	}
	return ran;
}

/*
 * Run every timer due by the loop clock, earliest first. A repeating one
 * is re-armed before its callback (which may then stop or move it) from
 * its previous deadline, so that it keeps its rhythm; when that deadline
 * too has passed, the loop was late, and it runs once, not once per
 * period missed.
 */
static int
loop_run_timers(struct loop *l)
{
	struct loop_timer *t;
	int ran = 0;

	l->in_timers = 1;
	while ((t = loop_heap_top(&l->timers)) != NULL && t->when <= l->now) {
		if (t->every > 0) {
			t->when = loop_add_ms(t->when, t->every);
			if (t->when <= l->now)
				t->when = loop_add_ms(l->now, t->every);
			loop_heap_update(&l->timers, t);
		} else
			loop_heap_remove(&l->timers, t);
		t->fn(l, t, t->arg);
		ran++;
	}
	l->in_timers = 0;
	return ran;
}

void
loop_timer_start(struct loop *l, struct loop_timer *t, int64_t after_ms,
    int64_t every_ms, loop_timer_fn *fn, void *arg)
{
	assert(fn != NULL && every_ms >= 0);
	/* A pending timer already has its place in the heap. */
	if (t->slot == 0 && loop_heap_reserve(&l->timers) == -1)
		fatal("out of memory for %zu timers", l->timers.n + 1);
	t->when = loop_add_ms(loop_clock(l), after_ms > 0 ? after_ms : 0);
	/* Not due in the pass running it: a callback restarting its timer
	 * with 0 would otherwise run forever. */
	if (l->in_timers && t->when <= l->now)
		t->when = l->now + 1;
	t->every = every_ms;
	t->fn = fn;
	t->arg = arg;
	if (t->slot != 0)
		loop_heap_update(&l->timers, t); /* restarted: moved */
	else
		loop_heap_insert(&l->timers, t);
}

void
loop_timer_stop(struct loop *l, struct loop_timer *t)
{
	if (t->slot != 0)
		loop_heap_remove(&l->timers, t);
}

int64_t
loop_timer_next(const struct loop *l)
{
	const struct loop_timer *t = loop_heap_top(&l->timers);
	int64_t d;

	if (t == NULL)
		return -1;
	d = t->when - loop_clock(l);
	return d > 0 ? d : 0;
}
