/* text_cmd.c: what a plain-text user's line means: messages and /commands, as core actions. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chat.h"
#include "conf.h"
#include "conn.h"
#include "history.h"
#include "render.h"
#include "log.h"
#include "proto_text.h"
#include "server.h"
#include "text.h"

struct text_cmd {
	const char *name;
	void (*fn)(struct text_session *, char *);
	int before_auth; /* allowed before /pass */
	const char *usage;
	const char *help;
};

/* Lines up to this long are cleaned without an allocation. */
#define TEXT_CLEAN_STACK 512

static void text_cmd_dispatch(struct text_session *, char *, size_t);
static void cmd_nick(struct text_session *, char *);
static void cmd_join(struct text_session *, char *);
static void cmd_me(struct text_session *, char *);
static void cmd_msg(struct text_session *, char *);
static void cmd_quit(struct text_session *, char *);
static void cmd_help(struct text_session *, char *);
static void cmd_pass(struct text_session *, char *);
static void cmd_topic(struct text_session *, char *);
static void cmd_kick(struct text_session *, char *);
static void cmd_op(struct text_session *, char *);
static void cmd_deop(struct text_session *, char *);
static void cmd_away(struct text_session *, char *);

static const struct text_cmd text_cmds[] = {
	{ "nick", cmd_nick, 1, "/nick NAME", "change your nickname" },
	{ "join", cmd_join, 0, "/join ROOM", "leave your room and enter ROOM" },
	{ "who", cmd_who, 0, "/who", "list the people in your room" },
	{ "rooms", cmd_rooms, 0, "/rooms", "list the rooms" },
	{ "me", cmd_me, 0, "/me TEXT", "send an action to your room" },
	{ "msg", cmd_msg, 0, "/msg NICK TEXT", "send a private message" },
	{ "quit", cmd_quit, 1, "/quit [REASON]", "leave the server" },
	{ "help", cmd_help, 1, "/help", "show this list" },
	{ "pass", cmd_pass, 1, "/pass PASSWORD", "give the server password" },
	{ "topic", cmd_topic, 0, "/topic [TEXT]", "show or set the topic" },
	{ "kick", cmd_kick, 0, "/kick NICK [REASON]",
	    "send NICK out of your room" },
	{ "op", cmd_op, 0, "/op NICK", "make NICK an operator of your room" },
	{ "deop", cmd_deop, 0, "/deop NICK", "take NICK's operator status" },
	{ "away", cmd_away, 0, "/away [TEXT]", "mark yourself away, or back" },
	{ "whois", cmd_whois, 0, "/whois NICK", "about NICK" },
	{ "list", cmd_list, 0, "/list", "the rooms with their topics" },
	{ "history", cmd_history, 0, "/history [N]",
	    "the last N messages of your room" },
};
#define TEXT_NCMDS (sizeof text_cmds / sizeof text_cmds[0])

struct room *
text_room(const struct text_session *s)
{
	struct member *m = TAILQ_FIRST(&s->user->rooms);

	return m != NULL ? m->room : NULL;
}

static struct chat *
text_chat(const struct text_session *s)
{
	return &s->srv->chat;
}

char *
text_trim(char *s)
{
	size_t n = strlen(s);

	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		s[--n] = '\0';
	return s;
}

/* Split off the first word of s; returns the rest after its blanks. */
static char *
cmd_word(char *s)
{
	char *p = s + strcspn(s, " \t");

	if (*p != '\0')
		*p++ = '\0';
	return p + strspn(p, " \t");
}

void
text_usage(struct text_session *s, const char *name)
{
	struct ev ev;
	size_t i;

	memset(&ev, 0, sizeof ev);
	for (i = 0; i < TEXT_NCMDS; i++)
		if (strcmp(text_cmds[i].name, name) == 0)
			ev.text = text_cmds[i].usage;
	text_send_code(s, EV_ERROR, E_USAGE, &ev);
}

