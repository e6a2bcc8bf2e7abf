/* chat.c: the chat core: users, nicks, messages, and the events they make. */
#include <assert.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "chat.h"
#include "history.h"
#include "log.h"
#include "room.h"
#include "text.h"

#define CHAT_BASE36 "0123456789abcdefghijklmnopqrstuvwxyz"
#define CHAT_HEX    "0123456789abcdef"

static void chat_nick_link(struct chat *, struct user *);
static void chat_nick_unlink(struct chat *, struct user *);
static void chat_emit(struct chat *, const struct ev *, enum rcpt_kind,
    struct user *, struct room *, struct user *);

void
chat_init(struct chat *chat, const struct chat_sink *sink, void *sink_arg,
    struct history *history)
{
	int64_t t;
	int i;

	memset(chat, 0, sizeof *chat);
	chat->sink = sink;
	chat->sink_arg = sink_arg;
	chat->history = history;
	hmap_init(&chat->nicks);
	hmap_init(&chat->room_names);
	TAILQ_INIT(&chat->users);
	TAILQ_INIT(&chat->rooms);
	TAILQ_INIT(&chat->quitting);
	/* The start time in base 36 makes ids unique across restarts and
	 * keeps them sorting in time order. */
	t = chat_clock_ms();
	for (i = CHAT_MSGID_PREFIX - 1; i >= 0; i--) {
		chat->msgid_prefix[i] = CHAT_BASE36[t % 36];
		t /= 36;
	}
	chat->msgid_prefix[CHAT_MSGID_PREFIX] = '\0';
}

void
chat_set_mirror(struct chat *chat, const struct chat_mirror *m, void *arg)
{
	chat->mirror = m;
	chat->mirror_arg = arg;
}

void
chat_mirror_event(struct chat *chat, struct user *u, const struct ev *ev)
{
	if (chat->mirror != NULL && u->remote == NULL)
		chat->mirror->event(chat->mirror_arg, u, ev);
}

/* The other nodes cannot be reached (no cluster: they always can). */
static int
chat_split(const struct chat *chat)
{
	return chat->mirror != NULL && !chat->mirror->up(chat->mirror_arg);
}

int64_t
chat_clock_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void
chat_ev_init(struct chat *chat, struct ev *ev, enum ev_kind kind, char *buf)
{
	uint64_t id;
	int i;

	memset(ev, 0, sizeof *ev);
	ev->kind = kind;
	ev->id = ++chat->next_id;
	if (chat->incoming != NULL) {
		snprintf(buf, CHAT_MSGID_MAX + 1, "%s", chat->incoming->msgid);
		ev->msgid = buf;
		ev->time_ms = chat->incoming->time_ms;
		chat->incoming = NULL;
		return;
	}
	/* By hand: this runs for every event, and printf costs more than the
	 * rest of a message's way to the room. */
	memcpy(buf, chat->msgid_prefix, CHAT_MSGID_PREFIX);
	for (i = 0, id = ev->id; i < CHAT_MSGID_DIGITS; i++, id >>= 4)
		buf[CHAT_MSGID_PREFIX + CHAT_MSGID_DIGITS - 1 - i] =
		    CHAT_HEX[id & 0xf];
	buf[CHAT_MSGID_PREFIX + CHAT_MSGID_DIGITS] = '\0';
	ev->msgid = buf;
	/* Never back in time, even when the wall clock steps back: ids and
	 * times of history sort the same way. */
	ev->time_ms = chat_clock_ms();
	if (ev->time_ms < chat->last_ms)
		ev->time_ms = chat->last_ms;
	chat->last_ms = ev->time_ms;
}

