/*
 * history.c: the history interface's entry points and its first store, in
 * memory.
 *
 * Each event is one allocation (struct hent: the event, its size, then its
 * strings). A room holds its events oldest first in a growable array
 * evs[head .. head + count), so any selection is one contiguous slice of
 * it, found by binary search (ids rise and times never fall within a
 * room). The globally oldest event is always the oldest of its room, so
 * the memory cap needs only to know which room each event went to, in
 * arrival order: a ring of room pointers. When the per-room cap drops a
 * room's oldest event, that room's first entry in the ring no longer
 * stands for an event; the room counts such stale entries, which are
 * always its first ones, and they are skipped when they reach the front,
 * or squeezed out once they outnumber the live ones.
 */
#include <assert.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "history.h"
#include "history_select.h"
#include "text.h"

#define HIST_MIN_EVS  4  /* first size of a room's array */
#define HIST_MIN_RING 16 /* first size of the ring */
#define HIST_MIN_TAB  16 /* first size of the room table */

struct hent {
	struct ev ev;  /* first, so a stored event's address is its entry's */
	uint64_t size; /* accounted bytes: this header and the strings */
	char str[];
};

_Static_assert(sizeof(struct hent) == HISTORY_MEM_EV_OVERHEAD,
    "HISTORY_MEM_EV_OVERHEAD must be the size of the event header");

struct hroom {
	struct hroom *next; /* hash chain */
	uint32_t hash;
	const struct ev **evs; /* evs[head .. head + count): oldest first */
	size_t head, count, cap;
	size_t stale; /* this room's first ring entries, already dropped */
	unsigned long mark; /* history_targets(): seen in this call */
	char name[];
};

struct hmem {
	struct history h; /* first: the interface's view of the store */
	size_t max_bytes;
	size_t bytes, events, nrooms;
	struct hroom **tab; /* rooms by text_casehash(); tabsize a power of 2 */
	size_t tabsize;
	struct hroom **ring; /* the room of each event, in arrival order */
	size_t rhead, rlen, rcap;
	size_t stale; /* ring entries whose event is already gone */
	unsigned long mark;
	int busy; /* inside a callback: no add, no free */
};

static size_t
str_bytes(const char *s)
{
	return s == NULL ? 0 : strlen(s) + 1;
}

size_t
history_ev_bytes(const struct ev *ev)
{
	return sizeof(struct hent) + str_bytes(ev->nick) + str_bytes(ev->user) +
	    str_bytes(ev->room) + str_bytes(ev->target) + str_bytes(ev->msgid) +
	    str_bytes(ev->tags) + (ev->text == NULL ? 0 : ev->len + 1);
}

/* Copy n bytes of s and a NUL to *p, advancing it; NULL stays NULL. */
static const char *
str_put_n(char **p, const char *s, size_t n)
{
	char *d = *p;

	if (s == NULL)
		return NULL;
	memcpy(d, s, n);
	d[n] = '\0';
	*p = d + n + 1;
	return d;
}

static const char *
str_put(char **p, const char *s)
{
	return s == NULL ? NULL : str_put_n(p, s, strlen(s));
}

static struct hent *
hent_new(const struct ev *ev, size_t size)
{
	struct hent *e;
	char *p;

	if ((e = malloc(size)) == NULL)
		return NULL;
	e->ev = *ev;
	e->size = size;
	p = e->str;
	e->ev.nick = str_put(&p, ev->nick);
	e->ev.user = str_put(&p, ev->user);
	e->ev.room = str_put(&p, ev->room);
	e->ev.target = str_put(&p, ev->target);
	e->ev.msgid = str_put(&p, ev->msgid);
	e->ev.tags = str_put(&p, ev->tags);
	e->ev.text = str_put_n(&p, ev->text, ev->len);
	assert((size_t)(p - (char *)e) == size);
	return e;
}

static void
hent_free(const struct ev *ev)
{
	free((void *)ev); /* malloc'd as a struct hent, never const */
}

/* --- rooms --------------------------------------------------------------- */

static struct hroom *
room_find(const struct hmem *m, const char *name, uint32_t hash)
{
	struct hroom *r;

	if (m->tabsize == 0)
		return NULL;
	for (r = m->tab[hash & (m->tabsize - 1)]; r != NULL; r = r->next)
		if (r->hash == hash && text_casecmp(r->name, name) == 0)
			return r;
	return NULL;
}

