/* conn.c: chatsoak's connections (non-blocking I/O over net_connect), time, randomness, violations. */
#include <sys/socket.h>

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "net.h"
#include "proto.h"
#include "soak.h"

/* Violations beyond this many are counted but not printed one by one. */
#define SOAK_MAX_PRINTED  40
/* Receive buffer for clients that must back up fast (never-readers). */
#define SOAK_SMALL_RCVBUF 4096
#define SOAK_READ_CHUNK   65536

static const struct soak_kind_ops *const sconn_ops[KIND_COUNT] = {
	[KIND_GOOD] = &soak_good_ops,
	[KIND_VANISH] = &soak_vanish_ops,
	[KIND_RESET] = &soak_reset_ops,
	[KIND_NEVERREAD] = &soak_neverread_ops,
	[KIND_SLOWLORIS] = &soak_slowloris_ops,
	[KIND_FLOOD] = &soak_flood_ops,
	[KIND_OVERSIZE] = &soak_oversize_ops,
};

const struct soak_kind_ops *
soak_ops(enum soak_kind kind)
{
	return sconn_ops[kind];
}

int64_t
soak_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* xorshift64*: reproducible from --seed, good enough for a test mix. */
uint64_t
soak_rand(struct soak *s)
{
	s->rng ^= s->rng >> 12;
	s->rng ^= s->rng << 25;
	s->rng ^= s->rng >> 27;
	return s->rng * 0x2545F4914F6CDD1DULL;
}

int64_t
soak_between(struct soak *s, int64_t lo, int64_t hi)
{
	if (hi <= lo)
		return lo;
	return lo + (int64_t)(soak_rand(s) % (uint64_t)(hi - lo + 1));
}

void
soak_violation(struct soak *s, struct sconn *c, const char *fmt, ...)
{
	va_list ap;

	s->violations++;
	if (c != NULL)
		s->count[c->kind].violations++;
	if (s->violations > SOAK_MAX_PRINTED)
		return;
	printf("chatsoak: VIOLATION at %.1fs: ",
	    (double)(soak_now_ms() - s->start_ms) / 1000.0);
	if (c != NULL && s->cfg.nports > 1)
		printf("%s client #%u on port %s: ", sconn_ops[c->kind]->name,
		    c->id, s->cfg.ports[c->node]);
	else if (c != NULL)
		printf("%s client #%u: ", sconn_ops[c->kind]->name, c->id);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
}

void
soak_debug(struct soak *s, const char *fmt, ...)
{
	va_list ap;

	if (!s->cfg.verbose)
		return;
	fprintf(stderr, "chatsoak: %.3fs: ",
	    (double)(soak_now_ms() - s->start_ms) / 1000.0);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n");
}

struct sconn *
sconn_open(struct soak *s, enum soak_kind kind)
{
	struct sconn *c;
	const char *cause;
	int fd, node;

	if (s->nconns == SOAK_MAX_CONNS)
		return NULL;
	/* Round robin per kind, so each server gets its share of every
	 * kind, and good client i is on port i mod nports. */
	node = (int)(s->count[kind].started % (uint64_t)s->cfg.nports);
	s->count[kind].started++;
	if ((fd = net_connect(s->cfg.host, s->cfg.ports[node], &cause)) == -1) {
		s->count[kind].connect_failed++;
		soak_violation(s, NULL, "%s client: connect: %s",
		    sconn_ops[kind]->name, cause);
		return NULL;
	}
	if (net_set_nonblock(fd) == -1 || (c = calloc(1, sizeof *c)) == NULL) {
		close(fd);
		s->count[kind].connect_failed++;
		soak_violation(s, NULL, "%s client: setup: %s",
		    sconn_ops[kind]->name, strerror(errno));
		return NULL;
	}
	c->fd = fd;
	c->kind = kind;
	c->id = ++s->next_id;
	c->node = node;
	c->reading = 1;
	c->born_ms = soak_now_ms();
	line_init(&c->in, SOAK_MAX_RECV_LINE);
	buf_init(&c->out);
	s->conns[s->nconns++] = c;
	sconn_ops[kind]->start(s, c);
	return c;
}