uint64_t
chat_msgid_id(const struct chat *chat, const char *msgid)
{
	uint64_t id = 0;
	size_t i;
	const char *p;

	if (strncmp(msgid, chat->msgid_prefix, CHAT_MSGID_PREFIX) != 0)
		return 0;
	p = msgid + CHAT_MSGID_PREFIX;
	for (i = 0; i < CHAT_MSGID_DIGITS; i++) {
		const char *d = strchr(CHAT_HEX, p[i]);

		if (p[i] == '\0' || d == NULL)
			return 0;
		id = id * 16 + (uint64_t)(d - CHAT_HEX);
	}
	/* A part of a message IRC split in several is "<id>-<part>". */
	if (p[i] != '\0' && p[i] != '-')
		return 0;
	return id;
}

static void
chat_emit(struct chat *chat, const struct ev *ev, enum rcpt_kind kind,
    struct user *user, struct room *room, struct user *self)
{
	struct rcpt r;

	memset(&r, 0, sizeof r);
	r.kind = kind;
	r.user = user;
	r.room = room;
	r.self = self;
	chat->sink->emit(chat->sink_arg, ev, &r);
}

/* Fill ev's actor fields from u. */
static void
chat_ev_actor(struct ev *ev, const struct user *u)
{
	ev->nick = u->nick;
	ev->user = u->irc ? u->username : u->nick;
}

struct user *
chat_user_new(struct chat *chat, unsigned id, struct endpoint *ep)
{
	struct user *u;

	if ((u = calloc(1, sizeof *u)) == NULL)
		return NULL;
	u->id = id;
	u->ep = ep;
	snprintf(u->realname, sizeof u->realname, "%s", CHAT_TEXT_REALNAME);
	TAILQ_INIT(&u->rooms);
	TAILQ_INSERT_TAIL(&chat->users, u, entry);
	chat->npending++;
	return u;
}

void
chat_user_free(struct chat *chat, struct user *u)
{
	if (!u->gone)
		chat_quit(chat, u, EV_QUIT_SHUTDOWN, NULL);
	assert(u->nrooms == 0);
	TAILQ_REMOVE(&chat->users, u, entry);
	free(u->away);
	free(u);
}

/* Nicks, unique ignoring case, in a hash table for O(1) lookups. */
struct user *
chat_nick_holder(const struct chat *chat, const char *nick)
{
	uint32_t h = text_casehash(nick);
	struct hnode *n;
	struct user *u;

	for (n = hmap_first(&chat->nicks, h); n != NULL; n = hmap_next(n, h)) {
		u = HMAP_ENTRY(n, struct user, nick_node);
		if (text_casecmp(u->nick, nick) == 0)
			return u;
	}
	return NULL;
}

struct user *
chat_find_user(const struct chat *chat, const char *nick)
{
	struct user *u = chat_nick_holder(chat, nick);

	return u != NULL && u->visible ? u : NULL;
}

static void
chat_nick_link(struct chat *chat, struct user *u)
{
	/* Without room in the table the nick is held but not found: the
	 * user can go on; another may take the same nick. */
	if (hmap_insert(&chat->nicks, &u->nick_node, text_casehash(u->nick)) ==
	    -1)
		log_warn("client %u: out of memory for the nick table", u->id);
}

/* The nick stays in u->nick (for logs) but is no longer held. */
static void
chat_nick_unlink(struct chat *chat, struct user *u)
{
	if (!u->held)
		return;
	hmap_remove(&chat->nicks, &u->nick_node);
	u->held = 0;
}

int
chat_guest_nick(struct chat *chat, struct user *u)
{
	char nick[CHAT_NICK_MAX + 1];

	do
		snprintf(nick, sizeof nick, CHAT_GUEST_PREFIX "%u",
		    ++chat->next_guest);
	while (chat_nick_holder(chat, nick) != NULL);
	return chat_claim_nick(chat, u, nick);
}

int
chat_claim_nick(struct chat *chat, struct user *u, const char *nick)
{
	struct user *holder;

	if (!text_nick_valid(nick))
		return E_NICK_INVALID;
	if (u->held && strcmp(u->nick, nick) == 0)
		return CHAT_NOTHING;
	/* The same user changing the case of its nick is a change. */
	if ((holder = chat_nick_holder(chat, nick)) != NULL && holder != u)
		return E_NICK_IN_USE;
	chat_nick_unlink(chat, u);
	snprintf(u->nick, sizeof u->nick, "%s", nick);
	chat_nick_link(chat, u);
	u->held = 1;
	return 0;
}

