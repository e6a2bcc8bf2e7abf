/* reg.c: registering with an IRC server: CAP, PASS, NICK and USER, a taken nick, 001, 005. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client.h"
#include "irc.h"
#include "proto.h"
#include "text.h"

#define REG_REALNAME    "chat user"
#define REG_GUEST       "guest"
#define REG_UNDERSCORES 3 /* NICK___ is the last of them */

/* The capabilities chat asks for, by name. */
static const struct {
	const char *name;
	unsigned bit;
} reg_caps[] = {
	{ "server-time", CLIENT_CAP_TIME },
	{ "message-tags", CLIENT_CAP_TAGS },
	{ "echo-message", CLIENT_CAP_ECHO },
	{ "batch", CLIENT_CAP_BATCH },
	{ "draft/chathistory", CLIENT_CAP_HISTORY },
};
#define REG_NCAPS (sizeof reg_caps / sizeof reg_caps[0])

static unsigned reg_cap_bits(const char *);
static void reg_cap_end(struct client *);
static void reg_cap(struct client *, struct irc_msg *);
static void reg_nick(struct client *, const char *);
static void reg_nick_taken(struct client *, struct irc_msg *);
static void reg_welcome(struct client *, struct irc_msg *);
static void reg_isupport(struct client *, struct irc_msg *);

/* The bits of the caps chat wants among a space-separated list; a cap
 * may carry "=value" (CAP LS 302) or a "-" (ACK of a removal: none). */
static unsigned
reg_cap_bits(const char *list)
{
	char name[64];
	unsigned bits = 0;
	size_t i, n;

	while (*list != '\0') {
		n = strcspn(list, " ");
		if (n > 0 && n < sizeof name && *list != '-') {
			memcpy(name, list, n);
			name[n] = '\0';
			name[strcspn(name, "=")] = '\0';
			for (i = 0; i < REG_NCAPS; i++)
				if (strcmp(name, reg_caps[i].name) == 0)
					bits |= reg_caps[i].bit;
		}
		list += n;
		list += strspn(list, " ");
	}
	return bits;
}

static void
reg_cap_end(struct client *c)
{
	if (!c->cap_open)
		return;
	c->cap_open = 0;
	client_send(c, "CAP", (const char *const[]){ "END", NULL }, NULL);
}

/* CAP <n> LS [*] :caps, ACK, NAK; the rest (NEW, DEL, LIST) matters not:
 * what chat uses is asked once, at registration. */
static void
reg_cap(struct client *c, struct irc_msg *m)
{
	char list[256];
	const char *sub, *caps;
	size_t i;
	int more;

	if (m->nparams < 3)
		return;
	sub = m->params[1];
	more = m->nparams >= 4 && strcmp(m->params[2], "*") == 0;
	caps = m->params[more ? 3 : 2];
	if (strcmp(sub, "LS") == 0 && c->cap_open) {
		c->cap_offer |= reg_cap_bits(caps);
		if (more)
			return;
		if (c->cap_offer == 0) {
			reg_cap_end(c);
			return;
		}
		list[0] = '\0';
		for (i = 0; i < REG_NCAPS; i++)
			if (c->cap_offer & reg_caps[i].bit)
				snprintf(list + strlen(list),
				    sizeof list - strlen(list), "%s%s",
				    list[0] != '\0' ? " " : "",
				    reg_caps[i].name);
		client_send(
		    c, "CAP", (const char *const[]){ "REQ", NULL }, list);
	} else if (strcmp(sub, "ACK") == 0) {
		c->caps |= reg_cap_bits(caps);
		reg_cap_end(c);
	} else if (strcmp(sub, "NAK") == 0)
		reg_cap_end(c);
}

static void
reg_nick(struct client *c, const char *nick)
{
	client_copy(c->trying, sizeof c->trying, nick);
	client_send(c, "NICK", (const char *const[]){ nick, NULL }, NULL);
}

void
reg_start(struct client *c)
{
	c->cap_open = 1;
	c->cap_offer = 0;
	client_copy(c->nick_base, sizeof c->nick_base, c->want_nick);
	client_send(c, "CAP", (const char *const[]){ "LS", "302", NULL }, NULL);
	if (c->password != NULL)
		client_send(c, "PASS", NULL, c->password);
	reg_nick(c, c->want_nick);
	client_send(c, "USER", (const char *const[]){ c->user, "0", "*", NULL },
	    REG_REALNAME);
}

