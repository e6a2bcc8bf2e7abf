/* command.c: what a client's line means; talks only through client and room. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client.h"
#include "command.h"
#include "log.h"
#include "room.h"
#include "text.h"
#include "wire.h"

struct cmd {
	const char *name;
	void (*fn)(struct client *, char *);
	int before_auth; /* allowed before /pass */
	const char *usage;
	const char *help;
};

static void cmd_nick(struct client *, char *);
static void cmd_join(struct client *, char *);
static void cmd_who(struct client *, char *);
static void cmd_rooms(struct client *, char *);
static void cmd_me(struct client *, char *);
static void cmd_msg(struct client *, char *);
static void cmd_quit(struct client *, char *);
static void cmd_help(struct client *, char *);
static void cmd_pass(struct client *, char *);

static const struct cmd cmd_table[] = {
	{ "nick", cmd_nick, 1, "/nick NAME", "change your nickname" },
	{ "join", cmd_join, 0, "/join ROOM", "leave your room and enter ROOM" },
	{ "who", cmd_who, 0, "/who", "list the people in your room" },
	{ "rooms", cmd_rooms, 0, "/rooms", "list the rooms" },
	{ "me", cmd_me, 0, "/me TEXT", "send an action to your room" },
	{ "msg", cmd_msg, 0, "/msg NICK TEXT", "send a private message" },
	{ "quit", cmd_quit, 1, "/quit [REASON]", "leave the server" },
	{ "help", cmd_help, 1, "/help", "show this list" },
	{ "pass", cmd_pass, 1, "/pass PASSWORD", "give the server password" },
};
#define CMD_COUNT (sizeof cmd_table / sizeof cmd_table[0])

int
cmd_parse(char *line, char **name, char **args)
{
	char *p;

	if (line[0] != '/' || line[1] == '/')
		return -1;
	*name = line + 1;
	p = *name + strcspn(*name, " \t");
	if (*p != '\0')
		*p++ = '\0';
	p += strspn(p, " \t");
	*args = p;
	return 0;
}

/* Drop trailing blanks from an argument (in place). */
static char *
cmd_trim(char *s)
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
cmd_dispatch(struct client *c, char *line, size_t len)
{
	const struct cmd *cmd;
	char *name, *args;
	size_t i;

	len = text_sanitize(line, len);
	if (text_is_blank(line, len))
		return;
	if (cmd_parse(line, &name, &args) == -1) {
		if (!c->authed) {
			client_error(c, "password required (/pass PASSWORD)");
			return;
		}
		if (line[0] == '/') { /* "//text" is the message "/text" */
			line++;
			len--;
		}
		room_message(c, line, len);
		return;
	}
	for (i = 0; i < CMD_COUNT; i++) {
		cmd = &cmd_table[i];
		if (text_casecmp(cmd->name, name) != 0)
			continue;
		if (!c->authed && !cmd->before_auth)
			client_error(c, "password required (/pass PASSWORD)");
		else
			cmd->fn(c, args);
		return;
	}
	if (!c->authed)
		client_error(c, "password required (/pass PASSWORD)");
	else
		client_error(c, "unknown command /%s (try /help)", name);
}

static void
cmd_usage(struct client *c, const char *name)
{
	size_t i;

	for (i = 0; i < CMD_COUNT; i++)
		if (strcmp(cmd_table[i].name, name) == 0)
			client_error(c, "usage: %s", cmd_table[i].usage);
}

static void
cmd_nick(struct client *c, char *args)
{
	struct client *other;
	char old[sizeof c->nick];
	char *name = cmd_trim(args);

	if (*name == '\0') {
		cmd_usage(c, "nick");
		return;
	}
	if (!text_nick_valid(name)) {
		client_error(c,
		    "invalid nickname %s (1-%d characters: a "
		    "letter, then letters, digits, _ or -)",
		    name, CHAT_NICK_MAX);
		return;
	}
	if (strcmp(c->nick, name) == 0) {
		client_notice(c, "you are already %s", name);
		return;
	}
	other = client_find_nick(c->srv, name);
	if (other != NULL && other != c) {
		client_error(c, "nickname %s is already in use", name);
		return;
	}
	snprintf(old, sizeof old, "%s", c->nick);
	client_set_nick(c, name);
	log_debug("client %u: %s is now known as %s", c->id, old, name);
	if (c->room != NULL)
		room_notice(c->room, c, "%s is now known as %s", old, name);
	client_notice(c, "%s is now known as %s", old, name);
}