/* Rehash into size buckets; on failure keep the old table (longer chains). */
static void
tab_resize(struct hmem *m, size_t size)
{
	struct hroom **tab, *r, *next;
	size_t i;

	if ((tab = calloc(size, sizeof *tab)) == NULL)
		return;
	for (i = 0; i < m->tabsize; i++)
		for (r = m->tab[i]; r != NULL; r = next) {
			next = r->next;
			r->next = tab[r->hash & (size - 1)];
			tab[r->hash & (size - 1)] = r;
		}
	free(m->tab);
	m->tab = tab;
	m->tabsize = size;
}

static struct hroom *
room_new(struct hmem *m, const char *name, uint32_t hash)
{
	struct hroom *r;
	size_t len = strlen(name);

	if (m->tabsize == 0)
		tab_resize(m, HIST_MIN_TAB);
	else if (m->nrooms >= m->tabsize)
		tab_resize(m, m->tabsize * 2);
	if (m->tabsize == 0 || (r = calloc(1, sizeof *r + len + 1)) == NULL)
		return NULL;
	memcpy(r->name, name, len + 1);
	r->hash = hash;
	r->next = m->tab[hash & (m->tabsize - 1)];
	m->tab[hash & (m->tabsize - 1)] = r;
	m->nrooms++;
	return r;
}

static void
room_free(struct hmem *m, struct hroom *r)
{
	struct hroom **pp;

	/* Its ring entries are all gone: stale ones come before live ones. */
	assert(r->count == 0 && r->stale == 0);
	for (pp = &m->tab[r->hash & (m->tabsize - 1)]; *pp != r;
	     pp = &(*pp)->next)
		;
	*pp = r->next;
	free(r->evs);
	free(r);
	m->nrooms--;
	if (m->nrooms == 0) {
		free(m->tab);
		m->tab = NULL;
		m->tabsize = 0;
	} else if (m->nrooms < m->tabsize / 4 && m->tabsize > HIST_MIN_TAB)
		tab_resize(m, m->tabsize / 2);
}

/* Move the events to the front of an array of cap slots. */
static int
room_repack(struct hroom *r, size_t cap)
{
	const struct ev **evs;

	if (r->head > 0) /* and so evs is not NULL */
		memmove(r->evs, r->evs + r->head, r->count * sizeof *r->evs);
	r->head = 0;
	if (cap == r->cap)
		return 0;
	if ((evs = realloc(r->evs, cap * sizeof *evs)) == NULL)
		return cap > r->cap ? -1 : 0;
	r->evs = evs;
	r->cap = cap;
	return 0;
}

/* A free slot at evs[head + count]: reuse dropped slots when at least half
 * are, else double (amortised O(1) either way). */
static int
room_reserve(struct hroom *r)
{
	if (r->head + r->count < r->cap)
		return 0;
	if (r->head > 0 && r->head >= r->count)
		return room_repack(r, r->cap);
	if (r->cap > SIZE_MAX / 2 / sizeof *r->evs) {
		errno = ENOMEM;
		return -1;
	}
	return room_repack(r, r->cap == 0 ? HIST_MIN_EVS : r->cap * 2);
}

/* Drop r's oldest event; its ring entry is the caller's to deal with. */
static void
room_drop_oldest(struct hmem *m, struct hroom *r)
{
	const struct ev *ev;

	assert(r->count > 0);
	ev = r->evs[r->head];
	m->bytes -= ((const struct hent *)ev)->size;
	m->events--;
	hent_free(ev);
	r->head++;
	if (--r->count == 0)
		r->head = 0;
	else if (r->count <= r->cap / 4 && r->cap > HIST_MIN_EVS)
		(void)room_repack(r, r->cap / 2);
}

/* --- the ring ------------------------------------------------------------ */

static struct hroom **
ring_at(const struct hmem *m, size_t i)
{
	return &m->ring[(m->rhead + i) & (m->rcap - 1)];
}

/* Copy the ring, in order, into cap slots (a power of 2, >= rlen). */
static int
ring_resize(struct hmem *m, size_t cap)
{
	struct hroom **ring;
	size_t i;

	if ((ring = malloc(cap * sizeof *ring)) == NULL)
		return -1;
	for (i = 0; i < m->rlen; i++)
		ring[i] = *ring_at(m, i);
	free(m->ring);
	m->ring = ring;
	m->rcap = cap;
	m->rhead = 0;
	return 0;
}

