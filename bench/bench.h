/* bench.h: chatbench's shared state: options, connections, tracking. */
#ifndef CHATBENCH_H
#define CHATBENCH_H

#include <poll.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"

/*
 * chatd: chatd's text protocol. redis: pub/sub, separate publishers.
 * irc: any IRC server (chatd's IRC side, ngIRCd, InspIRCd): NICK/USER,
 * JOIN, PRIVMSG. lines: bare lines, every line to every other client
 * (bin/chatceiling). mixed: one chatd room, even connections on plain text,
 * odd ones on IRC (JOIN #lobby), so every message crosses both protocols.
 * In all but redis the senders are among the clients.
 */
enum bench_target {
	BENCH_CHATD,
	BENCH_REDIS,
	BENCH_IRC,
	BENCH_LINES,
	BENCH_MIXED
};

/* Servers one run may spread its connections over (-p P1,P2,...). */
#define BENCH_MAX_PORTS 16

struct bench_opts {
	enum bench_target target;
	const char *host;
	const char *port; /* the first of ports */
	/* -p P1,P2,...: a cluster's nodes. Senders connect to the first,
	 * the other connections to ports[i % nports] (bench_conn_port). */
	char *ports[BENCH_MAX_PORTS];
	int nports;
	const char *channel;  /* Redis channel or IRC channel */
	int clients;          /* N: receivers */
	int senders;          /* S */
	long messages;        /* per sender */
	size_t size;          /* text bytes, no LF */
	long window;          /* in flight, globally */
	double stall_sec;     /* idle this long: stop */
	double setup_sec;     /* setup, at most */
	double settle_sec;    /* after setup, until no join for this long */
	double timeout_sec;   /* run, at most */
	int setup_batch;      /* connections set up at once */
	long server_pid;      /* its CPU time is measured; 0: none */
	const char *at_start; /* a shell command run as timing starts */
	const char *at_end;   /* ... and as it ends */
	int quiet;            /* RESULT line only */
};

const char *bench_target_name(enum bench_target);

/* Whether connection i speaks IRC: all of them for irc, the odd ones for
 * mixed. */
static inline int
bench_conn_irc(const struct bench_opts *o, int i)
{
	return o->target == BENCH_IRC || (o->target == BENCH_MIXED && (i & 1));
}

/* The port connection i uses: senders on the first server, the others
 * dealt out over all of them by index. */
const char *bench_conn_port(const struct bench_opts *, int i);

/* Whether the senders are receivers too (everything but Redis). */
static inline int
bench_senders_receive(const struct bench_opts *o)
{
	return o->target != BENCH_REDIS;
}

/*
 * Latency histogram in nanoseconds, log-linear: 2^HIST_SUB_BITS buckets
 * per power of two, so a percentile is within 1% of the true value.
 */
#define HIST_SUB_BITS 7
#define HIST_SUB      (1 << HIST_SUB_BITS)
#define HIST_BUCKETS  ((64 - HIST_SUB_BITS + 1) * HIST_SUB)

struct hist {
	uint64_t count[HIST_BUCKETS];
	uint64_t total;
	uint64_t max;
	uint64_t min;
};

void hist_add(struct hist *, uint64_t ns);
/* The value at quantile q (0..1), in nanoseconds; 0 when empty. */
uint64_t hist_quantile(const struct hist *, double q);

#define CONN_NICK_MAX 32

struct conn {
	int fd;         /* -1 once closed */
	int recv_id;    /* or -1 */
	int send_id;    /* or -1 */
	int ready;      /* welcomed/subscribed/joined/synced */
	int registered; /* IRC: 001 seen */
	int nick_try;   /* IRC: nicks refused so far */
	int dirty;      /* on b->dirty */
	struct buf in;  /* incomplete input */
	struct buf out; /* unwritten */
	char nick[CONN_NICK_MAX];
};

/* Things that went wrong, each counted and the first one kept in words. */
struct bench_errors {
	uint64_t dup;           /* twice, one receiver */
	uint64_t reorder;       /* older after newer */
	uint64_t echo;          /* back to its sender */
	uint64_t garbled;       /* bad token */
	uint64_t misattributed; /* wrong <nick> */
	uint64_t server_errors; /* error replies */
	uint64_t quits;         /* "has quit" in run */
	uint64_t disconnects;   /* closed on us */
	uint64_t short_publish; /* reached < N */
	char first[256];        /* the first, in words */
};

