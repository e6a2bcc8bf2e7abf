/* proto_text.c: the plain-text protocol: a connection's life, and events as v1 lines. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "chat.h"
#include "conn.h"
#include "log.h"
#include "proto_text.h"
#include "render.h"
#include "server.h"
#include "text.h"

static void text_on_line(struct conn *, void *, char *, size_t);
static void text_on_toolong(struct conn *, void *);
static void text_on_eof(struct conn *, void *);
static void text_on_fail(struct conn *, void *, enum conn_why, size_t);
static void text_on_release(struct conn *, void *);
static void text_on_stop(struct conn *, void *);
static void text_on_login_timeout(struct loop *, struct loop_timer *, void *);
static void text_kicked(struct endpoint *, const struct ev *);
static void text_welcome(struct text_session *);
static void text_welcome_resume(struct server *, unsigned);

static const struct conn_ops text_conn_ops = {
	.line = text_on_line,
	.toolong = text_on_toolong,
	.eof = text_on_eof,
	.fail = text_on_fail,
	.release = text_on_release,
	.stop = text_on_stop,
};

struct text_session *
proto_text_find(struct server *srv, unsigned id)
{
	struct conn *c = conn_find(&srv->conns, id);

	return c != NULL && c->ops == &text_conn_ops ? c->owner : NULL;
}

static const struct endpoint_ops text_endpoint_ops = {
	.kicked = text_kicked,
};

int
proto_text_render(struct buf *out, const struct ev *ev, int self, unsigned v)
{
	(void)v;
	return render_line(out, ev, self);
}

int
proto_text_refusal(struct buf *b, enum ev_code code)
{
	struct ev ev;

	memset(&ev, 0, sizeof ev);
	ev.kind = EV_ERROR;
	ev.code = code;
	ev.time_ms = chat_clock_ms();
	return render_line(b, &ev, 0) == 1 ? 0 : -1;
}

void
proto_text_refuse(struct conn *c, enum ev_code code)
{
	struct buf b;

	buf_init(&b);
	if (proto_text_refusal(&b, code) == 0)
		conn_send(c, buf_data(&b), buf_len(&b));
	buf_free(&b);
	conn_close(c);
}

int
proto_text_start(struct server *srv, struct conn *conn, int64_t connected_ms)
{
	struct text_session *s;

	if ((s = calloc(1, sizeof *s)) == NULL ||
	    (s->user = chat_user_new(&srv->chat, conn->id, &s->ep)) == NULL) {
		log_warn("client %u: out of memory for a new client", conn->id);
		free(s);
		conn_kill(conn);
		return -1;
	}
	s->srv = srv;
	s->ep.conn = conn;
	s->ep.variant = FANOUT_TEXT;
	s->ep.ops = &text_endpoint_ops;
	s->authed = srv->cfg.password == NULL;
	s->why = EV_QUIT_CLOSED;
	s->connected_ms = connected_ms;
	conn_attach(conn, &text_conn_ops, s);
	conn_set_max_line(conn, srv->cfg.max_line);
	/* Any text client may be telnet: its commands never reach anyone. */
	conn_set_telnet(conn, 1);
	/* In a cluster, the welcome (a guest nick, #lobby) waits until this
	 * node has heard what the others did before: whoever is in #lobby
	 * already is seen there, as on one server. */
	if (server_hold(
		srv, conn, &s->held, "", 0, NULL, text_welcome_resume)) {
		s->welcoming = 1;
		return 0;
	}
	text_welcome(s);
	return 0;
}

static void
text_welcome_resume(struct server *srv, unsigned id)
{
	struct text_session *s = proto_text_find(srv, id);

	if (s == NULL || s->held.line == NULL)
		return;
	free(s->held.line);
	s->held.line = NULL;
	s->welcoming = 0;
	if (!s->gone && conn_is_open(s->ep.conn)) {
		text_welcome(s);
		/* The line that told us it is plain text comes after it. */
		if (s->early.line != NULL)
			text_on_line(
			    s->ep.conn, s, s->early.line, s->early.len);
		if (s->held.line == NULL && conn_is_open(s->ep.conn))
			conn_pause(s->ep.conn, 0);
	}
	free(s->early.line);
	s->early.line = NULL;
}

