/* room.c: the core's rooms: membership (many-to-many), operators, topics, kicks. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <string.h>

#include "chat.h"
#include "log.h"
#include "room.h"
#include "text.h"

/* A quit kept for the end of the pass: the event with its own strings. */
struct pquit {
	struct ev ev;
	char msgid[CHAT_MSGID_MAX + 1];
	char nick[CHAT_NICK_MAX + 1];
	char user[CHAT_IRC_USER_MAX + CHAT_NICK_MAX + 1];
	char *reason;
	TAILQ_ENTRY(pquit) entry;
};
TAILQ_HEAD(pquit_list, pquit);

static void room_quits_drop(struct chat *, struct room *);
static void room_succeed(struct chat *, struct room *, int tell);
static void room_succeed_but(
    struct chat *, struct room *, int tell, const struct user *);
static struct room *room_create(struct chat *, const char *);
static void room_free(struct chat *, struct room *);
static void room_emit(struct chat *, const struct ev *, struct room *,
    struct user *self, struct user *except);

struct room *
chat_find_room(const struct chat *chat, const char *name)
{
	uint32_t h = text_casehash(name);
	struct hnode *n;
	struct room *r;

	for (n = hmap_first(&chat->room_names, h); n != NULL;
	     n = hmap_next(n, h)) {
		r = HMAP_ENTRY(n, struct room, node);
		if (text_casecmp(r->name, name) == 0)
			return r;
	}
	return NULL;
}

struct member *
chat_member(const struct user *u, const struct room *r)
{
	struct member *m;

	/* A user is in at most CHAT_ROOMS_MAX rooms: a short walk. */
	TAILQ_FOREACH(m, &u->rooms, in_user)
		if (m->room == r)
			return m;
	return NULL;
}

static struct room *
room_create(struct chat *chat, const char *name)
{
	struct room *r;

	if ((r = calloc(1, sizeof *r)) == NULL)
		return NULL;
	snprintf(r->name, sizeof r->name, "%s", name);
	TAILQ_INIT(&r->members);
	r->created_ms = chat_clock_ms();
	if (hmap_insert(&chat->room_names, &r->node, text_casehash(name)) ==
	    -1) {
		free(r);
		return NULL;
	}
	TAILQ_INSERT_TAIL(&chat->rooms, r, entry);
	chat->nrooms++;
	log_debug("room #%s created", r->name);
	return r;
}

static void
room_free(struct chat *chat, struct room *r)
{
	log_debug("room #%s removed", r->name);
	/* Nobody is left to hear them. */
	room_quits_drop(chat, r);
	if (chat->sink->room_gone != NULL)
		chat->sink->room_gone(chat->sink_arg, r);
	hmap_remove(&chat->room_names, &r->node);
	TAILQ_REMOVE(&chat->rooms, r, entry);
	chat->nrooms--;
	free(r->topic);
	free(r);
}

static void
room_emit(struct chat *chat, const struct ev *ev, struct room *r,
    struct user *self, struct user *except)
{
	struct rcpt rc;

	memset(&rc, 0, sizeof rc);
	rc.kind = RCPT_ROOM;
	rc.room = r;
	rc.self = self;
	rc.except = except;
	chat->sink->emit(chat->sink_arg, ev, &rc);
}

void
room_member_remove(
    struct chat *chat, struct member *m, enum room_succession how)
{
	struct room *r = m->room;
	struct user *u = m->user;
	int was_op = m->op;

	TAILQ_REMOVE(&r->members, m, in_room);
	TAILQ_REMOVE(&u->rooms, m, in_user);
	r->count--;
	u->nrooms--;
	if (was_op)
		r->nops--;
	free(m);
	if (r->count == 0) {
		room_free(chat, r);
		return;
	}
	if (!was_op || r->nops > 0 || how == ROOM_LATER)
		return;
	room_succeed(chat, r, how == ROOM_TELL);
}

/* The last operator left (or gave up the status): the longest-present
 * member takes over, but not one who just gave it up. */
static void
room_succeed(struct chat *chat, struct room *r, int tell)
{
	room_succeed_but(chat, r, tell, NULL);
}

static void
room_succeed_but(
    struct chat *chat, struct room *r, int tell, const struct user *but)
{
	char msgid[CHAT_MSGID_MAX + 1];
	struct member *first;
	struct ev ev;

	TAILQ_FOREACH(first, &r->members, in_room)
		if (first->user != but)
			break;
	if (first == NULL)
		return;

	first->op = 1;
	r->nops++;
	if (!tell)
		return;
	chat_ev_init(chat, &ev, EV_MODE, msgid);
	ev.room = r->name;
	ev.target = first->user->nick;
	ev.flags = EV_F_OP;
	room_emit(chat, &ev, r, NULL, NULL);
}

