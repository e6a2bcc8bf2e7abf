/*
 * redis_cluster_in.c: what the other nodes publish, done again here with
 * this node's copy of their users (struct cl_ghost, the core's
 * user->remote), so that local users see it as they see a local action.
 * A node's state dump (SB, SU..., ST..., SE) is the truth about it: users
 * it names are made or brought in line, users it does not name quit. A
 * node silent for CL_NODE_LOST_MS while the link is up is gone, and so
 * are its users ("server lost").
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "redis_cluster_impl.h"
#include "text.h"

/* A user as SU and ENTER carry it (cl_put_user). */
struct cl_urec {
	char nick[CHAT_NICK_MAX + 1];
	char username[CHAT_IRC_USER_MAX + 1];
	char realname[CHAT_IRC_REALNAME_MAX + 1];
	char away[CHAT_AWAY_MAX + 1];
	int irc;
	int64_t signon_ms, active_ms;
	int nrooms;
	char rooms[CHAT_ROOMS_MAX][CHAT_ROOM_MAX + 1];
	int op[CHAT_ROOMS_MAX];
};

/* What every event carries after its kind: the user, msgid, time. */
struct cl_head {
	uint64_t uid;
	char msgid[CHAT_MSGID_MAX + 1];
	struct ev ev; /* msgid and time, for chat->incoming */
};

static uint32_t
cl_ghost_hash(const struct cl_node *n, uint64_t uid)
{
	uint64_t h = (uint64_t)(uintptr_t)n * 0x9e3779b97f4a7c15ull ^ uid;

	return (uint32_t)(h ^ h >> 32);
}

static struct cl_ghost *
cl_ghost_find(struct cluster *c, struct cl_node *n, uint64_t uid)
{
	uint32_t h = cl_ghost_hash(n, uid);
	struct hnode *hn;
	struct cl_ghost *g;

	for (hn = hmap_first(&c->ghosts, h); hn != NULL;
	     hn = hmap_next(hn, h)) {
		g = HMAP_ENTRY(hn, struct cl_ghost, hn);
		if (g->node == n && g->uid == uid)
			return g;
	}
	return NULL;
}

/* The user quits here (why), and its copy goes. */
static void
cl_ghost_quit(
    struct cluster *c, struct cl_ghost *g, enum ev_quit why, const char *reason)
{
	struct user *u = g->u;

	chat_quit(c->chat, u, why, reason);
	hmap_remove(&c->ghosts, &g->hn);
	TAILQ_REMOVE(g->node->ghosts, g, entry);
	g->node->nghosts--;
	u->remote = NULL;
	chat_user_free(c->chat, u);
	free(g);
}

static void
cl_node_drop(struct cluster *c, struct cl_node *n, const char *why)
{
	struct cl_ghost *g, *next;

	if (strcmp(why, "is silent") == 0)
		log_warn("cluster: node %s is silent: its %d users quit "
			 "(server lost)",
		    n->id, n->nghosts);
	else
		log_info("cluster: node %s %s: its %d users quit", n->id, why,
		    n->nghosts);
	for (g = TAILQ_FIRST(n->ghosts); g != NULL; g = next) {
		next = TAILQ_NEXT(g, entry);
		cl_ghost_quit(c, g, EV_QUIT_LOST, NULL);
	}
	c->st.nodes_lost += strcmp(why, "is silent") == 0;
	TAILQ_REMOVE(&c->nodes, n, entry);
	free(n->ghosts);
	free(n);
}

static struct cl_node *
cl_node_find(struct cluster *c, const char *id)
{
	struct cl_node *n;

	TAILQ_FOREACH(n, &c->nodes, entry)
		if (strcmp(n->id, id) == 0)
			return n;
	return NULL;
}

/* The node a message came from, made when new; NULL: an older life of a
 * node heard since (or no memory). */
