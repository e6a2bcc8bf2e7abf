/*
 * fuzz_server_model.h: the delivery model of fuzz_server_body.h. It
 * follows every room line from the bytes a peer wrote to the lines the
 * other peers read, and fails when one is lost, doubled, reordered, sent
 * to someone outside the room, or echoed to its sender:
 *
 * 1. Framing. For a peer that never wrote a 0xFF byte (so telnet cannot
 *    have changed its bytes), each line its connection hands over is the
 *    next line it wrote (CR LF or LF, the last one at EOF), and a line
 *    refused as too long is one over max_line.
 * 2. Acceptance. A handed-over line of printable ASCII from a signed-in
 *    user in a room is predicted: a message (or "//" message, or "/me"
 *    action) must make exactly one room message event of that user, in
 *    its room, with exactly that text; any other line none. A line from a
 *    user not in a room never makes one.
 * 3. Delivery. Every event the core hands to its sink is expected, in
 *    event order, by each of its recipients (resolved here by the rules
 *    of chat.h: a room's members but except, a user's neighbours once,
 *    the actor with its own view). Messages are expected as the spec
 *    words them ("<nick> text", "* nick text", "*nick* text", "-> *nick*
 *    text"; nothing for the sender of a room message), other events as
 *    render_line() words them. A peer must read exactly what is expected
 *    of it, in that order: a message line must be the next one expected;
 *    a notice is the next one expected, or a reply that never went
 *    through the sink (those are not followed). It may read only a
 *    prefix when its connection failed (too slow, reset, or its fd closed
 *    here) or was freed with bytes unsent (the linger deadline); one
 *    dropped as too slow must also have read its last line
 *    ("disconnected: too slow") unless bytes were left unsent. Lines
 *    still held back by flood control are not losses: they are handed
 *    over in the final drain and only then expected of anyone.
 * 4. A connection's owner hears once that it is too slow.
 *
 * The model hooks in by wrapping the core's sink and each connection's
 * callbacks (no change to the server); when it is not started, every
 * entry point does nothing.
 */
#ifndef FUZZ_SERVER_MODEL_H
#define FUZZ_SERVER_MODEL_H

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "buf.h"
#include "chat.h"
#include "conn.h"
#include "proto.h"
#include "proto_text.h"
#include "render.h"
#include "server.h"

#define FZM_PEERS     3
#define FZM_ITEMS_MAX 16384
#define FZM_ARENA_MAX (2 * 1024 * 1024)

/* One line a peer must read: its text after the stamp, in the arena. */
struct fzm_item {
	uint32_t off, len;
	int must; /* a message: no line of the sink's may come before it */
};

struct fzm_peer {
	struct conn *c;
	struct buf written; /* what it wrote, from cursor on */
	int raw;            /* never wrote 0xFF: framing is exact */
	int skipping;       /* the rest of a too-long line */
	int ended;          /* EOF sent (half-close or close) */
	int closed;         /* its fd closed: reads nothing more */
	struct fzm_item exp[FZM_ITEMS_MAX]; /* expected, in order */
	size_t nexp, pos;                   /* expected, read so far */
	int dropped;                        /* may miss the rest */
	int slow, got_last, fails;
	size_t unsent_at_free;
};

struct fzm {
	int active;
	int npeers;
	struct fzm_peer p[FZM_PEERS];
	size_t nevents; /* followed */
	char arena[FZM_ARENA_MAX];
	size_t used;
	struct buf scratch; /* render_line's */
	int overflow;       /* more than the model holds: delivery unchecked */
	size_t max_line;
	const struct conn_ops *orig;
	struct conn_ops ops;
	const struct chat_sink *orig_sink;
	struct chat_sink sink;
	/* The line being handled, and the room messages it made. */
	const struct user *line_user;
	int line_msgs;
	struct fzm_item line_msg;
	int *failed;
	char *why;
	size_t whylen;
};

/* One model per process: the callbacks find it here. */
static struct fzm fzm_state;

static void fzm_fail(struct fzm *, const char *, ...)
    __attribute__((format(printf, 2, 3)));

