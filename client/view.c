/* view.c: what the server says, other than numerics, rebuilt into events and shown; this client's own moves. */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "client.h"
#include "irc.h"
#include "text.h"

#define VIEW_QUIT_PREFIX  "Quit: "
#define VIEW_QUIT_NONE    "Client Quit"
#define VIEW_CLOSING_LINK "Closing Link: "

static int view_nick_char(unsigned char);
static int view_mentions(const char *, size_t, const char *);
static void view_privmsg(struct client *, struct irc_msg *, int64_t);
static int view_event(struct client *, struct irc_msg *, int64_t, enum ev_kind,
    size_t, struct ev *, char *);
static void view_moved(struct client *, const char *);
static void view_join(struct client *, struct irc_msg *, int64_t);
static void view_part(struct client *, struct irc_msg *, int64_t);
static void view_quit(struct client *, struct irc_msg *, int64_t);
static void view_nick(struct client *, struct irc_msg *, int64_t);
static void view_topic(struct client *, struct irc_msg *, int64_t);
static void view_kick(struct client *, struct irc_msg *, int64_t);
static void view_mode(struct client *, struct irc_msg *, int64_t);
static void view_error(struct client *, struct irc_msg *);
static void view_pong(struct client *, struct irc_msg *);

/* What may be part of a nick: RFC 2812's letters, digits and specials. */
static int
view_nick_char(unsigned char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
	    (ch >= '0' && ch <= '9') || strchr("-_[]\\`^{}|", ch) != NULL;
}

/* Nonzero when text[0, len) has nick as a word (ignoring ASCII case). */
static int
view_mentions(const char *text, size_t len, const char *nick)
{
	size_t n = strlen(nick), i;

	if (n == 0 || n > len)
		return 0;
	for (i = 0; i + n <= len; i++)
		if ((i == 0 || !view_nick_char((unsigned char)text[i - 1])) &&
		    (i + n == len ||
			!view_nick_char((unsigned char)text[i + n])) &&
		    strncasecmp(text + i, nick, n) == 0)
			return 1;
	return 0;
}

/*
 * PRIVMSG and NOTICE. A user's NOTICE looks like its PRIVMSG would; the
 * server's (no nick in the source) is "-!- text". A message already
 * printed (same msgid) is not printed again, except for /history.
 */
static void
view_privmsg(struct client *c, struct irc_msg *m, int64_t t)
{
	char nickbuf[CLIENT_NICK_MAX], msgid[RESUME_MSGID_MAX];
	char prefix[CLIENT_ROOM_MAX + 2];
	const char *nick, *target, *text, *arg;
	struct irc_ctcp ctcp;
	struct ev ev;
	size_t len, arglen;
	unsigned flags = 0;

	if (m->nparams < 2)
		return;
	target = m->params[0];
	text = m->params[1];
	len = strlen(text);
	client_tag(m, "msgid", msgid, sizeof msgid);
	if (c->capture == NULL && resume_seen(&c->resume, msgid))
		return;
	memset(&ev, 0, sizeof ev);
	ev.time_ms = t;
	ev.msgid = msgid[0] != '\0' ? msgid : NULL;
	if ((nick = client_source_nick(
		 c, m->source, nickbuf, sizeof nickbuf)) == NULL) {
		ev.kind = EV_REPLY;
		ev.code = R_TEXT;
		ev.text = text;
		client_show(c, &ev, 0, NULL, 0);
		return;
	}
	ev.kind = EV_MESSAGE;
	ev.nick = nick;
	ev.flags = strcmp(m->command, "NOTICE") == 0 ? EV_F_NOTICE : 0;
	if (irc_ctcp_action(text, len, &arg, &arglen)) {
		ev.flags |= EV_F_ACTION;
		text = arg;
		len = arglen;
	} else if (irc_ctcp_parse(text, len, &ctcp))
		return; /* VERSION, PING ...: nothing a person reads */
	ev.text = text;
	ev.len = len;
	if (client_is_channel(c, target)) {
		ev.room = client_room_name(target);
		prefix[0] = '\0';
		if (text_casecmp(target, c->room) != 0)
			snprintf(prefix, sizeof prefix, "%s ", target);
		if (!client_is_self(c, nick) &&
		    view_mentions(text, len, c->nick))
			flags |= CLIENT_L_HIGHLIGHT;
		/* Its own message, echoed: shown as others see it. */
		client_show(
		    c, &ev, 0, prefix[0] != '\0' ? prefix : NULL, flags);
		/* Where a resume starts: the current room's last message. */
		if (c->capture == NULL && text_casecmp(target, c->room) == 0)
			resume_note(&c->resume, target, ev.msgid, t);
	} else if (client_is_self(c, nick) && !client_is_self(c, target)) {
		ev.target = target;
		client_show(c, &ev, 1, NULL, 0); /* "-> *bob* text" */
	} else
		client_show(c, &ev, 0, NULL,
		    client_is_self(c, nick) ? 0 : CLIENT_L_HIGHLIGHT);
	resume_add(&c->resume, ev.msgid);
}

