/*
 * history.h: what a room remembers (history-v1.md), behind a small ops
 * table so another store (Redis streams, cluster-v1.md) can stand where
 * the memory store stands now. No sockets, no protocol, no rendering:
 * events in, events out.
 *
 * The shape:
 * - The core hands every kept room event to history_add(): EV_MESSAGE
 *   with a room (messages, EV_F_ACTION actions, EV_F_NOTICE notices).
 * - The protocols ask with history_query() (LATEST, BEFORE, AFTER, AROUND,
 *   BETWEEN) and history_targets() (CHATHISTORY TARGETS). A query does not
 *   return its answer: it calls cb(arg, error, evs, n) exactly once. The
 *   memory store always calls it before the query returns; a remote store
 *   may call it later, from the loop, so a caller that can go away before
 *   then should pass an arg it can look up again (a client id), not a
 *   pointer it may free.
 * - evs[0..n) are oldest first. The array lives only during the callback;
 *   the events it points to (struct ev, strings included) live until the
 *   next history_add() or history_free(), so a renderer takes them as they
 *   are. The callback must not call history_add() or history_free().
 *
 * Rooms are named as in struct ev (without '#') and compared ignoring
 * ASCII case. A room's history knows nothing of members: it outlives the
 * chat room and lasts while it holds events.
 */
#ifndef CHATD_HISTORY_H
#define CHATD_HISTORY_H

#include <stddef.h>
#include <stdint.h>

#include "event.h"
#include "proto.h"

/*
 * The memory store's accounting: an event costs its one allocation, this
 * fixed header (the struct ev and its recorded size) plus each string it
 * holds with its NUL (nick, user, room, target, msgid, tags when not NULL;
 * text as len + 1). Room records, each room's array of event pointers,
 * the arrival-order ring and the room table are not counted in bytes;
 * history_stats() reports them apart, as index_bytes.
 */
#define HISTORY_MEM_EV_OVERHEAD (sizeof(struct ev) + sizeof(uint64_t))

/* What a query is relative to. */
enum history_ref_kind {
	HISTORY_REF_NONE, /* "*": LATEST only */
	HISTORY_REF_ID,   /* a message id (struct ev's id) */
	HISTORY_REF_TIME  /* a time, UTC ms */
};

struct history_ref {
	enum history_ref_kind kind;
	uint64_t id;     /* HISTORY_REF_ID */
	int64_t time_ms; /* HISTORY_REF_TIME */
	/* HISTORY_REF_ID: the msgid itself, for a store shared by several
	 * servers (each mints its own ids: only the msgid names an event
	 * everywhere); "" when not known. */
	char msgid[CHAT_MSGID_MAX + 1];
};

/*
 * The selections, after IRCv3 draft/chathistory. Every bound is exclusive
 * except AROUND's reference event. "Strictly before" a message id means
 * stored before it in the room, "strictly before" a time T means time < T
 * (and after: > T), so of a run of events with the same time T, none is
 * before or after T. A message id the room does not hold (never stored
 * there, or evicted) gives an empty answer, not an error.
 */
enum history_sel {
	HISTORY_LATEST, /* the newest limit; with a ref, of those after it */
	HISTORY_BEFORE, /* the limit closest before ref */
	HISTORY_AFTER,  /* the first limit after ref */
	/*
	 * limit events centred on ref. For a message id the window holds the
	 * event itself and, of the limit - 1 others, half before it and half
	 * after; for a time T it holds limit / 2 from before T and the rest
	 * from T on (events at T count as after). When the split is odd the
	 * extra event is the later one. Near either end of the history the
	 * window shifts to take more from the other side, so it holds
	 * min(limit, events in the room) whenever the reference is known.
	 */
	HISTORY_AROUND,
	/*
	 * Strictly between ref and ref2, in either order: when ref is before
	 * ref2 the first limit after ref, otherwise the limit closest before
	 * ref (counting from ref backwards); oldest first either way.
	 */
	HISTORY_BETWEEN
};

struct history_query {
	enum history_sel sel;
	const char *room;
	struct history_ref ref;
	struct history_ref ref2; /* HISTORY_BETWEEN only */
	size_t limit;            /* at most; never more than per_room */
};

/*
 * CHATHISTORY TARGETS: of rooms[0..nrooms), those with an event strictly
 * between from_ms and to_ms (either order). The answer holds, for each,
 * its latest event in that window (its room and time are the target's),
 * sorted by (time, id), oldest first; a room named twice is answered
 * once. When there are more than limit, BETWEEN's rule picks which: from
 * from_ms forwards when from_ms < to_ms, else from from_ms backwards.
 */
struct history_targets {
	const char *const *rooms;
	size_t nrooms;
	int64_t from_ms;
	int64_t to_ms;
	size_t limit;
};

struct history_stats {
	size_t events;      /* held, all rooms */
	size_t bytes;       /* accounted (above); never over max_bytes */
	size_t rooms;       /* rooms holding at least one event */
	size_t index_bytes; /* the store's bookkeeping besides bytes */
};

/*
 * The answer to a query or targets call. error is 0 or an errno value
 * (EINVAL: a malformed query; ENOMEM), with n 0. An unknown room, limit 0
 * and history off are not errors: n is 0.
 */
typedef void history_cb(
    void *arg, int error, const struct ev *const *evs, size_t n);

struct history;

/* What a store implements; each store embeds struct history first. */
struct history_ops {
	int (*add)(struct history *, const struct ev *);
	void (*query)(struct history *, const struct history_query *,
	    history_cb *, void *);
	void (*targets)(struct history *, const struct history_targets *,
	    history_cb *, void *);
	void (*stats)(struct history *, struct history_stats *);
	void (*free)(struct history *);
};

struct history {
	const struct history_ops *ops;
	size_t per_room; /* --history N; 0: history is off */
};

/*
 * The memory store: at most per_room events per room and max_bytes
 * (accounted) for all rooms together; over either, the oldest go first,
 * across all rooms for max_bytes. per_room 0 turns history off. Returns
 * NULL with errno ENOMEM.
 */
struct history *history_new(size_t per_room, size_t max_bytes);

/*
 * Keep a copy of ev (the store owns it; ev's strings need not outlive the
 * call). Returns 0, also when nothing is kept: history is off, or ev alone
 * is larger than max_bytes (and then nothing is evicted for it either).
 * Returns -1 with errno EINVAL when ev is not a room message (EV_MESSAGE
 * with room, nick and text; no EV_F_CTCP or EV_F_TAGMSG), its id is 0, or
 * it is out of order for its room (an id not above the room's newest, a
 * time before it): the core must hand events over in the order it gave
 * them ids, with a clock that does not step back. ENOMEM: nothing changed.
 */
int history_add(struct history *, const struct ev *ev);

void history_query(
    struct history *, const struct history_query *, history_cb *cb, void *arg);
void history_targets(struct history *, const struct history_targets *,
    history_cb *cb, void *arg);
void history_stats(struct history *, struct history_stats *);
/* Frees the store and every event it holds; NULL is ignored. */
void history_free(struct history *);

/* The bytes the memory store accounts for ev (HISTORY_MEM_EV_OVERHEAD and
 * its strings), whether or not it would be kept. */
size_t history_ev_bytes(const struct ev *ev);

#endif