/*
 * 433 (or 432, 437) before 001: NICK_, NICK__, NICK___, then NICK_ and
 * random digits (many clients started with one nick must not take turns),
 * within chatd's 16 characters, cutting NICK when needed; a nick the
 * server refuses outright (432) becomes guest. After CLIENT_NICK_TRIES,
 * the error is shown and chat waits for the user (or the server's
 * timeout).
 */
static void
reg_nick_taken(struct client *c, struct irc_msg *m)
{
	char next[CLIENT_NICK_MAX], suffix[REG_UNDERSCORES + 8];
	size_t base, tries;
	struct ev ev;

	if (strcmp(m->command, "432") == 0 &&
	    strcmp(c->nick_base, REG_GUEST) != 0) {
		client_copy(c->nick_base, sizeof c->nick_base, REG_GUEST);
		c->nick_tries = 0;
		reg_nick(c, REG_GUEST);
		return;
	}
	if (++c->nick_tries > CLIENT_NICK_TRIES) {
		memset(&ev, 0, sizeof ev);
		ev.nick = c->trying;
		client_say(c, 1, E_NICK_IN_USE, &ev);
		return;
	}
	if (c->nick_tries <= REG_UNDERSCORES) {
		tries = (size_t)c->nick_tries;
		suffix[0] = '\0';
		memset(suffix, '_', tries);
		suffix[tries] = '\0';
	} else
		snprintf(suffix, sizeof suffix, "_%04d", rand() % 10000);
	base = strlen(c->nick_base);
	if (base + strlen(suffix) > CHAT_NICK_MAX)
		base = CHAT_NICK_MAX - strlen(suffix);
	snprintf(next, sizeof next, "%.*s%s", (int)base, c->nick_base, suffix);
	reg_nick(c, next);
}

/* 001: registered, under the nick its first param names. */
static void
reg_welcome(struct client *c, struct irc_msg *m)
{
	struct ev ev;

	if (c->phase != CLIENT_REG || m->nparams < 1 ||
	    !client_name_ok(m->params[0], sizeof c->nick))
		return; /* a second 001 changes nothing */
	c->phase = CLIENT_ON;
	c->cap_open = 0;
	c->registrations++;
	client_copy(
	    c->server, sizeof c->server, m->source != NULL ? m->source : "");
	client_copy(c->nick, sizeof c->nick, m->params[0]);
	if (text_casecmp(c->nick, c->want_nick) != 0) {
		memset(&ev, 0, sizeof ev);
		ev.nick = c->want_nick;
		ev.target = c->nick;
		client_say(c, 0, R_NICK_TAKEN, &ev);
	}
	client_copy(c->want_nick, sizeof c->want_nick, c->nick);
	if (c->ops->changed != NULL)
		c->ops->changed(c->arg);
	reg_join(c, c->want_room);
}

/* 005: the network's name, its channel prefixes, the history depth. */
static void
reg_isupport(struct client *c, struct irc_msg *m)
{
	const char *t;
	size_t i;

	for (i = 1; i + 1 < m->nparams; i++) {
		t = m->params[i];
		if (strncmp(t, "NETWORK=", 8) == 0)
			client_copy(c->network, sizeof c->network, t + 8);
		else if (strncmp(t, "CHANTYPES=", 10) == 0 && t[10] != '\0')
			client_copy(c->chantypes, sizeof c->chantypes, t + 10);
		else if (strncmp(t, "CHATHISTORY=", 12) == 0)
			c->history_max = strtol(t + 12, NULL, 10);
	}
}

void
reg_join(struct client *c, const char *room)
{
	if (room == NULL || *room == '\0')
		return;
	client_copy(c->joining, sizeof c->joining, room);
	client_send(c, "JOIN", (const char *const[]){ room, NULL }, NULL);
}

int
reg_message(struct client *c, struct irc_msg *m)
{
	const char *cmd = m->command;
	int reg = c->phase == CLIENT_REG;

	if (strcmp(cmd, "CAP") == 0)
		reg_cap(c, m);
	else if (strcmp(cmd, "001") == 0)
		reg_welcome(c, m);
	else if (strcmp(cmd, "005") == 0)
		reg_isupport(c, m);
	else if (reg &&
	    (strcmp(cmd, "433") == 0 || strcmp(cmd, "432") == 0 ||
		strcmp(cmd, "437") == 0))
		reg_nick_taken(c, m);
	else if (strcmp(cmd, "464") == 0)
		c->pass_needed = 1;
	else if (reg && strcmp(cmd, "421") == 0 && m->nparams >= 2 &&
	    strcmp(m->params[1], "CAP") == 0)
		c->cap_open = 0; /* a server without CAP registers anyway */
	else
		return 0;
	return 1;
}
