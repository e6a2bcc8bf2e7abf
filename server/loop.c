/* loop.c: select() behind "watch fd for read/write, call this"; knows nothing of chat. */
#include <sys/select.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "loop.h"

struct loop_watch {
	loop_fn *on_read;
	loop_fn *on_write;
	void *arg;
	int mask;
	int live;
};

struct loop {
	struct loop_watch w[FD_SETSIZE];
	fd_set rset, wset; /* what we watch */
	int maxfd;         /* highest fd ever added + 1 */
};

struct loop *
loop_new(void)
{
	struct loop *l;

	if ((l = calloc(1, sizeof *l)) == NULL)
		return NULL;
	FD_ZERO(&l->rset);
	FD_ZERO(&l->wset);
	return l;
}

void
loop_free(struct loop *l)
{
	free(l);
}

int
loop_add(struct loop *l, int fd, int mask, loop_fn *on_read, loop_fn *on_write,
    void *arg)
{
	if (fd < 0 || fd >= FD_SETSIZE) {
		errno = EINVAL;
		return -1;
	}
	l->w[fd].on_read = on_read;
	l->w[fd].on_write = on_write;
	l->w[fd].arg = arg;
	l->w[fd].live = 1;
	l->w[fd].mask = 0;
	if (fd >= l->maxfd)
		l->maxfd = fd + 1;
	loop_set(l, fd, mask);
	return 0;
}

void
loop_set(struct loop *l, int fd, int mask)
{
	struct loop_watch *w = &l->w[fd];

	if (!w->live || w->mask == mask)
		return;
	if (mask & LOOP_READ)
		FD_SET(fd, &l->rset);
	else
		FD_CLR(fd, &l->rset);
	if (mask & LOOP_WRITE)
		FD_SET(fd, &l->wset);
	else
		FD_CLR(fd, &l->wset);
	w->mask = mask;
}

void
loop_del(struct loop *l, int fd)
{
	if (fd < 0 || fd >= FD_SETSIZE || !l->w[fd].live)
		return;
	loop_set(l, fd, 0);
	memset(&l->w[fd], 0, sizeof l->w[fd]);
	/* Shrink maxfd so select() scans no further than it must. */
	while (l->maxfd > 0 && !l->w[l->maxfd - 1].live)
		l->maxfd--;
}

int
loop_maxfd(const struct loop *l)
{
	return l->maxfd;
}

int
loop_poll(struct loop *l, int timeout_ms)
{
	struct timeval tv, *tvp = NULL;
	fd_set r, w;
	int n, fd, maxfd, handled = 0;

	if (timeout_ms >= 0) {
		tv.tv_sec = timeout_ms / 1000;
		tv.tv_usec = (timeout_ms % 1000) * 1000;
		tvp = &tv;
	}
	/* select() overwrites its sets: hand it copies of ours. */
	r = l->rset;
	w = l->wset;
	maxfd = l->maxfd;
	n = select(maxfd, &r, &w, NULL, tvp);
	if (n == -1)
		return errno == EINTR ? 0 : -1;
	for (fd = 0; fd < maxfd && handled < n; fd++) {
		int rd = FD_ISSET(fd, &r) != 0, wr = FD_ISSET(fd, &w) != 0;

		if (!rd && !wr)
			continue;
		handled += rd + wr;
		/* A handler may have removed fd, or changed its interest. */
		if (rd && l->w[fd].live && (l->w[fd].mask & LOOP_READ))
			l->w[fd].on_read(l, fd, l->w[fd].arg);
		if (wr && l->w[fd].live && (l->w[fd].mask & LOOP_WRITE))
			l->w[fd].on_write(l, fd, l->w[fd].arg);
	}
	return handled;
}
