/* swarm.c: thousands of client sockets in one epoll loop, read line by line. */
#include <sys/epoll.h>
#include <sys/socket.h>

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "net.h"
#include "scale.h"

/* One read takes this much; a socket is read until it has no more or
 * SW_READS_PER_WAKE reads are done, so one busy socket cannot starve the
 * others. */
#define SW_READ_CHUNK      (256 * 1024)
#define SW_READS_PER_WAKE  4
#define SW_EVENTS_PER_WAIT 1024

static char sw_scratch[SW_READ_CHUNK];

int64_t
sw_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

int
swarm_init(struct swarm *sw, int n, const char *host, const char *port,
    sw_line_fn *line, sw_gone_fn *gone, void *arg)
{
	int i;

	memset(sw, 0, sizeof *sw);
	sw->epfd = -1;
	if ((sw->c = calloc((size_t)n, sizeof *sw->c)) == NULL)
		return -1;
	if ((sw->epfd = epoll_create1(EPOLL_CLOEXEC)) == -1) {
		free(sw->c);
		sw->c = NULL;
		return -1;
	}
	sw->n = n;
	sw->host = host;
	sw->port = port;
	sw->line = line;
	sw->gone = gone;
	sw->arg = arg;
	for (i = 0; i < n; i++) {
		sw->c[i].fd = -1;
		sw->c[i].idx = i;
		buf_init(&sw->c[i].in);
		buf_init(&sw->c[i].out);
	}
	return 0;
}

void
swarm_close(struct swarm *sw, struct sw_conn *c)
{
	if (c->fd < 0)
		return;
	/* Closing the descriptor takes it out of the epoll set. */
	close(c->fd);
	c->fd = -1;
	sw->open--;
	buf_free(&c->in);
	buf_free(&c->out);
}

void
swarm_free(struct swarm *sw)
{
	int i;

	for (i = 0; i < sw->n; i++)
		swarm_close(sw, &sw->c[i]);
	if (sw->epfd >= 0)
		close(sw->epfd);
	free(sw->c);
	memset(sw, 0, sizeof *sw);
	sw->epfd = -1;
}

static int
swarm_watch(struct swarm *sw, struct sw_conn *c, int op, int out)
{
	struct epoll_event ev;

	memset(&ev, 0, sizeof ev);
	ev.events = EPOLLIN | (out ? EPOLLOUT : 0);
	ev.data.u32 = (uint32_t)c->idx;
	return epoll_ctl(sw->epfd, op, c->fd, &ev);
}

int
swarm_connect(struct swarm *sw, int i, const char **cause)
{
	struct sw_conn *c = &sw->c[i];

	if ((c->fd = net_connect(sw->host, sw->port, cause)) == -1)
		return -1;
	if (net_set_nonblock(c->fd) == -1 ||
	    swarm_watch(sw, c, EPOLL_CTL_ADD, 0) == -1) {
		*cause = strerror(errno);
		close(c->fd);
		c->fd = -1;
		return -1;
	}
	sw->open++;
	return 0;
}

static void
swarm_lost(struct swarm *sw, struct sw_conn *c, const char *why)
{
	if (sw->gone != NULL)
		sw->gone(sw, c, why);
	swarm_close(sw, c);
}

/* Write what c has queued; watch for writability while some is left. */
static void
swarm_flush(struct swarm *sw, struct sw_conn *c)
{
	size_t before = buf_len(&c->out);
	ssize_t n;

	while (c->fd >= 0 && buf_len(&c->out) > 0) {
		n = send(
		    c->fd, buf_data(&c->out), buf_len(&c->out), MSG_NOSIGNAL);
		if (n > 0)
			buf_consume(&c->out, (size_t)n);
		else if (n == -1 && errno == EINTR)
			continue;
		else if (n == -1 && (errno == EAGAIN || errno == EWOULDBLOCK))
			break;
		else {
			swarm_lost(
			    sw, c, n == -1 ? strerror(errno) : "no write");
			return;
		}
	}
	if (c->fd < 0)
		return;
	/* Interest changes only when the queue starts or stops waiting. */
	if (buf_len(&c->out) > 0 && before == 0)
		(void)swarm_watch(sw, c, EPOLL_CTL_MOD, 1);
	else if (buf_len(&c->out) == 0 && before > 0)
		(void)swarm_watch(sw, c, EPOLL_CTL_MOD, 0);
}

