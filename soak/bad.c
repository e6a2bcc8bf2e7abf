/* bad.c: chatsoak's misbehaving clients that vanish, reset, never read, or trickle a byte a second. */
#include <sys/socket.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "soak.h"

/* How long the server may take to answer or close, before it counts as a
 * stall. Generous: the loop is busy with floods at the same time. */
#define BAD_ANSWER_MS           10000
/* A never-reader that wakes drains for this long to see if it was dropped. */
#define NEVERREAD_WAKE_MS       3000
/* Feeders fill the kernel's buffers and --max-queue in about 10 s; one
 * that lives twice that and is still connected was never dropped. */
#define NEVERREAD_LIFE_MIN_MS   20000
#define NEVERREAD_LIFE_MAX_MS   40000
/* Silent never-readers get only #lobby's floods: fewer, and longer lives. */
#define NEVERREAD_SILENT_MAX    2
#define NEVERREAD_SILENT_MIN_MS 60000
#define NEVERREAD_SILENT_MAX_MS 150000
/* Feeding rate when the server has no flood control. */
#define NEVERREAD_FEED_RATE     50
#define RESET_HELPS             30
#define RESET_AFTER_MIN_MS      100
#define RESET_AFTER_MAX_MS      800
#define SLOWLORIS_LIFE_MIN_MS   5000
#define SLOWLORIS_LIFE_MAX_MS   30000
#define SLOWLORIS_BYTE_MS       1000

static void
bad_ignore_line(struct soak *s, struct sconn *c, char *line, size_t len)
{
	(void)s;
	(void)c;
	(void)line;
	(void)len;
}

/* The server closing a bad client is its right: count it. */
static void
bad_closed_counted(struct soak *s, struct sconn *c, int err)
{
	(void)err;
	s->count[c->kind].dropped++;
}

static void
bad_stop_close(struct soak *s, struct sconn *c)
{
	s->count[c->kind].cut++;
	sconn_close(s, c, 0);
}

/*
 * Vanish: connect and go away again. Variants: close at once; reset at
 * once; close after the welcome; send a few lines (the last one without
 * LF) and close without reading; the same but half-close and wait for the
 * server to finish and close its side.
 */
enum {
	VANISH_NOW,
	VANISH_RST,
	VANISH_WELCOME,
	VANISH_LINES,
	VANISH_HALF,
	VANISH_NVARIANTS
};

static void
vanish_lines(struct soak *s, struct sconn *c)
{
	int n = (int)soak_between(s, 1, 4);

	for (int i = 0; i < n; i++)
		sconn_printf(c, "vanish %u line %d\n", c->id, i);
	sconn_printf(c, "vanish %u unterminated", c->id);
	s->count[c->kind].lines_sent += (uint64_t)n + 1;
}

static void
vanish_start(struct soak *s, struct sconn *c)
{
	c->variant = (int)soak_between(s, 0, VANISH_NVARIANTS - 1);
	switch (c->variant) {
	case VANISH_NOW:
	case VANISH_RST:
		s->count[c->kind].finished++;
		sconn_close(s, c, c->variant == VANISH_RST);
		break;
	case VANISH_WELCOME:
		c->next_ms = c->born_ms + BAD_ANSWER_MS;
		break;
	case VANISH_LINES:
		c->reading = 0;
		vanish_lines(s, c);
		if (sconn_flush(s, c) == 0) {
			s->count[c->kind].finished++;
			sconn_close(s, c, 0);
		}
		break;
	case VANISH_HALF:
		vanish_lines(s, c);
		if (sconn_flush(s, c) == 0)
			shutdown(c->fd, SHUT_WR);
		c->next_ms = c->born_ms + BAD_ANSWER_MS;
		break;
	}
}

static void
vanish_timer(struct soak *s, struct sconn *c)
{
	soak_violation(s, c,
	    c->variant == VANISH_WELCOME ?
		"no welcome "
		"within %d ms" :
		"the server did not close a half-closed "
		"connection within %d ms",
	    BAD_ANSWER_MS);
	sconn_close(s, c, 0);
}

static void
vanish_line(struct soak *s, struct sconn *c, char *line, size_t len)
{
	(void)line;
	(void)len;
	if (c->variant == VANISH_WELCOME) {
		s->count[c->kind].finished++;
		sconn_close(s, c, 0);
	}
}

static void
vanish_closed(struct soak *s, struct sconn *c, int err)
{
	if (c->variant == VANISH_HALF && err == 0) {
		s->count[c->kind].finished++;
		s->count[c->kind].checked++;
		return;
	}
	soak_violation(s, c, "variant %d: the server closed it first (%s)",
	    c->variant, err ? strerror(err) : "EOF");
}

const struct soak_kind_ops soak_vanish_ops = { "vanish", vanish_start,
	vanish_timer, vanish_line, vanish_closed, bad_stop_close };

/*
 * Reset mid-write: ask for plenty of output (/help, many times) into a
 * small receive window, read none of it, and reset the connection while
 * the server still has output queued for us.
 */
