/* mass_wire.c: chatmass's clients on the wire: plain text in #lobby, or IRC in #mass. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chatmass.h"
#include "proto.h"

#define MASS_FOLD " users have quit ("

void
mass_note(struct mass *m, const char *fmt, ...)
{
	va_list ap;

	if (m->first[0] != '\0')
		return;
	va_start(ap, fmt);
	vsnprintf(m->first, sizeof m->first, fmt, ap);
	va_end(ap);
}

long
mass_joins_expected(const struct mass *m)
{
	long n = m->o.n;

	/* Text: the welcome's join is quiet for the joiner, so each hears
	 * the others who come after it. IRC: each hears its own JOIN too. */
	return m->o.proto == MASS_TEXT ? n * (n - 1) / 2 : n * (n + 1) / 2;
}

int
mass_hello(struct mass *m, struct sw_conn *c)
{
	if (m->o.proto == MASS_TEXT)
		/* An empty line: a v2 chatd welcomes at once instead of
		 * waiting 500 ms to see whether the client speaks IRC. */
		return swarm_send(&m->sw, c, "\n", 1);
	return swarm_printf(
	    &m->sw, c, "NICK m%d\r\nUSER m%d 0 * :mass\r\n", c->idx, c->idx);
}

/* "-!- 9,999 users have quit (connection reset)": the number. */
static long
mass_folded_count(const char *text, const char *fold)
{
	const char *p = fold;
	long v = 0, scale = 1;

	while (p > text && (p[-1] == ',' || (p[-1] >= '0' && p[-1] <= '9'))) {
		p--;
		if (*p != ',') {
			v += (*p - '0') * scale;
			scale *= 10;
		}
	}
	return v;
}

/* A line the survivor hears while the others leave: one quit, or a fold
 * of many. */
static void
mass_quit_line(struct mass *m, const char *line, const char *reason)
{
	const char *fold = strstr(line, MASS_FOLD);
	long n;

	if (fold != NULL) {
		n = mass_folded_count(line, fold);
		m->folded_lines++;
		m->folded_users += n;
		m->quits += n;
		if (m->folded_example[0] == '\0')
			snprintf(m->folded_example, sizeof m->folded_example,
			    "%s", line);
	} else {
		m->quit_lines++;
		m->quits++;
	}
	if (m->quit_reason[0] == '\0' && reason != NULL)
		snprintf(m->quit_reason, sizeof m->quit_reason, "%.*s",
		    (int)strcspn(reason, ")"), reason);
	m->t_last_quit = sw_now();
}

static void
mass_joined(struct mass *m, struct mass_client *cl)
{
	cl->joins++;
	m->joins++;
	m->t_last_join = sw_now();
}

static void
mass_text_line(struct mass *m, struct sw_conn *c, const char *line)
{
	struct mass_client *cl = &m->cl[c->idx];
	const char *body, *q, *bang;
	size_t n;

	if (strlen(line) <= CHAT_STAMP_LEN)
		return;
	body = line + CHAT_STAMP_LEN;
	if (strncmp(body, CHAT_NOTICE_PREFIX, strlen(CHAT_NOTICE_PREFIX)) != 0)
		return;
	body += strlen(CHAT_NOTICE_PREFIX);
	if (strncmp(body, "welcome to chatd, ", 18) == 0 && !cl->ready) {
		body += 18;
		bang = strchr(body, '!');
		n = bang != NULL ? (size_t)(bang - body) : 0;
		snprintf(cl->nick, sizeof cl->nick, "%.*s",
		    (int)(n < MASS_NICK_MAX ? n : MASS_NICK_MAX - 1), body);
		cl->ready = 1;
		m->ready++;
	} else if (strstr(body, " has joined #" CHAT_DEFAULT_ROOM) != NULL) {
		mass_joined(m, cl);
	} else if ((q = strstr(body, MASS_FOLD)) != NULL ||
	    (q = strstr(body, " has quit (")) != NULL) {
		if (m->phase == MASS_QUITTING && c->idx == 0)
			mass_quit_line(m, body, strchr(q, '(') + 1);
		else {
			m->stray_quits++;
			mass_note(m, "%s heard: %s", cl->nick, line);
		}
	} else if (strncmp(body, "error: ", 7) == 0) {
		m->server_errors++;
		mass_note(m, "chatd said to %s: %s", cl->nick, line);
	}
}

