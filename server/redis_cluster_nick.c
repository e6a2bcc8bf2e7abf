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
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hiredis/hiredis.h>

#include "log.h"
#include "redis_cluster_impl.h"
#include "redis_link.h"
#include "redis_url.h"
#include "text.h"

/*
 * KEYS[1] the nick's key; ARGV: our prefix "NODE INC UID ", the TTL, when
 * our user took the nick. The lease is ours when free, ours already (its
 * time is kept), or held by a later claim (two nodes gave the nick while
 * split: the first keeps it): 1; else the holder's value.
 */
static const char cl_claim_lua[] =
    "local v = redis.call('GET', KEYS[1])\n"
    "if v and string.sub(v, 1, #ARGV[1]) == ARGV[1] then\n"
    "  redis.call('PEXPIRE', KEYS[1], ARGV[2])\n"
    "  return 1\n"
    "end\n"
    "local t = v and tonumber(string.match(v, ' (%d+)$'))\n"
    "if v == false or (t and tonumber(ARGV[3]) < t) then\n"
    "  redis.call('SET', KEYS[1], ARGV[1] .. ARGV[3], 'PX', ARGV[2])\n"
    "  return 1\n"
    "end\n"
    "return v\n";

/* KEYS[1] the nick's key; ARGV[1] "NODE INC UID ": ours, whenever taken. */
static const char cl_release_lua[] =
    "local v = redis.call('GET', KEYS[1])\n"
    "if v and string.sub(v, 1, #ARGV[1]) == ARGV[1] then\n"
    "  return redis.call('DEL', KEYS[1])\n"
    "end\n"
    "return 0\n";

struct cl_claim {
	struct cluster *c;
	uint64_t uid;
	char nick[CHAT_NICK_MAX + 1];
	cluster_sync_fn *fn; /* cluster_claim: a command waits for this */
};

#define CL_KEY_MAX (CHAT_NICK_MAX * 3 + 32)

static void
cl_nick_key(const char *nick, char *key)
{
	char part[CHAT_NICK_MAX * 3 + 1];

	redis_key_part(nick, part);
	snprintf(key, CL_KEY_MAX, "chatd:nick:{%s}", part);
}

/* "NODE INCARNATION UID ": the lease's value is this and the time. */
static void
cl_nick_prefix(const struct cluster *c, uint64_t uid, char *v, size_t size)
{
	snprintf(v, size, "%s %" PRId64 " %" PRIu64 " ", c->id, c->inc, uid);
}

