/* loop_select.c: the select() backend: portable, but fds below FD_SETSIZE only. */
#include <sys/select.h>

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>

#include "loop.h"
#include "loop_backend.h"

struct loop_select {
	fd_set rset, wset; /* what we watch; select() gets copies */
	int maxfd;         /* highest fd in either set + 1 */
};

static void *loop_select_create(void);
static void loop_select_free(void *);
static int loop_select_set(void *, int, int, int);
static int loop_select_wait(void *, int, struct loop_fired *, int);
static void loop_select_drop_closed(struct loop_select *);

static const struct loop_ops loop_select_table = {
	.name = "select",
	.fd_limit = FD_SETSIZE,
	.create = loop_select_create,
	.free = loop_select_free,
	.resize = NULL, /* fd_sets have a fixed size */
	.set = loop_select_set,
	.wait = loop_select_wait,
};

const struct loop_ops *
loop_select_ops(void)
{
	return &loop_select_table;
}

static void *
loop_select_create(void)
{
	struct loop_select *s;

	if ((s = calloc(1, sizeof *s)) == NULL)
		return NULL;
	FD_ZERO(&s->rset);
	FD_ZERO(&s->wset);
	return s;
}

static void
loop_select_free(void *arg)
{
	free(arg);
}

static int
loop_select_set(void *arg, int fd, int old, int mask)
{
	struct loop_select *s = arg;

	(void)old;
	if (mask & LOOP_READ)
		FD_SET(fd, &s->rset);
	else
		FD_CLR(fd, &s->rset);
	if (mask & LOOP_WRITE)
		FD_SET(fd, &s->wset);
	else
		FD_CLR(fd, &s->wset);
	if (mask != 0 && fd >= s->maxfd)
		s->maxfd = fd + 1;
	/* Shrink maxfd so select() scans no further than it must. */
	while (s->maxfd > 0 && !FD_ISSET(s->maxfd - 1, &s->rset) &&
	    !FD_ISSET(s->maxfd - 1, &s->wset))
		s->maxfd--;
	return 0;
}

static int
loop_select_wait(void *arg, int timeout_ms, struct loop_fired *fired, int max)
{
	struct loop_select *s = arg;
	struct timeval tv, *tvp = NULL;
	fd_set r, w;
	int n, fd, mask, nfired = 0;

	if (timeout_ms >= 0) {
		tv.tv_sec = timeout_ms / 1000;
		tv.tv_usec = (timeout_ms % 1000) * 1000;
		tvp = &tv;
	}
	/* select() overwrites its sets: hand it copies of ours. */
	r = s->rset;
	w = s->wset;
	if ((n = select(s->maxfd, &r, &w, NULL, tvp)) == -1) {
		if (errno != EBADF)
			return -1;
		/* One of ours was closed without loop_del: forget it, or
		 * every later select() fails the same way. */
		loop_select_drop_closed(s);
		return 0;
	}
	for (fd = 0; fd < s->maxfd && n > 0 && nfired < max; fd++) {
		mask = 0;
		if (FD_ISSET(fd, &r))
			mask |= LOOP_READ;
		if (FD_ISSET(fd, &w))
			mask |= LOOP_WRITE;
		if (mask == 0)
			continue;
		n -= (mask & LOOP_READ ? 1 : 0) + (mask & LOOP_WRITE ? 1 : 0);
		fired[nfired].fd = fd;
		fired[nfired].mask = mask;
		nfired++;
	}
	return nfired;
}

static void
loop_select_drop_closed(struct loop_select *s)
{
	int fd;

	for (fd = s->maxfd - 1; fd >= 0; fd--) {
		if (!FD_ISSET(fd, &s->rset) && !FD_ISSET(fd, &s->wset))
			continue;
		if (fcntl(fd, F_GETFD) == -1 && errno == EBADF)
			loop_select_set(s, fd, 0, 0);
	}
}
