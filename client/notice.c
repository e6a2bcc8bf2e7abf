/* notice.c: what the client learns from server lines: its nick, its room, errors. */
#include <stdio.h>
#include <string.h>

#include "notice.h"
#include "text.h"

#define NOTICE_WELCOME    "welcome to "
#define NOTICE_YOU_ARE_IN "you are in #"
#define NOTICE_TYPE_HELP  "; type /help for commands"
#define NOTICE_NEEDS_PASS "this server needs a password: /pass PASSWORD"
#define NOTICE_ACCEPTED   "password accepted; you are in #"
#define NOTICE_KNOWN_AS   " is now known as "
#define NOTICE_JOINED     " has joined #"
#define NOTICE_SHUTDOWN   "server shutting down"

const char *
notice_body(const char *line)
{
	if (strlen(line) >= CHAT_STAMP_LEN && line[0] == '[' &&
	    line[CHAT_STAMP_LEN - 2] == ']' && line[CHAT_STAMP_LEN - 1] == ' ')
		return line + CHAT_STAMP_LEN;
	return line;
}

/* The alphabets of nicks and rooms (chatd-v1 §4). */
#define NOTICE_NAME_CHARS \
	"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-"

/*
 * A cursor over one line: each step must match exactly, and the line must
 * end where the form ends. So only a line that is wholly one of the
 * server's forms can move the prompt: no text a user typed (a /quit
 * reason, a topic) can, wherever it lands in a notice.
 */
struct notice_cur {
	const char *p;
	int ok;
};

static void
notice_lit(struct notice_cur *c, const char *lit)
{
	size_t n = strlen(lit);

	if (c->ok && strncmp(c->p, lit, n) == 0)
		c->p += n;
	else
		c->ok = 0;
}

/* A name of 1..max characters of NOTICE_NAME_CHARS into out. */
static void
notice_name(struct notice_cur *c, char *out, size_t max)
{
	size_t n = c->ok ? strspn(c->p, NOTICE_NAME_CHARS) : 0;

	if (n == 0 || n > max) {
		c->ok = 0;
		return;
	}
	memcpy(out, c->p, n);
	out[n] = '\0';
	c->p += n;
}

static int
notice_end(const struct notice_cur *c)
{
	return c->ok && *c->p == '\0';
}

static int
notice_set(char *dst, size_t dstlen, const char *src)
{
	if (strcmp(dst, src) == 0)
		return 0;
	snprintf(dst, dstlen, "%s", src);
	return 1;
}

int
notice_track(struct notice_self *self, const char *line)
{
	const char *b = notice_body(line);
	char nick[CHAT_NICK_MAX + 1], nick2[CHAT_NICK_MAX + 1];
	char room[CHAT_ROOM_MAX + 2];
	struct notice_cur c;
	int changed = 0;

	room[0] = '#';
	/* "-!- welcome to chatd, NICK! you are in #ROOM; type /help for
	 * commands", or "... NICK! this server needs a password: ..." */
	c.p = b;
	c.ok = 1;
	notice_lit(&c, CHAT_NOTICE_PREFIX NOTICE_WELCOME "chatd, ");
	notice_name(&c, nick, CHAT_NICK_MAX);
	notice_lit(&c, "! ");
	if (c.ok && strcmp(c.p, NOTICE_NEEDS_PASS) == 0 &&
	    text_nick_valid(nick))
		return notice_set(self->nick, sizeof self->nick, nick);
	notice_lit(&c, NOTICE_YOU_ARE_IN);
	notice_name(&c, room + 1, CHAT_ROOM_MAX);
	notice_lit(&c, NOTICE_TYPE_HELP);
	if (notice_end(&c) && text_nick_valid(nick)) {
		changed |= notice_set(self->nick, sizeof self->nick, nick);
		return changed |
		    notice_set(self->room, sizeof self->room, room);
	}
	/* "-!- password accepted; you are in #ROOM; type /help ..." */
	c.p = b;
	c.ok = 1;
	notice_lit(&c, CHAT_NOTICE_PREFIX NOTICE_ACCEPTED);
	notice_name(&c, room + 1, CHAT_ROOM_MAX);
	notice_lit(&c, NOTICE_TYPE_HELP);
	if (notice_end(&c))
		return notice_set(self->room, sizeof self->room, room);
	/* "-!- OLD is now known as NEW", ours when OLD is our nick. */
	c.p = b;
	c.ok = 1;
	notice_lit(&c, CHAT_NOTICE_PREFIX);
	notice_name(&c, nick, CHAT_NICK_MAX);
	notice_lit(&c, NOTICE_KNOWN_AS);
	notice_name(&c, nick2, CHAT_NICK_MAX);
	if (notice_end(&c) && strcmp(nick, self->nick) == 0 &&
	    text_nick_valid(nick2))
		return notice_set(self->nick, sizeof self->nick, nick2);
	/* "-!- NICK has joined #ROOM", ours when NICK is our nick. */
	c.p = b;
	c.ok = 1;
	notice_lit(&c, CHAT_NOTICE_PREFIX);
	notice_name(&c, nick, CHAT_NICK_MAX);
	notice_lit(&c, NOTICE_JOINED);
	notice_name(&c, room + 1, CHAT_ROOM_MAX);
	if (notice_end(&c) && strcmp(nick, self->nick) == 0)
		return notice_set(self->room, sizeof self->room, room);
	return 0;
}

int
notice_reason(const char *line, char *reason, size_t reasonlen)
{
	const char *b = notice_body(line);
	size_t elen = strlen(CHAT_ERROR_PREFIX);

	if (strncmp(b, CHAT_ERROR_PREFIX, elen) == 0) {
		snprintf(reason, reasonlen, "%s", b + elen);
		return 1;
	}
	if (strcmp(b, CHAT_NOTICE_PREFIX NOTICE_SHUTDOWN) == 0) {
		snprintf(reason, reasonlen, "%s", NOTICE_SHUTDOWN);
		return 1;
	}
	return 0;
}

void
notice_prompt(const struct notice_self *self, char *out, size_t outlen)
{
	if (self->nick[0] != '\0' && self->room[0] != '\0')
		snprintf(out, outlen, "[%s %s]> ", self->room, self->nick);
	else if (self->nick[0] != '\0' || self->room[0] != '\0')
		snprintf(out, outlen, "[%s]> ",
		    self->nick[0] != '\0' ? self->nick : self->room);
	else
		snprintf(out, outlen, "> ");
}
