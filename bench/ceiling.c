/* ceiling.c: chatceiling, the fastest fan-out we can write: every line to every other client. */
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "conf.h"
#include "net.h"

/*
 * No nicks, rooms or protocol: the least work a server can do per
 * delivery, so chatd's numbers have a ceiling to be read against. It keeps
 * chatd's output discipline: a client's output is written once per pass
 * with one call, and write interest is on only while the kernel refused
 * part of it. Instead of copying a line into every recipient's queue, the
 * lines read in a pass are gathered into one batch that every recipient
 * is sent straight from (writev around its own lines); only what the
 * kernel refuses is copied, into that client's backlog.
 */

#define CEIL_READ_CHUNK   (64 * 1024) /* per client per pass */
#define CEIL_MAX_LINE     (64 * 1024) /* a partial line longer: dropped */
#define CEIL_MAX_QUEUE    (64L * 1024 * 1024)
#define CEIL_EVENTS       1024
#define CEIL_ACCEPTS      256 /* per pass */
#define CEIL_BACKLOG      4096
#define CEIL_BATCH_KEEP   (1024 * 1024)
#define CEIL_DEFAULT_ADDR "127.0.0.1"

struct ceil_client {
	int fd;
	int slot;      /* index in ceil.clients */
	int want_out;  /* EPOLLOUT is on */
	int writable;  /* EPOLLOUT came this pass */
	long own_pass; /* own_off/own_end are for this pass */
	size_t own_off, own_end;
	struct buf in;  /* a partial line */
	struct buf out; /* backlog the kernel refused, in order */
};

struct ceil {
	int ep, lfd;
	long pass;
	long max_queue;
	struct ceil_client **clients;
	int nclients, cap;
	int nwritable;
	struct buf batch; /* complete lines read in this pass */
};

static void
ceil_fatal(const char *what)
{
	fprintf(stderr, "chatceiling: %s: %s\n", what, strerror(errno));
	exit(1);
}

static void
ceil_close(struct ceil *s, struct ceil_client *c)
{
	struct ceil_client *last = s->clients[--s->nclients];

	last->slot = c->slot;
	s->clients[c->slot] = last;
	close(c->fd); /* leaves the epoll set with it */
	buf_free(&c->in);
	buf_free(&c->out);
	free(c);
}

static void
ceil_accept(struct ceil *s)
{
	struct epoll_event ev;
	struct ceil_client *c, **grown;
	char peer[NET_ADDRSTRLEN];
	int i, fd;

	for (i = 0; i < CEIL_ACCEPTS; i++) {
		if ((fd = net_accept(s->lfd, peer, sizeof peer)) == -1) {
			if (errno != EAGAIN && errno != EWOULDBLOCK &&
			    errno != EINTR && errno != ECONNABORTED)
				fprintf(stderr, "chatceiling: accept: %s\n",
				    strerror(errno));
			return;
		}
		if (s->nclients == s->cap) {
			s->cap = s->cap ? 2 * s->cap : 1024;
			grown =
			    realloc(s->clients, (size_t)s->cap * sizeof *grown);
			if (grown == NULL)
				ceil_fatal("realloc");
			s->clients = grown;
		}
		if ((c = calloc(1, sizeof *c)) == NULL)
			ceil_fatal("calloc");
		c->fd = fd;
		c->own_pass = -1;
		buf_init(&c->in);
		buf_init(&c->out);
		ev.events = EPOLLIN;
		ev.data.ptr = c;
		if (epoll_ctl(s->ep, EPOLL_CTL_ADD, fd, &ev) == -1)
			ceil_fatal("epoll_ctl");
		c->slot = s->nclients;
		s->clients[s->nclients++] = c;
	}
}

/* Turn write interest on or off. */
static void
ceil_want_out(struct ceil *s, struct ceil_client *c, int on)
{
	struct epoll_event ev;

	if (c->want_out == on)
		return;
	ev.events = EPOLLIN | (on ? EPOLLOUT : 0);
	ev.data.ptr = c;
	if (epoll_ctl(s->ep, EPOLL_CTL_MOD, c->fd, &ev) == -1)
		ceil_fatal("epoll_ctl");
	c->want_out = on;
}

/*
 * One read, straight into the batch behind the client's partial line, so
 * its complete lines sit together in [own_off, own_end). Returns -1 when
 * the client is gone.
 */