int
swarm_send(struct swarm *sw, struct sw_conn *c, const char *d, size_t n)
{
	size_t before;

	if (c->fd < 0)
		return -1;
	before = buf_len(&c->out);
	if (buf_append(&c->out, d, n) == -1)
		return -1;
	if (before == 0)
		swarm_flush(sw, c);
	return 0;
}

int
swarm_printf(struct swarm *sw, struct sw_conn *c, const char *fmt, ...)
{
	char line[1024];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof line)
		return -1;
	return swarm_send(sw, c, line, (size_t)n);
}

/* Hand every complete line of d[0, n) to the owner; returns the bytes
 * used. Stops early if the owner closes c. */
static size_t
swarm_lines(struct swarm *sw, struct sw_conn *c, char *d, size_t n)
{
	char *p = d, *end = d + n, *lf;
	size_t len;

	while (p < end && c->fd >= 0 &&
	    (lf = memchr(p, '\n', (size_t)(end - p))) != NULL) {
		len = (size_t)(lf - p);
		if (len > 0 && p[len - 1] == '\r')
			len--;
		p[len] = '\0';
		sw->nlines++;
		sw->line(sw, c, p, len);
		p = lf + 1;
	}
	return (size_t)(p - d);
}

static void
swarm_input(struct swarm *sw, struct sw_conn *c, char *d, size_t n)
{
	size_t used;

	if (buf_len(&c->in) == 0) {
		used = swarm_lines(sw, c, d, n);
		if (c->fd >= 0 && used < n &&
		    buf_append(&c->in, d + used, n - used) == -1)
			swarm_lost(sw, c, "out of memory");
		return;
	}
	if (buf_append(&c->in, d, n) == -1) {
		swarm_lost(sw, c, "out of memory");
		return;
	}
	used = swarm_lines(sw, c, buf_data(&c->in), buf_len(&c->in));
	if (c->fd >= 0)
		buf_consume(&c->in, used);
}

static void
swarm_read(struct swarm *sw, struct sw_conn *c)
{
	ssize_t n;
	int i;

	for (i = 0; i < SW_READS_PER_WAKE && c->fd >= 0; i++) {
		n = read(c->fd, sw_scratch, sizeof sw_scratch);
		if (n > 0) {
			sw->nbytes += (uint64_t)n;
			swarm_input(sw, c, sw_scratch, (size_t)n);
			if ((size_t)n < sizeof sw_scratch)
				return;
		} else if (n == 0) {
			swarm_lost(sw, c, "closed by the server");
		} else if (errno == EINTR) {
			continue;
		} else if (errno == EAGAIN || errno == EWOULDBLOCK) {
			return;
		} else {
			swarm_lost(sw, c, strerror(errno));
		}
	}
}

int
swarm_poll(struct swarm *sw, int ms)
{
	struct epoll_event evs[SW_EVENTS_PER_WAIT];
	struct sw_conn *c;
	int n, i;

	n = epoll_wait(sw->epfd, evs, SW_EVENTS_PER_WAIT, ms);
	if (n == -1)
		return errno == EINTR ? 0 : -1;
	for (i = 0; i < n; i++) {
		c = &sw->c[evs[i].data.u32];
		if (c->fd < 0)
			continue;
		if (evs[i].events & EPOLLOUT)
			swarm_flush(sw, c);
		if (evs[i].events & (EPOLLIN | EPOLLHUP | EPOLLERR))
			swarm_read(sw, c);
	}
	return n;
}

void
swarm_run_for(struct swarm *sw, int ms)
{
	int64_t end = sw_now() + (int64_t)ms * 1000000, left;

	while ((left = (end - sw_now()) / 1000000) > 0)
		if (swarm_poll(sw, (int)left) == -1)
			return;
}
