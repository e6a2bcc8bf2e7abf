/* proto_irc.c: the IRC protocol: a session's life, registration, dispatch. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chat.h"
#include "conn.h"
#include "irc.h"
#include "log.h"
#include "proto_irc.h"
#include "server.h"
#include "text.h"

struct irc_cmd {
	const char *name;
	irc_cmd_fn *fn;
	size_t min_params; /* fewer: 461 */
	int before_reg;    /* allowed before registration */
};

static irc_cmd_fn irc_cmd_pass, irc_cmd_user, irc_cmd_reregister;

/* Sorted by name. */
static const struct irc_cmd irc_cmds[] = {
	{ "AWAY", irc_cmd_away, 0, 0 },
	{ "CAP", irc_cmd_cap, 1, 1 },
	{ "CHATHISTORY", irc_cmd_chathistory, 0, 0 },
	{ "ISON", irc_cmd_ison, 1, 0 },
	{ "JOIN", irc_cmd_join, 1, 0 },
	{ "KICK", irc_cmd_kick, 2, 0 },
	{ "LIST", irc_cmd_list, 0, 0 },
	{ "LUSERS", irc_cmd_lusers, 0, 0 },
	{ "MODE", irc_cmd_mode, 1, 0 },
	{ "MOTD", irc_cmd_motd, 0, 0 },
	{ "NAMES", irc_cmd_names, 0, 0 },
	{ "NICK", irc_cmd_nick, 0, 1 },
	{ "NOTICE", irc_cmd_notice, 0, 0 },
	{ "PART", irc_cmd_part, 1, 0 },
	{ "PASS", irc_cmd_pass, 0, 1 },
	{ "PING", irc_cmd_ping, 0, 1 },
	{ "PONG", irc_cmd_pong, 0, 1 },
	{ "PRIVMSG", irc_cmd_privmsg, 0, 0 },
	{ "QUIT", irc_cmd_quit, 0, 1 },
	{ "TAGMSG", irc_cmd_tagmsg, 0, 0 },
	{ "TIME", irc_cmd_time, 0, 0 },
	{ "TOPIC", irc_cmd_topic, 1, 0 },
	{ "USER", irc_cmd_user, 0, 1 },
	{ "USERHOST", irc_cmd_userhost, 1, 0 },
	{ "VERSION", irc_cmd_version, 0, 0 },
	{ "WHO", irc_cmd_who, 0, 0 },
	{ "WHOIS", irc_cmd_whois, 0, 0 },
	{ "WHOWAS", irc_cmd_whowas, 0, 0 },
};
#define IRC_NCMDS (sizeof irc_cmds / sizeof irc_cmds[0])

static void irc_on_line(struct conn *, void *, char *, size_t);
static void irc_on_toolong(struct conn *, void *);
static void irc_on_eof(struct conn *, void *);
static void irc_on_fail(struct conn *, void *, enum conn_why, size_t);
static void irc_on_release(struct conn *, void *);
static void irc_on_stop(struct conn *, void *);
static void irc_on_drained(struct conn *, void *);
static void irc_on_login_timeout(struct loop *, struct loop_timer *, void *);
static void irc_on_alive(struct loop *, struct loop_timer *, void *);

static const struct conn_ops irc_conn_ops = {
	.line = irc_on_line,
	.toolong = irc_on_toolong,
	.eof = irc_on_eof,
	.fail = irc_on_fail,
	.release = irc_on_release,
	.stop = irc_on_stop,
	.drained = irc_on_drained,
};

/* An IRC user kicked out of a channel is just out of it. */
static const struct endpoint_ops irc_endpoint_ops = { .kicked = NULL };

void
proto_irc_setup(struct server *srv)
{
	irc_render_set_server(srv->cfg.server_name);
	fanout_set_render(
	    &srv->fanout, FANOUT_IRC, IRC_VARIANTS, proto_irc_render);
}

int
proto_irc_refusal(struct buf *b, enum ev_code code)
{
	const char *params[1] = { code == E_PER_IP ?
		    "too many connections from your address" :
		    code == E_CLUSTER_LATER ? "cluster unavailable" :
					      "server full" };

	return irc_format(
		   b, NULL, NULL, "ERROR", 1, params, IRC_FMT_TRAILING) == -1 ?
	    -1 :
	    0;
}

