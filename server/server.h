/* server.h: chatd's state: configuration, clients, rooms and statistics. */
#ifndef CHATD_SERVER_H
#define CHATD_SERVER_H

#include <sys/queue.h>

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "line.h"
#include "net.h"
#include "proto.h"

/* Why a client left: the quit notice's reason and the statistics key. */
enum quit_why {
	QUIT_REQUEST,  /* /quit */
	QUIT_CLOSED,   /* EOF */
	QUIT_RESET,    /* connection reset, broken pipe */
	QUIT_SLOW,     /* output queue over --max-queue */
	QUIT_ERROR,    /* read/write error, out of memory */
	QUIT_TIMEOUT,  /* no password within --login-timeout */
	QUIT_PASSWORD, /* too many wrong passwords */
	QUIT_SHUTDOWN, /* server stopping */
	QUIT_NWHY
};

struct config {
	const char *port;
	const char *bind; /* NULL: every interface, dual-stack */
	const char *unix_path;
	int max_clients;
	size_t max_queue;
	size_t max_line;
	double rate; /* lines/s; 0: no flood control */
	double burst;
	int max_per_ip;    /* 0: unlimited */
	char *password;    /* NULL: none */
	int login_timeout; /* seconds */
};

struct room;
struct server;

struct client {
	struct server *srv;
	int fd;
	unsigned id;
	char nick[CHAT_NICK_MAX + 1];
	char addr[NET_ADDRSTRLEN];
	struct room *room; /* NULL until authenticated */

	struct line_reader in;
	struct buf out;

	double tokens; /* flood control bucket */
	int64_t refilled_ms;
	int64_t connected_ms;
	int pass_tries;
	unsigned wait_pass; /* pass it began waiting in */

	unsigned authed : 1;
	unsigned eof : 1;      /* peer closed its side */
	unsigned closing : 1;  /* flush, then close */
	unsigned dead : 1;     /* on the dead list */
	unsigned flushing : 1; /* on the flush list */
	unsigned waiting : 1;  /* on the waiting list */
	unsigned blocked : 1;  /* socket full: wait for POLLOUT */
	enum quit_why why;

	struct client *nick_next;        /* nick hash chain */
	TAILQ_ENTRY(client) entry;       /* srv->clients */
	TAILQ_ENTRY(client) room_entry;  /* room->members */
	TAILQ_ENTRY(client) flush_entry; /* srv->flush */
	TAILQ_ENTRY(client) wait_entry;  /* srv->waiting */
	TAILQ_ENTRY(client) dead_entry;  /* srv->dead */
};

TAILQ_HEAD(client_list, client);
TAILQ_HEAD(room_list, room);

struct room {
	char name[CHAT_ROOM_MAX + 1]; /* without '#' */
	struct client_list members;
	int count;
	TAILQ_ENTRY(room) entry;
};

struct stats {
	uint64_t lines_in, lines_out;
	uint64_t bytes_in, bytes_out;
	uint64_t quits[QUIT_NWHY];
	uint64_t rejected_full, rejected_ip;
};

#define SERVER_NICK_BUCKETS  1024
#define SERVER_MAX_LISTENERS 2

struct server {
	struct config cfg;
	struct loop *loop;
	int listeners[SERVER_MAX_LISTENERS];
	int nlisteners;
	int spare_fd; /* given up to accept on EMFILE */

	struct client_list clients;
	struct client_list flush;   /* have output to write */
	struct client_list waiting; /* have lines left to process */
	struct client_list dead;    /* to free at a safe point */
	int nclients;
	unsigned next_id;
	unsigned next_guest;
	struct client *nicks[SERVER_NICK_BUCKETS];

	struct room_list rooms;
	int nrooms;

	struct buf scratch; /* one formatted line */
	struct stats stats;
	int64_t now_ms; /* monotonic, once per pass */
	int64_t next_cron_ms;
	int64_t accept_paused_until;
	int64_t shutdown_deadline;
	int stopping;
	int trimmed;   /* heap trimmed since the last client */
	unsigned pass; /* loop passes so far */
};

/* Bytes the signal handler writes to the self-pipe. */
#define SERVER_SIG_STOP  1
#define SERVER_SIG_STATS 2

/* server.c */
/* State only, no sockets (server_init adds them): for tests and fuzzing.
 * Returns 0, or -1 with errno. Undo with server_free(). */
int server_setup(struct server *, const struct config *);
/* server_setup plus the listeners and the signal pipe; -1 and *cause on
 * failure (server_free still needed). */
int server_init(
    struct server *, const struct config *, int sig_fd, const char **cause);
int server_run(struct server *);
void server_free(struct server *);
void server_stop(struct server *);
void server_log_stats(struct server *);
int64_t server_now_ms(void);

#endif
