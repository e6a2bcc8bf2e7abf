/*
 * redis_cluster.c: this node's side of the cluster (cluster.h): the two
 * links to Redis, what the core's mirror hooks publish, the queue of
 * publications (room messages wait while the link is down, up to
 * CL_BUFFER_MAX, and go out in order on its return), heartbeats, and what
 * users are told when the link goes and comes back.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <hiredis/hiredis.h>

#include "history_redis.h"
#include "log.h"
#include "redis_cluster_impl.h"
#include "redis_link.h"
#include "server.h"
#include "text.h"

static void cl_on_state(struct rlink *, int up, void *arg);
static void cl_on_beat(struct loop *, struct loop_timer *, void *);
static void cl_on_renew(struct loop *, struct loop_timer *, void *);
static void cl_on_tell(struct loop *, struct loop_timer *, void *);
static void cl_send(struct cluster *, struct cl_msg *);

/* --- publishing: one queue, in order ----------------------------------- */

static void
cl_msg_free(struct cl_msg_list *q, struct cl_msg *m)
{
	TAILQ_REMOVE(q, m, entry);
	free(m);
}

/* Answers come in order, failures included: the oldest sent is this. */
static void
cl_on_published(void *arg, const struct redisReply *r, const char *err)
{
	struct cluster *c = arg;
	struct cl_msg *m = TAILQ_FIRST(&c->inflight);

	(void)r;
	if (m == NULL)
		return;
	if (err == NULL) {
		c->st.published++;
		cl_msg_free(&c->inflight, m);
		return;
	}
	/* Lost with the link: a room message goes again when it is back,
	 * ahead of anything made since; the rest the state sent then makes
	 * good. */
	TAILQ_REMOVE(&c->inflight, m, entry);
	if (!m->say || c->gone) {
		c->st.lost++;
		free(m);
		return;
	}
	if (c->requeued != NULL)
		TAILQ_INSERT_AFTER(&c->out, c->requeued, m, entry);
	else
		TAILQ_INSERT_HEAD(&c->out, m, entry);
	c->requeued = m;
	c->waiting += m->len;
}

/* PUBLISH m now: it joins the messages waiting for an answer. */
static void
cl_send(struct cluster *c, struct cl_msg *m)
{
	const char *argv[3];
	size_t len[3];
	struct buf b;

	buf_init(&b);
	cl_put_str(&b, CL_MAGIC);
	cl_put_str(&b, c->id);
	cl_put_num(&b, c->inc);
	argv[0] = "PUBLISH";
	argv[1] = CL_CHANNEL;
	len[0] = 7;
	len[1] = strlen(CL_CHANNEL);
	if (buf_append(&b, m->data, m->len) == -1 ||
	    (argv[2] = buf_data(&b), len[2] = buf_len(&b),
		rlink_command_argv(c->cmd, cl_on_published, c, 3, argv, len)) ==
		-1) {
		c->st.lost++;
		free(m);
	} else
		TAILQ_INSERT_TAIL(&c->inflight, m, entry);
	buf_free(&b);
}

/* Users' events go out only while the link is up and nobody we know of
 * may still be deaf (cl_hold). */
static int
cl_open(const struct cluster *c)
{
	return c->up && !c->holding && !c->gone;
}

/* Send what waited, in order. */
static void
cl_flush(struct cluster *c)
{
	struct cl_msg *m;

	c->requeued = NULL;
	while (cl_open(c) && (m = TAILQ_FIRST(&c->out)) != NULL) {
		TAILQ_REMOVE(&c->out, m, entry);
		if (m->say)
			c->waiting -= m->len;
		cl_send(c, m);
	}
}

static void
cl_count_loss(struct cluster *c, const char *room)
{
	struct cl_loss *l;

	c->st.dropped++;
	TAILQ_FOREACH(l, &c->losses, entry)
		if (text_casecmp(l->room, room) == 0)
			break;
	if (l == NULL) {
		if ((l = calloc(1, sizeof *l)) == NULL)
			return;
		snprintf(l->room, sizeof l->room, "%s", room);
		TAILQ_INSERT_TAIL(&c->losses, l, entry);
	}
	l->n++;
}

/*
 * Publish body (freed here). The node's own messages (HELLO, heartbeats,
 * its state) go at once while the link is up. Users' events keep their
 * order behind what waits: a room message (room set) waits while the
 * link is down, up to CL_BUFFER_MAX bytes of them; any other event is
 * lost then, and the state this node sends on the link's return says
 * where its users are.
 */