void
chat_enter(struct chat *chat, struct user *u)
{
	assert(u->held && !u->visible && !u->gone);
	u->visible = 1;
	chat->npending--;
	u->signon_ms = u->active_ms = chat_clock_ms();
	if (++chat->nusers > chat->max_users)
		chat->max_users = chat->nusers;
	if (chat->mirror != NULL && u->remote == NULL)
		chat->mirror->entered(chat->mirror_arg, u);
}

void
chat_quit(
    struct chat *chat, struct user *u, enum ev_quit why, const char *reason)
{
	char msgid[CHAT_MSGID_MAX + 1];
	enum room_succession how = ROOM_TELL;
	struct member *m;
	struct ev ev;

	if (u->visible) {
		chat_ev_init(chat, &ev, EV_QUIT, msgid);
		chat_ev_actor(&ev, u);
		ev.quit = why;
		ev.text = reason != NULL ? reason : "";
		ev.len = strlen(ev.text);
		/* Everyone leaves at shutdown: nobody is told of anybody. What
		 * the network did is told at the end of the pass; a /quit or a
		 * kick at once. */
		if (why == EV_QUIT_SHUTDOWN)
			how = ROOM_QUIET;
		else if (chat->batch && why != EV_QUIT_REQUEST &&
		    why != EV_QUIT_KICKED)
			how = ROOM_LATER;
		else
			chat_emit(chat, &ev, RCPT_NEIGHBOURS, u, NULL, NULL);
		chat_mirror_event(chat, u, &ev);
		while ((m = TAILQ_FIRST(&u->rooms)) != NULL) {
			if (how == ROOM_LATER &&
			    room_quit_later(chat, m->room, &ev) == -1)
				log_warn(
				    "out of memory: #%s is not told that %s quit",
				    m->room->name, u->nick);
			room_member_remove(chat, m, how);
		}
		u->visible = 0;
		chat->nusers--;
	} else if (!u->gone)
		chat->npending--;
	u->gone = 1;
	chat_nick_unlink(chat, u);
}

void
chat_batch_begin(struct chat *chat)
{
	chat->batch++;
}

void
chat_batch_end(struct chat *chat)
{
	struct room *r;

	if (--chat->batch > 0)
		return;
	while ((r = TAILQ_FIRST(&chat->quitting)) != NULL)
		room_quits_flush(chat, r);
}

int
chat_nick(struct chat *chat, struct user *u, const char *nick)
{
	char msgid[CHAT_MSGID_MAX + 1], old[CHAT_NICK_MAX + 1];
	struct ev ev;
	int rv;

	snprintf(old, sizeof old, "%s", u->nick);
	/* A nick is the cluster's to give: without it, only a change of
	 * case of one's own. */
	if (u->visible && u->remote == NULL && chat_split(chat) &&
	    text_casecmp(old, nick) != 0 && text_nick_valid(nick))
		return E_CLUSTER_DOWN;
	if ((rv = chat_claim_nick(chat, u, nick)) != 0)
		return rv;
	log_info("client %u %s is now %s", u->id, old, u->nick);
	if (!u->visible)
		return 0;
	chat_ev_init(chat, &ev, EV_NICK, msgid);
	ev.nick = old;
	ev.user = u->irc ? u->username : old;
	ev.target = u->nick;
	chat_emit(chat, &ev, RCPT_NEIGHBOURS, u, NULL, u);
	chat_mirror_event(chat, u, &ev);
	return 0;
}

