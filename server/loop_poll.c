/* loop_poll.c: the poll() backend: any fd, one pollfd per watched fd. */
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <stdint.h>
#include <stdlib.h>

#include "loop.h"
#include "loop_backend.h"

/*
 * The pollfd array holds only fds with interest, in no order: an fd with
 * mask 0 is taken out, because poll() reports POLLHUP and POLLERR even
 * with events 0 and a hung-up fd nobody reads would make it return at
 * once forever. at[] maps fd to its index so that adding and removing are
 * O(1) (removal moves the last entry into the hole).
 */
struct loop_poll {
	struct pollfd *pfd; /* n used, size allocated */
	int *at;            /* fd -> index in pfd, -1: not there */
	int n;
	int size;
};

static void *loop_poll_create(void);
static void loop_poll_free(void *);
static int loop_poll_resize(void *, int);
static int loop_poll_set(void *, int, int, int);
static int loop_poll_wait(void *, int, struct loop_fired *, int);
static void loop_poll_remove(struct loop_poll *, int);

static const struct loop_ops loop_poll_table = {
	.name = "poll",
	.fd_limit = INT_MAX,
	.create = loop_poll_create,
	.free = loop_poll_free,
	.resize = loop_poll_resize,
	.set = loop_poll_set,
	.wait = loop_poll_wait,
};

const struct loop_ops *
loop_poll_ops(void)
{
	return &loop_poll_table;
}

static void *
loop_poll_create(void)
{
	return calloc(1, sizeof(struct loop_poll));
}

static void
loop_poll_free(void *arg)
{
	struct loop_poll *p = arg;

	free(p->pfd);
	free(p->at);
	free(p);
}

static int
loop_poll_resize(void *arg, int size)
{
	struct loop_poll *p = arg;
	struct pollfd *pfd;
	int *at, fd;

	if (size <= p->size)
		return 0;
	if ((size_t)size > SIZE_MAX / sizeof *pfd) {
		errno = ENOMEM;
		return -1;
	}
	/* Each realloc keeps what it had, so a failure leaves p usable. */
	if ((at = realloc(p->at, (size_t)size * sizeof *at)) == NULL)
		return -1;
	p->at = at;
	if ((pfd = realloc(p->pfd, (size_t)size * sizeof *pfd)) == NULL)
		return -1;
	p->pfd = pfd;
	for (fd = p->size; fd < size; fd++)
		p->at[fd] = -1;
	p->size = size;
	return 0;
}

static int
loop_poll_set(void *arg, int fd, int old, int mask)
{
	struct loop_poll *p = arg;
	int i;

	/* Our own map, not old, says whether fd is in the array: wait may
	 * have dropped it for POLLNVAL. */
	(void)old;
	i = p->at[fd];
	if (mask == 0) {
		if (i != -1)
			loop_poll_remove(p, i);
		return 0;
	}
	if (i == -1) {
		i = p->n++;
		p->at[fd] = i;
		p->pfd[i].fd = fd;
	}
	p->pfd[i].events = (short)((mask & LOOP_READ ? POLLIN : 0) |
	    (mask & LOOP_WRITE ? POLLOUT : 0));
	p->pfd[i].revents = 0;
	return 0;
}

static void
loop_poll_remove(struct loop_poll *p, int i)
{
	p->at[p->pfd[i].fd] = -1;
	if (i != --p->n) {
		p->pfd[i] = p->pfd[p->n];
		p->at[p->pfd[i].fd] = i;
	}
}

static int
loop_poll_wait(void *arg, int timeout_ms, struct loop_fired *fired, int max)
{
	struct loop_poll *p = arg;
	int i, n, re, mask, nfired = 0;

	if ((n = poll(p->pfd, (nfds_t)p->n, timeout_ms)) == -1)
		return -1;
	for (i = 0; i < p->n && n > 0 && nfired < max;) {
		if ((re = p->pfd[i].revents) == 0) {
			i++;
			continue;
		}
		n--;
		if (re & POLLNVAL) {
			/* Closed without loop_del: poll() would say so on
			 * every call. The last entry moves into i and has not
			 * been looked at yet, so i stays. */
			loop_poll_remove(p, i);
			continue;
		}
		mask = 0;
		if (re & POLLIN)
			mask |= LOOP_READ;
		if (re & POLLOUT)
			mask |= LOOP_WRITE;
		if (re & (POLLHUP | POLLERR))
			mask |= LOOP_HUP;
		fired[nfired].fd = p->pfd[i].fd;
		fired[nfired].mask = mask;
		nfired++;
		i++;
	}
	return nfired;
}