void
cl_publish(struct cluster *c, struct buf *body, const char *room, int ctl)
{
	struct cl_msg *m;
	size_t len = buf_len(body);

	if (c->gone && !ctl) {
		buf_free(body);
		return;
	}
	if (!c->up && room == NULL) {
		c->st.lost++;
		buf_free(body);
		return;
	}
	if (!c->up && c->waiting + len > CL_BUFFER_MAX) {
		cl_count_loss(c, room);
		buf_free(body);
		return;
	}
	if ((m = malloc(sizeof *m + len)) == NULL) {
		log_warn("cluster: out of memory for a message");
		c->st.lost++;
		buf_free(body);
		return;
	}
	memset(m, 0, sizeof *m);
	m->len = len;
	m->say = room != NULL;
	if (room != NULL)
		snprintf(m->room, sizeof m->room, "%s", room);
	memcpy(m->data, buf_data(body), len);
	buf_free(body);
	if (ctl || cl_open(c)) {
		cl_send(c, m);
		return;
	}
	TAILQ_INSERT_TAIL(&c->out, m, entry);
	if (m->say)
		c->waiting += len;
}

/*
 * The link is back, but another node's may not be yet: what we publish
 * before its subscription is back, it never hears. Users' events wait
 * until every node we knew has been heard from since (a node publishes
 * only while its own links are up), or CL_HOLD_MS at most.
 */
void
cl_hold_check(struct cluster *c, int64_t now)
{
	struct cl_node *n;

	if (!c->holding)
		return;
	if (now < c->hold_until)
		TAILQ_FOREACH(n, &c->nodes, entry)
			if (!n->heard)
				return;
	c->holding = 0;
	cl_flush(c);
}

static void
cl_lost(struct cluster *c)
{
	if (c->told)
		return;
	c->told = 1;
	log_warn("cluster: link to Redis lost (%s): serving this node's "
		 "users only",
	    rlink_error(c->cmd)[0] != '\0' ? rlink_error(c->cmd) :
					     rlink_error(c->sub));
	cl_tell_all(c, R_CLUSTER_LOST);
}

/* --- the links --------------------------------------------------------- */

static void
cl_on_state(struct rlink *l, int up, void *arg)
{
	struct cluster *c = arg;
	int both = rlink_is_up(c->cmd) && rlink_is_up(c->sub);
	struct cl_node *n;
	struct buf b;

	(void)l;
	(void)up;
	if (both == c->up || c->gone)
		return;
	c->up = both;
	if (!both) {
		c->down_ms = loop_now(c->loop);
		cl_lost(c);
		/* Nothing more will be heard: what waits goes on as is. */
		cl_settled(c);
		cl_waits_done(c, UINT64_MAX);
		return;
	}
	loop_timer_stop(c->loop, &c->tell);
	c->ever_up = 1;
	log_info("cluster: linked through Redis as node %s", c->id);
	cl_nodes_refresh(c, loop_now(c->loop));
	/* Who we are and where our users are, ahead of the room messages
	 * that waited (their senders must be in their rooms first). */
	TAILQ_FOREACH(n, &c->nodes, entry)
		n->heard = n->stated = 0;
	cl_settle_start(c);
	c->holding = 1;
	c->hold_until = loop_now(c->loop) + CL_HOLD_MS;
	cl_body(&b, CL_HELLO);
	cl_publish(c, &b, NULL, 1);
	cl_send_state(c);
	cl_hold_check(c, loop_now(c->loop));
	cl_nick_renew(c);
	cl_guest_refill(c);
	cl_tell_losses(c);
	if (c->told) {
		c->told = 0;
		log_info("cluster: link to Redis restored");
		cl_tell_all(c, R_CLUSTER_BACK);
	}
}

static void
cl_on_presence(void *arg, const struct redisReply *r, const char *err)
{
	(void)arg;
	(void)r;
	(void)err;
}