/* A new user's first lines: its guest nick, the welcome, #lobby. */
static void
text_welcome(struct text_session *s)
{
	struct server *srv = s->srv;
	struct conn *conn = s->ep.conn;
	struct ev ev;
	int64_t left;

	chat_guest_nick(&srv->chat, s->user);
	srv->stats.text++;
	log_info("client %u connected from %s as %s", conn->id, conn->addr,
	    s->user->nick);
	memset(&ev, 0, sizeof ev);
	ev.nick = s->user->nick;
	ev.room = CHAT_DEFAULT_ROOM;
	if (!s->authed) {
		text_send_code(s, EV_REPLY, R_WELCOME_PASS, &ev);
		/* Counted from the connection's start, never earlier. */
		left = s->connected_ms +
		    (int64_t)srv->cfg.login_timeout * 1000 -
		    loop_now(srv->loop);
		loop_timer_start(srv->loop, &s->login, left > 0 ? left : 0, 0,
		    text_on_login_timeout, s);
		return;
	}
	text_send_code(s, EV_REPLY, R_WELCOME, &ev);
	chat_enter(&srv->chat, s->user);
	text_cmd_enter_room(s, NULL);
}

void
text_send_ev(struct text_session *s, const struct ev *ev)
{
	struct buf b;

	if (s->ep.conn == NULL)
		return;
	buf_init(&b);
	if (render_line(&b, ev, 0) == 1)
		conn_send(s->ep.conn, buf_data(&b), buf_len(&b));
	buf_free(&b);
}

void
text_send_code(struct text_session *s, enum ev_kind kind, enum ev_code code,
    const struct ev *args)
{
	struct ev ev;

	if (args != NULL)
		ev = *args;
	else
		memset(&ev, 0, sizeof ev);
	ev.kind = kind;
	ev.code = code;
	ev.time_ms = chat_clock_ms();
	if (ev.text == NULL)
		ev.text = "";
	text_send_ev(s, &ev);
}

/* The user leaves the chat (once): the others are told, the log says
 * why. Its connection may live on a little to write its last lines. */
static void
text_quit(struct text_session *s, enum ev_quit why, const char *reason)
{
	if (s->gone)
		return;
	s->gone = 1;
	s->why = why;
	loop_timer_stop(s->srv->loop, &s->login);
	chat_quit(&s->srv->chat, s->user, why, reason);
	s->srv->stats.quits[why]++;
	/* A kick's reason names who kicked; a /quit's own words stay out
	 * of the log. */
	log_info("client %u (%s) disconnected: %s", s->user->id, s->user->nick,
	    render_quit_reason(why, why == EV_QUIT_KICKED ? reason : NULL));
}

void
text_leave(struct text_session *s, enum ev_quit why, const char *reason)
{
	if (s->gone)
		return;
	text_quit(s, why, reason);
	conn_close(s->ep.conn);
}

/* A command (not a message, /me or /quit) reads or claims what other
 * nodes share: in a cluster it waits until this node is in step. */
static int
text_needs_sync(const char *line)
{
	return line[0] == '/' && strncasecmp(line, "/me ", 4) != 0 &&
	    strncasecmp(line, "/quit", 5) != 0;
}

/* "/nick NAME" with a valid NAME: it into nick. */
static int
text_nick_arg(const char *line, char *nick)
{
	const char *p = line + 5;
	size_t n;

	if (strncasecmp(line, "/nick", 5) != 0 || (*p != ' ' && *p != '\t'))
		return 0;
	p += strspn(p, " \t");
	n = strcspn(p, " \t");
	if (n == 0 || n > CHAT_NICK_MAX || p[n + strspn(p + n, " \t")] != '\0')
		return 0;
	memcpy(nick, p, n);
	nick[n] = '\0';
	return text_nick_valid(nick);
}

