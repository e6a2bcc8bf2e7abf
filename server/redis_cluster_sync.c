/*
 * redis_cluster_sync.c: being in step (docs/CLUSTER.md): a command waits
 * until this node has heard what the cluster published before it
 * (cluster_sync, a message to itself through Redis), and a node just
 * linked waits for the state of every live node (settling).
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hiredis/hiredis.h>

#include "redis_cluster_impl.h"
#include "redis_link.h"

/* --- cluster_sync: a message to ourselves through Redis --------------- */

/* Everyone waiting for a sync up to seq goes on (all: seq UINT64_MAX). */
void
cl_waits_done(struct cluster *c, uint64_t seq)
{
	struct cl_wait *w;
	cluster_sync_fn *fn;
	unsigned id;

	if (seq > c->wdone)
		c->wdone = seq;
	/* Up: once in step. Down: nothing more will be heard. A command
	 * that goes on may wait again: it is off the list first. */
	while ((w = c->wfirst) != NULL &&
	    (!c->up || (w->seq <= c->wdone && !c->settling))) {
		if ((c->wfirst = w->next) == NULL)
			c->wlast = NULL;
		fn = w->fn;
		id = w->id;
		free(w);
		fn(c->srv, id);
	}
}

void
cl_on_sync(void *arg, const char *chan, const char *data, size_t len)
{
	char n[24];

	(void)chan;
	snprintf(n, sizeof n, "%.*s", (int)(len < 23 ? len : 23), data);
	cl_waits_done(arg, strtoull(n, NULL, 10));
}

static void
cl_on_sync_sent(void *arg, const struct redisReply *r, const char *err)
{
	(void)arg;
	(void)r;
	(void)err; /* a failure is the link going down: cl_on_state */
}

static void
cl_wait_add(struct cluster *c, struct cl_wait *w)
{
	w->next = NULL;
	if (c->wlast != NULL)
		c->wlast->next = w;
	else
		c->wfirst = w;
	c->wlast = w;
}

int
cluster_sync(struct cluster *c, unsigned id, cluster_sync_fn *fn)
{
	char seq[24];
	struct cl_wait *w;

	/* Not linked yet since start-up: wait for the link (at most until
	 * users are told it is lost). */
	if ((!c->up && (c->told || c->ever_up)) || c->gone ||
	    (w = calloc(1, sizeof *w)) == NULL)
		return -1;
	w->id = id;
	w->fn = fn;
	if (!c->up) {
		cl_wait_add(c, w);
		return 0;
	}
	w->seq = ++c->wseq;
	snprintf(seq, sizeof seq, "%" PRIu64, w->seq);
	if (rlink_command(c->cmd, cl_on_sync_sent, c, "PUBLISH %s %s",
		c->sync_chan, seq) == -1) {
		free(w);
		return -1;
	}
	cl_wait_add(c, w);
	return 0;
}

void
cluster_flush(struct cluster *c)
{
	rlink_flush(c->cmd);
}

/* --- settling: just linked, the live nodes' state is on its way --------- */

void
cl_settled(struct cluster *c)
{
	c->settling = 0;
	free(c->expect);
	c->expect = NULL;
	c->nexpect = 0;
	loop_timer_stop(c->loop, &c->settle);
}

/* Every node that lives by the index has sent its state: commands go. */
void
cl_settle_check(struct cluster *c)
{
	struct cl_node *n;
	size_t i;

	if (!c->settling || c->expect == NULL)
		return;
	for (i = 0; i < c->nexpect; i++) {
		TAILQ_FOREACH(n, &c->nodes, entry)
			if (strcmp(n->id, c->expect[i]) == 0 && n->stated)
				break;
		if (n == NULL)
			return;
	}
	cl_settled(c);
	cl_waits_done(c, 0);
}

static void
cl_on_settle(struct loop *l, struct loop_timer *t, void *arg)
{
	(void)l;
	(void)t;
	cl_settled(arg);
	cl_waits_done(arg, 0);
}

/* The live nodes, from the index their heartbeats keep. */
static void
cl_on_nodes(void *arg, const struct redisReply *r, const char *err)
{
	struct cluster *c = arg;
	size_t i, n = 0;

	if (!c->settling)
		return;
	if (err != NULL || r == NULL || r->type != REDIS_REPLY_ARRAY ||
	    (c->expect = calloc(r->elements + 1, sizeof *c->expect)) == NULL) {
		cl_on_settle(c->loop, &c->settle, c);
		return;
	}
	for (i = 0; i < r->elements; i++)
		if (r->element[i]->type == REDIS_REPLY_STRING &&
		    r->element[i]->len <= CLUSTER_NODE_MAX &&
		    strcmp(r->element[i]->str, c->id) != 0)
			snprintf(c->expect[n++], sizeof c->expect[0], "%s",
			    r->element[i]->str);
	c->nexpect = n;
	cl_settle_check(c);
}

void
cl_settle_start(struct cluster *c)
{
	char since[24];

	free(c->expect);
	c->expect = NULL;
	c->nexpect = 0;
	c->settling = 1;
	loop_timer_start(c->loop, &c->settle, CL_SETTLE_MS, 0, cl_on_settle, c);
	snprintf(
	    since, sizeof since, "%" PRId64, chat_clock_ms() - CL_NODE_LOST_MS);
	if (rlink_command(c->cmd, cl_on_nodes, c, "ZRANGEBYSCORE %s %s +inf",
		CL_NODES_KEY, since) == -1)
		cl_on_settle(c->loop, &c->settle, c);
}