/* An error code from the core, with the name it is about. */
static void
cmd_error(struct text_session *s, int code, const char *nick, const char *room)
{
	struct ev ev;

	memset(&ev, 0, sizeof ev);
	ev.nick = nick;
	ev.room = room;
	text_send_code(s, EV_ERROR, (enum ev_code)code, &ev);
}

/* Clean a line (chatd-v2 §2) into a stack buffer when it fits one, else
 * into the heap; *heap is what to free. NULL when out of memory. */
static char *
text_cleaned(
    char *stack, size_t stacklen, const char *line, size_t *len, char **heap)
{
	char *out;

	*heap = NULL;
	if (3 * *len + 1 <= stacklen)
		out = stack;
	else if ((out = *heap = malloc(3 * *len + 1)) == NULL)
		return NULL;
	*len = text_clean(out, line, *len, TEXT_CLEAN_TEXT);
	return out;
}

void
text_cmd_line(struct text_session *s, char *raw, size_t len)
{
	char stack[3 * TEXT_CLEAN_STACK + 1], *heap, *line;

	if ((line = text_cleaned(stack, sizeof stack, raw, &len, &heap)) ==
	    NULL) {
		text_leave(s, EV_QUIT_MEMORY, NULL);
		return;
	}
	text_cmd_dispatch(s, line, len);
	free(heap);
}

static void
text_cmd_dispatch(struct text_session *s, char *line, size_t len)
{
	const struct text_cmd *cmd;
	struct room *r;
	char *name, *args, *p;
	size_t i;
	int rv;

	if (text_is_blank(line, len))
		return;
	if (line[0] != '/' || line[1] == '/') {
		if (!s->authed || (r = text_room(s)) == NULL) {
			text_send_code(s, EV_ERROR, E_PASS_NEEDED, NULL);
			return;
		}
		if (line[0] == '/') { /* "//text" is the message "/text" */
			line++;
			len--;
		}
		if ((rv = chat_say(text_chat(s), s->user, r->name, line, len, 0,
			 NULL)) != 0)
			cmd_error(s, rv, NULL, r->name);
		return;
	}
	name = line + 1;
	p = name + strcspn(name, " \t");
	if (*p != '\0')
		*p++ = '\0';
	args = p + strspn(p, " \t");
	for (i = 0; i < TEXT_NCMDS; i++) {
		cmd = &text_cmds[i];
		if (text_casecmp(cmd->name, name) != 0)
			continue;
		if (!s->authed && !cmd->before_auth)
			text_send_code(s, EV_ERROR, E_PASS_NEEDED, NULL);
		else
			cmd->fn(s, args);
		return;
	}
	if (!s->authed) {
		text_send_code(s, EV_ERROR, E_PASS_NEEDED, NULL);
		return;
	}
	{
		struct ev ev;

		memset(&ev, 0, sizeof ev);
		ev.text = name;
		text_send_code(s, EV_ERROR, E_UNKNOWN_CMD, &ev);
	}
}

void
text_cmd_enter_room(struct text_session *s, const char *name)
{
	struct room *r;
	struct ev ev;
	int rv;

	/* The welcome's #lobby is announced by the welcome itself. */
	rv = chat_join(text_chat(s), s->user,
	    name != NULL ? name : CHAT_DEFAULT_ROOM,
	    name != NULL ? 0 : CHAT_F_QUIET_SELF);
	if (rv != 0 || (r = text_room(s)) == NULL) {
		log_warn("client %u: cannot enter #%s", s->user->id,
		    name != NULL ? name : CHAT_DEFAULT_ROOM);
		text_leave(s, EV_QUIT_MEMORY, NULL);
		return;
	}
	if (r->topic != NULL) {
		memset(&ev, 0, sizeof ev);
		ev.room = r->name;
		ev.text = r->topic;
		ev.target = r->topic_by;
		text_send_code(s, EV_REPLY, R_TOPIC, &ev);
	}
	text_replay(s, r, s->srv->cfg.replay, 0);
}

