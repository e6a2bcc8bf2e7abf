/*
 * redis_cluster_impl.h: what the cluster's files share: redis_cluster.c
 * (links, publishing, timers, what users are told), redis_cluster_in.c
 * (what the other nodes said, done again here), redis_cluster_nick.c
 * (nick leases) and redis_cluster_wire.c (the messages' bytes). Nothing
 * else includes it.
 */
#ifndef CHATD_REDIS_CLUSTER_IMPL_H
#define CHATD_REDIS_CLUSTER_IMPL_H

#include <sys/queue.h>

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "chat.h"
#include "cluster.h"
#include "hmap.h"
#include "loop.h"

struct rlink;

#define CL_CHANNEL      "chatd:events"
#define CL_MAGIC        "chatd1"
#define CL_HEARTBEAT_MS 1000 /* a node says it lives, and renews presence */
#define CL_NODE_LOST_MS 5000 /* silent this long while the link is up: gone */
#define CL_PRESENCE_MS  6000 /* chatd:node:{ID}'s TTL */
#define CL_LEASE_MS     6000 /* a nick lease's TTL */
#define CL_RENEW_MS     2000 /* between renewals of every lease */
#define CL_TELL_MS      3000 /* the link down this long: users are told */
#define CL_BUFFER_MAX   (1024 * 1024) /* room messages kept while down */
#define CL_SYNC_MS      1000 /* at most one SYNC asked of a node per this */
#define CL_HOLD_MS      3000 /* users' events wait for deaf nodes at most */
#define CL_NODES_KEY    "chatd:{nodes}" /* zset: node id -> last beat */
#define CL_SETTLE_MS    2000            /* at most, for the live nodes' state */
#define CL_GUEST_KEY    "chatd:{guests}"
#define CL_GUEST_BLOCK  100 /* guest numbers taken at once */
#define CL_GUEST_LOW    20  /* take the next block below this many left */

/* Kinds of message, the first field after the header. */
enum cl_kind {
	CL_HELLO, /* a node (re)joined: everyone answers with its state */
	CL_BYE,   /* a node stops (its users' quits came before) */
	CL_HB,    /* heartbeat */
	CL_SYNC,  /* node: send your state again */
	CL_SB,    /* state begin */
	CL_SU,    /* state: one user, its rooms */
	CL_ST,    /* state: one room's topic */
	CL_SE,    /* state end: who was not in it is gone */
	CL_ENTER, /* a user came in: as CL_SU */
	CL_QUIT,
	CL_NICK,
	CL_AWAY,
	CL_JOIN,
	CL_PART,
	CL_TOPIC,
	CL_KICK,
	CL_MODE,
	CL_SAY,
	CL_TELL,
	CL_NKINDS
};

/* A message waiting for Redis's answer, or for the link (room messages). */
struct cl_msg {
	size_t len;
	int say; /* a room message: kept while the link is down */
	char room[CHAT_ROOM_MAX + 1];
	TAILQ_ENTRY(cl_msg) entry;
	char data[]; /* the body: everything after the header */
};
TAILQ_HEAD(cl_msg_list, cl_msg);

/* A command waiting until this node has heard what was published
 * before it (cluster_sync). */
struct cl_wait {
	unsigned id;
	uint64_t seq;
	cluster_sync_fn *fn;
	struct cl_wait *next;
};

/* What Redis said of a nick a command asked for (cluster_claim). */
struct cl_verdict {
	unsigned id; /* the user's */
	int ok;
	char nick[CHAT_NICK_MAX + 1];
	TAILQ_ENTRY(cl_verdict) entry;
};
TAILQ_HEAD(cl_verdict_list, cl_verdict);

/* Another node, as heard on the channel. */
struct cl_node {
	char id[CLUSTER_NODE_MAX + 1];
	int64_t inc; /* its incarnation: when it started, ms */
	int64_t seen_ms;
	int64_t sync_ms; /* when we last asked it for its state */
	int heard;       /* since our link came back */
	int stated;      /* its state dump came since our link came up */
	int sync_due;    /* and must again, when CL_SYNC_MS has passed */
	int dumping;     /* between its SB and SE */
	struct cl_ghost_list *ghosts;
	int nghosts;
	TAILQ_ENTRY(cl_node) entry;
};
TAILQ_HEAD(cl_node_list, cl_node);

/* A user of another node: the core's user->remote. */
struct cl_ghost {
	struct user *u;
	struct cl_node *node;
	uint64_t uid; /* its id on its node */
	int seen;     /* named in the node's state dump being read */
	struct hnode hn;
	TAILQ_ENTRY(cl_ghost) entry;
};
TAILQ_HEAD(cl_ghost_list, cl_ghost);