int
room_quit_later(struct chat *chat, struct room *r, const struct ev *ev)
{
	struct pquit *q;

	if (r->quits == NULL) {
		if ((r->quits = malloc(sizeof *r->quits)) == NULL)
			return -1;
		TAILQ_INIT(r->quits);
	}
	if ((q = calloc(1, sizeof *q)) == NULL ||
	    (q->reason = strdup(ev->text)) == NULL) {
		free(q);
		return -1;
	}
	q->ev = *ev;
	snprintf(q->msgid, sizeof q->msgid, "%s", ev->msgid);
	snprintf(q->nick, sizeof q->nick, "%s", ev->nick);
	snprintf(q->user, sizeof q->user, "%s", ev->user);
	q->ev.msgid = q->msgid;
	q->ev.nick = q->nick;
	q->ev.user = q->user;
	q->ev.text = q->reason;
	q->ev.room = r->name;
	TAILQ_INSERT_TAIL(r->quits, q, entry);
	if (r->nquits++ == 0)
		TAILQ_INSERT_TAIL(&chat->quitting, r, quit_entry);
	return 0;
}

static void
room_quits_drop(struct chat *chat, struct room *r)
{
	struct pquit *q;

	if (r->quits == NULL)
		return;
	while ((q = TAILQ_FIRST(r->quits)) != NULL) {
		TAILQ_REMOVE(r->quits, q, entry);
		free(q->reason);
		free(q);
	}
	free(r->quits);
	r->quits = NULL;
	if (r->nquits > 0)
		TAILQ_REMOVE(&chat->quitting, r, quit_entry);
	r->nquits = 0;
}

void
room_quits_flush(struct chat *chat, struct room *r)
{
	char msgid[CHAT_MSGID_MAX + 1];
	int64_t now = chat_clock_ms();
	int fold, n = r->nquits;
	struct rcpt rc;
	struct pquit *q;
	struct ev ev;

	/* Many quits in one pass, or in the last second (a blip the loop
	 * sees over a few passes): one line for all of this pass's. */
	if (now - r->quit_window_ms > CHATD_FOLD_WINDOW_MS) {
		r->quit_window_ms = now;
		r->quit_window_n = 0;
	}
	r->quit_window_n += n;
	fold = r->quit_window_n > CHATD_FOLD_QUITS;

	memset(&rc, 0, sizeof rc);
	rc.kind = RCPT_ROOM;
	rc.room = r;
	rc.once = 1;
	TAILQ_FOREACH(q, r->quits, entry) {
		if (fold)
			q->ev.flags |= EV_F_FOLDED;
		chat->sink->emit(chat->sink_arg, &q->ev, &rc);
	}
	if (fold) {
		/* One line for the plain-text members, in the words of the
		 * first quit's reason (a blip has one). */
		q = TAILQ_FIRST(r->quits);
		chat_ev_init(chat, &ev, EV_REPLY, msgid);
		ev.code = R_QUITS;
		ev.room = r->name;
		ev.num[0] = n;
		ev.quit = q->ev.quit;
		ev.text = q->reason;
		ev.len = strlen(q->reason);
		room_emit(chat, &ev, r, NULL, NULL);
	}
	room_quits_drop(chat, r);
	if (r->nops == 0)
		room_succeed(chat, r, 1);
}

int
chat_join(struct chat *chat, struct user *u, const char *name, unsigned flags)
{
	char msgid[CHAT_MSGID_MAX + 1];
	struct member *m;
	struct room *r;
	struct ev ev;

	if (!text_room_valid(name) || name[0] == '#')
		return E_ROOM_INVALID;
	r = chat_find_room(chat, name);
	if (r != NULL && chat_member(u, r) != NULL)
		return CHAT_NOTHING;
	if (u->nrooms >= CHAT_ROOMS_MAX)
		return E_TOO_MANY;
	if ((m = calloc(1, sizeof *m)) == NULL)
		return E_TEXT;
	if (r == NULL && (r = room_create(chat, name)) == NULL) {
		free(m);
		return E_TEXT;
	}
	m->user = u;
	m->room = r;
	/* The first member of a new room is its operator. */
	if (r->count == 0) {
		m->op = 1;
		r->nops++;
	}
	TAILQ_INSERT_TAIL(&r->members, m, in_room);
	TAILQ_INSERT_TAIL(&u->rooms, m, in_user);
	r->count++;
	u->nrooms++;
	chat_ev_init(chat, &ev, EV_JOIN, msgid);
	ev.nick = u->nick;
	ev.user = u->irc ? u->username : u->nick;
	ev.room = r->name;
	if (flags & CHAT_F_QUIET_SELF)
		room_emit(chat, &ev, r, NULL, u);
	else
		room_emit(chat, &ev, r, u, NULL);
	chat_mirror_event(chat, u, &ev);
	return 0;
}

int
chat_part(struct chat *chat, struct user *u, struct room *r, const char *reason,
    unsigned flags)
{
	char msgid[CHAT_MSGID_MAX + 1];
	struct member *m;
	struct ev ev;

	if ((m = chat_member(u, r)) == NULL)
		return E_NOT_MEMBER;
	chat_ev_init(chat, &ev, EV_PART, msgid);
	ev.nick = u->nick;
	ev.user = u->irc ? u->username : u->nick;
	ev.room = r->name;
	ev.text = reason != NULL ? reason : "";
	ev.len = strlen(ev.text);
	if (flags & CHAT_F_QUIET_SELF)
		room_emit(chat, &ev, r, NULL, u);
	else
		room_emit(chat, &ev, r, u, NULL);
	chat_mirror_event(chat, u, &ev);
	room_member_remove(chat, m, ROOM_TELL);
	return 0;
}