static int
ceil_read(struct ceil *s, struct ceil_client *c)
{
	size_t start = buf_len(&s->batch), plen = buf_len(&c->in), got, i;
	char *p;
	ssize_t n;

	if ((p = buf_reserve(&s->batch, plen + CEIL_READ_CHUNK)) == NULL)
		ceil_fatal("batch");
	if (plen > 0)
		memcpy(p, buf_data(&c->in), plen);
	while ((n = read(c->fd, p + plen, CEIL_READ_CHUNK)) == -1 &&
	    errno == EINTR)
		;
	if (n == 0 || (n == -1 && errno != EAGAIN && errno != EWOULDBLOCK))
		return -1;
	if (n == -1)
		return 0;
	got = plen + (size_t)n;
	for (i = got; i > 0 && p[i - 1] != '\n'; i--)
		;
	buf_consume(&c->in, plen);
	if (buf_append(&c->in, p + i, got - i) == -1)
		ceil_fatal("buf");
	if (buf_len(&c->in) > CEIL_MAX_LINE)
		return -1;
	if (i > 0) {
		buf_commit(&s->batch, i);
		c->own_pass = s->pass;
		c->own_off = start;
		c->own_end = start + i;
	}
	return 0;
}

/* Append the batch, less the client's own lines, to its backlog. */
static int
ceil_queue(
    struct ceil *s, struct ceil_client *c, const struct iovec *iov, int niov)
{
	int i;

	for (i = 0; i < niov; i++)
		if (buf_append(&c->out, iov[i].iov_base, iov[i].iov_len) == -1)
			return -1;
	return (long)buf_len(&c->out) > s->max_queue ? -1 : 0;
}

/* Write what this pass owes c: one writev of the shared batch when it
 * has no backlog, else one write of the backlog once the kernel can take
 * more. Returns -1 when the client must go. */
static int
ceil_flush(struct ceil *s, struct ceil_client *c)
{
	struct iovec iov[2];
	size_t len = buf_len(&s->batch), total = 0, w;
	char *base = buf_data(&s->batch);
	int niov = 0, i;
	ssize_t n;

	if (c->own_pass == s->pass) {
		iov[niov].iov_base = base;
		iov[niov++].iov_len = c->own_off;
		iov[niov].iov_base = base + c->own_end;
		iov[niov++].iov_len = len - c->own_end;
	} else if (len > 0) {
		iov[niov].iov_base = base;
		iov[niov++].iov_len = len;
	}
	for (i = 0; i < niov; i++)
		total += iov[i].iov_len;
	if (buf_len(&c->out) > 0) {
		if (ceil_queue(s, c, iov, niov) == -1)
			return -1;
		if (!c->writable)
			return 0;
		n = send(
		    c->fd, buf_data(&c->out), buf_len(&c->out), MSG_NOSIGNAL);
		if (n == -1 && errno != EAGAIN && errno != EWOULDBLOCK &&
		    errno != EINTR)
			return -1;
		if (n > 0)
			buf_consume(&c->out, (size_t)n);
		ceil_want_out(s, c, buf_len(&c->out) > 0);
		return 0;
	}
	if (total == 0)
		return 0;
	n = writev(c->fd, iov, niov);
	if (n == -1 && errno != EAGAIN && errno != EWOULDBLOCK &&
	    errno != EINTR)
		return -1;
	w = n > 0 ? (size_t)n : 0;
	if (w == total)
		return 0;
	/* w < total: the unwritten rest starts in the last iov at most. */
	for (i = 0; i + 1 < niov && w >= iov[i].iov_len; i++)
		w -= iov[i].iov_len;
	iov[i].iov_base = (char *)iov[i].iov_base + w;
	iov[i].iov_len -= w;
	if (ceil_queue(s, c, iov + i, niov - i) == -1)
		return -1;
	ceil_want_out(s, c, 1);
	return 0;
}

