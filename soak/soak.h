/* soak.h: the chatsoak driver's shared types: run settings, connections, counters. */
#ifndef SOAK_H
#define SOAK_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "line.h"

#define SOAK_MAX_GOOD      64
#define SOAK_MAX_CONNS     512
/* Servers one run may spread its clients over (-p P1,P2,...). */
#define SOAK_MAX_PORTS     16
/* Longest server line a soak client accepts (a line is at most max-line
 * plus a stamp and a nick, far below this). */
#define SOAK_MAX_RECV_LINE (1024 * 1024)
/* Latency histogram: 1 ms buckets up to this, the last one open-ended. */
#define SOAK_LAT_BUCKETS   10000

enum soak_kind {
	KIND_GOOD,
	KIND_VANISH,
	KIND_RESET,
	KIND_NEVERREAD,
	KIND_SLOWLORIS,
	KIND_FLOOD,
	KIND_OVERSIZE,
	KIND_COUNT
};

enum soak_phase {
	PHASE_JOIN,  /* good clients connect and join their room */
	PHASE_RUN,   /* good clients talk, bad ones come and go */
	PHASE_DRAIN, /* no new clients; wait for every good line to land */
	PHASE_QUIT,  /* good clients /quit and wait for the server to close */
	PHASE_DONE
};

struct soak_cfg {
	const char *host;
	const char *port; /* the first of ports */
	/* -p P1,P2,...: every kind of client is dealt out over these in
	 * turn (a cluster's nodes); one port is the single-server run. */
	char *ports[SOAK_MAX_PORTS];
	int nports;
	int seconds;
	int ngood;
	double good_rate; /* lines per second per good client */
	int max_line;     /* the server's --max-line */
	double rate;      /* the server's --rate (0: off) */
	int burst;        /* the server's --burst */
	const char *room; /* the good clients' room, without '#' */
	int drain_seconds;
	uint64_t seed;
	int verbose;
};

/* Counters for one kind of client; which ones mean something depends on
 * the kind (see the summary in chatsoak.c). */
struct soak_count {
	uint64_t started;
	uint64_t finished; /* did all it meant to do */
	uint64_t connect_failed;
	uint64_t lines_sent;
	uint64_t bytes_sent;
	uint64_t lines_recv;
	uint64_t dropped;  /* closed by the server */
	uint64_t survived; /* still connected when it gave up */
	uint64_t checked;  /* kind-specific: answers verified */
	uint64_t cut;      /* stopped early by the end of the run */
	uint64_t violations;
};

struct soak_good;

/* One client connection, good or bad. */
struct sconn {
	int fd;
	enum soak_kind kind;
	int variant;
	int state;
	int reading; /* poll for input */
	int gone;    /* closed: reap it */
	unsigned id; /* per-run sequence number */
	int node;    /* which of cfg.ports it is connected to */
	struct line_reader in;
	struct buf out;
	int64_t born_ms;
	int64_t next_ms; /* next timer, 0: none */
	int64_t end_ms;  /* end of its life or a deadline */
	uint64_t n;      /* kind-specific counters */
	uint64_t m;
	uint64_t target;
	struct soak_good *good; /* KIND_GOOD only */
};

struct soak {
	struct soak_cfg cfg;
	enum soak_phase phase;
	int64_t start_ms;
	int64_t run_end_ms;
	int64_t drain_end_ms;
	struct sconn *conns[SOAK_MAX_CONNS];
	int nconns;
	unsigned next_id;
	uint64_t rng;
	struct soak_count count[KIND_COUNT];
	uint64_t violations;
	struct soak_good *goods[SOAK_MAX_GOOD];
	int ngoods; /* good clients made */
	uint64_t lat_hist[SOAK_LAT_BUCKETS];
	uint64_t lat_n;
	uint64_t lat_sum_ms;
	int64_t lat_max_ms;
};

/*
 * What each kind does. start runs right after the connection is made;
 * timer when now passes c->next_ms; line for each line the server sent
 * (only while c->reading); closed when the server closed the connection
 * (err is 0 for EOF, else the errno); stop when the run ends (the kind
 * either closes at once or arranges to finish before the drain deadline).
 */
struct soak_kind_ops {
	const char *name;
	void (*start)(struct soak *, struct sconn *);
	void (*timer)(struct soak *, struct sconn *);
	void (*line)(struct soak *, struct sconn *, char *, size_t);
	void (*closed)(struct soak *, struct sconn *, int err);
	void (*stop)(struct soak *, struct sconn *);
};

extern const struct soak_kind_ops soak_good_ops, soak_vanish_ops,
    soak_reset_ops, soak_neverread_ops, soak_slowloris_ops, soak_flood_ops,
    soak_oversize_ops;

/* conn.c: connections, time, randomness, violations. */
const struct soak_kind_ops *soak_ops(enum soak_kind);
int64_t soak_now_ms(void);
uint64_t soak_rand(struct soak *);
/* A uniform integer in [lo, hi]. */
int64_t soak_between(struct soak *, int64_t lo, int64_t hi);
void soak_violation(struct soak *, struct sconn *, const char *, ...)
    __attribute__((format(printf, 3, 4)));
void soak_debug(struct soak *, const char *, ...)
    __attribute__((format(printf, 2, 3)));

/* Connect a new client of the given kind and run its start; NULL when the
 * connection failed (counted) or the table is full. */
struct sconn *sconn_open(struct soak *, enum soak_kind);
/* Queue bytes or a formatted line (the LF is the caller's). */
void sconn_send(struct sconn *, const void *, size_t);
void sconn_printf(struct sconn *, const char *, ...)
    __attribute__((format(printf, 2, 3)));
/* Write what the queue holds; 0, or -1 when the connection died (the
 * kind's closed op has run). */
int sconn_flush(struct soak *, struct sconn *);
/* Read what is there and hand out the lines; -1 when the connection
 * died or was closed by the server (the closed op has run). */
int sconn_input(struct soak *, struct sconn *);
/* Close; with rst, abortively (SO_LINGER {1, 0}: the peer gets an RST). */
void sconn_close(struct soak *, struct sconn *, int rst);
/* Shrink the receive buffer so that unread data backs up quickly. */
void sconn_small_rcvbuf(struct sconn *);
void sconn_free(struct sconn *);
/* The line's text after the "[HH:MM:SS] " stamp, or NULL without one. */
char *soak_unstamp(char *line, size_t len);

/* good.c: the well-behaved clients and their delivery check. */
int soak_good_all_joined(struct soak *);
int soak_good_all_delivered(struct soak *);
/* Start sending (PHASE_RUN), or send /quit (PHASE_QUIT). */
void soak_good_phase(struct soak *);
/* Tally what was sent and delivered; adds violations for what is missing. */
void soak_good_report(struct soak *);

#endif