static struct cl_node *
cl_node_get(struct cluster *c, const char *id, int64_t inc)
{
	struct cl_node *n = cl_node_find(c, id);

	if (n != NULL && n->inc == inc)
		return n;
	if (n != NULL && inc < n->inc)
		return NULL;
	if (n != NULL)
		cl_node_drop(c, n, "restarted");
	if ((n = calloc(1, sizeof *n)) == NULL ||
	    (n->ghosts = malloc(sizeof *n->ghosts)) == NULL) {
		free(n);
		return NULL;
	}
	snprintf(n->id, sizeof n->id, "%s", id);
	n->inc = inc;
	TAILQ_INIT(n->ghosts);
	TAILQ_INSERT_TAIL(&c->nodes, n, entry);
	log_info("cluster: node %s is here", id);
	return n;
}

int
cl_node_alive(const struct cluster *c, const char *id, int64_t inc)
{
	const struct cl_node *n;

	if (strcmp(id, c->id) == 0)
		return inc == c->inc;
	TAILQ_FOREACH(n, &c->nodes, entry)
		if (strcmp(n->id, id) == 0)
			return n->inc == inc;
	return 0;
}

/* Ask n for its whole state again: what it said did not fit ours (a
 * nick we hold, a user we do not know). At most once per CL_SYNC_MS. */
static void
cl_ask_sync(struct cluster *c, struct cl_node *n)
{
	int64_t now = loop_now(c->loop);
	struct buf b;

	if (n->sync_ms != 0 && now - n->sync_ms < CL_SYNC_MS) {
		n->sync_due = 1;
		return;
	}
	n->sync_ms = now;
	n->sync_due = 0;
	cl_body(&b, CL_SYNC);
	cl_put_str(&b, n->id);
	cl_publish(c, &b, NULL, 1);
}

void
cl_nodes_check(struct cluster *c, int64_t now)
{
	struct cl_node *n, *next;

	for (n = TAILQ_FIRST(&c->nodes); n != NULL; n = next) {
		next = TAILQ_NEXT(n, entry);
		if (now - n->seen_ms > CL_NODE_LOST_MS)
			cl_node_drop(c, n, "is silent");
		else if (n->sync_due)
			cl_ask_sync(c, n);
	}
}

void
cl_nodes_refresh(struct cluster *c, int64_t now)
{
	struct cl_node *n;

	/* While the link was down nobody could be heard. */
	TAILQ_FOREACH(n, &c->nodes, entry)
		n->seen_ms = now;
}

void
cl_nodes_free(struct cluster *c)
{
	struct cl_node *n;
	struct cl_ghost *g;

	/* The chat core frees the users themselves (it may have already:
	 * g->u is not touched). */
	while ((n = TAILQ_FIRST(&c->nodes)) != NULL) {
		while ((g = TAILQ_FIRST(n->ghosts)) != NULL) {
			TAILQ_REMOVE(n->ghosts, g, entry);
			hmap_remove(&c->ghosts, &g->hn);
			free(g);
		}
		TAILQ_REMOVE(&c->nodes, n, entry);
		free(n->ghosts);
		free(n);
	}
}

/* --- users --------------------------------------------------------------- */

static void
cl_read_user(struct cl_rd *r, struct cl_urec *u)
{
	int i;

	cl_get_str(r, u->nick, sizeof u->nick);
	cl_get_str(r, u->username, sizeof u->username);
	cl_get_str(r, u->realname, sizeof u->realname);
	u->irc = cl_get_num(r) != 0;
	u->signon_ms = cl_get_num(r);
	u->active_ms = cl_get_num(r);
	cl_get_str(r, u->away, sizeof u->away);
	u->nrooms = (int)cl_get_num(r);
	if (u->nrooms < 0 || u->nrooms > CHAT_ROOMS_MAX) {
		r->bad = 1;
		return;
	}
	for (i = 0; i < u->nrooms && !r->bad; i++) {
		cl_get_str(r, u->rooms[i], sizeof u->rooms[i]);
		u->op[i] = cl_get_num(r) != 0;
	}
}

static void
cl_set_away(struct user *u, const char *away)
{
	if ((u->away == NULL && *away == '\0') ||
	    (u->away != NULL && strcmp(u->away, away) == 0))
		return;
	free(u->away);
	u->away = *away != '\0' ? strdup(away) : NULL;
}

