/* cmd.c: what the user types, as IRC: /commands, and text for the room. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client.h"
#include "irc.h"
#include "proto.h"
#include "text.h"

/* What the server adds when it relays a line: ":nick!user@host ", with
 * chatd's and RFC 2812's longest user (10) and host (63). */
#define CMD_PREFIX_RESERVE (1 + 1 + 10 + 1 + 63 + 1)
#define CMD_ACTION_RESERVE 9 /* "\001ACTION " and "\001" */
#define CMD_HISTORY_MAX    100
#define CMD_CHAR_MAX       4 /* the longest UTF-8 character */

struct cmd {
	const char *name;
	void (*fn)(struct client *, char *);
	int offline; /* works without a connection */
	const char *usage;
	const char *help;
};

static void cmd_nick(struct client *, char *);
static void cmd_join(struct client *, char *);
static void cmd_who(struct client *, char *);
static void cmd_rooms(struct client *, char *);
static void cmd_list(struct client *, char *);
static void cmd_me(struct client *, char *);
static void cmd_msg(struct client *, char *);
static void cmd_quit(struct client *, char *);
static void cmd_help(struct client *, char *);
static void cmd_pass(struct client *, char *);
static void cmd_topic(struct client *, char *);
static void cmd_kick(struct client *, char *);
static void cmd_op(struct client *, char *);
static void cmd_deop(struct client *, char *);
static void cmd_away(struct client *, char *);
static void cmd_whois(struct client *, char *);
static void cmd_history(struct client *, char *);
static void cmd_quote(struct client *, char *);

static const struct cmd cmds[] = {
	{ "nick", cmd_nick, 0, "/nick NAME", "change your nickname" },
	{ "join", cmd_join, 0, "/join ROOM", "leave your room and enter ROOM" },
	{ "who", cmd_who, 0, "/who", "list the people in your room" },
	{ "rooms", cmd_rooms, 0, "/rooms", "list the rooms" },
	{ "list", cmd_list, 0, "/list", "the rooms with their topics" },
	{ "me", cmd_me, 0, "/me TEXT", "send an action to your room" },
	{ "msg", cmd_msg, 0, "/msg NICK TEXT", "send a private message" },
	{ "quit", cmd_quit, 1, "/quit [REASON]", "leave the server" },
	{ "topic", cmd_topic, 0, "/topic [TEXT]", "show or set the topic" },
	{ "kick", cmd_kick, 0, "/kick NICK [REASON]",
	    "send NICK out of your room" },
	{ "op", cmd_op, 0, "/op NICK", "make NICK an operator of your room" },
	{ "deop", cmd_deop, 0, "/deop NICK", "take NICK's operator status" },
	{ "away", cmd_away, 0, "/away [TEXT]", "mark yourself away, or back" },
	{ "whois", cmd_whois, 0, "/whois NICK", "about NICK" },
	{ "history", cmd_history, 0, "/history [N]",
	    "the last N messages of your room" },
	{ "pass", cmd_pass, 1, "/pass PASSWORD", "give the server password" },
	{ "quote", cmd_quote, 0, "/quote LINE",
	    "send LINE to the server as is" },
	{ "help", cmd_help, 1, "/help", "show this list" },
};
#define CMD_N (sizeof cmds / sizeof cmds[0])

static char *cmd_word(char **);
static void cmd_usage(struct client *, const char *);
static const char *cmd_room(struct client *);
static void cmd_privmsg(struct client *, const char *, const char *, int);
static void cmd_list_as(struct client *, enum client_list_kind);
static void cmd_op_deop(struct client *, char *, const char *, const char *);

/* The next word of *args (cut with a NUL); *args moves past its spaces. */
static char *
cmd_word(char **args)
{
	char *w = *args + strspn(*args, " "), *p;

	p = w + strcspn(w, " ");
	if (*p != '\0')
		*p++ = '\0';
	*args = p + strspn(p, " ");
	return w;
}

static void
cmd_usage(struct client *c, const char *name)
{
	struct ev ev;
	size_t i;

	for (i = 0; i < CMD_N; i++)
		if (strcmp(cmds[i].name, name) == 0)
			break;
	memset(&ev, 0, sizeof ev);
	ev.text = i < CMD_N ? cmds[i].usage : name;
	client_say(c, 1, E_USAGE, &ev);
}

/* The current room, or an error said and NULL. */
static const char *
cmd_room(struct client *c)
{
	const char *room = client_target(c);

	if (room == NULL)
		client_say(c, 1, E_NO_ROOM, NULL);
	return room;
}

/*
 * PRIVMSG text to target, split (at character boundaries) into as many
 * lines as IRC's 512 bytes need once the server has put its prefix in
 * front. Without echo-message, what was sent is shown here.
 */
