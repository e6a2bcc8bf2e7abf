/* chatmass.h: the state of one chatmass run (mass joins, then mass quits, in one room). */
#ifndef CHATMASS_H
#define CHATMASS_H

#include <stdint.h>

#include "scale.h"

#define MASS_NICK_MAX 32
#define MASS_CHANNEL  "#mass" /* IRC; plain-text clients stay in #lobby */

enum mass_proto { MASS_TEXT, MASS_IRC };
enum mass_phase { MASS_JOINING, MASS_QUITTING };

struct mass_client {
	int ready;  /* welcomed (text) or at the end of NAMES (IRC) */
	int joined; /* IRC: its own JOIN seen */
	long joins; /* join lines heard */
	char nick[MASS_NICK_MAX];
};

struct mass_opts {
	int n, batch, timeout_s;
	enum mass_proto proto;
	const char *io, *max_queue, *chatd;
};

struct mass {
	struct mass_opts o;
	struct mass_client *cl;
	struct swarm sw;
	struct chatd d;
	enum mass_phase phase;
	long ready, joins;
	int64_t t_last_join;
	/* What the survivor (client 0) heard after the others left. */
	long quits;        /* users it was told of */
	long quit_lines;   /* one per user */
	long folded_lines; /* "N users have quit (...)" */
	long folded_users;
	int64_t t_last_quit;
	char quit_reason[64]; /* of the first */
	char folded_example[128];
	/* What went wrong. */
	long gone, server_errors, stray_quits;
	char first[256];
};

/* mass_wire.c: the first words of a client, and every line it reads. */
int mass_hello(struct mass *, struct sw_conn *);
sw_line_fn mass_line;
sw_gone_fn mass_gone;
/* join lines the room's N clients hear in all */
long mass_joins_expected(const struct mass *);
void mass_note(struct mass *, const char *, ...)
    __attribute__((format(printf, 2, 3)));

#endif