/* The event m reports about the user it comes from: 0 when it has fewer
 * than nparams params or no user for a source (a server's). nickbuf holds
 * CLIENT_NICK_MAX bytes. */
static int
view_event(struct client *c, struct irc_msg *m, int64_t t, enum ev_kind kind,
    size_t nparams, struct ev *ev, char *nickbuf)
{
	memset(ev, 0, sizeof *ev);
	if (m->nparams < nparams ||
	    (ev->nick = client_source_nick(
		 c, m->source, nickbuf, CLIENT_NICK_MAX)) == NULL)
		return 0;
	ev->kind = kind;
	ev->time_ms = t;
	return 1;
}

/* The server took this client out of its current room: go where
 * plain-text users are sent, #lobby, unless that was the room. */
static void
view_moved(struct client *c, const char *from)
{
	client_set_room(c, "");
	if (text_casecmp(from, CLIENT_LOBBY) != 0)
		reg_join(c, CLIENT_LOBBY);
}

static void
view_join(struct client *c, struct irc_msg *m, int64_t t)
{
	char nickbuf[CLIENT_NICK_MAX];
	const char *nick, *room;
	struct ev ev;
	int asked;

	if (!view_event(c, m, t, EV_JOIN, 1, &ev, nickbuf))
		return;
	nick = ev.nick;
	room = m->params[0];
	ev.room = client_room_name(room);
	if (!client_is_self(c, nick) || !client_name_ok(room, sizeof c->room)) {
		if (text_casecmp(room, c->room) == 0)
			(void)members_add(&c->members, nick);
		client_show(c, &ev, 0, NULL, 0);
		return;
	}
	/* Asked for or not, the room the server put it in is current. */
	asked = c->joining[0] != '\0' && text_casecmp(c->joining, room) == 0;
	if (asked)
		c->joining[0] = '\0';
	c->settled = 1;
	client_set_room(c, room);
	client_copy(c->names_for, sizeof c->names_for, room);
	(void)members_add(&c->members, nick);
	resume_joined(&c->resume, room, t);
	if (asked && !c->welcomed) {
		memset(&ev, 0, sizeof ev);
		ev.time_ms = t;
		ev.nick = c->nick;
		ev.room = client_room_name(room);
		ev.target = c->network[0] != '\0' ? c->network :
		    c->server[0] != '\0'          ? c->server :
						    NULL;
		client_say(c, 0, R_WELCOME, &ev);
		c->welcomed = 1;
	} else
		client_show(c, &ev, 0, NULL, 0);
	/* /join: the old room is left once the new one is entered. */
	if (c->leaving[0] != '\0' && text_casecmp(c->leaving, room) != 0) {
		client_copy(c->parting, sizeof c->parting, c->leaving);
		client_send(
		    c, "PART", (const char *const[]){ c->leaving, NULL }, NULL);
	}
	c->leaving[0] = '\0';
	if (c->resume_room[0] != '\0' &&
	    text_casecmp(c->resume_room, room) == 0) {
		c->resume_room[0] = '\0';
		client_resume(c, room);
	}
}