static void
cmd_privmsg(struct client *c, const char *target, const char *text, int action)
{
	struct irc_split sp;
	const char *piece;
	char line[IRC_LINE_MAX + 1], prefix[CLIENT_ROOM_MAX + 2];
	size_t len, reserve, max;
	struct ev ev;
	int chan = client_is_channel(c, target), here;

	reserve = strlen("PRIVMSG ") + strlen(target) + strlen(" :\r\n") +
	    strlen(c->nick) + CMD_PREFIX_RESERVE +
	    (action ? CMD_ACTION_RESERVE : 0);
	if (reserve + CMD_CHAR_MAX > IRC_LINE_MAX) {
		/* A target so long that not one character fits. */
		memset(&ev, 0, sizeof ev);
		ev.num[0] = IRC_LINE_MAX;
		client_say(c, 1, E_LINE_TOO_LONG, &ev);
		return;
	}
	max = IRC_LINE_MAX - reserve;
	snprintf(prefix, sizeof prefix, "%s ", target);
	irc_split_init(&sp, text, strlen(text), max);
	while (irc_split_next(&sp, &piece, &len)) {
		snprintf(line, sizeof line,
		    action ? "\001ACTION %.*s\001" : "%.*s", (int)len, piece);
		client_send(
		    c, "PRIVMSG", (const char *const[]){ target, NULL }, line);
		if (c->caps & CLIENT_CAP_ECHO)
			continue;
		memset(&ev, 0, sizeof ev);
		ev.kind = EV_MESSAGE;
		ev.time_ms = c->clock();
		ev.nick = c->nick;
		ev.text = piece;
		ev.len = len;
		ev.flags = action ? EV_F_ACTION : 0;
		if (chan) {
			ev.room = client_room_name(target);
			here = client_target(c) != NULL &&
			    text_casecmp(target, client_target(c)) == 0;
			client_show(c, &ev, 0, here ? NULL : prefix, 0);
		} else {
			ev.target = target;
			client_show(c, &ev, 1, NULL, 0);
		}
	}
}

static void
cmd_nick(struct client *c, char *args)
{
	char *nick = cmd_word(&args);

	if (*nick == '\0') {
		cmd_usage(c, "nick");
		return;
	}
	client_send(c, "NICK", (const char *const[]){ nick, NULL }, NULL);
}

/* Enter ROOM, then leave the current one once the server says we are in
 * (view.c), so a failed /join leaves the user where it was. */
static void
cmd_join(struct client *c, char *args)
{
	char room[CLIENT_ROOM_MAX];
	char *name = cmd_word(&args);
	struct ev ev;

	if (*name == '\0') {
		cmd_usage(c, "join");
		return;
	}
	snprintf(room, sizeof room, "%s%s",
	    client_is_channel(c, name) ? "" : "#", name);
	/* One room: JOIN's comma list is not for /join. */
	if (strchr(name, ',') != NULL) {
		memset(&ev, 0, sizeof ev);
		ev.room = name;
		client_say(c, 1, E_ROOM_INVALID, &ev);
		return;
	}
	if (text_casecmp(
		room, client_target(c) != NULL ? client_target(c) : "") == 0) {
		memset(&ev, 0, sizeof ev);
		ev.room = client_room_name(c->room);
		client_say(c, 1, E_ALREADY_IN, &ev);
		return;
	}
	if (c->joining[0] == '\0')
		client_copy(c->leaving, sizeof c->leaving, c->room);
	reg_join(c, room);
}

static void
cmd_who(struct client *c, char *args)
{
	const char *room = cmd_room(c);

	(void)args;
	if (room != NULL)
		client_send(
		    c, "NAMES", (const char *const[]){ room, NULL }, NULL);
}

static void
cmd_list_as(struct client *c, enum client_list_kind kind)
{
	if (c->list_n < CLIENT_PENDING_MAX) {
		c->list_q[(c->list_head + c->list_n) % CLIENT_PENDING_MAX] =
		    kind;
		c->list_n++;
	}
	client_send(c, "LIST", NULL, NULL);
}

static void
cmd_rooms(struct client *c, char *args)
{
	(void)args;
	cmd_list_as(c, CLIENT_LIST_ROOMS);
}

static void
cmd_list(struct client *c, char *args)
{
	(void)args;
	cmd_list_as(c, CLIENT_LIST_LIST);
}

static void
cmd_me(struct client *c, char *args)
{
	const char *room;

	if (text_is_blank(args, strlen(args))) {
		cmd_usage(c, "me");
		return;
	}
	if ((room = cmd_room(c)) != NULL)
		cmd_privmsg(c, room, args, 1);
}

static void
cmd_msg(struct client *c, char *args)
{
	char *nick = cmd_word(&args);

	if (*nick == '\0' || text_is_blank(args, strlen(args))) {
		cmd_usage(c, "msg");
		return;
	}
	cmd_privmsg(c, nick, args, 0);
}

static void
cmd_quit(struct client *c, char *args)
{
	client_quit(c, args);
}

static void
cmd_help(struct client *c, char *args)
{
	char line[128];
	struct ev ev;
	size_t i;

	(void)args;
	memset(&ev, 0, sizeof ev);
	ev.text = "commands:";
	client_say(c, 0, R_TEXT, &ev);
	ev.text = line;
	for (i = 0; i < CMD_N; i++) {
		snprintf(
		    line, sizeof line, "%-20s %s", cmds[i].usage, cmds[i].help);
		client_say(c, 0, R_TEXT, &ev);
	}
	snprintf(line, sizeof line, "%-20s %s", "//text",
	    "send a message that starts with /");
	client_say(c, 0, R_TEXT, &ev);
}