void
chat_part_all(struct chat *chat, struct user *u)
{
	struct member *m;

	while ((m = TAILQ_FIRST(&u->rooms)) != NULL)
		chat_part(chat, u, m->room, NULL, 0);
}

/* The checks of an operator's action on room r: the actor's member. */
static int
room_op_check(const struct user *u, const struct room *r, struct member **m)
{
	if ((*m = chat_member(u, r)) == NULL)
		return E_NOT_MEMBER;
	return (*m)->op ? 0 : E_NOT_OP;
}

int
chat_topic(struct chat *chat, struct user *u, struct room *r, const char *text,
    size_t len)
{
	char msgid[CHAT_MSGID_MAX + 1];
	struct member *m;
	struct ev ev;
	int rv;

	if ((rv = room_op_check(u, r, &m)) != 0)
		return rv;
	len = text_utf8_cut(text, len, CHAT_TOPIC_MAX);
	free(r->topic);
	r->topic = len > 0 ? strndup(text, len) : NULL;
	snprintf(r->topic_by, sizeof r->topic_by, "%s", u->nick);
	chat_ev_init(chat, &ev, EV_TOPIC, msgid);
	r->topic_ms = ev.time_ms;
	ev.nick = u->nick;
	ev.user = u->irc ? u->username : u->nick;
	ev.room = r->name;
	ev.text = r->topic != NULL ? r->topic : "";
	ev.len = strlen(ev.text);
	room_emit(chat, &ev, r, u, NULL);
	chat_mirror_event(chat, u, &ev);
	return 0;
}

int
chat_kick(struct chat *chat, struct user *u, struct room *r, const char *nick,
    const char *reason)
{
	char msgid[CHAT_MSGID_MAX + 1], room[CHAT_ROOM_MAX + 1];
	struct member *m, *tm;
	struct user *t;
	struct ev ev;
	int rv;

	if ((rv = room_op_check(u, r, &m)) != 0)
		return rv;
	if ((t = chat_find_user(chat, nick)) == NULL ||
	    (tm = chat_member(t, r)) == NULL)
		return E_NOT_IN_ROOM;
	/* The room may go with its last member: the event keeps a copy of
	 * its name for those told after (the kicked user's protocol). */
	snprintf(room, sizeof room, "%s", r->name);
	chat_ev_init(chat, &ev, EV_KICK, msgid);
	ev.nick = u->nick;
	ev.user = u->irc ? u->username : u->nick;
	ev.room = room;
	ev.target = t->nick;
	ev.text = reason != NULL ? reason : "";
	ev.len = text_utf8_cut(ev.text, strlen(ev.text), CHAT_KICK_MAX);
	room_emit(chat, &ev, r, u, NULL);
	chat_mirror_event(chat, u, &ev);
	room_member_remove(chat, tm, ROOM_TELL);
	if (chat->sink->kicked != NULL)
		chat->sink->kicked(chat->sink_arg, t, &ev);
	return 0;
}

int
chat_op(struct chat *chat, struct user *u, struct room *r, const char *nick,
    int give)
{
	char msgid[CHAT_MSGID_MAX + 1];
	struct member *m, *tm;
	struct user *t;
	struct ev ev;
	int rv;

	if ((rv = room_op_check(u, r, &m)) != 0)
		return rv;
	if ((t = chat_find_user(chat, nick)) == NULL ||
	    (tm = chat_member(t, r)) == NULL)
		return E_NOT_IN_ROOM;
	if (tm->op == (give != 0))
		return CHAT_NOTHING;
	tm->op = give != 0;
	r->nops += give ? 1 : -1;
	chat_ev_init(chat, &ev, EV_MODE, msgid);
	ev.nick = u->nick;
	ev.user = u->irc ? u->username : u->nick;
	ev.room = r->name;
	ev.target = t->nick;
	ev.flags = give ? EV_F_OP : 0;
	room_emit(chat, &ev, r, u, NULL);
	chat_mirror_event(chat, u, &ev);
	/* A room with members always has an operator: the last one giving
	 * up the status passes it on, as if it had left. */
	if (r->nops == 0)
		room_succeed_but(chat, r, 1, t);
	return 0;
}

static int
room_cmp(const void *a, const void *b)
{
	const struct room *ra = *(struct room *const *)a;
	const struct room *rb = *(struct room *const *)b;

	return text_casecmp(ra->name, rb->name);
}

struct room **
chat_rooms_sorted(const struct chat *chat)
{
	struct room **v, *r;
	size_t n = 0;

	if (chat->nrooms == 0 ||
	    (v = calloc((size_t)chat->nrooms, sizeof *v)) == NULL)
		return NULL;
	TAILQ_FOREACH(r, &chat->rooms, entry)
		v[n++] = r;
	qsort(v, n, sizeof *v, room_cmp);
	return v;
}
