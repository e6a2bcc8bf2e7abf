/* wire_irc.c: chatbench's IRC client side, and the bare lines of the ceiling. */
#include <stdio.h>
#include <string.h>

#include "bench.h"

/* Nicks refused (433, 432, 436) before we give up on a connection. */
#define IRC_NICK_TRIES 9

/*
 * One IRC line, split without copying: optional IRCv3 tags (skipped),
 * optional source, the command, and the rest (the parameters).
 */
struct irc_line {
	const char *src; /* without ':'; NULL when absent */
	size_t srclen;
	const char *cmd;
	size_t cmdlen;
	const char *args; /* after the command and its space */
	size_t argslen;
};

/* Split line (without CR LF); -1 when there is no command. */
static int
irc_split(const char *line, size_t len, struct irc_line *m)
{
	const char *p = line, *end = line + len, *sp;

	if (p < end && *p == '@') {
		if ((sp = memchr(p, ' ', (size_t)(end - p))) == NULL)
			return -1;
		p = sp + 1;
	}
	m->src = NULL;
	m->srclen = 0;
	if (p < end && *p == ':') {
		if ((sp = memchr(p, ' ', (size_t)(end - p))) == NULL)
			return -1;
		m->src = p + 1;
		m->srclen = (size_t)(sp - p - 1);
		p = sp + 1;
	}
	m->cmd = p;
	sp = memchr(p, ' ', (size_t)(end - p));
	m->cmdlen = (size_t)((sp != NULL ? sp : end) - p);
	m->args = sp != NULL ? sp + 1 : end;
	m->argslen = (size_t)(end - m->args);
	return m->cmdlen > 0 ? 0 : -1;
}

static int
irc_is(const struct irc_line *m, const char *cmd)
{
	return m->cmdlen == strlen(cmd) && memcmp(m->cmd, cmd, m->cmdlen) == 0;
}

/* The nick in a "nick!user@host" source. */
static size_t
irc_src_nick(const struct irc_line *m)
{
	const char *bang = memchr(m->src, '!', m->srclen);

	return bang != NULL ? (size_t)(bang - m->src) : m->srclen;
}

/* The first parameter: *p, and its length; the rest starts after it. */
static size_t
irc_param(const char *s, size_t len, const char **p)
{
	const char *sp;

	if (len > 0 && *s == ':') {
		*p = s + 1;
		return len - 1;
	}
	*p = s;
	sp = memchr(s, ' ', len);
	return sp != NULL ? (size_t)(sp - s) : len;
}

static int
irc_same(const char *a, size_t alen, const char *b)
{
	return alen == strlen(b) && memcmp(a, b, alen) == 0;
}

/* Queue NICK for this connection's next nick: bNNNN, then bNNNN-1... */
static int
irc_queue_nick(struct conn *c, int i)
{
	char line[64];
	int n;

	if (c->nick_try == 0)
		snprintf(c->nick, sizeof c->nick, "b%04d", i);
	else
		snprintf(c->nick, sizeof c->nick, "b%04d-%d", i, c->nick_try);
	n = snprintf(line, sizeof line, "NICK %s\r\n", c->nick);
	return buf_append(&c->out, line, (size_t)n);
}

int
irc_queue_hello(struct bench *b, struct conn *c)
{
	char line[64];
	int i = (int)(c - b->conns), n;

	if (irc_queue_nick(c, i) == -1)
		return -1;
	n = snprintf(line, sizeof line, "USER b%04d 0 * :bench\r\n", i);
	return buf_append(&c->out, line, (size_t)n);
}

/* PRIVMSG <target> :<text>: a delivery when it is to our channel. */
static void
irc_privmsg(struct bench *b, struct conn *c, const struct irc_line *m,
    const char *line, size_t len, int64_t now)
{
	const char *sp, *text, *end = m->args + m->argslen;
	size_t tl;

	sp = memchr(m->args, ' ', m->argslen);
	if (sp == NULL || m->src == NULL) {
		b->err.garbled++;
		bench_note(b, "garbled PRIVMSG: %.*s", (int)len, line);
		return;
	}
	if (!irc_same(m->args, (size_t)(sp - m->args), b->o->channel))
		return; /* a private message: not ours */
	tl = irc_param(sp + 1, (size_t)(end - sp - 1), &text);
	wire_deliver(b, c, text, tl, m->src, irc_src_nick(m), now);
}