void
sconn_send(struct sconn *c, const void *p, size_t n)
{
	if (c->gone)
		return;
	if (buf_append(&c->out, p, n) == -1) {
		fprintf(stderr, "chatsoak: out of memory\n");
		exit(3);
	}
}

void
sconn_printf(struct sconn *c, const char *fmt, ...)
{
	char tmp[4096];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(tmp, sizeof tmp, fmt, ap);
	va_end(ap);
	if (n > 0)
		sconn_send(c, tmp,
		    (size_t)n < sizeof tmp ? (size_t)n : sizeof tmp - 1);
}

/* The server went away under us: tell the kind, then close quietly. */
static void
sconn_died(struct soak *s, struct sconn *c, int err)
{
	if (c->gone)
		return;
	sconn_ops[c->kind]->closed(s, c, err);
	if (!c->gone)
		sconn_close(s, c, 0);
}

int
sconn_flush(struct soak *s, struct sconn *c)
{
	ssize_t n;

	while (!c->gone && buf_len(&c->out) > 0) {
		n = write(c->fd, buf_data(&c->out), buf_len(&c->out));
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return 0;
		if (n == -1) {
			sconn_died(s, c, errno);
			return -1;
		}
		s->count[c->kind].bytes_sent += (uint64_t)n;
		buf_consume(&c->out, (size_t)n);
	}
	if (!c->gone)
		buf_release(&c->out, SOAK_READ_CHUNK);
	return c->gone ? -1 : 0;
}

int
sconn_input(struct soak *s, struct sconn *c)
{
	char *p, *line;
	size_t len;
	ssize_t n;
	int eof = 0;

	if ((p = buf_reserve(&c->in.buf, SOAK_READ_CHUNK)) == NULL) {
		fprintf(stderr, "chatsoak: out of memory\n");
		exit(3);
	}
	while ((n = read(c->fd, p, SOAK_READ_CHUNK)) == -1 && errno == EINTR)
		;
	if (n == -1 && (errno == EAGAIN || errno == EWOULDBLOCK))
		return 0;
	if (n == -1) {
		sconn_died(s, c, errno);
		return -1;
	}
	if (n == 0)
		eof = 1;
	else
		buf_commit(&c->in.buf, (size_t)n);
	for (;;) {
		enum line_result r = line_next(&c->in, &line, &len);

		if (r == LINE_NONE)
			break;
		if (r == LINE_OK) {
			s->count[c->kind].lines_recv++;
			sconn_ops[c->kind]->line(s, c, line, len);
		}
		if (c->gone || !c->reading)
			return c->gone ? -1 : 0;
	}
	if (eof) {
		sconn_died(s, c, 0);
		return -1;
	}
	return 0;
}

void
sconn_close(struct soak *s, struct sconn *c, int rst)
{
	struct linger lg = { 1, 0 };

	(void)s;
	if (c->gone)
		return;
	if (rst)
		(void)setsockopt(c->fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
	close(c->fd);
	c->fd = -1;
	c->gone = 1;
	c->reading = 0;
	c->next_ms = 0;
}

void
sconn_small_rcvbuf(struct sconn *c)
{
	int n = SOAK_SMALL_RCVBUF;

	(void)setsockopt(c->fd, SOL_SOCKET, SO_RCVBUF, &n, sizeof n);
}

void
sconn_free(struct sconn *c)
{
	line_free(&c->in);
	buf_free(&c->out);
	free(c);
}

char *
soak_unstamp(char *line, size_t len)
{
	if (len < CHAT_STAMP_LEN || line[0] != '[' ||
	    line[CHAT_STAMP_LEN - 2] != ']' || line[CHAT_STAMP_LEN - 1] != ' ')
		return NULL;
	return line + CHAT_STAMP_LEN;
}