static void
fzm_fail(struct fzm *m, const char *fmt, ...)
{
	va_list ap;

	if (*m->failed)
		return;
	*m->failed = 1;
	va_start(ap, fmt);
	vsnprintf(m->why, m->whylen, fmt, ap);
	va_end(ap);
}

static int
fzm_peer_of_conn(const struct fzm *m, const struct conn *c)
{
	int i;

	for (i = 0; i < m->npeers; i++)
		if (m->p[i].c == c)
			return i;
	return -1;
}

static int
fzm_peer_of_user(const struct fzm *m, const struct user *u)
{
	return u->ep != NULL ? fzm_peer_of_conn(m, u->ep->conn) : -1;
}

/* Framing: the line (or a too-long verdict) c handed over is the next
 * one peer i wrote. */
static void
fzm_frame(struct fzm *m, int i, const char *line, size_t len, int toolong)
{
	struct fzm_peer *pe = &m->p[i];
	const char *w = buf_len(&pe->written) > 0 ? buf_data(&pe->written) : "";
	const char *lf;
	size_t n = buf_len(&pe->written), l;

	if (pe->skipping) {
		if ((lf = memchr(w, '\n', n)) == NULL) {
			fzm_fail(m,
			    "client %d: a line came out of the middle of a dropped one",
			    i);
			return;
		}
		buf_consume(&pe->written, (size_t)(lf - w) + 1);
		pe->skipping = 0;
		fzm_frame(m, i, line, len, toolong);
		return;
	}
	lf = memchr(w, '\n', n);
	l = lf != NULL ? (size_t)(lf - w) : n;
	if (l > 0 && w[l - 1] == '\r')
		l--;
	if (toolong) {
		if (l <= m->max_line && (lf != NULL || n <= m->max_line))
			fzm_fail(m,
			    "client %d: a line of %zu bytes refused as longer than %zu",
			    i, l, m->max_line);
		if (lf == NULL)
			pe->skipping = 1;
		buf_consume(
		    &pe->written, lf != NULL ? (size_t)(lf - w) + 1 : n);
		return;
	}
	if (lf == NULL && !pe->ended)
		fzm_fail(m,
		    "client %d: a line without its LF came out before EOF: %.*s",
		    i, (int)(len > 60 ? 60 : len), line);
	else if (l != len || memcmp(w, line, len) != 0)
		fzm_fail(m,
		    "client %d: line \"%.*s\" came out where it wrote \"%.*s\"",
		    i, (int)(len > 60 ? 60 : len), line, (int)(l > 60 ? 60 : l),
		    w);
	buf_consume(&pe->written, lf != NULL ? (size_t)(lf - w) + 1 : n);
}

enum fzm_pred { FZM_NONE, FZM_MSG, FZM_UNKNOWN };

/* What a plain-text line is, read by the rules of chatd-v1 §4 (only for
 * printable ASCII and TAB: no cleaning changes those). */
static enum fzm_pred
fzm_predict(const char *line, size_t len, const char **text, size_t *tlen,
    unsigned *flags)
{
	size_t i, name;

	for (i = 0; i < len; i++)
		if ((line[i] < 0x20 && line[i] != '\t') || line[i] > 0x7e)
			return FZM_UNKNOWN;
	for (i = 0; i < len && (line[i] == ' ' || line[i] == '\t'); i++)
		;
	if (i == len)
		return FZM_NONE; /* blank */
	*flags = 0;
	if (line[0] != '/' || line[1] == '/') {
		*text = line[0] == '/' ? line + 1 : line;
		*tlen = line[0] == '/' ? len - 1 : len;
		return FZM_MSG;
	}
	name = strcspn(line + 1, " \t");
	if (name != 2 || (line[1] | 0x20) != 'm' || (line[2] | 0x20) != 'e')
		return FZM_NONE; /* a command: never a room message */
	for (i = 3; i < len && (line[i] == ' ' || line[i] == '\t'); i++)
		;
	*text = line + i;
	*tlen = len - i;
	for (; i < len; i++)
		if (line[i] != ' ' && line[i] != '\t') {
			*flags = EV_F_ACTION;
			return FZM_MSG;
		}
	return FZM_NONE; /* "/me" alone: its usage */
}

