/*
 * redis_cluster_nick.c: nick leases (cluster-v1.md §4). A local user's
 * nick is the key chatd:nick:{NICK} (lowercased), holding "NODE INC UID",
 * with a TTL of CL_LEASE_MS that this node renews every CL_RENEW_MS while
 * the link is up: a node that dies stops renewing, and its users' nicks
 * are free again once their leases lapse. A renewal also makes the key
 * again after Redis restarted empty.
 *
 * The nick table of every node holds every node's users, so a nick in
 * use anywhere is refused at once, locally. The lease settles the rest:
 * two nodes giving one nick in the same instant, or while split. The
 * first to hold the key keeps the nick; a local user that finds it held
 * by a live node becomes a guest and is told why.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hiredis/hiredis.h>

#include "log.h"
#include "redis_cluster_impl.h"
#include "redis_link.h"
#include "redis_url.h"

static const char cl_claim_lua[] =
    "local v = redis.call('GET', KEYS[1])\n"
    "if v == false or v == ARGV[1] then\n"
    "  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])\n"
    "  return 1\n"
    "end\n"
    "return v\n";

static const char cl_release_lua[] =
    "if redis.call('GET', KEYS[1]) == ARGV[1] then\n"
    "  return redis.call('DEL', KEYS[1])\n"
    "end\n"
    "return 0\n";

struct cl_claim {
	struct cluster *c;
	uint64_t uid;
	char nick[CHAT_NICK_MAX + 1];
};

#define CL_KEY_MAX (CHAT_NICK_MAX * 3 + 32)

static void
cl_nick_key(const char *nick, char *key)
{
	char part[CHAT_NICK_MAX * 3 + 1];

	redis_key_part(nick, part);
	snprintf(key, CL_KEY_MAX, "chatd:nick:{%s}", part);
}

static void
cl_nick_value(const struct cluster *c, uint64_t uid, char *v, size_t size)
{
	snprintf(v, size, "%s %" PRId64 " %" PRIu64, c->id, c->inc, uid);
}

/* The nick is another live node's: our user takes a guest nick. */
static void
cl_nick_lose(struct cluster *c, struct user *u)
{
	char msgid[CHAT_MSGID_MAX + 1], old[CHAT_NICK_MAX + 1];
	char guest[CHAT_NICK_MAX + 1];
	struct ev ev;

	snprintf(old, sizeof old, "%s", u->nick);
	do
		snprintf(guest, sizeof guest, CHAT_GUEST_PREFIX "%u",
		    ++c->chat->next_guest);
	while (chat_nick_holder(c->chat, guest) != NULL);
	if (chat_nick(c->chat, u, guest) != 0)
		return;
	c->st.nick_clashes++;
	log_warn("cluster: the nick %s of client %u is held on another node: "
		 "it is now %s",
	    old, u->id, guest);
	chat_ev_init(c->chat, &ev, EV_REPLY, msgid);
	ev.code = R_NICK_SPLIT;
	ev.nick = old;
	ev.target = u->nick;
	cl_tell_user(c, u, &ev);
}

static void
cl_on_claimed(void *arg, const struct redisReply *r, const char *err)
{
	struct cl_claim *cl = arg;
	struct cluster *c = cl->c;
	char id[CLUSTER_NODE_MAX + 1];
	unsigned long long uid;
	long long inc;
	struct user *u;

	/* No answer: the next renewal asks again. */
	if (err == NULL && r != NULL && r->type == REDIS_REPLY_STRING &&
	    !c->gone && sscanf(r->str, "%64s %lld %llu", id, &inc, &uid) == 3 &&
	    cl_node_alive(c, id, inc) &&
	    (u = cl_local_user(c, cl->nick, cl->uid)) != NULL && u->visible)
		cl_nick_lose(c, u);
	/* Held by a node that is gone: its lease lapses soon, and a
	 * renewal takes the nick then. */
	free(cl);
}

void
cl_nick_claim(struct cluster *c, struct user *u)
{
	char key[CL_KEY_MAX], val[CLUSTER_NODE_MAX + 48], ttl[16];
	struct cl_claim *cl;

	if (!c->up || c->gone || !u->held ||
	    (cl = calloc(1, sizeof *cl)) == NULL)
		return;
	cl->c = c;
	cl->uid = u->id;
	snprintf(cl->nick, sizeof cl->nick, "%s", u->nick);
	cl_nick_key(u->nick, key);
	cl_nick_value(c, u->id, val, sizeof val);
	snprintf(ttl, sizeof ttl, "%d", CL_LEASE_MS);
	if (rlink_command(c->cmd, cl_on_claimed, cl, "EVAL %s 1 %s %s %s",
		cl_claim_lua, key, val, ttl) == -1)
		free(cl);
}

static void
cl_on_released(void *arg, const struct redisReply *r, const char *err)
{
	(void)arg;
	(void)r;
	(void)err;
}

void
cl_nick_release(struct cluster *c, const char *nick, uint64_t uid)
{
	char key[CL_KEY_MAX], val[CLUSTER_NODE_MAX + 48];

	if (!c->up || nick[0] == '\0')
		return;
	cl_nick_key(nick, key);
	cl_nick_value(c, uid, val, sizeof val);
	(void)rlink_command(c->cmd, cl_on_released, NULL, "EVAL %s 1 %s %s",
	    cl_release_lua, key, val);
}

void
cl_nick_renew(struct cluster *c)
{
	struct user *u;

	TAILQ_FOREACH(u, &c->chat->users, entry)
		if (u->remote == NULL && u->visible && !u->gone)
			cl_nick_claim(c, u);
}
