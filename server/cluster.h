/*
 * cluster.h: several chatd nodes as one, through Redis (cluster-v1.md).
 * What the server sees of it; built only with CHATD_CLUSTER (hiredis).
 *
 * Each node keeps, in its own chat core, a copy of every user of the
 * other nodes (a "remote" user: user->remote is set, it has no
 * connection) with its rooms, and a room's members on every node. A
 * local user's action is published once on one channel; every other node
 * does the same action with its copy of the user, so its own users see
 * it as they see a local one, and every listing (/who, NAMES, WHOIS...)
 * covers the cluster without asking anybody. docs/CLUSTER.md says how.
 */
#ifndef CHATD_CLUSTER_H
#define CHATD_CLUSTER_H

#include <stddef.h>
#include <stdint.h>

struct server;
struct cluster;
struct history;

#define CLUSTER_NODE_MAX 64 /* bytes of a node id */

struct cluster_stats {
	int up;
	int nodes;             /* other nodes heard of */
	int remote;            /* their users */
	uint64_t published;    /* messages sent to Redis */
	uint64_t received;     /* messages from other nodes */
	uint64_t dropped;      /* room messages over the buffer while down */
	uint64_t lost;         /* other publications lost while down */
	size_t buffered;       /* bytes waiting for the link */
	uint64_t nodes_lost;   /* nodes that went silent */
	uint64_t nick_clashes; /* local users renamed: the nick was taken */
};

/*
 * Start the cluster for srv (cfg.cluster_url, cfg.node_id,
 * cfg.cluster_required): its two links to Redis begin connecting. Returns
 * NULL with *cause (a static string) for a bad URL or no memory; Redis
 * being down is not an error. Then cluster_history() is the history store
 * to give the chat core, and cluster_attach() hooks the core once it is
 * made.
 */
struct cluster *cluster_new(struct server *, const char **cause);
struct history *cluster_history(struct cluster *, size_t per_room);
void cluster_attach(struct cluster *);
/* Tell the others this node is going (its users quit first). */
void cluster_stop(struct cluster *);
/* Publications still waiting for Redis's answer (at shutdown). */
int cluster_busy(const struct cluster *);
void cluster_free(struct cluster *);

/* --cluster-required and Redis known to be down: refuse new users. */
int cluster_refusing(const struct cluster *);
void cluster_stats(const struct cluster *, struct cluster_stats *);
const char *cluster_node_id(const struct cluster *);

#endif