/* Is item g the room line of nick saying text (flags: an action)? */
static int
fzm_msg_is(const struct fzm *m, const struct fzm_item *g, const char *nick,
    const char *text, size_t tlen, unsigned flags)
{
	char pre[CHAT_NICK_MAX + 8];
	int n;

	n = snprintf(
	    pre, sizeof pre, (flags & EV_F_ACTION) ? "* %s " : "<%s> ", nick);
	return g->len == (size_t)n + tlen &&
	    memcmp(m->arena + g->off, pre, (size_t)n) == 0 &&
	    memcmp(m->arena + g->off + n, text, tlen) == 0;
}

static void
fzm_on_line(struct conn *c, void *owner, char *line, size_t len)
{
	struct fzm *m = &fzm_state;
	const struct text_session *s = owner;
	const struct member *mb = TAILQ_FIRST(&s->user->rooms);
	char nick[CHAT_NICK_MAX + 1], room[CHAT_ROOM_MAX + 1];
	const char *text = NULL;
	size_t tlen = 0;
	unsigned flags = 0;
	enum fzm_pred pred;
	int i = fzm_peer_of_conn(m, c), in;

	if (i >= 0 && m->p[i].raw)
		fzm_frame(m, i, line, len, 0);
	in = !s->gone && s->authed && mb != NULL;
	snprintf(nick, sizeof nick, "%s", s->user->nick);
	snprintf(room, sizeof room, "%s", mb != NULL ? mb->room->name : "");
	pred = fzm_predict(line, len, &text, &tlen, &flags);
	m->line_user = s->user;
	m->line_msgs = 0;
	m->orig->line(c, owner, line, len);
	m->line_user = NULL;
	if (m->overflow)
		return;
	if (m->line_msgs > 1)
		fzm_fail(m, "client %d: one line made %d room messages", i,
		    m->line_msgs);
	else if (m->line_msgs == 1 && (!in || pred == FZM_NONE))
		fzm_fail(m, "client %d: \"%.*s\" made a room message (%s)", i,
		    (int)(len > 60 ? 60 : len), line,
		    in ? "not a message" : "not in a room");
	else if (in && pred == FZM_MSG && m->line_msgs == 0)
		fzm_fail(m,
		    "client %d: message \"%.*s\" to #%s made no room message",
		    i, (int)(len > 60 ? 60 : len), line, room);
	else if (in && pred == FZM_MSG &&
	    !fzm_msg_is(m, &m->line_msg, nick, text, tlen, flags))
		fzm_fail(m, "client %d: \"%.*s\" became \"%.*s\"", i,
		    (int)(len > 60 ? 60 : len), line, (int)m->line_msg.len,
		    m->arena + m->line_msg.off);
}

static void
fzm_on_toolong(struct conn *c, void *owner)
{
	struct fzm *m = &fzm_state;
	int i = fzm_peer_of_conn(m, c);

	if (i >= 0 && m->p[i].raw)
		fzm_frame(m, i, NULL, 0, 1);
	m->orig->toolong(c, owner);
}

static void
fzm_on_fail(struct conn *c, void *owner, enum conn_why why, size_t unsent)
{
	struct fzm *m = &fzm_state;
	int i = fzm_peer_of_conn(m, c);

	if (i >= 0) {
		m->p[i].dropped = 1;
		m->p[i].slow |= why == CONN_SLOW;
		/* A slow one told again that it is too slow: its last line
		 * did not fit, and saying it again fails it again, so
		 * conn_reap would never return. Say so, and end the loop
		 * here. (Told again for another reason, a reset while it
		 * lingers, is allowed.) */
		if (why == CONN_SLOW && m->p[i].fails++ > 0) {
			fzm_fail(m,
			    "client %d: told %d times it is too slow (unsent %zu): its last line does not fit, conn_reap loops",
			    i, m->p[i].fails, unsent);
			return;
		}
	}
	(*m->orig->fail)(c, owner, why, unsent); /* check.h has a fail() */
}

static void
fzm_on_release(struct conn *c, void *owner)
{
	struct fzm *m = &fzm_state;
	int i = fzm_peer_of_conn(m, c);

	if (i >= 0 && conn_queued(c) > 0) {
		m->p[i].dropped = 1;
		m->p[i].unsent_at_free = conn_queued(c);
	}
	m->orig->release(c, owner);
}

#endif