static struct cl_ghost *
cl_ghost_new(
    struct cluster *c, struct cl_node *n, uint64_t uid, const char *nick)
{
	struct cl_ghost *g;
	struct user *u;

	if (chat_nick_holder(c->chat, nick) != NULL) {
		/* Two nodes gave it at once; the lease decides, and one of
		 * them renames its user. Ask again after that. */
		cl_ask_sync(c, n);
		return NULL;
	}
	if ((g = calloc(1, sizeof *g)) == NULL ||
	    (u = chat_user_new(c->chat, (unsigned)uid, NULL)) == NULL) {
		free(g);
		return NULL;
	}
	if (chat_claim_nick(c->chat, u, nick) != 0 ||
	    hmap_insert(&c->ghosts, &g->hn, cl_ghost_hash(n, uid)) == -1) {
		chat_quit(c->chat, u, EV_QUIT_LOST, NULL);
		chat_user_free(c->chat, u);
		free(g);
		return NULL;
	}
	g->u = u;
	g->node = n;
	g->uid = uid;
	u->remote = g;
	TAILQ_INSERT_TAIL(n->ghosts, g, entry);
	n->nghosts++;
	return g;
}

/* Make or bring in line the copy of a user of n from its record. */
static struct cl_ghost *
cl_ghost_apply(
    struct cluster *c, struct cl_node *n, uint64_t uid, struct cl_urec *rec)
{
	struct cl_ghost *g = cl_ghost_find(c, n, uid);
	struct member *m, *next;
	struct room *r;
	struct user *u;
	int i, fresh = g == NULL;

	if (fresh && (g = cl_ghost_new(c, n, uid, rec->nick)) == NULL)
		return NULL;
	u = g->u;
	u->irc = rec->irc;
	snprintf(u->username, sizeof u->username, "%s", rec->username);
	snprintf(u->realname, sizeof u->realname, "%s", rec->realname);
	cl_set_away(u, rec->away);
	if (fresh)
		chat_enter(c->chat, u);
	else if (strcmp(u->nick, rec->nick) != 0 &&
	    chat_nick(c->chat, u, rec->nick) != 0)
		cl_ask_sync(c, n);
	u->signon_ms = rec->signon_ms;
	u->active_ms = rec->active_ms;
	/* Rooms it left, then rooms it is in, with their operators. */
	for (m = TAILQ_FIRST(&u->rooms); m != NULL; m = next) {
		next = TAILQ_NEXT(m, in_user);
		for (i = 0; i < rec->nrooms; i++)
			if (text_casecmp(rec->rooms[i], m->room->name) == 0)
				break;
		if (i == rec->nrooms)
			chat_part(c->chat, u, m->room, NULL, 0);
	}
	for (i = 0; i < rec->nrooms; i++) {
		(void)chat_join(c->chat, u, rec->rooms[i], 0);
		if ((r = chat_find_room(c->chat, rec->rooms[i])) == NULL ||
		    (m = chat_member(u, r)) == NULL || m->op == rec->op[i])
			continue;
		m->op = rec->op[i];
		r->nops += m->op ? 1 : -1;
	}
	return g;
}

/* --- messages -------------------------------------------------------------- */

static void
cl_read_head(struct cl_rd *r, struct cl_head *h)
{
	h->uid = (uint64_t)cl_get_num(r);
	cl_get_str(r, h->msgid, sizeof h->msgid);
	memset(&h->ev, 0, sizeof h->ev);
	h->ev.msgid = h->msgid;
	h->ev.time_ms = cl_get_num(r);
}

/* A string field, copied out (NULL when bad or no memory). */
static char *
cl_get_dup(struct cl_rd *r, size_t *len)
{
	const char *p = cl_get_bin(r, len);
	char *s;

	if (r->bad || (s = malloc(*len + 1)) == NULL)
		return NULL;
	memcpy(s, p, *len);
	s[*len] = '\0';
	return s;
}

