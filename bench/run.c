/* run.c: chatbench's connections, epoll loop and global window of messages. */
#include <sys/epoll.h>
#include <sys/socket.h>

#include <netinet/in.h>
#include <netinet/tcp.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bench.h"
#include "net.h"

/* Read this much at a time; the rest of a partial line goes to conn.in. */
#define RUN_READ_CHUNK      (256 * 1024)
/* Reads per connection per pass, so one busy socket cannot hog a pass. */
#define RUN_READS_PER_PASS  4
#define RUN_POLL_MS         50
#define RUN_EVENTS          4096 /* readiness events taken per wait */
/* A connect() this slow waited for a SYN to be sent again: the server's
 * accept queue was full. */
#define RUN_SLOW_CONNECT_NS (300 * 1000 * 1000)
/* lines: how often the sync line is sent until every client has one. */
#define RUN_SYNC_NS         (100 * 1000 * 1000)

static char run_scratch[RUN_READ_CHUNK];

static int64_t
run_ms_left(int64_t deadline)
{
	int64_t left = (deadline - bench_now()) / 1000000;

	return left < 0 ? 0 : left;
}

static void
run_lost(struct bench *b, struct conn *c, const char *why)
{
	int i = (int)(c - b->conns);

	b->err.disconnects++;
	bench_note(b, "connection %d (%s) %s %s", i,
	    c->nick[0] != '\0' ? c->nick : "-", why,
	    b->running ? "during the run" : "during setup");
	close(c->fd);
	c->fd = -1;
	b->pfds[i].fd = -1;
	b->pfds[i].events = 0;
}

static void
run_mark_dirty(struct bench *b, struct conn *c)
{
	if (c->dirty || c->fd < 0)
		return;
	c->dirty = 1;
	b->dirty[b->ndirty++] = (int)(c - b->conns);
}

/*
 * Watch conn i for ev (POLLIN, with POLLOUT while output waits). The
 * interest lives in pfds[i].events and goes to epoll only when it
 * changes: an epoll set costs nothing per pass for the thousands of
 * sockets that are not ready, where poll() scanned them all.
 */
static void
run_watch(struct bench *b, int i, short ev)
{
	struct epoll_event e;

	if (b->pfds[i].events == ev || b->conns[i].fd < 0)
		return;
	b->pfds[i].events = ev;
	memset(&e, 0, sizeof e);
	e.events = EPOLLIN | ((ev & POLLOUT) ? EPOLLOUT : 0);
	e.data.u32 = (uint32_t)i;
	if (epoll_ctl(b->epfd, EPOLL_CTL_MOD, b->conns[i].fd, &e) == -1)
		run_lost(b, &b->conns[i], strerror(errno));
}

/* Write what each dirty connection has queued; keep the ones the kernel
 * would not take all of, and watch them for POLLOUT. */
static void
run_flush(struct bench *b)
{
	struct conn *c;
	ssize_t n;
	int i, keep = 0, idx;

	for (i = 0; i < b->ndirty; i++) {
		idx = b->dirty[i];
		c = &b->conns[idx];
		while (c->fd >= 0 && buf_len(&c->out) > 0) {
			n = send(c->fd, buf_data(&c->out), buf_len(&c->out),
			    MSG_NOSIGNAL);
			if (n > 0)
				buf_consume(&c->out, (size_t)n);
			else if (n == -1 && errno == EINTR)
				continue;
			else if (n == -1 &&
			    (errno == EAGAIN || errno == EWOULDBLOCK))
				break;
			else
				run_lost(b, c,
				    n == -1 ? strerror(errno) :
					      "wrote nothing");
		}
		if (c->fd >= 0 && buf_len(&c->out) > 0) {
			run_watch(b, idx, POLLIN | POLLOUT);
			b->dirty[keep++] = idx;
		} else {
			run_watch(b, idx, POLLIN);
			c->dirty = 0;
		}
	}
	b->ndirty = keep;
}

