/*
 * redis_cluster_mirror.c: what this node publishes: the core's mirror
 * hooks turn a local user's action into a message (cl_publish queues
 * it), cl_send_state is the node's whole state (SB, SU..., ST..., SE),
 * and cl_tell_* what the cluster tells local users.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"

#include "redis_cluster_impl.h"

/* --- the mirror hooks: what a local user did --------------------------- */

static void
cl_head(
    struct buf *b, enum cl_kind k, const struct user *u, const struct ev *ev)
{
	cl_body(b, k);
	cl_put_num(b, u->id);
	cl_put_str(b, ev != NULL ? ev->msgid : "");
	cl_put_num(b, ev != NULL ? ev->time_ms : 0);
}

void
cl_body(struct buf *b, enum cl_kind k)
{
	buf_init(b);
	cl_put_str(b, cl_kind_name(k));
}

void
cl_put_user(struct buf *b, const struct user *u)
{
	const struct member *m;

	cl_put_str(b, u->nick);
	cl_put_str(b, u->username);
	cl_put_str(b, u->realname);
	cl_put_num(b, u->irc);
	cl_put_num(b, u->signon_ms);
	cl_put_num(b, u->active_ms);
	cl_put_str(b, u->away);
	cl_put_num(b, u->nrooms);
	TAILQ_FOREACH(m, &u->rooms, in_user) {
		cl_put_str(b, m->room->name);
		cl_put_num(b, m->op);
	}
}

static void
cl_entered(void *arg, struct user *u)
{
	struct cluster *c = arg;
	struct buf b;

	cl_head(&b, CL_ENTER, u, NULL);
	cl_put_user(&b, u);
	cl_publish(c, &b, NULL, 0);
	cl_nick_claim(c, u);
}

static void
cl_event(void *arg, struct user *u, const struct ev *ev)
{
	struct cluster *c = arg;
	const char *room = NULL;
	struct buf b;

	switch (ev->kind) {
	case EV_QUIT:
		cl_nick_release(c, u->nick, u->id);
		/* At shutdown the node's BYE says it for all of them. */
		if (ev->quit == EV_QUIT_SHUTDOWN)
			return;
		cl_head(&b, CL_QUIT, u, ev);
		cl_put_num(&b, ev->quit);
		cl_put_bin(&b, ev->text, ev->len);
		break;
	case EV_NICK:
		cl_nick_release(c, ev->nick, u->id);
		cl_head(&b, CL_NICK, u, ev);
		cl_put_str(&b, ev->target);
		cl_nick_claim(c, u);
		break;
	case EV_JOIN:
		cl_head(&b, CL_JOIN, u, ev);
		cl_put_str(&b, ev->room);
		break;
	case EV_PART:
		cl_head(&b, CL_PART, u, ev);
		cl_put_str(&b, ev->room);
		cl_put_bin(&b, ev->text, ev->len);
		break;
	case EV_TOPIC:
		cl_head(&b, CL_TOPIC, u, ev);
		cl_put_str(&b, ev->room);
		cl_put_bin(&b, ev->text, ev->len);
		break;
	case EV_KICK:
		cl_head(&b, CL_KICK, u, ev);
		cl_put_str(&b, ev->room);
		cl_put_str(&b, ev->target);
		cl_put_bin(&b, ev->text, ev->len);
		break;
	case EV_MODE:
		cl_head(&b, CL_MODE, u, ev);
		cl_put_str(&b, ev->room);
		cl_put_str(&b, ev->target);
		cl_put_num(&b, (ev->flags & EV_F_OP) != 0);
		break;
	case EV_MESSAGE:
		cl_head(&b, ev->room != NULL ? CL_SAY : CL_TELL, u, ev);
		cl_put_str(&b, ev->room != NULL ? ev->room : ev->target);
		cl_put_num(&b, ev->flags);
		cl_put_str(&b, ev->tags);
		cl_put_bin(&b, ev->text, ev->len);
		room = ev->room;
		break;
	default:
		return;
	}
	cl_publish(c, &b, room, 0);
}