static void
view_part(struct client *c, struct irc_msg *m, int64_t t)
{
	char nickbuf[CLIENT_NICK_MAX];
	const char *nick, *room;
	struct ev ev;
	int asked;

	if (!view_event(c, m, t, EV_PART, 1, &ev, nickbuf))
		return;
	nick = ev.nick;
	room = m->params[0];
	ev.room = client_room_name(room);
	ev.text = m->nparams >= 2 ? m->params[1] : "";
	ev.len = strlen(ev.text);
	if (!client_is_self(c, nick)) {
		if (text_casecmp(room, c->room) == 0)
			members_remove(&c->members, nick);
		client_show(c, &ev, 0, NULL, 0);
		return;
	}
	asked = c->parting[0] != '\0' && text_casecmp(c->parting, room) == 0;
	if (asked) {
		c->parting[0] = '\0';
		return; /* the move the user asked for, told by its JOIN */
	}
	client_show(c, &ev, 0, NULL, 0);
	if (text_casecmp(room, c->room) == 0)
		view_moved(c, room);
}

static void
view_quit(struct client *c, struct irc_msg *m, int64_t t)
{
	char nickbuf[CLIENT_NICK_MAX];
	const char *nick, *why;
	struct ev ev;

	if (!view_event(c, m, t, EV_QUIT, 0, &ev, nickbuf) ||
	    client_is_self(c, ev.nick))
		return;
	nick = ev.nick;
	why = m->nparams >= 1 ? m->params[0] : "";
	/* As plain-text users see it: "bob has quit (bye)", for a QUIT
	 * with a reason ("Quit: bye") or without one ("Client Quit"). */
	if (strncmp(why, VIEW_QUIT_PREFIX, strlen(VIEW_QUIT_PREFIX)) == 0)
		why += strlen(VIEW_QUIT_PREFIX);
	else if (strcmp(why, VIEW_QUIT_NONE) == 0)
		why = "";
	ev.quit = EV_QUIT_REQUEST;
	ev.text = why;
	ev.len = strlen(why);
	members_remove(&c->members, nick);
	client_show(c, &ev, 0, NULL, 0);
}

static void
view_nick(struct client *c, struct irc_msg *m, int64_t t)
{
	char nickbuf[CLIENT_NICK_MAX];
	const char *nick;
	struct ev ev;

	if (!view_event(c, m, t, EV_NICK, 1, &ev, nickbuf))
		return;
	nick = ev.nick;
	ev.target = m->params[0];
	members_rename(&c->members, nick, m->params[0]);
	client_show(c, &ev, 0, NULL, 0);
	if (client_is_self(c, nick) &&
	    client_name_ok(m->params[0], sizeof c->nick)) {
		client_copy(c->nick, sizeof c->nick, m->params[0]);
		client_copy(c->want_nick, sizeof c->want_nick, m->params[0]);
		if (c->ops->changed != NULL)
			c->ops->changed(c->arg);
	}
}

static void
view_topic(struct client *c, struct irc_msg *m, int64_t t)
{
	char nickbuf[CLIENT_NICK_MAX];
	const char *nick;
	struct ev ev;

	if (m->nparams < 2)
		return;
	nick = client_source_nick(c, m->source, nickbuf, sizeof nickbuf);
	memset(&ev, 0, sizeof ev);
	ev.kind = EV_TOPIC;
	ev.time_ms = t;
	ev.nick = nick != NULL ? nick : c->server;
	ev.room = client_room_name(m->params[0]);
	ev.text = m->params[1];
	ev.len = strlen(ev.text);
	client_show(c, &ev, 0, NULL, 0);
}

static void
view_kick(struct client *c, struct irc_msg *m, int64_t t)
{
	char nickbuf[CLIENT_NICK_MAX];
	const char *nick, *room, *who;
	struct ev ev;

	if (m->nparams < 2)
		return;
	nick = client_source_nick(c, m->source, nickbuf, sizeof nickbuf);
	room = m->params[0];
	who = m->params[1];
	memset(&ev, 0, sizeof ev);
	ev.kind = EV_KICK;
	ev.time_ms = t;
	ev.nick = nick != NULL ? nick : c->server;
	ev.room = client_room_name(room);
	ev.target = who;
	ev.text = m->nparams >= 3 ? m->params[2] : "";
	/* chatd gives the kicker's nick when no reason was given. */
	if (text_casecmp(ev.text, ev.nick) == 0)
		ev.text = "";
	ev.len = strlen(ev.text);
	client_show(c, &ev, 0, NULL, 0);
	if (client_is_self(c, who)) {
		if (text_casecmp(room, c->room) == 0)
			view_moved(c, room);
	} else if (text_casecmp(room, c->room) == 0)
		members_remove(&c->members, who);
}