/* ":nick!user@host CMD ..." or ":server NNN ...": the command, and the
 * source nick in nick[0, *nlen). */
static const char *
mass_irc_command(const char *line, const char **nick, size_t *nlen)
{
	const char *p = line, *sp;

	*nick = NULL;
	*nlen = 0;
	if (*p == '@' && (p = strchr(p, ' ')) != NULL)
		p++;
	if (p == NULL)
		return NULL;
	if (*p == ':') {
		if ((sp = strchr(p, ' ')) == NULL)
			return NULL;
		*nick = p + 1;
		*nlen = strcspn(p + 1, "! ");
		p = sp + 1;
	}
	return p;
}

/* A 4xx or 5xx numeric but 422 (no MOTD): chatd refused something. */
static int
mass_irc_error(const char *cmd)
{
	return strncmp(cmd, "422 ", 4) != 0 &&
	    (cmd[0] == '4' || cmd[0] == '5') && cmd[1] >= '0' &&
	    cmd[1] <= '9' && cmd[2] >= '0' && cmd[2] <= '9' && cmd[3] == ' ';
}

static void
mass_irc_line(struct mass *m, struct sw_conn *c, const char *line)
{
	struct mass_client *cl = &m->cl[c->idx];
	const char *cmd, *nick, *reason;
	size_t nlen;

	if ((cmd = mass_irc_command(line, &nick, &nlen)) == NULL)
		return;
	if (strncmp(cmd, "PING", 4) == 0) {
		(void)swarm_printf(&m->sw, c, "PONG%s\r\n", cmd + 4);
	} else if (strncmp(cmd, "001 ", 4) == 0 && cl->nick[0] == '\0') {
		cmd += 4;
		snprintf(cl->nick, sizeof cl->nick, "%.*s",
		    (int)strcspn(cmd, " "), cmd);
		(void)swarm_printf(&m->sw, c, "JOIN %s\r\n", MASS_CHANNEL);
	} else if (strncmp(cmd, "JOIN ", 5) == 0) {
		mass_joined(m, cl);
		if (nick != NULL && strlen(cl->nick) == nlen &&
		    memcmp(cl->nick, nick, nlen) == 0)
			cl->joined = 1;
	} else if (strncmp(cmd, "366 ", 4) == 0 && cl->joined && !cl->ready) {
		cl->ready = 1;
		m->ready++;
	} else if (strncmp(cmd, "QUIT", 4) == 0 ||
	    strstr(cmd, MASS_FOLD) != NULL) {
		if (m->phase == MASS_QUITTING && c->idx == 0) {
			reason = strstr(cmd, " :");
			mass_quit_line(
			    m, cmd, reason != NULL ? reason + 2 : NULL);
		} else {
			m->stray_quits++;
			mass_note(m, "%s heard: %s", cl->nick, line);
		}
	} else if (strncmp(cmd, "ERROR", 5) == 0 || mass_irc_error(cmd)) {
		m->server_errors++;
		mass_note(m, "chatd said to %s: %s", cl->nick, line);
	}
}

void
mass_line(struct swarm *sw, struct sw_conn *c, char *line, size_t len)
{
	struct mass *m = sw->arg;

	(void)len;
	if (m->o.proto == MASS_TEXT)
		mass_text_line(m, c, line);
	else
		mass_irc_line(m, c, line);
}

void
mass_gone(struct swarm *sw, struct sw_conn *c, const char *why)
{
	struct mass *m = sw->arg;

	m->gone++;
	mass_note(m, "client %d (%s): %s", c->idx, m->cl[c->idx].nick, why);
}
