/* client.c: client lifecycle, input and output queues, limits, disconnects. */
#include <sys/socket.h>

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "client.h"
#include "command.h"
#include "log.h"
#include "loop.h"
#include "room.h"
#include "text.h"
#include "wire.h"

/*
 * Output capacity a client keeps once its queue is written, so that a busy
 * client does not regrow its buffer every pass; the once-a-second cron
 * frees empty queues entirely, so idle clients cost (almost) nothing.
 */
#define CLIENT_OUT_KEEP      65536
/* Reads of leftover input before closing, so close() sends FIN, not RST. */
#define CLIENT_DISCARD_READS 4

static void client_on_read(struct loop *, int, void *);
static void client_on_write(struct loop *, int, void *);
static void client_drain(struct client *);
static void client_flush(struct client *);
static void client_update(struct client *);
static void client_finish(struct client *);
static void client_depart(struct client *, const char *);
static void client_wait(struct client *);
static void client_unwait(struct client *);
static void client_nick_link(struct client *);
static void client_nick_unlink(struct client *);

static const char *const client_why_texts[QUIT_NWHY] = {
	[QUIT_REQUEST] = "bye",
	[QUIT_CLOSED] = "connection closed",
	[QUIT_RESET] = "connection reset",
	[QUIT_SLOW] = "too slow",
	[QUIT_ERROR] = "read error",
	[QUIT_TIMEOUT] = "login timeout",
	[QUIT_PASSWORD] = "wrong password",
	[QUIT_SHUTDOWN] = "server shutting down",
};

const char *
client_why_text(enum quit_why why)
{
	return client_why_texts[why];
}

struct client *
client_new(struct server *srv, int fd, const char *addr)
{
	struct client *c;

	if ((c = calloc(1, sizeof *c)) == NULL) {
		log_warn("out of memory for a new client from %s", addr);
		close(fd);
		return NULL;
	}
	c->srv = srv;
	c->fd = fd;
	c->id = ++srv->next_id;
	snprintf(c->addr, sizeof c->addr, "%s", addr);
	line_init(&c->in, srv->cfg.max_line);
	buf_init(&c->out);
	c->tokens = srv->cfg.burst;
	c->refilled_ms = c->connected_ms = srv->now_ms;
	c->authed = srv->cfg.password == NULL;
	if (loop_add(srv->loop, fd, LOOP_READ, client_on_read, client_on_write,
		c) == -1) {
		close(fd);
		free(c);
		return NULL;
	}
	do {
		snprintf(c->nick, sizeof c->nick, CHAT_GUEST_PREFIX "%u",
		    ++srv->next_guest);
	} while (client_find_nick(srv, c->nick) != NULL);
	client_nick_link(c);
	TAILQ_INSERT_TAIL(&srv->clients, c, entry);
	srv->nclients++;
	log_info("client %u connected from %s as %s", c->id, c->addr, c->nick);

	if (!c->authed) {
		client_notice(c,
		    "welcome to chatd, %s! this server needs a "
		    "password: /pass PASSWORD",
		    c->nick);
		return c;
	}
	client_notice(c,
	    "welcome to chatd, %s! you are in #%s; type /help "
	    "for commands",
	    c->nick, CHAT_DEFAULT_ROOM);
	if (room_enter(c, CHAT_DEFAULT_ROOM) == -1)
		client_kill(c, QUIT_ERROR);
	return c;
}

void
client_free(struct client *c)
{
	struct server *srv = c->srv;

	loop_del(srv->loop, c->fd);
	close(c->fd);
	client_nick_unlink(c);
	TAILQ_REMOVE(&srv->clients, c, entry);
	srv->nclients--;
	line_free(&c->in);
	buf_free(&c->out);
	free(c);
}

/*
 * Input. One read of at most CHATD_READ_CHUNK per readiness, then at most
 * CHATD_LINES_PER_PASS lines, so that a fast sender cannot starve others.
 */
static void
client_on_read(struct loop *l, int fd, void *arg)
{
	struct client *c = arg;
	char tmp[CHATD_READ_CHUNK];
	ssize_t n;

	(void)l;
	if (c->dead)
		return;
	while ((n = read(fd, tmp, sizeof tmp)) == -1 && errno == EINTR)
		;
	if (n > 0) {
		c->srv->stats.bytes_in += (uint64_t)n;
		if (buf_append(&c->in.buf, tmp, (size_t)n) == -1) {
			client_kill(c, QUIT_ERROR);
			return;
		}
	} else if (n == 0)
		c->eof = 1;
	else if (errno == EAGAIN || errno == EWOULDBLOCK)
		return;
	else {
		client_kill(c, errno == ECONNRESET ? QUIT_RESET : QUIT_ERROR);
		return;
	}
	client_drain(c);
	client_update(c);
}

/* Flood control: take one line's token from the bucket, if there is one. */
static double
client_tokens(const struct client *c)
{
	const struct config *cfg = &c->srv->cfg;
	double t;

	t = c->tokens +
	    (double)(c->srv->now_ms - c->refilled_ms) * cfg->rate / 1000.0;
	return t > cfg->burst ? cfg->burst : t;
}

