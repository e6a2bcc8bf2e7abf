/* irc_chan.c: IRC channels as the core's rooms: JOIN, PART, NAMES, TOPIC, KICK, LIST. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chat.h"
#include "conn.h"
#include "irc.h"
#include "proto_irc.h"
#include "server.h"
#include "text.h"

/* A LIST in progress (SAFELIST): the rooms it will show, by name, so that
 * one removed meanwhile is just skipped. */
struct irc_list {
	char (*names)[CHAT_ROOM_MAX + 1];
	size_t n;
	size_t next;
};

static struct chat *
irc_chat(const struct irc_session *s)
{
	return &s->srv->chat;
}

struct room *
irc_room(const struct irc_session *s, const char *chan)
{
	if (chan[0] != '#' || !text_room_valid(chan))
		return NULL;
	return chat_find_room(irc_chat(s), chan + 1);
}

/* Call fn for each non-empty name of a comma list (in place). */
static void
irc_each(struct irc_session *s, char *list,
    void (*fn)(struct irc_session *, const char *, void *), void *arg)
{
	char *name, *comma;

	for (name = list; name != NULL && !s->gone; name = comma) {
		if ((comma = strchr(name, ',')) != NULL)
			*comma++ = '\0';
		if (*name != '\0')
			fn(s, name, arg);
	}
}

/* 353: the members in the order they joined, as many lines as they
 * take; 366 ends them, naming the channel as end says. */
static void
irc_names(struct irc_session *s, const struct room *r, const char *end)
{
	char chan[CHAT_ROOM_MAX + 2];
	const char *mid[] = { "=", chan, NULL };
	/* ":S 353 <n> = #room :" and CR LF around the list. */
	size_t room = IRC_LINE_MAX -
	    (strlen(irc_server(s)) + strlen(irc_nick(s)) + CHAT_ROOM_MAX + 16);
	const struct member *m;
	char entry[64];
	struct buf b;
	int n;

	snprintf(chan, sizeof chan, "#%s", r->name);
	buf_init(&b);
	TAILQ_FOREACH(m, &r->members, in_room) {
		if (s->caps & IRC_CAP_USERHOST)
			n = snprintf(entry, sizeof entry, "%s%s!%s@chatd",
			    m->op ? "@" : "", m->user->nick,
			    irc_username(m->user));
		else
			n = snprintf(entry, sizeof entry, "%s%s",
			    m->op ? "@" : "", m->user->nick);
		if (buf_len(&b) > 0 && buf_len(&b) + 1 + (size_t)n > room) {
			irc_reply(s, "353", mid, "%.*s", (int)buf_len(&b),
			    buf_data(&b));
			buf_truncate(&b, 0);
		}
		if (buf_printf(&b, "%s%s", buf_len(&b) > 0 ? " " : "", entry) ==
		    -1)
			break;
	}
	if (buf_len(&b) > 0)
		irc_reply(
		    s, "353", mid, "%.*s", (int)buf_len(&b), buf_data(&b));
	buf_free(&b);
	irc_reply1(s, "366", end, "End of /NAMES list");
}

static void
irc_topic_of(struct irc_session *s, const struct room *r, int none)
{
	char chan[CHAT_ROOM_MAX + 2], when[24];

	snprintf(chan, sizeof chan, "#%s", r->name);
	if (r->topic == NULL) {
		if (none)
			irc_reply1(s, "331", chan, "No topic is set");
		return;
	}
	irc_reply1(s, "332", chan, r->topic);
	snprintf(when, sizeof when, "%lld", (long long)(r->topic_ms / 1000));
	irc_reply_mid(
	    s, "333", (const char *[]){ chan, r->topic_by, when, NULL });
}

static void
irc_join_one(struct irc_session *s, const char *name, void *arg)
{
	char chan[CHAT_ROOM_MAX + 2];
	struct room *r;
	int rv;

	(void)arg;
	if (name[0] != '#' || !text_room_valid(name)) {
		irc_reply1(s, "479", name, "Illegal channel name");
		return;
	}
	rv = chat_join(irc_chat(s), s->user, name + 1, 0);
	if (rv == E_TOO_MANY) {
		irc_reply1(s, "405", name, "You have joined too many channels");
		return;
	}
	if (rv != 0 || (r = irc_room(s, name)) == NULL)
		return; /* already in it: nothing */
	snprintf(chan, sizeof chan, "#%s", r->name);
	irc_topic_of(s, r, 0);
	irc_names(s, r, chan);
	irc_history_joined(s, r);
}

void
irc_cmd_join(struct irc_session *s, struct irc_msg *m)
{
	if (strcmp(m->params[0], "0") == 0) {
		chat_part_all(irc_chat(s), s->user);
		return;
	}
	irc_each(s, m->params[0], irc_join_one, NULL);
}

static void
irc_part_one(struct irc_session *s, const char *name, void *arg)
{
	const char *reason = arg;
	char chan[CHAT_ROOM_MAX + 2];
	struct room *r;

	if ((r = irc_room(s, name)) == NULL) {
		irc_reply1(s, "403", name, "No such channel");
		return;
	}
	snprintf(chan, sizeof chan, "#%s", r->name);
	if (chat_part(irc_chat(s), s->user, r, reason, 0) == E_NOT_MEMBER)
		irc_reply1(s, "442", chan, "You're not on that channel");
}

void
irc_cmd_part(struct irc_session *s, struct irc_msg *m)
{
	char *reason = NULL;

	if (m->nparams > 1 &&
	    (reason = irc_clean_param(s, m->params[1])) == NULL)
		return;
	irc_each(s, m->params[0], irc_part_one, reason);
	free(reason);
}

