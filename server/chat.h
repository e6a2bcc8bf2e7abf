/*
 * chat.h: the chat core. Users, nicks, rooms, operators and topics, and
 * the actions on them; each action produces typed events (common/event.h)
 * addressed to recipients and hands them to a sink. The core knows
 * nothing of bytes, sockets or protocols: what a recipient sees of an
 * event is its protocol's business, downstream of the sink.
 */
#ifndef CHATD_CHAT_H
#define CHATD_CHAT_H

#include <sys/queue.h>

#include <stddef.h>
#include <stdint.h>

#include "event.h"
#include "hmap.h"
#include "proto.h"

struct endpoint; /* where a user's events go: the sink's business */
struct history;

struct member {
	struct user *user;
	struct room *room;
	unsigned op : 1;
	TAILQ_ENTRY(member) in_room; /* room->members, in join order */
	TAILQ_ENTRY(member) in_user; /* user->rooms, in join order */
};
TAILQ_HEAD(member_list, member);

struct user {
	char nick[CHAT_NICK_MAX + 1]; /* "" until it first held one */
	char username[CHAT_IRC_USER_MAX + 1];
	char realname[CHAT_IRC_REALNAME_MAX + 1];
	char *away;  /* NULL: here */
	unsigned id; /* its connection's, for logs */
	unsigned irc : 1;
	unsigned visible : 1; /* registered or logged in: others see it */
	unsigned held : 1;    /* its nick is in chat->nicks */
	unsigned gone : 1;    /* it has quit: never visible again */
	int nrooms;
	struct member_list rooms;
	int64_t signon_ms; /* wall clock, ms */
	int64_t active_ms; /* its last message */
	struct endpoint *ep;
	void *remote;   /* the cluster's: a user of another node; NULL: ours */
	uint32_t mark;  /* the sink's: delivered in the current event */
	uint64_t heard; /* the sink's: the last batched quit delivered */
	struct hnode nick_node;
	TAILQ_ENTRY(user) entry;
};
TAILQ_HEAD(user_list, user);

struct room {
	char name[CHAT_ROOM_MAX + 1]; /* as created, without '#' */
	struct member_list members;
	int count;
	int nops;
	char *topic; /* NULL: none */
	char topic_by[CHAT_NICK_MAX + 1];
	int64_t topic_ms;
	int64_t created_ms;
	void *out;                /* the sink's state for this room */
	struct pquit_list *quits; /* quits of this pass not told yet */
	int nquits;
	int64_t quit_window_ms;       /* when the last second of quits began */
	int quit_window_n;            /* quits told since then */
	TAILQ_ENTRY(room) quit_entry; /* chat->quitting, while nquits > 0 */
	struct hnode node;
	TAILQ_ENTRY(room) entry;
};
TAILQ_HEAD(room_list, room);
struct pquit_list;

/* Who gets an event. */
enum rcpt_kind {
	RCPT_USER,      /* user alone */
	RCPT_ROOM,      /* every member of room but except */
	RCPT_NEIGHBOURS /* each user sharing a room with user, once */
};

struct rcpt {
	enum rcpt_kind kind;
	struct user *user;
	struct room *room;
	struct user *except;
	/* The actor, if it is among the recipients (with RCPT_NEIGHBOURS:
	 * add it): it gets its own view of the event. */
	struct user *self;
	/* RCPT_ROOM: skip users who heard this event already (a batched quit
	 * told room by room): user->heard holds the last such event's id. */
	int once;
};

/* Where events go, and what else the layer below needs to hear. */
struct chat_sink {
	void (*emit)(void *arg, const struct ev *, const struct rcpt *);
	/* A room is being freed. */
	void (*room_gone)(void *arg, struct room *);
	/* user was kicked out of room (ev is the kick): its protocol may
	 * move it elsewhere. Called after the kick was delivered. */
	void (*kicked)(void *arg, struct user *, const struct ev *);
};

/*
 * The cluster's view of the core (cluster-v1.md): what a user of this
 * node did, once it took effect, for the other nodes to do the same with
 * their copy of the user. Never called for a remote user's actions.
 */
struct chat_mirror {
	void (*entered)(void *arg, struct user *); /* now visible */
	/* EV_QUIT, EV_NICK, EV_JOIN, EV_PART, EV_TOPIC, EV_KICK, EV_MODE and
	 * EV_MESSAGE (to a room, or to a remote user), as users got it. */
	void (*event)(void *arg, struct user *, const struct ev *);
	void (*away)(void *arg, struct user *);
	/* The other nodes can be reached now. */
	int (*up)(void *arg);
};