static void
reset_start(struct soak *s, struct sconn *c)
{
	sconn_small_rcvbuf(c);
	c->reading = 0;
	for (int i = 0; i < RESET_HELPS; i++)
		sconn_printf(c, "/help\n");
	s->count[c->kind].lines_sent += RESET_HELPS;
	c->next_ms = c->born_ms +
	    soak_between(s, RESET_AFTER_MIN_MS, RESET_AFTER_MAX_MS);
}

static void
reset_timer(struct soak *s, struct sconn *c)
{
	s->count[c->kind].finished++;
	sconn_close(s, c, 1);
}

static void
reset_stop(struct soak *s, struct sconn *c)
{
	s->count[c->kind].cut++;
	sconn_close(s, c, 1);
}

const struct soak_kind_ops soak_reset_ops = { "reset", reset_start, reset_timer,
	bad_ignore_line, bad_closed_counted, reset_stop };

/*
 * Never-read: read nothing, so that the server's queue for it grows until
 * --max-queue drops it as too slow. On loopback the kernel alone absorbs
 * megabytes (the send buffer autotunes to tcp_wmem's maximum), so most
 * never-readers also feed themselves: /msg to their own nick with lines
 * near --max-line, at the flood-control rate, which the server echoes
 * twice (to the sender and to the recipient). Variants: in the good room
 * and feeding; in #lobby and feeding; in #lobby and silent. At the end of
 * its life it wakes and drains: an EOF or reset says the server dropped
 * it; silence means it survived.
 */
enum { NEVERREAD_ROOM, NEVERREAD_LOBBY, NEVERREAD_SILENT, NEVERREAD_NVARIANTS };
enum { NEVERREAD_ASLEEP, NEVERREAD_AWAKE };

/* Silent never-readers alive, this one (already in the table) included. */
static int
neverread_silent(const struct soak *s)
{
	int n = 0;

	for (int i = 0; i < s->nconns; i++)
		if (!s->conns[i]->gone && s->conns[i]->kind == KIND_NEVERREAD &&
		    s->conns[i]->variant == NEVERREAD_SILENT)
			n++;
	return n;
}

static void
neverread_start(struct soak *s, struct sconn *c)
{
	c->reading = 0;
	c->variant = (int)soak_between(s, 0, NEVERREAD_NVARIANTS - 1);
	if (c->variant == NEVERREAD_SILENT &&
	    neverread_silent(s) > NEVERREAD_SILENT_MAX)
		c->variant = NEVERREAD_LOBBY;
	/* Not for feeders: with a receive buffer this small and full, the
	 * loopback connection also stalls the other way, and the feed stops
	 * reaching the server (seen as megabytes stuck in our send queue). */
	if (c->variant == NEVERREAD_SILENT)
		sconn_small_rcvbuf(c);
	if (c->variant != NEVERREAD_SILENT)
		sconn_printf(c, "/nick nr%u\n", c->id);
	if (c->variant == NEVERREAD_ROOM)
		sconn_printf(c, "/join #%s\n", s->cfg.room);
	if (c->variant == NEVERREAD_SILENT)
		c->end_ms = c->born_ms +
		    soak_between(
			s, NEVERREAD_SILENT_MIN_MS, NEVERREAD_SILENT_MAX_MS);
	else
		c->end_ms = c->born_ms +
		    soak_between(
			s, NEVERREAD_LIFE_MIN_MS, NEVERREAD_LIFE_MAX_MS);
	c->next_ms = c->variant == NEVERREAD_SILENT ? c->end_ms : c->born_ms;
}

/* One /msg to itself, as long as the server takes. */
static void
neverread_feed(struct soak *s, struct sconn *c)
{
	char head[64];
	size_t len = (size_t)s->cfg.max_line;
	int n;

	n = snprintf(head, sizeof head, "/msg nr%u ", c->id);
	sconn_send(c, head, (size_t)n);
	while (len > (size_t)n + 1) {
		size_t k = len - (size_t)n - 1 < 32 ? len - (size_t)n - 1 : 32;

		sconn_send(c, "feed-me-feed-me-feed-me-feed-me!", k);
		len -= k;
	}
	sconn_send(c, "\n", 1);
	c->n++;
	s->count[c->kind].lines_sent++;
}

static void
neverread_wake(struct soak *s, struct sconn *c)
{
	c->state = NEVERREAD_AWAKE;
	c->reading = 1;
	c->next_ms = soak_now_ms() + NEVERREAD_WAKE_MS;
	(void)s;
}