/* IRC takes a password only before registering: kept for the next
 * connection, which starts at once when chat is waiting for one. */
static void
cmd_pass(struct client *c, char *args)
{
	char *pw = cmd_word(&args);

	if (*pw == '\0') {
		cmd_usage(c, "pass");
		return;
	}
	if (c->phase == CLIENT_ON) {
		client_say(c, 1, E_AUTHED, NULL);
		return;
	}
	if (client_set_password(c, pw) == 0)
		c->retry_now = 1;
}

static void
cmd_topic(struct client *c, char *args)
{
	const char *room = cmd_room(c);

	if (room == NULL)
		return;
	client_send(c, "TOPIC", (const char *const[]){ room, NULL },
	    *args != '\0' ? args : NULL);
}

static void
cmd_kick(struct client *c, char *args)
{
	char *nick = cmd_word(&args);
	const char *room;

	if (*nick == '\0') {
		cmd_usage(c, "kick");
		return;
	}
	if ((room = cmd_room(c)) != NULL)
		client_send(c, "KICK",
		    (const char *const[]){ room, nick, NULL },
		    *args != '\0' ? args : NULL);
}

static void
cmd_op_deop(struct client *c, char *args, const char *name, const char *mode)
{
	char *nick = cmd_word(&args);
	const char *room;

	if (*nick == '\0') {
		cmd_usage(c, name);
		return;
	}
	if ((room = cmd_room(c)) != NULL)
		client_send(c, "MODE",
		    (const char *const[]){ room, mode, nick, NULL }, NULL);
}

static void
cmd_op(struct client *c, char *args)
{
	cmd_op_deop(c, args, "op", "+o");
}

static void
cmd_deop(struct client *c, char *args)
{
	cmd_op_deop(c, args, "deop", "-o");
}

static void
cmd_away(struct client *c, char *args)
{
	client_send(c, "AWAY", NULL, *args != '\0' ? args : NULL);
}

static void
cmd_whois(struct client *c, char *args)
{
	char *nick = cmd_word(&args);

	if (*nick == '\0') {
		cmd_usage(c, "whois");
		return;
	}
	client_send(c, "WHOIS", (const char *const[]){ nick, NULL }, NULL);
}

/* CHATHISTORY LATEST #room * N, shown as chatd shows /history. */
static void
cmd_history(struct client *c, char *args)
{
	char *word = cmd_word(&args), *end;
	const char *room;
	long n = CLIENT_HISTORY_DEFAULT, max;
	struct ev ev;

	max = c->history_max > 0 ? c->history_max : CMD_HISTORY_MAX;
	if (*word != '\0') {
		n = strtol(word, &end, 10);
		if (*end != '\0' || n < 1) {
			cmd_usage(c, "history");
			return;
		}
	}
	if (n > max)
		n = max;
	if ((room = cmd_room(c)) == NULL)
		return;
	if (!(c->caps & CLIENT_CAP_HISTORY)) {
		memset(&ev, 0, sizeof ev);
		ev.room = client_room_name(room);
		client_say(c, 0, R_NO_HISTORY, &ev);
		return;
	}
	client_chathistory(c, RESUME_HISTORY, "LATEST", room, "*", (size_t)n);
}

static void
cmd_quote(struct client *c, char *args)
{
	if (*args == '\0') {
		cmd_usage(c, "quote");
		return;
	}
	(void)buf_append_str(&c->out, args);
	(void)buf_append(&c->out, "\r\n", 2);
}

void
client_typed(struct client *c, const char *typed)
{
	char *line, *args, *word;
	struct ev ev;
	size_t len = strlen(typed), i;

	/* Piped lines may hold anything; IRC's formatting may stay. */
	if ((line = malloc(3 * len + 1)) == NULL)
		return;
	len = text_clean(line, typed, len, TEXT_CLEAN_IRC);
	if (text_is_blank(line, len))
		goto out;
	if (line[0] != '/' || line[1] == '/') {
		if (!client_ready(c))
			client_say(c, 1, E_NOT_CONNECTED, NULL);
		else if (client_target(c) == NULL)
			client_say(c, 1, E_NO_ROOM, NULL);
		else
			cmd_privmsg(
			    c, client_target(c), line + (line[0] == '/'), 0);
		goto out;
	}
	args = line + 1;
	word = cmd_word(&args);
	for (i = 0; i < CMD_N; i++)
		if (text_casecmp(word, cmds[i].name) == 0)
			break;
	memset(&ev, 0, sizeof ev);
	if (i == CMD_N) {
		ev.text = word;
		client_say(c, 1, E_UNKNOWN_CMD, &ev);
	} else if (!cmds[i].offline && !client_ready(c))
		client_say(c, 1, E_NOT_CONNECTED, NULL);
	else
		cmds[i].fn(c, args);
out:
	free(line);
}