static int
client_take_token(struct client *c)
{
	if (c->srv->cfg.rate <= 0)
		return 1;
	c->tokens = client_tokens(c);
	c->refilled_ms = c->srv->now_ms;
	if (c->tokens < 1.0)
		return 0;
	c->tokens -= 1.0;
	return 1;
}

static void
client_drain(struct client *c)
{
	struct server *srv = c->srv;
	char *line;
	size_t len;
	int n;

	for (n = 0;; n++) {
		if (c->dead || c->closing)
			return;
		if (!line_ready(&c->in))
			break;
		if (n == CHATD_LINES_PER_PASS || !client_take_token(c)) {
			client_wait(c);
			return;
		}
		switch (line_next(&c->in, &line, &len)) {
		case LINE_OK:
			srv->stats.lines_in++;
			cmd_dispatch(c, line, len);
			break;
		case LINE_TOOLONG:
			client_error(c,
			    "line too long (max %zu bytes), dropped",
			    srv->cfg.max_line);
			break;
		case LINE_NONE:
			break;
		}
	}
	if (c->eof) {
		/* Whatever came before EOF counts, even without its LF. */
		if (line_last(&c->in, &line, &len) == LINE_OK) {
			srv->stats.lines_in++;
			cmd_dispatch(c, line, len);
		}
		client_close_after_flush(c, QUIT_CLOSED, NULL);
	}
	buf_release(&c->in.buf, 0);
}

static void
client_wait(struct client *c)
{
	if (c->waiting)
		return;
	c->waiting = 1;
	c->wait_pass = c->srv->pass;
	TAILQ_INSERT_TAIL(&c->srv->waiting, c, wait_entry);
}

static void
client_unwait(struct client *c)
{
	if (!c->waiting)
		return;
	c->waiting = 0;
	TAILQ_REMOVE(&c->srv->waiting, c, wait_entry);
}

void
client_run_waiting(struct server *srv)
{
	struct client *c;

	srv->pass++;
	/* Clients that go back to waiting now carry this pass: stop there. */
	while ((c = TAILQ_FIRST(&srv->waiting)) != NULL &&
	    c->wait_pass != srv->pass) {
		client_unwait(c);
		client_drain(c);
		client_update(c);
	}
}

int
client_wait_ms(struct server *srv)
{
	struct client *c;
	double need;
	int ms, best = -1;

	TAILQ_FOREACH(c, &srv->waiting, wait_entry)
	{
		if (srv->cfg.rate <= 0 || (need = 1.0 - client_tokens(c)) <= 0)
			return 0;
		ms = (int)(need * 1000.0 / srv->cfg.rate) + 1;
		if (best == -1 || ms < best)
			best = ms;
	}
	return best;
}

/* Read interest only while input is wanted; write interest only while the
 * socket refused part of the queue. */
static void
client_update(struct client *c)
{
	int mask = 0;

	if (!c->dead && !c->closing && !c->eof && !c->waiting)
		mask |= LOOP_READ;
	if (!c->dead && c->blocked)
		mask |= LOOP_WRITE;
	loop_set(c->srv->loop, c->fd, mask);
}

/*
 * Output. Lines are appended to the client's queue; every queue with data
 * is written once per pass, all of it in one write(), before the loop
 * sleeps. Only a socket that refused part of it is watched for writing.
 */
void
client_send(struct client *c, const char *p, size_t n)
{
	struct server *srv = c->srv;

	if (c->dead)
		return;
	if (buf_len(&c->out) + n > srv->cfg.max_queue) {
		log_warn("client %u (%s) too slow: %zu bytes queued, dropping",
		    c->id, c->nick, buf_len(&c->out));
		client_kill(c, QUIT_SLOW);
		return;
	}
	if (buf_append(&c->out, p, n) == -1) {
		client_kill(c, QUIT_ERROR);
		return;
	}
	srv->stats.lines_out++;
	if (!c->flushing && !c->blocked) {
		c->flushing = 1;
		TAILQ_INSERT_TAIL(&srv->flush, c, flush_entry);
	}
}

static void
client_vsend(struct client *c, int error, const char *fmt, va_list ap)
{
	struct buf *b = &c->srv->scratch;

	if (wire_vnotice(b, error, fmt, ap) == 0)
		client_send(c, buf_data(b), buf_len(b));
}

void
client_notice(struct client *c, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	client_vsend(c, 0, fmt, ap);
	va_end(ap);
}

void
client_error(struct client *c, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	client_vsend(c, 1, fmt, ap);
	va_end(ap);
}

