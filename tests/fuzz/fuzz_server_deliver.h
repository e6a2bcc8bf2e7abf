/*
 * fuzz_server_deliver.h: the delivery side of the model in
 * fuzz_server_model.h: which lines each peer is to read (the sink's
 * events, their recipients, their words), what it did read, and the
 * reckoning at the end; with the entry points fuzz_server_body.h calls.
 */
#ifndef FUZZ_SERVER_DELIVER_H
#define FUZZ_SERVER_DELIVER_H

#include "fuzz_server_model.h"

/* Room for n more bytes in the arena; NULL (and the model stops) when
 * there is none. */
static char *
fzm_room(struct fzm *m, size_t n)
{
	if (FZM_ARENA_MAX - m->used < n) {
		m->overflow = 1;
		return NULL;
	}
	return m->arena + m->used;
}

/* The line a recipient (self: the actor) reads of ev, into *g; 0 when it
 * reads none. Messages are worded here, as the spec words them; the rest
 * as the renderer does. */
static int
fzm_body(struct fzm *m, const struct ev *ev, int self, struct fzm_item *g)
{
	const char *nick = ev->nick != NULL ? ev->nick : "";
	size_t n, len;
	char *p;

	g->must = ev->kind == EV_MESSAGE;
	if (ev->kind == EV_MESSAGE) {
		if ((ev->flags & (EV_F_CTCP | EV_F_TAGMSG)) ||
		    (ev->room != NULL && self))
			return 0;
		if ((p = fzm_room(m, 2 * CHAT_NICK_MAX + 16 + ev->len)) == NULL)
			return 0;
		if (ev->room != NULL)
			n = (size_t)sprintf(p,
			    (ev->flags & EV_F_ACTION) ? "* %s " : "<%s> ",
			    nick);
		else {
			n = (size_t)(self ? sprintf(p, "-> *%s* ", ev->target) :
					    sprintf(p, "*%s* ", nick));
			if (ev->flags & EV_F_ACTION)
				n += (size_t)sprintf(p + n, "* %s ", nick);
		}
		memcpy(p + n, ev->text, ev->len);
		len = n + ev->len;
	} else {
		buf_truncate(&m->scratch, 0);
		if (render_line(&m->scratch, ev, self) != 1)
			return 0;
		len = buf_len(&m->scratch);
		if (len < CHAT_STAMP_LEN + 1) {
			fzm_fail(m, "a line of %zu bytes was rendered", len);
			return 0;
		}
		len -= CHAT_STAMP_LEN + 1; /* the stamp, the LF */
		if ((p = fzm_room(m, len)) == NULL)
			return 0;
		memcpy(p, buf_data(&m->scratch) + CHAT_STAMP_LEN, len);
	}
	g->off = (uint32_t)m->used;
	g->len = (uint32_t)len;
	m->used += len;
	return 1;
}

/* u, if it is one of the peers, is to read its view of ev; view[] keeps
 * the two views (others', the actor's) once made. */
static void
fzm_expect(struct fzm *m, const struct ev *ev, const struct user *u, int self,
    struct fzm_item view[2], int made[2])
{
	struct fzm_peer *pe;
	int j = fzm_peer_of_user(m, u);

	if (j < 0 || m->overflow)
		return;
	if (made[self] == 0)
		made[self] = fzm_body(m, ev, self, &view[self]) ? 1 : -1;
	if (made[self] != 1)
		return;
	pe = &m->p[j];
	if (pe->nexp == FZM_ITEMS_MAX) {
		m->overflow = 1;
		return;
	}
	pe->exp[pe->nexp++] = view[self];
}

/* The sink: who reads each event, by the rules of chat.h (worked out
 * here, not by the fanout); then the real sink delivers it. */
static void
fzm_emit(void *arg, const struct ev *ev, const struct rcpt *rc)
{
	struct fzm *m = &fzm_state;
	struct fzm_item view[2];
	const struct member *mb, *nb;
	const struct user *seen[FZM_PEERS];
	int made[2] = { 0, 0 }, nseen = 0, k;

	m->nevents++;
	switch (rc->kind) {
	case RCPT_USER:
		fzm_expect(m, ev, rc->user, rc->user == rc->self, view, made);
		break;
	case RCPT_ROOM:
		TAILQ_FOREACH(mb, &rc->room->members, in_room)
			if (mb->user != rc->except)
				fzm_expect(m, ev, mb->user,
				    mb->user == rc->self, view, made);
		break;
	case RCPT_NEIGHBOURS:
		if (rc->self != NULL)
			fzm_expect(m, ev, rc->self, 1, view, made);
		TAILQ_FOREACH(mb, &rc->user->rooms, in_user)
			TAILQ_FOREACH(nb, &mb->room->members, in_room) {
				if (nb->user == rc->user ||
				    nb->user == rc->self ||
				    fzm_peer_of_user(m, nb->user) < 0)
					continue;
				for (k = 0; k < nseen && seen[k] != nb->user;
				     k++)
					;
				if (k < nseen || nseen == FZM_PEERS)
					continue;
				seen[nseen++] = nb->user;
				fzm_expect(m, ev, nb->user, 0, view, made);
			}
		break;
	}
	/* The room message that the line being handled made. */
	if (ev->kind == EV_MESSAGE && ev->room != NULL &&
	    rc->kind == RCPT_ROOM && m->line_user != NULL &&
	    rc->self == m->line_user) {
		m->line_msgs++;
		if (made[0] == 0)
			made[0] = fzm_body(m, ev, 0, &view[0]) ? 1 : -1;
		m->line_msg = view[0];
		if (made[0] != 1)
			m->line_msg.len = 0;
	}
	m->orig_sink->emit(arg, ev, rc);
}

