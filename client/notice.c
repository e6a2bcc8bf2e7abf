/* notice.c: what the client learns from server lines: its nick, its room, errors. */
#include <stdio.h>
#include <string.h>

#include "notice.h"
#include "text.h"

#define NOTICE_WELCOME    "welcome to "
#define NOTICE_YOU_ARE_IN "you are in #"
#define NOTICE_KNOWN_AS   " is now known as "
#define NOTICE_JOINED     " has joined #"
#define NOTICE_SHUTDOWN   "server shutting down"

static int notice_copy_name(char *, size_t, const char *, size_t);
static int notice_set_room(struct notice_self *, const char *);
static int notice_set_nick(struct notice_self *, const char *, size_t);

const char *
notice_body(const char *line)
{
	if (strlen(line) >= CHAT_STAMP_LEN && line[0] == '[' &&
	    line[CHAT_STAMP_LEN - 2] == ']' && line[CHAT_STAMP_LEN - 1] == ' ')
		return line + CHAT_STAMP_LEN;
	return line;
}

/* Copy the name of n bytes at s, if it fits and is a valid name. */
static int
notice_copy_name(char *dst, size_t dstlen, const char *s, size_t n)
{
	if (n == 0 || n >= dstlen)
		return -1;
	memcpy(dst, s, n);
	dst[n] = '\0';
	return 0;
}

/* s points after a '#': take the room name that starts there. */
static int
notice_set_room(struct notice_self *self, const char *s)
{
	char room[sizeof self->room];
	size_t n = strspn(s,
	    "abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-");

	room[0] = '#';
	if (notice_copy_name(room + 1, sizeof room - 1, s, n) == -1 ||
	    strcmp(room, self->room) == 0)
		return 0;
	memcpy(self->room, room, sizeof room);
	return 1;
}

static int
notice_set_nick(struct notice_self *self, const char *s, size_t n)
{
	char nick[sizeof self->nick];

	if (notice_copy_name(nick, sizeof nick, s, n) == -1 ||
	    !text_nick_valid(nick) || strcmp(nick, self->nick) == 0)
		return 0;
	memcpy(self->nick, nick, sizeof nick);
	return 1;
}

int
notice_track(struct notice_self *self, const char *line)
{
	const char *b = notice_body(line), *p, *q;
	size_t plen = strlen(CHAT_NOTICE_PREFIX);
	int changed = 0;

	if (strncmp(b, CHAT_NOTICE_PREFIX, plen) != 0 ||
	    strncmp(b, CHAT_ERROR_PREFIX, strlen(CHAT_ERROR_PREFIX)) == 0)
		return 0;
	b += plen;
	/* "welcome to chatd, NICK! you are in #ROOM; ..." */
	if (strncmp(b, NOTICE_WELCOME, strlen(NOTICE_WELCOME)) == 0 &&
	    (p = strstr(b, ", ")) != NULL && (q = strchr(p, '!')) != NULL)
		changed |= notice_set_nick(self, p + 2, (size_t)(q - p - 2));
	/* The welcome, or "password accepted; you are in #ROOM; ..." */
	if ((p = strstr(b, NOTICE_YOU_ARE_IN)) != NULL)
		changed |= notice_set_room(self, p + strlen(NOTICE_YOU_ARE_IN));
	/* "OLD is now known as NEW", ours when OLD is our nick. */
	if ((p = strstr(b, NOTICE_KNOWN_AS)) != NULL &&
	    (size_t)(p - b) == strlen(self->nick) &&
	    strncmp(b, self->nick, (size_t)(p - b)) == 0) {
		p += strlen(NOTICE_KNOWN_AS);
		changed |= notice_set_nick(self, p, strcspn(p, " "));
	}
	/* "NICK has joined #ROOM", ours when NICK is our nick. */
	if ((p = strstr(b, NOTICE_JOINED)) != NULL &&
	    (size_t)(p - b) == strlen(self->nick) &&
	    strncmp(b, self->nick, (size_t)(p - b)) == 0)
		changed |= notice_set_room(self, p + strlen(NOTICE_JOINED));
	return changed;
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