void
chat_away(struct chat *chat, struct user *u, const char *text)
{
	char msgid[CHAT_MSGID_MAX + 1];
	struct ev ev;

	free(u->away);
	u->away = NULL;
	/* Cut at a character boundary: AWAYLEN is in bytes. */
	if (text != NULL && *text != '\0')
		u->away = strndup(
		    text, text_utf8_cut(text, strlen(text), CHAT_AWAY_MAX));
	chat_ev_init(chat, &ev, EV_REPLY, msgid);
	ev.code = u->away != NULL ? R_AWAY_ON : R_AWAY_OFF;
	chat_ev_actor(&ev, u);
	chat_emit(chat, &ev, RCPT_USER, u, NULL, u);
	if (chat->mirror != NULL && u->remote == NULL)
		chat->mirror->away(chat->mirror_arg, u);
}

int
chat_say(struct chat *chat, struct user *u, const char *name, const char *text,
    size_t len, unsigned flags, const char *tags)
{
	char msgid[CHAT_MSGID_MAX + 1];
	struct room *r;
	struct ev ev;

	if ((r = chat_find_room(chat, name)) == NULL)
		return E_NO_SUCH_ROOM;
	if (chat_member(u, r) == NULL)
		return E_CANNOT_SEND;
	chat_ev_init(chat, &ev, EV_MESSAGE, msgid);
	chat_ev_actor(&ev, u);
	ev.room = r->name;
	ev.text = text;
	ev.len = len;
	ev.flags = flags | (u->irc ? EV_F_IRC : 0);
	ev.tags = tags;
	if (!(flags & (EV_F_CTCP | EV_F_TAGMSG))) {
		u->active_ms = ev.time_ms;
		/* A remote user's node keeps its messages. */
		if (chat->history != NULL && u->remote == NULL &&
		    history_add(chat->history, &ev) == -1)
			log_warn("history: cannot keep a message of #%s: %s",
			    r->name, strerror(errno));
	}
	chat_emit(chat, &ev, RCPT_ROOM, NULL, r, u);
	chat_mirror_event(chat, u, &ev);
	return 0;
}

int
chat_tell(struct chat *chat, struct user *u, const char *nick, const char *text,
    size_t len, unsigned flags, const char *tags)
{
	char msgid[CHAT_MSGID_MAX + 1];
	struct user *to;
	struct ev ev;

	if ((to = chat_find_user(chat, nick)) == NULL)
		return E_NO_SUCH_NICK;
	if (to->remote != NULL && u->remote == NULL && chat_split(chat))
		return E_CLUSTER_DOWN;
	chat_ev_init(chat, &ev, EV_MESSAGE, msgid);
	chat_ev_actor(&ev, u);
	ev.target = to->nick;
	ev.text = text;
	ev.len = len;
	ev.flags = flags | (u->irc ? EV_F_IRC : 0);
	ev.tags = tags;
	if (!(flags & (EV_F_CTCP | EV_F_TAGMSG)))
		u->active_ms = ev.time_ms;
	/* To oneself it arrives once, as to anyone. */
	chat_emit(chat, &ev, RCPT_USER, to, NULL, NULL);
	if (to->remote != NULL)
		chat_mirror_event(chat, u, &ev);
	if (to != u)
		chat_emit(chat, &ev, RCPT_USER, u, NULL, u);
	if (to->away != NULL && !(flags & (EV_F_NOTICE | EV_F_TAGMSG))) {
		chat_ev_init(chat, &ev, EV_REPLY, msgid);
		ev.code = R_AWAY;
		ev.nick = to->nick;
		ev.target = u->nick; /* who is told: its reply names it */
		ev.text = to->away;
		ev.len = strlen(to->away);
		chat_emit(chat, &ev, RCPT_USER, u, NULL, u);
	}
	return 0;
}

void
chat_free(struct chat *chat)
{
	struct user *u, *next;

	/* Users belong to their connections, which are gone by now; any
	 * left are freed without a word (a quit at shutdown tells nobody). */
	for (u = TAILQ_FIRST(&chat->users); u != NULL; u = next) {
		next = TAILQ_NEXT(u, entry);
		chat_user_free(chat, u);
	}
	hmap_free(&chat->nicks);
	hmap_free(&chat->room_names);
}
