/* redis_cluster.c: a chatd cluster (Redis and chatd nodes) for the tests. */
#define _DEFAULT_SOURCE
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <hiredis/hiredis.h>

#include <check.h>

#include "ircc.h"
#include "redis_cluster.h"

static const char *const cl_ids[CL_MAX] = { "a", "b", "c" };

int
cl_start(struct cl *cl, const char *test, int n, const char *const *extra)
{
	const char *self;
	int i, k = 0;

	ck_assert(n >= 1 && n <= CL_MAX);
	memset(cl, 0, sizeof *cl);
	cl->n = n;
	for (; extra != NULL && extra[k] != NULL; k++) {
		ck_assert(k < CL_EXTRA_MAX);
		cl->extra[k] = extra[k];
	}
	cl->extra[k] = NULL;
	if (!redis_srv_available(test))
		return 0;
	ck_assert_msg(redis_srv_start(&cl->redis, NULL) == 0,
	    "%s: redis-server did not start", test);
	for (i = 0; i < n; i++)
		cl->logs[i] = &cl->node[i];
	irc_log_servers(cl->logs, n);
	if ((self = getenv(CL_SELFTEST)) != NULL && strcmp(self, "1") == 0) {
		cl->single = 1;
		irc_srv_start(&cl->node[0], cl->extra);
		return 1;
	}
	for (i = 0; i < n; i++)
		cl_node_start(cl, i);
	/* Each node has a command link and a subscriber link
	 * (docs/CLUSTER.md). Not reaching that is not a failure by itself:
	 * the users' checks that follow say what is wrong. */
	if (!cl_wait_clients(cl, 2 * n, 5000))
		fprintf(stderr, "%s: Redis has %d clients, not %d, after 5 s\n",
		    test, cl_redis_clients(cl), 2 * n);
	return 1;
}

void
cl_node_start(struct cl *cl, int i)
{
	const char *args[CL_EXTRA_MAX + 8];
	int k = 0, j;

	ck_assert(i >= 0 && i < cl->n);
	if (cl->single) {
		irc_srv_start(&cl->node[0], cl->extra);
		return;
	}
	args[k++] = "--cluster";
	args[k++] = cl->redis.url;
	args[k++] = "--node-id";
	args[k++] = cl_ids[i];
	for (j = 0; cl->extra[j] != NULL; j++)
		args[k++] = cl->extra[j];
	args[k] = NULL;
	irc_srv_start(&cl->node[i], args);
}

int
cl_port(const struct cl *cl, int i)
{
	return cl->node[cl->single ? 0 : i].port;
}

void
cl_node_kill(struct cl *cl, int i)
{
	int st;

	ck_assert(i >= 0 && i < CL_MAX);
	i = cl->single ? 0 : i;
	st = srv_stop(&cl->node[i], SIGKILL);
	ck_assert_msg(st == 128 + SIGKILL, "node %s: kill -9 gave status %d",
	    cl_ids[i], st);
	cl->node[i].pid = 0;
}

void
cl_node_stop(struct cl *cl, int i)
{
	int st;

	ck_assert(i >= 0 && i < CL_MAX);
	i = cl->single ? 0 : i;
	st = srv_stop(&cl->node[i], SIGTERM);
	if (st != 0)
		irc_fail_at(__FILE__, __LINE__,
		    "node %s: SIGTERM gave exit status %d", cl_ids[i], st);
	cl->node[i].pid = 0;
}

void
cl_stop(struct cl *cl)
{
	int i;

	for (i = 0; i < cl->n; i++)
		if (cl->node[i].pid > 0)
			cl_node_stop(cl, i);
	irc_log_servers(NULL, 0);
	redis_srv_stop(&cl->redis);
}

int
cl_redis_clients(struct cl *cl)
{
	struct timeval tv = { 1, 0 };
	redisContext *c;
	redisReply *r;
	const char *p;
	int n = -1;

	c = redisConnectWithTimeout("127.0.0.1", cl->redis.port, tv);
	if (c == NULL || c->err != 0) {
		if (c != NULL)
			redisFree(c);
		return -1;
	}
	redisSetTimeout(c, tv);
	r = redisCommand(c, "INFO clients");
	if (r != NULL && r->type == REDIS_REPLY_STRING &&
	    (p = strstr(r->str, "connected_clients:")) != NULL)
		n = atoi(p + strlen("connected_clients:")) - 1;
	if (r != NULL)
		freeReplyObject(r);
	redisFree(c);
	return n;
}

int
cl_wait_clients(struct cl *cl, int want, int ms)
{
	long end = harness_now_ms() + ms;

	if (cl->single)
		return 1;
	for (;;) {
		if (cl_redis_clients(cl) >= want)
			return 1;
		if (harness_now_ms() >= end)
			return 0;
		usleep(20000);
	}
}

long
cl_txt_wait(struct conn *c, const char *text, char *out, size_t len, int ms)
{
	long t0 = harness_now_ms();

	if (!conn_expect(c, text, out, len, ms))
		return -1;
	return harness_now_ms() - t0;
}
