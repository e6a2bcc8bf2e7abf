/* room.h: room membership and broadcast. */
#ifndef CHATD_ROOM_H
#define CHATD_ROOM_H

#include <stddef.h>

#include "server.h"

/* The room called name (without '#', any case), or NULL. */
struct room *room_find(struct server *, const char *name);

/* Put c (in no room) into room name, creating it; its members other than c
 * get "c has joined". Returns 0, or -1 when out of memory. */
int room_enter(struct client *, const char *name);
/* Take c out of its room, silently; an empty room is removed. */
void room_leave(struct client *);

/* To every member but the sender, formatted once. */
void room_message(struct client *from, const char *text, size_t len);
void room_action(struct client *from, const char *text, size_t len);
/* A notice to every member of r but except (which may be NULL). */
void room_notice(struct room *r, const struct client *except, const char *, ...)
    __attribute__((format(printf, 3, 4)));

#endif