static void
text_resume(struct server *srv, unsigned id)
{
	struct text_session *s = proto_text_find(srv, id);
	char *line;

	if (s == NULL || (line = s->held.line) == NULL)
		return;
	s->held.line = NULL;
	if (!s->gone && conn_is_open(s->ep.conn))
		text_cmd_line(s, line, s->held.len);
	server_held_done(srv, s->ep.conn);
	free(line);
	if (s->held.line == NULL && conn_is_open(s->ep.conn))
		conn_pause(s->ep.conn, 0);
}

static void
text_on_line(struct conn *c, void *owner, char *line, size_t len)
{
	struct text_session *s = owner;
	char nick[CHAT_NICK_MAX + 1];

	/* The first line (detect's) may come while the welcome waits. */
	if (s->welcoming) {
		if (s->early.line == NULL &&
		    (s->early.line = malloc(len + 1)) != NULL) {
			memcpy(s->early.line, line, len + 1);
			s->early.len = len;
		}
		return;
	}
	if (text_needs_sync(line) &&
	    server_hold(s->srv, c, &s->held, line, len,
		text_nick_arg(line, nick) ? nick : NULL, text_resume))
		return;
	text_cmd_line(s, line, len);
}

static void
text_on_toolong(struct conn *c, void *owner)
{
	struct ev ev;

	memset(&ev, 0, sizeof ev);
	ev.num[0] = (long long)c->in.max;
	text_send_code(owner, EV_ERROR, E_LINE_TOO_LONG, &ev);
}

static void
text_on_eof(struct conn *c, void *owner)
{
	(void)c;
	text_leave(owner, EV_QUIT_CLOSED, NULL);
}

static void
text_on_fail(struct conn *c, void *owner, enum conn_why why, size_t unsent)
{
	struct text_session *s = owner;
	enum ev_quit q = EV_QUIT_ERROR;
	struct ev ev;

	switch (why) {
	case CONN_SLOW:
		log_warn("client %u (%s) too slow: %zu bytes queued, dropping",
		    c->id, s->user->nick, c->slow_queued);
		/* Its last line, when its socket has room. */
		memset(&ev, 0, sizeof ev);
		ev.num[0] = (long long)unsent;
		text_send_code(s, EV_ERROR, E_TOO_SLOW, &ev);
		q = EV_QUIT_SLOW;
		break;
	case CONN_RESET:
		q = EV_QUIT_RESET;
		break;
	case CONN_MEMORY:
		q = EV_QUIT_MEMORY;
		break;
	case CONN_ERROR:
	case CONN_TIMEOUT:
		break;
	}
	text_quit(s, q, NULL);
}

static void
text_on_release(struct conn *c, void *owner)
{
	struct text_session *s = owner;

	(void)c;
	text_quit(s, s->why, NULL);
	chat_user_free(&s->srv->chat, s->user);
	free(s->held.line);
	free(s->early.line);
	free(s);
}

static void
text_on_login_timeout(struct loop *l, struct loop_timer *t, void *arg)
{
	struct text_session *s = arg;

	(void)l;
	(void)t;
	if (s->authed)
		return;
	text_send_code(s, EV_ERROR, E_LOGIN_TIMEOUT, NULL);
	text_leave(s, EV_QUIT_TIMEOUT, NULL);
}

/* A plain-text user kicked out of its room lands in #lobby, or, kicked
 * out of #lobby, is disconnected. */
static void
text_kicked(struct endpoint *ep, const struct ev *ev)
{
	struct text_session *s = (struct text_session *)ep;
	char reason[CHAT_NICK_MAX + CHAT_KICK_MAX + 32];

	if (text_casecmp(ev->room, CHAT_DEFAULT_ROOM) != 0) {
		text_cmd_enter_room(s, CHAT_DEFAULT_ROOM);
		return;
	}
	if (ev->len > 0)
		snprintf(reason, sizeof reason, "kicked by %s (%.*s)", ev->nick,
		    (int)ev->len, ev->text);
	else
		snprintf(reason, sizeof reason, "kicked by %s", ev->nick);
	text_leave(s, EV_QUIT_KICKED, reason);
}

static void
text_on_stop(struct conn *c, void *owner)
{
	(void)c;
	text_send_code(owner, EV_REPLY, R_SHUTDOWN, NULL);
	text_leave(owner, EV_QUIT_SHUTDOWN, NULL);
}
