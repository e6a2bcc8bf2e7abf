/* room.h: the core's rooms: lookup, membership, operators (private to the core: chat.c and room.c). */
#ifndef CHATD_ROOM_H
#define CHATD_ROOM_H

#include "chat.h"

/*
 * Take m's user out of m's room. notify: tell the room when the last
 * operator left and another member became one. An emptied room is freed
 * (its history, kept elsewhere, stays).
 */
void room_member_remove(struct chat *, struct member *m, int notify);

#endif