static void
cmd_nick(struct text_session *s, char *args)
{
	char old[CHAT_NICK_MAX + 1];
	char *name = text_trim(args);
	struct ev ev;
	int rv;

	if (*name == '\0') {
		text_usage(s, "nick");
		return;
	}
	snprintf(old, sizeof old, "%s", s->user->nick);
	rv = chat_nick(text_chat(s), s->user, name);
	memset(&ev, 0, sizeof ev);
	ev.nick = name;
	if (rv == CHAT_NOTHING)
		text_send_code(s, EV_REPLY, R_NICK_SAME, &ev);
	else if (rv != 0)
		text_send_code(s, EV_ERROR, (enum ev_code)rv, &ev);
	else if (!s->user->visible) {
		/* Not in yet: nobody else is told, but the user is. */
		ev.kind = EV_NICK;
		ev.time_ms = chat_clock_ms();
		ev.nick = old;
		ev.target = s->user->nick;
		text_send_ev(s, &ev);
	}
}

static void
cmd_join(struct text_session *s, char *args)
{
	struct room *r = text_room(s);
	char *arg = text_trim(args);
	const char *name;

	if (*arg == '\0') {
		text_usage(s, "join");
		return;
	}
	if (!text_room_valid(arg)) {
		cmd_error(s, E_ROOM_INVALID, NULL, arg);
		return;
	}
	name = text_room_name(arg);
	if (r != NULL && text_casecmp(r->name, name) == 0) {
		cmd_error(s, E_ALREADY_IN, NULL, r->name);
		return;
	}
	if (r != NULL)
		chat_part(text_chat(s), s->user, r, NULL, CHAT_F_QUIET_SELF);
	text_cmd_enter_room(s, name);
}

static void
cmd_me(struct text_session *s, char *args)
{
	size_t len = strlen(args);
	int rv;

	if (text_is_blank(args, len)) {
		text_usage(s, "me");
		return;
	}
	if ((rv = chat_say(text_chat(s), s->user, text_room(s)->name, args, len,
		 EV_F_ACTION, NULL)) != 0)
		cmd_error(s, rv, NULL, text_room(s)->name);
}

static void
cmd_msg(struct text_session *s, char *args)
{
	char *text = cmd_word(args);
	size_t len = strlen(text);
	int rv;

	if (*args == '\0' || text_is_blank(text, len)) {
		text_usage(s, "msg");
		return;
	}
	if ((rv = chat_tell(text_chat(s), s->user, args, text, len, 0, NULL)) !=
	    0)
		cmd_error(s, rv, args, NULL);
}

static void
cmd_quit(struct text_session *s, char *args)
{
	char *reason = text_trim(args);

	text_send_code(s, EV_REPLY, R_BYE, NULL);
	text_leave(s, EV_QUIT_REQUEST, *reason != '\0' ? reason : NULL);
}

static void
cmd_help(struct text_session *s, char *args)
{
	char line[128];
	struct ev ev;
	size_t i;

	(void)args;
	memset(&ev, 0, sizeof ev);
	ev.text = "commands:";
	text_send_code(s, EV_REPLY, R_TEXT, &ev);
	ev.text = line;
	for (i = 0; i < TEXT_NCMDS; i++) {
		snprintf(line, sizeof line, "%-20s %s", text_cmds[i].usage,
		    text_cmds[i].help);
		text_send_code(s, EV_REPLY, R_TEXT, &ev);
	}
	snprintf(line, sizeof line, "%-20s %s", "//text",
	    "send a message that starts with /");
	text_send_code(s, EV_REPLY, R_TEXT, &ev);
}

/* Compare without an early exit, so timing does not leak the password. */
static int
cmd_password_equal(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), i;
	unsigned char diff = la != lb;

	for (i = 0; i < la; i++)
		diff |= (unsigned char)a[i] ^ (unsigned char)b[i % (lb + 1)];
	return diff == 0;
}

