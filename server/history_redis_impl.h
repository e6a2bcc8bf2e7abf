/*
 * history_redis_impl.h: what the Redis history store's files share:
 * history_redis.c (adding, the order of answers, stats, free),
 * history_redis_query.c (queries and targets), history_redis_ev.c (keys,
 * and events out of Redis's replies) and history_redis_lua.c (the
 * scripts). Nothing else includes it.
 */
#ifndef CHATD_HISTORY_REDIS_IMPL_H
#define CHATD_HISTORY_REDIS_IMPL_H

#include <sys/queue.h>

#include <stddef.h>
#include <stdint.h>

#include "event.h"
#include "hmap.h"
#include "history.h"
#include "loop.h"

struct redisReply;
struct rlink;

/* Times and ids the scripts' doubles hold exactly. */
#define HREDIS_NUM_MAX ((int64_t)1 << 53)

/* The longest key: "chatd:{" + a room of CHAT_ROOM_MAX-ish bytes, each
 * possibly %XX, + "}:history:ids"; a longer room name is refused. */
#define HREDIS_ROOM_MAX 128
#define HREDIS_KEY_MAX  (HREDIS_ROOM_MAX * 3 + 32)
#define HREDIS_NUM_LEN  24 /* a decimal int64, and room to spare */

extern const char history_redis_add_lua[];
extern const char history_redis_add_shared_lua[];
extern const char history_redis_query_lua[];

/* One answer's events, in one allocation; kept after its callback until
 * the store releases it (history_redis.h says when). */
struct hans {
	struct hans *next;
	size_t n;
	const struct ev **evs; /* n pointers into ev[] */
	struct ev ev[];        /* then the pointers, then the strings */
};

/* A room this store has added to, for history_stats(). */
struct hstat {
	struct hnode node; /* store->rooms, by text_casehash() */
	struct hredis *store;
	size_t events;   /* the stream's length, last learnt */
	size_t bytes[2]; /* MEMORY USAGE of the stream and the index */
	char name[];
};

enum hreq_kind { HREQ_QUERY, HREQ_TARGETS };

struct hreq {
	TAILQ_ENTRY(hreq) entry; /* store->reqs, until answered */
	struct hredis *store;
	enum hreq_kind kind;
	history_cb *cb;
	void *arg;
	size_t waiting;     /* Redis answers still to come */
	int error;          /* the first error, or 0 */
	int answered;       /* cb has run (or the store went first) */
	struct hans *parts; /* the answer's events: one part, or one per room */
	struct history_targets t; /* TARGETS: from, to, limit (no rooms) */
};

struct hredis {
	struct history h; /* first: the interface's view of the store */
	struct loop *loop;
	struct rlink *link;
	TAILQ_HEAD(, hreq) reqs;
	struct hans *held;      /* answered: freed at the next add or turn */
	struct loop_timer turn; /* answers done without Redis; release */
	struct hmap rooms;      /* struct hstat */
	size_t inflight;        /* commands on the link, all kinds */
	size_t refreshing;      /* of which stats refreshes */
	size_t lost;            /* adds not stored */
	int busy;               /* in a callback: no add, no free */
	int dead;               /* freed: waiting for inflight to reach 0 */
	int shared;             /* several servers add: history_redis_share */
};

/* A request for cb(arg) in the call order; NULL with errno ENOMEM. */
struct hreq *hredis_req_new(
    struct hredis *, enum hreq_kind, history_cb *cb, void *arg);
/* Send a command for q; its answer goes into q. ENOMEM goes into q too. */
void hredis_send(struct hredis *, struct hreq *q, int argc, const char **argv,
    const size_t *argvlen);
/* Answer what is done, and release what was answered, on the next turn. */
void hredis_turn_soon(struct hredis *);

/* history_redis_query.c: the query and targets ops. */
void hredis_query(
    struct history *, const struct history_query *, history_cb *, void *);
void hredis_targets(
    struct history *, const struct history_targets *, history_cb *, void *);

/*
 * Write room's two keys into stream and index (HREDIS_KEY_MAX each).
 * Returns 0, or -1 when the room name is too long or empty.
 */
int hredis_keys(const char *room, char *stream, char *index);

/*
 * The events of r, an array of stream entries as XRANGE returns them
 * ([id, [field, value, ...]], oldest first), as one answer. NULL with
 * errno EIO for a reply that is not that, or ENOMEM.
 */
struct hans *hredis_answer(const struct redisReply *r);

void hredis_answer_free(struct hans *);

#endif
