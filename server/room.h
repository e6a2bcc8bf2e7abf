/* room.h: the core's rooms: lookup, membership, operators (private to the core: chat.c and room.c). */
#ifndef CHATD_ROOM_H
#define CHATD_ROOM_H

#include "chat.h"

/* How room_member_remove hands over the operator status of the last
 * operator to leave. */
enum room_succession {
	ROOM_TELL,  /* the longest-present member takes it; the room is told */
	ROOM_QUIET, /* it takes it; nobody is told (shutdown) */
	ROOM_LATER  /* later: room_quits_flush decides and tells */
};

/*
 * Take m's user out of m's room. An emptied room is freed (its history,
 * kept elsewhere, stays).
 */
void room_member_remove(struct chat *, struct member *m, enum room_succession);

/* Keep the quit ev (a copy) to tell room r at the end of the pass. */
int room_quit_later(struct chat *, struct room *r, const struct ev *ev);
/* Tell r of its kept quits, folded when they are many, then hand over
 * the operator status if it is left without one. */
void room_quits_flush(struct chat *, struct room *r);
/* Tell the cluster what a user of this node did (chat.c). */
void chat_mirror_event(struct chat *, struct user *, const struct ev *);

#endif
