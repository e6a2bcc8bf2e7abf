/*
 * redis_link_impl.h: what redis_link.c (the connection's life) and
 * redis_link_cmd.c (the commands and subscriptions that go over it) share.
 * Nothing else includes it.
 */
#ifndef CHATD_REDIS_LINK_IMPL_H
#define CHATD_REDIS_LINK_IMPL_H

#include <sys/queue.h>
#include <netinet/in.h>

#include <hiredis/hiredis.h>
#include <hiredis/async.h>

#include "loop.h"
#include "redis_link.h"
#include "redis_url.h"

#define ERR_DOWN      "cluster link down"
#define ERR_CLOSED    "cluster link closed"
#define ERR_LOST      "cluster link lost"
#define ERR_NOT_CMD   "not a command link"
#define ERR_SEND      "cannot send the command"
#define RLINK_WHY_MAX 256

enum rlink_state { RL_DOWN, RL_CONNECTING, RL_HANDSHAKE, RL_UP };

/* A command's callback, from rlink_command to its answer. */
struct rcmd {
	STAILQ_ENTRY(rcmd) entry; /* on link->failed */
	struct rlink *link;
	rlink_reply_fn *fn;
	void *arg;
	const char *err; /* a failed one's reason: a static string */
};

struct rsub {
	TAILQ_ENTRY(rsub) entry;
	rlink_message_fn *fn;
	void *arg;
	int pattern;
	char name[];
};

struct rlink {
	struct loop *loop;
	enum rlink_kind kind;
	struct redis_url url;
	char addr[INET6_ADDRSTRLEN]; /* url.host, resolved */
	char name[RLINK_WHY_MAX];    /* for the log: addr:port or the path */
	struct rlink_opts o;
	rlink_state_fn *state_fn;
	void *state_arg;

	redisAsyncContext *ac; /* NULL while DOWN */
	enum rlink_state state;
	int64_t backoff; /* before the next attempt */
	int probing;     /* a probe is out */
	size_t pending;  /* commands inside hiredis */
	int depth;       /* running the owner's callbacks */
	int closing;
	int reported_up;            /* what the owner was last told */
	unsigned gen, reported_gen; /* times up, and at the last report */
	char probe_chan[64];
	char why[RLINK_WHY_MAX];

	struct loop_timer retry, probe, deadline, flush;
	STAILQ_HEAD(, rcmd) failed;
	TAILQ_HEAD(, rsub) subs;
};

/* Why the link last failed (link->why), printf-style. */
void set_why(struct rlink *, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Give up on the connection (link->ac): its waiting commands fail with
 * why (inside a hiredis callback, as soon as it returns); retry later. */
void link_drop(struct rlink *, const char *why);
/* hiredis's reply callback for every command: privdata is the owner's
 * rcmd, or NULL for the link's own commands. */
void cmd_reply(redisAsyncContext *, void *reply, void *privdata);

/* Run the failure queue and report up or down on the loop's next turn. */
void link_kick(struct rlink *);
/* Queue c to fail with err (a static string). */
void fail_cmd(struct rlink *, struct rcmd *c, const char *err);
/* Call the queued failures' callbacks, oldest first. */
void flush_failed(struct rlink *);
/* SUBSCRIBE (on) or UNSUBSCRIBE s, if the connection is past its connect:
 * the handshake sends every subscription, so none made before is lost. */
void sub_send(struct rlink *, const struct rsub *s, int on);

#endif
