/*
 * redis_cluster.h: a chatd cluster for the tests (cluster-v1.md): one real
 * redis-server and up to three real chatd nodes on free loopback ports,
 * each started with --cluster redis://127.0.0.1:PORT --node-id a, b, c.
 */
#ifndef TEST_REDIS_CLUSTER_H
#define TEST_REDIS_CLUSTER_H

#include <stddef.h>

#include "harness.h"
#include "redis_server.h"

#define CL_MAX       3  /* nodes */
#define CL_EXTRA_MAX 16 /* extra chatd arguments */

/* cluster-v1.md §3's bounds, in ms: link lost / restored told within 5 s,
 * a dead node's users gone within 10 s. Tests allow a second more (the
 * test's own clock starts before the fault is in place). */
#define CL_LINK_MS 5000
#define CL_NODE_MS 10000
#define CL_SLACK   1000

struct cl {
	struct redis_srv redis;
	int n;
	int single; /* CL_SELFTEST: every node is one chatd, no cluster */
	struct srv node[CL_MAX];
	struct srv *logs[CL_MAX]; /* for irc_log_servers */
	const char *extra[CL_EXTRA_MAX + 1];
};

/*
 * With CHATD_CLUSTER_SELFTEST=1 in the environment, cl_start starts one
 * chatd without --cluster (and Redis, unused) and every node index is it:
 * §2's checks must then pass as they are ("users must not be able to tell
 * a cluster from one server"), which checks the tests' own expectations
 * against the single server. Restarts and faults make no sense there.
 */
#define CL_SELFTEST "CHATD_CLUSTER_SELFTEST"

/*
 * Start redis-server and n nodes with extra (NULL-terminated, may be
 * NULL) after the cluster's arguments; wait (bounded) until Redis sees
 * each node's two links. Returns 0 when redis-server is missing (a SKIP
 * was printed, or under CI=true the test failed), else 1; fails the test
 * if anything does not start. Failures show every node's log.
 */
int cl_start(struct cl *, const char *test, int n, const char *const *extra);
/* Start node i (again, after it was stopped or killed), same arguments. */
void cl_node_start(struct cl *, int i);
/* Node i's TCP port (it changes when the node is started again). */
int cl_port(const struct cl *, int i);
/* kill -9 node i and reap it. */
void cl_node_kill(struct cl *, int i);
/* SIGTERM node i and want exit status 0. */
void cl_node_stop(struct cl *, int i);
/* Stop every node still running as cl_node_stop does, then Redis. */
void cl_stop(struct cl *);

/* Redis's connected_clients, less the connection asking; -1 on failure. */
int cl_redis_clients(struct cl *);
/* Wait up to ms until Redis has at least want clients; 1 if it did. */
int cl_wait_clients(struct cl *, int want, int ms);

/*
 * Read lines on c until one contains text, within ms; copies it into out
 * (if not NULL). Returns the ms it took, or -1 (timeout or EOF).
 */
long cl_txt_wait(
    struct conn *, const char *text, char *out, size_t len, int ms);

#endif