/* Rooms that lost messages while the link was down. */
struct cl_loss {
	char room[CHAT_ROOM_MAX + 1];
	uint64_t n;
	TAILQ_ENTRY(cl_loss) entry;
};
TAILQ_HEAD(cl_loss_list, cl_loss);

struct cluster {
	struct server *srv;
	struct chat *chat;
	struct loop *loop;
	struct rlink *cmd, *sub;
	char id[CLUSTER_NODE_MAX + 1];
	int64_t inc;
	int required;
	int up;      /* both links up, and the state sent */
	int told;    /* users were told the link is lost */
	int ever_up; /* linked once since start-up */
	int gone;    /* cluster_stop: publish nothing more */
	int64_t down_ms;
	struct cl_msg_list out;      /* users' events not sent yet, in order */
	struct cl_msg_list inflight; /* sent, answers awaited, in order */
	struct cl_msg *requeued;     /* the last put back by a failure */
	int holding;                 /* the link is back: see cl_hold_check */
	int64_t hold_until;
	size_t waiting; /* bytes of room messages not sent */
	struct cl_loss_list losses;
	struct cl_node_list nodes;
	struct hmap ghosts; /* by (node, uid) */
	unsigned next_ghost;
	struct loop_timer beat, renew, tell;
	unsigned guest_next, guest_end; /* [next, end] ours; 0: none */
	int guest_asking;
	struct cl_wait *wfirst, *wlast; /* cluster_sync, oldest first */
	uint64_t wdone;                 /* the latest sync heard back */
	/* Just linked: commands wait until every live node's state came
	 * (the ids in expect), or CL_SETTLE_MS. */
	int settling;
	char (*expect)[CLUSTER_NODE_MAX + 1];
	size_t nexpect;
	struct loop_timer settle;
	struct cl_verdict_list verdicts;
	uint64_t wseq;
	char sync_chan[CLUSTER_NODE_MAX + 16];
	struct cluster_stats st;
};

/* Wire: a message is the header (magic, node, incarnation) and a body
 * (kind, then its fields); each field is "LEN:" and LEN bytes. */
struct cl_rd {
	const char *p, *end;
	int bad;
};
void cl_put_str(struct buf *, const char *);
void cl_put_bin(struct buf *, const char *, size_t);
void cl_put_num(struct buf *, int64_t);
/* A field into out (size bytes with the NUL): bad when too long or
 * holding a NUL. */
void cl_get_str(struct cl_rd *, char *out, size_t size);
/* A field in place (not NUL-terminated). */
const char *cl_get_bin(struct cl_rd *, size_t *len);
int64_t cl_get_num(struct cl_rd *);
int cl_done(const struct cl_rd *); /* read it all, nothing bad */
const char *cl_kind_name(enum cl_kind);
int cl_kind_parse(struct cl_rd *);

/* redis_cluster.c */
void cl_publish(struct cluster *, struct buf *body, const char *room, int ctl);
void cl_hold_check(struct cluster *, int64_t now);
void cl_settle_check(struct cluster *);

/* redis_cluster_mirror.c */
extern const struct chat_mirror cl_mirror;
void cl_tell_all(struct cluster *, enum ev_code);
void cl_tell_losses(struct cluster *);

/* redis_cluster_sync.c */
void cl_waits_done(struct cluster *, uint64_t seq);
void cl_on_sync(void *arg, const char *chan, const char *data, size_t);
void cl_settled(struct cluster *);
void cl_settle_start(struct cluster *);
void cl_body(struct buf *, enum cl_kind);
void cl_put_user(struct buf *, const struct user *);
void cl_send_state(struct cluster *);
int cl_node_alive(const struct cluster *, const char *id, int64_t inc);
void cl_tell_user(struct cluster *, struct user *, struct ev *);
struct user *cl_local_user(struct cluster *, const char *nick, uint64_t uid);

/* redis_cluster_in.c */
void cl_on_message(void *arg, const char *chan, const char *data, size_t);
void cl_nodes_check(struct cluster *, int64_t now);
void cl_nodes_refresh(struct cluster *, int64_t now);
void cl_nodes_free(struct cluster *);

/* redis_cluster_nick.c */
void cl_nick_claim(struct cluster *, struct user *);
void cl_nick_release(struct cluster *, const char *nick, uint64_t uid);
void cl_nick_renew(struct cluster *);
unsigned cl_guest(void *arg);
int cl_nick_ok(void *arg, struct user *, const char *nick);
void cl_guest_refill(struct cluster *);

#endif