/* Hand bytes to the protocol, carrying an incomplete tail in c->in. */
static int
run_input(struct bench *b, struct conn *c, char *d, size_t n, int64_t now)
{
	long used;

	if (buf_len(&c->in) > 0) {
		if (buf_append(&c->in, d, n) == -1)
			return -1;
		used = wire_input(b, c, buf_data(&c->in), buf_len(&c->in), now);
		if (used < 0)
			return -1;
		buf_consume(&c->in, (size_t)used);
	} else {
		if ((used = wire_input(b, c, d, n, now)) < 0)
			return -1;
		if ((size_t)used < n &&
		    buf_append(&c->in, d + used, n - (size_t)used) == -1)
			return -1;
	}
	if (buf_len(&c->out) > 0) /* a reply: JOIN, PONG, another NICK */
		run_mark_dirty(b, c);
	return 0;
}

static void
run_read(struct bench *b, struct conn *c)
{
	ssize_t n;
	int i;

	for (i = 0; i < RUN_READS_PER_PASS && c->fd >= 0; i++) {
		n = read(c->fd, run_scratch, sizeof run_scratch);
		if (n > 0) {
			if (run_input(b, c, run_scratch, (size_t)n,
				bench_now()) == -1)
				run_lost(b, c, "sent something unparseable");
			if ((size_t)n < sizeof run_scratch)
				break;
		} else if (n == 0)
			run_lost(b, c, "closed by the server");
		else if (errno == EINTR)
			continue;
		else if (errno == EAGAIN || errno == EWOULDBLOCK)
			break;
		else
			run_lost(b, c, strerror(errno));
	}
}

/* One pass: write what is queued, wait at most ms, read what came. */
static int
run_pass(struct bench *b, int ms)
{
	static struct epoll_event evs[RUN_EVENTS];
	struct conn *c;
	int i, n;

	run_flush(b);
	n = epoll_wait(b->epfd, evs, RUN_EVENTS, ms);
	if (n == -1) {
		if (errno == EINTR)
			return 0;
		perror("chatbench: epoll_wait");
		return -1;
	}
	for (i = 0; i < n; i++) {
		c = &b->conns[evs[i].data.u32];
		if (c->fd < 0)
			continue;
		if (evs[i].events & EPOLLOUT)
			run_mark_dirty(b, c);
		if (evs[i].events & (EPOLLIN | EPOLLHUP | EPOLLERR))
			run_read(b, c);
	}
	return 0;
}

/* Connections that are fully set up, counted as the protocol sees them:
 * welcomed, joined (366), subscribed; lines clients have no handshake. */
static long
run_ready(const struct bench *b, int connected)
{
	switch (b->o->target) {
	case BENCH_CHATD:
		return b->welcomes;
	case BENCH_IRC:
		return b->joined;
	case BENCH_LINES:
		return connected;
	case BENCH_MIXED:
		return b->welcomes + b->joined;
	case BENCH_REDIS:
		break;
	}
	return b->subscribed +
	    (connected > b->nrecv ? connected - b->nrecv : 0);
}

/* Every client is in, and every join notice of the others has been read,
 * so the measured run starts with nothing else in flight. */
static int
run_setup_done(const struct bench *b)
{
	long n = b->o->clients;

	switch (b->o->target) {
	case BENCH_CHATD:
		return b->welcomes == n && b->joins >= n * (n - 1) / 2;
	case BENCH_IRC:
		return b->joined == n && b->joins >= n * (n - 1) / 2;
	case BENCH_LINES:
		return b->synced == n;
	case BENCH_MIXED:
		return b->welcomes + b->joined == n &&
		    b->joins >= n * (n - 1) / 2;
	case BENCH_REDIS:
		break;
	}
	return b->subscribed == n;
}

/* lines: connections 0 and 1 send the sync line (each gets the other's). */
static int
run_sync(struct bench *b)
{
	int i;

	for (i = 0; i < 2 && i < b->nconns; i++) {
		if (b->conns[i].fd < 0 || lines_queue_sync(&b->conns[i]) == -1)
			return -1;
		run_mark_dirty(b, &b->conns[i]);
	}
	return 0;
}

