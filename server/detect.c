/* detect.c: a new connection's first line decides its protocol: IRC or plain text. */
#include <stdlib.h>
#include <string.h>

#include "conn.h"
#include "detect.h"
#include "irc.h"
#include "log.h"
#include "proto_irc.h"
#include "proto_text.h"
#include "server.h"

struct detect {
	struct server *srv;
	struct conn *conn;
	int64_t connected_ms;
	enum ev_code refuse; /* 0: none */
	struct loop_timer timer;
};

static void detect_on_line(struct conn *, void *, char *, size_t);
static void detect_on_toolong(struct conn *, void *);
static void detect_on_eof(struct conn *, void *);
static void detect_on_fail(struct conn *, void *, enum conn_why, size_t);
static void detect_on_release(struct conn *, void *);
static void detect_on_stop(struct conn *, void *);
static void detect_on_timer(struct loop *, struct loop_timer *, void *);

static const struct conn_ops detect_conn_ops = {
	.line = detect_on_line,
	.toolong = detect_on_toolong,
	.eof = detect_on_eof,
	.fail = detect_on_fail,
	.release = detect_on_release,
	.stop = detect_on_stop,
};

/* A refused connection, closing: it has no owner any more. */
static void refused_on_line(struct conn *, void *, char *, size_t);
static void refused_on_conn(struct conn *, void *);
static void refused_on_fail(struct conn *, void *, enum conn_why, size_t);

static const struct conn_ops detect_refused_ops = {
	.line = refused_on_line,
	.toolong = refused_on_conn,
	.eof = refused_on_conn,
	.fail = refused_on_fail,
	.release = refused_on_conn,
	.stop = refused_on_conn,
};

/* The words that open an IRC registration (irc-v1 §1). */
static const char *const detect_irc_words[] = { "CAP", "NICK", "USER", "PASS" };

int
detect_is_irc(const char *line, size_t len)
{
	size_t i, k, n;

	for (i = 0; i < sizeof detect_irc_words / sizeof *detect_irc_words;
	     i++) {
		n = strlen(detect_irc_words[i]);
		if (len < n || (len > n && line[n] != ' '))
			continue;
		for (k = 0; k < n; k++)
			if ((line[k] & ~0x20) != detect_irc_words[i][k])
				break;
		if (k == n)
			return 1;
	}
	return 0;
}

int
detect_start(struct server *srv, struct conn *conn, int64_t connected_ms,
    enum ev_code refuse)
{
	struct detect *d;
	size_t max = srv->cfg.max_line > IRC_INPUT_MAX ? srv->cfg.max_line :
							 IRC_INPUT_MAX;

	if ((d = calloc(1, sizeof *d)) == NULL) {
		log_warn("client %u: out of memory for a new client", conn->id);
		conn_kill(conn);
		return -1;
	}
	d->srv = srv;
	d->conn = conn;
	d->connected_ms = connected_ms;
	d->refuse = refuse;
	srv->ndetecting++;
	if (refuse != 0)
		srv->nover++;
	conn_attach(conn, &detect_conn_ops, d);
	/* Either protocol's lines fit until we know which it is. */
	conn_set_max_line(conn, max);
	conn_set_telnet(conn, 1);
	loop_timer_start(srv->loop, &d->timer,
	    connected_ms + CHATD_DETECT_MS - loop_now(srv->loop), 0,
	    detect_on_timer, d);
	return 0;
}

/* Let go of the connection: it belongs to a protocol now, or is gone. */
static void
detect_end(struct detect *d)
{
	struct server *srv = d->srv;

	loop_timer_stop(srv->loop, &d->timer);
	srv->ndetecting--;
	if (d->refuse != 0)
		srv->nover--;
	free(d);
}

/*
 * The protocol is known: irc or not. line (NULL: none came in time) is
 * the first line, handed to the protocol as its own; toolong: that line
 * was over every limit and dropped. A connection over a limit is refused
 * instead, in the protocol's words.
 */
static void
detect_hand_over(struct detect *d, int irc, char *line, size_t len, int toolong)
{
	struct server *srv = d->srv;
	struct conn *c = d->conn;
	int64_t connected_ms = d->connected_ms;
	enum ev_code refuse = d->refuse;

	detect_end(d);
	log_info("client %u speaks %s", c->id, irc ? "irc" : "text");
	if (refuse != 0) {
		log_info("client %u from %s refused: %s", c->id, c->addr,
		    refuse == E_SERVER_FULL ? "server full" :
					      "too many connections");
		conn_attach(c, &detect_refused_ops, NULL);
		if (irc)
			proto_irc_refuse(c, refuse);
		else
			proto_text_refuse(c, refuse);
		return;
	}
	if (irc ? proto_irc_start(srv, c, connected_ms) == -1 :
		  proto_text_start(srv, c, connected_ms) == -1)
		return;
	if (toolong || (line != NULL && !irc && len > srv->cfg.max_line))
		c->ops->toolong(c, c->owner);
	else if (line != NULL)
		c->ops->line(c, c->owner, line, len);
}

static void
detect_on_line(struct conn *c, void *owner, char *line, size_t len)
{
	(void)c;
	detect_hand_over(owner, detect_is_irc(line, len), line, len, 0);
}

/* A first line too long for either protocol: nobody's IRC client sends
 * that, a paste into nc might. */
static void
detect_on_toolong(struct conn *c, void *owner)
{
	(void)c;
	detect_hand_over(owner, 0, NULL, 0, 1);
}

static void
detect_on_timer(struct loop *l, struct loop_timer *t, void *arg)
{
	(void)l;
	(void)t;
	detect_hand_over(arg, 0, NULL, 0, 0);
}

/* Gone before saying anything: nobody was told of it, nobody is now. */
static void
detect_on_eof(struct conn *c, void *owner)
{
	struct detect *d = owner;

	d->srv->stats.undetected++;
	conn_close(c);
}

static void
detect_on_fail(struct conn *c, void *owner, enum conn_why why, size_t n)
{
	struct detect *d = owner;

	(void)c;
	(void)why;
	(void)n;
	d->srv->stats.undetected++;
}

static void
detect_on_release(struct conn *c, void *owner)
{
	(void)c;
	detect_end(owner);
}

static void
detect_on_stop(struct conn *c, void *owner)
{
	struct detect *d = owner;

	d->srv->stats.undetected++;
	conn_close(c);
}

/* Nothing reaches a refused connection's owner: it is closing already. */
static void
refused_on_line(struct conn *c, void *owner, char *line, size_t len)
{
	(void)c;
	(void)owner;
	(void)line;
	(void)len;
}

static void
refused_on_conn(struct conn *c, void *owner)
{
	(void)c;
	(void)owner;
}

static void
refused_on_fail(struct conn *c, void *owner, enum conn_why why, size_t n)
{
	(void)c;
	(void)owner;
	(void)why;
	(void)n;
}
