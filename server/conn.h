/*
 * conn.h: one connection: its socket, input framing, output queue, flood
 * control, the slow-consumer limit, half-close and the deferred close.
 * It knows nothing of chat and nothing of protocols: it hands each line
 * to its owner through a table of callbacks, and sends the bytes it is
 * given.
 */
#ifndef CHATD_CONN_H
#define CHATD_CONN_H

#include <sys/queue.h>

#include <stddef.h>
#include <stdint.h>

#include "hmap.h"
#include "line.h"
#include "loop.h"
#include "net.h"
#include "outq.h"

struct conn;
struct telnet;

/* Why a connection failed. */
enum conn_why {
	CONN_RESET,  /* connection reset, broken pipe */
	CONN_ERROR,  /* another read or write error */
	CONN_SLOW,   /* its queue passed the limit */
	CONN_MEMORY, /* out of memory for it */
	CONN_TIMEOUT /* it stayed too long in the closing state */
};

/*
 * What a connection tells its owner. Callbacks run at points where the
 * owner may send to any connection and change any state: line, toolong
 * and eof from the connection's own input handling, fail and release
 * from conn_reap().
 */
struct conn_ops {
	/* One line, NUL-terminated in place, without its CR LF. */
	void (*line)(struct conn *, void *owner, char *line, size_t len);
	/* A line over the limit was dropped. */
	void (*toolong)(struct conn *, void *owner);
	/* The peer will send nothing more, and every line it sent has been
	 * handed over: the owner says goodbye and calls conn_close(). */
	void (*eof)(struct conn *, void *owner);
	/* The connection failed and will be closed. For CONN_SLOW the queue
	 * was cut to a line boundary, unsent bytes dropped, and the owner may
	 * still queue a last line. */
	void (*fail)(struct conn *, void *owner, enum conn_why, size_t unsent);
	/* The connection is being freed: the owner lets go of it. */
	void (*release)(struct conn *, void *owner);
	/* The server is stopping: say so in the protocol's words, then
	 * conn_close() (not called by conn.c itself). */
	void (*stop)(struct conn *, void *owner);
	/* Optional: the queue fell below the mark conn_set_low_water() set
	 * (once per mark). Called from the flush: the owner may queue more
	 * on this connection (and set a new mark), nothing else. */
	void (*drained)(struct conn *, void *owner);
};

struct conn_limits {
	size_t max_queue; /* unsent bytes before a connection is too slow */
	double rate;      /* lines per second; 0: no flood control */
	double burst;
};

struct conn_stats {
	uint64_t lines_in, lines_out;
	uint64_t bytes_in, bytes_out;
};

TAILQ_HEAD(conn_list, conn);

/* Every connection of a server, and the lists its passes work on. */
struct conn_set {
	struct loop *loop;
	struct conn_limits lim;
	struct conn_list all;
	struct conn_list flush;   /* have output to write */
	struct conn_list waiting; /* have lines left to process */
	struct conn_list failed;  /* to tell their owners, at a safe point */
	struct conn_list dead;    /* to free, at a safe point */
	struct hmap ids;          /* every connection, by id */
	int count;
	unsigned next_id;
	unsigned pass;
	struct loop_timer wake; /* a waiting connection may go on */
	struct conn_stats stats;
	/* Called for each connection as it is freed (after its owner). */
	void (*on_free)(void *arg, struct conn *);
	void *on_free_arg;
};

/*
 * The fields a fan-out touches for every recipient of every message (the
 * limits through set, the state bits, the queue and its segment) come
 * first and fill one cache line, and conn_new() allocates a connection on
 * a line boundary: a message to 5000 members touches 5000 lines of
 * connections, not 20,000.
 */
#define CONN_ALIGN 64