static void
cl_away(void *arg, struct user *u)
{
	struct buf b;

	cl_head(&b, CL_AWAY, u, NULL);
	cl_put_str(&b, u->away);
	cl_publish(arg, &b, NULL, 0);
}

static int
cl_up(void *arg)
{
	return ((struct cluster *)arg)->up;
}

const struct chat_mirror cl_mirror = { .entered = cl_entered,
	.event = cl_event,
	.away = cl_away,
	.up = cl_up,
	.guest = cl_guest,
	.nick_ok = cl_nick_ok };

/* --- state ------------------------------------------------------------- */

static int
cl_local(const struct user *u)
{
	return u->remote == NULL && u->visible && !u->gone;
}

void
cl_send_state(struct cluster *c)
{
	struct member *m;
	struct user *u;
	struct room *r;
	struct buf b;

	cl_body(&b, CL_SB);
	cl_publish(c, &b, NULL, 1);
	TAILQ_FOREACH(u, &c->chat->users, entry) {
		if (!cl_local(u))
			continue;
		cl_body(&b, CL_SU);
		cl_put_num(&b, u->id);
		cl_put_user(&b, u);
		cl_publish(c, &b, NULL, 1);
	}
	/* Topics of the rooms this node has users in. */
	TAILQ_FOREACH(r, &c->chat->rooms, entry) {
		if (r->topic == NULL)
			continue;
		TAILQ_FOREACH(m, &r->members, in_room)
			if (m->user->remote == NULL)
				break;
		if (m == NULL)
			continue;
		cl_body(&b, CL_ST);
		cl_put_str(&b, r->name);
		cl_put_str(&b, r->topic);
		cl_put_str(&b, r->topic_by);
		cl_put_num(&b, r->topic_ms);
		cl_publish(c, &b, NULL, 1);
	}
	cl_body(&b, CL_SE);
	cl_publish(c, &b, NULL, 1);
}

/* --- telling users ----------------------------------------------------- */

void
cl_tell_user(struct cluster *c, struct user *u, struct ev *ev)
{
	struct rcpt r;

	memset(&r, 0, sizeof r);
	r.kind = RCPT_USER;
	r.user = u;
	r.self = u;
	c->chat->sink->emit(c->chat->sink_arg, ev, &r);
}

void
cl_tell_all(struct cluster *c, enum ev_code code)
{
	char msgid[CHAT_MSGID_MAX + 1];
	struct user *u;
	struct ev ev;

	TAILQ_FOREACH(u, &c->chat->users, entry) {
		if (!cl_local(u))
			continue;
		chat_ev_init(c->chat, &ev, EV_REPLY, msgid);
		ev.code = code;
		ev.nick = u->nick;
		cl_tell_user(c, u, &ev);
	}
}

/* Rooms that lost messages while the link was down hear how many. */
void
cl_tell_losses(struct cluster *c)
{
	char msgid[CHAT_MSGID_MAX + 1];
	struct cl_loss *l;
	struct room *r;
	struct rcpt rc;
	struct ev ev;

	while ((l = TAILQ_FIRST(&c->losses)) != NULL) {
		TAILQ_REMOVE(&c->losses, l, entry);
		log_warn("cluster: %" PRIu64 " messages of #%s did not reach "
			 "the other nodes",
		    l->n, l->room);
		if ((r = chat_find_room(c->chat, l->room)) != NULL) {
			chat_ev_init(c->chat, &ev, EV_REPLY, msgid);
			ev.code = R_CLUSTER_LOSS;
			ev.room = r->name;
			ev.num[0] = (long long)l->n;
			memset(&rc, 0, sizeof rc);
			rc.kind = RCPT_ROOM;
			rc.room = r;
			c->chat->sink->emit(c->chat->sink_arg, &ev, &rc);
		}
		free(l);
	}
}