static int
run_connect(struct bench *b, int i)
{
	struct conn *c = &b->conns[i];
	struct epoll_event ev;
	const char *cause = "?";
	int one = 1;

	if ((c->fd = net_connect(
		 b->o->host, bench_conn_port(b->o, i), &cause)) == -1) {
		fprintf(stderr, "chatbench: connection %d to %s:%s: %s\n", i,
		    b->o->host, bench_conn_port(b->o, i), cause);
		return -1;
	}
	/* We measure the server's latency, not Nagle's. */
	(void)setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	if (net_set_nonblock(c->fd) == -1) {
		perror("chatbench: nonblock");
		return -1;
	}
	b->pfds[i].fd = c->fd;
	b->pfds[i].events = POLLIN;
	memset(&ev, 0, sizeof ev);
	ev.events = EPOLLIN;
	ev.data.u32 = (uint32_t)i;
	if (epoll_ctl(b->epfd, EPOLL_CTL_ADD, c->fd, &ev) == -1) {
		perror("chatbench: epoll_ctl");
		return -1;
	}
	if (wire_queue_hello(b, c) == -1)
		return -1;
	if (buf_len(&c->out) > 0)
		run_mark_dirty(b, c);
	return 0;
}

static int
run_setup_failed(struct bench *b, int connected, const char *why)
{
	fprintf(stderr,
	    "chatbench: setup failed (%s) with %d connected, "
	    "%ld ready, %ld join notices of %ld",
	    why, connected, run_ready(b, connected), b->joins,
	    (long)b->o->clients * (b->o->clients - 1) / 2);
	if (b->o->target == BENCH_IRC || b->o->target == BENCH_MIXED)
		fprintf(stderr, ", %ld registered", b->registered);
	if (b->o->target == BENCH_LINES)
		fprintf(stderr, ", %ld synced", b->synced);
	if (b->err.first[0] != '\0')
		fprintf(stderr, "; first problem: %s", b->err.first);
	fputc('\n', stderr);
	return -1;
}

/*
 * --settle: in a cluster each node orders joins its own way, so two
 * clients joining on two nodes at once may both see the other's join,
 * and the count of join notices reaches N(N-1)/2 while some are still on
 * their way. Wait until none has come for settle_sec (within the setup
 * deadline) so the timed run starts with nothing else in flight.
 */
static int
run_settle(struct bench *b, int64_t deadline)
{
	int64_t quiet = (int64_t)(b->o->settle_sec * 1e9), last = bench_now();
	long joins = b->joins;

	while (bench_now() - last < quiet) {
		if (run_pass(b, RUN_POLL_MS) == -1)
			return -1;
		if (b->joins != joins) {
			joins = b->joins;
			last = bench_now();
		}
		if (b->err.disconnects > 0 || b->err.server_errors > 0)
			return run_setup_failed(b, b->nconns, "server");
		if (run_ms_left(deadline) == 0)
			return run_setup_failed(b, b->nconns, "settle timeout");
	}
	return 0;
}

/*
 * Connect everyone, at most setup_batch connections ahead of the ones the
 * server has finished setting up: a server that registers clients slowly
 * (IRC) sets the pace. A server whose listen backlog is shorter than the
 * batch (ngIRCd listens with 10) makes connect() wait a second for the SYN
 * to be sent again; then the batch is halved.
 */
int
bench_setup(struct bench *b)
{
	int64_t deadline, last_sync = 0, t;
	int i, batch = b->o->setup_batch;

	b->t_setup = bench_now();
	deadline = b->t_setup + (int64_t)(b->o->setup_sec * 1e9);
	for (i = 0; i < b->nconns; i++) {
		t = bench_now();
		if (run_connect(b, i) == -1)
			return run_setup_failed(b, i, "connect");
		if (bench_now() - t > RUN_SLOW_CONNECT_NS && batch > 1) {
			batch /= 2;
			fprintf(stderr,
			    "chatbench: connect() took %.1f s: the server's "
			    "accept queue is full; setup batch now %d\n",
			    (double)(bench_now() - t) / 1e9, batch);
		}
		while (i + 1 - run_ready(b, i + 1) > batch) {
			if (run_pass(b, RUN_POLL_MS) == -1)
				return -1;
			if (b->err.disconnects > 0)
				return run_setup_failed(
				    b, i + 1, "disconnected");
			if (run_ms_left(deadline) == 0)
				return run_setup_failed(b, i + 1, "timeout");
		}
	}
	while (!run_setup_done(b)) {
		if (b->o->target == BENCH_LINES &&
		    bench_now() - last_sync > RUN_SYNC_NS) {
			if (run_sync(b) == -1)
				return run_setup_failed(b, b->nconns, "sync");
			last_sync = bench_now();
		}
		if (run_pass(b, RUN_POLL_MS) == -1)
			return -1;
		if (b->err.disconnects > 0 || b->err.server_errors > 0)
			return run_setup_failed(b, b->nconns, "server");
		if (run_ms_left(deadline) == 0)
			return run_setup_failed(b, b->nconns, "timeout");
	}
	return b->o->settle_sec > 0 ? run_settle(b, deadline) : 0;
}