struct bench {
	struct bench_opts *o;
	int nconns;
	struct conn *conns;
	int epfd;            /* every connection's socket, by index */
	struct pollfd *pfds; /* fd and interest (POLLIN, POLLOUT) */
	int nrecv;
	int *dirty; /* conns with output */
	int ndirty;
	uint32_t expect; /* deliveries per message */
	long total;      /* messages to send: S * M */

	/* Tracking, per message (sender * M + seq) and per receiver. */
	uint16_t *count; /* receivers so far */
	uint8_t *seen;   /* (receiver, message) */
	int64_t *last;   /* (receiver, sender) */
	long *next_seq;  /* per sender */
	int rr;          /* next sender to try */
	long sent;
	long inflight;
	long completed;
	uint64_t deliveries; /* distinct, during the run */

	/* Setup progress. */
	long welcomes;   /* chatd */
	long joins;      /* chatd, IRC: other clients' joins */
	long subscribed; /* Redis */
	long registered; /* IRC: 001 */
	long joined;     /* IRC: 366 for the channel */
	long synced;     /* lines: got a sync line */
	int running;     /* the clock is on */

	int64_t t_setup;
	int64_t t_start;
	int64_t t_end;
	int64_t t_progress; /* last new delivery */
	double cpu_start;   /* stats_cpu() at t_start */
	/* The server's CPU ticks (--server-pid) at t_start and at the end. */
	int srv_ok;
	uint64_t srv_user[2], srv_sys[2];
	struct hist hist;
	struct bench_errors err;
};

int64_t bench_now(void);
/* Record an error of one kind; the first one is kept as text. */
void bench_note(struct bench *, const char *, ...)
    __attribute__((format(printf, 2, 3)));

/* run.c: connections, the epoll loop, the window. bench_setup: 0 when every
 * connection is ready, or -1 with the reason printed. bench_run: measure,
 * report, and return the exit status (0: all delivered, 1: not). */
int bench_setup(struct bench *);
int bench_run(struct bench *);
void bench_close(struct bench *);

/* wire.c: what goes on the wire and what comes back. */
/* Queue message seq of sender on conn c (chatd line, Redis PUBLISH, IRC
 * PRIVMSG or a bare line). */
int wire_queue_message(
    struct bench *, struct conn *, int sender, long seq, int64_t now);
/* Queue what a new connection says first (SUBSCRIBE for Redis, NICK and
 * USER for IRC). */
int wire_queue_hello(struct bench *, struct conn *);
/* One delivered message text on receiving conn c; nick is the sender's
 * name as the server showed it, or NULL when the protocol has none. */
void wire_deliver(struct bench *, struct conn *c, const char *text, size_t len,
    const char *nick, size_t nicklen, int64_t now);
/* Handle bytes read on c; returns how many were consumed (complete lines
 * or replies), or -1 on a protocol error (the connection is useless). */
long wire_input(struct bench *, struct conn *, char *, size_t, int64_t now);

/* wire_irc.c: IRC and bare lines. Same contracts as wire_input. */
int irc_queue_hello(struct bench *, struct conn *);
long irc_input(struct bench *, struct conn *, char *, size_t, int64_t now);
long lines_input(struct bench *, struct conn *, char *, size_t, int64_t now);
/* Queue the line that tells a lines client it is being fanned out to. */
int lines_queue_sync(struct conn *);

/* stats.c: deliveries and the report. */
/* Count one delivery of message seq of sender to receiving conn rc, sent
 * at ts (CLOCK_MONOTONIC ns) and read at now. */
void stats_deliver(struct bench *, struct conn *rc, int sender, long seq,
    int64_t ts, int64_t now);
int stats_init(struct bench *);
double stats_cpu(void);
/* Process pid's user and system CPU time so far, in clock ticks
 * (/proc/PID/stat); -1 when it cannot be read. */
int stats_proc_cpu(long pid, uint64_t *user, uint64_t *sys);
void stats_free(struct bench *);
/* Print the report and the RESULT line; returns the exit status. */
int stats_report(struct bench *, const char *status);

#endif
