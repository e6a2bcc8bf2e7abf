/* fanout.c: events to connections, rendered once per variant, shared through room streams. */
#include <stdlib.h>
#include <string.h>

#include "conn.h"
#include "fanout.h"
#include "log.h"
#include "outq.h"

/*
 * Where the last walk of a room's members found each of them: its member,
 * user, endpoint and connection. A delivery to a room of thousands is a
 * walk down a list of members, each a cache miss that the next one waits
 * for (the list does not stay in the cache from one message to the next),
 * and from each member a chain of three more. The walk notes where it
 * found them, and the next walk prefetches FANOUT_AHEAD positions ahead of
 * where it is, so those misses overlap (the connection's first line holds
 * the queue's last segment too, which the push extends: conn.h). Only
 * addresses to prefetch, never dereferenced: a member may have gone
 * since, and then its hint is merely useless (a prefetch never faults).
 * The walk itself follows the list.
 */
struct fanout_hint {
	uintptr_t member, user, ep, conn;
};

#define FANOUT_AHEAD 12

/* A room's streams, one per variant, and its members' hints: room->out. */
struct fanout_room {
	struct stream s[FANOUT_VARIANTS];
	struct fanout_hint *hint;
	int nhint; /* noted by the last walk */
	int caphint;
};

#if defined(__GNUC__)
#define FANOUT_PREFETCH(a) __builtin_prefetch((const void *)(a))
#else
#define FANOUT_PREFETCH(a) ((void)(a))
#endif

/* The renderings of one event, made as recipients need them. */
enum { REND_NONE, REND_DONE, REND_NOTHING, REND_FAILED };

struct fanout_event {
	struct fanout *f;
	const struct ev *ev;
	unsigned char state[FANOUT_VARIANTS];
	/* Where the rendering went in the current room's stream. */
	struct room *room[FANOUT_VARIANTS];
	struct page *pg[FANOUT_VARIANTS];
	uint32_t off[FANOUT_VARIANTS];
};

static void fanout_emit(void *, const struct ev *, const struct rcpt *);
static void fanout_room_gone(void *, struct room *);
static void fanout_kicked(void *, struct user *, const struct ev *);

const struct chat_sink fanout_sink = {
	.emit = fanout_emit,
	.room_gone = fanout_room_gone,
	.kicked = fanout_kicked,
};

void
fanout_init(struct fanout *f)
{
	int i;

	memset(f, 0, sizeof *f);
	for (i = 0; i < FANOUT_VARIANTS; i++)
		buf_init(&f->scratch[i]);
	buf_init(&f->own);
}

void
fanout_free(struct fanout *f)
{
	int i;

	for (i = 0; i < FANOUT_VARIANTS; i++)
		buf_free(&f->scratch[i]);
	buf_free(&f->own);
}

void
fanout_set_render(
    struct fanout *f, unsigned first, unsigned n, fanout_render_fn fn)
{
	unsigned i;

	for (i = first; i < first + n && i < FANOUT_VARIANTS; i++)
		f->render[i] = fn;
}

static struct fanout_room *
fanout_room(struct room *r)
{
	struct fanout_room *fr = r->out;
	int i;

	if (fr == NULL && (fr = malloc(sizeof *fr)) != NULL) {
		for (i = 0; i < FANOUT_VARIANTS; i++)
			stream_init(&fr->s[i]);
		fr->hint = NULL;
		fr->nhint = fr->caphint = 0;
		r->out = fr;
	}
	return fr;
}

static void
fanout_room_gone(void *arg, struct room *r)
{
	struct fanout_room *fr = r->out;
	int i;

	(void)arg;
	if (fr == NULL)
		return;
	for (i = 0; i < FANOUT_VARIANTS; i++)
		stream_release(&fr->s[i]);
	free(fr->hint);
	free(fr);
	r->out = NULL;
}

void
fanout_trim(struct fanout *f, struct chat *chat)
{
	struct room *r;

	(void)f;
	TAILQ_FOREACH(r, &chat->rooms, entry)
		fanout_room_gone(NULL, r);
	buf_release(&f->own, 0);
}

static void
fanout_kicked(void *arg, struct user *u, const struct ev *ev)
{
	(void)arg;
	if (u->ep != NULL && u->ep->ops != NULL && u->ep->ops->kicked != NULL)
		u->ep->ops->kicked(u->ep, ev);
}

/* The actor's own view: one recipient, so rendered for it alone. */
static void
fanout_self(struct fanout_event *fe, struct endpoint *ep)
{
	struct fanout *f = fe->f;
	fanout_render_fn fn = f->render[ep->variant];

	buf_truncate(&f->own, 0);
	if (fn == NULL || fn(&f->own, fe->ev, 1, ep->variant) != 1)
		return;
	f->stats.renders++;
	f->stats.deliveries++;
	conn_send(ep->conn, buf_data(&f->own), buf_len(&f->own));
}

/* Deliver to one recipient that is not the actor; r: the room whose
 * stream carries it (NULL: a private copy). */
