/*
 * history_redis.c: the history store in Redis streams (history_redis.h):
 * its ops, and the order in which answers reach their callbacks.
 *
 * Every query and targets call is a request on a list in call order. A
 * request is done when Redis has answered (or at once, for what needs no
 * Redis: a malformed query, history off); done requests at the head of
 * the list are answered, so callbacks keep the order of the calls however
 * the answers arrive. What hiredis gives back outlives this store when it
 * is freed with commands still out: the store then stays, as a husk
 * holding only its table of rooms and the requests still waited for,
 * until the last of those answers comes back.
 */
#include <sys/queue.h>

#include <assert.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hiredis/hiredis.h>

#include "hmap.h"
#include "history_redis.h"
#include "history_redis_impl.h"
#include "history_select.h"
#include "loop.h"
#include "redis_link.h"
#include "text.h"

static const struct history_ops redis_ops;

static void store_destroy(struct hredis *);

/* --- answering, in call order ------------------------------------------ */

static void
release(struct hredis *s)
{
	struct hans *a;

	while ((a = s->held) != NULL) {
		s->held = a->next;
		hredis_answer_free(a);
	}
}

static void
req_free(struct hreq *q)
{
	struct hans *a;

	while ((a = q->parts) != NULL) {
		q->parts = a->next;
		hredis_answer_free(a);
	}
	free(q);
}

/* Give q its answer: q is done and first in line. */
static void
req_answer(struct hredis *s, struct hreq *q)
{
	const struct ev **found = NULL;
	const struct ev *const *evs = NULL;
	struct hans *a;
	size_t n = 0, i, start = 0;
	int error = q->error;

	if (error == 0 && q->kind == HREQ_QUERY && q->parts != NULL) {
		evs = q->parts->evs;
		n = q->parts->n;
	} else if (error == 0 && q->kind == HREQ_TARGETS) {
		for (a = q->parts; a != NULL; a = a->next)
			n++;
		if (n > 0 && (found = malloc(n * sizeof *found)) == NULL)
			error = ENOMEM;
		for (i = 0, a = q->parts; found != NULL && a != NULL;
		     a = a->next)
			found[i++] = a->evs[0];
		if (found != NULL)
			n = history_targets_pick(found, n, &q->t, &start);
		evs = found != NULL ? found + start : NULL;
	}
	if (error != 0)
		n = 0;
	s->busy++;
	q->cb(q->arg, error, n > 0 ? evs : NULL, n);
	s->busy--;
	free(found);
	/* The events stay until the next add or turn of the loop. */
	while ((a = q->parts) != NULL) {
		q->parts = a->next;
		a->next = s->held;
		s->held = a;
	}
	if (s->held != NULL)
		hredis_turn_soon(s);
}

static void
deliver(struct hredis *s)
{
	struct hreq *q;

	while ((q = TAILQ_FIRST(&s->reqs)) != NULL && q->waiting == 0) {
		TAILQ_REMOVE(&s->reqs, q, entry);
		q->answered = 1;
		req_answer(s, q);
		req_free(q);
	}
}

static void
on_turn(struct loop *l, struct loop_timer *t, void *arg)
{
	struct hredis *s = arg;

	(void)l;
	(void)t;
	release(s);
	deliver(s);
}

void
hredis_turn_soon(struct hredis *s)
{
	if (!loop_timer_pending(&s->turn))
		loop_timer_start(s->loop, &s->turn, 0, 0, on_turn, s);
}

struct hreq *
hredis_req_new(struct hredis *s, enum hreq_kind kind, history_cb *cb, void *arg)
{
	struct hreq *q;

	if ((q = calloc(1, sizeof *q)) == NULL)
		return NULL;
	q->store = s;
	q->kind = kind;
	q->cb = cb;
	q->arg = arg;
	TAILQ_INSERT_TAIL(&s->reqs, q, entry);
	return q;
}

/* One of the link's answers came back: the husk may go with it. */
static int
inflight_done(struct hredis *s)
{
	assert(s->inflight > 0);
	if (--s->inflight == 0 && s->dead) {
		store_destroy(s);
		return 1;
	}
	return s->dead;
}

/* A query's or a room's TARGETS answer. */
static void
on_reply(void *arg, const struct redisReply *r, const char *err)
{
	struct hreq *q = arg;
	struct hredis *s = q->store;
	struct hans *a;

	assert(q->waiting > 0);
	q->waiting--;
	if (q->error == 0) {
		if (r == NULL)
			q->error = ENOTCONN;
		else if (err != NULL)
			q->error = EIO;
		else if ((a = hredis_answer(r)) == NULL)
			q->error = errno == ENOMEM ? ENOMEM : EIO;
		else if (a->n == 0)
			hredis_answer_free(a);
		else {
			a->next = q->parts;
			q->parts = a;
		}
	}
	if (q->answered) { /* the store went first */
		if (q->waiting == 0)
			req_free(q);
		(void)inflight_done(s);
		return;
	}
	if (!inflight_done(s))
		deliver(s);
}