static void
cl_on_beat(struct loop *l, struct loop_timer *t, void *arg)
{
	struct cluster *c = arg;
	char key[CLUSTER_NODE_MAX + 32], val[64], ttl[16];
	struct buf b;

	(void)t;
	if (!c->up)
		return;
	cl_body(&b, CL_HB);
	cl_publish(c, &b, NULL, 1);
	snprintf(key, sizeof key, "chatd:node:{%s}", c->id);
	snprintf(val, sizeof val, "%" PRId64 " %d", c->inc, c->chat->nusers);
	snprintf(ttl, sizeof ttl, "%d", CL_PRESENCE_MS);
	(void)rlink_command(
	    c->cmd, cl_on_presence, c, "SET %s %s PX %s", key, val, ttl);
	/* The index of live nodes a node just linked reads (settling). */
	snprintf(val, sizeof val, "%" PRId64, chat_clock_ms());
	(void)rlink_command(c->cmd, cl_on_presence, c, "ZADD %s %s %s",
	    CL_NODES_KEY, val, c->id);
	snprintf(val, sizeof val, "%" PRId64, chat_clock_ms() - 60000);
	(void)rlink_command(c->cmd, cl_on_presence, c,
	    "ZREMRANGEBYSCORE %s -inf %s", CL_NODES_KEY, val);
	cl_nodes_check(c, loop_now(l));
	cl_hold_check(c, loop_now(l));
}

static void
cl_on_renew(struct loop *l, struct loop_timer *t, void *arg)
{
	(void)l;
	(void)t;
	if (((struct cluster *)arg)->up)
		cl_nick_renew(arg);
}

/* Never up since start-up: Redis is down as far as we know. */
static void
cl_on_tell(struct loop *l, struct loop_timer *t, void *arg)
{
	(void)l;
	(void)t;
	if (!((struct cluster *)arg)->up) {
		cl_lost(arg);
		cl_waits_done(arg, UINT64_MAX);
	}
}

/* --- cluster.h --------------------------------------------------------- */

static int
cl_id_valid(const char *id)
{
	size_t n = strlen(id);

	return n > 0 && n <= CLUSTER_NODE_MAX &&
	    strspn(id,
		"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
		"0123456789._-") == n;
}

struct cluster *
cluster_new(struct server *srv, const char **cause)
{
	char host[CLUSTER_NODE_MAX + 1];
	struct cluster *c;

	if ((c = calloc(1, sizeof *c)) == NULL) {
		*cause = "out of memory";
		return NULL;
	}
	c->srv = srv;
	c->chat = &srv->chat;
	c->loop = srv->loop;
	c->required = srv->cfg.cluster_required;
	c->inc = chat_clock_ms();
	TAILQ_INIT(&c->out);
	TAILQ_INIT(&c->inflight);
	TAILQ_INIT(&c->verdicts);
	TAILQ_INIT(&c->losses);
	TAILQ_INIT(&c->nodes);
	hmap_init(&c->ghosts);
	if (srv->cfg.node_id != NULL)
		snprintf(c->id, sizeof c->id, "%s", srv->cfg.node_id);
	else {
		if (gethostname(host, sizeof host) == -1)
			snprintf(host, sizeof host, "chatd");
		host[sizeof host - 1] = '\0';
		host[strcspn(host, ".")] = '\0';
		snprintf(
		    c->id, sizeof c->id, "%.40s-%ld", host, (long)getpid());
	}
	if (!cl_id_valid(c->id)) {
		*cause = "a node id is 1 to 64 of A-Z a-z 0-9 . _ -";
		free(c);
		return NULL;
	}
	if ((c->cmd = rlink_new(c->loop, srv->cfg.cluster_url, RLINK_COMMANDS,
		 NULL, cl_on_state, c, cause)) == NULL ||
	    (c->sub = rlink_new(c->loop, srv->cfg.cluster_url, RLINK_SUBSCRIBER,
		 NULL, cl_on_state, c, cause)) == NULL ||
	    rlink_subscribe(c->sub, CL_CHANNEL, cl_on_message, c) == -1 ||
	    (snprintf(
		 c->sync_chan, sizeof c->sync_chan, "chatd:sync:{%s}", c->id),
		rlink_subscribe(c->sub, c->sync_chan, cl_on_sync, c)) == -1) {
		if (c->sub != NULL)
			*cause = strerror(errno);
		rlink_free(c->sub);
		rlink_free(c->cmd);
		free(c);
		return NULL;
	}
	loop_timer_start(
	    c->loop, &c->beat, CL_HEARTBEAT_MS, CL_HEARTBEAT_MS, cl_on_beat, c);
	loop_timer_start(
	    c->loop, &c->renew, CL_RENEW_MS, CL_RENEW_MS, cl_on_renew, c);
	loop_timer_start(c->loop, &c->tell, CL_TELL_MS, 0, cl_on_tell, c);
	log_info("cluster: node %s, Redis at %s", c->id, srv->cfg.cluster_url);
	return c;
}