/* A numeric reply; args start with our nick. */
static int
irc_numeric(struct bench *b, struct conn *c, int code, const struct irc_line *m,
    const char *line, size_t len)
{
	const char *p, *rest;
	size_t pl;
	char msg[64];
	int n;

	pl = irc_param(m->args, m->argslen, &p);
	rest = p + pl < m->args + m->argslen ? p + pl + 1 : p + pl;
	if (code == 1 && !c->registered) {
		if (pl == 0 || pl >= CONN_NICK_MAX) {
			bench_note(b, "odd 001: %.*s", (int)len, line);
			return -1;
		}
		memcpy(c->nick, p, pl); /* the server's spelling */
		c->nick[pl] = '\0';
		c->registered = 1;
		b->registered++;
		n = snprintf(msg, sizeof msg, "JOIN %s\r\n", b->o->channel);
		return buf_append(&c->out, msg, (size_t)n);
	}
	if ((code == 432 || code == 433 || code == 436) && !c->registered &&
	    c->nick_try < IRC_NICK_TRIES) {
		c->nick_try++; /* a nick left over from the last run, say */
		return irc_queue_nick(c, (int)(c - b->conns));
	}
	if (code == 366 && !c->ready) {
		pl = irc_param(rest, (size_t)(m->args + m->argslen - rest), &p);
		if (irc_same(p, pl, b->o->channel)) {
			c->ready = 1;
			b->joined++;
		}
		return 0;
	}
	/* 422 (no MOTD) ends a welcome burst like 376 does. */
	if (code >= 400 && code < 600 && code != 422) {
		b->err.server_errors++;
		bench_note(
		    b, "server said to %s: %.*s", c->nick, (int)len, line);
	}
	return 0;
}

/* One line from an IRC server, without its CR LF. */
static int
irc_line(
    struct bench *b, struct conn *c, const char *line, size_t len, int64_t now)
{
	struct irc_line m;
	const char *p;
	size_t pl;
	int code;

	if (irc_split(line, len, &m) == -1)
		return 0;
	if (irc_is(&m, "PRIVMSG")) {
		irc_privmsg(b, c, &m, line, len, now);
		return 0;
	}
	if (m.cmdlen == 3 && m.cmd[0] >= '0' && m.cmd[0] <= '9' &&
	    m.cmd[1] >= '0' && m.cmd[1] <= '9' && m.cmd[2] >= '0' &&
	    m.cmd[2] <= '9') {
		code = (m.cmd[0] - '0') * 100 + (m.cmd[1] - '0') * 10 +
		    (m.cmd[2] - '0');
		return irc_numeric(b, c, code, &m, line, len);
	}
	if (irc_is(&m, "PING")) {
		/* PONG with the same parameters: "PING :x" -> "PONG :x". */
		if (buf_append(&c->out, "PONG ", 5) == -1 ||
		    buf_append(&c->out, m.args, m.argslen) == -1 ||
		    buf_append(&c->out, "\r\n", 2) == -1)
			return -1;
	} else if (irc_is(&m, "JOIN") && m.src != NULL) {
		pl = irc_param(m.args, m.argslen, &p);
		if (!irc_same(p, pl, b->o->channel) ||
		    irc_same(m.src, irc_src_nick(&m), c->nick))
			return 0; /* our own join: 366 follows */
		b->joins++;
		if (b->running)
			bench_note(
			    b, "join during the run: %.*s", (int)len, line);
	} else if (irc_is(&m, "QUIT") || irc_is(&m, "PART") ||
	    irc_is(&m, "KICK")) {
		if (b->running) {
			b->err.quits++;
			bench_note(b, "during the run: %.*s", (int)len, line);
		}
	} else if (irc_is(&m, "ERROR")) {
		b->err.server_errors++;
		bench_note(
		    b, "server said to %s: %.*s", c->nick, (int)len, line);
	}
	return 0; /* NOTICE, MODE, CAP...: not ours */
}

long
irc_input(struct bench *b, struct conn *c, char *d, size_t n, int64_t now)
{
	const char *lf;
	size_t pos = 0, l;

	while (pos < n && (lf = memchr(d + pos, '\n', n - pos)) != NULL) {
		l = (size_t)(lf - d) - pos;
		if (l > 0 && d[pos + l - 1] == '\r')
			l--;
		if (irc_line(b, c, d + pos, l, now) == -1)
			return -1;
		pos = (size_t)(lf - d) + 1;
	}
	return (long)pos;
}

/*
 * The ceiling has no handshake: a connection is known to be fanned out to
 * once it has received a line. Two connections send this sync line until
 * every connection has one; it is not a token, so the run ignores it.
 */
#define LINES_SYNC "S"

int
lines_queue_sync(struct conn *c)
{
	return buf_append(&c->out, LINES_SYNC "\n", sizeof LINES_SYNC);
}

long
lines_input(struct bench *b, struct conn *c, char *d, size_t n, int64_t now)
{
	const char *lf;
	size_t pos = 0, l;

	while (pos < n && (lf = memchr(d + pos, '\n', n - pos)) != NULL) {
		l = (size_t)(lf - d) - pos;
		if (l > 0 && d[pos + l - 1] == '\r')
			l--;
		if (l == sizeof LINES_SYNC - 1 &&
		    memcmp(d + pos, LINES_SYNC, l) == 0) {
			if (!c->ready) {
				c->ready = 1;
				b->synced++;
			}
		} else
			wire_deliver(b, c, d + pos, l, NULL, 0, now);
		pos = (size_t)(lf - d) + 1;
	}
	return (long)pos;
}