static int
ring_reserve(struct hmem *m)
{
	if (m->rlen < m->rcap)
		return 0;
	if (m->rcap > SIZE_MAX / 2 / sizeof *m->ring) {
		errno = ENOMEM;
		return -1;
	}
	return ring_resize(m, m->rcap == 0 ? HIST_MIN_RING : m->rcap * 2);
}

static struct hroom *
ring_pop(struct hmem *m)
{
	struct hroom *r = *ring_at(m, 0);

	assert(m->rlen > 0);
	m->rhead = (m->rhead + 1) & (m->rcap - 1);
	m->rlen--;
	return r;
}

/* After evictions: give back a ring mostly empty (ring_pop never does, so
 * the slot an add reserved stays). */
static void
ring_trim(struct hmem *m)
{
	size_t cap = m->rcap;

	while (cap > HIST_MIN_RING && m->rlen < cap / 4)
		cap /= 2;
	if (cap != m->rcap)
		(void)ring_resize(m, cap);
}

/*
 * Squeeze the stale entries out: each room's first r->stale entries. Run
 * once they outnumber the events, so it costs O(1) per add amortised and
 * the ring stays under twice the events.
 */
static void
ring_compact(struct hmem *m)
{
	struct hroom *r;
	size_t i, n = 0;

	for (i = 0; i < m->rlen; i++) {
		r = *ring_at(m, i);
		if (r->stale > 0)
			r->stale--;
		else
			*ring_at(m, n++) = r;
	}
	m->rlen = n;
	m->stale = 0;
}

/* Evict the oldest event of all rooms; an emptied room goes, unless it is
 * keep (the room an add is about to use). */
static void
evict_oldest(struct hmem *m, struct hroom *keep)
{
	struct hroom *r;

	for (;;) {
		r = ring_pop(m);
		if (r->stale == 0)
			break;
		r->stale--;
		m->stale--;
	}
	room_drop_oldest(m, r);
	if (r->count == 0 && r != keep)
		room_free(m, r);
}

/* --- adding -------------------------------------------------------------- */

static int
ev_valid(const struct ev *ev)
{
	return ev->kind == EV_MESSAGE && ev->id != 0 && ev->room != NULL &&
	    ev->nick != NULL && ev->text != NULL &&
	    (ev->flags & (EV_F_CTCP | EV_F_TAGMSG)) == 0;
}

static int
mem_add(struct history *h, const struct ev *ev)
{
	struct hmem *m = (struct hmem *)h;
	const struct ev *newest;
	struct hroom *r;
	struct hent *e;
	uint32_t hash;
	size_t size;

	assert(!m->busy);
	if (h->per_room == 0)
		return 0;
	if (!ev_valid(ev)) {
		errno = EINVAL;
		return -1;
	}
	hash = text_casehash(ev->room);
	if ((r = room_find(m, ev->room, hash)) != NULL) {
		assert(r->count > 0); /* a room lasts while it holds events */
		newest = r->evs[r->head + r->count - 1];
		if (ev->id <= newest->id || ev->time_ms < newest->time_ms) {
			errno = EINVAL;
			return -1;
		}
	}
	if ((size = history_ev_bytes(ev)) > m->max_bytes)
		return 0;

	/* Everything that can fail comes before anything is evicted. */
	if ((e = hent_new(ev, size)) == NULL)
		return -1;
	if (r == NULL && (r = room_new(m, ev->room, hash)) == NULL) {
		hent_free(&e->ev);
		errno = ENOMEM;
		return -1;
	}
	if (room_reserve(r) == -1 || ring_reserve(m) == -1) {
		if (r->count == 0)
			room_free(m, r);
		hent_free(&e->ev);
		errno = ENOMEM;
		return -1;
	}

	assert(r->count <= h->per_room);
	if (r->count == h->per_room) {
		room_drop_oldest(m, r);
		r->stale++;
		m->stale++;
	}
	while (size > m->max_bytes - m->bytes) /* bytes <= max_bytes: no wrap */
		evict_oldest(m, r);

	r->evs[r->head + r->count++] = &e->ev;
	*ring_at(m, m->rlen++) = r;
	m->bytes += size;
	m->events++;
	if (m->stale > m->events)
		ring_compact(m);
	ring_trim(m);
	return 0;
}

/* --- queries ------------------------------------------------------------- */

static void
answer(struct hmem *m, history_cb *cb, void *arg, int error,
    const struct ev *const *evs, size_t n)
{
	m->busy++;
	cb(arg, error, n > 0 ? evs : NULL, n);
	m->busy--;
}