static void
fanout_one(struct fanout_event *fe, struct user *u, struct room *r)
{
	struct fanout *f = fe->f;
	struct endpoint *ep = u->ep;
	struct fanout_room *fr;
	struct buf *b;
	unsigned v;

	if (ep == NULL || ep->conn == NULL)
		return;
	v = ep->variant;
	b = &f->scratch[v];
	if (fe->state[v] == REND_NONE) {
		buf_truncate(b, 0);
		switch (
		    f->render[v] != NULL ? f->render[v](b, fe->ev, 0, v) : 0) {
		case 1:
			fe->state[v] = REND_DONE;
			f->stats.renders++;
			break;
		case 0:
			fe->state[v] = REND_NOTHING;
			break;
		default:
			fe->state[v] = REND_FAILED;
			log_warn("out of memory rendering an event");
			break;
		}
	}
	if (fe->state[v] != REND_DONE)
		return;
	f->stats.deliveries++;
	if (r == NULL || (fr = fanout_room(r)) == NULL) {
		conn_send(ep->conn, buf_data(b), buf_len(b));
		return;
	}
	if (fe->room[v] != r) {
		/* First recipient in this room: the bytes go into the room's
		 * stream once; every member shares them. */
		if (stream_put(&fr->s[v], buf_data(b), buf_len(b), &fe->pg[v],
			&fe->off[v]) == -1) {
			conn_send(ep->conn, buf_data(b), buf_len(b));
			return;
		}
		fe->room[v] = r;
	}
	conn_push(ep->conn, fe->pg[v], fe->off[v], buf_len(b));
}

/* Room for r's hints before a walk of its members (NULL: none, the walk
 * goes without). */
static struct fanout_room *
fanout_hints(struct room *r)
{
	struct fanout_room *fr = fanout_room(r);
	struct fanout_hint *h;
	int cap;

	if (fr == NULL || r->count <= fr->caphint)
		return fr;
	cap = r->count + r->count / 4 + 8;
	if ((h = realloc(fr->hint, (size_t)cap * sizeof *h)) == NULL)
		return NULL;
	fr->hint = h;
	fr->caphint = cap;
	return fr;
}

/* The walk is at position i of fr's members, at m: prefetch what the last
 * walk found further on, and note where m's chain is. */
static void
fanout_hint(struct fanout_room *fr, int i, const struct member *m)
{
	struct fanout_hint *h;
	const struct endpoint *ep = m->user->ep;

	if (i + FANOUT_AHEAD < fr->nhint) {
		h = &fr->hint[i + FANOUT_AHEAD];
		FANOUT_PREFETCH(h->member);
		FANOUT_PREFETCH(h->user);
		FANOUT_PREFETCH(h->ep);
		FANOUT_PREFETCH(h->conn);
	}
	if (i >= fr->caphint)
		return;
	h = &fr->hint[i];
	h->member = (uintptr_t)m;
	h->user = (uintptr_t)&m->user->ep;
	h->ep = (uintptr_t)ep;
	h->conn = ep != NULL ? (uintptr_t)ep->conn : 0;
}

static void
fanout_to(
    struct fanout_event *fe, struct user *u, struct user *self, struct room *r)
{
	if (u == self) {
		if (u->ep != NULL && u->ep->conn != NULL)
			fanout_self(fe, u->ep);
	} else
		fanout_one(fe, u, r);
}

static void
fanout_emit(void *arg, const struct ev *ev, const struct rcpt *rc)
{
	struct fanout *f = arg;
	struct fanout_event fe;
	struct fanout_room *fr;
	struct member *m, *n;
	int i;

	memset(&fe, 0, sizeof fe);
	fe.f = f;
	fe.ev = ev;
	f->stats.events++;
	switch (rc->kind) {
	case RCPT_USER:
		fanout_to(&fe, rc->user, rc->self, NULL);
		break;
	case RCPT_ROOM:
		fr = fanout_hints(rc->room);
		i = 0;
		TAILQ_FOREACH(m, &rc->room->members, in_room) {
			if (fr != NULL)
				fanout_hint(fr, i++, m);
			if (m->user == rc->except)
				continue;
			if (rc->once) {
				/* A quit told room by room: once to each. */
				if (m->user->heard == ev->id)
					continue;
				m->user->heard = ev->id;
			}
			fanout_to(&fe, m->user, rc->self, rc->room);
		}
		if (fr != NULL)
			fr->nhint = i < fr->caphint ? i : fr->caphint;
		break;
	case RCPT_NEIGHBOURS:
		/* Each neighbour once, however many rooms it shares. */
		if (++f->mark == 0)
			f->mark = 1;
		rc->user->mark = f->mark;
		if (rc->self != NULL)
			fanout_to(&fe, rc->self, rc->self, NULL);
		TAILQ_FOREACH(m, &rc->user->rooms, in_user)
			TAILQ_FOREACH(n, &m->room->members, in_room)
				if (n->user->mark != f->mark) {
					n->user->mark = f->mark;
					fanout_one(&fe, n->user, m->room);
				}
		break;
	}
}