void
hredis_send(struct hredis *s, struct hreq *q, int argc, const char **argv,
    const size_t *len)
{
	if (rlink_command_argv(s->link, on_reply, q, argc, argv, len) == -1) {
		q->error = ENOMEM;
		return;
	}
	q->waiting++;
	s->inflight++;
}

/* --- adding ------------------------------------------------------------ */

static struct hstat *
stat_room(struct hredis *s, const char *room)
{
	struct hnode *n;
	struct hstat *st;
	uint32_t hash = text_casehash(room);
	size_t len = strlen(room);

	for (n = hmap_first(&s->rooms, hash); n != NULL;
	     n = hmap_next(n, hash)) {
		st = HMAP_ENTRY(n, struct hstat, node);
		if (text_casecmp(st->name, room) == 0)
			return st;
	}
	if ((st = calloc(1, sizeof *st + len + 1)) == NULL)
		return NULL;
	memcpy(st->name, room, len + 1);
	st->store = s;
	if (hmap_insert(&s->rooms, &st->node, hash) == -1) {
		free(st);
		return NULL;
	}
	return st;
}

static void
on_added(void *arg, const struct redisReply *r, const char *err)
{
	struct hstat *st = arg;
	struct hredis *s = st->store;

	if (err != NULL || r == NULL || r->type != REDIS_REPLY_INTEGER)
		s->lost++;
	else
		st->events = (size_t)r->integer;
	(void)inflight_done(s);
}

static int
add_valid(const struct ev *ev)
{
	return ev->kind == EV_MESSAGE && ev->id != 0 && ev->room != NULL &&
	    ev->nick != NULL && ev->text != NULL &&
	    (ev->flags & (EV_F_CTCP | EV_F_TAGMSG)) == 0 && ev->time_ms >= 0 &&
	    ev->time_ms <= HREDIS_NUM_MAX && ev->id <= (uint64_t)HREDIS_NUM_MAX;
}

static int
redis_add(struct history *h, const struct ev *ev)
{
	struct hredis *s = (struct hredis *)h;
	char cap[HREDIS_NUM_LEN], t[HREDIS_NUM_LEN], id[HREDIS_NUM_LEN];
	char flags[HREDIS_NUM_LEN], key[2][HREDIS_KEY_MAX];
	const char *argv[32];
	size_t len[32];
	struct hstat *st;
	int argc = 0;

#define ARG(s, n)      (argv[argc] = (s), len[argc++] = (n))
#define STR(s)         ARG((s), strlen(s))
#define FIELD(name, v) ((v) != NULL ? (STR(name), STR(v)) : (void)0)

	assert(!s->busy);
	release(s);
	if (h->per_room == 0)
		return 0;
	if (!add_valid(ev)) {
		errno = EINVAL;
		return -1;
	}
	if (hredis_keys(ev->room, key[0], key[1]) == -1) {
		errno = EINVAL;
		return -1;
	}
	if ((st = stat_room(s, ev->room)) == NULL)
		return -1;
	snprintf(cap, sizeof cap, "%zu", h->per_room);
	snprintf(t, sizeof t, "%" PRId64, ev->time_ms);
	snprintf(id, sizeof id, "%" PRIu64, ev->id);
	snprintf(flags, sizeof flags, "%u", ev->flags);
	STR("EVAL");
	STR(s->shared ? history_redis_add_shared_lua : history_redis_add_lua);
	STR("2");
	STR(key[0]);
	STR(key[1]);
	STR(cap);
	STR(t);
	STR(s->shared ? ev->msgid : id);
	FIELD("id", id);
	FIELD("time", t);
	FIELD("room", ev->room);
	FIELD("nick", ev->nick);
	FIELD("user", ev->user);
	FIELD("flags", flags);
	STR("text");
	ARG(ev->text, ev->len);
	FIELD("msgid", ev->msgid);
	FIELD("target", ev->target);
	FIELD("tags", ev->tags);
	assert((size_t)argc <= sizeof argv / sizeof argv[0]);
#undef FIELD
#undef STR
#undef ARG
	if (rlink_command_argv(s->link, on_added, st, argc, argv, len) == -1)
		return -1;
	s->inflight++;
	return 0;
}

/* --- stats, free, the table -------------------------------------------- */

static void
on_memory(struct hstat *st, int k, const struct redisReply *r, const char *err)
{
	if (err == NULL && r != NULL && r->type == REDIS_REPLY_INTEGER)
		st->bytes[k] = (size_t)r->integer;
	else if (err == NULL && r != NULL && r->type == REDIS_REPLY_NIL)
		st->bytes[k] = 0;
	(void)inflight_done(st->store);
}

