/*
 * history_redis.h: the history store (history.h) in Redis streams, for the
 * cluster (cluster-v1.md §2): any node can replay what any node stored,
 * and it survives a node's restart. Cluster build only (CHATD_CLUSTER).
 *
 * Keys (docs/CLUSTER.md has the full table): room R, lowercased, with
 * every byte but [a-z0-9_-] written %XX, so that the hash tag is always
 * well formed:
 *   chatd:{R}:history      a stream, one entry per event, oldest first.
 *                          Its entry id is TIME-ID: the event's time (UTC
 *                          ms) and its id, so that XRANGE by time is
 *                          direct, and the order of entries is the order
 *                          of the room's events (ids rise and times never
 *                          fall within a room). Fields: id, time, room,
 *                          nick, user, flags, text, and msgid, target,
 *                          tags when the event has them (id and time only
 *                          mirror the entry id, for other tools).
 *   chatd:{R}:history:ids  a hash, event id -> time: how a msgid reference
 *                          finds its entry. It holds exactly the ids the
 *                          stream holds.
 * Both live as long as the room has events (no TTL). An add is one Lua
 * script (EVAL) that checks the order, trims both keys to per_room
 * (XADD MAXLEN = per_room, exact) and adds to both; a query is one script
 * that resolves its msgid references and reads the selection with
 * XRANGE/XREVRANGE; so each is atomic and one round trip, and the answers
 * are exactly the memory store's (history_select.c's rules). TARGETS is
 * one XREVRANGE ... COUNT 1 per room, pipelined.
 *
 * What is enforced: at most per_room events per room, exactly (every
 * node's adds trim to its own --history, so nodes should agree on it).
 * What is not: --history-memory. Redis is shared by every node and is not
 * this process's memory, so there is no cap for all rooms together; bound
 * it with Redis's own maxmemory, with a noeviction or volatile-* policy
 * (an allkeys-* policy could evict one of a room's two keys and not the
 * other: msgid references into that room would then find nothing).
 *
 * Differences from the memory store, all from Redis being elsewhere:
 * - Every answer comes later, from the loop, in the order of the calls
 *   (errors included: EINVAL for a malformed query too). Errors: ENOTCONN
 *   when the link is down (the query is not sent), EIO when Redis fails
 *   it or answers what cannot be read, ECANCELED when the store is freed
 *   first (the callback runs inside history_free then).
 * - The events of an answer live until the next history_add(), the
 *   history_free(), or the loop's next turn, whichever is first: the same
 *   as the memory store within one turn of the loop, the only span over
 *   which its own events were safe from another add anyway.
 * - history_add() returns 0 once the event is on its way; what Redis then
 *   refuses (an event out of order for its room: an id not above the
 *   room's newest or a time before it) or what cannot be sent (the link is
 *   down: the event is not stored) is counted, not returned
 *   (history_redis_lost; an add lost with the link may have been stored
 *   or not). It still returns EINVAL at once for what it can see is not a
 *   room message, for a time below 0, a time or an id past 2^53 (the Lua
 *   scripts' numbers are doubles), and for a room name longer than
 *   HREDIS_ROOM_MAX (128) bytes.
 * - history_stats() reports what this store last learnt, cheaply, of the
 *   rooms it has added to: events from each add's answer (the stream's
 *   length), bytes from MEMORY USAGE of both keys, which each call to it
 *   asks Redis again for the next one; index_bytes is this process's
 *   table of those rooms. Rooms only other nodes have written to are not
 *   counted.
 */
#ifndef CHATD_HISTORY_REDIS_H
#define CHATD_HISTORY_REDIS_H

#include <stddef.h>

#include "history.h"

struct loop;
struct rlink;

/*
 * A store over link (a command link; the caller's, which must outlive the
 * store), answering from loop l. per_room 0 turns history off. Returns
 * NULL with errno ENOMEM.
 */
struct history *history_redis_new(
    struct loop *l, struct rlink *link, size_t per_room);

/*
 * The store is shared by several servers (the cluster). Each mints its
 * own event ids, so ids neither order a room's events nor name one
 * everywhere: Redis orders the adds as they come (an entry is TIME-SEQ,
 * TIME the event's unless an earlier add has a later one), the index maps
 * msgid to entry, and a query's msgid reference is looked up as such.
 */
void history_redis_share(struct history *);

/* Events given to history_add() that were not stored (above). */
size_t history_redis_lost(const struct history *);

#endif