struct history *
cluster_history(struct cluster *c, size_t per_room)
{
	struct history *h = history_redis_new(c->loop, c->cmd, per_room);

	if (h != NULL)
		history_redis_share(h);
	return h;
}

/*
 * Every node mints msgids, and a msgid must name one event in the whole
 * cluster: the prefix is the start time in seconds (7 base-36 digits)
 * and two digits from the node's id and pid, so nodes started in the
 * same second still differ (but for one chance in 1,296 when their names
 * hash alike; the history then refuses the second of two equal msgids).
 */
static void
cl_msgid_prefix(struct cluster *c)
{
	static const char b36[] = "0123456789abcdefghijklmnopqrstuvwxyz";
	uint32_t h = text_casehash(c->id) ^ (uint32_t)getpid() * 2654435761u;
	int64_t t = c->inc / 1000;
	char *p = c->chat->msgid_prefix;
	int i;

	for (i = CHAT_MSGID_PREFIX - 3; i >= 0; i--, t /= 36)
		p[i] = b36[t % 36];
	p[CHAT_MSGID_PREFIX - 2] = b36[h % 36];
	p[CHAT_MSGID_PREFIX - 1] = b36[h / 36 % 36];
}

void
cluster_attach(struct cluster *c)
{
	cl_msgid_prefix(c);
	chat_set_mirror(c->chat, &cl_mirror, c);
}

void
cluster_stop(struct cluster *c)
{
	char key[CLUSTER_NODE_MAX + 32];
	struct buf b;

	if (c->gone)
		return;
	cl_body(&b, CL_BYE);
	cl_publish(c, &b, NULL, 1);
	/* No longer present: nobody waits for this node's state. */
	if (c->up) {
		snprintf(key, sizeof key, "chatd:node:{%s}", c->id);
		(void)rlink_command(c->cmd, cl_on_presence, c, "DEL %s", key);
		(void)rlink_command(c->cmd, cl_on_presence, c, "ZREM %s %s",
		    CL_NODES_KEY, c->id);
	}
	c->gone = 1;
}

int
cluster_busy(const struct cluster *c)
{
	return c->up && rlink_pending(c->cmd) > 0;
}

void
cluster_free(struct cluster *c)
{
	struct cl_msg *m;
	struct cl_loss *l;
	struct cl_verdict *v;
	struct cl_wait *w;

	if (c == NULL)
		return;
	c->gone = 1;
	loop_timer_stop(c->loop, &c->beat);
	loop_timer_stop(c->loop, &c->renew);
	loop_timer_stop(c->loop, &c->tell);
	cl_settled(c);
	chat_set_mirror(c->chat, NULL, NULL);
	rlink_free(c->sub);
	rlink_free(c->cmd);
	while ((m = TAILQ_FIRST(&c->out)) != NULL) {
		TAILQ_REMOVE(&c->out, m, entry);
		free(m);
	}
	while ((m = TAILQ_FIRST(&c->inflight)) != NULL) {
		TAILQ_REMOVE(&c->inflight, m, entry);
		free(m);
	}
	while ((w = c->wfirst) != NULL) {
		c->wfirst = w->next;
		free(w);
	}
	while ((v = TAILQ_FIRST(&c->verdicts)) != NULL) {
		TAILQ_REMOVE(&c->verdicts, v, entry);
		free(v);
	}
	while ((l = TAILQ_FIRST(&c->losses)) != NULL) {
		TAILQ_REMOVE(&c->losses, l, entry);
		free(l);
	}
	cl_nodes_free(c);
	hmap_free(&c->ghosts);
	free(c);
}

int
cluster_refusing(const struct cluster *c)
{
	return c->required && c->told;
}

void
cluster_stats(const struct cluster *c, struct cluster_stats *st)
{
	struct cl_node *n;

	*st = c->st;
	st->up = c->up;
	st->buffered = c->waiting;
	st->nodes = st->remote = 0;
	TAILQ_FOREACH(n, &c->nodes, entry) {
		st->nodes++;
		st->remote += n->nghosts;
	}
}

const char *
cluster_node_id(const struct cluster *c)
{
	return c->id;
}

struct user *
cl_local_user(struct cluster *c, const char *nick, uint64_t uid)
{
	struct user *u = chat_nick_holder(c->chat, nick);

	return u != NULL && u->remote == NULL && u->id == uid && !u->gone ?
	    u :
	    NULL;
}
