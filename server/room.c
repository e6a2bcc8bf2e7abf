/* room.c: room membership and broadcast. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "client.h"
#include "log.h"
#include "room.h"
#include "text.h"
#include "wire.h"

struct room *
room_find(struct server *srv, const char *name)
{
	struct room *r;

	TAILQ_FOREACH(r, &srv->rooms, entry)
	if (text_casecmp(r->name, name) == 0)
		return r;
	return NULL;
}

/* Rooms are kept sorted by name, so /rooms lists them in order. */
static struct room *
room_create(struct server *srv, const char *name)
{
	struct room *r, *after;

	if ((r = calloc(1, sizeof *r)) == NULL)
		return NULL;
	snprintf(r->name, sizeof r->name, "%s", name);
	TAILQ_INIT(&r->members);
	TAILQ_FOREACH(after, &srv->rooms, entry)
	if (text_casecmp(after->name, name) > 0)
		break;
	if (after != NULL)
		TAILQ_INSERT_BEFORE(after, r, entry);
	else
		TAILQ_INSERT_TAIL(&srv->rooms, r, entry);
	srv->nrooms++;
	log_debug("room #%s created", r->name);
	return r;
}

int
room_enter(struct client *c, const char *name)
{
	struct server *srv = c->srv;
	struct room *r;

	if ((r = room_find(srv, name)) == NULL &&
	    (r = room_create(srv, name)) == NULL)
		return -1;
	room_notice(r, c, "%s has joined #%s", c->nick, r->name);
	TAILQ_INSERT_TAIL(&r->members, c, room_entry);
	r->count++;
	c->room = r;
	return 0;
}

void
room_leave(struct client *c)
{
	struct room *r = c->room;

	if (r == NULL)
		return;
	TAILQ_REMOVE(&r->members, c, room_entry);
	c->room = NULL;
	if (--r->count > 0)
		return;
	log_debug("room #%s removed", r->name);
	TAILQ_REMOVE(&c->srv->rooms, r, entry);
	c->srv->nrooms--;
	free(r);
}

/* The one fan-out loop: the line was formatted once, into scratch. */
static void
room_send(struct room *r, const struct client *except, const struct buf *line)
{
	struct client *m;

	TAILQ_FOREACH(m, &r->members, room_entry)
	if (m != except)
		client_send(m, buf_data(line), buf_len(line));
}

void
room_message(struct client *from, const char *text, size_t len)
{
	struct buf *b = &from->srv->scratch;

	if (wire_message(b, from->nick, text, len) == 0)
		room_send(from->room, from, b);
}

void
room_action(struct client *from, const char *text, size_t len)
{
	struct buf *b = &from->srv->scratch;

	if (wire_action(b, from->nick, text, len) == 0)
		room_send(from->room, from, b);
}

void
room_notice(struct room *r, const struct client *except, const char *fmt, ...)
{
	struct buf *b;
	va_list ap;
	int rv;

	if (TAILQ_EMPTY(&r->members))
		return;
	b = &TAILQ_FIRST(&r->members)->srv->scratch;
	va_start(ap, fmt);
	rv = wire_vnotice(b, 0, fmt, ap);
	va_end(ap);
	if (rv == 0)
		room_send(r, except, b);
}