/* The nick is another live node's: our user takes a guest nick. */
static void
cl_nick_lose(struct cluster *c, struct user *u)
{
	char msgid[CHAT_MSGID_MAX + 1], old[CHAT_NICK_MAX + 1];
	char guest[CHAT_NICK_MAX + 1];
	struct ev ev;

	snprintf(old, sizeof old, "%s", u->nick);
	chat_guest_name(c->chat, guest);
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

/* The answer held by another live node (a node that is gone is no
 * clash: its lease lapses soon and a renewal takes the nick then). */
static int
cl_clash(struct cluster *c, const struct redisReply *r, const char *err)
{
	char id[CLUSTER_NODE_MAX + 1];
	unsigned long long uid;
	long long inc;

	return err == NULL && r != NULL && r->type == REDIS_REPLY_STRING &&
	    !c->gone && sscanf(r->str, "%64s %lld %llu", id, &inc, &uid) == 3 &&
	    cl_node_alive(c, id, inc);
}

static void
cl_on_claimed(void *arg, const struct redisReply *r, const char *err)
{
	struct cl_claim *cl = arg;
	struct cluster *c = cl->c;
	struct cl_verdict *v;
	struct user *u;

	if (cl->fn != NULL) {
		/* A command asked before taking it: it hears the answer
		 * (no answer, the link going: it goes on as if alone). */
		if ((v = calloc(1, sizeof *v)) != NULL) {
			v->id = (unsigned)cl->uid;
			v->ok = !cl_clash(c, r, err);
			snprintf(v->nick, sizeof v->nick, "%s", cl->nick);
			TAILQ_INSERT_TAIL(&c->verdicts, v, entry);
		}
		cl->fn(c->srv, (unsigned)cl->uid);
	} else if (cl_clash(c, r, err) &&
	    (u = cl_local_user(c, cl->nick, cl->uid)) != NULL && u->visible)
		cl_nick_lose(c, u);
	free(cl);
}

static int
cl_claim_send(struct cluster *c, uint64_t uid, const char *nick, int64_t since,
    cluster_sync_fn *fn)
{
	char key[CL_KEY_MAX], val[CLUSTER_NODE_MAX + 48], ttl[16], t[24];
	struct cl_claim *cl;

	if (!c->up || c->gone || (cl = calloc(1, sizeof *cl)) == NULL)
		return -1;
	cl->c = c;
	cl->uid = uid;
	cl->fn = fn;
	snprintf(cl->nick, sizeof cl->nick, "%s", nick);
	cl_nick_key(nick, key);
	cl_nick_prefix(c, uid, val, sizeof val);
	snprintf(ttl, sizeof ttl, "%d", CL_LEASE_MS);
	snprintf(t, sizeof t, "%" PRId64, since);
	if (rlink_command(c->cmd, cl_on_claimed, cl, "EVAL %s 1 %s %s %s %s",
		cl_claim_lua, key, val, ttl, t) == -1) {
		free(cl);
		return -1;
	}
	return 0;
}

void
cl_nick_claim(struct cluster *c, struct user *u)
{
	if (u->held)
		(void)cl_claim_send(c, u->id, u->nick, u->nick_ms, NULL);
}

int
cluster_claim(
    struct cluster *c, unsigned id, const char *nick, cluster_sync_fn *fn)
{
	return cl_claim_send(c, id, nick, chat_clock_ms(), fn);
}

/* The command that asked is done: a lease it got and did not use (the
 * change failed after all) is given back. */
void
cluster_claim_done(struct cluster *c, unsigned id)
{
	struct cl_verdict *v, *next;
	struct user *u;

	for (v = TAILQ_FIRST(&c->verdicts); v != NULL; v = next) {
		next = TAILQ_NEXT(v, entry);
		if (v->id != id)
			continue;
		TAILQ_REMOVE(&c->verdicts, v, entry);
		if (v->ok &&
		    ((u = chat_nick_holder(c->chat, v->nick)) == NULL ||
			u->remote != NULL || u->id != id))
			cl_nick_release(c, v->nick, id);
		free(v);
	}
}

/* chat_mirror's nick_ok: what Redis said of a nick a command asked for. */
int
cl_nick_ok(void *arg, struct user *u, const char *nick)
{
	struct cluster *c = arg;
	struct cl_verdict *v;

	TAILQ_FOREACH(v, &c->verdicts, entry)
		if (v->id == u->id && text_casecmp(v->nick, nick) == 0)
			return v->ok;
	return 1;
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
	cl_nick_prefix(c, uid, val, sizeof val);
	(void)rlink_command(c->cmd, cl_on_released, NULL, "EVAL %s 1 %s %s",
	    cl_release_lua, key, val);
}

/* Guest numbers: blocks of CL_GUEST_BLOCK from one counter in Redis, so
 * that two nodes never hand out the same guest nick, and numbers grow
 * as on one server. Without a block (Redis down) the core counts. */
static void
cl_on_guests(void *arg, const struct redisReply *r, const char *err)
{
	struct cluster *c = arg;

	c->guest_asking = 0;
	if (err != NULL || r == NULL || r->type != REDIS_REPLY_INTEGER ||
	    r->integer < CL_GUEST_BLOCK || r->integer > (long long)UINT_MAX)
		return;
	c->guest_end = (unsigned)r->integer;
	c->guest_next = c->guest_end - CL_GUEST_BLOCK + 1;
}

void
cl_guest_refill(struct cluster *c)
{
	if (c->guest_asking || !c->up || c->gone ||
	    (c->guest_next != 0 &&
		c->guest_end - c->guest_next >= CL_GUEST_LOW))
		return;
	if (rlink_command(c->cmd, cl_on_guests, c, "INCRBY %s %d", CL_GUEST_KEY,
		CL_GUEST_BLOCK) == 0)
		c->guest_asking = 1;
}

unsigned
cl_guest(void *arg)
{
	struct cluster *c = arg;
	unsigned n = 0;

	if (c->guest_next != 0 && c->guest_next <= c->guest_end)
		n = c->guest_next++;
	if (c->guest_next > c->guest_end)
		c->guest_next = c->guest_end = 0;
	cl_guest_refill(c);
	return n;
}

void
cl_nick_renew(struct cluster *c)
{
	struct user *u;

	TAILQ_FOREACH(u, &c->chat->users, entry)
		if (u->remote == NULL && u->visible && !u->gone)
			cl_nick_claim(c, u);
}