/* A user's event: JOIN to TELL. */
static void
cl_on_event(struct cluster *c, struct cl_node *n, int kind, struct cl_rd *r)
{
	char room[CHAT_ROOM_MAX + 1], nick[CHAT_NICK_MAX + 1], tags[4096];
	struct chat *chat = c->chat;
	struct cl_head h;
	struct cl_ghost *g;
	struct room *rm;
	char *text = NULL;
	size_t len = 0;
	int64_t num = 0;
	int rv = 0;

	cl_read_head(r, &h);
	room[0] = nick[0] = tags[0] = '\0';
	switch (kind) {
	case CL_QUIT:
		num = cl_get_num(r);
		text = cl_get_dup(r, &len);
		break;
	case CL_NICK:
		cl_get_str(r, nick, sizeof nick);
		break;
	case CL_AWAY:
		text = cl_get_dup(r, &len);
		break;
	case CL_JOIN:
		cl_get_str(r, room, sizeof room);
		break;
	case CL_PART:
	case CL_TOPIC:
		cl_get_str(r, room, sizeof room);
		text = cl_get_dup(r, &len);
		break;
	case CL_KICK:
	case CL_MODE:
		cl_get_str(r, room, sizeof room);
		cl_get_str(r, nick, sizeof nick);
		if (kind == CL_KICK)
			text = cl_get_dup(r, &len);
		else
			num = cl_get_num(r);
		break;
	case CL_SAY:
	case CL_TELL:
		cl_get_str(r, kind == CL_SAY ? room : nick,
		    kind == CL_SAY ? sizeof room : sizeof nick);
		num = cl_get_num(r);
		cl_get_str(r, tags, sizeof tags);
		text = cl_get_dup(r, &len);
		break;
	}
	if (!cl_done(r) ||
	    (text == NULL && kind != CL_NICK && kind != CL_JOIN &&
		kind != CL_MODE)) {
		log_debug("cluster: a malformed %s from node %s",
		    cl_kind_name(kind), n->id);
		free(text);
		return;
	}
	if ((g = cl_ghost_find(c, n, h.uid)) == NULL) {
		cl_ask_sync(c, n);
		free(text);
		return;
	}
	rm = room[0] != '\0' ? chat_find_room(chat, room) : NULL;
	chat->incoming = h.msgid[0] != '\0' ? &h.ev : NULL;
	switch (kind) {
	case CL_QUIT:
		if (num < 0 || num >= EV_QUIT_NWHY)
			num = EV_QUIT_LOST;
		cl_ghost_quit(c, g, (enum ev_quit)num, text);
		break;
	case CL_NICK:
		rv = chat_nick(chat, g->u, nick);
		break;
	case CL_AWAY:
		chat->incoming = NULL;
		cl_set_away(g->u, text);
		break;
	case CL_JOIN:
		rv = chat_join(chat, g->u, room, 0);
		break;
	case CL_PART:
		rv = rm != NULL ? chat_part(chat, g->u, rm, text, 0) : -2;
		break;
	case CL_TOPIC:
		rv = rm != NULL ? chat_topic(chat, g->u, rm, text, len) : -2;
		break;
	case CL_KICK:
		rv = rm != NULL ? chat_kick(chat, g->u, rm, nick, text) : -2;
		break;
	case CL_MODE:
		rv = rm != NULL ? chat_op(chat, g->u, rm, nick, num != 0) : -2;
		break;
	case CL_SAY:
		rv = chat_say(chat, g->u, room, text, len,
		    (unsigned)num & ~(unsigned)EV_F_IRC,
		    tags[0] != '\0' ? tags : NULL);
		break;
	case CL_TELL: {
		struct user *to = chat_find_user(chat, nick);

		/* Only the node of the one told tells it. */
		if (to != NULL && to->remote == NULL)
			rv = chat_tell(chat, g->u, nick, text, len,
			    (unsigned)num & ~(unsigned)EV_F_IRC,
			    tags[0] != '\0' ? tags : NULL);
		break;
	}
	}
	chat->incoming = NULL;
	/* Our copy of the node's users no longer fits what it says. */
	if (rv != 0 && rv != CHAT_NOTHING)
		cl_ask_sync(c, n);
	free(text);
}