/* Channel modes: each +o/-o as chatd's operator sentences; anything else
 * (another server's +b, +v ...) in one line. User modes are not shown. */
static void
view_mode(struct client *c, struct irc_msg *m, int64_t t)
{
	char nickbuf[CLIENT_NICK_MAX], all[512];
	const char *nick, *p;
	struct ev ev;
	size_t i, arg = 2;
	int plus = 1;

	if (m->nparams < 2 || !client_is_channel(c, m->params[0]))
		return;
	nick = client_source_nick(c, m->source, nickbuf, sizeof nickbuf);
	memset(&ev, 0, sizeof ev);
	ev.time_ms = t;
	ev.room = client_room_name(m->params[0]);
	if (strspn(m->params[1], "+-o") == strlen(m->params[1])) {
		ev.kind = EV_MODE;
		ev.nick = nick; /* NULL: the server promoted someone */
		for (p = m->params[1]; *p != '\0'; p++) {
			if (*p == '+' || *p == '-') {
				plus = *p == '+';
				continue;
			}
			if (arg >= m->nparams)
				break;
			ev.target = m->params[arg++];
			ev.flags = plus ? EV_F_OP : 0;
			client_show(c, &ev, 0, NULL, 0);
		}
		return;
	}
	all[0] = '\0';
	for (i = 1; i < m->nparams; i++)
		snprintf(all + strlen(all), sizeof all - strlen(all), "%s%s",
		    i > 1 ? " " : "", m->params[i]);
	ev.kind = EV_REPLY;
	ev.code = R_MODE;
	ev.nick = nick != NULL ? nick : c->server;
	ev.text = all;
	client_show(c, &ev, 0, NULL, 0);
}

/* ERROR: the server is closing; after /quit that is the "bye". */
static void
view_error(struct client *c, struct irc_msg *m)
{
	const char *why = m->nparams >= 1 ? m->params[0] : "";

	if (strncmp(why, VIEW_CLOSING_LINK, strlen(VIEW_CLOSING_LINK)) == 0)
		why += strlen(VIEW_CLOSING_LINK);
	client_copy(c->reason, sizeof c->reason, why);
	if (c->quit_sent)
		client_say(c, 0, R_BYE, NULL);
}

/* The PONG to the PING sent at the end of the input: every line before
 * it was handled, its replies are in. Time to leave. */
static void
view_pong(struct client *c, struct irc_msg *m)
{
	if (m->nparams >= 1 && c->finish_token[0] != '\0' &&
	    strcmp(m->params[m->nparams - 1], c->finish_token) == 0)
		client_quit(c, NULL);
}

void
view_message(struct client *c, struct irc_msg *m, int64_t t)
{
	static const struct {
		const char *command;
		void (*fn)(struct client *, struct irc_msg *, int64_t);
	} cmds[] = {
		{ "PRIVMSG", view_privmsg },
		{ "NOTICE", view_privmsg },
		{ "JOIN", view_join },
		{ "PART", view_part },
		{ "QUIT", view_quit },
		{ "NICK", view_nick },
		{ "TOPIC", view_topic },
		{ "KICK", view_kick },
		{ "MODE", view_mode },
	};
	struct ev ev;
	size_t i;

	if (strcmp(m->command, "ERROR") == 0) {
		view_error(c, m);
		return;
	}
	if (strcmp(m->command, "PONG") == 0) {
		view_pong(c, m);
		return;
	}
	/* IRCv3 standard replies: their last param is for people. */
	if ((strcmp(m->command, "FAIL") == 0 ||
		strcmp(m->command, "WARN") == 0 ||
		strcmp(m->command, "NOTE") == 0) &&
	    m->nparams >= 2) {
		memset(&ev, 0, sizeof ev);
		ev.time_ms = t;
		ev.text = m->params[m->nparams - 1];
		client_say(c, m->command[0] == 'F',
		    m->command[0] == 'F' ? E_TEXT : R_TEXT, &ev);
		return;
	}
	for (i = 0; i < sizeof cmds / sizeof cmds[0]; i++)
		if (strcmp(m->command, cmds[i].command) == 0) {
			cmds[i].fn(c, m, t);
			return;
		}
	/* INVITE, WALLOPS, TAGMSG ...: nothing chat shows. */
}