void
proto_irc_refuse(struct conn *c, enum ev_code code)
{
	struct buf b;

	buf_init(&b);
	if (proto_irc_refusal(&b, code) == 0)
		conn_send(c, buf_data(&b), buf_len(&b));
	buf_free(&b);
	conn_close(c);
}

int
proto_irc_start(struct server *srv, struct conn *conn, int64_t connected_ms)
{
	struct irc_session *s;
	int64_t left;

	if ((s = calloc(1, sizeof *s)) == NULL ||
	    (s->user = chat_user_new(&srv->chat, conn->id, &s->ep)) == NULL) {
		log_warn("client %u: out of memory for a new client", conn->id);
		free(s);
		conn_kill(conn);
		return -1;
	}
	s->srv = srv;
	s->user->irc = 1;
	s->ep.conn = conn;
	s->ep.variant = FANOUT_IRC;
	s->ep.ops = &irc_endpoint_ops;
	s->why = EV_QUIT_CLOSED;
	s->last_ms = loop_now(srv->loop);
	conn_attach(conn, &irc_conn_ops, s);
	conn_set_max_line(conn, IRC_INPUT_MAX);
	conn_set_telnet(conn, 0);
	srv->stats.irc++;
	log_info("client %u connected from %s (irc)", conn->id, conn->addr);
	/* Counted from the connection's start, never earlier. */
	left = connected_ms + (int64_t)srv->cfg.login_timeout * 1000 -
	    loop_now(srv->loop);
	loop_timer_start(srv->loop, &s->login, left > 0 ? left : 0, 0,
	    irc_on_login_timeout, s);
	return 0;
}

/* The user leaves the chat (once): the others are told, the log says
 * why. */
static void
irc_quit(struct irc_session *s, enum ev_quit why, const char *reason)
{
	char words[IRC_LINE_MAX];

	if (s->gone)
		return;
	s->gone = 1;
	s->why = why;
	loop_timer_stop(s->srv->loop, &s->login);
	loop_timer_stop(s->srv->loop, &s->alive);
	irc_list_free(s);
	chat_quit(&s->srv->chat, s->user, why, reason);
	s->srv->stats.quits[why]++;
	log_info("client %u (%s) disconnected: %s", s->user->id,
	    s->user->nick[0] != '\0' ? s->user->nick : "*",
	    irc_quit_words(words, sizeof words, why, reason,
		reason != NULL ? strlen(reason) : 0));
}

void
irc_leave(struct irc_session *s, enum ev_quit why, const char *reason,
    const char *error)
{
	if (s->gone)
		return;
	if (error != NULL)
		irc_send_error(s, error);
	irc_quit(s, why, reason);
	conn_close(s->ep.conn);
}

void
irc_caps_changed(struct irc_session *s)
{
	s->ep.variant = FANOUT_IRC + (s->caps & IRC_CAP_VARIANT);
}

struct irc_session *
irc_session_find(struct server *srv, unsigned id)
{
	struct conn *c = conn_find(&srv->conns, id);

	return c != NULL && c->ops == &irc_conn_ops ? c->owner : NULL;
}

/* Compare a password without an early exit (timing tells nothing). */
static int
irc_password_ok(const struct irc_session *s)
{
	const char *want = s->srv->cfg.password, *got = s->pass;
	size_t lw, lg, i;
	unsigned char diff;

	if (got == NULL)
		return 0;
	lw = strlen(want);
	lg = strlen(got);
	diff = lw != lg;
	for (i = 0; i < lg; i++)
		diff |=
		    (unsigned char)got[i] ^ (unsigned char)want[i % (lw + 1)];
	return diff == 0;
}