static void
neverread_timer(struct soak *s, struct sconn *c)
{
	int64_t now = soak_now_ms();

	if (c->state == NEVERREAD_ASLEEP && now < c->end_ms) {
		/* Keep a little queued, no more: flood control paces us. */
		if (buf_len(&c->out) < (size_t)s->cfg.max_line * 2)
			neverread_feed(s, c);
		c->next_ms = now +
		    (int64_t)(1000.0 /
			(s->cfg.rate > 0 ? s->cfg.rate : NEVERREAD_FEED_RATE));
		return;
	}
	if (c->state == NEVERREAD_ASLEEP) {
		neverread_wake(s, c);
		return;
	}
	/* Woken early by the end of the run, it only says so much. */
	if (c->m)
		s->count[c->kind].cut++;
	else
		s->count[c->kind].survived++;
	if (!c->m && c->variant != NEVERREAD_SILENT)
		soak_violation(s, c,
		    "fed itself %llu lines of %d bytes, "
		    "echoed twice, unread for %lld ms, and was never dropped "
		    "as too slow",
		    (unsigned long long)c->n, s->cfg.max_line,
		    (long long)(c->end_ms - c->born_ms));
	soak_debug(s,
	    "neverread #%u (variant %d) %s after %lld ms, %llu "
	    "lines fed, %zu bytes unsent",
	    c->id, c->variant, c->m ? "cut short" : "survived",
	    (long long)(soak_now_ms() - c->born_ms), (unsigned long long)c->n,
	    buf_len(&c->out));
	sconn_close(s, c, 0);
}

static void
neverread_closed(struct soak *s, struct sconn *c, int err)
{
	soak_debug(s, "neverread #%u (variant %d) dropped after %lld ms (%s)",
	    c->id, c->variant, (long long)(soak_now_ms() - c->born_ms),
	    err ? strerror(err) : "EOF");
	s->count[c->kind].dropped++;
	s->count[c->kind].finished++;
}

static void
neverread_stop(struct soak *s, struct sconn *c)
{
	if (c->state == NEVERREAD_ASLEEP) {
		c->m = 1;
		neverread_wake(s, c);
	}
}

const struct soak_kind_ops soak_neverread_ops = { "neverread", neverread_start,
	neverread_timer, bad_ignore_line, neverread_closed, neverread_stop };

/*
 * Slowloris: one byte a second of a line with no LF, reading what the
 * server sends meanwhile. At the end: finish the line and close; close in
 * the middle of the line; or finish it, /quit and wait for "-!- bye" and
 * the close.
 */
enum { SLOW_LF_CLOSE, SLOW_MIDLINE, SLOW_QUIT, SLOW_NVARIANTS };
enum { SLOW_TRICKLE, SLOW_WAIT_BYE };

static void
slowloris_start(struct soak *s, struct sconn *c)
{
	c->variant = (int)soak_between(s, 0, SLOW_NVARIANTS - 1);
	c->end_ms = c->born_ms +
	    soak_between(s, SLOWLORIS_LIFE_MIN_MS, SLOWLORIS_LIFE_MAX_MS);
	c->next_ms = c->born_ms + SLOWLORIS_BYTE_MS;
}

static void
slowloris_timer(struct soak *s, struct sconn *c)
{
	char head[64];
	int hl;
	int64_t now = soak_now_ms();

	if (c->state == SLOW_WAIT_BYE) {
		soak_violation(s, c, "no bye and close within %d ms of /quit",
		    BAD_ANSWER_MS);
		sconn_close(s, c, 0);
		return;
	}
	if (now < c->end_ms) {
		hl = snprintf(head, sizeof head, "slowloris %u ", c->id);
		sconn_send(c, c->n < (uint64_t)hl ? head + c->n : "z", 1);
		c->n++;
		c->next_ms = now + SLOWLORIS_BYTE_MS;
		return;
	}
	s->count[c->kind].lines_sent++;
	switch (c->variant) {
	case SLOW_LF_CLOSE:
	case SLOW_MIDLINE:
		if (c->variant == SLOW_LF_CLOSE)
			sconn_send(c, "\n", 1);
		if (sconn_flush(s, c) == 0) {
			s->count[c->kind].finished++;
			sconn_close(s, c, 0);
		}
		break;
	case SLOW_QUIT:
		sconn_printf(c, "\n/quit slowloris done\n");
		c->state = SLOW_WAIT_BYE;
		c->next_ms = now + BAD_ANSWER_MS;
		break;
	}
}

static void
slowloris_line(struct soak *s, struct sconn *c, char *line, size_t len)
{
	char *text = soak_unstamp(line, len);

	(void)s;
	if (c->state == SLOW_WAIT_BYE && text != NULL &&
	    strcmp(text, "-!- bye") == 0)
		c->m = 1;
}

static void
slowloris_closed(struct soak *s, struct sconn *c, int err)
{
	if (c->state == SLOW_WAIT_BYE && c->m && err == 0) {
		s->count[c->kind].finished++;
		s->count[c->kind].checked++;
		return;
	}
	s->count[c->kind].dropped++;
	if (c->state == SLOW_WAIT_BYE)
		soak_violation(s, c, "closed after /quit without a bye (%s)",
		    err ? strerror(err) : "EOF");
}

static void
slowloris_stop(struct soak *s, struct sconn *c)
{
	if (c->state != SLOW_WAIT_BYE)
		bad_stop_close(s, c);
}

const struct soak_kind_ops soak_slowloris_ops = { "slowloris", slowloris_start,
	slowloris_timer, slowloris_line, slowloris_closed, slowloris_stop };