static void
cmd_join(struct client *c, char *args)
{
	const char *name;
	char *arg = cmd_trim(args);

	if (*arg == '\0') {
		cmd_usage(c, "join");
		return;
	}
	if (!text_room_valid(arg)) {
		client_error(c,
		    "invalid room name %s (1-%d characters: "
		    "letters, digits, _ or -)",
		    arg, CHAT_ROOM_MAX);
		return;
	}
	name = text_room_name(arg);
	if (text_casecmp(c->room->name, name) == 0) {
		client_error(c, "you are already in #%s", c->room->name);
		return;
	}
	room_notice(c->room, c, "%s has left #%s", c->nick, c->room->name);
	room_leave(c);
	if (room_enter(c, name) == -1) {
		client_kill(c, QUIT_ERROR);
		return;
	}
	client_notice(c, "%s has joined #%s", c->nick, c->room->name);
}

/* Build "label: a, b, c" lists without a fixed size. */
static void
cmd_list_add(struct buf *b, const char *item, size_t *n)
{
	if ((*n)++ > 0)
		buf_append_str(b, ", ");
	buf_append_str(b, item);
}

static void
cmd_send_list(struct client *c, struct buf *b)
{
	if (buf_append(b, "", 1) == 0) /* NUL-terminate */
		client_notice(c, "%s", buf_data(b));
	buf_free(b);
}

static void
cmd_who(struct client *c, char *args)
{
	struct client *m;
	struct buf b;
	size_t n = 0;
	char head[64 + CHAT_ROOM_MAX];

	(void)args;
	buf_init(&b);
	snprintf(head, sizeof head, "%d %s in #%s: ", c->room->count,
	    c->room->count == 1 ? "user" : "users", c->room->name);
	buf_append_str(&b, head);
	TAILQ_FOREACH(m, &c->room->members, room_entry)
	cmd_list_add(&b, m->nick, &n);
	cmd_send_list(c, &b);
}

static void
cmd_rooms(struct client *c, char *args)
{
	struct room *r;
	struct buf b;
	size_t n = 0;
	char item[64 + CHAT_ROOM_MAX];

	(void)args;
	buf_init(&b);
	snprintf(item, sizeof item, "%d %s: ", c->srv->nrooms,
	    c->srv->nrooms == 1 ? "room" : "rooms");
	buf_append_str(&b, item);
	TAILQ_FOREACH(r, &c->srv->rooms, entry)
	{
		snprintf(item, sizeof item, "#%s (%d)", r->name, r->count);
		cmd_list_add(&b, item, &n);
	}
	cmd_send_list(c, &b);
}

static void
cmd_me(struct client *c, char *args)
{
	size_t len = strlen(args);

	if (text_is_blank(args, len)) {
		cmd_usage(c, "me");
		return;
	}
	room_action(c, args, len);
}

static void
cmd_msg(struct client *c, char *args)
{
	struct client *to;
	struct buf *b = &c->srv->scratch;
	char *text = cmd_word(args);
	size_t len = strlen(text);

	if (*args == '\0' || text_is_blank(text, len)) {
		cmd_usage(c, "msg");
		return;
	}
	to = client_find_nick(c->srv, args);
	if (to == NULL || !to->authed || to->closing || to->dead) {
		client_error(c, "no such nick %s", args);
		return;
	}
	if (wire_private_in(b, c->nick, text, len) == 0)
		client_send(to, buf_data(b), buf_len(b));
	if (wire_private_out(b, to->nick, text, len) == 0)
		client_send(c, buf_data(b), buf_len(b));
}

static void
cmd_quit(struct client *c, char *args)
{
	char *reason = cmd_trim(args);

	client_notice(c, "bye");
	client_close_after_flush(
	    c, QUIT_REQUEST, *reason != '\0' ? reason : NULL);
}

static void
cmd_help(struct client *c, char *args)
{
	size_t i;

	(void)args;
	client_notice(c, "commands:");
	for (i = 0; i < CMD_COUNT; i++)
		client_notice(
		    c, "%-16s %s", cmd_table[i].usage, cmd_table[i].help);
	client_notice(c, "%-16s %s", "//text",
	    "send a message that starts "
	    "with /");
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
cmd_pass(struct client *c, char *args)
{
	struct server *srv = c->srv;
	char *pass = cmd_trim(args);

	if (srv->cfg.password == NULL) {
		client_error(c, "no password is needed here");
		return;
	}
	if (c->authed) {
		client_error(c, "already authenticated");
		return;
	}
	if (*pass == '\0') {
		cmd_usage(c, "pass");
		return;
	}
	if (!cmd_password_equal(pass, srv->cfg.password)) {
		if (++c->pass_tries >= CHATD_PASS_TRIES) {
			client_error(c, "wrong password, closing connection");
			client_close_after_flush(c, QUIT_PASSWORD, NULL);
		} else
			client_error(c, "wrong password");
		log_info("client %u: wrong password", c->id);
		return;
	}
	c->authed = 1;
	client_notice(c,
	    "password accepted; you are in #%s; type /help for "
	    "commands",
	    CHAT_DEFAULT_ROOM);
	if (room_enter(c, CHAT_DEFAULT_ROOM) == -1)
		client_kill(c, QUIT_ERROR);
}