struct conn {
	struct conn_set *set;
	unsigned eof : 1;      /* peer closed its side */
	unsigned closing : 1;  /* flush, then close */
	unsigned failing : 1;  /* on the failed list */
	unsigned dead : 1;     /* on the dead list */
	unsigned flushing : 1; /* on the flush list */
	unsigned waiting : 1;  /* on the waiting list */
	unsigned blocked : 1;  /* socket full: wait for writability */
	unsigned paused : 1;   /* the owner wants no input for now */
	unsigned killed : 1;   /* killed while failing: no lingering */
	unsigned told : 1;     /* its owner heard it failed */
	unsigned telnet_on : 1;
	int fd;
	struct outq out; /* the first line ends at out.own */

	TAILQ_ENTRY(conn) flush_entry; /* set->flush */
	size_t low_water;              /* 0, or tell the owner below it */
	const struct conn_ops *ops;
	void *owner;
	unsigned id;
	enum conn_why why;

	struct line_reader in;
	struct telnet *telnet; /* made at the first IAC, when telnet_on */

	double tokens; /* flood control bucket */
	int64_t refilled_ms;
	unsigned wait_pass;         /* the pass it began waiting in */
	size_t unsent;              /* bytes cut from the queue */
	size_t slow_queued;         /* bytes queued when it was too slow */
	struct loop_timer deadline; /* closing: give up then */

	TAILQ_ENTRY(conn) entry;      /* set->all */
	TAILQ_ENTRY(conn) wait_entry; /* set->waiting */
	TAILQ_ENTRY(conn) dead_entry; /* set->failed or set->dead */
	struct hnode id_node;         /* set->ids */
	char addr[NET_ADDRSTRLEN];
};

void conn_set_init(
    struct conn_set *, struct loop *, const struct conn_limits *);
/* Free every connection (their owners are released first). */
void conn_set_free(struct conn_set *);

/*
 * Take a connected, non-blocking socket. Lines are framed at max_line
 * until conn_set_max_line() says otherwise, and handed to ops/owner.
 * Returns the connection, or NULL (fd closed) when it could not be set
 * up: out of memory, or the loop cannot watch fd.
 */
struct conn *conn_new(struct conn_set *, int fd, const char *addr,
    size_t max_line, const struct conn_ops *ops, void *owner);
/* The connection with this id, until it is freed (ids are never reused),
 * or NULL: for answers that come later (a remote store's) to find their
 * asker again, or not. O(1). */
struct conn *conn_find(const struct conn_set *, unsigned id);
/* Hand the connection to another owner (the protocol it turned out to
 * speak); lines not yet handed over go to the new one. */
void conn_attach(struct conn *, const struct conn_ops *, void *owner);
void conn_set_max_line(struct conn *, size_t max);
/* Look for telnet commands in the input (and answer them, chatd-v2 §3). */
void conn_set_telnet(struct conn *, int on);
/* Stop (or go on) handing lines over; input waits in the socket. */
void conn_pause(struct conn *, int on);

/*
 * Queue bytes: a copy, or a share of a page (see outq.h). A connection
 * whose queue would pass the limit fails as too slow (its owner hears of
 * it from conn_reap). Returns 0, or -1 when the bytes were not queued
 * (failed, closed or out of memory).
 */
int conn_send(struct conn *, const void *, size_t);
int conn_push(struct conn *, struct page *, uint32_t off, size_t n);
size_t conn_queued(const struct conn *);
/* Call ops->drained once, as soon as a flush leaves fewer than mark bytes
 * queued (0: never). For an owner that paces what it queues. */
void conn_set_low_water(struct conn *, size_t mark);

/* Write what is queued, then close; no more lines are handed over. */
void conn_close(struct conn *);
/* Close at the next safe point, without writing what is queued. */
void conn_kill(struct conn *);
int conn_is_open(const struct conn *);

/* Per pass of the loop: take lines left over from earlier passes (flood
 * control, fairness), tell owners of failures and free the dead, write
 * every queue. */
void conn_run_waiting(struct conn_set *);
void conn_reap(struct conn_set *);
void conn_flush_all(struct conn_set *);
/* Free idle buffers (once in a while). */
void conn_trim_all(struct conn_set *);

#endif
