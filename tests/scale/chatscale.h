/* chatscale.h: the state of one chatscale run, shared by its two files. */
#ifndef CHATSCALE_H
#define CHATSCALE_H

#include <stdio.h>

#include "proto.h"
#include "scale.h"

#define SC_ROOM_PREFIX "room-"
#define SC_PAD         40 /* message text bytes after the token */
#define SC_POLL_MS     50
#define SC_PHASE_MS    120000 /* connecting, or delivering, at most */
#define SC_STALL_MS    15000  /* nothing new for this long: give up */

enum sc_state { SC_NEW, SC_WELCOMED, SC_IN_ROOM };

struct sc_client {
	enum sc_state state;
	int room;
	long next;  /* the room talker's next sequence number, expected */
	long joins; /* others' join notices for its room */
	char nick[CHAT_NICK_MAX + 1];
};

struct sc_opts {
	int n, rooms, batch, idle_ms, cpu_secs;
	long messages;
	double max_kib, max_cpu;
	const char *io, *chatd;
	int select_check;
};

/* What went wrong, counted; the first of each run kept in words. */
struct sc_errors {
	long dup, gap, foreign, echo, misattributed, garbled;
	long server_errors, quits, gone, stray_idle;
	char first[256];
};

struct sc {
	struct sc_opts o;
	struct sc_client *cl;
	struct swarm sw;
	struct chatd d;
	long welcomed, in_room, lines_at_idle;
	long delivered, expected;
	int idle; /* lines now are strays */
	struct sc_errors err;
	int failed;
};

/* The phases, in the order sc_run calls them (chatscale.c). */
void sc_fail(struct sc *, const char *, ...)
    __attribute__((format(printf, 2, 3)));
sw_line_fn sc_line;
sw_gone_fn sc_gone;
double sc_secs(int64_t from);
/* Connect everyone into their rooms: 0, or -1 (and failed). */
int sc_connect_all(struct sc *);
/* chatd's RSS per idle client against the one before any (rss0). */
void sc_memory(struct sc *, long rss0);
void sc_idle_cpu(struct sc *);
void sc_talk(struct sc *);
void sc_check_counts(struct sc *);
/* Poll for ms; any line that arrives is counted as a stray. */
void sc_idle(struct sc *, int ms);

#endif
