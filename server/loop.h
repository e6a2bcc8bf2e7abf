/*
 * loop.h: the event loop. File descriptors with read/write interest and
 * timers, behind one interface; the readiness backend (select, the
 * default, poll or epoll) is chosen when the loop is made. Knows nothing
 * of chat.
 */
#ifndef CHATD_LOOP_H
#define CHATD_LOOP_H

#include <stddef.h>
#include <stdint.h>

#define LOOP_READ  0x1
#define LOOP_WRITE 0x2

enum loop_backend { LOOP_SELECT, LOOP_POLL, LOOP_EPOLL };

struct loop;
struct loop_timer;

/* Called when fd is ready for what the handler was installed for. */
typedef void loop_fn(struct loop *, int fd, void *arg);
/* Called when a timer is due; the timer may be restarted or stopped. A
 * repeating timer has already been re-armed (t->when is its next
 * deadline); a one-shot one is no longer pending. */
typedef void loop_timer_fn(struct loop *, struct loop_timer *, void *arg);

/*
 * A timer lives in its owner's memory: the loop keeps only a pointer to
 * it, in a heap that grows by doubling (running out of memory there is
 * fatal, so starting one returns nothing to check). Zero it (or
 * loop_timer_init it) before first use; stop it before freeing the memory
 * it lives in.
 */
struct loop_timer {
	int64_t when;  /* deadline on the loop clock, ms */
	int64_t every; /* period in ms; 0: one-shot */
	loop_timer_fn *fn;
	void *arg;
	size_t slot; /* heap index + 1; 0: not pending */
};

static inline void
loop_timer_init(struct loop_timer *t)
{
	*t = (struct loop_timer){ 0 };
}

/* A new loop on backend b, or NULL with errno (ENOMEM; ENOSYS for a
 * backend this system lacks). */
struct loop *loop_new(enum loop_backend b);
/* Free the loop; timers still pending become not pending. */
void loop_free(struct loop *);

enum loop_backend loop_backend(const struct loop *);
/* "select", "poll", "epoll". */
const char *loop_backend_name(enum loop_backend);
/* Name to backend: 0, or -1 (EINVAL unknown, ENOSYS not on this system). */
int loop_backend_parse(const char *name, enum loop_backend *b);
/* One more than the highest fd backend b can watch: FD_SETSIZE for
 * select, INT_MAX for the others, 0 for one this system lacks. */
int loop_backend_fd_limit(enum loop_backend b);

/*
 * Watch fd, calling on_read/on_write with arg when it is readable or
 * writable, for the events in mask. An fd already watched is replaced.
 * Returns 0, or -1 with errno EINVAL when the backend cannot watch fd
 * (select: fd >= FD_SETSIZE), ENOMEM, or what the kernel says (epoll:
 * EPERM for a regular file). An fd added from inside a handler is not
 * reported before the next loop_poll.
 */
int loop_add(struct loop *, int fd, int mask, loop_fn *on_read,
    loop_fn *on_write, void *arg);
/* Change which events fd is watched for (0: none, but stays registered;
 * a hang-up or error on it is then not reported either). Returns 0 (also
 * for an fd not watched), or -1 with errno when the kernel refuses the
 * change (epoll: ENOMEM or ENOSPC as the fd re-enters its set); the old
 * interest then stays. */
int loop_set(struct loop *, int fd, int mask);
/* Stop watching fd; safe to call from inside a handler. Call it before
 * closing fd: one closed while watched is dropped at the next loop_poll
 * without its handlers running, except under epoll if a dup keeps its
 * file open (the kernel then goes on waking the loop for it). */
void loop_del(struct loop *, int fd);

/*
 * Wait up to timeout_ms (-1: no limit of its own), and never past the
 * next pending timer; then run the handlers of ready fds, then the
 * timers that are due. A hang-up or error on a watched fd runs the
 * handlers it is watched for, so they see it from read() or write().
 * Returns the number of handlers and timers run, or -1 with errno on an
 * error other than EINTR.
 */
int loop_poll(struct loop *, int timeout_ms);

/* The loop clock: CLOCK_MONOTONIC in ms, read once per loop_poll (before
 * any handler runs) and by loop_update_time. */
int64_t loop_now(const struct loop *);
void loop_update_time(struct loop *);
/* Move the loop clock forward by ms, as if that much time had passed:
 * how tests and the fuzzer drive timeouts without waiting. */
void loop_skew(struct loop *, int64_t ms);

/* Run fn(loop, t, arg) after after_ms (counted from the clock read now,
 * not from loop_now, so it never fires early; below 0 counts as 0), then
 * every every_ms (0: once). Restarting a pending timer moves it. A timer
 * started from a timer callback runs in a later loop_poll, so one that
 * restarts itself with 0 cannot keep loop_poll from returning. */
void loop_timer_start(struct loop *, struct loop_timer *t, int64_t after_ms,
    int64_t every_ms, loop_timer_fn *fn, void *arg);
/* Cancel t; harmless when it is not pending. */
void loop_timer_stop(struct loop *, struct loop_timer *t);
static inline int
loop_timer_pending(const struct loop_timer *t)
{
	return t->slot != 0;
}
/* Milliseconds from now until the next pending timer (0 when one is
 * overdue), or -1 when there is none. */
int64_t loop_timer_next(const struct loop *);

/* The highest watched fd + 1, and the number watched (statistics). */
int loop_maxfd(const struct loop *);
int loop_count(const struct loop *);

#endif