/* Start modelling srv (made by server_setup, no client yet); failures
 * are reported through *failed and why. */
static void
fzm_start(struct server *srv, int npeers, int *failed, char *why, size_t n)
{
	struct fzm *m = &fzm_state;
	int i;

	m->active = 1;
	m->npeers = npeers < FZM_PEERS ? npeers : FZM_PEERS;
	m->nevents = m->used = 0;
	m->overflow = 0;
	m->max_line = srv->cfg.max_line;
	m->orig = NULL;
	m->line_user = NULL;
	m->failed = failed;
	m->why = why;
	m->whylen = n;
	for (i = 0; i < FZM_PEERS; i++) {
		struct fzm_peer *pe = &m->p[i];

		pe->c = NULL;
		buf_truncate(&pe->written, 0);
		pe->raw = 1;
		pe->skipping = pe->ended = pe->closed = 0;
		pe->nexp = pe->pos = 0;
		pe->dropped = pe->slow = pe->got_last = pe->fails = 0;
		pe->unsent_at_free = 0;
	}
	m->orig_sink = srv->chat.sink;
	m->sink = *srv->chat.sink;
	m->sink.emit = fzm_emit;
	srv->chat.sink = &m->sink;
}

/* Peer i's connection: follow its callbacks. */
static void
fzm_take(int i, struct conn *c)
{
	struct fzm *m = &fzm_state;

	if (!m->active || i >= m->npeers || c == NULL)
		return;
	m->p[i].c = c;
	if (m->orig == NULL) {
		m->orig = c->ops;
		m->ops = *c->ops;
		m->ops.line = fzm_on_line;
		m->ops.toolong = fzm_on_toolong;
		m->ops.fail = fzm_on_fail;
		m->ops.release = fzm_on_release;
	}
	c->ops = &m->ops;
}

static void
fzm_written(int i, const void *p, size_t n)
{
	struct fzm_peer *pe = &fzm_state.p[i];

	if (!fzm_state.active || !pe->raw)
		return;
	if (memchr(p, 0xff, n) != NULL) {
		pe->raw = 0;
		buf_free(&pe->written);
	} else if (buf_append(&pe->written, p, n) == -1)
		pe->raw = 0;
}

/* Peer i sent EOF; closed: it reads nothing more either. */
static void
fzm_ended(int i, int closed)
{
	if (!fzm_state.active)
		return;
	fzm_state.p[i].ended = 1;
	if (closed)
		fzm_state.p[i].dropped = fzm_state.p[i].closed = 1;
}

/* Peer i read a message line (n bytes after the stamp): it must be the
 * next line expected of it. */
static void
fzm_received(int i, const char *s, size_t n)
{
	struct fzm *m = &fzm_state;
	struct fzm_peer *pe = &m->p[i];
	const struct fzm_item *g;

	if (!m->active || m->overflow)
		return;
	if (pe->pos == pe->nexp) {
		fzm_fail(m,
		    "client %d read a message it was not sent (%zu expected): %.*s",
		    i, pe->nexp, (int)(n > 60 ? 60 : n), s);
		return;
	}
	g = &pe->exp[pe->pos];
	if (g->len != n || memcmp(m->arena + g->off, s, n) != 0) {
		fzm_fail(m,
		    "client %d: line %zu of %zu is \"%.*s\", expected \"%.*s\" (lost, doubled or reordered)",
		    i, pe->pos + 1, pe->nexp, (int)(n > 60 ? 60 : n), s,
		    (int)(g->len > 60 ? 60 : g->len), m->arena + g->off);
		return;
	}
	pe->pos++;
}

/* Peer i read a notice (n bytes after the stamp): the next one expected
 * of it, or a reply that never went through the sink. */
static void
fzm_notice(int i, const char *s, size_t n)
{
	static const char last[] = CHAT_ERROR_PREFIX "disconnected: too slow";
	struct fzm *m = &fzm_state;
	struct fzm_peer *pe = &m->p[i];
	const struct fzm_item *g;

	if (!m->active)
		return;
	if (n >= sizeof last - 1 && memcmp(s, last, sizeof last - 1) == 0)
		pe->got_last = 1;
	if (m->overflow || pe->pos == pe->nexp)
		return;
	g = &pe->exp[pe->pos];
	if (!g->must && g->len == n && memcmp(m->arena + g->off, s, n) == 0)
		pe->pos++;
}

/* Every client is gone and every peer has read all it will: what was
 * expected of each arrived, or the reason it did not is known. */
static void
fzm_finish(void)
{
	struct fzm *m = &fzm_state;
	const struct fzm_item *g;
	int i;

	if (!m->active || m->overflow)
		return;
	for (i = 0; i < m->npeers; i++) {
		struct fzm_peer *pe = &m->p[i];

		if (pe->pos < pe->nexp && !pe->dropped) {
			g = &pe->exp[pe->pos];
			fzm_fail(m,
			    "client %d lost %zu of %zu lines, from \"%.*s\"", i,
			    pe->nexp - pe->pos, pe->nexp,
			    (int)(g->len > 60 ? 60 : g->len),
			    m->arena + g->off);
		}
		if (pe->slow && !pe->got_last && pe->unsent_at_free == 0 &&
		    !pe->closed)
			fzm_fail(m,
			    "client %d, dropped as too slow, never read its last line",
			    i);
	}
}

static void
fzm_stop(void)
{
	int i;

	fzm_state.active = 0;
	for (i = 0; i < FZM_PEERS; i++)
		buf_release(&fzm_state.p[i].written, 4096);
	buf_release(&fzm_state.scratch, 4096);
}

#endif
