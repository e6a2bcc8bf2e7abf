/* fakeirc.h: a scripted IRC server on loopback for bin/chat's tests: it says what a test tells it. */
#ifndef TEST_FAKEIRC_H
#define TEST_FAKEIRC_H

#include <stddef.h>

#include "harness.h"

#define FAKEIRC_LINE_MAX 8192
/* What chatd offers (irc-v1 §5) with history on. */
#define FAKEIRC_CHATD_CAPS                                                \
	"batch draft/chathistory echo-message message-tags multi-prefix " \
	"server-time userhost-in-names"

struct fakeirc {
	int lfd;
	int port;
	struct conn *c;        /* chat's connection, or NULL */
	char nick[64];         /* the nick it registered */
	unsigned long next_id; /* for msgids */
};

/* Listen on 127.0.0.1 (a free port). Fails the test if it cannot. */
void fakeirc_start(struct fakeirc *);
/* Wait (bounded) for chat to connect; fails the test if it does not. */
void fakeirc_accept(struct fakeirc *);
/* Nonzero when chat connects within ms (the connection is taken). */
int fakeirc_accepted(struct fakeirc *, int ms);
/* Send one line to chat (printf-style; CR LF is added). */
void fakeirc_send(struct fakeirc *, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Wait for a line from chat starting with prefix, skipping others; its
 * text (without CR LF) goes to out when not NULL. Fails the test after
 * CHATRUN_WAIT_MS. */
void fakeirc_expect(
    struct fakeirc *, const char *prefix, char *out, size_t outlen);
/* The next line from chat within ms (0: none came, -1: EOF). */
int fakeirc_line(struct fakeirc *, char *out, size_t outlen, int ms);
/*
 * Accept chat and register it as chatd would: CAP LS answered with caps
 * (NULL: 421, a server without CAP), what it asks ACKed, 001 and 005 for
 * the NICK it sent; then its JOIN echoed with members (a 353 list, chat's
 * nick is added) and the 366. fails the test when chat does not follow.
 * The nick and room are in f->nick and returned room.
 */
void fakeirc_welcome(struct fakeirc *, const char *caps, const char *members,
    char *room, size_t roomlen);
/* A room message from nick with a fresh msgid and the current time. */
void fakeirc_say(
    struct fakeirc *, const char *nick, const char *room, const char *text);
/* Close chat's connection, as a crashed server would. */
void fakeirc_drop(struct fakeirc *);
void fakeirc_stop(struct fakeirc *);

#endif