struct chat {
	const struct chat_sink *sink;
	void *sink_arg;
	const struct chat_mirror *mirror; /* NULL: no cluster */
	void *mirror_arg;
	/* A remote user's action being replayed: its first event takes this
	 * one's msgid and time, so every node names it alike. */
	const struct ev *incoming;
	struct history *history; /* NULL: none kept */
	struct hmap nicks;       /* every nick held, visible or not */
	struct hmap room_names;
	struct user_list users;
	struct room_list rooms;    /* in creation order */
	struct room_list quitting; /* with quits of this pass to tell */
	int batch;                 /* inside chat_batch_begin/end */
	int nusers;                /* visible */
	int npending;              /* neither visible yet nor gone */
	int max_users;             /* the most visible at once */
	int nrooms;
	uint64_t next_id;
	int64_t last_ms; /* the latest event's time */
	char msgid_prefix[CHAT_MSGID_PREFIX + 1];
	unsigned next_guest;
};

/* Returns of actions besides 0 (done) and an E_ code: nothing to do. */
#define CHAT_NOTHING (-1)

/* chat_join, chat_part flags. */
#define CHAT_F_QUIET_SELF 0x1 /* the actor gets no view of its action */

void chat_init(
    struct chat *, const struct chat_sink *, void *sink_arg, struct history *);
void chat_set_mirror(struct chat *, const struct chat_mirror *, void *arg);
/* Free every room and user (no events). */
void chat_free(struct chat *);

/* The current wall clock in ms, UTC: read once per event. */
int64_t chat_clock_ms(void);
/* Fill ev as a new event of kind: its id, msgid (into buf, at least
 * CHAT_MSGID_MAX + 1 bytes) and time. */
void chat_ev_init(struct chat *, struct ev *, enum ev_kind, char *buf);
/* The id a msgid of this server stands for (0: not one of ours). */
uint64_t chat_msgid_id(const struct chat *, const char *msgid);

/*
 * Users. A new user is invisible and holds no nick; it takes one
 * (chat_guest_nick, chat_claim_nick), then becomes visible with
 * chat_enter. chat_quit takes it out of every room and frees its nick,
 * for good (it is gone); chat_user_free frees it (after chat_quit).
 * chat->npending counts the users made but neither visible nor gone: the
 * connections that are not users yet.
 */
struct user *chat_user_new(struct chat *, unsigned id, struct endpoint *);
void chat_user_free(struct chat *, struct user *);
int chat_guest_nick(struct chat *, struct user *);
/* Take nick while invisible: 0, E_NICK_INVALID, E_NICK_IN_USE, or
 * CHAT_NOTHING when it is already exactly this user's nick. */
int chat_claim_nick(struct chat *, struct user *, const char *nick);
void chat_enter(struct chat *, struct user *);
void chat_quit(struct chat *, struct user *, enum ev_quit, const char *reason);

/*
 * A pass of the loop: quits that come from the network (closed, reset,
 * errors, timeouts) between begin and end are told at the end, room by
 * room: each user still hears each quit once. In a room where more than
 * CHATD_FOLD_QUITS users quit within CHATD_FOLD_WINDOW_MS, plain-text
 * members get one line for each pass's (IRC members still get every
 * QUIT): 10,000 users leaving at once is not 10^8 lines. A /quit is told
 * at once.
 */
void chat_batch_begin(struct chat *);
void chat_batch_end(struct chat *);

/* A visible user's nick change, seen by the user and its neighbours. */
int chat_nick(struct chat *, struct user *, const char *nick);
void chat_away(struct chat *, struct user *, const char *text);

/* Rooms: name without '#'. */
int chat_join(struct chat *, struct user *, const char *name, unsigned flags);
int chat_part(
    struct chat *, struct user *, struct room *, const char *reason, unsigned);
/* Leave every room, in the order joined, as chat_part without a reason
 * (IRC's JOIN 0). */
void chat_part_all(struct chat *, struct user *);
int chat_topic(
    struct chat *, struct user *, struct room *, const char *text, size_t len);
int chat_kick(struct chat *, struct user *, struct room *, const char *nick,
    const char *reason);
int chat_op(
    struct chat *, struct user *, struct room *, const char *nick, int give);

/* Messages: flags are EV_F_ACTION, EV_F_NOTICE, EV_F_CTCP, EV_F_TAGMSG;
 * tags are IRC client-only tags (or NULL). The core adds EV_F_IRC when
 * the sender is an IRC user. */
int chat_say(struct chat *, struct user *, const char *room, const char *text,
    size_t len, unsigned flags, const char *tags);
int chat_tell(struct chat *, struct user *, const char *nick, const char *text,
    size_t len, unsigned flags, const char *tags);

/* Lookups. chat_find_user: visible users only; chat_nick_holder: any
 * user holding the nick. */
struct user *chat_find_user(const struct chat *, const char *nick);
struct user *chat_nick_holder(const struct chat *, const char *nick);
struct room *chat_find_room(const struct chat *, const char *name);
struct member *chat_member(const struct user *, const struct room *);
/* The rooms sorted by name, in a new array of chat->nrooms (free it);
 * NULL when there are none or out of memory. */
struct room **chat_rooms_sorted(const struct chat *);

#endif
