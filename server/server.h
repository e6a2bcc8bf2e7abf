/* server.h: chatd as a whole: configuration, listeners, the parts and their wiring, statistics. */
#ifndef CHATD_SERVER_H
#define CHATD_SERVER_H

#include <stddef.h>
#include <stdint.h>

#include "chat.h"
#include "cluster.h"
#include "conn.h"
#include "event.h"
#include "fanout.h"
#include "hmap.h"
#include "loop.h"

struct config {
	const char *port;
	const char *bind; /* NULL: every interface, dual-stack */
	const char *unix_path;
	enum loop_backend io;
	int max_clients;
	size_t max_queue;
	size_t max_line;
	double rate; /* lines/s; 0: no flood control */
	double burst;
	int max_per_ip; /* 0: unlimited */
	char *password; /* NULL: none; the server keeps its own copy */
	const char *password_file; /* re-read on SIGHUP */
	int login_timeout;         /* seconds */
	size_t history;            /* events per room; 0: off */
	size_t replay;             /* shown to text users on joining */
	size_t history_memory;     /* all rooms together */
	int udp;                   /* the UDP timestamp service, same port */
	const char *irc_port;      /* NULL: no IRC-only listener */
	const char *server_name;   /* IRC's name of the server; NULL: chatd */
	char *motd;                /* IRC's message of the day; NULL: none */
	const char *cluster_url;   /* --cluster; NULL: a single server */
	const char *node_id;       /* NULL: hostname-pid */
	int cluster_required;      /* refuse users while Redis is down */
};

struct server_stats {
	uint64_t quits[EV_QUIT_NWHY];
	uint64_t rejected_full, rejected_ip;
	uint64_t text;       /* connections served in plain text */
	uint64_t irc;        /* connections served in IRC */
	uint64_t undetected; /* gone before their protocol was known */
};

/* The shared TCP listener, the Unix one, and --irc-port. */
#define SERVER_MAX_LISTENERS 3

/* What a new connection speaks. */
enum server_proto {
	SERVER_DETECT, /* the shared listeners: its first line says */
	SERVER_TEXT,
	SERVER_IRC /* --irc-port */
};

struct server {
	struct config cfg;
	struct loop *loop;
	struct conn_set conns;
	struct chat chat;
	struct fanout fanout;
	struct history *history;
	struct udp *udp;           /* NULL: no UDP service */
	struct cluster *cluster;   /* NULL: not in a cluster */
	const char *cluster_error; /* why the cluster could not start */

	int listeners[SERVER_MAX_LISTENERS];
	enum server_proto listener_proto[SERVER_MAX_LISTENERS];
	int nlisteners;
	int made_unix;      /* we created cfg.unix_path: remove it at the end */
	int spare_fd;       /* given up to accept on EMFILE */
	struct hmap addrs;  /* connections per address */
	int ndetecting;     /* connections whose protocol is not known yet */
	int nover;          /* of those, over a limit: refused once known */
	int64_t started_ms; /* wall clock, for IRC's 003 */

	struct loop_timer cron;
	struct loop_timer accept_pause;
	struct loop_timer shutdown;
	struct loop_timer tell; /* quits are waiting to be told */
	int stopping;
	int done;
	int trimmed; /* heap trimmed since the last client */
	struct server_stats stats;
};

/* Bytes the signal handler writes to the self-pipe. */
#define SERVER_SIG_STOP   1
#define SERVER_SIG_STATS  2
#define SERVER_SIG_RELOAD 3

/* State only, no sockets (server_init adds them): for tests and fuzzing.
 * Returns 0, or -1 with errno. Undo with server_free(). */
int server_setup(struct server *, const struct config *);
/* server_setup plus the listeners and the signal pipe; -1 and *cause on
 * failure (server_free still needed). */
int server_init(
    struct server *, const struct config *, int sig_fd, const char **cause);
/* Serve an accepted, non-blocking socket from addr in proto (tests use
 * socketpairs). NULL when it could not be taken (fd closed). */
struct conn *server_take(
    struct server *, int fd, const char *addr, enum server_proto);
/* The connections that are not users (yet): IRC's LUSERS "unknown". */
int server_unknown(const struct server *);
/* One pass: waiting lines, failures, what the network did told (the
 * pass runs inside chat_batch_begin/end; server_run opens the first),
 * writes. */
void server_pass(struct server *);
int server_run(struct server *);
void server_free(struct server *);
void server_stop(struct server *);
void server_log_stats(struct server *);
/* Re-read the password file (SIGHUP); on any failure the old password
 * stays, never none. */
void server_reload(struct server *);

/* A command line held back until the cluster caught up (server_hold). */
struct held_line {
	char *line; /* NULL: none */
	size_t len;
};
/*
 * In a cluster, a command must see what the other nodes did before it
 * was sent (a JOIN their users made just before): keep a copy of line in
 * *h, pause c, and call resume(srv, c->id) once this node has heard all
 * of it (cluster_sync); a nick change (nick not NULL) waits instead for
 * the nick's lease (cluster_claim), so two nodes never both give it.
 * Returns 1 when held (the caller stops there), 0 to go on now: no
 * cluster, the link down. After resume ran the line: server_held_done.
 */
int server_hold(struct server *, struct conn *c, struct held_line *h,
    const char *line, size_t len, const char *nick, cluster_sync_fn *resume);
void server_held_done(struct server *, struct conn *c);

/* server_ops.c, for server.c: connections per address (O(1)), and the
 * cluster's part of a pass (what it made leaves first; at shutdown,
 * whether the other nodes must still hear something). */
int server_addr_count(struct server *, const char *addr);
int server_addr_add(struct server *, const char *addr);
void server_addr_drop(struct server *, const char *addr);
void server_cluster_flush(struct server *);
int server_cluster_busy(const struct server *);

#endif