static void
cl_on_state_user(
    struct cluster *c, struct cl_node *n, int kind, struct cl_rd *r)
{
	struct cl_urec rec;
	struct cl_head h;
	struct cl_ghost *g;

	if (kind == CL_ENTER)
		cl_read_head(r, &h);
	else
		h.uid = (uint64_t)cl_get_num(r);
	cl_read_user(r, &rec);
	if (!cl_done(r)) {
		log_debug("cluster: a malformed user from node %s", n->id);
		return;
	}
	if ((g = cl_ghost_apply(c, n, h.uid, &rec)) != NULL)
		g->seen = 1;
}

/* A room's topic from a node's state: the newer one wins, quietly (it
 * was set while this node did not hear). */
static void
cl_on_topic(struct cluster *c, struct cl_rd *r)
{
	char room[CHAT_ROOM_MAX + 1], by[CHAT_NICK_MAX + 1];
	struct room *rm;
	size_t len;
	int64_t t;
	char *text;

	cl_get_str(r, room, sizeof room);
	text = cl_get_dup(r, &len);
	cl_get_str(r, by, sizeof by);
	t = cl_get_num(r);
	if (!cl_done(r) || text == NULL ||
	    (rm = chat_find_room(c->chat, room)) == NULL ||
	    (rm->topic != NULL && rm->topic_ms >= t)) {
		free(text);
		return;
	}
	free(rm->topic);
	rm->topic = len > 0 ? text : NULL;
	if (len == 0)
		free(text);
	snprintf(rm->topic_by, sizeof rm->topic_by, "%s", by);
	rm->topic_ms = t;
}

void
cl_on_message(void *arg, const char *chan, const char *data, size_t len)
{
	struct cluster *c = arg;
	struct cl_rd r = { data, data + len, 0 };
	char magic[8], id[CLUSTER_NODE_MAX + 1], target[CLUSTER_NODE_MAX + 1];
	struct cl_node *n;
	struct cl_ghost *g, *next;
	int64_t inc;
	int kind;

	(void)chan;
	cl_get_str(&r, magic, sizeof magic);
	cl_get_str(&r, id, sizeof id);
	inc = cl_get_num(&r);
	if (r.bad || strcmp(magic, CL_MAGIC) != 0)
		return;
	if (strcmp(id, c->id) == 0 && inc == c->inc)
		return; /* our own */
	if ((kind = cl_kind_parse(&r)) == -1)
		return;
	c->st.received++;
	if (strcmp(id, c->id) == 0) {
		log_warn("cluster: another node calls itself %s", id);
		return;
	}
	if (kind == CL_BYE) {
		if ((n = cl_node_find(c, id)) != NULL && n->inc == inc)
			cl_node_drop(c, n, "stopped");
		return;
	}
	if ((n = cl_node_get(c, id, inc)) == NULL)
		return;
	n->seen_ms = loop_now(c->loop);
	if (!n->heard) {
		n->heard = 1;
		cl_hold_check(c, n->seen_ms);
	}
	switch (kind) {
	case CL_HELLO:
		cl_send_state(c);
		break;
	case CL_HB:
		break;
	case CL_SYNC:
		cl_get_str(&r, target, sizeof target);
		if (cl_done(&r) && strcmp(target, c->id) == 0)
			cl_send_state(c);
		break;
	case CL_SB:
		TAILQ_FOREACH(g, n->ghosts, entry)
			g->seen = 0;
		n->dumping = 1;
		break;
	case CL_SU:
	case CL_ENTER:
		cl_on_state_user(c, n, kind, &r);
		break;
	case CL_ST:
		cl_on_topic(c, &r);
		break;
	case CL_SE:
		if (!n->dumping)
			break;
		n->dumping = 0;
		for (g = TAILQ_FIRST(n->ghosts); g != NULL; g = next) {
			next = TAILQ_NEXT(g, entry);
			if (!g->seen)
				cl_ghost_quit(c, g, EV_QUIT_LOST, NULL);
		}
		n->stated = 1;
		cl_settle_check(c);
		break;
	default:
		cl_on_event(c, n, kind, &r);
		break;
	}
}
