/*
 * loop_backend.h: what loop.c asks of a readiness backend (select, poll,
 * epoll). Private to server/loop*.c; nothing else includes it.
 */
#ifndef CHATD_LOOP_BACKEND_H
#define CHATD_LOOP_BACKEND_H

/*
 * In a fired mask, next to LOOP_READ and LOOP_WRITE: the fd hung up or
 * has an error pending, which the kernel reports whether or not it was
 * asked for. loop.c runs whatever handlers the fd is watched for.
 */
#define LOOP_HUP 0x4

/* One ready fd, as the backend saw it when the wait returned. */
struct loop_fired {
	int fd;
	int mask;
};

/*
 * A backend keeps its own state (void *) and never sees struct loop.
 * loop.c guarantees that every fd it passes is below the size last given
 * to resize, and that at most that many fds are watched at once.
 */
struct loop_ops {
	const char *name;
	int fd_limit; /* one more than the highest fd it can watch */
	/* New state, or NULL with errno. */
	void *(*create)(void);
	void (*free)(void *);
	/* Make room for fds below size (never shrinks). 0, or -1 ENOMEM with
	 * the state unchanged. NULL: nothing to grow. */
	int (*resize)(void *, int size);
	/*
	 * Have the kernel watch fd for mask (0: not at all, so that a
	 * hang-up is not reported either). old is the mask loop.c last set,
	 * a hint: the fd may have been closed behind the loop's back since.
	 * 0, or -1 with errno (mask 0 always succeeds).
	 */
	int (*set)(void *, int fd, int old, int mask);
	/*
	 * Wait up to timeout_ms (-1: forever) and fill at most max entries of
	 * fired. Returns how many, or -1 with errno (EINTR included). A fd
	 * found closed behind the loop's back is dropped from the kernel set
	 * and not reported.
	 */
	int (*wait)(void *, int timeout_ms, struct loop_fired *fired, int max);
};

const struct loop_ops *loop_select_ops(void);
const struct loop_ops *loop_poll_ops(void);
#ifdef __linux__
const struct loop_ops *loop_epoll_ops(void);
#endif

#endif