static void
ceil_pass(struct ceil *s, struct epoll_event *evs)
{
	struct ceil_client *c;
	int n, i;

	while ((n = epoll_wait(s->ep, evs, CEIL_EVENTS, -1)) == -1)
		if (errno != EINTR)
			ceil_fatal("epoll_wait");
	s->pass++;
	buf_consume(&s->batch, buf_len(&s->batch));
	buf_release(&s->batch, CEIL_BATCH_KEEP); /* after a burst */
	s->nwritable = 0;
	for (i = 0; i < n; i++) {
		if ((c = evs[i].data.ptr) == NULL) {
			ceil_accept(s);
			continue;
		}
		if (evs[i].events & EPOLLOUT) {
			c->writable = 1;
			s->nwritable++;
		}
		if ((evs[i].events & (EPOLLIN | EPOLLHUP | EPOLLERR)) &&
		    ceil_read(s, c) == -1) {
			/* Its lines already in the batch still go out. */
			s->nwritable -= c->writable;
			ceil_close(s, c);
		}
	}
	if (buf_len(&s->batch) == 0 && s->nwritable == 0)
		return;
	for (i = 0; i < s->nclients;) {
		c = s->clients[i];
		if (ceil_flush(s, c) == -1) {
			ceil_close(s, c); /* the last one moves into slot i */
			continue;
		}
		c->writable = 0;
		i++;
	}
}

static void
ceil_usage(FILE *f)
{
	fprintf(f,
	    "usage: chatceiling [-b ADDR] [-p PORT] [--max-queue BYTES]\n"
	    "Accepts TCP clients and sends every line each one sends to "
	    "every other\n"
	    "client: the fan-out ceiling for chatbench --target lines. "
	    "Prints\n"
	    "\"chatceiling: listening on ADDR:PORT\" when ready. -p 0 (the "
	    "default)\n"
	    "picks a free port; -b defaults to %s; a client with more than "
	    "--max-queue\n"
	    "bytes unsent (default %ld) is dropped.\n",
	    CEIL_DEFAULT_ADDR, CEIL_MAX_QUEUE);
}

/* As many descriptors as the hard limit allows: the clients are many. */
static void
ceil_raise_nofile(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		(void)setrlimit(RLIMIT_NOFILE, &rl);
	}
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = { { "bind", required_argument, NULL,
						  'b' },
		{ "port", required_argument, NULL, 'p' },
		{ "max-queue", required_argument, NULL, 'Q' },
		{ "help", no_argument, NULL, 'h' }, { NULL, 0, NULL, 0 } };
	static struct epoll_event evs[CEIL_EVENTS];
	struct epoll_event ev;
	struct ceil s;
	const char *addr = CEIL_DEFAULT_ADDR, *port = "0", *cause = "?";
	char name[NET_ADDRSTRLEN];
	long long v;
	int ch;

	memset(&s, 0, sizeof s);
	s.max_queue = CEIL_MAX_QUEUE;
	while ((ch = getopt_long(argc, argv, "b:p:h", opts, NULL)) != -1) {
		switch (ch) {
		case 'b':
			addr = optarg;
			break;
		case 'p':
			if (conf_number(optarg, 0, 65535, &v) == -1) {
				ceil_usage(stderr);
				return 2;
			}
			port = optarg;
			break;
		case 'Q':
			if (conf_size(optarg, 1024, 1LL << 40, &v) == -1) {
				ceil_usage(stderr);
				return 2;
			}
			s.max_queue = (long)v;
			break;
		case 'h':
			ceil_usage(stdout);
			return 0;
		default:
			ceil_usage(stderr);
			return 2;
		}
	}
	if (optind != argc) {
		ceil_usage(stderr);
		return 2;
	}
	signal(SIGPIPE, SIG_IGN);
	ceil_raise_nofile();
	buf_init(&s.batch);
	if ((s.lfd = net_listen_tcp(addr, port, CEIL_BACKLOG, &cause)) == -1) {
		fprintf(stderr, "chatceiling: listen on %s:%s: %s\n", addr,
		    port, cause);
		return 1;
	}
	if ((s.ep = epoll_create1(EPOLL_CLOEXEC)) == -1)
		ceil_fatal("epoll_create1");
	ev.events = EPOLLIN;
	ev.data.ptr = NULL;
	if (epoll_ctl(s.ep, EPOLL_CTL_ADD, s.lfd, &ev) == -1)
		ceil_fatal("epoll_ctl");
	if (net_local_name(s.lfd, name, sizeof name) == -1)
		ceil_fatal("getsockname");
	printf("chatceiling: listening on %s\n", name);
	fflush(stdout);
	for (;;)
		ceil_pass(&s, evs);
}