void
irc_cmd_names(struct irc_session *s, struct irc_msg *m)
{
	struct room *r;

	if (m->nparams < 1) {
		irc_reply1(s, "366", "*", "End of /NAMES list");
		return;
	}
	if ((r = irc_room(s, m->params[0])) != NULL)
		irc_names(s, r, m->params[0]);
	else
		irc_reply1(s, "366", m->params[0], "End of /NAMES list");
}

void
irc_cmd_topic(struct irc_session *s, struct irc_msg *m)
{
	char chan[CHAT_ROOM_MAX + 2], *text;
	struct room *r;
	int rv;

	if ((r = irc_room(s, m->params[0])) == NULL) {
		irc_reply1(s, "403", m->params[0], "No such channel");
		return;
	}
	if (m->nparams < 2) {
		irc_topic_of(s, r, 1);
		return;
	}
	if ((text = irc_clean_param(s, m->params[1])) == NULL)
		return;
	snprintf(chan, sizeof chan, "#%s", r->name);
	rv = chat_topic(irc_chat(s), s->user, r, text, strlen(text));
	if (rv == E_NOT_MEMBER)
		irc_reply1(s, "442", chan, "You're not on that channel");
	else if (rv == E_NOT_OP)
		irc_reply1(s, "482", chan, "You're not channel operator");
	free(text);
}

void
irc_cmd_kick(struct irc_session *s, struct irc_msg *m)
{
	char chan[CHAT_ROOM_MAX + 2], *reason = NULL;
	const char *nick = m->params[1];
	struct room *r;
	int rv;

	if ((r = irc_room(s, m->params[0])) == NULL) {
		irc_reply1(s, "403", m->params[0], "No such channel");
		return;
	}
	if (m->nparams > 2 &&
	    (reason = irc_clean_param(s, m->params[2])) == NULL)
		return;
	/* The room may go with the kick: keep its name for the error. */
	snprintf(chan, sizeof chan, "#%s", r->name);
	rv = chat_kick(irc_chat(s), s->user, r, nick, reason);
	if (rv == E_NOT_MEMBER)
		irc_reply1(s, "442", chan, "You're not on that channel");
	else if (rv == E_NOT_OP)
		irc_reply1(s, "482", chan, "You're not channel operator");
	else if (rv == E_NOT_IN_ROOM)
		irc_reply(s, "441", (const char *[]){ nick, chan, NULL },
		    "They aren't on that channel");
	free(reason);
}

/*
 * LIST, paced (SAFELIST): 322 lines are queued only while less than the
 * mark is queued for the client; then its input waits (so that replies
 * stay in order) until conn says the queue has drained below the mark.
 */
static size_t
irc_list_mark(const struct irc_session *s)
{
	size_t half = s->srv->cfg.max_queue / 2;

	return half < CHATD_IRC_LIST_QUEUED ? half : CHATD_IRC_LIST_QUEUED;
}

void
irc_list_free(struct irc_session *s)
{
	if (s->list == NULL)
		return;
	free(s->list->names);
	free(s->list);
	s->list = NULL;
	if (s->ep.conn != NULL && conn_is_open(s->ep.conn))
		conn_set_low_water(s->ep.conn, 0);
	irc_unpause(s);
}

void
irc_list_more(struct irc_session *s)
{
	struct irc_list *l = s->list;
	struct conn *c = s->ep.conn;
	char chan[CHAT_ROOM_MAX + 2], count[16];
	size_t mark = irc_list_mark(s);
	struct room *r;

	if (l == NULL || s->gone)
		return;
	while (l->next < l->n && conn_queued(c) < mark && conn_is_open(c)) {
		if ((r = chat_find_room(irc_chat(s), l->names[l->next++])) ==
		    NULL)
			continue;
		snprintf(chan, sizeof chan, "#%s", r->name);
		snprintf(count, sizeof count, "%d", r->count);
		irc_reply(s, "322", (const char *[]){ chan, count, NULL }, "%s",
		    r->topic != NULL ? r->topic : "");
	}
	if (l->next < l->n) {
		conn_pause(c, 1);
		conn_set_low_water(c, mark);
		return;
	}
	irc_reply(s, "323", NULL, "End of /LIST");
	irc_list_free(s);
}

static void
irc_list_add(struct irc_session *s, const char *name, void *arg)
{
	struct irc_list *l = arg;
	struct room *r;

	if ((r = irc_room(s, name)) != NULL)
		snprintf(l->names[l->n++], sizeof l->names[0], "%s", r->name);
}

void
irc_cmd_list(struct irc_session *s, struct irc_msg *m)
{
	struct chat *chat = irc_chat(s);
	struct room **v = NULL;
	struct irc_list *l;
	size_t cap, i;

	irc_list_free(s);
	cap = m->nparams > 0 ? strlen(m->params[0]) / 2 + 1 :
			       (size_t)chat->nrooms;
	if ((l = calloc(1, sizeof *l)) == NULL ||
	    (cap > 0 && (l->names = calloc(cap, sizeof *l->names)) == NULL) ||
	    (m->nparams == 0 && chat->nrooms > 0 &&
		(v = chat_rooms_sorted(chat)) == NULL)) {
		if (l != NULL)
			free(l->names);
		free(l);
		irc_leave(
		    s, EV_QUIT_MEMORY, NULL, "Closing Link: out of memory");
		return;
	}
	s->list = l;
	if (m->nparams > 0)
		irc_each(s, m->params[0], irc_list_add, l);
	else
		for (i = 0; i < (size_t)chat->nrooms; i++)
			snprintf(l->names[l->n++], sizeof l->names[0], "%s",
			    v[i]->name);
	free(v);
	irc_reply(s, "321", (const char *[]){ "Channel", NULL }, "Users  Name");
	irc_list_more(s);
}