static void
cmd_pass(struct text_session *s, char *args)
{
	struct server *srv = s->srv;
	char *pass = text_trim(args);
	struct ev ev;

	if (srv->cfg.password == NULL) {
		text_send_code(s, EV_ERROR, E_NO_PASS, NULL);
		return;
	}
	if (s->authed) {
		text_send_code(s, EV_ERROR, E_AUTHED, NULL);
		return;
	}
	if (*pass == '\0') {
		text_usage(s, "pass");
		return;
	}
	if (!cmd_password_equal(pass, srv->cfg.password)) {
		log_info("client %u: wrong password", s->user->id);
		if (++s->pass_tries >= CHATD_PASS_TRIES) {
			text_send_code(s, EV_ERROR, E_PASS_CLOSING, NULL);
			text_leave(s, EV_QUIT_PASSWORD, NULL);
		} else
			text_send_code(s, EV_ERROR, E_PASS_WRONG, NULL);
		return;
	}
	s->authed = 1;
	loop_timer_stop(srv->loop, &s->login);
	memset(&ev, 0, sizeof ev);
	ev.room = CHAT_DEFAULT_ROOM;
	text_send_code(s, EV_REPLY, R_PASS_OK, &ev);
	chat_enter(text_chat(s), s->user);
	text_cmd_enter_room(s, NULL);
}

static void
cmd_topic(struct text_session *s, char *args)
{
	struct room *r = text_room(s);
	char *text = text_trim(args);
	struct ev ev;
	int rv;

	memset(&ev, 0, sizeof ev);
	ev.room = r->name;
	if (*text == '\0') {
		ev.text = r->topic;
		ev.target = r->topic_by;
		text_send_code(
		    s, EV_REPLY, r->topic != NULL ? R_TOPIC : R_NO_TOPIC, &ev);
		return;
	}
	if ((rv = chat_topic(text_chat(s), s->user, r, text, strlen(text))) !=
	    0)
		cmd_error(s, rv, NULL, r->name);
}

static void
cmd_kick(struct text_session *s, char *args)
{
	struct room *r = text_room(s);
	char room[CHAT_ROOM_MAX + 1];
	char *reason = text_trim(cmd_word(args));
	int rv;

	if (*args == '\0') {
		text_usage(s, "kick");
		return;
	}
	/* The room may go with the kick: keep its name for the error. */
	snprintf(room, sizeof room, "%s", r->name);
	if ((rv = chat_kick(text_chat(s), s->user, r, args, reason)) != 0)
		cmd_error(s, rv, args, room);
}

static void
cmd_op_deop(struct text_session *s, char *args, int give)
{
	struct room *r = text_room(s);
	char *nick = text_trim(args);
	struct ev ev;
	int rv;

	if (*nick == '\0') {
		text_usage(s, give ? "op" : "deop");
		return;
	}
	rv = chat_op(text_chat(s), s->user, r, nick, give);
	if (rv > 0)
		cmd_error(s, rv, nick, r->name);
	else if (rv == CHAT_NOTHING) {
		/* Nothing changed: say so, in the nick as now spelled. */
		struct user *u = chat_find_user(text_chat(s), nick);

		memset(&ev, 0, sizeof ev);
		ev.nick = u != NULL ? u->nick : nick;
		ev.room = r->name;
		text_send_code(s, EV_REPLY, give ? R_IS_OP : R_IS_NOT_OP, &ev);
	}
}

static void
cmd_op(struct text_session *s, char *args)
{
	cmd_op_deop(s, args, 1);
}

static void
cmd_deop(struct text_session *s, char *args)
{
	cmd_op_deop(s, args, 0);
}

static void
cmd_away(struct text_session *s, char *args)
{
	chat_away(text_chat(s), s->user, text_trim(args));
}