void
irc_try_register(struct irc_session *s)
{
	struct server *srv = s->srv;

	if (s->registered || s->gone || !s->user->held || !s->got_user ||
	    s->cap_open)
		return;
	if (srv->cfg.password != NULL && !irc_password_ok(s)) {
		log_info("client %u: wrong password", s->user->id);
		irc_reply_star(s, "464", "Password incorrect");
		irc_leave(s, EV_QUIT_PASSWORD, NULL,
		    "Closing Link: password incorrect");
		return;
	}
	s->registered = 1;
	loop_timer_stop(srv->loop, &s->login);
	chat_enter(&srv->chat, s->user);
	log_info("client %u registered as %s", s->user->id, s->user->nick);
	irc_send_welcome(s);
	loop_timer_start(
	    srv->loop, &s->alive, CHATD_IRC_PING_IDLE_MS, 0, irc_on_alive, s);
}

static const struct irc_cmd *
irc_cmd_find(const char *name)
{
	size_t lo = 0, hi = IRC_NCMDS, mid;
	int c;

	while (lo < hi) {
		mid = (lo + hi) / 2;
		if ((c = strcmp(name, irc_cmds[mid].name)) == 0)
			return &irc_cmds[mid];
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}

/* Remove NUL and CR bytes from line[0, len) in place; the new length. */
static size_t
irc_strip_nul_cr(char *line, size_t len)
{
	size_t i, n = 0;

	if (memchr(line, '\0', len) == NULL && memchr(line, '\r', len) == NULL)
		return len;
	for (i = 0; i < len; i++)
		if (line[i] != '\0' && line[i] != '\r')
			line[n++] = line[i];
	line[n] = '\0';
	return n;
}

static void
irc_on_line(struct conn *c, void *owner, char *line, size_t len)
{
	struct irc_session *s = owner;
	char copy[IRC_INPUT_MAX + 1], verb[IRC_LINE_MAX];
	const struct irc_cmd *cmd;
	struct irc_msg m;
	size_t n;

	(void)c;
	s->last_ms = loop_now(s->srv->loop);
	s->lines++;
	if (!irc_line_fits(line, len) || len > IRC_INPUT_MAX) {
		irc_reply(s, "417", NULL, "Input line was too long");
		return;
	}
	/* NUL and a CR inside the line are C0 controls like the others:
	 * removed (irc-v1 §2), not a reason to drop the line. */
	len = irc_strip_nul_cr(line, len);
	/* Parse a copy: the command as sent stays in line, for 421. */
	memcpy(copy, line, len + 1);
	if (irc_parse(&m, copy, len) == -1)
		return; /* empty, or nothing that could be a command */
	n = strlen(m.command);
	snprintf(verb, sizeof verb, "%.*s", (int)n, line + (m.command - copy));
	s->verb = verb;
	cmd = irc_cmd_find(m.command);
	if (!s->registered && (cmd == NULL || !cmd->before_reg))
		irc_reply(s, "451", NULL, "You have not registered");
	else if (cmd == NULL)
		irc_reply1(s, "421", verb, "Unknown command");
	else if (m.nparams < cmd->min_params)
		irc_need_more(s, &m);
	else
		cmd->fn(s, &m);
	s->verb = NULL;
}

static void
irc_on_toolong(struct conn *c, void *owner)
{
	struct irc_session *s = owner;

	(void)c;
	s->last_ms = loop_now(s->srv->loop);
	s->lines++;
	irc_reply(s, "417", NULL, "Input line was too long");
}

static void
irc_on_eof(struct conn *c, void *owner)
{
	(void)c;
	irc_leave(owner, EV_QUIT_CLOSED, NULL, NULL);
}

static void
irc_on_fail(struct conn *c, void *owner, enum conn_why why, size_t unsent)
{
	struct irc_session *s = owner;
	enum ev_quit q = EV_QUIT_ERROR;

	(void)c;
	(void)unsent;
	switch (why) {
	case CONN_SLOW:
		/* Its last line, when its socket has room. */
		irc_send_error(s, "Closing Link: too slow");
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
	irc_quit(s, q, NULL);
}

static void
irc_on_release(struct conn *c, void *owner)
{
	struct irc_session *s = owner;

	(void)c;
	irc_quit(s, s->why, NULL);
	loop_timer_stop(s->srv->loop, &s->login);
	loop_timer_stop(s->srv->loop, &s->alive);
	chat_user_free(&s->srv->chat, s->user);
	free(s->pass);
	free(s);
}

static void
irc_on_stop(struct conn *c, void *owner)
{
	struct irc_session *s = owner;
	const char *mid[2] = { irc_nick(s), NULL };
	const char *params[2] = { mid[0], "server shutting down" };
	struct buf b;

	buf_init(&b);
	if (irc_format(&b, NULL, irc_server(s), "NOTICE", 2, params,
		IRC_FMT_TRAILING) != -1)
		conn_send(c, buf_data(&b), buf_len(&b));
	buf_free(&b);
	irc_leave(s, EV_QUIT_SHUTDOWN, NULL, "server shutting down");
}

static void
irc_on_drained(struct conn *c, void *owner)
{
	(void)c;
	irc_list_more(owner);
}

static void
irc_on_login_timeout(struct loop *l, struct loop_timer *t, void *arg)
{
	struct irc_session *s = arg;

	(void)l;
	(void)t;
	if (s->registered)
		return;
	irc_leave(
	    s, EV_QUIT_TIMEOUT, NULL, "Closing Link: registration timeout");
}

/*
 * Keepalive (irc-v1 §9), re-armed lazily: a line only stamps last_ms and
 * counts itself, and the timer, when it fires, looks at how long the
 * client was quiet. After a PING it fires 90 s later (a line since then
 * restarts the 90 s from that line) and, if nothing came, at 120 s.
 */
static void
irc_on_alive(struct loop *l, struct loop_timer *t, void *arg)
{
	struct irc_session *s = arg;
	int64_t now = loop_now(l), quiet;
	const char *params[1] = { irc_server(s) };
	struct buf b;

	if (s->pinged && s->lines == s->ping_lines) {
		if (now - s->ping_ms >= CHATD_IRC_PING_WAIT_MS) {
			irc_leave(s, EV_QUIT_PING, NULL,
			    "Closing Link: Ping timeout");
			return;
		}
		loop_timer_start(l, t,
		    s->ping_ms + CHATD_IRC_PING_WAIT_MS - now, 0, irc_on_alive,
		    s);
		return;
	}
	s->pinged = 0;
	quiet = now - s->last_ms;
	if (quiet < CHATD_IRC_PING_IDLE_MS) {
		loop_timer_start(
		    l, t, CHATD_IRC_PING_IDLE_MS - quiet, 0, irc_on_alive, s);
		return;
	}
	buf_init(&b);
	if (irc_format(&b, NULL, NULL, "PING", 1, params, IRC_FMT_TRAILING) !=
	    -1)
		conn_send(s->ep.conn, buf_data(&b), buf_len(&b));
	buf_free(&b);
	s->pinged = 1;
	s->ping_ms = now;
	s->ping_lines = s->lines;
	loop_timer_start(l, t,
	    CHATD_IRC_PING_IDLE_MS < CHATD_IRC_PING_WAIT_MS ?
		CHATD_IRC_PING_IDLE_MS :
		CHATD_IRC_PING_WAIT_MS,
	    0, irc_on_alive, s);
}

static void
irc_cmd_pass(struct irc_session *s, struct irc_msg *m)
{
	if (s->registered) {
		irc_cmd_reregister(s, m);
		return;
	}
	if (m->nparams < 1) {
		irc_need_more(s, m);
		return;
	}
	free(s->pass);
	if ((s->pass = strdup(m->params[0])) == NULL)
		irc_leave(
		    s, EV_QUIT_MEMORY, NULL, "Closing Link: out of memory");
}

static void
irc_cmd_user(struct irc_session *s, struct irc_msg *m)
{
	struct user *u = s->user;

	if (s->registered) {
		irc_cmd_reregister(s, m);
		return;
	}
	if (m->nparams < 4 || *m->params[0] == '\0' || *m->params[3] == '\0') {
		irc_need_more(s, m);
		return;
	}
	text_irc_username(u->username, m->params[0], strlen(m->params[0]));
	text_irc_realname(u->realname, m->params[3], strlen(m->params[3]));
	s->got_user = 1;
	irc_try_register(s);
}

static void
irc_cmd_reregister(struct irc_session *s, struct irc_msg *m)
{
	(void)m;
	irc_reply(s, "462", NULL, "You may not reregister");
}