/* The connection sender s sends on. */
static struct conn *
run_sender(struct bench *b, int s)
{
	return &b->conns[bench_senders_receive(b->o) ? s : b->nrecv + s];
}

/* Send new messages, round robin over the senders, while the window has
 * room. Returns -1 when a message could not be queued. */
static int
run_fill(struct bench *b)
{
	struct conn *c;
	int64_t now = bench_now();
	int k, s = 0, S = b->o->senders;

	while (b->inflight < b->o->window && b->sent < b->total) {
		for (k = 0; k < S; k++) {
			s = (b->rr + k) % S;
			if (b->next_seq[s] < b->o->messages &&
			    run_sender(b, s)->fd >= 0)
				break;
		}
		if (k == S)
			return 0; /* the rest: dead senders only */
		b->rr = (s + 1) % S;
		c = run_sender(b, s);
		if (wire_queue_message(b, c, s, b->next_seq[s], now) == -1) {
			fprintf(stderr, "chatbench: cannot queue a message\n");
			return -1;
		}
		b->next_seq[s]++;
		b->sent++;
		b->inflight++;
		run_mark_dirty(b, c);
	}
	return 0;
}

/* A command the user gave for the edges of the timed run (callgrind's
 * zero and dump, say): it runs to its end, outside the timing. */
static void
run_hook(const char *cmd)
{
	int rv;

	if (cmd == NULL)
		return;
	if ((rv = system(cmd)) != 0)
		fprintf(stderr, "chatbench: '%s' exited %d\n", cmd, rv);
}

int
bench_run(struct bench *b)
{
	int64_t now, deadline;
	const char *status = "ok";

	b->running = 1;
	run_hook(b->o->at_start);
	b->srv_ok = b->o->server_pid > 0 &&
	    stats_proc_cpu(b->o->server_pid, &b->srv_user[0], &b->srv_sys[0]) ==
		0;
	b->t_start = b->t_progress = bench_now();
	b->cpu_start = stats_cpu();
	deadline = b->t_start + (int64_t)(b->o->timeout_sec * 1e9);
	for (;;) {
		if (run_fill(b) == -1) {
			status = "error";
			break;
		}
		if (b->completed == b->total)
			break;
		if (run_pass(b, RUN_POLL_MS) == -1) {
			status = "error";
			break;
		}
		if (b->completed == b->total)
			break;
		now = bench_now();
		if (now - b->t_progress > (int64_t)(b->o->stall_sec * 1e9)) {
			status = "stalled";
			break;
		}
		if (now > deadline) {
			status = "timeout";
			break;
		}
	}
	if (b->srv_ok)
		b->srv_ok = stats_proc_cpu(b->o->server_pid, &b->srv_user[1],
				&b->srv_sys[1]) == 0;
	if (b->completed != b->total)
		b->t_end = b->t_progress;
	run_hook(b->o->at_end);
	b->running = 0;
	return stats_report(b, status);
}

void
bench_close(struct bench *b)
{
	int i;

	for (i = 0; i < b->nconns; i++) {
		if (b->conns[i].fd >= 0)
			close(b->conns[i].fd);
		b->conns[i].fd = -1;
		buf_free(&b->conns[i].in);
		buf_free(&b->conns[i].out);
	}
	if (b->epfd >= 0)
		close(b->epfd);
	b->epfd = -1;
}