static void
client_flush(struct client *c)
{
	ssize_t n;
	size_t len;

	while ((len = buf_len(&c->out)) > 0) {
		n = write(c->fd, buf_data(&c->out), len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			c->blocked = 1;
			return;
		}
		if (n == -1) {
			client_kill(c,
			    errno == EPIPE || errno == ECONNRESET ? QUIT_RESET :
								    QUIT_ERROR);
			return;
		}
		buf_consume(&c->out, (size_t)n);
		c->srv->stats.bytes_out += (uint64_t)n;
		if ((size_t)n < len) {
			/* The socket took what it could; the next write would
			 * only say EAGAIN. */
			c->blocked = 1;
			return;
		}
	}
	c->blocked = 0;
	buf_release(&c->out, CLIENT_OUT_KEEP);
	if (c->closing)
		client_finish(c);
}

static void
client_on_write(struct loop *l, int fd, void *arg)
{
	struct client *c = arg;

	(void)l;
	(void)fd;
	if (c->dead)
		return;
	c->blocked = 0;
	client_flush(c);
	client_update(c);
}

void
client_flush_all(struct server *srv)
{
	struct client *c;

	while ((c = TAILQ_FIRST(&srv->flush)) != NULL) {
		TAILQ_REMOVE(&srv->flush, c, flush_entry);
		c->flushing = 0;
		if (c->dead || c->blocked)
			continue;
		client_flush(c);
		client_update(c);
	}
}

/*
 * Leaving. A client leaves its room (with a notice) as soon as it is known
 * to be going; it is freed only at a safe point, from the dead list, so no
 * caller ever holds a pointer to freed memory.
 */
static void
client_depart(struct client *c, const char *reason)
{
	if (c->room == NULL)
		return;
	room_notice(c->room, c, "%s has quit (%s)", c->nick, reason);
	room_leave(c);
}

void
client_close_after_flush(
    struct client *c, enum quit_why why, const char *reason)
{
	if (c->dead || c->closing)
		return;
	c->closing = 1;
	c->why = why;
	client_depart(c, reason != NULL ? reason : client_why_text(why));
	client_unwait(c);
	if (buf_len(&c->out) == 0)
		client_finish(c);
	else
		client_update(c);
}

/* The queue is written: say we are done, drop unread input (so close()
 * sends FIN, not RST, which could discard what we sent), and go. */
static void
client_finish(struct client *c)
{
	char tmp[512];
	int i;

	shutdown(c->fd, SHUT_WR);
	for (i = 0; i < CLIENT_DISCARD_READS; i++)
		if (read(c->fd, tmp, sizeof tmp) <= 0)
			break;
	client_kill(c, c->why);
}

void
client_kill(struct client *c, enum quit_why why)
{
	struct server *srv = c->srv;

	if (c->dead)
		return;
	if (!c->closing)
		c->why = why;
	c->dead = 1;
	client_unwait(c);
	if (c->flushing) {
		c->flushing = 0;
		TAILQ_REMOVE(&srv->flush, c, flush_entry);
	}
	loop_set(srv->loop, c->fd, 0);
	TAILQ_INSERT_TAIL(&srv->dead, c, dead_entry);
}

void
client_reap(struct server *srv)
{
	struct client *c;

	/* Quit notices may drop more (slow) clients: they join the list. */
	while ((c = TAILQ_FIRST(&srv->dead)) != NULL) {
		TAILQ_REMOVE(&srv->dead, c, dead_entry);
		client_depart(c, client_why_text(c->why));
		srv->stats.quits[c->why]++;
		log_info("client %u (%s) disconnected: %s", c->id, c->nick,
		    client_why_text(c->why));
		client_free(c);
	}
}

void
client_cron(struct server *srv)
{
	struct client *c;
	int64_t limit;

	limit = (int64_t)srv->cfg.login_timeout * 1000;
	TAILQ_FOREACH(c, &srv->clients, entry)
	{
		buf_release(&c->out, 0);
		if (srv->cfg.password == NULL || c->authed || c->closing ||
		    c->dead || srv->now_ms - c->connected_ms < limit)
			continue;
		client_error(c, "login timeout");
		client_close_after_flush(c, QUIT_TIMEOUT, NULL);
	}
}

/* Nicks, unique ignoring case, in a hash table for O(1) /msg lookups. */
static struct client **
client_nick_bucket(struct server *srv, const char *nick)
{
	return &srv->nicks[text_casehash(nick) % SERVER_NICK_BUCKETS];
}

struct client *
client_find_nick(struct server *srv, const char *nick)
{
	struct client *c;

	for (c = *client_nick_bucket(srv, nick); c != NULL; c = c->nick_next)
		if (text_casecmp(c->nick, nick) == 0)
			return c;
	return NULL;
}

static void
client_nick_link(struct client *c)
{
	struct client **b = client_nick_bucket(c->srv, c->nick);

	c->nick_next = *b;
	*b = c;
}

static void
client_nick_unlink(struct client *c)
{
	struct client **p = client_nick_bucket(c->srv, c->nick);

	for (; *p != NULL; p = &(*p)->nick_next)
		if (*p == c) {
			*p = c->nick_next;
			return;
		}
}

void
client_set_nick(struct client *c, const char *nick)
{
	client_nick_unlink(c);
	snprintf(c->nick, sizeof c->nick, "%s", nick);
	client_nick_link(c);
}