static void
mem_query(
    struct history *h, const struct history_query *q, history_cb *cb, void *arg)
{
	struct hmem *m = (struct hmem *)h;
	const struct ev *const *v;
	struct hroom *r;
	size_t s, e, limit = q->limit < h->per_room ? q->limit : h->per_room;

	if (!history_query_valid(q)) {
		answer(m, cb, arg, EINVAL, NULL, 0);
		return;
	}
	if (limit == 0 ||
	    (r = room_find(m, q->room, text_casehash(q->room))) == NULL) {
		answer(m, cb, arg, 0, NULL, 0);
		return;
	}
	v = r->evs + r->head;
	history_select(v, r->count, q, limit, &s, &e);
	answer(m, cb, arg, 0, v + s, e - s);
}

static void
mem_targets(struct history *h, const struct history_targets *t, history_cb *cb,
    void *arg)
{
	struct hmem *m = (struct hmem *)h;
	int64_t lo = t->from_ms < t->to_ms ? t->from_ms : t->to_ms;
	int64_t hi = t->from_ms < t->to_ms ? t->to_ms : t->from_ms;
	const struct ev **found, *last;
	struct hroom *r;
	size_t i, n = 0, s;

	if (h->per_room == 0 || t->limit == 0 || t->nrooms == 0 ||
	    m->nrooms == 0) {
		answer(m, cb, arg, 0, NULL, 0);
		return;
	}
	if (t->nrooms > SIZE_MAX / sizeof *found ||
	    (found = malloc(t->nrooms * sizeof *found)) == NULL) {
		answer(m, cb, arg, ENOMEM, NULL, 0);
		return;
	}
	m->mark++;
	for (i = 0; i < t->nrooms; i++) {
		r = room_find(m, t->rooms[i], text_casehash(t->rooms[i]));
		if (r == NULL || r->mark == m->mark)
			continue;
		r->mark = m->mark;
		last =
		    history_latest_between(r->evs + r->head, r->count, lo, hi);
		if (last != NULL)
			found[n++] = last;
	}
	n = history_targets_pick(found, n, t, &s);
	answer(m, cb, arg, 0, found + s, n);
	free(found);
}

/* --- stats, free, the table ---------------------------------------------- */

static void
mem_stats(struct history *h, struct history_stats *st)
{
	struct hmem *m = (struct hmem *)h;
	struct hroom *r;
	size_t i;

	st->events = m->events;
	st->bytes = m->bytes;
	st->rooms = m->nrooms;
	st->index_bytes =
	    sizeof *m + m->tabsize * sizeof *m->tab + m->rcap * sizeof *m->ring;
	for (i = 0; i < m->tabsize; i++)
		for (r = m->tab[i]; r != NULL; r = r->next)
			st->index_bytes += sizeof *r + strlen(r->name) + 1 +
			    r->cap * sizeof *r->evs;
}

static void
mem_free(struct history *h)
{
	struct hmem *m = (struct hmem *)h;

	assert(!m->busy);
	while (m->rlen > 0)
		evict_oldest(m, NULL);
	assert(m->events == 0 && m->bytes == 0 && m->nrooms == 0);
	free(m->ring);
	free(m);
}

static const struct history_ops mem_ops = {
	.add = mem_add,
	.query = mem_query,
	.targets = mem_targets,
	.stats = mem_stats,
	.free = mem_free,
};

struct history *
history_new(size_t per_room, size_t max_bytes)
{
	struct hmem *m;

	if ((m = calloc(1, sizeof *m)) == NULL)
		return NULL;
	m->h.ops = &mem_ops;
	m->h.per_room = per_room;
	m->max_bytes = max_bytes;
	return &m->h;
}

/* --- the interface ------------------------------------------------------- */

int
history_add(struct history *h, const struct ev *ev)
{
	return h->ops->add(h, ev);
}

void
history_query(
    struct history *h, const struct history_query *q, history_cb *cb, void *arg)
{
	h->ops->query(h, q, cb, arg);
}

void
history_targets(struct history *h, const struct history_targets *t,
    history_cb *cb, void *arg)
{
	h->ops->targets(h, t, cb, arg);
}

void
history_stats(struct history *h, struct history_stats *st)
{
	h->ops->stats(h, st);
}

void
history_free(struct history *h)
{
	if (h != NULL)
		h->ops->free(h);
}