static void
on_memory_stream(void *arg, const struct redisReply *r, const char *err)
{
	on_memory(arg, 0, r, err);
}

static void
on_memory_index(void *arg, const struct redisReply *r, const char *err)
{
	on_memory(arg, 1, r, err);
}

static void
on_refreshed(void *arg, const struct redisReply *r, const char *err)
{
	struct hstat *st = arg;
	struct hredis *s = st->store;

	if (err == NULL && r != NULL && r->type == REDIS_REPLY_INTEGER)
		st->events = (size_t)r->integer;
	s->refreshing--;
	(void)inflight_done(s);
}

/* Ask again, for the next call, what each room holds and costs. */
static void
stats_refresh(struct hredis *s)
{
	static rlink_reply_fn *const fn[3] = { on_memory_stream,
		on_memory_index, on_refreshed };
	static const char *const cmd[3] = { "MEMORY USAGE %s",
		"MEMORY USAGE %s", "XLEN %s" };
	char key[2][HREDIS_KEY_MAX];
	struct hstat *st;
	struct hnode *n;
	size_t i, k;

	if (s->refreshing > 0 || !rlink_is_up(s->link))
		return;
	for (i = 0; i < s->rooms.nb; i++)
		for (n = s->rooms.b[i]; n != NULL; n = n->next) {
			st = HMAP_ENTRY(n, struct hstat, node);
			(void)hredis_keys(st->name, key[0], key[1]);
			for (k = 0; k < 3; k++) {
				if (rlink_command(s->link, fn[k], st, cmd[k],
					key[k == 1]) == -1)
					return;
				s->inflight++;
				s->refreshing += k == 2;
			}
		}
}

static void
redis_stats(struct history *h, struct history_stats *st)
{
	struct hredis *s = (struct hredis *)h;
	struct hstat *r;
	struct hnode *n;
	size_t i;

	memset(st, 0, sizeof *st);
	st->index_bytes = sizeof *s + s->rooms.nb * sizeof *s->rooms.b;
	for (i = 0; i < s->rooms.nb; i++)
		for (n = s->rooms.b[i]; n != NULL; n = n->next) {
			r = HMAP_ENTRY(n, struct hstat, node);
			st->events += r->events;
			st->bytes += r->bytes[0] + r->bytes[1];
			st->rooms += r->events > 0;
			st->index_bytes += sizeof *r + strlen(r->name) + 1;
		}
	stats_refresh(s);
}

/* Free what is left: the husk, or a store with nothing out. */
static void
store_destroy(struct hredis *s)
{
	struct hnode *n, *next;
	size_t i;

	assert(s->inflight == 0 && TAILQ_EMPTY(&s->reqs));
	for (i = 0; i < s->rooms.nb; i++)
		for (n = s->rooms.b[i]; n != NULL; n = next) {
			next = n->next;
			free(HMAP_ENTRY(n, struct hstat, node));
		}
	hmap_free(&s->rooms);
	free(s);
}

static void
redis_free(struct history *h)
{
	struct hredis *s = (struct hredis *)h;
	struct hreq *q;

	assert(!s->busy);
	/* Every call still unanswered is, now, in order; those whose Redis
	 * answer is still out keep their request until it comes. */
	while ((q = TAILQ_FIRST(&s->reqs)) != NULL) {
		TAILQ_REMOVE(&s->reqs, q, entry);
		q->answered = 1;
		s->busy++;
		q->cb(q->arg, ECANCELED, NULL, 0);
		s->busy--;
		if (q->waiting == 0)
			req_free(q);
	}
	release(s);
	loop_timer_stop(s->loop, &s->turn);
	if (s->inflight == 0)
		store_destroy(s);
	else
		s->dead = 1;
}

static const struct history_ops redis_ops = {
	.add = redis_add,
	.query = hredis_query,
	.targets = hredis_targets,
	.stats = redis_stats,
	.free = redis_free,
};

struct history *
history_redis_new(struct loop *l, struct rlink *link, size_t per_room)
{
	struct hredis *s;

	if ((s = calloc(1, sizeof *s)) == NULL)
		return NULL;
	s->h.ops = &redis_ops;
	s->h.per_room = per_room;
	s->loop = l;
	s->link = link;
	TAILQ_INIT(&s->reqs);
	hmap_init(&s->rooms);
	return &s->h;
}

void
history_redis_share(struct history *h)
{
	assert(h->ops == &redis_ops);
	((struct hredis *)h)->shared = 1;
}

size_t
history_redis_lost(const struct history *h)
{
	assert(h->ops == &redis_ops);
	return ((const struct hredis *)h)->lost;
}
